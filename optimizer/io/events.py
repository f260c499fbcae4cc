"""Read the events of a re-plan from CSV or JSON (see ``docs/data-contract.md``, "Events").

One row (CSV) or object (JSON: a list, or ``{"events": [...]}``) per event, in columns
``event, time, order_id, technician_id, until``; a ``new_order`` row also carries the
new order's columns of the orders table. Every problem found names the file, row and
column and is raised together, as for the other tables.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io import cells
from optimizer.io.readers import Source, json_source, read_json, read_source, read_table
from optimizer.io.schema import ORDERS
from optimizer.models import Order, Unavailable
from optimizer.models.events import Events, Pin, VisitReport


@dataclass(frozen=True)
class _Kind:
    """What an event row must and may hold."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


KINDS: dict[str, _Kind] = {
    "now": _Kind(("time",)),
    "started": _Kind(("order_id", "time")),
    "done": _Kind(("order_id",), ("time",)),
    "overrun": _Kind(("order_id", "time")),
    "new_order": _Kind(("order_id",)),
    "cancel": _Kind(("order_id",)),
    "unavailable": _Kind(("technician_id", "time"), ("until",)),
    "pin": _Kind(("order_id", "technician_id"), ("time",)),
}
"""Event kinds and their columns (``new_order`` rows take the orders table's columns)."""

_PARSERS = {
    "time": cells.instant,
    "until": cells.instant,
    "order_id": lambda value, _zone: cells.text(value),
    "technician_id": lambda value, _zone: cells.text(value),
}


def read_events(path: str | os.PathLike[str], tz: str) -> Events:
    """The events in a ``.csv`` or ``.json`` file; naive times are local in ``tz``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return events_from_json(read_json(path), path.name, tz)
    return events_from_source(read_source(path), ZoneInfo(tz))


def events_from_frame(frame: pd.DataFrame, tz: str) -> Events:
    """The events in a DataFrame (one row per event); messages name the index label."""
    return events_from_source(Source(frame, "events", "index"), ZoneInfo(tz))


def events_from_json(data: Any, name: str, tz: str) -> Events:
    """The events of parsed JSON ``data`` (a list of event objects, or ``{"events": [...]}``),
    named ``name`` in messages; naive times are local in ``tz``."""
    records = data.get("events") if isinstance(data, dict) else data
    source = json_source(records, name, 'a list of event objects, or {"events": [...]}', columns=["event"])
    return events_from_source(source, ZoneInfo(tz))


def events_from_source(source: Source, zone: ZoneInfo) -> Events:
    """Parse every row; raise one :class:`InvalidProblemError` listing all problems."""
    frame = source.frame.rename(columns=lambda c: str(c).strip())
    issues: list[InputIssue] = list(source.issues)
    if "event" not in frame.columns:
        raise InvalidProblemError(
            [*issues, InputIssue(source.name, None, "event", "required column is missing", row_kind=source.row_kind)]
        )
    fields: dict[str, list[Any]] = defaultdict(list)
    new_rows: list[int] = []
    for position, record in enumerate(frame.to_dict("records")):
        if all(cells.is_blank(v) for v in record.values()):
            continue
        where: dict[str, Any] = {"source": source.name, "row": source.label(position), "row_kind": source.row_kind}
        kind = "" if cells.is_blank(record["event"]) else cells.lowercase(record["event"])
        if kind not in KINDS:
            issues.append(
                InputIssue(
                    **where,
                    column="event",
                    value=str(record["event"]),
                    message=f"unknown event (expected one of {', '.join(KINDS)})",
                )
            )
            continue
        if kind == "new_order":
            new_rows.append(position)
            continue
        values = _values(record, KINDS[kind], zone, where, issues)
        if values is not None:
            fields[kind].append(values)
    new_orders = _new_orders(source, frame, new_rows, zone, issues)
    nows = fields.get("now", [])
    if len(nows) != 1:
        issues.append(
            InputIssue(
                source.name,
                None,
                "event",
                f"needs exactly one 'now' event, found {len(nows)}",
                row_kind=source.row_kind,
            )
        )
    if issues:
        raise InvalidProblemError(issues)
    try:
        return _events(fields, new_orders)
    except ValidationError as error:
        raise InvalidProblemError(
            [InputIssue(source.name, None, None, str(e["msg"]).removeprefix("Value error, ")) for e in error.errors()]
        ) from None


def _values(
    record: dict[Any, Any], kind: _Kind, zone: ZoneInfo, where: dict[str, Any], issues: list[InputIssue]
) -> dict[str, Any] | None:
    """The parsed columns of one event row, or ``None`` (issues added) if some are bad."""
    values: dict[str, Any] = {}
    ok = True
    for column in (*kind.required, *kind.optional):
        raw = record.get(column)
        if raw is None or cells.is_blank(raw):
            if column in kind.required:
                issues.append(InputIssue(**where, column=column, message="value is required for this event"))
                ok = False
            continue
        try:
            values[column] = _PARSERS[column](raw, zone)
        except ValueError as error:
            issues.append(InputIssue(**where, column=column, message=str(error), value=str(raw)))
            ok = False
    return values if ok else None


def _new_orders(
    source: Source, frame: pd.DataFrame, rows: list[int], zone: ZoneInfo, issues: list[InputIssue]
) -> tuple[Order, ...]:
    """The orders of the ``new_order`` rows, read as rows of the orders table."""
    if not rows:
        return ()
    known = [c.name for c in ORDERS.columns if c.name in frame.columns]
    subset = frame.iloc[rows][known].reset_index(drop=True)
    lines = [source.label(r) for r in rows]
    parsed = read_table(Source(subset, source.name, source.row_kind, lines=lines), ORDERS, zone, issues)
    return tuple(parsed.items)


def _events(fields: dict[str, list[Any]], new_orders: tuple[Order, ...]) -> Events:
    """The :class:`Events` of the parsed rows (several reports on one visit merge)."""
    reports: dict[str, dict[str, Any]] = defaultdict(dict)
    for kind, key in (("started", "started"), ("overrun", "ended"), ("done", "ended")):
        for values in fields.get(kind, []):
            report = reports[values["order_id"]]
            if "time" in values:
                report[key] = values["time"]
            report["done"] = report.get("done", False) or kind == "done"
    return Events(
        now=fields["now"][0]["time"],
        visits=tuple(VisitReport(order_id=o, **r) for o, r in reports.items()),
        new_orders=new_orders,
        cancelled=frozenset(v["order_id"] for v in fields.get("cancel", [])),
        unavailable=tuple(
            Unavailable(technician_id=v["technician_id"], start=v["time"], end=v.get("until"))
            for v in fields.get("unavailable", [])
        ),
        pins=tuple(
            Pin(order_id=v["order_id"], technician_id=v["technician_id"], start=v.get("time"))
            for v in fields.get("pin", [])
        ),
    )
