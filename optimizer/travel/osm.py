"""Road travel times from an OpenStreetMap extract (``.osm.pbf``), without a server.

The extract's drivable ways become a directed graph: one edge per pair of
consecutive way nodes, its length the great-circle distance between them, its time
that length at the way's speed. Speeds follow OSRM's car profile: a speed per
``highway`` class (:data:`CAR_SPEEDS_KMH`), or 80% of a numeric ``maxspeed`` where
the way has one; ``oneway`` (``yes``, ``-1``, implied on motorways and roundabouts)
is respected; ways closed to cars (``access``, ``motor_vehicle``, ``motorcar`` of
``no``, ``private``, ...) are left out. Only the largest group of nodes that all
reach one another is kept, so that every pair of places has a route.

Each place snaps to the nearest node of that graph (not to the nearest point of a
road, as OSRM does: on a long road without junctions the two differ by up to half
the distance between nodes); a place farther than ``max_snap_m`` from every node
raises :class:`~optimizer.exceptions.OffRoadError`. Travel is the fastest path
(Dijkstra, scipy), its distance the length of that path. There are no turns in the
graph (OSRM's car profile charges each turn by its angle and each traffic signal):
instead every junction a route passes costs :data:`JUNCTION_S`.

The graph is cached on disk (:mod:`optimizer.travel.cache`) keyed by the file's
contents and the speeds: reading a country's extract takes minutes, the cached
graph a second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import osmium
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from optimizer.exceptions import OffRoadError, OffRoadPoint, TravelError
from optimizer.travel.base import TravelMatrix
from optimizer.travel.cache import ArrayCache, file_sha256
from optimizer.travel.haversine import EARTH_RADIUS_M, haversine_m
from optimizer.travel.points import distinct_points

CAR_SPEEDS_KMH: Mapping[str, float] = {
    "motorway": 90,
    "motorway_link": 45,
    "trunk": 85,
    "trunk_link": 40,
    "primary": 65,
    "primary_link": 30,
    "secondary": 55,
    "secondary_link": 25,
    "tertiary": 40,
    "tertiary_link": 20,
    "unclassified": 25,
    "residential": 25,
    "living_street": 10,
    "service": 15,
}
"""km/h by ``highway`` class: OSRM's car profile. Classes not listed are not driven."""

MAXSPEED_FACTOR = 0.8
"""Share of a posted ``maxspeed`` driven on average (OSRM's car profile: 0.8)."""

JUNCTION_S = 2.0
"""Seconds added for every junction (three or more roads meeting) a route passes,
in place of OSRM's turn and traffic-signal penalties: with it the median ratio of
our times to OSRM's car profile is 0.95 on central Helsinki and 1.05 on Kouvola
(``benchmarks/travel.py``); without it 0.79 and 0.91."""

_CLOSED = frozenset({"no", "private", "agricultural", "forestry", "emergency", "psv", "bus", "restricted", "delivery"})
_ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
_FORWARD, _BACKWARD = 1, 2

_CENTISECONDS = 100.0
_DECIMETRES = 10.0
_PATH_SCALE = 1e8
"""Dijkstra runs once on ``centiseconds * 1e8 + decimetres``: exact integers in a
float64 up to 250 hours a route, so the fastest path wins and among equally fast
ones the shortest, and both its time and its length come out of one search."""

_SEARCH_CELLS = 1 << 25
"""Dijkstra result cells (float64) held at once: 256 MB."""


@dataclass(frozen=True)
class RoadGraph:
    """A directed road graph: node ``lat``/``lon`` (degrees) and ``weights[u, v]`` =
    ``centiseconds * 1e8 + decimetres`` of the edge u -> v (see :data:`_PATH_SCALE`)."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    weights: csr_matrix

    @property
    def nodes(self) -> int:
        """Number of nodes."""
        return int(self.lat.size)

    @cached_property
    def _tree(self) -> cKDTree:
        return cKDTree(_plane(self.lat, self.lon, float(self.lat.mean())))

    def nearest(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """For each place, its nearest node and the great-circle metres to it."""
        _, nearest = self._tree.query(_plane(lat, lon, float(self.lat.mean())))
        nearest = np.asarray(nearest, dtype=np.intp)
        return nearest, haversine_m(*np.radians([lat, lon]), *np.radians([self.lat[nearest], self.lon[nearest]]))


@dataclass(frozen=True)
class OsmTravel:
    """Travel on the roads of the OpenStreetMap extract ``pbf`` (an ``.osm.pbf`` file).

    ``speeds_kmh`` maps ``highway`` classes to km/h (default :data:`CAR_SPEEDS_KMH`);
    ``max_snap_m`` is how far from the nearest road node a place may lie;
    ``junction_s`` is the time a junction costs (:data:`JUNCTION_S`).
    """

    pbf: Path
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(CAR_SPEEDS_KMH))
    max_snap_m: float = 1_000.0
    junction_s: float = JUNCTION_S
    cache_dir: Path | Literal[False] | None = None

    @cached_property
    def graph(self) -> RoadGraph:
        """The road graph, read (or taken from the cache) on first use."""
        pbf = Path(self.pbf)
        try:
            digest = file_sha256(pbf)
        except OSError as error:
            raise TravelError(f"cannot read the map {pbf}: {error.strerror or error}") from None
        key = json.dumps([digest, sorted(self.speeds_kmh.items()), self.junction_s, "graph-v1"]).encode()
        cache = ArrayCache.chosen(self.cache_dir, "osm")
        stored = cache.get(key) if cache else None
        if stored is not None:
            n = stored["lat"].size
            weights = csr_matrix((stored["data"], stored["indices"], stored["indptr"]), shape=(n, n))
            return RoadGraph(stored["lat"].astype(np.float64), stored["lon"].astype(np.float64), weights)
        graph = road_graph(pbf, self.speeds_kmh, self.junction_s)
        if cache:
            w = graph.weights
            cache.put(
                key, {"lat": graph.lat, "lon": graph.lon, "data": w.data, "indices": w.indices, "indptr": w.indptr}
            )
        return graph

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Fastest road travel between every pair of points (seconds and metres, rounded)."""
        places_lat, places_lon, inverse = distinct_points(lat, lon)
        nodes = self._snap(places_lat, places_lon)
        targets, node_of_place = np.unique(nodes, return_inverse=True)
        duration, distance = _fastest(self.graph.weights, targets)
        pick = np.ix_(node_of_place[inverse], node_of_place[inverse])
        return TravelMatrix(duration_s=duration[pick], distance_m=distance[pick])

    def _snap(self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        nearest, gap_m = self.graph.nearest(lat, lon)
        far = np.flatnonzero(gap_m > self.max_snap_m)
        if far.size:
            points = [OffRoadPoint(int(i), float(lat[i]), float(lon[i]), float(gap_m[i])) for i in far]
            raise OffRoadError(f"the road graph of {Path(self.pbf).name}", points, self.max_snap_m)
        return nearest


def road_lines(
    graph: RoadGraph, south: float, west: float, north: float, east: float, limit: int
) -> npt.NDArray[np.float64]:
    """The roads of ``graph`` inside the box, for drawing: one row ``lat1, lon1, lat2,
    lon2`` per road segment (both directions once); where there are more than
    ``limit``, the fastest ``limit`` (the main roads)."""
    coo = graph.weights.tocoo()
    u, v = np.minimum(coo.row, coo.col), np.maximum(coo.row, coo.col)
    inside = (graph.lat >= south) & (graph.lat <= north) & (graph.lon >= west) & (graph.lon <= east)
    keep = inside[u] & inside[v] & (u != v)
    u, v, weight = u[keep], v[keep], coo.data[keep]
    pairs, first = np.unique(np.stack([u, v], axis=1), axis=0, return_index=True)
    weight = weight[first]
    if len(pairs) > limit:
        centiseconds = np.floor(weight / _PATH_SCALE)
        decimetres = weight - centiseconds * _PATH_SCALE
        speed = decimetres / np.maximum(centiseconds, 1.0)
        pairs = pairs[np.sort(np.argsort(-speed, kind="stable")[:limit])]
    a, b = pairs[:, 0], pairs[:, 1]
    return np.stack([graph.lat[a], graph.lon[a], graph.lat[b], graph.lon[b]], axis=1)


def road_graph(
    pbf: Path, speeds_kmh: Mapping[str, float] = CAR_SPEEDS_KMH, junction_s: float = JUNCTION_S
) -> RoadGraph:
    """Read the drivable road graph of ``pbf`` (see the module docstring); every edge
    into a junction costs ``junction_s`` seconds more."""
    refs: list[npt.NDArray[np.int64]] = []
    coords: list[npt.NDArray[np.float64]] = []
    speeds: list[float] = []
    directions: list[int] = []
    try:
        ways = osmium.FileProcessor(str(pbf)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
        for way in ways:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = way.tags
            speed, direction = _driving(tags, speeds_kmh)
            if not direction:
                continue
            nodes = [(n.ref, n.lat, n.lon) for n in way.nodes if n.location.valid()]
            if len(nodes) < 2:
                continue
            table = np.array(nodes, dtype=np.float64)
            refs.append(np.array([n[0] for n in nodes], dtype=np.int64))
            coords.append(table[:, 1:])
            speeds.append(speed)
            directions.append(direction)
    except RuntimeError as error:
        raise TravelError(f"cannot read the map {pbf}: {error}") from None
    if not refs:
        raise TravelError(f"the map {pbf} has no drivable roads")
    return _graph(refs, coords, np.array(speeds), np.array(directions), junction_s)


def _driving(tags: osmium.osm.TagList, speeds_kmh: Mapping[str, float]) -> tuple[float, int]:
    """A way's speed (km/h) and the directions cars may drive it (0: none)."""
    highway = tags.get("highway")
    if highway is None or highway not in speeds_kmh or tags.get("area") == "yes":
        return 0.0, 0
    for key in _ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            if value in _CLOSED:
                return 0.0, 0
            break
    speed = float(speeds_kmh[highway])
    posted = _kmh(tags.get("maxspeed"))
    if posted:
        speed = posted * MAXSPEED_FACTOR
    oneway = tags.get("oneway")
    if oneway == "-1":
        return speed, _BACKWARD
    if oneway in ("yes", "1", "true"):
        return speed, _FORWARD
    implied = highway == "motorway" or tags.get("junction") in ("roundabout", "circular")
    return speed, _FORWARD if implied and oneway != "no" else _FORWARD | _BACKWARD


def _kmh(maxspeed: str | None) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mph)?\s*", maxspeed or "")
    if not match:
        return None
    value = float(match.group(1)) * (1.609344 if match.group(2) else 1.0)
    return value if value > 0 else None


def _graph(
    refs: list[npt.NDArray[np.int64]],
    coords: list[npt.NDArray[np.float64]],
    speeds: npt.NDArray[np.float64],
    directions: npt.NDArray[np.int64],
    junction_s: float,
) -> RoadGraph:
    """The graph of consecutive way nodes, reduced to its largest strongly connected part."""
    lengths = np.array([r.size - 1 for r in refs])
    all_refs = np.concatenate(refs)
    all_coords = np.concatenate(coords)
    ids, node = np.unique(all_refs, return_inverse=True)
    lat, lon = np.zeros(ids.size), np.zeros(ids.size)
    lat[node], lon[node] = all_coords[:, 0], all_coords[:, 1]
    ends = np.cumsum([r.size for r in refs])
    is_first = np.zeros(all_refs.size, dtype=bool)
    is_first[np.concatenate([[0], ends[:-1]])] = True
    tail = np.flatnonzero(np.r_[~is_first[1:], False])  # positions whose next node is on the same way
    head = tail + 1
    way_of_edge = np.repeat(np.arange(len(refs)), lengths)
    phi, lam = np.radians(all_coords[:, 0]), np.radians(all_coords[:, 1])
    metres = haversine_m(phi[tail], lam[tail], phi[head], lam[head])
    seconds = metres / (speeds[way_of_edge] / 3.6)
    weight = np.maximum(1.0, np.rint(seconds * _CENTISECONDS) * _PATH_SCALE + np.rint(metres * _DECIMETRES))
    forward = (directions[way_of_edge] & _FORWARD) > 0
    backward = (directions[way_of_edge] & _BACKWARD) > 0
    u = np.concatenate([node[tail][forward], node[head][backward]])
    v = np.concatenate([node[head][forward], node[tail][backward]])
    w = np.concatenate([weight[forward], weight[backward]])
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    order = np.lexsort((w, v, u))  # per (u, v), the lightest edge first
    u, v, w = u[order], v[order], w[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    u, v, w = u[first], v[first], w[first]
    n = ids.size
    neighbours = np.bincount(np.unique(np.concatenate([u * n + v, v * n + u])) // n, minlength=n)
    w = w + np.where(neighbours[v] >= 3, np.rint(junction_s * _CENTISECONDS) * _PATH_SCALE, 0.0)
    graph = csr_matrix((w, (u, v)), shape=(n, n))
    _, group = connected_components(graph, directed=True, connection="strong")
    kept = np.flatnonzero(group == np.bincount(group).argmax())
    graph = graph[kept][:, kept].tocsr()
    return RoadGraph(lat[kept], lon[kept], graph)


def _plane(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], lat0: float) -> npt.NDArray[np.float64]:
    """Points on a local plane (metres, equirectangular around latitude ``lat0``)."""
    phi0 = np.radians(lat0)
    return np.column_stack([np.radians(lon) * np.cos(phi0), np.radians(lat)]) * EARTH_RADIUS_M


def _fastest(
    weights: csr_matrix,
    nodes: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Seconds and metres of the fastest paths between every pair of ``nodes``."""
    k = nodes.size
    duration = np.empty((k, k), dtype=np.int32)
    distance = np.empty((k, k), dtype=np.int32)
    step = max(1, _SEARCH_CELLS // max(1, weights.shape[0]))
    for first in range(0, k, step):
        rows = slice(first, min(k, first + step))
        found = dijkstra(weights, directed=True, indices=nodes[rows])[:, nodes]
        centiseconds = np.floor(found / _PATH_SCALE)
        decimetres = found - centiseconds * _PATH_SCALE
        duration[rows] = np.rint(centiseconds / _CENTISECONDS)
        distance[rows] = np.rint(decimetres / _DECIMETRES)
    return duration, distance
