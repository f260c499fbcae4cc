"""Seeded synthetic instances of any size, in the data contract, for tests and benchmarks.

The instances are plausible rather than real: orders clustered in towns of unequal size
around a centre (most work where most people live), with a realistic mix of types,
urgencies, durations, windows, SLA due times, skills and parts; technicians with shifts,
lunch breaks, skills and van stock; depots with stock and deliveries arriving during the
horizon. Every order is built from one technician's skills, so some technician is
qualified for it; its parts come from that technician's van stock or, for a share of
them, are held by no van at all, only by depots.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from optimizer.io.readers import read_problem
from optimizer.models import Problem

SKILLS = ("hvac", "electrical", "plumbing", "gas", "refrigeration")
PARTS = ("P-100", "P-110", "P-200", "P-210", "P-300", "P-310", "P-400", "P-500")
DEPOT_PARTS = ("P-900", "P-910", "P-920", "P-930")
"""Parts no van carries: only depots stock them, some arriving during the horizon."""
TOOLS = ("lift", "leak-detector", "thermal-camera")
TYPES = ("maintenance", "repair", "complaint", "installation", "inspection")
TYPE_SHARE = (0.35, 0.30, 0.12, 0.06, 0.17)
DURATION_MIN = {
    "maintenance": (45, 120),
    "repair": (30, 150),
    "complaint": (30, 60),
    "installation": (120, 240),
    "inspection": (30, 90),
}
URGENCIES = ("emergency", "high", "normal", "low")
URGENCY_SHARE = (0.04, 0.16, 0.55, 0.25)
KM_PER_DEGREE_LAT = 111.2


def generate(
    n_orders: int,
    n_technicians: int,
    *,
    days: int = 1,
    start: dt.date = dt.date(2026, 11, 23),
    seed: int = 0,
    center: tuple[float, float] = (49.45, 8.55),
    radius_km: float = 35.0,
    n_depots: int = 2,
    parts_share: float = 0.1,
    off_van_share: float = 0.0,
    backlog: bool = False,
    rules: bool = False,
) -> dict[str, pd.DataFrame]:
    """Tables ``orders``, ``technicians`` and ``depots`` as DataFrames of contract cells.

    Times are naive local ISO strings (for any time zone); ``radius_km`` bounds how far
    from ``center`` (lat, lon in degrees) orders and homes lie. ``parts_share`` of the
    orders need a part; ``off_van_share`` of those need one that no van carries (a
    :data:`DEPOT_PARTS` SKU: each depot holds a few and receives more on the second
    day at 10:00). With ``backlog``, the night looks like a real one (DESIGN.md's
    dispatcher decisions): a tenth of the orders are overdue (due one to ten days
    before the horizon), maintenance is due two to five weeks ahead, half the
    emergencies come without a due time (the default SLA applies), a fifth of the
    windowed orders offer two windows, and installations may last a working day or
    two (a third of them 8 to 16 hours, no parts). With ``rules``, the dispatcher's
    rules too (:func:`_with_rules`, drawn from a random stream of their own, so the
    rest of the instance is the same as without).
    """
    rng = np.random.default_rng(seed)
    towns = _scatter(rng, max(3, (n_orders + n_technicians) // 40), center, radius_km)
    size = 1 / np.arange(1, len(towns["lat"]) + 1)  # Zipf: the first town is the largest
    technicians = _technicians(rng, n_technicians).assign(**_around(rng, n_technicians, towns, size))
    orders = _orders(rng, n_orders, technicians, days, start, parts_share, off_van_share)
    if backlog:
        orders = _backlog(rng, orders, days, start)
    orders = orders.assign(**_around(rng, n_orders, towns, size))
    off_van = max(1, round(n_orders * parts_share * off_van_share / max(1, n_depots) / len(DEPOT_PARTS)))
    second_day = start + dt.timedelta(days=min(1, days - 1))
    depots = pd.DataFrame(
        {
            "depot_id": [f"D-{k + 1:02d}" for k in range(n_depots)],
            **_scatter(rng, n_depots, center, radius_km / 3),
            "hours": "07:00-18:00",
            "stock": ";".join([*(f"{p}:20" for p in PARTS), *(f"{p}:{off_van}" for p in DEPOT_PARTS)]),
            "incoming": ";".join(f"{p}:{off_van}@{second_day}T10:00" for p in DEPOT_PARTS),
            "tools": ";".join(TOOLS),
        }
    )
    tables = {"orders": orders, "technicians": technicians, "depots": depots}
    return _with_rules(np.random.default_rng([seed, 22]), tables, days, start) if rules else tables


def _with_rules(
    rng: np.random.Generator, tables: dict[str, pd.DataFrame], days: int, start: dt.date
) -> dict[str, pd.DataFrame]:
    """The tables with the rules every dispatcher sets: a third of the maintenance and
    complaint orders prefer the nearest technician qualified for them (the one who
    knows the site), 3% exclude one; a third of
    the technicians work short Fridays (``shifts``), a fifth are away for half a day of
    the horizon, half work faster or slower (a factor of 0.8 to 1.25, per skill for some),
    a tenth take at most 8 orders or 150 minutes of driving a day; each depot lends two
    leak detectors (its other tools without a count)."""
    orders, technicians = tables["orders"].copy(), tables["technicians"].copy()
    ids = technicians["technician_id"].tolist()
    home = np.radians(technicians[["lat", "lon"]].to_numpy(dtype=float))
    site = np.radians(orders[["lat", "lon"]].to_numpy(dtype=float))
    held = [dict(pair.split(":") for pair in cell.split(";")) for cell in technicians["skills"]]
    name_level = [cell.split(":") for cell in orders["skills"]]
    qualified = np.array([[int(h.get(name, 0)) >= int(level) for h in held] for name, level in name_level])
    far = (site[:, None, 0] - home[None, :, 0]) ** 2 + (
        (site[:, None, 1] - home[None, :, 1]) * np.cos(site[:, None, 0])
    ) ** 2
    nearest = np.argmin(np.where(qualified, far, np.inf), axis=1)
    preferred, excluded = [""] * len(orders), [""] * len(orders)
    for i, kind in enumerate(orders["type"]):
        if kind in ("maintenance", "complaint") and rng.uniform() < 1 / 3:
            preferred[i] = ids[int(nearest[i])]
        elif rng.uniform() < 0.03:
            excluded[i] = ids[int(rng.integers(len(ids)))]
    shifts, absent, efficiency, max_orders, max_travel = ([""] * len(ids) for _ in range(5))
    for k, (_, row) in enumerate(technicians.iterrows()):
        begin = row["shift"].split("-")[0]
        if rng.uniform() < 1 / 3:
            hour, minute = begin.split(":")
            shifts[k] = f"Mon-Thu {row['shift']};Fri {begin}-{int(hour) + 5:02d}:{minute}"
        if rng.uniform() < 0.2:
            day = start + dt.timedelta(days=int(rng.integers(days)))
            absent[k] = f"{day}T12:00/{day}T23:00" if rng.uniform() < 0.5 else f"{day}T00:00/{day}T11:00"
        if rng.uniform() < 0.5:
            factor = round(float(rng.uniform(0.8, 1.25)), 2)
            skill = row["skills"].split(";")[0].split(":")[0]
            efficiency[k] = f"{factor}" if rng.uniform() < 0.7 else f"{skill}:{factor}"
        draw = rng.uniform()
        max_orders[k] = "8" if draw < 0.1 else ""
        max_travel[k] = "150" if 0.1 <= draw < 0.2 else ""
    orders = orders.assign(preferred=preferred, excluded=excluded)
    technicians = technicians.assign(
        shifts=shifts, absent=absent, efficiency=efficiency, max_orders_per_day=max_orders, max_travel_min=max_travel
    )
    depots = tables["depots"].assign(tools=";".join(f"{t}:2" if t == "leak-detector" else t for t in TOOLS))
    return {"orders": orders, "technicians": technicians, "depots": depots}


def problem(n_orders: int, n_technicians: int, *, tz: str = "Europe/Berlin", **options: object) -> Problem:
    """A :class:`Problem` from :func:`generate` (same options)."""
    tables = generate(n_orders, n_technicians, **options)  # type: ignore[arg-type]
    return read_problem(
        tables["orders"],
        tables["technicians"],
        tables["depots"],
        start=options.get("start", dt.date(2026, 11, 23)),
        days=options.get("days", 1),
        tz=tz,
    )


def _backlog(rng: np.random.Generator, orders: pd.DataFrame, days: int, start: dt.date) -> pd.DataFrame:
    """``orders`` made into a real night's mix (see :func:`generate`, ``backlog``)."""
    out = orders.copy()
    for i in range(len(out)):
        kind, urgency = out.at[i, "type"], out.at[i, "urgency"]
        draw = rng.uniform()
        if urgency == "emergency" and draw < 0.5:
            out.at[i, "due"] = ""
        elif urgency in ("high", "normal") and draw < 0.1:
            out.at[i, "due"] = f"{start - dt.timedelta(days=int(rng.integers(1, 11)))}T17:00"
            out.at[i, "windows"] = ""
        elif kind == "maintenance" and urgency in ("normal", "low"):
            out.at[i, "due"] = f"{start + dt.timedelta(days=days + int(rng.integers(14, 36)))}T17:00"
        if kind == "installation" and rng.uniform() < 1 / 3:
            out.at[i, "duration_min"] = int(rng.integers(96, 193)) * 5
            out.at[i, "parts"] = ""
            out.at[i, "windows"] = ""
        windows = str(out.at[i, "windows"])
        if windows and rng.uniform() < 0.2:
            day = dt.date.fromisoformat(windows[:10]) + dt.timedelta(days=1)
            out.at[i, "windows"] = f"{windows};{day}T08:00/{day}T12:00"
    return out


def _scatter(rng: np.random.Generator, n: int, center: tuple[float, float], radius_km: float) -> dict:
    distance = radius_km * np.sqrt(rng.uniform(0, 1, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = center[0] + distance * np.sin(angle) / KM_PER_DEGREE_LAT
    lon = center[1] + distance * np.cos(angle) / (KM_PER_DEGREE_LAT * np.cos(np.radians(center[0])))
    return {"lat": np.round(lat, 5), "lon": np.round(lon, 5)}


def _around(rng: np.random.Generator, n: int, towns: dict, size: np.ndarray, spread_km: float = 3.0) -> dict:
    """``n`` points scattered ~``spread_km`` around towns picked in proportion to ``size``."""
    pick = rng.choice(len(size), size=n, p=size / size.sum())
    lat = towns["lat"][pick] + rng.normal(0, spread_km, n) / KM_PER_DEGREE_LAT
    lon = towns["lon"][pick] + rng.normal(0, spread_km, n) / (
        KM_PER_DEGREE_LAT * np.cos(np.radians(towns["lat"][pick]))
    )
    return {"lat": np.round(lat, 5), "lon": np.round(lon, 5)}


def _technicians(rng: np.random.Generator, n: int) -> pd.DataFrame:
    rows = []
    for k in range(n):
        skills = rng.choice(SKILLS, size=rng.integers(2, 4), replace=False)
        stock = rng.choice(PARTS, size=4, replace=False)
        rows.append(
            {
                "technician_id": f"T-{k + 1:03d}",
                "shift": ("07:30-16:30", "08:00-17:00", "09:00-18:00")[k % 3],
                "workdays": "Mon;Tue;Wed;Thu;Fri" if k % 7 else "Mon;Tue;Wed;Thu",
                "break": "12:00-13:30/30",
                "skills": ";".join(f"{s}:{rng.integers(1, 4)}" for s in skills),
                "van_stock": ";".join(f"{p}:{rng.integers(1, 4)}" for p in stock),
                "tools": TOOLS[k % len(TOOLS)],
                "max_overtime_min": (0, 30, 60)[k % 3],
                "capacity": 6,
            }
        )
    return pd.DataFrame(rows)


def _orders(
    rng: np.random.Generator,
    n: int,
    technicians: pd.DataFrame,
    days: int,
    start: dt.date,
    parts_share: float,
    off_van_share: float,
) -> pd.DataFrame:
    types = rng.choice(TYPES, size=n, p=TYPE_SHARE)
    urgency = rng.choice(URGENCIES, size=n, p=URGENCY_SHARE)
    template = rng.integers(0, len(technicians), size=n)
    day = rng.integers(0, days, size=n)
    rows = []
    for i in range(n):
        tech = technicians.iloc[template[i]]
        held = dict(pair.split(":") for pair in tech["skills"].split(";"))
        name = rng.choice(sorted(held))
        low, high = DURATION_MIN[types[i]]
        date = start + dt.timedelta(days=int(day[i]))
        row = {
            "order_id": f"O-{i + 1:05d}",
            "type": types[i],
            "duration_min": int(rng.integers(low // 5, high // 5 + 1) * 5),
            "urgency": urgency[i],
            "skills": f"{name}:{rng.integers(1, int(held[name]) + 1)}",
            "windows": "",
            "due": "",
            "parts": "",
            "tools": "",
            "load": "",
        }
        if urgency[i] == "emergency":
            row["type"] = "repair"
            row["due"] = f"{start}T{rng.integers(11, 16)}:00"
        elif urgency[i] == "high":
            row["due"] = f"{date}T17:00"
        elif rng.uniform() < 0.4:
            opens = int(rng.integers(8, 14))
            row["windows"] = f"{date}T{opens:02d}:00/{date}T{opens + 4:02d}:00"
        if rng.uniform() < parts_share:
            stock = dict(pair.split(":") for pair in tech["van_stock"].split(";"))
            pool = DEPOT_PARTS if off_van_share > 0 and rng.uniform() < off_van_share else sorted(stock)
            row["parts"] = f"{rng.choice(pool)}:1"
        if rng.uniform() < 0.05:
            row["tools"] = tech["tools"]
        if types[i] == "installation":
            row["load"] = str(int(rng.integers(1, 4)))
        rows.append(row)
    return pd.DataFrame(rows)
