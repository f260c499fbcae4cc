"""A depot: a warehouse with opening hours, a stock of parts, deliveries and tools to lend."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field, model_validator

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
    what arrives later. ``tools`` are lent to technicians who stop by; a technician
    keeps a collected tool for the rest of the horizon, so a tool with
    ``tool_copies`` is lent to at most that many technicians in all (0: none left to
    lend; a tool without a count: as many as come). ``tools`` also accepts a mapping of tool to copies
    (``None``: no count). Stock is shared by all technicians and never exceeded.
    """

    id: str = Field(min_length=1)
    lat: Latitude
    lon: Longitude
    hours: ClockInterval
    stock: Quantities = Field(default_factory=dict)
    incoming: tuple[Delivery, ...] = ()
    tools: frozenset[str] = frozenset()
    tool_copies: dict[str, int] = Field(default_factory=dict, description="copies of a tool it lends, at most")

    @model_validator(mode="before")
    @classmethod
    def _counted_tools(cls, data: Any) -> Any:
        """``tools`` as a mapping of tool to copies (``None``: no count) fills both fields."""
        if isinstance(data, dict) and isinstance(data.get("tools"), dict):
            counted = {k: v for k, v in data["tools"].items() if v is not None}
            return {**data, "tools": frozenset(data["tools"]), "tool_copies": data.get("tool_copies", {}) | counted}
        return data

    @model_validator(mode="after")
    def _copies_of_lent_tools(self) -> Depot:
        stray = sorted(set(self.tool_copies) - self.tools)
        if stray:
            raise ValueError(f"tool_copies names tools the depot does not lend: {', '.join(stray)}")
        if any(n < 0 for n in self.tool_copies.values()):
            raise ValueError("tool_copies must be at least 0")
        return self
