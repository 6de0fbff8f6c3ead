"""Small-count suppression and the publication check for establishment data."""

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.privacy import (
    DERIVED,
    PrivacyError,
    check_publishable,
    sensitive_counts,
    suppress_small_counts,
)


def counts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "active_est": [10, 2, 0, 7],
        "home_based_est": [4, 1, 0, 2],
        "home_based_share": [0.4, 0.5, np.nan, 2 / 7],
        "est_with_employees": [10, 2, 0, 7],
        "solo_est": [5, 2, 0, 3],
        "solo_share": [0.5, 1.0, np.nan, 3 / 7],
        "mxi": [0.5, 0.9, 1.0, 0.2],
    }, index=[11, 12, 13, 14])


def test_sensitive_columns_come_from_the_registry():
    names = sensitive_counts()
    assert {"active_est", "home_based_est", "solo_est", "sbi_n_count", "est_starters"} <= set(
        names)
    assert "mxi" not in names and "bag_vacant_units" not in names
    assert all(INDICATORS[n].unit == "count" for n in names)
    assert all(c in INDICATORS for d, parts in DERIVED.items() for c in (d, *parts))


def test_default_threshold_suppresses_one_and_two():
    out = suppress_small_counts(counts_frame())
    assert out["active_est"].tolist() == [10, pd.NA, 0, 7]
    assert out["home_based_est"].tolist() == [4, pd.NA, 0, pd.NA]
    assert out["solo_est"].tolist() == [5, pd.NA, 0, 3]
    # a share is suppressed when its numerator or its denominator is
    assert out["home_based_share"].isna().tolist() == [False, True, True, True]
    assert out["solo_share"].iloc[3] == pytest.approx(3 / 7)
    assert out["suppressed"].tolist() == [False, True, False, True]
    assert out["mxi"].tolist() == counts_frame()["mxi"].tolist()  # not sensitive
    assert out.index.tolist() == [11, 12, 13, 14]
    assert out.attrs["suppression_threshold"] == 3
    check_publishable(out)  # what suppression leaves is publishable


def test_threshold_is_configurable_and_input_untouched():
    frame = counts_frame()
    before = frame.copy()
    out = suppress_small_counts(frame, threshold=5)
    assert out["home_based_est"].tolist() == [pd.NA, pd.NA, 0, pd.NA]
    assert out["solo_est"].tolist() == [5, pd.NA, 0, pd.NA]
    assert out["active_est"].tolist() == [10, pd.NA, 0, 7]
    pd.testing.assert_frame_equal(frame, before)
    one = suppress_small_counts(frame, threshold=1)
    assert not one["suppressed"].any()
    zero = suppress_small_counts(frame, suppress_zero=True)
    assert zero["active_est"].isna().tolist() == [False, True, True, False]
    with pytest.raises(ValueError, match="threshold"):
        suppress_small_counts(frame, threshold=0)
    with pytest.raises(ValueError, match="nope"):
        suppress_small_counts(frame, columns=["nope"])


def test_check_refuses_small_counts():
    with pytest.raises(PrivacyError, match=r"home_based_est \(2 row"):
        check_publishable(counts_frame())
    check_publishable(counts_frame(), threshold=1)


def test_check_refuses_individual_establishments_at_home():
    est = pd.DataFrame({"vestigingsnummer": ["000000000001", "000000000002"],
                        "vbo_id": ["v1", "v2"], "sbi_code": ["6201", "4711"]})
    units = pd.DataFrame({"identificatie": ["v1", "v2"],
                          "gebruiksdoel": ["woonfunctie", "winkelfunctie"]})
    with pytest.raises(PrivacyError, match="1 individual establishment"):
        check_publishable(est, units=units)
    check_publishable(est.iloc[[1]], units=units)  # a shop address is fine
    with pytest.raises(PrivacyError, match="unknown use"):
        check_publishable(est.iloc[[1]])  # cannot tell: refused
    flagged = est.assign(home_based=[False, False])
    check_publishable(flagged)
    with_use = est.assign(gebruiksdoel=["woonfunctie, winkelfunctie", "winkelfunctie"])
    check_publishable(with_use)
    with pytest.raises(PrivacyError):
        check_publishable(with_use.assign(gebruiksdoel=["woonfunctie", None]))


def test_home_flag_with_missing_values_counts_as_residential():
    est = pd.DataFrame({"vestigingsnummer": ["1", "2"], "home_based": [False, None]})
    with pytest.raises(PrivacyError, match="1 individual"):
        check_publishable(est)


def test_is_residential_tells_home_addresses_from_the_bag_use():
    from wijkkracht.core.privacy import is_residential

    est = pd.DataFrame({"vestigingsnummer": list("abcdefg"), "gebruiksdoel": [
        "woonfunctie", "woonfunctie,winkelfunctie", "winkelfunctie", "", None,
        "Woonfunctie, woonfunctie", "kantoorfunctie, woonfunctie"]})
    # only housing, or no use known: residential; housing with a shop or office: not
    assert is_residential(est).tolist() == [True, False, False, True, True, True, False]
    # what check_publishable refuses is exactly what is_residential marks
    check_publishable(est[~is_residential(est)])
    with pytest.raises(PrivacyError, match="1 individual"):
        check_publishable(est.iloc[[2, 3]])


def test_is_residential_looks_up_units_and_trusts_a_home_flag_first():
    from wijkkracht.core.privacy import is_residential

    units = pd.DataFrame({"identificatie": ["0344010000000001", "0344010000000002"],
                          "gebruiksdoel": ["woonfunctie", "winkelfunctie"]})
    est = pd.DataFrame({"vbo_id": ["0344010000000001", "0344010000000002",
                                   "0344010000000009"]})
    assert is_residential(est, units).tolist() == [True, False, True]  # unknown id: home
    assert is_residential(est).tolist() == [True, True, True]  # nothing tells: all
    flagged = est.assign(home_based=[False, True, None], gebruiksdoel="woonfunctie")
    assert is_residential(flagged, units).tolist() == [False, True, True]
    other = est.rename(columns={"vbo_id": "bag_id"})
    assert is_residential(other, units, unit_id="bag_id").tolist() == [True, False, True]
