"""VRPTW benchmark instances (Solomon, Gehring-Homberger) as optimizer problems.

DIMACS convention: every arc's distance is the Euclidean distance truncated to one
decimal, used as travel time too; the objective is total distance. An instance time
unit maps to ``SECONDS_PER_UNIT`` seconds, so 0.1 unit is a whole second and the
longest horizon (Gehring-Homberger R2_10_x, 7,697 units) fits in one day. Vehicles become technicians at the
depot whose shift is the depot's window; customers become orders with their window
(on the service start), service time and demand as load; leaving a customer out costs
``UNSERVED_COST``, far above any route, so all are served when the fleet allows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optimizer.models import ClockInterval, ObjectiveWeights, Order, Problem, Technician
from optimizer.models.base import TimeWindow, Urgency
from optimizer.travel import PrecomputedTravel

SECONDS_PER_UNIT = 10
UNSERVED_COST = 1_000_000.0
DAY = dt.date(2026, 11, 23)
ZONE = "UTC"
COORDINATE_SCALE = 1e-3
"""Benchmark x/y become lon/lat keys of the precomputed matrix (they are not places)."""


@dataclass(frozen=True)
class Benchmark:
    """One VRPTW instance; node 0 is the depot, nodes 1..n the customers."""

    name: str
    vehicles: int
    capacity: float
    xy: np.ndarray
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray

    @property
    def customers(self) -> int:
        """Number of customers."""
        return len(self.xy) - 1

    def distances(self) -> np.ndarray:
        """DIMACS distances: Euclidean, truncated to one decimal (float, units)."""
        delta = self.xy[:, None, :] - self.xy[None, :, :]
        return np.floor(10 * np.sqrt((delta**2).sum(axis=2))) / 10


def read_solomon(path: Path) -> Benchmark:
    """The classic Solomon text format (also used by Gehring-Homberger 200)."""
    lines = [line.split() for line in path.read_text().splitlines()]
    vehicles, capacity = next(map(int, row) for row in lines if len(row) == 2 and row[0].isdigit())
    table = np.array([row for row in lines if len(row) == 7 and row[0].isdigit()], dtype=float)
    return Benchmark(path.stem, vehicles, capacity, table[:, 1:3], *table[:, 3:7].T)


def read_vrplib(path: Path) -> Benchmark:
    """A VRPLIB VRPTW file (Gehring-Homberger 1000 as in PyVRP/Instances)."""
    header: dict[str, str] = {}
    sections: dict[str, list[list[float]]] = {}
    current = None
    for line in path.read_text().splitlines():
        words = line.replace(":", " : ", 1).split() if ":" in line else line.split()
        if not words or words[0] == "EOF":
            continue
        if len(words) >= 3 and words[1] == ":":
            header[words[0]] = words[2]
        elif words[0].endswith("_SECTION"):
            current = words[0]
            sections[current] = []
        elif current:
            sections[current].append([float(w) for w in words])
    coords = np.array(sections["NODE_COORD_SECTION"])[:, 1:3]
    demand = np.array(sections["DEMAND_SECTION"])[:, 1]
    windows = np.array(sections["TIME_WINDOW_SECTION"])[:, 1:3]
    service = np.full(len(coords), float(header.get("SERVICE_TIME", 0)))
    if "SERVICE_TIME_SECTION" in sections:
        service = np.array(sections["SERVICE_TIME_SECTION"])[:, 1]
    service[0] = 0
    return Benchmark(
        header.get("NAME", path.stem),
        int(header["VEHICLES"]),
        float(header["CAPACITY"]),
        coords,
        demand,
        windows[:, 0],
        windows[:, 1],
        service,
    )


def read(path: Path) -> Benchmark:
    """Either format, by extension (``.vrp`` = VRPLIB, otherwise Solomon)."""
    return read_vrplib(path) if path.suffix == ".vrp" else read_solomon(path)


def _instant(units: float) -> dt.datetime:
    start = dt.datetime.combine(DAY, dt.time(), tzinfo=dt.UTC)
    return start + dt.timedelta(seconds=units * SECONDS_PER_UNIT)


def to_problem(bench: Benchmark) -> tuple[Problem, PrecomputedTravel]:
    """The benchmark as a problem and the travel provider holding its DIMACS matrix."""
    if bench.due[0] * SECONDS_PER_UNIT >= 24 * 3600:
        raise ValueError(f"{bench.name}: horizon of {bench.due[0]:g} units does not fit in one day")
    lat = bench.xy[:, 1] * COORDINATE_SCALE
    lon = bench.xy[:, 0] * COORDINATE_SCALE
    shift = ClockInterval(start=_instant(bench.ready[0]).time(), end=_instant(bench.due[0]).time())
    technicians = tuple(
        Technician(
            id=f"V{k + 1}", lat=lat[0], lon=lon[0], shift=shift, capacity=bench.capacity, workdays=frozenset({"Mon"})
        )
        for k in range(bench.vehicles)
    )
    orders = tuple(
        Order(
            id=str(c),
            lat=lat[c],
            lon=lon[c],
            duration_min=bench.service[c] * SECONDS_PER_UNIT / 60,
            windows=(TimeWindow(start=_instant(bench.ready[c]), end=_instant(bench.due[c])),),
            load=bench.demand[c],
            urgency=Urgency.NORMAL,
        )
        for c in range(1, len(bench.xy))
    )
    # cost = distance: travel seconds / SECONDS_PER_UNIT, i.e. 60 / SECONDS_PER_UNIT per minute
    weights = ObjectiveWeights(
        unplanned=dict.fromkeys(Urgency, UNSERVED_COST),
        travel_per_min=60 / SECONDS_PER_UNIT,
        balance=0.0,  # the benchmark's objective: distance, no fair days
    )
    problem = Problem(orders=orders, technicians=technicians, start=DAY, days=1, tz=ZONE, weights=weights)
    distance = bench.distances()
    travel = PrecomputedTravel(lat, lon, np.rint(distance * SECONDS_PER_UNIT), np.rint(distance * 10))
    return problem, travel


def write_sol(path: Path, routes: list[list[int]], cost: float) -> None:
    """A VRPLIB solution file: ``Route #k: customers`` lines and ``Cost``."""
    lines = [f"Route #{k + 1}: {' '.join(map(str, r))}" for k, r in enumerate(routes) if r]
    tmp = path.with_suffix(".sol.tmp")
    tmp.write_text("\n".join([*lines, f"Cost {cost:.1f}"]) + "\n")
    tmp.replace(path)


def read_sol(path: Path) -> list[list[int]]:
    """Routes (customer numbers) of a VRPLIB solution file, as :func:`write_sol` writes them."""
    return [
        [int(c) for c in line.split(":", 1)[1].split()]
        for line in path.read_text().splitlines()
        if line.startswith("Route #")
    ]


def route_distance(bench: Benchmark, routes: list[list[int]]) -> float:
    """Total DIMACS distance of routes given as customer numbers."""
    distance = bench.distances()
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += float(sum(distance[a, b] for a, b in itertools.pairwise(path)))
    return round(total, 1)


assert math.isclose(0.1 * SECONDS_PER_UNIT, round(0.1 * SECONDS_PER_UNIT))
