"""What-if scenarios: a variant changes only what it says, and a sweep gives one checked row per scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import optimizer
from optimizer import scenarios
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, main
from optimizer.models import Problem
from optimizer.testing import problems as synthetic

from conftest import sample_flags


def test_a_sweep_gives_one_checked_row_per_scenario_whatever_the_workers(base: Problem) -> None:
    """Base and one more technician: every plan valid, the extra technician plans at least
    as much; two worker processes give the same table as one."""
    extra = base.technicians[0].model_copy(update={"id": "T-NEW"})
    sweep = {"base": base, "one more": base.with_changes(add_technicians=[extra])}
    table, plans = scenarios.run(sweep, time_limit=5, solver="insertion", workers=1)
    assert list(table.columns) == list(scenarios.KPI_COLUMNS)
    assert list(table["scenario"]) == ["base", "one more"] and table["valid"].all()
    assert table.loc[1, "orders_planned"] >= table.loc[0, "orders_planned"]
    assert {name: plan.kpis.objective for name, plan in plans.items()} == dict(
        zip(table["scenario"], table["objective"])
    )
    parallel, _ = scenarios.run(sweep, time_limit=5, solver="insertion", workers=2)
    assert parallel.drop(columns="solve_s").equals(table.drop(columns="solve_s"))


def test_a_sweep_on_the_cluster_equals_the_sequential_one(client: Any) -> None:
    base = synthetic.problem(60, 5, seed=1)
    variants = {"base": base, "two days": base.with_changes(days=2)}
    settings = {"time_limit": 5.0, "max_solutions": 30}
    on_cluster, plans = scenarios.run(variants, client=client, **settings)
    in_process, _ = scenarios.run(variants, workers=1, **settings)
    columns = [c for c in scenarios.KPI_COLUMNS if c != "solve_s"]
    assert on_cluster[columns].equals(in_process[columns])
    assert all(optimizer.check(variants[name], plan).ok for name, plan in plans.items())


def test_a_sweep_file_runs_on_the_cluster_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        '[scenario.base]\n[scenario."overtime"]\n'
        'update_technicians = { "T-01" = { max_overtime_min = 120 } }\n'
        '[scenario."travel costs more"]\nweights = { travel_per_min = 3.0 }\n'
    )
    out = tmp_path / "kpis.csv"
    flags = [
        *sample_flags(1),
        "--time-limit",
        "20",
        "--max-solutions",
        "5",
    ]
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--workers", "2", "--out", str(out)]) == EXIT_OK
    table = pd.read_csv(out)
    assert list(table["scenario"]) == ["base", "overtime", "travel costs more"]
    assert table["valid"].all()
    sequential = tmp_path / "sequential.csv"
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--out", str(sequential)]) == EXIT_OK
    columns = [c for c in scenarios.KPI_COLUMNS if c != "solve_s"]
    assert table[columns].equals(pd.read_csv(sequential)[columns])

    sweep.write_text('[scenario."bad"]\nupdate_technicians = { "T-99" = { max_overtime_min = 1 } }\n')
    capsys.readouterr()
    assert main(["sweep", *flags, "--scenarios", str(sweep), "--out", str(tmp_path / "bad.csv")]) == EXIT_INVALID_INPUT
    assert "sweep.toml, column 'scenario.bad': " in capsys.readouterr().err
    assert not (tmp_path / "bad.csv").exists()
