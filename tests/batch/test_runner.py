"""The nightly batch: configuration file, export formats, validation, exit codes, logs,
manifest, and nothing half-written when a run fails."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import time
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer.batch.config import HorizonConfig, load_config
from optimizer.cli import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.cli.status_line import StatusLine
from optimizer.exceptions import InvalidProblemError
from optimizer.io.tables import REPORT_COLUMNS
from optimizer.models import Plan

from conftest import SAMPLES

ZONE = "Europe/Berlin"
TABLES = ("orders", "technicians", "depots")


def sample(name: str) -> pd.DataFrame:
    """A sample table with every cell as text."""
    return pd.read_csv(SAMPLES / f"{name}.csv", dtype=str, keep_default_na=False)


def write_config(folder: Path, extra: str = "", **tables: Path) -> Path:
    """A run.toml in ``folder`` planning the sample's three days (tables replaceable)."""
    paths = {name: tables.get(name, SAMPLES / f"{name}.csv") for name in TABLES}
    text = f"""
[input]
orders = "{paths["orders"]}"
technicians = "{paths["technicians"]}"
depots = "{paths["depots"]}"

[horizon]
start = 2026-11-23
days = 3
tz = "{ZONE}"

[solver]
name = "insertion"
time_limit = 5

[output]
out = "plan"
log = "run.log"
{extra}
"""
    path = folder / "run.toml"
    path.write_text(text)
    return path


def test_a_configured_run_writes_plan_manifest_and_log(tmp_path: Path, capsys) -> None:
    """``plan --config``: paths relative to the file, the plan folder with its manifest
    (input digests, settings, seed, timings), and JSON log lines ending in the exit code
    (3 exactly when an emergency or high order is unplanned for this horizon)."""
    config = write_config(tmp_path)
    code = main(["plan", "--config", str(config)])
    out = tmp_path / "plan"
    unplanned = pd.read_csv(out / "unassigned.csv")
    urgent = unplanned["urgency"].isin(["emergency", "high"]) & (unplanned["reason"] != "after_horizon")
    assert code == (EXIT_URGENT_UNPLANNED if urgent.any() else EXIT_OK)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [Path(i["path"]).name for i in manifest["inputs"]] == ["orders.csv", "technicians.csv", "depots.csv"]
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["settings"]["solver"] == {
        "name": "insertion",
        "time_limit": 5.0,
        "seed": 0,
        "max_solutions": None,
        "workers": None,
        "scheduler": None,
        "region_technicians": 60,
    }
    assert manifest["result"]["orders_planned"] == json.loads((out / "kpis.json").read_text())["orders_planned"]
    assert {"read", "solve", "check", "total"} <= set(manifest["timings_s"])
    events = [json.loads(line) for line in (tmp_path / "run.log").read_text().splitlines()]
    assert [e["event"] for e in events if e["event"] not in ("optimizer", "improved")] == [
        "inputs_read",
        "solved",
        "written",
    ]
    assert events[-1]["exit_code"] == code
    timeline = [e for e in events if e["event"] == "improved"]
    assert timeline and all(
        a["objective"] > b["objective"] and a["seconds"] <= b["seconds"] for a, b in itertools.pairwise(timeline)
    )


def test_flags_override_the_file_and_bad_keys_are_named(tmp_path: Path) -> None:
    """A flag wins over its key; an unknown key, a bad value and a missing key are named."""
    config = write_config(tmp_path)
    loaded = load_config(config, {"solver.time_limit": 2.5, "horizon.days": None})
    assert loaded.solver.time_limit == 2.5 and loaded.horizon.days == 3
    assert loaded.output is not None and loaded.output.out == tmp_path / "plan"
    bad = write_config(tmp_path, "[extra]\nfoo = 1\n")
    with pytest.raises(InvalidProblemError, match=r"extra: unknown key|'extra'"):
        load_config(bad, {})
    with pytest.raises(InvalidProblemError, match=r"solver\.time_limit"):
        load_config(config, {"solver.time_limit": -1})
    with pytest.raises(InvalidProblemError, match="input"):
        load_config(None, {"horizon.start": "today"})


def test_today_and_tomorrow_resolve_in_the_time_zone() -> None:
    """23:30 UTC is already the next day in Berlin."""
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert HorizonConfig(start="today", tz=ZONE).first_day(late) == dt.date(2026, 11, 23)
    assert HorizonConfig(start="tomorrow", tz=ZONE).first_day(late) == dt.date(2026, 11, 24)


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


def test_validate_writes_a_report_of_every_problem(tmp_path: Path, capsys) -> None:
    """Two bad cells in an Excel file: exit 2, one report row each with file, row, column and value."""
    orders = sample("orders")
    orders.loc[2, "lat"] = "95"
    orders.loc[4, "skills"] = "hvac:x"
    path = tmp_path / "orders.xlsx"
    orders.to_excel(path, index=False)
    report = tmp_path / "validation.csv"
    code = main(["validate", "--config", str(write_config(tmp_path, orders=path)), "--report", str(report)])
    assert code == EXIT_INVALID_INPUT
    rows = pd.read_csv(report, dtype=str)
    assert list(rows.columns) == list(REPORT_COLUMNS)
    assert set(zip(rows["file"], rows["row"], rows["column"], rows["value"])) == {
        ("orders.xlsx", "4", "lat", "95"),
        ("orders.xlsx", "6", "skills", "hvac:x"),
    }
    assert main(["validate", "--config", str(write_config(tmp_path)), "--report", str(report)]) == EXIT_OK
    assert pd.read_csv(report).empty


def test_exit_code_3_when_an_emergency_is_left_unplanned(tmp_path: Path, capsys) -> None:
    """A small day that fits: exit 0. The same with an emergency no technician is skilled
    for: the plan is still written, exit 3, and stderr names the order and why; a high
    order whose windows lie after the horizon belongs to a later run: exit 0."""
    orders = sample("orders").iloc[:0]
    rows = [
        {"order_id": f"O{k}", "lat": "49.49", "lon": f"{8.45 + 0.01 * k:.2f}", "duration_min": "30"} for k in range(3)
    ]
    orders = pd.concat([orders, pd.DataFrame(rows)]).fillna("")
    technicians = sample("technicians").iloc[:2]
    paths = {"orders": tmp_path / "orders.csv", "technicians": tmp_path / "technicians.csv"}
    technicians.to_csv(paths["technicians"], index=False)
    orders.to_csv(paths["orders"], index=False)
    config = write_config(tmp_path, **paths)
    assert main(["plan", "--config", str(config)]) == EXIT_OK
    later = {
        "order_id": "LATER",
        "lat": "49.5",
        "lon": "8.5",
        "duration_min": "30",
        "urgency": "high",
        "windows": "2026-11-25T08:00/2026-11-25T12:00",
    }
    pd.concat([orders, pd.DataFrame([later])]).fillna("").to_csv(paths["orders"], index=False)
    assert main(["plan", "--config", str(config)]) == EXIT_OK
    urgent = {
        "order_id": "E1",
        "lat": "49.5",
        "lon": "8.5",
        "duration_min": "30",
        "urgency": "emergency",
        "skills": "nuclear:5",
    }
    pd.concat([orders, pd.DataFrame([urgent])]).fillna("").to_csv(paths["orders"], index=False)
    capsys.readouterr()
    assert main(["plan", "--config", str(config)]) == EXIT_URGENT_UNPLANNED
    assert (tmp_path / "plan" / "visits.csv").exists()
    assert "emergency order E1 is unplanned: no_skilled_technician" in capsys.readouterr().err


def _malformed() -> list[tuple[str, str, object]]:
    """(table, description, how to break it): a table-changing function, or raw file text."""

    def cell(row: int, column: str, value: str):
        def change(frame: pd.DataFrame) -> pd.DataFrame:
            frame.loc[row, column] = value
            return frame

        return change

    return [
        ("orders", "missing column", lambda f: f.drop(columns=["lat"])),
        ("orders", "wrong type", cell(3, "duration_min", "an hour")),
        ("orders", "latitude out of range", cell(3, "lat", "91.5")),
        ("orders", "longitude out of range", cell(3, "lon", "-181")),
        ("orders", "skill syntax", cell(3, "skills", "hvac:two")),
        ("orders", "skill level too high", cell(3, "skills", "hvac:9")),
        ("orders", "duplicate id", cell(3, "order_id", "O-001")),
        ("orders", "window ends before it starts", cell(3, "windows", "2026-11-23T12:00/2026-11-23T08:00")),
        ("orders", "window syntax", cell(3, "windows", "monday morning")),
        ("orders", "unknown technician", cell(3, "technician", "T-999")),
        ("orders", "unknown urgency", cell(3, "urgency", "asap")),
        ("orders", "huge duration", cell(3, "duration_min", "1e12")),
        ("orders", "infinite load", cell(3, "load", "1e400")),
        ("orders", "negative load", cell(3, "load", "-2")),
        ("orders", "parts syntax", cell(3, "parts", "P-100:many")),
        ("orders", "empty file", ""),
        ("orders", "not a table", "\x00\x01\x02garbage\xff"),
        ("technicians", "shift syntax", cell(1, "shift", "8 to 5")),
        ("technicians", "shift ends before it starts", cell(1, "shift", "17:00-08:00")),
        ("technicians", "break too long", cell(1, "break", "12:00-13:00/999")),
        ("technicians", "weekday", cell(1, "workdays", "Mon;Funday")),
        ("technicians", "duplicate id", cell(1, "technician_id", "T-01")),
        ("technicians", "missing id", cell(1, "technician_id", "")),
        ("technicians", "huge overtime", cell(1, "max_overtime_min", "99999999")),
        ("depots", "hours syntax", cell(0, "hours", "always")),
        ("depots", "stock syntax", cell(0, "stock", "P-100:lots")),
    ]


@pytest.mark.parametrize(("table", "what", "change"), _malformed(), ids=[f"{t}: {w}" for t, w, _ in _malformed()])
def test_malformed_inputs_exit_2_with_a_clear_message_and_write_nothing(
    tmp_path: Path, capsys, table: str, what: str, change: object
) -> None:
    """Each broken export: exit 2, the file named (with row or column where there is
    one), no traceback, no plan folder."""
    path = tmp_path / f"{table}.csv"
    if isinstance(change, str):
        path.write_bytes(change.encode("latin-1"))
    else:
        change(sample(table)).to_csv(path, index=False)
    config = write_config(tmp_path, **{table: path})
    assert main(["plan", "--config", str(config)]) == EXIT_INVALID_INPUT, what
    err = capsys.readouterr().err
    assert f"{table}.csv" in err and "Traceback" not in err, err
    assert "line " in err or "column " in err, err
    assert not (tmp_path / "plan").exists()


def test_a_failed_run_leaves_the_previous_plan_folder_as_it_was(tmp_path: Path, monkeypatch, capsys) -> None:
    """Writing fails half-way (plan.json): exit 4, last night's files untouched, no
    temporary files left; the solver failing: exit 4, the same."""
    config = write_config(tmp_path)
    assert main(["plan", "--config", str(config)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    out = tmp_path / "plan"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import optimizer.io.plan_folder as writers

    real = writers._write_json

    def failing(path: Path, data: object) -> None:
        if path.name == "plan.json":
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(writers, "_write_json", failing)
    assert main(["plan", "--config", str(config), "--seed", "1"]) == EXIT_FAILURE
    assert "disk full" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.")] == []
    monkeypatch.setattr(writers, "_write_json", real)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("optimizer.batch.runner.solve", broken)
    assert main(["plan", "--config", str(config)]) == EXIT_FAILURE
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_shows_on_a_terminal_only() -> None:
    """On a terminal: elapsed time, best objective and planned orders, cleared at the
    end; on a pipe, or for a short solve: nothing."""
    screen = _Terminal()
    with StatusLine(screen, 30, 150, every_s=0.01) as ticker:
        ticker.update(1.0, 5013.0, 148)
        time.sleep(0.1)
    shown = screen.getvalue()
    assert "best 5013.0" in shown and "planned 148/150" in shown and shown.endswith("\r\033[K")
    for stream, limit in ((io.StringIO(), 30), (_Terminal(), 1)):
        with StatusLine(stream, limit, 150, every_s=0.01) as ticker:
            ticker.update(1.0, 5013.0, 148)
            time.sleep(0.05)
        assert stream.getvalue() == ""


def test_the_html_report_is_self_contained_with_a_route_per_technician_day(tmp_path: Path) -> None:
    """report.html: no external resources; each technician-day's route drawn once on its
    day's map; one Gantt service bar per planned visit; every unplanned order listed."""
    assert main(["plan", "--config", str(write_config(tmp_path))]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    page = (tmp_path / "plan" / "report.html").read_text()
    plan = Plan.model_validate_json((tmp_path / "plan" / "plan.json").read_text())
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert page.count("<polyline") == len(plan.routes)
    for route in plan.routes:
        assert page.count(f"<title>{route.technician_id} {route.date}</title></polyline>") == 1
        for order_id in route.order_ids:
            assert page.count(f"<title>{order_id} ") == 1
    for item in plan.unplanned:
        assert f"<td>{item.order_id}</td>" in page


def test_the_same_inputs_and_seed_give_the_same_plan(tmp_path: Path) -> None:
    """Two runs of OR-tools under a work limit write identical visits and unplanned orders."""
    extra = "max_solutions = 30\n"
    config = write_config(tmp_path).read_text().replace('name = "insertion"', 'name = "ortools"\n' + extra)
    written = []
    for run in ("first", "second"):
        path = tmp_path / f"{run}.toml"
        text = config.replace('out = "plan"', f'out = "{run}"').replace('log = "run.log"', "")
        path.write_text(text.replace("time_limit = 5\n", ""))  # the work limit alone ends the search
        assert main(["plan", "--config", str(path)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
        written.append({name: (tmp_path / run / name).read_bytes() for name in ("visits.csv", "unassigned.csv")})
    assert written[0] == written[1]


def test_operator_mistakes_exit_2_without_a_traceback(tmp_path: Path, capsys) -> None:
    """A folder as config, log, report or plan target; a broken .xlsx; a section given
    as a plain value; an unknown start word: each exit 2 with a message, never a traceback."""
    config = write_config(tmp_path)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    not_excel = tmp_path / "orders.xlsx"
    not_excel.write_bytes(b"PK nope")
    plain_input = tmp_path / "plain.toml"
    plain_input.write_text('input = "x"\n[horizon]' + config.read_text().split("[horizon]", 1)[1])
    yesterday = tmp_path / "yesterday.toml"
    yesterday.write_text(config.read_text().replace("start = 2026-11-23", 'start = "yesterday"'))
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    runs = {
        "config is a folder": ["plan", "--config", str(folder)],
        "log is a folder": ["plan", "--config", str(config), "--log", str(folder)],
        "out is a file": ["plan", "--config", str(config), "--out", str(a_file)],
        "not an xlsx": ["plan", "--config", str(config), "--orders", str(not_excel)],
        "section as a value": ["plan", "--config", str(plain_input), "--orders", "x.csv"],
        "unknown start word": ["plan", "--config", str(yesterday)],
        "report is a folder": ["validate", "--config", str(config), "--report", str(folder)],
    }
    for what, argv in runs.items():
        assert main(argv) == EXIT_INVALID_INPUT, what
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.startswith("optimizer:"), (what, err)
    assert not (tmp_path / "plan").exists()
    main(["plan", "--config", str(yesterday)])
    assert "expected a date like 2026-11-23, 'today' or 'tomorrow', got 'yesterday'" in capsys.readouterr().err


def test_files_of_an_earlier_run_do_not_outlive_it(tmp_path: Path) -> None:
    """With output.report = false there is no report.html, not even last night's; a plan
    written where a re-plan was leaves no changes.csv behind."""
    config = write_config(tmp_path)
    assert main(["plan", "--config", str(config)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    out = tmp_path / "plan"
    assert (out / "report.html").exists()
    (out / "changes.csv").write_text("stale\n")
    quiet = tmp_path / "quiet.toml"
    quiet.write_text(config.read_text().replace('log = "run.log"', 'log = "run.log"\nreport = false'))
    assert main(["plan", "--config", str(quiet)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    assert not (out / "report.html").exists() and not (out / "changes.csv").exists()
    assert (out / "manifest.json").exists()


def test_objective_table_sets_the_dispatchers_weights(tmp_path: Path) -> None:
    """Every weight of the objective comes from ``[objective]``; the old linear
    lateness key is refused with its name."""
    config = write_config(tmp_path, "[objective]\nbreach = 0.2\nlate_shares = [0.5]\nlate_spans_min = [60]\n")
    weights = load_config(config, {}).objective
    assert (weights.breach, weights.late_shares, weights.late_spans_min) == (0.2, (0.5,), (60,))
    old = write_config(tmp_path, "[objective]\nlate_per_min = {high = 20}\n")
    with pytest.raises(InvalidProblemError, match="late_per_min"):
        load_config(old, {})


def test_objective_mismatch_is_a_warning_not_a_failure(tmp_path: Path, monkeypatch, caplog) -> None:
    """Where the checker's objective differs from the plan's (and nothing else is wrong),
    the run logs a warning naming both and writes the plan."""
    from optimizer.batch import runner
    from optimizer.check import CheckReport, Violation

    real = runner.check

    def disagreeing(problem, plan):
        report = real(problem, plan)
        assert report.ok
        return CheckReport((Violation("objective_mismatch", "differs"),), report.objective + 1, report.terms)

    monkeypatch.setattr(runner, "check", disagreeing)
    monkeypatch.chdir(tmp_path)
    with caplog.at_level("WARNING"):
        result = runner.run(load_config(write_config(tmp_path), {}))
    assert (tmp_path / "plan" / "visits.csv").is_file()
    assert result.plan.kpis.orders_planned > 0
    assert any(getattr(r, "event", "") == "objective_mismatch" for r in caplog.records)
