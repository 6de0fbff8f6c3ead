"""The command line as a user meets it: real runs, real files, exit codes and messages."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from wijkkracht.cli import main
from wijkkracht.demo import demo_data_path

DEMO = demo_data_path()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "wijkkracht", "demo", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    return proc, out


def test_demo_writes_map_and_geopackage(demo_out):
    proc, out = demo_out
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["wijkkracht.gpkg", "wijkkracht.html"]
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    info = pyogrio.read_info(out / "wijkkracht.gpkg", layer="streets")
    run = json.loads(info["dataset_metadata"]["WIJKKRACHT_METADATA"])
    # every segment of the study area's walking network, the named streets beside them
    assert len(streets) == run["network"]["segments_study_area"] > 2000
    named = gpd.read_file(out / "wijkkracht.gpkg", layer="named_streets")
    assert len(named) > 50 and set(named["street_id"]) == set(streets["street_id"]) - {""}
    from wijkkracht.core.categories import EVERYDAY
    from wijkkracht.core.indicators import INDICATORS

    # an everyday category the demo's POIs lack (none counted, e.g. no amenity=pharmacy: its
    # drugstores are shop=chemist) has no distance at all, and the run says why
    counted = run["counted_once"]["categories"]
    lacking = {cat for cat in EVERYDAY if not counted.get(cat, {}).get("counted")}
    assert "pharmacy" in lacking
    for cat in lacking:
        assert streets[f"dist_{cat}_m"].isna().all(), cat
        # said in the run's language (Dutch by default)
        assert f"dist_{cat}_m is leeg (de gegevens missen het" in proc.stderr, cat
    for col, ind in INDICATORS.items():
        if col in {f"dist_{cat}_m" for cat in lacking}:
            continue
        if ind.requires == "osm" or col.endswith("_400"):
            assert streets[col].notna().all(), col
        else:  # the demo's SYNTHETIC BAG/KvK layers: present, nulls where they mean something
            assert col in streets, col
    # by default the street segments that addresses or buildings front get a type; the
    # others are no opportunity type (untyped_street, untyped_path) and have no type_id
    assert run["parameters"]["typology_segments"] == "fronting"
    typed = streets["type_id"].notna()
    assert typed.sum() == run["parameters"]["typed_segments"]
    assert (streets.loc[typed, "is_street"] & (streets.loc[typed, "fronting_n"] > 0)).all()
    assert set(streets.loc[~typed, "type_key"]) == {"untyped_street", "untyped_path"}
    assert (streets["type_name_nl"].str.len() > 0).all()
    with sqlite3.connect(out / "wijkkracht.gpkg") as con:
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles")}
    assert {"streets", "named_streets", "pois", "area"} <= styled
    html = (out / "wijkkracht.html").read_text(encoding="utf-8")
    assert "OpenStreetMap" in html
    # Progress went to stderr, step by step.
    # 8 steps, plus BAG/KvK, opening hours and spending flows
    assert "[1/11]" in proc.stderr and "[11/11]" in proc.stderr and "[12/" not in proc.stderr
    assert "[9/11] Bestedingsstromen berekenen (Huff)" in proc.stderr
    assert "kansentypen," in proc.stderr and "opportunity types" not in proc.stderr
    # the run's summary: street segments and the walking network, named streets, and the
    # detour check of the network (core.diagnostics), in a normal run's output
    street = int(streets["is_street"].sum())
    assert f"{street} straatsegmenten ({len(streets)} in het loopnetwerk)" in proc.stderr
    assert f"{len(named)} straten op naam" in proc.stderr
    from wijkkracht.core.diagnostics import detour_summary_text
    from wijkkracht.core.messages import localise

    assert localise(detour_summary_text(run["detour"]), "nl") in proc.stderr
    # the demo's BAG/KvK layers are SYNTHETIC, and both outputs say so
    assert "SYNTHETIC" in html
    with sqlite3.connect(out / "wijkkracht.gpkg") as con:
        meta = "\n".join(r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata"))
    assert "SYNTHETIC" in meta and \
        '"synthetic": ["bag", "establishments", "opening_hours"]' in meta


@pytest.mark.parametrize("which", ["streets", "all"])
def test_typology_segments_option_reaches_the_analysis(tmp_path, which):
    out = tmp_path / which
    assert main(["demo", "--osm-only", "--out", str(out), "-q", "-k", "4",
                 "--typology-segments", which]) == 0
    info = pyogrio.read_info(out / "wijkkracht.gpkg", layer="streets")
    run = json.loads(info["dataset_metadata"]["WIJKKRACHT_METADATA"])
    assert run["parameters"]["typology_segments"] == which
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    typed = streets["type_id"].notna()
    assert typed.sum() == run["parameters"]["typed_segments"]
    if which == "all":  # every segment, paths included
        assert typed.all()
    else:  # every street segment, fronted or not; the paths have no type
        assert (typed == streets["is_street"]).all()


def test_typology_segments_option_refuses_other_values(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--out", "x", "--typology-segments", "paths"])
    assert exc.value.code == 2
    assert "invalid choice: 'paths'" in capsys.readouterr().err


def test_demo_osm_only(tmp_path):
    out = tmp_path / "osm"
    assert main(["demo", "--osm-only", "--out", str(out), "-q"]) == 0
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    assert "mxi_400" not in streets and "suppressed" not in streets
    assert "SYNTHETIC" not in (out / "wijkkracht.html").read_text(encoding="utf-8")


def test_help_on_every_command(capsys):
    for argv in (["--help"], ["demo", "--help"], ["run", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
    assert "--out" in capsys.readouterr().out


def _streets_file(tmp_path, **kw):
    from wijkkracht.data_sources import read_streets

    streets = read_streets(DEMO, layer="streets")
    path = tmp_path / "streets.gpkg"
    streets.to_file(path, layer="streets", **kw)
    return path


def _run(argv, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def _assert_failed_cleanly(code, err, out: Path, *expected):
    assert code == 1
    last = [ln for ln in err.strip().splitlines() if ln.startswith("wijkkracht: error:")]
    assert len(last) == 1, err
    for text in expected:
        assert text in last[0], last[0]
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_network_file(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(tmp_path / "nope.gpkg"), "--pois", str(DEMO),
                      "--out", str(out), "-q"], capsys)
    _assert_failed_cleanly(code, err, out, "nope.gpkg", "file not found")


def test_empty_network_file(tmp_path, capsys):
    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(empty), "--pois", str(DEMO), "--out", str(out)],
                     capsys)
    _assert_failed_cleanly(code, err, out, "empty.gpkg", "empty")


def test_empty_layer(tmp_path, capsys):
    path = tmp_path / "nolines.gpkg"
    gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=28992)).to_file(path, layer="streets")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(path), "--pois", str(DEMO), "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "nolines.gpkg", "empty")


def test_network_without_crs(tmp_path, capsys):
    from wijkkracht.data_sources import read_streets

    streets = read_streets(DEMO, layer="streets").set_crs(None, allow_override=True)
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        streets.to_file(path, layer="streets")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(path), "--pois", str(DEMO), "--pois-layer", "pois",
                      "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "nocrs.gpkg", "no coordinate reference system")


def test_network_in_unknown_local_crs(tmp_path, capsys):
    from wijkkracht.data_sources import read_streets

    streets = read_streets(DEMO, layer="streets")
    local = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    streets = streets.set_crs(local, allow_override=True)
    path = tmp_path / "local.gpkg"
    streets.to_file(path, layer="streets")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(path), "--pois", str(DEMO), "--pois-layer", "pois",
                      "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "local.gpkg", "cannot be transformed")


def test_pois_without_needed_columns(tmp_path, capsys):
    path = tmp_path / "pois.gpkg"
    gpd.GeoDataFrame({"colour": ["red"]}, geometry=[shapely.Point(135000, 453500)],
                     crs=28992).to_file(path, layer="pois")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(DEMO), "--streets-layer", "streets", "--pois",
                      str(path), "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "pois.gpkg", "no POI columns found")


def test_no_pois_in_the_area(tmp_path, capsys):
    # Real POI tags, but in Maastricht: nothing on the Kanaleneiland network.
    path = tmp_path / "far.gpkg"
    gpd.GeoDataFrame({"osm_id": ["N1", "N2"], "tag": ["shop=bakery", "amenity=cafe"]},
                     geometry=[shapely.Point(176000, 317000), shapely.Point(176100, 317000)],
                     crs=28992).to_file(path, layer="pois")
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(DEMO), "--streets-layer", "streets", "--pois",
                      str(path), "--area", str(DEMO), "--area-layer", "study_area",
                      "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "no POIs", "on the street network")


def test_points_given_as_network(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(DEMO), "--streets-layer", "pois", "--pois", str(DEMO),
                      "--pois-layer", "pois", "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "layer pois", "expected a line layer")


def test_misspelled_layer_suggests_the_right_one(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(DEMO), "--streets-layer", "street", "--pois",
                      str(DEMO), "--pois-layer", "pois", "--out", str(out)], capsys)
    _assert_failed_cleanly(code, err, out, "layer 'street' not found", "did you mean 'streets'")


def test_user_files_run_end_to_end(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _run(["run", "--streets", str(DEMO), "--streets-layer", "streets", "--pois",
                      str(DEMO), "--pois-layer", "pois", "--area", str(DEMO), "--area-layer",
                      "study_area", "--out", str(out), "--name", "kanaleneiland", "-k", "4",
                      "--lang", "en"], capsys)
    assert code == 0, err
    streets = gpd.read_file(out / "kanaleneiland.gpkg", layer="streets")
    assert streets["type_id"].nunique() == 4


def test_unusable_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--lang", "fr", "--out", "x"])
    assert exc.value.code == 2


def test_demo_with_an_added_shop(tmp_path):
    # a scenario from the command line: a bakery in the south-west quarter of the demo
    out = tmp_path / "shop"
    assert main(["demo", "--out", str(out), "-q", "--add-shop", "134820,453440,bakery,120"]) == 0
    sc = gpd.read_file(out / "wijkkracht.gpkg", layer="spending_scenarios")
    first = sc.iloc[0]
    assert first["scenario"] == "added_shop" and first["zone"] == "kwart-ZW"
    assert first["osm_id"] == "shop=bakery 120 m² at 134820,453440"
    assert first["retained_share_before"] == 0 and first["retained_share_after"] > 0
    assert (sc["scenario"].iloc[1:] == "vacant_front").all()


def test_add_shop_refusals(tmp_path, capsys):
    for argv, said in ((["--osm-only", "--add-shop", "134650,453450"], "need the BAG"),
                       (["--add-shop", "10,20"], "not in the Netherlands"),
                       (["--add-shop", "134650"], "expected X,Y[,KIND[,M2]]")):
        with pytest.raises(SystemExit) as exc:
            main(["demo", "--out", str(tmp_path / "a"), *argv])
        assert said in f"{exc.value.code} {capsys.readouterr().err}"
    assert not (tmp_path / "a").exists()


def test_typology_fit_and_model_on_run(demo_out, tmp_path, capsys):
    """``typology fit`` on a result, then the model given to a run of part of the area: the
    same type for every segment both have; bad models and options end in one line."""
    _, out = demo_out
    model = tmp_path / "model.json"
    assert main(["typology", "fit", str(out / "wijkkracht.gpkg"), "--out", str(model)]) == 0
    printed = capsys.readouterr().out
    assert "Levendig gemengd centrum" in printed
    doc = json.loads(model.read_text(encoding="utf-8"))
    assert doc["format"] == "wijkkracht-typology-model" and doc["method"] == "rules"
    assert doc["fitted_on"]["results"] == [str(out / "wijkkracht.gpkg")]
    # the demo again, with the model: the same types (the rules do not depend on the area)
    again = tmp_path / "again"
    assert main(["demo", "-q", "--out", str(again), "--typology-model", str(model)]) == 0
    a = pyogrio.read_dataframe(out / "wijkkracht.gpkg", layer="streets", read_geometry=False)
    b = pyogrio.read_dataframe(again / "wijkkracht.gpkg", layer="streets", read_geometry=False)
    assert (a["type_key"] == b["type_key"]).all()
    # a k-means model fitted on the result gives a run its clusters
    kmodel = tmp_path / "kmeans.json"
    assert main(["typology", "fit", str(out / "wijkkracht.gpkg"), "-k", "4",
                 "--out", str(kmodel)]) == 0
    capsys.readouterr()
    third = tmp_path / "third"
    assert main(["demo", "-q", "--out", str(third), "--typology-model", str(kmodel)]) == 0
    c = pyogrio.read_dataframe(third / "wijkkracht.gpkg", layer="streets", read_geometry=False)
    assert set(c["type_key"]) - {"untyped_street", "untyped_path"} <= {
        t["key"] for t in json.loads(kmodel.read_text(encoding="utf-8"))["types"]}
    # refusals: before any work, in one line
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, err = _run(["demo", "-q", "--out", str(tmp_path / "x"), "--typology-model",
                      str(bad)], capsys)
    _assert_failed_cleanly(code, err, tmp_path / "x", "not a wijkkracht typology model")
    code, err = _run(["typology", "fit", str(tmp_path / "none.gpkg"), "--out", str(bad)], capsys)
    assert code == 1 and "not found" in err
    for argv in (["demo", "--out", "x", "-k", "20"], ["demo", "--out", "x", "--k-range", "8-3"],
                 ["demo", "--out", "x", "-k", "4", "--typology-model", str(model)]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2 or "leave out -k" in str(exc.value)


def test_every_option_given_reaches_the_analysis(monkeypatch, capsys):
    """The options made from their declarations (issue 16), including those the command line
    gained with them (``--hours-radius``, ``--keep-all-components``), reach the analysis as
    the declarations read them; options not given are left to the analysis's defaults."""
    import wijkkracht.demo as demo
    from wijkkracht.core.errors import InputError

    seen = {}

    def spy(**kwargs):
        seen.update(kwargs)
        raise InputError(None, "stopped by the test")

    monkeypatch.setattr(demo, "analyse_demo", spy)
    assert main(["demo", "--out", "never", "-q", "--hours-radius", "300",
                 "--keep-all-components", "--scenario-floor-area", "180", "--seed", "7",
                 "--typology-with", "spending", "--spending", "--reference-date", "2026-02-01",
                 "--huff-decay", "exponential", "--huff-lambda", "1.5",
                 "--no-hours"]) == 1
    assert "stopped by the test" in capsys.readouterr().err
    assert seen["hours_radius"] == 300.0 and seen["keep_all_components"] is True
    assert seen["scenario_floor_area"] == 180.0 and seen["random_state"] == 7
    assert seen["typology_extra"] == ("spending",) and seen["spending"] is True
    assert seen["reference_date"] == "2026-02-01" and seen["hours"] is False
    assert (seen["huff"].decay, seen["huff"].lam) == ("exponential", 1.5)
    assert "k" not in seen and "hours_week" not in seen  # not given: the defaults
