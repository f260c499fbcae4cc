"""Compilation step "per technician and order": durations by efficiency, preferences."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance
from optimizer.models import ObjectiveWeights

from conftest import make_order, make_problem, make_technician


def test_each_technician_works_the_order_at_his_factor_to_the_second() -> None:
    """A 61-minute job: 3,660 s at factor 1, 2,928 s at 0.8 (hvac), 1,830 s at 0.5."""
    orders = [make_order("O1", duration_min=61, skills={"hvac": 1})]
    technicians = [
        make_technician("T1", skills={"hvac": 1}),
        make_technician("T2", skills={"hvac": 1}, efficiency={"factor": 1.3, "skills": {"hvac": 0.8}}),
        make_technician("T3", skills={"hvac": 1}, efficiency=0.5),
    ]
    instance = compile_instance(make_problem(orders, technicians))
    assert instance.technician_duration_s[:, 0].tolist() == [3660, 2928, 1830]
    assert instance.order_duration_s.tolist() == [3660]
    vehicle = int(np.flatnonzero(instance.vehicle_technician == 1)[0])
    assert instance.service_s(vehicle, 0) == 2928


def test_preferences_mark_who_serves_at_no_cost() -> None:
    """O1 prefers T2 (and an unknown T9); O2 prefers nobody known; O3 nobody at all."""
    orders = [
        make_order("O1", preferred=("T9", "T2")),
        make_order("O2", preferred=("T9",)),
        make_order("O3"),
    ]
    problem = make_problem(orders, [make_technician("T1"), make_technician("T2")])
    instance = compile_instance(problem.with_changes(weights={"preferred_miss": 45.0}))
    assert instance.preferred.tolist() == [[False, True, True], [True, True, True]]
    assert instance.order_preferred_miss.tolist() == [45.0, 0.0, 0.0]
    assert ObjectiveWeights().preferred_miss == 30.0
