"""The objective: one definition used by the solvers, the checker, KPIs and reports.

cost = sum over unplanned orders of ``weights.unplanned[urgency]``
     + sum over visits of ``weights.late_per_min[urgency]`` x minutes late
     + ``weights.overtime_per_min`` x minutes past shift end (per technician-day)
     + ``weights.travel_per_min`` x minutes of driving
     + in a re-plan, for each promised visit changed, its stability cost
       (:func:`promise_cost`, weights ``weights.stability``).

"Minutes late" counts from the due time or the start of the horizon, whichever is
later: lateness an order had already accrued before the plan begins is the same for
every plan, so it is not charged (otherwise an order overdue for days would always
cost more to serve than to leave out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from optimizer.models.base import Urgency
from optimizer.models.problem import Problem
from optimizer.models.progress import Appointment
from optimizer.models.settings import ObjectiveWeights, StabilityWeights
from optimizer.timeaxis import elapsed_s, utc

TERMS = ("unplanned", "lateness", "overtime", "travel", "stability")


def late_minutes(start: dt.datetime, due: dt.datetime | None, horizon_start: dt.datetime) -> float:
    """Minutes a service starting at ``start`` is late for ``due`` (0 if on time or no due)."""
    if due is None:
        return 0.0
    return max(0.0, elapsed_s(start, max(utc(due), utc(horizon_start))) / 60)


def promise_cost(
    weights: StabilityWeights,
    promise: Appointment,
    visit: tuple[str, dt.datetime] | None,
    *,
    now: dt.datetime,
    zone: ZoneInfo,
) -> float:
    """What serving a promised order by ``visit`` (technician id, start; ``None``: not
    served) costs against its ``promise``: ``reassign`` if another technician or day
    serves it or nobody does, else ``retime_per_min`` per minute its start moved
    beyond ``tolerance_min``; both x ``near_factor`` if the promised start is less than
    ``near_min`` minutes after ``now``."""
    factor = weights.near_factor if elapsed_s(promise.start, now) < 60 * weights.near_min else 1.0
    if (
        visit is None
        or visit[0] != promise.technician_id
        or (visit[1].astimezone(zone).date() != promise.start.astimezone(zone).date())
    ):
        return weights.reassign * factor
    moved_s = abs(elapsed_s(visit[1], promise.start)) - round(60 * weights.tolerance_min)
    return weights.retime_per_min * factor * max(0.0, moved_s) / 60


def objective_terms(
    weights: ObjectiveWeights,
    *,
    unplanned: Iterable[Urgency],
    lateness: Iterable[tuple[Urgency, float]],
    overtime_min: float,
    travel_min: float,
    stability: float = 0.0,
) -> dict[str, float]:
    """The objective's terms in cost units; their sum is the objective.

    ``unplanned`` holds the urgency of each unplanned order, ``lateness`` an
    (urgency, minutes late) pair per visit, ``stability`` the summed
    :func:`promise_cost` of a re-plan.
    """
    return {
        "unplanned": float(sum(weights.unplanned[u] for u in unplanned)),
        "lateness": float(sum(weights.late_per_min[u] * m for u, m in lateness)),
        "overtime": weights.overtime_per_min * overtime_min,
        "travel": weights.travel_per_min * travel_min,
        "stability": float(stability),
    }


def stability_total(problem: Problem, visits: dict[str, tuple[str, dt.datetime]]) -> float:
    """The stability term of a plan of ``problem`` whose ``visits`` map order ids to
    (technician id, start): the summed :func:`promise_cost` of its promised orders."""
    if problem.progress is None:
        return 0.0
    return sum(
        promise_cost(
            problem.weights.stability,
            promise,
            visits.get(promise.order_id),
            now=problem.progress.now,
            zone=problem.zone,
        )
        for promise in problem.progress.promised
    )
