"""Split a large problem into regions that can be planned apart, and merge their plans.

A region is an ordinary :class:`~optimizer.models.Problem`: some technicians, the
orders they are to serve, the depots they stock up at, and the base problem's
settings. Regions come from

* the ``region`` column, where every technician has one: orders without a region,
  or whose region has no technician qualified for them (skills, van capacity, a
  required technician), go to the region of the nearest technician who is;
* otherwise from geography: the technicians' homes are halved along the wider
  side of their extent, recursively, until no part has more than
  ``max_technicians``; each cut lies where the orders' work on either side, over
  the technicians' working time there, is most nearly equal. Each order then joins
  the region of the nearest technician qualified for it, so that border orders go
  where someone can serve them.

Depots join the region of their nearest technician, so that no depot's stock is
promised twice. "Nearest" is great-circle distance: splitting never builds a travel
matrix for the whole problem; each region builds its own.

Orders a region's technicians could not fit in get a second chance
(:func:`second_chances`): each is offered to the region of the nearest qualified
technician outside its own, as a re-plan of that region's plan at the start of the
horizon with the order added, so that region's visits are kept where that costs
less than changing them (the stability weights of a re-plan).

:func:`merge` puts the regions' plans together into one plan of the whole problem;
orders of a region that failed come back unplanned with reason ``region_failed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.instance import personal_qualification
from optimizer.kpis import compute_kpis
from optimizer.models import Order, Plan, Problem, SolverInfo, Technician, UnplannedOrder
from optimizer.models.events import Events
from optimizer.reasons import EXPLANATION, Reason
from optimizer.replan import replan_problem
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
        groups = _halves(problem, np.arange(len(techs)), np.arange(len(problem.orders)), max(1, max_technicians))
        names = [f"R{k + 1:02d}" for k in range(len(groups))]
        tech_region = np.empty(len(techs), dtype=np.int64)
        for k, group in enumerate(groups):
            tech_region[group] = k
    order_region = _order_regions(problem, tech_region, names if by_column else None)
    depot_region = tech_region[_nearest([d.lat for d in problem.depots], [d.lon for d in problem.depots], techs)] \
        if problem.depots else np.empty(0, dtype=np.int64)
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    return [
        Region(name, type(problem)(**fields | {
            "orders": tuple(o for o, r in zip(problem.orders, order_region) if r == k),
            "technicians": tuple(t for t, r in zip(techs, tech_region) if r == k),
            "depots": tuple(d for d, r in zip(problem.depots, depot_region) if r == k),
        }))
        for k, name in enumerate(names)
    ]


SECOND_CHANCE = frozenset({
    Reason.NOT_ENOUGH_CAPACITY, Reason.NO_SHIFT_FITS, Reason.NO_TECHNICIAN_AVAILABLE,
    Reason.NO_STOCK_IN_REACH, Reason.NO_TECHNICIAN_WITH_TOOLS,
})
"""Reasons a region gives that another region's technicians, time or depots may not share."""


def second_chances(problem: Problem, regions: list[Region], plans: Mapping[str, Plan]) -> list[Region]:
    """For each region that can take orders other regions left unplanned (for a
    reason in :data:`SECOND_CHANCE`): the re-plan problem of its plan at the
    horizon's start with those orders added, named after it. Each order is offered
    to one region only: that of the nearest technician outside its own region who is
    qualified for it."""
    region_of = {t.id: k for k, r in enumerate(regions) for t in r.problem.technicians}
    home_region = {o.id: k for k, r in enumerate(regions) for o in r.problem.orders}
    leftovers = [problem.order_by_id[u.order_id] for r in regions if r.name in plans
                 for u in plans[r.name].unplanned if Reason(u.reason) in SECOND_CHANCE]
    if not leftovers:
        return []
    techs = problem.technicians
    skilled, fits, allowed = personal_qualification(tuple(leftovers), techs)
    tech_region = np.array([region_of[t.id] for t in techs])
    metres = _distances([o.lat for o in leftovers], [o.lon for o in leftovers], techs)
    offered: dict[int, list[Order]] = {}
    for o, order in enumerate(leftovers):
        able = (skilled & fits & allowed)[:, o] & (tech_region != home_region[order.id])
        if able.any():
            target = int(tech_region[np.argmin(np.where(able, metres[o], np.inf))])
            if regions[target].name in plans:
                offered.setdefault(target, []).append(order)
    return [
        Region(regions[k].name, replan_problem(regions[k].problem, plans[regions[k].name],
                                               Events(now=problem.horizon_start, new_orders=tuple(orders))))
        for k, orders in sorted(offered.items())
    ]


def merge(problem: Problem, plans: Mapping[str, Plan], failed: Mapping[str, tuple[Region, str]],
          info: SolverInfo) -> Plan:
    """One plan of ``problem`` from the regions' plans (an order another region
    planned on a second chance is no longer unplanned where it came from); the orders
    of ``failed`` regions (region, what went wrong) are unplanned with reason
    ``region_failed``."""
    routes = tuple(route for plan in plans.values() for route in plan.routes)
    planned = {order_id for route in routes for order_id in route.order_ids}
    lost = tuple(
        UnplannedOrder(order_id=order.id, urgency=order.urgency, reason=Reason.REGION_FAILED.value,
                       detail=f"{EXPLANATION[Reason.REGION_FAILED]} (region {region.name}: {error})")
        for region, error in failed.values() for order in region.problem.orders
    )
    latest = {u.order_id: u for plan in plans.values() for u in plan.unplanned if u.order_id not in planned}
    unplanned = tuple(latest.values()) + lost
    kpis = compute_kpis(problem, routes, unplanned)
    return Plan(routes=routes, unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz).with_problem(problem)


def _order_regions(problem: Problem, tech_region: npt.NDArray[np.int64], names: list[str] | None) -> npt.NDArray[np.int64]:
    """The region of each order: its column's where that region has a technician
    qualified for it, else that of the nearest qualified technician (of the nearest
    technician where nobody qualifies: the region's plan then says why)."""
    orders, techs = problem.orders, problem.technicians
    skilled, fits, allowed = personal_qualification(orders, techs)
    qualified = skilled & fits & allowed
    position = {t.id: k for k, t in enumerate(techs)}
    regions = np.empty(len(orders), dtype=np.int64)
    for first in range(0, len(orders), _ORDER_CHUNK):
        chunk = slice(first, min(len(orders), first + _ORDER_CHUNK))
        metres = _distances([o.lat for o in orders[chunk]], [o.lon for o in orders[chunk]], techs)
        able = qualified[:, chunk].T
        anyone = able.any(axis=1)
        nearest = np.argmin(np.where(able | ~anyone[:, None], metres, np.inf), axis=1)
        regions[chunk] = tech_region[nearest]
        for o, order in enumerate(orders[chunk]):
            if order.technician is not None:  # with the one technician who may serve it
                regions[first + o] = tech_region[position[order.technician]]
            elif names is not None and order.region in names:
                own = names.index(order.region)
                if (able[o] & (tech_region == own)).any() or not anyone[o]:
                    regions[first + o] = own
    return regions


def _halves(
    problem: Problem, members: npt.NDArray[np.int64], orders: npt.NDArray[np.int64], size: int,
) -> list[npt.NDArray[np.int64]]:
    """Technician indices ``members`` (with the order indices ``orders`` that lie
    among them) halved along the wider side of their homes' extent, at the cut that
    best balances work over working time, until parts have at most ``size``."""
    if members.size <= size:
        return [members]
    lat = np.array([problem.technicians[i].lat for i in members])
    lon = np.array([problem.technicians[i].lon for i in members])
    wide_lat = np.ptp(lat) >= np.ptp(lon) * np.cos(np.radians(lat.mean()))
    along = lat if wide_lat else lon
    at = np.array([problem.orders[o].lat if wide_lat else problem.orders[o].lon for o in orders])
    rank = np.argsort(along, kind="stable")
    homes = along[rank]
    hours = np.cumsum([_working_hours(problem, problem.technicians[members[i]]) for i in rank])
    work = np.array([problem.orders[o].duration_min for o in orders]) / 60
    by_place = np.argsort(at, kind="stable")
    work_before = np.concatenate([[0.0], np.cumsum(work[by_place])])
    best, best_cut = np.inf, members.size // 2
    for cut in range(max(1, members.size // 4), members.size - members.size // 4 + 1):
        if cut >= members.size:
            break
        boundary = (homes[cut - 1] + homes[cut]) / 2
        left_work = work_before[np.searchsorted(at[by_place], boundary)]
        left = left_work / max(1e-9, hours[cut - 1])
        right = (work_before[-1] - left_work) / max(1e-9, hours[-1] - hours[cut - 1])
        if abs(left - right) < best - 1e-12:
            best, best_cut = abs(left - right), cut
    boundary = (homes[best_cut - 1] + homes[best_cut]) / 2
    ordered = members[rank]
    west = at < boundary
    return (_halves(problem, ordered[:best_cut], orders[west], size)
            + _halves(problem, ordered[best_cut:], orders[~west], size))


def _working_hours(problem: Problem, technician: Technician) -> float:
    """Hours of the technician's shifts over the horizon."""
    start = dt.datetime.combine(dt.date.min, technician.shift.start)
    end = dt.datetime.combine(dt.date.min, technician.shift.end)
    days = sum(1 for day in problem.dates if technician.works_on(day))
    return max(0.0, (end - start).total_seconds() / 3600) * days


def _distances(lat: list[float], lon: list[float], techs: tuple[Technician, ...]) -> npt.NDArray[np.float64]:
    """[places, technicians] great-circle metres from places to technicians' homes."""
    phi, lam = np.radians(np.asarray(lat))[:, None], np.radians(np.asarray(lon))[:, None]
    return haversine_m(phi, lam, np.radians([t.lat for t in techs])[None, :], np.radians([t.lon for t in techs])[None, :])


def _nearest(lat: list[float], lon: list[float], techs: tuple[Technician, ...]) -> npt.NDArray[np.intp]:
    return np.argmin(_distances(lat, lon, techs), axis=1)
