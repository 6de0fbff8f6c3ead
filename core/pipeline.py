"""The analysis pipeline: streets + POIs (+ study area) in, an :class:`AnalysisResult` out.

Steps: build the segment network of the *buffered* walking network, classify the POIs and
place them on their nearest segment, compute every indicator on the whole buffered network,
keep the segments of the study area, and classify those into opportunity types.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._version import __version__
from .categories import CategoryTable, classify_pois, load_category_table
from .errors import InputError, NoDataError
from .indicators import (
    ALL_INDICATORS,
    mixed_use,
    no_mix,
    nonres_building_share,
    proximity,
    vacancy,
)
from .network import StreetNetwork, build_network, in_area, locate_points
from .result import OSM_ATTRIBUTION, OSM_LICENCE, AnalysisResult
from .streets import FRONT_DISTANCE_M, TYPOLOGY_SEGMENTS, fronting_counts, named_streets
from .typology import classify_streets
from .typology_features import EXTRA_TYPOLOGY, typology_features

__all__ = [
    "INDICATOR_GROUPS",
    "SEGMENT_COLUMNS",
    "StreetIndicators",
    "AreaAnalysisResult",
    "street_indicators",
    "analyse",
    "analyse_demo",
    "demo_synthetic_layers",
    "prepare",
    "prepare_demo",
    "prepare_pois",
    "demo_data_path",
    "ProgressCallback",
]

#: ``progress(step_description, fraction_done)``; fraction in [0, 1].
ProgressCallback = Callable[[str, float], None]
#: An indicator function: ``f(network, prepared_pois) -> DataFrame`` aligned to the segments.
IndicatorFunction = Callable[[StreetNetwork, gpd.GeoDataFrame], pd.DataFrame]

DEMO_ATTRIBUTION = (
    f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}; Kanaleneiland extract via OSMnx"
)


def demo_data_path() -> Path:
    """Path of the bundled demo GeoPackage (real OSM data of Kanaleneiland, Utrecht)."""
    return Path(str(resources.files("wijkkracht") / "data" / "kanaleneiland.gpkg"))


def prepare_pois(
    network: StreetNetwork,
    pois: gpd.GeoDataFrame,
    *,
    categories: CategoryTable | None = None,
    snap_distance: float = 150.0,
    study_area: shapely.Geometry | None = None,
    bag: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Classify POIs, count every amenity once, and place them on their nearest street segment.

    Returns the POIs with the classification columns of
    :func:`~wijkkracht.core.categories.classify_pois`, the columns of
    :func:`~wijkkracht.core.amenities.count_once` (``everyday`` resolved, ``amenity_id``,
    ``counted``, ``count_note``; its summary in ``attrs["count_once"]``), ``segment_id``/
    ``offset_m``/``snap_distance_m`` from :func:`~wijkkracht.core.network.locate_points`, and
    ``in_study_area``. POIs beyond ``snap_distance`` of every street keep ``segment_id``
    -1 and take no part in network measures. ``bag`` gives supermarkets a floor area.
    """
    from .amenities import count_once

    once = count_once(classify_pois(pois, categories), bag=bag)
    out = once.pois
    out.attrs["count_once"] = once.summary
    loc = locate_points(network, out.geometry, max_distance=snap_distance)
    out["segment_id"] = loc["segment_id"].to_numpy()
    out["offset_m"] = loc["offset_m"].to_numpy()
    out["snap_distance_m"] = loc["snap_distance_m"].to_numpy()
    if study_area is not None:
        out["in_study_area"] = in_area(study_area, shapely.get_coordinates(out.geometry.values))
    else:
        out["in_study_area"] = True
    return out


def prepare(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    categories: CategoryTable | None = None,
    snap_distance: float = 150.0,
    keep_all_components: bool = False,
    bag: gpd.GeoDataFrame | None = None,
) -> tuple[StreetNetwork, gpd.GeoDataFrame]:
    """Build the network and prepare the POIs (the first two pipeline steps)."""
    geom = area.geometry.union_all() if area is not None and len(area) else None
    network = build_network(streets, geom, keep_all_components=keep_all_components)
    prepared = prepare_pois(network, pois, categories=categories, snap_distance=snap_distance,
                            study_area=geom, bag=bag)
    return network, prepared


def prepare_demo() -> tuple[StreetNetwork, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Network, prepared POIs and study area of the bundled Kanaleneiland data."""
    from ..data_sources.files import read_area, read_pois, read_streets

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    network, pois = prepare(read_streets(path, layer="streets", check_default_walk=False),
                            read_pois(path, layer="pois"), area)
    return network, pois, area


#: The indicator groups computed one at a time (one QGIS algorithm each): group -> functions.
#: The group names are those of the registry (:attr:`Indicator.group`).
INDICATOR_GROUPS: dict[str, tuple[IndicatorFunction, ...]] = {
    "proximity": (proximity,),
    "mixed_use": (mixed_use, nonres_building_share),
    "no_mix": (no_mix,),
    "vacancy": (vacancy,),
}

#: Segment attributes that come first in every streets output, before the indicators.
SEGMENT_COLUMNS = ("osm_id", "street_name", "highway", "kind", "is_street", "length_m",
                   "geometry")


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
    categories: CategoryTable | str | Path | None = None,
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
    table = categories if isinstance(categories, CategoryTable) else load_category_table(categories)
    report("network", 0.0)
    network, prepared = prepare(streets, pois, area, categories=table,
                                snap_distance=snap_distance,
                                keep_all_components=keep_all_components)
    warnings_ = _input_warnings(area, network, prepared, snap_distance)
    warnings_.extend(_missing_amenity_warnings(prepared))
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
    return StreetIndicators(streets=_study_segments(network, parts), warnings=warnings_)


def analyse(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None = None,
    *,
    categories: CategoryTable | str | Path | None = None,
    snap_distance: float = 150.0,
    k: int | None = None,
    k_range: tuple[int, int] | None = None,
    contiguous: bool = False,
    random_state: int = 0,
    keep_all_components: bool = False,
    sources: list[dict[str, Any]] | None = None,
    progress: ProgressCallback | None = None,
    bag: gpd.GeoDataFrame | None = None,
    establishments: pd.DataFrame | None = None,
    reference_date: str | pd.Timestamp | None = None,
    privacy_threshold: int | None = None,
    areas: gpd.GeoDataFrame | None = None,
    rasters: bool = False,
    cell_size: float = 25.0,
    bandwidth: float = 200.0,
    spending: bool = False,
    spending_zones: gpd.GeoDataFrame | None = None,
    huff: Any = None,
    spending_measure: str = "floor_area",
    spending_per_dwelling: float | None = None,
    added_shops: Sequence[Any] = (),
    scenario_floor_area: float | None = None,
    typology_extra: Sequence[str] = (),
    typology_segments: str = "fronting",
    typology_model: Any = None,
    hours: bool | None = None,
    hours_week: str | Any = None,
    hours_radius: float = 400.0,
    hours_synthetic: bool = False,
) -> AnalysisResult:
    """Run the whole analysis.

    Parameters
    ----------
    streets
        The walking network, buffered beyond the study area (street schema, EPSG:28992).
    pois
        POIs and building points (POI schema, EPSG:28992).
    area
        The study area (polygons, EPSG:28992). ``None``: the whole network is the study
        area, and values near its edge are too low (a warning is recorded).
    categories
        The tag classification table (or its path); default: the bundled table.
    snap_distance
        POIs farther than this (m) from every street are left out of network measures.
    k, k_range, contiguous, random_state
        Typology options, see :func:`~wijkkracht.core.typology.classify_streets`: ``k``
        types (default 5), or with ``k_range`` the most stable k in that range.
    typology_model
        A :class:`~wijkkracht.core.typology.TypologyModel` (e.g. fitted on a whole city by
        ``wijkkracht typology fit``): the streets get its types instead of types fitted on
        this area, so they compare across areas. Its features must be among the indicators
        (a model fitted with BAG features needs ``bag``).
    keep_all_components
        Keep street parts not connected to the main network.
    sources
        Descriptions of the input data for the provenance metadata (name, path, licence,
        attribution, date).
    progress
        Called as ``progress(step, fraction)`` at each step.
    bag
        Optional BAG verblijfsobjecten (schema of :mod:`wijkkracht.data_sources.bag`): placed
        on the network and the BAG indicators
        (:func:`~wijkkracht.core.indicators.bag.bag_indicators`) added to ``streets``; MXI,
        intensity and floor-area diversity (and with ``establishments`` the vacancy
        indication and the home-based share) enter the typology
        (:data:`~wijkkracht.core.typology.BAG_TYPOLOGY_FEATURES`). ``None`` (default): none
        of this. A frame flagged ``synthetic`` (attrs or column) is listed in
        ``metadata["synthetic"]``, and the outputs say so.
    establishments
        Optional geolocated establishments (``matched`` of
        :func:`~wijkkracht.data_sources.establishments.geolocate`, with ``vbo_id`` and point
        geometry); only with ``bag``.
    reference_date
        Date establishments must be active on (default: today).
    privacy_threshold
        With ``bag``: sensitive counts below it are suppressed in ``streets`` and ``areas``
        (default 3).
    areas
        Optional areas (as from :func:`wijkkracht.data_sources.areas.read_areas`): the result
        is then an :class:`AreaAnalysisResult` whose ``areas`` holds
        :func:`~wijkkracht.core.areas.summarise_by_area` of the (unsuppressed) segments,
        suppressed like ``streets`` when ``bag`` is given. ``area`` stays the study area.
    rasters
        Also compute the intensity surfaces (:func:`wijkkracht.core.rasters.compute_surfaces`)
        into ``result.rasters``, and with ``areas`` their zonal means
        (``<surface>_raster_mean``, :func:`~wijkkracht.core.areas.raster_means_by_area`).
    cell_size, bandwidth
        With ``rasters``: cell size of the RD New grid and kernel bandwidth (m).
    spending
        Also compute where the daily-goods spending of the dwellings goes (Huff model,
        :func:`wijkkracht.core.spending.spending_analysis`; needs ``bag``: its dwellings are
        the demand): ``result.spending``, the per-segment columns ``spend_kept_share``,
        ``spend_drawn``, ``spend_own_zone_share`` and, with ``areas``, ``spend_*`` per area.
    spending_zones
        Zones of the spending flows (``area_code``, ``area_name``, polygons); default the
        ``areas``, else the study area.
    huff
        :class:`wijkkracht.core.huff.HuffParameters` (default: the documented conventions).
    spending_measure
        Attractiveness of a shop: ``"floor_area"`` (BAG, else assumed per type) or ``"count"``.
    spending_per_dwelling
        Euros per dwelling per year on daily goods (your assumption) for euro amounts.
    added_shops
        Shops to add as spending scenarios (:class:`wijkkracht.core.spending.AddedShop`:
        RD New position, kind, floor area), each on its own.
    scenario_floor_area
        Floor area (m²) of the shop put into each vacant shop front in the spending scenarios
        (default :data:`wijkkracht.core.spending.SCENARIO_FLOOR_AREA_M2`).
    hours
        Liveliness by hour from the POIs' OSM ``opening_hours``
        (:func:`wijkkracht.core.indicators.liveliness.liveliness`): the time columns
        (``open_peak``, ``evening_share``, ``weekend_share``, ``n_o_hours_per_day``,
        ``hours_*``) and ``result.hours`` (the 168-hour profile). ``None`` (default): when the
        POIs have an ``opening_hours`` column with a value.
    hours_week
        Any day of the reference week of the opening hours (its public holidays apply);
        default the week of ``reference_date``, else of today.
    hours_radius
        Walking distance (m) within which POIs count for the hour profile (default 400).
    hours_synthetic
        The ``opening_hours`` values are SYNTHETIC (the demo): listed in
        ``metadata["synthetic"]`` as ``opening_hours``.
    typology_segments
        Which segments the typology classifies (:data:`~wijkkracht.core.streets.TYPOLOGY_SEGMENTS`):
        ``"fronting"`` (default: street segments that addresses or buildings front, the
        streets people live and work on), ``"streets"`` (every street segment) or ``"all"``
        (every segment, paths included, as before). The others get ``type_key``
        ``untyped_street`` or ``untyped_path`` and no ``type_id``.
    typology_extra
        Optional typology features beyond the default ones: ``"hours"`` (evening share and
        hours with N and O open; needs opening hours) and/or ``"spending"`` (spending drawn
        and kept; needs ``spending``).

    Returns
    -------
    AnalysisResult
    """
    if typology_segments not in TYPOLOGY_SEGMENTS:
        raise InputError("typology_segments", f"must be one of {', '.join(TYPOLOGY_SEGMENTS)}, "
                         f"got {typology_segments!r}")
    if establishments is not None and bag is None:
        raise ValueError("establishments need bag")
    if spending and bag is None:
        raise InputError("spending", "the spending flows need the BAG: its dwellings are the "
                         "demand (give --bag)")
    unknown_extra = sorted(set(typology_extra) - set(EXTRA_TYPOLOGY))
    if unknown_extra:
        raise ValueError(f"unknown typology_extra {unknown_extra}; known: "
                         f"{', '.join(EXTRA_TYPOLOGY)}")
    if added_shops and not spending:
        raise InputError("scenario", "an added shop is a scenario of the spending flows: "
                         "turn them on (--spending)")
    if "spending" in typology_extra and not spending:
        raise ValueError("typology_extra 'spending' needs spending=True")
    if rasters:
        from .rasters import check_options

        check_options(cell_size, bandwidth, privacy_threshold=privacy_threshold or 3)
    report = progress or (lambda _step, _frac: None)
    timings: dict[str, float] = {}
    warnings_: list[str] = []
    t0 = time.perf_counter()

    def step(name: str, frac: float) -> None:
        timings_key = name
        timings[timings_key] = time.perf_counter()
        report(name, frac)

    table = categories if isinstance(categories, CategoryTable) else load_category_table(categories)
    step("network", 0.0)
    network, prepared = prepare(streets, pois, area, categories=table,
                                snap_distance=snap_distance,
                                keep_all_components=keep_all_components, bag=bag)
    warnings_.extend(_input_warnings(area, network, prepared, snap_distance))
    warnings_.extend(_missing_amenity_warnings(prepared))
    placed = prepared["segment_id"] >= 0
    relevant = _relevant(prepared)
    unplaced = int((~placed & relevant).sum())

    parts = []
    n_ind = len(ALL_INDICATORS)
    for i, func in enumerate(ALL_INDICATORS):
        step(f"indicators: {func.__name__}", 0.1 + 0.7 * i / n_ind)
        parts.append(func(network, prepared))
    indicators = pd.concat(parts, axis=1)
    from .diagnostics import detour_check, detour_warning

    detour = detour_check(network, prepared, indicators)
    if detour_warning(detour):
        warnings_.append(detour_warning(detour))
    walk_info = streets.attrs.get("walk_network")
    if isinstance(walk_info, dict) and walk_info.get("warning"):
        warnings_.append(str(walk_info["warning"]))

    bag_meta: dict[str, Any] | None = None
    bag_raw: list[pd.DataFrame] = []  # exact values: only for the per-area sums
    bag_pub: list[pd.DataFrame] = []  # small establishment counts suppressed
    threshold = None
    if bag is not None:
        from .privacy import DEFAULT_THRESHOLD, suppress_small_counts

        step("indicators: bag", 0.75)
        bag_ind, bag_meta, units = _bag_columns(network, bag, establishments,
                                                reference_date=reference_date)
        threshold = DEFAULT_THRESHOLD if privacy_threshold is None else privacy_threshold
        bag_raw.append(bag_ind)
        bag_pub.append(suppress_small_counts(bag_ind, threshold))

    area_geom = (area.geometry.union_all() if area is not None and len(area)
                 else shapely.concave_hull(shapely.MultiPoint(network.node_xy), ratio=0.2))
    area_name = str(area["name"].iloc[0]) if area is not None and "name" in area and len(area) \
        else "study area"
    spend = None
    extra_cols: list[pd.DataFrame] = []
    has_hours = "opening_hours" in prepared and bool(prepared["opening_hours"].notna().any())
    do_hours = has_hours if hours is None else bool(hours)
    if do_hours and importlib.util.find_spec("opening_hours") is None:
        # e.g. the Python of a QGIS without it: the rest of the analysis does not need it
        missing = ("the opening hours need the package opening-hours-py, which is not "
                   "installed (pip install opening-hours-py)")
        if hours:
            raise InputError("pois", missing)
        warnings_.append(f"{missing}: liveliness by hour left out")
        do_hours = False
    if "hours" in typology_extra and not do_hours:
        raise InputError("pois", "typology feature 'hours' needs opening hours: the POI layer "
                         "has no opening_hours values")
    hours_frame = None
    hours_meta: dict[str, Any] | None = None
    if do_hours:
        from .indicators.liveliness import liveliness, relevant_for_hours
        from .opening_hours import week_monday
        from .result import HOUR_COLUMNS

        step("indicators: opening hours", 0.76)
        week = hours_week if hours_week is not None else (
            reference_date if reference_date is not None else pd.Timestamp.today().date())
        live = liveliness(network, prepared, week=pd.Timestamp(week).date(),
                          radius=hours_radius)
        extra_cols.append(live.indicators)
        hours_frame = pd.DataFrame(live.profile, index=network.segments.index,
                                   columns=list(HOUR_COLUMNS))
        mask = relevant_for_hours(prepared) & prepared["in_study_area"].to_numpy(bool)
        values = prepared["opening_hours"] if "opening_hours" in prepared \
            else pd.Series(None, index=prepared.index, dtype=object)
        invalid = live.hours.invalid_among(values, mask)
        hours_meta = {
            "week": week_monday(pd.Timestamp(week).date()).isoformat(),
            "radius_m": float(hours_radius),
            "counts": live.hours.counts(mask),
            "invalid_values": {str(k): int(v) for k, v in invalid.head(20).items()},
            "synthetic": bool(hours_synthetic),
            "library": "opening-hours-py (Dutch public holidays, Europe/Amsterdam)",
        }
    if spending:
        from .spending import SEGMENT_COLUMNS as SPEND_COLUMNS
        from .spending import spending_analysis

        step("spending", 0.77)
        zones = spending_zones if spending_zones is not None else areas
        more = {} if scenario_floor_area is None else {"scenario_floor_area":
                                                         scenario_floor_area}
        spend = spending_analysis(network, prepared, units, area_geom, zones=zones,
                                  area_name=area_name, params=huff, measure=spending_measure,
                                  spending_per_dwelling=spending_per_dwelling,
                                  added_shops=added_shops, **more)
        extra_cols.append(spend.segments[list(SPEND_COLUMNS)])
        warnings_.extend(spend.metadata["warnings"])

    study = network.segments["in_study_area"].to_numpy()
    fronting = _fronting(network, prepared, units if bag is not None else None)
    segments_used = typology_segments
    typed = _typology_domain(network, fronting, segments_used) & study
    for wider in ("streets", "all"):
        # an area where almost no address fronts a street (a BAG extract of a few units, a
        # park): classify more segments rather than fail, and say so
        if int(typed.sum()) >= 3 or segments_used == "all" or \
                list(TYPOLOGY_SEGMENTS).index(wider) <= list(TYPOLOGY_SEGMENTS).index(
                    segments_used):
            continue
        warnings_.append(
            f"only {int(typed.sum())} {TYPOLOGY_SEGMENTS[segments_used].en} in the study area, "
            f"too few for types: {TYPOLOGY_SEGMENTS[wider].en} were classified instead "
            f"(typology_segments '{wider}')")
        segments_used = wider
        typed = _typology_domain(network, fronting, segments_used) & study
    # the typology sees what is published: a type must not give away a suppressed count
    study_ind = pd.concat([indicators, *bag_pub, *extra_cols], axis=1).loc[typed]
    step("typology", 0.8)
    features = typology_features(study_ind.columns)
    for key in typology_extra:
        features.update(EXTRA_TYPOLOGY[key])
    typ = classify_streets(study_ind, network=network, k=k, k_range=k_range,
                           contiguous=contiguous, random_state=random_state,
                           features=features, model=typology_model,
                           fitted_on={"area": area_name,
                                      "typology_segments": segments_used,
                                      "sources": [str(src.get("name", ""))
                                                  for src in (sources or [])]})
    step("assemble", 0.95)
    labels = _type_labels(typ.labels, network, study, fronting)
    streets_out = _study_segments(network, [indicators, fronting, labels, *bag_pub, *extra_cols])
    named, street_ids = named_streets(streets_out)
    streets_out.insert(streets_out.columns.get_loc("length_m") + 1, "street_id", street_ids)
    if hours_frame is not None:
        hours_frame = hours_frame.loc[streets_out.index]
    areas_out = None
    if areas is not None:
        from .areas import summarise_by_area

        # per-area sums of the exact counts, suppressed in their turn below
        areas_out = summarise_by_area(_study_segments(network, [indicators, *bag_raw]), areas)
        if spend is not None and spending_zones is None:
            from .spending import ZONE_COLUMNS

            by_code = spend.zones.set_index("code")
            for col in ZONE_COLUMNS:
                areas_out[f"spend_{col}"] = by_code[col].reindex(
                    areas_out["area_code"].astype(str)).to_numpy(dtype=float)
    if bag_meta is not None and threshold is not None:
        from .privacy import suppress_area_counts

        bag_meta["privacy_threshold"] = threshold
        bag_meta["suppressed_segments"] = int(streets_out["suppressed"].sum())
        if areas_out is not None:
            attrs = dict(areas_out.attrs)  # labels, segments outside every area
            areas_out = gpd.GeoDataFrame(suppress_area_counts(areas_out, threshold),
                                         geometry="geometry", crs=areas_out.crs)
            areas_out.attrs.update(attrs)
            bag_meta["suppressed_areas"] = int(areas_out["suppressed"].sum())

    area_out = _area_summary(area_name, area_geom, streets_out, prepared)
    surfaces: dict[str, Any] = {}
    if rasters:
        from .areas import raster_means_by_area
        from .rasters import compute_surfaces, surfaces_metadata

        step("rasters", 0.97)
        surfaces = compute_surfaces(
            prepared, area_geom, cell_size=cell_size, bandwidth=bandwidth, bag=bag,
            establishments=establishments, privacy_threshold=threshold or 3,
            reference_date=bag_meta["reference_date"] if bag_meta else reference_date)
        if areas_out is not None:
            areas_out = raster_means_by_area(areas_out, surfaces)

    timings_out = _durations(timings, time.perf_counter())
    metadata: dict[str, Any] = {
        "tool": "wijkkracht",
        "version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "attribution": DEMO_ATTRIBUTION if sources is None else _attribution(sources),
        "sources": sources or [],
        "parameters": {
            "snap_distance_m": snap_distance,
            "k": typ.k,
            "k_requested": k,
            "k_range": list(k_range) if k_range is not None else None,
            "typology_model": ({"fitted_on": typology_model.fitted_on,
                                "tool_version": typology_model.tool_version}
                               if typology_model is not None else None),
            "method": typ.model.method,
            "contiguous": bool(typ.model.contiguous),
            "random_state": random_state,
            "categories": table.source,
            "keep_all_components": keep_all_components,
            "typology_segments": typology_segments,
            "typology_segments_used": segments_used,
            "typed_segments": int(typed.sum()),
            "missing_value_fills": typ.profile.attrs.get("fills", {}),
            "typology_features": [c[2:] for c in typ.profile.columns if c.startswith("z_")],
        },
        "synthetic": _synthetic_inputs(bag, establishments)
        + (["opening_hours"] if hours_meta is not None and hours_synthetic else []),
        "silhouette": typ.silhouette,
        "network": {
            "segments_buffered": network.n_segments,
            "segments_study_area": int(study.sum()),
            "nodes": network.n_nodes,
            "dropped_segments": network.dropped_segments,
        },
        "walk_network": walk_info if isinstance(walk_info, dict) else None,
        "detour": detour,
        "counted_once": prepared.attrs.get("count_once", {}),
        "pois": {
            "total": int(len(prepared)),
            "relevant": int(relevant.sum()),
            "placed": int((placed & relevant).sum()),
            "unplaced": unplaced,
        },
        **({"bag": bag_meta} if bag_meta is not None else {}),
        **({"rasters": surfaces_metadata(surfaces, cell_size=cell_size, bandwidth=bandwidth)}
           if rasters else {}),
        **({"spending": spend.metadata} if spend is not None else {}),
        **({"opening_hours": hours_meta} if hours_meta is not None else {}),
        "warnings": warnings_,
        "timings_s": timings_out,
        "total_s": round(time.perf_counter() - t0, 3),
    }
    report("done", 1.0)
    if areas_out is not None:
        metadata["areas"] = {"codes": [str(c) for c in areas_out.get("area_code", [])],
                             "layer": "areas"}
        return AreaAnalysisResult(streets=streets_out, pois=prepared, area=area_out,
                                  profile=typ.profile, metadata=metadata, areas=areas_out,
                                  rasters=surfaces, spending=spend, hours=hours_frame,
                                  named_streets=named, typology_model=typ.model)
    return AnalysisResult(streets=streets_out, pois=prepared, area=area_out,
                          profile=typ.profile, metadata=metadata, rasters=surfaces,
                          spending=spend, hours=hours_frame, named_streets=named,
                          typology_model=typ.model)


@dataclass
class AreaAnalysisResult(AnalysisResult):
    """An :class:`AnalysisResult` with a per-area summary (``analyse(..., areas=...)``).

    ``areas``: one row per selected area (see :func:`wijkkracht.core.areas.summarise_by_area`),
    written as the ``areas`` layer of the GeoPackage.
    """

    areas: gpd.GeoDataFrame | None = None


def _bag_columns(network: StreetNetwork, bag: gpd.GeoDataFrame,
                 establishments: pd.DataFrame | None, *,
                 reference_date: str | pd.Timestamp | None = None,
                 max_distance: float = 150.0) -> tuple[pd.DataFrame, dict[str, Any]]:
    """BAG units (and establishments) placed on ``network`` and their per-segment indicators.

    Returns the indicator columns (aligned to the segments), metadata (units and
    establishments placed/unplaced) and the units with their ``segment_id`` and ``offset_m``.
    """
    from .indicators.bag import bag_indicators

    ref = pd.Timestamp(reference_date) if reference_date is not None \
        else pd.Timestamp.today().normalize()
    units = bag.copy()
    loc = locate_points(network, units.geometry, max_distance=max_distance)
    units["segment_id"] = loc["segment_id"].to_numpy()
    units["offset_m"] = loc["offset_m"].to_numpy()
    if not (units["segment_id"] >= 0).any():
        source = str((bag.attrs.get("bag") or {}).get("source") or "bag")
        where = (f"none of its {len(units):,} addresses (verblijfsobjecten) lies within "
                 f"{max_distance:g} m of a street of the area" if len(units) else
                 "it holds no address (verblijfsobject) in or near the study area")
        raise NoDataError(source, f"{where}; check that the BAG layer covers the area")
    meta: dict[str, Any] = {
        "reference_date": ref.strftime("%Y-%m-%d"),
        "units": int(len(units)),
        "units_placed": int((units["segment_id"] >= 0).sum()),
        "units_unplaced": int((units["segment_id"] < 0).sum()),
    }
    meta.update({k: v for k, v in bag.attrs.items() if isinstance(v, (str, int, float, bool))})
    # what the BAG readers record (source, snapshot date, status filter, dropped rows)
    info = bag.attrs.get("bag")
    if isinstance(info, dict):
        meta["snapshot_date"] = info.get("snapshot_date")
        meta["bag_source"] = {k: v for k, v in info.items()
                              if isinstance(v, (str, int, float, bool, list, dict, type(None)))}
    est = None
    if establishments is not None:
        est = establishments.copy()
        if len(est):
            el = locate_points(network, gpd.GeoSeries(est.geometry), max_distance=max_distance)
            est["segment_id"] = el["segment_id"].to_numpy()
        else:
            est["segment_id"] = pd.Series(dtype=np.int64)
        meta["establishments_placed"] = int((est["segment_id"] >= 0).sum())
        meta["establishments_unplaced"] = int((est["segment_id"] < 0).sum())
    return bag_indicators(network, units, est, reference_date=ref), meta, units


def _fronting(network: StreetNetwork, prepared: gpd.GeoDataFrame,
              units: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """``fronting_n`` per segment: the addresses (BAG units; without a BAG, the OSM buildings
    and functions) whose nearest street segment it is (:func:`~.streets.fronting_counts`).

    The points come placed on their nearest segment of any kind (``segment_id``): where that
    is a street segment it is their nearest street segment too, and only the others are
    looked up again among the street segments."""
    if units is not None and len(units):
        frame = units
    else:
        tag = prepared["tag"].astype(str)
        own = tag.str.startswith("building=") | (prepared["function"] != "")
        frame = prepared.loc[own.to_numpy()].drop_duplicates("osm_id")
    seg = network.segments
    street = seg["is_street"].to_numpy(dtype=bool)
    at = frame["segment_id"].to_numpy(dtype=np.int64)
    on_street = (at >= 0) & street[np.maximum(at, 0)]
    near = shapely.distance(frame.geometry.to_numpy()[on_street],
                            seg.geometry.to_numpy()[at[on_street]])
    on_street[np.flatnonzero(on_street)[near > FRONT_DISTANCE_M]] = False
    counts = np.bincount(at[on_street], minlength=network.n_segments).astype(np.int64)
    rest = frame.geometry.to_numpy()[~on_street]
    counts += fronting_counts(seg.geometry.to_numpy(), street, rest)
    return pd.DataFrame({"fronting_n": counts}, index=seg.index)


def _typology_domain(network: StreetNetwork, fronting: pd.DataFrame, which: str) -> np.ndarray:
    """The segments the typology classifies (see ``typology_segments`` of :func:`analyse`)."""
    if which == "all":
        return np.ones(network.n_segments, dtype=bool)
    street = network.segments["is_street"].to_numpy(dtype=bool)
    if which == "streets":
        return street
    return street & (fronting["fronting_n"].to_numpy() > 0)


def _type_labels(labels: pd.DataFrame, network: StreetNetwork, study: np.ndarray,
                 fronting: pd.DataFrame) -> pd.DataFrame:
    """The type columns for every study-area segment: the typology's labels, and for the
    segments it did not classify ``untyped_street`` / ``untyped_path`` (no ``type_id``)."""
    from .typology import fill_untyped

    seg = network.segments.loc[study]
    return fill_untyped(labels, seg.index, seg["is_street"].to_numpy(dtype=bool))


def _synthetic_inputs(bag: pd.DataFrame | None, establishments: pd.DataFrame | None
                      ) -> list[str]:
    """Which inputs are SYNTHETIC (``attrs["synthetic"]`` or a ``synthetic`` column with a true
    value in some row), so that every output can say so.

    The column is read as a yes/no field, as a CSV or a QGIS layer gives it: ``True``, a
    non-zero number, or the text ``true``, ``1``, ``yes``, ``ja`` (any case) is true;
    ``False``, ``0``, ``"false"``, ``"0"``, ``"no"``, ``"nee"`` and empty values are not."""

    def true(value: Any) -> bool:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return False
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, float, np.integer, np.floating)):
            return value != 0
        return str(value).strip().lower() in ("true", "1", "yes", "ja")

    out = []
    for kind, frame in (("bag", bag), ("establishments", establishments)):
        if frame is None:
            continue
        info = frame.attrs.get("bag")  # read_bag_gpkg/read_bag_lv record it there
        flagged = bool(frame.attrs.get("synthetic")) or (
            isinstance(info, dict) and bool(info.get("synthetic")))
        if not flagged and "synthetic" in frame.columns and len(frame):
            flagged = any(true(v) for v in frame["synthetic"])
        if flagged:
            out.append(kind)
    return out


def _relevant(prepared: gpd.GeoDataFrame) -> pd.Series:
    """POIs that take part in some indicator (a function, an everyday category, a shop front)."""
    return (prepared["function"] != "") | (prepared["everyday"] != "") | prepared["shopfront"]


def _input_warnings(area: gpd.GeoDataFrame | None, network: StreetNetwork,
                    prepared: gpd.GeoDataFrame, snap_distance: float) -> list[str]:
    """What the user should know about the inputs; :class:`NoDataError` when no POI counts."""
    out = []
    if area is None:
        out.append(
            "no study area given: the whole network is the study area, so values near its "
            "edge miss what lies beyond it"
        )
    if network.dropped_segments:
        out.append(
            f"{network.dropped_segments} street segment(s) not connected to the main network "
            "were left out"
        )
    placed = prepared["segment_id"] >= 0
    relevant = _relevant(prepared)
    if not (placed & relevant).any():
        raise NoDataError(
            "pois",
            "no POIs (shops, amenities, offices, ...) lie on the street network of the area; "
            "check that the POI layer covers the area",
        )
    unplaced = int((~placed & relevant).sum())
    if unplaced:
        out.append(
            f"{unplaced} POI(s) lie more than {snap_distance:g} m from every street and were "
            "left out of the network measures"
        )
    return out


def _missing_amenity_warnings(prepared: gpd.GeoDataFrame) -> list[str]:
    """A warning for each everyday need of which the POI layer holds none on the network:
    its distances are empty because the data lack it, not because it is far away."""
    from .categories import EVERYDAY, EVERYDAY_NEEDS

    on = (prepared["segment_id"] >= 0).to_numpy()
    if "counted" in prepared:
        on = on & prepared["counted"].to_numpy(dtype=bool)
    everyday = prepared["everyday"].astype(str).to_numpy()
    out = []
    for cat in EVERYDAY_NEEDS:
        if (on & (everyday == cat)).any():
            continue
        text = (f"no {EVERYDAY[cat].en.lower()} ({EVERYDAY[cat].nl.lower()}) in the POI layer "
                f"near the network: dist_{cat}_m is empty (the data lack it, it is not far "
                "away) and everyday_800 cannot count it")
        unknown = int((on & (everyday == "school_unknown_level")).sum())
        if cat == "primary_school" and unknown:
            text += (f"; {unknown} school(s) of unknown level are counted as 'school (level "
                     "unknown)' (add isced:level, school=primary or the school's name in OSM)")
        drug = int((on & (everyday == "drugstore")).sum())
        if cat == "pharmacy" and drug:
            text += f"; the {drug} drugstore(s) (shop=chemist) are counted apart"
        out.append(text)
    return out


def _study_segments(network: StreetNetwork, columns: list[pd.DataFrame]) -> gpd.GeoDataFrame:
    """The study-area segments with their attributes and ``columns`` (aligned to segments)."""
    study = network.segments["in_study_area"].to_numpy()
    seg = network.segments.loc[study, list(SEGMENT_COLUMNS)]
    parts = [part.loc[part.index.isin(seg.index)] for part in columns]
    out = pd.concat([seg, *parts], axis=1)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=network.segments.crs)


def _durations(marks: dict[str, float], end: float) -> dict[str, float]:
    names = list(marks)
    out = {}
    for i, name in enumerate(names):
        stop = marks[names[i + 1]] if i + 1 < len(names) else end
        out[name] = round(stop - marks[name], 4)
    return out


def _attribution(sources: list[dict[str, Any]]) -> str:
    texts = []
    for s in sources:
        text = s.get("attribution")
        if text and text not in texts:
            texts.append(text)
    return "; ".join(texts) or f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"


def _area_summary(name: str, geom: shapely.Geometry, streets: gpd.GeoDataFrame,
                  pois: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The one-row summary of the study area. Counts of POIs count each amenity once
    (``counted``); street figures are over the street segments (``is_street``: paths,
    sidewalks and unnamed service roads are in the network but not streets), means weighted
    by length; the main type is the one with the most street length."""
    keep = pois["in_study_area"].to_numpy(dtype=bool).copy()
    if "counted" in pois:
        keep &= pois["counted"].to_numpy(dtype=bool)
    inside = pois[keep]
    street = streets["is_street"].to_numpy(dtype=bool) if "is_street" in streets else \
        np.ones(len(streets), dtype=bool)
    st = streets[street] if street.any() else streets
    length = st["length_m"].to_numpy(dtype=float)
    n_n = int((inside["no_class"] == "N").sum())
    n_o = int((inside["no_class"] == "O").sum())
    fronts = int(inside["shopfront"].sum())
    vacant = int((inside["shopfront"] & inside["vacant"]).sum())

    def wmean(col: str) -> float:
        v = pd.to_numeric(st[col], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(v)
        return round(float(np.average(v[ok], weights=length[ok])), 2) if ok.any() and \
            length[ok].sum() > 0 else np.nan

    typed = st[st["type_id"].notna()] if "type_id" in st else st
    by_len = typed.groupby(["type_name_nl", "type_name_en"])["length_m"].sum() \
        .sort_values(ascending=False) if len(typed) else None
    row = {
        "name": name,
        "area_km2": round(geom.area / 1e6, 3),
        "segments": int(street.sum()),
        "street_km": round(float(length.sum()) / 1000, 2),
        "network_km": round(float(streets["length_m"].sum()) / 1000, 2),
        "functions": int((inside["function"] != "").sum()),
        "n_count": n_n,
        "o_count": n_o,
        "shopfronts": fronts,
        "vacant_shopfronts": vacant,
        "vacancy_share": round(vacant / fronts, 4) if fronts else np.nan,
        "mean_everyday_800": wmean("everyday_800"),
        "mean_hill1_400": wmean("hill1_400"),
        "median_dist_supermarket_m": round(float(st["dist_supermarket_m"].median()), 1),
        "main_type_nl": by_len.index[0][0] if by_len is not None else "",
        "main_type_en": by_len.index[0][1] if by_len is not None else "",
    }
    return gpd.GeoDataFrame([row], geometry=[geom], crs=streets.crs)


#: Seed of the SYNTHETIC BAG/KvK layers of the demo (:func:`demo_synthetic_layers`).
DEMO_SYNTHETIC_SEED = 0
#: The date the demo's synthetic establishments describe (and the demo's reference date).
DEMO_REFERENCE_DATE = "2026-01-01"
#: The reference week of the demo's (SYNTHETIC) opening hours: an ordinary week, no holiday.
DEMO_HOURS_WEEK = "2026-01-12"


def demo_synthetic_layers() -> tuple[gpd.GeoDataFrame, pd.DataFrame, dict[str, Any]]:
    """SYNTHETIC BAG units and geolocated establishments for the demo area.

    KvK data is not open and no open BAG extract with uses and floor areas is bundled, so the
    demo generates both with :func:`wijkkracht.data_sources.synthetic.generate_synthetic`
    (seed :data:`DEMO_SYNTHETIC_SEED`) on the real Kanaleneiland buildings and streets, and
    places the establishments with the same join as real exports
    (:func:`~wijkkracht.data_sources.establishments.geolocate`). Every row and every output
    made from them says SYNTHETIC.

    Returns
    -------
    tuple
        BAG units (BAG schema), the matched establishments, and counts of the join
        (``match_rate``, ``unmatched``).
    """
    from ..data_sources.establishments import geolocate, normalise_establishments
    from ..data_sources.synthetic import SYNTHETIC_NOTICE, generate_synthetic

    data = generate_synthetic(DEMO_SYNTHETIC_SEED, snapshot_date=DEMO_REFERENCE_DATE)
    bag = data.verblijfsobjecten
    raw = data.establishments.drop(columns=["synthetic_case", "synthetic_true_vbo"])
    read = normalise_establishments(raw, source=SYNTHETIC_NOTICE, today=DEMO_REFERENCE_DATE)
    located = geolocate(read.establishments, bag)
    matched = located.matched
    matched.attrs["synthetic"] = True
    counts = {"rejected": int(len(read.rejected)), "unmatched": int(len(located.unmatched)),
              "match_rate": round(float(located.match_rate), 4)}
    return bag, matched, counts


def analyse_demo(*, synthetic_bag: bool = True, synthetic_hours: bool = True,
                 **kwargs: Any) -> AnalysisResult:
    """Run :func:`analyse` on the bundled real OSM data of Kanaleneiland (Utrecht).

    Parameters
    ----------
    synthetic_bag
        Add the SYNTHETIC BAG/KvK layers of :func:`demo_synthetic_layers`, so the demo shows
        the MXI, vacancy and hidden-economy indicators (``metadata["synthetic"]`` then lists
        them and the map says so), and the spending flows between the quarters of the area
        (:func:`demo_spending_zones`); ``False``: OpenStreetMap only.
    synthetic_hours
        The bundled POIs carry no opening hours (the source dropped them): give them SYNTHETIC
        ``opening_hours`` values (:mod:`wijkkracht.data_sources.synthetic_hours`, seeded; the
        week of :data:`DEMO_HOURS_WEEK`), so the demo shows the liveliness by hour; labelled
        SYNTHETIC wherever they appear.
    **kwargs
        Options of :func:`analyse`.

    Examples
    --------
    >>> result = analyse_demo()
    >>> result.metadata["synthetic"]
    ['bag', 'establishments', 'opening_hours']
    >>> bool(result.streets["mxi"].dropna().between(0, 1).all())
    True
    """
    from ..data_sources.files import read_area, read_pois, read_streets

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    sources = [{
        "name": "OpenStreetMap, Kanaleneiland (Utrecht): walking network (OSMnx's default walk "
                "network: no cycle paths) and POI/building points (no names, no outlines)",
        "path": str(path),
        "licence": OSM_LICENCE,
        "attribution": DEMO_ATTRIBUTION,
        "date": "2025-11 (OSMnx extraction)",
    }]
    if synthetic_bag:
        from ..data_sources.synthetic import SYNTHETIC_NOTICE

        bag, establishments, counts = demo_synthetic_layers()
        sources.append({
            "name": f"BAG verblijfsobjecten and KvK-style establishments: {SYNTHETIC_NOTICE}",
            "path": f"wijkkracht.data_sources.synthetic (seed {DEMO_SYNTHETIC_SEED})",
            "licence": "generated by wijkkracht",
            "attribution": f"BAG/KvK: {SYNTHETIC_NOTICE}",
            "date": DEMO_REFERENCE_DATE,
            "establishments": counts,
        })
        kwargs.setdefault("reference_date", DEMO_REFERENCE_DATE)
        if kwargs.get("spending") is None:
            kwargs["spending"] = True
        if kwargs["spending"] and kwargs.get("spending_zones") is None:
            kwargs["spending_zones"] = demo_spending_zones(area)
        kwargs = {"bag": bag, "establishments": establishments, **kwargs}
    pois = read_pois(path, layer="pois")
    if synthetic_hours:
        from ..data_sources.synthetic_hours import SYNTHETIC_HOURS_NOTICE, synthetic_opening_hours

        pois["opening_hours"] = synthetic_opening_hours(pois, seed=DEMO_SYNTHETIC_SEED)
        sources.append({
            "name": f"Opening hours (OSM opening_hours format): {SYNTHETIC_HOURS_NOTICE}",
            "path": f"wijkkracht.data_sources.synthetic_hours (seed {DEMO_SYNTHETIC_SEED})",
            "licence": "generated by wijkkracht",
            "attribution": f"opening_hours: {SYNTHETIC_HOURS_NOTICE}",
            "date": DEMO_HOURS_WEEK,
        })
        if kwargs.get("hours_week") is None:
            kwargs["hours_week"] = DEMO_HOURS_WEEK
        kwargs["hours_synthetic"] = True
    # the bundled network is OSMnx's default walk network (no cycleways): said in its source
    # entry, and its effect measured by the detour check of every run
    streets = read_streets(path, layer="streets", check_default_walk=False)
    return analyse(streets, pois, area, sources=sources, **kwargs)


def demo_spending_zones(area: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones of the demo's spending flows: the study area cut into four quarters.

    No CBS buurt boundaries are bundled, so the demo shows the flows between the quarters
    (north-west, north-east, south-west, south-east) of Kanaleneiland; they are named so, and
    are not buurten. With ``--areas`` the flows are per CBS area.
    """
    geom = area.geometry.union_all()
    x0, y0, x1, y1 = geom.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quarters = {"NW": (x0, ym, xm, y1), "NO": (xm, ym, x1, y1), "ZW": (x0, y0, xm, ym),
                "ZO": (xm, y0, x1, ym)}
    names = {"NW": "noordwest", "NO": "noordoost", "ZW": "zuidwest", "ZO": "zuidoost"}
    return gpd.GeoDataFrame(
        {"area_code": [f"kwart-{k}" for k in quarters],
         "area_name": [f"Kanaleneiland {names[k]} (kwart, geen CBS-buurt)" for k in quarters]},
        geometry=[shapely.intersection(geom, shapely.box(*b)) for b in quarters.values()],
        crs=area.crs)
