"""The nightly batch as library calls: read the exports, plan, check, write the plan
folder (manifest, report, changes) atomically, and log each step.

>>> result = optimizer.batch.run(optimizer.batch.load_config("run.toml"))   # doctest: +SKIP
>>> result.exit_code, result.files                                          # doctest: +SKIP

Errors are exceptions, never printed: :class:`~optimizer.exceptions.InvalidProblemError`
for bad input (nothing written), :class:`~optimizer.exceptions.TravelError` where the
travel source fails, :class:`InvalidPlanError` where the checker rejects the plan.
Each is logged (event ``invalid_input``, ``travel_failed``, ``invalid_plan`` or
``failed``, with the exit code a scheduler would act on) before it is raised. The
command line (:mod:`optimizer.cli`) prints and turns them into exit codes.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.batch.config import OutputConfig, RunConfig, SolverConfig
from optimizer.batch.logs import logged
from optimizer.check import CheckReport, check
from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError, TravelError
from optimizer.exits import (
    EXIT_FAILURE,
    EXIT_INVALID_INPUT,
    EXIT_OK,
    EXIT_ROWS_SET_ASIDE,
    EXIT_URGENT_UNPLANNED,
)
from optimizer.instance import compile_instance
from optimizer.io import Reading, read_events, read_plan, read_tables, write_plan
from optimizer.io.durations import read_durations
from optimizer.io.plan_folder import MANIFEST_FILE, CsvDialect
from optimizer.models import Plan, Problem, Reason, UnplannedOrder, Urgency
from optimizer.models.reasons import EXPLANATION
from optimizer.models.settings import REPLAN_TIME_LIMIT_S
from optimizer.outputs import compare, html_report
from optimizer.outputs.manifest import run_manifest
from optimizer.outputs.report import map_box
from optimizer.outputs.workbook import workbook_bytes
from optimizer.regions import solve_regions
from optimizer.replan import replan_problem
from optimizer.solve import solve, with_options

logger = logging.getLogger("optimizer")

_URGENT = (Urgency.EMERGENCY, Urgency.HIGH)

Progress = Callable[[float, float, int], None]
"""Called with (seconds, objective, orders planned) at each improvement (see :func:`optimizer.solve`)."""


class InvalidPlanError(OptimizerError):
    """The solver returned a plan the independent checker rejects; ``report`` says why."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        super().__init__(f"the solver returned an invalid plan, not written\n{report}")


@dataclass(frozen=True)
class BatchResult:
    """What a run wrote: the problem and its checked plan, the plan folder and the
    files in it, the changes against the previous plan (re-plans), timings in seconds,
    and how the inputs were read (rows set aside, cells repaired, orders depending on a
    row set aside; ``None`` for a re-plan)."""

    problem: Problem
    plan: Plan
    out: Path
    files: tuple[str, ...]
    report: CheckReport
    changes: pd.DataFrame | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    reading: Reading | None = None

    @property
    def urgent_unplanned(self) -> tuple[UnplannedOrder, ...]:
        """Emergency and high-urgency orders left unplanned for this horizon (an order
        whose windows lie after the horizon belongs to a later run), those depending on
        a row set aside included."""
        unplanned = self.plan.unplanned + (self.reading.dependents if self.reading else ())
        return tuple(u for u in unplanned if u.urgency in _URGENT and u.reason != Reason.AFTER_HORIZON.value)

    @property
    def exit_code(self) -> int:
        """:data:`EXIT_URGENT_UNPLANNED` where an urgent order is unplanned, else
        :data:`EXIT_ROWS_SET_ASIDE` where input rows were set aside, else :data:`EXIT_OK`."""
        if self.urgent_unplanned:
            return EXIT_URGENT_UNPLANNED
        return EXIT_ROWS_SET_ASIDE if self.reading and self.reading.rejected else EXIT_OK


def read(config: RunConfig) -> Reading:
    """The problem of ``config``'s inputs and horizon as the input policy reads it (rows
    with a bad cell set aside unless ``input.strict``; raises InvalidProblemError for
    structural problems), each row set aside and each repair logged."""
    paths = config.input
    road_map = config.travel.osm_file
    if config.travel.source == "osm" and road_map is not None and not road_map.is_file():
        raise InvalidProblemError(
            [InputIssue(str(road_map), None, "travel.osm_file", "map file not found", row_kind="")]
        )
    reading = read_tables(
        paths.orders,
        paths.technicians,
        paths.depots,
        strict=paths.strict,
        columns=paths.columns,
        pass_through=paths.pass_through,
        start=config.horizon.first_day(),
        days=config.horizon.days,
        **({} if config.horizon.tz is None else {"tz": config.horizon.tz}),
        pickup_min=config.horizon.pickup_min,
        weights=config.objective,
        travel=config.travel,
    )
    if paths.durations is not None:
        model = read_durations(paths.durations)
        learned = reading.problem.model_copy(update={"durations": model, "duration_quantile": paths.duration_quantile})
        reading = dataclasses.replace(reading, problem=learned)
    for issue in reading.rejected:
        logger.warning(str(issue), extra={"event": "row_set_aside", "source": issue.source, "row": issue.row})
    for order in reading.dependents:
        logger.warning(
            f"order {order.order_id!r} unplanned: {order.detail}",
            extra={"event": "depends_on_rejected_row", "order": order.order_id},
        )
    if reading.repairs:
        logger.info(
            f"{len(reading.repairs)} cells repaired",
            extra={"event": "repaired", "by_kind": reading.repair_counts, "cells": [str(r) for r in reading.repairs]},
        )
    return reading


def unplannable(problem: Problem) -> list[InputIssue]:
    """The orders of ``problem`` that no plan can serve, as the pre-solve knows before
    any search (an emergency needing a skill nobody has, an order outside every shift),
    one issue each with the reason's code and sentence. Builds the travel matrix;
    orders whose windows lie after the horizon belong to a later run and are not listed."""
    instance = compile_instance(problem)
    issues = []
    for order, reason in zip(problem.orders, instance.presolve_reason, strict=True):
        if reason is None or reason is Reason.AFTER_HORIZON:
            continue
        message = f"no plan can serve it: {EXPLANATION[reason]} ({reason.value})"
        issues.append(InputIssue("orders", None, None, message, entity_id=order.id, row_kind=""))
    return issues


def validate(config: RunConfig) -> Reading:
    """``config``'s inputs read as a run would read them, without solving (raises
    InvalidProblemError for structural problems, and with ``input.strict`` for any)."""
    return read(config)


def run(
    config: RunConfig,
    *,
    on_read: Callable[[Problem], None] | None = None,
    on_improvement: Progress | None = None,
    command: Sequence[str] = (),
) -> BatchResult:
    """Plan ``config``'s inputs into its plan folder (``config.output``), logging to its
    log file: read, solve (regions apart where ``config.solver`` asks), check, write.
    ``on_read`` is called with the problem once it is read, ``on_improvement`` as in
    :func:`optimizer.solve`; ``command`` is recorded in the manifest."""
    began = time.perf_counter()
    if config.output is None:
        raise InvalidProblemError(
            [
                InputIssue(
                    "configuration",
                    None,
                    "output.out",
                    "required key is missing (give it in the file or as --out)",
                    row_kind="",
                )
            ]
        )
    out = writable(config.output.out)
    with logged(config.output.log), _failures_logged():
        reading = read(config)
        problem = reading.problem
        if on_read is not None:
            on_read(problem)
        logger.info(
            "inputs read",
            extra={
                "event": "inputs_read",
                "orders": len(problem.orders),
                "technicians": len(problem.technicians),
                "depots": len(problem.depots),
                "rows_set_aside": reading.rows_set_aside,
                "repairs": len(reading.repairs),
                "seconds": round(time.perf_counter() - began, 3),
            },
        )
        given = (config.input.orders, config.input.technicians, config.input.depots, config.input.durations)
        inputs = [p for p in given if p is not None]
        return _plan_and_write(
            problem,
            config.solver,
            out,
            settings=config.model_dump(mode="json"),
            inputs=inputs,
            began=began,
            report=config.output.report,
            workbook=config.output.workbook,
            csv_dialect=config.output.csv_dialect,
            on_improvement=on_improvement,
            command=command,
            reading=reading,
        )


def replan(
    plan_folder: str | os.PathLike[str],
    events: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    solver: SolverConfig | None = None,
    log: str | os.PathLike[str] | None = None,
    on_read: Callable[[Problem], None] | None = None,
    on_improvement: Progress | None = None,
    command: Sequence[str] = (),
) -> BatchResult:
    """Re-plan the plan folder ``plan_folder`` after the events in the file ``events``
    into ``out`` (with ``changes.csv``), logging to ``log``; ``solver`` and the
    callbacks as for :func:`run` (the time limit defaults to 10 s)."""
    began = time.perf_counter()
    given = solver or SolverConfig()
    if given.time_limit is None and given.max_solutions is None:
        given = given.model_copy(update={"time_limit": REPLAN_TIME_LIMIT_S})
    target = writable(Path(out))
    with logged(None if log is None else Path(log)), _failures_logged():
        previous, before = read_plan(plan_folder)
        problem = replan_problem(previous, before, read_events(events, previous.tz), source=Path(events).name)
        if on_read is not None:
            on_read(problem)
        inputs = [Path(plan_folder) / "problem.json", Path(plan_folder) / "plan.json", Path(events)]
        output = _output_settings(Path(plan_folder))
        settings = {
            "plan": str(plan_folder),
            "events": str(events),
            "solver": given.model_dump(mode="json"),
            "output": output,
        }
        return _plan_and_write(
            problem,
            given,
            target,
            settings=settings,
            inputs=inputs,
            began=began,
            before=before,
            on_improvement=on_improvement,
            command=command,
            **output,
        )


def _output_settings(plan_folder: Path) -> dict[str, Any]:
    """How the plan in ``plan_folder`` was written (its manifest's ``report``,
    ``workbook`` and ``csv_dialect``), for its re-plan to be written the same way;
    the defaults where the folder has no manifest saying so."""
    defaults = {key: OutputConfig.model_fields[key].default for key in ("report", "workbook", "csv_dialect")}
    try:
        given = json.loads((plan_folder / MANIFEST_FILE).read_text(encoding="utf-8"))["settings"]["output"]
    except (OSError, ValueError, KeyError, TypeError):
        return defaults
    if not isinstance(given, dict):
        return defaults
    return {key: given.get(key, value) for key, value in defaults.items()}


_ROAD_SEGMENTS = 40_000
"""Most road segments the report's maps draw (the fastest roads where there are more)."""


def _roads(problem: Problem) -> npt.NDArray[np.float64] | None:
    """Where the plan used an OSM map, its roads inside the report's maps (the graph
    the travel times came from, read once per process); else ``None``."""
    if problem.travel.source != "osm":
        return None
    from optimizer.travel.osm import OsmTravel, road_lines  # pyosmium and scipy: only for OSM maps
    from optimizer.travel.sources import travel_provider

    provider = travel_provider(problem.travel)
    assert isinstance(provider, OsmTravel)
    return road_lines(provider.graph, *map_box(problem), limit=_ROAD_SEGMENTS)


def writable(out: Path) -> Path:
    """``out``, where it can become a plan folder (raises InvalidProblemError otherwise)."""
    if out.exists() and not out.is_dir():
        raise InvalidProblemError(
            [InputIssue(str(out), None, None, "exists and is not a folder: cannot write a plan there")]
        )
    return out


_WRITE_S = 0.5
"""Seconds of a run's time limit kept for checking and writing the plan folder, beside
:data:`_WRITE_S_PER_ORDER`."""
_WRITE_S_PER_ORDER = 0.75e-3
"""Seconds per order kept for checking and writing the plan folder (the checker asks
only for the legs the plan drives; measured: 15 s at 20,000 orders, 2.6 s at 4,950)."""
_WORKBOOK_S_PER_ORDER = 1.1e-3
"""Seconds per order kept for ``plan.xlsx`` where it is written (openpyxl writes about
25,000 cells a second: measured 5.2 s for 5,000 orders in one day)."""


def plan_with(
    problem: Problem,
    solver: SolverConfig,
    *,
    on_improvement: Progress | None = None,
    began: float | None = None,
    workbook: bool = False,
) -> Plan:
    """``problem`` solved as ``solver`` says: whole, or region by region on Dask.

    ``began`` (wall-clock, :func:`time.time`): when the run started. The time limit is
    then the run's budget, from that start to the written folder: the solve gets what
    reading left, less what checking and writing will take (:data:`_WRITE_S`, per order
    :data:`_WRITE_S_PER_ORDER`, and with ``workbook`` :data:`_WORKBOOK_S_PER_ORDER`);
    regions share it and are merged by that deadline, unless ``solver.region_time_limit``
    gives each region its own limit."""
    options = solver.options
    seconds = options.seconds()
    deadline = None
    if began is not None and seconds is not None:
        per_order = _WRITE_S_PER_ORDER + (_WORKBOOK_S_PER_ORDER if workbook else 0.0)
        deadline = began + seconds - _WRITE_S - per_order * len(problem.orders)
        options = with_options(options, time_limit=max(1.0, deadline - time.time()))
    if solver.distributed:
        return solve_regions(
            problem,
            options,
            workers=solver.workers,
            scheduler=solver.scheduler,
            max_technicians=solver.region_technicians,
            deadline=deadline,
            region_time_limit=solver.region_time_limit,
        )
    return solve(problem, options, on_improvement=on_improvement)


def _plan_and_write(
    problem: Problem,
    solver: SolverConfig,
    out: Path,
    *,
    settings: dict[str, Any],
    inputs: list[Path],
    began: float,
    before: Plan | None = None,
    report: bool = True,
    workbook: bool = True,
    csv_dialect: CsvDialect = "en",
    on_improvement: Progress | None = None,
    command: Sequence[str] = (),
    reading: Reading | None = None,
) -> BatchResult:
    """Solve, check and write the plan folder (atomically, with its manifest, for a
    re-plan ``changes.csv``, and with ``reading`` the rows set aside in ``rejected.csv``,
    the orders depending on them in ``unassigned.csv``, the repairs in the manifest)."""
    timings = {"read": time.perf_counter() - began}
    started = time.time() - timings["read"]  # the run's start on the wall clock, which Dask's workers share
    plan = plan_with(problem, solver, on_improvement=on_improvement, began=started, workbook=workbook)
    timings["solve"] = plan.info.total_s
    logger.info(
        "solved",
        extra={
            "event": "solved",
            "solver": plan.info.solver,
            "status": plan.info.status,
            "objective": plan.kpis.objective,
            "planned": plan.kpis.orders_planned,
            "seconds": round(plan.info.total_s, 3),
        },
    )
    mark = time.perf_counter()
    verdict = check(problem, plan)
    timings["check"] = time.perf_counter() - mark
    solver_objective = plan.info.solver_objective  # a re-plan's leaves out the fixed stops: not comparable
    differs = (
        problem.progress is None
        and solver_objective is not None
        and abs(solver_objective - verdict.objective) > 1e-6 * max(1.0, abs(verdict.objective))
    )
    if verdict.kinds() == {"objective_mismatch"} or (verdict.ok and differs):
        logger.warning(
            "the checker's objective differs from the plan's or the solver's",
            extra={
                "event": "objective_mismatch",
                "stated": plan.kpis.objective,
                "solver": solver_objective,
                "checked": verdict.objective,
            },
        )
    elif not verdict.ok:
        logger.error(
            "invalid plan",
            extra={"event": "invalid_plan", "violations": len(verdict.violations), "exit_code": EXIT_FAILURE},
        )
        raise InvalidPlanError(verdict)
    changes = None if before is None else compare(before, plan)
    manifest = run_manifest(
        command=list(command),
        settings=settings,
        inputs=inputs,
        travel=problem.travel,
        timings_s=timings | {"total": time.perf_counter() - began},
        plan=plan,
    )
    if reading is not None:
        manifest["input"] = {
            "rows_set_aside": reading.rows_set_aside,
            "orders_depending_on_them": [d.order_id for d in reading.dependents],
            "unknown_columns": [f"{w.source}: {w.column}" for w in reading.warnings],
        }
        manifest["repairs"] = {"by_kind": reading.repair_counts, "cells": [r.as_dict() for r in reading.repairs]}
    title = f"Plan {problem.start}" + (f", re-planned at {problem.progress.now:%H:%M}" if problem.progress else "")
    page = html_report(plan, problem, title=title, changes=changes, roads=_roads(problem)) if report else None
    book = workbook_bytes(problem, plan) if workbook else None
    files = write_plan(
        problem,
        plan,
        out,
        changes=changes,
        manifest=manifest,
        report=page,
        workbook=book,
        csv_dialect=csv_dialect,
        rejected=None if reading is None else reading.rejected,
        dependents=() if reading is None else reading.dependents,
        dependent_orders=() if reading is None else reading.dependent_orders,
    )
    result = BatchResult(
        problem, plan, out, files, verdict, changes, timings | {"total": time.perf_counter() - began}, reading
    )
    logger.info(
        "written",
        extra={
            "event": "written",
            "out": str(out),
            "exit_code": result.exit_code,
            "urgent_unplanned": [u.order_id for u in result.urgent_unplanned],
            "seconds": round(time.perf_counter() - began, 3),
        },
    )
    return result


@contextmanager
def _failures_logged() -> Iterator[None]:
    """Log each way a run fails (with the exit code it maps to), then let it propagate."""
    try:
        yield
    except InvalidProblemError as error:
        logger.info(
            "invalid input",
            extra={"event": "invalid_input", "issues": [str(i) for i in error.issues], "exit_code": EXIT_INVALID_INPUT},
        )
        raise
    except TravelError as error:
        logger.error("travel failed", extra={"event": "travel_failed", "error": str(error), "exit_code": EXIT_FAILURE})
        raise
    except InvalidPlanError:
        raise
    except Exception:
        logger.exception("plan failed", extra={"event": "failed", "exit_code": EXIT_FAILURE})
        raise
