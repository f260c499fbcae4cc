"""Places and the travel matrix: a place no road serves is an input error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.exceptions import InvalidProblemError, OffRoadError, OffRoadPoint
from optimizer.instance.locations import location_arrays, travel_matrix
from optimizer.instance.remaining import Resume
from optimizer.models import TravelSettings
from optimizer.travel import TravelMatrix

from conftest import at, depot, make_order, make_problem, make_technician, solve_checked


def test_an_order_off_the_map_is_an_input_error(helsinki_pbf: Path, helsinki_points: tuple) -> None:
    lat, lon = helsinki_points
    travel = TravelSettings(source="osm", osm_file=helsinki_pbf)
    orders = [make_order("O-near", lat=float(lat[0]), lon=float(lon[0])), make_order("O-far", lat=60.3, lon=25.0)]
    problem = make_problem(orders, [make_technician(lat=float(lat[1]), lon=float(lon[1]))], travel=travel)
    with pytest.raises(InvalidProblemError, match=r"orders \('O-far'\), column 'lat/lon': cannot be routed"):
        solve_checked(problem)


class OffRoad:
    """A travel provider that cannot route the points at ``indices``."""

    def __init__(self, *indices: int) -> None:
        self.indices = indices

    def matrix(self, lat: object, lon: object) -> TravelMatrix:
        points = [OffRoadPoint(k, 49.0, 8.0, 5_000.0 if k else None) for k in self.indices]
        raise OffRoadError("a test router", points, 1_000.0)


def test_places_are_homes_orders_depots_then_resumed_days() -> None:
    problem = make_problem([make_order("A", lat=49.51)], [make_technician("T1")], depots=(depot(lat=49.6),))
    resume = Resume(lat=49.7, lon=8.7, at=at("10:00"), break_taken=False)
    lat, lon = location_arrays(problem, [resume])
    assert lat.tolist() == [49.49, 49.51, 49.6, 49.7] and lon.tolist() == [8.47, 8.48, 8.50, 8.7]


def test_places_the_router_cannot_reach_are_named_by_table_and_id() -> None:
    """Indices run over homes, orders, depots, then re-plan resume points ("progress")."""
    problem = make_problem([make_order("A")], [make_technician("T1")], depots=(depot("D1"),))
    lat, lon = location_arrays(problem)
    with pytest.raises(InvalidProblemError) as raised:
        travel_matrix(problem, OffRoad(0, 1, 2, 3), lat, lon)
    issues = raised.value.issues
    assert [(i.source, i.entity_id, i.column) for i in issues] == [
        ("technicians", "T1", "lat/lon"),
        ("orders", "A", "lat/lon"),
        ("depots", "D1", "lat/lon"),
        ("progress", None, "lat/lon"),
    ]
    assert issues[0].message == (
        "cannot be routed by a test router: (49.000000, 8.000000) is on a road that does not connect to the others"
    )
    assert issues[1].message.endswith("is 5,000 m from the nearest road")
