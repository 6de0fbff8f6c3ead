"""The map's liveliness-by-hour layer (day and hour selector) and the spending zones, in a real
headless Chromium (Debian's), on the demo (SYNTHETIC opening hours and BAG dwellings).

The hour selector must recolour the streets with the profile of the chosen hour: at night the
streets take the colour of "0 open", on a weekday noon the strong classes; the legend names the
hour. The spending zones are coloured by the share of spending kept in the zone, and a click
opens the zone's figures. Page and console errors fail every test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import DEFAULT_HOUR, HOURS_STYLE, write_webmap
from wijkkracht.styles import hex_to_rgb, indicator_style

from .webmap_support import Page, data_block

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


def _pixels_of(shot: np.ndarray, color: str, tol: int = 3) -> int:
    return int((np.abs(shot.astype(int) - np.array(hex_to_rgb(color))).max(axis=2) <= tol).sum())


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory, result: AnalysisResult) -> Path:
    return write_webmap(result, tmp_path_factory.mktemp("time") / "demo.html", lang="nl",
                        offline=True)


def test_the_page_carries_each_streets_hour_profile(page_file: Path,
                                                    result: AnalysisResult) -> None:
    page = page_file.read_text(encoding="utf-8")
    block = data_block(page, "hours")
    streets = data_block(page, "streets")["features"]
    assert result.hours is not None and len(streets) == len(result.hours)
    for feature, (_, row) in zip(streets[:300], result.hours.iterrows(), strict=False):
        h = feature["properties"]["h"]
        if not row.any():
            assert h == -1
            continue
        rle = block["profiles"][h]
        decoded = [v for value, run in zip(rle[::2], rle[1::2], strict=True)
                   for v in [value] * run]
        assert decoded == row.tolist()


def test_the_hour_selector_recolours_the_streets(open_page: Callable[..., Page],
                                                 page_file: Path,
                                                 result: AnalysisResult) -> None:
    page = open_page(page_file)
    page.toggle("Kansentypen")  # off: only the liveliness layer draws streets
    page.toggle("Levendigheid per uur")
    section = page.page.locator("[data-legend='hours']")
    assert section.is_visible()
    assert "SYNTHETISCH" in section.inner_text()
    day, hour = DEFAULT_HOUR
    assert section.locator("[data-hours-now]").inner_text() == f"vr {hour:02d}:00–{hour + 1:02d}:00"
    assert section.locator("select").input_value() == str(day)
    style = indicator_style(HOURS_STYLE)
    zero, strong = style.classes[0].color, [c.color for c in style.classes[3:]]

    def set_hour(d: int, h: int) -> np.ndarray:
        section.locator("select").select_option(str(d))
        slider = section.locator("input[type=range]")
        slider.evaluate(f"e => {{ e.value = {h}; e.dispatchEvent(new Event('input', "
                        "{bubbles: true})); }")
        page.page.wait_for_timeout(300)
        return page.screenshot(f"webmap_hours_{d}_{h:02d}.png")

    night = set_hour(1, 3)  # Tuesday 03:00
    assert section.locator("[data-hours-now]").inner_text() == "di 03:00–04:00"
    noon = set_hour(1, 12)  # Tuesday 12:00
    assert section.locator("[data-hours-now]").inner_text() == "di 12:00–13:00"
    # what the profile says, the map shows: at night almost every street is in the "0" class,
    # at noon many are in the strong classes
    cols = result.hours.columns
    assert (result.hours[cols[24 + 3]] == 0).mean() > 0.5
    assert (result.hours[cols[24 + 12]] > 5).mean() > 0.3
    assert _pixels_of(night, zero) > 3 * max(_pixels_of(noon, zero), 1)
    assert sum(_pixels_of(noon, c) for c in strong) > 3 * max(
        sum(_pixels_of(night, c) for c in strong), 1)
    assert page.errors == []


def test_spending_zones_with_their_figures(open_page: Callable[..., Page], page_file: Path,
                                           result: AnalysisResult) -> None:
    zones = result.spending.zones
    block = data_block(page_file.read_text(encoding="utf-8"), "spending")
    assert len(block["features"]) == len(zones)
    style = indicator_style("spend_kept_share")
    for feature, (_, z) in zip(block["features"], zones.iterrows(), strict=True):
        expected = style.color_for(float(z["retained_share"]))
        assert feature["properties"]["c"] == expected
        assert str(z["name"]) in feature["properties"]["p"]
    page = open_page(page_file)
    page.toggle("Bestedingen per gebied (Huff)")
    legend = page.page.locator("[data-legend='spending']")
    assert legend.is_visible() and "SYNTHETISCH" in legend.inner_text()
    # click the middle of the zone that keeps the most, and read its popup
    best = zones.loc[zones["retained_share"].idxmax()]
    pt = best.geometry.representative_point()
    lon, lat = (float(v) for v in gpd.GeoSeries([pt], crs=28992).to_crs(4326).iloc[0].coords[0])
    xy = page.page.evaluate(
        "([lat, lon]) => { const m = Object.values(window).find(v => v instanceof L.Map); "
        "const p = m.latLngToContainerPoint([lat, lon]); "
        "const r = m.getContainer().getBoundingClientRect(); "
        "return [p.x + r.left, p.y + r.top]; }", [lat, lon])
    page.page.mouse.click(*xy)
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    text = popup.inner_text()
    assert str(best["name"]) in text
    # a share 0–1 with a decimal comma (Dutch map), as on the map's other layers and in QGIS
    share = f"{float(best['retained_share']):.2f}".replace(".", ",")
    assert share in text and "aandeel 0–1" in text and " %" not in text, (share, text)
    page.screenshot("webmap_spending_popup.png")
    assert page.errors == []
