"""Orders: construction, defaults, validation of fields and windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.models import Order, OrderType, Urgency

from conftest import at, make_order, window


def test_order_valid_construction_keeps_values_and_defaults():
    """A minimal order gets the documented defaults; given fields are kept as typed."""
    order = make_order(skills={"hvac": 2}, parts={"P-100": 3}, tools=frozenset({"lift"}))

    assert order.id == "O1"
    assert (order.lat, order.lon, order.duration_min) == (49.50, 8.48, 60)
    assert order.type is OrderType.REPAIR
    assert order.urgency is Urgency.NORMAL
    assert order.windows == ()
    assert order.due is None and order.release is None and order.technician is None
    assert order.skills == {"hvac": 2}
    assert order.parts == {"P-100": 3}
    assert order.tools == frozenset({"lift"})
    assert order.load == 0.0


def test_order_windows_are_sorted_by_start():
    """Windows given out of order are stored sorted by their start."""
    late, early = window("13:00", "15:00"), window("08:00", "10:00")

    order = make_order(windows=(late, early))

    assert order.windows == (early, late)


def test_order_is_frozen_and_rejects_unknown_fields():
    """Orders are immutable and a misspelt field is an error, not silently ignored."""
    order = make_order()

    with pytest.raises(ValidationError):
        order.duration_min = 30  # type: ignore[misc]
    with pytest.raises(ValidationError, match="duraton_min\n  Extra inputs are not permitted"):
        make_order(duraton_min=30)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"lat": 90.5}, "less than or equal to 90", id="latitude-above-90"),
        pytest.param({"lat": -91.0}, "greater than or equal to -90", id="latitude-below-minus-90"),
        pytest.param({"lon": 181.0}, "less than or equal to 180", id="longitude-above-180"),
        pytest.param({"duration_min": -1}, "greater than or equal to 0", id="negative-duration"),
        pytest.param({"skills": {"hvac": 0}}, "greater than or equal to 1", id="skill-level-0"),
        pytest.param({"skills": {"hvac": 6}}, "less than or equal to 5", id="skill-level-6"),
        pytest.param({"parts": {"P-100": 0}}, "greater than or equal to 1", id="zero-parts"),
        pytest.param({"urgency": "urgent"}, "'emergency', 'high', 'normal' or 'low'", id="unknown-urgency"),
        pytest.param(
            {"windows": (window("10:00", "12:00"), window("11:00", "13:00"))},
            "windows overlap",
            id="overlapping-windows",
        ),
        pytest.param(
            {"windows": ({"start": at("12:00"), "end": at("08:00")},)},
            "window ends before it starts",
            id="window-end-before-start",
        ),
        pytest.param(
            {"windows": ({"start": dt.datetime(2026, 11, 23, 8), "end": dt.datetime(2026, 11, 23, 9)},)},
            "timezone info",
            id="naive-window",
        ),
        pytest.param({"due": dt.datetime(2026, 11, 23, 17)}, "timezone info", id="naive-due"),
        pytest.param(
            {"windows": (window("08:00", "12:00"),), "release": at("12:01")},
            "is after the last window ends",
            id="release-after-last-window",
        ),
    ],
)
def test_order_rejects_invalid_input(fields: dict[str, Any], message: str):
    """Each invalid order field or combination raises a ValidationError saying why."""
    with pytest.raises(ValidationError, match=message):
        make_order(**fields)


def test_order_accepts_windows_as_dicts_with_offsets():
    """Windows given as ISO strings with an offset are parsed into aware instants."""
    order = Order(
        id="O1",
        lat=49.5,
        lon=8.48,
        duration_min=30,
        windows=({"start": "2026-11-23T07:00:00Z", "end": "2026-11-23T09:00:00+01:00"},),
    )

    assert order.windows[0].start == at("08:00")
    assert order.windows[0].end == at("09:00")


def test_order_keeps_preferred_in_order_and_excluded_as_a_set():
    """``preferred`` keeps the customer's order of preference; ``excluded`` is a set."""
    order = make_order(preferred=("T2", "T1"), excluded=frozenset({"T3"}))
    assert order.preferred == ("T2", "T1") and order.excluded == frozenset({"T3"})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"technician": "T1", "excluded": frozenset({"T1"})}, "the required technician T1 is also excluded"),
        ({"preferred": ("T1", "T2"), "excluded": frozenset({"T2"})}, "T2 both preferred and excluded"),
    ],
)
def test_order_rejects_contradicting_technicians(fields: dict[str, Any], message: str):
    """Nobody can be required (or preferred) and excluded at once."""
    with pytest.raises(ValidationError, match=message):
        make_order(**fields)


def test_a_link_names_another_order_and_bounds_that_add_up() -> None:
    from optimizer.models import Order, Predecessor

    base = {"id": "R", "lat": 49.5, "lon": 8.4, "duration_min": 60}
    assert Order(**base, after="K").after == Predecessor(order_id="K", gap_min=0)
    assert Order(**base, after={"order_id": "K", "gap_min": 90}, after_max_min=90).after_max_min == 90
    for bad, message in (
        ({"after": "R"}, "cannot follow itself"),
        ({"after": Predecessor(order_id="K", gap_min=120), "after_max_min": 60}, "below the gap"),
        ({"after_max_min": 60}, "need an order it follows"),
        ({"same_technician": True}, "need an order it follows"),
        ({"after": {"order_id": "K", "gap_min": -1}}, "greater than or equal"),
    ):
        with pytest.raises(ValueError, match=message):
            Order(**base, **bad)


def test_a_crew_needs_two_or_more_and_no_preferred_or_link() -> None:
    from optimizer.models import Order

    base = {"id": "E", "lat": 49.5, "lon": 8.4, "duration_min": 60}
    assert Order(**base, crew=2, crew_skills={"elevator": 1}).crew == 2
    for bad, message in (
        ({"crew": 0}, "greater than or equal to 1"),
        ({"crew": 11}, "less than or equal to 10"),
        ({"crew_skills": {"elevator": 1}}, "crew of more than one"),
        ({"crew": 2, "preferred": ("T1",)}, "visits by one technician"),
        ({"crew": 2, "after": "K"}, "cannot follow another visit"),
    ):
        with pytest.raises(ValueError, match=message):
            Order(**base, **bad)
