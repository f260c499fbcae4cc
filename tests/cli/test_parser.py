"""The argument parser: malformed arguments are usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.cli import EXIT_INVALID_INPUT, main

from conftest import plan_args


@pytest.mark.parametrize("flag", [["--days", "0"], ["--start", "Monday"], ["--time-limit", "-1"]])
def test_cli_bad_arguments(tmp_path: Path, flag: list[str], capsys) -> None:
    """Bad arguments exit with code 2 and a usage message."""
    with pytest.raises(SystemExit) as exit_info:
        main([*plan_args(tmp_path / "plan"), *flag])
    assert exit_info.value.code == EXIT_INVALID_INPUT
    assert "usage" in capsys.readouterr().err


@pytest.mark.parametrize("given", ["osrm", "osm=", "google=http://x", "haversine=2"])
def test_a_malformed_travel_flag_is_a_usage_error(given: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--orders", "o.csv", "--technicians", "t.csv", "--start", "2026-11-23", "--travel", given])
    assert exited.value.code == 2
    assert "expected haversine, osrm=URL or osm=FILE.pbf" in capsys.readouterr().err


def test_version_and_help_answer_without_loading_the_engine() -> None:
    """``--version`` prints the version; building the parser (all ``--help`` needs)
    loads neither pandas nor numpy, so that help answers at once."""
    import subprocess
    import sys

    import optimizer

    probe = (
        "import sys; from optimizer.cli.parser import build_parser; build_parser(); "
        "print(sorted(m for m in ('pandas', 'numpy', 'ortools') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    shown = subprocess.run([sys.executable, "-m", "optimizer", "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == f"optimizer {optimizer.__version__}"


@pytest.mark.parametrize(
    ("flag", "answer"),
    [
        (["--tz", "Europe/Berln"], "unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)"),
        (["--solver", "serach"], "unknown solver 'serach' (did you mean 'search'?"),
    ],
)
def test_a_mistyped_zone_or_solver_gets_the_nearest_name(flag: list[str], answer: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--orders", "o.csv", "--technicians", "t.csv", "--start", "2026-11-23", *flag])
    assert exited.value.code == EXIT_INVALID_INPUT
    assert answer in capsys.readouterr().err


def test_plan_without_arguments_names_the_flags_it_needs(capsys) -> None:
    assert main(["plan"]) == EXIT_INVALID_INPUT
    err = capsys.readouterr().err
    assert "give --orders and --technicians (or input.orders, input.technicians in the --config file)" in err
    assert "give --start" in err
