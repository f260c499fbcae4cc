"""The seeded generator: a real night's mix (``backlog=True``) plans validly on every
back-end, with the dispatcher's decisions visible in the plan."""

from __future__ import annotations

import pytest

from optimizer.testing import problems as synthetic

from conftest import solve_checked


@pytest.fixture(scope="module")
def night():
    return synthetic.problem(120, 8, days=2, seed=3, backlog=True)


def test_a_real_nights_mix_has_what_it_promises(night) -> None:
    orders = night.orders
    assert sum(o.due is not None and o.due.date() < night.start for o in orders) >= 5  # overdue backlog
    assert any(o.urgency == "emergency" and o.due is None for o in orders)  # default SLA
    assert any(o.duration_min > 9 * 60 for o in orders)  # a job longer than a day
    assert any(len(o.windows) == 2 for o in orders)
    assert synthetic.problem(120, 8, days=2, seed=3, backlog=True) == night  # seeded


@pytest.mark.parametrize("solver", ["auto", "insertion", "ortools", "vroom"])
def test_a_real_nights_mix_plans_validly(night, solver: str) -> None:
    plan = solve_checked(night, solver=solver)
    served = {o for r in plan.routes for o in r.order_ids}
    overdue = [o.id for o in night.orders if o.due is not None and o.due.date() < night.start]
    assert len(served & set(overdue)) >= len(overdue) // 2  # the backlog is served, late
    assert {u.reason for u in plan.unplanned} <= {
        "deferred",
        "too_costly",
        "not_reached",
        "not_enough_capacity",
        "no_shift_fits",
        "no_stock_in_reach",
        "parts_unavailable_until",
        "load_exceeds_capacity",
        "no_technician_with_tools",
    }
