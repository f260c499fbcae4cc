"""Appointment offers on the phone: how long a customer waits for the list of windows.

    python benchmarks/run.py offers --sizes 300 --technicians 25 --days 1 --seeds 0,1,2 \
        --base-time-limit 30 --out results/offers

For each generated day (``size`` orders, ``--technicians``, lunch breaks, parts), planned
with ``--base-time-limit``, ten customers call at 10:00 about a new order each (a site
near a planned one, 30 to 120 minutes, normal or high urgency). Each call asks
:func:`optimizer.offers` for the two-hour windows of the next five days, then books the
cheapest (:func:`optimizer.book`), which the checker re-checks. The baseline is what one
would do without offers: a re-plan per candidate window (the new order with that
window, the repair back-end), for the first call only. Columns: seconds per call
(median, 95th percentile, max; the target is 1 s on a 300-order day), windows offered
per call, seconds per booking, the baseline's seconds for the same call and the ratio
of ours to it, and whether every booked plan was valid with the order inside its window.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

import optimizer
from optimizer.models import Events, Order, Plan, Problem, TimeWindow, Urgency
from optimizer.testing import problems as synthetic

CALLS = 10
NOW = dt.time(10, 0)


def calls(problem: Problem, seed: int) -> list[Order]:
    """The new orders of the day's calls."""
    rng = np.random.default_rng([seed, 23])
    sites = rng.choice(len(problem.orders), CALLS, replace=False)
    return [
        Order(
            id=f"CALL-{k + 1}",
            lat=problem.orders[o].lat + rng.normal(0, 0.01),
            lon=problem.orders[o].lon + rng.normal(0, 0.01),
            duration_min=float(rng.choice([30, 45, 60, 90, 120])),
            urgency=Urgency.HIGH if rng.uniform() < 0.3 else Urgency.NORMAL,
        )
        for k, o in enumerate(sites.tolist())
    ]


def _naive(
    problem: Problem, plan: Plan, order: Order, now: dt.datetime, found: optimizer.models.booking.Offers
) -> float:
    """Seconds to try every offered window by a re-plan with the order in it."""
    began = time.perf_counter()
    for offer in found.offers:
        booked = order.model_copy(update={"windows": (TimeWindow(start=offer.start, end=offer.end),)})
        optimizer.replan(problem, plan, Events(now=now, new_orders=(booked,)), solver="repair")
    return time.perf_counter() - began


def run(args: argparse.Namespace) -> list[dict]:
    """One row per (size, seed)."""
    rows = []
    print(
        f"{'instance':<14} {'calls':>5} {'offers':>6} {'median_s':>8} {'p95_s':>6} {'max_s':>6} "
        f"{'book_s':>6} {'naive_s':>7} {'ours/naive':>10} valid"
    )
    for size in map(int, args.sizes.split(",")):
        for seed in map(int, args.seeds.split(",")):
            problem = synthetic.problem(size, args.technicians, days=args.days, seed=seed, parts_share=0.1)
            plan = optimizer.solve(problem, time_limit=args.base_time_limit, seed=seed)
            now = dt.datetime.combine(problem.start, NOW, tzinfo=problem.zone)
            seconds, booking_s, offered = [], [], []
            valid = True
            naive_s = ratio = float("nan")
            for k, order in enumerate(calls(problem, seed)):
                began = time.perf_counter()
                found = optimizer.offers(problem, plan, order, slot_min=120, days=5, now=now)
                seconds.append(time.perf_counter() - began)
                offered.append(len(found.offers))
                if k == 0:
                    naive_s = _naive(problem, plan, order, now, found)
                    ratio = seconds[0] / naive_s if naive_s else float("nan")
                if not found.offers:
                    continue
                best = found.offers[0]
                began = time.perf_counter()
                booked = optimizer.book(problem, plan, order, best, now=now)
                booking_s.append(time.perf_counter() - began)
                starts = [s.start for r in booked.plan.routes for s in r.stops if s.order_id == order.id]
                inside = len(starts) == 1 and best.start <= starts[0] <= best.end
                valid = valid and inside and optimizer.check(booked.problem, booked.plan).ok
            row = {
                "instance": f"{size}x{args.technicians}x{args.days}s{seed}",
                "calls": CALLS,
                "offers": round(float(np.mean(offered)), 1),
                "median_s": round(float(np.median(seconds)), 3),
                "p95_s": round(float(np.percentile(seconds, 95)), 3),
                "max_s": round(max(seconds), 3),
                "book_s": round(float(np.median(booking_s)), 3) if booking_s else float("nan"),
                "naive_s": round(naive_s, 3),
                "ratio_naive": round(ratio, 4),
                "valid": valid,
            }
            rows.append(row)
            print(
                f"{row['instance']:<14} {CALLS:>5} {row['offers']:>6} {row['median_s']:>8.3f} {row['p95_s']:>6.3f} "
                f"{row['max_s']:>6.3f} {row['book_s']:>6.3f} {row['naive_s']:>7.2f} {row['ratio_naive']:>10.4f} "
                f"{valid}",
                flush=True,
            )
    return rows
