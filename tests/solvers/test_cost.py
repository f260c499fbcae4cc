"""The numeric objective the back-ends search, on integer seconds, against the prices
of DESIGN.md worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.instance import compile_instance
from optimizer.models import Appointment, Progress, Urgency
from optimizer.solvers.cost import lateness_cost, stability_cost, timing_cost, travel_cost, unplanned_cost

from conftest import at, depot, make_order, make_problem, make_technician


def seconds(clock: str) -> int:
    return int((at(clock) - at("00:00")).total_seconds())


@pytest.fixture(scope="module")
def instance():
    """A high order (U = 3,000), a low one (300) needing a part the depot holds; one
    technician; overtime 2 and waiting 0.5 per minute."""
    orders = [make_order("H", urgency=Urgency.HIGH), make_order("L", urgency=Urgency.LOW, parts={"P-1": 1})]
    weights = {"waiting_per_min": 0.5}
    return compile_instance(
        make_problem(orders, [make_technician()], depots=(depot(stock={"P-1": 1}),), weights=weights)
    )


def test_lateness_is_each_orders_share_of_its_price(instance) -> None:
    """The high order 60 minutes late: 3,000 x (0.1 + 0.3 x 60/240) = 525; the low one
    on time; the pickup stop (index 2) carries no lateness."""
    assert lateness_cost(instance, [0, 1, 2], [3_600, 0, 99_999]) == pytest.approx(525)
    assert lateness_cost(instance, [1], [4 * 3_600]) == pytest.approx(300 * 0.4)


def test_timing_adds_overtime_and_waiting_and_a_continuing_part_has_no_lateness(instance) -> None:
    """Ten minutes of overtime at 2, twenty of waiting at 0.5, and the lateness above."""
    assert timing_cost(instance, 0, [0], [0], [3_600], overtime_s=600, wait_s=[1_200]) == pytest.approx(525 + 20 + 10)
    assert timing_cost(instance, 0, [0], [0], [3_600], overtime_s=0, continuing=True) == 0


def test_travel_is_charged_per_minute(instance) -> None:
    assert travel_cost(instance, [600, 1_200]) == pytest.approx(30)


def test_orders_left_out_cost_their_price(instance) -> None:
    assert unplanned_cost(instance, np.array([False, False])) == pytest.approx(3_300)
    assert unplanned_cost(instance, np.array([True, False])) == pytest.approx(300)


def test_a_replan_charges_lateness_less_what_is_sunk_and_changed_promises() -> None:
    """Now 13:00. N (normal, due 12:00) served two hours late: 250 less the 175 sunk at
    now. P was promised to T1 at 15:00: on T1 at 15:30, 30 minutes less the 15 of
    tolerance at 0.5; on T2, the reassignment (100)."""
    orders = [make_order("N", due=at("12:00")), make_order("P")]
    progress = Progress(now=at("13:00"), promised=(Appointment(order_id="P", technician_id="T1", start=at("15:00")),))
    instance = compile_instance(make_problem(orders, [make_technician("T1"), make_technician("T2")], progress=progress))
    assert lateness_cost(instance, [0], [7_200]) == pytest.approx(250 - 175)
    assert lateness_cost(instance, [0], [0]) == pytest.approx(-175)  # the sunk part is not charged again
    assert stability_cost(instance, 0, [1], [seconds("15:30")]) == pytest.approx(0.5 * 15)
    assert stability_cost(instance, 0, [1], [seconds("15:10")]) == 0
    assert stability_cost(instance, 1, [1], [seconds("15:00")]) == pytest.approx(100)
    assert stability_cost(instance, 0, [0], [seconds("15:00")]) == 0  # N was promised nothing
    assert timing_cost(instance, 1, [1], [seconds("15:00")], [0], overtime_s=0) == pytest.approx(100)
