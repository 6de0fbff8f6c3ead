"""Streaming merge of per-area results (output/merge.py, issue 6).

The per-area GeoPackages of the main fixture come from the real analysis (bundled OSM streets
and POIs of Kanaleneiland, SYNTHETIC BAG and establishments) of three SYNTHETIC CBS buurten,
written by the real writer; the others are frames written with pyogrio. No network access.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from wijkkracht.batch import _merged_hashes
from wijkkracht.core.areas import assign_segments
from wijkkracht.core.errors import InputError, OutputError
from wijkkracht.output.merge import merge_area_outputs, merged_paths

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

CBS = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
CODES = ["BU99990101", "BU99990102", "BU99990201"]
BOTH = ("gpkg", "parquet")


@pytest.fixture(scope="module")
def real_parts(tmp_path_factory):
    """(code, GeoPackage) of three buurten, each analysed alone with an 800 m buffer."""
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.data_sources.files import read_pois, read_streets
    from wijkkracht.demo import DEMO_REFERENCE_DATE, demo_data_path, demo_synthetic_layers
    from wijkkracht.output.gpkg import write_gpkg

    folder = tmp_path_factory.mktemp("areas")
    streets = read_streets(demo_data_path(), layer="streets")
    pois = read_pois(demo_data_path(), layer="pois")
    bag, establishments, _ = demo_synthetic_layers()  # SYNTHETIC BAG/KvK-style data
    parts = []
    for code in CODES:
        area = read_areas(CBS, codes=[code])
        geom = area.geometry.union_all()
        near = geom.buffer(800)

        def clip(frame, near=near):
            return frame.iloc[sorted(frame.sindex.query(near, predicate="intersects"))]

        study = gpd.GeoDataFrame({"name": list(area["area_name"])}, geometry=[geom],
                                 crs="EPSG:28992")
        result = analyse(clip(streets), clip(pois), study, areas=area, k=3,
                         bag=clip(bag), establishments=clip(establishments),
                         reference_date=DEMO_REFERENCE_DATE, privacy_threshold=3)
        parts.append((code, write_gpkg(result, folder / f"{code}.gpkg", lang="en")))
    return parts


def _in_memory(parts):
    """What the merge did before it streamed: every part in memory, concatenated (the named
    streets of each area as they are, with its area_code)."""
    streets, areas, named = [], [], []
    for code, path in parts:
        s = pyogrio.read_dataframe(path, layer="streets")
        a = pyogrio.read_dataframe(path, layer="areas")
        n = pyogrio.read_dataframe(path, layer="named_streets")
        s = s[assign_segments(s, a) >= 0].copy()
        s.insert(0, "area_code", code)
        n.insert(0, "area_code", code)
        streets.append(s)
        areas.append(a)
        named.append(n)
    return {layer: gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                                    crs="EPSG:28992")
            for layer, frames in (("streets", streets), ("areas", areas),
                                  ("named_streets", named))}


def _plain(frame):
    """A frame with its geometry as WKB, for exact comparisons."""
    out = pd.DataFrame(frame.drop(columns="geometry"))
    out["wkb"] = shapely.to_wkb(frame.geometry.values)
    return out


def _types(info: dict) -> dict[str, tuple[str, str]]:
    """Field -> (OGR type, OGR subtype) of a pyogrio.read_info."""
    return {f: (t, s) for f, t, s in zip(info["fields"], info["ogr_types"],
                                         info["ogr_subtypes"], strict=True)}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- the result ---------------------------------------------------------------------------

@pytest.mark.parametrize("batch_rows", [250, 65_536])
def test_merged_equals_the_in_memory_concatenation(real_parts, tmp_path, batch_rows):
    expected = _in_memory(real_parts)
    assert expected["streets"]["area_code"].nunique() == len(CODES)
    assert expected["streets"].columns.size > 60  # the BAG and establishment indicators too
    out = merge_area_outputs(real_parts, tmp_path / "merged", formats=BOTH,
                             batch_rows=batch_rows)
    assert out == merged_paths(tmp_path / "merged", BOTH)
    assert [p.name for p in out] == ["merged.gpkg", "merged_streets.parquet",
                                     "merged_areas.parquet", "merged_named_streets.parquet"]
    # the same file as the in-memory merge wrote: layers, field types, geometry type, values
    old = tmp_path / "old.gpkg"
    pyogrio.write_dataframe(expected["streets"], old, layer="streets", driver="GPKG")
    pyogrio.write_dataframe(expected["areas"], old, layer="areas", driver="GPKG", append=True)
    pyogrio.write_dataframe(expected["named_streets"], old, layer="named_streets",
                            driver="GPKG", append=True)
    assert pyogrio.list_layers(out[0]).tolist() == pyogrio.list_layers(old).tolist()
    for layer in ("streets", "areas", "named_streets"):
        got = pyogrio.read_dataframe(out[0], layer=layer)
        pd.testing.assert_frame_equal(_plain(got), _plain(expected[layer]))  # order too
        assert got.crs == "EPSG:28992"
        new_info, old_info = (pyogrio.read_info(p, layer=layer) for p in (out[0], old))
        assert new_info["fields"].tolist() == old_info["fields"].tolist()
        for key in ("geometry_type", "crs", "features", "total_bounds"):
            assert new_info[key] == old_info[key], key
        # the field types are those of the parts: a count with nulls (e.g. active_est, an
        # integer field of the per-area files) stays an integer field, where the in-memory
        # merge made it real (pandas reads it as float with NaN, in both cases)
        part = pyogrio.read_info(real_parts[0][1], layer=layer)
        declared = _types(part)
        if layer in ("streets", "named_streets"):
            declared["area_code"] = ("OFTString", "OFSTNone")
        assert list(_types(new_info).values()) == [declared[f] for f in new_info["fields"]]
    with sqlite3.connect(out[0]) as con:  # a spatial index per layer, EPSG:28992
        ext = set(con.execute("SELECT table_name, extension_name FROM gpkg_extensions"))
        srs = set(con.execute("SELECT table_name, srs_id FROM gpkg_geometry_columns"))
        n = con.execute("SELECT COUNT(*) FROM rtree_streets_geom").fetchone()[0]
    assert {("streets", "gpkg_rtree_index"), ("areas", "gpkg_rtree_index"),
            ("named_streets", "gpkg_rtree_index")} <= ext
    assert srs == {("streets", 28992), ("areas", 28992), ("named_streets", 28992)}
    assert n == len(expected["streets"])


def test_a_named_street_cut_by_a_border_is_one_row_per_area(real_parts, tmp_path):
    """Each area's named streets are merged as its analysis made them, from its own study-area
    segments: a street on two sides of a border is a row in each area with the part in that
    area, its length that of the area's own street segments of it."""
    gpkg = merge_area_outputs(real_parts, tmp_path / "m")[0]
    named = pyogrio.read_dataframe(gpkg, layer="named_streets")
    assert set(named["area_code"]) == set(CODES)
    both = named.groupby("street_name")["area_code"].nunique()
    assert (both > 1).any(), "the test needs a street that a border cuts"
    for code, path in real_parts:
        own = pyogrio.read_dataframe(path, layer="streets", read_geometry=False)
        own = own[own["is_street"] & (own["street_id"] != "")]
        lengths = own.groupby("street_id")["length_m"].sum()
        mine = named[named["area_code"] == code].set_index("street_id")["length_m"]
        assert sorted(mine.index) == sorted(lengths.index)
        np.testing.assert_allclose(mine.to_numpy(), lengths.reindex(mine.index).to_numpy(),
                                   atol=0.06)


def test_a_part_without_named_streets_adds_none(real_parts, tmp_path):
    code, path = real_parts[0]
    old = tmp_path / "old.gpkg"  # as written before the layer existed
    for layer in ("streets", "areas"):
        pyogrio.write_dataframe(pyogrio.read_dataframe(path, layer=layer), old, layer=layer,
                                append=layer == "areas")
    gpkg = merge_area_outputs([(code, old), *real_parts[1:]], tmp_path / "m")[0]
    named = pyogrio.read_dataframe(gpkg, layer="named_streets")
    assert set(named["area_code"]) == set(CODES[1:])
    assert set(pyogrio.read_dataframe(gpkg, layer="streets")["area_code"]) == set(CODES)


def test_geoparquet_agrees_with_the_geopackage(real_parts, tmp_path):
    meta = {"WIJKKRACHT_BATCH": json.dumps({"areas": {c: "x" for c in CODES}})}
    gpkg, streets_pq, areas_pq, named_pq = merge_area_outputs(
        real_parts, tmp_path / "m", formats=BOTH, metadata=meta, batch_rows=300)
    from pyproj import CRS

    for layer, path in (("streets", streets_pq), ("areas", areas_pq),
                        ("named_streets", named_pq)):
        from_gpkg = pyogrio.read_dataframe(gpkg, layer=layer)
        from_pq = gpd.read_parquet(path)
        assert from_pq.crs == "EPSG:28992"
        pd.testing.assert_frame_equal(_plain(from_pq), _plain(from_gpkg))
        file = pq.ParquetFile(path)
        kv = file.schema_arrow.metadata
        assert kv[b"WIJKKRACHT_BATCH"] == meta["WIJKKRACHT_BATCH"].encode()
        geo = json.loads(kv[b"geo"])
        assert geo["version"] in ("1.0.0", "1.1.0") and geo["primary_column"] == "geometry"
        col = geo["columns"]["geometry"]
        assert col["encoding"] == "WKB"
        assert col["geometry_types"] == sorted(set(from_gpkg.geom_type))
        assert CRS.from_json_dict(col["crs"]) == CRS.from_epsg(28992)
        assert col["bbox"] == pytest.approx(list(from_gpkg.total_bounds), abs=0)
        assert file.schema_arrow.field("geometry").type == pa.binary()
        if layer == "streets":  # a row group per batch
            assert file.metadata.num_row_groups >= len(from_gpkg) // 300 > 1
            assert file.schema_arrow.field("area_code").type == pa.string()
            assert file.schema_arrow.field("segment_id").type == pa.int64()


def test_metadata_is_read_back_by_the_batch_run(real_parts, tmp_path):
    hashes = {code: f"{i:064x}" for i, code in enumerate(CODES)}
    meta = {"WIJKKRACHT_BATCH": json.dumps({"version": "x", "areas": hashes})}
    gpkg = merge_area_outputs(real_parts, tmp_path / "m", metadata=meta, batch_rows=200)[0]
    assert _merged_hashes(gpkg) == hashes  # what a re-run compares to skip the merge
    for layer in ("streets", "areas"):
        assert pyogrio.read_info(gpkg, layer=layer)["dataset_metadata"] == meta


# --- schemas that differ between areas ----------------------------------------------------

def _line(x, y, multi=False):
    line = shapely.LineString([(x, y), (x + 10, y)])
    return shapely.MultiLineString([line]) if multi else line


def _write_part(path: Path, code: str, columns: dict, *, x0: float = 0.0, multi=False,
                outside: int = 0, summary: dict | None = None) -> Path:
    """A per-area GeoPackage: a 100 m square area at x0 (``summary``: its further columns) and
    one street per row inside it (the last ``outside`` rows lie outside, in the buffer)."""
    n = len(next(iter(columns.values())))
    xs = [x0 + 20 + 5 * (i % 10) for i in range(n)]
    ys = [1000 + 20 + 5 * (i // 10 % 10) if i < n - outside else 5000 for i in range(n)]
    streets = gpd.GeoDataFrame(columns, geometry=[_line(x, y, multi) for x, y in zip(xs, ys, strict=True)],
                               crs="EPSG:28992")
    square = shapely.box(x0, 1000, x0 + 100, 1100)
    area = shapely.MultiPolygon([square]) if multi else square
    areas = gpd.GeoDataFrame({"area_code": [code], "segments": [n - outside],
                              **(summary or {})}, geometry=[area], crs="EPSG:28992")
    pyogrio.write_dataframe(streets, path, layer="streets")
    pyogrio.write_dataframe(areas, path, layer="areas", append=True)
    return path


@pytest.fixture
def mixed_parts(tmp_path):
    a = _write_part(tmp_path / "A.gpkg", "A", {
        "segment_id": np.array([1, 2, 3], dtype=np.int64),
        "n": np.array([10, 20, 30], dtype=np.int64),
        "x": np.full(3, np.nan),                              # all null: float
        "label": pd.Series([None, None, None], dtype=object),  # all null: text
        "y": np.array([1, 2, 3], dtype=np.int64),
        "flag": np.array([True, False, True]),
        "only_a": ["p", "q", "r"],
    }, outside=1)
    b = _write_part(tmp_path / "B.gpkg", "B", {
        "segment_id": np.array([1, 2], dtype=np.int64),
        "x": np.array([5, 6], dtype=np.int64),
        "label": ["s", "t"],
        "y": np.array([0.5, 1.5]),
        "only_b": np.array([7.25, 8.5]),
    }, x0=1000, multi=True)
    return [("A", a), ("B", b)]


def test_union_of_schemas_keeps_the_types(mixed_parts, tmp_path):
    # the parts declare what the test is about
    info_a = pyogrio.read_info(mixed_parts[0][1], layer="streets")
    types_a = _types(info_a)
    assert types_a["x"][0] == "OFTReal" and types_a["label"][0] == "OFTString"
    gpkg, streets_pq, areas_pq, named_pq = merge_area_outputs(mixed_parts, tmp_path / "m",
                                                              formats=BOTH)
    # parts without named streets (written before they existed): the layer is there, empty
    named = pyogrio.read_info(gpkg, layer="named_streets")
    assert named["features"] == 0 and named["fields"].tolist() == ["area_code"]
    assert pq.read_metadata(named_pq).num_rows == 0
    info = pyogrio.read_info(gpkg, layer="streets")
    assert info["fields"].tolist() == ["area_code", "segment_id", "n", "x", "label", "y",
                                       "flag", "only_a", "only_b"]
    assert _types(info) == {"area_code": ("OFTString", "OFSTNone"),
                   "segment_id": ("OFTInteger64", "OFSTNone"),
                   "n": ("OFTInteger64", "OFSTNone"),    # missing in B: still integers
                   "x": ("OFTInteger64", "OFSTNone"),    # all-null float in A does not decide
                   "label": ("OFTString", "OFSTNone"),
                   "y": ("OFTReal", "OFSTNone"),         # integers and reals: reals
                   "flag": ("OFTInteger", "OFSTBoolean"),  # missing in B: still booleans
                   "only_a": ("OFTString", "OFSTNone"), "only_b": ("OFTReal", "OFSTNone")}
    # the single and the multi lines (and polygons) of the parts: multi, as pyogrio infers
    assert info["geometry_type"] == "MultiLineString"
    assert pyogrio.read_info(gpkg, layer="areas")["geometry_type"] == "MultiPolygon"
    schema = pq.read_schema(streets_pq)
    assert {f.name: str(f.type) for f in schema} == {
        "area_code": "string", "segment_id": "int64", "n": "int64", "x": "int64",
        "label": "string", "y": "double", "flag": "bool", "only_a": "string",
        "only_b": "double", "geometry": "binary"}
    table = pq.read_table(streets_pq).to_pydict()
    # the street of A outside its area is left out
    assert table["area_code"] == ["A", "A", "B", "B"]
    assert table["n"] == [10, 20, None, None]
    assert table["x"] == [None, None, 5, 6]
    assert table["label"] == [None, None, "s", "t"]
    assert table["y"] == [1.0, 2.0, 0.5, 1.5]
    assert table["flag"] == [True, False, None, None]
    assert table["only_a"] == ["p", "q", None, None]
    assert table["only_b"] == [None, None, 7.25, 8.5]
    assert shapely.get_type_id(shapely.from_wkb(table["geometry"])).tolist() == [5] * 4  # multi
    # the GeoPackage holds the same values (pyogrio reads integers and booleans with nulls
    # as floats)
    got = pyogrio.read_dataframe(gpkg, layer="streets")
    assert got["n"].tolist()[:2] == [10, 20] and got["n"].isna().tolist() == [0, 0, 1, 1]
    assert got["x"].isna().tolist() == [1, 1, 0, 0] and got["x"].tolist()[2:] == [5, 6]
    assert got["flag"].tolist()[:2] == [1, 0] and got["flag"].isna().tolist() == [0, 0, 1, 1]
    assert got["label"].isna().tolist() == [1, 1, 0, 0] and got["label"].tolist()[2:] == ["s", "t"]
    assert shapely.equals(got.geometry.values,
                          shapely.from_wkb(table["geometry"])).all()
    pd.testing.assert_frame_equal(_plain(gpd.read_parquet(areas_pq)),
                                  _plain(pyogrio.read_dataframe(gpkg, layer="areas")))


def test_no_street_inside_any_area_still_gives_the_layers(tmp_path):
    part = _write_part(tmp_path / "A.gpkg", "A", {"segment_id": np.array([1, 2])}, outside=2)
    gpkg, streets_pq, _, _ = merge_area_outputs([("A", part)], tmp_path / "m", formats=BOTH)
    info = pyogrio.read_info(gpkg, layer="streets")
    assert info["features"] == 0 and info["fields"].tolist() == ["area_code", "segment_id"]
    assert pyogrio.read_info(gpkg, layer="areas")["features"] == 1
    assert pq.read_metadata(streets_pq).num_rows == 0
    geo = json.loads(pq.read_schema(streets_pq).metadata[b"geo"])
    assert geo["columns"]["geometry"]["geometry_types"] == []
    assert "bbox" not in geo["columns"]["geometry"]


def test_geoparquet_with_a_pyarrow_that_cannot_add_metadata_late(real_parts, tmp_path,
                                                                 monkeypatch):
    """pyarrow < 17 has no ParquetWriter.add_key_value_metadata: the geo metadata is written
    first, with the declared geometry types and without a bounding box."""
    monkeypatch.delattr(pq.ParquetWriter, "add_key_value_metadata")
    meta = {"WIJKKRACHT_BATCH": "{}"}
    gpkg, streets_pq, _, _ = merge_area_outputs(real_parts, tmp_path / "m", formats=BOTH,
                                                metadata=meta)
    kv = pq.read_schema(streets_pq).metadata
    col = json.loads(kv[b"geo"])["columns"]["geometry"]
    assert col["geometry_types"] == ["LineString"] and "bbox" not in col
    assert kv[b"WIJKKRACHT_BATCH"] == b"{}"
    pd.testing.assert_frame_equal(_plain(gpd.read_parquet(streets_pq)),
                                  _plain(pyogrio.read_dataframe(gpkg, layer="streets")))


# --- all or nothing -------------------------------------------------------------------------

def _corrupt_streets(path: Path) -> None:
    """Overwrite the first page of the streets table: the layer's description (read_info)
    still reads, its features do not."""
    with sqlite3.connect(path) as con:
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'streets'").fetchone()[0]
        size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xff" * size)


def test_a_corrupt_part_mid_merge_leaves_the_previous_outputs(real_parts, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    merge_area_outputs(real_parts, out / "m", formats=BOTH)
    before = _files(out)
    parts = [(code, shutil.copy(path, tmp_path / path.name)) for code, path in real_parts]
    bad = Path(parts[-1][1])
    _corrupt_streets(bad)
    assert pyogrio.read_info(bad, layer="streets")["features"] > 0  # the schema pass reads it
    with pytest.raises(InputError) as info:  # the first batches were written by then
        merge_area_outputs(parts, out / "m", formats=BOTH, batch_rows=100)
    msg = str(info.value)
    assert msg.startswith(f"{bad}: cannot read the 'streets' layer") and "\n" not in msg
    assert _files(out) == before  # previous outputs untouched, no temporary file left
    # and without previous outputs: nothing appears
    with pytest.raises(InputError):
        merge_area_outputs(parts, out / "new", formats=BOTH, batch_rows=100)
    assert _files(out) == before


def test_a_failure_to_publish_restores_the_previous_outputs(real_parts, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    gpkg = merge_area_outputs(real_parts[:1], out / "m")[0]
    before = _files(out)
    (out / "m_named_streets.parquet").mkdir()  # the last file cannot be published
    with pytest.raises(OutputError) as info:
        merge_area_outputs(real_parts, out / "m", formats=BOTH)
    assert str(info.value).startswith(f"{out / 'm_named_streets.parquet'}: cannot replace it")
    assert _files(out) == before  # the new GeoPackage was rolled back
    assert set(pyogrio.read_dataframe(gpkg, layer="streets")["area_code"]) == {CODES[0]}
    assert sorted(p.name for p in out.iterdir()) == ["m.gpkg", "m_named_streets.parquet"]


def test_missing_pyarrow_is_one_line_and_writes_nothing(real_parts, tmp_path, monkeypatch):
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(__import__("sys").modules, name, None)
    with pytest.raises(OutputError) as info:
        merge_area_outputs(real_parts, tmp_path / "m", formats=BOTH)
    assert str(info.value) == ("GeoParquet output needs pyarrow: "
                               "pip install 'wijkkracht[batch]'")
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments(real_parts, tmp_path):
    with pytest.raises(ValueError, match="no parts"):
        merge_area_outputs([], tmp_path / "m")
    with pytest.raises(ValueError, match="formats"):
        merge_area_outputs(real_parts, tmp_path / "m", formats=("shp",))
    with pytest.raises(InputError, match="cannot read the 'streets' layer"):
        merge_area_outputs([("X", tmp_path / "none.gpkg")], tmp_path / "m")
    assert list(tmp_path.iterdir()) == []
    wgs84 = tmp_path / "wgs84.gpkg"
    for layer in ("streets", "areas"):
        frame = pyogrio.read_dataframe(real_parts[0][1], layer=layer).to_crs("EPSG:4326")
        pyogrio.write_dataframe(frame, wgs84, layer=layer, append=layer == "areas")
    with pytest.raises(InputError, match="the 'streets' layer is in EPSG:4326, not EPSG:28992"):
        merge_area_outputs([*real_parts, ("W", wgs84)], tmp_path / "m")
    assert [p.name for p in tmp_path.iterdir()] == ["wgs84.gpkg"]


# --- memory -------------------------------------------------------------------------------

def _wide_part(path: Path, code: str, rows: int, seed: int) -> Path:
    """A per-area GeoPackage with 80 columns like the analysis writes (ints, reals, text)."""
    rng = np.random.default_rng(seed)
    cols: dict = {"segment_id": np.arange(rows, dtype=np.int64),
                  "osm_id": [f"way/{seed}-{i}" for i in range(rows)]}
    for j in range(40):
        cols[f"real_{j}"] = rng.random(rows)
    for j in range(36):
        cols[f"count_{j}"] = rng.integers(0, 50, rows)
    cols["type_name_en"] = [f"type {i % 5}" for i in range(rows)]
    cols["flag"] = rng.random(rows) < 0.5
    summary = {"area_name": [f"area {code}"], "level": ["buurt"],
               **{f"mean_{j}": [float(j)] for j in range(36)}}  # 39 columns, as the analysis
    return _write_part(path, code, cols, summary=summary)


@pytest.fixture(scope="module")
def equal_parts(tmp_path_factory):
    """128 parts of 50 streets each: copies of one file (the merge reads each on its own)."""
    folder = tmp_path_factory.mktemp("equal")
    first = _wide_part(folder / "P000.gpkg", "P000", 50, 0)
    parts = [("P000", first)]
    for i in range(1, 128):
        parts.append((f"P{i:03d}", shutil.copy(first, folder / f"P{i:03d}.gpkg")))
    return parts


def _peak(parts, dest, **kwargs) -> int:
    tracemalloc.start()
    try:
        merge_area_outputs(parts, dest, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_is_bounded_by_a_batch_not_by_the_run(equal_parts, tmp_path):
    """tracemalloc sees numpy and Python objects (not GDAL's or Arrow's own buffers): the peak
    of a merge of 128 parts is not much above that of 32 parts. Without streaming it is four
    times as high; so it is when every part's one-row area summary is kept as a frame of its
    own (some 0.2 MB each), which the merge concatenates 16 at a time."""
    kwargs = {"formats": BOTH, "batch_rows": 200}  # four parts per batch
    merge_area_outputs(equal_parts[:2], tmp_path / "warm", **kwargs)  # imports, caches
    small = _peak(equal_parts[:32], tmp_path / "small", **kwargs)
    large = _peak(equal_parts, tmp_path / "large", **kwargs)
    rows = pyogrio.read_info(tmp_path / "large.gpkg", layer="streets")["features"]
    assert rows == 128 * 50
    whole = gpd.read_parquet(tmp_path / "large_streets.parquet").memory_usage(deep=True).sum()
    # four times the parts: far less than four times the memory (an in-memory merge holds
    # every part, and then their concatenation: at least ``whole``)
    assert large < 1.5 * small, (small, large)
    assert large < whole / 2, (large, whole)
    # the measure sees the rows held: with one batch for the whole run (all rows of 32 parts
    # held), the peak is above their size, and above that of the streaming merge
    everything = _peak(equal_parts[:32], tmp_path / "one", formats=BOTH, batch_rows=rows)
    held = gpd.read_parquet(tmp_path / "one_streets.parquet").memory_usage(deep=True).sum()
    assert everything > held and everything > 1.5 * small, (everything, held, small)
