"""The dispatcher's rules: what pricing preferences and fair days changes in a plan.

    python benchmarks/run.py rules --sizes 300,1000 --days 2 --seeds 0,1,2 --time-limit 30 --out results/rules
    python benchmarks/run.py rules --light --sizes 300,1000 --days 2 --seeds 0,1,2 --time-limit 30 --out results/light

Generated instances with every rule of the dispatcher (``synthetic.generate(rules=True)``:
preferred and excluded technicians, weekday shifts, partial absences, efficiency,
limits per day, counted tools) and the backlog of a real night (with ``--light``: a
day of ordinary load, no backlog and twice the technicians, where every order fits
and the soft rules decide more) are planned twice by
the default back-end at equal time: *before*, with the soft rules unpriced
(``preferred_miss`` and ``balance`` at 0: the engine as it was), and *after*, with the
default weights. Both plans are scored by the same default objective (equal objective
weights) and re-checked. The table reports that objective, orders planned, driving,
the spread of worked minutes (per day, the standard deviation over the technicians
working that day, idle ones at 0, averaged over days; ``worked_min`` as in
``technicians.csv``) and the preferred-technician hit rate (planned orders with a
preferred technician served by one of them). Each seed of ``--seeds`` is another
generated night (and the solver's seed); the last lines give the means per size and
the mean ratio after / before of the objective.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np

import optimizer
from optimizer.models import Plan, Problem
from optimizer.testing import problems as synthetic


def spread_min(plan: Plan) -> float:
    """Per day the standard deviation of worked minutes over the technicians working
    that day, averaged over the days."""
    by_day: defaultdict[object, list[float]] = defaultdict(list)
    for day in plan.kpis.technician_days:
        by_day[day.date].append(day.worked_min)
    return float(np.mean([np.std(values) for values in by_day.values()])) if by_day else 0.0


def hit_rate(problem: Problem, plan: Plan) -> float:
    """Of the planned orders whose customers prefer technicians of the problem, the share
    served by one of them."""
    known = {t.id for t in problem.technicians}
    served = {o: r.technician_id for r in plan.routes for o in r.order_ids}
    wanted = [o for o in problem.orders if o.id in served and set(o.preferred) & known]
    return sum(served[o.id] in o.preferred for o in wanted) / len(wanted) if wanted else 1.0


def run(args: argparse.Namespace) -> list[dict]:
    """One row per size and variant (before, after)."""
    rows = []
    print(
        f"{'instance':<14} {'variant':<7} {'objective':>11} {'planned':>9} {'travel min':>10} "
        f"{'spread min':>10} {'preferred':>9} {'sec':>6} valid"
    )
    sizes, seeds = [int(s) for s in args.sizes.split(",")], [int(s) for s in args.seeds.split(",")]
    for size, seed in ((size, seed) for size in sizes for seed in seeds):
        technicians = max(4, size * (2 if args.light else 1) // 15)
        after = synthetic.problem(size, technicians, days=args.days, seed=seed, backlog=not args.light, rules=True)
        before = after.with_changes(weights={"preferred_miss": 0.0, "balance": 0.0})
        for variant, problem in (("before", before), ("after", after)):
            began = time.perf_counter()
            plan = optimizer.solve(problem, time_limit=args.time_limit, seed=seed)
            seconds = time.perf_counter() - began
            scored = optimizer.check(after, plan).objective  # the default objective for both
            row = {
                "instance": f"{size}x{technicians}x{args.days}d#{seed}",
                "variant": variant,
                "objective": round(scored, 2),
                "planned": plan.kpis.orders_planned,
                "orders": size,
                "travel_min": round(plan.kpis.travel_min, 1),
                "spread_min": round(spread_min(plan), 1),
                "preferred_hit_rate": round(hit_rate(problem, plan), 3),
                "seconds": round(seconds, 2),
                "valid": optimizer.check(problem, plan).ok,
            }
            rows.append(row)
            print(
                f"{row['instance']:<14} {variant:<7} {row['objective']:>11.1f} {row['planned']:>4}/{size:<4} "
                f"{row['travel_min']:>10.1f} {row['spread_min']:>10.1f} {row['preferred_hit_rate']:>9.3f} "
                f"{seconds:>6.1f} {row['valid']!s}",
                flush=True,
            )
    for size in sizes:
        mine = [r for r in rows if r["instance"].startswith(f"{size}x")]
        pairs = list(zip(mine[::2], mine[1::2], strict=True))
        ratio = np.mean([after["objective"] / before["objective"] for before, after in pairs])
        for variant in ("before", "after"):
            of = [r for r in mine if r["variant"] == variant]
            print(
                f"{size:<14} {variant:<7} mean: spread {np.mean([r['spread_min'] for r in of]):.1f} min, "
                f"preferred {np.mean([r['preferred_hit_rate'] for r in of]):.3f}, "
                f"travel {np.mean([r['travel_min'] for r in of]):.0f} min"
                + (f"; objective after / before {ratio:.4f}" if variant == "after" else "")
            )
    return rows
