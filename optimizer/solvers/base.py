"""The solver interface: a numeric instance and limits in, routes out.

Back-ends speak only in instance indices (vehicles and orders of
:class:`~optimizer.instance.Instance`); their own node or variable indices stay in
their module.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from optimizer.instance import Instance

if TYPE_CHECKING:
    from optimizer.solvers.schedule import RouteSchedule


@dataclass(frozen=True)
class SolveLimits:
    """When a back-end must stop: one deadline and one work limit for the whole solve.

    ``deadline`` is a :func:`time.perf_counter` value (``None``: no time limit, the work
    limit alone stops the search); :func:`optimizer.solve` sets it once from the time
    limit and back-ends ask :meth:`left` how much is left, never recomputing it.
    ``max_solutions`` is a work limit in each back-end's own unit (OR-tools: improving
    solutions; PyVRP: iterations; VROOM search: parts re-solved). Under a work limit a
    back-end does not split its time between phases (:meth:`share` keeps the whole
    deadline), so that the same input and seed give the same plan on any machine
    unless the deadline itself ends the search.
    """

    deadline: float | None = None
    max_solutions: int | None = None
    on_improvement: Callable[[dict[int, tuple[int, ...]], float], None] | None = None
    """Called with routes and their full objective (cost units) whenever a back-end
    holds a better plan than before: the improvement timeline of logs and progress bars."""

    def __post_init__(self) -> None:
        if self.deadline is None and self.max_solutions is None:
            raise ValueError("a solve needs a deadline or a work limit (max_solutions)")
        if self.max_solutions is not None and self.max_solutions < 1:
            raise ValueError("max_solutions must be >= 1")

    @classmethod
    def within(
        cls,
        seconds: float | None,
        *,
        max_solutions: int | None = None,
        on_improvement: Callable[[dict[int, tuple[int, ...]], float], None] | None = None,
    ) -> SolveLimits:
        """Limits that end ``seconds`` from now (``None``: no deadline)."""
        deadline = None if seconds is None else time.perf_counter() + max(0.0, seconds)
        return cls(deadline=deadline, max_solutions=max_solutions, on_improvement=on_improvement)

    def left(self) -> float:
        """Seconds until the deadline (0 once it passed; ``inf`` without one)."""
        if self.deadline is None:
            return math.inf
        return max(0.0, self.deadline - time.perf_counter())

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.deadline is not None and time.perf_counter() >= self.deadline

    def seconds(self, floor: float = 0.01) -> float | None:
        """:meth:`left`, at least ``floor``, for a library that takes a timeout (``None``
        without a deadline)."""
        return None if self.deadline is None else max(floor, self.left())

    def share(self, fraction: float) -> SolveLimits:
        """The limits of a phase that may use ``fraction`` of the time left. Under a work
        limit (or without a deadline) the phase keeps the whole deadline: phases are
        then ended by their work, not by the clock."""
        if self.deadline is None or self.max_solutions is not None:
            return self
        return replace(self, deadline=time.perf_counter() + fraction * self.left())

    def capped(self, seconds: float) -> SolveLimits:
        """The limits of a phase that may use at most ``seconds`` (unchanged under a work
        limit, for the reason of :meth:`share`)."""
        if self.max_solutions is not None:
            return self
        cap = time.perf_counter() + seconds
        return replace(self, deadline=cap if self.deadline is None else min(self.deadline, cap))

    def improved(self, routes: dict[int, tuple[int, ...]], cost: float) -> None:
        """Tell ``on_improvement`` (if any) about a better plan."""
        if self.on_improvement is not None:
            self.on_improvement(routes, cost)


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
    ``pickups`` says what each pickup collects, keyed by (vehicle, depot); our search
    plans them itself (``supplied``), the peers' back-ends return orders only, and
    :mod:`optimizer.solvers.supply` adds the pickups. ``multi_day`` holds the parts of multi-day visits (vehicle -> its
    one-visit schedule; see :mod:`optimizer.solvers.multi_day`), outside ``routes``.
    ``objective`` is the back-end's own value of the full objective in cost units
    (``None`` if it has none); the checker recomputes it.
    """

    routes: dict[int, tuple[int, ...]]
    objective: float | None
    status: str
    solve_s: float
    pickups: dict[tuple[int, int], Pickup] = field(default_factory=dict)
    multi_day: dict[int, RouteSchedule] = field(default_factory=dict)
    supplied: bool = False
    """The back-end planned parts and tools itself (its routes hold their pickups and
    ``pickups`` says what each collects): no supply pass follows."""


class Solver(Protocol):
    """A back-end. Holds configuration only; ``solve`` is pure.

    A back-end that plans parts and pickups itself is a :class:`SupplyingSolver`.
    """

    name: str

    def solve(self, instance: Instance, limits: SolveLimits, *, seed: int = 0) -> SolveResult:
        """Routes for ``instance`` within ``limits``."""
        ...


@runtime_checkable
class SupplyingSolver(Solver, Protocol):
    """A back-end that plans parts, tools and depot pickups itself (our search)."""

    def supplies(self, instance: Instance) -> bool:
        """Whether it plans the pickups of ``instance`` (then :func:`optimizer.solve`
        keeps no time for the supply pass of :mod:`optimizer.solvers.supply`)."""
        ...

    def complete(self, instance: Instance, result: SolveResult) -> SolveResult:
        """Its own supplied ``result`` made whole again after multi-day visits changed
        its routes (the work they displaced was re-inserted without pickups)."""
        ...

    def plans_multi_day(self, instance: Instance) -> bool:
        """Whether it plans the multi-day visits of ``instance`` itself, in
        ``SolveResult.multi_day`` (then :func:`optimizer.solve` adds none after it)."""
        ...
