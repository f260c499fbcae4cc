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
