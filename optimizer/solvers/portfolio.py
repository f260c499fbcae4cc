"""The default back-end: picks the strongest search for what the problem needs.

* Problems PyVRP models exactly (no lunch breaks, no SLA due time inside a window, one
  window per order, no priced overtime, every technician able to serve every order):
  PyVRP's hybrid genetic search, the state of the art for VRPTW.
* Everything else: OR-tools routing with the full field-service model, started from the
  better of the urgency-first insertion and OR-tools' own first solution.

Both are judged by the same checker and objective; ``SolveResult.status`` names the
back-end used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.ortools_routing import OrToolsRouting
from optimizer.solvers.pyvrp_hgs import PyVrpHgs, unsupported


@dataclass(frozen=True)
class Portfolio:
    """Chooses PyVRP or OR-tools per instance."""

    name: str = "auto"
    routing: OrToolsRouting = field(default_factory=OrToolsRouting)
    genetic: PyVrpHgs = field(default_factory=PyVrpHgs)

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Solve with the back-end that models ``instance`` best."""
        backend = self.genetic if unsupported(instance) is None else self.routing
        result = backend.solve(instance, limits, seed=seed)
        return replace(result, status=f"{backend.name}: {result.status}")
