"""The dispatcher's objective, defined once on the domain models (DESIGN.md, "The
objective"); the KPIs use it, the back-ends implement it on integer seconds
(:mod:`optimizer.solvers.cost`) and the checker recomputes it with its own code.

cost = sum over unplanned orders of :func:`leave_out_cost`
     + sum over visits of :func:`visit_late_cost`
     + ``overtime_per_min`` x minutes past shift end (per technician-day)
     + ``travel_per_min`` x minutes of driving
     + ``waiting_per_min`` x minutes waiting on site before service starts
     + ``preferred_miss`` per order with preferred technicians served by someone else
     + ``balance`` x the spread of busy hours between technicians on each day
       (:func:`balance_cost`)
     + in a re-plan, for each promised visit changed, its stability cost
       (:func:`promise_cost`, weights ``weights.stability``).

Worked example with the default weights, a ``high`` order (``U`` = 3,000) due Monday
17:00, a three-day horizon Monday to Wednesday:

* served Monday 16:00: no lateness;
* served Tuesday 08:00 (15 h = 900 min late): 3,000 x (0.1 + 0.3 + 0.3 x 660/4,320)
  = 1,337.5, against 3,000 for leaving it out: late beats never;
* served Monday 18:00 (60 min late): 3,000 x (0.1 + 0.3 x 60/240) = 525, so an earlier
  late slot always costs less than a later one;
* had it been due Friday 17:00 (41 h after the horizon's end at Thursday 00:00,
  ``d`` = 1.708), leaving it out would cost 3,000 x (1 - 0.1708) = 2,487.5;
* had it been due the Thursday before at 17:00 (overdue by 3 days 7 h at Monday
  00:00, ``a`` = 3.29), leaving it out would cost 3,000 x 1.329 = 3,987.5, and serving
  it Monday 08:00 (87 h late, past the last span: flat) 3,000 x 0.7 = 2,100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from zoneinfo import ZoneInfo

from optimizer.models.base import Urgency
from optimizer.models.order import Order
from optimizer.models.plan import Route, Stop, StopKind
from optimizer.models.problem import Problem
from optimizer.models.progress import Appointment
from optimizer.models.settings import ObjectiveWeights, StabilityWeights
from optimizer.timeaxis import elapsed_s, utc

DAY_S = 86_400.0


def late_cost(weights: ObjectiveWeights, base: float, minutes: float) -> float:
    """What starting ``minutes`` after the due time costs an order whose leave-out
    price is ``base`` (its urgency's ``U``): 0 when on time, else the breach step plus
    the share of each span used, capped after the last span."""
    if minutes <= 0:
        return 0.0
    share, begin = weights.breach, 0.0
    for part, span in zip(weights.late_shares, weights.late_spans_min):
        share += part * min(max(minutes - begin, 0.0), span) / span
        begin += span
    return base * share


def sla_anchor(problem: Problem) -> dt.datetime:
    """When the default SLA of an emergency without ``due`` starts to run: the earliest
    shift start on the horizon's first day (of those who work that day; of everyone if
    nobody does; the horizon's start without technicians), or in a re-plan ``now`` if
    that is later."""
    day = problem.start
    working = [t for t in problem.technicians if t.works_on(day)] or list(problem.technicians)
    first = problem.horizon_start
    if working:
        first = min(dt.datetime.combine(day, t.hours_on(day).start, tzinfo=problem.zone) for t in working)
    if problem.progress is not None and utc(problem.progress.now) > utc(first):
        return problem.progress.now
    return first


def due_of(problem: Problem, order: Order, anchor: dt.datetime | None = None) -> dt.datetime | None:
    """The order's SLA deadline: its ``due``, or for an emergency without one
    ``emergency_sla_min`` after :func:`sla_anchor` (pass ``anchor`` in loops)."""
    if order.due is not None:
        return order.due
    if order.urgency is not Urgency.EMERGENCY:
        return None
    start = sla_anchor(problem) if anchor is None else anchor
    return utc(start) + dt.timedelta(minutes=problem.weights.emergency_sla_min)


def leave_out_cost(problem: Problem, order: Order, due: dt.datetime | None) -> float:
    """What leaving ``order`` (deadline ``due``, see :func:`due_of`) out of this plan
    costs: ``U``, less for an order due after the horizon (deferral), more for one
    already overdue at its start (backlog age)."""
    weights = problem.weights
    base = weights.unplanned[order.urgency]
    if due is None:
        return base
    after_end = elapsed_s(due, problem.horizon_end) / DAY_S
    if after_end > 0:
        return base * max(weights.deferral_floor, 1 - after_end / weights.deferral_days)
    overdue = elapsed_s(problem.horizon_start, due) / DAY_S
    if overdue > 0:
        return base * min(weights.backlog_cap, 1 + weights.backlog_per_day * overdue)
    return base


def deferrable(problem: Problem, due: dt.datetime | None) -> bool:
    """Whether an order due at ``due`` may wait for a later plan (due after the horizon)."""
    return due is not None and elapsed_s(due, problem.horizon_end) > 0


def visit_late_cost(problem: Problem, order: Order, due: dt.datetime | None, start: dt.datetime) -> float:
    """The lateness cost of serving ``order`` (deadline ``due``) at ``start``; in a
    re-plan less what it had already accrued at ``now`` (sunk), and nothing for a
    visit that started before ``now`` (history)."""
    if due is None:
        return 0.0
    weights, base = problem.weights, problem.weights.unplanned[order.urgency]
    if problem.progress is None:
        return late_cost(weights, base, elapsed_s(start, due) / 60)
    if elapsed_s(start, problem.progress.now) < 0:
        return 0.0  # history: the same in every plan
    late_now = late_cost(weights, base, elapsed_s(problem.progress.now, due) / 60)
    return late_cost(weights, base, elapsed_s(start, due) / 60) - late_now


def preferred_of(order: Order, known: Collection[str]) -> frozenset[str]:
    """The order's preferred technicians among ``known`` (the problem's technician
    ids): preferences naming nobody in the problem are ignored."""
    return frozenset(order.preferred).intersection(known) if order.preferred else frozenset()


def preference_cost(problem: Problem, preferred: Collection[str], technician_id: str) -> float:
    """What serving an order whose known ``preferred`` technicians (:func:`preferred_of`)
    are these by ``technician_id`` costs: ``preferred_miss`` if someone else serves it."""
    return problem.weights.preferred_miss if preferred and technician_id not in preferred else 0.0


def busy_s(route: Route) -> float:
    """Seconds the technician of ``route`` is busy: driving (every leg, home included)
    plus on-site work at orders and pickups (a break that interrupts a visit is not
    work); waiting and breaks are not."""
    stops = route.stops
    total = sum(60 * s.travel_min for s in stops)
    for k, stop in enumerate(stops):
        if stop.kind not in (StopKind.ORDER, StopKind.PICKUP):
            continue
        total += elapsed_s(stop.end, stop.start)
        after = stops[k + 1] if k + 1 < len(stops) else None
        if (
            stop.kind is StopKind.ORDER
            and after is not None
            and after.kind is StopKind.BREAK
            and utc(stop.start) <= utc(after.start)
            and utc(after.end) <= utc(stop.end)
        ):
            total -= elapsed_s(after.end, after.start)  # the long-job rule: a break inside the visit
    return total


def working_days(problem: Problem) -> dict[dt.date, set[str]]:
    """Who works on each day of the horizon, for fair days: technicians on a workday
    with working time left after absences and unavailability (a technician away all
    day does not count)."""
    out: dict[dt.date, set[str]] = {}
    for day in problem.dates:
        out[day] = set()
        for technician in problem.technicians:
            hours = technician.shift_on(day)
            if hours is None or day in technician.absent:
                continue
            first = dt.datetime.combine(day, hours.start, tzinfo=problem.zone)
            last = dt.datetime.combine(day, hours.end, tzinfo=problem.zone) + dt.timedelta(
                minutes=technician.max_overtime_min
            )
            free_from, free_until = problem.working_time(technician, first, last)
            if free_from < free_until:
                out[day].add(technician.id)
    return out


def balance_by_day(problem: Problem, routes: Iterable[Route]) -> dict[dt.date, float]:
    """The fair-days term of each day: ``balance`` x the sum over the technicians who
    work that day (:func:`working_days`, and anyone with a route) of the squared
    difference between their busy hours (:func:`busy_s`; 0 without a route) and the
    day's mean."""
    weight = problem.weights.balance
    if weight == 0:
        return {}
    hours: dict[dt.date, dict[str, float]] = {d: dict.fromkeys(ids, 0.0) for d, ids in working_days(problem).items()}
    for route in routes:
        hours.setdefault(route.date, {})[route.technician_id] = busy_s(route) / 3600
    out = {}
    for date, day in hours.items():
        if day:
            mean = sum(day.values()) / len(day)
            out[date] = weight * sum((h - mean) ** 2 for h in day.values())
    return out


def balance_cost(problem: Problem, routes: Iterable[Route]) -> float:
    """The fair-days term of the objective: :func:`balance_by_day` summed."""
    return sum(balance_by_day(problem, routes).values())


def first_visits(routes: Iterable[Route]) -> dict[str, Stop]:
    """The first visit of each order served in ``routes``, by order id: where its
    service starts (a multi-day visit has one stop per day; its lateness and windows
    are those of its first)."""
    out: dict[str, Stop] = {}
    for route in routes:
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id:
                seen = out.get(stop.order_id)
                if seen is None or utc(stop.start) < utc(seen.start):
                    out[stop.order_id] = stop
    return out


def route_waiting_min(route: Route) -> float:
    """Minutes the technician of ``route`` waits on site before stops start (orders
    and depot pickups): from arrival to start, less any break taken in between."""
    return sum(stops_waiting_s(route)) / 60


def stops_waiting_s(route: Route) -> list[float]:
    """Seconds waited on site before each stop of ``route`` starts (0 for stops other
    than orders and pickups): from arrival to start, less any break taken in between."""
    breaks = [(utc(s.start), utc(s.end)) for s in route.stops if s.kind is StopKind.BREAK]
    out = []
    for stop in route.stops:
        if stop.kind not in (StopKind.ORDER, StopKind.PICKUP):
            out.append(0.0)
            continue
        arrival, start = utc(stop.arrival), utc(stop.start)
        paused = sum(max(0.0, (min(end, start) - max(begin, arrival)).total_seconds()) for begin, end in breaks)
        out.append(max(0.0, (start - arrival).total_seconds() - paused))
    return out


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
    problem: Problem,
    *,
    unplanned: Iterable[Order],
    visits: Iterable[tuple[Order, dt.datetime]],
    overtime_min: float,
    travel_min: float,
    waiting_min: float,
    preferred: float = 0.0,
    balance: float = 0.0,
    stability: float = 0.0,
) -> dict[str, float]:
    """The objective's terms in cost units (their sum is the objective) for the
    ``unplanned`` orders, the ``visits`` (order, service start), and the route totals;
    ``preferred`` is the summed :func:`preference_cost` of the visits, ``balance`` the
    :func:`balance_cost` of the routes, ``stability`` the summed :func:`promise_cost`
    of a re-plan."""
    weights = problem.weights
    anchor = sla_anchor(problem)
    return {
        "unplanned": float(sum(leave_out_cost(problem, o, due_of(problem, o, anchor)) for o in unplanned)),
        "lateness": float(sum(visit_late_cost(problem, o, due_of(problem, o, anchor), s) for o, s in visits)),
        "overtime": weights.overtime_per_min * overtime_min,
        "travel": weights.travel_per_min * travel_min,
        "waiting": weights.waiting_per_min * waiting_min,
        "preferred": float(preferred),
        "balance": float(balance),
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
