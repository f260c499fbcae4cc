"""Urgency-first cheapest insertion: a fast construction back-end and OR-tools' warm start.

Orders are taken most urgent first (then earliest due, then tightest windows) and each
is inserted where it adds the least cost (travel, lateness, overtime) over all routes of
the technician-days that may serve it, or left out if no insertion is feasible or the
cheapest one costs more than leaving the order unplanned. Exact times come from
:mod:`optimizer.scheduling`. Candidate positions are tried in order of added travel,
which is a lower bound on the added cost, so most are never scheduled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.scheduling import RouteSchedule, schedule_route
from optimizer.solvers.base import SolveLimits, SolveResult


@dataclass(frozen=True)
class CheapestInsertion:
    """Construction heuristic; deterministic, no search after construction."""

    name: str = "insertion"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Insert orders one by one until all are placed or the time limit is reached."""
        began = time.perf_counter()
        routes = insert_orders(instance, deadline=began + limits.time_limit_s)
        objective = route_cost(instance, routes)
        return SolveResult(routes, objective, "constructed", time.perf_counter() - began)


def insertion_order(instance: Instance) -> np.ndarray:
    """Orders that some vehicle may serve, most urgent first, then by due time and window end."""
    plannable = np.flatnonzero(instance.compatible.any(axis=0))
    last_close = instance.order_windows_s[np.arange(instance.n_orders), instance.order_n_windows - 1, 1]
    keys = (
        last_close[plannable],
        instance.order_due_s[plannable],
        -instance.order_unplanned_cost[plannable],
    )
    return plannable[np.lexsort(keys)]


def insert_orders(
    instance: Instance,
    *,
    deadline: float,
    routes: dict[int, tuple[int, ...]] | None = None,
) -> dict[int, tuple[int, ...]]:
    """Cheapest feasible insertion of every not yet routed order into ``routes``."""
    sequences = {v: list(seq) for v, seq in (routes or {}).items()}
    schedules: dict[int, RouteSchedule] = {}
    for v, seq in sequences.items():
        timed = schedule_route(instance, v, seq)
        if timed is None:
            raise ValueError(f"initial route of vehicle {v} is infeasible")
        schedules[v] = timed
    loads = {v: float(instance.order_load[list(seq)].sum()) for v, seq in sequences.items()}
    routed = {o for seq in sequences.values() for o in seq}
    travel = instance.travel_s
    per_s = instance.travel_cost_per_min / 60

    for order in insertion_order(instance):
        if time.perf_counter() > deadline:
            break
        if order in routed:
            continue
        loc = int(instance.order_loc[order])
        vehicles = np.flatnonzero(instance.compatible[:, order])
        fits = instance.vehicle_capacity[vehicles] >= np.array(
            [loads.get(int(v), 0.0) for v in vehicles]
        ) + instance.order_load[order]
        vehicles = vehicles[fits]
        candidates = []  # (added travel seconds, vehicle, position)
        for v in vehicles.tolist():
            stops = [
                int(instance.vehicle_start_loc[v]),
                *(int(instance.order_loc[o]) for o in sequences.get(v, ())),
                int(instance.vehicle_end_loc[v]),
            ]
            before, after = np.array(stops[:-1]), np.array(stops[1:])
            added = travel[before, loc].astype(np.int64) + travel[loc, after] - travel[before, after]
            candidates.extend(zip(added.tolist(), [v] * len(added), range(len(added))))
        candidates.sort()
        best: tuple[float, int, RouteSchedule] | None = None
        limit = float(instance.order_unplanned_cost[order])
        for added_s, v, position in candidates:
            bound = added_s * per_s
            if bound >= limit or (best is not None and bound >= best[0]):
                break
            old = schedules.get(v)
            sequence = sequences.get(v, [])
            timed = schedule_route(instance, v, [*sequence[:position], order, *sequence[position:]])
            if timed is None:
                continue
            delta = bound + timed.cost(instance) - (old.cost(instance) if old else 0.0)
            if delta < limit and (best is None or delta < best[0]):
                best = (delta, v, timed)
        if best is not None:
            _, v, timed = best
            sequences[v] = list(timed.visits)
            schedules[v] = timed
            loads[v] = loads.get(v, 0.0) + float(instance.order_load[order])
            routed.add(int(order))
    return {v: tuple(seq) for v, seq in sequences.items() if seq}


def route_cost(instance: Instance, routes: dict[int, tuple[int, ...]]) -> float:
    """The full objective of ``routes`` (orders and pickups) in cost units, unplanned
    orders included."""
    served = np.zeros(instance.n_orders, dtype=bool)
    total = 0.0
    for v, seq in routes.items():
        timed = schedule_route(instance, v, seq)
        if timed is None:
            raise ValueError(f"route of vehicle {v} is infeasible")
        served[[s for s in seq if not instance.is_pickup(s)]] = True
        total += timed.cost(instance) + sum(timed.travel_s) * instance.travel_cost_per_min / 60
    return total + float(instance.order_unplanned_cost[~served].sum())


def feasible_subsequence(
    instance: Instance, vehicle: int, visits: list[int], *, compatible: np.ndarray | None = None
) -> tuple[int, ...]:
    """``visits`` in their order, keeping each one only if the route so far stays feasible
    (qualified, within capacity, on time for its window, home within shift and overtime):
    how routes from a search with a different model are made valid for ours.
    ``compatible`` [V, O] says who may serve what (default ``instance.compatible``)."""
    allowed = instance.compatible if compatible is None else compatible
    whole = tuple(int(o) for o in visits)
    capacity = instance.vehicle_capacity[vehicle]
    if (
        allowed[vehicle, list(whole)].all()
        and instance.order_load[list(whole)].sum() <= capacity
        and schedule_route(instance, vehicle, whole) is not None
    ):
        return whole
    kept: list[int] = []
    load = 0.0
    for order in visits:
        fits = load + instance.order_load[order] <= instance.vehicle_capacity[vehicle]
        if (
            fits
            and allowed[vehicle, order]
            and schedule_route(instance, vehicle, [*kept, order]) is not None
        ):
            kept.append(order)
            load += float(instance.order_load[order])
    return tuple(kept)
