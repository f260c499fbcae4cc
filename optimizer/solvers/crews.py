"""The crew pass: each visit of several technicians staffed at one start, or left out.

A crew order is a lead and its helpers in the instance (:mod:`optimizer.instance.crews`);
the back-ends plan the lead like any order and never the helpers, who carry no price.
This pass then takes the crews one by one, most valuable first, from the routes with
every helper taken out:

1. the crew left out, as a baseline (the core's completion of the routes without it);
2. the crew where the back-end put its lead: lead and helpers pinned to that start
   (or a few minutes later, ``_NUDGES_MIN``), the helpers on other technicians' routes
   of the same day (the *fenced* instance: every member's window is that one instant;
   crews already staffed stay pinned);
3. while its part of the time lasts (an equal share of what is left), the lead on each
   of the ``_CANDIDATES`` technician-days that start nearest to it, at starts every
   ``_STEP_S`` within its windows and that day's hours;

and keeps the cheapest whole answer; where the crew fits nowhere as the routes stand,
4. the first ``_ROOM_TRIALS`` of those starts again, with the visits in the crew's way
   (within half an hour of it, on the lead's route and on the helpers' technician-days
   that have least in the way) taken off and free to go elsewhere or be left out.

Crews reached after the deadline are left out.
Under a work limit (no deadline) every candidate is tried: the same plan on any
machine. Every member therefore starts at the same
instant, works the order's own minutes with no break inside, and ends with the
others; waiting on site for the crew is priced like any waiting. The last fenced
instance times the plan.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.instance import Instance
from optimizer.instance.windows import clipped
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.field_search import completion
from optimizer.solvers.schedule import routes_cost, schedule_all
from optimizer.solvers.slots import without

_CANDIDATES = 12
"""Technician-days tried for a crew's lead: those that start nearest to it."""
_STEP_S = 1800
"""Seconds between the starts tried for a crew on a technician-day."""
_STARTS = 16
"""Starts tried per technician-day at most (spread over its hours)."""
_NUDGES_MIN = (0, 5, 10, 15, 20, 30, 45)
"""Minutes after the start the back-end gave a crew's lead that are tried first (the
helpers may need the time to get there)."""
_ROOM_TRIALS = 4
"""Starts tried, where the crew fits nowhere as the routes stand, with the visits in its
way moved (the first of those tried without)."""
_ROOM_MARGIN_S = 1800
"""Seconds before and after a crew's visit within which other visits are in its way."""
_ALWAYS = 1.0e9
"""The price of leaving a member out while a crew is tried: it is served wherever it fits."""
_EPSILON = 1e-6

Staffed = dict[int, tuple[int, int]]
"""Each staffed crew's lead -> (its vehicle, the crew's start second)."""


def has_crews(instance: Instance) -> bool:
    """Whether some order needs several technicians at once."""
    return bool((instance.order_lead >= 0).any())


def staff_crews(instance: Instance, result: SolveResult, limits: SolveLimits) -> tuple[SolveResult, Instance]:
    """``result`` with every crew staffed at one start or left out (see the module
    docstring), and the instance that times it."""
    helpers = _helpers(instance)
    routes = without(dict(result.routes), {h for hs in helpers.values() for h in hs})
    staffed: Staffed = {}
    leads = sorted(helpers, key=lambda o: (-float(instance.order_unplanned_cost[o]), o))
    for i, lead in enumerate(leads):
        members = {lead, *helpers[lead]}
        if limits.expired():  # out of time: the crews not yet staffed are left out
            routes = without(routes, members)
            continue
        own = limits.share(1 / (len(leads) - i))  # an equal part of the time left to each crew
        base = _fenced(instance, routes, staffed, helpers)
        placed = _where_is(base, routes, lead)
        rest = without(routes, members)
        best, cost = completion(_fenced(instance, rest, staffed, helpers), rest, "crew left out")
        best_routes, best_at = dict(best.routes), None
        nudged = [] if placed is None else [(placed[0], placed[1] + 60 * m) for m in _NUDGES_MIN]
        for k, (vehicle, start_s) in enumerate([*nudged, *_candidates(instance, lead)]):
            if k > 0 and own.expired():
                break
            trial = _fenced(instance, rest, staffed, helpers, trying=(lead, vehicle, start_s))
            found, price = completion(trial, rest, "crew tried")
            served = {s for seq in found.routes.values() for s in seq}
            if members <= served and price < cost - _EPSILON:
                best_routes, cost, best_at = dict(found.routes), price, (vehicle, start_s)
        if best_at is None:  # nowhere free at once: make room by moving what is in the way
            for k, (vehicle, start_s) in enumerate([*nudged, *_candidates(instance, lead)][:_ROOM_TRIALS]):
                if k > 0 and own.expired():
                    break
                roomy = _room(instance, rest, staffed, helpers, lead, vehicle, start_s)
                trial = _fenced(instance, roomy, staffed, helpers, trying=(lead, vehicle, start_s))
                found, price = completion(trial, roomy, "crew given room")
                served = {s for seq in found.routes.values() for s in seq}
                if members <= served and price < cost - _EPSILON:
                    best_routes, cost, best_at = dict(found.routes), price, (vehicle, start_s)
        routes = best_routes
        if best_at is not None:
            staffed[lead] = best_at
    timing = _fenced(instance, routes, staffed, helpers)
    final, _ = completion(timing, routes, "crews staffed")
    return (
        dataclasses.replace(
            final,
            objective=routes_cost(timing, final.routes, result.multi_day),
            status=f"{result.status}; {len(staffed)} of {len(helpers)} crews staffed",
            solve_s=result.solve_s,
            multi_day=result.multi_day,
        ),
        timing,
    )


def _room(
    instance: Instance,
    routes: dict[int, tuple[int, ...]],
    staffed: Staffed,
    helpers: dict[int, list[int]],
    lead: int,
    vehicle: int,
    start_s: int,
) -> dict[int, tuple[int, ...]]:
    """``routes`` without the visits in the way of ``lead``'s crew at ``start_s``: those
    within ``_ROOM_MARGIN_S`` of the crew's visit on ``vehicle``'s route and on the routes
    of the ``crew - 1`` other technician-days of that date where the least is in the way
    (by the price of leaving it out). Crews, orders of a chain and pickups stay."""
    timed = schedule_all(_fenced(instance, routes, staffed, helpers), {v: list(seq) for v, seq in routes.items()})
    after = instance.order_after
    linked = set(np.flatnonzero(after >= 0).tolist()) | set(after[after >= 0].tolist())
    lo = start_s - _ROOM_MARGIN_S
    hi = start_s + int(instance.technician_duration_s[0, lead]) + _ROOM_MARGIN_S

    def in_way(v: int) -> set[int]:
        schedule = timed.get(v)
        if schedule is None:
            return set()
        return {
            stop
            for stop, begin, end in zip(schedule.visits, schedule.start_s, schedule.end_s)
            if begin < hi
            and end > lo
            and not instance.is_pickup(stop)
            and instance.order_crew[stop] == 1
            and stop not in linked
        }

    day = instance.vehicle_day[vehicle]
    others = [
        v
        for v in np.flatnonzero(
            (instance.vehicle_day == day) & instance.supply_compatible[:, helpers[lead][0]]
        ).tolist()
        if v != vehicle
    ]
    price = {v: sum(float(instance.order_unplanned_cost[o]) for o in in_way(v)) for v in others}
    chosen = sorted(others, key=lambda v: (price[v], v))[: len(helpers[lead])]
    return without(routes, in_way(vehicle).union(*(in_way(v) for v in chosen)))


def _helpers(instance: Instance) -> dict[int, list[int]]:
    """Each crew's lead -> its helpers."""
    out: dict[int, list[int]] = {}
    for helper in np.flatnonzero(instance.order_lead >= 0).tolist():
        out.setdefault(int(instance.order_lead[helper]), []).append(helper)
    return out


def _where_is(timing: Instance, routes: dict[int, tuple[int, ...]], order: int) -> tuple[int, int] | None:
    """(vehicle, start second) of ``order`` on ``routes`` timed by ``timing``; ``None``
    where no route serves it."""
    for vehicle, seq in routes.items():
        if order in seq:
            timed = schedule_all(timing, {vehicle: list(seq)})[vehicle]
            return vehicle, int(timed.start_s[timed.visits.index(order)])
    return None


def _candidates(instance: Instance, lead: int) -> list[tuple[int, int]]:
    """(vehicle, start) pairs to try the crew at: the ``_CANDIDATES`` technician-days
    that may serve the lead and start nearest to it, each at starts every ``_STEP_S``
    within the lead's windows and the day's hours (at most ``_STARTS`` a day)."""
    able = np.flatnonzero(instance.supply_compatible[:, lead]).tolist()
    starts = instance.vehicle_start_loc
    near = sorted(able, key=lambda v: (int(instance.travel_s[starts[v], instance.order_loc[lead]]), v))
    windows = instance.order_windows_s[lead, : instance.order_n_windows[lead]].tolist()
    out = []
    for vehicle in near[:_CANDIDATES]:
        opens = int(instance.vehicle_shift_start_s[vehicle])
        closes = int(instance.vehicle_latest_end_s[vehicle]) - int(instance.technician_duration_s[0, lead])
        times = [t for a, b in windows for t in range(max(a, opens), min(b, closes) + 1, _STEP_S)]
        if len(times) > _STARTS:
            times = [times[round(k * (len(times) - 1) / (_STARTS - 1))] for k in range(_STARTS)]
        out += [(vehicle, t) for t in times]
    return out


def _fenced(
    instance: Instance,
    routes: dict[int, tuple[int, ...]],
    staffed: Staffed,
    helpers: dict[int, list[int]],
    *,
    trying: tuple[int, int, int] | None = None,
) -> Instance:
    """``instance`` with every staffed crew pinned (members to their vehicles and the
    crew's start), the crew ``trying`` (lead, vehicle, start: ``-1`` for where the lead
    starts on ``routes``) to be served at that start, its lead on that vehicle and its
    helpers on other technicians' days of the same date, whatever it costs, and every
    other crew left out."""
    where = {s: v for v, seq in routes.items() for s in seq}
    n = instance.n_orders
    lo, hi = np.zeros(n, dtype=np.int64), np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
    compatible, supply = instance.compatible.copy(), instance.supply_compatible.copy()
    unplanned = instance.order_unplanned_cost.copy()
    for lead, crew in helpers.items():
        members = [lead, *crew]
        if lead in staffed:
            start_s = staffed[lead][1]
            lo[members], hi[members] = start_s, start_s
            for member in members:
                alone = np.zeros(instance.n_vehicles, dtype=bool)
                alone[where.get(member, staffed[lead][0])] = True
                compatible[:, member] &= alone
                supply[:, member] &= alone
        elif trying is not None and trying[0] == lead:
            vehicle, start_s = trying[1], trying[2]
            lo[members], hi[members] = start_s, start_s
            own = np.zeros(instance.n_vehicles, dtype=bool)
            own[vehicle] = True
            others = (instance.vehicle_day == instance.vehicle_day[vehicle]) & ~own
            compatible[:, lead] &= own
            supply[:, lead] &= own
            compatible[:, crew] &= others[:, None]
            supply[:, crew] &= others[:, None]
            unplanned[members] = _ALWAYS
        else:
            compatible[:, members] = supply[:, members] = False
    windows, counts = clipped(instance.order_windows_s, lo, hi)
    return dataclasses.replace(
        instance,
        order_windows_s=windows,
        order_n_windows=counts,
        compatible=compatible,
        supply_compatible=supply,
        order_unplanned_cost=unplanned,
    )
