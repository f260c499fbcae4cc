"""Vehicles: one per technician-day that can take work."""

from __future__ import annotations

from optimizer.instance import compile_instance

from conftest import TUESDAY, at, make_order, make_problem, make_technician, solve_checked


def test_instance_one_vehicle_per_workday() -> None:
    """Mon-Wed horizon, a technician off on Tuesday: vehicles on Monday and Wednesday only."""
    tech = make_technician(absent=frozenset({at("08:00", day=1).date()}))
    instance = compile_instance(make_problem([make_order()], [tech], days=3))
    assert instance.vehicle_day.tolist() == [0, 2]
    assert instance.vehicle_shift_start_s.tolist() == [8 * 3600, (48 + 8) * 3600]


def test_absent_technician_gets_nothing_on_that_day() -> None:
    """A technician absent on Tuesday has no route on Tuesday, though work would fit there."""
    tech = make_technician(absent=frozenset({TUESDAY}))
    orders = [make_order(f"O{i}", duration_min=240, lat=49.50 + 0.005 * i) for i in range(5)]
    plan = solve_checked(make_problem(orders, [tech], days=3))
    assert TUESDAY not in {r.date for r in plan.routes}
    assert plan.kpis.orders_planned == 4
    assert [d.orders_planned for d in plan.kpis.days] == [2, 0, 2]
