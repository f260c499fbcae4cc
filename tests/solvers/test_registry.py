"""The back-end registry and the one time budget every back-end shares."""

from __future__ import annotations

from typing import get_args

import pytest

from optimizer.models.settings import SolverName
from optimizer.solvers import SOLVERS, backend


def test_the_registry_names_exactly_the_solver_names() -> None:
    """Every name the options accept has a back-end, and no back-end lacks a name."""
    assert set(SOLVERS) == set(get_args(SolverName))


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_each_registered_back_end_is_built_by_name(name: str) -> None:
    made = backend(name)
    assert callable(made.solve) and made.name == name
