"""The travel provider that a problem's travel settings name."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.models import TravelSettings
from optimizer.travel import HaversineTravel, OsmTravel, OsrmTravel, travel_provider
from optimizer.travel.calibrate import CalibratedTravel


def test_the_default_is_the_great_circle_model_of_the_settings() -> None:
    assert travel_provider(TravelSettings()) == HaversineTravel(detour_factor=1.3, speed_kmh=40.0)
    assert travel_provider(TravelSettings(detour_factor=1.5, speed_kmh=30)) == HaversineTravel(1.5, 30.0)


def test_a_calibrated_model_keeps_its_bands() -> None:
    settings = TravelSettings(source="calibrated", detour_factor=1.2, band_starts_km=(0, 5), band_min_per_km=(2.0, 1.0))
    assert travel_provider(settings) == CalibratedTravel(1.2, (0.0, 5.0), (2.0, 1.0))


def test_an_osrm_server_gets_url_profile_table_size_and_snap_limit() -> None:
    settings = TravelSettings(
        source="osrm", osrm_url="http://127.0.0.1:9", osrm_profile="car", osrm_max_table_size=50, max_snap_m=200
    )
    provider = travel_provider(settings)
    assert isinstance(provider, OsrmTravel)
    assert (provider.url, provider.profile, provider.max_table_size, provider.max_snap_m) == (
        "http://127.0.0.1:9",
        "car",
        50,
        200,
    )


def test_a_map_file_gets_the_embedded_road_graph(tmp_path: Path) -> None:
    """The graph is read on first use only: naming a file is enough to build the provider."""
    provider = travel_provider(TravelSettings(source="osm", osm_file=tmp_path / "city.osm.pbf", max_snap_m=300))
    assert isinstance(provider, OsmTravel)
    assert (provider.pbf, provider.max_snap_m) == (tmp_path / "city.osm.pbf", 300)


def test_equal_settings_share_one_provider() -> None:
    """One provider per distinct settings, so a road graph is read once per process."""
    first = travel_provider(TravelSettings(source="osm", osm_file=Path("shared.osm.pbf")))
    assert travel_provider(TravelSettings(source="osm", osm_file=Path("shared.osm.pbf"))) is first
    assert travel_provider(TravelSettings(source="osm", osm_file=Path("other.osm.pbf"))) is not first


def test_incomplete_settings_are_refused_before_a_provider_is_made() -> None:
    with pytest.raises(ValueError, match="needs osrm_url"):
        TravelSettings(source="osrm")
    with pytest.raises(ValueError, match="needs osm_file"):
        TravelSettings(source="osm")
