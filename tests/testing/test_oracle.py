"""The exhaustive optimum of tiny problems: the least cost of any plan, and its routes."""

from __future__ import annotations

import itertools

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.schedule import routes_cost
from optimizer.testing.oracle import optimum
from optimizer.testing.tiny import tiny_problem

from conftest import make_order, make_problem, make_technician


def test_the_optimum_is_what_its_routes_cost_and_no_plan_costs_less() -> None:
    """Every plan of three orders on two technician-days, priced as a whole plan: none
    below the optimum, and the optimum's routes cost what it says."""
    instance = compile_instance(tiny_problem("base", 4, 3, 2))
    value, routes = optimum(instance)
    assert routes_cost(instance, routes) == pytest.approx(value, rel=1e-12)
    costs = []
    for owners in itertools.product([-1, 0, 1], repeat=3):  # -1: left out
        for first, second in itertools.product(
            *(itertools.permutations([o for o in range(3) if owners[o] == v]) for v in (0, 1))
        ):
            try:
                costs.append(routes_cost(instance, {v: seq for v, seq in ((0, first), (1, second)) if seq}))
            except ValueError:  # no schedule
                continue
    assert min(costs) == pytest.approx(value, rel=1e-12)


def test_an_order_dearer_served_than_left_out_is_left_out() -> None:
    orders = [make_order("NEAR"), make_order("FAR", urgency=Urgency.LOW, lat=50.3, lon=8.9)]
    problem = make_problem(orders, [make_technician(max_overtime_min=240)], weights={"balance": 0.0})
    instance = compile_instance(problem)
    value, routes = optimum(instance)
    assert routes == {0: (0,)}
    assert value == pytest.approx(routes_cost(instance, {0: (0,)}))


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"weights": {"balance": 1.0}}, "fair days"),
        ({"update_orders": {"O-00001": {"duration_min": 900.0}}}, "multi-day"),
    ],
)
def test_problems_whose_cost_is_not_a_sum_over_routes_are_refused(changes: dict, why: str) -> None:
    problem = tiny_problem("base", 0, 3, 1).with_changes(**changes)
    with pytest.raises(ValueError, match=why):
        optimum(compile_instance(problem))
