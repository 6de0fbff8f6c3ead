"""OSM ``opening_hours`` values into a weekly 168-hour profile per POI.

Parsing is done by the maintained ``opening-hours-py`` library (the Rust ``opening-hours``
crate; MIT/Apache-2.0), never by a home-made pattern. Each value is evaluated for one
*reference week* in Dutch local time (Europe/Amsterdam) with the Dutch public-holiday
calendar (``country="NL"``), so ``PH off`` closes a shop on a holiday of that week.

Conventions
-----------
* **Hours.** Hour 0 is Monday 00:00–01:00 local time, hour 24 Tuesday 00:00–01:00, ...,
  hour 167 Sunday 23:00–24:00. An hour counts as open when the POI is open at its *half hour*
  (hh:30): a shop open 08:00–21:00 is open in the 13 hours 8..20, one open 09:30–17:00 is
  open in hours 9..16 (open at 09:30 counts; the half hour 09:00–09:30 does not make 9 closed
  or open on its own). Hours are wall-clock hours, so the week of a daylight-saving change
  still has 168 of them.
* **Status** of each POI (:data:`STATUSES`):

  - ``ok``: parsed, and every hour of the week is definitely open or closed;
  - ``missing``: no value (None, NaN, empty after trimming is *invalid*, see below);
  - ``invalid``: the library refuses the value (``ma-vr 9-17``, ``Mo-Fr 9-17``, ``""``, a
    trailing ``;``); it is counted and reported (:attr:`ParsedHours.invalid_values`), never
    guessed and never open;
  - ``unknown``: parsed, but in some hour the library says *unknown* (``Mo-Fr 09:00-17:00
    unknown``, ``Sa "by appointment"``). A rule that is open *with a comment only* (the
    library reports it as open with the comment) is treated as unknown too: "by appointment"
    is not an open door. Only the hours that are definitely open (open without a comment) are
    set in the profile of such a POI; indicators use ``ok`` POIs only.
* Values with ``sunrise``/``sunset``/``dawn``/``dusk`` need the POI's position (without it
  the library silently uses 07:00–19:00): they are evaluated at the POI's WGS84 coordinates
  (rounded to 0.01°, a shift of seconds), and are ``unknown`` where no coordinates are given.
Each distinct value is parsed and evaluated once (most POIs share a handful of values).
The week is read from the library's ``intervals()``, except for values with ``||``
fallback rules, for which ``intervals()`` is wrong in opening-hours-py 2.1: those are
evaluated with ``state()`` at each half hour (8 times slower; the two agree on every other
value, see the property tests).

Examples
--------
>>> import datetime
>>> import pandas as pd
>>> hours = parse_opening_hours(
...     pd.Series(["Mo-Sa 08:00-21:00; Su 12:00-18:00", None, "ma-vr 9-17", "24/7"]),
...     week=datetime.date(2026, 6, 10))
>>> list(hours.status)
['ok', 'missing', 'invalid', 'ok']
>>> [int(n) for n in hours.profile.sum(axis=1)]  # open hours in the week
[84, 0, 0, 168]
>>> hours.week_start
datetime.date(2026, 6, 8)
>>> dict(hours.invalid_values)
{'ma-vr 9-17': 1}
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = [
    "HOURS_PER_WEEK",
    "STATUSES",
    "TIMEZONE",
    "COUNTRY",
    "ParsedHours",
    "week_monday",
    "hour_label",
    "parse_opening_hours",
    "weekly_profile",
]

HOURS_PER_WEEK = 168
#: Status of a POI's opening hours, in this order (codes 0..3 of :attr:`ParsedHours.codes`).
STATUSES = ("ok", "missing", "invalid", "unknown")
#: The time zone and the public-holiday country the values are evaluated in.
TIMEZONE = "Europe/Amsterdam"
COUNTRY = "NL"

_SUN = re.compile(r"sunrise|sunset|dawn|dusk", re.IGNORECASE)
_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def week_monday(week: _dt.date | _dt.datetime | str) -> _dt.date:
    """The Monday of the ISO week that contains ``week`` (a date, datetime or ISO string).

    >>> week_monday("2026-12-25")
    datetime.date(2026, 12, 21)
    """
    if isinstance(week, str):
        week = _dt.date.fromisoformat(week[:10])
    if isinstance(week, _dt.datetime):
        week = week.date()
    if not isinstance(week, _dt.date):
        raise TypeError(f"week must be a date, got {type(week).__name__}")
    return week - _dt.timedelta(days=week.weekday())


def hour_label(hour: int) -> str:
    """``'Fr 18:00'`` for hour 114 of the week (0 = Monday 00:00).

    >>> hour_label(0), hour_label(114), hour_label(167)
    ('Mo 00:00', 'Fr 18:00', 'Su 23:00')
    """
    if not 0 <= hour < HOURS_PER_WEEK:
        raise ValueError(f"hour must be in 0..167, got {hour}")
    return f"{_DAYS[hour // 24]} {hour % 24:02d}:00"


def _half_hours(monday: _dt.date) -> list[_dt.datetime]:
    """The 168 half hours (hh:30) of the week starting on ``monday``, as naive wall-clock
    times (the library reads them in the value's time zone; an aware 02:30 on the day the
    clocks go forward does not exist and is refused)."""
    return [
        _dt.datetime(d.year, d.month, d.day, h, 30)
        for d in (monday + _dt.timedelta(days=i) for i in range(7))
        for h in range(24)
    ]


def weekly_profile(value: str, monday: _dt.date, *,
                   coords: tuple[float, float] | None = None) -> tuple[str, np.ndarray]:
    """Status (``ok``, ``invalid`` or ``unknown``) and the 168 open hours of one value.

    Parameters
    ----------
    value
        An OSM ``opening_hours`` value.
    monday
        The Monday of the reference week.
    coords
        ``(lat, lon)`` in WGS84, needed for values with sunrise/sunset.

    Examples
    --------
    >>> status, open_ = weekly_profile("Mo-Su 11:00-02:00", _dt.date(2026, 6, 8))
    >>> status, [int(h) for h in np.flatnonzero(open_[:27])]  # Monday, and Tuesday to 02:00
    ('ok', [0, 1, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25])
    >>> weekly_profile('Sa "by appointment"', _dt.date(2026, 6, 8))[0]
    'unknown'
    >>> weekly_profile("Mo-Fr 9-17", _dt.date(2026, 6, 8))[0]
    'invalid'
    """
    from opening_hours import OpeningHours, ParserError

    closed = np.zeros(HOURS_PER_WEEK, dtype=bool)
    if _SUN.search(value) and coords is None:
        return "unknown", closed
    tz = ZoneInfo(TIMEZONE)
    try:
        oh = OpeningHours(value, timezone=tz, country=COUNTRY,
                          coords=coords) if coords is not None else \
            OpeningHours(value, timezone=tz, country=COUNTRY)
    except (ParserError, ValueError, TypeError):
        return "invalid", closed
    if "||" in value:
        open_, unknown = _by_state(oh, monday)
    else:
        open_, unknown = _by_intervals(oh, monday)
    return ("unknown" if unknown else "ok"), open_


def _by_state(oh: object, monday: _dt.date) -> tuple[np.ndarray, bool]:
    """Open hours and whether any hour is unknown: ``state()`` at each half hour."""
    from opening_hours import State

    open_ = np.zeros(HOURS_PER_WEEK, dtype=bool)
    unknown = False
    for h, t in enumerate(_half_hours(monday)):
        state, comment = oh.state(t)  # type: ignore[attr-defined]
        if state == State.OPEN and not comment:
            open_[h] = True
        elif state != State.CLOSED:  # UNKNOWN, or open with only a comment
            unknown = True
    return open_, unknown


def _by_intervals(oh: object, monday: _dt.date) -> tuple[np.ndarray, bool]:
    """The same as :func:`_by_state` from the week's ``intervals()`` (about 8 times faster;
    wrong for ``||`` fallback rules in opening-hours-py 2.1, so not used for those).
    Interval ends are compared as wall-clock times, like the half hours; a half hour that
    does not exist (02:30 on the day the clocks go forward) is read with ``state()``, as in
    :func:`_by_state`."""
    from opening_hours import State

    start = _dt.datetime(monday.year, monday.month, monday.day)
    halves = _HALF_OFFSETS + np.datetime64(start, "m")
    open_ = np.zeros(HOURS_PER_WEEK, dtype=bool)
    unknown = np.zeros(HOURS_PER_WEEK, dtype=bool)
    for s, e, state, comment in oh.intervals(start, start + _dt.timedelta(days=7)):  # type: ignore[attr-defined]
        if state == State.CLOSED:
            continue
        inside = (halves >= np.datetime64(s.replace(tzinfo=None), "m")) & \
            (halves < np.datetime64(e.replace(tzinfo=None), "m"))
        if state == State.OPEN and not comment:
            open_ |= inside
        else:
            unknown |= inside
    for h in _gap_hours(monday):
        state, comment = oh.state(start + _dt.timedelta(hours=h, minutes=30))  # type: ignore[attr-defined]
        open_[h] = state == State.OPEN and not comment
        unknown[h] = not open_[h] and state != State.CLOSED
    return open_, bool(unknown.any())


@functools.lru_cache(maxsize=64)
def _gap_hours(monday: _dt.date) -> tuple[int, ...]:
    """Hours of the week whose half hour does not exist in local time (spring forward)."""
    tz = ZoneInfo(TIMEZONE)
    out = []
    for h, t in enumerate(_half_hours(monday)):
        back = t.replace(tzinfo=tz).astimezone(_dt.timezone.utc).astimezone(tz)
        if back.replace(tzinfo=None) != t:
            out.append(h)
    return tuple(out)


_HALF_OFFSETS = (np.arange(HOURS_PER_WEEK) * 60 + 30).astype("timedelta64[m]")


@dataclass(frozen=True)
class ParsedHours:
    """What :func:`parse_opening_hours` returns, aligned to the input's rows.

    Attributes
    ----------
    status
        ``ok``/``missing``/``invalid``/``unknown`` per POI (see the module notes).
    profile
        ``(n, 168)`` bool: open in hour ``h`` of the week (hour 0 = Monday 00:00–01:00 local
        time; open at the half hour). All False for missing and invalid values; for
        ``unknown`` only the definitely open hours.
    profile_id
        ``(n,)`` int64: row of :attr:`profiles` holding the POI's profile (POIs with the same
        week share one row).
    profiles
        ``(n_profiles, 168)`` bool: the distinct weekly profiles.
    invalid_values
        The refused values with how many POIs carry each, most frequent first.
    week_start
        The Monday of the reference week.
    """

    status: pd.Series
    profile_id: np.ndarray
    profiles: np.ndarray
    invalid_values: pd.Series
    week_start: _dt.date

    @property
    def profile(self) -> np.ndarray:
        return self.profiles[self.profile_id]

    @property
    def codes(self) -> np.ndarray:
        """Status as int64 codes: index into :data:`STATUSES`."""
        return pd.Index(STATUSES).get_indexer(self.status).astype(np.int64)

    def counts(self, mask: np.ndarray | None = None) -> dict[str, int]:
        """Number of POIs per status (all four keys), of all or of the ``mask``-ed POIs."""
        status = self.status if mask is None else self.status[np.asarray(mask, dtype=bool)]
        vc = status.value_counts()
        return {s: int(vc.get(s, 0)) for s in STATUSES}

    def invalid_among(self, values: pd.Series | Sequence[object],
                      mask: np.ndarray) -> pd.Series:
        """The refused values among the ``mask``-ed POIs, with counts (most frequent first);
        ``values`` are the values that were parsed."""
        keep = np.asarray(mask, dtype=bool) & (self.status == "invalid").to_numpy()
        bad = pd.Series(np.asarray(pd.Series(values, dtype=object))[keep], dtype=object)
        out = bad.value_counts() if len(bad) else pd.Series([], dtype=np.int64)
        out.name = "count"
        out.index.name = "opening_hours"
        return out


def _is_missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def parse_opening_hours(
    values: pd.Series | Sequence[object],
    *,
    week: _dt.date | _dt.datetime | str,
    lat: Sequence[float] | np.ndarray | None = None,
    lon: Sequence[float] | np.ndarray | None = None,
) -> ParsedHours:
    """Parse OSM ``opening_hours`` values into statuses and 168-hour profiles.

    Parameters
    ----------
    values
        One value per POI; None/NaN = missing.
    week
        Any day of the reference week (its ISO week's Monday is used): the public holidays
        of that week apply.
    lat, lon
        WGS84 coordinates per POI (NaN = unknown), used only for values with sunrise/sunset
        (those are ``unknown`` without coordinates).

    Returns
    -------
    ParsedHours

    Examples
    --------
    >>> import datetime
    >>> xmas = parse_opening_hours(["Mo-Sa 09:00-18:00; PH off"], week=datetime.date(2026, 12, 21))
    >>> [int(xmas.profile[0, 24 * d: 24 * d + 24].sum()) for d in range(7)]  # 25 and 26 Dec: PH
    [9, 9, 9, 9, 0, 0, 0]
    """
    vals = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) \
        else values.astype(object)
    index = vals.index
    n = len(vals)
    monday = week_monday(week)
    if (lat is None) != (lon is None):
        raise ValueError("give both lat and lon, or neither")
    la = np.full(n, np.nan) if lat is None else np.asarray(lat, dtype=np.float64)
    lo = np.full(n, np.nan) if lon is None else np.asarray(lon, dtype=np.float64)
    if la.shape != (n,) or lo.shape != (n,):
        raise ValueError("lat and lon must have one value per POI")

    # one key per distinct (trimmed) value; sun-dependent values also per rounded position
    keys: list[object] = []
    texts: list[str | None] = []
    for i, v in enumerate(vals.to_numpy()):
        if _is_missing(v):
            keys.append(None)
            texts.append(None)
            continue
        s = str(v)
        texts.append(s)
        if _SUN.search(s):
            pos = (None if not (np.isfinite(la[i]) and np.isfinite(lo[i]))
                   else (round(float(la[i]), 2), round(float(lo[i]), 2)))
            keys.append((s, pos))
        else:
            keys.append((s, None))

    cache: dict[object, tuple[str, int]] = {}
    profiles: list[np.ndarray] = [np.zeros(HOURS_PER_WEEK, dtype=bool)]  # row 0: never open
    profile_row: dict[bytes, int] = {profiles[0].tobytes(): 0}
    status = np.empty(n, dtype=object)
    pid = np.zeros(n, dtype=np.int64)
    for i, key in enumerate(keys):
        if key is None:
            status[i] = "missing"
            continue
        hit = cache.get(key)
        if hit is None:
            text, pos = key  # type: ignore[misc]
            st, prof = weekly_profile(text, monday, coords=pos)
            row = profile_row.setdefault(prof.tobytes(), len(profiles))
            if row == len(profiles):
                profiles.append(prof)
            hit = cache[key] = (st, row)
        status[i], pid[i] = hit

    status_s = pd.Series(status, index=index, dtype=object, name="opening_hours_status")
    bad = [t for t, s in zip(texts, status, strict=True) if s == "invalid"]
    invalid = (pd.Series(bad, dtype=object).value_counts() if bad
               else pd.Series([], dtype=np.int64))
    invalid.name = "count"
    invalid.index.name = "opening_hours"
    return ParsedHours(status=status_s, profile_id=pid, profiles=np.vstack(profiles),
                       invalid_values=invalid, week_start=monday)
