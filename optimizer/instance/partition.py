"""Halving places along the wider side of their extent: the one partitioner of
technicians into territories (regions planned apart, and the VROOM search's first
plan of very large instances)."""

from __future__ import annotations

import numpy as np

from optimizer.instance.arrays import FloatArray, IntArray


def halves(
    lat: FloatArray,
    lon: FloatArray,
    size: int,
    *,
    capacity: FloatArray | None = None,
    work_lat: FloatArray | None = None,
    work_lon: FloatArray | None = None,
    work: FloatArray | None = None,
) -> list[IntArray]:
    """Indices of the places (``lat``, ``lon``, degrees) in parts of at most ``size``:
    the set is halved along the wider side of its extent (longitude scaled by the
    cosine of the latitude), recursively. Each cut lies between two places, among the
    cuts between the set's quarters, where the ``work`` at (``work_lat``,
    ``work_lon``) on either side, over the ``capacity`` of the places there, is most
    nearly equal; without work it lies in the middle. Ties go to the first such cut,
    so the parts are the same on every run."""
    capacity = np.ones(len(lat)) if capacity is None else np.asarray(capacity, dtype=float)
    if work is None:
        work_lat, work_lon, work = np.empty(0), np.empty(0), np.empty(0)
    assert work_lat is not None and work_lon is not None
    return _halves(
        np.arange(len(lat)),
        np.arange(len(work)),
        np.asarray(lat, dtype=float),
        np.asarray(lon, dtype=float),
        capacity,
        np.asarray(work_lat, dtype=float),
        np.asarray(work_lon, dtype=float),
        np.asarray(work, dtype=float),
        max(1, size),
    )


def _halves(
    members: IntArray,
    jobs: IntArray,
    lat: FloatArray,
    lon: FloatArray,
    capacity: FloatArray,
    work_lat: FloatArray,
    work_lon: FloatArray,
    work: FloatArray,
    size: int,
) -> list[IntArray]:
    if members.size <= size:
        return [members]
    wide_lat = np.ptp(lat[members]) >= np.ptp(lon[members]) * np.cos(np.radians(lat[members].mean()))
    along = (lat if wide_lat else lon)[members]
    at = (work_lat if wide_lat else work_lon)[jobs]
    rank = np.argsort(along, kind="stable")
    places = along[rank]
    held = np.cumsum(capacity[members[rank]])
    by_place = np.argsort(at, kind="stable")
    work_before = np.concatenate([[0.0], np.cumsum(work[jobs][by_place])])
    best, best_cut = np.inf, members.size // 2
    if jobs.size:
        for cut in range(max(1, members.size // 4), members.size - members.size // 4 + 1):
            if cut >= members.size:
                break
            boundary = (places[cut - 1] + places[cut]) / 2
            left_work = work_before[np.searchsorted(at[by_place], boundary)]
            left = left_work / max(1e-9, held[cut - 1])
            right = (work_before[-1] - left_work) / max(1e-9, held[-1] - held[cut - 1])
            if abs(left - right) < best - 1e-12:
                best, best_cut = abs(left - right), cut
    boundary = (places[best_cut - 1] + places[best_cut]) / 2
    ordered = members[rank]
    west = at < boundary
    return _halves(ordered[:best_cut], jobs[west], lat, lon, capacity, work_lat, work_lon, work, size) + _halves(
        ordered[best_cut:], jobs[~west], lat, lon, capacity, work_lat, work_lon, work, size
    )
