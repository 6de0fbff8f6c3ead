"""The web map in a real headless Chromium (Debian's), offline.

CDN assets are served from the folder scripts/fetch_web_assets.sh fills, map tiles as a blank
PNG; any other request fails the test, as do page errors and console errors. Screenshots are
left in ``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``) for people to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.writer import write_outputs
from wijkkracht.styles import hex_to_rgb, indicator_style, key_indicators, type_colors

from .webmap_support import Page

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def map_page(browser: Any, web_assets: Path, asset_for: Callable[[str], Path | None],
             screenshot_dir: Path, result: AnalysisResult,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    del web_assets  # requested so that the test skips when the assets are missing
    html = write_outputs(result, tmp_path_factory.mktemp("browser"), lang="nl")["html"]
    page = Page(browser, asset_for, screenshot_dir)
    page.open(html)
    yield page
    page.page.close()


def _pixels_of(shot: np.ndarray, color: str, tol: int = 3) -> int:
    rgb = np.array(hex_to_rgb(color))
    return int((np.abs(shot.astype(int) - rgb).max(axis=2) <= tol).sum())


def test_map_renders_streets_in_type_colours(map_page: Page, result: AnalysisResult) -> None:
    shot = map_page.screenshot("webmap_nl.png")
    assert map_page.errors == []
    assert len(np.unique(shot.reshape(-1, 3), axis=0)) > 50, "the page looks blank"
    # the street segments are drawn at first (the paths have a layer of their own, off)
    streets = result.streets[result.streets["is_street"]]
    present = set(streets["type_key"])
    counts = {key: _pixels_of(shot, color) for key, color in type_colors(present).items()}
    seen = {key for key, n in counts.items() if n >= 30}
    assert seen >= {k for k in present if (streets["type_key"] == k).sum() >= 20}, counts
    assert sum(counts.values()) > 5000, counts


def test_svg_strokes_are_the_spec_colours(map_page: Page, result: AnalysisResult) -> None:
    strokes = map_page.page.eval_on_selector_all(
        "path.leaflet-interactive[fill='none']", "els => els.map(e => e.getAttribute('stroke'))")
    assert strokes
    # the types of the data: a second type of an archetype and a neutral type in their own
    # colours, never in the grey of an unknown type
    allowed = {c.lower() for c in type_colors(result.streets["type_key"]).values()}
    assert {s.lower() for s in strokes} <= allowed


def test_legend_and_layer_toggle(map_page: Page) -> None:
    legend = map_page.page.locator(".wk-legend")
    assert legend.is_visible()
    assert "Kansentypen" in legend.inner_text()

    name = key_indicators()[0]  # an OpenStreetMap indicator: every map has its layer
    style = indicator_style(name)
    label = style.indicator.label("nl")
    assert style.title("nl") not in legend.inner_text()
    map_page.toggle(label)
    assert style.title("nl") in legend.inner_text()
    assert legend.locator(f"[data-legend='{name}'] .wk-row").count() == len(style.legend("nl"))
    shot = map_page.screenshot(f"webmap_nl_{name}.png")
    assert sum(_pixels_of(shot, c) for c in style.colors) > 3000
    assert map_page.errors == []

    map_page.toggle(label)
    assert style.title("nl") not in legend.inner_text()


def test_tooltip_shows_rounded_values(map_page: Page) -> None:
    box = map_page.page.locator("path.leaflet-interactive[fill='none']").nth(200).bounding_box()
    assert box is not None
    found = False
    for dx, dy in ((0.5, 0.5), (0.25, 0.25), (0.75, 0.75), (0.5, 0.25), (0.25, 0.5)):
        map_page.page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        map_page.page.wait_for_timeout(100)
        label = map_page.page.locator(".wk-street-label")
        if label.count() and label.first.is_visible():
            found = True
            break
    if not found:
        pytest.skip("could not hover a street segment at this zoom")
    # hover: a small label; a click: the figures in a popup
    map_page.page.mouse.down()
    map_page.page.mouse.up()
    tip = map_page.page.locator(".leaflet-popup")
    tip.wait_for(state="visible")
    map_page.screenshot("webmap_nl_tooltip.png")
    text = tip.first.inner_text()
    assert indicator_style("dist_supermarket_m").title("nl") in text
    assert map_page.errors == []


@pytest.mark.usefixtures("web_assets")
def test_hostile_names_do_not_run(browser: Any, asset_for: Callable[[str], Path | None],
                                  screenshot_dir: Path, hostile_result: AnalysisResult,
                                  tmp_path: Path) -> None:
    html = write_outputs(hostile_result, tmp_path, lang="en")["html"]
    page = Page(browser, asset_for, screenshot_dir)
    try:
        page.open(html)
        assert page.dialogs == []
        assert page.errors == []
        assert page.page.locator("img[src='x']").count() == 0
        assert "Kanaleneiland <i>&amp;</i>" in page.page.locator(".wk-title").inner_text()
    finally:
        page.page.close()
