"""The numeric instance: a problem as immutable numpy arrays, the only input of the
solver back-ends (no back-end reads the pydantic models). Index conventions:

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

Times are integer seconds since the horizon start (see :mod:`optimizer.timeaxis`);
costs are in objective units per minute, as in :class:`~optimizer.models.ObjectiveWeights`.
:func:`optimizer.instance.compile_instance` builds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from optimizer.instance.arrays import NEVER_S, BoolArray, FloatArray, IntArray, freeze
from optimizer.instance.prices import LatenessCurve
from optimizer.instance.stock import Stock
from optimizer.models.reasons import Reason
from optimizer.timeaxis import TimeAxis

NO_DUE_S = NEVER_S
"""Due time of an order without SLA deadline (never late)."""


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
    location_lat: FloatArray
    """[L] latitude of each location, WGS84 degrees (for geographic partitions)."""
    location_lon: FloatArray
    """[L] longitude of each location."""
    # orders [O]
    order_loc: IntArray
    order_duration_s: IntArray
    """[O] the order's minutes of work in seconds (a technician's own: ``technician_duration_s``)."""
    technician_duration_s: IntArray
    """[T, O] seconds technician ``t`` works on order ``o`` (his efficiency applied)."""
    preferred: BoolArray
    """[T, O] whether technician ``t`` serves order ``o`` at no preference cost (one of
    its preferred technicians, or it has none)."""
    order_preferred_miss: FloatArray
    """[O] what a visit by a technician not ``preferred`` costs."""
    order_windows_s: IntArray
    """[O, W, 2] effective start windows (release and horizon applied), padded with -1."""
    order_n_windows: IntArray
    order_due_s: IntArray
    """[O] the SLA deadline (an emergency without one: the default SLA); negative where
    overdue at the horizon's start, ``NO_DUE_S`` where none."""
    order_urgency: IntArray
    """Index into ``URGENCIES`` (0 = emergency)."""
    order_unplanned_cost: FloatArray
    """[O] leaving the order out: its deferral- or backlog-adjusted price plus, in a
    re-plan, the cost of breaking its promise."""
    order_late_base: FloatArray
    """[O] the price ``U`` of the order's urgency, of which lateness costs a share
    (``lateness``)."""
    order_sunk_late_cost: FloatArray
    """[O] lateness cost already accrued at a re-plan's ``now`` (not charged again)."""
    order_deferrable: BoolArray
    """[O] due after the horizon: may wait for a later plan."""
    lateness: LatenessCurve
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
    vehicle_max_orders: IntArray
    """Orders the day may serve at most (``UNLIMITED``: no limit)."""
    vehicle_max_travel_s: IntArray
    """Seconds of driving the day may take at most (``UNLIMITED``: no limit)."""
    vehicle_busy_before_s: IntArray
    """[V] seconds of driving and work a re-plan's fixed stops already hold that day."""
    vehicle_home_early: BoolArray
    """[V] re-plan days whose working time an absence ends before shift end plus
    overtime, or that ended before ``now``: without new stops, the technician takes no
    break on the way home (the checker's rule)."""
    vehicle_home_from_s: IntArray
    """[V] when a re-plan's day resumed away from home leaves for home if it gets no new
    stop: its shift start (``now`` or the end of its fixed stops, the later), but where
    its working time ended before ``now``, the end of its fixed stops (that is history)."""
    day_others: IntArray
    """[days] technicians who count for fair days that day without a vehicle (busy 0)."""
    balance_per_s2: float
    """The fair-days weight per squared second of deviation from a day's mean busy time."""
    order_lead: IntArray
    """[O] for a crew's helper, its lead's index; ``-1`` for every other order (see
    :mod:`optimizer.instance.crews`)."""
    order_crew: IntArray
    """[O] technicians the order's visit needs at once (its lead's and helpers' alike)."""
    order_crew_people: IntArray
    """[O] for a crew's lead, the technicians who may be members of its crew; 0 otherwise."""
    order_after: IntArray
    """[O] the order each follows (``-1``: none left to plan; see :mod:`optimizer.instance.links`)."""
    order_after_gap_s: IntArray
    """[O] seconds it starts at least after that order's visit ends."""
    order_after_max_s: IntArray
    """[O] seconds it starts at most after that order's visit ends (``NEVER_S``: no bound)."""
    order_same_technician: BoolArray
    """[O] whether that order's technician must serve it."""
    compatible: BoolArray
    """[V, O] whether vehicle ``v`` may serve order ``o`` (qualified and reachable in
    time); where some vehicle's van carries the order's parts and tools, only those
    (the routing back-ends do not see pickup detours)."""
    supply_compatible: BoolArray
    """[V, O] ``compatible`` before that narrowing: who may serve the order, fetching at a
    depot what the van lacks (used when inserting orders with pickups)."""
    multi_day_compatible: BoolArray
    """[V, O] days of technicians who may serve an order longer than any of their days
    over consecutive working days (qualified, tools carried, no parts needed): only
    orders whose ``presolve_reason`` is ``no_shift_fits``."""
    presolve_reason: tuple[Reason | None, ...]
    """[O] why an order cannot be planned at all, or ``None`` if some vehicle may serve it."""
    overtime_cost_per_min: float
    travel_cost_per_min: float
    waiting_cost_per_min: float
    """Per minute a technician waits on site for an order's window to open."""
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
    :data:`optimizer.instance.promises.GONE`: the promised technician-day takes no new work)."""
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
    closed_days: tuple[int, ...] = ()
    """Technician-days that take no stop at all, pickups included: the days of multi-day
    visits already planned (:func:`optimizer.solvers.multi_day.closed_days`)."""

    def service_s(self, vehicle: int, stop: int) -> int:
        """Seconds ``vehicle``'s technician spends at route stop ``stop`` (an order's
        work, or a pickup)."""
        if stop >= len(self.order_ids):
            return self.pickup_duration_s
        return int(self.technician_duration_s[self.vehicle_technician[vehicle], stop])

    def resumes_away(self, vehicle: int) -> bool:
        """Whether ``vehicle`` is a re-plan's day resumed away from home (after its fixed
        stops): without new stops it still drives home."""
        return bool(self.vehicle_start_loc[vehicle] != self.vehicle_end_loc[vehicle])

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
        freeze(self)

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

    @property
    def needs_supply(self) -> bool:
        """Whether some order consumes parts or needs tools (then routes get checked
        and completed with pickups by :mod:`optimizer.solvers.supply`)."""
        return bool(self.stock.order_parts.any() or self.stock.order_tools.any())
