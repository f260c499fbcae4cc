"""Compilation step "per technician and order": how long each technician works on each
order (``duration_min`` x the technician's efficiency factor for the order's skills,
to the nearest second) and which technicians each order's customer prefers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.instance.arrays import BoolArray, FloatArray, IntArray
from optimizer.models import OrderType, Problem


@dataclass(frozen=True)
class Personal:
    """The per-technician columns of the instance (see :class:`~optimizer.instance.Instance`)."""

    technician_duration_s: IntArray
    preferred: BoolArray
    order_preferred_miss: FloatArray


def _learned(problem: Problem) -> FloatArray:
    """[T, O] each technician's learned factor on each order's planned minutes: the
    problem's quantile of its duration model, one lookup per technician and kind of
    order (type and skills)."""
    model = problem.durations
    assert model is not None
    kinds: dict[tuple[OrderType, frozenset[str]], int] = {}
    kind_of = [kinds.setdefault((o.type, frozenset(o.skills)), len(kinds)) for o in problem.orders]
    table = np.array(
        [
            [model.minutes(1.0, kind[0], kind[1], t.id, problem.duration_quantile) for kind in kinds]
            for t in problem.technicians
        ],
        dtype=np.float64,
    ).reshape(len(problem.technicians), len(kinds))
    return table[:, kind_of] if kind_of else np.ones((len(problem.technicians), 0))


def compile_personal(problem: Problem, duration_min: FloatArray, *, nominal: BoolArray | None = None) -> Personal:
    """Durations and preferences of ``problem`` (what is left of a re-plan); ``duration_min``
    [O] are the orders' minutes of work: scaled per technician by the problem's learned
    durations where it has them, else by the technicians' efficiency; orders whose
    duration is fixed, and those marked ``nominal`` [O] (a crew's, whose members end
    together), take them whoever serves them."""
    orders, techs = problem.orders, problem.technicians
    factor = np.ones((len(techs), len(orders)), dtype=np.float64)
    if problem.durations is not None:
        factor = _learned(problem)
    else:
        for k, technician in enumerate(techs):  # most work at the planned pace: their row stays 1
            if technician.efficiency.factor != 1.0 or technician.efficiency.skills:
                factor[k] = [technician.efficiency.of(o.skills) for o in orders]
    factor[:, [o.duration_fixed for o in orders]] = 1.0
    if nominal is not None:
        factor[:, nominal] = 1.0
    index = {t.id: k for k, t in enumerate(techs)}
    preferred = np.zeros((len(techs), len(orders)), dtype=bool)
    for o, order in enumerate(orders):
        preferred[[index[t] for t in order.preferred if t in index], o] = True
    wanted: BoolArray = np.asarray(preferred.any(axis=0), dtype=bool)
    return Personal(
        technician_duration_s=np.rint(60 * duration_min[None, :] * factor).astype(np.int64),
        preferred=preferred | ~wanted[None, :],
        order_preferred_miss=np.where(wanted, problem.weights.preferred_miss, 0.0),
    )
