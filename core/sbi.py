"""SBI codes (Standaard Bedrijfsindeling): parsing, validation and the N/O mapping.

SBI 2008 codes are written as a section letter (``A`` to ``U``) or as 2 to 5 digits, with or
without dots: ``"47"``, ``"47.1"``, ``"47.11"``, ``"4711"``, ``"47.11.1"`` and ``"47111"`` are
all accepted. :func:`normalise_sbi` returns the digits only (``"4711"``) or the section letter;
malformed codes raise :class:`~wijkkracht.core.errors.InputError` naming the value.

The N/O mapping lives in an editable CSV table (``data/sbi_no_mapping.csv``, read once by
:func:`wijkkracht.data_sources.bundled.default_sbi_mapping`; read your own with
:func:`wijkkracht.data_sources.tables.read_sbi_mapping`). Each row maps an SBI 2008 *prefix*
(digits, or a section letter) to ``N`` (*noodzakelijk*, everyday necessity), ``O``
(*onderscheidend*, distinctive) or ``other``; the longest matching prefix wins, so ``4711``
(supermarkets) can be N while the rest of ``47`` (retail) is O.

SBI 2025
--------
CBS replaces SBI 2008 by SBI 2025 (based on NACE Rev. 2.1). The official CBS correspondence
table SBI 2025 -> SBI 2008 is **not available offline here** and no crosswalk is invented in
this module. When you have the CBS table, save it as a CSV with the columns ``sbi2025`` and
``sbi2008`` (one row per pair; an optional ``weight`` column picks the main SBI 2008 code when
one SBI 2025 code maps to several) and read it with
:func:`wijkkracht.data_sources.tables.read_sbi2025_crosswalk`;
:func:`sbi2025_to_sbi2008` then converts codes so that the SBI 2008 N/O mapping applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .tables import require_columns

__all__ = [
    "SECTIONS",
    "SBI_NO_CLASSES",
    "normalise_sbi",
    "is_valid_sbi",
    "parse_sbi_series",
    "section_of",
    "SbiMapping",
    "SbiCrosswalk",
    "sbi2025_to_sbi2008",
]

#: SBI 2008 sections and the divisions (first two digits) each contains.
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (6, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}
#: Divisions that exist in SBI 2008 (NACE Rev. 2 has no 04, 34, 40, 44, 48, 54, 57, 67, 76,
#: 83, 89).
_DIVISIONS = frozenset(d for lo, hi in SECTIONS.values() for d in range(lo, hi + 1)) - {
    4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89}

SBI_NO_CLASSES = ("N", "O", "other")

# 2 digits, then optionally 1-2 digits (group/class), then optionally 1 digit (subclass); the
# dots are optional but, when used, sit between these parts.
_CODE = re.compile(r"^(\d{2})(?:\.?(\d{1,2}))?(?:\.?(\d))?$", re.ASCII)
_STRICT_FIVE = re.compile(r"^\d{2}\.\d\.\d$", re.ASCII)  # "47.1.1" is not a valid notation


def _problem(value: object) -> str | None:
    """Why ``value`` is not an SBI 2008 code, or None when it is one."""
    if value is None:
        return "missing SBI code"
    if not isinstance(value, str):
        return (f"SBI code {value!r} is not text; read the column as text (numbers lose "
                "leading zeros, e.g. 0111 becomes 111)")
    text = value.strip()
    if not text:
        return "empty SBI code"
    if len(text) == 1 and text.isalpha():
        return None if text.upper() in SECTIONS else f"SBI section {text!r} is not one of A-U"
    m = _CODE.match(text)
    if m is None or _STRICT_FIVE.match(text):
        return (f"malformed SBI code {text!r}: expected a section letter A-U or 2 to 5 digits, "
                "optionally with dots (e.g. 47.11, 4711 or 47111)")
    if "." in text and m.group(2) is not None and m.group(3) is not None and \
            len(m.group(2)) == 1:
        return f"malformed SBI code {text!r}: write the class with two digits (e.g. 47.11.1)"
    if int(m.group(1)) not in _DIVISIONS:
        return f"SBI code {text!r}: division {m.group(1)} does not exist in SBI 2008"
    return None


def normalise_sbi(value: object) -> str:
    """The SBI code as digits only (``"47.11"`` -> ``"4711"``), or the upper-case section.

    Raises
    ------
    InputError
        When ``value`` is not a well-formed SBI 2008 code (the message names the value).
    """
    problem = _problem(value)
    if problem is not None:
        raise InputError(None, problem)
    text = str(value).strip()
    return text.upper() if text.isalpha() else text.replace(".", "")


def is_valid_sbi(value: object) -> bool:
    """Whether :func:`normalise_sbi` accepts ``value``."""
    return _problem(value) is None


def parse_sbi_series(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalise a column of SBI codes without stopping at the first bad one.

    Parameters
    ----------
    codes
        The raw codes (text; missing values count as malformed).

    Returns
    -------
    normalised, problems
        Both aligned to ``codes.index``: the normalised code (``pd.NA`` where malformed) and
        the problem message (``pd.NA`` where the code is fine).
    """
    # A plain dict, not pandas' hash table: that treats "" and "\x00" as one value.
    cache: dict[object, str | None] = {}

    def problem(value: object) -> str | None:
        key = None if pd.isna(value) else value
        if key not in cache:
            cache[key] = _problem(key)
        return cache[key]

    problems = pd.Series([problem(v) for v in codes.to_numpy(dtype=object)],
                         index=codes.index, dtype="string")
    good = problems.isna()
    normal = pd.Series(pd.NA, index=codes.index, dtype="string")
    if good.any():
        text = codes[good].astype(str).str.strip()
        normal[good] = np.where(text.str.isalpha(), text.str.upper(),
                                text.str.replace(".", "", regex=False))
    return normal, problems


def section_of(code: str) -> str:
    """The section letter (A-U) of a normalised SBI 2008 code (or of a section itself)."""
    norm = normalise_sbi(code)
    if norm.isalpha():
        return norm
    division = int(norm[:2])
    return next(s for s, (lo, hi) in SECTIONS.items() if lo <= division <= hi)


@dataclass(frozen=True)
class SbiMapping:
    """SBI 2008 prefix -> N/O class (longest prefix wins).

    Attributes
    ----------
    prefixes
        Normalised prefix (digits or a section letter) -> ``N``, ``O`` or ``other``.
    source
        Where the table was read from.
    """

    prefixes: dict[str, str]
    source: str

    @classmethod
    def from_rows(cls, columns: Sequence[str], rows: Iterable[Mapping[str | None, object]],
                  source: str | Path) -> SbiMapping:
        """Validate a mapping table that has been read: its header and its rows (column ->
        text), with the columns ``sbi_prefix`` and ``no_class`` (more are ignored).

        No I/O (the file is read by :func:`wijkkracht.data_sources.tables.read_sbi_mapping`);
        ``source`` names the table in messages.

        Raises
        ------
        InputError
            When a column is missing, there are no rows, a prefix is malformed or duplicated,
            or a class is not N, O or other (the message names the row).
        """
        checked = require_columns(columns, rows, "SBI mapping table", ("sbi_prefix", "no_class"),
                                  source)
        problems, prefixes = [], {}
        for i, row in enumerate(checked, start=1):
            raw, cls_ = row["sbi_prefix"], row["no_class"]
            prob = _problem(raw)
            if prob is not None:
                problems.append(f"row {i}: {prob}")
                continue
            if cls_ not in SBI_NO_CLASSES:
                problems.append(f"row {i} ({raw}): no_class must be N, O or other, not {cls_!r}")
                continue
            norm = normalise_sbi(raw)
            if norm in prefixes:
                problems.append(f"row {i}: duplicate prefix {raw!r}")
                continue
            prefixes[norm] = cls_
        if problems:
            raise InputError(source, "invalid SBI mapping table: " + "; ".join(problems[:3]))
        return cls(prefixes=prefixes, source=str(source))

    def classify(self, code: str) -> str:
        """The class of one SBI 2008 code (``""`` when no prefix matches)."""
        norm = normalise_sbi(code)
        if norm.isalpha():
            return self.prefixes.get(norm, "")
        for k in range(len(norm), 1, -1):
            hit = self.prefixes.get(norm[:k])
            if hit is not None:
                return hit
        return self.prefixes.get(section_of(norm), "")

    def classify_series(self, codes: pd.Series) -> pd.Series:
        """Vectorised :meth:`classify` for *normalised* codes (``pd.NA`` -> ``""``)."""
        uniq = pd.unique(codes.dropna().astype(str).to_numpy())
        table = {u: self.classify(u) for u in uniq}
        return codes.map(table).fillna("").astype(str)


@dataclass(frozen=True)
class SbiCrosswalk:
    """SBI 2025 code -> main SBI 2008 code, as loaded from the CBS correspondence table."""

    to_2008: dict[str, str]
    source: str

    @classmethod
    def from_rows(cls, columns: Sequence[str], rows: Iterable[Mapping[str | None, object]],
                  source: str | Path) -> SbiCrosswalk:
        """Validate a correspondence table that has been read: its header and its rows
        (column -> text), with the columns ``sbi2025`` and ``sbi2008`` and optionally
        ``weight`` (see :func:`wijkkracht.data_sources.tables.read_sbi2025_crosswalk`). No I/O.

        Raises
        ------
        InputError
            Missing column, no rows, malformed code or weight (the message names the row).
        """
        checked = require_columns(columns, rows, "SBI 2025 crosswalk", ("sbi2025", "sbi2008"),
                                  source)
        best: dict[str, tuple[float, str]] = {}
        problems = []
        for i, row in enumerate(checked, start=1):
            a, b = row["sbi2025"], row["sbi2008"]
            bad = _problem(a) or _problem(b)
            weight_text = row.get("weight", "")
            try:
                weight = float(weight_text) if weight_text else 0.0
            except ValueError:
                bad = bad or f"weight {weight_text!r} is not a number"
                weight = 0.0
            if bad:
                problems.append(f"row {i}: {bad}")
                continue
            key = normalise_sbi(a)
            if key not in best or weight > best[key][0]:
                best[key] = (weight, normalise_sbi(b))
        if problems:
            raise InputError(source, "invalid SBI 2025 crosswalk: " + "; ".join(problems[:3]))
        return cls(to_2008={k: v for k, (_, v) in best.items()}, source=str(source))


def sbi2025_to_sbi2008(codes: pd.Series, crosswalk: SbiCrosswalk) -> pd.Series:
    """SBI 2008 codes for normalised SBI 2025 ``codes`` (``pd.NA`` where the table has none).

    A code missing from the table falls back to its longest listed prefix.
    """
    table = crosswalk.to_2008

    def one(code: object) -> object:
        if not isinstance(code, str):
            return pd.NA
        for k in range(len(code), 1, -1):
            if code[:k] in table:
                return table[code[:k]]
        return pd.NA

    uniq = pd.unique(codes.dropna().astype(str).to_numpy())
    lookup = {u: one(u) for u in uniq}
    return codes.map(lookup).astype("string")
