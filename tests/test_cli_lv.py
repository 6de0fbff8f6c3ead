"""``wijkkracht run --bag <LV BAG 2.0 folder or zip>`` end to end.

The BAG is REAL: the LV BAG 2.0 fixture ``tests/data/bag_lv`` (Kadaster, CC0; gemeente 0221
Doesburg, stand 2020-09-15; see tests/data/README.md). It holds two current
verblijfsobjecten: Kosterstraat 4 (0221010000330226, woonfunctie, 223 m², 1585) and
Schout bij Nacht Doormansingel 9l (0221010000330999, overige gebruiksfunctie, 18 m², 1992).
The streets, POIs and study area are SYNTHETIC (``tests/data/doesburg_synthetic_*.geojson``,
made by ``make_doesburg_synthetic.py``): a made-up grid over that piece of Doesburg, not OSM.
The establishments are SYNTHETIC rows written by the tests at the two real addresses.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.cli import main
from wijkkracht.core.indicators.bag import bag_indicators
from wijkkracht.core.network import locate_points
from wijkkracht.core.pipeline import prepare
from wijkkracht.data_sources.bag import read_bag_lv
from wijkkracht.data_sources.establishments import ADDRESS_NOT_READ
from wijkkracht.data_sources.files import read_area, read_pois, read_streets

DATA = Path(__file__).parent / "data"
LV = DATA / "bag_lv"
STREETS = DATA / "doesburg_synthetic_streets.geojson"
POIS = DATA / "doesburg_synthetic_pois.geojson"
AREA = DATA / "doesburg_synthetic_area.geojson"
REFERENCE_DATE = "2020-09-15"
#: the two real verblijfsobjecten of the fixture: id -> (x, y, floor area, mxi)
UNITS = {
    "0221010000330226": (206335.699, 447529.842, 223.0, 1.0),  # woonfunctie
    "0221010000330999": (206289.487, 447359.374, 18.0, 0.0),  # overige gebruiksfunctie
}
BAG_COLUMNS = ["bag_units", "bag_floor_area_m2", "bag_housing_area_m2", "mxi",
               "bag_use_richness", "bag_use_shannon", "bag_use_hill1", "bag_use_hill2",
               "nonres_units", "nonres_area_m2", "nonres_units_per_100m",
               "nonres_area_per_100m", "age_buildings", "age_richness", "age_shannon",
               "age_hill1"]


def _args(bag: Path, out: Path, *extra: str) -> list[str]:
    # two real addresses front two segments: too few to classify only the fronted ones (the
    # default), so every street segment gets a type (--typology-segments streets)
    return ["run", "--streets", str(STREETS), "--pois", str(POIS), "--area", str(AREA),
            "--bag", str(bag), "--reference-date", REFERENCE_DATE, "--out", str(out),
            "-k", "2", "-q", "--typology-segments", "streets", *extra]


def _metadata(gpkg: Path) -> dict:
    with sqlite3.connect(gpkg) as con:
        rows = [r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata")]
    text = next(r for r in rows if "WIJKKRACHT_METADATA" in r)
    start = text.index("{", text.index("WIJKKRACHT_METADATA"))
    return json.JSONDecoder().raw_decode(text[start:])[0]


@pytest.fixture(scope="module")
def lv_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lv") / "out"
    assert main(_args(LV, out)) == 0
    return out


@pytest.fixture(scope="module")
def streets_out(lv_run: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(lv_run / "wijkkracht.gpkg", layer="streets").set_index("segment_id")


def test_lv_run_writes_the_outputs(lv_run: Path) -> None:
    assert sorted(p.name for p in lv_run.iterdir()) == ["wijkkracht.gpkg", "wijkkracht.html"]


def test_bag_columns_equal_the_core_on_read_bag_lv(streets_out: gpd.GeoDataFrame) -> None:
    """The CLI's BAG columns are what the core computes from read_bag_lv for the same bbox."""
    streets = read_streets(STREETS)
    network, _ = prepare(streets, read_pois(POIS), read_area(AREA))
    bag = read_bag_lv(LV, bbox=tuple(float(v) for v in streets.total_bounds))
    units = bag.assign(segment_id=locate_points(network, bag.geometry)["segment_id"].to_numpy())
    expected = bag_indicators(network, units, None, reference_date=REFERENCE_DATE)
    expected = expected.loc[network.segments["in_study_area"].to_numpy()]
    assert sorted(streets_out.index) == sorted(expected.index)
    got = streets_out.loc[expected.index, BAG_COLUMNS]
    pd.testing.assert_frame_equal(got.astype(float), expected[BAG_COLUMNS].astype(float),
                                  check_names=False, check_index_type=False)


def test_each_real_unit_is_on_its_nearest_street(streets_out: gpd.GeoDataFrame) -> None:
    """Hand-checked: each unit sits on the street nearest to its BAG point, with its floor
    area; MXI 1 for the dwelling, 0 for the other use; every other street has no unit."""
    lines = streets_out.geometry.values
    seen = []
    for x, y, area, mxi in UNITS.values():
        seg = streets_out.index[int(np.argmin(shapely.distance(lines, shapely.Point(x, y))))]
        row = streets_out.loc[seg]
        assert row["bag_units"] == 1
        assert row["bag_floor_area_m2"] == pytest.approx(area)
        assert row["mxi"] == pytest.approx(mxi)
        assert row["nonres_area_m2"] == pytest.approx(area * (1 - mxi))
        assert row["age_buildings"] == 1
        seen.append(seg)
    assert len(set(seen)) == 2
    others = streets_out.drop(index=seen)
    assert (others["bag_units"] == 0).all() and others["mxi"].isna().all()
    assert streets_out["bag_units"].sum() == len(UNITS)


def test_snapshot_date_of_the_lv_extract_is_in_the_metadata(lv_run: Path) -> None:
    meta = _metadata(lv_run / "wijkkracht.gpkg")
    assert meta["bag"]["snapshot_date"] == "2020-09-15"
    assert meta["bag"]["units"] == meta["bag"]["units_placed"] == 2
    assert meta["bag"]["bag_source"]["history_dropped"] == 3
    bag_source = next(s for s in meta["sources"] if s["name"].startswith("BAG"))
    assert bag_source["date"] == "2020-09-15" and "SYNTHETIC" not in bag_source["attribution"]


def test_zip_extract_gives_the_same_streets(tmp_path: Path,
                                            streets_out: gpd.GeoDataFrame) -> None:
    archive = tmp_path / "0221_lv.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(LV.iterdir()):
            z.write(f, f.name)
    out = tmp_path / "zip"
    assert main(_args(archive, out)) == 0
    again = gpd.read_file(out / "wijkkracht.gpkg", layer="streets").set_index("segment_id")
    pd.testing.assert_frame_equal(again[BAG_COLUMNS], streets_out[BAG_COLUMNS])
    assert _metadata(out / "wijkkracht.gpkg")["bag"]["snapshot_date"] == "2020-09-15"


# A LISA-like export with its own headers, and the mapping to the schema's columns.
HEADER = ["Vestiging", "SBI", "Postcode", "Huisnr", "Letter", "Toev", "Start", "Einde",
          "Werkzaam", "BAG"]
ROWS = [
    ["900000000001", "47.11", "6981 CH", "4", "", "", "01-03-2015", "", "2", ""],  # address
    ["900000000002", "62.01", "", "", "", "", "15-06-2018", "", "1", "0221010000330999"],
    ["900000000003", "56.10", "6981CH", "999", "", "", "01-01-2019", "", "1", ""],  # no such
    ["900000000004", "4.7.1", "6981CH", "4", "", "", "01-01-2019", "", "1", ""],  # bad SBI
    # starts after the reference date: valid, placed, but not active on that date
    ["900000000005", "47.19", "6981CH", "4", "", "", "01-01-2021", "", "3", ""],
]
MAPPING = {"vestigingsnummer": "Vestiging", "sbi_code": "SBI", "postcode": "Postcode",
           "huisnummer": "Huisnr", "huisletter": "Letter", "toevoeging": "Toev",
           "start_date": "Start", "end_date": "Einde", "employees": "Werkzaam",
           "vbo_id": "BAG"}


def _export(folder: Path, kind: str) -> tuple[Path, Path]:
    csv = folder / "vestigingen_synthetic.csv"
    csv.write_text("\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\n", encoding="cp1252")
    mapping = folder / f"mapping.{kind}"
    mapping.write_text(json.dumps(MAPPING) if kind == "json" else
                       "".join(f'{k} = "{v}"\n' for k, v in MAPPING.items()), encoding="utf-8")
    return csv, mapping


@pytest.mark.parametrize(("threshold", "kind"), [(1, "toml"), (3, "json")])
def test_lv_with_establishments_and_privacy_threshold(tmp_path: Path, threshold: int,
                                                      kind: str) -> None:
    csv, mapping = _export(tmp_path, kind)
    out = tmp_path / "est"
    assert main(_args(LV, out, "--establishments", str(csv), "--establishments-mapping",
                      str(mapping), "--privacy-threshold", str(threshold))) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "wijkkracht.gpkg", "wijkkracht.html", "wijkkracht_establishment_problems.csv"]
    streets = gpd.read_file(out / "wijkkracht.gpkg", layer="streets")
    on_units = streets[streets["bag_units"] > 0]
    assert len(on_units) == 2
    if threshold == 1:  # one active establishment on each of the two streets, nothing hidden
        assert list(on_units["active_est"]) == [1, 1]
        assert not streets["suppressed"].any()
    else:  # counts of 1 and 2 are below 3: not published
        assert on_units["active_est"].isna().all() and on_units["suppressed"].all()
        v = streets["active_est"].dropna()
        assert ((v == 0) | (v >= 3)).all()
    meta = _metadata(out / "wijkkracht.gpkg")["bag"]
    assert meta["privacy_threshold"] == threshold
    assert meta["establishments"]["geolocate"]["matched"] == 3
    assert meta["establishments"]["geolocate"]["matched_vbo_id"] == 1
    problems = pd.read_csv(out / "wijkkracht_establishment_problems.csv", dtype=str,
                           keep_default_na=False)
    assert list(problems["stage"]) == ["rejected", "unmatched"]
    # a rejected row keeps the export's own columns, an unmatched one has the schema's
    assert problems.loc[0, "Vestiging"] == "900000000004"
    assert problems.loc[1, "vestigingsnummer"] == "900000000003"
    assert problems["reason"].iloc[0].startswith("row 4: malformed SBI code '4.7.1'")
    assert problems["reason"].iloc[1] == ADDRESS_NOT_READ


def test_readme_bag_section_options_and_mapping_example_work(tmp_path: Path) -> None:
    """The README's BAG section names only real options, and its mapping example loads."""
    import re

    from wijkkracht.cli import build_parser
    from wijkkracht.data_sources.establishments import load_mapping

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("### BAG, establishments and study areas")
    section = readme[start:readme.index("\n## ", start)]
    help_text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    known = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text))
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", section))
    assert {"--bag", "--establishments-mapping", "--privacy-threshold"} <= named
    assert named <= known, named - known
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    assert load_mapping(tmp_path / "m.toml") == {k: v for k, v in MAPPING.items()
                                                 if k != "vbo_id"}
    assert "default **3**" in section and "_establishment_problems.csv" in section
