"""Second chances: a region's leftovers are planned next door."""

from __future__ import annotations

from typing import Any

import optimizer
from optimizer.regions.cluster import solve_regions
from optimizer.regions.second_chance import second_chances
from optimizer.regions.split import split

from conftest import REGION_OPTIONS, make_order, make_problem, make_technician


def test_leftovers_get_a_second_chance_next_door(client: Any) -> None:
    """North's one technician has time for two of its three long orders; the third,
    near the border, is planned by South's idle technician."""
    north = make_technician("T-N", lat=49.60, region="north")
    south = make_technician("T-S", lat=49.40, region="south")
    orders = [make_order(f"O-{k}", lat=49.52, lon=8.48 + 0.01 * k, duration_min=200, region="north") for k in range(3)]
    problem = make_problem(orders, [north, south])
    without = solve_regions(problem, client=client, second_chance=False, **REGION_OPTIONS)
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
    chances = second_chances(problem, regions, plans)
    assert len(chances) == 2
    for chance in chances:
        own = {o.id for o in next(r for r in regions if r.name == chance.name).problem.orders}
        assert not (own & left) & {o.id for o in chance.problem.orders}
