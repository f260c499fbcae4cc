"""The checker's own prices: the objective of DESIGN.md recomputed from the domain
objects with arithmetic of its own (no code shared with :mod:`optimizer.models.objective`
or the solvers): the lateness curve as a table of breakpoints interpolated by numpy,
deadlines, deferral and backlog factors, and waiting from the stops' times.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from optimizer.models import ClockInterval, Order, Problem, Route, StopKind, Technician, Urgency

_DAY = dt.timedelta(days=1)
_WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_of(tech: Technician, day: dt.date) -> ClockInterval | None:
    """The technician's working hours on ``day`` by the checker's own reading of the
    data contract (``shifts`` per weekday, else ``shift`` on ``workdays``; none on an
    absent date), or ``None`` on a day off."""
    weekday = _WEEK[day.weekday()]
    if day in tech.absent:
        return None
    if tech.shifts:
        return next((s.hours for s in tech.shifts if any(d == weekday for d in s.days)), None)
    return tech.shift if any(d == weekday for d in tech.workdays) else None


class Pricing:
    """What the objective charges for one order or route of ``problem``."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        weights = problem.weights
        self.minutes = np.concatenate([[0.0], np.cumsum(weights.late_spans_min)])
        self.shares = weights.breach + np.concatenate([[0.0], np.cumsum(weights.late_shares)])
        self.now = problem.progress.now.astimezone(dt.UTC) if problem.progress else None
        first = self._first_shift_start()
        self.sla_from = max(first, self.now) if self.now else first
        self.technician_ids = frozenset(t.id for t in problem.technicians)

    def _first_shift_start(self) -> dt.datetime:
        problem = self.problem
        day = problem.dates[0]
        hours = [hours_of(t, day) for t in problem.technicians]
        starts = [h.start for h in hours if h is not None]
        starts = starts or [(t.shift or t.shifts[0].hours).start for t in problem.technicians]
        if not starts:
            return problem.horizon_start.astimezone(dt.UTC)
        return dt.datetime.combine(day, min(starts), tzinfo=problem.zone).astimezone(dt.UTC)

    def due(self, order: Order) -> dt.datetime | None:
        """The order's deadline in UTC: ``due``, or the default SLA of an emergency."""
        if order.due is not None:
            return order.due.astimezone(dt.UTC)
        if order.urgency == Urgency.EMERGENCY:
            return self.sla_from + dt.timedelta(seconds=60 * self.problem.weights.emergency_sla_min)
        return None

    def _curve(self, order: Order, at: dt.datetime, due: dt.datetime) -> float:
        late_min = (at.astimezone(dt.UTC) - due).total_seconds() / 60
        if late_min <= 0:
            return 0.0
        return self.problem.weights.unplanned[order.urgency] * float(np.interp(late_min, self.minutes, self.shares))

    def lateness(self, order: Order, start: dt.datetime) -> float:
        """The lateness cost of serving ``order`` at ``start``, less what was sunk at
        ``now``; nothing for a visit begun before ``now``."""
        due = self.due(order)
        if due is None or (self.now is not None and start.astimezone(dt.UTC) < self.now):
            return 0.0  # on time, or history (a re-plan cannot change it)
        sunk = self._curve(order, self.now, due) if self.now is not None else 0.0
        return self._curve(order, start, due) - sunk

    def leave_out(self, order: Order) -> float:
        """What leaving ``order`` out of the plan costs (deferral and backlog age)."""
        weights, problem = self.problem.weights, self.problem
        price = weights.unplanned[order.urgency]
        due = self.due(order)
        if due is None:
            return price
        beyond = (due - problem.horizon_end.astimezone(dt.UTC)) / _DAY
        if beyond > 0:
            return price * max(weights.deferral_floor, 1.0 - beyond / weights.deferral_days)
        overdue = (problem.horizon_start.astimezone(dt.UTC) - due) / _DAY
        if overdue > 0:
            return price * min(weights.backlog_cap, 1.0 + overdue * weights.backlog_per_day)
        return price

    def preference(self, order: Order, technician_id: str) -> float:
        """A visit of ``order`` by ``technician_id``: ``preferred_miss`` if the order names
        preferred technicians of this problem and he is none of them."""
        wanted = {t for t in order.preferred if t in self.technician_ids}
        return self.problem.weights.preferred_miss if wanted and technician_id not in wanted else 0.0

    def stability(self, visits: dict[str, tuple[str, dt.datetime]]) -> float:
        """In a re-plan, what the plan's ``visits`` (order id -> technician id, start)
        cost against what customers were told: a promise served by someone else, on
        another day or not at all costs ``reassign``; a start moved beyond the tolerance
        costs per minute; both more when the promise is near ``now``."""
        progress = self.problem.progress
        if progress is None:
            return 0.0
        weights, zone = self.problem.weights.stability, self.problem.zone
        total = 0.0
        for promise in progress.promised:
            told = promise.start.astimezone(dt.UTC)
            factor = weights.near_factor if (told - progress.now).total_seconds() < weights.near_min * 60 else 1.0
            visit = visits.get(promise.order_id)
            if (
                visit is None
                or visit[0] != promise.technician_id
                or (visit[1].astimezone(zone).date() != told.astimezone(zone).date())
            ):
                total += factor * weights.reassign
                continue
            beyond_s = abs((visit[1].astimezone(dt.UTC) - told).total_seconds()) - round(weights.tolerance_min * 60)
            if beyond_s > 0:
                total += factor * weights.retime_per_min * beyond_s / 60
        return total


def waiting_minutes(route: Route) -> float:
    """Idle minutes on site in ``route``: before each order or pickup starts, the time
    since arrival that no break filled."""
    pauses = [(b.start.timestamp(), b.end.timestamp()) for b in route.stops if b.kind is StopKind.BREAK]
    idle = 0.0
    for stop in route.stops:
        if stop.kind is not StopKind.ORDER and stop.kind is not StopKind.PICKUP:
            continue
        lo, hi = stop.arrival.timestamp(), stop.start.timestamp()
        covered = sum(max(0.0, min(hi, b) - max(lo, a)) for a, b in pauses)
        idle += max(0.0, hi - lo - covered)
    return idle / 60
