"""Data: fetch the walking network, the POIs and the study area from OpenStreetMap."""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .base import WijkkrachtAlgorithm
from .i18n import tr
from .styling import LayerStyle

__all__ = ["FetchOsmAlgorithm"]


class FetchOsmAlgorithm(WijkkrachtAlgorithm):
    """Streets, POIs and study area from OpenStreetMap (Nominatim, Overpass, via OSMnx)."""

    NAME = "fetchosm"
    DISPLAY_NAME = "Fetch OSM streets and POIs"
    GROUP = "data"
    REQUIRES = ("core", "fetch")
    DESCRIPTION = "Downloads the walking network and the POIs around a study area from OpenStreetMap."
    HELP = ("Give the study area in one of three ways: an extent, a polygon layer, or a place "
            "name (geocoded by Nominatim, e.g. 'Kanaleneiland, Utrecht'). The walking network "
            "(OSMnx, network type 'walk', one line per street segment) and the POIs and "
            "buildings are downloaded from Overpass for the area grown by the buffer, so that "
            "walking distances near its edge are right. Responses are cached: a second run "
            "for the same area works offline. Mind the usage policies of the public servers; "
            "for large areas use your own.")
    REFERENCES = (
        "Boeing, G. (2017). OSMnx: new methods for acquiring, constructing, analyzing, and "
        "visualizing complex street networks. Computers, Environment and Urban Systems 65, "
        "126-139.",
    )

    EXTENT = "EXTENT"
    AREA = "AREA"
    PLACE = "PLACE"
    BUFFER = "BUFFER"
    CACHE_DIR = "CACHE_DIR"
    OVERPASS_URL = "OVERPASS_URL"
    NOMINATIM_URL = "NOMINATIM_URL"
    TIMEOUT = "TIMEOUT"
    STREETS_OUT = "STREETS_OUT"
    POIS_OUT = "POIS_OUT"
    AREA_OUT = "AREA_OUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterExtent(self.EXTENT, tr("Study area: extent"),
                                              optional=True),
                 "A rectangle; give this, a study-area layer or a place name.")
        self.add(QgsProcessingParameterFeatureSource(
            self.AREA, tr("Study area: polygon layer"), [QgsProcessing.SourceType.TypeVectorPolygon],
            optional=True),
            "Polygons of the neighbourhood (all merged); give this, an extent or a place name.")
        self.add(QgsProcessingParameterString(self.PLACE, tr("Study area: place name"),
                                              optional=True),
                 "A neighbourhood or municipality that Nominatim knows as an area, e.g. "
                 "'Kanaleneiland, Utrecht'; give this, an extent or a study-area layer.")
        self.add(QgsProcessingParameterNumber(self.BUFFER, tr("Buffer around the study area (m)"),
                                              QgsProcessingParameterNumber.Type.Double, 800.0,
                                              minValue=0.0),
                 "Streets and POIs are fetched this far (metres) beyond the study area.")
        self.add(QgsProcessingParameterFile(
            self.CACHE_DIR, tr("Cache folder for OpenStreetMap responses"),
            QgsProcessingParameterFile.Behavior.Folder, optional=True),
            "Where the responses are kept; empty: the per-user cache "
            "(~/.cache/wijkkracht/osmnx).", advanced=True)
        self.add(QgsProcessingParameterString(self.OVERPASS_URL, tr("Overpass API URL"),
                                              optional=True),
                 "Another Overpass server (e.g. your own); empty: the public "
                 "https://overpass-api.de/api.", advanced=True)
        self.add(QgsProcessingParameterString(self.NOMINATIM_URL, tr("Nominatim URL"),
                                              optional=True),
                 "Another Nominatim server; empty: the public "
                 "https://nominatim.openstreetmap.org/.", advanced=True)
        self.add(QgsProcessingParameterNumber(self.TIMEOUT, tr("Timeout (seconds)"),
                                              QgsProcessingParameterNumber.Type.Double, 180.0,
                                              minValue=1.0),
                 "How long to wait for each server answer.", advanced=True)
        self.add_sink(self.STREETS_OUT, "Streets (walking network)",
                      "The walking network of the buffered area: one line per street "
                      "segment.", QgsProcessing.SourceType.TypeVectorLine)
        self.add_sink(self.POIS_OUT, "POIs",
                      "POIs and buildings of the buffered area: one point per OSM object and "
                      "tag (column tag, key=value).", QgsProcessing.SourceType.TypeVectorPoint)
        self.add_sink(self.AREA_OUT, "Study area",
                      "The study area (not buffered).", QgsProcessing.SourceType.TypeVectorPolygon)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.result import OSM_ATTRIBUTION, OSM_LICENCE
        from ..data_sources.osm_live import fetch_osm

        steps = self.steps(feedback, 2)
        bbox = None
        if parameters.get(self.EXTENT) not in (None, ""):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context,
                                          QgsCoordinateReferenceSystem("EPSG:4326"))
            bbox = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        area = self.read_layer(parameters, self.AREA, context, steps)
        place = self.parameterAsString(parameters, self.PLACE, context).strip() or None
        steps.setProgressText(tr("Fetching OpenStreetMap"))
        fetched = self.run_core(
            fetch_osm, place=place, polygon=area, bbox=bbox,
            buffer_m=self.parameterAsDouble(parameters, self.BUFFER, context),
            cache_dir=self.parameterAsFile(parameters, self.CACHE_DIR, context) or None,
            overpass_url=self.parameterAsString(parameters, self.OVERPASS_URL, context) or None,
            nominatim_url=self.parameterAsString(parameters, self.NOMINATIM_URL, context) or None,
            timeout=self.parameterAsDouble(parameters, self.TIMEOUT, context))
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        attribution = f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"
        return {
            self.STREETS_OUT: self.write_layer(
                parameters, self.STREETS_OUT, context, steps, fetched.streets,
                LayerStyle("network", "Walking network from OpenStreetMap", attribution)),
            self.POIS_OUT: self.write_layer(
                parameters, self.POIS_OUT, context, steps, fetched.pois,
                LayerStyle("osm_pois", "POIs from OpenStreetMap", attribution)),
            self.AREA_OUT: self.write_layer(
                parameters, self.AREA_OUT, context, steps, fetched.area,
                LayerStyle("area", "Study area", attribution)),
        }
