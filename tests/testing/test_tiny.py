"""Tiny problems, one rule stressed each, that the exhaustive oracle can take."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.testing.oracle import optimum
from optimizer.testing.tiny import KINDS, tiny_problem


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_seeded_and_enumerable(kind: str) -> None:
    problem = tiny_problem(kind, 3, 4, 2, days=2)
    assert problem == tiny_problem(kind, 3, 4, 2, days=2)
    assert len(problem.orders) == 4 and len(problem.technicians) == 2 and problem.days == 2
    assert problem.weights.balance == 0 and all(not o.parts and not o.tools for o in problem.orders)
    value, _ = optimum(compile_instance(problem))
    assert value >= 0


def test_the_kinds_stress_what_they_name() -> None:
    assert any(o.duration_min >= 200 for o in tiny_problem("long", 1, 5, 2).orders)
    assert any(len(o.windows) > 1 for o in tiny_problem("multiwin", 1, 5, 2).orders)
    assert tiny_problem("overtime", 1, 4, 2).weights.overtime_per_min > 0
    assert tiny_problem("waiting", 1, 4, 2).weights.waiting_per_min > 0
    pyvrp = tiny_problem("pyvrp", 1, 4, 2)
    assert all(t.break_ is None for t in pyvrp.technicians) and all(len(o.windows) <= 1 for o in pyvrp.orders)
