"""The dispatcher's objective (DESIGN.md, "The objective"), situation by situation, with
answers worked out by hand: the lateness curve and leave-out prices, late beats never, the
backlog goes first, what is due later waits, emergencies move to the next day when the
first is full, the default SLA, and the price of changing a promise. Every plan is
re-checked by the independent checker."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import optimizer
from optimizer.instance import compile_instance
from optimizer.models import ClockInterval, ObjectiveWeights, StopKind, Urgency
from optimizer.models.objective import late_cost, leave_out_cost, promise_cost

from conftest import MONDAY, at, make_order, make_problem, make_technician, reasons, solve_checked, stops_of, window

SOLVERS = ["auto", "insertion", "ortools", "vroom"]


def visit_day(plan: optimizer.Plan, order_id: str) -> dt.date | None:
    """The date ``order_id`` is served in ``plan``, or ``None``."""
    for route in plan.routes:
        if order_id in route.order_ids:
            return route.date
    return None


def test_lateness_curve_by_hand() -> None:
    weights = ObjectiveWeights()
    u = 3_000.0
    assert late_cost(weights, u, 0) == 0
    assert late_cost(weights, u, 1e-9) == pytest.approx(300)  # the breach step
    assert late_cost(weights, u, 60) == pytest.approx(525)
    assert late_cost(weights, u, 240) == pytest.approx(1_200)
    assert late_cost(weights, u, 900) == pytest.approx(1_337.5)
    assert late_cost(weights, u, 240 + 4_320) == pytest.approx(2_100)
    assert late_cost(weights, u, 100_000) == pytest.approx(2_100)  # flat: never more than 70% of U
    minutes = [0.5 * k for k in range(20_000)]
    costs = [late_cost(weights, u, m) for m in minutes]
    assert all(b >= a for a, b in itertools.pairwise(costs))


def test_leave_out_prices_by_hand() -> None:
    tech = make_technician()
    problem = make_problem([], [tech], days=3)  # Monday to Wednesday, ends Thursday 00:00
    normal = make_order(urgency="normal")
    assert leave_out_cost(problem, normal, None) == 1_000
    assert leave_out_cost(problem, normal, at("17:00", 1)) == 1_000  # due inside the horizon
    assert leave_out_cost(problem, normal, at("17:00", 4)) == pytest.approx(1_000 * (1 - (41 / 24) / 10))
    assert leave_out_cost(problem, normal, at("00:00", 3 + 30)) == pytest.approx(100)  # the floor
    assert leave_out_cost(problem, normal, at("17:00", -4)) == pytest.approx(1_000 * (1 + 0.1 * (79 / 24)))
    assert leave_out_cost(problem, normal, at("00:00", -40)) == pytest.approx(2_000)  # the cap


@pytest.mark.parametrize("solver", SOLVERS)
def test_overdue_orders_are_served(solver: str) -> None:
    """Idle day, one technician: an order due three days ago, an overdue emergency, a
    high order whose only window opens four hours after its due: all served today."""
    orders = [
        make_order("OLD", due=at("17:00", -3)),
        make_order("EMERGENCY", urgency="emergency", due=at("06:00")),
        make_order("HIGH", urgency="high", due=at("08:00"), windows=(window("12:00", "16:00"),)),
    ]
    plan = solve_checked(make_problem(orders, [make_technician()]), solver=solver)
    assert not plan.unplanned
    assert plan.kpis.late_visits == 3


@pytest.mark.parametrize("solver", SOLVERS)
def test_second_emergency_goes_to_tuesday(solver: str) -> None:
    """One technician, Monday and Tuesday, two 300-minute emergencies: one each day."""
    orders = [make_order(f"E{k}", urgency="emergency", duration_min=300) for k in (1, 2)]
    plan = solve_checked(make_problem(orders, [make_technician()], days=2), solver=solver)
    assert not plan.unplanned
    assert sorted(visit_day(plan, o.id) for o in orders) == [MONDAY, MONDAY + dt.timedelta(days=1)]


@pytest.mark.parametrize("solver", SOLVERS)
def test_due_monday_served_tuesday_rather_than_dropped(solver: str) -> None:
    """Two 300-minute normal orders due Monday 17:00, one technician: the second is
    served on Tuesday morning, late (1,000 x (0.1 + 0.3 + 0.3 x 660/4,320) < 1,000)."""
    orders = [make_order(f"N{k}", duration_min=300, due=at("17:00")) for k in (1, 2)]
    plan = solve_checked(make_problem(orders, [make_technician()], days=2), solver=solver)
    assert not plan.unplanned
    assert plan.kpis.late_visits == 1


@pytest.mark.parametrize("solver", SOLVERS)
def test_repair_due_today_beats_maintenance_due_in_three_weeks(solver: str) -> None:
    """One slot: a high maintenance due in three weeks waits, a normal repair due today
    is served (leaving the maintenance out costs 3,000 x 0.1 = 300 < 1,000)."""
    orders = [
        make_order("MAINT", type="maintenance", urgency="high", duration_min=480, due=at("17:00", 21)),
        make_order("REPAIR", type="repair", urgency="normal", duration_min=480, due=at("17:00")),
    ]
    plan = solve_checked(make_problem(orders, [make_technician()]), solver=solver)
    assert visit_day(plan, "REPAIR") == MONDAY
    assert reasons(plan) == {"MAINT": "deferred"}


def test_backlog_goes_first() -> None:
    """One slot, two normal orders overdue by 2 and by 10 days: the older is served."""
    orders = [
        make_order("RECENT", duration_min=480, due=at("12:00", -2)),
        make_order("OLDEST", duration_min=480, due=at("12:00", -10)),
    ]
    plan = solve_checked(make_problem(orders, [make_technician()]))
    assert visit_day(plan, "OLDEST") == MONDAY
    assert set(reasons(plan)) == {"RECENT"}


def test_default_emergency_sla() -> None:
    """An emergency without due is due four hours after the first shift start
    (08:00 -> 12:00); its window opens at 13:00, so it is 60 minutes late:
    10,000 x (0.1 + 0.3 x 60/240) = 1,750."""
    orders = [make_order("EMERGENCY", urgency="emergency", windows=(window("13:00", "17:00"),))]
    late_starter = make_technician("T2", shift=ClockInterval(start=dt.time(10), end=dt.time(18)))
    problem = make_problem(orders, [make_technician(), late_starter])
    instance = compile_instance(problem)
    assert instance.axis.instant(int(instance.order_due_s[0])) == at("12:00")
    plan = solve_checked(problem)
    assert plan.kpis.late_visits == 1
    assert plan.kpis.objective_terms["lateness"] == pytest.approx(1_750)


def test_emergency_goes_on_the_earliest_day() -> None:
    """With room on both days, the emergency is served on Monday."""
    orders = [make_order("EMG", urgency=Urgency.EMERGENCY), make_order("N", lat=49.51)]
    plan = solve_checked(make_problem(orders, [make_technician()], days=2))
    ((route, _),) = [(r, s) for r, s in stops_of(plan, StopKind.ORDER) if s.order_id == "EMG"]
    assert route.date == MONDAY


def test_a_change_at_short_notice_costs_more_and_switching_more_than_shifting() -> None:
    """The documented defaults: a reassignment costs more than a 1-hour shift; either
    costs ``near_factor`` times more when the appointment is within two hours."""
    weights = optimizer.ObjectiveWeights().stability
    promise = optimizer.models.Appointment(order_id="O", technician_id="T1", start=at("15:00"))
    zone = promise.start.tzinfo

    def cost(visit: tuple[str, dt.datetime] | None, now: dt.datetime) -> float:
        return promise_cost(weights, promise, visit, now=now, zone=zone)

    shifted = ("T1", at("16:00"))
    assert cost(("T2", at("15:00")), at("09:00")) > cost(shifted, at("09:00")) > 0
    assert cost(shifted, at("14:00")) == pytest.approx(weights.near_factor * cost(shifted, at("09:00")))
    assert cost(("T1", at("15:10")), at("09:00")) == 0  # within the tolerance
    assert cost(None, at("09:00")) == weights.reassign
