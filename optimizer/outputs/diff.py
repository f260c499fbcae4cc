"""What changed between two plans of the same orders: who serves each order, and when.

Used by planners comparing scenarios and by dispatchers after a re-plan: one row per
order whose assignment or start differs, saying how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from optimizer.models import Plan, StopKind
from optimizer.timeaxis import elapsed_s

CHANGE_COLUMNS = (
    "order_id",
    "change",
    "technician_before",
    "technician_after",
    "date_before",
    "date_after",
    "start_before",
    "start_after",
    "shift_min",
    "reason",
)
"""Columns of :func:`compare`'s frame (and of ``changes.csv``)."""

CHANGES = ("moved", "retimed", "newly_planned", "unplanned", "added", "removed")
"""Kinds of change, in the order rows are sorted:

* ``moved``: served by another technician (or on another day);
* ``retimed``: same technician and day, another start;
* ``newly_planned``: unplanned before, planned now;
* ``unplanned``: planned before, unplanned now (``reason`` says why);
* ``added`` / ``removed``: the order is only in the later / earlier plan.
"""


@dataclass(frozen=True)
class _Visit:
    technician_id: str
    date: dt.date
    start: dt.datetime


def compare(before: Plan, after: Plan, *, tolerance_min: float = 0.5) -> pd.DataFrame:
    """One row per order that changed from ``before`` to ``after`` (columns
    :data:`CHANGE_COLUMNS`; ``shift_min`` is the start's change in minutes, positive
    when later). Starts within ``tolerance_min`` minutes count as unchanged."""
    visits = [_visits(before), _visits(after)]
    unplanned = [{u.order_id: u.reason for u in plan.unplanned} for plan in (before, after)]
    known = [set(visits[k]) | set(unplanned[k]) for k in range(2)]
    rows = []
    for order_id in sorted(known[0] | known[1]):
        was, now = visits[0].get(order_id), visits[1].get(order_id)
        change = _change(order_id, was, now, known, tolerance_min)
        if change is None:
            continue
        rows.append(
            {
                "order_id": order_id,
                "change": change,
                "technician_before": was and was.technician_id,
                "technician_after": now and now.technician_id,
                "date_before": was and was.date,
                "date_after": now and now.date,
                "start_before": was and was.start,
                "start_after": now and now.start,
                "shift_min": round(elapsed_s(now.start, was.start) / 60, 3) if was and now else None,
                "reason": unplanned[1].get(order_id) if now is None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    for column in ("start_before", "start_after"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(after.tz)
    frame["shift_min"] = frame["shift_min"].astype("float64")
    frame["change"] = pd.Categorical(frame["change"], categories=list(CHANGES), ordered=True)
    return frame.sort_values(["change", "order_id"], kind="stable").reset_index(drop=True)


def _visits(plan: Plan) -> dict[str, _Visit]:
    return {
        stop.order_id: _Visit(route.technician_id, route.date, stop.start)
        for route in plan.routes
        for stop in route.stops
        if stop.kind is StopKind.ORDER and stop.order_id
    }


def _change(
    order_id: str, was: _Visit | None, now: _Visit | None, known: list[set[str]], tolerance_min: float
) -> str | None:
    if order_id not in known[0]:
        return "added"
    if order_id not in known[1]:
        return "removed"
    if was is None:
        return None if now is None else "newly_planned"
    if now is None:
        return "unplanned"
    if (was.technician_id, was.date) != (now.technician_id, now.date):
        return "moved"
    if abs(elapsed_s(now.start, was.start)) > 60 * tolerance_min:
        return "retimed"
    return None
