"""Indicators summarised per area (buurt, wijk, gemeente or any polygon).

A street segment belongs to the area that contains its midpoint (the point halfway along the
line); a segment whose midpoint lies in no area is counted in ``attrs["segments_outside"]``
and never silently dropped. Where areas overlap, the first area (in the order given) wins.

Aggregates per unit of the indicator registry (:mod:`wijkkracht.core.indicators.registry`),
weights = segment length (``length_m``):

=============  ==================================================================
unit           columns
=============  ==================================================================
``count``      ``<name>_mean``: length-weighted mean per segment. Counts within a
               walking radius (``_400``, ``_800``) overlap between neighbouring
               segments, so they are *not* summed. Counts of the segment itself
               (no radius suffix, e.g. ``functions_on_segment``) are additive and
               also get ``<name>_sum``.
``share``      ``<name>_mean``: length-weighted mean; for the ratios of :data:`POOLED`
               (MXI, vacancy indication, home-based and one-person shares)
               ``<name>_pooled``: the share of the area's totals.
``m2``         as ``count`` (floor areas on the segment add up).
``index``      ``<name>_mean``: length-weighted mean.
``species``    ``<name>_mean``: length-weighted mean.
``categories`` ``<name>_mean``: length-weighted mean.
``m``          ``<name>_median``: median over segments (distances are skewed, and
               unreachable segments (null) are left out).
=============  ==================================================================

Means and medians are taken over an area's *street* segments (``is_street``, see
:mod:`wijkkracht.core.streets`: the average street, not the average footpath); sums and pooled
shares over all its segments (an address placed on a sidewalk still counts). Null values are
left out of each aggregate (their weight too); an area without any non-null value gets null.

The intensity surfaces of a run with rasters (:mod:`wijkkracht.core.rasters`) are summarised
by :func:`raster_means_by_area`: ``<surface>_raster_mean``, the mean of the cells whose centre
lies in the area.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import InputError
from .indicators.registry import INDICATORS, UNITS, Indicator

__all__ = ["summarise_by_area", "summarise_segments", "aggregate_columns", "assign_segments",
           "POOLED", "raster_means_by_area", "SharedLabels"]

_RADIUS = re.compile(r"_\d+$")


#: Shares of a segment that are a ratio of two additive per-segment columns: per area the
#: share of the area's totals (``<name>_pooled``), not a mean of the segments' shares (which
#: would give a street with 1 of 1 home-based business as much say as one with 40 of 80).
POOLED: dict[str, tuple[str, str]] = {
    "mxi": ("bag_housing_area_m2", "bag_floor_area_m2"),
    "bag_vacant_share": ("bag_vacant_units", "nonres_in_use_units"),
    "bag_out_of_use_share": ("bag_out_of_use_units", "bag_units"),
    "home_based_share": ("home_based_est", "active_est"),
    "solo_share": ("solo_est", "est_with_employees"),
}


def _aggregates(ind: Indicator, columns: set[str] | None = None) -> list[str]:
    if ind.name in POOLED and (columns is None or set(POOLED[ind.name]) <= columns):
        return ["pooled"]
    if ind.unit == "m":
        return ["median"]
    if ind.unit in ("count", "m2") and not _RADIUS.search(ind.name):
        return ["mean", "sum"]
    return ["mean"]


def aggregate_columns(names: list[str] | None = None, *,
                      columns: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """Output column -> (indicator, aggregate) for the registered indicators in ``names``.

    Parameters
    ----------
    names
        Indicator names; ``None``: all of :data:`INDICATORS`.
    columns
        The columns of the per-segment table: a share of :data:`POOLED` is pooled only when
        both its parts are there (else averaged); ``None``: assume they are.
    """
    reg = INDICATORS
    cols = None if columns is None else set(columns)
    out: dict[str, tuple[str, str]] = {}
    for name in (names if names is not None else list(reg)):
        for agg in _aggregates(reg[name], cols):
            out[f"{name}_{agg}"] = (name, agg)
    return out


def assign_segments(streets: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Position (0-based row) in ``areas`` of the area containing each segment's midpoint; -1
    for none."""
    mids = shapely.line_interpolate_point(streets.geometry.values, 0.5, normalized=True)
    out = np.full(len(streets), -1, dtype=np.int64)
    tree = shapely.STRtree(areas.geometry.values)
    pts, polys = tree.query(mids, predicate="intersects")  # on the border: still inside
    if len(pts):
        order = np.lexsort((polys, pts))  # first area (lowest position) per point wins
        pts, polys = pts[order], polys[order]
        first = np.r_[True, pts[1:] != pts[:-1]]
        out[pts[first]] = polys[first]
    return out


class SharedLabels(dict):
    """The column labels of a summary (``attrs["labels"]``), shared by copies of the frame.

    pandas deep-copies a frame's ``attrs`` on every operation that makes a new frame (a
    column selection, a filter): for a summary with a hundred labelled columns that is a
    hundred dicts copied per column read, most of a map's build time. The labels are
    read-only metadata, so a copy of the frame shares them (``copy.deepcopy`` returns this
    object itself). Replace the labels rather than changing them in place.
    """

    def __deepcopy__(self, memo: dict) -> SharedLabels:
        return self

    def __copy__(self) -> SharedLabels:
        return self


def _wmean(values: np.ndarray, weights: np.ndarray) -> float:
    ok = ~np.isnan(values)
    w = weights[ok]
    if not ok.any() or w.sum() <= 0:
        return float("nan")
    return float(np.sum(values[ok] * w) / w.sum())


def summarise_by_area(streets: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summarise per-segment indicators per area.

    Parameters
    ----------
    streets
        The per-segment frame (e.g. ``AnalysisResult.streets``): line geometries, ``length_m``
        and any registered indicator columns, EPSG:28992.
    areas
        Areas as from :func:`wijkkracht.data_sources.areas.read_areas` (``area_code``,
        ``area_name``, ``level``, polygons in EPSG:28992); other columns are kept.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area with its columns, ``segments`` (number of *street* segments,
        ``is_street``: paths, sidewalks and unnamed service roads are left out of street
        totals, :mod:`wijkkracht.core.streets`), ``street_m`` (their total length) and the
        aggregates of every registered indicator present in
        ``streets`` (see the module docstring for the aggregate per unit). ``attrs`` holds
        ``segments_outside`` (street segments in no area), ``street_m_outside``, and ``labels``:
        output column -> ``{"nl": ..., "en": ..., "unit_nl": ..., "unit_en": ...,
        "indicator": ..., "aggregate": ...}`` from the registry.

    Raises
    ------
    InputError
        ``streets`` lacks ``length_m``, or the two frames are in different CRSs.
    """
    if "length_m" not in streets:
        raise InputError("streets", "no 'length_m' column (expected the per-segment indicators)")
    if streets.crs is not None and areas.crs is not None and streets.crs != areas.crs:
        raise InputError("areas", f"CRS {areas.crs} differs from the streets' {streets.crs}")
    pos = assign_segments(streets, areas) if len(streets) and len(areas) else \
        np.full(len(streets), -1, dtype=np.int64)
    length = streets["length_m"].to_numpy(dtype=float)
    street = (streets["is_street"].to_numpy(dtype=bool) if "is_street" in streets
              else np.ones(len(streets), dtype=bool))
    counts = {"segments": [], "street_m": []}
    for k in range(len(areas)):
        sel = (pos == k) & street
        counts["segments"].append(int(sel.sum()))
        counts["street_m"].append(float(length[sel].sum()))
    summary, labels = summarise_segments(streets, pos, len(areas), distance="median")
    out = gpd.GeoDataFrame(
        pd.concat([areas.drop(columns=areas.geometry.name).reset_index(drop=True),
                   pd.DataFrame(counts).astype({"segments": "int64"}), summary], axis=1),
        geometry=list(areas.geometry.values), crs=areas.crs)
    outside = pos < 0
    out.attrs["segments_outside"] = int((outside & street).sum())
    out.attrs["street_m_outside"] = float(length[outside & street].sum())
    out.attrs["labels"] = labels
    return out


def summarise_segments(streets: pd.DataFrame, pos: np.ndarray, n_groups: int, *,
                       distance: str = "median") -> tuple[pd.DataFrame, dict[str, dict]]:
    """The aggregates of every registered indicator in ``streets`` per group of segments.

    Parameters
    ----------
    streets
        Per-segment indicators with ``length_m`` (and ``is_street``, see
        :mod:`wijkkracht.core.streets`).
    pos
        Group (0..n_groups-1) of each segment; -1 for none.
    n_groups
        Number of groups.
    distance
        Aggregate of walking distances: ``"median"`` (areas: distances are skewed) or
        ``"mean"`` (length-weighted, for one street).

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per group with the aggregate columns (module docstring), and their labels.
        Means and medians are over the group's *street* segments (``is_street``: the average
        street, not the average footpath), weighted by length; sums and pooled shares over
        all its segments (an address placed on a sidewalk still counts).
    """
    reg = INDICATORS
    present = [n for n in reg if n in streets.columns]
    columns = aggregate_columns(present, columns=list(streets.columns))
    if distance == "mean":
        columns = {(f"{name}_mean" if agg == "median" else col): (name, "mean" if agg == "median"
                                                                  else agg)
                   for col, (name, agg) in columns.items()}
    length = streets["length_m"].to_numpy(dtype=float)
    street = (streets["is_street"].to_numpy(dtype=bool) if "is_street" in streets
              else np.ones(len(streets), dtype=bool))
    values = {name: pd.to_numeric(streets[name], errors="coerce").to_numpy(dtype=float)
              for name in present}
    for name in present:
        if name in POOLED:
            for c in POOLED[name]:
                if c in streets and c not in values:
                    values[c] = pd.to_numeric(streets[c], errors="coerce").to_numpy(dtype=float)
    data: dict[str, list[float]] = {c: [] for c in columns}
    order = np.argsort(pos, kind="stable")
    bounds = np.searchsorted(pos[order], np.arange(n_groups + 1))
    for k in range(n_groups):
        every = order[bounds[k]:bounds[k + 1]]
        sel = every[street[every]]
        w = length[sel]
        for col, (name, agg) in columns.items():
            if agg == "pooled":
                num, den = (values[c][every] for c in POOLED[name])
                total = float(np.nansum(den))
                data[col].append(float(np.nansum(num)) / total if total > 0 else np.nan)
            elif agg == "mean":
                data[col].append(_wmean(values[name][sel], w))
            elif agg == "sum":
                vals = values[name][every]
                data[col].append(float(np.nansum(vals)) if (~np.isnan(vals)).any() else np.nan)
            else:
                vals = values[name][sel]
                ok = vals[~np.isnan(vals)]
                data[col].append(float(np.median(ok)) if len(ok) else np.nan)
    labels = SharedLabels({
        col: {"nl": reg[name].label("nl"), "en": reg[name].label("en"),
              "unit_nl": UNITS[reg[name].unit]("nl"), "unit_en": UNITS[reg[name].unit]("en"),
              "indicator": name, "aggregate": agg}
        for col, (name, agg) in columns.items()})
    return pd.DataFrame(data, columns=list(columns)), labels


def raster_means_by_area(areas: gpd.GeoDataFrame, surfaces: Mapping[str, Any]
                         ) -> gpd.GeoDataFrame:
    """Zonal means of intensity surfaces per area: ``<surface>_raster_mean``.

    The mean of the cells whose centre lies in the area (border included) and that have a
    value: cells that are nodata (beyond the study area's reach, or suppressed by the privacy
    threshold) are left out. An area without such a cell (smaller than a cell, or every cell
    suppressed) gets null.

    Parameters
    ----------
    areas
        The areas (polygons, EPSG:28992), e.g. the result of :func:`summarise_by_area`.
    surfaces
        name -> :class:`~wijkkracht.core.rasters.Surface` (``AnalysisResult.rasters``), all on
        one grid.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``areas`` with one column per surface, and its ``attrs["labels"]`` extended
        with the label and unit of each (aggregate ``raster_mean``).
    """
    out = areas.copy()
    out.attrs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in areas.attrs.items()}
    if not surfaces:
        return out
    first = next(iter(surfaces.values()))
    grid = first.grid
    if any(s.grid != grid for s in surfaces.values()):
        raise ValueError("the surfaces are not on one grid")
    xs, ys = grid.centres()
    sums = {name: [] for name in surfaces}
    for geom in areas.geometry.values:
        inside = np.zeros(grid.shape, dtype=bool)
        if geom is not None and not shapely.is_empty(geom):
            xmin, ymin, xmax, ymax = shapely.bounds(geom)
            cols = np.flatnonzero((xs >= xmin) & (xs <= xmax))
            rows = np.flatnonzero((ys >= ymin) & (ys <= ymax))
            if len(cols) and len(rows):
                shapely.prepare(geom)
                xx, yy = np.meshgrid(xs[cols], ys[rows])
                inside[np.ix_(rows, cols)] = shapely.intersects_xy(geom, xx, yy)
        for name, surface in surfaces.items():
            sel = inside & surface.valid
            sums[name].append(float(surface.array[sel].astype(np.float64).mean())
                              if sel.any() else np.nan)
    labels = SharedLabels(out.attrs.get("labels") or {})  # a new object: never the shared one
    out.attrs["labels"] = labels
    for name, surface in surfaces.items():
        col = f"{name}_raster_mean"
        out[col] = np.asarray(sums[name], dtype=np.float64)
        labels[col] = {"nl": surface.label("nl"), "en": surface.label("en"),
                       "unit_nl": surface.unit_label("nl"), "unit_en": surface.unit_label("en"),
                       "indicator": name,
                       "aggregate": "raster_mean"}
    return out
