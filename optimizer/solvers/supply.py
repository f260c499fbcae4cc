"""Parts and tools for the routes a back-end found: van stock used up, depot pickups
inserted, orders that cannot be supplied taken out and others inserted.

The routing back-ends plan orders only. On problems whose orders need parts or tools,
this pass runs after every one of them:

1. The orders on the routes are supplied most valuable first (unplanned cost, then
   earliest start): from what is left on the technician's van; what the van lacks
   comes from one depot at a pickup before the order, either a pickup the technician
   already makes earlier in the horizon or a new stop at the depot, route (the
   order's, or the technician's on an earlier day) and position that cost least. A
   new stop is only made when it costs less than leaving the order out.
2. An order that cannot be supplied takes a less valuable order off its route to make
   room for the pickup, or else leaves the route itself; then the technician's other
   orders are supplied again from their van (their pickup times may have moved).
3. Orders left out are inserted where they cost least, with a pickup right before
   them where the van lacks something (most urgent first, as in
   :mod:`optimizer.solvers.insertion`).

The rules, which the checker enforces independently: a van's parts are used up over
the whole horizon (nothing is restocked overnight); a pickup takes at most what its
depot holds at the pickup's start, where a depot holds its initial stock plus the
deliveries arrived minus what anyone took before, and it never takes so much that the
depot runs short for a later pickup; a tool carried from the start or collected at an
earlier stop of the technician is on hand from then on, and a depot lends a tool with
a count of copies to at most that many technicians over the horizon. A route stops at
a depot at most once; a pickup that needs a delivery waits for its arrival.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimizer.instance import Instance
from optimizer.solvers.base import Pickup, SolveLimits, SolveResult
from optimizer.solvers.insertion import insertion_order
from optimizer.solvers.schedule import RouteSchedule, routes_cost, schedule_route, stop_location

_DEPOT_CHOICES = 3
"""Depots tried for a new pickup while inserting an order: the nearest that qualify."""
_ROOM_TRIES = 3
"""Less valuable orders tried for taking off a route to make room for a pickup."""


def supply(instance: Instance, result: SolveResult, limits: SolveLimits, *, top_up: bool = True) -> SolveResult:
    """``result`` with its routes supplied and (with ``top_up``, until the deadline of
    ``limits``) completed; see the module docstring."""
    began = time.perf_counter()
    state = _Supply(instance, result.routes)
    state.supply_all()
    if top_up:
        state.insert_left_out(limits)
    state.drop_unused_pickups()
    routes = {v: tuple(seq) for v, seq in state.routes.items() if seq}
    pickups = {
        key: Pickup(
            parts=tuple((int(p), int(n)) for p, n in enumerate(taken.parts) if n),
            tools=tuple(sorted(taken.tools)),
        )
        for key, taken in state.pickups.items()
    }
    n_pickups = len(pickups)
    status = f"{result.status}; supplied with {n_pickups} pickup{'s' if n_pickups != 1 else ''}"
    return SolveResult(
        routes, routes_cost(instance, routes), status, result.solve_s + time.perf_counter() - began, pickups
    )


@dataclass
class _Taken:
    """What one pickup stop collects: units per part [P] and tool indices."""

    parts: np.ndarray
    tools: set[int] = field(default_factory=set)


@dataclass
class _Claim:
    """Where one order's parts and tools come from."""

    van: np.ndarray
    pickup: tuple[int, int] | None
    parts: np.ndarray
    tools: set[int]


class _Ledger:
    """Depot stock over time: initial stock and deliveries against the pickups' takes."""

    def __init__(self, instance: Instance) -> None:
        stock = instance.stock
        self.base = stock.depot_stock
        self.deliveries: dict[int, list[tuple[int, int, int]]] = {d: [] for d in range(instance.n_depots)}
        for d, p, units, at in zip(stock.delivery_depot, stock.delivery_part, stock.delivery_units, stock.delivery_s):
            self.deliveries[int(d)].append((int(at), int(p), int(units)))
        self.takes: dict[tuple[int, int], tuple[int, np.ndarray]] = {}
        """(vehicle, depot) -> (pickup start second, units per part)."""

    def fits(self, changes: dict[tuple[int, int], tuple[int, np.ndarray] | None]) -> bool:
        """Whether every depot stays stocked with ``changes`` (None: a take removed)."""
        merged = {**self.takes, **changes}
        for depot in {d for _, d in changes}:
            events: list[tuple[int, int, int, Any]] = [(at, 0, p, units) for at, p, units in self.deliveries[depot]]
            events += [(taken[0], 1, -1, taken[1]) for (_, d), taken in merged.items() if d == depot and taken]
            level = self.base[depot].astype(np.int64).copy()
            timeline = sorted(events, key=lambda e: e[:2])  # deliveries before takes at the same second
            for _, kind, p, units in timeline:
                if kind == 0:
                    level[p] += units
                else:
                    level -= units
                    if (level < 0).any():
                        return False
        return True

    def apply(self, changes: dict[tuple[int, int], tuple[int, np.ndarray] | None]) -> None:
        """Record ``changes`` (checked with :meth:`fits`)."""
        for key, taken in changes.items():
            if taken is None:
                self.takes.pop(key, None)
            else:
                self.takes[key] = taken


class _Supply:
    """Routes (stops), their schedules, pickups and claims while supplying."""

    def __init__(self, instance: Instance, routes: dict[int, tuple[int, ...]]) -> None:
        self.instance = instance
        stock = instance.stock
        self.n_parts = len(stock.part_ids)
        self.routes = {v: list(seq) for v, seq in routes.items() if seq}
        self.schedules: dict[int, RouteSchedule] = {}
        for v, seq in self.routes.items():
            timed = schedule_route(instance, v, seq)
            if timed is None:
                raise ValueError(f"route of vehicle {v} is infeasible")
            self.schedules[v] = timed
        self.van_left = stock.technician_van.copy()
        # Pickups already on the routes (a re-plan's warm start) collect nothing yet.
        self.pickups: dict[tuple[int, int], _Taken] = {
            (v, instance.depot_of(s)): _Taken(np.zeros(self.n_parts, dtype=np.int64))
            for v, seq in self.routes.items()
            for s in seq
            if instance.is_pickup(s)
        }
        self.claims: dict[int, _Claim] = {}
        self.ledger = _Ledger(instance)
        self.needy = np.any(stock.order_parts, axis=1) | np.any(stock.order_tools, axis=1)

    # -- times and places ------------------------------------------------------------

    def start_of(self, vehicle: int, stop: int) -> int:
        """Start second of ``stop`` on ``vehicle``'s current schedule."""
        timed = self.schedules[vehicle]
        return timed.start_s[timed.visits.index(stop)]

    def pickup_index(self, timed: RouteSchedule, depot: int) -> int | None:
        """Position of the pickup at ``depot`` on ``timed`` (None if it has none)."""
        for k, stop in enumerate(timed.visits):
            if self.instance.is_pickup(stop) and self.instance.depot_of(stop) == depot:
                return k
        return None

    def pickup_start(self, key: tuple[int, int], timed: RouteSchedule | None = None) -> int:
        """Start second of pickup ``key`` (vehicle, depot), on ``timed`` if given."""
        timed = timed or self.schedules[key[0]]
        position = self.pickup_index(timed, key[1])
        assert position is not None, f"no pickup at depot {key[1]} on vehicle {key[0]}"
        return timed.start_s[position]

    def technician_pickups(self, technician: int) -> list[tuple[int, int]]:
        """(vehicle, depot) of the technician's pickups."""
        vehicles = self.instance.vehicle_technician
        return [key for key in self.pickups if vehicles[key[0]] == technician]

    def tools_at(self, technician: int, second: int, extra: dict[int, RouteSchedule] | None = None) -> np.ndarray:
        """[K] tools the technician has on hand at ``second``: carried, or collected at a
        pickup that starts earlier (on the schedules, or ``extra`` replacing some)."""
        held = self.instance.stock.technician_tools[technician].copy()
        for v, d in self.technician_pickups(technician):
            timed = (extra or {}).get(v, self.schedules[v])
            position = self.pickup_index(timed, d)
            if position is not None and timed.start_s[position] < second:
                held[list(self.pickups[(v, d)].tools)] = True
        return held

    def retimed(self, vehicle: int, timed: RouteSchedule) -> dict[tuple[int, int], tuple[int, np.ndarray] | None]:
        """Ledger changes when ``vehicle`` gets schedule ``timed``: its takes at their new times."""
        changes: dict[tuple[int, int], tuple[int, np.ndarray] | None] = {}
        for (v, d), taken in self.pickups.items():
            if v == vehicle:
                position = self.pickup_index(timed, d)
                changes[(v, d)] = None if position is None else (timed.start_s[position], taken.parts)
        return changes

    def cost(self, timed: RouteSchedule | None) -> float:
        """Travel, lateness, overtime and stability cost of one schedule (0 for none)."""
        return 0.0 if timed is None else timed.full_cost(self.instance)

    # -- supplying orders on the routes ----------------------------------------------

    def supply_all(self) -> None:
        """Supply every order on the routes, most valuable first; take out what cannot be."""
        for order in self.by_value([o for seq in self.routes.values() for o in seq if self.is_needy(o)]):
            vehicle = self.vehicle_of(order)
            if order in self.claims or vehicle is None:
                continue  # supplied again, or taken out, after another order was taken out
            if not self.supply_order(order, vehicle) and not self.make_room(order, vehicle):
                self.take_out(order, vehicle)

    def is_needy(self, stop: int) -> bool:
        """Whether ``stop`` is an order needing parts or tools."""
        return not self.instance.is_pickup(stop) and bool(self.needy[stop])

    def by_value(self, orders: list[int]) -> list[int]:
        """``orders`` most valuable first (unplanned cost), then by start."""
        starts = {o: self.start_of(self.located(o), o) for o in orders}
        return sorted(orders, key=lambda o: (-self.instance.order_unplanned_cost[o], starts[o], o))

    def vehicle_of(self, order: int) -> int | None:
        """The vehicle whose route holds ``order`` (None if none does)."""
        for v, seq in self.routes.items():
            if order in seq:
                return v
        return None

    def supply_order(self, order: int, vehicle: int) -> bool:
        """Claim parts and tools for ``order`` on ``vehicle``'s route; False if impossible
        (nothing changes then)."""
        instance, stock = self.instance, self.instance.stock
        technician = int(instance.vehicle_technician[vehicle])
        need = stock.order_parts[order]
        from_van = np.minimum(need, self.van_left[technician])
        short = need - from_van
        start = self.start_of(vehicle, order)
        missing = set(np.flatnonzero(stock.order_tools[order] & ~self.tools_at(technician, start)).tolist())
        if not short.any() and not missing:
            self.claim(order, technician, _Claim(from_van, None, short, set()))
            return True
        for key in sorted(self.technician_pickups(technician), key=lambda k: -self.pickup_start(k)):
            at = self.pickup_start(key)
            if at < start and self.lends(key[1], missing, technician):
                taken = self.pickups[key]
                if self.ledger.fits({key: (at, taken.parts + short)}):
                    self.claim(order, technician, _Claim(from_van, key, short, missing))
                    return True
        return self.new_pickup(order, vehicle, from_van, short, missing)

    def lends(self, depot: int, tools: set[int], technician: int) -> bool:
        """Whether ``depot`` lends all of ``tools`` to ``technician``: it has them, and a
        copy of each that no other technician holds (a lent tool is kept)."""
        stock, vehicles = self.instance.stock, self.instance.vehicle_technician
        for k in tools:
            if not stock.depot_tools[depot, k]:
                return False
            holders = {int(vehicles[v]) for (v, d), taken in self.pickups.items() if d == depot and k in taken.tools}
            if len(holders - {technician}) >= stock.depot_tool_copies[depot, k]:
                return False
        return True

    def new_pickup(self, order: int, vehicle: int, from_van: np.ndarray, short: np.ndarray, missing: set[int]) -> bool:
        """A new pickup stop before ``order``, on its route or on the technician's route of
        an earlier day, where it costs least and less than leaving ``order`` out."""
        instance = self.instance
        technician = instance.vehicle_technician[vehicle]
        day = instance.vehicle_day[vehicle]
        targets = [(vehicle, self.routes[vehicle].index(order) + 1)] + [
            (v, len(seq) + 1)
            for v, seq in self.routes.items()
            if seq and instance.vehicle_technician[v] == technician and instance.vehicle_day[v] < day
        ]
        per_s = instance.travel_cost_per_min / 60
        candidates: list[tuple[float, int, int, int]] = []  # (added travel cost, vehicle, pickup stop, position)
        for v, positions in targets:
            seq = self.routes[v]
            locations = [
                int(instance.vehicle_start_loc[v]),
                *(stop_location(instance, s) for s in seq),
                int(instance.vehicle_end_loc[v]),
            ]
            on_route = {instance.depot_of(s) for s in seq if instance.is_pickup(s)}
            for d in range(instance.n_depots):
                if d in on_route or not self.lends(d, missing, int(technician)):
                    continue
                depot_loc = int(instance.depot_loc[d])
                kinds = instance.pickup_stops(d)
                for position in range(positions):
                    before, after = locations[position], locations[position + 1]
                    added = (
                        int(instance.travel_s[before, depot_loc])
                        + int(instance.travel_s[depot_loc, after])
                        - int(instance.travel_s[before, after])
                    )
                    candidates.extend((added * per_s, v, stop, position) for stop in kinds)
        candidates.sort()
        limit = float(instance.order_unplanned_cost[order])
        best: tuple[float, int, int, RouteSchedule] | None = None
        for bound, v, stop, position in candidates:
            if bound >= limit or (best is not None and bound >= best[0]):
                break
            seq = self.routes[v]
            timed = schedule_route(instance, v, [*seq[:position], stop, *seq[position:]])
            if timed is None:
                continue
            delta = self.cost(timed) - self.cost(self.schedules[v])
            if delta >= limit or (best is not None and delta >= best[0]):
                continue
            changes = self.retimed(v, timed)
            changes[(v, instance.depot_of(stop))] = (timed.start_s[position], short)
            if self.ledger.fits(changes):
                best = (delta, v, instance.depot_of(stop), timed)
        if best is None:
            return False
        _, v, d, timed = best
        self.pickups[(v, d)] = _Taken(np.zeros_like(short))
        self.set_route(v, timed)
        self.claim(order, int(technician), _Claim(from_van, (v, d), short, missing))
        return True

    def claim(self, order: int, technician: int, claim: _Claim) -> None:
        """Record ``claim``: van units used, the pickup's take grown."""
        self.van_left[technician] -= claim.van
        if claim.pickup is not None:
            taken = self.pickups[claim.pickup]
            taken.parts = taken.parts + claim.parts
            taken.tools |= claim.tools
            self.ledger.apply({claim.pickup: (self.pickup_start(claim.pickup), taken.parts)})
        self.claims[order] = claim

    def set_route(self, vehicle: int, timed: RouteSchedule) -> None:
        """Make ``timed`` the route of ``vehicle`` and move its takes to their new times."""
        self.ledger.apply(self.retimed(vehicle, timed))
        self.routes[vehicle] = list(timed.visits)
        self.schedules[vehicle] = timed

    def make_room(self, order: int, vehicle: int) -> bool:
        """Supply ``order`` after taking a less valuable order off its route (one that
        uses no pickup, least valuable first, at most :data:`_ROOM_TRIES`); the order
        taken off is left out. False, with nothing changed, if none makes room."""
        instance = self.instance
        technician = int(instance.vehicle_technician[vehicle])
        value = instance.order_unplanned_cost[order]
        others = sorted(
            (
                o
                for o in self.routes[vehicle]
                if o != order
                and not instance.is_pickup(o)
                and instance.order_unplanned_cost[o] < value
                and (o not in self.claims or self.claims[o].pickup is None)
            ),
            key=lambda o: (instance.order_unplanned_cost[o], o),
        )
        before = self.schedules[vehicle]
        for other in others[:_ROOM_TRIES]:
            timed = schedule_route(instance, vehicle, [s for s in self.routes[vehicle] if s != other])
            if timed is None or not self.ledger.fits(self.retimed(vehicle, timed)):
                continue
            claim = self.claims.pop(other, None)
            if claim is not None:
                self.van_left[technician] += claim.van
            self.set_route(vehicle, timed)
            if self.supply_order(order, vehicle):
                return True
            if claim is not None:
                self.van_left[technician] -= claim.van
                self.claims[other] = claim
            self.set_route(vehicle, before)
        return False

    def take_out(self, order: int, vehicle: int) -> None:
        """Remove ``order`` from its route, then supply the technician's other orders again
        from their van (repeating while one of them cannot be supplied)."""
        technician = int(self.instance.vehicle_technician[vehicle])
        self.routes[vehicle].remove(order)
        while True:
            orders = self.reset(technician)
            failed = next((o for o in self.by_value(orders) if not self.supply_order(o, self.located(o))), None)
            if failed is None:
                return
            self.routes[self.located(failed)].remove(failed)

    def located(self, order: int) -> int:
        """The vehicle whose route holds ``order``, which one must."""
        vehicle = self.vehicle_of(order)
        assert vehicle is not None, f"order {order} is on no route"
        return vehicle

    def reset(self, technician: int) -> list[int]:
        """Drop the technician's pickups and claims and re-time their routes (taking out
        any visit a route no longer holds in time): the needy orders on them."""
        instance = self.instance
        vehicles = [v for v in self.routes if instance.vehicle_technician[v] == technician]
        for key in self.technician_pickups(technician):
            del self.pickups[key]
            self.ledger.apply({key: None})
        self.van_left[technician] = instance.stock.technician_van[technician]
        needy: list[int] = []
        for v in vehicles:
            orders = [s for s in self.routes[v] if not instance.is_pickup(s)]
            for o in orders:
                self.claims.pop(o, None)
            kept: list[int] = []
            timed = None
            for o in orders:
                attempt = schedule_route(instance, v, [*kept, o])
                if attempt is not None:
                    kept, timed = list(attempt.visits), attempt
            self.routes[v] = kept
            if timed is None:
                self.schedules.pop(v, None)
            else:
                self.schedules[v] = timed
            needy.extend(o for o in kept if self.is_needy(o))
        return needy

    def drop_unused_pickups(self) -> None:
        """Take pickups that collect nothing off their routes (re-timing them)."""
        instance = self.instance
        for key in [k for k, taken in self.pickups.items() if not taken.parts.any() and not taken.tools]:
            vehicle, depot = key
            del self.pickups[key]
            self.ledger.apply({key: None})
            rest = [s for s in self.routes[vehicle] if not (instance.is_pickup(s) and instance.depot_of(s) == depot)]
            timed = schedule_route(instance, vehicle, rest) if rest else None
            assert not rest or timed is not None, f"route of vehicle {vehicle} infeasible without a pickup"
            self.routes[vehicle] = rest
            if timed is None:
                self.schedules.pop(vehicle, None)
            else:
                self.set_route(vehicle, timed)

    # -- inserting the orders left out ----------------------------------------------

    def insert_left_out(self, limits: SolveLimits) -> None:
        """Cheapest supplied insertion of the orders not on a route, most urgent first,
        until done or the deadline of ``limits``."""
        instance = self.instance
        routed = {s for seq in self.routes.values() for s in seq}
        for order in insertion_order(instance):
            if limits.expired():
                return
            if int(order) not in routed:
                self.insert(int(order))

    def insert(self, order: int) -> None:
        """Insert ``order`` where it costs least (with a pickup where needed), if that
        costs less than leaving it out."""
        instance = self.instance
        loc = int(instance.order_loc[order])
        per_s = instance.travel_cost_per_min / 60
        candidates: list[tuple[float, int, int]] = []  # (added travel cost, vehicle, position)
        for v in np.flatnonzero(instance.supply_compatible[:, order]).tolist():
            seq = self.routes.get(v, [])
            load = float(instance.order_load[[s for s in seq if not instance.is_pickup(s)]].sum())
            if load + instance.order_load[order] > instance.vehicle_capacity[v]:
                continue
            stops = np.array(
                [
                    int(instance.vehicle_start_loc[v]),
                    *(stop_location(instance, s) for s in seq),
                    int(instance.vehicle_end_loc[v]),
                ]
            )
            added = (
                instance.travel_s[stops[:-1], loc].astype(np.int64)
                + instance.travel_s[loc, stops[1:]]
                - instance.travel_s[stops[:-1], stops[1:]]
            )
            candidates.extend(zip((added * per_s).tolist(), [v] * len(added), range(len(added))))
        candidates.sort()
        limit = float(instance.order_unplanned_cost[order])
        best: tuple[float, int, RouteSchedule, _Claim, int | None] | None = None
        for bound, v, position in candidates:
            if bound >= limit or (best is not None and bound >= best[0]):
                break
            for option in self.insertions(order, v, position):
                delta = self.cost(option[0]) - self.cost(self.schedules.get(v))
                if delta < limit and (best is None or delta < best[0]):
                    best = (delta, v, *option)
        if best is None:
            return
        _, v, timed, claim, new_depot = best
        technician = int(instance.vehicle_technician[v])
        if new_depot is not None:
            self.pickups[(v, new_depot)] = _Taken(np.zeros(self.n_parts, dtype=np.int64))
        self.set_route(v, timed)
        if self.is_needy(order):
            self.claim(order, technician, claim)

    def insertions(self, order: int, vehicle: int, position: int) -> list[tuple[RouteSchedule, _Claim, int | None]]:
        """Feasible ways to put ``order`` at ``position`` of ``vehicle``'s route: (schedule,
        claim, depot of a new pickup right before it or None). Supplied from the van or
        an earlier pickup if possible, else from the nearest depots that qualify."""
        instance, stock = self.instance, self.instance.stock
        seq = self.routes.get(vehicle, [])
        timed = schedule_route(instance, vehicle, [*seq[:position], order, *seq[position:]])
        if timed is None:
            return []  # a pickup before it would only make it later
        technician = int(instance.vehicle_technician[vehicle])
        need = stock.order_parts[order]
        from_van = np.minimum(need, self.van_left[technician])
        short = need - from_van
        missing = self.missing_tools(order, technician, timed, position)
        if not short.any() and not missing:
            if self.ledger.fits(self.retimed(vehicle, timed)):
                return [(timed, _Claim(from_van, None, short, set()), None)]
            return []
        for key in self.technician_pickups(technician):
            at = self.pickup_start(key, timed if key[0] == vehicle else None)
            if at < timed.start_s[position] and self.lends(key[1], missing, technician):
                changes = self.retimed(vehicle, timed)
                changes[key] = (at, self.pickups[key].parts + short)
                if self.ledger.fits(changes):
                    return [(timed, _Claim(from_van, key, short, missing), None)]
        on_route = {instance.depot_of(s) for s in seq if instance.is_pickup(s)}
        loc = int(instance.order_loc[order])
        nearest = np.argsort(instance.travel_s[instance.depot_loc, loc], kind="stable").tolist()
        options = []
        tried = 0
        for d in nearest:
            if tried == _DEPOT_CHOICES:
                break
            if d in on_route or not self.lends(d, missing, technician):
                continue
            tried += 1
            for stop in instance.pickup_stops(d):  # the first kind of stop whose take fits
                with_pickup = schedule_route(instance, vehicle, [*seq[:position], stop, order, *seq[position:]])
                if with_pickup is None:
                    break  # later kinds of stop start later still
                still_missing = self.missing_tools(order, technician, with_pickup, position + 1)
                if not self.lends(d, still_missing, technician):
                    break
                changes = self.retimed(vehicle, with_pickup)
                changes[(vehicle, d)] = (with_pickup.start_s[position], short)
                if self.ledger.fits(changes):
                    options.append((with_pickup, _Claim(from_van, (vehicle, d), short, still_missing), d))
                    break
        return options

    def missing_tools(self, order: int, technician: int, timed: RouteSchedule, position: int) -> set[int]:
        """Tools ``order`` needs that the technician lacks when it starts at ``position``
        of ``timed`` (which replaces that vehicle's schedule)."""
        held = self.tools_at(technician, timed.start_s[position], {timed.vehicle: timed})
        return set(np.flatnonzero(self.instance.stock.order_tools[order] & ~held).tolist())
