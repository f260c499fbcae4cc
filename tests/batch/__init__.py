"""Tests of ``optimizer.batch``. A package, so that ``test_runner`` may share its name
with ``benchmarks/test_runner.py``."""
