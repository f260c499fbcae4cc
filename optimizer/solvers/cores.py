"""How many cores one solve may use, so that solves side by side do not oversubscribe.

A solve uses up to two cores of its own (our search's two threads, PyVRP's worker
processes, VROOM's threads). Where several solves share a machine, as the regions of
a local Dask cluster do, each may use only its share: the cluster sets
``OPTIMIZER_CORES`` in its workers (:func:`optimizer.regions.dask_client`); set it in
the workers of a cluster of your own the same way (``OPTIMIZER_CORES=1 dask worker ...``).
"""

from __future__ import annotations

import os

CORES_VARIABLE = "OPTIMIZER_CORES"


def cores() -> int:
    """The cores a solve may use: ``OPTIMIZER_CORES`` where it is set to a whole number
    of at least 1, else the machine's."""
    given = os.environ.get(CORES_VARIABLE, "")
    if given.strip().isdigit() and int(given) >= 1:
        return int(given)
    return os.cpu_count() or 1


def threads(most: int = 2) -> int:
    """Threads (or processes) for one solve: the cores it may use, at most ``most``."""
    return max(1, min(most, cores()))
