"""Shared plumbing for the indicator functions (not public API)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..distances import PlacedPoints
from ..errors import InputError
from ..network import StreetNetwork

PLACEMENT_COLUMNS = ("segment_id", "offset_m")


def placed(network: StreetNetwork, pois: gpd.GeoDataFrame | pd.DataFrame,
           required: tuple[str, ...]) -> PlacedPoints:
    """The placement of ``pois`` on ``network``, after checking the needed columns.

    Rows with ``counted`` False (duplicates of an amenity, :mod:`wijkkracht.core.amenities`)
    are treated as not placed: every indicator counts each amenity once."""
    missing = [c for c in (*PLACEMENT_COLUMNS, *required) if c not in pois.columns]
    if missing:
        raise InputError(
            "pois",
            f"missing column(s) {', '.join(missing)}; place the POIs with "
            "wijkkracht.core.network.locate_points and classify them with "
            "wijkkracht.core.categories.classify_pois first",
        )
    seg = pois["segment_id"].to_numpy(dtype=np.int64)
    if len(seg) and seg.max() >= network.n_segments:
        raise InputError("pois", "segment_id refers to a segment not in this network")
    if "counted" in pois.columns:
        # rows that describe an amenity another row already stands for (a node and a way of
        # one school, the platforms of one stop): see wijkkracht.core.amenities
        seg = np.where(pois["counted"].to_numpy(dtype=bool), seg, -1)
    return PlacedPoints(seg, pois["offset_m"].to_numpy(dtype=np.float64))


def codes_for(values: pd.Series, names: list[str] | tuple[str, ...]) -> np.ndarray:
    """Integer code of each value in ``names`` (-1 for anything else)."""
    return pd.Index(list(names)).get_indexer(values.astype(str)).astype(np.int64)


def frame(network: StreetNetwork, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A result frame aligned to the network's segments."""
    return pd.DataFrame(columns, index=network.segments.index)


def share(numerator: np.ndarray, denominator: np.ndarray, *, empty: float = 0.0) -> np.ndarray:
    """``numerator / denominator``, ``empty`` where the denominator is 0."""
    safe = np.where(denominator > 0, denominator, 1)
    return np.where(denominator > 0, numerator / safe, empty)
