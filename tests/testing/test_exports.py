"""Fuzzing as a test: seeded malformed exports (:mod:`optimizer.testing.exports`) read
as the nightly batch reads them, and a few dozen planned by ``optimizer plan``.

The input policy (docs/configuration.md, "Input policy") must hold for every one: a
structural defect refuses the input (exit 2, nothing written, the file named on
stderr), a bad cell sets its row aside (listed in rejected.csv, exit 5 or 3), a benign
defect is repaired (exit 0 or 3); never exit 4, a traceback or an exception. The
checkers themselves are shown to flag wrong outcomes, and the generator to be seeded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED
from optimizer.testing.exports import (
    KIND_NAMES,
    KINDS,
    PlanRun,
    malformed_export,
    read_problems,
    run_plan,
    run_problems,
)

from conftest import SAMPLES

READ_SEEDS = range(4 * len(KINDS))
"""Every kind of defect four times over (seed n draws kind n mod len(KINDS))."""
PLAN_SEEDS = range(10_000, 10_000 + len(KINDS))
"""Exports planned end to end, every kind once (the insertion back-end plans the sample
in a fraction of a second)."""
SOLVER = ("--solver", "insertion", "--time-limit", "1")


@pytest.mark.parametrize("seed", READ_SEEDS)
def test_the_reader_follows_the_input_policy_on_a_fuzzed_export(seed: int, tmp_path: Path) -> None:
    """``read_tables`` refuses a structural defect naming the file, sets aside exactly
    the rows with a bad cell (and the strict reading refuses them), reads or sets aside
    every record, and raises nothing else."""
    mutation = malformed_export(seed, tmp_path)
    problems = read_problems(mutation)
    assert not problems, f"{mutation}\n" + "\n".join(problems)


@pytest.mark.parametrize("seed", PLAN_SEEDS)
def test_the_nightly_batch_follows_the_input_policy_on_a_fuzzed_export(seed: int, tmp_path: Path) -> None:
    """``optimizer plan`` on a fuzzed export: an exit code the policy allows for the
    defect (never 4), no traceback, nothing written on exit 2, else the plan folder
    with rejected.csv listing exactly the rows set aside, and exit 3 exactly when an
    urgent order is unplanned."""
    mutation = malformed_export(seed, tmp_path / "exports")
    out = tmp_path / "plan"
    run = run_plan(mutation, out, *SOLVER)
    problems = run_problems(mutation, run, out)
    assert not problems, f"{mutation}\n" + "\n".join(problems)


def test_a_zero_byte_orders_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    mutation = malformed_export(0, tmp_path / "exports", kind="zero_bytes", table="orders")
    assert mutation.file.stat().st_size == 0 and mutation.refused is True
    out = tmp_path / "plan"
    run = run_plan(mutation, out, *SOLVER)
    assert run.code == EXIT_INVALID_INPUT, run.stderr
    assert not out.exists()
    assert mutation.file.name in run.stderr and "Traceback" not in run.stderr
    assert run_problems(mutation, run, out) == []


def test_one_bad_number_sets_its_row_aside_and_the_rest_is_planned(tmp_path: Path) -> None:
    """One corrupted number in the orders: that line alone in rejected.csv (file, line,
    id, column, value), every other order planned or reported unplanned, exit 5 (or 3);
    with --strict the same input is refused."""
    mutation = malformed_export(3, tmp_path / "exports", kind="bad_number", table="orders", combine=False)
    ((name, line),) = mutation.rows
    assert name == mutation.file.name and mutation.expect == "set_aside"
    out = tmp_path / "plan"
    run = run_plan(mutation, out, *SOLVER)
    assert run.code in (EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED), run.stderr
    rejected = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    assert list(zip(rejected["file"], rejected["row"])) == [(name, str(line))]
    (bad_id,) = set(rejected["id"])
    visits = pd.read_csv(out / "visits.csv", dtype=str, keep_default_na=False)
    unassigned = pd.read_csv(out / "unassigned.csv", dtype=str, keep_default_na=False)
    accounted = set(visits.loc[visits["kind"] == "order", "order_id"]) | set(unassigned["order_id"])
    everyone = set(pd.read_csv(SAMPLES / "orders.csv", dtype=str)["order_id"])
    assert accounted == everyone - {bad_id}
    assert run_problems(mutation, run, out) == []
    strict = run_plan(mutation, tmp_path / "strict", *SOLVER, "--strict")
    assert strict.code == EXIT_INVALID_INPUT and not (tmp_path / "strict").exists()
    assert f"{name} line {line}" in strict.stderr or f"{name} row {line}" in strict.stderr, strict.stderr


def test_a_repaired_export_is_planned_without_rows_set_aside(tmp_path: Path) -> None:
    mutation = malformed_export(1, tmp_path / "exports", kind="repeated_windows", combine=False)
    assert mutation.expect == "planned" and mutation.exit_codes == {EXIT_OK, EXIT_URGENT_UNPLANNED}
    assert read_problems(mutation) == []


def test_the_checkers_flag_what_the_policy_forbids(tmp_path: Path) -> None:
    """A refused input that was planned, exit 4, a traceback, an exception escaping main,
    a plan folder written on exit 2, rows not set aside, a reading that refuses what
    must be read: each is reported."""
    refused = malformed_export(0, tmp_path / "a", kind="zero_bytes", table="technicians")
    out = tmp_path / "a" / "plan"
    assert any("expected refused" in p for p in run_problems(refused, PlanRun(EXIT_OK, "", "", 0.0), out))
    assert any("exit 4" in p for p in run_problems(refused, PlanRun(EXIT_FAILURE, "", "boom", 0.0), out))
    traced = PlanRun(EXIT_INVALID_INPUT, "", "invalid input\nTraceback (most recent call last):\n", 0.0)
    assert any("traceback" in p for p in run_problems(refused, traced, out))
    assert any("escaped" in p for p in run_problems(refused, PlanRun(None, "", "KeyError", 0.0), out))
    out.mkdir()
    assert any(
        "was written" in p for p in run_problems(refused, PlanRun(EXIT_INVALID_INPUT, "", "invalid input", 0.0), out)
    )
    bad = malformed_export(5, tmp_path / "b", kind="bad_number", table="depots", combine=False)
    folder = tmp_path / "b" / "plan"
    folder.mkdir()
    for name in ("visits.csv", "unassigned.csv"):
        pd.DataFrame(columns=["order_id", "urgency", "reason"]).to_csv(folder / name, index=False)
    pd.DataFrame(columns=["file", "row", "id", "column", "value", "message"]).to_csv(
        folder / "rejected.csv", index=False
    )
    problems = run_problems(bad, PlanRun(EXIT_ROWS_SET_ASIDE, "", "", 0.0), folder)
    assert any("rows not set aside" in p for p in problems) and any("lists no row" in p for p in problems)
    planned = malformed_export(2, tmp_path / "c", kind="header_spaces")
    assert read_problems(planned) == []
    assert read_problems(dataclasses.replace(planned, refused=True)) == ["read (0 issues), expected refused"]
    assert any(
        "records" in p for p in read_problems(dataclasses.replace(planned, records={**planned.records, "orders": 151}))
    )
    assert any("refused, expected" in p for p in read_problems(dataclasses.replace(refused, refused=False)))


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    """Every kind once: two runs of a seed write identical files (Excel and Parquet
    included) and the same mutation, seed n drawing kind n; other seeds draw other
    tables, columns, rows and values."""
    formats = set()
    for seed in range(len(KINDS)):
        first = malformed_export(seed, tmp_path / f"{seed}-a")
        again = malformed_export(seed, tmp_path / f"{seed}-b")
        assert dataclasses.replace(first, paths={}) == dataclasses.replace(again, paths={})
        for name, path in first.paths.items():
            assert path.read_bytes() == again.paths[name].read_bytes(), (seed, name)
        assert first.defects[0].kind == KIND_NAMES[seed]
        formats.add(first.file.suffix)
    assert formats == {".csv", ".xlsx", ".parquet"}
    drawn = {malformed_export(seed, tmp_path / "d", kind="bad_number").description for seed in range(10)}
    assert len(drawn) >= 8, drawn


def test_an_unknown_kind_or_a_table_it_does_not_apply_to_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        malformed_export(0, tmp_path, kind="gremlins")
    with pytest.raises(ValueError, match="does not apply"):
        malformed_export(0, tmp_path, kind="bad_windows", table="depots")
