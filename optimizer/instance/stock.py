"""Compilation step "depots and pickups": parts and tools as numbers (what vans and
depots hold, what orders need), the depots' opening hours, the kinds of pickup stop,
and from when a technician could have an order's parts.

Everything here works on plain arrays with parts and tools as column indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import NEVER_S, UNLIMITED, BoolArray, IntArray, freeze
from optimizer.models import Problem
from optimizer.timeaxis import TimeAxis


@dataclass(frozen=True)
class Stock:
    """Parts (``P`` SKUs) and tools (``K``) of a problem as arrays.

    Deliveries are one row each (``E``), sorted by arrival; a delivery that arrives
    before the horizon starts counts as arriving at its start (second 0).
    """

    part_ids: tuple[str, ...]
    tool_ids: tuple[str, ...]
    order_parts: IntArray
    """[O, P] units each order consumes."""
    order_tools: BoolArray
    """[O, K] tools each order needs on site."""
    technician_van: IntArray
    """[T, P] units on each van at the start of the horizon."""
    technician_tools: BoolArray
    """[T, K] tools each technician carries from the start."""
    depot_stock: IntArray
    """[D, P] units in each depot at the start of the horizon."""
    depot_tools: BoolArray
    """[D, K] tools each depot lends."""
    depot_tool_copies: IntArray
    """[D, K] technicians each depot may lend each tool to over the horizon
    (``UNLIMITED`` without a count, 0 where it does not lend it)."""
    delivery_depot: IntArray
    delivery_part: IntArray
    delivery_units: IntArray
    delivery_s: IntArray
    """[E] arrival of each delivery, seconds since the horizon start."""

    def __post_init__(self) -> None:
        freeze(self)


def compile_stock(problem: Problem, axis: TimeAxis) -> Stock:
    """The parts and tools of ``problem`` as arrays."""
    orders, techs, depots = problem.orders, problem.technicians, problem.depots
    deliveries = sorted(
        (
            (max(0, axis.seconds_from(x.at)), d, x.part, x.quantity)
            for d, depot in enumerate(depots)
            for x in depot.incoming
        ),
        key=lambda x: (x[0], x[1], x[2]),
    )
    part_ids = sorted(
        {p for o in orders for p in o.parts}
        | {p for t in techs for p in t.van_stock}
        | {p for d in depots for p in d.stock}
        | {x[2] for x in deliveries}
    )
    tool_ids = sorted(
        {k for o in orders for k in o.tools}
        | {k for t in techs for k in t.tools}
        | {k for d in depots for k in d.tools}
    )
    part_index = {p: i for i, p in enumerate(part_ids)}
    return Stock(
        part_ids=tuple(part_ids),
        tool_ids=tuple(tool_ids),
        order_parts=amounts([o.parts for o in orders], part_ids),
        order_tools=_flags([o.tools for o in orders], tool_ids),
        technician_van=amounts([t.van_stock for t in techs], part_ids),
        technician_tools=_flags([t.tools for t in techs], tool_ids),
        depot_stock=amounts([d.stock for d in depots], part_ids),
        depot_tools=_flags([d.tools for d in depots], tool_ids),
        depot_tool_copies=np.array(
            [[d.tool_copies.get(k, UNLIMITED) if k in d.tools else 0 for k in tool_ids] for d in depots],
            dtype=np.int64,
        ).reshape(len(depots), len(tool_ids)),
        delivery_depot=np.array([x[1] for x in deliveries], dtype=np.int64),
        delivery_part=np.array([part_index[x[2]] for x in deliveries], dtype=np.int64),
        delivery_units=np.array([x[3] for x in deliveries], dtype=np.int64),
        delivery_s=np.array([x[0] for x in deliveries], dtype=np.int64),
    )


@dataclass(frozen=True)
class Depots:
    """The depots' columns of the instance (see :class:`~optimizer.instance.Instance`)."""

    depot_ids: tuple[str, ...]
    depot_loc: IntArray
    depot_hours_s: IntArray
    pickup_duration_s: int
    pickup_depot: IntArray
    pickup_from_s: IntArray


def compile_depots(problem: Problem, axis: TimeAxis, stock: Stock, horizon_s: int, first_loc: int) -> Depots:
    """Opening hours per depot and day, and the kinds of pickup stop: each depot from
    the start, and again from each arrival of a delivery there within the horizon.
    ``first_loc`` is the location index of the first depot."""
    depot_hours = np.array(
        [
            [(axis.local_seconds(day, d.hours.start), axis.local_seconds(day, d.hours.end)) for day in problem.dates]
            for d in problem.depots
        ],
        dtype=np.int64,
    ).reshape(len(problem.depots), len(problem.dates), 2)
    kinds = np.array(
        sorted(
            {(d, 0) for d in range(len(problem.depots))}
            | {(int(d), int(at)) for d, at in zip(stock.delivery_depot, stock.delivery_s) if at <= horizon_s}
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    return Depots(
        depot_ids=tuple(d.id for d in problem.depots),
        depot_loc=first_loc + np.arange(len(problem.depots), dtype=np.int64),
        depot_hours_s=depot_hours,
        pickup_duration_s=round(60 * problem.pickup_min),
        pickup_depot=kinds[:, 0].copy(),
        pickup_from_s=kinds[:, 1].copy(),
    )


def parts_ready_s(stock: Stock, horizon_s: int, depot_hours_s: IntArray, pickup_s: int) -> IntArray:
    """[T, O] the earliest second at which each technician could hold each order's parts:
    0 where the van has them all, else the end of the earliest pickup at one depot that
    holds what the van lacks (its stock plus the deliveries arrived by then, ignoring
    what other orders take) within its opening hours ``depot_hours_s`` [D, days, 2];
    :data:`NEVER_S` if no depot can hand them over within the horizon."""
    van, need = stock.technician_van, stock.order_parts
    ready = np.zeros((van.shape[0], need.shape[0]), dtype=np.int64)
    times, held = _depot_holdings(stock, horizon_s)
    handover = np.array(
        [[_handover(hours, at, pickup_s) for at in times] for hours in depot_hours_s], dtype=np.int64
    ).reshape(held.shape[:2])
    for o in np.flatnonzero(need.any(axis=1)):
        columns = np.flatnonzero(need[o])
        short = np.clip(need[o, columns][None, :] - van[:, columns], 0, None)  # [T, c]
        best = np.full(van.shape[0], NEVER_S, dtype=np.int64)
        for d in range(held.shape[0]):
            covered = (held[d][:, columns][None, :, :] >= short[:, None, :]).all(axis=2)  # [T, times]
            first = np.where(covered.any(axis=1), handover[d][covered.argmax(axis=1)], NEVER_S)
            best = np.minimum(best, first)
        ready[:, o] = np.where((short == 0).all(axis=1), 0, best)
    return ready


def _handover(hours: IntArray, at: int, pickup_s: int) -> int:
    """End of the earliest pickup starting at or after ``at`` within one of the daily
    opening ``hours`` [days, 2] (:data:`NEVER_S` if none)."""
    for opens, closes in hours.tolist():
        start = max(at, opens)
        if start + pickup_s <= closes:
            return start + pickup_s
    return NEVER_S


def latest_pickup_start(hours: IntArray, by: int, pickup_s: int) -> int | None:
    """Start of the latest pickup within one of the daily opening ``hours`` [days, 2]
    that ends by ``by`` (None if none does): the twin of :func:`_handover`."""
    starts = [
        min(by, int(closes)) - pickup_s for opens, closes in hours.tolist() if min(by, int(closes)) - pickup_s >= opens
    ]
    return max(starts, default=None)


def tools_obtainable(stock: Stock) -> BoolArray:
    """[T, O] whether each technician carries, or some depot lends, every tool an order needs."""
    reachable = stock.technician_tools | np.any(stock.depot_tools, axis=0)[None, :]
    return ~np.any(stock.order_tools[None, :, :] & ~reachable[:, None, :], axis=2)


def tools_carried(stock: Stock) -> BoolArray:
    """[T, O] whether each technician carries from the start every tool an order needs."""
    return ~np.any(stock.order_tools[None, :, :] & ~stock.technician_tools[:, None, :], axis=2)


def _depot_holdings(stock: Stock, horizon_s: int) -> tuple[IntArray, IntArray]:
    """Arrival times within the horizon (0 first) [K] and what each depot holds from
    each of them on, before any pickup [D, K, P]."""
    within = stock.delivery_s <= horizon_s
    times = np.unique(np.concatenate([[0], stock.delivery_s[within]]))
    held = np.repeat(stock.depot_stock[:, None, :], times.size, axis=1)
    for d, p, units, at in zip(
        stock.delivery_depot[within],
        stock.delivery_part[within],
        stock.delivery_units[within],
        stock.delivery_s[within],
    ):
        held[d, np.searchsorted(times, at) :, p] += units
    return times, held


def amounts(rows: list[dict[str, int]], columns: list[str]) -> IntArray:
    """[rows, columns] the amount each row gives each named column (0 where none)."""
    table = np.zeros((len(rows), len(columns)), dtype=np.int64)
    index = {name: c for c, name in enumerate(columns)}
    for r, row in enumerate(rows):
        for name, amount in row.items():
            table[r, index[name]] = amount
    return table


def _flags(rows: list[frozenset[str]], columns: list[str]) -> BoolArray:
    table = np.zeros((len(rows), len(columns)), dtype=bool)
    index = {name: c for c, name in enumerate(columns)}
    for r, row in enumerate(rows):
        table[r, [index[name] for name in row]] = True
    return table
