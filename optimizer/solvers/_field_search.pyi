"""Types of the compiled search core (optimizer/solvers/cpp/bindings.cpp)."""

from typing import Any

import numpy as np

ROUNDING: float
"""A better plan by less than this share of its cost is rounding, not progress."""

class Problem:
    """The arrays of :func:`optimizer.solvers.field_search.arrays`, copied into the core."""

    n_orders: int
    n_vehicles: int
    def __init__(self, arrays: dict[str, np.ndarray | int | float], by_destination: bool = True) -> None:
        """With ``by_destination``, also the travel matrix by destination, which a long
        search reads (a completion without search does without it: faster to build)."""

def route_cost(problem: Problem, vehicle: int, stops: list[int]) -> float:
    """The cost of one route in objective units (``inf`` where no schedule is feasible)."""

def solve(
    problem: Problem,
    initial: list[list[int]],
    seed: int,
    max_iterations: int,
    time_limit_s: float,
    start_temperature: float = 300.0,
    end_temperature: float = 1.0,
    mean_removed: float = 10.0,
    retry_near: int = 20,
    insert_left_out: bool = True,
    runs: list[int] = ...,
    jobs_first: bool = False,
    patience: int = -1,
) -> dict[str, Any]:
    """Search from ``initial`` (stops per vehicle) and ``runs`` (multi-day runs taken)
    until the work or time limit (-1: none), or ``patience`` iterations without a
    better plan (-1: never): ``routes``, ``runs`` (those taken), ``collections`` (what
    each pickup collects), ``cost``, ``iterations``, ``evaluations`` (routes timed),
    ``positions`` (insertion positions weighed), ``improvements``, ``timed_out``,
    ``converged`` (ended by ``patience``)."""
