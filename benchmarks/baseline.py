"""The engine at an earlier git revision, for benchmarks that compare against the
previous version in the same run (``--baseline REV``).

The revision is checked out in a temporary worktree and installed, with its own
compiled search core, into a throwaway virtual environment (about a minute on the
2-core machine; the packages come from the same registries as the project's). Its
``python`` then runs this file's entry point on a problem written as JSON by the
current checkout, so both engines plan the very same problem; the old plan is read
back and scored by the current checker.

    with engine_at("940fa63") as old:
        plan = solve_with(old, problem, time_limit=30, seed=0)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def engine_at(revision: str) -> Iterator[Path]:
    """The ``python`` of a virtual environment holding the engine at git ``revision``,
    removed (with its worktree) on exit."""
    with tempfile.TemporaryDirectory(prefix="baseline-") as folder:
        tree, environment = Path(folder) / "tree", Path(folder) / "venv"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-f", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            venv.create(environment, with_pip=True)
            python = environment / "bin" / "python"
            print(f"installing the engine at {revision} (about a minute) ...", file=sys.stderr, flush=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", str(tree)], check=True, capture_output=True)
            yield python
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def solve_with(
    python: Path, problem: object, *, time_limit: float, seed: int, solver: str = "auto", travel: object = None
) -> object | None:
    """``optimizer.solve(problem, time_limit=..., seed=..., solver=..., travel=...)`` run by
    the engine of ``python`` (see :func:`engine_at`), its plan read back by the current
    models (``None`` where the two versions' plan formats differ). ``travel``, if given, is
    a ``PrecomputedTravel``: its points and matrix go along as numpy arrays."""
    import optimizer
    from optimizer.travel import PrecomputedTravel

    assert isinstance(problem, optimizer.Problem)
    with tempfile.TemporaryDirectory(prefix="baseline-run-") as folder:
        given, answer = Path(folder) / "problem.json", Path(folder) / "plan.json"
        given.write_text(problem.model_dump_json(), encoding="utf-8")
        order: dict[str, object] = {"problem": str(given), "plan": str(answer)}
        if travel is not None:
            assert isinstance(travel, PrecomputedTravel)
            matrix = Path(folder) / "travel.npz"
            full = travel.full
            np.savez(matrix, lat=travel.lat, lon=travel.lon, duration_s=full.duration_s, distance_m=full.distance_m)
            order["travel"] = str(matrix)
        request = json.dumps(order | {"time_limit": time_limit, "seed": seed, "solver": solver})
        subprocess.run([str(python), str(Path(__file__).resolve()), request], check=True, cwd=folder)
        try:
            return optimizer.Plan.model_validate_json(answer.read_text(encoding="utf-8"))
        except ValueError:
            return None


def _solve(request: dict[str, object]) -> None:
    """The entry point run by the old engine: plan the JSON problem (with the travel
    matrix of ``travel``, if any), write the JSON plan."""
    import optimizer
    from optimizer.travel import PrecomputedTravel

    problem = _known_fields(json.loads(Path(str(request["problem"])).read_text(encoding="utf-8")))
    travel = None
    if "travel" in request:
        with np.load(str(request["travel"])) as arrays:
            travel = PrecomputedTravel(arrays["lat"], arrays["lon"], arrays["duration_s"], arrays["distance_m"])
    plan = optimizer.solve(
        problem,
        time_limit=float(str(request["time_limit"])),
        seed=int(str(request["seed"])),
        solver=str(request["solver"]),
        travel=travel,
    )
    Path(str(request["plan"])).write_text(plan.model_dump_json(), encoding="utf-8")


def _known_fields(data: dict[str, object]) -> object:
    """The old engine's ``Problem`` from the current one's JSON ``data``, less the fields
    the old models do not know (features the old engine did not have; named on stderr)."""
    import pydantic

    import optimizer

    dropped: set[str] = set()
    while True:
        try:
            problem = optimizer.Problem.model_validate(data)
            break
        except pydantic.ValidationError as error:
            unknown = [e["loc"] for e in error.errors() if e["type"] == "extra_forbidden"]
            if not unknown:
                raise
            for loc in unknown:
                holder: Any = data
                for key in loc[:-1]:
                    holder = holder[key]
                holder.pop(loc[-1], None)
                dropped.add(str(loc[-1]))
    if dropped:
        print(f"fields the engine at this revision does not know, left out: {sorted(dropped)}", file=sys.stderr)
    return problem


if __name__ == "__main__":
    _solve(json.loads(sys.argv[1]))
