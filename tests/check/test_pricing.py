"""The checker's own prices, against the worked example of :mod:`optimizer.models.objective`
(a ``high`` order, ``U`` = 3,000, due Monday 17:00, a horizon Monday to Wednesday), the
default SLA, lateness sunk at a re-plan's ``now``, changed promises and waiting."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.check.pricing import Pricing, waiting_minutes
from optimizer.models import Appointment, Progress, Route, StopKind, Urgency

from conftest import MONDAY, at, make_order, make_problem, make_stop, make_technician


def high_due(due: dt.datetime):
    """The worked example's order: high urgency, due at ``due``."""
    return make_order("H", urgency=Urgency.HIGH, due=due)


@pytest.fixture(scope="module")
def pricing() -> Pricing:
    """The prices of the worked example's three-day horizon, shifts from 08:00."""
    return Pricing(make_problem([], [make_technician()], days=3))


@pytest.mark.parametrize(
    ("start", "cost"),
    [
        (at("16:00"), 0.0),  # on time
        (at("18:00"), 3_000 * (0.1 + 0.3 * 60 / 240)),  # 525
        (at("08:00", 1), 3_000 * (0.1 + 0.3 + 0.3 * 660 / 4_320)),  # 1,337.5
    ],
)
def test_lateness_follows_the_worked_example(pricing: Pricing, start: dt.datetime, cost: float) -> None:
    assert pricing.lateness(high_due(at("17:00")), start) == pytest.approx(cost)


def test_lateness_is_flat_after_the_last_span(pricing: Pricing) -> None:
    """Due the Thursday before at 17:00, served Monday 08:00 (87 h late): 70% of U."""
    order = high_due(at("17:00", -4))
    assert pricing.lateness(order, at("08:00")) == pytest.approx(2_100)
    assert pricing.lateness(order, at("08:00", 2)) == pytest.approx(2_100)


def test_leaving_out_prices_deferral_and_backlog(pricing: Pricing) -> None:
    """Due within the horizon: U; due Friday 17:00 (41 h after its end): U x (1 - 41/240);
    due the Thursday before: U x (1 + 0.1 x 79/24); long overdue: capped at 2 U."""
    assert pricing.leave_out(high_due(at("17:00"))) == pytest.approx(3_000)
    assert pricing.leave_out(high_due(at("17:00", 4))) == pytest.approx(2_487.5)
    assert pricing.leave_out(high_due(at("17:00", -4))) == pytest.approx(3_987.5)
    assert pricing.leave_out(high_due(at("17:00", -40))) == pytest.approx(6_000)
    assert pricing.leave_out(make_order("LOW", urgency=Urgency.LOW)) == 300  # no due: its plain price


def test_the_default_sla_runs_from_the_first_shift_of_those_who_work_that_day() -> None:
    """An emergency without due: four hours after the earliest Monday shift start of the
    technicians working Monday (the 06:00 one is absent): 09:00 + 4 h."""
    early = make_technician("EARLY", shift={"start": "06:00", "end": "14:00"}, absent=frozenset({MONDAY}))
    late = make_technician("LATE", shift={"start": "09:00", "end": "17:00"})
    pricing = Pricing(make_problem([], [early, late]))
    emergency = make_order("E", urgency=Urgency.EMERGENCY)
    assert pricing.due(emergency) == at("13:00")
    assert pricing.due(make_order("N")) is None
    assert pricing.lateness(emergency, at("14:00")) == pytest.approx(10_000 * (0.1 + 0.3 * 60 / 240))


def test_a_replan_charges_only_the_lateness_after_now() -> None:
    """Now 13:00, due 12:00: serving at 14:00 costs the curve at 120 minutes less the
    curve at 60 (already sunk); a visit begun before now costs nothing."""
    problem = make_problem([], [make_technician()], progress=Progress(now=at("13:00")))
    pricing = Pricing(problem)
    order = make_order("N", due=at("12:00"))
    sunk, then = 1_000 * (0.1 + 0.3 * 60 / 240), 1_000 * (0.1 + 0.3 * 120 / 240)
    assert pricing.lateness(order, at("14:00")) == pytest.approx(then - sunk)
    assert pricing.lateness(order, at("12:30")) == 0


def test_changed_promises_cost_by_the_stability_weights() -> None:
    """Defaults: reassign 100, 0.5 per minute beyond 15 minutes, x4 within 120 minutes of now."""
    promised = (
        Appointment(order_id="FAR", technician_id="T1", start=at("16:00")),
        Appointment(order_id="NEAR", technician_id="T1", start=at("10:00")),
    )
    orders = [make_order("FAR"), make_order("NEAR")]
    pricing = Pricing(make_problem(orders, [make_technician()], progress=Progress(now=at("09:00"), promised=promised)))
    kept = {"FAR": ("T1", at("16:10")), "NEAR": ("T1", at("10:00"))}
    assert pricing.stability(kept) == 0
    assert pricing.stability(kept | {"FAR": ("T1", at("17:00"))}) == pytest.approx(0.5 * 45)
    assert pricing.stability(kept | {"FAR": ("T2", at("16:00"))}) == pytest.approx(100)
    assert pricing.stability(kept | {"FAR": ("T1", at("16:00", 1))}) == pytest.approx(100)  # another day
    assert pricing.stability({"FAR": kept["FAR"]}) == pytest.approx(4 * 100)  # NEAR not served, at short notice
    assert Pricing(make_problem([], [make_technician()])).stability({}) == 0  # not a re-plan


def test_waiting_is_idle_time_on_site_not_filled_by_a_break() -> None:
    """Arrive 08:20, start 08:30, a break 08:22-08:27 in between: 5 idle minutes; a
    pickup waited for 3 minutes adds 3."""

    route = Route(
        technician_id="T1",
        date=MONDAY,
        stops=(
            make_stop(StopKind.START, "08:00"),
            make_stop(StopKind.BREAK, "08:22", "08:22", "08:27"),
            make_stop(StopKind.ORDER, "08:20", "08:30", "09:30", order_id="A"),
            make_stop(StopKind.PICKUP, "09:40", "09:43", "09:53"),
            make_stop(StopKind.END, "10:00"),
        ),
    )
    assert waiting_minutes(route) == pytest.approx(5 + 3)
