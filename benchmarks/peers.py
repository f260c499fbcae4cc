"""Open-source peers on the same VRPTW benchmark, each given the same integer matrix.

Each peer returns routes as lists of customer numbers; the runner re-checks them with
our scheduler and checker. Matrices are DIMACS distances x 10 as integers (exact), used
as both travel time and cost, with windows, service times and the depot window x 10.
PyVRP, VROOM (pyvroom) and OR-tools are all core dependencies of the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np

from vrptw import Benchmark

Routes = list[list[int]]


def _scaled(bench: Benchmark) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Matrix, ready, due and service times x 10 as int64 (exact under DIMACS)."""
    matrix = np.rint(bench.distances() * 10).astype(np.int64)
    as_int = lambda a: np.rint(np.asarray(a) * 10).astype(np.int64)  # noqa: E731
    return matrix, as_int(bench.ready), as_int(bench.due), as_int(bench.service)


def pyvrp_alone(bench: Benchmark, seconds: float, seed: int = 0) -> Routes:
    """PyVRP's search straight on the benchmark (one process)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    best = pyvrp.solve(pyvrp_data(bench), stop=MaxRuntime(seconds), seed=seed, collect_stats=False).best
    return [[a.idx + 1 for a in route if a.is_client()] for route in best.routes()]


def pyvrp_data(bench: Benchmark) -> Any:
    """The benchmark as PyVRP's ``ProblemData`` (times and distances in scaled units)."""
    import pyvrp

    matrix, ready, due, service = _scaled(bench)
    n = len(bench.xy)
    return pyvrp.ProblemData(
        [pyvrp.Location(x=float(x), y=float(y)) for x, y in bench.xy],
        [
            pyvrp.Client(
                location=c,
                delivery=[int(bench.demand[c])],
                service_duration=int(service[c]),
                tw_early=int(ready[c]),
                tw_late=int(due[c]),
            )
            for c in range(1, n)
        ],
        [pyvrp.Depot(location=0, tw_early=int(ready[0]), tw_late=int(due[0]))],
        [
            pyvrp.VehicleType(
                num_available=bench.vehicles,
                capacity=[int(bench.capacity)],
                tw_early=int(ready[0]),
                tw_late=int(due[0]),
            )
        ],
        [matrix],
        [matrix],
    )


def ortools_plain(bench: Benchmark, seconds: float, seed: int = 0) -> Routes:
    """Plain OR-tools routing: path-cheapest-arc, guided local search, one vehicle each."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    matrix, ready, due, service = _scaled(bench)
    n = len(bench.xy)
    manager = pywrapcp.RoutingIndexManager(n, bench.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitMatrix(matrix.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    timing = routing.RegisterTransitMatrix((matrix + service[:, None]).tolist())
    routing.AddDimension(timing, int(due[0]), int(due[0]), False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for c in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(c)).SetRange(int(ready[c]), int(due[c]))
    demand = routing.RegisterUnaryTransitVector([int(d) for d in bench.demand])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [int(bench.capacity)] * bench.vehicles, True, "Load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return []
    routes = []
    for v in range(bench.vehicles):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return [r for r in routes if r]


def vroom_peer(bench: Benchmark, seconds: float, seed: int = 0, threads: int = 2) -> Routes:
    """VROOM (pyvroom), exploration level 5, with ``threads`` threads."""
    import vroom

    matrix, ready, due, service = _scaled(bench)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=matrix.tolist())
    problem.add_vehicle(
        [
            vroom.Vehicle(
                k + 1,
                start=0,
                end=0,
                capacity=[int(bench.capacity)],
                time_window=vroom.TimeWindow(int(ready[0]), int(due[0])),
            )
            for k in range(bench.vehicles)
        ]
    )
    problem.add_job(
        [
            vroom.Job(
                c,
                location=c,
                default_service=int(service[c]),
                delivery=[int(bench.demand[c])],
                time_windows=[vroom.TimeWindow(int(ready[c]), int(due[c]))],
            )
            for c in range(1, len(bench.xy))
        ]
    )
    solution = problem.solve(exploration_level=5, nb_threads=threads, timeout=timedelta(seconds=seconds))
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    return [list(map(int, group["id"])) for _, group in jobs.groupby("vehicle_id", sort=True)]


PEERS: dict[str, Callable[..., Routes]] = {
    "pyvrp": pyvrp_alone,
    "ortools": ortools_plain,
    "vroom": vroom_peer,
}
