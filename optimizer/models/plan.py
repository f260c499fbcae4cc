"""The plan: per technician and day, the ordered stops with times; unplanned orders; KPIs."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import AwareDatetime, Field

from optimizer.models.base import Frozen, Quantities, Urgency


class StopKind(str, Enum):
    """What happens at a stop of a route."""

    START = "start"
    PICKUP = "pickup"
    ORDER = "order"
    BREAK = "break"
    END = "end"


class Stop(Frozen):
    """One point of a route: leaving home, a depot pickup, a visit, the break, coming home.

    ``travel_min``/``travel_km`` are the drive from the previous located stop (0 for the
    start and the break). ``arrival`` <= ``start`` (waiting in between); ``end`` is when
    the technician leaves. A break has no location: it is taken in the gap between the
    stops around it, on site or on the road.
    """

    kind: StopKind
    order_id: str | None = None
    depot_id: str | None = None
    arrival: AwareDatetime
    start: AwareDatetime
    end: AwareDatetime
    travel_min: float = Field(default=0.0, ge=0)
    travel_km: float = Field(default=0.0, ge=0)
    late_min: float = Field(default=0.0, ge=0, description="minutes the start is after due")
    picked: Quantities = Field(default_factory=dict, description="parts collected at a pickup")
    picked_tools: frozenset[str] = Field(default=frozenset(), description="tools collected at a pickup")
    late_cause: str = Field(default="", description="why a late visit could not start earlier")
    helper: bool = Field(
        default=False,
        description="a crew member who assists at a visit of several technicians (holds the crew skills; "
        "the one member without this flag holds the order's skills and brings its parts and tools)",
    )


class Route(Frozen):
    """The stops of one technician on one day, from leaving home to coming back."""

    technician_id: str
    date: dt.date
    stops: tuple[Stop, ...]

    @property
    def order_ids(self) -> list[str]:
        """The orders visited, in sequence."""
        return [s.order_id for s in self.stops if s.kind is StopKind.ORDER and s.order_id]

    @property
    def travel_min(self) -> float:
        """Total driving time, minutes."""
        return sum(s.travel_min for s in self.stops)

    @property
    def travel_km(self) -> float:
        """Total driving distance, kilometres."""
        return sum(s.travel_km for s in self.stops)


class UnplannedOrder(Frozen):
    """An order the plan does not serve, with a machine-readable reason and a sentence."""

    order_id: str
    urgency: Urgency
    reason: str
    detail: str = ""
    until: AwareDatetime | None = Field(default=None, description="for parts_unavailable_until: when the parts arrive")


class DayKpis(Frozen):
    """Key figures of one day of a plan (units as in :class:`Kpis`)."""

    date: dt.date
    orders_planned: int
    technician_days_used: int
    pickups: int
    travel_km: float
    travel_min: float
    service_min: float
    overtime_min: float
    late_visits: int


class TechnicianDayKpis(Frozen):
    """What one technician does on one working day of the horizon (minutes, km);
    ``worked_min`` runs from leaving home to coming back, less the break;
    ``utilisation`` is ``worked_min`` over the shift's length (above 1 with overtime)."""

    technician_id: str
    name: str = ""
    date: dt.date
    orders: int
    shift_min: float
    worked_min: float
    travel_min: float
    service_min: float
    wait_min: float
    overtime_min: float
    travel_km: float
    utilisation: float


class RuleSummary(Frozen):
    """One term of the objective over the plan: its cost (units), how many rows of the
    cost explanation carry some of it, and the row that carries most (its label)."""

    cost: float
    rows: int
    largest: str = ""


class Kpis(Frozen):
    """Key figures of a plan. Costs in objective units; times in minutes; distances in km."""

    orders_total: int
    orders_planned: int
    unplanned_by_urgency: dict[Urgency, int]
    planned_by_urgency: dict[Urgency, int]
    technician_days_used: int
    travel_km: float
    travel_min: float
    service_min: float
    wait_min: float
    overtime_min: float
    late_visits: int
    late_min: float
    pickups: int
    objective: float
    objective_terms: dict[str, float]
    days: tuple[DayKpis, ...] = ()
    """The same figures per day of the horizon (the objective only in total)."""
    technician_days: tuple[TechnicianDayKpis, ...] = ()
    """Per technician and working day, including days without a visit."""
    expected_late_visits: float | None = Field(
        default=None, description="visits expected to start outside their windows or after their due (optimizer risk)"
    )
    rules: dict[str, RuleSummary] = Field(default_factory=dict)
    """Per term of the objective (the keys of ``objective_terms``): who carries it
    (see ``optimizer.io.costs_frame``)."""


class SolverInfo(Frozen):
    """How the plan was found: back-end, limits, timings (seconds) and its own objective
    (``solver_objective``; in a re-plan it covers what was planned, not the fixed stops,
    so it is below the plan's objective)."""

    solver: str
    seed: int = 0
    time_limit_s: float | None = None
    solve_s: float = 0.0
    total_s: float = 0.0
    status: str = ""
    solver_objective: float | None = None


class Plan(Frozen):
    """Routes per technician-day, unplanned orders with reasons, and KPIs.

    A plan holds no reference to its problem (as PyVRP's solutions hold none to their
    data): check it with ``optimizer.check(problem, plan)`` and tabulate it with the
    frame functions of :mod:`optimizer.io` (``visits_frame(plan)``, ...).
    """

    routes: tuple[Route, ...]
    unplanned: tuple[UnplannedOrder, ...]
    kpis: Kpis
    info: SolverInfo
    tz: str
