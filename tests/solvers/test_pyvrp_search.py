"""PyVRP back-end: the routing core it models exactly, and a clear refusal of the rest."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning

from optimizer.instance import compile_instance
from optimizer.models import ClockInterval, Depot, StopKind, Unavailable, Urgency
from optimizer.models.events import Events
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.pyvrp_search import PyVrpSearch, unsupported

from conftest import (
    FAR,
    at,
    lunch,
    make_order,
    make_problem,
    make_technician,
    replanned,
    routing_core,
    solve_checked,
    window,
)


def test_pyvrp_solves_routing_core() -> None:
    """Windows, capacities and two homes: every order served, the checker agrees; the
    probe with every order required succeeds, so the search keeps them required."""
    plan = solve_checked(routing_core(), solver="pyvrp", max_solutions=300)
    assert plan.kpis.orders_planned == 10
    assert "all orders required" in plan.info.status
    loads = {r.technician_id: len(r.order_ids) for r in plan.routes}
    assert loads.get("A", 0) <= 4 and loads.get("B", 0) <= 6


def test_pyvrp_leaves_out_an_order_cheaper_left_out_though_all_fit() -> None:
    """Every order fits, but the far one's leave-out price (10) is below the hour of
    driving it takes: orders stay optional and it is left out (it was served while every
    order was kept required once a probe served them all)."""
    orders = [make_order("NEAR"), make_order("FAR", urgency=Urgency.LOW, **FAR)]
    weights = {"unplanned": {"emergency": 10_000, "high": 3_000, "normal": 1_000, "low": 10}}
    plan = solve_checked(make_problem(orders, [make_technician()], weights=weights), solver="pyvrp", max_solutions=300)
    assert [r.order_ids for r in plan.routes if r.order_ids] == [["NEAR"]]
    assert [u.order_id for u in plan.unplanned] == ["FAR"]
    assert "orders optional" in plan.info.status


def test_pyvrp_deterministic_with_iteration_limit() -> None:
    """Same problem, seed and iteration limit: the same routes."""
    first = solve_checked(routing_core(), solver="pyvrp", max_solutions=200, seed=3, time_limit=None)
    second = solve_checked(routing_core(), solver="pyvrp", max_solutions=200, seed=3, time_limit=None)
    assert first.routes == second.routes


def test_pyvrp_keeps_the_urgent_order_when_short_of_time() -> None:
    """Where not every order fits, orders become optional with their unplanned cost as
    prize: the high order wins the slot (an emergency would have the default SLA, a
    due time PyVRP cannot model)."""
    tech = make_technician(shift={"start": "08:00", "end": "10:00"})
    orders = [
        make_order("LOW", urgency=Urgency.LOW, duration_min=90),
        make_order("HIGH", urgency=Urgency.HIGH, duration_min=90),
    ]
    plan = solve_checked(make_problem(orders, [tech]), solver="pyvrp", max_solutions=200)
    assert plan.routes[0].order_ids == ["HIGH"]
    assert [u.order_id for u in plan.unplanned] == ["LOW"]
    assert "orders optional" in plan.info.status


@pytest.mark.parametrize(
    ("order_fields", "technician_fields", "reason"),
    [
        ({}, {"break_": lunch()}, "lunch breaks"),
        ({"windows": (window("08:00", "09:00"), window("14:00", "15:00"))}, {}, "several time windows"),
        ({"due": window("09:00", "09:00").start}, {}, "SLA due times"),
    ],
)
def test_pyvrp_refuses_what_it_cannot_model(order_fields, technician_fields, reason) -> None:
    """Breaks, several windows and binding due times are named; ``auto`` then runs our
    search, which models them exactly."""
    problem = make_problem(
        [make_order("A", **order_fields), make_order("B")],
        [make_technician("T1", **technician_fields), make_technician("T2", **FAR)],
    )
    instance = compile_instance(problem)
    assert reason in (unsupported(instance) or "")
    with pytest.raises(ValueError, match=reason):
        PyVrpSearch().solve(instance, SolveLimits.within(1))
    plan = solve_checked(problem, solver="auto")
    assert plan.info.status.startswith("search: ")
    assert plan.kpis.orders_planned == 2


def test_pyvrp_prices_overtime_exactly() -> None:
    """Overtime past shift end is allowed up to the maximum and priced per minute: the
    technician works over (150 minutes of work in a 120-minute shift) rather than leave a normal order unplanned."""
    tech = make_technician(shift={"start": "08:00", "end": "10:00"}, max_overtime_min=45)
    orders = [make_order("A", duration_min=75), make_order("B", duration_min=75)]
    problem = make_problem(orders, [tech])
    assert unsupported(compile_instance(problem)) is None
    plan = solve_checked(problem, solver="pyvrp")
    assert plan.kpis.orders_planned == 2
    assert 30 < plan.kpis.overtime_min <= 45  # 150 minutes of work plus the drives


def test_pyvrp_respects_skills_through_profiles() -> None:
    """Technician-order restrictions are routing profiles: the gas order goes to the
    only gas technician even though the other one lives next door."""
    orders = [make_order("GAS", skills={"gas": 2}), make_order("ANY", **FAR)]
    techs = [make_technician("NEAR"), make_technician("GASMAN", **FAR, skills={"gas": 2})]
    plan = solve_checked(make_problem(orders, techs), solver="pyvrp")
    served_by = {o: r.technician_id for r in plan.routes for o in r.order_ids}
    assert served_by == {"GAS": "GASMAN", "ANY": "GASMAN"}


def test_pyvrp_routes_are_supplied_with_parts() -> None:
    """PyVRP does not see parts; the supply pass after it uses the van unit for the
    high order and fetches the second unit at the depot for the other order."""
    tech = make_technician(van_stock={"P-100": 1})
    depot = Depot(
        id="D1", lat=49.52, lon=8.50, hours=ClockInterval(start=dt.time(7), end=dt.time(18)), stock={"P-100": 1}
    )
    orders = [
        make_order("HIGH", urgency=Urgency.HIGH, parts={"P-100": 1}),
        make_order("NORMAL", parts={"P-100": 1}, lat=49.53, windows=(window("13:00", "16:00"),)),
    ]
    plan = solve_checked(make_problem(orders, [tech], depots=(depot,)), solver="pyvrp")
    assert plan.kpis.orders_planned == 2 and plan.kpis.pickups == 1
    pickup = next(s for r in plan.routes for s in r.stops if s.kind is StopKind.PICKUP)
    assert pickup.picked == {"P-100": 1}


def test_pyvrp_plans_days_cut_short_or_resumed_after_the_shift() -> None:
    """PyVRP (no breaks here) on a day cut at 14:00 and on one re-planned in overtime."""
    orders = [make_order(f"O{k}", lat=49.50 + 0.01 * k) for k in range(6)]
    problem = make_problem(orders, [make_technician("T1", max_overtime_min=60), make_technician("T2", lat=49.52)])
    plan = solve_checked(problem, solver="insertion")
    replanned(
        problem,
        plan,
        Events(now=at("10:00"), unavailable=(Unavailable(technician_id="T2", start=at("14:00")),)),
        solver="pyvrp",
    )
    replanned(
        problem,
        plan,
        Events(now=at("17:20"), new_orders=(make_order("E", lat=49.49, duration_min=20),)),
        solver="pyvrp",
    )


def test_pyvrp_penalty_warnings_stay_out_of_the_night_log(
    monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder, capfd: pytest.CaptureFixture[str]
) -> None:
    """PyVRP warns about its penalty bounds (seen on trivially feasible nights; here
    forced on every call): the warning reaches neither the caller nor stderr (one
    worker, so that the search runs in this process where the warnings are seen)."""
    real = pyvrp.solve

    def warning_solve(*args: object, **kwargs: object) -> object:
        warnings.warn("A penalty parameter has reached its maximum value.", PenaltyBoundWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pyvrp, "solve", warning_solve)
    problem = make_problem([make_order("O1", lon=8.46), make_order("O2", lon=8.48)], [make_technician("A")])
    instance = compile_instance(problem)
    found = PyVrpSearch(workers=1).solve(instance, SolveLimits(max_solutions=50))  # in this process
    assert sorted(o for route in found.routes.values() for o in route) == [0, 1]
    assert not [w for w in recwarn if issubclass(w.category, PenaltyBoundWarning)]
    assert "penalty" not in capfd.readouterr().err.lower()
