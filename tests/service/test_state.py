"""The service's plan state: changes one at a time, saved (``state.json``) before they
count, the folder's views rewritten; a failed change leaves everything as it was; a
restart prefers the saved state to stale views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimizer.exceptions import InvalidProblemError
from optimizer.io import read_plan, write_plan
from optimizer.models import Plan, Problem
from optimizer.service.state import STATE_FILE, PlanState

from conftest import make_order, make_problem, make_technician, solve_checked


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    problem = make_problem([make_order("O1")], [make_technician("T1")])
    write_plan(problem, solve_checked(problem), tmp_path / "plan")
    return tmp_path / "plan"


def with_second_order(problem: Problem, plan: Plan) -> tuple[Problem, Plan]:
    bigger = problem.with_changes(add_orders=[make_order("O2", lat=49.51)])
    return bigger, solve_checked(bigger)


def test_a_change_is_saved_then_current_and_the_views_follow(folder: Path) -> None:
    state = PlanState.load(folder)
    assert not (folder / STATE_FILE).exists()
    before, after = state.change(with_second_order)
    assert {o for r in before.routes for o in r.order_ids} == {"O1"}
    assert {o for r in after.routes for o in r.order_ids} == {"O1", "O2"}
    saved = json.loads((folder / STATE_FILE).read_text())
    assert Plan.model_validate(saved["plan"]) == after == state.current[1]
    assert read_plan(folder)[1] == after
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no staging file left


def test_a_failed_change_changes_nothing(folder: Path) -> None:
    state = PlanState.load(folder)
    current = state.current

    def broken(problem: Problem, plan: Plan) -> tuple[Problem, Plan]:
        raise ValueError("no")

    with pytest.raises(ValueError):
        state.change(broken)
    assert state.current is current and not (folder / STATE_FILE).exists()


def test_a_restart_takes_the_saved_state_over_stale_views(folder: Path) -> None:
    state = PlanState.load(folder)
    _, after = state.change(with_second_order)
    stale = make_problem([make_order("O1")], [make_technician("T1")])
    write_plan(stale, solve_checked(stale), folder)  # as if killed before the views were rewritten
    again = PlanState.load(folder)
    assert again.current[1] == after
    assert read_plan(folder)[1] == after
    (folder / STATE_FILE).write_text("{")
    with pytest.raises(InvalidProblemError, match=STATE_FILE):
        PlanState.load(folder)
