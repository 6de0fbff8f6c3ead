"""``wijkkracht batch`` with liveliness by hour and spending flows (issue 8).

Two SYNTHETIC buurten of tests/data/wijkbuurtkaart_cbs_synthetic.gpkg, the bundled real OSM
streets and POIs of Kanaleneiland and the SYNTHETIC BAG of
:func:`wijkkracht.data_sources.synthetic.write_synthetic`. No network access.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from wijkkracht import batch
from wijkkracht._version import __version__
from wijkkracht.batch import load_config, run_batch
from wijkkracht.core.errors import InputError
from wijkkracht.demo import demo_data_path

CBS = Path(__file__).parent / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
CODES = ["BU99990102", "BU99990201"]
SPEND = ["spend_demand", "spend_retained_share", "spend_leaked_share",
         "spend_beyond_reach_share", "spend_drawn", "spend_inflow_share"]


@pytest.fixture(scope="module")
def bag_file(tmp_path_factory) -> Path:
    from wijkkracht.data_sources.synthetic import write_synthetic

    bag = write_synthetic(tmp_path_factory.mktemp("syn"), seed=0)[0]  # SYNTHETIC BAG
    return bag


def _config(folder: Path, bag: Path | None, analysis: str, *,
            formats: str = '["gpkg", "parquet"]') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_data_path().as_posix()
    data = (f'streets = "{demo}"\nstreets_layer = "streets"\npois = "{demo}"\n'
            f'pois_layer = "pois"\n')
    if bag is not None:
        data += f'bag = "{bag.as_posix()}"\nbag_layer = "verblijfsobject_synthetic"\n'
    text = (f'out = "out"\nname = "batch"\nlang = "en"\nformats = {formats}\n'
            f'[areas]\nfile = "{CBS.as_posix()}"\ncodes = {json.dumps(CODES)}\n'
            f'[data]\n{data}[analysis]\n{analysis}\n')
    path = folder / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _hashes(out: Path) -> dict[str, str]:
    return {c: json.loads((out / "areas" / f"{c}.json").read_text())["hash"] for c in CODES}


@pytest.fixture(scope="module")
def spent(tmp_path_factory, bag_file):
    folder = tmp_path_factory.mktemp("spend")
    cfg = _config(folder, bag_file, 'k = 3\nspending = true\nhuff_beta = 2.0\n'
                                    'spending_per_dwelling = 2500')
    said: list[str] = []
    summary = run_batch(load_config(cfg), say=said.append)
    assert sorted(summary.done) == CODES and not summary.failed
    return folder, summary, said


def test_merged_areas_carry_the_spending_shares(spent):
    folder, summary, said = spent
    areas = pyogrio.read_dataframe(summary.merged, layer="areas")
    assert sorted(areas["area_code"]) == CODES
    for col in SPEND:
        assert col in areas.columns, col
    shares = areas[["spend_retained_share", "spend_leaked_share",
                    "spend_beyond_reach_share"]]
    assert shares.notna().all().all()
    assert ((shares >= 0) & (shares <= 1)).all().all()
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-9)
    assert (areas["spend_demand"] > 0).all()
    # spending_per_dwelling: the euro amounts of the area's zone are merged too
    np.testing.assert_allclose(areas["spend_retained_eur"],
                               areas["spend_retained_share"] * areas["spend_demand"] * 2500)
    np.testing.assert_allclose(areas["spend_drawn_eur"], areas["spend_drawn"] * 2500)
    # ... and in the GeoParquet output
    import geopandas as gpd

    pq = gpd.read_parquet(folder / "out" / "batch_areas.parquet").sort_values("area_code")
    np.testing.assert_allclose(pq["spend_retained_share"].to_numpy(),
                               areas.sort_values("area_code")["spend_retained_share"].to_numpy())
    streets = pyogrio.read_dataframe(summary.merged, layer="streets")
    assert "spend_kept_share" in streets.columns and "spend_drawn" in streets.columns
    # the per-area GeoPackages hold the spending tables; the merge leaves them there
    layers = {name for name, _ in pyogrio.list_layers(folder / "out" / "areas" / f"{CODES[0]}.gpkg")}
    assert {"spending_zones", "spending_catchment", "spending_scenarios"} <= layers
    assert {name for name, _ in pyogrio.list_layers(summary.merged)} >= {"streets", "areas"}
    # the default buffer (800 m) is less than the cut-off (2 km): said once
    assert sum("less than the spending cut-off" in s for s in said) == 1
    meta = json.loads(pyogrio.read_info(summary.merged, layer="streets")["dataset_metadata"]
                      ["WIJKKRACHT_BATCH"])
    assert meta["parameters"]["analysis"]["spending"] is True


def test_batch_area_equals_a_direct_analysis(spent, bag_file):
    """One area of the batch is what analyse() gives for that buurt, its buffered inputs and
    the area itself as the zone of the spending flows."""
    import geopandas as gpd

    from wijkkracht.core.huff import HuffParameters
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.data_sources.bag import read_bag_gpkg
    from wijkkracht.data_sources.files import read_pois, read_streets

    _, summary, _ = spent
    code = CODES[1]
    area = read_areas(CBS, codes=[code])
    geom = area.geometry.union_all()
    buffered = geom.buffer(800.0)
    demo = demo_data_path()
    streets = batch._clip(read_streets(demo, layer="streets"), buffered)
    pois = batch._clip(read_pois(demo, layer="pois"), buffered)
    bag = batch._clip(read_bag_gpkg(bag_file, layer="verblijfsobject_synthetic"), buffered)
    study = gpd.GeoDataFrame({"name": list(area["area_name"])}, geometry=[geom],
                             crs="EPSG:28992")
    direct = analyse(streets, pois, study, k=3, areas=area, bag=bag, privacy_threshold=3,
                     spending=True, huff=HuffParameters(beta=2.0), spending_per_dwelling=2500.0)
    merged = pyogrio.read_dataframe(summary.merged, layer="areas").set_index("area_code")
    row = direct.areas.set_index("area_code").loc[code]
    for col in SPEND:
        assert merged.loc[code, col] == pytest.approx(float(row[col]), rel=1e-9, abs=1e-12), col
    zone = direct.spending.zones.set_index("code").loc[code]
    for col in ("retained_eur", "leaked_eur", "drawn_eur"):
        assert merged.loc[code, f"spend_{col}"] == pytest.approx(float(zone[col]), rel=1e-9)
    assert 0 <= merged.loc[code, "spend_retained_share"] <= 1
    # the per-area zones table is that one buurt
    zones = pyogrio.read_dataframe(summary.merged.parent / "areas" / f"{code}.gpkg",
                                   layer="spending_zones")
    assert list(zones["code"]) == [code]


def test_changed_huff_beta_redoes_the_areas_and_unchanged_resumes(tmp_path, spent, bag_file):
    folder, _, _ = spent
    before = _hashes(folder / "out")
    again = run_batch(load_config(folder / "run.toml"))  # unchanged: nothing to do
    assert again.done == [] and sorted(again.skipped) == CODES
    assert _hashes(folder / "out") == before

    cfg = _config(tmp_path, bag_file, 'k = 3\nspending = true\nhuff_beta = 1.0\n'
                                      'spending_per_dwelling = 2500')
    (tmp_path / "out" / "areas").mkdir(parents=True)
    for f in (folder / "out" / "areas").iterdir():  # the beta = 2 run done in this folder
        (tmp_path / "out" / "areas" / f.name).write_bytes(f.read_bytes())
    summary = run_batch(load_config(cfg))
    assert sorted(summary.done) == CODES and summary.skipped == []
    after = _hashes(tmp_path / "out")
    assert all(after[c] != before[c] for c in CODES)
    old = pyogrio.read_dataframe(folder / "out" / "batch.gpkg", layer="areas")
    new = pyogrio.read_dataframe(summary.merged, layer="areas")
    assert not np.allclose(old.sort_values("area_code")["spend_drawn"],
                           new.sort_values("area_code")["spend_drawn"]) or \
        not np.allclose(old.sort_values("area_code")["spend_retained_share"],
                        new.sort_values("area_code")["spend_retained_share"])
    assert run_batch(load_config(cfg)).done == []


def test_hours_and_typology_with_are_passed_to_the_analysis(tmp_path, monkeypatch):
    import wijkkracht.core.pipeline as pipeline

    seen: list[dict] = []
    real = pipeline.analyse

    def spy(streets, pois, area, **kw):
        seen.append(kw)
        return real(streets, pois, area, **kw)

    monkeypatch.setattr(pipeline, "analyse", spy)
    cfg = _config(tmp_path, None, 'k = 3\nhours = true\nhours_week = "2026-01-12"\n'
                                  'hours_radius = 300\ntypology_with = ["hours"]',
                  formats='["gpkg"]')
    summary = run_batch(load_config(cfg))
    assert sorted(summary.done) == CODES and not summary.failed
    assert len(seen) == 2
    for kw in seen:
        assert kw["hours"] is True and kw["hours_week"] == "2026-01-12"
        assert kw["hours_radius"] == 300.0 and kw["typology_extra"] == ("hours",)
        assert "spending" not in kw
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "out" / "areas" / f"{CODES[0]}.gpkg")}
    assert "opening_profile" in layers
    meta = json.loads(pyogrio.read_info(summary.merged, layer="streets")["dataset_metadata"]
                      ["WIJKKRACHT_BATCH"])
    assert meta["hours_weeks"] == ["2026-01-12"]  # the Monday of that week


def test_configuration_without_the_new_keys_keeps_its_hash(tmp_path):
    """The area hash of a configuration without the new keys is computed as before them."""
    import shapely

    cfg = load_config(_config(tmp_path, None, "k = 4\nseed = 0", formats='["gpkg"]'))
    geom = shapely.box(0, 0, 1, 1).wkb
    inputs = {role: {"name": p.name, "size": p.stat().st_size,
                     "mtime_ns": p.stat().st_mtime_ns} for role, p in cfg.inputs().items()}
    payload = {"version": __version__, "inputs": inputs,
               "parameters": {"analysis": {"k": 4, "seed": 0}, "buffer": 800.0, "lang": "en",
                              "layers": {"streets_layer": "streets", "pois_layer": "pois"},
                              "bag_snapshot_date": None, "areas_layer": None},
               "area": "BU1", "geometry": hashlib.sha256(geom).hexdigest()}
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    assert batch._area_hash(cfg, "BU1", geom) == expected
    # a new key changes it
    cfg2 = load_config(_config(tmp_path / "b", None, "k = 4\nseed = 0\nhours = false",
                               formats='["gpkg"]'))
    assert batch._area_hash(cfg2, "BU1", geom) != expected


@pytest.mark.parametrize("analysis, bag, expected", [
    ("spending = true", False, "analysis.spending: needs data.bag"),
    ('spending = "yes"', True, "analysis.spending: expected bool"),
    ('spending = true\nhuff_decay = "linear"', True,
     "analysis.huff_decay: expected one of power, exponential, got 'linear'"),
    ("spending = true\nhuff_beta = -1", True,
     "analysis.huff_beta: expected a number > 0 and <= 10, got -1"),
    ("spending = true\nhuff_beta = 0", True,
     "analysis.huff_beta: expected a number > 0 and <= 10, got 0"),
    ("spending = true\nhuff_beta = nan", True,
     "analysis.huff_beta: expected a number > 0 and <= 10, got nan"),
    ('spending = true\nhuff_decay = "exponential"\nhuff_lambda = -0.5', True,
     "analysis.huff_lambda: expected a number > 0 and <= 20 (1/km), got -0.5"),
    ('spending = true\nhuff_decay = "exponential"\nhuff_beta = 2', True,
     "analysis.huff_beta: is the exponent of the power decay"),
    ("spending = true\nhuff_lambda = 1.5", True,
     "analysis.huff_lambda: is the rate of the exponential decay: needs huff_decay"),
    ("spending = true\nhuff_cutoff = 0", True,
     "analysis.huff_cutoff: expected a number > 0 and <= 10000 (m), got 0"),
    ("spending = true\nhuff_cutoff = inf", True,
     "analysis.huff_cutoff: expected a number > 0 and <= 10000 (m), got inf"),
    ('spending = true\nspending_measure = "euros"', True,
     "analysis.spending_measure: expected one of floor_area, count, got 'euros'"),
    ("spending = true\nspending_per_dwelling = 0", True,
     "analysis.spending_per_dwelling: expected a number > 0 and <= 100000 (€), got 0"),
    ("spending = true\nscenario_floor_area = -1", True,
     "analysis.scenario_floor_area: expected a number > 0 and <= 100000 (m²), got -1"),
    ("scenario_floor_area = 300", True,
     "analysis.scenario_floor_area: needs analysis.spending = true"),
    ("huff_beta = 2", True, "analysis.huff_beta: needs analysis.spending = true"),
    ("spending = false\nspending_measure = \"count\"", True,
     "analysis.spending_measure: needs analysis.spending = true"),
    ('typology_with = ["spending"]', True,
     "analysis.typology_with: 'spending' needs analysis.spending = true"),
    ('typology_with = ["hours", "noise"]', False,
     "analysis.typology_with: expected a list of hours, spending, got ['hours', 'noise'] "
     "(unknown 'noise')"),
    ('typology_with = "hours"', False, "analysis.typology_with: expected list"),
    ('hours = false\ntypology_with = ["hours"]', False,
     "analysis.typology_with: 'hours' needs the opening hours"),
    ('hours_week = "2026-13-01"', False,
     "analysis.hours_week: expected a date YYYY-MM-DD (e.g. 2026-03-31), got '2026-13-01' "
     "(month must be in 1..12)"),
    ('hours_week = "12-01-2026"', False, "analysis.hours_week: expected a date YYYY-MM-DD"),
    ('hours = false\nhours_week = "2026-01-12"', False,
     "analysis.hours_week: has no effect with analysis.hours = false"),
    ("hours = 1", False, "analysis.hours: expected bool"),
    ("hours_radius = -5", False,
     "analysis.hours_radius: expected a number > 0 and <= 2000 (m), got -5"),
    ("keep_all_components = 1", False, "analysis.keep_all_components: expected bool"),
    ("huff_beeta = 2", False, "analysis.huff_beeta: unknown key; did you mean 'analysis.huff_beta'?"),
])
def test_invalid_keys_name_the_key(tmp_path, bag_file, analysis, bag, expected):
    path = _config(tmp_path, bag_file if bag else None, analysis, formats='["gpkg"]')
    with pytest.raises(InputError) as info:
        load_config(path)
    msg = str(info.value)
    assert "\n" not in msg and expected in msg, msg


def test_valid_keys_are_kept_as_given(tmp_path, bag_file):
    cfg = load_config(_config(
        tmp_path, bag_file, 'spending = true\nhuff_decay = "exponential"\nhuff_lambda = 2\n'
                            'huff_cutoff = 1500\nspending_measure = "count"\n'
                            'typology_with = ["spending", "hours"]', formats='["gpkg"]'))
    huff = batch._huff(cfg.analysis)
    assert (huff.decay, huff.lam, huff.cutoff, huff.beta) == ("exponential", 2.0, 1500.0, 2.0)
    assert cfg.analysis["typology_with"] == ["spending", "hours"]
    assert pd.isna(cfg.analysis.get("spending_per_dwelling"))
