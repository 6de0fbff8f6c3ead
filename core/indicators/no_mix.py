"""N/O mix: *Noodzakelijk* (everyday necessities) and *Onderscheidend* (distinctive,
identity-giving) businesses near each street."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..distances import reach_counts
from ..network import StreetNetwork
from ._common import codes_for, frame, placed, share

__all__ = ["no_mix", "NO_RADIUS"]

NO_RADIUS = 400


def no_mix(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Counts of N and O businesses within 400 m and their balance.

    The N/O class of every tag comes from the editable category table (column ``no_class``).
    The balance ``1 − |N − O| / (N + O)`` is 1 where a street has as many necessary as
    distinctive businesses around it, and 0 where it has only one kind.

    Returns
    -------
    pandas.DataFrame
        ``n_count_400``, ``o_count_400`` and ``no_balance_400`` (0 without N or O: no mix).
    """
    pts = placed(network, pois, ("no_class",))
    codes = codes_for(pois["no_class"], ["N", "O"])
    counts = reach_counts(network, pts, codes, [2], [[NO_RADIUS]])[0][float(NO_RADIUS)]
    n, o = counts[:, 0], counts[:, 1]
    total = n + o
    balance = 1.0 - share(np.abs(n - o), total)
    return frame(network, {
        "n_count_400": n.astype(np.int64),
        "o_count_400": o.astype(np.int64),
        "no_balance_400": balance,
    })
