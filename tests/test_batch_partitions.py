"""A batch as one analysis (issue 20): ``[engine] unit = "partition"`` over a SYNTHETIC
country of two gemeenten. The merged result of a gemeente equals a single ``wijkkracht run``
over that gemeente with the run's typology model; every segment appears once, owned by one
buurt; one typology model is recorded for the run; a re-run skips the partitions."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from wijkkracht.batch import load_config, run_batch
from wijkkracht.batch_partitions import halo_m, plan_whole_partitions
from wijkkracht.cli import main
from wijkkracht.core.areas import assign_segments
from wijkkracht.data_sources.areas import read_areas
from wijkkracht.data_sources.files import read_streets

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        sc = importlib.import_module("synthetic_country")
    finally:
        sys.path.remove(str(BENCHMARKS))
    out = tmp_path_factory.mktemp("land")
    sc.write_country(out, sc.CountrySpec(gemeenten=2, buurten_per_gemeente=4,
                                         addresses_per_buurt=400))
    return {role: out / name for role, (name, _) in sc.FILES.items()}


def _config(path: Path, files: dict[str, Path], *, buffer: float, analysis: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""
out = "out"
name = "land"
[areas]
file = "{files['areas']}"
layer = "buurten"
buffer = {buffer}
[data]
streets = "{files['streets']}"
streets_layer = "streets"
pois = "{files['pois']}"
pois_layer = "pois"
bag = "{files['bag']}"
bag_snapshot_date = "2026-01-01"
establishments = "{files['establishments']}"
[analysis]
reference_date = "2026-01-01"
hours = false
{analysis}
[engine]
unit = "partition"
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(country, tmp_path_factory):
    """The whole country as one batch, with a buffer that reaches over it (so that a single
    run over one gemeente sees the same data)."""
    cfg = load_config(_config(tmp_path_factory.mktemp("batch") / "land.toml", country,
                              buffer=4000, analysis="k_range = [3, 5]"))
    summary = run_batch(cfg, workers=1)
    return cfg, summary


def test_every_segment_once_with_one_owning_buurt(country, batch):
    cfg, summary = batch
    assert not summary.failed and len(summary.done) == 2 and summary.partitions == 2
    merged = gpd.read_file(summary.merged, layer="streets")
    areas = read_areas(country["areas"], layer="buurten")
    wkb = merged.geometry.to_wkb()
    assert not wkb.duplicated().any()
    # every segment of the network whose midpoint lies in a buurt, exactly once
    network = read_streets(country["streets"], layer="streets")
    inside = assign_segments(network, areas.sort_values("area_code").reset_index(drop=True))
    assert len(merged) == int((inside >= 0).sum())
    # owned by the buurt holding its midpoint (the first code on a border)
    ordered = areas.sort_values("area_code").reset_index(drop=True)
    owner = ordered["area_code"].to_numpy()[assign_segments(merged, ordered)]
    assert (owner == merged["area_code"].to_numpy()).all()
    summary_rows = gpd.read_file(summary.merged, layer="areas")
    assert sorted(summary_rows["area_code"]) == sorted(areas["area_code"])
    counted = merged[merged["is_street"]].groupby("area_code").size()
    by_code = summary_rows.set_index("area_code")["segments"]
    assert (counted.reindex(by_code.index, fill_value=0) == by_code).all()


def test_one_typology_model_for_the_run(batch):
    cfg, summary = batch
    info = pyogrio.read_info(summary.merged, layer="streets")["dataset_metadata"]
    provenance = json.loads(info["WIJKKRACHT_BATCH"])
    assert provenance["unit"] == "partition"
    assert provenance["typology"]["method"] == "kmeans"
    assert 3 <= provenance["typology"]["k"] <= 5
    assert sorted(provenance["typology"]["fitted_on"]["partitions"]) == ["GM9000", "GM9001"]
    assert Path(provenance["typology"]["model"]).is_file()
    merged = pyogrio.read_dataframe(summary.merged, layer="streets", read_geometry=False)
    typed = merged[merged["type_id"] >= 0]
    # one meaning per type in every buurt and both gemeenten: one name per type id
    names = typed.groupby("type_id")["type_name_nl"].nunique()
    assert (names == 1).all()
    assert typed["area_code"].str[:6].nunique() == 2


def _single_run(country: dict[str, Path], summary, out: Path, codes: str,
                *extra: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``wijkkracht run`` over the buurten ``codes`` with the batch's typology model: its
    segments in those buurten, and its area summaries."""
    provenance = json.loads(pyogrio.read_info(summary.merged, layer="streets")
                            ["dataset_metadata"]["WIJKKRACHT_BATCH"])
    assert main(["run", "--streets", str(country["streets"]), "--streets-layer", "streets",
                 "--pois", str(country["pois"]), "--pois-layer", "pois",
                 "--bag", str(country["bag"]), "--establishments",
                 str(country["establishments"]), "--areas", str(country["areas"]),
                 "--areas-layer", "buurten", "--area-code", codes,
                 "--reference-date", "2026-01-01", "--no-hours", "--typology-model",
                 provenance["typology"]["model"], *extra,
                 "--out", str(out), "--name", "enkel", "-q"]) == 0
    single = gpd.read_file(out / "enkel.gpkg", layer="streets")
    areas = gpd.read_file(out / "enkel.gpkg", layer="areas")
    own = single.iloc[assign_segments(single, areas.sort_values("area_code")
                                      .reset_index(drop=True)) >= 0]
    return own, areas


def _assert_equal(own: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, summary,
                  prefix: str) -> None:
    merged = gpd.read_file(summary.merged, layer="streets")
    part = merged[merged["area_code"].str.startswith(prefix)]
    a = own.assign(k=own.geometry.to_wkb()).set_index("k").sort_index()
    b = part.assign(k=part.geometry.to_wkb()).set_index("k").sort_index()
    assert list(a.index) == list(b.index)  # the same segments
    numeric = [c for c in a.columns if c in b.columns and c != "geometry"
               and pd.api.types.is_numeric_dtype(a[c]) and c not in ("segment_id", "street_id")]
    assert len(numeric) > 30
    for col in numeric:
        np.testing.assert_allclose(b[col].to_numpy(float), a[col].to_numpy(float),
                                   rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=col)
    assert (a["type_name_nl"].fillna("") == b["type_name_nl"].fillna("")).all()
    # and the area summaries
    batch_areas = gpd.read_file(summary.merged, layer="areas").set_index("area_code")
    single_areas = areas.set_index("area_code")
    for col in [c for c in single_areas.columns if c in batch_areas.columns
                and pd.api.types.is_numeric_dtype(single_areas[c])]:
        np.testing.assert_allclose(batch_areas.loc[single_areas.index, col].to_numpy(float),
                                   single_areas[col].to_numpy(float), rtol=1e-9, atol=1e-9,
                                   equal_nan=True, err_msg=col)


def test_a_gemeente_equals_a_single_run_over_it(country, batch, tmp_path):
    _, summary = batch
    own, areas = _single_run(country, summary, tmp_path, "BU9000*")
    _assert_equal(own, areas, summary, "BU9000")


def test_spending_flows_cross_the_partition_borders(country, tmp_path):
    """With spending the halo is twice the cut-off: a gemeente's shops draw from the
    dwellings across its border, as in one run over the whole country."""
    cfg = load_config(_config(tmp_path / "batch" / "land.toml", country, buffer=800,
                              analysis="spending = true\nhuff_cutoff = 1000"))
    summary = run_batch(cfg, workers=1)
    info = json.loads(pyogrio.read_info(summary.merged, layer="streets")
                      ["dataset_metadata"]["WIJKKRACHT_BATCH"])
    assert info["halo_m"] == 2000
    own, areas = _single_run(country, summary, tmp_path / "single", "BU9000*,BU9001*",
                             "--spending", "--huff-cutoff", "1000")
    assert "spend_kept_share" in own and own["spend_kept_share"].notna().any()
    _assert_equal(own, areas, summary, "BU900")


def test_a_rerun_skips_the_partitions(batch):
    cfg, summary = batch
    before = summary.merged.stat().st_mtime_ns
    again = run_batch(cfg, workers=1)
    assert again.done == [] and sorted(again.skipped) == ["GM9000", "GM9001"]
    assert again.merged == summary.merged
    assert summary.merged.stat().st_mtime_ns == before  # up to date: not merged again


def test_the_halo_covers_every_reach():
    assert halo_m({}, 800) == 800
    assert halo_m({"hours_radius": 1200}, 800) == 1200
    assert halo_m({"spending": True}, 800) == 4000  # twice the 2 km cut-off
    assert halo_m({"spending": True, "huff_cutoff": 1500}, 5000) == 5000


def test_partitions_are_gemeenten(country):
    areas = read_areas(country["areas"], layer="buurten")
    parts = plan_whole_partitions(areas, 800)
    assert [p.key for p in sorted(parts, key=lambda p: p.key)] == ["GM9000", "GM9001"]
    for p in parts:
        own = areas[areas["area_code"].isin(p.codes)]
        x0, y0, x1, y1 = own.total_bounds
        assert p.bounds == pytest.approx((x0 - 800, y0 - 800, x1 + 800, y1 + 800))


def test_the_establishments_export_read_in_chunks_as_whole(country, tmp_path):
    from wijkkracht.data_sources.establishments import (
        iter_establishments_csv,
        read_establishments,
    )

    # a duplicate across a chunk border: the first kept, as in a whole read
    text = country["establishments"].read_text(encoding="utf-8").splitlines()
    path = tmp_path / "vestigingen.csv"
    path.write_text("\n".join([*text, text[1]]) + "\n", encoding="utf-8")
    whole = read_establishments(path, today="2026-01-01")
    chunks = list(iter_establishments_csv(path, chunk_rows=97, today="2026-01-01"))
    assert len(chunks) == -(-(len(text)) // 97)
    est = pd.concat([c.establishments for c in chunks], ignore_index=True)
    assert list(est["vestigingsnummer"]) == list(whole.establishments["vestigingsnummer"])
    assert list(est["row"]) == list(whole.establishments["row"])
    total = {k: sum(c.counts.get(k, 0) for c in chunks) for k in whole.counts}
    assert total == whole.counts and whole.counts["duplicate_id"] >= 1
