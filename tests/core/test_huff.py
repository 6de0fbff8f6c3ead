"""The Huff spending-flow model (core/huff.py): a hand-computed three-zone example, the decay
options, the cut-off and minimum distance, the scenario, and network distances on the real
Kanaleneiland network checked against a direct scipy Dijkstra."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csgraph

from wijkkracht.core import huff
from wijkkracht.core.categories import Label
from wijkkracht.core.distances import place
from wijkkracht.core.huff import (
    HuffModel,
    HuffParameters,
    add_shop,
    add_supply,
    build_model,
    dwellings_demand,
    huff_probabilities,
    od_distances,
    run_model,
    spending_flows,
    supply_from_pois,
)

# --------------------------------------------------------------------------------------------
# The three-zone example (alpha 1, power decay beta 2, min distance 100 m, cut-off 2,000 m).
#
# Areas A, B, C. Shops (supply): s0 in A (400 m²), s1 in B (900 m²), s2 in C (200 m²).
# Origins: o0 in A (demand 100), o1 in B (60), o2 in C (20), o3 in A (45).
#
# o0: s0 at 200 m -> 400/200² = 0.01; s1 at 300 m -> 900/300² = 0.01;
#     s2 at 50 m, counted as 100 m -> 200/100² = 0.02.   Sum 0.04.
#     P = 0.25, 0.25, 0.5.  A keeps 25, leaks 75.
# o1: s1 at 300 m -> 0.01; s2 at 200 m -> 200/200² = 0.005; s0 at 2,500 m is beyond the
#     cut-off.  Sum 0.015.  P(s1) = 2/3, P(s2) = 1/3.  B keeps 40, leaks 20.
# o2: only s0, at 3,000 m: beyond the cut-off -> its 20 are beyond reach.
# o3: s0 at 100 m -> 400/100² = 0.04; s1 at 300 m -> 0.01.  Sum 0.05.
#     P = 0.8, 0.2.  A keeps 36, leaks 9.
#
# Area A: demand 145, retained 25 + 36 = 61 (61/145 = 0.420690), leaked 75 + 9 = 84.
# Area B: demand 60, retained 40 (2/3), leaked 20 (1/3).
# Area C: demand 20, beyond reach 20 (share 1).
# Drawn: s0 25 + 36 = 61 (all from A); s1 25 + 40 + 9 = 74 (40 from B: 40/74);
#        s2 50 + 20 = 70 (none from C).  Inflow: A 0, B 34, C 70.  61 + 74 + 70 = 205 =
#        the demand in reach (145 + 60).
# --------------------------------------------------------------------------------------------

OD = pd.DataFrame({
    "origin": [0, 0, 0, 1, 1, 1, 2, 3, 3],
    "destination": [0, 1, 2, 1, 2, 0, 0, 0, 1],
    "distance_m": [200.0, 300.0, 50.0, 300.0, 200.0, 2500.0, 3000.0, 100.0, 300.0],
})
DEMAND = np.array([100.0, 60.0, 20.0, 45.0])
ORIGIN_AREA = ["A", "B", "C", "A"]
ATTRACTIVENESS = np.array([400.0, 900.0, 200.0])
SUPPLY_AREA = ["A", "B", "C"]
SUPPLY_SEGMENT = np.array([10, 11, 10])


def three_zone(**kwargs):
    return spending_flows(OD, DEMAND, ORIGIN_AREA, ATTRACTIVENESS, SUPPLY_AREA, **kwargs)


def test_hand_probabilities():
    p = huff_probabilities(OD, ATTRACTIVENESS)
    got = {(int(o), int(d)): pr for o, d, pr in p[["origin", "destination", "probability"]]
           .itertuples(index=False)}
    expected = {(0, 0): 0.25, (0, 1): 0.25, (0, 2): 0.5,
                (1, 1): 2 / 3, (1, 2): 1 / 3,
                (3, 0): 0.8, (3, 1): 0.2}
    assert got.keys() == expected.keys()  # the pairs beyond 2,000 m are gone
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, abs=1e-12)
    sums = p.groupby("origin")["probability"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-12)
    assert 2 not in set(p["origin"])  # o2 has nothing in reach


def test_hand_areas():
    res = three_zone()
    a = res.areas
    assert list(a.index) == ["A", "B", "C"]
    np.testing.assert_allclose(a["demand"], [145, 60, 20])
    np.testing.assert_allclose(a["retained"], [61, 40, 0], atol=1e-9)
    np.testing.assert_allclose(a["leaked"], [84, 20, 0], atol=1e-9)
    np.testing.assert_allclose(a["beyond_reach"], [0, 0, 20])
    np.testing.assert_allclose(a["retained_share"], [61 / 145, 2 / 3, 0], atol=1e-12)
    assert a.loc["A", "retained_share"] == pytest.approx(0.420690, abs=1e-6)
    np.testing.assert_allclose(a["leaked_share"], [84 / 145, 1 / 3, 0], atol=1e-12)
    np.testing.assert_allclose(a["beyond_reach_share"], [0, 0, 1])
    np.testing.assert_allclose(a["retained_share"] + a["leaked_share"] + a["beyond_reach_share"],
                               1.0, atol=1e-12)
    np.testing.assert_allclose(a["drawn"], [61, 74, 70], atol=1e-9)
    np.testing.assert_allclose(a["inflow"], [0, 34, 70], atol=1e-9)
    assert list(res.beyond_reach) == [2]
    assert res.metadata["demand_beyond_reach"] == 20
    assert res.metadata["origins_beyond_reach"] == 1
    assert res.metadata["parameters"]["beta"] == 2.0


def test_hand_supply_and_catchment():
    res = three_zone(supply_segment=SUPPLY_SEGMENT)
    s = res.supply
    np.testing.assert_allclose(s["drawn"], [61, 74, 70], atol=1e-9)
    np.testing.assert_allclose(s["drawn_own_area"], [61, 40, 0], atol=1e-9)
    np.testing.assert_allclose(s["own_area_share"], [1.0, 40 / 74, 0.0], atol=1e-12)
    assert s["n_origin_areas"].tolist() == [1, 2, 2]
    c = res.catchment.set_index(["supply", "origin_area"])["drawn"]
    assert c[(1, "A")] == pytest.approx(34)
    assert c[(1, "B")] == pytest.approx(40)
    assert c[(2, "A")] == pytest.approx(50)
    # Segment 10 carries s0 (A) and s2 (C): drawn 61 + 70, own area 61 + 0.
    seg = res.segments
    assert seg.loc[10, "drawn"] == pytest.approx(131)
    assert seg.loc[10, "own_area_share"] == pytest.approx(61 / 131)
    assert seg.loc[10, "n_supply"] == 2
    sc = res.segment_catchment.set_index(["segment_id", "origin_area"])
    assert sc.loc[(10, "A"), "drawn"] == pytest.approx(61 + 50)
    assert sc.loc[(10, "B"), "share"] == pytest.approx(20 / 131)


def test_spending_per_unit_only_when_given():
    res = three_zone()
    assert "retained_eur" not in res.areas
    assert "no spending figure" in res.metadata["spending_note"]
    res = three_zone(spending_per_unit=1000.0)
    assert res.areas.loc["A", "retained_eur"] == pytest.approx(61_000)
    assert res.metadata["spending_per_unit_eur"] == 1000.0


def test_power_vs_exponential():
    # One origin, two equal shops at 1,000 and 2,000 m.
    od = pd.DataFrame({"origin": [0, 0], "destination": [0, 1], "distance_m": [1000.0, 2000.0]})
    # power, beta 2: 1/1000² : 1/2000² = 4 : 1 -> 0.8, 0.2
    p = huff_probabilities(od, np.ones(2), HuffParameters(cutoff=5000))
    np.testing.assert_allclose(p["probability"], [0.8, 0.2])
    # exponential, lam 1/km: e^-1 : e^-2 -> 1 / (1 + e^-1) = 0.7310586
    p = huff_probabilities(od, np.ones(2), HuffParameters(decay="exponential", cutoff=5000))
    assert p["probability"].iloc[0] == pytest.approx(1 / (1 + math.exp(-1)))
    assert p["probability"].iloc[0] == pytest.approx(0.7310586, abs=1e-7)
    # alpha 2 on attractiveness 1 and 2 with equal distances: 1 : 4
    od2 = od.assign(distance_m=[500.0, 500.0])
    p = huff_probabilities(od2, np.array([1.0, 2.0]), HuffParameters(alpha=2.0))
    np.testing.assert_allclose(p["probability"], [0.2, 0.8])
    with pytest.raises(ValueError, match="decay"):
        HuffParameters(decay="gaussian")


def test_cutoff():
    od = pd.DataFrame({"origin": [0, 0, 1], "destination": [0, 1, 1],
                       "distance_m": [2000.0, 2000.001, 1500.0]})
    p = huff_probabilities(od, np.ones(2))  # cut-off 2,000 m: the limit itself is in
    assert p[["origin", "destination"]].values.tolist() == [[0, 0], [1, 1]]
    p = huff_probabilities(od, np.ones(2), HuffParameters(cutoff=1000))
    assert len(p) == 0
    res = spending_flows(od, np.array([3.0, 4.0]), ["A", "B"], np.ones(2), ["A", "B"],
                         HuffParameters(cutoff=1000))
    assert res.areas["beyond_reach"].tolist() == [3.0, 4.0]
    assert res.areas["beyond_reach_share"].tolist() == [1.0, 1.0]


def test_min_distance():
    od = pd.DataFrame({"origin": [0, 0], "destination": [0, 1], "distance_m": [10.0, 100.0]})
    # default 100 m: 10 m counts as 100 m -> equal
    np.testing.assert_allclose(huff_probabilities(od, np.ones(2))["probability"], [0.5, 0.5])
    # min 10 m: 1/10² : 1/100² = 100 : 1
    p = huff_probabilities(od, np.ones(2), HuffParameters(min_distance=10))
    np.testing.assert_allclose(p["probability"], [100 / 101, 1 / 101])
    # a shop at 0 m does not take everything (no division by zero)
    od0 = od.assign(distance_m=[0.0, 100.0])
    np.testing.assert_allclose(huff_probabilities(od0, np.ones(2))["probability"], [0.5, 0.5])
    with pytest.raises(ValueError):
        HuffParameters(min_distance=0)


def test_zero_attractiveness_and_bad_input():
    od = pd.DataFrame({"origin": [0, 0], "destination": [0, 1], "distance_m": [200.0, 300.0]})
    p = huff_probabilities(od, np.array([0.0, 5.0]))
    assert p["destination"].tolist() == [1] and p["probability"].tolist() == [1.0]
    with pytest.raises(ValueError, match="demand"):
        spending_flows(od, np.array([-1.0]), ["A"], np.ones(2), ["A", "B"])
    with pytest.raises(ValueError, match="one value per"):
        spending_flows(od, np.array([1.0]), ["A", "B"], np.ones(2), ["A", "B"])


def test_row_order_invariance():
    base = three_zone(supply_segment=SUPPLY_SEGMENT)
    rng = np.random.default_rng(3)
    shuffled = OD.iloc[rng.permutation(len(OD))].reset_index(drop=True)
    res = spending_flows(shuffled, DEMAND, ORIGIN_AREA, ATTRACTIVENESS, SUPPLY_AREA,
                         supply_segment=SUPPLY_SEGMENT)
    pd.testing.assert_frame_equal(res.areas, base.areas, atol=1e-12)
    pd.testing.assert_frame_equal(res.supply, base.supply, atol=1e-12)


def test_hand_scenario_big_supermarket_in_a():
    """Add s3, a 1,600 m² supermarket in A: o0 at 400 m, o3 at 200 m, o1 at 2,500 m.

    o0: s0 0.01, s1 0.01, s2 0.02, s3 1600/400² = 0.01; sum 0.05 -> P 0.2, 0.2, 0.4, 0.2:
        A keeps 100 x (0.2 + 0.2) = 40, leaks 60.
    o3: s0 0.04, s1 0.01, s3 1600/200² = 0.04; sum 0.09 -> P 4/9, 1/9, 4/9:
        A keeps 45 x 8/9 = 40, leaks 5.
    o1: s3 beyond the cut-off: unchanged (B keeps 40 of 60).
    A: retained 61 -> 80 of 145: share 0.420690 -> 0.551724, change 19/145 = 0.131034.
    The new shop draws 100 x 0.2 + 45 x 4/9 = 20 + 20 = 40.
    """
    model = HuffModel(od=OD, demand=DEMAND, origin_area=np.array(ORIGIN_AREA, dtype=object),
                      attractiveness=ATTRACTIVENESS,
                      supply_area=np.array(SUPPLY_AREA, dtype=object),
                      supply_segment=SUPPLY_SEGMENT)
    new = pd.DataFrame({"origin": [0, 3, 1], "distance_m": [400.0, 200.0, 2500.0]})
    sc = add_supply(model, new, 1600.0, "A", segment=12)
    a = sc.areas
    assert a.loc["A", "retained_share_before"] == pytest.approx(61 / 145)
    assert a.loc["A", "retained_share_after"] == pytest.approx(80 / 145)
    assert a.loc["A", "retained_share_change"] == pytest.approx(19 / 145)
    assert a.loc["A", "retained_share_change"] == pytest.approx(0.131034, abs=1e-6)
    assert a.loc["B", "retained_share_change"] == pytest.approx(0.0, abs=1e-12)
    assert a.loc["C", "beyond_reach_share_after"] == 1.0
    assert sc.new_supply == 3
    assert sc.new_shop_drawn == pytest.approx(40)
    # B's shop loses 5 of o0 and 4 of o3: 74 -> 65; C's 70 -> 60; A's 61 -> 40 + 40.
    np.testing.assert_allclose(a["drawn_after"], [80, 65, 60], atol=1e-9)
    np.testing.assert_allclose(a["drawn_change"], [19, -9, -10], atol=1e-9)
    assert sc.after.segments.loc[12, "drawn"] == pytest.approx(40)
    assert len(sc.model.attractiveness) == 4 and len(model.attractiveness) == 3


def test_run_model_cutoff_reuse():
    model = HuffModel(od=OD, demand=DEMAND, origin_area=np.array(ORIGIN_AREA, dtype=object),
                      attractiveness=ATTRACTIVENESS,
                      supply_area=np.array(SUPPLY_AREA, dtype=object))
    small = run_model(model, HuffParameters(cutoff=250))
    # o0 keeps s0 (200) and s2 (50); o1 keeps s2 (200); o3 keeps s0 (100).
    # o0: 0.01 : 0.02 -> A keeps 100/3; o1: everything to C; o3: all to A.
    np.testing.assert_allclose(small.areas["retained"], [100 / 3 + 45, 0, 0])
    with pytest.raises(ValueError, match="smaller cut-off"):
        run_model(model, HuffParameters(cutoff=5000))


def test_columns_table():
    for label, unit in huff.HUFF_COLUMNS.values():
        assert isinstance(label, Label) and label.nl and label.en and unit
    res = three_zone(supply_segment=SUPPLY_SEGMENT, spending_per_unit=1.0)
    for col in [*res.areas.columns, *res.supply.columns, *res.segments.columns]:
        assert col in huff.HUFF_COLUMNS or col in ("area", "segment_id"), col
    for col in [*res.flows.columns, *res.catchment.columns]:
        assert col in huff.HUFF_COLUMNS or col in ("origin", "destination", "weight", "supply",
                                                   "origin_area"), col


def test_docstring_examples():
    result = doctest.testmod(huff, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 5


# --------------------------------------------------------------------------------------------
# network distances on the real Kanaleneiland network


def _direct(network, o_seg, o_off, d_seg, d_off):
    """Point-to-point network distance with a plain full scipy Dijkstra from both ends."""
    a, b, length = network.node_a, network.node_b, network.length
    dist = csgraph.dijkstra(network.graph, directed=False, indices=[a[o_seg], b[o_seg]])
    to_node = np.minimum(o_off + dist[0], length[o_seg] - o_off + dist[1])
    d = min(to_node[a[d_seg]] + d_off, to_node[b[d_seg]] + length[d_seg] - d_off)
    if o_seg == d_seg:
        d = min(d, abs(o_off - d_off))
    return d


@pytest.fixture(scope="module")
def demo_points(demo_prepared):
    network, pois, _ = demo_prepared
    rng = np.random.default_rng(8)
    m = network.n_segments
    o_seg = rng.integers(0, m, 40)
    o_off = rng.uniform(0, 1, 40) * network.length[o_seg]
    d_seg = np.concatenate([rng.integers(0, m, 60), o_seg[:3]])  # three share a segment
    d_off = np.concatenate([rng.uniform(0, 1, 60) * network.length[d_seg[:60]],
                            np.clip(o_off[:3] + 5.0, 0, network.length[o_seg[:3]])])
    return network, place(o_seg, o_off), place(d_seg, d_off)


def test_network_distances_equal_direct_dijkstra(demo_points):
    network, origins, dests = demo_points
    cutoff = 800.0
    od = od_distances(network, origins, dests, cutoff)
    assert len(od) > 50
    table = {(int(o), int(d)): x for o, d, x in od.itertuples(index=False)}
    checked = 0
    for i in range(0, 40, 3):
        for j in range(len(dests.segment)):
            d = _direct(network, origins.segment[i], origins.offset[i], dests.segment[j],
                        dests.offset[j])
            if d <= cutoff:
                assert table[(i, j)] == pytest.approx(d, abs=1e-6)
                checked += 1
            else:
                assert (i, j) not in table
    assert checked >= 10
    # the three destinations on an origin's own segment, 5 m along
    for k in range(3):
        assert table[(k, 60 + k)] == pytest.approx(abs(origins.offset[k] - dests.offset[60 + k]),
                                                   abs=1e-9)


def test_network_distances_partitioning_and_order(demo_points):
    network, origins, dests = demo_points
    base = od_distances(network, origins, dests, 600.0)
    small_leaves = od_distances(network, origins, dests, 600.0, leaf_size=2)
    pd.testing.assert_frame_equal(base, small_leaves)
    chunked = od_distances(network, origins, dests, 600.0, max_cells=1)  # one origin a call
    pd.testing.assert_frame_equal(base, chunked)
    # origins in another order: the same pairs under the new numbers
    perm = np.random.default_rng(1).permutation(len(origins.segment))
    shuffled = od_distances(network, place(origins.segment[perm], origins.offset[perm]), dests,
                            600.0)
    back = shuffled.assign(origin=perm[shuffled["origin"].to_numpy()])
    back = back.sort_values(["origin", "destination"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, base)
    # duplicate origins and points off the network
    dup = place(np.r_[origins.segment[:2], origins.segment[:2], -1],
                np.r_[origins.offset[:2], origins.offset[:2], np.nan])
    od = od_distances(network, dup, dests, 600.0)
    first = od[od["origin"] == 0][["destination", "distance_m"]].to_numpy()
    np.testing.assert_array_equal(first, od[od["origin"] == 2][["destination", "distance_m"]])
    assert 4 not in set(od["origin"])


def test_scenario_on_network_equals_rebuilt_model(demo_points):
    network, origins, dests = demo_points
    n_o, n_d = len(origins.segment), len(dests.segment)
    demand = np.arange(1, n_o + 1, dtype=float)
    o_area = np.where(np.arange(n_o) % 2, "X", "Y")
    d_area = np.where(np.arange(n_d) % 3, "X", "Y")
    attr = np.full(n_d, 100.0)
    params = HuffParameters(cutoff=700)
    model = build_model(network, origins, demand, o_area, dests, attr, d_area, params)
    seg, off = int(origins.segment[5]), float(origins.offset[5])
    sc = add_shop(model, network, seg, off, 2000.0, "Y")
    rebuilt = build_model(network, origins, demand, o_area,
                          place(np.r_[dests.segment, seg], np.r_[dests.offset, off]),
                          np.r_[attr, 2000.0], np.append(d_area, "Y"), params)
    expected = run_model(rebuilt)
    pd.testing.assert_frame_equal(sc.after.areas, expected.areas, atol=1e-9)
    assert sc.new_shop_drawn == pytest.approx(expected.supply["drawn"].iloc[-1])
    assert sc.new_shop_drawn > 0
    assert sc.areas.loc["Y", "retained_share_change"] > 0


def test_supply_and_demand_from_pipeline_frames(demo_prepared):
    from wijkkracht.core.network import locate_points
    from wijkkracht.demo import demo_synthetic_layers

    network, pois, area = demo_prepared
    bag, _, _ = demo_synthetic_layers()
    sup = supply_from_pois(pois)
    assert len(sup) and (sup["attractiveness_source"] == "assumed_floor_area").all()
    sm = sup["tag"] == "shop=supermarket"
    assert (sup.loc[sm, "attractiveness"] == 1000.0).all()
    counted = supply_from_pois(pois, measure="count")
    assert (counted["attractiveness"] == 1.0).all()
    assert counted.attrs["attractiveness"]["sources"] == {"count": len(counted)}
    with_bag = supply_from_pois(pois, bag)
    sources = with_bag.attrs["attractiveness"]["sources"]
    assert sum(sources.values()) == len(with_bag)
    fb = with_bag["attractiveness_source"] == "bag_floor_area"
    assert fb.any()  # the SYNTHETIC BAG has shop units near the real shops
    assert (with_bag.loc[fb, "floor_area_m2"] > 0).all()
    dw = dwellings_demand(bag)
    assert len(dw) and dw["gebruiksdoel"].str.contains("woonfunctie").all()
    assert "BAG" in dw.attrs["demand_unit"]
    # end to end on the demo: dwellings -> shops, study area vs outside
    loc = locate_points(network, dw.geometry)
    origins = place(loc["segment_id"], loc["offset_m"])
    seg_in = network.segments["in_study_area"].to_numpy()
    o_area = np.where(seg_in[np.maximum(origins.segment, 0)], "study area", "outside")
    supply = place(sup["segment_id"], sup["offset_m"])
    s_area = huff.area_codes(sup["geometry"].to_numpy(), area.assign(code="study area"), "code")
    model = build_model(network, origins, dw["demand"].to_numpy(), o_area, supply,
                        sup["attractiveness"].to_numpy(), s_area,
                        demand_unit=dw.attrs["demand_unit"])
    res = run_model(model)
    a = res.areas
    np.testing.assert_allclose(a["retained"] + a["leaked"] + a["beyond_reach"], a["demand"])
    assert 0 < a.loc["study area", "retained_share"] < 1
