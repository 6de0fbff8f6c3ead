"""Reproducibility (issue 7, item 4): the same inputs and parameters give the same outputs.

``wijkkracht demo`` (real OSM data of Kanaleneiland with the SYNTHETIC BAG/KvK layers) is run
twice by the real CLI in two separate processes with different hash seeds and thread-pool
sizes. Every table of the two GeoPackages is compared row by row with exact SQLite types (so
attribute tables byte-equal and geometries blob-equal), only ``gpkg_contents.last_change``
(the time of writing) left out; the map and the report pages must be byte-equal.
The typology's claim of a canonical order is checked through the Python API on shuffled rows.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from wijkkracht.core.pipeline import analyse
from wijkkracht.data_sources.files import read_area, read_pois, read_streets
from wijkkracht.demo import demo_data_path

WIJKKRACHT = Path(sys.executable).with_name("wijkkracht")
#: Columns that legitimately differ between two runs: the time the layer was written.
VOLATILE = {("gpkg_contents", "last_change"), ("gpkg_metadata_reference", "timestamp"),
            ("layer_styles", "update_time")}
#: In the run metadata (gpkg_metadata): when it ran and how long each step took.
_Q = '(?:"|&quot;)'
RUN_CLOCK = re.compile(rf'{_Q}created{_Q}: {_Q}[^"&]*{_Q}|{_Q}timings_s{_Q}: {{[^}}]*}}'
                       rf'|{_Q}total_s{_Q}: [0-9.e+-]+')


def _strip_clock(name: str, value: object) -> object:
    if name == "gpkg_metadata" and isinstance(value, str):
        return RUN_CLOCK.sub("<clock>", value)
    return value


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("repro")
    runs = []
    for name, seed, threads in (("A", "1", "1"), ("B", "4242", "3")):
        env = dict(os.environ, PYTHONHASHSEED=seed, OMP_NUM_THREADS=threads,
                   OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        runs.append(subprocess.Popen(
            [str(WIJKKRACHT), "demo", "--out", str(base / name), "--report", "--quiet"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in runs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    return base / "A", base / "B"


def _tables(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of a GeoPackage: column names and rows (rowid order, exact SQLite values)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            cur = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            cols = [d[0] for d in cur.description]
            keep = [i for i, c in enumerate(cols) if (name, c) not in VOLATILE]
            rows = [tuple((type(row[i]).__name__, _strip_clock(name, row[i])) for i in keep)
                    for row in cur]
            out[name] = ([cols[i] for i in keep], rows)
        return out
    finally:
        con.close()


def test_geopackages_have_equal_contents(two_runs):
    a, b = (_tables(run / "wijkkracht.gpkg") for run in two_runs)
    assert sorted(a) == sorted(b)
    layers = {r[0][1] for r in a["gpkg_contents"][1]}
    assert {"streets", "pois", "area", "typology_profile", "layer_styles"} <= layers
    assert a["layer_styles"][1], "the styles are part of the output"
    for name in a:
        assert a[name][0] == b[name][0], f"{name}: columns differ"
        assert a[name][1] == b[name][1], f"{name}: rows differ"


def test_attribute_tables_and_labels_are_identical(two_runs):
    gpkg_a, gpkg_b = (run / "wijkkracht.gpkg" for run in two_runs)
    for layer, _ in pyogrio.list_layers(gpkg_a):
        volatile = [c for t, c in VOLATILE if t == layer]
        a, b = (pyogrio.read_dataframe(g, layer=layer, fid_as_index=True).drop(columns=volatile)
                for g in (gpkg_a, gpkg_b))
        assert list(a.dtypes) == list(b.dtypes), layer
        pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry", errors="ignore")),
                                      pd.DataFrame(b.drop(columns="geometry", errors="ignore")),
                                      check_exact=True)
        if "geometry" in a:
            assert list(shapely.to_wkb(a.geometry.values)) == list(shapely.to_wkb(b.geometry.values))
    a = pyogrio.read_dataframe(gpkg_a, layer="streets")
    b = pyogrio.read_dataframe(gpkg_b, layer="streets")
    for col in ("type_id", "type_key", "type_name_nl", "type_name_en"):
        # (type_id is null where a segment has no type: compared as missing, not as NaN)
        pd.testing.assert_series_equal(a[col], b[col], check_exact=True)
    assert a["type_id"].nunique() >= 3


@pytest.mark.parametrize("page", ["wijkkracht.html", "wijkkracht_rapport.html"])
def test_map_and_report_pages_are_byte_equal(two_runs, page):
    # the map's element ids were random (branca draws them from os.urandom); they are now
    # numbered in tree order (output/webmap.py, _stable_ids), so nothing needs stripping
    a, b = ((run / page).read_bytes() for run in two_runs)
    assert a == b


def test_labels_do_not_depend_on_input_row_order():
    path = demo_data_path()
    streets, pois = read_streets(path, layer="streets"), read_pois(path, layer="pois")
    area = read_area(path, layer="study_area")

    def labels(st, po):
        out = analyse(st, po, area, k=5).streets
        key = shapely.to_wkb(out.geometry.normalize().values)
        return dict(zip(key, out["type_key"], strict=True))

    plain = labels(streets, pois)
    shuffled = labels(streets.sample(frac=1, random_state=7), pois.sample(frac=1, random_state=8))
    assert len(plain) > 100 and plain == shuffled
