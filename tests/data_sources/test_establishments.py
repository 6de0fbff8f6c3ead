"""KvK-style establishments: reading CSV (encodings, delimiters, header defaults, mappings),
bad rows in ``rejected``, and geolocation on the (synthetic) BAG."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.errors import InputError
from wijkkracht.data_sources.establishments import (
    ADDRESS_NOT_READ,
    ESTABLISHMENT_COLUMNS,
    establishments_on_bag,
    geolocate,
    load_mapping,
    normalise_establishments,
    problems_frame,
    read_establishments,
)
from wijkkracht.data_sources.synthetic import demo_base, generate_synthetic

TODAY = "2026-01-01"
KVK_HEADER = ["Vestigingsnummer", "SBI-code hoofdactiviteit", "Datum vestiging",
              "Datum opheffing", "Aantal werkzame personen", "Rechtsvorm", "Postcode",
              "Huisnummer", "Huisletter", "Huisnummertoevoeging"]
GOOD_ROWS = [
    ["000012345678", "47.11", "2010-05-01", "", "12", "Besloten Vennootschap", "3521 ab", "10",
     "", ""],
    ["000012345679", "6201", "01-02-2015", "31-12-2020", "1", "Eenmanszaak", "3521AB", "12",
     "a", "bis"],
    ["000012345680", "56.10", "20190301", "", "", "Vennootschap onder firma", "3522CD", "3",
     "", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], sep: str,
              encoding: str) -> Path:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize(("sep", "encoding"), [(",", "utf-8"), (";", "cp1252"),
                                               ("\t", "utf-8-sig"), ("|", "latin-1")])
def test_csv_in_several_encodings_and_delimiters(tmp_path: Path, sep: str,
                                                  encoding: str) -> None:
    rows = [r[:] for r in GOOD_ROWS]
    rows[0][5] = "Coöperatie"  # a non-ASCII character that differs between encodings
    p = write_csv(tmp_path / "kvk.csv", KVK_HEADER, rows, sep, encoding)
    res = read_establishments(p, today=TODAY)
    est = res.establishments
    assert res.counts["rejected"] == 0, res.rejected
    assert list(est.columns[:len(ESTABLISHMENT_COLUMNS)]) == list(ESTABLISHMENT_COLUMNS)
    assert est["legal_form"].iloc[0] == "Coöperatie"
    assert est.attrs["establishments"]["delimiter"] == sep
    assert list(est["sbi_code"]) == ["4711", "6201", "5610"]
    assert list(est["sbi_version"]) == ["2008"] * 3
    assert list(est["postcode"]) == ["3521AB", "3521AB", "3522CD"]
    assert list(est["huisnummer"]) == [10, 12, 3]
    assert est["huisnummer"].dtype == "Int64" and est["employees"].dtype == "Int64"
    assert est["employees"].isna().tolist() == [False, False, True]
    assert list(est["start_date"]) == [pd.Timestamp("2010-05-01"), pd.Timestamp("2015-02-01"),
                                       pd.Timestamp("2019-03-01")]
    assert est["end_date"].isna().tolist() == [True, False, True]
    assert est["end_date"].iloc[1] == pd.Timestamp("2020-12-31")
    assert list(est["vestigingsnummer"]) == ["000012345678", "000012345679", "000012345680"]


def test_given_encoding_that_does_not_fit_is_an_error(tmp_path: Path) -> None:
    rows = [r[:] for r in GOOD_ROWS]
    rows[0][5] = "Coöperatie"
    p = write_csv(tmp_path / "kvk.csv", KVK_HEADER, rows, ";", "cp1252")
    with pytest.raises(InputError, match="utf-8"):
        read_establishments(p, encoding="utf-8", today=TODAY)
    ok = read_establishments(p, encoding="cp1252", delimiter=";", today=TODAY)
    assert ok.establishments["legal_form"].iloc[0] == "Coöperatie"


def test_lisa_style_headers_are_found(tmp_path: Path) -> None:
    header = ["VESTNR", "SBI2008", "Datum_oprichting", "Datum_opheffing", "WP_TOTAAL",
              "Rechtsvorm", "Postcode", "Huisnr", "Huisletter", "Toevoeging"]
    p = write_csv(tmp_path / "lisa.csv", header, GOOD_ROWS, ",", "utf-8")
    res = read_establishments(p, today=TODAY)
    assert res.counts["valid"] == 3
    assert res.mapping["employees"] == "WP_TOTAAL"
    assert res.mapping["huisnummer"] == "Huisnr"
    assert list(res.establishments["employees"].fillna(-1)) == [12, 1, -1]


def test_mapping_override_and_mapping_files(tmp_path: Path) -> None:
    header = ["id", "activiteit_code", "begin", "eind", "fte", "vorm", "pc", "nr", "letter",
              "toev"]
    p = write_csv(tmp_path / "own.csv", header, GOOD_ROWS, ";", "utf-8")
    mapping = {"vestigingsnummer": "id", "sbi_code": "activiteit_code", "start_date": "begin",
               "end_date": "eind", "employees": "fte", "legal_form": "vorm",
               "postcode": "pc", "huisnummer": "nr", "huisletter": "letter",
               "toevoeging": "toev"}
    with pytest.raises(InputError, match="vestigingsnummer"):
        read_establishments(p, today=TODAY)
    direct = read_establishments(p, mapping=mapping, today=TODAY)
    assert direct.counts["valid"] == 3
    assert direct.establishments["huisletter"].iloc[1] == "a"
    toml = tmp_path / "map.toml"
    toml.write_text("[columns]\n" + "".join(f'{k} = "{v}"\n' for k, v in mapping.items()),
                    encoding="utf-8")
    js = tmp_path / "map.json"
    js.write_text(json.dumps(mapping), encoding="utf-8")
    assert load_mapping(toml) == mapping == load_mapping(js)
    from_file = read_establishments(p, mapping=toml, today=TODAY)
    pd.testing.assert_frame_equal(from_file.establishments.drop(columns=[]),
                                  direct.establishments)
    with pytest.raises(InputError, match="not in the file"):
        read_establishments(p, mapping={"vestigingsnummer": "nope"}, today=TODAY)
    bad = tmp_path / "bad.json"
    bad.write_text('{"colour": "id"}', encoding="utf-8")
    with pytest.raises(InputError, match="unknown output column"):
        load_mapping(bad)


BAD_ROWS = [
    # (row values, expected count key, text in reason)
    (["", "47.11", "2010-05-01", "", "1", "BV", "3521AB", "1", "", ""], "missing_id",
     "missing vestigingsnummer"),
    (["000012345678", "47.11", "2010-05-01", "", "1", "BV", "3521AB", "2", "", ""],
     "duplicate_id", "duplicate vestigingsnummer 000012345678"),
    (["000000000003", "4.711", "2010-05-01", "", "1", "BV", "3521AB", "3", "", ""],
     "bad_sbi", "malformed SBI code '4.711'"),
    (["000000000004", "", "2010-05-01", "", "1", "BV", "3521AB", "4", "", ""],
     "bad_sbi", "missing SBI code"),
    (["000000000005", "47.11", "31-02-2010", "", "1", "BV", "3521AB", "5", "", ""],
     "bad_date", "unparseable start_date '31-02-2010'"),
    (["000000000006", "47.11", "2010-05-01", "gisteren", "1", "BV", "3521AB", "6", "", ""],
     "bad_date", "unparseable end_date 'gisteren'"),
    (["000000000007", "47.11", "2031-05-01", "", "1", "BV", "3521AB", "7", "", ""],
     "future_date", "start_date 2031-05-01 lies in the future"),
    (["000000000008", "47.11", "2010-05-01", "2009-01-01", "1", "BV", "3521AB", "8", "", ""],
     "end_before_start", "before start_date"),
    (["000000000009", "47.11", "2010-05-01", "", "veel", "BV", "3521AB", "9", "", ""],
     "bad_employees", "number of employees 'veel'"),
    (["000000000010", "47.11", "2010-05-01", "", "1", "BV", "", "10", "", ""],
     "missing_address", "missing address parts (postcode"),
    (["000000000011", "47.11", "2010-05-01", "", "1", "BV", "3521AB", "", "", ""],
     "missing_address", "missing address parts (huisnummer"),
    (["000000000012", "47.11", "2010-05-01", "", "1", "BV", "35211AB", "12", "", ""],
     "bad_postcode", "malformed postcode '35211AB'"),
]


def test_each_bad_row_kind_is_rejected_with_its_reason(tmp_path: Path) -> None:
    rows = [GOOD_ROWS[0]] + [r for r, _, _ in BAD_ROWS]
    p = write_csv(tmp_path / "bad.csv", KVK_HEADER, rows, ";", "utf-8")
    res = read_establishments(p, today=TODAY)
    assert res.counts["read"] == len(rows)
    assert res.counts["valid"] == 1
    assert res.counts["rejected"] == len(BAD_ROWS)
    assert len(res.establishments) + len(res.rejected) == len(rows)
    rej = res.rejected.set_index("row")
    for i, (_, key, text) in enumerate(BAD_ROWS, start=2):
        reason = rej.loc[i, "reason"]
        assert reason.startswith(f"row {i}: "), reason
        assert text in reason, reason
        assert res.counts[key] >= 1
    # the source values are kept in the error output
    assert rej.loc[4, "SBI-code hoofdactiviteit"] == "4.711"
    # several problems of one row are all named
    p2 = write_csv(tmp_path / "two.csv", KVK_HEADER,
                   [["000000000001", "00.11", "morgen", "", "1", "BV", "", "", "", ""]],
                   ",", "utf-8")
    r2 = read_establishments(p2, today=TODAY)
    reason = r2.rejected["reason"].iloc[0]
    assert reason == ("row 1: SBI code '00.11': division 00 does not exist in SBI 2008; "
                      "unparseable start_date 'morgen'; missing address parts (postcode, "
                      "huisnummer; no vbo_id or x/y either)")


def test_rows_with_vbo_id_or_coordinates_need_no_postcode(tmp_path: Path) -> None:
    header = ["Vestigingsnummer", "SBI-code hoofdactiviteit", "Verblijfsobject-id", "X", "Y"]
    rows = [["1", "47.11", "0344010000000001", "", ""], ["2", "47.11", "", "135000.5", "454000"],
            ["3", "47.11", "", "135000", ""]]
    res = read_establishments(write_csv(tmp_path / "v.csv", header, rows, ",", "utf-8"),
                              today=TODAY)
    assert list(res.establishments["vestigingsnummer"]) == ["1", "2"]
    assert res.establishments["x"].iloc[1] == 135000.5
    assert "missing address parts" in res.rejected["reason"].iloc[0]


def test_sbi_code_is_one_name_for_reader_generator_and_indicators(synthetic) -> None:
    """The reader's SBI column is the generator's (and the indicators') ``sbi_code``."""
    res = normalise_establishments(synthetic.establishments, today=TODAY)
    est = res.establishments
    assert res.mapping["sbi_code"] == "sbi_code"
    assert "sbi" not in est.columns
    assert (est["sbi_code"] == synthetic.establishments["sbi_code"]
            .str.replace(".", "", regex=False)).all()


def test_mapping_with_the_old_sbi_key_names_the_new_one(tmp_path: Path) -> None:
    bad = tmp_path / "old.toml"
    bad.write_text('vestigingsnummer = "id"\nsbi = "activiteit_code"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\['sbi'\] \(did you mean 'sbi_code'\?\)"):
        load_mapping(bad)


def test_sbi_2025_version(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "s.csv", KVK_HEADER, GOOD_ROWS, ",", "utf-8")
    res = read_establishments(p, sbi_version="2025", today=TODAY)
    assert set(res.establishments["sbi_version"]) == {"2025"}
    with pytest.raises(InputError, match="sbi_version"):
        read_establishments(p, sbi_version="2010", today=TODAY)


# ----------------------------------------------------------------------- geolocation


@pytest.fixture(scope="module")
def synthetic():
    return generate_synthetic(seed=7, scale=0.5, base=demo_base())


def test_join_reproduces_the_generator_truth(synthetic) -> None:
    raw = synthetic.establishments
    res = normalise_establishments(raw, today=TODAY)
    assert res.counts["rejected"] == 0
    geo = geolocate(res.establishments, synthetic.verblijfsobjecten)
    matchable = (raw["synthetic_case"] != "unmatched").mean()
    assert geo.match_rate == pytest.approx(matchable)
    assert len(geo.matched) + len(geo.unmatched) == len(raw)
    m = geo.matched
    assert (m["vbo_id"] == m["synthetic_true_vbo"]).all()
    assert set(m["match_quality"]) == {"exact"}
    assert isinstance(m, gpd.GeoDataFrame) and m.crs.to_epsg() == 28992
    bag = synthetic.verblijfsobjecten.set_index("identificatie")
    assert shapely.equals(m.geometry.values,
                          bag.geometry.loc[m["vbo_id"]].values).all()
    assert (m["gebruiksdoel"].to_numpy() == bag["gebruiksdoel"].loc[m["vbo_id"]].to_numpy()).all()
    un = geo.unmatched
    assert set(un["synthetic_case"]) == {"unmatched"}
    assert (un["reason"] == ADDRESS_NOT_READ).all()
    assert geo.counts["unmatched"] == len(un) == (raw["synthetic_case"] == "unmatched").sum()


def test_join_through_a_csv_file(tmp_path: Path, synthetic) -> None:
    p = tmp_path / "est.csv"
    synthetic.establishments.to_csv(p, index=False, sep=";", encoding="cp1252")
    res = read_establishments(p, today=TODAY)
    geo = geolocate(res.establishments, synthetic.verblijfsobjecten)
    m = geo.matched
    assert (m["vbo_id"] == m["synthetic_true_vbo"]).all()
    assert geo.match_rate == pytest.approx(
        (synthetic.establishments["synthetic_case"] != "unmatched").mean())


def _tiny_bag() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "identificatie": ["V1", "V2", "V3", "V4", "V5"],
        "gebruiksdoel": ["winkelfunctie", "woonfunctie", "woonfunctie", "kantoorfunctie",
                         "woonfunctie"],
        "postcode": ["3521AB", "3521AB", "3521AB", "3521AC", "3521AC"],
        "huisnummer": pd.array([1, 2, 2, 5, 7], dtype="Int64"),
        "huisletter": [None, "A", None, None, None],
        "toevoeging": [None, "1", "BIS", None, None],
    }, geometry=shapely.points([0, 10, 20, 30, 40], [0, 0, 0, 0, 0]), crs=28992)


def test_match_qualities_and_unmatched_reasons() -> None:
    est = pd.DataFrame({
        "vestigingsnummer": list("abcdefgh"),
        "postcode": ["3521AB", "3521AB", "3521AB", "3521AC", "", "", "3521AB", ""],
        "huisnummer": pd.array([1, 2, 2, 5, pd.NA, pd.NA, 9, pd.NA], dtype="Int64"),
        "huisletter": ["", "a", "", "", "", "", "", ""],
        "toevoeging": ["", " - 1", "bis", "B", "", "", "", ""],
        "vbo_id": ["", "", "", "", "V5", "V9", "", ""],
        "x": [np.nan] * 7 + [29.0],
        "y": [np.nan] * 7 + [1.0],
    })
    geo = geolocate(est, _tiny_bag())
    m = geo.matched.set_index("vestigingsnummer")
    assert m.loc["a", "vbo_id"] == "V1" and m.loc["a", "match_quality"] == "exact"
    assert m.loc["b", "vbo_id"] == "V2" and m.loc["b", "match_quality"] == "normalised"
    assert m.loc["c", "vbo_id"] == "V3" and m.loc["c", "match_quality"] == "normalised"
    assert m.loc["e", "vbo_id"] == "V5" and m.loc["e", "match_quality"] == "vbo_id"
    assert m.loc["h", "vbo_id"] == "V4" and m.loc["h", "match_quality"] == "coordinates"
    un = geo.unmatched.set_index("vestigingsnummer")["reason"]
    assert un["d"] == ADDRESS_NOT_READ  # 5 B does not exist: no number_only
    assert un["f"] == "vbo_id not in the BAG"
    assert un["g"] == ADDRESS_NOT_READ
    assert geo.match_rate == pytest.approx(5 / 8)
    assert geo.counts["matched_normalised"] == 2
    no_fb = geolocate(est, _tiny_bag(), fallback=False)
    assert set(no_fb.unmatched["vestigingsnummer"]) >= {"b", "c"}


def test_number_only_fallback_needs_a_single_unit() -> None:
    est = pd.DataFrame({"vestigingsnummer": ["a", "b"], "postcode": ["3521AC", "3521AB"],
                        "huisnummer": pd.array([7, 2], dtype="Int64"),
                        "huisletter": ["", ""], "toevoeging": ["", ""]})
    bag = _tiny_bag()
    bag.loc[4, "toevoeging"] = "H"  # the only unit at 3521AC 7
    geo = geolocate(est, bag)
    assert list(geo.matched["vbo_id"]) == ["V5"]
    assert list(geo.matched["match_quality"]) == ["number_only"]
    assert list(geo.unmatched["vestigingsnummer"]) == ["b"]  # two units at 3521AB 2


def test_bag_in_another_crs_is_refused() -> None:
    est = pd.DataFrame({"vestigingsnummer": ["a"], "postcode": ["3521AB"],
                        "huisnummer": pd.array([1], dtype="Int64"), "huisletter": [""],
                        "toevoeging": [""]})
    with pytest.raises(InputError, match="28992"):
        geolocate(est, _tiny_bag().set_crs(4326, allow_override=True))


def test_geopackage_with_points_gives_coordinates(tmp_path: Path) -> None:
    import pyogrio

    gdf = gpd.GeoDataFrame({"Vestigingsnummer": ["1", "2"], "SBI-code hoofdactiviteit": ["4711",
                                                                                        "xx"],
                            "Datum vestiging": ["2001-01-01", "2002-02-02"]},
                           geometry=shapely.points([135000.0, 135100.0], [454000.0, 454100.0]),
                           crs=28992)
    p = tmp_path / "est.gpkg"
    pyogrio.write_dataframe(gdf, p, layer="vestigingen", driver="GPKG")
    res = read_establishments(p, today=TODAY)
    assert list(res.establishments["x"]) == [135000.0]
    assert list(res.establishments["y"]) == [454000.0]
    assert res.rejected["row"].tolist() == [2]
    assert "malformed SBI code 'xx'" in res.rejected["reason"].iloc[0]


def test_establishments_without_letter_columns() -> None:
    est = pd.DataFrame({"vestigingsnummer": ["a", "b"], "postcode": ["3521 ab", "3521AC"],
                        "huisnummer": pd.array([1, 99], dtype="Int64")})
    geo = geolocate(est, _tiny_bag())
    assert list(geo.matched["vbo_id"]) == ["V1"]
    assert list(geo.unmatched.columns) == ["vestigingsnummer", "postcode", "huisnummer",
                                           "reason"]
    assert geo.counts == {"total": 2, "matched": 1, "unmatched": 1, "matched_vbo_id": 0,
                          "matched_exact": 1, "matched_normalised": 0,
                          "matched_number_only": 0, "matched_coordinates": 0,
                          f"unmatched: {ADDRESS_NOT_READ}": 1}


def test_rejected_and_unmatched_rows_are_written(tmp_path: Path) -> None:
    from wijkkracht.core.errors import OutputError
    from wijkkracht.data_sources.establishments import write_problems

    rows = [GOOD_ROWS[0], GOOD_ROWS[2], BAD_ROWS[2][0]]
    res = read_establishments(write_csv(tmp_path / "k.csv", KVK_HEADER, rows, ",", "utf-8"),
                              today=TODAY)
    geo = geolocate(res.establishments, _tiny_bag())  # 3521AB 10 and 3522CD 3 do not exist
    out = write_problems(tmp_path / "problems.csv", rejected=res.rejected,
                         unmatched=geo.unmatched)
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back["stage"]) == ["rejected", "unmatched", "unmatched"]
    assert list(back["row"]) == ["3", "1", "2"]
    assert back["reason"].iloc[0].startswith("row 3: malformed SBI code")
    assert list(back["reason"].iloc[1:]) == [ADDRESS_NOT_READ] * 2
    assert back["start_date"].iloc[1] == "2010-05-01"
    with pytest.raises(OutputError):
        write_problems(tmp_path / "missing" / "p.csv", rejected=res.rejected)


# --------------------------------------------------------------------------- in one call


def _kvk_export(tmp_path: Path) -> Path:
    """Three good rows (3521AB 10, 3521AB 12a-bis, 3522CD 3) and one with a bad SBI code."""
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2], BAD_ROWS[2][0]]
    return write_csv(tmp_path / "kvk.csv", KVK_HEADER, rows, ";", "cp1252")


def _bag_for_export() -> gpd.GeoDataFrame:
    """3521AB 10 (a shop) and 3521AB 12A bis (a dwelling); 3522CD 3 is not in it."""
    return gpd.GeoDataFrame({
        "identificatie": ["0344010000000001", "0344010000000002"],
        "gebruiksdoel": ["winkelfunctie", "woonfunctie"],
        "postcode": ["3521AB", "3521AB"],
        "huisnummer": pd.array([10, 12], dtype="Int64"),
        "huisletter": [None, "A"],
        "toevoeging": [None, "BIS"],
    }, geometry=shapely.points([135000.0, 135010.0], [455000.0, 455000.0]), crs=28992)


def test_establishments_on_bag_reads_places_and_lists_the_problems(tmp_path: Path) -> None:
    placed = establishments_on_bag(_kvk_export(tmp_path), _bag_for_export(), today=TODAY)
    m = placed.matched
    assert list(m["vestigingsnummer"]) == ["000012345678", "000012345679"]
    assert list(m["vbo_id"]) == ["0344010000000001", "0344010000000002"]
    assert list(m["gebruiksdoel"]) == ["winkelfunctie", "woonfunctie"]
    assert list(m["match_quality"]) == ["exact", "normalised"]
    assert m.crs.to_epsg() == 28992 and m.geometry.x.tolist() == [135000.0, 135010.0]
    assert placed.match_rate == pytest.approx(2 / 3)
    p = placed.problems
    assert list(p.columns[:4]) == ["row", "stage", "vestigingsnummer", "reason"]
    assert p[["row", "stage"]].values.tolist() == [[4, "rejected"], [3, "unmatched"]]
    # a rejected row keeps the export's own columns, a valid one the schema's
    assert p["Vestigingsnummer"].tolist() == ["000000000003", None]
    assert p["vestigingsnummer"].tolist() == [None, "000012345680"]
    assert "malformed SBI code '4.711'" in p["reason"].iloc[0]
    assert p["reason"].iloc[1] == ADDRESS_NOT_READ
    assert p["start_date"].iloc[1] == "2019-03-01"
    c = placed.counts
    assert (c["read"]["read"], c["read"]["valid"], c["rejected"], c["unmatched"]) == (4, 3, 1, 1)
    assert c["geolocate"]["matched_exact"] == 1 and c["geolocate"]["matched_normalised"] == 1
    assert c["match_rate"] == placed.match_rate
    assert not placed.synthetic and "synthetic" not in m.attrs


def test_establishments_on_bag_equals_the_steps_it_replaces(tmp_path: Path) -> None:
    export = _kvk_export(tmp_path)
    read = read_establishments(export, today=TODAY)
    located = geolocate(read.establishments, _bag_for_export())
    for source in (export, read):  # the file, or the export read before the BAG
        kwargs = {"today": TODAY} if source is export else {}
        placed = establishments_on_bag(source, _bag_for_export(), **kwargs)
        pd.testing.assert_frame_equal(pd.DataFrame(placed.matched),
                                      pd.DataFrame(located.matched))
        pd.testing.assert_frame_equal(placed.unmatched, located.unmatched)
        pd.testing.assert_frame_equal(placed.rejected, read.rejected)
        pd.testing.assert_frame_equal(placed.problems,
                                      problems_frame(read.rejected, located.unmatched))
    with pytest.raises(ValueError, match="today apply to reading the export"):
        establishments_on_bag(read, _bag_for_export(), today=TODAY)


def test_establishments_on_bag_says_when_the_export_is_synthetic(tmp_path: Path,
                                                                 synthetic) -> None:
    export = tmp_path / "est.csv"
    synthetic.establishments.to_csv(export, index=False)  # its synthetic column: "True"
    placed = establishments_on_bag(export, synthetic.verblijfsobjecten, today=TODAY)
    assert placed.synthetic and placed.matched.attrs["synthetic"] is True
    real = synthetic.establishments.assign(synthetic="False")
    real.to_csv(export, index=False)
    assert not establishments_on_bag(export, synthetic.verblijfsobjecten, today=TODAY).synthetic


def test_problems_frame_is_text_with_the_row_number(tmp_path: Path) -> None:
    res = read_establishments(_kvk_export(tmp_path), today=TODAY)
    geo = geolocate(res.establishments, _bag_for_export())
    p = problems_frame(res.rejected, geo.unmatched)
    assert str(p["row"].dtype) == "int64" and p["row"].tolist() == [4, 3]
    assert p["stage"].tolist() == ["rejected", "unmatched"]
    # the employees of the unmatched row: unknown; its start date ISO; the raw text kept
    assert p.loc[1, "employees"] is None and p.loc[1, "start_date"] == "2019-03-01"
    assert p.loc[0, "SBI-code hoofdactiviteit"] == "4.711"
    assert all(v is None or isinstance(v, str) for c in p.columns[1:] for v in p[c])
    only = problems_frame(None, geo.unmatched)
    assert only["stage"].tolist() == ["unmatched"]
    empty = problems_frame(None, None)
    assert len(empty) == 0 and list(empty.columns) == ["row", "stage", "reason"]


def test_an_export_too_large_for_memory_is_refused_with_the_estimate(tmp_path: Path) -> None:
    from wijkkracht.data_sources.establishments import CSV_MEMORY_FACTOR

    path = tmp_path / "vestigingen.csv"
    path.write_text("Vestigingsnummer;SBI-code hoofdactiviteit;Postcode;Huisnummer\n"
                    "000012345678;4711;3521AB;1\n", encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError) as info:
        read_establishments(path, max_memory=size * CSV_MEMORY_FACTOR - 1)
    msg = str(info.value)
    assert f"reading it needs about {size * CSV_MEMORY_FACTOR / 1e6:.0f} MB of memory" in msg
    assert "split the export" in msg
    assert "\n" not in msg
    ok = read_establishments(path, max_memory=size * CSV_MEMORY_FACTOR)
    assert list(ok.establishments["vestigingsnummer"]) == ["000012345678"]
