"""SYNTHETIC BAG verblijfsobjecten and KvK-style establishments, for tests and benchmarks.

KvK's Handelsregister is not open and no open BAG extract with uses is bundled, so this module
generates both, seeded and reproducible, on the *real* building points and streets of the
bundled Kanaleneiland data (:func:`wijkkracht.demo.prepare_demo`). **Nothing it makes
is real data**: every frame has a ``synthetic`` column (all True) and ``attrs["synthetic"]``,
and every file :func:`write_synthetic` writes has "synthetic" in its name and says
"SYNTHETIC — generated, not real BAG/KvK data" in its metadata.

How the data are made (all vectorised numpy; no Python loop per row):

* **Locations**: OSM building points with ``building_use`` residential or non_residential
  (houseboats and caravans are left out: in the BAG they are *ligplaatsen*/*standplaatsen*,
  not verblijfsobjecten). Each point takes the name of the nearest named street.
* **Verblijfsobjecten**: a house gives one dwelling (``woonfunctie``, ~80-250 m²); an
  apartment building 6-40 dwellings of 40-120 m² (the Kanaleneiland galerijflats), a tenth of
  them with 1-3 ground-floor units (mostly shops); non-residential buildings 1-6 units whose
  use follows the OSM tag (retail -> ``winkelfunctie``, office -> ``kantoorfunctie``, ...) with
  log-normal floor areas per use. About 2 % of dwellings and 7 % of other units are
  ``Verblijfsobject buiten gebruik``. ``bouwjaar`` is per building: 60 % in 1955-1965 (the
  post-war build of Kanaleneiland), the rest 1950-2020.
* **Addresses**: numbered along each street (by x); apartment buildings either number every
  dwelling or share one number with ``toevoeging`` 1, 2, ...; some non-residential buildings
  use ``huisletter`` A, B, .... A postcode (4 digits + 2 letters, never SA/SD/SS) covers a block
  of 40 numbers of one street, so postcodes are consistent per street. Addresses are unique.
* **Establishments**: ``vestigingsnummer`` (12 digits), an SBI 2008 code from a realistic mix
  (one for home-based businesses, one for business premises), its N/O class from the bundled
  mapping (:mod:`wijkkracht.core.sbi`), start and end dates, employees (mostly 1: ZZP), legal
  form. ~30 % sit at addresses whose only use is ``woonfunctie`` (home-based), the rest at
  non-residential units; a few (``n_unmatched``) carry an address that does not exist, so the
  match-rate reporting of the join can be tested. ``synthetic_case`` and
  ``synthetic_true_vbo`` hold the truth for tests; a real KvK export has neither.
* **Scale**: ``scale`` < 1 samples the buildings; ``scale`` > 1 repeats the whole area in tiles
  side by side (shifted, with their own postcodes and ids); :attr:`SyntheticData.streets`
  holds the street network tiled the same way. Scale 80 gives ~2 M addresses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.errors import InputError, OutputError
from .bundled import default_sbi_mapping

__all__ = [
    "SYNTHETIC_NOTICE",
    "GEBRUIKSDOELEN",
    "SyntheticBase",
    "SyntheticData",
    "base_from_layers",
    "demo_base",
    "generate_synthetic",
    "write_synthetic",
]

#: The text every synthetic output carries.
SYNTHETIC_NOTICE = "SYNTHETIC — generated, not real BAG/KvK data"

#: BAG gebruiksdoel values, in the order of the use indices used below.
GEBRUIKSDOELEN = (
    "woonfunctie", "bijeenkomstfunctie", "celfunctie", "gezondheidszorgfunctie",
    "industriefunctie", "kantoorfunctie", "logiesfunctie", "onderwijsfunctie", "sportfunctie",
    "winkelfunctie", "overige gebruiksfunctie",
)
_WOON, _BIJEEN, _CEL, _ZORG, _IND, _KANT, _LOG, _ONDW, _SPORT, _WINK, _OVER = range(11)

#: Median floor area (m²) and log-normal sigma per use (index as GEBRUIKSDOELEN).
_AREA_MEDIAN = np.array([115, 400, 1000, 200, 800, 250, 300, 3000, 1500, 120, 100], float)
_AREA_SIGMA = np.array([0.25, 0.6, 0.5, 0.7, 0.8, 0.9, 0.6, 0.5, 0.6, 0.8, 0.8])
_AREA_MIN = np.array([40, 50, 200, 20, 50, 15, 50, 300, 100, 15, 10], float)

# Building kinds: units per building (low, high inclusive) of the non-residential part and the
# probabilities of each use for those units.
_HOUSE, _APART, _RETAIL, _COMM, _OFFICE, _INDUS, _SCHOOL, _SPORTB, _MEET, _OTHER = range(10)
_KIND_OF_TAG = {
    "house": _HOUSE, "detached": _HOUSE, "semidetached_house": _HOUSE, "terrace": _HOUSE,
    "bungalow": _HOUSE, "farm": _HOUSE,
    "apartments": _APART, "residential": _APART, "dormitory": _APART,
    "retail": _RETAIL, "supermarket": _RETAIL, "kiosk": _RETAIL,
    "commercial": _COMM,
    "office": _OFFICE,
    "industrial": _INDUS, "warehouse": _INDUS,
    "school": _SCHOOL, "college": _SCHOOL, "university": _SCHOOL, "kindergarten": _SCHOOL,
    "sports_centre": _SPORTB, "sports_hall": _SPORTB,
    "church": _MEET, "mosque": _MEET, "civic": _MEET, "public": _MEET,
    "community_centre": _MEET,
}
_LEFT_OUT_TAGS = ("building=houseboat", "building=static_caravan")
_NONRES_UNITS = np.array([[0, 0], [1, 3], [1, 6], [1, 4], [1, 5], [1, 3], [1, 1], [1, 1],
                          [1, 1], [1, 2]])
_USE_P = np.zeros((10, 11))
_USE_P[_APART, [_WINK, _KANT, _ZORG, _BIJEEN]] = [0.6, 0.25, 0.1, 0.05]
_USE_P[_RETAIL, [_WINK, _KANT]] = [0.9, 0.1]
_USE_P[_COMM, [_WINK, _KANT, _BIJEEN, _LOG]] = [0.5, 0.35, 0.1, 0.05]
_USE_P[_OFFICE, [_KANT, _ZORG, _ONDW]] = [0.85, 0.1, 0.05]
_USE_P[_INDUS, [_IND, _KANT, _OVER]] = [0.65, 0.2, 0.15]
_USE_P[_SCHOOL, [_ONDW]] = [1.0]
_USE_P[_SPORTB, [_SPORT]] = [1.0]
_USE_P[_MEET, [_BIJEEN]] = [1.0]
_USE_P[_OTHER, [_OVER, _KANT, _BIJEEN]] = [0.5, 0.3, 0.2]
_USE_P[_HOUSE, _OVER] = 1.0  # never drawn (houses have no non-residential units)

# SBI 2008 mix: code, weight among home-based businesses, weight among business premises.
# Home-based: ZZP in construction, IT, consultancy, creative work, care, web shops, taxis.
# Premises: the shops, food and drink, practices and offices of a Dutch neighbourhood.
_SBI_MIX = (
    ("43.21", 6, 1), ("43.34", 5, 0.5), ("43.99", 4, 1), ("41.20", 3, 1),
    ("62.01", 7, 3), ("70.22", 8, 4), ("69.20", 2, 3), ("68.20", 2, 2),
    ("74.10", 5, 1), ("74.20", 3, 0.5), ("73.11", 2, 1), ("74.30", 2, 0.3),
    ("90.01", 3, 0.5), ("90.03", 4, 0.5), ("85.59", 4, 2), ("85.52", 1, 1),
    ("86.91", 1, 1), ("86.92", 1, 2), ("86.99", 3, 1), ("88.91", 2, 2),
    ("47.91", 6, 0.5), ("49.32", 5, 0.5), ("53.20", 2, 0.5), ("81.21", 4, 1),
    ("96.02", 3, 4), ("96.09", 2, 0.5), ("56.21", 2, 0.5), ("93.19", 2, 1),
    ("14.13", 1, 0.5), ("95.29", 1, 1),
    ("47.11", 0, 4), ("47.21", 0, 2), ("47.22", 0, 2), ("10.71", 0, 1.5), ("47.24", 0, 1),
    ("47.73", 0, 1), ("47.75", 0, 1), ("86.21", 0, 1.5), ("86.23", 0, 1), ("56.10", 0, 5),
    ("56.30", 0, 2), ("47.71", 0, 4), ("47.42", 0, 2), ("47.29", 0, 1), ("47.89", 0, 1),
    ("45.20", 0, 3), ("46.90", 0, 3), ("52.29", 0, 1), ("85.20", 0, 1), ("94.91", 0, 1.5),
    ("93.13", 0, 1), ("91.01", 0, 0.3), ("90.04", 0, 0.3), ("64.19", 0, 0.3),
    ("84.11", 0, 0.5), ("55.10", 0, 0.5),
)
_LEGAL_SOLO = (("Eenmanszaak", 0.85), ("Besloten Vennootschap", 0.12), ("Stichting", 0.03))
_LEGAL_MULTI = (("Besloten Vennootschap", 0.5), ("Vennootschap onder firma", 0.2),
                ("Eenmanszaak", 0.15), ("Stichting", 0.07), ("Vereniging", 0.03),
                ("Maatschap", 0.03), ("Commanditaire vennootschap", 0.01),
                ("Naamloze vennootschap", 0.01))


@dataclass(frozen=True)
class SyntheticBase:
    """The real locations the generator builds on (EPSG:28992).

    Attributes
    ----------
    x, y
        Building point coordinates.
    kind
        Building kind index (house, apartments, retail, ... see ``_KIND_OF_TAG``).
    street
        Index into ``street_names`` of the nearest named street.
    street_names
        The street names.
    streets
        The street segments (``osm_id``, ``street_name``, ``highway``, geometry).
    """

    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray
    street: np.ndarray
    street_names: np.ndarray
    streets: gpd.GeoDataFrame


def base_from_layers(pois: gpd.GeoDataFrame, streets: gpd.GeoDataFrame) -> SyntheticBase:
    """Build the base from classified POIs and street segments.

    Parameters
    ----------
    pois
        POIs with ``tag`` and ``building_use`` (as :func:`~wijkkracht.core.categories.
        classify_pois` gives them), EPSG:28992.
    streets
        Street segments with ``osm_id``, ``street_name``, ``highway``, EPSG:28992.

    Raises
    ------
    InputError
        When there are no building points or no named streets.
    """
    b = pois[pois["building_use"].isin(["residential", "non_residential"])
             & ~pois["tag"].isin(_LEFT_OUT_TAGS)]
    named = streets[streets["street_name"].fillna("").astype(str).str.len() > 0]
    if b.empty or named.empty:
        raise InputError(None, "synthetic data need building points and named streets")
    pts = shapely.centroid(b.geometry.to_numpy())
    tree = shapely.STRtree(named.geometry.to_numpy())
    _, nearest = tree.query_nearest(pts, return_distance=False, all_matches=False)
    names, street = np.unique(named["street_name"].astype(str).to_numpy()[nearest],
                              return_inverse=True)
    value = b["tag"].astype(str).str.partition("=")[2]
    default = np.where(b["building_use"].to_numpy() == "residential", _HOUSE, _OTHER)
    kind = value.map(_KIND_OF_TAG).to_numpy(dtype=float)
    kind = np.where(np.isnan(kind), default, kind).astype(np.int64)
    return SyntheticBase(x=shapely.get_x(pts), y=shapely.get_y(pts), kind=kind,
                         street=street.astype(np.int64), street_names=names,
                         streets=streets[["osm_id", "street_name", "highway", "geometry"]]
                         .reset_index(drop=True))


def demo_base() -> SyntheticBase:
    """The base from the bundled real Kanaleneiland network and building points."""
    from ..core.prepare import prepare
    from .bundled import demo_data_path
    from .files import read_area, read_pois, read_streets

    path = demo_data_path()
    network, pois = prepare(read_streets(path, layer="streets", check_default_walk=False),
                            read_pois(path, layer="pois"), read_area(path, layer="study_area"))
    return base_from_layers(pois, network.segments)


@dataclass(frozen=True)
class SyntheticData:
    """What :func:`generate_synthetic` returns (all of it SYNTHETIC).

    Attributes
    ----------
    verblijfsobjecten
        BAG verblijfsobject schema (EPSG:28992 points) plus ``synthetic``.
    establishments
        KvK-style establishments (no geometry: addressed by postcode + huisnummer).
    streets
        The real street segments, tiled like the buildings, with a ``tile`` column.
    seed, scale
        The parameters used.
    notes
        ``{"notice": SYNTHETIC_NOTICE}``.
    """

    verblijfsobjecten: gpd.GeoDataFrame
    establishments: pd.DataFrame
    streets: gpd.GeoDataFrame
    seed: int
    scale: float
    notes: dict[str, object] = field(default_factory=dict)


def _pick(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category per row, row i drawn from ``probs[rows[i]]`` (vectorised)."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-9
    u = rng.random(len(rows))
    return (u[:, None] >= cum[rows]).sum(axis=1)


def _postcode_letters() -> np.ndarray:
    a = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    pairs = np.char.add(np.repeat(a, 26), np.tile(a, 26))
    return pairs[~np.isin(pairs, ["SA", "SD", "SS"])]


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal strings of non-negative integers (object array)."""
    return pd.Series(values.astype(np.int64)).astype(str).str.zfill(width).to_numpy(object)


def _tiles(base: SyntheticBase, scale: float, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Building index, tile and x/y shift of every building of every tile."""
    n = len(base.x)
    n_tiles = max(1, math.ceil(scale))
    last = scale - (n_tiles - 1)
    idx = np.tile(np.arange(n), n_tiles)
    tile = np.repeat(np.arange(n_tiles), n)
    keep = (tile < n_tiles - 1) | (rng.random(len(idx)) < last)
    idx, tile = idx[keep], tile[keep]
    cols = math.ceil(math.sqrt(n_tiles))
    width = np.ptp(base.x) + 1000.0
    height = np.ptp(base.y) + 1000.0
    return idx, tile, (tile % cols) * width, (tile // cols) * height


def _tiled_streets(base: SyntheticBase, n_tiles: int) -> gpd.GeoDataFrame:
    cols = math.ceil(math.sqrt(n_tiles))
    width = np.ptp(base.x) + 1000.0
    height = np.ptp(base.y) + 1000.0
    s = base.streets
    geoms = s.geometry.to_numpy()
    parts = []
    for t in range(n_tiles):  # one loop per tile, not per row
        g = shapely.transform(geoms, lambda c, t=t: c + [(t % cols) * width,
                                                          (t // cols) * height])
        part = pd.DataFrame({"osm_id": s["osm_id"].astype(str) + (f"_t{t}" if t else ""),
                             "street_name": s["street_name"], "highway": s["highway"],
                             "tile": t})
        parts.append(gpd.GeoDataFrame(part, geometry=g, crs=28992))
    out = pd.concat(parts, ignore_index=True)
    out["synthetic"] = True
    return out


def _verblijfsobjecten(base: SyntheticBase, rng: np.random.Generator, scale: float,
                       snapshot: pd.Timestamp) -> gpd.GeoDataFrame:
    bidx, tile, dx, dy = _tiles(base, scale, rng)
    nb = len(bidx)
    kind = base.kind[bidx]
    street = base.street[bidx]
    bx, by = base.x[bidx] + dx, base.y[bidx] + dy

    # units per building: residential part and non-residential part
    n_res = np.where(kind == _HOUSE, 1, np.where(kind == _APART, rng.integers(6, 41, nb), 0))
    lo, hi = _NONRES_UNITS[kind, 0], _NONRES_UNITS[kind, 1]
    n_non = lo + np.floor(rng.random(nb) * (hi - lo + 1)).astype(np.int64)
    n_non = np.where((kind == _APART) & (rng.random(nb) >= 0.1), 0, n_non)
    n_units = n_res + n_non

    # numbering mode per building: 0 = own number per unit, 1 = toevoeging, 2 = huisletter
    multi = n_units > 1
    mode = np.where(~multi, 0, np.where(rng.random(nb) < 0.3,
                                        np.where(kind == _APART, 1, 2), 0))
    slots = np.where(mode == 0, n_units, 1)

    # order buildings along their street (tile, street, x) and number them
    order = np.lexsort((bx, street, tile))
    key = tile[order] * (len(base.street_names) + 1) + street[order]
    first = np.r_[True, key[1:] != key[:-1]]
    cs = np.cumsum(slots[order]) - slots[order]
    start_in_group = cs - np.maximum.accumulate(np.where(first, cs, 0))
    first_number = np.empty(nb, np.int64)
    first_number[order] = start_in_group + 1

    # buildings -> units (non-residential units first: the ground floor)
    b_of_u = np.repeat(np.arange(nb), n_units)
    rank = np.arange(len(b_of_u)) - np.repeat(np.cumsum(n_units) - n_units, n_units)
    nu = len(b_of_u)
    ukind, umode = kind[b_of_u], mode[b_of_u]
    is_non = rank < n_non[b_of_u]
    use = np.where(is_non, _pick(rng, _USE_P, ukind), _WOON)

    huisnummer = first_number[b_of_u] + np.where(umode == 0, rank, 0)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)
    huisletter = np.where(umode == 2, letters[np.minimum(rank, 25)], None)
    toevoeging = np.where(umode == 1, (rank + 1).astype(str).astype(object), None)

    # postcodes: a block of 40 numbers of one street in one tile
    pkey = ((tile[b_of_u].astype(np.int64) * (len(base.street_names) + 1)
             + street[b_of_u]) * 10_000 + (huisnummer - 1) // 40)
    ukeys, pinv = np.unique(pkey, return_inverse=True)
    pairs = _postcode_letters()
    pc_digits = 3521 + np.arange(len(ukeys)) // len(pairs)
    if pc_digits.max(initial=0) > 9999:
        raise InputError(None, "scale too large for unique synthetic postcodes")
    pc = np.char.add(pc_digits.astype(str), pairs[np.arange(len(ukeys)) % len(pairs)])
    postcode = pc.astype(object)[pinv]

    # floor area: apartments 40-120 m², other uses log-normal per use
    area = _AREA_MEDIAN[use] * np.exp(_AREA_SIGMA[use] * rng.standard_normal(nu))
    area = np.maximum(area, _AREA_MIN[use])
    apt_home = (use == _WOON) & (ukind == _APART)
    area = np.where(apt_home, rng.triangular(40, 65, 120, nu), area)
    area = np.round(np.where(use == _WOON, np.minimum(area, 250), area))

    # a few multi-use units, and statuses
    gebruiksdoel = np.array(GEBRUIKSDOELEN, dtype=object)[use]
    combo = (use == _WINK) & (rng.random(nu) < 0.03)
    gebruiksdoel = np.where(combo, "kantoorfunctie,winkelfunctie", gebruiksdoel)
    out_of_use = rng.random(nu) < np.where(use == _WOON, 0.02, 0.07)
    status = np.where(out_of_use, "Verblijfsobject buiten gebruik",
                      "Verblijfsobject in gebruik").astype(object)

    # bouwjaar per building: post-war peak
    peak = rng.random(nb) < 0.6
    year = np.where(peak, np.clip(np.round(rng.normal(1960, 2.5, nb)), 1955, 1965),
                    rng.integers(1950, 2021, nb)).astype(np.int64)

    jitter = np.where(n_units[b_of_u] > 1, 4.0, 0.0)
    ux = bx[b_of_u] + jitter * rng.standard_normal(nu)
    uy = by[b_of_u] + jitter * rng.standard_normal(nu)
    ident = np.char.add("03440", _digits(np.arange(1, nu + 1), 11).astype(str))
    pand = np.char.add("03441", _digits(np.arange(1, nb + 1), 11).astype(str))
    gdf = gpd.GeoDataFrame(
        {
            "identificatie": ident.astype(object),
            "gebruiksdoel": gebruiksdoel,
            "oppervlakte": area.astype(float),
            "status": status,
            "openbare_ruimte_naam": base.street_names.astype(object)[street[b_of_u]],
            "huisnummer": pd.array(huisnummer, dtype="Int64"),
            "huisletter": huisletter,
            "toevoeging": toevoeging,
            "postcode": postcode,
            "pand_identificatie": pand.astype(object)[b_of_u],
            "bouwjaar": pd.array(year[b_of_u], dtype="Int64"),
            "synthetic": np.ones(nu, bool),
        },
        geometry=shapely.points(ux, uy), crs=28992,
    )
    gdf.attrs["bag"] = {"source": f"{SYNTHETIC_NOTICE} (wijkkracht.data_sources.synthetic)",
                        "snapshot_date": snapshot.date().isoformat(),
                        "status_filter": None,  # the bag.py convention: None = all kept
                        "dropped_by_status": {},
                        "synthetic": True}
    gdf.attrs["synthetic"] = True
    return gdf


def _establishments(vbo: gpd.GeoDataFrame, rng: np.random.Generator, per_address: float,
                    home_share: float, n_unmatched: int | None,
                    snapshot: pd.Timestamp) -> pd.DataFrame:
    in_use = vbo["status"].to_numpy() == "Verblijfsobject in gebruik"
    doel = vbo["gebruiksdoel"].to_numpy()
    home_pool = np.flatnonzero(in_use & (doel == "woonfunctie"))
    prem_pool = np.flatnonzero(in_use & ~pd.Series(doel).str.contains("woonfunctie").to_numpy())
    n = int(round(per_address * len(vbo)))
    n_bad = int(n_unmatched) if n_unmatched is not None else max(3, n // 500)
    n_bad = min(n_bad, n)
    n_ok = n - n_bad
    n_home = int(round(home_share * n_ok)) if len(prem_pool) else n_ok
    n_prem = n_ok - n_home
    if (n_home and not len(home_pool)) or (n_prem and not len(prem_pool)):
        raise InputError(None, "too few synthetic addresses for the establishments asked for")
    weight = vbo["oppervlakte"].to_numpy()[prem_pool] ** 0.7
    at = np.concatenate([
        home_pool[rng.integers(0, len(home_pool), n_home)] if n_home else np.zeros(0, int),
        rng.choice(prem_pool, n_prem, p=weight / weight.sum()) if n_prem else np.zeros(0, int),
        rng.integers(0, len(vbo), n_bad),
    ])
    case = np.repeat(np.array(["home_based", "premises", "unmatched"], dtype=object),
                     [n_home, n_prem, n_bad])
    home = case == "home_based"

    codes = np.array([c for c, _, _ in _SBI_MIX], dtype=object)
    w = np.array([[h, p] for _, h, p in _SBI_MIX], float)
    probs = (w / w.sum(axis=0)).T  # row 0 home, row 1 premises
    sbi = codes[_pick(rng, probs, np.where(home, 0, 1))]
    sbi_digits = pd.Series(sbi).str.replace(".", "", regex=False)
    no_class = default_sbi_mapping().classify_series(sbi_digits).to_numpy(object)

    solo_p = np.where(home, 0.9, 0.45)
    employees = np.where(rng.random(n) < solo_p, 1,
                         np.minimum(1 + rng.geometric(np.where(home, 0.6, 0.2)), 500))
    solo = np.array([f for f, _ in _LEGAL_SOLO], dtype=object)
    multi = np.array([f for f, _ in _LEGAL_MULTI], dtype=object)
    legal = np.where(employees == 1,
                     solo[_pick(rng, np.array([[p for _, p in _LEGAL_SOLO]]), np.zeros(n, int))],
                     multi[_pick(rng, np.array([[p for _, p in _LEGAL_MULTI]]),
                                 np.zeros(n, int))])

    age_days = np.minimum(rng.exponential(9.0, n), 50.0) * 365.25
    start = snapshot - pd.to_timedelta(np.round(age_days), unit="D")
    closed = rng.random(n) < 0.08
    end_offset = rng.random(n) * age_days
    end = pd.DatetimeIndex(start + pd.to_timedelta(np.round(end_offset), unit="D"))
    end = end.where(closed, pd.NaT)

    huisnummer = vbo["huisnummer"].to_numpy(dtype=np.int64)[at]
    bad = case == "unmatched"
    huisnummer = np.where(bad, 90_000 + np.arange(n) % 9_999, huisnummer)
    true_vbo = np.where(bad, None, vbo["identificatie"].to_numpy()[at])
    vnr = 10**11 + (np.arange(n, dtype=np.int64) * 7919 + int(rng.integers(0, 10**9))) \
        % (9 * 10**11)
    df = pd.DataFrame({
        "vestigingsnummer": _digits(vnr, 12),
        "sbi_code": sbi,
        "no_class": no_class,
        "start_date": pd.DatetimeIndex(start).normalize(),
        "end_date": end.normalize(),
        "employees": pd.array(employees, dtype="Int64"),
        "legal_form": legal,
        "postcode": vbo["postcode"].to_numpy()[at],
        "huisnummer": pd.array(huisnummer, dtype="Int64"),
        "huisletter": vbo["huisletter"].to_numpy()[at],
        "toevoeging": vbo["toevoeging"].to_numpy()[at],
        "synthetic_case": case,
        "synthetic_true_vbo": true_vbo,
        "synthetic": np.ones(n, bool),
    })
    df = df.iloc[rng.permutation(n)].reset_index(drop=True)
    df.attrs["establishments"] = {"source": f"{SYNTHETIC_NOTICE} (wijkkracht.data_sources"
                                            ".synthetic)",
                                  "snapshot_date": snapshot.date().isoformat(),
                                  "synthetic": True}
    df.attrs["synthetic"] = True
    return df


def generate_synthetic(
    seed: int = 0,
    scale: float = 1.0,
    *,
    base: SyntheticBase | None = None,
    establishments_per_address: float = 0.25,
    home_based_share: float = 0.3,
    n_unmatched: int | None = None,
    snapshot_date: str = "2026-01-01",
) -> SyntheticData:
    """Generate SYNTHETIC BAG verblijfsobjecten and KvK-style establishments.

    Parameters
    ----------
    seed
        Random seed: the same seed, scale and base give identical frames.
    scale
        Size relative to the base area (Kanaleneiland: ~25 000 addresses at 1.0); below 1 the
        buildings are sampled, above 1 the area is repeated in shifted tiles.
    base
        The real locations (default: :func:`demo_base`, the bundled Kanaleneiland data).
    establishments_per_address
        Establishments per verblijfsobject (0.25, about the Dutch ratio of KvK establishments
        to BAG verblijfsobjecten; the benchmark uses 0.5: 1 M establishments for 2 M addresses).
    home_based_share
        Share of (matched) establishments at woonfunctie-only addresses.
    n_unmatched
        Establishments with an address that does not exist (default: 0.2 %, at least 3).
    snapshot_date
        Date the data pretend to describe (ISO); start dates lie before it.

    Returns
    -------
    SyntheticData
        Every frame flagged ``synthetic`` (column and attrs).

    Raises
    ------
    InputError
        A non-positive scale, shares outside [0, 1], or a bad snapshot date.
    """
    if not (scale > 0 and math.isfinite(scale)):
        raise InputError(None, f"scale must be a positive number, not {scale!r}")
    if not 0.0 <= home_based_share <= 1.0:
        raise InputError(None, f"home_based_share must lie in [0, 1], not {home_based_share}")
    if not establishments_per_address >= 0:
        raise InputError(None, "establishments_per_address must not be negative")
    try:
        snapshot = pd.Timestamp(snapshot_date)
    except ValueError as exc:
        raise InputError(None, f"snapshot_date {snapshot_date!r} is not a date") from exc
    base = base if base is not None else demo_base()
    rng = np.random.default_rng(seed)
    vbo = _verblijfsobjecten(base, rng, scale, snapshot)
    est = _establishments(vbo, rng, establishments_per_address, home_based_share,
                          n_unmatched, snapshot)
    streets = _tiled_streets(base, max(1, math.ceil(scale)))
    return SyntheticData(verblijfsobjecten=vbo, establishments=est, streets=streets,
                         seed=seed, scale=scale, notes={"notice": SYNTHETIC_NOTICE})


def write_synthetic(out_dir: str | Path, data: SyntheticData | None = None, *,
                    seed: int = 0, scale: float = 1.0) -> list[Path]:
    """Write SYNTHETIC data to ``out_dir`` (generated with ``seed``/``scale`` if not given).

    Files (every name contains "synthetic"):

    * ``bag_synthetic.gpkg``: layer ``verblijfsobject_synthetic``;
    * ``streets_synthetic.gpkg``: layer ``streets_synthetic`` (the tiled real streets);
    * ``establishments_synthetic.csv`` (UTF-8, comma separated, ``synthetic`` column) and
      ``establishments_synthetic.README.txt`` with the same notice.

    Both GeoPackage layers carry the description, and both datasets a NOTICE item,
    "SYNTHETIC — generated, not real BAG/KvK data". Two files rather than two layers in one:
    appending a layer to a GeoPackage just written with millions of points failed with "database is locked"
    (GDAL's background R-tree build).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        When the folder cannot be created or written.
    """
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    data = data if data is not None else generate_synthetic(seed, scale)
    out = Path(out_dir)
    meta = {"DESCRIPTION": SYNTHETIC_NOTICE, "NOTICE": SYNTHETIC_NOTICE,
            "SYNTHETIC": "true", "SEED": str(data.seed), "SCALE": str(data.scale)}
    files = [out / "bag_synthetic.gpkg", out / "streets_synthetic.gpkg",
             out / "establishments_synthetic.csv", out / "establishments_synthetic.README.txt"]
    from ..output.atomic import write_all_atomically

    def gpkg(layer: str, frame: pd.DataFrame) -> Callable[[Path], None]:
        return lambda tmp: pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG",
                                                   layer_metadata=meta, dataset_metadata=meta)

    readme = (f"{SYNTHETIC_NOTICE}\n{', '.join(f.name for f in files[:3])} were made by "
              f"wijkkracht.data_sources.synthetic (seed {data.seed}, scale {data.scale}). No row "
              f"describes a real address, business or person.\n")
    try:
        out.mkdir(parents=True, exist_ok=True)
        # all four files appear together, or none (a failed write leaves no half file)
        write_all_atomically([
            (files[0], gpkg("verblijfsobject_synthetic", data.verblijfsobjecten)),
            (files[1], gpkg("streets_synthetic", data.streets)),
            (files[2], lambda tmp: data.establishments.to_csv(tmp, index=False, encoding="utf-8",
                                                               date_format="%Y-%m-%d")),
            (files[3], lambda tmp: tmp.write_text(readme, encoding="utf-8")),
        ])
    except (OSError, DataSourceError, DataLayerError) as exc:
        raise OutputError(f"{out}: cannot write the synthetic data ({exc})") from exc
    return files
