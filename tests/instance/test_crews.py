"""A crew's visit in the instance: the lead at its own index with the order's and the
crew's skills, parts and prices; helpers after every other order with the crew skills
only and no price; nominal durations for all; who may be part of the crew."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance

from conftest import make_order, make_problem, make_technician


def test_a_crew_becomes_a_lead_and_priceless_helpers() -> None:
    technicians = [
        make_technician("T1", skills={"elevator": 1, "electrical": 1}, efficiency={"factor": 0.5}, van_stock={"P": 1}),
        make_technician("T2", skills={"elevator": 2}),
        make_technician("T3"),
    ]
    orders = [
        make_order("E", crew=3, skills={"electrical": 1}, crew_skills={"elevator": 1}, parts={"P": 1}),
        make_order("O"),
    ]
    instance = compile_instance(make_problem(orders, technicians))
    assert instance.order_ids == ("E", "O", "E", "E")
    assert instance.order_lead.tolist() == [-1, -1, 0, 0]
    assert instance.order_crew.tolist() == [3, 1, 3, 3]
    assert instance.order_unplanned_cost[0] > 0 and instance.order_unplanned_cost[1] > 0
    assert instance.order_unplanned_cost[2:].tolist() == [0.0, 0.0]
    assert instance.order_late_base[2:].tolist() == [0.0, 0.0]
    assert instance.stock.order_parts[0].sum() == 1 and instance.stock.order_parts[2:].sum() == 0
    who = [
        set(instance.vehicle_technician[np.flatnonzero(instance.supply_compatible[:, o])].tolist()) for o in range(4)
    ]
    assert who[0] == {0} and who[2] == who[3] == {0, 1}  # the lead needs electrical too
    assert instance.technician_duration_s[:, 0].tolist() == [3600, 3600, 3600]  # no efficiency for a crew
    assert instance.technician_duration_s[0, 1] == 1800
    assert instance.order_crew_people.tolist() == [2, 0, 0, 0]
