"""A travel provider backed by a matrix computed elsewhere: sub-matrices, repeated and
unknown points, mismatched shapes."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.travel import PrecomputedTravel

ZERO_2 = np.zeros((2, 2))


def test_precomputed_returns_sub_matrix_in_requested_order():
    """A subset of the points, in any order, gets the matching rows and columns."""
    lat, lon = [49.0, 49.1, 49.2, 49.3], [8.0, 8.1, 8.2, 8.3]
    duration = np.arange(16).reshape(4, 4) * (1 - np.eye(4, dtype=int))
    distance = duration * 10
    travel = PrecomputedTravel(lat, lon, duration, distance)

    matrix = travel.matrix([49.3, 49.0, 49.2], [8.3, 8.0, 8.2])

    assert matrix.duration_s.tolist() == [[0, 12, 14], [3, 0, 2], [11, 8, 0]]
    assert matrix.distance_m.tolist() == [[0, 120, 140], [30, 0, 20], [110, 80, 0]]
    assert matrix.duration_s.dtype == np.int32


def test_precomputed_repeated_point_reuses_its_row():
    """A point asked for twice (an order at a technician's home) gets the same row twice."""
    travel = PrecomputedTravel([1.0, 2.0], [3.0, 4.0], [[0, 7], [9, 0]], [[0, 70], [90, 0]])

    matrix = travel.matrix([1.0, 2.0, 1.0], [3.0, 4.0, 3.0])

    assert matrix.duration_s.tolist() == [[0, 7, 0], [9, 0, 9], [0, 7, 0]]


def test_precomputed_unknown_point_raises_key_error_naming_it():
    """Asking for a point the matrix does not hold raises KeyError with its coordinates."""
    travel = PrecomputedTravel([1.0, 2.0], [3.0, 4.0], [[0, 7], [9, 0]], [[0, 70], [90, 0]])

    with pytest.raises(KeyError, match=r"point \(5\.0, 6\.0\) is not in the precomputed matrix"):
        travel.matrix([1.0, 5.0], [3.0, 6.0])


@pytest.mark.parametrize(
    ("lat", "lon", "duration", "distance", "message"),
    [
        pytest.param([1.0], [3.0], ZERO_2, ZERO_2, "one coordinate pair per", id="too-few-points"),
        pytest.param([1.0, 2.0], [3.0], ZERO_2, ZERO_2, "one coordinate pair per", id="lon-short"),
        pytest.param([1.0, 2.0], [3.0, 4.0], ZERO_2, np.zeros((3, 3)), "differ in shape", id="matrices-differ"),
        pytest.param([1.0, 2.0], [3.0, 4.0], np.zeros((2, 3)), np.zeros((2, 3)), "square", id="not-square"),
    ],
)
def test_precomputed_rejects_mismatched_shapes(lat, lon, duration, distance, message: str):
    """Coordinates and matrices must agree in size, and the matrices must be square."""
    with pytest.raises(ValueError, match=message):
        PrecomputedTravel(lat, lon, duration, distance)
