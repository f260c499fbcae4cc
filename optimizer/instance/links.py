"""Compilation step "links": orders that follow other orders (``Order.after``).

An order whose predecessor is still to plan keeps a link to it (the ``order_after*``
arrays); the back-ends plan it like any order and the chain pass
(:mod:`optimizer.solvers.chains`) makes the routes hold every link. Its windows are
cut to open no earlier than the predecessor could end at the soonest (its earliest
start, plus its shortest duration, plus the gap), which is true of every plan.

An order whose predecessor is done or under way (a re-plan's fixed stop) has no link
left: its windows are cut to ``[end + gap, end + after_max]`` of that visit as it was
reported, and :func:`optimizer.instance.remaining.remaining` gave it that visit's
technician where ``same_technician`` asks for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import NEVER_S, BoolArray, IntArray
from optimizer.instance.windows import clipped
from optimizer.models import Problem, StopKind
from optimizer.timeaxis import TimeAxis, utc


@dataclass(frozen=True)
class Links:
    """Per order (``[O]``): the order it follows (``-1``: none, or one no longer to
    plan), the seconds it starts at least and at most (``NEVER_S``: no bound) after
    that order's visit ends, and whether the same technician must serve both."""

    order_after: IntArray
    order_after_gap_s: IntArray
    order_after_max_s: IntArray
    order_same_technician: BoolArray


def fixed_ends(problem: Problem) -> dict[str, tuple[dt.datetime, str]]:
    """For each order a re-plan's fixed stops serve: when its visit ends (its last day's,
    for a visit over several days) and who serves it."""
    ends: dict[str, tuple[dt.datetime, str]] = {}
    for route in problem.progress.fixed if problem.progress else ():
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id:
                known = ends.get(stop.order_id)
                if known is None or utc(stop.end) > utc(known[0]):
                    ends[stop.order_id] = (stop.end, route.technician_id)
    return ends


def compile_links(left: Problem) -> Links:
    """The links among the orders left to plan."""
    index: dict[str, int] = {}
    for k, o in enumerate(left.orders):
        index.setdefault(o.id, k)  # a crew's lead, not its helpers
    n = len(left.orders)
    after = np.full(n, -1, dtype=np.int64)
    gap = np.zeros(n, dtype=np.int64)
    most = np.full(n, NEVER_S, dtype=np.int64)
    same = np.zeros(n, dtype=bool)
    for k, order in enumerate(left.orders):
        if order.after is not None and order.after.order_id in index:
            after[k] = index[order.after.order_id]
            gap[k] = round(60 * order.after.gap_min)
            most[k] = NEVER_S if order.after_max_min is None else round(60 * order.after_max_min)
            same[k] = order.same_technician
    return Links(after, gap, most, same)


def linked_windows(
    problem: Problem,
    left: Problem,
    axis: TimeAxis,
    windows: tuple[IntArray, IntArray],
    links: Links,
    shortest_s: IntArray,
) -> tuple[IntArray, IntArray]:
    """``windows`` (``[O, W, 2]`` and counts, of ``left``'s orders) cut for the links:
    after a done or running predecessor of ``problem``'s progress, within its gap and
    ``after_max``; after one still to plan, from its soonest end plus the gap.
    ``shortest_s`` [O] is each order's shortest duration over the technicians."""
    starts, counts = windows
    n = len(left.orders)
    lo = np.zeros(n, dtype=np.int64)
    hi = np.full(n, NEVER_S, dtype=np.int64)
    ends = fixed_ends(problem)
    for k, order in enumerate(left.orders):
        if order.after is not None and order.after.order_id in ends:
            end_s = axis.seconds_from(ends[order.after.order_id][0])
            lo[k] = end_s + round(60 * order.after.gap_min)
            if order.after_max_min is not None:
                hi[k] = end_s + round(60 * order.after_max_min)
    for k in _in_order(links.order_after):  # predecessors first: their bounds bound their followers
        before = int(links.order_after[k])
        soonest = _soonest(starts[before, : counts[before]], int(lo[before]), int(hi[before]))
        lo[k] = max(lo[k], soonest + int(shortest_s[before]) + int(links.order_after_gap_s[k]))
    return clipped(starts, lo, hi)


def _soonest(spans: IntArray, lo: int, hi: int) -> int:
    """The earliest start in ``spans`` ([k, 2]) cut to ``[lo, hi]`` (``NEVER_S``: none)."""
    opens = [max(int(a), lo) for a, b in spans.tolist() if max(int(a), lo) <= min(int(b), hi)]
    return min(opens, default=NEVER_S)


def _in_order(after: IntArray) -> list[int]:
    """The orders with a predecessor to plan, each after its own predecessor (links
    form no cycle: the problem's validation refuses them)."""
    depth = {}

    def level(k: int) -> int:
        if k not in depth:
            depth[k] = 0 if after[k] < 0 else level(int(after[k])) + 1
        return depth[k]

    linked = np.flatnonzero(after >= 0).tolist()
    return sorted(linked, key=level)
