"""Fixed-work benchmarks of the engine's hot paths (pytest-benchmark).

Run: ``python -m pytest benchmarks/test_engine.py --benchmark-enable``. The test suite also runs them
once each with timing disabled (``--benchmark-disable`` in pyproject), so they do not rot.
Each benchmark does the same work on every run (no time limits), so numbers compare
across commits; the sample solve is one that finishes before its time limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import optimizer  # noqa: E402
from optimizer.instance import compile_instance  # noqa: E402
from optimizer.solvers.schedule import schedule_route  # noqa: E402
from optimizer.solvers.vroom_search import VroomSearch  # noqa: E402
from optimizer.travel import HaversineTravel  # noqa: E402

from conftest import MONDAY, SAMPLES, ZONE  # noqa: E402


@pytest.fixture(scope="module")
def sample() -> optimizer.Problem:
    """The bundled sample problem."""
    return optimizer.read_problem(
        SAMPLES / "orders.csv",
        SAMPLES / "technicians.csv",
        SAMPLES / "depots.csv",
        start=MONDAY,
        days=3,
        tz=ZONE,
    )


@pytest.mark.parametrize("points", [1000, 5000])
def test_bench_haversine_matrix(benchmark, points: int) -> None:
    """Travel matrix of 1,000 and 5,000 points (1 and 25 million pairs)."""
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(47, 55, points), rng.uniform(6, 15, points)
    matrix = benchmark(HaversineTravel().matrix, lat, lon)
    assert matrix.size == points


def test_bench_read_sample(benchmark) -> None:
    """Reading and validating the sample CSVs."""
    problem = benchmark(
        optimizer.read_problem,
        SAMPLES / "orders.csv",
        SAMPLES / "technicians.csv",
        SAMPLES / "depots.csv",
        start=MONDAY,
        days=3,
        tz=ZONE,
    )
    assert len(problem.orders) == 154


def test_bench_compile_sample(benchmark, sample: optimizer.Problem) -> None:
    """Compiling the sample into its numeric instance."""
    instance = benchmark(compile_instance, sample)
    assert instance.n_vehicles > 0


def test_bench_schedule_route(benchmark, sample: optimizer.Problem) -> None:
    """Timing one 8-visit route with a break (tried in every gap)."""
    instance = compile_instance(sample)
    vehicle = 0
    candidates = np.flatnonzero(instance.compatible[vehicle])[:8].tolist()
    benchmark(schedule_route, instance, vehicle, candidates)


def test_bench_solve_sample_fixed_work(benchmark, sample: optimizer.Problem) -> None:
    """Solving the sample with VROOM (one run, no parts) and the insertion top-up, which run to completion
    well within the limit (fixed work); plan re-checked."""
    plan = benchmark.pedantic(
        optimizer.solve,
        args=(sample,),
        kwargs={"time_limit": 60, "solver": VroomSearch(exploration=5, by_parts=False)},
        rounds=1,
        iterations=1,
    )
    assert optimizer.check(sample, plan).ok


def test_bench_supply_generated_week(benchmark) -> None:
    """Supplying fixed routes of a generated 300-order, 5-day problem where a third of
    the orders need parts (van stock used up, pickups, no top-up): fixed work."""
    from optimizer.solvers.base import SolveLimits
    from optimizer.solvers.insertion import CheapestInsertion
    from optimizer.solvers.supply import supply
    from optimizer.testing import problems as synthetic

    problem = synthetic.problem(300, 20, days=5, seed=0, parts_share=1 / 3, off_van_share=0.2)
    instance = compile_instance(problem)
    routes = CheapestInsertion().solve(instance, SolveLimits.within(60))
    supplied = benchmark(supply, instance, routes, SolveLimits.within(0.0), top_up=False)
    assert supplied.pickups and sum(len(r) for r in supplied.routes.values()) > 0
