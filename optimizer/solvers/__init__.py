"""Solver back-ends behind one interface (:class:`~optimizer.solvers.base.Solver`)."""

from optimizer.solvers.base import SolveLimits, SolveResult, Solver
from optimizer.solvers.ortools_routing import OrToolsRouting

SOLVERS: dict[str, type[Solver]] = {"ortools": OrToolsRouting}
"""Back-ends by name, as accepted by ``optimizer.solve(solver=...)`` and the CLI."""

__all__ = ["SOLVERS", "OrToolsRouting", "SolveLimits", "SolveResult", "Solver"]
