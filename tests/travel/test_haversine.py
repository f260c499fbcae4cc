"""The great-circle travel model against geopy, and its matrices."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from geopy.distance import geodesic, great_circle

from optimizer.travel import HaversineTravel
from optimizer.travel.haversine import EARTH_RADIUS_M

Points = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def random_points_in_germany(count: int, seed: int = 2026) -> Points:
    """``count`` seeded random points in Germany's bounding box (lat, lon in degrees)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(47.3, 55.0, count), rng.uniform(5.9, 15.0, count)


def pairwise(measure, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A matrix of ``measure(p_i, p_j).m`` over all pairs of points, in metres."""
    points = list(zip(lat.tolist(), lon.tolist()))
    return np.array([[measure(a, b).m for b in points] for a in points])


@pytest.fixture(scope="module")
def germany() -> Points:
    """30 seeded random points in Germany."""
    return random_points_in_germany(30)


def test_haversine_without_detour_matches_geopy_great_circle(germany: Points):
    """With detour 1.0 the distances equal geopy's great-circle distances within 1 m."""
    matrix = HaversineTravel(detour_factor=1.0).matrix(*germany)

    reference = pairwise(great_circle, *germany)

    assert reference.max() > 500_000  # the sample spans long distances, not just a city
    np.testing.assert_allclose(matrix.distance_m, reference, rtol=0, atol=1.0)


def test_haversine_without_detour_matches_geopy_geodesic_within_half_percent(germany: Points):
    """The spherical distance stays within 0.5% of geopy's WGS84 ellipsoid distance."""
    matrix = HaversineTravel(detour_factor=1.0).matrix(*germany)

    reference = pairwise(geodesic, *germany)

    off_diagonal = ~np.eye(len(reference), dtype=bool)
    np.testing.assert_allclose(matrix.distance_m[off_diagonal], reference[off_diagonal], rtol=0.005)


def test_haversine_detour_and_speed_give_rounded_distance_and_duration(germany: Points):
    """At detour 1.3 and 40 km/h: metres = round(1.3 x great circle), seconds = metres / (40/3.6)."""
    matrix = HaversineTravel(detour_factor=1.3, speed_kmh=40.0).matrix(*germany)

    # geopy's default radius (6371.009 km) differs from the library's (6371.0088 km) by 0.2 m,
    # enough to flip a few roundings, so the reference uses the library's radius.
    def same_sphere(a, b):
        return great_circle(a, b, radius=EARTH_RADIUS_M / 1000)

    expected_m = np.vectorize(round)(1.3 * pairwise(same_sphere, *germany))
    assert np.array_equal(matrix.distance_m, expected_m)
    expected_s = np.rint(matrix.distance_m / (40 / 3.6))
    assert np.abs(matrix.duration_s - expected_s).max() <= 1


def test_haversine_known_distance_one_degree_of_latitude():
    """One degree of latitude on the 6,371,008.8 m sphere is 111,195 m; 1.3x at 40 km/h."""
    matrix = HaversineTravel().matrix([49.0, 50.0], [8.0, 8.0])

    assert matrix.distance_m.tolist() == [[0, 144_554], [144_554, 0]]
    assert matrix.duration_s.tolist() == [[0, 13_010], [13_010, 0]]


def test_haversine_matrix_is_int32_read_only_symmetric_with_zero_diagonal(germany: Points):
    """Both matrices are read-only int32, symmetric, with zeros on the diagonal."""
    matrix = HaversineTravel().matrix(*germany)

    assert matrix.size == 30
    for array in (matrix.distance_m, matrix.duration_s):
        assert array.dtype == np.int32
        assert array.shape == (30, 30)
        assert not array.flags.writeable
        assert np.array_equal(array, array.T)
        assert not np.diagonal(array).any()
        assert (array[~np.eye(30, dtype=bool)] > 0).all()
        with pytest.raises(ValueError, match="read-only"):
            array[0, 1] = 0


def test_haversine_builds_a_2000_point_matrix():
    """The vectorised computation builds a 2,000 x 2,000 matrix."""
    matrix = HaversineTravel().matrix(*random_points_in_germany(2_000, seed=1))

    assert matrix.duration_s.shape == (2_000, 2_000)
    assert matrix.distance_m.shape == (2_000, 2_000)
