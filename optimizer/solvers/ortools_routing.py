"""OR-tools routing back-end: one vehicle per technician-day.

This module is the only place that knows OR-tools' nodes and indices. The model:

* nodes: the technicians' homes (vehicle start and end) and the plannable orders;
* arc cost: travel seconds x the travel weight; a "Time" dimension whose transit is the
  service time at the origin plus the drive, with waiting allowed (slack);
* windows: an order's effective start windows (several per order: the gaps between
  them are removed from its time variable); release is folded into them;
* SLA due times: soft upper bounds on the start, priced by urgency per second late;
* shifts: a vehicle starts no earlier than its shift start and ends no later than shift
  end + allowed overtime; the time past shift end is priced as overtime;
* the break: a fixed-duration interval within its window (OR-tools places it in a gap
  between visits, or after the day's end when the day ends early enough);
* every order is optional (a disjunction) with its urgency's penalty; orders that the
  instance rules out for everyone never enter the model; allowed vehicles come from
  the instance's compatibility matrix (skills, parts, tools, required technician,
  reachability); optional loads use a capacity dimension.

Costs are integers: cost units x 600 per second (weights have a resolution of 0.1
cost units per minute). ``SolveResult.objective`` converts back to cost units and adds
the penalties of orders kept out of the model, so it is the full objective.

The search is deterministic: OR-tools' routing search has no random seed, so ``seed``
is accepted for the common interface and not used. With ``max_solutions`` the result is
the same on every run; with a time limit alone it depends on how far the search got.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from optimizer.instance import NO_DUE_S, UNLIMITED, Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import insert_orders
from optimizer.solvers.schedule import routes_cost

logger = logging.getLogger("optimizer")

_UNITS_PER_COST = 600
"""Solver cost units per objective cost unit."""
_LOAD_SCALE = 1000
"""Loads are integers in thousandths of the user's unit."""
_MIN_SEARCH_S = 0.05
_UNBOUNDED_S = 7 * 24 * 3600.0
"""OR-tools' time limit where the solve has none (a week)."""


def _per_second(weight_per_min: float) -> int:
    """An objective weight per minute as an integer solver coefficient per second."""
    return round(weight_per_min * _UNITS_PER_COST / 60)


def _late_rate(instance: Instance, order: int) -> int:
    """Lateness as OR-tools can price it (a linear cost past a bound; its Python API has
    no piecewise-linear cumul cost): the mean slope of the order's lateness curve over
    the horizon's length past its due time, or past the horizon's start where it is
    already overdue, as an integer coefficient per second. Plans are re-scored on the
    exact curve (:mod:`optimizer.solvers.cost`)."""
    due = int(instance.order_due_s[order])
    if due >= NO_DUE_S:
        return 0
    slope = instance.lateness.mean_slope(max(0, -due), instance.horizon_s)
    return round(instance.order_late_base[order] * slope * _UNITS_PER_COST)


@dataclass(frozen=True)
class OrToolsRouting:
    """OR-tools vehicle routing with guided local search.

    ``first_solution`` and ``metaheuristic`` name members of OR-tools'
    ``FirstSolutionStrategy`` and ``LocalSearchMetaheuristic`` enums. With
    ``warm_start`` (the default) there are two starts: the urgency-first cheapest
    insertion (:mod:`optimizer.solvers.insertion`, at most ``warm_start_share`` of
    the time) and OR-tools' own first solution improved for half the time left; the
    rest of the time improves the better of the two. The insertion guarantees a plan
    when OR-tools' first solution takes longer than the limit; OR-tools' own start
    is often better packed on tightly loaded days.
    """

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    warm_start: bool = True
    warm_start_share: float = 0.5
    log_search: bool = False
    name: str = "ortools"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Build the routing model of ``instance`` and search within ``limits``."""
        began = time.perf_counter()
        plannable, excluded_cost = _plannable(instance)
        if plannable.size == 0 or instance.n_vehicles == 0:
            return SolveResult({}, routes_cost(instance, {}), "nothing to plan", time.perf_counter() - began)

        params = self._parameters(limits)
        model = _Model(instance, plannable, params)
        if not self.warm_start:
            found = model.search(params, limits)
            best = found or (float(instance.order_unplanned_cost[plannable].sum()), {})
            status = _status_name(model.routing) if found else "no solution"
            return SolveResult(best[1], best[0] + excluded_cost, status, time.perf_counter() - began)

        # Two starts, then one search from the better: the insertion (fast, urgency
        # first) and OR-tools' own first solution improved for half the time left.
        inserted = insert_orders(instance, limits.share(self.warm_start_share))
        starts = [(routes_cost(instance, inserted) - excluded_cost, inserted)]
        own = model.search(params, limits.share(0.5))
        if own is not None:
            starts.append(own)
        start = min(starts, key=lambda s: s[0])
        return self._improve(instance, plannable, excluded_cost, params, start, limits, began)

    def improve(self, instance: Instance, routes: dict[int, tuple[int, ...]], limits: SolveLimits) -> SolveResult:
        """Search from ``routes`` (feasible for ``instance``) within ``limits``; never
        returns anything worse than ``routes``."""
        began = time.perf_counter()
        plannable, excluded_cost = _plannable(instance)
        if plannable.size == 0 or instance.n_vehicles == 0:
            return SolveResult({}, routes_cost(instance, {}), "nothing to plan", time.perf_counter() - began)
        start = (routes_cost(instance, routes) - excluded_cost, routes)
        params = self._parameters(limits)
        return self._improve(instance, plannable, excluded_cost, params, start, limits, began)

    def _improve(
        self,
        instance: Instance,
        plannable: np.ndarray,
        excluded_cost: float,
        params: pywrapcp.RoutingSearchParameters,
        start: tuple[float, dict[int, tuple[int, ...]]],
        limits: SolveLimits,
        began: float,
    ) -> SolveResult:
        """One search from ``start`` (objective of the modelled orders, routes) within
        ``limits``; the result is scored by our own cost and never worse than ``start``
        (both told to ``limits``)."""
        limits.improved(start[1], start[0] + excluded_cost)
        if limits.expired():
            return SolveResult(
                start[1], start[0] + excluded_cost, "start only (no time left)", time.perf_counter() - began
            )
        model = _Model(instance, plannable, params)  # a solved model cannot search again
        improved = model.search(params, limits, start=start[1])
        best = min([start, improved], key=lambda s: s[0]) if improved else start
        if best is not start:
            limits.improved(best[1], best[0] + excluded_cost)
        status = _status_name(model.routing) if improved else "start only"
        return SolveResult(best[1], best[0] + excluded_cost, status, time.perf_counter() - began)

    def _parameters(self, limits: SolveLimits) -> pywrapcp.RoutingSearchParameters:
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, self.first_solution)
        params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, self.metaheuristic)
        params.log_search = self.log_search
        if limits.max_solutions is not None:
            params.solution_limit = limits.max_solutions
        _time_limit(params, limits)  # closing a model with a guided local search and no limit warns on stderr
        return params


def _plannable(instance: Instance) -> tuple[np.ndarray, float]:
    """Orders some vehicle may serve (the model's), and the unplanned cost of the others."""
    plannable = np.flatnonzero(instance.compatible.any(axis=0))
    excluded = float(instance.order_unplanned_cost.sum() - instance.order_unplanned_cost[plannable].sum())
    return plannable, excluded


def _time_limit(params: pywrapcp.RoutingSearchParameters, limits: SolveLimits) -> None:
    """OR-tools' time limit: the time left (at least a token search); without a deadline
    :data:`_UNBOUNDED_S` (the work limit ends the search long before)."""
    seconds = limits.seconds(floor=_MIN_SEARCH_S)
    params.time_limit.FromMilliseconds(int((_UNBOUNDED_S if seconds is None else seconds) * 1000))


def _status_name(routing: pywrapcp.RoutingModel) -> str:
    """OR-tools' search status as a lower-case word (``success``, ``partial_success_...``)."""
    name = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    return name.removeprefix("ROUTING_").lower()


class _Model:
    """The OR-tools model of one instance; maps nodes back to instance orders."""

    def __init__(self, instance: Instance, plannable: np.ndarray, params: pywrapcp.RoutingSearchParameters) -> None:
        self.instance = instance
        self.excluded_cost = float(instance.order_unplanned_cost.sum() - instance.order_unplanned_cost[plannable].sum())
        homes = np.unique(np.concatenate([instance.vehicle_start_loc, instance.vehicle_end_loc]))
        # node -> instance location; homes (and re-plan start places) first, then the plannable orders
        self.node_loc = np.concatenate([homes, instance.order_loc[plannable]])
        self.node_order = np.concatenate([np.full(homes.size, -1), plannable])
        home_node = {int(loc): n for n, loc in enumerate(homes)}
        starts = [home_node[int(loc)] for loc in instance.vehicle_start_loc]
        ends = [home_node[int(loc)] for loc in instance.vehicle_end_loc]
        self.manager = pywrapcp.RoutingIndexManager(len(self.node_loc), instance.n_vehicles, starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)

        travel = instance.travel_s[np.ix_(self.node_loc, self.node_loc)].astype(np.int64)
        orders = np.maximum(self.node_order, 0)
        self._add_arc_costs(travel * _per_second(instance.travel_cost_per_min), orders)
        # One time callback per distinct row of the technicians' durations (efficiency).
        rows, row_of = np.unique(instance.technician_duration_s[:, orders], axis=0, return_inverse=True)
        services = np.where(self.node_order[None, :] >= 0, rows, 0)
        callbacks = [self.routing.RegisterTransitMatrix((travel + service[:, None]).tolist()) for service in services]
        self.service = services[row_of.reshape(-1)[instance.vehicle_technician]]  # [V, nodes]
        horizon = int(max(instance.vehicle_latest_end_s.max(), instance.horizon_s)) + 1
        by_vehicle = [callbacks[row_of.reshape(-1)[t]] for t in instance.vehicle_technician]
        self.routing.AddDimensionWithVehicleTransits(by_vehicle, horizon, horizon, False, "Time")
        self.time = self.routing.GetDimensionOrDie("Time")

        self._add_orders(plannable)
        self._add_shifts_and_breaks()
        self._add_loads(plannable)
        self._add_day_limits(travel)
        self.routing.CloseModelWithParameters(params)

    def _add_arc_costs(self, cost: np.ndarray, orders: np.ndarray) -> None:
        """Driving, plus for each vehicle the preference cost of entering an order
        whose customer prefers other technicians (one matrix per distinct row)."""
        inst, routing = self.instance, self.routing
        missed = np.where(self.node_order[None, :] >= 0, ~inst.preferred[:, orders], False)
        miss = np.rint(missed * inst.order_preferred_miss[orders][None, :] * _UNITS_PER_COST).astype(np.int64)
        rows, row_of = np.unique(miss, axis=0, return_inverse=True)
        if not rows.any():
            routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost.tolist()))
            return
        callbacks = [routing.RegisterTransitMatrix((cost + row[None, :]).tolist()) for row in rows]
        for v, t in enumerate(inst.vehicle_technician.tolist()):
            routing.SetArcCostEvaluatorOfVehicle(callbacks[row_of.reshape(-1)[t]], v)

    def _add_orders(self, plannable: np.ndarray) -> None:
        inst, routing, manager = self.instance, self.routing, self.manager
        for node, order in enumerate(self.node_order):
            if order < 0:
                continue
            index = manager.NodeToIndex(node)
            routing.AddDisjunction([index], round(inst.order_unplanned_cost[order] * _UNITS_PER_COST))
            allowed = np.flatnonzero(inst.compatible[:, order])
            if allowed.size < inst.n_vehicles:  # -1: the order may stay unperformed
                routing.VehicleVar(index).SetValues([-1, *allowed.tolist()])
            windows = inst.order_windows_s[order, : inst.order_n_windows[order]]
            cumul = self.time.CumulVar(index)
            cumul.SetRange(int(windows[0, 0]), int(windows[-1, 1]))
            for (_, closes), (opens, _) in itertools.pairwise(windows):
                if opens - closes > 1:
                    cumul.RemoveInterval(int(closes) + 1, int(opens) - 1)
            bound = max(int(inst.order_due_s[order]), 0)
            late = _late_rate(inst, order)
            if bound < windows[-1, 1] and late > 0:
                self.time.SetCumulVarSoftUpperBound(index, bound, late)

    def _add_shifts_and_breaks(self) -> None:
        inst, routing = self.instance, self.routing
        solver = routing.solver()
        overtime = _per_second(inst.overtime_cost_per_min)
        nodes = [self.manager.IndexToNode(i) for i in range(routing.Size())]
        for v in range(inst.n_vehicles):
            start, end = routing.Start(v), routing.End(v)
            shift_start = int(inst.vehicle_shift_start_s[v])
            shift_end = int(inst.vehicle_shift_end_s[v])
            latest = int(inst.vehicle_latest_end_s[v])
            self.time.CumulVar(start).SetRange(shift_start, latest)
            self.time.CumulVar(end).SetRange(shift_start, latest)
            if latest > shift_end and overtime > 0:
                self.time.SetCumulVarSoftUpperBound(end, shift_end, overtime)
            length = int(inst.vehicle_break_duration_s[v])
            if length > 0:
                interval = solver.FixedDurationIntervalVar(
                    int(inst.vehicle_break_start_s[v]),
                    int(inst.vehicle_break_end_s[v]),
                    length,
                    False,
                    f"break {v}",
                )
                self.time.SetBreakIntervalsOfVehicle([interval], v, self.service[v, nodes].tolist())

    def _add_loads(self, plannable: np.ndarray) -> None:
        inst = self.instance
        capacity = inst.vehicle_capacity
        if not np.isfinite(capacity).any() or not (inst.order_load[plannable] > 0).any():
            return
        demand = np.where(self.node_order >= 0, inst.order_load[np.maximum(self.node_order, 0)], 0.0)
        demand_cb = self.routing.RegisterUnaryTransitVector(np.ceil(demand * _LOAD_SCALE).astype(np.int64).tolist())
        big = int(np.ceil(inst.order_load.sum() * _LOAD_SCALE)) + 1
        capacities = [big if not np.isfinite(c) else int(np.floor(c * _LOAD_SCALE)) for c in capacity]
        self.routing.AddDimensionWithVehicleCapacity(demand_cb, 0, capacities, True, "Load")

    def _add_day_limits(self, travel: np.ndarray) -> None:
        """The technicians' limits per day: orders served and seconds driven."""
        inst, routing = self.instance, self.routing
        for limit, transit, name in (
            (inst.vehicle_max_orders, None, "Orders"),
            (inst.vehicle_max_travel_s, travel, "Driving"),
        ):
            if (limit == UNLIMITED).all():
                continue
            if transit is None:
                callback = routing.RegisterUnaryTransitVector((self.node_order >= 0).astype(np.int64).tolist())
                most = int((self.node_order >= 0).sum())
            else:
                callback = routing.RegisterTransitMatrix(transit.tolist())
                most = int(transit.max(initial=0)) * len(self.node_order)
            routing.AddDimensionWithVehicleCapacity(callback, 0, np.minimum(limit, most).tolist(), True, name)

    def search(
        self,
        params: pywrapcp.RoutingSearchParameters,
        limits: SolveLimits,
        *,
        start: dict[int, tuple[int, ...]] | None = None,
    ) -> tuple[float, dict[int, tuple[int, ...]]] | None:
        """Search within ``limits`` (its deadline and work limit) from ``start`` routes,
        or from OR-tools' first solution.

        Returns (objective of the modelled orders in cost units, by our own cost, routes),
        or ``None`` if nothing was found, OR-tools rejected the start or our scheduler
        cannot time its routes.
        """
        _time_limit(params, limits)
        if start is None:
            assignment = self.routing.SolveWithParameters(params)
        else:
            node_of = {int(order): node for node, order in enumerate(self.node_order) if order >= 0}
            indices = [
                [self.manager.NodeToIndex(node_of[o]) for o in start.get(v, ())]
                for v in range(self.instance.n_vehicles)
            ]
            # The routes as the next-node variables only: the search's first solution
            # completes the times and breaks (ReadAssignmentFromRoutes searches for them
            # under the model's time limit, which took seconds on 150 orders).
            initial = self.routing.solver().Assignment()
            if not self.routing.RoutesToAssignment(indices, True, True, initial):
                logger.warning("OR-tools rejected the start routes")
                return None
            assignment = self.routing.SolveFromAssignmentWithParameters(initial, params)
        if assignment is None:
            return None
        routes = self.routes(assignment)
        try:  # scored by our own cost: OR-tools prices lateness only approximately
            return routes_cost(self.instance, routes) - self.excluded_cost, routes
        except ValueError:  # our scheduler disagrees (e.g. break placement)
            return None

    def routes(self, assignment: pywrapcp.Assignment) -> dict[int, tuple[int, ...]]:
        """Order indices per vehicle, in visiting order, from a solution."""
        out: dict[int, tuple[int, ...]] = {}
        for v in range(self.instance.n_vehicles):
            index = assignment.Value(self.routing.NextVar(self.routing.Start(v)))
            visits = []
            while not self.routing.IsEnd(index):
                visits.append(int(self.node_order[self.manager.IndexToNode(index)]))
                index = assignment.Value(self.routing.NextVar(index))
            if visits:
                out[v] = tuple(visits)
        return out
