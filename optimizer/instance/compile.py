"""Compile a :class:`~optimizer.models.Problem` into its :class:`~optimizer.instance.Instance`,
in named steps, each a module of this package:

1. :mod:`~optimizer.instance.remaining`: in a re-plan, what is left to plan;
2. :mod:`~optimizer.instance.locations`: places and the travel matrix;
3. :mod:`~optimizer.instance.vehicles`: technician-days, shifts and breaks;
4. :mod:`~optimizer.instance.windows`: when each order may start;
5. :mod:`~optimizer.instance.stock`: parts, tools, depots and pickups;
6. :mod:`~optimizer.instance.eligibility`: who may serve what, and why nobody may;
7. :mod:`~optimizer.instance.promises`: in a re-plan, what customers were told;
8. :mod:`~optimizer.instance.prices`: what the objective charges per order;
9. :mod:`~optimizer.instance.personal`: each technician's duration of each order, and
   the customers' preferred technicians;
10. :mod:`~optimizer.instance.links`: orders that follow other orders (their windows
    are cut before step 6);
11. :mod:`~optimizer.instance.crews`: a visit of several technicians as a lead order
    and helper orders (before step 2).

This is the only place where ids become indices.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from optimizer.instance.crews import crew_people, with_helpers
from optimizer.instance.data import Instance
from optimizer.instance.eligibility import compile_eligibility
from optimizer.instance.links import compile_links, linked_windows
from optimizer.instance.locations import location_arrays, travel_matrix
from optimizer.instance.personal import compile_personal
from optimizer.instance.prices import compile_prices
from optimizer.instance.promises import Promises
from optimizer.instance.remaining import remaining, resume_points
from optimizer.instance.stock import compile_depots, compile_stock
from optimizer.instance.vehicles import WorkingTime, compile_vehicles
from optimizer.instance.windows import order_windows
from optimizer.models import Problem
from optimizer.models.base import URGENCIES
from optimizer.timeaxis import TimeAxis
from optimizer.travel import TravelProvider, travel_provider


def compile_instance(problem: Problem, travel: TravelProvider | None = None) -> Instance:
    """The numeric instance of ``problem`` (travel from ``travel``, else from the
    problem's travel settings); for a problem with progress, of what is left to plan."""
    axis = TimeAxis(problem.horizon_start, problem.zone)
    horizon_s = axis.seconds(problem.horizon_end)
    working = WorkingTime(problem, axis)
    resumes = resume_points(problem)
    left, order_lead = with_helpers(remaining(problem))
    lat, lon = location_arrays(left, list(resumes.values()))
    matrix = travel_matrix(left, travel or travel_provider(left.travel), lat, lon)
    n_techs, n_orders = len(left.technicians), len(left.orders)
    vehicles = compile_vehicles(left, axis, working, resumes, first_resume_loc=n_techs + n_orders + len(left.depots))
    stock = compile_stock(left, axis)
    depots = compile_depots(left, axis, stock, horizon_s, first_loc=n_techs + n_orders)
    order_loc = n_techs + np.arange(n_orders, dtype=np.int64)
    duration_min = np.array([o.duration_min for o in left.orders], dtype=np.float64).reshape(n_orders)
    duration_s = np.rint(60 * duration_min).astype(np.int64)
    order_crew = np.array([o.crew for o in left.orders], dtype=np.int64).reshape(n_orders)
    personal = compile_personal(left, duration_min, nominal=order_crew > 1)
    links = compile_links(left)
    windows = order_windows(left, axis, horizon_s, not_before_s=working.now_s)
    shortest_s = personal.technician_duration_s.min(axis=0, initial=np.iinfo(np.int64).max)
    eligibility = compile_eligibility(
        left,
        axis,
        vehicles=vehicles,
        windows=linked_windows(problem, left, axis, windows, links, shortest_s),
        stock=stock,
        depots=depots,
        travel_s=matrix.duration_s,
        order_loc=order_loc,
        duration_s=personal.technician_duration_s,
        not_before=working.not_before,
    )
    promises = Promises.of(
        problem.progress, left, axis, vehicles.keys, vehicles.vehicle_shift_start_s < vehicles.vehicle_latest_end_s
    )
    prices = compile_prices(problem, left.orders, axis)
    weights = left.weights
    helper = order_lead >= 0  # a crew's helpers: no price of their own
    unpriced = np.where(helper, 0.0, 1.0)
    return Instance(
        order_ids=tuple(o.id for o in left.orders),
        technician_ids=tuple(t.id for t in left.technicians),
        dates=tuple(left.dates),
        axis=axis,
        horizon_s=horizon_s,
        travel_s=matrix.duration_s,
        distance_m=matrix.distance_m,
        location_lat=lat,
        location_lon=lon,
        order_loc=order_loc,
        order_duration_s=duration_s,
        order_due_s=prices.order_due_s,
        order_urgency=np.array([URGENCIES.index(o.urgency) for o in left.orders], dtype=np.int64),
        order_unplanned_cost=unpriced * (prices.order_leave_out_cost + promises.reassign_cost),
        order_late_base=unpriced * prices.order_late_base,
        order_sunk_late_cost=unpriced * prices.order_sunk_late_cost,
        order_deferrable=prices.order_deferrable & ~helper,
        order_lead=order_lead,
        order_crew=order_crew,
        order_crew_people=crew_people(
            order_lead, order_crew, eligibility.supply_compatible, vehicles.vehicle_technician
        ),
        lateness=prices.lateness,
        order_load=np.array([o.load for o in left.orders], dtype=np.float64),
        overtime_cost_per_min=weights.overtime_per_min,
        travel_cost_per_min=weights.travel_per_min,
        waiting_cost_per_min=weights.waiting_per_min,
        stock=stock,
        order_promised_vehicle=promises.vehicle,
        order_promised_s=promises.start_s,
        order_reassign_cost=promises.reassign_cost,
        order_retime_cost_per_min=promises.retime_cost_per_min,
        retime_tolerance_s=round(60 * weights.stability.tolerance_min),
        balance_per_s2=weights.balance / 3600**2,
        planned_pickups=promises.pickups,
        **_columns(vehicles, exclude=frozenset({"keys"})),
        **_columns(depots),
        **_columns(eligibility),
        **_columns(personal),
        **_columns(links),
    )


def _columns(step: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The instance columns a step computed: its fields by name."""
    return {f.name: getattr(step, f.name) for f in fields(step) if f.name not in exclude}
