"""Why: the reason an order is not planned, and the cause of a late visit.

Reasons come from the instance (what rules an order out before solving, see
:mod:`optimizer.models.reasons`) and from the plan: parts that went to other orders, or
where the order would fit. Every qualified technician-day is tried (:func:`fit`):

* it fits nowhere: ``not_enough_capacity`` (``deferred`` if it is due after the horizon);
* it fits, but only at more than leaving it out costs: ``too_costly`` (``deferred`` if
  due after the horizon: its deferral price is what it costs to wait);
* it fits for less: the search stopped before placing it, ``not_reached``.

Orders are explained most valuable first. Where the time limit leaves no time to
explain them all (a short limit on thousands of orders the search never reached), those
left get what is known without searching: their reason before solving, or
``not_reached`` saying that where they would fit was not worked out.

A fit is tried without the pickup detour of orders that need parts a van lacks (a
relaxation: parts are judged by what vans and depots have left). Causes of lateness
name the binding constraint where it is a part, a release or a window, so planners
know whom to call.
"""

from __future__ import annotations

import time

import numpy as np

from optimizer.instance import UNLIMITED, Instance
from optimizer.instance.arrays import BoolArray
from optimizer.instance.promises import GONE
from optimizer.instance.stock import latest_pickup_start
from optimizer.models import UnplannedOrder
from optimizer.models.base import URGENCIES
from optimizer.models.reasons import EXPLANATION, Reason
from optimizer.solvers.base import Pickup, SolveResult
from optimizer.solvers.chains import fenced, has_links
from optimizer.solvers.insertion import RouteSet
from optimizer.solvers.multi_day import cheapest_run_cost, runs
from optimizer.solvers.schedule import RouteSchedule

_ROUNDING_S = 60
"""Slack for travel times that break the triangle inequality by rounding."""


def unplanned_orders(
    instance: Instance, result: SolveResult, schedules: dict[int, RouteSchedule], *, until: float | None = None
) -> tuple[UnplannedOrder, ...]:
    """The unplanned record of every order the routes (with their ``schedules``) leave
    out: reason code, sentence and, for parts arriving too late, when they arrive.
    Orders are explained most valuable first until ``until`` (a
    :func:`time.perf_counter` value; ``None``: all), the rest without a search."""
    planned = {s for timed in schedules.values() for s in timed.visits}
    left = _Leftovers(instance, result, schedules)
    routes = {v: timed.visits for v, timed in schedules.items() if v not in result.multi_day}
    state = RouteSet(instance, routes)
    busy = set(result.multi_day) | {v for v, seq in result.routes.items() if seq}
    links = _Links(instance, schedules, routes) if has_links(instance) else None
    # a crew's helpers are its lead's
    out = [o for o in range(instance.n_orders) if o not in planned and instance.order_lead[o] < 0]
    records = {}
    for o in sorted(out, key=lambda o: (-instance.order_unplanned_cost[o], o)):
        explain = until is None or time.perf_counter() < until
        records[o] = _unplanned(instance, left, state, busy, o, links, explain=explain)
    return tuple(records[o] for o in out)


class _Links:
    """Reasons of orders that follow another (``after``): from where they would fit in
    the time their predecessor's visit leaves them (the chain pass's fenced instance)."""

    def __init__(
        self, instance: Instance, schedules: dict[int, RouteSchedule], routes: dict[int, tuple[int, ...]]
    ) -> None:
        self.instance = instance
        self.planned = {s for timed in schedules.values() for s in timed.visits}
        self.fence = fenced(instance, schedules)
        self.state: RouteSet | None = None
        self.routes = routes

    def reason(self, order: int, *, explain: bool = True) -> tuple[Reason, str] | None:
        """The reason of linked ``order`` (``None``: not linked, or without ``explain``
        not known without searching where it would fit)."""
        before = int(self.instance.order_after[order])
        if before < 0:
            return None
        if before not in self.planned:
            return Reason.PREDECESSOR_UNPLANNED, f" ({self.instance.order_ids[before]})"
        if not explain:
            return None
        if self.state is None:
            self.state = RouteSet(self.fence, self.routes)
        reason, detail = _by_fit(self.fence, self.state, order, np.ones(self.instance.n_vehicles, dtype=bool))
        if reason is Reason.NOT_ENOUGH_CAPACITY:
            return Reason.NO_ROOM_AFTER_PREDECESSOR, f" ({self.instance.order_ids[before]})"
        return reason, detail


_REPLANNED_MULTI_DAY = (
    " (it needs consecutive working days of one technician, and a re-plan plans no new multi-day visit: "
    "plan it in a nightly run)"
)
"""What a re-plan (or a region's second chance, which is one) says of a job longer than a day."""


def _has_runs(instance: Instance, order: int) -> bool:
    """Whether some run of consecutive working days could hold multi-day job ``order``."""
    return next(runs(instance, order, {}), None) is not None


def _multi_day_reason(instance: Instance, order: int, busy: set[int]) -> tuple[Reason, str]:
    """The reason of a job longer than a day the plan leaves out, from the runs of
    consecutive working days that could hold it (:mod:`optimizer.solvers.multi_day`);
    ``busy`` are the days with work."""
    cost = cheapest_run_cost(instance, order, busy)  # through free days only
    if cost is None and not _has_runs(instance, order):
        return Reason.NO_SHIFT_FITS, " (nor over consecutive working days of one technician)"
    if cost is None:
        return Reason.NOT_ENOUGH_CAPACITY, " (the days that could hold it over consecutive days went to other work)"
    price = float(instance.order_unplanned_cost[order])
    reason = Reason.DEFERRED if instance.order_deferrable[order] else Reason.TOO_COSTLY
    aside = ", the spread of busy hours it adds aside" if instance.balance_per_s2 > 0 else ""
    return reason, f" (over consecutive days its visits cost {cost:.1f}{aside}, leaving it out {price:.1f})"


def _by_fit(instance: Instance, state: RouteSet, order: int, vehicles: BoolArray) -> tuple[Reason, str]:
    """The reason of a qualified order the plan leaves out, from where it would fit on
    ``vehicles`` [V] (those whose technicians can have its tools)."""
    price = float(instance.order_unplanned_cost[order])
    days = int(np.count_nonzero(instance.supply_compatible[:, order] & vehicles))
    fits, cheapest = fit(instance, state, order, price, vehicles)
    if cheapest is not None:
        return Reason.NOT_REACHED, (
            ": it fits into a qualified technician's day at less than leaving it out costs, and the search stopped "
            f"before placing it (adds {cheapest:.1f} against {price:.1f} for leaving it out)"
        )
    if instance.order_deferrable[order]:
        return Reason.DEFERRED, f" (leaving it out costs {price:.1f})"
    if fits:
        return Reason.TOO_COSTLY, f" (leaving it out costs {price:.1f})"
    limited = np.flatnonzero(  # days with a limit of orders, of those tried
        instance.supply_compatible[:, order] & vehicles & (instance.vehicle_max_orders != UNLIMITED)
    ).tolist()
    at_limit = sum(
        1
        for v in limited
        if v in state.schedules
        and sum(not instance.is_pickup(s) for s in state.schedules[v].visits) >= instance.vehicle_max_orders[v]
    )
    limits = f"; {at_limit} at their limit of orders per day" if at_limit else ""
    return Reason.NOT_ENOUGH_CAPACITY, f" ({days} technician-day{'s' if days != 1 else ''} tried{limits})"


def fit(
    instance: Instance, state: RouteSet, order: int, limit: float, among: BoolArray | None = None
) -> tuple[bool, float | None]:
    """Where ``order`` fits into the routes of ``state``: whether some qualified
    technician-day (``supply_compatible``, and in ``among`` [V] where given) has a
    feasible insertion, and the least cost an insertion adds if that is below
    ``limit`` (else ``None``).

    Every position of every such day is tried, in order of added travel; a day whose
    busy time (driving, service, pickups, break) plus the order's service and the
    added drive exceeds its working span is skipped, since no schedule can hold it.
    """
    allowed = instance.supply_compatible[:, order] if among is None else instance.supply_compatible[:, order] & among
    vehicles = np.flatnonzero(allowed).tolist()
    fits, best = state.search(order, limit, vehicles, room_slack_s=_ROUNDING_S, prove_fit=True)
    return fits, None if best is None else best[0]


_UNEXAMINED = ": no time was left to work out where it would fit (more time may place it, or say why not)"
"""The detail of ``not_reached`` for an order the time limit left no time to explain."""


def _unplanned(
    instance: Instance,
    left: _Leftovers,
    state: RouteSet,
    busy: set[int],
    order: int,
    links: _Links | None,
    *,
    explain: bool = True,
) -> UnplannedOrder:
    """The record of ``order``, left out; without ``explain``, only what is known
    without searching where it would fit (see the module's docstring)."""
    reason = instance.presolve_reason[order]
    until = None
    detail = ""
    linked = None if links is None else links.reason(order, explain=explain)
    multi_day = reason is Reason.NO_SHIFT_FITS and bool(instance.multi_day_compatible[:, order].any())
    if linked is not None and (reason is None or linked[0] is Reason.PREDECESSOR_UNPLANNED):
        reason, detail = linked
    elif reason is None and instance.order_crew[order] > 1:
        reason, detail = Reason.CREW_NOT_STAFFED, _crew_detail(instance, order)
    elif not explain and (reason is None or (multi_day and not instance.promises and _has_runs(instance, order))):
        reason, detail = Reason.NOT_REACHED, _UNEXAMINED
    elif reason is Reason.NO_SHIFT_FITS and multi_day:
        if instance.promises:
            detail = _REPLANNED_MULTI_DAY
        else:
            reason, detail = _multi_day_reason(instance, order, busy)
    elif reason is Reason.PARTS_UNAVAILABLE_UNTIL:
        until = instance.axis.instant(int(instance.order_parts_ready_s[order]))
    elif reason is None and not left.cover(order):
        reason = Reason.NO_STOCK_IN_REACH
    elif reason is None:
        equipped = left.equipped(order)
        if (
            not equipped.all()
            and fit(instance, state, order, 0.0)[0]
            and not fit(instance, state, order, 0.0, equipped)[0]
        ):
            reason = Reason.TOOLS_LENT_OUT  # it fits only the days of technicians who cannot have its tools
        else:
            reason, detail = _by_fit(instance, state, order, equipped)
    detail = EXPLANATION[reason] + detail
    if reason is Reason.NO_STOCK_IN_REACH and instance.presolve_reason[order] is None:
        detail += " (what vans and depots held in time went to more valuable orders)"
    elif until is not None:
        detail += f" (from {until:%Y-%m-%d %H:%M})"
    if instance.order_promised_vehicle[order] == GONE:
        detail += "; its promised technician can take no more work that day"
    return UnplannedOrder(
        order_id=instance.order_ids[order],
        urgency=URGENCIES[int(instance.order_urgency[order])],
        reason=reason.value,
        detail=detail,
        until=until,
    )


def _crew_detail(instance: Instance, order: int) -> str:
    """How many technicians could be the crew of ``order``, against how many it needs."""
    crew, people = int(instance.order_crew[order]), int(instance.order_crew_people[order])
    return f" (needs {crew} technicians at once; {people} may be part of its crew)"


def late_cause(instance: Instance, order: int, start_s: int) -> str:
    """Why ``order``, starting at ``start_s`` after its due time, could not start earlier:
    the first that holds of its parts arriving, or its earliest start (release or first
    window) lying, after both its due time and the plan's first shift start; its being
    overdue before that shift starts; no technician who may serve it being able to get
    there by its due time (shifts, days off, absences, the drive); or the time of those
    technicians going to other orders. A crew's helper gives its lead's cause."""
    lead = int(instance.order_lead[order])
    if lead >= 0:  # the helper's copy carries neither the parts nor the windows
        order = lead
    due = int(instance.order_due_s[order])
    if start_s <= due:
        return ""
    begins = int(instance.vehicle_shift_start_s.min())
    needed = np.flatnonzero(instance.stock.order_parts[order])
    ready = int(instance.order_parts_ready_s[order])
    if len(needed) and ready > max(due, begins):
        parts = ", ".join(instance.stock.part_ids[p] for p in needed)
        return f"waiting for part {parts}: not to be had before {instance.axis.instant(ready):%Y-%m-%d %H:%M}"
    opens = int(instance.order_windows_s[order, 0, 0]) if instance.order_n_windows[order] else 0
    if opens > max(due, begins):
        return "its earliest start (release or first time window) is after its due time"
    if due < begins:
        return f"already overdue when the plan begins (due {instance.axis.instant(due):%Y-%m-%d %H:%M})"
    reach = _earliest_arrival_s(instance, order)
    if reach > due:
        return f"no technician who may serve it could be there before {instance.axis.instant(reach):%Y-%m-%d %H:%M}"
    return "no earlier slot: the qualified technicians' time went to other orders"


def _earliest_arrival_s(instance: Instance, order: int) -> int:
    """The earliest second any technician-day that may serve ``order`` (fetching parts
    or over several days included) could arrive there: its day's start plus the drive
    from where the day begins."""
    who = np.flatnonzero(instance.supply_compatible[:, order] | instance.multi_day_compatible[:, order])
    if who.size == 0:
        return int(instance.order_due_s[order])
    drive = instance.travel_s[instance.vehicle_start_loc[who], instance.order_loc[order]]
    return int((instance.vehicle_shift_start_s[who] + drive).min())


class _Leftovers:
    """What the plan leaves of the parts and tools: on each van at the end, what each
    depot could still hand over, within its hours, up to a given time without running
    short later, and who holds each depot's counted tools."""

    def __init__(self, instance: Instance, result: SolveResult, schedules: dict[int, RouteSchedule]) -> None:
        self.instance = instance
        stock = instance.stock
        self.van = stock.technician_van.copy()
        self.holders: dict[tuple[int, int], set[int]] = {}  # (depot, tool) -> technicians holding a copy
        self.held = stock.technician_tools.copy()
        for (v, d), pickup in result.pickups.items():
            t = int(instance.vehicle_technician[v])
            for k in pickup.tools:
                self.holders.setdefault((d, k), set()).add(t)
                self.held[t, k] = True
        events: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(instance.n_depots)]
        for at, d, p, units in zip(stock.delivery_s, stock.delivery_depot, stock.delivery_part, stock.delivery_units):
            delta = np.zeros(len(stock.part_ids), dtype=np.int64)
            delta[p] = units
            events[d].append((int(at), delta))
        for v, timed in schedules.items():
            t = instance.vehicle_technician[v]
            for position, stop in enumerate(timed.visits):
                if not instance.is_pickup(stop):
                    self.van[t] -= stock.order_parts[stop]
                    continue
                d = instance.depot_of(stop)
                taken = np.zeros(len(stock.part_ids), dtype=np.int64)
                for p, units in result.pickups.get((v, d), Pickup(())).parts:
                    taken[p] = units
                self.van[t] += taken
                events[d].append((timed.start_s[position], -taken))
        self.times: list[np.ndarray] = []
        self.takeable: list[np.ndarray] = []
        for d, happening in enumerate(events):
            happening.sort(key=lambda e: (e[0], e[1].sum() < 0))
            times = np.array([0, *(at for at, _ in happening)], dtype=np.int64)
            level = np.cumsum([stock.depot_stock[d], *(delta for _, delta in happening)], axis=0)
            self.times.append(times)
            self.takeable.append(np.minimum.accumulate(level[::-1], axis=0)[::-1])

    def equipped(self, order: int) -> BoolArray:
        """[V] the days of technicians who hold every tool the order needs, or could get
        each at a depot that lends it with a copy no one else holds."""
        instance = self.instance
        stock = instance.stock
        needed = np.flatnonzero(stock.order_tools[order]).tolist()
        able = np.ones(instance.n_technicians, dtype=bool)
        for t in range(instance.n_technicians) if needed else ():
            able[t] = all(
                self.held[t, k]
                or any(
                    stock.depot_tools[d, k]
                    and len(self.holders.get((d, k), set()) - {t}) < stock.depot_tool_copies[d, k]
                    for d in range(instance.n_depots)
                )
                for k in needed
            )
        return able[instance.vehicle_technician]

    def cover(self, order: int) -> bool:
        """Whether a qualified technician's van, with what one depot could still hand over
        before the order's last window closes, covers its parts."""
        instance = self.instance
        need = instance.stock.order_parts[order]
        if not need.any():
            return True
        technicians = np.unique(instance.vehicle_technician[instance.supply_compatible[:, order]])
        short = np.clip(need[None, :] - np.clip(self.van[technicians], 0, None), 0, None)
        if (short == 0).all(axis=1).any():
            return True
        n_windows = int(instance.order_n_windows[order])
        closes = int(instance.order_windows_s[order, n_windows - 1, 1]) if n_windows else instance.horizon_s
        for d, (times, takeable) in enumerate(zip(self.times, self.takeable)):
            latest = latest_pickup_start(instance.depot_hours_s[d], closes, instance.pickup_duration_s)
            if latest is None:
                continue
            k = int(np.searchsorted(times, latest, side="right")) - 1
            if (takeable[k][None, :] >= short).all(axis=1).any():
                return True
        return False
