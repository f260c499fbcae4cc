"""The travel-provider interface: coordinates in, duration and distance matrices out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between n points: ``duration_s[i, j]`` seconds and ``distance_m[i, j]`` metres.

    Both are read-only ``int32`` arrays of shape (n, n) with a zero diagonal. Arrays
    given as read-only C-ordered ``int32`` are kept as they are; others are copied.
    """

    duration_s: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int32]

    def __post_init__(self) -> None:
        for name in ("duration_s", "distance_m"):
            given = np.asarray(getattr(self, name))
            if given.ndim != 2 or given.shape[0] != given.shape[1]:
                raise ValueError(f"{name} must be a square matrix, got shape {given.shape}")
            if given.dtype.kind == "f":
                if not np.isfinite(given).all():
                    raise ValueError(f"{name} has NaN or infinite entries")
                given = np.rint(given)
            if given.size and (given.min() < 0 or given.max() > np.iinfo(np.int32).max):
                raise ValueError(f"{name} has entries outside 0..2**31-1")
            frozen = given.dtype == np.int32 and given.flags.c_contiguous and not given.flags.writeable
            array = given if frozen else np.array(given, dtype=np.int32, order="C", copy=True)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if self.duration_s.shape != self.distance_m.shape:
            raise ValueError("duration and distance matrices differ in shape")

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.duration_s.shape[0])


@runtime_checkable
class TravelProvider(Protocol):
    """Anything that turns points (WGS84 degrees) into a :class:`TravelMatrix`."""

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Travel between every pair of the points ``(lat[i], lon[i])``."""
        ...
