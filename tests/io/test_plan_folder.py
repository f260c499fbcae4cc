"""The plan folder: written atomically, a failed run changes nothing, and files of an
earlier run do not outlive it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli import EXIT_FAILURE, EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.io.frames import visits_frame
from optimizer.io.plan_folder import PLAN_FILES, write_plan
from optimizer.models import Plan, Problem

from conftest import write_config


def test_writer_replaces_files_atomically(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    """Writing twice replaces the files and leaves no temporary folders behind."""
    out = tmp_path / "plan"
    write_plan(problem, plan, out)
    write_plan(problem, plan, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)
    assert len(pd.read_csv(out / "visits.csv")) == len(visits_frame(plan))


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


def test_german_csv_dialect_has_semicolons_and_decimal_commas(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    """csv_dialect "de": ';' between fields and ',' before decimals, read back as numbers
    by pandas with that dialect; timestamps keep ISO 8601."""
    out = tmp_path / "plan"
    write_plan(problem, plan, out, csv_dialect="de")
    text = (out / "visits.csv").read_text()
    assert text.splitlines()[0].startswith("technician_id;technician_name;date;seq")
    visits = pd.read_csv(out / "visits.csv", sep=";", decimal=",")
    assert visits["travel_km"].dtype == float
    assert visits["travel_km"].sum() == pytest.approx(plan.kpis.travel_km, abs=0.01)
    assert "T" in str(visits["start"].iloc[0])
