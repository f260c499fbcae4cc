"""Pruning: visits that cost more than leaving their orders out are taken out."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import CheapestInsertion, RouteSet
from optimizer.solvers.prune import _most_saved, prune
from optimizer.solvers.schedule import routes_cost
from optimizer.testing import problems as synthetic

from conftest import make_order, make_problem, make_technician


@pytest.fixture(scope="module")
def instance():
    """A normal order near home and a low one about 95 km away (three hours' drive each
    way against 300 for leaving it out)."""
    orders = [make_order("NEAR"), make_order("FAR", urgency=Urgency.LOW, lat=50.3, lon=8.9)]
    return compile_instance(make_problem(orders, [make_technician(max_overtime_min=240)]))


def test_a_visit_worth_less_than_its_cost_is_taken_out(instance) -> None:
    routed = {0: (0, 1)}
    result = prune(instance, SolveResult(routed, routes_cost(instance, routed), "found", 1.0))
    assert result.routes == {0: (0,)}
    assert result.objective == pytest.approx(routes_cost(instance, {0: (0,)}))
    assert result.objective < routes_cost(instance, routed)  # cheaper, leaving FAR out included
    assert result.status == "found; 1 visit worth less than their cost taken out"
    assert result.solve_s == 1.0


def test_routes_worth_their_cost_are_returned_unchanged(instance) -> None:
    kept = SolveResult({0: (0,)}, routes_cost(instance, {0: (0,)}), "found", 1.0)
    assert prune(instance, kept) is kept
    empty = SolveResult({}, routes_cost(instance, {}), "nothing", 0.0)
    assert prune(instance, empty) is empty


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_what_a_visit_could_save_bounds_what_taking_it_out_saves(seed: int) -> None:
    """The bound that spares re-timing a visit (the day's timing cost plus the visit's
    detour) is never below what taking the visit out really saves, on real-night routes
    with breaks, overtime, overdue orders and pickups."""
    instance = compile_instance(synthetic.problem(120, 6, days=2, seed=seed, backlog=True))
    routes = CheapestInsertion().solve(instance, SolveLimits(max_solutions=1)).routes
    state = RouteSet(instance, routes)
    compared = 0
    for vehicle, timed in list(state.schedules.items()):
        for order in (s for s in timed.visits if not instance.is_pickup(s)):
            before = state.cost(vehicle)
            old = state.remove(order, vehicle)
            if old is None:
                continue
            saved = before - state.cost(vehicle)
            state.put(old)
            assert _most_saved(instance, old, order) >= saved - 1e-9
            compared += 1
    assert compared > 50
