"""Why each visit costs what it costs: the objective of a plan split into rows, one per
order and one per cost that belongs to no order, whose terms add up to the objective's.

The split (the plan's score explanation, as Timefold's field-service API gives one):

* ``travel``: the drive to each stop, on that stop's row (an order's row sums its
  visits' drives; a depot pickup and the drive home have rows of their own);
* ``waiting``: the waiting before each stop, on that stop's row;
* ``overtime``: of each technician-day's time past the shift end, the minutes each stop
  takes (the drive to it, waiting, a break in between, its work), on that stop's row;
  so the last visits of an over-long day carry its overtime, and the drive home its own;
* ``lateness`` on the order's row (its first visit); ``unplanned`` (with deferral and
  backlog age) on an unplanned order's row;
* ``stability`` (a re-plan) on the row of the promised order.

Every term is computed with the functions of :mod:`optimizer.models.objective` that
define the objective, so the rows of a term sum to it (up to float rounding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from optimizer.models import Problem, Route, RuleSummary, StopKind, UnplannedOrder
from optimizer.models.objective import (
    balance_by_day,
    due_of,
    first_visits,
    leave_out_cost,
    preference_cost,
    preferred_of,
    promise_cost,
    sla_anchor,
    stops_waiting_s,
    visit_late_cost,
)
from optimizer.timeaxis import elapsed_s, utc

TERMS = ("unplanned", "lateness", "overtime", "travel", "waiting", "preferred", "balance", "stability")
"""The objective's terms, in the order of ``Kpis.objective_terms``."""


@dataclass
class CostRow:
    """One row of the explanation: what an order (``kind`` ``order`` or ``unplanned``),
    a depot pickup (``pickup``), a technician-day's drive home (``home``) or a day's
    spread of busy hours (``balance``) costs, per term of the objective (cost units)."""

    label: str
    kind: str
    order_id: str | None = None
    technician_id: str | None = None
    date: dt.date | None = None
    terms: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TERMS, 0.0))

    @property
    def total(self) -> float:
        """The row's cost: the sum of its terms."""
        return sum(self.terms.values())


def cost_rows(problem: Problem, routes: Sequence[Route], unplanned: Sequence[UnplannedOrder]) -> list[CostRow]:
    """The rows of the explanation of ``routes`` + ``unplanned``: the planned orders in
    route order, then pickups and drives home, then the unplanned orders."""
    weights = problem.weights
    orders = problem.order_by_id
    technicians = problem.technician_by_id
    anchor = sla_anchor(problem)
    rows: dict[str, CostRow] = {}
    extra: list[CostRow] = []
    for route in routes:
        hours = technicians[route.technician_id].hours_on(route.date)
        shift_end = dt.datetime.combine(route.date, hours.end, tzinfo=problem.zone)
        waits = stops_waiting_s(route)
        previous_end = min(utc(route.stops[0].end), utc(shift_end))  # leaving after the shift end is overtime too
        for stop, wait_s in zip(route.stops, waits, strict=True):
            if stop.kind not in (StopKind.ORDER, StopKind.PICKUP, StopKind.END):
                continue
            if stop.kind is StopKind.ORDER and stop.order_id:
                row = rows.get(stop.order_id)
                if row is None:
                    row = CostRow(stop.order_id, "order", stop.order_id, route.technician_id, route.date)
                    rows[stop.order_id] = row
            else:
                where = f"{route.technician_id} {route.date.isoformat()}"
                label = f"pickup {stop.depot_id} {where}" if stop.kind is StopKind.PICKUP else f"home {where}"
                row = CostRow(label, stop.kind.value if stop.kind is StopKind.PICKUP else "home")
                row.technician_id, row.date = route.technician_id, route.date
                extra.append(row)
            past_s = max(0.0, elapsed_s(stop.end, max(previous_end, utc(shift_end))))
            row.terms["travel"] += weights.travel_per_min * stop.travel_min
            row.terms["waiting"] += weights.waiting_per_min * wait_s / 60
            row.terms["overtime"] += weights.overtime_per_min * past_s / 60
            previous_end = max(previous_end, utc(stop.end))
    for order_id, stop in first_visits(routes).items():
        order, row = orders[order_id], rows[order_id]
        row.terms["lateness"] += visit_late_cost(problem, order, due_of(problem, order, anchor), stop.start)
        preferred = preferred_of(order, technicians.keys())
        row.terms["preferred"] += preference_cost(problem, preferred, row.technician_id or "")
    missed = []
    for item in unplanned:
        order = orders[item.order_id]
        row = CostRow(order.id, "unplanned", order.id)
        row.terms["unplanned"] = leave_out_cost(problem, order, due_of(problem, order, anchor))
        rows[order.id] = row
        missed.append(row)
    if problem.progress is not None:
        visits = {
            s.order_id: (r.technician_id, s.start)
            for r in routes
            for s in r.stops
            if s.kind is StopKind.ORDER and s.order_id
        }
        for promise in problem.progress.promised:
            row = rows.get(promise.order_id)
            if row is None:
                row = CostRow(promise.order_id, "promise", promise.order_id)
                rows[promise.order_id] = row
                extra.append(row)
            row.terms["stability"] += promise_cost(
                weights.stability,
                promise,
                visits.get(promise.order_id),
                now=problem.progress.now,
                zone=problem.zone,
            )
    for date, cost in sorted(balance_by_day(problem, routes).items()):
        if cost:
            row = CostRow(f"balance {date.isoformat()}", "balance", date=date)
            row.terms["balance"] = cost
            extra.append(row)
    planned = [row for row in rows.values() if row.kind == "order"]
    return planned + extra + missed


def rule_summaries(rows: Sequence[CostRow]) -> dict[str, RuleSummary]:
    """Per term: its cost over ``rows``, how many rows carry some of it, and the row
    carrying most."""
    out = {}
    for term in TERMS:
        carrying = [row for row in rows if row.terms[term] != 0.0]
        largest = max(carrying, key=lambda row: row.terms[term], default=None)
        out[term] = RuleSummary(
            cost=sum(row.terms[term] for row in rows),
            rows=len(carrying),
            largest="" if largest is None else largest.label,
        )
    return out
