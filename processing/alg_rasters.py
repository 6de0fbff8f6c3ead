"""Intensity rasters: kernel-density and diversity surfaces as styled GeoTIFFs.

A thin wrapper around :func:`wijkkracht.core.rasters.surfaces_for_layers` (one call) and
:func:`wijkkracht.output.geotiff.write_surfaces` (the GeoTIFFs and their ``.qml`` styles,
written together or not at all, through QGIS's own GDAL: ``osgeo.gdal``, not rasterio).
Each surface is a raster destination; a loaded output gets the style of the spec (the same
``.qml`` written beside the file) and the data attribution in its metadata.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsRectangle,
    QgsReferencedRectangle,
)

from .alg_bag import (
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
from .base import BAG_NOTICE, ESTABLISHMENTS_NOTICE, OSM_NOTICE, WijkkrachtAlgorithm
from .i18n import language, tr
from .options import add_number, checked_options
from .styling import StylePostProcessor

__all__ = ["IntensityRastersAlgorithm", "SURFACE_OUTPUTS", "SURFACE_TEXTS"]

#: Output parameter key -> surface (a key of ``wijkkracht.core.rasters.SURFACES``).
SURFACE_OUTPUTS: dict[str, str] = {
    "BUSINESS_INTENSITY": "business_intensity",
    "N_INTENSITY": "n_intensity",
    "O_INTENSITY": "o_intensity",
    "VACANCY_DENSITY": "vacancy_density",
    "MIXED_USE_DIVERSITY": "mixed_use_diversity",
    "ESTABLISHMENT_INTENSITY": "establishment_intensity",
    "BAG_VACANCY_DENSITY": "bag_vacancy_density",
}

#: The title and help of each surface output, Dutch and English, and whether it needs the
#: establishments: the texts of :data:`wijkkracht.core.rasters.SURFACES` (a test checks they
#: are the same), written out because QGIS builds the parameters when the plugin starts,
#: before any of the library (and the geo packages it imports) is wanted.
SURFACE_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str], bool]] = {
    "business_intensity": (
        ("Bedrijvigheid (OSM-functies) (per km²)",
         "Business intensity (OSM functions) (per km²)"),
        ("Kerndichtheid (kwartische kern) van de niet-woonfuncties uit OpenStreetMap (winkels, "
         "horeca, diensten, zorg, kantoren, ...), per km²: hoe meer en hoe dichterbij, hoe hoger.",
         "Kernel density (quartic kernel) of the non-residential functions of OpenStreetMap "
         "(shops, food and drink, services, care, offices, ...), per km²: the more and the nearer,"
         " the higher."),
        False),
    "n_intensity": (
        ("Dichtheid N (noodzakelijk) (per km²)",
         "Intensity of N (everyday necessities) (per km²)"),
        ("Kerndichtheid (kwartische kern) van de N-voorzieningen (dagelijkse boodschappen, bakker,"
         " apotheek, huisarts), per km²: hoe meer en hoe dichterbij, hoe hoger.",
         "Kernel density (quartic kernel) of the N businesses (groceries, bakery, pharmacy, GP), "
         "per km²: the more and the nearer, the higher."),
        False),
    "o_intensity": (
        ("Dichtheid O (onderscheidend) (per km²)",
         "Intensity of O (distinctive) (per km²)"),
        ("Kerndichtheid (kwartische kern) van de O-bedrijven (speciaalzaken, ambachten, horeca, "
         "cultuur), per km²: hoe meer en hoe dichterbij, hoe hoger.",
         "Kernel density (quartic kernel) of the O businesses (specialty shops, crafts, food and "
         "drink, culture), per km²: the more and the nearer, the higher."),
        False),
    "vacancy_density": (
        ("Dichtheid leegstaande winkelpanden (per km²)",
         "Density of vacant shop fronts (per km²)"),
        ("Kerndichtheid (kwartische kern) van de leegstaande winkelpanden in OpenStreetMap "
         "(shop=vacant, disused:shop), per km²: hoe meer en hoe dichterbij, hoe hoger.",
         "Kernel density (quartic kernel) of the vacant shop fronts in OpenStreetMap (shop=vacant,"
         " disused:shop), per km²: the more and the nearer, the higher."),
        False),
    "mixed_use_diversity": (
        ("Functiemenging (Hill q = 1) (effectief aantal functies)",
         "Mixed-use diversity (Hill q = 1) (effective number of functions)"),
        ("Effectief aantal functieklassen (exp van de Shannon-entropie) van de functies binnen de "
         "straal rond het midden van de cel (hemelsbreed); 0 zonder functies.",
         "Effective number of function classes (exp of Shannon's entropy) of the functions within "
         "the radius around the cell centre (straight line); 0 without functions."),
        False),
    "establishment_intensity": (
        ("Bedrijvigheid (actieve vestigingen) (per km²)",
         "Business intensity (active establishments) (per km²)"),
        ("Kerndichtheid (kwartische kern) van de vestigingen die op de peildatum actief zijn "
         "(KvK/LISA), per km²: hoe meer en hoe dichterbij, hoe hoger. Cellen waarvan de waarde van"
         " minder vestigingen komt dan de privacydrempel zijn leeg (nodata).",
         "Kernel density (quartic kernel) of the establishments active on the reference date "
         "(KvK/LISA), per km²: the more and the nearer, the higher. Cells whose value comes from "
         "fewer establishments than the privacy threshold are empty (nodata)."),
        True),
    "bag_vacancy_density": (
        ("Dichtheid leegstandsindicatie (BAG) (per km²)",
         "Density of the vacancy indication (BAG) (per km²)"),
        ("Kerndichtheid (kwartische kern) van de niet-woonobjecten in gebruik zonder actieve "
         "vestiging (BAG en KvK/LISA), per km²: hoe meer en hoe dichterbij, hoe hoger. Een "
         "indicatie, niet de CBS-leegstandsstatistiek.",
         "Kernel density (quartic kernel) of the non-residential units in use without an active "
         "establishment (BAG and KvK/LISA), per km²: the more and the nearer, the higher. An "
         "indication, not the CBS vacancy statistic."),
        True),
}
#: The style post-processors handed to QGIS, kept alive until it has used them.
_ALIVE: deque[StylePostProcessor] = deque(maxlen=256)


class IntensityRastersAlgorithm(WijkkrachtAlgorithm):
    """Surfaces of business intensity, N and O, vacancy and mixed use on the RD New grid."""

    NAME = "intensityrasters"
    DISPLAY_NAME = "Intensity rasters"
    GROUP = "indicators"
    REQUIRES = ("core",)  # the GeoTIFFs are written with QGIS's own GDAL (osgeo), not rasterio
    DESCRIPTION = ("Kernel-density surfaces of businesses, N, O and vacancy, and a mixed-use "
                   "diversity surface, as GeoTIFFs on the RD New grid.")
    HELP = ("Computes surfaces on a grid in EPSG:28992 (RD New) whose cell edges lie on "
            "multiples of the cell size (25 m by default; 100 m matches the CBS squares), "
            "covering the study area and the bandwidth around it; cells farther away are "
            "nodata. Densities: a quartic (biweight) kernel with the given bandwidth, summed "
            "exactly over the points at every cell centre, in points per km² (each point adds "
            "one to the surface's integral): business intensity (the OpenStreetMap functions), "
            "N and O intensity, and the density of vacant shop fronts. Mixed use: the Hill "
            "number q = 1 (exp of Shannon's entropy) of the function classes within the "
            "bandwidth of the cell centre (straight line), 0 without functions. With a BAG "
            "layer and an establishments export also the business intensity of the "
            "establishments active on the reference date, in which a cell whose value comes "
            "from fewer establishments than the privacy threshold is nodata (a count of 0 "
            "stays 0), and the density of the BAG vacancy indication (non-residential units "
            "in use without an active establishment). Each output is a Cloud Optimized "
            "GeoTIFF with a QGIS style (.qml) beside it, with the classes and colours of the "
            "plugin's other outputs. Without a study area, the area the streets cover is "
            "used.")
    NOTICES = (OSM_NOTICE, BAG_NOTICE, ESTABLISHMENTS_NOTICE)
    REFERENCES = (
        "Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis. "
        "Chapman and Hall (the quartic kernel).",
        "Hill, M. O. (1973). Diversity and evenness: a unifying notation and its consequences. "
        "Ecology 54(2), 427-432.",
    )

    BAG = "BAG"
    ESTABLISHMENTS = "ESTABLISHMENTS"
    ESTABLISHMENTS_MAPPING = "ESTABLISHMENTS_MAPPING"
    REFERENCE_DATE = "REFERENCE_DATE"
    PRIVACY_THRESHOLD = "PRIVACY_THRESHOLD"
    CELL_SIZE = "CELL_SIZE"
    BANDWIDTH = "BANDWIDTH"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFeatureSource(
            self.STREETS, tr("Streets (optional: their extent when there is no study area)"),
            [QgsProcessing.SourceType.TypeVectorLine], optional=True),
            "Lines of the walking network. Only used without a study area (the area is then "
            "the one the streets cover) and to read the BAG layer within their extent.")
        self.add_pois()
        self.add_area()
        add_number(self, "cell_size", tr("Cell size (m)"),
                   note=tr("Cell edges lie on multiples of it in RD New. 100 m matches the CBS "
                           "squares (vierkantstatistieken)."))
        add_number(self, "bandwidth", tr("Bandwidth (m)"),
                   note=tr("Radius of the quartic kernel and of the mixed-use window, in "
                           "metres; at least the cell size. A point counts within this "
                           "distance of a cell centre, most near it."))
        add_bag_layer(
            self, self.BAG,
            "A layer of BAG verblijfsobjecten in the BAG schema, e.g. the output of Load BAG "
            "addresses: with an establishments export, the density of the vacancy indication. "
            "Only its points near the study area are read.")
        add_establishment_inputs(self, self.ESTABLISHMENTS, self.ESTABLISHMENTS_MAPPING,
                                 optional=True)
        add_reference_date(self, self.REFERENCE_DATE)
        add_privacy_threshold(
            self, self.PRIVACY_THRESHOLD,
            tr("Cells of the establishments' surface whose value comes from fewer "
               "establishments than this are left empty (nodata): a small count can point at "
               "one person."))
        self.add(QgsProcessingParameterFile(
            self.CATEGORIES, tr("Tag classification table (CSV)"), extension="csv",
            optional=True),
            "Your own version of data/poi_categories.csv: which OSM tags are functions, N or O, "
            "everyday amenities, shop fronts. Empty: the bundled table.", advanced=True)
        i = 0 if language() == "nl" else 1
        for key, name in SURFACE_OUTPUTS.items():
            # every surface optional: skip the ones you do not want
            title, description, needs_establishments = SURFACE_TEXTS[name]
            param = QgsProcessingParameterRasterDestination(
                key, title[i], optional=True, createByDefault=True)
            extra = (" " + tr("Only with a BAG layer and an establishments export.")) \
                if needs_establishments else ""
            self.add(param, description[i] + extra)

    def _bag_extent(self, streets: Any, area: Any, bandwidth: float) -> QgsReferencedRectangle:
        """Where the BAG is read: the streets' extent, else the study area's grown by twice
        the bandwidth (the cells within reach of the area, and the points within reach of
        those)."""
        if streets is not None:
            return self.rd_extent(streets)
        rect = self.rd_extent(area)
        grow = 2.0 * bandwidth
        return QgsReferencedRectangle(
            QgsRectangle(rect.xMinimum() - grow, rect.yMinimum() - grow,
                         rect.xMaximum() + grow, rect.yMaximum() + grow),
            QgsCoordinateReferenceSystem("EPSG:28992"))

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION
        from ..core.rasters import surfaces_for_layers
        from ..data_sources.tables import read_category_table
        from ..output.geotiff import write_surfaces
        from ..styles.qml import raster_qml

        reference = self.date_parameter(parameters, self.REFERENCE_DATE, context)
        has_bag = parameters.get(self.BAG) not in (None, "")
        has_establishments = establishments_given(self, parameters, self.ESTABLISHMENTS,
                                                  self.BAG, context)
        if parameters.get(self.STREETS) in (None, "") and parameters.get(self.AREA) in (None, ""):
            raise QgsProcessingException(tr("Give a study area or a streets layer: the rasters "
                                            "cover the study area."))
        if all(parameters.get(key) in (None, "") for key in SURFACE_OUTPUTS):
            # optional outputs: qgis_process writes none unless asked for one
            raise QgsProcessingException(tr("No raster to write: give at least one output, "
                                            "e.g. BUSINESS_INTENSITY=business.tif."))
        options = checked_options({
            "cell_size": self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            "bandwidth": self.parameterAsDouble(parameters, self.BANDWIDTH, context),
            "privacy_threshold": self.parameterAsInt(parameters, self.PRIVACY_THRESHOLD,
                                                     context),
            "reference_date": reference})
        cell, bandwidth = options["cell_size"], options["bandwidth"]
        threshold = options["privacy_threshold"]
        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        bag = read_bag_layer(self, parameters, self.BAG, context, steps,
                             extent=self._bag_extent(streets, area, bandwidth)) \
            if has_bag else None
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Computing the surfaces"))
        establishments = None
        synthetic = []
        if bag is not None and bag.attrs.get("synthetic"):
            synthetic.append("bag")
        if has_establishments:
            placed = place_establishments(self, parameters, self.ESTABLISHMENTS,
                                          self.ESTABLISHMENTS_MAPPING, context, bag)
            report_establishments(feedback, placed)
            establishments = placed.matched
            if placed.synthetic:
                synthetic.append("establishments")
        path = self.parameterAsFile(parameters, self.CATEGORIES, context)
        categories = self.run_core(read_category_table, path) if path else None
        surfaces = self.run_core(
            surfaces_for_layers, pois, area, streets=streets, categories=categories, bag=bag,
            establishments=establishments, cell_size=cell, bandwidth=bandwidth,
            reference_date=reference, privacy_threshold=threshold)
        attribution = data_attribution(LAYER_ATTRIBUTION, bag=bag is not None,
                                       establishments=has_establishments,
                                       synthetic=bool(synthetic), feedback=feedback)
        suppressed = getattr(surfaces.get("establishment_intensity"), "suppressed_cells", 0)
        if suppressed:
            feedback.pushInfo(tr("Cells left empty by the privacy threshold (below {}): "
                                 "{}").format(threshold, suppressed))
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        steps.setProgressText(tr("Writing the rasters"))
        wanted = {key: name for key, name in SURFACE_OUTPUTS.items()
                  if name in surfaces and parameters.get(key) not in (None, "")}
        paths = {key: self.parameterAsOutputLayer(parameters, key, context) for key in wanted}
        lang = language()
        # QGIS's own GDAL (osgeo.gdal), never rasterio: no second GDAL in QGIS's process
        self.run_core(write_surfaces, surfaces, {wanted[k]: p for k, p in paths.items()},
                      lang=lang, source=attribution, synthetic=synthetic, engine="gdal")
        for key, path in paths.items():
            if context.willLoadLayerOnCompletion(path):
                surface = surfaces[wanted[key]]
                processor = StylePostProcessor(
                    raster_qml(surface.name, lang=lang),
                    f"{surface.title(lang)}. {surface.method}. {attribution}", attribution)
                _ALIVE.append(processor)
                context.layerToLoadOnCompletionDetails(path).setPostProcessor(processor)
        return dict(paths)
