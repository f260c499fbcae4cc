"""The duration learner on generated histories with a known truth: it finds each
type's and technician's bias, shrinks thin groups towards broader ones, weighs recent
visits more, and beats the planned minutes on the held-back visits."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from optimizer.durations import learn_durations
from optimizer.models import OrderType
from optimizer.models.durations import HistoryVisit
from optimizer.testing import histories

TECHNICIANS = [f"T-{k:02d}" for k in range(1, 13)]


def visits(n: int, seed: int = 0, **options: object) -> tuple[list[HistoryVisit], histories.Truth]:
    frame, truth = histories.generate(n, TECHNICIANS, seed=seed, **options)  # type: ignore[arg-type]
    return histories.as_visits(frame), truth


@pytest.fixture(scope="module")
def learned() -> tuple:
    history, truth = visits(5000)
    return learn_durations(history), truth, history


def test_it_finds_each_types_and_technicians_bias(learned: tuple) -> None:
    """The learned median ratio of every (type, technician) with some history is within
    10% of the truth's (speed x type ratio today) for the busy ones."""
    model, truth, history = learned
    counts = {t: sum(v.technician_id == t for v in history) for t in TECHNICIANS}
    errors = []
    for type_ in OrderType:
        for technician in TECHNICIANS:
            if counts[technician] < 200:
                continue
            group = model.group_of(type_, frozenset(), technician)
            errors.append(abs(np.exp(group.mean_log) / (truth.type_ratio[type_] * truth.speed[technician]) - 1))
    assert errors and float(np.median(errors)) < 0.05 and max(errors) < 0.15
    repair = model.group_of(OrderType.REPAIR, frozenset(), TECHNICIANS[0])
    maintenance = model.group_of(OrderType.MAINTENANCE, frozenset(), TECHNICIANS[0])
    assert repair.sd_log > 2 * maintenance.sd_log  # repairs vary most


def test_it_beats_the_planned_minutes_on_the_held_back_visits(learned: tuple) -> None:
    model, _, history = learned
    assert model.holdout_visits > 0.15 * len(history)
    assert model.holdout_error_learned < 0.9 * model.holdout_error_planned


def test_a_technician_without_history_gets_the_types_group_and_thin_ones_are_shrunk() -> None:
    """A technician with three visits, all twice as long as planned, is pulled towards
    the others (shrinkage), not taken at face value; a stranger falls back to the type."""
    history, _ = visits(2000, seed=1)
    day = dt.date(2026, 11, 19)
    odd = [
        HistoryVisit(
            order_id=f"X-{k}",
            type=OrderType.MAINTENANCE,
            technician_id="T-NEW",
            planned_min=60,
            actual_min=120,
            date=day,
        )
        for k in range(3)
    ]
    model = learn_durations([*history, *odd], holdout=0)
    new = model.group_of(OrderType.MAINTENANCE, frozenset(), "T-NEW")
    assert new.technician_id == "T-NEW" and 0.0 < new.mean_log < np.log(2) * 0.8
    stranger = model.group_of(OrderType.MAINTENANCE, frozenset({"gas"}), "T-NOBODY")
    assert (stranger.type, stranger.technician_id) == (OrderType.MAINTENANCE, None)
    assert model.holdout_visits == 0 and model.holdout_error_learned is None


def test_recent_visits_weigh_more() -> None:
    """Technicians got 30% faster over the year: with a short half-life the model is
    nearer today's speed than with a long one."""
    history, truth = visits(4000, seed=2, learning_per_year=0.35)
    quick = learn_durations(history, holdout=0, half_life_days=60)
    slow = learn_durations(history, holdout=0, half_life_days=10_000)
    today = truth.type_ratio[OrderType.REPAIR] * truth.speed[TECHNICIANS[0]]
    fast_err = abs(np.exp(quick.group_of(OrderType.REPAIR, frozenset(), TECHNICIANS[0]).mean_log) / today - 1)
    slow_err = abs(np.exp(slow.group_of(OrderType.REPAIR, frozenset(), TECHNICIANS[0]).mean_log) / today - 1)
    assert fast_err < slow_err


def test_an_empty_history_is_refused() -> None:
    with pytest.raises(ValueError, match="no visit"):
        learn_durations([])


def test_odd_histories_and_arguments() -> None:
    """One old visit with a tiny half-life keeps a weight; bad arguments are refused."""
    old = HistoryVisit(
        order_id="O", type=OrderType.REPAIR, technician_id="T", planned_min=60, actual_min=90, date=dt.date(2020, 1, 1)
    )
    new = old.model_copy(update={"date": dt.date(2026, 11, 20), "technician_id": "U", "actual_min": 60})
    model = learn_durations([old, new], holdout=0, half_life_days=0.5)
    assert np.isfinite(model.group_of(OrderType.REPAIR, frozenset(), "T").mean_log)
    for bad in ({"holdout": 3}, {"holdout": -0.1}, {"half_life_days": float("nan")}, {"half_life_days": 0}):
        with pytest.raises(ValueError, match="holdout"):
            learn_durations([old, new], **bad)  # type: ignore[arg-type]
