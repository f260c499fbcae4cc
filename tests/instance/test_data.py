"""The numeric instance's index conventions: locations, vehicles, pickup stops, sizes."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Delivery

from conftest import at, depot, make_order, make_problem, make_technician


@pytest.fixture(scope="module")
def instance():
    """Two technicians (T2 absent on Tuesday) over Monday and Tuesday, three orders, two
    depots, a delivery to the second on Monday at 10:00."""
    orders = [make_order("A", lat=49.51), make_order("B", lat=49.52, parts={"P-1": 1}), make_order("C", lat=49.53)]
    technicians = [make_technician("T1"), make_technician("T2", lat=49.40, absent=frozenset({at("08:00", 1).date()}))]
    depots = (
        depot("D1", lat=49.60),
        depot("D2", lat=49.61, incoming=(Delivery(part="P-1", quantity=1, at=at("10:00")),)),
    )
    return compile_instance(make_problem(orders, technicians, depots=depots, days=2))


def test_sizes_and_ids(instance) -> None:
    assert (instance.n_orders, instance.n_technicians, instance.n_depots, instance.n_vehicles) == (3, 2, 2, 3)
    assert instance.order_ids == ("A", "B", "C") and instance.depot_ids == ("D1", "D2")
    assert instance.dates == (at("08:00").date(), at("08:00", 1).date())


def test_locations_are_homes_then_orders_then_depots(instance) -> None:
    assert instance.order_loc.tolist() == [2, 3, 4] and instance.depot_loc.tolist() == [5, 6]
    assert instance.location_lat.tolist() == [49.49, 49.40, 49.51, 49.52, 49.53, 49.60, 49.61]
    assert instance.travel_s.shape == (7, 7)


def test_vehicles_are_technician_days_sorted_by_technician_then_day(instance) -> None:
    """T1 on Monday and Tuesday, T2 on Monday only (absent on Tuesday); routes start and end at home."""
    assert instance.vehicle_technician.tolist() == [0, 0, 1]
    assert instance.vehicle_day.tolist() == [0, 1, 0]
    assert instance.vehicle_start_loc.tolist() == instance.vehicle_end_loc.tolist() == [0, 0, 1]


def test_stops_past_the_orders_are_pickups_of_their_kind(instance) -> None:
    """Pickup kinds: each depot from the start, and D2 again from the 10:00 delivery."""
    assert not instance.is_pickup(2) and instance.is_pickup(3)
    assert [instance.depot_of(s) for s in (3, 4, 5)] == [0, 1, 1]
    assert instance.pickup_stops(0) == [3] and instance.pickup_stops(1) == [4, 5]
    assert instance.pickup_from_s[instance.pickup_stops(1)[1] - instance.n_orders] == 10 * 3600


def test_supply_is_needed_only_where_an_order_needs_parts_or_tools(instance) -> None:
    assert instance.needs_supply
    plain = compile_instance(make_problem([make_order("A")], [make_technician()]))
    assert not plain.needs_supply
    tools = compile_instance(make_problem([make_order("A", tools=frozenset({"lift"}))], [make_technician()]))
    assert tools.needs_supply


def test_a_fresh_plan_has_no_promises(instance) -> None:
    assert not instance.promises
    assert instance.order_promised_vehicle.tolist() == [-1, -1, -1]
