"""The OR-tools routing back-end: searched plans are valid, improving never makes a
plan worse, and the search is deterministic under a work limit."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.insertion import insert_orders
from optimizer.solvers.ortools_routing import OrToolsRouting
from optimizer.solvers.schedule import routes_cost

from conftest import lunch, make_order, make_problem, make_technician, solve_checked


def day():
    """Twelve orders around Mannheim, two technicians with lunch breaks, one order nobody is skilled for."""
    orders = [
        make_order(f"O{k}", lat=49.40 + 0.02 * (k % 6), lon=8.40 + 0.04 * (k // 6), duration_min=50) for k in range(12)
    ]
    orders.append(make_order("GAS", skills={"gas": 1}))
    technicians = [make_technician("A", break_=lunch()), make_technician("B", lat=49.55, break_=lunch())]
    return make_problem(orders, technicians)


def test_its_objective_is_the_full_objective_of_its_routes() -> None:
    """Orders kept out of the model (GAS: nobody is skilled) are priced in too."""
    instance = compile_instance(day())
    result = OrToolsRouting().solve(instance, SolveLimits.within(None, max_solutions=30))
    assert 12 not in {s for seq in result.routes.values() for s in seq}
    assert result.objective == pytest.approx(routes_cost(instance, result.routes), rel=1e-9)


def test_improving_never_returns_worse_than_the_start() -> None:
    instance = compile_instance(day())
    start = insert_orders(instance, SolveLimits.within(10))
    improved = OrToolsRouting().improve(instance, start, SolveLimits.within(None, max_solutions=30))
    assert improved.objective is not None
    assert improved.objective <= routes_cost(instance, start) + 1e-6


def test_the_short_of_time_keeps_the_most_valuable_orders() -> None:
    """Two hours, two 90-minute orders: the high one is planned, the low one priced as left out."""
    orders = [
        make_order("LOW", urgency=Urgency.LOW, duration_min=90),
        make_order("HIGH", urgency=Urgency.HIGH, duration_min=90),
    ]
    tech = make_technician(shift={"start": "08:00", "end": "10:00"})
    plan = solve_checked(make_problem(orders, [tech]), solver="ortools", max_solutions=50)
    assert [r.order_ids for r in plan.routes] == [["HIGH"]]
    assert plan.kpis.objective_terms["unplanned"] == 300


def test_a_work_limit_gives_the_same_plan_on_every_run() -> None:
    """OR-tools' routing search has no seed: under a work limit the plan repeats."""
    first = solve_checked(day(), solver="ortools", max_solutions=40, time_limit=None)
    second = solve_checked(day(), solver="ortools", max_solutions=40, time_limit=None, seed=7)
    assert first.routes == second.routes and first.info.solver == "ortools"


def test_its_guided_local_search_closes_with_a_time_limit() -> None:
    """The parameters a model is closed with carry a time limit, under a deadline and
    under a work limit alike: closing with a guided local search and none prints
    "GUIDED_LOCAL_SEARCH specified without sane timeout" on stderr (only until absl's
    logging is initialised in the process, so stderr is no reliable witness)."""
    for limits in (SolveLimits.within(1.0), SolveLimits.within(None, max_solutions=20)):
        params = OrToolsRouting()._parameters(limits)
        assert params.HasField("time_limit") and params.time_limit.ToMilliseconds() > 0
