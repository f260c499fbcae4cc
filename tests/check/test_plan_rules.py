"""The checker catches deliberately broken plans, one rule at a time.

A valid plan is solved once; each test breaks one thing (in the plan or in the
problem it is checked against) and expects that violation kind, and no other rule
is needed to explain it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer import check
from optimizer.models import Plan, Problem, Stop, StopKind

from conftest import at, lunch, make_order, make_problem, make_technician, solve_checked, window


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
