"""Urgency-first cheapest insertion: the order orders are taken in, insertion where it
adds least, orders left out where no insertion pays, and existing routes kept."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.insertion import CheapestInsertion, insert_orders, insertion_order
from optimizer.solvers.schedule import routes_cost

from conftest import at, make_order, make_problem, make_technician, solve_checked, window


def test_orders_are_taken_most_valuable_first_then_by_due_then_by_window_end() -> None:
    """By leave-out price (emergency 10,000 .. low 300), then due, then the last window's
    end; an order nobody may serve is not taken at all."""
    orders = [
        make_order("LOW", urgency=Urgency.LOW),
        make_order("NORMAL-DUE-10", due=at("10:00")),
        make_order("NORMAL-LATE-WINDOW", windows=(window("08:00", "16:00"),)),
        make_order("EMERGENCY", urgency=Urgency.EMERGENCY),
        make_order("NORMAL-DUE-9", due=at("09:00")),
        make_order("NORMAL-EARLY-WINDOW", windows=(window("08:00", "12:00"),)),
        make_order("GAS", urgency=Urgency.HIGH, skills={"gas": 1}),
    ]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    taken = [instance.order_ids[o] for o in insertion_order(instance)]
    assert taken == [
        "EMERGENCY",
        "NORMAL-DUE-9",
        "NORMAL-DUE-10",
        "NORMAL-EARLY-WINDOW",
        "NORMAL-LATE-WINDOW",
        "LOW",
    ]


def test_each_order_goes_where_it_adds_least() -> None:
    """Two technicians at either end: each order goes to the one next door."""
    orders = [make_order("NORTH", lat=49.60), make_order("SOUTH", lat=49.38)]
    technicians = [make_technician("T-S", lat=49.38), make_technician("T-N", lat=49.60)]
    instance = compile_instance(make_problem(orders, technicians))
    routes = insert_orders(instance, SolveLimits.within(10))
    assert routes == {0: (1,), 1: (0,)}


def test_an_order_whose_cheapest_insertion_costs_more_than_leaving_it_out_stays_out() -> None:
    """A low order about 95 km away: some six hours' driving against 300."""
    orders = [make_order("NEAR"), make_order("FAR", urgency=Urgency.LOW, lat=50.3, lon=8.9)]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    result = CheapestInsertion().solve(instance, SolveLimits.within(10))
    assert result.routes == {0: (0,)}
    assert result.objective == pytest.approx(routes_cost(instance, result.routes))
    assert result.status == "constructed"


def test_existing_routes_are_kept_and_completed() -> None:
    """Given a route serving C, A and B are inserted around it; C keeps its vehicle."""
    orders = [make_order("A", lat=49.50), make_order("B", lat=49.52), make_order("C", lat=49.51)]
    instance = compile_instance(make_problem(orders, [make_technician("T1"), make_technician("T2", lat=49.60)]))
    routes = insert_orders(instance, SolveLimits.within(10), routes={1: (2,)})
    assert 2 in routes[1]
    assert sorted(s for seq in routes.values() for s in seq) == [0, 1, 2]


def test_nothing_is_inserted_after_the_deadline() -> None:
    instance = compile_instance(make_problem([make_order("A")], [make_technician()]))
    assert insert_orders(instance, SolveLimits(deadline=0.0)) == {}


def test_the_construction_is_a_valid_deterministic_plan() -> None:
    """Through ``solve``: the checker accepts it, and a second run gives the same routes."""
    orders = [make_order(f"O{k}", lat=49.45 + 0.01 * k, duration_min=90) for k in range(8)]
    problem = make_problem(orders, [make_technician("A"), make_technician("B", lat=49.55)])
    first = solve_checked(problem, solver="insertion")
    assert first.info.solver == "insertion" and first.info.status.startswith("constructed")
    assert solve_checked(problem, solver="insertion").routes == first.routes
