"""plan.xlsx: the summary sheets, a schedule per technician, typed cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from optimizer.io.frames import visits_frame
from optimizer.io.plan_folder import write_plan
from optimizer.models import Plan, Problem
from optimizer.outputs.workbook import workbook_bytes


def test_the_workbook_has_typed_cells_and_a_schedule_per_technician(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    """plan.xlsx read back with openpyxl: the summary sheets and one schedule sheet per
    technician with a route; starts are date-time cells (local wall-clock time, as in
    visits.csv), minutes numbers, the objective's terms in the KPIs sheet."""
    out = tmp_path / "plan"
    write_plan(problem, plan, out, workbook=workbook_bytes(problem, plan))
    book = load_workbook(out / "plan.xlsx")
    technicians = sorted({r.technician_id for r in plan.routes})
    assert book.sheetnames[:4] == ["KPIs", "Technician days", "Unplanned", "Costs"]
    assert [name.split()[0] for name in book.sheetnames[4:]] == technicians
    schedule = book[book.sheetnames[4]]
    assert schedule.freeze_panes == "A2" and schedule.auto_filter.ref.startswith("A1:")
    assert schedule["A1"].font.bold
    header = [c.value for c in schedule[1]]
    first = dict(zip(header, [c.value for c in schedule[2]], strict=True))
    visits = visits_frame(plan)
    expected = visits[visits["technician_id"] == technicians[0]].iloc[0]
    assert isinstance(first["start"], dt.datetime) and first["start"].tzinfo is None
    assert schedule.cell(row=2, column=header.index("start") + 1).number_format == "yyyy-mm-dd hh:mm"
    assert first["start"] == expected["start"].tz_localize(None).to_pydatetime()
    assert isinstance(first["travel_min"], float | int)
    kpis = {row[0].value: row[1].value for row in book["KPIs"].iter_rows(min_row=2)}
    assert kpis["objective"] == plan.kpis.objective and kpis["time zone"] == plan.tz
    costs = book["Costs"]
    total = [c.value for c in costs[1]].index("total")
    assert sum(row[total].value for row in costs.iter_rows(min_row=2)) == pytest.approx(plan.kpis.objective)


def test_sheet_titles_are_valid_and_unique() -> None:
    """Excel forbids []:*?/\\ in a sheet title and more than 31 characters; titles that
    repeat (case aside) get a number."""
    from optimizer.outputs.workbook import _sheet_title

    used: set[str] = set()
    first = _sheet_title("T/1 [Nord] Ä very long technician name here", used)
    second = _sheet_title("t/1 [nord] ä very long technician name here", used)
    assert first == "T_1 _Nord_ Ä very long technici" and len(first) == 31
    assert second.endswith(" (2)") and len(second) <= 31 and second.lower() != first.lower()


def test_text_is_kept_as_text_and_cleaned_of_what_excel_cannot_hold(tmp_path: Path) -> None:
    """A pass-through value starting with '=' stays text (never a formula); a control
    character is dropped instead of failing the workbook."""
    import optimizer

    from conftest import make_order, make_problem, make_technician

    orders = [make_order("O1", attributes={"note": '=HYPERLINK("x")', "ref": "a\x0bb"})]
    problem = make_problem(orders, [make_technician()])
    plan = optimizer.solve(problem, max_solutions=20)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook_bytes(problem, plan))
    sheet = load_workbook(path)["Costs"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["note"].value == '=HYPERLINK("x")' and row["note"].data_type == "s"
    assert row["ref"].value == "ab"
