"""Pruning: visits that cost more than leaving their orders out are taken out."""

from __future__ import annotations

import pytest

import optimizer
from optimizer.decode.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import Events, SolverInfo, Urgency
from optimizer.replan import replan_problem
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import CheapestInsertion, RouteSet
from optimizer.solvers.prune import _most_saved, prune
from optimizer.solvers.schedule import routes_cost
from optimizer.testing import problems as synthetic
from optimizer.testing.tiny import tiny_problem

from conftest import at, make_order, make_problem, make_technician


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


def test_a_resumed_day_keeps_its_only_visit_where_the_drive_home_remains() -> None:
    """A re-plan at 11:00 resumes the day at a fixed visit 38 km east; a low order lies
    on the way home. Taking it out saves only its detour, not the drive home (which
    remains), so prune keeps it, and the checker agrees that keeping it costs less."""
    technician = make_technician()
    far = make_order("FAR", lat=49.49, lon=9.0, duration_min=120, urgency=Urgency.HIGH)
    problem = make_problem([far], [technician])
    plan = optimizer.solve(problem, solver="insertion", max_solutions=1, time_limit=None)
    on_the_way = make_order("MID", lat=49.49, lon=8.73, duration_min=20, urgency=Urgency.LOW)
    later = replan_problem(problem, plan, Events(now=at("11:00"), new_orders=(on_the_way,)))
    instance = compile_instance(later)
    routes = {0: (instance.order_ids.index("MID"),)}
    assert instance.vehicle_start_loc[0] != instance.vehicle_end_loc[0]
    pruned = prune(instance, SolveResult(routes, routes_cost(instance, routes), "given", 0.0))
    assert pruned.routes == routes
    kept = optimizer.check(later, assemble_plan(later, instance, pruned, SolverInfo(solver="given")))
    dropped = optimizer.check(
        later, assemble_plan(later, instance, SolveResult({}, 0.0, "", 0.0), SolverInfo(solver="given"))
    )
    assert kept.ok and dropped.ok
    assert kept.objective < dropped.objective


def test_a_visit_whose_removal_unbalances_the_days_stays() -> None:
    """O-00004 alone on T-002's day: leaving it out saves 31.5 of driving against its
    price of 30, but leaves T-002 idle beside a full day, and fair days cost 3.6 more: the
    whole plan would cost more, so it stays (it was taken out)."""
    problem = tiny_problem("base", 30, 4, 3).with_changes(weights={"balance": 1.0})
    instance = compile_instance(problem)
    order = {order_id: k for k, order_id in enumerate(instance.order_ids)}
    routes = {0: (order["O-00002"], order["O-00001"], order["O-00003"]), 1: (order["O-00004"],)}
    pruned = prune(instance, SolveResult(routes=routes, objective=None, status="", solve_s=0.0))
    assert pruned.routes == routes
    assert routes_cost(instance, routes) == pytest.approx(124.232, abs=1e-3)  # the optimum (enumerated)
