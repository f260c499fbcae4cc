"""Second chances: orders a region left unplanned are offered to neighbouring regions.

A leftover goes to the region of the nearest technician outside the regions it has
already been offered to who is qualified for it, as a re-plan of that region's plan
at the start of the horizon with the order added, so that region's visits are kept
where that costs less than changing them (the stability weights of a re-plan). What
that region leaves unplanned in turn may go to the next region in a later round:
one neighbour per round, so that no order is ever planned by two regions. Orders
linked by ``after`` stay with their chain's region (a link holds within one plan).
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
        Reason.TOOLS_LENT_OUT,
        Reason.ONLY_EXCLUDED_TECHNICIANS,
    }
)
"""Reasons a region gives that another region's technicians, time or depots may not share."""

NEIGHBOURS = 2
"""Neighbouring regions a leftover is offered to by default, nearest first, one per round."""


def second_chances(
    problem: Problem,
    regions: list[Region],
    plans: Mapping[str, Plan],
    tried: dict[str, list[str]],
    neighbours: int = NEIGHBOURS,
) -> list[Region]:
    """One round of second chances. ``regions`` are the regions as last planned (each
    name's problem is that of its plan in ``plans``); ``tried`` holds, for each order
    offered in earlier rounds, the names of the regions it has been in, in turn (its
    own, then those it was offered to: the last one is the only region that may plan
    it), and is updated.

    For each region that can take orders left unplanned (for a reason in
    :data:`SECOND_CHANCE`, and planned by no region), offered to fewer than
    ``neighbours`` regions and never to it: the re-plan problem of its plan at the
    horizon's start with those orders added, named after it. Each order is offered to
    one region per round, that of the nearest qualified technician among the regions
    not yet tried. A region's re-plan leaves out every order it holds that is now
    another region's to plan (offered on this round or an earlier one), so that no
    order is ever planned by two regions."""
    planned = {order_id for plan in plans.values() for route in plan.routes for order_id in route.order_ids}
    holder = {o.id: r.name for r in regions for o in r.problem.orders}
    left = {
        u.order_id
        for r in regions
        if r.name in plans
        for u in plans[r.name].unplanned
        if Reason(u.reason) in SECOND_CHANCE and u.order_id not in planned
    }
    linked = {o.id for o in problem.orders if o.after is not None}
    linked |= {o.after.order_id for o in problem.orders if o.after is not None}
    leftovers = [
        o for o in problem.orders if o.id in left and o.id not in linked and len(tried.get(o.id, ["own"])) <= neighbours
    ]
    if not leftovers:
        return []
    techs = problem.technicians
    skilled, fits, allowed = personal_qualification(tuple(leftovers), techs)
    qualified = skilled & fits & allowed  # [technician, leftover]
    index = {r.name: k for k, r in enumerate(regions)}
    region_of = {t.id: index[r.name] for r in regions for t in r.problem.technicians}
    tech_region = np.array([region_of[t.id] for t in techs])
    planned_region = np.array([r.name in plans for r in regions])[tech_region]
    metres = distances([o.lat for o in leftovers], [o.lon for o in leftovers], techs)
    offered: dict[int, list[Order]] = {}
    for o, order in enumerate(leftovers):
        been = tried.setdefault(order.id, [holder[order.id]])
        able = qualified[:, o] & planned_region & ~np.isin(tech_region, [index[name] for name in been])
        if able.any():
            target = int(tech_region[np.argmin(np.where(able, metres[o], np.inf))])
            been.append(regions[target].name)
            offered.setdefault(target, []).append(order)
    return [
        Region(
            regions[k].name,
            replan_problem(
                regions[k].problem,
                plans[regions[k].name],
                Events(
                    now=problem.horizon_start,
                    new_orders=tuple(orders),
                    # orders it holds that are now another region's to plan
                    cancelled=frozenset(
                        o.id
                        for o in regions[k].problem.orders
                        if tried.get(o.id, [regions[k].name])[-1] != regions[k].name
                    ),
                ),
            ),
        )
        for k, orders in sorted(offered.items())
    ]
