"""What happened since a plan was made: the input of a re-plan (see :mod:`optimizer.replan`)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field, model_validator

from optimizer.models.base import Frozen
from optimizer.models.order import Order
from optimizer.models.progress import Unavailable
from optimizer.timeaxis import utc


class VisitReport(Frozen):
    """A report on one planned visit: it started at ``started``, it ended (``done``) or
    will end at ``ended``. Times left out are taken from the plan."""

    order_id: str = Field(min_length=1)
    started: AwareDatetime | None = None
    ended: AwareDatetime | None = None
    done: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> VisitReport:
        if self.started and self.ended and utc(self.ended) < utc(self.started):
            raise ValueError(f"visit {self.order_id} ends ({self.ended.isoformat()}) before it starts")
        return self


class Pin(Frozen):
    """An order that must go to ``technician_id`` (at ``start``, if given)."""

    order_id: str = Field(min_length=1)
    technician_id: str = Field(min_length=1)
    start: AwareDatetime | None = None


class Events(Frozen):
    """The state of the day at ``now``, relative to a plan.

    ``visits`` report visits started, done or running long; ``new_orders`` came in;
    ``cancelled`` orders are void; ``unavailable`` technicians stop working (sick,
    van broken down); ``pins`` bind orders to technicians. With nothing but ``now``,
    a re-plan keeps the plan as it is.
    """

    now: AwareDatetime
    visits: tuple[VisitReport, ...] = ()
    new_orders: tuple[Order, ...] = ()
    cancelled: frozenset[str] = frozenset()
    unavailable: tuple[Unavailable, ...] = ()
    pins: tuple[Pin, ...] = ()
