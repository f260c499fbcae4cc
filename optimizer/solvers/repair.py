"""Repair: the re-planning back-end. The promised routes are kept where they still
work; what is left over is inserted at the least cost, changes included.

Used for problems with progress (see :mod:`optimizer.replan`), where the objective's
stability term prices every change to what customers were told; it is part of each
route's cost (:meth:`~optimizer.scheduling.RouteSchedule.cost`), so every step below
weighs the visits an insertion delays or moves.

1. Warm start: each vehicle's promised orders, in promised sequence, kept one by one
   while the route stays feasible (an overrun, a later start or a shorter day may
   drop some).
2. Orders on no route (new ones, those of technicians no longer available, those
   dropped in 1, those unplanned before) are inserted where they cost least, most
   urgent first (:func:`~optimizer.solvers.insertion.insert_orders`).
3. An order that fits nowhere takes the place of one less valuable order where that
   exchange lowers the cost (the cheapest exchange, on the ``_EXCHANGE_VEHICLES``
   vehicles nearest to it); the order taken off is inserted elsewhere if it can be.

Deterministic: no randomness; the time limit only cuts steps 2 and 3 short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.scheduling import schedule_route, stop_location
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import feasible_subsequence, insert_orders, insertion_order, route_cost

_EXCHANGE_VEHICLES = 8
"""Vehicles tried for an exchange: those whose route passes nearest to the order."""


@dataclass(frozen=True)
class Repair:
    """Warm-started repair of a plan in progress; configuration-free."""

    name: str = "repair"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Keep, insert, exchange (see the module docstring) until done or out of time."""
        began = time.perf_counter()
        deadline = began + limits.time_limit_s
        routes = insert_orders(instance, deadline=deadline, routes=promised_routes(instance))
        exchanged = 0
        for order in insertion_order(instance):
            if time.perf_counter() > deadline:
                break
            if any(order in seq for seq in routes.values()):
                continue
            changed = _exchange(instance, routes, int(order))
            if changed is not None:
                routes = insert_orders(instance, deadline=deadline, routes=changed)
                exchanged += 1
        status = f"repaired ({exchanged} exchange{'s' if exchanged != 1 else ''})"
        return SolveResult(routes, route_cost(instance, routes), status, time.perf_counter() - began)


def promised_routes(instance: Instance) -> dict[int, tuple[int, ...]]:
    """Each vehicle's promised orders in promised sequence, as far as still feasible
    (any qualified technician may keep a visit, fetching parts where needed)."""
    routes = {}
    promised = np.flatnonzero(instance.order_promised_vehicle >= 0)
    for v in np.unique(instance.order_promised_vehicle[promised]).tolist():
        mine = promised[instance.order_promised_vehicle[promised] == v]
        sequence = mine[np.argsort(instance.order_promised_s[mine], kind="stable")].tolist()
        kept = feasible_subsequence(instance, v, sequence, compatible=instance.supply_compatible)
        if kept:
            routes[v] = kept
    return routes


def _exchange(
    instance: Instance, routes: dict[int, tuple[int, ...]], order: int
) -> dict[int, tuple[int, ...]] | None:
    """``routes`` with ``order`` in the place of one less valuable order, by the
    exchange that lowers the cost most, or ``None`` if none does."""
    value = float(instance.order_unplanned_cost[order])
    loc = int(instance.order_loc[order])
    vehicles = [v for v in np.flatnonzero(instance.compatible[:, order]).tolist() if routes.get(v)]
    nearest = sorted(
        vehicles, key=lambda v: min(int(instance.travel_s[stop_location(instance, s), loc]) for s in routes[v])
    )[:_EXCHANGE_VEHICLES]
    best: tuple[float, int, tuple[int, ...]] | None = None
    for v in nearest:
        seq = routes[v]
        old = _route_cost(instance, v, seq)
        for k, out in enumerate(seq):
            if instance.is_pickup(out) or instance.order_unplanned_cost[out] >= value:
                continue
            rest = seq[:k] + seq[k + 1:]
            load = float(instance.order_load[list(rest)].sum()) + instance.order_load[order]
            if load > instance.vehicle_capacity[v]:
                continue
            for position in range(len(rest) + 1):
                candidate = (*rest[:position], order, *rest[position:])
                new = _route_cost(instance, v, candidate)
                if new is None:
                    continue
                gain = new - old + float(instance.order_unplanned_cost[out]) - value
                if gain < -1e-9 and (best is None or gain < best[0]):
                    best = (gain, v, candidate)
    if best is None:
        return None
    return {**routes, best[1]: best[2]}


def _route_cost(instance: Instance, vehicle: int, visits: tuple[int, ...]) -> float | None:
    """Travel, lateness, overtime and stability cost of one route (``None``: infeasible)."""
    timed = schedule_route(instance, vehicle, visits)
    if timed is None:
        return None
    return timed.cost(instance) + sum(timed.travel_s) * instance.travel_cost_per_min / 60
