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
