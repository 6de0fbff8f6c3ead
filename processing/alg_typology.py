"""Typology: classify street segments into named opportunity types, and fit a typology model.

*Classify streets* gives the segments of a street layer their opportunity types: fitted on the
layer (:func:`wijkkracht.core.typology.classify_street_layer`), or those of a typology model
given as a file. *Fit typology model* fits the types on one or more street layers (e.g. the
streets of several neighbourhoods, a city) and writes the model as JSON
(:func:`wijkkracht.output.typology_model.write_typology_model`), for the next analyses to
apply: the same types and names everywhere.

A model file is read by :func:`read_model_file`: a ``.json`` by the library
(:func:`wijkkracht.data_sources.typology_model.read_typology_model`), a wijkkracht result
``.gpkg`` (which keeps its model in its dataset metadata) through the GDAL of QGIS, not
pyogrio (see :mod:`.convert`: no second GDAL in the QGIS process; the typology does not need
pyogrio).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
)

from ..core.typology_features import TYPOLOGY_FEATURES
from .base import WijkkrachtAlgorithm
from .i18n import language, tr
from .options import (
    ENUMS,
    add_boolean,
    add_enum,
    add_number,
    add_option_parameter,
    checked_options,
    declaration,
    enum_value,
)
from .styling import LayerStyle

if TYPE_CHECKING:  # pragma: no cover
    from ..core.typology import TypologyModel

__all__ = ["ClassifyStreetsAlgorithm", "FitTypologyModelAlgorithm", "TypologyParameters",
           "METHODS", "SEGMENT_CHOICES", "read_model_file"]

#: Per segment or smoothed along the streets (English labels; the index is the parameter
#: value, as before typology models: 0 per segment, 1 spatially contiguous).
METHODS = ("Per segment", "Spatially contiguous (smoothed along the streets)")
#: Which segments get a type (English labels, the library's values), ``typology_segments``
#: of :func:`wijkkracht.core.pipeline.analyse` (its declaration's choices).
SEGMENT_CHOICES = ENUMS["TYPOLOGY_SEGMENTS"]

_TYPOLOGY_HELP = (
    "By default every segment gets the first opportunity type whose written rule it meets on "
    "its own figures, e.g. 'Everyday shopping street': a necessary business within 100 m and "
    "a supermarket within 400 m; a segment that meets no rule gets the neutral type. A name is "
    "thus a claim every segment of the type meets, the types are the same in every area, and "
    "the same input gives the same types every run; each type has an explanation from its "
    "figures. To explore, k-means clusters the segments into a given number of types instead "
    "(each feature turned into its percentile among the classified segments; fixed seed, 20 "
    "starts; a type with fewer than 1 % of the segments is merged into its nearest; named by "
    "the same rules, a neutral name where none holds), or, only when asked, into the number "
    "of types that change least when refitted on 80 % samples (slower). The spatially "
    "contiguous method smooths the types along the streets, so that they form connected "
    "stretches: a segment whose neighbours, at least two, all have one other type takes it. "
    "With a typology model (from Fit typology model, or a wijkkracht result "
    "GeoPackage, which keeps the model that typed its streets) the streets get that model's "
    "types instead, so that neighbourhoods, a city or years compare: the rules or the "
    "clusters, the features and the smoothing are then the model's."
)
_TYPOLOGY_REFERENCES = (
    "MacQueen, J. (1967). Some methods for classification and analysis of multivariate "
    "observations. Proc. 5th Berkeley Symposium 1, 281-297.",
    "Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of Classification 2, "
    "193-218.",
    "Pedregosa, F. et al. (2011). Scikit-learn: machine learning in Python. Journal of "
    "Machine Learning Research 12, 2825-2830.",
)


def read_model_file(path: str | Path) -> TypologyModel:
    """The typology model in ``path``: a model ``.json``, or a wijkkracht result ``.gpkg``.

    A GeoPackage is opened with the GDAL of QGIS (``osgeo``), which reads its dataset
    metadata (:data:`wijkkracht.data_sources.typology_model.MODEL_METADATA`); everything else
    goes to :func:`wijkkracht.data_sources.typology_model.read_typology_model`, with its
    messages (missing file, a folder, not JSON, not a model, another format version).

    Raises
    ------
    wijkkracht.core.errors.InputError
        The file is not a typology model, with a one-line message.
    """
    from ..core.errors import InputError
    from ..core.typology import TypologyModel
    from ..data_sources.typology_model import MODEL_METADATA, read_typology_model

    p = Path(path)
    if p.suffix.lower() != ".gpkg" or not p.is_file():
        return read_typology_model(p)
    from osgeo import gdal  # the GDAL of QGIS

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        try:
            dataset = gdal.OpenEx(str(p), gdal.OF_VECTOR | gdal.OF_READONLY)
        except RuntimeError:  # GDAL in exception mode
            dataset = None
        if dataset is None or dataset.GetLayerByName("streets") is None:
            raise InputError(p, "not a wijkkracht result (no streets layer); give a typology "
                                "model .json or a wijkkracht .gpkg")
        text = dataset.GetMetadataItem(MODEL_METADATA)
        dataset = None
    finally:
        gdal.PopErrorHandler()
    if not text:
        raise InputError(p, "holds no typology model (written by a wijkkracht before typology "
                            "models); fit one with Fit typology model, or 'wijkkracht typology "
                            f"fit {p.name} --out model.json'")
    return TypologyModel.from_json(text, source=str(p))


class TypologyParameters:
    """The typology parameters, shared by the typology algorithms and the neighbourhood
    analysis; they map one to one onto the library's (and the command line's) options.

    Ids, stable for ``qgis_process`` scripts and models:

    ``K``
        0 (the default): the types by rules (``k=None``); 2-12: k-means with that many types
        (``k``). Before typology models 0 meant "choose the number automatically"; scripts
        copied from the dialog hold ``K=0`` and now get the stable default.
    ``K_AUTO`` (new)
        k-means with the number chosen by stability in ``K_MIN``..``K_MAX`` (``k_range``);
        off by default. ``K_MIN``/``K_MAX`` are used only then.
    ``METHOD``
        0 per segment, 1 spatially contiguous (``contiguous``), as before.
    ``SEED``, ``TYPOLOGY_SEGMENTS``, ``FEATURES``
        As before.
    ``TYPOLOGY_MODEL`` (new)
        A model file to apply (``model``/``typology_model``); not in *Fit typology model*.
    """

    FEATURES = "FEATURES"
    K = "K"
    K_AUTO = "K_AUTO"
    K_MIN = "K_MIN"
    K_MAX = "K_MAX"
    METHOD = "METHOD"
    SEED = "SEED"
    TYPOLOGY_SEGMENTS = "TYPOLOGY_SEGMENTS"
    TYPOLOGY_MODEL = "TYPOLOGY_MODEL"

    @staticmethod
    def add_typology(alg: WijkkrachtAlgorithm, *, with_features: bool,
                     with_model: bool = True) -> None:
        """Add the typology parameters to ``alg`` (the model file with ``with_model``)."""
        if with_model:
            add_option_parameter(alg, QgsProcessingParameterFile(
                TypologyParameters.TYPOLOGY_MODEL,
                tr("Typology model (.json or wijkkracht .gpkg)"),
                QgsProcessingParameterFile.Behavior.File, optional=True,
                # "All files": QGIS would refuse another extension without saying why; the
                # library says what is wrong with the file
                fileFilter=tr("Typology models (*.json *.gpkg);;All files (*)")),
                "typology_model",
                tr("A model from Fit typology model (.json), or a wijkkracht result GeoPackage, "
                   "which keeps the model that typed its streets: the same types and names as "
                   "where the model was fitted, so that neighbourhoods, a city or years "
                   "compare. The number of types (and its choice by stability), the features, "
                   "the method and the seed are then not used: the model decides them. Empty: "
                   "types made for these streets."))
        if with_features:
            alg.add_enum(TypologyParameters.FEATURES, "Features", list(TYPOLOGY_FEATURES),
                         list(range(len(TYPOLOGY_FEATURES))),
                         "The indicator fields the types are made of; default the seven "
                         "typology features.", multiple=True)
        k = declaration("k")
        # 0 stands for the option not set (k=None: the rules); QGIS cannot refuse 1 itself:
        # TypologyParameters.options does, by the declaration
        add_option_parameter(alg, QgsProcessingParameterNumber(
            TypologyParameters.K, tr("Number of k-means types (0 = types by rules)"),
            QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=k.maximum), "k",
            tr("0 (the default): the opportunity types by written rules, stable and the same "
               "in every area. A fixed number of k-means types gives stable clusters, and 5 is "
               "what a map legend holds. (Before typology models, 0 chose the number "
               "automatically; that is now the option below.)"))
        add_boolean(alg, "k_range", tr("k-means with the number of types chosen by stability "
                                       "(slower)"), key=TypologyParameters.K_AUTO, default=False,
                    note=tr("Off (the default): the types by rules, or k-means with the number "
                            "of types above. On: the number within the range below whose types "
                            "change least when refitted on 80 % samples of the segments (the "
                            "adjusted Rand index, 10 samples per number; slower). Not together "
                            "with a number of types above."), advanced=True)
        # the range tried when K_AUTO is on (its defaults are the dialog's: k_range is not set
        # unless K_AUTO is on)
        add_number(alg, "k_range", tr("Smallest number of types tried"),
                   key=TypologyParameters.K_MIN, default=3, optional=False,
                   note=tr("Lower end of the range tried when the number of types is chosen by "
                           "stability (not used otherwise)."), advanced=True)
        add_number(alg, "k_range", tr("Largest number of types tried"),
                   key=TypologyParameters.K_MAX, default=8, optional=False,
                   note=tr("Upper end of the range tried when the number of types is chosen by "
                           "stability (not used otherwise)."), advanced=True)
        contiguous = declaration("contiguous")
        add_option_parameter(alg, QgsProcessingParameterEnum(
            TypologyParameters.METHOD, tr("Method"), [tr(m) for m in METHODS],
            defaultValue=int(contiguous.default)), "contiguous",
            tr("Per segment: every segment its own type. Spatially contiguous: the types are "
               "then smoothed along the streets, so that they form connected stretches of "
               "street (a segment whose neighbours, at least two, all have one other type "
               "takes it)."))
        add_number(alg, "random_state", tr("Random seed"),
                   note=tr("The same seed gives the same types."), advanced=True)
        add_enum(alg, "typology_segments", tr("Segments to classify"),
                 note=tr("By default the streets people live and work on: the street segments "
                         "that addresses (BAG) or buildings front. The others (streets without "
                         "addresses, sidewalks, cycle and foot paths) get the type keys "
                         "untyped_street and untyped_path: no opportunity type, drawn thin and "
                         "grey. A layer without the fields is_street and fronting_n (e.g. from "
                         "the indicator algorithms, or an older wijkkracht) needs 'all'."),
                 advanced=True)

    @staticmethod
    def model(alg: WijkkrachtAlgorithm, parameters: dict[str, Any],
              context: QgsProcessingContext) -> TypologyModel | None:
        """The typology model of ``TYPOLOGY_MODEL`` (None when not given or not a parameter
        of ``alg``); a bad file raises ``QgsProcessingException`` with the library's
        one-line message."""
        if alg.parameterDefinition(TypologyParameters.TYPOLOGY_MODEL) is None or \
                parameters.get(TypologyParameters.TYPOLOGY_MODEL) in (None, ""):
            return None
        path = alg.parameterAsFile(parameters, TypologyParameters.TYPOLOGY_MODEL, context)
        if not path:
            return None
        return alg.run_core(read_model_file, path)

    @staticmethod
    def options(alg: WijkkrachtAlgorithm, parameters: dict[str, Any],
                context: QgsProcessingContext, *,
                model: TypologyModel | None = None,
                model_keyword: str | None = "model",
                feedback: QgsProcessingFeedback | None = None) -> dict[str, Any]:
        """The typology keyword arguments of the library (without the features).

        By default ``k=None`` and ``k_range=None`` (the types by rules); ``K`` > 0 gives
        ``k``, ``K_AUTO`` ``k_range=(K_MIN, K_MAX)`` (both: an error, as on the command
        line). With a ``model`` neither, and ``contiguous`` is the model's (it decides the
        smoothing; the street adjacency is then built); the model goes as ``model_keyword``
        (``model`` for :func:`~wijkkracht.core.typology.classify_street_layer`,
        ``typology_model`` for the analysis; None: not passed). A number of types given
        with a model is not used: ``feedback`` says so.
        """
        k = alg.parameterAsInt(parameters, TypologyParameters.K, context)
        auto = alg.parameterAsBoolean(parameters, TypologyParameters.K_AUTO, context)
        if model is None and auto and k:
            raise QgsProcessingException(tr(
                "Give a number of k-means types or choose it by stability, not both (set the "
                "number of types to 0)."))
        contiguous = alg.parameterAsEnum(parameters, TypologyParameters.METHOD, context) == 1
        if model is not None and feedback is not None and (k or auto):
            feedback.pushWarning(tr("The typology model gives the types: the number of types "
                                    "is not used."))
        if model is not None:
            contiguous = bool(getattr(model, "contiguous", False)) or \
                model.method == "contiguous"  # a model of the first format version
        options: dict[str, Any] = checked_options({
            "k": k or None if model is None and not auto else None,
            "k_range": (alg.parameterAsInt(parameters, TypologyParameters.K_MIN, context),
                        alg.parameterAsInt(parameters, TypologyParameters.K_MAX, context))
            if auto and model is None else None,
            "contiguous": contiguous,
            "random_state": alg.parameterAsInt(parameters, TypologyParameters.SEED, context),
            "typology_segments": enum_value(alg, parameters, TypologyParameters.TYPOLOGY_SEGMENTS,
                                            context),
        })
        if model_keyword is not None:
            options[model_keyword] = model
        return options

    @staticmethod
    def features(alg: WijkkrachtAlgorithm, parameters: dict[str, Any],
                 context: QgsProcessingContext) -> list[str]:
        """The chosen typology features (``FEATURES``)."""
        chosen = alg.parameterAsEnums(parameters, TypologyParameters.FEATURES, context)
        return [list(TYPOLOGY_FEATURES)[i] for i in chosen]

    @staticmethod
    def report(feedback: QgsProcessingFeedback, model: TypologyModel | None, *,
               applied: bool, stability: dict[Any, Any] | None = None) -> None:
        """Log the types of the ``model`` fitted or applied (``applied``) with their names
        and sizes (those with segments), and the ``stability`` of each number of types
        tried."""
        if model is None:
            return
        method = model.method + (", contiguous" if getattr(model, "contiguous", False) else "")
        present = [t for t in model.types if t.get("segments")]
        if applied:
            fitted = model.fitted_on or {}
            where = fitted.get("area") or fitted.get("source") or ", ".join(
                str(s) for s in fitted.get("sources") or fitted.get("results") or []) or "?"
            feedback.pushInfo(tr("Typology model applied ({}), fitted on {} (wijkkracht {})")
                              .format(method, where, model.tool_version))
        else:
            feedback.pushInfo(tr("{} opportunity types ({})").format(len(present), method))
        if stability:
            feedback.pushInfo(tr("Stability per number of types (adjusted Rand index): {}")
                              .format(", ".join(f"{k}: {v:.3f}" for k, v in stability.items())))
        if not applied:
            lang = language()
            for record in present:
                feedback.pushInfo(tr("{}: {} ({} segments)").format(
                    record.get("key"), record.get(f"name_{lang}"), record.get("segments")))


class ClassifyStreetsAlgorithm(WijkkrachtAlgorithm):
    """Opportunity types of street segments that carry the indicator fields."""

    NAME = "classifystreets"
    DISPLAY_NAME = "Classify streets into opportunity types"
    GROUP = "typology"
    REQUIRES = ("core", "typology")
    DESCRIPTION = "Groups street segments with similar indicators into named opportunity types."
    HELP = ("Input: street segments with the indicator fields, e.g. the streets of the "
            "neighbourhood analysis (to try k-means or the other method, or to apply a "
            "typology model) or the joined outputs of the indicator algorithms. "
            + _TYPOLOGY_HELP + " By default only the street segments that addresses or "
            "buildings front are classified (the fields is_street and fronting_n of the "
            "neighbourhood analysis); the outputs of the indicator algorithms need 'all' under "
            "Segments to classify. Output: the segments with type_id, type_key, type_name_nl "
            "and type_name_en (untyped_street and untyped_path, without type_id, for the "
            "segments not classified), and a table with the profile of each type (names, "
            "explanation and rule, size, median of every feature, the centre's percentiles).")
    REFERENCES = _TYPOLOGY_REFERENCES

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    PROFILE = "PROFILE"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFeatureSource(
            self.INPUT, tr("Street segments with indicator fields"),
            [QgsProcessing.SourceType.TypeVectorLine]),
            "One line per street segment with the chosen feature fields.")
        TypologyParameters.add_typology(self, with_features=True)
        self.add_sink(self.OUTPUT, "Opportunity types",
                      "The input segments with the type fields.", QgsProcessing.SourceType.TypeVectorLine)
        self.add_sink(self.PROFILE, "Profile of the opportunity types",
                      "One row per type: its names, size and profile.", QgsProcessing.SourceType.TypeVector)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION
        from ..core.typology import classify_street_layer
        from ..styles import type_names
        from .alg_bag import data_attribution

        model = TypologyParameters.model(self, parameters, context)  # a bad file fails first
        options = TypologyParameters.options(self, parameters, context, model=model,
                                             feedback=feedback)  # so do bad options
        steps = self.steps(feedback, 3)
        streets = self.read_required(parameters, self.INPUT, context, steps)
        features = TypologyParameters.features(self, parameters, context)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Classifying opportunity types"))
        typed, typology = self.run_core(
            classify_street_layer, streets, features=features,
            source=streets.attrs.get("source", "streets"), **options)
        TypologyParameters.report(feedback, typology.model, applied=model is not None,
                                  stability=typology.silhouette.get("stability"))
        steps.setCurrentStep(2)
        # streets from SYNTHETIC BAG/KvK data (their metadata says so) give SYNTHETIC types
        attribution = data_attribution(
            LAYER_ATTRIBUTION, synthetic=self.layer_says_synthetic(parameters, self.INPUT,
                                                                   context), feedback=feedback)
        style = LayerStyle("types", "Opportunity types", attribution,
                           names=type_names(typed, language()))
        return {
            self.OUTPUT: self.write_layer(parameters, self.OUTPUT, context, steps, typed, style),
            self.PROFILE: self.write_layer(
                parameters, self.PROFILE, context, steps, typology.profile,
                LayerStyle(None, "Profile of the opportunity types", attribution,
                           fields="typology_profile")),
        }


class FitTypologyModelAlgorithm(WijkkrachtAlgorithm):
    """A typology model fitted on the segments of one or more street layers, as JSON."""

    NAME = "fittypologymodel"
    DISPLAY_NAME = "Fit typology model"
    GROUP = "typology"
    REQUIRES = ("core", "typology")
    DESCRIPTION = ("Fits opportunity types on one or more street layers and saves them as a "
                   "typology model, for other analyses to give their streets the same types.")
    HELP = ("Input: one or more street layers with the indicator fields, e.g. the streets of "
            "the neighbourhood analysis of several neighbourhoods, of a whole city or of other "
            "years. Their segments are taken together (in the CRS of the first layer) and "
            "typed as Classify streets does, with the same options: by default the types by "
            "rules, and the model keeps the thresholds the rules take from these streets (e.g. "
            "the top quarter of O businesses), so that every area is judged against the same "
            "figures; or k-means clusters. By default only the street segments that addresses "
            "or buildings front are typed (the fields is_street and fronting_n of the "
            "neighbourhood analysis); the outputs of the indicator algorithms need 'all'. "
            "Output: the typology model, a JSON file with everything needed to give other "
            "streets the same types: the method, the rules' thresholds or the centres of the "
            "clusters, the features and their percentiles among the fitted segments, the names "
            "with explanations and rules, and what the model was fitted on. Give it as the "
            "typology model of the neighbourhood analysis or of Classify streets (or to the "
            "command line: --typology-model) to type other streets the same way: the same "
            "types and names in every neighbourhood, comparable over the years.")
    REFERENCES = _TYPOLOGY_REFERENCES

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterMultipleLayers(
            self.INPUT, tr("Street layers with indicator fields"),
            QgsProcessing.SourceType.TypeVectorLine),
            "One or more layers with one line per street segment and the chosen feature "
            "fields, e.g. the streets of several neighbourhood analyses; their segments are "
            "classified together.")
        TypologyParameters.add_typology(self, with_features=True, with_model=False)
        self.add(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("Typology model"), tr("JSON files (*.json)")),
            "The JSON file the model is written to.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.typology import classify_street_layer
        from ..output.typology_model import write_typology_model

        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        options = TypologyParameters.options(self, parameters, context, model_keyword=None)
        steps = self.steps(feedback, 3)
        streets = self.read_layers(parameters, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Classifying opportunity types"))
        _, typology = self.run_core(
            classify_street_layer, streets,
            features=TypologyParameters.features(self, parameters, context),
            source=streets.attrs["source"], **options)
        TypologyParameters.report(feedback, typology.model, applied=False,
                                  stability=typology.silhouette.get("stability"))
        steps.setCurrentStep(2)
        try:  # a new folder, as qgis_process users give it
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QgsProcessingException(f"{Path(path).parent}: {exc.strerror or exc}") from exc
        self.run_core(write_typology_model, typology.model, path)
        return {self.OUTPUT: path}

    def read_layers(self, parameters: dict[str, Any], context: QgsProcessingContext,
                    feedback: QgsProcessingFeedback) -> Any:
        """The segments of every input layer in one GeoDataFrame (in the first layer's CRS;
        ``attrs["source"]``: the layer names). Each layer must have the chosen features and
        the fields its segments to classify need (the library's check, with its message)."""
        import geopandas as gpd
        import pandas as pd
        from qgis.core import QgsVectorLayer  # type: ignore[import-not-found]

        from ..core.typology import layer_domain
        from .convert import source_to_gdf

        layers = self.parameterAsLayerList(parameters, self.INPUT, context)
        if not layers:
            raise QgsProcessingException(tr("Give at least one street layer."))
        features = TypologyParameters.features(self, parameters, context)
        segments = enum_value(self, parameters, TypologyParameters.TYPOLOGY_SEGMENTS, context)
        frames = []
        for i, layer in enumerate(layers):
            name = layer.name() or f"layer {i + 1}"
            if not isinstance(layer, QgsVectorLayer):
                raise QgsProcessingException(tr("{}: not a vector layer").format(name))
            if feedback.isCanceled():
                return None
            gdf = source_to_gdf(layer, feedback=feedback)
            missing = [f for f in features if f not in gdf.columns]
            if missing:
                raise QgsProcessingException(tr("{}: indicator column(s) missing: {}").format(
                    name, ", ".join(missing)))
            self.run_core(layer_domain, gdf, segments, name)
            if frames and gdf.crs != frames[0].crs:
                if gdf.crs is None or frames[0].crs is None:
                    raise QgsProcessingException(tr(
                        "{}: the layers are in different CRSs and one has none; give layers "
                        "with a CRS").format(name))
                gdf = gdf.to_crs(frames[0].crs)
            frames.append(gdf)
            feedback.setProgress(100.0 * (i + 1) / len(layers))
        streets = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                   geometry="geometry", crs=frames[0].crs)
        streets.attrs["source"] = ", ".join(str(layer.name()) for layer in layers)
        return streets
