"""Indicators from the BAG (verblijfsobjecten) and KvK-style establishments, per street segment.

Every function takes the street network plus frames that already carry ``segment_id`` (place
them with :func:`wijkkracht.core.network.locate_points`; ``-1`` = not on the network, ignored)
and returns a frame aligned to ``network.segments.index``. Columns are registered in
:mod:`.registry` (group ``bag``; ``requires`` says whether a column needs only the BAG or
also the establishments).

Inputs
------
units
    BAG verblijfsobjecten (schema of :mod:`wijkkracht.data_sources.bag`): ``identificatie``,
    ``gebruiksdoel`` (comma-separated uses), ``oppervlakte`` (m²), ``status``, ``bouwjaar``,
    ``pand_identificatie`` (optional) and ``segment_id``. Only units that exist
    (:data:`~wijkkracht.data_sources.schema.DEFAULT_STATUSES`: in use, out of use, being rebuilt)
    count; planned, withdrawn and erroneous units are ignored.
establishments
    ``segment_id``, ``start_date``, ``end_date`` (NaT = still active), ``employees``,
    ``sbi_code`` and the BAG verblijfsobject ``identificatie`` it sits at (column named by
    ``unit_id``, default ``"vbo_id"``; null = not joined to the BAG).

Floor area of multi-use units
-----------------------------
A verblijfsobject with several uses (``"woonfunctie,winkelfunctie"``) has one ``oppervlakte``;
the BAG does not say how it divides. Here it is **split equally over its uses** (a 120 m²
dwelling-with-shop counts 60 m² housing and 60 m² retail). A unit with a missing or non-positive
area adds no floor area (but still counts as a unit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data_sources.bundled import default_sbi_mapping
from ...data_sources.schema import DEFAULT_STATUSES, GEBRUIKSDOELEN, parse_gebruiksdoel
from ..distances import place, reach_counts
from ..errors import InputError
from ..network import StreetNetwork
from ..sbi import SbiMapping, parse_sbi_series
from ._common import frame, share
from .mixed_use import diversity

__all__ = [
    "bag_mixed_use",
    "bag_vacancy",
    "hidden_economy",
    "business_dynamics",
    "sbi_no_mix",
    "building_age_diversity",
    "bag_indicators",
    "use_area_matrix",
    "active_mask",
    "DYNAMICS_YEARS",
    "AGE_CLASS_YEARS",
]

#: Default window (years before the reference date) for starters and closures.
DYNAMICS_YEARS = 5
#: Default width (years) of the bouwjaar classes for age diversity.
AGE_CLASS_YEARS = 10
_IN_USE = ("Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)")
_OUT_OF_USE = "Verblijfsobject buiten gebruik"
_WOON = GEBRUIKSDOELEN.index("woonfunctie")


def _need(df: pd.DataFrame, what: str, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(what, f"missing column(s) {', '.join(missing)}")


def _segments(network: StreetNetwork, df: pd.DataFrame, what: str) -> np.ndarray:
    if "segment_id" not in df.columns:
        raise InputError(what, "missing column segment_id; place the rows on the network with "
                         "wijkkracht.core.network.locate_points first")
    raw = pd.to_numeric(df["segment_id"], errors="coerce")
    if raw.isna().any():
        raise InputError(what, f"{int(raw.isna().sum())} row(s) without a numeric segment_id "
                         "(use -1 for rows not on the network)")
    seg = raw.to_numpy(dtype=np.int64)
    if len(seg) and seg.max() >= network.n_segments:
        raise InputError(what, "segment_id refers to a segment not in this network")
    return seg


def _sum(seg: np.ndarray, mask: np.ndarray, n: int, weights: np.ndarray | None = None
         ) -> np.ndarray:
    keep = mask & (seg >= 0)
    w = None if weights is None else weights[keep]
    return np.bincount(seg[keep], weights=w, minlength=n)


def use_area_matrix(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Uses and floor area per use of each unit.

    Parameters
    ----------
    units
        Frame with ``gebruiksdoel`` and ``oppervlakte``.

    Returns
    -------
    has_use, area
        ``(n, 11)`` arrays in the order of :data:`GEBRUIKSDOELEN`: whether the unit has the use,
        and the floor area (m²) given to it (the area split equally over the unit's uses).

    Raises
    ------
    InputError
        When a ``gebruiksdoel`` is not a BAG use (the message names the row).

    Examples
    --------
    >>> has, area = use_area_matrix(pd.DataFrame({"gebruiksdoel": ["woonfunctie,winkelfunctie"],
    ...                                           "oppervlakte": [120]}))
    >>> area[0, 0], area[0, 9]
    (60.0, 60.0)
    """
    _need(units, "units", ("gebruiksdoel", "oppervlakte"))
    doel = units["gebruiksdoel"].to_numpy(dtype=object)
    uniq: dict[object, tuple[str, ...]] = {}
    has = np.zeros((len(units), len(GEBRUIKSDOELEN)), dtype=bool)
    for i, d in enumerate(doel):
        key = tuple(d) if isinstance(d, (list, np.ndarray)) else d
        if key not in uniq:
            try:
                uniq[key] = parse_gebruiksdoel(d)
            except ValueError as exc:
                raise InputError("units", f"row {units.index[i]!r}: {exc}") from exc
        for use in uniq[key]:
            has[i, GEBRUIKSDOELEN.index(use)] = True
    opp = pd.to_numeric(units["oppervlakte"], errors="coerce").to_numpy(dtype=np.float64,
                                                                         na_value=np.nan)
    opp = np.where(np.isfinite(opp) & (opp > 0), opp, 0.0)
    k = has.sum(axis=1)
    per_use = np.where(k > 0, opp / np.maximum(k, 1), 0.0)
    return has, has * per_use[:, None]


def _unique_ids(units: pd.DataFrame) -> None:
    if "identificatie" in units.columns:
        dup = units["identificatie"].dropna().astype(str)
        dup = dup[dup.duplicated()]
        if len(dup):
            raise InputError("units", f"{len(dup)} duplicate identificatie value(s), e.g. "
                             f"{dup.iloc[0]!r}; a verblijfsobject may appear only once")


def _existing(units: pd.DataFrame) -> np.ndarray:
    _need(units, "units", ("status", "segment_id"))
    _unique_ids(units)
    return units["status"].isin(DEFAULT_STATUSES).to_numpy()


def bag_mixed_use(network: StreetNetwork, units: pd.DataFrame) -> pd.DataFrame:
    """MXI, floor-area-weighted function diversity and non-residential intensity per segment.

    Returns
    -------
    pandas.DataFrame
        ``bag_units``, ``bag_floor_area_m2``, ``bag_housing_area_m2``, ``mxi`` (housing floor
        area / total floor area, van den Hoek's Mixed-use Index; null without floor area),
        ``bag_use_richness``, ``bag_use_shannon``, ``bag_use_hill1``, ``bag_use_hill2``
        (diversity of the 11 BAG uses weighted by floor area), ``nonres_units`` (units with
        any use other than woonfunctie), ``nonres_area_m2`` (their non-residential floor area),
        ``nonres_units_per_100m`` and ``nonres_area_per_100m`` (per 100 m of segment length).
    """
    n = network.n_segments
    seg = _segments(network, units, "units")
    ok = _existing(units) & (seg >= 0)
    has, area = use_area_matrix(units)
    area_seg = np.zeros((n, len(GEBRUIKSDOELEN)))
    np.add.at(area_seg, seg[ok], area[ok])
    total = area_seg.sum(axis=1)
    housing = area_seg[:, _WOON]
    nonres_area = total - housing
    nonres = has.copy()
    nonres[:, _WOON] = False
    nonres_units = _sum(seg, ok & nonres.any(axis=1), n)
    div = diversity(area_seg)
    per100 = 100.0 / np.where(network.length > 0, network.length, np.nan)
    return frame(network, {
        "bag_units": _sum(seg, ok, n).astype(np.int64),
        "bag_floor_area_m2": total,
        "bag_housing_area_m2": housing,
        "mxi": share(housing, total, empty=np.nan),
        "bag_use_richness": div["richness"],
        "bag_use_shannon": div["shannon"],
        "bag_use_hill1": div["hill1"],
        "bag_use_hill2": div["hill2"],
        "nonres_units": nonres_units.astype(np.int64),
        "nonres_area_m2": nonres_area,
        "nonres_units_per_100m": nonres_units * per100,
        "nonres_area_per_100m": nonres_area * per100,
    })


#: Walking radius (m) of the BAG mix around a segment, as for the OSM mix (``*_400``).
NEARBY_RADIUS = 400


def bag_mixed_use_nearby(network: StreetNetwork, units: pd.DataFrame) -> pd.DataFrame:
    """MXI and floor-area diversity of the BAG units within 400 m along the network.

    The per-segment :func:`bag_mixed_use` sees only the units whose nearest street is that
    segment (most footpaths have none); this looks at what a walker meets within 400 m, like
    the OSM indicators ``*_400``: the floor area per use of every existing unit whose position
    on the network (``segment_id``, ``offset_m`` from
    :func:`~wijkkracht.core.network.locate_points`) is within :data:`NEARBY_RADIUS` m of the
    segment's middle.

    Returns
    -------
    pandas.DataFrame
        ``bag_floor_area_400`` (m²), ``mxi_400`` (housing / all floor area; null without
        any), ``bag_use_hill1_400`` (effective number of BAG uses by floor area; 0 without).
    """
    seg = _segments(network, units, "units")
    _need(units, "units", ("offset_m",))
    ok = _existing(units) & (seg >= 0)
    _, area = use_area_matrix(units)
    rows, uses = np.nonzero(area * ok[:, None] > 0)  # one point per (unit, use) with area
    pts = place(seg[rows], units["offset_m"].to_numpy(dtype=np.float64)[rows])
    near = reach_counts(network, pts, uses[:, None], [len(GEBRUIKSDOELEN)], [[NEARBY_RADIUS]],
                        weights=area[rows, uses])[0][float(NEARBY_RADIUS)]
    total = near.sum(axis=1)
    return frame(network, {
        "bag_floor_area_400": total,
        "mxi_400": share(near[:, _WOON], total, empty=np.nan),
        "bag_use_hill1_400": diversity(near)["hill1"],
    })


def active_mask(establishments: pd.DataFrame, reference_date: str | pd.Timestamp
                ) -> np.ndarray:
    """Whether each establishment is active on ``reference_date``.

    Active: started on or before the date (a missing start counts as started) and not ended on
    or before it (``end_date`` missing or later).
    """
    _need(establishments, "establishments", ("start_date", "end_date"))
    ref = pd.Timestamp(reference_date)
    start = pd.to_datetime(establishments["start_date"])
    end = pd.to_datetime(establishments["end_date"])
    return ((start.isna() | (start <= ref)) & (end.isna() | (end > ref))).to_numpy()


def bag_vacancy(network: StreetNetwork, units: pd.DataFrame, establishments: pd.DataFrame, *,
                reference_date: str | pd.Timestamp, unit_id: str = "vbo_id") -> pd.DataFrame:
    """Vacancy *indication* from the BAG and the establishments (not the CBS statistic).

    A non-residential unit (uses present, none of them ``woonfunctie``) with status *in gebruik*
    is counted as possibly vacant when no establishment active on ``reference_date`` sits at it
    (``establishments[unit_id] == units.identificatie``). Units *buiten gebruik* are counted
    separately, whatever their use. Businesses without a KvK registration (and chains registered
    at a head office) make a unit look vacant: this is an indication only.

    Returns
    -------
    pandas.DataFrame
        ``nonres_in_use_units``, ``bag_vacant_units``, ``bag_vacant_area_m2``,
        ``bag_vacant_share`` (of non-residential units in use; null without any),
        ``bag_out_of_use_units``, ``bag_out_of_use_area_m2`` and ``bag_out_of_use_share`` (of
        existing units; null without any).
    """
    n = network.n_segments
    seg = _segments(network, units, "units")
    _need(units, "units", ("identificatie",))
    _need(establishments, "establishments", (unit_id,))
    exists = _existing(units) & (seg >= 0)
    has, area = use_area_matrix(units)
    total_area = area.sum(axis=1)
    nonres = has.any(axis=1) & ~has[:, _WOON]
    in_use = units["status"].isin(_IN_USE).to_numpy()
    act = active_mask(establishments, reference_date)
    occupied_ids = set(establishments.loc[act, unit_id].dropna().astype(str))
    occupied = units["identificatie"].astype(str).isin(occupied_ids).to_numpy()
    base = exists & nonres & in_use
    vacant = base & ~occupied
    out = exists & (units["status"].to_numpy() == _OUT_OF_USE)
    n_base = _sum(seg, base, n)
    n_vac = _sum(seg, vacant, n)
    n_exist = _sum(seg, exists, n)
    n_out = _sum(seg, out, n)
    return frame(network, {
        "nonres_in_use_units": n_base.astype(np.int64),
        "bag_vacant_units": n_vac.astype(np.int64),
        "bag_vacant_area_m2": _sum(seg, vacant, n, total_area),
        "bag_vacant_share": share(n_vac, n_base, empty=np.nan),
        "bag_out_of_use_units": n_out.astype(np.int64),
        "bag_out_of_use_area_m2": _sum(seg, out, n, total_area),
        "bag_out_of_use_share": share(n_out, n_exist, empty=np.nan),
    })


def hidden_economy(network: StreetNetwork, units: pd.DataFrame, establishments: pd.DataFrame,
                   *, reference_date: str | pd.Timestamp, unit_id: str = "vbo_id"
                   ) -> pd.DataFrame:
    """Home-based businesses and one-person firms among the active establishments.

    Home-based: an active establishment at a unit whose *only* use is ``woonfunctie``. One-person
    firm (ZZP proxy): ``employees == 1``; establishments without a known number of employees are
    left out of that share. Counted on the establishment's own ``segment_id``.

    These counts are personal data at low numbers: publish them only through
    :func:`wijkkracht.core.privacy.suppress_small_counts`.

    Returns
    -------
    pandas.DataFrame
        ``active_est``, ``home_based_est``, ``home_based_share`` (of active; null without),
        ``est_with_employees``, ``solo_est`` and ``solo_share`` (of those with a known number
        of employees; null without).
    """
    n = network.n_segments
    _need(units, "units", ("identificatie",))
    _need(establishments, "establishments", (unit_id, "employees"))
    _unique_ids(units)
    seg = _segments(network, establishments, "establishments")
    act = active_mask(establishments, reference_date)
    has, _ = use_area_matrix(units)
    only_home = has[:, _WOON] & (has.sum(axis=1) == 1)
    home_ids = set(units.loc[only_home, "identificatie"].astype(str))
    vbo = establishments[unit_id]
    home = (vbo.notna() & vbo.astype(str).isin(home_ids)).to_numpy()
    emp = pd.to_numeric(establishments["employees"], errors="coerce")
    known = emp.notna().to_numpy()
    solo = (emp == 1).fillna(False).to_numpy(dtype=bool)
    n_act = _sum(seg, act, n)
    n_home = _sum(seg, act & home, n)
    n_known = _sum(seg, act & known, n)
    n_solo = _sum(seg, act & solo, n)
    return frame(network, {
        "active_est": n_act.astype(np.int64),
        "home_based_est": n_home.astype(np.int64),
        "home_based_share": share(n_home, n_act, empty=np.nan),
        "est_with_employees": n_known.astype(np.int64),
        "solo_est": n_solo.astype(np.int64),
        "solo_share": share(n_solo, n_known, empty=np.nan),
    })


def business_dynamics(network: StreetNetwork, establishments: pd.DataFrame, *,
                      reference_date: str | pd.Timestamp, years: int = DYNAMICS_YEARS
                      ) -> pd.DataFrame:
    """Starters, closures and the mean age of active establishments.

    Starters: ``start_date`` in the ``years`` years up to and including ``reference_date``;
    closures: ``end_date`` in that window. Mean age: years (365.25 days) from ``start_date`` to
    the reference date, over active establishments with a known start.

    Returns
    -------
    pandas.DataFrame
        ``est_starters``, ``est_closures``, ``est_net_change`` (starters − closures) and
        ``est_mean_age_years`` (null without active establishments of known start).
        ``attrs["years"]`` holds the window.
    """
    if years <= 0:
        raise InputError("business_dynamics", f"years must be positive, not {years!r}")
    n = network.n_segments
    seg = _segments(network, establishments, "establishments")
    ref = pd.Timestamp(reference_date)
    lo = ref - pd.DateOffset(years=years)
    act = active_mask(establishments, ref)
    start = pd.to_datetime(establishments["start_date"])
    end = pd.to_datetime(establishments["end_date"])
    started = ((start > lo) & (start <= ref)).to_numpy()
    closed = ((end > lo) & (end <= ref)).to_numpy()
    age = ((ref - start).dt.days / 365.25).to_numpy(dtype=np.float64, na_value=np.nan)
    aged = act & np.isfinite(age)
    n_aged = _sum(seg, aged, n)
    age_sum = _sum(seg, aged, n, np.where(aged, age, 0.0))
    n_start = _sum(seg, started, n)
    n_close = _sum(seg, closed, n)
    out = frame(network, {
        "est_starters": n_start.astype(np.int64),
        "est_closures": n_close.astype(np.int64),
        "est_net_change": (n_start - n_close).astype(np.int64),
        "est_mean_age_years": share(age_sum, n_aged, empty=np.nan),
    })
    out.attrs["years"] = years
    return out


def sbi_no_mix(network: StreetNetwork, establishments: pd.DataFrame, *,
               reference_date: str | pd.Timestamp, mapping: SbiMapping | None = None
               ) -> pd.DataFrame:
    """N (necessary) and O (distinctive) establishments from their SBI 2008 code.

    Only establishments active on ``reference_date`` count; the class comes from the editable
    mapping of :mod:`wijkkracht.core.sbi` (the bundled one by default).

    Returns
    -------
    pandas.DataFrame
        ``sbi_n_count``, ``sbi_o_count`` and ``sbi_no_balance`` = 1 − |N − O| / (N + O)
        (0 with only N, only O or neither, as in the OSM N/O mix).

    Raises
    ------
    InputError
        When an active establishment has a malformed SBI code (count and first rows named).
    """
    _need(establishments, "establishments", ("sbi_code",))
    n = network.n_segments
    seg = _segments(network, establishments, "establishments")
    act = active_mask(establishments, reference_date)
    codes, problems = parse_sbi_series(establishments["sbi_code"])
    bad = problems.notna().to_numpy() & act
    if bad.any():
        rows = [f"{establishments.index[i]!r} ({problems.iloc[i]})" for i in
                np.flatnonzero(bad)[:3]]
        raise InputError("establishments", f"{int(bad.sum())} active establishment(s) with a "
                         f"malformed SBI code, e.g. row {'; '.join(rows)}")
    cls = (mapping or default_sbi_mapping()).classify_series(codes).to_numpy()
    n_n = _sum(seg, act & (cls == "N"), n)
    n_o = _sum(seg, act & (cls == "O"), n)
    return frame(network, {
        "sbi_n_count": n_n.astype(np.int64),
        "sbi_o_count": n_o.astype(np.int64),
        "sbi_no_balance": 1.0 - share(np.abs(n_n - n_o), n_n + n_o),
    })


def building_age_diversity(network: StreetNetwork, units: pd.DataFrame, *,
                           class_years: int = AGE_CLASS_YEARS) -> pd.DataFrame:
    """Diversity of building ages along each segment (Jacobs' "aged buildings").

    Buildings are the distinct ``pand_identificatie`` among the existing units of the segment
    (each unit is its own building when that column is absent); a building is counted once per
    segment, with the ``bouwjaar`` of its first unit. Ages are grouped in classes of
    ``class_years`` years (decades by default: 1950-1959, 1960-1969, ...); all buildings before
    1900 form one class. Units without a bouwjaar are left out.

    Returns
    -------
    pandas.DataFrame
        ``age_buildings``, ``age_richness`` (number of age classes), ``age_shannon`` and
        ``age_hill1`` (0 without buildings: no diversity).
    """
    if class_years <= 0:
        raise InputError("building_age_diversity", "class_years must be positive")
    _need(units, "units", ("bouwjaar",))
    n = network.n_segments
    seg = _segments(network, units, "units")
    year = pd.to_numeric(units["bouwjaar"], errors="coerce").to_numpy(dtype=np.float64,
                                                                       na_value=np.nan)
    ok = _existing(units) & (seg >= 0) & np.isfinite(year)
    pand = (units["pand_identificatie"].astype(str).to_numpy() if "pand_identificatie" in
            units.columns else units.index.astype(str).to_numpy())
    df = pd.DataFrame({"seg": seg[ok], "pand": pand[ok], "year": year[ok]})
    df = df.drop_duplicates(["seg", "pand"])
    cls = np.where(df["year"] < 1900, -1, np.floor(df["year"].to_numpy() / class_years))
    uniq, code = np.unique(cls, return_inverse=True)
    counts = np.zeros((n, max(len(uniq), 1)))
    np.add.at(counts, (df["seg"].to_numpy(dtype=np.int64), code), 1.0)
    div = diversity(counts)
    return frame(network, {
        "age_buildings": counts.sum(axis=1).astype(np.int64),
        "age_richness": div["richness"],
        "age_shannon": div["shannon"],
        "age_hill1": div["hill1"],
    })


def bag_indicators(network: StreetNetwork, units: pd.DataFrame,
                   establishments: pd.DataFrame | None, *,
                   reference_date: str | pd.Timestamp, unit_id: str = "vbo_id",
                   years: int = DYNAMICS_YEARS, mapping: SbiMapping | None = None
                   ) -> pd.DataFrame:
    """All BAG/establishment indicators side by side.

    Parameters
    ----------
    network
        The street network.
    units
        BAG verblijfsobjecten with ``segment_id`` (see the module docstring); with
        ``offset_m`` too (as the pipeline places them) the 400 m columns of
        :func:`bag_mixed_use_nearby` are added.
    establishments
        Establishments with ``segment_id`` and ``unit_id``; None gives only the BAG columns
        (MXI, diversity, intensity, building ages).
    reference_date
        The date establishments must be active on, and the end of the dynamics window.
    unit_id
        Column of ``establishments`` holding the BAG verblijfsobject ``identificatie``.
    years
        Window of :func:`business_dynamics`.
    mapping
        SBI N/O mapping (default: the bundled table).

    Returns
    -------
    pandas.DataFrame
        The columns of every function of this module, aligned to ``network.segments.index``.
    """
    parts = [bag_mixed_use(network, units), building_age_diversity(network, units)]
    if "offset_m" in units.columns:  # placed with locate_points: the 400 m mix too
        parts.insert(1, bag_mixed_use_nearby(network, units))
    if establishments is not None:
        parts += [
            bag_vacancy(network, units, establishments, reference_date=reference_date,
                        unit_id=unit_id),
            hidden_economy(network, units, establishments, reference_date=reference_date,
                           unit_id=unit_id),
            business_dynamics(network, establishments, reference_date=reference_date,
                              years=years),
            sbi_no_mix(network, establishments, reference_date=reference_date,
                       mapping=mapping),
        ]
    return pd.concat(parts, axis=1)
