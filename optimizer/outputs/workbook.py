"""``plan.xlsx``: the plan as one Excel workbook a dispatcher opens and prints.

Sheets: ``KPIs`` (key figures and the objective by term), ``Technician days``,
``Unplanned``, ``Costs`` (the score explanation), then one schedule sheet per technician
(every stop of every day, in order). Times are real date-time cells in the plan's time
zone (Excel has no time zones: the zone is named in the ``KPIs`` sheet); minutes and km
are numbers; each sheet has a bold, frozen header row and an autofilter.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from optimizer.io.frames import costs_frame, technicians_frame, unassigned_frame, visits_frame
from optimizer.models import Plan, Problem

_DATE_TIME = "yyyy-mm-dd hh:mm"
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_MAX_NAME = 31  # Excel's limit on a sheet name


def workbook_bytes(problem: Problem, plan: Plan) -> bytes:
    """The workbook of ``plan`` (answering ``problem``) as the bytes of an ``.xlsx`` file
    (written row by row: openpyxl's write-only mode, about three times faster)."""
    book = Workbook(write_only=True)
    _fill(book.create_sheet("KPIs"), _kpi_frame(plan))
    _fill(book.create_sheet("Technician days"), technicians_frame(plan))
    _fill(book.create_sheet("Unplanned"), unassigned_frame(plan, problem))
    _fill(book.create_sheet("Costs"), costs_frame(problem, plan))
    visits = visits_frame(plan, problem)
    names = {t.id: t.name for t in problem.technicians}
    used: set[str] = set()
    for technician_id, schedule in visits.groupby("technician_id", sort=True):
        title = _sheet_title(f"{technician_id} {names.get(str(technician_id), '')}".strip(), used)
        _fill(book.create_sheet(title), schedule.drop(columns=["technician_id", "technician_name"]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _kpi_frame(plan: Plan) -> pd.DataFrame:
    """Key figures as ``figure, value`` rows: totals, then the objective by term."""
    kpis = plan.kpis
    rows: list[tuple[str, object]] = [
        ("time zone", plan.tz),
        ("objective", kpis.objective),
        *((f"objective: {term}", value) for term, value in kpis.objective_terms.items()),
        ("orders planned", kpis.orders_planned),
        ("orders total", kpis.orders_total),
        ("technician-days used", kpis.technician_days_used),
        ("travel km", kpis.travel_km),
        ("travel min", kpis.travel_min),
        ("service min", kpis.service_min),
        ("waiting min", kpis.wait_min),
        ("overtime min", kpis.overtime_min),
        ("late visits", kpis.late_visits),
        ("late min", kpis.late_min),
        ("depot pickups", kpis.pickups),
    ]
    return pd.DataFrame(rows, columns=["figure", "value"])


def _sheet_title(name: str, used: set[str]) -> str:
    """``name`` as a valid sheet title not in ``used`` (Excel's forbidden characters
    replaced, at most 31 characters, a number added where it repeats)."""
    base = _SHEET_NAME.sub("_", name)[:_MAX_NAME] or "Sheet"
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title, k = base[: _MAX_NAME - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def _fill(sheet: WriteOnlyWorksheet, frame: pd.DataFrame) -> None:
    """``frame`` into ``sheet``: a bold, frozen header with a filter, typed cells (local
    date-times, dates, numbers, text; blanks for missing values), columns sized to fit."""
    for index, column in enumerate(frame.columns, start=1):
        width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))], default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    bold = Font(bold=True)
    header = []
    for column in frame.columns:
        cell = WriteOnlyCell(sheet, value=str(column))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    timed = [isinstance(frame[column].dtype, pd.DatetimeTZDtype) for column in frame.columns]
    for row in frame.itertuples(index=False):
        values: list[object] = []
        for value, is_time in zip(row, timed, strict=True):
            converted = _cell(value)
            if is_time and converted is not None:
                cell = WriteOnlyCell(sheet, value=converted)
                cell.number_format = _DATE_TIME
                converted = cell
            elif isinstance(converted, str) and converted.startswith("="):
                cell = WriteOnlyCell(sheet, value=converted)
                cell.data_type = "s"  # text as given, never a formula
                converted = cell
            values.append(converted)
        sheet.append(values)


def _cell(value: object) -> object:
    """One value as an Excel cell: a time-zone-aware time as its local wall-clock time,
    missing values blank, numpy scalars as Python numbers, text without the control
    characters Excel cannot hold."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters Excel cannot hold
    if hasattr(value, "item"):
        return value.item()
    return value
