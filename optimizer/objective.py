"""The objective: one definition used by the solvers, the checker, KPIs and reports.

cost = sum over unplanned orders of ``weights.unplanned[urgency]``
     + sum over visits of ``weights.late_per_min[urgency]`` x minutes late
     + ``weights.overtime_per_min`` x minutes past shift end (per technician-day)
     + ``weights.travel_per_min`` x minutes of driving.

"Minutes late" counts from the due time or the start of the horizon, whichever is
later: lateness an order had already accrued before the plan begins is the same for
every plan, so it is not charged (otherwise an order overdue for days would always
cost more to serve than to leave out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from optimizer.models import ObjectiveWeights, Urgency
from optimizer.timeaxis import elapsed_s, utc

TERMS = ("unplanned", "lateness", "overtime", "travel")


def late_minutes(start: dt.datetime, due: dt.datetime | None, horizon_start: dt.datetime) -> float:
    """Minutes a service starting at ``start`` is late for ``due`` (0 if on time or no due)."""
    if due is None:
        return 0.0
    return max(0.0, elapsed_s(start, max(utc(due), utc(horizon_start))) / 60)


def objective_terms(
    weights: ObjectiveWeights,
    *,
    unplanned: Iterable[Urgency],
    lateness: Iterable[tuple[Urgency, float]],
    overtime_min: float,
    travel_min: float,
) -> dict[str, float]:
    """The objective's terms in cost units; their sum is the objective.

    ``unplanned`` holds the urgency of each unplanned order, ``lateness`` an
    (urgency, minutes late) pair per visit.
    """
    return {
        "unplanned": float(sum(weights.unplanned[u] for u in unplanned)),
        "lateness": float(sum(weights.late_per_min[u] * m for u, m in lateness)),
        "overtime": weights.overtime_per_min * overtime_min,
        "travel": weights.travel_per_min * travel_min,
    }
