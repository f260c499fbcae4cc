"""Truthful reasons: why an order is unplanned (capacity, cost, the search stopping,
parts arriving too late or gone to other orders, multi-day jobs) and why a visit is
late. Every plan is re-checked by the independent checker."""

from __future__ import annotations

import datetime as dt

import pytest

import optimizer
from optimizer.decode.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import ClockInterval, Delivery, SolverInfo, StopKind, Urgency
from optimizer.solvers.base import SolveResult
from optimizer.solvers.schedule import routes_cost

from conftest import at, depot, make_order, make_problem, make_technician, reasons, solve_checked, stops_of, window


def test_not_enough_capacity_only_when_full() -> None:
    """Two eight-hour orders, one eight-hour day: the second fits nowhere."""
    orders = [make_order(f"N{k}", duration_min=480, due=at("17:00")) for k in (1, 2)]
    plan = solve_checked(make_problem(orders, [make_technician()]))
    assert list(reasons(plan).values()) == ["not_enough_capacity"]
    assert "1 technician-day tried" in plan.unplanned[0].detail


def test_too_costly_when_it_fits_only_at_a_loss() -> None:
    """A low order about 95 km away: three hours' drive each way (370 minutes of
    travel at 1 per minute) against 300 for leaving it out; the day could hold it."""
    far = make_order("FAR", urgency="low", lat=50.3, lon=8.9, duration_min=60)
    tech = make_technician()
    plan = solve_checked(make_problem([far], [tech]))
    assert reasons(plan) == {"FAR": "too_costly"}


def test_not_reached_when_the_search_stops_first() -> None:
    """With no time to search (the deadline has passed before the insertion starts),
    an order that fits is reported not reached, not full."""
    problem = make_problem([make_order("EASY")], [make_technician()])
    plan = optimizer.solve(problem, solver="insertion", time_limit=1e-9)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
    assert reasons(plan) == {"EASY": "not_reached"}
    assert "adds" in plan.unplanned[0].detail


def test_orders_the_time_limit_leaves_unexplained_say_so_and_keep_what_is_known() -> None:
    """Past the explaining deadline, an order nobody is skilled for keeps that reason
    (known before solving), so does the order that follows it, and one that would fit
    is ``not_reached`` saying that where it fits was not worked out; with time, the same
    order says what it would add."""
    orders = [make_order("EASY"), make_order("GAS", skills={"gas": 1}), make_order("NEXT", after="GAS")]
    problem = make_problem(orders, [make_technician()])
    instance = compile_instance(problem)
    empty = SolveResult({}, routes_cost(instance, {}), "nothing", 0.0)
    rushed = assemble_plan(problem, instance, empty, SolverInfo(solver="none"), explain_until=0.0)
    assert reasons(rushed) == {
        "EASY": "not_reached",
        "GAS": "no_skilled_technician",
        "NEXT": "predecessor_unplanned",  # known without a search
    }
    assert "no time was left to work out where it would fit" in rushed.unplanned[0].detail
    explained = assemble_plan(problem, instance, empty, SolverInfo(solver="none"))
    assert reasons(explained) == reasons(rushed)
    assert "adds" in explained.unplanned[0].detail and "no time was left" not in explained.unplanned[0].detail


def test_mirror_an_order_that_cannot_be_served_keeps_its_reason() -> None:
    """Overdue but needing a skill nobody has: still unplanned, for that reason."""
    orders = [make_order("SKILL", due=at("08:00", -5), skills={"lift": 3}), make_order("OK")]
    plan = solve_checked(make_problem(orders, [make_technician()]))
    assert reasons(plan) == {"SKILL": "no_skilled_technician"}
    assert plan.kpis.objective_terms["unplanned"] == pytest.approx(1_000 * (1 + 0.1 * (5 - 8 / 24)))


def test_multi_day_job_nobody_can_hold_keeps_no_shift_fits() -> None:
    """A 30-hour job in a two-day horizon of nine-hour days fits nowhere."""
    plan = solve_checked(make_problem([make_order("HUGE", duration_min=30 * 60)], [make_technician()], days=2))
    assert reasons(plan) == {"HUGE": "no_shift_fits"}


def test_multi_day_job_whose_days_are_taken_says_so() -> None:
    """Two 12-hour jobs, one technician, Monday and Tuesday: the second job's days went
    to the first (the more valuable one), so it is not_enough_capacity, not no_shift_fits."""
    orders = [make_order("HIGH", urgency="high", duration_min=12 * 60), make_order("NORMAL", duration_min=12 * 60)]
    plan = solve_checked(make_problem(orders, [make_technician()], days=2))
    assert reasons(plan) == {"NORMAL": "not_enough_capacity"}
    assert "consecutive days" in plan.unplanned[0].detail


def test_parts_arriving_after_the_last_window_are_named_with_their_time() -> None:
    """Parts that arrive after the order's only window: unplanned, parts_unavailable_until
    with the arrival time."""
    tech = make_technician()
    orders = [make_order("TOO-LATE", parts={"P-300": 1}, windows=(window("08:00", "12:00"),))]
    arriving = depot(incoming=(Delivery(part="P-300", quantity=1, at=at("15:00")),))
    plan = solve_checked(make_problem(orders, [tech], depots=(arriving,)))
    (unplanned,) = plan.unplanned
    assert unplanned.reason == "parts_unavailable_until" and unplanned.until == at("15:10")  # after the pickup


def test_stock_arriving_after_the_window_does_not_count_as_left() -> None:
    """One unit on Monday goes to the high order; a second unit arrives on Tuesday, after
    the low order's only window: the low order is unplanned for lack of stock in time."""
    techs = [make_technician("T1"), make_technician("T2", lat=49.47)]
    orders = [
        make_order("HIGH", urgency=Urgency.HIGH, parts={"P-910": 1}, windows=(window("08:00", "12:00"),)),
        make_order("LOW", urgency=Urgency.LOW, parts={"P-910": 1}, lat=49.47, windows=(window("08:00", "12:00"),)),
    ]
    stocked = depot(stock={"P-910": 1}, incoming=(Delivery(part="P-910", quantity=1, at=at("10:00", 1)),))
    plan = solve_checked(make_problem(orders, techs, days=2, depots=(stocked,)))
    assert [s.order_id for _, s in stops_of(plan, StopKind.ORDER)] == ["HIGH"]
    assert reasons(plan) == {"LOW": "no_stock_in_reach"}


def test_parts_arriving_too_late_in_a_short_day_are_named() -> None:
    """The part arrives at 11:40, the window closes at 12:00 and the day at 12:30: the
    order is unplanned because of the part, not the shift."""
    tech = make_technician(shift=ClockInterval(start=dt.time(8), end=dt.time(12, 30)))
    orders = [make_order("X", parts={"P-300": 1}, windows=(window("08:00", "12:00"),))]
    arriving = depot(incoming=(Delivery(part="P-300", quantity=1, at=at("11:40")),))
    plan = solve_checked(make_problem(orders, [tech], depots=(arriving,)))
    assert reasons(plan) == {"X": "parts_unavailable_until"}


def test_stock_in_a_closed_depot_does_not_count_as_left() -> None:
    """The depot with stock opens only after the orders' windows: the low order that the
    van's single unit did not go to is unplanned for lack of stock in reach."""
    tech = make_technician(van_stock={"P-100": 1})
    orders = [
        make_order("HI", urgency=Urgency.HIGH, parts={"P-100": 1}, windows=(window("08:00", "12:00"),)),
        make_order("LO", urgency=Urgency.LOW, parts={"P-100": 1}, lat=49.51, windows=(window("08:00", "12:00"),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot(hours=(13, 17), stock={"P-100": 5}),)))
    assert reasons(plan) == {"LO": "no_stock_in_reach"}
