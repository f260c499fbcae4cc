"""The engine reaches the optimum of tiny problems, rule by rule.

The optimum comes from enumerating every plan (:mod:`optimizer.testing.oracle`, priced
by the scheduler) and is confirmed by the checker; the engine's plan, under a work
limit, must cost no more. The cases are the first seeds of every kind of
:mod:`optimizer.testing.tiny`, and the cases a reviewer's exhaustive run found the
engine losing (orders that pay only together, moves of several orders at once, PyVRP
keeping every order required).
"""

from __future__ import annotations

import pytest

import optimizer
from optimizer.decode.assemble import assemble_plan
from optimizer.instance import compile_instance
from optimizer.models import SolverInfo
from optimizer.solvers.base import SolveResult
from optimizer.testing.oracle import optimum
from optimizer.testing.tiny import KINDS, tiny_problem

from conftest import solve_checked

LOST = [  # (kind, seed, orders, technicians, days) the engine lost before, by what it missed
    ("base", 16, 4, 2, 2),  # orders that pay only together
    ("overdue", 16, 4, 2, 2),
    ("skills", 16, 4, 2, 2),
    ("prefs", 16, 4, 2, 2),
    ("long", 30, 4, 1, 2),  # several orders moved at once
    ("overtime", 7, 5, 2, 2),
    ("waiting", 12, 4, 2, 2),
    ("prefs", 33, 4, 2, 2),
    ("pyvrp", 1, 4, 1, 2),  # PyVRP kept every order required
    ("pyvrp", 3, 4, 1, 2),
    ("pyvrp", 8, 4, 2, 2),
    ("pyvrp", 16, 4, 2, 1),
    ("pyvrp", 23, 4, 1, 2),
    ("pyvrp", 28, 5, 2, 1),
    ("pyvrp", 39, 5, 2, 2),
]
SAMPLE = [(kind, seed, 4, 2, 1) for kind in KINDS for seed in range(2)] + [
    (kind, seed, 5, 1, 2) for kind in ("base", "long", "overtime", "waiting") for seed in range(2)
]


@pytest.mark.parametrize("case", LOST + SAMPLE, ids=lambda case: "-".join(map(str, case)))
def test_the_engine_reaches_the_optimum(case: tuple[str, int, int, int, int]) -> None:
    problem = tiny_problem(*case)
    instance = compile_instance(problem)
    value, routes = optimum(instance)
    result = SolveResult(routes=routes, objective=value, status="enumerated", solve_s=0.0)
    best = optimizer.check(problem, assemble_plan(problem, instance, result, SolverInfo(solver="oracle")))
    assert best.ok, str(best)
    assert best.objective == pytest.approx(value, rel=1e-9)  # the scheduler prices as the checker
    work = 4_000 if case[0] == "pyvrp" else 40_000  # PyVRP's iterations take longer than ours
    plan = solve_checked(problem, max_solutions=work, time_limit=60.0, seed=0)
    assert plan.kpis.objective <= value * (1 + 1e-9) + 1e-6, f"{plan.kpis.objective:.3f} > optimum {value:.3f}"
