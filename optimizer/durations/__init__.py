"""Durations learned from history, and the odds that a plan holds.

:func:`learn_durations` fits a :class:`~optimizer.models.durations.DurationModel` to
the history of completed visits (:mod:`.learn`); a problem planned with it
(``Problem.durations``, ``Problem.duration_quantile``) gives each order its learned
minutes per technician.
"""

from optimizer.durations.learn import learn_durations

__all__ = ["learn_durations"]
