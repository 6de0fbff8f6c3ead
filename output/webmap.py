"""The interactive web map: one self-contained HTML page made with Folium.

What the page shows:

* a base-map switcher: PDOK's BRT-Achtergrondkaart (grey, the default, and standard; Kadaster,
  CC BY 4.0), OpenStreetMap, PDOK's aerial photo (Beeldmateriaal Nederland, CC BY 4.0) and
  "none", which draws the surroundings from the data itself (the study area, the streets as
  grey casings, the building points); a tile base map from which no tile loads falls back to
  that drawing;
* the streets coloured by opportunity type, with a legend in which every type of the data is
  a button: a click (a tap, Enter or Space) draws that type's streets on top and thicker and
  dims the others, and opens a panel with the type's name, why it has it (the profile's
  ``explanation_<lang>``), what it means, its rule and a few medians with the registry's
  labels and units (:func:`type_profile_figures`); a second click, its close button or
  Escape restore the map (on a phone, or where the panel would hide some of the type's
  streets, the map moves to show them and moves back); and a tooltip per street with the
  key indicators the streets carry (labels and units from the registry, values rounded, a
  null shown as what it means), in two groups: OpenStreetMap and BAG/KvK. The street layers
  (types, indicators, liveliness by hour) draw the *street* segments (``is_street``, see
  :mod:`wijkkracht.core.streets`); a street without addresses has no opportunity type and is
  drawn thinner in grey, and the legend lists it apart ("no opportunity type"), never as a
  type;
* "Paths, sidewalks and cycle paths" (off at first): the other segments of the walking
  network (sidewalks, cycle and foot paths, unnamed service roads), thin and light grey (in
  their type's colour when the typology classified them), under the streets, with the same
  tooltips (their kind in the heading);
* "Named streets" (off at first: drawn over the segments, it would hide their own types and
  tooltips): one line per named street (:func:`wijkkracht.core.streets.named_streets`) in the
  colour of its main type, whose popup gives its length, segments, the addresses fronting it,
  its main type and every type's share of its length, and a few key indicators
  (:data:`NAMED_STREET_INDICATORS`) as length-weighted means along the street; its geometry is
  not stored twice: it lists the features of its segments in the streets block;
* one layer per key indicator the streets carry (:func:`wijkkracht.styles.key_indicators` of
  the street columns: the OpenStreetMap ones always, the BAG/KvK ones when present), off at
  first, each with a graduated legend that appears when the layer is switched on;
* the raster surfaces of the run (``result.rasters``) as image overlays, warped to the web
  map's projection and classified with the style specification's ramps, each with a legend
  (classes and unit) and an opacity slider;
* the POIs in clusters per class (N, O, other; Leaflet.markercluster) and the vacant shop
  fronts as diamonds;
* the study-area outline, and with an area summary (``AreaAnalysisResult.areas``) the
  outlines of those areas with a popup of their key figures;
* a street search box (by name: zooms to the street's segments and highlights them), a
  full-screen button, a scale, the attribution, and a "sources" panel listing the data
  sources (``metadata["sources"]``: name, date, licence, attribution) and the base maps'
  licences; a layer control grouped like the tooltip. Labels are Dutch or English (``lang``).

Inputs listed in ``metadata["synthetic"]`` (e.g. the demo's generated BAG/KvK data) are
announced by a red notice under the title and in the attribution, and every figure made from
them is marked SYNTHETIC (tooltip group, legend, layer control, area popups, surfaces,
sources).

Privacy: establishment counts are personal data at small numbers. Where the streets carry
sensitive columns (registry tag ``sensitive``), the page shows them only after
:func:`wijkkracht.core.privacy.suppress_small_counts` with the run's threshold
(``metadata["privacy_threshold"]`` or ``metadata["bag"]["privacy_threshold"]``; the default
when neither is given), so a suppressed value is null and shows as its null meaning; the
area popups are suppressed the same way on the areas' sums. The legend states the rule.

Colours and classes come from :mod:`wijkkracht.styles` (the same spec as the QGIS styles).

Size and safety: the street geometry is stored once and shared by all street layers, which
are built only when first shown; it is simplified for display (:data:`SIMPLIFY_M`) and
rounded to 5 decimals (about 1 m); each feature carries only its name, type index and the
key-indicator values (and, for a segment that is no street, its kind). Above
:data:`CANVAS_FROM` segments the streets are drawn on a canvas rather than as one SVG element
each. Every string from the data (OSM names and tags, area
names and codes, source descriptions) is HTML-escaped in Python, and the JSON embedded in
the page has ``<``, ``>`` and ``&`` escaped, so no name can break out of the page's script;
the search box writes names as text.

Assets (:data:`WEB_ASSETS`): Leaflet and Leaflet.markercluster. By default
(``web_assets="inline"``) the page inlines the copies vendored in ``output/web-assets/``
(Leaflet's images as data URIs): one self-contained file that renders from a USB stick, as an
e-mail attachment or behind a firewall. The base-map tiles are online extras: when none
loads, the map shows the surroundings drawn from the data. ``web_assets="cdn"`` (opt-in)
loads the assets from jsDelivr instead (with subresource-integrity hashes of the vendored
copies), a smaller file that needs the internet. ``offline=True`` also starts on the
surroundings drawn from the data, so the page makes no request at all until someone picks a
tile base map. Folium's other default assets (jQuery, Bootstrap, Font
Awesome, awesome-markers) are not needed and not loaded.

This module builds and writes the page (:func:`build_webmap`); its parts are made in their
own modules, and their public names are importable from here:

* :mod:`~wijkkracht.output.webmap_layers`: the data blocks of the layers (streets, named
  streets, POIs, areas, surroundings) and what may be published of them;
* :mod:`~wijkkracht.output.webmap_time`: liveliness by hour and spending;
* :mod:`~wijkkracht.output.webmap_rasters`: the raster surfaces as image overlays;
* :mod:`~wijkkracht.output.webmap_legend`: the configuration: legend, type panel, sources;
* :mod:`~wijkkracht.output.webmap_controls`: the runtime, the layers and the layer control;
* :mod:`~wijkkracht.output.webmap_assets`: Leaflet (CDN or inlined), base maps, the page's
  own JavaScript and styles;
* :mod:`~wijkkracht.output.webmap_text`: the words (Dutch, English) and safe text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure

from ..core.result import AnalysisResult
from ..styles import key_indicators, synthetic_notice_color, type_keys
from .atomic import write_atomically
from .webmap_assets import (
    _CSS,
    _DEFAULT_BASE,
    ASSET_URLS,
    BASE_MAPS,
    WEB_ASSETS,
    BaseMap,
    WebAsset,
    _asset_html,
    _basemaps,
)
from .webmap_assets import ASSETS_DIR as ASSETS_DIR
from .webmap_assets import CDN_NPM as CDN_NPM
from .webmap_controls import (
    _CLUSTER_UNTIL_ZOOM,
    _FOLD_LEGEND_PX,
    _MAX_ZOOM,
    CANVAS_FROM,
    _add_layers,
    _json_block,
    _Runtime,
    _stable_ids,
)
from .webmap_layers import (
    _WGS84,
    COORDINATE_DECIMALS,
    SIMPLIFY_M,
    _area_data,
    _areas_data,
    _context_data,
    _named_data,
    _pois_data,
    _privacy_threshold,
    _publishable,
    _streets_data,
    result_for_map,
)
from .webmap_layers import NAMED_STREET_INDICATORS as NAMED_STREET_INDICATORS
from .webmap_legend import (
    TYPE_PANEL_FIGURES,
    _area_columns,
    _config,
    _context_colors,
    _highlight,
    _sources,
    explained_indicators,
    type_profile_figures,
)
from .webmap_rasters import _rasters_data, surface_overlay
from .webmap_text import _NO_LEAFLET, _TEXT, _area_name, _esc, _group_of, _synthetic_kinds
from .webmap_time import DEFAULT_HOUR as DEFAULT_HOUR
from .webmap_time import HOURS_STYLE as HOURS_STYLE
from .webmap_time import _hours_data, _spending_data

__all__ = [
    "ASSET_URLS",
    "BASE_MAPS",
    "CANVAS_FROM",
    "COORDINATE_DECIMALS",
    "DATA_BLOCK_IDS",
    "SIMPLIFY_M",
    "TYPE_PANEL_FIGURES",
    "WEB_ASSETS",
    "BaseMap",
    "WebAsset",
    "build_webmap",
    "explained_indicators",
    "result_for_map",
    "surface_overlay",
    "type_profile_figures",
    "write_layers_map",
    "webmap_html",
    "write_webmap",
    "write_webmap_file",
]

#: ids of the inert JSON blocks in the page: the map's configuration (labels, colours,
#: classes, base maps, sources) and its data (GeoJSON of streets, POIs, study area and the
#: summary areas; the building points of the surroundings; the raster surfaces as images).
DATA_BLOCK_IDS = {"config": "wk-config", "streets": "wk-streets", "pois": "wk-pois",
                  "area": "wk-area", "areas": "wk-areas", "context": "wk-context",
                  "rasters": "wk-rasters", "hours": "wk-hours", "spending": "wk-spending",
                  "named": "wk-named"}


def build_webmap(result: AnalysisResult, *, lang: str = "nl", offline: bool = False,
                 web_assets: str = "inline") -> folium.Map:
    """Build the Folium map of a result.

    Parameters
    ----------
    result
        The analysis result (EPSG:28992); with an ``areas`` attribute (an
        ``AreaAnalysisResult``) the map also gets an areas layer, with ``rasters`` (name ->
        surface) a layer per surface.
    lang
        ``"nl"`` (Dutch) or ``"en"`` (English) for every label.
    offline
        Start on the surroundings drawn from the data instead of a tile base map (the assets
        inlined whatever ``web_assets`` says): the page then makes no request at all until
        someone picks a tile base map.
    web_assets
        ``"inline"`` (the default: Leaflet and Leaflet.markercluster, the copies in
        ``output/web-assets/``, inside the page, which then works without internet) or
        ``"cdn"`` (loaded from jsDelivr: a smaller page that needs the internet); the
        option ``web_assets`` of :data:`wijkkracht.core.options.MAP_OPTIONS`.

    Returns
    -------
    folium.Map
        The map; save it with :func:`write_webmap` (atomic) or ``Map.save``.
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    if web_assets not in ("inline", "cdn"):
        raise ValueError(f"web_assets must be 'inline' or 'cdn', not {web_assets!r}")
    inline = bool(offline) or web_assets == "inline"
    content = _map_content(result, lang)
    fmap, figure, bounds = _new_map(result, content.streets, inline)
    config, blocks = _page_data(result, content, lang, bool(offline), bounds)
    runtime = _add_data(fmap, figure, config, blocks, inline, lang)
    _add_layers(fmap, runtime, config, blocks["rasters"], content.indicators,
                has_areas=content.areas is not None, lang=lang)
    _stable_ids(fmap.get_root())
    return fmap


@dataclass(frozen=True, eq=False)
class _MapContent:
    """What the map shows of a result (see :func:`_map_content`)."""

    kinds: list[str]
    streets: gpd.GeoDataFrame
    indicators: list[str]
    type_order: list[str]
    type_index: dict[str, int]
    areas: gpd.GeoDataFrame | None
    area_columns: list[dict[str, Any]]
    threshold: int | None


def _map_content(result: AnalysisResult, lang: str) -> _MapContent:
    """The streets and areas as they may be published, the key indicators in the order of
    the layer control and the types in legend order."""
    kinds = _synthetic_kinds(result)
    run_threshold = _privacy_threshold(result)
    streets, street_threshold = _publishable(result.streets, run_threshold)
    # grouped as in the layer control: OpenStreetMap, opening hours, BAG/KvK
    rank = {"osm": 0, "hours": 1, "bag": 2}
    indicators = sorted(key_indicators(streets.columns), key=lambda n: rank[_group_of(n)])
    # every archetype, then the types of the data in legend order (a second type of an
    # archetype beside it, the neutral types after the archetypes)
    type_order = list(type_keys(
        streets.get("type_key", pd.Series(dtype=str)).dropna().astype(str).unique()))
    type_index = {k: i for i, k in enumerate(type_order)}
    areas = getattr(result, "areas", None)
    area_threshold = None
    if areas is not None and len(areas):
        areas, area_threshold = _publishable(areas, run_threshold, areas=True)
    else:
        areas = None
    area_columns = _area_columns(areas, indicators, kinds, lang) if areas is not None else []
    # the rule is stated only where it applies: a map without establishment figures has none
    threshold = next((t for t in (street_threshold, area_threshold) if t is not None), None)
    return _MapContent(kinds=kinds, streets=streets, indicators=indicators,
                       type_order=type_order, type_index=type_index, areas=areas,
                       area_columns=area_columns, threshold=threshold)


def _new_map(result: AnalysisResult, streets: gpd.GeoDataFrame, inline: bool
             ) -> tuple[folium.Map, Figure, list[list[float]]]:
    """The empty map on the study area's bounds, with the page's head (assets, inlined or
    from the CDN, title, styles); also the bounds (``[[south, west], [north, east]]``)."""
    bounds_src = result.area if len(result.area) else streets
    west, south, east, north = bounds_src.to_crs(_WGS84).total_bounds
    bounds = [[south, west], [north, east]]
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=15,
                      tiles=None, control_scale=False, zoom_snap=0.25)
    fmap.default_js = []  # the assets come first in the head, below: see the module docstring
    fmap.default_css = []
    area_name = _area_name(result)
    page_title = f"wijkkracht · {area_name}" if area_name else "wijkkracht"
    figure = cast(Figure, fmap.get_root())
    figure.header.add_child(Element(_asset_html(inline)), name="wijkkracht_assets")
    figure.header.add_child(Element(f"<title>{_esc(page_title)}</title>"))
    figure.header.add_child(Element(_CSS))
    figure.header.add_child(Element(
        f"<style>:root {{ --wk-notice: {synthetic_notice_color()}; "
        f"--wk-ground: {_context_colors()['ground']}; }}</style>"))
    return fmap, figure, bounds


def _page_data(result: AnalysisResult, content: _MapContent, lang: str, offline: bool,
               bounds: list[list[float]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The map's configuration and its data blocks (keys of :data:`DATA_BLOCK_IDS`)."""
    streets, kinds = content.streets, content.kinds
    config = _config(result, lang, content.indicators, content.type_order, kinds=kinds,
                     threshold=content.threshold, area_columns=content.area_columns,
                     bounds=bounds)
    config.update({
        "basemaps": _basemaps(lang),
        "basemap": _DEFAULT_BASE[bool(offline)],
        "offline": bool(offline),
        "context": {k: v for k, v in _context_colors().items() if k != "ground"},
        "highlight": _highlight(),
        "sources": _sources(result),
        "canvas": len(streets) >= CANVAS_FROM,
        "maxZoom": _MAX_ZOOM,
        "clusterUntilZoom": _CLUSTER_UNTIL_ZOOM,
        "foldLegendPx": _FOLD_LEGEND_PX,
    })
    rasters = _rasters_data(result, lang, kinds)
    hours_config, hours_block, hours_index = _hours_data(result, streets, lang, kinds)
    config["hours"] = hours_config
    spending_config, spending_block = _spending_data(result, lang, kinds)
    config["spending"] = spending_config
    positions: list[int] = []
    streets_block = _streets_data(streets, content.indicators, content.type_index,
                                  hours_index, positions)
    named_config, named_block = _named_data(result, streets, positions, content.type_index,
                                            lang)
    config["named"] = named_config
    config["hasPaths"] = any("p" in f["properties"] for f in streets_block["features"])
    blocks = {
        "streets": streets_block,
        "pois": _pois_data(result.pois),
        "area": _area_data(result.area),
        "areas": _areas_data(content.areas, content.area_columns, lang),
        "context": _context_data(result.pois),
        "rasters": rasters,
        "hours": hours_block,
        "spending": spending_block,
        "named": named_block,
    }
    return config, blocks


def _add_data(fmap: folium.Map, figure: Figure, config: dict[str, Any],
              blocks: dict[str, Any], inline: bool, lang: str) -> _Runtime:
    """The configuration and data blocks in the page, and the runtime that reads them."""
    if not inline:
        # the CDN variant: a network that blocks the CDN leaves Leaflet undefined; say why
        figure.html.add_child(Element(
            f'<div id="wk-no-leaflet" class="wk-no-leaflet" hidden>{_esc(_NO_LEAFLET[lang])}'
            '</div><script>window.addEventListener("load", function () { if (!window.L) { '
            'document.getElementById("wk-no-leaflet").hidden = false; } });</script>'))
    figure.html.add_child(_json_block(DATA_BLOCK_IDS["config"], config))
    for key, data in blocks.items():
        figure.html.add_child(_json_block(DATA_BLOCK_IDS[key], data))
    runtime = _Runtime(DATA_BLOCK_IDS["config"], {k: DATA_BLOCK_IDS[k] for k in blocks})
    fmap.add_child(runtime)
    return runtime


def webmap_html(result: AnalysisResult, *, lang: str = "nl", offline: bool = False,
                web_assets: str = "inline") -> str:
    """The map page as one HTML string (see :func:`build_webmap`)."""
    return build_webmap(result, lang=lang, offline=offline,
                        web_assets=web_assets).get_root().render()


def write_webmap_file(result: AnalysisResult, path: str | os.PathLike[str], *,
                      lang: str = "nl", offline: bool = False,
                      web_assets: str = "inline") -> Path:
    """Write the map page to ``path`` directly (not atomic; see :func:`write_webmap`)."""
    p = Path(path)
    p.write_text(webmap_html(result, lang=lang, offline=offline, web_assets=web_assets),
                 encoding="utf-8")
    return p


def write_webmap(result: AnalysisResult, path: str | os.PathLike[str], *,
                 lang: str = "nl", offline: bool = False, web_assets: str = "inline") -> Path:
    """Write the map page atomically: ``path`` is complete or untouched.

    Parameters
    ----------
    result
        The analysis result.
    path
        Destination ``.html``; replaced if it exists. Its folder must exist.
    lang
        ``"nl"`` or ``"en"``.
    offline, web_assets
        As for :func:`build_webmap` (by default a self-contained page).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        If the file cannot be written; ``path`` is then left as it was.
    """
    return write_atomically(path, lambda tmp: write_webmap_file(
        result, tmp, lang=lang, offline=offline, web_assets=web_assets))


def write_layers_map(path: str | os.PathLike[str], streets: gpd.GeoDataFrame,
                     pois: gpd.GeoDataFrame | None = None, area: gpd.GeoDataFrame | None = None,
                     *, lang: str = "nl", attribution: str | None = None,
                     source: str = "streets", synthetic: Sequence[str] = (),
                     privacy_threshold: int | None = None, offline: bool = False,
                     web_assets: str = "inline") -> Path:
    """Write the map of separate layers (see :func:`result_for_map`) atomically to ``path``.

    Parameters
    ----------
    path
        Destination ``.html``.
    streets, pois, area, attribution, source, synthetic, privacy_threshold
        As for :func:`result_for_map`.
    lang
        ``"nl"`` or ``"en"``.
    offline, web_assets
        As for :func:`build_webmap`.

    Returns
    -------
    Path
        ``path``.
    """
    result = result_for_map(streets, pois, area, attribution=attribution, source=source,
                            synthetic=synthetic, privacy_threshold=privacy_threshold)
    return write_webmap(result, path, lang=lang, offline=offline, web_assets=web_assets)
