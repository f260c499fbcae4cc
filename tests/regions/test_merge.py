"""Merging region plans: one plan the checker accepts as a whole, the same routes as
the regions planned alone."""

from __future__ import annotations

from typing import Any

import pytest

import optimizer
from optimizer.models import Problem, SolveOptions
from optimizer.regions.cluster import solve_region, solve_regions
from optimizer.regions.split import split

from conftest import REGION_OPTIONS


def test_merged_regions_are_one_checked_plan(client: Any, generated: Problem) -> None:
    plan = solve_regions(generated, client=client, max_technicians=5, neighbours=0, **REGION_OPTIONS)
    report = optimizer.check(generated, plan)
    assert report.ok, str(report)
    assert report.objective == pytest.approx(plan.kpis.objective)
    alone = {
        r.name: solve_region(r.problem, SolveOptions(**REGION_OPTIONS)) for r in split(generated, max_technicians=5)
    }
    expected = sorted((route.technician_id, route.date, route.order_ids) for p in alone.values() for route in p.routes)
    assert sorted((r.technician_id, r.date, r.order_ids) for r in plan.routes) == expected
    assert plan.kpis.orders_planned == sum(p.kpis.orders_planned for p in alone.values()) > 0
