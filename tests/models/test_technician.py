"""Technicians: construction, defaults, validation and the days they work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.models import ClockInterval, Weekday
from optimizer.models.technician import Efficiency, narrowed

from conftest import MONDAY, at, lunch, make_technician


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


def weekly(**fields: Any):
    """Mon-Thu 07:00-16:00, Fri 07:00-13:00 (and ``fields``)."""
    shifts = [
        {"days": {"Mon", "Tue", "Wed", "Thu"}, "hours": {"start": "07:00", "end": "16:00"}},
        {"days": {"Fri"}, "hours": {"start": "07:00", "end": "13:00"}},
    ]
    return make_technician(shift=None, shifts=shifts, **fields)


def test_weekday_shifts_give_each_day_its_hours_and_leave_the_rest_off():
    """Friday has its own hours, Saturday is off whatever ``workdays`` say."""
    technician = weekly(workdays={"Mon", "Sat"})
    friday, saturday = MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=5)
    assert technician.shift_on(MONDAY) == ClockInterval(start=dt.time(7), end=dt.time(16))
    assert technician.shift_on(friday) == ClockInterval(start=dt.time(7), end=dt.time(13))
    assert technician.shift_on(saturday) is None and not technician.works_on(saturday)
    assert technician.hours_on(saturday) == ClockInterval(start=dt.time(7), end=dt.time(16))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shift": None}, "needs a shift"),
        (
            {
                "shifts": [
                    {"days": {"Mon", "Tue"}, "hours": {"start": "07:00", "end": "16:00"}},
                    {"days": {"Tue"}, "hours": {"start": "07:00", "end": "13:00"}},
                ]
            },
            "shifts name Tue more than once",
        ),
        ({"efficiency": 0}, "greater than 0"),
        ({"efficiency": {"skills": {"hvac": 11}}}, r"skill factors must lie in \(0, 10\]: hvac"),
        ({"max_orders_per_day": -1}, "greater than or equal to 0"),
    ],
)
def test_technician_rejects_bad_hours_and_factors(fields: dict[str, Any], message: str):
    with pytest.raises(ValidationError, match=message):
        make_technician(**fields)


def test_absent_mixes_whole_days_and_intervals():
    """Intervals given in ``absent`` go to ``away``; dates stay whole days off."""
    span = {"start": at("12:00"), "end": at("17:00")}
    technician = make_technician(absent=[MONDAY + dt.timedelta(days=1), span])
    assert technician.absent == frozenset({MONDAY + dt.timedelta(days=1)})
    assert [(w.start, w.end) for w in technician.away] == [(at("12:00"), at("17:00"))]
    assert technician.works_on(MONDAY) and not technician.works_on(MONDAY + dt.timedelta(days=1))


def test_efficiency_takes_the_slowest_factor_of_an_orders_skills():
    """Per skill where given, the overall factor elsewhere; the largest of an order's skills."""
    efficiency = Efficiency(factor=0.9, skills={"hvac": 0.5, "electrical": 1.2})
    assert efficiency.of([]) == 0.9
    assert efficiency.of(["hvac"]) == 0.5
    assert efficiency.of(["hvac", "gas"]) == 0.9
    assert efficiency.of(["hvac", "electrical"]) == 1.2


def test_narrowed_cuts_a_day_at_an_absence():
    """An absence over the start moves it; one inside ends the day; overlaps merge."""
    day = (at("08:00"), at("17:00"))
    assert narrowed(*day, [(at("07:00"), at("10:00")), (at("09:30"), at("11:00"))]) == (at("11:00"), at("17:00"))
    assert narrowed(*day, [(at("12:00"), at("13:00"))]) == (at("08:00"), at("12:00"))
    first, last = narrowed(*day, [(at("06:00"), at("18:00"))])
    assert first >= last
