"""Appointment offers and bookings: answers known by hand (which windows, what they
cost, who comes when, why a day has none), and every offer of a generated plan
honoured when booked and when the booked plan is re-planned."""

from __future__ import annotations

import datetime as dt

import pytest

import optimizer
from optimizer.booking import SlotTakenError, book, offers
from optimizer.models import ClockInterval, Events, Order, Plan, Problem, StopKind, Weekday
from optimizer.replan import replan_problem
from optimizer.testing import problems as synthetic

from conftest import at, make_order, make_problem, make_technician, replanned, solve_checked, window

PLACE = {"lat": 49.50, "lon": 8.48}
"""Where every order of the hand-made day is: no driving between them."""


def morning() -> tuple[Problem, Plan]:
    """T1 works Monday 08:00-12:00 only; O1 must start at 08:30 and lasts 150 minutes
    (until 11:00)."""
    technician = make_technician(
        "T1", shift=ClockInterval(start=dt.time(8), end=dt.time(12)), workdays=frozenset({Weekday.MON})
    )
    long_job = make_order("O1", duration_min=150, windows=(window("08:30", "08:30"),), **PLACE)
    problem = make_problem([long_job], [technician])
    return problem, solve_checked(problem)


def visit(plan: Plan, order_id: str) -> tuple[str, dt.datetime]:
    """(technician, start) of ``order_id``'s visit."""
    found = [(r.technician_id, s.start) for r in plan.routes for s in r.stops if s.order_id == order_id]
    assert len(found) == 1, f"{order_id} has {len(found)} visits"
    return found[0]


def test_a_full_morning_offers_the_window_after_the_long_job() -> None:
    """08:00-10:00 cannot hold 45 minutes before O1 (it starts at 08:30) nor after it
    (11:00): only 10:00-12:00 is offered, at 11:00, for nothing (no drive, one
    technician: no fair-days spread). Tuesday T1 is off."""
    problem, plan = morning()
    found = offers(problem, plan, make_order("N", duration_min=45, **PLACE), slot_min=120, days=2, now=at("07:00"))
    assert [(o.start, o.end, o.technician_id) for o in found.offers] == [(at("10:00"), at("12:00"), "T1")]
    best = found.offers[0]
    assert best.rank == 1 and best.planned_start == at("11:00") and best.sla_met
    assert best.cost == pytest.approx(0.0, abs=1e-6)
    assert [(c.date, c.reason) for c in found.closed] == [(at("00:00", 1).date(), "nobody works that day")]


def test_an_offer_after_the_due_says_so_and_costs_the_lateness() -> None:
    """Due at 10:30, the only slot starts service at 11:00: 30 minutes late, which costs
    U x (0.1 + 0.3 x 30 / 240) = 1000 x 0.1375."""
    problem, plan = morning()
    order = make_order("N", duration_min=45, due=at("10:30"), **PLACE)
    found = offers(problem, plan, order, days=1, now=at("07:00"))
    assert len(found.offers) == 1 and not found.offers[0].sla_met
    assert found.offers[0].cost == pytest.approx(137.5)


def test_moving_a_promised_visit_costs_its_stability_price() -> None:
    """The caller can only be there 08:00-08:30, so N goes before O1 (promised 08:02:36
    and without a window of its own), moving O1 by 60 minutes: 45 beyond the tolerance
    x 0.5 per minute x 4 at short notice (O1 starts less than 2 h after now) = 90."""
    technician = make_technician("T1", shift=ClockInterval(start=dt.time(8), end=dt.time(12)))
    problem = make_problem([make_order("O1", **PLACE)], [technician])
    plan = solve_checked(problem)
    order = make_order("N", windows=(window("08:00", "08:30"),), **PLACE)
    found = offers(problem, plan, order, days=1, now=at("07:00"))
    assert [(o.start, o.end) for o in found.offers] == [(at("08:00"), at("08:30"))]
    assert found.offers[0].cost == pytest.approx(90.0)
    booked = book(problem, plan, order, found.offers[0], now=at("07:00"))
    assert optimizer.check(booked.problem, booked.plan).ok
    assert visit(booked.plan, "N")[1] == visit(plan, "O1")[1]
    assert booked.plan.kpis.objective_terms["stability"] == pytest.approx(90.0)


def test_the_last_free_window_is_booked_once() -> None:
    """After N (45 minutes from 11:00), a second 45-minute visit would end at 12:30:
    Monday is full, and booking the same window again is refused."""
    problem, plan = morning()
    first = make_order("N1", duration_min=45, **PLACE)
    offer = offers(problem, plan, first, days=1, now=at("07:00")).offers[0]
    booked = book(problem, plan, first, offer, now=at("07:00"))
    assert optimizer.check(booked.problem, booked.plan).ok
    assert visit(booked.plan, "N1") == ("T1", at("11:00"))
    second = make_order("N2", duration_min=45, **PLACE)
    later = offers(booked.problem, booked.plan, second, days=1, now=at("07:00"))
    assert later.offers == ()
    assert [c.reason for c in later.closed] == ["no room: every technician who may serve it is fully booked"]
    with pytest.raises(SlotTakenError, match="no longer fits"):
        book(booked.problem, booked.plan, second, offer, now=at("07:00"))


def test_a_window_outside_the_orders_own_is_refused() -> None:
    problem, plan = morning()
    order = make_order("N", windows=(window("08:00", "09:00"),), **PLACE)
    with pytest.raises(SlotTakenError, match="outside its windows"):
        book(problem, plan, order, window("10:00", "12:00"), now=at("07:00"))


def test_offers_start_after_now_and_never_cost_more_than_leaving_the_order_out() -> None:
    """At 10:15 the 08:00 and 10:00 slots have begun; a low-urgency order (U = 300) 100 km
    away would cost some 390 minutes of driving: no offer."""
    problem, plan = morning()
    found = offers(problem, plan, make_order("N", duration_min=30, **PLACE), slot_min=60, days=1, now=at("10:15"))
    assert [o.start for o in found.offers] == [at("11:00")]
    far = make_order("F", duration_min=30, urgency="low", lat=49.49, lon=8.47 + 100 / 72.3)
    technician = make_technician("T1")
    empty = make_problem([make_order("O1", **PLACE)], [technician])
    none = offers(empty, solve_checked(empty), far, days=1, now=at("07:00"))
    assert none.offers == ()
    assert [c.reason for c in none.closed] == ["serving it that day costs more than leaving it out"]


@pytest.fixture(scope="module")
def week() -> tuple[Problem, Plan, Order, dt.datetime]:
    """A generated Monday and Tuesday (40 orders, 5 technicians, parts), planned; at
    Monday 10:00 a customer calls about a 90-minute repair."""
    problem = synthetic.problem(40, 5, days=2, seed=4, parts_share=0.3)
    plan = solve_checked(problem, solver="search")
    site = problem.orders[7]
    order = Order(id="CALL-1", lat=site.lat + 0.01, lon=site.lon - 0.01, duration_min=90)
    return problem, plan, order, at("10:00")


def test_every_offer_of_a_generated_plan_is_honoured(week: tuple[Problem, Plan, Order, dt.datetime]) -> None:
    """Each offer booked in turn: the order is served inside its window by the offered
    technician at the offered start, nothing else changes technician, the booked plan
    passes the checker, and a re-plan of it keeps the order inside the window."""
    problem, plan, order, now = week
    found = offers(problem, plan, order, slot_min=120, days=3, now=now)
    assert found.offers, found.closed
    assert [o.rank for o in found.offers] == list(range(1, len(found.offers) + 1))
    assert [o.cost for o in found.offers] == sorted(o.cost for o in found.offers)
    assert all(o.start >= now for o in found.offers)
    before = {o: r.technician_id for r in plan.routes for s in r.stops if (o := s.order_id) and s.start >= now}
    for offer in found.offers:
        booked = book(problem, plan, order, offer, now=now)
        report = optimizer.check(booked.problem, booked.plan)
        assert report.ok, str(report)
        technician, start = visit(booked.plan, order.id)
        assert (technician, start) == (offer.technician_id, offer.planned_start)
        assert offer.start <= start <= offer.end
        after = {o: r.technician_id for r in booked.plan.routes for o in r.order_ids}
        assert {o: after.get(o) for o in before} == before
        again = replanned(booked.problem, booked.plan, Events(now=now), solver="repair")
        start = visit(again, order.id)[1]
        assert offer.start <= start <= offer.end


def test_offers_cover_days_beyond_the_plan(week: tuple[Problem, Plan, Order, dt.datetime]) -> None:
    """The plan covers Monday and Tuesday; Wednesday has no routes yet and is offered
    too; Saturday and Sunday nobody works."""
    problem, plan, order, now = week
    found = offers(problem, plan, order, days=7, now=now)
    dates = {o.start.date() for o in found.offers}
    assert at("00:00", 2).date() in dates
    assert {c.date: c.reason for c in found.closed if c.date.weekday() >= 5} == {
        at("00:00", 5).date(): "nobody works that day",
        at("00:00", 6).date(): "nobody works that day",
    }


def test_a_booked_order_keeps_its_window_in_the_problem() -> None:
    problem, plan = morning()
    order = make_order("N", duration_min=45, **PLACE)
    offer = offers(problem, plan, order, days=1, now=at("07:00")).offers[0]
    booked = book(problem, plan, order, offer, now=at("07:00"))
    assert booked.order.windows == (window("10:00", "12:00"),)
    assert booked.problem.order_by_id["N"].windows == booked.order.windows
    assert StopKind.ORDER in {s.kind for r in booked.plan.routes for s in r.stops}


def test_a_booking_keeps_the_crews_of_the_plan_staffed() -> None:
    """The plan has a crew of two (T1 and T2); a booked order leaves them in step, and
    a crew order itself is not for offers."""
    technicians = [make_technician("T1", skills={"elevator": 1}), make_technician("T2", skills={"elevator": 1})]
    crew = make_order("E", duration_min=90, crew=2, crew_skills={"elevator": 1})
    problem = make_problem([crew, make_order("O1", lat=49.53)], technicians)
    plan = solve_checked(problem)
    order = make_order("N", duration_min=45, **PLACE)
    offer = offers(problem, plan, order, days=1, now=at("07:00")).offers[0]
    booked = book(problem, plan, order, offer, now=at("07:00"))
    report = optimizer.check(booked.problem, booked.plan)
    assert report.ok, str(report)
    members = [(r.technician_id, s.start) for r in booked.plan.routes for s in r.stops if s.order_id == "E"]
    assert len(members) == 2 and members[0][1] == members[1][1]
    with pytest.raises(optimizer.InvalidProblemError, match="one technician"):
        offers(problem, plan, make_order("C", crew=2), now=at("07:00"))


def test_review_findings_of_offers_and_bookings() -> None:
    """The second review's cases: a widened day holds the plan's backlog first; a day
    that only drives home costs what the plan says; after mid-day the grid keeps the
    shift's hours; a call the evening before is answered; a day that is over says so."""
    from optimizer.models import ClockInterval

    # the backlog fills the day past the plan before a new booking does
    short = make_technician("T1", shift=ClockInterval(start=dt.time(8), end=dt.time(12)))
    backlog = make_problem([make_order(f"O{k}", duration_min=110, urgency="high") for k in range(4)], [short])
    plan = solve_checked(backlog)
    found = offers(
        backlog, plan, make_order("N", duration_min=110, urgency="low"), slot_min=240, days=2, now=at("07:00")
    )
    assert not [o for o in found.offers if o.start.date() == at("00:00", 1).date()]

    # the cost of a day that only drives home is the change of the plan's objective
    problem = make_problem([make_order("O1", lat=49.67, lon=8.47)], [make_technician("T1")])
    plan = solve_checked(problem)
    new = make_order("N", lat=49.67, lon=8.48, duration_min=30)
    offer = offers(problem, plan, new, days=1, now=at("10:30")).offers[0]
    booked = book(problem, plan, new, offer, now=at("10:30"))
    before = optimizer.check(replan_problem(problem, plan, Events(now=at("10:30"))), plan).objective
    assert offer.cost == pytest.approx(optimizer.check(booked.problem, booked.plan).objective - before, abs=1e-4)

    # after mid-day the afternoon's windows are still offered, on the shift's grid
    later = offers(problem, plan, make_order("M", duration_min=30), slot_min=240, days=1, now=at("13:10"))
    assert [(o.start, o.end) for o in later.offers] == [(at("16:00"), at("20:00"))]

    # a call the evening before the plan's first day, and a day already over
    evening = offers(problem, plan, make_order("M", duration_min=30), days=2, now=at("18:00", -1))
    assert evening.offers and min(o.start for o in evening.offers) >= at("08:00")
    over = offers(problem, plan, make_order("M", duration_min=30), days=1, now=at("20:00"))
    assert [c.reason for c in over.closed] == ["the day is over"]
