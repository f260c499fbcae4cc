"""Turn a back-end's routes (instance indices) into a domain :class:`Plan`."""

from __future__ import annotations

from optimizer.explain import late_cause, unplanned_orders
from optimizer.instance import Instance
from optimizer.kpis import compute_kpis
from optimizer.models import Plan, Problem, Route, SolverInfo, Stop, StopKind
from optimizer.scheduling import RouteSchedule, schedule_all
from optimizer.solvers.base import Pickup, SolveResult


def assemble_plan(
    problem: Problem, instance: Instance, result: SolveResult, info: SolverInfo
) -> Plan:
    """Times, stops, unplanned reasons and KPIs for ``result``; raises if a route is infeasible."""
    schedules = schedule_all(instance, {v: list(seq) for v, seq in result.routes.items()})
    routes = tuple(_route(instance, s, result.pickups) for _, s in sorted(schedules.items()))
    unplanned = unplanned_orders(problem, instance, result, schedules)
    kpis = compute_kpis(problem, routes, unplanned)
    return Plan(routes=routes, unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz)


def _route(instance: Instance, timed: RouteSchedule, pickups: dict[tuple[int, int], Pickup]) -> Route:
    at = instance.axis.instant
    vehicle = timed.vehicle
    depart = at(timed.depart_s)
    stops = [Stop(kind=StopKind.START, arrival=depart, start=depart, end=depart)]
    for position in range(len(timed.visits) + 1):
        if position == timed.break_gap and timed.break_start_s is not None:
            begin = at(timed.break_start_s)
            finish = at(timed.break_start_s + int(instance.vehicle_break_duration_s[vehicle]))
            stops.append(Stop(kind=StopKind.BREAK, arrival=begin, start=begin, end=finish))
        times = dict(
            arrival=at(timed.arrival_s[position]),
            start=at(timed.start_s[position]),
            end=at(timed.end_s[position]),
            travel_min=timed.travel_s[position] / 60,
            travel_km=timed.distance_m[position] / 1000,
        )
        if position == len(timed.visits):
            stops.append(Stop(kind=StopKind.END, **times))
            continue
        stop = timed.visits[position]
        if instance.is_pickup(stop):
            depot = instance.depot_of(stop)
            taken = pickups.get((vehicle, depot), Pickup(()))
            stops.append(Stop(
                kind=StopKind.PICKUP,
                depot_id=instance.depot_ids[depot],
                picked={instance.stock.part_ids[p]: units for p, units in taken.parts},
                picked_tools=frozenset(instance.stock.tool_ids[k] for k in taken.tools),
                **times,
            ))
            continue
        stops.append(Stop(
            kind=StopKind.ORDER,
            order_id=instance.order_ids[stop],
            late_min=timed.late_s[position] / 60,
            late_cause=late_cause(instance, stop, timed.start_s[position]),
            **times,
        ))
    technician = instance.technician_ids[instance.vehicle_technician[vehicle]]
    return Route(
        technician_id=technician,
        date=instance.dates[instance.vehicle_day[vehicle]],
        stops=tuple(stops),
    )
