"""Write a plan folder atomically: nothing is half-written, a failed run changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from optimizer.io.frames import unassigned_frame, visits_frame
from optimizer.models import Plan

PLAN_FILES = ("visits.csv", "unassigned.csv", "kpis.json", "plan.json")


def write_plan(plan: Plan, out: str | os.PathLike[str]) -> Path:
    """Write ``visits.csv``, ``unassigned.csv``, ``kpis.json`` and ``plan.json`` into ``out``.

    All files are first written to a temporary folder beside ``out``; each is then moved
    into place with an atomic rename, so readers never see a partial file.
    """
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        visits = visits_frame(plan)
        for column in ("arrival", "start", "end"):
            visits[column] = visits[column].map(lambda t: t.isoformat())
        visits.to_csv(staging / "visits.csv", index=False)
        unassigned_frame(plan).to_csv(staging / "unassigned.csv", index=False)
        _write_json(staging / "kpis.json", plan.kpis.model_dump(mode="json"))
        _write_json(staging / "plan.json", plan.to_json_dict())
        target.mkdir(exist_ok=True)
        for name in PLAN_FILES:
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
