"""Multi-day visits: a job longer than a day over consecutive working days of one
technician, the weekend skipped, the days given to what is worth more."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import optimizer

from conftest import MONDAY, at, lunch, make_order, make_problem, make_technician, reasons, solve_checked, window


@pytest.mark.parametrize("solver", ["auto", "insertion"])
def test_two_day_installation_is_split_over_consecutive_days(solver: str) -> None:
    """A 14-hour installation, 08:00-17:00 shifts with a 30-minute lunch, Monday to
    Wednesday: it starts Monday, carries on Tuesday (one row per day, one order) and
    leaves Wednesday free for the other order."""
    job = make_order("BIG", type="installation", duration_min=14 * 60)
    other = make_order("SMALL", duration_min=60, windows=(window("08:00", "17:00", 2),))
    plan = solve_checked(make_problem([job, other], [make_technician(break_=lunch())], days=3), solver=solver)
    assert not plan.unplanned
    days = [r.date for r in plan.routes if "BIG" in r.order_ids]
    assert days == [MONDAY, MONDAY + dt.timedelta(days=1)]
    frame = optimizer.io.visits_frame(plan)
    assert (frame["order_id"] == "BIG").sum() == 2
    assert plan.kpis.orders_planned == 2 and plan.kpis.late_visits == 0


def test_multi_day_visit_skips_the_weekend() -> None:
    """Started on a Friday, a 12-hour job goes on on Monday, the next working day."""
    friday = MONDAY + dt.timedelta(days=4)
    job = make_order("BIG", duration_min=12 * 60)
    plan = solve_checked(make_problem([job], [make_technician()], start=friday, days=4))
    assert [r.date for r in plan.routes] == [friday, friday + dt.timedelta(days=3)]


def test_emergencies_take_the_days_of_a_low_multi_day_job() -> None:
    """A 15-hour low job and three emergencies, one technician, two days: the days go
    to the emergencies (leaving the low job out costs 300, an emergency 10,000)."""
    big = make_order("BIG", duration_min=900, urgency="low")
    emergencies = [make_order(f"E{k}", duration_min=30, urgency="emergency", lat=49.50 + 0.01 * k) for k in range(3)]
    plan = solve_checked(make_problem([big, *emergencies], [make_technician()], days=2))
    assert reasons(plan) == {"BIG": "not_enough_capacity"}
    assert plan.kpis.objective < 1_000


def test_the_cheapest_run_costs_what_the_least_of_all_runs_costs() -> None:
    """The reasons' bounded search finds the cost of the least costly run, as timing
    every run does, whatever days are taken: five technicians at different homes, four
    long jobs due on Monday evening, five days. With the nearest technician's Monday
    and Tuesday taken, a farther one who starts on Monday costs less (the search must
    not stop at the nearest)."""
    import random

    from optimizer.instance import compile_instance
    from optimizer.solvers.multi_day import cheapest_run_cost, runs

    technicians = [make_technician(f"T{k}", lat=49.50 + 0.06 * k, lon=8.48 + 0.02 * k) for k in range(5)]
    jobs = [
        make_order(f"J{k}", lat=49.50 + 0.01 * k, lon=8.48, duration_min=600 + 240 * k, due=at("17:00"))
        for k in range(4)
    ]
    instance = compile_instance(make_problem(jobs, technicians, days=5))
    nearest_busy = {0, 1}  # T0's Monday and Tuesday (vehicles by technician, then day)
    every = [cost for cost, _ in runs(instance, 0, nearest_busy)]
    nearest = [cost for cost, parts in runs(instance, 0, nearest_busy) if parts[0].vehicle < 5]
    assert min(every) < min(nearest)
    assert cheapest_run_cost(instance, 0, nearest_busy) == min(every)
    draw = random.Random(7)
    for order in range(instance.n_orders):
        for _ in range(6):
            taken = {v for v in range(instance.n_vehicles) if draw.random() < 0.3}
            costs = [cost for cost, _ in runs(instance, order, taken)]
            assert cheapest_run_cost(instance, order, taken) == (min(costs) if costs else None)


def test_an_overdue_multi_day_job_counts_its_sunk_lateness_once() -> None:
    """Re-planned on Tuesday, a 22-hour job due on Monday has lateness already sunk; its
    later days carry no lateness of their own, so they must not take the sunk part off
    again (they did: the solver's objective went negative and chose the longest run,
    while the checker's stayed positive; review finding)."""
    from optimizer.instance import compile_instance
    from optimizer.models import ClockInterval, Progress
    from optimizer.solvers.multi_day import runs

    technicians = [
        make_technician("NEAR", lat=49.50, lon=8.48, shift=ClockInterval(start=dt.time(8), end=dt.time(20))),
        make_technician("FAR", lat=49.56, lon=8.48, shift=ClockInterval(start=dt.time(8), end=dt.time(15))),
    ]
    job = make_order("J", duration_min=1300, due=at("09:00"))
    problem = make_problem([job], technicians, days=5, progress=Progress(now=at("07:00", 1)))
    instance = compile_instance(problem)
    assert instance.order_sunk_late_cost[0] > 0
    for _, parts in runs(instance, 0, set()):
        assert all(p.full_cost(instance) >= 0 for p in parts if p.continuing)
    plan = optimizer.solve(problem, time_limit=5.0, max_solutions=50)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
    assert plan.kpis.orders_planned == 1
    assert plan.info.solver_objective == pytest.approx(report.objective, abs=1e-6)
    assert {r.technician_id for r in plan.routes} == {"NEAR"}


def test_the_most_work_a_day_holds_is_what_bisection_finds() -> None:
    """The shortcut of ``_most_work`` (the shift less the drives and the break, checked
    with one second more) gives the bisection's answer on every day and job of
    generated five-day nights with windows, breaks and releases."""
    from optimizer.instance import compile_instance
    from optimizer.solvers.multi_day import _most_work
    from optimizer.solvers.schedule import Part, schedule_route
    from optimizer.testing import problems as synthetic

    checked = 0
    for seed in range(3):
        instance = compile_instance(synthetic.problem(200, 8, days=5, seed=seed, backlog=True, rules=True))
        for order in np.flatnonzero(instance.multi_day_compatible.any(axis=0)).tolist():
            work = int(instance.technician_duration_s[:, order].max())
            for vehicle in np.flatnonzero(instance.multi_day_compatible[:, order]).tolist()[:12]:
                for continuing in (False, True):
                    found = _most_work(instance, vehicle, order, continuing, work)
                    lo, hi, most = 60, work - 1, None
                    while lo <= hi:
                        mid = (lo + hi) // 2
                        timed = schedule_route(instance, vehicle, (order,), part=Part(mid, continuing))
                        if timed is not None and timed.overtime_s == 0:
                            most, lo = mid, mid + 1
                        else:
                            hi = mid - 1
                    assert (None if found is None else found[0]) == most, (seed, order, vehicle, continuing)
                    checked += 1
    assert checked > 100
