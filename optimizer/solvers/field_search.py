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
objective), accepting by simulated annealing.

Determinism: the core draws from its own generator (xoshiro256**) and is compiled
without machine-specific flags or contracted multiply-adds, so a work limit
(``max_solutions`` = iterations) gives the same routes for the same seed on any machine;
under a time limit alone the temperature follows the clock and the routes may differ
from run to run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.schedule import routes_cost


@dataclass(frozen=True)
class FieldSearch:
    """The C++ ruin-and-recreate search (name ``search``)."""

    name: str = "search"

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Search from empty routes until the work or time limit of ``limits``."""
        return self.improve(instance, {}, limits, seed=seed)

    def improve(
        self, instance: Instance, routes: dict[int, tuple[int, ...]], limits: SolveLimits, *, seed: int = 0
    ) -> SolveResult:
        """Search from ``routes`` (orders only; orders they leave out are inserted first)."""
        from optimizer.solvers import _field_search as core

        began = time.perf_counter()
        problem = core.Problem(arrays(instance))
        initial = [list(routes.get(v, ())) for v in range(instance.n_vehicles)]
        seconds = limits.seconds()
        found: dict[str, Any] = core.solve(
            problem,
            initial,
            seed=seed,
            max_iterations=-1 if limits.max_solutions is None else limits.max_solutions,
            time_limit_s=-1.0 if seconds is None else seconds,
        )
        best = {v: tuple(seq) for v, seq in enumerate(found["routes"]) if seq}
        objective = routes_cost(instance, best)
        limits.improved(best, objective)
        status = (
            f"{found['iterations']} iterations, {found['improvements']} improvements, "
            f"{found['evaluations']} routes timed"
        )
        return SolveResult(best, objective, status, time.perf_counter() - began)


def arrays(instance: Instance, compatible: np.ndarray | None = None) -> dict[str, Any]:
    """The instance as the core reads it: contiguous arrays of fixed types and scalars.
    ``compatible`` [V, O] says who may serve what (default ``instance.compatible``)."""
    allowed = instance.compatible if compatible is None else compatible
    weights = instance.lateness.weights

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
        "compatible": np.ascontiguousarray(allowed, dtype=np.uint8).ravel(),
        "travel_cost_per_min": float(instance.travel_cost_per_min),
        "overtime_cost_per_min": float(instance.overtime_cost_per_min),
        "waiting_cost_per_min": float(instance.waiting_cost_per_min),
    }
