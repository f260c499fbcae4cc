"""Benchmark runner: our engine (and open-source peers) on VRPTW best-known-solution sets.

    python benchmarks/run.py vrptw --set solomon --time-limit 10 --out results/solomon
    python benchmarks/run.py vrptw --set homberger --instances C1_10_1,R1_10_1 --time-limit 60 \
        --peers pyvrp,vroom,ortools --baseline fac384d --out results/gh1000
    python benchmarks/run.py vrptw --files path/to/X.txt --time-limit 5 --out results/x
    python benchmarks/run.py fieldservice --backlog --sizes 300,1000 --days 5 --time-limit 30 \
        --peers legacy,vroom,ortools --baseline 940fa63 --out results/fs
    python benchmarks/run.py parts --sizes 300 --days 5 --time-limit 60 --out results/parts
    python benchmarks/run.py rules --sizes 300,1000 --days 2 --seeds 0,1,2 --time-limit 30 --out results/rules
    python benchmarks/run.py rules --light --sizes 300,1000 --days 2 --seeds 0,1,2 --time-limit 30 --out results/light
    python benchmarks/run.py replan --sizes 300 --seeds 0,1,2 --time-limit 10 --out results/replan
    python benchmarks/run.py offers --sizes 300 --technicians 25 --days 1 --seeds 0,1,2 --base-time-limit 30 \
        --out results/offers
    python benchmarks/run.py durations --sizes 300 --technicians 25 --seeds 0,1,2 --time-limit 30 \
        --out results/durations
    python benchmarks/run.py scale --sizes 5000x200x1,10000x400x5 --time-limit 60 --out results/scale
    python benchmarks/run.py regions --sizes 20000x800x1 --workers 1,2 --time-limit 20 --unpartitioned \
        --out results/regions
    python benchmarks/run.py travel --sizes 500,2000 --orders 150 --technicians 10 --time-limit 20 --out results/travel
    python benchmarks/run.py trsp --time-limit 30 --out results/trsp
    python benchmarks/run.py moves --instances R101,C101 --time-limit 10 --out results/moves
    python benchmarks/run.py rolling --days 20 --technicians 6 --time-limit 5 --baseline ba479b5 --out results/rolling
    python benchmarks/run.py fuzz --count 1000 --out results/fuzz

Writes ``OUT/<instance>.sol`` (VRPLIB form) and ``OUT/results.csv`` and prints a table:
instance, best-known (DIMACS distance), our cost, gap %, routes, seconds, valid, and per
peer its cost, validity and the ratio of our cost to the peer's. Every solution, ours
and the peers', is re-timed by our scheduler and re-checked by our checker.
Instances come from ``../shared/instances`` (beside the project checkout).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import engine_at, solve_with

import optimizer
from optimizer.decode.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import SolverInfo
from optimizer.solvers.base import SolveResult

from vrptw import Benchmark, read, route_distance, to_problem, write_sol

INSTANCES = Path(__file__).resolve().parents[1].parent / "shared" / "instances"
SETS = {
    "solomon": ("solomon", "*.txt", "bks.csv", "dimacs_distance"),
    "homberger": ("homberger", "*.vrp", "bks.csv", "cost"),
    "homberger_200": ("homberger_200", "*.txt", "bks.csv", "dimacs_distance"),
}


def best_known(set_name: str) -> dict[str, float]:
    """Best-known DIMACS distances of a set, by instance name."""
    folder, _, table, column = SETS[set_name]
    with (INSTANCES / folder / table).open() as handle:
        return {row["instance"]: float(row[column]) for row in csv.DictReader(handle)}


def checked(bench: Benchmark, routes: list[list[int]]) -> tuple[float, bool]:
    """DIMACS cost of routes given as customer numbers, and whether our checker accepts them."""
    problem, travel = to_problem(bench)
    instance = compile_instance(problem, travel)
    by_vehicle = {k: tuple(c - 1 for c in r) for k, r in enumerate(routes) if r}
    served = sorted(c for r in routes for c in r)
    try:
        plan = assemble_plan(problem, instance, SolveResult(by_vehicle, None, "", 0.0), SolverInfo(solver="peer"))
    except ValueError:
        return route_distance(bench, routes), False
    valid = optimizer.check(problem, plan, travel=travel).ok
    complete = served == list(range(1, bench.customers + 1)) and len(routes) <= bench.vehicles
    return route_distance(bench, routes), valid and complete


def ours(bench: Benchmark, seconds: float, seed: int) -> list[list[int]]:
    """Our engine's routes (customer numbers), default back-end."""
    problem, travel = to_problem(bench)
    return _customers(optimizer.solve(problem, time_limit=seconds, seed=seed, travel=travel))


def before(python: Path, bench: Benchmark, seconds: float, seed: int) -> list[list[int]]:
    """The routes (customer numbers) of the engine whose ``python`` :func:`engine_at` gave,
    default back-end, on the same problem and matrix as :func:`ours`."""
    problem, travel = to_problem(bench)
    plan = solve_with(python, problem, time_limit=seconds, seed=seed, travel=travel)
    if plan is None:
        return []
    assert isinstance(plan, optimizer.Plan)
    return _customers(plan)


def _customers(plan: optimizer.Plan) -> list[list[int]]:
    """A plan's routes as customer numbers (the benchmark's order ids)."""
    return [[int(o) for o in route.order_ids] for route in plan.routes]


def _shown(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def fieldservice(args: argparse.Namespace) -> int:
    """Generated field-service instances: our objective against peers (and, with
    ``--baseline REV``, this engine at that revision) at equal time."""
    from fieldservice import ortools_plain, vroom_alone

    peers = {"vroom": vroom_alone, "ortools": ortools_plain}
    chosen = [p for p in args.peers.split(",") if p]
    unknown = set(chosen) - set(peers) - {"legacy"}
    if unknown:
        raise SystemExit(f"unknown peers {sorted(unknown)}: choose from legacy, {', '.join(peers)}")
    args.out.mkdir(parents=True, exist_ok=True)
    with engine_at(args.baseline) if args.baseline else contextlib.nullcontext() as old:
        rows = _fieldservice_rows(args, chosen, peers, old)
    _write_csv(args.out / "results.csv", rows)
    return 0


def _fieldservice_rows(
    args: argparse.Namespace, chosen: list[str], peers: dict[str, Any], old: Path | None
) -> list[dict[str, Any]]:
    """One row per generated size: ours, each peer and (with ``old``, the python of the
    engine at ``--baseline``) the previous version, all scored by our checker; printed as
    they come."""
    from bound import lower_bound

    from optimizer.testing import problems as synthetic

    if old is not None:
        chosen = [*chosen, "before"]
    rows = []
    print(
        f"{'size':<16} {'objective':>11} {'planned':>9} {'sec':>6} valid {'bound':>11}"
        + "".join(f" {p:>11} {'ours/' + p:>11} {'excess':>7}" for p in chosen)
    )
    for size in map(int, args.sizes.split(",")):
        technicians = max(4, size // 15)
        problem = synthetic.problem(size, technicians, days=args.days, seed=args.seed, backlog=args.backlog)
        began = time.perf_counter()
        plan = optimizer.solve(problem, time_limit=args.time_limit, seed=args.seed)
        seconds = time.perf_counter() - began
        name = f"{size}x{technicians}x{args.days}d"
        row = {
            "instance": name,
            "objective": round(plan.kpis.objective, 2),
            "planned": plan.kpis.orders_planned,
            "seconds": round(seconds, 2),
            "valid": optimizer.check(problem, plan).ok,
        }
        instance = compile_instance(problem)
        bound = lower_bound(instance)
        row["bound"] = round(bound, 2)
        for peer in chosen:
            try:
                if peer == "legacy":  # the whole engine as it was: VROOM, OR-tools, the supply pass
                    peer_plan = optimizer.solve(problem, time_limit=args.time_limit, seed=args.seed, solver="legacy")
                elif peer == "before":  # this engine at --baseline
                    assert old is not None
                    before = solve_with(old, problem, time_limit=args.time_limit, seed=args.seed)
                    if before is None:
                        raise ValueError("the baseline's plan cannot be read by this version")
                    peer_plan = before
                else:
                    found = peers[peer](instance, args.time_limit)
                    peer_plan = assemble_plan(problem, instance, found, SolverInfo(solver=peer))
                report = optimizer.check(problem, peer_plan)
                cost, valid = report.objective, report.ok
            except ValueError:
                cost, valid = None, False
            row |= {
                f"{peer}_objective": None if cost is None else round(cost, 2),
                f"{peer}_valid": valid,
                f"ratio_{peer}": round(plan.kpis.objective / cost, 4) if valid and cost else None,
                # ours above the bound against the peer above it: the ratio of what each could still save
                f"excess_{peer}": round((plan.kpis.objective - bound) / (cost - bound), 4)
                if valid and cost is not None and cost > bound
                else None,
            }
        rows.append(row)
        print(
            f"{name:<16} {row['objective']:>11.1f} {row['planned']:>4}/{size:<4} {seconds:>6.1f} "
            f"{row['valid']!s:<5} {bound:>11.1f}"
            + "".join(
                f" {_shown(row[f'{p}_objective']):>11} {_shown(row[f'ratio_{p}']):>11} {_shown(row[f'excess_{p}']):>7}"
                for p in chosen
            ),
            flush=True,
        )
    return rows


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        fields = list(dict.fromkeys(key for row in rows for key in row)) or ["instance"]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


MODULES = (
    "parts",
    "rules",
    "replan",
    "offers",
    "durations",
    "scale",
    "travel",
    "regions",
    "rolling",
    "trsp",
    "moves",
    "fuzz",
)
"""Benchmarks that are a module of this folder with a ``run(args) -> rows`` function."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark runner")
    parser.add_argument("problem", choices=["vrptw", "fieldservice", *MODULES])
    parser.add_argument(
        "--sizes",
        default="300,1000",
        help="fieldservice, parts, rules: numbers of orders; scale: ORDERSxTECHNICIANSxDAYS",
    )
    parser.add_argument("--days", type=int, default=2, help="fieldservice, parts: days in the horizon")
    parser.add_argument("--set", choices=sorted(SETS), default="solomon", help="vrptw: instance set")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--instances", help="comma-separated instance names (default: all of the set)")
    group.add_argument("--files", nargs="+", type=Path, help="instance files instead of a set")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance and solver")
    parser.add_argument(
        "--peers", default="", help="comma-separated: vrptw pyvrp,vroom,ortools; fieldservice legacy,vroom,ortools"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000, help="fuzz: malformed exports to plan (seeds from --seed)")
    parser.add_argument("--seeds", default="0,1,2", help="replan, rules: generated days")
    parser.add_argument(
        "--base-time-limit", type=float, default=30.0, help="replan, offers: seconds for the morning plan"
    )
    parser.add_argument("--orders", type=int, default=150, help="travel: orders of the planned day")
    parser.add_argument("--technicians", type=int, default=10, help="travel, rolling, offers, durations: technicians")
    parser.add_argument("--workers", default="1,2", help="regions: numbers of Dask workers")
    parser.add_argument("--region-technicians", type=int, default=60, help="regions: technicians per region")
    parser.add_argument(
        "--neighbours", type=int, default=2, help="regions: neighbouring regions a leftover is offered to in turn"
    )
    parser.add_argument(
        "--unpartitioned",
        action="store_true",
        help="regions: also solve the whole instance in one process for as long as 2 workers took",
    )
    parser.add_argument(
        "--baseline",
        help="vrptw, fieldservice, rolling: a git revision whose engine runs beside this one (column 'before')",
    )
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="fieldservice: a real night's mix (overdue backlog, deferrable maintenance, emergencies without due, "
        "two windows, installations of a day or two)",
    )
    parser.add_argument(
        "--light", action="store_true", help="rules: a day of ordinary load (no backlog, twice the technicians)"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.problem == "fieldservice":
        return fieldservice(args)
    if args.problem in MODULES:
        run = __import__(args.problem).run
        args.out.mkdir(parents=True, exist_ok=True)
        rows = run(args)
        _write_csv(args.out / "results.csv", rows)
        return 0 if all(r["valid"] for r in rows) else 1

    if args.files:
        files, bks = args.files, {}
    else:
        folder, pattern, _, _ = SETS[args.set]
        if not (INSTANCES / folder).is_dir():
            print(
                f"skipped: benchmark instances not found at {INSTANCES / folder} "
                "(expected ../shared/instances beside the project checkout)"
            )
            return 0
        bks = best_known(args.set)
        files = sorted((INSTANCES / folder).glob(pattern))
        if args.instances:
            wanted = args.instances.split(",")
            files = [f for f in files if f.stem in wanted]
    with engine_at(args.baseline) if args.baseline else contextlib.nullcontext() as old:
        rows = _vrptw_rows(args, files, bks, old)
    _write_csv(args.out / "results.csv", rows)
    return 0


def _vrptw_rows(args: argparse.Namespace, files: list[Path], bks: dict[str, float], old: Path | None) -> list[dict]:
    """One row per instance file: ours, each peer and (with ``old``, the python of the engine
    at ``--baseline``) the previous version, all re-checked; printed as they come, then a
    summary line per solver."""
    from peers import PEERS

    peers = [p for p in args.peers.split(",") if p]
    solvers = dict(PEERS)
    if old is not None:
        peers.append("before")
        solvers["before"] = lambda bench, seconds, seed: before(old, bench, seconds, seed)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    header = f"{'instance':<10} {'bks':>9} {'cost':>9} {'gap%':>6} {'routes':>6} {'sec':>6} valid"
    print(header + "".join(f" {p:>9} {'ours/' + p:>11}" for p in peers))
    for path in files:
        bench = read(path)
        began = time.perf_counter()
        routes = ours(bench, args.time_limit, args.seed)
        seconds = time.perf_counter() - began
        cost, valid = checked(bench, routes)
        write_sol(args.out / f"{bench.name}.sol", routes, cost)
        known = bks.get(bench.name)
        row = {
            "instance": bench.name,
            "bks": known,
            "cost": cost,
            "gap_pct": _gap(cost, known),
            "routes": len([r for r in routes if r]),
            "seconds": round(seconds, 2),
            "valid": valid,
        }
        for peer in peers:
            peer_routes = solvers[peer](bench, args.time_limit, args.seed)
            peer_cost, peer_valid = checked(bench, peer_routes) if peer_routes else (None, False)
            row |= {
                f"{peer}_cost": peer_cost,
                f"{peer}_valid": peer_valid,
                f"{peer}_gap_pct": _gap(peer_cost, known) if peer_valid else None,
                f"ratio_{peer}": round(cost / peer_cost, 4) if peer_valid else None,
            }
        rows.append(row)
        gap = "" if row["gap_pct"] is None else f"{row['gap_pct']:6.2f}"
        print(
            f"{bench.name:<10} {known or '':>9} {cost:>9.1f} {gap:>6} {row['routes']:>6} "
            f"{seconds:>6.1f} {valid}"
            + "".join(f" {_shown(row[f'{p}_cost']):>9} {_shown(row[f'ratio_{p}']):>11}" for p in peers),
            flush=True,
        )
    for who in ["ours", *peers]:
        print(_summary(who, rows, "" if who == "ours" else f"{who}_"))
    return rows


def _gap(cost: float, known: float | None) -> float | None:
    """Gap of ``cost`` above the best-known value, per cent."""
    return None if known is None else round(100 * (cost - known) / known, 3)


def _summary(who: str, rows: list[dict], prefix: str) -> str:
    """One line: mean gap, mean ratio of our cost to this solver's, how many valid."""
    gaps = [r[f"{prefix}gap_pct"] for r in rows if r[f"{prefix}gap_pct"] is not None]
    valid = sum(bool(r[f"{prefix}valid"]) for r in rows)
    line = f"{who:<8} valid {valid}/{len(rows)}"
    if gaps:
        line += f", mean gap {sum(gaps) / len(gaps):.3f}% over {len(gaps)}"
    ratios = [r[f"ratio_{who}"] for r in rows if r.get(f"ratio_{who}") is not None]
    if ratios:
        line += f", mean ours/{who} {sum(ratios) / len(ratios):.4f}"
    return line


if __name__ == "__main__":
    sys.exit(main())
