"""Compiling a problem into numeric arrays: vehicles, windows, compatibility, reasons."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.instance import NO_DUE_S, compile_instance
from optimizer.models.reasons import Reason

from conftest import at, make_order, make_problem, make_technician, window


def test_instance_one_vehicle_per_workday() -> None:
    """Mon-Wed horizon, a technician off on Tuesday: vehicles on Monday and Wednesday only."""
    tech = make_technician(absent=frozenset({at("08:00", day=1).date()}))
    instance = compile_instance(make_problem([make_order()], [tech], days=3))
    assert instance.vehicle_day.tolist() == [0, 2]
    assert instance.vehicle_shift_start_s.tolist() == [8 * 3600, (48 + 8) * 3600]


def test_instance_windows_clipped_by_release_and_horizon() -> None:
    """Release at 10:00 trims the window; an order without windows gets the whole horizon."""
    orders = [
        make_order("A", windows=(window("08:00", "12:00"),), release=at("10:00")),
        make_order("B"),
    ]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    assert instance.order_windows_s[0, 0].tolist() == [10 * 3600, 12 * 3600]
    assert instance.order_windows_s[1, 0].tolist() == [0, 24 * 3600]
    assert instance.order_due_s.tolist() == [NO_DUE_S, NO_DUE_S]


def test_instance_due_before_horizon_stays_before_it() -> None:
    """An overdue order is late from its due (DESIGN.md): its due second is negative,
    and its leave-out price carries the backlog age (1 + 0.1 x 40/24 days)."""
    instance = compile_instance(make_problem([make_order(due=at("08:00", day=-2))], [make_technician()]))
    assert instance.order_due_s.tolist() == [-40 * 3600]
    assert instance.order_unplanned_cost.tolist() == pytest.approx([1_000 * (1 + 0.1 * 40 / 24)])


def test_instance_compatibility_matrix() -> None:
    """Skills, parts and required technicians combine into the vehicle x order matrix."""
    orders = [
        make_order("A", skills={"hvac": 2}),
        make_order("B", parts={"P-1": 1}),
        make_order("C", technician="T2"),
    ]
    techs = [make_technician("T1", skills={"hvac": 2}), make_technician("T2", van_stock={"P-1": 1})]
    instance = compile_instance(make_problem(orders, techs))
    assert instance.compatible.tolist() == [[True, False, False], [False, True, True]]
    assert instance.presolve_reason == (None, None, None)


def test_instance_is_read_only() -> None:
    """Arrays of the instance cannot be modified."""
    instance = compile_instance(make_problem([make_order()], [make_technician()]))
    with pytest.raises(ValueError):
        instance.travel_s[0, 0] = 5
    with pytest.raises(ValueError):
        instance.compatible[0, 0] = False


def test_instance_reason_order_follows_stages() -> None:
    """A skilled technician without the part (and no depot) gives no_stock_in_reach, not a skill reason."""
    order = make_order(skills={"gas": 1}, parts={"P-1": 1})
    techs = [make_technician("T1", skills={"gas": 1}), make_technician("T2", van_stock={"P-1": 1})]
    instance = compile_instance(make_problem([order], techs))
    assert instance.presolve_reason == (Reason.NO_STOCK_IN_REACH,)
    assert not np.any(instance.compatible)
