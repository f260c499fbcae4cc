"""What is left to plan of a problem with :class:`~optimizer.models.Progress`.

A re-plan solves the rest of the horizon: the orders no fixed stop serves, with the
van and depot stock the fixed stops left, from where and when each technician-day
resumes. :mod:`optimizer.instance` compiles that; the checker reads the progress
itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.models import Delivery, Depot, Problem, Route, StopKind, Technician
from optimizer.models.progress import Progress
from optimizer.timeaxis import TimeAxis, utc

GONE = -2
"""The promised vehicle of an order whose promised technician-day can take no new work
(the technician became unavailable)."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Resume:
    """Where and from when one technician-day with fixed stops goes on.

    ``lat``/``lon`` is the last fixed stop's place (home if only the start is fixed),
    ``at`` its end; ``break_taken`` says whether a fixed stop is the day's break.
    """

    lat: float
    lon: float
    at: dt.datetime
    break_taken: bool


def resume_points(problem: Problem) -> dict[tuple[str, dt.date], Resume]:
    """The :class:`Resume` of every technician-day with a fixed route."""
    orders, depots = problem.order_by_id, {d.id: d for d in problem.depots}
    technicians = problem.technician_by_id
    points = {}
    for route in fixed_routes(problem).values():
        place: Technician | Depot | object = technicians[route.technician_id]
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id:
                place = orders[stop.order_id]
            elif stop.kind is StopKind.PICKUP and stop.depot_id:
                place = depots[stop.depot_id]
        points[(route.technician_id, route.date)] = Resume(
            lat=place.lat,  # type: ignore[attr-defined]
            lon=place.lon,  # type: ignore[attr-defined]
            at=max((s.end for s in route.stops), key=utc),
            break_taken=any(s.kind is StopKind.BREAK for s in route.stops),
        )
    return points


def remaining(problem: Problem) -> Problem:
    """``problem`` without its progress: the orders no fixed stop serves, vans holding
    what the fixed stops left (parts used and collected, tools collected) and depots
    holding what the fixed pickups left."""
    progress = problem.progress
    if progress is None:
        return problem
    served = progress.fixed_order_ids()
    orders = problem.order_by_id
    used: dict[str, Counter[str]] = {t.id: Counter() for t in problem.technicians}
    collected: dict[str, Counter[str]] = {t.id: Counter() for t in problem.technicians}
    tools: dict[str, set[str]] = {t.id: set() for t in problem.technicians}
    takes: dict[str, list[tuple[dt.datetime, dict[str, int]]]] = {d.id: [] for d in problem.depots}
    for route in progress.fixed:
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id:
                used[route.technician_id].update(orders[stop.order_id].parts)
            elif stop.kind is StopKind.PICKUP and stop.depot_id:
                collected[route.technician_id].update(stop.picked)
                tools[route.technician_id] |= stop.picked_tools
                takes[stop.depot_id].append((utc(stop.start), dict(stop.picked)))
    technicians = tuple(
        t.model_copy(update={
            "van_stock": _positive(Counter(t.van_stock) + collected[t.id] - used[t.id]),
            "tools": t.tools | tools[t.id],
        })
        for t in problem.technicians
    )
    return problem.model_copy(update={
        "orders": tuple(o for o in problem.orders if o.id not in served),
        "technicians": technicians,
        "depots": tuple(_after_takes(d, takes[d.id]) for d in problem.depots),
        "progress": None,
    })


def _positive(counts: Counter[str]) -> dict[str, int]:
    return {part: units for part, units in sorted(counts.items()) if units > 0}


def _after_takes(depot: Depot, takes: list[tuple[dt.datetime, dict[str, int]]]) -> Depot:
    """``depot`` with what fixed pickups took removed: from its initial stock first,
    then from the deliveries that had arrived by each pickup, earliest first."""
    if not takes:
        return depot
    stock = Counter(depot.stock)
    incoming = [[utc(d.at), d.part, d.quantity] for d in sorted(depot.incoming, key=lambda d: utc(d.at))]
    for at, parts in sorted(takes, key=lambda take: take[0]):
        for part, units in parts.items():
            from_stock = min(units, stock[part])
            stock[part] -= from_stock
            units -= from_stock
            for delivery in incoming:
                if units and delivery[1] == part and delivery[0] <= at:
                    taken = min(units, delivery[2])
                    delivery[2] -= taken
                    units -= taken
    return depot.model_copy(update={
        "stock": _positive(stock),
        "incoming": tuple(
            Delivery(part=part, quantity=units, at=at.astimezone(depot.incoming[0].at.tzinfo))
            for at, part, units in incoming if units > 0
        ),
    })


def fixed_routes(problem: Problem) -> dict[tuple[str, dt.date], Route]:
    """The fixed part of each technician-day that has one, by (technician id, date)."""
    if problem.progress is None:
        return {}
    return {(r.technician_id, r.date): r for r in problem.progress.fixed}


class WorkingTime:
    """When technicians may do new work in a problem (seconds on its time axis):
    not before a re-plan's ``now`` and not while they are unavailable."""

    def __init__(self, problem: Problem, axis: TimeAxis) -> None:
        self.progress = problem.progress
        self.axis = axis
        self.horizon_end = problem.horizon_end
        self.now_s: int | None = None if self.progress is None else axis.seconds_from(self.progress.now)
        self.not_before: dt.datetime = problem.horizon_start if self.progress is None else self.progress.now

    def bounds(self, technician: Technician, first_s: int, last_s: int) -> tuple[int, int]:
        """The working interval [first, last] of a day narrowed by the technician's
        unavailability (:meth:`~optimizer.models.Progress.working_time`)."""
        if self.progress is None:
            return first_s, last_s
        at = self.axis.instant
        first, last = self.progress.working_time(technician.id, utc(at(first_s)), utc(at(last_s)), self.horizon_end)
        return self.axis.seconds_from(first), self.axis.seconds(last)

    def works(self, technician: Technician, day: dt.date) -> bool:
        """Whether the technician can do new work on ``day``."""
        if not technician.works_on(day):
            return False
        first_s = self.axis.local_seconds(day, technician.shift.start)
        last_s = self.axis.local_seconds(day, technician.shift.end) + 60 * technician.max_overtime_min
        first_s, last_s = self.bounds(technician, first_s, last_s)
        return max(first_s, self.now_s or 0) < last_s


@dataclass(frozen=True)
class Promises:
    """Promised visits as arrays over the orders left to plan (see
    :class:`~optimizer.instance.Instance`, ``order_promised_*``)."""

    vehicle: IntArray
    start_s: IntArray
    reassign_cost: FloatArray
    retime_cost_per_min: FloatArray
    pickups: tuple[tuple[int, int, int], ...] = ()
    """The previous plan's pickups still to come: (vehicle, depot, start second)."""

    @classmethod
    def of(
        cls,
        progress: Progress | None,
        left: Problem,
        axis: TimeAxis,
        vehicles: list[tuple[int, int]],
        usable: BoolArray,
    ) -> Promises:
        """The promises of ``progress`` for the orders of ``left`` on ``vehicles``
        ((technician, day) indices; ``usable``: whether each can take new work)."""
        n = len(left.orders)
        vehicle, start, reassign, retime = np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n)
        if progress is None:
            return cls(vehicle, start, reassign, retime)
        depot_index = {d.id: k for k, d in enumerate(left.depots)}
        weights = left.weights.stability
        now_s = axis.seconds_from(progress.now)
        vehicle_of = {
            (left.technicians[t].id, left.dates[d]): v for v, (t, d) in enumerate(vehicles) if usable[v]
        }
        order_index = {o.id: i for i, o in enumerate(left.orders)}
        for promise in progress.promised:
            o = order_index.get(promise.order_id)
            if o is None:
                continue
            day = promise.start.astimezone(left.zone).date()
            start_s = axis.seconds(promise.start)
            factor = weights.near_factor if start_s - now_s < 60 * weights.near_min else 1.0
            vehicle[o] = vehicle_of.get((promise.technician_id, day), GONE)
            start[o] = start_s
            reassign[o] = weights.reassign * factor
            retime[o] = weights.retime_per_min * factor
        pickups = []
        for pickup in progress.pickups:
            v = vehicle_of.get((pickup.technician_id, pickup.start.astimezone(left.zone).date()))
            if v is not None:
                pickups.append((v, depot_index[pickup.depot_id], axis.seconds(pickup.start)))
        return cls(vehicle, start, reassign, retime, tuple(pickups))
