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

Our search (:mod:`optimizer.solvers.field_search`) weighs the runs of
:func:`candidate_runs` against the rest of the work as it searches. For the other
back-ends, which plan everything else first, each job, most valuable first, then takes
the run of days where the whole plan costs least with it, the work displaced from
those days going elsewhere by insertion (:func:`add_multi_day`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from optimizer.instance import Instance
from optimizer.solvers.base import SolveLimits, SolveResult
from optimizer.solvers.insertion import insert_orders
from optimizer.solvers.schedule import Part, RouteSchedule, routes_cost, schedule_route

RUNS_TRIED = 3
"""Runs of days tried per multi-day job by :func:`add_multi_day` (those displacing least work)."""
RUN_TECHNICIANS = (8, 4)
"""Technicians whose runs :func:`candidate_runs` gives per job: the first number of
those whose runs cost least by the lower bound of :func:`cheapest_run_cost` (a nearer
home, less lateness), then the second number of the others, those who may serve the
fewest other orders first (whose days are likeliest to be free)."""


@dataclasses.dataclass(frozen=True)
class Run:
    """One way to serve multi-day job ``order``: its ``parts`` (one per day, on
    consecutive working days of one technician), what each day costs (cost units, fair
    days left out) and how long it keeps the technician busy (seconds driving and
    working, for fair days)."""

    order: int
    parts: tuple[RouteSchedule, ...]
    day_costs: tuple[float, ...]
    day_busy: tuple[int, ...]


def candidate_runs(instance: Instance, limits: SolveLimits) -> list[Run]:
    """The runs of each multi-day job of ``instance`` (most valuable first) worth
    weighing: every run of its technicians of :data:`RUN_TECHNICIANS`, no day taken.
    Jobs not reached by ``limits``' deadline get none."""
    jobs = np.flatnonzero(instance.multi_day_compatible.any(axis=0)).tolist()
    if not jobs:
        return []
    nearest, spare = RUN_TECHNICIANS
    served = np.zeros((instance.n_technicians, instance.n_orders), dtype=bool)
    np.logical_or.at(served, instance.vehicle_technician, instance.compatible)
    demand = served.sum(axis=1)  # orders each technician may serve on some day
    found: list[Run] = []
    for order in sorted(jobs, key=lambda o: (-instance.order_unplanned_cost[o], o)):
        if limits.expired():
            break
        ranked = _by_bound(instance, order)
        others = sorted(ranked[nearest:], key=lambda b: (demand[instance.vehicle_technician[b[2][0]]], b[:2]))
        most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None] = {}
        for _, _, days in [*ranked[:nearest], *others[:spare]]:
            for costs, parts in _priced_runs_from(instance, order, days, (), most):
                busy = tuple(p.busy_s(instance) for p in parts)
                found.append(Run(order, tuple(parts), tuple(costs), busy))
    return found


def add_multi_day(
    instance: Instance, result: SolveResult, limits: SolveLimits
) -> tuple[SolveResult, dict[int, RouteSchedule], Instance]:
    """Multi-day visits added to ``result`` (the back-end's routes of everything else)
    where they are worth their days: each job, most valuable first, tries the
    :data:`RUNS_TRIED` runs of consecutive working days that displace least work; the
    work on those days goes elsewhere by insertion, or out. A run is taken where the
    whole plan costs less with it. Returns the result, the visits (vehicle -> its
    part) and the instance with their days closed to other orders."""
    parts: dict[int, RouteSchedule] = {}
    candidates = np.flatnonzero(instance.multi_day_compatible.any(axis=0)).tolist()
    for order in sorted(candidates, key=lambda o: (-instance.order_unplanned_cost[o], o)):
        if limits.expired():
            break
        closed = closed_days(instance, parts)
        current = routes_cost(closed, result.routes, parts)
        best: tuple[float, list[RouteSchedule], dict[int, tuple[int, ...]]] | None = None
        for _, run in _displacing_least(instance, runs(instance, order, parts), result.routes)[:RUNS_TRIED]:
            days = {p.vehicle for p in run}
            with_run = parts | {p.vehicle: p for p in run}
            shut = closed_days(instance, with_run)
            kept = {v: seq for v, seq in result.routes.items() if v not in days}
            routes = insert_orders(shut, limits, routes=kept)
            cost = routes_cost(shut, routes, with_run)  # the whole plan: every part, fair days included
            if cost < current - 1e-9 and (best is None or cost < best[0]):
                best = (cost, run, routes)
        if best is not None:
            parts |= {p.vehicle: p for p in best[1]}
            result = dataclasses.replace(result, routes=best[2])
    closed = closed_days(instance, parts)
    if result.objective is not None:
        result = dataclasses.replace(result, objective=routes_cost(closed, result.routes))
    return result, parts, closed


def _displacing_least(
    instance: Instance, runs: Iterable[tuple[float, list[RouteSchedule]]], routes: dict[int, tuple[int, ...]]
) -> list[tuple[float, list[RouteSchedule]]]:
    """``runs`` (cost, parts), those displacing least work first: the leave-out prices
    of the orders ``routes`` now have on their days, plus the run's cost."""
    displaced = {
        v: float(instance.order_unplanned_cost[[s for s in seq if not instance.is_pickup(s)]].sum())
        for v, seq in routes.items()
    }
    return sorted(runs, key=lambda r: (r[0] + sum(displaced.get(p.vehicle, 0.0) for p in r[1]), r[1][0].vehicle))


def closed_days(instance: Instance, parts: dict[int, RouteSchedule]) -> Instance:
    """``instance`` with the days of ``parts`` closed to every other order and to pickups."""
    if not parts:
        return instance
    closed = np.zeros(instance.n_vehicles, dtype=bool)
    closed[list(parts)] = True
    return dataclasses.replace(
        instance,
        compatible=instance.compatible & ~closed[:, None],
        supply_compatible=instance.supply_compatible & ~closed[:, None],
        closed_days=tuple(sorted({*instance.closed_days, *parts})),
    )


def runs(instance: Instance, order: int, taken: Container[int]) -> Iterator[tuple[float, list[RouteSchedule]]]:
    """Every run of consecutive working days not ``taken`` that holds multi-day
    ``order``, as (its cost, its parts), over every qualified technician and first day,
    one at a time (whoever needs only the first stops early)."""
    most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None] = {}  # each day's most work, found once
    for days in _qualified_days(instance, order):
        yield from _runs_from(instance, order, days, taken, most)


def cheapest_run_cost(instance: Instance, order: int, taken: Container[int]) -> float | None:
    """The cost of the least costly of :func:`runs` (``None``: there is none), found
    without timing every run, by a lower bound on what a technician's runs cost: each
    day of a run is a drive from home to the order and back, and the work needs at
    least so many days; the first part starts no earlier than the technician's earliest
    shift start plus the drive, and its lateness counts from there (the lateness curve
    only grows); every other cost is at least 0. Technicians are tried by that bound,
    and the search ends where it reaches the best cost found."""
    most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None] = {}
    best: float | None = None
    for bound, _, days in _by_bound(instance, order):
        if best is not None and bound >= best:
            break
        for cost, _ in _runs_from(instance, order, days, taken, most):
            best = cost if best is None else min(best, cost)
    return best


def _by_bound(instance: Instance, order: int) -> list[tuple[float, int, npt.NDArray[np.int64]]]:
    """The days of each technician who may take multi-day ``order`` (see
    :func:`_qualified_days`), as (a lower bound on the cost of their runs, their rank
    there, the days), least bound first; technicians whose shifts cannot hold the work
    in all (who have no run, see :func:`_priced_runs_from`) are left out."""
    loc = int(instance.order_loc[order])
    due = int(instance.order_due_s[order])
    bounds = []
    for rank, days in enumerate(_qualified_days(instance, order)):
        work = _work(instance, days, order)
        shifts = _shifts(instance, days)
        if int(shifts.sum()) < work:
            continue
        longest = int(shifts.max())
        out = instance.travel_s[instance.vehicle_start_loc[days], loc]
        drives = out + instance.travel_s[loc, instance.vehicle_end_loc[days]]
        fewest = -(-work // longest)
        earliest = int((instance.vehicle_shift_start_s[days] + out).min())
        late = float(instance.order_late_base[order]) * instance.lateness.share(max(0, earliest - due))
        late -= float(instance.order_sunk_late_cost[order])
        bounds.append((fewest * int(drives.min()) * instance.travel_cost_per_min / 60 + late, rank, days))
    return sorted(bounds, key=lambda b: b[:2])


def _qualified_days(instance: Instance, order: int) -> Iterator[npt.NDArray[np.int64]]:
    """The days (vehicles, in order) of each technician with a day that may take part
    of multi-day ``order``, technician by technician."""
    for technician in np.unique(instance.vehicle_technician[instance.multi_day_compatible[:, order]]).tolist():
        yield np.flatnonzero(instance.vehicle_technician == technician)


def _work(instance: Instance, days: Sequence[int] | npt.NDArray[np.int64], order: int) -> int:
    """Seconds of work ``order`` takes the technician whose ``days`` these are."""
    return int(instance.technician_duration_s[instance.vehicle_technician[days[0]], order])


def _shifts(instance: Instance, days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The length of each of ``days``' shifts, seconds: the most work a part can hold."""
    return instance.vehicle_shift_end_s[days] - instance.vehicle_shift_start_s[days]


def _runs_from(
    instance: Instance,
    order: int,
    days: npt.NDArray[np.int64],
    taken: Container[int],
    most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None],
) -> Iterator[tuple[float, list[RouteSchedule]]]:
    """:func:`runs` over one technician's ``days``, by first day."""
    for costs, parts in _priced_runs_from(instance, order, days, taken, most):
        yield sum(costs), parts


def _priced_runs_from(
    instance: Instance,
    order: int,
    days: npt.NDArray[np.int64],
    taken: Container[int],
    most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None],
) -> Iterator[tuple[list[float], list[RouteSchedule]]]:
    """:func:`_runs_from` with the cost of each part."""
    work = _work(instance, days, order)
    room = np.cumsum(_shifts(instance, days)[::-1])[::-1]  # the most work the days from each on can hold
    for k in range(len(days)):
        if room[k] < work:  # nor can any later run, being shorter
            break
        parts = _parts(instance, order, days[k:].tolist(), taken, most)
        if parts is not None:
            yield [p.full_cost(instance) for p in parts], parts


def with_multi_day(instance: Instance, result: SolveResult, parts: dict[int, RouteSchedule]) -> SolveResult:
    """``result`` (of the other orders) with the multi-day ``parts`` added: their cost
    in its objective instead of their orders' leave-out price."""
    orders = {p.visits[0] for p in parts.values()}
    objective = None if result.objective is None else routes_cost(instance, result.routes, parts)
    status = f"{result.status}; {len(orders)} multi-day visit{'s' if len(orders) != 1 else ''} over {len(parts)} days"
    return dataclasses.replace(result, objective=objective, status=status, multi_day=parts)


def _parts(
    instance: Instance,
    order: int,
    days: list[int],
    taken: Container[int],
    most: dict[tuple[int, bool], tuple[int, RouteSchedule] | None],
) -> list[RouteSchedule] | None:
    """The parts of ``order`` from the first of ``days`` (a technician's vehicles from
    some day on) onwards, or ``None`` if they do not hold it. ``most`` caches the most
    work each (vehicle, continuing) day holds: where the work left does not fit, the
    day holds its most whatever is left, because the work a day holds only shrinks
    as it grows (so one search per day serves every run through it)."""
    left = _work(instance, days, order)
    work = left
    parts: list[RouteSchedule] = []
    for vehicle in days:
        if vehicle in taken or not instance.multi_day_compatible[vehicle, order]:
            return None
        continuing = bool(parts)
        last = schedule_route(instance, vehicle, (order,), part=Part(left, continuing))
        if last is not None and last.overtime_s == 0:
            parts.append(last)
            return parts
        key = (vehicle, continuing)
        if key not in most:
            most[key] = _most_work(instance, vehicle, order, continuing, work)
        held = most[key]
        if held is None or held[0] >= left:
            return None  # a day that holds more than what is left but not that: no run from here
        parts.append(held[1])
        left -= held[0]
    return None


def _most_work(
    instance: Instance, vehicle: int, order: int, continuing: bool, below: int
) -> tuple[int, RouteSchedule] | None:
    """The most seconds of work (less than ``below``) that one day of ``vehicle`` holds
    without overtime, and its schedule; ``None`` if not a minute. What a day holds
    shrinks as the work grows, so the most is the work that fits where one second more
    does not: first tried at the shift less the drives (and the break, taken inside the
    work), which is the answer unless windows or the release start the work later;
    else found by bisection."""

    def timed(work: int) -> RouteSchedule | None:
        schedule = schedule_route(instance, vehicle, (order,), part=Part(work, continuing))
        return schedule if schedule is not None and schedule.overtime_s == 0 else None

    loc = instance.order_loc[order]
    drives = (
        instance.travel_s[instance.vehicle_start_loc[vehicle], loc]
        + instance.travel_s[loc, instance.vehicle_end_loc[vehicle]]
    )
    room = int(instance.vehicle_shift_end_s[vehicle] - instance.vehicle_shift_start_s[vehicle] - drives)
    for guess in (room - int(instance.vehicle_break_duration_s[vehicle]), room):
        if (
            60 <= guess < below
            and (fits := timed(guess)) is not None
            and (guess + 1 == below or timed(guess + 1) is None)
        ):
            return guess, fits
    lo, hi = 60, below - 1
    best: tuple[int, RouteSchedule] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        fitted = timed(mid)
        if fitted is not None:
            best, lo = (mid, fitted), mid + 1
        else:
            hi = mid - 1
    return best
