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


def _two_visits(waiting_per_min: float, **first: object) -> tuple:
    """A visit A (08:10-09:00, 30 minutes) then B 10:00-10:30 nearby, timed."""
    orders = [
        make_order("A", duration_min=30, windows=(window("08:10", "09:00"),), **first),
        make_order("B", lat=49.52, duration_min=30, windows=(window("10:00", "10:30"),)),
    ]
    problem = make_problem(orders, [make_technician()], weights={"waiting_per_min": waiting_per_min})
    instance = compile_instance(problem)
    timed = schedule_route(instance, 0, [0, 1])
    assert timed is not None
    return problem, timed


def test_priced_waiting_leaves_home_later_instead_of_waiting() -> None:
    """With waiting priced, A starts at 09:00 (the end of its window) instead of 08:10:
    50 minutes less waiting before B, which still starts at 10:00; free waiting keeps
    the earliest start."""
    _, free = _two_visits(0.0)
    _, priced = _two_visits(1.0)
    assert free.start_s[0] == seconds("08:10")
    assert priced.start_s[0] == seconds("09:00") and priced.depart_s == free.depart_s + 3000
    assert priced.start_s[1] == free.start_s[1] == seconds("10:00")
    assert sum(free.wait_s) - sum(priced.wait_s) == 3000
    assert priced.end_s[-1] == free.end_s[-1]


def test_priced_waiting_never_makes_a_visit_late() -> None:
    """A is due at 08:20: it starts at 08:20, no later, so leaving later costs no lateness."""
    _, timed = _two_visits(1.0, due=at("08:20"))
    assert timed.start_s[0] == seconds("08:20") and timed.late_s[0] == 0


def test_a_plan_that_leaves_later_passes_the_checker() -> None:
    """Solved and re-checked: the plan's times are the later ones, and the checker's
    waiting (from the plan's times) is the solver's."""
    problem, _ = _two_visits(1.0)
    plan = solve_checked(problem)
    (route,) = plan.routes
    first = next(s for s in route.stops if s.kind is StopKind.ORDER)
    assert first.start == at("09:00")


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


def test_a_long_job_takes_the_break_inside_where_a_gap_costs_overtime() -> None:
    """A 7-hour job from about 08:00 and a lunch break between 12:00 and 13:00: the break
    interrupts the job (back by about 15:35, no overtime) rather than being taken at home
    at 12:00 with the job after it (back after 19:30, in overtime), though both are feasible."""
    orders = [make_order("LONG", duration_min=420)]
    technician = make_technician(break_=lunch(), max_overtime_min=240)
    instance = compile_instance(make_problem(orders, [technician]))
    timed = schedule_route(instance, 0, [0])
    assert timed is not None and timed.break_inside
    assert timed.overtime_s == 0 and timed.start_s[0] < seconds("08:10")
