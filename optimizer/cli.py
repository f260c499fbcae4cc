"""Command line: ``optimizer plan ...`` writes a plan folder from order exports;
``optimizer replan ...`` re-plans a plan folder after the day's events.

Exit codes: 0 plan written; 2 invalid input (message on stderr, nothing written);
4 solver or internal failure (nothing written). Only this module prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from optimizer.diff import compare
from optimizer.exceptions import InvalidProblemError
from optimizer.io.events import read_events
from optimizer.io.writers import CHANGES_FILE, PLAN_FILES, read_plan, write_plan
from optimizer.models import Plan, Problem, Urgency
from optimizer.replan import replan_problem
from optimizer.solve import solve
from optimizer.solvers import SOLVERS

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
EXIT_FAILURE = 4


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-23, got {text!r}") from None


def _positive(kind: type) -> object:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``optimizer`` command."""
    parser = argparse.ArgumentParser(
        prog="optimizer", description="Route and schedule optimiser for field-service technicians."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="plan orders for technicians and write a plan folder")
    plan.add_argument("--orders", required=True, help="orders table (.csv or .parquet)")
    plan.add_argument("--technicians", required=True, help="technicians table (.csv or .parquet)")
    plan.add_argument("--depots", help="depots table (.csv or .parquet), optional")
    plan.add_argument("--start", required=True, type=_date, help="first day of the horizon (YYYY-MM-DD)")
    plan.add_argument("--days", type=_positive(int), default=1, help="days in the horizon (default 1)")
    plan.add_argument("--tz", default="UTC", help="IANA time zone of all times (default UTC)")
    plan.add_argument("--pickup-min", type=float, default=10.0,
                      help="minutes a depot pickup takes on site (default 10)")
    again = commands.add_parser("replan", help="re-plan a plan folder after events (emergencies, sickness, ...)")
    again.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    again.add_argument("--events", required=True, help="events file (.csv or .json, see docs/data-contract.md)")
    for command, seconds, auto, written in (
        (plan, 30, "PyVRP, or VROOM then OR-tools, by what the problem needs", "the plan"),
        (again, 10, "the warm-started repair", "the new plan and changes.csv"),
    ):
        command.add_argument("--time-limit", type=_positive(float), default=float(seconds),
                             help=f"seconds for the solver (default {seconds})")
        command.add_argument("--max-solutions", type=_positive(int), default=None,
                             help="stop after this many improving solutions (reproducible plans)")
        command.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        command.add_argument("--solver", choices=sorted(SOLVERS), default="auto", help=f"back-end (default auto: {auto})")
        command.add_argument("--out", required=True, help=f"folder to write {written} into")
        command.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    before: Plan | None = None
    try:
        if args.command == "replan":
            previous, before = read_plan(args.plan)
            events = read_events(args.events, previous.tz)
            problem = replan_problem(previous, before, events, source=Path(args.events).name)
        else:
            problem = Problem.from_files(
                args.orders, args.technicians, args.depots,
                start=args.start, days=args.days, tz=args.tz, pickup_min=args.pickup_min,
            )
    except InvalidProblemError as error:
        print(f"optimizer: invalid input\n{error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        plan = solve(
            problem,
            time_limit=args.time_limit,
            seed=args.seed,
            solver=args.solver,
            max_solutions=args.max_solutions,
        )
        report = plan.check()
        if not report.ok:
            print(f"optimizer: the solver returned an invalid plan, not written\n{report}",
                  file=sys.stderr)
            return EXIT_FAILURE
        changes = None if before is None else compare(before, plan)
        write_plan(plan, args.out, changes=changes)
    except Exception as error:  # noqa: BLE001 - any failure here is ours, not the user's
        logging.getLogger("optimizer").exception("plan failed")
        print(f"optimizer: internal failure: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(summary(plan, args.out))
    if changes is not None:
        print(change_summary(changes))
    return EXIT_OK


def summary(plan: Plan, out: str) -> str:
    """A few lines for the terminal: what was planned, at what cost."""
    k = plan.kpis
    unplanned = ", ".join(f"{u.value} {k.unplanned_by_urgency[u]}" for u in Urgency)
    return "\n".join(
        [
            f"Planned {k.orders_planned} of {k.orders_total} orders on {k.technician_days_used} "
            f"technician-days; objective {k.objective:.2f}",
            f"  unplanned by urgency: {unplanned}",
            f"  travel {k.travel_km:.1f} km ({k.travel_min:.0f} min), overtime {k.overtime_min:.0f} min, "
            f"late visits {k.late_visits} ({k.late_min:.0f} min), depot pickups {k.pickups}",
            f"  solver {plan.info.solver}: {plan.info.status}, {plan.info.solve_s:.1f} s "
            f"(total {plan.info.total_s:.1f} s)",
            f"Plan written to {out} ({', '.join(PLAN_FILES)})",
        ]
    )


def change_summary(changes: pd.DataFrame) -> str:
    """One line on what a re-plan changed (the rows of ``changes.csv`` by kind)."""
    counts = changes["change"].value_counts(sort=False)
    shown = ", ".join(f"{kind} {int(n)}" for kind, n in counts.items() if n)
    return f"Changes against the previous plan: {shown or 'none'} (in {CHANGES_FILE})"


if __name__ == "__main__":
    sys.exit(main())
