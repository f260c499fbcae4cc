"""Repair, the re-planning back-end: promised routes kept, leftovers inserted, exchanges."""

from __future__ import annotations

from optimizer.models import Urgency
from optimizer.models.events import Events

from conftest import at, make_order, make_problem, make_technician, replanned, solve_checked, window


def test_an_exchange_may_take_off_an_order_still_to_be_improved() -> None:
    """A late low order makes way for a new high one during the improvement pass."""
    late = make_order(
        "Y", lat=49.52, lon=8.50, urgency=Urgency.LOW, windows=(window("08:00", "09:00"),), due=at("07:30")
    )
    problem = make_problem([late], [make_technician("T1")])
    plan = solve_checked(problem, solver="insertion")
    new = replanned(
        problem,
        plan,
        Events(
            now=at("07:00"), new_orders=(make_order("X", lat=49.49, lon=8.48, urgency=Urgency.HIGH, due=at("08:00")),)
        ),
    )
    assert "X" in {o for r in new.routes for o in r.order_ids}
