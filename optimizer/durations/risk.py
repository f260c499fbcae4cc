"""The odds that a plan holds: its days executed many times with sampled durations and
travel times.

Each technician-day keeps its sequence; in each sample every visit takes a draw of
its duration (the learned log-normal of its group for its technician: its median is
the order's minutes times the group's ratio, whatever quantile the plan was made
with; without a model, a spread of :data:`DEFAULT_SPREAD` around the planned length) and every drive a draw around its
planned minutes (log-normal, :data:`TRAVEL_SPREAD`). The technician leaves home when
planned, starts each visit on arrival or when the first of its windows still open on
arrival opens, takes the break as planned or as soon as the visit before it ends,
keeps depot pickups as long as planned, and drives home. A visit is **on
time** when it starts inside one of its windows and not after its due; a day runs
**over** when the technician is home after the shift ends (plus the overtime the
technician may do: over that is past what was allowed). Stops of a re-plan that are
history (before ``now``) are kept as reported. A break that interrupts a visit
lengthens it by its planned minutes. A day's part of a visit over several days draws
its planned share of the work around itself (with the group's spread); only its first
day is judged on windows and due. A crew's visit counts once (its lead's row); each
member's day is simulated on its own, so members do not wait for one another here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.models import Order, Plan, Problem, Route, StopKind
from optimizer.models.durations import DurationModel
from optimizer.models.objective import due_of, sla_anchor
from optimizer.timeaxis import utc

DEFAULT_SPREAD = 0.2
"""Standard deviation of log(actual / planned) of a visit without a duration model."""
TRAVEL_SPREAD = 0.15
"""Standard deviation of log(actual / planned) of a drive."""

Samples = npt.NDArray[np.float64]


@dataclass(frozen=True)
class VisitRisk:
    """One visit's odds: of starting inside a window, before its due, and both."""

    order_id: str
    technician_id: str
    date: dt.date
    in_window: float
    before_due: float
    on_time: float
    mean_start_delay_min: float


@dataclass(frozen=True)
class DayRisk:
    """One technician-day's odds of running over its shift (and past its allowed
    overtime), and its expected minutes of overtime."""

    technician_id: str
    date: dt.date
    overtime: float
    past_allowed: float
    mean_overtime_min: float


@dataclass(frozen=True)
class Risk:
    """Per visit and per technician-day, and the expected number of late visits (not
    on time: outside every window or after the due)."""

    visits: tuple[VisitRisk, ...]
    days: tuple[DayRisk, ...]
    expected_late_visits: float
    samples: int


def risk(
    problem: Problem, plan: Plan, durations: DurationModel | None = None, *, samples: int = 500, seed: int = 0
) -> Risk:
    """The odds that ``plan`` holds (see the module docstring); ``durations`` default to
    the problem's own model."""
    model = durations or problem.durations
    rng = np.random.default_rng(seed)
    anchor = sla_anchor(problem)
    visits: list[VisitRisk] = []
    days: list[DayRisk] = []
    starts: dict[str, list[dt.datetime]] = {}
    for route in plan.routes:
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id and not stop.helper:
                starts.setdefault(stop.order_id, []).append(utc(stop.start))
    later = {o for o, when in starts.items() for t in when if t > min(when)}  # multi-day visits
    firsts = {(o, min(when)) for o, when in starts.items()}
    for route in sorted(plan.routes, key=lambda r: (r.date, r.technician_id)):
        route_visits, day = _route(problem, route, model, rng, samples, anchor, (firsts, later))
        visits += route_visits
        days.append(day)
    return Risk(tuple(visits), tuple(days), float(sum(1 - v.on_time for v in visits)), samples)


def _route(
    problem: Problem,
    route: Route,
    model: DurationModel | None,
    rng: np.random.Generator,
    n: int,
    anchor: dt.datetime,
    parts: tuple[set[tuple[str, dt.datetime]], set[str]],
) -> tuple[list[VisitRisk], DayRisk]:
    """One technician-day executed ``n`` times; ``parts`` are the (order, start) of each
    visit's first day and the orders visited over several days."""
    firsts, multi_day = parts
    orders = problem.order_by_id
    technician = problem.technician_by_id[route.technician_id]
    now = utc(problem.progress.now) if problem.progress is not None else None
    origin = utc(route.stops[0].end)
    clock: Samples = np.zeros(n)  # seconds since the route's departure
    out: list[VisitRisk] = []

    def seconds(instant: dt.datetime) -> float:
        return (utc(instant) - origin).total_seconds()

    planned_end = origin
    stops = route.stops
    for k, stop in enumerate(stops[1:], start=1):
        inside_visit = stop.kind is StopKind.BREAK and utc(stop.start) < planned_end
        planned_end = max(planned_end, utc(stop.end))
        if inside_visit:
            continue  # a break that interrupts a visit is part of its planned length
        history = now is not None and utc(stop.start) < now
        drive = 60 * stop.travel_min * (np.ones(n) if history else np.exp(rng.normal(0.0, TRAVEL_SPREAD, n)))
        arrival = clock + drive
        if history:
            clock = np.maximum(arrival, seconds(stop.end))
            continue
        if stop.kind is StopKind.BREAK or stop.kind is StopKind.PICKUP:
            clock = np.maximum(arrival, seconds(stop.start)) + (utc(stop.end) - utc(stop.start)).total_seconds()
        elif stop.kind is StopKind.ORDER and stop.order_id in orders:
            order = orders[stop.order_id]
            pause = stops[k + 1] if k + 1 < len(stops) and stops[k + 1].kind is StopKind.BREAK else None
            interrupts = pause is not None and utc(pause.start) < utc(stop.end)
            pause_s = (utc(pause.end) - utc(pause.start)).total_seconds() if pause and interrupts else 0.0
            planned_s = (utc(stop.end) - utc(stop.start)).total_seconds() - pause_s
            first = (order.id, utc(stop.start)) in firsts
            start = _start(order, arrival, seconds) if first else np.maximum(arrival, seconds(stop.start))
            whole = order.id not in multi_day  # a day's part of a longer job: its planned share of the work
            clock = (
                start + _work(model if whole else None, order, route.technician_id, planned_s, rng, n, model) + pause_s
            )
            if stop.helper or not first:
                continue  # a crew's visit is its lead's; a multi-day visit's, its first day's
            inside = _inside(order, start, seconds)
            due = due_of(problem, order, anchor)
            before = np.ones(n, dtype=bool) if due is None else start <= seconds(due)
            out.append(
                VisitRisk(
                    order_id=order.id,
                    technician_id=route.technician_id,
                    date=route.date,
                    in_window=float(inside.mean()),
                    before_due=float(before.mean()),
                    on_time=float((inside & before).mean()),
                    mean_start_delay_min=float(np.maximum(0.0, start - seconds(stop.start)).mean() / 60),
                )
            )
        else:  # home
            clock = arrival
    hours = technician.hours_on(route.date)
    shift_end = seconds(dt.datetime.combine(route.date, hours.end, tzinfo=problem.zone))
    over = clock - shift_end
    day = DayRisk(
        technician_id=route.technician_id,
        date=route.date,
        overtime=float((over > 0).mean()),
        past_allowed=float((over > 60 * technician.max_overtime_min).mean()),
        mean_overtime_min=float(np.maximum(0.0, over).mean() / 60),
    )
    return out, day


def _start(order: Order, arrival: Samples, seconds: Callable[[dt.datetime], float]) -> Samples:
    """When the visit starts in each sample: when the first window still open on
    arrival opens, or on arrival (also where every window has closed)."""
    start = arrival.copy()
    pending = np.ones(len(arrival), dtype=bool)
    for window in order.windows:  # in time order
        takes = pending & (arrival <= seconds(window.end))
        start[takes] = np.maximum(arrival[takes], seconds(window.start))
        pending &= ~takes
    return start


def _inside(order: Order, start: Samples, seconds: Callable[[dt.datetime], float]) -> npt.NDArray[np.bool_]:
    """Whether each sample's start lies inside one of the order's windows (any time
    where it has none)."""
    if not order.windows:
        return np.ones(len(start), dtype=bool)
    inside = np.zeros(len(start), dtype=bool)
    for window in order.windows:
        inside |= (start >= seconds(window.start)) & (start <= seconds(window.end))
    return inside


def _work(
    model: DurationModel | None,
    order: Order,
    technician_id: str,
    planned_s: float,
    rng: np.random.Generator,
    n: int,
    spread_of: DurationModel | None = None,
) -> Samples:
    """``n`` draws of the seconds of work at a visit: with ``model``, the learned spread of
    its group around its learned median (the planned length where its duration is fixed,
    or a crew's); without, around the planned length, with the spread of ``spread_of``'s
    group (a part of a multi-day visit) or :data:`DEFAULT_SPREAD`."""
    if model is None:
        sd = DEFAULT_SPREAD
        if spread_of is not None:
            sd = spread_of.group_of(order.type, frozenset(order.skills), technician_id).sd_log
        return planned_s * np.exp(rng.normal(0.0, sd, n))
    group = model.group_of(order.type, frozenset(order.skills), technician_id)
    median = planned_s if order.duration_fixed or order.crew > 1 else 60 * order.duration_min * np.exp(group.mean_log)
    return median * np.exp(rng.normal(0.0, group.sd_log, n))
