"""Plans as pandas DataFrames: the columns of ``visits.csv``, ``unassigned.csv``,
``technicians.csv`` and ``costs.csv``, and the key figures per day.

Given the problem, visits and unplanned orders also carry what a dispatcher hands out
with them: the technician's name, the order's type, urgency, windows and due time, and
the order's pass-through columns (``Order.attributes``), unchanged, after ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from optimizer.decode.costs import TERMS, cost_rows
from optimizer.durations.risk import Risk
from optimizer.models import Order, Plan, Problem, TimeWindow
from optimizer.models.booking import Offers
from optimizer.models.objective import due_of, sla_anchor
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
    "helper",
)
UNASSIGNED_COLUMNS = ("order_id", "urgency", "reason", "detail", "until")
ORDER_COLUMNS = ("technician_name", "order_type", "urgency", "windows", "due")
"""Added to ``visits.csv`` from the problem (``urgency``, ``order_type`` and ``due`` also
to ``unassigned.csv``); ``due`` is the deadline the objective uses (an emergency's
default SLA included)."""
TECHNICIAN_DAY_COLUMNS = (
    "technician_id",
    "name",
    "date",
    "orders",
    "shift_min",
    "worked_min",
    "travel_min",
    "service_min",
    "wait_min",
    "overtime_min",
    "travel_km",
    "utilisation",
)
COST_COLUMNS = ("label", "kind", "order_id", "technician_id", "date", *TERMS, "total")
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


def visits_frame(plan: Plan, problem: Problem | None = None) -> pd.DataFrame:
    """One row per stop, routes in technician/date order and stops in sequence.

    ``arrival``, ``start``, ``end`` are timezone-aware timestamps in the plan's zone;
    ``seq`` counts from 0 (the start stop); minutes and kilometres are floats. With
    ``problem``, also :data:`ORDER_COLUMNS` and the orders' pass-through columns.
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
            "helper": stop.helper,
        }
        for route in sorted(plan.routes, key=lambda r: (r.technician_id, r.date))
        for seq, stop in enumerate(route.stops)
    ]
    frame = pd.DataFrame(rows, columns=list(VISIT_COLUMNS))
    for column in ("arrival", "start", "end"):
        frame[column] = _times(frame[column], plan.tz)
    frame = frame.astype(
        {
            "seq": "int64",
            "order_id": "string",
            "depot_id": "string",
            "travel_min": "float64",
            "travel_km": "float64",
        }
    )
    if problem is None:
        return frame
    names = {t.id: t.name for t in problem.technicians}
    frame.insert(1, "technician_name", frame["technician_id"].map(names).astype("string"))
    return _with_orders(frame, problem, plan.tz, ("order_type", "urgency", "windows", "due"))


def unassigned_frame(plan: Plan, problem: Problem | None = None, others: Sequence[Order] = ()) -> pd.DataFrame:
    """One row per unplanned order with its urgency, reason code and explanation; with
    ``problem``, also its type and due time and its pass-through columns (``others``:
    orders listed unplanned that are not in ``problem``, e.g. those depending on an
    input row set aside)."""
    rows = [(u.order_id, u.urgency.value, u.reason, u.detail, u.until) for u in plan.unplanned]
    frame = pd.DataFrame(rows, columns=list(UNASSIGNED_COLUMNS))
    frame["until"] = _times([pd.NaT if t is None else t for t in frame["until"]], plan.tz)
    if problem is None:
        return frame
    return _with_orders(frame, problem, plan.tz, ("order_type", "due"), others)


def technicians_frame(plan: Plan) -> pd.DataFrame:
    """One row per technician and working day (columns :data:`TECHNICIAN_DAY_COLUMNS`):
    orders, worked, driving, service, waiting and overtime minutes, km, utilisation."""
    rows = [day.model_dump() for day in plan.kpis.technician_days]
    frame = pd.DataFrame(rows, columns=list(TECHNICIAN_DAY_COLUMNS))
    return frame.astype({"orders": "int64", **{c: "float64" for c in TECHNICIAN_DAY_COLUMNS[4:] if c != "orders"}})


def costs_frame(problem: Problem, plan: Plan) -> pd.DataFrame:
    """Why each visit costs what it costs (:mod:`optimizer.decode.costs`): one row per
    order (planned or not), depot pickup and technician-day's drive home, one column
    per term of the objective and ``total``; each term's column sums to
    ``plan.kpis.objective_terms[term]`` and ``total`` to the objective. With the
    orders' pass-through columns after ours."""
    rows = [
        {
            "label": row.label,
            "kind": row.kind,
            "order_id": row.order_id,
            "technician_id": row.technician_id,
            "date": row.date,
            **row.terms,
            "total": row.total,
        }
        for row in cost_rows(problem, plan.routes, plan.unplanned)
    ]
    frame = pd.DataFrame(rows, columns=list(COST_COLUMNS))
    frame = frame.astype({"order_id": "string", **dict.fromkeys((*TERMS, "total"), "float64")})
    return _with_orders(frame, problem, plan.tz, ())


def _times(values: Iterable[object], zone: str) -> pd.Series:
    """Timestamps in ``zone`` (an empty column of that type where there are none)."""
    series = pd.Series(list(values), dtype=object)
    if series.empty:
        return pd.Series([], dtype=f"datetime64[ns, {zone}]")
    return pd.to_datetime(series, utc=True).dt.tz_convert(zone)


def _with_orders(
    frame: pd.DataFrame, problem: Problem, zone: str, columns: tuple[str, ...], others: Sequence[Order] = ()
) -> pd.DataFrame:
    """``frame`` with ``columns`` (of :data:`ORDER_COLUMNS`) of the order of each row
    (one of the problem's or of ``others``), then every pass-through column of those
    orders (blank where a row has no order; a name our columns already use gets the
    suffix ``_input``)."""
    orders = problem.order_by_id | {o.id: o for o in others}
    anchor = sla_anchor(problem)

    def of(order_id: object) -> Order | None:
        return orders.get(order_id) if isinstance(order_id, str) else None

    found = [of(order_id) for order_id in frame["order_id"]]
    values = {
        "order_type": [o.type.value if o else None for o in found],
        "urgency": [o.urgency.value if o else None for o in found],
        "windows": [";".join(_window(w, zone) for w in o.windows) if o else None for o in found],
    }
    out = frame.copy()
    for column in columns:
        if column == "due":
            dues = [due_of(problem, o, anchor) if o else None for o in found]
            out[column] = _times([pd.NaT if d is None else d for d in dues], zone)
        elif column not in out.columns:
            out[column] = pd.Series(values[column], dtype="string")
    extra = list(dict.fromkeys(key for order in (*problem.orders, *others) for key in order.attributes))
    for key in extra:
        name = key
        while name in out.columns or (name != key and name in extra):
            name = f"{name}_input"
        out[name] = pd.Series([o.attributes.get(key) if o else None for o in found], dtype="string")
    return out


def _window(window: TimeWindow, zone: str) -> str:
    """A window as ``start/end`` in ISO 8601, local to ``zone``."""
    start, end = (pd.Timestamp(t).tz_convert(zone).isoformat() for t in (window.start, window.end))
    return f"{start}/{end}"


def days_frame(plan: Plan) -> pd.DataFrame:
    """One row per day of the horizon with the plan's key figures (columns
    :data:`DAY_COLUMNS`; counts as int64, minutes and km as float64)."""
    rows = [day.model_dump() for day in plan.kpis.days]
    frame = pd.DataFrame(rows, columns=list(DAY_COLUMNS))
    counts = ("orders_planned", "technician_days_used", "pickups", "late_visits")
    return frame.astype(
        {**dict.fromkeys(counts, "int64"), **{c: "float64" for c in DAY_COLUMNS if c not in counts and c != "date"}}
    )


OFFER_COLUMNS = ("rank", "start", "end", "technician_id", "cost", "sla_met", "planned_start", "date", "reason")
"""The columns of ``offers.csv``: one row per offer, cheapest first (times ISO 8601
with their offset), then one row per day without an offer, with its ``date`` and
``reason`` and the other columns blank."""


def offers_frame(offers: Offers) -> pd.DataFrame:
    """``offers`` (of :func:`optimizer.offers`) as the rows of ``offers.csv``."""
    rows: list[dict[str, object]] = [
        {
            "rank": o.rank,
            "start": o.start.isoformat(),
            "end": o.end.isoformat(),
            "technician_id": o.technician_id,
            "cost": o.cost,
            "sla_met": o.sla_met,
            "planned_start": o.planned_start.isoformat(),
            "date": o.start.date().isoformat(),
            "reason": "",
        }
        for o in offers.offers
    ]
    rows += [{"date": c.date.isoformat(), "reason": c.reason} for c in offers.closed]
    return pd.DataFrame(rows, columns=list(OFFER_COLUMNS)).astype({"rank": "Int64"})


RISK_VISIT_COLUMNS = (
    "order_id",
    "technician_id",
    "date",
    "in_window",
    "before_due",
    "on_time",
    "mean_start_delay_min",
)
RISK_DAY_COLUMNS = ("technician_id", "date", "overtime", "past_allowed", "mean_overtime_min")
"""The columns of ``risk.csv`` (per visit) and ``risk_days.csv`` (per technician-day):
probabilities from 0 to 1, minutes (see :mod:`optimizer.durations.risk`)."""


def risk_frames(risk: Risk) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``risk`` as the rows of ``risk.csv`` and ``risk_days.csv``."""
    visits = pd.DataFrame(
        [{c: getattr(v, c) for c in RISK_VISIT_COLUMNS} for v in risk.visits], columns=list(RISK_VISIT_COLUMNS)
    )
    days = pd.DataFrame(
        [{c: getattr(d, c) for c in RISK_DAY_COLUMNS} for d in risk.days], columns=list(RISK_DAY_COLUMNS)
    )
    return visits.round(4), days.round(4)
