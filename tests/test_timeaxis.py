"""Instants and seconds across a daylight-saving change (Europe/Berlin, 2026-10-25)."""

from __future__ import annotations

import datetime as dt

from optimizer.models import Delivery, StopKind, TimeWindow
from optimizer.timeaxis import TimeAxis, elapsed_s

from conftest import BERLIN, at, depot, make_order, make_problem, make_technician, solve_checked, stops_of, window

CHANGE_DAY = dt.date(2026, 10, 25)  # clocks go back from 03:00 CEST to 02:00 CET


def test_timeaxis_counts_real_seconds_across_dst() -> None:
    """08:00 local on the change day is 9 real hours after midnight, and converts back."""
    axis = TimeAxis(dt.datetime.combine(CHANGE_DAY, dt.time(), tzinfo=BERLIN), BERLIN)
    seconds = axis.local_seconds(CHANGE_DAY, dt.time(8))
    assert seconds == 9 * 3600
    assert axis.instant(seconds) == dt.datetime(2026, 10, 25, 8, tzinfo=BERLIN)
    assert axis.instant(seconds).hour == 8


def test_timeaxis_elapsed_is_real_time() -> None:
    """Elapsed seconds between two local instants of the same zone count the extra hour."""
    midnight = dt.datetime(2026, 10, 25, tzinfo=BERLIN)
    assert elapsed_s(dt.datetime(2026, 10, 26, tzinfo=BERLIN), midnight) == 25 * 3600


def test_timeaxis_solve_on_dst_day() -> None:
    """A visit whose window is exactly 10:00 local on the change day starts at 10:00 local."""
    ten = dt.datetime(2026, 10, 25, 10, tzinfo=BERLIN)
    order = make_order(windows=(TimeWindow(start=ten, end=ten),))
    sunday_worker = make_technician(workdays=frozenset({"Sun"}))
    plan = solve_checked(make_problem([order], [sunday_worker], start=CHANGE_DAY))
    visit = next(s for s in plan.routes[0].stops if s.kind is StopKind.ORDER)
    assert visit.start.astimezone(BERLIN).hour == 10
    assert elapsed_s(visit.start, ten) == 0


def test_a_delivery_half_a_second_after_ten_is_not_picked_at_ten() -> None:
    """Not-before times are rounded up to whole seconds, so the pickup never precedes the delivery."""
    tech = make_technician()
    orders = [make_order("W", parts={"P-300": 1}, windows=(window("08:00", "16:00"),))]
    arrival = at("10:00") + dt.timedelta(milliseconds=500)
    plan = solve_checked(
        make_problem(orders, [tech], depots=(depot(incoming=(Delivery(part="P-300", quantity=1, at=arrival),)),))
    )
    ((_, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert pickup.start >= arrival
