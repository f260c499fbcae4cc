"""Planning with learned durations against planning with the planned minutes, both
executed in simulation with the durations visits really take.

    python benchmarks/run.py durations --sizes 300 --technicians 25 --seeds 0,1,2 --time-limit 30 \
        --out results/durations

For each generated day (``size`` orders, ``--technicians``, one day), a history of
6,000 visits of the same technicians is drawn with a known truth
(:mod:`optimizer.testing.histories`: type-dependent bias and spread, technician speeds,
learning over time); the model learned from it (``optimizer.learn_durations``)
reports its error on the latest fifth of the history against the planned minutes,
next to the error of the truth's own median (the least any model can reach). The day
is then planned four ways at the same time limit: with the planned minutes, with the
learned median, and with its 0.6 and 0.7 quantiles. Each plan is executed 100 times with
durations drawn from the truth and drives spread around their planned minutes: a
technician works through the route in order, starts a visit when there and its window
is open, and leaves out the rest of the route once a visit would end past the shift
plus the overtime allowed. Columns per plan: orders planned, served on average,
visits late on average (outside every window or after the due, among those served),
minutes of overtime on average, and whether the checker accepted the plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math

import numpy as np

import optimizer
from optimizer.durations import learn_durations
from optimizer.models import Plan, Problem, StopKind
from optimizer.models.objective import due_of, sla_anchor
from optimizer.testing import histories
from optimizer.testing import problems as synthetic
from optimizer.timeaxis import utc

HISTORY = 6000
RUNS = 100
TRAVEL_SPREAD = 0.15
PLANS = (("planned", None), ("learned 0.5", 0.5), ("learned 0.6", 0.6), ("learned 0.7", 0.7))


def execute(problem: Problem, plan: Plan, truth: histories.Truth, rng: np.random.Generator) -> tuple[int, int, float]:
    """One day of ``plan`` carried out with the truth's durations: (served, late, overtime minutes)."""
    anchor = sla_anchor(problem)
    orders = problem.order_by_id
    served = late = 0
    overtime = 0.0
    for route in plan.routes:
        technician = problem.technician_by_id[route.technician_id]
        hours = technician.hours_on(route.date)
        shift_end = utc(dt.datetime.combine(route.date, hours.end, tzinfo=problem.zone))
        limit = shift_end + dt.timedelta(minutes=technician.max_overtime_min)
        t = utc(route.stops[0].end)
        busy_until = t
        for stop in route.stops[1:]:
            if stop.kind is StopKind.BREAK and utc(stop.start) < busy_until:
                continue
            busy_until = max(busy_until, utc(stop.end))
            if stop.kind is StopKind.END:
                t = t + dt.timedelta(minutes=stop.travel_min * math.exp(rng.normal(0, TRAVEL_SPREAD)))
                break
            arrive = t + dt.timedelta(minutes=stop.travel_min * math.exp(rng.normal(0, TRAVEL_SPREAD)))
            if stop.kind in (StopKind.BREAK, StopKind.PICKUP):
                t = max(arrive, utc(stop.start)) + (utc(stop.end) - utc(stop.start))
                continue
            order = orders[stop.order_id]
            begin = arrive
            for w in order.windows:
                if arrive <= utc(w.end):
                    begin = max(arrive, utc(w.start))
                    break
            minutes = truth.sample_min(order.duration_min, order.type, route.technician_id, truth.until, rng)
            end = begin + dt.timedelta(minutes=minutes)
            if end > limit:
                break  # the rest of the route waits for another day
            served += 1
            inside = not order.windows or any(utc(w.start) <= begin <= utc(w.end) for w in order.windows)
            due = due_of(problem, order, anchor)
            late += int(not inside or (due is not None and begin > utc(due)))
            t = end
        overtime += max(0.0, (t - shift_end).total_seconds() / 60)
    return served, late, overtime


def run(args: argparse.Namespace) -> list[dict]:
    """One row per (size, seed) and plan."""
    rows = []
    print(
        f"{'instance':<14} {'MAE planned':>11} {'learned':>7} {'truth':>6} | {'plan':<12} {'planned':>7} "
        f"{'served':>7} {'late':>6} {'overtime':>8} valid"
    )
    for size in map(int, args.sizes.split(",")):
        for seed in map(int, args.seeds.split(",")):
            base = synthetic.problem(size, args.technicians, seed=seed)
            frame, truth = histories.generate(HISTORY, [t.id for t in base.technicians], seed=seed)
            visits = histories.as_visits(frame)
            model = learn_durations(visits)
            held = sorted(visits, key=lambda v: v.date)[-model.holdout_visits :]
            oracle = float(
                np.mean(
                    [abs(truth.median_min(v.planned_min, v.type, v.technician_id, v.date) - v.actual_min) for v in held]
                )
            )
            name = f"{size}x{args.technicians}s{seed}"
            for label, quantile in PLANS:
                problem = (
                    base
                    if quantile is None
                    else base.model_copy(update={"durations": model, "duration_quantile": quantile})
                )
                plan = optimizer.solve(problem, time_limit=args.time_limit, seed=seed)
                valid = optimizer.check(problem, plan).ok
                rng = np.random.default_rng([seed, 7])
                runs = np.array([execute(problem, plan, truth, rng) for _ in range(RUNS)])
                row = {
                    "instance": name,
                    "plan": label,
                    "mae_planned": round(model.holdout_error_planned or 0.0, 2),
                    "mae_learned": round(model.holdout_error_learned or 0.0, 2),
                    "mae_truth": round(oracle, 2),
                    "planned": plan.kpis.orders_planned,
                    "served": round(float(runs[:, 0].mean()), 1),
                    "late": round(float(runs[:, 1].mean()), 2),
                    "overtime_min": round(float(runs[:, 2].mean()), 1),
                    "valid": valid,
                }
                rows.append(row)
                print(
                    f"{name:<14} {row['mae_planned']:>11.1f} {row['mae_learned']:>7.1f} {row['mae_truth']:>6.1f} | "
                    f"{label:<12} {row['planned']:>7} {row['served']:>7.1f} {row['late']:>6.2f} "
                    f"{row['overtime_min']:>8.1f} {valid}",
                    flush=True,
                )
    return rows
