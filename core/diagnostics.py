"""Checks every run makes on its own result: does the walking network have holes?

A walk to the nearest supermarket that is ten times the straight-line distance is not a fact
about the neighbourhood but about the network: a path people use is missing (OSMnx's default
walk network drops the cycle paths Dutch pedestrians walk on beside main roads). The detour
check compares, for every street segment of the study area and every everyday category of
:data:`~wijkkracht.core.categories.EVERYDAY`, the walking distance to the nearest amenity
(``dist_<category>_m``) with the straight-line distance from the segment's middle to the
nearest amenity of that category (its position on the network, where the walking distance
ends too), so the ratio is at least 1:

    detour = walking distance / straight-line distance

Pairs closer than :data:`DETOUR_MIN_STRAIGHT_M` (100 m) in a straight line are left out: at
that range walking round one block corner doubles the ratio without meaning anything. The
run records p50/p90/p99 of the ratio and the share above 3 (``metadata["detour"]``), logs them,
and warns when p90 exceeds :data:`DETOUR_WARN_P90` (2): in a Dutch street grid nine in ten
walks are well under twice the straight line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from .categories import EVERYDAY
from .network import StreetNetwork

__all__ = ["DETOUR_MIN_STRAIGHT_M", "DETOUR_WARN_P90", "detour_check", "detour_warning",
           "detour_summary_text"]

#: Segment-amenity pairs closer than this in a straight line (m) are not judged.
DETOUR_MIN_STRAIGHT_M = 100.0
#: Warn when the 90th percentile of the detour ratio is above this.
DETOUR_WARN_P90 = 2.0


def detour_check(network: StreetNetwork, pois: pd.DataFrame, proximity: pd.DataFrame,
                 *, examples: int = 5) -> dict[str, Any]:
    """The detour of the walk to the nearest amenity, for the study-area segments.

    Parameters
    ----------
    network
        The (buffered) network the distances were computed on.
    pois
        The prepared POIs (``everyday``, ``segment_id``, ``offset_m``, ``counted``).
    proximity
        The proximity columns (``dist_<category>_m``) aligned to ``network.segments``.
    examples
        How many of the largest detours to list (street, category, walk, straight line).

    Returns
    -------
    dict
        ``pairs`` (segment-amenity pairs judged), ``p50``, ``p90``, ``p99`` (ratios), ``share_over_3``,
        ``by_category`` (p90 and pairs per category), ``worst`` (examples) and
        ``min_straight_m``; ``pairs`` 0 and ``None`` percentiles when nothing could be judged.
    """
    seg = network.segments
    study = seg["in_study_area"].to_numpy(dtype=bool)
    mid = network.midpoints[study]
    ids = seg.index.to_numpy()[study]
    names = seg["street_name"].astype(str).to_numpy()[study]
    placed = pois["segment_id"].to_numpy(dtype=np.int64) >= 0
    if "counted" in pois:
        placed &= pois["counted"].to_numpy(dtype=bool)
    everyday = pois["everyday"].astype(str).to_numpy()
    ratios, cats, rows = [], [], []
    by_category: dict[str, dict[str, Any]] = {}
    geoms = seg.geometry.values
    for cat in EVERYDAY:
        col = f"dist_{cat}_m"
        sel = placed & (everyday == cat)
        if col not in proximity or not sel.any():
            continue
        s = pois["segment_id"].to_numpy(dtype=np.int64)[sel]
        off = pois["offset_m"].to_numpy(dtype=float)[sel]
        at = shapely.get_coordinates(shapely.line_interpolate_point(geoms[s], off))
        straight, _ = cKDTree(at).query(mid)
        walk = proximity[col].to_numpy(dtype=float)[study]
        ok = np.isfinite(walk) & (straight >= DETOUR_MIN_STRAIGHT_M)
        r = walk[ok] / straight[ok]
        by_category[cat] = {"pairs": int(ok.sum()),
                            "p90": round(float(np.percentile(r, 90)), 2) if ok.any() else None}
        ratios.append(r)
        cats.append(np.full(int(ok.sum()), cat, dtype=object))
        rows.append(np.column_stack([np.flatnonzero(ok), walk[ok], straight[ok]]))
    allr = np.concatenate(ratios) if ratios else np.zeros(0)
    out: dict[str, Any] = {"pairs": int(len(allr)), "min_straight_m": DETOUR_MIN_STRAIGHT_M,
                           "warn_p90": DETOUR_WARN_P90, "by_category": by_category}
    if not len(allr):
        out.update(p50=None, p90=None, p99=None, share_over_3=None, worst=[])
        return out
    p50, p90, p99 = (round(float(v), 2) for v in np.percentile(allr, [50, 90, 99]))
    out.update(p50=p50, p90=p90, p99=p99, share_over_3=round(float((allr > 3).mean()), 4))
    allc = np.concatenate(cats)
    allrows = np.vstack(rows)
    worst = []
    for k in np.argsort(-allr, kind="stable")[:examples]:
        i = int(allrows[k, 0])
        worst.append({"segment_id": int(ids[i]), "street": names[i], "category": str(allc[k]),
                      "walk_m": round(float(allrows[k, 1])), "straight_m":
                      round(float(allrows[k, 2])), "ratio": round(float(allr[k]), 1)})
    out["worst"] = worst
    return out


def detour_summary_text(check: dict[str, Any]) -> str:
    """One line for the log: ``walking detour to the nearest amenity: p50 1.3, ...``."""
    if not check.get("pairs"):
        return ("walking detour to the nearest amenity: nothing to judge (no amenity more than "
                f"{check.get('min_straight_m', DETOUR_MIN_STRAIGHT_M):g} m from a segment)")
    return (f"walking detour to the nearest amenity (walk / straight line, {check['pairs']:,} "
            f"segment-amenity pairs): p50 {check['p50']:.2f}, p90 {check['p90']:.2f}, "
            f"p99 {check['p99']:.2f}; {100 * check['share_over_3']:.1f}% above 3")


def detour_warning(check: dict[str, Any]) -> str | None:
    """The warning when the network has holes (p90 above :data:`DETOUR_WARN_P90`), else None."""
    if not check.get("pairs") or check["p90"] <= check.get("warn_p90", DETOUR_WARN_P90):
        return None
    worst = check["worst"][0] if check.get("worst") else None
    example = (f" (e.g. {worst['street'] or 'an unnamed path'}: {worst['walk_m']:,} m walk to "
               f"a {worst['category']} {worst['straight_m']:,} m away)" if worst else "")
    return (f"the network has holes: 1 in 10 walks to the nearest amenity is more than "
            f"{check['p90']:.1f} times the straight-line distance{example}. Check that the "
            "walking network includes the cycle paths and sidewalks people walk on "
            "(see 'The walking network' in the README)")
