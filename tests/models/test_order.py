"""Tests of the pydantic domain models: construction, validation and derived values."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from optimizer.models import (
    ClockInterval,
    Depot,
    ObjectiveWeights,
    Order,
    OrderType,
    TimeWindow,
    TravelSettings,
    Urgency,
    Weekday,
)

from conftest import MONDAY, ZONE, at, lunch, make_order, make_problem, make_technician, window

BERLIN = ZoneInfo(ZONE)
UTC = dt.UTC


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


def test_time_window_rejects_end_before_start():
    """A time window whose end precedes its start is rejected."""
    with pytest.raises(ValidationError, match="window ends before it starts"):
        TimeWindow(start=at("12:00"), end=at("08:00"))


def test_time_window_rejects_naive_datetime():
    """Time windows need timezone-aware instants."""
    with pytest.raises(ValidationError, match="timezone info"):
        TimeWindow(start=dt.datetime(2026, 11, 23, 8), end=at("09:00"))


def test_technician_rejects_latitude_out_of_range():
    """A technician's home latitude must lie within [-90, 90]."""
    with pytest.raises(ValidationError, match="lat"):
        make_technician(lat=-90.01)


def test_technician_valid_construction_uses_defaults_and_break_alias():
    """A technician defaults to Mon-Fri, no absence, no overtime; ``break`` fills ``break_``."""
    technician = make_technician(**{"break": {"start": "12:00", "end": "13:30", "duration_min": 30}})

    assert technician.shift == ClockInterval(start=dt.time(8), end=dt.time(17))
    assert technician.workdays == frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI})
    assert technician.absent == frozenset()
    assert technician.break_ == lunch("12:00", "13:30", 30)
    assert technician.max_overtime_min == 0
    assert technician.capacity is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"lat": 91.0}, "less than or equal to 90", id="latitude-out-of-range"),
        pytest.param({"skills": {"gas": 0}}, "greater than or equal to 1", id="skill-level-0"),
        pytest.param({"skills": {"gas": 6}}, "less than or equal to 5", id="skill-level-6"),
        pytest.param(
            {"shift": {"start": "17:00", "end": "08:00"}},
            "ends before it starts",
            id="shift-end-before-start",
        ),
        pytest.param({"shift": {"start": "08:00", "end": "08:00"}}, "ends before it starts", id="empty-shift"),
        pytest.param(
            {"break": {"start": "13:00", "end": "12:00", "duration_min": 30}},
            "window ends before it starts",
            id="break-window-reversed",
        ),
        pytest.param(
            {"break": {"start": "12:00", "end": "13:00", "duration_min": 0}},
            "greater than 0",
            id="break-of-zero-minutes",
        ),
        pytest.param({"workdays": {"Mon", "Funday"}}, "Input should be 'Mon', 'Tue'", id="unknown-weekday"),
        pytest.param({"max_overtime_min": -1}, "greater than or equal to 0", id="negative-overtime"),
    ],
)
def test_technician_rejects_invalid_input(fields: dict[str, Any], message: str):
    """Each invalid technician field raises a ValidationError saying why."""
    with pytest.raises(ValidationError, match=message):
        make_technician(**fields)


def test_break_allows_a_fixed_start():
    """A break window of zero width (start == end) is a fixed start time, not an error."""
    assert lunch("12:00", "12:00", 30).start == dt.time(12)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(MONDAY, True, id="monday-workday"),
        pytest.param(MONDAY + dt.timedelta(days=1), False, id="tuesday-absent"),
        pytest.param(MONDAY + dt.timedelta(days=2), True, id="wednesday-workday"),
        pytest.param(MONDAY + dt.timedelta(days=3), False, id="thursday-not-a-workday"),
        pytest.param(MONDAY + dt.timedelta(days=5), False, id="saturday-not-a-workday"),
    ],
)
def test_technician_works_on_respects_workdays_and_absence(day: dt.date, expected: bool):
    """``works_on`` is true only on a listed weekday that is not an absent date."""
    technician = make_technician(
        workdays=frozenset({Weekday.MON, Weekday.TUE, Weekday.WED}),
        absent=frozenset({MONDAY + dt.timedelta(days=1)}),
    )

    assert technician.works_on(day) is expected


def test_technician_works_on_default_week_is_monday_to_friday():
    """Without ``workdays`` a technician works Monday to Friday, not at the weekend."""
    technician = make_technician()

    week = [MONDAY + dt.timedelta(days=d) for d in range(7)]

    assert [technician.works_on(day) for day in week] == [True] * 5 + [False] * 2


def test_weekday_of_maps_calendar_dates():
    """``Weekday.of`` gives the export spelling of a date's weekday."""
    assert Weekday.of(MONDAY) is Weekday.MON
    assert Weekday.of(dt.date(2026, 11, 29)) is Weekday.SUN


def test_depot_valid_construction():
    """A depot keeps its hours, stock and tools."""
    depot = Depot(
        id="D1",
        lat=49.49,
        lon=8.48,
        hours={"start": "07:00", "end": "18:00"},
        stock={"P-100": 5},
        tools=frozenset({"lift"}),
    )

    assert depot.hours == ClockInterval(start=dt.time(7), end=dt.time(18))
    assert depot.stock == {"P-100": 5}
    assert depot.tools == frozenset({"lift"})


def test_objective_weights_defaults_match_design():
    """Default weights are those of DESIGN.md."""
    weights = ObjectiveWeights()

    assert weights.unplanned == {
        Urgency.EMERGENCY: 10_000,
        Urgency.HIGH: 3_000,
        Urgency.NORMAL: 1_000,
        Urgency.LOW: 300,
    }
    assert (weights.breach, weights.late_shares, weights.late_spans_min) == (0.1, (0.3, 0.3), (240, 4320))
    assert (weights.deferral_floor, weights.deferral_days) == (0.1, 10)
    assert (weights.backlog_per_day, weights.backlog_cap) == (0.1, 2)
    assert weights.emergency_sla_min == 240
    assert weights.overtime_per_min == 2
    assert weights.travel_per_min == 1
    assert weights.waiting_per_min == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"unplanned": {"emergency": 1, "high": 1, "normal": 1}},
            "unplanned lacks a weight for low",
            id="unplanned-missing-low",
        ),
        pytest.param(
            {"late_shares": (0.3,)},
            "one entry per span",
            id="late-shares-without-spans",
        ),
        pytest.param({"late_per_min": {"high": 1}}, "Extra inputs are not permitted", id="old-linear-lateness"),
        pytest.param(
            {"unplanned": {"emergency": 1, "high": 1, "normal": -1, "low": 1}},
            "unplanned weights must be >= 0",
            id="negative-weight",
        ),
        pytest.param({"overtime_per_min": -2}, "greater than or equal to 0", id="negative-overtime"),
    ],
)
def test_objective_weights_reject_incomplete_or_negative_tables(fields: dict[str, Any], message: str):
    """A weight table must cover every urgency with a non-negative weight."""
    with pytest.raises(ValidationError, match=message):
        ObjectiveWeights(**fields)


def test_travel_settings_defaults_match_design():
    """The embedded travel model defaults to a detour factor of 1.3 at 40 km/h."""
    assert TravelSettings() == TravelSettings(detour_factor=1.3, speed_kmh=40.0)


def test_problem_valid_construction_indexes_by_id():
    """A valid problem keeps its parts and looks orders and technicians up by id."""
    orders = [make_order("O1"), make_order("O2", technician="T1")]
    technicians = [make_technician("T1"), make_technician("T2")]

    problem = make_problem(orders, technicians)

    assert problem.orders == tuple(orders)
    assert problem.depots == ()
    assert problem.weights == ObjectiveWeights()
    assert problem.order_by_id == {"O1": orders[0], "O2": orders[1]}
    assert problem.technician_by_id == {"T1": technicians[0], "T2": technicians[1]}


def test_problem_rejects_duplicate_ids_and_unknown_technician_in_one_error():
    """Duplicate order ids and an unknown required technician are reported together."""
    orders = [make_order("O1"), make_order("O1"), make_order("O2", technician="T9")]

    with pytest.raises(ValidationError) as caught:
        make_problem(orders, [make_technician("T1")])

    assert caught.value.error_count() == 1
    message = caught.value.errors()[0]["msg"]
    assert "orders ('O1'), column 'id': id appears 2 times" in message
    assert "orders ('O2'), column 'technician': required technician is not in the" in message
    assert "'T9'" in message


def test_problem_rejects_duplicate_technician_ids():
    """Two technicians with one id are rejected."""
    with pytest.raises(ValidationError, match=r"technicians \('T1'\), column 'id': id appears 2 times"):
        make_problem([make_order()], [make_technician("T1"), make_technician("T1")])


@pytest.mark.parametrize("tz", ["Mars/Olympus", "Berlin", ""])
def test_problem_rejects_unknown_time_zone(tz: str):
    """The time zone must be an IANA name."""
    with pytest.raises(ValidationError, match="unknown time zone"):
        make_problem([make_order()], [make_technician()], tz=tz)


def test_problem_dates_and_horizon_span_three_days():
    """A 3-day horizon lists its dates and runs from local midnight to local midnight."""
    problem = make_problem([make_order()], [make_technician()], days=3)

    assert problem.dates == [MONDAY, dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    assert problem.zone == BERLIN
    assert problem.horizon_start == dt.datetime(2026, 11, 23, tzinfo=BERLIN)
    assert problem.horizon_end == dt.datetime(2026, 11, 26, tzinfo=BERLIN)
    assert problem.horizon_start.utcoffset() == dt.timedelta(hours=1)
    assert problem.horizon_start.astimezone(UTC) == dt.datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert problem.horizon_end.astimezone(UTC) == dt.datetime(2026, 11, 25, 23, tzinfo=UTC)


def test_problem_horizon_across_dst_change_has_25_hour_first_day():
    """On 2026-10-25 clocks go back in Berlin, so the first day of the horizon lasts 25 hours."""
    problem = make_problem([make_order()], [make_technician()], start=dt.date(2026, 10, 25), days=2)
    first_midnight = dt.datetime.combine(problem.dates[1], dt.time(), tzinfo=BERLIN)

    assert problem.horizon_start.utcoffset() == dt.timedelta(hours=2)
    assert first_midnight.utcoffset() == dt.timedelta(hours=1)
    # Aware datetimes sharing one tzinfo subtract as wall-clock times, so compare in UTC.
    first_day = first_midnight.astimezone(UTC) - problem.horizon_start.astimezone(UTC)
    horizon = problem.horizon_end.astimezone(UTC) - problem.horizon_start.astimezone(UTC)
    assert first_day == dt.timedelta(hours=25)
    assert horizon == dt.timedelta(hours=49)


def test_problem_rejects_zero_days():
    """A horizon needs at least one day."""
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        make_problem([make_order()], [make_technician()], days=0)


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
