"""The duration model: the most specific group a visit belongs to, and quantiles of
the log-normal spread around the planned minutes."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from optimizer.models import OrderType
from optimizer.models.durations import DurationGroup, DurationModel, HistoryVisit


def model() -> DurationModel:
    return DurationModel(
        groups=(
            DurationGroup(
                type=OrderType.REPAIR, skills=("gas", "hvac"), technician_id="T1", mean_log=0.5, sd_log=0.1, visits=9
            ),
            DurationGroup(type=OrderType.REPAIR, technician_id="T1", mean_log=0.4, sd_log=0.2, visits=20),
            DurationGroup(type=OrderType.REPAIR, mean_log=0.3, sd_log=0.3, visits=50),
            DurationGroup(technician_id="T2", mean_log=-0.1, sd_log=0.1, visits=10),
            DurationGroup(mean_log=0.0, sd_log=0.2, visits=100),
        ),
        history_until=dt.date(2026, 11, 20),
        half_life_days=180,
        holdout_visits=0,
    )


def test_the_most_specific_group_known_is_used() -> None:
    m = model()
    assert m.group_of(OrderType.REPAIR, frozenset({"hvac", "gas"}), "T1").visits == 9
    assert m.group_of(OrderType.REPAIR, frozenset({"hvac"}), "T1").visits == 20
    assert m.group_of(OrderType.REPAIR, frozenset(), "T9").visits == 50
    assert m.group_of(OrderType.MAINTENANCE, frozenset(), "T2").visits == 10
    assert m.group_of(OrderType.MAINTENANCE, frozenset(), "T9").visits == 100


def test_quantiles_of_the_log_normal_spread() -> None:
    m = model()
    assert m.minutes(60, OrderType.REPAIR, frozenset(), "T9", 0.5) == pytest.approx(60 * math.exp(0.3))
    assert m.minutes(60, OrderType.REPAIR, frozenset(), "T9", 0.8413447) == pytest.approx(60 * math.exp(0.6), rel=1e-5)
    with pytest.raises(ValueError, match="group of everyone"):
        DurationModel(groups=m.groups[:1], history_until=m.history_until, half_life_days=1, holdout_visits=0).group_of(
            OrderType.MAINTENANCE, frozenset(), "T1"
        )


def test_a_history_visit_needs_positive_minutes() -> None:
    base = {
        "order_id": "H1",
        "type": "repair",
        "technician_id": "T1",
        "planned_min": 60,
        "actual_min": 75,
        "date": "2026-11-20",
    }
    assert HistoryVisit.model_validate(base).actual_min == 75
    with pytest.raises(ValueError):
        HistoryVisit.model_validate(base | {"actual_min": 0})


def test_absurd_history_rows_and_models_are_refused() -> None:
    base = {"order_id": "H1", "type": "repair", "technician_id": "T1", "planned_min": 60, "date": "2026-11-20"}
    for actual in (2, 1300):
        with pytest.raises(ValueError, match="a typo"):
            HistoryVisit.model_validate(base | {"actual_min": actual})
    with pytest.raises(ValueError):
        HistoryVisit.model_validate(base | {"planned_min": 1e-300, "actual_min": 1})
    with pytest.raises(ValueError, match="group of everyone"):
        DurationModel(
            groups=(DurationGroup(technician_id="T1", mean_log=0.0, sd_log=0.1, visits=1),),
            history_until=dt.date(2026, 11, 20),
            half_life_days=1,
            holdout_visits=0,
        )
    with pytest.raises(ValueError):
        DurationGroup(mean_log=800.0, sd_log=0.1, visits=1)
    with pytest.raises(ValueError):
        DurationGroup(mean_log=float("nan"), sd_log=0.1, visits=1)
