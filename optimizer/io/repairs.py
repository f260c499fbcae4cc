"""Benign defects of input cells that the readers repair, each recorded.

A night's export must not fail on a defect a program can repair (DESIGN.md, "Input
policy for the nightly batch"): a customer window given twice or overlapping another is
merged, spaces around a cell are trimmed, the case of a code (``Emergency``) is
normalised. Each repair is a :class:`Repair`, counted in the run's summary and listed
in the manifest's ``repairs`` section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from optimizer.timeaxis import utc


@dataclass(frozen=True)
class Repair:
    """One repaired cell: where it is (as :class:`~optimizer.exceptions.InputIssue`
    names places), what it held, what it became, and what was done (``kind``: one of
    ``windows_merged``, ``spaces_trimmed``, ``case_normalised``)."""

    source: str
    row: int | str | None
    column: str
    kind: str
    value: str
    repaired: str
    entity_id: str | None = None
    row_kind: str = "line"

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source} {self.row_kind} {self.row}"
        if self.entity_id is not None:
            where += f" ({self.entity_id!r})"
        return f"{where}, column {self.column!r}: {self.kind.replace('_', ' ')} ({self.value!r} -> {self.repaired!r})"

    def as_dict(self) -> dict[str, Any]:
        """The repair as a JSON-ready mapping (for the manifest)."""
        return asdict(self)


def merged_windows(windows: list[dict[str, dt.datetime]]) -> list[dict[str, dt.datetime]]:
    """``windows`` sorted by start, with every window that repeats or overlaps another
    merged into one spanning both (windows that only touch stay apart); ``windows`` as
    given where nothing merges, or where a window ends before it starts (a bad cell,
    not a benign one: the row is set aside for it)."""
    if any(utc(w["end"]) < utc(w["start"]) for w in windows):
        return windows
    merged: list[dict[str, dt.datetime]] = []
    for window in sorted(windows, key=lambda w: utc(w["start"])):
        if merged and (utc(window["start"]) < utc(merged[-1]["end"]) or window == merged[-1]):
            if utc(window["end"]) > utc(merged[-1]["end"]):
                merged[-1] = {"start": merged[-1]["start"], "end": window["end"]}
            continue
        merged.append(dict(window))
    return merged if len(merged) < len(windows) else windows


def shown_windows(windows: list[dict[str, dt.datetime]]) -> str:
    """Windows written back as the cell format writes them (``start/end;...``)."""
    return ";".join(f"{w['start'].isoformat()}/{w['end'].isoformat()}" for w in windows)


@dataclass(frozen=True)
class CellRepair:
    """How a column's parsed cells are repaired: ``apply`` returns the repaired value
    (equal to its argument where nothing needed repair), ``show`` writes a value back as
    the cell format writes it, ``kind`` names the repair in :class:`Repair`."""

    kind: str
    apply: Callable[[Any], Any]
    show: Callable[[Any], str]


WINDOWS_MERGED = CellRepair("windows_merged", merged_windows, shown_windows)
"""Repeated and overlapping customer windows merged."""
