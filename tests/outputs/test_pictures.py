"""Pictures build from any plan: one map route per technician-day, one Gantt bar per stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer import scenarios
from optimizer.models import Plan, Problem, StopKind
from optimizer.outputs import pictures as viz
from optimizer.testing.problems import problem as generated

from conftest import solve_checked


@pytest.fixture(scope="module")
def problem() -> Problem:
    """A two-day generated problem with breaks and parts."""
    return generated(40, 3, days=2, seed=4, parts_share=0.3, off_van_share=0.5)


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    """Its plan."""
    return solve_checked(problem, solver="insertion")


def test_the_map_has_one_route_per_technician_day_and_a_popup_per_stop(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    """Lines and numbered markers per technician-day; it saves to one HTML file."""
    page = viz.route_map(plan, problem)
    layers = [child for child in page._children.values() if child.__class__.__name__ == "FeatureGroup"]
    assert sorted(layer.layer_name for layer in layers) == sorted(f"{r.technician_id} {r.date}" for r in plan.routes)
    for layer, route in zip(layers, plan.routes):
        kinds = [child.__class__.__name__ for child in layer._children.values()]
        located = [s for s in route.stops if s.kind in (StopKind.ORDER, StopKind.PICKUP)]
        assert kinds.count("PolyLine") == 1 and kinds.count("Marker") == len(located)
    page.save(tmp_path / "map.html")
    assert plan.routes[0].technician_id in (tmp_path / "map.html").read_text()


def test_the_gantt_has_one_bar_per_stop_and_travel_apart(plan: Plan, tmp_path: Path) -> None:
    """A service, pickup or break bar for each such stop; a travel bar per drive; one row
    per technician-day."""
    frame = viz.gantt_frame(plan)
    stops = [s for r in plan.routes for s in r.stops]
    for kind, stop_kind in (("service", StopKind.ORDER), ("pickup", StopKind.PICKUP), ("break", StopKind.BREAK)):
        assert (frame["kind"] == kind).sum() == sum(s.kind is stop_kind for s in stops)
    assert (frame["kind"] == "travel").sum() == sum(s.travel_min > 0 for s in stops)
    assert (frame["end"] >= frame["start"]).all() and str(frame["start"].dt.tz) == plan.tz
    figure = viz.gantt(plan)
    assert {trace.name for trace in figure.data} <= set(viz.BAR_COLOURS)
    assert sum(len(trace.x) for trace in figure.data) == len(frame)
    figure.write_html(tmp_path / "gantt.html", include_plotlyjs="cdn")
    assert (tmp_path / "gantt.html").stat().st_size > 0


def test_the_kpi_chart_has_a_bar_per_scenario_and_kpi(problem: Problem) -> None:
    """Two scenarios x four KPIs."""
    table, _ = scenarios.run(
        {"base": problem, "slower": problem.with_changes(travel={"speed_kmh": 25})},
        time_limit=5,
        solver="insertion",
        workers=1,
    )
    figure = viz.kpi_chart(table)
    assert sum(len(trace.x) for trace in figure.data) == 2 * 4
