"""Multi-day visits: a job longer than any day of its technicians, split over that
technician's consecutive working days.

Rule (documented in ``docs/data-contract.md``): the first part starts as the order's
windows, release and the day allow, and its lateness counts from that start; each
part fills its day from the drive out to the drive home, without overtime (the break
is taken inside the work, as the long-job rule of :mod:`optimizer.solvers.schedule`
allows); the last part ends when the work is done. The days of a multi-day visit take
no other work; the next part is on the technician's next working day in the horizon.
Only orders that need no parts and whose tools the technician carries qualify
(``Instance.multi_day_compatible``): no pickup is planned for them.

Orders are placed most valuable first, each where its parts cost least (lateness and
driving) if that is below its leave-out price; the days taken are closed to the
routing back-ends, which plan everything else. Then each visit is reconsidered
(:func:`reconsider`): where the orders the insertion puts on its days instead are
worth more, the days go to them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import insert_orders
from optimizer.solvers.schedule import Part, RouteSchedule, routes_cost, schedule_route


def plan_multi_day(instance: Instance) -> tuple[dict[int, RouteSchedule], Instance]:
    """The parts of every multi-day visit placed (vehicle -> its one-visit schedule),
    and ``instance`` with the days they take closed to all other orders."""
    candidates = np.flatnonzero(instance.multi_day_compatible.any(axis=0))
    if candidates.size == 0:
        return {}, instance
    taken: dict[int, RouteSchedule] = {}
    for order in sorted(candidates.tolist(), key=lambda o: (-instance.order_unplanned_cost[o], o)):
        best = cheapest_run(instance, order, taken)
        if best is not None and best[0] < instance.order_unplanned_cost[order]:
            taken.update({p.vehicle: p for p in best[1]})
    return taken, closed_days(instance, taken)


def closed_days(instance: Instance, parts: dict[int, RouteSchedule]) -> Instance:
    """``instance`` with the days of ``parts`` closed to every other order."""
    if not parts:
        return instance
    closed = np.zeros(instance.n_vehicles, dtype=bool)
    closed[list(parts)] = True
    return dataclasses.replace(
        instance,
        compatible=instance.compatible & ~closed[:, None],
        supply_compatible=instance.supply_compatible & ~closed[:, None],
    )


def reconsider(
    instance: Instance, result: SolveResult, parts: dict[int, RouteSchedule], limits: SolveLimits
) -> tuple[SolveResult, dict[int, RouteSchedule], Instance]:
    """Give back the days of a multi-day visit where the other work the insertion then
    puts on them is worth more than the visit (an emergency, say): each visit, least
    valuable first, against ``result`` (the back-end's routes of everything else).
    ``instance`` is the one with every day open. Returns the result, the visits kept
    and the instance with their days closed."""
    for order in sorted({p.visits[0] for p in parts.values()}, key=lambda o: (instance.order_unplanned_cost[o], o)):
        if limits.expired():
            break
        others = {v: p for v, p in parts.items() if p.visits[0] != order}
        opened = closed_days(instance, others)
        run_cost = sum(p.full_cost(instance) for p in parts.values() if p.visits[0] == order)
        kept = routes_cost(opened, result.routes) - float(instance.order_unplanned_cost[order]) + run_cost
        routes = insert_orders(opened, limits, routes=result.routes)
        given_back = routes_cost(opened, routes)
        if given_back < kept - 1e-9:
            parts = others
            status = f"{result.status}; the days of a multi-day visit went to other orders"
            result = dataclasses.replace(result, routes=routes, objective=given_back, status=status)
    return result, parts, closed_days(instance, parts)


def cheapest_run(instance: Instance, order: int, taken: Container[int]) -> tuple[float, list[RouteSchedule]] | None:
    """The cheapest way to serve multi-day ``order`` on days not ``taken``: (its cost,
    its parts), over every qualified technician and first day; ``None`` if no run of
    consecutive working days holds it."""
    best: tuple[float, list[RouteSchedule]] | None = None
    for technician in np.unique(instance.vehicle_technician[instance.multi_day_compatible[:, order]]).tolist():
        days = np.flatnonzero(instance.vehicle_technician == technician).tolist()
        for k in range(len(days)):
            parts = _parts(instance, order, days[k:], taken)
            if parts is None:
                continue
            cost = sum(p.full_cost(instance) for p in parts)
            if best is None or cost < best[0]:
                best = (cost, parts)
    return best


def with_multi_day(instance: Instance, result: SolveResult, parts: dict[int, RouteSchedule]) -> SolveResult:
    """``result`` (of the other orders) with the multi-day ``parts`` added: their cost
    in its objective instead of their orders' leave-out price."""
    orders = {p.visits[0] for p in parts.values()}
    objective = result.objective
    if objective is not None:
        objective += sum(p.full_cost(instance) for p in parts.values())
        objective -= float(instance.order_unplanned_cost[sorted(orders)].sum())
    status = f"{result.status}; {len(orders)} multi-day visit{'s' if len(orders) != 1 else ''} over {len(parts)} days"
    return dataclasses.replace(result, objective=objective, status=status, multi_day=parts)


def _parts(instance: Instance, order: int, days: list[int], taken: Container[int]) -> list[RouteSchedule] | None:
    """The parts of ``order`` from the first of ``days`` (a technician's vehicles from
    some day on) onwards, or ``None`` if they do not hold it."""
    left = int(instance.order_duration_s[order])
    parts: list[RouteSchedule] = []
    for vehicle in days:
        if vehicle in taken or not instance.multi_day_compatible[vehicle, order]:
            return None
        continuing = bool(parts)
        last = schedule_route(instance, vehicle, (order,), part=Part(left, continuing))
        if last is not None and last.overtime_s == 0:
            parts.append(last)
            return parts
        most = _most_work(instance, vehicle, order, continuing, left)
        if most is None:
            return None
        parts.append(most[1])
        left -= most[0]
    return None


def _most_work(
    instance: Instance, vehicle: int, order: int, continuing: bool, below: int
) -> tuple[int, RouteSchedule] | None:
    """The most seconds of work (less than ``below``) that one day of ``vehicle`` holds
    without overtime, and its schedule; ``None`` if not a minute."""
    lo, hi = 60, below - 1
    best: tuple[int, RouteSchedule] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        timed = schedule_route(instance, vehicle, (order,), part=Part(mid, continuing))
        if timed is not None and timed.overtime_s == 0:
            best, lo = (mid, timed), mid + 1
        else:
            hi = mid - 1
    return best
