"""One plan of a whole problem from the plans of its regions."""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.decode.kpis import compute_kpis
from optimizer.models import Plan, Problem, SolverInfo, UnplannedOrder
from optimizer.models.reasons import EXPLANATION, Reason
from optimizer.regions.split import Region


def merge(
    problem: Problem, plans: Mapping[str, Plan], failed: Mapping[str, tuple[Region, str]], info: SolverInfo
) -> Plan:
    """One plan of ``problem`` from the regions' plans (an order another region
    planned on a second chance is no longer unplanned where it came from); the orders
    of ``failed`` regions (region, what went wrong) are unplanned with reason
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
    latest = {u.order_id: u for plan in plans.values() for u in plan.unplanned if u.order_id not in planned}
    unplanned = tuple(latest.values()) + lost
    kpis = compute_kpis(problem, routes, unplanned)
    return Plan(routes=routes, unplanned=unplanned, kpis=kpis, info=info, tz=problem.tz)
