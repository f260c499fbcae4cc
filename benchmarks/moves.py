"""Move evaluations per second: our search core against PyVRP's local search, on one
VRPTW instance, in one run.

    python benchmarks/run.py moves --instances R101 --time-limit 10 --out results/moves

Ours: insertion positions weighed per second by the core's ruin and recreate (each
O(1): whether the order and the stop after it can be reached in time, from the route's
latest arrivals, and the travel it adds, a lower bound on its cost), and of those the
routes timed and priced in full per second (windows, lateness, breaks, overtime,
O(route length) each). PyVRP: moves evaluated per second by its local search
(relocate, swap and 2-opt* operators on random solutions; O(1) each, by concatenating
route segments). The units differ on purpose: the table shows what each search does
per second, not that the searches are alike.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from optimizer.instance import compile_instance
from optimizer.solvers import _field_search as core
from optimizer.solvers.field_search import arrays

from peers import pyvrp_data
from vrptw import read, to_problem

FOLDER = "solomon"


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One row per instance: our positions weighed and routes timed per second, PyVRP's
    moves per second, and the ratio of positions to moves."""
    from run import INSTANCES

    names = (args.instances or "R101").split(",")
    rows = []
    for name in names:
        path = INSTANCES / FOLDER / f"{name}.txt"
        if not path.is_file():
            print(f"skipped: {path} not found (expected ../shared/instances beside the project checkout)")
            continue
        bench = read(path)
        problem, travel = to_problem(bench)
        instance = compile_instance(problem, travel)
        began = time.perf_counter()
        found = core.solve(core.Problem(arrays(instance)), [], args.seed, -1, args.time_limit)
        seconds = time.perf_counter() - began
        theirs = _pyvrp_moves_per_second(bench, args.time_limit, args.seed)
        rows.append(
            {
                "instance": name,
                "ours_positions_per_s": round(found["positions"] / seconds),
                "ours_routes_per_s": round(found["evaluations"] / seconds),
                "pyvrp_moves_per_s": round(theirs),
                "ratio": round(found["positions"] / seconds / theirs, 3),
                "valid": True,
            }
        )
    print(f"{'instance':10} {'ours positions/s':>17} {'ours routes/s':>14} {'pyvrp moves/s':>14} {'ratio':>7}")
    for row in rows:
        print(
            f"{row['instance']:10} {row['ours_positions_per_s']:>17,} {row['ours_routes_per_s']:>14,} "
            f"{row['pyvrp_moves_per_s']:>14,} {row['ratio']:>7}"
        )
    return rows


def _pyvrp_moves_per_second(bench: Any, seconds: float, seed: int) -> float:
    """PyVRP's local search applied to random solutions for ``seconds``: moves evaluated per second."""
    import pyvrp
    from pyvrp.search import OPERATORS, LocalSearch, compute_neighbours

    data = pyvrp_data(bench)
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    search = LocalSearch(data, rng, compute_neighbours(data))
    for operator in OPERATORS:
        if operator.supports(data):
            search.add_operator(operator(data))
    evaluator = pyvrp.CostEvaluator([20.0], 6.0, 0.0)
    moves = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        search(pyvrp.Solution.make_random(data, rng), evaluator)
        moves += search.statistics.num_moves
    return moves / (time.perf_counter() - began)
