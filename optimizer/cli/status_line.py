"""A one-line progress display for solves on a terminal: elapsed seconds against the
limit, the best objective so far and the orders it plans. Silent when the stream is
not a terminal (cron, pipes, logs) or the solve is short."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TextIO

from optimizer.models import Problem

MIN_LIMIT_S = 3.0
"""Solves with a shorter time limit show nothing."""


class StatusLine:
    """Redraws ``stream``'s last line every ``every_s`` seconds while a solve runs; feed
    it the problem through :meth:`read` and improvements through :meth:`update`
    (``optimizer.solve``'s ``on_improvement``). ``on=False`` keeps it silent (regions
    planned on Dask report no improvements)."""

    def __init__(
        self, stream: TextIO, limit_s: float, orders: int | None = None, *, every_s: float = 0.5, on: bool = True
    ) -> None:
        self.stream, self.limit_s, self.orders, self.every_s = stream, limit_s, orders, every_s
        self.active = on and stream.isatty() and limit_s >= MIN_LIMIT_S
        self.best: tuple[float, int] | None = None
        self.began = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> StatusLine:
        if self.active:
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.active:
            self._stop.set()
            self._thread.join()
            self.stream.write("\r\033[K")
            self.stream.flush()

    def read(self, problem: Problem) -> None:
        """The problem being solved: how many orders it has."""
        self.orders = len(problem.orders)

    def update(self, seconds: float, objective: float, planned: int) -> None:
        """A better plan: its objective and the orders it plans."""
        self.best = (objective, planned)

    def line(self) -> str:
        """The current display line."""
        elapsed = time.perf_counter() - self.began
        text = f"  solving {elapsed:5.1f} s of {self.limit_s:g} s"
        if self.best is not None:
            text += f"   best {self.best[0]:.1f}   planned {self.best[1]}" + (f"/{self.orders}" if self.orders else "")
        return text

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
