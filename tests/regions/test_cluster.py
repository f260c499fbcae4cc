"""Regions planned apart on a Dask ``LocalCluster`` of 2 worker processes: splitting,
merging into one plan the checker accepts as a whole, a failing region, sweeps."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pandas as pd
import pytest
from dask.distributed import Client

import optimizer
from optimizer import scenarios
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.io.plan_folder import read_plan
from optimizer.models import Plan, Problem, SolveOptions
from optimizer.models.reasons import Reason
from optimizer.regions.cluster import dask_client, solve_region, solve_regions
from optimizer.regions.split import split
from optimizer.testing import problems as synthetic

from conftest import SAMPLES, make_order, make_problem, make_technician, solve_checked

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module

OPTIONS = {"time_limit": 5.0, "max_solutions": 30, "seed": 0, "solver": "auto"}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def generated() -> Problem:
    return synthetic.problem(240, 16, seed=3)


def test_automatic_regions_cover_everything_once(generated: Problem) -> None:
    regions = split(generated, max_technicians=5)
    assert len(regions) >= 4
    assert all(len(r.problem.technicians) <= 5 for r in regions)
    for kind in ("orders", "technicians", "depots"):
        ids = [x.id for r in regions for x in getattr(r.problem, kind)]
        assert sorted(ids) == sorted(x.id for x in getattr(generated, kind))


def test_the_region_column_is_followed_unless_nobody_there_qualifies() -> None:
    north = make_technician("T-N", lat=49.6, region="north", skills={"hvac": 2})
    south = make_technician("T-S", lat=49.3, region="south", skills={"gas": 1})
    orders = [
        make_order("O-north", lat=49.6, region="north", skills={"hvac": 1}),
        make_order("O-gas", lat=49.6, region="north", skills={"gas": 1}),  # only the south has gas
        make_order("O-none", lat=49.31),  # no region: the nearest qualified technician's
        make_order("O-required", lat=49.6, region="north", technician="T-S"),
    ]
    regions = {r.name: r.problem for r in split(make_problem(orders, [north, south]))}
    assert [o.id for o in regions["north"].orders] == ["O-north"]
    assert sorted(o.id for o in regions["south"].orders) == ["O-gas", "O-none", "O-required"]


def test_merged_regions_are_one_checked_plan(client: Any, generated: Problem) -> None:
    plan = solve_regions(generated, client=client, max_technicians=5, second_chance=False, **OPTIONS)
    report = optimizer.check(generated, plan)
    assert report.ok, str(report)
    assert report.objective == pytest.approx(plan.kpis.objective)
    alone = {r.name: solve_region(r.problem, SolveOptions(**OPTIONS)) for r in split(generated, max_technicians=5)}
    expected = sorted((route.technician_id, route.date, route.order_ids) for p in alone.values() for route in p.routes)
    assert sorted((r.technician_id, r.date, r.order_ids) for r in plan.routes) == expected
    assert plan.kpis.orders_planned == sum(p.kpis.orders_planned for p in alone.values()) > 0


def test_leftovers_get_a_second_chance_next_door(client: Any) -> None:
    """North's one technician has time for two of its three long orders; the third,
    near the border, is planned by South's idle technician."""
    north = make_technician("T-N", lat=49.60, region="north")
    south = make_technician("T-S", lat=49.40, region="south")
    orders = [make_order(f"O-{k}", lat=49.52, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)]
    problem = make_problem(orders, [north, south])
    without = solve_regions(problem, client=client, second_chance=False, **OPTIONS)
    assert without.kpis.orders_planned == 2
    plan = solve_regions(problem, client=client, **OPTIONS)
    assert optimizer.check(problem, plan).ok
    assert plan.kpis.orders_planned == 3 and not plan.unplanned
    assert {r.technician_id for r in plan.routes} == {"T-N", "T-S"}
    assert plan.kpis.objective < without.kpis.objective


def fails_in(region_name: str, marker: Path | None) -> Any:
    """A region task that raises for the region holding ``region_name``'s first
    technician: always, or (with a ``marker`` file) only the first time."""

    def task(problem: Problem, options: SolveOptions) -> Plan:
        if any(t.id == region_name for t in problem.technicians) and (marker is None or not marker.exists()):
            if marker is not None:
                marker.write_text("failed once")
            raise RuntimeError("injected failure")
        return solve_region(problem, options)

    return task


def test_a_failing_region_is_reported_and_the_others_stand(client: Any, generated: Problem) -> None:
    regions = split(generated, max_technicians=5)
    doomed = regions[1]
    plan = solve_regions(
        generated, client=client, max_technicians=5, task=fails_in(doomed.problem.technicians[0].id, None), **OPTIONS
    )
    assert optimizer.check(generated, plan).ok
    lost = {u.order_id: u for u in plan.unplanned if u.reason == Reason.REGION_FAILED.value}
    assert set(lost) == {o.id for o in doomed.problem.orders}
    assert "RuntimeError: injected failure" in next(iter(lost.values())).detail
    assert {r.technician_id for r in plan.routes} & {t.id for t in regions[0].problem.technicians}
    assert not {r.technician_id for r in plan.routes} & {t.id for t in doomed.problem.technicians}
    assert f"failed: {doomed.name}" in plan.info.status


def test_a_region_that_fails_once_is_retried(client: Any, generated: Problem, tmp_path: Path) -> None:
    first = split(generated, max_technicians=5)[0].problem.technicians[0].id
    plan = solve_regions(
        generated, client=client, max_technicians=5, task=fails_in(first, tmp_path / "marker"), **OPTIONS
    )
    assert (tmp_path / "marker").exists()
    assert not any(u.reason == Reason.REGION_FAILED.value for u in plan.unplanned)
    assert plan.info.status.startswith(f"{len(split(generated, max_technicians=5))} of")


def dies_once(marker: Path) -> Any:
    """A region task whose worker process dies (no exception, no answer) the first time."""

    def task(problem: Problem, options: SolveOptions) -> Plan:
        if not marker.exists():
            marker.write_text("died once")
            os._exit(1)
        return solve_region(problem, options)

    return task


def test_a_region_whose_worker_dies_is_planned_on_another(client: Any, generated: Problem, tmp_path: Path) -> None:
    plan = solve_regions(
        generated, client=client, max_technicians=5, second_chance=False, task=dies_once(tmp_path / "marker"), **OPTIONS
    )
    assert (tmp_path / "marker").exists()
    assert optimizer.check(generated, plan).ok
    assert not any(u.reason == Reason.REGION_FAILED.value for u in plan.unplanned)


def test_a_sweep_on_the_cluster_equals_the_sequential_one(client: Any) -> None:
    base = synthetic.problem(60, 5, seed=1)
    variants = {"base": base, "two days": base.with_changes(days=2)}
    settings = {"time_limit": 5.0, "max_solutions": 30}
    on_cluster, plans = scenarios.run(variants, client=client, **settings)
    in_process, _ = scenarios.run(variants, workers=1, **settings)
    columns = [c for c in scenarios.KPI_COLUMNS if c != "solve_s"]
    assert on_cluster[columns].equals(in_process[columns])
    assert all(optimizer.check(variants[name], plan).ok for name, plan in plans.items())


def test_plan_with_workers_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    code = main(
        [
            "plan",
            "--orders",
            str(SAMPLES / "orders.csv"),
            "--technicians",
            str(SAMPLES / "technicians.csv"),
            "--depots",
            str(SAMPLES / "depots.csv"),
            "--start",
            "2026-11-23",
            "--days",
            "3",
            "--tz",
            "Europe/Berlin",
            "--time-limit",
            "4",
            "--max-solutions",
            "30",
            "--workers",
            "2",
            "--region-technicians",
            "6",
            "--out",
            str(out),
        ]
    )
    assert code in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    problem, plan = read_plan(out)
    assert optimizer.check(problem, plan).ok
    count = len(split(problem, max_technicians=6))
    assert count >= 2
    assert plan.info.solver == "regions (auto)" and plan.info.status == f"{count} of {count} regions planned"


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[str]:
    """A Dask cluster of its own: ``dask scheduler`` and one ``dask worker`` process,
    started as an operator would, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    programs = Path(sys.executable).parent
    env = os.environ | {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    log = (tmp_path / "cluster.log").open("wb")
    started = [
        subprocess.Popen(
            [
                str(programs / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
            ],
            stdout=log,
            stderr=log,
            env=env,
        ),
        subprocess.Popen(
            [
                str(programs / "dask"),
                "worker",
                address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--dashboard-address",
                ":0",
            ],
            stdout=log,
            stderr=log,
            env=env,
        ),
    ]
    try:
        with Client(address, timeout=30) as probe_client:
            probe_client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)
        log.close()


def test_the_same_command_runs_on_a_cluster_of_its_own(scheduler: str, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    code = main(
        [
            "plan",
            "--orders",
            str(SAMPLES / "orders.csv"),
            "--technicians",
            str(SAMPLES / "technicians.csv"),
            "--depots",
            str(SAMPLES / "depots.csv"),
            "--start",
            "2026-11-23",
            "--days",
            "3",
            "--tz",
            "Europe/Berlin",
            "--time-limit",
            "4",
            "--max-solutions",
            "30",
            "--scheduler",
            scheduler,
            "--region-technicians",
            "6",
            "--out",
            str(out),
        ]
    )
    assert code in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    problem, plan = read_plan(out)
    assert optimizer.check(problem, plan).ok
    assert plan.info.status.endswith("regions planned")


def test_a_small_problem_is_one_region() -> None:
    problem = make_problem([make_order()], [make_technician()])
    assert [r.name for r in split(problem)] == ["R01"]
    solve_checked(split(problem)[0].problem)


def test_a_sweep_file_runs_on_the_cluster_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        '[scenario.base]\n[scenario."overtime"]\n'
        'update_technicians = { "T-01" = { max_overtime_min = 120 } }\n'
        '[scenario."travel costs more"]\nweights = { travel_per_min = 3.0 }\n'
    )
    out = tmp_path / "kpis.csv"
    flags = [
        "--orders",
        str(SAMPLES / "orders.csv"),
        "--technicians",
        str(SAMPLES / "technicians.csv"),
        "--depots",
        str(SAMPLES / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "1",
        "--tz",
        "Europe/Berlin",
        "--time-limit",
        "20",
        "--max-solutions",
        "5",
    ]
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--workers", "2", "--out", str(out)]) == EXIT_OK
    table = pd.read_csv(out)
    assert list(table["scenario"]) == ["base", "overtime", "travel costs more"]
    assert table["valid"].all()
    sequential = tmp_path / "sequential.csv"
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--out", str(sequential)]) == EXIT_OK
    columns = [c for c in scenarios.KPI_COLUMNS if c != "solve_s"]
    assert table[columns].equals(pd.read_csv(sequential)[columns])

    sweep.write_text('[scenario."bad"]\nupdate_technicians = { "T-99" = { max_overtime_min = 1 } }\n')
    capsys.readouterr()
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--out", str(tmp_path / "bad.csv")]) == EXIT_INVALID_INPUT
    assert "sweep.toml, column 'scenario.bad': " in capsys.readouterr().err
    assert not (tmp_path / "bad.csv").exists()
