"""The one time budget every back-end shares (``SolveLimits``)."""

from __future__ import annotations

import math
import time

import pytest

from optimizer.solvers import SolveLimits


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
