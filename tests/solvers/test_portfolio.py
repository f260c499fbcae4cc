"""The default back-end (``auto``): PyVRP where it models the problem exactly, else
VROOM polished by OR-tools."""

from __future__ import annotations

from conftest import overdue_emergency, routing_core, solve_checked


def test_auto_uses_pyvrp_for_the_routing_core() -> None:
    """The default back-end picks PyVRP where it models the problem exactly."""
    plan = solve_checked(routing_core(), solver="auto", max_solutions=200)
    assert plan.info.status.startswith("pyvrp:")


def test_auto_runs_our_search_where_pyvrp_cannot_model() -> None:
    """Where PyVRP cannot model the problem (an SLA due time), ``auto`` runs our search."""
    plan = solve_checked(overdue_emergency(), solver="auto")
    assert plan.info.status.startswith("search: ")
    assert plan.kpis.orders_planned == 2


def test_legacy_polishes_vroom_with_ortools() -> None:
    """``legacy`` keeps the chain from before our search: VROOM, then the OR-tools
    polish, which is no worse than VROOM's start."""
    plan = solve_checked(overdue_emergency(), solver="legacy")
    assert plan.info.status.startswith("vroom (")
    assert "polished by ortools" in plan.info.status
    assert plan.kpis.orders_planned == 2
