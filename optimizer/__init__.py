"""Route and schedule optimiser for field-service technicians.

>>> import optimizer
>>> problem = optimizer.read_problem("orders.csv", "technicians.csv",             # doctest: +SKIP
...                                  start="2026-11-23", days=3, tz="Europe/Berlin")
>>> plan = optimizer.solve(problem, time_limit=30)                               # doctest: +SKIP
>>> optimizer.check(problem, plan).ok                                            # doctest: +SKIP
True

The flow, one folder per step (``docs/architecture.md``): :mod:`optimizer.io` reads the
exports into :mod:`optimizer.models`; :mod:`optimizer.instance` compiles them into
arrays; :mod:`optimizer.solvers` finds routes; :mod:`optimizer.decode` turns them into
a plan; :func:`check` re-checks it independently. Importing this package loads
nothing else: each public name is imported on first use, and OR-tools, PyVRP and VROOM
when a solve needs them.
"""

import logging
import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.booking import Booking, SlotTakenError, book, offers
    from optimizer.check import CheckReport, Violation, check
    from optimizer.durations import learn_durations, risk
    from optimizer.exceptions import InputIssue, InvalidProblemError, OptimizerError
    from optimizer.io import Reading, read_events, read_problem, read_tables
    from optimizer.models import (
        Delivery,
        Depot,
        Events,
        ObjectiveWeights,
        Order,
        Pin,
        Plan,
        Problem,
        SolveOptions,
        Technician,
        TravelSettings,
        Unavailable,
        Urgency,
        VisitReport,
    )
    from optimizer.outputs.diff import compare
    from optimizer.replan import replan
    from optimizer.solve import solve

logging.getLogger("optimizer").addHandler(logging.NullHandler())

__version__ = "0.1.0"

_HOMES = {
    **dict.fromkeys(("Booking", "SlotTakenError", "book", "offers"), "optimizer.booking"),
    **dict.fromkeys(("learn_durations", "risk"), "optimizer.durations"),
    "CheckReport": "optimizer.check",
    "Violation": "optimizer.check",
    "check": "optimizer.check",
    "InputIssue": "optimizer.exceptions",
    "InvalidProblemError": "optimizer.exceptions",
    "OptimizerError": "optimizer.exceptions",
    "Reading": "optimizer.io",
    "read_events": "optimizer.io",
    "read_problem": "optimizer.io",
    "read_tables": "optimizer.io",
    "compare": "optimizer.outputs.diff",
    "replan": "optimizer.replan",
    "solve": "optimizer.solve",
    **dict.fromkeys(
        (
            "Delivery",
            "Depot",
            "Events",
            "ObjectiveWeights",
            "Order",
            "Pin",
            "Plan",
            "Problem",
            "SolveOptions",
            "Technician",
            "TravelSettings",
            "Unavailable",
            "Urgency",
            "VisitReport",
        ),
        "optimizer.models",
    ),
}
"""Where each public name lives: it is imported on first use (PEP 562), so that the
command line's ``--help`` and ``--version`` answer without loading pandas or numpy."""


class _Package(ModuleType):
    """This package's module type: ``solve``, ``replan`` and ``check`` are both functions
    of the public API and the names of submodules; importing a submodule binds its name
    on the package, which must not hide the function of that name (as the eager imports
    of this file used to guarantee)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _HOMES.get(name) == value.__name__:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    """The module's names with the public ones imported on first use."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> Any:
    """A public name (see ``__all__``) or a subpackage, imported on first use."""
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    try:
        return import_module(f"optimizer.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"optimizer.{name}":
            raise
        raise AttributeError(f"module 'optimizer' has no attribute {name!r}") from None


__all__ = [
    "Booking",
    "CheckReport",
    "Delivery",
    "Depot",
    "Events",
    "InputIssue",
    "InvalidProblemError",
    "ObjectiveWeights",
    "OptimizerError",
    "Order",
    "Pin",
    "Plan",
    "Problem",
    "Reading",
    "SlotTakenError",
    "SolveOptions",
    "Technician",
    "TravelSettings",
    "Unavailable",
    "Urgency",
    "Violation",
    "VisitReport",
    "book",
    "check",
    "compare",
    "learn_durations",
    "offers",
    "read_events",
    "read_problem",
    "read_tables",
    "replan",
    "risk",
    "solve",
]
