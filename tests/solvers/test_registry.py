"""The back-end registry and the one time budget every back-end shares."""

from __future__ import annotations

import math
import time
from typing import get_args

import pytest

from optimizer.models.settings import SolveOptions, SolverName
from optimizer.solvers import SOLVERS, SolveLimits, backend


def test_the_registry_names_exactly_the_solver_names() -> None:
    """Every name the options accept has a back-end, and no back-end lacks a name."""
    assert set(SOLVERS) == set(get_args(SolverName))


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_each_registered_back_end_is_built_by_name(name: str) -> None:
    made = backend(name)
    assert callable(made.solve) and made.name == name


def test_limits_need_a_deadline_or_a_work_limit() -> None:
    with pytest.raises(ValueError, match="deadline or a work limit"):
        SolveLimits.within(None)
    assert SolveLimits.within(None, max_solutions=5).left() == math.inf


def test_a_phase_shares_the_time_left_only_without_a_work_limit() -> None:
    """Split by time, a phase gets its fraction; under a work limit it keeps the whole
    deadline, so that the clock does not change where phases end."""
    timed = SolveLimits.within(100.0)
    phase = timed.share(0.25)
    assert phase.deadline is not None and timed.deadline is not None
    assert phase.deadline < timed.deadline and 20.0 < phase.left() <= 25.0
    worked = SolveLimits.within(100.0, max_solutions=10)
    assert worked.share(0.25).deadline == worked.deadline


def test_the_deadline_passes() -> None:
    limits = SolveLimits(deadline=time.perf_counter() - 1.0)
    assert limits.expired() and limits.left() == 0.0 and limits.seconds(floor=0.05) == 0.05


def test_the_default_time_limit_applies_only_without_a_work_limit() -> None:
    assert SolveOptions().seconds() == 30.0
    assert SolveOptions(max_solutions=10).seconds() is None
    assert SolveOptions(time_limit=3.0, max_solutions=10).seconds() == 3.0
