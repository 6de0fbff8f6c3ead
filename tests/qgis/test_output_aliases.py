"""Every layer the algorithms add to the project is styled from the one spec and names every field
(but the feature id and the geometry) in the QGIS language, from the registered labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wijkkracht.core.indicators.registry import indicator

REPO = Path(__file__).resolve().parents[2]
CBS = REPO / "tests" / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
REFERENCE_DATE = "2025-06-30"


def _unnamed(layer: Any) -> list[str]:
    """The fields of ``layer`` without an alias (the feature id aside)."""
    return [f.name() for i, f in enumerate(layer.fields())
            if f.name() != "fid" and not layer.attributeAlias(i)]


def _alias(layer: Any, field: str) -> str:
    index = layer.fields().indexOf(field)
    assert index >= 0, field
    return layer.attributeAlias(index)


def test_every_output_of_the_analysis_is_styled_and_named_in_dutch(
        qgis_processing: Any, wijkkracht_provider: Any, demo_layers: dict[str, Any],
        synthetic: dict[str, Path], qgis_language: Any, project: Any) -> None:
    from qgis.core import (
        QgsApplication,
        QgsProcessingParameterFeatureSink,
        QgsVectorLayer,
    )

    qgis_language("nl")
    bag = qgis_processing.run("wijkkracht:loadbag", {
        "INPUT": str(synthetic["bag"]), "LAYER": "verblijfsobject_synthetic",
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    params: dict[str, Any] = {
        "STREETS": demo_layers["streets"], "POIS": demo_layers["pois"],
        "AREA": demo_layers["study_area"], "BAG": bag,
        "ESTABLISHMENTS": str(synthetic["establishments"]), "REFERENCE_DATE": REFERENCE_DATE,
        "AREAS": f"{CBS}|layername=buurten", "SPENDING": True}
    definition = QgsApplication.processingRegistry().algorithmById(
        "wijkkracht:neighbourhoodanalysis")
    for p in definition.parameterDefinitions():
        if isinstance(p, QgsProcessingParameterFeatureSink):
            params[p.name()] = "TEMPORARY_OUTPUT"
    results = qgis_processing.runAndLoadResults("wijkkracht:neighbourhoodanalysis", params)
    layers = {k: project.mapLayer(v) for k, v in results.items()
              if isinstance(v, str) and isinstance(project.mapLayer(v), QgsVectorLayer)}
    assert {"STREETS_OUT", "NAMED_STREETS", "POIS_OUT", "AREA_OUT", "PROFILE", "AREAS_OUT",
            "PROBLEMS", "SPENDING_ZONES", "SPENDING_CATCHMENT",
            "SPENDING_SCENARIOS"} <= set(layers), set(layers)
    for key, layer in layers.items():
        assert _unnamed(layer) == [], (key, _unnamed(layer))
    # styled from the spec: no layer keeps QGIS's random single symbol
    renderers = {k: layer.renderer().type() for k, layer in layers.items()
                 if layer.isSpatial() and k != "PROBLEMS"}
    assert renderers == {"STREETS_OUT": "categorizedSymbol",
                         "NAMED_STREETS": "categorizedSymbol",
                         "POIS_OUT": "categorizedSymbol", "AREA_OUT": "singleSymbol",
                         "AREAS_OUT": "singleSymbol", "SPENDING_ZONES": "graduatedSymbol",
                         "SPENDING_SCENARIOS": "singleSymbol"}
    zones = layers["SPENDING_ZONES"]
    assert zones.renderer().classAttribute() == "retained_share"
    # in Dutch, from the registered labels
    assert _alias(layers["STREETS_OUT"], "mxi_400") == indicator("mxi_400").title("nl")
    assert _alias(layers["POIS_OUT"], "no_class") == "N/O-klasse"
    assert _alias(layers["AREA_OUT"], "street_km") == "Straatlengte (km)"
    assert _alias(zones, "retained_share") == "Aandeel in het eigen gebied besteed"
    assert _alias(layers["SPENDING_SCENARIOS"], "retained_share_after") == \
        "Aandeel in het eigen gebied, met de winkel"
    assert _alias(layers["SPENDING_CATCHMENT"], "origin_zone") == "Herkomstgebied"
    assert _alias(layers["PROFILE"], "type_name_nl") == "Kansentype"
    assert _alias(layers["PROFILE"], "p_hill1_400") == \
        "Functiemenging binnen 400 m (Hill q=1), gemiddeld percentiel"
    # the alternative styles of the streets are named by their label, unique
    styles = layers["STREETS_OUT"].styleManager().styles()
    assert "Kansentypen" in styles and indicator("hill1_400").title("nl") in styles
    assert "hill1_400" not in styles and len(set(styles)) == len(styles)
    # switching styles keeps the names of the fields
    manager = layers["STREETS_OUT"].styleManager()
    manager.setCurrentStyle(indicator("mxi_400").title("nl"))
    assert _unnamed(layers["STREETS_OUT"]) == []
    manager.setCurrentStyle("Kansentypen")


def test_bag_and_establishment_layers_are_named(qgis_processing: Any, wijkkracht_provider: Any,
                                                synthetic: dict[str, Path],
                                                qgis_language: Any, project: Any) -> None:
    qgis_language("en")
    bag = project.mapLayer(qgis_processing.runAndLoadResults("wijkkracht:loadbag", {
        "INPUT": str(synthetic["bag"]), "LAYER": "verblijfsobject_synthetic",
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"])
    assert _unnamed(bag) == []
    assert _alias(bag, "gebruiksdoel") == "Use (BAG gebruiksdoel)"
    est = qgis_processing.runAndLoadResults("wijkkracht:loadestablishments", {
        "INPUT": str(synthetic["establishments"]), "BAG": bag,
        "REFERENCE_DATE": REFERENCE_DATE, "OUTPUT": "TEMPORARY_OUTPUT",
        "PROBLEMS": "TEMPORARY_OUTPUT"})
    for key in ("OUTPUT", "PROBLEMS"):
        layer = project.mapLayer(est[key])
        assert _unnamed(layer) == [], (key, _unnamed(layer))
    assert _alias(project.mapLayer(est["OUTPUT"]), "sbi_code") == "SBI code"
