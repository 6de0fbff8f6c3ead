"""Properties of the opening-hours profiles and the liveliness indicators (issue 8, part 1),
for values, weeks and POI subsets drawn by hypothesis: profiles change only by the known
rules (24/7, off, the half-hour rule, a later rule overriding an earlier one for its days),
parsing in bulk equals parsing alone, and the per-segment indicators do not depend on the
row order and stay within their bounds.

The opening_hours values on the real Kanaleneiland POIs are SYNTHETIC
(:mod:`wijkkracht.data_sources.synthetic_hours`) or drawn here: the bundled data has none.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wijkkracht.core.indicators.liveliness import liveliness
from wijkkracht.core.opening_hours import parse_opening_hours
from wijkkracht.data_sources.synthetic_hours import (
    INVALID_EXAMPLES,
    SYNTHETIC_VALUES,
    synthetic_opening_hours,
)

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
SETTINGS = settings(max_examples=25, deadline=None)
NET_SETTINGS = settings(max_examples=6, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture,
                                               HealthCheck.too_slow])

weeks = st.dates(datetime.date(2020, 1, 1), datetime.date(2035, 12, 31))
day_sets = st.sets(st.integers(0, 6), min_size=1).map(sorted)
# a time range within one day, on whole or half hours: (start, end) in minutes
time_ranges = st.tuples(st.integers(0, 46), st.integers(1, 47)).filter(
    lambda t: t[0] < t[1]).map(lambda t: (30 * t[0], 30 * t[1]))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _rule(days: list[int], rng: tuple[int, int]) -> str:
    return f"{','.join(DAYS[d] for d in days)} {_hhmm(rng[0])}-{_hhmm(rng[1])}"


def _expected(days: list[int], rng: tuple[int, int]) -> np.ndarray:
    """Open in hour h of day d when d is listed and start <= h:30 < end."""
    out = np.zeros(168, dtype=bool)
    for d in days:
        for h in range(24):
            out[24 * d + h] = rng[0] <= 60 * h + 30 < rng[1]
    return out


@SETTINGS
@given(week=weeks)
def test_always_and_never(week):
    p = parse_opening_hours(["24/7", "off", "closed", "Mo-Su 00:00-24:00"], week=week)
    assert list(p.status) == ["ok"] * 4
    assert p.profile[0].all() and p.profile[3].all()
    assert not p.profile[1].any() and not p.profile[2].any()


@SETTINGS
@given(week=weeks, days=day_sets, rng=time_ranges)
def test_one_rule_follows_the_half_hour_rule(week, days, rng):
    p = parse_opening_hours([_rule(days, rng)], week=week)
    assert p.status.iloc[0] == "ok"
    assert (p.profile[0] == _expected(days, rng)).all()


@SETTINGS
@given(week=weeks, da=day_sets, ra=time_ranges, db=day_sets, rb=time_ranges)
def test_a_later_rule_overrides_an_earlier_one_for_its_days(week, da, ra, db, rb):
    a, b = _rule(da, ra), _rule(db, rb)
    ab, ba = parse_opening_hours([f"{a}; {b}", f"{b}; {a}"], week=week).profile
    pa, pb = _expected(da, ra), _expected(db, rb)
    on_b = np.zeros(168, dtype=bool)
    on_a = np.zeros(168, dtype=bool)
    for d in db:
        on_b[24 * d: 24 * d + 24] = True
    for d in da:
        on_a[24 * d: 24 * d + 24] = True
    assert (ab == np.where(on_b, pb, pa)).all()
    assert (ba == np.where(on_a, pa, pb)).all()
    if not set(da) & set(db):  # disjoint days: the order does not matter
        assert (ab == ba).all() and (ab == (pa | pb)).all()
    # an additional rule with "," keeps both
    both = parse_opening_hours([f"{a}, {b}"], week=week).profile[0]
    assert (both == (pa | pb)).all()


pool = [v for vs in SYNTHETIC_VALUES.values() for v in vs] + list(INVALID_EXAMPLES) + \
    [None, "off", 'Sa "by appointment"', "Mo-Fr 09:00-17:00 || Sa 10:00-12:00"]


@SETTINGS
@given(week=weeks, values=st.lists(st.sampled_from(pool), min_size=1, max_size=30))
def test_bulk_parsing_equals_parsing_each_value_alone(week, values):
    bulk = parse_opening_hours(values, week=week)
    assert bulk.profile.shape == (len(values), 168)
    for i, v in enumerate(values):
        alone = parse_opening_hours([v], week=week)
        assert alone.status.iloc[0] == bulk.status.iloc[i]
        assert (alone.profile[0] == bulk.profile[i]).all()
        if bulk.status.iloc[i] in ("missing", "invalid"):
            assert not bulk.profile[i].any()
    assert int(bulk.invalid_values.sum()) == int((bulk.status == "invalid").sum())


def _with_hours(pois: pd.DataFrame, seed: int, frac: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sub = pois[rng.random(len(pois)) < frac]
    return sub.assign(opening_hours=synthetic_opening_hours(sub, seed=seed))


@NET_SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_the_segment_counts(demo_prepared, seed):
    network, pois, _ = demo_prepared
    pois = _with_hours(pois, seed, 1.0)
    shuffled = pois.sample(frac=1.0, random_state=np.random.RandomState(seed % 2**32))
    a = liveliness(network, pois, week=datetime.date(2026, 6, 10))
    b = liveliness(network, shuffled, week=datetime.date(2026, 6, 10))
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    assert (a.profile == b.profile).all()
    pd.testing.assert_series_equal(a.hours.invalid_values.sort_index(),
                                   b.hours.invalid_values.sort_index())


@NET_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), frac=st.floats(0.05, 1.0), week=weeks)
def test_bounds_of_the_indicators(demo_prepared, seed, frac, week):
    network, pois, _ = demo_prepared
    res = liveliness(network, _with_hours(pois, seed, frac), week=week)
    out = res.indicators
    for col in ("evening_share", "weekend_share"):
        assert out[col].dropna().between(0, 1).all(), col
    assert out["n_o_hours_per_day"].dropna().between(0, 24).all()
    has = out["hours_known"] > 0
    assert (out.loc[has, "open_peak"] <= out.loc[has, "hours_known"]).all()
    assert out.loc[~has, "open_peak"].isna().all()
    assert (res.profile.max(axis=1) == out["open_peak"].fillna(0).to_numpy()).all()
    assert (res.profile >= 0).all()
    assert (res.profile.max(axis=1) <= out["hours_known"].to_numpy()).all()


@NET_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), frac=st.floats(0.05, 1.0))
def test_pois_open_around_the_clock(demo_prepared, seed, frac):
    network, pois, _ = demo_prepared
    rng = np.random.default_rng(seed)
    sub = pois[rng.random(len(pois)) < frac].assign(opening_hours="24/7")
    out = liveliness(network, sub, week=datetime.date(2026, 12, 21)).indicators
    has = out["hours_known"] > 0
    assert np.allclose(out.loc[has, "evening_share"], 42 / 168)
    assert np.allclose(out.loc[has, "weekend_share"], 48 / 168)
    assert (out.loc[has, "open_peak"] == out.loc[has, "hours_known"]).all()
    assert set(out.loc[has, "n_o_hours_per_day"].unique()) <= {0.0, 24.0}


past_midnight = st.tuples(st.integers(12, 23), st.integers(1, 6)).map(
    lambda t: f"{t[0]:02d}:00-{t[1]:02d}:00")
extra_values = [
    "Mo-Sa 09:00-18:00; PH off", "Mo-Sa 09:00-18:00; PH 10:00-14:00", "24/7; PH off",
    'Sa "by appointment"', "Mo-Fr 09:00-17:00; Sa unknown", "Mo-Fr 08:00-12:00,13:00-17:30",
    'Mo-Fr 09:00-17:00; Sa 10:00-14:00 "op afspraak"', "Mo-Su 11:00-02:00", "off",
    "Jan-Mar Mo-Fr 09:00-17:00; Apr-Dec Mo-Fr 08:00-18:00", "week 1-53/2 Sa 09:00-12:00",
]


@SETTINGS
@example(week=datetime.date(2026, 3, 29), days=[5, 6], span="23:00-04:00", value="24/7; PH off")
@example(week=datetime.date(2020, 3, 23), days=[0], span="12:00-01:00",  # found by hypothesis
         value="Mo-Su 11:00-02:00")
@example(week=datetime.date(2026, 10, 25), days=[6], span="22:00-03:00",
         value="Mo-Su 11:00-02:00")
@given(week=weeks, days=day_sets, span=past_midnight,
       value=st.sampled_from(extra_values + [v for vs in SYNTHETIC_VALUES.values() for v in vs]))
def test_intervals_and_state_per_hour_agree(week, days, span, value):
    """The fast path (intervals) equals state() at every half hour, wherever both are used."""
    from opening_hours import OpeningHours

    from wijkkracht.core.opening_hours import (
        COUNTRY,
        TIMEZONE,
        _by_intervals,
        _by_state,
        week_monday,
    )

    monday = week_monday(week)
    for v in (value, f"{','.join(DAYS[d] for d in days)} {span}", f"{value}; {DAYS[days[0]]} off"):
        oh = OpeningHours(v, timezone=ZoneInfo(TIMEZONE), country=COUNTRY)
        a_open, a_unknown = _by_intervals(oh, monday)
        b_open, b_unknown = _by_state(oh, monday)
        assert (a_open == b_open).all() and a_unknown == b_unknown, v
