"""The run manifest records the travel source: the map file with its digest, or the server."""

from __future__ import annotations

import json
from pathlib import Path

import optimizer
from optimizer.cli import main
from optimizer.io.plan_folder import read_plan

from conftest import PLANNED, helsinki_plan_args


def test_plan_on_the_embedded_graph_records_the_map(helsinki_exports: Path, helsinki_pbf: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert main(helsinki_plan_args(helsinki_exports, out, "--travel", f"osm={helsinki_pbf}")) in PLANNED
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["travel"]
    assert record["source"] == "osm"
    assert record["osm_file"]["path"] == str(helsinki_pbf)
    assert len(record["osm_file"]["sha256"]) == 64
    problem, plan = read_plan(out)
    assert problem.travel.source == "osm" and problem.travel.osm_file == helsinki_pbf
    assert optimizer.check(problem, plan).ok


def test_plan_on_osrm_records_the_server(helsinki_exports: Path, helsinki_osrm: str, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert main(helsinki_plan_args(helsinki_exports, out, "--travel", f"osrm={helsinki_osrm}")) in PLANNED
    record = json.loads((out / "manifest.json").read_text())["travel"]
    assert record["source"] == "osrm" and record["osrm_url"] == helsinki_osrm
    assert record["description"] == f"OSRM at {helsinki_osrm} (driving)"
    problem, plan = read_plan(out)
    assert optimizer.check(problem, plan).ok
