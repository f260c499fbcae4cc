"""Who may serve what: skills, parts, tools and required technicians combine into
the vehicle x order matrix, and an order nobody may serve gets the reason of the
first stage that rules it out."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance
from optimizer.models.reasons import Reason

from conftest import depot, make_order, make_problem, make_technician, reasons, solve_checked


def test_instance_compatibility_matrix() -> None:
    """Skills, parts and required technicians combine into the vehicle x order matrix."""
    orders = [
        make_order("A", skills={"hvac": 2}),
        make_order("B", parts={"P-1": 1}),
        make_order("C", technician="T2"),
    ]
    techs = [make_technician("T1", skills={"hvac": 2}), make_technician("T2", van_stock={"P-1": 1})]
    instance = compile_instance(make_problem(orders, techs))
    assert instance.compatible.tolist() == [[True, False, False], [False, True, True]]
    assert instance.presolve_reason == (None, None, None)


def test_instance_reason_order_follows_stages() -> None:
    """A skilled technician without the part (and no depot) gives no_stock_in_reach, not a skill reason."""
    order = make_order(skills={"gas": 1}, parts={"P-1": 1})
    techs = [make_technician("T1", skills={"gas": 1}), make_technician("T2", van_stock={"P-1": 1})]
    instance = compile_instance(make_problem([order], techs))
    assert instance.presolve_reason == (Reason.NO_STOCK_IN_REACH,)
    assert not np.any(instance.compatible)


def test_tool_no_depot_lends_is_a_presolve_reason() -> None:
    """No technician carries the tool and no depot lends it."""
    orders = [make_order("T", tools=frozenset({"crane"}))]
    plan = solve_checked(make_problem(orders, [make_technician()], depots=(depot(tools=frozenset({"lift"})),)))
    assert reasons(plan) == {"T": "no_technician_with_tools"}
