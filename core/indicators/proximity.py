"""Nabijheid (proximity): walking distance to everyday amenities and how many are near."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..categories import EVERYDAY, EVERYDAY_NEEDS
from ..distances import nearest_distances, reach_counts
from ..network import StreetNetwork
from ._common import codes_for, frame, placed

__all__ = ["proximity", "PROXIMITY_RADII"]

#: Radii (m) of the counts; 400 m is about 5 minutes' walk, 800 m about 10 minutes.
PROXIMITY_RADII = (400, 800)


def proximity(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Walking-network distance to the nearest everyday amenity of each category, and counts.

    Distances run along the network from the middle of each segment to the amenity's
    position on its own segment (see :mod:`wijkkracht.core.distances`). Compute them on a
    network buffered beyond the study area: an amenity just across the border counts.

    Parameters
    ----------
    network
        The (buffered) street network.
    pois
        POIs placed on ``network`` (``segment_id``, ``offset_m``; -1 = not on the network)
        and classified (``everyday``), e.g. by :func:`wijkkracht.core.pipeline.prepare_pois`.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``network.segments.index``, for each category ``c`` of
        :data:`~wijkkracht.core.categories.EVERYDAY`: ``dist_c_m`` (m; null = not reachable
        within the buffered network, never 0), ``n_c_400`` and ``n_c_800`` (counts); and
        ``everyday_800`` (how many categories lie within 800 m).

    Examples
    --------
    >>> from wijkkracht.demo import prepare_demo
    >>> network, pois, area = prepare_demo()
    >>> prox = proximity(network, pois)
    >>> bool((prox["dist_supermarket_m"] >= 0).all())
    True
    """
    pts = placed(network, pois, ("everyday",))
    cats = list(EVERYDAY)
    codes = codes_for(pois["everyday"], cats)
    # the engine works on the categories with a placed amenity only (the data often lack
    # some: a category without any is all empty distances and zero counts)
    present = np.unique(codes[(codes >= 0) & pts.on_network])
    local = np.full(len(cats), -1, dtype=np.int64)
    local[present] = np.arange(len(present))
    sub = np.where(codes >= 0, local[np.maximum(codes, 0)], -1)
    nearest = nearest_distances(network, pts, sub, len(present))
    counts = reach_counts(network, pts, sub, [len(present)], [list(PROXIMITY_RADII)])[0]
    m = network.n_segments
    cols: dict[str, np.ndarray] = {}
    for i, cat in enumerate(cats):
        j = local[i]
        cols[f"dist_{cat}_m"] = nearest[:, j] if j >= 0 else np.full(m, np.nan)
        for r in PROXIMITY_RADII:
            cols[f"n_{cat}_{r}"] = (counts[float(r)][:, j].astype(np.int64) if j >= 0
                                    else np.zeros(m, dtype=np.int64))
    needs = [local[cats.index(c)] for c in EVERYDAY_NEEDS if local[cats.index(c)] >= 0]
    cols["everyday_800"] = (counts[800.0][:, needs] > 0).sum(axis=1).astype(np.int64)
    return frame(network, cols)
