"""The history export and the learned duration model on disk.

``history`` (CSV, Parquet or Excel, one row per completed visit): ``order_id``,
``type``, ``technician_id``, ``planned_min``, ``actual_min``, ``date`` required;
``skills`` (``hvac:2;electrical``: only the names count) and ``site_id`` optional. A
row with a bad cell is set aside (listed, the rest is learned from), as the batch's
input policy does for the other tables; a missing column stops the run.
``durations.json`` is the model (:class:`~optimizer.models.durations.DurationModel`),
written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io import cells
from optimizer.io.readers import read_json, read_source
from optimizer.models.durations import DurationModel, HistoryVisit

REQUIRED = ("order_id", "type", "technician_id", "planned_min", "actual_min", "date")
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "order_id": cells.text,
    "type": cells.lowercase,
    "technician_id": cells.text,
    "planned_min": cells.number,
    "actual_min": cells.number,
    "date": cells.day,
    "skills": lambda value: frozenset(cells.levels(value)),
    "site_id": cells.text,
}


def read_history(path: str | os.PathLike[str]) -> tuple[list[HistoryVisit], list[InputIssue]]:
    """The visits of a history file, and one issue per bad cell of the rows set aside."""
    source = read_source(Path(path))
    frame = source.frame.rename(columns=lambda c: str(c).strip())
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidProblemError(
            [InputIssue(source.name, None, c, "required column is missing", row_kind=source.row_kind) for c in missing]
        )
    visits, issues = [], []
    known = [c for c in _PARSERS if c in frame.columns]
    for position, record in enumerate(frame[known].to_dict("records")):
        if all(cells.is_blank(v) for v in record.values()):
            continue
        where: dict[str, Any] = {"source": source.name, "row": source.label(position), "row_kind": source.row_kind}
        entity = None if cells.is_blank(record["order_id"]) else cells.text(record["order_id"])
        values: dict[str, Any] = {}
        bad = []
        for name, raw in record.items():
            column = str(name)
            if cells.is_blank(raw):
                if column in REQUIRED:
                    bad.append(InputIssue(**where, column=column, message="value is required", entity_id=entity))
                continue
            try:
                values[column] = _PARSERS[column](raw)
            except ValueError as error:
                bad.append(InputIssue(**where, column=column, message=str(error), value=str(raw), entity_id=entity))
        if not bad:
            try:
                visits.append(HistoryVisit.model_validate(values))
            except ValidationError as error:
                for e in error.errors():
                    message = str(e["msg"]).removeprefix("Value error, ")
                    field = str(e["loc"][0]) if e["loc"] else None
                    bad.append(InputIssue(**where, column=field, message=message, entity_id=entity))
        issues += bad
    return visits, issues


def read_durations(path: str | os.PathLike[str]) -> DurationModel:
    """The duration model of a ``durations.json`` written by ``optimizer learn``."""
    try:
        return DurationModel.model_validate(read_json(Path(path)))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"])) or None
        raise InvalidProblemError(
            [InputIssue(str(path), None, where, f"not a duration model: {first['msg']}")]
        ) from None


def write_durations(model: DurationModel, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` as JSON to ``path`` atomically (a temporary file, then a rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(model.model_dump(mode="json"), out, indent=1)
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target
