"""One new order added to fixed routes, window by window: what appointment offers and
bookings ask of the search core (see :mod:`optimizer.booking`).

The routes stay as they are (their stops, in their order); the new order goes where it
adds the least to the exact objective, with the depot pickups its parts or tools need,
by the core's completion (:func:`optimizer.solvers.field_search.completion`, no search).
Orders the routes leave out stay out: a booking changes nothing else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import SolveResult
from optimizer.solvers.field_search import completion
from optimizer.solvers.schedule import routes_cost, schedule_route

_ALWAYS = 1.0e9
"""The price of leaving the new order out while its windows are tried: above any cost
of serving it, so that the core serves it wherever it fits."""


@dataclass(frozen=True)
class SlotFit:
    """The cheapest way to serve the new order in one slot: on ``vehicle``'s route,
    starting ``start_s`` (instance seconds), adding ``added_cost`` (objective units)."""

    vehicle: int
    start_s: int
    added_cost: float


def fit_slots(
    instance: Instance, routes: dict[int, tuple[int, ...]], order: int, slots: Sequence[np.ndarray]
) -> list[SlotFit | None]:
    """For each slot, ``order``'s start windows within it ([k, 2] seconds, k at most the
    instance's windows per order), the cheapest way to add ``order`` to ``routes``
    (``None`` where it fits nowhere). The added cost is the objective with the order
    served there less the objective with ``routes`` as they are and the order left out,
    plus the price of leaving it out: what serving it there costs."""
    starts = {v: tuple(seq) for v, seq in routes.items()}
    _, without = completion(_only(instance, starts, order, windows=None), starts, "as it is")
    unserved = without - float(instance.order_unplanned_cost[order])
    fits: list[SlotFit | None] = []
    for windows in slots:
        variant = _only(instance, starts, order, windows=windows)
        found, cost = completion(variant, starts, "with the order")
        vehicle = next((v for v, seq in found.routes.items() if order in seq), None)
        if vehicle is None:
            fits.append(None)
            continue
        timed = schedule_route(variant, vehicle, found.routes[vehicle])
        assert timed is not None, "the core's route has no schedule"
        start_s = int(timed.start_s[timed.visits.index(order)])
        fits.append(SlotFit(vehicle, start_s, cost - unserved))
    return fits


def backlog_on(
    instance: Instance, routes: dict[int, tuple[int, ...]], order: int, *, from_day: int
) -> dict[int, tuple[int, ...]]:
    """``routes`` with the orders they leave out (but ``order``) inserted where they cost
    least on the days from ``from_day`` on, and nowhere earlier (a horizon widened past
    a plan: what it left out would fill those days first)."""
    later = instance.vehicle_day >= from_day
    routed = np.zeros(instance.n_orders, dtype=bool)
    for seq in routes.values():
        routed[[s for s in seq if not instance.is_pickup(s)]] = True
    allowed = routed[None, :] | later[:, None]
    allowed[:, order] = False
    variant = dataclasses.replace(
        instance, compatible=instance.compatible & allowed, supply_compatible=instance.supply_compatible & allowed
    )
    found, _ = completion(variant, routes, "the widened days filled")
    return dict(found.routes)


def add_order(instance: Instance, routes: dict[int, tuple[int, ...]], order: int) -> SolveResult | None:
    """``routes`` with ``order`` added where it costs least, whatever that costs (a
    booking: the customer was promised its windows); ``None`` where it fits nowhere.
    The result's objective is the instance's own."""
    starts = {v: tuple(seq) for v, seq in routes.items()}
    variant = _only(instance, starts, order, windows=instance.order_windows_s[order, : instance.order_n_windows[order]])
    found, _ = completion(variant, starts, "booked: one order added, the rest as it was")
    if not any(order in seq for seq in found.routes.values()):
        return None
    return dataclasses.replace(found, objective=routes_cost(instance, found.routes))


def without(routes: dict[int, tuple[int, ...]], orders: set[int]) -> dict[int, tuple[int, ...]]:
    """``routes`` without ``orders`` (routes left empty dropped)."""
    return {v: kept for v, seq in routes.items() if (kept := tuple(s for s in seq if s not in orders))}


def routed_only(instance: Instance, routes: dict[int, tuple[int, ...]], *, also: int | None = None) -> Instance:
    """``instance`` where no order off ``routes`` may be inserted but ``also``."""
    routed = np.zeros(instance.n_orders, dtype=bool)
    for seq in routes.values():
        routed[[s for s in seq if not instance.is_pickup(s)]] = True
    if also is not None:
        routed[also] = True
    return dataclasses.replace(
        instance,
        compatible=instance.compatible & routed[None, :],
        supply_compatible=instance.supply_compatible & routed[None, :],
    )


def _only(
    instance: Instance, routes: dict[int, tuple[int, ...]], order: int, *, windows: np.ndarray | None
) -> Instance:
    """``instance`` where nothing but ``order`` may join ``routes``: with start windows
    ``windows`` and served wherever it fits, or (``None``) not at all."""
    if windows is None:
        return routed_only(instance, routes)
    order_windows = instance.order_windows_s.copy()
    order_windows[order] = -1
    order_windows[order, : len(windows)] = windows
    n_windows = instance.order_n_windows.copy()
    n_windows[order] = len(windows)
    unplanned = instance.order_unplanned_cost.copy()
    unplanned[order] = _ALWAYS
    return dataclasses.replace(
        routed_only(instance, routes, also=order),
        order_windows_s=order_windows,
        order_n_windows=n_windows,
        order_unplanned_cost=unplanned,
    )
