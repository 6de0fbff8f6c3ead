"""Pipeline steps for layers as they come, not from files: what the QGIS algorithms call.

Each function brings its layers to the schemas first (any CRS; OSMnx, GDAL-OSM or wijkkracht
column layouts, as the file readers accept; see :mod:`wijkkracht.core.layer_inputs`, whose
:func:`normalize_layers` and :class:`Layers` this module re-exports), then runs
one step of :mod:`wijkkracht.core.pipeline`. So the values are those of the pipeline for the
same data, and the error messages are those the command line gives (only the source names
differ: a layer's name instead of a file path).

A frame's ``attrs["source"]`` (e.g. the QGIS layer name), when set, names it in error messages;
otherwise ``streets``, ``pois`` and ``area`` do.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from .layer_inputs import Layers, normalize_layers
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
    if layers.streets is None or layers.pois is None:
        raise TypeError("streets and pois are required layers, not None")
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
    if layers.streets is None or layers.pois is None:
        raise TypeError("streets and pois are required layers, not None")
    text = attribution or LAYER_ATTRIBUTION
    sources = [{"name": f"{kind}: layer {name}", "attribution": text}
               for kind, name in layers.names.items()]
    return analyse(layers.streets, layers.pois, layers.area, sources=sources, progress=progress,
                   **options)
