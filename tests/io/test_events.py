"""Events files (CSV and JSON) and the ``optimizer replan`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.exceptions import InvalidProblemError
from optimizer.io.events import events_from_frame, read_events

from conftest import EVENT_ROWS, ZONE, at, write_events_csv


def test_csv_and_json_give_the_same_events(tmp_path: Path) -> None:
    """Every kind of event, read from either format, to the same Events."""
    from_csv = read_events(write_events_csv(tmp_path / "events.csv", EVENT_ROWS), ZONE)
    (tmp_path / "events.json").write_text(json.dumps({"events": EVENT_ROWS}))
    from_json = read_events(tmp_path / "events.json", ZONE)
    assert from_csv == from_json == events_from_frame(pd.DataFrame(EVENT_ROWS).fillna(""), ZONE)
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
        ([*EVENT_ROWS[:1], {"event": "unavailable", "time": "2026-11-23T11:00"}], ["line 3", "'technician_id'"]),
        (
            [*EVENT_ROWS[:1], {"event": "new_order", "order_id": "E", "lat": "95", "lon": "8", "duration_min": "5"}],
            ["line 3", "'lat'"],
        ),
    ],
)
def test_bad_event_rows_are_named_by_line_and_column(tmp_path: Path, rows: list[dict], expected: list[str]) -> None:
    """Each bad row or cell is reported with the file, its line and the column."""
    with pytest.raises(InvalidProblemError) as raised:
        read_events(write_events_csv(tmp_path / "events.csv", rows), ZONE)
    text = str(raised.value)
    assert "events.csv" in text
    for part in expected:
        assert part in text
