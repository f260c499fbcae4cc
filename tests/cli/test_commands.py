"""The command line, through ``main(argv)``: the sample end to end and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer import check
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, main
from optimizer.io.frames import VISIT_COLUMNS
from optimizer.models import Plan, Problem

from conftest import SAMPLES


def plan_args(out: Path, orders: Path = SAMPLES / "orders.csv", *extra: str) -> list[str]:
    """Arguments of ``optimizer plan`` on the sample (orders replaceable)."""
    return [
        "plan",
        "--orders",
        str(orders),
        "--technicians",
        str(SAMPLES / "technicians.csv"),
        "--depots",
        str(SAMPLES / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "3",
        "--tz",
        "Europe/Berlin",
        "--out",
        str(out),
        *extra,
    ]


def test_cli_sample_end_to_end(tmp_path: Path, sample_problem: Problem, capsys) -> None:
    """The sample plans, writes the contract's files, and the written plan passes the checker."""
    out = tmp_path / "plan"
    assert main(plan_args(out, SAMPLES / "orders.csv", "--time-limit", "10")) == EXIT_OK
    assert "Planned" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "kpis.json",
        "manifest.json",
        "plan.json",
        "problem.json",
        "report.html",
        "unassigned.csv",
        "visits.csv",
    ]
    visits = pd.read_csv(out / "visits.csv")
    assert list(visits.columns) == list(VISIT_COLUMNS)
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


def test_cli_bad_input_reports_every_cell(tmp_path: Path, capsys) -> None:
    """Bad cells give exit code 2, each named by file, line and column; nothing is written."""
    orders = pd.read_csv(SAMPLES / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[1, "lat"] = "north"
    orders.loc[4, "windows"] = "2026-11-23T12:00/2026-11-23T08:00"
    bad = tmp_path / "orders.csv"
    orders.to_csv(bad, index=False)
    out = tmp_path / "plan"
    assert main(plan_args(out, bad)) == EXIT_INVALID_INPUT
    err = capsys.readouterr().err
    assert "orders.csv line 3" in err and "'lat'" in err
    assert "orders.csv line 6" in err and "'windows'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_bad_input_leaves_previous_output(tmp_path: Path) -> None:
    """A failed run leaves last night's plan folder untouched."""
    out = tmp_path / "plan"
    out.mkdir()
    (out / "visits.csv").write_text("yesterday\n")
    assert main(plan_args(out, tmp_path / "missing.csv")) == EXIT_INVALID_INPUT
    assert (out / "visits.csv").read_text() == "yesterday\n"


def test_cli_unknown_time_zone(tmp_path: Path, capsys) -> None:
    """An unknown time zone is invalid input, exit code 2."""
    args = plan_args(tmp_path / "plan")
    args[args.index("Europe/Berlin")] = "Mars/Olympus"
    assert main(args) == EXIT_INVALID_INPUT
    assert "Mars/Olympus" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--days", "0"], ["--start", "Monday"], ["--time-limit", "-1"]])
def test_cli_bad_arguments(tmp_path: Path, flag: list[str], capsys) -> None:
    """Bad arguments exit with code 2 and a usage message."""
    with pytest.raises(SystemExit) as exit_info:
        main([*plan_args(tmp_path / "plan"), *flag])
    assert exit_info.value.code == EXIT_INVALID_INPUT
    assert "usage" in capsys.readouterr().err


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
