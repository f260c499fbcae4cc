"""Pydantic models of the domain: what the user gives (problem) and gets back (plan)."""

from optimizer.models.base import (
    Break,
    ClockInterval,
    OrderType,
    TimeWindow,
    Urgency,
    Weekday,
)
from optimizer.models.depot import Delivery, Depot
from optimizer.models.events import Events, Pin, VisitReport
from optimizer.models.order import Order, Predecessor
from optimizer.models.plan import (
    DayKpis,
    Kpis,
    Plan,
    Route,
    RuleSummary,
    SolverInfo,
    Stop,
    StopKind,
    TechnicianDayKpis,
    UnplannedOrder,
)
from optimizer.models.problem import Problem
from optimizer.models.progress import Appointment, Progress, Unavailable
from optimizer.models.reasons import Reason
from optimizer.models.settings import ObjectiveWeights, SolveOptions, StabilityWeights, TravelSettings
from optimizer.models.technician import Technician

__all__ = [
    "Appointment",
    "Break",
    "ClockInterval",
    "DayKpis",
    "Delivery",
    "Depot",
    "Events",
    "Kpis",
    "ObjectiveWeights",
    "Order",
    "OrderType",
    "Pin",
    "Plan",
    "Predecessor",
    "Problem",
    "Progress",
    "Reason",
    "Route",
    "RuleSummary",
    "SolveOptions",
    "SolverInfo",
    "StabilityWeights",
    "Stop",
    "StopKind",
    "Technician",
    "TechnicianDayKpis",
    "TimeWindow",
    "TravelSettings",
    "Unavailable",
    "UnplannedOrder",
    "Urgency",
    "VisitReport",
    "Weekday",
]
