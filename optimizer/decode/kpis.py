"""Key figures of a plan, computed from its stops and the problem."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from optimizer.decode.costs import cost_rows, rule_summaries
from optimizer.models import (
    DayKpis,
    Kpis,
    Order,
    Problem,
    Route,
    Stop,
    StopKind,
    Technician,
    TechnicianDayKpis,
    UnplannedOrder,
    Urgency,
)
from optimizer.models.objective import (
    balance_cost,
    due_of,
    first_visits,
    objective_terms,
    preference_cost,
    preferred_of,
    route_waiting_min,
    sla_anchor,
    stability_total,
    working_days,
)
from optimizer.timeaxis import elapsed_s, utc


def route_overtime_min(problem: Problem, route: Route, tech: Technician) -> float:
    """Minutes the route ends after the technician's shift end that day."""
    shift_end = dt.datetime.combine(route.date, tech.hours_on(route.date).end, tzinfo=problem.zone)
    return max(0.0, elapsed_s(route.stops[-1].end, shift_end) / 60)


def preferences_total(problem: Problem, routes: Sequence[Route]) -> float:
    """The preferred-technician term of ``routes``: :func:`preference_cost` of each order's first visit."""
    orders, known = problem.order_by_id, problem.technician_by_id.keys()
    serving = {order_id: route.technician_id for route in routes for order_id in route.order_ids}  # one per order
    return sum(preference_cost(problem, preferred_of(orders[o], known), t) for o, t in serving.items())


def compute_kpis(problem: Problem, routes: tuple[Route, ...], unplanned: tuple[UnplannedOrder, ...]) -> Kpis:
    """KPIs and the objective of routes + unplanned orders (see :mod:`optimizer.models.objective`),
    in total and per day of the horizon."""
    orders = problem.order_by_id
    firsts = first_visits(routes)
    visits = [(s, orders[order_id]) for order_id, s in firsts.items()]
    anchor = sla_anchor(problem)
    late = {order.id: _late_min(s.start, due_of(problem, order, anchor)) for s, order in visits}
    technicians = problem.technician_by_id
    figures = _figures(problem, routes, orders, technicians, firsts, late)
    waiting_min = sum(route_waiting_min(r) for r in routes)
    terms = objective_terms(
        problem,
        unplanned=[orders[u.order_id] for u in unplanned],
        visits=[(order, s.start) for s, order in visits],
        overtime_min=figures["overtime_min"],
        travel_min=figures["travel_min"],
        waiting_min=waiting_min,
        preferred=preferences_total(problem, routes),
        balance=balance_cost(problem, routes),
        stability=stability_total(
            problem,
            {
                s.order_id: (r.technician_id, s.start)
                for r in routes
                for s in r.stops
                if s.kind is StopKind.ORDER and s.order_id and not s.helper  # a crew's promise is its lead's
            },
        ),
    )
    planned = Counter(order.urgency for _, order in visits)
    missed = Counter(u.urgency for u in unplanned)
    days = tuple(
        DayKpis(
            date=day, **_figures(problem, tuple(r for r in routes if r.date == day), orders, technicians, firsts, late)
        )
        for day in problem.dates
    )
    return Kpis(
        orders_total=len(problem.orders),
        planned_by_urgency={u: planned.get(u, 0) for u in Urgency},
        unplanned_by_urgency={u: missed.get(u, 0) for u in Urgency},
        wait_min=waiting_min,
        late_min=sum(late.values()),
        objective=sum(terms.values()),
        objective_terms=terms,
        days=days,
        technician_days=technician_days(problem, routes),
        rules=rule_summaries(cost_rows(problem, routes, unplanned)),
        **figures,
    )


def technician_days(problem: Problem, routes: tuple[Route, ...]) -> tuple[TechnicianDayKpis, ...]:
    """What each technician does on each working day of the horizon (days without a
    visit included, with zeros; a day an absence takes whole is not one), by technician
    then date. ``shift_min`` is the shift as absences leave it."""
    by_key = {(r.technician_id, r.date): r for r in routes}
    working = working_days(problem)
    out = []
    for tech in sorted(problem.technicians, key=lambda t: t.id):
        for day in problem.dates:
            route = by_key.get((tech.id, day))
            if route is None and tech.id not in working[day]:
                continue
            hours = tech.hours_on(day)
            first, last = problem.working_time(
                tech,
                dt.datetime.combine(day, hours.start, tzinfo=problem.zone),
                dt.datetime.combine(day, hours.end, tzinfo=problem.zone),
            )
            shift_min = max(0.0, elapsed_s(last, first) / 60)
            minutes = _day_minutes(problem, route, tech)
            out.append(
                TechnicianDayKpis(
                    technician_id=tech.id,
                    name=tech.name,
                    date=day,
                    orders=0 if route is None else len(route.order_ids),
                    shift_min=shift_min,
                    travel_km=0.0 if route is None else route.travel_km,
                    utilisation=minutes["worked_min"] / shift_min if shift_min > 0 else 0.0,
                    **minutes,
                )
            )
    return tuple(out)


def _day_minutes(problem: Problem, route: Route | None, tech: Technician) -> dict[str, float]:
    """The minutes of one technician-day (zeros without a route): worked (from leaving
    home to coming back, less the break), driving, service, waiting, overtime."""
    if route is None:
        return dict.fromkeys(("worked_min", "travel_min", "service_min", "wait_min", "overtime_min"), 0.0)
    pause_s = sum(elapsed_s(s.end, s.start) for s in route.stops if s.kind is StopKind.BREAK)
    return {
        "worked_min": (elapsed_s(route.stops[-1].end, route.stops[0].end) - pause_s) / 60,
        "travel_min": route.travel_min,
        "service_min": sum(_work_s(route, s) for s in route.stops if s.kind is StopKind.ORDER) / 60,
        "wait_min": route_waiting_min(route),
        "overtime_min": route_overtime_min(problem, route, tech),
    }


def _figures(
    problem: Problem,
    routes: tuple[Route, ...],
    orders: dict[str, Order],
    technicians: dict[str, Technician],
    firsts: dict[str, Stop],
    late: dict[str, float],
) -> dict[str, Any]:
    """The figures reported both in total and per day, over ``routes`` (``firsts``: the
    first visit of each order, where a multi-day visit's lateness is counted; ``late``:
    its minutes late)."""
    visits = [(s, orders[s.order_id]) for r in routes for s in r.stops if s.kind is StopKind.ORDER and s.order_id]
    return {
        "orders_planned": len({s.order_id for s, _ in visits}),
        "technician_days_used": len(routes),
        "pickups": sum(1 for r in routes for s in r.stops if s.kind is StopKind.PICKUP),
        "travel_km": sum(r.travel_km for r in routes),
        "travel_min": sum(r.travel_min for r in routes),
        "service_min": sum(_work_s(r, s) for r in routes for s in r.stops if s.kind is StopKind.ORDER) / 60,
        "overtime_min": sum(route_overtime_min(problem, r, technicians[r.technician_id]) for r in routes),
        "late_visits": sum(1 for s, order in visits if s is firsts[order.id] and late[order.id] > 0),
    }


def _work_s(route: Route, visit: Stop) -> float:
    """Seconds of work of ``visit``: its span less a break taken inside it (a long job)."""
    pauses = [
        elapsed_s(b.end, b.start)
        for b in route.stops
        if b.kind is StopKind.BREAK and utc(visit.start) <= utc(b.start) and utc(b.end) <= utc(visit.end)
    ]
    return elapsed_s(visit.end, visit.start) - sum(pauses)


def _late_min(start: dt.datetime, due: dt.datetime | None) -> float:
    """Minutes a service starting at ``start`` is after ``due`` (0 if on time or none)."""
    return 0.0 if due is None else max(0.0, elapsed_s(start, due) / 60)
