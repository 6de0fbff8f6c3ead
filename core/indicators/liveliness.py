"""Liveliness by hour: how many establishments near a street are open in each hour of a
reference week, from their OSM ``opening_hours`` (:mod:`wijkkracht.core.opening_hours`).

Which POIs count: those with a ``function`` in the category table (the non-residential
functions that ``functions_400`` counts: shops, food and drink, services, care, education,
culture, offices, crafts). Public-transport stops and vacant shop fronts, which the other
indicators also use, have no opening hours of a business and are left out.

Only POIs whose hours are *known* (status ``ok``: parsed, and every hour of the week
definitely open or closed) enter the hour profile and the shares; missing, invalid and
unknown values are counted (``hours_missing``, ``hours_invalid``, ``hours_unknown``), never
guessed.

Computation: POIs are grouped by their distinct weekly profile; :func:`reach_counts`
counts them per segment with the profile number as code, and the ``(n_segments,
n_profiles)`` counts times the ``(n_profiles, 168)`` profiles give the open POIs per segment
and hour. N and O POIs (column ``no_class``) are counted the same way, separately.
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from ..distances import reach_counts
from ..network import StreetNetwork
from ..opening_hours import HOURS_PER_WEEK, STATUSES, ParsedHours, parse_opening_hours
from ._common import frame, placed

__all__ = [
    "LIVELINESS_RADIUS",
    "LIVELINESS_COLUMNS",
    "EVENING_HOURS",
    "WEEKEND_HOURS",
    "Liveliness",
    "liveliness",
    "liveliness_from_profile",
    "relevant_for_hours",
    "poi_hours",
]

LIVELINESS_RADIUS = 400.0
#: The columns :func:`liveliness` returns, in order (labels and units: ``registry.TIME_INDICATORS``).
LIVELINESS_COLUMNS = ("open_peak", "evening_share", "weekend_share", "n_o_hours_per_day",
                      "hours_known", "hours_missing", "hours_invalid", "hours_unknown")

_HOUR_OF_DAY = np.arange(HOURS_PER_WEEK) % 24
#: Hours of the week that are evening: 18:00–24:00 of every day (6 × 7 = 42 hours).
EVENING_HOURS = _HOUR_OF_DAY >= 18
#: Hours of the week on Saturday and Sunday (48 hours).
WEEKEND_HOURS = np.arange(HOURS_PER_WEEK) >= 5 * 24


class Liveliness(NamedTuple):
    """What :func:`liveliness` returns.

    Attributes
    ----------
    indicators
        One row per segment (the network's segment index), columns :data:`LIVELINESS_COLUMNS`.
    profile
        ``(n_segments, 168)`` int64: number of POIs with known hours within the radius that
        are open in each hour of the reference week (hour 0 = Monday 00:00–01:00 local time,
        open at the half hour), rows in the order of ``network.segments``.
    hours
        The parsed opening hours of every row of ``pois`` (status per POI, the invalid
        values and their counts, the reference week's Monday). For the report, restrict to
        the POIs that count: ``hours.counts(relevant_for_hours(pois))`` and
        ``hours.invalid_among(pois["opening_hours"], relevant_for_hours(pois))``.
    """

    indicators: pd.DataFrame
    profile: np.ndarray
    hours: ParsedHours


def relevant_for_hours(pois: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the POIs liveliness counts: those with a function class."""
    return (pois["function"].astype(str) != "").to_numpy()


def _wgs84(pois: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of point POIs (NaN where there is no geometry or CRS)."""
    n = len(pois)
    if not isinstance(pois, gpd.GeoDataFrame) or pois.crs is None or n == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    pts = pois.geometry.to_crs(4326)
    return pts.y.to_numpy(dtype=np.float64), pts.x.to_numpy(dtype=np.float64)


def poi_hours(pois: pd.DataFrame, *, week: _dt.date | _dt.datetime | str,
              column: str = "opening_hours") -> ParsedHours:
    """Parse the ``column`` of ``pois`` (all missing when there is no such column), with the
    POIs' WGS84 positions for sunrise/sunset."""
    values = pois[column] if column in pois.columns else pd.Series(None, index=pois.index,
                                                                    dtype=object)
    lat, lon = _wgs84(pois)
    return parse_opening_hours(values, week=week, lat=lat, lon=lon)


def liveliness_from_profile(profile: np.ndarray, n_profile: np.ndarray, o_profile: np.ndarray,
                            status_counts: np.ndarray) -> dict[str, np.ndarray]:
    """The indicator columns from per-segment hour profiles.

    Parameters
    ----------
    profile, n_profile, o_profile
        ``(m, 168)`` open POIs per hour: all known POIs, the N ones, the O ones.
    status_counts
        ``(m, 4)`` POIs per status in the order of :data:`~wijkkracht.core.opening_hours.STATUSES`.

    Returns
    -------
    dict
        Columns of :data:`LIVELINESS_COLUMNS`. ``open_peak`` and ``n_o_hours_per_day`` are
        null where no POI with known hours lies within the radius; the shares are null where
        the known POIs are never open in the week (no open hour to share out).

    Examples
    --------
    >>> p = np.zeros((1, 168)); p[0, :] = 1  # one POI open 24/7
    >>> cols = liveliness_from_profile(p, p, np.zeros_like(p), np.array([[1, 0, 0, 0]]))
    >>> float(cols["evening_share"][0]) == 42 / 168, float(cols["weekend_share"][0]) == 48 / 168
    (True, True)
    >>> float(cols["n_o_hours_per_day"][0])  # N open all week, no O
    0.0
    """
    profile = np.asarray(profile, dtype=np.float64)
    total = profile.sum(axis=1)
    known = np.asarray(status_counts)[:, 0]
    has_known = known > 0
    has_open = total > 0
    safe = np.where(has_open, total, 1.0)
    evening = np.where(has_open, profile[:, EVENING_HOURS].sum(axis=1) / safe, np.nan)
    weekend = np.where(has_open, profile[:, WEEKEND_HOURS].sum(axis=1) / safe, np.nan)
    both = (np.asarray(n_profile) > 0) & (np.asarray(o_profile) > 0)
    n_o = np.where(has_known, both.sum(axis=1) / 7.0, np.nan)
    peak = np.where(has_known, profile.max(axis=1, initial=0.0), np.nan)
    sc = np.asarray(status_counts).astype(np.int64)
    return {
        "open_peak": peak,
        "evening_share": evening,
        "weekend_share": weekend,
        "n_o_hours_per_day": n_o,
        "hours_known": sc[:, 0],
        "hours_missing": sc[:, 1],
        "hours_invalid": sc[:, 2],
        "hours_unknown": sc[:, 3],
    }


def liveliness(
    network: StreetNetwork,
    pois: gpd.GeoDataFrame | pd.DataFrame,
    *,
    week: _dt.date | _dt.datetime | str,
    radius: float = LIVELINESS_RADIUS,
    hours: ParsedHours | None = None,
) -> Liveliness:
    """Open establishments by hour of a reference week near every street segment.

    Parameters
    ----------
    network
        The street network.
    pois
        Prepared POIs (:func:`~wijkkracht.core.pipeline.prepare_pois`: ``segment_id``,
        ``offset_m``, ``function``, ``no_class``) with an ``opening_hours`` column (OSM
        values; None/NaN = missing; no column: all missing) and point geometry (any CRS;
        used for sunrise/sunset).
    week
        Any day of the reference week (its ISO Monday is used; the Dutch public holidays of
        that week apply).
    radius
        Walking distance along the network (m) within which POIs count (default 400).
    hours
        Already parsed hours of ``pois`` (:func:`poi_hours`), to parse only once.

    Returns
    -------
    Liveliness
        ``indicators`` (:data:`LIVELINESS_COLUMNS`), the ``(n_segments, 168)`` profile of
        open POIs with known hours, and the parsed hours.

        * ``open_peak``: most open POIs in any hour of the week;
        * ``evening_share``: share of the open POI-hours of the week in 18:00–24:00;
        * ``weekend_share``: share of the open POI-hours on Saturday and Sunday;
        * ``n_o_hours_per_day``: hours per day (mean over the 7 days) in which at least one
          N and at least one O POI are open;
        * ``hours_known`` / ``hours_missing`` / ``hours_invalid`` / ``hours_unknown``: POIs
          within the radius by status of their opening hours.

        ``open_peak`` and ``n_o_hours_per_day`` are null without any POI with known hours
        within the radius; the two shares also where those POIs are never open. Counts are
        never null.
    """
    pts = placed(network, pois, ("function", "no_class"))
    if hours is None:
        hours = poi_hours(pois, week=week)
    elif len(hours.status) != len(pois):
        raise ValueError("hours must be parsed from the same POIs")
    rel = relevant_for_hours(pois)
    status = hours.codes
    known = rel & (status == 0)
    no = pois["no_class"].astype(str).to_numpy()
    n_prof = hours.profiles.shape[0]
    pid = hours.profile_id
    codes = np.column_stack([
        np.where(known, pid, -1),
        np.where(known & (no == "N"), pid, -1),
        np.where(known & (no == "O"), pid, -1),
        np.where(rel, status, -1),
    ])
    r = float(radius)
    counts = reach_counts(network, pts, codes, [n_prof, n_prof, n_prof, len(STATUSES)],
                          [[r], [r], [r], [r]])
    prof = hours.profiles.astype(np.float64)
    all_open = counts[0][r] @ prof
    n_open = counts[1][r] @ prof
    o_open = counts[2][r] @ prof
    cols = liveliness_from_profile(all_open, n_open, o_open, counts[3][r])
    profile = np.rint(all_open).astype(np.int64)
    return Liveliness(indicators=frame(network, cols), profile=profile, hours=hours)
