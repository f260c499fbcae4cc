"""Splitting a problem into regions: everything once, the region column followed, a
small problem one region."""

from __future__ import annotations

from optimizer.models import Problem
from optimizer.regions.split import split

from conftest import make_order, make_problem, make_technician, solve_checked


def test_automatic_regions_cover_everything_once(generated: Problem) -> None:
    regions = split(generated, max_technicians=5)
    assert len(regions) >= 4
    assert all(len(r.problem.technicians) <= 5 for r in regions)
    for kind in ("orders", "technicians"):
        ids = [x.id for r in regions for x in getattr(r.problem, kind)]
        assert sorted(ids) == sorted(x.id for x in getattr(generated, kind))
    assert {d.id for r in regions for d in r.problem.depots} == {d.id for d in generated.depots}


def test_the_region_column_is_followed_unless_nobody_there_qualifies() -> None:
    north = make_technician("T-N", lat=49.6, region="north", skills={"hvac": 2})
    south = make_technician("T-S", lat=49.3, region="south", skills={"gas": 1})
    orders = [
        make_order("O-north", lat=49.6, region="north", skills={"hvac": 1}),
        make_order("O-gas", lat=49.6, region="north", skills={"gas": 1}),  # only the south has gas
        make_order("O-none", lat=49.31),  # no region: the nearest qualified technician's
        make_order("O-required", lat=49.6, region="north", technician="T-S"),
    ]
    regions = {r.name: r.problem for r in split(make_problem(orders, [north, south]))}
    assert [o.id for o in regions["north"].orders] == ["O-north"]
    assert sorted(o.id for o in regions["south"].orders) == ["O-gas", "O-none", "O-required"]


def test_a_small_problem_is_one_region() -> None:
    problem = make_problem([make_order()], [make_technician()])
    assert [r.name for r in split(problem)] == ["R01"]
    solve_checked(split(problem)[0].problem)


def test_a_chain_of_orders_stays_in_its_first_orders_region() -> None:
    """K is in the north; R (after K) and S (after R) lie in the south: all three go
    north, where K is, so that one plan holds both links."""
    north = make_technician("T-N", lat=49.6, region="north")
    south = make_technician("T-S", lat=49.3, region="south")
    orders = [
        make_order("K", lat=49.6, region="north"),
        make_order("R", lat=49.3, region="south", after="K"),
        make_order("S", lat=49.3, region="south", after="R"),
        make_order("O", lat=49.3, region="south"),
    ]
    regions = {r.name: r.problem for r in split(make_problem(orders, [north, south]))}
    assert sorted(o.id for o in regions["north"].orders) == ["K", "R", "S"]
    assert [o.id for o in regions["south"].orders] == ["O"]
