"""Compilation step "prices": what the objective charges per order, in cost units and
seconds (see :mod:`optimizer.models.objective` for the definition).

Per order: the effective SLA deadline (an emergency without ``due`` gets the default
SLA), the base price ``U`` of its urgency that lateness is a share of, the lateness
already sunk at a re-plan's ``now``, the price of leaving it out (deferral and backlog
age applied) and whether it may wait for a later plan. The lateness curve is one
:class:`LatenessCurve` for all orders. The formulas are those of
:mod:`optimizer.models.objective`, on seconds; the checker has its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import NEVER_S, BoolArray, FloatArray, IntArray
from optimizer.models import ObjectiveWeights, Order, Problem
from optimizer.models.objective import deferrable, due_of, late_cost, leave_out_cost, sla_anchor
from optimizer.timeaxis import TimeAxis


@dataclass(frozen=True)
class LatenessCurve:
    """The share of ``U`` a service ``late_s`` seconds after its due time costs (the
    curve of :func:`optimizer.models.objective.late_cost` with ``weights``)."""

    weights: ObjectiveWeights

    def share(self, late_s: float) -> float:
        """The cost share of one service ``late_s`` seconds late (0 if not late)."""
        return late_cost(self.weights, 1.0, late_s / 60)

    def mean_slope(self, from_s: float, length_s: float) -> float:
        """The average share per second over ``[from_s, from_s + length_s]`` of lateness,
        breach included where the range starts on time: the best single rate for a
        back-end that prices lateness linearly."""
        if length_s <= 0:
            return 0.0
        return (self.share(from_s + length_s) - self.share(from_s)) / length_s


@dataclass(frozen=True)
class Prices:
    """The price columns of the instance (see :class:`~optimizer.instance.Instance`)."""

    order_due_s: IntArray
    order_late_base: FloatArray
    order_sunk_late_cost: FloatArray
    order_leave_out_cost: FloatArray
    order_deferrable: BoolArray
    lateness: LatenessCurve


def compile_prices(problem: Problem, orders: tuple[Order, ...], axis: TimeAxis) -> Prices:
    """The prices of ``orders`` (what is left to plan) of ``problem`` (the whole
    problem: a re-plan's ``now`` sinks lateness and anchors the default SLA)."""
    weights = problem.weights
    curve = LatenessCurve(weights)
    anchor = sla_anchor(problem)
    dues = [due_of(problem, o, anchor) for o in orders]
    due_s = np.array([NEVER_S if d is None else axis.seconds(d) for d in dues], dtype=np.int64)
    base = np.array([weights.unplanned[o.urgency] for o in orders], dtype=float)
    sunk = np.zeros(len(orders), dtype=float)
    if problem.progress is not None:
        now_s = axis.seconds(problem.progress.now)
        sunk = np.array([b * curve.share(now_s - d) for b, d in zip(base, due_s.tolist())], dtype=float)
    return Prices(
        order_due_s=due_s,
        order_late_base=base,
        order_sunk_late_cost=sunk,
        order_leave_out_cost=np.array([leave_out_cost(problem, o, d) for o, d in zip(orders, dues)], dtype=float),
        order_deferrable=np.array([deferrable(problem, d) for d in dues], dtype=bool),
        lateness=curve,
    )
