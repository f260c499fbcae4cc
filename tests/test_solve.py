"""``solve()``: options and keywords, a back-end given by name or as an object, the
improvements reported as they come, and a work limit cut short by the time limit."""

from __future__ import annotations

import itertools
import logging
import time

import pytest
from pydantic import ValidationError

import optimizer
from optimizer.models import SolveOptions
from optimizer.solve import with_options
from optimizer.solvers.insertion import CheapestInsertion
from optimizer.testing import problems as synthetic
from optimizer.travel import travel_provider

from conftest import make_order, make_problem, make_technician, solve_checked


def test_keywords_override_the_options_one_by_one() -> None:
    base = SolveOptions(solver="insertion", time_limit=5.0, seed=3)
    assert with_options(base, time_limit=None, seed=4) == SolveOptions(solver="insertion", time_limit=5.0, seed=4)
    assert with_options(None, max_solutions=10) == SolveOptions(max_solutions=10)
    with pytest.raises(ValidationError):
        with_options(base, solver="simulated-annealing")
    with pytest.raises(ValidationError):
        with_options(base, time_limit=-1.0)


def test_the_options_object_sets_back_end_seed_and_limits() -> None:
    problem = make_problem([make_order("A"), make_order("B", lat=49.52)], [make_technician()])
    plan = optimizer.solve(problem, SolveOptions(solver="insertion", time_limit=4.0, seed=9))
    assert optimizer.check(problem, plan).ok
    assert (plan.info.solver, plan.info.seed, plan.info.time_limit_s) == ("insertion", 9, 4.0)
    assert plan.info.total_s >= plan.info.solve_s >= 0
    worked = solve_checked(problem, solver="insertion", time_limit=None, max_solutions=5)
    assert worked.info.time_limit_s is None


def test_a_back_end_object_is_used_as_given() -> None:
    problem = make_problem([make_order("A")], [make_technician()])
    plan = solve_checked(problem, solver=CheapestInsertion(name="my insertion"))
    assert plan.info.solver == "my insertion" and plan.kpis.orders_planned == 1


def test_improvements_are_reported_and_logged_best_first(caplog: pytest.LogCaptureFixture) -> None:
    """Each report beats the one before; the last is the back-end's final objective
    (before supply, so at least the plan's)."""
    problem = synthetic.problem(40, 3, seed=5)
    seen: list[tuple[float, float, int]] = []
    with caplog.at_level(logging.INFO, logger="optimizer"):
        plan = solve_checked(
            problem, solver="ortools", max_solutions=20, time_limit=None, on_improvement=lambda *a: seen.append(a)
        )
    assert seen and all(b[1] < a[1] and b[0] >= a[0] for a, b in itertools.pairwise(seen))
    assert all(0 < planned <= len(problem.orders) for _, _, planned in seen)
    assert seen[-1][1] == pytest.approx(plan.info.solver_objective)
    logged = [r for r in caplog.records if getattr(r, "event", "") == "improved"]
    assert [r.objective for r in logged] == [objective for _, objective, _ in seen]


def test_a_work_limit_the_time_limit_cuts_short_is_said(caplog: pytest.LogCaptureFixture) -> None:
    """A million solutions in half a second: the plan says another run may differ."""
    problem = synthetic.problem(80, 4, seed=2)
    with caplog.at_level(logging.WARNING, logger="optimizer"):
        plan = optimizer.solve(problem, solver="ortools", max_solutions=1_000_000, time_limit=0.5)
    assert optimizer.check(problem, plan).ok
    assert "the time limit ended the search before its work limit" in plan.info.status
    assert any(getattr(r, "event", "") == "work_limit_not_reached" for r in caplog.records)


def test_a_travel_matrix_that_eats_half_the_budget_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    """A travel source slower than half the time limit: the plan comes, with a warning
    naming both durations (event travel_slow)."""
    problem = make_problem([make_order("O1")], [make_technician("A")])
    source = travel_provider(problem.travel)

    class Slow:
        def matrix(self, lat: object, lon: object) -> object:
            time.sleep(1.2)
            return source.matrix(lat, lon)

    with caplog.at_level("WARNING", logger="optimizer"):
        plan = optimizer.solve(problem, time_limit=2, solver="insertion", travel=Slow())  # type: ignore[arg-type]
    assert plan.kpis.orders_planned == 1
    (record,) = [r for r in caplog.records if getattr(r, "event", None) == "travel_slow"]
    assert "of the 2.0 s time limit" in record.getMessage()
