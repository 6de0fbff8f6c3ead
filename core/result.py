"""The result of an analysis: what every output (GeoPackage, map, QGIS layers) is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["AnalysisResult", "OSM_ATTRIBUTION", "OSM_LICENCE"]

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_LICENCE = "ODbL 1.0 (https://opendatacommons.org/licenses/odbl/)"


@dataclass
class AnalysisResult:
    """Everything one analysis produced.

    Attributes
    ----------
    streets
        One row per street segment of the *study area* (EPSG:28992), index ``segment_id``:
        ``street_name``, ``highway``, ``osm_id``, ``length_m``, every registered indicator
        (see :mod:`wijkkracht.core.indicators.registry`), and the typology columns
        ``type_id`` (int), ``type_key`` (archetype key, see :data:`wijkkracht.core.typology.ARCHETYPES`),
        ``type_name_nl`` and ``type_name_en``.
    pois
        The classified POIs used (EPSG:28992) within the buffered area: POI schema plus
        ``function``, ``no_class``, ``everyday``, ``shopfront``, ``vacant``, ``building_use``,
        ``segment_id`` (nearest segment, -1 if none within the snapping distance),
        ``offset_m`` and ``snap_distance_m``, and ``in_study_area`` (bool).
    area
        The study area, one row (EPSG:28992): ``name`` plus summary figures.
    profile
        The typology profile: one row per type with ``type_id``, ``type_key``,
        ``type_name_nl``, ``type_name_en``, ``segments``, ``share`` and the mean of every
        typology feature in its own unit.
    metadata
        Provenance: tool version, parameters, data sources with attribution and licence,
        timings per step, warnings.
    rasters
        Intensity surfaces on the RD New grid (``analyse(..., rasters=...)``), name ->
        :class:`wijkkracht.core.rasters.Surface`; empty when none were asked for.
    """

    streets: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    area: gpd.GeoDataFrame
    profile: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    rasters: dict[str, Any] = field(default_factory=dict)

    @property
    def attribution(self) -> str:
        """Attribution text every output made from this result must carry."""
        return str(self.metadata.get("attribution", f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"))
