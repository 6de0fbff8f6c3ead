"""A catalogue of bad inputs (issue 7, item 1): each case runs the real command line and asserts
the exit code, exactly one ``wijkkracht: error:`` line naming what to do, and that the output
folder holds no file (no partial output). The README's "Troubleshooting" section lists the same
messages."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from wijkkracht.cli import main
from wijkkracht.demo import demo_data_path

DEMO = demo_data_path()
CBS = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def _fails(argv: list[str], capsys, out: Path, *expected: str, code: int = 1) -> str:
    """Run ``wijkkracht argv``; assert the exit code, ONE error line holding ``expected`` and
    no file left in ``out``. Returns the error line."""
    before = _files(out)
    try:
        got = main(argv)
    except SystemExit as stop:  # a usage error (exit 2), found before anything is read
        got = stop.code
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("wijkkracht: error:")]
    assert got == code, err
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    for text in expected:
        assert text in lines[0], lines[0]
    assert _files(out) == before, _files(out)
    return lines[0]


def _run(streets: Path, out: Path, *extra: str, streets_layer: str | None = "streets",
         pois: list[str] | None = None) -> list[str]:
    argv = ["run", "--streets", str(streets)]
    if streets_layer:
        argv += ["--streets-layer", streets_layer]
    argv += pois if pois is not None else ["--pois", str(DEMO), "--pois-layer", "pois"]
    return argv + ["--out", str(out), "-k", "3", *extra]


@pytest.fixture(scope="module")
def streets() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO, layer="streets")


# --- files ---------------------------------------------------------------------------------------

def test_missing_file(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(_run(tmp_path / "nope.gpkg", out, streets_layer=None), capsys, out,
           "nope.gpkg", "file not found")


def test_text_file_named_gpkg(tmp_path, capsys):
    bad = tmp_path / "streets.gpkg"
    bad.write_text("this is not a GeoPackage\n")
    out = tmp_path / "out"
    _fails(_run(bad, out, streets_layer=None), capsys, out, "streets.gpkg",
           "not a readable vector file: named .gpkg but it holds text, not a GeoPackage "
           "(SQLite) database; give a GeoPackage")


def test_empty_layer(tmp_path, capsys):
    path = tmp_path / "nolines.gpkg"
    gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=28992)).to_file(
        path, layer="streets")
    out = tmp_path / "out"
    _fails(_run(path, out), capsys, out, "nolines.gpkg", "the street layer is empty")


def test_zero_byte_file(tmp_path, capsys):
    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    _fails(_run(empty, out, streets_layer=None), capsys, out, "empty.gpkg",
           "the file is empty (0 bytes)")


def test_misspelled_layer_suggests_the_closest(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(_run(DEMO, out, streets_layer="straten"), capsys, out,
           "layer 'straten' not found", "layers:")
    _fails(_run(DEMO, out, streets_layer="street"), capsys, out, "did you mean 'streets'")


# --- geometry ------------------------------------------------------------------------------------

def test_points_as_streets(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(_run(DEMO, out, streets_layer="pois"), capsys, out, "expected a line layer")


def test_lines_as_area(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(_run(DEMO, out, "--area", str(DEMO), "--area-layer", "streets"), capsys, out,
           "streets", "polygon")


def test_null_and_empty_street_geometries(tmp_path, capsys, streets):
    bad = streets.copy()
    bad["geometry"] = [None, shapely.LineString()] * (len(bad) // 2) + [None] * (len(bad) % 2)
    path = tmp_path / "nulls.gpkg"
    bad.to_file(path, layer="streets")
    out = tmp_path / "out"
    _fails(_run(path, out), capsys, out, "nulls.gpkg", "no usable lines")


def test_some_null_and_empty_street_geometries_are_left_out_with_a_warning(tmp_path, caplog,
                                                                          streets):
    # A documented repair: features without geometry are dropped and counted in a warning.
    bad = streets.copy()
    bad.loc[bad.index[:5], "geometry"] = None
    bad.loc[bad.index[5:10], "geometry"] = shapely.LineString()
    path = tmp_path / "somenulls.gpkg"
    bad.to_file(path, layer="streets")
    out = tmp_path / "out"
    assert main(_run(path, out, "--area", str(DEMO), "--area-layer", "study_area",
                     "--lang", "en")) == 0
    assert "somenulls.gpkg (layer streets): 10 street feature(s) with a null or empty " \
        "geometry were left out" in caplog.text, caplog.text
    assert (out / "wijkkracht.gpkg").exists()


def test_output_folder_with_files_is_left_as_it_was(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.gpkg").write_text("an earlier result")
    _fails(_run(tmp_path / "nope.gpkg", out, streets_layer=None), capsys, out, "file not found")
    assert (out / "earlier.gpkg").read_text() == "an earlier result"


def test_output_path_is_a_file(tmp_path, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    _fails(_run(DEMO, blocker, "--area", str(DEMO), "--area-layer", "study_area"), capsys,
           tmp_path, "is a file, not a folder", code=2)
    assert blocker.read_text() == "not a folder"


def test_batch_with_a_missing_input_file(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'out = "out"\nname = "b"\n[areas]\nfile = "{CBS.as_posix()}"\n'
                   'codes = ["BU99990101"]\n[data]\nstreets = "missing.gpkg"\n'
                   f'pois = "{DEMO.as_posix()}"\npois_layer = "pois"\n')
    _fails(["batch", str(cfg)], capsys, tmp_path / "out", "run.toml: data.streets: ",
           "missing.gpkg does not exist")


def test_missing_crs(tmp_path, capsys, streets):
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning):
        streets.set_crs(None, allow_override=True).to_file(path, layer="streets")
    out = tmp_path / "out"
    _fails(_run(path, out), capsys, out, "nocrs.gpkg", "no coordinate reference system")


def test_rd_new_numbers_in_geojson_without_crs(tmp_path, capsys, streets):
    feats = json.loads(streets.iloc[:50].to_crs(28992).to_json(drop_id=True))
    feats.pop("crs", None)  # RFC 7946: no crs member, so readers assume WGS84
    path = tmp_path / "rd.geojson"
    path.write_text(json.dumps(feats))
    out = tmp_path / "out"
    _fails(_run(path, out, streets_layer=None), capsys, out, "rd.geojson",
           "looks like RD New (EPSG:28992)")


# --- areas ---------------------------------------------------------------------------------------

def _area(path: Path, polygon, crs: int = 28992) -> Path:
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[polygon], crs=crs).to_file(path, layer="area")
    return path


def test_area_outside_the_netherlands(tmp_path, capsys):
    area = _area(tmp_path / "paris.gpkg", shapely.box(2.33, 48.85, 2.36, 48.87), crs=4326)
    out = tmp_path / "out"
    _fails(_run(DEMO, out, "--area", str(area)), capsys, out, "paris.gpkg", "Netherlands")


def test_area_with_no_streets(tmp_path, capsys):
    # Maastricht, while the network is Utrecht's Kanaleneiland
    area = _area(tmp_path / "maastricht.gpkg", shapely.box(175000, 316000, 177000, 318000))
    out = tmp_path / "out"
    _fails(_run(DEMO, out, "--area", str(area)), capsys, out,
           "the streets do not reach the study area at all (places within 200 m of a street)")


def test_area_with_no_pois(tmp_path, capsys):
    path = tmp_path / "far.gpkg"
    gpd.GeoDataFrame({"osm_id": ["N1", "N2"], "tag": ["shop=bakery", "amenity=cafe"]},
                     geometry=[shapely.Point(176000, 317000), shapely.Point(176100, 317000)],
                     crs=28992).to_file(path, layer="pois")
    out = tmp_path / "out"
    _fails(_run(DEMO, out, "--area", str(DEMO), "--area-layer", "study_area",
                pois=["--pois", str(path)]), capsys, out, "no POIs",
           "check that the POI layer covers the area")


def test_self_intersecting_area_is_repaired_with_a_warning(tmp_path, capsys, caplog):
    # A documented repair, not an error: the polygon is made valid and a warning says so.
    area_gdf = gpd.read_file(DEMO, layer="study_area")
    x0, y0, x1, y1 = area_gdf.total_bounds
    bowtie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    assert not bowtie.is_valid
    area = _area(tmp_path / "bowtie.gpkg", bowtie)
    out = tmp_path / "out"
    assert main(_run(DEMO, out, "--area", str(area))) == 0
    said = caplog.text
    assert "bowtie.gpkg" in said, said
    assert "invalid (e.g. self-intersecting) area polygon(s) repaired" in said, said
    assert (out / "wijkkracht.gpkg").exists()


# --- columns and tables --------------------------------------------------------------------------

def test_pois_without_the_needed_columns(tmp_path, capsys):
    path = tmp_path / "pois.gpkg"
    gpd.GeoDataFrame({"colour": ["red"]}, geometry=[shapely.Point(135000, 453500)],
                     crs=28992).to_file(path, layer="pois")
    out = tmp_path / "out"
    _fails(_run(DEMO, out, pois=["--pois", str(path)]), capsys, out,
           "pois.gpkg", "no POI columns found")


def test_unknown_area_code_suggests_the_closest(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(_run(DEMO, out, "--areas", str(CBS), "--area-code", "BU99990109"), capsys, out,
           "BU99990109")


# --- output --------------------------------------------------------------------------------------

def test_output_folder_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = blocker / "out"
    _fails(_run(DEMO, out, "--area", str(DEMO), "--area-layer", "study_area"), capsys, tmp_path,
           "out")
    assert blocker.read_text() == "not a folder"


# --- batch configuration -------------------------------------------------------------------------

def test_config_key_that_does_not_exist(tmp_path, capsys):
    demo = DEMO.as_posix()
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'out = "out"\nname = "b"\n[areas]\nfile = "{CBS.as_posix()}"\n'
                   f'codes = ["BU99990101"]\n[data]\nstreets = "{demo}"\nstreets_layer = '
                   f'"streets"\npois = "{demo}"\npois_layer = "pois"\n[analysis]\nkk = 4\n')
    _fails(["batch", str(cfg)], capsys, tmp_path / "out",
           "analysis.kk: unknown key; did you mean 'analysis.k'?")


# --- establishments (KvK/LISA CSV, with --bag) ---------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from wijkkracht.data_sources.synthetic import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, seed=0)
    return folder


def _bag_run(synthetic: Path, establishments: Path, out: Path) -> list[str]:
    return _run(DEMO, out, "--bag", str(synthetic / "bag_synthetic.gpkg"), "--bag-layer",
                "verblijfsobject_synthetic", "--establishments", str(establishments),
                "--reference-date", "2025-06-30")


def test_misspelled_establishments_column_suggests_the_closest(synthetic, tmp_path, capsys):
    text = (synthetic / "establishments_synthetic.csv").read_text(encoding="utf-8")
    bad = tmp_path / "kvk.csv"
    bad.write_text(text.replace("vestigingsnummer", "vestigingsnumer", 1), encoding="utf-8")
    out = tmp_path / "out"
    _fails(_bag_run(synthetic, bad, out), capsys, out, "kvk.csv",
           "no column for 'vestigingsnummer' found", "did you mean 'vestigingsnumer'?")


def test_establishments_not_a_table(synthetic, tmp_path, capsys):
    bad = tmp_path / "kvk.csv"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    _fails(_bag_run(synthetic, bad, out), capsys, out, "kvk.csv")


def test_cp1252_csv_with_a_duplicate_id_is_read_and_reported(synthetic, tmp_path):
    # Documented repairs, not errors: the encoding is detected (recorded in the metadata) and a
    # duplicate vestigingsnummer keeps its first row; the other lands in the problems CSV.
    import pandas as pd

    est = pd.read_csv(synthetic / "establishments_synthetic.csv", dtype=str, keep_default_na=False)
    est.loc[0, "legal_form"] = "Coöperatie"
    est = pd.concat([est, est.iloc[[0]]], ignore_index=True)
    path = tmp_path / "kvk_cp1252.csv"
    est.to_csv(path, index=False, encoding="cp1252")
    out = tmp_path / "out"
    assert main(_bag_run(synthetic, path, out) + ["-q"]) == 0
    problems = pd.read_csv(out / "wijkkracht_establishment_problems.csv", dtype=str)
    dup = problems[problems["reason"].str.contains("duplicate vestigingsnummer", na=False)]
    assert list(dup["vestigingsnummer"]) == [est.loc[0, "vestigingsnummer"]]


def test_mapping_with_an_unknown_key(synthetic, tmp_path, capsys):
    # The CSV encoding cannot be set by hand: it is detected (see the test above).
    mapping = tmp_path / "kvk.toml"
    mapping.write_text('encoding = "utf-8"\n')
    out = tmp_path / "out"
    _fails(_bag_run(synthetic, synthetic / "establishments_synthetic.csv", out)
           + ["--establishments-mapping", str(mapping)], capsys, out,
           "kvk.toml", "column mapping names unknown output column(s) ['encoding']; known:")


# --- a read-only folder, no permission, a full disk ----------------------------------------------

def _argv_demo_area(out: Path) -> list[str]:
    return _run(DEMO, out, "--area", str(DEMO), "--area-layer", "study_area", "--report")


@pytest.fixture
def tmpfs(tmp_path):
    """Mount small tmpfs file systems under ``tmp_path`` (root only; skipped where mounting is
    not allowed, e.g. in an unprivileged container)."""
    import subprocess

    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def test_read_only_file_system(tmpfs, capsys):
    ro = tmpfs("ro", "ro,size=1m")
    # the folder exists (and is read-only) ...
    _fails(_argv_demo_area(ro), capsys, ro, str(ro),
           "cannot write into the output folder (Read-only file system)")
    # ... or would have to be made in it
    _fails(_argv_demo_area(ro / "out"), capsys, ro, "cannot create the output folder "
           "(Read-only file system)")


def test_full_disk_says_so_and_leaves_nothing(tmpfs, capsys):
    full = tmpfs("full", "size=256k")
    out = full / "run" / "out"
    _fails(_argv_demo_area(out), capsys, full, "wijkkracht.gpkg: the disk is full",
           "free some space or write to another folder")
    assert _files(full) == []  # neither temporaries nor the folders this run made


def test_full_disk_in_batch(tmpfs, capsys):
    full = tmpfs("full", "size=256k")
    demo = DEMO.as_posix()
    cfg = full.parent / "run.toml"
    cfg.write_text(f'out = "{(full / "out").as_posix()}"\nname = "b"\n[areas]\nfile = '
                   f'"{CBS.as_posix()}"\ncodes = ["BU99990101"]\n[data]\nstreets = "{demo}"\n'
                   f'streets_layer = "streets"\npois = "{demo}"\npois_layer = "pois"\n')
    assert main(["batch", str(cfg), "-q"]) == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err, err
    assert "Traceback" not in err, err
    merged = [f for f in _files(full) if f.startswith("out/b.")]
    assert merged == [], merged  # no (half) merged output published


def test_folder_without_write_permission(tmp_path):
    # As root, permissions do not apply: run the command line as 'nobody' instead.
    import os
    import subprocess
    import sys
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="wijkkracht-perm-"))
    try:
        base.chmod(0o755)
        out = base / "out"
        out.mkdir(mode=0o555)
        out.chmod(0o555)
        cmd = [sys.executable, "-m", "wijkkracht", *_argv_demo_area(out)]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=base,
                              env={**os.environ, "HOME": str(base)})
        lines = [ln for ln in done.stderr.splitlines() if ln.startswith("wijkkracht: error:")]
        assert done.returncode == 1, done.stderr
        assert lines == [f"wijkkracht: error: {out}: cannot write into the output folder "
                         "(Permission denied); choose another folder or make it writable"], \
            done.stderr
        assert list(out.iterdir()) == []
    finally:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


# --- dtypes, CRS across files, no addresses ------------------------------------------------------

def _bag_with(synthetic: Path, tmp_path: Path, **columns) -> Path:
    bag = gpd.read_file(synthetic / "bag_synthetic.gpkg", layer="verblijfsobject_synthetic")
    for name, change in columns.items():
        bag[name] = change(bag[name])
    path = tmp_path / "bag.gpkg"
    bag.to_file(path, layer="verblijfsobject_synthetic")
    return path


def _bag_argv(bag: Path, synthetic: Path, out: Path) -> list[str]:
    return _run(DEMO, out, "--area", str(DEMO), "--area-layer", "study_area", "--bag", str(bag),
                "--bag-layer", "verblijfsobject_synthetic", "--establishments",
                str(synthetic / "establishments_synthetic.csv"), "--reference-date",
                "2025-06-30")


def test_text_in_a_number_column_is_read_as_unknown_with_a_warning(synthetic, tmp_path):
    # A documented repair: 'groot' in oppervlakte (floor area) is unknown, counted in a warning;
    # the other floor areas are kept.
    bag = _bag_with(synthetic, tmp_path, oppervlakte=lambda s: s.astype(object).where(
        s.index % 10 != 0, "groot"))
    out = tmp_path / "out"
    n_bad = len(range(0, len(gpd.read_file(bag, layer="verblijfsobject_synthetic")), 10))
    said = f"{n_bad} oppervlakte value\\(s\\) are not numbers \\(e.g. 'groot'\\); read as unknown"
    # the command line reads the units near the area only, so it counts fewer
    with pytest.warns(UserWarning, match=r"\d+ oppervlakte value\(s\) are not numbers"):
        assert main(_bag_argv(bag, synthetic, out) + ["-q"]) == 0
    from wijkkracht.data_sources.bag import read_bag_gpkg

    with pytest.warns(UserWarning, match=said):
        units = read_bag_gpkg(bag, layer="verblijfsobject_synthetic")
    assert int(units["oppervlakte"].isna().sum()) == n_bad
    assert units["oppervlakte"].notna().sum() == len(units) - n_bad


def test_a_number_column_without_numbers(synthetic, tmp_path, capsys):
    bag = _bag_with(synthetic, tmp_path, huisnummer=lambda s: "nr " + s.astype(str))
    out = tmp_path / "out"
    _fails(_bag_argv(bag, synthetic, out), capsys, out, "bag.gpkg",
           "column 'huisnummer' holds no numbers (e.g. 'nr ", "is it the right column?")


def test_area_with_no_addresses(synthetic, tmp_path, capsys):
    # A BAG layer of another town (moved 40 km east, 130 km south)
    bag = _bag_with(synthetic, tmp_path, geometry=lambda g: g.translate(40000, -130000))
    out = tmp_path / "out"
    _fails(_bag_argv(bag, synthetic, out), capsys, out, "bag.gpkg",
           "holds no address (verblijfsobject) in or near the study area",
           "check that the BAG layer covers the area")


def test_inputs_in_different_crs_give_the_same_result(tmp_path):
    # Streets in WGS84 GeoJSON, POIs in Web Mercator, the area in ETRS89: all are brought to
    # RD New, and the result equals the run on the RD New / WGS84 originals.
    import numpy as np

    streets = gpd.read_file(DEMO, layer="streets")
    pois = gpd.read_file(DEMO, layer="pois")
    area = gpd.read_file(DEMO, layer="study_area")
    assert {str(streets.crs), str(area.crs)} == {"EPSG:4326", "EPSG:28992"}
    streets.to_crs(4326).to_file(tmp_path / "streets.geojson")
    pois.to_crs(3857).to_file(tmp_path / "pois.gpkg", layer="pois")
    area.to_crs(4258).to_file(tmp_path / "area.gpkg", layer="area")
    mixed, same = tmp_path / "mixed", tmp_path / "same"
    assert main(["run", "--streets", str(tmp_path / "streets.geojson"), "--pois",
                 str(tmp_path / "pois.gpkg"), "--area", str(tmp_path / "area.gpkg"), "--out",
                 str(mixed), "-k", "3", "-q"]) == 0
    assert main(_run(DEMO, same, "--area", str(DEMO), "--area-layer", "study_area", "-q")) == 0
    a = gpd.read_file(mixed / "wijkkracht.gpkg", layer="streets")
    b = gpd.read_file(same / "wijkkracht.gpkg", layer="streets")
    assert a.crs == b.crs == "EPSG:28992"
    assert list(a["segment_id"]) == list(b["segment_id"])
    for col in ("n_supermarket_400", "dist_supermarket_m", "diversity_shannon_400", "cluster"):
        if col in a:
            np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float),
                                       atol=1e-6, err_msg=col)
    assert float(a.geometry.hausdorff_distance(b.geometry).max()) < 1e-6
