"""Field-service peers: VROOM and plain OR-tools on a generated field-service problem.

Each peer gets the same numeric instance (travel seconds, effective windows, shifts,
breaks, capacities, technician-order compatibility) and the same wall time; its routes
are re-timed by our scheduler and scored by our checker with our objective, so the
comparison is in one currency. Neither peer models parts being used up or depot
pickups, so their routes go through the supply pass the engine used before its own
search (:func:`optimizer.solvers.supply.supply`, without its top-up insertion): orders
a van cannot supply get a pickup or leave the route. The ``legacy`` peer (in
``run.py``) is the whole engine as it was before our search: ``optimizer.solve`` with
``solver="legacy"`` (VROOM, the OR-tools polish, the supply pass). VROOM alone is our own VROOM encoding
(:mod:`optimizer.solvers.vroom_search`: due times as deadlines, priorities in
proportion to the unplanned costs, overtime allowed but not priced) without the
insertion top-up and the OR-tools polish that our engine adds; compatibility is
exact (one VROOM skill per order, held by the technician-days that may serve it).
"""

from __future__ import annotations

from optimizer.instance import Instance
from optimizer.solvers import Solver
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.ortools_routing import OrToolsRouting
from optimizer.solvers.supply import supply
from optimizer.solvers.vroom_search import VroomSearch


def vroom_alone(instance: Instance, seconds: float) -> SolveResult:
    """VROOM alone as its users run it (exploration level 5, both threads, cut at the
    time limit), with our encoding, no top-up or polish; re-timed by our scheduler."""
    return _supplied(VroomSearch(exploration=5, top_up=False, by_parts=False), instance, seconds)


def ortools_plain(instance: Instance, seconds: float) -> SolveResult:
    """Plain OR-tools on our full model: path-cheapest-arc and guided local search, no warm start."""
    return _supplied(OrToolsRouting(first_solution="PATH_CHEAPEST_ARC", warm_start=False), instance, seconds)


def _supplied(solver: Solver, instance: Instance, seconds: float) -> SolveResult:
    """The solver's routes, supplied with parts and tools where orders need them."""
    result = solver.solve(instance, SolveLimits.within(seconds))
    if not instance.needs_supply:
        return result
    return supply(instance, result, SolveLimits.within(0.0), top_up=False)
