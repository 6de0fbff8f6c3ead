"""Merge of many per-area results (``wijkkracht.output.merge.merge_area_outputs``, issue 6).

The parts are SYNTHETIC per-area GeoPackages shaped like those ``wijkkracht batch`` writes
(``<out>/areas/<code>.gpkg``, layers ``streets`` and ``areas``):

* the columns (names, types, value distributions) of a real per-area result: the analysis of
  the SYNTHETIC buurt BU99990101 on the bundled real OSM data of Kanaleneiland with the demo's
  SYNTHETIC BAG and establishments (82 street columns, 39 summary columns), rows drawn at
  random from it (seeded);
* per part ``--segments`` streets inside the area (default 150) and ``--buffer-segments`` in
  its buffer (default 300; the merge drops them, as it drops the buffer of a real part), short
  lines on a grid of 500 m areas; the area a 256-vertex polygon (CBS buurten are detailed).

The parts are generated once into ``benchmarks/.cache/merge/<parts>x<segments>+<buffer>/``
(git-ignored, reused), not timed. Each case then runs in a fresh child process (``--child``),
so that its peak resident set size (``ru_maxrss``) is its own:

``gpkg``, ``parquet``, ``both``
    ``merge_area_outputs(parts, ..., formats=...)``, the default ``batch_rows`` (65,536).
``in_memory``
    What the merge did before it streamed (every part read and kept, concatenated, then one
    GeoPackage written): the baseline for memory.

Reported per case: wall and CPU time, areas per second, peak RSS and the RSS before the merge
(imports only), rows and size of the outputs.

    python benchmarks/bench_merge.py [--parts 2000] [--segments 150] [--buffer-segments 300]
                                     [--cases gpkg,parquet,both,in_memory]
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _util import (  # noqa: E402
    HERE,
    RESULTS,
    Timer,
    current_rss_mb,
    peak_rss_mb,
    record,
    run_child,
    write_json,
)

CACHE = HERE / ".cache" / "merge"
CASES = ("gpkg", "parquet", "both", "in_memory")
AREA_M = 500.0  # side of the synthetic areas (a grid of them)


# --- the parts (generated once, not timed) -----------------------------------------------

def _template(folder: Path) -> Path:
    """A real per-area result: BU99990101 analysed as a batch run does (800 m buffer)."""
    import geopandas as gpd

    from wijkkracht.core.pipeline import analyse
    from wijkkracht.demo import DEMO_REFERENCE_DATE, demo_data_path, demo_synthetic_layers
    from wijkkracht.data_sources.areas import read_areas
    from wijkkracht.data_sources.files import read_pois, read_streets
    from wijkkracht.output.gpkg import write_gpkg

    cbs = HERE.parent / "tests" / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
    area = read_areas(cbs, codes=["BU99990101"])
    geom = area.geometry.union_all()
    near = geom.buffer(800)

    def clip(frame):
        return frame.iloc[sorted(frame.sindex.query(near, predicate="intersects"))]

    streets = read_streets(demo_data_path(), layer="streets")
    pois = read_pois(demo_data_path(), layer="pois")
    bag, est, _ = demo_synthetic_layers()
    study = gpd.GeoDataFrame({"name": list(area["area_name"])}, geometry=[geom],
                             crs="EPSG:28992")
    result = analyse(clip(streets), clip(pois), study, areas=area, k=4, bag=clip(bag),
                     establishments=clip(est), reference_date=DEMO_REFERENCE_DATE)
    return write_gpkg(result, folder / "template.gpkg", lang="nl")


def _write_part(i: int, folder: str, template: str, segments: int, buffer_segments: int,
                per_row: int) -> None:
    import numpy as np
    import pyogrio
    import shapely

    streets = pyogrio.read_dataframe(template, layer="streets")
    summary = pyogrio.read_dataframe(template, layer="areas")
    rng = np.random.default_rng(i)
    n = segments + buffer_segments
    rows = streets.iloc[rng.integers(0, len(streets), n)].reset_index(drop=True)
    rows["segment_id"] = np.arange(n, dtype=np.int64)
    x0 = (i % per_row) * AREA_M * 3 + 10_000.0  # areas 1.5 km apart: buffers do not overlap
    y0 = (i // per_row) * AREA_M * 3 + 300_000.0
    cx, cy = x0 + AREA_M / 2, y0 + AREA_M / 2
    # inside: midpoints in the inner 80 % of the area; buffer: in a ring 50-450 m outside
    u = rng.random((n, 2))
    px = np.where(np.arange(n) < segments, x0 + 50 + u[:, 0] * (AREA_M - 100), 0.0)
    py = np.where(np.arange(n) < segments, y0 + 50 + u[:, 1] * (AREA_M - 100), 0.0)
    ang = rng.random(n) * 2 * np.pi
    dist = AREA_M / 2 * 1.45 + 50 + rng.random(n) * 400
    out = np.arange(n) >= segments
    px[out] = cx + np.cos(ang[out]) * dist[out]
    py[out] = cy + np.sin(ang[out]) * dist[out]
    length = rows["length_m"].clip(5, 60).to_numpy()
    heading = rng.random(n) * np.pi
    dx, dy = np.cos(heading) * length / 2, np.sin(heading) * length / 2
    coords = np.stack([np.stack([px - dx, py - dy], 1), np.stack([px + dx, py + dy], 1)], 1)
    rows = rows.set_geometry(shapely.linestrings(coords), crs="EPSG:28992")
    # the area: a rounded square (superellipse) of 256 vertices around the inner streets
    theta = np.linspace(0, 2 * np.pi, 256, endpoint=False)
    r = AREA_M / 2 / (np.abs(np.cos(theta)) ** 8 + np.abs(np.sin(theta)) ** 8) ** (1 / 8)
    ring = np.stack([cx + r * np.cos(theta), cy + r * np.sin(theta)], 1)
    area = summary.iloc[[0]].copy().reset_index(drop=True)
    area["area_code"] = f"BU{90000000 + i:08d}"
    area["area_name"] = f"SYNTHETIC buurt {i}"
    area = area.set_geometry([shapely.Polygon(ring).buffer(0)], crs="EPSG:28992")
    path = Path(folder) / f"{area['area_code'].iloc[0]}.gpkg"
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    pyogrio.write_dataframe(rows, tmp, layer="streets")
    pyogrio.write_dataframe(area, tmp, layer="areas", append=True)
    os.replace(tmp, path)


def make_parts(n: int, segments: int, buffer_segments: int) -> tuple[Path, float]:
    """The parts' folder (generated when missing) and the seconds it took (0: cached)."""
    from concurrent.futures import ProcessPoolExecutor

    folder = CACHE / f"{n}x{segments}+{buffer_segments}"
    done = folder / "complete.json"
    if done.is_file():
        return folder, 0.0
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    template = CACHE / "template.gpkg"
    if not template.is_file():
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            shutil.move(str(_template(Path(tmp))), template)
    per_row = int(n ** 0.5) + 1
    todo = [i for i in range(n) if not (folder / f"BU{90000000 + i:08d}.gpkg").is_file()]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_write_part, todo, [str(folder)] * len(todo), [str(template)] * len(todo),
                      [segments] * len(todo), [buffer_segments] * len(todo),
                      [per_row] * len(todo), chunksize=16))
    seconds = time.perf_counter() - t0
    done.write_text(json.dumps({"parts": n, "seconds": round(seconds, 1)}), encoding="utf-8")
    return folder, seconds


# --- one case in a fresh process -------------------------------------------------------------

def _in_memory(parts, dest: Path) -> list[Path]:
    """The merge as it was: every part in memory, concatenated, one GeoPackage written."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from wijkkracht.core.areas import assign_segments

    streets, summaries = [], []
    for code, path in parts:
        s = pyogrio.read_dataframe(path, layer="streets")
        summary = pyogrio.read_dataframe(path, layer="areas")
        s = s[assign_segments(s, summary) >= 0].copy()
        s.insert(0, "area_code", code)
        streets.append(s)
        summaries.append(summary)
    st = gpd.GeoDataFrame(pd.concat(streets, ignore_index=True), geometry="geometry",
                          crs="EPSG:28992")
    ar = gpd.GeoDataFrame(pd.concat(summaries, ignore_index=True), geometry="geometry",
                          crs="EPSG:28992")
    out = dest.with_name(dest.name + ".gpkg")
    pyogrio.write_dataframe(st, out, layer="streets", driver="GPKG")
    pyogrio.write_dataframe(ar, out, layer="areas", driver="GPKG", append=True)
    return [out]


def child(case: str, folder: Path) -> dict:
    import pyogrio

    from wijkkracht.output.merge import merge_area_outputs

    parts = sorted(folder.glob("BU*.gpkg"))
    parts = [(p.stem, p) for p in parts]
    meta = {"WIJKKRACHT_BATCH": json.dumps({"areas": {c: "0" * 64 for c, _ in parts}})}
    rss_before = current_rss_mb()
    with tempfile.TemporaryDirectory(prefix="wk-merge-") as tmp:
        dest = Path(tmp) / "merged"
        with Timer() as t:
            if case == "in_memory":
                out = _in_memory(parts, dest)
            else:
                formats = ("gpkg", "parquet") if case == "both" else (case,)
                out = merge_area_outputs(parts, dest, formats=formats, metadata=meta)
        sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in out}
        rows = {}
        for p in out:
            if p.suffix == ".gpkg":
                for layer in ("streets", "areas"):
                    rows[f"{p.name}:{layer}"] = pyogrio.read_info(p, layer=layer)["features"]
            else:
                import pyarrow.parquet as pq

                rows[p.name] = pq.read_metadata(p).num_rows
    return {"case": case, "parts": len(parts), "wall_s": round(t.wall, 2),
            "cpu_s": round(t.cpu, 2), "areas_per_s": round(len(parts) / t.wall, 1),
            "rss_before_mb": round(rss_before, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "output_mb": sizes, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=2000)
    parser.add_argument("--segments", type=int, default=150)
    parser.add_argument("--buffer-segments", type=int, default=300)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the result here (default: "
                                       "benchmarks/results/merge.json and stdout)")
    args = parser.parse_args()
    if args.child:
        write_json(args.json, child(args.child, Path(args.folder)))
        return
    cases = [c for c in args.cases.split(",") if c]
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown cases {sorted(unknown)}; known: {', '.join(CASES)}")
    folder, gen_s = make_parts(args.parts, args.segments, args.buffer_segments)
    part_mb = sum(p.stat().st_size for p in folder.glob("BU*.gpkg")) / 2**20
    result: dict = {
        "benchmark": "merge_area_outputs",
        "data": "SYNTHETIC per-area GeoPackages with the columns of a real per-area result",
        "parts": args.parts, "segments_inside": args.segments,
        "segments_in_buffer": args.buffer_segments,
        "parts_total_mb": round(part_mb, 1),
        "generate_s_untimed": round(gen_s, 1) if gen_s else "cached",
        "cases": {},
    }
    for case in cases:
        res = run_child(Path(__file__).name, ["--child", case, "--folder", str(folder)],
                        timeout=7200)
        result["cases"][case] = res
        if "error" in res:
            result["error"] = f"case {case}: {res['error']}"
            break
        print(f"{case:>10}: {res['wall_s']:7.1f} s wall, {res['areas_per_s']:6.1f} areas/s, "
              f"peak RSS {res['peak_rss_mb']:7.1f} MB (before {res['rss_before_mb']:.0f} MB), "
              f"outputs {res['output_mb']}", flush=True)
    record(result, args.json or str(RESULTS / "merge.json"))


if __name__ == "__main__":
    main()
