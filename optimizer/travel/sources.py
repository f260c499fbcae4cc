"""The travel provider a problem's :class:`~optimizer.models.TravelSettings` name."""

from __future__ import annotations

from functools import lru_cache

from optimizer.models.settings import TravelSettings
from optimizer.travel.base import TravelProvider
from optimizer.travel.calibrate import CalibratedTravel
from optimizer.travel.haversine import HaversineTravel
from optimizer.travel.osrm import OsrmTravel


@lru_cache(maxsize=8)
def travel_provider(settings: TravelSettings) -> TravelProvider:
    """The provider for ``settings``; one per distinct settings in a process, so a road
    graph is read once however many problems (scenarios, re-plans) share it."""
    if settings.source == "osrm":
        assert settings.osrm_url is not None  # the settings' validator ensures it
        return OsrmTravel(
            settings.osrm_url,
            settings.osrm_profile,
            max_table_size=settings.osrm_max_table_size,
            max_snap_m=settings.max_snap_m,
        )
    if settings.source == "osm":
        from optimizer.travel.osm import OsmTravel  # pyosmium and scipy load only for road graphs

        assert settings.osm_file is not None
        return OsmTravel(settings.osm_file, max_snap_m=settings.max_snap_m)
    if settings.source == "calibrated":
        return CalibratedTravel(settings.detour_factor, settings.band_starts_km, settings.band_min_per_km)
    return HaversineTravel(settings.detour_factor, settings.speed_kmh)
