"""Times of a given sequence: earliest starts, windows, and where the break goes."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.instance import compile_instance
from optimizer.models import StopKind
from optimizer.solvers.schedule import schedule_route

from conftest import at, lunch, make_order, make_problem, make_technician, solve_checked, window


def seconds(clock: str) -> int:
    """Seconds from the horizon start (Monday 00:00 local) to ``clock`` on Monday."""
    return int((at(clock) - at("00:00")).total_seconds())


def test_scheduling_earliest_start_and_departure() -> None:
    """A visit with a 10:00 window starts at 10:00; the technician leaves home just in time."""
    instance = compile_instance(make_problem([make_order(windows=(window("10:00", "11:00"),))], [make_technician()]))
    timed = schedule_route(instance, 0, [0])
    assert timed is not None
    assert timed.start_s[0] == seconds("10:00")
    assert timed.depart_s == seconds("10:00") - timed.travel_s[0]
    assert timed.end_s[-1] == seconds("11:00") + timed.travel_s[1]


def test_scheduling_break_taken_on_site_while_waiting() -> None:
    """Waiting from 11:00 for a 13:00 window: the break is taken at 12:00, on site."""
    orders = [make_order("A", duration_min=180), make_order("B", windows=(window("13:00", "14:00"),))]
    instance = compile_instance(make_problem(orders, [make_technician(break_=lunch())]))
    timed = schedule_route(instance, 0, [0, 1])
    assert timed is not None and timed.break_gap == 1
    assert timed.break_start_s == seconds("12:00")
    assert timed.start_s[1] == seconds("13:00")


def test_scheduling_break_delays_next_visit() -> None:
    """Busy until 12:10 with no slack: the break starts at 12:10 and delays the next visit."""
    orders = [make_order("A", duration_min=250), make_order("B", lat=49.53, duration_min=60)]
    instance = compile_instance(make_problem(orders, [make_technician(break_=lunch())]))
    timed = schedule_route(instance, 0, [0, 1])
    assert timed is not None and timed.break_gap == 1
    assert timed.break_start_s == timed.end_s[0]
    assert timed.arrival_s[1] == timed.end_s[0] + 30 * 60 + timed.travel_s[1]


def test_scheduling_no_break_when_home_early() -> None:
    """A route back home before the latest break start has no break."""
    instance = compile_instance(make_problem([make_order()], [make_technician(break_=lunch())]))
    timed = schedule_route(instance, 0, [0])
    assert timed is not None and timed.break_gap is None


def test_scheduling_infeasible_sequence() -> None:
    """A sequence that cannot meet a window returns None."""
    orders = [make_order("A", duration_min=240), make_order("B", windows=(window("08:00", "09:00"),))]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    assert schedule_route(instance, 0, [0, 1]) is None
    assert schedule_route(instance, 0, [1, 0]) is not None


def test_scheduling_overtime_and_lateness_cost() -> None:
    """A 9-hour order in an 8-hour shift with 90 minutes' overtime allowed costs overtime."""
    tech = make_technician(shift={"start": "08:00", "end": "16:00"}, max_overtime_min=90)
    instance = compile_instance(make_problem([make_order(duration_min=9 * 60)], [tech]))
    timed = schedule_route(instance, 0, [0])
    assert timed is not None
    assert timed.overtime_s == 60 * 60 + sum(timed.travel_s)
    assert timed.cost(instance) == 2 * timed.overtime_s / 60


SOLVERS = ["auto", "insertion", "ortools", "vroom"]


@pytest.mark.parametrize("solver", SOLVERS)
def test_six_hour_job_takes_the_lunch_break_inside(solver: str) -> None:
    """A six-hour installation, 08:00-17:00 shift, lunch 30 min starting 12:00-13:00:
    no schedule fits it around the break, so the break interrupts it and the visit ends
    30 minutes after six hours of work."""
    job = make_order("INSTALL", type="installation", duration_min=360)
    plan = solve_checked(make_problem([job], [make_technician(break_=lunch())]), solver=solver)
    assert not plan.unplanned
    stops = plan.routes[0].stops
    k = next(i for i, s in enumerate(stops) if s.order_id == "INSTALL")
    visit, rest = stops[k], stops[k + 1]
    assert rest.kind is StopKind.BREAK
    assert visit.start <= rest.start and rest.end <= visit.end
    assert (visit.end - visit.start) == dt.timedelta(minutes=390)
    assert at("12:00") <= rest.start <= at("13:00")
    assert plan.kpis.service_min == pytest.approx(360)  # the work, not the break inside it


def test_break_stays_between_stops_where_it_fits() -> None:
    """Two two-hour jobs and lunch: the break falls between them, not inside one."""
    orders = [make_order("A", duration_min=120), make_order("B", duration_min=120, windows=(window("13:00", "14:00"),))]
    plan = solve_checked(make_problem(orders, [make_technician(break_=lunch())]), solver="insertion")
    stops = plan.routes[0].stops
    for k, stop in enumerate(stops):
        if stop.kind is StopKind.BREAK:
            assert stops[k - 1].end <= stop.start
