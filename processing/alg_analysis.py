"""The neighbourhood analysis: every step in one, for the common case.

Optional inputs add the BAG/KvK indicators, as ``wijkkracht run --bag --establishments`` does: a
BAG layer (e.g. from *Load BAG addresses*; only its points within the street layer's extent
are read), an establishments export (read and placed on that BAG by the library, so home-based
businesses count per street without being written one by one), the reference date and the
privacy threshold below which establishment counts are suppressed; and optionally areas
(e.g. CBS buurten) with a summary per area.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
)

from .alg_bag import (
    ESTABLISHMENTS_ATTRIBUTION,
    add_bag_layer,
    add_establishment_inputs,
    add_privacy_threshold,
    add_reference_date,
    data_attribution,
    establishments_given,
    place_establishments,
    read_bag_layer,
    report_establishments,
)
from .alg_output import add_language, language_code
from .alg_typology import _TYPOLOGY_HELP, _TYPOLOGY_REFERENCES, TypologyParameters
from .base import BAG_NOTICE, ESTABLISHMENTS_NOTICE, OSM_NOTICE, WijkkrachtAlgorithm
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
            "interactive map (HTML, needs folium). Optional BAG and establishments: give a "
            "BAG layer (e.g. from Load BAG addresses) for the BAG indicators per street "
            "(Mixed-use Index, use diversity and intensity by floor area, units out of use, "
            "building ages), and also an establishments export (KvK/LISA) for the vacancy "
            "indication, home-based businesses, business dynamics and the N/O mix by SBI code. "
            "The export is read and placed on the BAG addresses here, so that home-based "
            "businesses count per street but are never written one by one; establishment "
            "counts below the privacy threshold are left empty (NULL), with the shares built "
            "on them, and the field suppressed says where. Only the BAG points within the "
            "extent of the street layer are read. Areas (e.g. CBS buurten) add a summary per "
            "area.")
    INDICATOR_GROUPS = ("proximity", "mixed_use", "no_mix", "vacancy", "bag")
    NOTICES = (OSM_NOTICE, BAG_NOTICE, ESTABLISHMENTS_NOTICE)
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
    BAG = "BAG"
    ESTABLISHMENTS = "ESTABLISHMENTS"
    ESTABLISHMENTS_MAPPING = "ESTABLISHMENTS_MAPPING"
    REFERENCE_DATE = "REFERENCE_DATE"
    PRIVACY_THRESHOLD = "PRIVACY_THRESHOLD"
    AREAS = "AREAS"
    AREAS_OUT = "AREAS_OUT"
    PROBLEMS = "PROBLEMS"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add_streets()
        self.add_pois()
        self.add_area()
        add_bag_layer(
            self, self.BAG,
            "A layer of BAG verblijfsobjecten in the BAG schema, e.g. the output of Load BAG "
            "addresses: adds the BAG indicators per street. Only its points within the extent "
            "of the street layer are read.")
        add_establishment_inputs(self, self.ESTABLISHMENTS, self.ESTABLISHMENTS_MAPPING,
                                 optional=True)
        add_reference_date(self, self.REFERENCE_DATE)
        add_privacy_threshold(
            self, self.PRIVACY_THRESHOLD,
            "Establishment counts below this number are left empty (NULL) in the outputs, "
            "with the shares built on them: a small count can point at one person.")
        self.add(QgsProcessingParameterFeatureSource(
            self.AREAS, tr("Areas for a summary (e.g. CBS buurten; optional)"),
            [QgsProcessing.TypeVectorPolygon], optional=True),
            "Polygons (e.g. CBS buurten or wijken) to summarise the streets by: one row per "
            "area that meets the street layer's extent, with the aggregates of every "
            "indicator.")
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
        self.add_sink(self.AREAS_OUT, "Summary per area",
                      "With areas: one row per area with the aggregates of the indicators "
                      "(small establishment counts suppressed).", QgsProcessing.TypeVectorPolygon,
                      optional=True)
        self.add_sink(self.PROBLEMS, "Establishments not used (rejected or not placed)",
                      "With an establishments export: the rows that were rejected or not found "
                      "in the BAG, with the reason (internal use).", QgsProcessing.TypeVector,
                      optional=True)
        self.add(QgsProcessingParameterFileDestination(
            self.HTML, tr("Interactive map"), tr("HTML files (*.html)"), optional=True,
            createByDefault=False),
            "Also write the interactive web map (HTML); empty: no map.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION, analyse_layers
        from ..styles import key_indicators, type_names
        from .dependencies import install_hint, missing_packages

        html_path = self.parameterAsFileOutput(parameters, self.HTML, context) \
            if parameters.get(self.HTML) else ""
        if html_path:
            missing = missing_packages(["webmap"])
            if missing:
                raise QgsProcessingException(install_hint(missing, lang=language()))
        reference = self.date_parameter(parameters, self.REFERENCE_DATE, context)
        has_establishments = establishments_given(self, parameters, self.ESTABLISHMENTS,
                                                  self.BAG, context)
        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        extent = self.rd_extent(streets) if parameters.get(self.BAG) not in (None, "") or \
            parameters.get(self.AREAS) not in (None, "") else None
        bag = read_bag_layer(self, parameters, self.BAG, context, steps, extent=extent)
        areas = self.read_layer(parameters, self.AREAS, context, steps, extent=extent)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        options: dict[str, Any] = {}
        problems = None
        if bag is not None:
            options = {"bag": bag, "reference_date": reference, "privacy_threshold":
                       self.parameterAsInt(parameters, self.PRIVACY_THRESHOLD, context)}
        if has_establishments:
            placed = place_establishments(self, parameters, self.ESTABLISHMENTS,
                                          self.ESTABLISHMENTS_MAPPING, context, bag)
            report_establishments(feedback, placed)
            options["establishments"] = placed.matched
            problems = placed.problems
        if areas is not None:
            from ..data_sources.schema import to_rd_new

            options["areas"] = self.run_core(to_rd_new, areas, areas.attrs["source"])
        result = self.run_core(analyse_layers, streets, pois, area,
                               progress=self.core_progress(steps),
                               **options,
                               **TypologyParameters.options(self, parameters, context),
                               **self.network_options(parameters, context))
        self.warn(feedback, result.metadata.get("warnings", []))
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        synthetic = bool(result.metadata.get("synthetic")) or bool(
            bag is not None and bag.attrs.get("synthetic"))
        attribution = data_attribution(result.attribution or LAYER_ATTRIBUTION,
                                       bag=bag is not None, establishments=has_establishments,
                                       synthetic=synthetic, feedback=feedback)
        bag_meta = result.metadata.get("bag") or {}
        if bag_meta.get("suppressed_segments"):
            feedback.pushInfo(tr("Streets with suppressed establishment counts (below {}): "
                                 "{}").format(bag_meta.get("privacy_threshold"),
                                              bag_meta["suppressed_segments"]))
        names = type_names(result.streets, language())
        outputs = {
            self.STREETS_OUT: self.write_layer(
                parameters, self.STREETS_OUT, context, steps, result.streets,
                LayerStyle("types", "Streets with indicators and opportunity types",
                           attribution, names=names,
                           extra=key_indicators(result.streets.columns))),
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
        summary = getattr(result, "areas", None)
        if summary is not None:
            outputs[self.AREAS_OUT] = self.write_layer(
                parameters, self.AREAS_OUT, context, steps, summary,
                LayerStyle("areas", "Summary per area", attribution,
                           labels=summary.attrs.get("labels", {})))
        if problems is not None:
            outputs[self.PROBLEMS] = self.write_layer(
                parameters, self.PROBLEMS, context, steps, problems,
                LayerStyle(None, "Establishments not used (rejected or not placed)",
                           ESTABLISHMENTS_ATTRIBUTION))
        if html_path:
            from ..output.webmap import write_webmap

            steps.setProgressText(tr("Writing the map"))
            outputs[self.HTML] = str(self.run_core(
                write_webmap, result, html_path,
                lang=language_code(self, parameters, self.LANGUAGE, context)))
        return outputs
