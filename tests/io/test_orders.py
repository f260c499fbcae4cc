"""Single orders outside an export: a table file, a JSON file or a parsed JSON body,
read with the orders table's rules; every problem named by file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimizer.exceptions import InvalidProblemError
from optimizer.io import read_orders
from optimizer.io.orders import orders_from_json

from conftest import ZONE, at, local, write


def test_an_order_reads_from_csv_and_json_alike(tmp_path: Path) -> None:
    csv = write(
        tmp_path,
        "order.csv",
        "order_id,lat,lon,duration_min,windows,skills\nN-1,49.5,8.48,45,2026-11-23T10:00/2026-11-23T12:00,hvac:2\n",
    )
    body = {
        "order_id": "N-1",
        "lat": 49.5,
        "lon": 8.48,
        "duration_min": 45,
        "windows": "2026-11-23T10:00/2026-11-23T12:00",
        "skills": "hvac:2",
    }
    path = write(tmp_path, "order.json", json.dumps(body))
    (from_csv,) = read_orders(csv, ZONE)
    assert read_orders(path, ZONE) == (from_csv,)
    assert orders_from_json({"orders": [body]}, "body", ZONE) == (from_csv,)
    assert from_csv.duration_min == 45 and from_csv.skills == {"hvac": 2}
    assert (from_csv.windows[0].start, from_csv.windows[0].end) == (at("10:00"), local("2026-11-23T12:00"))


def test_bad_orders_are_named_by_source_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(InvalidProblemError) as error:
        orders_from_json({"order_id": "N-1", "lat": 99, "lon": 8.48, "duration_min": 45}, "body", ZONE)
    assert "body" in str(error.value) and "lat" in str(error.value)
    with pytest.raises(InvalidProblemError, match="holds no order"):
        orders_from_json([], "body", ZONE)
    for data in ("text", [1, 2], {"orders": "x"}):
        with pytest.raises(InvalidProblemError, match="expected an order object"):
            orders_from_json(data, "body", ZONE)
    with pytest.raises(InvalidProblemError, match="file not found"):
        read_orders(tmp_path / "none.json", ZONE)
    broken = write(tmp_path, "broken.json", "{")
    with pytest.raises(InvalidProblemError, match="cannot be read"):
        read_orders(broken, ZONE)
    empty = write(tmp_path, "empty.csv", "order_id,lat,lon,duration_min\n")
    with pytest.raises(InvalidProblemError, match="holds no order"):
        read_orders(empty, ZONE)
