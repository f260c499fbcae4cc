"""Seeded tiny problems (three to six orders) whose optimum can be enumerated
(:func:`optimizer.testing.oracle.optimum`), each stressing one rule of the objective.

They start from :func:`optimizer.testing.problems.problem` (a real night's mix, with
backlog), keep every order short enough for one day, need no parts or tools and price
no fair days, then change what their kind names:

- ``base``: as generated; ``multiwin``: several windows a day; ``overdue``: due long
  before the first shift; ``dueday``: due during the horizon; ``long``: jobs of 200 to
  420 minutes that take the lunch break inside them; ``overtime``: overtime allowed and
  priced; ``waiting``: waiting priced, with windows to wait for; ``tight``: short shifts,
  so orders must be left out; ``skills``: few technicians qualified; ``emergency``:
  emergencies with and without due times; ``prefs``: preferred technicians;
  ``rules``: the generator's dispatcher rules; ``mixed``: three of the first nine at once;
  ``longwait``: long jobs, waiting and several windows;
- ``pyvrp``: no breaks, at most one window and no due time inside the horizon (what the
  portfolio hands to PyVRP).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from optimizer.models import Problem, TimeWindow
from optimizer.testing.problems import problem

KINDS = (
    "base", "multiwin", "overdue", "dueday", "long", "overtime", "waiting", "tight", "skills", "emergency",
    "mixed", "rules", "prefs", "longwait", "pyvrp",
)  # fmt: skip
_ZONE = ZoneInfo("Europe/Berlin")
_START = dt.date(2026, 11, 23)


def tiny_problem(kind: str, seed: int, n_orders: int, n_technicians: int, days: int = 1) -> Problem:
    """A tiny problem of ``kind`` (one of :data:`KINDS`), the same for the same arguments."""
    rng = np.random.default_rng([seed, n_orders, n_technicians, days, KINDS.index(kind)])
    base = problem(n_orders, n_technicians, days=days, seed=seed, backlog=True, parts_share=0.0, rules=kind == "rules")
    orders: dict[str, dict[str, Any]] = {}
    for order in base.orders:  # one day at most, no tools
        orders[order.id] = {"tools": frozenset()}
        if order.duration_min > 240:
            orders[order.id]["duration_min"] = float(rng.integers(6, 49) * 5)
    technicians: dict[str, dict[str, Any]] = {t.id: {} for t in base.technicians}
    weights: dict[str, float] = {"balance": 0.0}
    if kind == "mixed":
        stresses = [str(k) for k in rng.choice(KINDS[1:10], size=3, replace=False)]
    else:
        stresses = {"longwait": ["long", "waiting", "multiwin"]}.get(kind, [kind])
    who = [t.id for t in base.technicians]
    for stress in stresses:
        for order in base.orders:
            _stress_order(stress, order, orders[order.id], rng, days, who)
        for technician in base.technicians:
            _stress_technician(stress, technicians[technician.id], rng)
        if stress == "prefs":
            weights["preferred_miss"] = float(rng.choice([30.0, 100.0, 300.0]))
        if stress == "overtime":
            weights["overtime_per_min"] = float(rng.choice([1.0, 2.0, 3.0]))
        if stress == "waiting":
            weights["waiting_per_min"] = float(rng.choice([0.2, 0.5, 1.0, 2.0]))
            for order in base.orders:  # windows to wait for
                if rng.uniform() < 0.6:
                    day, opens = int(rng.integers(days)), int(rng.integers(8 * 60, 15 * 60))
                    closes = opens + int(rng.integers(30, 180))
                    orders[order.id]["windows"] = (TimeWindow(start=_at(day, opens), end=_at(day, closes)),)
    return base.with_changes(update_orders=orders, update_technicians=technicians, weights=weights)


def _stress_order(
    stress: str, order: Any, changes: dict[str, Any], rng: np.random.Generator, days: int, who: list[str]
) -> None:
    """Changes one order's fields for ``stress`` (into ``changes``; ``who``: the technicians)."""
    if stress == "multiwin" and rng.uniform() < 0.8:
        windows = []
        day, opens = int(rng.integers(days)), int(rng.integers(7 * 60, 10 * 60))
        for _ in range(int(rng.integers(2, 4))):
            length = int(rng.integers(30, 150))
            windows.append(TimeWindow(start=_at(day, opens), end=_at(day, opens + length)))
            opens += length + int(rng.integers(30, 180))
            if opens > 17 * 60:
                break
        changes["windows"] = tuple(windows)
    elif stress == "overdue" and rng.uniform() < 0.5:
        changes["due"] = _at(0, -int(rng.integers(60, 6 * 1440)))
        changes["windows"] = ()
    elif stress == "dueday" and rng.uniform() < 0.7:
        changes["due"] = _at(int(rng.integers(days)), int(rng.integers(8 * 60, 16 * 60)))
    elif stress == "long" and rng.uniform() < 0.5:
        changes["duration_min"] = float(rng.integers(40, 85) * 5)
        changes["windows"] = ()
    elif stress == "skills":
        changes["skills"] = {str(rng.choice(["hvac", "gas", "electrical"])): int(rng.integers(1, 3))}
    elif stress == "emergency" and rng.uniform() < 0.4:
        changes["urgency"] = "emergency"
        changes["due"] = None if rng.uniform() < 0.5 else _at(0, int(rng.integers(8 * 60, 14 * 60)))
    elif stress == "tight":
        changes["duration_min"] = float(rng.integers(12, 40) * 5)
    elif stress == "pyvrp":
        changes["due"] = order.due if order.due is not None and order.due > _at(days, 0) else None
        changes["windows"] = tuple(order.windows[:1])
        if order.urgency.value == "emergency":
            changes["urgency"] = "high"
    elif stress == "prefs" and rng.uniform() < 0.6:
        changes["preferred"] = (str(rng.choice(who)),)


def _stress_technician(stress: str, changes: dict[str, Any], rng: np.random.Generator) -> None:
    """Changes one technician's fields for ``stress`` (into ``changes``)."""
    if stress == "tight":
        start = int(rng.integers(7 * 60, 10 * 60, endpoint=True) // 15 * 15)
        end = start + int(rng.integers(3 * 60, 6 * 60) // 15 * 15)
        changes["shift"] = {"start": dt.time(start // 60, start % 60), "end": dt.time(end // 60, end % 60)}
        changes["max_overtime_min"] = int(rng.choice([0, 0, 30]))
    elif stress == "skills":
        chosen = rng.choice(["hvac", "gas", "electrical"], size=int(rng.integers(1, 3)), replace=False)
        changes["skills"] = {str(s): int(rng.integers(1, 3)) for s in chosen}
    elif stress == "pyvrp":
        changes["break_"] = None
    elif stress == "overtime":
        changes["max_overtime_min"] = int(rng.choice([30, 60, 120]))


def _at(day: int, minutes: int) -> dt.datetime:
    """``minutes`` after midnight of day ``day`` of the horizon, Berlin time."""
    return dt.datetime.combine(_START + dt.timedelta(days=day), dt.time(0), tzinfo=_ZONE) + dt.timedelta(
        minutes=minutes
    )
