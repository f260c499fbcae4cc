"""Structured logs: one JSON object per line (``--log FILE``), for operators and tools.

Every record has ``time`` (UTC, ISO 8601), ``level``, ``event`` (what happened, e.g.
``inputs_read``, ``solved``, ``written``) and the fields the event carries (counts,
seconds, objective, exit code).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from optimizer.exceptions import InputIssue, InvalidProblemError

_RESERVED = set(vars(logging.makeLogRecord({})))


class JsonLines(logging.Formatter):
    """Formats a record as one JSON line: time, level, event, message and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", record.name),
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _RESERVED and k not in entry}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_to(path: Path) -> logging.Handler:
    """Append the ``optimizer`` logger's records, INFO and up, to ``path`` as JSON lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonLines())
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("optimizer")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


@contextmanager
def logged(path: Path | None) -> Iterator[None]:
    """JSON log lines to ``path`` (if given) while the block runs; raises
    :class:`~optimizer.exceptions.InvalidProblemError` if it cannot be opened."""
    try:
        handler = None if path is None else log_to(path)
    except OSError as error:
        raise InvalidProblemError([InputIssue(str(path), None, None, f"log file cannot be written: {error}")]) from None
    try:
        yield
    finally:
        if handler is not None:
            logging.getLogger("optimizer").removeHandler(handler)
            handler.close()
