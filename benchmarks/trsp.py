"""The Technician Routing and Scheduling Problem of Pillac, Guéret & Medaglia (2013):
exactly our problem (skills, tools, spare parts, a central depot that restocks both,
windows), with best-known solutions.

    python benchmarks/run.py trsp --time-limit 30 --out results/trsp
    python benchmarks/run.py trsp --instances C101,R101 --time-limit 30 --out results/trsp
    python benchmarks/run.py trsp --files path/to/X.100_25-5-5-5.txt --time-limit 30 --out results/trsp

Each instance (``../shared/instances/trsp/pillac_crew25``) becomes a problem: node 0 is
the central depot (every part in stock, every tool lent, open all day; a stop there
takes no time), nodes 1-25 the technicians (home, shift, skills, tools, van stock),
nodes 26-125 the requests (window for the start, service time, skills, tools, parts).
One time unit is one minute of travel (Euclidean distance, the matrix precomputed
exactly to the second); a horizon longer than a day is scaled so the shift fits one
day, and durations are reported in the instance's units. The objective is the total
route duration (travel + service + waiting): travel and waiting priced at 1 per unit,
every request required (leaving one out costs far more than any route).

Writes ``OUT/<instance>.sol`` (``Technician <node>: <nodes in visit order>``, ``0`` a
depot visit, home at both ends implicit) and ``OUT/results.csv`` (instance, bks, cost,
gap_pct, routes, seconds, valid); every plan is re-checked by our checker, and the
duration is recomputed from the plan's times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import optimizer
from optimizer.models import ClockInterval, Depot, ObjectiveWeights, Order, Problem, Technician, TimeWindow, Urgency
from optimizer.travel import PrecomputedTravel

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "instances" / "trsp" / "pillac_crew25"
DAY = dt.date(2026, 11, 23)
COORDINATE_SCALE = 1e-3
REQUIRED = 1e7
"""Leave-out price of a request: far above any plan's duration."""
_ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\[([^\]]*)\]\s*\[([^\]]*)\]\s*\[([^\]]*)\]")


@dataclass(frozen=True)
class Node:
    """One row of an instance: depot (0), technician (1..crew) or request."""

    id: int
    x: float
    y: float
    opens: float
    closes: float
    service: float
    skills: tuple[int, ...]
    tools: tuple[int, ...]
    parts: tuple[int, ...]


@dataclass(frozen=True)
class Instance:
    """A TRSP instance as read: its name, crew size and nodes by id."""

    name: str
    crew: int
    nodes: tuple[Node, ...]

    @property
    def requests(self) -> tuple[Node, ...]:
        return self.nodes[self.crew + 1 :]


def _ints(cell: str) -> tuple[int, ...]:
    return tuple(int(v) for v in cell.replace(",", " ").split())


def read(path: Path) -> Instance:
    """An instance file in Pillac's format."""
    lines = path.read_text().splitlines()
    crew = int(lines[lines.index(next(x for x in lines if x.startswith("CREW"))) + 1].split()[0])
    nodes = []
    for line in lines:
        match = _ROW.match(line)
        if match:
            n, x, y, opens, closes, service, skills, tools, parts = match.groups()
            nodes.append(
                Node(
                    int(n),
                    float(x),
                    float(y),
                    float(opens),
                    float(closes),
                    float(service),
                    _ints(skills),
                    _ints(tools),
                    _ints(parts),
                )
            )
    nodes.sort(key=lambda node: node.id)
    assert [node.id for node in nodes] == list(range(len(nodes))), f"{path.name}: node ids are not 0..n-1"
    return Instance(lines[0].strip(), crew, tuple(nodes))


def unit_seconds(instance: Instance) -> float:
    """Seconds per time unit: a minute, or less where the horizon would not fit a day."""
    return min(60.0, (24 * 3600 - 1) / max(node.closes for node in instance.nodes))


def to_problem(instance: Instance) -> tuple[Problem, PrecomputedTravel, float]:
    """The instance as a problem, the travel provider with its exact matrix, and the
    seconds per time unit."""
    unit = unit_seconds(instance)
    start = dt.datetime.combine(DAY, dt.time(), tzinfo=dt.UTC)

    def at(units: float) -> dt.datetime:
        return start + dt.timedelta(seconds=round(units * unit))

    n_parts = len(instance.nodes[0].parts) or max(len(node.parts) for node in instance.nodes)
    depot_node = instance.nodes[0]
    lat = [node.y * COORDINATE_SCALE for node in instance.nodes]
    lon = [node.x * COORDINATE_SCALE for node in instance.nodes]
    depot = Depot(
        id="0",
        lat=lat[0],
        lon=lon[0],
        hours=ClockInterval(start=dt.time(0), end=dt.time(23, 59, 59)),
        stock={f"P{p}": 100_000 for p in range(n_parts)},
        tools=frozenset(f"K{k}" for node in instance.nodes for k in node.tools),
    )
    technicians = tuple(
        Technician(
            id=str(node.id),
            lat=lat[node.id],
            lon=lon[node.id],
            shift=ClockInterval(start=at(node.opens).time(), end=at(node.closes).time()),
            workdays=frozenset({"Mon"}),
            skills={f"S{s}": 1 for s in node.skills},
            tools=frozenset(f"K{k}" for k in node.tools),
            van_stock={f"P{p}": q for p, q in enumerate(node.parts) if q},
        )
        for node in instance.nodes[1 : instance.crew + 1]
    )
    orders = tuple(
        Order(
            id=str(node.id),
            lat=lat[node.id],
            lon=lon[node.id],
            duration_min=node.service * unit / 60,
            windows=(TimeWindow(start=at(node.opens), end=at(node.closes)),),
            skills={f"S{s}": 1 for s in node.skills},
            tools=frozenset(f"K{k}" for k in node.tools),
            parts={f"P{p}": q for p, q in enumerate(node.parts) if q},
            urgency=Urgency.NORMAL,
        )
        for node in instance.requests
    )
    per_minute = 60 / unit  # cost 1 per time unit
    weights = ObjectiveWeights(
        unplanned=dict.fromkeys(Urgency, REQUIRED),
        travel_per_min=per_minute,
        waiting_per_min=per_minute,
        balance=0.0,  # the benchmark's objective: total duration, no fair days
    )
    problem = Problem(
        orders=orders,
        technicians=technicians,
        depots=(depot,),
        start=DAY,
        days=1,
        tz="UTC",
        pickup_min=0,
        weights=weights,
    )
    xy = np.array([[node.x, node.y] for node in instance.nodes])
    distance = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    travel = PrecomputedTravel(lat, lon, np.rint(distance * unit), np.rint(distance * 1000))
    assert depot_node.id == 0
    return problem, travel, unit


def duration(plan: optimizer.Plan, unit: float) -> float:
    """Total route duration in instance units: back home less leaving home, per route."""
    seconds = sum((route.stops[-1].end - route.stops[0].start).total_seconds() for route in plan.routes)
    return seconds / unit


def write_sol(path: Path, plan: optimizer.Plan) -> None:
    """``Technician <node>: <nodes>`` per used technician (``0``: a depot visit), atomically."""
    lines = []
    for route in sorted(plan.routes, key=lambda r: int(r.technician_id)):
        visits = [s.order_id if s.order_id else "0" for s in route.stops if s.kind.value in ("order", "pickup")]
        lines.append(f"Technician {route.technician_id}: {' '.join(visits)}")
    tmp = path.with_suffix(".sol.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def best_known() -> dict[str, float]:
    """Thesis best-known durations by instance name."""
    import csv

    with (FOLDER / "bks.csv").open() as handle:
        return {row["instance"]: float(row["thesis_bks_duration"]) for row in csv.DictReader(handle)}


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Rows of the table, one per instance; prints it."""
    if args.files:
        files, bks = list(args.files), {}
    else:
        if not FOLDER.is_dir():
            print(f"skipped: TRSP instances not found at {FOLDER} (expected ../shared/instances beside the checkout)")
            return []
        bks = best_known()
        files = sorted(FOLDER.glob("*.txt"))
        if args.instances:
            wanted = set(args.instances.split(","))
            files = [f for f in files if f.name.split(".")[0] in wanted or f.stem in wanted]
    print(f"{'instance':<20} {'bks':>10} {'cost':>10} {'gap%':>7} {'routes':>6} {'served':>7} {'sec':>6} valid")
    rows = []
    for path in files:
        instance = read(path)
        problem, travel, unit = to_problem(instance)
        began = time.perf_counter()
        plan = optimizer.solve(problem, time_limit=args.time_limit, seed=args.seed, travel=travel)
        seconds = time.perf_counter() - began
        report = optimizer.check(problem, plan, travel=travel)
        cost = duration(plan, unit)
        best = bks.get(instance.name)
        row = {
            "instance": instance.name,
            "bks": best,
            "cost": round(cost, 3),
            "gap_pct": None if best is None else round(100 * (cost - best) / best, 3),
            "routes": len(plan.routes),
            "served": f"{plan.kpis.orders_planned}/{len(problem.orders)}",
            "seconds": round(seconds, 2),
            "valid": report.ok and not plan.unplanned,
        }
        write_sol(args.out / f"{instance.name}.sol", plan)
        rows.append(row)
        gap = "" if row["gap_pct"] is None else f"{row['gap_pct']:7.2f}"
        print(
            f"{row['instance']:<20} {best or float('nan'):>10.2f} {cost:>10.2f} {gap:>7} {row['routes']:>6} "
            f"{row['served']:>7} {seconds:>6.1f} {row['valid']}"
        )
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    if gaps:
        print(f"mean gap {np.mean(gaps):.3f}% over {len(gaps)}; valid {sum(r['valid'] for r in rows)}/{len(rows)}")
    return rows
