"""Repair: the re-planning back-end. The promised routes are kept where they still
work; what is left over is inserted at the least cost, changes included.

Used for problems with progress (see :mod:`optimizer.replan`), where the objective's
stability term prices every change to what customers were told; it is part of each
route's cost (:meth:`~optimizer.solvers.schedule.RouteSchedule.cost`), so every step below
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
4. Improvement: each order that is late, new, or not where and when it was promised
   moves to where it costs least (a plain reinsertion, else an exchange) if that
   lowers the cost; up to ``_PASSES`` passes.

Deterministic: no randomness; the time limit only cuts steps 2 to 4 short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import RouteSet, insert_orders, insertion_order
from optimizer.solvers.schedule import RouteSchedule, feasible_subsequence, routes_cost, schedule_route, stop_location

_EXCHANGE_VEHICLES = 8
"""Vehicles tried for an exchange: those whose route passes nearest to the order."""
_EXCHANGE_POSITIONS = 3
"""Positions tried for the order in each exchange: those adding least travel."""
_PASSES = 3
"""Improvement passes over the orders worth moving (at most)."""
_EPSILON = 1e-6


@dataclass(frozen=True)
class Repair:
    """Warm-started repair of a plan in progress; configuration-free."""

    name: str = "repair"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Keep, insert, exchange, improve (see the module docstring) until done or out of time."""
        began = time.perf_counter()
        routes = insert_orders(instance, limits, routes=promised_routes(instance))
        limits.improved(routes, routes_cost(instance, routes))
        exchanged = 0
        for order in insertion_order(instance):
            if limits.expired():
                break
            if any(order in seq for seq in routes.values()):
                continue
            found = _exchange(instance, routes, int(order), threshold=0.0, limits=limits)
            if found is not None:
                routes = insert_orders(instance, limits, routes=found[1])
                exchanged += 1
        routes, moved = _improve(instance, routes, limits)
        cost = routes_cost(instance, routes)
        limits.improved(routes, cost)
        status = (
            f"repaired ({exchanged} exchange{'s' if exchanged != 1 else ''}, "
            f"{moved} improving move{'s' if moved != 1 else ''})"
        )
        return SolveResult(routes, cost, status, time.perf_counter() - began)


def promised_routes(instance: Instance) -> dict[int, tuple[int, ...]]:
    """Each vehicle's promised orders and planned pickups in their planned sequence, as
    far as still feasible (any qualified technician may keep a visit, fetching parts
    where needed; the supply pass drops the pickups nobody needs)."""
    timed: dict[int, list[tuple[int, int]]] = {}
    for o in np.flatnonzero(instance.order_promised_vehicle >= 0).tolist():
        timed.setdefault(int(instance.order_promised_vehicle[o]), []).append((int(instance.order_promised_s[o]), o))
    for v, depot, start_s in instance.planned_pickups:
        kinds = [k for k in instance.pickup_stops(depot) if instance.pickup_from_s[k - instance.n_orders] <= start_s]
        if kinds:
            timed.setdefault(v, []).append((start_s, kinds[-1]))
    routes = {}
    for v, stops in sorted(timed.items()):
        sequence = [stop for _, stop in sorted(stops)]
        kept = feasible_subsequence(instance, v, sequence, compatible=instance.supply_compatible)
        if kept:
            routes[v] = kept
    return routes


def _improve(
    instance: Instance, routes: dict[int, tuple[int, ...]], limits: SolveLimits
) -> tuple[dict[int, tuple[int, ...]], int]:
    """Move each order that is not where and when it was promised, or is late, to where
    it costs least (plainly, or by an exchange), while that lowers the cost; a few passes."""
    moves = 0
    for _ in range(_PASSES):
        state = RouteSet(instance, routes)
        before = moves
        for order in _unsettled(instance, state):
            if limits.expired():
                return state.routes(), moves
            if order not in state.routed:
                continue  # taken off by an exchange earlier in this pass
            vehicle = next(v for v, timed in state.schedules.items() if order in timed.visits)
            cost = state.cost(vehicle)
            old = state.remove(order, vehicle)
            if old is None:
                continue
            saving = cost - state.cost(vehicle)
            best = state.cheapest(order, saving - _EPSILON)
            if best is not None:
                state.put(best[1])
                moves += 1
                continue
            value = float(instance.order_unplanned_cost[order])
            found = _exchange(instance, state.routes(), order, threshold=saving - value - _EPSILON, limits=limits)
            if found is None:
                state.put(old)
                continue
            state = RouteSet(instance, found[1])
            moves += 1
        routes = state.routes()
        if moves == before:
            break
    return routes, moves


def _unsettled(instance: Instance, state: RouteSet) -> list[int]:
    """Routed orders worth moving: late, new, or not kept as promised (another vehicle,
    or a start moved beyond the tolerance); most valuable first."""
    out = []
    for v, timed in state.schedules.items():
        for stop, start, late in zip(timed.visits, timed.start_s, timed.late_s):
            if instance.is_pickup(stop):
                continue
            promised = int(instance.order_promised_vehicle[stop])
            moved = abs(start - int(instance.order_promised_s[stop])) > instance.retime_tolerance_s
            if late > 0 or promised != v or moved:
                out.append(stop)
    return sorted(out, key=lambda o: -instance.order_unplanned_cost[o])


def _exchange(
    instance: Instance, routes: dict[int, tuple[int, ...]], order: int, *, threshold: float, limits: SolveLimits
) -> tuple[float, dict[int, tuple[int, ...]]] | None:
    """``routes`` with unrouted ``order`` in the place of one less valuable order, by
    the exchange that changes the cost most, if that change is below ``threshold``:
    (change, routes). Each order taken off is tried with ``order`` at the
    ``_EXCHANGE_POSITIONS`` positions that add least travel; the search stops at
    the deadline of ``limits`` with the best exchange found so far."""
    value = float(instance.order_unplanned_cost[order])
    loc = int(instance.order_loc[order])
    vehicles = [v for v in np.flatnonzero(instance.compatible[:, order]).tolist() if routes.get(v)]
    nearest = sorted(
        vehicles, key=lambda v: min(int(instance.travel_s[stop_location(instance, s), loc]) for s in routes[v])
    )[:_EXCHANGE_VEHICLES]
    best: tuple[float, int, RouteSchedule] | None = None
    for v in nearest:
        if limits.expired():
            break
        seq = routes[v]
        old = schedule_route(instance, v, seq)
        assert old is not None, f"route of vehicle {v} is infeasible"
        old_cost = old.full_cost(instance)
        for k, out in enumerate(seq):
            if instance.is_pickup(out) or instance.order_unplanned_cost[out] >= value:
                continue
            rest = seq[:k] + seq[k + 1 :]
            load = float(instance.order_load[[s for s in rest if not instance.is_pickup(s)]].sum())
            load += instance.order_load[order]
            if load > instance.vehicle_capacity[v]:
                continue
            for position in _cheapest_positions(instance, v, rest, loc):
                timed = schedule_route(instance, v, (*rest[:position], order, *rest[position:]))
                if timed is None:
                    continue
                change = timed.full_cost(instance) - old_cost + float(instance.order_unplanned_cost[out]) - value
                if change < threshold and (best is None or change < best[0]):
                    best = (change, v, timed)
    if best is None:
        return None
    return best[0], {**routes, best[1]: best[2].visits}


def _cheapest_positions(instance: Instance, vehicle: int, sequence: tuple[int, ...], loc: int) -> list[int]:
    """The ``_EXCHANGE_POSITIONS`` positions in ``sequence`` where a visit at ``loc``
    adds least travel."""
    stops = np.array(
        [
            int(instance.vehicle_start_loc[vehicle]),
            *(stop_location(instance, s) for s in sequence),
            int(instance.vehicle_end_loc[vehicle]),
        ]
    )
    travel = instance.travel_s
    added = travel[stops[:-1], loc].astype(np.int64) + travel[loc, stops[1:]] - travel[stops[:-1], stops[1:]]
    return np.argsort(added, kind="stable")[:_EXCHANGE_POSITIONS].tolist()
