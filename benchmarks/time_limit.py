"""Does ``solve`` return within its time limit, and what does the time buy?

Prints one row per instance and limit: wall-clock seconds of the whole ``solve`` call,
the overhead beyond the limit (compiling, assembling), orders planned, the objective,
and whether the independent checker accepts the plan. Run:

    python benchmarks/time_limit.py [--limits 5,20] [--solver ortools]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import optimizer
from optimizer.testing import problems as synthetic

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def instances() -> dict[str, optimizer.Problem]:
    """The bundled sample and two generated instances of growing size."""
    return {
        "sample 150x12x3d": optimizer.read_problem(
            SAMPLES / "orders.csv",
            SAMPLES / "technicians.csv",
            SAMPLES / "depots.csv",
            start="2026-11-23",
            days=3,
            tz="Europe/Berlin",
        ),
        "synthetic 300x20x2d": synthetic.problem(300, 20, days=2, seed=11),
        "synthetic 1000x60x1d": synthetic.problem(1000, 60, days=1, seed=1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", default="5,20", help="comma-separated time limits, seconds")
    parser.add_argument("--solver", default="ortools")
    args = parser.parse_args()
    print(f"{'instance':<22} {'limit':>6} {'wall':>7} {'over':>6} {'planned':>8} {'objective':>11} valid")
    for name, problem in instances().items():
        for limit in map(float, args.limits.split(",")):
            began = time.perf_counter()
            plan = optimizer.solve(problem, time_limit=limit, solver=args.solver)
            wall = time.perf_counter() - began
            print(
                f"{name:<22} {limit:>6.1f} {wall:>7.2f} {wall - limit:>6.2f} "
                f"{plan.kpis.orders_planned:>4}/{plan.kpis.orders_total:<4}"
                f"{plan.kpis.objective:>11.1f} {optimizer.check(problem, plan).ok}",
                flush=True,
            )


if __name__ == "__main__":
    main()
