"""Leegstand (vacancy) v1: vacant shop fronts from OpenStreetMap near each street."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..distances import reach_counts
from ..network import StreetNetwork
from ._common import frame, placed, share

__all__ = ["vacancy", "VACANCY_RADIUS"]

VACANCY_RADIUS = 400


def vacancy(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Vacant shop fronts (``shop=vacant``, ``disused:shop=*``, ``vacant:shop=*``) as a
    share of all shop fronts within 400 m.

    OSM mappers record vacancy unevenly; a low share may mean unmapped vacancy. BAG-based
    vacancy (units without an active establishment) gives the fuller picture.

    Returns
    -------
    pandas.DataFrame
        ``shopfronts_400``, ``vacant_400`` and ``vacancy_share_400`` (0 without shop fronts
        within 400 m: nothing stands empty; ``shopfronts_400`` tells the two apart).
    """
    pts = placed(network, pois, ("shopfront", "vacant"))
    front = pois["shopfront"].to_numpy(dtype=bool)
    vac = pois["vacant"].to_numpy(dtype=bool) & front
    # Code set 0: every shop front; code set 1: the vacant ones.
    codes = np.c_[np.where(front, 0, -1), np.where(vac, 0, -1)]
    counts = reach_counts(network, pts, codes, [1, 1], [[VACANCY_RADIUS], [VACANCY_RADIUS]])
    fronts = counts[0][float(VACANCY_RADIUS)][:, 0]
    vacant = counts[1][float(VACANCY_RADIUS)][:, 0]
    return frame(network, {
        "shopfronts_400": fronts.astype(np.int64),
        "vacant_400": vacant.astype(np.int64),
        "vacancy_share_400": share(vacant, fronts),
    })
