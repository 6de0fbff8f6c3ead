"""The map page's base maps, surroundings, raster surfaces, sources and scale, without a browser.

The raster surfaces are the demo's (:func:`webmap_support.raster_result`) and small hand-made
ones on the RD New grid, whose image must lie where the cells lie once the browser draws it in
the web map's projection.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pyproj import Transformer

from wijkkracht.core.rasters import NODATA, SURFACES, Surface
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import (
    BASE_MAPS,
    CANVAS_FROM,
    COORDINATE_DECIMALS,
    surface_overlay,
    webmap_html,
)
from wijkkracht.styles import hex_to_rgb, raster_style

from .webmap_support import data_block, raster_result

TO_WEB = Transformer.from_crs(4326, 3857, always_xy=True)


@pytest.fixture(scope="module")
def page_nl(result: AnalysisResult) -> str:
    return webmap_html(result, lang="nl")


@pytest.fixture(scope="module")
def offline_en(result: AnalysisResult) -> str:
    return webmap_html(result, lang="en", offline=True)


# ---------------------------------------------------------------------------- base maps


def test_four_kinds_of_base_map_with_their_attribution(page_nl: str) -> None:
    config = data_block(page_nl, "config")
    bases = {b["key"]: b for b in config["basemaps"]}
    assert list(bases) == ["brt_grijs", "brt", "osm", "luchtfoto", "none"]
    assert config["basemap"] == "brt_grijs"  # online: the government's grey base map
    pdok = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
    assert bases["brt_grijs"]["url"] == pdok.format("grijs")
    assert bases["brt"]["url"] == pdok.format("standaard")
    assert bases["luchtfoto"]["url"] == ("https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/"
                                         "Actueel_ortho25/EPSG:3857/{z}/{x}/{y}.jpeg")
    assert bases["osm"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert bases["none"]["url"] is None
    for key in ("brt_grijs", "brt"):
        assert "Kadaster" in bases[key]["attribution"] and "CC BY 4.0" in bases[key]["attribution"]
        assert bases[key]["licence"] == "CC BY 4.0 (Kadaster)"
    assert "Beeldmateriaal Nederland" in bases["luchtfoto"]["attribution"]
    assert "CC BY 4.0" in bases["luchtfoto"]["licence"]
    assert "openstreetmap.org/copyright" in bases["osm"]["attribution"]
    assert [b["label"] for b in config["basemaps"]] == [html.escape(b.label("nl"))
                                                        for b in BASE_MAPS]


def test_offline_page_loads_nothing_and_starts_on_the_data(offline_en: str) -> None:
    config = data_block(offline_en, "config")
    assert config["basemap"] == "none" and config["offline"] is True
    assert not re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=", offline_en)
    assert "sourceMappingURL" not in offline_en
    # Leaflet and markercluster inlined, Leaflet's CSS images as data URIs
    assert re.search(r'<script data-asset="leaflet@1\.9\.3">', offline_en)
    assert re.search(r'<script data-asset="leaflet\.markercluster@1\.5\.3">', offline_en)
    assert re.search(r'<style data-asset="leaflet@1\.9\.3">', offline_en)
    assert "url(data:image/png;base64," in offline_en and "url(images/" not in offline_en
    # every </script> closes one of the page's own script elements
    assert offline_en.count("</script>") == offline_en.count("<script")
    assert len(offline_en.encode("utf-8")) < 1_500_000


def test_online_page_loads_the_cdn_with_integrity(result: AnalysisResult) -> None:
    page_nl = webmap_html(result, lang="nl", web_assets="cdn")
    tags = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"https://[^>]*>", page_nl)
    assert len(tags) == 4
    for tag in tags:
        assert 'integrity="sha384-' in tag and 'crossorigin="anonymous"' in tag
        assert "https://cdn.jsdelivr.net/npm/leaflet" in tag
    assert "data-asset=" not in page_nl


def test_surroundings_are_the_building_points(result: AnalysisResult, page_nl: str) -> None:
    deltas = np.array(data_block(page_nl, "context")["b"], dtype=np.int64).reshape(-1, 2)
    points = np.cumsum(deltas, axis=0)
    pois = result.pois[result.pois["building_use"].isin(["residential", "non_residential"])]
    xy = np.column_stack(Transformer.from_crs(28992, 4326, always_xy=True).transform(
        pois.geometry.x.to_numpy(), pois.geometry.y.to_numpy()))
    expected = np.unique(np.round(xy * 10**COORDINATE_DECIMALS).astype(np.int64), axis=0)
    assert len(points) == len(expected) > 3000
    assert set(map(tuple, points)) == set(map(tuple, expected))


# ------------------------------------------------------------------------------ sources


def test_sources_list_name_date_licence_and_never_a_path(result: AnalysisResult,
                                                         page_nl: str) -> None:
    sources = data_block(page_nl, "config")["sources"]
    osm = sources[0]
    assert osm["name"].startswith("OpenStreetMap")
    assert "ODbL" in osm["licence"] and osm["date"] == "2025-11 (OSMnx extraction)"
    assert not osm["synthetic"]
    assert sources[1]["synthetic"] and "SYNTHETIC" in sources[1]["name"]
    for s in result.metadata["sources"]:
        assert str(s["path"]) not in page_nl


def test_source_texts_are_escaped(result: AnalysisResult) -> None:
    hostile = '<img src=x onerror=alert(3)> "Gemeente" & </script>'
    meta = dict(result.metadata, sources=[{"name": hostile, "date": "<b>2025</b>",
                                           "licence": "CC0 <i>1.0</i>",
                                           "attribution": "© <script>x</script>"}])
    page = webmap_html(replace(result, metadata=meta), lang="nl")
    source = data_block(page, "config")["sources"][0]
    assert source == {"name": html.escape(hostile), "date": "&lt;b&gt;2025&lt;/b&gt;",
                      "licence": "CC0 &lt;i&gt;1.0&lt;/i&gt;",
                      "attribution": "© &lt;script&gt;x&lt;/script&gt;", "synthetic": False}
    assert "<img src=x" not in page
    assert page.count("</script>") == page.count("<script")


def test_without_sources_the_attribution_stands_in(result: AnalysisResult) -> None:
    meta = {k: v for k, v in result.metadata.items() if k != "sources"}
    page = webmap_html(replace(result, metadata=meta), lang="en")
    assert data_block(page, "config")["sources"] == [
        {"name": html.escape(result.attribution), "date": "", "licence": "", "attribution": "",
         "synthetic": False}]


# ------------------------------------------------------------------------ raster surfaces


def _decode(url: str) -> np.ndarray:
    assert url.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as img:
        assert img.mode == "P"
        return np.asarray(img.convert("RGBA"))


def _pixel_of(overlay: dict, x_rd: np.ndarray, y_rd: np.ndarray) -> tuple[np.ndarray, ...]:
    """Image row and column at RD points, as Leaflet places the image: linearly in EPSG:3857
    between the corners."""
    (south, west), (north, east) = overlay["bounds"]
    (x0, x1), (y0, y1) = TO_WEB.transform([west, east], [south, north])
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(x_rd, y_rd)
    x, y = TO_WEB.transform(lon, lat)
    w, h = overlay["size"]
    col = np.floor((np.asarray(x) - x0) / (x1 - x0) * w).astype(int)
    row = np.floor((y1 - np.asarray(y)) / (y1 - y0) * h).astype(int)
    return row, col


def _surface(name: str, array: np.ndarray, x0: float = 134_000.0, y0: float = 454_000.0,
             cell: float = 25.0) -> Surface:
    kind = SURFACES[name]
    return Surface(name=name, array=array.astype(np.float32),
                   transform=(x0, cell, 0.0, y0, 0.0, -cell), crs="EPSG:28992", nodata=NODATA,
                   unit=kind.unit, label=kind.label, description=kind.description,
                   method="hand-made for a test")


def test_each_cell_lies_where_it_is_with_its_class_colour() -> None:
    rng = np.random.default_rng(1)
    array = rng.choice([0.0, 3.0, 12.0, 40.0, 90.0, 200.0, 600.0, NODATA], size=(30, 40))
    surface = _surface("business_intensity", array)
    overlay = surface_overlay(surface, "nl")
    image = _decode(overlay["url"])
    assert image.shape[:2] == (overlay["size"][1], overlay["size"][0])
    style = raster_style("business_intensity")
    # the centre of every cell and four points 7.5 m from its corners (the image's pixels are
    # a quarter of a cell; nearest-neighbour warping may give a pixel across an edge to the
    # neighbour): its colour, or transparent
    rows, cols = np.indices(array.shape)
    for fx, fy in ((0.5, 0.5), (0.3, 0.3), (0.7, 0.7), (0.3, 0.7), (0.7, 0.3)):
        x = 134_000.0 + (cols.ravel() + fx) * 25.0
        y = 454_000.0 - (rows.ravel() + fy) * 25.0
        r, c = _pixel_of(overlay, x, y)
        got = image[r, c]
        for value, rgba in zip(array.ravel(), got, strict=True):
            color = style.color_for(None if value == NODATA else float(value))
            if color is None:
                assert rgba[3] == 0, (value, rgba)
            else:
                assert rgba[3] == 255 and tuple(rgba[:3]) == hex_to_rgb(color), (value, rgba)
    assert overlay["opacity"] == style.opacity
    assert [c["color"] for c in overlay["classes"]] == list(style.colors)
    assert [c["label"] for c in overlay["classes"]] == [html.escape(lb) for lb, _ in
                                                        style.legend("nl")]
    assert overlay["title"] == html.escape(surface.title("nl"))
    assert overlay["title"] == "Bedrijvigheid (OSM-functies) (per km²)"


def test_the_image_covers_the_grid_and_nothing_more() -> None:
    array = np.full((8, 12), 50.0)
    overlay = surface_overlay(_surface("n_intensity", array, x0=120_000.0, y0=487_000.0), "en")
    image = _decode(overlay["url"])
    opaque = np.argwhere(image[:, :, 3] > 0)
    (top, left), (bottom, right) = opaque.min(axis=0), opaque.max(axis=0)
    # the cells fill the image up to a pixel at its edges (the grid is slightly rotated in
    # web Mercator: RD New's grid north is not true north)
    assert top <= 1 and left <= 1
    h, w = image.shape[:2]
    assert bottom >= h - 2 and right >= w - 2
    # the bounds hold the grid's corners
    (south, west), (north, east) = overlay["bounds"]
    for x, y in ((120_000, 487_000), (120_300, 487_000), (120_000, 486_800), (120_300, 486_800)):
        lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(x, y)
        assert west - 1e-6 <= lon <= east + 1e-6 and south - 1e-6 <= lat <= north + 1e-6
    assert overlay["title"] == "Intensity of N (everyday necessities) (per km²)"


def test_the_map_carries_the_runs_surfaces_marked_as_their_inputs() -> None:
    result = raster_result()
    assert result.metadata["synthetic"] == ["bag", "establishments", "opening_hours"]
    page = webmap_html(result, lang="nl")
    surfaces = data_block(page, "rasters")["surfaces"]
    assert [s["key"] for s in surfaces] == list(result.rasters)
    flagged = {s["key"] for s in surfaces if s["synthetic"]}
    assert flagged == {n for n in result.rasters if SURFACES[n].requires == "establishments"}
    assert flagged and "business_intensity" not in flagged
    for s in surfaces:
        assert s["size"][0] > 50 and s["size"][1] > 50
        assert s["url"].startswith("data:image/png;base64,")
    # a layer-control entry per surface
    entries = [json.loads(m) for m in re.findall(r'("(?:[^"\\]|\\.)*") : wijkkracht_layer_',
                                                 page)]
    for s in surfaces:  # SYNTHETISCH on the surfaces made from synthetic data only
        assert s["title"] + (" (SYNTHETISCH)" if s["synthetic"] else "") in entries
    assert len(page.encode("utf-8")) < 2_000_000


# --------------------------------------------------------------------------- size, canvas


def test_a_city_of_streets_is_drawn_on_a_canvas(result: AnalysisResult) -> None:
    streets = result.streets
    copies = []
    for i in range(-(-CANVAS_FROM // len(streets))):
        part = streets.copy()
        part.geometry = part.geometry.translate(xoff=3000.0 * i)
        part.index = part.index + i * 1_000_000
        copies.append(part)
    many = gpd.GeoDataFrame(pd.concat(copies), geometry="geometry", crs=streets.crs)
    assert len(many) >= CANVAS_FROM
    page = webmap_html(replace(result, streets=many), lang="nl")
    assert data_block(page, "config")["canvas"] is True
    assert data_block(webmap_html(result, lang="nl"), "config")["canvas"] is False
    # per segment (geometry, name, type, values): a few hundred bytes
    streets_bytes = len(re.search(r'id="wk-streets">(.*?)</script>', page, re.S).group(1))
    assert streets_bytes / len(many) < 400


def test_street_geometry_is_simplified_for_display(result: AnalysisResult,
                                                   page_nl: str) -> None:
    features = data_block(page_nl, "streets")["features"]
    shown = sum(len(f["geometry"]["coordinates"]) for f in features
                if f["geometry"]["type"] == "LineString")
    original = sum(len(g.coords) for g in result.streets.geometry
                   if g.geom_type == "LineString")
    assert shown < original
