import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkracht.core.categories import EVERYDAY
from wijkkracht.core.indicators import (
    INDICATORS,
    diversity,
    mixed_use,
    no_mix,
    nonres_building_share,
    proximity,
    vacancy,
)
from wijkkracht.core.network import build_network
from wijkkracht.core.pipeline import prepare_pois
from wijkkracht.data_sources import normalize_pois


def test_diversity_hand_values():
    d = diversity(np.array([[1, 1, 0, 0], [2, 1, 1, 0], [5, 0, 0, 0], [0, 0, 0, 0]]))
    assert d["richness"].tolist() == [2, 3, 1, 0]
    # Two equal classes: H = ln 2, Hill1 = Hill2 = 2.
    assert d["shannon"][0] == pytest.approx(np.log(2))
    assert d["hill1"][0] == pytest.approx(2.0) and d["hill2"][0] == pytest.approx(2.0)
    # p = (1/2, 1/4, 1/4): H = 1.5 ln 2, Hill1 = 2^1.5, Hill2 = 1 / (1/4 + 1/16 + 1/16) = 8/3.
    assert d["shannon"][1] == pytest.approx(1.5 * np.log(2))
    assert d["hill1"][1] == pytest.approx(2**1.5)
    assert d["hill2"][1] == pytest.approx(8 / 3)
    assert d["hill1"][2] == pytest.approx(1.0) and d["shannon"][2] == 0.0
    assert d["hill1"][3] == 0.0 and d["hill2"][3] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=6, max_size=6), min_size=1, max_size=20))
def test_diversity_bounds(rows):
    counts = np.array(rows)
    d = diversity(counts)
    r = d["richness"]
    assert (d["hill2"] <= d["hill1"] + 1e-9).all() and (d["hill1"] <= r + 1e-9).all()
    assert (d["shannon"] >= 0).all() and (d["shannon"] <= np.log(np.maximum(r, 1)) + 1e-9).all()
    # Order of classes does not matter.
    d2 = diversity(counts[:, ::-1])
    np.testing.assert_allclose(d["hill1"], d2["hill1"])


def _street_with(grid, make_points, tags_xy):
    import geopandas as gpd

    network = build_network(grid(5, 1))  # 400 m street, 4 segments of 100 m
    pois = gpd.GeoDataFrame(
        {"osm_id": [f"N{i}" for i in range(len(tags_xy))], "tag": [t for t, _ in tags_xy]},
        geometry=make_points([xy for _, xy in tags_xy]).values, crs=28992,
    )
    return network, prepare_pois(network, normalize_pois(pois, "test"))


def test_indicator_values_on_a_hand_made_street(grid, make_points):
    network, pois = _street_with(grid, make_points, [
        ("shop=supermarket", (150010, 450005)),   # seg 0, offset 10
        ("shop=bakery", (150120, 450005)),        # seg 1, offset 20
        ("amenity=cafe", (150130, 449995)),       # seg 1
        ("shop=vacant", (150310, 450002)),        # seg 3
        ("shop=clothes", (150390, 450002)),       # seg 3
        ("building=house", (150050, 450010)),
        ("building=office", (150350, 450010)),
        ("amenity=parking", (150200, 450005)),    # not a function
    ])
    prox = proximity(network, pois)
    assert prox["dist_supermarket_m"].tolist() == pytest.approx([40.0, 140.0, 240.0, 340.0])
    assert prox["dist_bakery_m"].tolist() == pytest.approx([70.0, 30.0, 130.0, 230.0])
    assert prox["n_supermarket_400"].tolist() == [1, 1, 1, 1]
    assert np.isnan(prox["dist_gp_m"]).all()  # no GP anywhere: null, never 0
    assert prox["everyday_800"].tolist() == [2, 2, 2, 2]

    mix = mixed_use(network, pois)
    # Functions: supermarket+bakery (daily goods), cafe (food and drink), clothes (retail).
    assert mix["functions_400"].tolist() == [4, 4, 4, 4]
    assert mix["richness_400"].tolist() == [3, 3, 3, 3]
    assert mix["functions_on_segment"].tolist() == [1, 2, 0, 1]
    assert mix["hill1_400"].iloc[0] == pytest.approx(np.exp(-(0.5 * np.log(0.5) + 2 * 0.25 * np.log(0.25))))

    nb = no_mix(network, pois)
    # N: supermarket, bakery; O: cafe, clothes (shop=* default).
    assert nb["n_count_400"].tolist() == [2, 2, 2, 2]
    assert nb["o_count_400"].tolist() == [2, 2, 2, 2]
    assert nb["no_balance_400"].tolist() == pytest.approx([1.0] * 4)

    vac = vacancy(network, pois)
    # Shop fronts: supermarket, bakery, cafe, clothes and the vacant one (260 m from seg 0).
    assert vac["shopfronts_400"].tolist() == [5, 5, 5, 5]
    assert vac["vacant_400"].tolist() == [1, 1, 1, 1]
    assert vac["vacancy_share_400"].tolist() == pytest.approx([0.2] * 4)

    share = nonres_building_share(network, pois)
    assert share["buildings_400"].tolist() == [2, 2, 2, 2]
    assert share["nonres_share_400"].tolist() == pytest.approx([0.5] * 4)


def test_indicators_are_aligned_to_the_segments_and_registered(demo_prepared):
    network, pois, _ = demo_prepared
    for func in (proximity, mixed_use, nonres_building_share, no_mix, vacancy):
        out = func(network, pois)
        assert out.index.equals(network.segments.index)
        for col in out.columns:
            assert col in INDICATORS, f"{func.__name__} returns unregistered column {col}"
            ind = INDICATORS[col]
            assert ind.label.nl and ind.label.en and ind.description.nl and ind.description.en
        # Shares stay within [0, 1].
        for col in out.columns:
            if INDICATORS[col].unit == "share":
                assert out[col].between(0, 1).all()


def test_real_kanaleneiland_values_are_plausible(demo_result):
    st_ = demo_result.streets
    # Kanaleneiland has supermarkets in its shopping centre: median walk under 800 m.
    assert 100 < st_["dist_supermarket_m"].median() < 800
    # Public-transport stops are dense: nearly every street has one within 400 m.
    assert (st_["n_pt_stop_400"] > 0).mean() > 0.9
    assert st_["everyday_800"].between(0, len(EVERYDAY)).all()
    # Every street has some function within 400 m in this urban neighbourhood.
    assert (st_["functions_400"] > 0).mean() > 0.95


def test_missing_placement_columns_give_a_clear_error(demo_prepared):
    from wijkkracht.core.errors import InputError

    network, pois, _ = demo_prepared
    with pytest.raises(InputError, match="locate_points"):
        proximity(network, pd.DataFrame({"everyday": ["bakery"]}))
