"""Solver back-ends behind one interface (:class:`~optimizer.solvers.base.Solver`).

Each adapter module imports its library (OR-tools, PyVRP, VROOM, our compiled search
core) on first use only:
``import optimizer`` loads none of them. :func:`backend` makes a registered back-end
by name; :data:`SOLVERS` maps the names to their ``module:class``.
"""

from __future__ import annotations

from importlib import import_module

from optimizer.solvers.base import SolveLimits, Solver, SolveResult

SOLVERS: dict[str, str] = {
    "auto": "optimizer.solvers.portfolio:Portfolio",
    "legacy": "optimizer.solvers.portfolio:Legacy",
    "ortools": "optimizer.solvers.ortools_routing:OrToolsRouting",
    "pyvrp": "optimizer.solvers.pyvrp_search:PyVrpSearch",
    "insertion": "optimizer.solvers.insertion:CheapestInsertion",
    "vroom": "optimizer.solvers.vroom_search:VroomSearch",
    "repair": "optimizer.solvers.repair:Repair",
    "search": "optimizer.solvers.field_search:FieldSearch",
}
"""Back-ends by name, as accepted by ``optimizer.solve(solver=...)`` and the CLI (the
names of :data:`optimizer.models.settings.SolverName`)."""


def backend(name: str) -> Solver:
    """A new instance of the back-end registered as ``name`` (``KeyError`` if none)."""
    module, _, cls = SOLVERS[name].partition(":")
    made: Solver = getattr(import_module(module), cls)()
    return made


__all__ = ["SOLVERS", "SolveLimits", "SolveResult", "Solver", "backend"]
