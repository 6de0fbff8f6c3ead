"""The Folium elements of the web map (part of :mod:`wijkkracht.output.webmap`): the JavaScript
runtime that builds the layers from the JSON blocks, one layer-control entry per layer, the
step that finishes the legend and the control, and ids that make the same result give a
byte-equal page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from ..styles import indicator_style, poi_classes, poi_label
from .webmap_assets import _RUNTIME_JS
from .webmap_text import _TEXT, _esc, _group_of, _script_json
from .webmap_time import _HOURS_TEXT, _SPEND_TEXT

#: From this many street segments on, the streets are drawn on a canvas (one element for all)
#: instead of as an SVG path each, which keeps a city's map responsive.
CANVAS_FROM = 4000

#: On screens at most this wide (px) the legend starts folded (webmap.css: its button shows).
_FOLD_LEGEND_PX = 600

#: The map's deepest zoom level (tiles beyond a base map's own deepest level are enlarged).
_MAX_ZOOM = 19

#: POIs are clustered up to this zoom level; from the next one on each shows on its own.
_CLUSTER_UNTIL_ZOOM = 16


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
        element._id = hashlib.md5(f"wijkkracht-{n}".encode(), usedforsecurity=False).hexdigest()
        n += 1
        todo.extend(element._children.values())


def _add_layers(fmap: folium.Map, runtime: _Runtime, config: Mapping[str, Any],
                rasters: Mapping[str, Any], indicators: Sequence[str], *, has_areas: bool,
                lang: str) -> None:
    """One layer per entry of the layer control, made by the runtime, then the control and
    the step that finishes the legend.

    The order here is the order in the layer control (and, for the layers shown at first,
    the drawing order): outlines, street types, indicators, surfaces, POIs.
    """
    text = _TEXT[lang]
    named_config, hours_config = config["named"], config["hours"]
    spending_config = config["spending"]

    def group(key: str, label: str | None = None, synthetic: bool = False) -> str:
        return _script_json({"key": key, "label": _esc(label) if label else None,
                             "synthetic": synthetic})

    _RuntimeLayer(runtime, f"areaLayer({group('area')})", text["area"], show=True).add_to(fmap)
    if has_areas:
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
        # SYNTHETIC per surface, not for the group: most surfaces come from real OSM
        raster_group = group("rasters", text["surfaces"])
        for i, r in enumerate(surfaces):
            title = r["title"] + (f" ({text['syntheticTag']})" if r["synthetic"] else "")
            _RuntimeLayer(runtime, f"rasterLayer({i}, {raster_group})", title,
                          show=False).add_to(fmap)
    poi_group = group("pois", f"{text['pois']} (OpenStreetMap)")
    for cls in poi_classes():
        _RuntimeLayer(runtime, f"poiLayer({json.dumps(cls)}, {poi_group})",
                      _esc(poi_label(cls, lang)), show=cls != "other").add_to(fmap)
    # an icon that opens on hover or a tap (the list, grouped under headings, scrolls where
    # it is longer than the room beside the other controls): the map is what one sees first
    control = folium.LayerControl(collapsed=True, position="topright")
    control.add_to(fmap)
    fmap.add_child(_Finish(runtime, control))
