"""Rolling horizon: how a service company lives, night after night.

    python benchmarks/run.py rolling --days 20 --technicians 6 --time-limit 5 --baseline ba479b5 --out results/rolling

A seeded stream of orders arrives every day (emergencies during the day, due four hours
after they come in; repairs due in one to three days; complaints due in two; maintenance
due in two to five weeks). Each night the open orders are planned for the next three
days, the first day is executed as planned, and the rest is carried over to the next
night with what arrived meanwhile. Per policy it reports the SLA hit rate by urgency
(visits starting by their due, over every order whose due passed before the end),
the emergencies' response time (arrival to service start: median, 95th percentile),
the backlog age (mean over nights of the mean age of open orders, and the oldest),
orders never served (arrived at least three days before the end and still open),
travel per served order and overtime.

Policies: this checkout (``new``) and, with ``--baseline REV``, the engine at git
revision ``REV`` (``old``: installed with its own compiled core in a throwaway
environment, :func:`baseline.engine_at`, and run in a subprocess). The stream and the simulation are this file's own
code, so both engines face the same nights.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from baseline import engine_at

FIRST = dt.date(2026, 11, 23)
ZONE = "Europe/Berlin"
CENTRE = (49.45, 8.55)
HORIZON_DAYS = 3


def stream(days: int, seed: int) -> list[dict[str, Any]]:
    """The orders arriving over ``days`` days: plain dicts (id, day, arrival clock as
    minutes, urgency, type, place, duration, due as (day offset, minutes))."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, Any]] = []

    def add(day: int, kind: str, urgency: str, duration: float, due_day: int, due_min: int, arrival: int) -> None:
        lat = CENTRE[0] + rng.normal(0, 0.08)
        lon = CENTRE[1] + rng.normal(0, 0.12)
        out.append(
            {
                "id": f"{kind[0].upper()}{day:02d}-{len(out):04d}",
                "day": day,
                "arrival_min": arrival,
                "type": kind,
                "urgency": urgency,
                "lat": float(lat),
                "lon": float(lon),
                "duration_min": float(duration),
                "due": (due_day, due_min),
            }
        )

    for day in range(days):
        for _ in range(rng.poisson(0.8)):
            arrival = int(rng.integers(8 * 60, 18 * 60))
            add(day, "repair", "emergency", rng.uniform(60, 120), day, arrival + 240, arrival)
        for _ in range(rng.poisson(8)):
            urgency = "high" if rng.random() < 0.3 else "normal"
            add(day, "repair", urgency, rng.uniform(45, 150), day + int(rng.integers(1, 4)), 17 * 60, 12 * 60)
        for _ in range(rng.poisson(2)):
            add(day, "complaint", "normal", rng.uniform(30, 90), day + 2, 17 * 60, 12 * 60)
        for _ in range(rng.poisson(5)):
            urgency = "normal" if rng.random() < 0.5 else "low"
            add(day, "maintenance", urgency, rng.uniform(60, 240), day + int(rng.integers(14, 36)), 17 * 60, 12 * 60)
    return out


def _instant(day: int, minutes: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(FIRST + dt.timedelta(days=day), dt.time(), tzinfo=ZoneInfo(ZONE)) + dt.timedelta(
        minutes=minutes
    )


def simulate(days: int, technicians: int, seed: int, time_limit: float) -> dict[str, Any]:
    """Run the nights with whichever ``optimizer`` is first on the path; the figures."""
    import optimizer
    from optimizer.models import Break, ClockInterval, Order, Problem, Technician

    rng = np.random.default_rng(seed + 1)
    team = tuple(
        Technician(
            id=f"T{k:02d}",
            lat=CENTRE[0] + rng.normal(0, 0.06),
            lon=CENTRE[1] + rng.normal(0, 0.09),
            shift=ClockInterval(start=dt.time(8), end=dt.time(17)),
            break_=Break(start=dt.time(12), end=dt.time(13), duration_min=30),
            max_overtime_min=60,
        )
        for k in range(technicians)
    )
    arrivals = stream(days, seed)
    open_orders: dict[str, dict[str, Any]] = {}
    served: dict[str, dict[str, Any]] = {}
    ages: list[float] = []
    oldest = 0.0
    travel_min = overtime_min = 0.0
    invalid = 0
    for night in range(days):
        for spec in arrivals:
            if spec["day"] == night:
                open_orders[spec["id"]] = spec
        now = _instant(night, 22 * 60)
        night_ages = [
            (now - _instant(s["day"], s["arrival_min"])).total_seconds() / 86400 for s in open_orders.values()
        ]
        if night_ages:
            ages.append(float(np.mean(night_ages)))
            oldest = max(oldest, max(night_ages))
        if not open_orders:
            continue
        orders = tuple(
            Order(
                id=s["id"],
                type=s["type"],
                urgency=s["urgency"],
                lat=s["lat"],
                lon=s["lon"],
                duration_min=s["duration_min"],
                due=_instant(*s["due"]),
            )
            for s in open_orders.values()
        )
        start = FIRST + dt.timedelta(days=night + 1)
        problem = Problem(orders=orders, technicians=team, start=start, days=HORIZON_DAYS, tz=ZONE)
        plan = optimizer.solve(problem, time_limit=time_limit, seed=seed)
        invalid += 0 if optimizer.check(problem, plan).ok else 1
        for route in plan.routes:
            if route.date != start:
                continue
            travel_min += route.travel_min
            shift_end = dt.datetime.combine(start, dt.time(17), tzinfo=problem.zone)
            overtime_min += max(0.0, (route.stops[-1].end - shift_end).total_seconds() / 60)
            for stop in route.stops:
                if stop.order_id in open_orders:
                    spec = open_orders.pop(stop.order_id)
                    served[spec["id"]] = {**spec, "start": stop.start}
    end = _instant(days, 0)
    result: dict[str, Any] = {"served": len(served), "arrived": len(arrivals), "invalid_plans": invalid}
    for urgency in ("emergency", "high", "normal", "low"):
        due_passed = [s for s in arrivals if s["urgency"] == urgency and _instant(*s["due"]) < end]
        on_time = [s for s in due_passed if s["id"] in served and served[s["id"]]["start"] <= _instant(*s["due"])]
        result[f"sla_{urgency}"] = len(on_time) / len(due_passed) if due_passed else float("nan")
    response = [
        (s["start"] - _instant(s["day"], s["arrival_min"])).total_seconds() / 3600
        for s in served.values()
        if s["urgency"] == "emergency"
    ]
    emergencies = [s for s in arrivals if s["urgency"] == "emergency" and s["day"] < days - 1]
    result["emergencies"] = len(emergencies)
    result["emergencies_served"] = sum(1 for s in emergencies if s["id"] in served)
    result["response_h_median"] = float(np.median(response)) if response else float("nan")
    result["response_h_p95"] = float(np.percentile(response, 95)) if response else float("nan")
    result["backlog_age_mean_d"] = float(np.mean(ages)) if ages else 0.0
    result["backlog_age_max_d"] = oldest
    result["never_served"] = sum(1 for s in open_orders.values() if s["day"] <= days - 3)
    result["travel_per_order_min"] = travel_min / max(1, len(served))
    result["overtime_min"] = overtime_min
    return result


def _policy(python: Path, args: argparse.Namespace) -> dict[str, Any]:
    """:func:`simulate` in a subprocess of ``python``, whose ``optimizer`` it runs."""
    command = [
        str(python),
        str(Path(__file__).resolve()),
        json.dumps(
            {"days": args.days, "technicians": args.technicians, "seed": args.seed, "time_limit": args.time_limit}
        ),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Rows of the table: one per policy; prints it."""
    rows = [{"policy": "new", **_policy(Path(sys.executable), args)}]
    if args.baseline:
        with engine_at(args.baseline) as old:
            rows.insert(0, {"policy": f"old ({args.baseline})", **_policy(old, args)})
    columns = [c for c in rows[0] if c != "policy"]
    print(f"{'figure':<22}" + "".join(f" {r['policy']:>16}" for r in rows))
    for column in columns:
        print(
            f"{column:<22}"
            + "".join(f" {r[column]:>16.3f}" if isinstance(r[column], float) else f" {r[column]:>16}" for r in rows)
        )
    return [r | {"valid": r["invalid_plans"] == 0} for r in rows]


if __name__ == "__main__":
    print(json.dumps(simulate(**json.loads(sys.argv[1]))))
