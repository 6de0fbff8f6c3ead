import numpy as np
import pytest

from wijkkracht.core.indicators import INDICATORS


def test_demo_result_has_every_indicator_for_every_study_segment(demo_result, demo_prepared):
    network, _, _ = demo_prepared
    st_ = demo_result.streets
    assert len(st_) == int(network.segments["in_study_area"].sum()) == 2229
    for col in INDICATORS:
        assert col in st_.columns
        assert st_[col].notna().all(), f"{col} has nulls on Kanaleneiland"
    assert st_["type_id"].notna().all() and (st_["type_name_nl"] != "").all()
    assert st_.crs.to_epsg() == 28992


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
