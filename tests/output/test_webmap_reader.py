"""The map as the people who receive it read it, in a real headless Chromium (Debian's), at
1400x900 and 390x844: the default page (assets inlined) with every request blocked, a click
that opens a popup that stays, a tap that opens a sheet at the bottom of a phone, controls that
never cover each other, legend entries that highlight their streets, the view in the URL, and
printing the view.

Every request but the page itself is refused (tiles too: counted, not errors; the map falls
back to the surroundings drawn from the data). Page and console errors fail every test.
Screenshots are left in ``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import webmap_html, write_webmap

from .webmap_support import Page, overlaps

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"

#: Every visible control of the map, with its box (the map's own and the page's).
CONTROL_RECTS_JS = """() => Array.from(document.querySelectorAll(
    '.leaflet-control, .leaflet-control-attribution'))
  .filter(e => e.offsetWidth > 0 && e.offsetHeight > 0 && !e.closest('.leaflet-control *'))
  .map(e => { const r = e.getBoundingClientRect();
              return {cls: e.className, left: r.left, top: r.top, right: r.right,
                      bottom: r.bottom}; })"""

#: A point (container pixels) on a street segment of opportunity type ``t`` (any when t < 0)
#: well inside the given box, with the segment's name and type.
STREET_AT_JS = f"""([t, x0, x1, y0, y1]) => {{ const m = {MAP_JS}; let out = null;
    m.eachLayer(l => {{
      const p = l.feature && l.feature.properties;
      if (out || !p || p.p || !p.n || p.t === undefined || (t >= 0 && p.t !== t) ||
          !l.getLatLngs) {{ return; }}
      const ll = l.getLatLngs().flat(3), mid = ll[Math.floor(ll.length / 2)];
      if (ll.length < 2) {{ return; }}
      const a = m.latLngToContainerPoint(ll[Math.floor(ll.length / 2) - 1]);
      const b = m.latLngToContainerPoint(mid);
      const c = {{x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}};
      if (Math.hypot(a.x - b.x, a.y - b.y) > 16 && c.x > x0 && c.x < x1 && c.y > y0 &&
          c.y < y1) {{ out = {{x: c.x, y: c.y, name: p.n, t: p.t}}; }}
    }});
    return out; }}"""


@pytest.fixture(scope="module")
def default_map(tmp_path_factory: pytest.TempPathFactory, result: AnalysisResult) -> Path:
    """The map as ``wijkkracht demo`` writes it by default."""
    return write_webmap(result, tmp_path_factory.mktemp("reader") / "map.html", lang="nl")


@pytest.fixture
def blocked(browser: Any, screenshot_dir: Path) -> Iterator[Callable[..., Page]]:
    """Open a page with every request refused: no local copies of CDN assets (a request for
    one is an error), the tiles refused (counted in ``tile_failures``)."""
    opened: list[Page] = []

    def opener(html: Path, viewport: dict[str, int], touch: bool = False) -> Page:
        page = Page(browser, lambda url: None, screenshot_dir, viewport, network=True,
                    tiles="fail", touch=touch)
        opened.append(page)
        page.open(html)
        return page

    yield opener
    for page in opened:
        page.close()


def _street(page: Page, t: int = -1, box: tuple[float, ...] | None = None) -> dict[str, Any]:
    size = page.page.viewport_size
    box = box or (0.35 * size["width"], 0.75 * size["width"], 0.3 * size["height"],
                  0.6 * size["height"])
    point = page.page.evaluate(STREET_AT_JS, [t, *box])
    assert point is not None, "no street segment in the box"
    return point


def _unescape(name: str) -> str:
    return (name.replace("&#x27;", "'").replace("&quot;", '"').replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


# ---------------------------------------------------------------------- self-contained


def test_the_default_page_is_self_contained_and_the_cdn_variant_opt_in(
        result: AnalysisResult) -> None:
    page = webmap_html(result, lang="en")
    assert not re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=", page)
    assert re.search(r'<script data-asset="leaflet@1\.9\.3">', page)
    assert 'id="wk-no-leaflet"' not in page and "--offline" not in page
    cdn = webmap_html(result, lang="en", web_assets="cdn")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"' in cdn
    assert 'id="wk-no-leaflet"' in cdn and "--offline" not in cdn
    assert len(cdn.encode()) < len(page.encode()) - 150_000
    with pytest.raises(ValueError, match="web_assets"):
        webmap_html(result, web_assets="online")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_default_map_renders_with_every_request_blocked(
        blocked: Callable[..., Page], default_map: Path, size: str) -> None:
    page = blocked(default_map, SIZES[size])
    page.page.wait_for_selector(".leaflet-container.wk-nobase", state="attached")
    page.page.wait_for_timeout(300)
    assert page.page.evaluate("() => typeof L === 'object' && !!L.markerClusterGroup")
    drawn = page.page.evaluate(f"""() => {{ let n = 0; {MAP_JS}.eachLayer(l => {{
        if (l.feature && l.feature.properties.t !== undefined && l._path) {{ n++; }} }});
        return n; }}""")
    assert drawn > 100
    text = page.page.locator("body").inner_text()
    assert "--offline" not in text and "Maak de kaart" not in text
    assert page.page.locator("#wk-no-leaflet").count() == 0
    # the page itself and refused tiles, nothing else
    assert all(u == page.url or "service.pdok.nl" in u for u in page.requests), page.requests
    assert page.tile_failures >= 3
    page.screenshot(f"reader_{size}_blocked.png")
    assert page.errors == []


# ---------------------------------------------------------------------- click to explain


def test_hover_shows_a_label_and_a_click_a_popup_that_stays(
        blocked: Callable[..., Page], default_map: Path) -> None:
    page = blocked(default_map, DESKTOP)
    street = _street(page)
    page.page.mouse.move(street["x"], street["y"])
    label = page.page.locator(".wk-street-label")
    label.wait_for(state="visible")
    box = label.bounding_box()
    assert box is not None and box["width"] < 280 and box["height"] < 70
    assert _unescape(street["name"]) in label.inner_text()
    assert page.page.locator(".leaflet-popup").count() == 0
    page.page.mouse.click(street["x"], street["y"])
    popup = page.page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    assert _unescape(street["name"]) in popup.inner_text()
    assert popup.locator("table tr").count() >= 5
    # the pointer moves on: the popup stays (and the clicked street is outlined)
    page.page.mouse.move(street["x"] + 5, street["y"] + 260, steps=8)
    page.page.wait_for_timeout(400)
    assert popup.is_visible()
    assert page.page.locator(".leaflet-wkHighlight-pane path").count() >= 1
    page.screenshot("reader_desktop_popup.png")
    # its close button closes it
    popup.locator(".leaflet-popup-close-button").click()
    page.page.wait_for_timeout(300)  # it fades out
    assert page.page.locator(".leaflet-popup").count() == 0
    assert page.page.locator(".leaflet-wkHighlight-pane path").count() == 0
    assert page.errors == []


def test_phone_tap_opens_a_bottom_sheet_and_no_control_covers_another(
        blocked: Callable[..., Page], default_map: Path) -> None:
    page = blocked(default_map, PHONE, touch=True)
    page.page.wait_for_selector(".leaflet-container.wk-nobase", state="attached")
    page.page.wait_for_timeout(300)
    rects = page.page.evaluate(CONTROL_RECTS_JS)
    names = " ".join(r["cls"] for r in rects)
    for part in ("wk-title", "wk-search", "wk-legend", "wk-sources", "leaflet-control-layers",
                 "leaflet-control-attribution", "leaflet-control-zoom"):
        assert part in names, part
    assert overlaps(rects) == [], rects
    for r in rects:
        assert r["left"] >= 0 and r["top"] >= 0
        assert r["right"] <= PHONE["width"] and r["bottom"] <= PHONE["height"]
    page.screenshot("reader_phone_start.png")
    # the legend unfolded, the layer control opened: still none over another
    page.page.locator(".wk-legend-toggle").tap()
    page.page.wait_for_timeout(200)
    assert overlaps(page.page.evaluate(CONTROL_RECTS_JS)) == []
    page.screenshot("reader_phone_legend.png")
    page.page.locator(".wk-legend-toggle").tap()
    page.page.wait_for_timeout(400)  # two taps in a moment are a double tap (a zoom)
    page.page.locator(".leaflet-control-layers-toggle").tap()
    page.page.wait_for_timeout(200)
    assert page.page.locator(".leaflet-control-layers-expanded").count() == 1
    rects = page.page.evaluate(CONTROL_RECTS_JS)
    assert overlaps(rects) == [], rects
    assert all(r["right"] <= PHONE["width"] and r["bottom"] <= PHONE["height"] for r in rects)
    page.screenshot("reader_phone_layers.png")
    hash_before = page.page.evaluate("() => location.hash")
    page.page.wait_for_timeout(400)
    page.page.touchscreen.tap(200, PHONE["height"] - 60)  # the map below the list: it folds
    page.page.wait_for_timeout(200)
    assert page.page.locator(".leaflet-control-layers-expanded").count() == 0
    assert page.page.locator(".wk-title").is_visible()
    assert page.page.evaluate("() => location.hash") == hash_before  # no layer switched
    page.page.wait_for_timeout(400)
    # a tap on a street: its details in a sheet at the bottom, within the screen
    page.page.locator(".leaflet-control-zoom-in").tap()
    page.page.wait_for_timeout(600)
    page.screenshot("reader_phone_zoomed.png")
    street = _street(page, box=(40, 340, 330, 560))
    page.page.touchscreen.tap(street["x"], street["y"])
    sheet = page.page.locator(".wk-sheet")
    sheet.wait_for(state="visible")
    box = sheet.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert box["y"] > 0.4 * PHONE["height"] and box["y"] + box["height"] <= PHONE["height"] + 0.5
    assert _unescape(street["name"]) in sheet.inner_text()
    assert page.page.locator(".leaflet-popup").count() == 0
    assert page.page.evaluate("() => { const s = document.querySelector('.wk-sheet');"
                              " return getComputedStyle(s).overflowY; }") == "auto"
    page.screenshot("reader_phone_sheet.png")
    page.page.locator(".wk-sheet-close").tap()
    assert not sheet.is_visible()
    assert page.errors == []


# ---------------------------------------------------------------------- legend and URL


def _style_of(page: Page, t: int, same: bool) -> dict[str, Any]:
    return page.page.evaluate(f"""([t, same]) => {{ let s = null; {MAP_JS}.eachLayer(l => {{
        const p = l.feature && l.feature.properties;
        if (!s && p && !p.p && p.t !== undefined && l._path && (p.t === t) === same) {{
          s = {{weight: l.options.weight, opacity: l.options.opacity}}; }} }});
        return s; }}""", [t, same])


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_legend_click_highlights_the_streets_of_its_type(
        blocked: Callable[..., Page], default_map: Path, size: str) -> None:
    page = blocked(default_map, SIZES[size])
    if size == "phone":
        page.page.locator(".wk-legend-toggle").click()
    entry = page.page.locator(".wk-type-entry").first
    t = int(entry.get_attribute("data-type") or -1)
    before = _style_of(page, t, True), _style_of(page, t, False)
    assert before[0]["opacity"] == before[1]["opacity"] == 1
    entry.click()
    page.page.wait_for_timeout(200)
    on, off = _style_of(page, t, True), _style_of(page, t, False)
    assert on["opacity"] == 1 and off["opacity"] < 0.5 and on["weight"] > off["weight"]
    assert "type=" in page.page.evaluate("() => location.hash")
    page.screenshot(f"reader_{size}_legend_highlight.png")
    if size == "phone":  # the legend folded to show the streets: the panel closes it
        page.page.locator(".wk-type-close").click()
    else:
        page.page.locator(f".wk-legend [data-type='{t}']").click()
    page.page.wait_for_timeout(200)
    assert (_style_of(page, t, True), _style_of(page, t, False)) == before
    assert page.errors == []


def test_the_view_is_in_the_url_and_restored(blocked: Callable[..., Page],
                                             default_map: Path) -> None:
    page = blocked(default_map, DESKTOP)
    first = page.page.evaluate("() => location.hash")
    assert re.fullmatch(r"#map=[\d.]+/[\d.]+/[\d.]+&layers=[\d-]+&base=\w+", first), first
    # a pan with the mouse, and a layer switched on
    page.page.mouse.move(700, 450)
    page.page.mouse.down()
    page.page.mouse.move(500, 350, steps=10)
    page.page.mouse.up()
    page.page.wait_for_timeout(300)
    page.toggle("Loopafstand supermarkt")
    page.page.mouse.move(700, 600)
    page.page.wait_for_timeout(300)
    moved = page.page.evaluate("() => location.hash")
    assert moved != first
    view = page.page.evaluate(f"() => {{ const m = {MAP_JS}; const c = m.getCenter();"
                              " return [m.getZoom(), c.lat, c.lng]; }")
    page.page.reload()
    page.page.wait_for_selector(".leaflet-container[data-wk-ready]", state="attached")
    page.page.wait_for_timeout(300)
    again = page.page.evaluate(f"() => {{ const m = {MAP_JS}; const c = m.getCenter();"
                               " return [m.getZoom(), c.lat, c.lng]; }")
    assert again[0] == pytest.approx(view[0], abs=0.01)
    assert again[1:] == pytest.approx(view[1:], abs=2e-5)
    assert "Loopafstand supermarkt" in page.page.locator(".wk-legend").inner_text()
    assert page.page.evaluate("() => location.hash") == moved
    assert page.errors == []


def test_print_shows_the_view_without_buttons(blocked: Callable[..., Page],
                                              default_map: Path) -> None:
    page = blocked(default_map, DESKTOP)
    page.page.evaluate("() => { window.wkPrinted = 0; window.print = () => window.wkPrinted++; }")
    page.page.locator(".wk-print-button").click()
    assert page.page.evaluate("() => window.wkPrinted") == 1
    page.page.emulate_media(media="print")
    for hidden in (".leaflet-control-zoom", ".leaflet-control-layers", ".wk-search",
                   ".wk-sources"):
        assert not page.page.locator(hidden).first.is_visible(), hidden
    for shown in (".wk-title", ".wk-legend", ".leaflet-control-attribution"):
        assert page.page.locator(shown).first.is_visible(), shown
    page.screenshot("reader_desktop_print.png")
    assert page.errors == []
