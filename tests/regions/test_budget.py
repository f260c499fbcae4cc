"""One time budget for regions: shares by work over the slots, limits cut to a deadline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from optimizer.models import Plan, Problem, SolveOptions
from optimizer.regions.budget import MIN_REGION_S, cut, shares, work
from optimizer.regions.cluster import solve_region, solve_regions
from optimizer.regions.split import split

from conftest import REGION_OPTIONS


def test_regions_that_all_run_at_once_each_get_the_whole_budget() -> None:
    assert shares([5.0, 1.0], slots=2, seconds=30.0) == [30.0, 30.0]


def test_queued_regions_share_the_slots_seconds_by_work() -> None:
    """Four regions on two slots: each its part of 2 x 30 s by work, never more than the
    whole budget, never less than the minimum; the total fits the slots."""
    given = shares([1.0, 1.0, 1.0, 1.0], slots=2, seconds=30.0)
    assert given == [15.0, 15.0, 15.0, 15.0]
    skewed = shares([10.0, 1.0, 1.0], slots=2, seconds=30.0)
    assert skewed[0] == 30.0 and skewed[1] == pytest.approx(5.0)
    tiny = shares([1000.0, 1.0, 1.0], slots=1, seconds=10.0)
    assert tiny[1] == MIN_REGION_S


def test_work_is_orders_times_technician_days(generated: Problem) -> None:
    days = sum(1 for t in generated.technicians for d in generated.dates if t.works_on(d))
    assert work(generated) == len(generated.orders) * days


def test_a_task_that_starts_late_gets_what_is_left() -> None:
    options = SolveOptions(time_limit=20.0)
    assert cut(options, time.time() + 5.0).time_limit == pytest.approx(5.0, abs=0.5)
    assert cut(options, time.time() + 100.0).time_limit == 20.0
    assert cut(options, time.time() - 3.0).time_limit == MIN_REGION_S


def recording(folder: Path) -> Any:
    """A region task that writes the time limit it was given and when it began to a
    file named after the region's first technician (tasks run in worker processes)."""

    def task(problem: Problem, options: SolveOptions) -> Plan:
        (folder / problem.technicians[0].id).write_text(f"{options.time_limit} {time.time()}")
        return solve_region(problem, options)

    return task


def test_regions_share_one_budget_on_the_cluster(client: Any, generated: Problem, tmp_path: Path) -> None:
    """More regions than worker slots: each task's limit is at most its share of the
    budget and ends by the deadline however late it starts; with region_time_limit
    each gets that limit instead."""
    regions = split(generated, max_technicians=3)
    slots = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
    assert len(regions) > slots
    budget = 6.0
    options = {**REGION_OPTIONS, "time_limit": budget}
    deadline = time.time() + budget
    plan = solve_regions(generated, client=client, max_technicians=3, neighbours=0, task=recording(tmp_path), **options)
    assert plan.info.status.startswith(f"{len(regions)} of {len(regions)}")
    expected = shares([work(r.problem) for r in regions], slots, budget)
    for region, share in zip(regions, expected, strict=True):
        limit, began = map(float, (tmp_path / region.problem.technicians[0].id).read_text().split())
        assert limit <= share + 1e-6
        assert began + limit <= deadline + 1.0 or limit == MIN_REGION_S

    solve_regions(
        generated,
        client=client,
        max_technicians=3,
        neighbours=0,
        region_time_limit=2.0,
        task=recording(tmp_path),
        **options,
    )
    limits = [float((tmp_path / r.problem.technicians[0].id).read_text().split()[0]) for r in regions]
    assert limits == [2.0] * len(regions)
