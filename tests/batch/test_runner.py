"""The nightly batch: a configured run writes its plan, manifest and log; exit codes;
malformed exports; reproducible runs; re-plans keep their travel source; a checker
disagreeing on the objective only warns."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer.batch.config import load_config
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED, main
from optimizer.io.plan_folder import read_plan
from optimizer.models import StopKind

from conftest import PLANNED, helsinki_plan_args, sample, write_config


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
        "region_time_limit": None,
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
        ("orders", "required column twice", lambda f: f.rename(columns={"lon": "lat"})),
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


_STRUCTURAL = {"missing column", "required column twice", "empty file", "not a table"}
"""The defects of :func:`_malformed` that leave nothing sensible to plan; every other
one spoils a single row."""


@pytest.mark.parametrize(("table", "what", "change"), _malformed(), ids=[f"{t}: {w}" for t, w, _ in _malformed()])
def test_malformed_inputs_set_the_row_aside_or_exit_2_writing_nothing(
    tmp_path: Path, capsys, table: str, what: str, change: object
) -> None:
    """Each broken export, as the input policy says: a structural defect exits 2 naming
    the file (and column), writing nothing; a bad row is set aside, listed in
    rejected.csv with its file and line, and the rest is planned (exit 5, or 3 where an
    urgent order is unplanned); with --strict the bad row refuses the whole input. Never
    a traceback."""
    path = tmp_path / f"{table}.csv"
    if isinstance(change, str):
        path.write_bytes(change.encode("latin-1"))
    else:
        change(sample(table)).to_csv(path, index=False)
    config = write_config(tmp_path, **{table: path})
    runs = [["--strict"]] if what in _STRUCTURAL else [["--strict"], []]
    for flags in runs:
        code = main(["plan", "--config", str(config), *flags])
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        if flags or what in _STRUCTURAL:
            assert code == EXIT_INVALID_INPUT, what
            assert f"{table}.csv" in err and ("line " in err or "column " in err), err
            assert not (tmp_path / "plan").exists()
            continue
        assert code in (EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED), what
        rejected = pd.read_csv(tmp_path / "plan" / "rejected.csv")
        assert len(rejected) >= 1 and set(rejected["file"]) == {f"{table}.csv"}, rejected
        assert rejected["row"].notna().all()
        assert "set aside for a bad cell (rejected.csv)" in err


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


def test_replan_keeps_the_travel_source(helsinki_exports: Path, helsinki_pbf: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "plan", tmp_path / "replan"
    assert main(helsinki_plan_args(helsinki_exports, first, "--travel", f"osm={helsinki_pbf}")) in PLANNED
    _, before = read_plan(first)
    tuesday = next(s.order_id for r in before.routes if r.date.day == 24 for s in r.stops if s.kind is StopKind.ORDER)
    events = tmp_path / "events.csv"
    events.write_text(f"event,time,order_id\nnow,2026-11-23T11:00,\ncancel,,{tuesday}\n")
    assert (
        main(["replan", "--plan", str(first), "--events", str(events), "--out", str(second), "--time-limit", "3"])
        in PLANNED
    )
    assert json.loads((second / "manifest.json").read_text())["travel"]["source"] == "osm"
    problem, plan = read_plan(second)
    assert problem.travel.osm_file == helsinki_pbf
    assert optimizer.check(problem, plan).ok


def test_a_nights_export_with_defects_plans_with_its_repairs_and_rows_set_aside(tmp_path: Path, capsys) -> None:
    """The issue's export: a customer window repeated in its cell and an urgency in
    another case are repaired (counted on stderr, listed in the manifest, logged); a
    technician whose shift cannot be read is set aside (rejected.csv), and the order that
    requires him is reported unplanned naming his row; the rest is planned."""
    orders = sample("orders")
    repeated = "2026-11-24T08:00/2026-11-24T11:00;2026-11-24T08:00/2026-11-24T11:00"
    orders.loc[0, "windows"] = repeated
    orders.loc[1, "urgency"] = "High"
    technicians = sample("technicians")
    technicians.loc[technicians["technician_id"] == "T-05", "shift"] = "25:00-17:00"
    paths = {"orders": tmp_path / "orders.csv", "technicians": tmp_path / "technicians.csv"}
    orders.to_csv(paths["orders"], index=False)
    technicians.to_csv(paths["technicians"], index=False)

    code = main(["plan", "--config", str(write_config(tmp_path, **paths)), "--time-limit", "3"])

    out = tmp_path / "plan"
    assert code in (EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED)
    rejected = pd.read_csv(out / "rejected.csv", dtype=str)
    assert list(zip(rejected["file"], rejected["id"], rejected["column"])) == [("technicians.csv", "T-05", "shift")]
    unassigned = pd.read_csv(out / "unassigned.csv", dtype=str).set_index("order_id")
    assert unassigned.loc["O-083", "reason"] == "depends_on_rejected_row"
    assert "'T-05' was set aside (technicians.csv line" in unassigned.loc["O-083", "detail"]
    row = orders.set_index("order_id").loc["O-083"]
    assert unassigned.loc["O-083", "order_type"] == row["type"]  # the order as read, though not in the problem
    problem, _ = read_plan(out)
    assert "O-083" not in {o.id for o in problem.orders} and len(problem.orders) == len(orders) - 1
    assert len(problem.order_by_id["O-001"].windows) == 1
    assert problem.order_by_id["O-002"].urgency.value == "high"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["repairs"]["by_kind"] == {"windows_merged": 1, "case_normalised": 1}
    assert manifest["repairs"]["cells"][0]["value"].count("/") == 2
    assert manifest["input"]["orders_depending_on_them"] == ["O-083"]
    err = capsys.readouterr().err
    assert "1 input row set aside" in err and "2 cells repaired (1 case normalised, 1 windows merged" in err
    events = [json.loads(line)["event"] for line in (tmp_path / "run.log").read_text().splitlines()]
    assert {"row_set_aside", "depends_on_rejected_row", "repaired"} <= set(events)


def test_replan_writes_its_folder_as_the_plan_was_written(tmp_path: Path) -> None:
    """A plan written with csv_dialect "de" and no workbook: its re-plan is too."""
    from conftest import SAMPLES

    config = write_config(tmp_path, extra='csv_dialect = "de"\nworkbook = false\n')
    assert main(["plan", "--config", str(config)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    first, second = tmp_path / "plan", tmp_path / "replan"
    events = str(SAMPLES / "events.csv")
    assert main(
        ["replan", "--plan", str(first), "--events", events, "--max-solutions", "20", "--out", str(second)]
    ) in (
        EXIT_OK,
        EXIT_URGENT_UNPLANNED,
    )
    for folder in (first, second):
        assert (folder / "visits.csv").read_text().startswith("technician_id;technician_name;")
        assert not (folder / "plan.xlsx").exists()
    assert (second / "changes.csv").read_text().split("\n", 1)[0].count(";") > 3
