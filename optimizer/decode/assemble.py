"""Turn a back-end's routes (instance indices) into a domain :class:`Plan`.

In a re-plan each technician-day with fixed stops begins with them, exactly as given;
the new stops follow (or, if there are none, the drive home, timed like any route:
:func:`~optimizer.solvers.schedule.idle_days`).
"""

from __future__ import annotations

from typing import Any

from optimizer.decode.kpis import compute_kpis
from optimizer.decode.reasons import late_cause, unplanned_orders
from optimizer.instance import Instance
from optimizer.instance.remaining import fixed_routes
from optimizer.models import Plan, Problem, Route, SolverInfo, Stop, StopKind
from optimizer.solvers.base import Pickup, SolveResult
from optimizer.solvers.schedule import RouteSchedule, idle_days, schedule_all


def assemble_plan(
    problem: Problem, instance: Instance, result: SolveResult, info: SolverInfo, *, explain_until: float | None = None
) -> Plan:
    """Times, stops, unplanned reasons and KPIs for ``result``; raises if a route is
    infeasible. Unplanned orders are explained until ``explain_until`` (a
    :func:`time.perf_counter` value; ``None``: all; see :mod:`optimizer.decode.reasons`)."""
    schedules = schedule_all(instance, {v: list(seq) for v, seq in result.routes.items()}) | result.multi_day
    schedules |= idle_days(instance, schedules)
    fixed = fixed_routes(problem)
    routes = []
    for v in sorted(schedules):
        technician = instance.technician_ids[instance.vehicle_technician[v]]
        prefix = fixed.get((technician, instance.dates[instance.vehicle_day[v]]))
        route = _route(instance, schedules[v], result.pickups)
        routes.append(route if prefix is None else _after(prefix, route))
    unplanned = unplanned_orders(instance, result, schedules, until=explain_until)
    kpis = compute_kpis(problem, tuple(routes), unplanned)
    return Plan(routes=tuple(routes), unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz)


def _after(prefix: Route, route: Route) -> Route:
    """The fixed stops of ``prefix``, then ``route``'s stops after its start."""
    return route.model_copy(update={"stops": (*prefix.stops, *route.stops[1:])})


def _route(instance: Instance, timed: RouteSchedule, pickups: dict[tuple[int, int], Pickup]) -> Route:
    at = instance.axis.instant
    vehicle = timed.vehicle
    depart = at(timed.depart_s)
    stops = [Stop(kind=StopKind.START, arrival=depart, start=depart, end=depart)]
    rest: Stop | None = None
    if timed.break_start_s is not None:
        begin = at(timed.break_start_s)
        finish = at(timed.break_start_s + int(instance.vehicle_break_duration_s[vehicle]))
        rest = Stop(kind=StopKind.BREAK, arrival=begin, start=begin, end=finish)
    for position in range(len(timed.visits) + 1):
        if position == timed.break_gap and rest is not None and not timed.break_inside:
            stops.append(rest)
        times: dict[str, Any] = {
            "arrival": at(timed.arrival_s[position]),
            "start": at(timed.start_s[position]),
            "end": at(timed.end_s[position]),
            "travel_min": timed.travel_s[position] / 60,
            "travel_km": timed.distance_m[position] / 1000,
        }
        if position == len(timed.visits):
            stops.append(Stop(kind=StopKind.END, **times))
            continue
        stop = timed.visits[position]
        if instance.is_pickup(stop):
            depot = instance.depot_of(stop)
            taken = pickups.get((vehicle, depot), Pickup(()))
            stops.append(
                Stop(
                    kind=StopKind.PICKUP,
                    depot_id=instance.depot_ids[depot],
                    picked={instance.stock.part_ids[p]: units for p, units in taken.parts},
                    picked_tools=frozenset(instance.stock.tool_ids[k] for k in taken.tools),
                    **times,
                )
            )
            continue
        stops.append(
            Stop(
                kind=StopKind.ORDER,
                order_id=instance.order_ids[stop],
                late_min=timed.late_s[position] / 60,
                late_cause=late_cause(instance, stop, timed.start_s[position]) if timed.late_s[position] else "",
                helper=bool(instance.order_lead[stop] >= 0),
                **times,
            )
        )
        if position == timed.break_gap and rest is not None and timed.break_inside:
            stops.append(rest)  # the break interrupts this visit: listed after it, inside its times
    technician = instance.technician_ids[instance.vehicle_technician[vehicle]]
    return Route(
        technician_id=technician,
        date=instance.dates[instance.vehicle_day[vehicle]],
        stops=tuple(stops),
    )
