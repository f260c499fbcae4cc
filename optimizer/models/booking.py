"""Appointment offers: the windows a plan can promise a new customer (see
:mod:`optimizer.booking`)."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field, model_validator

from optimizer.models.base import Frozen
from optimizer.timeaxis import utc


class Offer(Frozen):
    """A window the plan can take the new order in: service starts between ``start`` and
    ``end``. ``cost`` is what serving it there adds to the objective (travel, lateness,
    overtime, waiting, preferences, fair days, and the stability price of moving
    visits already promised to other customers), in objective units; ``rank`` 1 is the
    cheapest. ``technician_id`` and ``planned_start`` say who would come and when, as the
    plan stands; ``sla_met`` whether that start is before the order's due (true where
    it has none)."""

    rank: int = Field(ge=1)
    start: AwareDatetime
    end: AwareDatetime
    technician_id: str = Field(min_length=1)
    planned_start: AwareDatetime
    cost: float
    sla_met: bool

    @model_validator(mode="after")
    def _ordered(self) -> Offer:
        if utc(self.end) < utc(self.start):
            raise ValueError(f"offer {self.rank} ends ({self.end.isoformat()}) before it starts")
        return self


class ClosedDay(Frozen):
    """A day of the offer range without any offer, and why in a few words."""

    date: dt.date
    reason: str = Field(min_length=1)


class Offers(Frozen):
    """The answer to "when can you come?" for ``order_id`` at ``now``: the windows the plan
    can take, cheapest first, and the days it cannot offer anything."""

    order_id: str = Field(min_length=1)
    now: AwareDatetime
    slot_min: float = Field(gt=0)
    offers: tuple[Offer, ...] = ()
    closed: tuple[ClosedDay, ...] = ()
