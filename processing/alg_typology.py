"""Typology: classify street segments into named opportunity types."""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
)

from ..core.typology_features import TYPOLOGY_FEATURES
from .base import WijkkrachtAlgorithm
from .i18n import language, tr
from .styling import LayerStyle

__all__ = ["ClassifyStreetsAlgorithm", "TypologyParameters", "METHODS", "SEGMENT_CHOICES"]

#: The clustering methods (English labels; the index is the parameter value).
METHODS = ("k-means", "Spatially contiguous (Ward clustering along the streets)")
#: Which segments get a type (English labels, the library's values), ``typology_segments``
#: of :func:`wijkkracht.core.pipeline.analyse` (:data:`wijkkracht.core.streets.TYPOLOGY_SEGMENTS`).
SEGMENT_CHOICES = (
    ("fronting: street segments that addresses or buildings front", "fronting"),
    ("streets: every street segment", "streets"),
    ("all: every segment, sidewalks and paths included", "all"),
)

_TYPOLOGY_HELP = (
    "The features are standardised (counts first as log(1 + x)) and clustered with k-means "
    "(fixed seed, 10 starts) or, spatially contiguous, with Ward clustering along the "
    "street-adjacency graph, so that types form connected stretches of street. Without a "
    "given number of types, the number with the best silhouette score in the range is "
    "chosen. Each type takes the name of the archetype that fits its profile best (one "
    "archetype per type, an optimal assignment), e.g. 'Lively mixed centre' or 'Everyday "
    "shopping street'. The same input gives the same types every run."
)
_TYPOLOGY_REFERENCES = (
    "MacQueen, J. (1967). Some methods for classification and analysis of multivariate "
    "observations. Proc. 5th Berkeley Symposium 1, 281-297.",
    "Ward, J. H. (1963). Hierarchical grouping to optimize an objective function. Journal of "
    "the American Statistical Association 58(301), 236-244.",
    "Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and "
    "validation of cluster analysis. Journal of Computational and Applied Mathematics 20, "
    "53-65.",
    "Pedregosa, F. et al. (2011). Scikit-learn: machine learning in Python. Journal of "
    "Machine Learning Research 12, 2825-2830.",
)


class TypologyParameters:
    """The typology parameters, shared by the typology and the neighbourhood analysis."""

    FEATURES = "FEATURES"
    K = "K"
    K_MIN = "K_MIN"
    K_MAX = "K_MAX"
    METHOD = "METHOD"
    SEED = "SEED"
    TYPOLOGY_SEGMENTS = "TYPOLOGY_SEGMENTS"

    @staticmethod
    def add_typology(alg: WijkkrachtAlgorithm, *, with_features: bool) -> None:
        """Add the typology parameters to ``alg``."""
        if with_features:
            alg.add_enum(TypologyParameters.FEATURES, "Features", list(TYPOLOGY_FEATURES),
                         list(range(len(TYPOLOGY_FEATURES))),
                         "The indicator fields the types are made of; default the seven "
                         "typology features.", multiple=True)
        alg.add(QgsProcessingParameterNumber(
            TypologyParameters.K, tr("Number of types (0 = automatic)"),
            QgsProcessingParameterNumber.Integer, 0, minValue=0, maxValue=8),
            "0 chooses the number with the best silhouette score within the range below.")
        alg.add(QgsProcessingParameterNumber(
            TypologyParameters.K_MIN, tr("Smallest number of types tried"),
            QgsProcessingParameterNumber.Integer, 3, minValue=2, maxValue=8),
            "Lower end of the range tried when the number of types is automatic.",
            advanced=True)
        alg.add(QgsProcessingParameterNumber(
            TypologyParameters.K_MAX, tr("Largest number of types tried"),
            QgsProcessingParameterNumber.Integer, 8, minValue=2, maxValue=8),
            "Upper end of the range tried when the number of types is automatic.",
            advanced=True)
        alg.add_enum(TypologyParameters.METHOD, "Method", list(METHODS), 0,
                     "k-means groups streets with similar profiles wherever they are; the "
                     "spatially contiguous method makes types that form connected stretches "
                     "of street.")
        alg.add(QgsProcessingParameterNumber(
            TypologyParameters.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer,
            0, minValue=0),
            "Seed of the clustering; the same seed gives the same types.", advanced=True)
        alg.add_enum(TypologyParameters.TYPOLOGY_SEGMENTS, "Segments to classify",
                     [o for o, _ in SEGMENT_CHOICES], 0,
                     "Which segments get an opportunity type. By default the streets people "
                     "live and work on: the street segments that addresses (BAG) or buildings "
                     "front. The others (streets without addresses, sidewalks, cycle and foot "
                     "paths) get the type keys untyped_street and untyped_path: no opportunity "
                     "type, drawn thin and grey. A layer without the fields is_street and "
                     "fronting_n (e.g. from the indicator algorithms, or an older wijkkracht) "
                     "needs 'all'.", advanced=True)

    @staticmethod
    def options(alg: WijkkrachtAlgorithm, parameters: dict[str, Any],
                context: QgsProcessingContext) -> dict[str, Any]:
        """The typology keyword arguments of the library (without the features)."""
        k = alg.parameterAsInt(parameters, TypologyParameters.K, context)
        return {
            "k": k or None,
            "k_range": (alg.parameterAsInt(parameters, TypologyParameters.K_MIN, context),
                        alg.parameterAsInt(parameters, TypologyParameters.K_MAX, context)),
            "contiguous": alg.parameterAsEnum(parameters, TypologyParameters.METHOD,
                                              context) == 1,
            "random_state": alg.parameterAsInt(parameters, TypologyParameters.SEED, context),
            "typology_segments": SEGMENT_CHOICES[alg.parameterAsEnum(
                parameters, TypologyParameters.TYPOLOGY_SEGMENTS, context)][1],
        }


class ClassifyStreetsAlgorithm(WijkkrachtAlgorithm):
    """Opportunity types of street segments that carry the indicator fields."""

    NAME = "classifystreets"
    DISPLAY_NAME = "Classify streets into opportunity types"
    GROUP = "typology"
    REQUIRES = ("core", "typology")
    DESCRIPTION = "Groups street segments with similar indicators into named opportunity types."
    HELP = ("Input: street segments with the indicator fields, e.g. the streets of the "
            "neighbourhood analysis (to try another number of types or method) or the joined "
            "outputs of the indicator algorithms. " + _TYPOLOGY_HELP + " By default only the "
            "street segments that addresses or buildings front are classified (the fields "
            "is_street and fronting_n of the neighbourhood analysis); the outputs of the "
            "indicator algorithms need 'all' under Segments to classify. Output: the segments "
            "with type_id, type_key, type_name_nl and type_name_en (untyped_street and "
            "untyped_path, without type_id, for the segments not classified), and a table with "
            "the profile of each type (size, mean of every feature, standardised centre).")
    REFERENCES = _TYPOLOGY_REFERENCES

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    PROFILE = "PROFILE"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFeatureSource(
            self.INPUT, tr("Street segments with indicator fields"),
            [QgsProcessing.TypeVectorLine]),
            "One line per street segment with the chosen feature fields.")
        TypologyParameters.add_typology(self, with_features=True)
        self.add_sink(self.OUTPUT, "Opportunity types",
                      "The input segments with the type fields.", QgsProcessing.TypeVectorLine)
        self.add_sink(self.PROFILE, "Profile of the opportunity types",
                      "One row per type: its names, size and profile.", QgsProcessing.TypeVector)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION
        from ..core.typology import classify_street_layer
        from ..styles import type_names
        from .alg_bag import data_attribution

        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.INPUT, context, steps)
        assert streets is not None
        chosen = self.parameterAsEnums(parameters, TypologyParameters.FEATURES, context)
        features = [list(TYPOLOGY_FEATURES)[i] for i in chosen]
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Classifying opportunity types"))
        typed, typology = self.run_core(
            classify_street_layer, streets, features=features,
            source=streets.attrs.get("source", "streets"),
            **TypologyParameters.options(self, parameters, context))
        feedback.pushInfo(tr("{} opportunity types ({})").format(typology.k, typology.method))
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
                LayerStyle(None, "Profile of the opportunity types", attribution)),
        }
