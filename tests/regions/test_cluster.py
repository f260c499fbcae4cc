"""Regions planned on Dask: a failing region reported, a region retried, a dead worker's
region planned on another, and the command line on a ``LocalCluster`` of 2 worker
processes or on a cluster of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from dask.distributed import Client

import optimizer
from optimizer.cli import EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.io.plan_folder import read_plan
from optimizer.models import Plan, Problem, SolveOptions
from optimizer.models.reasons import Reason
from optimizer.regions.cluster import solve_region, solve_regions
from optimizer.regions.split import split

from conftest import REGION_OPTIONS, sample_flags

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module


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
        generated,
        client=client,
        max_technicians=5,
        task=fails_in(doomed.problem.technicians[0].id, None),
        **REGION_OPTIONS,
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
        generated, client=client, max_technicians=5, task=fails_in(first, tmp_path / "marker"), **REGION_OPTIONS
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
        generated,
        client=client,
        max_technicians=5,
        neighbours=0,
        task=dies_once(tmp_path / "marker"),
        **REGION_OPTIONS,
    )
    assert (tmp_path / "marker").exists()
    assert optimizer.check(generated, plan).ok
    assert not any(u.reason == Reason.REGION_FAILED.value for u in plan.unplanned)


def test_plan_with_workers_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    code = main(
        [
            "plan",
            *sample_flags(3),
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
            *sample_flags(3),
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


def test_local_workers_are_told_their_share_of_the_cores(client: Any) -> None:
    """Two local workers on this machine: each worker's solves may use half its cores."""
    told = client.run(lambda: os.environ.get("OPTIMIZER_CORES"))
    assert sorted(told.values()) == [str(max(1, (os.cpu_count() or 1) // 2))] * 2
