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


def test_weekday_shifts_and_absences_set_each_days_working_time() -> None:
    """Mon 07:00-16:00, Tue 09:00-12:00 and away Tuesday from 10:00 (the day ends then);
    a break 12:00-13:00 is dropped on the short day, and the limits reach every day."""
    shifts = [
        {"days": {"Mon"}, "hours": {"start": "07:00", "end": "16:00"}},
        {"days": {"Tue"}, "hours": {"start": "09:00", "end": "12:00"}},
    ]
    tech = make_technician(
        shift=None,
        shifts=shifts,
        absent=[{"start": at("10:00", 1), "end": at("17:00", 1)}],
        max_overtime_min=30,
        max_orders_per_day=4,
        max_travel_min=90,
        **{"break": {"start": "12:00", "end": "13:00", "duration_min": 30}},
    )
    instance = compile_instance(make_problem([make_order()], [tech], days=3))
    assert instance.vehicle_day.tolist() == [0, 1]
    assert instance.vehicle_shift_start_s.tolist() == [7 * 3600, (24 + 9) * 3600]
    assert instance.vehicle_shift_end_s.tolist() == [16 * 3600, (24 + 12) * 3600]
    assert instance.vehicle_latest_end_s.tolist() == [16 * 3600 + 1800, (24 + 10) * 3600]
    assert instance.vehicle_break_duration_s.tolist() == [1800, 0]
    assert instance.vehicle_max_orders.tolist() == [4, 4]
    assert instance.vehicle_max_travel_s.tolist() == [5400, 5400]


def test_a_break_whose_window_passed_before_an_absence_ends_is_forgone() -> None:
    """Away until 14:00 with a break 12:00-13:30: the afternoon has no break to take."""
    tech = make_technician(
        absent=[{"start": at("06:00"), "end": at("14:00")}],
        **{"break": {"start": "12:00", "end": "13:30", "duration_min": 30}},
    )
    instance = compile_instance(make_problem([make_order()], [tech]))
    assert instance.vehicle_shift_start_s.tolist() == [14 * 3600]
    assert instance.vehicle_break_duration_s.tolist() == [0]
    plan = solve_checked(make_problem([make_order()], [tech]))
    assert plan.kpis.orders_planned == 1
