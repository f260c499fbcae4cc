"""Seeded malformed exports, for fuzzing the nightly batch's input policy.

:func:`malformed_export` copies the bundled sample tables (``data/samples``: 150
orders, 12 technicians, 2 depots) into a folder, each as CSV, Excel (``.xlsx``) or
Parquet, and breaks them with one defect from the catalogue :data:`KINDS` (sometimes
with one or two more cell defects on top): corrupted cells of every cell format, wrong
encodings, truncated files, missing, repeated or misspelt headers, duplicate ids,
absurd values, empty tables, Excel and Parquet oddities, extra columns, other
delimiters, whitespace and case variants, repeated windows.

Each :class:`Mutation` says what was done and what the input policy
(``docs/configuration.md``, "Input policy") prescribes for it: the input refused
(exit 2, nothing written), the rows with a bad cell set aside and listed in
``rejected.csv`` (exit 5, or 3 where an urgent order is unplanned), or the benign
defect repaired and everything planned (exit 0 or 3). Where a defect leaves the outcome
open (a file cut inside its header, say), any of these is right; a failure (exit 4),
a traceback or an exception never is. :func:`read_problems` checks
:func:`optimizer.read_tables` against that, :func:`run_plan` runs ``optimizer plan``
in-process and :func:`run_problems` checks what it did.

Seed ``n`` draws the kind ``KINDS[n % len(KINDS)]``, so any ``len(KINDS)``
consecutive seeds cover the catalogue; everything else (table, format, column, row,
value) is drawn from ``random.Random(n)``, and the same seed writes the same bytes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import random
import re
import time
import traceback
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from optimizer.batch import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED
from optimizer.exceptions import InvalidProblemError
from optimizer.io.schema import DEPOTS, ORDERS, TECHNICIANS

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
"""The bundled sample exports the malformed ones are made from."""
START, DAYS, TZ = "2026-11-23", 3, "Europe/Berlin"
"""The sample's horizon: three days from Monday 2026-11-23, in Berlin."""
TABLES = ("orders", "technicians", "depots")
FORMATS = ("csv", "xlsx", "parquet")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet"}

_CONTRACT = {table.name: table for table in (ORDERS, TECHNICIANS, DEPOTS)}
_NUMERIC = tuple(dict.fromkeys(c.name for t in _CONTRACT.values() for c in t.columns if c.numeric))
_REQUIRED = {name: tuple(c.name for c in t.columns if c.required) for name, t in _CONTRACT.items()}
_OPTIONAL = {name: tuple(c.name for c in t.columns if not c.required) for name, t in _CONTRACT.items()}
_ID = {name: t.id_column for name, t in _CONTRACT.items()}
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_URGENT = ("emergency", "high")


# What the generator works on: the tables as rows of cells, and how to write them.


@dataclass
class _Row:
    cells: list[Any]
    bad: bool = False
    """The input policy sets this row aside."""
    maybe: bool = False
    """The row may be set aside (the defect leaves it open)."""
    blank: bool = False
    """An empty line or sheet row: not a record."""
    raw: str | None = None
    """CSV: the line as written, without quoting (blank rows: its look)."""
    encoding: str | None = None
    """CSV: this line's encoding, where it is not the file's."""
    used: bool = False
    """A defect changed this row or depends on it: no other defect picks it."""
    dropped: bool = False
    """Cut off with the end of a truncated file."""


@dataclass
class _Table:
    name: str
    header: list[str]
    rows: list[_Row]
    fmt: str = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    prefix: bytes = b""
    newline: str = "\n"
    quote_all: bool = False
    decimal_comma: bool = False
    write_header: bool = True
    text_numbers: bool = False
    """Excel: numbers stored as text (else as number cells)."""
    excel_dates: bool = False
    """Excel: ``due`` and ``release`` as date cells."""
    sheets_before: int = 0
    sheets_after: int = 0
    parquet_types: str | None = None
    """Parquet: None (every column text), "naive" or "aware" (numbers and date-times typed)."""
    content: bytes | None = None
    """The file's bytes as they are, instead of the table."""
    truncate: str | None = None
    """Cut the file: "line" (inside a data line), "quote" (inside a quoted cell of one),
    "header" (inside the header line) or "bytes" (anywhere)."""
    truncate_row: int = 0
    truncate_at: float = 0.5

    def column(self, name: str) -> int:
        """The position of a column (its first, if named twice)."""
        return self.header.index(name)

    def get(self, row: _Row, name: str) -> Any:
        position = self.column(name)
        return row.cells[position] if position < len(row.cells) else ""

    def put(self, row: _Row, name: str, value: Any) -> None:
        row.cells[self.column(name)] = value

    def records(self) -> list[_Row]:
        """The rows that are records (not blank, not cut off)."""
        return [r for r in self.rows if not r.blank and not r.dropped]

    def add_column(self, name: str, values: Callable[[_Row], Any] = lambda row: "") -> None:
        """A column at the end (a line with a field too many keeps it last)."""
        end = len(self.header)
        self.header.append(name)
        for row in self.rows:
            row.cells.insert(end, "" if row.blank or row.raw is not None else values(row))


class _Skip(Exception):
    """The defect does not apply to this table (no row or column it needs)."""


@dataclass
class _Export:
    rng: random.Random
    tables: dict[str, _Table]
    referenced: list[str]
    """Technician ids some order requires: their rows keep their ids."""
    refused: bool | None = False
    counted: bool = True

    def pick(self, table: _Table, where: Callable[[_Row], bool] | None = None, *, keep_id: bool = False) -> _Row:
        """An unused record of ``table`` (satisfying ``where``), now marked used; with
        ``keep_id``, not a technician some order requires (its id is about to change)."""
        candidates = [
            r
            for r in table.rows
            if not r.used
            and not r.blank
            and r.raw is None
            and len(r.cells) == len(table.header)
            and (where is None or where(r))
            and not (
                keep_id and table.name == "technicians" and _text(table.get(r, _ID["technicians"])) in self.referenced
            )
        ]
        if not candidates:
            raise _Skip
        row = self.rng.choice(candidates)
        row.used = True
        return row


def _text(value: Any) -> str:
    return str(value).strip()


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 48 else f"<{len(str(value))} characters: {shown[:24]}...>"


def _who(table: _Table, row: _Row) -> str:
    name = _ID[table.name]
    return _short(table.get(row, name)) if name in table.header else "?"


# The catalogue.


@dataclass(frozen=True)
class _Kind:
    name: str
    apply: Callable[[_Export, _Table], str]
    tables: tuple[str, ...] = TABLES
    formats: tuple[str, ...] = FORMATS
    combinable: bool = False
    """A cell or row defect that can go with others on the same export."""


_BAD_NUMBER = ("abc", "49.4.2", "12 km", "0x1A", "--5", "five", "1/2", "4 2", "½")
_OUT_OF_RANGE = {
    "lat": ("91", "-90.5", "1e308", "-1e308", "180"),
    "lon": ("181", "-180.5", "1e308", "360"),
    "duration_min": ("-5", "20161", "1e308", "-0.5"),
    "load": ("-2", "-0.001", "-1e308"),
    "capacity": ("-1", "-1e308"),
    "max_overtime_min": ("721", "-1", "99999999", "30.5", "1e308"),
}
_NON_FINITE = ("NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1e400")
_BAD_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    "bad_datetime": {
        "due": ("tomorrow", "2026-11-31", "24.11.2026", "2026-11-24T08:61", "2026-11-24 8am", "46350.5", "2026/11/24"),
        "release": ("next week", "2026-13-01T08:00", "24.11.2026 08:00", "2026-11-24T08:00:99"),
    },
    "bad_windows": {
        "windows": (
            "monday morning",
            "2026-11-24T12:00",
            "2026-11-24T16:00/2026-11-24T12:00",
            "2026-11-24T12:00/2026-11-24T14:00/2026-11-24T16:00",
            "2026-11-24T25:00/2026-11-24T26:00",
            "2026-11-24T12:00-2026-11-24T16:00",
            "2026-11-24T08:00/2026-11-24T12:00;tuesday",
        )
    },
    "bad_levels": {
        "skills": ("hvac:two", "hvac:9", "hvac:0", ":2", "hvac:2.5", "hvac:-1", "hvac:1e308", "hvac:2:3", "gas:nan")
    },
    "bad_quantities": dict.fromkeys(
        ("parts", "van_stock", "stock"),
        ("P-100:many", "P-100:0", "P-100:-3", "P-100:1.5", ":1", "P-100:inf", "P-100:2;P-200:x"),
    ),
    "bad_weekdays": {"workdays": ("Mon;Funday", "Montag", "1;2;3", "Mo-Fr", "Mon,Tue", "weekdays")},
    "bad_clock_interval": dict.fromkeys(
        ("shift", "hours"),
        (
            "8 to 5",
            "17:00-08:00",
            "25:00-26:00",
            "08:00",
            "08:00-17:00-18:00",
            "8.00-17.00",
            "08:60-17:00",
            "08:00-08:00",
        ),
    ),
    "bad_break": {
        "break": (
            "12:00-13:30",
            "12:00-13:30/0",
            "12:00-13:30/999",
            "13:30-12:00/30",
            "12:00-13:30/x",
            "12:00-13:30/30.5",
            "12:00/30",
        )
    },
    "bad_dates": {"absent": ("2026-11-31", "24.11.2026", "tomorrow", "2026-11-24T08:00", "2026-11-24;someday")},
    "bad_code": {
        "type": ("reparatur", "maint enance", "1", "repair!", "service"),
        "urgency": ("asap", "urgent", "p1", "high!", "very high", "0"),
    },
}
_ABSURD = {
    "lat": ("-0", "90", "-90", "0", "4.9e1", "+49.5", "49.0000000000000000000001"),
    "lon": ("-0", "180", "-180", "0", "8.5e0"),
    "duration_min": ("-0", "0", "20160", "0.001", "1e-300"),
    "load": ("-0", "0", "1e308"),
    "capacity": ("-0", "0", "1e308"),
    "max_overtime_min": ("-0", "0", "720", "60.0"),
}
_EXTREME_TIMES = {
    "due": ("0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31", "9999-12-31T23:59-12:00"),
    "release": ("0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:00"),
    "windows": ("0001-01-01T00:00/0001-01-01T08:00", "9999-12-31T08:00/9999-12-31T12:00"),
    "absent": ("0001-01-01;9999-12-31", "9999-12-31"),
}
_PADDING = (" ", "  ", "\xa0", " \t", "\t ")
_NON_ASCII = ("Jürgen Weiß", "Zoë Müller", "François Lefèvre", "Björn Größer", "Ångström Ærø")


def _corrupt(table: _Table, ex: _Export, choices: Mapping[str, Sequence[str]], what: str) -> str:
    """One cell of ``table`` set to a value from ``choices`` (column -> values): its row
    is set aside. An optional column of the contract the table lacks is added (blank)."""
    _add_optional(table, choices)
    columns = [c for c in choices if c in table.header]
    if not columns:
        raise _Skip
    column = ex.rng.choice(columns)
    row = ex.pick(table, keep_id=column == _ID[table.name])
    before = table.get(row, column)
    value = ex.rng.choice(list(choices[column]))
    who = _short(before) if column == _ID[table.name] else _who(table, row)
    table.put(row, column, value)
    row.bad = True
    return f"{what}: {table.name} {who}, {column} {_short(before)} -> {_short(value)}"


def _add_optional(table: _Table, columns: Mapping[str, Any]) -> None:
    """The optional columns of the contract among ``columns`` that ``table`` lacks, added blank."""
    for name in columns:
        if name in _OPTIONAL[table.name] and name not in table.header:
            table.add_column(name)


def _cells(kind: str) -> Callable[[_Export, _Table], str]:
    def apply(ex: _Export, table: _Table) -> str:
        return _corrupt(table, ex, _BAD_CELLS[kind], kind.replace("_", " "))

    return apply


def _bad_number(ex: _Export, table: _Table) -> str:
    return _corrupt(table, ex, dict.fromkeys(_NUMERIC, _BAD_NUMBER), "not a number")


def _out_of_range(ex: _Export, table: _Table) -> str:
    return _corrupt(table, ex, _OUT_OF_RANGE, "out of range")


def _non_finite(ex: _Export, table: _Table) -> str:
    return _corrupt(table, ex, dict.fromkeys(_NUMERIC, _NON_FINITE), "not finite")


def _decimal_comma(ex: _Export, table: _Table) -> str:
    columns = [c for c in _NUMERIC if c in table.header]
    if not columns:
        raise _Skip
    column = ex.rng.choice(columns)
    row = ex.pick(table, lambda r: "." in str(table.get(r, column)))
    before = str(table.get(row, column))
    after = before.replace(".", ",")
    table.put(row, column, after)
    row.bad = True
    return f"decimal comma in a ','-separated table: {table.name} {_who(table, row)}, {column} {before!r} -> {after!r}"


def _blank_required(ex: _Export, table: _Table) -> str:
    return _corrupt(table, ex, dict.fromkeys(_REQUIRED[table.name], ("", "   ", "\xa0")), "required cell blank")


def _duplicate_id(ex: _Export, table: _Table) -> str:
    name = _ID[table.name]
    records = [r for r in table.rows if not r.blank and not r.used and r.raw is None]
    if len(records) < 2:
        raise _Skip
    first = ex.rng.choice(records[:-1])
    later = ex.pick(table, lambda r: table.rows.index(r) > table.rows.index(first), keep_id=True)
    first.used = True
    original = table.get(first, name)
    copy = ex.rng.choice([original, f" {original}", f"{original}  "])
    before = table.get(later, name)
    table.put(later, name, copy)
    later.bad = True
    return f"duplicate id: {table.name} {_short(before)} renamed {_short(copy)}, the id of an earlier row"


def _duplicate_row(ex: _Export, table: _Table) -> str:
    row = ex.pick(table)
    copy = _Row(list(row.cells), bad=True, used=True)
    position = ex.rng.randint(table.rows.index(row) + 1, len(table.rows))
    table.rows.insert(position, copy)
    return f"row repeated: {table.name} {_who(table, row)} appears twice"


def _unknown_technician(ex: _Export, table: _Table) -> str:
    return _corrupt(table, ex, {"technician": ("T-999", "t-01", "T-1", "T 01", "Jonas Becker")}, "unknown technician")


def _release_after_window(ex: _Export, table: _Table) -> str:
    if "windows" not in table.header or "release" not in table.header:
        raise _Skip
    row = ex.pick(table, lambda r: bool(_text(table.get(r, "windows"))))
    last = _text(table.get(row, "windows")).split(";")[-1].split("/")[1]
    release = (dt.datetime.fromisoformat(last) + dt.timedelta(days=1)).isoformat(timespec="minutes")
    table.put(row, "release", release)
    row.bad = True
    return f"release after the last window: {table.name} {_who(table, row)}, release {release}"


def _header_repeated(ex: _Export, table: _Table) -> str:
    position = ex.rng.randint(0, len(table.rows))
    table.rows.insert(position, _Row(list(table.header), bad=True, used=True))
    return f"header line repeated as data row {position + 1} of {table.name}"


def _too_many_fields(ex: _Export, table: _Table) -> str:
    row = ex.pick(table)
    extra = ex.rng.choice(["", "extra", "49.5", " "])
    row.cells.append(extra)
    row.bad = True
    return f"one field too many: {table.name} {_who(table, row)} ends with ,{extra!r}"


def _too_few_fields(ex: _Export, table: _Table) -> str:
    last_required = max(table.column(c) for c in _REQUIRED[table.name])
    row = ex.pick(table)
    keep = ex.rng.randint(1, last_required)
    del row.cells[keep:]
    row.bad = True
    return f"line cut short: {table.name} {_who(table, row)} has only {keep} fields"


def _stray_quote(ex: _Export, table: _Table) -> str:
    columns = [c for c in ("lat", "lon", "duration_min", "shift", "hours") if c in table.header]
    column = ex.rng.choice(columns)
    row = ex.pick(table, lambda r: len(str(table.get(r, column))) >= 2 and not _needs_quotes(r.cells, table.delimiter))
    value = str(table.get(row, column))
    at = ex.rng.randint(1, len(value) - 1)
    table.put(row, column, value[:at] + '"' + value[at:])
    row.raw = table.delimiter.join(map(str, row.cells))
    row.bad = True
    return f"stray quote inside a cell: {table.name} {_who(table, row)}, {column} {table.get(row, column)!r}"


def _needs_quotes(cells: Sequence[Any], delimiter: str) -> bool:
    return any(ch in str(c) for c in cells for ch in (delimiter, '"', "\n", "\r"))


def _blank_row(ex: _Export) -> _Row:
    return _Row([], blank=True, used=True, raw=ex.rng.choice(["", ",,,,,,", "   ", " , , ", ",,"]))


def _blank_rows(ex: _Export, table: _Table) -> str:
    count = ex.rng.randint(1, 3)
    for _ in range(count):
        table.rows.insert(ex.rng.randint(0, len(table.rows)), _blank_row(ex))
    return f"{count} blank rows among the {table.name}"


def _blank_rows_then_bad_cell(ex: _Export, table: _Table) -> str:
    position = ex.rng.randint(0, max(0, len(table.rows) - 1))
    count = ex.rng.randint(1, 3)
    for _ in range(count):
        table.rows.insert(position, _blank_row(ex))
    column = ex.rng.choice([c for c in ("lat", "lon") if c in table.header])
    row = ex.pick(table, lambda r: table.rows.index(r) > position + count - 1)
    value = ex.rng.choice(_BAD_NUMBER)
    table.put(row, column, value)
    row.bad = True
    return f"{count} blank rows, then a bad cell below them: {table.name} {_who(table, row)}, {column} {value!r}"


def _spaces_and_case(ex: _Export, table: _Table) -> str:
    row = ex.pick(table)
    filled = [c for c in table.header if _text(table.get(row, c))]
    changed = []
    for column in ex.rng.sample(filled, min(len(filled), ex.rng.randint(2, 4))):
        value = _text(table.get(row, column))
        if ";" in value and ex.rng.random() < 0.5:
            value = " ; ".join(value.split(";"))
        table.put(row, column, ex.rng.choice(_PADDING) + value + ex.rng.choice(_PADDING))
        changed.append(column)
    for column in ("urgency", "type", "workdays"):
        if column in table.header and _text(table.get(row, column)):
            value = _text(table.get(row, column))
            table.put(row, column, ex.rng.choice([value.upper(), value.title(), value.swapcase()]))
            changed.append(column)
    return f"spaces around cells and codes in other case: {table.name} {_who(table, row)}, {', '.join(changed)}"


def _with_windows(table: _Table, ex: _Export) -> tuple[_Row, list[str]]:
    if "windows" not in table.header:
        raise _Skip
    row = ex.pick(table, lambda r: bool(_text(table.get(r, "windows"))))
    return row, [w.strip() for w in _text(table.get(row, "windows")).split(";") if w.strip()]


def _repeated_windows(ex: _Export, table: _Table) -> str:
    row, windows = _with_windows(table, ex)
    repeated = [*windows, ex.rng.choice(windows)]
    ex.rng.shuffle(repeated)
    table.put(row, "windows", ";".join(repeated))
    return f"a window given twice: {table.name} {_who(table, row)}, windows {';'.join(repeated)}"


def _overlapping_windows(ex: _Export, table: _Table) -> str:
    row, windows = _with_windows(table, ex)
    start, end = (dt.datetime.fromisoformat(t) for t in ex.rng.choice(windows).split("/"))
    shift = dt.timedelta(minutes=ex.rng.choice([15, 30, 60]))
    extra = f"{(start + shift).isoformat(timespec='minutes')}/{(end + shift).isoformat(timespec='minutes')}"
    table.put(row, "windows", ";".join([*windows, extra]))
    return f"overlapping windows: {table.name} {_who(table, row)}, windows {';'.join([*windows, extra])}"


def _absurd_but_valid(ex: _Export, table: _Table) -> str:
    text_columns = [c for c in (_ID[table.name], "name", "tools", "skills") if c in table.header]
    number_columns = [c for c in _ABSURD if c in table.header]
    column = ex.rng.choice(number_columns + text_columns)
    row = ex.pick(table, keep_id=column == _ID[table.name])
    if column in _ABSURD:
        value = ex.rng.choice(_ABSURD[column])
    else:
        size = ex.rng.choice([1000, 5000, 20000])
        value = (f"{table.get(row, column)}-" if column == _ID[table.name] else "") + "x" * size
    who = "row" if column == _ID[table.name] else _who(table, row)
    table.put(row, column, value)
    return f"absurd but valid: {table.name} {who}, {column} {_short(value)}"


def _extreme_datetimes(ex: _Export, table: _Table) -> str:
    _add_optional(table, _EXTREME_TIMES)
    columns = [c for c in _EXTREME_TIMES if c in table.header]
    if not columns:
        raise _Skip
    column = ex.rng.choice(columns)
    row = ex.pick(table)
    value = ex.rng.choice(_EXTREME_TIMES[column])
    table.put(row, column, value)
    row.maybe = True
    return f"date at the end of the calendar: {table.name} {_who(table, row)}, {column} {value!r}"


# Whole-file defects (one per export).


def _zero_bytes(ex: _Export, table: _Table) -> str:
    table.content = b""
    ex.refused = True
    return f"{table.name} file of zero bytes"


def _header_only(ex: _Export, table: _Table) -> str:
    table.rows = []
    ex.refused = table.name == "technicians"
    return f"{table.name} table with its header only"


def _missing_required_column(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice(list(_REQUIRED[table.name]))
    _drop_column(table, column)
    ex.refused = True
    return f"required column {column!r} missing from {table.name}"


def _missing_optional_column(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice([c for c in _OPTIONAL[table.name] if c in table.header])
    _drop_column(table, column)
    return f"optional column {column!r} missing from {table.name}"


def _drop_column(table: _Table, column: str) -> None:
    position = table.column(column)
    del table.header[position]
    for row in table.rows:
        del row.cells[position]


def _repeated_column(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice([c for c in table.header if c in {k.name for k in _CONTRACT[table.name].columns}])
    name = ex.rng.choice([column, f" {column}", f"{column} "])
    position = ex.rng.randint(0, len(table.header))
    source = table.column(column)
    table.header.insert(position, name)
    for row in table.rows:
        row.cells.insert(position, row.cells[source])
    ex.refused = True
    return f"column {column!r} named twice in {table.name} (the copy headed {name!r})"


def _header_missing(ex: _Export, table: _Table) -> str:
    table.write_header = False
    ex.refused = True
    return f"{table.name} without its header line"


def _header_case(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice(list(_REQUIRED[table.name]))
    renamed = ex.rng.choice([column.upper(), column.title(), column.capitalize(), column.replace("_", " ")])
    if renamed == column:
        renamed = column.upper()
    table.header[table.column(column)] = renamed
    ex.refused = True
    return f"required column {column!r} of {table.name} headed {renamed!r}"


def _header_spaces(ex: _Export, table: _Table) -> str:
    chosen = ex.rng.sample(range(len(table.header)), ex.rng.randint(1, 4))
    for position in chosen:
        table.header[position] = (
            ex.rng.choice(["", " ", "\xa0"]) + table.header[position] + ex.rng.choice([" ", "  ", "\xa0"])
        )
    return f"spaces around {len(chosen)} headers of {table.name}"


def _columns_shuffled(ex: _Export, table: _Table) -> str:
    order = list(range(len(table.header)))
    ex.rng.shuffle(order)
    table.header = [table.header[k] for k in order]
    for row in table.rows:
        row.cells = [row.cells[k] for k in order]
    return f"columns of {table.name} in another order: {', '.join(table.header)}"


def _extra_column(ex: _Export, table: _Table) -> str:
    names = ["comment", "Bemerkung", "notes", "Unnamed: 14", "LAT", "order id", "x", "Kunde"]
    if table.fmt != "parquet":
        names.append("")
    added = ex.rng.sample(names, ex.rng.randint(1, 3))
    for name in added:
        table.add_column(name, lambda _row: ex.rng.choice(["", "see ticket", "49.5", "n/a", "Kunde ruft an"]))
    return f"extra columns in {table.name}: {', '.join(map(repr, added))}"


def _truncated(ex: _Export, table: _Table) -> str:
    if table.fmt != "csv":
        table.truncate, table.truncate_at = "bytes", ex.rng.random()
        ex.refused = True
        return f"{table.name} file cut off"
    table.truncate, table.truncate_row, table.truncate_at = "line", ex.rng.randrange(len(table.rows)), ex.rng.random()
    return f"{table.name} file cut off inside data line {table.truncate_row + 1}"


def _truncated_mid_quote(ex: _Export, table: _Table) -> str:
    table.quote_all = True
    table.truncate, table.truncate_row, table.truncate_at = "quote", ex.rng.randrange(len(table.rows)), ex.rng.random()
    return f"{table.name} file (every cell quoted) cut off inside a quoted cell of data line {table.truncate_row + 1}"


def _truncated_header(ex: _Export, table: _Table) -> str:
    table.truncate, table.truncate_at = "header", ex.rng.random()
    ex.refused, ex.counted = None, False
    return f"{table.name} file cut off inside its header line"


def _non_ascii(ex: _Export, table: _Table, count: int) -> list[_Row]:
    """``count`` rows given a non-ASCII name (technicians) or comment (an extra column)."""
    if table.name != "technicians":
        table.add_column("comment")
    rows = ex.rng.sample(table.records(), min(count, len(table.records())))
    for row in rows:
        table.put(row, "name" if table.name == "technicians" else "comment", ex.rng.choice(_NON_ASCII))
    return rows


def _legacy_encoding(ex: _Export, table: _Table) -> str:
    table.encoding = ex.rng.choice(["cp1252", "latin-1"])
    _non_ascii(ex, table, 3)
    return f"{table.name} encoded {table.encoding}, with accented names"


def _mixed_encoding(ex: _Export, table: _Table) -> str:
    legacy = _non_ascii(ex, table, 2)[-1]
    legacy.encoding = "cp1252"
    return f"{table.name} in UTF-8 but for one line in Windows-1252"


def _utf8_bom(ex: _Export, table: _Table) -> str:
    table.prefix = b"\xef\xbb\xbf"
    return f"{table.name} in UTF-8 with a byte-order mark"


def _utf16(ex: _Export, table: _Table) -> str:
    table.encoding, table.prefix = "utf-16-le", b"\xff\xfe"
    table.delimiter = ex.rng.choice([",", "\t"])
    ex.refused = True
    return f"{table.name} in UTF-16 (delimiter {table.delimiter!r})"


def _binary_garbage(ex: _Export, table: _Table) -> str:
    table.content = ex.rng.randbytes(ex.rng.randint(1, 4096))
    ex.refused = True
    return f"{table.name} file of {len(table.content)} random bytes"


def _delimiter(ex: _Export, table: _Table) -> str:
    table.delimiter = ex.rng.choice([";", "\t", "|"])
    table.decimal_comma = table.delimiter == ";" and ex.rng.random() < 0.7
    comma = " with decimal commas" if table.decimal_comma else ""
    return f"{table.name} separated by {table.delimiter!r}{comma}"


def _unquoted_semicolon(ex: _Export, table: _Table) -> str:
    table.delimiter = ";"
    for row in table.rows:
        row.raw = ";".join(map(str, row.cells))
        row.bad = any(";" in str(c) for c in row.cells)
    if table.name == "technicians" and all(r.bad for r in table.rows):
        ex.refused = True
    return f"{table.name} separated by ';' with the list cells unquoted"


def _thousands_separator(ex: _Export, table: _Table) -> str:
    table.delimiter, table.decimal_comma = ";", True
    column = "duration_min" if table.name == "orders" else "capacity"
    row = ex.pick(table)
    value = ex.rng.choice(["1.234,5", "2.500,0", "1.000,25"])
    table.put(row, column, value)
    row.bad = True
    return f"';'-separated {table.name} with a thousands separator: {_who(table, row)}, {column} {value!r}"


def _line_endings(ex: _Export, table: _Table) -> str:
    table.newline = ex.rng.choice(["\r\n", "\r"])
    return f"{table.name} with {table.newline!r} line endings"


def _multiline_cell(ex: _Export, table: _Table) -> str:
    table.add_column("comment")
    rows = table.records()
    first = ex.rng.randrange(len(rows) - 1)
    text = "\n".join(ex.rng.choice(["Kunde ruft an", "Hund im Hof", "Tor 3", "bitte klingeln"]) for _ in range(3))
    table.put(rows[first], "comment", text)
    rows[first].used = True
    row = ex.pick(table, lambda r: table.rows.index(r) > table.rows.index(rows[first]))
    column = ex.rng.choice(["lat", "lon"])
    table.put(row, column, ex.rng.choice(_BAD_NUMBER))
    row.bad = True
    return f"a comment over three lines in {table.name}, then a bad {column} in {_who(table, row)}"


def _quote_all(ex: _Export, table: _Table) -> str:
    table.quote_all = True
    return f"every cell of {table.name} quoted"


def _unclosed_quote(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice([c for c in ("lat", "lon") if c in table.header])
    row = ex.pick(table, lambda r: not _needs_quotes(r.cells, table.delimiter))
    table.put(row, column, '"' + str(table.get(row, column)))
    row.raw = table.delimiter.join(map(str, row.cells))
    row.bad = True
    ex.refused = None
    return f"a quote opened and never closed: {table.name} {_who(table, row)}, {column} {table.get(row, column)!r}"


def _oversized_cell(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice(["comment", "tools"] + (["name"] if table.name == "technicians" else []))
    if column == "comment":
        table.add_column("comment")
    row = ex.pick(table)
    size = ex.rng.randint(140_000, 200_000)
    table.put(row, column, "y" * size)
    row.maybe = True
    return f"a cell of {size} characters: {table.name} {_who(table, row)}, {column}"


def _all_technicians_bad(ex: _Export, table: _Table) -> str:
    for row in table.records():
        table.put(row, "shift", ex.rng.choice(_BAD_CELLS["bad_clock_interval"]["shift"]))
        row.bad = True
    ex.refused = True
    return "every technician with a bad shift"


def _bad_deliveries(ex: _Export, table: _Table) -> str:
    if "incoming" not in table.header:
        table.add_column("incoming")
    row = ex.pick(table)
    value = ex.rng.choice(
        ["P-100:5", "P-100:5@someday", "@2026-11-24T10:00", "P-100:0@2026-11-24T10:00", "P-100:x@2026-11-24T10:00"]
    )
    table.put(row, "incoming", value)
    row.bad = True
    return f"bad deliveries: {table.name} {_who(table, row)}, incoming {value!r}"


def _excel_numbers_as_text(ex: _Export, table: _Table) -> str:
    table.text_numbers = True
    return f"numbers of {table.name} stored as text"


def _excel_dates(ex: _Export, table: _Table) -> str:
    table.excel_dates = True
    return f"due and release of {table.name} as Excel date cells"


def _excel_serial_date(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice(["due", "release"])
    row = ex.pick(table, lambda r: not _text(table.get(r, "windows")))
    day = dt.date(2026, 11, 23) + dt.timedelta(days=ex.rng.randint(0, 2))
    serial = (day - dt.date(1899, 12, 30)).days + ex.rng.choice([0.0, 0.5, 0.75])
    table.put(row, column, serial)
    row.bad = True
    return f"a date as an Excel serial number: {table.name} {_who(table, row)}, {column} {serial}"


def _excel_extra_sheets(ex: _Export, table: _Table) -> str:
    table.sheets_after = ex.rng.randint(1, 3)
    return f"{table.sheets_after} more sheets after the {table.name} sheet"


def _excel_sheet_order(ex: _Export, table: _Table) -> str:
    table.sheets_before = 1
    ex.refused = True
    return f"a notes sheet before the {table.name} sheet"


def _excel_formula(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice([c for c in ("lat", "lon", "duration_min") if c in table.header])
    row = ex.pick(table)
    formula = ex.rng.choice(["=49+0.5", "=B2*2", "=SUM(C2:C3)", "=1/0"])
    table.put(row, column, formula)
    row.bad = True
    return f"a formula without a cached value: {table.name} {_who(table, row)}, {column} {formula!r}"


def _excel_error_cell(ex: _Export, table: _Table) -> str:
    column = ex.rng.choice([c for c in _NUMERIC if c in table.header])
    row = ex.pick(table)
    error = ex.rng.choice(["#VALUE!", "#N/A", "#DIV/0!", "#REF!", "#NUM!"])
    table.put(row, column, error)
    row.bad = True
    return f"an Excel error cell: {table.name} {_who(table, row)}, {column} {error}"


def _excel_not_a_workbook(ex: _Export, table: _Table) -> str:
    variant = ex.rng.choice(["csv", "zip", "empty"])
    if variant == "csv":
        table.content = _csv_bytes(table)[0]
    elif variant == "zip":
        table.content = _zip_bytes({"readme.txt": b"this is not a workbook\n"})
    else:
        table.header, table.rows = [], []
    ex.refused = True
    return {
        "csv": f"{table.name}.xlsx holding CSV text",
        "zip": f"{table.name}.xlsx a zip archive without a workbook",
        "empty": f"{table.name}.xlsx with an empty sheet",
    }[variant]


def _parquet_typed(ex: _Export, table: _Table) -> str:
    table.parquet_types = ex.rng.choice(["naive", "aware"])
    return f"{table.name} with typed columns (numbers, {table.parquet_types} timestamps)"


def _parquet_non_finite(ex: _Export, table: _Table) -> str:
    table.parquet_types = "naive"
    column = ex.rng.choice([c for c in ("lat", "lon", "duration_min") if c in table.header])
    row = ex.pick(table)
    value = ex.rng.choice([math.inf, -math.inf, math.nan])
    table.put(row, column, value)
    row.bad = True
    return f"a typed non-finite number: {table.name} {_who(table, row)}, {column} {value}"


KINDS: tuple[_Kind, ...] = (
    _Kind("bad_number", _bad_number, combinable=True),
    _Kind("out_of_range", _out_of_range, combinable=True),
    _Kind("non_finite", _non_finite, combinable=True),
    _Kind("decimal_comma", _decimal_comma, combinable=True),
    _Kind("bad_datetime", _cells("bad_datetime"), ("orders",), combinable=True),
    _Kind("bad_windows", _cells("bad_windows"), ("orders",), combinable=True),
    _Kind("bad_levels", _cells("bad_levels"), ("orders", "technicians"), combinable=True),
    _Kind("bad_quantities", _cells("bad_quantities"), combinable=True),
    _Kind("bad_weekdays", _cells("bad_weekdays"), ("technicians",), combinable=True),
    _Kind("bad_clock_interval", _cells("bad_clock_interval"), ("technicians", "depots"), combinable=True),
    _Kind("bad_break", _cells("bad_break"), ("technicians",), combinable=True),
    _Kind("bad_dates", _cells("bad_dates"), ("technicians",), combinable=True),
    _Kind("bad_code", _cells("bad_code"), ("orders",), combinable=True),
    _Kind("bad_deliveries", _bad_deliveries, ("depots",)),
    _Kind("blank_required", _blank_required, combinable=True),
    _Kind("duplicate_id", _duplicate_id, combinable=True),
    _Kind("duplicate_row", _duplicate_row, combinable=True),
    _Kind("unknown_technician", _unknown_technician, ("orders",), combinable=True),
    _Kind("release_after_window", _release_after_window, ("orders",), combinable=True),
    _Kind("header_repeated", _header_repeated, combinable=True),
    _Kind("too_many_fields", _too_many_fields, formats=("csv",), combinable=True),
    _Kind("too_few_fields", _too_few_fields, formats=("csv",), combinable=True),
    _Kind("stray_quote", _stray_quote, formats=("csv",), combinable=True),
    _Kind("blank_rows", _blank_rows, combinable=True),
    _Kind("blank_rows_then_bad_cell", _blank_rows_then_bad_cell, combinable=True),
    _Kind("spaces_and_case", _spaces_and_case, combinable=True),
    _Kind("repeated_windows", _repeated_windows, ("orders",), combinable=True),
    _Kind("overlapping_windows", _overlapping_windows, ("orders",), combinable=True),
    _Kind("absurd_but_valid", _absurd_but_valid, combinable=True),
    _Kind("extreme_datetimes", _extreme_datetimes, ("orders", "technicians"), combinable=True),
    _Kind("zero_bytes", _zero_bytes),
    _Kind("header_only", _header_only),
    _Kind("missing_required_column", _missing_required_column),
    _Kind("missing_optional_column", _missing_optional_column),
    _Kind("repeated_column", _repeated_column, formats=("csv", "xlsx")),
    _Kind("header_missing", _header_missing, formats=("csv", "xlsx")),
    _Kind("header_case", _header_case),
    _Kind("header_spaces", _header_spaces),
    _Kind("columns_shuffled", _columns_shuffled),
    _Kind("extra_column", _extra_column),
    _Kind("truncated", _truncated),
    _Kind("truncated_mid_quote", _truncated_mid_quote, formats=("csv",)),
    _Kind("truncated_header", _truncated_header, formats=("csv",)),
    _Kind("legacy_encoding", _legacy_encoding, formats=("csv",)),
    _Kind("mixed_encoding", _mixed_encoding, formats=("csv",)),
    _Kind("utf8_bom", _utf8_bom, formats=("csv",)),
    _Kind("utf16", _utf16, formats=("csv",)),
    _Kind("binary_garbage", _binary_garbage),
    _Kind("delimiter", _delimiter, formats=("csv",)),
    _Kind("unquoted_semicolon", _unquoted_semicolon, formats=("csv",)),
    _Kind("thousands_separator", _thousands_separator, ("orders", "technicians"), formats=("csv",)),
    _Kind("line_endings", _line_endings, formats=("csv",)),
    _Kind("multiline_cell", _multiline_cell),
    _Kind("quote_all", _quote_all, formats=("csv",)),
    _Kind("unclosed_quote", _unclosed_quote, formats=("csv",)),
    _Kind("oversized_cell", _oversized_cell, formats=("csv",)),
    _Kind("all_technicians_bad", _all_technicians_bad, ("technicians",)),
    _Kind("excel_numbers_as_text", _excel_numbers_as_text, formats=("xlsx",)),
    _Kind("excel_dates", _excel_dates, ("orders",), formats=("xlsx",)),
    _Kind("excel_serial_date", _excel_serial_date, ("orders",), formats=("xlsx",)),
    _Kind("excel_extra_sheets", _excel_extra_sheets, formats=("xlsx",)),
    _Kind("excel_sheet_order", _excel_sheet_order, formats=("xlsx",)),
    _Kind("excel_formula", _excel_formula, formats=("xlsx",)),
    _Kind("excel_error_cell", _excel_error_cell, formats=("xlsx",)),
    _Kind("excel_not_a_workbook", _excel_not_a_workbook, formats=("xlsx",)),
    _Kind("parquet_typed", _parquet_typed, formats=("parquet",)),
    _Kind("parquet_non_finite", _parquet_non_finite, formats=("parquet",)),
)
"""The catalogue of defects, in the order seeds draw them."""

KIND_NAMES = tuple(k.name for k in KINDS)


# Writing the tables.


def _csv_line(cells: Sequence[Any], delimiter: str, quote_all: bool) -> str:
    buffer = io.StringIO()
    if quote_all:
        csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerow(cells)
    else:
        csv.writer(buffer, delimiter=delimiter).writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def _csv_cells(table: _Table, row: _Row) -> list[Any]:
    if not table.decimal_comma:
        return row.cells
    numeric = {k for k, name in enumerate(table.header) if name.strip() in _NUMERIC}
    return [
        str(c).replace(".", ",") if k in numeric and re.fullmatch(r"-?\d+\.\d+", str(c)) else c
        for k, c in enumerate(row.cells)
    ]


def _csv_bytes(table: _Table) -> tuple[bytes, list[int], list[tuple[int, int]], tuple[int, int]]:
    """The file's bytes, each row's line number (as the reader names it), each row's
    span of bytes (without its line break) and the header line's span."""
    parts, size, line = [table.prefix], len(table.prefix), 1
    header_span = (size, size)
    if table.write_header:
        text = _csv_line(table.header, table.delimiter, table.quote_all)
        body, end = text.encode(table.encoding), table.newline.encode(table.encoding)
        header_span = (size, size + len(body))
        parts += [body, end]
        size += len(body) + len(end)
        line += len(_LINE_BREAK.findall(text + table.newline))
    labels, spans = [], []
    for row in table.rows:
        text = row.raw if row.raw is not None else _csv_line(_csv_cells(table, row), table.delimiter, table.quote_all)
        encoding = row.encoding or table.encoding
        body, end = text.encode(encoding), table.newline.encode(encoding)
        labels.append(line)
        spans.append((size, size + len(body)))
        parts += [body, end]
        size += len(body) + len(end)
        line += len(_LINE_BREAK.findall(text + table.newline))
    return b"".join(parts), labels, spans, header_span


def _truncated_csv(table: _Table, data: bytes, spans: list[tuple[int, int]], header: tuple[int, int]) -> bytes:
    """``data`` cut as ``table.truncate`` says; the rows after the cut are dropped and
    the row cut in two may be set aside."""
    if table.truncate == "header":
        start, end = header
        return data[: start + 1 + int(table.truncate_at * max(1, end - start - 1))]
    start, end = spans[table.truncate_row]
    if table.truncate == "quote":
        quotes = [start + k for k, byte in enumerate(data[start:end]) if byte == ord('"')]
        # at least one character of the line's first cell, else the line left is blank
        inside = [p for a, b in zip(quotes[::2], quotes[1::2]) for p in range(a + 1, b) if p > start + 1]
        cut = inside[int(table.truncate_at * len(inside))]
    else:
        cut = start + 1 + int(table.truncate_at * (end - start - 1))
    for position, row in enumerate(table.rows):
        if position > table.truncate_row:
            row.dropped = True
        elif position == table.truncate_row:
            row.maybe = True
    return data[:cut]


def _excel_cell(table: _Table, column: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    if column.strip() in _NUMERIC and not table.text_numbers and _PLAIN_NUMBER.match(value):
        number = float(value)
        if math.isfinite(number):
            return int(number) if re.fullmatch(r"[-+]?\d{1,15}", value) else number
    if table.excel_dates and column.strip() in ("due", "release"):
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(value)
    return value


def _zip_bytes(entries: Mapping[str, bytes]) -> bytes:
    """A zip archive of ``entries`` with fixed dates, so the same entries give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _xlsx_bytes(table: _Table) -> tuple[bytes, list[int]]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    for k in range(table.sheets_before):
        notes = book.create_sheet(f"Info {k + 1}", 0)
        notes.append(["Export", "nightly"])
        notes.append(["rows", len(table.rows)])
    number = 0
    if table.write_header and table.header:
        sheet.append(list(table.header))
        number = 1
    labels = []
    for row in table.rows:
        number += 1
        labels.append(number)
        if row.blank:
            sheet.append([])
            if row.raw and len(table.header) > 1:
                sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(table.header))
            continue
        sheet.append(
            [_excel_cell(table, table.header[k] if k < len(table.header) else "", c) for k, c in enumerate(row.cells)]
        )
    for k in range(table.sheets_after):
        extra = book.create_sheet(f"Sheet{k + 2}")
        extra.append(["summary", "value"])
        extra.append(["orders", 150])
        extra.append(["exported", "2026-11-22T23:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    core = "docProps/core.xml"
    if core in entries:
        entries[core] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", entries[core])
    return _zip_bytes(entries), labels


def _parquet_bytes(table: _Table) -> tuple[bytes, list[int]]:
    import pandas as pd

    records = [[None] * len(table.header) if r.blank else [None if c == "" else c for c in r.cells] for r in table.rows]
    frame = pd.DataFrame(records, columns=table.header, dtype=object)
    if table.parquet_types is not None:
        for column in table.header:
            if column in _NUMERIC:
                frame[column] = [math.nan if v is None else float(v) for v in frame[column]]
            elif column in ("due", "release"):
                stamps = pd.to_datetime(frame[column])
                if table.parquet_types == "aware":
                    stamps = stamps.dt.tz_localize(TZ).dt.tz_convert("UTC")
                frame[column] = stamps
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue(), list(range(1, len(table.rows) + 1))


def _written(table: _Table, path: Path) -> list[int]:
    """Write ``table`` to ``path`` in its format; each row's number as the reader names it."""
    if table.content is not None:
        path.write_bytes(table.content)
        return list(range(len(table.rows)))
    if table.fmt == "csv":
        data, labels, spans, header = _csv_bytes(table)
        if table.truncate is not None:
            data = _truncated_csv(table, data, spans, header)
    elif table.fmt == "xlsx":
        data, labels = _xlsx_bytes(table)
    else:
        data, labels = _parquet_bytes(table)
    if table.truncate == "bytes":
        data = data[: 1 + int(table.truncate_at * (len(data) - 2))]
    path.write_bytes(data)
    return labels


@lru_cache(maxsize=4)
def _sample(path: Path) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return tuple(header), tuple(tuple(r) for r in rows)


# What a mutation is, and how to check what the reader and the batch did with it.


@dataclass(frozen=True)
class Defect:
    """One defect: its ``kind`` (a name of :data:`KINDS`), the table it is in, and what
    was done, in words."""

    kind: str
    table: str
    description: str


@dataclass(frozen=True)
class Mutation:
    """A malformed export: what was broken, where the three files are, and what the input
    policy prescribes.

    ``refused`` is True where the input must be refused (exit 2), False where it must be
    read, None where either is right. ``rows`` are the rows (file name, row as the
    reader names it) that must be set aside, ``optional_rows`` those that may be.
    ``records`` counts, per table, the rows of the file that are records (not blank):
    each must be read or set aside, none silently lost (None where it is open).
    """

    seed: int
    defects: tuple[Defect, ...]
    paths: Mapping[str, Path]
    refused: bool | None
    rows: frozenset[tuple[str, int]] = frozenset()
    optional_rows: frozenset[tuple[str, int]] = frozenset()
    records: Mapping[str, int] | None = None

    @property
    def kind(self) -> str:
        """The defect's kind, or "combined" for several."""
        return self.defects[0].kind if len(self.defects) == 1 else "combined"

    @property
    def table(self) -> str:
        """The table of the (first) defect."""
        return self.defects[0].table

    @property
    def file(self) -> Path:
        """The file of the (first) defect."""
        return self.paths[self.table]

    @property
    def description(self) -> str:
        return "; ".join(d.description for d in self.defects)

    @property
    def expect(self) -> str:
        """The outcome in a word: refused, set_aside, planned, planned_or_set_aside or any."""
        if self.refused:
            return "refused"
        read = "set_aside" if self.rows else "planned_or_set_aside" if self.optional_rows else "planned"
        return read if self.refused is False else "any"

    @property
    def exit_codes(self) -> frozenset[int]:
        """The exit codes of ``optimizer plan`` the input policy allows."""
        if self.refused:
            return frozenset({EXIT_INVALID_INPUT})
        if self.rows:
            codes = {EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED}
        elif self.optional_rows:
            codes = {EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED}
        else:
            codes = {EXIT_OK, EXIT_URGENT_UNPLANNED}
        return frozenset(codes | ({EXIT_INVALID_INPUT} if self.refused is None else set()))

    def plan_args(self, out: Path, *flags: str) -> list[str]:
        """The arguments of ``optimizer plan`` for these files over the sample's horizon,
        writing to ``out`` (``flags`` appended, e.g. the solver)."""
        return [
            "plan",
            "--orders",
            str(self.paths["orders"]),
            "--technicians",
            str(self.paths["technicians"]),
            "--depots",
            str(self.paths["depots"]),
            "--start",
            START,
            "--days",
            str(DAYS),
            "--tz",
            TZ,
            "--out",
            str(out),
            *flags,
        ]

    def __str__(self) -> str:
        files = ", ".join(p.name for p in self.paths.values())
        return f"seed {self.seed}, {self.kind} ({files}): {self.description}; expected {self.expect}"


def malformed_export(
    seed: int,
    folder: Path,
    *,
    kind: str | None = None,
    table: str | None = None,
    combine: bool = True,
    samples: Path = SAMPLES,
) -> Mutation:
    """Write the sample tables into ``folder`` (created if need be), broken as ``seed``
    draws, and say how.

    The kind of defect is ``KINDS[seed % len(KINDS)]`` unless ``kind`` names one; the
    table it breaks is drawn among those the kind applies to unless ``table`` names it.
    The broken table's format (``.csv``, ``.xlsx`` or ``.parquet``) is drawn among those
    the kind applies to, the other tables' too (mostly CSV). A cell or row defect is
    joined by one or two more on a quarter of the seeds (unless ``combine`` is False).
    Same seed, same bytes. ``samples`` is the folder of the unbroken tables.
    """
    rng = random.Random(seed)
    chosen = _kind(kind) if kind is not None else KINDS[seed % len(KINDS)]
    if table is not None and table not in chosen.tables:
        raise ValueError(f"{chosen.name} does not apply to the {table} table (only {', '.join(chosen.tables)})")
    for _attempt in range(20):
        target = table or rng.choice(chosen.tables)
        formats = {name: rng.choices(FORMATS, weights=(0.7, 0.15, 0.15))[0] for name in TABLES}
        formats[target] = rng.choices(chosen.formats, weights=[{"csv": 0.6}.get(f, 0.2) for f in chosen.formats])[0]
        ex = _fresh(rng, samples, formats)
        try:
            defects = [Defect(chosen.name, target, chosen.apply(ex, ex.tables[target]))]
        except _Skip:
            continue
        break
    else:
        raise ValueError(f"{chosen.name} found nothing to break in {samples}")
    if chosen.combinable and rng.random() < 0.25 and combine:
        for _ in range(rng.randint(1, 2)):
            extra = rng.choice([k for k in KINDS if k.combinable])
            options = [t for t in extra.tables if ex.tables[t].fmt in extra.formats]
            if not options:
                continue
            name = rng.choice(options)
            with contextlib.suppress(_Skip):
                defects.append(Defect(extra.name, name, extra.apply(ex, ex.tables[name])))
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    rows_bad: set[tuple[str, int]] = set()
    rows_maybe: set[tuple[str, int]] = set()
    records: dict[str, int] = {}
    labels = {}
    for name, written in ex.tables.items():
        paths[name] = folder / f"{name}{SUFFIXES[written.fmt]}"
        labels[name] = _written(written, paths[name])
    technicians, orders = ex.tables["technicians"], ex.tables["orders"]
    if technicians.truncate is not None:  # orders requiring a technician cut off may be set aside
        cut = {_text(technicians.get(r, _ID["technicians"])) for r in technicians.rows if r.dropped or r.maybe}
        for row in orders.rows:
            row.maybe = row.maybe or _text(orders.get(row, "technician")) in cut
        if all(r.dropped or r.maybe for r in technicians.rows):  # perhaps no technician left
            ex.refused = None
    for name, written in ex.tables.items():
        path = paths[name]
        for row, label in zip(written.rows, labels[name]):
            if row.dropped:
                continue
            if row.bad:
                rows_bad.add((path.name, label))
            elif row.maybe:
                rows_maybe.add((path.name, label))
        records[name] = len(written.records())
    return Mutation(
        seed,
        tuple(defects),
        paths,
        ex.refused,
        frozenset(rows_bad),
        frozenset(rows_maybe),
        records if ex.counted else None,
    )


def _fresh(rng: random.Random, samples: Path, formats: Mapping[str, str]) -> _Export:
    """The sample tables, unbroken, each in its format."""
    ex = _Export(rng, {}, [])
    for name in TABLES:
        header, rows = _sample(samples / f"{name}.csv")
        ex.tables[name] = _Table(name, list(header), [_Row(list(r)) for r in rows], fmt=formats[name])
    orders = ex.tables["orders"]
    ex.referenced = sorted({_text(orders.get(r, "technician")) for r in orders.rows} - {""})
    return ex


def _kind(name: str) -> _Kind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown kind {name!r} (one of {', '.join(KIND_NAMES)})")


def _row_problems(mutation: Mutation, rejected: set[tuple[str, str]]) -> list[str]:
    """What is wrong with the rows set aside (file name, row as text)."""
    required = {(f, str(r)) for f, r in mutation.rows}
    allowed = required | {(f, str(r)) for f, r in mutation.optional_rows}
    problems = []
    missing = sorted(required - rejected)
    if missing:
        problems.append(f"rows not set aside: {missing[:10]}")
    extra = sorted(rejected - allowed)
    if extra:
        problems.append(f"rows set aside that should not be: {extra[:10]}")
    return problems


def read_problems(mutation: Mutation) -> list[str]:
    """What :func:`optimizer.read_tables` did wrong with ``mutation`` (empty: nothing).

    It must refuse the input (InvalidProblemError naming the broken file) or read it as
    ``mutation`` says; with rows set aside, the strict reading must refuse it; every
    record must be read or set aside; any other exception is wrong."""
    from optimizer.io import read_tables

    paths = [mutation.paths[name] for name in TABLES]
    try:
        reading = read_tables(*paths, start=START, days=DAYS, tz=TZ)
    except InvalidProblemError as error:
        if mutation.refused is False:
            return [f"refused, expected {mutation.expect}: {str(error).splitlines()[1:4]}"]
        if mutation.refused and mutation.file.name not in str(error):
            return [f"refused without naming {mutation.file.name}: {error}"]
        return []
    except Exception as error:  # noqa: BLE001 - any other exception is the finding
        return [f"read_tables raised {type(error).__name__}: {error}\n{traceback.format_exc(limit=-3)}"]
    if mutation.refused:
        return [f"read ({len(reading.rejected)} issues), expected refused"]
    rejected = {(i.source, str(i.row)) for i in reading.rejected}
    problems = _row_problems(mutation, rejected)
    if mutation.records is not None:
        problem = reading.problem
        read = {
            "orders": len(problem.orders) + len(reading.dependents),
            "technicians": len(problem.technicians),
            "depots": len(problem.depots),
        }
        for name, path in mutation.paths.items():
            aside = len({row for source, row in rejected if source == path.name})
            if read[name] + aside != mutation.records[name]:
                problems.append(
                    f"{path.name}: {mutation.records[name]} records, but {read[name]} read and {aside} set aside"
                )
    if reading.rejected:
        try:
            read_tables(*paths, strict=True, start=START, days=DAYS, tz=TZ)
            problems.append("strict reading accepted rows that are set aside otherwise")
        except InvalidProblemError:
            pass
    return problems


@dataclass(frozen=True)
class PlanRun:
    """What ``optimizer plan`` did: its exit code (None: an exception escaped ``main``,
    its traceback is then in ``stderr``), what it printed, and how long it took."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float

    def tail(self, lines: int = 3) -> str:
        """The last lines of stderr."""
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def run_plan(mutation: Mutation, out: Path, *flags: str) -> PlanRun:
    """Run ``optimizer plan`` on ``mutation``'s files in this process, writing to
    ``out``; ``flags`` are appended (e.g. ``--solver insertion --time-limit 1``)."""
    from optimizer.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    code: int | None = None
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(mutation.plan_args(out, *flags))
        except SystemExit as error:
            code = error.code if isinstance(error.code, int) else EXIT_INVALID_INPUT
        except Exception:  # noqa: BLE001 - an exception escaping main is the finding
            traceback.print_exc()
    return PlanRun(code, stdout.getvalue(), stderr.getvalue(), time.perf_counter() - began)


def run_problems(mutation: Mutation, run: PlanRun, out: Path) -> list[str]:
    """What ``optimizer plan`` did wrong with ``mutation`` (empty: nothing): an exception
    or a traceback, exit 4, an exit code the input policy does not allow, something
    written on exit 2, a plan folder without its files, the wrong rows in
    ``rejected.csv``, exit 3 without an urgent order unplanned or the other way round."""
    import pandas as pd

    if run.code is None:
        return [f"an exception escaped main: {run.tail()}"]
    problems = []
    if "Traceback" in run.stderr:
        problems.append(f"a traceback on stderr: {run.tail()}")
    if run.code == EXIT_FAILURE:
        problems.append(f"exit 4 (internal failure): {run.tail()}")
    if run.code not in mutation.exit_codes:
        problems.append(f"exit {run.code}, expected {mutation.expect} {sorted(mutation.exit_codes)}: {run.tail()}")
    staging = sorted(p.name for p in out.parent.glob(f".{out.name}.*"))
    if staging:
        problems.append(f"staging folders left behind: {staging}")
    if run.code == EXIT_INVALID_INPUT:
        if out.exists():
            problems.append(f"exit 2, but {out} was written")
        if "invalid input" not in run.stderr:
            problems.append(f"exit 2 without 'invalid input' on stderr: {run.tail()}")
        return problems
    if run.code not in (EXIT_OK, EXIT_URGENT_UNPLANNED, EXIT_ROWS_SET_ASIDE):
        return problems
    missing = [name for name in ("visits.csv", "unassigned.csv", "rejected.csv") if not (out / name).is_file()]
    if missing:
        return [*problems, f"exit {run.code}, but the plan folder lacks {missing}"]
    table = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    rejected = set(zip(table["file"], table["row"]))
    if run.code == EXIT_ROWS_SET_ASIDE and not rejected:
        problems.append("exit 5, but rejected.csv lists no row")
    if run.code == EXIT_OK and rejected:
        problems.append(f"exit 0, but rejected.csv lists {len(rejected)} rows")
    problems += _row_problems(mutation, rejected)
    unassigned = pd.read_csv(out / "unassigned.csv", dtype=str, keep_default_na=False)
    urgent = unassigned["urgency"].isin(_URGENT) & (unassigned["reason"] != "after_horizon")
    if (run.code == EXIT_URGENT_UNPLANNED) != bool(urgent.any()):
        problems.append(f"exit {run.code}, but {int(urgent.sum())} urgent orders are unplanned")
    if mutation.records is not None and (out / "problem.json").is_file():
        planned = json.loads((out / "problem.json").read_text(encoding="utf-8"))
        dependents = int((unassigned["reason"] == "depends_on_rejected_row").sum())
        for name, path in mutation.paths.items():
            read = len(planned[name]) + (dependents if name == "orders" else 0)
            aside = len({row for source, row in rejected if source == path.name})
            if read + aside != mutation.records[name]:
                problems.append(
                    f"{path.name}: {mutation.records[name]} records, but {read} planned and {aside} set aside"
                )
    return problems


__all__ = [
    "DAYS",
    "FORMATS",
    "KINDS",
    "KIND_NAMES",
    "SAMPLES",
    "START",
    "TABLES",
    "TZ",
    "Defect",
    "Mutation",
    "PlanRun",
    "malformed_export",
    "read_problems",
    "run_plan",
    "run_problems",
]
