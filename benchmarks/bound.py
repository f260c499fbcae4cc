"""A lower bound on the objective of any plan of a fresh (not re-planned) instance.

Much of a real night's objective cannot be avoided by any planner: overdue orders are
late whenever they are served, and an overloaded day cannot serve everything. Ratios
of whole objectives hide how much of the avoidable part a planner saves, so the
field-service benchmark prints this bound beside them.

The bound relaxes waiting, overtime, windows after the first opening, the days'
boundaries and most of the travel. Each order either costs its leave-out price ``U``,
or is served at its earliest possible start (its first window's opening, no earlier
than the first shift start of anyone who may serve it) and costs the lateness at that
start plus the drive into it, using its duration (the fastest qualified technician's)
and that drive out of the technicians' total working time (latest end minus shift
start minus break, or to the latest break start for a day that takes none, summed over
technician-days). The drive into a visit is at least
the shortest drive to its place from any other place a route may come from: another
order's, a depot, a home (zero where another order shares the place). Which orders to
serve is then a fractional knapsack, solved exactly by value per second of work.
"""

from __future__ import annotations

import numpy as np

from optimizer.instance import Instance


def lower_bound(instance: Instance) -> float:
    """A lower bound on the objective, in cost units, of any valid plan of ``instance``
    (a plan from scratch: no promises, nothing sunk)."""
    servable = instance.supply_compatible | instance.multi_day_compatible  # [V, O]
    unplanned = instance.order_unplanned_cost.astype(float)
    drive_in = shortest_drives_in(instance)
    cost = 0.0
    values, work = [], []
    for order in range(instance.n_orders):
        who = np.flatnonzero(servable[:, order])
        if who.size == 0 or instance.order_n_windows[order] == 0:
            cost += unplanned[order]
            continue
        start = max(int(instance.order_windows_s[order, 0, 0]), int(instance.vehicle_shift_start_s[who].min()))
        late = instance.order_late_base[order] * instance.lateness.share(start - int(instance.order_due_s[order]))
        served = min(late + instance.travel_cost_per_min * drive_in[order] / 60, unplanned[order])
        cost += served
        values.append(unplanned[order] - served)  # what serving it saves against leaving it out
        duration = int(instance.technician_duration_s[instance.vehicle_technician[who], order].min())
        work.append(duration + int(drive_in[order]))
    capacity = float(working_seconds(instance).sum())
    saved, left = 0.0, capacity
    for value, seconds in sorted(zip(values, work), key=lambda vw: -vw[0] / max(vw[1], 1)):
        if left <= 0:
            break
        share = 1.0 if seconds <= left else left / seconds
        saved += share * value
        left -= share * seconds
    return cost + sum(values) - saved


def working_seconds(instance: Instance) -> np.ndarray:
    """[V] the most seconds each technician-day can drive and work: to its latest end
    less the break, or, with no break at all, to the latest break start (a day home by
    then takes none)."""
    span = instance.vehicle_latest_end_s - instance.vehicle_shift_start_s
    with_break = span - instance.vehicle_break_duration_s
    has_break = instance.vehicle_break_duration_s > 0
    no_break = np.minimum(instance.vehicle_latest_end_s, instance.vehicle_break_end_s) - instance.vehicle_shift_start_s
    return np.where(has_break, np.maximum(with_break, no_break), span)


def shortest_drives_in(instance: Instance) -> np.ndarray:
    """[O] seconds of the shortest drive into each order's place from any other place a
    route may come from: another order's (0 where two orders share a place), a depot's
    or a home."""
    places = np.asarray(instance.order_loc)
    shared = np.bincount(places, minlength=instance.travel_s.shape[0])[places] > 1
    stops = np.unique(np.concatenate([instance.depot_loc, instance.vehicle_start_loc])).astype(int)
    targets = np.unique(places)
    from_stops = instance.travel_s[np.ix_(stops, targets)].min(axis=0) if stops.size else np.full(targets.size, np.inf)
    from_orders = np.full(targets.size, np.inf)
    for k, target in enumerate(targets):  # from another order's place (not its own, unless shared)
        drives = instance.travel_s[targets, target].astype(float)
        drives[k] = np.inf
        from_orders[k] = drives.min(initial=np.inf)
    shortest = np.minimum(from_stops, from_orders)[np.searchsorted(targets, places)]
    return np.where(shared, 0.0, shortest)
