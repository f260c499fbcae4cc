"""Field-service peers: VROOM and plain OR-tools on a generated field-service problem.

Each peer gets the same numeric instance (travel seconds, effective windows, shifts,
breaks, capacities, technician-order compatibility) and the same wall time; its routes
are re-timed by our scheduler and scored by our checker with our objective, so the
comparison is in one currency. VROOM alone is our own VROOM encoding
(:mod:`optimizer.solvers.vroom_search`: due times as deadlines, priorities in
proportion to the unplanned costs, overtime allowed but not priced) without the
insertion top-up and the OR-tools polish that our engine adds; compatibility is
exact (one VROOM skill per order, held by the technician-days that may serve it).
"""

from __future__ import annotations

from optimizer.instance import Instance
from optimizer.solvers import OrToolsRouting, VroomSearch
from optimizer.solvers.base import SolveLimits


def vroom_routes(instance: Instance, seconds: float) -> dict[int, tuple[int, ...]]:
    """VROOM alone as its users run it (exploration level 5, both threads, cut at the
    time limit), with our encoding, no top-up or polish; re-timed by our scheduler."""
    alone = VroomSearch(exploration=5, top_up=False, by_parts=False)
    return alone.solve(instance, SolveLimits(time_limit_s=seconds)).routes


def ortools_plain_routes(instance: Instance, seconds: float) -> dict[int, tuple[int, ...]]:
    """Plain OR-tools on our full model: path-cheapest-arc and guided local search, no warm start."""
    solver = OrToolsRouting(first_solution="PATH_CHEAPEST_ARC", warm_start=False)
    return solver.solve(instance, SolveLimits(time_limit_s=seconds)).routes
