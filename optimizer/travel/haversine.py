"""The default travel model: great-circle distance x detour factor at an average speed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.travel.base import TravelMatrix

EARTH_RADIUS_M = 6_371_009.0
"""Mean earth radius, metres: the radius of geopy's ``great_circle`` (6371.009 km)."""


def great_circle_m(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Pairwise great-circle distances in metres (haversine formula), shape (n, n)."""
    lat_a, lon_a = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    if lat_a.ndim != 1 or lat_a.shape != lon_a.shape:
        raise ValueError(f"need equal-length 1-d lat and lon, got {lat_a.shape} and {lon_a.shape}")
    phi, lam = np.radians(lat_a), np.radians(lon_a)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class HaversineTravel:
    """Great-circle distance x ``detour_factor``, driven at ``speed_kmh``.

    Distances are rounded to whole metres and durations to whole seconds.
    """

    detour_factor: float = 1.3
    speed_kmh: float = 40.0

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Travel between every pair of points, in one vectorised computation."""
        road_m = great_circle_m(lat, lon) * self.detour_factor
        duration_s = road_m / (self.speed_kmh / 3.6)
        return TravelMatrix(
            duration_s=np.rint(duration_s).astype(np.int32),
            distance_m=np.rint(road_m).astype(np.int32),
        )
