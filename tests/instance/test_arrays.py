"""The instance's arrays are frozen."""

from __future__ import annotations

import pytest

from optimizer.instance import compile_instance

from conftest import make_order, make_problem, make_technician


def test_instance_is_read_only() -> None:
    """Arrays of the instance cannot be modified."""
    instance = compile_instance(make_problem([make_order()], [make_technician()]))
    with pytest.raises(ValueError):
        instance.travel_s[0, 0] = 5
    with pytest.raises(ValueError):
        instance.compatible[0, 0] = False
