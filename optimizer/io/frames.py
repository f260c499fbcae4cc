"""Plans as pandas DataFrames: the columns of ``visits.csv`` and ``unassigned.csv``, and
the key figures per day."""

from __future__ import annotations

import pandas as pd

from optimizer.models import Plan
from optimizer.timeaxis import elapsed_s

VISIT_COLUMNS = (
    "technician_id",
    "date",
    "seq",
    "kind",
    "order_id",
    "depot_id",
    "arrival",
    "start",
    "end",
    "travel_min",
    "travel_km",
    "wait_min",
    "late_min",
    "late_cause",
    "picked",
    "picked_tools",
)
UNASSIGNED_COLUMNS = ("order_id", "urgency", "reason", "detail", "until")
DAY_COLUMNS = (
    "date",
    "orders_planned",
    "technician_days_used",
    "pickups",
    "travel_km",
    "travel_min",
    "service_min",
    "overtime_min",
    "late_visits",
)


def visits_frame(plan: Plan) -> pd.DataFrame:
    """One row per stop, routes in technician/date order and stops in sequence.

    ``arrival``, ``start``, ``end`` are timezone-aware timestamps in the plan's zone;
    ``seq`` counts from 0 (the start stop); minutes and kilometres are floats.
    """
    rows = [
        {
            "technician_id": route.technician_id,
            "date": route.date,
            "seq": seq,
            "kind": stop.kind.value,
            "order_id": stop.order_id,
            "depot_id": stop.depot_id,
            "arrival": stop.arrival,
            "start": stop.start,
            "end": stop.end,
            "travel_min": round(stop.travel_min, 3),
            "travel_km": round(stop.travel_km, 3),
            "wait_min": round(elapsed_s(stop.start, stop.arrival) / 60, 3),
            "late_min": round(stop.late_min, 3),
            "late_cause": stop.late_cause,
            "picked": ";".join(f"{k}:{v}" for k, v in sorted(stop.picked.items())),
            "picked_tools": ";".join(sorted(stop.picked_tools)),
        }
        for route in sorted(plan.routes, key=lambda r: (r.technician_id, r.date))
        for seq, stop in enumerate(route.stops)
    ]
    frame = pd.DataFrame(rows, columns=list(VISIT_COLUMNS))
    for column in ("arrival", "start", "end"):
        frame[column] = (
            pd.to_datetime(frame[column], utc=True).dt.tz_convert(plan.tz)
            if rows
            else pd.Series([], dtype=f"datetime64[ns, {plan.tz}]")
        )
    return frame.astype(
        {
            "seq": "int64",
            "order_id": "string",
            "depot_id": "string",
            "travel_min": "float64",
            "travel_km": "float64",
        }
    )


def unassigned_frame(plan: Plan) -> pd.DataFrame:
    """One row per unplanned order with its urgency, reason code and explanation."""
    rows = [u.model_dump(mode="json") for u in plan.unplanned]
    return pd.DataFrame(rows, columns=list(UNASSIGNED_COLUMNS))


def days_frame(plan: Plan) -> pd.DataFrame:
    """One row per day of the horizon with the plan's key figures (columns
    :data:`DAY_COLUMNS`; counts as int64, minutes and km as float64)."""
    rows = [day.model_dump() for day in plan.kpis.days]
    frame = pd.DataFrame(rows, columns=list(DAY_COLUMNS))
    counts = ("orders_planned", "technician_days_used", "pickups", "late_visits")
    return frame.astype(
        {**dict.fromkeys(counts, "int64"), **{c: "float64" for c in DAY_COLUMNS if c not in counts and c != "date"}}
    )
