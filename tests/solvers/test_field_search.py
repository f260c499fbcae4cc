"""Our own search (``search``): valid plans, the same routes for the same seed under a
work limit, every order that fits inserted, and the instance handed to the core as
flat arrays of fixed types. Every plan is re-checked by the independent checker."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.field_search import FieldSearch, arrays
from optimizer.testing import problems as synthetic

from conftest import lunch, make_order, make_problem, make_technician, solve_checked


def test_a_work_limit_and_a_seed_give_the_same_plan() -> None:
    problem = synthetic.problem(40, 3, seed=4)
    first = solve_checked(problem, solver="search", max_solutions=200, time_limit=None, seed=1)
    again = solve_checked(problem, solver="search", max_solutions=200, time_limit=None, seed=1)
    assert first.routes == again.routes and first.info.solver == "search"
    assert "iterations" in first.info.status


def test_every_order_that_fits_is_planned_from_empty_routes() -> None:
    """Six one-hour orders near home, two technicians with lunch: room for all."""
    orders = [make_order(f"O{k}", lat=49.49 + 0.005 * k) for k in range(6)]
    problem = make_problem(orders, [make_technician("A", break_=lunch()), make_technician("B", lat=49.52)])
    instance = compile_instance(problem)
    result = FieldSearch().solve(instance, SolveLimits.within(None, max_solutions=50))
    assert sorted(o for seq in result.routes.values() for o in seq) == list(range(6))
    plan = solve_checked(problem, solver=FieldSearch(), max_solutions=50, time_limit=None)
    assert plan.kpis.orders_planned == 6


def test_the_search_starts_from_the_routes_given() -> None:
    """Started from a route that holds every order, with no iterations to change it."""
    orders = [make_order(f"O{k}", lat=49.49 + 0.005 * k) for k in range(3)]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    result = FieldSearch().improve(instance, {0: (2, 0, 1)}, SolveLimits.within(None, max_solutions=1))
    assert sorted(result.routes[0]) == [0, 1, 2]


def test_the_core_reads_flat_contiguous_arrays() -> None:
    orders = [make_order("A"), make_order("B", skills={"gas": 1})]
    instance = compile_instance(make_problem(orders, [make_technician(break_=lunch())]))
    given = arrays(instance)
    assert (given["n_orders"], given["n_vehicles"], given["n_locations"]) == (2, 1, 3)
    assert given["travel_s"].dtype == np.int32 and given["travel_s"].shape == (9,)
    assert given["order_windows_s"].dtype == np.int64 and given["order_windows_s"].flags.c_contiguous
    assert given["compatible"].tolist() == [1, 0]  # nobody has gas
    assert np.isfinite(given["vehicle_capacity"]).all()  # unlimited vans: the largest float
