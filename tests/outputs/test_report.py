"""The HTML report: self-contained; per day a board row per technician at work, visits
labelled and numbered as on the map and the route sheet; late visits marked; a route
sheet per technician-day, one printed page each; after a re-plan a "now" line and the
changes. Rendered in headless Chromium as people see it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import optimizer
from optimizer.cli import EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.models import Plan, Problem, StopKind

from conftest import SAMPLES, helsinki_plan_args, sample_flags, write_config


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan, Problem]:
    """The sample planned by the command line: the plan folder, its plan and problem."""
    folder = tmp_path_factory.mktemp("report")
    assert main(["plan", "--config", str(write_config(folder))]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    out = folder / "plan"
    problem, plan = optimizer.io.read_plan(out)
    return out / "report.html", plan, problem


def test_the_report_is_self_contained_with_a_board_row_per_technician_day(sample_report) -> None:
    """report.html: no external resources; each route drawn once on its day's map; one
    board row per technician working that day and one labelled visit per planned visit;
    a route sheet per route; every unplanned order listed."""
    path, plan, problem = sample_report
    page = path.read_text()
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert page.count("<polyline") == len(plan.routes)
    working = sum(1 for day in problem.dates for t in problem.technicians if t.works_on(day))
    rows = re.findall(r"class='board-row' data-technician='([^']+)' data-date='([^']+)'", page)
    assert len(rows) == len(set(rows)) and len(rows) <= working
    assert {(r.technician_id, str(r.date)) for r in plan.routes} <= set(rows)
    for route in plan.routes:
        assert page.count(f"<title>{route.technician_id} {route.date}</title></polyline>") == 1
        for order_id in route.order_ids:
            assert page.count(f"data-order='{order_id}'") == 1
    assert page.count("<section class='sheet'") == len(plan.routes)
    for item in plan.unplanned:
        assert f"<td>{item.order_id}</td>" in page


def test_stop_numbers_are_the_same_on_map_board_and_route_sheet(sample_report) -> None:
    """For every route, the number of each visit on the board is its number on the map
    (tooltip ``#n: order``) and in the route sheet's first column."""
    path, plan, _ = sample_report
    page = path.read_text()
    for route in plan.routes:
        numbered = [
            (n, s.order_id)
            for n, s in enumerate((s for s in route.stops if s.kind in (StopKind.ORDER, StopKind.PICKUP)), 1)
            if s.kind is StopKind.ORDER
        ]
        sheet = page.split(f"data-technician='{route.technician_id}' data-date='{route.date}'>", 2)[-1]
        sheet = sheet.split("</section>", 1)[0]
        for number, order_id in numbered:
            assert f"data-order='{order_id}' data-number='{number}'" in page
            assert f"{route.technician_id} {route.date} #{number}: {order_id}," in page
            assert re.search(rf"<td class='n'>{number}</td>(<td>[^<]*</td>){{3}}<td>{order_id}:", sheet)


def test_late_visits_are_marked(sample_report) -> None:
    """The sample's overdue order is served late: its bar is outlined as late and its
    route sheet row says by how much."""
    path, plan, _ = sample_report
    page = path.read_text()
    late = [s.order_id for r in plan.routes for s in r.stops if s.kind is StopKind.ORDER and s.late_min > 0]
    assert late, "the sample has a late visit"
    for order_id in late:
        assert re.search(rf"<g class='visit late' data-order='{order_id}'", page)
    assert page.count("<tr class=late>") == len(late)


def test_a_replan_has_a_now_line_and_its_changes(tmp_path: Path) -> None:
    """The sample's first day re-planned at its events (``now`` 11:00): a "now" line on
    that day's board, and every changed order listed."""
    first, second = tmp_path / "plan", tmp_path / "replan"
    flags = [*sample_flags(1), "--solver", "insertion", "--max-solutions", "20"]
    assert main(["plan", *flags, "--out", str(first)]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    events = str(SAMPLES / "events.csv")
    replan = ["replan", "--plan", str(first), "--events", events, "--max-solutions", "20", "--out", str(second)]
    assert main(replan) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    page = (second / "report.html").read_text()
    assert "now 11:00" in page and "<g class='now'>" in page
    assert "<h2>Changes</h2>" in page
    changes = pd.read_csv(second / "changes.csv")
    assert len(changes) > 0
    for order_id in changes["order_id"]:
        assert f"<td>{order_id}</td>" in page


def _chromium() -> str:
    """Chromium's path; in CI its absence fails the test, elsewhere it skips with how
    to install it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed: .ci/run installs Debian's package 'chromium'")
    pytest.skip("Chromium not found: install it (Debian: apt-get install chromium) to render the report")


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=120, check=True)


def test_the_report_as_chromium_renders_and_prints_it(sample_report, tmp_path: Path) -> None:
    """Rendered in headless Chromium: a board row per technician-day with the
    technician's name, labelled visit bars, the late visit marked; printed to PDF: one
    page per day's board and one per route sheet."""
    browser = _chromium()
    path, plan, problem = sample_report
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    dom = _headless(browser, profile, "--dump-dom", path.as_uri()).stdout
    names = {t.id: t.name for t in problem.technicians}
    for route in plan.routes:
        row = re.search(
            rf'<g class="board-row" data-technician="{route.technician_id}" data-date="{route.date}">(.*?)</g>'
            r'(?=<g class="board-row"|<g class="now"|</svg>)',
            dom,
            re.S,
        )
        assert row, (route.technician_id, route.date)
        assert names[route.technician_id] in row.group(1)
        for order_id in route.order_ids:
            assert re.search(rf'data-order="{order_id}"[^>]*>.*?<text[^>]*>#\d+ ', row.group(1), re.S)
    assert re.search(r'<g class="visit late" data-order="O-151"', dom)
    pdf = tmp_path / "report.pdf"
    _headless(browser, profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == len({r.date for r in plan.routes}) + len(plan.routes)


def test_an_osm_plan_draws_its_roads_under_the_maps(helsinki_exports: Path, helsinki_pbf: Path, tmp_path: Path) -> None:
    """Planned on an OSM extract: the report defines the map's roads once (road
    segments inside the maps' box) and every day's map draws them under its routes."""
    out = tmp_path / "plan"
    assert main(helsinki_plan_args(helsinki_exports, out, "--travel", f"osm={helsinki_pbf}")) in (
        EXIT_OK,
        EXIT_URGENT_UNPLANNED,
    )
    page = (out / "report.html").read_text()
    (roads,) = re.findall(r"<path id='roads'[^>]* d='([^']*)'", page)
    assert roads.count("M") > 100
    days = len(re.findall(r"<section class='day'>", page))
    assert page.count("<use href='#roads'/>") == days > 0


def test_a_plan_without_routes_still_lists_its_unplanned_orders() -> None:
    """Nobody can serve the only order: no board, but the unplanned order and its reason."""
    from optimizer.outputs import html_report

    from conftest import make_order, make_problem, make_technician

    problem = make_problem([make_order("X", skills={"welding": 1})], [make_technician()])
    plan = optimizer.solve(problem, max_solutions=10)
    page = html_report(plan, problem)
    assert "<h2>Unplanned orders</h2>" in page and "<td>X</td>" in page and "no_skilled_technician" in page


def test_windows_on_route_sheets_are_local_times() -> None:
    """A window given in UTC (08:00-10:00Z) shows as 09:00-11:00 on a Berlin route sheet."""
    import datetime as dt

    from optimizer.models import TimeWindow
    from optimizer.outputs import html_report

    from conftest import make_order, make_problem, make_technician

    utc = dt.UTC
    window = TimeWindow(start=dt.datetime(2026, 11, 23, 8, tzinfo=utc), end=dt.datetime(2026, 11, 23, 10, tzinfo=utc))
    problem = make_problem([make_order("W", windows=(window,))], [make_technician()])
    plan = optimizer.solve(problem, max_solutions=10)
    assert "23 09:00-11:00" in html_report(plan, problem)
