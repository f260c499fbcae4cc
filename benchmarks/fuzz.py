"""Fuzzing the nightly batch: ``optimizer plan`` on N seeded malformed exports
(:mod:`optimizer.testing.exports`), each solved by the cheapest back-end.

    python benchmarks/run.py fuzz --count 1000 --out results/fuzz

Seeds ``--seed`` .. ``--seed + --count - 1``; seed n breaks the sample exports with the
kind of defect n mod the catalogue's size (corrupted cells, encodings, truncations,
headers, Excel and Parquet oddities, ...). Each run uses ``--solver insertion`` with a
time limit of ``--time-limit`` seconds, at most one.

Prints, per kind of defect, how many runs ended with each exit code, how many broke the
input policy (an exit code it does not allow for the defect, the wrong rows in
rejected.csv, something written on exit 2, ...) and how many failed outright (exit 4, a
traceback, an exception escaping ``main``: there must be none). Writes one row per
seed to ``OUT/results.csv`` and copies the exports of every run that broke the policy,
with what went wrong, to ``OUT/failures/seed-N/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from optimizer.cli import EXIT_FAILURE
from optimizer.testing.exports import KIND_NAMES, malformed_export, run_plan, run_problems

CODES = (0, 2, 3, 5, 4)
"""The exit codes in the table's column order (4, a failure, last)."""


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One row per seed: the mutation, the exit code, whether it failed outright
    (exit 4, a traceback or an exception) and whether it followed the input policy
    (``valid``)."""
    seconds = min(args.time_limit, 1.0)
    rows = []
    for seed in range(args.seed, args.seed + args.count):
        with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
            exports, out = Path(tmp) / "exports", Path(tmp) / "plan"
            mutation = malformed_export(seed, exports)
            flags = ("--solver", "insertion", "--time-limit", f"{seconds:g}")
            result = run_plan(mutation, out, *flags)
            problems = run_problems(mutation, result, out)
            if problems:
                kept = (args.out / "failures" / f"seed-{seed}").resolve()
                shutil.copytree(exports, kept, dirs_exist_ok=True)
                copies = dataclasses.replace(mutation, paths={n: kept / p.name for n, p in mutation.paths.items()})
                (kept / "problems.txt").write_text(
                    f"{mutation}\n\noptimizer {shlex.join(copies.plan_args(kept / 'plan', *flags))}\n\n"
                    + "\n".join(problems)
                    + f"\n\nstderr:\n{result.stderr}"
                )
        failed = result.code is None or result.code == EXIT_FAILURE or "Traceback" in result.stderr
        rows.append(
            {
                "seed": seed,
                "kind": mutation.kind,
                "table": mutation.table,
                "format": mutation.file.suffix.lstrip("."),
                "description": mutation.description,
                "expect": mutation.expect,
                "exit_code": result.code,
                "failed": failed,
                "problems": " | ".join(p.replace("\n", " ") for p in problems),
                "stderr_tail": result.tail(1),
                "seconds": round(result.seconds, 3),
                "valid": not problems,
            }
        )
    print(table(rows))
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Runs per kind of defect by exit code, failures and input-policy breaches, with a
    total line and the verdict."""
    by_kind: dict[str, Counter[Any]] = defaultdict(Counter)
    for row in rows:
        counts = by_kind[row["kind"]]
        counts["runs"] += 1
        counts["exc" if row["exit_code"] is None else row["exit_code"]] += 1
        counts["failed"] += row["failed"]
        counts["broke"] += not row["valid"]
    order = [k for k in (*KIND_NAMES, "combined") if k in by_kind]
    columns = ["runs", *CODES, "exc", "failed", "broke"]
    width = max(len(k) for k in [*order, "total"])
    lines = [f"{'kind':<{width}} " + " ".join(f"{_title(c):>6}" for c in columns)]
    total: Counter[Any] = Counter()
    for kind in order:
        total.update(by_kind[kind])
        lines.append(f"{kind:<{width}} " + " ".join(f"{by_kind[kind][c]:>6}" for c in columns))
    lines.append(f"{'total':<{width}} " + " ".join(f"{total[c]:>6}" for c in columns))
    lines.append(f"failures (exit 4, a traceback or an exception): {total['failed']} (must be 0)")
    lines.append(f"runs that broke the input policy: {total['broke']} of {total['runs']}")
    return "\n".join(lines)


def _title(column: Any) -> str:
    return f"exit {column}" if isinstance(column, int) else str(column)
