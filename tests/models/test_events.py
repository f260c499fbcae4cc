"""The events of a re-plan: visit reports, pins and the defaults of a day with nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from optimizer.models import Events, Pin, VisitReport

from conftest import at, make_order


def test_a_visit_report_may_not_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match=r"visit A ends .* before it starts"):
        VisitReport(order_id="A", started=at("10:00"), ended=at("09:59"))


def test_a_visit_report_of_zero_length_or_with_one_time_is_accepted() -> None:
    """Times left out are taken from the plan; a visit may end the instant it starts."""
    assert VisitReport(order_id="A", started=at("10:00"), ended=at("10:00")).ended == at("10:00")
    done = VisitReport(order_id="A", done=True)
    assert (done.started, done.ended, done.done) == (None, None, True)


def test_report_times_compare_as_instants_whatever_their_offset() -> None:
    """09:30 UTC is 10:30 in Berlin: after a 10:00 Berlin start, so accepted."""
    ended = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    assert VisitReport(order_id="A", started=at("10:00"), ended=ended).ended == ended
    with pytest.raises(ValidationError):
        VisitReport(order_id="A", started=at("10:00"), ended=dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC))


def test_events_with_nothing_but_now_have_empty_defaults() -> None:
    events = Events(now=at("11:00"))
    assert (events.visits, events.new_orders, events.unavailable, events.pins) == ((), (), (), ())
    assert events.cancelled == frozenset()


def test_events_refuse_a_naive_now_and_empty_ids() -> None:
    with pytest.raises(ValidationError, match="timezone info"):
        Events(now=dt.datetime(2026, 11, 23, 11))
    with pytest.raises(ValidationError):
        Pin(order_id="", technician_id="T1")
    pinned = Events(now=at("11:00"), pins=(Pin(order_id="A", technician_id="T1"),), new_orders=(make_order("N"),))
    assert pinned.pins[0].start is None and pinned.new_orders[0].id == "N"
