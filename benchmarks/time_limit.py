"""Does ``solve`` return within its time limit, and what does the time buy?

Prints one row per instance and limit: seconds of the whole ``solve`` call (the plan's
``info.total_s``: compiling, the back-end, assembling), the overhead beyond the limit,
orders planned, the objective, and whether the independent checker accepts the plan.
With ``--baseline REV`` the engine at that git revision plans the same problem in the
same run (columns ``before``; see ``baseline.py``). Run:

    python benchmarks/time_limit.py [--limits 5,20] [--solver auto] \
        [--generated 5000x333x1,5000x333x5] [--baseline REV]

``--generated`` replaces the default instances by generated nights with a backlog
(``ORDERSxTECHNICIANSxDAYS``, as the field-service benchmark's ``--backlog``).
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from baseline import engine_at, solve_with

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


def generated(specs: str) -> dict[str, optimizer.Problem]:
    """Generated nights with a backlog, one per ``ORDERSxTECHNICIANSxDAYS`` of ``specs``."""
    chosen = {}
    for spec in specs.split(","):
        orders, technicians, days = map(int, spec.split("x"))
        chosen[f"backlog {spec}d"] = synthetic.problem(orders, technicians, days=days, seed=0, backlog=True)
    return chosen


def _figures(problem: optimizer.Problem, plan: optimizer.Plan | None, limit: float) -> str:
    """Seconds, overhead, orders planned, objective and validity of ``plan``."""
    if plan is None:
        return f"{'-':>7} {'-':>6} {'-':>9} {'-':>11} -    "
    total = plan.info.total_s or 0.0
    return (
        f"{total:>7.2f} {total - limit:>+6.2f} {plan.kpis.orders_planned:>4}/{plan.kpis.orders_total:<4}"
        f"{plan.kpis.objective:>11.1f} {optimizer.check(problem, plan).ok!s:<5}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", default="5,20", help="comma-separated time limits, seconds")
    parser.add_argument("--solver", default="ortools")
    parser.add_argument("--generated", help="ORDERSxTECHNICIANSxDAYS,...: generated nights instead of the defaults")
    parser.add_argument("--baseline", help="a git revision whose engine plans the same problems (columns 'before')")
    args = parser.parse_args(argv)
    chosen = generated(args.generated) if args.generated else instances()
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(engine_at(args.baseline)) if args.baseline else None
        header = f"{'seconds':>7} {'over':>6} {'planned':>9} {'objective':>11} valid"
        print(f"{'instance':<22} {'limit':>6} {header}" + (f" | before: {header}" if old else ""))
        for name, problem in chosen.items():
            for limit in map(float, args.limits.split(",")):
                plan = optimizer.solve(problem, time_limit=limit, solver=args.solver)
                row = f"{name:<22} {limit:>6.1f} {_figures(problem, plan, limit)}"
                if old is not None:
                    before = solve_with(old, problem, time_limit=limit, seed=0, solver=args.solver)
                    row += f" | before: {_figures(problem, before, limit)}"  # type: ignore[arg-type]
                print(row, flush=True)


if __name__ == "__main__":
    main()
