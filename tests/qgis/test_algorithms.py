"""Every algorithm of the provider, run by QGIS's Processing on the bundled Kanaleneiland data,
gives what the library gives for the same inputs: the same rows, fields and values."""

from __future__ import annotations

import dataclasses
import html
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.indicators import INDICATORS
from wijkkracht.core.result import AnalysisResult
from wijkkracht.core.typology import TYPE_COLUMNS, TYPOLOGY_FEATURES
from wijkkracht.demo import analyse_demo

ALGORITHM_IDS = {
    "wijkkracht:neighbourhoodanalysis",
    "wijkkracht:fetchosm",
    "wijkkracht:loadbag",
    "wijkkracht:loadestablishments",
    "wijkkracht:proximity",
    "wijkkracht:mixeduse",
    "wijkkracht:nomix",
    "wijkkracht:vacancy",
    "wijkkracht:intensityrasters",
    "wijkkracht:classifystreets",
    "wijkkracht:fittypologymodel",
    "wijkkracht:exportwebmap",
    "wijkkracht:report",
}
INDICATOR_ALGORITHMS = {"proximity": "proximity", "mixeduse": "mixed_use", "nomix": "no_mix",
                        "vacancy": "vacancy"}
#: The segment fields every streets output starts with (core.pipeline.SEGMENT_COLUMNS).
SEGMENT_FIELDS = ["segment_id", "osm_id", "street_name", "highway", "kind", "is_street",
                  "length_m"]


def layer_frame(layer: Any) -> pd.DataFrame:
    """A QGIS layer's attributes (NULL -> None) and geometry (shapely), read independently of
    wijkkracht's own conversion."""
    names = [f.name() for f in layer.fields()]
    rows, geoms = [], []
    for feature in layer.getFeatures():
        rows.append([None if v is None or (hasattr(v, "isNull") and v.isNull()) else v
                     for v in feature.attributes()])
        g = feature.geometry()
        geoms.append(None if g.isNull() else shapely.from_wkb(bytes(g.asWkb())))
    frame = pd.DataFrame(rows, columns=names)
    if layer.isSpatial():
        frame["geometry"] = geoms
    return frame


def assert_same_values(got: pd.Series, expected: pd.Series, name: str) -> None:
    """Identical values; None/NaN/pandas NA all mean missing."""
    a = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in got]
    b = [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else
         (v.item() if hasattr(v, "item") else v) for v in expected]
    assert a == b, name


def assert_same_geometry(got: pd.Series, expected: Any) -> None:
    assert bool(np.all(shapely.equals_exact(np.asarray(list(got), dtype=object),
                                            np.asarray(list(expected), dtype=object), 0.0)))


@pytest.fixture(scope="module")
def core_result() -> AnalysisResult:
    """The library's analysis of the same data (read by the library itself), OpenStreetMap only
    (the demo's synthetic BAG/KvK layers and opening hours are not among the QGIS layers)."""
    return analyse_demo(synthetic_bag=False, synthetic_hours=False)


@pytest.fixture(scope="module")
def run(wijkkracht_run: Any) -> Any:
    """``run(alg, **params)``: the conftest's ``wijkkracht_run`` (memory outputs for unset
    sinks)."""
    return wijkkracht_run


@pytest.fixture(scope="module")
def analysis(run: Any, demo_layers: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Any]:
    """The neighbourhood analysis of the demo layers (with the map)."""
    html = tmp_path_factory.mktemp("analysis") / "kaart.html"
    return run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
               POIS=demo_layers["pois"], AREA=demo_layers["study_area"], HTML=str(html))


def test_provider_offers_every_algorithm(wijkkracht_provider: Any) -> None:
    from wijkkracht.processing.base import OSM_NOTICE
    from wijkkracht.processing.i18n import tr

    algorithms = {a.id(): a for a in wijkkracht_provider.algorithms()}
    assert set(algorithms) == ALGORITHM_IDS
    assert wijkkracht_provider.id() == "wijkkracht" and not wijkkracht_provider.icon().isNull()
    groups = {a.groupId() for a in algorithms.values()}
    assert groups == {"analysis", "data", "indicators", "typology", "output"}
    for alg in algorithms.values():
        assert alg.displayName() and alg.shortDescription() and not alg.icon().isNull()
        # ends with the licence (and privacy) notices of the data it reads
        help_text = alg.shortHelpString()
        notices = type(alg).NOTICES
        assert notices and all(html.escape(tr(n)) in help_text for n in notices), alg.id()
        assert ("OpenStreetMap" in help_text) == (OSM_NOTICE in notices)
        for param in alg.parameterDefinitions():
            assert param.help(), f"{alg.id()}: parameter {param.name()} has no help"
            assert param.name() == param.name().upper()


def test_help_lists_the_output_fields_from_the_registry(wijkkracht_provider: Any) -> None:
    alg = wijkkracht_provider.algorithm("proximity")
    text = alg.shortHelpString()
    for name, ind in INDICATORS.items():
        assert (f"<b>{name}</b>" in text) == (ind.group == "proximity")
    assert "Walking distance supermarket" in text or "Loopafstand supermarkt" in text
    assert "Moreno" in text  # the reference


def test_advanced_parameters(wijkkracht_provider: Any) -> None:
    from qgis.core import QgsProcessingParameterDefinition

    alg = wijkkracht_provider.algorithm("neighbourhoodanalysis")
    advanced = {p.name() for p in alg.parameterDefinitions()
                if p.flags() & QgsProcessingParameterDefinition.FlagAdvanced}
    assert {"CATEGORIES", "SNAP_DISTANCE", "KEEP_ALL_COMPONENTS", "K_AUTO", "K_MIN", "K_MAX",
            "SEED", "LANGUAGE", "ESTABLISHMENTS_MAPPING", "HOURS_WEEK", "HOURS_RADIUS",
            "HUFF_DECAY", "HUFF_BETA", "HUFF_LAMBDA", "HUFF_CUTOFF", "SPENDING_MEASURE",
            "SPENDING_PER_DWELLING", "SCENARIO_FLOOR_AREA", "SPENDING_ZONES_IN", "ADDED_SHOPS",
            "TYPOLOGY_EXTRA", "TYPOLOGY_SEGMENTS"} == advanced


@pytest.mark.parametrize("alg", sorted(INDICATOR_ALGORITHMS))
def test_indicator_algorithm_equals_the_library(alg: str, run: Any, demo_layers: dict[str, Any],
                                                core_result: AnalysisResult) -> None:
    out = run(alg, STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
              AREA=demo_layers["study_area"])["OUTPUT"]
    group = INDICATOR_ALGORITHMS[alg]
    expected = core_result.streets.reset_index()
    columns = [c for c in expected.columns if c in INDICATORS and INDICATORS[c].group == group]
    got = layer_frame(out)
    assert list(got.columns) == [*SEGMENT_FIELDS, *columns, "geometry"]
    assert len(got) == len(expected) == core_result.metadata["network"]["segments_study_area"]
    for name in [*SEGMENT_FIELDS, *columns]:
        assert_same_values(got[name], expected[name], name)
    assert_same_geometry(got["geometry"], expected.geometry)
    assert out.crs().authid() == "EPSG:28992"


def test_neighbourhood_analysis_equals_the_library(analysis: dict[str, Any],
                                                   core_result: AnalysisResult) -> None:
    streets = layer_frame(analysis["STREETS_OUT"])
    expected = core_result.streets.reset_index()
    assert list(streets.columns) == [*expected.columns.drop("geometry"), "geometry"]
    assert len(streets) == len(expected)
    for name in expected.columns.drop("geometry"):
        assert_same_values(streets[name], expected[name], name)
    assert_same_geometry(streets["geometry"], expected.geometry)

    pois = layer_frame(analysis["POIS_OUT"])
    assert len(pois) == len(core_result.pois)
    for name in ("osm_id", "tag", "no_class", "function", "everyday", "shopfront", "vacant",
                 "segment_id", "offset_m", "in_study_area"):
        assert_same_values(pois[name], core_result.pois[name], name)

    area = layer_frame(analysis["AREA_OUT"])
    for name in core_result.area.columns.drop("geometry"):
        assert_same_values(area[name], core_result.area[name], name)
    assert area["name"].tolist() == ["Kanaleneiland"]

    profile = layer_frame(analysis["PROFILE"])
    assert not analysis["PROFILE"].isSpatial()
    for name in core_result.profile.columns:
        assert_same_values(profile[name], core_result.profile[name], name)


def test_neighbourhood_analysis_writes_the_map(analysis: dict[str, Any],
                                               core_result: AnalysisResult) -> None:
    import json
    from html import unescape

    from wijkkracht.core.layers import LAYER_ATTRIBUTION
    from wijkkracht.output.webmap import DATA_BLOCK_IDS, webmap_html

    html = Path(analysis["HTML"]).read_text(encoding="utf-8")
    # the layers' origin is unknown to QGIS: the general attribution instead of the demo's,
    # and the layers as the sources (the map's sources panel lists them)
    config = re.search(rf'<script type="application/json" id="{DATA_BLOCK_IDS["config"]}">'
                       r"(.*?)</script>", html, re.S)
    assert config
    sources = json.loads(config.group(1))["sources"]
    assert len(sources) == 3 and all(": layer " in s["name"] for s in sources)
    assert {unescape(s["attribution"]) for s in sources} == {LAYER_ATTRIBUTION}
    same_data = dataclasses.replace(core_result, metadata={
        **core_result.metadata, "attribution": LAYER_ATTRIBUTION,
        "sources": [{"name": unescape(s["name"]), "attribution": LAYER_ATTRIBUTION}
                    for s in sources]})
    assert _without_ids(html) == _without_ids(webmap_html(same_data, lang=_language()))


def _language() -> str:
    from wijkkracht.processing.i18n import language

    return language()


def _without_ids(page: str) -> str:
    """The page without Folium's random element ids."""
    return re.sub(r"[0-9a-f]{32}", "ID", page)


@pytest.mark.parametrize("method", [0, 1])
def test_classify_streets_equals_the_library(method: int, run: Any, analysis: dict[str, Any]
                                             ) -> None:
    expected = analyse_demo(synthetic_bag=False, contiguous=method == 1)
    out = run("classifystreets", INPUT=analysis["STREETS_OUT"], METHOD=method)
    typed = layer_frame(out["OUTPUT"])
    assert list(typed.columns[-5:]) == [*TYPE_COLUMNS, "geometry"]
    assert len(typed) == len(expected.streets)
    for name in TYPE_COLUMNS:
        assert_same_values(typed[name], expected.streets[name], name)
    profile = layer_frame(out["PROFILE"])
    for name in expected.profile.columns:
        assert_same_values(profile[name], expected.profile[name], name)


def test_classify_streets_options(run: Any, analysis: dict[str, Any],
                                  core_result: AnalysisResult) -> None:
    from wijkkracht.core.typology import classify_street_layer

    features = ["hill1_400", "everyday_800", "o_count_400"]
    indexes = [list(TYPOLOGY_FEATURES).index(f) for f in features]
    out = run("classifystreets", INPUT=analysis["STREETS_OUT"], FEATURES=indexes, K=4, SEED=7)
    typed = layer_frame(out["OUTPUT"])
    expected, typology = classify_street_layer(core_result.streets, features=features, k=4,
                                               random_state=7)
    assert typology.k == 4
    assert_same_values(typed["type_key"], expected["type_key"], "type_key")


def test_export_webmap_equals_the_library(run: Any, analysis: dict[str, Any],
                                          core_result: AnalysisResult, tmp_path: Path) -> None:
    from wijkkracht.output.webmap import result_for_map, webmap_html

    for lang, index in (("nl", 0), ("en", 1)):
        path = tmp_path / f"kaart_{lang}.html"
        out = run("exportwebmap", STREETS=analysis["STREETS_OUT"], POIS=analysis["POIS_OUT"],
                  AREA=analysis["AREA_OUT"], LANGUAGE=index, OUTPUT=str(path))
        assert out["OUTPUT"] == str(path)
        expected = webmap_html(result_for_map(core_result.streets, core_result.pois,
                                              core_result.area), lang=lang)
        assert _without_ids(path.read_text(encoding="utf-8")) == _without_ids(expected)


def test_export_webmap_streets_only(run: Any, analysis: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "alleen_straten.html"
    run("exportwebmap", STREETS=analysis["STREETS_OUT"], OUTPUT=str(path))
    assert "Kansentypen" in path.read_text(encoding="utf-8") or \
        "Opportunity types" in path.read_text(encoding="utf-8")


def test_progress_reaches_the_end(run: Any, demo_layers: dict[str, Any]) -> None:
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    seen: list[float] = []
    feedback.progressChanged.connect(seen.append)
    run("vacancy", feedback=feedback, STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
        AREA=demo_layers["study_area"])
    texts = feedback.textLog().splitlines()
    assert seen and max(seen) == pytest.approx(100.0)
    assert any("vacancy" in t.lower() or "leegstand" in t.lower() for t in texts), texts


def test_neighbourhood_analysis_returns_the_named_streets(run: Any, demo_layers: dict[str, Any],
                                                         core_result: AnalysisResult) -> None:
    """The named streets: one line per street with its length, main type and type shares,
    the library's values; and the detour check of the network in the log."""
    from qgis.core import QgsProcessingFeedback, QgsWkbTypes

    from wijkkracht.core.diagnostics import detour_summary_text

    feedback = QgsProcessingFeedback()
    out = run("neighbourhoodanalysis", feedback=feedback, STREETS=demo_layers["streets"],
              POIS=demo_layers["pois"], AREA=demo_layers["study_area"])
    layer = out["NAMED_STREETS"]
    assert QgsWkbTypes.flatType(layer.wkbType()) == QgsWkbTypes.MultiLineString
    assert layer.crs().authid() == "EPSG:28992"
    got = layer_frame(layer)
    expected = core_result.named_streets.reset_index(drop=True)
    assert list(got.columns) == [*expected.columns.drop("geometry"), "geometry"]
    assert len(got) == len(expected) > 50
    for name in ("street_id", "length_m", "segments", "fronting_n", "main_type_id",
                 "main_type_key", "main_type_nl", "main_type_share", "types_nl", "types_en",
                 "dist_supermarket_m_mean", "functions_400_mean"):
        assert_same_values(got[name], expected[name], name)
    assert_same_geometry(got["geometry"], expected.geometry)
    # the log names the check the run made of its network
    assert detour_summary_text(core_result.metadata["detour"]) in feedback.textLog()


def test_classify_streets_of_every_segment(run: Any, demo_layers: dict[str, Any]) -> None:
    """The indicator algorithms' outputs have no fronting_n: 'all' classifies every segment,
    the default says what is missing, in the library's words."""
    import geopandas as gpd
    from qgis.core import QgsProcessingException

    from wijkkracht.core.typology import classify_street_layer

    streets = run("proximity", STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                  AREA=demo_layers["study_area"])["OUTPUT"]
    index = list(TYPOLOGY_FEATURES).index("everyday_800")  # a proximity field
    out = run("classifystreets", INPUT=streets, FEATURES=[index], K=3, TYPOLOGY_SEGMENTS=2)
    typed = layer_frame(out["OUTPUT"])
    assert typed["type_id"].notna().all()  # every segment, paths included
    frame = gpd.GeoDataFrame(layer_frame(streets), geometry="geometry", crs="EPSG:28992")
    expected, _ = classify_street_layer(frame, features=["everyday_800"], k=3,
                                        typology_segments="all")
    assert_same_values(typed["type_key"], expected["type_key"], "type_key")
    with pytest.raises(QgsProcessingException, match="no column fronting_n"):
        run("classifystreets", INPUT=streets, FEATURES=[index], K=3)
