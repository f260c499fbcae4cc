"""A local OSRM server: OSRM's programs found, a data set built from a map, a server
started on a free port, answering, and stopped."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest

from optimizer.exceptions import TravelError
from optimizer.travel import osrm_server as local_osrm

from conftest import GRID


def test_programs_and_profiles_are_found() -> None:
    folder = local_osrm.ensure_programs()
    assert folder == local_osrm.programs_folder()
    assert all(
        (folder / name).is_file() for name in ("osrm-extract", "osrm-partition", "osrm-customize", "osrm-routed")
    )
    assert local_osrm.profile_path("testbot").name == "testbot.lua"
    with pytest.raises(TravelError, match="profile 'no-such-profile' was not found"):
        local_osrm.profile_path("no-such-profile")


def test_the_programs_folder_named_by_the_environment_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OSRM_BIN wins where it holds every program; an incomplete folder is passed over."""
    real = local_osrm.programs_folder()
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    (incomplete / "osrm-routed").write_bytes(b"")
    monkeypatch.setenv(local_osrm.PROGRAMS_ENV, str(incomplete))
    assert local_osrm.programs_folder() == real
    complete = tmp_path / "complete"
    complete.mkdir()
    for name in ("osrm-extract", "osrm-partition", "osrm-customize", "osrm-routed"):
        (complete / name).write_bytes(b"")
    monkeypatch.setenv(local_osrm.PROGRAMS_ENV, str(complete))
    assert local_osrm.programs_folder() == complete


def test_the_installed_copy_lives_in_the_environment() -> None:
    assert local_osrm.installed_folder() == Path(sys.prefix) / "share" / "optimizer" / "osrm"


def test_a_built_data_set_is_served_until_stopped(grid_pbf: Path, tmp_path: Path) -> None:
    """The grid's south-west and north-east corners are 7 blocks apart by road."""
    dataset = local_osrm.build_dataset(grid_pbf, tmp_path / "osrm", "testbot", small_component_size=1)
    assert dataset == tmp_path / "osrm" / "grid.osrm" and list((tmp_path / "osrm").glob("grid.osrm*"))
    (south, west), (north, east) = GRID.node_lat_lon(0, 0), GRID.node_lat_lon(3, 4)
    with local_osrm.LocalServer(dataset) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        query = f"{server.url}/route/v1/driving/{west},{south};{east},{north}?overview=false"
        with urllib.request.urlopen(query, timeout=10) as reply:
            route = json.load(reply)["routes"][0]
        assert route["distance"] == pytest.approx(7 * GRID.edge_m(6_372_797.560856), abs=2)
        assert server.peak_rss_mb() > 0
    assert server.peak_rss_mb() == 0  # stopped
    with pytest.raises(OSError):
        urllib.request.urlopen(query, timeout=2)


def test_a_data_set_that_cannot_be_served_is_named(tmp_path: Path) -> None:
    with pytest.raises(TravelError, match=r"osrm-routed stopped at once on .*missing\.osrm"):
        local_osrm.LocalServer(tmp_path / "missing.osrm").start()


def test_a_map_that_cannot_be_built_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a map")
    with pytest.raises(TravelError, match=r"osrm-extract failed on .*broken\.osm\.pbf"):
        local_osrm.build_dataset(broken, tmp_path / "osrm", "testbot")
