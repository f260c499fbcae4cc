"""Tables written as CSV files atomically: the validation report and KPI tables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from optimizer.exceptions import InputIssue

REPORT_COLUMNS = ("file", "row_kind", "row", "entity_id", "column", "value", "message")
"""Columns of the validation report (``optimizer validate``)."""


def write_validation_report(issues: list[InputIssue], path: str | os.PathLike[str]) -> Path:
    """Write every input problem as one row of a CSV report (columns
    :data:`REPORT_COLUMNS`; just the header when there is none), atomically."""
    rows = [
        {
            "file": i.source,
            "row_kind": i.row_kind if i.row is not None else "",
            "row": i.row,
            "entity_id": i.entity_id,
            "column": i.column,
            "value": i.value,
            "message": i.message,
        }
        for i in issues
    ]
    frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).astype({"row": "Int64"})  # whole numbers, blank for none
    return write_table(frame, path)


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as CSV (no index) atomically: a temporary file, then a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        frame.to_csv(staging, index=False)
        os.chmod(staging, 0o666 & ~_umask())  # mkstemp makes it owner-only; a CSV is as readable as the umask says
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target


def _umask() -> int:
    """The process's file-creation mask (read by setting it, then restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
