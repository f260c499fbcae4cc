"""Plans as DataFrames and JSON, and the atomic plan-folder writer."""

from __future__ import annotations

import pytest

from optimizer.io.frames import UNASSIGNED_COLUMNS, VISIT_COLUMNS, days_frame, unassigned_frame, visits_frame
from optimizer.models import Plan, Problem

from conftest import solve_checked


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


def test_days_frame_has_a_row_per_day_with_the_totals(sample_problem: Problem) -> None:
    """The per-day figures add up to the plan's totals; dtypes as documented."""
    plan = solve_checked(sample_problem, solver="insertion")
    frame = days_frame(plan)
    assert list(frame["date"]) == sample_problem.dates
    assert frame["orders_planned"].sum() == plan.kpis.orders_planned
    assert frame["travel_km"].sum() == pytest.approx(plan.kpis.travel_km)
    assert str(frame["orders_planned"].dtype) == "int64" and str(frame["travel_min"].dtype) == "float64"
