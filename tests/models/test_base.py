"""The models' building blocks: time windows, breaks and weekdays."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from optimizer.models import TimeWindow, Weekday

from conftest import MONDAY, at, lunch


def test_time_window_rejects_end_before_start():
    """A time window whose end precedes its start is rejected."""
    with pytest.raises(ValidationError, match="window ends before it starts"):
        TimeWindow(start=at("12:00"), end=at("08:00"))


def test_time_window_rejects_naive_datetime():
    """Time windows need timezone-aware instants."""
    with pytest.raises(ValidationError, match="timezone info"):
        TimeWindow(start=dt.datetime(2026, 11, 23, 8), end=at("09:00"))


def test_break_allows_a_fixed_start():
    """A break window of zero width (start == end) is a fixed start time, not an error."""
    assert lunch("12:00", "12:00", 30).start == dt.time(12)


def test_weekday_of_maps_calendar_dates():
    """``Weekday.of`` gives the export spelling of a date's weekday."""
    assert Weekday.of(MONDAY) is Weekday.MON
    assert Weekday.of(dt.date(2026, 11, 29)) is Weekday.SUN
