"""Durations learned from history, and the odds that a plan holds.

:func:`learn_durations` fits a :class:`~optimizer.models.durations.DurationModel` to
the history of completed visits (:mod:`.learn`); a problem planned with it
(``Problem.durations``, ``Problem.duration_quantile``) gives each order its learned
minutes per technician; :func:`risk` simulates a plan's days with sampled durations
and travel times for the odds that each visit starts on time (:mod:`.risk`).
"""

from optimizer.durations.learn import learn_durations
from optimizer.durations.risk import Risk, risk

__all__ = ["Risk", "learn_durations", "risk"]
