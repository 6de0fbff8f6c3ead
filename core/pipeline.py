"""The analysis pipeline: streets + POIs (+ study area) in, an :class:`AnalysisResult` out.

:func:`analyse` runs the steps of :data:`wijkkracht.core.steps.STEPS` (network, indicators,
BAG, opening hours, spending, typology, assembly, areas, rasters) with the options of
:mod:`wijkkracht.core.options`; :func:`street_indicators` runs the first two for some
indicator groups. Nothing here reads a file: the callers pass the data in (the bundled demo
is :mod:`wijkkracht.demo`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import geopandas as gpd
import pandas as pd

from .categories import CategoryTable, category_table
from .indicators import (
    mixed_use,
    no_mix,
    nonres_building_share,
    proximity,
    vacancy,
)
from .network import StreetNetwork
from .options import OPTIONS, check_options, defaults, suggest
from .prepare import (
    SEGMENT_COLUMNS,
    input_warnings,
    missing_amenity_warnings,
    prepare,
    prepare_pois,
    study_segments,
)
from .result import AnalysisResult
from .steps import STEPS, AnalysisInputs, Run, check_inputs, metadata

__all__ = [
    "INDICATOR_GROUPS",
    "SEGMENT_COLUMNS",
    "StreetIndicators",
    "AreaAnalysisResult",
    "AnalysisInputs",
    "street_indicators",
    "analyse",
    "prepare",
    "prepare_pois",
    "ProgressCallback",
]

#: ``progress(step_description, fraction_done)``; fraction in [0, 1].
ProgressCallback = Callable[[str, float], None]
#: An indicator function: ``f(network, prepared_pois) -> DataFrame`` aligned to the segments.
IndicatorFunction = Callable[[StreetNetwork, gpd.GeoDataFrame], pd.DataFrame]

#: The indicator groups computed one at a time (one QGIS algorithm each): group -> functions.
#: The group names are those of the registry (:attr:`Indicator.group`).
INDICATOR_GROUPS: dict[str, tuple[IndicatorFunction, ...]] = {
    "proximity": (proximity,),
    "mixed_use": (mixed_use, nonres_building_share),
    "no_mix": (no_mix,),
    "vacancy": (vacancy,),
}

#: The keywords of :func:`analyse` that are data, not options.
INPUT_NAMES = tuple(f.name for f in fields(AnalysisInputs))


@dataclass(frozen=True)
class StreetIndicators:
    """What :func:`street_indicators` returns.

    Attributes
    ----------
    streets
        One row per street segment of the study area (index ``segment_id``, EPSG:28992):
        ``osm_id``, ``street_name``, ``highway``, ``length_m``, the indicator columns of the
        groups asked for, and the geometry.
    warnings
        What the user should know about the inputs (no study area, left-out streets or POIs).
    """

    streets: gpd.GeoDataFrame
    warnings: list[str]


def street_indicators(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    groups: Sequence[str] = tuple(INDICATOR_GROUPS),
    categories: CategoryTable | None = None,
    snap_distance: float = 150.0,
    keep_all_components: bool = False,
    progress: ProgressCallback | None = None,
) -> StreetIndicators:
    """Compute some indicator groups for the street segments of the study area.

    The same steps and functions as :func:`analyse` (whose values are identical), without the
    typology: build the network of the *buffered* streets, prepare the POIs, run the
    indicator functions of ``groups`` on the whole network, keep the study-area segments.

    Parameters
    ----------
    streets, pois, area
        As for :func:`analyse` (street and POI schema, study-area polygons; EPSG:28992).
    groups
        Keys of :data:`INDICATOR_GROUPS`, e.g. ``["proximity"]``; default all.
    categories, snap_distance, keep_all_components
        As for :func:`analyse`.
    progress
        Called as ``progress(step, fraction)``.

    Returns
    -------
    StreetIndicators

    Examples
    --------
    >>> from wijkkracht.data_sources.files import read_area, read_pois, read_streets
    >>> from wijkkracht.demo import demo_data_path
    >>> path = demo_data_path()
    >>> run = street_indicators(read_streets(path, layer="streets"),
    ...                         read_pois(path, layer="pois"),
    ...                         read_area(path, layer="study_area"), groups=["vacancy"])
    >>> list(run.streets.columns[-4:])
    ['geometry', 'shopfronts_400', 'vacant_400', 'vacancy_share_400']
    """
    unknown = [g for g in groups if g not in INDICATOR_GROUPS]
    if unknown or not groups:
        raise ValueError(f"groups must be some of {', '.join(INDICATOR_GROUPS)}, got {groups!r}")
    report = progress or (lambda _step, _frac: None)
    table = category_table(categories)
    report("network", 0.0)
    network, prepared = prepare(streets, pois, area, categories=table,
                                snap_distance=snap_distance,
                                keep_all_components=keep_all_components)
    warnings_ = input_warnings(area, network, prepared, snap_distance)
    warnings_.extend(missing_amenity_warnings(prepared))
    funcs = [f for g in groups for f in INDICATOR_GROUPS[g]]
    parts = []
    for i, func in enumerate(funcs):
        report(f"indicators: {func.__name__}", 0.2 + 0.75 * i / len(funcs))
        parts.append(func(network, prepared))
    if "proximity" in groups:
        from .diagnostics import detour_check, detour_warning

        detour = detour_check(network, prepared, pd.concat(parts, axis=1))
        if detour_warning(detour):
            warnings_.append(detour_warning(detour))
    walk_info = streets.attrs.get("walk_network")
    if isinstance(walk_info, dict) and walk_info.get("warning"):
        warnings_.append(str(walk_info["warning"]))
    report("done", 1.0)
    return StreetIndicators(streets=study_segments(network, parts), warnings=warnings_)


def analyse(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    progress: ProgressCallback | None = None,
    **given: Any,
) -> AnalysisResult:
    """Run the whole analysis: the steps of :data:`wijkkracht.core.steps.STEPS`, in order.

    Parameters
    ----------
    streets
        The walking network, buffered beyond the study area (street schema, EPSG:28992).
    pois
        POIs and building points (POI schema, EPSG:28992).
    area
        The study area (polygons, EPSG:28992). ``None``: the whole network is the study
        area, and values near its edge are too low (a warning is recorded).
    progress
        Called as ``progress(step, fraction)`` at each step.
    **given
        The options, by name: each is declared once, with its type, default, bounds, unit
        and help, in :data:`wijkkracht.core.options.OPTIONS` (the README's *Options* table),
        and checked there before any computing (e.g. ``k=5``, ``privacy_threshold=5``,
        ``spending=True``, ``typology_model=model``). And the data besides streets, POIs
        and area, the fields of :class:`~wijkkracht.core.steps.AnalysisInputs`:
        ``categories`` (a :class:`~wijkkracht.core.categories.CategoryTable`; default the
        bundled one), ``sources`` (for the provenance), ``bag`` (BAG verblijfsobjecten: the
        BAG indicators, MXI, vacancy indication, and the BAG features of the types; a frame
        flagged ``synthetic`` is listed in ``metadata["synthetic"]``), ``establishments``
        (geolocated, with ``bag``), ``areas`` (CBS areas: an :class:`AreaAnalysisResult`
        with a summary per area), ``spending_zones``, ``huff``
        (:class:`~wijkkracht.core.huff.HuffParameters`, instead of the ``huff_*`` options),
        ``added_shops`` (spending scenarios) and ``hours_synthetic``. An unknown name is
        refused with the closest known one.

    Returns
    -------
    AnalysisResult
        The streets of the study area with every indicator and their type, the POIs, the
        study area's summary, the types' profile, the named streets, and with the options
        the areas, rasters, spending flows and hour profile; ``metadata`` holds the
        provenance.
    """
    options, inputs = _options_and_inputs(given)
    streets, pois = _in_schema(streets, pois)
    run = Run(streets, pois, area, options, inputs, progress or (lambda _step, _frac: None))
    check_inputs(run)
    for step in STEPS:
        step.run(run)
    return _result(run)


def _in_schema(streets: gpd.GeoDataFrame, pois: gpd.GeoDataFrame
               ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Streets and POIs as they come (OSMnx's edges and features, GDAL's OSM layers, any
    CRS) brought to the schemas by the normalisers of
    :mod:`wijkkracht.data_sources.schema`, with a note on the ``wijkkracht`` logger saying
    so; layers already in the schemas are left as they are."""
    import logging

    from ..data_sources.schema import POI_COLUMNS, RD_NEW, STREET_COLUMNS
    from .layer_inputs import normalize_layers

    def off(gdf: Any, columns: Sequence[str]) -> bool:
        return isinstance(gdf, gpd.GeoDataFrame) and len(gdf) > 0 and (
            any(c not in gdf.columns for c in columns)
            or gdf.crs is None or not gdf.crs.equals(RD_NEW))

    log = logging.getLogger("wijkkracht")
    if off(streets, STREET_COLUMNS):
        n = len(streets)
        streets = normalize_layers(streets=streets).streets
        log.warning("the streets (%d lines, not in wijkkracht's street schema) were normalised "
                    "with wijkkracht.data_sources.schema.normalize_streets: osmid -> osm_id, "
                    "name -> street_name, lists of values to their first, EPSG:28992, the "
                    "Dutch walking-network rule: %d segments", n, len(streets))
    if off(pois, POI_COLUMNS):
        n = len(pois)
        pois = normalize_layers(pois=pois).pois
        log.warning("the POIs (%d features, not in wijkkracht's POI schema) were normalised "
                    "with wijkkracht.data_sources.schema.normalize_pois: one row per OSM key "
                    "(shop, amenity, ...) as tag=key=value, polygons to a point inside, "
                    "EPSG:28992: %d POIs", n, len(pois))
    return streets, pois


def _options_and_inputs(given: dict[str, Any]) -> tuple[dict[str, Any], AnalysisInputs]:
    """The keywords of :func:`analyse` split into checked options (with their defaults) and
    inputs; an unknown keyword raises :class:`TypeError` with the closest known one."""
    unknown = [k for k in given if k not in OPTIONS and k not in INPUT_NAMES]
    if unknown:
        hint = suggest(unknown[0], [*OPTIONS, *INPUT_NAMES])
        raise TypeError(f"analyse() got an unexpected keyword argument {unknown[0]!r}{hint}")
    options = {**defaults(), **check_options({k: v for k, v in given.items() if k in OPTIONS})}
    inputs = AnalysisInputs(**{k: v for k, v in given.items() if k in INPUT_NAMES})
    return options, inputs


def _result(run: Run) -> AnalysisResult:
    """The result of a finished run."""
    meta = metadata(run)
    run.progress("done", 1.0)
    common = dict(streets=run.streets_out, pois=run.prepared, area=run.area_out,
                  profile=run.typ.profile, metadata=meta, rasters=run.surfaces,
                  spending=run.spend, hours=run.hours_frame, named_streets=run.named,
                  typology_model=run.typ.model)
    if run.areas_out is not None:
        meta["areas"] = {"codes": [str(c) for c in run.areas_out.get("area_code", [])],
                         "layer": "areas"}
        return AreaAnalysisResult(areas=run.areas_out, **common)
    return AnalysisResult(**common)


@dataclass
class AreaAnalysisResult(AnalysisResult):
    """An :class:`AnalysisResult` with a per-area summary (``analyse(..., areas=...)``).

    ``areas``: one row per selected area (see :func:`wijkkracht.core.areas.summarise_by_area`),
    written as the ``areas`` layer of the GeoPackage.
    """

    areas: gpd.GeoDataFrame | None = None
