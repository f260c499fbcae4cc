"""The array types of the numeric instance, and the freezing of its arrays."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NEVER_S = np.iinfo(np.int64).max // 4
"""A time that never comes (seconds on the time axis): parts that no van or depot
will ever hold, the due time of an order without one."""
UNLIMITED = NEVER_S
"""A technician-day's limit on orders or driving seconds that it does not have."""


def freeze(record: Any) -> None:
    """Make every numpy array field of the dataclass ``record`` read-only."""
    assert is_dataclass(record)
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
