"""The optimum of a tiny problem by exhaustive enumeration: what any search should reach.

Every plan is enumerated: each order left out or served by one technician-day, in every
sequence. Each route is timed and priced by the scheduler
(:func:`optimizer.solvers.schedule.schedule_route`: the break in the cheapest gap or
inside a long visit, lateness, overtime, waiting, preferences), routes of disjoint order
sets are combined day by day (a dynamic programme over technician-days), and the
leave-out prices of the orders no route serves are added. The search shares none of
this enumeration; the checker confirms the optimum's cost with arithmetic of its own.

Only problems whose objective is a sum over routes qualify: no parts or tools (pickups),
no multi-day visits, no crews, no fair-days term (``weights.balance`` 0), no re-plan
promises. At six orders and four technician-days it takes about a second.
"""

from __future__ import annotations

import itertools

from optimizer.instance import Instance
from optimizer.solvers.schedule import schedule_route


def optimum(instance: Instance) -> tuple[float, dict[int, tuple[int, ...]]]:
    """The least objective of any plan of ``instance`` (cost units) and the routes of one
    plan that reaches it (orders per vehicle, vehicles without orders left out)."""
    _require_sum_over_routes(instance)
    cheapest: dict[int, tuple[float, dict[int, tuple[int, ...]]]] = {0: (0.0, {})}  # by the set served
    for vehicle in range(instance.n_vehicles):
        routes = _cheapest_routes(instance, vehicle)
        combined = dict(cheapest)
        for served, (cost, plan) in cheapest.items():
            for orders, (route_cost, sequence) in routes.items():
                if served & orders:
                    continue
                total = cost + route_cost
                if served | orders not in combined or total < combined[served | orders][0]:
                    combined[served | orders] = (total, {**plan, vehicle: sequence})
        cheapest = combined
    prices = instance.order_unplanned_cost
    return min(
        (
            (cost + sum(float(prices[o]) for o in range(instance.n_orders) if not served >> o & 1), plan)
            for served, (cost, plan) in cheapest.items()
        ),
        key=lambda found: found[0],
    )


def _cheapest_routes(instance: Instance, vehicle: int) -> dict[int, tuple[float, tuple[int, ...]]]:
    """For each set of orders ``vehicle`` can serve in one route (a bit mask), the least
    cost of a route serving exactly them and its sequence."""
    allowed = [o for o in range(instance.n_orders) if instance.compatible[vehicle, o]]
    cheapest: dict[int, tuple[float, tuple[int, ...]]] = {}
    for size in range(1, len(allowed) + 1):
        for orders in itertools.combinations(allowed, size):
            if instance.order_load[list(orders)].sum() > instance.vehicle_capacity[vehicle]:
                continue
            mask = sum(1 << o for o in orders)
            for sequence in itertools.permutations(orders):
                timed = schedule_route(instance, vehicle, sequence)
                if timed is None:
                    continue
                cost = timed.full_cost(instance)
                if mask not in cheapest or cost < cheapest[mask][0]:
                    cheapest[mask] = (cost, sequence)
    return cheapest


def _require_sum_over_routes(instance: Instance) -> None:
    """Raises ``ValueError`` where the objective of ``instance`` is not a sum over routes."""
    if instance.needs_supply:
        raise ValueError("orders need parts or tools: pickups are not enumerated")
    if instance.multi_day_compatible.any():
        raise ValueError("an order may be a multi-day visit: not enumerated")
    if instance.balance_per_s2 > 0:
        raise ValueError("fair days (weights.balance) price whole plans, not routes")
    if instance.promises:
        raise ValueError("a re-plan's promises are not enumerated")
    if (instance.order_crew > 1).any() or (instance.order_after >= 0).any():
        raise ValueError("crews and linked orders tie routes together: not enumerated")
    if instance.n_orders > 8:
        raise ValueError(f"{instance.n_orders} orders: too many to enumerate")
