"""What the objective charges per order, in seconds and cost units."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance

from conftest import at, make_order, make_problem, make_technician


def test_instance_due_before_horizon_stays_before_it() -> None:
    """An overdue order is late from its due (DESIGN.md): its due second is negative,
    and its leave-out price carries the backlog age (1 + 0.1 x 40/24 days)."""
    instance = compile_instance(make_problem([make_order(due=at("08:00", day=-2))], [make_technician()]))
    assert instance.order_due_s.tolist() == [-40 * 3600]
    assert instance.order_unplanned_cost.tolist() == pytest.approx([1_000 * (1 + 0.1 * 40 / 24)])
