"""Solver back-ends behind one interface (:class:`~optimizer.solvers.base.Solver`)."""

from optimizer.solvers.base import SolveLimits, SolveResult, Solver
from optimizer.solvers.insertion import CheapestInsertion
from optimizer.solvers.ortools_routing import OrToolsRouting
from optimizer.solvers.portfolio import Portfolio
from optimizer.solvers.pyvrp_search import PyVrpSearch
from optimizer.solvers.repair import Repair
from optimizer.solvers.vroom_search import VroomSearch

SOLVERS: dict[str, type[Solver]] = {
    "auto": Portfolio,
    "ortools": OrToolsRouting,
    "pyvrp": PyVrpSearch,
    "insertion": CheapestInsertion,
    "vroom": VroomSearch,
    "repair": Repair,
}
"""Back-ends by name, as accepted by ``optimizer.solve(solver=...)`` and the CLI."""

__all__ = ["SOLVERS", "CheapestInsertion", "OrToolsRouting", "Portfolio", "PyVrpSearch", "Repair", "SolveLimits", "VroomSearch", "SolveResult", "Solver"]
