"""The exit codes of the nightly batch and the command line, for schedulers to act on
(a module of its own, so that the command line answers ``--help`` without loading the
engine)."""

EXIT_OK = 0
"""A plan was written (``validate``: the inputs are valid)."""
EXIT_INVALID_INPUT = 2
"""Invalid input: nothing was written."""
EXIT_URGENT_UNPLANNED = 3
"""A plan was written, but an emergency or high-urgency order is unplanned for this horizon."""
EXIT_FAILURE = 4
"""The solver, the travel source or the engine failed: nothing was written."""
EXIT_ROWS_SET_ASIDE = 5
"""A plan was written for the valid rows; input rows with a bad cell were set aside
(``rejected.csv``). An urgent order unplanned (:data:`EXIT_URGENT_UNPLANNED`) comes first."""
