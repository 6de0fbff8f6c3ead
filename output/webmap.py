"""The interactive web map: one self-contained HTML page made with Folium.

What the page shows:

* the streets coloured by opportunity type, with a legend, and a tooltip per street with the
  key indicators (labels and units from the registry, values rounded, a null shown as what it
  means);
* one layer per key indicator (registry tag ``"key"``), off at first, each with a graduated
  legend that appears when the layer is switched on;
* the POIs as small circles in four layers: N, O, other and vacant shop fronts;
* the study-area outline, a layer control, and the OpenStreetMap attribution.

Colours and classes come from :mod:`wijkkracht.styles` (the same spec as the QGIS styles).

Size and safety: the street geometry is stored once and shared by all street layers; each
feature carries only its name, type index and the key-indicator values; coordinates are
rounded to 5 decimals (about 1 m). Every string from the data (OSM names and tags, the area
name) is HTML-escaped in Python, and the JSON embedded in the page has ``<``, ``>`` and ``&``
escaped, so no name can break out of the page's script.

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

from ..core.result import AnalysisResult
from ..styles import (
    area_style,
    decimals,
    indicator_style,
    key_indicators,
    poi_class_of,
    poi_classes,
    poi_label,
    poi_style,
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
#: classes) and its data (GeoJSON of streets, POIs and study area).
DATA_BLOCK_IDS = {"config": "wk-config", "streets": "wk-streets", "pois": "wk-pois",
                  "area": "wk-area"}

#: Decimals of the WGS84 coordinates in the page (1e-5 degree is about 1 m).
COORDINATE_DECIMALS = 5

_WGS84 = 4326


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
        "title": "Kansen per straat",
        "basemap": "OpenStreetMap",
    },
    "en": {
        "types": "Opportunity types",
        "type": "Opportunity type",
        "unnamed": "Unnamed street",
        "pois": "Amenities",
        "area": "Study area",
        "title": "Opportunities street by street",
        "basemap": "OpenStreetMap",
    },
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


def _config(result: AnalysisResult, lang: str, indicators: Sequence[str],
            type_order: Sequence[str]) -> dict[str, Any]:
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
        })
    pois = []
    for cls in poi_classes():
        ps = poi_style(cls)
        pois.append({"key": cls, "label": _esc(poi_label(cls, lang)), "fill": ps.fill,
                     "stroke": ps.stroke, "radius": ps.radius_px})
    ar = area_style()
    area_name = _area_name(result)
    return {
        "lang": lang,
        "decimalComma": lang == "nl",
        "text": {k: _esc(v) for k, v in text.items()},
        "types": types,
        "unknownColor": unknown_type_color(),
        "typeWidth": type_line_width("px"),
        "indicators": inds,
        "indicatorWidth": indicator_style(indicators[0]).line_width_px if indicators else 4,
        "pois": pois,
        "area": {"color": ar.color, "width": ar.width_px,
                 "dash": " ".join(f"{d:g}" for d in ar.dash_px)},
        "areaName": _esc(area_name),
        "attribution": _esc(result.attribution),
    }


_RUNTIME_JS = r"""
function (map, cfg, streets, pois, area) {
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
  function tooltip(p) {
    var ty = typeOf(p.t);
    var rows = [];
    for (var i = 0; i < cfg.indicators.length; i++) {
      var ind = cfg.indicators[i];
      var v = p.v[i];
      var shown = (v === null || v === undefined) ? "<i>" + ind.nullText + "</i>"
                                                 : fmt(v, ind.decimals) + ind.suffix;
      rows.push("<tr><th>" + ind.title + "</th><td>" + shown + "</td></tr>");
    }
    return "<div class='wk-tip'><b>" + (p.n || "<i>" + cfg.text.unnamed + "</i>") + "</b>" +
      (ty ? "<div class='wk-tip-type'><span class='wk-swatch' style='background:" + ty.color +
            "'></span>" + ty.label + "</div>" : "") +
      "<table>" + rows.join("") + "</table></div>";
  }
  function bindTip(feature, layer) {
    layer.bindTooltip(function () { return tooltip(feature.properties); },
                      {sticky: true, className: "wk-tooltip"});
  }
  var legends = [];
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
             "</h4>" + rows.join("") + "</div>";
    }
    var ps = entry.poi;
    return "<div class='wk-row'><span class='wk-dot' style='background:" + ps.fill +
           "'></span>" + ps.label + "</div>";
  }
  var legendControl = L.control({position: "bottomright"});
  var legendDiv = null;
  legendControl.onAdd = function () {
    legendDiv = L.DomUtil.create("div", "wk-legend leaflet-bar");
    L.DomEvent.disableScrollPropagation(legendDiv);
    L.DomEvent.disableClickPropagation(legendDiv);
    return legendDiv;
  };
  legendControl.addTo(map);
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
    legendDiv.innerHTML = parts.join("");
    legendDiv.style.display = parts.length ? "" : "none";
  }
  map.on("overlayadd overlayremove", updateLegend);
  setTimeout(updateLegend, 0);

  var title = L.control({position: "topleft"});
  title.onAdd = function () {
    var div = L.DomUtil.create("div", "wk-title leaflet-bar");
    div.innerHTML = "<b>wijkkracht</b> · " + cfg.areaName + "<br><span>" + cfg.text.title +
                    "</span>";
    return div;
  };
  title.addTo(map);
  map.attributionControl.addAttribution(cfg.attribution);
  L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);

  return {
    streetLayer: function (which) {
      var layer = streetLayer(which);
      legends.push(which === "types" ? {kind: "types", layer: layer}
                                      : {kind: "indicator", index: which, layer: layer});
      return layer;
    },
    poiLayer: function (key) {
      var layer = poiLayer(key);
      legends.push({kind: "poi", poi: poiStyle(key), layer: layer});
      return layer;
    },
    areaLayer: areaLayer,
    refreshLegend: updateLegend
  };
}
"""

_CSS = """
<style>
.wk-legend { background: rgba(255,255,255,0.95); padding: 6px 10px; font: 12px/1.35 sans-serif;
  max-height: 60vh; overflow-y: auto; min-width: 180px; max-width: 320px; color: #222; }
.wk-legend h4 { margin: 4px 0 3px; font-size: 12px; }
.wk-section + .wk-section { border-top: 1px solid #ddd; margin-top: 4px; padding-top: 2px; }
.wk-row { white-space: nowrap; }
.wk-absent { color: #888; }
.wk-line { display: inline-block; width: 22px; border-top: 4px solid; vertical-align: middle;
  margin-right: 6px; }
.wk-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
  border: 1px solid #fff; box-shadow: 0 0 0 1px #999; margin: 0 8px 0 6px;
  vertical-align: middle; }
.wk-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
  vertical-align: middle; }
.wk-title { background: rgba(255,255,255,0.95); padding: 5px 9px; font: 13px/1.3 sans-serif;
  color: #222; }
.wk-title span { font-size: 12px; color: #444; }
.wk-tooltip { font: 12px/1.3 sans-serif; }
.leaflet-control-layers { font: 12px/1.3 sans-serif; }
.leaflet-control-layers label { margin: 1px 0; }
.leaflet-container .leaflet-control-attribution { font-size: 11px; max-width: 70vw; }
.leaflet-control-scale-line { font-size: 11px; }
.wk-tip table { border-collapse: collapse; margin-top: 3px; }
.wk-tip th { text-align: left; font-weight: normal; color: #444; padding: 0 8px 0 0; }
.wk-tip td { text-align: right; white-space: nowrap; }
.wk-tip-type { margin-top: 2px; }
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

    Returns
    -------
    AnalysisResult
        With an empty profile; ``metadata`` holds only the attribution.

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
    return AnalysisResult(streets=streets_rd, pois=pois_rd, area=area_rd,
                          profile=pd.DataFrame(), metadata={"attribution": text})


def build_webmap(result: AnalysisResult, *, lang: str = "nl") -> folium.Map:
    """Build the Folium map of a result.

    Parameters
    ----------
    result
        The analysis result (EPSG:28992).
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
    indicators = list(key_indicators())
    type_order = list(type_colors())
    for key in result.streets.get("type_key", pd.Series(dtype=str)).dropna().astype(str).unique():
        if key not in type_order:
            type_order.append(key)
    type_index = {k: i for i, k in enumerate(type_order)}

    bounds_src = result.area if len(result.area) else result.streets
    west, south, east, north = bounds_src.to_crs(_WGS84).total_bounds
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=15,
                      tiles=None, control_scale=False)
    fmap.default_js = [ASSET_URLS[0]]  # only Leaflet: see the module docstring
    fmap.default_css = [ASSET_URLS[1]]
    area_name = _area_name(result)
    page_title = f"wijkkracht · {area_name}" if area_name else "wijkkracht"
    figure = cast(Figure, fmap.get_root())
    figure.header.add_child(Element(f"<title>{_esc(page_title)}</title>"))
    figure.header.add_child(Element(_CSS))
    folium.TileLayer("OpenStreetMap", name=text["basemap"], opacity=0.55).add_to(fmap)

    blocks = {
        DATA_BLOCK_IDS["config"]: _config(result, lang, indicators, type_order),
        DATA_BLOCK_IDS["streets"]: _streets_data(result.streets, indicators, type_index),
        DATA_BLOCK_IDS["pois"]: _pois_data(result.pois),
        DATA_BLOCK_IDS["area"]: _area_data(result.area),
    }
    for block_id, data in blocks.items():
        figure.html.add_child(_json_block(block_id, data))
    runtime = _Runtime(list(blocks))
    fmap.add_child(runtime)
    _RuntimeLayer(runtime, "areaLayer()", text["area"], show=True).add_to(fmap)
    for i, name in enumerate(indicators):
        _RuntimeLayer(runtime, f"streetLayer({i})", indicator_style(name).indicator.label(lang),
                      show=False).add_to(fmap)
    _RuntimeLayer(runtime, 'streetLayer("types")', text["types"], show=True).add_to(fmap)
    for cls in poi_classes():
        _RuntimeLayer(runtime, f"poiLayer({json.dumps(cls)})",
                      f"{text['pois']}: {poi_label(cls, lang)}", show=cls != "other").add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    # keep the area clear of the legend (bottom right) where the screen allows
    fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(10, 10),
                    padding_bottom_right=(240, 10))
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
                     source: str = "streets") -> Path:
    """Write the map of separate layers (see :func:`result_for_map`) atomically to ``path``.

    Parameters
    ----------
    path
        Destination ``.html``.
    streets, pois, area, attribution, source
        As for :func:`result_for_map`.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    Path
        ``path``.
    """
    result = result_for_map(streets, pois, area, attribution=attribution, source=source)
    return write_webmap(result, path, lang=lang)
