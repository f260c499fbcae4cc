"""Single orders in the contract's columns, outside an orders export: the order a
customer calls about (``optimizer offer --order FILE``, the service's ``POST /offers``).

A file is a CSV, Parquet or Excel table of the orders table's columns, or a JSON
object of them (or a list of such objects, or ``{"orders": [...]}``); cells take the
same text as in an export (``"windows": "2026-11-24T08:00/2026-11-24T12:00"``,
``"skills": "hvac:2"``), and JSON numbers and booleans are welcome where the column is
one. Every problem is raised together, naming the file or body, the row and the column.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io.readers import Source, json_source, read_json, read_source, read_table
from optimizer.io.schema import ORDERS
from optimizer.models import Order


def read_orders(path: str | os.PathLike[str], tz: str) -> tuple[Order, ...]:
    """The orders in a table file or a JSON file; naive times are local in ``tz``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return orders_from_json(read_json(path), path.name, tz)
    return _orders(read_source(path), tz)


def orders_from_json(data: Any, name: str, tz: str) -> tuple[Order, ...]:
    """The orders of parsed JSON ``data`` (an object, a list of objects, or
    ``{"orders": [...]}``), named ``name`` in messages."""
    records = data.get("orders", [data]) if isinstance(data, dict) else data
    if records == []:
        raise InvalidProblemError([InputIssue(name, None, None, "holds no order")])
    return _orders(json_source(records, name, 'an order object, a list of them, or {"orders": [...]}'), tz)


def _orders(source: Source, tz: str) -> tuple[Order, ...]:
    """Every row of ``source`` as an order, or one error listing every problem."""
    issues: list[InputIssue] = []
    parsed = read_table(source, ORDERS, ZoneInfo(tz), issues)
    if issues:
        raise InvalidProblemError(issues)
    if not parsed.items:
        raise InvalidProblemError([InputIssue(source.name, None, None, "holds no order")])
    return tuple(parsed.items)
