"""The field-service lower bound: below every valid plan, and tight where nothing can be saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bound import lower_bound, shortest_drives_in

import optimizer
from optimizer.instance import compile_instance
from optimizer.models import Break, ClockInterval, Order, Problem, Technician
from optimizer.testing import problems as synthetic


@pytest.mark.parametrize(("orders", "days"), [(60, 1), (45, 3)])
def test_bound_lies_below_the_plans_of_the_search_and_the_legacy_engine(orders: int, days: int) -> None:
    """On a real night's mix (overdue backlog, an overloaded day), the bound is positive
    and no valid plan, ours or the legacy engine's, costs less."""
    problem = synthetic.problem(orders, max(4, orders // 15), days=days, seed=3, backlog=True)
    bound = lower_bound(compile_instance(problem))
    assert bound > 0
    for solver in ("search", "legacy"):
        plan = optimizer.solve(problem, time_limit=2, seed=0, solver=solver)
        report = optimizer.check(problem, plan)
        assert report.ok
        assert bound <= report.objective + 1e-6


def test_bound_is_every_leave_out_price_when_nobody_may_serve() -> None:
    """With no technician-day allowed to serve anything, every order is left out: the
    bound is the sum of the leave-out prices, exactly."""
    instance = compile_instance(synthetic.problem(30, 3, seed=1, backlog=True))
    nobody = dataclasses.replace(
        instance,
        supply_compatible=np.zeros_like(instance.supply_compatible),
        multi_day_compatible=np.zeros_like(instance.multi_day_compatible),
    )
    assert lower_bound(nobody) == pytest.approx(float(instance.order_unplanned_cost.sum()))


def test_bound_saves_nothing_without_working_time() -> None:
    """Technician-days that end where they start serve nothing: the bound is the sum
    of the leave-out prices; with their real hours it is lower."""
    instance = compile_instance(synthetic.problem(30, 3, seed=1))
    total = float(instance.order_unplanned_cost.sum())
    no_time = dataclasses.replace(instance, vehicle_latest_end_s=instance.vehicle_shift_start_s)
    assert lower_bound(no_time) == pytest.approx(total)
    assert lower_bound(instance) < total - 1.0


def test_no_visit_is_reached_by_a_shorter_drive_than_the_bound_allows() -> None:
    """Every visit of a checked plan (breaks, depots, overdue orders over two days) is
    reached by a drive at least as long as the bound's shortest drive into it."""
    problem = synthetic.problem(80, 5, days=2, seed=5, backlog=True)
    instance = compile_instance(problem)
    shortest = shortest_drives_in(instance)
    plan = optimizer.solve(problem, time_limit=2, seed=0, solver="search")
    assert optimizer.check(problem, plan).ok
    index = {order_id: k for k, order_id in enumerate(instance.order_ids)}
    visits = [stop for route in plan.routes for stop in route.stops if stop.kind == "order"]
    assert len(visits) > 40
    for stop in visits:
        assert stop.travel_min * 60 >= shortest[index[stop.order_id]] - 1.0  # minutes are rounded


def test_a_day_home_before_its_break_counts_the_time_the_break_would_take() -> None:
    """08:00-13:10 with a 30-minute break to start by 13:00, six 50-minute orders at
    home: all six end at 13:00, no break due, objective 0; the bound may not exceed it."""
    technician = Technician(
        id="T1",
        lat=49.49,
        lon=8.47,
        shift=ClockInterval(start=dt.time(8), end=dt.time(13, 10)),
        **{"break": Break(start=dt.time(12), end=dt.time(13), duration_min=30)},
    )
    orders = tuple(Order(id=f"O{k}", lat=49.49, lon=8.47, duration_min=50) for k in range(6))
    problem = Problem(orders=orders, technicians=(technician,), start=dt.date(2026, 11, 23), days=1, tz="Europe/Berlin")
    plan = optimizer.solve(problem, solver="search", max_solutions=200, time_limit=None)
    report = optimizer.check(problem, plan)
    assert report.ok and plan.kpis.orders_planned == 6
    assert lower_bound(compile_instance(problem)) <= report.objective + 1e-6
