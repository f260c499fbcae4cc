"""Turn a back-end's routes (instance indices) into a domain :class:`Plan`."""

from __future__ import annotations

import numpy as np

from optimizer.instance import Instance
from optimizer.kpis import compute_kpis
from optimizer.models import Plan, Problem, Route, SolverInfo, Stop, StopKind, UnplannedOrder
from optimizer.reasons import EXPLANATION, Reason
from optimizer.scheduling import RouteSchedule, schedule_all
from optimizer.solvers.base import SolveResult


def assemble_plan(
    problem: Problem, instance: Instance, result: SolveResult, info: SolverInfo
) -> Plan:
    """Times, stops, unplanned reasons and KPIs for ``result``; raises if a route is infeasible."""
    schedules = schedule_all(instance, {v: list(seq) for v, seq in result.routes.items()})
    routes = tuple(_route(problem, instance, s) for _, s in sorted(schedules.items()))
    planned = {o for s in schedules.values() for o in s.visits}
    unplanned = tuple(
        _unplanned(problem, instance, o) for o in range(instance.n_orders) if o not in planned
    )
    kpis = compute_kpis(problem, routes, unplanned)
    return Plan(routes=routes, unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz)


def _route(problem: Problem, instance: Instance, timed: RouteSchedule) -> Route:
    axis = instance.axis
    at = axis.instant
    vehicle = timed.vehicle
    depart = at(timed.depart_s)
    stops = [Stop(kind=StopKind.START, arrival=depart, start=depart, end=depart)]
    for position in range(len(timed.visits) + 1):
        if position == timed.break_gap and timed.break_start_s is not None:
            begin = at(timed.break_start_s)
            finish = at(timed.break_start_s + int(instance.vehicle_break_duration_s[vehicle]))
            stops.append(Stop(kind=StopKind.BREAK, arrival=begin, start=begin, end=finish))
        is_end = position == len(timed.visits)
        order = None if is_end else problem.orders[timed.visits[position]]
        stops.append(
            Stop(
                kind=StopKind.END if is_end else StopKind.ORDER,
                order_id=None if order is None else order.id,
                arrival=at(timed.arrival_s[position]),
                start=at(timed.start_s[position]),
                end=at(timed.end_s[position]),
                travel_min=timed.travel_s[position] / 60,
                travel_km=timed.distance_m[position] / 1000,
                late_min=0.0 if is_end else timed.late_s[position] / 60,
            )
        )
    technician = instance.technician_ids[instance.vehicle_technician[vehicle]]
    return Route(
        technician_id=technician,
        date=instance.dates[instance.vehicle_day[vehicle]],
        stops=tuple(stops),
    )


def _unplanned(problem: Problem, instance: Instance, order: int) -> UnplannedOrder:
    reason = instance.presolve_reason[order] or Reason.NOT_ENOUGH_CAPACITY
    detail = EXPLANATION[reason]
    if reason is Reason.NOT_ENOUGH_CAPACITY:
        days = int(np.count_nonzero(instance.compatible[:, order]))
        detail += f" ({days} technician-day{'s' if days != 1 else ''} could serve it)"
    return UnplannedOrder(
        order_id=instance.order_ids[order],
        urgency=problem.orders[order].urgency,
        reason=reason.value,
        detail=detail,
    )
