"""The data of the web map's layers, as the JSON blocks of the page (part of
:mod:`wijkkracht.output.webmap`): the street segments (geometry stored once, simplified and
rounded), the named streets, the POIs, the study area, the summary areas and the surroundings;
what may be published of them (small establishment counts suppressed); and a result made from
separate layers (:func:`result_for_map`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.indicators.registry import INDICATORS, SENSITIVE, indicator
from ..core.result import AnalysisResult
from ..styles import (
    decimals,
    indicator_style,
    load_spec,
    poi_class_of,
)
from .webmap_text import _LEVELS, _esc, _group_of

#: The indicators the popup of a named street shows (length-weighted means along the street,
#: ``<name>_mean`` of :func:`wijkkracht.core.streets.named_streets`), those present.
NAMED_STREET_INDICATORS = ("dist_supermarket_m", "dist_pt_stop_m", "everyday_800",
                           "functions_400", "n_count_400", "o_count_400", "vacancy_share_400")

#: Decimals of the WGS84 coordinates in the page (1e-5 degree is about 1 m).
COORDINATE_DECIMALS = 5

#: Tolerance (m, in RD New) of the simplification of the street geometry for display.
SIMPLIFY_M = 0.75

_WGS84 = 4326


def _geometries(gdf: gpd.GeoDataFrame, simplify_m: float = SIMPLIFY_M) -> list[Any]:
    """GeoJSON geometry dicts in WGS84, simplified (in RD) and rounded to ~1 m."""
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    if simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
    wgs = gpd.GeoSeries(geoms, crs=gdf.crs).to_crs(_WGS84)
    arr = np.asarray(wgs.array, dtype=object)
    arr = shapely.transform(arr, lambda c: np.round(c, COORDINATE_DECIMALS))
    arr = shapely.remove_repeated_points(arr)
    return [json.loads(s) if s is not None else None for s in shapely.to_geojson(arr)]


def _round(value: Any, nd: int) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    v = float(value)
    if not math.isfinite(v):
        return None
    return int(round(v)) if nd == 0 else round(v, nd)


def _path_kinds(streets: pd.DataFrame) -> list[int]:
    """Per segment 0 for a street (``is_street``; every segment of a layer without the
    column), else 1 + the position of its ``kind`` in :data:`wijkkracht.core.streets.KINDS`
    (the map's ``p``: a path, sidewalk, cycle path or unnamed service road)."""
    from ..core.streets import KINDS

    if "is_street" not in streets:
        return [0] * len(streets)
    order = {k: i for i, k in enumerate(KINDS)}
    kinds = (streets["kind"].astype(str) if "kind" in streets
             else pd.Series("path", index=streets.index))
    flags = pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()
    return [0 if street else 1 + order.get(kind, order["path"])
            for street, kind in zip(flags, kinds, strict=True)]


def _streets_data(streets: gpd.GeoDataFrame, indicators: Sequence[str],
                  type_index: Mapping[str, int], hours: Sequence[int] = (),
                  positions: list[int] | None = None) -> dict[str, Any]:
    """The streets block: one GeoJSON feature per segment, properties ``n`` (name, escaped),
    ``t`` (type index), ``v`` (key-indicator values), ``h`` (hour profile index) and, only for
    a segment that is no street, ``p`` (1 + its kind, see :func:`_path_kinds`). ``positions``
    (when given) gets each row's feature index (-1: no geometry, no feature)."""
    names = streets["street_name"] if "street_name" in streets else pd.Series("", streets.index)
    keys = streets["type_key"] if "type_key" in streets else pd.Series(None, streets.index)
    paths = _path_kinds(streets)
    value_cols = [
        [_round(v, decimals(indicator_style(n).indicator.unit)) for v in streets[n]]
        if n in streets else [None] * len(streets)
        for n in indicators
    ]
    features = []
    for i, geom in enumerate(_geometries(streets)):
        if geom is None:
            if positions is not None:
                positions.append(-1)
            continue
        if positions is not None:
            positions.append(len(features))
        name = names.iloc[i]
        features.append({
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "n": _esc(name) if isinstance(name, str) else "",
                "t": type_index.get(str(keys.iloc[i]), -1),
                "v": [col[i] for col in value_cols],
                **({"h": hours[i]} if hours else {}),
                **({"p": paths[i]} if paths[i] else {}),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _named_data(result: AnalysisResult, streets: pd.DataFrame, positions: Sequence[int],
                type_index: Mapping[str, int], lang: str
                ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The named-streets layer: its configuration (the popup's indicator columns) and data
    (per named street: name, length, addresses fronting it, the streets-block features of its
    segments, each type's share of its length, the indicators along it), or ``(None, {})``.

    The geometry is not repeated: a named street is drawn from its segments' features. The
    type shares are those of its street segments' lengths, as
    :func:`wijkkracht.core.streets.named_streets` computes them (``types_nl``).
    """
    named = result.named_streets
    if named is None or not len(named) or "street_id" not in streets.columns:
        return None, {}
    labels = named.attrs.get("labels") or {}
    integer_units = set(load_spec()["graduated"]["integer_units"])
    columns = []
    for name in NAMED_STREET_INDICATORS:
        col = f"{name}_mean"
        if col not in named.columns or name not in INDICATORS:
            continue
        ind = indicator(name)
        lab = labels.get(col)
        title = (f"{lab[lang]} ({lab['unit_' + lang]})" if isinstance(lab, Mapping)
                 and lab.get(lang) and lab.get("unit_" + lang) else ind.title(lang))
        nd = 1 if ind.unit in integer_units else decimals(ind.unit)
        columns.append({"col": col, "title": _esc(title), "decimals": nd,
                        "suffix": " m" if ind.unit == "m" else "",
                        "nullText": _esc(ind.null_meaning(lang) if ind.null_meaning is not None
                                         else "–"),
                        "group": _group_of(name)})
    sid = streets["street_id"].fillna("").astype(str).to_numpy()
    street = (pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()
              if "is_street" in streets else np.ones(len(streets), dtype=bool))
    member = street & (sid != "")
    rows = np.flatnonzero(member)
    frame = pd.DataFrame({
        "sid": sid[rows],
        "pos": np.asarray(positions, dtype=np.int64)[rows],
        "len": streets["length_m"].to_numpy(dtype=float)[rows],
        "t": [type_index.get(str(k), -1) for k in streets["type_key"].to_numpy()[rows]]
        if "type_key" in streets else -1,
    })
    segments = frame[frame["pos"] >= 0].groupby("sid")["pos"].apply(list)
    by_type = frame.groupby(["sid", "t"])["len"].sum()
    total = frame.groupby("sid")["len"].sum()
    features = []
    for _, row in named.iterrows():
        key = str(row["street_id"])
        members = segments.get(key)
        if not members:
            continue
        shares = by_type.loc[key].sort_values(ascending=False, kind="stable") \
            if key in by_type.index.get_level_values(0) else pd.Series(dtype=float)
        whole = float(total.get(key, 0.0))
        features.append({
            "n": _esc(key),
            "l": _round(row.get("length_m"), 0),
            "a": _round(row.get("fronting_n"), 0),
            "t": type_index.get(str(row.get("main_type_key")), -1),
            "s": [int(i) for i in members],
            "y": [[int(t), _round(100 * float(v) / whole, 0) if whole > 0 else None]
                  for t, v in shares.items()],
            "v": [_round(row.get(c["col"]), c["decimals"]) for c in columns],
        })
    if not features:
        return None, {}
    return {"columns": [{k: v for k, v in c.items() if k != "col"} for c in columns]}, \
        {"streets": features}


def _pois_data(pois: gpd.GeoDataFrame) -> dict[str, Any]:
    if len(pois) == 0:
        return {"type": "FeatureCollection", "features": []}
    no_class = pois["no_class"] if "no_class" in pois else pd.Series("", pois.index)
    vacant = pois["vacant"] if "vacant" in pois else pd.Series(False, pois.index)
    classes = [poi_class_of(c if isinstance(c, str) else None, bool(v) if pd.notna(v) else False)
               for c, v in zip(no_class, vacant, strict=True)]
    keep = np.array([c is not None for c in classes])
    sub = pois[keep]
    sub_classes = [c for c in classes if c is not None]
    names = sub["name"] if "name" in sub else pd.Series("", sub.index)
    tags = sub["tag"] if "tag" in sub else pd.Series("", sub.index)
    features = []
    for geom, cls, name, tag in zip(_geometries(sub, simplify_m=0), sub_classes, names, tags,
                                     strict=True):
        if geom is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "c": cls,
                "n": _esc(name) if isinstance(name, str) else "",
                "g": _esc(tag) if isinstance(tag, str) else "",
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _privacy_threshold(result: AnalysisResult) -> int | None:
    """The run's suppression threshold from its metadata, if it records one."""
    meta = result.metadata
    bag = meta.get("bag")
    for value in (meta.get("privacy_threshold"),
                  bag.get("privacy_threshold") if isinstance(bag, Mapping) else None):
        if value is not None:
            return int(value)
    return None


def _publishable(frame: pd.DataFrame, threshold: int | None, *, areas: bool = False
                 ) -> tuple[pd.DataFrame, int | None]:
    """``frame`` with small establishment counts suppressed, and the threshold used.

    Results of the pipeline are suppressed already (doing it again changes nothing); this
    makes sure a frame that is not (own code, a threshold missing from the metadata) never
    reaches the page with small counts: :func:`~wijkkracht.core.privacy.suppress_small_counts`
    for streets, :func:`~wijkkracht.core.privacy.suppress_area_counts` for area summaries
    (``areas``). A sensitive value whose counts the frame lacks cannot be checked and is left
    out, unless the frame says it was suppressed (a ``suppressed`` column). Returns the frame
    unchanged and None when it holds no sensitive column.
    """
    from ..core.areas import aggregate_columns
    from ..core.privacy import (
        DEFAULT_THRESHOLD,
        DERIVED,
        sensitive_counts,
        suppress_area_counts,
        suppress_small_counts,
    )

    if areas:
        columns = {col: name for col, (name, _agg) in aggregate_columns().items()
                   if col in frame.columns and SENSITIVE in INDICATORS[name].tags}
        needs = {col: [f"{p}_sum" for p in DERIVED.get(name, (name,))]
                 for col, name in columns.items()}
    else:
        columns = {c: c for c in frame.columns
                   if c in INDICATORS and SENSITIVE in INDICATORS[c].tags}
        needs = {c: list(DERIVED.get(c, (c,))) for c in columns}
    if not columns:
        return frame, None
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    out = (suppress_area_counts(frame, t) if areas else
           suppress_small_counts(frame, t, columns=[c for c in sensitive_counts()
                                                    if c in frame.columns]))
    if "suppressed" not in frame.columns:
        for col, parts in needs.items():
            if not all(p in frame.columns for p in parts):
                out[col] = np.nan
    return out, t


def _areas_data(areas: gpd.GeoDataFrame | None, columns: Sequence[Mapping[str, Any]],
                lang: str) -> dict[str, Any]:
    """GeoJSON of the area outlines: code, name, level, segments, street km and the values of
    ``columns`` (every string escaped)."""
    if areas is None or len(areas) == 0:
        return {"type": "FeatureCollection", "features": []}

    def strings(col: str) -> list[str]:
        if col not in areas.columns:
            return [""] * len(areas)
        return [str(v) if isinstance(v, str) or (v is not None and not pd.isna(v)) else ""
                for v in areas[col]]

    codes, names, levels = strings("area_code"), strings("area_name"), strings("level")
    segments = [_round(v, 0) for v in areas["segments"]] if "segments" in areas \
        else [None] * len(areas)
    km = [_round(float(v) / 1000, 1) if v is not None and not pd.isna(v) else None
          for v in areas["street_m"]] if "street_m" in areas else [None] * len(areas)
    values = [[_round(v, c["decimals"]) for v in areas[c["col"]]] for c in columns]
    features = []
    for i, geom in enumerate(_geometries(areas, simplify_m=1.0)):
        if geom is None:
            continue
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "c": _esc(codes[i]), "n": _esc(names[i]),
            "l": _esc(_LEVELS[lang].get(levels[i], levels[i])),
            "s": segments[i], "k": km[i], "v": [col[i] for col in values],
        }})
    return {"type": "FeatureCollection", "features": features}


def _area_data(area: gpd.GeoDataFrame) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": {}}
        for g in _geometries(area, simplify_m=1.0) if g is not None
    ]}


def _context_data(pois: gpd.GeoDataFrame) -> dict[str, Any]:
    """The building points for the surroundings drawn from the data: ``{"b": [...]}``, the
    WGS84 coordinates in units of 1e-5 degree, de-duplicated, sorted and delta-encoded
    (x0, y0, dx1, dy1, ...)."""
    if len(pois) == 0 or "building_use" not in pois.columns:
        return {"b": []}
    keep = pois["building_use"].isin(["residential", "non_residential"]).to_numpy()
    if not keep.any():
        return {"b": []}
    geoms = np.asarray(pois.geometry.array, dtype=object)[keep]
    points = gpd.GeoSeries(shapely.point_on_surface(geoms), crs=pois.crs).to_crs(_WGS84)
    xy = shapely.get_coordinates(np.asarray(points.array, dtype=object))
    ints = np.unique(np.round(xy * 10**COORDINATE_DECIMALS).astype(np.int64), axis=0)
    ints = ints[np.lexsort((ints[:, 0], ints[:, 1]))]
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), np.int64))
    return {"b": deltas.ravel().tolist()}


def result_for_map(
    streets: gpd.GeoDataFrame,
    pois: gpd.GeoDataFrame | None = None,
    area: gpd.GeoDataFrame | None = None,
    *,
    attribution: str | None = None,
    source: str = "streets",
    synthetic: Sequence[str] = (),
    privacy_threshold: int | None = None,
) -> AnalysisResult:
    """An :class:`AnalysisResult` holding just what the map shows, made from separate layers.

    Parameters
    ----------
    streets
        Street segments with the opportunity type (``type_key``, ``type_name_nl``,
        ``type_name_en``) and any indicator columns (missing ones show as empty).
    pois
        POIs; classified ones (``no_class``, ``vacant``, as the analysis writes them) or raw
        ones in the POI schema (``tag``), which are classified with the bundled table.
    area
        The study area (polygons); default none (the map fits the streets).
    attribution
        Data attribution shown on the map; default OpenStreetMap's.
    source
        Name of the streets layer in error messages.
    synthetic
        The SYNTHETIC inputs the layers were made from (``metadata["synthetic"]`` of the run,
        e.g. ``["bag", "establishments"]``): the map then says so.
    privacy_threshold
        The run's privacy threshold (``metadata["bag"]["privacy_threshold"]``): establishment
        counts below it are not shown, and the map states the rule. ``None``: the default.

    Returns
    -------
    AnalysisResult
        With an empty profile; ``metadata`` holds the attribution, ``synthetic`` and
        ``privacy_threshold`` (when given).

    Raises
    ------
    InputError
        Streets without opportunity types or without CRS; POIs that are neither classified
        nor in the POI schema.
    """
    from ..core.categories import classify_pois
    from ..core.errors import InputError
    from ..core.result import OSM_ATTRIBUTION, OSM_LICENCE
    from ..data_sources.schema import to_rd_new

    if "type_key" not in streets.columns:
        raise InputError(source, "no opportunity types (column type_key); classify the streets "
                         "into opportunity types first")
    streets_rd = to_rd_new(streets, source)
    if pois is None:
        pois_rd = gpd.GeoDataFrame({"no_class": [], "vacant": []}, geometry=[], crs=_WGS84)
    elif "no_class" in pois.columns:
        pois_rd = to_rd_new(pois, "pois")
    elif "tag" in pois.columns:
        pois_rd = classify_pois(to_rd_new(pois, "pois"))
    else:
        raise InputError("pois", "neither classified POIs (column no_class) nor POIs with OSM "
                         "tags (column tag)")
    area_rd = (to_rd_new(area, "area") if area is not None and len(area)
               else gpd.GeoDataFrame({"name": []}, geometry=[], crs=streets_rd.crs))
    text = attribution or f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"
    metadata: dict[str, Any] = {"attribution": text, "synthetic": [str(k) for k in synthetic]}
    if privacy_threshold is not None:
        metadata["privacy_threshold"] = int(privacy_threshold)
    return AnalysisResult(streets=streets_rd, pois=pois_rd, area=area_rd,
                          profile=pd.DataFrame(), metadata=metadata)
