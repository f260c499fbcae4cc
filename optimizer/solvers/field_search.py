"""Our own search: ruin and recreate over the exact field-service objective, in C++.

The core (``optimizer/solvers/cpp/``, compiled into ``optimizer.solvers._field_search``
when pip installs the project) times and prices every candidate route exactly as
:mod:`optimizer.solvers.schedule` and :mod:`optimizer.solvers.cost` do: several windows
per order, soft SLA lateness on the lateness curve, shifts with priced overtime, the
break in the cheapest gap or inside a long job, waiting, capacities, who may serve
what, and the promises of a re-plan. Its search is slack induction by string removals
(Christiaens & Vanden Berghe 2020): each iteration removes a few strings of nearby
orders from neighbouring routes and re-inserts every removed order where it costs least
or leaves it out where that is cheaper (the price of leaving out is part of the
objective), accepting by simulated annealing. Jobs longer than a day take whole runs of
days (:func:`~optimizer.solvers.multi_day.candidate_runs`), weighed in the same search.

Determinism: the core draws from its own generator (xoshiro256**) and is compiled
without machine-specific flags or contracted multiply-adds, so a work limit
(``max_solutions`` = iterations) gives the same routes for the same seed on any machine;
under a time limit alone the temperature follows the clock and the routes may differ
from run to run.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import Pickup, SolveLimits, SolveResult
from optimizer.solvers.cores import threads
from optimizer.solvers.multi_day import Run, candidate_runs
from optimizer.solvers.schedule import routes_cost

_RUNS_SHARE = 0.2
"""Most of the time that finding the runs of days of multi-day jobs may take (jobs it
does not reach get none): 1.3 s at 5,000 orders over five days (75 jobs)."""
_JOBS_FIRST_MOST = 1.5
"""The start with multi-day jobs inserted first is searched from only where it costs at
most this many times the other start: on a night with many jobs and few technicians,
the jobs' days would first displace a third of the work (3.1 M against 1.2 M)."""


@dataclass(frozen=True)
class FieldSearch:
    """The C++ ruin-and-recreate search (name ``search``).

    ``workers`` searches (two whatever the machine, so that a work limit gives the same
    plan everywhere) run from the same start with different seeds, in ``rounds``: side by
    side on threads where the solve may use that many cores
    (:mod:`optimizer.solvers.cores`), else in turn, each with its part of the round's
    time; after each round all continue from
    the best plan found, the annealing temperature going on from where the round left
    it (``start_temperature`` down to ``end_temperature`` over the whole solve, in cost
    units). Under a work limit each search of each round gets ``max_solutions / rounds``
    iterations.

    A search also ends after ``patience`` iterations per order without finding a better
    plan, and where every search of a round ended so without beating the best plan, the
    solve ends: a small night then returns long before its time limit (ten orders in
    well under a second instead of the whole limit). It counts iterations, not seconds,
    so a work limit still gives the same plan on every machine.
    """

    name: str = "search"
    workers: int = 2
    rounds: int = 4
    start_temperature: float = 300.0
    end_temperature: float = 1.0
    patience: int = 1000

    def supplies(self, instance: Instance) -> bool:
        """Whether this back-end plans the parts and pickups of ``instance`` itself: always."""
        return True

    def plans_multi_day(self, instance: Instance) -> bool:
        """Whether :meth:`solve` plans the multi-day visits of ``instance`` itself: where
        it is no re-plan (a re-plan takes none)."""
        return not instance.promises

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Search from empty routes until the work or time limit of ``limits``, the runs
        of days of multi-day jobs (:func:`~optimizer.solvers.multi_day.candidate_runs`)
        weighed with the rest (``SolveResult.multi_day`` holds the parts of those taken).
        Where the deadline has passed before it begins (compiling took the whole limit),
        it returns no routes at once."""
        if limits.expired():
            return SolveResult({}, routes_cost(instance, {}), "no time left to search", 0.0, supplied=True)
        jobs = candidate_runs(instance, limits.share(_RUNS_SHARE)) if self.plans_multi_day(instance) else []
        return self._search(instance, {}, jobs, limits, seed)

    def improve(
        self, instance: Instance, routes: dict[int, tuple[int, ...]], limits: SolveLimits, *, seed: int = 0
    ) -> SolveResult:
        """Search from ``routes`` (orders and pickups; what they leave out, or what no
        longer adds up, is inserted first); no multi-day visits."""
        return self._search(instance, routes, [], limits, seed)

    def _search(
        self, instance: Instance, routes: dict[int, tuple[int, ...]], jobs: list[Run], limits: SolveLimits, seed: int
    ) -> SolveResult:
        """Search from ``routes`` with the multi-day ``jobs`` to weigh. Where there are
        jobs, the first round's searches start half from a completion that inserts them
        first (their days taken before the work they would hold), half from one that
        inserts them last (into the days left free; where the first costs more than
        :data:`_JOBS_FIRST_MOST` times the second, all start from the second): the
        search rarely crosses from one to the other, since taking a job's days displaces
        a day's work at once."""
        from optimizer.solvers import _field_search as core

        began = time.perf_counter()
        problem = core.Problem(arrays(instance, jobs))
        workers = self.workers
        running = threads(workers)
        turns = -(-workers // running)  # searches one after the other on each thread
        # the jobs-last start first: under a short limit the other gets only what is left
        last = _completed(problem, instance, routes, seed=seed, seconds=limits.seconds())
        starts = [last]
        if jobs:
            starts.insert(
                0, _completed(problem, instance, routes, seed=seed, seconds=limits.seconds(), jobs_first=True)
            )
        best = min(starts, key=lambda s: s["cost"])  # reported before any search
        limits.improved(_progress(best, jobs), best["cost"])
        initial = [(s["routes"], s["runs"]) for s in starts if s["cost"] <= _JOBS_FIRST_MOST * last["cost"]]
        cooling = self.end_temperature / self.start_temperature
        iterations = improvements = searched = 0
        evaluations = best["evaluations"]
        converged = False
        for round_ in range(self.rounds):
            if limits.expired() or converged:
                break
            seconds = limits.seconds()
            budget = {
                "max_iterations": -1 if limits.max_solutions is None else max(1, limits.max_solutions // self.rounds),
                "time_limit_s": -1.0 if seconds is None else seconds / (self.rounds - round_) / turns,
                "start_temperature": self.start_temperature * cooling ** (round_ / self.rounds),
                "end_temperature": self.start_temperature * cooling ** ((round_ + 1) / self.rounds),
                "insert_left_out": False,  # the best plan's left-out orders had their chance
                "patience": self.patience * instance.n_orders,
            }
            seeds = [(seed * 1_000 + round_) * 16 + worker for worker in range(workers)]
            begun = [initial[worker % len(initial)] for worker in range(workers)]
            with ThreadPoolExecutor(running) as pool:  # the core releases the GIL
                found = list(pool.map(partial(_search_from, problem, budget), begun, seeds))
            iterations += sum(f["iterations"] for f in found)
            improvements += sum(f["improvements"] for f in found)
            evaluations += sum(f["evaluations"] for f in found)
            searched += 1
            leader = min(found, key=lambda f: f["cost"])  # ties: the first worker's
            beaten = leader["cost"] < best["cost"] - core.ROUNDING * (1.0 + abs(best["cost"]))  # not by rounding
            converged = all(f["converged"] for f in found) and not beaten
            if leader["cost"] < best["cost"]:
                best = leader
                limits.improved(_progress(best, jobs), best["cost"])
            initial = [(best["routes"], best["runs"])]
        status = (
            f"{workers} x {searched} rounds{' (converged)' if converged else ''}, {iterations} iterations, "
            f"{improvements} improvements, {evaluations} routes timed"
        )
        return _as_result(instance, best, status, time.perf_counter() - began, jobs=jobs)

    def complete(self, instance: Instance, result: SolveResult) -> SolveResult:
        """``result`` after changes made outside the search (multi-day visits added, their
        days' work moved by insertion), made whole again: its routes where their parts
        and tools add up, the orders that no longer do re-inserted with their pickups."""
        from optimizer.solvers import _field_search as core

        began = time.perf_counter()
        found = _completed(
            core.Problem(arrays(instance), by_destination=False), instance, result.routes, seed=0, seconds=None
        )
        return _as_result(
            instance, found, f"{result.status}; completed with pickups", result.solve_s + time.perf_counter() - began
        )


def _search_from(
    problem: Any, budget: dict[str, Any], start: tuple[list[list[int]], list[int]], seed: int
) -> dict[str, Any]:
    """One search of the core from ``start`` (its routes and multi-day runs) within ``budget``."""
    from optimizer.solvers import _field_search as core

    routes, runs = start
    found: dict[str, Any] = core.solve(problem, routes, seed, runs=runs, **budget)
    return found


def _completed(
    problem: Any,
    instance: Instance,
    routes: dict[int, tuple[int, ...]],
    *,
    seed: int,
    seconds: float | None,
    jobs_first: bool = False,
) -> dict[str, Any]:
    """The core's completion of ``routes`` (no search): kept where every rule holds, the
    orders they leave out inserted most valuable first (multi-day jobs first or last),
    until ``seconds`` (``None``: all)."""
    from optimizer.solvers import _field_search as core

    starts = [list(routes.get(v, ())) for v in range(instance.n_vehicles)]
    limit = -1.0 if seconds is None else seconds
    found: dict[str, Any] = core.solve(
        problem, starts, seed=seed, max_iterations=0, time_limit_s=limit, jobs_first=jobs_first
    )
    return found


def completion(instance: Instance, routes: dict[int, tuple[int, ...]], status: str) -> tuple[SolveResult, float]:
    """``routes`` completed by the core, no search and no time limit: kept where every
    rule of ``instance`` holds, the orders they leave out inserted most valuable first
    where that costs less than leaving them out, with their pickups; and its objective,
    the core's (the same as our scheduler's, unrecomputed: this is called in loops)."""
    from optimizer.solvers import _field_search as core

    found = _completed(core.Problem(arrays(instance), by_destination=False), instance, routes, seed=0, seconds=None)
    cost = float(found["cost"])
    return _as_result(instance, found, status, 0.0, objective=cost), cost


def _as_result(
    instance: Instance,
    found: dict[str, Any],
    status: str,
    seconds: float,
    *,
    objective: float | None = None,
    jobs: list[Run] | None = None,
) -> SolveResult:
    """A core result as the back-end's answer: routes, what each pickup collects, the
    parts of the multi-day runs it took of ``jobs``, the objective (recomputed by our
    scheduler unless given)."""
    plan = _routes(found)
    multi_day = {part.vehicle: part for run in found["runs"] for part in (jobs or [])[run].parts}
    pickups = {
        (vehicle, instance.depot_of(found["routes"][vehicle][position])): Pickup(
            parts=tuple((p, int(n)) for p, n in enumerate(parts) if n), tools=tuple(sorted(tools))
        )
        for vehicle, position, parts, tools in found["collections"]
    }
    cost = routes_cost(instance, plan, multi_day) if objective is None else objective
    return SolveResult(plan, cost, status, seconds, pickups, multi_day, supplied=True)


def _routes(found: dict[str, Any]) -> dict[int, tuple[int, ...]]:
    """The non-empty routes of a core result, by vehicle."""
    return {v: tuple(seq) for v, seq in enumerate(found["routes"]) if seq}


def _progress(found: dict[str, Any], jobs: list[Run]) -> dict[int, tuple[int, ...]]:
    """The routes of a core result as progress reports them: each multi-day job it took
    as the route of its first day (its other days hold nothing else)."""
    return _routes(found) | {jobs[run].parts[0].vehicle: (jobs[run].order,) for run in found["runs"]}


def arrays(instance: Instance, jobs: list[Run] | None = None) -> dict[str, Any]:
    """The instance as the core reads it: contiguous arrays of fixed types and scalars,
    with the runs of multi-day ``jobs`` to weigh (each day's part priced here, by our
    scheduler). Who may serve what is ``supply_compatible``: the core plans the pickups itself."""
    runs = jobs or []
    weights = instance.lateness.weights
    stock = instance.stock
    arrived = stock.delivery_s[None, :] <= instance.pickup_from_s[:, None]  # [S, E]
    at_depot = stock.delivery_depot[None, :] == instance.pickup_depot[:, None]
    delivered = np.zeros((instance.pickup_depot.size, len(stock.part_ids)), dtype=np.int64)
    for kind, delivery in zip(*np.nonzero(arrived & at_depot)):
        delivered[kind, stock.delivery_part[delivery]] += stock.delivery_units[delivery]

    def ints(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values, dtype=np.int64).ravel()

    def floats(values: Any) -> np.ndarray:
        return np.ascontiguousarray(values, dtype=np.float64).ravel()

    return {
        "n_orders": instance.n_orders,
        "n_vehicles": instance.n_vehicles,
        "n_locations": int(instance.travel_s.shape[0]),
        "max_windows": int(instance.order_windows_s.shape[1]),
        "travel_s": np.ascontiguousarray(instance.travel_s, dtype=np.int32).ravel(),
        "order_loc": ints(instance.order_loc),
        "order_duration_s": ints(instance.order_duration_s),
        "technician_duration_s": ints(instance.technician_duration_s),
        "preferred": np.ascontiguousarray(instance.preferred, dtype=np.uint8).ravel(),
        "order_preferred_miss": floats(instance.order_preferred_miss),
        "order_unbroken": np.ascontiguousarray(instance.order_crew > 1, dtype=np.uint8).ravel(),
        "order_windows_s": ints(instance.order_windows_s),
        "order_n_windows": ints(instance.order_n_windows),
        "order_due_s": ints(instance.order_due_s),
        "order_late_base": floats(instance.order_late_base),
        "order_sunk_late_cost": floats(instance.order_sunk_late_cost),
        "order_unplanned_cost": floats(instance.order_unplanned_cost),
        "order_load": floats(instance.order_load),
        "order_promised_vehicle": ints(instance.order_promised_vehicle),
        "order_promised_s": ints(instance.order_promised_s),
        "order_reassign_cost": floats(instance.order_reassign_cost),
        "order_retime_cost_per_min": floats(instance.order_retime_cost_per_min),
        "retime_tolerance_s": int(instance.retime_tolerance_s),
        "breach": float(weights.breach),
        "late_shares": floats(weights.late_shares),
        "late_spans_min": floats(weights.late_spans_min),
        "vehicle_start_loc": ints(instance.vehicle_start_loc),
        "vehicle_end_loc": ints(instance.vehicle_end_loc),
        "vehicle_shift_start_s": ints(instance.vehicle_shift_start_s),
        "vehicle_shift_end_s": ints(instance.vehicle_shift_end_s),
        "vehicle_latest_end_s": ints(instance.vehicle_latest_end_s),
        "vehicle_break_start_s": ints(instance.vehicle_break_start_s),
        "vehicle_break_end_s": ints(instance.vehicle_break_end_s),
        "vehicle_break_duration_s": ints(instance.vehicle_break_duration_s),
        "vehicle_capacity": floats(np.minimum(instance.vehicle_capacity, np.finfo(np.float64).max)),
        "vehicle_max_orders": ints(instance.vehicle_max_orders),
        "vehicle_max_travel_s": ints(instance.vehicle_max_travel_s),
        "compatible": np.ascontiguousarray(instance.supply_compatible, dtype=np.uint8).ravel(),
        "n_parts": len(stock.part_ids),
        "n_tools": len(stock.tool_ids),
        "n_technicians": instance.n_technicians,
        "n_days": len(instance.dates),
        "order_parts": ints(stock.order_parts),
        "order_tools": np.ascontiguousarray(stock.order_tools, dtype=np.uint8).ravel(),
        "technician_van": ints(stock.technician_van),
        "technician_tools": np.ascontiguousarray(stock.technician_tools, dtype=np.uint8).ravel(),
        "depot_tools": np.ascontiguousarray(stock.depot_tools, dtype=np.uint8).ravel(),
        "depot_tool_copies": ints(stock.depot_tool_copies),
        "depot_loc": ints(instance.depot_loc),
        "depot_hours_s": ints(instance.depot_hours_s),
        "pickup_depot": ints(instance.pickup_depot),
        "pickup_from_s": ints(instance.pickup_from_s),
        "pickup_available": ints(stock.depot_stock[instance.pickup_depot] + delivered),
        "pickup_duration_s": int(instance.pickup_duration_s),
        "vehicle_day": ints(instance.vehicle_day),
        "vehicle_technician": ints(instance.vehicle_technician),
        "travel_cost_per_min": float(instance.travel_cost_per_min),
        "overtime_cost_per_min": float(instance.overtime_cost_per_min),
        "waiting_cost_per_min": float(instance.waiting_cost_per_min),
        "balance_per_s2": float(instance.balance_per_s2),
        "vehicle_busy_before_s": ints(instance.vehicle_busy_before_s),
        "vehicle_home_early": instance.vehicle_home_early.astype(np.uint8),
        "vehicle_home_from_s": ints(instance.vehicle_home_from_s),
        "day_others": ints(instance.day_others),
        "vehicle_closed": np.isin(np.arange(instance.n_vehicles), instance.closed_days).astype(np.uint8),
        "run_order": ints(np.array([run.order for run in runs], dtype=np.int64)),
        "run_first": ints(np.array([run.parts[0].vehicle for run in runs], dtype=np.int64)),
        "run_days": ints(np.array([len(run.parts) for run in runs], dtype=np.int64)),
        "run_day_cost": floats([cost for run in runs for cost in run.day_costs]),
        "run_day_busy": ints(np.array([busy for run in runs for busy in run.day_busy], dtype=np.int64)),
    }
