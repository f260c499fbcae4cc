"""A depot: a warehouse with opening hours, a stock of parts, deliveries and tools to lend."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from optimizer.models.base import ClockInterval, Frozen, Latitude, Longitude, Quantities


class Delivery(Frozen):
    """``quantity`` units of ``part`` arriving at a depot at ``at``: in stock from then on."""

    part: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    at: AwareDatetime


class Depot(Frozen):
    """A warehouse that technicians can visit to collect parts and tools.

    It is open ``hours`` on every day of the horizon; a pickup must start and end
    within them. ``stock`` is what it holds at the start of the horizon, ``incoming``
    what arrives later. ``tools`` are lent to any technician who stops by (not
    counted: a depot has enough of each); a technician keeps a collected tool for the
    rest of the horizon. Stock is shared by all technicians and never exceeded.
    """

    id: str = Field(min_length=1)
    lat: Latitude
    lon: Longitude
    hours: ClockInterval
    stock: Quantities = Field(default_factory=dict)
    incoming: tuple[Delivery, ...] = ()
    tools: frozenset[str] = frozenset()
