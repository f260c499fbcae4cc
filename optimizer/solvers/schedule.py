"""Turn a sequence of orders for one technician-day into times: the one place that does.

Solvers decide *who* visits *what* in *which order*; this module decides *when*. A
route's stops are orders and depot pickups (see :class:`~optimizer.instance.Instance`):
a pickup takes ``pickup_duration_s``, starts no earlier than its kind allows (a
delivery's arrival) and must start and end within the depot's hours on the vehicle's
day.
Every visit starts as early as possible, the technician leaves home no earlier than
the shift start, and the break is taken in the gap between two stops where it costs
least. Where waiting is priced (``waiting_per_min``), the technician then leaves home
as much later as saves waiting without anything else costing more: no stop before the
break (or before coming home) starts later than its window, due time, depot hours or
promise allow, and the break and the return home do not move.

Break rule (shared with the checker): a technician whose day ends (back home) no later
than the latest break start takes no break. Otherwise the break of ``d`` seconds starts
within ``[break_start, break_end]`` in some gap between consecutive stops, and that gap
must hold the drive plus the break: ``next.start - prev.end >= travel + d``. Inside a
gap the break starts as early as the window allows; if that is before the drive would
end, it delays the arrival (a break at the origin or on the road), otherwise it is
taken on site while waiting.

Long jobs: the break may also interrupt an order (never a depot pickup, nor the visit
of a crew, whose members end together), where that
costs less than every gap (a long job starting at 09:00 is not put off until after a
lunch break at home): it starts within ``[break_start, break_end]``, no earlier than
the service starts and before its work is done, and the visit ends ``d`` seconds later
than its duration alone (the visit's end says so, and the plan lists the break inside
the visit's times).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.cost import balance_cost, timing_cost, travel_cost, unplanned_cost


@dataclass(frozen=True)
class RouteSchedule:
    """Times of one technician-day in seconds since the horizon start.

    ``visits`` are the route's stops (orders and pickups). ``arrival_s``, ``start_s``,
    ``end_s`` and ``travel_s`` have one entry per stop, followed by one for the return
    home (where arrival = start = end); ``late_s`` one per stop (0 for pickups) and
    ``wait_s`` one per stop: the time on site before it starts that is not the break.
    ``break_gap`` is the index of the visit before which the break is taken
    (``len(visits)`` = before coming home), or ``None`` for no break; with
    ``break_inside`` the break interrupts that visit instead.
    """

    vehicle: int
    visits: tuple[int, ...]
    depart_s: int
    arrival_s: tuple[int, ...]
    start_s: tuple[int, ...]
    end_s: tuple[int, ...]
    travel_s: tuple[int, ...]
    distance_m: tuple[int, ...]
    break_gap: int | None
    break_start_s: int | None
    late_s: tuple[int, ...]
    wait_s: tuple[int, ...]
    overtime_s: int
    break_inside: bool = False
    continuing: bool = False
    """A later day's part of a multi-day visit (its lateness belongs to the first part)."""

    @property
    def return_s(self) -> int:
        """When the technician is back home."""
        return self.end_s[-1]

    def cost(self, instance: Instance) -> float:
        """Lateness, overtime, waiting and (in a re-plan) stability cost of these times,
        in objective units (:func:`optimizer.solvers.cost.timing_cost`)."""
        return timing_cost(
            instance,
            self.vehicle,
            self.visits,
            self.start_s,
            self.late_s,
            self.overtime_s,
            self.wait_s,
            self.continuing,
        )

    def busy_s(self, instance: Instance) -> int:
        """Seconds driving and working (a break inside a visit is not work), the
        fair-days measure of this day (:func:`optimizer.solvers.cost.balance_cost`)."""
        on_site = sum(self.end_s[i] - self.start_s[i] for i in range(len(self.visits)))
        if self.break_inside:
            on_site -= int(instance.vehicle_break_duration_s[self.vehicle])
        return sum(self.travel_s) + on_site

    def full_cost(self, instance: Instance) -> float:
        """:meth:`cost` plus the travel: everything this route adds to the objective."""
        return self.cost(instance) + travel_cost(instance, self.travel_s)


@dataclass(frozen=True)
class Part:
    """One day's share of a multi-day visit (see :mod:`optimizer.solvers.multi_day`):
    ``service_s`` seconds of its work; a ``continuing`` part carries on work begun on an
    earlier day, so its windows and due time do not apply to it."""

    service_s: int
    continuing: bool


def schedule_route(
    instance: Instance, vehicle: int, visits: list[int] | tuple[int, ...], *, part: Part | None = None
) -> RouteSchedule | None:
    """Earliest feasible times for ``visits`` (order indices) on ``vehicle``, or ``None``
    (also where the day would serve more orders or drive longer than its limits); with
    ``part``, every order visit is that share of its order's work.

    Tries the break in every gap and inside each order visit (the long-job rule) and
    keeps the cheapest schedule (ties: the earliest gap, then a gap before a visit).

    A day without ``visits`` is ``None`` (nothing happens), but for a re-plan's day resumed
    away from home: its drive home is timed like any route, break and overtime included
    (leaving at ``Instance.vehicle_home_from_s``; no break where ``vehicle_home_early``),
    and its latest end and driving limit do not apply (the fixed stops took it there).
    """
    visits = tuple(int(o) for o in visits)
    if not visits and not instance.resumes_away(vehicle):
        return None
    if sum(not instance.is_pickup(s) for s in visits) > instance.vehicle_max_orders[vehicle]:
        return None
    forward = functools.partial(_forward, part=part)
    plain = forward(instance, vehicle, visits, break_gap=None)
    if plain is None or (visits and sum(plain.travel_s) > instance.vehicle_max_travel_s[vehicle]):
        return None  # a break only delays: no schedule with one can be feasible either
    if instance.vehicle_break_duration_s[vehicle] <= 0 or plain.return_s <= instance.vehicle_break_end_s[vehicle]:
        return plain
    if not visits and instance.vehicle_home_early[vehicle]:
        return plain  # an absence cut the day short, or it is over: no break is due on the way home
    gaps = (forward(instance, vehicle, visits, break_gap=gap) for gap in range(len(visits) + 1))
    inside = (
        forward(instance, vehicle, visits, break_gap=k, inside=True)
        for k, stop in enumerate(visits)
        if not instance.is_pickup(stop) and instance.order_crew[stop] == 1  # a crew's members end together
    )
    return _cheapest(instance, itertools.chain(gaps, inside))


def _cheapest(instance: Instance, schedules: Iterable[RouteSchedule | None]) -> RouteSchedule | None:
    """The feasible schedule of least cost among ``schedules`` (ties: the first)."""
    best: RouteSchedule | None = None
    for candidate in schedules:
        if candidate is not None and (best is None or candidate.cost(instance) < best.cost(instance)):
            best = candidate
    return best


def _forward(
    instance: Instance,
    vehicle: int,
    visits: tuple[int, ...],
    *,
    break_gap: int | None,
    inside: bool = False,
    part: Part | None = None,
) -> RouteSchedule | None:
    """One forward pass with the break in gap ``break_gap`` (or none), or with
    ``inside`` during visit ``break_gap``."""
    home = int(instance.vehicle_end_loc[vehicle])
    # a day without new stops leaves for home when it may (see Instance.vehicle_home_from_s)
    shift_start = int((instance.vehicle_shift_start_s if visits else instance.vehicle_home_from_s)[vehicle])
    break_open = int(instance.vehicle_break_start_s[vehicle])
    break_close = int(instance.vehicle_break_end_s[vehicle])
    break_len = int(instance.vehicle_break_duration_s[vehicle])

    arrival, start, end, travel, distance, late = [], [], [], [], [], []
    prev_loc, prev_end = int(instance.vehicle_start_loc[vehicle]), shift_start
    break_start: int | None = None
    for position, order in enumerate((*visits, -1)):
        loc = home if order < 0 else stop_location(instance, order)
        drive = int(instance.travel_s[prev_loc, loc])
        reach = prev_end + drive
        earliest = reach
        if position == break_gap and not inside:
            break_start = max(prev_end, break_open)
            if break_start > break_close:
                return None
            if break_start < reach:
                reach += break_len
                earliest = reach
            else:
                earliest = break_start + break_len
        if order < 0:
            begin = earliest
            finish = begin
        elif instance.is_pickup(order):
            opens, closes = instance.depot_hours_s[instance.depot_of(order), instance.vehicle_day[vehicle]]
            begin = max(earliest, int(opens), int(instance.pickup_from_s[order - instance.n_orders]))
            finish = begin + instance.pickup_duration_s
            if finish > closes:
                return None
            late.append(0)
        else:
            first = earliest if part is not None and part.continuing else _first_start(instance, order, earliest)
            if first is None:
                return None
            begin = first
            finish = begin + (instance.service_s(vehicle, order) if part is None else part.service_s)
            if inside and position == break_gap:
                break_start = max(begin, break_open)
                if break_start > break_close or break_start >= finish:
                    return None
                finish += break_len
            late.append(0 if part is not None and part.continuing else max(0, begin - int(instance.order_due_s[order])))
        arrival.append(reach)
        start.append(begin)
        end.append(finish)
        travel.append(drive)
        distance.append(int(instance.distance_m[prev_loc, loc]))
        prev_loc, prev_end = loc, finish

    back = end[-1]
    if visits and back > instance.vehicle_latest_end_s[vehicle]:
        return None
    if instance.waiting_cost_per_min > 0:
        fixed = len(visits) if break_gap is None else break_gap if inside else break_gap - 1
        _leave_later(instance, vehicle, visits, fixed, part, arrival, start, end)
    depart = shift_start
    if break_gap != 0 or inside:  # leave in time for the first stop, unless the break comes first
        depart = max(shift_start, start[0] - travel[0])
    arrival[0] = max(arrival[0], depart + travel[0])
    on_site_break = [
        break_len if i == break_gap and not inside and break_start is not None and break_start >= arrival[i] else 0
        for i in range(len(visits))
    ]
    return RouteSchedule(
        vehicle=vehicle,
        visits=visits,
        depart_s=depart,
        arrival_s=tuple(arrival),
        start_s=tuple(start),
        end_s=tuple(end),
        travel_s=tuple(travel),
        distance_m=tuple(distance),
        break_gap=break_gap,
        break_start_s=break_start,
        late_s=tuple(late),
        wait_s=tuple(start[i] - arrival[i] - on_site_break[i] for i in range(len(visits))),
        overtime_s=max(0, back - int(instance.vehicle_shift_end_s[vehicle])),
        break_inside=inside,
        continuing=part is not None and part.continuing,
    )


def _leave_later(
    instance: Instance,
    vehicle: int,
    visits: tuple[int, ...],
    fixed: int,
    part: Part | None,
    arrival: list[int],
    start: list[int],
    end: list[int],
) -> None:
    """Where waiting is priced: the technician leaves home later by as much as saves
    waiting without any stop before stop ``fixed`` (the one before the break, the visit
    the break interrupts, or the return home) starting late for its window, due time,
    depot hours or promise, and without moving stop ``fixed`` (Savelsbergh's forward
    time slack at the start of the day). The pass's lists are changed in place."""
    if fixed <= 0:
        return
    waited = [0] * (fixed + 1)  # waiting at the stops after the first, up to each
    for i in range(1, fixed + 1):
        waited[i] = waited[i - 1] + start[i] - arrival[i]
    shift = min(
        waited[fixed],
        min(waited[i] + _room(instance, vehicle, visits[i], start[i], part if i == 0 else None) for i in range(fixed)),
    )
    for i in range(fixed + 1):
        if i > 0:
            arrival[i] += max(0, shift - waited[i - 1])
        moved = max(0, shift - waited[i])
        start[i] += moved
        end[i] += moved


def _room(instance: Instance, vehicle: int, stop: int, begin: int, part: Part | None) -> int:
    """How much later than ``begin`` ``stop`` may start and cost no more: inside its
    window and by its due time, within its depot's hours; 0 for a promised visit or a
    continuing part."""
    if instance.is_pickup(stop):
        closes = int(instance.depot_hours_s[instance.depot_of(stop), instance.vehicle_day[vehicle]][1])
        return max(0, closes - int(instance.pickup_duration_s) - begin)
    if (part is not None and part.continuing) or instance.order_promised_vehicle[stop] != -1:
        return 0
    for opens, closes in instance.order_windows_s[stop, : instance.order_n_windows[stop]]:
        if opens <= begin <= closes:
            return max(0, min(int(closes), int(instance.order_due_s[stop])) - begin)
    return 0


def stop_location(instance: Instance, stop: int) -> int:
    """The location index of route stop ``stop`` (an order or a depot pickup)."""
    if instance.is_pickup(stop):
        return int(instance.depot_loc[instance.depot_of(stop)])
    return int(instance.order_loc[stop])


def _first_start(instance: Instance, order: int, earliest: int) -> int | None:
    """The earliest start >= ``earliest`` inside one of the order's windows, or ``None``."""
    for opens, closes in instance.order_windows_s[order, : instance.order_n_windows[order]]:
        if earliest <= closes:
            return int(max(earliest, opens))
    return None


def schedule_all(instance: Instance, routes: dict[int, list[int]]) -> dict[int, RouteSchedule]:
    """Schedules for every non-empty route; raises ``ValueError`` if one is infeasible."""
    out: dict[int, RouteSchedule] = {}
    for vehicle, visits in routes.items():
        if not visits:
            continue
        timed = schedule_route(instance, vehicle, visits)
        if timed is None:
            raise ValueError(
                f"route of vehicle {vehicle} ({instance.technician_ids[instance.vehicle_technician[vehicle]]}, "
                f"{instance.dates[instance.vehicle_day[vehicle]]}) has no feasible schedule"
            )
        out[vehicle] = timed
    return out


def idle_days(instance: Instance, taken: Collection[int]) -> dict[int, RouteSchedule]:
    """The drive home of every re-plan's day resumed away from home (see
    :func:`schedule_route`) but those of the vehicles ``taken`` (with new stops, or a day
    of a multi-day visit), by vehicle."""
    away = np.flatnonzero(instance.vehicle_start_loc != instance.vehicle_end_loc).tolist()
    return {v: timed for v in away if v not in taken and (timed := schedule_route(instance, v, ())) is not None}


def routes_cost(
    instance: Instance, routes: dict[int, tuple[int, ...]], parts: Mapping[int, RouteSchedule] | None = None
) -> float:
    """The full objective of ``routes`` (orders and pickups) and the days of multi-day
    visits (``parts``, by vehicle) in cost units, unplanned orders, fair days and the
    re-plan's resumed days without new stops (:func:`idle_days`) included; raises
    ``ValueError`` if a route has no feasible schedule."""
    served = np.zeros(instance.n_orders, dtype=bool)
    total = 0.0
    timed_days = list(schedule_all(instance, {v: list(seq) for v, seq in routes.items()}).values())
    taken = {v for v, seq in routes.items() if seq} | set(parts or {})
    for timed in [*timed_days, *(parts or {}).values(), *idle_days(instance, taken).values()]:
        served[[s for s in timed.visits if not instance.is_pickup(s)]] = True
        total += timed.full_cost(instance)
    busy = {timed.vehicle: timed.busy_s(instance) for timed in [*timed_days, *(parts or {}).values()]}
    return total + unplanned_cost(instance, served) + balance_cost(instance, busy)


def feasible_subsequence(
    instance: Instance, vehicle: int, visits: list[int], *, compatible: np.ndarray | None = None
) -> tuple[int, ...]:
    """``visits`` in their order, keeping each one only if the route so far stays feasible
    (qualified, within capacity, on time for its window, home within shift and overtime):
    how routes from a search with a different model are made valid for ours.
    ``compatible`` [V, O] says who may serve what (default ``instance.compatible``);
    depot pickups among ``visits`` are kept like orders, where the route stays feasible."""
    allowed = instance.compatible if compatible is None else compatible
    whole = tuple(int(o) for o in visits)
    orders = [o for o in whole if not instance.is_pickup(o)]
    capacity = instance.vehicle_capacity[vehicle]
    if (
        allowed[vehicle, orders].all()
        and instance.order_load[orders].sum() <= capacity
        and schedule_route(instance, vehicle, whole) is not None
    ):
        return whole
    kept: list[int] = []
    load = 0.0
    for stop in whole:
        pickup = instance.is_pickup(stop)
        extra = 0.0 if pickup else float(instance.order_load[stop])
        if (
            load + extra <= capacity
            and (pickup or allowed[vehicle, stop])
            and schedule_route(instance, vehicle, [*kept, stop]) is not None
        ):
            kept.append(stop)
            load += extra
    return tuple(kept)
