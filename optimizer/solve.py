"""``solve()``: the one call from a problem to a plan."""

from __future__ import annotations

import logging
import time

from optimizer.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import Plan, Problem, SolverInfo
from optimizer.solvers import SOLVERS, Solver
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.supply import supply
from optimizer.travel import TravelProvider

logger = logging.getLogger("optimizer")

_SUPPLY_SHARE = 0.1
"""Part of the time kept, where orders need parts or tools, for supplying the routes
(van stock, depot pickups) and inserting the orders that became free."""


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    solver: str | Solver = "auto",
    travel: TravelProvider | None = None,
    max_solutions: int | None = None,
) -> Plan:
    """Plan ``problem``: who does which order, in which sequence, at what time.

    Parameters
    ----------
    problem
        The orders, technicians and settings.
    time_limit
        Seconds the solver may use, model building included (where orders need parts
        or tools, a tenth of it goes to supplying the routes with van stock and
        depot pickups, see :mod:`optimizer.solvers.supply`). Compiling the instance
        before and assembling the plan after add a small overhead (well under a second
        for a few hundred orders; travel-matrix time grows with the square of the
        number of locations).
    seed
        Random seed for back-ends that use one (PyVRP's search and the choice of parts
        the VROOM search re-solves; OR-tools routing has none).
    solver
        A registered back-end name (see ``optimizer.solvers.SOLVERS``) or an instance;
        ``"auto"`` picks PyVRP, or VROOM polished by OR-tools, by what the problem needs.
    travel
        Travel provider; default: great-circle x detour at the problem's speed.
    max_solutions
        A work limit for reproducible plans: improving solutions (OR-tools), iterations
        (PyVRP), parts tried (VROOM search); see the README's "Reproducibility".
    """
    began = time.perf_counter()
    backend = SOLVERS[solver]() if isinstance(solver, str) else solver
    instance = compile_instance(problem, travel)
    compiled = time.perf_counter()
    left_s = max(1e-3, time_limit - (compiled - began))
    routing_s = (1 - _SUPPLY_SHARE) * left_s if instance.needs_supply else left_s
    limits = SolveLimits(time_limit_s=routing_s, max_solutions=max_solutions)
    result = backend.solve(instance, limits, seed=seed)
    if instance.needs_supply:
        result = supply(instance, result, deadline=compiled + left_s)
    logger.info("solver %s: %s in %.2f s", backend.name, result.status, result.solve_s)
    info = SolverInfo(
        solver=backend.name,
        seed=seed,
        time_limit_s=time_limit,
        solve_s=result.solve_s,
        status=result.status,
        solver_objective=result.objective,
    )
    plan = assemble_plan(problem, instance, result, info)
    total = time.perf_counter() - began
    plan = plan.model_copy(update={"info": info.model_copy(update={"total_s": total})})
    return plan.with_problem(problem, travel)
