"""QGIS layer styles (QML) generated from the one style specification.

The QML written here is what QGIS 3.22 itself writes for these renderers (symbol-layer
properties both as ``<Option type="Map">`` and as legacy ``<prop k= v=>``), trimmed to the
symbology and the field aliases:

* :func:`types_qml`: streets, categorized renderer on ``type_key`` (the opportunity types;
  the segments without one thin and light, drawn first);
* :func:`named_streets_qml`: the named streets, categorized on their main type, with the
  aliases of their aggregates;
* :func:`indicator_qml`: streets, graduated renderer on one indicator column;
* :func:`pois_qml`: POIs, categorized renderer on N / O / other / vacant;
* :func:`area_qml`: the study area as an outline;
* :func:`osm_pois_qml`: POIs that carry only their OSM ``tag`` (fetched from OpenStreetMap),
  categorized N / O / other / vacant as :func:`pois_qml` by the bundled category table;
* :func:`network_qml`: the fetched walking network, categorized by segment kind;
* :func:`bag_units_qml`: BAG verblijfsobjecten, categorized by use and status;
* :func:`establishments_qml`: establishments, N / O / other from their SBI code, or not active;
* :func:`spending_zones_qml`: the spending zones (polygons), graduated on the share of the
  spending kept in the zone, in the classes of the indicator ``spend_kept_share``;
* :func:`spending_scenarios_qml`: the vacant shop fronts of the spending scenarios (points, in
  the colours of a vacant POI);
* :func:`raster_qml`: an intensity surface (GeoTIFF), singleband pseudocolor in discrete classes.

Colours, class limits and widths come from :mod:`wijkkracht.styles`; labels from the registries,
in Dutch (``lang="nl"``) or English (``lang="en"``).

Note that a graduated renderer does not draw features whose value is null (e.g. an amenity that
cannot be reached); the web map shows those in grey.
"""

from __future__ import annotations

import html
import re

# only builds QML (never parses untrusted XML), the case bandit's B405 warns of
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..core.indicators.registry import INDICATORS
from . import (
    area_style,
    areas_style,
    bag_unit_classes,
    bag_unit_label,
    bag_unit_style,
    establishment_classes,
    establishment_label,
    establishment_style,
    indicator_style,
    network_kinds,
    network_label,
    network_style,
    poi_class_of,
    poi_classes,
    poi_label,
    poi_style,
    qgis_color,
    raster_style,
    type_colors,
    type_label,
    type_line_width,
    untyped_keys,
)

__all__ = [
    "QGIS_VERSION",
    "POI_CLASS_EXPRESSION",
    "types_qml",
    "indicator_qml",
    "pois_qml",
    "area_qml",
    "osm_pois_qml",
    "poi_tag_class_expression",
    "network_qml",
    "NETWORK_KIND_EXPRESSION",
    "bag_units_qml",
    "BAG_UNIT_CLASS_EXPRESSION",
    "establishments_qml",
    "establishment_class_expression",
    "street_aliases",
    "named_street_aliases",
    "named_streets_qml",
    "kind_labels",
    "areas_qml",
    "spending_zones_qml",
    "spending_scenarios_qml",
    "raster_qml",
    "with_aliases",
]

#: The QGIS version the QML claims to come from (the oldest QGIS wijkkracht supports).
QGIS_VERSION = "3.22.16-Białowieża"

#: Expression for the POI class: a vacant shop front wins over its N/O class.
POI_CLASS_EXPRESSION = (
    "CASE WHEN \"vacant\" THEN 'vacant' "
    "WHEN \"no_class\" IN ('N', 'O', 'other') THEN \"no_class\" END"
)

#: Upper limit written for an open top class ("above the last break").
_OPEN_TOP = 999999999.0

_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
_UNIT_SCALE = "3x:0,0,0,0,0,0"
_GEOMETRY_TYPE = {"point": "0", "line": "1", "polygon": "2"}


def _data_defined(parent: ET.Element) -> None:
    ddp = ET.SubElement(parent, "data_defined_properties")
    opt = ET.SubElement(ddp, "Option", type="Map")
    ET.SubElement(opt, "Option", type="QString", name="name", value="")
    ET.SubElement(opt, "Option", name="properties")
    ET.SubElement(opt, "Option", type="QString", name="type", value="collection")


#: The attributes of a symbol layer element, in the order QGIS writes them. The third is the
#: rendering pass (symbol level) of the layer; its QML name is written through this tuple and
#: never as a literal key, which password scanners (bandit's B105) read as a password.
_SYMBOL_LAYER_ATTRIBUTES = ("class", "enabled", "pass", "locked")


def _symbol_layer(symbol: ET.Element, cls: str, props: Mapping[str, str],
                  rendering_pass: int = 0) -> None:
    values = (cls, "1", str(rendering_pass), "0")
    layer = ET.SubElement(symbol, "layer", dict(zip(_SYMBOL_LAYER_ATTRIBUTES, values,
                                                    strict=True)))
    opt = ET.SubElement(layer, "Option", type="Map")
    for key in sorted(props):
        ET.SubElement(opt, "Option", type="QString", name=key, value=props[key])
    for key in sorted(props):  # QGIS 3.22 writes the legacy form too
        ET.SubElement(layer, "prop", k=key, v=props[key])
    _data_defined(layer)


def _symbol(parent: ET.Element, name: str, kind: str) -> ET.Element:
    symbol = ET.SubElement(
        parent, "symbol",
        {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    _data_defined(symbol)
    return symbol


def _line_props(color: str, width_mm: float,
                dash_mm: Iterable[float] | None = None) -> dict[str, str]:
    dash = list(dash_mm or [])
    return {
        "align_dash_pattern": "0",
        "capstyle": "round",
        "customdash": ";".join(f"{d:g}" for d in dash) or "5;2",
        "customdash_map_unit_scale": _UNIT_SCALE,
        "customdash_unit": "MM",
        "dash_pattern_offset": "0",
        "dash_pattern_offset_map_unit_scale": _UNIT_SCALE,
        "dash_pattern_offset_unit": "MM",
        "draw_inside_polygon": "0",
        "joinstyle": "round",
        "line_color": qgis_color(color),
        "line_style": "solid",
        "line_width": f"{width_mm:g}",
        "line_width_unit": "MM",
        "offset": "0",
        "offset_map_unit_scale": _UNIT_SCALE,
        "offset_unit": "MM",
        "ring_filter": "0",
        "tweak_dash_pattern_on_corners": "0",
        "use_custom_dash": "1" if dash else "0",
        "width_map_unit_scale": _UNIT_SCALE,
    }


def _line_symbol(parent: ET.Element, name: str, color: str, width_mm: float,
                 rendering_pass: int = 0) -> None:
    _symbol_layer(_symbol(parent, name, "line"), "SimpleLine", _line_props(color, width_mm),
                  rendering_pass)


def _marker_symbol(parent: ET.Element, name: str, fill: str, stroke: str, size_mm: float,
                   *, outline_mm: float = 0.3, symbol_level: int = 0) -> None:
    props = {
        "angle": "0",
        "cap_style": "square",
        "color": qgis_color(fill),
        "horizontal_anchor_point": "1",
        "joinstyle": "bevel",
        "name": "circle",
        "offset": "0,0",
        "offset_map_unit_scale": _UNIT_SCALE,
        "offset_unit": "MM",
        "outline_color": qgis_color(stroke),
        "outline_style": "solid",
        "outline_width": f"{outline_mm:g}",
        "outline_width_map_unit_scale": _UNIT_SCALE,
        "outline_width_unit": "MM",
        "scale_method": "diameter",
        "size": f"{size_mm:g}",
        "size_map_unit_scale": _UNIT_SCALE,
        "size_unit": "MM",
        "vertical_anchor_point": "1",
    }
    _symbol_layer(_symbol(parent, name, "marker"), "SimpleMarker", props, symbol_level)


def _root(categories: str = "Symbology") -> ET.Element:
    return ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": categories})


def _renderer(root: ET.Element, kind: str, **attrs: str) -> ET.Element:
    base = {"type": kind, "symbollevels": "0", "forceraster": "0", "enableorderby": "0",
            "referencescale": "-1"}
    base.update(attrs)
    return ET.SubElement(root, "renderer-v2", base)


def _finish(root: ET.Element, geometry: str) -> str:
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[geometry]
    ET.indent(root, space="  ")
    return _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


def _categories(renderer: ET.Element, values: Iterable[str], label: Callable[[str], str],
                symbol: Callable[[ET.Element, str, str], None]) -> None:
    """The categories of a categorized renderer, one per value in order, each labelled
    ``label(value)`` and drawn by ``symbol(symbols, name, value)``."""
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, value in enumerate(values):
        ET.SubElement(cats, "category", symbol=str(i), value=value, label=label(value),
                      render="true")
        symbol(symbols, str(i), value)


def _categorized_qml(expression: str, geometry: str, values: Iterable[str],
                     label: Callable[[str], str], symbol: Callable[[ET.Element, str, str], None],
                     **attrs: str) -> str:
    """A style categorized on ``expression`` (see :func:`_categories`); ``attrs`` go to the
    renderer (e.g. ``symbollevels="1"``)."""
    root = _root()
    renderer = _renderer(root, "categorizedSymbol", attr=expression, **attrs)
    _categories(renderer, values, label, symbol)
    return _finish(root, geometry)


def street_aliases(lang: str = "nl") -> dict[str, str]:
    """Field aliases for the streets layer: the segment's own fields, registry titles of every
    indicator, and the type fields.

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    dict
        Column name -> alias, e.g. ``"dist_supermarket_m" -> "Loopafstand supermarkt (m)"``,
        ``"is_street" -> "Straat (telt mee in de straattotalen)"``.
    """
    nl = lang == "nl"
    aliases = {
        "segment_id": "Segment-id" if nl else "Segment id",
        "osm_id": "OSM-id" if nl else "OSM id",
        "street_name": "Straatnaam" if nl else "Street name",
        "highway": "OSM-wegtype (highway)" if nl else "OSM road type (highway)",
        "kind": "Soort segment" if nl else "Segment kind",
        "is_street": ("Straat (telt mee in de straattotalen)" if nl
                      else "Street (counts in the street totals)"),
        "length_m": "Lengte (m)" if nl else "Length (m)",
        "street_id": "Straat op naam" if nl else "Named street",
        "fronting_n": ("Adressen of gebouwen aan dit segment" if nl
                       else "Addresses or buildings fronting it"),
        "type_id": "Kansentype (nummer)" if nl else "Opportunity type (number)",
        "type_key": "Kansentype (sleutel)" if nl else "Opportunity type (key)",
        "type_name_nl": "Kansentype" if nl else "Opportunity type (Dutch)",
        "type_name_en": "Kansentype (Engels)" if nl else "Opportunity type",
    }
    aliases.update({name: ind.title(lang) for name, ind in INDICATORS.items()})
    return aliases


def _field_values(root: ET.Element, values: Mapping[str, Mapping[str, str]]) -> None:
    """A value map per field (the attribute table and forms show the label, the field keeps
    its value), as QGIS writes it: ``values`` is field -> {value: label}."""
    conf = ET.SubElement(root, "fieldConfiguration")
    for field, mapping in values.items():
        el = ET.SubElement(conf, "field", name=field, configurationFlags="None")
        widget = ET.SubElement(el, "editWidget", type="ValueMap")
        config = ET.SubElement(widget, "config")
        top = ET.SubElement(config, "Option", type="Map")
        lst = ET.SubElement(top, "Option", type="List", name="map")
        for value, label in mapping.items():
            item = ET.SubElement(lst, "Option", type="Map")
            ET.SubElement(item, "Option", type="QString", name=label, value=value)


def kind_labels(lang: str = "nl") -> dict[str, str]:
    """The segment kinds (``kind``, :data:`wijkkracht.core.streets.KINDS`) and their labels."""
    from ..core.streets import KINDS

    return {key: label(lang) for key, label in KINDS.items()}


def _aliases(root: ET.Element, aliases: Mapping[str, str]) -> None:
    el = ET.SubElement(root, "aliases")
    for i, (field, alias) in enumerate(aliases.items()):
        ET.SubElement(el, "alias", field=field, index=str(i), name=alias)


def _type_categories(renderer: ET.Element, lang: str,
                     names: Mapping[str, str] | None) -> None:
    """One category per type key, in its colour and width: the keys of the spec (every
    archetype, the segments without a type) and those of ``names`` (the types of the data: a
    second type of an archetype, ``lively_centre_2``, in a shade of its colour; a neutral
    type, ``mixed_profile_a``, in a neutral colour), in legend order
    (:func:`wijkkracht.styles.type_keys`). With symbol levels the segments without an
    opportunity type are drawn first (paths, then streets), under the typed streets."""
    untyped = untyped_keys()
    colors = type_colors(names or ())

    def symbol(symbols: ET.Element, i: str, key: str) -> None:
        level = (len(untyped) - 1 - untyped.index(key)) if key in untyped else len(untyped)
        _line_symbol(symbols, i, colors[key], type_line_width("mm", key), level)

    _categories(renderer, colors, lambda key: type_label(key, lang, names), symbol)


def types_qml(*, lang: str = "nl", names: Mapping[str, str] | None = None) -> str:
    """QML for the streets layer coloured by opportunity type (categorized on ``type_key``).

    The segments without an opportunity type (:func:`wijkkracht.styles.untyped_keys`) are
    drawn thinner and lighter, and below the typed streets (symbol levels): the paths and
    sidewalks thinnest, so that the streets people live and work on read first. The field
    ``kind`` shows its label (a value map).

    Parameters
    ----------
    lang
        Language of the category labels and field aliases, ``"nl"`` or ``"en"``.
    names
        Type names found in the data (``type_key -> name``); they win over the archetype names,
        and their keys get a category too (e.g. ``lively_centre_2``, ``mixed_profile_a``).

    Returns
    -------
    str
        The QML document, one category per key of
        :func:`wijkkracht.styles.type_keys` of the ``names``.
    """
    root = _root("Symbology|Fields")
    renderer = _renderer(root, "categorizedSymbol", attr="type_key", symbollevels="1")
    _type_categories(renderer, lang, names)
    _field_values(root, {"kind": kind_labels(lang)})
    _aliases(root, street_aliases(lang))
    return _finish(root, "line")


def named_street_aliases(lang: str = "nl", labels: Mapping[str, Mapping[str, str]] | None = None
                         ) -> dict[str, str]:
    """Field aliases of the named streets (:func:`wijkkracht.core.streets.named_streets`): its
    own fields, and per indicator aggregate "label (unit), aggregate" from ``labels``
    (``attrs["labels"]`` of the layer)."""
    nl = lang == "nl"
    aliases = {
        "street_id": "Straat" if nl else "Street",
        "street_name": "Straatnaam" if nl else "Street name",
        "part": "Deel (zelfde naam elders)" if nl else "Part (same name elsewhere)",
        "segments": "Straatsegmenten" if nl else "Street segments",
        "length_m": "Lengte (m)" if nl else "Length (m)",
        "fronting_n": ("Adressen of gebouwen aan de straat" if nl
                       else "Addresses or buildings fronting it"),
        "main_type_id": "Hoofdtype (nummer)" if nl else "Main type (number)",
        "main_type_key": "Hoofdtype (sleutel)" if nl else "Main type (key)",
        "main_type_nl": "Hoofdtype (meeste lengte)" if nl else "Main type (Dutch)",
        "main_type_en": "Hoofdtype (Engels)" if nl else "Main type (most length)",
        "main_type_share": ("Aandeel hoofdtype in de lengte" if nl
                            else "Main type's share of the length"),
        "types_nl": "Kansentypen (aandeel lengte)" if nl else "Opportunity types (Dutch)",
        "types_en": "Kansentypen (Engels)" if nl else "Opportunity types (share of length)",
    }
    own = {**_AGGREGATES, "pooled": ("over de totalen van de straat", "of the street's totals")}
    for column, lab in (labels or {}).items():
        agg = own.get(str(lab.get("aggregate")), (lab.get("aggregate"),) * 2)
        aliases[column] = f"{lab[lang]} ({lab['unit_' + lang]}), {agg[0] if nl else agg[1]}"
    return aliases


def named_streets_qml(*, lang: str = "nl", names: Mapping[str, str] | None = None,
                      labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """QML for the named streets: coloured by their main type (categorized on
    ``main_type_key``), in the colours and widths of :func:`types_qml`, with field aliases.

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.
    names
        Type names found in the data (``type_key -> name``); their keys get a category too.
    labels
        ``attrs["labels"]`` of the named streets (column -> label, unit, aggregate): each
        indicator column gets the alias "label (unit), aggregate".

    Returns
    -------
    str
        The QML document.
    """
    root = _root("Symbology|Fields")
    renderer = _renderer(root, "categorizedSymbol", attr="main_type_key", symbollevels="1")
    _type_categories(renderer, lang, names)
    _aliases(root, named_street_aliases(lang, labels))
    return _finish(root, "line")


def _graduated_classes(renderer: ET.Element, style: Any, lang: str,
                       symbol: Callable[[ET.Element, str, str], None]) -> None:
    """The ranges of a graduated renderer from a style's classes, one symbol each."""
    ranges = ET.SubElement(renderer, "ranges")
    symbols = ET.SubElement(renderer, "symbols")
    for i, cls in enumerate(style.classes):
        upper = _OPEN_TOP if cls.upper is None else cls.upper
        ET.SubElement(ranges, "range", symbol=str(i), lower=f"{cls.lower:.15f}",
                      upper=f"{upper:.15f}", label=cls.label(lang), render="true")
        symbol(symbols, str(i), cls.color)


def indicator_qml(name: str, *, lang: str = "nl") -> str:
    """QML for the streets layer coloured by one indicator (graduated renderer).

    Parameters
    ----------
    name
        A registered indicator column, e.g. ``"dist_supermarket_m"``.
    lang
        Language of the class labels and field aliases, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document with the spec's fixed classes and colours.
    """
    style = indicator_style(name)
    root = _root("Symbology|Fields")
    renderer = _renderer(root, "graduatedSymbol", attr=name, graduatedMethod="GraduatedColor")
    _graduated_classes(renderer, style, lang, lambda symbols, i, color: _line_symbol(
        symbols, i, color, style.line_width_mm))
    _aliases(root, street_aliases(lang))
    return _finish(root, "line")


def pois_qml(*, lang: str = "nl") -> str:
    """QML for the POI layer: circles coloured N / O / other / vacant.

    POIs without a class (e.g. building points) are not drawn.

    Parameters
    ----------
    lang
        Language of the category labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document, categorized on :data:`POI_CLASS_EXPRESSION`.
    """
    return _poi_class_qml(POI_CLASS_EXPRESSION, lang)


def _poi_class_qml(expression: str, lang: str) -> str:
    """A point style categorized N / O / other / vacant on ``expression``."""
    def symbol(symbols: ET.Element, i: str, cls: str) -> None:
        st = poi_style(cls)
        _marker_symbol(symbols, i, st.fill, st.stroke, st.size_mm)

    return _categorized_qml(expression, "point", poi_classes(), lambda c: poi_label(c, lang),
                            symbol)


def _quoted(values: Iterable[str]) -> str:
    """``'a', 'b'``: QGIS string literals (quotes doubled)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _when_in(subject: str, groups: Mapping[str | None, list[str]]) -> list[str]:
    """``WHEN subject IN (...) THEN 'class'`` per class (``None``: ``THEN NULL``)."""
    out = []
    for cls, values in groups.items():
        if values:
            then = "NULL" if cls is None else _quoted([cls])
            out.append(f"WHEN {subject} IN ({_quoted(sorted(values))}) THEN {then}")
    return out


def poi_tag_class_expression(table: Any = None) -> str:
    """QGIS expression for the POI class of a layer with only an OSM ``tag`` column.

    The same as :func:`wijkkracht.styles.poi_tag_class` (exact ``key=value`` rows of the
    category table win over its ``key=*`` rows; a vacant shop front wins over its N/O class;
    a tag without a class gives NULL, not drawn), written out from the table.

    Parameters
    ----------
    table
        A :class:`~wijkkracht.core.categories.CategoryTable`; None: the bundled one.

    Returns
    -------
    str
        A ``CASE`` expression giving ``N``, ``O``, ``other``, ``vacant`` or NULL.
    """
    from ..core.categories import category_table

    exact: dict[str | None, list[str]] = {c: [] for c in (*poi_classes(), None)}
    fallback: dict[str | None, list[str]] = {c: [] for c in (*poi_classes(), None)}
    for row in category_table(table).table.itertuples(index=False):
        cls = poi_class_of(str(row.no_class), bool(row.vacant))
        tag = str(row.tag)
        if tag.endswith("=*"):
            fallback[cls].append(tag[:-2])
        else:
            exact[cls].append(tag)
    key = 'left("tag", strpos("tag", \'=\') - 1)'
    whens = _when_in('"tag"', exact) + _when_in(key, fallback)
    return "CASE " + " ".join(whens) + " END"


def osm_pois_qml(*, lang: str = "nl") -> str:
    """QML for POIs with only their OSM ``tag`` (fetched from OpenStreetMap): circles coloured
    N / O / other / vacant as :func:`pois_qml`, classified by the bundled category table
    (:func:`poi_tag_class_expression`); POIs without a class (buildings, parkings) are not
    drawn.

    Parameters
    ----------
    lang
        Language of the category labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document.
    """
    return _poi_class_qml(poi_tag_class_expression(), lang)


def _network_kind_expression() -> str:
    from ..core.segments import STREET_HIGHWAYS

    return ("CASE WHEN \"footway\" = 'sidewalk' THEN 'sidewalk' "
            "WHEN \"footway\" = 'crossing' THEN 'crossing' "
            "WHEN \"footway\" = 'area_link' OR \"highway\" = 'pedestrian' THEN 'pedestrian' "
            f"WHEN coalesce(\"highway\", '') IN ({_quoted(['', *sorted(STREET_HIGHWAYS)])}) "
            "THEN 'street' "
            "WHEN \"highway\" IN ('service', 'cycleway') THEN \"highway\" ELSE 'path' END")


#: Expression for the segment kind of a walking network from its OSM ``highway`` and
#: ``footway`` (as :func:`wijkkracht.core.segments.segment_kinds`).
NETWORK_KIND_EXPRESSION = _network_kind_expression()


def network_qml(*, lang: str = "nl") -> str:
    """QML for the walking network fetched from OpenStreetMap: lines by segment kind.

    Categorized on :data:`NETWORK_KIND_EXPRESSION` (the network has no ``kind`` column yet),
    with the colours and widths of ``network`` in the spec and the labels of
    :data:`wijkkracht.core.segments.KINDS`; streets drawn over the paths (symbol levels).

    Parameters
    ----------
    lang
        Language of the category labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document.
    """
    kinds = network_kinds()

    def symbol(symbols: ET.Element, i: str, kind: str) -> None:
        st = network_style(kind)
        _line_symbol(symbols, i, st.color, st.width_mm, len(kinds) - 1 - kinds.index(kind))

    return _categorized_qml(NETWORK_KIND_EXPRESSION, "line", kinds,
                            lambda k: network_label(k, lang), symbol, symbollevels="1")


def _bag_unit_expression() -> str:
    from . import _NOT_EXISTING, _OUT_OF_USE

    uses = [c for c in bag_unit_classes() if c not in ("unknown", "out_of_use", "not_existing")]
    whens = " ".join(f"WHEN array_contains(@uses, {_quoted([u])}) THEN {_quoted([u])}"
                     for u in uses)
    return ("with_variable('uses', string_to_array(coalesce(\"gebruiksdoel\", ''), ','), "
            f"CASE WHEN \"status\" = {_quoted([_OUT_OF_USE])} THEN 'out_of_use' "
            f"WHEN \"status\" IN ({_quoted(_NOT_EXISTING)}) THEN 'not_existing' "
            f"{whens} ELSE 'unknown' END)")


#: Expression for the map class of a BAG unit (as :func:`wijkkracht.styles.bag_unit_class_of`).
BAG_UNIT_CLASS_EXPRESSION = _bag_unit_expression()


def bag_units_qml(*, lang: str = "nl") -> str:
    """QML for BAG verblijfsobjecten: small circles by use, out-of-use units in magenta.

    Categorized on :data:`BAG_UNIT_CLASS_EXPRESSION`; housing smaller and drawn under the
    other uses, units out of use on top (symbol levels).

    Parameters
    ----------
    lang
        Language of the category labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document.
    """
    def symbol(symbols: ET.Element, i: str, cls: str) -> None:
        st = bag_unit_style(cls)
        level = {"woonfunctie": 0, "unknown": 0, "not_existing": 0, "out_of_use": 2}.get(cls, 1)
        _marker_symbol(symbols, i, st.fill, st.stroke, st.size_mm,
                       outline_mm=0.15 if level == 0 else 0.2, symbol_level=level)

    return _categorized_qml(BAG_UNIT_CLASS_EXPRESSION, "point", bag_unit_classes(),
                            lambda c: bag_unit_label(c, lang), symbol, symbollevels="1")


def establishment_class_expression(mapping: Any = None) -> str:
    """QGIS expression for the map class of an establishment: ``inactive`` when ``active`` is
    false, else the N/O class of its ``sbi_code`` by the SBI mapping (longest prefix first, then
    the section; as :meth:`wijkkracht.core.sbi.SbiMapping.classify`), ``other`` when the mapping
    has no class for it.

    Parameters
    ----------
    mapping
        A :class:`~wijkkracht.core.sbi.SbiMapping`; None: the bundled one.

    Returns
    -------
    str
        The expression.
    """
    from ..core.sbi import SECTIONS
    from ..data_sources.bundled import default_sbi_mapping

    prefixes = (mapping or default_sbi_mapping()).prefixes
    whens: list[str] = []
    digits = {p: c for p, c in prefixes.items() if p.isdigit()}
    for length in sorted({len(p) for p in digits}, reverse=True):
        groups: dict[str | None, list[str]] = {}
        for p, c in digits.items():
            if len(p) == length:
                groups.setdefault(c, []).append(p)
        whens += _when_in(f"left(@sbi, {length})", groups)
    letters: dict[str | None, list[str]] = {}
    divisions: dict[str | None, list[str]] = {}
    for p, c in prefixes.items():
        if p.isalpha():
            letters.setdefault(c, []).append(p)
            lo, hi = SECTIONS[p]
            divisions.setdefault(c, []).extend(f"{d:02d}" for d in range(lo, hi + 1))
    whens += _when_in("@sbi", letters) + _when_in("left(@sbi, 2)", divisions)
    return ("with_variable('sbi', regexp_replace(upper(coalesce(\"sbi_code\", '')), "
            "'[^0-9A-Z]', ''), CASE WHEN NOT coalesce(\"active\", true) THEN 'inactive' "
            + " ".join(whens) + " ELSE 'other' END)")


def establishments_qml(*, lang: str = "nl") -> str:
    """QML for establishments on BAG addresses: circles N / O / other (in the POI colours) by
    their SBI code, those not active on the reference date grey and underneath.

    Parameters
    ----------
    lang
        Language of the category labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document, categorized on :func:`establishment_class_expression`.
    """
    def symbol(symbols: ET.Element, i: str, cls: str) -> None:
        st = establishment_style(cls)
        _marker_symbol(symbols, i, st.fill, st.stroke, st.size_mm,
                       symbol_level=0 if cls == "inactive" else 1)

    return _categorized_qml(establishment_class_expression(), "point", establishment_classes(),
                            lambda c: establishment_label(c, lang), symbol, symbollevels="1")


def area_qml(*, lang: str = "nl") -> str:
    """QML for the study area: a dashed outline without fill.

    Parameters
    ----------
    lang
        Accepted for a signature like the other styles'; the outline has no label.

    Returns
    -------
    str
        The QML document (single-symbol renderer, fill symbol with a dashed line layer).
    """
    del lang  # the single symbol has no label
    st = area_style()
    root = _root()
    renderer = _renderer(root, "singleSymbol")
    symbols = ET.SubElement(renderer, "symbols")
    symbol = _symbol(symbols, "0", "fill")
    px_to_mm = st.width_mm / st.width_px
    _symbol_layer(symbol, "SimpleLine",
                  _line_props(st.color, st.width_mm, [d * px_to_mm for d in st.dash_px]))
    return _finish(root, "polygon")


_AGGREGATES = {"mean": ("gemiddelde naar straatlengte", "mean weighted by street length"),
               "pooled": ("over de totalen van het gebied", "of the area's totals"),
               "sum": ("som", "sum"), "median": ("mediaan", "median"),
               "raster_mean": ("gemiddelde over de rastercellen", "mean over the raster cells")}


def areas_qml(*, lang: str = "nl", labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """QML for the CBS areas of a run with ``--areas``: a solid outline, and field aliases.

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.
    labels
        ``areas.attrs["labels"]`` of :func:`wijkkracht.core.areas.summarise_by_area`: column ->
        label, unit and aggregate; each becomes the alias "label (unit), aggregate".

    Returns
    -------
    str
        The QML document (single-symbol renderer, fill symbol with a line layer).
    """
    st = areas_style()
    root = _root("Symbology|Fields")
    renderer = _renderer(root, "singleSymbol")
    symbols = ET.SubElement(renderer, "symbols")
    symbol = _symbol(symbols, "0", "fill")
    _symbol_layer(symbol, "SimpleLine", _line_props(st.color, st.width_mm, []))
    nl = lang == "nl"
    aliases = {"area_code": "CBS-code" if nl else "CBS code",
               "area_name": "Naam" if nl else "Name",
               "segments": "Straatsegmenten" if nl else "Street segments",
               "street_m": "Straatlengte (m)" if nl else "Street length (m)"}
    for column, lab in (labels or {}).items():
        agg = _AGGREGATES.get(str(lab.get("aggregate")), (lab.get("aggregate"),) * 2)
        aliases[column] = (f"{lab[lang]} ({lab['unit_' + lang]}), "
                           f"{agg[0] if nl else agg[1]}")
    _aliases(root, aliases)
    return _finish(root, "polygon")


def _fill_symbol(parent: ET.Element, name: str, fill: str, stroke: str, width_mm: float,
                 alpha: int = 255) -> None:
    props = {
        "border_width_map_unit_scale": _UNIT_SCALE,
        "color": qgis_color(fill, alpha),
        "joinstyle": "bevel",
        "offset": "0,0",
        "offset_map_unit_scale": _UNIT_SCALE,
        "offset_unit": "MM",
        "outline_color": qgis_color(stroke),
        "outline_style": "solid",
        "outline_width": f"{width_mm:g}",
        "outline_width_unit": "MM",
        "style": "solid",
    }
    _symbol_layer(_symbol(parent, name, "fill"), "SimpleFill", props)


_SPENDING_ZONE_ALIASES = {
    "code": ("Code", "Code"),
    "name": ("Naam", "Name"),
    "demand": ("Vraag (woningen)", "Demand (dwellings)"),
    "retained_share": ("Aandeel in het eigen gebied besteed", "Share kept in the zone"),
    "leaked_share": ("Aandeel weglekkend", "Share leaking out"),
    "beyond_reach_share": ("Aandeel buiten bereik", "Share beyond reach"),
    "drawn": ("Aangetrokken bestedingen (woningen)", "Spending drawn (dwellings)"),
    "inflow_share": ("Aandeel van buiten het gebied", "Share drawn from elsewhere"),
}


def spending_zones_qml(*, lang: str = "nl") -> str:
    """QML for the spending zones: polygons graduated on ``retained_share``.

    The classes and colours are those of the indicator ``spend_kept_share`` (the share of a
    street's spending kept in its own zone), so a zone and its streets read alike; the fill is
    partly transparent over the streets, the outline that of the areas (:func:`areas_style`).

    Parameters
    ----------
    lang
        Language of the class labels and field aliases, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document (graduated renderer, fill symbols).
    """
    style = indicator_style("spend_kept_share")
    outline = areas_style()
    root = _root("Symbology|Fields")
    renderer = _renderer(root, "graduatedSymbol", attr="retained_share",
                         graduatedMethod="GraduatedColor")
    _graduated_classes(renderer, style, lang, lambda symbols, i, color: _fill_symbol(
        symbols, i, color, outline.color, outline.width_mm, alpha=180))
    _aliases(root, {k: v[0] if lang == "nl" else v[1]
                    for k, v in _SPENDING_ZONE_ALIASES.items()})
    return _finish(root, "polygon")


def spending_scenarios_qml(*, lang: str = "nl") -> str:
    """QML for the spending scenarios: the vacant shop fronts, as vacant POIs are drawn.

    Parameters
    ----------
    lang
        Accepted for a signature like the other styles'; the single symbol has no label.

    Returns
    -------
    str
        The QML document (single-symbol renderer, a circle marker).
    """
    del lang
    st = poi_style("vacant")
    root = _root()
    renderer = _renderer(root, "singleSymbol")
    symbols = ET.SubElement(renderer, "symbols")
    _marker_symbol(symbols, "0", st.fill, st.stroke, st.size_mm * 1.5)
    return _finish(root, "point")


def _option_map(parent: ET.Element, options: list[tuple[str, str, str]]) -> None:
    opt = ET.SubElement(parent, "Option", type="Map")
    for kind, name, value in options:
        ET.SubElement(opt, "Option", type=kind, name=name, value=value)


def raster_qml(name: str, *, lang: str = "nl") -> str:
    """QML for an intensity surface: singleband pseudocolor, discrete classes from the spec.

    A value of 0 (nothing within reach) and nodata are transparent; the classes are those of
    :func:`wijkkracht.styles.raster_style`, labelled in ``lang``, and the layer's opacity that
    of the spec. QGIS loads the file ``<raster>.qml`` beside a raster as its default style.

    Parameters
    ----------
    name
        A registered surface, e.g. ``"business_intensity"``.
    lang
        Language of the class labels, ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The QML document (what QGIS 3.22 writes for this renderer).
    """
    st = raster_style(name)
    root = _root()
    ddp = ET.SubElement(ET.SubElement(root, "pipe-data-defined-properties"), "Option",
                        type="Map")
    ET.SubElement(ddp, "Option", type="QString", name="name", value="")
    ET.SubElement(ddp, "Option", name="properties")
    ET.SubElement(ddp, "Option", type="QString", name="type", value="collection")
    pipe = ET.SubElement(root, "pipe")
    provider = ET.SubElement(pipe, "provider")
    ET.SubElement(provider, "resampling", zoomedInResamplingMethod="nearestNeighbour",
                  zoomedOutResamplingMethod="nearestNeighbour", maxOversampling="2",
                  enabled="false")
    top = st.breaks[-1]
    renderer = ET.SubElement(pipe, "rasterrenderer", {
        "type": "singlebandpseudocolor", "alphaBand": "-1", "opacity": f"{st.opacity:g}",
        "nodataColor": "", "classificationMin": "0", "classificationMax": f"{top:g}",
        "band": "1"})
    limits = ET.SubElement(renderer, "minMaxOrigin")
    for tag, text in (("limits", "None"), ("extent", "WholeRaster"),
                      ("statAccuracy", "Estimated"), ("cumulativeCutLower", "0.02"),
                      ("cumulativeCutUpper", "0.98"), ("stdDevFactor", "2")):
        ET.SubElement(limits, tag).text = text
    shader = ET.SubElement(ET.SubElement(renderer, "rastershader"), "colorrampshader", {
        "colorRampType": "DISCRETE", "classificationMode": "1", "clip": "0",
        "labelPrecision": str(st.decimals), "minimumValue": "0", "maximumValue": f"{top:g}"})
    # value <= item value takes the item: exactly 0 (nothing within reach) is transparent
    ET.SubElement(shader, "item", alpha="0", value="0", label="0", color=st.colors[0])
    uppers = [f"{b:g}" for b in st.breaks] + ["inf"]
    for (label, color), upper in zip(st.legend(lang), uppers, strict=True):
        ET.SubElement(shader, "item", alpha="255", value=upper, label=label, color=color)
    legend = ET.SubElement(shader, "rampLegendSettings", {
        "suffix": "", "prefix": "", "direction": "0", "useContinuousLegend": "1",
        "minimumLabel": "", "maximumLabel": "", "orientation": "2"})
    fmt = ET.SubElement(legend, "numericFormat", id="basic")
    _option_map(fmt, [("QChar", "decimal_separator", "," if lang == "nl" else ""),
                      ("int", "decimals", str(st.decimals)), ("int", "rounding_type", "0"),
                      ("bool", "show_plus", "false"),
                      ("bool", "show_thousand_separator", "true"),
                      ("bool", "show_trailing_zeros", "false"),
                      ("QChar", "thousand_separator", "")])
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(pipe, "huesaturation", grayscaleMode="0", colorizeOn="0", colorizeRed="255",
                  colorizeGreen="128", colorizeBlue="128", colorizeStrength="100",
                  saturation="0", invertColors="0")
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    ET.SubElement(pipe, "resamplingStage").text = "resamplingFilter"
    ET.SubElement(root, "blendMode").text = "0"
    ET.indent(root, space="  ")
    return _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


def with_aliases(qml: str | None, aliases: Mapping[str, str]) -> str:
    """``qml`` with field aliases added for the fields it has none for (its own win).

    The QML of this module is extended as text (it is never parsed: a scanner reads parsing
    XML as a risk), its ``<aliases>`` block grown or added before ``<blendMode>``.

    Parameters
    ----------
    qml
        A QML document of this module; ``None``: a document with the aliases only (the style
        of a table, or of a layer without symbology).
    aliases
        Field -> alias, e.g. from :func:`wijkkracht.styles.aliases.layer_aliases`.

    Returns
    -------
    str
        The QML document; its ``styleCategories`` include ``Fields``.
    """
    if qml is None:
        root = _root("Fields")
        _aliases(root, aliases)
        ET.indent(root, space="  ")
        return _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"
    have = {html.unescape(f) for f in re.findall(r'<alias field="([^"]*)"', qml)}
    new = [(f, a) for f, a in aliases.items() if f not in have]
    lines = "".join(
        "    " + ET.tostring(ET.Element("alias", field=f, index=str(len(have) + i), name=a),
                             encoding="unicode") + "\n"
        for i, (f, a) in enumerate(new))
    if lines and "  </aliases>\n" in qml:
        qml = qml.replace("  </aliases>\n", lines + "  </aliases>\n", 1)
    elif lines:
        qml = qml.replace("  <blendMode>", f"  <aliases>\n{lines}  </aliases>\n  <blendMode>", 1)
    categories = re.search(r'styleCategories="([^"]*)"', qml)
    if categories and "Fields" not in categories.group(1).split("|"):
        qml = qml.replace(categories.group(0),
                          f'styleCategories="{categories.group(1)}|Fields"', 1)
    return qml
