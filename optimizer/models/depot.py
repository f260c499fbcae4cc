"""A depot: a warehouse with opening hours, a stock of parts and tools to lend."""

from __future__ import annotations

from pydantic import Field

from optimizer.models.base import ClockInterval, Frozen, Latitude, Longitude, Quantities


class Depot(Frozen):
    """A warehouse that technicians can visit to collect parts and tools."""

    id: str = Field(min_length=1)
    lat: Latitude
    lon: Longitude
    hours: ClockInterval
    stock: Quantities = Field(default_factory=dict)
    tools: frozenset[str] = frozenset()
