"""The argument parser of the ``optimizer`` command: every command, its flags and the
configuration key each flag overrides (see :mod:`optimizer.batch.config`)."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
from pathlib import Path
from typing import Any, get_args

from optimizer.models.settings import SolverName
from optimizer.timeaxis import time_zone

SOLVER_NAMES = get_args(SolverName)


def _start(text: str) -> dt.date | str:
    if text in ("today", "tomorrow"):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-11-23, 'today' or 'tomorrow', got {text!r}"
        ) from None


def _positive(kind: type) -> Any:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
        return value

    return parse


def _natural(text: str) -> int:
    """A whole number of 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def _solver(text: str) -> str:
    """A back-end's name; a mistyped one is answered with the nearest."""
    if text in SOLVER_NAMES:
        return text
    near = difflib.get_close_matches(text.lower(), SOLVER_NAMES, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise argparse.ArgumentTypeError(f"unknown solver {text!r} ({hint}use one of {', '.join(sorted(SOLVER_NAMES))})")


def _zone(text: str) -> str:
    """An IANA time zone name; a mistyped one is answered with the nearest."""
    try:
        time_zone(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


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
    ("--tz", "horizon.tz", _zone, "IANA time zone of all times (default UTC)"),
    ("--pickup-min", "horizon.pickup_min", float, "minutes a depot pickup takes on site (default 10)"),
    ("--travel", "travel", _travel, "travel times: haversine (default), osrm=URL or osm=FILE.osm.pbf"),
    ("--durations", "input.durations", str, "durations learned by 'optimizer learn' (JSON): per technician"),
    ("--duration-quantile", "input.duration_quantile", float, "quantile of the learned durations (default 0.5)"),
)
_SOLVER_FLAGS = (
    (
        "--time-limit",
        "solver.time_limit",
        _positive(float),
        "seconds for the whole run, reading to written plan (default: plan 30, replan 10)",
    ),
    (
        "--max-solutions",
        "solver.max_solutions",
        _positive(int),
        "stop after this many improving solutions (reproducible plans)",
    ),
    ("--seed", "solver.seed", int, "random seed (default 0)"),
    ("--solver", "solver.name", _solver, f"back-end: {', '.join(sorted(SOLVER_NAMES))} (default auto)"),
    ("--log", "output.log", str, "append structured log lines (JSON) to this file"),
)
_SWEEP_FLAGS = (
    ("--workers", "solver.workers", _positive(int), "solve the scenarios on a local Dask cluster of N workers"),
    ("--scheduler", "solver.scheduler", str, "solve the scenarios on the Dask cluster at this address"),
)
_REGION_FLAGS = (
    ("--workers", "solver.workers", _positive(int), "plan regions apart on a local Dask cluster of N workers"),
    ("--scheduler", "solver.scheduler", str, "plan regions apart on the Dask cluster at this address"),
    (
        "--region-technicians",
        "solver.region_technicians",
        _positive(int),
        "technicians per automatic region (default 60; a 'region' column overrides)",
    ),
    (
        "--region-time-limit",
        "solver.region_time_limit",
        _positive(float),
        "seconds for each region, however many queue for the workers (default: regions share --time-limit)",
    ),
)
"""Flags that override a key of the configuration file (see :mod:`optimizer.batch.config`)."""


def _version() -> str:
    """The installed distribution's version (the package's where it is not installed)."""
    from importlib import metadata

    try:
        return metadata.version("optimizer")
    except metadata.PackageNotFoundError:
        import optimizer

        return optimizer.__version__


def _add(parser: argparse.ArgumentParser, flags: tuple[tuple[str, str, Any, str], ...]) -> None:
    for flag, key, kind, text in flags:
        parser.add_argument(flag, dest=key, type=kind, default=None, help=text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``optimizer`` command."""
    parser = argparse.ArgumentParser(
        prog="optimizer", description="Route and schedule optimiser for field-service technicians."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="plan orders for technicians and write a plan folder")
    check = commands.add_parser("validate", help="check the input tables without solving; write a report")
    for command in (plan, check):
        command.add_argument("--config", help="run configuration (TOML); flags override its keys")
        _add(command, _INPUT_FLAGS)
        command.add_argument(
            "--strict",
            dest="input.strict",
            action="store_const",
            const=True,
            default=None,
            help="refuse the whole input (exit 2) for one bad row, instead of setting the row aside",
        )
    _add(plan, _SOLVER_FLAGS)
    _add(plan, _REGION_FLAGS)
    plan.add_argument("--out", dest="output.out", default=None, help="folder to write the plan into")
    check.add_argument(
        "--report", default="validation.csv", help="validation report to write (CSV, default validation.csv)"
    )

    again = commands.add_parser("replan", help="re-plan a plan folder after events (emergencies, sickness, ...)")
    again.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    again.add_argument("--events", required=True, help="events file (.csv or .json, see docs/data-contract.md)")
    _add(again, _SOLVER_FLAGS)
    again.add_argument(
        "--out", dest="output.out", required=True, help="folder to write the new plan and changes.csv into"
    )
    for command in (plan, check, again):
        command.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")

    offer = commands.add_parser("offer", help="appointment windows a plan folder can promise a new order")
    offer.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    offer.add_argument("--order", required=True, help="the new order (.csv, .parquet, .xlsx or .json, one row)")
    offer.add_argument(
        "--slot-min", type=_positive(float), default=120.0, help="minutes per offered window (default 120)"
    )
    offer.add_argument(
        "--step-min", type=_positive(float), default=None, help="minutes between window starts (default: --slot-min)"
    )
    offer.add_argument("--days", type=_positive(int), default=5, help="days to offer, from --now (default 5)")
    offer.add_argument(
        "--now", default=None, help="the time of the call (ISO; naive: the plan's time zone; default: the clock)"
    )
    offer.add_argument("--out", required=True, help="CSV to write the offers into (offers.csv)")

    learn = commands.add_parser("learn", help="learn how long visits take from the history of completed ones")
    learn.add_argument(
        "--history",
        required=True,
        help="history (.csv, .parquet, .xlsx): order_id, type, technician_id, planned_min, actual_min, date",
    )
    learn.add_argument("--out", required=True, help="the model to write (durations.json)")
    learn.add_argument(
        "--holdout", type=float, default=0.2, help="share of the latest visits held back to measure the error (0.2)"
    )
    learn.add_argument(
        "--half-life-days", type=_positive(float), default=180.0, help="a visit this old weighs half (180)"
    )

    odds = commands.add_parser(
        "risk", help="the odds that a plan folder holds: its days simulated with sampled durations"
    )
    odds.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    odds.add_argument("--durations", default=None, help="durations learned by 'optimizer learn' (default: the plan's)")
    odds.add_argument("--samples", type=_positive(int), default=500, help="simulated executions of each day (500)")
    odds.add_argument("--seed", type=_natural, default=0, help="random seed, 0 or more (default 0)")

    service = commands.add_parser("serve", help="an HTTP service over a plan folder: plan, offers, bookings, events")
    service.add_argument("--plan", required=True, help="plan folder written by 'optimizer plan' or 'replan'")
    service.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    service.add_argument("--port", type=_positive(int), default=8080, help="port (default 8080)")
    service.add_argument(
        "--token-file",
        default=None,
        help="file holding the bearer token that bookings and events need (default: $OPTIMIZER_TOKEN)",
    )
    service.add_argument(
        "--time-limit", type=_positive(float), default=None, help="seconds per re-plan of events (default 10)"
    )

    sweep = commands.add_parser("sweep", help="solve scenarios (variants of one run) side by side; write a KPI table")
    sweep.add_argument("--config", help="run configuration (TOML) of the base scenario; flags override its keys")
    _add(sweep, _INPUT_FLAGS)
    _add(sweep, tuple(flag for flag in _SOLVER_FLAGS if flag[0] != "--log"))
    _add(sweep, _SWEEP_FLAGS)
    sweep.add_argument("--scenarios", required=True, help='scenarios (TOML): [scenario."NAME"] tables of changes')
    sweep.add_argument("--out", required=True, help="KPI table to write (CSV), one row per scenario")

    fit = commands.add_parser("calibrate", help="fit the travel model to known trips; print its [travel] table")
    fit.add_argument(
        "--trips",
        required=True,
        help="trips (.csv or .parquet): from_lat, from_lon, to_lat, to_lon, duration_s, optional distance_m",
    )

    osrm = commands.add_parser("osrm", help="a local OSRM server: install its programs, serve an .osm.pbf")
    osrm_commands = osrm.add_subparsers(dest="osrm_command", required=True)
    osrm_commands.add_parser(
        "install", help="download OSRM's programs (PyPI package osrm-bindings) into this environment"
    )
    serve = osrm_commands.add_parser("serve", help="build an OSRM data set for a map and serve it on 127.0.0.1")
    serve.add_argument("map", help="OpenStreetMap extract (.osm.pbf)")
    serve.add_argument("--profile", default="car", help="OSRM profile: car (default), bicycle, foot or a .lua file")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--data", default=None, help="folder for the data set (default: beside the map)")
    serve.add_argument(
        "--small-component-size",
        type=int,
        default=1000,
        help="drop road islands with fewer nodes (default 1000; 50-200 for small extracts)",
    )
    return parser


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The flags as dotted configuration keys (``--travel osm=F`` sets ``travel.source``
    and ``travel.osm_file``)."""
    given = {key: value for key, value in vars(args).items() if "." in key}
    travel = getattr(args, "travel", None)
    if travel is not None:
        source, keys = travel
        given |= {"travel.source": source, **{f"travel.{key}": value for key, value in keys.items()}}
    return given
