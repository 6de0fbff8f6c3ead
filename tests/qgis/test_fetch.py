"""The fetch algorithm against a local stand-in for Nominatim and Overpass (never the internet).

The server is the one of the data-source tests (``tests/data_sources/conftest.py``, as the
fixture ``osm_server`` of ``tests/qgis/conftest.py``), replaying
stored answers built from real OSM data of a 400 m window in Kanaleneiland. The algorithm's
outputs must equal what the library's ``fetch_osm`` returns for the same request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from wijkkracht.data_sources.osm_live import OsmFetch, fetch_osm

BUFFER_M = 100.0

pytestmark = pytest.mark.usefixtures("no_internet")


def _fetch_alg(processing: Any, server: Any, cache: Path, **params: Any) -> dict[str, Any]:
    params = {"BUFFER": BUFFER_M, "CACHE_DIR": str(cache), "OVERPASS_URL": server.overpass_url,
              "NOMINATIM_URL": server.nominatim_url, "STREETS_OUT": "TEMPORARY_OUTPUT",
              "POIS_OUT": "TEMPORARY_OUTPUT", "AREA_OUT": "TEMPORARY_OUTPUT", **params}
    return processing.run("wijkkracht:fetchosm", params)


def _fetch_core(server: Any, cache: Path, **kwargs: Any) -> OsmFetch:
    return fetch_osm(buffer_m=BUFFER_M, cache_dir=cache, overpass_url=server.overpass_url,
                     nominatim_url=server.nominatim_url, **kwargs)


def _frame(layer: Any) -> gpd.GeoDataFrame:
    names = [f.name() for f in layer.fields()]
    rows = [[None if hasattr(v, "isNull") and v.isNull() else v for v in f.attributes()]
            for f in layer.getFeatures()]
    geoms = [shapely.from_wkb(bytes(f.geometry().asWkb())) for f in layer.getFeatures()]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=names), geometry=geoms, crs=28992)


def _assert_same(got: Any, expected: gpd.GeoDataFrame) -> None:
    frame = _frame(got)
    assert got.crs().authid() == "EPSG:28992"
    assert list(frame.columns.drop("geometry")) == list(expected.columns.drop("geometry"))
    assert len(frame) == len(expected) > 0
    for name in expected.columns.drop("geometry"):
        a = [None if v is None or v != v else v for v in frame[name]]
        b = [None if v is None or v != v else v for v in expected[name]]
        assert a == b, name
    assert all(shapely.equals_exact(frame.geometry.to_numpy(), expected.geometry.to_numpy(), 0))


def test_fetch_by_place_equals_the_library(wijkkracht_provider: Any, qgis_processing: Any,
                                           osm_server: Any, osm_replay: Any,
                                           tmp_path: Path) -> None:
    result = _fetch_alg(qgis_processing, osm_server, tmp_path / "cache",
                        PLACE=osm_replay.PLACE_QUERY)
    expected = _fetch_core(osm_server, tmp_path / "cache-core", place=osm_replay.PLACE_QUERY)
    _assert_same(result["STREETS_OUT"], expected.streets)
    _assert_same(result["POIS_OUT"], expected.pois)
    _assert_same(result["AREA_OUT"], expected.area)
    assert ("GET", "/nominatim/search") in [(m, p) for m, p, _ in osm_server.requests]


def test_fetch_by_area_layer(wijkkracht_provider: Any, qgis_processing: Any, osm_server: Any,
                             osm_replay: Any, tmp_path: Path) -> None:
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    x0, y0, x1, y1 = osm_replay.WINDOW_RD
    box = shapely.box(x0 + 140, y0 + 140, x1 - 140, y1 - 140)
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=naam:string", "winkelcentrum", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["Winkelcentrum"])
    feature.setGeometry(QgsGeometry.fromWkt(box.wkt))
    layer.dataProvider().addFeatures([feature])
    result = _fetch_alg(qgis_processing, osm_server, tmp_path / "cache", AREA=layer)
    expected = _fetch_core(osm_server, tmp_path / "cache-core", polygon=gpd.GeoDataFrame(
        {"naam": ["Winkelcentrum"]}, geometry=[box], crs=28992))
    _assert_same(result["STREETS_OUT"], expected.streets)
    _assert_same(result["AREA_OUT"], expected.area)
    assert [f["name"] for f in result["AREA_OUT"].getFeatures()] == ["Winkelcentrum"]


def test_fetch_by_extent(wijkkracht_provider: Any, qgis_processing: Any, osm_server: Any,
                         osm_replay: Any, tmp_path: Path) -> None:
    x0, y0, x1, y1 = osm_replay.WINDOW_RD
    extent = f"{x0 + 140},{x1 - 140},{y0 + 140},{y1 - 140} [EPSG:28992]"
    result = _fetch_alg(qgis_processing, osm_server, tmp_path / "cache", EXTENT=extent)
    area = next(result["AREA_OUT"].getFeatures()).geometry()
    # the extent went to OSM as a WGS84 box and came back in RD New: about the same square
    assert area.area() == pytest.approx((x1 - x0 - 280) * (y1 - y0 - 280), rel=0.02)
    assert result["STREETS_OUT"].featureCount() > 10
    assert result["POIS_OUT"].featureCount() > 10


def test_unknown_place(wijkkracht_provider: Any, qgis_processing: Any, osm_server: Any,
                       tmp_path: Path) -> None:
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        _fetch_alg(qgis_processing, osm_server, tmp_path / "cache", PLACE="Nergenshuizen")
    with pytest.raises(Exception) as core:
        _fetch_core(osm_server, tmp_path / "cache-core", place="Nergenshuizen")
    assert str(info.value) == str(core.value)
    assert str(info.value).startswith("place 'Nergenshuizen': Nominatim")
