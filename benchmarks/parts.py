"""Spare parts over a multi-day horizon: how a generated instance's parts are supplied.

    python benchmarks/run.py parts --sizes 300 --days 5 --time-limit 60 --out results/parts

A third of the orders need a part, a fifth of those one that no van carries (only the
depots stock it, a few units at the start and more arriving on the second day). The
table says how many orders needing parts were planned, how many pickups the plan
makes, and why the others were not planned; the checker re-checks the plan (van stock
used up, depot stock and hours, tools).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import optimizer
from optimizer.testing import problems as synthetic

PARTS_SHARE = 1 / 3
OFF_VAN_SHARE = 0.2


def run(args: argparse.Namespace) -> list[dict]:
    """One row per size: parts orders planned, pickups, unplanned by reason, validity."""
    rows = []
    print(
        f"{'instance':<14} {'objective':>11} {'planned':>9} {'need parts':>10} {'planned':>7} "
        f"{'off-van':>7} {'planned':>7} {'pickups':>7} {'sec':>6} valid  unplanned parts orders by reason"
    )
    for size in map(int, args.sizes.split(",")):
        technicians = max(4, size // 15)
        problem = synthetic.problem(
            size, technicians, days=args.days, seed=args.seed, parts_share=PARTS_SHARE, off_van_share=OFF_VAN_SHARE
        )
        began = time.perf_counter()
        plan = optimizer.solve(problem, time_limit=args.time_limit, seed=args.seed)
        seconds = time.perf_counter() - began
        report = optimizer.check(problem, plan)
        planned = {o for r in plan.routes for o in r.order_ids}
        needing = [o for o in problem.orders if o.parts]
        off_van = [o for o in needing if any(p in synthetic.DEPOT_PARTS for p in o.parts)]
        reasons = Counter(u.reason for u in plan.unplanned if problem.order_by_id[u.order_id].parts)
        row = {
            "instance": f"{size}x{technicians}x{args.days}d",
            "objective": round(plan.kpis.objective, 2),
            "planned": plan.kpis.orders_planned,
            "orders": size,
            "need_parts": len(needing),
            "need_parts_planned": sum(o.id in planned for o in needing),
            "off_van": len(off_van),
            "off_van_planned": sum(o.id in planned for o in off_van),
            "pickups": plan.kpis.pickups,
            "seconds": round(seconds, 2),
            "valid": report.ok,
            "unplanned_reasons": ";".join(f"{k}:{v}" for k, v in sorted(reasons.items())),
        }
        rows.append(row)
        print(
            f"{row['instance']:<14} {row['objective']:>11.1f} {row['planned']:>4}/{size:<4} "
            f"{row['need_parts']:>10} {row['need_parts_planned']:>7} {row['off_van']:>7} "
            f"{row['off_van_planned']:>7} {row['pickups']:>7} {seconds:>6.1f} {report.ok!s:<5}  "
            f"{row['unplanned_reasons'] or '-'}",
            flush=True,
        )
        if not report.ok:
            print(report)
    return rows
