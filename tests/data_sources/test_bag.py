"""BAG readers: the PDOK-layout GeoPackage, the real Doesburg LV BAG 2.0 XML, bad input and
:func:`parse_gebruiksdoel` (see ``tests/data/README.md`` for the fixtures)."""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box
from shapely.ops import unary_union

from wijkkracht.core.errors import InputError
from wijkkracht.data_sources import bag as bagmod
from wijkkracht.data_sources.bag import (
    BAG_COLUMNS,
    DEFAULT_STATUSES,
    GEBRUIKSDOELEN,
    normalise_bag,
    parse_gebruiksdoel,
    read_bag_gpkg,
    read_bag_lv,
    validate_bag,
)

DATA = Path(__file__).resolve().parents[1] / "data"
GPKG = DATA / "bag_verblijfsobject.gpkg"
LV = DATA / "bag_lv"
VBO = LV / "0221VBO15092020-000001.xml"


# --------------------------------------------------------------------------------------------
# parse_gebruiksdoel


@given(st.lists(st.sampled_from(GEBRUIKSDOELEN), max_size=8),
       st.lists(st.sampled_from(["", " ", "  "]), min_size=16, max_size=16),
       st.booleans())
def test_parse_gebruiksdoel_round_trip(uses: list[str], pads: list[str], upper: bool) -> None:
    text = ",".join(pads[i % 16] + (u.upper() if upper else u) + pads[(i + 1) % 16]
                    for i, u in enumerate(uses))
    assert parse_gebruiksdoel(text) == tuple(dict.fromkeys(uses))
    assert parse_gebruiksdoel(uses) == tuple(dict.fromkeys(uses))


@given(st.text(alphabet=st.characters(blacklist_characters=","), min_size=1))
def test_parse_gebruiksdoel_refuses_unknown(word: str) -> None:
    norm = " ".join(word.split()).lower()
    if not norm or norm in GEBRUIKSDOELEN:
        return
    with pytest.raises(ValueError, match="unknown gebruiksdoel"):
        parse_gebruiksdoel(f"woonfunctie,{word}")


@pytest.mark.parametrize("empty", [None, float("nan"), "", " , ", []])
def test_parse_gebruiksdoel_empty(empty: object) -> None:
    assert parse_gebruiksdoel(empty) == ()


# --------------------------------------------------------------------------------------------
# LV BAG 2.0 XML (real Doesburg files)


def test_lv_current_voorkomens_with_address() -> None:
    gdf = read_bag_lv(LV, statuses=None)
    assert tuple(gdf.columns) == BAG_COLUMNS
    assert gdf.crs.to_epsg() == 28992
    rows = gdf.set_index("identificatie")
    # 0221010000330226 has 4 voorkomens; the current (4th) one has 223 m2 and is being rebuilt
    a = rows.loc["0221010000330226"]
    assert (a["status"], a["oppervlakte"], a["gebruiksdoel"]) == (
        "Verbouwing verblijfsobject", 223.0, "woonfunctie")
    assert (a["openbare_ruimte_naam"], a["huisnummer"], a["postcode"]) == (
        "Kosterstraat", 4, "6981CH")
    assert a["huisletter"] is None and a["toevoeging"] is None
    assert a["pand_identificatie"] == "0221100000312938"
    assert a.geometry.equals(Point(206335.699, 447529.842))
    b = rows.loc["0221010000330999"]
    assert (b["gebruiksdoel"], b["oppervlakte"], b["huisnummer"], b["huisletter"]) == (
        "overige gebruiksfunctie", 18.0, 9, "l")
    # the current voorkomen of nummeraanduiding 0221200000330229 has no postcode
    assert b["postcode"] is None
    assert b["openbare_ruimte_naam"] == "Schout bij Nacht Doormansingel"
    # bouwjaar from the (current voorkomen of the) pand; pand 0221100000311191 had 9999 first
    assert gdf.set_index("identificatie")["bouwjaar"].to_dict() == {
        "0221010000330226": 1585, "0221010000330999": 1992}
    assert str(gdf["bouwjaar"].dtype) == "Int64"
    assert meta_pand(gdf) == {"pand_found": 2, "pand_missing": 0}
    meta = gdf.attrs["bag"]
    assert meta["snapshot_date"] == "2020-09-15"
    assert meta["history_dropped"] == 3
    assert meta["synthetic"] is False and meta["status_filter"] is None
    validate_bag(gdf, "x")


def meta_pand(gdf: gpd.GeoDataFrame) -> dict:
    return gdf.attrs["bag"]["pand_join"]


def test_lv_before_the_first_voorkomen_is_empty_but_valid() -> None:
    gdf = read_bag_lv([VBO, LV / "0221PND15092020-000001.xml"], statuses=None,
                      snapshot_date="2011-01-01")
    # both verblijfsobjecten begin later (2011-09-06 and 2011-10-05)
    assert len(gdf) == 0 and tuple(gdf.columns) == BAG_COLUMNS
    assert gdf.crs.to_epsg() == 28992 and gdf.attrs["bag"]["history_dropped"] == 5
    validate_bag(gdf, "x")


def test_lv_missing_pand_warns(tmp_path: Path) -> None:
    pnd = (LV / "0221PND15092020-000001.xml").read_text("utf-8")
    (tmp_path / "0221PND15092020-000001.xml").write_text(
        pnd.replace("0221100000311191", "0221100000319999"), "utf-8")
    shutil.copy(VBO, tmp_path)
    with pytest.warns(UserWarning, match="the pand of 1 verblijfsobject"):
        gdf = read_bag_lv(tmp_path)
    assert meta_pand(gdf) == {"pand_found": 1, "pand_missing": 1}


def test_lv_as_of_a_date_reads_history() -> None:
    gdf = read_bag_lv(VBO, statuses=None, snapshot_date="2019-02-01")
    a = gdf.set_index("identificatie").loc["0221010000330226"]
    assert (a["oppervlakte"], a["status"]) == (315.0, "Verblijfsobject in gebruik")


def test_lv_default_status_filter_keeps_both() -> None:
    gdf = read_bag_lv(LV)
    assert len(gdf) == 2
    assert gdf.attrs["bag"]["status_filter"] == list(DEFAULT_STATUSES)
    assert gdf.attrs["bag"]["dropped_by_status"] == {}


def test_lv_status_filter_counts_drops() -> None:
    gdf = read_bag_lv(VBO, statuses=["Verblijfsobject in gebruik"])
    assert list(gdf["identificatie"]) == ["0221010000330999"]
    assert gdf.attrs["bag"]["dropped_by_status"] == {"Verbouwing verblijfsobject": 1}


def test_lv_without_address_files() -> None:
    gdf = read_bag_lv(VBO)
    assert gdf["huisnummer"].isna().all() and gdf["postcode"].isna().all()
    assert gdf.attrs["bag"]["address_join"] is None


def test_lv_bbox_and_zip(tmp_path: Path) -> None:
    z = tmp_path / "0221VBO15092020.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(VBO, VBO.name)
    gdf = read_bag_lv([z, LV / "0221NUM15092020-000001.xml"],
                      bbox=(206300, 447500, 206400, 447600))
    assert list(gdf["identificatie"]) == ["0221010000330226"]
    assert gdf["huisnummer"].tolist() == [4]


def test_lv_folder_without_vbo(tmp_path: Path) -> None:
    shutil.copy(LV / "0221NUM15092020-000001.xml", tmp_path)
    with pytest.raises(InputError, match="no verblijfsobject file"):
        read_bag_lv(tmp_path)


def test_lv_unknown_gebruiksdoel_names_row(tmp_path: Path) -> None:
    text = VBO.read_text("utf-8").replace("overige gebruiksfunctie", "ruimtevaartfunctie")
    bad = tmp_path / VBO.name
    bad.write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        read_bag_lv(bad, statuses=None)
    msg = str(err.value)
    assert "\n" not in msg and str(bad) in msg
    assert "0221010000330999" in msg and "ruimtevaartfunctie" in msg


# --------------------------------------------------------------------------------------------
# the PDOK-layout GeoPackage


def test_gpkg_reads_schema_and_filters_status() -> None:
    gdf = read_bag_gpkg(GPKG)
    assert tuple(gdf.columns) == BAG_COLUMNS
    assert len(gdf) == 4
    meta = gdf.attrs["bag"]
    assert meta["dropped_by_status"] == {"Verblijfsobject gevormd": 1}
    assert meta["snapshot_date"] is None and meta["source"] == str(GPKG)
    rows = gdf.set_index("identificatie")
    assert rows.loc["0221019999000001", "gebruiksdoel"] == "woonfunctie,winkelfunctie"
    assert rows.loc["0221019999000001", "bouwjaar"] == 1905
    assert rows.loc["0221010000330999", "bouwjaar"] == 1992
    assert pd.isna(rows.loc["0221019999000002", "bouwjaar"])  # 9999 = unknown
    assert rows.loc["0221019999000002", "toevoeging"] == "2"
    assert len(read_bag_gpkg(GPKG, statuses=None)) == 5


def test_gpkg_bbox_and_mask_use_gdal_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict] = []
    real = pyogrio.read_dataframe

    def spy(*args: object, **kwargs: object) -> gpd.GeoDataFrame:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "read_dataframe", spy)
    near = read_bag_gpkg(GPKG, bbox=(206280, 447350, 206300, 447370))
    assert list(near["identificatie"]) == ["0221010000330999"]
    assert calls[-1]["bbox"] == (206280, 447350, 206300, 447370)
    poly = box(206330, 447500, 206350, 447540)
    got = read_bag_gpkg(GPKG, mask=poly, snapshot_date="2020-09-15")
    assert calls[-1]["mask"] is poly
    assert set(got["identificatie"]) == {"0221010000330226", "0221019999000001",
                                        "0221019999000002"}
    assert got.attrs["bag"]["snapshot_date"] == "2020-09-15"


def test_gpkg_in_wgs84_is_transformed(tmp_path: Path) -> None:
    src = gpd.read_file(GPKG, layer="verblijfsobject", engine="pyogrio")
    path = tmp_path / "bag_4326.gpkg"
    src.to_crs(4326).to_file(path, layer="verblijfsobject", engine="pyogrio")
    gdf = read_bag_gpkg(path, bbox=(206280, 447350, 206300, 447370))
    assert list(gdf["identificatie"]) == ["0221010000330999"]
    assert gdf.crs.to_epsg() == 28992
    assert gdf.geometry.iloc[0].distance(Point(206289.487, 447359.374)) < 0.01


def _write(tmp_path: Path, change: dict, crs: str | None = "EPSG:28992") -> Path:
    src = gpd.read_file(GPKG, layer="verblijfsobject", engine="pyogrio")
    for (row, column), value in change.items():
        src.loc[row, column] = value
    if crs is None:
        src = src.set_crs(None, allow_override=True)
    path = tmp_path / "bad.gpkg"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        src.to_file(path, layer="verblijfsobject", engine="pyogrio")
    return path


def test_gpkg_duplicate_identificatie(tmp_path: Path) -> None:
    path = _write(tmp_path, {(2, "identificatie"): "0221010000330226"})
    with pytest.raises(InputError, match=r"identificatie 0221010000330226 occurs 2 times") as err:
        read_bag_gpkg(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_gpkg_bad_identificatie(tmp_path: Path) -> None:
    path = _write(tmp_path, {(1, "identificatie"): "12AB"})
    with pytest.raises(InputError, match=r"row 2: identificatie '12AB' is not a 16-digit"):
        read_bag_gpkg(path)


def test_gpkg_unknown_gebruiksdoel(tmp_path: Path) -> None:
    path = _write(tmp_path, {(2, "gebruiksdoel"): "woonfunctie,horecafunctie"})
    with pytest.raises(InputError, match=r"row 3 \(verblijfsobject 0221019999000001\): "
                       r"unknown gebruiksdoel 'horecafunctie'"):
        read_bag_gpkg(path)


def test_gpkg_without_crs_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {}, crs=None)
    with pytest.raises(InputError, match="coordinate reference system"):
        read_bag_gpkg(path)


def test_gpkg_missing_layer_and_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no layer 'pand'"):
        read_bag_gpkg(GPKG, layer="pand")
    with pytest.raises(InputError, match="file not found"):
        read_bag_gpkg(tmp_path / "nope.gpkg")
    with pytest.raises(InputError, match="bbox or mask, not both"):
        read_bag_gpkg(GPKG, bbox=(0, 0, 1, 1), mask=box(0, 0, 1, 1))


def test_validate_bag_refuses_wrong_frames() -> None:
    gdf = read_bag_gpkg(GPKG)
    with pytest.raises(InputError, match="lacks column"):
        validate_bag(gdf.drop(columns="status"), "x")
    with pytest.raises(InputError, match="EPSG:28992"):
        validate_bag(gdf.to_crs(4326), "x")
    bad = gdf.copy()
    bad["huisnummer"] = bad["huisnummer"].astype(float)
    with pytest.raises(InputError, match="Int64"):
        validate_bag(bad, "x")
    assert bagmod.__all__ and np.isin(["read_bag_gpkg", "fetch_bag_ogc"], bagmod.__all__).all()


def test_gpkg_polygons_become_points_with_warning(tmp_path: Path) -> None:
    src = gpd.read_file(GPKG, layer="verblijfsobject", engine="pyogrio")
    src["geometry"] = src.geometry.buffer(2.0)
    path = tmp_path / "poly.gpkg"
    src.to_file(path, layer="verblijfsobject", engine="pyogrio")
    with pytest.warns(UserWarning, match="5 verblijfsobject"):
        gdf = read_bag_gpkg(path, statuses=None)
    assert (gdf.geom_type == "Point").all()
    real = read_bag_gpkg(GPKG, statuses=None)
    assert (gdf.geometry.distance(real.geometry) < 2.0).all()


def test_gpkg_row_without_geometry(tmp_path: Path) -> None:
    src = gpd.read_file(GPKG, layer="verblijfsobject", engine="pyogrio")
    src.loc[3, "geometry"] = None
    path = tmp_path / "nogeom.gpkg"
    src.to_file(path, layer="verblijfsobject", engine="pyogrio")
    with pytest.raises(InputError, match=r"row 4 \(verblijfsobject 0221019999000002\): no "
                       "geometry"):
        read_bag_gpkg(path, statuses=None)


def test_lv_missing_hoofdadres_warns_and_counts(tmp_path: Path) -> None:
    num = (LV / "0221NUM15092020-000001.xml").read_text("utf-8")
    cut = num.replace("0221200000330229", "0221200000339999")
    (tmp_path / "0221NUM15092020-000001.xml").write_text(cut, "utf-8")
    shutil.copy(VBO, tmp_path)
    with pytest.warns(UserWarning, match="1 verblijfsobject"):
        gdf = read_bag_lv(tmp_path)
    assert gdf.attrs["bag"]["address_join"]["hoofdadres_missing"] == 1
    row = gdf.set_index("identificatie").loc["0221010000330999"]
    assert pd.isna(row["huisnummer"]) and row["postcode"] is None


@pytest.mark.parametrize("value", ["NL.IMBAG.Verblijfsobject.0221010000330226",
                                   "0221010000330226", 221010000330226, 221010000330226.0,
                                   np.int64(221010000330226)])
def test_identificatie_forms(value: object) -> None:
    assert bagmod._bag_id(value) == "0221010000330226"


SHARED_DOESBURG = Path(__file__).resolve().parents[3] / "shared" / "data" / "doesburg"


@pytest.mark.skipif(not SHARED_DOESBURG.is_dir(), reason="../shared/data/doesburg not present")
def test_lv_full_shared_doesburg_folder() -> None:
    """The original folder: the full PND zip (13,098 pand voorkomens) and a GeoPackage that is
    ignored and listed."""
    gdf = read_bag_lv(SHARED_DOESBURG)
    assert gdf.set_index("identificatie")["bouwjaar"].to_dict() == {
        "0221010000330226": 1585, "0221010000330999": 1992}
    ignored = gdf.attrs["bag"]["ignored_files"]
    assert any(p.endswith("bag_panden_doesburg_actueel.gpkg") for p in ignored)


def test_lv_nested_zip_and_bad_zip(tmp_path: Path) -> None:
    inner = tmp_path / "0221VBO15092020.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(VBO, VBO.name)
    outer = tmp_path / "lvbag-extract-nl.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(inner, inner.name)
    with pytest.raises(InputError, match="nested zip '0221VBO15092020.zip'; unpack it"):
        read_bag_lv(outer)
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK not really")
    with pytest.raises(InputError, match="not a readable zip file"):
        read_bag_lv(bad)


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(bagmod)
    assert result.attempted >= 2 and result.failed == 0


def test_gpkg_synthetic_field_is_reported(tmp_path: Path) -> None:
    src = gpd.read_file(GPKG, layer="verblijfsobject", engine="pyogrio")
    src["synthetic"] = True
    path = tmp_path / "synthetic.gpkg"
    src.to_file(path, layer="verblijfsobject", engine="pyogrio")
    assert read_bag_gpkg(path).attrs["bag"]["synthetic"] is True
    assert read_bag_gpkg(GPKG).attrs["bag"]["synthetic"] is False


def test_status_filter_refuses_unknown_status_and_takes_one_string() -> None:
    with pytest.raises(InputError, match="unknown status 'in gebruik' in the status filter"):
        read_bag_gpkg(GPKG, statuses=["in gebruik"])
    gdf = read_bag_gpkg(GPKG, statuses="Verblijfsobject gevormd")
    assert list(gdf["identificatie"]) == ["0221019999000003"]
    assert sum(gdf.attrs["bag"]["dropped_by_status"].values()) == 4


# --------------------------------------------------------------------------------------------
# LV BAG with a mask (real Doesburg files)

#: The two verblijfsobjecten of the Doesburg fixture.
KOSTERSTRAAT_4 = Point(206335.699, 447529.842)  # 0221010000330226, being rebuilt
DOORMANSINGEL_9L = Point(206289.487, 447359.374)  # 0221010000330999, in use


def test_lv_mask_reads_its_bounds_then_keeps_what_lies_inside(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict] = []
    real = pyogrio.read_dataframe

    def spy(*args: object, **kwargs: object) -> gpd.GeoDataFrame:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "read_dataframe", spy)
    # the mask's bounding box holds both units; the mask itself only Kosterstraat 4
    both = box(*unary_union([KOSTERSTRAAT_4, DOORMANSINGEL_9L]).bounds).buffer(10)
    mask = both.difference(DOORMANSINGEL_9L.buffer(5))
    gdf = read_bag_lv(LV, mask=mask)
    assert calls[0]["bbox"] == mask.bounds  # GDAL's filter: the rectangle of the mask
    assert list(gdf["identificatie"]) == ["0221010000330226"]
    row = gdf.iloc[0]
    assert (row["openbare_ruimte_naam"], row["huisnummer"], row["bouwjaar"]) == (
        "Kosterstraat", 4, 1585)
    meta = gdf.attrs["bag"]
    assert meta["outside_mask"] == 1 and meta["snapshot_date"] == "2020-09-15"
    validate_bag(gdf, "x")


def test_lv_mask_counts_the_status_filter_inside_the_mask_only() -> None:
    around_9l = DOORMANSINGEL_9L.buffer(1.0)
    gdf = read_bag_lv(LV, mask=around_9l, statuses=["Verblijfsobject in gebruik"])
    assert list(gdf["identificatie"]) == ["0221010000330999"]
    # Kosterstraat 4 (being rebuilt) is outside the mask: not counted as left out by status
    assert gdf.attrs["bag"]["dropped_by_status"] == {}
    around_4 = read_bag_lv(LV, mask=KOSTERSTRAAT_4.buffer(1.0),
                           statuses=["Verblijfsobject in gebruik"])
    assert len(around_4) == 0
    assert around_4.attrs["bag"]["dropped_by_status"] == {"Verbouwing verblijfsobject": 1}
    assert tuple(around_4.columns) == BAG_COLUMNS


def test_lv_mask_equals_reading_all_and_clipping() -> None:
    mask = Point(206340, 447500).buffer(100)  # reaches Kosterstraat 4, not Doormansingel 9l
    everything = read_bag_lv(LV, statuses=None)
    clipped = everything[everything.geometry.intersects(mask)].reset_index(drop=True)
    got = read_bag_lv(LV, mask=mask, statuses=None)
    assert list(got["identificatie"]) == list(clipped["identificatie"]) == ["0221010000330226"]
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(clipped.drop(columns="geometry")))
    with pytest.raises(InputError, match="give bbox or mask, not both"):
        read_bag_lv(LV, bbox=mask.bounds, mask=mask)


# --------------------------------------------------------------------------------------------
# normalise_bag: BAG rows read by other means


def _as_qgis_gives_it(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The BAG schema as a QGIS layer hands it over: whole numbers as floats, another CRS,
    other field names and case, ids as numbers, an extra field."""
    out = gdf.to_crs(4326)
    out["huisnummer"] = out["huisnummer"].astype(float)
    out["bouwjaar"] = out["bouwjaar"].astype(float)
    out["identificatie"] = out["identificatie"].astype(np.int64)
    out = out.rename(columns={"toevoeging": "huisnummertoevoeging",
                              "gebruiksdoel": "GEBRUIKSDOEL", "bouwjaar": "oorspronkelijkBouwjaar"})
    out.insert(0, "fid", range(1, len(out) + 1))
    return out


def test_normalise_bag_brings_a_layer_back_to_the_schema() -> None:
    everything = read_bag_gpkg(GPKG, statuses=None)
    got = normalise_bag(_as_qgis_gives_it(everything), "layer 'bag'", statuses=None)
    assert tuple(got.columns) == BAG_COLUMNS and got.crs.to_epsg() == 28992
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(everything.drop(columns="geometry")))
    assert (got.geometry.distance(everything.geometry) < 0.01).all()
    assert got.attrs["bag"]["source"] == "layer 'bag'"
    assert got.attrs["bag"]["status_filter"] is None


def test_normalise_bag_applies_and_counts_the_status_filter() -> None:
    kept = read_bag_gpkg(GPKG)
    got = normalise_bag(_as_qgis_gives_it(read_bag_gpkg(GPKG, statuses=None)), "bag",
                        meta={"snapshot_date": "2020-09-15"})
    assert list(got["identificatie"]) == list(kept["identificatie"])
    assert got.attrs["bag"]["dropped_by_status"] == {"Verblijfsobject gevormd": 1}
    assert got.attrs["bag"]["snapshot_date"] == "2020-09-15"


def test_normalise_bag_takes_a_frame_with_points_in_rd_new() -> None:
    gdf = read_bag_gpkg(GPKG)
    plain = pd.DataFrame(gdf.drop(columns="geometry")).assign(geometry=list(gdf.geometry))
    got = normalise_bag(plain, "table")
    assert got.crs.to_epsg() == 28992 and got.geometry.equals(gdf.geometry)
    with pytest.raises(InputError, match="table: the BAG rows have no geometry"):
        normalise_bag(plain.drop(columns="geometry"), "table")


def test_normalise_bag_names_what_is_wrong() -> None:
    gdf = read_bag_gpkg(GPKG)
    with pytest.raises(InputError, match=r"^pois: the BAG layer lacks column\(s\) "
                       r"oppervlakte, bouwjaar; is this"):
        normalise_bag(gdf.drop(columns=["oppervlakte", "bouwjaar"]), "pois")
    twice = pd.concat([gdf, gdf.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match=f"bag: identificatie {gdf['identificatie'].iloc[0]} "
                       "occurs 2 times"):
        normalise_bag(twice, "bag")


@pytest.mark.parametrize(("flags", "synthetic"), [
    (["False"] * 4, False), (["false", "0", "", None], False), ([0, 0, 0, 0], False),
    ([False, False, True, False], True), (["no", "TRUE", "no", "no"], True),
    (["0", "1", "0", "0"], True), (["nee", "ja", "nee", "nee"], True),
])
def test_normalise_bag_reads_the_synthetic_field_as_a_yes_no_value(
        flags: list, synthetic: bool) -> None:
    gdf = read_bag_gpkg(GPKG).assign(synthetic=flags)
    assert normalise_bag(gdf, "bag").attrs["bag"]["synthetic"] is synthetic
