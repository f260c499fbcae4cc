"""Second chances: a region's leftovers are planned next door."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from typing import Any

import cloudpickle

import optimizer
from optimizer.models import ClockInterval, Plan, Problem, SolveOptions
from optimizer.models.settings import ObjectiveWeights
from optimizer.regions.cluster import solve_region, solve_regions
from optimizer.regions.second_chance import second_chances
from optimizer.regions.split import split

from conftest import REGION_OPTIONS, make_order, make_problem, make_technician

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module


def fails_on_second_chance_in(technician_id: str) -> Any:
    """A region task that raises for the region of ``technician_id`` when it is offered
    another region's orders (its re-plan holds orders named after another region)."""

    def task(problem: Problem, options: SolveOptions) -> Plan:
        ids = {t.id for t in problem.technicians}
        if technician_id in ids and any(o.id[0] != technician_id[-1] for o in problem.orders):
            raise RuntimeError("injected failure")
        return solve_region(problem, options)

    return task


def test_leftovers_get_a_second_chance_next_door(client: Any) -> None:
    """North's one technician has time for two of its three long orders; the third,
    near the border, is planned by South's idle technician."""
    north = make_technician("T-N", lat=49.60, region="north")
    south = make_technician("T-S", lat=49.40, region="south")
    orders = [make_order(f"O-{k}", lat=49.52, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)]
    problem = make_problem(orders, [north, south])
    without = solve_regions(problem, client=client, neighbours=0, **REGION_OPTIONS)
    assert without.kpis.orders_planned == 2
    plan = solve_regions(problem, client=client, **REGION_OPTIONS)
    assert optimizer.check(problem, plan).ok
    assert plan.kpis.orders_planned == 3 and not plan.unplanned
    assert {r.technician_id for r in plan.routes} == {"T-N", "T-S"}
    assert plan.kpis.objective < without.kpis.objective


def test_an_order_offered_next_door_leaves_its_own_region() -> None:
    """North and South each leave a long order out and each gets the other's as a
    second chance: North's re-plan no longer holds its own leftover, which is South's
    to plan now (it used to be planned twice, once by each)."""
    north = make_technician("T-N", lat=49.60, region="north")
    south = make_technician("T-S", lat=49.40, region="south")
    orders = [
        *(make_order(f"N-{k}", lat=49.56, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)),
        *(make_order(f"S-{k}", lat=49.44, lon=8.48 + 0.01 * k, duration_min=200, region="south") for k in range(3)),
    ]
    problem = make_problem(orders, [north, south])
    regions = split(problem)
    plans = {r.name: optimizer.solve(r.problem, max_solutions=30, time_limit=None) for r in regions}
    left = {u.order_id for plan in plans.values() for u in plan.unplanned}
    assert len(left) == 2  # one per region
    chances = second_chances(problem, regions, plans, {})
    assert len(chances) == 2
    for chance in chances:
        own = {o.id for o in next(r for r in regions if r.name == chance.name).problem.orders}
        assert not (own & left) & {o.id for o in chance.problem.orders}


def three_regions() -> Problem:
    """North's one technician has time for two of its three long orders; Middle's, the
    nearest, is full with two of its own; South's is idle and farther."""
    technicians = [
        make_technician("T-N", lat=49.60, region="north"),
        make_technician("T-M", lat=49.50, region="middle"),
        make_technician("T-S", lat=49.35, region="south"),
    ]
    orders = [
        *(make_order(f"N-{k}", lat=49.56, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)),
        *(make_order(f"M-{k}", lat=49.50, lon=8.48 + 0.01 * k, duration_min=200, region="middle") for k in range(2)),
    ]
    return make_problem(orders, technicians)


def test_a_leftover_the_nearest_neighbour_cannot_take_goes_to_the_next(client: Any) -> None:
    problem = three_regions()
    one = solve_regions(problem, client=client, neighbours=1, **REGION_OPTIONS)
    assert optimizer.check(problem, one).ok
    assert [u.order_id for u in one.unplanned] == ["N-2"]
    two = solve_regions(problem, client=client, **REGION_OPTIONS)
    assert optimizer.check(problem, two).ok
    assert not two.unplanned and two.kpis.orders_planned == 5
    assert {r.technician_id for r in two.routes if "N-2" in r.order_ids} == {"T-S"}
    assert two.kpis.objective < one.kpis.objective


def test_rounds_offer_each_leftover_to_a_region_it_has_not_been_in() -> None:
    """Round one offers North's leftover to Middle, round two (Middle has no time) to
    South, and there is no third round: every region has seen it."""
    problem = three_regions()
    regions = {r.name: r for r in split(problem)}
    plans = {name: optimizer.solve(r.problem, max_solutions=30, time_limit=None) for name, r in regions.items()}
    tried: dict[str, list[str]] = {}
    first = second_chances(problem, list(regions.values()), plans, tried)
    assert [r.name for r in first] == ["middle"] and tried == {"N-2": ["north", "middle"]}
    regions["middle"] = first[0]
    plans["middle"] = optimizer.solve(first[0].problem, max_solutions=30, time_limit=None)
    assert "N-2" in {u.order_id for u in plans["middle"].unplanned}
    second = second_chances(problem, list(regions.values()), plans, tried)
    assert [r.name for r in second] == ["south"] and tried == {"N-2": ["north", "middle", "south"]}
    # with a third neighbour allowed, none is left to offer it to
    assert not second_chances(
        problem, list(regions.values()), plans, {k: list(v) for k, v in tried.items()}, neighbours=3
    )


def test_an_order_whose_second_chance_fails_stays_unplanned_with_its_reason(client: Any) -> None:
    """North and South offer each other a leftover; South's re-plan fails both times.
    North's re-plan no longer holds its own leftover, which must still be reported."""
    north = make_technician("T-N", lat=49.60, region="north")
    south = make_technician("T-S", lat=49.40, region="south")
    orders = [
        *(make_order(f"N-{k}", lat=49.56, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)),
        *(make_order(f"S-{k}", lat=49.44, lon=8.48 + 0.01 * k, duration_min=200, region="south") for k in range(3)),
    ]
    problem = make_problem(orders, [north, south])
    plan = solve_regions(problem, client=client, task=fails_on_second_chance_in("T-S"), neighbours=1, **REGION_OPTIONS)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
    assert len(plan.unplanned) == 2 and plan.kpis.orders_planned == 4


def test_an_order_planned_on_a_second_chance_is_not_planned_again_by_its_own_region(client: Any) -> None:
    """North's order O and West's order P are too costly at home and both near South,
    which has room for one: round one gives O to South and leaves P out; round two
    offers P to North, whose re-plan must not hold O any more (it used to plan O a
    second time: review finding)."""
    technicians = [
        make_technician(
            "T-N", lat=49.70, lon=8.48, region="north", shift=ClockInterval(start=dt.time(6), end=dt.time(20))
        ),
        make_technician("T-S", lat=49.38, lon=8.48, region="south"),
        make_technician("T-W", lat=49.40, lon=8.10, region="west"),
    ]
    orders = [
        make_order("O", lat=49.40, lon=8.48, duration_min=200, urgency="low", region="north"),
        make_order("S-0", lat=49.38, lon=8.49, duration_min=300, urgency="normal", region="south"),
        make_order("P", lat=49.40, lon=8.50, duration_min=200, urgency="low", region="west"),
    ]
    weights = ObjectiveWeights(unplanned={"emergency": 10000, "high": 3000, "normal": 1000, "low": 100})
    problem = make_problem(orders, technicians, weights=weights)
    plan = solve_regions(problem, client=client, **REGION_OPTIONS)
    report = optimizer.check(problem, plan)
    assert report.ok, str(report)
    visits = Counter(order_id for route in plan.routes for order_id in route.order_ids)
    assert visits["O"] == 1 and max(visits.values()) == 1
