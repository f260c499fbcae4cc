"""The dispatcher's rules (DESIGN.md, "The objective"), situation by situation, with
answers worked out by hand: late beats never, the backlog goes first, what is due later
waits, emergencies move to the next day when the first is full, and every unplanned
order's reason is true. Every plan is re-checked by the independent checker."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import optimizer
from optimizer.instance import compile_instance
from optimizer.models import ClockInterval, ObjectiveWeights, StopKind, Urgency
from optimizer.models.objective import late_cost, leave_out_cost
from optimizer.replan import replan_problem

from conftest import MONDAY, ZONE, at, lunch, make_order, make_problem, make_technician, solve_checked, window

SOLVERS = ["auto", "insertion", "ortools", "vroom"]


def visit_day(plan: optimizer.Plan, order_id: str) -> dt.date | None:
    """The date ``order_id`` is served in ``plan``, or ``None``."""
    for route in plan.routes:
        if order_id in route.order_ids:
            return route.date
    return None


def reasons(plan: optimizer.Plan) -> dict[str, str]:
    return {u.order_id: u.reason for u in plan.unplanned}


# -- the objective itself --------------------------------------------------------------


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


def test_weights_refuse_late_dearer_than_never() -> None:
    with pytest.raises(ValueError, match="at most 1"):
        ObjectiveWeights(breach=0.5, late_shares=(0.3, 0.3))


# -- late beats never ------------------------------------------------------------------


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


def test_bare_date_due_is_end_of_day() -> None:
    orders = optimizer.read_problem(
        _frame([{"order_id": "D", "lat": 49.5, "lon": 8.48, "duration_min": 60, "due": "2026-11-23"}]),
        _technicians(),
        start=MONDAY,
        days=1,
        tz=ZONE,
    ).orders
    assert orders[0].due == dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    plan = solve_checked(make_problem(list(orders), [make_technician()]))
    assert not plan.unplanned and plan.kpis.late_visits == 0


def test_missing_time_zone_is_named(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"):
        problem = optimizer.read_problem(_frame([]), _technicians(), start=MONDAY, days=1)
    assert problem.tz == "UTC"
    assert any("no time zone given" in r.getMessage() and "UTC" in r.getMessage() for r in caplog.records)


# -- emergencies and due days move to the next day ------------------------------------


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


# -- what is due later waits -----------------------------------------------------------


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


# -- truthful reasons ------------------------------------------------------------------


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


def test_mirror_an_order_that_cannot_be_served_keeps_its_reason() -> None:
    """Overdue but needing a skill nobody has: still unplanned, for that reason."""
    orders = [make_order("SKILL", due=at("08:00", -5), skills={"lift": 3}), make_order("OK")]
    plan = solve_checked(make_problem(orders, [make_technician()]))
    assert reasons(plan) == {"SKILL": "no_skilled_technician"}
    assert plan.kpis.objective_terms["unplanned"] == pytest.approx(1_000 * (1 + 0.1 * (5 - 8 / 24)))


def _frame(rows: list[dict]) -> object:
    import pandas as pd

    columns = ["order_id", "lat", "lon", "duration_min", "due"]
    return pd.DataFrame(rows, columns=columns)


def _technicians() -> object:
    import pandas as pd

    return pd.DataFrame([{"technician_id": "T1", "lat": 49.49, "lon": 8.47, "shift": "08:00-17:00"}])


def test_urgency_prices_are_the_design_defaults() -> None:
    assert ObjectiveWeights().unplanned == {
        Urgency.EMERGENCY: 10_000,
        Urgency.HIGH: 3_000,
        Urgency.NORMAL: 1_000,
        Urgency.LOW: 300,
    }


# -- long jobs -------------------------------------------------------------------------


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


def test_checker_rejects_a_job_shortened_by_its_break() -> None:
    """An interrupting break must not eat the job's own minutes."""
    job = make_order("INSTALL", duration_min=360)
    problem = make_problem([job], [make_technician(break_=lunch())])
    plan = solve_checked(problem, solver="insertion")
    route = plan.routes[0]
    k = next(i for i, s in enumerate(route.stops) if s.order_id == "INSTALL")
    short = route.stops[k].model_copy(update={"end": route.stops[k].end - dt.timedelta(minutes=30)})
    bad = plan.model_copy(
        update={"routes": (route.model_copy(update={"stops": (*route.stops[:k], short, *route.stops[k + 1 :])}),)}
    )
    assert "duration" in optimizer.check(problem, bad).kinds()


@pytest.mark.parametrize("solver", ["auto", "insertion"])
def test_two_day_installation_is_split_over_consecutive_days(solver: str) -> None:
    """A 14-hour installation, 08:00-17:00 shifts with a 30-minute lunch, Monday to
    Wednesday: it starts Monday, carries on Tuesday (one row per day, one order) and
    leaves Wednesday free for the other order."""
    job = make_order("BIG", type="installation", duration_min=14 * 60)
    other = make_order("SMALL", duration_min=60, windows=(window("08:00", "17:00", 2),))
    plan = solve_checked(make_problem([job, other], [make_technician(break_=lunch())], days=3), solver=solver)
    assert not plan.unplanned
    days = [r.date for r in plan.routes if "BIG" in r.order_ids]
    assert days == [MONDAY, MONDAY + dt.timedelta(days=1)]
    frame = optimizer.io.visits_frame(plan)
    assert (frame["order_id"] == "BIG").sum() == 2
    assert plan.kpis.orders_planned == 2 and plan.kpis.late_visits == 0


def test_multi_day_visit_skips_the_weekend() -> None:
    """Started on a Friday, a 12-hour job goes on on Monday, the next working day."""
    friday = MONDAY + dt.timedelta(days=4)
    job = make_order("BIG", duration_min=12 * 60)
    plan = solve_checked(make_problem([job], [make_technician()], start=friday, days=4))
    assert [r.date for r in plan.routes] == [friday, friday + dt.timedelta(days=3)]


def test_checker_rejects_multi_day_visits_by_two_technicians() -> None:
    job = make_order("BIG", duration_min=12 * 60)
    problem = make_problem([job], [make_technician(), make_technician("T2")], days=2)
    plan = solve_checked(problem)
    first, second = sorted(plan.routes, key=lambda r: r.date)
    moved = second.model_copy(update={"technician_id": "T2" if first.technician_id == "T1" else "T1"})
    report = optimizer.check(problem, plan.model_copy(update={"routes": (first, moved)}))
    assert "duplicate_order" in report.kinds()


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


# -- found by the reviewer's fuzzer ----------------------------------------------------


def test_emergencies_take_the_days_of_a_low_multi_day_job() -> None:
    """A 15-hour low job and three emergencies, one technician, two days: the days go
    to the emergencies (leaving the low job out costs 300, an emergency 10,000)."""
    big = make_order("BIG", duration_min=900, urgency="low")
    emergencies = [make_order(f"E{k}", duration_min=30, urgency="emergency", lat=49.50 + 0.01 * k) for k in range(3)]
    plan = solve_checked(make_problem([big, *emergencies], [make_technician()], days=2))
    assert reasons(plan) == {"BIG": "not_enough_capacity"}
    assert plan.kpis.objective < 1_000


def test_sunk_lateness_is_charged_once_for_a_multi_day_job() -> None:
    """A re-plan with a new, overdue 15-hour job: its lateness less what was sunk at
    ``now`` counts once, however many days it spans (solver, KPIs and checker agree)."""
    problem = make_problem([make_order("X")], [make_technician()], days=3)
    plan = solve_checked(problem, solver="insertion")
    big = make_order("BIG", duration_min=900, due=at("06:00", -1))
    events = optimizer.Events(now=at("07:00"), new_orders=[big])
    new = optimizer.replan(problem, plan, events, max_solutions=50, time_limit=2)
    report = optimizer.check(replan_problem(problem, plan, events), new)
    assert report.ok, str(report)
    assert new.info.solver_objective == pytest.approx(report.objective)


def test_a_visit_before_now_has_no_lateness_in_a_replan() -> None:
    """A visit done late before ``now`` is history: no (negative) lateness term."""
    order = make_order("A", due=at("09:00"), windows=(window("09:30", "09:31"),))
    problem = make_problem([order], [make_technician()])
    plan = solve_checked(problem, solver="insertion")
    new = optimizer.replan(problem, plan, optimizer.Events(now=at("13:00")), time_limit=2)
    assert new.kpis.objective_terms["lateness"] == 0


def test_the_default_sla_does_not_move_with_replans() -> None:
    """An emergency without due planned at 13:00 is late against 12:00; a re-plan at
    11:00 keeps that deadline (stated as its due) instead of moving it to 15:00."""
    order = make_order("E", urgency="emergency", windows=(window("13:00", "17:00"),))
    problem = make_problem([order], [make_technician()])
    plan = solve_checked(problem, solver="insertion")
    events = optimizer.Events(now=at("11:00"))
    assert replan_problem(problem, plan, events).order_by_id["E"].due == at("12:00")
    new = optimizer.replan(problem, plan, events, time_limit=2)
    assert new.kpis.late_visits == 1


@pytest.mark.parametrize("now", [at("07:00"), at("11:00"), at("11:00", 1)])
def test_a_replan_keeps_every_day_of_a_multi_day_visit(now: dt.datetime) -> None:
    """A 20-hour job over Monday to Wednesday is a commitment: re-planned before it
    starts, during its first day or its second, every day of it stays."""
    problem = make_problem([make_order("BIG", duration_min=1200)], [make_technician(break_=lunch())], days=3)
    plan = solve_checked(problem, solver="insertion")
    events = optimizer.Events(now=now)
    new = optimizer.replan(problem, plan, events, time_limit=2)
    report = optimizer.check(replan_problem(problem, plan, events), new)
    assert report.ok, str(report)
    assert [r.date for r in new.routes if "BIG" in r.order_ids] == [r.date for r in plan.routes]
    assert not new.unplanned


def test_a_replan_keeps_the_break_inside_a_long_visit() -> None:
    problem = make_problem([make_order("JOB", duration_min=420)], [make_technician(break_=lunch())])
    plan = solve_checked(problem, solver="insertion")
    new = optimizer.replan(problem, plan, optimizer.Events(now=at("11:00")), time_limit=2)
    assert [s.kind for s in new.routes[0].stops] == [s.kind for s in plan.routes[0].stops]


def test_checker_rejects_a_short_order_split_over_two_days() -> None:
    """A one-hour order fits a day: splitting it is not a multi-day visit."""
    problem = make_problem([make_order("A", duration_min=60)], [make_technician()], days=2)
    plan = solve_checked(problem, solver="insertion")
    route = plan.routes[0]
    k = next(i for i, s in enumerate(route.stops) if s.order_id == "A")
    half = route.stops[k].model_copy(update={"end": route.stops[k].start + dt.timedelta(minutes=30)})
    first = route.model_copy(update={"stops": (*route.stops[:k], half, *route.stops[k + 1 :])})
    shift = dt.timedelta(days=1)
    second = first.model_copy(
        update={
            "date": first.date + shift,
            "stops": tuple(
                s.model_copy(update={"arrival": s.arrival + shift, "start": s.start + shift, "end": s.end + shift})
                for s in first.stops
            ),
        }
    )
    report = optimizer.check(problem, plan.model_copy(update={"routes": (first, second)}))
    assert "multi_day" in report.kinds()
