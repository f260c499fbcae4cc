"""The plan a service answers for: one problem and plan, changed one request at a time,
each change on disk before it is acknowledged.

The plan folder's ``state.json`` (problem and plan together) is the record: it is
written to a temporary file, flushed to disk and renamed over the old one, so it holds
either the state before a change or the state after it, never a mix. The folder's
other files (``plan.json``, ``problem.json``, ``visits.csv``, ...; see
:func:`optimizer.io.write_plan`) are views of it, rewritten after each change and when
the service starts, so the command-line tools read the same plan.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io import read_plan, write_plan
from optimizer.models import Plan, Problem
from optimizer.models.base import Frozen

STATE_FILE = "state.json"
logger = logging.getLogger("optimizer")


class _Saved(Frozen):
    """The content of ``state.json``."""

    problem: Problem
    plan: Plan


class PlanState:
    """The current problem and plan of a plan folder, guarded against concurrent changes."""

    def __init__(self, folder: Path, problem: Problem, plan: Plan) -> None:
        self.folder = folder
        self._current = (problem, plan)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> PlanState:
        """The state of ``folder``: its ``state.json`` where a service saved one (the views
        are brought up to date with it), else its ``problem.json`` and ``plan.json``."""
        base = Path(folder)
        record = base / STATE_FILE
        if not record.is_file():
            problem, plan = read_plan(base)
            return cls(base, problem, plan)
        try:
            saved = _Saved.model_validate_json(record.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as error:
            raise InvalidProblemError([InputIssue(str(record), None, None, f"cannot be read: {error}")]) from None
        write_plan(saved.problem, saved.plan, base)
        return cls(base, saved.problem, saved.plan)

    @property
    def current(self) -> tuple[Problem, Plan]:
        """The problem and plan as they stand (one consistent pair)."""
        return self._current

    def change(self, make: Callable[[Problem, Plan], tuple[Problem, Plan]]) -> tuple[Plan, Plan]:
        """Apply ``make`` (the current problem and plan -> the new ones) alone, save the
        result, and only then make it current: (plan before, plan after). Nothing changes
        where ``make`` raises."""
        with self._lock:
            problem, plan = make(*self._current)
            before = self._current[1]
            self._save(problem, plan)
            self._current = (problem, plan)
            try:
                write_plan(problem, plan, self.folder)
            except OSError as error:  # the record is saved; the views follow at the next change or start
                logger.warning("the plan folder's files were not rewritten: %s", error, extra={"event": "views_stale"})
        return before, plan

    def _save(self, problem: Problem, plan: Plan) -> None:
        """Write ``state.json`` atomically and durably."""
        text = json.dumps({"problem": problem.model_dump(mode="json"), "plan": plan.model_dump(mode="json")})
        handle, staging = tempfile.mkstemp(prefix=f".{STATE_FILE}.", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(staging, self.folder / STATE_FILE)
        finally:
            Path(staging).unlink(missing_ok=True)
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
