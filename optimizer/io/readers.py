"""Read the contract's tables (CSV, Parquet, Excel or DataFrames) into a validated Problem.

Every problem found is collected, each naming its source, row and column, and raised
together as one :class:`~optimizer.exceptions.InvalidProblemError`.

CSV files are decoded as UTF-8 (with or without a byte-order mark), else as
Windows-1252, the usual encoding of German Excel exports; the delimiter (``,``, ``;``,
tab or ``|``) is taken from the header line; with ``;`` a decimal comma in a number
(``49,45``) is read as a decimal point.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import os
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io import cells
from optimizer.io.schema import DEPOTS, ORDERS, TECHNICIANS, Table
from optimizer.models import Problem
from optimizer.models.problem import relation_issues
from optimizer.timeaxis import time_zone

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]
_DECIMAL_COMMA = re.compile(r"^\s*([-+]?\d+),(\d+)\s*$")


@dataclass
class Source:
    """A table as read, with how to name its rows in messages.

    ``row_kind`` is "line" (CSV: the file line a record starts on, header = line 1),
    "row" (Parquet: 1-based position; Excel: the sheet's row number, header = row 1)
    or "index" (DataFrame: the index label). ``decimal_comma`` says numbers may be
    written ``49,45``.
    """

    frame: pd.DataFrame
    name: str
    row_kind: str
    lines: Sequence[int | str] | None = None
    issues: list[InputIssue] = field(default_factory=list)
    decimal_comma: bool = False

    def label(self, position: int) -> int | str:
        if self.lines is not None:
            return self.lines[position]
        if self.row_kind == "row":
            return position + 1
        return str(self.frame.index[position])


@dataclass
class _Parsed:
    """The rows of one table that became models, and the row each id was read from."""

    items: list[Any] = field(default_factory=list)
    rows: dict[str, int | str] = field(default_factory=dict)


TableInput = PathLike | pd.DataFrame
"""A table of the contract: a file (CSV, Parquet or Excel, by extension) or a DataFrame."""


def read_problem(
    orders: TableInput,
    technicians: TableInput,
    depots: TableInput | None = None,
    **settings: Any,
) -> Problem:
    """Read the contract's tables into a validated problem.

    Each table is a file path (``.csv``, ``.parquet`` or ``.xlsx``; messages name the
    file and line) or a DataFrame (messages name the index label). ``settings`` are
    the problem's other fields: ``start`` (date or ISO string), ``days``, ``tz``,
    ``weights``, ``travel``, ``pickup_min``. Raises
    :class:`~optimizer.exceptions.InvalidProblemError` listing every bad cell and
    every broken reference.
    """
    issues: list[InputIssue] = []
    sources = {}
    for table, given in ((ORDERS, orders), (TECHNICIANS, technicians), (DEPOTS, depots)):
        if given is None:
            continue
        if isinstance(given, pd.DataFrame):
            sources[table.name] = Source(given, table.name, "index")
            continue
        try:
            sources[table.name] = read_source(Path(given))
        except InvalidProblemError as error:
            issues.extend(error.issues)
    if issues:
        raise InvalidProblemError(issues)
    return _build(sources, settings)


def read_source(path: Path) -> Source:
    """Read one CSV, Parquet or Excel (``.xlsx``, first sheet) file with every cell as
    text (CSV) or as stored."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix in (".parquet", ".pq"):
            return Source(pd.read_parquet(path), path.name, "row")
        if suffix == ".xlsx":
            frame = _read_excel(path)
            return Source(frame, path.name, "row", lines=list(range(2, len(frame) + 2)))
    except FileNotFoundError:
        raise InvalidProblemError([InputIssue(str(path), None, None, "file not found")]) from None
    except (OSError, ValueError, csv.Error, pd.errors.ParserError, zipfile.BadZipFile) as error:
        message = f"cannot be read: {error}".splitlines()[0]
        raise InvalidProblemError([InputIssue(str(path), None, None, message)]) from None
    raise InvalidProblemError(
        [InputIssue(str(path), None, None, "unsupported file type (use .csv, .parquet or .xlsx)")]
    )


def _read_excel(path: Path) -> pd.DataFrame:
    """The first sheet of an ``.xlsx`` file, every cell as stored (openpyxl is loaded
    only here: most runs read CSV or Parquet)."""
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return pd.read_excel(path, dtype=object, engine="openpyxl")
    except InvalidFileException as error:
        raise ValueError(str(error)) from None


def _read_csv(path: Path) -> Source:
    """Every cell as text, each record with the file line it starts on.

    Read with the csv module rather than pandas, so that line numbers stay exact with
    blank lines and quoted cells spanning lines, and a record with more fields than the
    header is reported instead of silently shifted.
    """
    issues: list[InputIssue] = []
    records: list[list[str]] = []
    lines: list[int] = []
    text = _decoded(path.read_bytes())
    delimiter = _delimiter(text.partition("\n")[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    header = next(reader, [])
    last_line = reader.line_num
    for record in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            issues.append(
                InputIssue(path.name, first_line, None, f"{len(record)} fields, but the header names {len(header)}")
            )
            continue
        records.append(record + [""] * (len(header) - len(record)))
        lines.append(first_line)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return Source(frame, path.name, "line", lines=lines, issues=issues, decimal_comma=delimiter == ";")


def _decoded(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(header: str) -> str:
    """The delimiter the header line uses most, outside quotes (``,`` if none)."""
    bare = re.sub(r'"[^"]*"', "", header)
    counts = {d: bare.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _build(sources: dict[str, Source], settings: dict[str, Any]) -> Problem:
    tz = settings.get("tz")
    if tz is None:
        tz = "UTC"
        logger.warning(
            "no time zone given (tz=, --tz): the times in the tables are read as UTC",
            extra={"event": "time_zone_assumed", "tz": tz},
        )
    try:
        zone = time_zone(tz)
    except ValueError as error:
        raise InvalidProblemError([InputIssue("settings", None, "tz", str(error), row_kind="")]) from None
    issues: list[InputIssue] = []
    parsed: dict[str, _Parsed] = {}
    for table in (ORDERS, TECHNICIANS, DEPOTS):
        if table.name in sources:
            parsed[table.name] = read_table(sources[table.name], table, zone, issues)
    if issues:
        raise InvalidProblemError(issues)

    tables = {t.name: t for t in (ORDERS, TECHNICIANS, DEPOTS)}
    relation = [
        InputIssue(
            sources[issue.source].name,
            parsed[issue.source].rows.get(issue.entity_id or ""),
            tables[issue.source].column_of(issue.column or "id"),
            issue.message,
            value=issue.value,
            entity_id=issue.entity_id,
            row_kind=sources[issue.source].row_kind,
        )
        for issue in relation_issues(*(parsed[name].items if name in parsed else [] for name in tables))
    ]
    if relation:
        raise InvalidProblemError(relation)
    try:
        return Problem(
            orders=tuple(parsed["orders"].items),
            technicians=tuple(parsed["technicians"].items),
            depots=tuple(parsed["depots"].items) if "depots" in parsed else (),
            **_settings(settings),
        )
    except ValidationError as error:
        raise InvalidProblemError(
            [
                InputIssue("settings", None, ".".join(map(str, e["loc"])), _message(e), row_kind="")
                for e in error.errors()
            ]
        ) from None


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    out = dict(settings)
    if isinstance(out.get("start"), str):
        with contextlib.suppress(ValueError):  # pydantic reports it with the field name
            out["start"] = dt.date.fromisoformat(out["start"])
    return out


def read_table(source: Source, table: Table, zone: ZoneInfo, issues: list[InputIssue]) -> _Parsed:
    frame = source.frame.rename(columns=lambda c: str(c).strip())
    out = _Parsed()
    issues.extend(source.issues)
    header = _header_issues(frame, table)
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    header += [(name, "required column is missing") for name in missing]
    for name, message in header:
        issues.append(InputIssue(source.name, None, name, message, row_kind=source.row_kind))
    if header:
        return out
    present = [c for c in table.columns if c.name in frame.columns]
    records = frame[[c.name for c in present]].to_dict("records")
    for position, record in enumerate(records):
        if all(cells.is_blank(value) for value in record.values()):
            continue  # an empty line
        row = source.label(position)
        where: dict[str, Any] = {"source": source.name, "row": row, "row_kind": source.row_kind}
        entity = None if cells.is_blank(record[table.id_column]) else cells.text(record[table.id_column])
        values: dict[str, Any] = {}
        bad = False
        for column in present:
            raw = record[column.name]
            if cells.is_blank(raw):
                if column.required:
                    issues.append(
                        InputIssue(**where, column=column.name, message="value is required", entity_id=entity)
                    )
                    bad = True
                continue
            if source.decimal_comma and column.numeric and isinstance(raw, str):
                raw = _DECIMAL_COMMA.sub(r"\1.\2", raw)
            try:
                values[column.field] = column.parse(raw, zone)
            except ValueError as error:
                issues.append(
                    InputIssue(**where, column=column.name, message=str(error), value=str(raw), entity_id=entity)
                )
                bad = True
        if bad:
            continue
        try:
            item = table.model.model_validate(values)
        except ValidationError as error:
            for e in error.errors():
                named = table.column_of(str(e["loc"][0])) if e["loc"] else None
                raw = record.get(named) if named else None
                issues.append(
                    InputIssue(
                        **where,
                        column=named,
                        message=_message(e),
                        value=None if raw is None else str(raw),
                        entity_id=entity,
                    )
                )
            continue
        key = item.id  # type: ignore[attr-defined]
        if key in out.rows:
            first = out.rows[key]
            issues.append(
                InputIssue(
                    **where,
                    column=table.id_column,
                    entity_id=key,
                    message=f"duplicate id (first on {source.row_kind} {first})",
                )
            )
            continue
        out.items.append(item)
        out.rows[key] = row
    return out


def _header_issues(frame: pd.DataFrame, table: Table) -> list[tuple[str | None, str]]:
    """Known columns named more than once."""
    known = {c.name for c in table.columns}
    counts = Counter(str(c) for c in frame.columns)
    return [(name, "column appears more than once") for name, n in counts.items() if n > 1 and name in known]


def _message(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else message
