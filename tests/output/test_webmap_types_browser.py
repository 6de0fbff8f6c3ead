"""A type in the map's legend, clicked (tapped, or Enter/Space on the keyboard), shows its
streets and its explanation, in a real headless Chromium (Debian's), offline.

The type's streets are drawn on top and thicker, the others dimmed (read from the page's
Leaflet layers and SVG); a panel gives the type's name, why it has it (``explanation_<lang>``
of the profile), what it means, its rule and a few medians; a second click, the close button
or Escape restore the map. Dutch and English pages, at 1400 x 900 and on a phone (390 x 844).
Screenshots are left in ``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import type_profile_figures, write_webmap

from .webmap_support import Page, data_block

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"

#: Per street segment drawn by the types layer: its type index, weight and opacity (the style
#: Leaflet applied) and its SVG element's position among the overlay's interactive paths
#: (the order in which they are drawn).
STYLES_JS = f"""() => {{
  const m = {MAP_JS};
  const order = Array.from(document.querySelectorAll(
    '.leaflet-overlay-pane path.leaflet-interactive'));
  const out = [];
  m.eachLayer(l => {{
    if (l instanceof L.Polyline && l.feature && l.feature.properties &&
        l.feature.properties.t !== undefined && !l.feature.properties.p) {{
      out.push({{t: l.feature.properties.t, weight: l.options.weight,
                 opacity: l.options.opacity, at: order.indexOf(l._path),
                 svgOpacity: l._path ? Number(l._path.getAttribute('stroke-opacity')) : null,
                 svgWidth: l._path ? Number(l._path.getAttribute('stroke-width')) : null}});
    }}
  }});
  return out;
}}"""

RECT_JS = """e => { const r = e.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    w = min(a["right"], b["right"]) - max(a["left"], b["left"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return w * h if w > 0.5 and h > 0.5 else 0.0


def _chosen_type(result: AnalysisResult) -> str:
    """A type of the result with streets on the map, an explanation and a few segments: the
    second largest (the largest may cover most of the map)."""
    streets = result.streets[result.streets["is_street"]]
    counts = streets["type_key"].value_counts()
    profile = result.profile.set_index("type_key")
    keys = [k for k in counts.index if k in profile.index and counts[k] >= 5
            and str(profile.loc[k, "explanation_nl"])]
    assert keys, "no type with an explanation and streets"
    return keys[1] if len(keys) > 1 else keys[0]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, result: AnalysisResult) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("types")
    return {lang: write_webmap(result, folder / f"offline_{lang}.html", lang=lang, offline=True)
            for lang in ("nl", "en")}


def _config(path: Path) -> dict[str, Any]:
    return data_block(path.read_text(encoding="utf-8"), "config")


def _entry(page: Page, index: int) -> Any:
    return page.page.locator(f".wk-legend [data-type='{index}']")


def _styles(page: Page) -> list[dict[str, Any]]:
    return page.page.evaluate(STYLES_JS)


def _assert_shown(page: Page, cfg: dict[str, Any], index: int) -> None:
    """The type's segments on top and thicker, every other segment dimmed."""
    styles = _styles(page)
    mine = [s for s in styles if s["t"] == index]
    others = [s for s in styles if s["t"] != index]
    assert mine and others
    assert all(s["opacity"] == 1 and s["svgOpacity"] == 1 for s in mine)
    assert all(s["weight"] == cfg["typeWidth"] + 3 == s["svgWidth"] for s in mine)
    assert all(s["opacity"] < 0.5 and s["svgOpacity"] < 0.5 for s in others)
    # drawn last: on top of the others
    assert min(s["at"] for s in mine) > max(s["at"] for s in others)


def _assert_restored(page: Page, cfg: dict[str, Any]) -> None:
    """Every segment as at first: opaque, in its type's width; no panel."""
    widths = {i: (t["width"] if t["untyped"] else cfg["typeWidth"])
              for i, t in enumerate(cfg["types"])}
    styles = _styles(page)
    assert styles
    assert all(s["opacity"] == 1 and s["svgOpacity"] == 1 for s in styles)
    assert all(s["weight"] == widths[s["t"]] for s in styles if s["t"] >= 0)
    assert not page.page.locator(".wk-type-panel").is_visible()
    assert page.page.locator(".wk-legend [aria-pressed='true']").count() == 0


def _focus_boxes(page: Page, index: int) -> list[dict[str, float]]:
    """Screen rectangles of the SVG paths of type ``index``'s street segments."""
    return page.page.evaluate(f"""() => {{ const m = {MAP_JS}; const out = [];
      m.eachLayer(l => {{ if (l instanceof L.Polyline && l.feature &&
                              l.feature.properties.t === {index} &&
                              !l.feature.properties.p && l._path) {{
        const r = l._path.getBoundingClientRect();
        out.push({{left: r.left, top: r.top, right: r.right, bottom: r.bottom}}); }} }});
      return out; }}""")


def _no_tooltip(page: Page) -> None:
    """Move the mouse onto the panel (off the streets: no tooltip in the screenshot)."""
    box = page.page.locator(".wk-type-panel").bounding_box()
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.page.wait_for_timeout(150)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_click_on_a_type_shows_its_streets_and_why(
        open_page: Callable[..., Page], pages: dict[str, Path], result: AnalysisResult,
        lang: str) -> None:
    cfg = _config(pages[lang])
    key = _chosen_type(result)
    index = [t["key"] for t in cfg["types"]].index(key)
    row = result.profile.set_index("type_key").loc[key]
    page = open_page(pages[lang], network=False, viewport=DESKTOP)
    entry = _entry(page, index)
    assert entry.get_attribute("role") == "button" and entry.get_attribute("tabindex") == "0"
    assert entry.get_attribute("aria-pressed") == "false"
    # every type of the data is a button; the archetypes absent from the data are not
    buttons = page.page.locator(".wk-legend [data-type]")
    present = [i for i, t in enumerate(cfg["types"]) if t["present"] and not t["untyped"]]
    assert sorted(int(buttons.nth(i).get_attribute("data-type"))
                  for i in range(buttons.count())) == present

    entry.click()
    page.page.wait_for_timeout(200)
    _assert_shown(page, cfg, index)
    assert entry.get_attribute("aria-pressed") == "true"
    panel = page.page.locator(".wk-type-panel")
    assert panel.is_visible() and panel.get_attribute("role") == "dialog"
    text = panel.inner_text()
    assert row[f"type_name_{lang}"] in text
    assert row[f"explanation_{lang}"] in text
    assert row[f"description_{lang}"] in text
    assert row[f"rule_{lang}"] in text
    figures = type_profile_figures(row.to_dict())
    assert figures
    for name in figures:
        assert INDICATORS[name].title(lang) in text
    n = int(row["segments"])
    if lang == "nl":
        assert "Waarom deze naam" in text and "Regel:" in text
        assert f"Profiel: mediaan van de {n} segmenten van dit type" in text
        assert panel.locator(".wk-type-close").get_attribute("aria-label") == "Sluiten"
    else:
        assert "Why this name" in text and "Rule:" in text
        assert f"Profile: median of the {n} segments of this type" in text
        assert panel.locator(".wk-type-close").get_attribute("aria-label") == "Close"
        for dutch in ("Waarom", "Regel", "segmenten", "mediaan", "Sluiten", "SYNTHETISCH"):
            assert dutch not in text, dutch
    # readable, and clear of every control (legend, title, search, layer control, attribution)
    size = panel.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 11
    rect = panel.evaluate(RECT_JS)
    assert rect["left"] >= 0 and rect["top"] >= 0
    assert rect["right"] <= DESKTOP["width"] and rect["bottom"] <= DESKTOP["height"]
    for control in page.page.locator(".leaflet-control").all():
        if control.is_visible():
            assert _overlap(rect, control.evaluate(RECT_JS)) == 0, \
                control.get_attribute("class")
    # the type's streets in view, none under the panel (the map moved if need be)
    boxes = _focus_boxes(page, index)
    assert boxes
    assert all(_overlap(rect, b) == 0 for b in boxes)
    assert all(b["left"] >= -2 and b["right"] <= DESKTOP["width"] + 2 and b["top"] >= -2
               and b["bottom"] <= DESKTOP["height"] + 2 for b in boxes)
    _no_tooltip(page)
    page.screenshot(f"webmap_{lang}_type_{key}.png")

    # a second click restores the map
    entry.click()
    page.page.wait_for_timeout(200)
    _assert_restored(page, cfg)
    assert page.errors == []


def test_the_keyboard_shows_and_hides_a_type(open_page: Callable[..., Page],
                                             pages: dict[str, Path],
                                             result: AnalysisResult) -> None:
    cfg = _config(pages["nl"])
    key = _chosen_type(result)
    index = [t["key"] for t in cfg["types"]].index(key)
    page = open_page(pages["nl"], network=False, viewport=DESKTOP)
    entry = _entry(page, index)
    entry.focus()
    page.page.keyboard.press("Enter")
    page.page.wait_for_timeout(150)
    _assert_shown(page, cfg, index)
    # Escape restores, and the keyboard focus is back on the type
    page.page.keyboard.press("Escape")
    page.page.wait_for_timeout(150)
    _assert_restored(page, cfg)
    assert page.page.evaluate("() => document.activeElement.getAttribute('data-type')") == \
        str(index)
    page.page.keyboard.press(" ")
    page.page.wait_for_timeout(150)
    _assert_shown(page, cfg, index)
    # another type replaces it
    other = next(i for i, t in enumerate(cfg["types"])
                 if t["present"] and not t["untyped"] and i != index)
    _entry(page, other).click()
    page.page.wait_for_timeout(150)
    _assert_shown(page, cfg, other)
    assert cfg["types"][other]["label"] in page.page.locator(".wk-type-panel h4").inner_text()
    # the close button
    page.page.locator(".wk-type-close").click()
    page.page.wait_for_timeout(150)
    _assert_restored(page, cfg)
    # switching the types layer off closes what it showed
    _entry(page, index).click()
    page.toggle("Kansentypen")
    assert not page.page.locator(".wk-type-panel").is_visible()
    page.toggle("Kansentypen")
    _assert_restored(page, cfg)
    assert page.errors == []


def test_a_type_on_a_phone(open_page: Callable[..., Page], pages: dict[str, Path],
                           result: AnalysisResult) -> None:
    cfg = _config(pages["nl"])
    key = _chosen_type(result)
    index = [t["key"] for t in cfg["types"]].index(key)
    row = result.profile.set_index("type_key").loc[key]
    page = open_page(pages["nl"], network=False, viewport=PHONE)
    view = page.page.evaluate(f"() => {{ const m = {MAP_JS}; const c = m.getCenter(); "
                              "return [c.lat, c.lng, m.getZoom()]; }")
    page.page.locator(".wk-legend-toggle").click()  # the legend starts folded on a phone
    page.page.wait_for_timeout(150)
    _entry(page, index).click()
    page.page.wait_for_timeout(300)
    _assert_shown(page, cfg, index)
    panel = page.page.locator(".wk-type-panel")
    assert row["explanation_nl"] in panel.inner_text()
    rect = panel.evaluate(RECT_JS)
    # the width of the screen, on top; the legend folded below it, clear of it
    assert rect["left"] >= 0 and rect["right"] <= PHONE["width"]
    assert rect["right"] - rect["left"] >= PHONE["width"] - 20
    assert rect["bottom"] <= 0.55 * PHONE["height"]
    assert "wk-folded" in page.page.locator(".wk-legend").get_attribute("class")
    for selector in (".wk-legend", ".leaflet-bottom.leaflet-right .leaflet-control"):
        for control in page.page.locator(selector).all():
            assert _overlap(rect, control.evaluate(RECT_JS)) == 0, selector
    # the type's streets in view, below the panel
    boxes = _focus_boxes(page, index)
    assert boxes
    assert all(b["top"] >= rect["bottom"] - 2 and b["bottom"] <= PHONE["height"]
               and b["left"] >= -2 and b["right"] <= PHONE["width"] + 2 for b in boxes)
    _no_tooltip(page)
    page.screenshot(f"webmap_nl_phone_type_{key}.png")
    # closing returns to the view before
    panel.locator(".wk-type-close").click()
    page.page.wait_for_timeout(200)
    _assert_restored(page, cfg)
    after = page.page.evaluate(f"() => {{ const m = {MAP_JS}; const c = m.getCenter(); "
                               "return [c.lat, c.lng, m.getZoom()]; }")
    assert after == pytest.approx(view)
    assert page.errors == []


def test_a_type_on_a_canvas_map(open_page: Callable[..., Page], tmp_path: Path,
                                result: AnalysisResult) -> None:
    """A city (more than CANVAS_FROM segments: one canvas, no SVG path per street): the
    type's segments thicker and on top, the others dimmed, as on a small map."""
    from dataclasses import replace

    import geopandas as gpd
    import pandas as pd

    from wijkkracht.output.webmap import CANVAS_FROM

    streets = result.streets
    copies = []
    for i in range(-(-CANVAS_FROM // len(streets))):
        part = streets.copy()
        part.geometry = part.geometry.translate(xoff=2600.0 * i)
        part.index = part.index + i * 1_000_000
        copies.append(part)
    many = gpd.GeoDataFrame(pd.concat(copies), geometry="geometry", crs=streets.crs)
    html = write_webmap(replace(result, streets=many), tmp_path / "city.html", offline=True)
    cfg = _config(html)
    assert cfg["canvas"]
    index = [t["key"] for t in cfg["types"]].index(_chosen_type(result))
    page = open_page(html, network=False, viewport=DESKTOP)
    _entry(page, index).click()
    page.page.wait_for_timeout(300)
    styles = _styles(page)
    assert all(s["at"] == -1 for s in styles)  # drawn on the canvas
    mine = [s for s in styles if s["t"] == index]
    assert mine and all(s["weight"] == cfg["typeWidth"] + 3 and s["opacity"] == 1 for s in mine)
    assert all(s["opacity"] < 0.5 for s in styles if s["t"] != index)
    # on top: last in the canvas renderer's drawing order
    last = page.page.evaluate(f"""() => {{ const m = {MAP_JS}; let r = null;
      m.eachLayer(l => {{ if (l instanceof L.Canvas) {{ r = l; }} }});
      return r && r._drawLast && r._drawLast.layer.feature.properties.t; }}""")
    assert last == index
    page.screenshot("webmap_nl_city_canvas_type.png")
    page.page.locator(".wk-type-close").click()
    page.page.wait_for_timeout(200)
    assert all(s["opacity"] == 1 for s in _styles(page))
    assert page.errors == []
