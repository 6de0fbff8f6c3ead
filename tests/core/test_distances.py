"""Network distances checked against an independent computation (networkx Dijkstra on a
graph where every POI and every segment midpoint is a node of its own)."""

import networkx as nx
import numpy as np
import pytest

from wijkkracht.core.categories import EVERYDAY, FUNCTIONS
from wijkkracht.core.distances import PlacedPoints, nearest_distances, place, reach_counts
from wijkkracht.core.indicators._common import codes_for
from wijkkracht.core.network import build_network, locate_points


def _independent_distances(network, pts: PlacedPoints, point_ids, seg_ids):
    """networkx distances from the middle of each segment in seg_ids to each point.

    Built independently of the engine: every segment is split at its midpoint (if
    selected) and at every selected point, ordered by position along the segment."""
    g = nx.Graph()
    length, a, b = network.length, network.node_a, network.node_b
    stops: dict[int, list[tuple[float, object]]] = {}
    for j in point_ids:
        stops.setdefault(int(pts.segment[j]), []).append((float(pts.offset[j]), ("p", int(j))))
    for s in seg_ids:
        stops.setdefault(int(s), []).append((float(length[s]) / 2, ("m", int(s))))
    for s in range(network.n_segments):
        chain = [(0.0, int(a[s]))] + sorted(stops.get(s, []), key=lambda t: t[0]) + [
            (float(length[s]), int(b[s]))]
        for (o1, n1), (o2, n2) in zip(chain[:-1], chain[1:], strict=False):
            w = o2 - o1
            if g.has_edge(n1, n2):
                w = min(w, g[n1][n2]["weight"])
            g.add_edge(n1, n2, weight=w)
    out = {}
    for s in seg_ids:
        dist = nx.single_source_dijkstra_path_length(g, ("m", int(s)), weight="weight")
        out[int(s)] = np.array([dist.get(("p", int(j)), np.inf) for j in point_ids])
    return out


@pytest.fixture(scope="module")
def demo_everyday(demo_prepared):
    network, pois, _ = demo_prepared
    pts = place(pois["segment_id"], pois["offset_m"])
    codes = codes_for(pois["everyday"], list(EVERYDAY))
    return network, pois, pts, codes


@pytest.mark.parametrize("global_cells", [8_000_000, 0], ids=["whole-network", "tiled"])
def test_nearest_and_counts_match_networkx_on_real_network(demo_everyday, global_cells):
    network, pois, pts, codes = demo_everyday
    rng = np.random.default_rng(7)
    seg_ids = rng.choice(network.n_segments, 12, replace=False)
    nearest = nearest_distances(network, pts, codes, len(EVERYDAY))
    counts = reach_counts(network, pts, codes, [len(EVERYDAY)], [[400, 800]],
                          global_cells=global_cells)[0]
    for cat in ("supermarket", "bakery", "gp"):
        c = list(EVERYDAY).index(cat)
        ids = np.flatnonzero((codes == c) & pts.on_network)
        assert len(ids) > 0
        ref = _independent_distances(network, pts, ids, seg_ids)
        for s in seg_ids:
            d = ref[int(s)]
            assert nearest[s, c] == pytest.approx(d.min(), abs=1e-6)
            assert counts[400.0][s, c] == (d <= 400).sum()
            assert counts[800.0][s, c] == (d <= 800).sum()


def test_distance_uses_position_on_segment_not_nearest_node(grid, make_points):
    # One street 0-100-200 m; a bakery 30 m along the second segment.
    streets = grid(3, 1)
    network = build_network(streets)
    loc = locate_points(network, make_points([[150130.0, 450003.0]]))
    seg = int(loc["segment_id"].iloc[0])
    assert loc["offset_m"].iloc[0] == pytest.approx(30.0)
    assert loc["snap_distance_m"].iloc[0] == pytest.approx(3.0)
    pts = place(loc["segment_id"], loc["offset_m"])
    d = nearest_distances(network, pts, np.array([0]), 1)[:, 0]
    other = 1 - seg
    # Own segment: midpoint at 50 m, bakery at 30 m -> 20 m.
    assert d[seg] == pytest.approx(20.0)
    # Other segment: its midpoint is 50 m from the shared node, bakery 30 m beyond it.
    assert d[other] == pytest.approx(80.0)
    counts = reach_counts(network, pts, np.array([0]), [1], [[20.0, 79.9, 80.0]])[0]
    assert counts[20.0][seg, 0] == 1 and counts[20.0][other, 0] == 0
    assert counts[79.9][other, 0] == 0 and counts[80.0][other, 0] == 1


def test_unreachable_category_is_nan_not_zero(grid, make_points):
    streets = grid(3, 1)
    far = grid(2, 1, x0=160000.0)  # a separate street 10 km away
    import pandas as pd

    both = pd.concat([streets, far], ignore_index=True)
    network = build_network(both, keep_all_components=True)
    loc = locate_points(network, make_points([[160050.0, 450000.0]]))
    d = nearest_distances(network, place(loc["segment_id"], loc["offset_m"]), np.array([0]), 1)
    on_far = int(loc["segment_id"].iloc[0])
    assert d[on_far, 0] == pytest.approx(0.0)
    others = np.delete(d[:, 0], on_far)
    assert np.isnan(others).all()


def test_counts_are_invariant_to_point_order(demo_prepared):
    network, pois, _ = demo_prepared
    codes = codes_for(pois["function"], list(FUNCTIONS))
    pts = place(pois["segment_id"], pois["offset_m"])
    ref = reach_counts(network, pts, codes, [len(FUNCTIONS)], [[400]])[0][400.0]
    perm = np.random.default_rng(3).permutation(len(codes))
    shuffled = reach_counts(network, PlacedPoints(pts.segment[perm], pts.offset[perm]),
                            codes[perm], [len(FUNCTIONS)], [[400]])[0][400.0]
    np.testing.assert_array_equal(ref, shuffled)
    # Leaf size and the small-network mode are performance knobs only.
    small = reach_counts(network, pts, codes, [len(FUNCTIONS)], [[400]], leaf_points=7)[0][400.0]
    np.testing.assert_array_equal(ref, small)
    tiled = reach_counts(network, pts, codes, [len(FUNCTIONS)], [[400]], global_cells=0)[0][400.0]
    np.testing.assert_array_equal(ref, tiled)


def test_counts_grow_with_radius(demo_everyday):
    network, _, pts, codes = demo_everyday
    counts = reach_counts(network, pts, codes, [len(EVERYDAY)], [[200, 400, 800]])[0]
    assert (counts[200.0] <= counts[400.0]).all() and (counts[400.0] <= counts[800.0]).all()
    assert counts[800.0].sum() > counts[400.0].sum() > counts[200.0].sum()
