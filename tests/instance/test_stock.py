"""Parts and tools as numbers: what vans and depots hold, the depots' hours and kinds of
pickup, from when a technician could hold an order's parts, and which tools are to be had."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.instance import compile_instance
from optimizer.instance.arrays import NEVER_S
from optimizer.instance.stock import amounts, latest_pickup_start, parts_ready_s, tools_carried, tools_obtainable
from optimizer.models import Delivery

from conftest import at, depot, make_order, make_problem, make_technician


def seconds(clock: str, day: int = 0) -> int:
    """Seconds from the horizon start (Monday 00:00 local) to ``clock`` on ``day``."""
    return int((at(clock, day) - at("00:00")).total_seconds())


@pytest.fixture(scope="module")
def instance():
    """T1 holds one P-1 and a lift, T2 nothing; the depot (07:00-18:00) holds one P-1 and
    lends a crane, two P-2 arrive there at 10:00 and one P-4 arrived on Sunday. Orders: A
    one P-1, B one P-2, C two P-1, D a part nobody has, E nothing."""
    orders = [
        make_order("A", parts={"P-1": 1}, tools=frozenset({"lift"})),
        make_order("B", parts={"P-2": 1}, tools=frozenset({"crane"})),
        make_order("C", parts={"P-1": 2}, tools=frozenset({"drill"})),
        make_order("D", parts={"P-3": 1}),
        make_order("E"),
    ]
    technicians = [make_technician("T1", van_stock={"P-1": 1}, tools=frozenset({"lift"})), make_technician("T2")]
    incoming = (
        Delivery(part="P-2", quantity=2, at=at("10:00")),
        Delivery(part="P-4", quantity=1, at=at("12:00", -1)),
    )
    stocked = depot(stock={"P-1": 1}, tools=frozenset({"crane"}), incoming=incoming)
    return compile_instance(make_problem(orders, technicians, depots=(stocked,)))


def test_parts_and_tools_become_columns(instance) -> None:
    stock = instance.stock
    assert stock.part_ids == ("P-1", "P-2", "P-3", "P-4") and stock.tool_ids == ("crane", "drill", "lift")
    assert stock.order_parts.tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [2, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    assert stock.technician_van.tolist() == [[1, 0, 0, 0], [0, 0, 0, 0]]
    assert stock.depot_stock.tolist() == [[1, 0, 0, 0]]
    assert stock.technician_tools.tolist() == [[False, False, True], [False, False, False]]
    assert stock.depot_tools.tolist() == [[True, False, False]]


def test_deliveries_are_sorted_by_arrival_and_never_before_the_horizon(instance) -> None:
    """The P-4 that arrived on Sunday counts as there from second 0."""
    stock = instance.stock
    assert stock.delivery_s.tolist() == [0, seconds("10:00")]
    assert [stock.part_ids[p] for p in stock.delivery_part] == ["P-4", "P-2"]
    assert stock.delivery_units.tolist() == [1, 2] and stock.delivery_depot.tolist() == [0, 0]


def test_a_depot_has_hours_per_day_and_a_pickup_kind_per_arrival(instance) -> None:
    assert instance.depot_hours_s.tolist() == [[[seconds("07:00"), seconds("18:00")]]]
    assert instance.pickup_duration_s == 600
    assert instance.pickup_depot.tolist() == [0, 0]
    assert instance.pickup_from_s.tolist() == [0, seconds("10:00")]


def test_parts_are_ready_from_the_van_or_after_the_earliest_pickup(instance) -> None:
    """T1: A from the van; B after a pickup from the 10:00 delivery (10:10); C lacks one
    P-1, in stock when the depot opens (07:10). T2 has no P-1: A at 07:10, C never (the
    depot holds one). D: never; E needs nothing."""
    ready = parts_ready_s(instance.stock, instance.horizon_s, instance.depot_hours_s, instance.pickup_duration_s)
    assert ready.tolist() == [
        [0, seconds("10:10"), seconds("07:10"), NEVER_S, 0],
        [seconds("07:10"), seconds("10:10"), NEVER_S, NEVER_S, 0],
    ]


def test_the_latest_pickup_ends_by_the_time_within_opening_hours() -> None:
    monday = [seconds("07:00"), seconds("18:00")]
    tuesday = [seconds("07:00", 1), seconds("18:00", 1)]
    hours = np.array([monday, tuesday])
    assert latest_pickup_start(hours, seconds("12:00"), 600) == seconds("11:50")
    assert latest_pickup_start(hours, seconds("23:00"), 600) == seconds("17:50")  # by closing time
    assert latest_pickup_start(hours, seconds("09:00", 1), 600) == seconds("08:50", 1)
    assert latest_pickup_start(hours, seconds("07:05"), 600) is None  # the depot has not been open ten minutes


def test_tools_carried_or_lent(instance) -> None:
    """A's lift is T1's; B's crane is lent by the depot; C's drill is nobody's."""
    assert tools_carried(instance.stock).tolist() == [
        [True, False, False, True, True],
        [False, False, False, True, True],
    ]
    assert tools_obtainable(instance.stock).tolist() == [
        [True, True, False, True, True],
        [False, True, False, True, True],
    ]


def test_amounts_fill_named_columns() -> None:
    table = amounts([{"b": 2}, {}, {"a": 1, "c": 5}], ["a", "b", "c"])
    assert table.tolist() == [[0, 2, 0], [0, 0, 0], [1, 0, 5]]
