"""Take out what costs more than it is worth: every routed order whose removal saves
more (travel, lateness of the others, overtime, waiting) than leaving it out costs.

Back-ends that keep every order required for part of their search (PyVRP's first
worker) or model the objective approximately (VROOM, OR-tools) can return such
visits; the dispatcher's objective would rather leave a low order 200 km away out.
Removing a visit never makes a route infeasible, only earlier.

A visit is re-timed without its order only where removing it could save enough: what
the rest of the day costs is never negative, so removing it saves at most the day's
timing cost (lateness, overtime, waiting, preference, stability) plus the drive it
adds. At 5,000 orders over five days that skips all but a few of the 5,000 re-timings.
A removal is kept only where the whole plan costs less, fair days included (taking a
visit off a light day can unbalance the days by more than its drive saves).
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.instance import Instance
from optimizer.solvers.base import SolveResult
from optimizer.solvers.cost import balance_cost, travel_cost
from optimizer.solvers.insertion import RouteSet
from optimizer.solvers.schedule import RouteSchedule, routes_cost, stop_location

_EPSILON = 1e-9


def prune(instance: Instance, result: SolveResult) -> SolveResult:
    """``result`` without the visits that cost more than leaving their orders out (fair
    days included), cheapest orders first, until none is left; unchanged if there is none."""
    state = RouteSet(instance, result.routes)
    parts_busy = {v: timed.busy_s(instance) for v, timed in result.multi_day.items()}

    def fair_days() -> float:  # the whole plan's fair-days term (0 without its weight)
        if instance.balance_per_s2 <= 0:
            return 0.0
        return balance_cost(instance, parts_busy | {v: t.busy_s(instance) for v, t in state.schedules.items()})

    removed = 0
    changed = True
    while changed:
        changed = False
        for vehicle in sorted(state.schedules):
            timed = state.schedules.get(vehicle)
            if timed is None:
                continue
            orders = [s for s in timed.visits if not instance.is_pickup(s)]
            for order in sorted(orders, key=lambda o: (instance.order_unplanned_cost[o], o)):
                if (
                    _most_saved(instance, state.schedules[vehicle], order)
                    <= instance.order_unplanned_cost[order] + _EPSILON
                ):
                    continue
                before = state.cost(vehicle) + fair_days()
                old = state.remove(order, vehicle)
                if old is None:
                    continue
                if before - state.cost(vehicle) - fair_days() > instance.order_unplanned_cost[order] + _EPSILON:
                    removed += 1
                    changed = True
                else:
                    state.put(old)
    if not removed:
        return result
    routes = state.routes()
    return replace(
        result,
        routes=routes,
        objective=routes_cost(instance, routes, result.multi_day),
        status=f"{result.status}; {removed} visit{'s' if removed != 1 else ''} worth less than their cost taken out",
    )


def _most_saved(instance: Instance, timed: RouteSchedule, order: int) -> float:
    """An upper bound on what taking ``order`` off the route ``timed`` saves: the route's
    timing cost (the rest of the day's is never negative) plus the drive the visit adds."""
    k = timed.visits.index(order)
    before = stop_location(instance, timed.visits[k - 1]) if k else int(instance.vehicle_start_loc[timed.vehicle])
    after = (
        stop_location(instance, timed.visits[k + 1])
        if k + 1 < len(timed.visits)
        else int(instance.vehicle_end_loc[timed.vehicle])
    )
    detour_s = timed.travel_s[k] + timed.travel_s[k + 1] - int(instance.travel_s[before, after])
    return timed.cost(instance) + travel_cost(instance, [detour_s])
