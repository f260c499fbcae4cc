"""The score explanation (``costs.csv``): each term where it belongs, with answers known
by hand, and rows that add up to the objective (``solve_checked`` asserts that on every
plan the tests solve)."""

from __future__ import annotations

import datetime as dt

import pytest

import optimizer
from optimizer.models import ClockInterval, StopKind, Urgency

from conftest import at, make_order, make_problem, make_technician, solve_checked, window


def test_overtime_is_carried_by_the_stops_past_the_shift_end() -> None:
    """A shift ending at 08:30 and a 60-minute visit from about 08:02: the visit carries
    the overtime up to its end, the drive home the rest; travel to each stop on its row."""
    tech = make_technician(shift=ClockInterval(start=dt.time(8), end=dt.time(8, 30)), max_overtime_min=120)
    problem = make_problem([make_order("A")], [tech])
    plan = solve_checked(problem)
    (route,) = plan.routes
    visit = next(s for s in route.stops if s.kind is StopKind.ORDER)
    home = route.stops[-1]
    costs = optimizer.io.costs_frame(problem, plan).set_index("kind")
    per_min = problem.weights.overtime_per_min
    assert costs.loc["order", "overtime"] == pytest.approx(per_min * (visit.end - at("08:30")).total_seconds() / 60)
    assert costs.loc["home", "overtime"] == pytest.approx(per_min * home.travel_min)
    assert costs.loc["order", "travel"] == pytest.approx(problem.weights.travel_per_min * visit.travel_min)
    assert costs.loc["home", "travel"] == pytest.approx(problem.weights.travel_per_min * home.travel_min)
    assert plan.kpis.rules["overtime"].rows == 2 and plan.kpis.rules["overtime"].largest == "A"


def test_lateness_and_leaving_out_are_on_their_orders_rows() -> None:
    """Two emergencies due 07:30 that take four hours each and one technician: the one
    served is late (on its row, with its travel), the other left out (its row: U)."""
    orders = [
        make_order(
            f"E{k}", urgency=Urgency.EMERGENCY, duration_min=240, due=at("07:30"), windows=(window("08:00", "17:00"),)
        )
        for k in (1, 2)
    ]
    tech = make_technician(shift=ClockInterval(start=dt.time(8), end=dt.time(13)))
    problem = make_problem(orders, [tech])
    plan = solve_checked(problem)
    costs = optimizer.io.costs_frame(problem, plan).set_index("order_id")
    (served,) = plan.routes[0].order_ids
    (missed,) = [u.order_id for u in plan.unplanned]
    assert costs.loc[served, "lateness"] > 0 and costs.loc[served, "unplanned"] == 0
    assert costs.loc[missed, "unplanned"] == pytest.approx(problem.weights.unplanned[Urgency.EMERGENCY])
    assert costs.loc[missed, "kind"] == "unplanned" and costs.loc[missed, "total"] == costs.loc[missed, "unplanned"]
    assert plan.kpis.rules["unplanned"].largest == missed


def test_a_day_that_starts_after_the_shift_end_is_overtime_from_the_shift_end() -> None:
    """The only visit's window is 18:00-19:00 and the shift ends at 17:00: the visit's row
    carries all the overtime, from 17:00 (not from leaving home) to its end."""
    problem = make_problem(
        [make_order("EVE", windows=(window("18:00", "19:00"),))], [make_technician(max_overtime_min=180)]
    )
    plan = solve_checked(problem)
    (route,) = plan.routes
    visit = next(s for s in route.stops if s.kind is StopKind.ORDER)
    costs = optimizer.io.costs_frame(problem, plan).set_index("kind")
    minutes = (visit.end - at("17:00")).total_seconds() / 60
    assert costs.loc["order", "overtime"] == pytest.approx(problem.weights.overtime_per_min * minutes)
