"""Field-service peers: VROOM and plain OR-tools on a generated field-service problem.

Each peer gets the same numeric instance (travel seconds, effective windows, shifts,
breaks, capacities, technician-order compatibility) and the same wall time; its routes
are re-timed by our scheduler and scored by our checker with our objective, so the
comparison is in one currency. What a peer cannot express is left out of its model
and still counted against it: VROOM has no SLA due times (lateness) and no overtime
price; its priorities (emergency 100, high 60, normal 20, low 5) stand in for the
unplanned penalties. Compatibility is encoded exactly as VROOM skills: one skill per
order, held by the technician-days that may serve it.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers import OrToolsRouting
from optimizer.solvers.base import SolveLimits

PRIORITY = (100, 60, 20, 5)
"""VROOM priority by urgency index (emergency, high, normal, low)."""
LOAD_SCALE = 1000


def vroom_routes(instance: Instance, seconds: float, threads: int = 2) -> dict[int, tuple[int, ...]]:
    """VROOM's routes (instance vehicle -> order indices)."""
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=instance.travel_s.astype(np.int64).tolist())
    plannable = np.flatnonzero(instance.compatible.any(axis=0))
    vehicles = []
    for v in range(instance.n_vehicles):
        capacity = instance.vehicle_capacity[v]
        extra = {}
        if np.isfinite(capacity):
            extra["capacity"] = [int(np.floor(capacity * LOAD_SCALE))]
        if instance.vehicle_break_duration_s[v] > 0:
            extra["breaks"] = [vroom.Break(
                v + 1,
                time_windows=[vroom.TimeWindow(int(instance.vehicle_break_start_s[v]),
                                               int(instance.vehicle_break_end_s[v]))],
                service=int(instance.vehicle_break_duration_s[v]),
            )]
        vehicles.append(vroom.Vehicle(
            v + 1,
            start=int(instance.vehicle_loc[v]),
            end=int(instance.vehicle_loc[v]),
            time_window=vroom.TimeWindow(int(instance.vehicle_shift_start_s[v]),
                                         int(instance.vehicle_latest_end_s[v])),
            skills={int(o) + 1 for o in np.flatnonzero(instance.compatible[v])},
            **extra,
        ))
    problem.add_vehicle(vehicles)
    jobs = []
    for o in plannable.tolist():
        windows = instance.order_windows_s[o, : instance.order_n_windows[o]]
        extra = {}
        if np.isfinite(instance.vehicle_capacity).any():
            extra["delivery"] = [int(np.ceil(instance.order_load[o] * LOAD_SCALE))]
        jobs.append(vroom.Job(
            o + 1,
            location=int(instance.order_loc[o]),
            default_service=int(instance.order_duration_s[o]),
            skills={o + 1},
            priority=PRIORITY[int(instance.order_urgency[o])],
            time_windows=[vroom.TimeWindow(int(a), int(b)) for a, b in windows],
            **extra,
        ))
    problem.add_job(jobs)
    solution = problem.solve(exploration_level=5, nb_threads=threads, timeout=timedelta(seconds=seconds))
    steps = solution.routes
    visits = steps[steps["type"] == "job"]
    return {
        int(vehicle) - 1: tuple(int(j) - 1 for j in group["id"])
        for vehicle, group in visits.groupby("vehicle_id", sort=True)
    }


def ortools_plain_routes(instance: Instance, seconds: float) -> dict[int, tuple[int, ...]]:
    """Plain OR-tools on our full model: path-cheapest-arc and guided local search, no warm start."""
    solver = OrToolsRouting(first_solution="PATH_CHEAPEST_ARC", warm_start=False)
    return solver.solve(instance, SolveLimits(time_limit_s=seconds)).routes
