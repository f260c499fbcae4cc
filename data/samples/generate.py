"""Seeded sample instance for the field-service route optimiser (Rhein-Neckar, Germany).

Run ``python data/samples/generate.py`` to (re)write orders.csv, technicians.csv and
depots.csv next to this script. The seed is fixed, so the output is deterministic.

Horizon: Mon 2026-11-23 .. Wed 2026-11-25, Europe/Berlin; every time is a naive local
ISO time (``2026-11-23T08:00``). Lists in a cell are ``;``-separated, pairs are ``key:value``;
an order skill without a level (``electrical``) means level 1.

Coordinates: town coordinates are approximate town centres (WGS84, good to about 1 km),
written from general geographic knowledge; the depots are placed roughly inside their
towns. Customer sites are synthetic points scattered a few km around the town centres.
All names, orders, stock levels and other values are made up.
"""

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 281  # fixed; picked among seeds 1-399 as the one whose mix lands closest to the targets
N_ORDERS = 150
OUT = Path(__file__).resolve().parent
DAYS = [datetime(2026, 11, 23) + timedelta(days=d) for d in range(3)]  # Mon, Tue, Wed
DAY_NAMES = ["Mon", "Tue", "Wed"]
rng = np.random.default_rng(SEED)

# town: (lat, lon, population in thousands) -- approximate town centres
TOWNS = {
    "Mannheim": (49.4875, 8.4660, 310),
    "Ludwigshafen": (49.4774, 8.4452, 172),
    "Heidelberg": (49.4093, 8.6942, 160),
    "Worms": (49.6341, 8.3507, 83),
    "Neustadt an der Weinstraße": (49.3501, 8.1389, 53),
    "Speyer": (49.3173, 8.4412, 50),
    "Frankenthal": (49.5340, 8.3533, 48),
    "Weinheim": (49.5450, 8.6660, 45),
    "Bensheim": (49.6811, 8.6228, 41),
    "Sinsheim": (49.2530, 8.8790, 35),
    "Viernheim": (49.5390, 8.5780, 34),
    "Wiesloch": (49.2942, 8.6986, 27),
    "Leimen": (49.3481, 8.6911, 27),
    "Mosbach": (49.3530, 9.1450, 23),
    "Schwetzingen": (49.3833, 8.5700, 22),
    "Hockenheim": (49.3181, 8.5472, 21),
    "Bad Dürkheim": (49.4618, 8.1724, 18),
    "Walldorf": (49.3064, 8.6428, 15),
    "Eppelheim": (49.4020, 8.6330, 15),
    "Schriesheim": (49.4736, 8.6592, 15),
    "Eberbach": (49.4667, 8.9833, 14),
    "Neckargemünd": (49.3939, 8.7978, 13),
    "Hemsbach": (49.5903, 8.6550, 12),
    "Ladenburg": (49.4722, 8.6097, 11),
}
DEG_PER_KM_LAT, DEG_PER_KM_LON = 1 / 111.2, 1 / (111.2 * np.cos(np.radians(49.4)))

# type: (share, triangular duration min/mode/max, primary skill weights, P(skill level 1, 2, 3))
ANY_SKILL = {"hvac": 0.3, "electrical": 0.2, "plumbing": 0.2, "gas": 0.15, "refrigeration": 0.15}
TYPES = {
    "maintenance": (
        0.35,
        (45, 60, 120),
        {"hvac": 0.5, "refrigeration": 0.2, "gas": 0.2, "plumbing": 0.1},
        [0.55, 0.35, 0.1],
    ),
    "repair": (0.30, (30, 60, 150), ANY_SKILL, [0.3, 0.45, 0.25]),
    "complaint": (0.12, (30, 40, 60), ANY_SKILL, [0.6, 0.4, 0]),
    "installation": (0.06, (120, 180, 240), {"hvac": 0.5, "refrigeration": 0.25, "plumbing": 0.25}, [0, 0.5, 0.5]),
    "inspection": (0.17, (30, 45, 90), {"gas": 0.4, "electrical": 0.35, "hvac": 0.25}, [0.5, 0.5, 0]),
}
# P-100 thermostat, P-110 fan motor, P-200 breaker, P-210 relay, P-300 valve, P-310 seal kit,
# P-400 ignition electrode, P-500 compressor relay, P-510 filter drier, P-600 fuse set
PARTS_BY_SKILL = {
    "hvac": ["P-100", "P-110", "P-600"],
    "electrical": ["P-200", "P-210", "P-600"],
    "plumbing": ["P-300", "P-310", "P-600"],
    "gas": ["P-400", "P-310"],
    "refrigeration": ["P-500", "P-510"],
}
TOOLS_BY_SKILL = {
    "hvac": ["lift", "thermal-camera"],
    "electrical": ["thermal-camera"],
    "plumbing": ["pipe-camera", "leak-detector"],
    "gas": ["leak-detector"],
    "refrigeration": ["leak-detector"],
}
# Technicians and depots in the CSV cell format; a technician's home is jittered around the town centre.
TECH_TABLE = """
T-01 | Jonas Becker    | Mannheim                   | 07:30-16:30 | Mon;Tue;Wed;Thu;Fri | 12:00-13:30/30 | hvac:3;electrical:2;refrigeration:1 | P-100:2;P-110:1;P-200:2;P-600:3 | thermal-camera            | 60 | 5
T-02 | Lena Schmitt    | Heidelberg                 | 08:00-17:00 | Mon;Tue;Wed;Thu;Fri | 12:00-13:30/30 | plumbing:3;gas:2                    | P-300:2;P-310:2;P-400:1;P-600:2 | pipe-camera;leak-detector | 30 | 4
T-03 | Murat Yilmaz    | Ludwigshafen               | 07:00-16:00 | Mon;Tue;Wed;Thu;Fri | 11:30-13:00/30 | gas:3;hvac:2;electrical:1           | P-400:2;P-100:1;P-310:1;P-600:2 | leak-detector             |  0 | 6
T-04 | Katrin Wagner   | Weinheim                   | 08:00-17:00 | Mon;Wed;Thu;Fri     | 12:00-13:30/30 | electrical:3;hvac:1                 | P-200:3;P-210:2;P-600:2         |                           | 30 | 5
T-05 | Thomas Müller   | Speyer                     | 07:30-16:30 | Mon;Tue;Wed;Thu;Fri | 12:00-13:00/30 | refrigeration:3;electrical:2;hvac:1 | P-500:2;P-510:2;P-210:1         |                           | 60 | 4
T-06 | Sabine Köhler   | Sinsheim                   | 07:00-16:00 | Mon;Tue;Wed;Thu;Fri | 11:30-13:00/30 | hvac:3;plumbing:2;gas:1             | P-100:2;P-110:2;P-300:1         | lift                      | 30 | 6
T-07 | Dennis Hartmann | Worms                      | 08:00-17:00 | Mon;Tue;Wed;Thu;Fri | 12:30-14:00/30 | plumbing:3;electrical:1;gas:1       | P-300:2;P-310:2;P-600:2         | pipe-camera               |  0 | 5
T-08 | Anna Schäfer    | Neustadt an der Weinstraße | 07:30-16:30 | Mon;Tue;Wed;Thu;Fri | 12:00-13:30/30 | gas:3;plumbing:2                    | P-400:2;P-300:1;P-310:1         | leak-detector             | 60 | 4
T-09 | Marco Rossi     | Wiesloch                   | 08:00-17:00 | Tue;Wed;Thu         | 12:00-14:00/45 | electrical:3;refrigeration:2        | P-200:2;P-210:2;P-510:1         | thermal-camera            | 30 | 5
T-10 | Jürgen Hoffmann | Bensheim                   | 07:30-16:30 | Mon;Tue;Wed;Thu;Fri | 12:00-13:30/30 | refrigeration:3;hvac:2;electrical:1 | P-500:1;P-510:2;P-100:1         |                           | 30 | 5
T-11 | Stefan Weber    | Mosbach                    | 07:00-16:00 | Mon;Tue;Wed;Thu;Fri | 11:30-13:00/30 | hvac:3;gas:2;electrical:1           | P-110:1;P-400:1;P-600:1         | lift;thermal-camera       | 60 | 6
T-12 | Elif Demir      | Schwetzingen               | 08:00-17:00 | Mon;Tue;Wed;Thu;Fri | 12:00-13:30/30 | plumbing:2;electrical:2;hvac:1      | P-300:1;P-200:1;P-600:2         |                           |  0 | 4
"""
ORDER_COLS = [
    "order_id",
    "type",
    "lat",
    "lon",
    "duration_min",
    "urgency",
    "windows",
    "due",
    "release",
    "skills",
    "parts",
    "tools",
    "technician",
    "load",
]
TECH_COLS = [
    "technician_id",
    "name",
    "town",
    "shift",
    "workdays",
    "break",
    "skills",
    "van_stock",
    "tools",
    "max_overtime_min",
    "capacity",
]
TECHS = [dict(zip(TECH_COLS, (c.strip() for c in row.split("|")))) for row in TECH_TABLE.strip().splitlines()]
DEPOTS = [  # depot_id, lat, lon, hours, stock, tools -- depots placed roughly inside their towns
    [
        "D-MA",
        "49.49200",
        "8.48500",
        "07:00-18:00",
        "P-100:50;P-110:12;P-200:40;P-210:25;P-300:30;P-310:40;P-400:20;P-500:6;P-510:15;P-600:60",
        "lift;thermal-camera;pipe-camera",
    ],
    [
        "D-HD",
        "49.40800",
        "8.64500",
        "07:00-18:00",
        "P-100:20;P-200:15;P-300:10;P-310:20;P-400:8;P-500:2;P-600:30",
        "leak-detector;thermal-camera",
    ],
]


def pick(items, p=None):
    return items[int(rng.choice(len(items), p=p))]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M") if t else ""


def to_cell(d, omit_one=False):
    return ";".join(k if omit_one and v == 1 else f"{k}:{v}" for k, v in d.items())


def from_cell(cell):
    return {k: int(v or 1) for k, _, v in (x.partition(":") for x in cell.split(";") if x)}


def covers(tech, skills):
    return all(from_cell(tech["skills"]).get(s, 0) >= lvl for s, lvl in skills.items())


def scatter(town, sigma):
    """A point around the town centre, normal with sigma km (clipped at 3 sigma)."""
    lat, lon, _ = TOWNS[town]
    dy, dx = np.clip(rng.normal(0, sigma, 2), -3 * sigma, 3 * sigma)
    return round(lat + dy * DEG_PER_KM_LAT, 5), round(lon + dx * DEG_PER_KM_LON, 5)


def make_skills(otype, emergency):
    _, _, prims, p_lvl = TYPES[otype]
    prim = pick(list(prims), list(prims.values()))
    level = pick([1, 2, 3], p_lvl)
    skills = {prim: min(level, 2) if emergency else level}  # emergencies stay doable by many
    p_elec = 0.6 if otype == "installation" else 0.2 if otype in ("maintenance", "repair") else 0
    if prim != "electrical" and not emergency and rng.random() < p_elec:
        skills["electrical"] = 1
    return skills  # check() asserts that some technician covers every combination


def make_due(otype, urgency):
    """SLA deadline: emergencies Mon +4-8 h, high within 1-2 days, legal maintenance deadlines, else mostly none."""
    if urgency == "emergency":
        return DAYS[0] + timedelta(hours=8 + int(rng.integers(4, 9)))
    if urgency == "high":
        return DAYS[int(rng.integers(0, 2))] + timedelta(hours=int(pick([14, 17, 18])))
    if otype == "maintenance" and rng.random() < 0.25:
        return DAYS[int(rng.integers(1, 3))] + timedelta(hours=18)
    if rng.random() >= (0.6 if otype == "maintenance" else 0.25 if urgency == "normal" else 0.08):
        return None
    days = rng.integers(2, 24) if otype == "maintenance" else rng.integers(0, 10)
    later = DAYS[2] + timedelta(days=int(days), hours=18)
    return later + timedelta(days=7 - later.weekday() if later.weekday() >= 5 else 0)  # weekend -> Monday


def make_windows(duration, release, due):
    """1-2 four-hour start windows (08-17) on distinct horizon days, compatible with release and due."""
    slots = [
        (d, h)
        for d in range(3)
        for h in (8, 10, 12, 13)
        if (not release or DAYS[d] + timedelta(hours=h + 3) >= release)
        and (not due or DAYS[d] + timedelta(hours=h, minutes=duration) <= due)
    ]
    weight = np.array([2.0 if h in (8, 13) else 1.0 for _, h in slots])  # 08-12 and 13-17 are most common
    chosen, k = {}, pick([1, 2], [0.6, 0.4])
    for i in rng.choice(len(slots), size=len(slots), replace=False, p=weight / weight.sum()) if slots else []:
        if slots[i][0] not in chosen and len(chosen) < k:
            chosen[slots[i][0]] = slots[i][1]
    return [(DAYS[d] + timedelta(hours=h), DAYS[d] + timedelta(hours=h + 4)) for d, h in sorted(chosen.items())]


def service_days(o):
    """Horizon day indices on which the order could be served (windows, release, due)."""
    days = {a.date() for a, _ in o["windows"]} or {d.date() for d in DAYS}
    return {
        i
        for i, d in enumerate(DAYS)
        if d.date() in days and (not o["release"] or d.date() >= o["release"].date()) and (not o["due"] or d < o["due"])
    }


def can_do(t, o):
    """Technician t has the order's skills, van parts and tools and works on a day the order allows."""
    van = from_cell(t["van_stock"])
    return (
        covers(t, o["skills"])
        and all(van.get(p, 0) >= q for p, q in o["parts"].items())
        and set(o["tools"]) <= set(t["tools"].split(";"))
        and any(DAY_NAMES[d] in t["workdays"] for d in service_days(o))
    )


def check(orders):
    """Assert the consistency rules of the data contract."""
    horizon = {d.date() for d in DAYS}
    for o in orders:
        assert all(
            a.date() == b.date() and a.date() in horizon and a.hour >= 7 and a < b and b <= b.replace(hour=18, minute=0)
            for a, b in o["windows"]
        ) and service_days(o), o
        assert not (o["release"] and o["due"]) or o["due"] > o["release"], o
        assert max(o["skills"].values()) <= 3 and any(covers(t, o["skills"]) for t in TECHS), o
        assert all(any(from_cell(t["van_stock"]).get(p, 0) >= q for t in TECHS) for p, q in o["parts"].items()), o
        assert all(any(x in (t["tools"] + ";" + d[5]).split(";") for t in TECHS for d in DEPOTS) for x in o["tools"]), o
        assert not o["technician"] or can_do(next(t for t in TECHS if t["technician_id"] == o["technician"]), o), o
    for skill in PARTS_BY_SKILL:  # every level asked is offered by at least two technicians
        top = max(o["skills"].get(skill, 0) for o in orders)
        assert sum(from_cell(t["skills"]).get(skill, 0) >= top for t in TECHS) >= 2, skill


def make_orders():
    counts = [round(share * N_ORDERS) for share, *_ in TYPES.values()]  # exact type mix, random order
    counts[0] += N_ORDERS - sum(counts)
    types = [str(t) for t in rng.permutation([t for t, c in zip(TYPES, counts) for _ in range(c)])]
    repairs = [i for i, t in enumerate(types) if t == "repair"]
    emergencies = set(rng.choice(repairs, size=round(0.04 * N_ORDERS), replace=False).tolist())
    n_high, n_low = round(0.16 * N_ORDERS), round(0.25 * N_ORDERS)  # the rest is normal
    n_normal = N_ORDERS - len(emergencies) - n_high - n_low
    others = list(rng.permutation(["high"] * n_high + ["low"] * n_low + ["normal"] * n_normal))
    towns, pops = list(TOWNS), np.array([t[2] for t in TOWNS.values()], float)
    orders = []
    for i, otype in enumerate(types):
        urgency = "emergency" if i in emergencies else str(others.pop())
        duration = int(5 * round(rng.triangular(*TYPES[otype][1]) / 5))
        skills = make_skills(otype, urgency == "emergency")
        prim, parts = next(iter(skills)), {}
        if otype == "repair" and rng.random() < 0.3:
            for sku in rng.choice(PARTS_BY_SKILL[prim], size=int(pick([1, 2], [0.7, 0.3])), replace=False):
                parts[str(sku)] = int(pick([1, 2], [0.8, 0.2]))
        tools = [pick(TOOLS_BY_SKILL[prim])] if rng.random() < 0.1 else []
        load = int(rng.integers(1, 4)) if otype == "installation" else None
        release = None  # e.g. a part or unit arriving during the horizon
        if urgency in ("normal", "low") and rng.random() < (0.35 if parts or load else 0.015):
            release = DAYS[0] + timedelta(hours=int(pick([13, 32, 34, 37, 56])))  # Mon 13, Tue 08/10/13, Wed 08
        due = make_due(otype, urgency)
        if release and due and due < release.replace(hour=18):
            due = release.replace(hour=18)
        windows = make_windows(duration, release, due) if urgency != "emergency" and rng.random() < 0.48 else []
        town = pick(towns, pops / pops.sum())
        lat, lon = scatter(town, 1.2 + 1.3 * min(TOWNS[town][2] / 100, 1))  # bigger towns spread wider
        orders.append(
            {
                "order_id": f"O-{i + 1:03d}",
                "type": otype,
                "lat": lat,
                "lon": lon,
                "duration_min": duration,
                "urgency": urgency,
                "windows": windows,
                "due": due,
                "release": release,
                "skills": skills,
                "parts": parts,
                "tools": tools,
                "technician": "",
                "load": load,
            }
        )
    # ~3% need a named technician (complaint follow-ups first), who must be able to do the job
    candidates = sorted(
        (o for o in orders if o["urgency"] != "emergency"), key=lambda o: (o["type"] != "complaint", rng.random())
    )
    for o in candidates:
        able = [t["technician_id"] for t in TECHS if can_do(t, o)]
        if able and sum(bool(x["technician"]) for x in orders) < int(0.03 * N_ORDERS + 0.5):
            o["technician"] = pick(able)
    return orders


def write(name, header, rows):
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])


def main():
    orders = make_orders()
    check(orders)
    write(
        "orders.csv",
        ORDER_COLS,
        [
            [
                o["order_id"],
                o["type"],
                f"{o['lat']:.5f}",
                f"{o['lon']:.5f}",
                o["duration_min"],
                o["urgency"],
                ";".join(f"{iso(a)}/{iso(b)}" for a, b in o["windows"]),
                iso(o["due"]),
                iso(o["release"]),
                to_cell(o["skills"], omit_one=True),
                to_cell(o["parts"]),
                ";".join(o["tools"]),
                o["technician"],
                o["load"] or "",
            ]
            for o in orders
        ],
    )
    for t in TECHS:
        t["lat"], t["lon"] = (f"{x:.5f}" for x in scatter(t["town"], 0.8))
    cols = ["technician_id", "name", "lat", "lon", *TECH_COLS[3:]]  # home town -> lat, lon
    write("technicians.csv", cols, [[t[c] for c in cols] for t in TECHS])
    write("depots.csv", ["depot_id", "lat", "lon", "hours", "stock", "tools"], DEPOTS)

    hours = sum(o["duration_min"] for o in orders) / 60
    print(f"wrote {len(orders)} orders, {len(TECHS)} technicians, {len(DEPOTS)} depots to {OUT}")
    for key in ("type", "urgency"):
        values = [o[key] for o in orders]
        print(f"{key}: " + ", ".join(f"{v} {values.count(v)}" for v in sorted(set(values))))
    print(
        "orders with "
        + ", ".join(
            f"{k} {sum(bool(o[k]) for o in orders)}"
            for k in ("windows", "due", "release", "parts", "tools", "technician", "load")
        )
    )
    print(
        f"service time {hours:.1f} h (mean {60 * hours / len(orders):.0f} min), "
        f"{hours + 25 * len(orders) / 60:.1f} h with ~25 min travel per order"
    )


if __name__ == "__main__":
    main()
