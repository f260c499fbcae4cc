"""In-day re-planning: three emergencies and a sick technician at 11:00.

    python benchmarks/run.py replan --sizes 300 --seeds 0,1,2 --time-limit 10 --out results/replan

For each generated day (``size`` orders, ``size // 12`` technicians, lunch breaks,
parts) the morning plan is solved with ``--base-time-limit``; at 11:00 three
emergencies come in (due within two hours, somewhere in the area) and the technician
with the most work left calls in sick. The table compares our re-plan (the default:
warm-started repair, then our search from it, ``--time-limit``) with the repair alone
(``solver="repair"``, what re-plans were before) and with planning the rest of the day
afresh at the same time limit, ignoring what customers were told (the default back-end
on the same problem without promises). All are checked against the re-plan problem, so
every objective includes the stability cost of changed promises; a ratio < 1 favours
our re-plan.
Columns: seconds to a valid plan, how many promised visits moved to another
technician, were retimed (beyond the tolerance) or dropped, and emergencies served
today.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

import optimizer
from optimizer.models import Order, Plan, Problem, Unavailable, Urgency
from optimizer.models.events import Events
from optimizer.replan import replan_problem
from optimizer.testing import problems as synthetic

NOW = dt.time(11, 0)
PLANS = ("ours", "repair", "fresh")
EMERGENCIES = 3


def scenario(size: int, seed: int, base_time_limit: float) -> tuple[Problem, Plan, Events]:
    """The generated day, its morning plan and the 11:00 events."""
    problem = synthetic.problem(size, max(4, size // 12), seed=seed, parts_share=0.1)
    plan = optimizer.solve(problem, time_limit=base_time_limit, seed=seed)
    now = dt.datetime.combine(problem.start, NOW, tzinfo=problem.zone)
    rng = np.random.default_rng(seed)
    sites = rng.choice(len(problem.orders), EMERGENCIES, replace=False)
    emergencies = tuple(
        Order(
            id=f"EMERGENCY-{k + 1}",
            lat=problem.orders[o].lat + rng.normal(0, 0.01),
            lon=problem.orders[o].lon + rng.normal(0, 0.01),
            duration_min=45,
            urgency=Urgency.EMERGENCY,
            due=now + dt.timedelta(hours=2),
        )
        for k, o in enumerate(sites.tolist())
    )
    busiest = max(plan.routes, key=lambda r: sum(s.start >= now for s in r.stops if s.order_id))
    events = Events(
        now=now, new_orders=emergencies, unavailable=(Unavailable(technician_id=busiest.technician_id, start=now),)
    )
    return problem, plan, events


def _figures(before: Plan, after: Plan, solved: Problem, problem: Problem, events: Events, seconds: float) -> dict:
    """Validity (for the problem it ``solved``), objective (recomputed for ``problem``,
    the re-plan with promises), changes and emergencies served today of one re-plan."""
    valid = optimizer.check(solved, after).ok
    report = optimizer.check(problem, after)
    changes = optimizer.compare(before, after)["change"].value_counts()
    served_today = {o for r in after.routes if r.date == events.now.date() for o in r.order_ids} & {
        o.id for o in events.new_orders
    }
    return {
        "objective": round(report.objective, 1),
        "seconds": round(seconds, 2),
        "valid": valid,
        "moved": int(changes.get("moved", 0)),
        "retimed": int(changes.get("retimed", 0)),
        "dropped": int(changes.get("unplanned", 0)),
        "emergencies": len(served_today),
    }


def run(args: argparse.Namespace) -> list[dict]:
    """One row per (size, seed): our re-plan against the repair alone (the re-plan
    before our search improved it) and a fresh plan of the rest of the day."""
    rows = []
    heads = [f"{name:>9} {'sec':>5} valid {'moved':>5} {'retimed':>7} {'dropped':>7} {'emerg':>5}" for name in PLANS]
    print(f"{'instance':<12} " + " | ".join(heads) + " | ours/repair ours/fresh")
    for size in map(int, args.sizes.split(",")):
        for seed in map(int, args.seeds.split(",")):
            problem, plan, events = scenario(size, seed, args.base_time_limit)
            later = replan_problem(problem, plan, events)
            began = time.perf_counter()
            ours = optimizer.replan(problem, plan, events, time_limit=args.time_limit, seed=seed)
            mine = _figures(plan, ours, later, later, events, time.perf_counter() - began)
            began = time.perf_counter()
            alone = optimizer.replan(problem, plan, events, time_limit=args.time_limit, seed=seed, solver="repair")
            repaired = _figures(plan, alone, later, later, events, time.perf_counter() - began)
            unpromised = later.model_copy(update={"progress": later.progress.model_copy(update={"promised": ()})})
            began = time.perf_counter()
            fresh = optimizer.solve(unpromised, time_limit=args.time_limit, seed=seed)
            theirs = _figures(plan, fresh, unpromised, later, events, time.perf_counter() - began)
            name = f"{size}x{len(problem.technicians)}s{seed}"
            row = {
                "instance": name,
                **mine,
                **{f"repair_{k}": v for k, v in repaired.items()},
                **{f"fresh_{k}": v for k, v in theirs.items()},
                "ratio_repair": round(mine["objective"] / repaired["objective"], 4),
                "ratio_fresh": round(mine["objective"] / theirs["objective"], 4),
            }
            rows.append(row)
            print(
                " | ".join(
                    [
                        f"{name:<12} " + _cells(mine),
                        _cells(repaired),
                        _cells(theirs),
                        f"{row['ratio_repair']:>11.4f} {row['ratio_fresh']:>10.4f}",
                    ]
                ),
                flush=True,
            )
    return rows


def _cells(f: dict) -> str:
    return (
        f"{f['objective']:>9.1f} {f['seconds']:>5.1f} {f['valid']!s:<5} {f['moved']:>5} {f['retimed']:>7} "
        f"{f['dropped']:>7} {f['emergencies']:>3}/{EMERGENCIES}"
    )
