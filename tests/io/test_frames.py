"""Plans as DataFrames and JSON, and the atomic plan-folder writer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.io.frames import UNASSIGNED_COLUMNS, VISIT_COLUMNS, days_frame, unassigned_frame, visits_frame
from optimizer.io.plan_folder import PLAN_FILES, write_plan
from optimizer.models import Plan, Problem

from conftest import lunch, make_order, make_problem, make_technician, solve_checked


@pytest.fixture(scope="module")
def problem() -> Problem:
    """A small problem with a break and one order nobody is skilled for."""
    orders = [make_order(f"O{i}", lat=49.45 + 0.01 * i, duration_min=100) for i in range(6)]
    orders.append(make_order("GAS", skills={"gas": 1}))
    return make_problem(orders, [make_technician(break_=lunch())])


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    """Its plan, with one unplanned order."""
    return solve_checked(problem)


def test_frames_visits_columns_and_dtypes(plan: Plan) -> None:
    """Visits have the documented columns; timestamps are tz-aware in the plan's zone."""
    frame = visits_frame(plan)
    assert list(frame.columns) == list(VISIT_COLUMNS)
    assert str(frame["start"].dt.tz) == "Europe/Berlin"
    assert frame["seq"].dtype == "int64"
    assert frame.groupby(["technician_id", "date"])["seq"].apply(list).map(lambda s: s == list(range(len(s)))).all()
    assert len(frame) == sum(len(r.stops) for r in plan.routes)


def test_frames_unassigned(plan: Plan) -> None:
    """Unplanned orders come with urgency, reason and explanation."""
    frame = unassigned_frame(plan)
    assert list(frame.columns) == list(UNASSIGNED_COLUMNS)
    assert frame.set_index("order_id").loc["GAS", "reason"] == "no_skilled_technician"


def test_frames_json_round_trip(plan: Plan) -> None:
    """A plan written to JSON and read back holds the same data and writes the same JSON."""
    loaded = Plan.model_validate_json(plan.model_dump_json())
    assert loaded.model_dump() == plan.model_dump()
    assert loaded.model_dump_json() == plan.model_dump_json()


def test_writer_replaces_files_atomically(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    """Writing twice replaces the files and leaves no temporary folders behind."""
    out = tmp_path / "plan"
    write_plan(problem, plan, out)
    write_plan(problem, plan, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)
    assert len(pd.read_csv(out / "visits.csv")) == len(visits_frame(plan))


def test_days_frame_has_a_row_per_day_with_the_totals(sample_problem: Problem) -> None:
    """The per-day figures add up to the plan's totals; dtypes as documented."""
    plan = solve_checked(sample_problem, solver="insertion")
    frame = days_frame(plan)
    assert list(frame["date"]) == sample_problem.dates
    assert frame["orders_planned"].sum() == plan.kpis.orders_planned
    assert frame["travel_km"].sum() == pytest.approx(plan.kpis.travel_km)
    assert str(frame["orders_planned"].dtype) == "int64" and str(frame["travel_min"].dtype) == "float64"
