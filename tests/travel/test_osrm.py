"""The OSRM provider against real ``osrm-routed`` servers: exact travel on a synthetic
grid whose shortest paths are known by hand, blocks, snapping, retries and the cache.

Failures are injected by a small relay between the client and the real server (it
answers 503 a given number of times, then passes requests on), not by a mock server.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from optimizer.exceptions import OffRoadError, TravelError
from optimizer.travel import OsmTravel, OsrmTravel
from optimizer.travel.haversine import great_circle_m

from conftest import GRID, GRID_SPEEDS_KMH

CORNERS = [(0, 0), (0, 3), (1, 0), (2, 0), (3, 4)]
"""Grid junctions (row, column) the exact tests travel between."""

HOPS = np.array(
    [
        [0, 3, 1, 10, 7],
        [5, 0, 4, 7, 4],
        [1, 4, 0, 9, 6],
        [10, 7, 9, 0, 5],
        [7, 4, 6, 5, 0],
    ]
)
"""Block edges on the shortest path between :data:`CORNERS`, counted by hand. Row 0
is one-way eastwards: (0,0) -> (0,3) is 3 blocks along it, the way back 5 (down to
row 1, west, up). Column 4 is the only bridge over the river between rows 1 and 2:
(1,0) -> (2,0) is 9 blocks (4 east, 1 across, 4 west) for 111 m as the crow flies."""


def corner_points() -> tuple[list[float], list[float]]:
    places = [GRID.node_lat_lon(row, col) for row, col in CORNERS]
    return [lat for lat, _ in places], [lon for _, lon in places]


def expected(radius_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Seconds and metres of :data:`HOPS` at the testbot's 24 km/h."""
    metres = HOPS * (GRID.edge_m() if radius_m is None else GRID.edge_m(radius_m))
    return metres / (GRID_SPEEDS_KMH["residential"] / 3.6), metres


OSRM_EARTH_RADIUS_M = 6_372_797.560856
"""OSRM measures segments on a sphere of this radius (ours: 6,371,009 m)."""


@pytest.mark.parametrize("provider", ["osrm", "osm"])
def test_grid_travel_is_exact(provider: str, grid_osrm: str, grid_pbf: Path) -> None:
    lat, lon = corner_points()
    if provider == "osrm":
        matrix = OsrmTravel(grid_osrm, cache_dir=False).matrix(lat, lon)
        seconds, metres = expected(OSRM_EARTH_RADIUS_M)
        # OSRM rounds each segment to 0.1 s and measures on its own sphere: 2 units at most.
        tolerance = 2
    else:
        matrix = OsmTravel(grid_pbf, speeds_kmh=GRID_SPEEDS_KMH, junction_s=0.0, cache_dir=False).matrix(lat, lon)
        seconds, metres = expected()
        tolerance = 1  # rounding to whole seconds and metres
    np.testing.assert_allclose(matrix.distance_m, metres, atol=tolerance)
    np.testing.assert_allclose(matrix.duration_s, seconds, atol=tolerance)


def test_blocks_assemble_to_one_table(helsinki_osrm: str, helsinki_points: tuple[np.ndarray, np.ndarray]) -> None:
    lat, lon = helsinki_points
    whole = OsrmTravel(helsinki_osrm, max_table_size=1000, cache_dir=False).matrix(lat, lon)
    blocked = OsrmTravel(helsinki_osrm, max_table_size=7, workers=3, cache_dir=False).matrix(lat, lon)
    np.testing.assert_array_equal(blocked.duration_s, whole.duration_s)
    np.testing.assert_array_equal(blocked.distance_m, whole.distance_m)


def test_large_tables_stay_within_the_server_s_query_limit(helsinki_osrm: str, helsinki_pbf: Path) -> None:
    """osrm-routed drops requests whose query string passes 8 KB: 1,000 x 1,000 at a
    table size of 1,000 must still come back (in blocks of about 900)."""
    graph = OsmTravel(helsinki_pbf, cache_dir=False).graph
    pick = np.random.default_rng(5).choice(graph.nodes, 1000, replace=False)
    matrix = OsrmTravel(helsinki_osrm, max_table_size=1000, attempts=1, cache_dir=False).matrix(
        graph.lat[pick], graph.lon[pick]
    )
    assert matrix.size == 1000 and (np.diag(matrix.duration_s) == 0).all()
    assert matrix.distance_m.min() >= 0  # OSRM's small negative same-segment distances are clipped


def test_repeated_points_share_travel(helsinki_osrm: str, helsinki_points: tuple[np.ndarray, np.ndarray]) -> None:
    lat, lon = helsinki_points
    lat2, lon2 = np.r_[lat[:5], lat[:5]], np.r_[lon[:5], lon[:5]]
    matrix = OsrmTravel(helsinki_osrm, cache_dir=False).matrix(lat2, lon2)
    np.testing.assert_array_equal(matrix.duration_s[:5, :5], matrix.duration_s[5:, 5:])
    assert (np.diag(matrix.duration_s[:5, 5:]) == 0).all()


def test_a_point_far_from_any_road_is_named(helsinki_osrm: str, helsinki_points: tuple[np.ndarray, np.ndarray]) -> None:
    lat, lon = helsinki_points
    at_sea_lat, at_sea_lon = np.r_[lat[:4], 59.9], np.r_[lon[:4], 24.9]  # 30 km out in the Gulf of Finland
    with pytest.raises(OffRoadError) as raised:
        OsrmTravel(helsinki_osrm, cache_dir=False).matrix(at_sea_lat, at_sea_lon)
    assert [p.index for p in raised.value.points] == [4]
    assert raised.value.points[0].snap_m == pytest.approx(30_000, rel=0.2)
    assert helsinki_osrm in str(raised.value)


def test_the_snap_limit_is_configurable(helsinki_osrm: str) -> None:
    near_a_road = ([60.1700, 60.1705], [24.9410, 24.9450])
    OsrmTravel(helsinki_osrm, cache_dir=False).matrix(*near_a_road)
    with pytest.raises(OffRoadError):
        OsrmTravel(helsinki_osrm, max_snap_m=0.01, cache_dir=False).matrix(*near_a_road)


class Relay:
    """An HTTP relay to ``upstream`` that answers 503 to the first ``failures``
    requests and counts all of them."""

    def __init__(self, upstream: str, failures: int) -> None:
        self.upstream, self.failures, self.requests = upstream, failures, 0
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                relay.requests += 1
                if relay.requests <= relay.failures:
                    self.send_error(503, "injected failure")
                    return
                try:
                    with urllib.request.urlopen(relay.upstream + self.path, timeout=30) as reply:
                        status, body = reply.status, reply.read()
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def relay(helsinki_osrm: str, request: pytest.FixtureRequest) -> Iterator[Relay]:
    relay = Relay(helsinki_osrm, getattr(request, "param", 0))
    yield relay
    relay.server.shutdown()


@pytest.mark.parametrize("relay", [2], indirect=True)
def test_transient_failures_are_retried(relay: Relay, helsinki_points: tuple[np.ndarray, np.ndarray]) -> None:
    lat, lon = helsinki_points
    matrix = OsrmTravel(relay.url, backoff_s=0.01, cache_dir=False).matrix(lat[:10], lon[:10])
    direct = OsrmTravel(relay.upstream, cache_dir=False).matrix(lat[:10], lon[:10])
    assert relay.requests == 3
    np.testing.assert_array_equal(matrix.duration_s, direct.duration_s)


@pytest.mark.parametrize("relay", [10], indirect=True)
def test_persistent_failure_names_the_server(relay: Relay) -> None:
    with pytest.raises(TravelError, match=f"OSRM at {relay.url} did not answer after 3 attempts: HTTP 503"):
        OsrmTravel(relay.url, attempts=3, backoff_s=0.01, cache_dir=False).matrix([60.17, 60.171], [24.94, 24.945])
    assert relay.requests == 3


def test_no_server_at_all_names_the_address() -> None:
    with pytest.raises(TravelError, match=r"OSRM at http://127.0.0.1:9 did not answer after 2 attempts"):
        OsrmTravel("http://127.0.0.1:9", attempts=2, backoff_s=0.01, cache_dir=False).matrix(
            [60.17, 60.2], [24.9, 25.0]
        )


def test_a_refused_request_is_not_retried(relay: Relay) -> None:
    with pytest.raises(TravelError, match=r"refused a table request: HTTP 400.*is the profile right"):
        OsrmTravel(relay.url, profile="no-such/profile", cache_dir=False).matrix([60.17, 60.171], [24.94, 24.945])
    assert relay.requests == 1


def test_the_cache_answers_a_rerun(
    relay: Relay,
    helsinki_points: tuple[np.ndarray, np.ndarray],
    tmp_path: Path,
) -> None:
    lat, lon = helsinki_points
    first = OsrmTravel(relay.url, max_table_size=20, cache_dir=tmp_path).matrix(lat, lon)
    asked = relay.requests
    again = OsrmTravel(relay.url, max_table_size=20, cache_dir=tmp_path).matrix(lat, lon)
    assert asked >= 4 and relay.requests == asked
    np.testing.assert_array_equal(again.duration_s, first.duration_s)
    OsrmTravel(relay.url, max_table_size=20, cache_dir=tmp_path).matrix(lat[:-1], lon[:-1])  # other places
    assert relay.requests > asked
    assert not list(tmp_path.rglob("*.tmp"))


def snapped_m(url: str, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """How far OSRM's nearest service moves each point onto a road, metres."""
    gaps = []
    for y, x in zip(lat, lon):
        with urllib.request.urlopen(f"{url}/nearest/v1/driving/{x:.6f},{y:.6f}") as reply:
            gaps.append(json.load(reply)["waypoints"][0]["distance"])
    return np.array(gaps)


def test_real_roads_are_never_faster_than_the_straight_line(
    helsinki_osrm: str,
    helsinki_points: tuple[np.ndarray, np.ndarray],
) -> None:
    lat, lon = helsinki_points
    matrix = OsrmTravel(helsinki_osrm, cache_dir=False).matrix(lat, lon)
    gap = snapped_m(helsinki_osrm, lat, lon)
    straight_m = great_circle_m(lat, lon) - gap[:, None] - gap[None, :]  # between the snapped places, at least
    fastest_ms = 90 / 3.6  # the car profile's fastest class
    assert (np.diag(matrix.duration_s) == 0).all() and (np.diag(matrix.distance_m) == 0).all()
    off = ~np.eye(lat.size, dtype=bool)
    assert (matrix.duration_s[off & (straight_m > 50)] > 0).all()
    assert (matrix.duration_s >= np.floor(straight_m / fastest_ms) - 1).all()
    assert (matrix.distance_m >= np.floor(straight_m * 0.999) - 1).all()
