"""The history export and durations.json: rows with a bad cell set aside and named,
a missing column refused, the model written atomically and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from optimizer.durations import learn_durations
from optimizer.exceptions import InvalidProblemError
from optimizer.io.durations import read_durations, read_history, write_durations
from optimizer.models import OrderType

from conftest import write


def test_history_rows_are_read_and_bad_ones_set_aside(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "history.csv",
        "order_id,type,skills,technician_id,planned_min,actual_min,date,site_id\n"
        "H1,Repair,hvac:2;gas,T1,60,75,2026-11-20,S-1\n"
        "H2,repair,,T1,60,-5,2026-11-20,\n"
        "H3,cleaning,,T1,60,50,2026-11-20T09:30,\n"
        "H4,maintenance,,T2,45,40.5,2026-11-19T09:30,\n"
        "H5,maintenance,,T2,45,,yesterday,\n",
    )
    visits, issues = read_history(path)
    assert [(v.order_id, v.type, v.skills, v.date) for v in visits] == [
        ("H1", OrderType.REPAIR, frozenset({"hvac", "gas"}), dt.date(2026, 11, 20)),
        ("H4", OrderType.MAINTENANCE, frozenset(), dt.date(2026, 11, 19)),
    ]
    assert visits[0].site_id == "S-1"
    assert {(i.entity_id, i.column) for i in issues} == {
        ("H2", "actual_min"),
        ("H3", "type"),
        ("H5", "actual_min"),
        ("H5", "date"),
    }
    assert all(i.source == "history.csv" and i.row for i in issues)


def test_a_history_without_a_required_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "history.csv", "order_id,type,technician_id,planned_min,date\nH1,repair,T1,60,2026-11-20\n")
    with pytest.raises(InvalidProblemError, match="actual_min"):
        read_history(path)


def test_the_model_round_trips_through_its_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "history.csv",
        "order_id,type,technician_id,planned_min,actual_min,date\n"
        + "".join(f"H{k},repair,T1,60,{60 + k},2026-11-{10 + k % 10:02d}\n" for k in range(20)),
    )
    model = learn_durations(read_history(path)[0])
    target = write_durations(model, tmp_path / "out" / "durations.json")
    assert read_durations(target) == model
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]
    (tmp_path / "bad.json").write_text('{"groups": 3}')
    with pytest.raises(InvalidProblemError, match="not a duration model"):
        read_durations(tmp_path / "bad.json")
