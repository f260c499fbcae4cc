"""The benchmark runner's readers, conversion and output (not its timings).

The best-known route sets must pass our checker at their published cost: that is what
makes the gaps in ``RESULTS.md`` mean something (same DIMACS convention, same model).
Needs ``../shared/instances`` beside the project checkout; skips with a message where
it is absent.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

from vrptw import read, read_sol, route_distance


@pytest.fixture(scope="module")
def instances() -> Path:
    """The shared benchmark folder."""
    if not run.INSTANCES.is_dir():
        pytest.skip(f"benchmark instances not found at {run.INSTANCES}")
    return run.INSTANCES


@pytest.mark.parametrize("name", ["C101", "R102", "RC105", "R211"])
def test_solomon_best_known_routes_pass_the_checker(instances: Path, name: str) -> None:
    """Solomon best-known DIMACS routes (R102, RC105, R211 are feasible only under the
    DIMACS truncation) are accepted by our checker at the best-known distance."""
    bench = read(instances / "solomon" / f"{name}.txt")
    assert (bench.customers, bench.vehicles) == (100, 25)
    routes = read_sol(instances / "solomon" / "dimacs_routes" / f"{name}.sol")
    cost, valid = run.checked(bench, routes)
    assert valid
    assert cost == pytest.approx(run.best_known("solomon")[name], abs=0.05)


def test_homberger_reader_and_best_known_routes(instances: Path) -> None:
    """A Gehring-Homberger 1000 VRPLIB file reads into 1,000 customers and 250 vehicles,
    and its best-known routes pass our checker at their cost."""
    bench = read(instances / "homberger" / "RC2_10_1.vrp")
    assert (bench.customers, bench.vehicles, bench.capacity) == (1000, 250, 1000)
    routes = read_sol(instances / "homberger" / "RC2_10_1.sol")
    cost, valid = run.checked(bench, routes)
    assert valid
    assert cost == pytest.approx(run.best_known("homberger")["RC2_10_1"], abs=0.05)


def test_checker_rejects_incomplete_or_late_routes(instances: Path) -> None:
    """Dropping a customer, or reversing a route so windows are missed, is not valid."""
    bench = read(instances / "solomon" / "C101.txt")
    routes = read_sol(instances / "solomon" / "dimacs_routes" / "C101.sol")
    assert not run.checked(bench, [routes[0][1:], *routes[1:]])[1]
    assert not run.checked(bench, [routes[0][::-1], *routes[1:]])[1]


def test_vrptw_run_writes_solutions_and_results(instances: Path, tmp_path: Path) -> None:
    """One short run writes a VRPLIB ``.sol`` whose routes re-check to the reported cost,
    and ``results.csv`` with the documented columns and a PyVRP ratio."""
    code = run.main(
        [
            "vrptw",
            "--set",
            "solomon",
            "--instances",
            "C201",
            "--time-limit",
            "2",
            "--peers",
            "pyvrp",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    with (tmp_path / "results.csv").open() as handle:
        (row,) = list(csv.DictReader(handle))
    assert {"instance", "bks", "cost", "gap_pct", "routes", "seconds", "valid", "ratio_pyvrp"} <= set(row)
    assert row["instance"] == "C201" and row["valid"] == "True"
    routes = read_sol(tmp_path / "C201.sol")
    bench = read(instances / "solomon" / "C201.txt")
    assert sorted(c for r in routes for c in r) == list(range(1, 101))
    assert route_distance(bench, routes) == pytest.approx(float(row["cost"]))
    assert float(row["gap_pct"]) == pytest.approx(
        100 * (float(row["cost"]) - float(row["bks"])) / float(row["bks"]), abs=1e-3
    )


def test_fieldservice_run_scores_ours_and_peers(tmp_path: Path) -> None:
    """The field-service runner scores our plan and each peer's with the checker."""
    code = run.main(
        [
            "fieldservice",
            "--sizes",
            "40",
            "--days",
            "1",
            "--time-limit",
            "2",
            "--peers",
            "vroom,ortools",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    with (tmp_path / "results.csv").open() as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["valid"] == row["vroom_valid"] == row["ortools_valid"] == "True"
    assert float(row["ratio_vroom"]) == pytest.approx(float(row["objective"]) / float(row["vroom_objective"]), abs=1e-3)
