"""Split a large problem into regions that can be planned apart (merged in :mod:`~optimizer.regions.merge`).

A region is an ordinary :class:`~optimizer.models.Problem`: some technicians, the
orders they are to serve, the depots they stock up at, and the base problem's
settings. Regions come from

* the ``region`` column, where every technician has one: orders without a region,
  or whose region has no technician qualified for them (skills, van capacity, a
  required technician), go to the region of the nearest technician who is;
* otherwise from geography: the technicians' homes are halved along the wider
  side of their extent, recursively, until no part has more than
  ``max_technicians``; each cut lies where the orders' work on either side, over
  the technicians' working time there, is most nearly equal
  (:func:`optimizer.instance.partition.halves`). Each order then joins
  the region of the nearest technician qualified for it, so that border orders go
  where someone can serve them.

A depot is shared by the regions that can reach it, its stock shared out between
them by demand (:mod:`optimizer.regions.depots`), so that no unit is promised twice
and no region is left without a depot. "Nearest" is great-circle distance: splitting
never builds a travel matrix for the whole problem; each region builds its own.

Orders a region could not fit in get a second chance
(:mod:`optimizer.regions.second_chance`); :mod:`optimizer.regions.merge` puts the
regions' plans together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.instance.eligibility import personal_qualification
from optimizer.instance.partition import halves
from optimizer.models import Order, Problem, Technician
from optimizer.regions.depots import shared_depots
from optimizer.travel.haversine import haversine_m

MAX_TECHNICIANS = 60
"""Technicians per automatic region: a region of 60 technicians and their orders
(some 1,500 a day) is planned well in a minute by one worker."""

_ORDER_CHUNK = 2_000
"""Orders whose distances to every technician are computed at once."""


@dataclass(frozen=True)
class Region:
    """One region: its name and the problem of its technicians, orders and depots."""

    name: str
    problem: Problem


def split(problem: Problem, *, max_technicians: int = MAX_TECHNICIANS, by_column: bool | None = None) -> list[Region]:
    """The regions of ``problem`` (see the module docstring), in a fixed order.

    ``by_column``: use the ``region`` column (``True``), geography (``False``), or
    the column where every technician has a region (``None``). Regions without
    orders are kept: their technicians are part of the plan.
    """
    techs = problem.technicians
    if problem.progress is not None:
        raise ValueError("a re-plan is not split into regions: re-plan the whole problem")
    if by_column is None:
        by_column = bool(techs) and all(t.region is not None for t in techs)
    if by_column:
        names = sorted({str(t.region) for t in techs})
        tech_region = np.array([names.index(str(t.region)) for t in techs], dtype=np.int64)
    else:
        groups = halves(
            np.array([t.lat for t in techs]),
            np.array([t.lon for t in techs]),
            max_technicians,
            capacity=np.array([_working_hours(problem, t) for t in techs]),
            work_lat=np.array([o.lat for o in problem.orders]),
            work_lon=np.array([o.lon for o in problem.orders]),
            work=np.array([o.duration_min for o in problem.orders]) / 60,
        )
        names = [f"R{k + 1:02d}" for k in range(len(groups))]
        tech_region = np.empty(len(techs), dtype=np.int64)
        for k, group in enumerate(groups):
            tech_region[group] = k
    order_region = _order_regions(problem, tech_region, names if by_column else None)
    depots = shared_depots(problem, tech_region, order_region, len(names))
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    return [
        Region(
            name,
            type(problem)(
                **fields
                | {
                    "orders": tuple(o for o, r in zip(problem.orders, order_region) if r == k),
                    "technicians": tuple(t for t, r in zip(techs, tech_region) if r == k),
                    "depots": depots[k],
                }
            ),
        )
        for k, name in enumerate(names)
    ]


def _order_regions(
    problem: Problem, tech_region: npt.NDArray[np.int64], names: list[str] | None
) -> npt.NDArray[np.int64]:
    """The region of each order: its required technician's; else its column's where
    that region has a technician qualified for it; else that of its first preferred
    technician who is qualified (so the preference can be met); else that of the
    nearest qualified technician (of the nearest technician where nobody qualifies:
    the region's plan then says why). An order following another goes with the first
    order of its chain."""
    orders, techs = problem.orders, problem.technicians
    skilled, fits, allowed = personal_qualification(orders, techs)
    qualified = skilled & fits & allowed
    position = {t.id: k for k, t in enumerate(techs)}
    regions = np.empty(len(orders), dtype=np.int64)
    for first in range(0, len(orders), _ORDER_CHUNK):
        chunk = slice(first, min(len(orders), first + _ORDER_CHUNK))
        metres = distances([o.lat for o in orders[chunk]], [o.lon for o in orders[chunk]], techs)
        able = qualified[:, chunk].T
        anyone = np.any(able, axis=1)
        nearest = np.argmin(np.where(able | ~anyone[:, None], metres, np.inf), axis=1)
        regions[chunk] = tech_region[nearest]
        for o, order in enumerate(orders[chunk]):
            if order.technician is not None:  # with the one technician who may serve it
                regions[first + o] = tech_region[position[order.technician]]
                continue
            if names is not None and order.region in names:
                own = names.index(order.region)
                if (able[o] & (tech_region == own)).any() or not anyone[o]:
                    regions[first + o] = own
                    continue
            liked = [position[t] for t in order.preferred if t in position and able[o, position[t]]]
            if liked:
                regions[first + o] = tech_region[liked[0]]
    return _chains_together(orders, regions)


def _chains_together(orders: tuple[Order, ...], regions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``regions`` with every order that follows another (``after``), directly or not,
    in the region of the first order of its chain: a link holds only within one plan."""
    index = {o.id: k for k, o in enumerate(orders)}
    out = regions.copy()
    for k, order in enumerate(orders):
        head, seen = order, {order.id}
        while head.after is not None and head.after.order_id in index and head.after.order_id not in seen:
            head = orders[index[head.after.order_id]]
            seen.add(head.id)
        out[k] = regions[index[head.id]]
    return out


def _working_hours(problem: Problem, technician: Technician) -> float:
    """Hours of the technician's shifts over the horizon."""
    total = 0.0
    for day in problem.dates:
        hours = technician.shift_on(day)
        if hours is not None and technician.works_on(day):
            start, end = dt.datetime.combine(day, hours.start), dt.datetime.combine(day, hours.end)
            total += max(0.0, (end - start).total_seconds() / 3600)
    return total


def distances(lat: list[float], lon: list[float], techs: tuple[Technician, ...]) -> npt.NDArray[np.float64]:
    """[places, technicians] great-circle metres from places to technicians' homes."""
    phi, lam = np.radians(np.asarray(lat))[:, None], np.radians(np.asarray(lon))[:, None]
    return haversine_m(
        phi, lam, np.radians([t.lat for t in techs])[None, :], np.radians([t.lon for t in techs])[None, :]
    )
