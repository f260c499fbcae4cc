"""Halving technicians into territories: sizes, balance of work, determinism."""

from __future__ import annotations

import numpy as np

from optimizer.instance.partition import halves


def test_every_place_lands_in_exactly_one_part_of_at_most_size() -> None:
    """37 scattered places in parts of at most 8: a partition, no part too large."""
    rng = np.random.default_rng(4)
    lat, lon = 49.0 + rng.random(37), 8.0 + rng.random(37)
    parts = halves(lat, lon, 8)
    flat = np.concatenate(parts)
    assert sorted(flat.tolist()) == list(range(37))
    assert max(len(p) for p in parts) <= 8 and len(parts) >= 5


def test_the_cut_follows_the_wider_side() -> None:
    """Places along a west-east line are cut west from east, not north from south."""
    lon = np.linspace(8.0, 9.0, 8)
    lat = np.full(8, 49.5) + np.linspace(0.0, 0.01, 8)
    west, east = halves(lat, lon, 4)
    assert set(west.tolist()) == {0, 1, 2, 3} and set(east.tolist()) == {4, 5, 6, 7}


def test_the_cut_balances_work_over_capacity() -> None:
    """All the work sits in the east: the cut moves east so that the part holding
    the work has more technicians than a cut in the middle would give it."""
    lon = np.linspace(8.0, 9.0, 8)
    lat = np.full(8, 49.5)
    middle = halves(lat, lon, 4)
    weighted = halves(lat, lon, 7, work_lat=np.full(10, 49.5), work_lon=np.full(10, 8.95), work=np.ones(10))
    assert [len(p) for p in middle] == [4, 4]
    assert len(weighted) == 2 and len(weighted[1]) > len(weighted[0])


def test_the_same_input_gives_the_same_parts() -> None:
    rng = np.random.default_rng(9)
    lat, lon = 49.0 + rng.random(50), 8.0 + rng.random(50)
    first, second = halves(lat, lon, 6), halves(lat, lon, 6)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
