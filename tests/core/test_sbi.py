"""SBI code parsing (property-based) and the bundled N/O mapping (hand-checked)."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkracht.core.errors import InputError
from wijkkracht.core.sbi import (
    SECTIONS,
    is_valid_sbi,
    normalise_sbi,
    parse_sbi_series,
    sbi2025_to_sbi2008,
    section_of,
)
from wijkkracht.data_sources.bundled import default_sbi_mapping
from wijkkracht.data_sources.tables import read_sbi2025_crosswalk, read_sbi_mapping

DIVISIONS = sorted({d for lo, hi in SECTIONS.values() for d in range(lo, hi + 1)}
                   - {4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89})


@st.composite
def codes(draw):
    """A valid code: division, optional class digits and subclass digit, as digits."""
    div = f"{draw(st.sampled_from(DIVISIONS)):02d}"
    rest = draw(st.text(alphabet="0123456789", min_size=0, max_size=3))
    return div + rest


def dotted(digits: str) -> str:
    if len(digits) <= 2:
        return digits
    out = digits[:2] + "." + digits[2:4]
    return out + ("." + digits[4:] if len(digits) == 5 else "")


@settings(max_examples=200, deadline=None)
@given(codes(), st.booleans(), st.sampled_from(["", " ", "\t"]))
def test_valid_codes_normalise_to_their_digits(digits, use_dots, pad):
    text = pad + (dotted(digits) if use_dots else digits) + pad
    assert normalise_sbi(text) == digits
    assert is_valid_sbi(text)
    assert section_of(text) in SECTIONS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=8))
def test_normalise_either_returns_digits_or_raises_input_error(text):
    try:
        out = normalise_sbi(text)
    except InputError as exc:
        assert "SBI" in str(exc)
        assert not is_valid_sbi(text)
    else:
        assert (out.isascii() and out.isdigit() and 2 <= len(out) <= 5) or out in SECTIONS
        assert normalise_sbi(out) == out  # idempotent


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=6, max_size=10))
def test_more_than_five_digits_is_rejected(digits):
    with pytest.raises(InputError, match="malformed SBI code"):
        normalise_sbi(digits)


@pytest.mark.parametrize("bad, message", [
    ("4", "malformed"), ("4.711", "malformed"), ("47.1.1", "malformed"), ("471.1", "class"),
    ("47..11", "malformed"), ("47-11", "malformed"), ("V", "A-U"), ("", "empty"),
    ("04.11", "does not exist"), ("89", "does not exist"), (4711, "not text"),
    ("47.11a", "malformed"), ("\u0664\u0667\u0661\u0661", "malformed"),  # Arabic-Indic digits
])
def test_malformed_codes_get_a_clear_message(bad, message):
    with pytest.raises(InputError, match=message) as info:
        normalise_sbi(bad)
    assert repr(bad) in str(info.value) or str(bad) in str(info.value) or bad == ""


@pytest.mark.parametrize("code, digits, section", [
    ("47.11", "4711", "G"), ("4711", "4711", "G"), ("47111", "47111", "G"),
    ("47.11.1", "47111", "G"), ("01.11", "0111", "A"), ("86.21", "8621", "Q"),
    ("g", "G", "G"), ("99", "99", "U"),
])
def test_examples(code, digits, section):
    assert normalise_sbi(code) == digits
    assert section_of(code) == section


def test_parse_series_keeps_going_and_names_each_problem():
    s = pd.Series(["47.11", "x", None, "5610", "89"], index=[10, 11, 12, 13, 14])
    norm, problems = parse_sbi_series(s)
    assert norm.tolist() == ["4711", pd.NA, pd.NA, "5610", pd.NA]
    assert problems.isna().tolist() == [True, False, False, True, False]
    assert "'x'" in problems[11] and "does not exist" in problems[14]
    assert problems[12] == "missing SBI code"
    assert list(norm.index) == [10, 11, 12, 13, 14]


@pytest.fixture(scope="module")
def mapping():
    return default_sbi_mapping()


@pytest.mark.parametrize("code, expected", [
    ("47.11", "N"),    # supermarket
    ("47111", "N"),    # subclass inherits the class
    ("10.71", "N"),    # bakery
    ("1071.1", "N"),
    ("47.73", "N"),    # pharmacy
    ("86.21", "N"),    # GP
    ("96.02", "N"),    # hairdresser, as in the OSM table
    ("85.20", "N"),    # primary school
    ("56.10", "O"),    # restaurant
    ("56.30", "O"),    # cafe
    ("56.21", "other"),  # event catering: no venue
    ("90.01", "O"),    # performing arts
    ("91.01", "O"),    # library
    ("74.10", "O"),    # design
    ("47.71", "O"),    # clothing shop: specialty retail
    ("47.29", "O"),    # delicatessen: longer prefix beats 47.2 = N
    ("47.21", "N"),    # greengrocer
    ("47.91", "other"),  # web shop
    ("43.21", "other"),  # electrician
    ("62.01", "other"),  # software
    ("14.13", "O"),    # tailor (craft)
    ("10.11", "other"),  # slaughterhouse: industry
    ("C", "other"),
])
def test_bundled_mapping_hand_checked(mapping, code, expected):
    assert mapping.classify(code) == expected


def test_every_code_in_every_division_gets_a_class(mapping):
    for div in DIVISIONS:
        assert mapping.classify(f"{div:02d}") in ("N", "O", "other"), div


def test_classify_series(mapping):
    s = pd.Series(["4711", pd.NA, "5610"], dtype="string")
    assert mapping.classify_series(s).tolist() == ["N", "", "O"]


def test_edited_mapping_is_used(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("# mine\nsbi_prefix,no_class\n47,N\n47.1,other\n", encoding="utf-8")
    m = read_sbi_mapping(p)
    assert m.classify("4711") == "other" and m.classify("4771") == "N"
    assert m.classify("5610") == ""


@pytest.mark.parametrize("body, message", [
    ("sbi_prefix,klasse\n47,N\n", "lacks column"),
    ("sbi_prefix,no_class\n4x,N\n", "row 1"),
    ("sbi_prefix,no_class\n47,X\n", "N, O or other"),
    ("sbi_prefix,no_class\n47.1,N\n471,O\n", "duplicate"),
    ("sbi_prefix,no_class\n", "no rows"),
])
def test_bad_mapping_tables(tmp_path, body, message):
    p = tmp_path / "m.csv"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_sbi_mapping(p)


def test_missing_mapping_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_sbi_mapping(tmp_path / "nope.csv")


def test_sbi2025_crosswalk_hook(tmp_path):
    # A made-up two-row table in the CBS layout, for the mechanism only (not real pairs).
    p = tmp_path / "crosswalk.csv"
    p.write_text("sbi2025,sbi2008,weight\n47.11,47.11,1\n56.11,56.10,0.7\n56.11,56.30,0.3\n",
                 encoding="utf-8")
    cw = read_sbi2025_crosswalk(p)
    out = sbi2025_to_sbi2008(pd.Series(["4711", "56111", "9999", pd.NA], dtype="string"), cw)
    assert out.tolist() == ["4711", "5610", pd.NA, pd.NA]
    assert default_sbi_mapping().classify(out[1]) == "O"


def test_sbi2025_crosswalk_bad_rows(tmp_path):
    p = tmp_path / "crosswalk.csv"
    p.write_text("sbi2025,sbi2008,weight\n47.11,4x,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 1"):
        read_sbi2025_crosswalk(p)
    with pytest.raises(InputError, match="not found"):
        read_sbi2025_crosswalk(tmp_path / "none.csv")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(codes(), st.text(max_size=6)), max_size=20))
def test_series_parse_agrees_with_normalise(values):
    norm, problems = parse_sbi_series(pd.Series(values, dtype=object))
    for value, n, p in zip(values, norm, problems, strict=False):
        if is_valid_sbi(value):
            assert n == normalise_sbi(value) and p is pd.NA
        else:
            assert n is pd.NA and isinstance(p, str) and p
