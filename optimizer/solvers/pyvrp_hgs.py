"""PyVRP back-end: hybrid genetic search for the routing core of a problem.

This module is the only place that knows PyVRP's clients, depots and vehicle types.
PyVRP expresses time windows (one per order), service times, shifts, release times,
capacities, several homes (depots) and optional orders with a prize; it has no lunch
breaks and no soft due times, and prices overtime by route duration rather than by
clock time. :func:`unsupported` says why an instance is outside what this back-end
models exactly; the portfolio then uses OR-tools instead.

Mapping: distance and duration matrices are travel seconds; a vehicle type per
distinct (home, shift, capacity) with as many vehicles as technician-days share it;
an order is an optional client whose prize is its unplanned cost. Costs are integers:
cost units x 600 (travel weights have a resolution of 0.1 per minute).

``max_solutions`` is taken as a number of HGS iterations: with it, the same input and
seed give the same plan on every run; with a time limit alone they may not.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from optimizer.instance import Instance
from optimizer.scheduling import schedule_route
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import route_cost

_UNITS_PER_COST = 600
_LOAD_SCALE = 1000
_PROCESS_OVERHEAD_S = 0.15
"""Time kept back for starting worker processes and collecting their results."""


def unsupported(instance: Instance) -> str | None:
    """Why PyVRP cannot model ``instance`` exactly, or ``None`` if it can."""
    plannable = np.flatnonzero(instance.compatible.any(axis=0))
    if (instance.vehicle_break_duration_s > 0).any():
        return "lunch breaks"
    if (instance.order_n_windows[plannable] > 1).any():
        return "orders with several time windows"
    closes = instance.order_windows_s[plannable, 0, 1]
    binding_due = (instance.order_due_s[plannable] < closes) & (
        instance.order_late_cost_per_min[plannable] > 0
    )
    if binding_due.any():
        return "SLA due times inside time windows"
    if (
        (instance.vehicle_latest_end_s > instance.vehicle_shift_end_s).any()
        and instance.overtime_cost_per_min > 0
    ):
        return "priced overtime"
    if not instance.compatible[:, plannable].all():
        return "technician-order restrictions (skills, parts, tools, required technician)"
    return None


@dataclass(frozen=True)
class PyVrpHgs:
    """PyVRP's hybrid genetic search; ``workers`` independent runs (seeds ``seed``,
    ``seed + 1``, ...) in parallel processes, keeping the best. The default uses every
    core up to two."""

    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    name: str = "pyvrp"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Solve ``instance`` if PyVRP models it exactly; raises ``ValueError`` otherwise."""
        began = time.perf_counter()
        reason = unsupported(instance)
        if reason is not None:
            raise ValueError(f"PyVRP cannot model this problem: {reason}")
        plannable = np.flatnonzero(instance.compatible.any(axis=0))
        if plannable.size == 0 or instance.n_vehicles == 0:
            return SolveResult({}, route_cost(instance, {}), "nothing to plan", time.perf_counter() - began)
        model = _Model(instance, plannable)
        budget = max(0.01, limits.time_limit_s - (time.perf_counter() - began) - _PROCESS_OVERHEAD_S)
        seeds = [seed + k for k in range(self.workers)]
        if self.workers == 1:
            runs = [_search(model.data, budget, limits.max_solutions, seeds[0])]
        else:
            context = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            )
            with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                runs = list(pool.map(_search, [model.data] * self.workers, [budget] * self.workers,
                                     [limits.max_solutions] * self.workers, seeds))
        feasible, _, found = min(runs, key=lambda run: (not run[0], run[1]))
        routes = model.routes(found)
        status = "feasible" if feasible else "infeasible, kept feasible routes"
        return SolveResult(routes, route_cost(instance, routes), status, time.perf_counter() - began)


def _search(
    data: pyvrp.ProblemData, seconds: float, iterations: int | None, seed: int
) -> tuple[bool, float, list[tuple[int, list[int]]]]:
    """One HGS run: (feasible, cost, [(vehicle type, client indices)])."""
    stop = MaxRuntime(seconds)
    if iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(iterations)])
    best = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False).best
    routes = [(r.vehicle_type(), [a.idx for a in r if a.is_client()]) for r in best.routes()]
    return best.is_feasible(), float(best.distance_cost() + best.uncollected_prizes()), routes


class _Model:
    """PyVRP data of one instance, and the way back to instance indices."""

    def __init__(self, instance: Instance, plannable: np.ndarray) -> None:
        self.instance = instance
        self.plannable = plannable
        homes = np.unique(instance.vehicle_loc)
        locations = np.concatenate([homes, instance.order_loc[plannable]])
        depot_of = {int(loc): k for k, loc in enumerate(homes)}

        groups: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
        capacity = np.where(
            np.isfinite(instance.vehicle_capacity),
            np.floor(np.nan_to_num(instance.vehicle_capacity, posinf=0) * _LOAD_SCALE),
            np.iinfo(np.int64).max // 4,
        ).astype(np.int64)
        for v in range(instance.n_vehicles):
            key = (
                depot_of[int(instance.vehicle_loc[v])],
                int(instance.vehicle_shift_start_s[v]),
                int(instance.vehicle_latest_end_s[v]),
                int(capacity[v]),
            )
            groups[key].append(v)
        self.type_vehicles = list(groups.values())
        per_second = int(round(instance.travel_cost_per_min * _UNITS_PER_COST / 60))
        vehicle_types = [
            pyvrp.VehicleType(
                num_available=len(vehicles),
                capacity=[cap],
                start_depot=depot,
                end_depot=depot,
                tw_early=early,
                tw_late=late,
                unit_distance_cost=per_second,
                unit_duration_cost=0,
            )
            for (depot, early, late, cap), vehicles in groups.items()
        ]
        windows = instance.order_windows_s[plannable, 0]
        clients = [
            pyvrp.Client(
                location=homes.size + k,
                delivery=[int(np.ceil(instance.order_load[o] * _LOAD_SCALE))],
                service_duration=int(instance.order_duration_s[o]),
                tw_early=int(windows[k, 0]),
                tw_late=int(windows[k, 1]),
                prize=int(round(instance.order_unplanned_cost[o] * _UNITS_PER_COST)),
                required=False,
            )
            for k, o in enumerate(plannable.tolist())
        ]
        depots = [pyvrp.Depot(location=k) for k in range(homes.size)]
        points = [pyvrp.Location(x=0, y=0) for _ in range(locations.size)]
        travel = instance.travel_s[np.ix_(locations, locations)].astype(np.int64)
        self.data = pyvrp.ProblemData(points, clients, depots, vehicle_types, [travel], [travel])

    def routes(self, found: list[tuple[int, list[int]]]) -> dict[int, tuple[int, ...]]:
        """Order indices per instance vehicle; routes our scheduler finds infeasible are dropped."""
        used: dict[int, int] = defaultdict(int)
        out: dict[int, tuple[int, ...]] = {}
        for vtype, clients in found:
            vehicle = self.type_vehicles[vtype][used[vtype]]
            used[vtype] += 1
            visits = tuple(int(self.plannable[c]) for c in clients)
            if visits and schedule_route(self.instance, vehicle, visits) is not None:
                out[vehicle] = visits
        return out
