"""Regions on Dask: a national night's run split into regions and planned on workers.

    python benchmarks/run.py regions --sizes 20000x800x1 --workers 1,2 --time-limit 20 --unpartitioned \
        --out results/regions

For each generated ``orders x technicians x days`` instance and each number of
workers (a local Dask cluster, one thread per worker): seconds to split, seconds to
the merged plan, whether the checker accepts it as a whole, its objective and orders
planned, and the largest peak resident memory of a worker (leftovers are offered to
``--neighbours`` regions in turn, 2 by default). From the one-worker run's
region times (first pass and second chances, from the ``region_planned`` log
events) it also shows the time more workers would take to solve them (longest
region first onto the least loaded worker), since this machine has two cores. Last, the
same instance is solved unpartitioned in one process with as much time as the
two-worker run took, where memory allows.
"""

from __future__ import annotations

import argparse
import heapq
import logging
import resource
import time
from pathlib import Path

import optimizer
from optimizer.regions.cluster import dask_client, solve_regions
from optimizer.regions.split import split
from optimizer.testing import problems as synthetic


def worker_peak_mb() -> float:
    """This process's peak resident memory, MB (run on each worker): Linux's ``VmHWM``,
    the peak of this process's own image, else ``ru_maxrss``.

    ``ru_maxrss`` alone misleads here: Linux keeps it across fork and exec, so a
    worker that a client process started reports the client's resident size at that
    moment. That was the "4 GB worker" of an earlier run of this benchmark: the client
    held a full 20,000-place matrix from checking the one-worker plan when it started
    the two workers, which themselves stayed near 0.3 GB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def makespan(seconds: list[float], workers: int) -> float:
    """Longest-first list schedule of region times onto ``workers``."""
    loads = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + s)
    return max(loads)


class RegionTimes(logging.Handler):
    """Collects the seconds of each region's solve from the ``region_planned`` log
    events, by phase (first pass, second chance)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "event", None) == "region_planned":
            self.seconds.setdefault(record.phase, []).append(record.seconds)  # type: ignore[attr-defined]

    def __enter__(self) -> RegionTimes:
        log = logging.getLogger("optimizer")
        log.addHandler(self)
        self.level_before = log.level
        log.setLevel(logging.INFO)
        return self

    def __exit__(self, *_: object) -> None:
        log = logging.getLogger("optimizer")
        log.removeHandler(self)
        log.setLevel(self.level_before)


def run(args: argparse.Namespace) -> list[dict]:
    rows = []
    print(
        f"{'instance':<14} {'workers':>7} {'regions':>7} {'split s':>7} {'total s':>8} {'objective':>12} "
        f"{'planned':>12} {'valid':<5} {'worker MB':>9}"
    )
    for size in args.sizes.split(","):
        orders, technicians, days = (int(x) for x in size.split("x"))
        problem = synthetic.problem(orders, technicians, days=days, seed=args.seed)
        began = time.perf_counter()
        regions = split(problem, max_technicians=args.region_technicians)
        split_s = time.perf_counter() - began
        phases: dict[str, list[float]] = {}
        two_worker_s = None
        for workers in (int(w) for w in args.workers.split(",")):
            with dask_client(workers=workers) as client, RegionTimes() as times:
                began = time.perf_counter()
                plan = solve_regions(
                    problem,
                    client=client,
                    max_technicians=args.region_technicians,
                    neighbours=args.neighbours,
                    time_limit=args.time_limit,
                    seed=args.seed,
                )
                total = time.perf_counter() - began
                peaks = client.run(worker_peak_mb)
            if workers == 1:
                phases = times.seconds
            if workers == 2:
                two_worker_s = total
            report = optimizer.check(problem, plan)
            row = {
                "instance": size,
                "workers": workers,
                "regions": len(regions),
                "split_s": round(split_s, 2),
                "total_s": round(total, 1),
                "objective": round(plan.kpis.objective, 1),
                "planned": plan.kpis.orders_planned,
                "orders": orders,
                "valid": report.ok,
                "worker_peak_mb": round(max(peaks.values())),
            }
            rows.append(row)
            print(
                f"{size:<14} {workers:>7} {len(regions):>7} {split_s:>7.2f} {total:>8.1f} {row['objective']:>12.1f} "
                f"{row['planned']:>6}/{orders:<5} {report.ok!s:<5} {row['worker_peak_mb']:>9}",
                flush=True,
            )
        if phases:
            solo = sum(sum(s) for s in phases.values())
            shown = ", ".join(
                f"{k} workers {sum(makespan(s, k) for s in phases.values()):.0f} s" for k in (2, 4, 8, 16)
            )
            print(
                f"  regions one after another ({', '.join(f'{p}: {len(s)}' for p, s in phases.items())}) "
                f"took {solo:.0f} s; simulated time to solve them: {shown}"
            )
        if two_worker_s is not None and args.unpartitioned:
            began = time.perf_counter()
            whole = optimizer.solve(problem, time_limit=two_worker_s, seed=args.seed)
            total = time.perf_counter() - began
            valid = optimizer.check(problem, whole).ok
            rows.append(
                {
                    "instance": size,
                    "workers": 0,
                    "regions": 1,
                    "total_s": round(total, 1),
                    "objective": round(whole.kpis.objective, 1),
                    "planned": whole.kpis.orders_planned,
                    "orders": orders,
                    "valid": valid,
                    "worker_peak_mb": round(worker_peak_mb()),
                }
            )
            print(
                f"{size:<14} {'whole':>7} {1:>7} {'':>7} {total:>8.1f} {whole.kpis.objective:>12.1f} "
                f"{whole.kpis.orders_planned:>6}/{orders:<5} {valid!s:<5} {worker_peak_mb():>9.0f}",
                flush=True,
            )
    return rows
