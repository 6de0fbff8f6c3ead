"""Output: the interactive web map (HTML) of classified streets."""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
)

from .alg_bag import add_privacy_threshold, privacy_threshold
from .base import WijkkrachtAlgorithm
from .i18n import language, tr

__all__ = ["ExportWebmapAlgorithm", "LANGUAGES", "add_language"]

#: Map languages: (code, English label); the index is the parameter value.
LANGUAGES = (("nl", "Dutch"), ("en", "English"))


def add_language(alg: WijkkrachtAlgorithm, key: str, *, advanced: bool = False,
                 description: str = "Map language",
                 help_text: str = "Language of the map's labels, legends and tooltips.") -> None:
    """A language choice (by default for the map), defaulting to the QGIS language."""
    codes = [code for code, _ in LANGUAGES]
    alg.add_enum(key, description, [label for _, label in LANGUAGES],
                 codes.index(language()), help_text, advanced=advanced)


def language_code(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
                  context: QgsProcessingContext) -> str:
    """The language code chosen with :func:`add_language`."""
    return LANGUAGES[alg.parameterAsEnum(parameters, key, context)][0]


class ExportWebmapAlgorithm(WijkkrachtAlgorithm):
    """Classified streets (and POIs, study area) as one self-contained HTML map."""

    NAME = "exportwebmap"
    DISPLAY_NAME = "Export interactive map (HTML)"
    GROUP = "output"
    REQUIRES = ("core", "webmap")
    DESCRIPTION = "Writes an interactive map of the opportunity types and key indicators."
    HELP = ("Writes one HTML page (Leaflet, made with Folium) to open in any browser: the "
            "streets coloured by opportunity type with a legend, one layer per key indicator "
            "with a graduated legend, a tooltip per street with its key indicators, the POIs "
            "as N / O / other / vacant, the study area, and the OpenStreetMap attribution. "
            "Colours and classes are those of the QGIS styles. The streets need the type "
            "fields (type_key, type_name_nl, type_name_en); POIs may be classified (the "
            "neighbourhood analysis' POIs) or raw with a tag column. Streets with BAG/KvK "
            "indicators get a layer per key indicator too; establishment counts below the "
            "privacy threshold are left out of the page. When the BAG or establishments were "
            "SYNTHETIC (the streets layer's metadata says so, or you choose it), the map says "
            "so in a banner.")

    LANGUAGE = "LANGUAGE"
    SYNTHETIC = "SYNTHETIC"
    PRIVACY_THRESHOLD = "PRIVACY_THRESHOLD"
    OFFLINE = "OFFLINE"
    OUTPUT = "OUTPUT"
    #: SYNTHETIC choices: (key, label); the index is the parameter value.
    SYNTHETIC_CHOICES = (("auto", "From the streets layer's metadata"),
                         ("yes", "Yes: the BAG/KvK data are synthetic"),
                         ("no", "No: real data"))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFeatureSource(
            self.STREETS, tr("Streets with opportunity types"), [QgsProcessing.SourceType.TypeVectorLine]),
            "Street segments with the type fields and, where present, the key indicators.")
        self.add_pois(optional=True)
        self.add_area(optional=True)
        add_language(self, self.LANGUAGE)
        self.add_enum(self.SYNTHETIC, "BAG/KvK data are synthetic",
                      [label for _, label in self.SYNTHETIC_CHOICES], 0,
                      "Whether the map must say that the BAG/establishment figures are "
                      "SYNTHETIC (generated, not real). Automatic: when the streets layer's "
                      "metadata (rights or abstract, as the neighbourhood analysis writes it) "
                      "says SYNTHETIC.", advanced=True)
        add_privacy_threshold(
            self, self.PRIVACY_THRESHOLD,
            tr("Establishment counts below this number (and what is computed from them) are "
               "left out of the map; use the threshold of the analysis or a higher one."),
            advanced=True)
        self.add(QgsProcessingParameterBoolean(
            self.OFFLINE, tr("Start without base-map tiles (no internet requests)"), False),
            "The map's JavaScript and CSS are always in the page, so it opens with no internet; "
            "this also starts it on a base map drawn from the data instead of online tiles, so "
            "that the page makes no request at all (e.g. where a network blocks tile servers).")
        self.add(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("Interactive map"), tr("HTML files (*.html)")),
            "The HTML file to write.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..output.webmap import write_layers_map

        threshold = privacy_threshold(self, parameters, self.PRIVACY_THRESHOLD, context)
        steps = self.steps(feedback, 2)
        streets = self.read_required(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Writing the map"))
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        choice = self.SYNTHETIC_CHOICES[self.parameterAsEnum(parameters, self.SYNTHETIC,
                                                             context)][0]
        if choice == "auto":
            choice = "yes" if self.layer_says_synthetic(parameters, self.STREETS,
                                                        context) else "no"
        synthetic = ("bag", "establishments") if choice == "yes" else ()
        if synthetic:
            feedback.pushInfo(tr("The map says that the BAG/KvK data are SYNTHETIC."))
        written = self.run_core(write_layers_map, path, streets, pois, area,
                                lang=language_code(self, parameters, self.LANGUAGE, context),
                                source=streets.attrs.get("source", "streets"),
                                synthetic=synthetic,
                                privacy_threshold=threshold,
                                offline=self.parameterAsBoolean(parameters, self.OFFLINE,
                                                                context))
        return {self.OUTPUT: str(written)}
