"""Shared building blocks of the domain models: enums, clock intervals, time windows.

Time convention (stated once for the whole package): every instant in the public API
is a timezone-aware :class:`datetime.datetime`. Readers interpret naive ISO strings as
local wall-clock time in the problem's time zone (``Problem.tz``); strings with an
explicit offset are converted to that zone. Recurring daily times (shift, break,
opening hours) are wall-clock :class:`datetime.time` values in the same zone, so a
shift of 08:00-17:00 stays 08:00-17:00 local across a daylight-saving change.
Durations are whole or fractional minutes where a field name ends in ``_min``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Protocol

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from optimizer.timeaxis import time_zone


class Located(Protocol):
    """Anything with a place: orders, technicians' homes, depots (WGS84 degrees)."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


class Frozen(BaseModel):
    """Base for every domain model: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Urgency(str, Enum):
    """How urgent an order is; drives the unplanned penalty and the lateness cost."""

    EMERGENCY = "emergency"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


URGENCIES: tuple[Urgency, ...] = tuple(Urgency)
"""Urgencies from most to least urgent; index order used in numeric arrays."""


class OrderType(str, Enum):
    """The service type of an order (maintenance, repair, ...)."""

    MAINTENANCE = "maintenance"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    INSTALLATION = "installation"
    INSPECTION = "inspection"


class Weekday(str, Enum):
    """A day of the week, as written in exports (``Mon`` .. ``Sun``)."""

    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"

    @classmethod
    def of(cls, day: dt.date) -> Weekday:
        """The weekday of a calendar date."""
        return list(cls)[day.weekday()]


WORKING_WEEK: frozenset[Weekday] = frozenset({Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI})


def _zone_name(name: str) -> str:
    time_zone(name)
    return name


TimeZoneName = Annotated[str, AfterValidator(_zone_name)]
"""An IANA time-zone name such as ``Europe/Berlin``."""
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, description="WGS84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, description="WGS84 longitude, degrees")]
SkillLevels = dict[Annotated[str, Field(min_length=1)], Annotated[int, Field(ge=1, le=5)]]
"""Skill name -> level 1..5. On an order: the minimum level; on a technician: the level held."""
Quantities = dict[Annotated[str, Field(min_length=1)], Annotated[int, Field(ge=1)]]
"""Part SKU -> number of units."""


class ClockInterval(Frozen):
    """A daily wall-clock interval such as a shift ``08:00-17:00`` (local time, same day)."""

    start: dt.time
    end: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> ClockInterval:
        if self.end <= self.start:
            raise ValueError(f"ends before it starts ({self.start:%H:%M} >= {self.end:%H:%M})")
        return self


class Break(Frozen):
    """A daily break of ``duration_min`` minutes that must start within ``[start, end]``.

    A technician whose day ends (back home) no later than ``end`` takes no break.
    """

    start: dt.time
    end: dt.time
    duration_min: int = Field(gt=0, le=240)

    @model_validator(mode="after")
    def _ordered(self) -> Break:
        if self.end < self.start:
            raise ValueError(f"window ends before it starts ({self.start:%H:%M} > {self.end:%H:%M})")
        return self


class TimeWindow(Frozen):
    """An interval of instants, e.g. when service at a customer may start."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end.astimezone(dt.UTC) < self.start.astimezone(dt.UTC):
            raise ValueError(f"window ends before it starts ({self.start.isoformat()} > {self.end.isoformat()})")
        return self
