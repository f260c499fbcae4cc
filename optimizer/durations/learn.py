"""Learning how long visits take from the history of completed ones.

The model (:class:`~optimizer.models.durations.DurationModel`) is the spread of
``y = log(actual / planned)`` per group, from everyone down to one technician's
visits of one type needing one set of skills, each group's mean and standard
deviation shrunk towards its broader groups where it has few visits (partial pooling,
as in empirical Bayes):

* everyone: the weighted mean and deviation of ``y``;
* per type and per technician: ``m = m0 + n / (n + k) x (mean - m0)``, ``n`` the
  group's weight of visits, ``k = var_within / var_between`` of the groups of that
  level (method of moments, each group's squared offset less its sampling noise,
  averaged by the groups' weights: a group of one odd visit barely moves it), ``m0``
  everyone's mean;
* per type and technician: shrunk the same way towards ``m_type + m_technician - m0``;
* per type, skills and technician: towards its type-and-technician group.

Standard deviations are pooled with their parent group's as if it had
``_PRIOR_VISITS`` visits. Recent visits weigh more: a visit ``half_life_days`` old
weighs half (technicians learn; routines change).

A closed form needs no library: scikit-learn's quantile gradient boosting would fit
quantiles of ``y`` from the same columns, but without explicit pooling per technician
(thin data is where it matters) and at the cost of a large dependency; the log-normal
form gives every quantile from two numbers per group.

The model reports its own error: it is fitted on the history but for its last
``holdout`` share of visits (by date), its median is compared with the planned minutes
on those, and then it is fitted again on the whole history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from optimizer.models.durations import DurationGroup, DurationModel, HistoryVisit

_PRIOR_VISITS = 5.0
"""Visits a parent group's standard deviation counts for when a group's is pooled with it."""
_MIN_BETWEEN = 1e-4
_MIN_WEIGHT = 1e-12
"""The least weight a visit keeps, however old (no group's weights add up to nothing)."""
"""Floor of the variance between groups' means (log units): no level pools everything."""


def learn_durations(
    history: Sequence[HistoryVisit] | pd.DataFrame, *, holdout: float = 0.2, half_life_days: float = 180.0
) -> DurationModel:
    """The duration model of ``history`` (visits, or a frame of the history table's
    columns with ``skills`` as sets of names), with its error on the last ``holdout``
    share of the visits (0: none held back)."""
    if not 0 <= holdout < 1 or not 0 < half_life_days < math.inf:
        raise ValueError("holdout must be in [0, 1) and half_life_days a positive number")
    if isinstance(history, pd.DataFrame):
        rows = history.astype(object).where(history.notna(), None).to_dict("records")
        visits = [HistoryVisit.model_validate({k: v for k, v in row.items() if v is not None}) for row in rows]
    else:
        visits = list(history)
    if not visits:
        raise ValueError("the history holds no visit")
    frame = _frame(visits)
    until = max(v.date for v in visits)
    cut = sorted(v.date for v in visits)[min(len(visits) - 1, int(len(visits) * (1 - holdout)))]
    held = [v for v in visits if v.date > cut] if holdout > 0 else []
    errors: dict[str, float | None] = {"holdout_error_planned": None, "holdout_error_learned": None}
    if held:
        probe = DurationModel(
            groups=_groups(frame[frame["date"] <= cut], half_life_days),
            history_until=until,
            half_life_days=half_life_days,
            holdout_visits=0,
        )
        learned = np.array([probe.minutes(v.planned_min, v.type, v.skills, v.technician_id, 0.5) for v in held])
        actual = np.array([v.actual_min for v in held])
        errors = {
            "holdout_error_planned": float(np.mean(np.abs(np.array([v.planned_min for v in held]) - actual))),
            "holdout_error_learned": float(np.mean(np.abs(learned - actual))),
        }
    return DurationModel(
        groups=_groups(frame, half_life_days),
        history_until=until,
        half_life_days=half_life_days,
        holdout_visits=len(held),
        **errors,
    )


def _frame(visits: list[HistoryVisit]) -> pd.DataFrame:
    """The visits as a frame with ``y``, the log of actual over planned minutes."""
    frame = pd.DataFrame(
        {
            "type": [v.type for v in visits],
            "named": [tuple(sorted(v.skills)) for v in visits],
            "technician_id": [v.technician_id for v in visits],
            "date": [v.date for v in visits],
            "y": [float(np.log(v.actual_min / v.planned_min)) for v in visits],
        }
    )
    return frame


def _groups(frame: pd.DataFrame, half_life_days: float) -> tuple[DurationGroup, ...]:
    """The groups of ``frame``, most specific first, everyone's last."""
    until: dt.date = frame["date"].max()
    age = np.array([(until - d).days for d in frame["date"]], dtype=np.float64)
    frame = frame.assign(w=np.maximum(0.5 ** (age / half_life_days), _MIN_WEIGHT))
    everyone = _stats(frame)
    mean0, sd0 = everyone["mean"], everyone["sd"]
    by_type = _level(frame, ["type"], lambda _: mean0, sd_prior=lambda _: sd0)
    by_tech = _level(frame, ["technician_id"], lambda _: mean0, sd_prior=lambda _: sd0)
    pair = _level(
        frame,
        ["type", "technician_id"],
        lambda key: by_type[key[:1]]["mean_log"] + by_tech[key[1:]]["mean_log"] - mean0,
        sd_prior=lambda key: by_type[key[:1]]["sd_log"],
    )
    cell = _level(
        frame,
        ["type", "named", "technician_id"],
        lambda key: pair[(key[0], key[2])]["mean_log"],
        sd_prior=lambda key: pair[(key[0], key[2])]["sd_log"],
    )
    groups = [DurationGroup(type=k[0], skills=k[1], technician_id=k[2], **v) for k, v in cell.items()]
    groups += [DurationGroup(type=k[0], technician_id=k[1], **v) for k, v in pair.items()]
    groups += [DurationGroup(type=k[0], **v) for k, v in by_type.items()]
    groups += [DurationGroup(technician_id=k[0], **v) for k, v in by_tech.items()]
    groups.append(DurationGroup(mean_log=mean0, sd_log=sd0, visits=len(frame)))
    return tuple(groups)


def _stats(frame: pd.DataFrame) -> dict[str, float]:
    """Weighted mean and standard deviation of ``y``, and the weight of visits."""
    w, y = frame["w"].to_numpy(), frame["y"].to_numpy()
    mean = float(np.average(y, weights=w))
    var = float(np.average((y - mean) ** 2, weights=w)) if len(y) > 1 else 0.0
    return {"mean": mean, "sd": float(np.sqrt(var)), "weight": float(w.sum()), "visits": len(y)}


Key = tuple[Any, ...]
Group = dict[str, Any]


def _level(
    frame: pd.DataFrame, keys: list[str], prior: Callable[[Key], float], *, sd_prior: Callable[[Key], float]
) -> dict[Key, Group]:
    """Per group of ``keys``: ``mean_log`` shrunk towards ``prior(key)``, ``sd_log``
    pooled with ``sd_prior(key)``, and its ``visits`` (see the module docstring)."""
    raw = {(k if isinstance(k, tuple) else (k,)): _stats(g) for k, g in frame.groupby(keys, sort=True)}
    if not raw:
        return {}
    within = float(np.mean([s["sd"] ** 2 for s in raw.values()]))
    offsets = np.array([s["mean"] - prior(k) for k, s in raw.items()])
    weights = np.array([s["weight"] for s in raw.values()])
    excess = offsets**2 - within / np.maximum(weights, 1e-9)  # each group's offset beyond its sampling noise
    k = within / max(float(np.average(excess, weights=weights)), _MIN_BETWEEN)
    out: dict[Key, Group] = {}
    for key, s in raw.items():
        base, parent = prior(key), sd_prior(key)
        share = s["weight"] / (s["weight"] + k)
        var = (s["visits"] * s["sd"] ** 2 + _PRIOR_VISITS * parent**2) / (s["visits"] + _PRIOR_VISITS)
        out[key] = {"mean_log": base + share * (s["mean"] - base), "sd_log": float(np.sqrt(var)), "visits": s["visits"]}
    return out
