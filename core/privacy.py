"""Privacy of establishment data: small-count suppression and a publication check.

Home-based businesses and sole traders are personal data (a one-person firm at a dwelling *is*
a person). Outputs meant for publication (HTML map, per-street or per-area layers) therefore:

* show establishment counts only when they are at least ``threshold`` (default 3):
  :func:`suppress_small_counts` sets smaller counts to null and flags the row ``suppressed``;
  shares, balances and means built on a suppressed count are suppressed with it;
* never hold individual establishments at residential addresses: :func:`check_publishable`
  raises :class:`PrivacyError` when they do. :func:`is_residential` tells which rows are at
  such an address (only ``woonfunctie``, or a use that cannot be told), e.g. to leave them
  out of a layer.

Sensitive columns are the indicators registered with the ``sensitive`` tag in
:mod:`wijkkracht.core.indicators.registry`.

A count of 0 is kept by default (it discloses no one); pass ``suppress_zero=True`` to treat it
like the other small counts. Differences between published counts (e.g. active minus
home-based establishments) are not protected against (no secondary suppression).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import WijkkrachtError
from .indicators.registry import INDICATORS, SENSITIVE

__all__ = [
    "DEFAULT_THRESHOLD",
    "DERIVED",
    "ESTABLISHMENT_ID_COLUMNS",
    "PrivacyError",
    "sensitive_counts",
    "suppress_small_counts",
    "suppress_area_counts",
    "check_publishable",
    "is_residential",
]

#: Smallest count of establishments that may be published.
DEFAULT_THRESHOLD = 3

#: Derived columns -> the counts they are computed from (numerators and denominators).
DERIVED: dict[str, tuple[str, ...]] = {
    "home_based_share": ("home_based_est", "active_est"),
    "solo_share": ("solo_est", "est_with_employees"),
    "est_net_change": ("est_starters", "est_closures"),
    "est_mean_age_years": ("active_est",),
    "sbi_no_balance": ("sbi_n_count", "sbi_o_count"),
}

#: Columns that identify one establishment: a frame with any of them holds individuals.
ESTABLISHMENT_ID_COLUMNS = ("vestigingsnummer", "kvk_nummer", "kvknummer", "establishment_id")

_HOME_FLAGS = ("home_based", "is_home_based")


class PrivacyError(WijkkrachtError):
    """An output meant for publication would disclose individual establishments."""


def sensitive_counts() -> tuple[str, ...]:
    """Names of the registered sensitive *count* columns."""
    return tuple(n for n, ind in INDICATORS.items() if SENSITIVE in ind.tags
                 and ind.unit == "count" and n not in DERIVED)


def _small(values: pd.Series, threshold: int, suppress_zero: bool) -> np.ndarray:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    small = np.isfinite(v) & (v < threshold)
    return small if suppress_zero else small & (v != 0)


def suppress_small_counts(
    frame: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    columns: Iterable[str] | None = None,
    derived: Mapping[str, Iterable[str]] | None = None,
    suppress_zero: bool = False,
) -> pd.DataFrame:
    """Set small establishment counts to null, and everything derived from them.

    Parameters
    ----------
    frame
        Per-segment or per-area indicators.
    threshold
        Counts below this are suppressed (default 3; must be at least 1).
    columns
        The count columns to check (default: every registered sensitive count in ``frame``).
    derived
        Derived column -> the counts it is computed from (default :data:`DERIVED`); a derived
        value is suppressed in every row where one of its counts is.
    suppress_zero
        Also suppress counts of 0 (kept by default: they disclose no one).

    Returns
    -------
    pandas.DataFrame
        A copy: suppressed counts as nullable ``Int64`` (``<NA>``), derived columns as float
        with NaN, and a boolean column ``suppressed`` (True where anything in the row was
        suppressed). ``attrs["suppression_threshold"]`` records the threshold.

    Raises
    ------
    ValueError
        When ``threshold`` is below 1 or a named column is missing.

    Examples
    --------
    >>> out = suppress_small_counts(pd.DataFrame({"home_based_est": [1, 5],
    ...                                           "active_est": [4, 9]}))
    >>> out["home_based_est"].tolist(), out["suppressed"].tolist()
    ([<NA>, 5], [True, False])
    """
    if not threshold >= 1:
        raise ValueError(f"threshold must be at least 1, not {threshold!r}")
    cols = list(columns) if columns is not None else [c for c in sensitive_counts()
                                                      if c in frame.columns]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"column(s) {', '.join(missing)} not in the frame")
    deriv = {k: tuple(v) for k, v in (DERIVED if derived is None else derived).items()}
    out = frame.copy()
    masks = {c: _small(frame[c], threshold, suppress_zero) for c in cols}
    any_row = np.zeros(len(frame), dtype=bool)
    for c, m in masks.items():
        col = pd.array(pd.to_numeric(frame[c], errors="coerce").round(), dtype="Int64")
        col[m] = pd.NA
        out[c] = col
        any_row |= m
    for d, parts in deriv.items():
        if d not in frame.columns:
            continue
        m = np.zeros(len(frame), dtype=bool)
        for p in parts:
            if p in masks:
                m |= masks[p]
        if m.any():
            vals = pd.to_numeric(frame[d], errors="coerce").astype(np.float64).to_numpy(copy=True)
            vals[m] = np.nan
            out[d] = vals
            any_row |= m
    out["suppressed"] = any_row
    out.attrs["suppression_threshold"] = threshold
    return out


def suppress_area_counts(areas: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *,
                         suppress_zero: bool = False) -> pd.DataFrame:
    """:func:`suppress_small_counts` for per-area summaries (``<indicator>_<aggregate>``).

    An area's total of a sensitive count (``home_based_est_sum``) below ``threshold`` is
    suppressed, and with it the mean of that count (``home_based_est_mean``) and the
    aggregates of everything derived from it (``home_based_share_pooled``); see
    :func:`wijkkracht.core.areas.summarise_by_area`.

    Examples
    --------
    >>> out = suppress_area_counts(pd.DataFrame({"home_based_est_sum": [2, 7],
    ...     "home_based_est_mean": [0.1, 0.4], "active_est_sum": [9, 30],
    ...     "home_based_share_pooled": [0.2, 0.3]}))
    >>> out["home_based_est_sum"].tolist(), out["home_based_share_pooled"].tolist()
    ([<NA>, 7], [nan, 0.3])
    """
    counts = [c for c in sensitive_counts() if f"{c}_sum" in areas.columns]
    derived: dict[str, tuple[str, ...]] = {f"{c}_mean": (f"{c}_sum",) for c in counts}
    for d, parts in DERIVED.items():
        derived[f"{d}_mean"] = tuple(f"{p}_sum" for p in parts if p in counts)
        derived[f"{d}_sum"] = derived[f"{d}_mean"]
        derived[f"{d}_pooled"] = derived[f"{d}_mean"]  # a share of the area's totals
    return suppress_small_counts(areas, threshold, columns=[f"{c}_sum" for c in counts],
                                 derived=derived, suppress_zero=suppress_zero)


def _only_housing(values: Iterable[object]) -> np.ndarray:
    """Whether each BAG ``gebruiksdoel`` value has no use but ``woonfunctie`` (an empty or
    missing value included: the use is unknown)."""
    out = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            out.append(True)
            continue
        uses = {part.strip().lower() for part in str(value).split(",")} - {""}
        out.append(uses <= {"woonfunctie"})
    return np.array(out, dtype=bool)


def is_residential(frame: pd.DataFrame, units: pd.DataFrame | None = None,
                   unit_id: str = "vbo_id") -> np.ndarray:
    """Which rows of ``frame`` lie at an address whose only use is housing (``woonfunctie``).

    An establishment there is a home-based business: mostly one person, so personal data.
    When the use cannot be told, the row counts as residential (the safe side).

    Parameters
    ----------
    frame
        Establishments (or any rows at BAG addresses). The use is taken from the first of: a
        ``home_based`` or ``is_home_based`` flag (missing: residential); a ``gebruiksdoel``
        column (BAG uses, comma separated; residential when ``woonfunctie`` is the only one, or
        none is given); ``units`` looked up through ``unit_id``.
    units
        BAG verblijfsobjecten with ``identificatie`` and ``gebruiksdoel``, for a ``frame``
        with neither a flag nor a ``gebruiksdoel``; an id not among them is residential.
    unit_id
        The column of ``frame`` holding the BAG id.

    Returns
    -------
    numpy.ndarray
        One bool per row; all True when nothing in ``frame`` tells the use.

    Examples
    --------
    >>> est = pd.DataFrame({"gebruiksdoel": ["woonfunctie", "woonfunctie,winkelfunctie",
    ...                                      "", None]})
    >>> is_residential(est).tolist()
    [True, False, True, True]
    """
    for flag in _HOME_FLAGS:
        if flag in frame.columns:
            return frame[flag].astype("boolean").fillna(True).to_numpy(dtype=bool)
    if "gebruiksdoel" in frame.columns:
        return _only_housing(frame["gebruiksdoel"])
    if units is not None and unit_id in frame.columns:
        doel = units.set_index(units["identificatie"].astype(str))["gebruiksdoel"]
        doel = doel[~doel.index.duplicated()]
        return _only_housing(frame[unit_id].astype("string").map(doel))
    return np.ones(len(frame), dtype=bool)


def check_publishable(
    frame: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    units: pd.DataFrame | None = None,
    unit_id: str = "vbo_id",
    what: str = "output",
) -> None:
    """Raise when a frame meant for publication still discloses establishments.

    Two checks:

    1. **Individuals at home.** A frame with a column identifying single establishments
       (:data:`ESTABLISHMENT_ID_COLUMNS`) may hold none at a residential address. The address
       use comes from a ``home_based`` flag, a ``gebruiksdoel`` column, or ``units`` looked up
       through ``unit_id``; when it cannot be told, every row counts as residential (the frame
       is refused rather than published unchecked).
    2. **Small counts.** No sensitive count column may hold a value in ``[1, threshold)``:
       run :func:`suppress_small_counts` first.

    Raises
    ------
    PrivacyError
        Naming the frame, the problem and how many rows it concerns.
    """
    ids = [c for c in ESTABLISHMENT_ID_COLUMNS if c in frame.columns]
    if ids and len(frame):
        res = is_residential(frame, units, unit_id)
        if res.any():
            raise PrivacyError(
                f"{what}: {int(res.sum())} individual establishment(s) (column {ids[0]!r}) "
                "at residential addresses (or at addresses of unknown use); aggregate them "
                "per street or area before publishing, or write an internal layer instead")
    small = {c: int(_small(frame[c], threshold, False).sum()) for c in sensitive_counts()
             if c in frame.columns}
    small = {c: k for c, k in small.items() if k}
    if small:
        listed = ", ".join(f"{c} ({k} row(s))" for c, k in small.items())
        raise PrivacyError(f"{what}: establishment counts below {threshold} in {listed}; "
                           "suppress them with wijkkracht.core.privacy.suppress_small_counts")
