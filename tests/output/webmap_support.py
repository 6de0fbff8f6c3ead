"""Shared by the web-map tests: analysis results with BAG/KvK data, and a headless browser page.

The BAG units and establishments are SYNTHETIC (:mod:`wijkkracht.data_sources.synthetic`, seed
0) on the real Kanaleneiland streets and POIs; the areas are the SYNTHETIC CBS-layout fixture
(``tests/data/wijkbuurtkaart_cbs_synthetic.gpkg``, four quadrants of the study area). Results
are built once per test session (``functools.cache``); treat them as read-only.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from PIL import Image

from wijkkracht.core.pipeline import analyse
from wijkkracht.core.result import AnalysisResult
from wijkkracht.demo import demo_data_path

CBS_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
REFERENCE_DATE = "2026-01-01"

VIEWPORT = {"width": 1200, "height": 800}
#: Hosts of the base maps' tiles (served as a blank PNG: the tests never reach the network).
TILE_HOSTS = ("tile.openstreetmap.org", "service.pdok.nl")
CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png",
                 ".svg": "image/svg+xml"}


# --------------------------------------------------------------------------- analysis results


@cache
def _demo_inputs() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from wijkkracht.data_sources.files import read_area, read_pois, read_streets

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    return read_streets(path, layer="streets"), read_pois(path, layer="pois"), area


@cache
def synthetic_inputs() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    """SYNTHETIC BAG units, the establishments placed on them (as ``analyse`` takes them), and
    the raw establishment table (with the addresses and ids that must never reach a map)."""
    from wijkkracht.data_sources.establishments import geolocate, normalise_establishments
    from wijkkracht.data_sources.synthetic import generate_synthetic

    data = generate_synthetic(0, snapshot_date=REFERENCE_DATE)
    raw = data.establishments
    read = normalise_establishments(raw.drop(columns=["synthetic_case", "synthetic_true_vbo"]),
                                    today=REFERENCE_DATE)
    located = geolocate(read.establishments, data.verblijfsobjecten)
    return data.verblijfsobjecten, located.matched, raw


@cache
def bag_result(threshold: int = 3) -> AnalysisResult:
    """Kanaleneiland with SYNTHETIC BAG/KvK data and four summary areas
    (``metadata["synthetic"]`` set here, whatever the pipeline records)."""
    from wijkkracht.data_sources.areas import read_areas

    streets, pois, area = _demo_inputs()
    bag, establishments, _ = synthetic_inputs()
    areas = read_areas(CBS_FIXTURE, codes="BU9999*")
    result = analyse(streets, pois, area, bag=bag, establishments=establishments,
                     reference_date=REFERENCE_DATE, privacy_threshold=threshold, areas=areas,
                     k=5)
    result.metadata["synthetic"] = ["bag", "establishments"]
    return result


@cache
def osm_result() -> AnalysisResult:
    """Kanaleneiland from OpenStreetMap alone (no BAG, no establishments, no areas)."""
    streets, pois, area = _demo_inputs()
    result = analyse(streets, pois, area, k=5)
    result.metadata["synthetic"] = []
    return result


@cache
def raster_result() -> AnalysisResult:
    """The demo (SYNTHETIC BAG/KvK layers) with its intensity surfaces (``rasters=True``)."""
    from wijkkracht.demo import analyse_demo

    return analyse_demo(rasters=True)


def with_metadata(result: AnalysisResult, **changes: Any) -> AnalysisResult:
    """A shallow copy of ``result`` with some metadata keys replaced (None: removed)."""
    meta = {k: (dict(v) if isinstance(v, dict) else v) for k, v in result.metadata.items()}
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return replace(result, metadata=meta)


def data_block(page: str, name: str) -> Any:
    """The JSON data block ``name`` (config, streets, pois, area, areas) of a map page."""
    from wijkkracht.output.webmap import DATA_BLOCK_IDS

    block_id = DATA_BLOCK_IDS[name]
    match = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', page,
                      re.S)
    assert match, f"no {block_id} block"
    return json.loads(match.group(1))


# ---------------------------------------------------------------------------------- browser


def blank_png() -> bytes:
    """A 1x1 white PNG (the tiles: the map must render without the network)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def overlaps(rects: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pairs of controls (``cls``) whose boxes (``getBoundingClientRect``: left, right,
    top, bottom) overlap by more than half a pixel both ways."""
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            w = min(a["right"], b["right"]) - max(a["left"], b["left"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w > 0.5 and h > 0.5:
                out.append((a["cls"], b["cls"]))
    return out


class Page:
    """A Playwright page that records every error and routes every request offline.

    ``network=True``: CDN assets are served from the local copies (``asset_for``), tiles as a
    blank PNG (``tiles="blank"``) or refused (``tiles="fail"``: counted in
    :attr:`tile_failures`, not as errors); any other request is an error. ``network=False``:
    the browser context is offline and every request but the page itself is refused and
    recorded as an error.
    """

    def __init__(self, browser: Any, asset_for: Callable[[str], Path | None],
                 screenshots: Path, viewport: dict[str, int] | None = None, *,
                 network: bool = True, tiles: str = "blank", touch: bool = False) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.tile_failures = 0
        self.asset_for = asset_for
        self.screenshots = screenshots
        self.blank = blank_png()
        self.network = network
        self.tiles = tiles
        self.url: str | None = None
        self.context = browser.new_context(viewport=viewport or VIEWPORT, offline=not network,
                                           has_touch=touch)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        if (self.network and self.tiles == "fail" and msg.text.startswith("Failed to load")
                and self._is_tile(msg.location.get("url", ""))):
            return  # a refused tile, counted in tile_failures
        self.errors.append(f"console error: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _is_tile(self, url: str) -> bool:
        return any(host in url for host in TILE_HOSTS)

    def _failed(self, request: Any) -> None:
        if self.network and self.tiles == "fail" and self._is_tile(request.url):
            self.tile_failures += 1
            return
        self.errors.append(f"request failed: {request.url} {request.failure}")

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if not self.network:
            if url == self.url:
                route.continue_()
                return
            self.errors.append(f"request with the network off: {url}")
            route.abort()
            return
        if url.startswith("file://"):
            route.continue_()
            return
        local = self.asset_for(url)
        if local is not None and local.is_file():
            # as jsDelivr does: the page checks the files' integrity, which needs CORS
            route.fulfill(path=str(local),
                          content_type=CONTENT_TYPES.get(local.suffix, "application/octet-stream"),
                          headers={"Access-Control-Allow-Origin": "*"})
            return
        if self._is_tile(url):
            if self.tiles == "fail":
                route.abort("internetdisconnected")
            else:
                route.fulfill(body=self.blank, content_type="image/png")
            return
        self.errors.append(f"unexpected request: {url}")
        route.abort()

    def open(self, html: Path) -> None:
        self.url = html.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector(".leaflet-container[data-wk-ready]", state="attached")
        self.page.wait_for_selector(".wk-legend h4", state="attached")  # folded on a phone
        self.page.wait_for_timeout(200)

    def close(self) -> None:
        self.page.close()
        self.context.close()

    def screenshot(self, name: str) -> np.ndarray:
        path = self.screenshots / name
        self.page.screenshot(path=str(path))
        with Image.open(path) as img:
            return np.asarray(img.convert("RGB"))

    def toggle(self, label: str) -> None:
        """Click the layer-control entry ``label`` (switch the layer on or off); the control
        opens first (it starts collapsed)."""
        control = self.page.locator(".leaflet-control-layers")
        if "leaflet-control-layers-expanded" not in (control.get_attribute("class") or ""):
            control.hover()  # Leaflet ignores a click in the same moment as the hover
            self.page.wait_for_timeout(100)
        self.page.locator(".leaflet-control-layers-overlays label", has_text=label).first.click()
        self.page.wait_for_timeout(300)


@contextmanager
def launch(playwright_api: Any, chromium: Path) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()
