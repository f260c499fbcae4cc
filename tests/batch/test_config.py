"""The configuration of a nightly run: flags over keys, bad keys named, start words,
the objective table and paths relative to the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from optimizer.batch.config import HorizonConfig, load_config
from optimizer.cli import main
from optimizer.exceptions import InvalidProblemError
from optimizer.io.plan_folder import read_plan

from conftest import PLANNED, ZONE, write_config


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


def test_objective_table_sets_the_dispatchers_weights(tmp_path: Path) -> None:
    """Every weight of the objective comes from ``[objective]``; the old linear
    lateness key is refused with its name."""
    config = write_config(tmp_path, "[objective]\nbreach = 0.2\nlate_shares = [0.5]\nlate_spans_min = [60]\n")
    weights = load_config(config, {}).objective
    assert (weights.breach, weights.late_shares, weights.late_spans_min) == (0.2, (0.5,), (60,))
    old = write_config(tmp_path, "[objective]\nlate_per_min = {high = 20}\n")
    with pytest.raises(InvalidProblemError, match="late_per_min"):
        load_config(old, {})


def test_the_configuration_file_names_the_map_relative_to_itself(
    helsinki_exports: Path,
    helsinki_pbf: Path,
    tmp_path: Path,
) -> None:
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "city.osm.pbf").write_bytes(helsinki_pbf.read_bytes())
    config = tmp_path / "run.toml"
    config.write_text(
        f'[input]\norders = "{helsinki_exports / "orders.csv"}"\n'
        f'technicians = "{helsinki_exports / "technicians.csv"}"\n'
        f'[horizon]\nstart = "2026-11-23"\ntz = "Europe/Helsinki"\n'
        f"[solver]\ntime_limit = 2\nmax_solutions = 20\n"
        f'[travel]\nsource = "osm"\nosm_file = "maps/city.osm.pbf"\nmax_snap_m = 500\n'
        f'[output]\nout = "plan"\n'
    )
    assert main(["plan", "--config", str(config)]) in PLANNED
    problem, _ = read_plan(tmp_path / "plan")
    assert problem.travel.osm_file == tmp_path / "maps" / "city.osm.pbf"
    assert problem.travel.max_snap_m == 500
