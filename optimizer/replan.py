"""Re-plan a day in progress: a plan and what happened since in, a new plan out that
keeps what is done or promised and changes little else.

>>> new = optimizer.replan(problem, plan, events, time_limit=10)   # doctest: +SKIP
>>> optimizer.compare(plan, new)                                    # doctest: +SKIP

What is fixed at ``events.now`` (history, kept exactly):

* a technician's start, once they have left home;
* every stop that started before now, with the times reported for it (a visit under
  way ends at its reported end, else at its planned length from its start; one done
  without times follows what was done before it, see :func:`_timed`);
* the stop a technician is driving to (and a break planned on the way): they left
  the previous stop before now and they are available now (a cancelled one is not);
* for a technician unavailable from some time on, only stops started before that time
  (a visit under way is finished; then they drive home);
* a crew visit only as a whole: where a member cannot be held to it (away before it
  begins, or reported at another visit then), it is planned anew.

Everything else is open: the orders no fixed stop serves and the new orders. The
visits of the plan that are not fixed are *promised* (the customer was told the
technician and the start): changing them costs what
:class:`~optimizer.models.StabilityWeights` says, so the re-plan moves few of them.
Its depot pickups still to come are where the re-plan starts from (free to change).
The re-planned problem (:func:`replan_problem`) is an ordinary
:class:`~optimizer.models.Problem` with :class:`~optimizer.models.Progress`; the
checker verifies its plans like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.models import (
    Appointment,
    Events,
    Plan,
    Problem,
    Progress,
    Route,
    SolveOptions,
    Stop,
    StopKind,
    TimeWindow,
)
from optimizer.models.events import VisitReport
from optimizer.models.objective import due_of, sla_anchor
from optimizer.models.order import with_followers
from optimizer.models.progress import PlannedPickup, Unavailable
from optimizer.models.settings import REPLAN_TIME_LIMIT_S
from optimizer.solve import solve, with_options
from optimizer.solvers import Solver
from optimizer.timeaxis import utc
from optimizer.travel import TravelProvider, travel_provider


def replan(
    problem: Problem,
    plan: Plan,
    events: Events,
    options: SolveOptions | None = None,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    solver: str | Solver | None = None,
    max_solutions: int | None = None,
    travel: TravelProvider | None = None,
) -> Plan:
    """A new plan for ``problem`` after ``events``, starting from ``plan``.

    ``options`` and the keywords are those of :func:`optimizer.solve`; the time limit
    defaults to :data:`~optimizer.models.settings.REPLAN_TIME_LIMIT_S` (10 s), and the
    default back-end repairs ``plan`` (see :mod:`optimizer.solvers.repair`). Raises
    :class:`~optimizer.exceptions.InvalidProblemError` where the events do not fit the
    problem or plan (an unknown order, a cancelled visit already under way, ...).
    """
    chosen = with_options(
        options,
        time_limit=time_limit,
        seed=seed,
        max_solutions=max_solutions,
        solver=solver if isinstance(solver, str) else None,
    )
    chosen = with_options(chosen, time_limit=chosen.seconds(REPLAN_TIME_LIMIT_S))
    return solve(
        replan_problem(problem, plan, events, travel=travel),
        chosen,
        solver=None if isinstance(solver, str) else solver,
        travel=travel,
    )


def replan_problem(
    problem: Problem, plan: Plan, events: Events, *, source: str = "events", travel: TravelProvider | None = None
) -> Problem:
    """``problem`` as it stands at ``events.now``: orders (new ones added, cancelled
    ones removed, pins applied; an emergency that had the default SLA keeps its
    deadline, now stated as its ``due``) and its :class:`~optimizer.models.Progress`
    (fixed stops, unavailable technicians, promised visits, pickups still to come).
    A multi-day visit is a commitment: every day of it stays as planned (fixed), but
    for the days after it was reported done, which are free; reports on it apply to its
    last day's part (the day they are given on); an interrupting break stays with its
    visit. Cancelling an order cancels the orders that follow it (``after``) and are not
    under way or done.
    Errors name the events as ``source`` (e.g. the events file); ``travel`` is the
    provider the plan was made with (default: the problem's great-circle model)."""
    _check_references(problem, plan, events, source)
    _check_reports(problem, plan, events, source)
    now = utc(events.now)
    previous = problem.progress
    unavailable = (*(previous.unavailable if previous else ()), *events.unavailable)
    reports = {r.order_id: r for r in events.visits}
    places: dict[object, Any] = {
        **{o.id: o for o in problem.orders},
        **{d.id: d for d in problem.depots},
        **{("home", t.id): t for t in problem.technicians},
    }
    provider = travel or travel_provider(problem.travel)
    plan = _without_cancelled_to_come(plan, events.cancelled, reports, now)
    done_by = _done_by(plan, reports, unavailable, now)
    told_on = {k: t.astimezone(problem.zone).date() for k, r in reports.items() if (t := r.started or r.ended)}
    plan = _without_parts_after_done(plan, done_by, told_on)
    reports = _timed(plan, reports, done_by, now)
    reported_day = _visit_days(plan)
    commitments = _multi_day_ends(plan)
    parts: dict[int, Route] = {}
    while True:  # a crew visit one member is bound to binds them all: then again, until none is added
        settled, parts = parts, {}
        for k, route in enumerate(plan.routes):
            away = [
                utc(u.start)
                for u in unavailable
                if u.technician_id == route.technician_id and (u.end is None or utc(u.end) > now)
            ]
            kept = [
                end for end in commitments.get((route.technician_id, route.date), []) if all(end <= a for a in away)
            ]
            cutoff = max([min([now, *away]), *kept])
            on_day = {o: r for o, r in reports.items() if reported_day.get(o) == route.date}
            part = _fixed_part(
                route, now=now, cutoff=cutoff, en_route=all(start > now for start in away), reports=on_day
            )
            if part is not None:
                parts[k] = part
        bound = _crews_bound(plan, parts)
        if not bound or parts == settled:
            break
        for key, ends in bound.items():
            commitments.setdefault(key, []).extend(ends)
    parts = _without_broken_crews(parts, set(_crews_split(plan, parts)))
    fixed = [_left_in_time(_restated(part, places, provider)) for _, part in sorted(parts.items())]
    served = {o for route in fixed for o in route.order_ids}
    issues = [
        InputIssue(source, None, "order_id", "cancels a visit that is already under way or done", value=order_id)
        for order_id in sorted(events.cancelled & served)
    ]
    issues += [
        InputIssue(source, None, "order_id", "pins a visit that is already under way or done", value=pin.order_id)
        for pin in events.pins
        if pin.order_id in served
    ]
    if issues:
        raise InvalidProblemError(issues)
    void = with_followers((*problem.orders, *events.new_orders), events.cancelled) - served  # followers are void too
    promised = tuple(
        Appointment(order_id=stop.order_id, technician_id=route.technician_id, start=stop.start)
        for route in plan.routes
        for stop in route.stops
        if stop.kind is StopKind.ORDER
        and not stop.helper
        and stop.order_id
        and stop.order_id not in served
        and stop.order_id not in void
    )
    fixed_at = {(r.technician_id, s.depot_id, s.start) for r in fixed for s in r.stops}
    pickups = tuple(
        PlannedPickup(technician_id=route.technician_id, depot_id=stop.depot_id, start=stop.start)
        for route in plan.routes
        for stop in route.stops
        if stop.kind is StopKind.PICKUP
        and stop.depot_id
        and (route.technician_id, stop.depot_id, stop.start) not in fixed_at
    )
    pins = {pin.order_id: pin for pin in events.pins}
    anchor = sla_anchor(problem)
    known = [o.model_copy(update={"due": due_of(problem, o, anchor)}) if o.due is None else o for o in problem.orders]
    orders = []
    for order in (*known, *events.new_orders):
        if order.id in void:
            continue
        if order.after is not None and order.after.order_id in void:  # under way: its link is history
            order = order.model_copy(update={"after": None, "after_max_min": None, "same_technician": False})
        pin = pins.get(order.id)
        if pin is not None:
            update: dict[str, object] = {"technician": pin.technician_id}
            if pin.start is not None:
                update |= {"windows": (TimeWindow(start=pin.start, end=pin.start),), "release": None}
            order = order.model_copy(update=update)
        orders.append(order)
    progress = Progress(now=events.now, fixed=tuple(fixed), unavailable=unavailable, promised=promised, pickups=pickups)
    settings = problem.model_dump(exclude={"orders", "technicians", "depots", "progress", "weights", "travel"})
    return Problem(
        orders=tuple(orders),
        technicians=problem.technicians,
        depots=problem.depots,
        weights=problem.weights,
        travel=problem.travel,
        progress=progress,
        **settings,
    )


def _crews_bound(plan: Plan, parts: dict[int, Route]) -> dict[tuple[str, dt.date], list[dt.datetime]]:
    """For each technician-day with a member's stop of a crew visit that another member
    is already bound to (a fixed stop: under way, or driven to) but it is not, when that
    stop ends: the crew visit is kept whole, as it was planned."""
    ends: dict[tuple[str, dt.date], list[dt.datetime]] = {}
    for visits in _crews_split(plan, parts).values():
        for route, stop, held in visits:
            if not held:
                ends.setdefault((route.technician_id, route.date), []).append(utc(stop.end))
    return ends


def _crews_split(plan: Plan, parts: dict[int, Route]) -> dict[str, list[tuple[Route, Stop, bool]]]:
    """Each crew visit that some members are bound to (a fixed stop in ``parts``) and
    others are not: its members' route, stop and whether they are bound."""
    fixed = {(k, s.order_id) for k, part in parts.items() for s in part.stops if s.kind is StopKind.ORDER}
    split = {}
    for order_id, visits in _visits(plan).items():
        members = [(plan.routes[r], plan.routes[r].stops[k], (r, order_id) in fixed) for r, k in visits]
        held = [bound for _, _, bound in members]
        if any(stop.helper for _, stop, _ in members) and any(held) and not all(held):
            split[order_id] = members
    return split


def _without_broken_crews(parts: dict[int, Route], broken: set[str]) -> dict[int, Route]:
    """``parts`` without the stops of the ``broken`` crew visits: a member cannot be
    held to one (away before it begins, or reported at another visit then), so it did
    not take place as planned; no member reported it, and it is planned anew."""
    return {k: _without_stops(part, lambda s: s.order_id in broken) for k, part in parts.items()}


def _without_cancelled_to_come(
    plan: Plan, cancelled: frozenset[str], reports: dict[str, VisitReport], now: dt.datetime
) -> Plan:
    """``plan`` without the stops of ``cancelled`` orders that begin at or after ``now``
    and are not reported: the technician may be on his way there, but nothing of them
    happened (only a visit under way or done cannot be cancelled)."""

    def to_come(stop: Stop) -> bool:
        return stop.order_id in cancelled and stop.order_id not in reports and utc(stop.start) >= now

    return plan.model_copy(update={"routes": tuple(_without_stops(r, to_come) for r in plan.routes)})


def _without_stops(route: Route, dropped: Callable[[Stop], bool]) -> Route:
    """``route`` without the stops ``dropped`` picks."""
    return route.model_copy(update={"stops": tuple(s for s in route.stops if not dropped(s))})


def _visits(plan: Plan) -> dict[str, list[tuple[int, int]]]:
    """Each visited order's stops as (route index, stop index), by day: a crew's
    several a day, a multi-day visit's parts over its days."""
    visits: dict[str, list[tuple[int, int]]] = {}
    for r in sorted(range(len(plan.routes)), key=lambda r: plan.routes[r].date):
        for k, stop in enumerate(plan.routes[r].stops):
            if stop.kind is StopKind.ORDER and stop.order_id:
                visits.setdefault(stop.order_id, []).append((r, k))
    return visits


def _done_by(
    plan: Plan, reports: dict[str, VisitReport], unavailable: tuple[Unavailable, ...], now: dt.datetime
) -> dict[str, dt.datetime]:
    """When each visit reported done was over: at its reported end; without one, by
    ``now``, and where no time at all is reported, by the start of a member's absence
    that began after the visit began and still runs (the technician left the job: it
    was done before)."""
    visits = _visits(plan)
    done_by = {}
    for order_id, report in reports.items():
        if not report.done:
            continue
        if report.ended is not None:
            done_by[order_id] = utc(report.ended)
            continue
        if report.started is not None:
            done_by[order_id] = now
            continue
        members = visits.get(order_id, [])
        began = min((utc(plan.routes[r].stops[k].start) for r, k in members), default=now)
        technicians = {plan.routes[r].technician_id for r, _ in members}
        away = [
            utc(u.start)
            for u in unavailable
            if u.technician_id in technicians and began < utc(u.start) < now and (u.end is None or utc(u.end) > now)
        ]
        done_by[order_id] = min([now, *away])
    return done_by


def _timed(
    plan: Plan, reports: dict[str, VisitReport], done_by: dict[str, dt.datetime], now: dt.datetime
) -> dict[str, VisitReport]:
    """``reports`` with the times of each visit reported done without a start (on its
    last day's part), taken in the order they began by plan and report. Each began as
    planned or, if later, when its technicians were done with what they did before it
    (their departure, the stops before it begun before now, the visits so timed). One
    with a reported end ends there; if that is before it was planned to begin, it began
    its planned length earlier, once they were done. One without an end began by
    ``done_by`` and lasts its planned length, cut short by ``done_by`` and by the next
    stop reported started (no length where there is no room)."""
    visits = _visits(plan)
    timed = dict(reports)
    told = []
    for order_id, report in reports.items():
        if report.done and report.started is None and order_id in visits:
            day = plan.routes[visits[order_id][-1][0]].date
            members = [(r, k) for r, k in visits[order_id] if plan.routes[r].date == day]
            stop = plan.routes[members[0][0]].stops[members[0][1]]
            planned, ended = utc(stop.start), utc(report.ended) if report.ended else None
            begun = planned if ended is None or planned < ended else ended - (utc(stop.end) - planned)
            told.append((begun, planned, order_id, members))
    placed = {order_id for *_, order_id, _ in told}
    free: dict[int, dt.datetime] = {}
    for _, planned, order_id, members in sorted(told):
        floor = max(
            [
                *(_busy_until(plan.routes[r], k, placed, reports, now) for r, k in members),
                *(free[r] for r, _ in members if r in free),
            ]
        )
        stop = plan.routes[members[0][0]].stops[members[0][1]]
        length = utc(stop.end) - utc(stop.start)
        ended = reports[order_id].ended
        if ended is None:
            start = max(planned, floor) if planned < done_by[order_id] else floor
            if done_by[order_id].astimezone(stop.start.tzinfo).date() == plan.routes[members[0][0]].date:
                start = min(start, done_by[order_id])  # over by then, that day
            on_routes = {o for r, _ in members for o in plan.routes[r].order_ids}
            started_next = [
                utc(r.started)
                for r in reports.values()
                if r.started is not None and utc(r.started) > start and r.order_id in on_routes
            ]
            end = max(start, min([start + length, done_by[order_id], *started_next]))
        else:
            end = utc(ended)
            start = min(end, max(planned, floor) if planned < end else max(floor, end - length))
        timed[order_id] = reports[order_id].model_copy(update={"started": start, "ended": end})
        for r, _ in members:
            free[r] = end
    return timed


def _busy_until(
    route: Route, position: int, placed: set[str], reports: dict[str, VisitReport], now: dt.datetime
) -> dt.datetime:
    """When ``route``'s technician was done with the stops before ``position`` that
    began before ``now`` (as reported; ``placed`` visits left out), or left home."""
    before = route.stops[1:position]
    begun = [_as_reported(s, reports.get(s.order_id or ""), now) for s in before if s.order_id not in placed]
    return max([utc(route.stops[0].end), *(utc(s.end) for s in begun if utc(s.start) < now)])


def _without_parts_after_done(plan: Plan, done_by: dict[str, dt.datetime], told_on: dict[str, dt.date]) -> Plan:
    """``plan`` without the days of a multi-day visit, but its first and the one its
    report's times fall on (``told_on``), that begin after it was over (``done_by``, see
    :func:`_done_by`): the job finished early, so those days are free."""
    days: dict[str, set[dt.date]] = {}
    for route in plan.routes:
        for order_id in set(route.order_ids) & done_by.keys():
            days.setdefault(order_id, set()).add(route.date)
    first_day = {k: min(dates) for k, dates in days.items() if len(dates) > 1}
    if not first_day:
        return plan

    def later_part(route: Route, stop: Stop) -> bool:  # the first day's part stays: the job was done
        order_id = stop.order_id or ""
        return (
            order_id in first_day
            and route.date > first_day[order_id]
            and route.date != told_on.get(order_id)
            and utc(stop.start) >= done_by[order_id]
        )

    routes = tuple(_without_stops(r, partial(later_part, r)) for r in plan.routes)
    return plan.model_copy(update={"routes": routes})


def _multi_day_ends(plan: Plan) -> dict[tuple[str, dt.date], list[dt.datetime]]:
    """For each technician-day with a part of a multi-day visit (an order on several
    routes), when that part ends: its stops up to then are kept in a re-plan."""
    days: dict[str, list[tuple[Route, Stop]]] = {}
    for route in plan.routes:
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id and not stop.helper:  # a crew is one visit a day
                days.setdefault(stop.order_id, []).append((route, stop))
    ends: dict[tuple[str, dt.date], list[dt.datetime]] = {}
    for parts in days.values():
        if len(parts) > 1:
            for route, stop in parts:
                ends.setdefault((route.technician_id, route.date), []).append(utc(stop.end))
    return ends


def _fixed_part(
    route: Route, *, now: dt.datetime, cutoff: dt.datetime, en_route: bool, reports: dict[str, VisitReport]
) -> Route | None:
    """The fixed stops of ``route`` (start first, no end), or ``None`` if it has none:
    stops started before ``cutoff`` or reported, then (``en_route``, and no later stop
    reported) the stop the technician is driving to at ``now``. A planned stop that
    overlaps a reported visit is not fixed: the report says what happened instead."""
    first, *middle, _ = route.stops
    reported = [s for s in middle if s.order_id in reports]
    if utc(first.end) >= cutoff and not reported:
        return None
    fixed: list[Stop] = []
    busy = utc(first.end)
    for k, stop in enumerate(middle):
        timed = _as_reported(stop, reports.get(stop.order_id or ""), now)
        interrupts = bool(fixed) and stop.kind is StopKind.BREAK and utc(stop.end) <= utc(fixed[-1].end)
        if interrupts or timed is not stop or busy <= utc(stop.start) < cutoff:
            fixed.append(timed)
            busy = max(busy, utc(timed.end))
            continue
        later_reported = any(s.order_id in reports for s in middle[k:])
        if en_route and not later_reported and busy < now <= utc(stop.start):
            # On the way: the next place, and a break planned on the way there.
            ahead = next((j for j in range(k, len(middle)) if middle[j].kind is not StopKind.BREAK), None)
            fixed += middle[k : ahead + 1] if ahead is not None else []
        break
    fixed += [
        _as_reported(s, reports[s.order_id or ""], now)
        for s in reported
        if all(f.order_id != s.order_id for f in fixed)
    ]
    told = [s for s in fixed if s.order_id in reports]
    fixed = [
        s
        for s in fixed
        if s.order_id in reports or not any(utc(r.start) < utc(s.end) and utc(s.start) < utc(r.end) for r in told)
    ]
    return route.model_copy(update={"stops": (first, *sorted(fixed, key=lambda s: utc(s.start)))})


def _restated(route: Route, places: dict[object, Any], travel: TravelProvider) -> Route:
    """``route`` with each stop's drive stated from the stop now before it (reported
    visits may have changed the sequence); ``places`` holds orders and depots by id and
    homes by ("home", technician id)."""
    home = places[("home", route.technician_id)]
    located = [k for k, s in enumerate(route.stops) if s.kind in (StopKind.ORDER, StopKind.PICKUP)]
    points = [home, *(places[route.stops[k].order_id or route.stops[k].depot_id or ""] for k in located)]
    matrix = travel.matrix(np.array([p.lat for p in points]), np.array([p.lon for p in points]))
    stops = list(route.stops)
    for n, k in enumerate(located):
        stops[k] = stops[k].model_copy(
            update={
                "travel_min": int(matrix.duration_s[n, n + 1]) / 60,
                "travel_km": int(matrix.distance_m[n, n + 1]) / 1000,
            }
        )
    return route.model_copy(update={"stops": tuple(stops)})


def _left_in_time(route: Route) -> Route:
    """``route`` leaving home no later than its first fixed stop's drive before it: a
    visit reported before the planned departure shows the technician had left."""
    first, *rest = route.stops
    if not rest:
        return route
    leave = utc(rest[0].start) - dt.timedelta(minutes=rest[0].travel_min)
    if leave >= utc(first.end):
        return route
    left = leave.astimezone(first.start.tzinfo)
    return route.model_copy(
        update={"stops": (first.model_copy(update={"arrival": left, "start": left, "end": left}), *rest)}
    )


def _as_reported(stop: Stop, report: VisitReport | None, now: dt.datetime) -> Stop:
    """``stop`` with the times ``report`` gives (``stop`` itself without a report)."""
    if report is None:
        return stop
    start = utc(report.started or stop.start)
    planned = utc(stop.end) - utc(stop.start)
    end = utc(report.ended) if report.ended else start + planned
    if report.done and report.ended is None:
        end = min(end, now)
    zone = stop.start.tzinfo
    return stop.model_copy(
        update={
            "arrival": min(utc(stop.arrival), start).astimezone(zone),
            "start": start.astimezone(zone),
            "end": max(end, start).astimezone(zone),
        }
    )


def _check_references(problem: Problem, plan: Plan, events: Events, source: str) -> None:
    """``now`` lies in the horizon and every id the events name exists where it must;
    raises listing every problem."""
    orders = {o.id for o in problem.orders}
    technicians = {t.id for t in problem.technicians}
    planned = {o for route in plan.routes for o in route.order_ids}
    issues = []
    if not utc(problem.horizon_start) <= utc(events.now) < utc(problem.horizon_end):
        issues.append(
            InputIssue(
                source,
                None,
                "time",
                "'now' lies outside the plan's horizon "
                f"({problem.horizon_start:%Y-%m-%d} to {problem.horizon_end:%Y-%m-%d})",
                value=events.now.isoformat(),
            )
        )
    issues += [
        InputIssue(source, None, "order_id", "reports on an order the plan does not visit", value=r.order_id)
        for r in events.visits
        if r.order_id not in planned
    ]
    issues += [
        InputIssue(source, None, "order_id", "cancels an unknown order", value=o)
        for o in sorted(events.cancelled - orders - {n.id for n in events.new_orders})
    ]
    issues += [
        InputIssue(source, None, "order_id", "a new order with the id of an existing order", value=o.id)
        for o in events.new_orders
        if o.id in orders
    ]
    issues += [
        InputIssue(source, None, "technician_id", "names an unknown technician", value=t)
        for t in [*(u.technician_id for u in events.unavailable), *(p.technician_id for p in events.pins)]
        if t not in technicians
    ]
    issues += [
        InputIssue(source, None, "order_id", "pins an unknown order", value=p.order_id)
        for p in events.pins
        if p.order_id not in orders | {n.id for n in events.new_orders}
    ]
    if issues:
        raise InvalidProblemError(issues)


def _visit_days(plan: Plan) -> dict[str, dt.date]:
    """The day each visited order is planned on, the day its reports are given on (a
    multi-day visit's last)."""
    return {order_id: plan.routes[visits[-1][0]].date for order_id, visits in _visits(plan).items()}


def _check_reports(problem: Problem, plan: Plan, events: Events, source: str) -> None:
    """Reported times fit ``now`` and the day the visit is planned on; raises listing
    every report that does not."""
    day_of = _visit_days(plan)
    now = utc(events.now)
    issues = []
    for report in events.visits:
        day = day_of.get(report.order_id)
        times = [t for t in (report.started, report.ended) if t is not None]
        if report.started is not None and utc(report.started) > now:
            issues.append(
                InputIssue(
                    source,
                    None,
                    "time",
                    f"visit {report.order_id} reported started after now",
                    value=report.started.isoformat(),
                )
            )
        if report.done and report.ended is not None and utc(report.ended) > now:
            issues.append(
                InputIssue(
                    source,
                    None,
                    "time",
                    f"visit {report.order_id} reported done after now",
                    value=report.ended.isoformat(),
                )
            )
        if day is not None and any(t.astimezone(problem.zone).date() != day for t in times):
            issues.append(
                InputIssue(
                    source,
                    None,
                    "time",
                    f"visit {report.order_id} is planned on {day}; "
                    "report it on that day (or cancel it and add it as a new order)",
                    value=times[0].isoformat(),
                )
            )
    if issues:
        raise InvalidProblemError(issues)


__all__ = ["replan", "replan_problem"]
