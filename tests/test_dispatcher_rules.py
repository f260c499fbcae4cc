"""The dispatcher's rules end to end, with answers known by hand: preferred and
excluded technicians, weekday shifts, partial absences, efficiency, and the limits per
day. Every plan is re-checked (``solve_checked``), by every back-end that models the
rule exactly and by the default."""

from __future__ import annotations

import datetime as dt

import pytest

import optimizer
from optimizer.models import ClockInterval, Events, ObjectiveWeights, StopKind, Technician, Unavailable
from optimizer.models.technician import Efficiency, WeekdayShift

from conftest import (
    HOME,
    MONDAY,
    at,
    depot,
    make_order,
    make_problem,
    make_technician,
    reasons,
    replanned,
    solve_checked,
    window,
)

FRIDAY = MONDAY + dt.timedelta(days=4)
SOLVERS = ("auto", "search", "insertion", "ortools", "vroom", "legacy")
"""Back-ends every hard rule here must hold for (PyVRP declines problems with these rules)."""
PRICING_PREFERENCES = ("auto", "search", "insertion", "ortools", "legacy")
"""Back-ends that price preferences while searching (VROOM has no cost per technician
and order: its plans are only scored with it)."""


def served_by(plan: optimizer.Plan) -> dict[str, str]:
    """Order id -> technician id of every visit."""
    return {o: r.technician_id for r in plan.routes for o in r.order_ids}


def east(km: float) -> dict[str, float]:
    """A place ``km`` kilometres east of HOME (at 49.49 deg, 1 deg lon = 72.3 km)."""
    return {"lat": HOME[0], "lon": HOME[1] + km / 72.3}


@pytest.mark.parametrize("solver", PRICING_PREFERENCES)
def test_the_preferred_technician_wins_a_small_detour(solver: str) -> None:
    """T2 lives 3 km further away (about 6 min more driving each way): 12 min < 30."""
    order = make_order("O1", preferred=("T2",), **east(5))
    plan = solve_checked(
        make_problem([order], [make_technician("T1"), make_technician("T2", **east(-3))]), solver=solver
    )
    assert served_by(plan) == {"O1": "T2"}
    assert plan.kpis.objective_terms["preferred"] == 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_preferred_technician_loses_a_large_detour(solver: str) -> None:
    """T2 lives 40 km further away (about 78 min more each way): the miss costs 30."""
    order = make_order("O1", preferred=("T2",), **east(5))
    plan = solve_checked(
        make_problem([order], [make_technician("T1"), make_technician("T2", **east(-40))]), solver=solver
    )
    assert served_by(plan) == {"O1": "T1"}
    assert plan.kpis.objective_terms["preferred"] == pytest.approx(30.0)


def test_a_preference_for_nobody_in_the_problem_costs_nothing() -> None:
    """Preferred ids not among the technicians are ignored (a technician on leave)."""
    plan = solve_checked(make_problem([make_order("O1", preferred=("T9",))], [make_technician("T1")]))
    assert served_by(plan) == {"O1": "T1"}
    assert plan.kpis.objective_terms["preferred"] == 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_an_excluded_technician_never_serves(solver: str) -> None:
    """T1 lives next door, T2 40 km away: the order excludes T1, so T2 drives."""
    order = make_order("O1", excluded=frozenset({"T1"}))
    plan = solve_checked(
        make_problem([order], [make_technician("T1"), make_technician("T2", **east(40))]), solver=solver
    )
    assert served_by(plan) == {"O1": "T2"}


def test_an_order_only_excluded_technicians_could_serve_says_so() -> None:
    """T2 lacks the skill, T1 is excluded: unplanned, ``only_excluded_technicians``."""
    order = make_order("O1", skills={"hvac": 2}, excluded=frozenset({"T1"}))
    technicians = [make_technician("T1", skills={"hvac": 3}), make_technician("T2")]
    plan = solve_checked(make_problem([order], technicians))
    assert reasons(plan) == {"O1": "only_excluded_technicians"}


def friday_technician(**fields: object) -> Technician:
    """Mon-Thu 08:00-17:00, Fri 08:00-13:00."""
    shifts = (
        WeekdayShift(
            days=frozenset({"Mon", "Tue", "Wed", "Thu"}), hours=ClockInterval(start=dt.time(8), end=dt.time(17))
        ),
        WeekdayShift(days=frozenset({"Fri"}), hours=ClockInterval(start=dt.time(8), end=dt.time(13))),
    )
    return make_technician("T1", shift=None, shifts=shifts, **fields)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_friday_visit_ends_by_one(solver: str) -> None:
    """Three 100-minute jobs on a Friday of 08:00-13:00: two fit (home by 13:00), the
    third does not, though it would on a Thursday."""
    orders = [make_order(f"O{k}", duration_min=100) for k in range(3)]
    plan = solve_checked(make_problem(orders, [friday_technician()], start=FRIDAY), solver=solver)
    (route,) = plan.routes
    assert route.date == FRIDAY and len(route.order_ids) == 2
    assert route.stops[-1].arrival <= at("13:00", 4)
    thursday = solve_checked(make_problem(orders, [friday_technician()], start=FRIDAY - dt.timedelta(days=1)))
    assert len(thursday.routes[0].order_ids) == 3


def test_a_day_shifts_leave_out_is_off() -> None:
    """Shifts name Mon-Fri: nobody works on Saturday, every order waits."""
    saturday = FRIDAY + dt.timedelta(days=1)
    plan = solve_checked(make_problem([make_order("O1")], [friday_technician()], start=saturday))
    assert not plan.routes and reasons(plan) == {"O1": "no_technician_available"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_an_absence_from_noon_empties_the_afternoon(solver: str) -> None:
    """Away Monday 12:00-17:00: the morning holds three one-hour jobs, home by noon;
    the break (12:00-13:00) is not due on a day that ends by then."""
    orders = [make_order(f"O{k}") for k in range(6)]
    away = ({"start": at("12:00"), "end": at("17:00")},)
    technician = make_technician("T1", absent=away, **{"break": {"start": "12:00", "end": "13:00", "duration_min": 30}})
    plan = solve_checked(make_problem(orders, [technician]), solver=solver)
    (route,) = plan.routes
    assert len(route.order_ids) == 3
    assert route.stops[-1].arrival <= at("12:00")
    assert all(s.kind is not StopKind.BREAK for s in route.stops)


def test_an_absence_in_the_morning_starts_the_day_after_it() -> None:
    """Away Monday until 10:00: the day's first visit starts after 10:00."""
    technician = make_technician("T1", absent=({"start": at("06:00"), "end": at("10:00")},))
    plan = solve_checked(make_problem([make_order("O1")], [technician]))
    assert plan.routes[0].stops[0].end >= at("10:00")


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_twice_as_fast_technician_fits_twice_the_work(solver: str) -> None:
    """Sixteen one-hour jobs next door on a day of 9 hours: 8 fit at factor 1 (8 h of
    work plus the drives), all 16 at factor 0.5."""
    orders = [make_order(f"O{k:02}") for k in range(16)]
    slow = solve_checked(make_problem(orders, [make_technician("T1")]), solver=solver)
    fast = solve_checked(make_problem(orders, [make_technician("T1", efficiency=0.5)]), solver=solver)
    assert len(slow.routes[0].order_ids) == 8
    assert len(fast.routes[0].order_ids) == 16
    assert all(s.end - s.start == dt.timedelta(minutes=30) for s in fast.routes[0].stops if s.order_id)


def test_an_order_of_several_skills_takes_the_slowest_factor() -> None:
    """hvac at 0.5 and electrical at 1.5: a job needing both lasts 1.5 x 60 = 90 min."""
    order = make_order("O1", skills={"hvac": 1, "electrical": 1})
    technician = make_technician(
        "T1",
        skills={"hvac": 1, "electrical": 1},
        efficiency=Efficiency(factor=1.0, skills={"hvac": 0.5, "electrical": 1.5}),
    )
    plan = solve_checked(make_problem([order], [technician]))
    (visit,) = [s for s in plan.routes[0].stops if s.order_id]
    assert visit.end - visit.start == dt.timedelta(minutes=90)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_day_serves_no_more_orders_than_its_limit(solver: str) -> None:
    """At most 3 orders a day over two days: 6 of 8 small jobs, 3 a day."""
    orders = [make_order(f"O{k}", duration_min=20) for k in range(8)]
    plan = solve_checked(make_problem(orders, [make_technician("T1", max_orders_per_day=3)], days=2), solver=solver)
    assert sorted(len(r.order_ids) for r in plan.routes) == [3, 3]
    assert set(reasons(plan).values()) == {"not_enough_capacity"}
    assert all("2 at their limit of orders per day" in u.detail for u in plan.unplanned)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_day_drives_no_longer_than_its_limit(solver: str) -> None:
    """Jobs 10 km east and 10 km west (about 20 min each way): with at most 60 minutes
    of driving a day only one side is served (40 min), not both (about 80 min)."""
    orders = [make_order("E", **east(10)), make_order("W", **east(-10))]
    plan = solve_checked(make_problem(orders, [make_technician("T1", max_travel_min=60)]), solver=solver)
    (route,) = plan.routes
    assert len(route.order_ids) == 1 and route.travel_min <= 60


def test_the_objective_charges_a_missed_preference_at_its_weight() -> None:
    """``preferred_miss`` is configurable: at 0 the nearer technician serves at no cost."""
    order = make_order("O1", preferred=("T2",), **east(5))
    technicians = [make_technician("T1"), make_technician("T2", **east(-3))]
    plan = solve_checked(make_problem([order], technicians, weights=ObjectiveWeights(preferred_miss=0)))
    assert served_by(plan) == {"O1": "T1"}


CHANGES = {
    "excluded_technician": ({"orders": {"O0": {"excluded": frozenset({"T1"})}}}),
    "shift": {
        "technicians": {
            "T1": {"shift": None, "shifts": ({"days": {"Mon"}, "hours": {"start": "08:00", "end": "09:00"}},)}
        }
    },
    "not_a_workday": {
        "technicians": {
            "T1": {"shift": None, "shifts": ({"days": {"Tue"}, "hours": {"start": "08:00", "end": "17:00"}},)}
        }
    },
    "unavailable": {"technicians": {"T1": {"away": ({"start": at("09:00"), "end": at("10:00")},)}}},
    "duration": {"technicians": {"T1": {"efficiency": 1.5}}},
    "max_orders": {"technicians": {"T1": {"max_orders_per_day": 2}}},
    "max_travel": {"technicians": {"T1": {"max_travel_min": 1}}},
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_the_checker_rejects_a_plan_that_breaks_a_rule(kind: str) -> None:
    """A plan made without the rule, checked against the problem with it."""
    orders = [make_order(f"O{k}", **east(k)) for k in range(3)]
    problem = make_problem(orders, [make_technician("T1")])
    plan = solve_checked(problem)
    change = CHANGES[kind]
    ruled = problem.with_changes(
        update_orders=change.get("orders", {}), update_technicians=change.get("technicians", {})
    )
    assert kind in optimizer.check(ruled, plan).kinds()


@pytest.mark.parametrize("solver", ("auto", "search"))
def test_balance_spreads_eight_equal_orders_four_and_four(solver: str) -> None:
    """Two equal technicians, eight one-hour jobs next door: one could do all eight
    (one drive less), but fair days split them four and four; without the weight the
    drive decides."""
    orders = [make_order(f"O{k}") for k in range(8)]
    technicians = [make_technician("T1"), make_technician("T2")]
    fair = solve_checked(make_problem(orders, technicians), solver=solver)
    assert sorted(len(r.order_ids) for r in fair.routes) == [4, 4]
    assert fair.kpis.objective_terms["balance"] == pytest.approx(0.0, abs=1e-9)
    unfair = solve_checked(make_problem(orders, technicians, weights=ObjectiveWeights(balance=0)), solver=solver)
    assert [len(r.order_ids) for r in unfair.routes] == [8]


def test_balance_counts_a_working_technician_without_a_route_at_zero() -> None:
    """T2 works but is excluded from the only order: T1's busy hours h against T2's 0
    cost balance x ((h - h/2)^2 + (0 - h/2)^2) = balance x h^2 / 2."""
    order = make_order("O1", duration_min=120, excluded=frozenset({"T2"}))
    plan = solve_checked(
        make_problem([order], [make_technician("T1"), make_technician("T2")], weights=ObjectiveWeights(balance=3))
    )
    (route,) = plan.routes
    hours = (route.travel_min + 120) / 60
    assert plan.kpis.objective_terms["balance"] == pytest.approx(3 * hours**2 / 2)


def leak_detector_day(copies: int | None) -> optimizer.Problem:
    """Three technicians 10 km apart, each next to an order that needs a leak detector
    and must start between 10:00 and 10:30 (nobody serves two); the depot lends
    ``copies`` leak detectors (``None``: without a count)."""
    technicians = [make_technician(f"T{k}", **east(10 * k)) for k in range(3)]
    orders = [
        make_order(f"O{k}", tools=frozenset({"leak-detector"}), windows=(window("10:00", "10:30"),), **east(10 * k + 1))
        for k in range(3)
    ]
    return make_problem(orders, technicians, depots=(depot(tools={"leak-detector": copies}, **east(10)),))


@pytest.mark.parametrize("solver", ("auto", "search", "legacy", "insertion"))
def test_a_third_technician_goes_without_the_depots_two_leak_detectors(solver: str) -> None:
    """Two copies: two orders are served, each by a technician holding one; the third
    is unplanned because both copies are kept; without a count all three are served."""
    two = solve_checked(leak_detector_day(2), solver=solver)
    assert len(served_by(two)) == 2
    assert list(reasons(two).values()) == ["tools_lent_out"]
    lent = [s for r in two.routes for s in r.stops if s.kind is StopKind.PICKUP and s.picked_tools]
    assert len({s.depot_id for s in lent}) == 1 and len(lent) == 2
    plenty = solve_checked(leak_detector_day(None), solver=solver)
    assert len(served_by(plenty)) == 3


def test_the_checker_rejects_more_lent_copies_than_a_depot_has() -> None:
    """A plan that lends three leak detectors, checked against a depot with two."""
    plan = solve_checked(leak_detector_day(None))
    assert "tool_copies" in optimizer.check(leak_detector_day(2), plan).kinds()


@pytest.mark.parametrize(
    ("technician", "minutes", "days"),
    [
        pytest.param({"efficiency": 1.5}, 400, 3, id="slower: 600 min of work"),
        pytest.param(
            {"absent": ({"start": at("08:00"), "end": at("12:00")}, {"start": at("13:00", 1), "end": at("17:00", 1)})},
            500,
            2,
            id="days cut to 5 h and 5 h",
        ),
        pytest.param({"absent": ({"start": at("00:00", 1), "end": at("23:00", 1)},)}, 1000, 3, id="a day away skipped"),
    ],
)
def test_a_job_longer_than_this_technicians_day_goes_over_his_working_days(
    technician: dict, minutes: int, days: int
) -> None:
    """A job longer than the day as efficiency and absences make it is split over the
    technician's consecutive working days (a day taken whole by an absence is not one),
    and the checker agrees."""
    problem = make_problem([make_order("O1", duration_min=minutes)], [make_technician("T1", **technician)], days=days)
    plan = solve_checked(problem)
    assert len(plan.routes) >= 2 and not plan.unplanned


def test_in_a_replan_copies_lent_by_fixed_pickups_are_out() -> None:
    """The depot's one lift went to T0 this morning; T0 is off from 11:00, and a new
    order needing a lift is next door to T1: unplanned, ``tools_lent_out``."""
    technicians = [make_technician("T0"), make_technician("T1", **east(30))]
    morning = make_order("A", tools=frozenset({"lift"}), windows=(window("09:00", "10:00"),), **east(2))
    problem = make_problem([morning], technicians, depots=(depot(tools={"lift": 1}, **east(1)),), days=2)
    plan = solve_checked(problem)
    events = Events(
        now=at("11:00"),
        new_orders=(make_order("N", tools=frozenset({"lift"}), **east(29)),),
        unavailable=(Unavailable(technician_id="T0", start=at("11:00")),),
    )
    again = replanned(problem, plan, events)
    assert reasons(again) == {"N": "tools_lent_out"}


def test_a_long_job_is_not_split_over_days_where_the_spread_it_adds_costs_more() -> None:
    """A low 700-minute job due in nine days, six technicians over two days: serving it
    over one technician's two days costs more in fair days than deferring it (68.75)."""
    order = make_order("L", duration_min=700, urgency="low", due=at("17:00", 9))
    plan = solve_checked(make_problem([order], [make_technician(f"T{k}", **east(k)) for k in range(6)], days=2))
    assert reasons(plan) == {"L": "deferred"}
    assert plan.kpis.objective == pytest.approx(68.75)


def test_a_day_an_absence_takes_whole_is_no_working_day_in_the_kpis() -> None:
    """Away all Monday (an interval) and from noon on Tuesday: no Monday row, and
    Tuesday's shift is the morning's four hours."""
    away = ({"start": at("00:00"), "end": at("23:00")}, {"start": at("12:00", 1), "end": at("17:00", 1)})
    plan = solve_checked(make_problem([make_order("O1")], [make_technician("T1", absent=away)], days=2))
    (tuesday,) = plan.kpis.technician_days
    assert tuesday.date == MONDAY + dt.timedelta(days=1) and tuesday.shift_min == 240
