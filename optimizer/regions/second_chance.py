"""Second chances: orders a region left unplanned are offered to a neighbouring region.

Each such order goes to the region of the nearest technician outside its own who is
qualified for it, as a re-plan of that region's plan at the start of the horizon
with the order added, so that region's visits are kept where that costs less than
changing them (the stability weights of a re-plan).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from optimizer.instance.eligibility import personal_qualification
from optimizer.models import Events, Order, Plan, Problem, Reason
from optimizer.regions.split import Region, distances
from optimizer.replan import replan_problem

SECOND_CHANCE = frozenset(
    {
        Reason.NOT_ENOUGH_CAPACITY,
        Reason.TOO_COSTLY,
        Reason.NO_SHIFT_FITS,
        Reason.NO_TECHNICIAN_AVAILABLE,
        Reason.NO_STOCK_IN_REACH,
        Reason.NO_TECHNICIAN_WITH_TOOLS,
    }
)
"""Reasons a region gives that another region's technicians, time or depots may not share."""


def second_chances(problem: Problem, regions: list[Region], plans: Mapping[str, Plan]) -> list[Region]:
    """For each region that can take orders other regions left unplanned (for a
    reason in :data:`SECOND_CHANCE`): the re-plan problem of its plan at the
    horizon's start with those orders added, named after it. Each order is offered
    to one region only: that of the nearest technician outside its own region who is
    qualified for it, and leaves the plan of its own region (which may get a second
    chance too)."""
    region_of = {t.id: k for k, r in enumerate(regions) for t in r.problem.technicians}
    home_region = {o.id: k for k, r in enumerate(regions) for o in r.problem.orders}
    leftovers = [
        problem.order_by_id[u.order_id]
        for r in regions
        if r.name in plans
        for u in plans[r.name].unplanned
        if Reason(u.reason) in SECOND_CHANCE
    ]
    if not leftovers:
        return []
    techs = problem.technicians
    skilled, fits, allowed = personal_qualification(tuple(leftovers), techs)
    tech_region = np.array([region_of[t.id] for t in techs])
    metres = distances([o.lat for o in leftovers], [o.lon for o in leftovers], techs)
    offered: dict[int, list[Order]] = {}
    for o, order in enumerate(leftovers):
        able = (skilled & fits & allowed)[:, o] & (tech_region != home_region[order.id])
        if able.any():
            target = int(tech_region[np.argmin(np.where(able, metres[o], np.inf))])
            if regions[target].name in plans:
                offered.setdefault(target, []).append(order)
    moved = {o.id for orders in offered.values() for o in orders}
    return [
        Region(
            regions[k].name,
            replan_problem(
                regions[k].problem,
                plans[regions[k].name],
                Events(
                    now=problem.horizon_start,
                    new_orders=tuple(orders),
                    # its own leftovers offered elsewhere are no longer its to plan
                    cancelled=frozenset(o.id for o in regions[k].problem.orders if o.id in moved),
                ),
            ),
        )
        for k, orders in sorted(offered.items())
    ]
