"""Problems arrive as QgsProcessingException with the one-line message the command line gives."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely

from wijkkracht.core.errors import InputError, WijkkrachtError
from wijkkracht.core.layers import indicators_for_layers
from wijkkracht.core.typology import classify_street_layer
from wijkkracht.data_sources.osm_live import fetch_osm
from wijkkracht.data_sources.schema import normalize_streets
from wijkkracht.data_sources.tables import read_category_table
from wijkkracht.demo import demo_data_path
from wijkkracht.output.webmap import result_for_map


def _core_message(func: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(WijkkrachtError) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.fixture
def fails(wijkkracht_provider: Any, qgis_processing: Any) -> Any:
    """``fails(alg, **params)``: run, expect a QgsProcessingException, return its message."""
    from qgis.core import (
        QgsApplication,
        QgsProcessingException,
        QgsProcessingFeedback,
        QgsProcessingParameterFeatureSink,
    )

    def run(alg: str, **params: Any) -> str:
        alg_id = f"wijkkracht:{alg}"
        definition = QgsApplication.processingRegistry().algorithmById(alg_id)
        for p in definition.parameterDefinitions():
            if isinstance(p, QgsProcessingParameterFeatureSink) and p.name() not in params:
                params[p.name()] = "TEMPORARY_OUTPUT"
        feedback = QgsProcessingFeedback()
        with pytest.raises(QgsProcessingException) as info:
            qgis_processing.run(alg_id, params, feedback=feedback)
        return str(info.value)

    return run


def _raw(layer: str) -> gpd.GeoDataFrame:
    gdf = pyogrio.read_dataframe(demo_data_path(), layer=layer)
    gdf.attrs["source"] = layer
    return gdf


def test_points_as_streets(fails: Any, demo_layers: dict[str, Any]) -> None:
    message = fails("proximity", STREETS=demo_layers["pois"], POIS=demo_layers["pois"])
    expected = _core_message(normalize_streets, _raw("pois"), "pois")
    assert message == expected
    assert message == "pois: expected a line layer of streets, found geometry types ['Point']"


def test_study_area_without_streets(fails: Any, demo_layers: dict[str, Any], qgis_app: Any) -> None:
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    far = QgsVectorLayer("Polygon?crs=EPSG:28992&field=name:string", "Elders", "memory")
    feature = QgsFeature(far.fields())
    feature.setAttributes(["Elders"])
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((100000 400000, 100100 400000, "
                                            "100100 400100, 100000 400100, 100000 400000))"))
    far.dataProvider().addFeatures([feature])
    message = fails("vacancy", STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                    AREA=far)
    area = gpd.GeoDataFrame({"name": ["Elders"]}, geometry=[shapely.box(100000, 400000, 100100,
                                                                        400100)], crs=28992)
    expected = _core_message(indicators_for_layers, _raw("streets"), _raw("pois"), area,
                             group="vacancy")
    assert message == expected == (
        "streets: the streets do not reach the study area at all (places within 200 m of a "
        "street); give a network that covers the whole area and reaches beyond it, or check "
        "that the area is the right one")


def test_typology_without_indicators(fails: Any, demo_layers: dict[str, Any]) -> None:
    # every segment (TYPOLOGY_SEGMENTS 2, 'all'): the missing indicators are what is wrong
    message = fails("classifystreets", INPUT=demo_layers["streets"], TYPOLOGY_SEGMENTS=2)
    assert message == _core_message(classify_street_layer, _raw("streets"),
                                    typology_segments="all")
    assert message.startswith("streets: indicator column(s) missing: everyday_800, ")
    # the default (the street segments addresses front) first needs the fields that say which
    message = fails("classifystreets", INPUT=demo_layers["streets"])
    assert message == _core_message(classify_street_layer, _raw("streets"))
    assert "no column is_street, fronting_n" in message and "'all'" in message


def test_map_without_types(fails: Any, demo_layers: dict[str, Any], tmp_path: Any) -> None:
    message = fails("exportwebmap", STREETS=demo_layers["streets"],
                    OUTPUT=str(tmp_path / "kaart.html"))
    assert message == _core_message(result_for_map, _raw("streets"), source="streets")
    assert not (tmp_path / "kaart.html").exists()


def test_fetch_without_study_area(fails: Any) -> None:
    message = fails("fetchosm")
    assert message == _core_message(fetch_osm)
    assert message.startswith("give exactly one study area")


def test_bad_category_table(fails: Any, demo_layers: dict[str, Any], tmp_path: Any) -> None:
    table = tmp_path / "mijn_tabel.csv"
    table.write_text("tag;wat\nshop=bakery;x\n", encoding="utf-8")
    message = fails("nomix", STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                    CATEGORIES=str(table))
    assert message == _core_message(read_category_table, str(table))
    assert message.startswith(str(table))


def test_cancel_stops_between_steps(wijkkracht_provider: Any, qgis_processing: Any,
                                    demo_layers: dict[str, Any]) -> None:
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException):
        qgis_processing.run("wijkkracht:proximity",
                            {"STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
                             "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)


def test_input_error_is_a_wijkkracht_error() -> None:
    assert issubclass(InputError, WijkkrachtError)


def test_layer_without_crs(fails: Any, demo_layers: dict[str, Any]) -> None:
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("LineString?field=name:string", "zonder crs", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["Europalaan"])
    feature.setGeometry(QgsGeometry.fromWkt("LINESTRING(134000 454000, 134100 454000)"))
    layer.dataProvider().addFeatures([feature])
    layer.setCrs(QgsCoordinateReferenceSystem())
    message = fails("proximity", STREETS=layer, POIS=demo_layers["pois"])
    lines = gpd.GeoDataFrame({"name": ["Europalaan"]}, geometry=[shapely.LineString(
        [(134000, 454000), (134100, 454000)])])
    assert message == _core_message(normalize_streets, lines, "zonder crs")
    assert message.startswith("zonder crs: the layer has no coordinate reference system")
