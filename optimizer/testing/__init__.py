"""Seeded synthetic data for tests, benchmarks and demos: field-service problems of any
size (:mod:`~optimizer.testing.problems`) and street-grid maps with known shortest
paths (:mod:`~optimizer.testing.maps`)."""
