"""Pruning: visits that cost more than leaving their orders out are taken out."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.base import SolveResult
from optimizer.solvers.prune import prune
from optimizer.solvers.schedule import routes_cost

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
