"""Turn a back-end's routes (instance indices) into a domain :class:`Plan`.

In a re-plan each technician-day with fixed stops begins with them, exactly as given;
the new stops follow (or, if there are none, the drive home).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from optimizer.decode.kpis import compute_kpis
from optimizer.decode.reasons import late_cause, unplanned_orders
from optimizer.instance import Instance
from optimizer.instance.remaining import fixed_routes
from optimizer.models import Plan, Problem, Route, SolverInfo, Stop, StopKind, Technician
from optimizer.solvers.base import Pickup, SolveResult
from optimizer.solvers.schedule import RouteSchedule, schedule_all
from optimizer.timeaxis import utc


def assemble_plan(
    problem: Problem, instance: Instance, result: SolveResult, info: SolverInfo, *, explain_until: float | None = None
) -> Plan:
    """Times, stops, unplanned reasons and KPIs for ``result``; raises if a route is
    infeasible. Unplanned orders are explained until ``explain_until`` (a
    :func:`time.perf_counter` value; ``None``: all; see :mod:`optimizer.decode.reasons`)."""
    schedules = schedule_all(instance, {v: list(seq) for v, seq in result.routes.items()}) | result.multi_day
    fixed = fixed_routes(problem)
    routes = []
    for v in range(instance.n_vehicles):
        technician = instance.technician_ids[instance.vehicle_technician[v]]
        prefix = fixed.get((technician, instance.dates[instance.vehicle_day[v]]))
        if v in schedules:
            route = _route(instance, schedules[v], result.pickups)
            routes.append(route if prefix is None else _after(prefix, route))
        elif prefix is not None:
            routes.append(_home_after(problem, instance, v, prefix))
    unplanned = unplanned_orders(instance, result, schedules, until=explain_until)
    kpis = compute_kpis(problem, tuple(routes), unplanned)
    return Plan(routes=tuple(routes), unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz)


def _cut_short(problem: Problem, technician: Technician, day: dt.date) -> bool:
    """Whether an absence ends the technician's working day early (no break is due on
    the way home then)."""
    hours = technician.hours_on(day)
    first = utc(dt.datetime.combine(day, hours.start, tzinfo=problem.zone))
    last = utc(dt.datetime.combine(day, hours.end, tzinfo=problem.zone)) + dt.timedelta(
        minutes=technician.max_overtime_min
    )
    return problem.working_time(technician, first, last)[1] < last


def _after(prefix: Route, route: Route) -> Route:
    """The fixed stops of ``prefix``, then ``route``'s stops after its start."""
    return route.model_copy(update={"stops": (*prefix.stops, *route.stops[1:])})


def _home_after(problem: Problem, instance: Instance, vehicle: int, prefix: Route) -> Route:
    """The fixed stops of ``prefix``, then the drive home from the last of them, after
    the day's break where the break rule still asks for one (taken on site, as soon as
    its window and ``now`` allow)."""
    axis = instance.axis
    origin, home = int(instance.vehicle_start_loc[vehicle]), int(instance.vehicle_end_loc[vehicle])
    drive_s = int(instance.travel_s[origin, home])
    leave_s = axis.seconds_from(max((s.end for s in prefix.stops), key=utc))
    stops = list(prefix.stops)
    technician = problem.technician_by_id[prefix.technician_id]
    rest = technician.break_
    if (
        rest is not None
        and problem.progress is not None
        and all(s.kind is not StopKind.BREAK for s in stops)
        and not _cut_short(problem, technician, prefix.date)
    ):
        opens_s = axis.local_seconds(prefix.date, rest.start)
        closes_s = axis.local_seconds(prefix.date, rest.end)
        begin_s = max(leave_s, opens_s, axis.seconds_from(problem.progress.now))
        if leave_s + drive_s > closes_s and begin_s <= closes_s:
            leave_s = begin_s + 60 * rest.duration_min
            stops.append(
                Stop(
                    kind=StopKind.BREAK,
                    arrival=axis.instant(begin_s),
                    start=axis.instant(begin_s),
                    end=axis.instant(leave_s),
                )
            )
    back = axis.instant(leave_s + drive_s)
    stops.append(
        Stop(
            kind=StopKind.END,
            arrival=back,
            start=back,
            end=back,
            travel_min=drive_s / 60,
            travel_km=int(instance.distance_m[origin, home]) / 1000,
        )
    )
    return prefix.model_copy(update={"stops": tuple(stops)})


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
