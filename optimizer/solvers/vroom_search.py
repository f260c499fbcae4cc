"""VROOM back-end: fast, strong routes for the field-service model, as a start.

This module is the only place that knows VROOM's jobs, vehicles and skills. VROOM
(pyvroom) expresses several time windows per order, shifts, lunch breaks with their
own window, capacities and, through skills, which technician-day may serve which
order; it chooses which optional orders to serve by integer priorities. It has no soft
due times and no price on overtime, so it models our problem approximately:

* priority of an order: its unplanned cost relative to the largest (100 for the
  default emergency weight, 30 high, 10 normal, 3 low): VROOM first maximises the
  served priority, then the number of served orders, then minimises travel time;
* an order priced for lateness must start by its due time (its windows are cut there,
  where some window opens before it); overtime may be used up to the allowed maximum;
* compatibility: one skill per order, held by the technician-days that may serve it.

Instances larger than ``_WHOLE_WORK`` get their first plan territory by territory.
The routes are then re-timed by our scheduler (a visit that no longer fits is dropped)
and the orders left out are offered once more to the urgency-first insertion, which
may serve them late where that costs less than leaving them out. Then parts of the
plan are re-solved by VROOM and kept where our own objective improves (a large
neighbourhood search with VROOM as the repair). The result is always feasible for the
full model.

VROOM is deterministic for a given input and number of threads when it finishes
before its time limit; when the limit cuts it short, how far it got depends on load.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import vroom

from optimizer.instance import UNLIMITED, Instance
from optimizer.instance.partition import halves
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.cores import threads
from optimizer.solvers.insertion import insert_orders
from optimizer.solvers.schedule import feasible_subsequence, routes_cost

_LOAD_SCALE = 1000
"""Loads are integers in thousandths of the user's unit."""
_INSERTION_SHARE = 0.1
"""Part of the time kept for inserting the orders VROOM left out (without parts)."""
_TOP_UP_SHARE = 0.2
"""With parts: part of the time left after the first run for inserting the orders it
left out (a tenth of the whole at the default ``start_share``)."""
_PART_VEHICLES = 8
"""Most technician-days re-solved together in one part."""
_PART_ORDERS = 160
"""Most orders (their own and the unplanned ones they may serve) in one part: VROOM's
time grows fast with them, and many small parts searched well beat a few large ones:
on a generated 1,000-order, 2-day instance at 30 s, parts of at most 160 orders at
level 4 gave a 2-4% lower objective than 8 technician-days at level 5 (the same on
300 orders, whose parts stay below the cap, within 1.5%)."""
_PART_LEVEL = 4
"""VROOM's exploration level for a part."""
_PART_S = 2.0
"""Time limit of one part's VROOM run, seconds."""
_MIN_PART_S = 0.05
"""Seconds below which no further part is started."""
_LEVEL_COST = (1, 4, 10, 19, 34, 50)
"""VROOM's run time at exploration level 0..5 in multiples of level 0's, as measured on
generated field-service instances of 300 and 1,000 orders (2 threads)."""
_TRUNCATION = 2.0
"""A level is chosen if it is expected to need at most this multiple of the time left:
cut short, levels 2-3 still end close to their full result; level 5 does not."""
_WHOLE_WORK = 400_000
"""Largest plannable orders x technician-days solved as one VROOM problem. VROOM's
construction alone is not cut by its time limit and grows faster than that product:
54 s for a first plan of 5,000 orders x 200 technician-days, 67 s for 10,000 x 1,000
(2 cores). Larger instances are split into territories (:func:`territories`)."""
_FIRST_PASS_S = 40.0
"""Most seconds for the first plan of a large instance, territory by territory: the
rest of the time improves it part by part."""


@dataclass(frozen=True)
class VroomSearch:
    """VROOM's local search with ``threads`` threads; with ``top_up`` the orders it
    leaves out are offered to the insertion afterwards.

    ``exploration`` (0-5) fixes VROOM's level. By default (``None``) the level is 5
    under a work limit (``max_solutions``) and otherwise chosen for the time limit: a
    level-0 run measures the instance, then the highest level expected to (nearly)
    finish in the time left runs, and the better of the two is kept. On 300 orders
    this is level 5 in ~5 s; on 1,000 orders in 30 s level 2, which beats level 5 cut
    short by 2-6%.

    With ``by_parts`` the first run gets ``start_share`` of the time and the rest
    re-solves parts of the plan (see :meth:`_by_parts`), which on generated
    field-service instances gains 5-10% over the first run. ``max_solutions`` bounds
    the number of parts tried and lifts the per-part time cap, so that with it the
    result does not depend on speed as long as the time limit is not reached (VROOM's
    threads follow the cores a solve may use, up to two: :mod:`optimizer.solvers.cores`).
    """

    threads: int = field(default_factory=threads)
    exploration: int | None = None
    top_up: bool = True
    by_parts: bool = True
    start_share: float = 0.5
    """With ``by_parts``: part of the time for the first, whole-plan VROOM run."""
    name: str = "vroom"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Routes for ``instance`` within ``limits`` (``seed`` draws the parts re-solved)."""
        began = time.perf_counter()
        plannable = np.flatnonzero(instance.compatible.any(axis=0))
        if plannable.size == 0 or instance.n_vehicles == 0:
            return SolveResult({}, routes_cost(instance, {}), "nothing to plan", time.perf_counter() - began)
        share = 1 - _INSERTION_SHARE if self.top_up else 1.0
        if self.by_parts:
            share = min(share, self.start_share)
        first = limits.share(share)

        # A work limit asks for results independent of speed: no timed probe then.
        probing = self.exploration is None and limits.max_solutions is None
        level = 0 if probing else (self.exploration if self.exploration is not None else 5)
        probe_began = time.perf_counter()
        everyone = np.arange(instance.n_vehicles)
        if plannable.size * instance.n_vehicles > _WHOLE_WORK:
            routes, dropped = self._by_territory(instance, plannable, first.capped(_FIRST_PASS_S))
            runs = [(0, routes, dropped)]
            probing = False
        else:
            runs = [(level, *self._run(instance, everyone, plannable, level, first.seconds()))]
        if probing:
            probe_s = time.perf_counter() - probe_began
            fitting = [k for k in range(1, 6) if probe_s * _LEVEL_COST[k] <= _TRUNCATION * first.left()]
            if fitting:
                runs.append((fitting[-1], *self._run(instance, everyone, plannable, fitting[-1], first.seconds())))
        level, routes, dropped = min(runs, key=lambda run: routes_cost(instance, run[1]))
        limits.improved(routes, routes_cost(instance, routes))
        served = sum(map(len, routes.values()))
        if self.top_up:
            routes = insert_orders(instance, limits.share(_TOP_UP_SHARE) if self.by_parts else limits, routes=routes)
        added = sum(map(len, routes.values())) - served
        limits.improved(routes, routes_cost(instance, routes))
        improved = 0
        if self.by_parts:
            routes, improved = self._by_parts(instance, routes, seed, limits)
        status = (
            f"level {level}: {served + dropped} visits, {dropped} dropped in re-timing, "
            f"{added} inserted after, {improved} parts improved"
        )
        return SolveResult(routes, routes_cost(instance, routes), status, time.perf_counter() - began)

    def _by_territory(
        self, instance: Instance, plannable: np.ndarray, limits: SolveLimits
    ) -> tuple[dict[int, tuple[int, ...]], int]:
        """A first plan of a large instance: VROOM at level 0 on each territory in turn
        (its technician-days and the orders nearest to them), each with an even share
        of the time left."""
        parts = territories(instance, plannable, _WHOLE_WORK)
        routes: dict[int, tuple[int, ...]] = {}
        dropped = 0
        for k, (vehicles, orders) in enumerate(parts):
            if orders.size == 0:
                continue
            found, lost = self._run(
                instance, vehicles, orders, 0, limits.share(1 / (len(parts) - k)).seconds(_MIN_PART_S)
            )
            routes |= found
            dropped += lost
        return routes, dropped

    def _run(
        self,
        instance: Instance,
        vehicles: np.ndarray,
        orders: np.ndarray,
        level: int,
        seconds: float | None,
    ) -> tuple[dict[int, tuple[int, ...]], int]:
        """One VROOM run of ``vehicles`` over ``orders`` for at most ``seconds`` (``None``:
        until VROOM is done): routes re-timed by our scheduler, and the number of
        visits that dropped in re-timing."""
        top = max(1e-9, float(instance.order_unplanned_cost[instance.compatible.any(axis=0)].max()))
        solution = _input(instance, vehicles, orders, top).solve(
            exploration_level=level,
            nb_threads=self.threads,
            timeout=None if seconds is None else timedelta(seconds=seconds),
        )
        steps = solution.routes
        visits = steps[steps["type"] == "job"]
        routes: dict[int, tuple[int, ...]] = {}
        dropped = 0
        for vehicle_id, group in visits.groupby("vehicle_id", sort=True):
            vehicle = int(vehicle_id) - 1
            found = [int(j) - 1 for j in group["id"]]
            kept = feasible_subsequence(instance, vehicle, found)
            dropped += len(found) - len(kept)
            if kept:
                routes[vehicle] = kept
        return routes, dropped

    def _by_parts(
        self,
        instance: Instance,
        routes: dict[int, tuple[int, ...]],
        seed: int,
        limits: SolveLimits,
    ) -> tuple[dict[int, tuple[int, ...]], int]:
        """Re-solve parts of the plan until the deadline of ``limits`` (or
        ``limits.max_solutions`` tries): a few technician-days whose homes lie close together, with their orders
        and the unplanned orders they may serve, solved afresh by VROOM and kept where
        our objective improves (each improvement told to ``limits``). Parts are drawn
        with ``seed``.

        Returns the routes and the number of parts that improved.
        """
        rng = np.random.default_rng(seed)
        homes = instance.vehicle_start_loc
        size = min(instance.n_vehicles, _PART_VEHICLES)
        max_parts = limits.max_solutions
        tries = 1 if size == instance.n_vehicles else max_parts
        improved = 0
        while limits.left() > _MIN_PART_S and (tries is None or tries > 0):
            tries = None if tries is None else tries - 1
            centre = int(rng.integers(instance.n_vehicles))
            near = instance.travel_s[homes[centre], homes] + rng.uniform(0, 1, instance.n_vehicles)
            served = np.zeros(instance.n_orders, dtype=bool)
            served[[o for seq in routes.values() for o in seq]] = True
            part = _part(instance, routes, served, np.argsort(near, kind="stable")[:size])
            own = [o for v in part.tolist() for o in routes.get(v, ())]
            free = np.flatnonzero(~served & instance.compatible[part].any(axis=0))
            orders = np.array(sorted([*own, *free.tolist()]), dtype=np.int64)
            if orders.size == 0:
                continue
            before = {v: routes[v] for v in part.tolist() if v in routes}
            seconds = limits.seconds(_MIN_PART_S)
            if max_parts is None and seconds is not None:
                seconds = min(_PART_S, seconds)
            after, _ = self._run(instance, part, orders, _PART_LEVEL, seconds)
            if routes_cost(instance, after) < routes_cost(instance, before) - 1e-6:
                routes = {v: seq for v, seq in routes.items() if v not in before} | after
                improved += 1
                limits.improved(routes, routes_cost(instance, routes))
        return routes, improved


def _part(
    instance: Instance, routes: dict[int, tuple[int, ...]], served: np.ndarray, nearest: np.ndarray
) -> np.ndarray:
    """The first of the ``nearest`` vehicles (at least two) whose own and still
    unplanned compatible orders stay within :data:`_PART_ORDERS`, sorted."""
    free = np.logical_or.accumulate(instance.compatible[nearest] & ~served, axis=0).sum(axis=1)
    own = np.cumsum([len(routes.get(int(v), ())) for v in nearest])
    fits = int(np.searchsorted(own + free > _PART_ORDERS, True))
    return np.sort(nearest[: max(min(2, nearest.size), fits)])


def _input(instance: Instance, vehicles: np.ndarray, orders: np.ndarray, top: float) -> vroom.Input:
    """The VROOM problem of ``vehicles`` serving ``orders`` (instance indices); vehicle
    ids are instance vehicles + 1, job ids orders + 1; ``top`` is the unplanned cost
    that maps to priority 100."""
    locations, local = np.unique(
        np.concatenate(
            [instance.vehicle_start_loc[vehicles], instance.vehicle_end_loc[vehicles], instance.order_loc[orders]]
        ),
        return_inverse=True,
    )
    start_loc, end_loc = local[: vehicles.size], local[vehicles.size : 2 * vehicles.size]
    order_loc = local[2 * vehicles.size :]
    problem = vroom.Input()
    matrix = instance.travel_s[np.ix_(locations, locations)].astype(np.int64)
    problem.set_durations_matrix(profile="car", matrix_input=matrix)
    loads = np.isfinite(instance.vehicle_capacity).any()
    big = int(np.ceil(instance.order_load.sum() * _LOAD_SCALE)) + 1
    # a vehicle type per distinct row of the technicians' durations (efficiency)
    rows, type_of = np.unique(instance.technician_duration_s[:, orders], axis=0, return_inverse=True)
    type_of = type_of.reshape(-1)
    fleet = []
    for v, start, end in zip(vehicles.tolist(), start_loc.tolist(), end_loc.tolist()):
        extra: dict[str, object] = {"type": f"t{type_of[instance.vehicle_technician[v]]}"}
        if instance.vehicle_max_orders[v] != UNLIMITED:
            extra["max_tasks"] = int(instance.vehicle_max_orders[v])
        if instance.vehicle_max_travel_s[v] != UNLIMITED:
            extra["max_travel_time"] = int(instance.vehicle_max_travel_s[v])
        if loads:
            capacity = instance.vehicle_capacity[v]
            extra["capacity"] = [int(np.floor(capacity * _LOAD_SCALE)) if np.isfinite(capacity) else big]
        break_end_s = instance.vehicle_break_start_s[v] + instance.vehicle_break_duration_s[v]
        # VROOM refuses a break that cannot end within the day (a re-plan resuming in the
        # break window just before an absence): left out, our scheduler re-times the routes
        if instance.vehicle_break_duration_s[v] > 0 and break_end_s <= instance.vehicle_latest_end_s[v]:
            extra["breaks"] = [
                vroom.Break(
                    v + 1,
                    time_windows=[
                        vroom.TimeWindow(int(instance.vehicle_break_start_s[v]), int(instance.vehicle_break_end_s[v]))
                    ],
                    service=int(instance.vehicle_break_duration_s[v]),
                )
            ]
        fleet.append(
            vroom.Vehicle(
                v + 1,
                start=start,
                end=end,
                time_window=vroom.TimeWindow(
                    int(instance.vehicle_shift_start_s[v]), int(instance.vehicle_latest_end_s[v])
                ),
                skills={int(o) + 1 for o in orders[instance.compatible[v, orders]]},
                **extra,
            )
        )
    problem.add_vehicle(fleet)
    jobs = []
    for k, (o, loc) in enumerate(zip(orders.tolist(), order_loc.tolist())):
        job: dict[str, object] = {}
        if len(rows) > 1:
            job["service_per_type"] = {f"t{r}": int(row[k]) for r, row in enumerate(rows)}
        if loads:
            job["delivery"] = [int(np.ceil(instance.order_load[o] * _LOAD_SCALE))]
        windows = instance.order_windows_s[o, : instance.order_n_windows[o]]
        windows = _before(windows, int(instance.order_due_s[o]))
        jobs.append(
            vroom.Job(
                o + 1,
                location=loc,
                default_service=int(rows[0][k]) if len(rows) == 1 else int(instance.order_duration_s[o]),
                skills={o + 1},
                priority=int(np.clip(round(100 * instance.order_unplanned_cost[o] / top), 0, 100)),
                time_windows=[vroom.TimeWindow(int(a), int(b)) for a, b in windows],
                **job,
            )
        )
    problem.add_job(jobs)
    return problem


def _before(windows: np.ndarray, due_s: int) -> np.ndarray:
    """Start windows cut at ``due_s``, or unchanged where none opens by then."""
    cut = windows[windows[:, 0] <= due_s].copy()
    cut[:, 1] = np.minimum(cut[:, 1], due_s)
    return cut if cut.size else windows


def territories(instance: Instance, plannable: np.ndarray, work: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split an instance into territories of at most about ``work`` orders x
    technician-days: technicians by where their days start, halved geographically
    (:func:`optimizer.instance.partition.halves`, balancing the plannable orders' work
    against the technicians' days) until each part is small enough, all days of a
    technician together; each plannable order goes with the territory of the nearest
    technician-day that may serve it. Returns (vehicles, orders) per territory, in
    instance indices."""
    starts = instance.vehicle_start_loc
    technicians, first_day, days = np.unique(instance.vehicle_technician, return_index=True, return_counts=True)
    days_per = max(1, instance.n_vehicles // max(1, technicians.size))
    per_part = max(1, int(np.sqrt(work * technicians.size / max(1, plannable.size * days_per))))
    homes = starts[first_day]
    where = instance.order_loc[plannable]
    groups = halves(
        instance.location_lat[homes],
        instance.location_lon[homes],
        per_part,
        capacity=days.astype(float),
        work_lat=instance.location_lat[where],
        work_lon=instance.location_lon[where],
        work=instance.order_duration_s[plannable].astype(float),
    )
    part_of_technician = {int(technicians[i]): k for k, group in enumerate(groups) for i in group.tolist()}
    vehicle_part = np.array([part_of_technician[int(t)] for t in instance.vehicle_technician], dtype=np.int64)
    reach = instance.travel_s[np.ix_(starts, where)].astype(np.int64)
    reach = np.where(instance.compatible[:, plannable], reach, np.iinfo(np.int64).max)
    order_part = vehicle_part[np.argmin(reach, axis=0)]
    return [(np.flatnonzero(vehicle_part == k), plannable[order_part == k]) for k in range(len(groups))]
