"""PyVRP back-end: PyVRP's search (iterated local search since PyVRP 0.14, hybrid
genetic search before) for the routing core of a problem.

This module is the only place that knows PyVRP's clients, depots, vehicle types and
profiles. PyVRP expresses time windows (one per order), service times, shifts with
priced overtime, capacities, several homes (depots), optional orders with a prize and,
through per-vehicle-type routing profiles, which technician may serve which order. It
has no lunch breaks, no soft due times and one window per order.

The back-end only takes instances :func:`unsupported` accepts, where PyVRP's model
holds every rule of ours, and raises ``ValueError`` otherwise; preferences and fair
days it does not price (:func:`unpriced`), so the default back-end leaves such
instances to our own search (:func:`models_exactly`).

Mapping: distance and duration matrices are travel seconds; a vehicle type per
distinct (home place, shift, overtime, capacity, profile) with as many vehicles as
technician-days share it; the vehicle leaves home at shift start, so PyVRP's overtime
(route duration past ``shift_duration``) is our overtime (clock time past shift end).
A profile per distinct set of orders a technician may serve: arcs into the others take
:data:`_FORBIDDEN_S`. Costs are integers in seconds of travel (see :func:`_cost_unit`).

``max_solutions`` is taken as a number of PyVRP iterations: with it, the same input and
seed give the same plan on every run; with a time limit alone they may not.
"""

from __future__ import annotations

import math
import multiprocessing
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from optimizer.instance import UNLIMITED, Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.cores import threads
from optimizer.solvers.schedule import feasible_subsequence, routes_cost

_LOAD_SCALE = 1000
_PROBE_SHARE = 0.1
"""Part of the budget (time, and iterations under a work limit) spent with every order
required, to learn whether all of them can be served."""
_ROUNDS = 4
"""Rounds after the probe on large instances; each starts every worker from the best
plan so far. Gehring-Homberger 1,000 at 60 s: mean gap 1.108% against 1.206% for
PyVRP alone in the same run (two independent runs had been level with it). More rounds
were tried on the 2-core Intel Xeon (2026-12-07): 8 rounds gave 1.351% (C2_10_2 at 1.98%
against 0.07% with 4, twice), and 8 rounds only where routes are short (C1, R1, RC1)
1.247%, within the spread of 4 rounds' runs (1.238%, 1.266%, 1.278%)."""
_ROUNDS_FROM_ORDERS = 400
"""Below this many plannable orders one round follows the probe: on Solomon's 100
customers at 10 s, four rounds lost to PyVRP alone on 11 of 56 instances (R1 most)."""
_ROUND_OVERHEAD_S = 0.05
"""Time kept back per round for handing plans to the workers and collecting them."""
_FORBIDDEN_S = 10_000_000
"""Travel seconds (and distance) of an arc into an order the vehicle type may not serve."""
MAX_PROFILE_BYTES = 2 * 1024**3
"""Largest total size of the routing profiles' matrices a model may take."""


def unsupported(instance: Instance) -> str | None:
    """Why PyVRP cannot model ``instance`` exactly, or ``None`` if it can."""
    plannable = np.flatnonzero(instance.compatible.any(axis=0))
    if (instance.vehicle_break_duration_s > 0).any():
        return "lunch breaks"
    if (instance.order_n_windows[plannable] > 1).any():
        return "orders with several time windows"
    closes = instance.order_windows_s[plannable, 0, 1]
    binding_due = instance.order_due_s[plannable] < closes
    if binding_due.any():
        return "SLA due times inside time windows"
    if (instance.technician_duration_s[:, plannable] != instance.order_duration_s[plannable]).any():
        return "technicians who work faster or slower than the planned durations"
    if (instance.vehicle_max_orders != UNLIMITED).any() or (instance.vehicle_max_travel_s != UNLIMITED).any():
        return "limits on orders or driving per day"
    if _profile_bytes(instance, plannable) > MAX_PROFILE_BYTES:
        return "too many distinct technician-order restrictions for the model's memory"
    return None


def unpriced(instance: Instance) -> str | None:
    """Which term of the objective PyVRP does not price for ``instance`` (its routes are
    still valid, and scored by our cost), or ``None``."""
    if (instance.order_preferred_miss > 0).any():
        return "preferred technicians"
    if instance.balance_per_s2 > 0:
        return "fair days (weights.balance)"
    return None


def models_exactly(instance: Instance) -> bool:
    """Whether PyVRP models ``instance`` with every rule and prices every term."""
    return unsupported(instance) is None and unpriced(instance) is None


def _profile_bytes(instance: Instance, plannable: np.ndarray) -> int:
    """Memory the routing profiles of ``instance``'s model take (both matrices)."""
    masks = _profiles(instance, plannable)[1]
    n_profiles = 1 if len(masks) == 1 and masks[0].all() else 1 + len(masks)
    size = _home_places(instance)[0].size + plannable.size
    return 2 * 8 * n_profiles * size * size


Found = list[tuple[int, list[int]]]
"""Routes of a PyVRP solution as (vehicle type, client indices)."""


@dataclass(frozen=True)
class PyVrpSearch:
    """PyVRP's iterated local search, run by ``workers`` processes in rounds, keeping
    the best plan by our own cost. The default uses one worker per core, up to two.

    1. Probe: every worker searches with every order required (seeds ``seed``,
       ``seed + 1``, ...) for a tenth of the budget. With every order required, PyVRP
       searches better (no moves that drop clients), but it needs a plan that serves
       them all.
    2. If a probe served every order feasibly and no order's leave-out price is below
       what a visit to it could add (the VRPTW benchmarks), the rounds keep them
       required; otherwise (overloaded days, orders cheaper left out than served) orders
       are optional, each worth its unplanned cost as prize.
    3. Each round starts every worker from the best plan so far with a seed of its
       own, so both cores work on the most promising plan rather than on two
       independent runs: :data:`_ROUNDS` rounds on large instances, one on small ones.
    """

    workers: int = field(default_factory=threads)
    name: str = "pyvrp"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Routes for ``instance`` within ``limits``."""
        began = time.perf_counter()
        reason = unsupported(instance)
        if reason is not None:
            raise ValueError(f"PyVRP cannot model this problem: {reason}")
        plannable = np.flatnonzero(instance.compatible.any(axis=0))
        if plannable.size == 0 or instance.n_vehicles == 0:
            return SolveResult({}, routes_cost(instance, {}), "nothing to plan", time.perf_counter() - began)
        model = _Model(instance, plannable)
        iterations = limits.max_solutions
        rounds = _ROUNDS if plannable.size >= _ROUNDS_FROM_ORDERS else 1
        probe_iterations, round_iterations = None, None
        if iterations is not None:
            probe_iterations = max(1, math.ceil(_PROBE_SHARE * iterations))
            round_iterations = max(1, (iterations - probe_iterations) // rounds)
        seeds = iter(range(seed, seed + self.workers * (rounds + 1)))
        with _Workers(self.workers, (model.required, model.optional)) as workers:
            probes = workers.run(True, _seconds(limits.share(_PROBE_SHARE)), probe_iterations, seeds, None)
            required = any(feasible for feasible, _ in probes) and not may_leave_out(instance, plannable)
            best = _best(instance, model, probes)
            limits.improved(best[3], best[0])
            for k in range(rounds):
                runs = workers.run(
                    required, _seconds(limits.share(1 / (rounds - k))), round_iterations, seeds, best[-1]
                )
                previous = best[0]
                best = _best(instance, model, [(best[2], best[4]), *runs])
                if best[0] < previous:
                    limits.improved(best[3], best[0])
        cost, infeasible, _, routes, _ = best
        kind = "all orders required" if required else "orders optional"
        status = (
            f"{'infeasible, kept feasible routes' if infeasible else 'feasible'} "
            f"({kind}, {self.workers} worker(s), {rounds} round{'s' if rounds > 1 else ''})"
        )
        return SolveResult(routes, cost, status, time.perf_counter() - began)


def may_leave_out(instance: Instance, plannable: np.ndarray) -> bool:
    """Whether leaving one of the ``plannable`` orders out could cost less than serving it:
    its leave-out price below the most a visit to it can add to a plan (the longest drives
    into and out of its place, the most overtime any day allows, waiting for a whole day;
    nothing is late where PyVRP models the problem, every due time being after its window).
    Where none could, a plan serving every order is as good as any, and the search with
    every order required searches better."""
    places = instance.order_loc[plannable]
    drives = instance.travel_s[:, places].max(axis=0).astype(float) + instance.travel_s[places, :].max(axis=1)
    day = float((instance.vehicle_latest_end_s - instance.vehicle_shift_start_s).max())
    overtime = float((instance.vehicle_latest_end_s - instance.vehicle_shift_end_s).max())
    most_s = (
        instance.travel_cost_per_min * drives
        + instance.overtime_cost_per_min * overtime
        + instance.waiting_cost_per_min * day
    )
    return bool((instance.order_unplanned_cost[plannable] < most_s / 60).any())


def _seconds(limits: SolveLimits) -> float | None:
    """Seconds for one search within ``limits``, less what handing plans to the workers
    and back takes (``None`` without a deadline)."""
    seconds = limits.seconds()
    return None if seconds is None else max(0.01, seconds - _ROUND_OVERHEAD_S)


def _best(
    instance: Instance, model: _Model, runs: list[tuple[bool, Found]]
) -> tuple[float, bool, bool, dict[int, tuple[int, ...]], Found]:
    """The best of ``runs`` by our own cost, feasible first where costs tie, then the
    earliest: (cost, infeasible, feasible, routes, found)."""
    scored = []
    for feasible, found in runs:
        routes = model.routes(found)
        scored.append((routes_cost(instance, routes), not feasible, feasible, routes, found))
    return min(scored, key=lambda run: run[:2])


class _Workers:
    """Processes that each hold both PyVRP models (every order required, orders
    optional) and run one search per call; the calling process where there is one
    worker. Each search is a pure function of its arguments, so which process runs
    it does not change the plan."""

    def __init__(self, count: int, models: tuple[pyvrp.ProblemData, pyvrp.ProblemData]) -> None:
        self.count = count
        self.models = models
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        if self.count > 1:
            context = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            )
            self.pool = ProcessPoolExecutor(self.count, mp_context=context, initializer=_hold, initargs=(self.models,))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def run(
        self, required: bool, seconds: float | None, iterations: int | None, seeds: Iterator[int], start: Found | None
    ) -> list[tuple[bool, Found]]:
        """One search per worker, each with the next seed of ``seeds``: (feasible, routes)."""
        arguments = [(required, seconds, iterations, next(seeds), start) for _ in range(self.count)]
        if self.pool is None:
            return [_search(self.models, *args) for args in arguments]
        return list(self.pool.map(_search_held, *zip(*arguments)))


_held: tuple[pyvrp.ProblemData, pyvrp.ProblemData] | None = None
"""The models a worker process holds (set once per process by :func:`_hold`)."""


def _hold(models: tuple[pyvrp.ProblemData, pyvrp.ProblemData]) -> None:
    """Keep ``models`` in this worker process for its searches."""
    global _held
    _held = models


def _search_held(
    required: bool, seconds: float | None, iterations: int | None, seed: int, start: Found | None
) -> tuple[bool, Found]:
    """:func:`_search` over the models this worker process holds."""
    assert _held is not None, "worker started without models"
    return _search(_held, required, seconds, iterations, seed, start)


def _search(
    models: tuple[pyvrp.ProblemData, pyvrp.ProblemData],
    required: bool,
    seconds: float | None,
    iterations: int | None,
    seed: int,
    start: Found | None,
) -> tuple[bool, Found]:
    """PyVRP's best solution within ``seconds`` and ``iterations`` (either may be
    ``None``, not both) on the model with every order required or orders optional,
    from ``start`` where given: (feasible, routes)."""
    data = models[0] if required else models[1]
    initial = None
    if start is not None:
        initial = pyvrp.Solution(
            data,
            [
                pyvrp.Route(data, [pyvrp.Activity(pyvrp.ActivityType.CLIENT, c) for c in clients], vehicle_type)
                for vehicle_type, clients in start
            ],
        )
    criteria: list[StoppingCriterion] = [
        *([] if seconds is None else [MaxRuntime(seconds)]),
        *([] if iterations is None else [MaxIterations(iterations)]),
    ]
    stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
    with warnings.catch_warnings():
        # PyVRP warns when its penalty bounds clip, also on trivially feasible runs: a note
        # for PyVRP's tuners, an alarm in a night's log; our checker judges the result
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        found = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False, initial_solution=initial)
    best = found.best
    return best.is_feasible(), [(r.vehicle_type(), [a.idx for a in r if a.is_client()]) for r in best.routes()]


def _cost_unit(instance: Instance) -> float:
    """Objective cost of one PyVRP cost unit: one second of travel (1/600 where travel
    is free).

    PyVRP's search is tuned for costs of about one per time unit (its penalty bounds,
    among others, are absolute): on Gehring-Homberger R1_10_1 in 20 s, costs of 30 per
    second of travel gave 2-3% longer routes than 1 per second, even with the penalty
    bounds scaled alike. Overtime and prizes are rounded to this unit; our own cost
    judges the result.
    """
    per_second = instance.travel_cost_per_min / 60
    return per_second if per_second > 0 else 1 / 600


def _profiles(instance: Instance, plannable: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Profile index per vehicle, and per profile the mask of plannable orders it may serve.

    A technician's profile is the union over their days of the orders they may serve
    (reachability on a given day is left to the time windows).
    """
    by_technician = np.zeros((instance.n_technicians, plannable.size), dtype=bool)
    np.logical_or.at(by_technician, instance.vehicle_technician, instance.compatible[:, plannable])
    masks, technician_profile = np.unique(by_technician, axis=0, return_inverse=True)
    return technician_profile.reshape(-1)[instance.vehicle_technician], list(masks)


def _home_places(instance: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One location per distinct place a route starts or ends at (homes; in a
    re-plan, also where days resume), and each vehicle's start and end index into them.

    Homes at the same place (the same travel time and distance to and from every
    location) become one PyVRP depot, so that technicians sharing a base share a
    vehicle type: hundreds of one-vehicle types at one depot slow PyVRP's search
    down many times over.
    """
    ends = np.concatenate([instance.vehicle_start_loc, instance.vehicle_end_loc])
    homes = np.unique(ends)
    signature = np.concatenate(
        [
            instance.travel_s[homes],
            instance.travel_s[:, homes].T,
            instance.distance_m[homes],
            instance.distance_m[:, homes].T,
        ],
        axis=1,
    )
    _, first, place = np.unique(signature, axis=0, return_index=True, return_inverse=True)
    depot = place.reshape(-1)[np.searchsorted(homes, ends)]
    return homes[first], depot[: instance.n_vehicles], depot[instance.n_vehicles :]


class _Model:
    """PyVRP data of one instance, with orders optional (``optional``: each worth its
    unplanned cost as prize) and with every order required (``required``), and the way
    back to instance indices."""

    def __init__(self, instance: Instance, plannable: np.ndarray) -> None:
        self.instance = instance
        self.plannable = plannable
        homes, start_depot, end_depot = _home_places(instance)
        locations = np.concatenate([homes, instance.order_loc[plannable]])
        vehicle_profile, masks = _profiles(instance, plannable)
        restricted = not (len(masks) == 1 and masks[0].all())

        capacity = np.where(
            np.isfinite(instance.vehicle_capacity),
            np.floor(np.nan_to_num(instance.vehicle_capacity, posinf=0) * _LOAD_SCALE),
            np.iinfo(np.int64).max // 4,
        ).astype(np.int64)
        groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for v in range(instance.n_vehicles):
            key = (
                int(start_depot[v]),
                int(end_depot[v]),
                int(instance.vehicle_shift_start_s[v]),
                int(instance.vehicle_shift_end_s[v]),
                int(instance.vehicle_latest_end_s[v]),
                int(capacity[v]),
                int(vehicle_profile[v]),
            )
            groups[key].append(v)
        self.type_vehicles = list(groups.values())
        unit = _cost_unit(instance)
        per_second = round(instance.travel_cost_per_min / 60 / unit)
        overtime_per_second = round(instance.overtime_cost_per_min / 60 / unit)
        vehicle_types = [
            pyvrp.VehicleType(
                num_available=len(vehicles),
                capacity=[cap],
                start_depot=first,
                end_depot=last,
                tw_early=start,
                start_late=start,
                tw_late=latest,
                shift_duration=min(max(end, start), latest) - start,
                max_overtime=latest - min(max(end, start), latest),
                unit_distance_cost=per_second,
                unit_duration_cost=0,
                unit_overtime_cost=overtime_per_second,
                profile=profile + 1 if restricted else 0,
            )
            for (first, last, start, end, latest, cap, profile), vehicles in groups.items()
        ]

        def clients(required: bool) -> list[pyvrp.Client]:
            return [
                pyvrp.Client(
                    location=homes.size + k,
                    delivery=[int(np.ceil(instance.order_load[o] * _LOAD_SCALE))],
                    service_duration=int(instance.order_duration_s[o]),
                    tw_early=int(opens),
                    tw_late=int(closes),
                    prize=round(instance.order_unplanned_cost[o] / unit),
                    required=required,
                )
                for k, (o, (opens, closes)) in enumerate(
                    zip(plannable.tolist(), instance.order_windows_s[plannable, 0])
                )
            ]

        depots = [pyvrp.Depot(location=k) for k in range(homes.size)]
        points = [pyvrp.Location(x=0, y=0) for _ in range(locations.size)]
        travel = instance.travel_s[np.ix_(locations, locations)].astype(np.int64)
        # Profile 0 is the true travel (PyVRP's neighbourhoods are built from it); the
        # vehicle types use the restricted profiles 1, 2, ... where there are any.
        matrices = [travel]
        for mask in masks if restricted else []:
            matrix = travel.copy()
            matrix[:, homes.size + np.flatnonzero(~mask)] = _FORBIDDEN_S
            np.fill_diagonal(matrix, 0)
            matrices.append(matrix)
        self.optional = pyvrp.ProblemData(points, clients(False), depots, vehicle_types, matrices, matrices)
        self.required = self.optional.replace(clients=clients(True))

    def routes(self, found: list[tuple[int, list[int]]]) -> dict[int, tuple[int, ...]]:
        """Order indices per instance vehicle (from an infeasible search result, only
        the visits that keep each route feasible)."""
        used: dict[int, int] = defaultdict(int)
        out: dict[int, tuple[int, ...]] = {}
        for vtype, clients in found:
            vehicle = self.type_vehicles[vtype][used[vtype]]
            used[vtype] += 1
            visits = feasible_subsequence(self.instance, vehicle, [int(self.plannable[c]) for c in clients])
            if visits:
                out[vehicle] = visits
        return out
