import numpy as np
import pandas as pd

from wijkkracht.core.indicators import INDICATORS


def test_demo_result_has_every_indicator_for_every_study_segment(demo_result, demo_prepared):
    network, _, _ = demo_prepared
    st_ = demo_result.streets
    # 2,229 segments before the busways were left out of the walking network
    assert len(st_) == int(network.segments["in_study_area"].sum()) == 2227
    # the bundled POIs hold no pharmacy (only drugstores, shop=chemist) and no school whose
    # level is known: those distances are empty, and the run says why
    absent = {"dist_pharmacy_m", "dist_primary_school_m"}
    for col, ind in INDICATORS.items():
        assert col in st_.columns
        if col in absent:
            assert st_[col].isna().all(), col
        elif ind.requires == "osm" or col.endswith("_400"):
            assert st_[col].notna().all(), f"{col} has nulls on Kanaleneiland"
    warnings = " ".join(demo_result.metadata["warnings"])
    assert "no pharmacy (apotheek)" in warnings and "no primary school" in warnings
    # the typology classifies the street segments that addresses front; the rest is untyped
    typed = st_["type_id"].notna()
    fronting = st_["is_street"] & (st_["fronting_n"] > 0)
    assert (typed == fronting).all()
    assert 0.3 < typed[st_["is_street"]].mean() < 0.8  # most streets have addresses
    assert set(st_.loc[~typed, "type_key"]) == {"untyped_street", "untyped_path"}
    assert (st_.loc[~typed & ~st_["is_street"], "type_key"] == "untyped_path").all()
    assert (st_["type_name_nl"] != "").all()
    assert st_.crs.to_epsg() == 28992


def test_a_bag_file_flagged_synthetic_by_its_reader_is_listed(tmp_path):
    """read_bag_gpkg records a SYNTHETIC file in attrs["bag"]; the run's metadata lists it."""
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.data_sources.bag import read_bag_gpkg
    from wijkkracht.data_sources.synthetic import write_synthetic

    streets, pois, area, _, _ = _demo_inputs()
    files = {p.name: p for p in write_synthetic(tmp_path, seed=0)}
    bag = read_bag_gpkg(files["bag_synthetic.gpkg"], layer="verblijfsobject_synthetic",
                        bbox=tuple(streets.total_bounds))
    assert bag.attrs["bag"]["synthetic"] is True and not bag.attrs.get("synthetic")
    assert analyse(streets, pois, area, bag=bag).metadata["synthetic"] == ["bag"]


def test_demo_says_its_bag_and_kvk_are_synthetic(demo_result, demo_osm_result):
    md = demo_result.metadata
    # the bundled POIs have no opening hours: the demo's are SYNTHETIC too
    assert md["synthetic"] == ["bag", "establishments", "opening_hours"]
    assert md["opening_hours"]["synthetic"] is True
    assert any("SYNTHETIC" in s["name"] and "SYNTHETIC" in s["attribution"]
               for s in md["sources"])
    assert "SYNTHETIC" in demo_result.attribution
    assert demo_osm_result.metadata["synthetic"] == []
    assert "mxi_400" not in demo_osm_result.streets
    # the OSM indicators do not depend on the BAG layers
    osm = [c for c, ind in INDICATORS.items() if ind.requires == "osm"]
    pd.testing.assert_frame_equal(demo_result.streets[osm], demo_osm_result.streets[osm])


def test_demo_bag_indicators_enter_the_typology_and_respect_privacy(demo_result):
    from wijkkracht.core.privacy import sensitive_counts

    st_ = demo_result.streets
    md = demo_result.metadata
    assert {"mxi_400", "bag_use_hill1_400", "nonres_units_per_100m", "bag_vacant_share",
            "home_based_share"} <= set(md["parameters"]["typology_features"])
    assert "z_mxi_400" in demo_result.profile
    # the 400 m MXI is a housing share: a mainly residential post-war neighbourhood
    assert st_["mxi_400"].between(0, 1).all() and 0.6 < st_["mxi_400"].median() < 0.95
    # a work street has little housing around it
    typ = demo_result.profile.set_index("type_key")
    if "work_street" in typ.index:
        assert typ.loc["work_street", "mxi_400"] < st_["mxi_400"].median()
    # published counts of establishments are 0 or at least the threshold, never 1 or 2
    for col in sensitive_counts():
        v = st_[col].dropna().astype(int)
        assert not ((v > 0) & (v < md["bag"]["privacy_threshold"])).any(), col
    assert md["bag"]["suppressed_segments"] == int(st_["suppressed"].sum()) > 0
    assert md["bag"]["units_placed"] > 15_000


def test_buffer_matters_at_the_edge(demo_prepared):
    """Indicators are computed on the buffered network: cutting it at the study area makes
    amenities across the border vanish for edge streets."""
    from wijkkracht.core.indicators import proximity
    from wijkkracht.core.network import build_network
    from wijkkracht.core.pipeline import prepare_pois

    network, pois, area = demo_prepared
    geom = area.geometry.iloc[0]
    inside = network.segments[network.segments["in_study_area"]]
    cut = build_network(inside[["osm_id", "street_name", "highway", "geometry"]].reset_index(drop=True),
                        geom, keep_all_components=True)
    cut_pois = prepare_pois(cut, pois[["osm_id", "tag", "geometry"]], study_area=geom)
    full = proximity(network, pois).loc[inside.index, "n_supermarket_800"].to_numpy()
    clipped = proximity(cut, cut_pois)["n_supermarket_800"].to_numpy()
    assert full.sum() > clipped.sum()


def test_metadata_records_provenance(demo_result):
    md = demo_result.metadata
    assert md["version"] and md["parameters"]["random_state"] == 0
    assert "OpenStreetMap" in md["attribution"] and "ODbL" in md["attribution"]
    assert md["network"]["segments_buffered"] > md["network"]["segments_study_area"]
    assert md["pois"]["placed"] > 400
    assert np.isclose(demo_result.profile["share"].sum(), 1.0)


def _demo_inputs():
    from wijkkracht.data_sources.files import read_area, read_pois, read_streets
    from wijkkracht.demo import demo_data_path, demo_synthetic_layers

    path = demo_data_path()
    bag, establishments, _ = demo_synthetic_layers()
    bag.attrs.pop("synthetic", None)
    if isinstance(bag.attrs.get("bag"), dict):  # what the readers record
        bag.attrs["bag"] = {**bag.attrs["bag"], "synthetic": False}
    establishments.attrs.pop("synthetic", None)
    return (read_streets(path, layer="streets"), read_pois(path, layer="pois"),
            read_area(path, layer="study_area"), bag, establishments)


def test_a_synthetic_text_column_saying_false_is_not_synthetic():
    """A ``synthetic`` field as a CSV or a QGIS layer gives it: the text "False" or "0" says
    the data is real; "true", "1", "yes", "ja" say it is SYNTHETIC."""
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.core.steps import _synthetic_inputs

    streets, pois, area, bag, est = _demo_inputs()
    real = analyse(streets, pois, area, bag=bag.assign(synthetic="False"),
                   establishments=est.assign(synthetic=["false", "0"] * (len(est) // 2)
                                             + ["0"] * (len(est) % 2)),
                   reference_date="2025-06-30")
    assert real.metadata["synthetic"] == []  # the outputs say SYNTHETIC from this list
    one = ["0"] * len(est)
    one[7] = "ja"
    flagged = analyse(streets, pois, area, bag=bag.assign(synthetic="TRUE"),
                      establishments=est.assign(synthetic=one), reference_date="2025-06-30")
    assert flagged.metadata["synthetic"] == ["bag", "establishments"]
    for values, expected in ((["False", "false", "0", "no", "nee", "", None, 0, False], []),
                             ([True], ["bag"]), (["true"], ["bag"]), (["1"], ["bag"]),
                             (["Yes"], ["bag"]), ([" ja "], ["bag"]), ([1], ["bag"])):
        frame = pd.DataFrame({"synthetic": values})
        assert _synthetic_inputs(frame, None) == expected, values
