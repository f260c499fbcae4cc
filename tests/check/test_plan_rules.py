"""The checker catches deliberately broken plans, one rule at a time.

A valid plan is solved once; each test breaks one thing (in the plan or in the
problem it is checked against) and expects that violation kind, and no other rule
is needed to explain it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import optimizer
from optimizer import check
from optimizer.models import Delivery, Plan, Problem, Route, Stop, StopKind, Unavailable
from optimizer.models.events import Events
from optimizer.replan import replan_problem
from optimizer.travel import travel_provider

from conftest import (
    NOW,
    TUESDAY,
    at,
    depot,
    lunch,
    make_order,
    make_problem,
    make_technician,
    solve_checked,
    window,
)


@pytest.fixture(scope="module")
def problem() -> Problem:
    """One technician with a lunch break, three orders spread over the day, one with a window."""
    orders = [
        make_order("A", skills={"hvac": 2}, parts={"P-1": 1}, duration_min=120, load=1.0),
        make_order("B", lat=49.52, duration_min=120, windows=(window("08:00", "17:00"),)),
        make_order("C", lat=49.47, lon=8.50, duration_min=120, tools=frozenset({"lift"})),
    ]
    tech = make_technician(
        skills={"hvac": 3},
        van_stock={"P-1": 1},
        tools=frozenset({"lift"}),
        break_=lunch(),
        capacity=2.0,
    )
    return make_problem(orders, [tech])


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    """The solver's plan of ``problem``, checked valid."""
    solved = solve_checked(problem)
    assert len(solved.routes) == 1 and len(solved.routes[0].order_ids) == 3
    return solved


def edit_stops(plan: Plan, edit) -> Plan:
    """A copy of ``plan`` whose first route's stops are ``edit(list of stops)``."""
    route = plan.routes[0]
    stops = edit(list(route.stops))
    return plan.model_copy(update={"routes": (route.model_copy(update={"stops": tuple(stops)}),)})


def order_position(plan: Plan, order_id: str) -> int:
    """Index of an order's stop in the first route."""
    return next(i for i, s in enumerate(plan.routes[0].stops) if s.order_id == order_id)


def shifted(stop: Stop, minutes: float) -> Stop:
    """A stop moved later by ``minutes``."""
    delta = dt.timedelta(minutes=minutes)
    return stop.model_copy(
        update={"arrival": stop.arrival + delta, "start": stop.start + delta, "end": stop.end + delta}
    )


def kinds(problem: Problem, plan: Plan) -> set[str]:
    """The violation kinds the checker reports."""
    return check(problem, plan).kinds()


def test_check_accepts_solver_plan(problem: Problem, plan: Plan) -> None:
    """The untouched plan is valid and its objective recomputes exactly."""
    report = check(problem, plan)
    assert report.ok and report.objective == pytest.approx(plan.kpis.objective)


def test_check_duplicate_order(problem: Problem, plan: Plan) -> None:
    """Visiting an order twice is caught."""

    def twice(stops):
        i = order_position(plan, "A")
        return [*stops[: i + 1], shifted(stops[i], 0), *stops[i + 1 :]]

    assert "duplicate_order" in kinds(problem, edit_stops(plan, twice))


def test_check_missing_order(problem: Problem, plan: Plan) -> None:
    """Dropping an order without reporting it unplanned is caught."""
    broken = edit_stops(plan, lambda stops: [s for s in stops if s.order_id != "B"])
    assert "missing_order" in kinds(problem, broken)


def test_check_skill_mismatch(problem: Problem, plan: Plan) -> None:
    """A technician below the required skill level is caught."""
    weaker = problem.technicians[0].model_copy(update={"skills": {"hvac": 1}})
    assert kinds(problem.model_copy(update={"technicians": (weaker,)}), plan) >= {"skill"}


def test_check_missing_part(problem: Problem, plan: Plan) -> None:
    """A visit whose part is not on the van is caught."""
    empty = problem.technicians[0].model_copy(update={"van_stock": {}})
    assert "parts" in kinds(problem.model_copy(update={"technicians": (empty,)}), plan)


def test_check_missing_tool(problem: Problem, plan: Plan) -> None:
    """A visit whose tool the technician lacks is caught."""
    bare = problem.technicians[0].model_copy(update={"tools": frozenset()})
    assert "tools" in kinds(problem.model_copy(update={"technicians": (bare,)}), plan)


def test_check_window_miss(problem: Problem, plan: Plan) -> None:
    """A visit starting outside every window is caught."""
    narrow = problem.orders[1].model_copy(update={"windows": (window("16:00", "16:30"),)})
    orders = (problem.orders[0], narrow, problem.orders[2])
    assert "window" in kinds(problem.model_copy(update={"orders": orders}), plan)


def test_check_impossible_travel(problem: Problem, plan: Plan) -> None:
    """Arriving at the next order the minute the previous one ends is caught."""

    def teleport(stops):
        i = next(i for i, s in enumerate(stops) if i > 1 and s.kind is StopKind.ORDER)
        prev = next(s for s in reversed(stops[:i]) if s.kind is StopKind.ORDER)
        gap = (stops[i].start - prev.end).total_seconds() / 60
        return [*stops[:i], shifted(stops[i], -gap), *stops[i + 1 :]]

    assert "travel" in kinds(problem, edit_stops(plan, teleport))


def test_check_shift_overrun(problem: Problem, plan: Plan) -> None:
    """Coming home after shift end with no overtime allowed is caught."""
    late_home = edit_stops(plan, lambda stops: [*stops[:-1], shifted(stops[-1], 8 * 60)])
    assert "shift" in kinds(problem, late_home)


def test_check_early_departure(problem: Problem, plan: Plan) -> None:
    """Leaving home before the shift starts is caught."""
    early = edit_stops(plan, lambda stops: [shifted(stops[0], -3 * 60), *stops[1:]])
    assert "shift" in kinds(problem, early)


def test_check_short_service(problem: Problem, plan: Plan) -> None:
    """A visit shorter than the order's duration is caught."""

    def cut(stops):
        i = order_position(plan, "A")
        stop = stops[i]
        return [*stops[:i], stop.model_copy(update={"end": stop.start + dt.timedelta(minutes=10)}), *stops[i + 1 :]]

    assert "duration" in kinds(problem, edit_stops(plan, cut))


def test_check_missing_break(problem: Problem, plan: Plan) -> None:
    """Working past the break window without a break is caught."""
    assert any(s.kind is StopKind.BREAK for s in plan.routes[0].stops)
    no_break = edit_stops(plan, lambda stops: [s for s in stops if s.kind is not StopKind.BREAK])
    assert "break" in kinds(problem, no_break)


def test_check_break_outside_window(problem: Problem, plan: Plan) -> None:
    """A break starting outside its window is caught."""
    moved = edit_stops(plan, lambda stops: [shifted(s, -120) if s.kind is StopKind.BREAK else s for s in stops])
    assert "break" in kinds(problem, moved)


def test_check_release(problem: Problem, plan: Plan) -> None:
    """A visit before the order's release is caught."""
    released = problem.orders[0].model_copy(update={"release": at("16:59")})
    orders = (released, *problem.orders[1:])
    assert "release" in kinds(problem.model_copy(update={"orders": orders}), plan)


def test_check_required_technician(problem: Problem, plan: Plan) -> None:
    """A visit by someone other than the required technician is caught."""
    other = make_technician("T2")
    pinned = problem.orders[0].model_copy(update={"technician": "T2"})
    changed = problem.model_copy(
        update={"orders": (pinned, *problem.orders[1:]), "technicians": (*problem.technicians, other)}
    )
    assert "required_technician" in kinds(changed, plan)


def test_check_capacity(problem: Problem, plan: Plan) -> None:
    """A route whose loads exceed the van capacity is caught."""
    small = problem.technicians[0].model_copy(update={"capacity": 0.5})
    assert "capacity" in kinds(problem.model_copy(update={"technicians": (small,)}), plan)


def test_check_not_a_workday(problem: Problem, plan: Plan) -> None:
    """A route on a day the technician does not work is caught."""
    weekend = problem.technicians[0].model_copy(update={"workdays": frozenset({"Sat"})})
    assert "not_a_workday" in kinds(problem.model_copy(update={"technicians": (weekend,)}), plan)


def test_check_objective_mismatch(problem: Problem, plan: Plan) -> None:
    """A plan that misstates its objective is caught."""
    wrong = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"objective": 1.0})})
    assert kinds(problem, wrong) == {"objective_mismatch"}


def test_check_stated_travel(problem: Problem, plan: Plan) -> None:
    """A stop that misstates its drive is caught."""

    def lie(stops):
        i = order_position(plan, "B")
        return [*stops[:i], stops[i].model_copy(update={"travel_min": 0.0}), *stops[i + 1 :]]

    assert "travel_stated" in kinds(problem, edit_stops(plan, lie))


def test_check_recomputes_lateness(problem: Problem, plan: Plan) -> None:
    """With a due time before the visit, the recomputed objective charges its lateness."""
    i = order_position(plan, "C")
    start = plan.routes[0].stops[i].start
    due = problem.orders[2].model_copy(update={"due": start - dt.timedelta(minutes=10)})
    report = check(problem.model_copy(update={"orders": (*problem.orders[:2], due)}), plan)
    assert report.terms["lateness"] == pytest.approx(1_000 * (0.1 + 0.3 * 10 / 240))
    assert report.kinds() == {"objective_mismatch"}


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


def test_checker_rejects_multi_day_visits_by_two_technicians() -> None:
    job = make_order("BIG", duration_min=12 * 60)
    problem = make_problem([job], [make_technician(), make_technician("T2")], days=2)
    plan = solve_checked(problem)
    first, second = sorted(plan.routes, key=lambda r: r.date)
    moved = second.model_copy(update={"technician_id": "T2" if first.technician_id == "T1" else "T1"})
    report = optimizer.check(problem, plan.model_copy(update={"routes": (first, moved)}))
    assert "duplicate_order" in report.kinds()


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


@pytest.fixture(scope="module")
def supplied():
    """A plan with one pickup of P-200 (the depot holds one) and a van unit of P-100 used."""
    tech = make_technician(van_stock={"P-100": 1})
    orders = [
        make_order("HAS", parts={"P-100": 1}, windows=(window("08:00", "10:00"),)),
        make_order(
            "LACKS", parts={"P-200": 1}, lat=49.53, tools=frozenset({"lift"}), windows=(window("13:00", "15:00"),)
        ),
    ]
    problem = make_problem(orders, [tech], depots=(depot(stock={"P-200": 1}, tools=frozenset({"lift"})),))
    plan = solve_checked(problem)
    assert plan.kpis.pickups == 1
    return problem, plan


def _edited(plan: Plan, edit) -> Plan:
    """``plan`` with each stop replaced by ``edit(stop)`` (None drops it)."""
    routes = []
    for route in plan.routes:
        stops = tuple(s for s in (edit(stop) for stop in route.stops) if s is not None)
        routes.append(route.model_copy(update={"stops": stops}))
    return plan.model_copy(update={"routes": tuple(routes)})


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (lambda s: s.model_copy(update={"picked": {"P-200": 2}}) if s.kind is StopKind.PICKUP else s, "depot_stock"),
        (lambda s: s.model_copy(update={"picked": {}}) if s.kind is StopKind.PICKUP else s, "parts"),
        (lambda s: s.model_copy(update={"picked_tools": frozenset()}) if s.kind is StopKind.PICKUP else s, "tools"),
        (
            lambda s: (
                s.model_copy(update={"picked_tools": frozenset({"lift", "crane"})}) if s.kind is StopKind.PICKUP else s
            ),
            "tools",
        ),
        (
            lambda s: (
                s.model_copy(update={"arrival": at("06:00"), "start": at("06:00"), "end": at("06:10")})
                if s.kind is StopKind.PICKUP
                else s
            ),
            "depot_hours",
        ),
        (lambda s: s.model_copy(update={"end": s.start}) if s.kind is StopKind.PICKUP else s, "duration"),
    ],
)
def test_checker_rejects_broken_supply(supplied, edit, kind) -> None:
    """Over-drawn depot, parts or tools not on hand, a pickup outside opening hours or too short."""
    problem, plan = supplied
    report = optimizer.check(problem, _edited(plan, edit))
    assert kind in report.kinds(), str(report)


def test_checker_rejects_a_van_unit_used_twice() -> None:
    """Two orders served from a single van unit: the second has no part by then."""
    tech = make_technician(van_stock={"P-100": 2})
    orders = [make_order("A", parts={"P-100": 1}), make_order("B", parts={"P-100": 1}, lat=49.51)]
    plan = solve_checked(make_problem(orders, [tech]))
    poorer = make_problem(orders, [make_technician(van_stock={"P-100": 1})])
    report = optimizer.check(poorer, plan)
    assert "parts" in report.kinds()


def test_checker_rejects_a_route_on_an_absent_day() -> None:
    """A plan made for a technician who works Tuesday, checked against their absence."""
    orders = [make_order("O", windows=(window("08:00", "12:00", 1),))]
    plan = solve_checked(make_problem(orders, [make_technician()], days=2))
    absent = make_problem(orders, [make_technician(absent=frozenset({TUESDAY}))], days=2)
    assert "not_a_workday" in optimizer.check(absent, plan).kinds()


def test_checker_rejects_a_pickup_before_the_delivery_arrives() -> None:
    """Moving the pickup of a part that arrives at 10:00 to 08:00 over-draws the depot."""
    tech = make_technician()
    orders = [make_order("WAIT", parts={"P-300": 1}, windows=(window("08:00", "16:00"),))]
    problem = make_problem(
        orders, [tech], depots=(depot(incoming=(Delivery(part="P-300", quantity=1, at=at("10:00")),)),)
    )
    plan = solve_checked(problem)
    early = _edited(
        plan,
        lambda s: (
            s.model_copy(update={"arrival": at("08:00"), "start": at("08:00"), "end": at("08:10")})
            if s.kind is StopKind.PICKUP
            else s
        ),
    )
    assert "depot_stock" in optimizer.check(problem, early).kinds()


def test_the_checker_rejects_a_replan_that_rewrites_history(day: tuple[Problem, Plan]) -> None:
    """Moving a fixed stop, starting new work before now, and new work for an
    unavailable technician are each reported."""
    problem, plan = day
    sick = plan.routes[-1].technician_id
    events = Events(now=NOW, unavailable=(Unavailable(technician_id=sick, start=at("13:00")),))
    later = replan_problem(problem, plan, events)
    # The old plan answers the new problem badly: it works on after 13:00 for ``sick``.
    report = optimizer.check(later, plan)
    assert "unavailable" in report.kinds()
    route = plan.routes[0]
    shifted = tuple(
        s.model_copy(update={"start": s.start - dt.timedelta(minutes=5)}) if s.kind is StopKind.ORDER and k == 1 else s
        for k, s in enumerate(route.stops)
    )
    broken = plan.model_copy(
        update={"routes": (Route(technician_id=route.technician_id, date=route.date, stops=shifted), *plan.routes[1:])}
    )
    kinds = optimizer.check(replan_problem(problem, plan, Events(now=NOW)), broken).kinds()
    assert "fixed_changed" in kinds
    early = replan_problem(problem, plan, Events(now=at("06:00")))
    assert (
        "before_now"
        in optimizer.check(
            early.model_copy(update={"progress": early.progress.model_copy(update={"now": at("09:00"), "fixed": ()})}),
            plan,
        ).kinds()
    )


def test_the_checker_asks_only_for_the_legs_the_plan_drives(day: tuple[Problem, Plan]) -> None:
    """The travel source is asked, per technician, for the places his routes visit, never
    for every place of the problem; a plan it judges valid stays valid at the same
    objective, and a leg stated too short is still caught."""
    problem, plan = day
    asked: list[int] = []
    source = travel_provider(problem.travel)

    class Counting:
        def matrix(self, lat: object, lon: object) -> object:
            asked.append(len(np.asarray(lat)))
            return source.matrix(lat, lon)

    report = check(problem, plan, travel=Counting())  # type: ignore[arg-type]
    assert report.ok and report.objective == pytest.approx(plan.kpis.objective)
    places = len(problem.technicians) + len(problem.orders) + len(problem.depots)
    assert len(asked) == len({r.technician_id for r in plan.routes}) and max(asked) < places / 2
    route = next(r for r in plan.routes if len(r.stops) > 3)
    stop = route.stops[1]
    moved = stop.model_copy(update={"arrival": route.stops[0].end, "start": route.stops[0].end})
    shifted = [s if s is not stop else moved for s in route.stops]
    broken = plan.model_copy(
        update={"routes": [r if r is not route else r.model_copy(update={"stops": shifted}) for r in plan.routes]}
    )
    assert "travel" in check(problem, broken, travel=Counting()).kinds()  # type: ignore[arg-type]
