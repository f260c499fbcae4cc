"""Pictures of plans for notebooks: a route map (folium), a Gantt chart and scenario
KPI charts (plotly). They render inline in Jupyter and save to standalone HTML
(``route_map(plan, problem).save("map.html")``, ``gantt(plan).write_html("gantt.html")``)."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from optimizer.models import Plan, Problem, StopKind
from optimizer.models.base import Located
from optimizer.outputs.bars import BAR_COLOURS, segments, technician_colours


def route_map(plan: Plan, problem: Problem) -> folium.Map:
    """An interactive map: one layer per technician-day (a line in the technician's
    colour from home through the numbered stops and back), popups with order, time
    window, arrival and start; homes and depots marked."""
    zone = problem.zone
    places = {("order", o.id): o for o in problem.orders} | {("depot", d.id): d for d in problem.depots}
    homes = problem.technician_by_id
    orders = problem.order_by_id
    colours = technician_colours(problem)
    located: list[Located] = [*problem.orders, *problem.technicians, *problem.depots]
    points = [(p.lat, p.lon) for p in located]
    view = folium.Map(tiles="OpenStreetMap", control_scale=True)
    if points:
        view.fit_bounds(
            [
                [min(p[0] for p in points), min(p[1] for p in points)],
                [max(p[0] for p in points), max(p[1] for p in points)],
            ]
        )
    for route in plan.routes:
        colour = colours.get(route.technician_id, "#000000")
        home = homes[route.technician_id]
        layer = folium.FeatureGroup(name=f"{route.technician_id} {route.date}")
        line = [(home.lat, home.lon)]
        visited = [s for s in route.stops if s.kind in (StopKind.ORDER, StopKind.PICKUP)]
        for number, stop in enumerate(visited, 1):
            key = ("order", stop.order_id or "") if stop.kind is StopKind.ORDER else ("depot", stop.depot_id or "")
            place = places[key]
            line.append((place.lat, place.lon))
            order = orders.get(stop.order_id or "") if stop.kind is StopKind.ORDER else None
            windows = "; ".join(
                f"{w.start.astimezone(zone):%d %H:%M}-{w.end.astimezone(zone):%H:%M}"
                for w in (order.windows if order else ())
            )
            text = (
                f"<b>{key[1]}</b> ({route.technician_id}, stop {number})<br>"
                f"window: {windows or 'any'}<br>arrival {stop.arrival.astimezone(zone):%H:%M}, "
                f"start {stop.start.astimezone(zone):%H:%M}"
            )
            folium.Marker(
                (place.lat, place.lon),
                icon=folium.DivIcon(
                    html=f"<div style='background:white;border:2px solid {colour};border-radius:9px;"
                    f"width:18px;text-align:center;font-size:11px'>{number}</div>"
                ),
                popup=folium.Popup(text, max_width=300),
            ).add_to(layer)
        line.append((home.lat, home.lon))
        folium.PolyLine(
            line, color=colour, weight=3, opacity=0.8, tooltip=f"{route.technician_id} {route.date}"
        ).add_to(layer)
        layer.add_to(view)
    for technician in problem.technicians:
        folium.CircleMarker(
            (technician.lat, technician.lon),
            radius=6,
            color=colours[technician.id],
            fill=True,
            tooltip=f"home of {technician.id}",
        ).add_to(view)
    for depot in problem.depots:
        folium.Marker(
            (depot.lat, depot.lon), tooltip=f"depot {depot.id}", icon=folium.Icon(color="black", icon="home")
        ).add_to(view)
    folium.LayerControl(collapsed=True).add_to(view)
    return view


def gantt_frame(plan: Plan) -> pd.DataFrame:
    """The Gantt bars: one row per bar with ``row`` (technician and date), ``kind``
    (travel, wait, service, break, pickup), ``start``, ``end`` (tz-aware, in the plan's
    zone) and ``label``."""
    rows = [
        {"row": f"{route.technician_id} {route.date}", "kind": kind, "start": start, "end": end, "label": label}
        for route in plan.routes
        for kind, start, end, label in segments(route)
    ]
    frame = pd.DataFrame(rows, columns=["row", "kind", "start", "end", "label"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(plan.tz)
    return frame


def gantt(plan: Plan) -> go.Figure:
    """A Gantt chart: one row per technician-day; travel, waiting, service, breaks and
    pickups as separate bars (hover for the order and times)."""
    frame = gantt_frame(plan)
    figure = px.timeline(
        frame,
        x_start="start",
        x_end="end",
        y="row",
        color="kind",
        hover_name="label",
        color_discrete_map=BAR_COLOURS,
        category_orders={"kind": list(BAR_COLOURS)},
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_layout(height=120 + 28 * max(1, frame["row"].nunique()), legend_title_text=None)
    return figure


def kpi_chart(
    table: pd.DataFrame, columns: Sequence[str] = ("objective", "orders_planned", "travel_km", "overtime_min")
) -> go.Figure:
    """Scenario KPIs side by side (a table from :func:`optimizer.scenarios.run`): one
    panel per column, one bar per scenario."""
    long = table.melt(id_vars="scenario", value_vars=list(columns), var_name="kpi")
    figure = px.bar(long, x="scenario", y="value", color="scenario", facet_col="kpi", facet_col_wrap=2)
    figure.update_yaxes(matches=None, title=None)
    figure.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    return figure
