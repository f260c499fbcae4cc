"""The odds that a plan holds: answers known by hand, and a calibration test against
an independent simulation of the same days (its own loop, sample by sample)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

import optimizer
from optimizer.durations import learn_durations, risk
from optimizer.durations.risk import TRAVEL_SPREAD
from optimizer.models import OrderType, Plan, Problem, StopKind
from optimizer.models.durations import DurationGroup, DurationModel
from optimizer.models.objective import due_of, sla_anchor
from optimizer.testing import histories
from optimizer.testing import problems as synthetic
from optimizer.timeaxis import utc

from conftest import at, make_order, make_problem, make_technician, solve_checked, window


def flat(sd: float) -> DurationModel:
    return DurationModel(
        groups=(DurationGroup(mean_log=0.0, sd_log=sd, visits=10),),
        history_until=dt.date(2026, 11, 20),
        half_life_days=180,
        holdout_visits=0,
    )


def test_odds_known_by_hand() -> None:
    """O1 is overdue (never on time); O2 has the whole day (always); O3 must start by
    08:45 right after O1's 40 minutes: with a wide spread on O1, about half the time."""
    orders = [
        make_order("O1", duration_min=40, due=at("07:00"), windows=(window("08:00", "08:05"),)),
        make_order("O3", duration_min=30, windows=(window("08:40", "08:45"),)),
        make_order("O2", duration_min=30, lat=49.52),
    ]
    problem = make_problem(orders, [make_technician("T1")])
    plan = solve_checked(problem)
    odds = {v.order_id: v for v in risk(problem, plan, flat(0.3), samples=4000, seed=1).visits}
    assert odds["O1"].before_due == 0.0 and odds["O1"].in_window == 1.0 and odds["O1"].on_time == 0.0
    assert odds["O2"].on_time == 1.0
    assert 0.3 < odds["O3"].on_time < 0.7
    assert risk(problem, plan, flat(0.3), samples=4000, seed=1).expected_late_visits == pytest.approx(
        sum(1 - v.on_time for v in odds.values())
    )


def test_a_long_day_runs_over_as_often_as_its_work_does() -> None:
    """Almost nine hours of work (4 x 133 minutes and two short drives) in a nine-hour
    shift, with a spread of 0.2 on each visit: over in about half the days."""
    orders = [make_order(f"O{k}", duration_min=133) for k in range(4)]
    problem = make_problem(orders, [make_technician("T1", max_overtime_min=120)])
    plan = solve_checked(problem)
    (day,) = risk(problem, plan, flat(0.2), samples=2000).days
    assert 0.35 < day.overtime < 0.8 and day.past_allowed < day.overtime and day.mean_overtime_min > 0


def execute(problem: Problem, plan: Plan, model: DurationModel, rng: np.random.Generator) -> tuple[dict, dict]:
    """One day of every route carried out, written independently of the risk module:
    (order -> on time, (technician, date) -> over the shift)."""
    anchor = sla_anchor(problem)
    orders = problem.order_by_id
    on_time, over = {}, {}
    for route in plan.routes:
        t = utc(route.stops[0].end)
        busy_until = t
        stops = route.stops
        for k, stop in enumerate(stops[1:], start=1):
            if stop.kind is StopKind.BREAK and utc(stop.start) < busy_until:
                continue
            busy_until = max(busy_until, utc(stop.end))
            after = stops[k + 1] if k + 1 < len(stops) else None
            pause = (
                utc(after.end) - utc(after.start)
                if after is not None and after.kind is StopKind.BREAK and utc(after.start) < utc(stop.end)
                else dt.timedelta(0)
            )
            t = t + dt.timedelta(minutes=stop.travel_min * math.exp(rng.normal(0, TRAVEL_SPREAD)))
            if stop.kind in (StopKind.BREAK, StopKind.PICKUP):
                t = max(t, utc(stop.start)) + (utc(stop.end) - utc(stop.start))
            elif stop.kind is StopKind.ORDER:
                order = orders[stop.order_id]
                begin = t
                for w in order.windows:
                    if t <= utc(w.end):
                        begin = max(t, utc(w.start))
                        break
                inside = not order.windows or any(utc(w.start) <= begin <= utc(w.end) for w in order.windows)
                due = due_of(problem, order, anchor)
                on_time[order.id] = inside and (due is None or begin <= utc(due))
                group = model.group_of(order.type, frozenset(order.skills), route.technician_id)
                minutes = order.duration_min * math.exp(group.mean_log + rng.normal(0, group.sd_log))
                t = begin + dt.timedelta(minutes=minutes) + pause
        hours = problem.technician_by_id[route.technician_id].hours_on(route.date)
        over[(route.technician_id, route.date)] = t > utc(
            dt.datetime.combine(route.date, hours.end, tzinfo=problem.zone)
        )
    return on_time, over


def test_the_odds_match_the_frequencies_of_an_independent_simulation() -> None:
    """A generated day planned with durations learned from a generated history (at the
    median): the odds of each visit and day match the frequencies of 2,000 executions
    within a few points."""
    problem = synthetic.problem(40, 5, seed=5)
    technicians = [t.id for t in problem.technicians]
    frame, _ = histories.generate(3000, technicians, seed=5)
    model = learn_durations(histories.as_visits(frame))
    problem = problem.model_copy(update={"durations": model})
    plan = optimizer.solve(problem, time_limit=5, max_solutions=100)
    assert optimizer.check(problem, plan).ok
    odds = risk(problem, plan, samples=1000, seed=0)
    rng = np.random.default_rng(99)
    runs = [execute(problem, plan, model, rng) for _ in range(2000)]
    gaps = [abs(v.on_time - np.mean([r[0][v.order_id] for r in runs])) for v in odds.visits]
    assert np.mean(gaps) < 0.02 and max(gaps) < 0.07
    day_gaps = [abs(d.overtime - np.mean([r[1][(d.technician_id, d.date)] for r in runs])) for d in odds.days]
    assert max(day_gaps) < 0.07
    assert any(0.05 < v.on_time < 0.95 for v in odds.visits)  # the test means something
    assert {v.order_id for v in odds.visits} == {o for r in plan.routes for o in r.order_ids}
    assert OrderType.REPAIR in {problem.order_by_id[v.order_id].type for v in odds.visits}


def test_a_break_inside_a_visit_and_a_crew_count_as_planned() -> None:
    """A deterministic model (no spread): a 300-minute job that the lunch break
    interrupts ends as planned (on time, no overtime); a crew's visit has one row."""
    from conftest import lunch

    technicians = [
        make_technician("T1", break_=lunch(), skills={"elevator": 1}),
        make_technician("T2", skills={"elevator": 1}),
    ]
    orders = [
        make_order("J", duration_min=300, windows=(window("08:05", "08:05"),)),
        make_order("N", duration_min=30, due=at("13:50"), lat=49.51),
        make_order("E", duration_min=60, crew=2, crew_skills={"elevator": 1}, lat=49.52),
    ]
    problem = make_problem(orders, technicians)
    plan = solve_checked(problem)
    odds = risk(problem, plan, flat(0.0), samples=50)
    rows = [v.order_id for v in odds.visits]
    assert rows.count("E") == 1 and sorted(rows) == ["E", "J", "N"]
    planned_late = {s.order_id for r in plan.routes for s in r.stops if s.order_id and s.late_min > 0}
    for visit in odds.visits:
        if visit.order_id not in planned_late and visit.order_id != "E":
            assert visit.before_due == pytest.approx(1.0, abs=0.05), visit
