"""Plan diffs: a hand-made pair of plans gives the expected rows."""

from __future__ import annotations

import pytest

import optimizer
from optimizer.models import Plan, Route, Stop, StopKind, UnplannedOrder, Urgency

from conftest import at, make_order, make_problem, make_technician, solve_checked


def _plan(template: Plan, visits: dict[str, list[tuple[str, str]]], unplanned: list[str]) -> Plan:
    """``template`` with routes {technician: [(order, "HH:MM" start)]} and unplanned orders."""
    routes = []
    for technician, stops in visits.items():
        inner = [Stop(kind=StopKind.ORDER, order_id=o, arrival=at(t), start=at(t), end=at(t)) for o, t in stops]
        first, last = at(stops[0][1]), at(stops[-1][1])
        routes.append(
            Route(
                technician_id=technician,
                date=first.date(),
                stops=(
                    Stop(kind=StopKind.START, arrival=first, start=first, end=first),
                    *inner,
                    Stop(kind=StopKind.END, arrival=last, start=last, end=last),
                ),
            )
        )
    gone = tuple(UnplannedOrder(order_id=o, urgency=Urgency.NORMAL, reason="not_enough_capacity") for o in unplanned)
    return template.model_copy(update={"routes": tuple(routes), "unplanned": gone})


@pytest.fixture(scope="module")
def template() -> Plan:
    """Any solved plan, for its KPIs and solver info (the diff reads only routes)."""
    return solve_checked(make_problem([make_order("X")], [make_technician()]))


def test_compare_names_each_kind_of_change(template: Plan) -> None:
    """Moved, retimed, newly planned, unplanned (with reason), added and removed orders,
    and nothing for the order that stayed."""
    before = _plan(
        template,
        {
            "T1": [("SAME", "08:00"), ("MOVE", "09:00"), ("SHIFT", "10:00"), ("DROP", "11:00")],
            "T2": [("GONE", "09:00")],
        },
        ["LATER"],
    )
    after = _plan(
        template,
        {
            "T1": [("SAME", "08:00"), ("SHIFT", "10:45"), ("LATER", "12:00")],
            "T2": [("MOVE", "09:30"), ("NEW", "11:00")],
        },
        ["DROP"],
    )
    frame = optimizer.compare(before, after)
    rows = {r.order_id: r for r in frame.itertuples()}
    assert list(frame["change"]) == ["moved", "retimed", "newly_planned", "unplanned", "added", "removed"]
    assert (rows["MOVE"].technician_before, rows["MOVE"].technician_after, rows["MOVE"].shift_min) == ("T1", "T2", 30)
    assert rows["SHIFT"].shift_min == 45 and rows["DROP"].reason == "not_enough_capacity"
    assert "SAME" not in rows and rows["NEW"].change == "added" and rows["GONE"].change == "removed"
    assert str(frame["start_after"].dt.tz) == "Europe/Berlin"


def test_compare_of_a_plan_with_itself_is_empty(template: Plan) -> None:
    """No change, no rows (but the columns are there)."""
    frame = optimizer.compare(template, template)
    assert frame.empty and list(frame.columns)[:2] == ["order_id", "change"]
