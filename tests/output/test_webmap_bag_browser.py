"""The map of a run with SYNTHETIC BAG/KvK data and summary areas, in headless Chromium.

What a user sees: the notice that the BAG/KvK data are synthetic, controls that do not cover
each other, the BAG legend when the MXI layer is switched on, a suppressed value shown as its
meaning in the tooltip, and area popups that show a name with markup as text. Screenshots are
left in ``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``) for people to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wijkkracht.core.indicators.registry import INDICATORS, SENSITIVE
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import write_webmap
from wijkkracht.styles import hex_to_rgb, indicator_style, key_indicators

from .webmap_support import Page, bag_result, overlaps

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

#: Rectangles of every visible Leaflet control, in page pixels.
CONTROL_RECTS_JS = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(e => e.offsetWidth > 0 && e.offsetHeight > 0)
  .map(e => { const r = e.getBoundingClientRect();
              return {cls: e.className, left: r.left, top: r.top, right: r.right,
                      bottom: r.bottom}; })"""

#: A point inside the area with code ``code`` where the area (not a street on top of it) takes
#: the click.
AREA_POINT_JS = """(code) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let el = null;
  map.eachLayer(l => { if (l.feature && l.feature.properties.c === code && l._path) {
    el = l._path; } });
  const r = el.getBoundingClientRect();
  for (let i = 1; i < 2000; i++) {
    const x = r.left + r.width * ((i * 37) % 101) / 101;
    const y = r.top + r.height * ((i * 61) % 103) / 103;
    if (document.elementFromPoint(x, y) === el) { return [x, y]; }
  }
  return null;
}"""

#: A point on a street whose feature index (in the streets block) is in ``wanted`` and that
#: the mouse reaches there (no other street on top); with the street's index.
STREET_POINT_JS = """(wanted) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const data = JSON.parse(document.getElementById('wk-streets').textContent).features;
  const index = new Map(data.map((f, i) => [JSON.stringify(f.geometry), i]));
  const want = new Set(wanted), box = map.getContainer().getBoundingClientRect();
  let found = null;
  map.eachLayer(l => {
    if (found || !l.feature || !l._path || l.feature.properties.t === undefined) { return; }
    const i = index.get(JSON.stringify(l.feature.geometry));
    if (!want.has(i)) { return; }
    const p = map.latLngToContainerPoint(l.getCenter());
    const x = box.left + p.x, y = box.top + p.y;
    if (x < 0 || y < 0 || x > box.right || y > box.bottom) { return; }
    if (document.elementFromPoint(x, y) === l._path) { found = [x, y, i]; }
  });
  return found;
}"""


def _pixels_of(shot: np.ndarray, rgb: tuple[int, ...], tol: int = 3) -> int:
    return int((np.abs(shot.astype(int) - np.array(rgb)).max(axis=2) <= tol).sum())


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return bag_result(3)


@pytest.fixture(scope="module")
def bag_page(browser: Any, web_assets: Path, asset_for: Callable[[str], Path | None],
             screenshot_dir: Path, result: AnalysisResult,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    del web_assets  # requested so that the test skips when the assets are missing
    html = write_webmap(result, tmp_path_factory.mktemp("bagmap") / "map.html", lang="nl")
    page = Page(browser, asset_for, screenshot_dir)
    page.open(html)
    yield page
    page.page.close()


def test_synthetic_notice_is_visible(bag_page: Page) -> None:
    notice = bag_page.page.locator(".wk-synthetic")
    assert notice.count() == 1 and notice.is_visible()
    text = notice.inner_text()
    assert "SYNTHETISCHE BAG/KvK-gegevens — geen echte adressen of bedrijven" in text
    assert "verzonnen" in text
    box = notice.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 1200 and box["y"] + box["height"] <= 800
    assert box["width"] >= 200 and box["height"] >= 40
    attribution = bag_page.page.locator(".leaflet-control-attribution").inner_text()
    assert "SYNTHETISCHE gegevens" in attribution
    # the picture: the notice's red fills most of its box
    background = notice.evaluate("e => getComputedStyle(e).backgroundColor")
    rgb = tuple(int(v) for v in background[background.index("(") + 1:-1].split(",")[:3])
    shot = bag_page.screenshot("webmap_bag_nl.png")
    x0, y0 = int(box["x"]), int(box["y"])
    region = shot[y0:y0 + int(box["height"]), x0:x0 + int(box["width"])]
    assert _pixels_of(region, rgb) > 0.5 * region.shape[0] * region.shape[1]
    assert bag_page.errors == []


def test_controls_do_not_cover_each_other(bag_page: Page, result: AnalysisResult) -> None:
    rects = bag_page.page.evaluate(CONTROL_RECTS_JS)
    assert len(rects) >= 7  # zoom, title, notice, legend, scale, layers, attribution
    assert overlaps(rects) == []
    for r in rects:
        assert r["left"] >= 0 and r["top"] >= 0 and r["right"] <= 1200 and r["bottom"] <= 800
    # with two indicator legends the legend grows, and scrolls rather than cover the notice
    names = [n for n in key_indicators(result.streets.columns)
             if INDICATORS[n].requires != "osm"][:2]
    for name in names:
        bag_page.toggle(indicator_style(name).indicator.label("nl"))
    try:
        assert overlaps(bag_page.page.evaluate(CONTROL_RECTS_JS)) == []
        bag_page.screenshot("webmap_bag_nl_two_legends.png")
    finally:
        for name in names:
            bag_page.toggle(indicator_style(name).indicator.label("nl"))


def test_bag_legend_appears_when_mxi_is_switched_on(bag_page: Page,
                                                    result: AnalysisResult) -> None:
    mxi = next(n for n in key_indicators(result.streets.columns) if n.startswith("mxi"))
    style = indicator_style(mxi)
    legend = bag_page.page.locator(".wk-legend")
    section = legend.locator(f"[data-legend='{mxi}']")
    assert section.count() == 0
    bag_page.toggle(style.indicator.label("nl"))
    try:
        assert section.count() == 1 and section.is_visible()
        text = section.inner_text()
        assert style.title("nl") in text and "SYNTHETISCH" in text
        rows = section.locator(".wk-row")
        assert rows.count() == len(style.legend("nl"))
        assert [rows.nth(i).inner_text().strip() for i in range(rows.count())] == \
            [label for label, _ in style.legend("nl")]
        shot = bag_page.screenshot(f"webmap_bag_nl_{mxi}.png")
        assert sum(_pixels_of(shot, hex_to_rgb(c)) for c in style.colors) > 3000
        assert bag_page.errors == []
    finally:
        bag_page.toggle(style.indicator.label("nl"))
    assert section.count() == 0


def test_tooltip_groups_rows_and_shows_a_suppressed_value_as_its_meaning(
        bag_page: Page, result: AnalysisResult) -> None:
    name = next(n for n in key_indicators(result.streets.columns)
                if SENSITIVE in INDICATORS[n].tags)
    unsuppressed = bag_result(1).streets[name]
    streets = result.streets
    hidden = np.flatnonzero(streets[name].isna().to_numpy() & unsuppressed.notna().to_numpy()
                            & streets["suppressed"].to_numpy())
    assert len(hidden) >= 10
    point = bag_page.page.evaluate(STREET_POINT_JS, [int(i) for i in hidden])
    assert point is not None, "no suppressed street segment can be hovered"
    bag_page.page.mouse.click(point[0], point[1])
    tip = bag_page.page.locator(".leaflet-popup")
    tip.wait_for(state="visible")
    bag_page.screenshot("webmap_bag_nl_tooltip.png")
    groups = tip.locator("tr.wk-grp").all_inner_texts()
    assert [g.strip() for g in groups] == ["OpenStreetMap", "BAG/KvK SYNTHETISCH"]
    title = indicator_style(name).title("nl")
    row = tip.locator("tr", has=bag_page.page.locator("th", has_text=title))
    assert row.count() == 1
    assert row.locator("td").inner_text().strip() == \
        indicator_style(name).null_label("nl")
    distance = tip.locator("tr", has=bag_page.page.locator(
        "th", has_text=indicator_style("dist_supermarket_m").title("nl")))
    assert distance.locator("td").inner_text().strip().endswith(" m")
    bag_page.page.mouse.move(5, 400)
    assert bag_page.errors == []


@pytest.mark.usefixtures("web_assets")
def test_area_popup_shows_a_name_with_markup_as_text(
        browser: Any, asset_for: Callable[[str], Path | None], screenshot_dir: Path,
        result: AnalysisResult, tmp_path: Path) -> None:
    areas = result.areas.copy()
    name = '<script>alert("area")</script><img src=x onerror=alert(2)> & Co'
    areas.loc[areas.index[0], "area_name"] = name
    html = write_webmap(replace(result, areas=areas), tmp_path / "map.html", lang="en")
    page = Page(browser, asset_for, screenshot_dir)
    try:
        page.open(html)
        point = page.page.evaluate(AREA_POINT_JS, str(areas["area_code"].iloc[0]))
        assert point is not None, "no spot of the area takes a click"
        page.page.mouse.click(point[0], point[1])
        popup = page.page.locator(".wk-popup")
        popup.wait_for(state="visible")
        page.page.wait_for_timeout(400)  # the popup pans the map into view
        page.screenshot("webmap_bag_en_area_popup.png")
        text = popup.inner_text()
        assert name in text
        assert str(areas["area_code"].iloc[0]) in text
        assert "Walking distance supermarket (m)" in text and "SYNTHETIC" in text
        assert popup.locator("script, img").count() == 0
        assert page.dialogs == [] and page.errors == []
        # panned clear of the layer control and the legend
        rects = page.page.evaluate(CONTROL_RECTS_JS)
        box = popup.bounding_box()
        assert box is not None
        me = {"cls": "popup", "left": box["x"], "top": box["y"],
              "right": box["x"] + box["width"], "bottom": box["y"] + box["height"]}
        big = [r for r in rects if "layers" in r["cls"] or "wk-legend" in r["cls"]]
        assert len(big) == 2 and overlaps([me, *big]) == []
    finally:
        page.page.close()
