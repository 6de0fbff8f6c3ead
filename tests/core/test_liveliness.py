"""Liveliness by hour per street segment (issue 8, part 1), checked by hand on the real
Kanaleneiland network.

The POIs are REAL Kanaleneiland POIs (real OSM id, tag and position, placed on the real
network), but the bundled data has no opening_hours: the values below are HAND-WRITTEN.
Only these few POIs are used, so that the counts around their segments can be worked out
by hand.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.indicators.liveliness import (
    EVENING_HOURS,
    LIVELINESS_COLUMNS,
    WEEKEND_HOURS,
    liveliness,
    poi_hours,
    relevant_for_hours,
)
from wijkkracht.core.indicators.registry import INDICATORS, TIME_INDICATORS, UNITS
from wijkkracht.core.opening_hours import parse_opening_hours

JUNE = datetime.date(2026, 6, 10)  # an ordinary week, no public holiday
#: the POI whose segment is the Marco Pololaan segment with a supermarket, bakery, fish shop,
#: butcher and cafe; and the far supermarket, ~970 m in a straight line away
MARCO_POLOLAAN_POI = "N2740573662"
FAR_POI = "N2726132793"

#: Hand-written values (not OSM values) for real POIs.
HAND = {
    "N2740573662": "Mo-Sa 08:00-21:00; Su 12:00-18:00",          # shop=supermarket (N)
    "N2740572374": "Mo-Fr 07:30-18:00; Sa 07:30-17:00; PH off",  # shop=bakery (N)
    "N2740572064": "Mo-Su 11:00-02:00",                          # amenity=cafe (O)
    "N2740572615": "ma-vr 09:00-17:00",                          # shop=seafood (O): invalid
    "N2740573194": None,                                          # shop=butcher (N): missing
    "N2726132793": "24/7",                                        # shop=supermarket (N), far away
    "N370168264": "24/7",  # public_transport=platform: no function, never counted
}


@pytest.fixture(scope="module")
def small(demo_prepared):
    network, pois, _ = demo_prepared
    sub = pois[pois["osm_id"].isin(list(HAND))].copy()
    assert len(sub) == len(HAND)
    sub["opening_hours"] = sub["osm_id"].map(HAND).astype(object)
    sub.loc[sub["osm_id"] == "N2740573194", "opening_hours"] = None
    at = dict(zip(sub["osm_id"], sub["segment_id"], strict=True))
    marco, far = at[MARCO_POLOLAAN_POI], at[FAR_POI]
    assert network.segments.loc[marco, "street_name"] == "Marco Pololaan"
    assert set(sub.loc[sub["segment_id"] == marco, "osm_id"]) == set(list(HAND)[:5])
    return network, sub, marco, far


def test_columns_have_labels_and_units_in_the_registry():
    # registered: analyse() computes them when the POIs have opening hours
    assert list(TIME_INDICATORS) == list(LIVELINESS_COLUMNS)
    for col in LIVELINESS_COLUMNS:
        ind = TIME_INDICATORS[col]
        assert INDICATORS[col] is ind
        assert ind.group == "time" and ind.requires == "opening_hours"
        assert ind.label("nl") and ind.label("en") and ind.description("en")
        assert ind.unit in UNITS
    assert TIME_INDICATORS["n_o_hours_per_day"].unit == "hours_per_day"
    assert EVENING_HOURS.sum() == 42 and WEEKEND_HOURS.sum() == 48


def test_marco_pololaan_by_hand(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    res = liveliness(network, pois, week=JUNE)
    assert res.indicators.index.equals(network.segments.index)
    assert list(res.indicators.columns) == list(LIVELINESS_COLUMNS)
    assert res.profile.shape == (network.n_segments, 168) and res.profile.dtype == np.int64
    row = res.indicators.loc[MARCO_POLOLAAN]
    # supermarket, bakery and cafe known; the fish shop's value is invalid; the butcher has
    # none; the far supermarket and the platform do not count here
    assert (row["hours_known"], row["hours_missing"], row["hours_invalid"],
            row["hours_unknown"]) == (3, 1, 1, 0)
    prof = res.profile[network.segments.index.get_loc(MARCO_POLOLAAN)]
    # open POI-hours: supermarket 6 x 13 + 6 = 84, bakery 5 x 11 + 10 = 65, cafe 7 x 15 = 105
    assert prof.sum() == 84 + 65 + 105 == 254
    # Monday: 07 bakery; 08-10 +supermarket; 11-17 +cafe (3 open); 18-20 supermarket and cafe
    monday = [0] * 24
    for h in (0, 1):
        monday[h] = 1  # the cafe, from Sunday night
    monday[7] = 1
    for h in range(8, 11):
        monday[h] = 2
    for h in range(11, 18):
        monday[h] = 3
    for h in range(18, 21):
        monday[h] = 2
    for h in range(21, 24):
        monday[h] = 1
    assert prof[:24].tolist() == monday
    assert row["open_peak"] == 3
    # evening (18-24): supermarket 3 h x 6 days + cafe 6 h x 7 days = 60
    assert row["evening_share"] == pytest.approx(60 / 254)
    # weekend: supermarket 13 + 6, bakery 10, cafe 2 x 15 = 59
    assert row["weekend_share"] == pytest.approx(59 / 254)
    # N (supermarket/bakery) and O (cafe) both open: Mo-Sa 11-20 (10 h), Su 12-17 (6 h)
    assert row["n_o_hours_per_day"] == pytest.approx((6 * 10 + 6) / 7)
    # for the report: the values of the counted POIs (the platform has no function)
    rel = relevant_for_hours(pois)
    assert res.hours.counts(rel) == {"ok": 4, "missing": 1, "invalid": 1, "unknown": 0}
    assert res.hours.invalid_among(pois["opening_hours"], rel).to_dict() == {
        "ma-vr 09:00-17:00": 1}


def test_the_far_24_7_supermarket_alone(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    res = liveliness(network, pois, week=JUNE)
    row = res.indicators.loc[FAR_SEGMENT]
    assert (row["hours_known"], row["hours_missing"], row["hours_invalid"]) == (1, 0, 0)
    assert row["open_peak"] == 1
    assert row["evening_share"] == pytest.approx(42 / 168)
    assert row["weekend_share"] == pytest.approx(48 / 168)
    assert row["n_o_hours_per_day"] == 0.0  # an N is open, no O at all
    assert (res.profile[network.segments.index.get_loc(FAR_SEGMENT)] == 1).all()


def test_nulls_where_no_hours_are_known(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    out = liveliness(network, pois, week=JUNE).indicators
    none = out["hours_known"] == 0
    assert none.any()
    assert out.loc[none, ["open_peak", "n_o_hours_per_day", "evening_share",
                          "weekend_share"]].isna().all().all()
    assert out.loc[~none, ["open_peak", "n_o_hours_per_day"]].notna().all().all()
    for col in ("hours_known", "hours_missing", "hours_invalid", "hours_unknown"):
        assert out[col].dtype == np.int64 and out[col].notna().all()
    # known but never open in the week (off): no share to give, peak 0
    closed = pois.assign(opening_hours=np.where(pois["opening_hours"].notna(), "off", None))
    row = liveliness(network, closed, week=JUNE).indicators.loc[MARCO_POLOLAAN]
    assert row["hours_known"] == 4 and row["open_peak"] == 0  # the fish shop's "off" parses
    assert np.isnan(row["evening_share"]) and np.isnan(row["weekend_share"])
    assert row["n_o_hours_per_day"] == 0.0


def test_christmas_week_closes_the_bakery_on_the_holidays(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    res = liveliness(network, pois, week=datetime.date(2026, 12, 21))
    prof = res.profile[network.segments.index.get_loc(MARCO_POLOLAAN)]
    friday = prof[4 * 24: 5 * 24]
    # Christmas: the bakery (PH off) is closed; the supermarket has no PH rule: open
    assert friday[7] == 0 and friday[9] == 1 and friday[12] == 2


def test_no_opening_hours_column_means_all_missing(demo_prepared):
    network, pois, _ = demo_prepared
    res = liveliness(network, pois, week=JUNE)
    out = res.indicators
    assert (out["hours_known"] == 0).all() and (res.profile == 0).all()
    assert out["open_peak"].isna().all()
    assert (out["hours_missing"] > 0).any()
    assert res.hours.counts()["missing"] == len(pois)


def test_parsed_hours_can_be_passed_in(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    hours = poi_hours(pois, week=JUNE)
    a = liveliness(network, pois, week=JUNE)
    b = liveliness(network, pois, week=JUNE, hours=hours)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    assert (a.profile == b.profile).all()
    with pytest.raises(ValueError):
        liveliness(network, pois, week=JUNE, hours=parse_opening_hours(["24/7"], week=JUNE))


def test_radius(small):
    network, pois, MARCO_POLOLAAN, FAR_SEGMENT = small
    near = liveliness(network, pois, week=JUNE, radius=50.0).indicators
    wide = liveliness(network, pois, week=JUNE, radius=800.0).indicators
    assert (near["hours_known"] <= wide["hours_known"]).all()
    assert near["hours_known"].sum() < wide["hours_known"].sum()


def test_synthetic_hours_on_the_demo_are_flagged_and_fast(demo_prepared):
    import time

    from wijkkracht.data_sources.synthetic_hours import (
        INVALID_EXAMPLES,
        SYNTHETIC_HOURS_NOTICE,
        synthetic_opening_hours,
    )

    network, pois, _ = demo_prepared
    values = synthetic_opening_hours(pois, seed=0)
    assert values.attrs["synthetic"] is True and "SYNTHETIC" in values.attrs["notice"]
    assert values.attrs["notice"] == SYNTHETIC_HOURS_NOTICE
    assert values.name == "opening_hours_synthetic"
    assert values.index.equals(pois.index)
    pd.testing.assert_series_equal(values, synthetic_opening_hours(pois, seed=0))
    assert not values.equals(synthetic_opening_hours(pois, seed=1))
    # no hours for bus stops, buildings or vacant shops
    assert values[pois["function"] == ""].isna().mean() > 0.99
    t0 = time.perf_counter()
    res = liveliness(network, pois.assign(opening_hours=values), week=JUNE)
    assert time.perf_counter() - t0 < 10
    counts = res.hours.counts()
    assert counts["ok"] > 0 and counts["invalid"] > 0 and counts["missing"] > 0
    assert set(res.hours.invalid_values.index) <= set(INVALID_EXAMPLES)
    out = res.indicators
    assert out["evening_share"].dropna().between(0, 1).all()
    assert (out["open_peak"].dropna() <= out.loc[out["open_peak"].notna(), "hours_known"]).all()
