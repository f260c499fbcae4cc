"""Point bookkeeping of the road providers: distinct places and places cut off."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.travel.points import cut_off, distinct_points


def test_distinct_places_keep_the_order_of_first_appearance() -> None:
    """Places repeat (an order at a technician's home); the inverse maps each point to its place."""
    lat = [49.5, 49.1, 49.5, 49.3, 49.1]
    lon = [8.5, 8.1, 8.5, 8.3, 8.1]
    places_lat, places_lon, inverse = distinct_points(lat, lon)
    assert places_lat.tolist() == [49.5, 49.1, 49.3] and places_lon.tolist() == [8.5, 8.1, 8.3]
    assert inverse.tolist() == [0, 1, 0, 2, 1]
    np.testing.assert_array_equal(places_lat[inverse], lat)


def test_points_equal_at_six_decimals_are_one_place() -> None:
    """0.0000001 degrees (about a centimetre) apart: one place; 0.000002 apart: two."""
    places_lat, _, inverse = distinct_points([49.1234561, 49.1234564, 49.123458], [8.0, 8.0, 8.0])
    assert inverse.tolist() == [0, 0, 1]
    assert places_lat.tolist() == [49.123456, 49.123458]


def test_lat_and_lon_must_pair_up() -> None:
    with pytest.raises(ValueError, match="equal-length 1-d lat and lon"):
        distinct_points([49.0, 49.1], [8.0])
    with pytest.raises(ValueError, match="equal-length 1-d lat and lon"):
        distinct_points([[49.0]], [[8.0]])


def test_places_outside_the_largest_strongly_connected_group_are_cut_off() -> None:
    """Places 0-2 reach one another; 3 can be reached but not left (a dead-end one-way);
    4 reaches nothing and nothing reaches it."""
    reachable = np.eye(5, dtype=bool)
    for i in range(3):
        for j in range(3):
            reachable[i, j] = True
    reachable[0, 3] = True
    assert cut_off(reachable).tolist() == [3, 4]
    assert cut_off(np.ones((3, 3), dtype=bool)).tolist() == []
    assert cut_off(np.zeros((0, 0), dtype=bool)).tolist() == []
