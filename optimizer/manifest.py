"""The run manifest: what produced a plan folder, so a night's run can be audited and
repeated (``manifest.json``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from optimizer.models import Plan

_PACKAGES = ("optimizer", "ortools", "pyvrp", "pyvroom", "numpy", "pandas", "pydantic")


def file_digest(path: Path) -> dict[str, Any]:
    """Path, size in bytes and SHA-256 of one input file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def run_manifest(
    *, command: list[str], settings: dict[str, Any], inputs: list[Path], timings_s: dict[str, float], plan: Plan
) -> dict[str, Any]:
    """The manifest of one run: versions, command, input digests, settings (seed
    included), timings in seconds and the plan's headline figures."""
    return {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "versions": {"python": platform.python_version(), **{p: _version(p) for p in _PACKAGES}},
        "platform": f"{platform.system()} {platform.machine()}",
        "inputs": [file_digest(p) for p in inputs],
        "settings": settings,
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


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def command_line() -> list[str]:
    """The command as invoked."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]
