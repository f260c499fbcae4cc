"""Plans as DataFrames and JSON, and the atomic plan-folder writer."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from optimizer.io.frames import (
    OFFER_COLUMNS,
    UNASSIGNED_COLUMNS,
    VISIT_COLUMNS,
    days_frame,
    offers_frame,
    unassigned_frame,
    visits_frame,
)
from optimizer.models import Plan, Problem
from optimizer.models.booking import ClosedDay, Offer, Offers

from conftest import at, solve_checked


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


def test_offers_frame_lists_offers_then_closed_days() -> None:
    """Offers by rank with ISO times, then each day without an offer, blank but its
    date and reason."""
    offer = Offer(
        rank=1,
        start=at("10:00"),
        end=at("12:00"),
        technician_id="T1",
        planned_start=at("10:40"),
        cost=3.5,
        sla_met=False,
    )
    closed = ClosedDay(date=dt.date(2026, 11, 28), reason="nobody works that day")
    frame = offers_frame(Offers(order_id="N", now=at("07:00"), slot_min=120, offers=(offer,), closed=(closed,)))
    assert list(frame.columns) == list(OFFER_COLUMNS)
    first, second = frame.to_dict("records")
    assert (first["rank"], first["start"], first["end"]) == (
        1,
        "2026-11-23T10:00:00+01:00",
        "2026-11-23T12:00:00+01:00",
    )
    assert (first["technician_id"], first["cost"], first["sla_met"], first["date"]) == ("T1", 3.5, False, "2026-11-23")
    assert first["planned_start"] == "2026-11-23T10:40:00+01:00" and first["reason"] == ""
    assert pd.isna(second["rank"]) and second["date"] == "2026-11-28" and second["reason"] == "nobody works that day"
