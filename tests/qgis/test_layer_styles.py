"""Outputs loaded into the project come styled from the one style specification, with labels in
the QGIS language and the OpenStreetMap attribution in their metadata."""

from __future__ import annotations

from typing import Any

import pytest

from wijkkracht.core.categories import NO_CLASSES
from wijkkracht.core.indicators.registry import indicator
from wijkkracht.core.streets import UNTYPED
from wijkkracht.core.typology import ARCHETYPES
from wijkkracht.styles import indicator_style, poi_classes, poi_label, type_colors
from wijkkracht.styles.qml import POI_CLASS_EXPRESSION


def _categories(layer: Any) -> dict[str, tuple[str, str]]:
    renderer = layer.renderer()
    return {c.value(): (c.label(), c.symbol().color().name()) for c in renderer.categories()}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_analysis_outputs_are_styled(lang: str, qgis_language: Any, run_and_load: Any,
                                     demo_layers: dict[str, Any]) -> None:
    qgis_language(lang)
    layers = run_and_load("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                          POIS=demo_layers["pois"], AREA=demo_layers["study_area"])
    streets = layers["STREETS_OUT"]
    assert streets.renderer().type() == "categorizedSymbol"
    assert streets.renderer().classAttribute() == "type_key"
    cats = _categories(streets)
    # every type of the data (a second type of an archetype, a neutral type) and every
    # archetype, in their colours
    name_field = f"type_name_{lang}"
    present = {f["type_key"]: f[name_field] for f in streets.getFeatures()}
    assert set(present) <= set(cats)
    assert {k: v[1] for k, v in cats.items()} == \
        {k: c.lower() for k, c in type_colors(present).items()}
    # the types of the data by their names, the other archetypes by theirs; the segments
    # without a type as what they are
    assert all(cats[key][0] == name for key, name in present.items())
    assert all(cats[key][0] == (ARCHETYPES[key].name(lang) if key in ARCHETYPES
                                else UNTYPED[key](lang))
               for key in cats if key not in present)
    alias = streets.attributeAlias(streets.fields().indexOf("dist_supermarket_m"))
    assert alias == indicator("dist_supermarket_m").title(lang)
    # the paths thin, under the streets (symbol levels)
    renderer = streets.renderer()
    assert renderer.usingSymbolLevels()
    widths = {c.value(): c.symbol().width() for c in renderer.categories()}
    passes = {c.value(): c.symbol().symbolLayer(0).renderingPass()
              for c in renderer.categories()}
    assert widths["untyped_path"] < widths["untyped_street"] < widths["lively_centre"]
    assert passes["untyped_path"] < passes["untyped_street"] < passes["lively_centre"]
    kind = streets.fields().indexOf("kind")
    assert streets.editorWidgetSetup(kind).type() == "ValueMap"
    assert streets.attributeAlias(kind) == ("Soort segment" if lang == "nl" else "Segment kind")

    named = layers["NAMED_STREETS"]
    assert named.renderer().type() == "categorizedSymbol"
    assert named.renderer().classAttribute() == "main_type_key"
    assert {k: v[1] for k, v in _categories(named).items()} == \
        {k: c.lower() for k, c in type_colors(present).items()}
    alias = named.attributeAlias(named.fields().indexOf("dist_supermarket_m_mean"))
    assert alias == indicator("dist_supermarket_m").title(lang) + (
        ", gemiddelde naar straatlengte" if lang == "nl" else ", mean weighted by street length")
    assert named.attributeAlias(named.fields().indexOf("main_type_share")) == (
        "Aandeel hoofdtype in de lengte" if lang == "nl" else "Main type's share of the length")
    assert named.featureCount() > 50

    pois = layers["POIS_OUT"]
    assert pois.renderer().type() == "categorizedSymbol"
    assert pois.renderer().classAttribute() == POI_CLASS_EXPRESSION
    assert {k: v[0] for k, v in _categories(pois).items()} == {
        cls: poi_label(cls, lang) for cls in poi_classes()}
    if lang == "nl":
        assert _categories(pois)["N"][0] == NO_CLASSES["N"].nl == "Noodzakelijk"

    assert layers["AREA_OUT"].renderer().type() == "singleSymbol"
    for key, layer in layers.items():
        abstract = layer.metadata().abstract()
        assert "OpenStreetMap" in abstract, key
        assert layer.metadata().rights() and "OpenStreetMap" in layer.metadata().rights()[0]
    title = {"nl": "Straten met indicatoren en kansentypen",
             "en": "Streets with indicators and opportunity types"}[lang]
    assert streets.metadata().abstract().startswith(title)


@pytest.mark.parametrize(("alg", "main"), [("proximity", "everyday_800"),
                                           ("mixeduse", "hill1_400"),
                                           ("nomix", "no_balance_400"),
                                           ("vacancy", "vacancy_share_400")])
def test_indicator_outputs_are_graduated(alg: str, main: str, run_and_load: Any,
                                         demo_layers: dict[str, Any], qgis_language: Any) -> None:
    qgis_language("nl")
    layer = run_and_load(alg, STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                         AREA=demo_layers["study_area"])["OUTPUT"]
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == main
    style = indicator_style(main)
    ranges = renderer.ranges()
    assert [r.symbol().color().name() for r in ranges] == [c.lower() for c in style.colors]
    assert [r.label() for r in ranges] == [c.label("nl") for c in style.classes]
    assert [r.lowerValue() for r in ranges] == [c.lower for c in style.classes]
    assert "OpenStreetMap" in layer.metadata().abstract()


def test_typology_output_is_categorized(run_and_load: Any, demo_layers: dict[str, Any],
                                        qgis_processing: Any, qgis_language: Any) -> None:
    qgis_language("en")
    analysis = qgis_processing.run(
        "wijkkracht:neighbourhoodanalysis",
        {"STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
         "AREA": demo_layers["study_area"], "STREETS_OUT": "TEMPORARY_OUTPUT",
         "POIS_OUT": "TEMPORARY_OUTPUT", "AREA_OUT": "TEMPORARY_OUTPUT",
         "PROFILE": "TEMPORARY_OUTPUT"})
    layers = run_and_load("classifystreets", INPUT=analysis["STREETS_OUT"], K=3)
    typed = layers["OUTPUT"]
    assert typed.renderer().type() == "categorizedSymbol"
    present = {f["type_key"]: f["type_name_en"] for f in typed.getFeatures()}
    # three types, and the segments without one (streets without addresses, paths)
    assert set(present) - set(UNTYPED) and len(set(present) - set(UNTYPED)) == 3
    assert set(present) & set(UNTYPED) == set(UNTYPED)
    cats = _categories(typed)
    assert all(cats[key][0] == name for key, name in present.items())
    assert all(cats[key][1] == type_colors(present)[key].lower() for key in present)
    assert not layers["PROFILE"].isSpatial()
    assert "OpenStreetMap" in layers["PROFILE"].metadata().abstract()
