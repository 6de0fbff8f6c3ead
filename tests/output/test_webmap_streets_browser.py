"""Streets and paths, and the named streets, on the map (issue 14), in headless Chromium.

The demo result (real OSM of Kanaleneiland) as an offline page, with the network off: the
street layers draw the street segments only; the layer "Paden, trottoirs en fietspaden" is off
at first and, switched on, draws every other segment; "Straten op naam" opens a popup per
named street with its name, main type and the share of every type. Screenshots are left in
``.cache/screenshots`` (``WIJKKRACHT_SCREENSHOTS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import write_webmap
from wijkkracht.styles import hex_to_rgb, type_color

from .webmap_support import Page

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

PATHS = {"nl": "Paden, trottoirs en fietspaden", "en": "Paths, sidewalks and cycle paths"}
NAMED = {"nl": "Straten op naam", "en": "Named streets"}

#: The features the map draws now, by whether they are a path (property p) or not.
DRAWN_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const out = {paths: 0, streets: 0, named: 0};
  map.eachLayer(l => {
    if (!l.feature || !l.feature.properties) { return; }
    const p = l.feature.properties;
    if (p.i !== undefined && p.t === undefined) { out.named += 1; }
    else if (p.p) { out.paths += 1; } else if (p.t !== undefined) { out.streets += 1; }
  });
  return out;
}"""

#: A point of the named street ``name`` that the mouse reaches there (its own line on top).
NAMED_POINT_JS = """(name) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const data = JSON.parse(document.getElementById('wk-named').textContent).streets;
  const box = map.getContainer().getBoundingClientRect();
  let found = null;
  map.eachLayer(l => {
    if (found || !l.feature || l.feature.properties.i === undefined || !l._path) { return; }
    const ns = data[l.feature.properties.i];
    if (ns.n !== name) { return; }
    for (const line of l.getLatLngs()) {
      for (const ll of line) {
        const p = map.latLngToContainerPoint(ll);
        const x = box.left + p.x, y = box.top + p.y;
        if (x < 0 || y < 0 || x > box.right || y > box.bottom) { continue; }
        if (document.elementFromPoint(x, y) === l._path) { found = [x, y]; return; }
      }
    }
  });
  return found;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, result: AnalysisResult) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("streets")
    return {lang: write_webmap(result, folder / f"offline_{lang}.html", lang=lang, offline=True)
            for lang in ("nl", "en")}


def _legend(page: Page) -> Any:
    return page.page.locator(".wk-legend")


def test_paths_are_off_at_first_and_their_layer_shows_them(open_page: Callable[..., Page],
                                                          pages: dict[str, Path],
                                                          result: AnalysisResult) -> None:
    page = open_page(pages["nl"], network=False)
    st = result.streets
    n_paths, n_streets = int((~st["is_street"]).sum()), int(st["is_street"].sum())
    assert n_paths > 100 and n_streets > 100
    # the types layer draws the street segments, no path
    assert page.page.evaluate(DRAWN_JS) == {"paths": 0, "streets": n_streets, "named": 0}
    control = page.page.locator(".leaflet-control-layers-overlays label", has_text=PATHS["nl"])
    assert not control.locator("input").is_checked()
    path_color = type_color("untyped_path")
    off = page.screenshot("webmap_nl_paths_off.png")
    assert page.page.locator("[data-legend='paths']").count() == 0
    page.toggle(PATHS["nl"])
    assert page.page.evaluate(DRAWN_JS) == {"paths": n_paths, "streets": n_streets, "named": 0}
    on = page.screenshot("webmap_nl_paths_on.png")
    # between the legend and the layer control: thousands of pixels more, nearly all the
    # light grey of the paths (anti-aliased thin lines: neutral greys)
    box = (slice(None), slice(off.shape[1] * 35 // 100, off.shape[1] * 78 // 100))
    changed = np.abs(on[box].astype(int) - off[box].astype(int)).max(axis=2) > 10
    new = on[box][changed].astype(int)
    assert changed.sum() > 5000
    assert ((new.max(axis=1) - new.min(axis=1)) <= 12).mean() > 0.85
    assert abs(new.mean() - np.mean(hex_to_rgb(path_color))) < 40
    section = page.page.locator("[data-legend='paths']")
    assert section.is_visible()
    assert "Geen kansentype: pad, trottoir, fietspad of dienstweg" in section.inner_text()
    # a path's tooltip names its kind
    kinds = set(st.loc[~st["is_street"], "kind"])
    assert kinds <= {"path", "sidewalk", "cycleway", "crossing", "service"}
    page.toggle(PATHS["nl"])
    assert page.page.evaluate(DRAWN_JS)["paths"] == 0
    assert page.errors == []


def test_an_indicator_layer_draws_the_streets_only(open_page: Callable[..., Page],
                                                   pages: dict[str, Path],
                                                   result: AnalysisResult) -> None:
    page = open_page(pages["en"], network=False)
    page.toggle("Opportunity types")
    page.toggle("Walking distance supermarket")
    assert page.page.evaluate(DRAWN_JS) == {"paths": 0, "streets": int(result.streets[
        "is_street"].sum()), "named": 0}
    assert page.errors == []


def test_the_legend_lists_untyped_streets_apart(open_page: Callable[..., Page],
                                                pages: dict[str, Path]) -> None:
    page = open_page(pages["en"], network=False)
    types = page.page.locator("[data-legend='types']")
    text = types.inner_text()
    # the opportunity types, then "No opportunity type:" and the streets without addresses
    assert "Street without addresses (no opportunity type)" not in text
    assert "Path, sidewalk or service road" not in text
    assert re.search(r"No opportunity type:\s*street without addresses or buildings", text)
    assert types.locator("[data-untyped='untyped_street']").count() == 1
    assert types.locator("[data-untyped='untyped_path']").count() == 0  # no path drawn
    assert page.errors == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_named_streets_popup_shows_its_name_and_types(open_page: Callable[..., Page],
                                                        pages: dict[str, Path],
                                                        result: AnalysisResult,
                                                        lang: str) -> None:
    page = open_page(pages[lang], network=False)
    named = result.named_streets
    control = page.page.locator(".leaflet-control-layers-overlays label", has_text=NAMED[lang])
    assert not control.locator("input").is_checked()  # off at first
    page.toggle(NAMED[lang])
    assert page.page.evaluate(DRAWN_JS)["named"] == len(named)
    # the longest street with more than one type
    several = named[named["types_nl"].str.contains("; ")]
    street = several.sort_values("length_m", ascending=False).iloc[0]
    point = page.page.evaluate(NAMED_POINT_JS, street["street_id"])
    assert point, street["street_id"]
    page.page.mouse.click(*point)
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    page.screenshot(f"webmap_{lang}_named_popup.png")
    text = popup.inner_text()
    assert text.splitlines()[0].strip() == street["street_id"]
    main = "Hoofdtype" if lang == "nl" else "Main type"
    assert f"{main}: {street[f'main_type_{lang}']}" in " ".join(text.split())
    # every type with its share of the length, as the core computed it
    for part in street[f"types_{lang}"].split("; "):
        name, share = part.rsplit(" ", 1)
        assert re.search(rf"{re.escape(name)}\s+{re.escape(share)}", text), part
    length = f"{street['length_m']:,.0f}".replace(",", "") + " m"
    assert length in text
    assert page.errors == []
