"""The HTML report: self-contained, a route per technician-day, every unplanned order listed."""

from __future__ import annotations

from pathlib import Path

from optimizer.cli import EXIT_OK, EXIT_URGENT_UNPLANNED, main
from optimizer.models import Plan

from conftest import write_config


def test_the_html_report_is_self_contained_with_a_route_per_technician_day(tmp_path: Path) -> None:
    """report.html: no external resources; each technician-day's route drawn once on its
    day's map; one Gantt service bar per planned visit; every unplanned order listed."""
    assert main(["plan", "--config", str(write_config(tmp_path))]) in (EXIT_OK, EXIT_URGENT_UNPLANNED)
    page = (tmp_path / "plan" / "report.html").read_text()
    plan = Plan.model_validate_json((tmp_path / "plan" / "plan.json").read_text())
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert page.count("<polyline") == len(plan.routes)
    for route in plan.routes:
        assert page.count(f"<title>{route.technician_id} {route.date}</title></polyline>") == 1
        for order_id in route.order_ids:
            assert page.count(f"<title>{order_id} ") == 1
    for item in plan.unplanned:
        assert f"<td>{item.order_id}</td>" in page
