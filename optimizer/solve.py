"""``solve()``: the one call from a problem to a plan."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from optimizer.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import Plan, Problem, SolverInfo
from optimizer.solvers import SOLVERS, Solver
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.supply import supply
from optimizer.travel import TravelProvider

logger = logging.getLogger("optimizer")

_ASSEMBLY_S_PER_ORDER = 1e-4
"""Seconds per order kept from the time limit for assembling the plan after the
back-end (about 0.7 s for 10,000 orders over 5 days)."""
_SUPPLY_SHARE = 0.1
"""Part of the time kept, where orders need parts or tools, for supplying the routes
(van stock, depot pickups) and inserting the orders that became free."""


class _Timeline:
    """Turns a back-end's improvements into log events and the caller's callback,
    keeping only those that beat the best so far."""

    def __init__(
        self, began: float, is_pickup: Callable[[int], bool], callback: Callable[[float, float, int], None] | None
    ) -> None:
        self.began, self.is_pickup, self.callback = began, is_pickup, callback
        self.best = float("inf")

    def __call__(self, routes: dict[int, tuple[int, ...]], cost: float) -> None:
        if cost >= self.best - 1e-9:
            return
        self.best = cost
        seconds = time.perf_counter() - self.began
        planned = sum(1 for seq in routes.values() for s in seq if not self.is_pickup(s))
        logger.info("improved: %.2f with %d orders at %.2f s", cost, planned, seconds,
                    extra={"event": "improved", "seconds": round(seconds, 3), "objective": cost, "planned": planned})
        if self.callback is not None:
            self.callback(seconds, cost, planned)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    solver: str | Solver = "auto",
    travel: TravelProvider | None = None,
    max_solutions: int | None = None,
    on_improvement: Callable[[float, float, int], None] | None = None,
) -> Plan:
    """Plan ``problem``: who does which order, in which sequence, at what time.

    Parameters
    ----------
    problem
        The orders, technicians and settings.
    time_limit
        Seconds for the whole call: compiling the instance (travel matrix included),
        the back-end (where orders need parts or tools, a tenth of its time goes to
        supplying the routes with van stock and depot pickups, see
        :mod:`optimizer.solvers.supply`) and assembling the plan, for which a reserve
        of 0.1 ms per order is kept. A back-end may overrun by a fraction of a second.
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
    on_improvement
        Called with (seconds since the call began, objective, orders planned) each time
        the back-end holds a better plan (before the supply pass; the plan's final
        figures are in its KPIs). Each improvement is also logged (event ``improved``).
    """
    began = time.perf_counter()
    backend = SOLVERS[solver]() if isinstance(solver, str) else solver
    instance = compile_instance(problem, travel)
    compiled = time.perf_counter()
    left_s = max(1e-3, time_limit - (compiled - began) - _ASSEMBLY_S_PER_ORDER * len(problem.orders))
    routing_s = (1 - _SUPPLY_SHARE) * left_s if instance.needs_supply else left_s
    limits = SolveLimits(time_limit_s=routing_s, max_solutions=max_solutions,
                         on_improvement=_Timeline(began, instance.is_pickup, on_improvement))
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
