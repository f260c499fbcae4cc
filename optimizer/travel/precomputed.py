"""A travel provider backed by a matrix computed elsewhere (a road router, a benchmark)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from optimizer.travel.base import TravelMatrix


class PrecomputedTravel:
    """Serves sub-matrices of a given matrix, looking points up by their exact coordinates.

    ``lat``/``lon`` name the points the matrix rows and columns belong to. Points that
    share coordinates must share travel (they are the same place).
    """

    def __init__(
        self,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        duration_s: npt.ArrayLike,
        distance_m: npt.ArrayLike,
    ) -> None:
        self.full = TravelMatrix(np.asarray(duration_s), np.asarray(distance_m))
        """The whole matrix, rows and columns in the order of ``lat`` and ``lon``."""
        self.lat, self.lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        if self.lat.shape != (self.full.size,) or self.lon.shape != (self.full.size,):
            raise ValueError("need one coordinate pair per matrix row")
        self._row: dict[tuple[float, float], int] = {}
        for row, key in enumerate(zip(self.lat.tolist(), self.lon.tolist())):
            self._row.setdefault(key, row)

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """The sub-matrix for the given points; raises ``KeyError`` for unknown points."""
        keys = zip(np.asarray(lat, dtype=float).tolist(), np.asarray(lon, dtype=float).tolist())
        try:
            rows = np.array([self._row[key] for key in keys], dtype=np.intp)
        except KeyError as missing:
            raise KeyError(f"point {missing.args[0]} is not in the precomputed matrix") from None
        pick = np.ix_(rows, rows)
        return TravelMatrix(self.full.duration_s[pick], self.full.distance_m[pick])
