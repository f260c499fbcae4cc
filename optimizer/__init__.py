"""Route and schedule optimiser for field-service technicians.

>>> import optimizer
>>> problem = optimizer.Problem.from_files("orders.csv", "technicians.csv",
...                                        start="2026-11-23", days=3, tz="Europe/Berlin")
>>> plan = optimizer.solve(problem, time_limit=30)        # doctest: +SKIP
>>> plan.check().ok                                         # doctest: +SKIP
True
"""

import logging

from optimizer.check import CheckReport, Violation, check
from optimizer.diff import compare
from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError
from optimizer.models import (
    Delivery,
    Depot,
    ObjectiveWeights,
    Order,
    Plan,
    Problem,
    Technician,
    TravelSettings,
    Urgency,
)
from optimizer.models.events import Events, Pin, VisitReport
from optimizer.models.progress import Unavailable
from optimizer.replan import replan
from optimizer.solve import solve

logging.getLogger("optimizer").addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "CheckReport",
    "Delivery",
    "Depot",
    "Events",
    "InputIssue",
    "InvalidProblemError",
    "ObjectiveWeights",
    "Order",
    "Pin",
    "OptimizerError",
    "Plan",
    "Problem",
    "Technician",
    "TravelSettings",
    "Unavailable",
    "Urgency",
    "Violation",
    "VisitReport",
    "check",
    "compare",
    "replan",
    "solve",
]
