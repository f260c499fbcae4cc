"""Key figures of a plan, computed from its stops and the problem."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from optimizer.models import Kpis, Problem, Route, StopKind, Technician, UnplannedOrder, Urgency
from optimizer.objective import late_minutes, objective_terms
from optimizer.timeaxis import elapsed_s


def route_overtime_min(problem: Problem, route: Route, tech: Technician) -> float:
    """Minutes the route ends after the technician's shift end that day."""
    shift_end = dt.datetime.combine(route.date, tech.shift.end, tzinfo=problem.zone)
    return max(0.0, elapsed_s(route.stops[-1].end, shift_end) / 60)


def compute_kpis(
    problem: Problem, routes: tuple[Route, ...], unplanned: tuple[UnplannedOrder, ...]
) -> Kpis:
    """KPIs and the objective of routes + unplanned orders (see :mod:`optimizer.objective`)."""
    orders = problem.order_by_id
    visits = [s for r in routes for s in r.stops if s.kind is StopKind.ORDER and s.order_id]
    lateness = [
        (orders[s.order_id].urgency, late_minutes(s.start, orders[s.order_id].due, problem.horizon_start))
        for s in visits
    ]
    technicians = problem.technician_by_id
    overtime = sum(route_overtime_min(problem, r, technicians[r.technician_id]) for r in routes)
    travel_min = sum(r.travel_min for r in routes)
    terms = objective_terms(
        problem.weights,
        unplanned=[u.urgency for u in unplanned],
        lateness=lateness,
        overtime_min=overtime,
        travel_min=travel_min,
    )
    planned = Counter(orders[s.order_id].urgency for s in visits)
    missed = Counter(u.urgency for u in unplanned)
    return Kpis(
        orders_total=len(problem.orders),
        orders_planned=len(visits),
        planned_by_urgency={u: planned.get(u, 0) for u in Urgency},
        unplanned_by_urgency={u: missed.get(u, 0) for u in Urgency},
        technician_days_used=len(routes),
        travel_km=sum(r.travel_km for r in routes),
        travel_min=travel_min,
        service_min=sum(elapsed_s(s.end, s.start) for s in visits) / 60,
        wait_min=sum(elapsed_s(s.start, s.arrival) for s in visits) / 60,
        overtime_min=overtime,
        late_visits=sum(1 for _, m in lateness if m > 0),
        late_min=sum(m for _, m in lateness),
        objective=sum(terms.values()),
        objective_terms=terms,
    )
