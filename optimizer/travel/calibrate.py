"""Calibrate the great-circle travel model to real trips.

Given trips the user knows (historical drives, or a sample of road-network times), fit

* the detour factor: the median of road distance over great-circle distance (where
  distances are given; else the factor stays as given), and
* minutes per kilometre of road in distance bands (``bands_km``: the first 5 km of a
  trip, the next 15, the rest), so that short urban trips may be slower than long
  ones while a longer trip never takes less time than a shorter one,

by least squares on the durations; and report how well both the default model and
the fitted one match the trips. The result carries a :class:`CalibratedTravel`
provider and the equivalent settings: ``problem.with_changes(travel=result.settings)``
in Python, or the ``[travel]`` table :meth:`Calibration.toml` writes for a run
configuration (``optimizer calibrate --trips trips.csv``). Plan folders record them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.models.settings import TravelSettings
from optimizer.travel.base import TravelMatrix
from optimizer.travel.haversine import HaversineTravel, great_circle_m, haversine_m

TRIP_COLUMNS = ("from_lat", "from_lon", "to_lat", "to_lon", "duration_s")
"""Required columns of the trips frame (degrees, seconds); ``distance_m`` is optional."""
_FASTEST_MIN_PER_KM = 60 / 200
"""No band is fitted faster than 200 km/h."""


@dataclass(frozen=True)
class CalibratedTravel:
    """Great-circle distance x ``detour_factor``, driven at ``min_per_km[b]`` minutes per
    km for the part of the road distance in band ``b`` (bands start at ``band_starts_km``)."""

    detour_factor: float
    band_starts_km: tuple[float, ...]
    min_per_km: tuple[float, ...]

    def duration_s(self, road_m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Seconds for road distances ``road_m`` (metres)."""
        return 60 * _in_bands(road_m / 1000, self.band_starts_km) @ np.asarray(self.min_per_km)

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Travel between every pair of points."""
        road_m = great_circle_m(lat, lon) * self.detour_factor
        seconds = self.duration_s(road_m.reshape(-1)).reshape(road_m.shape)
        return TravelMatrix(duration_s=np.rint(seconds).astype(np.int32), distance_m=np.rint(road_m).astype(np.int32))


@dataclass(frozen=True)
class Calibration:
    """A fitted travel model and how well it, and the model it replaces, fit the trips.

    Errors are over the trips: mean absolute error in seconds, mean absolute
    percentage error, and the mean signed error (positive: the model is too slow).
    """

    travel: CalibratedTravel
    trips: int
    mae_s: float
    mape_pct: float
    bias_s: float
    before_mae_s: float
    before_mape_pct: float

    @property
    def settings(self) -> TravelSettings:
        """The fitted model as a problem's travel settings (``source = "calibrated"``)."""
        return TravelSettings(
            source="calibrated",
            detour_factor=round(self.travel.detour_factor, 4),
            band_starts_km=self.travel.band_starts_km,
            band_min_per_km=tuple(round(m, 4) for m in self.travel.min_per_km),
        )

    def toml(self) -> str:
        """The fitted model as the ``[travel]`` table of a run configuration."""
        travel = self.settings

        def numbers(values: tuple[float, ...]) -> str:
            return "[" + ", ".join(f"{v:g}" for v in values) + "]"

        return (
            f'[travel]\nsource = "calibrated"\ndetour_factor = {travel.detour_factor:g}\n'
            f"band_starts_km = {numbers(travel.band_starts_km)}\nband_min_per_km = {numbers(travel.band_min_per_km)}\n"
        )

    def __str__(self) -> str:
        speeds = ", ".join(
            f"from {a:g} km {60 / m:.1f} km/h" for a, m in zip(self.travel.band_starts_km, self.travel.min_per_km)
        )
        return (
            f"calibrated on {self.trips} trips: detour x{self.travel.detour_factor:.3f}, {speeds}; "
            f"mean error {self.mae_s:.0f} s ({self.mape_pct:.1f}%), bias {self.bias_s:+.0f} s; "
            f"the model it replaces: {self.before_mae_s:.0f} s ({self.before_mape_pct:.1f}%)"
        )


def calibrate(
    trips: pd.DataFrame,
    *,
    bands_km: tuple[float, ...] = (5.0, 20.0),
    before: HaversineTravel | None = None,
) -> Calibration:
    """Fit :class:`CalibratedTravel` to ``trips`` (columns :data:`TRIP_COLUMNS`, and
    ``distance_m`` if known); ``before`` is the model it replaces (default: 1.3 at
    40 km/h), whose detour factor is kept when no distances are given."""
    missing = [c for c in TRIP_COLUMNS if c not in trips.columns]
    if missing:
        raise ValueError(f"trips lack column(s) {', '.join(missing)}")
    before = before or HaversineTravel()
    data = trips.astype(dict.fromkeys(TRIP_COLUMNS, "float64"))
    gc_m = _pairwise_m(data["from_lat"], data["from_lon"], data["to_lat"], data["to_lon"])
    duration = data["duration_s"].to_numpy()
    usable = (gc_m > 1.0) & (duration > 0) & np.isfinite(duration)
    if usable.sum() < 3 * (len(bands_km) + 1):
        raise ValueError(f"need at least {3 * (len(bands_km) + 1)} trips longer than 1 m with a positive duration")
    gc_m, duration = gc_m[usable], duration[usable]
    detour = before.detour_factor
    if "distance_m" in data.columns:
        ratio = data["distance_m"].to_numpy(dtype=float)[usable] / gc_m
        detour = float(np.median(ratio[np.isfinite(ratio) & (ratio >= 1.0)])) if (ratio >= 1.0).any() else detour
    starts = (0.0, *bands_km)
    design = _in_bands(gc_m * detour / 1000, starts)
    occupied = design.any(axis=0)
    per_km = np.full(len(starts), np.nan)
    per_km[occupied] = np.linalg.lstsq(design[:, occupied], duration / 60, rcond=None)[0]
    per_km = _filled(per_km)
    fitted = CalibratedTravel(detour, starts, tuple(float(m) for m in np.maximum(per_km, _FASTEST_MIN_PER_KM)))
    guess = fitted.duration_s(gc_m * detour)
    old = gc_m * before.detour_factor / (before.speed_kmh / 3.6)
    return Calibration(
        travel=fitted,
        trips=int(usable.sum()),
        mae_s=float(np.mean(np.abs(guess - duration))),
        mape_pct=float(100 * np.mean(np.abs(guess - duration) / duration)),
        bias_s=float(np.mean(guess - duration)),
        before_mae_s=float(np.mean(np.abs(old - duration))),
        before_mape_pct=float(100 * np.mean(np.abs(old - duration) / duration)),
    )


def _pairwise_m(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series, lon2: pd.Series) -> npt.NDArray[np.float64]:
    """Great-circle metres between matching rows (as in the default model)."""
    return haversine_m(*(np.radians(c.to_numpy()) for c in (lat1, lon1, lat2, lon2)))


def _in_bands(km: npt.NDArray[np.float64], starts: tuple[float, ...]) -> npt.NDArray[np.float64]:
    """[n, B] kilometres of each distance that fall in each band."""
    lows = np.asarray(starts)
    highs = np.append(lows[1:], np.inf)
    return np.clip(km[:, None] - lows[None, :], 0.0, (highs - lows)[None, :])


def _filled(per_km: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Bands no trip reached take the pace of the nearest shorter band."""
    out = per_km.copy()
    for b in range(len(out)):
        if not np.isfinite(out[b]):
            out[b] = out[b - 1] if b else np.nanmean(per_km)
    return out
