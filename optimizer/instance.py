"""Compile a :class:`~optimizer.models.Problem` into an immutable numeric instance.

Every solver back-end consumes this instance and nothing else: no back-end reads the
pydantic models. Index conventions:

* technicians ``t`` in ``0..n_technicians-1`` (problem order), orders ``o`` likewise;
* vehicles ``v``: one per technician and workday (technician not absent), sorted by
  technician then day;
* locations: ``0..n_technicians-1`` are the technicians' homes, then one per order
  (``order_loc[o] == n_technicians + o``), then one per depot (``depot_loc``), then,
  in a re-plan, one per technician-day that resumes after fixed stops;
* stops of a route: order ``o`` is stop ``o``; stop ``n_orders + k`` is a pickup of
  kind ``k``: at depot ``pickup_depot[k]``, starting no earlier than
  ``pickup_from_s[k]`` (0, or the arrival of a delivery there), see
  :meth:`Instance.is_pickup`.

A problem with progress (a re-plan, see :mod:`optimizer.progress`) compiles to what is
left: orders no fixed stop serves, vehicles starting where and when their day resumes
(and no earlier than ``now``), stock the fixed stops left, and each promised order's
vehicle and start for the stability cost.

Times are integer seconds since the horizon start (see :mod:`optimizer.timeaxis`);
costs are in objective units per minute, as in :class:`~optimizer.models.ObjectiveWeights`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import numpy.typing as npt

from optimizer.exceptions import InputIssue, InvalidProblemError, OffRoadError
from optimizer.models import Order, Problem, Technician
from optimizer.models.base import URGENCIES, Urgency
from optimizer.reasons import Reason
from optimizer.stock import (
    NEVER_S, Stock, amounts, compile_stock, parts_ready_s, tools_carried, tools_obtainable,
)
from optimizer.progress import Promises, WorkingTime, remaining, resume_points
from optimizer.timeaxis import TimeAxis, utc
from optimizer.travel import TravelMatrix, TravelProvider
from optimizer.travel.sources import travel_provider

NO_DUE_S = np.iinfo(np.int64).max // 4
"""Due time of an order without SLA deadline (never late)."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Instance:
    """The problem as immutable numpy arrays (read-only), built once per solve."""

    order_ids: tuple[str, ...]
    technician_ids: tuple[str, ...]
    dates: tuple[dt.date, ...]
    axis: TimeAxis
    horizon_s: int
    travel_s: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int32]
    # orders [O]
    order_loc: IntArray
    order_duration_s: IntArray
    order_windows_s: IntArray
    """[O, W, 2] effective start windows (release and horizon applied), padded with -1."""
    order_n_windows: IntArray
    order_due_s: IntArray
    order_urgency: IntArray
    """Index into ``URGENCIES`` (0 = emergency)."""
    order_unplanned_cost: FloatArray
    order_late_cost_per_min: FloatArray
    order_load: FloatArray
    # vehicles [V]
    vehicle_technician: IntArray
    vehicle_day: IntArray
    vehicle_start_loc: IntArray
    """Where each vehicle's route begins: home, or where its day resumes in a re-plan."""
    vehicle_end_loc: IntArray
    """Where each vehicle's route ends: home."""
    vehicle_shift_start_s: IntArray
    """The earliest departure: the shift start (in a re-plan, no earlier than ``now`` or
    the end of the last fixed stop)."""
    vehicle_shift_end_s: IntArray
    vehicle_latest_end_s: IntArray
    """Shift end plus the allowed overtime."""
    vehicle_break_start_s: IntArray
    """Earliest break start; -1 where the technician has no break."""
    vehicle_break_end_s: IntArray
    """Latest break start; -1 where the technician has no break."""
    vehicle_break_duration_s: IntArray
    vehicle_capacity: FloatArray
    """Load limit per day; ``inf`` where unlimited."""
    compatible: BoolArray
    """[V, O] whether vehicle ``v`` may serve order ``o`` (qualified and reachable in
    time); where some vehicle's van carries the order's parts and tools, only those
    (the routing back-ends do not see pickup detours)."""
    supply_compatible: BoolArray
    """[V, O] ``compatible`` before that narrowing: who may serve the order, fetching at a
    depot what the van lacks (used when inserting orders with pickups)."""
    presolve_reason: tuple[Reason | None, ...]
    """[O] why an order cannot be planned at all, or ``None`` if some vehicle may serve it."""
    overtime_cost_per_min: float
    travel_cost_per_min: float
    # parts, tools and depots
    stock: Stock
    order_parts_ready_s: IntArray
    """[O] the earliest second a qualified technician could hold the order's parts (0 if
    a van has them or none are needed; ``NEVER_S`` if no van or depot will)."""
    depot_ids: tuple[str, ...]
    depot_loc: IntArray
    depot_hours_s: IntArray
    """[D, days, 2] opening and closing second of each depot on each day of the horizon."""
    pickup_duration_s: int
    pickup_depot: IntArray
    """[S] the depot of each kind of pickup stop: each depot from the start, and again
    from each arrival of a delivery there."""
    pickup_from_s: IntArray
    """[S] the earliest start of each kind of pickup stop."""
    # re-planning: what customers were told
    order_promised_vehicle: IntArray
    """[O] the vehicle a customer was told would come (-1: no promise;
    :data:`optimizer.progress.GONE`: the promised technician-day takes no new work)."""
    order_promised_s: IntArray
    """[O] the promised start (0 where no promise)."""
    order_reassign_cost: FloatArray
    """[O] cost of serving a promised order by another vehicle, or not at all (also
    included in ``order_unplanned_cost``)."""
    order_retime_cost_per_min: FloatArray
    """[O] cost per minute a promised start moves beyond ``retime_tolerance_s``."""
    retime_tolerance_s: int
    planned_pickups: tuple[tuple[int, int, int], ...]
    """The previous plan's pickups still to come, (vehicle, depot, start second): where
    a re-plan's routes start from."""

    def is_pickup(self, stop: int) -> bool:
        """Whether route stop ``stop`` is a depot pickup (else it is an order)."""
        return stop >= len(self.order_ids)

    def depot_of(self, stop: int) -> int:
        """The depot of pickup stop ``stop``."""
        return int(self.pickup_depot[stop - len(self.order_ids)])

    def pickup_stops(self, depot: int) -> list[int]:
        """The pickup stops at ``depot``, earliest start first."""
        return (len(self.order_ids) + np.flatnonzero(self.pickup_depot == depot)).tolist()

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def n_orders(self) -> int:
        """Number of orders."""
        return len(self.order_ids)

    @property
    def n_vehicles(self) -> int:
        """Number of technician-days."""
        return int(self.vehicle_technician.shape[0])

    @property
    def n_technicians(self) -> int:
        """Number of technicians."""
        return len(self.technician_ids)

    @property
    def n_depots(self) -> int:
        """Number of depots."""
        return len(self.depot_ids)

    @cached_property
    def promises(self) -> bool:
        """Whether some order has a promised visit (a re-plan)."""
        return bool((self.order_promised_vehicle != -1).any())

    def stability_cost(self, vehicle: int, visits: tuple[int, ...], starts: tuple[int, ...]) -> float:
        """The stability cost of serving ``visits`` (route stops) at ``starts`` on
        ``vehicle``: reassignments and retimes of promised orders, in cost units."""
        total = 0.0
        for stop, start in zip(visits, starts):
            if self.is_pickup(stop) or self.order_promised_vehicle[stop] == -1:
                continue
            if self.order_promised_vehicle[stop] != vehicle:
                total += self.order_reassign_cost[stop]
                continue
            moved_s = abs(start - int(self.order_promised_s[stop])) - self.retime_tolerance_s
            if moved_s > 0:
                total += self.order_retime_cost_per_min[stop] * moved_s / 60
        return float(total)

    @property
    def needs_supply(self) -> bool:
        """Whether some order consumes parts or needs tools (then routes get checked
        and completed with pickups by :mod:`optimizer.solvers.supply`)."""
        return bool(self.stock.order_parts.any() or self.stock.order_tools.any())


def default_travel(problem: Problem) -> TravelProvider:
    """The travel provider the problem's settings name (great-circle by default)."""
    return travel_provider(problem.travel)


def location_arrays(problem: Problem) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes of all locations, in the instance's location order."""
    points = [*problem.technicians, *problem.orders, *problem.depots]
    return (
        np.array([p.lat for p in points], dtype=np.float64),
        np.array([p.lon for p in points], dtype=np.float64),
    )


def _travel_matrix(problem: Problem, provider: TravelProvider, lat: FloatArray, lon: FloatArray) -> TravelMatrix:
    """The provider's matrix; places it cannot route become input errors naming the
    technician, order or depot there."""
    try:
        return provider.matrix(lat, lon)
    except OffRoadError as error:
        located = [("technicians", t.id) for t in problem.technicians] + [("orders", o.id) for o in problem.orders]
        located += [("depots", d.id) for d in problem.depots]
        issues = []
        for point in error.points:
            table, entity = located[point.index] if point.index < len(located) else ("progress", None)
            issues.append(InputIssue(table, None, "lat/lon", f"cannot be routed by {error.source}: {point}",
                                     entity_id=entity))
        raise InvalidProblemError(issues) from None


def compile_instance(problem: Problem, travel: TravelProvider | None = None) -> Instance:
    """Build the numeric instance of ``problem`` (travel from ``travel`` or the default);
    for a problem with progress, of what is left to plan (see the module docstring)."""
    axis = TimeAxis(problem.horizon_start, problem.zone)
    horizon_s = axis.seconds(problem.horizon_end)
    days_on = WorkingTime(problem, axis)
    resumes = resume_points(problem)
    full_progress = problem.progress
    problem = remaining(problem)
    lat, lon = location_arrays(problem)
    lat = np.concatenate([lat, [r.lat for r in resumes.values()]])
    lon = np.concatenate([lon, [r.lon for r in resumes.values()]])
    matrix = _travel_matrix(problem, travel or default_travel(problem), lat, lon)

    orders, techs = problem.orders, problem.technicians
    n_techs = len(techs)
    windows, n_windows = _order_windows(problem, axis, horizon_s, not_before_s=days_on.now_s)
    urgency = np.array([URGENCIES.index(o.urgency) for o in orders], dtype=np.int64)
    weights = problem.weights
    vehicles = [
        (t, d)
        for t, tech in enumerate(techs)
        for d, day in enumerate(problem.dates)
        if days_on.works(tech, day) or (tech.id, day) in resumes
    ]
    vehicle_technician = np.array([t for t, _ in vehicles], dtype=np.int64)
    vehicle_day = np.array([d for _, d in vehicles], dtype=np.int64)

    def clock_seconds(clocks: list[dt.time | None]) -> IntArray:
        """Seconds of each vehicle's local wall-clock time on its day (-1 for None)."""
        return np.array(
            [-1 if c is None else axis.local_seconds(problem.dates[d], c)
             for c, (_, d) in zip(clocks, vehicles)],
            dtype=np.int64,
        ).reshape(len(vehicles))

    vehicle_techs = [techs[t] for t, _ in vehicles]
    breaks = [tech.break_ for tech in vehicle_techs]
    shift_start = clock_seconds([tech.shift.start for tech in vehicle_techs])
    shift_end = clock_seconds([tech.shift.end for tech in vehicle_techs])
    overtime_s = np.array([60 * t.max_overtime_min for t in vehicle_techs], dtype=np.int64)
    latest_end = shift_end + overtime_s.reshape(len(vehicles))
    break_start = clock_seconds([b and b.start for b in breaks])
    break_end = clock_seconds([b and b.end for b in breaks])
    break_duration = np.array(
        [0 if b is None else 60 * b.duration_min for b in breaks], dtype=np.int64
    ).reshape(len(vehicles))
    start_loc = vehicle_technician.copy()
    if days_on.now_s is not None:
        resumed = [resumes.get((techs[t].id, problem.dates[d])) for t, d in vehicles]
        first_resume = len(lat) - len(resumes)
        loc_of = {key: first_resume + k for k, key in enumerate(resumes)}
        for v, ((t, d), resume) in enumerate(zip(vehicles, resumed)):
            free_s = days_on.now_s if resume is None else max(days_on.now_s, axis.seconds_from(resume.at))
            shift_start[v], latest_end[v] = days_on.bounds(techs[t], int(shift_start[v]), int(latest_end[v]))
            shift_start[v] = max(shift_start[v], free_s)
            if resume is not None:
                start_loc[v] = loc_of[(techs[t].id, problem.dates[d])]
                if resume.break_taken:
                    break_duration[v] = 0
        # A day that resumes too late for new work keeps its vehicle (for the drive home
        # after the fixed stops) with an empty working time.
        latest_end = np.maximum(latest_end, shift_start)
        # A break whose latest start passed before the day resumes is forgone.
        forgone = (break_duration == 0) | (break_end < shift_start)
        break_start[forgone], break_end[forgone], break_duration[forgone] = -1, -1, 0
    # No break before the day starts (OR-tools would otherwise place it before a start
    # that a re-plan moved into the break window).
    break_start = np.where(break_duration > 0, np.maximum(break_start, shift_start), break_start)
    # A day that must end by the latest break start never takes the break (the break
    # rule of optimizer.scheduling): drop it, so no back-end is asked to place it.
    never = (break_duration > 0) & (latest_end <= break_end)
    break_start[never], break_end[never], break_duration[never] = -1, -1, 0
    unbreakable = (break_duration > 0) & (break_end < shift_start)  # no route can take that break
    capacity = np.array(
        [np.inf if t.capacity is None else t.capacity for t in vehicle_techs], dtype=np.float64
    ).reshape(len(vehicles))

    depot_hours = np.array(
        [[(axis.local_seconds(day, d.hours.start), axis.local_seconds(day, d.hours.end)) for day in problem.dates]
         for d in problem.depots],
        dtype=np.int64,
    ).reshape(len(problem.depots), len(problem.dates), 2)
    pickup_s = int(round(60 * problem.pickup_min))
    stock = compile_stock(problem, axis)
    pickup_kinds = np.array(
        sorted({(d, 0) for d in range(len(problem.depots))}
               | {(int(d), int(at)) for d, at in zip(stock.delivery_depot, stock.delivery_s) if at <= horizon_s}),
        dtype=np.int64,
    ).reshape(-1, 2)
    ready = parts_ready_s(stock, horizon_s, depot_hours, pickup_s)
    qualified, presolve = _qualification(
        problem, stock, ready, windows_exist=n_windows > 0, not_before=days_on.not_before
    )
    order_ready = np.where(qualified, ready, NEVER_S).min(axis=0, initial=NEVER_S)
    order_ready = np.where(qualified.any(axis=0), order_ready, 0)
    cut, n_cut = _clipped(windows, order_ready, np.full(len(orders), horizon_s))
    order_loc = n_techs + np.arange(len(orders), dtype=np.int64)
    duration_s = np.rint([60 * o.duration_min for o in orders]).astype(np.int64).reshape(len(orders))
    reach = dict(
        travel_s=matrix.duration_s,
        start=start_loc,
        home=vehicle_technician,
        order_loc=order_loc,
        duration_s=duration_s,
        shift_start=shift_start,
        latest_end=latest_end,
    )
    supplied = qualified[vehicle_technician] & _reachable(**reach, windows=cut, ready=ready[vehicle_technician])
    supplied[unbreakable | (shift_start >= latest_end)] = False
    ignoring_parts: BoolArray | None = None
    for o in range(len(orders)):
        if presolve[o] is None and not supplied[:, o].any():
            has_day = qualified[vehicle_technician, o].any()
            if order_ready[o] > 0 and ignoring_parts is None:
                ignoring_parts = qualified[vehicle_technician] & _reachable(**reach, windows=windows)
            late_parts = order_ready[o] > 0 and bool(ignoring_parts[:, o].any())
            presolve[o] = (
                Reason.PARTS_UNAVAILABLE_UNTIL if late_parts
                else Reason.NO_SHIFT_FITS if has_day
                else Reason.NO_TECHNICIAN_AVAILABLE
            )
    windows, n_windows = cut, n_cut
    supplied[:, [o for o, r in enumerate(presolve) if r is not None]] = False
    midnights = [axis.seconds(dt.datetime.combine(day, dt.time(), tzinfo=problem.zone))
                 for day in [*problem.dates, problem.dates[-1] + dt.timedelta(days=1)]]
    day_from, day_to = _earliest_day_for_emergencies(supplied, vehicle_day, urgency, np.array(midnights))
    windows, n_windows = _clipped(windows, day_from, day_to)
    compatible = _van_first(supplied, ((ready == 0) & tools_carried(stock))[vehicle_technician])
    promises = Promises.of(full_progress, problem, axis, vehicles, shift_start < latest_end)

    return Instance(
        order_ids=tuple(o.id for o in orders),
        technician_ids=tuple(t.id for t in techs),
        dates=tuple(problem.dates),
        axis=axis,
        horizon_s=horizon_s,
        travel_s=matrix.duration_s,
        distance_m=matrix.distance_m,
        order_loc=order_loc,
        order_duration_s=duration_s,
        order_windows_s=windows,
        order_n_windows=n_windows,
        order_due_s=np.array(
            [NO_DUE_S if o.due is None else max(0, axis.seconds(o.due)) for o in orders],
            dtype=np.int64,
        ),
        order_urgency=urgency,
        order_unplanned_cost=np.array([weights.unplanned[o.urgency] for o in orders], dtype=float)
        + promises.reassign_cost,
        order_late_cost_per_min=np.array(
            [weights.late_per_min[o.urgency] for o in orders], dtype=float
        ),
        order_load=np.array([o.load for o in orders], dtype=np.float64),
        vehicle_technician=vehicle_technician,
        vehicle_day=vehicle_day,
        vehicle_start_loc=start_loc,
        vehicle_end_loc=vehicle_technician.copy(),
        vehicle_shift_start_s=shift_start,
        vehicle_shift_end_s=shift_end,
        vehicle_latest_end_s=latest_end,
        vehicle_break_start_s=break_start,
        vehicle_break_end_s=break_end,
        vehicle_break_duration_s=break_duration,
        vehicle_capacity=capacity,
        compatible=compatible,
        supply_compatible=supplied,
        presolve_reason=tuple(presolve),
        overtime_cost_per_min=weights.overtime_per_min,
        travel_cost_per_min=weights.travel_per_min,
        stock=stock,
        order_parts_ready_s=order_ready,
        depot_ids=tuple(d.id for d in problem.depots),
        depot_loc=n_techs + len(orders) + np.arange(len(problem.depots), dtype=np.int64),
        depot_hours_s=depot_hours,
        pickup_duration_s=pickup_s,
        pickup_depot=pickup_kinds[:, 0].copy(),
        pickup_from_s=pickup_kinds[:, 1].copy(),
        order_promised_vehicle=promises.vehicle,
        order_promised_s=promises.start_s,
        order_reassign_cost=promises.reassign_cost,
        order_retime_cost_per_min=promises.retime_cost_per_min,
        retime_tolerance_s=int(round(60 * weights.stability.tolerance_min)),
        planned_pickups=promises.pickups,
    )


def _order_windows(
    problem: Problem, axis: TimeAxis, horizon_s: int, *, not_before_s: int | None
) -> tuple[IntArray, IntArray]:
    """Effective start windows [O, W, 2] in seconds: stated windows (or the whole
    horizon) clipped to the horizon, to the release time and to ``not_before_s`` (a
    re-plan's now); padded with -1."""
    clipped: list[list[tuple[int, int]]] = []
    for order in problem.orders:
        spans = [(axis.seconds_from(w.start), axis.seconds(w.end)) for w in order.windows]
        spans = spans or [(0, horizon_s)]
        earliest = 0 if order.release is None else max(0, axis.seconds_from(order.release))
        earliest = max(earliest, not_before_s or 0)
        clipped.append([
            (max(a, earliest), min(b, horizon_s))
            for a, b in spans
            if max(a, earliest) <= min(b, horizon_s)
        ])
    width = max([1, *map(len, clipped)])
    windows = np.full((len(clipped), width, 2), -1, dtype=np.int64)
    for o, spans in enumerate(clipped):
        if spans:
            windows[o, : len(spans)] = spans
    return windows, np.array([len(s) for s in clipped], dtype=np.int64)


def _covers(held: IntArray, needed: IntArray) -> BoolArray:
    """[T, O] whether each technician's amounts are >= each order's needs in every column."""
    return (held[:, None, :] >= needed[None, :, :]).all(axis=2)


def personal_qualification(
    orders: tuple[Order, ...], technicians: tuple[Technician, ...],
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """[T, O] what rules a technician in or out for an order by the technician alone,
    before stock, tools and time: skill levels, van capacity for the order's load, and
    the order's required technician."""
    skills = sorted({s for x in (*orders, *technicians) for s in x.skills})
    skilled = _covers(amounts([t.skills for t in technicians], skills), amounts([o.skills for o in orders], skills))
    capacity = np.array([np.inf if t.capacity is None else t.capacity for t in technicians])
    fits = capacity[:, None] >= np.array([o.load for o in orders])[None, :]
    index = {t.id: i for i, t in enumerate(technicians)}
    allowed = np.ones((len(technicians), len(orders)), dtype=bool)
    for o, order in enumerate(orders):
        if order.technician is not None:
            allowed[:, o] = False
            if order.technician in index:
                allowed[index[order.technician], o] = True
    return skilled, fits, allowed


def _qualification(
    problem: Problem, stock: Stock, ready: IntArray, *, windows_exist: BoolArray, not_before: dt.datetime
) -> tuple[BoolArray, list[Reason | None]]:
    """[T, O] technicians qualified for orders (skills, parts from the van or a depot
    within the horizon, tools carried or lent by a depot, required technician, load),
    and the first reason in :class:`Reason` order that rules an order out for everyone."""
    orders, techs = problem.orders, problem.technicians
    skilled, fits, allowed = personal_qualification(orders, techs)
    stocked = ready < NEVER_S
    equipped = tools_obtainable(stock)
    qualified = skilled & stocked & equipped & fits & allowed
    reasons: list[Reason | None] = []
    for o, order in enumerate(orders):
        reason: Reason | None = None
        if not windows_exist[o]:
            before = order.windows and utc(order.windows[-1].end) < utc(not_before)
            reason = Reason.OUTSIDE_ALL_WINDOWS if before else Reason.AFTER_HORIZON
        elif not qualified[:, o].any():
            stages = [
                (Reason.NO_SKILLED_TECHNICIAN, skilled),
                (Reason.NO_STOCK_IN_REACH, stocked),
                (Reason.NO_TECHNICIAN_WITH_TOOLS, equipped),
                (Reason.LOAD_EXCEEDS_CAPACITY, fits),
            ]
            if order.technician is not None:
                reason = Reason.REQUIRED_TECHNICIAN_UNQUALIFIED
            else:
                passing = np.ones(len(techs), dtype=bool)
                for stage_reason, ok in stages:
                    passing &= ok[:, o]
                    if not passing.any():
                        reason = stage_reason
                        break
        reasons.append(reason)
    return qualified, reasons


def _van_first(compatible: BoolArray, on_van: BoolArray) -> BoolArray:
    """[V, O] ``compatible`` narrowed, for each order some compatible vehicle could
    serve from its van (its parts in the van stock, its tools carried: ``on_van``), to
    those vehicles: the routing back-ends do not see pickup detours, so an order goes
    to a van that carries what it needs where one does (a pickup is still made if that
    van runs out, and the insertion with pickups may still use the others); the other
    orders stay open to every compatible vehicle."""
    from_van = compatible & on_van
    return np.where(from_van.any(axis=0)[None, :], from_van, compatible)


def _clipped(windows: IntArray, lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """Start windows [O, W, 2] cut to ``[lo, hi]`` per order (windows outside dropped),
    and the number left per order."""
    opens, closes = windows[:, :, 0], windows[:, :, 1]
    keep = (opens >= 0) & (closes >= lo[:, None]) & (opens <= hi[:, None])
    cut = np.full_like(windows, -1)
    counts = keep.sum(axis=1)
    for o in np.flatnonzero(counts):
        spans = windows[o][keep[o]]
        spans[:, 0] = np.maximum(spans[:, 0], lo[o])
        spans[:, 1] = np.minimum(spans[:, 1], hi[o])
        cut[o, : len(spans)] = spans
    return cut, counts.astype(np.int64)


def _earliest_day_for_emergencies(
    compatible: BoolArray, vehicle_day: IntArray, urgency: IntArray, midnights: IntArray
) -> tuple[IntArray, IntArray]:
    """Emergencies go on the earliest day some qualified technician can serve them: their
    other days are ruled out (``compatible`` in place), and the bounds [lo, hi] per
    order to cut their windows to that day are returned (the whole axis for others)."""
    lo = np.zeros(compatible.shape[1], dtype=np.int64)
    hi = np.full(compatible.shape[1], midnights[-1], dtype=np.int64)
    for o in np.flatnonzero((urgency == URGENCIES.index(Urgency.EMERGENCY)) & compatible.any(axis=0)):
        first = vehicle_day[compatible[:, o]].min()
        compatible[vehicle_day != first, o] = False
        lo[o], hi[o] = midnights[first], midnights[first + 1]
    return lo, hi


def _reachable(
    *,
    travel_s: npt.NDArray[np.int32],
    start: IntArray,
    home: IntArray,
    order_loc: IntArray,
    duration_s: IntArray,
    windows: IntArray,
    shift_start: IntArray,
    latest_end: IntArray,
    ready: IntArray | None = None,
) -> BoolArray:
    """[V, O] whether a route start -> order -> home fits a window and the working day,
    starting no earlier than the parts are ``ready`` [V, O] where given.

    A relaxation (the break and the pickup detour are ignored): it only rules out what
    no route can do.
    """
    out_s = travel_s[np.ix_(start, order_loc)].astype(np.int64)
    back_s = travel_s[np.ix_(order_loc, home)].T.astype(np.int64)
    arrival = shift_start[:, None] + out_s
    if ready is not None:
        arrival = np.maximum(arrival, ready)
    ok = np.zeros(arrival.shape, dtype=bool)
    for k in range(windows.shape[1]):
        opens, closes = windows[:, k, 0][None, :], windows[:, k, 1][None, :]
        start = np.maximum(arrival, opens)
        done = start + duration_s[None, :] + back_s
        ok |= (opens >= 0) & (start <= closes) & (done <= latest_end[:, None])
    return ok
