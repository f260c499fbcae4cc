"""Compilation of links (``after``): the arrays, the windows cut after a predecessor
still to plan (its soonest end plus the gap), and after one done in a re-plan (its
reported end, its technician)."""

from __future__ import annotations

import numpy as np

from optimizer.instance import compile_instance
from optimizer.instance.arrays import NEVER_S
from optimizer.models import Events, Predecessor
from optimizer.models.events import VisitReport
from optimizer.replan import replan_problem

from conftest import at, make_order, make_problem, make_technician, solve_checked, window


def test_links_become_indices_gaps_and_cut_windows() -> None:
    """K may start from 09:00 and lasts 45 minutes (30 for the faster T2): R opens at
    09:30 + 60 minutes = 10:30 at the soonest; S follows R by 0 to 30 minutes."""
    orders = [
        make_order("S", after="R", after_max_min=30, same_technician=True),
        make_order("R", after=Predecessor(order_id="K", gap_min=60)),
        make_order("K", duration_min=45, windows=(window("09:00", "12:00"),)),
    ]
    technicians = [make_technician("T1"), make_technician("T2", efficiency={"factor": 2 / 3})]
    instance = compile_instance(make_problem(orders, technicians))
    s, r, k = (instance.order_ids.index(o) for o in "SRK")
    assert instance.order_after.tolist() == [r, k, -1]
    assert instance.order_after_gap_s.tolist() == [0, 3600, 0]
    assert instance.order_after_max_s.tolist() == [1800, NEVER_S, NEVER_S]
    assert instance.order_same_technician.tolist() == [True, False, False]
    assert instance.order_windows_s[r, 0, 0] == instance.axis.seconds(at("10:30"))
    assert instance.order_windows_s[s, 0, 0] == instance.axis.seconds(at("10:30")) + 60 * 60 * 2 // 3


def test_a_done_predecessor_sets_the_window_and_the_technician() -> None:
    """K done at 10:00 by its technician: R (60 to 120 minutes after it, same
    technician) may start 11:00-12:00, by that technician only."""
    orders = [
        make_order("K", duration_min=45),
        make_order("R", after=Predecessor(order_id="K", gap_min=60), after_max_min=120, same_technician=True),
    ]
    problem = make_problem(orders, [make_technician("T1"), make_technician("T2")])
    plan = solve_checked(problem)
    who = next(r.technician_id for r in plan.routes if "K" in r.order_ids)
    started = next(s.start for r in plan.routes for s in r.stops if s.order_id == "K")
    events = Events(now=at("10:00"), visits=(VisitReport(order_id="K", started=started, ended=at("10:00"), done=True),))
    instance = compile_instance(replan_problem(problem, plan, events))
    r = instance.order_ids.index("R")
    assert instance.order_ids == ("R",) and instance.order_after[r] == -1
    spans = instance.order_windows_s[r, : instance.order_n_windows[r]].tolist()
    assert spans == [[instance.axis.seconds(at("11:00")), instance.axis.seconds(at("12:00"))]]
    allowed = {
        instance.technician_ids[t] for t in instance.vehicle_technician[np.flatnonzero(instance.compatible[:, r])]
    }
    assert allowed == {who}
