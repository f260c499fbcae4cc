"""The nightly batch as a library: configuration (:mod:`~optimizer.batch.config`), the
run itself (:mod:`~optimizer.batch.runner`) and its JSON log (:mod:`~optimizer.batch.logs`)."""

from optimizer.batch.config import RunConfig, SolverConfig, load_config, solver_config
from optimizer.batch.runner import (
    EXIT_FAILURE,
    EXIT_INVALID_INPUT,
    EXIT_OK,
    EXIT_ROWS_SET_ASIDE,
    EXIT_URGENT_UNPLANNED,
    BatchResult,
    InvalidPlanError,
    read,
    replan,
    run,
    unplannable,
    validate,
)

__all__ = [
    "EXIT_FAILURE",
    "EXIT_INVALID_INPUT",
    "EXIT_OK",
    "EXIT_ROWS_SET_ASIDE",
    "EXIT_URGENT_UNPLANNED",
    "BatchResult",
    "InvalidPlanError",
    "RunConfig",
    "SolverConfig",
    "load_config",
    "read",
    "replan",
    "run",
    "solver_config",
    "unplannable",
    "validate",
]
