"""The demo report in a real headless Chromium (Debian's), offline, on screen and in print.

The report page itself loads nothing; the interactive map in its frame loads Leaflet, served
from the folder scripts/fetch_web_assets.sh fills (see ``webmap_support.Page``). Any page or
console error, or any other request, fails the test. Screenshots (and the PDF) are left in
``.cache/screenshots`` for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.report import write_report
from wijkkracht.styles import hex_to_rgb, synthetic_notice_color, type_colors

from .webmap_support import Page

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_page(browser: Any, web_assets: Path, asset_for: Callable[[str], Path | None],
                screenshot_dir: Path, result: AnalysisResult,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    del web_assets  # requested so that the test skips when the assets are missing
    paths = write_report(result, tmp_path_factory.mktemp("report"), lang="nl")
    page = Page(browser, asset_for, screenshot_dir, viewport={"width": 1100, "height": 900})
    page.page.goto(paths["report"].resolve().as_uri())
    page.page.wait_for_load_state("load")
    frame = page.page.frame_locator("iframe.wk-frame")
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
    page.page.wait_for_timeout(300)
    yield page
    page.page.close()


def _shot(page: Page, selector: str, name: str) -> np.ndarray:
    path = page.screenshots / name
    page.page.locator(selector).first.screenshot(path=str(path))
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def _pixels_of(shot: np.ndarray, color: str, tol: int = 6) -> int:
    rgb = np.array(hex_to_rgb(color))
    return int((np.abs(shot.astype(int) - rgb).max(axis=2) <= tol).sum())


def test_report_renders_without_errors(report_page: Page) -> None:
    report_page.page.screenshot(path=str(report_page.screenshots / "report_nl.png"),
                                full_page=True)
    assert report_page.errors == []
    assert report_page.dialogs == []
    # the interactive map in its frame drew the streets
    frame = report_page.page.frame_locator("iframe.wk-frame")
    assert frame.locator("path.leaflet-interactive").count() > 100


def test_static_map_shows_the_type_colours(report_page: Page, result: AnalysisResult) -> None:
    shot = _shot(report_page, "figure.wk-map svg", "report_nl_map.png")
    assert shot.shape[0] > 400 and shot.shape[1] > 400
    counts = {key: _pixels_of(shot, color)
              for key, color in type_colors(result.streets["type_key"]).items()}
    big = {k for k in result.streets["type_key"].unique()
           if (result.streets["type_key"] == k).sum() >= 30}
    assert {k for k, n in counts.items() if n >= 50} >= big, counts


def test_every_profile_chart_is_drawn_in_its_type_colour(report_page: Page,
                                                         result: AnalysisResult) -> None:
    charts = report_page.page.locator("article.wk-type figure.wk-profile svg")
    assert charts.count() == len(result.profile)
    for i, key in enumerate(result.profile["type_key"]):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200
        path = report_page.screenshots / f"report_nl_profile_{key}.png"
        chart.screenshot(path=str(path))
        with Image.open(path) as img:
            shot = np.asarray(img.convert("RGB"))
        # what the type has more of than the other streets in its colour (a type with
        # less of everything, e.g. quiet streets, is all grey)
        row = result.profile.iloc[i]
        stronger = any(row[c] > 0.05 for c in result.profile.columns if c.startswith("z_"))
        colour = type_colors(result.profile["type_key"])[key]
        assert (_pixels_of(shot, colour) > 300) == stronger, key
    # the feature labels are text a reader can see
    assert "Functies binnen 400 m" in report_page.page.locator(
        "article.wk-type figure.wk-profile").first.inner_text()


def test_print_keeps_the_key_content(report_page: Page, result: AnalysisResult) -> None:
    page = report_page.page
    page.emulate_media(media="print")
    try:
        for selector in ("#synthetic-notice", "table.wk-key", "figure.wk-map svg",
                         "table.wk-types", "#methods"):
            assert page.locator(selector).first.is_visible(), selector
        assert not page.locator("iframe.wk-frame").is_visible()  # screen only
        # in print the map's link names the file instead
        assert "wijkkracht.html" in page.locator("#map").inner_text()
        shot = _shot(report_page, "figure.wk-map svg", "report_nl_print_map.png")
        colours = type_colors(result.streets["type_key"]).values()
        assert sum(_pixels_of(shot, c) for c in colours) > 5000
        notice = _shot(report_page, "#synthetic-notice", "report_nl_print_notice.png")
        assert _pixels_of(notice, synthetic_notice_color()) > 0.5 * notice.shape[0] * \
            notice.shape[1]
        pdf = page.pdf(format="A4", print_background=True)
        (report_page.screenshots / "report_nl.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert pages >= 4, pages  # key figures and map, types, methods: several A4 pages
    finally:
        page.emulate_media(media="screen")
    assert report_page.errors == []
