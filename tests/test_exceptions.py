"""Errors of the library: how an input issue, an invalid problem and an off-road point
read to the person who has to fix them."""

from __future__ import annotations

from pathlib import Path

import pytest

import optimizer
from optimizer import InvalidProblemError
from optimizer.exceptions import InputIssue, OffRoadError, OffRoadPoint, TravelError

from conftest import SETTINGS, TECHNICIANS_CSV, write


def test_invalid_problem_error_message_names_file_line_and_column(tmp_path: Path):
    """str(error) counts the problems and shows file, line, id, column and value of each."""
    orders = "order_id,lat,lon,duration_min\nO1,49.5,8.4,60\nO2,49.5,8.4,sixty\n"

    with pytest.raises(InvalidProblemError) as caught:
        optimizer.read_problem(
            write(tmp_path, "orders.csv", orders),
            write(tmp_path, "technicians.csv", TECHNICIANS_CSV),
            **SETTINGS,
        )

    text = str(caught.value)
    assert "orders.csv" in text and "line 3" in text and "'duration_min'" in text
    assert text == (
        "1 problem in the input:\n"
        "  - orders.csv line 3 ('O2'), column 'duration_min': expected a number (value 'sixty')"
    )
    assert isinstance(caught.value, optimizer.OptimizerError)
    assert isinstance(caught.value, ValueError)


def test_an_issue_names_where_it_is_then_what_is_wrong() -> None:
    """Source, row (by its kind), id and column, each only where known; a value only where given."""
    full = InputIssue("orders.csv", 3, "lat", "expected a number", value="north", entity_id="O2")
    assert str(full) == "orders.csv line 3 ('O2'), column 'lat': expected a number (value 'north')"
    indexed = InputIssue("orders", "second", "duration_min", "must be >= 0", value="", row_kind="index")
    assert str(indexed) == "orders index second, column 'duration_min': must be >= 0"
    assert str(InputIssue("depots.txt", None, None, "unsupported file type")) == "depots.txt: unsupported file type"


def test_an_invalid_problem_counts_and_lists_its_issues() -> None:
    issues = [InputIssue("a.csv", 2, "x", "bad"), InputIssue("b.csv", None, None, "missing")]
    error = InvalidProblemError(issues)
    assert error.issues == tuple(issues)
    assert str(error) == "2 problems in the input:\n  - a.csv line 2, column 'x': bad\n  - b.csv: missing"
    assert isinstance(error, ValueError) and isinstance(error, optimizer.OptimizerError)


def test_off_road_points_say_how_far_or_that_they_are_cut_off() -> None:
    far = OffRoadPoint(0, 60.3, 25.0, 12_345.6)
    island = OffRoadPoint(4, 60.1, 24.9, None)
    assert str(far) == "(60.300000, 25.000000) is 12,346 m from the nearest road"
    assert str(island) == "(60.100000, 24.900000) is on a road that does not connect to the others"
    error = OffRoadError("OSRM at http://x", [far, island], 1_000.0)
    assert isinstance(error, TravelError) and error.points == (far, island) and error.limit_m == 1_000.0
    assert str(error).splitlines() == [
        "2 point(s) cannot be routed by OSRM at http://x (farther than 1,000 m from a road, or cut off):",
        f"  - point 0 {far}",
        f"  - point 4 {island}",
    ]


def test_a_long_list_of_off_road_points_is_cut_at_twenty() -> None:
    points = [OffRoadPoint(k, 60.0, 25.0, 2_000.0) for k in range(23)]
    lines = str(OffRoadError("the map", points, 500.0)).splitlines()
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "  ... and 3 more"
