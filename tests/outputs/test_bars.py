"""What the pictures share: a colour per technician, and a route cut into Gantt bars."""

from __future__ import annotations

import pytest

from optimizer.models import Route, StopKind
from optimizer.outputs.bars import BAR_COLOURS, PALETTE, segments, technician_colours

from conftest import MONDAY, at, make_problem, make_stop, make_technician


def test_each_technician_has_a_colour_in_problem_order_repeating() -> None:
    technicians = [make_technician(f"T{k:02}") for k in range(len(PALETTE) + 1)]
    colours = technician_colours(make_problem([], technicians))
    assert list(colours) == [t.id for t in technicians]
    assert colours["T00"] == PALETTE[0] and colours["T01"] == PALETTE[1]
    assert colours[f"T{len(PALETTE):02}"] == PALETTE[0]


def test_a_route_becomes_drive_wait_service_pickup_and_break_bars() -> None:
    """Leave 08:00, drive 20 min to a pickup 08:20-08:30, drive 15 min, wait 08:45-09:00,
    serve 09:00-10:00 (5 min late), a break 10:00-10:30, drive home 10 min."""
    stops = (
        make_stop(StopKind.START, "08:00"),
        make_stop(StopKind.PICKUP, "08:20", "08:20", "08:30", depot_id="D1", travel_min=20, travel_km=12.34),
        make_stop(StopKind.ORDER, "08:45", "09:00", "10:00", order_id="A", travel_min=15, travel_km=9, late_min=5),
        make_stop(StopKind.BREAK, "10:00", "10:00", "10:30"),
        make_stop(StopKind.END, "10:40", travel_min=10, travel_km=6),
    )
    bars = segments(Route(technician_id="T1", date=MONDAY, stops=stops))
    assert [(kind, start, end) for kind, start, end, _ in bars] == [
        ("travel", at("08:00"), at("08:20")),
        ("pickup", at("08:20"), at("08:30")),
        ("travel", at("08:30"), at("08:45")),
        ("wait", at("08:45"), at("09:00")),
        ("service", at("09:00"), at("10:00")),
        ("break", at("10:00"), at("10:30")),
        ("travel", at("10:30"), at("10:40")),
    ]
    tips = [tip for *_, tip in bars]
    assert tips[0] == "drive 20 min, 12.3 km" and tips[1] == "pickup at D1 08:20"
    assert tips[4] == "A 09:00-10:00, 5 min late" and tips[5] == "break 10:00-10:30"
    assert {kind for kind, *_ in bars} <= set(BAR_COLOURS)


def test_a_stop_without_drive_or_wait_is_its_service_alone() -> None:
    stops = (
        make_stop(StopKind.START, "08:00"),
        make_stop(StopKind.ORDER, "08:00", "08:00", "09:00", order_id="HOME"),
        make_stop(StopKind.END, "09:00"),
    )
    assert segments(Route(technician_id="T1", date=MONDAY, stops=stops)) == [
        ("service", at("08:00"), at("09:00"), "HOME 08:00-09:00")
    ]


@pytest.mark.parametrize("kind", ["travel", "wait", "service", "break", "pickup"])
def test_every_bar_kind_has_a_colour(kind: str) -> None:
    assert BAR_COLOURS[kind].startswith("#") and len(BAR_COLOURS[kind]) == 7
