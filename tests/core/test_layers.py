"""The steps the QGIS algorithms call, without QGIS: same values as the whole analysis."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from wijkkracht.core.errors import InputError
from wijkkracht.core.indicators import INDICATORS
from wijkkracht.core.layers import analyse_layers, indicators_for_layers, normalize_layers
from wijkkracht.core.pipeline import INDICATOR_GROUPS, SEGMENT_COLUMNS, street_indicators
from wijkkracht.core.typology import TYPE_COLUMNS, TYPOLOGY_FEATURES, classify_street_layer
from wijkkracht.data_sources.walk_network import looks_like_default_walk_network
from wijkkracht.demo import demo_data_path
from wijkkracht.output.webmap import result_for_map


@pytest.fixture(scope="module")
def raw_layers() -> dict[str, gpd.GeoDataFrame]:
    """The demo layers as they are in the file (OSMnx columns), not normalised."""
    path = demo_data_path()
    return {name: pyogrio.read_dataframe(path, layer=name)
            for name in ("streets", "pois", "study_area")}


def test_groups_cover_the_registry() -> None:
    """Every indicator of the OSM data is in a group; the BAG/KvK ones (and the spending flows,
    whose demand is the BAG's dwellings) need their layers, the time ones opening hours."""
    assert set(INDICATOR_GROUPS) == {ind.group for ind in INDICATORS.values()
                                     if ind.requires == "osm"}
    assert {ind.group for ind in INDICATORS.values() if ind.requires != "osm"} == {
        "bag", "spending", "time"}
    assert {ind.requires for ind in INDICATORS.values() if ind.group == "time"} == {
        "opening_hours"}


@pytest.mark.parametrize("group", list(INDICATOR_GROUPS))
def test_one_group_equals_the_whole_analysis(group: str, demo_osm_result, raw_layers) -> None:
    demo_result = demo_osm_result
    run = indicators_for_layers(raw_layers["streets"], raw_layers["pois"],
                                raw_layers["study_area"], group=group)
    columns = [c for c in demo_result.streets.columns
               if c in INDICATORS and INDICATORS[c].group == group]
    expected = demo_result.streets[[*SEGMENT_COLUMNS, *columns]]
    assert list(run.streets.columns) == list(expected.columns)
    assert_geodataframe_equal(run.streets, expected, check_dtype=True)
    # the layers as they are in the file look like OSMnx's default walk network (no
    # cycleways), which the demo knows and says in its sources instead
    walk = looks_like_default_walk_network(raw_layers["streets"])
    assert walk and "no cycleway" in walk
    assert run.warnings == [*demo_result.metadata["warnings"], walk]


def test_street_indicators_in_any_crs(raw_layers) -> None:
    """Layers in WGS84 give the same segments and values as in RD New (to the millimetre)."""
    rd = indicators_for_layers(raw_layers["streets"], raw_layers["pois"],
                               raw_layers["study_area"], group="vacancy").streets
    wgs = indicators_for_layers(*(raw_layers[n].to_crs(4326)
                                  for n in ("streets", "pois", "study_area")),
                                group="vacancy").streets
    assert len(wgs) == len(rd)
    pd.testing.assert_frame_equal(wgs.drop(columns="geometry"), rd.drop(columns="geometry"),
                                  check_exact=False, atol=1e-3)


def test_without_area_the_whole_network_counts(raw_layers) -> None:
    run = indicators_for_layers(raw_layers["streets"], raw_layers["pois"], group="no_mix")
    assert len(run.streets) > 3000
    assert run.warnings and run.warnings[0].startswith("no study area given")


def test_unknown_group(raw_layers) -> None:
    with pytest.raises(ValueError, match="group must be one of"):
        indicators_for_layers(raw_layers["streets"], raw_layers["pois"], group="noise")
    with pytest.raises(ValueError, match="groups must be some of"):
        street_indicators(raw_layers["streets"], raw_layers["pois"], groups=[])


def test_layer_names_appear_in_messages(raw_layers) -> None:
    points = raw_layers["pois"].copy()
    points.attrs["source"] = "Mijn punten"
    with pytest.raises(InputError) as info:
        normalize_layers(streets=points)
    assert str(info.value).startswith("Mijn punten: expected a line layer of streets, found "
                                      "geometry types ['Point']")
    layers = normalize_layers(area=raw_layers["study_area"])
    assert layers.names == {"area": "area"} and layers.area["name"].tolist() == ["Kanaleneiland"]


def test_analyse_layers_equals_analyse(demo_osm_result, raw_layers) -> None:
    demo_result = demo_osm_result
    result = analyse_layers(raw_layers["streets"], raw_layers["pois"], raw_layers["study_area"])
    assert_geodataframe_equal(result.streets, demo_result.streets)
    assert_geodataframe_equal(result.pois, demo_result.pois)
    pd.testing.assert_frame_equal(result.profile, demo_result.profile)
    assert "OpenStreetMap" in result.attribution
    assert [s["name"] for s in result.metadata["sources"]] == [
        "streets: layer streets", "pois: layer pois", "area: layer area"]


@pytest.mark.parametrize("contiguous", [False, True])
def test_classify_street_layer_equals_the_analysis(contiguous: bool) -> None:
    from wijkkracht.demo import analyse_demo

    expected = analyse_demo(contiguous=contiguous)
    # as a GIS gives the layer back: positional index, segment_id a column, old types present
    layer = expected.streets.reset_index()
    layer["type_key"] = "stale"
    typed, typology = classify_street_layer(layer, contiguous=contiguous)
    assert list(typed.columns) == [c for c in layer.columns if c not in TYPE_COLUMNS] + \
        list(TYPE_COLUMNS)
    for col in TYPE_COLUMNS:
        np.testing.assert_array_equal(typed[col].to_numpy(), expected.streets[col].to_numpy())
    pd.testing.assert_frame_equal(typology.profile, expected.profile)


def test_classify_street_layer_features_and_errors() -> None:
    from wijkkracht.demo import analyse_demo

    streets = analyse_demo().streets.reset_index(drop=True)
    typed, typology = classify_street_layer(streets, features=["hill1_400", "everyday_800"], k=3)
    assert typology.k == 3 and typed["type_id"].nunique() == 3
    assert [c for c in typology.profile.columns if c.startswith("z_")] == [
        "z_hill1_400", "z_everyday_800"]
    with pytest.raises(InputError, match=r"^streets: indicator column\(s\) missing: "
                                         r"functions_400"):
        classify_street_layer(streets.drop(columns="functions_400"))
    with pytest.raises(InputError, match="choose at least one typology feature"):
        classify_street_layer(streets, features=[])
    doubled = pd.concat([streets, streets.iloc[:2]], ignore_index=True)
    with pytest.raises(InputError, match=r"^lijnen: 2 segment\(s\) repeat another one"):
        classify_street_layer(doubled, contiguous=True, source="lijnen")
    assert set(TYPOLOGY_FEATURES) <= set(streets.columns)


def test_contiguous_accepts_single_part_multilines() -> None:
    from wijkkracht.demo import analyse_demo

    streets = analyse_demo(contiguous=True).streets.reset_index(drop=True)
    multi = streets.copy()
    multi["geometry"] = shapely.multilinestrings([[g] for g in streets.geometry.to_numpy()])
    typed, _ = classify_street_layer(multi, contiguous=True)
    np.testing.assert_array_equal(typed["type_key"].to_numpy(), streets["type_key"].to_numpy())


def test_result_for_map(demo_result, raw_layers) -> None:
    with pytest.raises(InputError, match=r"^straten: no opportunity types"):
        result_for_map(demo_result.streets.drop(columns="type_key"), source="straten")
    raw = result_for_map(demo_result.streets, raw_layers["pois"].rename(
        columns={"building_type": "tag"}).assign(tag=lambda d: d["tag"].str.replace(
            "_", "=", n=1, regex=False)))
    assert {"no_class", "vacant"} <= set(raw.pois.columns) and len(raw.area) == 0
    with pytest.raises(InputError, match=r"^pois: neither classified POIs"):
        result_for_map(demo_result.streets, raw_layers["pois"].drop(columns="building_type"))


def test_qgis_path_never_imports_file_readers() -> None:
    """Inside QGIS, files are read by QGIS: the modules the algorithms use import neither
    pyogrio nor rasterio (whose own GDAL could clash with QGIS's)."""
    code = (
        "import sys\n"
        "import wijkkracht.core.layers, wijkkracht.core.typology, wijkkracht.styles.qml\n"
        "import wijkkracht.data_sources.osm_live, wijkkracht.output.webmap\n"
        "print(sorted(m for m in ('pyogrio', 'rasterio', 'fiona') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
