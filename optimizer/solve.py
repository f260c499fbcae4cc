"""``solve()``: the one call from a problem to a plan."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from optimizer.decode import assemble_plan
from optimizer.instance import compile_instance
from optimizer.instance.crews import without_helpers
from optimizer.models import Plan, Problem, SolveOptions, SolverInfo
from optimizer.solvers import SolveLimits, Solver
from optimizer.solvers import backend as registered
from optimizer.solvers.base import SupplyingSolver
from optimizer.solvers.chains import has_links, hold_links
from optimizer.solvers.crews import has_crews, staff_crews
from optimizer.solvers.multi_day import add_multi_day, closed_days, with_multi_day
from optimizer.solvers.prune import prune
from optimizer.solvers.schedule import RouteSchedule
from optimizer.solvers.supply import supply
from optimizer.travel import TravelProvider

logger = logging.getLogger("optimizer")

_ASSEMBLY_S_PER_ORDER = 0.6e-3
"""Seconds per order kept from the time limit for what follows the back-end's deadline,
besides :data:`_ASSEMBLY_S_PER_VEHICLE` per technician-day."""
_ASSEMBLY_S_PER_VEHICLE = 1e-3
"""Seconds per technician-day kept, with :data:`_ASSEMBLY_S_PER_ORDER` per order, for what follows
the back-end's deadline: its last step, the prune pass, multi-day visits being completed,
and assembling the plan, whose reasons search where each unplanned order would fit.
Measured on the 2-core AMD EPYC (generated nights with a backlog, 30 s): 5,000 orders on
one day (333 technician-days) 2.7 s from the search's deadline to the plan, over five
days (1,665) 4.1 s, of which the prune pass 0.8 and 1.3 s; kept: 3.3 and 4.7 s (on the
Intel Xeon it had been 0.93 and 1.1 s, and 0.4 ms per order was kept: five days ended 2 s
late here)."""
_ASSEMBLY_MOST_SHARE = 0.3
"""Most of the time left after compiling that the reserve takes: under a short limit on
many orders a reserve by orders alone would leave the search no time to build its first
plan (5,000 orders at 5 s: 315 planned, and 12 s more to explain the rest)."""
_EXPLAIN_LEAST_S = 0.25
"""Seconds the reasons of unplanned orders get at least, even past the time limit;
until the limit they get what is left (what they reach after it is said without a
search: :mod:`optimizer.decode.reasons`)."""
_SUPPLY_SHARE = 0.1
"""Part of the time kept, where orders need parts or tools, for supplying the routes
(van stock, depot pickups) and inserting the orders that became free."""
_LINKS_SHARE = 0.05
"""Part of the time kept, where orders follow orders, for moving whole chains where
that costs less (see :mod:`optimizer.solvers.chains`)."""
_CREWS_SHARE = (0.1, 0.002, 0.4)
"""Part of the time kept, where visits need several technicians at once, for staffing
them (see :mod:`optimizer.solvers.crews`): 10%, plus 0.2% per crew, at most 40% (each
crew tries its starts with the core's completion, whose time grows with the orders)."""
_MULTI_DAY_SHARE = 0.05
"""Part of the time kept, where jobs are longer than a day, for adding them as multi-day
visits (see :mod:`optimizer.solvers.multi_day`)."""


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
        logger.info(
            "improved: %.2f with %d orders at %.2f s",
            cost,
            planned,
            seconds,
            extra={"event": "improved", "seconds": round(seconds, 3), "objective": cost, "planned": planned},
        )
        if self.callback is not None:
            self.callback(seconds, cost, planned)


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    solver: str | Solver | None = None,
    max_solutions: int | None = None,
    travel: TravelProvider | None = None,
    on_improvement: Callable[[float, float, int], None] | None = None,
) -> Plan:
    """Plan ``problem``: who does which order, in which sequence, at what time.

    Parameters
    ----------
    problem
        The orders, technicians and settings.
    options
        The back-end, time limit, seed and work limit (:class:`~optimizer.models.SolveOptions`);
        the keywords below override its fields one by one.
    time_limit
        Seconds for the whole call: compiling the instance (travel matrix included),
        the back-end (where orders need parts or tools, a tenth of its time goes to
        supplying the routes with van stock and depot pickups, see
        :mod:`optimizer.solvers.supply`) and assembling the plan, for which a reserve
        of 0.6 ms per order and 1 ms per technician-day is kept (at most 30% of what
        compiling leaves). One
        deadline is set here and every back-end asks it how much is left; a back-end
        may overrun it by a fraction of a second.
        Default 30 s, or none under a work limit.
    seed
        Random seed for back-ends that use one (PyVRP's search and the choice of parts
        the VROOM search re-solves; OR-tools routing has none).
    solver
        A registered back-end name (see ``optimizer.solvers.SOLVERS``) or an instance;
        ``"auto"`` picks PyVRP, or VROOM polished by OR-tools, by what the problem needs.
    max_solutions
        The work limit, for reproducible plans: improving solutions (OR-tools),
        iterations (PyVRP), parts tried (VROOM search); see the README's "Reproducibility".
    travel
        Travel provider; default: the one the problem's travel settings name.
    on_improvement
        Called with (seconds since the call began, objective, orders planned) each time
        the back-end holds a better plan (before the supply pass; the plan's final
        figures are in its KPIs). Each improvement is also logged (event ``improved``).
    """
    began = time.perf_counter()
    chosen = with_options(
        options,
        time_limit=time_limit,
        seed=seed,
        max_solutions=max_solutions,
        solver=solver if isinstance(solver, str) else None,
    )
    backend = solver if solver is not None and not isinstance(solver, str) else registered(chosen.solver)
    seconds = chosen.seconds()
    instance = compile_instance(problem, travel)
    compiled_s = time.perf_counter() - began
    if seconds is not None and compiled_s > seconds / 2:
        logger.warning(
            "building the travel matrix and the instance took %.1f s of the %.1f s time limit",
            compiled_s,
            seconds,
            extra={"event": "travel_slow", "seconds": round(compiled_s, 3), "time_limit": seconds},
        )
    reserve_s = (
        0.0
        if seconds is None
        else min(
            _ASSEMBLY_S_PER_ORDER * len(problem.orders) + _ASSEMBLY_S_PER_VEHICLE * instance.n_vehicles,
            _ASSEMBLY_MOST_SHARE * max(0.0, seconds - compiled_s),
        )
    )
    limits = SolveLimits(
        deadline=None if seconds is None else began + seconds - reserve_s,
        max_solutions=chosen.max_solutions,
        on_improvement=_Timeline(began, instance.is_pickup, on_improvement),
    )
    linked, crewed = has_links(instance), has_crews(instance)
    planned = without_helpers(instance) if crewed else instance  # the crew pass staffs the helpers
    searched = isinstance(backend, SupplyingSolver) and backend.plans_multi_day(planned)
    multi_day_pass = not instance.promises and bool(instance.multi_day_compatible.any()) and not searched
    pass_needed = instance.needs_supply and not (isinstance(backend, SupplyingSolver) and backend.supplies(planned))
    first, per_crew, most = _CREWS_SHARE
    crews_share = (
        min(most, first + per_crew * int(np.count_nonzero((instance.order_crew > 1) & (instance.order_lead < 0))))
        if crewed
        else 0.0
    )
    reserve = (
        (_SUPPLY_SHARE if pass_needed else 0.0)
        + (_MULTI_DAY_SHARE if multi_day_pass else 0.0)
        + (_LINKS_SHARE if linked else 0.0)
        + crews_share
    )
    result = backend.solve(planned, limits.share(1 - reserve) if reserve else limits, seed=chosen.seed)
    result = prune(instance, result)
    left = reserve  # the part of the time still kept, shared out phase by phase
    multi_day: dict[int, RouteSchedule] = result.multi_day  # where the back-end planned them
    if multi_day:
        instance = closed_days(instance, multi_day)
    if multi_day_pass:
        result, multi_day, instance = add_multi_day(instance, result, limits.share(_MULTI_DAY_SHARE / left))
        left -= _MULTI_DAY_SHARE
    if multi_day_pass and multi_day and result.supplied:
        # the work displaced by multi-day visits was re-inserted without pickups
        assert isinstance(backend, SupplyingSolver)
        result = backend.complete(instance, result)
    if instance.needs_supply and not result.supplied:
        result = supply(instance, result, limits.share(_SUPPLY_SHARE / left) if pass_needed else limits)
        left -= _SUPPLY_SHARE if pass_needed else 0.0
    if multi_day:
        result = with_multi_day(instance, result, multi_day)
    if linked:  # last but crews: nothing after them moves a visit without knowing its link
        result, instance = hold_links(instance, result, limits.share(_LINKS_SHARE / left))
        left -= _LINKS_SHARE
    if crewed:
        result, instance = staff_crews(instance, result, limits.share(crews_share / left))
    status = result.status
    if chosen.max_solutions is not None and limits.expired():
        status += "; the time limit ended the search before its work limit, so another run may differ"
        logger.warning(
            "the time limit ended the search before its work limit (%s solutions)",
            chosen.max_solutions,
            extra={"event": "work_limit_not_reached", "time_limit": seconds},
        )
    logger.info("solver %s: %s in %.2f s", backend.name, status, result.solve_s)
    info = SolverInfo(
        solver=backend.name,
        seed=chosen.seed,
        time_limit_s=seconds,
        solve_s=result.solve_s,
        status=status,
        solver_objective=result.objective,
    )
    explain_until = None if seconds is None else max(began + seconds, time.perf_counter() + _EXPLAIN_LEAST_S)
    plan = assemble_plan(problem, instance, result, info, explain_until=explain_until)
    return plan.model_copy(update={"info": info.model_copy(update={"total_s": time.perf_counter() - began})})


def with_options(options: SolveOptions | None, **given: Any) -> SolveOptions:
    """``options`` (default: :class:`~optimizer.models.SolveOptions`) with the fields in
    ``given`` that are not ``None`` set, validated."""
    base = options or SolveOptions()
    return SolveOptions.model_validate(base.model_dump() | {k: v for k, v in given.items() if v is not None})
