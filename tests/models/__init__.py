"""Tests of ``optimizer.models``. A package, so that ``test_base`` and ``test_events``
may share their names with the test modules of ``optimizer.solvers`` and ``optimizer.io``."""
