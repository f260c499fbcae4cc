"""Compilation step "crews": a visit of several technicians as orders of the instance.

An order with ``crew = k > 1`` becomes its *lead* (at its own index: it needs the
order's skills and the crew skills, brings its parts and tools, and carries its
prices) and ``k - 1`` *helpers*, appended after every other order: the same visit at
the same place, needing the crew skills only, with no parts, tools, required or
preferred technician, and no price of their own (a helper left out costs nothing by
itself). The crew pass (:mod:`optimizer.solvers.crews`) keeps a lead only where all
its helpers start with it, on other technicians' routes of the same day. Every member
works the order's own minutes (efficiency factors do not apply to a crew, whose
members end together) and no break interrupts the visit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.instance.arrays import BoolArray, IntArray
from optimizer.instance.data import Instance
from optimizer.models import Order, Problem


def with_helpers(left: Problem) -> tuple[Problem, IntArray]:
    """``left`` with each crew order's helpers appended after the orders (leads keep
    their index), and for each order of the result its lead's index (``-1``: not a
    helper)."""
    leads: list[Order] = []
    helpers: list[Order] = []
    lead_of: list[int] = []
    for k, order in enumerate(left.orders):
        if order.crew == 1:
            leads.append(order)
            continue
        skills = dict(order.skills)
        for name, level in order.crew_skills.items():
            skills[name] = max(level, skills.get(name, 0))
        leads.append(order.model_copy(update={"skills": skills}))
        helper = order.model_copy(
            update={
                "skills": dict(order.crew_skills),
                "parts": {},
                "tools": frozenset(),
                "technician": None,
                "load": 0.0,
            }
        )
        helpers += [helper] * (order.crew - 1)
        lead_of += [k] * (order.crew - 1)
    if not helpers:
        return left, np.full(len(left.orders), -1, dtype=np.int64)
    order_lead = np.array([-1] * len(leads) + lead_of, dtype=np.int64)
    return left.model_copy(update={"orders": (*leads, *helpers)}), order_lead


def crew_people(
    order_lead: IntArray, order_crew: IntArray, supply_compatible: BoolArray, vehicle_technician: IntArray
) -> IntArray:
    """[O] for each crew's lead, how many technicians may be members of its crew (the
    lead's or a helper's qualifications, on some day); 0 for every other order."""
    out = np.zeros(len(order_lead), dtype=np.int64)
    for lead in np.flatnonzero((order_crew > 1) & (order_lead < 0)).tolist():
        members = [lead, *np.flatnonzero(order_lead == lead).tolist()]
        able = supply_compatible[:, members].any(axis=1)
        out[lead] = len(set(vehicle_technician[able].tolist()))
    return out


def without_helpers(instance: Instance) -> Instance:
    """``instance`` as the back-ends see it: no technician may serve a crew's helper
    (the crew pass staffs them; OR-tools and VROOM would otherwise carry them as nodes)."""
    helper = instance.order_lead >= 0
    if not helper.any():
        return instance
    return dataclasses.replace(
        instance,
        compatible=instance.compatible & ~helper[None, :],
        supply_compatible=instance.supply_compatible & ~helper[None, :],
    )
