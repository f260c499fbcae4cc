"""Events files (CSV and JSON) and the ``optimizer replan`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.exceptions import InvalidProblemError
from optimizer.io.events import events_from_frame, read_events
from optimizer.io.plan_folder import read_plan
from optimizer.outputs.diff import CHANGE_COLUMNS

from conftest import SAMPLES, at

ZONE = "Europe/Berlin"
ROWS = [
    {"event": "now", "time": "2026-11-23T11:00"},
    {
        "event": "new_order",
        "order_id": "E-1",
        "lat": "49.41",
        "lon": "8.69",
        "duration_min": "60",
        "urgency": "emergency",
        "due": "2026-11-23T13:00",
    },
    {"event": "unavailable", "technician_id": "T-03", "time": "2026-11-23T11:00"},
    {"event": "started", "order_id": "O-7", "time": "2026-11-23T10:40"},
    {"event": "overrun", "order_id": "O-7", "time": "2026-11-23T12:10"},
    {"event": "done", "order_id": "O-8"},
    {"event": "cancel", "order_id": "O-9"},
    {"event": "pin", "order_id": "O-10", "technician_id": "T-01", "time": "2026-11-23T15:00"},
]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows).fillna("").to_csv(path, index=False)
    return path


def test_csv_and_json_give_the_same_events(tmp_path: Path) -> None:
    """Every kind of event, read from either format, to the same Events."""
    from_csv = read_events(write_csv(tmp_path / "events.csv", ROWS), ZONE)
    (tmp_path / "events.json").write_text(json.dumps({"events": ROWS}))
    from_json = read_events(tmp_path / "events.json", ZONE)
    assert from_csv == from_json == events_from_frame(pd.DataFrame(ROWS).fillna(""), ZONE)
    assert from_csv.now == at("11:00")
    assert [o.id for o in from_csv.new_orders] == ["E-1"] and from_csv.new_orders[0].due == at("13:00")
    reports = {r.order_id: r for r in from_csv.visits}
    assert (reports["O-7"].started, reports["O-7"].ended, reports["O-7"].done) == (at("10:40"), at("12:10"), False)
    assert reports["O-8"].done and reports["O-8"].ended is None
    assert from_csv.cancelled == {"O-9"}
    assert (from_csv.unavailable[0].technician_id, from_csv.unavailable[0].end) == ("T-03", None)
    assert (from_csv.pins[0].technician_id, from_csv.pins[0].start) == ("T-01", at("15:00"))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{"event": "later", "time": "2026-11-23T11:00"}], ["line 2", "'event'", "unknown event"]),
        ([{"event": "now", "time": "soon"}], ["line 2", "'time'"]),
        ([{"event": "now", "time": ""}], ["line 2", "'time'", "required"]),
        ([{"event": "cancel", "order_id": "O-1"}], ["exactly one 'now'"]),
        ([*ROWS[:1], {"event": "unavailable", "time": "2026-11-23T11:00"}], ["line 3", "'technician_id'"]),
        (
            [*ROWS[:1], {"event": "new_order", "order_id": "E", "lat": "95", "lon": "8", "duration_min": "5"}],
            ["line 3", "'lat'"],
        ),
    ],
)
def test_bad_event_rows_are_named_by_line_and_column(tmp_path: Path, rows: list[dict], expected: list[str]) -> None:
    """Each bad row or cell is reported with the file, its line and the column."""
    with pytest.raises(InvalidProblemError) as raised:
        read_events(write_csv(tmp_path / "events.csv", rows), ZONE)
    text = str(raised.value)
    assert "events.csv" in text
    for part in expected:
        assert part in text


def test_cli_replan_writes_the_new_plan_and_its_changes(tmp_path: Path, capsys) -> None:
    """plan the sample day, then replan with the sample events (three emergencies and a
    sick technician at 11:00): exit 0, a checked plan folder whose changes.csv adds the
    emergencies, served today; bad events: exit 2, nothing written."""
    first = tmp_path / "plan"
    args = [
        "--orders",
        str(SAMPLES / "orders.csv"),
        "--technicians",
        str(SAMPLES / "technicians.csv"),
        "--depots",
        str(SAMPLES / "depots.csv"),
        "--start",
        "2026-11-23",
        "--days",
        "1",
        "--tz",
        ZONE,
        "--time-limit",
        "5",
        "--solver",
        "insertion",
        "--out",
        str(first),
    ]
    assert main(["plan", *args]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    events = SAMPLES / "events.csv"
    second = tmp_path / "replan"
    assert main(
        ["replan", "--plan", str(first), "--events", str(events), "--out", str(second), "--time-limit", "5"]
    ) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    assert "Changes against the previous plan" in capsys.readouterr().out
    changes = pd.read_csv(second / "changes.csv")
    assert list(changes.columns) == list(CHANGE_COLUMNS)
    added = changes[changes["change"] == "added"]
    assert set(added["order_id"]) == {"E-001", "E-002", "E-003"}
    assert (added["date_after"] == "2026-11-23").all()
    problem, plan = read_plan(second)
    assert problem.progress is not None and optimizer.check(problem, plan).ok

    bad = write_csv(tmp_path / "bad.csv", [ROWS[0], {"event": "cancel", "order_id": "NOPE"}])
    third = tmp_path / "never"
    assert main(["replan", "--plan", str(first), "--events", str(bad), "--out", str(third)]) == EXIT_INVALID_INPUT
    assert "bad.csv, column 'order_id': cancels an unknown order (value 'NOPE')" in capsys.readouterr().err
    assert not third.exists()
    assert (
        main(["replan", "--plan", str(tmp_path / "nowhere"), "--events", str(events), "--out", str(third)])
        == EXIT_INVALID_INPUT
    )
