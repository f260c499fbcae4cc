"""From a back-end's routes (instance indices) to a plan: stops with times, the break
where the schedule puts it, pickups with what they collect, late visits with their
cause, unplanned orders with their reason, and in a re-plan the fixed stops first.
Every assembled plan is re-checked by the independent checker."""

from __future__ import annotations

import datetime as dt

import pytest

import optimizer
from optimizer.decode import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import Plan, Problem, Progress, Route, SolverInfo, StopKind
from optimizer.models.depot import Delivery
from optimizer.solvers.base import Pickup, SolveResult
from optimizer.travel import HaversineTravel

from conftest import (
    HOME,
    MONDAY,
    at,
    depot,
    lunch,
    make_order,
    make_problem,
    make_stop,
    make_technician,
    solve_checked,
    window,
)

INFO = SolverInfo(solver="by hand")


def assembled(problem: Problem, routes: dict[int, tuple[int, ...]], **result: object) -> Plan:
    """The plan of ``routes``, checked."""
    plan = assemble_plan(problem, compile_instance(problem), SolveResult(routes, None, "by hand", 0.0, **result), INFO)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
    return plan


def test_stops_follow_the_sequence_with_the_break_where_it_is_taken() -> None:
    """A (three hours from 08:00-ish) leaves the technician waiting for B's 13:00 window:
    the break is taken at 12:00, between them."""
    orders = [make_order("A", duration_min=180), make_order("B", windows=(window("13:00", "14:00"),))]
    problem = make_problem(orders, [make_technician(break_=lunch())])
    plan = assembled(problem, {0: (0, 1)})
    (route,) = plan.routes
    assert (route.technician_id, route.date) == ("T1", MONDAY)
    assert [(s.kind, s.order_id) for s in route.stops] == [
        (StopKind.START, None),
        (StopKind.ORDER, "A"),
        (StopKind.BREAK, None),
        (StopKind.ORDER, "B"),
        (StopKind.END, None),
    ]
    assert route.stops[2].start == at("12:00") and route.stops[2].end == at("12:30")
    assert route.stops[3].start == at("13:00")
    assert route.stops[0].end == at("08:00") and route.stops[1].start == route.stops[1].arrival  # no wait
    assert plan.info == INFO and plan.tz == problem.tz and not plan.unplanned


def test_a_pickup_names_its_depot_and_what_it_collects() -> None:
    problem = make_problem(
        [make_order("A", parts={"P-1": 1}, tools=frozenset({"lift"}))],
        [make_technician()],
        depots=(depot(stock={"P-1": 2}, tools=frozenset({"lift"})),),
    )
    plan = assembled(problem, {0: (1, 0)}, pickups={(0, 0): Pickup(parts=((0, 1),), tools=(0,))})
    pickup = plan.routes[0].stops[1]
    assert pickup.kind is StopKind.PICKUP and pickup.depot_id == "D1"
    assert pickup.picked == {"P-1": 1} and pickup.picked_tools == frozenset({"lift"})
    assert pickup.end - pickup.start == at("00:10") - at("00:00")
    assert plan.kpis.pickups == 1


def test_a_late_visit_says_why_it_could_not_start_earlier() -> None:
    """Due 09:00, its only window opens at 10:00: an hour late, because of the window."""
    problem = make_problem([make_order("A", due=at("09:00"), windows=(window("10:00", "11:00"),))], [make_technician()])
    visit = assembled(problem, {0: (0,)}).routes[0].stops[1]
    assert visit.late_min == pytest.approx(60)
    assert visit.late_cause == "its earliest start (release or first time window) is after its due time"


@pytest.mark.parametrize("van_stock", [{}, {"P-1": 1}])
def test_a_visit_overdue_before_the_plan_begins_says_so(van_stock: dict[str, int]) -> None:
    """Due last Friday 17:00, with or without a part the van carries: late because it
    was overdue before the first shift, not because of a part (the cause once named
    an empty part for such orders)."""
    parts = {"P-1": 1} if van_stock else {}
    problem = make_problem(
        [make_order("A", due=at("17:00", day=-3), parts=parts)], [make_technician(van_stock=van_stock)]
    )
    visit = assembled(problem, {0: (0,)}).routes[0].stops[1]
    assert visit.late_min >= 63 * 60  # Friday 17:00 to Monday 08:00, the shift start
    assert visit.late_cause == "already overdue when the plan begins (due 2026-11-20 17:00)"


@pytest.mark.parametrize(
    ("technician", "days", "due", "cause"),
    [
        ({"shift": {"start": "11:00", "end": "17:00"}}, 1, at("09:00"), "2026-11-23 11:0"),  # starts later
        ({"absent": frozenset({MONDAY})}, 2, at("12:00"), "2026-11-24 08:0"),  # off on Monday
    ],
)
def test_a_visit_no_one_could_reach_by_its_due_time_says_so(
    technician: dict, days: int, due: dt.datetime, cause: str
) -> None:
    """The only gas technician works later than the order's due time: no one's time went
    to other orders (the cause once said so), no one could be there earlier."""
    gas = make_order("GAS", skills={"gas": 1}, due=due)
    techs = [make_technician("T1"), make_technician("T2", skills={"gas": 1}, **technician)]
    problem = make_problem([gas], techs, days=days)
    plan = solve_checked(problem, solver="insertion", time_limit=None)
    (visit,) = [s for r in plan.routes for s in r.stops if s.order_id == "GAS"]
    assert visit.late_min > 0
    assert visit.late_cause.startswith(f"no technician who may serve it could be there before {cause}")


def test_a_crews_rows_give_the_leads_cause() -> None:
    """A crew of two waits for a part delivered at 11:00: the helper's row (its copy of
    the order carries no parts) says so too, not that a window opened late."""
    order = make_order("A", crew=2, due=at("09:00"), parts={"P-1": 1})
    delivery = Delivery(part="P-1", quantity=1, at=at("11:00"))
    problem = make_problem(
        [order], [make_technician("T1"), make_technician("T2")], depots=(depot(stock={}, incoming=(delivery,)),)
    )
    plan = solve_checked(problem, solver="insertion", time_limit=None)
    causes = [(s.helper, s.late_cause) for r in plan.routes for s in r.stops if s.order_id == "A"]
    assert sorted(helper for helper, _ in causes) == [False, True]
    assert all(cause.startswith("waiting for part P-1: not to be had before 2026-11-23 11:") for _, cause in causes)


def test_orders_no_route_serves_are_unplanned_with_their_reason() -> None:
    problem = make_problem([make_order("A"), make_order("GAS", skills={"gas": 1})], [make_technician()])
    plan = assembled(problem, {0: (0,)})
    assert [(u.order_id, u.reason) for u in plan.unplanned] == [("GAS", "no_skilled_technician")]
    assert plan.kpis.orders_planned == 1 and plan.kpis.orders_total == 2


def test_an_infeasible_route_is_refused() -> None:
    """Two four-hour orders that must both start by 09:00 cannot share a day."""
    orders = [make_order(k, duration_min=240, windows=(window("08:00", "09:00"),)) for k in ("A", "B")]
    problem = make_problem(orders, [make_technician()])
    with pytest.raises(ValueError):
        assemble_plan(problem, compile_instance(problem), SolveResult({0: (0, 1)}, None, "", 0.0), INFO)


def test_a_replanned_day_without_new_stops_keeps_its_history_and_drives_home() -> None:
    """A was served 11:50-12:50, 15 km from home; now is 12:55: the lunch break (window
    12:00-13:00) is still due, so it is taken on site from now, then the drive home."""
    road = HaversineTravel().matrix([HOME[0], 49.60], [HOME[1], 8.60])
    drive_s = int(road.duration_s[0, 1])
    fixed = Route(
        technician_id="T1",
        date=MONDAY,
        stops=(
            make_stop(StopKind.START, "11:20"),
            make_stop(
                StopKind.ORDER,
                "11:50",
                "11:50",
                "12:50",
                order_id="A",
                travel_min=drive_s / 60,
                travel_km=int(road.distance_m[0, 1]) / 1000,
            ),
        ),
    )
    problem = make_problem(
        [make_order("A", lat=49.60, lon=8.60)],
        [make_technician(break_=lunch())],
        progress=Progress(now=at("12:55"), fixed=(fixed,)),
    )
    instance = compile_instance(problem)
    plan = assemble_plan(problem, instance, SolveResult({}, None, "", 0.0), INFO)
    (route,) = plan.routes
    assert route.stops[:2] == fixed.stops
    rest, home = route.stops[2:]
    assert rest.kind is StopKind.BREAK and (rest.start, rest.end) == (at("12:55"), at("13:25"))
    assert drive_s == instance.travel_s[instance.vehicle_start_loc[0], instance.vehicle_end_loc[0]]
    assert drive_s > 5 * 60  # A is far enough from home for the break to fall due on the way
    assert home.kind is StopKind.END and home.arrival == at("13:25") + dt.timedelta(seconds=drive_s)
    assert home.travel_min == pytest.approx(drive_s / 60)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
