"""Large problems planned region by region: the split (:mod:`~optimizer.regions.split`),
second chances for leftovers (:mod:`~optimizer.regions.second_chance`), the merge
(:mod:`~optimizer.regions.merge`), and the regions as Dask tasks
(:mod:`~optimizer.regions.cluster`)."""

from optimizer.regions.cluster import dask_client, solve_regions
from optimizer.regions.split import Region, split

__all__ = ["Region", "dask_client", "solve_regions", "split"]
