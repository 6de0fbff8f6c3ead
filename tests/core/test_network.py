import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.errors import InputError, NoDataError
from wijkkracht.core.network import build_network, locate_points
from wijkkracht.data_sources import read_streets
from wijkkracht.demo import demo_data_path


def test_two_way_osmnx_edges_become_one_segment():
    # The bundled network holds both directions of each two-way OSMnx edge: 7,550 edges of
    # 3,775 segments on 2,833 nodes, of which the Dutch walking-network rule leaves out the
    # 28 edges (14 segments) of highway=busway.
    streets = read_streets(demo_data_path(), layer="streets")
    assert len(streets) == 7550 - 28
    assert streets.attrs["walk_network"]["left_out"] == {"highway=busway": 28}
    network = build_network(streets, keep_all_components=True)
    assert network.n_segments == 3775 - 14  # every walkable edge exists in both directions
    assert network.n_nodes == 2833 - 10  # nodes only a busway reached are gone
    # without the busways, 10 segments (a bus-station loop) no longer reach the rest
    assert build_network(streets).dropped_segments == 10
    # Lengths are the projected (RD New) geometry lengths.
    np.testing.assert_allclose(network.length, network.segments.geometry.length)


def test_graph_is_symmetric_and_uses_shortest_parallel_edge(grid):
    streets = grid(2, 1)
    detour = shapely.LineString([(150000, 450000), (150050, 450040), (150100, 450000)])
    streets = pd.concat([streets, streets.iloc[[0]].assign(geometry=[detour])], ignore_index=True)
    network = build_network(streets)
    assert network.n_segments == 2
    assert (network.graph != network.graph.T).nnz == 0
    assert network.graph[0, 1] == pytest.approx(100.0)


def test_study_area_marks_segments_by_midpoint(grid):
    streets = grid(5, 1)  # 4 segments of 100 m along y = 450000
    area = shapely.box(150000, 449990, 150210, 450010)  # covers midpoints 50 and 150
    network = build_network(streets, area)
    assert network.segments["in_study_area"].tolist() == [True, True, False, False]
    with pytest.raises(NoDataError, match="no street segment lies inside the study area"):
        build_network(streets, shapely.box(0, 0, 1, 1))


def test_disconnected_parts_are_dropped_and_counted(grid):
    streets = pd.concat([grid(3, 3), grid(2, 1, x0=170000.0)], ignore_index=True)
    network = build_network(streets)
    assert network.n_segments == 12 and network.dropped_segments == 1
    assert build_network(streets, keep_all_components=True).n_segments == 13


def test_locate_points_offsets_and_max_distance(grid, make_points):
    network = build_network(grid(3, 1))
    loc = locate_points(network, make_points([[150025, 450010], [150175, 449990],
                                               [150100, 450500]]), max_distance=150)
    assert loc["segment_id"].tolist()[:2] == [0, 1]
    assert loc["offset_m"].tolist()[:2] == pytest.approx([25.0, 75.0])
    assert loc["snap_distance_m"].tolist()[:2] == pytest.approx([10.0, 10.0])
    assert loc["segment_id"].iloc[2] == -1 and np.isnan(loc["offset_m"].iloc[2])


def test_points_layer_instead_of_lines_is_refused(make_points):
    import geopandas as gpd

    bad = gpd.GeoDataFrame({"osm_id": ["1"], "street_name": [""], "highway": [""]},
                           geometry=make_points([[0, 0]]).values, crs=28992)
    with pytest.raises(InputError, match="single LineStrings"):
        build_network(bad)


def test_locate_points_places_shared_points_once_with_the_same_answer(grid, make_points):
    """Dwellings of one building share a point: placed once, answered for every row, in the
    order and with the index of the input (also when some lie beyond the network)."""
    network = build_network(grid(4, 4))
    rng = np.random.default_rng(3)
    distinct = rng.uniform([149900, 449900], [150400, 450400], size=(40, 2))
    rows = distinct[rng.integers(0, len(distinct), size=400)]  # 400 rows, <= 40 points
    pts = make_points(rows)
    pts.index = pd.RangeIndex(1000, 1400)
    shared = locate_points(network, pts, max_distance=60)
    one_by_one = pd.concat([locate_points(network, make_points(rows[i:i + 1]), max_distance=60)
                            for i in range(len(rows))]).set_axis(pts.index)
    pd.testing.assert_frame_equal(shared, one_by_one)
    assert (shared["segment_id"] == -1).any() and (shared["segment_id"] >= 0).any()
