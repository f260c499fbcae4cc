"""A technician: a person with a home base, shifts, a break, skills, van stock and tools."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from optimizer.models.base import (
    WORKING_WEEK,
    Break,
    ClockInterval,
    Frozen,
    Latitude,
    Longitude,
    Quantities,
    SkillLevels,
    Weekday,
)


class Technician(Frozen):
    """A technician who starts and ends each workday at home.

    ``shift`` is the daily working time; the day may run up to ``max_overtime_min``
    minutes past its end at the overtime price. ``van_stock`` holds parts (consumed),
    ``tools`` reusable equipment, ``capacity`` the van's load limit per day (``None``:
    unlimited).
    """

    id: str = Field(min_length=1)
    name: str = ""
    lat: Latitude
    lon: Longitude
    shift: ClockInterval
    workdays: frozenset[Weekday] = WORKING_WEEK
    absent: frozenset[dt.date] = frozenset()
    break_: Break | None = Field(default=None, alias="break")
    skills: SkillLevels = Field(default_factory=dict)
    van_stock: Quantities = Field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    capacity: float | None = Field(default=None, ge=0.0)
    max_overtime_min: int = Field(default=0, ge=0, le=12 * 60)
    region: str | None = Field(default=None, description="planning region, for solving regions apart")

    model_config = Frozen.model_config | {"populate_by_name": True}

    def works_on(self, day: dt.date) -> bool:
        """Whether this technician works on ``day`` (a workday and not absent)."""
        return Weekday.of(day) in self.workdays and day not in self.absent
