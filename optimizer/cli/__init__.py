"""Command line: ``optimizer plan`` writes a plan folder from order exports,
``optimizer validate`` checks the exports without solving, ``optimizer replan``
re-plans a plan folder after the day's events, ``optimizer offer`` lists the
appointment windows a plan can promise a new order, ``optimizer serve`` answers for a
plan over HTTP (plan, offers, bookings, events), ``optimizer learn`` learns
durations from the history of completed visits, ``optimizer risk`` simulates the odds
that a plan holds, ``optimizer sweep`` solves scenarios
side by side into a KPI table, ``optimizer calibrate`` fits the travel model to known
trips, ``optimizer osrm`` installs and runs a local OSRM server.

Exit codes, for schedulers to act on (defined in :mod:`optimizer.exits`):

* 0: plan written (``validate``: the inputs are valid);
* 2: invalid input: a structural problem (a file that cannot be read, a required
  column missing, no technician left), or with ``--strict`` any bad row; every problem
  on stderr (``validate``: in the report), nothing written;
* 3: plan written, but some emergency or high-urgency order is unplanned (other than
  for ``after_horizon``: those belong to a later run);
* 4: solver, travel-source (an OSRM server that does not answer) or internal
  failure, nothing written;
* 5: plan written for the valid rows; rows with a bad cell were set aside and listed
  in ``rejected.csv`` (``validate``: the rows ``plan`` would set aside). Code 3 comes first.

User errors never print a traceback. Only this package prints: the parser
(:mod:`~optimizer.cli.parser`), the commands (:mod:`~optimizer.cli.commands`) and the
terminal's status line (:mod:`~optimizer.cli.status_line`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence

from optimizer.cli.parser import build_parser
from optimizer.exits import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, EXIT_URGENT_UNPLANNED

COMMANDS = {
    "plan": "plan",
    "validate": "validate",
    "replan": "replan",
    "offer": "offer",
    "serve": "serve",
    "learn": "learn",
    "risk": "plan_risk",
    "sweep": "sweep",
    "calibrate": "calibrate_travel",
    "osrm": "osrm",
}
"""Each command's function in :mod:`optimizer.cli.commands`, imported once the
arguments are parsed (``--help`` and ``--version`` load no solver, pandas or numpy)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "verbose", False):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from optimizer.cli import commands

    run: Callable[[argparse.Namespace], int] = getattr(commands, COMMANDS[args.command])
    return run(args)


__all__ = ["EXIT_FAILURE", "EXIT_INVALID_INPUT", "EXIT_OK", "EXIT_ROWS_SET_ASIDE", "EXIT_URGENT_UNPLANNED", "main"]
