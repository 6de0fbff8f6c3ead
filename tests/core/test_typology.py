import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csgraph

from wijkkracht.core.archetypes import ARCHETYPES, NEUTRAL, RULE_TYPES, segment_alternatives
from wijkkracht.core.typology import (
    DEFAULT_K,
    MIN_TYPE_SHARE,
    TYPOLOGY_FEATURES,
    TypologyModel,
    classify_street_layer,
    classify_streets,
    rank_transform,
    segment_adjacency,
)


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
    # Neither the row order nor the seed changes what a segment is.
    shuffled = ind.sample(frac=1.0, random_state=1)
    c = classify_streets(shuffled)
    assert (c.labels.loc[ind.index, "type_key"] == a.labels["type_key"]).all()
    d = classify_streets(ind, random_state=7)
    assert (d.labels["type_key"] == a.labels["type_key"]).all()


def test_kmeans_five_types_largest_first_and_profile_is_their_medians(study):
    _, ind = study
    typ = classify_streets(ind, k=5)
    assert typ.method == "kmeans" and typ.model.method == "kmeans"
    # five asked for; a type under 1 % of the segments is dissolved into the nearest
    assert 3 <= typ.k <= DEFAULT_K and typ.k == typ.labels["type_id"].nunique()
    assert (typ.profile["share"] >= MIN_TYPE_SHARE).all()
    assert typ.profile["type_key"].is_unique
    assert typ.profile["segments"].sum() == len(ind)
    assert typ.profile["segments"].is_monotonic_decreasing
    for _, row in typ.profile.iterrows():
        sel = (typ.labels["type_id"] == row["type_id"]).to_numpy()
        assert row["functions_400"] == pytest.approx(ind.loc[sel, "functions_400"].median())
    check_names_hold(ind.reset_index(drop=True), typ.labels["type_id"].to_numpy(),
                     typ.profile, typ.model)


def test_rule_types_by_default(study):
    _, ind = study
    typ = classify_streets(ind)
    assert typ.method == "rules" and typ.silhouette == {}
    assert [t["key"] for t in typ.model.types] == list(RULE_TYPES)
    # type ids are the same everywhere: the position in the precedence
    assert (typ.profile["type_id"].to_numpy() ==
            [RULE_TYPES.index(k) for k in typ.profile["type_key"]]).all()
    assert typ.profile["segments"].sum() == len(ind)
    for _, row in typ.profile.iterrows():
        sel = (typ.labels["type_id"] == row["type_id"]).to_numpy()
        assert row["dist_supermarket_m"] == pytest.approx(
            ind.loc[sel, "dist_supermarket_m"].dropna().median())
    check_names_hold(ind.reset_index(drop=True), typ.labels["type_id"].to_numpy(),
                     typ.profile, typ.model)


def check_names_hold(frame: pd.DataFrame, type_id: np.ndarray, profile: pd.DataFrame,
                     model: TypologyModel) -> None:
    """Every type's name holds: with the rules, every segment of a type meets its
    archetype's rule and none of the archetypes before it (a neutral segment none at all);
    with k-means every named type passes its rule on its own segments and a neutral type
    none. Every explanation is filled in (no template field left)."""
    keys = list(ARCHETYPES)
    for _, row in profile.iterrows():
        rows = frame[type_id == row["type_id"]]
        assert len(rows) == row["segments"] > 0
        if model.method == "rules":
            before = keys if row["archetype"] == NEUTRAL.key else \
                keys[:keys.index(row["archetype"])]
            for key in before:
                met = segment_alternatives(ARCHETYPES[key], rows) >= 0
                assert not met.any(), f"{row['type_key']}: {met.sum()} segment(s) meet {key}"
            if row["archetype"] != NEUTRAL.key:
                met = segment_alternatives(ARCHETYPES[row["archetype"]], rows) >= 0
                assert met.all(), f"{row['type_name_en']}: {(~met).sum()} segment(s) fail"
        elif row["archetype"] == NEUTRAL.key:
            held = [a.key for a in ARCHETYPES.values() if a.holds(rows, frame)]
            assert not held, f"{row['type_key']} is neutral but {held} hold"
        else:
            arch = ARCHETYPES[row["archetype"]]
            assert arch.holds(rows, frame), f"{row['type_name_en']}: its rule does not hold"
        if row["archetype"] != NEUTRAL.key:
            assert row["type_name_en"].startswith(ARCHETYPES[row["archetype"]].name.en)
        for lang in ("nl", "en"):
            text = row[f"explanation_{lang}"]
            assert text and "{" not in text and "nan" not in text.lower()


def _typed(result):
    streets = result.streets
    typed = streets["type_id"].notna().to_numpy()
    return (streets[typed].reset_index(drop=True),
            streets.loc[typed, "type_id"].to_numpy(dtype=int))


def test_every_name_holds_its_rule_in_the_demo(demo_result):
    frame, type_id = _typed(demo_result)
    check_names_hold(frame, type_id, demo_result.profile, demo_result.typology_model)
    prof = demo_result.profile.set_index("type_key")
    # what is known of Kanaleneiland: the shopping centre is a lively centre, and streets
    # with everyday shops at the street are found (real OSM; BAG/KvK SYNTHETIC)
    assert prof.loc["lively_centre", "segments"] >= 10
    assert prof.loc["everyday_street", "segments"] >= 10
    assert prof.loc["everyday_street", "n_count_100"] >= 1


def test_every_name_holds_its_rule_in_the_osm_only_demo(demo_osm_result):
    frame, type_id = _typed(demo_osm_result)
    check_names_hold(frame, type_id, demo_osm_result.profile, demo_osm_result.typology_model)
    # without BAG/KvK the types that need them do not appear
    assert "hidden_economy" not in set(demo_osm_result.profile["type_key"])


def test_the_centre_has_more_than_the_residential_types(demo_result):
    prof = demo_result.profile.set_index("type_key")
    centre = prof.loc["lively_centre"]
    for key in ("residential_near_amenities", "quiet_residential"):
        if key in prof.index:
            assert centre["functions_400"] > prof.loc[key, "functions_400"]
            assert centre["o_count_400"] > prof.loc[key, "o_count_400"]


def test_names_are_rules_not_ranks():
    """A type earns a name by its own figures: streets without any shop are never a
    shopping street, however they rank; with nothing standing out, the names are neutral."""
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame({
        "functions_400": rng.integers(0, 4, n).astype(float),
        "hill1_400": rng.uniform(1, 2, n), "everyday_800": rng.integers(3, 6, n).astype(float),
        "dist_supermarket_m": rng.uniform(200, 450, n), "n_supermarket_400": np.zeros(n),
        "n_count_400": np.zeros(n), "o_count_400": np.zeros(n), "n_count_100": np.zeros(n),
        "o_count_100": np.zeros(n), "nonres_share_400": rng.uniform(0, 0.05, n),
        "vacancy_share_400": np.zeros(n), "vacant_400": np.zeros(n),
    })
    for k in (None, 4):
        typ = classify_streets(frame, k=k, features=["functions_400", "hill1_400",
                                                     "everyday_800", "dist_supermarket_m",
                                                     "nonres_share_400"])
        archetypes = set(typ.profile["archetype"])
        assert not archetypes & {"everyday_street", "distinctive_street", "lively_centre",
                                 "vacancy_opportunity", "mixed_residential"}
        check_names_hold(frame, typ.labels["type_id"].to_numpy(), typ.profile, typ.model)


def test_rank_transform_bounds_outliers():
    knots = np.quantile(np.r_[np.zeros(90), np.arange(1, 11)], np.linspace(0, 1, 101))
    z = rank_transform(np.array([0.0, 10.0, 1e6, -5.0]), knots)
    assert z[1] == z[2] == 1.0 and z[3] == 0.0
    assert 0.4 < z[0] < 0.5  # a value 90 % share: the middle of its plateau


def test_model_round_trips_and_gives_back_the_types(study, tmp_path):
    from wijkkracht.data_sources.typology_model import read_typology_model
    from wijkkracht.output.typology_model import write_typology_model

    _, ind = study
    typ = classify_streets(ind)
    path = write_typology_model(typ.model, tmp_path / "model.json")
    model = read_typology_model(path)
    assert model.to_dict() == typ.model.to_dict()
    doc = model.to_dict()
    assert doc["format"] == "wijkkracht-typology-model" and doc["tool_version"]
    assert [t["key"] for t in doc["types"]] == list(RULE_TYPES)
    assert doc["method"] == "rules" and not doc["contiguous"]
    assert all(t["rule_nl"] and t["explanation_en"] for t in doc["types"])
    again = classify_streets(ind, model=model)
    pd.testing.assert_frame_equal(again.labels, typ.labels)
    # a part of the area typed with the model: the same types as in the whole
    part = ind.iloc[::3]
    assert (classify_streets(part, model=model).labels["type_key"]
            == typ.labels.loc[part.index, "type_key"]).all()


def test_bad_model_files(tmp_path):
    from wijkkracht.core.errors import InputError
    from wijkkracht.data_sources.typology_model import read_typology_model

    text = tmp_path / "model.json"
    text.write_text("not json", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        read_typology_model(text)
    text.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(InputError, match="not a wijkkracht typology model"):
        read_typology_model(text)
    with pytest.raises(InputError, match="is a folder"):
        read_typology_model(tmp_path)
    with pytest.raises(InputError, match="not found"):
        read_typology_model(tmp_path / "missing.json")
    with pytest.raises(InputError, match="incomplete|do not match"):
        TypologyModel.from_dict({"format": "wijkkracht-typology-model", "format_version": 1,
                                 "features": ["a"], "centroids": [[0.1, 0.2]], "types": [{}],
                                 "knots": {"a": [0, 1]}})


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
    km = classify_streets(ind)
    co = classify_streets(ind, contiguous=True, network=network)
    assert co.method == "contiguous" and co.model.contiguous
    assert _pieces(network, ind, co.labels["type_id"].to_numpy()) < \
        0.9 * _pieces(network, ind, km.labels["type_id"].to_numpy())
    # the model smooths the same way when applied
    again = classify_streets(ind, model=co.model, network=network)
    pd.testing.assert_frame_equal(again.labels, co.labels)


def test_k_range_chooses_by_stability(study):
    _, ind = study
    typ = classify_streets(ind, k_range=(3, 5))
    assert set(typ.silhouette["stability"]) == {3, 4, 5}
    assert typ.k in (3, 4, 5)
    best = max(typ.silhouette["stability"].values())
    assert typ.silhouette["stability"][typ.k] >= best - 0.005


def test_layer_classification_is_the_analysis(demo_result):
    streets = demo_result.streets.reset_index()
    typed, typ = classify_street_layer(streets)
    assert (typed["type_key"].to_numpy() == streets["type_key"].to_numpy()).all()
    applied, _ = classify_street_layer(streets, model=demo_result.typology_model)
    assert (applied["type_key"].to_numpy() == streets["type_key"].to_numpy()).all()


def test_bad_typology_options(study):
    from wijkkracht.core.errors import InputError

    network, ind = study
    with pytest.raises(InputError, match="k must be between 2 and 12"):
        classify_streets(ind, k=13)
    with pytest.raises(InputError, match="give k or k_range"):
        classify_streets(ind, k=4, k_range=(3, 5))
    with pytest.raises(InputError, match="need at least 3"):
        classify_streets(ind.iloc[:2])
    with pytest.raises(InputError, match="contiguous types need the street network"):
        classify_streets(ind, contiguous=True)
    with pytest.raises(InputError, match="indicator column.*missing"):
        classify_streets(ind.drop(columns="functions_400"),
                         model=classify_streets(ind).model)
    assert set(TYPOLOGY_FEATURES) <= set(ind.columns)


def oracle_types(s: pd.DataFrame) -> np.ndarray:
    """The types by the rules as the README's table words them, written out by hand in
    pandas (independent of wijkkracht.core.archetypes): the first rule a segment meets."""
    def col(name: str) -> pd.Series:
        return (pd.to_numeric(s[name], errors="coerce") if name in s
                else pd.Series(np.nan, index=s.index))

    rules = [
        ("vacancy_opportunity", ((col("vacancy_share_400") >= 0.15) & (col("vacant_400") >= 3))
         | ((col("bag_vacant_share") >= 0.25) & (col("nonres_units_per_100m") >= 0.5))),
        ("lively_centre", (col("functions_400") >= 30) & (col("n_count_400") >= 8)
         & (col("o_count_400") >= 8) & (col("hill1_400") >= 6)),
        ("everyday_street", (col("n_count_100") >= 1) & (col("n_supermarket_400") >= 1)),
        ("distinctive_street", (col("o_count_100") >= 2) & (col("o_count_400") >= 8)),
        ("work_street", (col("nonres_share_400") >= 0.25) | (col("mxi_400") <= 0.5)
         | (col("nonres_units_per_100m") >= 1.5)),
        ("hidden_economy", (col("home_based_share") >= 0.5) & (col("mxi_400") >= 0.6)),
        ("mixed_residential", (col("functions_400") >= 15) & (col("hill1_400") >= 5)),
        ("residential_near_amenities", (col("everyday_800") >= 4)
         & (col("dist_supermarket_m") <= 500)),
        ("quiet_residential", (col("everyday_800") <= 3) | (col("dist_supermarket_m") >= 800)),
    ]
    out = np.full(len(s), "mixed_profile_a", dtype=object)
    done = np.zeros(len(s), dtype=bool)
    for key, met in rules:
        hit = met.fillna(False).to_numpy(dtype=bool) & ~done
        out[hit] = key
        done |= hit
    return out


@pytest.mark.parametrize("which", ["demo_result", "demo_osm_result"])
def test_types_equal_the_rules_written_out_by_hand(which, request):
    streets = request.getfixturevalue(which).streets
    typed = streets[streets["type_id"].notna()]
    assert (typed["type_key"].to_numpy() == oracle_types(typed)).all()
