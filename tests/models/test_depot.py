"""Depots: hours, stock and tools as given."""

from __future__ import annotations

import datetime as dt

from optimizer.models import ClockInterval, Depot


def test_depot_valid_construction():
    """A depot keeps its hours, stock and tools."""
    depot = Depot(
        id="D1",
        lat=49.49,
        lon=8.48,
        hours={"start": "07:00", "end": "18:00"},
        stock={"P-100": 5},
        tools=frozenset({"lift"}),
    )

    assert depot.hours == ClockInterval(start=dt.time(7), end=dt.time(18))
    assert depot.stock == {"P-100": 5}
    assert depot.tools == frozenset({"lift"})
