"""What customers of a re-plan were told, as arrays: the promised vehicle and start,
and what breaking or moving each promise costs (``StabilityWeights``)."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.instance.promises import GONE
from optimizer.models import Appointment, Progress, Unavailable
from optimizer.models.progress import PlannedPickup

from conftest import at, depot, make_order, make_problem, make_technician


def seconds(clock: str) -> int:
    return int((at(clock) - at("00:00")).total_seconds())


@pytest.fixture(scope="module")
def instance():
    """Now 09:00. FAR promised to T1 at 15:00, NEAR to T1 at 10:00 (within two hours),
    SICK to T2 (unavailable from 07:00), FREE to nobody; T1's pickup at D1 at 12:00 and
    T2's at 13:00 still to come."""
    orders = [make_order("FAR"), make_order("NEAR"), make_order("SICK"), make_order("FREE")]
    progress = Progress(
        now=at("09:00"),
        promised=(
            Appointment(order_id="FAR", technician_id="T1", start=at("15:00")),
            Appointment(order_id="NEAR", technician_id="T1", start=at("10:00")),
            Appointment(order_id="SICK", technician_id="T2", start=at("14:00")),
        ),
        unavailable=(Unavailable(technician_id="T2", start=at("07:00")),),
        pickups=(
            PlannedPickup(technician_id="T1", depot_id="D1", start=at("12:00")),
            PlannedPickup(technician_id="T2", depot_id="D1", start=at("13:00")),
        ),
    )
    problem = make_problem(orders, [make_technician("T1"), make_technician("T2")], depots=(depot(),), progress=progress)
    return compile_instance(problem)


def test_promised_vehicles_and_starts(instance) -> None:
    """T1's Monday is vehicle 0; T2 takes no new work that day: its promise is GONE."""
    assert instance.promises
    assert instance.order_promised_vehicle.tolist() == [0, 0, GONE, -1]
    assert instance.order_promised_s.tolist() == [seconds("15:00"), seconds("10:00"), seconds("14:00"), 0]


def test_promises_at_short_notice_cost_near_factor_times_more(instance) -> None:
    """Defaults: reassign 100 and 0.5 per minute, x4 within 120 minutes of now."""
    assert instance.order_reassign_cost.tolist() == [100, 400, 100, 0]
    assert instance.order_retime_cost_per_min.tolist() == [0.5, 2.0, 0.5, 0]
    assert instance.retime_tolerance_s == 15 * 60


def test_breaking_a_promise_is_part_of_leaving_the_order_out(instance) -> None:
    assert instance.order_unplanned_cost.tolist() == [1_100, 1_400, 1_100, 1_000]


def test_only_pickups_of_technician_days_that_go_on_are_kept(instance) -> None:
    assert instance.planned_pickups == ((0, 0, seconds("12:00")),)
