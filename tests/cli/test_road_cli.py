"""The command line on road travel: ``--travel osm=FILE`` and ``--travel osrm=URL``,
the ``[travel]`` table of a configuration file, what the manifest records, re-plans
that keep the source, and the errors (a missing map, a place off the map, a server
that does not answer)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import optimizer
from optimizer.cli import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.io.plan_folder import read_plan
from optimizer.travel import OsmTravel

from conftest import SAMPLES

PLANNED = (EXIT_OK, EXIT_URGENT_UNPLANNED)


@pytest.fixture(scope="module")
def helsinki_exports(helsinki_pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's first 40 orders, its 12 technicians and 2 depots, moved onto road
    junctions of central Helsinki; as CSV files in a folder."""
    folder = tmp_path_factory.mktemp("helsinki-exports")
    graph = OsmTravel(helsinki_pbf, cache_dir=False).graph
    tables = {
        "orders": pd.read_csv(SAMPLES / "orders.csv", dtype=str).head(40),
        "technicians": pd.read_csv(SAMPLES / "technicians.csv", dtype=str),
        "depots": pd.read_csv(SAMPLES / "depots.csv", dtype=str),
    }
    pick = iter(np.random.default_rng(11).choice(graph.nodes, sum(len(t) for t in tables.values()), replace=False))
    for name, table in tables.items():
        nodes = [next(pick) for _ in range(len(table))]
        table["lat"] = [f"{graph.lat[k]:.7f}" for k in nodes]
        table["lon"] = [f"{graph.lon[k]:.7f}" for k in nodes]
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def plan_args(exports: Path, out: Path, *extra: str) -> list[str]:
    return [
        "plan",
        "--orders",
        str(exports / "orders.csv"),
        "--technicians",
        str(exports / "technicians.csv"),
        "--depots",
        str(exports / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "2",
        "--tz",
        "Europe/Helsinki",
        "--time-limit",
        "3",
        "--max-solutions",
        "50",
        "--out",
        str(out),
        *extra,
    ]


def test_plan_on_the_embedded_graph_records_the_map(helsinki_exports: Path, helsinki_pbf: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert main(plan_args(helsinki_exports, out, "--travel", f"osm={helsinki_pbf}")) in PLANNED
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["travel"]
    assert record["source"] == "osm"
    assert record["osm_file"]["path"] == str(helsinki_pbf)
    assert len(record["osm_file"]["sha256"]) == 64
    problem, plan = read_plan(out)
    assert problem.travel.source == "osm" and problem.travel.osm_file == helsinki_pbf
    assert optimizer.check(problem, plan).ok


def test_replan_keeps_the_travel_source(helsinki_exports: Path, helsinki_pbf: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "plan", tmp_path / "replan"
    assert main(plan_args(helsinki_exports, first, "--travel", f"osm={helsinki_pbf}")) in PLANNED
    _, before = read_plan(first)
    tuesday = next(r.stops[1].order_id for r in before.routes if r.date.day == 24 and len(r.stops) > 2)
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


def test_plan_on_osrm_records_the_server(helsinki_exports: Path, helsinki_osrm: str, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert main(plan_args(helsinki_exports, out, "--travel", f"osrm={helsinki_osrm}")) in PLANNED
    record = json.loads((out / "manifest.json").read_text())["travel"]
    assert record["source"] == "osrm" and record["osrm_url"] == helsinki_osrm
    assert record["description"] == f"OSRM at {helsinki_osrm} (driving)"
    problem, plan = read_plan(out)
    assert optimizer.check(problem, plan).ok


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


def test_a_missing_map_is_invalid_input(helsinki_exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "plan"
    assert main(plan_args(helsinki_exports, out, "--travel", f"osm={tmp_path / 'none.osm.pbf'}")) == EXIT_INVALID_INPUT
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
    assert main(plan_args(exports, out, "--travel", f"osm={helsinki_pbf}")) == EXIT_INVALID_INPUT
    error = capsys.readouterr().err
    assert f"orders ({orders.loc[2, 'order_id']!r}), column 'lat/lon': cannot be routed" in error
    assert not out.exists()


def test_a_server_that_does_not_answer_fails_cleanly(
    helsinki_exports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    out = tmp_path / "plan"
    assert main(plan_args(helsinki_exports, out, "--travel", "osrm=http://127.0.0.1:9")) == EXIT_FAILURE
    error = capsys.readouterr().err
    assert "OSRM at http://127.0.0.1:9 did not answer" in error and "Traceback" not in error
    assert not out.exists()


@pytest.mark.parametrize("given", ["osrm", "osm=", "google=http://x", "haversine=2"])
def test_a_malformed_travel_flag_is_a_usage_error(given: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--orders", "o.csv", "--technicians", "t.csv", "--start", "2026-11-23", "--travel", given])
    assert exited.value.code == 2
    assert "expected haversine, osrm=URL or osm=FILE.pbf" in capsys.readouterr().err
