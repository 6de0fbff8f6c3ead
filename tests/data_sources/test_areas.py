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


# --- the columns of any area layer (issue 19): CBS codes by their values, names in any case ---

def _table(**columns):
    import pandas as pd

    return pd.DataFrame(columns)


def test_cbs_code_column_found_by_its_values_whatever_its_name():
    from wijkkracht.data_sources.areas import area_columns

    for name in ("cbsCode", "CBS_CODE", "statcode", "buurtcode", "gebied"):
        t = _table(code=["0101", "A3"], **{name: ["BU03440101", "BU03440102"]},
                   BUURTNAAM=["Oud", "Nieuw"])
        assert area_columns(t.columns, t) == ("buurt", name, "BUURTNAAM"), name
    # lower-case codes and a missing value are still CBS codes
    t = _table(id=[1, 2, 3], x=["wk034401", None, "WK034402"], Naam=["a", "b", "c"])
    assert area_columns(t.columns, t) == ("wijk", "x", "Naam")


def test_the_wanted_prefix_or_the_layer_chooses_among_cbs_columns():
    from wijkkracht.data_sources.areas import area_columns

    t = _table(gemeentecode=["GM0344"] * 2, wijk=["WK034401"] * 2,
               buurt=["BU03440101", "BU03440102"], buurt_naam=["a", "b"], wijknaam=["w", "w"])
    assert area_columns(t.columns, t) == ("buurt", "buurt", "buurt_naam")  # the finest
    assert area_columns(t.columns, t, codes=["WK034401"]) == ("wijk", "wijk", "wijknaam")
    assert area_columns(t.columns, t, codes=["gm0344"]).code == "gemeentecode"
    assert area_columns(t.columns, t, layer="wijken").code == "wijk"
    # a name of another level is not the area's name
    assert area_columns(t.columns, t, codes=["GM0344"]).name is None


def test_own_codes_look_in_the_code_column():
    from wijkkracht.data_sources.areas import area_columns

    t = _table(code=["0101", "A3"], cbsCode=["BU03440101", "BU03440102"])
    assert area_columns(t.columns, t, codes=["0101", "A3"]).code == "code"
    assert area_columns(t.columns, t, codes=["BU03440101"]).code == "cbsCode"
    # without values (no sample) only the names count
    assert area_columns(["code", "cbsCode", "Naam"]) == ("other", "code", "Naam")


def test_name_columns_in_any_case_and_spelling():
    from wijkkracht.data_sources.areas import area_columns

    for name in ("BUURTNAAM", "Naam", "buurt_naam", "NAME", "area_name", "statnaam",
                 "Gebiedsnaam", "BU_NAAM"):
        t = _table(code=["A", "B"], **{name: ["x", "y"]})
        assert area_columns(t.columns, t).name == name, name
    t = _table(nummer=["1"], omschrijving=["x"])
    assert area_columns(t.columns, t) == ("other", None, None)


def test_the_field_named_by_the_user():
    from wijkkracht.data_sources.areas import area_columns

    t = _table(code=["0101", "A3"], cbsCode=["BU03440101", "BU03440102"],
               BUURTNAAM=["a", "b"])
    assert area_columns(t.columns, t, field="CODE") == ("other", "code", "BUURTNAAM")
    assert area_columns(t.columns, t, field="cbscode") == ("buurt", "cbsCode", "BUURTNAAM")
    with pytest.raises(InputError, match=r"mine: no column 'cbs_cod' for the area codes; did you "
                                         r"mean 'cbsCode'\? \(columns: code, cbsCode, BUURTNAAM\)"):
        area_columns(t.columns, t, field="cbs_cod", source="mine")


def test_read_areas_with_field_and_any_case_codes(tmp_path):
    path = tmp_path / "gemeente_synthetic.gpkg"
    boxes = [shapely.box(135000, 455000 + 100 * i, 135100, 455100 + 100 * i) for i in range(3)]
    gdf = gpd.GeoDataFrame({"code": ["0101", "0102", "A3"],
                            "statcode": ["bu99990101", "bu99990102", "bu99990201"],
                            "BUURTNAAM": ["Oud", "Nieuw", "Haven"]}, geometry=boxes, crs=28992)
    pyogrio.write_dataframe(gdf, path, layer="buurten")
    got = read_areas(path, codes="BU99990102")
    assert list(got["area_code"]) == ["bu99990102"] and list(got["area_name"]) == ["Nieuw"]
    assert list(read_areas(path, codes="BU999901*")["area_name"]) == ["Oud", "Nieuw"]
    assert list(read_areas(path, codes="A3,0101")["area_name"]) == ["Oud", "Haven"]
    assert list(read_areas(path, field="Code", codes="A3")["area_name"]) == ["Haven"]
    assert list(read_areas(path, names="HAVEN")["area_code"]) == ["bu99990201"]
    with pytest.raises(InputError, match="no column 'cod'.*did you mean 'code'"):
        read_areas(path, field="cod", codes="A3")
    with pytest.raises(InputError, match="malformed CBS code 'BU0363MM\\*'"):
        read_areas(path, codes="BU0363MM*")
    with pytest.raises(InputError, match="no area named 'Havn' in column BUURTNAAM; did you "
                                         "mean 'Haven'"):
        read_areas(path, names="Havn")


def test_a_national_file_is_sampled_not_read(tmp_path, monkeypatch):
    """15 000 buurten with 30 columns: the columns are found on the first rows of the text
    columns (no geometry); only the selection is read with its geometry."""
    n = 15_000
    codes = [f"BU{i // 100:04d}{i % 100:04d}" for i in range(n)]
    data = {"gemeentecode": [f"GM{c[2:6]}" for c in codes], "code": [str(i) for i in range(n)],
            "cbs_code": codes, "BUURTNAAM": [f"Buurt {i}" for i in range(n)]}
    data.update({f"kerncijfer_{j}": [float(j)] * n for j in range(26)})
    gdf = gpd.GeoDataFrame(data, geometry=[shapely.box(100_000 + 10 * (i % 1000),
                                                       400_000 + 10 * (i // 1000),
                                                       100_008 + 10 * (i % 1000),
                                                       400_008 + 10 * (i // 1000))
                                           for i in range(n)], crs=28992)
    path = tmp_path / "buurten_nationaal_synthetic.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="buurt_2024")
    calls: list[dict] = []
    real = pyogrio.read_dataframe

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "read_dataframe", spy)
    out = read_areas(path, codes="BU01230045")
    assert list(out["area_code"]) == ["BU01230045"] and list(out["area_name"]) == ["Buurt 12345"]
    unfiltered = [c for c in calls if c.get("where") is None]
    assert unfiltered and all(not c["read_geometry"] and c["max_features"] <= 2_000
                              and not any(k.startswith("kerncijfer") for k in c["columns"])
                              for c in unfiltered), calls


def test_a_repeated_gemeentecode_is_no_area_code_unless_asked_for(tmp_path):
    from wijkkracht.data_sources.areas import area_columns

    t = _table(gemeentecode=["GM9999"] * 4, code=["0101", "0102", "A3", "A4"],
               naam=["a", "b", "c", "d"])
    assert area_columns(t.columns, t) == ("other", "code", "naam")
    assert area_columns(t.columns, t, codes=["GM9999"]).code == "gemeentecode"
    path = tmp_path / "gemeente_synthetic.gpkg"
    boxes = [shapely.box(135000, 455000 + 100 * i, 135100, 455100 + 100 * i) for i in range(4)]
    pyogrio.write_dataframe(gpd.GeoDataFrame(t, geometry=boxes, crs=28992), path, layer="b")
    assert list(read_areas(path)["area_code"]) == ["0101", "0102", "A3", "A4"]
    whole = read_areas(path, codes="GM9999")  # the gemeente: its buurten as one area
    assert list(whole["area_code"]) == ["GM9999"] and list(whole["level"]) == ["gemeente"]
    assert list(whole["area_name"]) == ["GM9999"]  # not the name of one of its buurten
    assert whole.geometry.iloc[0].area == pytest.approx(40_000.0)
