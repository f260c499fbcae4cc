"""Plan regions in parallel on Dask (``dask.distributed``): a local cluster by
default, or any running cluster by its scheduler's address.

``solve_regions(problem, workers=2)`` splits the problem (:func:`optimizer.regions.split.split`),
sends each worker one region's problem (its orders, technicians and depots, not
a travel matrix: the worker builds its region's own), solves them within one time
budget (:mod:`optimizer.regions.budget`: shares by work over the worker slots, an
absolute deadline on every task), and merges the plans into one plan of the whole
problem, which the caller checks like any other. A region whose task raises, or has
not answered :data:`GRACE` seconds after the deadline, is tried once more where time
is left; if it fails again its orders come back unplanned with reason
``region_failed`` and the other regions' plans stand. ``region_time_limit`` gives
each region that many seconds instead (no shared budget).

The same engine runs scenario sweeps: :func:`optimizer.scenarios.run` takes
``client=``.

Determinism: each region is solved as ``solve`` would solve it alone, so the
same problem, seed and limits give the same regions and, where the back-end is
deterministic (``max_solutions``), the same plan whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from optimizer.models import Plan, Problem, SolveOptions, SolverInfo, UnplannedOrder
from optimizer.regions.budget import MIN_REGION_S, cut, shares, work
from optimizer.regions.merge import merge
from optimizer.regions.second_chance import NEIGHBOURS, second_chances
from optimizer.regions.split import MAX_TECHNICIANS, Region, split
from optimizer.solve import solve, with_options
from optimizer.solvers.cores import CORES_VARIABLE

logger = logging.getLogger("optimizer")

GRACE = 5.0
"""Seconds past a phase's deadline before a task still running counts as lost (a
worker that died never answers; a live one keeps its deadline by itself)."""
SECOND_CHANCE_SHARE = 0.5
"""With ``region_time_limit`` (no shared budget): part of a region's time limit it gets
to take in other regions' leftovers, each round."""
SECOND_CHANCE_RESERVE = 0.15
"""Under a shared budget, the part of the regions' time kept for second chances: the
first plans end by the rest, and the rounds share what is left then, one equal part
each. A round re-plans plans that stand (the repair, then our search for the round's
time) and needs at least :data:`MIN_REGION_S` per region it re-plans: at 20,000 orders
in 19 regions on 2 workers and 240 s, a tenth left too little for both rounds (each
round's re-plan problems also take the client 2-3 s to make). A night with nothing to
offer ends that much earlier."""
_OVERRUN = 1.1
"""A region's solve may overrun its time limit a little (assembly)."""
_PER_REGION_GRACE = 60.0
"""With ``region_time_limit``: seconds past the queue's time limits before a task counts as lost."""


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: of the cluster at ``scheduler`` (``tcp://host:8786``), or of a
    local cluster of ``workers`` processes, one thread each, closed afterwards. A solve
    uses up to two cores of its own; each local worker's solves are told their share of
    the machine's cores (``OPTIMIZER_CORES``, :mod:`optimizer.solvers.cores`), so that
    the workers do not oversubscribe it.

    The local workers are not daemonic, so that a solve may start processes of its
    own (PyVRP searches on two cores). Start the workers of a cluster of your own the
    same way: ``DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://host:8786``.
    """
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    share = max(1, (os.cpu_count() or 1) // (workers or 1))  # cores each worker's solve may use
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            worker_dashboard_address=":0",
            env={CORES_VARIABLE: str(share)},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def solve_region(problem: Problem, options: SolveOptions) -> Plan:
    """One region's plan (what a worker runs): :func:`optimizer.solve` with ``options``."""
    return solve(problem, options)


Task = Callable[[Problem, SolveOptions], Plan]
"""What plans one region on a worker."""


def solve_regions(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    max_technicians: int = MAX_TECHNICIANS,
    neighbours: int = NEIGHBOURS,
    task: Task = solve_region,
    deadline: float | None = None,
    region_time_limit: float | None = None,
    **given: Any,
) -> Plan:
    """Plan ``problem`` region by region on Dask; ``options`` and ``given`` are those of
    :func:`optimizer.solve`. The time limit is the budget of this call: the regions
    share it (:mod:`optimizer.regions.budget`) and all are merged by ``deadline``
    (wall-clock, :func:`time.time`; default: now plus the time limit). With
    ``region_time_limit`` each region gets that many seconds instead, however many
    regions queue for the workers.

    ``client``: a ``dask.distributed.Client`` to use; else one of :func:`dask_client`
    with ``workers`` or ``scheduler``. Orders a region left out for want of time,
    stock or tools are then offered to up to ``neighbours`` neighbouring regions in
    turn, nearest first (:func:`optimizer.regions.second_chance.second_chances`; 0:
    none). Under the shared budget the first plans leave :data:`SECOND_CHANCE_RESERVE`
    of it to those rounds; with ``region_time_limit`` each round's regions get
    :data:`SECOND_CHANCE_SHARE` of it. ``task`` solves one region (a test may pass one
    that fails).
    """
    began = time.perf_counter()
    chosen = with_options(options, **given)
    options = with_options(chosen, time_limit=region_time_limit or chosen.seconds())
    if region_time_limit is None and deadline is None and options.time_limit is not None:
        deadline = time.time() + options.time_limit
    regions = split(problem, max_technicians=max_technicians)
    budget = None if region_time_limit is not None else deadline
    if client is None:
        with dask_client(workers, scheduler) as own:
            plans, failed, unplanned = _plan_with_neighbours(own, problem, regions, options, task, neighbours, budget)
    else:
        plans, failed, unplanned = _plan_with_neighbours(client, problem, regions, options, task, neighbours, budget)
    status = f"{len(plans)} of {len(regions)} regions planned" + (f", failed: {', '.join(failed)}" if failed else "")
    info = SolverInfo(
        solver=f"regions ({options.solver})",
        seed=options.seed,
        time_limit_s=options.time_limit,
        solve_s=time.perf_counter() - began,
        status=status,
        total_s=time.perf_counter() - began,
    )
    logger.info("regions: %s", status, extra={"event": "regions", "regions": len(regions), "failed": sorted(failed)})
    return merge(problem, plans, unplanned, failed, info)


def _plan_with_neighbours(
    client: Any,
    problem: Problem,
    regions: list[Region],
    options: SolveOptions,
    task: Task,
    neighbours: int,
    deadline: float | None,
) -> tuple[dict[str, Plan], dict[str, tuple[Region, str]], dict[str, UnplannedOrder]]:
    """The regions' plans, then up to ``neighbours`` rounds of second chances (in the
    time :data:`SECOND_CHANCE_RESERVE` keeps before ``deadline``): the plans of the regions that took other
    regions' leftovers in their place. Also the regions that failed, and each order
    any plan left unplanned with the latest reason given (a second chance that fails
    changes nothing)."""
    began = time.time()
    first = deadline
    if deadline is not None and neighbours > 0:
        first = began + (deadline - began) * (1.0 - SECOND_CHANCE_RESERVE)
    plans, failed = plan_regions(client, regions, options, task, deadline=first)
    unplanned = _leftovers(plans)
    current = {r.name: r for r in regions}
    tried: dict[str, list[str]] = {}
    shorter = (
        options
        if options.time_limit is None
        else with_options(options, time_limit=options.time_limit * SECOND_CHANCE_SHARE)
    )
    for turn in range(neighbours):
        until = deadline
        if deadline is not None:
            left = deadline - time.time()
            if left < MIN_REGION_S:
                logger.info(
                    "regions: %.1f s left, too little for second chances",
                    left,
                    extra={"event": "second_chances_skipped", "seconds_left": round(left, 3), "round": turn + 1},
                )
                break
            until = time.time() + left / (neighbours - turn)
        chances = second_chances(problem, list(current.values()), plans, tried, neighbours)
        if not chances:
            break
        if until is not None and (until - time.time()) * _slots(client) < MIN_REGION_S * len(chances):
            logger.info(
                "regions: too little time for %d second chances",
                len(chances),
                extra={
                    "event": "second_chances_skipped",
                    "seconds_left": round(until - time.time(), 3),
                    "round": turn + 1,
                },
            )
            break
        again, _ = plan_regions(client, chances, shorter, task, phase=f"second chance {turn + 1}", deadline=until)
        plans |= again
        unplanned |= _leftovers(again)
        current |= {r.name: r for r in chances if r.name in again}
    return plans, failed, unplanned


def _leftovers(plans: dict[str, Plan]) -> dict[str, UnplannedOrder]:
    return {u.order_id: u for plan in plans.values() for u in plan.unplanned}


def plan_regions(
    client: Any,
    regions: list[Region],
    options: SolveOptions,
    task: Task = solve_region,
    *,
    phase: str = "first",
    deadline: float | None = None,
) -> tuple[dict[str, Plan], dict[str, tuple[Region, str]]]:
    """Each region's plan by name (``task(region.problem, options)`` on the cluster,
    tried twice), and the regions that failed both times with what went wrong.

    With ``deadline`` (wall-clock), the regions share the time left by their work over
    the cluster's worker slots, each task's limit is cut to end by the deadline when it
    starts, a failed region is tried again only where time is left, and a task counts
    as failed when it raises or has not answered :data:`GRACE` seconds after the
    deadline. Without one, each task gets ``options``' time limit, and counts as failed
    when it has not answered a minute after the regions queued on the worker slots could
    all have used it (without a time limit, a task is waited for as long as it takes).
    Each plan is logged (event ``region_planned``, with ``phase``, the region's seconds
    and orders planned)."""
    from dask.distributed import wait

    slots = _slots(client)
    plans: dict[str, Plan] = {}
    errors: dict[str, str] = {}
    pending = list(regions)
    for attempt in range(2):
        if deadline is not None:
            left = deadline - time.time()
            if attempt and left < MIN_REGION_S:
                break
            given = shares([work(r.problem) for r in pending], slots, max(MIN_REGION_S, left))
            limits = [g if options.time_limit is None else min(g, options.time_limit) for g in given]
            wait_s: float | None = max(MIN_REGION_S, left) * _OVERRUN + GRACE
            futures = {
                region.name: client.submit(
                    _bounded, task, region.problem, with_options(options, time_limit=limit), deadline, pure=False
                )
                for region, limit in zip(pending, limits, strict=True)
            }
        else:
            rounds = -(-len(pending) // slots)
            wait_s = None if options.time_limit is None else rounds * options.time_limit * _OVERRUN + _PER_REGION_GRACE
            futures = {region.name: client.submit(task, region.problem, options, pure=False) for region in pending}
        with contextlib.suppress(TimeoutError):  # the tasks still running count as failed below
            wait(list(futures.values()), timeout=wait_s)
        retry = []
        for region in pending:
            future = futures[region.name]
            if future.status == "finished":
                plans[region.name] = future.result()
                figures = plans[region.name]
                logger.info(
                    "region %s planned in %.1f s",
                    region.name,
                    figures.info.total_s,
                    extra={
                        "event": "region_planned",
                        "region": region.name,
                        "phase": phase,
                        "seconds": round(figures.info.total_s, 3),
                        "planned": figures.kpis.orders_planned,
                        "orders": len(region.problem.orders),
                    },
                )
                continue
            errors[region.name] = _what_went_wrong(future, wait_s)
            future.cancel()
            logger.warning(
                "region %s failed: %s",
                region.name,
                errors[region.name],
                extra={"event": "region_failed", "region": region.name, "error": errors[region.name]},
            )
            retry.append(region)
        pending = retry
        if not pending:
            break
    return plans, {r.name: (r, errors[r.name]) for r in pending}


def _slots(client: Any) -> int:
    """The worker threads of the cluster of ``client``: how many regions run at once."""
    return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))


def _bounded(task: Task, problem: Problem, options: SolveOptions, deadline: float) -> Plan:
    """``task`` with ``options``' time limit cut, when it starts, to end by ``deadline``."""
    return task(problem, cut(options, deadline))


def _what_went_wrong(future: Any, wait_s: float | None) -> str:
    if future.status == "error":
        error = future.exception()
        return f"{type(error).__name__}: {error}"
    return f"no answer within {wait_s or 0:.0f} s"
