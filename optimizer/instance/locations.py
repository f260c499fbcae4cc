"""Compilation step "locations": every place of the instance in its location order and
the travel matrix between them.

Places that the travel source cannot route become input errors naming the
technician, order or depot there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optimizer.exceptions import InputIssue, InvalidProblemError, OffRoadError
from optimizer.instance.arrays import FloatArray
from optimizer.instance.remaining import Resume
from optimizer.models import Problem
from optimizer.models.base import Located
from optimizer.travel import TravelMatrix, TravelProvider


def location_arrays(problem: Problem, resumes: Sequence[Resume] = ()) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes of all locations in the instance's order: homes,
    orders, depots, then where each resumed technician-day of a re-plan goes on."""
    points: list[Located] = [*problem.technicians, *problem.orders, *problem.depots, *resumes]
    return (
        np.array([p.lat for p in points], dtype=np.float64),
        np.array([p.lon for p in points], dtype=np.float64),
    )


def travel_matrix(problem: Problem, provider: TravelProvider, lat: FloatArray, lon: FloatArray) -> TravelMatrix:
    """The provider's matrix over the places of :func:`location_arrays`; raises
    :class:`~optimizer.exceptions.InvalidProblemError` for places it cannot route."""
    try:
        return provider.matrix(lat, lon)
    except OffRoadError as error:
        located = [("technicians", t.id) for t in problem.technicians] + [("orders", o.id) for o in problem.orders]
        located += [("depots", d.id) for d in problem.depots]
        issues = []
        for point in error.points:
            table, entity = located[point.index] if point.index < len(located) else ("progress", None)
            issues.append(
                InputIssue(table, None, "lat/lon", f"cannot be routed by {error.source}: {point}", entity_id=entity)
            )
        raise InvalidProblemError(issues) from None
