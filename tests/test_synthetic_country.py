"""The SYNTHETIC country of the batch scale benchmark (benchmarks/synthetic_country.py).

A tiny country (2 gemeenten x 3 buurten x 500 addresses) is generated once and read back with
the real readers; three of its buurten go through ``run_batch``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyogrio
import pytest

from wijkkracht.batch import load_config, run_batch
from wijkkracht.core.network import build_network
from wijkkracht.data_sources.areas import read_areas
from wijkkracht.data_sources.bag import read_bag_gpkg
from wijkkracht.data_sources.establishments import establishments_on_bag
from wijkkracht.data_sources.files import read_pois, read_streets

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _oracle(frame):
    """The rules written out by hand (tests/core/test_typology.py's oracle)."""
    path = Path(__file__).resolve().parent / "core" / "test_typology.py"
    spec = importlib.util.spec_from_file_location("_typology_oracle", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.oracle_types(frame)


@pytest.fixture(scope="module")
def sc():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("synthetic_country")
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def country(sc, tmp_path_factory):
    out = tmp_path_factory.mktemp("country")
    spec = sc.CountrySpec(gemeenten=2, buurten_per_gemeente=3, addresses_per_buurt=500)
    manifest = sc.write_country(out, spec, chunk_rows=700)  # several appends per layer
    return out, spec, manifest


def _path(sc, out: Path, role: str) -> Path:
    return out / sc.FILES[role][0]

def _batch_config(sc, out: Path, path: Path, folder: str, codes: list[str], *, buffer: int,
                  bag: bool, analysis: str) -> Path:
    """A batch configuration over buurten of the SYNTHETIC country (with its BAG and
    establishments when ``bag``)."""
    with_bag = (f'bag = "{_path(sc, out, "bag")}"\nbag_snapshot_date = "2026-01-01"\n'
                f'establishments = "{_path(sc, out, "establishments")}"\n') if bag else ""
    path.write_text(f"""
out = "{folder}"
name = "synthetic"
[areas]
file = "{_path(sc, out, 'areas')}"
layer = "buurten"
codes = {json.dumps(codes)}
buffer = {buffer}
[data]
streets = "{_path(sc, out, 'streets')}"
streets_layer = "streets"
pois = "{_path(sc, out, 'pois')}"
pois_layer = "pois"
{with_bag}[analysis]
{analysis}
""", encoding="utf-8")
    return path



def test_areas_in_cbs_layout(sc, country):
    out, _, manifest = country
    path = _path(sc, out, "areas")
    buurten = read_areas(path, level="buurt")
    assert list(buurten["area_code"]) == ["BU90000101", "BU90000102", "BU90000201",
                                          "BU90010101", "BU90010102", "BU90010201"]
    assert buurten["area_name"].str.startswith("Synthetische buurt").all()
    assert len(read_areas(path, codes="WK9000*")) == 2
    gm = read_areas(path, level="gemeente")
    assert list(gm["area_code"]) == ["GM9000", "GM9001"]
    # the gemeenten tile the plane without overlap; the buurten tile their gemeente
    assert gm.geometry.iloc[0].intersection(gm.geometry.iloc[1]).area == 0
    assert buurten.geometry.area.sum() == pytest.approx(gm.geometry.area.sum())
    for layer in ("buurten", "wijken", "gemeenten"):
        raw = pyogrio.read_dataframe(path, layer=layer)
        assert raw["synthetic"].all() and (raw["bron"] == "SYNTHETIC").all()
        assert "SYNTHETIC" in pyogrio.read_info(path, layer=layer)["layer_metadata"]["NOTICE"]
        assert raw.crs.to_epsg() == 28992
    raw = pyogrio.read_dataframe(path, layer="buurten")
    assert raw["synthetic_addresses"].sum() == manifest["counts"]["addresses"]
    assert (out / "README_SYNTHETIC.txt").read_text(encoding="utf-8").startswith("SYNTHETIC")


def test_streets_and_pois(sc, country):
    out, spec, manifest = country
    streets = read_streets(_path(sc, out, "streets"), layer="streets")
    assert len(streets) == manifest["counts"]["street_segments"]
    assert streets["street_name"].str.startswith("Synthetische").all()
    # each block side once, and one connected grid across buurt and gemeente borders
    assert not streets.geometry.normalize().to_wkb().duplicated().any()
    network = build_network(streets)
    assert network.n_segments == len(streets)
    pois = read_pois(_path(sc, out, "pois"), layer="pois")
    assert len(pois) == manifest["counts"]["pois"]
    assert pois["osm_id"].is_unique
    tags = pois["tag"].value_counts()
    assert tags["building=house"] > tags["building=apartments"] > 0
    assert (~pois["tag"].str.startswith("building=")).sum() > 0  # relevant POIs too
    for role in ("streets", "pois", "bag"):
        info = pyogrio.read_info(_path(sc, out, role), layer=sc.FILES[role][1])
        assert info["capabilities"]["fast_spatial_filter"], role  # R-tree built
        assert "SYNTHETIC" in info["layer_metadata"]["NOTICE"]


def test_bag_and_establishments(sc, country):
    out, _, manifest = country
    bag = read_bag_gpkg(_path(sc, out, "bag"))
    assert len(bag) == manifest["counts"]["addresses"]
    assert bag.attrs["bag"]["synthetic"] is True
    assert bag["postcode"].str.fullmatch(r"[1-9]\d{3}[A-Z]{2}").all()
    assert not bag["postcode"].str[4:].isin(["SA", "SD", "SS"]).any()
    key = bag[["postcode", "huisnummer", "huisletter", "toevoeging"]].astype(str)
    assert not key.duplicated().any()
    assert bag["identificatie"].str[:6].isin(["900001", "900101"]).all()
    # a bbox read (the batch engine's) returns what lies in the box
    box = (110000.0, 430000.0, 110300.0, 430300.0)
    part = read_bag_gpkg(_path(sc, out, "bag"), bbox=box)
    x, y = part.geometry.x, part.geometry.y
    assert 0 < len(part) < len(bag) and x.between(box[0], box[2]).all()
    assert y.between(box[1], box[3]).all()

    placed = establishments_on_bag(_path(sc, out, "establishments"), bag, today="2026-01-01")
    assert placed.synthetic
    assert placed.counts["read"]["rejected"] == 0
    assert placed.counts["read"]["read"] == manifest["counts"]["establishments"]
    assert placed.match_rate >= 0.98
    matched = placed.matched
    assert (matched["vbo_id"] == matched["synthetic_true_vbo"]).all()
    assert len(placed.unmatched) == (
        pyogrio.read_dataframe(_path(sc, out, "establishments"), columns=["synthetic_case"])
        ["synthetic_case"] == "unmatched").sum()
    home = matched["synthetic_case"] == "home_based"
    assert 0.2 < home.mean() < 0.4


def test_seeded_and_independent_of_the_size(sc, country, tmp_path):
    out, spec, _ = country
    one = sc.write_country(tmp_path, replace(spec, gemeenten=1))
    assert one["counts"]["buurten"] == 3
    a = read_bag_gpkg(_path(sc, out, "bag"))
    b = read_bag_gpkg(_path(sc, tmp_path, "bag"))
    first = a[a["identificatie"].str.startswith("9000")].reset_index(drop=True)
    assert first[["identificatie", "postcode", "huisnummer"]].equals(
        b[["identificatie", "postcode", "huisnummer"]])
    assert np.allclose(first.geometry.x, b.geometry.x)


def test_scaling_and_presets(sc):
    assert sc.scaling_spec(1_000_000).buurten == 1000
    assert sc.scaling_spec(1_000).buurten == 1
    nation = sc.PRESETS["nation"]
    assert 13_900 <= nation.buurten <= 14_100
    assert nation.buurten * nation.addresses_per_buurt == pytest.approx(10e6, rel=0.01)
    utrecht = sc.PRESETS["utrecht"]
    assert utrecht.buurten == 100 and 240 <= 2 * utrecht.block_side ** 2 <= 260


def test_three_buurten_through_run_batch(sc, country, tmp_path):
    out, _, _ = country
    codes = ["BU90000101", "BU90000102", "BU90010101"]
    config = _batch_config(sc, out, tmp_path / "batch.toml", "out", codes, buffer=400,
                           bag=True, analysis='k = 3\nreference_date = "2026-01-01"')
    summary = run_batch(load_config(config), workers=1)
    assert sorted(summary.done) == codes and not summary.failed
    merged = pyogrio.read_dataframe(summary.merged, layer="areas")
    assert sorted(merged["area_code"]) == codes
    assert (merged["segments"] > 0).all()
    streets = pyogrio.read_dataframe(summary.merged, layer="streets", read_geometry=False)
    assert streets["mxi"].notna().any()


def test_rtree_built_in_chunks(sc, country, tmp_path):
    import shutil
    import sqlite3

    out, _, _ = country
    copy = tmp_path / "bag.gpkg"
    shutil.copyfile(_path(sc, out, "bag"), copy)
    con = sqlite3.connect(copy)
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_%'")]
    for name in names:
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute('DROP TABLE "rtree_verblijfsobject_geom"')
    con.execute("DELETE FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")
    con.commit()
    con.close()
    assert len(names) == 6
    assert not pyogrio.read_info(copy)["capabilities"]["fast_spatial_filter"]
    sc._build_rtree(copy, "verblijfsobject", chunk=500)  # several chunks: GDAL reads between
    assert pyogrio.read_info(copy)["capabilities"]["fast_spatial_filter"]
    box = (110100.0, 430100.0, 110500.0, 430400.0)
    a = read_bag_gpkg(_path(sc, out, "bag"), bbox=box)
    b = read_bag_gpkg(copy, bbox=box)
    assert len(a) > 0 and list(a["identificatie"]) == list(b["identificatie"])


def test_one_typology_model_for_the_batch_and_a_run_of_one_area(sc, country, tmp_path):
    """A model fitted on the batch's areas gives a segment the same type in the batch and in
    a run of its own area (SYNTHETIC country)."""
    import geopandas as gpd

    from wijkkracht.core.pipeline import analyse
    from wijkkracht.core.typology import classify_street_layer
    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.data_sources.typology_model import read_typology_model
    from wijkkracht.output.typology_model import write_typology_model

    out, _, _ = country
    codes = ["BU90000101", "BU90000102"]

    def config(name: str, extra: str) -> Path:
        return _batch_config(sc, out, tmp_path / f"{name}.toml", name, codes, buffer=800,
                             bag=False, analysis=extra)

    first = run_batch(load_config(config("fit", "")), workers=1)
    merged = gpd.read_file(first.merged, layer="streets")
    # by default the batch has one model for the run: the rules, the same in every area
    run_model = read_typology_model(first.merged)
    assert run_model.method == "rules" and run_model.fitted_on["areas"] == 2
    assert read_typology_model(tmp_path / "fit" / "synthetic_typology_model.json").to_dict() \
        == run_model.to_dict()
    # a second, different area: every type is what the rules say (written out by hand)
    typed = merged[merged["type_id"].notna()]
    assert len(typed) > 50 and typed["type_key"].nunique() >= 2
    assert (typed["type_key"].to_numpy() == _oracle(typed)).all()
    rerun, _ = classify_street_layer(merged, model=run_model)
    assert (rerun["type_key"].to_numpy() == merged["type_key"].to_numpy()).all()
    # a k-means model fitted on the batch's result, given to the next batch
    _, typ = classify_street_layer(merged, k=4)
    model_path = write_typology_model(typ.model, tmp_path / "model.json")
    second = run_batch(load_config(config("apply", f'typology_model = "{model_path}"')),
                       workers=1)
    batch = gpd.read_file(second.merged, layer="streets")
    provenance = json.loads(pyogrio.read_info(second.merged, layer="streets")
                            ["dataset_metadata"]["WIJKKRACHT_BATCH"])
    assert provenance["typology"]["model"] == str(model_path)
    # the merged batch typed with the model: the types the model gives its own segments
    fitted, _ = classify_street_layer(merged, model=typ.model)
    assert (batch["type_key"].to_numpy() == fitted["type_key"].to_numpy()).all()
    # a run of one area on its own, with the batch's model
    area = read_areas(_path(sc, out, "areas"), layer="buurten", codes=[codes[1]])
    geom = area.geometry.union_all()
    streets = read_streets(_path(sc, out, "streets"), layer="streets",
                           bbox=geom.buffer(800).bounds)
    pois = read_pois(_path(sc, out, "pois"), layer="pois", bbox=geom.buffer(800).bounds)
    own = analyse(streets, pois, gpd.GeoDataFrame(geometry=[geom], crs=28992),
                  typology_model=read_typology_model(model_path))
    mine = batch[batch["area_code"] == codes[1]]
    key = lambda g: g.normalize().to_wkb()  # noqa: E731 - one segment's identity
    batch_types = dict(zip(key(mine.geometry), mine["type_key"], strict=True))
    own_types = dict(zip(key(own.streets.geometry), own.streets["type_key"], strict=True))
    common = set(batch_types) & set(own_types)
    assert len(common) >= 0.95 * len(mine)
    typed = [g for g in common if batch_types[g] not in ("untyped_street", "untyped_path")]
    assert len(typed) > 20
    assert all(batch_types[g] == own_types[g] for g in typed)
