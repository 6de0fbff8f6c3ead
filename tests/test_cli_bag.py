"""``wijkkracht run`` with the opt-in BAG, establishments and study-area options.

SYNTHETIC BAG and establishments (data_sources/synthetic.py) on the bundled Kanaleneiland
streets and POIs, and the SYNTHETIC CBS wijk- en buurtkaart fixture.
"""

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from wijkkracht.cli import main
from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.privacy import sensitive_counts
from wijkkracht.demo import demo_data_path

BAG_COLUMNS = {n for n, ind in INDICATORS.items() if ind.requires != "osm"}
DEMO = demo_data_path()
CBS = Path(__file__).parent / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
CODES = ["BU99990101", "BU99990102"]


def _base(out: Path) -> list[str]:
    return ["run", "--streets", str(DEMO), "--streets-layer", "streets", "--pois", str(DEMO),
            "--pois-layer", "pois", "--out", str(out), "-k", "4", "-q"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from wijkkracht.data_sources.synthetic import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, seed=0)
    return folder


@pytest.fixture(scope="module")
def bag_run(synthetic, tmp_path_factory):
    out = tmp_path_factory.mktemp("bagrun") / "out"
    code = main(_base(out) + [
        "--bag", str(synthetic / "bag_synthetic.gpkg"), "--bag-layer", "verblijfsobject_synthetic",
        "--establishments", str(synthetic / "establishments_synthetic.csv"),
        "--reference-date", "2025-06-30",
        "--areas", str(CBS), "--area-code", ",".join(CODES),
    ])
    return code, out


def test_run_with_bag_writes_outputs(bag_run):
    code, out = bag_run
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "wijkkracht.gpkg", "wijkkracht.html", "wijkkracht_establishment_problems.csv"]


def test_streets_layer_has_bag_indicators(bag_run):
    _, out = bag_run
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    for col in ("mxi", "bag_units", "nonres_units_per_100m", "bag_vacant_units",
                "home_based_est", "active_est", "age_hill1", "sbi_n_count", "suppressed"):
        assert col in streets.columns, col
    assert streets["mxi"].dropna().between(0, 1).all()
    assert streets["mxi"].notna().sum() > 100
    assert streets["bag_units"].sum() > 1000
    assert streets["nonres_units_per_100m"].min() >= 0
    # the old indicators and the typology are still there: a type for the street segments
    # that BAG addresses front (the default), none for the others
    fronted = streets["is_street"] & (streets["fronting_n"] > 0)
    assert fronted.sum() > 50 and "everyday_800" in streets
    assert (streets["type_id"].notna() == fronted).all()


def test_small_counts_suppressed_in_streets_layer(bag_run):
    _, out = bag_run
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    assert streets["suppressed"].any()
    for col in sensitive_counts():
        if col in streets:
            v = streets[col].dropna()
            assert not ((v > 0) & (v < 3)).any(), col
    # shares derived from suppressed counts are suppressed too
    sup = streets["home_based_est"].isna() & streets["suppressed"].astype(bool)
    assert sup.any()
    assert streets.loc[sup, "home_based_share"].isna().all()


def test_problems_csv_holds_unmatched_rows(bag_run, synthetic):
    _, out = bag_run
    problems = pd.read_csv(out / "wijkkracht_establishment_problems.csv", dtype=str)
    assert len(problems) > 0
    assert set(problems["stage"]) <= {"rejected", "unmatched"}
    assert (problems["stage"] == "unmatched").any()
    assert problems["reason"].notna().all()
    with sqlite3.connect(out / "wijkkracht.gpkg") as con:
        (meta,) = con.execute(
            "SELECT metadata FROM gpkg_metadata WHERE metadata LIKE '%WIJKKRACHT_METADATA%'"
        ).fetchone()
    assert "establishment_problems" in meta and "match_rate" in meta


def test_areas_layer_with_selected_areas(bag_run):
    _, out = bag_run
    areas = gpd.read_file(out / "wijkkracht.gpkg", layer="areas")
    assert sorted(areas["area_code"]) == CODES
    assert (areas["segments"] > 0).all()
    assert "mxi_pooled" in areas and areas["mxi_pooled"].between(0, 1).all()
    area = gpd.read_file(out / "wijkkracht.gpkg", layer="area")
    assert len(area) == 1 and "Testbuurt 01-01" in area["name"].iloc[0]


def test_bag_labels_registered():
    assert "mxi" in BAG_COLUMNS and "home_based_est" in sensitive_counts()


def test_without_new_options_no_bag_columns(tmp_path):
    out = tmp_path / "plain"
    assert main(_base(out)) == 0
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    assert not BAG_COLUMNS & set(streets.columns)
    assert "suppressed" not in streets
    assert sorted(p.name for p in out.iterdir()) == ["wijkkracht.gpkg", "wijkkracht.html"]


def test_unknown_area_code_exits_1_with_suggestion(tmp_path, capsys):
    out = tmp_path / "bad"
    code = main(_base(out) + ["--areas", str(CBS), "--area-code", "BU99990109"])
    assert code == 1
    err = capsys.readouterr().err
    assert "BU99990109" in err and "did you mean 'BU99990102'" in err
    assert not out.exists() or not any(out.iterdir())


def test_establishments_without_bag_exits_1(tmp_path, capsys, synthetic):
    code = main(_base(tmp_path / "o") + [
        "--establishments", str(synthetic / "establishments_synthetic.csv")])
    assert code == 1
    assert "--establishments needs --bag" in capsys.readouterr().err


def test_metadata_records_bag_counts(bag_run):
    _, out = bag_run
    with sqlite3.connect(out / "wijkkracht.gpkg") as con:
        rows = [r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata")]
    text = next(r for r in rows if "WIJKKRACHT_METADATA" in r)
    for key in ("units_placed", "establishments_unplaced", "privacy_threshold",
                "suppressed_segments", "BU99990101"):
        assert key in text, key


def test_areas_by_name_without_bag(tmp_path):
    out = tmp_path / "names"
    assert main(_base(out) + ["--areas", str(CBS), "--area-name", "Testwijk West"]) == 0
    areas = gpd.read_file(out / "wijkkracht.gpkg", layer="areas")
    assert list(areas["area_code"]) == ["WK999901"]
    assert "suppressed" not in areas and "mxi_pooled" not in areas
    assert areas["everyday_800_mean"].notna().all()


def test_bag_options_are_refused_with_live_osm(tmp_path, capsys):
    """Never silently ignored: the BAG/areas options need --streets files for now."""
    code = main(["run", "--place", "Kanaleneiland, Utrecht", "--bag", str(tmp_path / "bag.gpkg"),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert "--bag, --establishments and --areas work with --streets files" in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------- --establishments-mapping

#: A LISA-like export with its own headers: export header -> schema column
LISA_HEADERS = {"Vestiging": "vestigingsnummer", "SBI": "sbi_code", "Postcode": "postcode",
                "Huisnr": "huisnummer", "Letter": "huisletter", "Toev": "toevoeging",
                "Start": "start_date", "Einde": "end_date", "Werkzaam": "employees",
                "Vorm": "legal_form"}
EST_COLUMNS = sorted(n for n, ind in INDICATORS.items() if ind.requires == "establishments")


@pytest.fixture(scope="module")
def lisa_export(synthetic, tmp_path_factory):
    """The SYNTHETIC establishments rewritten as a LISA-like export (';', cp1252, dates
    DD-MM-YYYY, other headers) with TOML and JSON mappings."""
    folder = tmp_path_factory.mktemp("lisa")
    est = pd.read_csv(synthetic / "establishments_synthetic.csv", dtype=str,
                      keep_default_na=False)
    for col in ("start_date", "end_date"):
        dates = pd.to_datetime(est[col].replace("", None), format="%Y-%m-%d")
        est[col] = dates.dt.strftime("%d-%m-%Y").fillna("")
    est = est.rename(columns={v: k for k, v in LISA_HEADERS.items()})
    est.to_csv(folder / "lisa_export.csv", sep=";", index=False, encoding="cp1252")
    mapping = {v: k for k, v in LISA_HEADERS.items()}
    (folder / "lisa.toml").write_text(
        "# schema column = export header\n[columns]\n"
        + "".join(f'{k} = "{v}"\n' for k, v in mapping.items()), encoding="utf-8")
    (folder / "lisa.json").write_text(json.dumps(mapping), encoding="utf-8")
    return folder


def _bag_args(synthetic, out: Path, establishments: Path) -> list[str]:
    return _base(out) + [
        "--bag", str(synthetic / "bag_synthetic.gpkg"), "--bag-layer", "verblijfsobject_synthetic",
        "--establishments", str(establishments), "--reference-date", "2025-06-30",
        "--areas", str(CBS), "--area-code", ",".join(CODES)]


def _bag_meta(gpkg: Path) -> str:
    with sqlite3.connect(gpkg) as con:
        rows = [r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata")]
    text = next(r for r in rows if "WIJKKRACHT_METADATA" in r)
    start = text.index("{", text.index("WIJKKRACHT_METADATA"))
    return json.JSONDecoder().raw_decode(text[start:])[0]["bag"]


def test_mapping_file_reads_an_export_with_other_headers(bag_run, synthetic, lisa_export,
                                                         tmp_path):
    """Through a TOML mapping, the LISA-like export gives exactly the run with the default
    headers (a JSON mapping: tests/test_cli_lv.py)."""
    _, reference = bag_run
    out = tmp_path / "mapped"
    assert main(_bag_args(synthetic, out, lisa_export / "lisa_export.csv")
                + ["--establishments-mapping", str(lisa_export / "lisa.toml")]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "wijkkracht.gpkg", "wijkkracht.html", "wijkkracht_establishment_problems.csv"]
    meta, ref_meta = _bag_meta(out / "wijkkracht.gpkg"), _bag_meta(reference / "wijkkracht.gpkg")
    truth = pd.read_csv(synthetic / "establishments_synthetic.csv", dtype=str)
    counts = meta["establishments"]
    assert counts["read"]["read"] == len(truth) and counts["rejected"] == 0
    assert counts["geolocate"]["matched"] > 0.8 * len(truth)
    assert counts["geolocate"]["matched"] + counts["unmatched"] == len(truth)
    assert counts == ref_meta["establishments"]
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    ref = gpd.read_file(reference / "wijkkracht.gpkg", layer="streets")
    assert EST_COLUMNS and set(EST_COLUMNS) <= set(streets.columns)
    assert streets["active_est"].sum() > 0 and streets["sbi_n_count"].sum() > 0
    pd.testing.assert_frame_equal(streets[EST_COLUMNS + ["suppressed"]],
                                  ref[EST_COLUMNS + ["suppressed"]])
    problems = pd.read_csv(out / "wijkkracht_establishment_problems.csv", dtype=str)
    assert len(problems) == counts["unmatched"]
    # the ones the generator made unplaceable are among them
    assert set(truth.loc[truth["synthetic_case"] == "unmatched", "vestigingsnummer"]) <= \
        set(problems["vestigingsnummer"])


def test_export_with_other_headers_needs_the_mapping(synthetic, lisa_export, tmp_path, capsys):
    out = tmp_path / "nomap"
    assert main(_bag_args(synthetic, out, lisa_export / "lisa_export.csv")) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no column for 'vestigingsnummer' found" in err and "pass a mapping" in err
    assert not out.exists()


@pytest.mark.parametrize(("text", "message"), [
    ('vestigingsnummer = "Vestigingsnr"\nsbi_code = "SBI"\n',
     "lisa_export.csv: mapped column(s) not in the file (mapping {mapping}): "
     "[\"vestigingsnummer -> 'Vestigingsnr'\"]; the file has ['Vestiging', 'SBI', "),
    ('vestigingsnummer = "Vestiging"\nsbi = "SBI"\n',
     "{mapping}: column mapping names unknown output column(s) ['sbi'] "
     "(did you mean 'sbi_code'?)"),
    ('vestigingsnummer = "Vestiging\n', "{mapping}: cannot read the column mapping"),
])
def test_bad_mapping_is_one_line_exit_1_and_no_output(synthetic, lisa_export, tmp_path, capsys,
                                                      text, message):
    mapping = tmp_path / "bad.toml"
    mapping.write_text(text, encoding="utf-8")
    out = tmp_path / "bad"
    code = main(_bag_args(synthetic, out, lisa_export / "lisa_export.csv")
                + ["--establishments-mapping", str(mapping)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1, err
    assert err.startswith("wijkkracht: error: ")
    assert message.format(mapping=mapping) in err
    assert not out.exists()
