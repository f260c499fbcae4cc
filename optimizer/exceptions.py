"""Errors raised by the library. Infeasibility is data (reasons, violations), not an error."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputIssue:
    """One problem found in the input: where it is and what is wrong.

    ``source`` names the file or table (``orders.csv``); ``row`` is the line of a CSV
    file (header = line 1), the 1-based row of a Parquet file, or the index label of a
    DataFrame, as ``row_kind`` says; ``column`` names the field.
    """

    source: str
    row: int | str | None
    column: str | None
    message: str
    value: str | None = None
    entity_id: str | None = None
    row_kind: str = "line"

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" {self.row_kind} {self.row}"
        if self.entity_id is not None:
            where += f" ({self.entity_id!r})"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.message}{shown}"


class OptimizerError(Exception):
    """Base class of every error this library raises on purpose."""


class InvalidProblemError(OptimizerError, ValueError):
    """The input does not describe a valid problem; ``issues`` lists every problem found."""

    def __init__(self, issues: list[InputIssue] | tuple[InputIssue, ...]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input:\n{lines}")


class TravelError(OptimizerError):
    """Travel times could not be had: a road server failed or refused the request, or
    a road-network file could not be read. The message names the server or file."""


@dataclass(frozen=True)
class OffRoadPoint:
    """A point no road route serves: ``index`` into the points asked for, and either the
    distance in metres to the nearest road (``snap_m``) or ``None`` where the point
    snapped to a road that does not connect to most others (an island, a clipped edge)."""

    index: int
    lat: float
    lon: float
    snap_m: float | None

    def __str__(self) -> str:
        where = f"({self.lat:.6f}, {self.lon:.6f})"
        if self.snap_m is None:
            return f"{where} is on a road that does not connect to the others"
        return f"{where} is {self.snap_m:,.0f} m from the nearest road"


class OffRoadError(TravelError):
    """Some points are too far from any road, or on roads cut off from the rest;
    ``points`` lists them (see :class:`OffRoadPoint`)."""

    def __init__(self, source: str, points: list[OffRoadPoint] | tuple[OffRoadPoint, ...], limit_m: float) -> None:
        self.source = source
        self.points = tuple(points)
        self.limit_m = limit_m
        shown = "\n".join(f"  - point {p.index} {p}" for p in self.points[:20])
        more = f"\n  ... and {len(self.points) - 20} more" if len(self.points) > 20 else ""
        super().__init__(
            f"{len(self.points)} point(s) cannot be routed by {source} "
            f"(farther than {limit_m:,.0f} m from a road, or cut off):\n{shown}{more}"
        )
