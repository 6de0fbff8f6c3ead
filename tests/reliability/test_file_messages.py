"""Files that cannot be read, told in the same words whatever GDAL reads them (issue 19).

GDAL 3.6 (the system's, Debian 12 and QGIS) and the GDAL in pyogrio's wheels (3.10-3.12) word
their errors differently ("not recognized as a supported file format" / "... as being in a
supported file format", SQLite errors wrapped in the failed statement, a binary ``.csv`` read as
an empty table). wijkkracht checks what it can itself first (exists, folder, empty, readable,
first bytes against the extension, the layer) and maps what GDAL still says to its own words
(:mod:`wijkkracht.data_sources.file_checks`).

``scripts/test.sh`` runs this file twice: in ``.venv`` (system GDAL) and in
``.venv/gdal-wheels`` (pyogrio's wheel); every test id names the GDAL it
ran with, and every case asserts the whole error line, so both runs hold the same words. Each
case goes through the real command line (:func:`cli_support.fails`): exit code 1, one
``wijkkracht: error:`` line, the output folder and the inputs unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from wijkkracht.demo import demo_data_path

from .cli_support import ERROR, fails

GDAL = pyogrio.__gdal_version_string__
DEMO = demo_data_path()
BAG = Path(__file__).parents[1] / "data" / "bag_verblijfsobject.gpkg"
GIVE = ("give a GeoPackage, Shapefile, GeoJSON, GraphML or OSM file whose extension matches "
        "its contents")

# every test id names the GDAL it ran with: test_...[gdal-3.6.2] / [gdal-3.12.4]
pytestmark = pytest.mark.parametrize("gdal", [GDAL], ids=[f"gdal-{GDAL}"])


def _run(out: Path, *inputs: str, streets: Path = DEMO) -> list[str]:
    argv = ["run", "--streets", str(streets)]
    if streets == DEMO:
        argv += ["--streets-layer", "streets"]
    if "--pois" not in inputs:
        argv += ["--pois", str(DEMO), "--pois-layer", "pois"]
    return [*argv, *inputs, "--out", str(out), "-k", "3"]


def _shapefile(path: Path) -> None:
    area = gpd.read_file(DEMO, layer="study_area")
    gpd.GeoDataFrame({"name": ["a"] * len(area)}, geometry=area.geometry).to_file(path)


def _said(line: str, path: Path, problem: str) -> None:
    """The error line is exactly ``path: problem``: the same words with every GDAL."""
    assert line == f"{ERROR} {path}: {problem}", line


def test_the_gdal_of_this_run(gdal):
    # the header of the run: which GDAL pyogrio reads with here
    print(f"pyogrio {pyogrio.__version__} with GDAL {gdal}")
    assert gdal.count(".") == 2


# --- contents that do not fit the extension ------------------------------------------------

def test_text_file_named_gpkg(tmp_path, capsys, gdal):
    bad = tmp_path / "streets.gpkg"
    bad.write_text("this is not a GeoPackage\n")
    out = tmp_path / "out"
    line = fails(_run(out, streets=bad), capsys, out, inputs=[bad])
    _said(line, bad, "not a readable vector file: named .gpkg but it holds text, not a "
                     f"GeoPackage (SQLite) database; {GIVE} (--streets)")


def test_truncated_geopackage(tmp_path, capsys, gdal):
    # the first 4 KiB of a real GeoPackage: a copy or download cut short
    bad = tmp_path / "cut.gpkg"
    bad.write_bytes(DEMO.read_bytes()[:4096])
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, f"the GeoPackage is incomplete: 4,096 of {DEMO.stat().st_size:,} bytes "
                     "(cut off while copying or downloading?); copy or download it again "
                     "(--area)")


def test_png_named_shp(tmp_path, capsys, gdal):
    bad = tmp_path / "streets.shp"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    out = tmp_path / "out"
    line = fails(_run(out, streets=bad), capsys, out, inputs=[bad])
    _said(line, bad, f"not a readable vector file: named .shp but it is a PNG image, not a "
                     f"Shapefile; {GIVE} (--streets)")


def test_binary_data_named_csv_as_pois(tmp_path, capsys, gdal):
    # GDAL 3.6 does not recognise it; GDAL 3.12 reads it as an empty table without geometry
    bad = tmp_path / "pois.csv"
    bad.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    line = fails(_run(out, "--pois", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "not a readable vector file: named .csv but it is binary data, not text as "
                     f"a .csv file is; {GIVE} (--pois)")


def test_shapefile_without_its_index(tmp_path, capsys, gdal):
    _shapefile(tmp_path / "area.shp")
    (tmp_path / "area.shx").unlink()
    bad = tmp_path / "area.shp"
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "the Shapefile's index area.shx is missing next to it; a Shapefile is "
                     "several files (.shp, .shx, .dbf, .prj): copy all of them (--area)")


# --- what GDAL finds: told in our words -----------------------------------------------------

def test_geojson_with_a_syntax_error(tmp_path, capsys, gdal):
    # GDAL 3.6 says "character 65", GDAL 3.12 "character 20": Python's json places it
    bad = tmp_path / "streets.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [ {"type": "Feature", ')
    out = tmp_path / "out"
    line = fails(_run(out, streets=bad), capsys, out, inputs=[bad])
    _said(line, bad, "not valid GeoJSON: a JSON syntax error at line 1, column 65 (Expecting "
                     "property name enclosed in double quotes); is the file complete?")


def test_file_of_no_known_format(tmp_path, capsys, gdal):
    # GDAL 3.6: "not recognized as a supported file format", GDAL 3.12: "... as being in ..."
    bad = tmp_path / "streets.dat"
    bad.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    line = fails(_run(out, streets=bad), capsys, out, inputs=[bad])
    _said(line, bad, f"not a readable vector file (no reader recognises its format); {GIVE}")
    assert "recognized" not in line and "…" not in line


def test_sqlite_database_that_is_no_geopackage(tmp_path, capsys, gdal):
    import sqlite3

    bad = tmp_path / "area.gpkg"
    with sqlite3.connect(bad) as db:
        db.execute("CREATE TABLE buurten (naam TEXT)")
    db.close()
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "an SQLite database but not a GeoPackage: it has no gpkg_contents table")


def test_damaged_sqlite_header(tmp_path, capsys, gdal):
    # an SQLite header followed by nothing SQLite reads (GDAL 3.12 wraps SQLite's "file is
    # not a database" in the failed statement)
    bad = tmp_path / "area.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(1008))
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "the GeoPackage is damaged: SQLite does not read it as a database; copy or "
                     "download it again")


def test_zip_without_a_vector_file(tmp_path, capsys, gdal):
    bad = tmp_path / "streets.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "the streets are elsewhere")
        zf.writestr("photo.jpg", b"\xff\xd8\xff")
    out = tmp_path / "out"
    line = fails(_run(out, streets=bad), capsys, out, inputs=[bad])
    _said(line, bad, "the zip file holds no vector file (it holds readme.txt, photo.jpg); give "
                     "a GeoPackage, Shapefile, GeoJSON, GraphML or OSM file, or a zip file "
                     "holding one (--streets)")


def test_geopackage_without_the_layer(tmp_path, capsys, gdal):
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(DEMO), "--area-layer", "buurten"), capsys, out,
                 inputs=[DEMO])
    _said(line, DEMO, "layer 'buurten' not found (layers: study_area, streets, pois)")


# --- folders, text tables, permissions ------------------------------------------------------

FOLDER_OPTIONS = {
    "--streets": "streets file",
    "--pois": "POI file",
    "--area": "study-area file",
    "--areas": "file of areas (e.g. the CBS wijk- en buurtkaart)",
    "--categories": "category table CSV file",
    "--establishments": "establishments export (CSV or GeoPackage)",
    "--establishments-mapping": "column mapping file (TOML or JSON)",
    "--typology-model": "typology model file (JSON, or a wijkkracht .gpkg result)",
}


@pytest.mark.parametrize("option", list(FOLDER_OPTIONS))
def test_a_folder_where_a_file_is_expected(option, tmp_path, capsys, gdal):
    folder = tmp_path / "inputs.gpkg"  # a folder named like a file
    folder.mkdir()
    (folder / "notes.txt").write_text("kept as it is")
    csv = tmp_path / "kvk.csv"
    csv.write_text("vestigingsnummer,sbi\n000012345678,4711\n")
    extra = {"--establishments": ["--bag", str(BAG)],
             "--establishments-mapping": ["--bag", str(BAG), "--establishments", str(csv)]}
    out = tmp_path / "out"
    argv = (_run(out, streets=folder) if option == "--streets"
            else _run(out, *extra.get(option, []), option, str(folder)))
    if option == "--typology-model":
        argv.remove("-k")
        argv.remove("3")  # the model gives the types
    line = fails(argv, capsys, out, inputs=[folder, csv])
    _said(line, folder, f"is a folder, not a file; give the {FOLDER_OPTIONS[option]} ({option})")


def test_a_folder_of_shapefiles_is_named(tmp_path, capsys, gdal):
    folder = tmp_path / "kaart"
    folder.mkdir()
    _shapefile(folder / "buurt.shp")
    out = tmp_path / "out"
    line = fails(_run(out, "--area", str(folder)), capsys, out, inputs=[folder])
    _said(line, folder, "is a folder, not a file; give the study-area file (--area); it holds "
                        "buurt.shp")


def test_bag_folder_without_lv_bag_files(tmp_path, capsys, gdal):
    folder = tmp_path / "bag"
    folder.mkdir()
    (folder / "readme.txt").write_text("the BAG is elsewhere")
    out = tmp_path / "out"
    line = fails(_run(out, "--bag", str(folder)), capsys, out, inputs=[folder])
    _said(line, folder, "the folder holds no LV BAG XML or zip file (<gemeente>VBO<date>...xml "
                        "or a zip of them); give a folder of LV BAG extracts or the BAG "
                        "GeoPackage (--bag)")


def test_binary_categories_table(tmp_path, capsys, gdal):
    bad = tmp_path / "categories.csv"
    bad.write_bytes(b"\x00\x01tag,category\x00" + bytes(range(256)))
    out = tmp_path / "out"
    line = fails(_run(out, "--categories", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "not a text file (binary data); give the category table CSV file as UTF-8 "
                     "text (--categories)")


def test_excel_workbook_as_categories_table(tmp_path, capsys, gdal):
    bad = tmp_path / "categories.csv"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    out = tmp_path / "out"
    line = fails(_run(out, "--categories", str(bad)), capsys, out, inputs=[bad])
    _said(line, bad, "an Excel workbook, not a text file; save it as CSV (UTF-8) and give that "
                     "(--categories)")


UNREADABLE = "no permission to read the file (--area); make it readable (chmod u+r) or copy it " \
             "to a folder of yours"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file (see the next test)")
def test_unreadable_file(tmp_path, capsys, gdal):
    bad = tmp_path / "area.gpkg"
    shutil.copy(DEMO, bad)
    bad.chmod(0)
    try:
        out = tmp_path / "out"
        line = fails(_run(out, "--area", str(bad), "--area-layer", "study_area"), capsys, out)
        _said(line, bad, UNREADABLE)
    finally:
        bad.chmod(0o644)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="as root only: the command runs as 'nobody', whom chmod 000 stops")
def test_unreadable_file_as_another_user(gdal):
    base = Path(tempfile.mkdtemp(prefix="wijkkracht-unreadable-"))
    try:
        base.chmod(0o755)
        bad = base / "area.gpkg"
        shutil.copy(DEMO, bad)
        bad.chmod(0)
        out = base / "out"
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
               sys.executable, "-m", "wijkkracht",
               *_run(out, "--area", str(bad), "--area-layer", "study_area")]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=base, check=False,
                              env={**os.environ, "HOME": str(base), "PYTHONWARNINGS": "ignore"})
        lines = [ln for ln in done.stderr.splitlines() if ln.startswith(ERROR)]
        assert done.returncode == 1, done.stderr
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        _said(lines[0], bad, UNREADABLE)
        assert not out.exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- the library says the same --------------------------------------------------------------

def test_gdal_texts_of_both_versions_map_to_the_same_words(gdal):
    from wijkkracht.data_sources.file_checks import gdal_reason

    pairs = [
        ("'/x/a.gpkg' not recognized as a supported file format.; It might help to specify the "
         "correct driver explicitly by prefixing the file path with '<DRIVER>:', e.g. "
         "'CSV:path'.",
         "'/x/a.gpkg' not recognized as being in a supported file format.; It might help to "
         "specify the correct driver explicitly by prefixing the file path with '<DRIVER>:', "
         "e.g. 'CSV:path'."),
        ("database disk image is malformed",
         "sqlite3_prepare_v2(SELECT COUNT(*) FROM sqlite_master WHERE name IN ('gpkg_metadata', "
         "'gpkg_metadata_reference') AND type IN ('table', 'view')) failed: database disk image "
         "is malformed; database disk image is malformed"),
        ("file is not a database",
         "sqlite3_prepare_v2(SELECT 1) failed: file is not a database; file is not a database"),
        ("/x/a.gpkg: No such file or directory", "/x/a.gpkg: No such file or directory"),
        ("unable to open database file", "sqlite3_open(/x/a.gpkg) failed: unable to open "
                                         "database file"),
        ("/x/a.gpkg: Permission denied", "Permission denied"),
        ("Unsupported driver", "Unsupported driver: 'FOO'"),
        ("/x: Is a directory", "'/x' is a directory"),
    ]
    for old, new in pairs:
        assert gdal_reason(old) == gdal_reason(new), (old, new)
        assert "recognized" not in gdal_reason(old)


def test_an_unknown_message_is_cut_at_a_word(gdal):
    from wijkkracht.data_sources.file_checks import gdal_reason

    said = gdal_reason("Something GDAL never said before about " + "a very long reason " * 20,
                       "/x/a.gpkg")
    assert len(said) <= 162 and said.endswith(" …"), said
    assert said[:-2].split()[-1] in ("a", "very", "long", "reason"), said
