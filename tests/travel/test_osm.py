"""The embedded road graph (``OsmTravel``): how it reads OpenStreetMap tags, snaps,
caches, and how close it comes to OSRM's car profile on real extracts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import pytest

import optimizer.travel.osm as osm
from optimizer.exceptions import OffRoadError, TravelError
from optimizer.models import TravelSettings
from optimizer.travel import OsmTravel, OsrmTravel
from optimizer.travel.haversine import EARTH_RADIUS_M

from conftest import GRID, make_order, make_problem, make_technician, solve_checked

STEP_DEG = 0.001


STEP_M = EARTH_RADIUS_M * np.radians(STEP_DEG)


def loop(path: Path, tags: dict[str, str]) -> Path:
    """A street with ``tags`` from A (0, 0) east to C (0, 0.002), and a two-way
    residential detour back from C to A by the north: 2 blocks of 111 m against 4."""
    writer = osmium.SimpleWriter(str(path))
    places = {1: (0, 0), 2: (0, 1), 3: (0, 2), 4: (1, 0), 5: (1, 2)}  # node: (row, column)
    for node, (row, col) in places.items():
        writer.add_node(osmium.osm.mutable.Node(id=node, location=(col * STEP_DEG, row * STEP_DEG), version=1))
    writer.add_way(osmium.osm.mutable.Way(id=1, nodes=[1, 2, 3], tags=tags, version=1))
    writer.add_way(osmium.osm.mutable.Way(id=2, nodes=[3, 5, 4, 1], tags={"highway": "residential"}, version=1))
    writer.close()
    return path


def a_and_c(pbf: Path) -> tuple[int, int]:
    """Seconds from A to C and from C to A."""
    matrix = OsmTravel(pbf, cache_dir=False, junction_s=0.0).matrix([0.0, 0.0], [0.0, 2 * STEP_DEG])
    return int(matrix.duration_s[0, 1]), int(matrix.duration_s[1, 0])


def seconds(blocks: int, kmh: float) -> int:
    return round(blocks * STEP_M / (kmh / 3.6))


@pytest.mark.parametrize(
    ("tags", "kmh"),
    [
        ({"highway": "residential"}, 25.0),
        ({"highway": "primary"}, 65.0),
        ({"highway": "residential", "maxspeed": "50"}, 40.0),  # 80% of the posted speed, as OSRM's car profile
        ({"highway": "residential", "maxspeed": "30 mph"}, 30 * 1.609344 * 0.8),
    ],
)
def test_speed_by_class_or_posted_limit(tmp_path: Path, tags: dict[str, str], kmh: float) -> None:
    assert a_and_c(loop(tmp_path / "s.osm.pbf", tags)) == (seconds(2, kmh), seconds(2, kmh))


@pytest.mark.parametrize(
    ("tags", "kmh"),
    [
        ({"highway": "residential", "oneway": "yes"}, 25.0),
        ({"highway": "residential", "junction": "roundabout"}, 25.0),
        ({"highway": "motorway"}, 90.0),
    ],
)
def test_one_way_streets_have_no_way_back(tmp_path: Path, tags: dict[str, str], kmh: float) -> None:
    assert a_and_c(loop(tmp_path / "s.osm.pbf", tags)) == (seconds(2, kmh), seconds(4, 25.0))


def test_a_reverse_one_way_runs_against_its_nodes(tmp_path: Path) -> None:
    tags = {"highway": "residential", "oneway": "-1"}
    assert a_and_c(loop(tmp_path / "s.osm.pbf", tags)) == (seconds(4, 25.0), seconds(2, 25.0))


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "residential", "access": "private"},
        {"highway": "residential", "motor_vehicle": "no"},
        {"highway": "footway"},
        {"highway": "residential", "area": "yes"},
    ],
)
def test_ways_closed_to_cars_are_left_out(tmp_path: Path, tags: dict[str, str]) -> None:
    assert a_and_c(loop(tmp_path / "s.osm.pbf", tags)) == (seconds(4, 25.0), seconds(4, 25.0))


def test_a_map_without_roads_is_an_error(tmp_path: Path) -> None:
    writer = osmium.SimpleWriter(str(tmp_path / "paths.osm.pbf"))
    for node in (1, 2):
        writer.add_node(osmium.osm.mutable.Node(id=node, location=(node * STEP_DEG, 0.0), version=1))
    writer.add_way(osmium.osm.mutable.Way(id=1, nodes=[1, 2], tags={"highway": "footway"}, version=1))
    writer.close()
    with pytest.raises(TravelError, match=r"paths\.osm\.pbf has no drivable roads"):
        _ = OsmTravel(tmp_path / "paths.osm.pbf", cache_dir=False).graph


def test_one_way_on_the_grid(grid_pbf: Path) -> None:
    lat, lon = zip(GRID.node_lat_lon(0, 0), GRID.node_lat_lon(0, 1))
    seconds = OsmTravel(grid_pbf, speeds_kmh={"residential": 36.0}, junction_s=0.0, cache_dir=False).matrix(lat, lon)
    edge_s = GRID.edge_m() / 10.0  # 36 km/h = 10 m/s
    assert seconds.duration_s[0, 1] == round(edge_s)  # along row 0, eastwards
    assert seconds.duration_s[1, 0] == round(3 * edge_s)  # down, west, up


def test_junctions_cost_time(grid_pbf: Path) -> None:
    lat, lon = zip(GRID.node_lat_lon(2, 0), GRID.node_lat_lon(2, 3))  # three blocks along row 2
    plain = OsmTravel(grid_pbf, junction_s=0.0, cache_dir=False).matrix(lat, lon).duration_s[0, 1]
    slowed = OsmTravel(grid_pbf, junction_s=5.0, cache_dir=False).matrix(lat, lon).duration_s[0, 1]
    assert slowed - plain == 15  # three junctions entered, the destination's included


def test_places_snap_to_the_nearest_node_within_the_limit(grid_pbf: Path) -> None:
    lat, lon = GRID.node_lat_lon(1, 1)
    nudged = OsmTravel(grid_pbf, cache_dir=False).matrix([lat, lat + 0.0002], [lon, lon])  # 22 m off the junction
    assert nudged.duration_s[0, 1] == nudged.duration_s[1, 0] == 0
    with pytest.raises(OffRoadError) as raised:
        OsmTravel(grid_pbf, max_snap_m=10, cache_dir=False).matrix([lat, lat + 0.0002], [lon, lon])
    assert [p.index for p in raised.value.points] == [1]
    assert raised.value.points[0].snap_m == pytest.approx(22.2, abs=0.5)


def test_a_missing_or_broken_map_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(TravelError, match=r"cannot read the map .*nowhere\.osm\.pbf"):
        _ = OsmTravel(tmp_path / "nowhere.osm.pbf", cache_dir=False).graph
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a map")
    with pytest.raises(TravelError, match=r"cannot read the map .*broken\.osm\.pbf"):
        _ = OsmTravel(broken, cache_dir=False).graph


def test_the_graph_is_cached(grid_pbf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon = zip(GRID.node_lat_lon(0, 0), GRID.node_lat_lon(3, 4))
    first = OsmTravel(grid_pbf, cache_dir=tmp_path).matrix(lat, lon)
    assert len(list((tmp_path / "osm").glob("*.npz"))) == 1

    def unread(*_: object) -> None:
        raise AssertionError("the map was read again")

    monkeypatch.setattr(osm, "road_graph", unread)
    again = OsmTravel(grid_pbf, cache_dir=tmp_path).matrix(lat, lon)
    np.testing.assert_array_equal(again.duration_s, first.duration_s)
    with pytest.raises(AssertionError, match="read again"):  # other speeds: another graph
        OsmTravel(grid_pbf, speeds_kmh={"residential": 30.0}, cache_dir=tmp_path).matrix(lat, lon)


AGREEMENT = {"duration": (0.85, 1.15), "distance": (0.97, 1.03)}
"""Bounds on the median, over all pairs of places, of embedded / OSRM travel."""


@pytest.mark.parametrize("extract", ["helsinki", "kouvola"])
def test_the_embedded_graph_agrees_with_osrm_on_real_roads(
    extract: str,
    request: pytest.FixtureRequest,
) -> None:
    if extract == "helsinki":
        pbf, url = request.getfixturevalue("helsinki_pbf"), request.getfixturevalue("helsinki_osrm")
    else:
        pbf, url = request.getfixturevalue("kouvola_pbf"), request.getfixturevalue("kouvola_osrm")
    graph = OsmTravel(pbf, cache_dir=False).graph
    pick = np.random.default_rng(3).choice(graph.nodes, 150, replace=False)
    lat, lon = graph.lat[pick], graph.lon[pick]
    ours = OsmTravel(pbf, cache_dir=False).matrix(lat, lon)
    theirs = OsrmTravel(url, max_table_size=1000, cache_dir=False).matrix(lat, lon)
    far = theirs.distance_m > 300  # apart by more than a block
    for name, (low, high) in AGREEMENT.items():
        ratio = (
            getattr(ours, f"{name}_s" if name == "duration" else f"{name}_m")[far]
            / getattr(theirs, f"{name}_s" if name == "duration" else f"{name}_m")[far]
        )
        assert low <= np.median(ratio) <= high, (name, np.median(ratio))
    assert (np.diag(ours.duration_s) == 0).all()
    assert (ours.duration_s[far] > 0).all()


def test_a_plan_on_the_embedded_graph_is_checked_on_it(helsinki_pbf: Path, helsinki_points: tuple) -> None:
    lat, lon = helsinki_points
    travel = TravelSettings(source="osm", osm_file=helsinki_pbf)
    orders = [make_order(f"O{k}", lat=float(lat[k]), lon=float(lon[k]), duration_min=30) for k in range(1, 13)]
    technicians = [make_technician(f"T{k}", lat=float(lat[-k]), lon=float(lon[-k])) for k in (1, 2)]
    plan = solve_checked(make_problem(orders, technicians, travel=travel))
    assert plan.kpis.orders_planned == 12
    road = OsmTravel(helsinki_pbf).matrix(lat, lon)
    route = plan.routes[0]
    first = route.stops[1]  # after leaving home
    tech, order = int(route.technician_id[1:]), int(first.order_id[1:])
    assert first.travel_min * 60 == pytest.approx(road.duration_s[lat.size - tech, order], abs=1)
    assert first.travel_km * 1000 == pytest.approx(road.distance_m[lat.size - tech, order], abs=1)
