"""The commands of ``optimizer``: each parses nothing (see :mod:`optimizer.cli.parser`),
calls the library, prints, and returns the exit code. Only this package prints."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from optimizer import booking, scenarios
from optimizer.batch import (
    EXIT_FAILURE,
    EXIT_INVALID_INPUT,
    EXIT_OK,
    EXIT_ROWS_SET_ASIDE,
    BatchResult,
    InvalidPlanError,
    load_config,
    solver_config,
)
from optimizer.batch import read as read_inputs
from optimizer.batch import replan as batch_replan
from optimizer.batch import run as batch_run
from optimizer.batch import unplannable as batch_unplannable
from optimizer.batch import validate as batch_validate
from optimizer.cli.parser import overrides
from optimizer.cli.status_line import StatusLine
from optimizer.durations import learn_durations, risk
from optimizer.exceptions import InputIssue, InvalidProblemError, TravelError
from optimizer.io import Reading, cells, offers_frame, read_orders, read_plan, write_table, write_validation_report
from optimizer.io.durations import read_durations, read_history, write_durations
from optimizer.io.frames import risk_frames
from optimizer.io.plan_folder import CHANGES_FILE, PLAN_FILES, REPORT_FILE, replace_files
from optimizer.models import Plan, Problem, Urgency
from optimizer.outputs.manifest import command_line
from optimizer.outputs.report import html_report
from optimizer.regions import dask_client
from optimizer.travel import calibrate
from optimizer.travel import osrm_server as local_osrm

logger = logging.getLogger("optimizer")


def invalid(error: InvalidProblemError) -> int:
    """Print every input problem; the exit code of invalid input."""
    print(f"optimizer: invalid input\n{error}", file=sys.stderr)
    return EXIT_INVALID_INPUT


def validate(args: argparse.Namespace) -> int:
    """``optimizer validate``: read the inputs as ``plan`` would, write every problem
    (rows it would set aside, unknown columns, orders nobody can plan) to the report;
    the exit code ``plan`` would give for the input."""
    began = time.perf_counter()
    issues: list[InputIssue] = []
    code = EXIT_OK
    try:
        reading = batch_validate(load_config(args.config, overrides(args)))
        issues = [*reading.rejected, *reading.warnings, *_unplannable(reading.problem)]
        code = EXIT_ROWS_SET_ASIDE if reading.rejected else EXIT_OK
    except InvalidProblemError as error:
        issues, code = list(error.issues), EXIT_INVALID_INPUT
    try:
        write_validation_report(issues, args.report)
    except OSError as error:
        print(f"optimizer: the validation report cannot be written to {args.report}: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    seconds = time.perf_counter() - began
    logger.info("validated", extra={"event": "validated", "issues": len(issues), "seconds": round(seconds, 3)})
    if not issues:
        print(f"Inputs are valid (report: {args.report})")
        return EXIT_OK
    verdict = {
        EXIT_INVALID_INPUT: "'plan' would refuse this input",
        EXIT_ROWS_SET_ASIDE: "'plan' would set the bad rows aside and plan the rest",
        EXIT_OK: "'plan' would plan every row",
    }[code]
    count = f"{len(issues)} problem{'s' if len(issues) != 1 else ''}"
    print(f"optimizer: {count} in the input; {verdict} (report: {args.report})", file=sys.stderr)
    for issue in issues[:20]:
        print(f"  - {issue}", file=sys.stderr)
    if len(issues) > 20:
        print(f"  ... and {len(issues) - 20} more in the report", file=sys.stderr)
    return code


def _unplannable(problem: Problem) -> list[InputIssue]:
    """The orders no plan can serve (none, with a warning, where travel times cannot be had)."""
    try:
        return batch_unplannable(problem)
    except TravelError as error:
        print(f"optimizer: warning: no travel times, orders not checked against shifts: {error}", file=sys.stderr)
        return []


def input_summary(reading: Reading) -> list[str]:
    """What reading the inputs set aside, repaired and ignored, one line each (none if nothing)."""
    lines = []
    rows = reading.rows_set_aside
    if rows:
        lines.append(f"optimizer: {rows} input row{'s' if rows != 1 else ''} set aside for a bad cell (rejected.csv)")
    for order in reading.dependents:
        lines.append(f"optimizer: order {order.order_id} unplanned: {order.detail}")
    if reading.repairs:
        shown = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(reading.repair_counts.items()))
        lines.append(f"optimizer: {len(reading.repairs)} cells repaired ({shown}; manifest.json, repairs)")
    lines += [f"optimizer: warning: {w}" for w in reading.warnings]
    return lines


def plan(args: argparse.Namespace) -> int:
    """``optimizer plan``: the nightly batch (:func:`optimizer.batch.run`)."""
    try:
        config = load_config(args.config, overrides(args))
        seconds = config.solver.options.seconds() or 0.0
        with StatusLine(sys.stderr, seconds, on=not config.solver.distributed) as status:
            return _written(
                lambda: batch_run(config, on_read=status.read, on_improvement=status.update, command=command_line())
            )
    except InvalidProblemError as error:
        return invalid(error)


def replan(args: argparse.Namespace) -> int:
    """``optimizer replan``: a plan folder re-planned after events (:func:`optimizer.batch.replan`)."""
    try:
        solver = solver_config(overrides(args))
        with StatusLine(sys.stderr, solver.options.seconds() or 0.0) as status:
            return _written(
                lambda: batch_replan(
                    args.plan,
                    args.events,
                    getattr(args, "output.out"),
                    solver=solver,
                    log=getattr(args, "output.log"),
                    on_read=status.read,
                    on_improvement=status.update,
                    command=command_line(),
                )
            )
    except InvalidProblemError as error:
        return invalid(error)


def offer(args: argparse.Namespace) -> int:
    """``optimizer offer``: the windows a plan folder can promise a new order
    (:func:`optimizer.booking.offers`), written to a CSV (:func:`optimizer.io.offers_frame`)."""
    try:
        problem, plan = read_plan(args.plan)
        orders = read_orders(args.order, problem.tz)
        if len(orders) != 1:
            raise InvalidProblemError(
                [InputIssue(Path(args.order).name, None, None, f"holds {len(orders)} orders; offers are for one")]
            )
        now = None if args.now is None else _instant(args.now, problem.zone)
        found = booking.offers(
            problem, plan, orders[0], slot_min=args.slot_min, days=args.days, now=now, step_min=args.step_min
        )
        write_table(offers_frame(found), args.out)
    except InvalidProblemError as error:
        return invalid(error)
    except ValueError as error:
        print(f"optimizer: invalid input\n  - {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    except TravelError as error:
        print(f"optimizer: no travel times, nothing written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        print(f"optimizer: {args.out} cannot be written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    count = f"{len(found.offers)} window{'s' if len(found.offers) != 1 else ''}"
    print(f"{count} for order {found.order_id} written to {args.out}")
    if found.offers:
        best = found.offers[0]
        print(
            f"  cheapest: {best.start:%a %Y-%m-%d %H:%M}-{best.end:%H:%M} "
            f"with {best.technician_id} (cost {best.cost:.2f})"
        )
    for day in found.closed:
        print(f"  {day.date:%a %Y-%m-%d}: {day.reason}")
    return EXIT_OK


def learn(args: argparse.Namespace) -> int:
    """``optimizer learn``: a duration model from a history file
    (:func:`optimizer.durations.learn_durations`), written to a JSON file."""
    if not 0 <= args.holdout < 1:
        return invalid(InvalidProblemError([InputIssue("--holdout", None, None, "must be at least 0 and below 1")]))
    try:
        visits, rejected = read_history(args.history)
        if not visits:
            raise InvalidProblemError(
                [*rejected, InputIssue(Path(args.history).name, None, None, "holds no valid visit")]
            )
        model = learn_durations(visits, holdout=args.holdout, half_life_days=args.half_life_days)
        write_durations(model, args.out)
    except InvalidProblemError as error:
        return invalid(error)
    except OSError as error:
        print(f"optimizer: {args.out} cannot be written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(
        f"Learned from {len(visits)} visits up to {model.history_until}: "
        f"{len(model.groups)} groups, written to {args.out}"
    )
    if model.holdout_error_learned is not None and model.holdout_error_planned is not None:
        print(
            f"  on the {model.holdout_visits} latest visits, held back: mean absolute error "
            f"{model.holdout_error_learned:.1f} min learned, {model.holdout_error_planned:.1f} min planned"
        )
    for issue in rejected[:20]:
        print(f"optimizer: row set aside: {issue}", file=sys.stderr)
    if len(rejected) > 20:
        print(f"optimizer: ... and {len(rejected) - 20} more cells", file=sys.stderr)
    return EXIT_ROWS_SET_ASIDE if rejected else EXIT_OK


def plan_risk(args: argparse.Namespace) -> int:
    """``optimizer risk``: the odds that a plan folder holds (:func:`optimizer.durations.risk`),
    added to it: ``risk.csv``, ``risk_days.csv``, the expected late visits in
    ``kpis.json`` and ``plan.json``, and the report's visits coloured by their odds."""
    folder = Path(args.plan)
    try:
        problem, plan = read_plan(folder)
        model = None if args.durations is None else read_durations(args.durations)
    except InvalidProblemError as error:
        return invalid(error)
    odds = risk(problem, plan, model, samples=args.samples, seed=args.seed)
    visits, days = risk_frames(odds)
    kpis = plan.kpis.model_copy(update={"expected_late_visits": round(odds.expected_late_visits, 3)})
    plan = plan.model_copy(update={"kpis": kpis})
    files = {
        "risk.csv": visits.to_csv(index=False),
        "risk_days.csv": days.to_csv(index=False),
        "kpis.json": json.dumps(kpis.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
        "plan.json": json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
    }
    if (folder / REPORT_FILE).is_file():
        on_time = {(v.order_id, v.technician_id): v.on_time for v in odds.visits}
        files[REPORT_FILE] = html_report(plan, problem, title=f"Plan {problem.start} (with its odds)", on_time=on_time)
    try:
        replace_files(folder, files)
    except OSError as error:
        print(f"optimizer: {folder} cannot be written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    late = sorted(odds.visits, key=lambda v: v.on_time)[:5]
    print(
        f"{len(odds.visits)} visits simulated {odds.samples} times: {odds.expected_late_visits:.1f} expected late; "
        f"{sum(d.overtime > 0.5 for d in odds.days)} of {len(odds.days)} technician-days likely to run over"
    )
    for visit in late:
        print(f"  {visit.order_id} ({visit.technician_id}, {visit.date}): on time in {100 * visit.on_time:.0f}%")
    print(f"Written to {folder}: {', '.join(files)}")
    return EXIT_OK


def serve(args: argparse.Namespace) -> int:
    """``optimizer serve``: the HTTP service over a plan folder (:mod:`optimizer.service`)
    until interrupted."""
    import uvicorn

    from optimizer.service import PlanState, create_app, read_token

    try:
        token = read_token(args.token_file)
        state = PlanState.load(args.plan)
    except InvalidProblemError as error:
        return invalid(error)
    limit = {} if args.time_limit is None else {"replan_time_limit": args.time_limit}
    app = create_app(state, token, **limit)
    print(
        f"Serving {args.plan} on http://{args.host}:{args.port} (GET /plan, POST /offers, /bookings, /events; "
        "bookings and events need the bearer token); Ctrl-C stops it",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def _instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """The ``--now`` flag as an instant; naive: local in ``zone``."""
    try:
        return cells.instant(text, zone)
    except ValueError as error:
        raise InvalidProblemError([InputIssue("--now", None, None, str(error), value=text)]) from None


def _written(call: Callable[[], BatchResult]) -> int:
    """Run a batch ``call`` and tell what it wrote; the exit code."""
    try:
        result = call()
    except InvalidProblemError as error:
        return invalid(error)
    except InvalidPlanError as error:
        print(f"optimizer: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except TravelError as error:
        print(f"optimizer: no travel times, nothing written: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # noqa: BLE001 - any failure here is ours, not the user's
        print(f"optimizer: internal failure: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(summary(result.plan, str(result.out), result.files))
    if result.reading is not None:
        for line in input_summary(result.reading):
            print(line, file=sys.stderr)
    if result.changes is not None:
        print(change_summary(result.changes))
    for item in result.urgent_unplanned:
        print(
            f"optimizer: {item.urgency.value} order {item.order_id} is unplanned: {item.reason} ({item.detail})",
            file=sys.stderr,
        )
    return result.exit_code


def sweep(args: argparse.Namespace) -> int:
    """``optimizer sweep``: scenarios side by side into a KPI table."""
    try:
        config = load_config(args.config, overrides(args))
        variants = scenarios.load_scenarios(args.scenarios, read_inputs(config).problem)
    except InvalidProblemError as error:
        return invalid(error)
    solver = config.solver
    try:
        if solver.distributed:
            with dask_client(solver.workers, solver.scheduler) as client:
                table, _ = scenarios.run(variants, solver.options, client=client)
        else:
            table, _ = scenarios.run(variants, solver.options)
        write_table(table, args.out)
    except InvalidProblemError as error:
        return invalid(error)
    except Exception as error:  # noqa: BLE001 - any failure here is ours, not the user's
        print(f"optimizer: sweep failed, nothing written: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(table.to_string(index=False))
    print(f"KPI table written to {args.out}")
    return EXIT_OK


def calibrate_travel(args: argparse.Namespace) -> int:
    """``optimizer calibrate``: the travel model fitted to known trips, as a ``[travel]`` table."""
    path = Path(args.trips)
    try:
        trips = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        fitted = calibrate(trips)
    except (OSError, ValueError) as error:
        return invalid(InvalidProblemError([InputIssue(path.name, None, None, str(error))]))
    print(fitted, file=sys.stderr)
    print(fitted.toml(), end="")
    return EXIT_OK


def osrm(args: argparse.Namespace) -> int:
    """``optimizer osrm install|serve``: OSRM's programs, and a local server for a map."""
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
            print(
                f"OSRM serves {road_map.name} on {server.url} (profile {args.profile}); "
                f"plan with --travel osrm={server.url}; Ctrl-C stops it",
                flush=True,
            )
            server.wait()
    except InvalidProblemError as error:
        return invalid(error)
    except TravelError as error:
        print(f"optimizer: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def summary(plan: Plan, out: str, files: Sequence[str] = PLAN_FILES) -> str:
    """A few lines for the terminal: what was planned, the objective and its terms
    (those above zero), and where to look next (the report, if written). How the solver
    got there is in ``plan.json`` (``info.status``) and the log."""
    k = plan.kpis
    unplanned = ", ".join(f"{u.value} {k.unplanned_by_urgency[u]}" for u in Urgency)
    terms = " + ".join(f"{term} {value:.2f}" for term, value in k.objective_terms.items() if abs(value) >= 0.005)
    where = f"Plan written to {out}: " + (
        f"open {REPORT_FILE} for the key figures, the map and the schedules; " if REPORT_FILE in files else ""
    )
    return "\n".join(
        [
            f"Planned {k.orders_planned} of {k.orders_total} orders on {k.technician_days_used} technician-days.",
            f"  objective {k.objective:.2f}" + (f" = {terms}" if terms else ""),
            f"  unplanned by urgency: {unplanned}",
            f"  travel {k.travel_km:.1f} km ({k.travel_min:.0f} min), overtime {k.overtime_min:.0f} min, "
            f"late visits {k.late_visits} ({k.late_min:.0f} min), depot pickups {k.pickups}",
            f"  solved with {plan.info.solver} in {plan.info.solve_s:.1f} s (total {plan.info.total_s:.1f} s)",
            where + ", ".join(f for f in files if f != REPORT_FILE),
        ]
    )


def change_summary(changes: pd.DataFrame) -> str:
    """One line on what a re-plan changed (the rows of ``changes.csv`` by kind)."""
    counts = changes["change"].value_counts(sort=False)
    shown = ", ".join(f"{kind} {int(n)}" for kind, n in counts.items() if n)
    return f"Changes against the previous plan: {shown or 'none'} (in {CHANGES_FILE})"
