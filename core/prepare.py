"""The first steps of every analysis: build the network, classify and place the POIs, and
the checks of the inputs that every run reports (no I/O: the callers pass the data in)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .categories import CategoryTable, classify_pois
from .errors import InputError, NoDataError
from .network import StreetNetwork, build_network, in_area, locate_points

__all__ = ["prepare", "prepare_pois", "SEGMENT_COLUMNS", "study_segments", "input_warnings",
           "missing_amenity_warnings", "relevant_pois", "street_coverage", "check_coverage",
           "COVERAGE_REACH_M"]

#: Segment attributes that come first in every streets output, before the indicators.
SEGMENT_COLUMNS = ("osm_id", "street_name", "highway", "kind", "is_street", "length_m",
                   "geometry")


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
    """Build the network and prepare the POIs (the first two pipeline steps); streets that
    cover too little of the study area are refused first (:func:`check_coverage`), with the
    share they cover."""
    coverage = check_coverage(streets, area)
    geom = area.geometry.union_all() if area is not None and len(area) else None
    network = build_network(streets, geom, keep_all_components=keep_all_components)
    prepared = prepare_pois(network, pois, categories=categories, snap_distance=snap_distance,
                            study_area=geom, bag=bag)
    prepared.attrs["coverage_warning"] = coverage
    return network, prepared


def relevant_pois(prepared: gpd.GeoDataFrame) -> pd.Series:
    """POIs that take part in some indicator (a function, an everyday category, a shop front)."""
    return (prepared["function"] != "") | (prepared["everyday"] != "") | prepared["shopfront"]


def input_warnings(area: gpd.GeoDataFrame | None, network: StreetNetwork,
                    prepared: gpd.GeoDataFrame, snap_distance: float) -> list[str]:
    """What the user should know about the inputs; :class:`NoDataError` when no POI counts."""
    out = []
    if prepared.attrs.get("coverage_warning"):
        out.append(prepared.attrs["coverage_warning"])
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
    relevant = relevant_pois(prepared)
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


def missing_amenity_warnings(prepared: gpd.GeoDataFrame) -> list[str]:
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


def study_segments(network: StreetNetwork, columns: list[pd.DataFrame]) -> gpd.GeoDataFrame:
    """The study-area segments with their attributes and ``columns`` (aligned to segments)."""
    study = network.segments["in_study_area"].to_numpy()
    seg = network.segments.loc[study, list(SEGMENT_COLUMNS)]
    parts = [part.loc[part.index.isin(seg.index)] for part in columns]
    out = pd.concat([seg, *parts], axis=1)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=network.segments.crs)


#: A place of the study area counts as covered by the streets within this walking-scale
#: distance of one (a large park or a block interior is still "on" the network).
COVERAGE_REACH_M = 200.0
#: Below this covered share a run stops at once (nothing sensible can come out of it) ...
COVERAGE_REFUSED = 0.2
#: ... and below this it warns (water, a large park, or a network cut too small).
COVERAGE_WARNED = 0.6


def street_coverage(streets: gpd.GeoSeries | np.ndarray, area: shapely.Geometry, *,
                    reach: float = COVERAGE_REACH_M, samples: int = 4000) -> float:
    """The share (0-1) of the study area ``area`` within ``reach`` metres of a street.

    Measured on a regular grid of about ``samples`` points inside the area (the same in
    every run, so the share is reproducible), against a spatial index of the lines: fast on
    a national network. Both in one metric CRS (EPSG:28992).
    """
    lines = np.asarray(getattr(streets, "values", streets), dtype=object)
    lines = lines[~(shapely.is_missing(lines) | shapely.is_empty(lines))]
    if area is None or area.is_empty or area.area <= 0:
        return 1.0
    if not len(lines):
        return 0.0
    minx, miny, maxx, maxy = area.bounds
    step = max(math.sqrt(area.area / samples), 1.0)
    xs = np.arange(minx + step / 2, maxx, step)
    ys = np.arange(miny + step / 2, maxy, step)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    inside = shapely.contains_xy(area, gx, gy)
    points = shapely.points(gx[inside], gy[inside])
    if not len(points):  # a sliver narrower than the grid
        points = np.array([area.representative_point()], dtype=object)
    tree = shapely.STRtree(lines)
    hit = tree.query(points, predicate="dwithin", distance=reach)[0]
    return float(len(np.unique(hit)) / len(points))


def check_coverage(streets: gpd.GeoDataFrame, area: gpd.GeoDataFrame | None) -> str | None:
    """Refuse (:class:`InputError`) streets that cover too little of the study area to say
    anything about it, saying how much they cover; a warning (returned) when they leave a
    large part uncovered. ``None`` without an area or when the area is covered."""
    if area is None or not len(area):
        return None
    geom = area.geometry.union_all()
    share = street_coverage(streets.geometry, geom)
    if share >= COVERAGE_WARNED:
        return None
    pct = f"{100 * share:.0f} %" if share >= 0.01 or share == 0 else "less than 1 %"
    if share < COVERAGE_REFUSED:
        where = ("the streets do not reach the study area at all" if share == 0 else
                 f"the streets cover only {pct} of the study area")
        raise InputError("streets", f"{where} (places within {COVERAGE_REACH_M:.0f} m of a "
                         "street); give a network that covers the whole area and reaches "
                         "beyond it, or check that the area is the right one")
    return (f"the streets cover {100 * share:.0f} % of the study area (places within "
            f"{COVERAGE_REACH_M:.0f} m of a street): the rest (water, a park, or a network "
            "cut too small?) has no values")
