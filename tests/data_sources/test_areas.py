"""read_areas on the SYNTHETIC CBS-layout fixture (tests/data/make_cbs_synthetic.py)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from wijkkracht.core.errors import InputError, NoDataError
from wijkkracht.data_sources import read_areas as exported
from wijkkracht.data_sources.areas import AREA_COLUMNS, read_areas

FIXTURE = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


def test_fixture_says_synthetic():
    for layer in ("buurten", "wijken", "gemeenten"):
        info = pyogrio.read_info(FIXTURE, layer=layer)
        assert "SYNTHETIC" in info["layer_metadata"]["DESCRIPTION"]
        assert set(pyogrio.read_dataframe(FIXTURE, layer=layer)["bron"]) == {"SYNTHETIC"}


def test_all_buurten_schema():
    areas = read_areas(FIXTURE)
    assert exported is read_areas
    assert list(areas.columns) == [*AREA_COLUMNS, "geometry"]
    assert areas.crs.to_epsg() == 28992
    assert list(areas["area_code"]) == ["BU99990101", "BU99990102", "BU99990201", "BU99990202"]
    assert set(areas["level"]) == {"buurt"}
    assert areas.geometry.is_valid.all()
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}


def test_layer_from_code_prefix_and_wildcard():
    wijken = read_areas(FIXTURE, codes="WK9999*")
    assert list(wijken["area_code"]) == ["WK999901", "WK999902"]
    assert list(wijken["area_name"]) == ["Testwijk West", "Testwijk Oost"]
    assert set(wijken["level"]) == {"wijk"}
    gem = read_areas(FIXTURE, codes="gm9999")  # case-insensitive
    assert list(gem["area_code"]) == ["GM9999"] and gem["level"].iloc[0] == "gemeente"
    one = read_areas(FIXTURE, codes=["BU99990202"])
    assert list(one["area_code"]) == ["BU99990202"]
    two = read_areas(FIXTURE, codes="BU99990101, BU999902*")
    assert list(two["area_code"]) == ["BU99990101", "BU99990201", "BU99990202"]
    # the buurten of a wijk add up to the wijk
    west = read_areas(FIXTURE, codes="BU999901*").geometry.union_all()
    assert west.symmetric_difference(wijken.geometry.iloc[0]).area < 1.0


def test_select_by_name_case_insensitive():
    oost = read_areas(FIXTURE, names="testwijk OOST", level="wijk")
    assert list(oost["area_code"]) == ["WK999902"]
    b = read_areas(FIXTURE, names=["Testbuurt 01-01", "testbuurt 02-02"])
    assert list(b["area_code"]) == ["BU99990101", "BU99990202"]


def test_unknown_code_and_name_suggest_closest():
    with pytest.raises(InputError, match="'BU99990103'.*did you mean 'BU99990102'"):
        read_areas(FIXTURE, codes="BU99990103")
    with pytest.raises(InputError, match="no area with code 'WK1234\\*'"):
        read_areas(FIXTURE, codes="WK1234*")
    with pytest.raises(InputError, match="did you mean 'Testwijk Oost'"):
        read_areas(FIXTURE, names="Testwijk Ost", level="wijk")
    with pytest.raises(InputError, match="did you mean 'buurten'"):
        read_areas(FIXTURE, layer="buurt")
    with pytest.raises(InputError, match="different levels"):
        read_areas(FIXTURE, codes=["BU99990101", "WK999901"])
    with pytest.raises(InputError, match="malformed"):
        read_areas(FIXTURE, codes="BU' OR 1=1 --")
    with pytest.raises(InputError, match="unknown level"):
        read_areas(FIXTURE, level="provincie")


def test_generic_polygon_layer(tmp_path):
    path = tmp_path / "mijn_gebieden.gpkg"
    gdf = gpd.GeoDataFrame({"code": ["A", "B"], "naam": ["Noord", "Zuid"]},
                           geometry=[shapely.box(135000, 455000, 135100, 455100),
                                     shapely.box(135000, 454900, 135100, 455000)],
                           crs=28992).to_crs(4326)
    pyogrio.write_dataframe(gdf, path, layer="gebieden")
    out = read_areas(path)
    assert list(out["area_code"]) == ["A", "B"] and set(out["level"]) == {"other"}
    assert out.crs.to_epsg() == 28992
    assert list(read_areas(path, names="zuid")["area_code"]) == ["B"]
    assert list(read_areas(path, codes="B")["area_name"]) == ["Zuid"]
    # no code column: row numbers
    pyogrio.write_dataframe(gdf[["geometry"]], tmp_path / "bare.gpkg", layer="x")
    assert list(read_areas(tmp_path / "bare.gpkg")["area_code"]) == ["1", "2"]


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_areas(tmp_path / "missing.gpkg")
    lines = tmp_path / "lines.gpkg"
    line = shapely.LineString([(135000, 455000), (135100, 455100)])
    pyogrio.write_dataframe(gpd.GeoDataFrame({"code": ["A"]}, geometry=[line], crs=28992),
                            lines, layer="l")
    with pytest.raises(InputError, match="expected polygons"):
        read_areas(lines)
    empty = tmp_path / "empty.gpkg"
    box = shapely.box(135000, 455000, 135100, 455100)
    pyogrio.write_dataframe(gpd.GeoDataFrame({"code": ["A"]}, geometry=[box], crs=28992).iloc[:0],
                            empty, layer="e", geometry_type="Polygon")
    with pytest.raises(NoDataError):
        read_areas(empty)


def test_name_found_on_any_cbs_level():
    assert list(read_areas(FIXTURE, names="Testwijk West")["area_code"]) == ["WK999901"]
    assert list(read_areas(FIXTURE, names="testgemeente")["level"]) == ["gemeente"]


def test_old_field_names_and_duplicate_codes(tmp_path):
    path = tmp_path / "buurt_2019_cbs_synthetic.gpkg"
    gdf = gpd.GeoDataFrame(
        {"BU_CODE": ["BU99990101", "BU99990101", "BU99990102"],
         "BU_NAAM": ["Oud", "Oud", "Ander"], "bron": "SYNTHETIC"},
        geometry=[shapely.box(135000, 455000, 135100, 455100),
                  shapely.box(135100, 455000, 135200, 455100),
                  shapely.box(135000, 454900, 135100, 455000)], crs=28992)
    pyogrio.write_dataframe(gdf, path, layer="buurt_2019")
    out = read_areas(path, codes="BU999901*")
    assert list(out["area_code"]) == ["BU99990101", "BU99990102"]
    assert set(out["level"]) == {"buurt"}
    assert out.geometry.iloc[0].area == pytest.approx(20000.0)


def test_a_national_list_of_codes(tmp_path):
    """More codes than SQLite takes in one filter (1000 terms): read in parts, each area once,
    a missing one still named."""
    n = 1_205
    codes = [f"BU{9000 + i // 100:04d}{i % 100:04d}" for i in range(n)]
    gdf = gpd.GeoDataFrame(
        {"buurtcode": codes, "buurtnaam": [f"SYNTHETIC {c}" for c in codes],
         "gemeentecode": [f"GM{c[2:6]}" for c in codes]},
        geometry=[shapely.box(100_000 + 200 * (i % 50), 400_000 + 200 * (i // 50),
                              100_150 + 200 * (i % 50), 400_150 + 200 * (i // 50))
                  for i in range(n)], crs=28992)
    path = tmp_path / "buurten_synthetic.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="buurten")
    wanted = codes[::-1][:1_100] + ["BU9000*"]  # BU9000* overlaps codes of the list
    out = read_areas(path, codes=wanted)
    assert sorted(out["area_code"]) == sorted(set(codes[::-1][:1_100]) | set(codes[:100]))
    assert out["area_code"].is_unique
    with pytest.raises(InputError, match="no area with code 'BU99990001'"):
        read_areas(path, codes=[*codes, "BU99990001"])
