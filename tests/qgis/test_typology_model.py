"""The typology in QGIS (issue 15): the library's types by rules by default, k-means with a
fixed number only when asked (K), the number chosen by stability only when asked (K_AUTO),
typology models fitted (*Fit typology model*), written as JSON and applied (``TYPOLOGY_MODEL``
of *Classify streets* and of the neighbourhood analysis, also from a result GeoPackage), and
bad model files as one-line errors. Real QGIS, on the bundled Kanaleneiland data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from wijkkracht.core.archetypes import RULE_TYPES
from wijkkracht.core.errors import WijkkrachtError
from wijkkracht.core.streets import UNTYPED
from wijkkracht.core.typology import TYPOLOGY_FEATURES, classify_street_layer
from wijkkracht.data_sources.typology_model import read_typology_model


@pytest.fixture(scope="module")
def run(wijkkracht_run: Any) -> Any:
    return wijkkracht_run


@pytest.fixture(scope="module")
def analysis(run: Any, demo_layers: dict[str, Any]) -> dict[str, Any]:
    """The neighbourhood analysis of the demo layers with the default parameters, and the
    typology arguments it gave the library (``"kwargs"``)."""
    import wijkkracht.core.layers as layers

    seen: dict[str, Any] = {}
    original = layers.analyse_layers

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(layers, "analyse_layers", spy)
        out = run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                  POIS=demo_layers["pois"], AREA=demo_layers["study_area"])
    return {**out, "kwargs": seen}


@pytest.fixture(scope="module")
def streets_frame(analysis: dict[str, Any], frame_of_layer: Any) -> gpd.GeoDataFrame:
    """The analysis' streets as the library sees them."""
    return gpd.GeoDataFrame(frame_of_layer(analysis["STREETS_OUT"]), geometry="geometry",
                            crs="EPSG:28992")


#: Typology variants: the parameters of Classify streets and Fit typology model, and the
#: library's.
VARIANTS = {
    "rules": ({}, {}),
    "rules_contiguous": ({"METHOD": 1}, {"contiguous": True}),
    "kmeans": ({"K": 5}, {"k": 5}),
    "kmeans_contiguous": ({"K": 4, "METHOD": 1, "SEED": 3},
                          {"k": 4, "contiguous": True, "random_state": 3}),
}


@pytest.fixture(scope="module")
def fitted(run: Any, analysis: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Path]:
    """*Fit typology model* on the analysis' streets: the model file of every variant."""
    folder = tmp_path_factory.mktemp("models")
    out = {}
    for name, (params, _) in VARIANTS.items():
        path = folder / f"{name}.json"
        result = run("fittypologymodel", INPUT=[analysis["STREETS_OUT"]], OUTPUT=str(path),
                     **params)
        assert result["OUTPUT"] == str(path)
        out[name] = path
    return out


def _keys(layer: Any, frame_of_layer: Any) -> list[Any]:
    return list(frame_of_layer(layer)["type_key"])


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every call of the library's classify_street_layer."""
    import wijkkracht.core.typology as typology

    calls: list[dict[str, Any]] = []
    original = typology.classify_street_layer

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(typology, "classify_street_layer", spy)
    return calls


# --- defaults: the types by rules; k-means only when asked, the automatic number only then ---

def test_parameter_defaults(wijkkracht_provider: Any) -> None:
    """K is 0 (the types by rules), the choice by stability is off; the ids of older scripts
    are still there."""
    for name in ("classifystreets", "neighbourhoodanalysis", "fittypologymodel"):
        alg = wijkkracht_provider.algorithm(name)
        assert alg.parameterDefinition("K").defaultValue() == 0
        assert alg.parameterDefinition("K_AUTO").defaultValue() is False
        for kept in ("K_MIN", "K_MAX", "METHOD", "SEED", "TYPOLOGY_SEGMENTS"):
            assert alg.parameterDefinition(kept) is not None, (name, kept)
        model = alg.parameterDefinition("TYPOLOGY_MODEL")
        assert (model is None) == (name == "fittypologymodel")
        if model is not None:
            assert model.flags() & model.FlagOptional


def test_default_classification_is_the_rules(run: Any, analysis: dict[str, Any],
                                             streets_frame: gpd.GeoDataFrame,
                                             frame_of_layer: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults ask the library for neither k nor k_range: its default types (by rules),
    the library's types for the same layer."""
    calls = _spy(monkeypatch)
    out = run("classifystreets", INPUT=analysis["STREETS_OUT"])
    assert [(c["k"], c["k_range"], c["model"], c["contiguous"]) for c in calls] == \
        [(None, None, None, False)]
    expected, typ = classify_street_layer(streets_frame, features=list(TYPOLOGY_FEATURES))
    assert typ.model.method == "rules" and typ.model.fitted_on["k_range"] is None
    got = frame_of_layer(out["OUTPUT"])
    assert list(got["type_key"]) == list(expected["type_key"])
    assert set(got["type_key"].dropna()) <= {*RULE_TYPES, *UNTYPED}
    assert list(frame_of_layer(out["PROFILE"])["type_key"]) == list(typ.profile["type_key"])


def test_k_means_with_five_types(run: Any, analysis: dict[str, Any],
                                 streets_frame: gpd.GeoDataFrame, frame_of_layer: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """K=5: k-means with five types (fewer only where the library merges a too small type),
    no k_range recorded."""
    calls = _spy(monkeypatch)
    out = run("classifystreets", INPUT=analysis["STREETS_OUT"], K=5)
    assert [(c["k"], c["k_range"]) for c in calls] == [(5, None)]
    expected, typ = classify_street_layer(streets_frame, features=list(TYPOLOGY_FEATURES), k=5)
    assert typ.model.method == "kmeans" and typ.model.fitted_on["k_range"] is None
    assert typ.model.fitted_on["k_requested"] == 5
    got = frame_of_layer(out["OUTPUT"])
    assert list(got["type_key"]) == list(expected["type_key"])
    typed = got["type_id"].dropna()
    assert 2 <= typed.nunique() <= 5
    assert typed.nunique() == typ.k == len(frame_of_layer(out["PROFILE"]))


def test_analysis_defaults_are_the_librarys(analysis: dict[str, Any]) -> None:
    kwargs = analysis["kwargs"]
    assert kwargs["k"] is None and kwargs["k_range"] is None
    assert kwargs["typology_model"] is None and kwargs["contiguous"] is False


def test_automatic_number_only_when_asked(run: Any, fails: Any, analysis: dict[str, Any],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """K_AUTO asks for k-means with the number chosen by stability within K_MIN..K_MAX; K=0
    (what older scripts copied from the dialog hold) is the default; K and K_AUTO together
    are refused, as on the command line."""
    from qgis.core import QgsProcessingFeedback

    calls = _spy(monkeypatch)
    feedback = QgsProcessingFeedback()
    run("classifystreets", feedback=feedback, INPUT=analysis["STREETS_OUT"], K_AUTO=True,
        K_MIN=3, K_MAX=4)
    run("classifystreets", INPUT=analysis["STREETS_OUT"], K=0, K_MIN=3, K_MAX=8)
    assert [(c["k"], c["k_range"]) for c in calls] == [(None, (3, 4)), (None, None)]
    assert "adjusted Rand index" in feedback.textLog() or \
        "Stabiliteit per aantal typen" in feedback.textLog()
    message = fails("classifystreets", INPUT=analysis["STREETS_OUT"], K_AUTO=True, K=5)
    assert "not both" in message or "niet allebei" in message


# --- fitting and applying a model --------------------------------------------------------------

def test_fit_writes_a_model_the_library_reads(fitted: dict[str, Path],
                                              streets_frame: gpd.GeoDataFrame) -> None:
    for name, (_, options) in VARIANTS.items():
        model = read_typology_model(fitted[name])
        _, expected = classify_street_layer(streets_frame, features=list(TYPOLOGY_FEATURES),
                                            **options)
        assert model.to_dict()["types"] == expected.model.to_dict()["types"], name
        assert model.method == ("kmeans" if "k" in options else "rules"), name
        assert model.contiguous == options.get("contiguous", False), name
        assert model.features == list(TYPOLOGY_FEATURES)
        assert model.fitted_on["k_requested"] == options.get("k")
        assert model.fitted_on["k_range"] is None
    assert read_typology_model(fitted["kmeans"]).k <= 5
    data = json.loads(fitted["rules"].read_text(encoding="utf-8"))
    assert data["format"] == "wijkkracht-typology-model"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_applied_model_gives_the_fitted_types(name: str, run: Any, analysis: dict[str, Any],
                                              fitted: dict[str, Path],
                                              streets_frame: gpd.GeoDataFrame,
                                              frame_of_layer: Any) -> None:
    """Classify streets with the model fitted on the same layer: every segment gets the type
    of the fit (the same parameters' classification, the library's), whatever K and METHOD
    say: the model decides."""
    from qgis.core import QgsProcessingFeedback

    params, options = VARIANTS[name]
    fit = run("classifystreets", INPUT=analysis["STREETS_OUT"], **params)
    feedback = QgsProcessingFeedback()
    applied = run("classifystreets", feedback=feedback, INPUT=analysis["STREETS_OUT"],
                  TYPOLOGY_MODEL=str(fitted[name]), K=3, METHOD=0)
    expected, _ = classify_street_layer(streets_frame, features=list(TYPOLOGY_FEATURES),
                                        **options)
    keys = _keys(applied["OUTPUT"], frame_of_layer)
    assert keys == _keys(fit["OUTPUT"], frame_of_layer) == list(expected["type_key"])
    assert "Typology model applied" in feedback.textLog() or \
        "Typologiemodel toegepast" in feedback.textLog()
    assert "the number of types is not used" in feedback.textLog() or \
        "het aantal typen wordt niet gebruikt" in feedback.textLog()


def test_analysis_applies_a_model(run: Any, demo_layers: dict[str, Any],
                                  analysis: dict[str, Any], fitted: dict[str, Path],
                                  frame_of_layer: Any) -> None:
    """The neighbourhood analysis with the model fitted on its own streets gives the same
    types (TYPOLOGY_MODEL reaches the library as typology_model; K is not used)."""
    out = run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
              POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
              TYPOLOGY_MODEL=str(fitted["rules"]), K=3)
    assert _keys(out["STREETS_OUT"], frame_of_layer) == \
        _keys(analysis["STREETS_OUT"], frame_of_layer)


def test_fit_on_several_layers(run: Any, analysis: dict[str, Any], tmp_path: Path,
                               frame_of_layer: Any) -> None:
    """Several layers are typed together; the model says what it was fitted on (written into
    a folder made for it)."""
    path = tmp_path / "new folder" / "two.json"
    run("fittypologymodel", INPUT=[analysis["STREETS_OUT"], analysis["STREETS_OUT"]],
        OUTPUT=str(path))
    model = read_typology_model(path)
    streets = frame_of_layer(analysis["STREETS_OUT"])
    fronting = int((streets["is_street"].astype(bool) & (streets["fronting_n"] > 0)).sum())
    assert model.fitted_on["segments"] == 2 * fronting
    name = analysis["STREETS_OUT"].name()
    assert model.fitted_on["source"] == f"{name}, {name}"


def test_result_geopackage_serves_as_model(run: Any, analysis: dict[str, Any], tmp_path: Path,
                                           frame_of_layer: Any) -> None:
    """A wijkkracht result .gpkg keeps its model: read through the GDAL of QGIS, it gives the
    streets the result's types."""
    from wijkkracht.demo import analyse_demo
    from wijkkracht.output.gpkg import write_gpkg
    from wijkkracht.processing.alg_typology import read_model_file

    result = analyse_demo(synthetic_bag=False, synthetic_hours=False, k=4)
    path = tmp_path / "result.gpkg"
    write_gpkg(result, path)
    assert read_model_file(path).to_dict() == read_typology_model(path).to_dict()
    out = run("classifystreets", INPUT=analysis["STREETS_OUT"], TYPOLOGY_MODEL=str(path))
    assert _keys(out["OUTPUT"], frame_of_layer) == list(result.streets["type_key"])


# --- bad model files ----------------------------------------------------------------------------

@pytest.fixture
def fails(run: Any) -> Any:
    """``fails(alg, **params)``: the one-line message of the QgsProcessingException."""
    from qgis.core import QgsProcessingException

    def failing(alg: str, **params: Any) -> str:
        with pytest.raises(QgsProcessingException) as info:
            run(alg, **params)
        message = str(info.value)
        assert "\n" not in message and "Traceback" not in message
        return message

    return failing


def _library_message(path: Path) -> str:
    with pytest.raises(WijkkrachtError) as info:
        read_typology_model(path)
    return str(info.value)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("model.json", "this is not JSON\n", "not a typology model: not JSON"),
    ("model.txt", "just some notes\n", "not a typology model: not JSON"),
    ("other.json", '{"type": "FeatureCollection", "features": []}',
     "not a wijkkracht typology model"),
    ("newer.json", '{"format": "wijkkracht-typology-model", "format_version": 99}',
     "format version 99"),
    ("missing.json", None, "file not found"),
])
def test_bad_model_file_is_a_clear_error(name: str, content: str | None, expected: str,
                                         fails: Any, analysis: dict[str, Any],
                                         tmp_path: Path) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    message = fails("classifystreets", INPUT=analysis["STREETS_OUT"], TYPOLOGY_MODEL=str(path))
    assert message == _library_message(path)
    assert message.startswith(str(path)) and expected in message


def test_bad_model_fails_the_analysis_first(fails: Any, demo_layers: dict[str, Any],
                                            tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("not JSON", encoding="utf-8")
    message = fails("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                    POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                    TYPOLOGY_MODEL=str(path))
    assert message == _library_message(path)


def test_geopackage_without_a_model(fails: Any, analysis: dict[str, Any], demo_gpkg: Path,
                                    tmp_path: Path) -> None:
    """The demo GeoPackage has streets but no model; a file called .gpkg that is none."""
    message = fails("classifystreets", INPUT=analysis["STREETS_OUT"],
                    TYPOLOGY_MODEL=str(demo_gpkg))
    assert message.startswith(str(demo_gpkg)) and "holds no typology model" in message
    fake = tmp_path / "notes.gpkg"
    fake.write_text("not a GeoPackage", encoding="utf-8")
    message = fails("classifystreets", INPUT=analysis["STREETS_OUT"], TYPOLOGY_MODEL=str(fake))
    assert message.startswith(str(fake)) and "not a wijkkracht result" in message


def test_model_missing_features_of_the_layer(fails: Any, run: Any, demo_layers: dict[str, Any],
                                             fitted: dict[int, Path]) -> None:
    """A model applied to a layer without its features says which are missing."""
    streets = run("vacancy", STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                  AREA=demo_layers["study_area"])["OUTPUT"]
    message = fails("classifystreets", INPUT=streets, TYPOLOGY_MODEL=str(fitted["rules"]),
                    TYPOLOGY_SEGMENTS=2)
    assert "indicator column(s) missing" in message and "everyday_800" in message


def test_fit_layer_without_the_features(fails: Any, analysis: dict[str, Any],
                                        demo_layers: dict[str, Any], tmp_path: Path) -> None:
    message = fails("fittypologymodel", INPUT=[analysis["STREETS_OUT"], demo_layers["streets"]],
                    OUTPUT=str(tmp_path / "m.json"))
    assert message.startswith("streets: ") and "everyday_800" in message
    assert not (tmp_path / "m.json").exists()
