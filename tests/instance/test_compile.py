"""Compiling a problem: ids become indices in problem order, the travel provider given
wins over the settings, and a re-plan compiles what is left to plan."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance
from optimizer.models import Progress, Route, StopKind, Urgency
from optimizer.travel import HaversineTravel

from conftest import MONDAY, at, make_order, make_problem, make_stop, make_technician


def test_ids_become_indices_in_problem_order() -> None:
    orders = [
        make_order("Z", urgency=Urgency.LOW, duration_min=30, load=2.0),
        make_order("A", urgency=Urgency.EMERGENCY),
    ]
    instance = compile_instance(make_problem(orders, [make_technician("T9"), make_technician("T1")]))
    assert instance.order_ids == ("Z", "A") and instance.technician_ids == ("T9", "T1")
    assert instance.order_urgency.tolist() == [3, 0]  # emergency first
    assert instance.order_duration_s.tolist() == [1_800, 3_600]
    assert instance.order_load.tolist() == [2.0, 0.0]
    assert instance.horizon_s == 24 * 3600


def test_the_provider_given_is_used_instead_of_the_settings() -> None:
    """At 20 km/h every drive takes twice as long as at the settings' 40 km/h."""
    problem = make_problem([make_order(lat=49.6)], [make_technician()])
    default = compile_instance(problem)
    slow = compile_instance(problem, HaversineTravel(detour_factor=1.3, speed_kmh=20.0))
    np.testing.assert_allclose(slow.travel_s, 2 * default.travel_s, atol=1)
    np.testing.assert_array_equal(slow.distance_m, default.distance_m)


def test_the_weights_per_minute_are_the_problems() -> None:
    problem = make_problem([make_order()], [make_technician()], weights={"travel_per_min": 3.0, "waiting_per_min": 0.5})
    instance = compile_instance(problem)
    assert (instance.travel_cost_per_min, instance.waiting_cost_per_min, instance.overtime_cost_per_min) == (
        3.0,
        0.5,
        2,
    )


def test_a_replan_compiles_the_orders_left_and_where_the_day_goes_on() -> None:
    """A was served before now: the instance holds B only, and the technician's route
    starts at A's place (a location after homes, orders and depots) no earlier than now."""
    fixed = Route(
        technician_id="T1",
        date=MONDAY,
        stops=(
            make_stop(StopKind.START, "08:00"),
            make_stop(StopKind.ORDER, "08:10", "08:10", "09:10", order_id="A"),
        ),
    )
    problem = make_problem(
        [make_order("A", lat=49.55), make_order("B")],
        [make_technician("T1")],
        progress=Progress(now=at("09:30"), fixed=(fixed,)),
    )
    instance = compile_instance(problem)
    assert instance.order_ids == ("B",)
    assert instance.vehicle_start_loc.tolist() == [2] and instance.location_lat[2] == 49.55
    assert instance.vehicle_end_loc.tolist() == [0]
    assert instance.vehicle_shift_start_s.tolist() == [int((at("09:30") - at("00:00")).total_seconds())]
