"""A self-contained HTML report of a plan (``report.html``): key figures, per day a
planning board (one row per technician working that day, named; visits labelled with
their stop number, order and type, coloured by urgency; late visits and overtime
marked; the shift shaded; after a re-plan a "now" line) beside the unplanned orders,
and a map whose stop numbers are the board's; then one route sheet per technician-day
and, after a re-plan, the list of changes. Inline SVG and CSS only, so it opens offline
in any browser and can be mailed as one file. Printed, it gives one page per day's board
(landscape) and one page per route sheet."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.models import Order, Plan, Problem, Route, Stop, StopKind
from optimizer.models.objective import working_days
from optimizer.outputs.bars import BAR_COLOURS, segments, technician_colours
from optimizer.timeaxis import elapsed_s

_MAP_W, _MAP_H, _PAD = 900, 600, 20
_ROW_H, _LABEL_W, _GANTT_W = 22, 120, 860

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:15px;margin:4px 0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}
td.n{text-align:right}.small{font-size:12px;color:#555}
svg text{font-size:10px;font-family:system-ui,sans-serif}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.board{display:flex;gap:16px;align-items:flex-start}.aside{font-size:12px;max-width:360px}
tr.late td{background:#fde8e8}
@page board{size:A4 landscape;margin:10mm}@page sheet{size:A4 portrait;margin:12mm}
@media print{
  body{margin:0}.screen{display:none}
  section.day{page:board;break-after:page}section.sheet{page:sheet;break-after:page}
  section.day svg{max-width:100%;height:auto}
}
"""


class MapBox(NamedTuple):
    """The degrees a map shows."""

    south: float
    west: float
    north: float
    east: float


URGENCY_COLOURS = {"emergency": "#c0392b", "high": "#e67e22", "normal": "#2e86c1", "low": "#85c1e9"}
"""Visit bars on the board by the order's urgency."""


def html_report(
    plan: Plan,
    problem: Problem,
    *,
    title: str = "Plan",
    changes: pd.DataFrame | None = None,
    roads: npt.NDArray[np.float64] | None = None,
    on_time: dict[tuple[str, str], float] | None = None,
) -> str:
    """The report of ``plan`` for ``problem`` as one HTML document (clock times local
    in the problem's zone); ``changes`` (a re-plan's :func:`optimizer.compare` frame)
    is listed at the end; ``roads`` (rows ``lat1, lon1, lat2, lon2``, inside
    :func:`map_box`) are drawn under every map; with ``on_time`` ((order, technician)
    -> the probability that the visit starts on time, see
    :mod:`optimizer.durations.risk`) the board colours visits by it instead of by
    urgency."""
    plan = _local(plan, problem)
    colours = technician_colours(problem)
    days = [day for day in problem.dates if any(r.date == day for r in plan.routes)]
    xy, _ = _projection(problem)  # one for every map and the roads
    places = _places(problem)
    drawn = _roads(xy, roads)
    unplanned = _unplanned(plan, problem)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        drawn,
        f"<div class='screen'><h1>{_e(title)}</h1>",
        f"<p class='small'>{problem.start} + {problem.days} day(s), {problem.tz}; solver {_e(plan.info.solver)}, "
        f"{plan.info.total_s:.1f} s</p>",
        _kpis(plan),
        "</div>",
        *(
            f"<section class='day'><h2>Day {day}</h2><div class='board'>{_board(plan, problem, day, on_time)}"
            f"<div class='aside'><h3>Unplanned orders</h3>{unplanned}</div></div>"
            f"<div class='screen'>{_map(plan, problem, day, colours, xy, places, bool(drawn))}</div>"
            "</section>"
            for day in days
        ),
        "" if days else f"<h2>Unplanned orders</h2>{unplanned}",
        "<h2 class='screen'>Route sheets</h2>",
        *(_route_sheet(route, problem) for route in _in_order(plan.routes)),
        _changes(changes),
        "</body></html>",
    ]
    return "\n".join(parts)


def _in_order(routes: Iterable[Route]) -> list[Route]:
    """Routes by technician, then date."""
    return sorted(routes, key=lambda r: (r.technician_id, r.date))


def _numbered(route: Route) -> list[tuple[int | None, Stop]]:
    """The stops of ``route`` with their stop numbers: orders and pickups counted from
    1 (the numbers of the map, the board and the route sheet), ``None`` for the rest."""
    out: list[tuple[int | None, Stop]] = []
    number = 0
    for stop in route.stops:
        if stop.kind in (StopKind.ORDER, StopKind.PICKUP):
            number += 1
            out.append((number, stop))
        else:
            out.append((None, stop))
    return out


def _local(plan: Plan, problem: Problem) -> Plan:
    """``plan`` with every stop's instants in the problem's zone."""
    zone = problem.zone
    routes = tuple(
        route.model_copy(
            update={
                "stops": tuple(
                    s.model_copy(
                        update={
                            "arrival": s.arrival.astimezone(zone),
                            "start": s.start.astimezone(zone),
                            "end": s.end.astimezone(zone),
                        }
                    )
                    for s in route.stops
                )
            }
        )
        for route in plan.routes
    )
    return plan.model_copy(update={"routes": routes})


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _kpis(plan: Plan) -> str:
    k = plan.kpis
    rows = [
        ("orders planned", f"{k.orders_planned} of {k.orders_total}"),
        ("unplanned by urgency", ", ".join(f"{u.value} {n}" for u, n in k.unplanned_by_urgency.items())),
        ("technician-days used", k.technician_days_used),
        ("travel", f"{k.travel_km:.1f} km, {k.travel_min:.0f} min"),
        ("service", f"{k.service_min:.0f} min"),
        ("waiting", f"{k.wait_min:.0f} min"),
        ("overtime", f"{k.overtime_min:.0f} min"),
        ("late visits", f"{k.late_visits} ({k.late_min:.0f} min)"),
        ("depot pickups", k.pickups),
        ("objective", f"{k.objective:.2f}"),
        *((f"objective: {name}", f"{value:.2f}") for name, value in k.objective_terms.items()),
    ]
    body = "".join(f"<tr><th>{_e(a)}</th><td>{_e(b)}</td></tr>" for a, b in rows)
    return f"<h2>Key figures</h2><table>{body}</table>"


def _places(problem: Problem) -> dict[tuple[str, str], tuple[float, float]]:
    """(kind, id) -> (lat, lon) of homes, orders and depots."""
    out = {("home", t.id): (t.lat, t.lon) for t in problem.technicians}
    out |= {("order", o.id): (o.lat, o.lon) for o in problem.orders}
    out |= {("depot", d.id): (d.lat, d.lon) for d in problem.depots}
    return out


Projection = Callable[[tuple[float, float]], tuple[float, float]]
"""(lat, lon) -> (x, y) pixels of the report's maps."""


def _projection(problem: Problem) -> tuple[Projection, MapBox]:
    """The map's equirectangular projection (lat, lon) -> (x, y) pixels, fitted to the
    problem's homes, orders and depots, and the box of degrees the map shows."""
    places = _places(problem)
    lats = [p[0] for p in places.values()] or [0.0]
    lons = [p[1] for p in places.values()] or [0.0]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width = max(1e-9, (max(lons) - min(lons)) * squeeze)
    height = max(1e-9, max(lats) - min(lats))
    scale = min((_MAP_W - 2 * _PAD) / width, (_MAP_H - 2 * _PAD) / height)

    def xy(point: tuple[float, float]) -> tuple[float, float]:
        return (_PAD + (point[1] - min(lons)) * squeeze * scale, _MAP_H - _PAD - (point[0] - min(lats)) * scale)

    south, west = min(lats) - _PAD / scale, min(lons) - _PAD / (scale * squeeze)
    box = MapBox(south, west, south + _MAP_H / scale, west + _MAP_W / (scale * squeeze))
    return xy, box


def map_box(problem: Problem) -> MapBox:
    """The box of degrees the report's maps show, for the roads to draw under them."""
    return _projection(problem)[1]


def _roads(xy: Projection, roads: npt.NDArray[np.float64] | None) -> str:
    """The road segments ``roads`` (rows ``lat1, lon1, lat2, lon2``) as one path in the
    maps' projection ``xy``, defined once for every day's map to use; nothing without roads."""
    if roads is None or len(roads) == 0:
        return ""
    steps = []
    for lat1, lon1, lat2, lon2 in roads:
        (x1, y1), (x2, y2) = xy((lat1, lon1)), xy((lat2, lon2))
        steps.append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
    return (
        "<svg width='0' height='0' style='position:absolute'><defs><path id='roads' fill='none' "
        f"stroke='#d9d9d9' stroke-width='0.8' d='{''.join(steps)}'/></defs></svg>"
    )


def _map(
    plan: Plan,
    problem: Problem,
    day: dt.date,
    colours: dict[str, str],
    xy: Projection,
    places: dict[tuple[str, str], tuple[float, float]],
    roads: bool,
) -> str:
    """The routes of ``day`` as polylines in the projection ``xy`` (over the roads of the
    map, where drawn), stops numbered; orders unplanned over the whole horizon as hollow
    circles; ``places`` as :func:`_places` gives them."""

    shapes = ["<use href='#roads'/>"] if roads else []
    orders = problem.order_by_id
    planned = {o for r in plan.routes for o in r.order_ids}
    for order in problem.orders:
        if order.id not in planned:
            x, y = xy((order.lat, order.lon))
            shapes.append(
                f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='none' stroke='#999'>"
                f"<title>{_e(order.id)}: unplanned</title></circle>"
            )
    for route in (r for r in plan.routes if r.date == day):
        colour = colours.get(route.technician_id, "#000")
        points = [xy(places[("home", route.technician_id)])]
        marks = []
        for number, stop in _numbered(route):
            if number is None:
                continue
            key = ("order", stop.order_id) if stop.kind is StopKind.ORDER else ("depot", stop.depot_id)
            x, y = xy(places[key])  # type: ignore[index]
            points.append((x, y))
            tip = _e(
                f"{route.technician_id} {route.date} #{number}: {key[1]}, arrival {stop.arrival:%H:%M}, "
                f"start {stop.start:%H:%M}{_window_text(orders, stop)}"
            )
            marks.append(
                f"<g><circle cx='{x:.1f}' cy='{y:.1f}' r='7' fill='white' stroke='{colour}'/>"
                f"<text x='{x:.1f}' y='{y + 3:.1f}' text-anchor='middle'>{number}</text>"
                f"<title>{tip}</title></g>"
            )
        points.append(points[0])
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        shapes.append(
            f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='1.6' opacity='0.8'>"
            f"<title>{_e(route.technician_id)} {route.date}</title></polyline>"
        )
        shapes.extend(marks)
    for technician in problem.technicians:
        x, y = xy((technician.lat, technician.lon))
        shapes.append(
            f"<rect x='{x - 5:.1f}' y='{y - 5:.1f}' width='10' height='10' "
            f"fill='{colours[technician.id]}'><title>home of {_e(technician.id)}</title></rect>"
        )
    for depot in problem.depots:
        x, y = xy((depot.lat, depot.lon))
        shapes.append(
            f"<polygon points='{x:.1f},{y - 7:.1f} {x - 6:.1f},{y + 5:.1f} {x + 6:.1f},{y + 5:.1f}' "
            f"fill='black'><title>depot {_e(depot.id)}</title></polygon>"
        )
    legend = "".join(f"<span style='background:{c}'></span>{_e(t)}" for t, c in colours.items())
    return (
        f"<svg width='{_MAP_W}' height='{_MAP_H}' style='border:1px solid #ddd'>{''.join(shapes)}</svg>"
        f"<p class='legend small'>{legend}; squares: homes, triangles: depots, hollow circles: unplanned</p>"
    )


def _window_text(orders: dict[str, Order], stop: Stop) -> str:
    """``, window 23 08:00-10:00; ...`` for an order's windows, in the zone of the stop's
    times (the report's), or nothing."""
    order = orders.get(stop.order_id or "") if stop.kind is StopKind.ORDER else None
    if order is None or not order.windows:
        return ""
    zone = stop.start.tzinfo
    shown = (f"{w.start.astimezone(zone):%d %H:%M}-{w.end.astimezone(zone):%H:%M}" for w in order.windows)
    return ", window " + "; ".join(shown)


def _board(plan: Plan, problem: Problem, day: dt.date, on_time: dict[tuple[str, str], float] | None = None) -> str:
    """The planning board of ``day``: one row per technician working that day (named,
    with the shift shaded and its end marked); drives, waiting, pickups and breaks as
    bars, visits coloured by urgency and labelled ``#n order type``; late visits outlined
    in red, time past the shift end hatched; after a re-plan a "now" line."""
    zone = problem.zone
    routes = {r.technician_id: r for r in plan.routes if r.date == day}
    working = working_days(problem)[day]
    rows = [t for t in sorted(problem.technicians, key=lambda t: t.id) if t.id in routes or t.id in working]
    shifts = {
        t.id: (
            dt.datetime.combine(day, t.hours_on(day).start, tzinfo=zone),
            dt.datetime.combine(day, t.hours_on(day).end, tzinfo=zone),
        )
        for t in rows
    }
    first = min([s for s, _ in shifts.values()] + [r.stops[0].start for r in routes.values()])
    last = max([e for _, e in shifts.values()] + [r.stops[-1].end for r in routes.values()])
    origin = first.replace(minute=0, second=0, microsecond=0)
    span_s = max(3600.0, math.ceil(elapsed_s(last, origin) / 3600) * 3600)
    orders = problem.order_by_id

    def x(instant: dt.datetime) -> float:
        return _LABEL_W + elapsed_s(instant, origin) / span_s * _GANTT_W

    bottom = 16 + _ROW_H * len(rows)
    shapes = [
        "<defs><pattern id='overtime' width='6' height='6' patternUnits='userSpaceOnUse' "
        "patternTransform='rotate(45)'><rect width='3' height='6' fill='#c0392b' opacity='0.5'/></pattern></defs>"
    ]
    for hour in range(int(span_s // 3600) + 1):
        at = _LABEL_W + hour * 3600 / span_s * _GANTT_W
        clock = (origin + dt.timedelta(hours=hour)).strftime("%H:%M")
        shapes.append(
            f"<line x1='{at:.1f}' y1='14' x2='{at:.1f}' y2='{bottom}' stroke='#eee'/>"
            f"<text x='{at:.1f}' y='10' text-anchor='middle'>{clock}</text>"
        )
    for row, technician in enumerate(rows):
        top = 16 + row * _ROW_H
        start, end = shifts[technician.id]
        label = f"{technician.name} ({technician.id})" if technician.name else technician.id
        cells = [
            f"<rect class='shift' x='{x(start):.1f}' y='{top - 2}' width='{x(end) - x(start):.1f}' "
            f"height='{_ROW_H - 2}' fill='#eef6ee'/>",
            f"<line class='shift-end' x1='{x(end):.1f}' y1='{top - 2}' x2='{x(end):.1f}' y2='{top + _ROW_H - 4}' "
            "stroke='#2e7d32' stroke-width='1.5'/>",
            f"<text x='4' y='{top + 12}'>{_e(label[:24])}</text>",
        ]
        route = routes.get(technician.id)
        if route is not None:
            cells.extend(_bars(route, orders, x, top, on_time))
            back = route.stops[-1].end
            if back > end:
                cells.append(
                    f"<rect class='overtime' x='{x(end):.1f}' y='{top - 2}' width='{x(back) - x(end):.1f}' "
                    f"height='{_ROW_H - 2}' fill='url(#overtime)'><title>overtime {elapsed_s(back, end) / 60:.0f} "
                    f"min (back {back:%H:%M}, shift end {end:%H:%M})</title></rect>"
                )
        shapes.append(
            f"<g class='board-row' data-technician='{_e(technician.id)}' data-date='{day}'>{''.join(cells)}</g>"
        )
    if problem.progress is not None and origin <= problem.progress.now.astimezone(zone) <= origin + dt.timedelta(
        seconds=span_s
    ):
        now = problem.progress.now.astimezone(zone)
        shapes.append(
            f"<g class='now'><line x1='{x(now):.1f}' y1='12' x2='{x(now):.1f}' y2='{bottom}' stroke='#c0392b' "
            f"stroke-width='2' stroke-dasharray='4 2'/><text x='{x(now) + 3:.1f}' y='{bottom + 10}' fill='#c0392b'>"
            f"now {now:%H:%M}</text></g>"
        )
    legend = "".join(f"<span style='background:{c}'></span>{k}" for k, c in URGENCY_COLOURS.items())
    legend += "".join(f"<span style='background:{c}'></span>{k}" for k, c in BAR_COLOURS.items() if k != "service")
    return (
        f"<div><svg width='{_LABEL_W + _GANTT_W + 20}' height='{bottom + 16}'>{''.join(shapes)}</svg>"
        f"<p class='legend small'>{legend}; red outline: late; hatched: overtime; green: shift</p></div>"
    )


def _bars(
    route: Route,
    orders: dict[str, Order],
    x: Callable[[dt.datetime], float],
    top: int,
    on_time: dict[tuple[str, str], float] | None = None,
) -> list[str]:
    """The bars of one route on the board; visits as groups with their labels."""
    out = []
    for kind, start, end, tip in segments(route):
        width = max(0.5, x(end) - x(start))
        if kind != "service":
            out.append(
                f"<rect x='{x(start):.1f}' y='{top}' width='{width:.1f}' height='{_ROW_H - 6}' "
                f"fill='{BAR_COLOURS[kind]}'><title>{_e(tip)}</title></rect>"
            )
    for number, stop in _numbered(route):
        if stop.kind is not StopKind.ORDER or stop.order_id is None:
            continue
        order = orders.get(stop.order_id)
        urgency = order.urgency.value if order else "normal"
        label = f"#{number} {stop.order_id}" + (f" {order.type.value}" if order else "")
        width = max(0.5, x(stop.end) - x(stop.start))
        late = stop.late_min > 0
        outline = " stroke='#b00000' stroke-width='2'" if late else ""
        tip = f"{label}, {urgency}, {stop.start:%H:%M}-{stop.end:%H:%M}" + (
            f", {stop.late_min:.0f} min late" if late else ""
        )
        fill = URGENCY_COLOURS.get(urgency, "#2e86c1")
        odds = None if on_time is None else on_time.get((stop.order_id, route.technician_id))
        if odds is not None:
            fill = _odds_colour(odds)
            tip += f", on time in {100 * odds:.0f}% of simulated days"
        shown = label if width >= 6 * len(label) else label[: max(0, int(width / 6))]
        out.append(
            f"<g class='visit{' late' if late else ''}' data-order='{_e(stop.order_id)}' data-number='{number}'>"
            f"<rect x='{x(stop.start):.1f}' y='{top}' width='{width:.1f}' height='{_ROW_H - 6}' "
            f"fill='{fill}'{outline}/>"
            f"<text x='{x(stop.start) + 2:.1f}' y='{top + 11}' fill='white'>{_e(shown)}</text>"
            f"<title>{_e(tip)}</title></g>"
        )
    return out


ODDS_COLOURS = ((0.9, "#1e8449"), (0.7, "#d4ac0d"), (0.5, "#e67e22"), (0.0, "#c0392b"))
"""Colours of a visit on the board by its odds of starting on time: at least 90%, 70%,
50%, below."""


def _odds_colour(odds: float) -> str:
    """The colour of a visit on time with probability ``odds``."""
    return next(colour for floor, colour in ODDS_COLOURS if odds >= floor)


def _route_sheet(route: Route, problem: Problem) -> str:
    """One technician-day as a printable route sheet: every stop numbered as on the map
    and the board, with times, the order's type, urgency, window and pass-through
    columns (customer, address...), what to pick up, and late visits marked."""
    technician = problem.technician_by_id[route.technician_id]
    orders = problem.order_by_id
    visits = len(route.order_ids)
    hours = technician.hours_on(route.date)
    head = (
        f"<h3>{_e(technician.name or technician.id)} ({_e(technician.id)}), {route.date:%a %Y-%m-%d}</h3>"
        f"<p class='small'>shift {hours.start:%H:%M}-{hours.end:%H:%M}; {visits} visits, "
        f"{route.travel_km:.1f} km, leaves {route.stops[0].start:%H:%M}, back {route.stops[-1].end:%H:%M}</p>"
    )
    rows = []
    for number, stop in _numbered(route):
        order = orders.get(stop.order_id or "") if stop.kind is StopKind.ORDER else None
        if stop.kind is StopKind.ORDER and order is not None:
            what = f"{order.id}: {order.type.value}, {order.urgency.value}"
            notes = "; ".join(f"{k}: {v}" for k, v in order.attributes.items())
        elif stop.kind is StopKind.PICKUP:
            picked = [f"{k} x{v}" for k, v in sorted(stop.picked.items())] + sorted(stop.picked_tools)
            what, notes = f"depot {stop.depot_id}", "pick up " + ", ".join(picked)
        else:
            what, notes = stop.kind.value, ""
        late = f"{stop.late_min:.0f} min late" if stop.late_min > 0 else ""
        rows.append(
            f"<tr{' class=late' if late else ''}><td class='n'>{'' if number is None else number}</td>"
            f"<td>{stop.arrival:%H:%M}</td><td>{stop.start:%H:%M}</td><td>{stop.end:%H:%M}</td><td>{_e(what)}</td>"
            f"<td>{_e(_window_text(orders, stop).removeprefix(', window '))}</td><td>{_e(notes)}</td>"
            f"<td>{_e(late)}</td></tr>"
        )
    table = (
        "<table><tr><th>#</th><th>arrive</th><th>start</th><th>end</th><th>stop</th><th>window</th>"
        f"<th>notes</th><th>late</th></tr>{''.join(rows)}</table>"
    )
    return (
        f"<section class='sheet' data-technician='{_e(technician.id)}' data-date='{route.date}'>{head}{table}</section>"
    )


def _unplanned(plan: Plan, problem: Problem) -> str:
    if not plan.unplanned:
        return "<p class='small'>none</p>"
    orders = problem.order_by_id
    rows = "".join(
        f"<tr title='{_e(u.detail)}'><td>{_e(u.order_id)}</td>"
        f"<td>{_e(orders[u.order_id].type.value if u.order_id in orders else '')}</td>"
        f"<td>{u.urgency.value}</td><td>{_e(u.reason)}</td></tr>"
        for u in plan.unplanned
    )
    return (
        "<table class='unplanned'><tr><th>order</th><th>type</th><th>urgency</th><th>reason</th></tr>"
        f"{rows}</table><p class='small'>the reason's detail shows on hover and in unassigned.csv</p>"
    )


def _changes(changes: pd.DataFrame | None) -> str:
    """A re-plan's changes against the previous plan, one row per changed order."""
    if changes is None:
        return ""
    if changes.empty:
        return "<section class='screen'><h2>Changes</h2><p class='small'>none</p></section>"
    head = "".join(f"<th>{_e(c)}</th>" for c in changes.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e('' if pd.isna(v) else v)}</td>" for v in row) + "</tr>"
        for row in changes.itertuples(index=False)
    )
    return f"<section class='screen'><h2>Changes</h2><table><tr>{head}</tr>{body}</table></section>"
