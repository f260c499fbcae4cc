"""Parsers of the contract's cells: windows, instants, due dates, levels, quantities,
weekdays, clock intervals, breaks, numbers and dates."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import optimizer
from optimizer.io import cells
from optimizer.models import Weekday

from conftest import (
    BERLIN,
    MONDAY,
    ZONE,
    local,
    make_problem,
    make_technician,
    orders_frame,
    solve_checked,
    technicians_frame,
)


def test_cells_windows_converts_offsets_to_zone():
    """Instants with an offset are converted to the zone; naive ones are local wall-clock."""
    spans = cells.windows("2026-11-23T07:00Z/2026-11-23T10:00+00:00; 2026-11-24T08:00/2026-11-24T09:30", BERLIN)

    assert spans == [
        {"start": local("2026-11-23T08:00"), "end": local("2026-11-23T11:00")},
        {"start": local("2026-11-24T08:00"), "end": local("2026-11-24T09:30")},
    ]
    assert all(s["start"].tzinfo is BERLIN for s in spans)


def test_cells_windows_summer_offset_follows_the_zone():
    """A UTC instant in July becomes Berlin summer time (UTC+2)."""
    (span,) = cells.windows("2026-07-01T06:00Z/2026-07-01T10:00-04:00", BERLIN)

    assert span == {"start": local("2026-07-01T08:00"), "end": local("2026-07-01T16:00")}
    assert span["start"].utcoffset() == dt.timedelta(hours=2)


def test_cells_instant_accepts_timestamps():
    """pandas Timestamps (as Parquet gives them) are converted like strings."""
    assert cells.instant(pd.Timestamp("2026-11-23 07:00", tz="UTC"), BERLIN) == local("2026-11-23T08:00")
    assert cells.instant(pd.Timestamp("2026-11-23 07:00"), BERLIN) == local("2026-11-23T07:00")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("2026-11-23T08:00", "expected start/end intervals", id="no-end"),
        pytest.param("a/b/c", "expected start/end intervals", id="three-parts"),
        pytest.param("tomorrow/2026-11-23T10:00", "expected an ISO date-time", id="not-a-date"),
    ],
)
def test_cells_windows_rejects_malformed_intervals(value: str, message: str):
    """A window cell that is not ``start/end`` pairs raises ValueError."""
    with pytest.raises(ValueError, match=message):
        cells.windows(value, BERLIN)


def test_cells_quantities_sum_duplicates_and_default_to_one():
    """Repeated SKUs add up; a SKU without a quantity counts once."""
    assert cells.quantities("P-1:2; P-2 ;P-1:3;P-3:4.0") == {"P-1": 5, "P-2": 1, "P-3": 4}


def test_cells_levels_default_to_one():
    """A skill without a level has level 1."""
    assert cells.levels("hvac:3;electrical") == {"hvac": 3, "electrical": 1}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("hvac:x", "expected name:level with a whole level in 'hvac:x'", id="text-level"),
        pytest.param("hvac:1.5", "expected name:level with a whole level", id="fractional-level"),
        pytest.param(":2", "empty name in ':2'", id="empty-name"),
    ],
)
def test_cells_levels_reject_bad_pairs(value: str, message: str):
    """A skill pair with a non-whole level or no name raises ValueError."""
    with pytest.raises(ValueError, match=message):
        cells.levels(value)


def test_cells_weekdays_are_case_insensitive():
    """Weekday names match case-insensitively, with spaces and full names allowed."""
    assert cells.weekdays("mon;TUE; wed ;Thursday") == frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU})


def test_cells_weekdays_rejects_unknown_day():
    """An unknown weekday raises ValueError naming it."""
    with pytest.raises(ValueError, match="unknown weekday 'Xyz'"):
        cells.weekdays("Mon;Xyz")


def test_cells_clock_interval_parses_times():
    """``HH:MM-HH:MM`` becomes start and end wall-clock times."""
    assert cells.clock_interval(" 07:30-16:30 ") == {"start": dt.time(7, 30), "end": dt.time(16, 30)}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("08:00", "expected a daily interval like 08:00-17:00", id="one-time"),
        pytest.param("08:00-12:00-17:00", "expected a daily interval like 08:00-17:00", id="three-times"),
        pytest.param("8am-5pm", "expected a time like 08:00, got '8am'", id="am-pm"),
        pytest.param("08:00-25:00", "expected a time like 08:00, got '25:00'", id="hour-25"),
    ],
)
def test_cells_clock_interval_rejects_malformed(value: str, message: str):
    """A shift or opening-hours cell that is not ``HH:MM-HH:MM`` raises ValueError."""
    with pytest.raises(ValueError, match=message):
        cells.clock_interval(value)


def test_cells_break_rule_parses_window_and_minutes():
    """``12:00-13:30/30`` is a 30-minute break starting between 12:00 and 13:30."""
    assert cells.break_rule("12:00-13:30/30") == {
        "start": dt.time(12),
        "end": dt.time(13, 30),
        "duration_min": 30,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("12:00-13:30", "expected a break like 12:00-13:30/30", id="no-minutes"),
        pytest.param("12:00-13:30/half", "minutes after the '/'", id="minutes-not-a-number"),
        pytest.param("12:00-13:30/22.5", "minutes after the '/'", id="fractional-minutes"),
        pytest.param("noon/30", "expected a daily interval like 08:00-17:00", id="bad-window"),
    ],
)
def test_cells_break_rule_rejects_malformed(value: str, message: str):
    """A break cell that is not ``HH:MM-HH:MM/minutes`` raises ValueError."""
    with pytest.raises(ValueError, match=message):
        cells.break_rule(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        (float("nan"), True),
        (pd.NA, True),
        (pd.NaT, True),
        ("  ", True),
        ("0", False),
        (0, False),
    ],
)
def test_cells_is_blank_recognises_missing_values(value: Any, expected: bool):
    """None, NaN, NA, NaT and whitespace are blank; zero is a value."""
    assert cells.is_blank(value) is expected


def test_cells_numbers_parse_decimal_and_whole():
    """Numbers use ``.`` as decimal mark; whole numbers accept ``90.0`` but not ``90.5``."""
    assert cells.number(" 1.5 ") == 1.5
    assert cells.whole("90.0") == 90
    assert cells.text(12.0) == "12"
    with pytest.raises(ValueError, match="expected a number"):
        cells.number("1,5")
    with pytest.raises(ValueError, match="expected a finite number"):
        cells.number("inf")
    with pytest.raises(ValueError, match="expected a whole number"):
        cells.whole("90.5")


def test_cells_absences_mix_whole_days_and_intervals():
    """Absences are ISO dates and start/end intervals separated by ``;``, naive times
    local; other formats raise ValueError."""
    zone = ZoneInfo("Europe/Berlin")
    assert cells.absences("2026-11-24; 2026-11-25T12:00/2026-11-25T17:00", zone) == [
        dt.date(2026, 11, 24),
        {"start": dt.datetime(2026, 11, 25, 12, tzinfo=zone), "end": dt.datetime(2026, 11, 25, 17, tzinfo=zone)},
    ]
    with pytest.raises(ValueError, match="expected dates like 2026-11-24 or intervals"):
        cells.absences("24.11.2026", zone)


def test_cells_weekday_shifts_take_ranges_lists_and_wrapping_ranges():
    """``Mon-Thu 07:00-16:00;Fri 07:00-13:00``: a range, a list, a range over the weekend."""
    parsed = cells.weekday_shifts("Mon-Thu 07:00-16:00;Fri,Sat 07:00-13:00")
    assert [sorted(d.value for d in s["days"]) for s in parsed] == [["Mon", "Thu", "Tue", "Wed"], ["Fri", "Sat"]]
    assert parsed[1]["hours"] == {"start": dt.time(7), "end": dt.time(13)}
    assert {d.value for d in cells.weekday_shifts("Sat-Mon 06:00-12:00")[0]["days"]} == {"Sat", "Sun", "Mon"}
    with pytest.raises(ValueError, match="unknown weekday 'Mo'"):
        cells.weekday_shifts("Mo-Fr 07:00-16:00")
    with pytest.raises(ValueError, match="expected weekdays and hours"):
        cells.weekday_shifts("Mon-Fri")


def test_cells_efficiency_takes_a_factor_per_skill_and_overall():
    """``0.8``, ``hvac:0.8;electrical:1.2`` or both; a bad factor names the item."""
    assert cells.efficiency("0.8") == {"skills": {}, "factor": 0.8}
    assert cells.efficiency(0.5) == {"factor": 0.5}
    assert cells.efficiency("0.9; hvac:0.8; electrical:1.2") == {
        "skills": {"hvac": 0.8, "electrical": 1.2},
        "factor": 0.9,
    }
    with pytest.raises(ValueError, match=r"skill:factor like hvac:0\.8 in 'hvac:fast'"):
        cells.efficiency("hvac:fast")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("7:30-16:30", (dt.time(7, 30), dt.time(16, 30))), ("08:00-17:00", (dt.time(8), dt.time(17)))],
)
def test_cells_clock_accepts_one_digit_hours(cell: str, expected: tuple[dt.time, dt.time]):
    """Shifts may be written with one-digit hours."""
    assert tuple(cells.clock_interval(cell).values()) == expected


def test_cells_weekdays_exact_names():
    """Weekdays are three-letter or full names; anything else is rejected."""
    assert cells.weekdays("mon;Tuesday") == {Weekday.MON, Weekday.TUE}
    with pytest.raises(ValueError, match="unknown weekday 'Monkey'"):
        cells.weekdays("Monkey")


def test_cells_levels_repeated_name_keeps_highest():
    """A skill named twice keeps its highest level."""
    assert cells.levels("hvac:3;hvac:2") == {"hvac": 3}


def test_bare_date_due_is_end_of_day() -> None:
    orders = optimizer.read_problem(
        orders_frame([{"order_id": "D", "lat": 49.5, "lon": 8.48, "duration_min": 60, "due": "2026-11-23"}]),
        technicians_frame(),
        start=MONDAY,
        days=1,
        tz=ZONE,
    ).orders
    assert orders[0].due == dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    plan = solve_checked(make_problem(list(orders), [make_technician()]))
    assert not plan.unplanned and plan.kpis.late_visits == 0


def test_cells_tool_counts_take_copies_and_add_repeats_up():
    """``leak-detector:2;lift``; a repeated tool adds its counts up, and one mention
    without a count leaves it uncounted, whatever the order."""
    assert cells.tool_counts("leak-detector:2; lift") == {"leak-detector": 2, "lift": None}
    assert cells.tool_counts("lift:2;lift:1") == {"lift": 3}
    assert cells.tool_counts("lift:2;lift") == cells.tool_counts("lift;lift:2") == {"lift": None}
    with pytest.raises(ValueError, match="whole number of copies"):
        cells.tool_counts("lift:two")


def test_predecessor_and_flag_cells() -> None:
    from optimizer.io import cells

    assert cells.predecessor("O-17") == {"order_id": "O-17"}
    assert cells.predecessor(" O-17+1440 ") == {"order_id": "O-17", "gap_min": 1440.0}
    assert cells.predecessor("O-17+30.5") == {"order_id": "O-17", "gap_min": 30.5}
    with pytest.raises(ValueError, match="O-17\\+1440"):
        cells.predecessor("O-17+later")
    assert [cells.flag(v) for v in ("yes", "No", "TRUE", "0", 1, 0.0, True, "ja")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        True,
    ]
    with pytest.raises(ValueError, match="yes or no"):
        cells.flag("maybe")
