"""The cores one solve may use: the environment's share where a cluster set it, and the
same plan under a work limit whether our search's two searches run side by side or in turn."""

from __future__ import annotations

import os

import pytest

from optimizer.solvers.cores import CORES_VARIABLE, cores, threads
from optimizer.testing import problems as synthetic

from conftest import solve_checked


def test_cores_follow_the_variable_where_it_is_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CORES_VARIABLE, "1")
    assert (cores(), threads()) == (1, 1)
    monkeypatch.setenv(CORES_VARIABLE, "8")
    assert (cores(), threads(), threads(4)) == (8, 2, 4)
    for bad in ("0", "two", "", "-3"):
        monkeypatch.setenv(CORES_VARIABLE, bad)
        assert cores() == (os.cpu_count() or 1)


def test_the_search_gives_the_same_plan_on_one_core_or_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a work limit, the two searches of each round give the same plan whether they
    run side by side (two cores) or one after the other (one core)."""
    problem = synthetic.problem(40, 4, seed=5)
    monkeypatch.setenv(CORES_VARIABLE, "2")
    both = solve_checked(problem, solver="search", max_solutions=400, time_limit=None)
    monkeypatch.setenv(CORES_VARIABLE, "1")
    alone = solve_checked(problem, solver="search", max_solutions=400, time_limit=None)
    assert both.routes == alone.routes
