"""The neighbourhood analysis: every step in one, for the common case."""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFileDestination,
)

from .alg_output import add_language, language_code
from .alg_typology import _TYPOLOGY_HELP, _TYPOLOGY_REFERENCES, TypologyParameters
from .base import WijkkrachtAlgorithm
from .i18n import language, tr
from .styling import LayerStyle

__all__ = ["NeighbourhoodAnalysisAlgorithm"]


class NeighbourhoodAnalysisAlgorithm(WijkkrachtAlgorithm):
    """Indicators and opportunity types of every street segment of a neighbourhood."""

    NAME = "neighbourhoodanalysis"
    DISPLAY_NAME = "Neighbourhood analysis (all steps)"
    GROUP = "analysis"
    REQUIRES = ("core", "typology")
    DESCRIPTION = ("Proximity, mixed use, N/O mix, vacancy and opportunity types for every "
                   "street segment of a neighbourhood.")
    HELP = ("The whole analysis in one step, as the command line runs it: the street network "
            "(buffered beyond the study area) is split into segments, the POIs are classified "
            "and placed on their nearest street, every indicator is computed along the "
            "network, and the segments of the study area are classified into opportunity "
            "types. " + _TYPOLOGY_HELP + " Outputs: the streets with every indicator and their "
            "type (coloured by type), the classified POIs (N / O / other / vacant), the study "
            "area with summary figures, the profile table of the types, and optionally the "
            "interactive map (HTML, needs folium).")
    INDICATOR_GROUPS = ("proximity", "mixed_use", "no_mix", "vacancy")
    REFERENCES = (
        "Jacobs, J. (1961). The Death and Life of Great American Cities. Random House.",
        "Hill, M. O. (1973). Diversity and evenness: a unifying notation and its consequences. "
        "Ecology 54(2), 427-432.",
        *_TYPOLOGY_REFERENCES,
    )

    STREETS_OUT = "STREETS_OUT"
    POIS_OUT = "POIS_OUT"
    AREA_OUT = "AREA_OUT"
    PROFILE = "PROFILE"
    HTML = "HTML"
    LANGUAGE = "LANGUAGE"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add_streets()
        self.add_pois()
        self.add_area()
        TypologyParameters.add_typology(self, with_features=False)
        self.add_network_options()
        add_language(self, self.LANGUAGE, advanced=True)
        self.add_sink(self.STREETS_OUT, "Streets with indicators and opportunity types",
                      "The street segments of the study area with every indicator and their "
                      "opportunity type.", QgsProcessing.TypeVectorLine)
        self.add_sink(self.POIS_OUT, "Classified POIs",
                      "The POIs with their N/O class, function and everyday category, the "
                      "segment they are placed on, and whether they lie in the study area.",
                      QgsProcessing.TypeVectorPoint)
        self.add_sink(self.AREA_OUT, "Study area with summary",
                      "The study area with summary figures.", QgsProcessing.TypeVectorPolygon)
        self.add_sink(self.PROFILE, "Profile of the opportunity types",
                      "One row per type: its names, size and profile.", QgsProcessing.TypeVector)
        self.add(QgsProcessingParameterFileDestination(
            self.HTML, tr("Interactive map"), tr("HTML files (*.html)"), optional=True,
            createByDefault=False),
            "Also write the interactive web map (HTML); empty: no map.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION, analyse_layers
        from ..styles import type_names
        from .dependencies import install_hint, missing_packages

        html_path = self.parameterAsFileOutput(parameters, self.HTML, context) \
            if parameters.get(self.HTML) else ""
        if html_path:
            missing = missing_packages(["webmap"])
            if missing:
                raise QgsProcessingException(install_hint(missing, lang=language()))
        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        result = self.run_core(analyse_layers, streets, pois, area,
                               progress=self.core_progress(steps),
                               **TypologyParameters.options(self, parameters, context),
                               **self.network_options(parameters, context))
        self.warn(feedback, result.metadata.get("warnings", []))
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        attribution = result.attribution or LAYER_ATTRIBUTION
        names = type_names(result.streets, language())
        outputs = {
            self.STREETS_OUT: self.write_layer(
                parameters, self.STREETS_OUT, context, steps, result.streets,
                LayerStyle("types", "Streets with indicators and opportunity types",
                           attribution, names=names)),
            self.POIS_OUT: self.write_layer(
                parameters, self.POIS_OUT, context, steps, result.pois,
                LayerStyle("pois", "Classified POIs", attribution)),
            self.AREA_OUT: self.write_layer(
                parameters, self.AREA_OUT, context, steps, result.area,
                LayerStyle("area", "Study area with summary", attribution)),
            self.PROFILE: self.write_layer(
                parameters, self.PROFILE, context, steps, result.profile,
                LayerStyle(None, "Profile of the opportunity types", attribution)),
        }
        if html_path:
            from ..output.webmap import write_webmap

            steps.setProgressText(tr("Writing the map"))
            outputs[self.HTML] = str(self.run_core(
                write_webmap, result, html_path,
                lang=language_code(self, parameters, self.LANGUAGE, context)))
        return outputs
