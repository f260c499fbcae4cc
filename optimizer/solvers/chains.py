"""The chain pass: routes that hold every link between orders (``Order.after``).

The back-ends plan a linked order like any other, its windows only cut to open after
its predecessor could end at the soonest (:mod:`optimizer.instance.links`). This pass
then makes the routes hold each link exactly, round after round:

1. an order is *broken* where its predecessor is unplanned or on a broken order, or
   where it starts before the predecessor's end plus the gap, after its end plus
   ``after_max``, or (``same_technician``) with another technician;
2. broken orders leave their routes;
3. every planned predecessor is pinned to its technician-day and start, and every
   linked order gets windows from its predecessor's end (and its technician where it
   must keep it): the *fenced* instance, which only narrows the real one;
4. the core's completion (no search) keeps what holds and inserts what is left out
   where it costs least, pickups included.

A route feasible in the fenced instance is feasible in the real one, and every link
of it holds by construction; the rounds go on until nothing is broken (a chain of
``k`` links settles in ``k`` rounds), and whatever a last round leaves broken is left
out. A link to a job longer than a day (a multi-day visit, added after this pass) is
not held: its follower is left out.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.instance import Instance
from optimizer.instance.arrays import NEVER_S
from optimizer.instance.windows import clipped
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.field_search import completion
from optimizer.solvers.schedule import RouteSchedule, routes_cost, schedule_all
from optimizer.solvers.slots import routed_only, without

Completed = tuple[SolveResult, float]
"""A completion by the core and its objective."""


def has_links(instance: Instance) -> bool:
    """Whether some order follows another still to plan."""
    return bool((instance.order_after >= 0).any())


def hold_links(instance: Instance, result: SolveResult, limits: SolveLimits) -> tuple[SolveResult, Instance]:
    """``result`` with every link held (see the module docstring), and the instance that
    times it: the last round's fenced instance, whose windows make the earliest start
    of each linked order wait for its predecessor (``instance`` where no round ran)."""
    routes = {v: tuple(seq) for v, seq in result.routes.items() if seq}
    timing, routes, found = _settle(instance, instance, routes, limits)
    if found is None:
        return result, instance
    timing, routes, found = _moved_chains(instance, timing, routes, found, limits)
    broken = broken_links(instance, schedule_all(timing, _lists(routes)))
    if broken:  # the rounds ran out: what is still broken is left out (its pickups collect for nothing)
        routes = without(routes, broken)
        timing = routed_only(fenced(instance, schedule_all(timing, _lists(routes))), routes)
    held = dataclasses.replace(
        found[0],
        routes=routes,
        objective=routes_cost(timing, routes, result.multi_day),
        status=f"{result.status}; links held",
        solve_s=result.solve_s,
        multi_day=result.multi_day,
    )
    return held, timing


_CANDIDATES = 12
"""Technician-days tried for the first order of a chain when the chain is moved whole:
those that start nearest to it."""


def _settle(
    instance: Instance,
    timing: Instance,
    routes: dict[int, tuple[int, ...]],
    limits: SolveLimits,
    *,
    pin: tuple[int, int] | None = None,
) -> tuple[Instance, dict[int, tuple[int, ...]], Completed | None]:
    """Rounds of the pass from ``routes`` timed by ``timing``: (the fenced instance, the
    routes, the core's last completion; ``None`` where nothing needed a round). With
    ``pin`` (order, vehicle) the first round runs whatever holds, with that order served
    by that vehicle only. A round that changes nothing, or the deadline of ``limits``
    after the first round, ends them."""
    found = None
    for round_ in range(_depth(instance) + 2):
        if round_ > 0 and limits.expired():
            break
        timed = schedule_all(timing, _lists(routes))
        broken = broken_links(instance, timed)
        if not broken and not (pin and round_ == 0) and not _waiting(instance, timed):
            break
        routes = without(routes, broken)
        timing = fenced(instance, schedule_all(timing, _lists(routes)))
        if pin is not None and round_ == 0:
            alone = np.zeros(instance.n_vehicles, dtype=bool)
            alone[pin[1]] = True
            compatible, supply = timing.compatible.copy(), timing.supply_compatible.copy()
            compatible[:, pin[0]] &= alone
            supply[:, pin[0]] &= alone
            timing = dataclasses.replace(timing, compatible=compatible, supply_compatible=supply)
        found = _complete(timing, routes)
        changed = dict(found[0].routes) != routes
        routes = dict(found[0].routes)
        if not changed and not broken:
            break
    return timing, routes, found


def _moved_chains(
    instance: Instance,
    timing: Instance,
    routes: dict[int, tuple[int, ...]],
    found: Completed,
    limits: SolveLimits,
) -> tuple[Instance, dict[int, tuple[int, ...]], Completed]:
    """Each chain moved whole where that costs less: its first order tried on the
    ``_CANDIDATES`` technician-days that start nearest to it, its followers after it;
    most valuable chains first, until the deadline of ``limits``."""
    after = instance.order_after
    heads = sorted(
        {int(after[o]) for o in np.flatnonzero(after >= 0).tolist()} - set(np.flatnonzero(after >= 0).tolist()),
        key=lambda o: (-float(instance.order_unplanned_cost[o]), o),
    )
    for head in heads:
        members = {head} | _followers(instance, head)
        rest = without(routes, members)
        starts = instance.vehicle_start_loc
        able = np.flatnonzero(instance.supply_compatible[:, head]).tolist()
        near = sorted(able, key=lambda v: (int(instance.travel_s[starts[v], instance.order_loc[head]]), v))
        for vehicle in near[:_CANDIDATES]:
            if limits.expired():
                return timing, routes, found
            fence, tried, answer = _settle(instance, timing, rest, limits, pin=(head, vehicle))
            if answer is None or answer[1] >= found[1] - _EPSILON:
                continue
            if not broken_links(instance, schedule_all(fence, _lists(tried))):
                timing, routes, found = fence, tried, answer
    return timing, routes, found


_EPSILON = 1e-6


def _followers(instance: Instance, order: int) -> set[int]:
    """The orders that follow ``order``, directly or not."""
    after = instance.order_after
    out: set[int] = set()
    grew = {order}
    while grew:
        grew = set(np.flatnonzero(np.isin(after, list(grew))).tolist()) - out
        out |= grew
    return out


def _complete(timing: Instance, routes: dict[int, tuple[int, ...]]) -> Completed:
    """The core's completion of ``routes`` in ``timing`` (no search, no time limit: one
    insertion pass)."""
    return completion(timing, routes, "links held")


def _waiting(instance: Instance, schedules: dict[int, RouteSchedule]) -> bool:
    """Whether some linked order is unplanned while its predecessor is planned."""
    planned = {s for timed in schedules.values() for s in timed.visits}
    linked = np.flatnonzero(instance.order_after >= 0).tolist()
    return any(o not in planned and int(instance.order_after[o]) in planned for o in linked)


def fenced(instance: Instance, schedules: dict[int, RouteSchedule]) -> Instance:
    """``instance`` narrowed to the links as the ``schedules`` stand: each planned
    predecessor pinned to its technician-day and start, each linked order's windows cut
    to its predecessor's end plus the gap up to ``after_max`` (with its technician where
    it must keep it), a linked order whose predecessor is unplanned served by nobody."""
    where = _where(schedules)
    after = instance.order_after
    windows, counts = instance.order_windows_s.copy(), instance.order_n_windows.copy()
    compatible, supply = instance.compatible.copy(), instance.supply_compatible.copy()
    lo = np.zeros(instance.n_orders, dtype=np.int64)
    hi = np.full(instance.n_orders, NEVER_S, dtype=np.int64)
    for order in np.flatnonzero(after >= 0).tolist():
        before = int(after[order])
        if before not in where:
            compatible[:, order] = supply[:, order] = False
            continue
        _, _, end_s = where[before]
        lo[order] = end_s + int(instance.order_after_gap_s[order])
        hi[order] = min(NEVER_S, end_s + int(instance.order_after_max_s[order]))
        if instance.order_same_technician[order]:
            other = instance.vehicle_technician != instance.vehicle_technician[where[before][0]]
            compatible[other, order] = supply[other, order] = False
    for before in set(after[after >= 0].tolist()) & set(where):
        vehicle, start_s, _ = where[before]
        lo[before], hi[before] = start_s, start_s
        alone = np.zeros(instance.n_vehicles, dtype=bool)
        alone[vehicle] = True
        compatible[:, before] &= alone
        supply[:, before] &= alone
    windows, counts = clipped(windows, lo, hi)
    return dataclasses.replace(
        instance, order_windows_s=windows, order_n_windows=counts, compatible=compatible, supply_compatible=supply
    )


def broken_links(instance: Instance, schedules: dict[int, RouteSchedule]) -> set[int]:
    """The planned orders whose link does not hold in ``schedules``, and those that
    follow them (directly or not)."""
    where = _where(schedules)
    after = instance.order_after
    out: set[int] = set()
    for order in np.flatnonzero(after >= 0).tolist():
        if order not in where:
            continue
        before = int(after[order])
        if before not in where:
            out.add(order)
            continue
        vehicle, start_s, _ = where[order]
        end_s = where[before][2]
        gap, most = int(instance.order_after_gap_s[order]), int(instance.order_after_max_s[order])
        other = instance.vehicle_technician[vehicle] != instance.vehicle_technician[where[before][0]]
        if start_s < end_s + gap or start_s > end_s + most or (instance.order_same_technician[order] and other):
            out.add(order)
    grew = True
    while grew:  # followers of a broken order are broken too
        more = {o for o in np.flatnonzero(after >= 0).tolist() if o in where and int(after[o]) in out} - out
        out |= more
        grew = bool(more)
    return out


def _where(schedules: dict[int, RouteSchedule]) -> dict[int, tuple[int, int, int]]:
    """Each planned order's (vehicle, start, end) in seconds."""
    return {
        stop: (v, timed.start_s[k], timed.end_s[k])
        for v, timed in schedules.items()
        for k, stop in enumerate(timed.visits)
    }


def _depth(instance: Instance) -> int:
    """The longest chain of links (orders following orders following ...)."""
    after = instance.order_after
    deepest = 0
    for order in np.flatnonzero(after >= 0).tolist():
        steps, at = 0, order
        while after[at] >= 0 and steps <= instance.n_orders:
            at, steps = int(after[at]), steps + 1
        deepest = max(deepest, steps)
    return deepest


def _lists(routes: dict[int, tuple[int, ...]]) -> dict[int, list[int]]:
    return {v: list(seq) for v, seq in routes.items()}
