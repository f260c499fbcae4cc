"""A lower bound on the objective of any plan of a fresh (not re-planned) instance.

Much of a real night's objective cannot be avoided by any planner: overdue orders are
late whenever they are served, and an overloaded day cannot serve everything. Ratios
of whole objectives hide how much of the avoidable part a planner saves, so the
field-service benchmark prints this bound beside them.

The bound relaxes travel, waiting, overtime, windows after the first opening and the
days' boundaries. Each order either costs its leave-out price ``U``, or is served at its
earliest possible start (its first window's opening, no earlier than the first shift
start of anyone who may serve it) and costs the lateness at that start, using the
minutes of its duration out of the technicians' total working time (latest end minus
shift start minus break, summed over technician-days). Which orders to serve is then a
fractional knapsack, solved exactly by value per second of work.
"""

from __future__ import annotations

import numpy as np

from optimizer.instance import Instance


def lower_bound(instance: Instance) -> float:
    """A lower bound on the objective, in cost units, of any valid plan of ``instance``
    (a plan from scratch: no promises, nothing sunk)."""
    servable = instance.supply_compatible | instance.multi_day_compatible  # [V, O]
    unplanned = instance.order_unplanned_cost.astype(float)
    cost = 0.0
    values, work = [], []
    for order in range(instance.n_orders):
        who = np.flatnonzero(servable[:, order])
        if who.size == 0 or instance.order_n_windows[order] == 0:
            cost += unplanned[order]
            continue
        start = max(int(instance.order_windows_s[order, 0, 0]), int(instance.vehicle_shift_start_s[who].min()))
        late = instance.order_late_base[order] * instance.lateness.share(start - int(instance.order_due_s[order]))
        served = min(late, unplanned[order])
        cost += served
        values.append(unplanned[order] - served)  # what serving it saves against leaving it out
        work.append(int(instance.order_duration_s[order]))
    capacity = float(
        (instance.vehicle_latest_end_s - instance.vehicle_shift_start_s - instance.vehicle_break_duration_s).sum()
    )
    saved, left = 0.0, capacity
    for value, seconds in sorted(zip(values, work), key=lambda vw: -vw[0] / max(vw[1], 1)):
        if left <= 0:
            break
        share = 1.0 if seconds <= left else left / seconds
        saved += share * value
        left -= share * seconds
    return cost + sum(values) - saved
