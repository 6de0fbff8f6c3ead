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

Assets (:data:`WEB_ASSETS`): Leaflet and Leaflet.markercluster. An online page loads them
from jsDelivr (with subresource-integrity hashes of the vendored copies); an offline page
(``offline=True``) inlines the copies vendored in ``output/web-assets/`` (Leaflet's images as
data URIs), so it renders with no network at all, and starts on the surroundings drawn from
the data instead of a tile base map. Folium's other default assets (jQuery, Bootstrap, Font
Awesome, awesome-markers) are not needed and not loaded.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import os
import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from ..core.indicators.registry import INDICATORS, SENSITIVE, indicator
from ..core.result import DAYS, AnalysisResult
from ..styles import (
    area_style,
    areas_style,
    decimals,
    format_number,
    format_value,
    indicator_style,
    key_indicators,
    load_spec,
    poi_class_of,
    poi_classes,
    poi_label,
    poi_style,
    surroundings_colors,
    synthetic_notice_color,
    type_color,
    type_keys,
    type_label,
    type_line_width,
    unknown_type_color,
    untyped_keys,
)
from .atomic import write_atomically

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

#: The indicators the popup of a named street shows (length-weighted means along the street,
#: ``<name>_mean`` of :func:`wijkkracht.core.streets.named_streets`), those present.
NAMED_STREET_INDICATORS = ("dist_supermarket_m", "dist_pt_stop_m", "everyday_800",
                           "functions_400", "n_count_400", "o_count_400", "vacancy_share_400")

#: The hour the liveliness layer opens on (day 0 = Monday): Friday 20:00, an evening, where
#: the streets that stay alive after the shops close stand out.
DEFAULT_HOUR = (4, 20)
#: The registered indicator whose classes and colours the liveliness layer uses (its unit:
#: open POIs within walking reach, the same as the value at one hour).
HOURS_STYLE = "open_peak"

_HOURS_TEXT = {
    "nl": {"title": "Levendigheid per uur: open voorzieningen", "layer": "Levendigheid per uur",
           "day": "Dag", "hour": "Uur", "null": "geen openingstijden bekend",
           "note": "Voorzieningen met bekende openingstijden (OSM opening_hours) binnen {r:g} m "
                   "lopen, open in dit uur van de week van {week}. In het gebied hebben {ok} van "
                   "de {total} voorzieningen leesbare openingstijden; {missing} geen, {unknown} "
                   "onleesbaar of deels onbekend (niet meegeteld, nooit geraden).",
           "days": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
                    "zondag"]},
    "en": {"title": "Liveliness by hour: open amenities", "layer": "Liveliness by hour",
           "day": "Day", "hour": "Hour", "null": "no opening hours known",
           "note": "Amenities with known opening hours (OSM opening_hours) within {r:g} m "
                   "walking, open in this hour of the week of {week}. In the area {ok} of the "
                   "{total} amenities have readable opening hours; {missing} none, {unknown} "
                   "unreadable or partly unknown (not counted, never guessed).",
           "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                    "Sunday"]},
}


_SPEND_TEXT = {
    "nl": {"layer": "Bestedingen per gebied (Huff)",
           "title": "Dagelijkse boodschappen: aandeel in het eigen gebied besteed",
           "demand": "Woningen (vraag)", "kept": "Besteed in het gebied",
           "leaked": "Lekt weg naar elders", "beyond": "Geen winkel binnen bereik",
           "drawn": "Bestedingen die de winkels hier trekken (woningen)",
           "inflow": "Daarvan van buiten het gebied",
           "best": "Beste leegstaande winkelpand om te vullen",
           "best_text": "een winkel van {m2:g} m² trekt ~{drawn:.0f} woningen; het gebied houdt "
                        "dan {after} in plaats van {before}",
           "none": "geen winkel",
           "note": "Huff-model (parameters zijn conventies, niet gekalibreerd): vraag = "
                   "woningen (BAG), aanbod = winkels voor dagelijkse boodschappen, loopafstand "
                   "tot {cutoff:g} m. Bedragen in woningen (1 = wat één huishouden besteedt)."},
    "en": {"layer": "Spending per area (Huff)",
           "title": "Daily goods: share spent in the own area",
           "demand": "Dwellings (demand)", "kept": "Spent in the area",
           "leaked": "Leaks elsewhere", "beyond": "No shop in reach",
           "drawn": "Spending the shops here draw (dwellings)",
           "inflow": "Of which from outside the area",
           "best": "Best vacant shop front to fill",
           "best_text": "a {m2:g} m² shop draws ~{drawn:.0f} dwellings; the area then keeps "
                        "{after} instead of {before}",
           "none": "no shop",
           "note": "Huff model (parameters are conventions, not calibrated): demand = dwellings "
                   "(BAG), supply = daily-goods shops, walking distance up to {cutoff:g} m. "
                   "Amounts in dwellings (1 = what one household spends)."},
}


def _spending_data(result: AnalysisResult, lang: str, kinds: Sequence[str]
                   ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The spending zones layer: configuration (legend) and data (polygons with their colour
    and an escaped popup), or ``(None, {})``."""
    spend = result.spending
    if spend is None or not len(spend.zones) or "spend_kept_share" not in INDICATORS:
        return None, {}
    text = _SPEND_TEXT[lang]
    st = indicator_style("spend_kept_share")
    nd = 0

    def pct(v: Any) -> str:
        return "–" if v is None or pd.isna(v) else format_number(100 * float(v), nd, lang) + " %"

    def num(v: Any) -> str:
        return "–" if v is None or pd.isna(v) else format_number(float(v), 0, lang)

    fronts = spend.scenarios
    if "scenario" in fronts:
        fronts = fronts[fronts["scenario"] == "vacant_front"]
    best = fronts.groupby("zone").head(1).set_index("zone") if len(fronts) else None
    features = []
    zones = spend.zones
    for i, geom in enumerate(_geometries(zones, simplify_m=1.0)):
        if geom is None:
            continue
        z = zones.iloc[i]
        kept = z["retained_share"]
        color = st.color_for(None if pd.isna(kept) else float(kept))
        rows = [(text["demand"], num(z["demand"])), (text["kept"], pct(kept)),
                (text["leaked"], pct(z["leaked_share"])),
                (text["beyond"], pct(z["beyond_reach_share"])),
                (text["drawn"], num(z["drawn"]) if z["drawn"] > 0 else text["none"]),
                (text["inflow"], pct(z["inflow_share"]))]
        html_rows = "".join(f"<tr><th>{_esc(a)}</th><td>{_esc(b)}</td></tr>" for a, b in rows)
        extra = ""
        if best is not None and z["code"] in best.index:
            b = best.loc[z["code"]]
            extra = (f"<p class='wk-best'><strong>{_esc(text['best'])}</strong> "
                     f"({_esc(b['osm_id'])}): " + _esc(text["best_text"].format(
                         m2=float(b["floor_area_m2"]), drawn=float(b["drawn"]),
                         after=pct(b["retained_share_after"]),
                         before=pct(b["retained_share_before"]))) + "</p>")
        popup = (f"<div class='wk-tip wk-spend-tip'><h4>{_esc(z['name'])}</h4>"
                 f"<table>{html_rows}</table>{extra}</div>")
        features.append({"type": "Feature", "geometry": geom,
                         "properties": {"c": color, "p": popup}})
    cutoff = float(spend.metadata.get("parameters", {}).get("cutoff_m", 2000))
    config = {
        "title": _esc(text["title"]),
        "synthetic": "bag" in kinds,
        "classes": [{"color": c.color, "label": _esc(c.label(lang))} for c in st.classes],
        "nullColor": st.null_color,
        "note": _esc(text["note"].format(cutoff=cutoff)),
    }
    return config, {"type": "FeatureCollection", "features": features}


def _rle(values: Sequence[int]) -> list[int]:
    out: list[int] = []
    for v in values:
        if out and out[-2] == v:
            out[-1] += 1
        else:
            out += [int(v), 1]
    return out


def _hours_data(result: AnalysisResult, streets: gpd.GeoDataFrame, lang: str,
                kinds: Sequence[str]) -> tuple[dict[str, Any] | None, dict[str, Any], list[int]]:
    """The liveliness layer's configuration, its data block (distinct profiles, run-length
    encoded) and each street's profile index (-1: none), or ``(None, {}, [])``."""
    if result.hours is None or HOURS_STYLE not in INDICATORS:
        return None, {}, []
    frame = result.hours.reindex(streets.index)
    known = frame.notna().all(axis=1).to_numpy()
    rows = frame.fillna(0).to_numpy(dtype=int)
    profiles: dict[tuple[int, ...], int] = {}
    index = []
    for ok, row in zip(known, rows, strict=True):
        if not ok or not row.any():
            index.append(-1)
            continue
        index.append(profiles.setdefault(tuple(row.tolist()), len(profiles)))
    st = indicator_style(HOURS_STYLE)
    text = _HOURS_TEXT[lang]
    meta = result.metadata.get("opening_hours", {})
    counts = meta.get("counts", {})
    total = sum(int(v) for v in counts.values()) if counts else 0
    unknown = total - int(counts.get("ok", 0)) - int(counts.get("missing", 0))
    config = {
        "title": _esc(text["title"]),
        "days": [_esc(pair[0] if lang == "nl" else pair[1]) for pair in DAYS],
        "dayNames": [_esc(d) for d in text["days"]],
        "dayLabel": _esc(text["day"]), "hourLabel": _esc(text["hour"]),
        "day": DEFAULT_HOUR[0], "hour": DEFAULT_HOUR[1],
        "nullText": _esc(text["null"]),
        "note": _esc(text["note"].format(r=float(meta.get("radius_m", 400)),
                                         week=meta.get("week", "?"), unknown=unknown,
                                         total=total, ok=int(counts.get("ok", 0)),
                                         missing=int(counts.get("missing", 0)))),
        "synthetic": "opening_hours" in kinds,
        "style": {
            "nullColor": st.null_color,
            "classes": [{"lo": c.lower, "hi": c.upper, "first": c.first, "color": c.color,
                         "label": _esc(c.label(lang))} for c in st.classes],
        },
    }
    block = {"profiles": [_rle(p) for p in profiles]}
    return config, block, index

#: Decimals of the WGS84 coordinates in the page (1e-5 degree is about 1 m).
COORDINATE_DECIMALS = 5

#: Tolerance (m, in RD New) of the simplification of the street geometry for display.
SIMPLIFY_M = 0.75

#: From this many street segments on, the streets are drawn on a canvas (one element for all)
#: instead of as an SVG path each, which keeps a city's map responsive.
CANVAS_FROM = 4000

_WGS84 = 4326

#: The layer control starts open on screens at least this wide and high (px).
_OPEN_CONTROL_PX = (900, 600)

#: On screens at most this wide (px) the legend starts folded (webmap.css: its button shows).
_FOLD_LEGEND_PX = 600

#: The map's deepest zoom level (tiles beyond a base map's own deepest level are enlarged).
_MAX_ZOOM = 19

#: POIs are clustered up to this zoom level; from the next one on each shows on its own.
_CLUSTER_UNTIL_ZOOM = 16

#: Where the npm packages are fetched from by an online page.
CDN_NPM = "https://cdn.jsdelivr.net/npm/"

#: The vendored copies of the assets (scripts/fetch_web_assets.sh --vendor).
ASSETS_DIR = Path(__file__).resolve().parent / "web-assets"


@dataclass(frozen=True)
class WebAsset:
    """A JavaScript or CSS file of an npm package that the page uses."""

    name: str
    package: str
    version: str
    path: str  # in the package, e.g. "dist/leaflet.js"

    @property
    def kind(self) -> str:
        """``"js"`` or ``"css"``."""
        return "css" if self.path.endswith(".css") else "js"

    @property
    def url(self) -> str:
        """The jsDelivr URL an online page loads."""
        return f"{CDN_NPM}{self.package}@{self.version}/{self.path}"

    @property
    def vendored(self) -> Path:
        """The copy in ``output/web-assets/`` (the package path without its leading ``dist/``)."""
        rel = self.path[len("dist/"):] if self.path.startswith("dist/") else self.path
        return ASSETS_DIR / f"{self.package}@{self.version}" / rel


#: What the page loads, in order: Leaflet, then Leaflet.markercluster (MIT). The versions and
#: files are those of scripts/fetch_web_assets.sh (VENDOR).
WEB_ASSETS: tuple[WebAsset, ...] = (
    WebAsset("leaflet_css", "leaflet", "1.9.3", "dist/leaflet.css"),
    WebAsset("markercluster_css", "leaflet.markercluster", "1.5.3", "dist/MarkerCluster.css"),
    WebAsset("leaflet", "leaflet", "1.9.3", "dist/leaflet.js"),
    WebAsset("markercluster", "leaflet.markercluster", "1.5.3",
             "dist/leaflet.markercluster.js"),
)

#: ``(name, URL)`` of every asset an online page loads.
ASSET_URLS: tuple[tuple[str, str], ...] = tuple((a.name, a.url) for a in WEB_ASSETS)


@dataclass(frozen=True)
class BaseMap:
    """A base map of the switcher (``url`` None: the surroundings drawn from the data)."""

    key: str
    label_nl: str
    label_en: str
    url: str | None = None
    attribution: str = ""
    licence: str = ""
    max_native_zoom: int = 19
    opacity: float = 1.0

    def label(self, lang: str) -> str:
        return self.label_nl if lang == "nl" else self.label_en


_KADASTER = ("Kaartgegevens &copy; <a href='https://www.kadaster.nl'>Kadaster</a> / "
             "<a href='https://www.pdok.nl'>PDOK</a>, "
             "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>")
_PDOK_BRT = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{layer}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"

#: The base maps of the switcher, in its order. PDOK's tiles are the WMTS layers in the web
#: map's own tile grid (EPSG:3857); the grey BRT-Achtergrondkaart is the default of an online
#: page (the Dutch government's base map, quiet under coloured streets), the surroundings
#: drawn from the data ("none") that of an offline page.
BASE_MAPS: tuple[BaseMap, ...] = (
    BaseMap("brt_grijs", "BRT-Achtergrondkaart grijs (PDOK)",
            "BRT-Achtergrondkaart grey (PDOK)", _PDOK_BRT.format(layer="grijs"),
            _KADASTER, "CC BY 4.0 (Kadaster)", max_native_zoom=17, opacity=0.85),
    BaseMap("brt", "BRT-Achtergrondkaart (PDOK)", "BRT-Achtergrondkaart (PDOK)",
            _PDOK_BRT.format(layer="standaard"), _KADASTER, "CC BY 4.0 (Kadaster)",
            max_native_zoom=17, opacity=0.6),
    BaseMap("osm", "OpenStreetMap", "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> "
            "contributors", "ODbL 1.0 (OpenStreetMap contributors)", max_native_zoom=19,
            opacity=0.55),
    BaseMap("luchtfoto", "Luchtfoto 25 cm (PDOK)", "Aerial photo 25 cm (PDOK)",
            "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_ortho25/EPSG:3857/"
            "{z}/{x}/{y}.jpeg",
            "Luchtfoto &copy; <a href='https://www.beeldmateriaal.nl'>Beeldmateriaal "
            "Nederland</a> / <a href='https://www.pdok.nl'>PDOK</a>, "
            "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>",
            "CC BY 4.0 (Beeldmateriaal Nederland)", max_native_zoom=19, opacity=0.75),
    BaseMap("none", "Geen (omgeving uit de gegevens)", "None (surroundings from the data)"),
)

#: The default base map of an online and of an offline page.
_DEFAULT_BASE = {False: "brt_grijs", True: "none"}

def _context_colors() -> dict[str, str]:
    """Colours of the surroundings drawn from the data (a base map, not data: no legend)."""
    c = surroundings_colors()
    return {k: c[k] for k in ("ground", "area", "street", "building")}


def _highlight() -> dict[str, str]:
    """The search result: a dark halo and a light core under the street's own colour."""
    c = surroundings_colors()
    return {"halo": c["highlight_halo"], "core": c["highlight_core"]}


_TEXT = {
    "nl": {
        "types": "Kansentypen",
        "type": "Kansentype",
        "unnamed": "Straat zonder naam",
        "pois": "Voorzieningen",
        "area": "Onderzoeksgebied",
        "areas": "Gebieden (klik voor cijfers)",
        "title": "Kansen per straat",
        "streets": "Straten",
        "indicators": "Indicatoren",
        "syntheticTag": "SYNTHETISCH",
        "segments": "segmenten",
        "streetKm": "km straat",
        "noData": "geen gegevens",
        "suppressed": "onderdrukt (te kleine aantallen) of geen gegevens",
        "basemaps": "Achtergrondkaart",
        "baseUnreachable": "De achtergrondkaart is niet bereikbaar; de omgeving is getekend "
                           "uit de gegevens.",
        "surfaces": "Oppervlakken (raster)",
        "vacancy": "Leegstand (OpenStreetMap)",
        "opacity": "Dekking",
        "fullscreen": "Volledig scherm",
        "searchPlaceholder": "Zoek een straat…",
        "searchNone": "Geen straat met deze naam",
        "sources": "Bronnen",
        "dataSources": "Gegevens",
        "date": "datum",
        "licence": "licentie",
        "legend": "Legenda",
        "named": "Straten op naam",
        "namedNote": "Kleur: het kansentype met de meeste lengte van de straat. Klik op een "
                     "straat voor haar cijfers.",
        "paths": "Paden, trottoirs en fietspaden",
        "pathsNote": "Wat geen straat is: trottoirs, fiets- en voetpaden, dienstwegen zonder "
                     "naam. Ze tellen mee in de loopafstanden, niet in de straattotalen.",
        "pathsTyped": "met een kansentype: in de kleur van dat type",
        "noType": "Geen kansentype",
        "untypedStreet": "straat zonder adressen of gebouwen",
        "untypedPath": "pad, trottoir, fietspad of dienstweg",
        "mainType": "Hoofdtype",
        "typeShares": "Kansentypen (aandeel van de lengte)",
        "addresses": "adressen of gebouwen",
        "namedValues": "Langs de straat (gemiddeld, gewogen naar lengte)",
        "typeHint": "Klik op een type: uitleg, en zijn straten op de kaart.",
        "typeShow": "Toon de straten van dit type en zijn uitleg",
        "typeWhy": "Waarom deze naam",
        "typeRule": "Regel",
        "typeProfile": "Profiel: mediaan van de {n} segmenten van dit type",
        "typeSegments": "{n} segmenten",
        "close": "Sluiten",
    },
    "en": {
        "types": "Opportunity types",
        "type": "Opportunity type",
        "unnamed": "Unnamed street",
        "pois": "Amenities",
        "area": "Study area",
        "areas": "Areas (click for figures)",
        "title": "Opportunities street by street",
        "streets": "Streets",
        "indicators": "Indicators",
        "syntheticTag": "SYNTHETIC",
        "segments": "segments",
        "streetKm": "km of street",
        "noData": "no data",
        "suppressed": "suppressed (small numbers) or no data",
        "basemaps": "Base map",
        "baseUnreachable": "The base map cannot be reached; the surroundings are drawn from "
                           "the data.",
        "surfaces": "Surfaces (raster)",
        "vacancy": "Vacancy (OpenStreetMap)",
        "opacity": "Opacity",
        "fullscreen": "Full screen",
        "searchPlaceholder": "Find a street…",
        "searchNone": "No street of that name",
        "sources": "Sources",
        "dataSources": "Data",
        "date": "date",
        "licence": "licence",
        "legend": "Legend",
        "named": "Named streets",
        "namedNote": "Colour: the opportunity type with the most length of the street. Click a "
                     "street for its figures.",
        "paths": "Paths, sidewalks and cycle paths",
        "pathsNote": "What is not a street: sidewalks, cycle and foot paths, unnamed service "
                     "roads. They count in the walking distances, not in the street totals.",
        "pathsTyped": "with an opportunity type: in the colour of that type",
        "noType": "No opportunity type",
        "untypedStreet": "street without addresses or buildings",
        "untypedPath": "path, sidewalk, cycle path or service road",
        "mainType": "Main type",
        "typeShares": "Opportunity types (share of the length)",
        "addresses": "addresses or buildings",
        "namedValues": "Along the street (mean, weighted by length)",
        "typeHint": "Click a type: its explanation, and its streets on the map.",
        "typeShow": "Show the streets of this type and its explanation",
        "typeWhy": "Why this name",
        "typeRule": "Rule",
        "typeProfile": "Profile: median of the {n} segments of this type",
        "typeSegments": "{n} segments",
        "close": "Close",
    },
}

#: What an online page says when Leaflet could not be loaded (a network that blocks the CDN).
_NO_LEAFLET = {
    "nl": "De kaart kan niet worden getoond: Leaflet kon niet van het internet "
          "(cdn.jsdelivr.net) worden geladen. Maak de kaart met --offline "
          "(wijkkracht run/demo --offline) om haar zonder internet te openen.",
    "en": "The map cannot be shown: Leaflet could not be loaded from the internet "
          "(cdn.jsdelivr.net). Make the map with --offline (wijkkracht run/demo --offline) "
          "to open it without internet.",
}

#: Names of the input kinds in ``metadata["synthetic"]`` (others are shown as they are).
_SOURCE_NAMES = {"bag": "BAG", "establishments": "KvK", "osm": "OpenStreetMap",
                 "areas": "CBS", "opening_hours": "opening_hours"}

_SYNTHETIC = {
    "nl": ("SYNTHETISCHE {what}-gegevens — geen echte adressen of bedrijven",
           "Gegenereerd voor de demonstratie: alle {what}-cijfers op deze kaart (gemarkeerd "
           "SYNTHETISCH) zijn verzonnen en beschrijven geen echte situatie.",
           "{what}: SYNTHETISCHE gegevens, niet echt"),
    "en": ("SYNTHETIC {what} data — not real addresses or businesses",
           "Generated for demonstration: every {what} figure on this map (marked SYNTHETIC) "
           "is made up and describes nothing real.",
           "{what}: SYNTHETIC data, not real"),
}

_PRIVACY = {
    "nl": "Privacy: aantallen vestigingen kleiner dan {t} (en wat daaruit is berekend) zijn "
          "onderdrukt en worden niet getoond.",
    "en": "Privacy: establishment counts below {t} (and what is computed from them) are "
          "suppressed and not shown.",
}

_AGGREGATES = {
    "nl": {"mean": "gemiddelde", "median": "mediaan", "sum": "totaal"},
    "en": {"mean": "mean", "median": "median", "sum": "total"},
}

#: How the area figures are made (core/areas.py): under the area name in its popup.
_AREA_NOTE = {
    "nl": "Gemiddelde over de straatsegmenten in het gebied, gewogen naar lengte; "
          "loopafstanden: mediaan; aandelen van vestigingen en objecten (leegstand, aan huis): "
          "over de totalen van het gebied.",
    "en": "Mean over the street segments in the area, weighted by length; walking "
          "distances: median; shares of establishments and units (vacancy, home-based): of "
          "the area's totals.",
}

_LEVELS = {
    "nl": {},
    "en": {"buurt": "neighbourhood (buurt)", "wijk": "district (wijk)",
           "gemeente": "municipality (gemeente)"},
}


def _esc(text: Any) -> str:
    """HTML-escape a value for insertion as HTML (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def _script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` characters."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _geometries(gdf: gpd.GeoDataFrame, simplify_m: float = SIMPLIFY_M) -> list[Any]:
    """GeoJSON geometry dicts in WGS84, simplified (in RD) and rounded to ~1 m."""
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    if simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
    wgs = gpd.GeoSeries(geoms, crs=gdf.crs).to_crs(_WGS84)
    arr = np.asarray(wgs.array, dtype=object)
    arr = shapely.transform(arr, lambda c: np.round(c, COORDINATE_DECIMALS))
    arr = shapely.remove_repeated_points(arr)
    return [json.loads(s) if s is not None else None for s in shapely.to_geojson(arr)]


def _round(value: Any, nd: int) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    v = float(value)
    if not math.isfinite(v):
        return None
    return int(round(v)) if nd == 0 else round(v, nd)


def _path_kinds(streets: pd.DataFrame) -> list[int]:
    """Per segment 0 for a street (``is_street``; every segment of a layer without the
    column), else 1 + the position of its ``kind`` in :data:`wijkkracht.core.streets.KINDS`
    (the map's ``p``: a path, sidewalk, cycle path or unnamed service road)."""
    from ..core.streets import KINDS

    if "is_street" not in streets:
        return [0] * len(streets)
    order = {k: i for i, k in enumerate(KINDS)}
    kinds = (streets["kind"].astype(str) if "kind" in streets
             else pd.Series("path", index=streets.index))
    flags = pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()
    return [0 if street else 1 + order.get(kind, order["path"])
            for street, kind in zip(flags, kinds, strict=True)]


def _streets_data(streets: gpd.GeoDataFrame, indicators: Sequence[str],
                  type_index: Mapping[str, int], hours: Sequence[int] = (),
                  positions: list[int] | None = None) -> dict[str, Any]:
    """The streets block: one GeoJSON feature per segment, properties ``n`` (name, escaped),
    ``t`` (type index), ``v`` (key-indicator values), ``h`` (hour profile index) and, only for
    a segment that is no street, ``p`` (1 + its kind, see :func:`_path_kinds`). ``positions``
    (when given) gets each row's feature index (-1: no geometry, no feature)."""
    names = streets["street_name"] if "street_name" in streets else pd.Series("", streets.index)
    keys = streets["type_key"] if "type_key" in streets else pd.Series(None, streets.index)
    paths = _path_kinds(streets)
    value_cols = [
        [_round(v, decimals(indicator_style(n).indicator.unit)) for v in streets[n]]
        if n in streets else [None] * len(streets)
        for n in indicators
    ]
    features = []
    for i, geom in enumerate(_geometries(streets)):
        if geom is None:
            if positions is not None:
                positions.append(-1)
            continue
        if positions is not None:
            positions.append(len(features))
        name = names.iloc[i]
        features.append({
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "n": _esc(name) if isinstance(name, str) else "",
                "t": type_index.get(str(keys.iloc[i]), -1),
                "v": [col[i] for col in value_cols],
                **({"h": hours[i]} if hours else {}),
                **({"p": paths[i]} if paths[i] else {}),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _named_data(result: AnalysisResult, streets: pd.DataFrame, positions: Sequence[int],
                type_index: Mapping[str, int], lang: str
                ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The named-streets layer: its configuration (the popup's indicator columns) and data
    (per named street: name, length, addresses fronting it, the streets-block features of its
    segments, each type's share of its length, the indicators along it), or ``(None, {})``.

    The geometry is not repeated: a named street is drawn from its segments' features. The
    type shares are those of its street segments' lengths, as
    :func:`wijkkracht.core.streets.named_streets` computes them (``types_nl``).
    """
    named = result.named_streets
    if named is None or not len(named) or "street_id" not in streets.columns:
        return None, {}
    labels = named.attrs.get("labels") or {}
    integer_units = set(load_spec()["graduated"]["integer_units"])
    columns = []
    for name in NAMED_STREET_INDICATORS:
        col = f"{name}_mean"
        if col not in named.columns or name not in INDICATORS:
            continue
        ind = indicator(name)
        lab = labels.get(col)
        title = (f"{lab[lang]} ({lab['unit_' + lang]})" if isinstance(lab, Mapping)
                 and lab.get(lang) and lab.get("unit_" + lang) else ind.title(lang))
        nd = 1 if ind.unit in integer_units else decimals(ind.unit)
        columns.append({"col": col, "title": _esc(title), "decimals": nd,
                        "suffix": " m" if ind.unit == "m" else "",
                        "nullText": _esc(ind.null_meaning(lang) if ind.null_meaning is not None
                                         else "–"),
                        "group": _group_of(name)})
    sid = streets["street_id"].fillna("").astype(str).to_numpy()
    street = (pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()
              if "is_street" in streets else np.ones(len(streets), dtype=bool))
    member = street & (sid != "")
    rows = np.flatnonzero(member)
    frame = pd.DataFrame({
        "sid": sid[rows],
        "pos": np.asarray(positions, dtype=np.int64)[rows],
        "len": streets["length_m"].to_numpy(dtype=float)[rows],
        "t": [type_index.get(str(k), -1) for k in streets["type_key"].to_numpy()[rows]]
        if "type_key" in streets else -1,
    })
    segments = frame[frame["pos"] >= 0].groupby("sid")["pos"].apply(list)
    by_type = frame.groupby(["sid", "t"])["len"].sum()
    total = frame.groupby("sid")["len"].sum()
    features = []
    for _, row in named.iterrows():
        key = str(row["street_id"])
        members = segments.get(key)
        if not members:
            continue
        shares = by_type.loc[key].sort_values(ascending=False, kind="stable") \
            if key in by_type.index.get_level_values(0) else pd.Series(dtype=float)
        whole = float(total.get(key, 0.0))
        features.append({
            "n": _esc(key),
            "l": _round(row.get("length_m"), 0),
            "a": _round(row.get("fronting_n"), 0),
            "t": type_index.get(str(row.get("main_type_key")), -1),
            "s": [int(i) for i in members],
            "y": [[int(t), _round(100 * float(v) / whole, 0) if whole > 0 else None]
                  for t, v in shares.items()],
            "v": [_round(row.get(c["col"]), c["decimals"]) for c in columns],
        })
    if not features:
        return None, {}
    return {"columns": [{k: v for k, v in c.items() if k != "col"} for c in columns]}, \
        {"streets": features}


def _pois_data(pois: gpd.GeoDataFrame) -> dict[str, Any]:
    if len(pois) == 0:
        return {"type": "FeatureCollection", "features": []}
    no_class = pois["no_class"] if "no_class" in pois else pd.Series("", pois.index)
    vacant = pois["vacant"] if "vacant" in pois else pd.Series(False, pois.index)
    classes = [poi_class_of(c if isinstance(c, str) else None, bool(v) if pd.notna(v) else False)
               for c, v in zip(no_class, vacant, strict=True)]
    keep = np.array([c is not None for c in classes])
    sub = pois[keep]
    sub_classes = [c for c in classes if c is not None]
    names = sub["name"] if "name" in sub else pd.Series("", sub.index)
    tags = sub["tag"] if "tag" in sub else pd.Series("", sub.index)
    features = []
    for geom, cls, name, tag in zip(_geometries(sub, simplify_m=0), sub_classes, names, tags,
                                     strict=True):
        if geom is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "c": cls,
                "n": _esc(name) if isinstance(name, str) else "",
                "g": _esc(tag) if isinstance(tag, str) else "",
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _area_name(result: AnalysisResult) -> str:
    if "name" in result.area and len(result.area) and pd.notna(result.area["name"].iloc[0]):
        return str(result.area["name"].iloc[0])
    return ""


def _synthetic_kinds(result: AnalysisResult) -> list[str]:
    """The SYNTHETIC input kinds of a result (``metadata["synthetic"]``), in order."""
    kinds = result.metadata.get("synthetic") or []
    if isinstance(kinds, str):
        kinds = [kinds]
    return [str(k) for k in kinds]


def _privacy_threshold(result: AnalysisResult) -> int | None:
    """The run's suppression threshold from its metadata, if it records one."""
    meta = result.metadata
    bag = meta.get("bag")
    for value in (meta.get("privacy_threshold"),
                  bag.get("privacy_threshold") if isinstance(bag, Mapping) else None):
        if value is not None:
            return int(value)
    return None


def _publishable(frame: pd.DataFrame, threshold: int | None, *, areas: bool = False
                 ) -> tuple[pd.DataFrame, int | None]:
    """``frame`` with small establishment counts suppressed, and the threshold used.

    Results of the pipeline are suppressed already (doing it again changes nothing); this
    makes sure a frame that is not (own code, a threshold missing from the metadata) never
    reaches the page with small counts: :func:`~wijkkracht.core.privacy.suppress_small_counts`
    for streets, :func:`~wijkkracht.core.privacy.suppress_area_counts` for area summaries
    (``areas``). A sensitive value whose counts the frame lacks cannot be checked and is left
    out, unless the frame says it was suppressed (a ``suppressed`` column). Returns the frame
    unchanged and None when it holds no sensitive column.
    """
    from ..core.areas import aggregate_columns
    from ..core.privacy import (
        DEFAULT_THRESHOLD,
        DERIVED,
        sensitive_counts,
        suppress_area_counts,
        suppress_small_counts,
    )

    if areas:
        columns = {col: name for col, (name, _agg) in aggregate_columns().items()
                   if col in frame.columns and SENSITIVE in INDICATORS[name].tags}
        needs = {col: [f"{p}_sum" for p in DERIVED.get(name, (name,))]
                 for col, name in columns.items()}
    else:
        columns = {c: c for c in frame.columns
                   if c in INDICATORS and SENSITIVE in INDICATORS[c].tags}
        needs = {c: list(DERIVED.get(c, (c,))) for c in columns}
    if not columns:
        return frame, None
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    out = (suppress_area_counts(frame, t) if areas else
           suppress_small_counts(frame, t, columns=[c for c in sensitive_counts()
                                                    if c in frame.columns]))
    if "suppressed" not in frame.columns:
        for col, parts in needs.items():
            if not all(p in frame.columns for p in parts):
                out[col] = np.nan
    return out, t


def _group_of(name: str) -> str:
    """Tooltip/control group of an indicator: ``osm``, ``hours`` (opening hours) or ``bag``
    (BAG and establishments)."""
    needs = indicator(name).requires
    return "osm" if needs == "osm" else "hours" if needs == "opening_hours" else "bag"


def _is_synthetic(name: str, kinds: Sequence[str]) -> bool:
    """Whether an indicator is made from a SYNTHETIC input (establishment indicators also
    need the BAG)."""
    needs = indicator(name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _what(kinds: Sequence[str]) -> str:
    return "/".join(_SOURCE_NAMES.get(k, k) for k in kinds)


def _groups(indicators: Sequence[str], kinds: Sequence[str], lang: str) -> dict[str, Any]:
    """Label and SYNTHETIC flag of the indicator groups present."""
    text = _TEXT[lang]
    needs = {indicator(n).requires for n in indicators}
    bag_label = "BAG/KvK" if "establishments" in needs else "BAG"
    out: dict[str, Any] = {}
    hours_label = "OpenStreetMap opening_hours"
    for key, label in (("osm", "OpenStreetMap"), ("hours", hours_label), ("bag", bag_label)):
        members = [n for n in indicators if _group_of(n) == key]
        if members:
            out[key] = {
                "label": _esc(label),
                "control": _esc(f"{text['indicators']} ({label})"),
                "synthetic": any(_is_synthetic(n, kinds) for n in members),
            }
    return out


def _area_columns(areas: pd.DataFrame, indicators: Sequence[str], kinds: Sequence[str],
                  lang: str) -> list[dict[str, Any]]:
    """The summaries shown in the area popups: one aggregate per key indicator present."""
    from ..core.areas import aggregate_columns

    labels = areas.attrs.get("labels") or {}
    integer_units = set(load_spec()["graduated"]["integer_units"])
    text = _TEXT[lang]
    out = []
    for name in indicators:
        col, (_, agg) = next(iter(aggregate_columns([name], columns=None).items()))
        if col not in areas.columns:  # a pooled share whose parts were not there: the mean
            col, agg = f"{name}_mean", "mean"
        if col not in areas.columns:
            continue
        ind = indicator(name)
        lab = labels.get(col)
        title = (f"{lab[lang]} ({lab['unit_' + lang]})" if isinstance(lab, Mapping)
                 and lab.get(lang) and lab.get("unit_" + lang) else ind.title(lang))
        nd = decimals(ind.unit)
        if agg == "mean" and ind.unit in integer_units:
            nd = 1  # a mean of counts: one decimal says more than a rounded count
        out.append({
            "col": col,
            "title": _esc(title if agg in ("mean", "median", "pooled") else
                          f"{title}, {_AGGREGATES[lang][agg]}"),
            "decimals": nd,
            "suffix": " m" if ind.unit == "m" else "",
            "nullText": _esc(text["suppressed"] if SENSITIVE in ind.tags else text["noData"]),
            "group": _group_of(name),
            "synthetic": _is_synthetic(name, kinds),
        })
    return out


def _areas_data(areas: gpd.GeoDataFrame | None, columns: Sequence[Mapping[str, Any]],
                lang: str) -> dict[str, Any]:
    """GeoJSON of the area outlines: code, name, level, segments, street km and the values of
    ``columns`` (every string escaped)."""
    if areas is None or len(areas) == 0:
        return {"type": "FeatureCollection", "features": []}

    def strings(col: str) -> list[str]:
        if col not in areas.columns:
            return [""] * len(areas)
        return [str(v) if isinstance(v, str) or (v is not None and not pd.isna(v)) else ""
                for v in areas[col]]

    codes, names, levels = strings("area_code"), strings("area_name"), strings("level")
    segments = [_round(v, 0) for v in areas["segments"]] if "segments" in areas \
        else [None] * len(areas)
    km = [_round(float(v) / 1000, 1) if v is not None and not pd.isna(v) else None
          for v in areas["street_m"]] if "street_m" in areas else [None] * len(areas)
    values = [[_round(v, c["decimals"]) for v in areas[c["col"]]] for c in columns]
    features = []
    for i, geom in enumerate(_geometries(areas, simplify_m=1.0)):
        if geom is None:
            continue
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "c": _esc(codes[i]), "n": _esc(names[i]),
            "l": _esc(_LEVELS[lang].get(levels[i], levels[i])),
            "s": segments[i], "k": km[i], "v": [col[i] for col in values],
        }})
    return {"type": "FeatureCollection", "features": features}


#: At most this many medians in a type's panel (its rule's quantities first).
TYPE_PANEL_FIGURES = 6


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _template_pattern(template: str) -> re.Pattern[str]:
    """A pattern matching the sentences an explanation template makes (fields: any text)."""
    import string

    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts) + r"\Z", re.S)


def explained_indicators(row: Mapping[str, Any], lang: str = "nl") -> tuple[str, ...]:
    """The indicators a type's explanation (``explanation_<lang>`` of a profile row) quotes.

    For a type named after an archetype whose sentence template made the explanation: the
    quantities of that alternative of its rule; else the registered indicators whose label
    the explanation names; else (it names none) all of its archetype's rule quantities. Used
    to mark an explanation made from SYNTHETIC inputs.

    Parameters
    ----------
    row
        A row of ``result.profile`` (``archetype``, ``explanation_<lang>``).
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    tuple of str
        Registered indicator names.
    """
    from ..core.archetypes import ARCHETYPES

    text = str(row.get(f"explanation_{lang}") or "")
    arch = ARCHETYPES.get(str(row.get("archetype") or ""))
    alternatives = [[c.quantity for c in alt] for alt in arch.rule] if arch is not None else []
    templates = getattr(arch, "explain", ()) if arch is not None else ()
    for alt, template in zip(alternatives, templates, strict=False):
        if _template_pattern(template(lang)).match(text):
            return tuple(q for q in dict.fromkeys(alt) if q in INDICATORS)
    named = tuple(n for n, ind in INDICATORS.items() if text and ind.label(lang) in text)
    return named or tuple(q for q in dict.fromkeys(q for alt in alternatives for q in alt)
                          if q in INDICATORS)


def type_profile_figures(row: Mapping[str, Any], limit: int = TYPE_PANEL_FIGURES
                         ) -> tuple[str, ...]:
    """The medians a type's compact profile shows: the quantities of its archetype's rule,
    then the typology features on which it differs most from all streets (largest
    ``|z_<feature>|``), at most ``limit``, each with a finite median in the row. Counts of
    establishments (registry tag ``sensitive``, unit count) are left out.

    Parameters
    ----------
    row
        A row of ``result.profile``.
    limit
        At most this many.

    Returns
    -------
    tuple of str
        Indicator names, in the order shown.
    """
    from ..core.archetypes import ARCHETYPES

    arch = ARCHETYPES.get(str(row.get("archetype") or ""))
    rule = [c.quantity for alt in arch.rule for c in alt] if arch is not None else []
    features = [k[2:] for k in row if str(k).startswith("z_") and _finite(row[k])]
    features.sort(key=lambda f: -abs(float(row[f"z_{f}"])))
    out: list[str] = []
    for name in dict.fromkeys([*rule, *features]):
        ind = INDICATORS.get(name)
        if ind is None or not _finite(row.get(name)):
            continue
        if SENSITIVE in ind.tags and ind.unit == "count":
            continue
        out.append(name)
        if len(out) == limit:
            break
    return tuple(out)


def _type_info(row: Mapping[str, Any] | None, segments: int, lang: str,
               kinds: Sequence[str]) -> dict[str, Any]:
    """What a type's panel shows (every string escaped): explanation, description, rule,
    the number of segments and a few medians (title, value, SYNTHETIC)."""
    if row is None:
        return {"segments": segments}

    def text(col: str) -> str:
        value = row.get(f"{col}_{lang}")
        return _esc(value) if isinstance(value, str) else ""

    n = int(row["segments"]) if _finite(row.get("segments")) else segments
    figures = []
    for name in type_profile_figures(row):
        ind = indicator(name)
        figures.append({"title": _esc(ind.title(lang)),
                        "value": _esc(format_value(name, float(row[name]), lang)),
                        "synthetic": _is_synthetic(name, kinds)})
    return {
        "explanation": text("explanation"),
        "description": text("description"),
        "rule": text("rule"),
        "segments": n,
        "synthetic": any(_is_synthetic(q, kinds) for q in explained_indicators(row, lang)),
        "figures": figures,
    }


def _config(result: AnalysisResult, lang: str, indicators: Sequence[str],
            type_order: Sequence[str], *, kinds: Sequence[str], threshold: int | None,
            area_columns: Sequence[Mapping[str, Any]], bounds: Sequence[Sequence[float]]
            ) -> dict[str, Any]:
    text = _TEXT[lang]
    names_col = f"type_name_{lang}"
    names: dict[str, str] = {}
    if names_col in result.streets and "type_key" in result.streets:
        pairs = result.streets[["type_key", names_col]].dropna().drop_duplicates("type_key")
        names = {str(k): str(v) for k, v in zip(pairs["type_key"], pairs[names_col], strict=True)}
    st = result.streets
    # the types legend describes the street segments (the paths have a layer of their own)
    on_street = (pd.Series(st["is_street"]).fillna(True).astype(bool).to_numpy()
                 if "is_street" in st else np.ones(len(st), dtype=bool))
    keys = st["type_key"].astype(str).to_numpy() if "type_key" in st else np.array([], str)
    present = set(keys[on_street]) if len(keys) else set()
    on_path = set(keys[~on_street]) if len(keys) else set()
    untyped = untyped_keys()
    # per type of the data: its profile row (explanation, rule, medians) for its panel
    profile = pd.DataFrame(result.profile)
    rows: dict[str, Mapping[str, Any]] = {}
    if "type_key" in profile:
        for _, row in profile.iterrows():
            rows.setdefault(str(row["type_key"]), row.to_dict())
    counts = pd.Series(keys[on_street]).value_counts() if len(keys) else pd.Series(dtype=int)
    types = [
        {"key": key, "label": _esc(type_label(key, lang, names)),
         "color": type_color(key), "present": key in present,
         "untyped": key in untyped, "width": type_line_width("px", key),
         **({"short": _esc(text["untypedStreet" if key == "untyped_street"
                                  else "untypedPath"])}
            if key in untyped else {}),
         **({"info": _type_info(rows.get(key), int(counts.get(key, 0)), lang, kinds)}
            if key in present and key not in untyped else {})}
        for key in type_order
    ]
    from ..core.streets import KINDS
    inds = []
    for name in indicators:
        st = indicator_style(name)
        inds.append({
            "name": name,
            "title": _esc(st.title(lang)),
            "decimals": decimals(st.indicator.unit),
            "suffix": " m" if st.indicator.unit == "m" else "",
            "nullText": _esc(st.null_label(lang) or "–"),
            "nullColor": st.null_color,
            "classes": [
                {"lo": c.lower, "hi": c.upper, "first": c.first, "color": c.color,
                 "label": _esc(c.label(lang))}
                for c in st.classes
            ],
            "hasNull": st.null_label(lang) is not None,
            "group": _group_of(name),
            "synthetic": _is_synthetic(name, kinds),
        })
    pois = []
    for cls in poi_classes():
        ps = poi_style(cls)
        pois.append({"key": cls, "label": _esc(poi_label(cls, lang)), "fill": ps.fill,
                     "stroke": ps.stroke, "radius": ps.radius_px})
    ar = area_style()
    cbs = areas_style()
    area_name = _area_name(result)
    synthetic = None
    if kinds:
        what = _what(kinds)
        title, body, attribution = (t.format(what=what) for t in _SYNTHETIC[lang])
        synthetic = {"kinds": [_esc(k) for k in kinds], "title": _esc(title),
                     "body": _esc(body), "attribution": _esc(attribution)}
    return {
        "lang": lang,
        "decimalComma": lang == "nl",
        "text": {k: _esc(v) for k, v in text.items()},
        "types": types,
        # a path's kind (the streets' p - 1) and whether some path has a type (typology of
        # every segment)
        "kinds": [_esc(label(lang)) for label in KINDS.values()],
        "pathsTyped": any(k not in untyped for k in on_path),
        "unknownColor": unknown_type_color(),
        "typeWidth": type_line_width("px"),
        "indicators": inds,
        "groups": _groups(indicators, kinds, lang),
        "indicatorWidth": indicator_style(indicators[0]).line_width_px if indicators else 4,
        "pois": pois,
        "area": {"color": ar.color, "width": ar.width_px,
                 "dash": " ".join(f"{d:g}" for d in ar.dash_px)},
        "areas": {"color": cbs.color, "width": cbs.width_px, "columns": [
            {k: v for k, v in c.items() if k != "col"} for c in area_columns],
            "note": _esc(_AREA_NOTE[lang])},
        "areaName": _esc(area_name),
        "attribution": _esc(result.attribution),
        "synthetic": synthetic,
        "privacy": _esc(_PRIVACY[lang].format(t=threshold)) if threshold is not None else None,
        "bounds": [list(b) for b in bounds],
    }


def _package_text(name: str) -> str:
    return (Path(__file__).resolve().parent / name).read_text(encoding="utf-8")


#: The page's JavaScript runtime (a function expression; see output/webmap_runtime.js).
_RUNTIME_JS = _package_text("webmap_runtime.js")
#: The page's own styles (output/webmap.css).
_CSS = f"<style>\n{_package_text('webmap.css')}</style>"


class _Runtime(MacroElement):
    """The small JS runtime that the layers below share; its data sits in JSON blocks."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = ({{ this.runtime }})(
                {{ this._parent.get_name() }},
                JSON.parse(document.getElementById({{ this.config|tojson }}).textContent),
                {
                {%- for key, block in this.blocks %}
                    {{ key|tojson }}: JSON.parse(
                        document.getElementById({{ block|tojson }}).textContent)
                    {{- "," if not loop.last }}
                {%- endfor %}
                }
            );
        {% endmacro %}
    """)

    def __init__(self, config: str, blocks: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "WijkkrachtData"
        self.runtime = _RUNTIME_JS
        self.config = config
        self.blocks = list(blocks.items())


def _json_block(block_id: str, data: Any) -> Element:
    """An inert ``<script type="application/json">`` block (never executed)."""
    return Element(f'<script type="application/json" id="{block_id}">{_script_json(data)}</script>')


class _RuntimeLayer(folium.map.Layer):
    """A layer made by the runtime (``call`` is a JS expression on the runtime object)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.runtime.get_name() }}.{{ this.call }};
        {% endmacro %}
    """)

    def __init__(self, runtime: _Runtime, call: str, name: str, *, show: bool,
                 control: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "WijkkrachtLayer"
        self.runtime = runtime  # its name is taken when rendering (see _stable_ids)
        self.call = call


class _Finish(MacroElement):
    """Runs after the layer control exists: control headings, legend, fit to the area."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this.runtime.get_name() }}.finish({{ this.control.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, runtime: _Runtime, control: folium.LayerControl) -> None:
        super().__init__()
        self._name = "WijkkrachtFinish"
        self.runtime = runtime
        self.control = control


def _stable_ids(root: Element) -> None:
    """Replace the random ids of the page's elements (branca draws them from ``os.urandom``)
    by ids numbered in tree order, so the same result gives a byte-equal page."""
    todo = [root]
    n = 0
    while todo:
        element = todo.pop(0)
        element._id = hashlib.md5(f"wijkkracht-{n}".encode()).hexdigest()
        n += 1
        todo.extend(element._children.values())


def _area_data(area: gpd.GeoDataFrame) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": {}}
        for g in _geometries(area, simplify_m=1.0) if g is not None
    ]}


def _context_data(pois: gpd.GeoDataFrame) -> dict[str, Any]:
    """The building points for the surroundings drawn from the data: ``{"b": [...]}``, the
    WGS84 coordinates in units of 1e-5 degree, de-duplicated, sorted and delta-encoded
    (x0, y0, dx1, dy1, ...)."""
    if len(pois) == 0 or "building_use" not in pois.columns:
        return {"b": []}
    keep = pois["building_use"].isin(["residential", "non_residential"]).to_numpy()
    if not keep.any():
        return {"b": []}
    geoms = np.asarray(pois.geometry.array, dtype=object)[keep]
    points = gpd.GeoSeries(shapely.point_on_surface(geoms), crs=pois.crs).to_crs(_WGS84)
    xy = shapely.get_coordinates(np.asarray(points.array, dtype=object))
    ints = np.unique(np.round(xy * 10**COORDINATE_DECIMALS).astype(np.int64), axis=0)
    ints = ints[np.lexsort((ints[:, 0], ints[:, 1]))]
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), np.int64))
    return {"b": deltas.ravel().tolist()}


def _sources(result: AnalysisResult) -> list[dict[str, Any]]:
    """The data sources for the sources panel: name, date, licence, attribution (escaped;
    never a local path). Without ``metadata["sources"]``: the attribution alone."""
    out = []
    for s in result.metadata.get("sources") or []:
        if not isinstance(s, Mapping) or not (s.get("name") or s.get("attribution")):
            continue
        name = str(s.get("name") or s.get("attribution"))
        texts = " ".join(str(s.get(k) or "") for k in ("name", "attribution", "licence"))
        out.append({
            "name": _esc(name),
            "date": _esc(s.get("date") or ""),
            "licence": _esc(s.get("licence") or ""),
            "attribution": _esc(s.get("attribution") or "") if s.get("name") else "",
            "synthetic": bool(s.get("synthetic")) or "SYNTHETIC" in texts.upper(),
        })
    if not out:
        out.append({"name": _esc(result.attribution), "date": "", "licence": "",
                    "attribution": "", "synthetic": False})
    return out


def _basemaps(lang: str) -> list[dict[str, Any]]:
    return [{"key": b.key, "label": _esc(b.label(lang)), "url": b.url,
             "attribution": b.attribution, "licence": _esc(b.licence),
             "maxNativeZoom": b.max_native_zoom, "opacity": b.opacity} for b in BASE_MAPS]


# ------------------------------------------------------------------------------ assets


def _sri(path: Path) -> str:
    """Subresource-integrity hash of a file (the CDN serves the same bytes)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


_SOURCE_MAP = re.compile(r"^\s*(?://|/\*)# sourceMappingURL=\S+(?:\s*\*/)?\s*$", re.M)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


def _inline_text(asset: WebAsset) -> str:
    """An asset's vendored text, ready to sit in the page: no source-map reference (it
    would be fetched), its CSS images as data URIs; never a sequence that ends the
    ``<script>``/``<style>`` element early."""
    path = asset.vendored
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: the offline map needs the vendored web assets "
                           "(scripts/fetch_web_assets.sh --vendor)")
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    if asset.kind == "css":
        def data_uri(m: re.Match[str]) -> str:
            png = (path.parent / m.group(2)).read_bytes()
            return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"
        text = _CSS_URL.sub(data_uri, text)
    lowered = text.lower()
    for bad in ("</script", "</style", "<!--"):
        if bad in lowered:
            raise RuntimeError(f"{path} contains {bad!r} and cannot be inlined")
    return text


@functools.cache
def _asset_html(offline: bool) -> str:
    """The page head's CSS and JS: links to the CDN (with integrity hashes), or inlined."""
    parts = []
    for kind in ("css", "js"):
        for a in (x for x in WEB_ASSETS if x.kind == kind):
            if offline:
                tag = "style" if kind == "css" else "script"
                parts.append(f"<{tag} data-asset=\"{a.package}@{a.version}\">\n"
                             f"{_inline_text(a)}\n</{tag}>")
            elif kind == "css":
                parts.append(f'<link rel="stylesheet" href="{a.url}" '
                             f'integrity="{_sri(a.vendored)}" crossorigin="anonymous"/>')
            else:
                parts.append(f'<script src="{a.url}" integrity="{_sri(a.vendored)}" '
                             'crossorigin="anonymous"></script>')
    return "\n".join(parts)


# ------------------------------------------------------------------------- raster surfaces

#: Largest side (px) of a surface's image on the page.
_RASTER_MAX_PX = 2048
#: A surface cell becomes up to this many image pixels a side (crisp cell edges when warped).
_RASTER_OVERSAMPLE = 4

_RASTER_NOTE = {"nl": "0 (niets binnen bereik) en cellen zonder waarde: doorzichtig",
                "en": "0 (nothing within reach) and cells without a value: transparent"}


def _png(index: np.ndarray, colors: Sequence[str]) -> bytes:
    """A palette PNG of class indexes (0: transparent, i: ``colors[i - 1]``)."""
    from ..styles import hex_to_rgb

    h, w = index.shape

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    palette = b"".join(bytes(hex_to_rgb(c)) for c in ["#000000", *colors])
    alpha = bytes([0] + [255] * len(colors))
    raw = np.zeros((h, w + 1), np.uint8)  # filter byte 0 before every row
    raw[:, 1:] = index
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", palette) + chunk(b"tRNS", alpha)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + chunk(b"IEND", b""))


def surface_overlay(surface: Any, lang: str = "nl", *,
                    synthetic: bool = False) -> dict[str, Any]:
    """A raster surface as the map shows it: a PNG image in the web map's projection.

    The surface (:class:`wijkkracht.core.rasters.Surface`) is classified in its own grid with
    its style from the specification (:func:`wijkkracht.styles.raster_style`: a value in
    ``(0, breaks[0]]`` the first colour, ..., above the last break the last; 0 and nodata
    transparent), then the class image is warped to EPSG:3857 (``rasterio.warp.reproject``,
    nearest neighbour, each cell up to ``_RASTER_OVERSAMPLE`` pixels a side so that cell
    edges stay crisp), the projection of the web map's tiles, in which an image overlay lies
    right given its corners.

    Parameters
    ----------
    surface
        The surface.
    lang
        ``"nl"`` or ``"en"`` (title, legend).
    synthetic
        Mark it SYNTHETIC (made from SYNTHETIC inputs).

    Returns
    -------
    dict
        ``key``, ``title`` (label and unit), ``description``, ``url``
        (``data:image/png;base64,...``), ``bounds`` (``[[south, west], [north, east]]``,
        degrees), ``classes`` (``color``, ``label``), ``note``, ``opacity``, ``synthetic``,
        ``size`` (image width, height); strings HTML-escaped.
    """
    from pyproj import Transformer
    from rasterio.crs import CRS
    from rasterio.transform import Affine
    from rasterio.warp import Resampling, reproject

    from ..styles import raster_style

    style = raster_style(surface.name)
    values = np.asarray(surface.array, dtype="float64")
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"surface {surface.name!r}: a 2-D array is needed, not {values.shape}")
    show = np.isfinite(values) & (values > 0)
    if surface.nodata is not None and not math.isnan(float(surface.nodata)):
        show &= values != surface.nodata
    index = np.zeros(values.shape, np.uint8)
    cls = np.searchsorted(np.asarray(style.breaks, dtype="float64"), values, side="left")
    index[show] = (np.minimum(cls[show], len(style.colors) - 1) + 1).astype(np.uint8)

    src_crs = CRS.from_user_input(surface.crs)
    src_transform = Affine.from_gdal(*surface.transform)
    h, w = values.shape
    left, top = src_transform.c, src_transform.f
    right, bottom = left + w * src_transform.a, top + h * src_transform.e
    # the grid in web Mercator: the bounds of the (densified) outline; cells of the source
    # size there (the Mercator scale at the middle), divided by the oversampling
    to_web = Transformer.from_crs(src_crs.to_wkt(), 3857, always_xy=True)
    west, south, east, north = to_web.transform_bounds(left, bottom, right, top,
                                                       densify_pts=21)
    mid_lat = Transformer.from_crs(3857, _WGS84, always_xy=True).transform(
        0.0, (south + north) / 2)[1]
    cell = abs(src_transform.a) / math.cos(math.radians(mid_lat))
    k = max(1.0, min(float(_RASTER_OVERSAMPLE),
                     _RASTER_MAX_PX * cell / max(east - west, north - south)))
    res = cell / k
    dw, dh = math.ceil((east - west) / res), math.ceil((north - south) / res)
    dst_transform = Affine(res, 0.0, west, 0.0, -res, north)
    web = CRS.from_epsg(3857)
    image = np.zeros((dh, dw), np.uint8)
    reproject(index, image, src_transform=src_transform, src_crs=src_crs, src_nodata=0,
              dst_transform=dst_transform, dst_crs=web, dst_nodata=0,
              resampling=Resampling.nearest)
    west, north = dst_transform.c, dst_transform.f
    east, south = west + dw * dst_transform.a, north + dh * dst_transform.e
    to_wgs = Transformer.from_crs(3857, _WGS84, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_wgs.transform([west, east], [south, north])
    return {
        "key": _esc(surface.name),
        "title": _esc(surface.title(lang)),
        "description": _esc(surface.description(lang)),
        "url": "data:image/png;base64," + base64.b64encode(_png(image, style.colors)).decode(),
        "bounds": [[round(lat0, 7), round(lon0, 7)], [round(lat1, 7), round(lon1, 7)]],
        "classes": [{"color": color, "label": _esc(label)}
                    for label, color in style.legend(lang)],
        "note": _esc(_RASTER_NOTE[lang]),
        "opacity": style.opacity,
        "synthetic": synthetic,
        "size": [int(dw), int(dh)],
    }


def _surface_synthetic(surface: Any, kinds: Sequence[str]) -> bool:
    """Whether a surface rests on a SYNTHETIC input (what its kind requires; establishments
    are placed on the BAG, so a SYNTHETIC BAG counts for them too)."""
    from ..core.rasters import surface_kind

    needs = surface_kind(surface.name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _rasters_data(result: AnalysisResult, lang: str, kinds: Sequence[str]
                  ) -> dict[str, Any]:
    rasters = getattr(result, "rasters", None) or {}
    return {"surfaces": [surface_overlay(s, lang, synthetic=_surface_synthetic(s, kinds))
                         for s in rasters.values()]}


def result_for_map(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame | None = None,
    area: gpd.GeoDataFrame | None = None,
    *,
    attribution: str | None = None,
    source: str = "streets",
    synthetic: Sequence[str] = (),
    privacy_threshold: int | None = None,
) -> AnalysisResult:
    """An :class:`AnalysisResult` holding just what the map shows, made from separate layers.

    Parameters
    ----------
    streets
        Street segments with the opportunity type (``type_key``, ``type_name_nl``,
        ``type_name_en``) and any indicator columns (missing ones show as empty).
    pois
        POIs; classified ones (``no_class``, ``vacant``, as the analysis writes them) or raw
        ones in the POI schema (``tag``), which are classified with the bundled table.
    area
        The study area (polygons); default none (the map fits the streets).
    attribution
        Data attribution shown on the map; default OpenStreetMap's.
    source
        Name of the streets layer in error messages.
    synthetic
        The SYNTHETIC inputs the layers were made from (``metadata["synthetic"]`` of the run,
        e.g. ``["bag", "establishments"]``): the map then says so.
    privacy_threshold
        The run's privacy threshold (``metadata["bag"]["privacy_threshold"]``): establishment
        counts below it are not shown, and the map states the rule. ``None``: the default.

    Returns
    -------
    AnalysisResult
        With an empty profile; ``metadata`` holds the attribution, ``synthetic`` and
        ``privacy_threshold`` (when given).

    Raises
    ------
    InputError
        Streets without opportunity types or without CRS; POIs that are neither classified
        nor in the POI schema.
    """
    from ..core.categories import classify_pois
    from ..core.errors import InputError
    from ..core.result import OSM_ATTRIBUTION, OSM_LICENCE
    from ..data_sources.schema import to_rd_new

    if "type_key" not in streets.columns:
        raise InputError(source, "no opportunity types (column type_key); classify the streets "
                         "into opportunity types first")
    streets_rd = to_rd_new(streets, source)
    if pois is None:
        pois_rd = gpd.GeoDataFrame({"no_class": [], "vacant": []}, geometry=[], crs=_WGS84)
    elif "no_class" in pois.columns:
        pois_rd = to_rd_new(pois, "pois")
    elif "tag" in pois.columns:
        pois_rd = classify_pois(to_rd_new(pois, "pois"))
    else:
        raise InputError("pois", "neither classified POIs (column no_class) nor POIs with OSM "
                         "tags (column tag)")
    area_rd = (to_rd_new(area, "area") if area is not None and len(area)
               else gpd.GeoDataFrame({"name": []}, geometry=[], crs=streets_rd.crs))
    text = attribution or f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"
    metadata: dict[str, Any] = {"attribution": text, "synthetic": [str(k) for k in synthetic]}
    if privacy_threshold is not None:
        metadata["privacy_threshold"] = int(privacy_threshold)
    return AnalysisResult(streets=streets_rd, pois=pois_rd, area=area_rd,
                          profile=pd.DataFrame(), metadata=metadata)


def build_webmap(result: AnalysisResult, *, lang: str = "nl",
                 offline: bool = False) -> folium.Map:
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
        Inline Leaflet and Leaflet.markercluster (the copies in ``output/web-assets/``) instead
        of loading them from the CDN, and start on the surroundings drawn from the data
        instead of a tile base map: the page then makes no request at all until someone
        picks a tile base map.

    Returns
    -------
    folium.Map
        The map; save it with :func:`write_webmap` (atomic) or ``Map.save``.
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    text = _TEXT[lang]
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
    figure.header.add_child(Element(_asset_html(offline)), name="wijkkracht_assets")
    figure.header.add_child(Element(f"<title>{_esc(page_title)}</title>"))
    figure.header.add_child(Element(_CSS))
    figure.header.add_child(Element(
        f"<style>:root {{ --wk-notice: {synthetic_notice_color()}; "
        f"--wk-ground: {_context_colors()['ground']}; }}</style>"))

    config = _config(result, lang, indicators, type_order, kinds=kinds, threshold=threshold,
                     area_columns=area_columns, bounds=bounds)
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
    streets_block = _streets_data(streets, indicators, type_index, hours_index, positions)
    named_config, named_block = _named_data(result, streets, positions, type_index, lang)
    config["named"] = named_config
    config["hasPaths"] = any("p" in f["properties"] for f in streets_block["features"])
    blocks = {
        "streets": streets_block,
        "pois": _pois_data(result.pois),
        "area": _area_data(result.area),
        "areas": _areas_data(areas, area_columns, lang),
        "context": _context_data(result.pois),
        "rasters": rasters,
        "hours": hours_block,
        "spending": spending_block,
        "named": named_block,
    }
    if not offline:
        # a network that blocks the CDN leaves Leaflet undefined: say why, and what helps
        figure.html.add_child(Element(
            f'<div id="wk-no-leaflet" class="wk-no-leaflet" hidden>{_esc(_NO_LEAFLET[lang])}'
            '</div><script>window.addEventListener("load", function () { if (!window.L) { '
            'document.getElementById("wk-no-leaflet").hidden = false; } });</script>'))
    figure.html.add_child(_json_block(DATA_BLOCK_IDS["config"], config))
    for key, data in blocks.items():
        figure.html.add_child(_json_block(DATA_BLOCK_IDS[key], data))
    runtime = _Runtime(DATA_BLOCK_IDS["config"], {k: DATA_BLOCK_IDS[k] for k in blocks})
    fmap.add_child(runtime)

    def group(key: str, label: str | None = None, synthetic: bool = False) -> str:
        return _script_json({"key": key, "label": _esc(label) if label else None,
                             "synthetic": synthetic})

    # the order here is the order in the layer control (and, for the layers shown at first,
    # the drawing order): outlines, street types, indicators, surfaces, POIs
    _RuntimeLayer(runtime, f"areaLayer({group('area')})", text["area"], show=True).add_to(fmap)
    if areas is not None:
        _RuntimeLayer(runtime, f"areasLayer({group('area')})", text["areas"],
                      show=True).add_to(fmap)
    streets_group = group("streets", text["streets"])
    _RuntimeLayer(runtime, f'streetLayer("types", {streets_group})',
                  text["types"], show=True).add_to(fmap)
    # off at first: the named streets would cover the segments' own types and tooltips; a
    # click on one opens its figures
    if named_config is not None:
        _RuntimeLayer(runtime, f"namedLayer({streets_group})", text["named"],
                      show=False).add_to(fmap)
    if config["hasPaths"]:
        _RuntimeLayer(runtime, f"pathsLayer({streets_group})", text["paths"],
                      show=False).add_to(fmap)
    groups = config["groups"]

    def hours_layer() -> None:
        # beside the opening-hours indicators, under their heading
        g = groups.get("hours")
        hours_group = _script_json(dict(g, key="hours", label=g["control"])) if g else \
            group("hours", _HOURS_TEXT[lang]["layer"], hours_config["synthetic"])
        _RuntimeLayer(runtime, f"hoursLayer({hours_group})", _esc(_HOURS_TEXT[lang]["layer"]),
                      show=False).add_to(fmap)

    hours_done = hours_config is None
    for i, name in enumerate(indicators):
        key = _group_of(name)
        if not hours_done and key == "bag":
            hours_layer()
            hours_done = True
        g = groups[key]
        call = f"streetLayer({i}, {_script_json(dict(g, key=key, label=g['control']))})"
        _RuntimeLayer(runtime, call, _esc(indicator_style(name).indicator.label(lang)),
                      show=False).add_to(fmap)
    if not hours_done:
        hours_layer()
    if spending_config is not None:
        spend_group = group("spending", _SPEND_TEXT[lang]["layer"], spending_config["synthetic"])
        _RuntimeLayer(runtime, f"spendingLayer({spend_group})", _esc(_SPEND_TEXT[lang]["layer"]),
                      show=False).add_to(fmap)
    surfaces = rasters["surfaces"]
    if surfaces:
        raster_group = group("rasters", text["surfaces"], any(r["synthetic"] for r in surfaces))
        for i, r in enumerate(surfaces):
            _RuntimeLayer(runtime, f"rasterLayer({i}, {raster_group})", r["title"],
                          show=False).add_to(fmap)
    poi_group = group("pois", f"{text['pois']} (OpenStreetMap)")
    for cls in poi_classes():
        _RuntimeLayer(runtime, f"poiLayer({json.dumps(cls)}, {poi_group})",
                      _esc(poi_label(cls, lang)), show=cls != "other").add_to(fmap)
    # open on a large screen; on a small one an icon that opens on hover or tap
    control = folium.LayerControl(
        collapsed=JsCode(f"window.innerWidth < {_OPEN_CONTROL_PX[0]} || "
                         f"window.innerHeight < {_OPEN_CONTROL_PX[1]}"),
        position="topright")
    control.add_to(fmap)
    fmap.add_child(_Finish(runtime, control))
    _stable_ids(fmap.get_root())
    return fmap


def webmap_html(result: AnalysisResult, *, lang: str = "nl", offline: bool = False) -> str:
    """The map page as one HTML string (see :func:`build_webmap`)."""
    return build_webmap(result, lang=lang, offline=offline).get_root().render()


def write_webmap_file(result: AnalysisResult, path: str | os.PathLike[str], *,
                      lang: str = "nl", offline: bool = False) -> Path:
    """Write the map page to ``path`` directly (not atomic; see :func:`write_webmap`)."""
    p = Path(path)
    p.write_text(webmap_html(result, lang=lang, offline=offline), encoding="utf-8")
    return p


def write_webmap(result: AnalysisResult, path: str | os.PathLike[str], *,
                 lang: str = "nl", offline: bool = False) -> Path:
    """Write the map page atomically: ``path`` is complete or untouched.

    Parameters
    ----------
    result
        The analysis result.
    path
        Destination ``.html``; replaced if it exists. Its folder must exist.
    lang
        ``"nl"`` or ``"en"``.
    offline
        A page that needs no network (see :func:`build_webmap`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        If the file cannot be written; ``path`` is then left as it was.
    """
    return write_atomically(path, lambda tmp: write_webmap_file(result, tmp, lang=lang,
                                                                offline=offline))


def write_layers_map(path: str | os.PathLike[str], streets: gpd.GeoDataFrame,
                     pois: gpd.GeoDataFrame | None = None, area: gpd.GeoDataFrame | None = None,
                     *, lang: str = "nl", attribution: str | None = None,
                     source: str = "streets", synthetic: Sequence[str] = (),
                     privacy_threshold: int | None = None, offline: bool = False) -> Path:
    """Write the map of separate layers (see :func:`result_for_map`) atomically to ``path``.

    Parameters
    ----------
    path
        Destination ``.html``.
    streets, pois, area, attribution, source, synthetic, privacy_threshold
        As for :func:`result_for_map`.
    lang
        ``"nl"`` or ``"en"``.
    offline
        A page that needs no network (see :func:`build_webmap`).

    Returns
    -------
    Path
        ``path``.
    """
    result = result_for_map(streets, pois, area, attribution=attribution, source=source,
                            synthetic=synthetic, privacy_threshold=privacy_threshold)
    return write_webmap(result, path, lang=lang, offline=offline)
