"""Command line: ``optimizer plan`` writes a plan folder from order exports,
``optimizer validate`` checks the exports without solving, ``optimizer replan``
re-plans a plan folder after the day's events, ``optimizer sweep`` solves scenarios
side by side into a KPI table, ``optimizer calibrate`` fits the
travel model to known trips, ``optimizer osrm`` installs and runs a local OSRM server.

Exit codes, for schedulers to act on:

* 0: plan written (``validate``: the inputs are valid);
* 2: invalid input: every problem on stderr (``validate``: in the report), nothing written;
* 3: plan written, but some emergency or high-urgency order is unplanned (other than
  for ``after_horizon``: those belong to a later run);
* 4: solver, travel-source (an OSRM server that does not answer) or internal
  failure, nothing written.

User errors never print a traceback. Only this module prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.config import RunConfig, SolverConfig, load_config, solver_config
from optimizer.diff import compare
from optimizer import scenarios
from optimizer.distributed import dask_client, solve_regions
from optimizer.exceptions import InputIssue, InvalidProblemError, TravelError
from optimizer.io.events import read_events
from optimizer.io.writers import CHANGES_FILE, PLAN_FILES, read_plan, write_plan, write_table, write_validation_report
from optimizer.logs import log_to
from optimizer.manifest import command_line, run_manifest
from optimizer.models import Plan, Problem, Urgency
from optimizer.reasons import Reason
from optimizer.report import html_report
from optimizer.replan import replan_problem
from optimizer.solve import solve
from optimizer.solvers import SOLVERS
from optimizer.ticker import Ticker
from optimizer.travel import calibrate
from optimizer.travel import osrm_server as local_osrm

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
EXIT_URGENT_UNPLANNED = 3
EXIT_FAILURE = 4

logger = logging.getLogger("optimizer")

_URGENT = (Urgency.EMERGENCY, Urgency.HIGH)


def _start(text: str) -> dt.date | str:
    if text in ("today", "tomorrow"):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-23, 'today' or 'tomorrow', got {text!r}") from None


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


def _travel(text: str) -> tuple[str, dict[str, str]]:
    """``haversine``, ``calibrated`` (settings from the configuration file), ``osrm=URL``
    or ``osm=FILE.pbf`` (made absolute, so that a re-plan finds it from anywhere)."""
    source, _, value = text.partition("=")
    if source in ("haversine", "calibrated") and not value:
        return source, {}
    if source == "osrm" and value:
        return source, {"osrm_url": value}
    if source == "osm" and value:
        return source, {"osm_file": str(Path(value).resolve())}
    raise argparse.ArgumentTypeError(f"expected haversine, osrm=URL or osm=FILE.pbf, got {text!r}")


_INPUT_FLAGS = (
    ("--orders", "input.orders", str, "orders table (.csv, .parquet or .xlsx)"),
    ("--technicians", "input.technicians", str, "technicians table (.csv, .parquet or .xlsx)"),
    ("--depots", "input.depots", str, "depots table, optional"),
    ("--start", "horizon.start", _start, "first day of the horizon: YYYY-MM-DD, today or tomorrow"),
    ("--days", "horizon.days", _positive(int), "days in the horizon (default 1)"),
    ("--tz", "horizon.tz", str, "IANA time zone of all times (default UTC)"),
    ("--pickup-min", "horizon.pickup_min", float, "minutes a depot pickup takes on site (default 10)"),
    ("--travel", "travel", _travel, "travel times: haversine (default), osrm=URL or osm=FILE.osm.pbf"),
)
_SOLVER_FLAGS = (
    ("--time-limit", "solver.time_limit", _positive(float), "seconds for the solver (default: plan 30, replan 10)"),
    ("--max-solutions", "solver.max_solutions", _positive(int),
     "stop after this many improving solutions (reproducible plans)"),
    ("--seed", "solver.seed", int, "random seed (default 0)"),
    ("--solver", "solver.name", str, f"back-end: {', '.join(sorted(SOLVERS))} (default auto)"),
    ("--log", "output.log", str, "append structured log lines (JSON) to this file"),
)
_SWEEP_FLAGS = (
    ("--workers", "solver.workers", _positive(int), "solve the scenarios on a local Dask cluster of N workers"),
    ("--scheduler", "solver.scheduler", str, "solve the scenarios on the Dask cluster at this address"),
)
_REGION_FLAGS = (
    ("--workers", "solver.workers", _positive(int), "plan regions apart on a local Dask cluster of N workers"),
    ("--scheduler", "solver.scheduler", str, "plan regions apart on the Dask cluster at this address"),
    ("--region-technicians", "solver.region_technicians", _positive(int),
     "technicians per automatic region (default 60; a 'region' column overrides)"),
)
"""Flags that override a key of the configuration file (see :mod:`optimizer.config`)."""


def _add(parser: argparse.ArgumentParser, flags: tuple[tuple[str, str, Any, str], ...]) -> None:
    for flag, key, kind, text in flags:
        parser.add_argument(flag, dest=key, type=kind, default=None, help=text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``optimizer`` command."""
    parser = argparse.ArgumentParser(
        prog="optimizer", description="Route and schedule optimiser for field-service technicians."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="plan orders for technicians and write a plan folder")
    check = commands.add_parser("validate", help="check the input tables without solving; write a report")
    for command in (plan, check):
        command.add_argument("--config", help="run configuration (TOML); flags override its keys")
        _add(command, _INPUT_FLAGS)
    _add(plan, _SOLVER_FLAGS)
    _add(plan, _REGION_FLAGS)
    plan.add_argument("--out", dest="output.out", default=None, help="folder to write the plan into")
    check.add_argument("--report", default="validation.csv",
                       help="validation report to write (CSV, default validation.csv)")

    again = commands.add_parser("replan", help="re-plan a plan folder after events (emergencies, sickness, ...)")
    again.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    again.add_argument("--events", required=True, help="events file (.csv or .json, see docs/data-contract.md)")
    _add(again, _SOLVER_FLAGS)
    again.add_argument("--out", dest="output.out", required=True,
                       help="folder to write the new plan and changes.csv into")
    for command in (plan, check, again):
        command.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")

    sweep = commands.add_parser("sweep", help="solve scenarios (variants of one run) side by side; write a KPI table")
    sweep.add_argument("--config", help="run configuration (TOML) of the base scenario; flags override its keys")
    _add(sweep, _INPUT_FLAGS)
    _add(sweep, tuple(flag for flag in _SOLVER_FLAGS if flag[0] != "--log"))
    _add(sweep, _SWEEP_FLAGS)
    sweep.add_argument("--scenarios", required=True, help='scenarios (TOML): [scenario."NAME"] tables of changes')
    sweep.add_argument("--out", required=True, help="KPI table to write (CSV), one row per scenario")

    fit = commands.add_parser("calibrate", help="fit the travel model to known trips; print its [travel] table")
    fit.add_argument("--trips", required=True,
                     help="trips (.csv or .parquet): from_lat, from_lon, to_lat, to_lon, duration_s, optional distance_m")

    osrm = commands.add_parser("osrm", help="a local OSRM server: install its programs, serve an .osm.pbf")
    osrm_commands = osrm.add_subparsers(dest="osrm_command", required=True)
    osrm_commands.add_parser("install", help="download OSRM's programs (PyPI package osrm-bindings) into this environment")
    serve = osrm_commands.add_parser("serve", help="build an OSRM data set for a map and serve it on 127.0.0.1")
    serve.add_argument("map", help="OpenStreetMap extract (.osm.pbf)")
    serve.add_argument("--profile", default="car", help="OSRM profile: car (default), bicycle, foot or a .lua file")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--data", default=None, help="folder for the data set (default: beside the map)")
    serve.add_argument("--small-component-size", type=int, default=1000,
                       help="drop road islands with fewer nodes (default 1000; 50-200 for small extracts)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "verbose", False):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return {"plan": _plan, "validate": _validate, "replan": _replan, "sweep": _sweep, "calibrate": _calibrate,
            "osrm": _osrm}[args.command](args)


@contextmanager
def _logged(path: Path | None) -> Iterator[None]:
    """JSON log lines to ``path`` (if given) while the block runs; raises
    InvalidProblemError if it cannot be opened."""
    try:
        handler = None if path is None else log_to(path)
    except OSError as error:
        raise InvalidProblemError([InputIssue(str(path), None, None, f"log file cannot be written: {error}")]) from None
    try:
        yield
    finally:
        if handler is not None:
            logger.removeHandler(handler)
            handler.close()


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The flags as dotted configuration keys (``--travel osm=F`` sets ``travel.source``
    and ``travel.osm_file``)."""
    given = {key: value for key, value in vars(args).items() if "." in key}
    travel = getattr(args, "travel", None)
    if travel is not None:
        source, keys = travel
        given |= {"travel.source": source, **{f"travel.{key}": value for key, value in keys.items()}}
    return given


def _invalid(error: InvalidProblemError) -> int:
    print(f"optimizer: invalid input\n{error}", file=sys.stderr)
    logger.info("invalid input", extra={"event": "invalid_input", "issues": [str(i) for i in error.issues],
                                        "exit_code": EXIT_INVALID_INPUT})
    return EXIT_INVALID_INPUT


def _read(config: RunConfig) -> Problem:
    """The problem of ``config`` (raises InvalidProblemError)."""
    paths = config.input
    road_map = config.travel.osm_file
    if config.travel.source == "osm" and road_map is not None and not road_map.is_file():
        raise InvalidProblemError([InputIssue(str(road_map), None, "travel.osm_file", "map file not found",
                                              row_kind="")])
    return Problem.from_files(
        paths.orders, paths.technicians, paths.depots,
        start=config.horizon.first_day(), days=config.horizon.days, tz=config.horizon.tz,
        pickup_min=config.horizon.pickup_min, weights=config.objective, travel=config.travel,
    )


def _validate(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    issues = []
    try:
        config = load_config(args.config, _overrides(args))
        _read(config)
    except InvalidProblemError as error:
        issues = list(error.issues)
    try:
        write_validation_report(issues, args.report)
    except OSError as error:
        print(f"optimizer: the validation report cannot be written to {args.report}: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    seconds = time.perf_counter() - began
    logger.info("validated", extra={"event": "validated", "issues": len(issues), "seconds": round(seconds, 3)})
    if issues:
        print(f"optimizer: {len(issues)} problem{'s' if len(issues) != 1 else ''} in the input "
              f"(report: {args.report})", file=sys.stderr)
        for issue in issues[:20]:
            print(f"  - {issue}", file=sys.stderr)
        if len(issues) > 20:
            print(f"  ... and {len(issues) - 20} more in the report", file=sys.stderr)
        return EXIT_INVALID_INPUT
    print(f"Inputs are valid (report: {args.report})")
    return EXIT_OK


def _plan(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    try:
        config = load_config(args.config, _overrides(args))
        if config.output is None:
            source = Path(args.config).name if args.config else "command line"
            raise InvalidProblemError([InputIssue(source, None, "output.out", "required key is missing "
                                                  "(give it in the file or as --out)", row_kind="")])
        _writable(config.output.out)
        with _logged(config.output.log):
            try:
                problem = _read(config)
            except InvalidProblemError as error:
                return _invalid(error)
            inputs = [p for p in (config.input.orders, config.input.technicians, config.input.depots) if p is not None]
            logger.info("inputs read", extra={"event": "inputs_read", "orders": len(problem.orders),
                                              "technicians": len(problem.technicians), "depots": len(problem.depots),
                                              "seconds": round(time.perf_counter() - began, 3)})
            return _solve_and_write(problem, config.solver, config.output.out, config.model_dump(mode="json"),
                                    inputs, None, began, report=config.output.report)
    except InvalidProblemError as error:
        return _invalid(error)


def _writable(out: Path) -> None:
    """Raise InvalidProblemError where ``out`` cannot become a plan folder."""
    if out.exists() and not out.is_dir():
        raise InvalidProblemError([InputIssue(str(out), None, None, "exists and is not a folder: cannot write a plan there")])


def _replan(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    log = getattr(args, "output.log")
    out = Path(getattr(args, "output.out"))
    try:
        _writable(out)
        with _logged(None if log is None else Path(log)):
            try:
                solver = solver_config(_overrides(args), time_limit=10.0)
                previous, before = read_plan(args.plan)
                events = read_events(args.events, previous.tz)
                problem = replan_problem(previous, before, events, source=Path(args.events).name)
            except InvalidProblemError as error:
                return _invalid(error)
            inputs = [Path(args.plan) / "problem.json", Path(args.plan) / "plan.json", Path(args.events)]
            settings = {"plan": args.plan, "events": args.events, "solver": solver.model_dump(mode="json")}
            return _solve_and_write(problem, solver, out, settings, inputs, before, began)
    except InvalidProblemError as error:
        return _invalid(error)


def _sweep(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config, _overrides(args))
        base = _read(config)
        variants = scenarios.load_scenarios(args.scenarios, base)
    except InvalidProblemError as error:
        return _invalid(error)
    solver = config.solver
    settings = {"time_limit": solver.time_limit, "seed": solver.seed, "solver": solver.name,
                "max_solutions": solver.max_solutions}
    try:
        if solver.distributed:
            with dask_client(solver.workers, solver.scheduler) as client:
                table, _ = scenarios.run(variants, client=client, **settings)
        else:
            table, _ = scenarios.run(variants, **settings)
        write_table(table, args.out)
    except InvalidProblemError as error:
        return _invalid(error)
    except Exception as error:  # noqa: BLE001 - any failure here is ours, not the user's
        logger.exception("sweep failed", extra={"event": "failed", "exit_code": EXIT_FAILURE})
        print(f"optimizer: sweep failed, nothing written: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(table.to_string(index=False))
    print(f"KPI table written to {args.out}")
    return EXIT_OK


def _calibrate(args: argparse.Namespace) -> int:
    path = Path(args.trips)
    try:
        trips = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        fitted = calibrate(trips)
    except (OSError, ValueError) as error:
        return _invalid(InvalidProblemError([InputIssue(path.name, None, None, str(error))]))
    print(fitted, file=sys.stderr)
    print(fitted.toml(), end="")
    return EXIT_OK


def _osrm(args: argparse.Namespace) -> int:
    try:
        if args.osrm_command == "install":
            print(f"OSRM's programs are in {local_osrm.ensure_programs()}")
            return EXIT_OK
        road_map = Path(args.map)
        if not road_map.is_file():
            raise InvalidProblemError([InputIssue(str(road_map), None, None, "map file not found")])
        folder = Path(args.data) if args.data else road_map.with_name(road_map.name.split(".")[0] + "-osrm")
        dataset = local_osrm.build_dataset(road_map, folder, args.profile, args.small_component_size)
        with local_osrm.LocalServer(dataset, port=args.port) as server:
            print(f"OSRM serves {road_map.name} on {server.url} (profile {args.profile}); "
                  f"plan with --travel osrm={server.url}; Ctrl-C stops it", flush=True)
            server.wait()
    except InvalidProblemError as error:
        return _invalid(error)
    except TravelError as error:
        print(f"optimizer: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _solve_and_write(
    problem: Problem, solver: SolverConfig, out: Path, settings: dict[str, Any], inputs: list[Path],
    before: Plan | None, began: float, *, report: bool = True,
) -> int:
    """Solve, check, write the plan folder (atomically, with its manifest and, for a
    re-plan, ``changes.csv``) and tell; the exit code."""
    timings = {"read": time.perf_counter() - began}
    try:
        if solver.distributed:
            plan = solve_regions(problem, workers=solver.workers, scheduler=solver.scheduler,
                                 max_technicians=solver.region_technicians, time_limit=solver.time_limit,
                                 seed=solver.seed, solver=solver.name, max_solutions=solver.max_solutions)
        else:
            with Ticker(sys.stderr, solver.time_limit, len(problem.orders)) as ticker:
                plan = solve(problem, time_limit=solver.time_limit, seed=solver.seed, solver=solver.name,
                             max_solutions=solver.max_solutions, on_improvement=ticker.update)
        timings["solve"] = plan.info.total_s
        logger.info("solved", extra={"event": "solved", "solver": plan.info.solver, "status": plan.info.status,
                                     "objective": plan.kpis.objective, "planned": plan.kpis.orders_planned,
                                     "seconds": round(plan.info.total_s, 3)})
        mark = time.perf_counter()
        verdict = plan.check()
        timings["check"] = time.perf_counter() - mark
        if not verdict.ok:
            print(f"optimizer: the solver returned an invalid plan, not written\n{verdict}", file=sys.stderr)
            logger.error("invalid plan", extra={"event": "invalid_plan", "violations": len(verdict.violations),
                                                "exit_code": EXIT_FAILURE})
            return EXIT_FAILURE
        changes = None if before is None else compare(before, plan)
        manifest = run_manifest(command=command_line(), settings=settings, inputs=inputs, travel=problem.travel,
                                timings_s=timings | {"total": time.perf_counter() - began}, plan=plan)
        title = f"Plan {problem.start}" + (f", re-planned at {problem.progress.now:%H:%M}" if problem.progress else "")
        page = html_report(plan, problem, title=title) if report else None
        written = write_plan(plan, out, changes=changes, manifest=manifest, report=page)
    except InvalidProblemError as error:  # places the travel source cannot route
        return _invalid(error)
    except TravelError as error:
        logger.error("travel failed", extra={"event": "travel_failed", "error": str(error), "exit_code": EXIT_FAILURE})
        print(f"optimizer: no travel times, nothing written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # noqa: BLE001 - any failure here is ours, not the user's
        logger.exception("plan failed", extra={"event": "failed", "exit_code": EXIT_FAILURE})
        print(f"optimizer: internal failure: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(summary(plan, str(out), written))
    if changes is not None:
        print(change_summary(changes))
    urgent = [u for u in plan.unplanned if u.urgency in _URGENT and u.reason != Reason.AFTER_HORIZON.value]
    code = EXIT_URGENT_UNPLANNED if urgent else EXIT_OK
    for item in urgent:
        print(f"optimizer: {item.urgency.value} order {item.order_id} is unplanned: {item.reason} ({item.detail})",
              file=sys.stderr)
    logger.info("written", extra={"event": "written", "out": str(out), "exit_code": code,
                                  "urgent_unplanned": [u.order_id for u in urgent],
                                  "seconds": round(time.perf_counter() - began, 3)})
    return code


def summary(plan: Plan, out: str, files: Sequence[str] = PLAN_FILES) -> str:
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
            f"Plan written to {out} ({', '.join(files)})",
        ]
    )


def change_summary(changes: pd.DataFrame) -> str:
    """One line on what a re-plan changed (the rows of ``changes.csv`` by kind)."""
    counts = changes["change"].value_counts(sort=False)
    shown = ", ".join(f"{kind} {int(n)}" for kind, n in counts.items() if n)
    return f"Changes against the previous plan: {shown or 'none'} (in {CHANGES_FILE})"


if __name__ == "__main__":
    sys.exit(main())
