"""One order added to fixed routes, window by window (the core's completion): the added
cost is the exact objective's change, nothing else joins, and no fit is ``None``."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.instance import compile_instance
from optimizer.solvers.schedule import routes_cost
from optimizer.solvers.slots import add_order, fit_slots

from conftest import at, make_order, make_problem, make_technician


def test_the_added_cost_is_the_objectives_change_and_nothing_else_joins() -> None:
    """O1 is routed, O2 is not (and stays out); N is tried in two windows: 08:00-08:30
    puts it before O1, 13:00-14:00 after it. Each added cost is what our scheduler's
    objective says the route with N costs more, plus N's price of being left out."""
    problem = make_problem(
        [make_order("O1"), make_order("O2", lat=49.52), make_order("N", duration_min=30, lat=49.51)],
        [make_technician("T1")],
    )
    instance = compile_instance(problem)
    o1, n = instance.order_ids.index("O1"), instance.order_ids.index("N")
    routes = {0: (o1,)}
    early = np.array([[instance.axis.seconds(at("08:00")), instance.axis.seconds(at("08:30"))]])
    late = np.array([[instance.axis.seconds(at("13:00")), instance.axis.seconds(at("14:00"))]])
    fits = fit_slots(instance, routes, n, [early, late])
    assert fits[0] is not None and fits[1] is not None
    for fit, window in zip(fits, (early, late)):
        assert window[0, 0] <= fit.start_s <= window[0, 1]
        sequence = (o1, n) if fit.start_s > instance.axis.seconds(at("09:00")) else (n, o1)
        with_n = routes_cost(instance, {0: sequence}) - routes_cost(instance, routes)
        assert fit.added_cost == pytest.approx(with_n + float(instance.order_unplanned_cost[n]), abs=1e-6)
    added = add_order(instance, routes, n)
    assert added is not None
    assert sorted(s for seq in added.routes.values() for s in seq) == sorted([o1, n])


def test_an_order_that_fits_nowhere_is_none() -> None:
    """A ten-hour job in an eight-hour day, in any window."""
    problem = make_problem([make_order("O1"), make_order("N", duration_min=600)], [make_technician("T1")])
    instance = compile_instance(problem)
    n = instance.order_ids.index("N")
    window = np.array([[instance.axis.seconds(at("08:00")), instance.axis.seconds(at("10:00"))]])
    assert fit_slots(instance, {0: (0,)}, n, [window]) == [None]
    assert add_order(instance, {0: (0,)}, n) is None
