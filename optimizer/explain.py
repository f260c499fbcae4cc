"""Why: the reason an order is not planned, and the cause of a late visit.

Reasons come from the instance (what rules an order out before solving, see
:mod:`optimizer.reasons`) and from the plan (parts that went to other orders, time
that did). Causes of lateness name the binding constraint where it is a part, a
release or a window, so planners know whom to call.
"""

from __future__ import annotations

import numpy as np

from optimizer.instance import Instance
from optimizer.models import Problem, UnplannedOrder
from optimizer.reasons import EXPLANATION, Reason
from optimizer.solvers.base import SolveResult


def unplanned_order(problem: Problem, instance: Instance, result: SolveResult, order: int) -> UnplannedOrder:
    """The unplanned record of ``order``: reason code, sentence and (for parts arriving
    too late) when they arrive."""
    reason = instance.presolve_reason[order] or Reason.NOT_ENOUGH_CAPACITY
    until = None
    if reason is Reason.PARTS_UNAVAILABLE_UNTIL:
        until = instance.axis.instant(int(instance.order_parts_ready_s[order]))
    elif reason is Reason.NOT_ENOUGH_CAPACITY and not _parts_left(instance, result, order):
        reason = Reason.NO_STOCK_IN_REACH
    detail = EXPLANATION[reason]
    if reason is Reason.NOT_ENOUGH_CAPACITY:
        days = int(np.count_nonzero(instance.compatible[:, order]))
        detail += f" ({days} technician-day{'s' if days != 1 else ''} could serve it)"
    elif reason is Reason.NO_STOCK_IN_REACH and instance.presolve_reason[order] is None:
        detail += " (what vans and depots held went to more valuable orders)"
    elif until is not None:
        detail += f" (from {until:%Y-%m-%d %H:%M})"
    return UnplannedOrder(
        order_id=instance.order_ids[order],
        urgency=problem.orders[order].urgency,
        reason=reason.value,
        detail=detail,
        until=until,
    )


def late_cause(instance: Instance, order: int, start_s: int) -> str:
    """Why ``order``, starting at ``start_s`` after its due time, could not start earlier."""
    due = int(instance.order_due_s[order])
    if start_s <= due:
        return ""
    ready = int(instance.order_parts_ready_s[order])
    if ready > due:
        parts = ", ".join(
            instance.stock.part_ids[p] for p in np.flatnonzero(instance.stock.order_parts[order])
        )
        return f"waiting for part {parts}: not to be had before {instance.axis.instant(ready):%Y-%m-%d %H:%M}"
    opens = int(instance.order_windows_s[order, 0, 0]) if instance.order_n_windows[order] else 0
    if opens > due:
        return "its earliest start (release or first time window) is after its due time"
    return "no earlier slot: the qualified technicians' time went to other orders"


def _parts_left(instance: Instance, result: SolveResult, order: int) -> bool:
    """Whether, after the plan's consumption and pickups, some qualified technician's
    van plus one depot's remaining stock still covers the order's parts."""
    need = instance.stock.order_parts[order]
    if not need.any():
        return True
    stock = instance.stock
    van = stock.technician_van.copy()
    for v, seq in result.routes.items():
        t = instance.vehicle_technician[v]
        for stop in seq:
            if stop < instance.n_orders:
                van[t] -= stock.order_parts[stop]
    depot = stock.depot_stock.copy()
    arrived = stock.delivery_s <= instance.horizon_s
    np.add.at(depot, (stock.delivery_depot[arrived], stock.delivery_part[arrived]), stock.delivery_units[arrived])
    for (v, d), pickup in result.pickups.items():
        for p, units in pickup.parts:
            depot[d, p] -= units
        t = instance.vehicle_technician[v]
        for p, units in pickup.parts:
            van[t, p] += units
    technicians = np.unique(instance.vehicle_technician[instance.compatible[:, order]])
    short = np.clip(need[None, :] - np.clip(van[technicians], 0, None), 0, None)
    if (short == 0).all(axis=1).any():
        return True
    return bool((depot[:, None, :] >= short[None, :, :]).all(axis=2).any())
