"""The plan folder: written atomically (nothing is half-written, a failed run changes
nothing) and read back for a re-plan."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io.frames import costs_frame, technicians_frame, unassigned_frame, visits_frame
from optimizer.models import Order, Plan, Problem, UnplannedOrder

Model = TypeVar("Model", bound=BaseModel)
CsvDialect = Literal["en", "de"]
"""``en``: ``,`` between fields and a decimal point; ``de``: ``;`` and a decimal comma."""

PLAN_FILES = (
    "visits.csv",
    "unassigned.csv",
    "technicians.csv",
    "costs.csv",
    "kpis.json",
    "plan.json",
    "problem.json",
)
CHANGES_FILE = "changes.csv"
REJECTED_FILE = "rejected.csv"
REJECTED_COLUMNS = ("file", "row", "id", "column", "value", "message")
"""The columns of ``rejected.csv``: one row per bad cell of an input row set aside."""
MANIFEST_FILE = "manifest.json"
REPORT_FILE = "report.html"
WORKBOOK_FILE = "plan.xlsx"


def write_plan(
    problem: Problem,
    plan: Plan,
    out: str | os.PathLike[str],
    *,
    changes: pd.DataFrame | None = None,
    manifest: dict[str, object] | None = None,
    report: str | None = None,
    workbook: bytes | None = None,
    rejected: Sequence[InputIssue] | None = None,
    dependents: Sequence[UnplannedOrder] = (),
    dependent_orders: Sequence[Order] = (),
    csv_dialect: CsvDialect = "en",
) -> tuple[str, ...]:
    """Write ``visits.csv``, ``unassigned.csv``, ``technicians.csv``, ``costs.csv``
    (see :mod:`optimizer.io.frames`), ``kpis.json``, ``plan.json`` and ``problem.json``
    (``problem``, the one the plan answers, for a later re-plan) into ``out``;
    with ``changes`` (a :func:`optimizer.compare` frame), also ``changes.csv``; with
    ``manifest`` (see :mod:`optimizer.outputs.manifest`), also ``manifest.json``; with ``report``
    (see :mod:`optimizer.outputs.report`), also ``report.html``; with ``workbook`` (see
    :mod:`optimizer.outputs.workbook`), also ``plan.xlsx``; with ``rejected`` (the
    input rows set aside, see :func:`optimizer.io.read_tables`), also ``rejected.csv`` (just
    its header where none was). ``dependents`` (with their orders, ``dependent_orders``),
    orders left out of ``problem`` because a
    row they depend on was set aside, are listed in ``unassigned.csv`` after the plan's own.

    All files are first written to a temporary folder beside ``out``; each is then moved
    into place with an atomic rename, so readers never see a partial file. Returns the
    names of the files written. Every CSV file is written in ``csv_dialect``.
    """
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:

        def _csv(frame: pd.DataFrame, name: str) -> None:
            _write_csv(frame, staging / name, csv_dialect)

        _csv(visits_frame(plan, problem), "visits.csv")
        listed = plan.model_copy(update={"unplanned": (*plan.unplanned, *dependents)}) if dependents else plan
        _csv(unassigned_frame(listed, problem, dependent_orders), "unassigned.csv")
        _csv(technicians_frame(plan), "technicians.csv")
        _csv(costs_frame(problem, plan), "costs.csv")
        _write_json(staging / "kpis.json", plan.kpis.model_dump(mode="json"))
        _write_json(staging / "plan.json", plan.model_dump(mode="json"))
        _write_json(staging / "problem.json", problem.model_dump(mode="json"))
        names = list(PLAN_FILES)
        if changes is not None:
            frame = changes.copy()
            for column in ("start_before", "start_after"):
                frame[column] = frame[column].map(lambda t: "" if pd.isna(t) else t.isoformat())
            _csv(frame, CHANGES_FILE)
            names.append(CHANGES_FILE)
        if manifest is not None:
            _write_json(staging / MANIFEST_FILE, manifest)
            names.append(MANIFEST_FILE)
        if report is not None:
            (staging / REPORT_FILE).write_text(report, encoding="utf-8")
            names.append(REPORT_FILE)
        if workbook is not None:
            (staging / WORKBOOK_FILE).write_bytes(workbook)
            names.append(WORKBOOK_FILE)
        if rejected is not None:
            rows = [[i.source, i.row, i.entity_id, i.column, i.value, i.message] for i in rejected]
            _csv(pd.DataFrame(rows, columns=list(REJECTED_COLUMNS)), REJECTED_FILE)
            names.append(REJECTED_FILE)
        target.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / name, target / name)
        for name in {CHANGES_FILE, MANIFEST_FILE, REPORT_FILE, WORKBOOK_FILE, REJECTED_FILE} - set(names):
            (target / name).unlink(missing_ok=True)  # from an earlier run, no longer true
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tuple(names)


def replace_files(folder: str | os.PathLike[str], files: dict[str, str]) -> tuple[str, ...]:
    """Write each text of ``files`` (name -> content) into ``folder``, each atomically
    (a temporary file beside it, then a rename): for adding to a plan folder (the odds of
    ``optimizer risk``) without rewriting the rest. Returns the names written."""
    target = Path(folder)
    for name, text in files.items():
        handle, staging = tempfile.mkstemp(prefix=f".{name}.", dir=target)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(staging, target / name)
        finally:
            Path(staging).unlink(missing_ok=True)
    return tuple(files)


def _write_csv(frame: pd.DataFrame, path: Path, dialect: CsvDialect) -> None:
    """``frame`` as CSV in ``dialect``, timestamps in ISO 8601 with their offset (blank
    where none)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda t: "" if pd.isna(t) else t.isoformat())
    if dialect == "de":
        out.to_csv(path, index=False, sep=";", decimal=",")
    else:
        out.to_csv(path, index=False)


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def read_plan(folder: str | os.PathLike[str]) -> tuple[Problem, Plan]:
    """The problem and plan of a plan folder written by :func:`write_plan`; raises
    :class:`~optimizer.exceptions.InvalidProblemError` naming the file where ``folder``
    is not such a folder."""
    base = Path(folder)
    return _read_json(base / "problem.json", Problem), _read_json(base / "plan.json", Plan)


def _read_json(path: Path, model: type[Model]) -> Model:
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidProblemError(
            [InputIssue(str(path), None, None, "file not found (is it a plan folder?)")]
        ) from None
    except OSError as error:
        raise InvalidProblemError(
            [InputIssue(str(path), None, None, f"cannot be read (is it a plan folder?): {error.strerror or error}")]
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise InvalidProblemError(
            [InputIssue(str(path), None, where or None, f"not a valid {path.name}: {first['msg']}")]
        ) from None
