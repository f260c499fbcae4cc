"""Contract every registered back-end must meet: valid plans, honest reasons, each rule.

Every test solves a tiny problem whose right answer is known by hand, then the plan is
re-checked by the independent checker (``solve_checked``)."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.models import ClockInterval, Depot, Plan, StopKind, Urgency
from optimizer.solvers import SOLVERS

from conftest import FAR, at, lunch, make_order, make_problem, make_technician, reasons, solve_checked, window

FULL_MODEL = sorted(set(SOLVERS) - {"pyvrp"})
"""Back-ends that model every rule; PyVRP's subset is tested in test_pyvrp.py."""


pytestmark = pytest.mark.parametrize("solver", FULL_MODEL)


def visits(plan: Plan) -> dict[str, tuple[str, object]]:
    """order id -> (technician id, service start) for every visit in the plan."""
    return {
        s.order_id: (r.technician_id, s.start)
        for r in plan.routes
        for s in r.stops
        if s.kind is StopKind.ORDER and s.order_id
    }


def test_contract_empty_problem(solver: str) -> None:
    """No orders: no routes and a zero objective."""
    plan = solve_checked(make_problem([], [make_technician()]), solver=solver)
    assert plan.routes == () and plan.kpis.objective == 0


def test_contract_no_technicians(solver: str) -> None:
    """No technicians: every order is unplanned for lack of a skilled technician."""
    plan = solve_checked(make_problem([make_order("A"), make_order("B")], []), solver=solver)
    assert reasons(plan) == {"A": "no_skilled_technician", "B": "no_skilled_technician"}
    assert plan.kpis.objective == 2 * 1000


def test_contract_every_order_once(solver: str) -> None:
    """Each order is either visited once or reported unplanned once."""
    orders = [make_order(f"O{i}", lat=49.45 + 0.01 * i, duration_min=90) for i in range(8)]
    plan = solve_checked(make_problem(orders, [make_technician()]), solver=solver)
    planned, unplanned = set(visits(plan)), set(reasons(plan))
    assert planned.isdisjoint(unplanned) and planned | unplanned == {o.id for o in orders}
    assert unplanned and all(r == "not_enough_capacity" for r in reasons(plan).values())


def test_contract_window_waits_for_opening(solver: str) -> None:
    """Service starts when the window opens; the technician leaves home just in time."""
    order = make_order(windows=(window("14:00", "15:00"),))
    plan = solve_checked(make_problem([order], [make_technician()]), solver=solver)
    stops = plan.routes[0].stops
    assert stops[1].start == at("14:00")
    assert stops[1].arrival == at("14:00")
    assert stops[0].end == at("14:00") - (stops[1].arrival - stops[0].end)


def test_contract_second_window_when_first_unreachable(solver: str) -> None:
    """With the first window closing before arrival, service starts at the second opening."""
    order = make_order(**FAR, windows=(window("08:00", "08:10"), window("10:00", "11:00")))
    plan = solve_checked(make_problem([order], [make_technician()]), solver=solver)
    assert visits(plan)["O1"][1] == at("10:00")


def test_contract_skill_levels(solver: str) -> None:
    """hvac:2 goes to the far hvac:3 technician, not to the nearby hvac:1 one."""
    order = make_order(skills={"hvac": 2})
    near = make_technician("NEAR", skills={"hvac": 1})
    far = make_technician("FAR", **FAR, skills={"hvac": 3})
    plan = solve_checked(make_problem([order], [near, far]), solver=solver)
    assert visits(plan)["O1"][0] == "FAR"


def test_contract_parts_on_van(solver: str) -> None:
    """An order needing two units goes to the van holding two, not the one holding one."""
    order = make_order(parts={"P-1": 2})
    one = make_technician("ONE", van_stock={"P-1": 1})
    two = make_technician("TWO", **FAR, van_stock={"P-1": 2})
    plan = solve_checked(make_problem([order], [one, two]), solver=solver)
    assert visits(plan)["O1"][0] == "TWO"


def test_contract_tools_with_technician(solver: str) -> None:
    """An order needing a lift goes to the technician who carries one."""
    order = make_order(tools=frozenset({"lift"}))
    plan = solve_checked(
        make_problem([order], [make_technician("A"), make_technician("B", **FAR, tools=frozenset({"lift"}))]),
        solver=solver,
    )
    assert visits(plan)["O1"][0] == "B"


def test_contract_required_technician(solver: str) -> None:
    """An order naming its technician is served by that technician even if farther."""
    order = make_order(technician="FAR")
    plan = solve_checked(make_problem([order], [make_technician("NEAR"), make_technician("FAR", **FAR)]), solver=solver)
    assert visits(plan)["O1"][0] == "FAR"


def test_contract_workdays_and_absence(solver: str) -> None:
    """Mon-Tue horizon: a Tuesday-only order goes to whoever works Tuesday and is not absent."""
    tuesday_only = make_order(windows=(window("08:00", "17:00", day=1),))
    monday_worker = make_technician("MON", workdays=frozenset({"Mon"}))
    absent = make_technician("ABSENT", absent=frozenset({at("08:00", day=1).date()}))
    available = make_technician("OK", **FAR)
    plan = solve_checked(make_problem([tuesday_only], [monday_worker, absent, available], days=2), solver=solver)
    technician, start = visits(plan)["O1"]
    assert technician == "OK" and start.date() == at("08:00", day=1).date()
    alone = solve_checked(make_problem([tuesday_only], [monday_worker], days=2), solver=solver)
    assert reasons(alone) == {"O1": "no_shift_fits"}


def test_contract_break_within_window(solver: str) -> None:
    """A full day of work includes one 30-minute break starting between 12:00 and 13:00."""
    orders = [make_order(f"O{i}", lat=49.49 + 0.002 * i, duration_min=80) for i in range(5)]
    plan = solve_checked(make_problem(orders, [make_technician(break_=lunch())]), solver=solver)
    breaks = [s for s in plan.routes[0].stops if s.kind is StopKind.BREAK]
    assert len(breaks) == 1
    assert at("12:00") <= breaks[0].start <= at("13:00")
    assert (breaks[0].end - breaks[0].start).total_seconds() == 30 * 60
    assert len(visits(plan)) == 5


def test_contract_no_break_when_home_early(solver: str) -> None:
    """A technician home before the latest break start takes no break."""
    plan = solve_checked(make_problem([make_order()], [make_technician(break_=lunch())]), solver=solver)
    assert all(s.kind is not StopKind.BREAK for s in plan.routes[0].stops)


def test_contract_release_is_earliest_start(solver: str) -> None:
    """An order released at 10:30 (its part arrives) starts at 10:30."""
    plan = solve_checked(make_problem([make_order(release=at("10:30"))], [make_technician()]), solver=solver)
    assert visits(plan)["O1"][1] == at("10:30")


def test_contract_due_order_goes_first(solver: str) -> None:
    """Two orders for one technician: the one due at 08:45 is served first, on time."""
    due = make_order("DUE", lat=49.52, urgency=Urgency.HIGH, due=at("08:45"), duration_min=60)
    free = make_order("FREE", lat=49.50, duration_min=60)
    plan = solve_checked(make_problem([free, due], [make_technician()]), solver=solver)
    assert plan.routes[0].order_ids[0] == "DUE"
    assert plan.kpis.late_visits == 0


def test_contract_lateness_priced_by_urgency(solver: str) -> None:
    """An unavoidably late high-urgency visit costs its share of U = 3,000 on the
    lateness curve: 10% at once, 30% more over the first four hours."""
    order = make_order(**FAR, urgency=Urgency.HIGH, due=at("08:00"))
    plan = solve_checked(make_problem([order], [make_technician()]), solver=solver)
    late = plan.kpis.late_min
    assert 20 < late < 240
    assert plan.kpis.objective_terms["lateness"] == pytest.approx(3_000 * (0.1 + 0.3 * late / 240))


def test_contract_keeps_most_urgent_when_time_is_short(solver: str) -> None:
    """Two-hour shift, two 90-minute orders: the emergency is planned, the low one is not."""
    tech = make_technician(shift={"start": "08:00", "end": "10:00"})
    low = make_order("LOW", urgency=Urgency.LOW, duration_min=90)
    emergency = make_order("EMERGENCY", urgency=Urgency.EMERGENCY, duration_min=90)
    plan = solve_checked(make_problem([low, emergency], [tech]), solver=solver)
    assert set(visits(plan)) == {"EMERGENCY"}
    assert reasons(plan) == {"LOW": "not_enough_capacity"}
    assert plan.kpis.objective_terms["unplanned"] == 300


@pytest.mark.parametrize("overtime", [0, 60])
def test_contract_overtime_bounded_and_priced(solver: str, overtime: int) -> None:
    """A 90-minute order in a 60-minute shift needs overtime: planned only if allowed, at 2/min."""
    tech = make_technician(shift={"start": "08:00", "end": "09:00"}, max_overtime_min=overtime)
    plan = solve_checked(make_problem([make_order(duration_min=90)], [tech]), solver=solver)
    if overtime == 0:
        assert reasons(plan) == {"O1": "no_shift_fits"}
    else:
        assert plan.kpis.overtime_min == pytest.approx(30 + plan.kpis.travel_min)
        assert plan.kpis.objective_terms["overtime"] == pytest.approx(2 * plan.kpis.overtime_min)


def test_contract_capacity(solver: str) -> None:
    """Two loads of 3 do not fit one van of capacity 5: each technician takes one."""
    orders = [make_order("A", load=3.0), make_order("B", load=3.0)]
    techs = [make_technician("T1", capacity=5.0), make_technician("T2", capacity=5.0)]
    plan = solve_checked(make_problem(orders, techs), solver=solver)
    assert {v[0] for v in visits(plan).values()} == {"T1", "T2"}


def test_contract_nearest_technician(solver: str) -> None:
    """With everything else equal, the nearer technician serves (less travel)."""
    plan = solve_checked(
        make_problem([make_order()], [make_technician("FAR", **FAR), make_technician("NEAR")]),
        solver=solver,
    )
    assert visits(plan)["O1"][0] == "NEAR"


def test_contract_later_day_window(solver: str) -> None:
    """An order whose only window is on Wednesday is planned on Wednesday."""
    order = make_order(windows=(window("09:00", "10:00", day=2),))
    plan = solve_checked(make_problem([order], [make_technician()], days=3), solver=solver)
    assert plan.routes[0].date == at("09:00", day=2).date()


@pytest.mark.parametrize(
    ("order_fields", "technician_fields", "reason"),
    [
        ({"skills": {"gas": 1}}, {}, "no_skilled_technician"),
        ({"parts": {"P-9": 1}}, {}, "no_stock_in_reach"),
        ({"tools": frozenset({"lift"})}, {}, "no_technician_with_tools"),
        ({"load": 9.0}, {"capacity": 5.0}, "load_exceeds_capacity"),
        ({"technician": "T1", "skills": {"gas": 1}}, {}, "required_technician_unqualified"),
        ({"release": at("08:00", day=5)}, {}, "after_horizon"),
        ({"windows": (window("08:00", "09:00", day=-3),)}, {}, "outside_all_windows"),
        ({"windows": (window("07:00", "07:30"),), **FAR}, {}, "no_shift_fits"),
    ],
)
def test_contract_presolve_reasons(solver: str, order_fields, technician_fields, reason) -> None:
    """Orders nobody can serve are reported with the reason that rules them out."""
    plan = solve_checked(
        make_problem([make_order(**order_fields)], [make_technician(**technician_fields)]),
        solver=solver,
    )
    assert reasons(plan) == {"O1": reason}


def test_contract_deterministic_under_work_limit(solver: str) -> None:
    """The same problem and work limit give the same plan twice (no time limit: the
    work limit alone ends the search, so machine load cannot change the plan)."""
    orders = [
        make_order(f"O{i}", lat=49.40 + 0.013 * (i % 7), lon=8.40 + 0.021 * (i % 5), duration_min=45) for i in range(25)
    ]
    problem = make_problem(orders, [make_technician("A", break_=lunch()), make_technician("B", **FAR)])
    first = solve_checked(problem, solver=solver, max_solutions=30, time_limit=None)
    second = solve_checked(problem, solver=solver, max_solutions=30, time_limit=None)
    assert first.routes == second.routes and first.unplanned == second.unplanned


def test_contract_van_stock_is_used_up(solver: str) -> None:
    """Supplied after every back-end: one van unit, two orders needing it, the emergency gets it."""
    tech = make_technician(van_stock={"P-100": 1})
    orders = [
        make_order("LOW", urgency=Urgency.LOW, parts={"P-100": 1}),
        make_order("EMG", urgency=Urgency.EMERGENCY, parts={"P-100": 1}, lat=49.51),
    ]
    plan = solve_checked(make_problem(orders, [tech]), solver=solver)
    assert set(visits(plan)) == {"EMG"} and reasons(plan) == {"LOW": "no_stock_in_reach"}


def test_contract_pickup_where_the_van_lacks_the_part(solver: str) -> None:
    """After every back-end, a part no van carries is collected at the depot first."""
    depot = Depot(
        id="D1", lat=49.52, lon=8.50, hours=ClockInterval(start=dt.time(7), end=dt.time(18)), stock={"P-200": 2}
    )
    plan = solve_checked(
        make_problem([make_order("NEEDS", parts={"P-200": 1})], [make_technician()], depots=(depot,)),
        solver=solver,
    )
    kinds = [s.kind for r in plan.routes for s in r.stops]
    assert kinds.index(StopKind.PICKUP) == kinds.index(StopKind.ORDER) - 1


def test_contract_break_after_the_shift_is_never_taken(solver: str) -> None:
    """A 07:00-12:00 shift with a 12:00-13:00 lunch window: the day ends before any break
    could be due, so every back-end plans it without one."""
    tech = make_technician(shift=ClockInterval(start=dt.time(7), end=dt.time(12)), break_=lunch())
    plan = solve_checked(make_problem([make_order("A"), make_order("B", lat=49.51)], [tech]), solver=solver)
    assert set(visits(plan)) == {"A", "B"}
