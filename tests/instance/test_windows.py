"""When each order may start: windows clipped by release and horizon."""

from __future__ import annotations

from optimizer.instance import NO_DUE_S, compile_instance
from optimizer.models import StopKind

from conftest import TUESDAY, at, make_order, make_problem, make_technician, solve_checked, stops_of, window


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


def test_release_is_the_earliest_start() -> None:
    """An order released on Tuesday 10:00 (a part arriving) starts no earlier."""
    plan = solve_checked(make_problem([make_order("R", release=at("10:00", 1))], [make_technician()], days=2))
    ((route, visit),) = stops_of(plan, StopKind.ORDER)
    assert route.date == TUESDAY and visit.start >= at("10:00", 1)
