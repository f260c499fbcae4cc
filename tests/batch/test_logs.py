"""Structured logs: one JSON object per line with time, level, event, message and the
event's fields, written to a file while a block runs."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path

import pytest

from optimizer.batch.logs import JsonLines, log_to, logged
from optimizer.exceptions import InvalidProblemError

LOGGER = logging.getLogger("optimizer")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_record_is_one_json_line_with_its_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "optimizer", "levelname": "WARNING", "msg": "planned %d of %d", "args": (3, 4), "created": 0.0}
    )
    record.event, record.orders, record.at = "solved", 3, dt.date(2026, 11, 23)
    entry = json.loads(JsonLines().format(record))
    assert entry == {
        "time": "1970-01-01T00:00:00.000+00:00",
        "level": "warning",
        "event": "solved",
        "message": "planned 3 of 4",
        "orders": 3,
        "at": "2026-11-23",  # not JSON: written as text
    }


def test_a_record_without_event_is_named_by_its_logger_and_keeps_its_exception() -> None:
    try:
        raise RuntimeError("solver crashed")
    except RuntimeError:
        record = LOGGER.makeRecord("optimizer.solve", logging.ERROR, __file__, 1, "failed: Jürgen", (), sys.exc_info())
    entry = json.loads(JsonLines().format(record))
    assert entry["event"] == "optimizer.solve" and entry["message"] == "failed: Jürgen"
    assert "RuntimeError: solver crashed" in entry["exception"]


def test_info_and_up_go_to_the_file_while_the_block_runs(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "run.log"
    with logged(path):
        LOGGER.debug("not written", extra={"event": "detail"})
        LOGGER.info("inputs read", extra={"event": "inputs_read", "orders": 150})
    LOGGER.info("after the block", extra={"event": "later"})
    assert [(e["event"], e["level"], e.get("orders")) for e in lines(path)] == [("inputs_read", "info", 150)]
    assert all(not isinstance(h, logging.FileHandler) or h.baseFilename != str(path) for h in LOGGER.handlers)


def test_a_second_run_appends(tmp_path: Path) -> None:
    path = tmp_path / "run.log"
    for run in ("first", "second"):
        with logged(path):
            LOGGER.info(run, extra={"event": run})
    assert [e["event"] for e in lines(path)] == ["first", "second"]


def test_no_path_logs_nowhere_and_an_unwritable_path_is_an_input_error(tmp_path: Path) -> None:
    before = list(LOGGER.handlers)
    with logged(None):
        assert LOGGER.handlers == before
    with pytest.raises(InvalidProblemError, match="log file cannot be written"), logged(tmp_path):
        pass  # a folder, not a file
    assert LOGGER.handlers == before


def test_log_to_returns_the_handler_it_added(tmp_path: Path) -> None:
    handler = log_to(tmp_path / "run.log")
    try:
        assert handler in LOGGER.handlers and handler.level == logging.INFO
        assert isinstance(handler.formatter, JsonLines)
    finally:
        LOGGER.removeHandler(handler)
        handler.close()
