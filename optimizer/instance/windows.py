"""Compilation step "windows": when each order's service may start, in seconds.

Windows are padded arrays ``[O, W, 2]`` of (open, close) start times, ``-1`` where an
order has fewer than ``W`` windows, with the count per order beside them.
"""

from __future__ import annotations

import numpy as np

from optimizer.instance.arrays import IntArray
from optimizer.models import Problem
from optimizer.timeaxis import TimeAxis


def order_windows(
    problem: Problem, axis: TimeAxis, horizon_s: int, *, not_before_s: int | None
) -> tuple[IntArray, IntArray]:
    """Effective start windows [O, W, 2] in seconds: stated windows (or the whole
    horizon) clipped to the horizon, to the release time and to ``not_before_s`` (a
    re-plan's now); and the number of windows per order."""
    clipped: list[list[tuple[int, int]]] = []
    for order in problem.orders:
        spans = [(axis.seconds_from(w.start), axis.seconds(w.end)) for w in order.windows]
        spans = spans or [(0, horizon_s)]
        earliest = 0 if order.release is None else max(0, axis.seconds_from(order.release))
        earliest = max(earliest, not_before_s or 0)
        clipped.append(
            [(max(a, earliest), min(b, horizon_s)) for a, b in spans if max(a, earliest) <= min(b, horizon_s)]
        )
    width = max([1, *map(len, clipped)])
    windows = np.full((len(clipped), width, 2), -1, dtype=np.int64)
    for o, spans in enumerate(clipped):
        if spans:
            windows[o, : len(spans)] = spans
    return windows, np.array([len(s) for s in clipped], dtype=np.int64)


def clipped(windows: IntArray, lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """Start windows [O, W, 2] cut to ``[lo, hi]`` per order (windows outside dropped),
    and the number left per order."""
    opens, closes = windows[:, :, 0], windows[:, :, 1]
    keep = (opens >= 0) & (closes >= lo[:, None]) & (opens <= hi[:, None])
    cut = np.full_like(windows, -1)
    counts = keep.sum(axis=1)
    for o in np.flatnonzero(counts):
        spans = windows[o][keep[o]]
        spans[:, 0] = np.maximum(spans[:, 0], lo[o])
        spans[:, 1] = np.minimum(spans[:, 1], hi[o])
        cut[o, : len(spans)] = spans
    return cut, counts.astype(np.int64)
