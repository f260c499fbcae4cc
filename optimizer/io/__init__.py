"""The data contract <-> the models, as free functions: tables in (CSV, Parquet, Excel,
DataFrames), plans out (DataFrames and the plan folder).

>>> problem = optimizer.io.read_problem("orders.csv", "technicians.csv", start="2026-11-23")  # doctest: +SKIP
>>> optimizer.io.visits_frame(plan)                                                      # doctest: +SKIP
"""

from optimizer.io.events import read_events
from optimizer.io.frames import (
    costs_frame,
    days_frame,
    offers_frame,
    technicians_frame,
    unassigned_frame,
    visits_frame,
)
from optimizer.io.orders import read_orders
from optimizer.io.plan_folder import read_plan, write_plan
from optimizer.io.readers import Reading, read_problem, read_tables
from optimizer.io.tables import write_table, write_validation_report

__all__ = [
    "Reading",
    "costs_frame",
    "days_frame",
    "offers_frame",
    "read_events",
    "read_orders",
    "read_plan",
    "read_problem",
    "read_tables",
    "technicians_frame",
    "unassigned_frame",
    "visits_frame",
    "write_plan",
    "write_table",
    "write_validation_report",
]
