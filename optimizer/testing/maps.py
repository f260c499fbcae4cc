"""Synthetic OpenStreetMap files whose shortest paths are known by hand: a grid of
streets, with one-way rows and a river that only a bridge crosses. For the road
providers' exact tests, for benchmarks at sizes no bundled extract has, and for
trying the ``osm`` and ``osrm`` travel sources offline.

The grid lies on the equator, ``spacing_deg`` apart in both directions, so every
block edge has (to 1e-8) the same great-circle length, :func:`edge_m`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import osmium

from optimizer.travel.haversine import EARTH_RADIUS_M


@dataclass(frozen=True)
class GridMap:
    """A ``rows`` x ``cols`` street grid. Row ways run west to east, column ways south
    to north; streets are ``highway`` (rows) and ``column_highway`` (columns).

    ``oneway_rows`` may be driven west to east only. With ``river_after_row`` = r no
    column street crosses between rows r and r+1 except at ``bridge_col``.
    """

    rows: int
    cols: int
    spacing_deg: float = 0.001
    highway: str = "residential"
    column_highway: str = "residential"
    oneway_rows: Collection[int] = field(default_factory=tuple)
    river_after_row: int | None = None
    bridge_col: int = 0

    def node_lat_lon(self, row: int, col: int) -> tuple[float, float]:
        """Coordinates (degrees) of the junction at ``row``, ``col``."""
        return row * self.spacing_deg, col * self.spacing_deg

    def edge_m(self, radius_m: float = EARTH_RADIUS_M) -> float:
        """Length of one block edge, metres, on a sphere of ``radius_m``."""
        return radius_m * math.radians(self.spacing_deg)

    def write(self, path: Path) -> Path:
        """Write the map as ``.osm.pbf`` (or ``.osm`` XML, by suffix); returns ``path``."""
        path = Path(path)
        path.unlink(missing_ok=True)
        writer = osmium.SimpleWriter(str(path))
        try:

            def node_id(row: int, col: int) -> int:
                return 1 + row * self.cols + col

            for row in range(self.rows):
                for col in range(self.cols):
                    lat, lon = self.node_lat_lon(row, col)
                    writer.add_node(osmium.osm.mutable.Node(id=node_id(row, col), location=(lon, lat), version=1))
            way = 0
            for row in range(self.rows):
                tags = {"highway": self.highway, "name": f"Row {row}"}
                if row in self.oneway_rows:
                    tags["oneway"] = "yes"
                way += 1
                writer.add_way(
                    osmium.osm.mutable.Way(
                        id=way, nodes=[node_id(row, c) for c in range(self.cols)], tags=tags, version=1
                    )
                )
            for col in range(self.cols):
                for rows in self._column_runs(col):
                    way += 1
                    writer.add_way(
                        osmium.osm.mutable.Way(
                            id=way,
                            nodes=[node_id(r, col) for r in rows],
                            tags={"highway": self.column_highway, "name": f"Column {col}"},
                            version=1,
                        )
                    )
        finally:
            writer.close()
        return path

    def _column_runs(self, col: int) -> list[range]:
        cut = self.river_after_row
        if cut is None or col == self.bridge_col:
            return [range(self.rows)]
        return [run for run in (range(cut + 1), range(cut + 1, self.rows)) if len(run) >= 2]
