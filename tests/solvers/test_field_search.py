"""Our own search (``search``): the core prices routes exactly as the scheduler does,
valid plans, the same routes for the same seed under a work limit, every order that
fits inserted, parts fetched where it costs least, and the instance handed to the core
as flat arrays of fixed types. Every plan is re-checked by the independent checker."""

from __future__ import annotations

import time

import numpy as np
import pytest

from optimizer.instance import compile_instance
from optimizer.models import StopKind
from optimizer.solvers import _field_search as core
from optimizer.solvers.base import SolveLimits
from optimizer.solvers.cost import balance_cost
from optimizer.solvers.field_search import FieldSearch, arrays
from optimizer.solvers.schedule import routes_cost, schedule_all, schedule_route
from optimizer.testing import problems as synthetic

from conftest import HOME, depot, lunch, make_order, make_problem, make_technician, solve_checked, stops_of, window


@pytest.mark.parametrize(("seed", "rules"), [(0, False), (1, False), (2, False), (0, True), (1, True)])
def test_the_core_prices_every_route_as_the_scheduler_does(seed: int, rules: bool) -> None:
    """Random routes (orders and depot pickups) on a generated two-day night with long
    jobs, two windows, overdue orders, priced waiting and overtime (and with ``rules``
    preferences, weekday shifts, absences, efficiency and day limits): the core's cost
    is the scheduler's full cost to 1e-9, and both agree on which routes have no schedule."""
    problem = synthetic.problem(
        120, 8, days=2, seed=seed, backlog=True, parts_share=0.3, off_van_share=0.5, rules=rules
    )
    rng = np.random.default_rng(seed)
    long_jobs = {o.id: {"duration_min": float(rng.integers(300, 420))} for o in problem.orders[::9]}
    problem = problem.with_changes(weights={"waiting_per_min": 0.5, "overtime_per_min": 3.0}, update_orders=long_jobs)
    instance = compile_instance(problem)
    priced = core.Problem(arrays(instance))
    kinds = list(range(instance.n_orders, instance.n_orders + instance.pickup_depot.size))
    feasible = inside = 0
    for _ in range(1500):
        vehicle = int(rng.integers(instance.n_vehicles))
        allowed = np.flatnonzero(instance.supply_compatible[vehicle])
        if allowed.size == 0:
            continue
        stops = [int(o) for o in rng.choice(allowed, int(rng.integers(1, min(10, allowed.size) + 1)), replace=False)]
        stops.sort(key=lambda o: int(instance.order_windows_s[o, 0, 0]))
        if rng.random() < 0.3:
            stops.insert(int(rng.integers(len(stops) + 1)), int(rng.choice(kinds)))
        timed = schedule_route(instance, vehicle, stops)
        cost = core.route_cost(priced, vehicle, stops)
        if timed is None:
            assert cost == np.inf, (vehicle, stops)
            continue
        feasible += 1
        inside += timed.break_inside
        assert cost == pytest.approx(timed.full_cost(instance), rel=1e-9, abs=1e-9), (vehicle, stops)
    assert feasible > 300 and inside > 10  # the cases that matter were met


@pytest.mark.parametrize("seed", range(2))
def test_the_cores_objective_with_fair_days_is_the_schedulers(seed: int) -> None:
    """The core's own objective of its plan (routes, orders left out, fair days kept
    incrementally) equals the scheduler's objective of the same routes."""
    problem = synthetic.problem(80, 6, days=2, seed=seed, backlog=True, rules=True)
    instance = compile_instance(problem.with_changes(weights={"balance": 5.0}))
    problem_arrays = core.Problem(arrays(instance))
    found = core.solve(problem_arrays, [[]] * instance.n_vehicles, seed=seed, max_iterations=300, time_limit_s=-1.0)
    routes = {v: tuple(seq) for v, seq in enumerate(found["routes"]) if seq}
    assert found["cost"] == pytest.approx(routes_cost(instance, routes), rel=1e-9)
    busy = {v: timed.busy_s(instance) for v, timed in schedule_all(instance, dict(routes)).items()}
    assert balance_cost(instance, busy) > 1.0  # the fair-days term is there to get right


def test_parts_orders_go_to_the_technician_next_door() -> None:
    """Three orders needing a part, next to one technician and a depot that stocks it;
    another technician 45 km away has one unit in his van: the neighbour fetches the
    parts at the depot and serves all three (the van-first rule sent them away)."""
    orders = [make_order(f"O{k}", lat=HOME[0] + 0.01 * k, lon=HOME[1] + 0.01, parts={"P-7": 1}) for k in range(3)]
    near = make_technician("NEAR")
    far = make_technician("FAR", lat=HOME[0] + 0.40, lon=HOME[1], van_stock={"P-7": 1})
    problem = make_problem(orders, [near, far], depots=(depot(stock={"P-7": 10}),))
    plan = solve_checked(problem, max_solutions=200)
    assert plan.info.status.startswith("search: ")
    assert {r.technician_id for r in plan.routes if r.order_ids} == {"NEAR"}
    assert plan.kpis.orders_planned == 3
    ((route, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert route.technician_id == "NEAR" and pickup.picked == {"P-7": 3}


@pytest.mark.parametrize("seed", range(3))
def test_generated_nights_with_parts_and_backlog_are_valid(seed: int) -> None:
    """Generated two-day nights with scarce parts, overdue orders, two windows and long
    jobs: the search's plans (pickups included) pass the checker."""
    problem = synthetic.problem(80, 5, days=2, seed=seed, backlog=True, parts_share=0.4, off_van_share=0.4)
    plan = solve_checked(problem, solver="search", max_solutions=300, time_limit=None)
    assert plan.kpis.orders_planned > 0


def test_a_work_limit_and_a_seed_give_the_same_plan() -> None:
    problem = synthetic.problem(40, 3, seed=4)
    first = solve_checked(problem, solver="search", max_solutions=200, time_limit=None, seed=1)
    again = solve_checked(problem, solver="search", max_solutions=200, time_limit=None, seed=1)
    assert first.routes == again.routes and first.info.solver == "search"
    assert "iterations" in first.info.status


def test_every_order_that_fits_is_planned_from_empty_routes() -> None:
    """Six one-hour orders near home, two technicians with lunch: room for all."""
    orders = [make_order(f"O{k}", lat=49.49 + 0.005 * k) for k in range(6)]
    problem = make_problem(orders, [make_technician("A", break_=lunch()), make_technician("B", lat=49.52)])
    instance = compile_instance(problem)
    result = FieldSearch().solve(instance, SolveLimits.within(None, max_solutions=50))
    assert sorted(o for seq in result.routes.values() for o in seq) == list(range(6))
    plan = solve_checked(problem, solver=FieldSearch(), max_solutions=50, time_limit=None)
    assert plan.kpis.orders_planned == 6


def test_the_search_starts_from_the_routes_given() -> None:
    """Started from a route that holds every order, with no iterations to change it."""
    orders = [make_order(f"O{k}", lat=49.49 + 0.005 * k) for k in range(3)]
    instance = compile_instance(make_problem(orders, [make_technician()]))
    result = FieldSearch().improve(instance, {0: (2, 0, 1)}, SolveLimits.within(None, max_solutions=1))
    assert sorted(result.routes[0]) == [0, 1, 2]


def test_the_core_reads_flat_contiguous_arrays() -> None:
    orders = [make_order("A"), make_order("B", skills={"gas": 1})]
    instance = compile_instance(make_problem(orders, [make_technician(break_=lunch())]))
    given = arrays(instance)
    assert (given["n_orders"], given["n_vehicles"], given["n_locations"]) == (2, 1, 3)
    assert given["travel_s"].dtype == np.int32 and given["travel_s"].shape == (9,)
    assert given["order_windows_s"].dtype == np.int64 and given["order_windows_s"].flags.c_contiguous
    assert given["compatible"].tolist() == [1, 0]  # nobody has gas
    assert np.isfinite(given["vehicle_capacity"]).all()  # unlimited vans: the largest float


def test_an_order_draws_from_an_earlier_pickup_that_stocks_its_part() -> None:
    """Depot 1 has part A, depot 2 part B: the technician calls at both, then serves Y
    (needs B) and X (needs A, drawn from the first pickup, not the latest)."""
    parts_a = depot("D1", lat=HOME[0], lon=8.42, stock={"A": 5})
    parts_b = depot("D2", lat=HOME[0], lon=8.50, stock={"B": 5})
    y = make_order("Y", lat=HOME[0], lon=8.52, parts={"B": 1}, windows=(window("09:00", "10:00"),))
    x = make_order("X", lat=HOME[0], lon=8.54, parts={"A": 1}, urgency="emergency", windows=(window("10:30", "10:35"),))
    problem = make_problem([y, x], [make_technician(lon=8.40)], depots=(parts_a, parts_b))
    plan = solve_checked(problem, solver="search", max_solutions=200, time_limit=None)
    assert plan.kpis.orders_planned == 2
    assert [p.picked for _, p in stops_of(plan, StopKind.PICKUP)] == [{"A": 1}, {"B": 1}]


@pytest.mark.parametrize(
    "near",
    [
        {"stock": {"A": 1}},  # the two nearest depots hold one unit each, the order needs two
        {"stock": {"A": 2}, "hours": (14, 18)},  # they open after the order's window
    ],
)
def test_a_farther_depot_is_tried_where_the_nearest_cannot_supply(near: dict) -> None:
    depots = (depot("D1", lat=49.495, lon=8.475, **near), depot("D2", lat=49.497, lon=8.477, **near))
    far = depot("D3", lat=49.56, lon=8.56, stock={"A": 5})
    order = make_order(parts={"A": 2}, windows=(window("08:00", "10:00"),))
    plan = solve_checked(make_problem([order], [make_technician()], depots=(*depots, far)), solver="search")
    assert plan.kpis.orders_planned == 1
    ((_, pickup),) = stops_of(plan, StopKind.PICKUP)
    assert pickup.depot_id == "D3"


def test_a_multi_day_job_keeps_the_pickups_the_search_planned() -> None:
    """The emergency's part is only to be had at a depot that opens after its Tuesday
    window: the search fetches it on Monday. An unrelated two-day job added after the
    search used to send every route back to the supply pass, which cannot plan that."""
    tuesday_early = make_order("E", parts={"A": 1}, urgency="emergency", windows=(window("07:01", "08:01", 1),))
    long_job = make_order("LONG", lat=49.60, lon=8.47, duration_min=900)
    technicians = [
        make_technician("T1", shift={"start": "07:00", "end": "17:00"}),
        make_technician("T2", lat=49.60, shift={"start": "07:00", "end": "17:00"}),
    ]
    store = depot(hours=(9, 17), stock={"A": 1})
    for orders in ([tuesday_early], [tuesday_early, long_job]):
        plan = solve_checked(make_problem(orders, technicians, days=3, depots=(store,)), solver="search")
        assert plan.kpis.orders_planned == len(orders), plan.info.status


def test_no_time_left_returns_no_routes_at_once() -> None:
    """Where compiling took the whole limit, the search builds nothing (a start of 5,000
    orders over five days took 2 s past such a deadline) and says why."""
    instance = compile_instance(synthetic.problem(40, 3, days=2, seed=0, backlog=True))
    result = FieldSearch().solve(instance, SolveLimits(deadline=time.perf_counter() - 1.0))
    assert result.routes == {} and result.status == "no time left to search"
    assert result.objective == pytest.approx(float(instance.order_unplanned_cost.sum()))


def test_the_core_ends_after_patience_iterations_without_a_better_plan() -> None:
    """With ``patience`` the core stops that many iterations after its best plan last
    improved, far below a work limit it would otherwise run to, and says so; without
    it, the work limit ends the search."""
    orders = [make_order(f"O{k}", lat=49.49 + 0.005 * k) for k in range(4)]
    instance = compile_instance(make_problem(orders, [make_technician(break_=lunch())]))
    problem, empty = core.Problem(arrays(instance)), [[] for _ in range(instance.n_vehicles)]
    patient = core.solve(problem, empty, 0, max_iterations=10**9, time_limit_s=-1.0, patience=500)
    assert patient["converged"] and 500 <= patient["iterations"] < 10_000
    bounded = core.solve(problem, empty, 0, max_iterations=2_000, time_limit_s=-1.0)
    assert not bounded["converged"] and bounded["iterations"] == 2_000


def test_a_small_night_converges_long_before_its_limits() -> None:
    """Ten orders under a work limit of ten million iterations (hours without an end on
    convergence) and under a minute's time limit: the search ends once no round finds
    a better plan, with the same plan for the same seed."""
    problem = synthetic.problem(10, 2, seed=0)
    first = solve_checked(problem, solver="search", max_solutions=10**7, time_limit=None, seed=3)
    again = solve_checked(problem, solver="search", max_solutions=10**7, time_limit=None, seed=3)
    assert first.routes == again.routes and "(converged)" in first.info.status
    timed = solve_checked(problem, solver="search", max_solutions=None, time_limit=60.0, seed=3)
    assert "(converged)" in timed.info.status


def test_rounding_does_not_count_as_a_better_plan() -> None:
    """Twelve orders whose best plan is found at once: the core's running cost then
    drifts by about 1e-10 of itself (a route driven in reverse costs the same), which
    once restarted the patience count again and again (2.5 million iterations, a minute,
    where 12,000 after the last real improvement were meant)."""
    instance = compile_instance(synthetic.problem(12, 2, seed=150, backlog=True, parts_share=0.0))
    problem = core.Problem(arrays(instance))
    start = core.solve(problem, [[] for _ in range(instance.n_vehicles)], 0, max_iterations=0, time_limit_s=-1.0)
    found = core.solve(problem, start["routes"], 7, max_iterations=2_000_000, time_limit_s=-1.0, patience=12_000)
    assert found["converged"] and found["iterations"] < 200_000
