"""Size and build time of the interactive map for 1k, 5k and 20k street segments.

Requirement (issue 5): a map for thousands of segments stays responsive, and its HTML stays
under 15 MB for 20,000 segments.

Data: the real Kanaleneiland network and POIs repeated in tiles side by side
(:func:`wijkkracht.data_sources.synthetic.generate_synthetic`, which also makes SYNTHETIC BAG
units and KvK-style establishments on the tiled buildings; the POIs are shifted with their
tile). The study area is a square around the middle of the tiled network, sized so that about
``N`` segment midpoints lie inside; :func:`wijkkracht.core.pipeline.analyse` runs on it with
the BAG and establishments (so the streets carry every key indicator the map can show), the
intensity surfaces (``rasters=True``: seven image overlays) and ``keep_all_components=True``
(the tiles are separate networks). The analysis is not timed.

Timed, for each size: :func:`wijkkracht.output.webmap.webmap_html` (online page: Leaflet from
the CDN) and the offline page (``offline=True``: Leaflet inlined), best and median of
``--repeats`` builds in this process; reported with the page sizes and the size of each data
block. With ``--browser`` (Playwright and Debian's Chromium), also the time headless Chromium
takes to open the offline page until its streets are drawn (no network: every request is
blocked), and the time a layer switch takes.

    python benchmarks/bench_map_size.py [--sizes 1000,5000,20000] [--repeats 3] [--browser]
        [--json PATH]      (e.g. benchmarks/results/map_size.json; with the machine's facts)
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from _util import record, write_json  # noqa: E402

REFERENCE_DATE = "2026-01-01"


def tiled_inputs(n_segments: int, seed: int = 0) -> dict:
    """Streets, POIs, study area, BAG units and establishments for about ``n_segments``."""
    from wijkkracht.demo import demo_data_path
    from wijkkracht.data_sources.establishments import geolocate, normalise_establishments
    from wijkkracht.data_sources.files import read_pois, read_streets
    from wijkkracht.data_sources.synthetic import generate_synthetic

    path = demo_data_path()
    streets0 = read_streets(path, layer="streets")
    pois0 = read_pois(path, layer="pois")
    # the layer lists each street segment once per direction: count the undirected ones
    per_tile = len(pd.unique(shapely.to_wkb(shapely.normalize(streets0.geometry.to_numpy()))))
    n_tiles = max(1, math.ceil(n_segments * 1.15 / per_tile))
    data = generate_synthetic(seed, scale=n_tiles, snapshot_date=REFERENCE_DATE)
    tiled = data.streets
    # each tile's shift: where the first street of tile t lies compared with tile 0
    first = tiled.groupby("tile").head(1).set_index("tile").geometry
    x0, y0 = shapely.get_coordinates(first.loc[0])[0]
    parts = []
    for t in range(n_tiles):
        xt, yt = shapely.get_coordinates(first.loc[t])[0]
        moved = pois0.copy()
        moved["geometry"] = shapely.transform(pois0.geometry.to_numpy(),
                                              lambda c, dx=xt - x0, dy=yt - y0: c + [dx, dy])
        moved["osm_id"] = moved["osm_id"].astype(str) + (f"_t{t}" if t else "")
        parts.append(moved)
    pois = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=pois0.crs)
    streets = tiled.drop(columns=["tile", "synthetic"])
    # a square around the middle holding about n_segments midpoints
    mids = shapely.line_interpolate_point(streets.geometry.to_numpy(), 0.5, normalized=True)
    xy = shapely.get_coordinates(mids)
    cx, cy = np.median(xy, axis=0)
    d = np.maximum(np.abs(xy[:, 0] - cx), np.abs(xy[:, 1] - cy))
    half = float(np.sort(d)[min(n_segments, len(d)) - 1]) + 0.01
    area = gpd.GeoDataFrame({"name": [f"SYNTHETIC tiled Kanaleneiland ({n_tiles} tiles)"]},
                            geometry=[shapely.box(cx - half, cy - half, cx + half, cy + half)],
                            crs=streets.crs)
    raw = data.establishments.drop(columns=["synthetic_case", "synthetic_true_vbo"])
    read = normalise_establishments(raw, today=REFERENCE_DATE)
    located = geolocate(read.establishments, data.verblijfsobjecten)
    return {"streets": streets, "pois": pois, "area": area, "bag": data.verblijfsobjecten,
            "establishments": located.matched, "tiles": n_tiles}


def tiled_result(n_segments: int, seed: int = 0):
    """:func:`analyse` on :func:`tiled_inputs` (SYNTHETIC BAG/KvK layers flagged as such)."""
    from wijkkracht.core.pipeline import analyse

    inputs = tiled_inputs(n_segments, seed)
    result = analyse(inputs["streets"], inputs["pois"], inputs["area"], bag=inputs["bag"],
                     establishments=inputs["establishments"], reference_date=REFERENCE_DATE,
                     keep_all_components=True, k=6, rasters=True)
    result.metadata["synthetic"] = ["bag", "establishments"]
    return result, inputs["tiles"]


def block_sizes(page: str) -> dict[str, int]:
    """Bytes of each inert JSON data block of a map page."""
    return {m.group(1): len(m.group(2).encode("utf-8")) for m in re.finditer(
        r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)}


def time_builds(result, repeats: int, **kwargs) -> tuple[list[float], str]:
    from wijkkracht.output.webmap import webmap_html

    times, page = [], ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        page = webmap_html(result, **kwargs)
        times.append(time.perf_counter() - t0)
    return times, page


def browser_times(page_path: Path) -> dict:
    """Open the page in headless Chromium with every request blocked; time it."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu",
                                           "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith("file://") else route.abort())
            t0 = time.perf_counter()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector(".leaflet-container[data-wk-ready]", state="attached",
                                   timeout=120_000)
            out["open_s"] = round(time.perf_counter() - t0, 3)
            # switching on an indicator layer (built then, drawn in the next frames)
            out["layer_switch_s"] = round(page.evaluate("""async () => {
                const label = document.querySelectorAll(
                    '.leaflet-control-layers-overlays label')[2];
                const t = performance.now();
                label.querySelector('input').click();
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                return performance.now() - t; }""") / 1000, 3)
            out["layer"] = page.evaluate("""() => document.querySelectorAll(
                '.leaflet-control-layers-overlays label')[2].textContent.trim()""")
            out["canvas"] = page.locator(".leaflet-overlay-pane canvas").count() > 0
            out["errors"] = errors
        finally:
            browser.close()
    return out


def run(sizes: list[int], repeats: int, browser: bool) -> dict:
    rows = []
    for n in sizes:
        t0 = time.perf_counter()
        result, tiles = tiled_result(n)
        prep = time.perf_counter() - t0
        online_t, online = time_builds(result, repeats)
        offline_t, offline = time_builds(result, repeats, offline=True)
        row = {
            "target_segments": n,
            "segments": int(len(result.streets)),
            "tiles": tiles,
            "pois": int(len(result.pois)),
            "analysis_s": round(prep, 1),
            "online_bytes": len(online.encode("utf-8")),
            "offline_bytes": len(offline.encode("utf-8")),
            "build_s": {"best": round(min(online_t), 3),
                        "median": round(statistics.median(online_t), 3)},
            "build_offline_s": {"best": round(min(offline_t), 3),
                                "median": round(statistics.median(offline_t), 3)},
            "blocks_bytes": block_sizes(online),
        }
        if browser:
            with tempfile.TemporaryDirectory(prefix="wk-map-") as tmp:
                path = Path(tmp) / "map.html"
                path.write_text(offline, encoding="utf-8")
                row["browser"] = browser_times(path)
        rows.append(row)
        print(f"{row['segments']:>6} segments: online {row['online_bytes'] / 1e6:.2f} MB, "
              f"offline {row['offline_bytes'] / 1e6:.2f} MB, build {row['build_s']['median']:.2f} s"
              + (f", opens in {row['browser']['open_s']:.2f} s" if browser else ""), flush=True)
    largest = max(rows, key=lambda r: r["segments"])
    return {
        "benchmark": "map_size",
        "target": "HTML < 15 MB for 20,000 segments",
        "rows": rows,
        "pass": largest["segments"] >= 19_000 and largest["offline_bytes"] < 15_000_000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="map HTML size and build time")
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true",
                        help="also time opening the offline page in headless Chromium")
    parser.add_argument("--json", help="write the result here (default: stdout)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result = run(sizes, args.repeats, args.browser)
    if args.json:
        record(result, args.json)
    else:
        write_json(None, result)


if __name__ == "__main__":
    main()
