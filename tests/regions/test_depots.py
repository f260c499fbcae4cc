"""Depots shared between regions: every region reaches one, stock shared out by demand."""

from __future__ import annotations

import numpy as np

from optimizer.models import Delivery, Depot, Problem
from optimizer.regions.depots import shared_depots
from optimizer.regions.split import split

from conftest import at, make_order, make_problem, make_technician


def two_towns() -> Problem:
    """Two technicians 30 km apart in two regions, one depot beside the west one; the
    east town's orders need three times as many of P1 as the west's."""
    west = make_technician("W", lat=49.49, lon=8.40, region="west")
    east = make_technician("E", lat=49.49, lon=8.80, region="east")
    depot = Depot(
        id="D",
        lat=49.49,
        lon=8.41,
        hours={"start": "07:00", "end": "18:00"},
        stock={"P1": 10, "P2": 4},
        tools=frozenset({"ladder"}),
        incoming=(Delivery(part="P1", quantity=3, at=at("12:00")),),
    )
    orders = [
        make_order("O-W", lat=49.49, lon=8.42, region="west", parts={"P1": 1}),
        make_order("O-E", lat=49.49, lon=8.79, region="east", parts={"P1": 3}),
    ]
    return make_problem(orders, [west, east], depots=(depot,))


def test_a_depot_is_shared_by_every_region_that_reaches_it_by_demand() -> None:
    """The east region has no depot of its own: it shares the west's. P1 goes 1:3 by
    demand (the odd unit by the largest remainder), P2 nobody needs stays west, each
    delivery is shared alike, the tools go to both; the shares add up to the stock."""
    regions = {r.name: r.problem for r in split(two_towns())}
    (west,), (east,) = regions["west"].depots, regions["east"].depots
    assert (west.stock, east.stock) == ({"P1": 2, "P2": 4}, {"P1": 8})  # 2.5 : 7.5, the tie to east (first by name)
    assert [d.quantity for d in west.incoming] == [1] and [d.quantity for d in east.incoming] == [2]
    assert west.tools == east.tools == frozenset({"ladder"})


def test_a_depot_nobody_else_reaches_stays_whole() -> None:
    problem = two_towns()
    tech_region = np.array([0, 0])
    order_region = np.array([0, 0])
    (depots_of_one,) = shared_depots(problem, tech_region, order_region, 1)
    assert depots_of_one == problem.depots


def test_counted_tools_are_shared_out_like_stock() -> None:
    """Three lifts and two ladders counted, one tool without a count: the east needs two
    lifts to the west's one, nobody needs a ladder (both stay west, the east gets none),
    the uncounted hook goes to both; the copies add up to the depot's."""
    problem = two_towns()
    depot = problem.depots[0].model_copy(
        update={"tools": frozenset({"lift", "ladder", "hook"}), "tool_copies": {"lift": 3, "ladder": 2}}
    )
    orders = [
        make_order("L-W", lat=49.49, lon=8.42, region="west", tools=frozenset({"lift"})),
        *(make_order(f"L-E{k}", lat=49.49, lon=8.79, region="east", tools=frozenset({"lift"})) for k in range(2)),
    ]
    ruled = problem.with_changes(add_orders=orders, depots=(depot,))
    regions = {r.name: r.problem for r in split(ruled)}
    (west,), (east,) = regions["west"].depots, regions["east"].depots
    assert (west.tool_copies, east.tool_copies) == ({"lift": 1, "ladder": 2}, {"lift": 2})
    assert west.tools == frozenset({"lift", "ladder", "hook"}) and east.tools == frozenset({"lift", "hook"})


def test_an_order_goes_to_the_region_of_its_preferred_technician() -> None:
    """An order nearer the west technician but preferring the east one is planned in
    the east, where the preference can be met."""
    order = make_order("P", lat=49.49, lon=8.45, preferred=("E",))
    regions = {r.name: r.problem for r in split(two_towns().with_changes(add_orders=[order]))}
    assert "P" in {o.id for o in regions["east"].orders}
