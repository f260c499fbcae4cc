"""An order: one visit at a customer site."""

from __future__ import annotations

from pydantic import AwareDatetime, Field, field_validator, model_validator

from optimizer.models.base import (
    Frozen,
    Latitude,
    Longitude,
    OrderType,
    Quantities,
    SkillLevels,
    TimeWindow,
    Urgency,
)


class Order(Frozen):
    """One visit at a customer site.

    ``windows`` bound when service may *start*; an empty tuple means any time within a
    technician's shift. ``release`` is the earliest start (e.g. a part arriving);
    ``due`` is the SLA deadline for the start of service: starting later is allowed but
    costs the urgency's lateness weight per minute.
    """

    id: str = Field(min_length=1)
    type: OrderType = OrderType.REPAIR
    lat: Latitude
    lon: Longitude
    duration_min: int = Field(ge=0, le=24 * 60, description="on-site service time, minutes")
    urgency: Urgency = Urgency.NORMAL
    windows: tuple[TimeWindow, ...] = ()
    due: AwareDatetime | None = None
    release: AwareDatetime | None = None
    skills: SkillLevels = Field(default_factory=dict)
    parts: Quantities = Field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    load: float = Field(default=0.0, ge=0.0, description="units of the technicians' capacity")
    technician: str | None = Field(default=None, description="required technician id")

    @field_validator("windows")
    @classmethod
    def _sorted(cls, windows: tuple[TimeWindow, ...]) -> tuple[TimeWindow, ...]:
        return tuple(sorted(windows, key=lambda w: w.start))

    @model_validator(mode="after")
    def _consistent(self) -> Order:
        for first, second in zip(self.windows, self.windows[1:]):
            if second.start <= first.end:
                raise ValueError(
                    f"windows overlap ({first.end.isoformat()} >= {second.start.isoformat()})"
                )
        if self.release and self.windows and self.release > self.windows[-1].end:
            raise ValueError("release is after the last window ends")
        return self
