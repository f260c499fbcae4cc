"""The run manifest: what produced a plan folder, so a night's run can be audited and
repeated (``manifest.json``)."""

from __future__ import annotations

import datetime as dt
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from optimizer.models import Plan, TravelSettings
from optimizer.travel.cache import file_sha256

_PACKAGES = ("optimizer", "ortools", "pyvrp", "pyvroom", "numpy", "pandas", "pydantic", "scipy", "osmium")


def file_digest(path: Path) -> dict[str, Any]:
    """Path, size in bytes and SHA-256 of one input file."""
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def run_manifest(
    *,
    command: list[str],
    settings: dict[str, Any],
    inputs: list[Path],
    timings_s: dict[str, float],
    plan: Plan,
    travel: TravelSettings,
) -> dict[str, Any]:
    """The manifest of one run: versions, command, input digests, settings (seed
    included), the travel source and its data, timings in seconds and the plan's
    headline figures."""
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "versions": {"python": platform.python_version(), **{p: _version(p) for p in _PACKAGES}},
        "platform": f"{platform.system()} {platform.machine()}",
        "inputs": [file_digest(p) for p in inputs],
        "settings": settings,
        "travel": travel_record(travel),
        "timings_s": {k: round(v, 3) for k, v in timings_s.items()},
        "result": {
            "solver": plan.info.solver,
            "status": plan.info.status,
            "seed": plan.info.seed,
            "objective": plan.kpis.objective,
            "orders_total": plan.kpis.orders_total,
            "orders_planned": plan.kpis.orders_planned,
            "unplanned_by_urgency": {u.value: n for u, n in plan.kpis.unplanned_by_urgency.items()},
        },
    }


def travel_record(travel: TravelSettings) -> dict[str, Any]:
    """Which travel source built the plan, on which data: the settings, a description,
    and for a map file its digest (an OSRM server's data is the server's to record)."""
    record: dict[str, Any] = {"description": travel.describe(), **travel.model_dump(mode="json", exclude_defaults=True)}
    if travel.source == "osm" and travel.osm_file is not None:
        record["osm_file"] = file_digest(travel.osm_file)
    return record


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def command_line() -> list[str]:
    """The command as invoked."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]
