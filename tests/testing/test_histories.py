"""The history generator: seeded, in the history table's columns, and drawn from its
truth (the log ratios' means and spreads come out as set)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from optimizer.models import OrderType
from optimizer.testing import histories


def test_a_history_is_seeded_and_follows_its_truth() -> None:
    frame, truth = histories.generate(4000, ["A", "B", "C"], seed=3, learning_per_year=0.0)
    again, _ = histories.generate(4000, ["A", "B", "C"], seed=3, learning_per_year=0.0)
    assert frame.equals(again)
    assert list(frame.columns) == ["order_id", "type", "skills", "technician_id", "planned_min", "actual_min", "date"]
    assert frame["date"].max() <= truth.until.isoformat() and (frame["planned_min"] % 15 == 0).all()
    repairs = frame[frame["type"] == "repair"]
    ratio = np.log(repairs["actual_min"] / repairs["planned_min"]) - np.log(
        [truth.speed[t] for t in repairs["technician_id"]]
    )
    assert abs(float(np.exp(ratio.mean())) - truth.type_ratio[OrderType.REPAIR]) < 0.05
    assert abs(float(ratio.std()) - truth.type_spread[OrderType.REPAIR]) < 0.03


def test_technicians_learn_over_time() -> None:
    truth = histories.generate(10, ["A"], seed=0, learning_per_year=0.2)[1]
    year_ago = truth.until - dt.timedelta(days=365)
    assert truth.median_min(60, OrderType.REPAIR, "A", year_ago) > truth.median_min(
        60, OrderType.REPAIR, "A", truth.until
    )
