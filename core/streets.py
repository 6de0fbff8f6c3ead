"""What a planner calls a street: segment kinds, streets by name, and the streets people front.

The walking network holds everything people walk on -- sidewalks, cycle paths, footpaths
inside blocks, parking aisles -- and distances need all of it. A planner reads *streets*:
Marco Pololaan, Beneluxlaan. This module says which segments are streets and joins them into
named streets.

Segment kind (``kind``, :data:`KINDS`) and street segment (``is_street``)
    See :mod:`wijkkracht.core.segments` (the network sets both when it is built); its names
    are re-exported here.

Named street (:func:`named_streets`)
    The street segments of one name that touch or lie within :data:`JOIN_DISTANCE_M` (30 m:
    the two carriageways of a *laan*, a roundabout between two parts) of each other. A name
    used for two streets far apart (the same name in two villages) gives two named streets
    (``part`` 1, 2). momepy's COINS strokes (continuity of direction) were weighed as the
    method and not used: a stroke follows the straightest line through a junction, whatever
    the name, and splits a street at a bend, while a Dutch planner, the BAG and every address
    name the *openbare ruimte* (README, "What a planner calls a street").

Fronting (:func:`fronting_counts`)
    The number of addresses (BAG units) -- or, without a BAG, OSM buildings and functions --
    whose nearest street segment (within :data:`FRONT_DISTANCE_M`) is the segment: the streets
    people live and work on. By default only these are classified into opportunity types.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from .categories import Label
from .segments import (
    BESIDE_STREET_M,
    KINDS,
    STREET_HIGHWAYS,
    _first_names,
    segment_kinds,
    street_flags,
)

__all__ = [
    "KINDS",
    "STREET_HIGHWAYS",
    "JOIN_DISTANCE_M",
    "BESIDE_STREET_M",
    "FRONT_DISTANCE_M",
    "TYPOLOGY_SEGMENTS",
    "UNTYPED",
    "segment_kinds",
    "street_flags",
    "fronting_counts",
    "named_streets",
    "NAMED_STREET_COLUMNS",
]

#: Street segments of one name this close (m) belong to one named street.
JOIN_DISTANCE_M = 30.0
#: Addresses and buildings farther than this (m) from every street segment front none.
FRONT_DISTANCE_M = 100.0
#: Type keys and names of the segments the typology does not classify.
UNTYPED: dict[str, Label] = {
    "untyped_street": Label("Straat zonder adressen (geen kansentype)",
                            "Street without addresses (no opportunity type)"),
    "untyped_path": Label("Pad, trottoir of dienstweg (geen kansentype)",
                          "Path, sidewalk or service road (no opportunity type)"),
}
#: Which segments the typology classifies (``typology_segments``).
TYPOLOGY_SEGMENTS: dict[str, Label] = {
    "fronting": Label("straatsegmenten met adressen of gebouwen eraan",
                      "street segments that addresses or buildings front"),
    "streets": Label("alle straatsegmenten", "all street segments"),
    "all": Label("alle segmenten van het netwerk, ook paden", "every segment, paths included"),
}


def fronting_counts(geoms: np.ndarray, is_street: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of ``points`` have each segment as their nearest street segment.

    Parameters
    ----------
    geoms
        Segment lines (EPSG:28992).
    is_street
        Which segments are streets (only these can be fronted).
    points
        Address or building points (EPSG:28992), one per address.

    Returns
    -------
    numpy.ndarray
        int64 counts aligned to ``geoms`` (0 for non-street segments).
    """
    out = np.zeros(len(geoms), dtype=np.int64)
    streets = np.flatnonzero(is_street)
    if not len(streets) or not len(points):
        return out
    xy = shapely.get_coordinates(points)
    uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
    tree = shapely.STRtree(geoms[streets])
    pi, si = tree.query_nearest(shapely.points(uniq), max_distance=FRONT_DISTANCE_M,
                                all_matches=False)
    per_point = np.bincount(inverse.ravel(), minlength=len(uniq))
    np.add.at(out, streets[si], per_point[pi])
    return out


#: Columns of the named-streets layer before the indicators (see :func:`named_streets`).
NAMED_STREET_COLUMNS = ("street_id", "street_name", "part", "segments", "length_m",
                        "fronting_n", "main_type_id", "main_type_key", "main_type_nl",
                        "main_type_en",
                        "main_type_share", "types_nl", "types_en")


def named_streets(streets: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Join the named street segments of a result into named streets.

    Parameters
    ----------
    streets
        The per-segment result (``AnalysisResult.streets``): ``street_name``, ``is_street``,
        ``length_m``, the type columns and any registered indicators, EPSG:28992.

    Returns
    -------
    (geopandas.GeoDataFrame, pandas.Series)
        The named streets, one row per street (MultiLineString), sorted by name:
        :data:`NAMED_STREET_COLUMNS` -- ``street_id`` (``<name> (<part>)`` where a name has
        several parts), ``segments`` and ``length_m`` of its street segments, ``fronting_n``
        (addresses or buildings fronting it), the main opportunity type by length and its
        share, ``types_nl``/``types_en`` (every type with its share of the length, e.g.
        ``"Woonstraat 70%; Werkstraat 30%"``; segments without a type count as such) --
        followed by the indicators summarised along the street (length-weighted means; counts
        of the segments themselves summed; MXI and the other pooled shares as shares of the
        street's totals, see :mod:`wijkkracht.core.areas`); ``attrs["labels"]`` as for the
        areas. And a Series aligned to ``streets`` with each segment's ``street_id`` (``""``
        for segments in no named street).
    """
    from .areas import summarise_segments

    name = _first_names(streets["street_name"].to_numpy())
    member = streets["is_street"].to_numpy(dtype=bool) & (name != "")
    idx = np.flatnonzero(member)
    sid = pd.Series("", index=streets.index, dtype=object)
    columns = list(NAMED_STREET_COLUMNS)
    if not len(idx):
        empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=streets.crs)
        empty.attrs["labels"] = {}
        return empty, sid
    geoms = streets.geometry.to_numpy()[idx]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=JOIN_DISTANCE_M)
    same = name[idx[left]] == name[idx[right]]
    graph = sparse.coo_matrix((np.ones(int(same.sum())), (left[same], right[same])),
                              shape=(len(idx), len(idx)))
    _, comp = csgraph.connected_components(graph, directed=False)
    length = streets["length_m"].to_numpy(dtype=float)[idx]
    frame = pd.DataFrame({"comp": comp, "name": name[idx], "length": length})
    # parts of one name: the longest first
    per = frame.groupby("comp").agg(name=("name", "first"), length=("length", "sum"))
    per = per.sort_values(["name", "length"], ascending=[True, False], kind="stable")
    per["part"] = per.groupby("name").cumcount() + 1
    parts = per.groupby("name")["part"].transform("max")
    per["street_id"] = np.where(parts > 1, per["name"] + " (" + per["part"].astype(str) + ")",
                                per["name"])
    group_of = per.index.get_indexer(comp)  # position in `per` of each member segment
    sid.iloc[idx] = per["street_id"].to_numpy()[group_of]
    pos = np.full(len(streets), -1, dtype=np.int64)
    pos[idx] = group_of
    summary, labels = summarise_segments(streets, pos, len(per), distance="mean")
    all_len = streets["length_m"].to_numpy(dtype=float)
    fronting = (streets["fronting_n"].to_numpy(dtype=np.int64) if "fronting_n" in streets
                else np.zeros(len(streets), dtype=np.int64))
    members = pd.DataFrame({"g": pos[idx], "len": all_len[idx], "front": fronting[idx]})
    totals = members.groupby("g").agg(segments=("len", "size"), length=("len", "sum"),
                                      front=("front", "sum"))
    rows: dict[str, Any] = {
        "street_id": per["street_id"].to_numpy(), "street_name": per["name"].to_numpy(),
        "part": per["part"].to_numpy(dtype=np.int64),
        "segments": totals["segments"].to_numpy(dtype=np.int64),
        "length_m": np.round(totals["length"].to_numpy(dtype=float), 1),
        "fronting_n": totals["front"].to_numpy(dtype=np.int64),
    }
    if "type_id" in streets:
        typed = members.assign(
            id=pd.array(streets["type_id"].to_numpy()[idx]).astype("Int64"),
            key=streets["type_key"].astype(str).to_numpy()[idx],
            nl=streets["type_name_nl"].astype(str).to_numpy()[idx],
            en=streets["type_name_en"].astype(str).to_numpy()[idx])
        share = (typed.groupby(["g", "nl", "en"], sort=False, dropna=False)
                 .agg(len=("len", "sum")).reset_index())
        share["share"] = share["len"] / totals["length"].reindex(share["g"]).to_numpy()
        share = share.sort_values(["g", "len", "nl"], ascending=[True, False, True],
                                  kind="stable")
        top = share.groupby("g").first()
        ids = typed.dropna(subset=["id"]).drop_duplicates("nl").set_index("nl")["id"]
        rows["main_type_id"] = pd.array(ids.reindex(top["nl"]).to_numpy(), dtype="Int64")
        keys = typed.drop_duplicates("nl").set_index("nl")["key"]
        rows["main_type_key"] = keys.reindex(top["nl"]).to_numpy()
        rows["main_type_nl"] = top["nl"].to_numpy()
        rows["main_type_en"] = top["en"].to_numpy()
        rows["main_type_share"] = np.round(top["share"].to_numpy(dtype=float), 3)
        for lang in ("nl", "en"):
            text = share[lang] + " " + (100 * share["share"]).round().astype(int).astype(str) + "%"
            rows[f"types_{lang}"] = text.groupby(share["g"], sort=True).agg("; ".join).to_numpy()
    else:
        for c in ("main_type_id", "main_type_key", "main_type_nl", "main_type_en",
                  "main_type_share", "types_nl", "types_en"):
            rows[c] = [None] * len(per)
    geoms_all = streets.geometry.to_numpy()
    order = np.argsort(pos[idx], kind="stable")
    bounds = np.searchsorted(pos[idx][order], np.arange(len(per) + 1))
    lines = [shapely.multilinestrings(list(geoms_all[idx[order[bounds[g]:bounds[g + 1]]]]))
             for g in range(len(per))]
    head = pd.DataFrame(rows, columns=columns)
    head["main_type_id"] = pd.array(head["main_type_id"], dtype="Int64")
    out = gpd.GeoDataFrame(pd.concat([head, summary.reset_index(drop=True)], axis=1),
                           geometry=lines, crs=streets.crs)
    out.attrs["labels"] = labels
    return out, sid
