"""Parts and tools for the routes: van stock used up, depot pickups inserted where
the van lacks a part and within depot hours, deliveries waited for, tools collected
once; small problems whose right answer is known by hand, each plan re-checked."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.io import visits_frame
from optimizer.models import ClockInterval, Delivery, StopKind, Urgency
from optimizer.testing import problems as synthetic

from conftest import (
    MONDAY,
    TUESDAY,
    at,
    depot,
    make_order,
    make_problem,
    make_technician,
    reasons,
    solve_checked,
    stops_of,
    window,
)


def test_last_van_unit_goes_to_the_more_urgent_order() -> None:
    """One unit on the van, two orders needing it, no depot: the emergency gets it and
    the other is unplanned because the stock went elsewhere."""
    tech = make_technician(van_stock={"P-100": 1})
    orders = [
        make_order("LOW", urgency=Urgency.LOW, parts={"P-100": 1}, lat=49.495),
        make_order("EMG", urgency=Urgency.EMERGENCY, parts={"P-100": 1}, lat=49.51),
    ]
    plan = solve_checked(make_problem(orders, [tech]))
    assert [s.order_id for _, s in stops_of(plan, StopKind.ORDER)] == ["EMG"]
    assert reasons(plan) == {"LOW": "no_stock_in_reach"}


def test_van_stock_is_used_up_over_the_days() -> None:
    """Two units on the van serve two of three orders on three days; nothing is restocked overnight."""
    tech = make_technician(van_stock={"P-100": 2})
    orders = [make_order(f"O{d}", parts={"P-100": 1}, windows=(window("08:00", "16:00", d),)) for d in range(3)]
    plan = solve_checked(make_problem(orders, [tech], days=3))
    assert plan.kpis.orders_planned == 2
    assert list(reasons(plan).values()) == ["no_stock_in_reach"]


def test_pickup_is_inserted_only_where_the_van_lacks_the_part() -> None:
    """The van holds P-100 but not P-200: a pickup of exactly one P-200 comes before the
    order that needs it, none for the other."""
    tech = make_technician(van_stock={"P-100": 1})
    orders = [
        make_order("HAS", parts={"P-100": 1}, windows=(window("08:00", "10:00"),)),
        make_order("LACKS", parts={"P-200": 1}, lat=49.53, windows=(window("13:00", "15:00"),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot(stock={"P-200": 3}),)))
    assert plan.kpis.orders_planned == 2
    ((route, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert pickup.depot_id == "D1" and pickup.picked == {"P-200": 1}
    kinds = [(s.kind, s.order_id) for s in route.stops if s.kind in (StopKind.ORDER, StopKind.PICKUP)]
    assert kinds.index((StopKind.PICKUP, None)) == kinds.index((StopKind.ORDER, "LACKS")) - 1
    frame = visits_frame(plan)
    assert frame.loc[frame.kind == "pickup", "picked"].tolist() == ["P-200:1"]
    assert plan.kpis.pickups == 1


def test_no_pickup_when_the_van_has_everything() -> None:
    """A depot nearby changes nothing when the van holds the parts."""
    tech = make_technician(van_stock={"P-100": 2})
    orders = [make_order("A", parts={"P-100": 1}), make_order("B", parts={"P-100": 1}, lat=49.51)]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot(stock={"P-100": 5}),)))
    assert plan.kpis.orders_planned == 2 and plan.kpis.pickups == 0


def test_depot_stock_is_shared_and_goes_to_the_more_urgent_order() -> None:
    """Two technicians without the part, one unit at the depot: the high-urgency order
    gets it, the low one is unplanned for lack of stock."""
    techs = [make_technician("T1"), make_technician("T2", lat=49.47)]
    orders = [
        make_order("LOW", urgency=Urgency.LOW, parts={"P-200": 1}, technician="T1"),
        make_order("HIGH", urgency=Urgency.HIGH, parts={"P-200": 1}, technician="T2", lat=49.47),
    ]
    plan = solve_checked(make_problem(orders, techs, depots=(depot(stock={"P-200": 1}),)))
    assert [s.order_id for _, s in stops_of(plan, StopKind.ORDER)] == ["HIGH"]
    assert reasons(plan) == {"LOW": "no_stock_in_reach"}


def test_a_less_valuable_order_makes_room_for_a_pickup() -> None:
    """Both orders fit the short day, but not with the pickup the emergency needs: the
    low-urgency order gives way."""
    tech = make_technician(shift=ClockInterval(start=dt.time(8), end=dt.time(11, 20)))
    orders = [
        make_order("LOW", urgency=Urgency.LOW, duration_min=60),
        make_order("EMG", urgency=Urgency.EMERGENCY, duration_min=120, parts={"P-200": 1}, lat=49.505),
    ]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot(stock={"P-200": 1}),)))
    assert [s.order_id for _, s in stops_of(plan, StopKind.ORDER)] == ["EMG"]
    assert plan.kpis.pickups == 1 and reasons(plan) == {"LOW": "not_enough_capacity"}


def test_pickup_respects_depot_hours() -> None:
    """The depot opens at 13:00: an order that must start by 12:00 cannot get its part
    (its parts are not to be had before 13:10); one starting after 13:10 can, with the
    pickup inside the opening hours."""
    tech = make_technician()
    orders = [
        make_order("MORNING", parts={"P-200": 1}, windows=(window("08:00", "12:00"),)),
        make_order("AFTERNOON", parts={"P-200": 1}, lat=49.53, windows=(window("13:00", "16:00"),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot(hours=(13, 14), stock={"P-200": 5}),)))
    assert [s.order_id for _, s in stops_of(plan, StopKind.ORDER)] == ["AFTERNOON"]
    ((_, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert at("13:00") <= pickup.start and pickup.end <= at("14:00")
    (unplanned,) = plan.unplanned
    assert unplanned.reason == "parts_unavailable_until" and unplanned.until == at("13:10")


def test_order_waits_for_the_parts_delivery_and_names_it_when_late() -> None:
    """The only P-300 arrives at the depot on Tuesday 10:00: the order due Tuesday 10:05
    is served on Tuesday after a pickup from 10:00, a few minutes late, and the cause
    names the part."""
    tech = make_technician()
    orders = [make_order("WAIT", parts={"P-300": 1}, due=at("10:05", 1), urgency=Urgency.HIGH)]
    arriving = depot(incoming=(Delivery(part="P-300", quantity=1, at=at("10:00", 1)),))
    plan = solve_checked(make_problem(orders, [tech], days=2, depots=(arriving,)))
    ((route, pickup),) = stops_of(plan, StopKind.PICKUP)
    ((_, visit),) = stops_of(plan, StopKind.ORDER)
    assert route.date == TUESDAY and pickup.start >= at("10:00", 1)
    assert visit.late_min > 0 and "waiting for part P-300" in visit.late_cause


def test_tool_is_collected_once_and_kept() -> None:
    """A lift lent by the depot is collected before the first order needing it and kept
    for the second order on the next day: one pickup in all."""
    tech = make_technician()
    orders = [
        make_order("LIFT-1", tools=frozenset({"lift"}), windows=(window("10:00", "12:00"),)),
        make_order("LIFT-2", tools=frozenset({"lift"}), windows=(window("10:00", "12:00", 1),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], days=2, depots=(depot(tools=frozenset({"lift"})),)))
    assert plan.kpis.orders_planned == 2
    ((route, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert route.date == MONDAY and pickup.picked_tools == {"lift"}


def test_pickup_on_an_earlier_day_when_the_depot_is_closed_before_the_order() -> None:
    """The depot opens 16:00-18:00 only; the order is Tuesday morning: the part is
    collected on Monday's route (with Monday's other order) and kept overnight."""
    tech = make_technician(shift=ClockInterval(start=dt.time(8), end=dt.time(18)))
    orders = [
        make_order("MON", windows=(window("15:00", "17:00"),)),
        make_order("TUE", parts={"P-200": 1}, windows=(window("08:00", "10:00", 1),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], days=2, depots=(depot(hours=(16, 18), stock={"P-200": 1}),)))
    assert plan.kpis.orders_planned == 2
    ((route, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert route.date == MONDAY and pickup.picked == {"P-200": 1}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("solver", ["insertion", "auto"])
def test_generated_weeks_with_scarce_parts_are_valid(seed: int, solver: str) -> None:
    """Generated 2-day problems where half the orders need parts and a third of those a
    part only depots hold (few units, more arriving on day two): every plan passes the
    checker, and every unplanned order needing parts is explained."""
    problem = synthetic.problem(60, 4, days=2, seed=seed, parts_share=0.5, off_van_share=0.3, n_depots=2)
    plan = solve_checked(problem, solver=solver, time_limit=3, max_solutions=50)
    orders = problem.order_by_id
    for unplanned in plan.unplanned:
        assert unplanned.reason and unplanned.detail, unplanned
    planned_parts = sum(1 for r in plan.routes for o in r.order_ids if orders[o].parts)
    assert planned_parts > 0


def test_van_holders_are_preferred_not_required() -> None:
    """The only van with the part cannot come on Monday: the emergency goes to the other
    technician on Monday with a pickup, not to the van holder on Tuesday."""
    holder = make_technician("A", van_stock={"P-100": 1}, absent=frozenset({MONDAY}))
    orders = [make_order("EMG", urgency=Urgency.EMERGENCY, parts={"P-100": 1})]
    plan = solve_checked(
        make_problem(orders, [holder, make_technician("B")], days=2, depots=(depot(stock={"P-100": 5}),))
    )
    ((route, _),) = stops_of(plan, StopKind.ORDER)
    assert (route.technician_id, route.date) == ("B", MONDAY) and plan.kpis.pickups == 1


def test_other_technicians_fetch_what_the_one_van_lacks() -> None:
    """One van unit and six two-hour orders needing the part: the technician without it
    takes some of them with a pickup; all six are planned."""
    techs = [make_technician("A", van_stock={"P-100": 1}), make_technician("B")]
    orders = [make_order(f"O{i}", parts={"P-100": 1}, duration_min=120, lat=49.50 + 0.003 * i) for i in range(6)]
    plan = solve_checked(make_problem(orders, techs, depots=(depot(stock={"P-100": 10}),)))
    assert plan.kpis.orders_planned == 6 and {r.technician_id for r in plan.routes} == {"A", "B"}
