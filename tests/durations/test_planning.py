"""Planning with learned durations: each technician's learned quantile of an order's
minutes reaches every back-end and the checker; fixed durations and crews keep theirs."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import optimizer
from optimizer.models import OrderType
from optimizer.models.durations import DurationGroup, DurationModel

from conftest import make_order, make_problem, make_technician, solve_checked

SOLVERS = ("auto", "search", "insertion", "ortools", "vroom", "legacy")


def model(sd: float = 0.0) -> DurationModel:
    """T1's repairs take twice the planned minutes, T2's as planned; anything else as planned."""
    return DurationModel(
        groups=(
            DurationGroup(type=OrderType.REPAIR, technician_id="T1", mean_log=math.log(2), sd_log=sd, visits=50),
            DurationGroup(type=OrderType.REPAIR, technician_id="T2", mean_log=0.0, sd_log=sd, visits=50),
            DurationGroup(mean_log=0.0, sd_log=0.0, visits=100),
        ),
        history_until=dt.date(2026, 11, 20),
        half_life_days=180,
        holdout_visits=0,
    )


def lengths(plan: optimizer.Plan) -> dict[str, tuple[str, float]]:
    return {
        s.order_id: (r.technician_id, (s.end - s.start).total_seconds() / 60)
        for r in plan.routes
        for s in r.stops
        if s.order_id
    }


@pytest.mark.parametrize("solver", SOLVERS)
def test_learned_minutes_per_technician_reach_every_back_end(solver: str) -> None:
    """Twelve one-hour repairs next door, T1 and T2 at home: T1 takes 2 h for each, so
    T2 does more of them and every visit lasts its technician's learned minutes."""
    orders = [make_order(f"R{k}", type="repair", duration_min=60) for k in range(12)]
    problem = make_problem(orders, [make_technician("T1"), make_technician("T2")], durations=model())
    got = lengths(solve_checked(problem, solver=solver))
    assert all(minutes == (120 if who == "T1" else 60) for who, minutes in got.values())
    assert sum(who == "T2" for who, _ in got.values()) > sum(who == "T1" for who, _ in got.values())


def test_the_quantile_and_fixed_durations() -> None:
    """With a spread of 0.2, the 0.9 quantile of T2's 60 minutes is 60 x exp(0.2 x 1.2816)
    (77.6); a fixed duration stays 60 whoever serves it."""
    orders = [make_order("R", type="repair"), make_order("F", type="repair", duration_fixed=True, lat=49.51)]
    problem = make_problem(orders, [make_technician("T2")], durations=model(0.2), duration_quantile=0.9)
    got = lengths(solve_checked(problem))
    assert got["R"][1] == pytest.approx(60 * math.exp(0.2 * 1.2815516), abs=1 / 60)
    assert got["F"][1] == 60


def test_the_checker_holds_visits_to_their_learned_minutes() -> None:
    problem = make_problem([make_order("R", type="repair")], [make_technician("T1")], durations=model())
    plan = solve_checked(problem)
    short = plan.model_copy(
        update={
            "routes": tuple(
                r.model_copy(
                    update={
                        "stops": tuple(
                            s.model_copy(update={"end": s.start + dt.timedelta(minutes=60)}) if s.order_id else s
                            for s in r.stops
                        )
                    }
                )
                for r in plan.routes
            )
        }
    )
    assert "duration" in optimizer.check(problem, short).kinds()
