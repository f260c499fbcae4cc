"""The default back-end: picks the strongest search for what the problem needs.

* Re-plans (orders with promised visits): the warm-started repair of
  :mod:`optimizer.solvers.repair` (the promised routes kept where they still work, the
  rest inserted, their pickups added) for part of the time, then our own search from
  its plan for the rest; the repair's plan is kept where the search finds nothing
  cheaper, so a re-plan never costs more than the repair's. Both price changes to
  promises (the stability weights) as part of every route's cost.
* Problems PyVRP models exactly (no lunch breaks, no SLA due time inside a window, one
  window per order, no parts or tools to fetch, no efficiency factors or day limits,
  no preferences and no fair-days weight; shifts, priced overtime, capacities and
  technician-order restrictions are fine): PyVRP's search, the state of the art for
  VRPTW, one run per core (up to two).
* Everything else: our own search (:mod:`optimizer.solvers.field_search`), which
  prices the exact objective with every rule, on every core for the whole time.

``legacy`` (the back-end ``legacy``) keeps the chain used before our search existed,
for comparison: VROOM on its approximation of the problem (due times as deadlines,
priorities for the unplanned costs; see :mod:`optimizer.solvers.vroom_search`) on
every core for up to ``share`` of the time, its routes re-timed by our scheduler and
topped up by the insertion; then OR-tools routing with the full field-service model
polishes them for the rest of the time.

Measured on generated field-service instances (``benchmarks/RESULTS.md``), our search
beats that chain at 300 and 1,000 orders; all are judged by the same checker and
objective; ``SolveResult.status`` names the back-ends used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.field_search import FieldSearch
from optimizer.solvers.ortools_routing import OrToolsRouting
from optimizer.solvers.pyvrp_search import PyVrpSearch, models_exactly
from optimizer.solvers.repair import Repair
from optimizer.solvers.supply import supply
from optimizer.solvers.vroom_search import VroomSearch

_REPAIR_SHARE = 0.4
"""Part of a re-plan's time for the repair, whose exchanges go on to the deadline where
many orders are left over (a backlog); the search gets the rest."""
_TOP_UP_SHARE = 0.5
"""Part of what the repair leaves for supplying its routes and inserting the orders it
left out, where orders need parts or tools."""
_POLISH_S_PER_ORDER = 0.01
"""Polish only with at least this many seconds per plannable order: OR-tools takes 1-5 s
just to read a start of 1,000 orders, and its first moves on large models are slow."""


@dataclass(frozen=True)
class Portfolio:
    """Chooses the back-end per instance: repair, PyVRP or our search (``legacy``:
    VROOM and OR-tools in place of our search)."""

    name: str = "auto"
    legacy: bool = False
    search: FieldSearch = field(default_factory=FieldSearch)
    routing: PyVrpSearch = field(default_factory=PyVrpSearch)
    start: VroomSearch = field(default_factory=VroomSearch)
    polish: OrToolsRouting = field(default_factory=OrToolsRouting)
    repair: Repair = field(default_factory=Repair)
    share: float = 0.85
    """Part of the time for VROOM's start; the rest polishes."""

    def supplies(self, instance: Instance) -> bool:
        """Whether the back-end chosen for ``instance`` plans its parts and pickups (our search)."""
        if self.legacy:
            return False
        return bool(instance.promises) or not models_exactly(instance) or instance.needs_supply

    def plans_multi_day(self, instance: Instance) -> bool:
        """Whether the back-end chosen for ``instance`` plans its multi-day visits: our
        search, where it is chosen and plans them (not in a re-plan)."""
        searched = not self.legacy and not instance.promises
        return searched and not (models_exactly(instance) and not instance.needs_supply)

    def complete(self, instance: Instance, result: SolveResult) -> SolveResult:
        """A supplied ``result`` changed outside the search, made whole again by our search
        (:meth:`FieldSearch.complete`)."""
        return self.search.complete(instance, result)

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Solve with the back-ends that model ``instance`` best."""
        began = time.perf_counter()
        if instance.promises:
            if self.legacy:
                first = self.repair.solve(instance, limits, seed=seed)
                return replace(first, status=f"{self.repair.name}: {first.status}")
            first = self.repair.solve(instance, limits.share(_REPAIR_SHARE), seed=seed)
            if limits.expired():  # supplied after, like any back-end's routes
                return replace(first, status=f"{self.repair.name}: {first.status}")
            if instance.needs_supply:  # the repair's plan as it would be kept: supplied and topped up
                first = replace(supply(instance, first, limits.share(_TOP_UP_SHARE)), supplied=True)
            result = self.search.improve(instance, first.routes, limits, seed=seed)
            if (
                first.objective is not None
                and result.objective is not None
                and first.objective < result.objective - 1e-9
            ):
                result = replace(first, status=f"{first.status}; the search found nothing cheaper")
            return replace(
                result,
                status=f"{self.repair.name} ({first.status}), then {self.search.name}: {result.status}",
                solve_s=time.perf_counter() - began,
            )
        if models_exactly(instance) and not instance.needs_supply:
            result = self.routing.solve(instance, limits, seed=seed)
            return replace(result, status=f"{self.routing.name}: {result.status}")
        if not self.legacy:
            result = self.search.solve(instance, limits, seed=seed)
            return replace(result, status=f"{self.search.name}: {result.status}")

        needed_s = _POLISH_S_PER_ORDER * int(instance.compatible.any(axis=0).sum())
        timed = limits.max_solutions is None  # under a work limit, work (not time) decides
        if timed and (1 - self.share) * limits.left() < needed_s:
            first = self.start.solve(instance, limits, seed=seed)
            return replace(first, status=f"{self.start.name} ({first.status}), no time to polish")
        first = self.start.solve(instance, limits.share(self.share), seed=seed)
        if limits.expired() or (timed and limits.left() < needed_s):
            return replace(first, status=f"{self.start.name} ({first.status}), no time left to polish")
        polished = self.polish.improve(instance, first.routes, limits)
        return replace(
            polished,
            status=f"{self.start.name} ({first.status}): {first.objective:.1f}; "
            f"polished by {self.polish.name} ({polished.status}): {polished.objective:.1f}",
            solve_s=time.perf_counter() - began,
        )


@dataclass(frozen=True)
class Legacy(Portfolio):
    """The portfolio as it was before our search: VROOM then OR-tools for field service
    (name ``legacy``)."""

    name: str = "legacy"
    legacy: bool = True
