"""Urgency-first cheapest insertion: a fast construction back-end and OR-tools' warm start.

Orders are taken most urgent first (then earliest due, then tightest windows) and each
is inserted where it adds the least cost (travel, lateness, overtime) over all routes of
the technician-days that may serve it, or left out if no insertion is feasible or the
cheapest one costs more than leaving the order unplanned. Exact times come from
:mod:`optimizer.solvers.schedule`. Candidate positions are tried in order of added travel,
which is a lower bound on the added cost, so most are never scheduled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.schedule import RouteSchedule, routes_cost, schedule_route, stop_location


@dataclass(frozen=True)
class CheapestInsertion:
    """Construction heuristic; deterministic, no search after construction."""

    name: str = "insertion"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Insert orders one by one until all are placed or the time limit is reached."""
        began = time.perf_counter()
        routes = insert_orders(instance, limits)
        objective = routes_cost(instance, routes)
        limits.improved(routes, objective)
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
    limits: SolveLimits,
    *,
    routes: dict[int, tuple[int, ...]] | None = None,
) -> dict[int, tuple[int, ...]]:
    """Cheapest feasible insertion of every not yet routed order into ``routes``, until
    done or the deadline of ``limits``."""
    state = RouteSet(instance, routes or {})
    for order in insertion_order(instance):
        if limits.expired():
            break
        if int(order) in state.routed:
            continue
        best = state.cheapest(int(order), float(instance.order_unplanned_cost[order]))
        if best is not None:
            state.put(best[1])
    return state.routes()


def _busy_s(timed: RouteSchedule) -> int:
    """Seconds of a timed route that are not waiting: driving, service, pickups, break."""
    return timed.return_s - timed.depart_s - sum(timed.wait_s)


class RouteSet:
    """Routes being built: each vehicle's sequence of orders, its schedule and load."""

    def __init__(self, instance: Instance, routes: dict[int, tuple[int, ...]]) -> None:
        self.instance = instance
        self.schedules: dict[int, RouteSchedule] = {}
        for v, seq in routes.items():
            timed = schedule_route(instance, v, seq) if seq else None
            if seq and timed is None:
                raise ValueError(f"initial route of vehicle {v} is infeasible")
            if timed is not None:
                self.schedules[v] = timed
        self.routed = {o for timed in self.schedules.values() for o in timed.visits}
        self.span_s = (instance.vehicle_latest_end_s - instance.vehicle_shift_start_s).astype(np.int64)
        self.free_s = self.span_s.copy()
        """[V] each day's working span less its busy time (driving, service, pickups, break)."""
        for v, timed in self.schedules.items():
            self.free_s[v] -= _busy_s(timed)

    def routes(self) -> dict[int, tuple[int, ...]]:
        """The non-empty routes."""
        return {v: timed.visits for v, timed in self.schedules.items() if timed.visits}

    def cost(self, vehicle: int) -> float:
        """Travel, lateness, overtime and stability cost of ``vehicle``'s route; with no
        route, of the drive home a re-plan's day still takes where it resumes away from
        home (:func:`~optimizer.solvers.schedule.schedule_route`), else 0."""
        timed = self.schedules.get(vehicle) or schedule_route(self.instance, vehicle, ())
        return 0.0 if timed is None else timed.full_cost(self.instance)

    def put(self, timed: RouteSchedule) -> None:
        """Make ``timed`` the route of its vehicle."""
        old = self.schedules.get(timed.vehicle)
        self.routed -= set(old.visits if old else ())
        self.routed |= set(timed.visits)
        self.schedules[timed.vehicle] = timed
        self.free_s[timed.vehicle] = self.span_s[timed.vehicle] - _busy_s(timed)

    def remove(self, order: int, vehicle: int) -> RouteSchedule | None:
        """Take ``order`` off ``vehicle``'s route; the old schedule, or ``None`` if the
        route without it has no feasible schedule."""
        old = self.schedules[vehicle]
        rest = tuple(s for s in old.visits if s != order)
        timed = schedule_route(self.instance, vehicle, rest) if rest else None
        if rest and timed is None:
            return None
        self.routed.discard(order)
        if timed is None:
            del self.schedules[vehicle]
            self.free_s[vehicle] = self.span_s[vehicle]
        else:
            self.schedules[vehicle] = timed
            self.free_s[vehicle] = self.span_s[vehicle] - _busy_s(timed)
        return old

    def positions(
        self, order: int, vehicles: list[int], *, room_slack_s: int | None = None
    ) -> list[tuple[int, int, int]]:
        """Every place ``order`` could go on the routes of ``vehicles`` within their
        capacity, as (added travel seconds, vehicle, position), least added travel
        first. With ``room_slack_s``, a day whose busy time (driving, service, pickups,
        break) plus the order's service and the added drive exceeds its working span
        by more than that is left out: no schedule can hold it."""
        instance = self.instance
        travel, loc = instance.travel_s, int(instance.order_loc[order])
        rooms = np.full(len(vehicles), np.iinfo(np.int64).max, dtype=np.int64)
        if room_slack_s is not None:
            work_s = instance.technician_duration_s[instance.vehicle_technician[vehicles], order]
            rooms = self.free_s[vehicles] - work_s + room_slack_s
        routed = np.array([v in self.schedules for v in vehicles], dtype=bool)
        # empty days at once: one position each, from home and back
        empty, empty_rooms = np.asarray(vehicles, dtype=np.int64)[~routed], rooms[~routed]
        starts, ends = instance.vehicle_start_loc[empty], instance.vehicle_end_loc[empty]
        detours = travel[starts, loc].astype(np.int64) + travel[loc, ends] - travel[starts, ends]
        fitting = (empty_rooms >= 0) & (detours <= empty_rooms)
        fitting &= instance.order_load[order] <= instance.vehicle_capacity[empty]
        out = [(a, v, 0) for a, v in zip(detours[fitting].tolist(), empty[fitting].tolist())]
        for v, room in zip(np.asarray(vehicles)[routed].tolist(), rooms[routed].tolist()):
            if room < 0:
                continue
            sequence = self.schedules[v].visits
            load = float(instance.order_load[[s for s in sequence if not instance.is_pickup(s)]].sum())
            if load + instance.order_load[order] > instance.vehicle_capacity[v]:
                continue
            stops = np.array(
                [
                    int(instance.vehicle_start_loc[v]),
                    *(stop_location(instance, s) for s in sequence),
                    int(instance.vehicle_end_loc[v]),
                ]
            )
            added = travel[stops[:-1], loc].astype(np.int64) + travel[loc, stops[1:]] - travel[stops[:-1], stops[1:]]
            out.extend((int(a), v, k) for k, a in enumerate(added.tolist()) if a <= room)
        out.sort()
        return out

    def cheapest(self, order: int, limit: float) -> tuple[float, RouteSchedule] | None:
        """The insertion of ``order`` that adds least cost, if that is below ``limit``:
        (added cost, new schedule of its vehicle). Positions are tried in order of
        added travel, a lower bound on the added cost."""
        return self.search(order, limit, np.flatnonzero(self.instance.compatible[:, order]).tolist())[1]

    def search(
        self, order: int, limit: float, vehicles: list[int], *, room_slack_s: int | None = None, prove_fit: bool = False
    ) -> tuple[bool, tuple[float, RouteSchedule] | None]:
        """Insertions of ``order`` on ``vehicles`` (:meth:`positions`, least added travel
        first): whether a feasible one was found, and the one that adds least cost if
        that is below ``limit`` (added cost, new schedule). The search stops where added
        travel alone reaches ``limit`` or the best so far; with ``prove_fit`` not before
        some insertion is feasible, so that "no fit" means none exists."""
        instance = self.instance
        per_s = instance.travel_cost_per_min / 60
        fits = False
        best: tuple[float, RouteSchedule] | None = None
        for added_s, v, position in self.positions(order, vehicles, room_slack_s=room_slack_s):
            bound = added_s * per_s
            if (fits or not prove_fit) and (bound >= limit or (best is not None and bound >= best[0])):
                break
            old = self.schedules.get(v)
            sequence = old.visits if old else ()
            timed = schedule_route(instance, v, (*sequence[:position], order, *sequence[position:]))
            if timed is None:
                continue
            fits = True
            delta = bound + timed.cost(instance) - (old.cost(instance) if old else 0.0)
            if delta < limit and (best is None or delta < best[0]):
                best = (delta, timed)
        return fits, best
