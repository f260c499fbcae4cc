"""Appointment offers and bookings: the windows a plan can promise a new customer, and
taking one.

>>> found = optimizer.offers(problem, plan, order, slot_min=120, days=5, now=now)   # doctest: +SKIP
>>> booked = optimizer.book(problem, plan, order, found.offers[0], now=now)          # doctest: +SKIP
>>> booked.plan            # the plan with the order served in that window             # doctest: +SKIP

Both see the plan as a re-plan does at ``now`` (:func:`optimizer.replan.replan_problem`):
stops under way or done are fixed, every other visit is promised to its customer, and
the horizon is widened to the days asked for (a day beyond the plan has no routes yet).
The new order is added to the routes as they stand, where it costs least
(:mod:`optimizer.solvers.slots`: with the depot pickups its parts or tools need,
visits after it moved later as needed); nothing else changes, and orders the plan
leaves out stay out.

Slots: on each day, windows of ``slot_min`` minutes every ``step_min`` (default
``slot_min``), from the whole hour at or before the earliest shift start of the day
to the latest shift end, local wall-clock time; only those starting at or after
``now``. An order with windows of its own is offered the parts of the slots inside
them. A slot is offered where the order fits and serving it there costs less than
leaving it out (else the plan would not keep it); its cost is the change of the
objective, the stability price of visits it moves included (see :class:`Offer`).

A booking is a promise: the order gets the offered window as its only window (within
its own), so every later plan and re-plan serves it in that window or reports it
unplanned with a reason; :func:`book` adds it at once, and raises
:class:`SlotTakenError` where the window no longer fits (someone booked it first).

Offers and bookings are for a visit by one technician that follows no other. In a
plan with crews or links, :func:`book` staffs the crews and holds the links again
around the new visit (as :func:`optimizer.solve` does), and refuses the window where
the new visit no longer fits then; the offers' costs leave those passes out.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from pydantic import Field, ValidationError

from optimizer.decode import assemble_plan
from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError
from optimizer.instance import Instance, compile_instance
from optimizer.instance.data import NO_DUE_S
from optimizer.models import Events, Order, Plan, Problem, SolverInfo, TimeWindow
from optimizer.models.base import Frozen
from optimizer.models.booking import ClosedDay, Offer, Offers
from optimizer.models.reasons import EXPLANATION
from optimizer.replan import replan_problem
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.chains import has_links, hold_links
from optimizer.solvers.crews import has_crews, staff_crews
from optimizer.solvers.repair import promised_routes
from optimizer.solvers.slots import SlotFit, add_order, backlog_on, fit_slots
from optimizer.timeaxis import utc
from optimizer.travel import TravelProvider


class SlotTakenError(OptimizerError):
    """The window asked for cannot be booked: the order no longer fits in it (another
    booking took the room first) or it lies outside the order's own windows."""


class Booking(Frozen):
    """A booked order: the problem with the order in its window (a re-plan's problem at
    the booking's ``now``: what was planned is promised), and the plan serving it."""

    problem: Problem
    plan: Plan
    order: Order = Field(description="the order as booked: its windows inside the booked one")


def offers(
    problem: Problem,
    plan: Plan,
    order: Order,
    slot_min: float = 120,
    days: int = 5,
    *,
    now: dt.datetime | None = None,
    step_min: float | None = None,
    travel: TravelProvider | None = None,
) -> Offers:
    """Every window of ``slot_min`` minutes on the ``days`` days from ``now`` (default:
    the clock; not before the plan's first day) that ``plan`` can take ``order`` in,
    cheapest first, and why each day without an offer has none (see the module's
    docstring). ``order`` is new (its id is not in ``problem``); ``travel`` is the
    provider the plan was made with (default: the problem's)."""
    if slot_min <= 0 or days < 1 or (step_min is not None and step_min <= 0):
        raise ValueError("slot_min and step_min must be positive and days at least 1")
    _one_visit(order)
    now = now or dt.datetime.now(problem.zone)
    first = max(now.astimezone(problem.zone).date(), problem.start)
    dates = [first + dt.timedelta(days=d) for d in range(days)]
    situation = _situation(problem, plan, order, now, dates[-1], travel)
    instance = compile_instance(situation, travel)
    k = instance.order_ids.index(order.id)
    now_s = instance.axis.seconds_from(now)
    slots = {date: _slots(problem, instance, date, slot_min, step_min or slot_min, now_s) for date in dates}
    windows = {date: [_inside(instance, k, slot) for slot in day] for date, day in slots.items()}
    asked = [(date, slot, pieces) for date in dates for slot, pieces in zip(slots[date], windows[date]) if len(pieces)]
    fits = fit_slots(instance, _base(instance, k, problem.days), k, [pieces for _, _, pieces in asked])
    value = float(instance.order_unplanned_cost[k])
    found: list[tuple[float, int, Offer]] = []
    fitting_days = set()
    for (date, _, pieces), fit in zip(asked, fits):
        if fit is None:
            continue
        fitting_days.add(date)
        if fit.added_cost < value:
            start_s, end_s = int(pieces[:, 0].min()), int(pieces[:, 1].max())
            found.append((fit.added_cost, start_s, _offer(instance, k, start_s, end_s, fit)))
    found.sort(key=lambda item: item[:2])
    ranked = tuple(offer.model_copy(update={"rank": r}) for r, (_, _, offer) in enumerate(found, start=1))
    offered = {utc(o.start).astimezone(problem.zone).date() for o in ranked}
    closed = tuple(
        ClosedDay(date=date, reason=_why_not(problem, instance, k, date, now, windows[date], date in fitting_days))
        for date in dates
        if date not in offered
    )
    return Offers(order_id=order.id, now=now, slot_min=slot_min, offers=ranked, closed=closed)


def book(
    problem: Problem,
    plan: Plan,
    order: Order,
    window: Offer | TimeWindow,
    *,
    now: dt.datetime | None = None,
    travel: TravelProvider | None = None,
) -> Booking:
    """Book ``order`` (new to ``problem``) in ``window`` (an offer of :func:`offers`, or
    any window): the order with that window is added to ``plan`` as it stands at
    ``now`` (default: the clock) where it costs least, whatever that costs. Raises
    :class:`SlotTakenError` where it fits nowhere in the window."""
    _one_visit(order)
    now = now or dt.datetime.now(problem.zone)
    pieces = _within(order, window.start, window.end)
    if not pieces:
        raise SlotTakenError(
            f"order {order.id}: {window.start.isoformat()} to {window.end.isoformat()} is outside its windows"
        )
    booked = Order.model_validate(order.model_dump() | {"windows": pieces})
    last = utc(window.end).astimezone(problem.zone).date()
    situation = _situation(problem, plan, booked, now, last, travel)
    instance = compile_instance(situation, travel)
    k = instance.order_ids.index(order.id)
    result = add_order(instance, _base(instance, k, problem.days), k)
    if result is not None and (has_links(instance) or has_crews(instance)):
        result, instance = _passes(instance, result)  # crews re-staffed, links held around the new visit
    if result is None or not any(k in seq for seq in result.routes.values()):
        raise SlotTakenError(
            f"order {order.id} no longer fits between {window.start.isoformat()} and {window.end.isoformat()}"
        )
    info = SolverInfo(solver="booking", status=result.status, solver_objective=result.objective)
    return Booking(problem=situation, plan=assemble_plan(situation, instance, result, info), order=booked)


def _one_visit(order: Order) -> None:
    """Offers and bookings are for a visit by one technician that follows no other."""
    if order.crew > 1 or order.after is not None:
        column = "crew" if order.crew > 1 else "after"
        raise InvalidProblemError(
            [
                InputIssue(
                    "order",
                    None,
                    column,
                    "offers and bookings are for a visit by one technician that follows no other: "
                    "plan this one with a re-plan (a new_order event)",
                    entity_id=order.id,
                )
            ]
        )


def _passes(instance: Instance, result: SolveResult) -> tuple[SolveResult, Instance]:
    """``result`` after the passes that hold links and staff crews (the plan's helpers
    are not promised visits, so they are staffed again here), and the instance that
    times it."""
    limits = SolveLimits(deadline=time.perf_counter() + _PASSES_S)
    if has_links(instance):
        result, instance = hold_links(instance, result, limits)
    if has_crews(instance):
        result, instance = staff_crews(instance, result, limits)
    return result, instance


_PASSES_S = 2.0
"""Seconds a booking gives the passes of links and crews to improve on what they must do."""


def _situation(
    problem: Problem, plan: Plan, order: Order, now: dt.datetime, last: dt.date, travel: TravelProvider | None
) -> Problem:
    """``problem`` at ``now`` (the horizon's start, if earlier) with ``order`` new, over
    a horizon reaching ``last``."""
    days = max(problem.days, (last - problem.start).days + 1)
    if days > _MAX_DAYS:
        raise InvalidProblemError(
            [InputIssue("order", None, "now", f"offers reach {days} days past the plan's start; at most {_MAX_DAYS}")]
        )
    wider = problem if days == problem.days else problem.model_copy(update={"days": days})
    at = max(now, wider.horizon_start, key=utc)
    try:
        return replan_problem(wider, plan, Events(now=at, new_orders=(order,)), source="order", travel=travel)
    except ValidationError as error:
        issues = [
            InputIssue("order", None, ".".join(map(str, e["loc"])) or None, str(e["msg"]).removeprefix("Value error, "))
            for e in error.errors()
        ]
        raise InvalidProblemError(issues) from None


_MAX_DAYS = 366
"""The longest horizon a problem may have (``Problem.days``)."""


def _base(instance: Instance, order: int, plan_days: int) -> dict[int, tuple[int, ...]]:
    """The routes the new order joins: the plan's promised visits; on the days past the
    plan's horizon (which it widens), also the orders the plan left out, where they fit
    (a re-plan of the widened horizon would put them there first)."""
    routes = promised_routes(instance)
    if len(instance.dates) <= plan_days:
        return routes
    return backlog_on(instance, routes, order, from_day=plan_days)


def _slots(
    problem: Problem, instance: Instance, date: dt.date, slot_min: float, step_min: float, now_s: int
) -> list[tuple[int, int]]:
    """The slots of ``date`` starting at or after ``now_s``: (start, end) seconds, from
    the whole hour at or before the earliest shift start of the technicians working
    that day to the latest shift end (steps and lengths in elapsed time)."""
    hours = _day_hours(problem, date)
    if hours is None:
        return []
    axis = instance.axis
    opens, closes = hours
    closes_s = axis.seconds(closes)
    begin_s = axis.seconds_from(opens.replace(minute=0, second=0, microsecond=0))
    step_s, length_s = round(60 * step_min), round(60 * slot_min)
    return [(s, s + length_s) for s in range(begin_s, closes_s, step_s) if s >= now_s]


def _day_hours(problem: Problem, date: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The earliest shift start and the latest shift end of the technicians working on
    ``date`` (``None``: nobody works)."""
    hours = [t.hours_on(date) for t in problem.technicians if t.works_on(date)]
    if not hours:
        return None
    return (
        dt.datetime.combine(date, min(h.start for h in hours), tzinfo=problem.zone),
        dt.datetime.combine(date, max(h.end for h in hours), tzinfo=problem.zone),
    )


def _inside(instance: Instance, order: int, slot: tuple[int, int]) -> np.ndarray:
    """The parts of ``slot`` inside ``order``'s start windows (release and horizon
    applied): [k, 2] seconds, possibly empty."""
    windows = instance.order_windows_s[order, : instance.order_n_windows[order]]
    begin = np.maximum(windows[:, 0], slot[0])
    end = np.minimum(windows[:, 1], slot[1])
    return np.stack([begin, end], axis=1)[begin <= end]


def _within(order: Order, start: dt.datetime, end: dt.datetime) -> tuple[TimeWindow, ...]:
    """The parts of ``[start, end]`` inside ``order``'s windows (all of it where it has none)."""
    if not order.windows:
        return (TimeWindow(start=start, end=end),)
    out = []
    for window in order.windows:
        begin, finish = max(utc(start), utc(window.start)), min(utc(end), utc(window.end))
        if begin <= finish:
            out.append(TimeWindow(start=begin.astimezone(start.tzinfo), end=finish.astimezone(start.tzinfo)))
    return tuple(out)


def _offer(instance: Instance, order: int, start_s: int, end_s: int, fit: SlotFit) -> Offer:
    """The offer of the window ``start_s`` to ``end_s`` (a slot, or its part inside the
    order's windows), ranked later."""
    axis = instance.axis
    due_s = int(instance.order_due_s[order])
    return Offer(
        rank=1,
        start=axis.instant(start_s),
        end=axis.instant(end_s),
        technician_id=instance.technician_ids[instance.vehicle_technician[fit.vehicle]],
        planned_start=axis.instant(fit.start_s),
        cost=round(fit.added_cost, 6),
        sla_met=due_s >= NO_DUE_S or fit.start_s <= due_s,
    )


def _why_not(
    problem: Problem,
    instance: Instance,
    order: int,
    date: dt.date,
    now: dt.datetime,
    windows: list[np.ndarray],
    fits: bool,
) -> str:
    """Why ``date`` has no offer, in a few words."""
    hours = _day_hours(problem, date)
    if hours is None:
        return "nobody works that day"
    if utc(hours[1]) <= utc(now):
        return "the day is over"
    if not windows:
        return "the day's slots have begun"
    reason = instance.presolve_reason[order]
    if reason is not None:
        return EXPLANATION[reason]
    if not any(len(pieces) for pieces in windows):
        return "outside the order's windows"
    on_day = instance.vehicle_day == instance.dates.index(date) if date in instance.dates else None
    if on_day is None or not instance.supply_compatible[on_day, order].any():
        return "no qualified technician works that day"
    if fits:
        return "serving it that day costs more than leaving it out"
    return "no room: every technician who may serve it is fully booked"
