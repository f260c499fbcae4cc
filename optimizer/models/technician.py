"""A technician: a person with a home base, shifts, a break, skills, van stock and tools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import Field, model_validator

from optimizer.models.base import (
    WORKING_WEEK,
    Break,
    ClockInterval,
    Frozen,
    Latitude,
    Longitude,
    Quantities,
    SkillLevels,
    TimeWindow,
    Weekday,
)
from optimizer.timeaxis import utc

Factor = float
"""A duration factor: a visit lasts ``duration_min`` x factor (0.8 = 20% faster)."""


class WeekdayShift(Frozen):
    """The working hours on some weekdays, e.g. ``Mon-Thu 07:00-16:00``."""

    days: frozenset[Weekday] = Field(min_length=1)
    hours: ClockInterval


class Efficiency(Frozen):
    """How fast a technician works: a visit lasts its ``duration_min`` x the factor.

    ``factor`` applies to every order; ``skills`` overrides it per skill, and an order
    needing several skills takes the largest factor of its skills (the slowest part
    of the job decides). A number is accepted for ``Efficiency(factor=...)``.
    """

    factor: Factor = Field(default=1.0, gt=0.0, le=10.0)
    skills: dict[str, Factor] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return {"factor": value} if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _positive(self) -> Efficiency:
        bad = [name for name, f in self.skills.items() if not 0.0 < f <= 10.0]
        if bad:
            raise ValueError(f"skill factors must lie in (0, 10]: {', '.join(sorted(bad))}")
        return self

    def of(self, skills: Iterable[str]) -> Factor:
        """The factor for an order needing ``skills``: the largest of theirs, ``factor``
        for a skill without its own (and for an order without skills)."""
        return max((self.skills.get(s, self.factor) for s in skills), default=self.factor)


class Technician(Frozen):
    """A technician who starts and ends each workday at home.

    ``shift`` is the daily working time on ``workdays``; ``shifts`` gives it per weekday
    instead (``Mon-Thu 07:00-16:00;Fri 07:00-13:00``): the days it names are the
    workdays, a day it leaves out is off. The day may run up to
    ``max_overtime_min`` minutes past its end at the overtime price. ``absent`` are
    whole days off; ``away`` intervals off within days: a day's working time is cut by
    them (the rule of :func:`narrowed`: an absence from noon ends the day at noon).
    ``van_stock`` holds parts (consumed), ``tools`` reusable equipment, ``capacity`` the
    van's load limit per day (``None``: unlimited). ``efficiency`` scales visit
    durations; ``max_orders_per_day`` and ``max_travel_min`` cap each working day.
    """

    id: str = Field(min_length=1)
    name: str = ""
    lat: Latitude
    lon: Longitude
    shift: ClockInterval | None = Field(default=None, description="daily working hours on workdays")
    shifts: tuple[WeekdayShift, ...] = Field(default=(), description="working hours per weekday; other days off")
    workdays: frozenset[Weekday] = WORKING_WEEK
    absent: frozenset[dt.date] = frozenset()
    away: tuple[TimeWindow, ...] = Field(default=(), description="intervals of absence within working days")
    break_: Break | None = Field(default=None, alias="break")
    skills: SkillLevels = Field(default_factory=dict)
    van_stock: Quantities = Field(default_factory=dict)
    tools: frozenset[str] = frozenset()
    capacity: float | None = Field(default=None, ge=0.0)
    max_overtime_min: int = Field(default=0, ge=0, le=12 * 60)
    efficiency: Efficiency = Field(default_factory=Efficiency)
    max_orders_per_day: int | None = Field(default=None, ge=0, description="orders served per working day, at most")
    max_travel_min: float | None = Field(default=None, ge=0.0, description="minutes of driving per working day")
    region: str | None = Field(default=None, description="planning region, for solving regions apart")

    model_config = Frozen.model_config | {"populate_by_name": True}

    @model_validator(mode="before")
    @classmethod
    def _split_absences(cls, data: Any) -> Any:
        """``absent`` may mix whole dates and intervals (``{"start", "end"}`` or
        :class:`TimeWindow`): the intervals go to ``away``."""
        if not isinstance(data, dict) or isinstance(data.get("absent"), str | None):
            return data
        try:
            items = list(data["absent"])
        except TypeError:
            return data
        spans = [x for x in items if isinstance(x, dict | TimeWindow)]
        if not spans:
            return data
        days = [x for x in items if not isinstance(x, dict | TimeWindow)]
        return {**data, "absent": days, "away": (*data.get("away", ()), *spans)}

    @model_validator(mode="after")
    def _hours(self) -> Technician:
        if self.shift is None and not self.shifts:
            raise ValueError("needs a shift (daily hours) or shifts (hours per weekday)")
        named = [d for s in self.shifts for d in s.days]
        twice = sorted({d.value for d in named if named.count(d) > 1})
        if twice:
            raise ValueError(f"shifts name {', '.join(twice)} more than once")
        return self

    def shift_on(self, day: dt.date) -> ClockInterval | None:
        """The working hours on ``day``'s weekday, absences aside (``None``: a day off)."""
        weekday = Weekday.of(day)
        if self.shifts:
            return next((s.hours for s in self.shifts if weekday in s.days), None)
        return self.shift if weekday in self.workdays else None

    def works_on(self, day: dt.date) -> bool:
        """Whether this technician works on ``day`` (a workday and not absent; an
        interval in ``away`` may still take all of it)."""
        return day not in self.absent and self.shift_on(day) is not None

    def hours_on(self, day: dt.date) -> ClockInterval:
        """The working hours on ``day``; on a day off, the hours of a workday (``shift``,
        else the first of ``shifts``): what a route wrongly planned that day is held to."""
        return self.shift_on(day) or self.shift or self.shifts[0].hours


def narrowed(
    first: dt.datetime, last: dt.datetime, spans: Iterable[tuple[dt.datetime, dt.datetime]]
) -> tuple[dt.datetime, dt.datetime]:
    """A working day ``[first, last]`` narrowed by absences ``spans`` (start, end):
    overlapping absences count as one; an absence covering the day's start moves it
    to the absence's end; one that begins inside the day ends the day there (what is
    after it is lost). An empty result (``first >= last``) means no work that day."""
    merged: list[list[dt.datetime]] = []
    for begins, ends in sorted((utc(a), utc(b)) for a, b in spans):
        if merged and begins <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], ends)
        else:
            merged.append([begins, ends])
    first, last = utc(first), utc(last)
    for begins, ends in merged:
        if begins <= first and ends >= last:
            return last, last
        if begins <= first < ends:
            first = ends
        elif first < begins < last:
            return first, begins
    return first, last
