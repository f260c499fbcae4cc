"""Parsers for the cells of the data contract: one function per cell format.

Each parser takes a raw cell (string, number, timestamp or missing) and returns a
Python value, or raises ``ValueError`` with a sentence saying what was expected.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from optimizer.models.base import Weekday

LIST_SEPARATOR = ";"
PAIR_SEPARATOR = ":"


def is_blank(value: Any) -> bool:
    """Whether a cell is empty (None, NaN, NA or only whitespace)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(value: Any) -> str:
    """A non-empty string."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def verbatim(value: Any) -> str:
    """A cell as the text it shows, spaces and leading zeros kept (``""`` for a blank
    one; a whole number read as a float without its ``.0``; a date-time in ISO 8601)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def number(value: Any) -> float:
    """A finite decimal number (``.`` as the decimal mark)."""
    try:
        result = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number") from None
    if not math.isfinite(result):
        raise ValueError("expected a finite number")
    return result


def whole(value: Any) -> int:
    """A whole number (``90`` or ``90.0``)."""
    result = number(value)
    if not result.is_integer():
        raise ValueError("expected a whole number")
    return int(result)


def instant(value: Any, zone: ZoneInfo) -> dt.datetime:
    """An ISO 8601 date-time; naive values are local time in ``zone``."""
    if isinstance(value, pd.Timestamp):
        parsed = value.to_pydatetime()
    elif isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError("expected an ISO date-time like 2026-11-23T08:00") from None
    try:
        return _in_range(parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone))
    except OverflowError:
        raise ValueError(_OUT_OF_RANGE) from None


_OUT_OF_RANGE = "date-time out of range (years 2 to 9998)"


def _in_range(instant: dt.datetime) -> dt.datetime:
    """``instant``, where it lies far enough from the calendar's ends to be converted to
    any time zone (ERP exports write ``0001-01-01`` or ``9999-12-31`` for "no date")."""
    if not 2 <= instant.year <= 9998:
        raise ValueError(_OUT_OF_RANGE)
    return instant


def deadline(value: Any, zone: ZoneInfo) -> dt.datetime:
    """A due time: an ISO 8601 date-time (as :func:`instant`), or a bare date
    ``YYYY-MM-DD``, which means the end of that day (23:59:59 local time)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day: dt.date | None = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()) if len(str(value).strip()) == 10 else None
        except ValueError:
            day = None
    if day is None:
        return instant(value, zone)
    return _in_range(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=zone))


def windows(value: Any, zone: ZoneInfo) -> list[dict[str, dt.datetime]]:
    """``start/end`` intervals separated by ``;``."""
    spans = []
    for part in _items(value):
        pieces = part.split("/")
        if len(pieces) != 2:
            raise ValueError(f"expected start/end intervals separated by ';' in {part!r}")
        spans.append({"start": instant(pieces[0], zone), "end": instant(pieces[1], zone)})
    return spans


def levels(value: Any) -> dict[str, int]:
    """``name:level`` pairs separated by ``;`` (level defaults to 1; a repeated name keeps
    its highest level)."""
    out: dict[str, int] = {}
    for name, amount in _pairs(value, "level"):
        out[name] = max(out.get(name, 0), amount)
    return out


def quantities(value: Any) -> dict[str, int]:
    """``SKU:quantity`` pairs separated by ``;`` (quantity defaults to 1)."""
    out: dict[str, int] = {}
    for name, amount in _pairs(value, "quantity"):
        out[name] = out.get(name, 0) + amount
    return out


def deliveries(value: Any, zone: ZoneInfo) -> list[dict[str, Any]]:
    """``SKU:quantity@date-time`` deliveries separated by ``;`` (e.g.
    ``P-100:5@2026-11-25T10:00``; naive times are local in ``zone``)."""
    out = []
    for item in _items(value):
        pair, sep, when = item.partition("@")
        if not sep or not pair.strip():
            raise ValueError(f"expected SKU:quantity@date-time in {item!r}")
        ((part, quantity),) = _pairs(pair, "quantity")
        out.append({"part": part, "quantity": quantity, "at": instant(when, zone)})
    return out


def names(value: Any) -> frozenset[str]:
    """Names separated by ``;``."""
    return frozenset(_items(value))


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def clock(value: str) -> dt.time:
    """A wall-clock time ``HH:MM`` (or ``H:MM``)."""
    match = _CLOCK.match(value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time like 08:00, got {value.strip()!r}")
    return dt.time(int(match[1]), int(match[2]))


def clock_interval(value: Any) -> dict[str, dt.time]:
    """A daily interval ``HH:MM-HH:MM``."""
    pieces = str(value).strip().split("-")
    if len(pieces) != 2:
        raise ValueError("expected a daily interval like 08:00-17:00")
    return {"start": clock(pieces[0]), "end": clock(pieces[1])}


def break_rule(value: Any) -> dict[str, Any]:
    """A break ``HH:MM-HH:MM/minutes``: that many minutes starting within the interval."""
    interval, _, minutes = str(value).strip().partition("/")
    if not minutes:
        raise ValueError("expected a break like 12:00-13:30/30")
    try:
        duration = whole(minutes)
    except ValueError:
        raise ValueError("expected a break like 12:00-13:30/30 (minutes after the '/')") from None
    return {**clock_interval(interval), "duration_min": duration}


def weekdays(value: Any) -> frozenset[Weekday]:
    """Weekdays ``Mon;Tue;...`` or ``Monday;...`` (case-insensitive)."""
    return frozenset(_weekday(item) for item in _items(value))


def _weekday(name: str) -> Weekday:
    """One weekday by its short or full English name (case-insensitive)."""
    lookup = {d.value.lower(): d for d in Weekday}
    lookup |= {calendar.day_name[i].lower(): d for i, d in enumerate(Weekday)}
    day = lookup.get(name.strip().lower())
    if day is None:
        raise ValueError(f"unknown weekday {name.strip()!r} (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
    return day


def weekday_shifts(value: Any) -> list[dict[str, Any]]:
    """Working hours per weekday, ``days HH:MM-HH:MM`` separated by ``;``: days are one
    weekday, a range ``Mon-Thu`` (it may wrap: ``Fri-Mon``) or a list ``Mon,Wed``
    (e.g. ``Mon-Thu 07:00-16:00;Fri 07:00-13:00``)."""
    week = list(Weekday)
    out = []
    for item in _items(value):
        days_text, _, hours = item.partition(" ")
        if not hours.strip():
            raise ValueError(f"expected weekdays and hours like 'Mon-Thu 07:00-16:00' in {item!r}")
        days: set[Weekday] = set()
        for span in days_text.split(","):
            first, dash, last = span.partition("-")
            if not dash:
                days.add(_weekday(first))
                continue
            k, end = week.index(_weekday(first)), week.index(_weekday(last))
            days.add(week[k])
            while k != end:
                k = (k + 1) % 7
                days.add(week[k])
        out.append({"days": frozenset(days), "hours": clock_interval(hours)})
    return out


def absences(value: Any, zone: ZoneInfo) -> list[dt.date | dict[str, dt.datetime]]:
    """Whole days ``YYYY-MM-DD`` and intervals ``start/end`` (ISO date-times, naive
    ones local in ``zone``) separated by ``;``."""
    out: list[dt.date | dict[str, dt.datetime]] = []
    for item in _items(value):
        if "/" in item:
            out.extend(windows(item, zone))
            continue
        try:
            out.append(dt.date.fromisoformat(item))
        except ValueError:
            raise ValueError(
                f"expected dates like 2026-11-24 or intervals like 2026-11-24T12:00/2026-11-24T17:00 in {item!r}"
            ) from None
    return out


def efficiency(value: Any) -> dict[str, Any]:
    """A duration factor for every order (``0.8``: 20% faster), per skill
    (``hvac:0.8;electrical:1.2``), or both (``0.9;hvac:0.8``)."""
    if isinstance(value, int | float):
        return {"factor": number(value)}
    out: dict[str, Any] = {"skills": {}}
    for item in _items(value):
        name, sep, amount = item.rpartition(PAIR_SEPARATOR)
        try:
            factor = number(amount)
        except ValueError:
            raise ValueError(f"expected a factor like 0.8 or skill:factor like hvac:0.8 in {item!r}") from None
        if not sep:
            out["factor"] = factor
        elif not name.strip():
            raise ValueError(f"empty skill name in {item!r}")
        else:
            out["skills"][name.strip()] = factor
    return out


def tool_counts(value: Any) -> dict[str, int | None]:
    """Tools separated by ``;``, each with an optional count of copies
    (``leak-detector:2;lift``: two leak detectors, lifts without a count). A tool named
    twice adds its counts up; named once without a count, it has none."""
    out: dict[str, int | None] = {}
    for item in _items(value):
        name, sep, amount = item.partition(PAIR_SEPARATOR)
        name = name.strip()
        if not name:
            raise ValueError(f"empty name in {item!r}")
        try:
            count = whole(amount) if sep else None
        except ValueError:
            raise ValueError(f"expected tool:copies with a whole number of copies in {item!r}") from None
        if count is not None and count < 0:
            raise ValueError(f"a tool's copies cannot be negative in {item!r}")
        before = out.get(name, 0)
        out[name] = None if count is None or (name in out and before is None) else (before or 0) + count
    return out


def ordered_names(value: Any) -> tuple[str, ...]:
    """Names separated by ``;``, in their order, each once."""
    return tuple(dict.fromkeys(_items(value)))


def day(value: Any) -> dt.date:
    """A calendar date (``2026-11-23``; the date of a date-time)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    written = text(value)
    try:
        return (
            dt.date.fromisoformat(written[:10])
            if len(written) > 10 and written[10] in "T "
            else dt.date.fromisoformat(written)
        )
    except ValueError:
        raise ValueError("expected a date like 2026-11-23") from None


def predecessor(value: Any) -> dict[str, Any]:
    """The order an order follows: its id (``O-17``), with the minutes to wait after it
    ends (``O-17+1440``)."""
    written = text(value)
    order_id, plus, gap = written.rpartition("+")
    if plus and order_id.strip():
        try:
            return {"order_id": order_id.strip(), "gap_min": number(gap)}
        except ValueError:
            raise ValueError(
                f"expected an order id, or an order id and minutes like O-17+1440, in {written!r}"
            ) from None
    return {"order_id": written}


_YES = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "ja": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "nein": False,
}


def flag(value: Any) -> bool:
    """Yes or no (``yes``/``no``, ``true``/``false``, ``1``/``0``; any case)."""
    if isinstance(value, bool):
        return value
    answer = _YES.get(text(value).lower())
    if answer is None:
        raise ValueError("expected yes or no")
    return answer


def lowercase(value: Any) -> str:
    """A keyword, compared case-insensitively."""
    return str(value).strip().lower()


def _items(value: Any) -> list[str]:
    return [item.strip() for item in str(value).split(LIST_SEPARATOR) if item.strip()]


def _pairs(value: Any, what: str) -> list[tuple[str, int]]:
    pairs = []
    for item in _items(value):
        name, sep, amount = item.partition(PAIR_SEPARATOR)
        if not name.strip():
            raise ValueError(f"empty name in {item!r}")
        if not sep:
            pairs.append((name.strip(), 1))
            continue
        try:
            pairs.append((name.strip(), whole(amount)))
        except ValueError:
            raise ValueError(f"expected name:{what} with a whole {what} in {item!r}") from None
    return pairs
