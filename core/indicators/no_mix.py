"""N/O mix: *Noodzakelijk* (everyday necessities) and *Onderscheidend* (distinctive,
identity-giving) businesses near each street."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..distances import reach_counts
from ..network import StreetNetwork
from ._common import codes_for, frame, placed, share

__all__ = ["no_mix", "NO_RADIUS", "STREET_RADIUS"]

NO_RADIUS = 400
#: Radius (m) of "at the street": a business within a 100 m walk is on the street or just
#: round the corner (the typology's names read it: an everyday street has its shops here).
STREET_RADIUS = 100


def no_mix(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Counts of N and O businesses within 400 m and their balance.

    The N/O class of every tag comes from the editable category table (column ``no_class``).
    The balance ``1 − |N − O| / (N + O)`` is 1 where a street has as many necessary as
    distinctive businesses around it, and 0 where it has only one kind.

    Returns
    -------
    pandas.DataFrame
        ``n_count_400``, ``o_count_400`` and ``no_balance_400`` (0 without N or O: no mix),
        and ``n_count_100``, ``o_count_100``: the N and O businesses at the street (within a
        100 m walk).
    """
    pts = placed(network, pois, ("no_class",))
    codes = codes_for(pois["no_class"], ["N", "O"])
    both = reach_counts(network, pts, codes, [2], [[STREET_RADIUS, NO_RADIUS]])[0]
    counts = both[float(NO_RADIUS)]
    near = both[float(STREET_RADIUS)]
    n, o = counts[:, 0], counts[:, 1]
    total = n + o
    balance = 1.0 - share(np.abs(n - o), total)
    return frame(network, {
        "n_count_400": n.astype(np.int64),
        "o_count_400": o.astype(np.int64),
        "no_balance_400": balance,
        "n_count_100": near[:, 0].astype(np.int64),
        "o_count_100": near[:, 1].astype(np.int64),
    })
