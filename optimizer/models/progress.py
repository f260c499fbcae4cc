"""The day so far: what a re-plan must keep (see :mod:`optimizer.replan`).

A problem with :class:`Progress` is planned from ``now`` on. Its ``fixed`` routes are
history: for each technician-day, the stops done, under way or driven to before
``now``, with their actual times. A plan of that problem begins each of those routes
with exactly those stops; every other stop starts no earlier than ``now``, from where
and when the technician is free (the last fixed stop's place and end, or home). What
customers were told (``promised``) is kept where it costs less than changing it (see
:class:`~optimizer.models.StabilityWeights`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import AwareDatetime, Field, model_validator

from optimizer.models.base import Frozen
from optimizer.models.plan import Route, StopKind
from optimizer.timeaxis import utc


class Unavailable(Frozen):
    """A technician who cannot work from ``start`` on (until ``end``, or the horizon's end).

    Routes of that technician do no new work in the interval: on the day it starts,
    new stops and the way home end by ``start`` (a visit under way is finished and the
    technician then drives home); on the day it ends, work begins at ``end``; days in
    between are off. An interval inside one day ends that day at ``start``.
    """

    technician_id: str = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Unavailable:
        if self.end is not None and utc(self.end) <= utc(self.start):
            raise ValueError(f"unavailable until {self.end.isoformat()}, not after its start {self.start.isoformat()}")
        return self


class Appointment(Frozen):
    """A visit a customer has been told about: the technician and the start."""

    order_id: str = Field(min_length=1)
    technician_id: str = Field(min_length=1)
    start: AwareDatetime


class PlannedPickup(Frozen):
    """A depot pickup the previous plan makes after ``now``: where a re-plan starts
    from (changing it costs nothing)."""

    technician_id: str = Field(min_length=1)
    depot_id: str = Field(min_length=1)
    start: AwareDatetime


class Progress(Frozen):
    """The state of the horizon at ``now``: fixed stops, absences, promised visits and
    the previous plan's pickups still to come.

    ``fixed`` holds one partial route per technician-day: the ``start`` stop and the
    stops after it that are fixed, in sequence, without an ``end``.
    """

    now: AwareDatetime
    fixed: tuple[Route, ...] = ()
    unavailable: tuple[Unavailable, ...] = ()
    promised: tuple[Appointment, ...] = ()
    pickups: tuple[PlannedPickup, ...] = ()

    @model_validator(mode="after")
    def _shaped(self) -> Progress:
        seen: set[tuple[str, object]] = set()
        for route in self.fixed:
            key = (route.technician_id, route.date)
            if key in seen:
                raise ValueError(f"two fixed routes for {route.technician_id} on {route.date}")
            seen.add(key)
            kinds = [s.kind for s in route.stops]
            if not kinds or kinds[0] is not StopKind.START or StopKind.END in kinds or kinds.count(StopKind.START) > 1:
                raise ValueError(
                    f"fixed route of {route.technician_id} on {route.date} must be a start stop and the "
                    "fixed stops after it, without an end"
                )
        return self

    def absences(self, technician_id: str, horizon_end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        """The technician's unavailability as (start, end) intervals (an open end: the
        horizon's end)."""
        return [
            (u.start, u.end if u.end else horizon_end) for u in self.unavailable if u.technician_id == technician_id
        ]

    def fixed_order_ids(self) -> set[str]:
        """Orders served by fixed stops."""
        return {order for route in self.fixed for order in route.order_ids}

    def references(self) -> Sequence[tuple[str, str, str]]:
        """(field, kind, id) of every technician and order this progress names."""
        refs = [("fixed", "technician", r.technician_id) for r in self.fixed]
        refs += [("fixed", "order", o) for r in self.fixed for o in r.order_ids]
        refs += [("fixed", "depot", s.depot_id) for r in self.fixed for s in r.stops if s.depot_id]
        refs += [("unavailable", "technician", u.technician_id) for u in self.unavailable]
        refs += [("promised", "technician", a.technician_id) for a in self.promised]
        refs += [("promised", "order", a.order_id) for a in self.promised]
        refs += [("pickups", "technician", p.technician_id) for p in self.pickups]
        refs += [("pickups", "depot", p.depot_id) for p in self.pickups]
        return refs
