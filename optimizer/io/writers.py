"""Write a plan folder atomically: nothing is half-written, a failed run changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io.frames import unassigned_frame, visits_frame
from optimizer.models import Plan, Problem

PLAN_FILES = ("visits.csv", "unassigned.csv", "kpis.json", "plan.json", "problem.json")
CHANGES_FILE = "changes.csv"
MANIFEST_FILE = "manifest.json"
REPORT_FILE = "report.html"
REPORT_COLUMNS = ("file", "row_kind", "row", "entity_id", "column", "value", "message")
"""Columns of the validation report (``optimizer validate``)."""


def write_plan(
    plan: Plan,
    out: str | os.PathLike[str],
    *,
    changes: pd.DataFrame | None = None,
    manifest: dict[str, object] | None = None,
    report: str | None = None,
) -> tuple[str, ...]:
    """Write ``visits.csv``, ``unassigned.csv``, ``kpis.json``, ``plan.json`` and
    ``problem.json`` (the problem the plan answers, for a later re-plan) into ``out``;
    with ``changes`` (a :func:`optimizer.compare` frame), also ``changes.csv``; with
    ``manifest`` (see :mod:`optimizer.manifest`), also ``manifest.json``; with ``report``
    (see :mod:`optimizer.report`), also ``report.html``.

    All files are first written to a temporary folder beside ``out``; each is then moved
    into place with an atomic rename, so readers never see a partial file. Returns the
    names of the files written.
    """
    problem = plan.problem
    if problem is None:
        raise ValueError("this plan has no problem attached (plans from optimizer.solve have one)")
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        visits = visits_frame(plan)
        for column in ("arrival", "start", "end"):
            visits[column] = visits[column].map(lambda t: t.isoformat())
        visits.to_csv(staging / "visits.csv", index=False)
        unassigned_frame(plan).to_csv(staging / "unassigned.csv", index=False)
        _write_json(staging / "kpis.json", plan.kpis.model_dump(mode="json"))
        _write_json(staging / "plan.json", plan.to_json_dict())
        _write_json(staging / "problem.json", problem.model_dump(mode="json"))
        names = list(PLAN_FILES)
        if changes is not None:
            frame = changes.copy()
            for column in ("start_before", "start_after"):
                frame[column] = frame[column].map(lambda t: "" if pd.isna(t) else t.isoformat())
            frame.to_csv(staging / CHANGES_FILE, index=False)
            names.append(CHANGES_FILE)
        if manifest is not None:
            _write_json(staging / MANIFEST_FILE, manifest)
            names.append(MANIFEST_FILE)
        if report is not None:
            (staging / REPORT_FILE).write_text(report, encoding="utf-8")
            names.append(REPORT_FILE)
        target.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / name, target / name)
        for name in {CHANGES_FILE, MANIFEST_FILE, REPORT_FILE} - set(names):
            (target / name).unlink(missing_ok=True)  # from an earlier run, no longer true
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tuple(names)


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def write_validation_report(issues: list[InputIssue], path: str | os.PathLike[str]) -> Path:
    """Write every input problem as one row of a CSV report (columns
    :data:`REPORT_COLUMNS`; just the header when there is none), atomically."""
    rows = [{"file": i.source, "row_kind": i.row_kind if i.row is not None else "", "row": i.row,
             "entity_id": i.entity_id, "column": i.column, "value": i.value, "message": i.message} for i in issues]
    return write_table(pd.DataFrame(rows, columns=list(REPORT_COLUMNS)), path)


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as CSV (no index) atomically: a temporary file, then a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        frame.to_csv(staging, index=False)
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target


def read_plan(folder: str | os.PathLike[str]) -> tuple[Problem, Plan]:
    """The problem and plan of a plan folder written by :func:`write_plan`."""
    base = Path(folder)
    loaded = []
    for name, model in (("problem.json", Problem), ("plan.json", Plan)):
        path = base / name
        try:
            loaded.append(model.model_validate_json(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise InvalidProblemError([InputIssue(str(path), None, None, "file not found (is it a plan folder?)")]) from None
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"]))
            raise InvalidProblemError(
                [InputIssue(str(path), None, where or None, f"not a valid {name}: {first['msg']}")]
            ) from None
    problem, plan = loaded
    return problem, plan.with_problem(problem)
