"""What-if scenarios: variants of a base problem, solved side by side into one KPI table.

>>> hire = base.with_changes(add_technicians=[base.technician_by_id["T-01"].model_copy(update={"id": "T-13"})])
>>> table, plans = optimizer.scenarios.run({"base": base, "one more": hire}, time_limit=20)  # doctest: +SKIP

Each variant is an ordinary, validated :class:`~optimizer.models.Problem`
(:meth:`Problem.with_changes <optimizer.models.Problem.with_changes>`), so nothing is
copied by hand and the base stays as it was. :func:`run` solves them (in parallel
processes where cores allow), re-checks every plan and returns one row per scenario.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.check import check
from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.models import Plan, Problem, SolveOptions, Urgency
from optimizer.solve import solve, with_options

KPI_COLUMNS = (
    "scenario",
    "objective",
    "orders_total",
    "orders_planned",
    *(f"unplanned_{u.value}" for u in Urgency),
    "technician_days_used",
    "travel_km",
    "travel_min",
    "overtime_min",
    "late_visits",
    "late_min",
    "pickups",
    "solve_s",
    "valid",
)
"""Columns of :func:`run`'s table: costs in objective units, times in minutes (``solve_s`` seconds), km."""


def load_scenarios(path: str | os.PathLike[str], base: Problem) -> dict[str, Problem]:
    """The scenarios of a TOML file, as variants of ``base``: one table per scenario,
    ``[scenario."NAME"]``, whose keys are the arguments of
    :meth:`Problem.with_changes <optimizer.models.Problem.with_changes>` (an empty
    table is the base itself)::

        [scenario.base]
        [scenario."two more days"]
        days = 5
        [scenario."overtime allowed"]
        update_technicians = { "T-01" = { max_overtime_min = 60 } }
        weights = { travel_per_min = 2.0 }

    Raises :class:`~optimizer.exceptions.InvalidProblemError` naming the file and the scenario.
    """
    file = Path(path)
    try:
        tables = tomllib.loads(file.read_text(encoding="utf-8")).get("scenario")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidProblemError([InputIssue(file.name, None, None, f"cannot be read as TOML: {error}")]) from None
    if not isinstance(tables, dict) or not tables or not all(isinstance(t, dict) for t in tables.values()):
        raise InvalidProblemError(
            [InputIssue(file.name, None, "scenario", 'expected tables [scenario."NAME"]', row_kind="")]
        )
    scenarios, issues = {}, []
    for name, changes in tables.items():
        try:
            scenarios[name] = base.with_changes(**changes)
        except (TypeError, KeyError, ValueError) as error:
            message = " ".join(str(error).split())[:500] or type(error).__name__
            issues.append(InputIssue(file.name, None, f"scenario.{name}", message, row_kind=""))
    if issues:
        raise InvalidProblemError(issues)
    return scenarios


def run(
    scenarios: Mapping[str, Problem],
    options: SolveOptions | None = None,
    *,
    workers: int | None = None,
    client: Any = None,
    **given: Any,
) -> tuple[pd.DataFrame, dict[str, Plan]]:
    """Solve every scenario with the same options; the KPI table (columns
    :data:`KPI_COLUMNS`, one row per scenario, in the given order) and the plans by name.

    ``options`` and ``given`` (``time_limit``, ``seed``, ``solver``, ``max_solutions``)
    are those of :func:`optimizer.solve`. ``workers`` processes solve scenarios at once
    (default: half the cores, at least one, since a solve itself uses up to two). The
    same scenarios and seed give the same table whatever ``workers`` is, as far as the
    back-end is deterministic (see the README's "Reproducibility"; ``max_solutions``
    makes it so). With ``client`` (a ``dask.distributed.Client``, see
    :func:`optimizer.regions.cluster.dask_client`) the scenarios run as tasks on its
    cluster instead.
    """
    chosen = with_options(options, **given)
    names = list(scenarios)
    problems = [scenarios[name] for name in names]
    count = workers if workers is not None else max(1, (os.cpu_count() or 1) // 2)
    if client is not None:
        plans = client.gather(client.map(solve, problems, [chosen] * len(problems), pure=False)) if problems else []
    elif count <= 1 or len(problems) <= 1:
        plans = [solve(problem, chosen) for problem in problems]
    else:
        with ProcessPoolExecutor(max_workers=min(count, len(problems))) as pool:
            plans = list(pool.map(solve, problems, [chosen] * len(problems)))
    rows = [_row(name, problem, plan) for name, problem, plan in zip(names, problems, plans)]
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS)), dict(zip(names, plans))


def _row(name: str, problem: Problem, plan: Plan) -> dict[str, object]:
    k = plan.kpis
    return {
        "scenario": name,
        "objective": k.objective,
        "orders_total": k.orders_total,
        "orders_planned": k.orders_planned,
        **{f"unplanned_{u.value}": k.unplanned_by_urgency[u] for u in Urgency},
        "technician_days_used": k.technician_days_used,
        "travel_km": k.travel_km,
        "travel_min": k.travel_min,
        "overtime_min": k.overtime_min,
        "late_visits": k.late_visits,
        "late_min": k.late_min,
        "pickups": k.pickups,
        "solve_s": plan.info.total_s,
        "valid": check(problem, plan).ok,
    }
