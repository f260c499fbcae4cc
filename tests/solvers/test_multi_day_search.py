"""Multi-day jobs inside our search: the core weighs each job's runs of days against
the work those days would otherwise hold, prices them as our scheduler does, and the
plans pass the checker."""

from __future__ import annotations

import dataclasses

import pytest

import optimizer
from optimizer.instance import compile_instance
from optimizer.solvers import _field_search as core
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.field_search import FieldSearch, arrays, completion
from optimizer.solvers.multi_day import candidate_runs
from optimizer.solvers.schedule import routes_cost
from optimizer.testing import problems as synthetic

from conftest import at, depot, make_order, make_problem, make_technician, solve_checked, window


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
    core's objective of its plan (runs taken included) equals our scheduler's (started
    with the jobs inserted first, so that some runs are taken)."""
    problem = synthetic.problem(120, 6, days=3, seed=seed, backlog=True, rules=True)
    instance = compile_instance(problem.with_changes(weights={"balance": 5.0}))
    jobs = candidate_runs(instance, SolveLimits.within(None, max_solutions=1))
    found = core.solve(
        core.Problem(arrays(instance, jobs)),
        [[]] * instance.n_vehicles,
        seed=seed,
        max_iterations=300,
        time_limit_s=-1.0,
        jobs_first=True,
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


def test_the_construction_takes_a_run_only_where_it_lowers_the_cost() -> None:
    """With no iterations, the core's start inserts the other orders first and a job
    only into days still free where that costs less than leaving it out: it never costs
    more than the same start given no runs (a job inserted first used to take days worth
    more to other work)."""
    for seed in range(4):
        instance = compile_instance(synthetic.problem(150, 6, days=5, seed=seed, backlog=True))
        jobs = candidate_runs(instance, SolveLimits.within(None, max_solutions=1))
        empty = [[]] * instance.n_vehicles
        with_runs = core.solve(core.Problem(arrays(instance, jobs)), empty, seed=0, max_iterations=0, time_limit_s=-1.0)
        without = core.solve(core.Problem(arrays(instance)), empty, seed=0, max_iterations=0, time_limit_s=-1.0)
        assert with_runs["cost"] <= without["cost"] + 1e-6, seed


def test_a_closed_day_takes_no_pickup() -> None:
    """Tuesday's emergency needs a part only a depot opening after its window holds:
    only a pickup on Monday serves it. With Monday closed (a multi-day visit planned
    there before a crew or chain pass completes the plan), it stays out."""
    early = make_order("E", parts={"A": 1}, urgency="emergency", windows=(window("07:01", "08:01", 1),))
    technician = make_technician(shift={"start": "07:00", "end": "17:00"})
    instance = compile_instance(
        make_problem([early], [technician], days=2, depots=(depot(hours=(9, 17), stock={"A": 1}),))
    )
    result, _ = completion(instance, {}, "open")
    assert result.routes.keys() == {0, 1}  # the pickup on Monday, the emergency on Tuesday
    result, _ = completion(dataclasses.replace(instance, closed_days=(0,)), {}, "closed")
    assert result.routes == {}


def test_a_crew_order_does_not_hide_the_multi_day_job_from_the_back_end() -> None:
    """A crew order whose helper's due time lies inside its window makes the whole
    problem one PyVRP cannot model, while the problem the back-end plans (without
    helpers) is one it can: the multi-day job must still be planned, by the pass after
    PyVRP (it was dropped with a false reason)."""
    technicians = [make_technician("T1", skills={"hvac": 1}), make_technician("T2", skills={"hvac": 1})]
    job = make_order("JOB", duration_min=900, urgency="high", skills={"hvac": 1})
    small = [make_order(f"S{k}", duration_min=60, lat=49.50 + 0.01 * k, skills={"hvac": 1}) for k in range(3)]
    crew = make_order(
        "CREW",
        crew=2,
        skills={"elec": 1},
        crew_skills={"hvac": 1},
        windows=(window("09:00", "13:00"),),
        due=at("10:00"),
    )
    problem = make_problem([job, *small, crew], technicians, days=2).with_changes(weights={"balance": 0.0})
    plan = solve_checked(problem, solver="auto", max_solutions=200, time_limit=None)
    assert "JOB" in {o for r in plan.routes for o in r.order_ids}, plan.info.status
    assert {u.order_id for u in plan.unplanned} == {"CREW"}
    assert isinstance(optimizer.check(problem, plan).objective, float)


def test_a_job_goes_to_the_free_days_of_a_technician_beyond_the_nearest() -> None:
    """Eight technicians at home do both kinds of work and are kept busy by 250 urgent
    small orders; a ninth, 15 km away, does only the job's kind: his free days hold
    the job, although he is not among the eight of least bound (who tie on it)."""
    near = [make_technician(f"T{k}", skills={"hvac": 1, "elec": 1}) for k in range(8)]
    far = make_technician("FAR", skills={"hvac": 1}, lat=49.60, lon=8.60)
    job = make_order("JOB", duration_min=900, skills={"hvac": 1})
    small = [
        make_order(
            f"S{k}",
            duration_min=50,
            urgency="high",
            skills={"elec": 1},
            lat=49.49 + 0.002 * (k % 10),
            lon=8.47 + 0.002 * (k // 10),
        )
        for k in range(250)
    ]
    problem = make_problem([job, *small], [*near, far], days=2).with_changes(weights={"balance": 0.0})
    plan = solve_checked(problem, solver="search", max_solutions=200, time_limit=None)
    assert [r.technician_id for r in plan.routes if "JOB" in r.order_ids] == ["FAR", "FAR"]


def test_progress_counts_the_multi_day_visits_the_search_holds() -> None:
    """``on_improvement``'s orders planned include the multi-day jobs of the search's
    plan: the last report counts what the plan holds, jobs included."""
    problem = synthetic.problem(150, 10, days=5, seed=3, backlog=True)
    reported: list[int] = []
    plan = solve_checked(
        problem, max_solutions=200, time_limit=None, seed=2, on_improvement=lambda s, cost, n: reported.append(n)
    )
    assert "multi-day visit" in plan.info.status
    assert reported[-1] == plan.kpis.orders_planned
