"""Route and schedule optimiser for field-service technicians.

>>> import optimizer
>>> problem = optimizer.read_problem("orders.csv", "technicians.csv",             # doctest: +SKIP
...                                  start="2026-11-23", days=3, tz="Europe/Berlin")
>>> plan = optimizer.solve(problem, time_limit=30)                               # doctest: +SKIP
>>> optimizer.check(problem, plan).ok                                            # doctest: +SKIP
True

The flow, one folder per step (``docs/architecture.md``): :mod:`optimizer.io` reads the
exports into :mod:`optimizer.models`; :mod:`optimizer.instance` compiles them into
arrays; :mod:`optimizer.solvers` finds routes; :mod:`optimizer.decode` turns them into
a plan; :func:`check` re-checks it independently. Importing this package loads no
solver library: OR-tools, PyVRP and VROOM are imported when a solve needs them.
"""

import logging

from optimizer.check import CheckReport, Violation, check
from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError
from optimizer.io import Reading, read_events, read_problem, read_tables
from optimizer.models import (
    Delivery,
    Depot,
    Events,
    ObjectiveWeights,
    Order,
    Pin,
    Plan,
    Problem,
    SolveOptions,
    Technician,
    TravelSettings,
    Unavailable,
    Urgency,
    VisitReport,
)
from optimizer.outputs.diff import compare
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
    "OptimizerError",
    "Order",
    "Pin",
    "Plan",
    "Problem",
    "Reading",
    "SolveOptions",
    "Technician",
    "TravelSettings",
    "Unavailable",
    "Urgency",
    "Violation",
    "VisitReport",
    "check",
    "compare",
    "read_events",
    "read_problem",
    "read_tables",
    "replan",
    "solve",
]
