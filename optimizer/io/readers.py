"""Read the contract's tables (CSV, Parquet, Excel or DataFrames) into a validated Problem.

Every problem found is collected, each naming its source, row and column.
:func:`read_problem` raises them together as one
:class:`~optimizer.exceptions.InvalidProblemError`; :func:`read_tables`, the nightly
batch's reader, follows DESIGN.md's input policy instead: a structural problem (a file
that cannot be read, a required column missing, no technician left) raises, a row with a
bad cell is set aside and the rest is read, an order whose required technician was set
aside is reported unplanned (reason ``depends_on_rejected_row``). Both repair benign
defects (:mod:`optimizer.io.repairs`) and warn about columns the contract does not know,
naming the nearest known one; ``columns`` maps an export's own headers to the contract's.

CSV files are decoded as UTF-8 (with or without a byte-order mark), else as
Windows-1252, the usual encoding of German Excel exports; the delimiter (``,``, ``;``,
tab or ``|``) is taken from the header line; with ``;`` a decimal comma in a number
(``49,45``) is read as a decimal point.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import difflib
import io
import json
import logging
import os
import re
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io import cells
from optimizer.io.repairs import Repair
from optimizer.io.schema import DEPOTS, ORDERS, TECHNICIANS, Column, Table
from optimizer.models import Order, Problem, Reason, UnplannedOrder
from optimizer.models.order import with_followers
from optimizer.models.problem import relation_issues
from optimizer.timeaxis import time_zone

logger = logging.getLogger(__name__)

csv.field_size_limit(2**31 - 1)  # a cell of any size is read (and judged by its column), not a refused file

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

ColumnNames = Mapping[str, Mapping[str, str]]
"""Per table (``orders``, ``technicians``, ``depots``): the contract's column name ->
the export's header for it (``{"orders": {"order_id": "Auftragsnummer"}}``)."""


@dataclass(frozen=True)
class Reading:
    """What reading the tables gave: the problem of the rows that are valid, the rows
    set aside (one issue per bad cell), the cells repaired, the orders reported unplanned
    because a row they depend on was set aside, and warnings about the headers."""

    problem: Problem
    rejected: tuple[InputIssue, ...] = ()
    repairs: tuple[Repair, ...] = ()
    dependents: tuple[UnplannedOrder, ...] = ()
    warnings: tuple[InputIssue, ...] = ()
    dependent_orders: tuple[Order, ...] = ()
    """The orders of ``dependents``, as read (for their type, due time and pass-through
    columns in ``unassigned.csv``)."""

    @property
    def rows_set_aside(self) -> int:
        """How many input rows were set aside (a row may have several bad cells)."""
        return len({(issue.source, issue.row) for issue in self.rejected})

    @property
    def repair_counts(self) -> dict[str, int]:
        """How many cells each kind of repair changed."""
        return dict(Counter(repair.kind for repair in self.repairs))


def read_problem(
    orders: TableInput,
    technicians: TableInput,
    depots: TableInput | None = None,
    *,
    columns: ColumnNames | None = None,
    pass_through: Sequence[str] = (),
    **settings: Any,
) -> Problem:
    """Read the contract's tables into a validated problem, all or nothing.

    Each table is a file path (``.csv``, ``.parquet`` or ``.xlsx``; messages name the
    file and line) or a DataFrame (messages name the index label). ``settings`` are
    the problem's other fields: ``start`` (date or ISO string), ``days``, ``tz``,
    ``weights``, ``travel``, ``pickup_min``; ``columns`` as in :data:`ColumnNames`.
    Raises :class:`~optimizer.exceptions.InvalidProblemError` listing every bad cell and
    every broken reference. Benign defects are repaired (see :func:`read_tables`).
    """
    return read_tables(
        orders, technicians, depots, strict=True, columns=columns, pass_through=pass_through, **settings
    ).problem


def read_tables(
    orders: TableInput,
    technicians: TableInput,
    depots: TableInput | None = None,
    *,
    strict: bool = False,
    columns: ColumnNames | None = None,
    pass_through: Sequence[str] = (),
    **settings: Any,
) -> Reading:
    """Read the contract's tables as the nightly batch does (DESIGN.md, "Input policy").

    Tables, ``columns`` and ``settings`` as for :func:`read_problem`. A row with a bad
    cell (or an unknown required technician, or an id seen before) is set aside and
    listed in ``rejected``; an order whose required technician was set aside is left out
    of the problem and listed in ``dependents`` with the row it depends on. Raises
    :class:`~optimizer.exceptions.InvalidProblemError` for structural problems (a file
    that cannot be read, a required column missing or named twice, bad settings, no
    technician left), and with ``strict`` for any problem at all.
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
    return _build(sources, settings, strict=strict, columns=columns or {}, pass_through=pass_through)


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


def read_json(path: Path) -> Any:
    """The parsed content of a JSON file; an error naming the file where it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidProblemError([InputIssue(str(path), None, None, "file not found")]) from None
    except (OSError, ValueError) as error:
        raise InvalidProblemError([InputIssue(str(path), None, None, f"cannot be read: {error}")]) from None


def json_source(records: Any, name: str, expected: str, columns: Sequence[str] = ()) -> Source:
    """``records`` (parsed JSON: a list of objects, one per row) as a table named ``name``,
    rows numbered from 1 (``item``); nested values become their JSON text, as a cell of
    an export would hold them. ``expected`` says what else was wanted; ``columns`` are
    the columns of a table without rows."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InvalidProblemError([InputIssue(name, None, None, f"expected {expected}")])
    if not records:
        return Source(pd.DataFrame(columns=list(columns)), name, "item", lines=[])
    frame = pd.DataFrame.from_records(records).astype(object)
    frame = frame.map(lambda v: v if v is None or isinstance(v, (str, bool, int, float)) else json.dumps(v))
    return Source(frame, name, "item", lines=list(range(1, len(records) + 1)))


def _read_excel(path: Path) -> pd.DataFrame:
    """The first sheet of an ``.xlsx`` file, every cell as stored (openpyxl is loaded
    only here: most runs read CSV or Parquet)."""
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except InvalidFileException as error:
        raise ValueError(str(error)) from None
    except KeyError as error:  # a zip archive that is not a workbook
        raise ValueError(f"not an Excel workbook ({error})") from None
    return _with_error_cells(frame, path)


def _with_error_cells(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame`` (the first sheet as pandas read it) with Excel's error cells (``#VALUE!``,
    ``#REF!``, ...) written back as their text: pandas reads them as blank, which would
    quietly turn a broken cell into a column's default instead of a row set aside."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, max_row=len(frame) + 1, max_col=frame.shape[1])
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "e":
                    frame.iat[r, c] = str(cell.value)
    finally:
        book.close()
    return frame


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
    lines_of_text = text.splitlines()  # \n, \r\n and old Mac \r alike
    delimiter = _delimiter(lines_of_text[0] if lines_of_text else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    header = next(reader, [])
    last_line = reader.line_num
    for record in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            issues.append(
                InputIssue(
                    path.name,
                    first_line,
                    None,
                    f"{len(record)} fields, but the header names {len(header)}",
                    entity_id=record[0].strip() or None,
                )
            )
            continue
        records.append(record + [""] * (len(header) - len(record)))
        lines.append(first_line)
    if records and _unclosed_quote(text, lines[-1], records[-1], len(header), delimiter):
        # a quote never closed runs to the end of the file: only the last record can show it
        raise csv.Error(
            f"line {lines[-1]}: a quoted cell is never closed; the lines after it up to the end of the file "
            "would be read as one cell"
        )
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return Source(frame, path.name, "line", lines=lines, issues=issues, decimal_comma=delimiter == ";")


def _unclosed_quote(text: str, first_line: int, record: list[str], fields: int, delimiter: str) -> bool:
    """Whether the file's last ``record`` (starting on line ``first_line``) is a quote
    opened and never closed: its text does not parse strictly, and a line inside one of
    its cells looks like a record of its own (as many delimiters as a row has)."""
    if fields < 2 or not any(
        line.count(delimiter) >= fields - 1
        for cell in record
        if "\n" in cell or "\r" in cell
        for line in cell.splitlines()[1:]
    ):
        return False
    tail = "".join(text.splitlines(keepends=True)[first_line - 1 :])
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True))
    except csv.Error:
        return True
    return False


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


def _build(
    sources: dict[str, Source],
    settings: dict[str, Any],
    *,
    strict: bool,
    columns: ColumnNames,
    pass_through: Sequence[str],
) -> Reading:
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
    tables = {t.name: t for t in (ORDERS, TECHNICIANS, DEPOTS)}
    unknown_tables = sorted(set(columns) - set(tables))
    if unknown_tables:
        raise InvalidProblemError(
            [
                InputIssue("input.columns", None, name, "not a table (orders, technicians, depots)")
                for name in unknown_tables
            ]
        )
    issues: dict[str, list[InputIssue]] = {}
    repairs: list[Repair] = []
    warnings: list[InputIssue] = []
    parsed: dict[str, _Parsed] = {}
    renamed = {
        name: _renamed(sources[name], table, columns.get(name, {})) for name, table in tables.items() if name in sources
    }
    swapped = [issue for name, source in renamed.items() if (issue := _in_wrong_slot(source, tables[name], tables))]
    for name, table in tables.items():
        if name in sources:
            source = renamed[name]
            issues[name] = []
            parsed[name] = read_table(source, table, zone, issues[name], repairs, warnings, pass_through)
    found = swapped + [issue for name in issues for issue in issues[name]]
    structural = [issue for issue in found if issue.row is None]
    if structural or (strict and found):
        raise InvalidProblemError(found if strict else structural)

    relation: list[InputIssue] = []
    dependents: list[UnplannedOrder] = []
    set_aside = {
        column: {i.entity_id: i for i in issues.get(table, ()) if i.entity_id is not None}
        for column, table in (("technician", "technicians"), ("after", "orders"))
    }
    what = {"technician": "its required technician", "after": "the order it follows"}
    orders_by_id = {o.id: o for o in parsed["orders"].items}
    for issue in relation_issues(*(parsed[name].items if name in parsed else [] for name in tables)):
        rejected = set_aside.get(issue.column or "", {}).get(issue.value or "")
        if rejected is not None and not strict:
            order = orders_by_id[issue.entity_id or ""]
            dependents.append(
                _dependent(order, f"{what[issue.column or '']} {issue.value!r} was set aside ({rejected})")
            )
            continue
        relation.append(
            InputIssue(
                sources[issue.source].name,
                parsed[issue.source].rows.get(issue.entity_id or ""),
                tables[issue.source].column_of(issue.column or "id"),
                issue.message,
                value=issue.value,
                entity_id=issue.entity_id,
                row_kind=sources[issue.source].row_kind,
            )
        )
    if relation and strict:
        raise InvalidProblemError(relation)
    dropped = {i.entity_id for i in relation} | {d.order_id for d in dependents}
    dependents += _followers(parsed["orders"].items, dropped)
    orders = tuple(o for o in parsed["orders"].items if o.id not in dropped)
    technicians = tuple(parsed["technicians"].items)
    if not technicians:
        raise InvalidProblemError(
            [*found, InputIssue(sources["technicians"].name, None, None, "no technician to plan with", row_kind="")]
        )
    try:
        problem = Problem(
            orders=orders,
            technicians=technicians,
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
    return Reading(
        problem,
        tuple(found + relation),
        tuple(repairs),
        tuple(dependents),
        tuple(warnings),
        tuple(orders_by_id[d.order_id] for d in dependents),
    )


def _followers(orders: Sequence[Order], dropped: set[str | None]) -> list[UnplannedOrder]:
    """The orders that follow (``after``), directly or not, an order in ``dropped``, each
    as unplanned for depending on a row set aside; ``dropped`` grows by them."""
    gone = with_followers(orders, {d for d in dropped if d is not None}) - dropped
    dropped |= gone
    return [
        _dependent(o, f"the order it follows, {o.after.order_id!r}, was set aside")
        for o in orders
        if o.id in gone and o.after is not None
    ]


def _dependent(order: Order, detail: str) -> UnplannedOrder:
    """``order`` reported unplanned because a row it depends on was set aside."""
    return UnplannedOrder(
        order_id=order.id, urgency=order.urgency, reason=Reason.DEPENDS_ON_REJECTED_ROW.value, detail=detail
    )


def _in_wrong_slot(source: Source, table: Table, tables: Mapping[str, Table]) -> InputIssue | None:
    """An issue where ``source``, given as ``table``, lacks a required column of it but
    has every required column of another table (``--orders`` and ``--technicians``
    swapped, say); else ``None``."""
    headers = {str(c).strip() for c in source.frame.columns}

    def fits(candidate: Table) -> bool:
        return not candidate.missing(headers)

    if fits(table):
        return None
    for other in tables.values():
        if other is not table and fits(other) and other.id_column in headers:
            return InputIssue(
                source.name,
                None,
                None,
                f"given as the {table.name} table, but its headers are those of the {other.name} table "
                f"({other.id_column}, ...): were the files swapped?",
                row_kind="",
            )
    return None


def _renamed(source: Source, table: Table, names: Mapping[str, str]) -> Source:
    """``source`` with the export's headers named in ``names`` (contract name -> header)
    renamed to the contract's. A header under a contract name that a mapped header
    replaces is kept as ``"<name> (replaced by <header>)"``, so that it is warned about
    as unknown. Raises InvalidProblemError naming an unknown contract column, a header
    the table lacks, or a header mapped twice."""
    if not names:
        return source
    mapping = {ours: str(theirs).strip() for ours, theirs in names.items()}
    known = {c.name for c in table.columns}
    headers = {str(c).strip() for c in source.frame.columns}
    twice = {theirs for theirs in mapping.values() if list(mapping.values()).count(theirs) > 1}
    problems = [
        InputIssue(
            "input.columns", None, f"{table.name}.{ours}", f"not a column of the {table.name} table", row_kind=""
        )
        for ours in mapping
        if ours not in known
    ]
    problems += [
        InputIssue(source.name, None, theirs, f"header not found (mapped to {ours!r} in input.columns)", row_kind="")
        for ours, theirs in mapping.items()
        if ours in known and theirs not in headers
    ]
    problems += [
        InputIssue(
            "input.columns",
            None,
            theirs,
            f"header mapped to more than one column ({', '.join(o for o, t in mapping.items() if t == theirs)})",
            row_kind="",
        )
        for theirs in sorted(twice)
    ]
    if problems:
        raise InvalidProblemError(problems)
    replaced = {ours: f"{ours} (replaced by {theirs})" for ours, theirs in mapping.items() if ours in headers}
    frame = source.frame.rename(columns=lambda c: str(c).strip()).rename(columns=replaced)
    frame = frame.rename(columns={theirs: ours for ours, theirs in mapping.items()})
    return dataclasses.replace(source, frame=frame)


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    out = dict(settings)
    if isinstance(out.get("start"), str):
        with contextlib.suppress(ValueError):  # pydantic reports it with the field name
            out["start"] = dt.date.fromisoformat(out["start"])
    return out


def read_table(
    source: Source,
    table: Table,
    zone: ZoneInfo,
    issues: list[InputIssue],
    repairs: list[Repair] | None = None,
    warnings: list[InputIssue] | None = None,
    declared: Sequence[str] = (),
) -> _Parsed:
    """The rows of ``source`` that become ``table``'s models; every problem found is
    appended to ``issues`` (``row`` None: a problem of the header), every repair to
    ``repairs``, every unknown column to ``warnings`` (and logged). Where ``table``
    passes other columns through, they are kept on each row unchanged, and only those
    not ``declared`` (``input.pass_through``) are warned about."""
    frame = source.frame.rename(columns=lambda c: str(c).strip())
    out = _Parsed()
    issues.extend(source.issues)
    known = [c.name for c in table.columns]
    unknown = [str(c) for c in frame.columns if str(c) not in known]
    header = _header_issues(frame, table)
    header += [
        (
            c.name,
            f"required column is missing{f' (or give {c.unless})' if c.unless else ''}"
            + _did_you_mean(c.name, unknown, "is it"),
        )
        for c in table.missing([str(c) for c in frame.columns])
    ]
    for name, message in header:
        issues.append(InputIssue(source.name, None, name, message, row_kind=source.row_kind))
    kept = list(dict.fromkeys(unknown)) if table.pass_through else []
    fate = "passed through to the outputs" if table.pass_through else "ignored"
    for name in kept:
        if unknown.count(name) > 1:
            warning = InputIssue(
                source.name,
                None,
                name,
                "column appears more than once: only the first is passed through",
                row_kind=source.row_kind,
            )
            logger.warning(str(warning), extra={"event": "unknown_column", "source": source.name, "column": name})
            if warnings is not None:
                warnings.append(warning)
    for name in dict.fromkeys(unknown):
        if name in kept and name in declared:
            continue
        warning = InputIssue(
            source.name, None, name, f"unknown column, {fate}" + _did_you_mean(name, known), row_kind=source.row_kind
        )
        logger.warning(str(warning), extra={"event": "unknown_column", "source": source.name, "column": name})
        if warnings is not None:
            warnings.append(warning)
    if header:
        return out
    present = [c for c in table.columns if c.name in frame.columns]
    records = frame[[c.name for c in present]].to_dict("records")
    where_kept = [[str(c) for c in frame.columns].index(name) for name in kept]
    passed = [dict(zip(kept, row, strict=True)) for row in frame.iloc[:, where_kept].itertuples(index=False)]
    empty = [all(cells.is_blank(value) for value in row) for row in frame.itertuples(index=False)]
    for position, record in enumerate(records):
        if empty[position]:
            continue  # an empty line (a row with cells only in unknown columns is not: its required ones are missing)
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
                value = column.parse(raw, zone)
            except ValueError as error:
                issues.append(
                    InputIssue(**where, column=column.name, message=str(error), value=str(raw), entity_id=entity)
                )
                bad = True
                continue
            values[column.field] = value
            if repairs is not None:
                values[column.field] = _repaired(raw, value, column, where, entity, repairs)
        if bad:
            continue
        if table.pass_through and kept:
            values[table.pass_through] = {name: cells.verbatim(raw) for name, raw in passed[position].items()}
        try:
            item = table.model.model_validate(values)
        except OverflowError:  # a rule computing with a date-time near the calendar's ends
            issues.append(InputIssue(**where, column=None, message="a date-time is out of range", entity_id=entity))
            continue
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


def _repaired(
    raw: Any, value: Any, column: Column, where: dict[str, Any], entity: str | None, repairs: list[Repair]
) -> Any:
    """``value`` (parsed from the cell ``raw``) repaired as ``column`` says; each repair
    that changed something is appended to ``repairs``."""
    place = {**where, "column": column.name, "entity_id": entity}
    text = raw if isinstance(raw, str) else None
    if text is not None and text != text.strip():
        repairs.append(Repair(**place, kind="spaces_trimmed", value=text, repaired=text.strip()))
    if text is not None and column.code and text.strip() != text.strip().lower():
        repairs.append(Repair(**place, kind="case_normalised", value=text.strip(), repaired=text.strip().lower()))
    if column.repair is None:
        return value
    fixed = column.repair.apply(value)
    if fixed != value:
        shown = column.repair.show
        repairs.append(Repair(**place, kind=column.repair.kind, value=shown(value), repaired=shown(fixed)))
    return fixed


def _did_you_mean(name: str, candidates: Sequence[str], question: str = "did you mean") -> str:
    """`` ({question} 'x'?)`` for the candidate nearest to ``name`` (case and ``_`` aside),
    or nothing where none is near."""
    folded = {c.lower().replace("_", "").replace(" ", ""): c for c in candidates}
    key = name.lower().replace("_", "").replace(" ", "")
    near = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    if not near:
        near = [k for k in folded if len(k) >= 3 and (k in key or key in k)][:1]
    return f" ({question} {folded[near[0]]!r}?)" if near else ""


def _header_issues(frame: pd.DataFrame, table: Table) -> list[tuple[str | None, str]]:
    """Known columns named more than once."""
    known = {c.name for c in table.columns}
    counts = Counter(str(c) for c in frame.columns)
    return [(name, "column appears more than once") for name, n in counts.items() if n > 1 and name in known]


def _message(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else message
