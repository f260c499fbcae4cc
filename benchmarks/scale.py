"""Large nightly runs: time to the first plan, total time and peak memory.

    python benchmarks/run.py scale --sizes 5000x200x1,10000x400x5 --time-limit 60 --out results/scale

For each ``orders x technicians x days`` generated instance: seconds to generate it,
to compile it (travel matrix included), to the back-end's first plan (its first
improvement) and in all, the objective, orders planned, whether the checker accepts
the plan, and the process's peak resident memory (MB) after the run.
"""

from __future__ import annotations

import argparse
import resource
import time

import optimizer
from optimizer.testing import problems as synthetic


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run(args: argparse.Namespace) -> list[dict]:
    """One row per size."""
    rows = []
    print(
        f"{'instance':<16} {'gen s':>6} {'first s':>8} {'total s':>8} {'objective':>12} {'planned':>12} "
        f"{'valid':<5} {'peak MB':>8}"
    )
    for size in args.sizes.split(","):
        orders, technicians, days = (int(x) for x in size.split("x"))
        began = time.perf_counter()
        problem = synthetic.problem(orders, technicians, days=days, seed=args.seed)
        generated = time.perf_counter() - began
        first: list[float] = []
        began = time.perf_counter()
        plan = optimizer.solve(
            problem,
            time_limit=args.time_limit,
            seed=args.seed,
            on_improvement=lambda s, cost, planned, first=first: first.append(s) if not first else None,
        )
        total = time.perf_counter() - began
        report = optimizer.check(problem, plan)
        row = {
            "instance": size,
            "generate_s": round(generated, 1),
            "first_plan_s": round(first[0], 1) if first else None,
            "total_s": round(total, 1),
            "objective": round(plan.kpis.objective, 1),
            "planned": plan.kpis.orders_planned,
            "orders": orders,
            "valid": report.ok,
            "peak_rss_mb": round(peak_rss_mb()),
            "status": plan.info.status,
        }
        rows.append(row)
        print(
            f"{size:<16} {generated:>6.1f} {row['first_plan_s'] or '-':>8} {total:>8.1f} {row['objective']:>12.1f} "
            f"{row['planned']:>6}/{orders:<5} {report.ok!s:<5} {row['peak_rss_mb']:>8}",
            flush=True,
        )
        print(f"  {plan.info.status}")
    return rows
