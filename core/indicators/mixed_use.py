"""Functiemenging (mixed use): diversity of functions and the share of non-residential
buildings, within walking distance along the network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..categories import FUNCTIONS
from ..distances import reach_counts
from ..network import StreetNetwork
from ._common import codes_for, frame, placed, share

__all__ = ["mixed_use", "nonres_building_share", "diversity", "MIXED_USE_RADIUS"]

MIXED_USE_RADIUS = 400


def diversity(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Richness, Shannon entropy and Hill numbers (q=1, 2) of rows of class counts.

    Parameters
    ----------
    counts
        ``(n, k)`` non-negative counts per class.

    Returns
    -------
    dict
        ``richness`` (Hill q=0), ``shannon`` (natural log), ``hill1`` = exp(shannon) and
        ``hill2`` = 1 / Σ p². Rows without any count get 0 for all four (no functions, no
        diversity), so the columns are always filled.

    Examples
    --------
    >>> d = diversity(np.array([[1, 1, 0], [4, 0, 0], [0, 0, 0]]))
    >>> [round(float(x), 3) for x in d["hill1"]]
    [2.0, 1.0, 0.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=1)
    has = total > 0
    p = np.zeros_like(counts)
    p[has] = counts[has] / total[has, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    shannon = -plogp.sum(axis=1)
    shannon = np.where(has, np.maximum(shannon, 0.0), 0.0)
    hill1 = np.where(has, np.exp(shannon), 0.0)
    sum_p2 = (p**2).sum(axis=1)
    hill2 = np.where(has, 1.0 / np.where(has, sum_p2, 1.0), 0.0)
    richness = (counts > 0).sum(axis=1).astype(np.int64)
    return {"richness": richness, "shannon": shannon, "hill1": hill1, "hill2": hill2}


def mixed_use(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Diversity of functions within 400 m along the network (Jacobs' fine-grained mix).

    Functions are the non-residential uses of the category table (column ``function``),
    grouped in the classes of :data:`~wijkkracht.core.categories.FUNCTIONS`; parking,
    benches and the like are not functions.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``network.segments.index``: ``functions_400``, ``richness_400`` (Hill
        q=0), ``shannon_400``, ``hill1_400``, ``hill2_400`` and ``functions_on_segment``.
    """
    pts = placed(network, pois, ("function",))
    classes = list(FUNCTIONS)
    codes = codes_for(pois["function"], classes)
    counts = reach_counts(network, pts, codes, [len(classes)], [[MIXED_USE_RADIUS]])[0][
        float(MIXED_USE_RADIUS)
    ]
    div = diversity(counts)
    on_seg = np.bincount(pts.segment[(codes >= 0) & pts.on_network], minlength=network.n_segments)
    return frame(network, {
        "functions_400": counts.sum(axis=1).astype(np.int64),
        "richness_400": div["richness"],
        "shannon_400": div["shannon"],
        "hill1_400": div["hill1"],
        "hill2_400": div["hill2"],
        "functions_on_segment": on_seg.astype(np.int64),
    })


def nonres_building_share(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Share of non-residential buildings among the buildings of known use within 400 m.

    Uses the ``building_use`` class of ``building=*`` points (residential /
    non_residential); ancillary buildings and ``building=yes`` do not count.

    Returns
    -------
    pandas.DataFrame
        ``nonres_share_400`` in [0, 1] (0 where no building of known use is within 400 m)
        and ``buildings_400``, the number of buildings of known use it is computed from.
    """
    pts = placed(network, pois, ("building_use",))
    codes = codes_for(pois["building_use"], ["residential", "non_residential"])
    counts = reach_counts(network, pts, codes, [2], [[MIXED_USE_RADIUS]])[0][float(MIXED_USE_RADIUS)]
    total = counts.sum(axis=1)
    return frame(network, {
        "nonres_share_400": share(counts[:, 1], total),
        "buildings_400": total.astype(np.int64),
    })
