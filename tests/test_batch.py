"""``wijkkracht batch``: configuration, per-area resumable runs, merge (issue 6).

The areas are the four SYNTHETIC buurten BU9999xxxx of tests/data/wijkbuurtkaart_cbs_synthetic.gpkg
(within Kanaleneiland); streets and POIs are the bundled real OSM data. No network access.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from wijkkracht import batch
from wijkkracht._version import __version__
from wijkkracht.batch import load_config, run_batch
from wijkkracht.cli import main
from wijkkracht.core.errors import InputError
from wijkkracht.demo import demo_data_path

CBS = Path(__file__).parent / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
CODES = ["BU99990101", "BU99990102", "BU99990201", "BU99990202"]


def _config(folder: Path, *, out: str = "out", areas: str | None = None,
            analysis: str = "k = 4\nseed = 0", extra: str = "", data: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_data_path().as_posix()
    areas = areas if areas is not None else f'codes = {json.dumps(CODES)}'
    data = data if data is not None else (
        f'streets = "{demo}"\nstreets_layer = "streets"\npois = "{demo}"\npois_layer = "pois"')
    text = (f'out = "{out}"\nname = "batch"\nlang = "en"\n{extra}\n'
            f'[areas]\nfile = "{CBS.as_posix()}"\n{areas}\n'
            f'[data]\n{data}\n[analysis]\n{analysis}\n')
    path = folder / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_config(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


# --- configuration -----------------------------------------------------------------------------

def test_example_config_is_valid():
    cfg = load_config(Path(batch.__file__).parent / "examples" / "batch.toml")
    assert cfg.codes == tuple(CODES)
    assert cfg.out == (Path(batch.__file__).parent / "examples" / "batch_out").resolve()
    assert cfg.data["streets"] == demo_data_path().resolve()


def test_paths_are_relative_to_the_config(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "areas.gpkg").write_bytes(CBS.read_bytes())
    path = _config(tmp_path / "cfg", out="../results")
    path.write_text(path.read_text().replace(CBS.as_posix(), "../sub/areas.gpkg"))
    cfg = load_config(path)
    assert cfg.areas_file == (tmp_path / "sub" / "areas.gpkg").resolve()
    assert cfg.out == (tmp_path / "results").resolve()


def test_unknown_key_suggests_the_closest(tmp_path):
    msg = _error(_config(tmp_path, analysis="kk = 4"))
    assert "analysis.kk: unknown key; did you mean 'analysis.k'?" in msg
    msg = _error(_config(tmp_path, extra='langauge = "nl"'))
    assert "langauge" in msg and "'lang'" in msg


@pytest.mark.parametrize("kwargs, expected", [
    ({"analysis": 'k = "four"'}, "analysis.k: expected int"),
    ({"analysis": "contiguous = 1"}, "analysis.contiguous: expected bool"),
    ({"analysis": "k = 1"}, "analysis.k: expected a whole number >= 2 and <= 12, got 1"),
    ({"analysis": "k = 13"}, "analysis.k: expected a whole number >= 2 and <= 12, got 13"),
    ({"analysis": "k = 4\nk_range = [3, 5]"}, "analysis.k_range: give k or k_range"),
    ({"analysis": "k_range = [5, 3]"},
     "analysis.k_range: expected MIN-MAX with 2 <= MIN <= MAX <= 12, got [5, 3]"),
    ({"analysis": "privacy_threshold = 0"},
     "analysis.privacy_threshold: expected a whole number >= 1 and <= 100, got 0"),
    ({"analysis": 'reference_date = "2026-01-01"'}, "analysis.reference_date: needs data.establishments"),
    ({"data": 'pois = "x.gpkg"'}, "data.streets: missing"),
    ({"data": 'streets = "nowhere.gpkg"\npois = "nowhere.gpkg"'}, "data.streets: "),
    ({"extra": 'formats = ["gpkg", "shp"]'}, "formats: expected a list of 'gpkg' and/or"),
    ({"extra": "[engine]\nworkers = 0"}, "engine.workers: must be at least 1"),
    ({"extra": '[engine]\nscheduler = "localhost:8786"'}, "engine.scheduler: expected a Dask"),
    ({"extra": "[engine]\npartition_size = 0"}, "engine.partition_size: expected 1 to 10000"),
    ({"extra": "[engine]\nthreads = 2"}, "engine.threads: unknown key"),
    ({"data": 'streets = "run.toml"\npois = "run.toml"\nbag_snapshot_date = "2026-01-01"'},
     "data.bag_snapshot_date: needs data.bag"),
    ({"areas": 'codes = ["BU99990101"]\ngemeente = "GM9999"'}, "areas.codes: give either"),
    ({"areas": 'gemeente = "9999"'}, "areas.gemeente: expected a gemeente code"),
    ({"areas": "codes = []"}, "areas.codes: expected a non-empty list"),
    ({"extra": 'name = "../escape"'}, "name: must be a plain file name"),
    ({"extra": 'lang = "de"'}, "lang: must be 'nl' or 'en'"),
    ({"analysis": 'typology_segments = "fronts"'},
     "analysis.typology_segments: expected one of fronting, streets, all, got 'fronts'; "
     "did you mean 'fronting'?"),
    ({"analysis": 'typology_segments = "paths"'},
     "analysis.typology_segments: expected one of fronting, streets, all, got 'paths'"),
    ({"analysis": "typology_segments = 1"}, "analysis.typology_segments: expected str"),
])
def test_invalid_values_name_the_key(tmp_path, kwargs, expected):
    text = _config(tmp_path, **kwargs).read_text()
    if "extra" in kwargs:  # the override comes after the default; TOML forbids a key twice
        key = kwargs["extra"].split(" ")[0]
        text = "\n".join(line for line in text.splitlines()
                         if not line.startswith(f"{key} =") or line == kwargs["extra"])
        (tmp_path / "run.toml").write_text(text)
    assert expected in _error(tmp_path / "run.toml")


def test_typology_segments_reaches_the_analysis(tmp_path, monkeypatch):
    """``[analysis] typology_segments`` is passed to the analysis of every area (and recorded
    in its GeoPackage); without it, the analysis's default."""
    import wijkkracht.core.pipeline as pipeline

    seen = []
    real = pipeline.analyse

    def spy(streets, pois, area, **kw):
        seen.append(kw.get("typology_segments"))
        return real(streets, pois, area, **kw)

    monkeypatch.setattr(pipeline, "analyse", spy)
    cfg = _config(tmp_path / "a", areas='codes = ["BU99990101"]',
                  analysis='k = 3\ntypology_segments = "streets"')
    summary = run_batch(load_config(cfg))
    assert summary.done == ["BU99990101"] and seen == ["streets"]
    meta = json.loads(pyogrio.read_info(tmp_path / "a" / "out" / "areas" / "BU99990101.gpkg",
                                        layer="streets")["dataset_metadata"]
                      ["WIJKKRACHT_METADATA"])
    assert meta["parameters"]["typology_segments"] == "streets"
    assert load_config(_config(tmp_path / "b")).analysis.get("typology_segments") is None


def test_not_toml_and_missing_file(tmp_path):
    (tmp_path / "bad.toml").write_text("out = \n")
    assert "not valid TOML" in _error(tmp_path / "bad.toml")
    assert "configuration file not found" in _error(tmp_path / "none.toml")


def test_cli_config_error_is_one_line(tmp_path, capsys):
    assert main(["batch", str(_config(tmp_path, analysis="seeed = 1"))]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "analysis.seeed: unknown key; did you mean 'analysis.seed'?" in err


# --- runs ----------------------------------------------------------------------------------------

def _mtimes(out: Path) -> dict[str, int]:
    files = [*sorted((out / "areas").iterdir()), out / "batch.gpkg"]
    return {f.name: f.stat().st_mtime_ns for f in files}


def _streets(path: Path) -> pd.DataFrame:
    df = pyogrio.read_dataframe(path, layer="streets")
    df["wkb"] = df.geometry.to_wkb()
    return pd.DataFrame(df.drop(columns="geometry")).sort_values(
        ["area_code", "segment_id"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A complete uninterrupted CLI run of the four buurten (selected as gemeente GM9999)."""
    folder = tmp_path_factory.mktemp("full")
    cfg = _config(folder, areas='gemeente = "GM9999"')
    assert main(["batch", "-q", str(cfg)]) == 0
    return folder / "out"


def test_batch_writes_areas_records_and_merged_output(finished):
    for code in CODES:
        assert (finished / "areas" / f"{code}.gpkg").is_file()
        rec = json.loads((finished / "areas" / f"{code}.json").read_text())
        assert rec["area_code"] == code and len(rec["hash"]) == 64
    assert not [p for p in finished.rglob(".*")]  # no temporary files left
    merged = finished / "batch.gpkg"
    streets = pyogrio.read_dataframe(merged, layer="streets")
    areas = pyogrio.read_dataframe(merged, layer="areas")
    assert sorted(areas["area_code"]) == CODES
    assert sorted(streets["area_code"].unique()) == CODES
    # every segment belongs to one area (its midpoint); the area summary counts its street
    # segments (core.streets: is_street), paths and sidewalks not
    counts = streets[streets["is_street"]].groupby("area_code").size()
    assert counts.to_dict() == dict(zip(areas["area_code"], areas["segments"], strict=True))
    assert len(streets) > counts.sum()
    # the named streets of every area, with its code
    named = pyogrio.read_dataframe(merged, layer="named_streets")
    assert sorted(named["area_code"].unique()) == CODES
    assert named["street_id"].str.len().gt(0).all()
    assert not streets.duplicated(["osm_id", "segment_id", "area_code"]).any()
    meta = json.loads(pyogrio.read_info(merged, layer="streets")["dataset_metadata"]
                      ["WIJKKRACHT_BATCH"])
    assert meta["version"] == __version__
    assert meta["inputs"]["streets"]["size"] == demo_data_path().stat().st_size
    assert meta["inputs"]["areas"]["name"] == CBS.name
    assert meta["parameters"]["analysis"] == {"k": 4, "seed": 0}
    assert sorted(meta["areas"]) == CODES


def test_rerun_skips_every_area(finished):
    before = _mtimes(finished)
    cfg = load_config(finished.parent / "run.toml")
    summary = run_batch(cfg)
    assert summary.done == [] and sorted(summary.skipped) == CODES and not summary.failed
    assert _mtimes(finished) == before


def test_changed_parameter_redoes_the_areas(tmp_path, finished):
    cfg = _config(tmp_path, analysis="k = 3\nseed = 0")
    (tmp_path / "out").mkdir()
    for f in (finished / "areas").iterdir():  # a run with k = 4 done before in this folder
        (tmp_path / "out" / "areas").mkdir(exist_ok=True)
        (tmp_path / "out" / "areas" / f.name).write_bytes(f.read_bytes())
    summary = run_batch(load_config(cfg))
    assert sorted(summary.done) == CODES and summary.skipped == []
    assert _streets(tmp_path / "out" / "batch.gpkg")["type_id"].nunique() <= 3
    # the same parameters again: nothing to do
    assert run_batch(load_config(cfg)).done == []


def test_failed_area_is_reported_and_the_rest_go_on(tmp_path, monkeypatch, capsys):
    import wijkkracht.core.pipeline as pipeline

    real = pipeline.analyse

    def flaky(streets, pois, area, **kw):
        if kw["areas"]["area_code"].iloc[0] == "BU99990102":
            raise RuntimeError("disk on fire\nsecond line")
        return real(streets, pois, area, **kw)

    monkeypatch.setattr(pipeline, "analyse", flaky)
    cfg = _config(tmp_path)
    assert main(["batch", "-q", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "wijkkracht: area BU99990102 failed: RuntimeError: disk on fire\n" in err
    assert "second line" not in err
    assert not (tmp_path / "out" / "batch.gpkg").exists()
    assert sorted(p.stem for p in (tmp_path / "out" / "areas").glob("*.json")) == \
        [c for c in CODES if c != "BU99990102"]
    monkeypatch.setattr(pipeline, "analyse", real)
    summary = run_batch(load_config(cfg))
    assert summary.done == ["BU99990102"] and len(summary.skipped) == 3
    assert summary.merged is not None and summary.merged.is_file()


def test_killed_run_resumes_to_the_same_result(tmp_path, finished):
    cfg = _config(tmp_path)
    records = tmp_path / "out" / "areas"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(batch.__file__).parent.parent), os.environ.get("PYTHONPATH", "")])}
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "wijkkracht", "batch", "-q", str(cfg)],
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 120
    try:
        while not (records.exists() and list(records.glob("*.json"))):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no area finished in time"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    finished_before = {p.stem: p.stat().st_mtime_ns for p in records.glob("*.json")}
    assert 1 <= len(finished_before) < len(CODES)
    assert not (tmp_path / "out" / "batch.gpkg").exists()

    summary = run_batch(load_config(cfg))
    assert sorted(summary.skipped) == sorted(finished_before)
    assert sorted(summary.done + summary.skipped) == CODES
    assert {p: (records / f"{p}.json").stat().st_mtime_ns for p in finished_before} == \
        finished_before
    assert not [p for p in (tmp_path / "out").rglob(".*")]  # no temporary files left behind
    pd.testing.assert_frame_equal(_streets(tmp_path / "out" / "batch.gpkg"),
                                  _streets(finished / "batch.gpkg"))
    resumed = pyogrio.read_dataframe(tmp_path / "out" / "batch.gpkg", layer="areas")
    full = pyogrio.read_dataframe(finished / "batch.gpkg", layer="areas")
    pd.testing.assert_frame_equal(pd.DataFrame(resumed.drop(columns="geometry")),
                                  pd.DataFrame(full.drop(columns="geometry")))


def test_parallel_workers_give_the_same_result(tmp_path, finished):
    cfg = _config(tmp_path)
    assert main(["batch", "-q", "--workers", "2", str(cfg)]) == 0
    pd.testing.assert_frame_equal(_streets(tmp_path / "out" / "batch.gpkg"),
                                  _streets(finished / "batch.gpkg"))


def test_batch_with_synthetic_bag_and_establishments(tmp_path):
    from wijkkracht.data_sources.synthetic import write_synthetic

    bag, _, est, _ = write_synthetic(tmp_path / "syn", seed=0)  # SYNTHETIC BAG/KvK-style data
    demo = demo_data_path().as_posix()
    data = (f'streets = "{demo}"\nstreets_layer = "streets"\npois = "{demo}"\n'
            f'pois_layer = "pois"\nbag = "syn/{bag.name}"\n'
            f'bag_layer = "verblijfsobject_synthetic"\nbag_snapshot_date = "2026-01-01"\n'
            f'establishments = "syn/{est.name}"')
    cfg = _config(tmp_path, areas='codes = ["BU99990102", "BU99990201"]', data=data,
                  analysis='k = 3\nprivacy_threshold = 5\nreference_date = "2026-01-01"')
    summary = run_batch(load_config(cfg))
    assert sorted(summary.done) == ["BU99990102", "BU99990201"] and not summary.failed
    streets = pyogrio.read_dataframe(summary.merged, layer="streets")
    assert streets["bag_units"].sum() > 0 and streets["active_est"].notna().any()
    meta = json.loads(pyogrio.read_info(summary.merged, layer="streets")["dataset_metadata"]
                      ["WIJKKRACHT_BATCH"])
    assert meta["inputs"]["bag"]["size"] == bag.stat().st_size
    assert meta["inputs"]["establishments"]["name"] == est.name
    assert meta["parameters"]["analysis"]["privacy_threshold"] == 5
    assert meta["bag_snapshot_dates"] == ["2026-01-01"]
    rows = len(pd.read_csv(est, sep=None, engine="python", dtype=str))
    assert meta["establishments"]["counts"]["read"] == rows
    assert 0 < meta["establishments"]["counts"]["valid"] <= rows


@pytest.mark.parametrize("workers", [1, 2])
def test_unreadable_input_is_one_line(tmp_path, capsys, workers):
    (tmp_path / "streets.gpkg").write_text("not a GeoPackage")
    demo = demo_data_path().as_posix()
    cfg = _config(tmp_path, data=f'streets = "streets.gpkg"\npois = "{demo}"\npois_layer = "pois"')
    assert main(["batch", "-q", "--workers", str(workers), str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "streets.gpkg" in err
    assert all(line.startswith("wijkkracht: ") for line in err.strip().splitlines())
    assert not (tmp_path / "out" / "batch.gpkg").exists()
    assert not list((tmp_path / "out" / "areas").glob("*.json"))


def test_geoparquet_output_equals_the_geopackage_and_is_kept_when_up_to_date(tmp_path, finished):
    import geopandas as gpd

    cfg = _config(tmp_path, extra='formats = ["gpkg", "parquet"]')
    (tmp_path / "out" / "areas").mkdir(parents=True)
    for f in (finished / "areas").iterdir():  # the areas are done: only the merge is left
        (tmp_path / "out" / "areas" / f.name).write_bytes(f.read_bytes())
    summary = run_batch(load_config(cfg))
    assert summary.done == [] and len(summary.skipped) == len(CODES)
    out = tmp_path / "out"
    assert summary.merged == out / "batch.gpkg"
    pq = gpd.read_parquet(out / "batch_streets.parquet")
    assert pq.crs.to_epsg() == 28992
    pq["wkb"] = pq.geometry.to_wkb()
    pd.testing.assert_frame_equal(
        pd.DataFrame(pq.drop(columns="geometry")).sort_values(["area_code", "segment_id"])
        .reset_index(drop=True), _streets(finished / "batch.gpkg"), check_dtype=False)
    assert sorted(gpd.read_parquet(out / "batch_areas.parquet")["area_code"]) == CODES
    assert sorted(gpd.read_parquet(out / "batch_named_streets.parquet")["area_code"].unique()) \
        == CODES
    files = ("batch.gpkg", "batch_streets.parquet", "batch_areas.parquet",
             "batch_named_streets.parquet")
    before = {f: (out / f).stat().st_mtime_ns for f in files}
    run_batch(load_config(cfg))  # up to date: nothing rewritten
    assert {f: (out / f).stat().st_mtime_ns for f in files} == before
    (out / "batch_areas.parquet").unlink()  # one output lost: merged again
    # ... and what a run killed in the middle of a merge left is cleaned up
    left = [out / ".batch_streets.parquet.0badc0de.tmp.parquet",
            out / ".batch.gpkg.0badc0de.tmp.gpkg-journal", out / "areas" / ".x.json.0badc0de.tmp.json"]
    for p in left:
        p.write_bytes(b"half")
    run_batch(load_config(cfg))
    assert (out / "batch_areas.parquet").is_file()
    assert not [p for p in left if p.exists()]
