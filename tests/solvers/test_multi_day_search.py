"""Multi-day jobs inside our search: the core weighs each job's runs of days against
the work those days would otherwise hold, prices them as our scheduler does, and the
plans pass the checker."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.solvers import _field_search as core
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.field_search import FieldSearch, arrays
from optimizer.solvers.multi_day import candidate_runs
from optimizer.solvers.schedule import routes_cost
from optimizer.testing import problems as synthetic

from conftest import make_order, make_problem, make_technician, solve_checked


def test_the_search_clears_days_of_cheaper_work_for_a_job() -> None:
    """One technician, two days: a high 15-hour job and four low one-hour orders.
    Started with the low orders on both days (no free run for the job), the search
    clears the days for the job, which is worth more than the four together."""
    job = make_order("JOB", duration_min=900, urgency="high")
    small = [make_order(f"S{k}", duration_min=60, urgency="low", lat=49.50 + 0.005 * k) for k in range(4)]
    instance = compile_instance(make_problem([job, *small], [make_technician()], days=2))
    jobs = candidate_runs(instance, SolveLimits.within(None, max_solutions=1))
    assert {run.order for run in jobs} == {0} and len(jobs[0].parts) == 2
    assert instance.order_unplanned_cost[0] > instance.order_unplanned_cost[1:].sum()
    problem = core.Problem(arrays(instance, jobs))
    found = core.solve(problem, [[1, 2], [3, 4]], seed=0, max_iterations=400, time_limit_s=-1.0)
    assert found["runs"] == [0]
    assert not any(found["routes"])
    assert found["cost"] == pytest.approx(routes_cost(instance, {}, {p.vehicle: p for p in jobs[0].parts}), rel=1e-9)


def test_a_job_worth_less_than_the_work_on_its_days_stays_out() -> None:
    """The same day with the values swapped: a low 15-hour job, four high orders. The
    search starts with the job placed and gives its days to the orders."""
    job = make_order("JOB", duration_min=900, urgency="low")
    high = [make_order(f"H{k}", duration_min=60, urgency="high", lat=49.50 + 0.005 * k) for k in range(4)]
    instance = compile_instance(make_problem([job, *high], [make_technician()], days=2))
    jobs = candidate_runs(instance, SolveLimits.within(None, max_solutions=1))
    found = core.solve(
        core.Problem(arrays(instance, jobs)), [[], []], seed=0, max_iterations=400, time_limit_s=-1.0, runs=[0]
    )
    assert found["runs"] == []
    assert sorted(o for route in found["routes"] for o in route) == [1, 2, 3, 4]


@pytest.mark.parametrize("seed", [0, 3, 4])
def test_the_cores_objective_with_jobs_and_fair_days_is_the_schedulers(seed: int) -> None:
    """On generated three-day nights with long installations and a fair-days weight, the
    core's objective of its plan (runs taken included) equals our scheduler's."""
    problem = synthetic.problem(120, 6, days=3, seed=seed, backlog=True, rules=True)
    instance = compile_instance(problem.with_changes(weights={"balance": 5.0}))
    jobs = candidate_runs(instance, SolveLimits.within(None, max_solutions=1))
    found = core.solve(
        core.Problem(arrays(instance, jobs)),
        [[]] * instance.n_vehicles,
        seed=seed,
        max_iterations=300,
        time_limit_s=-1.0,
    )
    assert found["runs"], "the night should have a multi-day visit to price"
    routes = {v: tuple(seq) for v, seq in enumerate(found["routes"]) if seq}
    parts = {p.vehicle: p for run in found["runs"] for p in jobs[run].parts}
    assert not set(routes) & set(parts)  # a job's days take nothing else
    assert found["cost"] == pytest.approx(routes_cost(instance, routes, parts), rel=1e-9)


def test_the_search_plans_multi_day_visits_itself_and_the_checker_agrees() -> None:
    """Five-day generated nights: the search's plan holds multi-day visits (no pass
    after it), passes the checker, and a work limit gives the same plan twice."""
    problem = synthetic.problem(150, 10, days=5, seed=3, backlog=True)
    instance = compile_instance(problem)
    result = FieldSearch().solve(instance, SolveLimits.within(None, max_solutions=200), seed=2)
    assert result.multi_day and not set(result.multi_day) & set(result.routes)
    first = solve_checked(problem, solver="auto", max_solutions=200, time_limit=None, seed=2)
    again = solve_checked(problem, solver="auto", max_solutions=200, time_limit=None, seed=2)
    assert first.routes == again.routes
    assert "multi-day visit" in first.info.status and first.info.status.startswith("search: ")
