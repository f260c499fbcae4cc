"""One time budget for regions planned apart: shares by work, and an absolute deadline.

``optimizer plan --time-limit T --workers N`` promises a written plan within ``T``
seconds of wall time. The regions share what is left after reading (and before
merging, checking and writing) by their work, orders x technician-days, over the
worker slots the cluster actually has: where there are no more regions than slots,
each region gets all of it; otherwise a region's share is its part of the slots'
seconds, so that the queue ends in time. Every task also carries the absolute
deadline (wall-clock, :func:`time.time`; the workers of one machine share the clock,
those of a cluster must keep theirs in sync) and never solves past it, however late
it starts: a task queued behind a slow one gets what is left, not its share.
"""

from __future__ import annotations

import time

from optimizer.models import Problem, SolveOptions
from optimizer.solve import with_options

MIN_REGION_S = 1.0
"""The least a region is given: below it a task is not worth starting (no second
chance, no retry), and a task that starts after the deadline still gets it."""


def work(problem: Problem) -> float:
    """A region's work: its orders x its technician-days (at least 1)."""
    days = sum(1 for technician in problem.technicians for day in problem.dates if technician.works_on(day))
    return float(max(1, len(problem.orders)) * max(1, days))


def shares(works: list[float], slots: int, seconds: float) -> list[float]:
    """Seconds for each region of ``works`` so that all of them, run on ``slots``
    parallel slots, end within ``seconds``: each gets ``seconds`` where they all run at
    once, else its part of ``slots x seconds`` by work (at most ``seconds``, at least
    :data:`MIN_REGION_S`)."""
    if len(works) <= slots:
        return [seconds] * len(works)
    total = sum(works)
    return [min(seconds, max(MIN_REGION_S, seconds * slots * w / total)) for w in works]


def cut(options: SolveOptions, until: float) -> SolveOptions:
    """``options`` with the time limit cut to end by the wall-clock instant ``until``
    (at least :data:`MIN_REGION_S`): what a region's task solves with when it starts."""
    left = max(MIN_REGION_S, until - time.time())
    limit = left if options.time_limit is None else min(options.time_limit, left)
    return with_options(options, time_limit=limit)
