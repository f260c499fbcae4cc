"""Depots shared between the regions that can reach them, their stock shared out by demand.

A depot belongs to every region that can reach it: the region of its nearest
technician, and each region one of whose technicians has it as nearest depot. Its
tools without a count go to each of them. Its stock, each delivery, and the copies of
each counted tool are shared out in proportion to what the orders of those regions
need of that part or tool (the largest remainders get the odd units, ties to the
earlier region; a region without a copy does not get the tool); where none of them
needs it, it stays with the depot's own region. The shares add up to the depot's
stock and copies, so regions planned apart never promise a unit or a copy twice, and
the plans merge into one that keeps every depot's stock and counts.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from optimizer.models import Delivery, Depot, Problem
from optimizer.travel.haversine import haversine_m


def shared_depots(
    problem: Problem, tech_region: npt.NDArray[np.int64], order_region: npt.NDArray[np.int64], regions: int
) -> list[tuple[Depot, ...]]:
    """For each of ``regions`` regions, its depots with its share of their stock (see the
    module docstring); ``tech_region`` and ``order_region`` give each technician's and
    order's region."""
    depots, techs = problem.depots, problem.technicians
    out: list[list[Depot]] = [[] for _ in range(regions)]
    if not depots or not techs:
        return [tuple(d) for d in out]
    metres = haversine_m(
        np.radians([t.lat for t in techs])[:, None],
        np.radians([t.lon for t in techs])[:, None],
        np.radians([d.lat for d in depots])[None, :],
        np.radians([d.lon for d in depots])[None, :],
    )  # [technicians, depots]
    nearest_depot = np.argmin(metres, axis=1)
    nearest_tech = np.argmin(metres, axis=0)
    demand: list[defaultdict[str, int]] = [defaultdict(int) for _ in range(regions)]
    for order, k in zip(problem.orders, order_region, strict=True):
        for part, units in order.parts.items():
            demand[int(k)][part] += units
        for tool in order.tools:
            demand[int(k)][f"tool {tool}"] += 1
    for d, depot in enumerate(depots):
        own = int(tech_region[nearest_tech[d]])
        reach = sorted({own} | {int(tech_region[t]) for t in np.flatnonzero(nearest_depot == d)})
        stock = {k: dict[str, int]() for k in reach}
        for part, units in depot.stock.items():
            for k, share in _split(units, [demand[k][part] for k in reach], reach.index(own)).items():
                if share:
                    stock[reach[k]][part] = share
        incoming: dict[int, list[Delivery]] = {k: [] for k in reach}
        for delivery in depot.incoming:
            weights = [demand[k][delivery.part] for k in reach]
            for k, share in _split(delivery.quantity, weights, reach.index(own)).items():
                if share:
                    incoming[reach[k]].append(delivery.model_copy(update={"quantity": share}))
        copies: dict[int, dict[str, int]] = {k: {} for k in reach}
        for tool, count in depot.tool_copies.items():
            for k, share in _split(count, [demand[k][f"tool {tool}"] for k in reach], reach.index(own)).items():
                if share:
                    copies[reach[k]][tool] = share
        for k in reach:
            without = {tool for tool in depot.tool_copies if tool not in copies[k]}
            update = {"stock": stock[k], "incoming": tuple(incoming[k])}
            out[k].append(depot.model_copy(update=update | {"tools": depot.tools - without, "tool_copies": copies[k]}))
    return [tuple(d) for d in out]


def _split(units: int, weights: list[int], fallback: int) -> dict[int, int]:
    """``units`` shared out over positions in proportion to ``weights`` (largest
    remainders first, ties to the earlier position); all to ``fallback`` where every
    weight is 0."""
    total = sum(weights)
    if total <= 0:
        return {fallback: units}
    exact = [units * w / total for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - shares[k]), k))
    for k in order[: units - sum(shares)]:
        shares[k] += 1
    return dict(enumerate(shares))
