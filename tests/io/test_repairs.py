"""The repairs of benign input defects: merged windows and their records."""

from __future__ import annotations

import datetime as dt

from optimizer.io.repairs import WINDOWS_MERGED, Repair, merged_windows, shown_windows

from conftest import at


def window(start: str, end: str, day: int = 1) -> dict[str, dt.datetime]:
    return {"start": at(start, day), "end": at(end, day)}


def test_merged_windows_unites_repeats_and_overlaps_and_keeps_touching_ones_apart() -> None:
    """Repeated -> one; overlapping or nested -> their union; touching -> both; sorted."""
    given = [window("14:00", "16:00"), window("08:00", "11:00"), window("10:00", "12:00"), window("08:00", "11:00")]
    assert merged_windows(given) == [window("08:00", "12:00"), window("14:00", "16:00")]
    assert merged_windows([window("08:00", "12:00"), window("09:00", "10:00")]) == [window("08:00", "12:00")]
    touching = [window("08:00", "10:00"), window("10:00", "12:00")]
    assert merged_windows(touching) == touching
    assert WINDOWS_MERGED.apply(touching) == touching


def test_windows_are_shown_as_the_cell_format_writes_them() -> None:
    assert shown_windows([window("08:00", "10:00")]) == "2026-11-24T08:00:00+01:00/2026-11-24T10:00:00+01:00"


def test_a_repair_names_its_place_and_change() -> None:
    repair = Repair("orders.csv", 7, "urgency", "case_normalised", "High", "high", entity_id="O-6")
    assert str(repair) == "orders.csv line 7 ('O-6'), column 'urgency': case normalised ('High' -> 'high')"
    assert repair.as_dict()["kind"] == "case_normalised"
