"""Opening hours into 168-hour profiles (issue 8, part 1), checked by hand.

The POIs below are REAL Kanaleneiland POIs of the bundled data (real OSM id, tag and
position), but the bundled data carries no opening_hours (the extract dropped the tag): the
opening_hours strings here are HAND-WRITTEN, typical Dutch values, not OSM values.
"""

from __future__ import annotations

import datetime
import doctest
import importlib
import time

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.opening_hours import (
    HOURS_PER_WEEK,
    STATUSES,
    hour_label,
    parse_opening_hours,
    week_monday,
    weekly_profile,
)

#: An ordinary week (Monday 8 June 2026: no Dutch public holiday in it).
JUNE = datetime.date(2026, 6, 10)
#: The week of Christmas 2026: Friday 25 and Saturday 26 December are public holidays.
XMAS = datetime.date(2026, 12, 23)


def hours(day: int, *hs: int) -> list[int]:
    """Hours of the week of ``day`` (0 = Monday) at hours of the day ``hs``."""
    return [24 * day + h for h in hs]


def open_hours_per_day(profile: np.ndarray) -> list[list[int]]:
    """The open hours of the day, per day Monday..Sunday."""
    return [[int(h) for h in np.flatnonzero(profile[24 * d: 24 * d + 24])] for d in range(7)]


@pytest.fixture(scope="module")
def real(demo_prepared):
    """Three real POIs of Marco Pololaan (one segment), with WGS84 positions."""
    _, pois, _ = demo_prepared
    sub = pois.set_index("osm_id").loc[["N2740573662", "N2740572374", "N2740572064"]]
    assert list(sub["tag"]) == ["shop=supermarket", "shop=bakery", "amenity=cafe"]
    ll = sub.geometry.to_crs(4326)
    return sub, ll.y.to_numpy(), ll.x.to_numpy()


def test_docstring_examples():
    for name in ("wijkkracht.core.opening_hours", "wijkkracht.core.indicators.liveliness",
                 "wijkkracht.data_sources.synthetic_hours"):
        res = doctest.testmod(importlib.import_module(name),
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert res.failed == 0 and res.attempted > 0, name


def test_real_supermarket_bakery_and_cafe_by_hand(real):
    sub, lat, lon = real
    values = ["Mo-Sa 08:00-21:00; Su 12:00-18:00",  # hand-written, see module docstring
              "Mo-Fr 07:30-18:00; Sa 07:30-17:00; PH off",
              "Mo-Su 11:00-02:00"]
    parsed = parse_opening_hours(pd.Series(values, index=sub.index), week=JUNE, lat=lat, lon=lon)
    assert list(parsed.status) == ["ok", "ok", "ok"]
    assert parsed.status.index.equals(sub.index)
    supermarket, bakery, cafe = parsed.profile
    day = list(range(8, 21))  # 08:00-21:00: open at 08:30 ... 20:30
    assert open_hours_per_day(supermarket) == [day] * 6 + [list(range(12, 18))]
    assert supermarket.sum() == 6 * 13 + 6 == 84
    # 07:30-18:00: open at 07:30 (hour 7) ... 17:30; Saturday to 17:00; Sunday closed
    assert open_hours_per_day(bakery) == [list(range(7, 18))] * 5 + [list(range(7, 17)), []]
    # past midnight: open to 02:00 the next day, Monday 00:00-02:00 from Sunday's rule
    assert open_hours_per_day(cafe) == [[0, 1, *range(11, 24)]] * 7
    assert cafe.sum() == 7 * 15


def test_public_holidays_of_the_dutch_calendar(real):
    sub, lat, lon = real
    values = ["Mo-Sa 09:00-18:00; PH off", "Mo-Sa 09:00-18:00; PH 10:00-14:00",
              "Mo-Sa 09:00-18:00"]
    xmas = parse_opening_hours(values, week=XMAS, lat=lat, lon=lon)
    june = parse_opening_hours(values, week=JUNE, lat=lat, lon=lon)
    assert xmas.week_start == datetime.date(2026, 12, 21)
    nine_to_six = list(range(9, 18))
    # Christmas (Fri 25) and Tweede Kerstdag (Sat 26) are Dutch public holidays
    assert open_hours_per_day(xmas.profile[0]) == [nine_to_six] * 4 + [[], [], []]
    assert open_hours_per_day(xmas.profile[1]) == [nine_to_six] * 4 + [[10, 11, 12, 13]] * 2 + [[]]
    assert open_hours_per_day(xmas.profile[2]) == [nine_to_six] * 6 + [[]]
    # an ordinary week: PH rules change nothing
    for p in june.profile:
        assert open_hours_per_day(p) == [nine_to_six] * 6 + [[]]


def test_always_open_and_closed():
    p = parse_opening_hours(["24/7", "off", "closed", "Mo-Fr 09:00-17:00; We off"], week=JUNE)
    assert list(p.status) == ["ok"] * 4
    assert p.profile[0].all() and p.profile[0].sum() == HOURS_PER_WEEK
    assert not p.profile[1].any() and not p.profile[2].any()
    assert open_hours_per_day(p.profile[3]) == [list(range(9, 17))] * 2 + [[]] + \
        [list(range(9, 17))] * 2 + [[], []]


def test_fallback_rule_uses_the_state_per_hour():
    """``||``: the fallback applies where the first rule says nothing (the library's
    intervals() gets this wrong; the profile is built from state())."""
    p = parse_opening_hours(['Mo-Fr 09:00-17:00 || "by appointment"',
                             "Mo-Fr 09:00-17:00 || Sa 10:00-12:00"], week=JUNE)
    # with a comment-only fallback the weekend is "by appointment": unknown, not open
    assert p.status.iloc[0] == "unknown"
    assert open_hours_per_day(p.profile[0]) == [list(range(9, 17))] * 5 + [[], []]
    assert p.status.iloc[1] == "ok"
    days = open_hours_per_day(p.profile[1])
    assert days[:5] == [list(range(9, 17))] * 5
    assert days[5] == [10, 11]


@pytest.mark.parametrize("value", ['Sa "by appointment"', "Mo-Fr 09:00-17:00; Sa unknown",
                                   'Mo-Fr 09:00-17:00; Sa 10:00-14:00 "op afspraak"'])
def test_comment_only_and_unknown_rules_are_unknown_not_open(value):
    p = parse_opening_hours([value], week=JUNE)
    assert p.status.iloc[0] == "unknown"
    assert not p.profile[0, 5 * 24: 6 * 24].any()  # Saturday: never counted as open


@pytest.mark.parametrize("value", ["ma-vr 09:00-17:00", "Mo-Fr 9-17", "", "Mo-Fr 09:00-17:00;",
                                   "op afspraak"])
def test_invalid_values_are_counted_and_never_open(value):
    p = parse_opening_hours([value, value, "24/7", None], week=JUNE)
    assert list(p.status) == ["invalid", "invalid", "ok", "missing"]
    assert not p.profile[[0, 1, 3]].any()
    assert p.invalid_values.to_dict() == {value: 2}
    assert p.counts() == {"ok": 1, "missing": 1, "invalid": 2, "unknown": 0}


def test_missing_values_and_alignment():
    s = pd.Series([None, np.nan, "Mo-Fr 08:00-12:00", pd.NA], index=[10, 20, 30, 40], dtype=object)
    p = parse_opening_hours(s, week=JUNE)
    assert list(p.status) == ["missing", "missing", "ok", "missing"]
    assert list(p.status.index) == [10, 20, 30, 40]
    assert p.profile.shape == (4, 168) and p.profile.dtype == bool
    assert list(p.codes) == [1, 1, 0, 1] and STATUSES[0] == "ok"
    assert p.invalid_values.empty


def test_sunrise_needs_the_position():
    utrecht = (52.07, 5.10)
    st, prof = weekly_profile("Mo-Su sunrise-sunset", week_monday(JUNE), coords=utrecht)
    assert st == "ok"
    # June in Utrecht: sunrise ~05:20, sunset ~22:00 (the library's 07:00-19:00 fallback
    # without coordinates would close at 19:00)
    assert prof[5] and prof[21] and not prof[22] and not prof[3]
    # without a position: unknown, never a guess
    p = parse_opening_hours(["Mo-Su sunrise-sunset"], week=JUNE)
    assert p.status.iloc[0] == "unknown" and not p.profile.any()
    p = parse_opening_hours(["Mo-Su sunrise-sunset"], week=JUNE, lat=[utrecht[0]], lon=[utrecht[1]])
    assert p.status.iloc[0] == "ok" and (p.profile[0] == prof).all()


def test_week_and_hour_helpers():
    assert week_monday("2026-12-27") == datetime.date(2026, 12, 21)
    assert week_monday(datetime.datetime(2026, 12, 21, 23, 0)) == datetime.date(2026, 12, 21)
    assert hour_label(24 * 4 + 18) == "Fr 18:00"
    with pytest.raises(ValueError):
        hour_label(168)
    with pytest.raises(TypeError):
        week_monday(2026)
    with pytest.raises(ValueError):
        parse_opening_hours(["24/7"], week=JUNE, lat=[52.0])


def test_daylight_saving_weeks_still_have_168_hours():
    # 29 March 2026 (Sunday): clocks go forward at 02:00; 25 October 2026 back at 03:00
    for week in (datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)):
        p = parse_opening_hours(["24/7", "Mo-Su 08:00-12:00"], week=week)
        assert p.profile[0].sum() == 168
        assert open_hours_per_day(p.profile[1]) == [[8, 9, 10, 11]] * 7


def test_distinct_values_are_parsed_once_and_10000_pois_are_fast():
    from wijkkracht.data_sources.synthetic_hours import INVALID_EXAMPLES, SYNTHETIC_VALUES

    pool = [v for vs in SYNTHETIC_VALUES.values() for v in vs] + list(INVALID_EXAMPLES) + [None]
    rng = np.random.default_rng(1)
    values = pd.Series(rng.choice(np.array(pool, dtype=object), 10_000), dtype=object)
    lat = 52.0 + rng.random(10_000) * 0.1
    lon = 5.0 + rng.random(10_000) * 0.1
    t0 = time.perf_counter()
    p = parse_opening_hours(values, week=JUNE, lat=lat, lon=lon)
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0, elapsed
    assert len(p.profiles) <= len(pool) + 1  # one row per distinct week, not per POI
    assert p.counts()["invalid"] == int(values.isin(INVALID_EXAMPLES).sum())
    # every distinct value's profile equals that of the value parsed alone
    for v in pool[:5]:
        i = int(np.flatnonzero(values.to_numpy() == v)[0])
        alone = parse_opening_hours([v], week=JUNE)
        assert (alone.profile[0] == p.profile[i]).all()


def test_counts_and_invalid_values_of_a_subset():
    values = ["ma-vr 9-17", "ma-vr 9-17", "Mo-Fr 9-17", "24/7", None]
    p = parse_opening_hours(values, week=JUNE)
    mask = np.array([True, False, True, True, True])
    assert p.counts(mask) == {"ok": 1, "missing": 1, "invalid": 2, "unknown": 0}
    assert p.invalid_among(values, mask).to_dict() == {"ma-vr 9-17": 1, "Mo-Fr 9-17": 1}
    assert p.invalid_among(values, np.zeros(5, dtype=bool)).empty
