"""Plans and routes: JSON written and read back unchanged, a route's figures, stops' validation."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from optimizer.models import Plan, Route, Stop, StopKind

from conftest import MONDAY, at, make_stop


def test_frames_json_round_trip(plan: Plan) -> None:
    """A plan written to JSON and read back holds the same data and writes the same JSON."""
    loaded = Plan.model_validate_json(plan.model_dump_json())
    assert loaded.model_dump() == plan.model_dump()
    assert loaded.model_dump_json() == plan.model_dump_json()


def test_a_route_sums_its_drives_and_lists_its_orders_in_sequence() -> None:
    stops = (
        make_stop(StopKind.START, "08:00"),
        make_stop(StopKind.PICKUP, "08:10", "08:10", "08:20", depot_id="D1", travel_min=10, travel_km=7.5),
        make_stop(StopKind.ORDER, "08:30", "08:30", "09:30", order_id="B", travel_min=10, travel_km=6),
        make_stop(StopKind.BREAK, "09:30", "09:30", "10:00"),
        make_stop(StopKind.ORDER, "10:05", "10:05", "11:00", order_id="A", travel_min=5, travel_km=2),
        make_stop(StopKind.END, "11:20", travel_min=20, travel_km=14.5),
    )
    route = Route(technician_id="T1", date=MONDAY, stops=stops)
    assert route.order_ids == ["B", "A"]
    assert route.travel_min == 45 and route.travel_km == pytest.approx(30)


def test_a_stop_refuses_negative_figures_and_naive_times() -> None:
    with pytest.raises(ValidationError):
        make_stop(StopKind.ORDER, "08:00", "08:00", "09:00", order_id="A", travel_min=-1)
    with pytest.raises(ValidationError, match="timezone info"):
        Stop(kind=StopKind.START, arrival=dt.datetime(2026, 11, 23, 8), start=at("08:00"), end=at("08:00"))
