"""The solver interface: a numeric instance and limits in, routes out.

Back-ends speak only in instance indices (vehicles and orders of
:class:`~optimizer.instance.Instance`); their own node or variable indices stay in
their module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from optimizer.instance import Instance


@dataclass(frozen=True)
class SolveLimits:
    """When a back-end must stop.

    ``time_limit_s`` bounds the whole ``solve`` call (model building included) in
    seconds of wall-clock time. ``max_solutions`` is a work limit in each back-end's
    own unit (OR-tools: improving solutions; PyVRP: iterations; VROOM search: parts
    re-solved), so that the same input and seed give the same plan on any machine.
    """

    time_limit_s: float = 30.0
    max_solutions: int | None = None
    on_improvement: Callable[[dict[int, tuple[int, ...]], float], None] | None = None
    """Called with routes and their full objective (cost units) whenever a back-end
    holds a better plan than before: the improvement timeline of logs and progress bars."""

    def improved(self, routes: dict[int, tuple[int, ...]], cost: float) -> None:
        """Tell ``on_improvement`` (if any) about a better plan."""
        if self.on_improvement is not None:
            self.on_improvement(routes, cost)

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be > 0")
        if self.max_solutions is not None and self.max_solutions < 1:
            raise ValueError("max_solutions must be >= 1")


@dataclass(frozen=True)
class Pickup:
    """What one pickup stop collects: (part index, units) pairs and tool indices."""

    parts: tuple[tuple[int, int], ...]
    tools: tuple[int, ...] = ()


@dataclass(frozen=True)
class SolveResult:
    """What a back-end found.

    ``routes`` maps a vehicle index to its stops in visiting sequence (only vehicles
    that serve something): orders, and depot pickups (stops ``>= n_orders``, see
    :class:`~optimizer.instance.Instance`).
    ``pickups`` says what each pickup collects, keyed by (vehicle, depot); the routing
    back-ends return orders only, and :mod:`optimizer.solvers.supply` adds the
    pickups. ``objective`` is the back-end's own value of the full objective in cost
    units (``None`` if it has none); the checker recomputes it.
    """

    routes: dict[int, tuple[int, ...]]
    objective: float | None
    status: str
    solve_s: float
    pickups: dict[tuple[int, int], Pickup] = field(default_factory=dict)


class Solver(Protocol):
    """A back-end. Holds configuration only; ``solve`` is pure."""

    name: str

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Routes for ``instance`` within ``limits``."""
        ...
