"""The commands, through ``main(argv)``: the sample end to end, a re-plan, bad input,
operator mistakes and failing travel sources, each with its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer import check
from optimizer.cli import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED, main
from optimizer.io.frames import OFFER_COLUMNS, ORDER_COLUMNS, VISIT_COLUMNS
from optimizer.io.plan_folder import read_plan
from optimizer.models import Plan, Problem
from optimizer.outputs.diff import CHANGE_COLUMNS

from conftest import (
    EVENT_ROWS,
    SAMPLES,
    helsinki_plan_args,
    plan_args,
    sample_flags,
    write_config,
    write_events_csv,
)


def test_cli_sample_end_to_end(tmp_path: Path, sample_problem: Problem, capsys) -> None:
    """The sample plans, writes the contract's files, and the written plan passes the checker."""
    out = tmp_path / "plan"
    assert main(plan_args(out, SAMPLES / "orders.csv", "--time-limit", "10")) == EXIT_OK
    assert "Planned" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "costs.csv",
        "kpis.json",
        "manifest.json",
        "plan.json",
        "plan.xlsx",
        "problem.json",
        "rejected.csv",
        "report.html",
        "technicians.csv",
        "unassigned.csv",
        "visits.csv",
    ]
    assert pd.read_csv(out / "rejected.csv").empty
    visits = pd.read_csv(out / "visits.csv")
    assert list(visits.columns) == ["technician_id", "technician_name", *VISIT_COLUMNS[1:], *ORDER_COLUMNS[1:]]
    assert visits["technician_name"].notna().all()
    assert set(visits["kind"]) <= {"start", "pickup", "order", "break", "end"}
    pickups = visits[visits["kind"] == "pickup"]
    assert pickups["depot_id"].notna().all() and pickups["order_id"].isna().all()
    plan = Plan.model_validate_json((out / "plan.json").read_text())
    report = check(sample_problem, plan)
    assert report.ok, str(report)
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["objective"] == pytest.approx(report.objective)
    unassigned = pd.read_csv(out / "unassigned.csv")
    assert len(unassigned) == kpis["orders_total"] - kpis["orders_planned"]
    assert kpis["unplanned_by_urgency"]["emergency"] == 0
    assert visits["order_id"].dropna().is_unique
    costs = pd.read_csv(out / "costs.csv")
    assert costs["total"].sum() == pytest.approx(kpis["objective"], rel=1e-9)
    for term, value in kpis["objective_terms"].items():
        assert costs[term].sum() == pytest.approx(value, rel=1e-9, abs=1e-6)
    technicians = pd.read_csv(out / "technicians.csv")
    used = technicians[technicians["orders"] > 0]
    assert len(used) == kpis["technician_days_used"]
    assert used["travel_km"].sum() == pytest.approx(kpis["travel_km"], rel=1e-6)


def test_cli_bad_input_reports_every_cell(tmp_path: Path, capsys) -> None:
    """Bad cells set their rows aside: exit 5, the plan of the other 148 orders, each bad
    cell in rejected.csv by file, line, id, column and value. With --strict: exit 2, each
    named on stderr, nothing written."""
    orders = pd.read_csv(SAMPLES / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[1, "lat"] = "north"
    orders.loc[4, "windows"] = "2026-11-23T12:00/2026-11-23T08:00"
    bad = tmp_path / "orders.csv"
    orders.to_csv(bad, index=False)
    out = tmp_path / "plan"
    assert main(plan_args(out, bad, "--strict")) == EXIT_INVALID_INPUT
    err = capsys.readouterr().err
    assert "orders.csv line 3" in err and "'lat'" in err
    assert "orders.csv line 6" in err and "'windows'" in err
    assert "Traceback" not in err
    assert not out.exists()

    assert main(plan_args(out, bad, "--time-limit", "3")) == EXIT_ROWS_SET_ASIDE
    assert "2 input rows set aside for a bad cell (rejected.csv)" in capsys.readouterr().err
    rejected = pd.read_csv(out / "rejected.csv", dtype=str)
    assert list(zip(rejected["file"], rejected["row"], rejected["id"], rejected["column"], rejected["value"])) == [
        ("orders.csv", "3", "O-002", "lat", "north"),
        ("orders.csv", "6", "O-005", "windows", "2026-11-23T12:00/2026-11-23T08:00"),
    ]
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["orders_total"] == len(orders) - 2


def test_cli_bad_input_leaves_previous_output(tmp_path: Path) -> None:
    """A failed run leaves last night's plan folder untouched."""
    out = tmp_path / "plan"
    out.mkdir()
    (out / "visits.csv").write_text("yesterday\n")
    assert main(plan_args(out, tmp_path / "missing.csv")) == EXIT_INVALID_INPUT
    assert (out / "visits.csv").read_text() == "yesterday\n"


def test_cli_unknown_time_zone(tmp_path: Path, capsys) -> None:
    """An unknown time zone is invalid input, exit code 2, as a flag (a usage error) or
    in the configuration file (an input problem)."""
    args = plan_args(tmp_path / "plan")
    args[args.index("Europe/Berlin")] = "Mars/Olympus"
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == EXIT_INVALID_INPUT
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace('tz = "Europe/Berlin"', 'tz = "Europe/Berln"'))
    assert main(["plan", "--config", str(config)]) == EXIT_INVALID_INPUT
    assert "(did you mean 'Europe/Berlin'?)" in capsys.readouterr().err


def test_cli_unseen_instance_plans_urgent_first(tmp_path: Path) -> None:
    """A generated instance it has never seen: valid plan, urgent work planned first."""
    from optimizer.testing import problems as synthetic

    tables = synthetic.generate(300, 20, days=2, seed=11)
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    out = tmp_path / "plan"
    args = [
        "plan",
        "--orders",
        str(tmp_path / "orders.csv"),
        "--technicians",
        str(tmp_path / "technicians.csv"),
        "--depots",
        str(tmp_path / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "2",
        "--tz",
        "Europe/Berlin",
        "--time-limit",
        "5",
        "--out",
        str(out),
    ]
    assert main(args) == EXIT_OK
    problem = optimizer.read_problem(
        tmp_path / "orders.csv",
        tmp_path / "technicians.csv",
        tmp_path / "depots.csv",
        start="2026-11-23",
        days=2,
        tz="Europe/Berlin",
    )
    plan = Plan.model_validate_json((out / "plan.json").read_text())
    assert check(problem, plan).ok
    kpis = plan.kpis
    share = {
        u: kpis.planned_by_urgency[u] / max(1, kpis.planned_by_urgency[u] + kpis.unplanned_by_urgency[u])
        for u in kpis.planned_by_urgency
    }
    assert kpis.unplanned_by_urgency["emergency"] == 0
    assert share["emergency"] >= share["high"] >= share["normal"] >= share["low"]
    assert kpis.unplanned_by_urgency["low"] > 0  # the instance is overloaded, so this means something


def test_cli_replan_writes_the_new_plan_and_its_changes(tmp_path: Path, capsys) -> None:
    """plan the sample day, then replan with the sample events (three emergencies and a
    sick technician at 11:00): exit 0, a checked plan folder whose changes.csv adds the
    emergencies, served today; bad events: exit 2, nothing written."""
    first = tmp_path / "plan"
    args = [
        *sample_flags(1),
        "--time-limit",
        "5",
        "--solver",
        "insertion",
        "--out",
        str(first),
    ]
    assert main(["plan", *args]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    events = SAMPLES / "events.csv"
    second = tmp_path / "replan"
    assert main(
        ["replan", "--plan", str(first), "--events", str(events), "--out", str(second), "--time-limit", "5"]
    ) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    assert "Changes against the previous plan" in capsys.readouterr().out
    changes = pd.read_csv(second / "changes.csv")
    assert list(changes.columns) == list(CHANGE_COLUMNS)
    added = changes[changes["change"] == "added"]
    assert set(added["order_id"]) == {"E-001", "E-002", "E-003"}
    assert (added["date_after"] == "2026-11-23").all()
    problem, plan = read_plan(second)
    assert problem.progress is not None and optimizer.check(problem, plan).ok

    bad = write_events_csv(tmp_path / "bad.csv", [EVENT_ROWS[0], {"event": "cancel", "order_id": "NOPE"}])
    third = tmp_path / "never"
    assert main(["replan", "--plan", str(first), "--events", str(bad), "--out", str(third)]) == EXIT_INVALID_INPUT
    assert "bad.csv, column 'order_id': cancels an unknown order (value 'NOPE')" in capsys.readouterr().err
    assert not third.exists()
    assert (
        main(["replan", "--plan", str(tmp_path / "nowhere"), "--events", str(events), "--out", str(third)])
        == EXIT_INVALID_INPUT
    )


def test_cli_offer_writes_the_windows_of_a_plan_folder(tmp_path: Path, capsys) -> None:
    """plan the sample's Monday, then ask at 10:00 for two-hour windows for a new order
    over two days: exit 0, offers.csv ranked cheapest first with ISO windows after now,
    the days without an offer given a reason; a bad order or two orders: exit 2,
    nothing written."""
    first = tmp_path / "plan"
    args = [*sample_flags(1), "--time-limit", "5", "--solver", "insertion", "--out", str(first)]
    assert main(["plan", *args]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    order = {"order_id": "CALL-1", "lat": 49.48, "lon": 8.46, "duration_min": 60, "type": "repair"}
    (tmp_path / "order.json").write_text(json.dumps(order), encoding="utf-8")
    out = tmp_path / "offers.csv"
    offer = ["offer", "--plan", str(first), "--order", str(tmp_path / "order.json")]
    assert main([*offer, "--now", "2026-11-23T10:00", "--days", "2", "--out", str(out)]) == EXIT_OK
    assert "for order CALL-1 written to" in capsys.readouterr().out
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(OFFER_COLUMNS)
    offered = frame[frame["rank"] != ""]
    assert len(offered) > 0 and offered["rank"].astype(int).tolist() == list(range(1, len(offered) + 1))
    assert offered["cost"].astype(float).is_monotonic_increasing
    starts = pd.to_datetime(offered["start"], utc=True)
    assert (starts >= pd.Timestamp("2026-11-23T09:00Z")).all()
    assert ((pd.to_datetime(offered["end"], utc=True) - starts) == pd.Timedelta(hours=2)).all()
    assert set(frame["date"]) <= {"2026-11-23", "2026-11-24"}
    assert (frame.loc[frame["rank"] == "", "reason"] != "").all()

    (tmp_path / "bad.json").write_text(json.dumps(order | {"lat": 123}), encoding="utf-8")
    (tmp_path / "two.csv").write_text("order_id,lat,lon,duration_min\nA,49.5,8.5,30\nB,49.5,8.5,30\n")
    for name, message in (("bad.json", "bad.json"), ("two.csv", "holds 2 orders")):
        never = tmp_path / f"never-{name}.csv"
        code = main(["offer", "--plan", str(first), "--order", str(tmp_path / name), "--out", str(never)])
        assert code == EXIT_INVALID_INPUT
        assert message in capsys.readouterr().err
        assert not never.exists()


def test_cli_serve_refuses_to_start_without_a_token_or_a_plan(tmp_path: Path, capsys, monkeypatch) -> None:
    """No token (never a flag's value), or no plan folder: exit 2 before listening."""
    monkeypatch.delenv("OPTIMIZER_TOKEN", raising=False)
    assert main(["serve", "--plan", str(tmp_path)]) == EXIT_INVALID_INPUT
    assert "no bearer token: set OPTIMIZER_TOKEN or give --token-file" in capsys.readouterr().err
    monkeypatch.setenv("OPTIMIZER_TOKEN", "t")
    assert main(["serve", "--plan", str(tmp_path / "nowhere")]) == EXIT_INVALID_INPUT
    assert "is it a plan folder?" in capsys.readouterr().err


def test_cli_learn_plan_with_durations_and_risk(tmp_path: Path, capsys) -> None:
    """learn from a generated history of the sample's technicians (one bad row: exit 5,
    the rest learned), plan the sample's Monday with the 0.7 quantile, then add the
    odds to the plan folder: risk.csv, risk_days.csv, expected late visits in kpis.json."""
    from optimizer.testing import histories

    technicians = pd.read_csv(SAMPLES / "technicians.csv")["technician_id"].tolist()
    frame, _ = histories.generate(1500, technicians, seed=1)
    frame = frame.astype({"actual_min": object})
    frame.loc[3, "actual_min"] = "soon"
    frame.to_csv(tmp_path / "history.csv", index=False)
    model = tmp_path / "durations.json"
    assert main(["learn", "--history", str(tmp_path / "history.csv"), "--out", str(model)]) == EXIT_ROWS_SET_ASIDE
    out = capsys.readouterr()
    assert "Learned from 1499 visits" in out.out and "held back: mean absolute error" in out.out
    assert "actual_min" in out.err
    folder = tmp_path / "plan"
    args = [*sample_flags(1), "--time-limit", "5", "--solver", "insertion", "--out", str(folder)]
    assert main(["plan", *args, "--durations", str(model), "--duration-quantile", "0.7"]) in (
        EXIT_OK,
        EXIT_URGENT_UNPLANNED,
    )
    problem, plan = read_plan(folder)
    assert problem.durations is not None and problem.duration_quantile == 0.7 and check(problem, plan).ok
    assert main(["risk", "--plan", str(folder), "--samples", "200"]) == EXIT_OK
    assert "expected late" in capsys.readouterr().out
    risk = pd.read_csv(folder / "risk.csv")
    assert set(risk["order_id"]) == {o for r in plan.routes for o in r.order_ids}
    assert risk["on_time"].between(0, 1).all()
    assert json.loads((folder / "kpis.json").read_text())["expected_late_visits"] == pytest.approx(
        (1 - risk["on_time"]).sum(), abs=0.01
    )
    assert "on time in" in (folder / "report.html").read_text()
    assert main(["learn", "--history", str(tmp_path / "none.csv"), "--out", str(model)]) == EXIT_INVALID_INPUT


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


def test_a_missing_map_is_invalid_input(helsinki_exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "plan"
    assert (
        main(helsinki_plan_args(helsinki_exports, out, "--travel", f"osm={tmp_path / 'none.osm.pbf'}"))
        == EXIT_INVALID_INPUT
    )
    assert "none.osm.pbf" in capsys.readouterr().err and not out.exists()


def test_an_order_off_the_map_is_invalid_input(
    helsinki_exports: Path,
    helsinki_pbf: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    orders = pd.read_csv(helsinki_exports / "orders.csv", dtype=str)
    orders.loc[2, ["lat", "lon"]] = ["60.3", "25.2"]  # 16 km north-east, beyond the extract
    exports = tmp_path / "exports"
    exports.mkdir()
    orders.to_csv(exports / "orders.csv", index=False)
    for name in ("technicians.csv", "depots.csv"):
        (exports / name).write_bytes((helsinki_exports / name).read_bytes())
    out = tmp_path / "plan"
    assert main(helsinki_plan_args(exports, out, "--travel", f"osm={helsinki_pbf}")) == EXIT_INVALID_INPUT
    error = capsys.readouterr().err
    assert f"orders ({orders.loc[2, 'order_id']!r}), column 'lat/lon': cannot be routed" in error
    assert not out.exists()


def test_a_server_that_does_not_answer_fails_cleanly(
    helsinki_exports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    out = tmp_path / "plan"
    assert main(helsinki_plan_args(helsinki_exports, out, "--travel", "osrm=http://127.0.0.1:9")) == EXIT_FAILURE
    error = capsys.readouterr().err
    assert "OSRM at http://127.0.0.1:9 did not answer" in error and "Traceback" not in error
    assert not out.exists()
