"""Compilation step "what is left of a re-plan": a problem with
:class:`~optimizer.models.Progress` without its fixed stops.

A re-plan solves the rest of the horizon: the orders no fixed stop serves, with the
van and depot stock the fixed stops left, from where and when each technician-day
resumes (:func:`resume_points`). The checker reads the progress itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from optimizer.instance.links import fixed_ends
from optimizer.models import Delivery, Depot, Order, Problem, Route, StopKind
from optimizer.models.base import Located
from optimizer.models.objective import busy_s
from optimizer.timeaxis import utc


@dataclass(frozen=True)
class Resume:
    """Where and from when one technician-day with fixed stops goes on.

    ``lat``/``lon`` is the last fixed stop's place (home if only the start is fixed),
    ``at`` its end; ``break_taken`` says whether a fixed stop is the day's break;
    ``orders`` and ``travel_min`` are what the fixed stops served and drove (they count
    against the day's limits), ``busy_s`` their driving and work (for fair days).
    """

    lat: float
    lon: float
    at: dt.datetime
    break_taken: bool
    orders: int = 0
    travel_min: float = 0.0
    busy_s: int = 0


def resume_points(problem: Problem) -> dict[tuple[str, dt.date], Resume]:
    """The :class:`Resume` of every technician-day with a fixed route."""
    orders, depots = problem.order_by_id, {d.id: d for d in problem.depots}
    technicians = problem.technician_by_id
    points = {}
    for route in fixed_routes(problem).values():
        place: Located = technicians[route.technician_id]
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id:
                place = orders[stop.order_id]
            elif stop.kind is StopKind.PICKUP and stop.depot_id:
                place = depots[stop.depot_id]
        points[(route.technician_id, route.date)] = Resume(
            lat=place.lat,
            lon=place.lon,
            at=max((s.end for s in route.stops), key=utc),
            break_taken=any(s.kind is StopKind.BREAK for s in route.stops),
            orders=len(route.order_ids),
            travel_min=sum(s.travel_min for s in route.stops),
            busy_s=round(busy_s(route)),
        )
    return points


def remaining(problem: Problem) -> Problem:
    """``problem`` without its progress: the orders no fixed stop serves (those following
    a fixed visit with its technician where they must keep it), vans holding
    what the fixed stops left (parts used and collected, tools collected) and depots
    holding what the fixed pickups left (parts, and copies of counted tools)."""
    progress = problem.progress
    if progress is None:
        return problem
    served = progress.fixed_order_ids()
    orders = problem.order_by_id
    used: dict[str, Counter[str]] = {t.id: Counter() for t in problem.technicians}
    collected: dict[str, Counter[str]] = {t.id: Counter() for t in problem.technicians}
    tools: dict[str, set[str]] = {t.id: set() for t in problem.technicians}
    takes: dict[str, list[tuple[dt.datetime, dict[str, int]]]] = {d.id: [] for d in problem.depots}
    lent: dict[str, set[tuple[str, str]]] = {d.id: set() for d in problem.depots}  # (technician, tool)
    for route in progress.fixed:
        for stop in route.stops:
            if stop.kind is StopKind.ORDER and stop.order_id and not stop.helper:  # the lead brings the parts
                used[route.technician_id].update(orders[stop.order_id].parts)
            elif stop.kind is StopKind.PICKUP and stop.depot_id:
                collected[route.technician_id].update(stop.picked)
                tools[route.technician_id] |= stop.picked_tools
                takes[stop.depot_id].append((utc(stop.start), dict(stop.picked)))
                lent[stop.depot_id] |= {(route.technician_id, tool) for tool in stop.picked_tools}
    technicians = tuple(
        t.model_copy(
            update={
                "van_stock": _positive(Counter(t.van_stock) + collected[t.id] - used[t.id]),
                "tools": t.tools | tools[t.id],
            }
        )
        for t in problem.technicians
    )
    ends = fixed_ends(problem)
    return problem.model_copy(
        update={
            "orders": tuple(_after_fixed(o, ends) for o in problem.orders if o.id not in served),
            "technicians": technicians,
            "depots": tuple(_after_lending(_after_takes(d, takes[d.id]), lent[d.id]) for d in problem.depots),
            "progress": None,
        }
    )


def _after_fixed(order: Order, ends: dict[str, tuple[dt.datetime, str]]) -> Order:
    """``order``, served by the technician of the fixed visit it follows where
    ``same_technician`` asks for it (its windows are cut in :mod:`optimizer.instance.links`)."""
    if order.after is None or not order.same_technician or order.after.order_id not in ends:
        return order
    return order.model_copy(update={"technician": order.technician or ends[order.after.order_id][1]})


def _positive(counts: Counter[str]) -> dict[str, int]:
    return {part: units for part, units in sorted(counts.items()) if units > 0}


def _after_lending(depot: Depot, lent: set[tuple[str, str]]) -> Depot:
    """``depot`` with the copies that fixed pickups lent (``(technician, tool)``) taken
    off its counted tools (down to 0: every copy is out, which the reasons can say)."""
    if not lent:
        return depot
    copies = {tool: max(0, n - sum(1 for _, t in lent if t == tool)) for tool, n in depot.tool_copies.items()}
    return depot.model_copy(update={"tool_copies": copies})


@dataclass
class _Arrival:
    """A delivery being drawn down by the fixed pickups."""

    at: dt.datetime
    part: str
    units: int


def _after_takes(depot: Depot, takes: list[tuple[dt.datetime, dict[str, int]]]) -> Depot:
    """``depot`` with what fixed pickups took removed: from its initial stock first,
    then from the deliveries that had arrived by each pickup, earliest first."""
    if not takes:
        return depot
    stock = Counter(depot.stock)
    incoming = [_Arrival(utc(d.at), d.part, d.quantity) for d in sorted(depot.incoming, key=lambda d: utc(d.at))]
    for at, parts in sorted(takes, key=lambda take: take[0]):
        for part, units in parts.items():
            from_stock = min(units, stock[part])
            stock[part] -= from_stock
            units -= from_stock
            for delivery in incoming:
                if units and delivery.part == part and delivery.at <= at:
                    taken = min(units, delivery.units)
                    delivery.units -= taken
                    units -= taken
    return depot.model_copy(
        update={
            "stock": _positive(stock),
            "incoming": tuple(
                Delivery(part=d.part, quantity=d.units, at=d.at.astimezone(depot.incoming[0].at.tzinfo))
                for d in incoming
                if d.units > 0
            ),
        }
    )


def fixed_routes(problem: Problem) -> dict[tuple[str, dt.date], Route]:
    """The fixed part of each technician-day that has one, by (technician id, date)."""
    if problem.progress is None:
        return {}
    return {(r.technician_id, r.date): r for r in problem.progress.fixed}
