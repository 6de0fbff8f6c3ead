"""The source layers load styled from the one style specification, as the analysis's outputs do:
*Fetch OSM streets and POIs* (the walking network by segment kind, the POIs N / O / other /
vacant from their OSM tag, the study area as an outline), *Load BAG addresses* (units by use and
status) and *Load establishments* (N / O / other from the SBI code, or not active), with labels
in the QGIS language, run as the toolbox runs them (``processing.runAndLoadResults``).

Each categorized style is checked against the spec (colours, labels, order) and its expression
evaluated by QGIS on every feature against the library's own classification, so that the map's
classes are the analysis's. OpenStreetMap comes from the local stand-in ``osm_server`` of
``tests/qgis/conftest.py`` (never the internet); the BAG and the establishments are SYNTHETIC
(``synthetic``, seed 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.categories import NO_CLASSES
from wijkkracht.core.segments import KINDS, segment_kinds
from wijkkracht.styles import (
    area_style,
    bag_unit_class_of,
    bag_unit_classes,
    bag_unit_label,
    bag_unit_style,
    establishment_class_of,
    establishment_classes,
    establishment_label,
    establishment_style,
    network_kinds,
    network_style,
    poi_classes,
    poi_label,
    poi_style,
    poi_tag_class,
)
from wijkkracht.styles.aliases import FIELDS
from wijkkracht.styles.qml import (
    BAG_UNIT_CLASS_EXPRESSION,
    NETWORK_KIND_EXPRESSION,
    establishment_class_expression,
    poi_tag_class_expression,
)

REFERENCE_DATE = "2026-01-01"

pytestmark = pytest.mark.usefixtures("no_internet")


def _categories(layer: Any) -> dict[str, tuple[str, str]]:
    """value -> (label, colour) of the layer's categorized renderer, in legend order."""
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol", renderer.type()
    return {c.value(): (c.label(), c.symbol().color().name()) for c in renderer.categories()}


def _classes(layer: Any, expression: str) -> list[Any]:
    """``expression`` evaluated by QGIS on every feature of ``layer``, in feature order."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    expr = QgsExpression(expression)
    assert not expr.hasParserError(), expr.parserErrorString()
    context = QgsExpressionContext()
    context.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    expr.prepare(context)
    out = []
    for feature in layer.getFeatures():
        context.setFeature(feature)
        value = expr.evaluate(context)
        assert not expr.hasEvalError(), expr.evalErrorString()
        out.append(None if value is None or (hasattr(value, "isNull") and value.isNull())
                   else value)
    return out


def _values(layer: Any, field: str) -> list[Any]:
    return [None if v is None or (hasattr(v, "isNull") and v.isNull()) else v
            for v in (f[field] for f in layer.getFeatures())]


def _alias(layer: Any, field: str) -> str:
    return layer.attributeAlias(layer.fields().indexOf(field))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_fetched_layers_are_styled(lang: str, qgis_language: Any, run_and_load: Any,
                                   osm_server: Any, osm_replay: Any, tmp_path: Path) -> None:
    qgis_language(lang)
    layers = run_and_load("fetchosm", PLACE=osm_replay.PLACE_QUERY, BUFFER=100.0,
                          CACHE_DIR=str(tmp_path / "cache"), OVERPASS_URL=osm_server.overpass_url,
                          NOMINATIM_URL=osm_server.nominatim_url)
    assert set(layers) == {"STREETS_OUT", "POIS_OUT", "AREA_OUT"}

    # the walking network by segment kind, streets on top
    streets = layers["STREETS_OUT"]
    assert streets.renderer().classAttribute() == NETWORK_KIND_EXPRESSION
    assert _categories(streets) == {
        kind: (KINDS[kind](lang), network_style(kind).color.lower()) for kind in network_kinds()}
    assert streets.renderer().usingSymbolLevels()
    passes = {c.value(): c.symbol().symbolLayer(0).renderingPass()
              for c in streets.renderer().categories()}
    assert passes["street"] > passes["service"] > passes["path"]
    kinds = _classes(streets, NETWORK_KIND_EXPRESSION)
    expected = segment_kinds(np.array([h or "" for h in _values(streets, "highway")],
                                      dtype=object),
                             np.array([f or "" for f in _values(streets, "footway")],
                                      dtype=object))
    assert kinds == expected.tolist()
    assert {"street", "service", "path"} <= set(kinds)
    assert _alias(streets, "footway") == FIELDS["footway"](lang)
    assert _alias(streets, "highway") == FIELDS["highway"](lang)

    # the POIs as the analysis's: N / O / other / vacant, from their tag
    pois = layers["POIS_OUT"]
    expression = poi_tag_class_expression()
    assert pois.renderer().classAttribute() == expression
    assert _categories(pois) == {cls: (poi_label(cls, lang), poi_style(cls).fill.lower())
                                 for cls in poi_classes()}
    classes = _classes(pois, expression)
    assert classes == [poi_tag_class(t) for t in _values(pois, "tag")]
    assert {"N", "O", "vacant"} <= set(classes) and None in classes  # parkings: not drawn
    if lang == "nl":
        assert _categories(pois)["N"][0] == NO_CLASSES["N"].nl == "Noodzakelijk"
    assert _alias(pois, "tag") == FIELDS["tag"](lang)

    # the study area as a dashed outline
    area = layers["AREA_OUT"]
    assert area.renderer().type() == "singleSymbol"
    outline = area.renderer().symbol().symbolLayer(0)
    assert outline.layerType() == "SimpleLine"
    assert outline.color().name() == area_style().color.lower()
    for key, layer in layers.items():
        assert "OpenStreetMap" in layer.metadata().abstract(), key


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bag_units_are_styled_by_use_and_status(lang: str, qgis_language: Any, run_and_load: Any,
                                                synthetic: dict[str, Path]) -> None:
    qgis_language(lang)
    units = run_and_load("loadbag", INPUT=str(synthetic["bag"]),
                         LAYER="verblijfsobject_synthetic")["OUTPUT"]
    renderer = units.renderer()
    assert renderer.classAttribute() == BAG_UNIT_CLASS_EXPRESSION
    cats = _categories(units)
    assert list(cats) == list(bag_unit_classes())
    assert cats == {cls: (bag_unit_label(cls, lang), bag_unit_style(cls).fill.lower())
                    for cls in bag_unit_classes()}
    if lang == "nl":
        assert cats["winkelfunctie"][0] == "Winkelfunctie"
        assert cats["out_of_use"][0] == "Buiten gebruik"
    else:
        assert cats["winkelfunctie"][0] == "Retail (winkelfunctie)"
    # housing small and underneath, units out of use on top
    sizes = {c.value(): c.symbol().size() for c in renderer.categories()}
    passes = {c.value(): c.symbol().symbolLayer(0).renderingPass()
              for c in renderer.categories()}
    assert renderer.usingSymbolLevels()
    assert sizes["woonfunctie"] < sizes["winkelfunctie"]
    assert passes["woonfunctie"] < passes["winkelfunctie"] < passes["out_of_use"]
    classes = _classes(units, BAG_UNIT_CLASS_EXPRESSION)
    expected = [bag_unit_class_of(u, s) for u, s in
                zip(_values(units, "gebruiksdoel"), _values(units, "status"), strict=True)]
    assert classes == expected
    counts = pd.Series(classes).value_counts()
    assert counts.index[0] == "woonfunctie"
    assert {"winkelfunctie", "kantoorfunctie", "out_of_use"} <= set(counts.index)
    # a shop with a dwelling or an office is a shop: the first non-residential use
    assert bag_unit_class_of("kantoorfunctie,winkelfunctie", "Verblijfsobject in gebruik") == \
        "winkelfunctie"
    assert _alias(units, "gebruiksdoel") == FIELDS["gebruiksdoel"](lang)
    assert "SYNTHETIC" in units.metadata().abstract()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_establishments_are_styled_by_sbi_class(lang: str, qgis_language: Any, run_and_load: Any,
                                                wijkkracht_run: Any,
                                                synthetic: dict[str, Path]) -> None:
    from wijkkracht.data_sources.bundled import default_sbi_mapping

    qgis_language(lang)
    bag = wijkkracht_run("loadbag", INPUT=str(synthetic["bag"]),
                         LAYER="verblijfsobject_synthetic")["OUTPUT"]
    layers = run_and_load("loadestablishments", INPUT=str(synthetic["establishments"]),
                          BAG=bag, REFERENCE_DATE=REFERENCE_DATE)
    est = layers["OUTPUT"]
    expression = establishment_class_expression()
    assert est.renderer().classAttribute() == expression
    cats = _categories(est)
    assert cats == {cls: (establishment_label(cls, lang), establishment_style(cls).fill.lower())
                    for cls in establishment_classes()}
    # N / O / other in the colours and labels of the POIs
    assert {cls: cats[cls] for cls in ("N", "O", "other")} == {
        cls: (poi_label(cls, lang), poi_style(cls).fill.lower()) for cls in ("N", "O", "other")}
    if lang == "nl":
        assert cats["N"][0] == "Noodzakelijk"
        assert cats["inactive"][0] == "Niet actief op de peildatum"
    classes = _classes(est, expression)
    mapping = default_sbi_mapping()
    expected = [establishment_class_of(mapping.classify(code) if code else None, active)
                for code, active in zip(_values(est, "sbi_code"), _values(est, "active"),
                                        strict=True)]
    assert classes == expected
    assert {"N", "O", "other", "inactive"} <= set(classes)
    assert _alias(est, "sbi_code") == FIELDS["sbi_code"](lang)
    # the table of the rows not used has no symbology, only aliases
    problems = layers["PROBLEMS"]
    assert not problems.isSpatial()
    assert _alias(problems, "reason") == FIELDS["reason"](lang)


def test_sbi_expression_follows_the_mapping(qgis_app: Any) -> None:
    """Every prefix of the bundled mapping, a code under it and a section letter: the
    expression gives what :meth:`SbiMapping.classify` gives."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsFeature, QgsField, QgsFields

    from wijkkracht.core.sbi import SECTIONS
    from wijkkracht.data_sources.bundled import default_sbi_mapping
    from wijkkracht.processing.compat import field_type

    mapping = default_sbi_mapping()
    codes = set(SECTIONS)
    for prefix in mapping.prefixes:
        if prefix.isdigit():
            codes |= {prefix, (prefix + "999")[:5], (prefix + "000")[:5]}
        else:
            lo, hi = SECTIONS[prefix]
            codes |= {f"{lo:02d}", f"{hi:02d}99"}
    fields = QgsFields()
    fields.append(QgsField("sbi_code", field_type("string")))
    fields.append(QgsField("active", field_type("bool")))
    expr = QgsExpression(establishment_class_expression())
    context = QgsExpressionContext()
    for code in sorted(codes):
        for active in (True, False):
            feature = QgsFeature(fields)
            feature.setAttributes([code, active])
            context.setFeature(feature)
            got = expr.evaluate(context)
            assert not expr.hasEvalError(), expr.evalErrorString()
            assert got == establishment_class_of(mapping.classify(code), active), code
