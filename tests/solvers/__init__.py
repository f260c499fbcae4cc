"""Tests of ``optimizer.solvers``. A package, so that ``test_base`` may share its name
with the test modules of ``optimizer.models`` and ``optimizer.travel``."""
