"""The Python API as a geopandas user meets it (issue 18): the main functions discoverable,
OSMnx layers accepted with a note, a short repr, ``result.explore()``."""

import logging

import folium
import geopandas as gpd
import pytest

import wijkkracht
from wijkkracht.demo import demo_data_path


@pytest.fixture(scope="module")
def layers():
    path = demo_data_path()
    return (gpd.read_file(path, layer="streets"), gpd.read_file(path, layer="pois"),
            gpd.read_file(path, layer="study_area"))


@pytest.fixture(scope="module")
def result():
    return wijkkracht.analyse_demo(synthetic_bag=False, synthetic_hours=False)


def test_dir_lists_the_main_functions():
    assert {"analyse", "analyse_demo", "write_outputs", "classFactory"} <= set(dir(wijkkracht))


def test_osmnx_edges_and_features_are_normalised_with_a_note(layers, caplog):
    streets, pois, area = layers
    # as OSMnx gives them: osmid and name, u/v/key, WGS84; features one column per key
    edges = streets.rename(columns={"osm_id": "osmid", "street_name": "name"}).to_crs(4326)
    edges = edges.drop(columns=[c for c in ("osm_id", "street_name") if c in edges])
    features = pois.copy()
    kv = features.pop("building_type").str.split("_", n=1)
    for key in ("shop", "amenity"):
        features[key] = [v[1] if v[0] == key and len(v) > 1 else None for v in kv]
    features = features[features[["shop", "amenity"]].notna().any(axis=1)].to_crs(4326)
    with caplog.at_level(logging.WARNING, logger="wijkkracht"):
        res = wijkkracht.analyse(edges, features, area)
    notes = [r.getMessage() for r in caplog.records]
    assert any("streets" in n and "normalize_streets" in n for n in notes), notes
    assert any("POIs" in n and "normalize_pois" in n for n in notes), notes
    assert len(res.streets) > 100 and res.streets["street_name"].str.len().gt(0).any()


def test_layers_in_the_schema_get_no_note(result, caplog):
    with caplog.at_level(logging.WARNING, logger="wijkkracht"):
        from wijkkracht.core.pipeline import _in_schema

        _in_schema(result.streets, result.pois)
    assert not [r for r in caplog.records if "normalised" in r.getMessage()]


def test_repr_is_short(result):
    text = repr(result)
    assert len(text.splitlines()) <= 6 and len(text) < 600, text
    assert "'Kanaleneiland'" in text and "street segments" in text
    assert "types (" in text and "indicators (" in text and "warnings:" in text


def test_explore_returns_the_folium_map(result, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    m = result.explore(lang="en")
    assert isinstance(m, folium.Map)
    assert "Kanaleneiland" in m.get_root().render()
    assert list(tmp_path.iterdir()) == []  # nothing written
