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
    >>> from wijkkracht.core.pipeline import prepare_demo
    >>> network, pois, area = prepare_demo()
    >>> prox = proximity(network, pois)
    >>> bool((prox["dist_supermarket_m"] >= 0).all())
    True
    """
    pts = placed(network, pois, ("everyday",))
    cats = list(EVERYDAY)
    codes = codes_for(pois["everyday"], cats)
    nearest = nearest_distances(network, pts, codes, len(cats))
    counts = reach_counts(network, pts, codes, [len(cats)], [list(PROXIMITY_RADII)])[0]
    cols: dict[str, np.ndarray] = {}
    for i, cat in enumerate(cats):
        cols[f"dist_{cat}_m"] = nearest[:, i]
        for r in PROXIMITY_RADII:
            cols[f"n_{cat}_{r}"] = counts[float(r)][:, i].astype(np.int64)
    needs = [cats.index(c) for c in EVERYDAY_NEEDS]
    cols["everyday_800"] = (counts[800.0][:, needs] > 0).sum(axis=1).astype(np.int64)
    return frame(network, cols)
