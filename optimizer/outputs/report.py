"""A self-contained HTML report of a plan (``report.html``): KPIs, a map of the routes,
a Gantt chart per day and each technician's schedule. Inline SVG and CSS only, so it
opens offline in any browser and can be mailed as one file."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import defaultdict

from optimizer.models import Order, Plan, Problem, Route, Stop, StopKind
from optimizer.outputs.bars import BAR_COLOURS, segments, technician_colours
from optimizer.timeaxis import elapsed_s

_MAP_W, _MAP_H, _PAD = 900, 600, 20
_ROW_H, _LABEL_W, _GANTT_W = 22, 120, 860

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}
td.n{text-align:right}.small{font-size:12px;color:#555}
svg text{font-size:10px;font-family:system-ui,sans-serif}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
"""


def html_report(plan: Plan, problem: Problem, *, title: str = "Plan") -> str:
    """The report of ``plan`` for ``problem`` as one HTML document (clock times local
    in the problem's zone)."""
    plan = _local(plan, problem)
    colours = technician_colours(problem)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='small'>{problem.start} + {problem.days} day(s), {problem.tz}; solver {_e(plan.info.solver)} "
        f"({_e(plan.info.status)}), {plan.info.total_s:.1f} s</p>",
        _kpis(plan),
        *(
            f"<h2>Day {day}</h2>{_map(plan, problem, day, colours)}{_gantt(plan, day, colours)}"
            for day in problem.dates
        ),
        "<h2>Schedules</h2>",
        _schedules(plan, problem),
        "<h2>Unplanned orders</h2>",
        _unplanned(plan),
        "</body></html>",
    ]
    return "\n".join(parts)


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


def _map(plan: Plan, problem: Problem, day: dt.date, colours: dict[str, str]) -> str:
    """The routes of ``day`` as polylines over an equirectangular projection, stops
    numbered; orders unplanned over the whole horizon as hollow circles."""
    places = _places(problem)
    lats = [p[0] for p in places.values()] or [0.0]
    lons = [p[1] for p in places.values()] or [0.0]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width = max(1e-9, (max(lons) - min(lons)) * squeeze)
    height = max(1e-9, max(lats) - min(lats))
    scale = min((_MAP_W - 2 * _PAD) / width, (_MAP_H - 2 * _PAD) / height)

    def xy(point: tuple[float, float]) -> tuple[float, float]:
        return (_PAD + (point[1] - min(lons)) * squeeze * scale, _MAP_H - _PAD - (point[0] - min(lats)) * scale)

    shapes = []
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
        for number, stop in enumerate((s for s in route.stops if s.kind in (StopKind.ORDER, StopKind.PICKUP)), 1):
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
    order = orders.get(stop.order_id or "") if stop.kind is StopKind.ORDER else None
    if order is None or not order.windows:
        return ""
    return ", window " + "; ".join(f"{w.start:%d %H:%M}-{w.end:%H:%M}" for w in order.windows)


def _gantt(plan: Plan, day: dt.date, colours: dict[str, str]) -> str:
    """One row per technician working on ``day``: travel, wait, service, break and
    pickup as separate bars, on the hours of the day."""
    routes = sorted((r for r in plan.routes if r.date == day), key=lambda r: r.technician_id)
    if not routes:
        return "<p class='small'>no routes</p>"
    first = min(r.stops[0].start for r in routes)
    last = max(r.stops[-1].end for r in routes)
    origin = first.replace(minute=0, second=0, microsecond=0)
    span_s = max(3600.0, math.ceil(elapsed_s(last, origin) / 3600) * 3600)

    def x(instant: dt.datetime) -> float:
        return _LABEL_W + elapsed_s(instant, origin) / span_s * _GANTT_W

    shapes = []
    for hour in range(int(span_s // 3600) + 1):
        at = _LABEL_W + hour * 3600 / span_s * _GANTT_W
        clock = (origin + dt.timedelta(hours=hour)).strftime("%H:%M")
        shapes.append(
            f"<line x1='{at:.1f}' y1='14' x2='{at:.1f}' y2='{14 + _ROW_H * len(routes)}' stroke='#eee'/>"
            f"<text x='{at:.1f}' y='10' text-anchor='middle'>{clock}</text>"
        )
    for row, route in enumerate(routes):
        top = 16 + row * _ROW_H
        shapes.append(f"<text x='4' y='{top + 13}'>{_e(route.technician_id)}</text>")
        for kind, start, end, tip in segments(route):
            fill = colours.get(route.technician_id, "#000") if kind == "service" else BAR_COLOURS[kind]
            width = max(0.5, x(end) - x(start))
            shapes.append(
                f"<rect x='{x(start):.1f}' y='{top}' width='{width:.1f}' height='{_ROW_H - 6}' "
                f"fill='{fill}'><title>{_e(tip)}</title></rect>"
            )
    height = 24 + _ROW_H * len(routes)
    legend = "".join(f"<span style='background:{c}'></span>{k}" for k, c in BAR_COLOURS.items() if k != "service")
    return (
        f"<svg width='{_LABEL_W + _GANTT_W + 20}' height='{height}'>{''.join(shapes)}</svg>"
        f"<p class='legend small'>{legend}<span style='background:{BAR_COLOURS['service']}'></span>service "
        "(the technician's colour)</p>"
    )


def _schedules(plan: Plan, problem: Problem) -> str:
    by_technician: dict[str, list[Route]] = defaultdict(list)
    for route in plan.routes:
        by_technician[route.technician_id].append(route)
    head = (
        "<tr><th>technician</th><th>date</th><th>#</th><th>kind</th><th>order / depot</th><th>arrival</th>"
        "<th>start</th><th>end</th><th>travel min</th><th>late min</th></tr>"
    )
    rows = []
    for technician in problem.technicians:
        for route in by_technician.get(technician.id, []):
            for number, stop in enumerate(route.stops):
                rows.append(
                    f"<tr><td>{_e(route.technician_id)}</td><td>{route.date}</td><td class='n'>{number}</td>"
                    f"<td>{stop.kind.value}</td><td>{_e(stop.order_id or stop.depot_id or '')}</td>"
                    f"<td>{stop.arrival:%H:%M}</td><td>{stop.start:%H:%M}</td><td>{stop.end:%H:%M}</td>"
                    f"<td class='n'>{stop.travel_min:.0f}</td><td class='n'>{stop.late_min:.0f}</td></tr>"
                )
    return f"<table>{head}{''.join(rows)}</table>"


def _unplanned(plan: Plan) -> str:
    if not plan.unplanned:
        return "<p class='small'>none</p>"
    rows = "".join(
        f"<tr><td>{_e(u.order_id)}</td><td>{u.urgency.value}</td><td>{_e(u.reason)}</td><td>{_e(u.detail)}</td></tr>"
        for u in plan.unplanned
    )
    return f"<table><tr><th>order</th><th>urgency</th><th>reason</th><th>detail</th></tr>{rows}</table>"
