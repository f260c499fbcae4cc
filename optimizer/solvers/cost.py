"""The numeric objective the back-ends search: the terms of one timed route, in cost
units, from the instance's arrays.

It implements the objective of :mod:`optimizer.models.objective` on integer seconds;
the checker recomputes it with its own arithmetic from the plan. Travel, overtime and
waiting are charged per minute (seconds / 60); a late service costs its order's share
of ``U`` on the lateness curve, less what was already sunk at a re-plan's ``now``; an
unplanned order costs its ``order_unplanned_cost``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from optimizer.instance import Instance


def timing_cost(
    instance: Instance,
    vehicle: int,
    visits: Sequence[int],
    start_s: Sequence[int],
    late_s: Sequence[int],
    overtime_s: int,
    wait_s: Sequence[int] = (),
    continuing: bool = False,
) -> float:
    """Lateness, preference, overtime, waiting and (in a re-plan) stability cost of a
    route of ``vehicle`` whose ``visits`` (route stops) start at ``start_s``, are
    ``late_s`` late and waited ``wait_s`` on site; a ``continuing`` part of a multi-day
    visit carries no lateness or preference cost of its own (its first part does)."""
    cost = 0.0 if continuing else lateness_cost(instance, visits, late_s) + preference_cost(instance, vehicle, visits)
    cost += instance.overtime_cost_per_min * overtime_s / 60
    if instance.waiting_cost_per_min > 0:
        cost += instance.waiting_cost_per_min * sum(wait_s) / 60
    if instance.promises:
        cost += stability_cost(instance, vehicle, visits, start_s)
    return float(cost)


def lateness_cost(instance: Instance, visits: Sequence[int], late_s: Sequence[int]) -> float:
    """The lateness cost of ``visits`` (route stops) served ``late_s`` seconds late:
    each order's share of ``U`` on the lateness curve, less its sunk lateness."""
    total = 0.0
    for stop, late in zip(visits, late_s):
        if instance.is_pickup(stop):
            continue
        total -= instance.order_sunk_late_cost[stop]
        if late > 0:
            total += instance.order_late_base[stop] * instance.lateness.share(late)
    return total


def preference_cost(instance: Instance, vehicle: int, visits: Sequence[int]) -> float:
    """What serving ``visits`` (route stops) with ``vehicle`` costs for orders whose
    customers prefer other technicians."""
    technician = instance.vehicle_technician[vehicle]
    orders = [s for s in visits if not instance.is_pickup(s)]
    missed = ~instance.preferred[technician, orders]
    return float(instance.order_preferred_miss[orders][missed].sum())


def travel_cost(instance: Instance, travel_s: Sequence[int]) -> float:
    """The cost of driving ``travel_s`` seconds in all."""
    return sum(travel_s) * instance.travel_cost_per_min / 60


def stability_cost(instance: Instance, vehicle: int, visits: Sequence[int], starts: Sequence[int]) -> float:
    """The stability cost of serving ``visits`` (route stops) at ``starts`` on
    ``vehicle``: reassignments and retimes of promised orders, in cost units."""
    total = 0.0
    for stop, start in zip(visits, starts):
        if instance.is_pickup(stop) or instance.order_promised_vehicle[stop] == -1:
            continue
        if instance.order_promised_vehicle[stop] != vehicle:
            total += instance.order_reassign_cost[stop]
            continue
        moved_s = abs(start - int(instance.order_promised_s[stop])) - instance.retime_tolerance_s
        if moved_s > 0:
            total += instance.order_retime_cost_per_min[stop] * moved_s / 60
    return float(total)


def balance_cost(instance: Instance, busy_s: Mapping[int, int]) -> float:
    """The fair-days term for vehicles busy ``busy_s`` seconds (driving and work; the
    others only drive from where they start to home, which is nothing but for a
    re-plan's resumed day): per day, the squared deviations of everyone counted that
    day (its vehicles, with a re-plan's fixed stops, and ``day_others`` at 0) from the
    day's mean."""
    if instance.balance_per_s2 <= 0:
        return 0.0
    # a day without stops drives from where it starts to home (a re-plan's resumed day)
    home_s = instance.travel_s[instance.vehicle_start_loc, instance.vehicle_end_loc]
    busy = (instance.vehicle_busy_before_s + home_s).astype(np.float64)
    for vehicle, seconds in busy_s.items():
        busy[vehicle] += seconds - home_s[vehicle]
    days = len(instance.dates)
    count = np.bincount(instance.vehicle_day, minlength=days) + instance.day_others
    total = np.bincount(instance.vehicle_day, weights=busy, minlength=days)
    squares = np.bincount(instance.vehicle_day, weights=busy * busy, minlength=days)
    spread = np.where(count > 0, squares - total * total / np.maximum(count, 1), 0.0)
    return float(instance.balance_per_s2 * spread.sum())


def unplanned_cost(instance: Instance, served: np.ndarray) -> float:
    """The cost of leaving out every order not marked in ``served`` [O]."""
    return float(instance.order_unplanned_cost[~served].sum())
