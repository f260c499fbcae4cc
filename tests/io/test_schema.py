"""The data contract: every table's columns, their model fields and cell parsers."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.io.schema import DEPOTS, ORDERS, TECHNICIANS
from optimizer.models import Depot, Order, Technician

from conftest import BERLIN, local


@pytest.mark.parametrize(
    ("table", "model", "id_column"),
    [(ORDERS, Order, "order_id"), (TECHNICIANS, Technician, "technician_id"), (DEPOTS, Depot, "depot_id")],
)
def test_each_table_fills_its_model_and_starts_with_its_id(table, model, id_column: str) -> None:
    assert table.model is model and table.id_column == id_column
    assert table.columns[0].field == "id" and table.columns[0].required
    assert {c.field for c in table.columns} <= set(model.model_fields)
    assert len({c.name for c in table.columns}) == len(table.columns)


def test_required_and_numeric_columns() -> None:
    assert [c.name for c in ORDERS.columns if c.required] == ["order_id", "lat", "lon", "duration_min"]
    assert [c.name for c in TECHNICIANS.columns if c.required] == ["technician_id", "lat", "lon"]
    assert [c.name for c in DEPOTS.columns if c.required] == ["depot_id", "lat", "lon", "hours"]
    assert [c.name for c in ORDERS.columns if c.numeric] == ["lat", "lon", "duration_min", "load", "after_max", "crew"]
    assert [c.name for c in TECHNICIANS.columns if c.numeric] == [
        "lat",
        "lon",
        "capacity",
        "max_overtime_min",
        "max_orders_per_day",
        "max_travel_min",
    ]


def test_a_technician_needs_a_shift_or_shifts_per_weekday() -> None:
    """``shift`` is required where the table has no ``shifts`` column."""
    assert [c.name for c in TECHNICIANS.missing(["technician_id", "lat", "lon"])] == ["shift"]
    assert TECHNICIANS.missing(["technician_id", "lat", "lon", "shifts"]) == []
    assert [c.name for c in ORDERS.missing(["order_id", "lat"])] == ["lon", "duration_min"]


def test_the_column_of_a_field_is_named_even_where_they_differ() -> None:
    """``break`` fills ``break_``; the id column fills ``id``; an unknown field is its own name."""
    assert TECHNICIANS.column_of("break_") == "break"
    assert ORDERS.column_of("id") == "order_id" and DEPOTS.column_of("id") == "depot_id"
    assert ORDERS.column_of("duration_min") == "duration_min"
    assert ORDERS.column_of("progress") == "progress"


def test_each_column_parses_its_cells_in_the_zone() -> None:
    """Plain parsers ignore the zone; instants are read in it; a bare due date is the end of its day."""
    parse = {c.name: c.parse for c in ORDERS.columns}
    assert parse["order_id"](12.0, BERLIN) == "12"
    assert parse["urgency"](" HIGH", BERLIN) == "high"
    assert parse["skills"]("hvac:2;gas", BERLIN) == {"hvac": 2, "gas": 1}
    assert parse["release"]("2026-11-23T10:00", BERLIN) == local("2026-11-23T10:00")
    assert parse["due"]("2026-11-23", BERLIN) == local("2026-11-23T23:59:59")
    technician = {c.name: c.parse for c in TECHNICIANS.columns}
    assert technician["max_overtime_min"]("90.0", BERLIN) == 90
    assert technician["shift"]("07:30-16:30", BERLIN) == {"start": dt.time(7, 30), "end": dt.time(16, 30)}
