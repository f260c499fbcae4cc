"""What the pictures of a plan share: a colour per technician, and a route cut into
Gantt bars (drive, wait, service, pickup, break) with their colours. Used by the HTML
report and the notebook pictures alike."""

from __future__ import annotations

import datetime as dt

from optimizer.models import Problem, Route, StopKind
from optimizer.timeaxis import elapsed_s

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#ad494a",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
)
"""One colour per technician, in problem order (repeating)."""


def technician_colours(problem: Problem) -> dict[str, str]:
    """The colour of each technician in pictures, by id."""
    return {t.id: PALETTE[k % len(PALETTE)] for k, t in enumerate(problem.technicians)}


BAR_COLOURS = {"travel": "#bbbbbb", "wait": "#eeeeee", "service": "#1f77b4", "break": "#f2c14e", "pickup": "#6a3d9a"}
"""Bar colours by kind (the report draws service in the technician's colour)."""


def segments(route: Route) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    """(kind, start, end, tooltip) bars of one route: the drive to each stop (ending at
    its arrival), waiting until its start, then service, pickup or break."""
    bars = []
    for stop in route.stops[1:]:
        if stop.kind is StopKind.BREAK:
            bars.append(("break", stop.start, stop.end, f"break {stop.start:%H:%M}-{stop.end:%H:%M}"))
            continue
        if stop.travel_min > 0:
            drive = stop.arrival - dt.timedelta(minutes=stop.travel_min)
            bars.append(("travel", drive, stop.arrival, f"drive {stop.travel_min:.0f} min, {stop.travel_km:.1f} km"))
        if elapsed_s(stop.start, stop.arrival) > 0:
            bars.append(("wait", stop.arrival, stop.start, f"wait {stop.arrival:%H:%M}-{stop.start:%H:%M}"))
        if stop.kind is StopKind.ORDER:
            bars.append(
                (
                    "service",
                    stop.start,
                    stop.end,
                    f"{stop.order_id} {stop.start:%H:%M}-{stop.end:%H:%M}"
                    + (f", {stop.late_min:.0f} min late" if stop.late_min else ""),
                )
            )
        elif stop.kind is StopKind.PICKUP:
            bars.append(("pickup", stop.start, stop.end, f"pickup at {stop.depot_id} {stop.start:%H:%M}"))
    return bars
