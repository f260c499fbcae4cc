"""The travel-provider interface: the protocol, and what a travel matrix refuses."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.travel import HaversineTravel, PrecomputedTravel, TravelMatrix, TravelProvider

ZERO_2 = np.zeros((2, 2))


def test_travel_providers_satisfy_the_protocol():
    """Both providers are TravelProviders (runtime-checkable Protocol)."""
    precomputed = PrecomputedTravel([1.0], [2.0], [[0]], [[0]])

    assert isinstance(HaversineTravel(), TravelProvider)
    assert isinstance(precomputed, TravelProvider)
    assert not isinstance(object(), TravelProvider)


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        pytest.param([[0, -1], [1, 0]], "duration_s has entries outside", id="negative"),
        pytest.param([[0, 1, 2], [1, 0, 2]], r"must be a square matrix, got shape \(2, 3\)", id="not-square"),
        pytest.param([0, 1], r"must be a square matrix, got shape \(2,\)", id="one-dimensional"),
    ],
)
def test_travel_matrix_rejects_negative_or_non_square(duration, message: str):
    """A travel matrix must be square and non-negative."""
    with pytest.raises(ValueError, match=message):
        TravelMatrix(duration_s=np.array(duration), distance_m=ZERO_2)


def test_travel_matrix_rejects_negative_distance():
    """Negative distances are rejected just like negative durations."""
    with pytest.raises(ValueError, match="distance_m has entries outside"):
        TravelMatrix(duration_s=np.zeros((2, 2)), distance_m=np.array([[0, 5], [-5, 0]]))
