"""The plugin class (demo action, message bar) and the QGIS <-> GeoDataFrame conversion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import wijkkracht


@pytest.fixture
def project(qgis_processing: Any) -> Iterator[Any]:
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()


def test_qgis_loaded_this_package(wijkkracht_plugin: Any) -> None:
    from wijkkracht.plugin.plugin import WijkkrachtPlugin

    assert type(wijkkracht_plugin).__name__ == WijkkrachtPlugin.__name__
    assert wijkkracht_plugin.provider is not None
    assert callable(wijkkracht.classFactory)


def test_demo_opens_the_analysis_with_the_demo_layers(wijkkracht_provider: Any, fake_iface: Any,
                                                      project: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import qgis.processing

    from wijkkracht.plugin.plugin import WijkkrachtPlugin

    opened: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(qgis.processing, "execAlgorithmDialog",
                        lambda alg_id, params: opened.append((alg_id, params)))
    plugin = WijkkrachtPlugin(fake_iface)  # no initGui: the session's provider serves it
    plugin.run_demo()
    assert [alg for alg, _ in opened] == ["wijkkracht:neighbourhoodanalysis"]
    params = opened[0][1]
    assert set(params) == {"STREETS", "POIS", "AREA"}
    assert all(layer.isValid() and layer.featureCount() > 0 for layer in params.values())
    assert len(project.mapLayers()) == 3
    assert not fake_iface.bar.messages


def test_report_missing_without_anything_missing(wijkkracht_plugin: Any, fake_iface: Any) -> None:
    from wijkkracht.plugin.plugin import WijkkrachtPlugin

    plugin = WijkkrachtPlugin(fake_iface)
    plugin.provider = wijkkracht_plugin.provider
    assert plugin.report_missing() is None and not fake_iface.bar.messages


def test_conversion_round_trip(qgis_app: Any, wijkkracht_plugin: Any) -> None:
    """A GeoDataFrame through a QGIS memory layer and back: same values, types, geometry, CRS."""
    from qgis.core import QgsVectorLayer, QgsWkbTypes

    from wijkkracht.processing.convert import gdf_to_sink, source_to_gdf, wkb_type

    gdf = gpd.GeoDataFrame(
        {"naam": ["Europalaan", None, "Marshallaan"],
         "aantal": np.array([1, 2, 3], dtype=np.int64),
         "afstand": [1.5, np.nan, 3.25],
         "open": [True, False, True],
         "lijst": [["a"], ["b", "c"], []]},
        geometry=[shapely.LineString([(134000, 454000), (134100, 454000)]),
                  shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]]),
                  shapely.LineString([(134100, 454000), (134100, 454100)])],
        crs=28992,
    ).rename_axis("segment_id")
    assert wkb_type(gdf) == QgsWkbTypes.MultiLineString
    holder: dict[str, Any] = {}

    def make_sink(fields: Any, kind: int, crs: Any) -> tuple[Any, str]:
        layer = QgsVectorLayer(f"{QgsWkbTypes.displayString(kind)}?crs={crs.authid()}",
                               "test", "memory")
        layer.dataProvider().addAttributes(fields.toList())
        layer.updateFields()
        holder["layer"] = layer
        return layer.dataProvider(), layer.id()

    gdf_to_sink(gdf, make_sink)
    layer = holder["layer"]
    assert layer.crs().authid() == "EPSG:28992"
    assert [f.name() for f in layer.fields()] == ["segment_id", "naam", "aantal", "afstand",
                                                  "open", "lijst"]
    back = source_to_gdf(layer.dataProvider())
    assert back.crs.to_epsg() == 28992
    assert back["segment_id"].tolist() == [0, 1, 2] and back["aantal"].dtype == np.int64
    assert back["naam"].tolist()[::2] == ["Europalaan", "Marshallaan"]
    assert pd.isna(back["naam"].iloc[1])
    np.testing.assert_array_equal(back["afstand"].to_numpy(), [1.5, np.nan, 3.25])
    assert back["open"].tolist() == [True, False, True]
    assert back["lijst"].tolist() == ['["a"]', '["b", "c"]', "[]"]
    assert shapely.equals_exact(back.geometry.iloc[1], gdf.geometry.iloc[1], 0)
    # single lines were made multi for the multi-line sink
    assert back.geometry.iloc[0].geom_type == "MultiLineString"


def test_layer_without_crs_reaches_the_library_without_crs(qgis_app: Any,
                                                            wijkkracht_plugin: Any) -> None:
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsVectorLayer

    from wijkkracht.processing.convert import source_to_gdf

    layer = QgsVectorLayer("LineString?field=name:string", "zonder crs", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["x"])
    feature.setGeometry(QgsGeometry.fromWkt("LINESTRINGZ(0 0 5, 1 1 6)"))
    layer.dataProvider().addFeatures([feature])
    layer.setCrs(QgsCoordinateReferenceSystem())  # memory layers default to WGS84
    gdf = source_to_gdf(layer)
    assert gdf.crs is None
    assert not gdf.geometry.iloc[0].has_z  # Z dropped: the library is 2D
