"""One plan of a whole problem from the plans of its regions."""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.decode.kpis import compute_kpis
from optimizer.models import Plan, Problem, SolverInfo, UnplannedOrder
from optimizer.models.reasons import EXPLANATION, Reason
from optimizer.regions.split import Region


def merge(
    problem: Problem,
    plans: Mapping[str, Plan],
    unplanned: Mapping[str, UnplannedOrder],
    failed: Mapping[str, tuple[Region, str]],
    info: SolverInfo,
) -> Plan:
    """One plan of ``problem`` from the regions' last plans; ``unplanned`` holds every
    order some region's plan left out, with the latest reason given, and stays
    unplanned unless a region planned it (on a second chance, say). The orders of
    ``failed`` regions (region, what went wrong) are unplanned with reason
    ``region_failed``."""
    routes = tuple(route for plan in plans.values() for route in plan.routes)
    planned = {order_id for route in routes for order_id in route.order_ids}
    lost = tuple(
        UnplannedOrder(
            order_id=order.id,
            urgency=order.urgency,
            reason=Reason.REGION_FAILED.value,
            detail=f"{EXPLANATION[Reason.REGION_FAILED]} (region {region.name}: {error})",
        )
        for region, error in failed.values()
        for order in region.problem.orders
    )
    left = tuple(u for order_id, u in unplanned.items() if order_id not in planned) + lost
    kpis = compute_kpis(problem, routes, left)
    return Plan(routes=routes, unplanned=left, kpis=kpis, info=info, tz=problem.tz)
