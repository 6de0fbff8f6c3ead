"""BAG and establishment indicators: hand-computed values on a 3-segment street, invariants,
and a run on the SYNTHETIC Kanaleneiland data."""

import math

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.errors import InputError
from wijkkracht.core.indicators import (
    bag_indicators,
    bag_mixed_use,
    bag_vacancy,
    building_age_diversity,
    business_dynamics,
    hidden_economy,
    sbi_no_mix,
)
from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.network import build_network, locate_points

from .conftest import points

REF = "2026-01-01"
IN = "Verblijfsobject in gebruik"

# id, gebruiksdoel, oppervlakte, status, bouwjaar, pand, x
UNITS = [
    ("u1", "woonfunctie", 100, IN, 1960, "P1", 150020),
    ("u2", "woonfunctie", 80, IN, 1965, "P1", 150030),
    ("u3", "woonfunctie,winkelfunctie", 120, IN, 1930, "P2", 150060),
    ("u4", "winkelfunctie", 200, IN, 1930, "P3", 150080),
    ("u5", "kantoorfunctie", 300, IN, 1995, "P4", 150120),
    ("u6", "winkelfunctie", 50, "Verblijfsobject buiten gebruik", 1995, "P4", 150140),
    ("u7", "woonfunctie", 90, IN, 2005, "P5", 150160),
    ("u8", "winkelfunctie", 60, "Niet gerealiseerd verblijfsobject", None, "P6", 150170),
    ("u9", "bijeenkomstfunctie", 100, "Verblijfsobject in gebruik (niet ingemeten)", 2021, "P7",
     150180),
]
# id, unit, start, end, employees, sbi
ESTABLISHMENTS = [
    ("e1", "u1", "2022-03-01", None, 1, "62.01"),
    ("e2", "u1", "2010-01-01", "2023-06-01", 1, "96.02"),
    ("e3", "u2", "2024-01-01", None, 2, "96.02"),
    ("e4", "u3", "2000-01-01", None, None, "56.10"),
    ("e5", "u4", "2019-01-01", None, 3, "47.11"),
    ("e6", "u5", "2015-06-01", "2020-06-01", 5, "47.11"),
    ("e7", "u9", "2023-01-01", None, 1, "56.10"),
    ("e8", "u6", "2018-01-01", None, 4, "47.78"),
]


@pytest.fixture
def street(grid):
    """A 300 m street of three 100 m segments, with units and establishments placed on it."""
    network = build_network(grid(4, 1))
    units = pd.DataFrame(UNITS, columns=["identificatie", "gebruiksdoel", "oppervlakte",
                                         "status", "bouwjaar", "pand_identificatie", "x"])
    units["bouwjaar"] = units["bouwjaar"].astype("Int64")
    loc = locate_points(network, points(np.c_[units["x"], np.full(len(units), 450010.0)]))
    units["segment_id"] = loc["segment_id"].to_numpy()
    est = pd.DataFrame(ESTABLISHMENTS, columns=["vestigingsnummer", "vbo_id", "start_date",
                                                "end_date", "employees", "sbi_code"])
    est["start_date"] = pd.to_datetime(est["start_date"])
    est["end_date"] = pd.to_datetime(est["end_date"])
    est["employees"] = est["employees"].astype("Int64")
    est["segment_id"] = est["vbo_id"].map(units.set_index("identificatie")["segment_id"])
    seg = {name: int(locate_points(network, points([[x, 450000.0]]))["segment_id"].iloc[0])
           for name, x in (("A", 150050), ("B", 150150), ("C", 150250))}
    assert len(set(seg.values())) == 3 and network.n_segments == 3
    return network, units, est, seg


def test_mxi_diversity_and_intensity_by_hand(street):
    network, units, _, s = street
    out = bag_mixed_use(network, units)
    a, b, c = out.loc[s["A"]], out.loc[s["B"]], out.loc[s["C"]]
    # A: housing 100 + 80 + 120/2 = 240 of 100 + 80 + 120 + 200 = 500 m²
    assert a["bag_housing_area_m2"] == 240 and a["bag_floor_area_m2"] == 500
    assert a["mxi"] == pytest.approx(0.48)
    # B: 90 m² housing of 300 + 50 + 90 + 100 (u8 is not built: left out)
    assert b["mxi"] == pytest.approx(90 / 540)
    assert math.isnan(c["mxi"]) and c["bag_units"] == 0
    assert a["bag_use_richness"] == 2
    assert a["bag_use_shannon"] == pytest.approx(-(0.48 * math.log(0.48) + 0.52 * math.log(0.52)))
    p = np.array([90, 300, 50, 100]) / 540
    assert b["bag_use_hill1"] == pytest.approx(math.exp(-(p * np.log(p)).sum()))
    assert b["bag_use_hill2"] == pytest.approx(1 / (p**2).sum())
    # non-residential: A u3 (60 m² shop half) and u4; B u5, u6, u9; segments are 100 m long
    assert (a["nonres_units"], a["nonres_area_m2"]) == (2, 260)
    assert (b["nonres_units"], b["nonres_area_m2"]) == (3, 450)
    assert a["nonres_units_per_100m"] == pytest.approx(2)
    assert b["nonres_area_per_100m"] == pytest.approx(450)
    assert c["nonres_units_per_100m"] == 0


def test_vacancy_indication_by_hand(street):
    network, units, est, s = street
    out = bag_vacancy(network, units, est, reference_date=REF)
    a, b, c = out.loc[s["A"]], out.loc[s["B"]], out.loc[s["C"]]
    # A: only u4 is non-residential (u3 has woonfunctie) and it has e5
    assert (a["nonres_in_use_units"], a["bag_vacant_units"], a["bag_vacant_share"]) == (1, 0, 0)
    # B: u5 (only a closed establishment) and u9 (e7); u6 is out of use
    assert (b["nonres_in_use_units"], b["bag_vacant_units"]) == (2, 1)
    assert b["bag_vacant_area_m2"] == 300 and b["bag_vacant_share"] == 0.5
    assert (b["bag_out_of_use_units"], b["bag_out_of_use_area_m2"]) == (1, 50)
    assert b["bag_out_of_use_share"] == 0.25 and a["bag_out_of_use_share"] == 0
    assert math.isnan(c["bag_vacant_share"]) and math.isnan(c["bag_out_of_use_share"])


def test_hidden_economy_by_hand(street):
    network, units, est, s = street
    out = hidden_economy(network, units, est, reference_date=REF)
    a, b = out.loc[s["A"]], out.loc[s["B"]]
    # A: active e1, e3 (home), e4 (dwelling with shop: not home-only), e5; e2 closed
    assert (a["active_est"], a["home_based_est"], a["home_based_share"]) == (4, 2, 0.5)
    assert (a["est_with_employees"], a["solo_est"]) == (3, 1)
    assert a["solo_share"] == pytest.approx(1 / 3)
    assert (b["active_est"], b["home_based_est"], b["solo_est"], b["solo_share"]) == (2, 0, 1, 0.5)
    assert math.isnan(out.loc[s["C"], "home_based_share"])


def test_business_dynamics_by_hand(street):
    network, _, est, s = street
    out = business_dynamics(network, est, reference_date=REF, years=5)
    a, b = out.loc[s["A"]], out.loc[s["B"]]
    assert (a["est_starters"], a["est_closures"], a["est_net_change"]) == (2, 1, 1)
    assert (b["est_starters"], b["est_closures"]) == (1, 0)  # e6 closed before 2021
    ref = pd.Timestamp(REF)
    ages = [(ref - pd.Timestamp(d)).days / 365.25 for d in
            ("2022-03-01", "2024-01-01", "2000-01-01", "2019-01-01")]
    assert a["est_mean_age_years"] == pytest.approx(np.mean(ages))
    assert math.isnan(out.loc[s["C"], "est_mean_age_years"])
    assert out.attrs["years"] == 5
    wide = business_dynamics(network, est, reference_date=REF, years=10)
    assert wide.loc[s["B"], "est_closures"] == 1


def test_sbi_no_mix_by_hand(street):
    network, _, est, s = street
    out = sbi_no_mix(network, est, reference_date=REF)
    a, b = out.loc[s["A"]], out.loc[s["B"]]
    # A: e3 hairdresser N, e5 supermarket N, e4 restaurant O, e1 IT other
    assert (a["sbi_n_count"], a["sbi_o_count"]) == (2, 1)
    assert a["sbi_no_balance"] == pytest.approx(2 / 3)
    assert (b["sbi_n_count"], b["sbi_o_count"], b["sbi_no_balance"]) == (0, 2, 0)


def test_building_age_diversity_by_hand(street):
    network, units, _, s = street
    out = building_age_diversity(network, units)
    a, b, c = out.loc[s["A"]], out.loc[s["B"]], out.loc[s["C"]]
    # A: P1 1960s (two units, one building), P2 and P3 1930s
    assert (a["age_buildings"], a["age_richness"]) == (3, 2)
    assert a["age_shannon"] == pytest.approx(-(math.log(1 / 3) / 3 + 2 / 3 * math.log(2 / 3)))
    # B: P4 1990s, P5 2000s, P7 2020s (u8 not built)
    assert (b["age_buildings"], b["age_richness"]) == (3, 3)
    assert b["age_hill1"] == pytest.approx(3)
    assert (c["age_buildings"], c["age_hill1"]) == (0, 0)


def test_columns_registered_and_invariant_to_row_order(street):
    network, units, est, _ = street
    out = bag_indicators(network, units, est, reference_date=REF)
    assert list(out.index) == list(network.segments.index)
    assert not [c for c in out.columns if c not in INDICATORS]
    assert out.columns.is_unique
    rng = np.random.default_rng(1)
    shuffled = bag_indicators(network, units.iloc[rng.permutation(len(units))],
                              est.iloc[rng.permutation(len(est))], reference_date=REF)
    pd.testing.assert_frame_equal(out, shuffled)
    shares = [c for c in out.columns if INDICATORS[c].unit == "share"]
    vals = out[shares].to_numpy(dtype=float)
    assert np.all((vals[np.isfinite(vals)] >= 0) & (vals[np.isfinite(vals)] <= 1))


def test_only_units_without_establishments(street):
    network, units, _, _ = street
    out = bag_indicators(network, units, None, reference_date=REF)
    assert "mxi" in out.columns and "active_est" not in out.columns


def test_bad_input_is_named(street):
    network, units, est, _ = street
    bad = units.copy()
    bad.loc[2, "gebruiksdoel"] = "woonfunctie,kroegfunctie"
    with pytest.raises(InputError, match="kroegfunctie"):
        bag_mixed_use(network, bad)
    bad_est = est.copy()
    bad_est.loc[0, "sbi_code"] = "4x"
    with pytest.raises(InputError, match="malformed SBI"):
        sbi_no_mix(network, bad_est, reference_date=REF)
    with pytest.raises(InputError, match="segment_id"):
        bag_mixed_use(network, units.drop(columns="segment_id"))
    with pytest.raises(InputError, match="years"):
        business_dynamics(network, est, reference_date=REF, years=0)


def test_synthetic_kanaleneiland_plausible(demo_prepared):
    from wijkkracht.data_sources.synthetic import base_from_layers, generate_synthetic

    network, pois, _ = demo_prepared
    data = generate_synthetic(seed=3, scale=0.3, base=base_from_layers(pois, network.segments))
    vbo = data.verblijfsobjecten.copy()
    vbo["segment_id"] = locate_points(network, vbo.geometry)["segment_id"].to_numpy()
    est = data.establishments.copy()
    est["vbo_id"] = est["synthetic_true_vbo"]
    est["segment_id"] = est["vbo_id"].map(
        vbo.set_index("identificatie")["segment_id"]).fillna(-1).astype(np.int64)
    out = bag_indicators(network, vbo, est, reference_date="2026-01-01")
    assert len(out) == network.n_segments
    total = out["bag_floor_area_m2"].sum()
    mxi_all = out["bag_housing_area_m2"].sum() / total
    assert 0.5 < mxi_all < 0.95  # a mainly residential post-war district
    assert out["mxi"].dropna().between(0, 1).all() and out["mxi"].notna().sum() > 50
    home = out["home_based_est"].sum() / out["active_est"].sum()
    assert 0.15 < home < 0.5  # generated with 30 % home-based
    assert 0.4 < out["solo_est"].sum() / out["est_with_employees"].sum() < 0.9
    vac = out["bag_vacant_units"].sum() / out["nonres_in_use_units"].sum()
    assert 0.0 < vac < 0.9
    assert (out["sbi_n_count"].sum() > 0) and (out["sbi_o_count"].sum() > 0)
    assert 0 < out["est_mean_age_years"].median() < 30
    assert out["age_hill1"].max() >= 2
    assert out["est_starters"].sum() > out["est_closures"].sum() > 0
    # published per street: small counts suppressed, and then it passes the check
    from wijkkracht.core.privacy import PrivacyError, check_publishable, suppress_small_counts

    with pytest.raises(PrivacyError):
        check_publishable(out)
    pub = suppress_small_counts(out)
    check_publishable(pub)
    assert 0 < pub["suppressed"].mean() < 1
    assert pub.loc[pub["home_based_est"].isna(), "home_based_share"].isna().all()
    assert pub["mxi"].equals(out["mxi"])


def test_registered_with_what_they_need():
    from wijkkracht.core.indicators import ALL_INDICATORS
    from wijkkracht.core.indicators.registry import available

    bag = {n: ind for n, ind in INDICATORS.items() if ind.group == "bag"}
    assert bag_mixed_use not in ALL_INDICATORS  # only with a BAG layer
    assert INDICATORS["mxi"].label("en").startswith("Mixed-use Index")
    assert INDICATORS["mxi"].requires == "bag"
    assert INDICATORS["home_based_share"].requires == "establishments"
    assert INDICATORS["bag_vacant_share"].requires == "establishments"
    assert {ind.requires for ind in bag.values()} == {"bag", "establishments"}
    # a table without BAG columns lists no BAG indicator; with mxi, just that one
    assert not set(available(["functions_400"])) & set(bag)
    assert set(available(["mxi", "functions_400"])) & set(bag) == {"mxi"}
    for ind in bag.values():
        assert ind.label("nl") and ind.label("en") and ind.description("nl")
        assert ind.description("en") and ind.title("en")


def test_duplicate_units_refused(street):
    network, units, est, _ = street
    dup = pd.concat([units, units.iloc[[0]]])
    with pytest.raises(InputError, match="duplicate identificatie"):
        bag_mixed_use(network, dup)
    with pytest.raises(InputError, match="duplicate identificatie"):
        hidden_economy(network, dup, est, reference_date=REF)


def test_future_start_is_not_active(street):
    network, units, est, s = street
    later = est.copy()
    later.loc[later["vestigingsnummer"] == "e5", "start_date"] = pd.Timestamp("2027-01-01")
    out = bag_vacancy(network, units, later, reference_date=REF)
    assert out.loc[s["A"], "bag_vacant_units"] == 1  # u4 has no active establishment yet


def test_docstring_examples():
    import doctest

    import wijkkracht.core.indicators.bag as bag_module
    import wijkkracht.core.privacy as privacy_module

    for mod in (bag_module, privacy_module):
        res = doctest.testmod(mod)
        assert res.failed == 0 and res.attempted > 0


def test_empty_inputs_and_missing_segment(street):
    network, units, est, _ = street
    out = bag_indicators(network, units.iloc[:0], est.iloc[:0], reference_date=REF)
    assert len(out) == 3 and (out["bag_units"] == 0).all() and out["mxi"].isna().all()
    assert (out["active_est"] == 0).all() and (out["age_hill1"] == 0).all()
    off = units.assign(segment_id=-1)
    assert (bag_mixed_use(network, off)["bag_units"] == 0).all()
    with pytest.raises(InputError, match="without a numeric segment_id"):
        hidden_economy(network, units, est.assign(segment_id=np.nan), reference_date=REF)


def test_mix_within_400m_by_hand(grid):
    """On a straight 1 km street the walking distance from a segment's middle to a unit is
    |x_unit - x_middle|: the 400 m MXI is the housing share of the units within that."""
    from wijkkracht.core.indicators.bag import bag_mixed_use_nearby

    network = build_network(grid(11, 1))  # ten 100 m segments, x 150000..151000
    xs = np.array([150020, 150130, 150350, 150510, 150555, 150760, 150990])
    uses = ["woonfunctie", "winkelfunctie", "woonfunctie,kantoorfunctie", "woonfunctie",
            "bijeenkomstfunctie", "woonfunctie", "winkelfunctie"]
    areas = np.array([100, 50, 200, 80, 400, 120, 60], dtype=float)
    units = pd.DataFrame({"identificatie": [f"u{i}" for i in range(len(xs))],
                          "gebruiksdoel": uses, "oppervlakte": areas, "status": IN})
    loc = locate_points(network, points(np.c_[xs, np.full(len(xs), 450005.0)]))
    units["segment_id"] = loc["segment_id"].to_numpy()
    units["offset_m"] = loc["offset_m"].to_numpy()
    out = bag_mixed_use_nearby(network, units)
    housing = np.array([100, 0, 100, 80, 0, 120, 0], dtype=float)  # u2: 200 m² split in two
    mids = network.midpoints[:, 0]
    for sid, mid in zip(network.segments.index, mids, strict=True):
        near = np.abs(xs - mid) <= 400
        assert out.loc[sid, "bag_floor_area_400"] == pytest.approx(areas[near].sum())
        assert out.loc[sid, "mxi_400"] == pytest.approx(housing[near].sum() / areas[near].sum())
    # the segment 150000-150100: u0 (home 100), u1 (shop 50), u2 (100 home + 100 office)
    first = out.loc[int(np.argmin(mids))]
    p = np.array([200, 50, 100]) / 350
    assert first["bag_use_hill1_400"] == pytest.approx(math.exp(-(p * np.log(p)).sum()))
