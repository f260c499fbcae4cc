"""Durations learned from history: how long visits really take, per order type, skills
and technician, as a spread around the planned minutes (see :mod:`optimizer.durations`).

The model is multiplicative and log-normal: a visit planned at ``p`` minutes takes
``p x exp(X)`` minutes, ``X ~ Normal(mean_log, sd_log)`` of the most specific group
of the history it belongs to (type, skills and technician; else type and technician;
else the type; else the technician; else everyone). Its ``q``-quantile is
``p x exp(mean_log + sd_log x z_q)``, ``z_q`` the standard normal quantile.
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist

from pydantic import Field, model_validator

from optimizer.models.base import Frozen, OrderType

MAX_RATIO = 20.0
"""The most a visit may take over (or under) its planned minutes, as a factor: a history
row beyond it is a typo, set aside."""


class HistoryVisit(Frozen):
    """One completed visit of the history export: what was planned and what it took."""

    order_id: str = Field(min_length=1)
    type: OrderType
    skills: frozenset[str] = frozenset()
    technician_id: str = Field(min_length=1)
    planned_min: float = Field(ge=1, le=14 * 24 * 60)
    actual_min: float = Field(gt=0, le=14 * 24 * 60)
    date: dt.date
    site_id: str | None = None

    @model_validator(mode="after")
    def _plausible(self) -> HistoryVisit:
        ratio = self.actual_min / self.planned_min
        if not 1 / MAX_RATIO <= ratio <= MAX_RATIO:
            raise ValueError(
                f"took {ratio:.3g} times the planned minutes: outside 1/{MAX_RATIO:g} to {MAX_RATIO:g}, a typo?"
            )
        return self


class DurationGroup(Frozen):
    """The learned spread of one group of visits: ``log(actual / planned)`` has mean
    ``mean_log`` and standard deviation ``sd_log`` (both shrunk towards the broader
    groups where the group has few visits); ``None`` fields mean "any"."""

    type: OrderType | None = None
    skills: tuple[str, ...] | None = Field(default=None, description="sorted skill names")
    technician_id: str | None = None
    mean_log: float = Field(ge=-math.log(MAX_RATIO), le=math.log(MAX_RATIO), allow_inf_nan=False)
    sd_log: float = Field(ge=0, le=math.log(MAX_RATIO), allow_inf_nan=False)
    visits: int = Field(ge=0, description="visits of the history in the group")


class DurationModel(Frozen):
    """Durations learned from a history (:func:`optimizer.learn_durations`): the groups
    from the most specific to everyone, and what the model achieved on the part of the
    history it was not fitted on."""

    groups: tuple[DurationGroup, ...]
    history_until: dt.date = Field(description="the last day of the history")
    half_life_days: float = Field(gt=0, description="a visit this many days old weighs half as much as today's")
    holdout_visits: int = Field(ge=0)
    holdout_error_planned: float | None = Field(
        default=None, description="mean absolute error of the planned minutes on the held-back visits"
    )
    holdout_error_learned: float | None = Field(
        default=None, description="mean absolute error of the learned median on the held-back visits"
    )

    @model_validator(mode="after")
    def _everyone(self) -> DurationModel:
        if not any(g.type is None and g.skills is None and g.technician_id is None for g in self.groups):
            raise ValueError("a duration model needs the group of everyone (type, skills and technician all None)")
        return self

    def group_of(self, type_: OrderType, skills: frozenset[str], technician_id: str) -> DurationGroup:
        """The most specific group a visit belongs to (everyone's where nothing closer
        is known)."""
        keys = (
            (type_, tuple(sorted(skills)), technician_id),
            (type_, None, technician_id),
            (type_, None, None),
            (None, None, technician_id),
            (None, None, None),
        )
        index = {(g.type, g.skills, g.technician_id): g for g in self.groups}
        for key in keys:
            if key in index:
                return index[key]
        raise ValueError("a duration model needs the group of everyone (type, skills and technician all None)")

    def minutes(
        self, planned_min: float, type_: OrderType, skills: frozenset[str], technician_id: str, q: float
    ) -> float:
        """The ``q``-quantile of the minutes a visit planned at ``planned_min`` takes."""
        group = self.group_of(type_, skills, technician_id)
        return planned_min * math.exp(group.mean_log + group.sd_log * NormalDist().inv_cdf(q))
