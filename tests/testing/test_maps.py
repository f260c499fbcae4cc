"""Synthetic street grids: junction coordinates, block length and the file written."""

from __future__ import annotations

import math
from pathlib import Path

import osmium
import pytest

from optimizer.testing.maps import GridMap
from optimizer.travel.haversine import EARTH_RADIUS_M


def read(path: Path) -> tuple[int, list[tuple[str, list[int], dict[str, str]]]]:
    """The number of nodes and the (name, node ids, tags) of each way of an OSM file."""
    nodes, ways = 0, []
    for obj in osmium.FileProcessor(str(path)):
        if obj.is_node():
            nodes += 1
        elif obj.is_way():
            tags = {tag.k: tag.v for tag in obj.tags}
            ways.append((tags["name"], [n.ref for n in obj.nodes], tags))
    return nodes, ways


def test_junctions_lie_on_the_equator_grid() -> None:
    grid = GridMap(rows=3, cols=4, spacing_deg=0.002)
    assert grid.node_lat_lon(0, 0) == (0.0, 0.0)
    assert grid.node_lat_lon(2, 3) == pytest.approx((0.004, 0.006))


def test_a_block_edge_is_the_arc_of_the_spacing() -> None:
    grid = GridMap(rows=2, cols=2)
    assert grid.edge_m() == pytest.approx(111.195, abs=1e-3)  # 0.001 degrees on the 6,371,008.8 m sphere
    assert grid.edge_m(6_372_797.560856) == pytest.approx(6_372_797.560856 * math.pi / 180_000)
    assert grid.edge_m() == pytest.approx(EARTH_RADIUS_M * math.radians(0.001))


def test_the_file_holds_rows_one_way_where_asked_and_columns_cut_by_the_river(tmp_path: Path) -> None:
    """4 x 5 junctions; 4 row ways, row 0 one-way; the river after row 1 splits columns
    0-3 in two ways each, the bridge column 4 is one way over all rows: 13 ways."""
    grid = GridMap(rows=4, cols=5, oneway_rows=(0,), river_after_row=1, bridge_col=4)
    path = grid.write(tmp_path / "grid.osm.pbf")
    assert path == tmp_path / "grid.osm.pbf"
    nodes, ways = read(path)
    assert nodes == 20 and len(ways) == 4 + 4 * 2 + 1
    rows = {name: (refs, tags) for name, refs, tags in ways if name.startswith("Row")}
    assert rows["Row 0"][0] == [1, 2, 3, 4, 5] and rows["Row 0"][1].get("oneway") == "yes"
    assert all("oneway" not in tags for name, (_, tags) in rows.items() if name != "Row 0")
    columns = sorted((name, refs) for name, refs, _ in ways if name.startswith("Column"))
    assert [refs for name, refs in columns if name == "Column 0"] == [[1, 6], [11, 16]]
    assert [refs for name, refs in columns if name == "Column 4"] == [[5, 10, 15, 20]]


def test_writing_again_replaces_the_file_and_xml_is_chosen_by_suffix(tmp_path: Path) -> None:
    small = GridMap(rows=2, cols=2, highway="primary", column_highway="tertiary")
    path = small.write(tmp_path / "small.osm")
    assert path.read_text().lstrip().startswith("<?xml")
    assert small.write(path) == path  # no error for an existing file
    _, ways = read(path)
    assert {tags["highway"] for name, _, tags in ways if name.startswith("Row")} == {"primary"}
    assert {tags["highway"] for name, _, tags in ways if name.startswith("Column")} == {"tertiary"}
