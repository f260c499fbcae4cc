"""Parameter bundles: objective weights, travel settings and solve options, their
defaults (those of DESIGN.md) and what they refuse."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.models import ObjectiveWeights, TravelSettings, Urgency
from optimizer.models.settings import SolveOptions


def test_objective_weights_defaults_match_design():
    """Default weights are those of DESIGN.md."""
    weights = ObjectiveWeights()

    assert weights.unplanned == {
        Urgency.EMERGENCY: 10_000,
        Urgency.HIGH: 3_000,
        Urgency.NORMAL: 1_000,
        Urgency.LOW: 300,
    }
    assert (weights.breach, weights.late_shares, weights.late_spans_min) == (0.1, (0.3, 0.3), (240, 4320))
    assert (weights.deferral_floor, weights.deferral_days) == (0.1, 10)
    assert (weights.backlog_per_day, weights.backlog_cap) == (0.1, 2)
    assert weights.emergency_sla_min == 240
    assert weights.overtime_per_min == 2
    assert weights.travel_per_min == 1
    assert weights.waiting_per_min == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"unplanned": {"emergency": 1, "high": 1, "normal": 1}},
            "unplanned lacks a weight for low",
            id="unplanned-missing-low",
        ),
        pytest.param(
            {"late_shares": (0.3,)},
            "one entry per span",
            id="late-shares-without-spans",
        ),
        pytest.param({"late_per_min": {"high": 1}}, "Extra inputs are not permitted", id="old-linear-lateness"),
        pytest.param(
            {"unplanned": {"emergency": 1, "high": 1, "normal": -1, "low": 1}},
            "unplanned weights must be >= 0",
            id="negative-weight",
        ),
        pytest.param({"overtime_per_min": -2}, "greater than or equal to 0", id="negative-overtime"),
    ],
)
def test_objective_weights_reject_incomplete_or_negative_tables(fields: dict[str, Any], message: str):
    """A weight table must cover every urgency with a non-negative weight."""
    with pytest.raises(ValidationError, match=message):
        ObjectiveWeights(**fields)


def test_travel_settings_defaults_match_design():
    """The embedded travel model defaults to a detour factor of 1.3 at 40 km/h."""
    assert TravelSettings() == TravelSettings(detour_factor=1.3, speed_kmh=40.0)


def test_weights_refuse_late_dearer_than_never() -> None:
    with pytest.raises(ValueError, match="at most 1"):
        ObjectiveWeights(breach=0.5, late_shares=(0.3, 0.3))


def test_urgency_prices_are_the_design_defaults() -> None:
    assert ObjectiveWeights().unplanned == {
        Urgency.EMERGENCY: 10_000,
        Urgency.HIGH: 3_000,
        Urgency.NORMAL: 1_000,
        Urgency.LOW: 300,
    }


def test_the_default_time_limit_applies_only_without_a_work_limit() -> None:
    assert SolveOptions().seconds() == 30.0
    assert SolveOptions(max_solutions=10).seconds() is None
    assert SolveOptions(time_limit=3.0, max_solutions=10).seconds() == 3.0
