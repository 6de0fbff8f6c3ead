"""The interactive web map: one self-contained HTML page made with Folium.

What the page shows:

* the streets coloured by opportunity type, with a legend, and a tooltip per street with the
  key indicators the streets carry (labels and units from the registry, values rounded, a
  null shown as what it means), in two groups: OpenStreetMap and BAG/KvK;
* one layer per key indicator the streets carry (:func:`wijkkracht.styles.key_indicators` of
  the street columns: the OpenStreetMap ones always, the BAG/KvK ones when present), off at
  first, each with a graduated legend that appears when the layer is switched on;
* the POIs as small circles in four layers: N, O, other and vacant shop fronts;
* the study-area outline, and with an area summary (``AreaAnalysisResult.areas``) the
  outlines of those areas with a popup of their key figures;
* a layer control grouped like the tooltip, the OpenStreetMap attribution and a scale.

Inputs listed in ``metadata["synthetic"]`` (e.g. the demo's generated BAG/KvK data) are
announced by a red notice under the title and in the attribution, and every figure made from
them is marked SYNTHETIC (tooltip group, legend, layer control, area popups).

Privacy: establishment counts are personal data at small numbers. Where the streets carry
sensitive columns (registry tag ``sensitive``), the page shows them only after
:func:`wijkkracht.core.privacy.suppress_small_counts` with the run's threshold
(``metadata["privacy_threshold"]`` or ``metadata["bag"]["privacy_threshold"]``; the default
when neither is given), so a suppressed value is null and shows as its null meaning; the
area popups are suppressed the same way on the areas' sums. The legend states the rule.

Colours and classes come from :mod:`wijkkracht.styles` (the same spec as the QGIS styles).

Size and safety: the street geometry is stored once and shared by all street layers; each
feature carries only its name, type index and the key-indicator values; coordinates are
rounded to 5 decimals (about 1 m). Every string from the data (OSM names and tags, area names
and codes) is HTML-escaped in Python, and the JSON embedded in the page has ``<``, ``>`` and
``&`` escaped, so no name can break out of the page's script.

The page loads only Leaflet (JS + CSS, the version Folium pins) from its CDN; Folium's other
default assets (jQuery, Bootstrap, Font Awesome, awesome-markers) are not needed and not
loaded. :data:`ASSET_URLS` lists what the page loads.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping, Sequence
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
from ..core.result import AnalysisResult
from ..styles import (
    area_style,
    areas_style,
    decimals,
    indicator_style,
    key_indicators,
    load_spec,
    poi_class_of,
    poi_classes,
    poi_label,
    poi_style,
    synthetic_notice_color,
    type_colors,
    type_label,
    type_line_width,
    unknown_type_color,
)
from .atomic import write_atomically

__all__ = [
    "ASSET_URLS",
    "COORDINATE_DECIMALS",
    "DATA_BLOCK_IDS",
    "build_webmap",
    "result_for_map",
    "write_layers_map",
    "webmap_html",
    "write_webmap",
    "write_webmap_file",
]

#: ids of the inert JSON blocks in the page: the map's configuration (labels, colours,
#: classes) and its data (GeoJSON of streets, POIs, study area and the summary areas).
DATA_BLOCK_IDS = {"config": "wk-config", "streets": "wk-streets", "pois": "wk-pois",
                  "area": "wk-area", "areas": "wk-areas"}

#: Decimals of the WGS84 coordinates in the page (1e-5 degree is about 1 m).
COORDINATE_DECIMALS = 5

_WGS84 = 4326

#: The layer control starts open on screens at least this wide and high (px).
_OPEN_CONTROL_PX = (900, 600)


def _folium_asset(assets: Sequence[tuple[str, str]], name: str) -> tuple[str, str]:
    for key, url in assets:
        if key == name:
            return key, url
    raise RuntimeError(f"folium no longer pins {name!r}; update wijkkracht.output.webmap")


#: The only assets the page loads: Leaflet's JS and CSS, at the version Folium pins.
ASSET_URLS: tuple[tuple[str, str], ...] = (
    _folium_asset(folium.Map.default_js, "leaflet"),
    _folium_asset(folium.Map.default_css, "leaflet_css"),
)

_TEXT = {
    "nl": {
        "types": "Kansentypen",
        "type": "Kansentype",
        "unnamed": "Straat zonder naam",
        "pois": "Voorzieningen",
        "area": "Onderzoeksgebied",
        "areas": "Gebieden (klik voor cijfers)",
        "title": "Kansen per straat",
        "basemap": "OpenStreetMap",
        "streets": "Straten",
        "indicators": "Indicatoren",
        "syntheticTag": "SYNTHETISCH",
        "segments": "segmenten",
        "streetKm": "km straat",
        "noData": "geen gegevens",
        "suppressed": "onderdrukt (te kleine aantallen) of geen gegevens",
    },
    "en": {
        "types": "Opportunity types",
        "type": "Opportunity type",
        "unnamed": "Unnamed street",
        "pois": "Amenities",
        "area": "Study area",
        "areas": "Areas (click for figures)",
        "title": "Opportunities street by street",
        "basemap": "OpenStreetMap",
        "streets": "Streets",
        "indicators": "Indicators",
        "syntheticTag": "SYNTHETIC",
        "segments": "segments",
        "streetKm": "km of street",
        "noData": "no data",
        "suppressed": "suppressed (small numbers) or no data",
    },
}

#: Names of the input kinds in ``metadata["synthetic"]`` (others are shown as they are).
_SOURCE_NAMES = {"bag": "BAG", "establishments": "KvK", "osm": "OpenStreetMap",
                 "areas": "CBS"}

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


def _geometries(gdf: gpd.GeoDataFrame, simplify_m: float = 0.5) -> list[Any]:
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


def _streets_data(streets: gpd.GeoDataFrame, indicators: Sequence[str],
                  type_index: Mapping[str, int]) -> dict[str, Any]:
    names = streets["street_name"] if "street_name" in streets else pd.Series("", streets.index)
    keys = streets["type_key"] if "type_key" in streets else pd.Series(None, streets.index)
    value_cols = [
        [_round(v, decimals(indicator_style(n).indicator.unit)) for v in streets[n]]
        if n in streets else [None] * len(streets)
        for n in indicators
    ]
    features = []
    for i, geom in enumerate(_geometries(streets)):
        if geom is None:
            continue
        name = names.iloc[i]
        features.append({
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "n": _esc(name) if isinstance(name, str) else "",
                "t": type_index.get(str(keys.iloc[i]), -1),
                "v": [col[i] for col in value_cols],
            },
        })
    return {"type": "FeatureCollection", "features": features}


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
    """Tooltip/control group of an indicator: ``osm`` or ``bag`` (BAG and establishments)."""
    return "osm" if indicator(name).requires == "osm" else "bag"


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
    for key, label in (("osm", "OpenStreetMap"), ("bag", bag_label)):
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
    colors = type_colors()
    present = set(result.streets["type_key"].astype(str)) if "type_key" in result.streets else set()
    types = [
        {"key": key, "label": _esc(type_label(key, lang, names)),
         "color": colors.get(key, unknown_type_color()), "present": key in present}
        for key in type_order
    ]
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


_RUNTIME_JS = r"""
function (map, cfg, streets, pois, area, areas) {
  "use strict";
  function fmt(v, nd) {
    var s = Number(v).toFixed(nd);
    if (s.charAt(0) === "-" && Number(s) === 0) { s = s.slice(1); }
    return cfg.decimalComma ? s.replace(".", ",") : s;
  }
  function classColor(ind, v) {
    if (v === null || v === undefined) { return ind.nullColor; }
    for (var i = 0; i < ind.classes.length; i++) {
      var c = ind.classes[i];
      var above = c.first ? v >= c.lo : v > c.lo;
      if (above && (c.hi === null || v <= c.hi)) { return c.color; }
    }
    return v < ind.classes[0].lo ? ind.classes[0].color
                                 : ind.classes[ind.classes.length - 1].color;
  }
  function typeOf(t) { return t >= 0 && t < cfg.types.length ? cfg.types[t] : null; }
  function synTag(on) {
    return on ? " <span class='wk-syn-tag'>" + cfg.text.syntheticTag + "</span>" : "";
  }
  var groupKeys = Object.keys(cfg.groups);
  // rows of a table of values (street tooltip, area popup), with a heading per group when
  // there is more than one group; a null shows as what it means, never as a number
  function valueRows(columns, values) {
    var rows = [], last = null;
    for (var i = 0; i < columns.length; i++) {
      var col = columns[i];
      if (groupKeys.length > 1 && col.group !== last) {
        var g = cfg.groups[col.group];
        rows.push("<tr class='wk-grp'><th colspan='2'>" + g.label + synTag(g.synthetic) +
                  "</th></tr>");
        last = col.group;
      }
      var v = values[i];
      var shown = (v === null || v === undefined) ? "<i>" + col.nullText + "</i>"
                                                 : fmt(v, col.decimals) + col.suffix;
      rows.push("<tr><th>" + col.title + "</th><td>" + shown + "</td></tr>");
    }
    return "<table>" + rows.join("") + "</table>";
  }
  function tooltip(p) {
    var ty = typeOf(p.t);
    return "<div class='wk-tip'><b>" + (p.n || "<i>" + cfg.text.unnamed + "</i>") + "</b>" +
      (ty ? "<div class='wk-tip-type'><span class='wk-swatch' style='background:" + ty.color +
            "'></span>" + ty.label + "</div>" : "") +
      valueRows(cfg.indicators, p.v) + "</div>";
  }
  // the side of the cursor a street tooltip opens on: the one where it hides the least of
  // the controls (Leaflet's "auto" only looks at the map centre)
  function overlap(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }
  var tipSize = [390, 440];  // until one was measured
  function tipSide(e) {
    var t = e.target.getTooltip();
    if (!t) { return; }
    var el = t.getElement(), box = map.getContainer().getBoundingClientRect();
    if (el && el.offsetWidth) { tipSize = [el.offsetWidth, el.offsetHeight]; }
    var w = tipSize[0], h = tipSize[1];
    var x = box.left + e.containerPoint.x, y = box.top + e.containerPoint.y;
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    var rects = {
      right: {left: x + 10, right: x + 10 + w, top: y - h / 2, bottom: y + h / 2},
      left: {left: x - 10 - w, right: x - 10, top: y - h / 2, bottom: y + h / 2},
      top: {left: x - w / 2, right: x + w / 2, top: y - 10 - h, bottom: y - 10},
      bottom: {left: x - w / 2, right: x + w / 2, top: y + 10, bottom: y + 10 + h}
    };
    var best = null, bestCost = Infinity;
    for (var side in rects) {
      var rect = rects[side];
      // the part outside the map counts, and the part under a control
      var cost = w * h - overlap(rect, box);
      for (var i = 0; i < controls.length; i++) {
        cost += overlap(rect, controls[i].getBoundingClientRect());
      }
      if (cost < bestCost - 1) { best = side; bestCost = cost; }
    }
    t.options.direction = best;
  }
  function bindTip(feature, layer) {
    layer.on("mouseover mousemove", tipSide);  // before Leaflet's own handlers: runs first
    layer.bindTooltip(function () { return tooltip(feature.properties); },
                      {sticky: true, opacity: 1, className: "wk-tooltip wk-street-tip"});
  }
  var legends = [];
  // layers by Leaflet id -> their group in the layer control
  var controlGroups = {};
  function remember(layer, group) { controlGroups[L.stamp(layer)] = group; return layer; }
  // POIs get their own pane above the street layers, so a street layer switched on later
  // does not hide them.
  var poiPane = "wkPois";
  map.createPane(poiPane).style.zIndex = 450;
  function streetLayer(which) {
    var style;
    if (which === "types") {
      style = function (f) {
        var ty = typeOf(f.properties.t);
        return {color: ty ? ty.color : cfg.unknownColor, weight: cfg.typeWidth, opacity: 1,
                lineCap: "round", lineJoin: "round"};
      };
    } else {
      var i = which, ind = cfg.indicators[i];
      style = function (f) {
        var v = f.properties.v[i];
        var missing = v === null || v === undefined;
        return {color: classColor(ind, v), weight: cfg.indicatorWidth, opacity: 1,
                dashArray: missing ? "4 4" : null, lineCap: "round", lineJoin: "round"};
      };
    }
    return L.geoJSON(streets, {style: style, onEachFeature: bindTip});
  }
  function poiStyle(key) {
    for (var i = 0; i < cfg.pois.length; i++) {
      if (cfg.pois[i].key === key) { return cfg.pois[i]; }
    }
    return null;
  }
  function poiLayer(key) {
    var ps = poiStyle(key);
    return L.geoJSON(pois, {
      filter: function (f) { return f.properties.c === key; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {pane: poiPane, radius: ps.radius, color: ps.stroke,
                                       weight: 1, fillColor: ps.fill, fillOpacity: 1,
                                       opacity: 1});
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip("<div class='wk-tip'><b>" + (p.n || p.g) + "</b><br>" +
                          (p.n ? p.g + "<br>" : "") + ps.label + "</div>",
                          {className: "wk-tooltip"});
      }
    });
  }
  function areaLayer() {
    return L.geoJSON(area, {interactive: false, style: function () {
      return {color: cfg.area.color, weight: cfg.area.width, dashArray: cfg.area.dash,
              fill: false, opacity: 1};
    }});
  }
  function areaPopup(p) {
    var facts = [];
    if (p.l) { facts.push(p.l); }
    if (p.s !== null && p.s !== undefined) { facts.push(p.s + " " + cfg.text.segments); }
    if (p.k !== null && p.k !== undefined) { facts.push(fmt(p.k, 1) + " " + cfg.text.streetKm); }
    return "<div class='wk-tip wk-area-tip'><b>" + (p.n || p.c) + "</b>" +
      (p.n && p.c ? " <span class='wk-code'>" + p.c + "</span>" : "") +
      (facts.length ? "<div class='wk-facts'>" + facts.join(" · ") + "</div>" : "") +
      valueRows(cfg.areas.columns, p.v) + "<div class='wk-note'>" + cfg.areas.note +
      "</div></div>";
  }
  // a popup pans into the part of the map the controls leave free
  function keepPopupClear(e) {
    var popup = e.target.getPopup();
    if (!popup) { return; }
    var box = map.getContainer().getBoundingClientRect(), left = 10, right = 10;
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    for (var i = 0; i < controls.length; i++) {
      var r = controls[i].getBoundingClientRect();
      if (r.height < 0.3 * box.height || r.width > 0.45 * box.width) { continue; }
      if (r.left - box.left < box.width / 2) { left = Math.max(left, r.right - box.left + 10); }
      else { right = Math.max(right, box.right - r.left + 10); }
    }
    popup.options.autoPanPaddingTopLeft = [left, 10];
    popup.options.autoPanPaddingBottomRight = [right, 10];
  }
  function areasLayer() {
    // transparent fill: a click anywhere inside opens the popup; kept below the streets so
    // their tooltips keep working
    var layer = L.geoJSON(areas, {
      style: function () {
        return {color: cfg.areas.color, weight: cfg.areas.width, opacity: 0.9, fill: true,
                fillColor: cfg.areas.color, fillOpacity: 0, className: "wk-area-shape"};
      },
      onEachFeature: function (f, l) {
        l.on("click", keepPopupClear);  // before Leaflet's own handler: runs first
        l.bindPopup(function () { return areaPopup(f.properties); },
                    {minWidth: 340, maxWidth: 400, className: "wk-popup"});
      }
    });
    layer.on("add", function () { layer.bringToBack(); });
    return layer;
  }
  function swatchLine(color, dashed) {
    return "<span class='wk-line' style='border-top-color:" + color +
           (dashed ? ";border-top-style:dashed" : "") + "'></span>";
  }
  function legendHtml(entry) {
    var rows = [], i;
    if (entry.kind === "types") {
      for (i = 0; i < cfg.types.length; i++) {
        var ty = cfg.types[i];
        rows.push("<div class='wk-row" + (ty.present ? "" : " wk-absent") + "'>" +
                  swatchLine(ty.color) + ty.label + "</div>");
      }
      return "<div class='wk-section' data-legend='types'><h4>" + cfg.text.types + "</h4>" +
             rows.join("") + "</div>";
    }
    if (entry.kind === "indicator") {
      var ind = cfg.indicators[entry.index];
      for (i = 0; i < ind.classes.length; i++) {
        rows.push("<div class='wk-row'>" + swatchLine(ind.classes[i].color) +
                  ind.classes[i].label + "</div>");
      }
      if (ind.hasNull) {
        rows.push("<div class='wk-row'>" + swatchLine(ind.nullColor, true) + ind.nullText +
                  "</div>");
      }
      return "<div class='wk-section' data-legend='" + ind.name + "'><h4>" + ind.title +
             synTag(ind.synthetic) + "</h4>" + rows.join("") + "</div>";
    }
    var ps = entry.poi;
    return "<div class='wk-row'><span class='wk-dot' style='background:" + ps.fill +
           "'></span>" + ps.label + "</div>";
  }
  // bottom corners stack upwards: the scale first, so it stays at the very bottom
  var scale = L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
  var legendControl = L.control({position: "bottomleft"});
  var legendDiv = null;
  legendControl.onAdd = function () {
    legendDiv = L.DomUtil.create("div", "wk-legend leaflet-bar");
    L.DomEvent.disableScrollPropagation(legendDiv);
    L.DomEvent.disableClickPropagation(legendDiv);
    return legendDiv;
  };
  legendControl.addTo(map);
  // the legend may use the height the controls above it leave free
  function fitLegend() {
    if (!legendDiv) { return; }
    var topLeft = map.getContainer().querySelector(".leaflet-top.leaflet-left");
    var corner = legendDiv.parentNode, scaleDiv = scale.getContainer();
    // on a narrow screen the attribution (bottom right) reaches under the legend: lift it
    var attr = map.attributionControl.getContainer(), lift = 0;
    if (attr.getBoundingClientRect().left < legendDiv.getBoundingClientRect().right + 5) {
      lift = attr.offsetHeight;
    }
    corner.style.paddingBottom = lift + "px";
    var used = (topLeft ? topLeft.offsetHeight : 0) + scaleDiv.offsetHeight + lift + 40;
    legendDiv.style.maxHeight = Math.max(120, map.getSize().y - used) + "px";
  }
  function updateLegend() {
    if (!legendDiv) { return; }
    // indicator legends first (their layers draw on top), then the types, then the POIs
    var indicatorParts = [], typeParts = [], poiRows = [];
    for (var i = 0; i < legends.length; i++) {
      var e = legends[i];
      if (!map.hasLayer(e.layer)) { continue; }
      var target = e.kind === "poi" ? poiRows : e.kind === "types" ? typeParts : indicatorParts;
      target.push(legendHtml(e));
    }
    var parts = indicatorParts.concat(typeParts);
    if (poiRows.length) {
      parts.push("<div class='wk-section' data-legend='pois'><h4>" + cfg.text.pois + "</h4>" +
                 poiRows.join("") + "</div>");
    }
    if (cfg.privacy) {
      parts.push("<div class='wk-section wk-privacy' data-legend='privacy'>" + cfg.privacy +
                 "</div>");
    }
    legendDiv.innerHTML = parts.join("");
    legendDiv.style.display = parts.length ? "" : "none";
    fitLegend();
  }
  map.on("overlayadd overlayremove", updateLegend);
  map.on("resize", fitLegend);

  var titleDiv = null;
  var title = L.control({position: "topleft"});
  title.onAdd = function () {
    titleDiv = L.DomUtil.create("div", "wk-title leaflet-bar");
    titleDiv.innerHTML = "<b>wijkkracht</b> · " + cfg.areaName + "<br><span>" +
                         cfg.text.title + "</span>";
    return titleDiv;
  };
  title.addTo(map);
  if (cfg.synthetic) {
    var notice = L.control({position: "topleft"});
    notice.onAdd = function () {
      var div = L.DomUtil.create("div", "wk-synthetic leaflet-bar");
      div.setAttribute("role", "note");
      div.innerHTML = "<b>⚠ " + cfg.synthetic.title + "</b><span>" + cfg.synthetic.body +
                      "</span>";
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    notice.addTo(map);
    map.attributionControl.addAttribution("<b class='wk-syn-attr'>" +
                                          cfg.synthetic.attribution + "</b>");
  }
  map.attributionControl.addAttribution(cfg.attribution);

  // headings in the layer control (Leaflet rebuilds its list now and then: add them again)
  function addHeadings(ctrl) {
    var list = ctrl._overlaysList;
    if (!list) { return; }
    var labels = list.getElementsByTagName("label"), seen = {}, heads = [];
    for (var i = 0; i < labels.length; i++) {
      var input = labels[i].getElementsByTagName("input")[0];
      var group = input ? controlGroups[input.layerId] : undefined;
      if (!group || seen[group.key]) { continue; }
      seen[group.key] = true;
      if (group.label) { heads.push([group, labels[i]]); }
    }
    for (i = 0; i < heads.length; i++) {
      var h = L.DomUtil.create("div", "wk-ctl-group");
      h.innerHTML = heads[i][0].label + synTag(heads[i][0].synthetic);
      list.insertBefore(h, heads[i][1]);
    }
  }
  // fit the study area into the part of the map the controls leave free
  function fit(ctrl) {
    var size = map.getSize();
    var left = Math.max(titleDiv ? titleDiv.offsetWidth : 0,
                        legendDiv ? legendDiv.offsetWidth : 0) + 20;
    var right = (ctrl ? ctrl.getContainer().offsetWidth : 0) + 20;
    if (left + right > size.x * 0.6) {
      var k = size.x * 0.6 / (left + right);
      left *= k;
      right *= k;
    }
    map.fitBounds(cfg.bounds, {paddingTopLeft: [left, 10], paddingBottomRight: [right, 10],
                               animate: false});
  }

  return {
    streetLayer: function (which, group) {
      var layer = remember(streetLayer(which), group);
      legends.push(which === "types" ? {kind: "types", layer: layer}
                                      : {kind: "indicator", index: which, layer: layer});
      return layer;
    },
    poiLayer: function (key, group) {
      var layer = remember(poiLayer(key), group);
      legends.push({kind: "poi", poi: poiStyle(key), layer: layer});
      return layer;
    },
    areaLayer: function (group) { return remember(areaLayer(), group); },
    areasLayer: function (group) { return remember(areasLayer(), group); },
    finish: function (ctrl) {
      if (ctrl && ctrl._update) {
        var update = ctrl._update;
        ctrl._update = function () {
          var out = update.apply(this, arguments);
          addHeadings(this);
          return out;
        };
        addHeadings(ctrl);
      }
      updateLegend();
      fit(ctrl);
    },
    refreshLegend: updateLegend
  };
}
"""

_CSS = """
<style>
.wk-legend { background: rgba(255,255,255,0.95); padding: 6px 10px; font: 12px/1.35 sans-serif;
  max-height: 60vh; overflow-y: auto; min-width: 180px; max-width: 300px; color: #222; }
.wk-legend h4 { margin: 4px 0 3px; font-size: 12px; }
.wk-section + .wk-section { border-top: 1px solid #ddd; margin-top: 4px; padding-top: 2px; }
.wk-row { padding-left: 30px; text-indent: -30px; }
.wk-absent { color: #888; }
.wk-line { display: inline-block; width: 22px; border-top: 4px solid; vertical-align: middle;
  margin-right: 8px; text-indent: 0; }
.wk-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
  border: 1px solid #fff; box-shadow: 0 0 0 1px #999; margin: 0 14px 0 6px;
  vertical-align: middle; text-indent: 0; }
.wk-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
  vertical-align: middle; }
.wk-privacy { color: #444; font-size: 11px; padding-top: 4px !important; }
.wk-title { background: rgba(255,255,255,0.95); padding: 5px 9px; font: 13px/1.3 sans-serif;
  color: #222; max-width: 300px; }
.wk-title span { font-size: 12px; color: #444; }
.wk-synthetic { background: var(--wk-notice); color: #fff; padding: 6px 10px; max-width: 300px;
  font: 12px/1.35 sans-serif; border: 2px solid #fff !important;
  box-shadow: 0 1px 6px rgba(0,0,0,0.5) !important; }
.wk-synthetic b { display: block; font-size: 13px; margin-bottom: 2px; }
.wk-syn-tag { background: var(--wk-notice); color: #fff; font-size: 10px; font-weight: bold;
  padding: 0 4px; border-radius: 2px; white-space: nowrap; }
.wk-syn-attr { color: var(--wk-notice); }
.wk-tooltip { font: 12px/1.3 sans-serif; }
.wk-popup .leaflet-popup-content { font: 12px/1.35 sans-serif; margin: 10px 12px; }
.leaflet-control-layers { font: 12px/1.3 sans-serif; }
.leaflet-control-layers label { margin: 0; max-width: 250px; padding-left: 23px;
  text-indent: -23px; }
.wk-ctl-group { font-weight: bold; color: #333; margin: 5px 0 1px; }
.wk-ctl-group:first-child { margin-top: 0; }
.leaflet-container .leaflet-control-attribution { font-size: 11px; max-width: 70vw; }
.leaflet-control-scale-line { font-size: 11px; }
.leaflet-tooltip.wk-street-tip, .wk-popup { white-space: normal; }
.leaflet-tooltip.wk-street-tip { width: 370px; font-size: 11px; line-height: 1.25; }
.wk-tip table { border-collapse: collapse; margin-top: 3px; width: 100%; }
.wk-tip th { text-align: left; font-weight: normal; color: #444; padding: 0 8px 0 0;
  vertical-align: top; }
.wk-tip td { text-align: right; white-space: nowrap; vertical-align: top; }
.wk-tip td i { white-space: normal; display: inline-block; max-width: 140px; font-size: 11px;
  color: #555; line-height: 1.2; }
.wk-tip tr.wk-grp th { font-weight: bold; color: #222; padding-top: 4px;
  border-bottom: 1px solid #ccc; }
.wk-tip-type { margin-top: 2px; }
.wk-code { color: #555; }
.wk-facts { color: #444; margin-top: 1px; }
.wk-note { color: #666; font-size: 11px; margin-top: 5px; }
@media (max-width: 600px) {
  .wk-legend { min-width: 0; max-width: 58vw; font-size: 11px; padding: 4px 7px; }
  .wk-legend h4 { font-size: 11px; }
  .wk-title, .wk-synthetic { max-width: 62vw; font-size: 11px; }
  .wk-synthetic b { font-size: 12px; }
  .leaflet-container .leaflet-control-attribution { font-size: 9px; max-width: 100vw; }
}
</style>
"""


class _Runtime(MacroElement):
    """The small JS runtime that the layers below share; its data sits in JSON blocks."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = ({{ this.runtime }})(
                {{ this._parent.get_name() }},
                {%- for block in this.blocks %}
                JSON.parse(document.getElementById({{ block|tojson }}).textContent)
                {{- "," if not loop.last }}
                {%- endfor %}
            );
        {% endmacro %}
    """)

    def __init__(self, blocks: Sequence[str]) -> None:
        super().__init__()
        self._name = "WijkkrachtData"
        self.runtime = _RUNTIME_JS
        self.blocks = list(blocks)


def _json_block(block_id: str, data: Any) -> Element:
    """An inert ``<script type="application/json">`` block (never executed)."""
    return Element(f'<script type="application/json" id="{block_id}">{_script_json(data)}</script>')


class _RuntimeLayer(folium.map.Layer):
    """A layer made by the runtime (``call`` is a JS expression on the runtime object)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.runtime_name }}.{{ this.call }};
        {% endmacro %}
    """)

    def __init__(self, runtime: _Runtime, call: str, name: str, *, show: bool,
                 control: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "WijkkrachtLayer"
        self.runtime_name = runtime.get_name()
        self.call = call


class _Finish(MacroElement):
    """Runs after the layer control exists: control headings, legend, fit to the area."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this.runtime_name }}.finish({{ this.control_name }});
        {% endmacro %}
    """)

    def __init__(self, runtime: _Runtime, control: folium.LayerControl) -> None:
        super().__init__()
        self._name = "WijkkrachtFinish"
        self.runtime_name = runtime.get_name()
        self.control_name = control.get_name()


def _area_data(area: gpd.GeoDataFrame) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": {}}
        for g in _geometries(area, simplify_m=1.0) if g is not None
    ]}


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


def build_webmap(result: AnalysisResult, *, lang: str = "nl") -> folium.Map:
    """Build the Folium map of a result.

    Parameters
    ----------
    result
        The analysis result (EPSG:28992); with an ``areas`` attribute (an
        ``AreaAnalysisResult``) the map also gets an areas layer.
    lang
        ``"nl"`` (Dutch) or ``"en"`` (English) for every label.

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
    indicators = list(key_indicators(streets.columns))
    type_order = list(type_colors())
    for key in streets.get("type_key", pd.Series(dtype=str)).dropna().astype(str).unique():
        if key not in type_order:
            type_order.append(key)
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
    fmap.default_js = [ASSET_URLS[0]]  # only Leaflet: see the module docstring
    fmap.default_css = [ASSET_URLS[1]]
    area_name = _area_name(result)
    page_title = f"wijkkracht · {area_name}" if area_name else "wijkkracht"
    figure = cast(Figure, fmap.get_root())
    figure.header.add_child(Element(f"<title>{_esc(page_title)}</title>"))
    figure.header.add_child(Element(_CSS))
    figure.header.add_child(Element(f"<style>:root {{ --wk-notice: {synthetic_notice_color()}; }}</style>"))
    folium.TileLayer("OpenStreetMap", name=text["basemap"], opacity=0.55,
                     control=False).add_to(fmap)

    config = _config(result, lang, indicators, type_order, kinds=kinds, threshold=threshold,
                     area_columns=area_columns, bounds=bounds)
    blocks = {
        DATA_BLOCK_IDS["config"]: config,
        DATA_BLOCK_IDS["streets"]: _streets_data(streets, indicators, type_index),
        DATA_BLOCK_IDS["pois"]: _pois_data(result.pois),
        DATA_BLOCK_IDS["area"]: _area_data(result.area),
        DATA_BLOCK_IDS["areas"]: _areas_data(areas, area_columns, lang),
    }
    for block_id, data in blocks.items():
        figure.html.add_child(_json_block(block_id, data))
    runtime = _Runtime(list(blocks))
    fmap.add_child(runtime)

    def group(key: str, label: str | None = None, synthetic: bool = False) -> str:
        return _script_json({"key": key, "label": _esc(label) if label else None,
                             "synthetic": synthetic})

    # the order here is the order in the layer control (and, for the layers shown at first,
    # the drawing order): outlines, street types, indicators, POIs
    _RuntimeLayer(runtime, f"areaLayer({group('area')})", text["area"], show=True).add_to(fmap)
    if areas is not None:
        _RuntimeLayer(runtime, f"areasLayer({group('area')})", text["areas"],
                      show=True).add_to(fmap)
    _RuntimeLayer(runtime, f'streetLayer("types", {group("streets", text["streets"])})',
                  text["types"], show=True).add_to(fmap)
    groups = config["groups"]
    for i, name in enumerate(indicators):
        g = groups[_group_of(name)]
        call = f"streetLayer({i}, {_script_json(dict(g, key=_group_of(name), label=g['control']))})"
        _RuntimeLayer(runtime, call, _esc(indicator_style(name).indicator.label(lang)),
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
    return fmap


def webmap_html(result: AnalysisResult, *, lang: str = "nl") -> str:
    """The map page as one HTML string (see :func:`build_webmap`)."""
    return build_webmap(result, lang=lang).get_root().render()


def write_webmap_file(result: AnalysisResult, path: str | os.PathLike[str], *,
                      lang: str = "nl") -> Path:
    """Write the map page to ``path`` directly (not atomic; see :func:`write_webmap`)."""
    p = Path(path)
    p.write_text(webmap_html(result, lang=lang), encoding="utf-8")
    return p


def write_webmap(result: AnalysisResult, path: str | os.PathLike[str], *,
                 lang: str = "nl") -> Path:
    """Write the map page atomically: ``path`` is complete or untouched.

    Parameters
    ----------
    result
        The analysis result.
    path
        Destination ``.html``; replaced if it exists. Its folder must exist.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        If the file cannot be written; ``path`` is then left as it was.
    """
    return write_atomically(path, lambda tmp: write_webmap_file(result, tmp, lang=lang))


def write_layers_map(path: str | os.PathLike[str], streets: gpd.GeoDataFrame,
                     pois: gpd.GeoDataFrame | None = None, area: gpd.GeoDataFrame | None = None,
                     *, lang: str = "nl", attribution: str | None = None,
                     source: str = "streets", synthetic: Sequence[str] = (),
                     privacy_threshold: int | None = None) -> Path:
    """Write the map of separate layers (see :func:`result_for_map`) atomically to ``path``.

    Parameters
    ----------
    path
        Destination ``.html``.
    streets, pois, area, attribution, source, synthetic, privacy_threshold
        As for :func:`result_for_map`.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    Path
        ``path``.
    """
    result = result_for_map(streets, pois, area, attribution=attribution, source=source,
                            synthetic=synthetic, privacy_threshold=privacy_threshold)
    return write_webmap(result, path, lang=lang)
