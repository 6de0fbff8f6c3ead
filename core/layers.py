"""Pipeline steps for layers as they come, not from files: what the QGIS algorithms call.

Each function brings its layers to the schemas first (any CRS; OSMnx, GDAL-OSM or wijkkracht
column layouts, as the file readers accept; see :mod:`wijkkracht.data_sources.schema`), then runs
one step of :mod:`wijkkracht.core.pipeline`. So the values are those of the pipeline for the
same data, and the error messages are those the command line gives (only the source names
differ: a layer's name instead of a file path).

A frame's ``attrs["source"]`` (e.g. the QGIS layer name), when set, names it in error messages;
otherwise ``streets``, ``pois`` and ``area`` do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from ..data_sources.schema import normalize_area, normalize_pois, normalize_streets
from .pipeline import (
    INDICATOR_GROUPS,
    ProgressCallback,
    StreetIndicators,
    analyse,
    street_indicators,
)
from .result import OSM_ATTRIBUTION, AnalysisResult

__all__ = ["Layers", "normalize_layers", "indicators_for_layers", "analyse_layers"]

#: Attribution of layers whose origin is unknown (most are OpenStreetMap).
LAYER_ATTRIBUTION = f"{OSM_ATTRIBUTION}, ODbL 1.0 (if from OpenStreetMap)"


@dataclass(frozen=True)
class Layers:
    """Streets, POIs and study area in the schemas (EPSG:28992); None where not given."""

    streets: gpd.GeoDataFrame | None
    pois: gpd.GeoDataFrame | None
    area: gpd.GeoDataFrame | None
    names: dict[str, str]


def _name(gdf: gpd.GeoDataFrame, default: str) -> str:
    return str(gdf.attrs.get("source") or default)


def normalize_layers(
    streets: gpd.GeoDataFrame | None = None,
    pois: gpd.GeoDataFrame | None = None,
    area: gpd.GeoDataFrame | None = None,
) -> Layers:
    """Bring the given layers to the street schema, the POI schema and one study area.

    Parameters
    ----------
    streets
        Lines of the walking network (normalised with
        :func:`~wijkkracht.data_sources.schema.normalize_streets`).
    pois
        POIs and building points or polygons (:func:`~wijkkracht.data_sources.schema.normalize_pois`).
    area
        Study-area polygons, dissolved into one (:func:`~wijkkracht.data_sources.schema.normalize_area`).

    Returns
    -------
    Layers
        ``names`` maps ``streets``/``pois``/``area`` to the source names used.
    """
    names = {}
    out: dict[str, gpd.GeoDataFrame | None] = {"streets": None, "pois": None, "area": None}
    if streets is not None:
        names["streets"] = _name(streets, "streets")
        out["streets"] = normalize_streets(streets, names["streets"])
    if pois is not None:
        names["pois"] = _name(pois, "pois")
        out["pois"] = normalize_pois(pois, names["pois"])
    if area is not None:
        names["area"] = _name(area, "area")
        out["area"] = normalize_area(area, names["area"], default_name=names["area"])
    return Layers(streets=out["streets"], pois=out["pois"], area=out["area"], names=names)


def indicators_for_layers(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    group: str,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> StreetIndicators:
    """One indicator group for the study-area segments of a buffered street layer.

    Parameters
    ----------
    streets, pois, area
        Layers as they come (see :func:`normalize_layers`); ``streets`` should reach beyond
        the study area.
    group
        A key of :data:`~wijkkracht.core.pipeline.INDICATOR_GROUPS`.
    progress
        Called as ``progress(step, fraction)``.
    **options
        ``categories``, ``snap_distance``, ``keep_all_components`` of
        :func:`~wijkkracht.core.pipeline.street_indicators`.

    Returns
    -------
    StreetIndicators
    """
    if group not in INDICATOR_GROUPS:
        raise ValueError(f"group must be one of {', '.join(INDICATOR_GROUPS)}, not {group!r}")
    layers = normalize_layers(streets, pois, area)
    assert layers.streets is not None and layers.pois is not None
    return street_indicators(layers.streets, layers.pois, layers.area, groups=[group],
                             progress=progress, **options)


def analyse_layers(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    attribution: str | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> AnalysisResult:
    """The whole analysis (:func:`~wijkkracht.core.pipeline.analyse`) of layers as they come.

    Parameters
    ----------
    streets, pois, area
        Layers as they come (see :func:`normalize_layers`).
    attribution
        Attribution of the data for the outputs; default "© OpenStreetMap contributors, ODbL
        1.0 (if from OpenStreetMap)".
    progress
        Called as ``progress(step, fraction)``.
    **options
        The options of :func:`~wijkkracht.core.pipeline.analyse` (``k``, ``contiguous``, ...).

    Returns
    -------
    AnalysisResult
    """
    layers = normalize_layers(streets, pois, area)
    assert layers.streets is not None and layers.pois is not None
    text = attribution or LAYER_ATTRIBUTION
    sources = [{"name": f"{kind}: layer {name}", "attribution": text}
               for kind, name in layers.names.items()]
    return analyse(layers.streets, layers.pois, layers.area, sources=sources, progress=progress,
                   **options)
