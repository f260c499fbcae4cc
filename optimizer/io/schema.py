"""The data contract: every table, column, its model field and its cell format.

This module names every column the readers accept; ``docs/data-contract.md``
describes them for users.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from optimizer.io import cells
from optimizer.io.repairs import WINDOWS_MERGED, CellRepair
from optimizer.models import Depot, Order, Technician


@dataclass(frozen=True)
class Column:
    """One column: the model field it fills and how to parse its cells."""

    name: str
    field: str
    parse: Callable[[Any, ZoneInfo], Any]
    required: bool = False
    numeric: bool = False
    """A number (a decimal comma is accepted in ``;``-separated CSV files)."""
    code: bool = False
    """A code read in any case (``Emergency`` is ``emergency``; the repair is recorded)."""
    repair: CellRepair | None = None
    """A repair of the parsed value (recorded where it changes something)."""
    unless: str | None = None
    """Another column that may stand in for this one: this one is required where the
    table lacks that one (``shift`` unless ``shifts``)."""


def _plain(parser: Callable[[Any], Any]) -> Callable[[Any, ZoneInfo], Any]:
    return lambda value, _zone: parser(value)


@dataclass(frozen=True)
class Table:
    """One table of the contract and the model each row becomes."""

    name: str
    model: type[BaseModel]
    columns: tuple[Column, ...]
    pass_through: str | None = None
    """The model field (a ``dict[str, str]``) that keeps the row's other columns,
    unchanged, for the outputs; ``None``: other columns are ignored."""

    @property
    def id_column(self) -> str:
        """The column holding the row's id."""
        return self.columns[0].name

    def missing(self, headers: Collection[str]) -> list[Column]:
        """The required columns not among ``headers`` (a column that another may stand
        in for only where that one is missing too)."""
        return [
            c
            for c in self.columns
            if c.name not in headers and (c.required or (c.unless is not None and c.unless not in headers))
        ]

    def column_of(self, field: str) -> str:
        """The column that fills a model field."""
        for column in self.columns:
            if column.field == field:
                return column.name
        return field


def _id(name: str) -> Column:
    return Column(name, "id", _plain(cells.text), required=True)


def _number(name: str, required: bool = False, parser: Callable[[Any], Any] = cells.number) -> Column:
    return Column(name, name, _plain(parser), required=required, numeric=True)


_LOCATION = (_number("lat", required=True), _number("lon", required=True))

ORDERS = Table(
    "orders",
    Order,
    (
        _id("order_id"),
        Column("type", "type", _plain(cells.lowercase), code=True),
        *_LOCATION,
        _number("duration_min", required=True),
        Column("urgency", "urgency", _plain(cells.lowercase), code=True),
        Column("windows", "windows", cells.windows, repair=WINDOWS_MERGED),
        Column("due", "due", cells.deadline),
        Column("release", "release", cells.instant),
        Column("skills", "skills", _plain(cells.levels)),
        Column("parts", "parts", _plain(cells.quantities)),
        Column("tools", "tools", _plain(cells.names)),
        _number("load"),
        Column("technician", "technician", _plain(cells.text)),
        Column("preferred", "preferred", _plain(cells.ordered_names)),
        Column("excluded", "excluded", _plain(cells.names)),
        Column("after", "after", _plain(cells.predecessor)),
        Column("after_max", "after_max_min", _plain(cells.number), numeric=True),
        Column("same_technician", "same_technician", _plain(cells.flag)),
        Column("crew", "crew", _plain(cells.whole), numeric=True),
        Column("crew_skills", "crew_skills", _plain(cells.levels)),
        Column("region", "region", _plain(cells.text)),
    ),
    pass_through="attributes",
)

TECHNICIANS = Table(
    "technicians",
    Technician,
    (
        _id("technician_id"),
        Column("name", "name", _plain(cells.text)),
        *_LOCATION,
        Column("shift", "shift", _plain(cells.clock_interval), unless="shifts"),
        Column("shifts", "shifts", _plain(cells.weekday_shifts)),
        Column("workdays", "workdays", _plain(cells.weekdays)),
        Column("absent", "absent", cells.absences),
        Column("break", "break_", _plain(cells.break_rule)),
        Column("skills", "skills", _plain(cells.levels)),
        Column("van_stock", "van_stock", _plain(cells.quantities)),
        Column("tools", "tools", _plain(cells.names)),
        _number("capacity"),
        _number("max_overtime_min", parser=cells.whole),
        Column("efficiency", "efficiency", _plain(cells.efficiency)),
        _number("max_orders_per_day", parser=cells.whole),
        _number("max_travel_min"),
        Column("region", "region", _plain(cells.text)),
    ),
)

DEPOTS = Table(
    "depots",
    Depot,
    (
        _id("depot_id"),
        *_LOCATION,
        Column("hours", "hours", _plain(cells.clock_interval), required=True),
        Column("stock", "stock", _plain(cells.quantities)),
        Column("incoming", "incoming", cells.deliveries),
        Column("tools", "tools", _plain(cells.tool_counts)),
    ),
)
