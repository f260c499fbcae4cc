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


@pytest.fixture(scope="module")
def ruled():
    return synthetic.problem(120, 8, days=2, seed=3, backlog=True, rules=True)


def test_the_dispatchers_rules_change_nothing_else(night, ruled) -> None:
    """``rules`` adds the columns from a stream of its own: the same orders and places."""
    assert [(o.id, o.lat, o.duration_min, o.windows) for o in ruled.orders] == [
        (o.id, o.lat, o.duration_min, o.windows) for o in night.orders
    ]
    assert any(o.preferred for o in ruled.orders) and any(o.excluded for o in ruled.orders)
    assert any(t.shifts for t in ruled.technicians) and any(t.away for t in ruled.technicians)
    assert any(t.efficiency.factor != 1 or t.efficiency.skills for t in ruled.technicians)
    assert all(d.tool_copies == {"leak-detector": 2} for d in ruled.depots)
    for order in ruled.orders:  # a preferred technician is qualified for the order
        for technician in ruled.technicians:
            if technician.id in order.preferred:
                assert all(technician.skills.get(s, 0) >= level for s, level in order.skills.items())


@pytest.mark.parametrize("solver", ["auto", "legacy"])
def test_a_night_with_the_dispatchers_rules_plans_validly(ruled, solver: str) -> None:
    plan = solve_checked(ruled, solver=solver)
    assert plan.kpis.orders_planned >= 60
