"""Key figures of a hand-made plan: every figure follows from the stops by hand."""

from __future__ import annotations

from optimizer.decode.kpis import compute_kpis
from optimizer.models import Route, Stop, StopKind, UnplannedOrder, Urgency

from conftest import at, make_order, make_problem, make_technician


def test_figures_of_one_late_visit_with_waiting_and_overtime() -> None:
    """Leave 08:00, 20 min drive (12 km), wait 10 min, visit 08:30-09:30 (due 08:00:
    30 min late), then a second visit 16:20-17:20 and the drive home that run
    into overtime until 17:40 (shift ends 17:00)."""
    problem = make_problem(
        [make_order("LATE", due=at("08:00")), make_order("EVENING"), make_order("LEFT", urgency=Urgency.HIGH)],
        [make_technician()],
    )
    stops = (
        Stop(kind=StopKind.START, arrival=at("08:00"), start=at("08:00"), end=at("08:00")),
        Stop(
            kind=StopKind.ORDER,
            order_id="LATE",
            arrival=at("08:20"),
            start=at("08:30"),
            end=at("09:30"),
            travel_min=20,
            travel_km=12,
            late_min=30,
        ),
        Stop(
            kind=StopKind.ORDER,
            order_id="EVENING",
            arrival=at("16:20"),
            start=at("16:20"),
            end=at("17:20"),
            travel_min=10,
            travel_km=6,
        ),
        Stop(kind=StopKind.END, arrival=at("17:40"), start=at("17:40"), end=at("17:40"), travel_min=20, travel_km=9),
    )
    route = Route(technician_id="T1", date=at("08:00").date(), stops=stops)
    left = UnplannedOrder(order_id="LEFT", urgency=Urgency.HIGH, reason="not_enough_capacity")
    kpis = compute_kpis(problem, (route,), (left,))
    assert kpis.orders_total == 3 and kpis.orders_planned == 2 and kpis.technician_days_used == 1
    assert kpis.travel_min == 50 and kpis.travel_km == 27
    assert kpis.service_min == 120 and kpis.wait_min == 10
    assert kpis.late_min == 30 and kpis.late_visits == 1
    assert kpis.overtime_min == 40
    assert kpis.unplanned_by_urgency[Urgency.HIGH] == 1 and kpis.planned_by_urgency[Urgency.NORMAL] == 2
    assert kpis.objective == sum(kpis.objective_terms.values())
    assert [d.orders_planned for d in kpis.days] == [2]
