"""Compilation step "eligibility": which technician-day may serve which order, and
why an order cannot be served by anyone (its reason before solving).

An order is open to a vehicle where the technician is qualified (skills and levels,
parts from the van or a depot within the horizon, tools carried or lent, the required
technician, the van's capacity for its load) and a route home -> order -> home fits
the day and a window. Where some qualified van carries what an order needs, the
routing back-ends see only those vans (``compatible``); ``supply_compatible`` keeps everyone who could serve it with a
pickup at a depot. An order longer than any qualified technician's day (no parts to
use, its tools carried) may be split over consecutive working days
(``multi_day_compatible``, see :mod:`optimizer.solvers.multi_day`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from optimizer.instance.arrays import NEVER_S, BoolArray, IntArray
from optimizer.instance.stock import Depots, Stock, amounts, parts_ready_s, tools_carried, tools_obtainable
from optimizer.instance.vehicles import Vehicles
from optimizer.instance.windows import clipped
from optimizer.models import Order, Problem, Technician
from optimizer.models.reasons import Reason
from optimizer.timeaxis import TimeAxis, utc


@dataclass(frozen=True)
class Eligibility:
    """The eligibility columns of the instance (see :class:`~optimizer.instance.Instance`),
    with the order windows cut to when the order can be served."""

    compatible: BoolArray
    supply_compatible: BoolArray
    presolve_reason: tuple[Reason | None, ...]
    order_parts_ready_s: IntArray
    order_windows_s: IntArray
    order_n_windows: IntArray
    multi_day_compatible: BoolArray


def compile_eligibility(
    problem: Problem,
    axis: TimeAxis,
    *,
    vehicles: Vehicles,
    windows: tuple[IntArray, IntArray],
    stock: Stock,
    depots: Depots,
    travel_s: npt.NDArray[np.int32],
    order_loc: IntArray,
    duration_s: IntArray,
    not_before: dt.datetime,
) -> Eligibility:
    """Who may serve what in ``problem`` (what is left of a re-plan), the reason for
    each order nobody may serve, and the windows cut to the earliest the parts can be
    had (``duration_s`` [T, O]: each technician's time on each order). No order is
    pinned to a day: the objective prefers the earliest."""
    horizon_s = axis.seconds(problem.horizon_end)
    stated, n_stated = windows
    technician = vehicles.vehicle_technician
    ready = parts_ready_s(stock, horizon_s, depots.depot_hours_s, depots.pickup_duration_s)
    qualified, presolve = _qualification(problem, stock, ready, windows_exist=n_stated > 0, not_before=not_before)
    order_ready = np.where(qualified, ready, NEVER_S).min(axis=0, initial=NEVER_S)
    order_ready = np.where(qualified.any(axis=0), order_ready, 0)
    cut, n_cut = clipped(stated, order_ready, np.full(len(problem.orders), horizon_s))
    reach: dict[str, Any] = {
        "travel_s": travel_s,
        "start": vehicles.vehicle_start_loc,
        "home": vehicles.vehicle_end_loc,
        "order_loc": order_loc,
        "duration_s": duration_s[technician],
        "shift_start": vehicles.vehicle_shift_start_s,
        "latest_end": vehicles.vehicle_latest_end_s,
    }
    supplied = qualified[technician] & _reachable(**reach, windows=cut, ready=ready[technician])
    supplied[vehicles.idle] = False
    ignoring_parts: BoolArray | None = None
    for o in range(len(problem.orders)):
        if presolve[o] is None and not supplied[:, o].any():
            has_day = qualified[technician, o].any()
            if order_ready[o] > 0 and ignoring_parts is None:
                ignoring_parts = qualified[technician] & _reachable(**reach, windows=stated)
            late_parts = order_ready[o] > 0 and ignoring_parts is not None and bool(ignoring_parts[:, o].any())
            presolve[o] = (
                Reason.PARTS_UNAVAILABLE_UNTIL
                if late_parts
                else Reason.NO_SHIFT_FITS
                if has_day
                else Reason.NO_TECHNICIAN_AVAILABLE
            )
    supplied[:, [o for o, r in enumerate(presolve) if r is not None]] = False
    on_van = ((ready == 0) & tools_carried(stock))[technician]
    day_span = vehicles.vehicle_latest_end_s - vehicles.vehicle_shift_start_s
    longer = duration_s[technician] > day_span[:, None]
    needs_parts = np.asarray(stock.order_parts.any(axis=1), dtype=bool)
    multi_day = qualified[technician] & on_van & longer & ~needs_parts[None, :] & ~vehicles.idle[:, None]
    followed = {o.after.order_id for o in problem.orders if o.after is not None}
    crewed = [  # a crew, or an order of a chain, is not split over days
        o.crew > 1 or o.after is not None or o.id in followed for o in problem.orders
    ]
    multi_day[:, [o for o, r in enumerate(presolve) if r is not Reason.NO_SHIFT_FITS or crewed[o]]] = False
    return Eligibility(
        compatible=_van_first(supplied, on_van, vehicles.vehicle_day),
        supply_compatible=supplied,
        presolve_reason=tuple(presolve),
        order_parts_ready_s=order_ready,
        order_windows_s=cut,
        order_n_windows=n_cut,
        multi_day_compatible=multi_day,
    )


def _covers(held: IntArray, needed: IntArray) -> BoolArray:
    """[T, O] whether each technician's amounts are >= each order's needs in every column."""
    return np.all(held[:, None, :] >= needed[None, :, :], axis=2)


def personal_qualification(
    orders: tuple[Order, ...],
    technicians: tuple[Technician, ...],
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """[T, O] what rules a technician in or out for an order by the technician alone,
    before stock, tools and time: skill levels, van capacity for the order's load, and
    the order's required technician and the technicians it excludes."""
    skills = sorted({s for x in orders for s in x.skills} | {s for x in technicians for s in x.skills})
    skilled = _covers(amounts([t.skills for t in technicians], skills), amounts([o.skills for o in orders], skills))
    capacity = np.array([np.inf if t.capacity is None else t.capacity for t in technicians])
    fits = capacity[:, None] >= np.array([o.load for o in orders])[None, :]
    index = {t.id: i for i, t in enumerate(technicians)}
    allowed = np.ones((len(technicians), len(orders)), dtype=bool)
    for o, order in enumerate(orders):
        if order.technician is not None:
            allowed[:, o] = False
            if order.technician in index:
                allowed[index[order.technician], o] = True
        allowed[[index[t] for t in order.excluded if t in index], o] = False
    return skilled, fits, allowed


def _qualification(
    problem: Problem, stock: Stock, ready: IntArray, *, windows_exist: BoolArray, not_before: dt.datetime
) -> tuple[BoolArray, list[Reason | None]]:
    """[T, O] technicians qualified for orders (skills, parts from the van or a depot
    within the horizon, tools carried or lent by a depot, required technician, load),
    and the first reason in :class:`Reason` order that rules an order out for everyone."""
    orders, techs = problem.orders, problem.technicians
    skilled, fits, allowed = personal_qualification(orders, techs)
    stocked = ready < NEVER_S
    equipped = tools_obtainable(stock)
    qualified = skilled & stocked & equipped & fits & allowed
    reasons: list[Reason | None] = []
    for o, order in enumerate(orders):
        reason: Reason | None = None
        if not windows_exist[o]:
            before = order.windows and utc(order.windows[-1].end) < utc(not_before)
            reason = Reason.OUTSIDE_ALL_WINDOWS if before else Reason.AFTER_HORIZON
        elif not qualified[:, o].any():
            stages = [
                (Reason.NO_SKILLED_TECHNICIAN, skilled),
                (Reason.NO_STOCK_IN_REACH, stocked),
                (Reason.NO_TECHNICIAN_WITH_TOOLS, equipped),
                (Reason.LOAD_EXCEEDS_CAPACITY, fits),
            ]
            if order.technician is not None:
                reason = Reason.REQUIRED_TECHNICIAN_UNQUALIFIED
            elif _only_excluded(order, techs, skilled[:, o] & stocked[:, o] & equipped[:, o] & fits[:, o]):
                reason = Reason.ONLY_EXCLUDED_TECHNICIANS
            else:
                passing = np.ones(len(techs), dtype=bool)
                for stage_reason, ok in stages:
                    passing &= ok[:, o]
                    if not passing.any():
                        reason = stage_reason
                        break
        reasons.append(reason)
    return qualified, reasons


def _only_excluded(order: Order, technicians: tuple[Technician, ...], qualified: BoolArray) -> bool:
    """Whether the only technicians ``qualified`` [T] for ``order`` are ones it excludes."""
    return bool(qualified.any()) and all(t.id in order.excluded for t, ok in zip(technicians, qualified) if ok)


def _van_first(compatible: BoolArray, on_van: BoolArray, vehicle_day: IntArray) -> BoolArray:
    """[V, O] ``compatible`` narrowed, for each order some compatible vehicle could
    serve from its van (its parts in the van stock, its tools carried: ``on_van``) on
    the earliest day anyone could serve it, to those vehicles: the routing back-ends
    do not see pickup detours, so an order goes to a van that carries what it needs
    where one does (a pickup is still made if that van runs out, and the insertion with
    pickups may still use the others). An order whose van holders cannot come on its
    earliest day stays open to every compatible vehicle, so that the objective, not the
    van, decides whether it waits."""
    from_van = compatible & on_van
    days = np.where(compatible, vehicle_day[:, None], np.iinfo(np.int64).max)
    earliest = days.min(axis=0, initial=np.iinfo(np.int64).max)
    narrow = np.any(from_van & (vehicle_day[:, None] == earliest[None, :]), axis=0)
    return np.where(narrow[None, :], from_van, compatible)


def _reachable(
    *,
    travel_s: npt.NDArray[np.int32],
    start: IntArray,
    home: IntArray,
    order_loc: IntArray,
    duration_s: IntArray,
    windows: IntArray,
    shift_start: IntArray,
    latest_end: IntArray,
    ready: IntArray | None = None,
) -> BoolArray:
    """[V, O] whether a route start -> order -> home fits a window and the working day
    (``duration_s`` [V, O]: each vehicle's time on site), starting no earlier than the
    parts are ``ready`` [V, O] where given.

    A relaxation (the break and the pickup detour are ignored): it only rules out what
    no route can do.
    """
    out_s = travel_s[np.ix_(start, order_loc)].astype(np.int64)
    back_s = travel_s[np.ix_(order_loc, home)].T.astype(np.int64)
    arrival = shift_start[:, None] + out_s
    if ready is not None:
        arrival = np.maximum(arrival, ready)
    ok = np.zeros(arrival.shape, dtype=bool)
    for k in range(windows.shape[1]):
        opens, closes = windows[:, k, 0][None, :], windows[:, k, 1][None, :]
        start = np.maximum(arrival, opens)
        done = start + duration_s + back_s
        ok |= (opens >= 0) & (start <= closes) & (done <= latest_end[:, None])
    return ok
