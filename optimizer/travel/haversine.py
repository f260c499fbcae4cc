"""The default travel model: great-circle distance x detour factor at an average speed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.travel.base import TravelMatrix

EARTH_RADIUS_M = 6_371_009.0
"""Mean earth radius, metres: the radius of geopy's ``great_circle`` (6371.009 km)."""


_BLOCK_CELLS = 1 << 22
"""Matrix cells computed at once (float64 temporaries of 32 MB each), so that a
10,000-point matrix needs little more memory than its int32 result."""


def great_circle_m(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Pairwise great-circle distances in metres (haversine formula), shape (n, n)."""
    phi, lam = _radians(lat, lon)
    return _rows_m(phi, lam, slice(None))


def _radians(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    lat_a, lon_a = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    if lat_a.ndim != 1 or lat_a.shape != lon_a.shape:
        raise ValueError(f"need equal-length 1-d lat and lon, got {lat_a.shape} and {lon_a.shape}")
    return np.radians(lat_a), np.radians(lon_a)


def _rows_m(phi: npt.NDArray[np.float64], lam: npt.NDArray[np.float64], rows: slice) -> npt.NDArray[np.float64]:
    """Great-circle distances in metres from the points ``rows`` to every point."""
    return haversine_m(phi[rows, None], lam[rows, None], phi[None, :], lam[None, :])


def haversine_m(
    phi1: npt.NDArray[np.float64],
    lam1: npt.NDArray[np.float64],
    phi2: npt.NDArray[np.float64],
    lam2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle metres between points given in radians (arrays broadcast)."""
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class HaversineTravel:
    """Great-circle distance x ``detour_factor``, driven at ``speed_kmh``.

    Distances are rounded to whole metres and durations to whole seconds.
    """

    detour_factor: float = 1.3
    speed_kmh: float = 40.0

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Travel between every pair of points, vectorised over blocks of rows."""
        phi, lam = _radians(lat, lon)
        n = phi.size
        duration_s = np.empty((n, n), dtype=np.int32)
        distance_m = np.empty((n, n), dtype=np.int32)
        step = max(1, _BLOCK_CELLS // max(1, n))
        for first in range(0, n, step):
            rows = slice(first, min(n, first + step))
            road_m = _rows_m(phi, lam, rows) * self.detour_factor
            distance_m[rows] = np.rint(road_m)
            duration_s[rows] = np.rint(road_m / (self.speed_kmh / 3.6))
        duration_s.setflags(write=False)
        distance_m.setflags(write=False)
        return TravelMatrix(duration_s=duration_s, distance_m=distance_m)
