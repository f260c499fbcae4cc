"""Variants of a problem (``Problem.with_changes``): a variant changes only what it
says, and bad changes are refused."""

from __future__ import annotations

import pydantic
import pytest

from optimizer.models import Problem, Urgency


def test_a_variant_changes_only_what_it_says_and_the_base_is_untouched(base: Problem) -> None:
    """One more technician, P-100 on every van, urgent orders first, slower traffic."""
    before = base.model_dump()
    new = base.technicians[0].model_copy(update={"id": "T-NEW"})
    first = base.orders[0].id
    variant = base.with_changes(
        add_technicians=[new],
        update_technicians=lambda t: {"van_stock": {**t.van_stock, "P-100": 5}},
        update_orders={first: {"urgency": Urgency.EMERGENCY}},
        remove_orders=[base.orders[1].id],
        travel={"speed_kmh": 30},
        days=2,
    )
    assert base.model_dump() == before
    assert [t.id for t in variant.technicians] == [*(t.id for t in base.technicians), "T-NEW"]
    assert all(t.van_stock["P-100"] == 5 for t in variant.technicians[:-1])
    assert [t.skills for t in variant.technicians[:-1]] == [t.skills for t in base.technicians]
    assert variant.order_by_id[first].urgency is Urgency.EMERGENCY
    assert base.orders[1].id not in variant.order_by_id and len(variant.orders) == len(base.orders) - 1
    assert variant.orders[1:] == base.orders[2:]
    assert (variant.travel.speed_kmh, variant.travel.detour_factor, variant.days) == (30, base.travel.detour_factor, 2)
    assert variant.weights == base.weights and variant.depots == base.depots


def test_bad_changes_are_refused(base: Problem) -> None:
    """An unknown id, a value the model rejects, a duplicate id."""
    with pytest.raises(KeyError, match="NOPE"):
        base.with_changes(remove_technicians=["NOPE"])
    with pytest.raises(pydantic.ValidationError):
        base.with_changes(update_orders={base.orders[0].id: {"lat": 95}})
    with pytest.raises(pydantic.ValidationError, match="appears 2 times"):
        base.with_changes(add_technicians=[base.technicians[0]])
