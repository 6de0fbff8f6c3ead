"""Output: the neighbourhood report (one printable HTML page), as ``wijkkracht report`` writes it.

From the GeoPackage a run wrote (``wijkkracht run``/``demo``, with the run's metadata), read by
:func:`wijkkracht.output.report.result_from_gpkg` as the command line reads it, or from the
layers of the *Neighbourhood analysis* (:func:`wijkkracht.output.report.result_from_layers`);
then one call to :func:`wijkkracht.output.report.write_report_page`, which writes the page
atomically.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from .alg_bag import add_privacy_threshold, privacy_threshold
from .alg_output import add_language, language_code
from .base import BAG_NOTICE, ESTABLISHMENTS_NOTICE, OSM_NOTICE, WijkkrachtAlgorithm
from .dependencies import install_hint, missing_packages
from .i18n import language, tr

__all__ = ["ReportAlgorithm"]


class ReportAlgorithm(WijkkrachtAlgorithm):
    """The neighbourhood report of an analysis: one self-contained HTML page."""

    NAME = "report"
    DISPLAY_NAME = "Neighbourhood report (HTML)"
    GROUP = "output"
    REQUIRES = ("core", "report")
    DESCRIPTION = ("Writes the printable report that explains the opportunity types of a "
                   "neighbourhood analysis.")
    HELP = ("Writes the report the command line writes (wijkkracht report) as one HTML page to "
            "open in a browser and print to PDF: key figures, a static map of the opportunity "
            "types, per type why it has its name, what it offers, its rule and profile, and "
            "the streets where it is found most, the streets by name, the N/O balance, "
            "vacancy, liveliness and spending where computed, and the methods and sources. "
            "Give either the GeoPackage a wijkkracht run wrote (it carries the run's date, "
            "parameters and sources; needs pyogrio), or the layers of the neighbourhood "
            "analysis: the streets with opportunity types and the profile of the types, "
            "with the classified POIs, the study area and the summary per area where you "
            "have them. With areas, the page can be that of one area (its code or name). "
            "Establishment counts below the privacy threshold are never shown; when the "
            "BAG/KvK data were SYNTHETIC (the streets layer's metadata says so), the page "
            "says so at the top and tags every figure made from them.")
    NOTICES = (OSM_NOTICE, BAG_NOTICE, ESTABLISHMENTS_NOTICE)

    RESULT = "RESULT"
    PROFILE = "PROFILE"
    AREAS = "AREAS"
    AREA_CODE = "AREA_CODE"
    LANGUAGE = "LANGUAGE"
    MAP = "MAP"
    OFFLINE = "OFFLINE"
    PRIVACY_THRESHOLD = "PRIVACY_THRESHOLD"
    OUTPUT = "OUTPUT"
    #: MAP choices: (library value, label); the index is the parameter value.
    MAP_CHOICES = (("embed", "The interactive map in the page (needs folium)"),
                   ("none", "The static map only"))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFile(
            self.RESULT, tr("Result GeoPackage of a wijkkracht run"),
            behavior=QgsProcessingParameterFile.Behavior.File, extension="gpkg",
            optional=True),
            "The GeoPackage wijkkracht run or wijkkracht demo wrote (e.g. out/wijkkracht.gpkg). "
            "Empty: the layers below.")
        self.add(QgsProcessingParameterFeatureSource(
            self.STREETS, tr("Streets with opportunity types"),
            [QgsProcessing.SourceType.TypeVectorLine], optional=True),
            "The streets of the neighbourhood analysis: the type fields and the indicators.")
        self.add(QgsProcessingParameterFeatureSource(
            self.PROFILE, tr("Profile of the opportunity types"),
            [QgsProcessing.SourceType.TypeVector], optional=True),
            "The profile table the neighbourhood analysis wrote (one row per type).")
        self.add_pois(optional=True)
        self.add_area(optional=True)
        self.add(QgsProcessingParameterFeatureSource(
            self.AREAS, tr("Summary per area (optional)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True),
            "The summary per area the neighbourhood analysis wrote: the page of one area "
            "becomes possible.")
        self.add(QgsProcessingParameterString(
            self.AREA_CODE, tr("Page of one area (code or name; optional)"), optional=True),
            "Empty: the page of the whole study area.")
        add_language(self, self.LANGUAGE, description="Report language",
                     help_text="Language of the report's texts and labels.")
        self.add_enum(self.MAP, "Interactive map", [label for _, label in self.MAP_CHOICES], 0,
                      "The static map is always in the page; the interactive map makes the "
                      "page a few MB larger.")
        self.add(QgsProcessingParameterBoolean(
            self.OFFLINE, tr("Start without base-map tiles (no internet requests)"), False),
            "The map's JavaScript and CSS are always in the page, so it opens with no internet; "
            "this also starts it on a base map drawn from the data instead of online tiles, so "
            "that the page makes no request at all (e.g. where a network blocks tile servers).",
            advanced=True)
        add_privacy_threshold(
            self, self.PRIVACY_THRESHOLD,
            tr("With layers: establishment counts below this number are not shown; use the "
               "threshold of the analysis or a higher one. A GeoPackage keeps its run's."),
            advanced=True)
        self.add(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("Report"), tr("HTML files (*.html)")),
            "The HTML file to write.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..output.report import write_report_page

        map_mode = self.MAP_CHOICES[self.parameterAsEnum(parameters, self.MAP, context)][0]
        self._need(["webmap"] if map_mode == "embed" else [])
        steps = self.steps(feedback, 2)
        result = self.read_result(parameters, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Writing the report"))
        area = self.parameterAsString(parameters, self.AREA_CODE, context).strip() or None
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        written = self.run_core(write_report_page, result, path,
                                lang=language_code(self, parameters, self.LANGUAGE, context),
                                area=area, map=map_mode,
                                offline=self.parameterAsBoolean(parameters, self.OFFLINE,
                                                                context))
        return {self.OUTPUT: str(written)}

    def read_result(self, parameters: dict[str, Any], context: QgsProcessingContext,
                    feedback: QgsProcessingFeedback) -> Any:
        """The analysis result: from the run's GeoPackage, or from the analysis' layers."""
        from ..output.report import result_from_gpkg, result_from_layers

        gpkg = self.parameterAsFile(parameters, self.RESULT, context)
        layers = [k for k in (self.STREETS, self.PROFILE, self.POIS, self.AREA, self.AREAS)
                  if parameters.get(k) not in (None, "")]
        if gpkg and layers:
            raise QgsProcessingException(tr("Give either a result GeoPackage or the layers of "
                                             "an analysis, not both."))
        if gpkg:
            self._need(["files"])
            return self.run_core(result_from_gpkg, gpkg)
        if self.STREETS not in layers or self.PROFILE not in layers:
            raise QgsProcessingException(tr("Give a result GeoPackage, or the streets with "
                                             "opportunity types and the profile of the types."))
        threshold = privacy_threshold(self, parameters, self.PRIVACY_THRESHOLD, context)
        streets = self.read_layer(parameters, self.STREETS, context, feedback)
        synthetic = ("bag", "establishments") if self.layer_says_synthetic(
            parameters, self.STREETS, context) else ()
        if synthetic:
            feedback.pushInfo(tr("The report says that the BAG/KvK data are SYNTHETIC."))
        if streets is None:  # not reached: checked above
            raise QgsProcessingException(self.invalidSourceError(parameters, self.STREETS))
        return self.run_core(
            result_from_layers, streets,
            self.read_layer(parameters, self.PROFILE, context, feedback),
            pois=self.read_layer(parameters, self.POIS, context, feedback),
            area=self.read_layer(parameters, self.AREA, context, feedback),
            areas=self.read_layer(parameters, self.AREAS, context, feedback),
            attribution=self._attribution(parameters, context), synthetic=synthetic,
            privacy_threshold=threshold, source=streets.attrs.get("source", "streets"))

    def _attribution(self, parameters: dict[str, Any], context: QgsProcessingContext
                     ) -> str | None:
        """The streets layer's attribution (its rights, as the analysis writes them)."""
        layer = self.parameterAsVectorLayer(parameters, self.STREETS, context)
        rights = layer.metadata().rights() if layer is not None else []
        return "; ".join(rights) or None

    @staticmethod
    def _need(features: list[str]) -> None:
        """Refuse, with the install command, when a package a choice needs is missing."""
        missing = missing_packages(features)
        if missing:
            raise QgsProcessingException(install_hint(missing, lang=language()))
