"""The progress line: shown on a terminal only, for long solves."""

from __future__ import annotations

import io
import time

from optimizer.cli.status_line import StatusLine


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_shows_on_a_terminal_only() -> None:
    """On a terminal: elapsed time, best objective and planned orders, cleared at the
    end; on a pipe, or for a short solve: nothing."""
    screen = _Terminal()
    with StatusLine(screen, 30, 150, every_s=0.01) as ticker:
        ticker.update(1.0, 5013.0, 148)
        time.sleep(0.1)
    shown = screen.getvalue()
    assert "best 5013.0" in shown and "planned 148/150" in shown and shown.endswith("\r\033[K")
    for stream, limit in ((io.StringIO(), 30), (_Terminal(), 1)):
        with StatusLine(stream, limit, 150, every_s=0.01) as ticker:
            ticker.update(1.0, 5013.0, 148)
            time.sleep(0.05)
        assert stream.getvalue() == ""
