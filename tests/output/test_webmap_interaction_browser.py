"""The map's base maps, offline mode, clusters, search, sources, surfaces and full screen, in a
real headless Chromium (Debian's).

Online pages get their CDN assets from the local npm copies and blank tiles (or refused tiles,
to see the fallback); the offline page runs in a browser context with the network off, where
any request but the page itself fails the test. Page and console errors fail every test.
Screenshots are left in ``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import _CLUSTER_UNTIL_ZOOM as CLUSTER_UNTIL_ZOOM
from wijkkracht.output.webmap import BASE_MAPS, CANVAS_FROM, write_webmap
from wijkkracht.styles import hex_to_rgb, poi_style, raster_style, type_colors

from .webmap_support import Page, overlaps, raster_result

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

CONTROL_RECTS_JS = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(e => e.offsetWidth > 0 && e.offsetHeight > 0)
  .map(e => { const r = e.getBoundingClientRect();
              return {cls: e.className, left: r.left, top: r.top, right: r.right,
                      bottom: r.bottom}; })"""

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


def _pixels_of(shot: np.ndarray, color: str, tol: int = 3) -> int:
    return int((np.abs(shot.astype(int) - np.array(hex_to_rgb(color))).max(axis=2) <= tol).sum())


def _street_pixels(shot: np.ndarray) -> int:
    return sum(_pixels_of(shot, c) for c in type_colors().values())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, result: AnalysisResult) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("interaction")
    return {
        "online": write_webmap(raster_result(), folder / "online.html", lang="nl"),
        "offline": write_webmap(result, folder / "offline.html", lang="nl", offline=True),
        "offline_en": write_webmap(result, folder / "offline_en.html", lang="en",
                                   offline=True),
    }


# ---------------------------------------------------------------------------- base maps


def test_base_map_switcher(open_page: Callable[..., Page], pages: dict[str, Path]) -> None:
    page = open_page(pages["online"])
    page.page.locator(".leaflet-control-layers").hover()  # it starts collapsed
    page.page.wait_for_timeout(100)
    base = page.page.locator(".leaflet-control-layers-base label")
    assert [base.nth(i).inner_text().strip() for i in range(base.count())] == \
        [b.label("nl") for b in BASE_MAPS]
    checked = page.page.locator(".leaflet-control-layers-base input:checked")
    assert checked.count() == 1
    assert checked.locator("xpath=..").inner_text().strip() == BASE_MAPS[0].label("nl")
    assert any("/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/" in u for u in page.requests)
    assert "Kadaster" in page.page.locator(".leaflet-control-attribution").inner_text()
    # OpenStreetMap: its tiles and its attribution
    base.filter(has_text="OpenStreetMap").click()
    page.page.wait_for_timeout(400)
    assert any(u.startswith("https://tile.openstreetmap.org/") for u in page.requests)
    assert "Kadaster" not in page.page.locator(".leaflet-control-attribution").inner_text()
    # none: the surroundings drawn from the data, no tiles
    before = len(page.requests)
    base.filter(has_text="Geen").click()
    page.page.wait_for_timeout(400)
    assert len(page.requests) == before
    assert "wk-nobase" in page.page.locator(".leaflet-container").get_attribute("class")
    shot = page.screenshot("webmap_nl_base_none.png")
    assert _pixels_of(shot, "#bdb5a8", tol=2) > 300  # building points
    assert _street_pixels(shot) > 5000
    assert page.errors == []


def test_failing_tiles_fall_back_to_the_surroundings(open_page: Callable[..., Page],
                                                     pages: dict[str, Path]) -> None:
    page = open_page(pages["online"], tiles="fail")
    page.page.wait_for_selector(".wk-basenote")
    assert page.tile_failures >= 3
    checked = page.page.locator(".leaflet-control-layers-base input:checked")
    assert checked.locator("xpath=..").inner_text().strip() == BASE_MAPS[-1].label("nl")
    assert "niet bereikbaar" in page.page.locator(".wk-basenote").inner_text()
    shot = page.screenshot("webmap_nl_tiles_failed.png")
    assert _pixels_of(shot, "#bdb5a8", tol=2) > 300 and _street_pixels(shot) > 5000
    assert page.errors == []


# ------------------------------------------------------------------------------ offline


def test_offline_map_renders_with_the_network_off(open_page: Callable[..., Page],
                                                  pages: dict[str, Path],
                                                  result: AnalysisResult) -> None:
    page = open_page(pages["offline_en"], network=False)
    assert page.requests == [page.url]
    shot = page.screenshot("webmap_en_offline.png")
    assert page.errors == []
    counts = {k: _pixels_of(shot, c) for k, c in type_colors(result.streets["type_key"]).items()}
    # the street segments are drawn at first (the paths have a layer of their own, off)
    streets = result.streets[result.streets["is_street"]]
    big = {k for k in streets["type_key"].unique() if (streets["type_key"] == k).sum() >= 20}
    assert {k for k, n in counts.items() if n >= 30} >= big, counts
    assert "Opportunity types" in page.page.locator(".wk-legend").inner_text()
    # a layer switched on offline
    page.toggle("Walking distance supermarket")
    assert "Walking distance supermarket (m)" in page.page.locator(".wk-legend").inner_text()
    assert page.requests == [page.url] and page.errors == []


# -------------------------------------------------------------------------------- POIs


def test_pois_cluster_in_their_class_colour(open_page: Callable[..., Page],
                                            pages: dict[str, Path],
                                            result: AnalysisResult) -> None:
    page = open_page(pages["offline"], network=False)
    clusters = page.page.locator(".wk-cluster-N div")
    assert clusters.count() >= 3
    background = clusters.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb({}, {}, {})".format(*hex_to_rgb(poi_style("N").fill))
    assert sum(int(t) for t in clusters.all_inner_texts()) > 10
    page.screenshot("webmap_nl_clusters.png")
    # zoomed in past the clustering, each POI shows on its own
    page.page.evaluate(f"() => {MAP_JS}.setZoom({CLUSTER_UNTIL_ZOOM + 1}, {{animate: false}})")
    page.page.wait_for_timeout(800)
    assert page.page.locator(".wk-cluster").count() == 0
    fill = poi_style("N").fill
    assert page.page.locator(f".leaflet-wkPois-pane path[fill='{fill}']").count() >= 1
    # vacant shop fronts: every one its own diamond, never clustered
    vacant = int((result.pois["vacant"].fillna(False).astype(bool)).sum())
    assert vacant > 0
    assert page.page.locator(".wk-vacant-icon").count() == vacant
    assert page.errors == []


# ------------------------------------------------------------------------------ search


def test_search_finds_and_highlights_a_street(open_page: Callable[..., Page],
                                              pages: dict[str, Path],
                                              result: AnalysisResult) -> None:
    page = open_page(pages["offline"], network=False)
    names = result.streets["street_name"].dropna()
    names = names[names.str.strip() != ""]
    name = names.value_counts().index[0]
    n = int((names == name).sum())
    box = page.page.locator(".wk-search input")
    box.fill(name[:5].lower())
    options = page.page.locator(".wk-search-list li[role=option]")
    assert name in options.all_inner_texts()
    options.filter(has_text=name).first.click()
    page.page.wait_for_timeout(400)
    assert page.page.locator(".wk-search-status").inner_text() == f"{name}: {n} segmenten"
    halo = page.page.locator(".leaflet-wkHighlight-pane path[stroke='#111111']")
    assert halo.count() == n  # a halo per segment of the street
    inside = page.page.evaluate(f"""() => {{ const m = {MAP_JS}; let all = true;
        m.eachLayer(l => {{ if (l.options && l.options.pane === 'wkHighlight' && l.getBounds)
          {{ all = all && m.getBounds().contains(l.getBounds()); }} }}); return all; }}""")
    assert inside
    page.screenshot("webmap_nl_search.png")
    box.fill("")
    box.dispatch_event("input")
    assert halo.count() == 0
    box.fill("zzqq")
    assert page.page.locator(".wk-search-status").inner_text() == "Geen straat met deze naam"
    assert page.errors == []


def test_a_street_named_script_is_found_as_text(open_page: Callable[..., Page],
                                                hostile_result: AnalysisResult,
                                                tmp_path: Path) -> None:
    # the search finds streets (is_street), not the sidewalks beside them: the hostile names
    # of the fixture on the first two street segments
    names = list(hostile_result.streets["street_name"].iloc[:2])
    streets = hostile_result.streets.copy()
    first = streets.index[streets["is_street"].to_numpy()][:2]
    streets.loc[first, "street_name"] = names
    html = write_webmap(replace(hostile_result, streets=streets), tmp_path / "hostile.html",
                        lang="en", offline=True)
    page = open_page(html, network=False)
    page.page.locator(".wk-search input").fill("script")
    option = page.page.locator(".wk-search-list li[role=option]").first
    assert option.inner_text() == names[0]
    assert option.locator("script, b, img").count() == 0
    option.click()
    page.page.wait_for_timeout(300)
    page.page.locator(".wk-search input").fill("onerror")
    assert page.page.locator(".wk-search-list li[role=option]").first.inner_text() == names[1]
    assert page.page.locator("img[src='x']").count() == 0
    assert page.dialogs == [] and page.errors == []


# ------------------------------------------------------------------- sources, full screen


def test_sources_list_openstreetmap_with_licence_and_date(open_page: Callable[..., Page],
                                                          pages: dict[str, Path]) -> None:
    page = open_page(pages["offline_en"], network=False)
    dialog = page.page.locator(".wk-sources-panel")
    assert dialog.count() == 0
    page.page.locator(".wk-sources-button").click()
    assert dialog.is_visible()
    text = dialog.inner_text()
    assert "OpenStreetMap, Kanaleneiland (Utrecht)" in text
    assert "licence: ODbL 1.0" in text and "date: 2025-11 (OSMnx extraction)" in text
    assert "SYNTHETIC" in text  # the demo's BAG/KvK layers
    assert "BRT-Achtergrondkaart" in text and "CC BY 4.0 (Kadaster)" in text
    page.screenshot("webmap_en_sources.png")
    page.page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.errors == []


def test_full_screen_button(open_page: Callable[..., Page], pages: dict[str, Path]) -> None:
    page = open_page(pages["offline"], network=False)
    button = page.page.locator(".leaflet-control-zoom a.wk-fullscreen-button")
    assert button.get_attribute("title") == "Volledig scherm"
    button.click()
    page.page.wait_for_function("() => document.fullscreenElement !== null")
    assert page.page.evaluate("() => document.fullscreenElement.classList.contains("
                              "'leaflet-container')")
    button.click()
    page.page.wait_for_function("() => document.fullscreenElement === null")
    assert page.errors == []


# ------------------------------------------------------------------------------ rasters


def test_surface_overlay_with_legend_and_opacity(open_page: Callable[..., Page],
                                                 pages: dict[str, Path]) -> None:
    page = open_page(pages["online"])
    result = raster_result()
    surface = result.rasters["business_intensity"]
    style = raster_style("business_intensity")
    page.toggle(surface.title("nl"))
    img = page.page.locator(".leaflet-wkRasters-pane img.wk-raster")
    assert img.count() == 1
    section = page.page.locator("[data-legend='raster-business_intensity']")
    assert section.is_visible()
    assert surface.title("nl") in section.inner_text()
    assert section.locator(".wk-row").all_inner_texts() == [lb for lb, _ in style.legend("nl")]
    assert float(img.evaluate("e => e.style.opacity")) == pytest.approx(style.opacity)
    shot = page.screenshot("webmap_nl_raster.png")
    assert page.errors == []
    slider = section.locator("input[type=range]")
    slider.evaluate("e => { e.value = 30; e.dispatchEvent(new Event('input', "
                    "{bubbles: true})); }")
    assert float(img.evaluate("e => e.style.opacity")) == pytest.approx(0.3)
    assert section.locator("output").inner_text() == "30%"
    faint = page.screenshot("webmap_nl_raster_30.png")
    # the surface shows, and fades with the slider
    strong = raster_style("business_intensity").colors[-1]
    assert int((np.abs(shot.astype(int) - faint.astype(int)).sum(axis=2) > 30).sum()) > 5000
    assert _pixels_of(shot, strong, tol=40) > _pixels_of(faint, strong, tol=40)
    # the opacity survives the legend being redrawn
    page.toggle("Loopafstand supermarkt")
    assert section.locator("input[type=range]").input_value() == "30"
    page.toggle("Loopafstand supermarkt")
    page.toggle(surface.title("nl"))
    assert img.count() == 0
    assert page.errors == []


# ------------------------------------------------------------------ a city, a phone


def test_a_city_map_draws_its_streets_on_a_canvas(open_page: Callable[..., Page],
                                                  result: AnalysisResult,
                                                  tmp_path: Path) -> None:
    streets = result.streets
    copies = []
    for i in range(-(-CANVAS_FROM // len(streets))):
        part = streets.copy()
        part.geometry = part.geometry.translate(xoff=2600.0 * i)
        part.index = part.index + i * 1_000_000
        copies.append(part)
    many = gpd.GeoDataFrame(pd.concat(copies), geometry="geometry", crs=streets.crs)
    area = result.area.copy()
    area.geometry = [area.geometry.iloc[0].union(
        area.geometry.iloc[0].buffer(0).envelope.union(many.geometry.union_all().envelope))]
    html = write_webmap(replace(result, streets=many, area=area), tmp_path / "city.html",
                        offline=True)
    page = open_page(html, network=False)
    assert page.page.locator(".leaflet-overlay-pane canvas").count() == 1
    strokes = page.page.eval_on_selector_all(".leaflet-overlay-pane path",
                                             "els => els.map(e => e.getAttribute('stroke'))")
    assert not {s.lower() for s in strokes if s} & \
        {c.lower() for c in type_colors(streets["type_key"]).values()}
    shot = page.screenshot("webmap_nl_city_canvas.png")
    assert _street_pixels(shot) > 5000
    # a street tooltip on the canvas
    point = page.page.evaluate(f"""() => {{ const m = {MAP_JS}; let p = null;
        m.eachLayer(l => {{ if (!p && l.feature && l.feature.properties.t !== undefined &&
            l.getCenter) {{ const c = m.latLngToContainerPoint(l.getCenter());
            if (c.x > 450 && c.x < 800 && c.y > 150 && c.y < 650) {{ p = [c.x, c.y]; }} }} }});
        return p; }}""")
    assert point is not None
    page.page.mouse.move(point[0], point[1])
    page.page.locator(".wk-street-label").wait_for(state="visible")
    page.page.mouse.down()
    page.page.mouse.up()
    page.page.locator(".leaflet-popup").wait_for(state="visible")
    assert page.errors == []


@pytest.mark.parametrize("name", ["offline", "online"])
def test_phone_controls_do_not_cover_each_other(open_page: Callable[..., Page],
                                                pages: dict[str, Path], name: str) -> None:
    page = open_page(pages[name], viewport=PHONE, network=name == "online")
    rects = page.page.evaluate(CONTROL_RECTS_JS)
    assert overlaps(rects) == []
    for r in rects:
        assert r["left"] >= 0 and r["top"] >= 0
        assert r["right"] <= PHONE["width"] and r["bottom"] <= PHONE["height"]
    page.screenshot(f"webmap_nl_phone_{name}.png")
    assert page.errors == []


def test_desktop_controls_do_not_cover_each_other_with_a_surface_on(
        open_page: Callable[..., Page], pages: dict[str, Path]) -> None:
    page = open_page(pages["online"])
    page.toggle(raster_result().rasters["mixed_use_diversity"].title("nl"))
    page.page.locator(".wk-search input").fill("kanaal")
    rects = page.page.evaluate(CONTROL_RECTS_JS)
    assert overlaps(rects) == []
    page.screenshot("webmap_nl_desktop_surface.png")
    assert page.errors == []


def test_a_blocked_cdn_is_explained(browser: Any, screenshot_dir: Path,
                                    pages: dict[str, Path]) -> None:
    """A network that blocks jsDelivr: a page of the cdn variant says why it shows no map, in
    words for its reader (Leaflet's absence is the only error)."""
    page = Page(browser, lambda url: None, screenshot_dir)  # no local copies: CDN refused
    html = write_webmap(raster_result(), pages["online"].with_name("cdn.html"), lang="nl",
                        web_assets="cdn")
    try:
        page.page.goto(html.resolve().as_uri())
        message = page.page.locator("#wk-no-leaflet")
        message.wait_for(state="visible")
        assert "internet" in message.inner_text()
        assert "--offline" not in message.inner_text()
        page.screenshot("webmap_nl_cdn_blocked.png")
        assert page.errors and all("cdn.jsdelivr.net" in e or "L is not defined" in e
                                   or "Failed to load resource" in e
                                   for e in page.errors), page.errors
        assert any("L is not defined" in e for e in page.errors)
    finally:
        page.close()
