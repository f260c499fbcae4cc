"""Conversion between the problem's instants and the solvers' integer seconds.

Solvers see time as integer seconds since the start of the horizon (local midnight of
``Problem.start``). Differences of timezone-aware instants are absolute, so a day with
a daylight-saving change has 23 or 25 hours on this axis, as it has on the clock.
This is the one module that converts between the two.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Berlin``); ``ValueError`` with a sentence
    for anything else: the one check of a zone name, for problems, runs and readers."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        near = _nearest_zone(name) if isinstance(name, str) else None
        hint = f"did you mean {near!r}?" if near else "use an IANA name like 'Europe/Berlin'"
        raise ValueError(f"unknown time zone {name!r} ({hint})") from None


def _nearest_zone(name: str) -> str | None:
    """The IANA zone name nearest to ``name`` (case aside), or ``None``."""
    zones = {zone.lower(): zone for zone in available_timezones()}
    near = difflib.get_close_matches(name.strip().lower(), list(zones), n=1, cutoff=0.75)
    return zones[near[0]] if near else None


def utc(instant: dt.datetime) -> dt.datetime:
    """The same instant in UTC.

    Python compares and subtracts two datetimes that share a ``tzinfo`` object by their
    wall-clock readings, which is wrong across a daylight-saving change; in UTC both
    are exact. Compare and subtract instants of the plan through this.
    """
    return instant.astimezone(dt.UTC)


def elapsed_s(later: dt.datetime, earlier: dt.datetime) -> float:
    """Seconds of real time from ``earlier`` to ``later`` (negative if before)."""
    return (utc(later) - utc(earlier)).total_seconds()


@dataclass(frozen=True)
class TimeAxis:
    """Seconds since ``origin``; ``zone`` is used for local wall-clock times."""

    origin: dt.datetime
    zone: ZoneInfo

    def seconds(self, instant: dt.datetime) -> int:
        """Whole seconds from the origin to a timezone-aware ``instant`` (rounded towards
        the origin: right for the ends of intervals)."""
        return int(elapsed_s(instant, self.origin))

    def seconds_from(self, instant: dt.datetime) -> int:
        """Whole seconds from the origin to ``instant``, rounded up: right for "not
        before" times (window opens, releases, deliveries), so that a sub-second instant
        is never moved earlier."""
        return math.ceil(elapsed_s(instant, self.origin))

    def local_seconds(self, day: dt.date, clock: dt.time) -> int:
        """Seconds from the origin to wall-clock ``clock`` on ``day`` in the zone."""
        return self.seconds(dt.datetime.combine(day, clock, tzinfo=self.zone))

    def instant(self, seconds: int | float) -> dt.datetime:
        """The timezone-aware instant ``seconds`` after the origin, in the zone."""
        return (utc(self.origin) + dt.timedelta(seconds=float(seconds))).astimezone(self.zone)
