"""What is left of a re-plan: the orders no fixed stop serves, the stock the fixed stops
left on vans and in depots, and where each technician-day goes on."""

from __future__ import annotations

import pytest

from optimizer.instance.remaining import fixed_routes, remaining, resume_points
from optimizer.models import Delivery, Progress, Route, StopKind

from conftest import MONDAY, at, depot, make_order, make_problem, make_stop, make_technician


@pytest.fixture(scope="module")
def problem():
    """T1 (one P-1 on the van) collected two P-2 and a lift at D1 at 08:30, served A
    (one P-1) 09:00-10:00 and took the break 10:00-10:30 before now (10:45). D1 held one
    P-2; three arrived at 08:00, one more arrives at 12:00. B and T2 have no fixed stops."""
    fixed = Route(
        technician_id="T1",
        date=MONDAY,
        stops=(
            make_stop(StopKind.START, "08:00"),
            make_stop(
                StopKind.PICKUP,
                "08:30",
                "08:30",
                "08:40",
                depot_id="D1",
                picked={"P-2": 2},
                picked_tools=frozenset({"lift"}),
            ),
            make_stop(StopKind.ORDER, "09:00", "09:00", "10:00", order_id="A"),
            make_stop(StopKind.BREAK, "10:00", "10:00", "10:30"),
        ),
    )
    incoming = (
        Delivery(part="P-2", quantity=3, at=at("08:00")),
        Delivery(part="P-2", quantity=1, at=at("12:00")),
    )
    return make_problem(
        [make_order("A", lat=49.55, lon=8.55, parts={"P-1": 1}), make_order("B")],
        [make_technician("T1", van_stock={"P-1": 1}), make_technician("T2", van_stock={"P-1": 3})],
        depots=(depot(stock={"P-2": 1}, incoming=incoming),),
        progress=Progress(now=at("10:45"), fixed=(fixed,)),
    )


def test_what_is_left_to_plan(problem) -> None:
    """A is served; T1's van holds the P-2 collected, not the P-1 used, and the lift;
    the depot's unit went first, then one of the 08:00 delivery; the 12:00 one is untouched."""
    left = remaining(problem)
    assert left.progress is None
    assert [o.id for o in left.orders] == ["B"]
    t1, t2 = left.technicians
    assert t1.van_stock == {"P-2": 2} and t1.tools == frozenset({"lift"})
    assert t2 == problem.technicians[1]
    (d1,) = left.depots
    assert d1.stock == {}
    assert [(d.quantity, d.at) for d in d1.incoming] == [(2, at("08:00")), (1, at("12:00"))]


def test_a_day_goes_on_from_its_last_fixed_place_after_its_last_fixed_stop(problem) -> None:
    """After the break (10:30), from A's place; the break was taken."""
    (resume,) = resume_points(problem).values()
    assert list(resume_points(problem)) == [("T1", MONDAY)]
    assert (resume.lat, resume.lon, resume.at, resume.break_taken) == (49.55, 8.55, at("10:30"), True)


def test_a_day_with_only_its_start_fixed_goes_on_from_home(problem) -> None:
    start_only = problem.progress.fixed[0].model_copy(update={"stops": problem.progress.fixed[0].stops[:1]})
    home = problem.model_copy(update={"progress": problem.progress.model_copy(update={"fixed": (start_only,)})})
    (resume,) = resume_points(home).values()
    t1 = problem.technicians[0]
    assert (resume.lat, resume.lon, resume.at, resume.break_taken) == (t1.lat, t1.lon, at("08:00"), False)


def test_without_progress_nothing_is_fixed(problem) -> None:
    fresh = problem.model_copy(update={"progress": None})
    assert remaining(fresh) is fresh
    assert fixed_routes(fresh) == {} and resume_points(fresh) == {}
    assert fixed_routes(problem) == {("T1", MONDAY): problem.progress.fixed[0]}
