"""Segment kinds and which segments are streets: what the network needs of a planner's streets.

Segment kind (``kind``, :data:`KINDS`)
    From the OSM ``highway`` and ``footway`` tags: ``street`` (roads for all traffic:
    residential up to primary, living streets, unclassified), ``pedestrian`` (pedestrian
    streets and areas), ``service`` (service roads: parking aisles, driveways, alleys),
    ``cycleway`` (cycle paths, walkable), ``sidewalk`` (``footway=sidewalk``), ``crossing``
    (``footway=crossing``) and ``path`` (footways, paths, steps, tracks, corridors). A line
    without a ``highway`` value (a layer not made from OSM) is a ``street``.

Street segment (``is_street``)
    A segment that counts in street totals (street length, segments) and in the named
    streets: a ``street`` or ``pedestrian`` segment, a named ``service`` road (a *ventweg* or
    *hof* with its own name), and a named path, cycle path or sidewalk that is not beside a
    street of the same name (within :data:`BESIDE_STREET_M`): a path such as *Jutfasepad* is
    the street of its addresses, the sidewalk of the Beneluxlaan is part of the Beneluxlaan.

:mod:`wijkkracht.core.network` sets both when it builds the network, so this module sits below
it and imports nothing of the analysis; :mod:`wijkkracht.core.streets` (named streets,
fronting) re-exports its names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .categories import Label

__all__ = ["KINDS", "STREET_HIGHWAYS", "BESIDE_STREET_M", "segment_kinds", "street_flags"]

#: Segment kinds and their labels, in legend order.
KINDS: dict[str, Label] = {
    "street": Label("Straat", "Street"),
    "pedestrian": Label("Voetgangersgebied", "Pedestrian street or area"),
    "service": Label("Dienstweg (parkeren, inrit, steeg)", "Service road (parking, driveway, alley)"),
    "cycleway": Label("Fietspad (ook te voet)", "Cycle path (walkable)"),
    "sidewalk": Label("Trottoir", "Sidewalk"),
    "crossing": Label("Oversteek", "Crossing"),
    "path": Label("Voetpad of pad", "Footpath or path"),
}

#: ``highway`` values of roads for all traffic.
STREET_HIGHWAYS = frozenset({
    "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
    "unclassified", "residential", "living_street", "road", "trunk", "trunk_link",
})
#: A named path this close (m) to a street segment of the same name is that street's side path.
BESIDE_STREET_M = 40.0

def _first_name(name: object) -> str:
    text = "" if name is None else str(name)
    return text.split(" / ")[0].strip()


def segment_kinds(highway: np.ndarray, footway: np.ndarray | None = None) -> np.ndarray:
    """The kind (a key of :data:`KINDS`) of each segment from its ``highway`` and ``footway``.

    Examples
    --------
    >>> segment_kinds(np.array(["residential", "footway", "footway", "cycleway", "service", ""]),
    ...               np.array(["", "sidewalk", "", "", "", ""])).tolist()
    ['street', 'sidewalk', 'path', 'cycleway', 'service', 'street']
    """
    hw_codes, hw_values = pd.factorize(np.asarray(highway, dtype=object), use_na_sentinel=False)
    if footway is None:
        fw_codes, fw_values = np.zeros(len(hw_codes), dtype=np.int64), np.array([""], dtype=object)
    else:
        fw_codes, fw_values = pd.factorize(np.asarray(footway, dtype=object),
                                           use_na_sentinel=False)
    # the kind of every (highway, footway) pair that occurs, then a lookup: a handful of
    # distinct values for a national network of millions of segments
    table = np.empty((len(hw_values), len(fw_values)), dtype=object)
    for i, h in enumerate(hw_values):
        for j, f in enumerate(fw_values):
            table[i, j] = _kind(h, f)
    return table[hw_codes, fw_codes]


def _kind(highway: object, footway: object) -> str:
    hw = "" if highway is None or (isinstance(highway, float) and np.isnan(highway)) \
        else str(highway)
    fw = "" if footway is None or (isinstance(footway, float) and np.isnan(footway)) \
        else str(footway)
    if fw == "sidewalk":
        return "sidewalk"
    if fw == "crossing":
        return "crossing"
    if fw == "area_link" or hw == "pedestrian":
        return "pedestrian"
    if hw in STREET_HIGHWAYS or hw == "":
        return "street"
    if hw in ("service", "cycleway"):
        return hw
    return "path"


def _first_names(names: np.ndarray) -> np.ndarray:
    """:func:`_first_name` of each name, computed once per distinct name."""
    codes, uniques = pd.factorize(pd.Series(names, dtype=object), use_na_sentinel=True)
    firsts = np.array([_first_name(u) for u in uniques] + [""], dtype=object)
    return firsts[np.where(codes < 0, len(uniques), codes)]


def street_flags(geoms: np.ndarray, kind: np.ndarray, names: np.ndarray) -> np.ndarray:
    """``is_street`` for each segment (see the module docstring)."""
    kind = pd.Series(np.asarray(kind, dtype=object))
    first = _first_names(names)
    named = first != ""
    out = (kind.isin(["street", "pedestrian"]).to_numpy()
           | ((kind == "service").to_numpy() & named))
    candidates = np.flatnonzero(named & kind.isin(["path", "cycleway", "sidewalk"]).to_numpy())
    if len(candidates):
        streets = np.flatnonzero(out & named)
        beside = np.zeros(len(candidates), dtype=bool)
        if len(streets):
            tree = shapely.STRtree(geoms[streets])
            left, right = tree.query(geoms[candidates], predicate="dwithin",
                                     distance=BESIDE_STREET_M)
            same = first[candidates[left]] == first[streets[right]]
            beside[np.unique(left[same])] = True
        out[candidates[~beside]] = True
    return out
