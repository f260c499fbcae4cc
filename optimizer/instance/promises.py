"""Compilation step "promises": what customers of a re-plan were told, as arrays over
the orders left to plan (the stability cost's data)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import BoolArray, FloatArray, IntArray
from optimizer.models import Problem, Progress
from optimizer.timeaxis import TimeAxis

GONE = -2
"""The promised vehicle of an order whose promised technician-day can take no new work
(the technician became unavailable)."""


@dataclass(frozen=True)
class Promises:
    """Promised visits as arrays over the orders left to plan (see
    :class:`~optimizer.instance.Instance`, ``order_promised_*``)."""

    vehicle: IntArray
    start_s: IntArray
    reassign_cost: FloatArray
    retime_cost_per_min: FloatArray
    pickups: tuple[tuple[int, int, int], ...] = ()
    """The previous plan's pickups still to come: (vehicle, depot, start second)."""

    @classmethod
    def of(
        cls,
        progress: Progress | None,
        left: Problem,
        axis: TimeAxis,
        vehicles: list[tuple[int, int]],
        usable: BoolArray,
    ) -> Promises:
        """The promises of ``progress`` for the orders of ``left`` on ``vehicles``
        ((technician, day) indices; ``usable``: whether each can take new work)."""
        n = len(left.orders)
        vehicle, start, reassign, retime = (
            np.full(n, -1, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n),
            np.zeros(n),
        )
        if progress is None:
            return cls(vehicle, start, reassign, retime)
        depot_index = {d.id: k for k, d in enumerate(left.depots)}
        weights = left.weights.stability
        now_s = axis.seconds_from(progress.now)
        vehicle_of = {(left.technicians[t].id, left.dates[d]): v for v, (t, d) in enumerate(vehicles) if usable[v]}
        order_index: dict[str, int] = {}
        for i, order in enumerate(left.orders):
            order_index.setdefault(order.id, i)  # a crew's lead, not its helpers (who follow every other order)
        for promise in progress.promised:
            o = order_index.get(promise.order_id)
            if o is None:
                continue
            day = promise.start.astimezone(left.zone).date()
            start_s = axis.seconds(promise.start)
            factor = weights.near_factor if start_s - now_s < 60 * weights.near_min else 1.0
            vehicle[o] = vehicle_of.get((promise.technician_id, day), GONE)
            start[o] = start_s
            reassign[o] = weights.reassign * factor
            retime[o] = weights.retime_per_min * factor
        pickups = []
        for pickup in progress.pickups:
            v = vehicle_of.get((pickup.technician_id, pickup.start.astimezone(left.zone).date()))
            if v is not None:
                pickups.append((v, depot_index[pickup.depot_id], axis.seconds(pickup.start)))
        return cls(vehicle, start, reassign, retime, tuple(pickups))
