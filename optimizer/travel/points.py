"""Point bookkeeping shared by the road-network providers: distinct places, and the
places that roads do not connect to the rest."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

COORDINATE_DECIMALS = 6
"""Coordinates are compared and sent at 6 decimals (about 0.1 m)."""


def distinct_points(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """The distinct places among the points, in order of first appearance, and for each
    point the index of its place: ``lat[i] == places_lat[inverse[i]]`` at 6 decimals."""
    lat_a = np.round(np.asarray(lat, dtype=np.float64), COORDINATE_DECIMALS)
    lon_a = np.round(np.asarray(lon, dtype=np.float64), COORDINATE_DECIMALS)
    if lat_a.ndim != 1 or lat_a.shape != lon_a.shape:
        raise ValueError(f"need equal-length 1-d lat and lon, got {lat_a.shape} and {lon_a.shape}")
    _, first, inverse = np.unique(np.stack([lat_a, lon_a], axis=1), axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    keep = first[order]
    return lat_a[keep].astype(np.float64), lon_a[keep].astype(np.float64), rank[inverse.reshape(-1)].astype(np.intp)


def cut_off(reachable: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    """Places outside the largest group of places that all reach one another, given
    ``reachable[i, j]`` (a route from place i to place j exists)."""
    if reachable.shape[0] == 0:
        return np.empty(0, dtype=np.intp)
    _, group = connected_components(csr_matrix(reachable), directed=True, connection="strong")
    largest = np.bincount(group).argmax()
    return np.flatnonzero(group != largest)
