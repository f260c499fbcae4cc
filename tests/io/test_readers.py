"""Tests of the readers: CSV, Parquet and DataFrames into a Problem, and their error reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer import InputIssue, InvalidProblemError, Problem
from optimizer.io.readers import read_problem
from optimizer.models import Break, ClockInterval, OrderType, TimeWindow, Urgency, Weekday

from conftest import (
    BERLIN,
    MONDAY,
    SAMPLES,
    SETTINGS,
    TABLES,
    TECHNICIANS_CSV,
    ZONE,
    at,
    local,
    orders_frame,
    sample,
    technicians_frame,
    write,
)


def issues_from_files(orders: Path, technicians: Path, depots: Path | None = None) -> tuple[InputIssue, ...]:
    """The issues of the InvalidProblemError that reading these files must raise."""
    with pytest.raises(InvalidProblemError) as caught:
        optimizer.read_problem(orders, technicians, depots, **SETTINGS)
    return caught.value.issues


def issues_from_csv(folder: Path, orders_csv: str, technicians_csv: str = TECHNICIANS_CSV) -> tuple[InputIssue, ...]:
    """The issues raised for an orders and a technicians CSV given as text."""
    return issues_from_files(write(folder, "orders.csv", orders_csv), write(folder, "technicians.csv", technicians_csv))


def where(issues: tuple[InputIssue, ...]) -> list[tuple[str, int | str | None, str | None]]:
    """The (source, row, column) of each issue, in order."""
    return [(i.source, i.row, i.column) for i in issues]


@pytest.fixture(scope="module")
def sample_frames() -> list[pd.DataFrame]:
    """The three sample tables as DataFrames with pandas' inferred dtypes."""
    return [pd.read_csv(SAMPLES / f"{name}.csv") for name in TABLES]


def test_from_files_sample_has_150_orders_12_technicians_2_depots(sample_problem: Problem):
    """The bundled sample reads into 154 orders, 12 technicians and 2 depots over 3 days."""
    assert len(sample_problem.orders) == 154
    assert len(sample_problem.technicians) == 12
    assert [d.id for d in sample_problem.depots] == ["D-MA", "D-HD"]
    assert sample_problem.orders[0].id == "O-001" and sample_problem.orders[-1].id == "O-154"
    assert sample_problem.dates == [MONDAY, dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    assert sample_problem.tz == ZONE


def test_from_files_sample_order_with_two_windows(sample_problem: Problem):
    """Line 5 (O-004): two local windows, a due date and a skill without level (level 1)."""
    order = sample_problem.order_by_id["O-004"]

    assert order.type is OrderType.INSPECTION
    assert (order.lat, order.lon, order.duration_min) == (49.48052, 8.49720, 40)
    assert order.urgency is Urgency.LOW
    assert order.windows == (
        TimeWindow(start=local("2026-11-24T13:00"), end=local("2026-11-24T17:00")),
        TimeWindow(start=local("2026-11-25T08:00"), end=local("2026-11-25T12:00")),
    )
    assert all(w.start.tzinfo == BERLIN for w in order.windows)
    assert order.windows[0].start.utcoffset() == dt.timedelta(hours=1)
    assert order.due == local("2026-12-01T18:00")
    assert order.release is None
    assert order.skills == {"electrical": 1}
    assert order.parts == {} and order.tools == frozenset() and order.technician is None


def test_from_files_sample_order_with_parts(sample_problem: Problem):
    """Line 26 (O-025): part quantities and two skills at the default level."""
    order = sample_problem.order_by_id["O-025"]

    assert order.urgency is Urgency.HIGH
    assert order.windows == ()
    assert order.due == local("2026-11-23T17:00")
    assert order.skills == {"plumbing": 1, "electrical": 1}
    assert order.parts == {"P-300": 2, "P-600": 1}


def test_from_files_sample_order_with_release_and_load(sample_problem: Problem):
    """Lines 14 (O-013) and 43 (O-042): a release time, a load and a skill with level."""
    repair = sample_problem.order_by_id["O-013"]
    installation = sample_problem.order_by_id["O-042"]

    assert repair.release == local("2026-11-24T13:00")
    assert repair.skills == {"plumbing": 2, "electrical": 1}
    assert repair.parts == {"P-310": 1}
    assert installation.type is OrderType.INSTALLATION
    assert installation.duration_min == 160
    assert installation.load == 3.0
    assert installation.skills == {"hvac": 2, "electrical": 1}


def test_from_files_sample_order_with_required_technician(sample_problem: Problem):
    """Line 82 (O-081) names its required technician T-12."""
    assert sample_problem.order_by_id["O-081"].technician == "T-12"


def test_from_files_sample_technician_all_fields(sample_problem: Problem):
    """Line 2 (T-01): shift, Mon-Fri, break, skill levels, van stock, tools, capacity, overtime."""
    technician = sample_problem.technician_by_id["T-01"]

    assert technician.name == "Jonas Becker"
    assert (technician.lat, technician.lon) == (49.48923, 8.46482)
    assert technician.shift == ClockInterval(start=dt.time(7, 30), end=dt.time(16, 30))
    assert technician.workdays == frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI})
    assert technician.break_ == Break(start=dt.time(12), end=dt.time(13, 30), duration_min=30)
    assert technician.skills == {"hvac": 3, "electrical": 2, "refrigeration": 1}
    assert technician.van_stock == {"P-100": 2, "P-110": 1, "P-200": 2, "P-600": 3}
    assert technician.tools == frozenset({"thermal-camera"})
    assert technician.capacity == 5.0
    assert technician.max_overtime_min == 60


def test_from_files_sample_technicians_with_short_weeks(sample_problem: Problem):
    """Lines 5 (T-04, no Tuesday) and 10 (T-09, Tue-Thu, 45-minute break)."""
    wagner = sample_problem.technician_by_id["T-04"]
    rossi = sample_problem.technician_by_id["T-09"]

    assert wagner.workdays == frozenset({Weekday.MON, Weekday.WED, Weekday.THU, Weekday.FRI})
    assert not wagner.works_on(dt.date(2026, 11, 24))
    assert rossi.workdays == frozenset({Weekday.TUE, Weekday.WED, Weekday.THU})
    assert rossi.break_ == Break(start=dt.time(12), end=dt.time(14), duration_min=45)


def test_from_files_sample_depot(sample_problem: Problem):
    """Line 3 of depots.csv (D-HD): hours, stock quantities and tools."""
    depot = sample_problem.depots[1]

    assert depot.id == "D-HD"
    assert depot.hours == ClockInterval(start=dt.time(7), end=dt.time(18))
    assert depot.stock == {
        "P-100": 20,
        "P-200": 15,
        "P-300": 10,
        "P-310": 20,
        "P-400": 8,
        "P-500": 2,
        "P-600": 30,
    }
    assert depot.tools == frozenset({"leak-detector", "thermal-camera"})


def test_from_files_parquet_equals_csv(sample_problem: Problem, sample_frames: list[pd.DataFrame], tmp_path: Path):
    """The sample tables written as Parquet read into the same problem as the CSV files."""
    paths = []
    for name, frame in zip(TABLES, sample_frames):
        paths.append(tmp_path / f"{name}.parquet")
        frame.to_parquet(paths[-1])

    problem = optimizer.read_problem(*paths, **SETTINGS)

    assert problem.model_dump() == sample_problem.model_dump()


def test_from_frames_equals_csv(sample_problem: Problem, sample_frames: list[pd.DataFrame]):
    """The sample tables given as typed DataFrames build the same problem as the CSV files."""
    problem = optimizer.read_problem(*sample_frames, start="2026-11-23", days=3, tz=ZONE)

    assert problem.model_dump() == sample_problem.model_dump()


def test_from_frames_text_frames_equal_csv(sample_problem: Problem):
    """DataFrames holding every cell as text (empty strings for blanks) give the same problem."""
    frames = [pd.read_csv(SAMPLES / f"{n}.csv", dtype=str, keep_default_na=False) for n in TABLES]

    problem = optimizer.read_problem(*frames, **SETTINGS)

    assert problem.model_dump() == sample_problem.model_dump()


def test_from_files_reports_every_bad_cell(tmp_path: Path):
    """Every bad cell of both files is listed in one error with its file, line and column."""
    orders = (
        "order_id,lat,lon,duration_min,urgency,windows,skills\n"
        "O1,49.5,8.4,60,normal,,\n"
        "O2,49.5x,8.4,60,normal,,\n"
        "O3,49.5,8.4,60,normal,2026-11-23T10:00,\n"
        "O4,49.5,8.4,60,normal,,hvac:x\n"
        "O5,49.5,8.4,60,urgent,,\n"
        "O6,49.5,8.4,1h,normal,2026-11-23T12:00/2026-11-23T08:00,\n"
    )
    technicians = TECHNICIANS_CSV + "T-02,49.49,8.47,8am-5pm\n"

    issues = issues_from_csv(tmp_path, orders, technicians)

    assert where(issues) == [
        ("orders.csv", 3, "lat"),
        ("orders.csv", 4, "windows"),
        ("orders.csv", 5, "skills"),
        ("orders.csv", 6, "urgency"),
        ("orders.csv", 7, "duration_min"),
        ("technicians.csv", 3, "shift"),
    ]
    assert [i.value for i in issues] == ["49.5x", "2026-11-23T10:00", "hvac:x", "urgent", "1h", "8am-5pm"]
    assert [i.entity_id for i in issues] == ["O2", "O3", "O4", "O5", "O6", "T-02"]
    assert {i.row_kind for i in issues} == {"line"}
    assert [i.message for i in issues] == [
        "expected a number",
        "expected start/end intervals separated by ';' in '2026-11-23T10:00'",
        "expected name:level with a whole level in 'hvac:x'",
        "input should be 'emergency', 'high', 'normal' or 'low'",
        "expected a number",
        "expected a time like 08:00, got '8am'",
    ]


def test_from_files_reports_model_errors_with_their_column(tmp_path: Path):
    """Values that parse but break a model rule name their column (reversed window, shift)."""
    orders = "order_id,lat,lon,duration_min,windows\nO1,49.5,8.4,-5,2026-11-23T12:00/2026-11-23T08:00\n"
    technicians = TECHNICIANS_CSV + "T-02,49.49,8.47,17:00-08:00\n"

    issues = issues_from_csv(tmp_path, orders, technicians)

    assert where(issues) == [
        ("orders.csv", 2, "duration_min"),
        ("orders.csv", 2, "windows"),
        ("technicians.csv", 3, "shift"),
    ]
    assert issues[1].message.startswith("window ends before it starts")
    assert issues[2].message == "ends before it starts (17:00 >= 08:00)"


def test_from_files_reports_blank_required_value(tmp_path: Path):
    """An empty cell in a required column is reported as required, by line and column."""
    issues = issues_from_csv(tmp_path, "order_id,lat,lon,duration_min\nO1,49.5,,60\n")

    assert issues == (InputIssue("orders.csv", 2, "lon", "value is required", entity_id="O1", row_kind="line"),)


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        pytest.param("orders", "order_id,lon,duration_min\nO1,8.4,60\n", "lat", id="orders-lat"),
        pytest.param("technicians", "technician_id,lat,lon\nT-01,49.49,8.47\n", "shift", id="technicians-shift"),
    ],
)
def test_from_files_reports_missing_required_column(tmp_path: Path, table: str, header: str, column: str):
    """A missing required column is reported once, by name, without a row."""
    files = {"orders": "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\n", "technicians": TECHNICIANS_CSV}
    files[table] = header

    issues = issues_from_csv(tmp_path, files["orders"], files["technicians"])

    suffix = " (or give shifts)" if column == "shift" else ""
    assert issues == (InputIssue(f"{table}.csv", None, column, "required column is missing" + suffix, row_kind="line"),)


def test_from_files_reports_duplicate_id_with_both_lines(tmp_path: Path):
    """A repeated order id is reported on its line, naming the line of the first occurrence."""
    orders = "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\nO2,49.5,8.4,60\nO1,49.6,8.5,30\n"

    issues = issues_from_csv(tmp_path, orders)

    assert issues == (
        InputIssue("orders.csv", 4, "order_id", "duplicate id (first on line 2)", entity_id="O1", row_kind="line"),
    )


def test_from_files_reports_unknown_required_technician(tmp_path: Path):
    """An order requiring a technician who is not in the table is reported on its line."""
    orders = "order_id,lat,lon,duration_min,technician\nO1,49.5,8.4,60,T-01\nO2,49.5,8.4,60,T-99\n"

    issues = issues_from_csv(tmp_path, orders)

    assert issues == (
        InputIssue(
            "orders.csv",
            3,
            "technician",
            "required technician is not in the technicians table",
            value="T-99",
            entity_id="O2",
            row_kind="line",
        ),
    )


def test_from_frames_error_names_index_label(sample_frames: list[pd.DataFrame]):
    """Errors in a DataFrame name the row by its index label."""
    orders = sample_frames[0].head(3).set_axis(["first", "second", "third"])
    orders.loc["second", "duration_min"] = -4

    with pytest.raises(InvalidProblemError) as caught:
        optimizer.read_problem(orders, sample_frames[1], **SETTINGS)

    assert caught.value.issues == (
        InputIssue(
            "orders",
            "second",
            "duration_min",
            "input should be greater than or equal to 0",
            value="-4",
            entity_id="O-002",
            row_kind="index",
        ),
    )
    assert "orders index second ('O-002'), column 'duration_min'" in str(caught.value)


def test_from_files_parquet_error_uses_1_based_rows(sample_frames: list[pd.DataFrame], tmp_path: Path):
    """Errors in a Parquet file name the row counting from 1."""
    orders = sample_frames[0].head(3).copy()
    orders["lat"] = ["49.5", "49.6", "north"]
    orders.to_parquet(tmp_path / "orders.parquet")
    sample_frames[1].to_parquet(tmp_path / "technicians.parquet")

    issues = issues_from_files(tmp_path / "orders.parquet", tmp_path / "technicians.parquet")

    assert issues == (
        InputIssue("orders.parquet", 3, "lat", "expected a number", value="north", entity_id="O-003", row_kind="row"),
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("missing.csv", "file not found", id="missing-csv"),
        pytest.param("missing.xlsx", "file not found", id="missing-xlsx"),
        pytest.param("missing.parquet", "file not found", id="missing-parquet"),
        pytest.param("orders.ods", "unsupported file type (use .csv, .parquet or .xlsx)", id="unsupported-extension"),
    ],
)
def test_from_files_reports_unreadable_file(tmp_path: Path, name: str, message: str):
    """A missing file or an unsupported extension is one clear issue naming the path."""
    technicians = write(tmp_path, "technicians.csv", TECHNICIANS_CSV)

    issues = issues_from_files(tmp_path / name, technicians)

    assert issues == (InputIssue(str(tmp_path / name), None, None, message),)


def test_from_files_reports_problems_of_every_file_at_once(tmp_path: Path):
    """Unreadable orders and depots files are both reported in one error."""
    technicians = write(tmp_path, "technicians.csv", TECHNICIANS_CSV)

    issues = issues_from_files(tmp_path / "orders.csv", technicians, tmp_path / "depots.txt")

    assert [i.message for i in issues] == ["file not found", "unsupported file type (use .csv, .parquet or .xlsx)"]


def test_from_frames_rejects_unknown_time_zone(sample_frames: list[pd.DataFrame]):
    """An unknown time zone setting is reported as a settings issue."""
    expected = "settings, column 'tz': unknown time zone 'Europe/Mannheim'"
    with pytest.raises(InvalidProblemError, match=expected):
        optimizer.read_problem(sample_frames[0], sample_frames[1], start=MONDAY, tz="Europe/Mannheim")


def test_from_files_line_numbers_survive_blank_lines(tmp_path: Path):
    """A blank line in the CSV does not shift the reported line of a later bad cell."""
    issues = issues_from_csv(tmp_path, "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\n\nO2,49.5,8.4,x\n")
    assert where(issues) == [("orders.csv", 4, "duration_min")]


def test_from_files_extra_field_is_an_error(tmp_path: Path):
    """A row with one field too many is reported, not read shifted by one column."""
    with pytest.raises(InvalidProblemError) as error:
        read_problem(
            write(tmp_path, "orders.csv", "order_id,lat,lon,duration_min\nO1,49.5,8.4,60,7\n"),
            write(tmp_path, "technicians.csv", TECHNICIANS_CSV),
            start=MONDAY,
        )
    assert error.value.issues[0].source.endswith("orders.csv")


def test_from_files_duplicate_header(tmp_path: Path):
    """A column named twice is explained."""
    twice = issues_from_csv(tmp_path, "order_id,lat,lon,lat,duration_min\nO1,49.5,8.4,49.6,60\n")
    assert [(i.column, i.message) for i in twice] == [("lat", "column appears more than once")]


def test_from_files_release_error_names_its_column(tmp_path: Path):
    """A release after the last window is reported in the release column."""
    issues = issues_from_csv(
        tmp_path,
        "order_id,lat,lon,duration_min,windows,release\n"
        "O1,49.5,8.4,60,2026-11-23T08:00/2026-11-23T12:00,2026-11-23T13:00\n",
    )
    assert where(issues) == [("orders.csv", 2, "release")]


def test_from_files_line_numbers_survive_quoted_newlines(tmp_path: Path):
    """A quoted cell spanning two lines does not shift later line numbers."""
    issues = issues_from_csv(
        tmp_path,
        'order_id,lat,lon,duration_min,name\nO1,49.5,8.4,60,"two\nlines"\nO2,north,8.4,60,x\n',
    )
    assert where(issues) == [("orders.csv", 4, "lat")]


def test_german_csv_and_excel_exports_read_as_the_plain_csv(tmp_path: Path) -> None:
    """';' with decimal commas in Windows-1252 (umlauts), and .xlsx, give the same problem."""
    plain = optimizer.read_problem(*(SAMPLES / f"{t}.csv" for t in TABLES), start="2026-11-23", tz=ZONE)
    german, excel = {}, {}
    for table in TABLES:
        frame = sample(table)
        for column in ("lat", "lon", "duration_min"):
            if column in frame:
                frame[column] = frame[column].str.replace(".", ",", regex=False)
        if "name" in frame:
            frame.loc[0, "name"] = "Jürgen Müßig"
        german[table] = tmp_path / f"{table}.csv"
        frame.to_csv(german[table], sep=";", index=False, encoding="cp1252")
        excel[table] = tmp_path / f"{table}.xlsx"
        sample(table).to_excel(excel[table], index=False)
    from_german = optimizer.read_problem(*(german[t] for t in TABLES), start="2026-11-23", tz=ZONE)
    from_excel = optimizer.read_problem(*(excel[t] for t in TABLES), start="2026-11-23", tz=ZONE)
    assert from_german.technicians[0].name == "Jürgen Müßig"
    assert from_german.orders == plain.orders and from_excel.orders == plain.orders
    assert from_excel.technicians == plain.technicians and from_german.depots == plain.depots


def test_missing_time_zone_is_named(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"):
        problem = optimizer.read_problem(orders_frame([]), technicians_frame(), start=MONDAY, days=1)
    assert problem.tz == "UTC"
    assert any("no time zone given" in r.getMessage() and "UTC" in r.getMessage() for r in caplog.records)


def read_csv_tables(folder: Path, orders_csv: str, technicians_csv: str = TECHNICIANS_CSV, **options):
    """``read_tables`` of an orders and a technicians CSV given as text."""
    return optimizer.read_tables(
        write(folder, "orders.csv", orders_csv),
        write(folder, "technicians.csv", technicians_csv),
        **SETTINGS,
        **options,
    )


def test_read_tables_sets_bad_rows_aside_and_reads_the_rest(tmp_path: Path) -> None:
    """Each row with a bad cell is set aside with its file, line, id, column and value;
    the valid rows become the problem; strict mode refuses the whole input instead."""
    orders = (
        "order_id,lat,lon,duration_min,urgency\n"
        "O1,49.5,8.4,60,normal\n"
        "O2,49.5x,8.4,60,normal\n"
        "O3,49.5,8.4,60,urgent\n"
        "O4,49.5,8.4,45,high\n"
        "O1,49.6,8.5,30,low\n"
    )
    reading = read_csv_tables(tmp_path, orders)

    assert [o.id for o in reading.problem.orders] == ["O1", "O4"]
    assert [(i.source, i.row, i.entity_id, i.column, i.value) for i in reading.rejected] == [
        ("orders.csv", 3, "O2", "lat", "49.5x"),
        ("orders.csv", 4, "O3", "urgency", "urgent"),
        ("orders.csv", 6, "O1", "order_id", None),
    ]
    assert reading.problem.orders[0].lat == 49.5  # the first O1 stays
    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(tmp_path, orders, strict=True)
    assert len(caught.value.issues) == 3


def test_read_tables_reports_an_order_of_a_technician_set_aside_as_unplanned(tmp_path: Path) -> None:
    """An order whose required technician's row was set aside leaves the problem and is
    reported unplanned with a reason naming that row; an order requiring a technician
    who never existed is itself set aside."""
    technicians = TECHNICIANS_CSV + "T-02,49.49,8.47,25:00-17:00\n"
    orders = (
        "order_id,lat,lon,duration_min,urgency,technician\n"
        "O1,49.5,8.4,60,high,T-02\n"
        "O2,49.5,8.4,60,normal,T-99\n"
        "O3,49.5,8.4,60,normal,T-01\n"
    )
    reading = read_csv_tables(tmp_path, orders, technicians)

    assert [o.id for o in reading.problem.orders] == ["O3"]
    assert [t.id for t in reading.problem.technicians] == ["T-01"]
    (dependent,) = reading.dependents
    assert (dependent.order_id, dependent.urgency, dependent.reason) == ("O1", Urgency.HIGH, "depends_on_rejected_row")
    assert "'T-02' was set aside (technicians.csv line 3" in dependent.detail
    assert [(i.source, i.row, i.column) for i in reading.rejected] == [
        ("technicians.csv", 3, "shift"),
        ("orders.csv", 3, "technician"),
    ]


def test_read_tables_reads_links_and_sets_aside_what_they_cannot_follow(tmp_path: Path) -> None:
    """``after`` (with ``+minutes``), ``after_max`` and ``same_technician`` are read;
    an order following one set aside for a bad cell leaves with it (and so does its own
    follower), one following an unknown order or a cycle is set aside itself."""
    orders = (
        "order_id,lat,lon,duration_min,after,after_max,same_technician\n"
        "K1,49.5,8.4,45,,,\n"
        "R1,49.5,8.4,60,K1+1440,2880,yes\n"
        "K2,49.5x,8.4,45,,,\n"
        "R2,49.5,8.4,60,K2,,No\n"
        "S2,49.5,8.4,60,R2,,\n"
        "R3,49.5,8.4,60,K9,,\n"
        "C1,49.5,8.4,60,C2,,\n"
        "C2,49.5,8.4,60,C1,,\n"
        "B1,49.5,8.4,60,K1+soon,,\n"
        "B2,49.5,8.4,60,K1,,maybe\n"
    )
    reading = read_csv_tables(tmp_path, orders)
    assert [o.id for o in reading.problem.orders] == ["K1", "R1"]
    r1 = reading.problem.orders[1]
    assert r1.after is not None and (r1.after.order_id, r1.after.gap_min) == ("K1", 1440)
    assert (r1.after_max_min, r1.same_technician) == (2880, True)
    assert {(d.order_id, d.reason) for d in reading.dependents} == {
        ("R2", "depends_on_rejected_row"),
        ("S2", "depends_on_rejected_row"),
    }
    assert "the order it follows 'K2' was set aside" in next(d.detail for d in reading.dependents if d.order_id == "R2")
    rejected = {(i.entity_id, i.column): i.message for i in reading.rejected}
    assert rejected[("R3", "after")] == "follows an order not in the orders table"
    assert "cycle" in rejected[("C1", "after")] and "cycle" in rejected[("C2", "after")]
    assert "O-17+1440" in rejected[("B1", "after")]
    assert rejected[("B2", "same_technician")] == "expected yes or no"


def test_read_tables_reads_crews(tmp_path: Path) -> None:
    orders = (
        "order_id,lat,lon,duration_min,crew,crew_skills\n"
        "E1,49.5,8.4,45,2,elevator:2\n"
        "E2,49.5,8.4,45,1.5,\n"
        "E3,49.5,8.4,45,1,elevator\n"
        "O1,49.5,8.4,45,,\n"
    )
    reading = read_csv_tables(tmp_path, orders)
    assert [(o.id, o.crew, o.crew_skills) for o in reading.problem.orders] == [
        ("E1", 2, {"elevator": 2}),
        ("O1", 1, {}),
    ]
    assert {(i.entity_id, i.column) for i in reading.rejected} == {("E2", "crew"), ("E3", "crew_skills")}


def test_read_tables_structural_problems_still_refuse_the_input(tmp_path: Path) -> None:
    """A missing required column, and a technicians table whose every row is bad, stop
    the run: there is nothing sensible to plan."""
    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(tmp_path, "order_id,lat,duration_min\nO1,49.5,60\n")
    assert [(i.column, i.row) for i in caught.value.issues] == [("lon", None)]
    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(
            tmp_path, "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\n", TECHNICIANS_CSV.replace("08:00", "8")
        )
    assert caught.value.issues[-1].message == "no technician to plan with"


def test_repeated_and_overlapping_windows_are_merged_with_a_record(tmp_path: Path) -> None:
    """The export defect of the issue: a window repeated in its cell plans as one window,
    an overlapping pair as their union, and each repair is recorded; so does a code in
    another case and a cell with spaces around it."""
    orders = (
        "order_id,lat,lon,duration_min,urgency,windows\n"
        "O1,49.5,8.4,60,normal,2026-11-24T08:00/2026-11-24T11:00;2026-11-24T08:00/2026-11-24T11:00\n"
        "O2,49.5,8.4,60,Emergency,2026-11-24T08:00/2026-11-24T11:00;2026-11-24T10:00/2026-11-24T12:00\n"
        '"O3 ",49.5,8.4,60,normal,2026-11-24T08:00/2026-11-24T10:00;2026-11-24T10:00/2026-11-24T12:00\n'
    )
    reading = read_csv_tables(tmp_path, orders)

    assert reading.rejected == ()
    first, second, third = reading.problem.orders
    assert [(w.start, w.end) for w in first.windows] == [(at("08:00", 1), at("11:00", 1))]
    assert [(w.start, w.end) for w in second.windows] == [(at("08:00", 1), at("12:00", 1))]
    assert second.urgency is Urgency.EMERGENCY
    assert len(third.windows) == 2 and third.id == "O3"  # windows that only touch stay apart
    assert [(r.row, r.column, r.kind) for r in reading.repairs] == [
        (2, "windows", "windows_merged"),
        (3, "urgency", "case_normalised"),
        (3, "windows", "windows_merged"),
        (4, "order_id", "spaces_trimmed"),
    ]
    assert reading.repairs[0].repaired == "2026-11-24T08:00:00+01:00/2026-11-24T11:00:00+01:00"


def test_other_order_columns_pass_through_unchanged(tmp_path: Path) -> None:
    """An order's own columns (customer, ticket) are kept on the order as text, blanks
    left out, and come out beside the plan's visits; declared in ``pass_through``, they
    raise no warning, while an undeclared one still does."""
    orders = "order_id,lat,lon,duration_min,customer,ticket\nO1,49.5,8.4,60,Bäckerei Maier,007\nO2,49.5,8.4,30,,\n"
    reading = read_csv_tables(tmp_path, orders, pass_through=("customer",))
    first, second = reading.problem.orders
    assert first.attributes == {"customer": "Bäckerei Maier", "ticket": "007"}
    assert second.attributes == {"customer": "", "ticket": ""}
    assert [w.column for w in reading.warnings] == ["ticket"]
    plan = optimizer.solve(reading.problem, max_solutions=50)
    visits = optimizer.io.visits_frame(plan, reading.problem)
    served = visits[visits["order_id"] == "O1"].iloc[0]
    assert (served["customer"], served["ticket"]) == ("Bäckerei Maier", "007")
    assert list(visits.columns)[-2:] == ["customer", "ticket"]


def test_unknown_columns_are_named_with_the_nearest_known_one(tmp_path: Path, caplog) -> None:
    """A misspelt header is not silently ignored: a warning names the column it is
    probably meant to be; a foreign one is named alone; a required column missing names
    its likely header."""
    orders = "order_id,lat,lon,duration_min,Due,skill,Auftragsart\nO1,49.5,8.4,60,2026-11-24,hvac,x\n"
    with caplog.at_level("WARNING", logger="optimizer"):
        reading = read_csv_tables(tmp_path, orders)

    assert [(w.column, w.message) for w in reading.warnings] == [
        ("Due", "unknown column, passed through to the outputs (did you mean 'due'?)"),
        ("skill", "unknown column, passed through to the outputs (did you mean 'skills'?)"),
        ("Auftragsart", "unknown column, passed through to the outputs"),
    ]
    assert sum("unknown column" in r.getMessage() for r in caplog.records) == 3
    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(tmp_path, "Order_ID,lat,lon,duration_min\nO1,49.5,8.4,60\n")
    assert caught.value.issues[0].message == "required column is missing (is it 'Order_ID'?)"


def test_an_export_is_read_through_its_column_mapping(tmp_path: Path) -> None:
    """``columns`` maps the contract's names to an ERP's headers; a mapping to a header the
    file lacks, or from a name the contract lacks, is a structural problem."""
    orders = "Auftragsnummer,lat,lon,Dauer\nA-1,49.5,8.4,90\n"
    mapping = {"orders": {"order_id": "Auftragsnummer", "duration_min": "Dauer"}}
    reading = read_csv_tables(tmp_path, orders, columns=mapping)
    assert [(o.id, o.duration_min) for o in reading.problem.orders] == [("A-1", 90.0)]
    assert reading.warnings == ()

    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(tmp_path, orders, columns={"orders": {"order_id": "Nummer", "dauer": "Dauer"}})
    assert [(i.source, i.column) for i in caught.value.issues] == [
        ("input.columns", "orders.dauer"),
        ("orders.csv", "Nummer"),
    ]


def test_review_findings_of_the_input_policy(tmp_path: Path) -> None:
    """A window that ends before it starts is not hidden by a merge (the row is set
    aside); windows only out of order are no repair; a quoted cell over several lines
    that is closed reads; a header mapped twice is an error; a mapped header replaces a
    column of the contract's own name, which is then warned about."""
    orders = (
        "order_id,lat,lon,duration_min,windows\n"
        "O1,49.5,8.4,60,2026-11-23T10:00/2026-11-23T12:00;2026-11-23T11:00/2026-11-23T08:00\n"
        "O2,49.5,8.4,60,2026-11-23T14:00/2026-11-23T16:00;2026-11-23T10:00/2026-11-23T12:00\n"
    )
    reading = read_csv_tables(tmp_path, orders)
    assert [(i.entity_id, i.column) for i in reading.rejected] == [("O1", "windows")]
    assert reading.repairs == ()
    noted = 'order_id,lat,lon,duration_min,notes\nO1,49.5,8.4,60,"Gate 12, ring\nthen: left, right, left, done"\n'
    assert [o.id for o in read_csv_tables(tmp_path, noted).problem.orders] == ["O1"]
    twice = "order_id,lat,lon,duration_min,Techniker\nO1,49.5,8.4,60,T-01\n"
    with pytest.raises(InvalidProblemError) as caught:
        read_csv_tables(tmp_path, twice, columns={"orders": {"technician": "Techniker", "region": "Techniker"}})
    assert "mapped to more than one column (technician, region)" in caught.value.issues[0].message
    clash = "Auftragsnummer,order_id,lat,lon,duration_min\nA-1,x,49.5,8.4,60\n"
    reading = read_csv_tables(tmp_path, clash, columns={"orders": {"order_id": " Auftragsnummer "}})
    assert [o.id for o in reading.problem.orders] == ["A-1"]
    assert [w.column for w in reading.warnings] == ["order_id (replaced by Auftragsnummer)"]


def test_a_row_with_cells_only_in_unknown_columns_is_set_aside_not_skipped(tmp_path: Path) -> None:
    """Only a wholly empty line is skipped; a row whose known cells are all blank but
    which says something elsewhere is set aside for its missing required values."""
    orders = "order_id,lat,lon,duration_min,comment\nO1,49.5,8.4,60,\n,,,,call first\n\n"
    reading = read_csv_tables(tmp_path, orders)
    assert [o.id for o in reading.problem.orders] == ["O1"]
    assert {(i.row, i.column, i.message) for i in reading.rejected} >= {(3, "order_id", "value is required")}


def test_swapped_orders_and_technicians_files_are_recognised(tmp_path: Path) -> None:
    """The orders file given as technicians and the other way round: a structural
    problem per file, naming the table its headers belong to, first, then the columns
    each lacks for the table it was given as."""
    orders = write(tmp_path, "orders.csv", "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\n")
    technicians = write(tmp_path, "technicians.csv", TECHNICIANS_CSV)
    with pytest.raises(InvalidProblemError) as caught:
        optimizer.read_tables(technicians, orders, **SETTINGS)
    assert [(i.source, i.message) for i in caught.value.issues][:2] == [
        (
            "technicians.csv",
            "given as the orders table, but its headers are those of the technicians table "
            "(technician_id, ...): were the files swapped?",
        ),
        (
            "orders.csv",
            "given as the technicians table, but its headers are those of the orders table "
            "(order_id, ...): were the files swapped?",
        ),
    ]


def test_pass_through_keeps_values_and_input_order_and_never_overwrites(tmp_path: Path) -> None:
    """Columns in their input order, blank ones too; spaces and leading zeros kept; a
    duplicated header passes its first column (with a warning); a name our outputs use
    gets ``_input``, never replacing an input column already called that."""
    orders = "order_id,lat,lon,duration_min,seq_input,seq,ref,ref,empty\nO1,49.5,8.4,60,mine,0042 ,a,b,\n"
    reading = read_csv_tables(tmp_path, orders)
    (order,) = reading.problem.orders
    assert list(order.attributes) == ["seq_input", "seq", "ref", "empty"]
    assert order.attributes == {"seq_input": "mine", "seq": "0042 ", "ref": "a", "empty": ""}
    assert any(w.column == "ref" and "more than once" in w.message for w in reading.warnings)
    plan = optimizer.solve(reading.problem, max_solutions=20)
    visits = optimizer.io.visits_frame(plan, reading.problem)
    row = visits[visits["order_id"] == "O1"].iloc[0]
    assert (row["seq_input"], row["seq_input_input"], row["seq"]) == ("mine", "0042 ", 1)


def test_from_files_reads_the_dispatcher_rules(tmp_path: Path):
    """Preferred and excluded technicians, weekday shifts, absences with intervals,
    efficiency and the day limits, from CSV cells."""
    orders = "order_id,lat,lon,duration_min,preferred,excluded\nO1,49.5,8.4,60,T-02;T-01,T-03\n"
    technicians = (
        "technician_id,lat,lon,shifts,absent,efficiency,max_orders_per_day,max_travel_min\n"
        "T-01,49.49,8.47,Mon-Thu 07:00-16:00;Fri 07:00-13:00,2026-11-24;2026-11-25T12:00/2026-11-25T17:00,"
        "0.9;hvac:0.8,6,120\n"
        "T-02,49.49,8.47,Mon-Fri 08:00-17:00,,,,\n"
        "T-03,49.49,8.47,Mon-Fri 08:00-17:00,,,,\n"
    )
    problem = optimizer.read_problem(
        write(tmp_path, "orders.csv", orders), write(tmp_path, "technicians.csv", technicians), **SETTINGS
    )
    (order,) = problem.orders
    assert order.preferred == ("T-02", "T-01") and order.excluded == frozenset({"T-03"})
    tech = problem.technician_by_id["T-01"]
    assert tech.shift is None and len(tech.shifts) == 2
    assert tech.absent == frozenset({dt.date(2026, 11, 24)})
    assert [w.start.hour for w in tech.away] == [12]
    assert tech.efficiency.factor == 0.9 and tech.efficiency.skills == {"hvac": 0.8}
    assert (tech.max_orders_per_day, tech.max_travel_min) == (6, 120)


def test_from_files_sample_shows_the_dispatchers_rules(sample_problem: Problem):
    """The sample carries one of each: weekday shifts (T-02's short Friday), an
    afternoon away (T-07 on Tuesday), efficiency (T-03 faster, T-12 slower with a limit
    of orders a day), preferred and excluded technicians, a counted tool at D-HD."""
    techs = sample_problem.technician_by_id
    friday = dt.date(2026, 11, 27)
    assert techs["T-02"].shift_on(friday) == ClockInterval(start=dt.time(8), end=dt.time(13))
    assert [(w.start.hour, w.end.hour) for w in techs["T-07"].away] == [(12, 17)]
    assert techs["T-03"].efficiency.factor == 0.85 and techs["T-12"].max_orders_per_day == 5
    orders = sample_problem.order_by_id
    assert orders["O-019"].preferred == ("T-01",) and orders["O-034"].excluded == frozenset({"T-12"})
    assert {d.id: d.tool_copies for d in sample_problem.depots} == {"D-MA": {}, "D-HD": {"leak-detector": 1}}
