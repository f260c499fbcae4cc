"""VROOM back-end: its approximation of the model, and what the engine adds on top."""

from __future__ import annotations

import re

from optimizer.instance import compile_instance
from optimizer.models import Urgency
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.vroom_search import VroomSearch
from optimizer.testing import problems as synthetic

from conftest import make_order, make_problem, make_technician, overdue_emergency, solve_checked


def test_vroom_leaves_out_what_misses_its_deadline_and_the_top_up_serves_it_late() -> None:
    """VROOM treats the due time as a deadline and cannot serve the emergency; the
    insertion top-up serves it late, which costs far less than leaving it out."""
    instance = compile_instance(overdue_emergency())
    alone = VroomSearch(top_up=False).solve(instance, SolveLimits.within(2))
    assert 0 not in {o for r in alone.routes.values() for o in r}
    plan = solve_checked(overdue_emergency(), solver="vroom")
    assert "1 inserted after" in plan.info.status
    assert plan.kpis.orders_planned == 2
    assert plan.routes[0].order_ids[0] == "EMERGENCY"


def test_vroom_priorities_keep_the_urgent_order() -> None:
    """Room for one order: the emergency's priority beats the low order's."""
    tech = make_technician(shift={"start": "08:00", "end": "10:00"})
    orders = [
        make_order("LOW", urgency=Urgency.LOW, duration_min=90),
        make_order("EMERGENCY", urgency=Urgency.EMERGENCY, duration_min=90),
    ]
    plan = solve_checked(make_problem(orders, [tech]), solver="vroom")
    assert [r.order_ids for r in plan.routes] == [["EMERGENCY"]]


def test_parts_never_worse_and_reproducible_under_a_work_limit() -> None:
    """Re-solving parts keeps only improvements (judged by our own cost): on this
    overloaded day some of six parts improve the plan; with a work limit (parts tried)
    the same seed gives the same plan."""
    problem = synthetic.problem(150, 10, days=1, seed=2)
    first = solve_checked(problem, solver=VroomSearch(by_parts=False), time_limit=20)
    parts = [solve_checked(problem, solver=VroomSearch(), time_limit=None, max_solutions=6, seed=1) for _ in range(2)]
    assert parts[0].kpis.objective < first.kpis.objective - 1
    improved = re.search(r"(\d+) parts improved", parts[0].info.status)
    assert improved is not None and int(improved.group(1)) >= 1
    assert parts[0].routes == parts[1].routes
