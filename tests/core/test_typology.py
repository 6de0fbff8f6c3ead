import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csgraph

from wijkkracht.core.typology import ARCHETYPES, TYPOLOGY_FEATURES, classify_streets, segment_adjacency


@pytest.fixture(scope="module")
def study(demo_prepared):
    from wijkkracht.core.indicators import ALL_INDICATORS

    network, pois, _ = demo_prepared
    ind = pd.concat([f(network, pois) for f in ALL_INDICATORS], axis=1)
    return network, ind.loc[network.segments["in_study_area"].to_numpy()]


def test_same_input_same_types_every_run(study):
    network, ind = study
    a = classify_streets(ind)
    b = classify_streets(ind)
    pd.testing.assert_frame_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.profile, b.profile)
    # Row order does not change what a segment is.
    shuffled = ind.sample(frac=1.0, random_state=1)
    c = classify_streets(shuffled)
    assert (c.labels.loc[ind.index, "type_key"] == a.labels["type_key"]).mean() > 0.99


def test_types_are_named_uniquely_and_profile_explains_them(study):
    _, ind = study
    typ = classify_streets(ind)
    assert 3 <= typ.k <= 8 and typ.k == typ.labels["type_id"].nunique()
    assert typ.profile["type_key"].is_unique
    assert set(typ.profile["type_key"]) <= set(ARCHETYPES)
    assert typ.profile["segments"].sum() == len(ind)
    # Largest type first.
    assert typ.profile["segments"].is_monotonic_decreasing
    # Profile means equal the means of the labelled segments.
    for _, row in typ.profile.iterrows():
        sel = typ.labels["type_id"] == row["type_id"]
        assert row["functions_400"] == pytest.approx(ind.loc[sel, "functions_400"].mean())
    # The chosen k has the best silhouette of the range.
    assert typ.silhouette[typ.k] == max(typ.silhouette.values())


def test_names_follow_the_profile(study):
    _, ind = study
    typ = classify_streets(ind).profile.set_index("type_key")
    if "lively_centre" in typ.index:
        assert typ.loc["lively_centre", "functions_400"] == typ["functions_400"].max()
    if "quiet_residential" in typ.index:
        assert typ.loc["quiet_residential", "everyday_800"] == typ["everyday_800"].min()


def _pieces(network, ind, labels):
    """Number of connected stretches of street per type."""
    total = 0
    ids = ind.index.to_numpy()
    for t in np.unique(labels):
        mask = np.zeros(network.n_segments, dtype=bool)
        mask[ids[labels == t]] = True
        n, _ = csgraph.connected_components(segment_adjacency(network, mask), directed=False)
        total += n
    return total


def test_contiguous_types_form_fewer_stretches(study):
    network, ind = study
    km = classify_streets(ind, k=5)
    co = classify_streets(ind, k=5, contiguous=True, network=network)
    assert co.method == "contiguous" and co.labels["type_id"].nunique() == 5
    assert _pieces(network, ind, co.labels["type_id"].to_numpy()) < \
        0.5 * _pieces(network, ind, km.labels["type_id"].to_numpy())


def test_bad_typology_options(study):
    from wijkkracht.core.errors import InputError

    network, ind = study
    with pytest.raises(InputError, match="k must be between 2 and 8"):
        classify_streets(ind, k=12)
    with pytest.raises(InputError, match="need at least 3"):
        classify_streets(ind.iloc[:2])
    with pytest.raises(InputError, match="contiguous types need the street network"):
        classify_streets(ind, contiguous=True)
    assert set(TYPOLOGY_FEATURES) <= set(ind.columns)
