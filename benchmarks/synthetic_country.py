"""A SYNTHETIC country for the batch scale benchmark: areas, streets, POIs, BAG, establishments.

**Nothing written here is real data.** Every layer has a ``synthetic`` column (all True), every
code, name and street name says "Synthetisch"/"SYNTHETIC", and every GeoPackage layer carries
the notice in its description and metadata (:data:`NOTICE`); ``README_SYNTHETIC.txt`` in the
folder says so too. The codes (``GM9000``..``GM9998``) are no real CBS codes.

Layout. The country is a grid of gemeenten (``cols = ceil(sqrt(gemeenten))`` per row); a
gemeente is a rectangle of ``bx x by`` buurten (``bx = ceil(sqrt(buurten_per_gemeente))``,
filled row by row; a row of buurten is a wijk). A buurt is a square of ``s x s`` street
blocks of :data:`BLOCK_M` m, ``s = round(sqrt(addresses_per_buurt / addresses_per_segment /
2))``, so that there are about ``addresses_per_segment`` addresses per street segment. The
street grid is continuous across buurt and gemeente borders (a buffer around a buurt reaches
into its neighbours, as in a real country); each segment is written once. South-west corner
at :data:`ORIGIN_RD` in RD New (EPSG:28992).

Files written into the folder (names contain "synthetic"):

* ``areas_synthetic.gpkg``: the CBS wijk- en buurtkaart layout (:mod:`wijkkracht.data_sources.areas`):
  layers ``buurten`` (``buurtcode`` ``BU{gggg}{ww}{bb}``, ``buurtnaam``, ``wijkcode``,
  ``gemeentecode``, ``gemeentenaam``, ``water``, ``synthetic_addresses``), ``wijken``
  (``WK{gggg}{ww}``) and ``gemeenten`` (``GM{gggg}``), polygons in EPSG:28992;
* ``streets_synthetic.gpkg`` (layer ``streets``): the street schema (``osm_id``,
  ``street_name``, ``highway``), one two-point line per block side;
* ``pois_synthetic.gpkg`` (layer ``pois``): the POI schema (``osm_id``, ``tag``): one
  ``building=*`` point per building (as OSM building points; ``--no-building-pois`` leaves
  them out) and the relevant POIs at the density and class mix of the real Kanaleneiland
  extract (``benchmarks/synthetic.py``'s :func:`kanaleneiland_profile`: 0.2 per node);
* ``bag_synthetic.gpkg`` (layer ``verblijfsobject``): BAG verblijfsobjecten in PDOK's field
  layout (what :func:`wijkkracht.data_sources.bag.read_bag_gpkg` reads);
* ``establishments_synthetic.csv``: KvK-style establishments (what
  :func:`wijkkracht.data_sources.establishments.read_establishments` reads), addressed by
  postcode + huisnummer (+ letter/toevoeging) of the BAG; made by
  ``wijkkracht.data_sources.synthetic``'s establishment generator (SBI mix, ~30 % home-based,
  0.2 % with an address that does not exist);
* ``manifest.json``: the parameters, the counts and the generation time.

Buildings and addresses (per buurt, vectorised): building kinds are drawn from a Dutch-like
mix (:data:`KIND_P`: ~55 % of the units are single-family dwellings, ~33 % apartments, ~12 %
non-residential); units per building, uses, floor areas and statuses follow
``wijkkracht.data_sources.synthetic`` (apartment blocks of 6-40 dwellings, some with
ground-floor shops, ...). Buildings stand 8-22 m beside a street of their buurt; each street
side is numbered along the street (odd numbers on one side, even on the other; a multi-unit
building numbers every unit, or shares one number with a ``toevoeging`` or ``huisletter``).
A PC6 postcode covers :data:`PC6_SLOTS` consecutive numbers of one street side; PC4s are
handed out gemeente by gemeente, buurt by buurt (:data:`PC6` codes per PC4 chosen so that the
country fits in 1000-9999), so (postcode, huisnummer, huisletter, toevoeging) is unique.
BAG ids are ``{gggg}01{10 digits}`` (panden ``{gggg}10...``).

Streaming: the country is generated one gemeente at a time (each from its own seed
``(seed, gemeente)``, so a gemeente does not depend on how many follow) and appended to the
files in chunks of about ``chunk_rows`` rows (pyogrio ``append``); the GeoPackage R-trees are
built at the end, in two processes for large countries (GDAL 3.6 maintains them row by row
on append, ~6x slower).

Command line::

    python benchmarks/synthetic_country.py OUT --preset utrecht     # ~180k addresses
    python benchmarks/synthetic_country.py OUT --preset nation      # ~10 M addresses
    python benchmarks/synthetic_country.py OUT --gemeenten 2 --buurten-per-gemeente 4 \\
        --addresses-per-buurt 500
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import BLOCK_M, ORIGIN_RD, PoiProfile, kanaleneiland_profile  # noqa: E402

from wijkkracht.data_sources.synthetic import (  # noqa: E402
    _AREA_MEDIAN,
    _AREA_MIN,
    _AREA_SIGMA,
    _APART,
    _COMM,
    _HOUSE,
    _INDUS,
    _MEET,
    _NONRES_UNITS,
    _OFFICE,
    _OTHER,
    _RETAIL,
    _SCHOOL,
    _SPORTB,
    _USE_P,
    _WINK,
    _WOON,
    GEBRUIKSDOELEN,
    _establishments,
    _pick,
    _postcode_letters,
)

__all__ = ["NOTICE", "CountrySpec", "PRESETS", "write_country", "ensure_country", "FILES"]

NOTICE = ("SYNTHETIC — generated by wijkkracht benchmarks/synthetic_country.py, not real "
          "CBS/BAG/KvK/OSM data")
RD_NEW = "EPSG:28992"
#: File and layer per role.
FILES = {
    "areas": ("areas_synthetic.gpkg", None),
    "streets": ("streets_synthetic.gpkg", "streets"),
    "pois": ("pois_synthetic.gpkg", "pois"),
    "bag": ("bag_synthetic.gpkg", "verblijfsobject"),
    "establishments": ("establishments_synthetic.csv", None),
}
#: Consecutive numbers of one street side that share a PC6 postcode.
PC6_SLOTS = 15
#: Building kind probabilities (kinds of ``wijkkracht.data_sources.synthetic``): houses,
#: apartment blocks (6-40 dwellings), retail, commercial, office, industrial, school, sports,
#: meeting, other. Gives ~1.63 units per building, ~55 % of them in houses, ~12 % non-residential.
KIND_P = np.zeros(10)
KIND_P[[_HOUSE, _APART, _RETAIL, _COMM, _OFFICE, _INDUS, _SCHOOL, _SPORTB, _MEET, _OTHER]] = [
    0.899, 0.0229, 0.0195, 0.0117, 0.0156, 0.0117, 0.0039, 0.0023, 0.0039, 0.0095]
KIND_P /= KIND_P.sum()
#: OSM building tag of each kind (the building points of the POI layer).
KIND_TAG = np.array(["building=house", "building=apartments", "building=retail",
                     "building=commercial", "building=office", "building=industrial",
                     "building=school", "building=sports_centre", "building=civic",
                     "building=yes"], dtype=object)
_MEAN_UNITS = 1.63
_MAX_GEMEENTEN = 999  # codes GM9000..GM9998


@dataclass(frozen=True)
class CountrySpec:
    """Parameters of a synthetic country (all densities per buurt)."""

    gemeenten: int = 1
    buurten_per_gemeente: int = 100
    addresses_per_buurt: int = 1800
    addresses_per_segment: float = 7.0
    establishments_per_address: float = 0.2
    home_based_share: float = 0.3
    building_pois: bool = True
    seed: int = 0
    snapshot_date: str = "2026-01-01"

    @property
    def block_side(self) -> int:
        """Street blocks per buurt side."""
        return max(2, round(math.sqrt(self.addresses_per_buurt / self.addresses_per_segment / 2)))

    @property
    def buurten(self) -> int:
        return self.gemeenten * self.buurten_per_gemeente

    def layout(self) -> tuple[int, int, int]:
        """(gemeente columns, buurt columns per gemeente, buurt rows per gemeente)."""
        bx = math.ceil(math.sqrt(self.buurten_per_gemeente))
        return (math.ceil(math.sqrt(self.gemeenten)), bx,
                math.ceil(self.buurten_per_gemeente / bx))

    def check(self) -> None:
        bx = self.layout()[1]
        if not 1 <= self.gemeenten <= _MAX_GEMEENTEN:
            raise ValueError(f"gemeenten must be 1..{_MAX_GEMEENTEN}")
        if not 1 <= self.buurten_per_gemeente or bx > 99 or self.layout()[2] > 99:
            raise ValueError("buurten_per_gemeente must be 1..9801 (codes have 2 digits)")
        if self.addresses_per_buurt < 10:
            raise ValueError("addresses_per_buurt must be at least 10")


#: Named sizes: Utrecht-like municipality (~180k addresses, ~25k segments, 100 buurten) and
#: the nation (~10 M addresses, ~2 M establishments, 13,940 buurten in 340 gemeenten).
PRESETS = {
    "tiny": CountrySpec(gemeenten=2, buurten_per_gemeente=3, addresses_per_buurt=300),
    "utrecht": CountrySpec(gemeenten=1, buurten_per_gemeente=100, addresses_per_buurt=1800),
    "nation": CountrySpec(gemeenten=340, buurten_per_gemeente=41, addresses_per_buurt=714),
}


def scaling_spec(addresses: int, *, addresses_per_buurt: int = 1000, **kw: object) -> CountrySpec:
    """The scaling series: ``addresses`` (1k, 10k, 100k, 1M) at 1,000 addresses per buurt, in
    gemeenten of up to 10 buurten."""
    buurten = max(1, round(addresses / addresses_per_buurt))
    per_gm = min(10, buurten)
    return CountrySpec(gemeenten=math.ceil(buurten / per_gm), buurten_per_gemeente=per_gm,
                       addresses_per_buurt=addresses_per_buurt, **kw)  # type: ignore[arg-type]


# --- geometry of the grid ---------------------------------------------------------------------

class _Grid:
    """Cell (buurt) bookkeeping of a spec: which global cells are filled, by whom."""

    def __init__(self, spec: CountrySpec) -> None:
        self.spec = spec
        self.cols, self.bx, self.by = spec.layout()
        self.s = spec.block_side
        self.cell_m = self.s * BLOCK_M

    def filled(self, ci: np.ndarray, cj: np.ndarray) -> np.ndarray:
        """Whether global cells (ci, cj) hold a buurt."""
        ci, cj = np.asarray(ci), np.asarray(cj)
        gx, gy = np.floor_divide(ci, self.bx), np.floor_divide(cj, self.by)
        k = (cj % self.by) * self.bx + ci % self.bx
        return ((ci >= 0) & (cj >= 0) & (gx < self.cols) & (gy * self.cols + gx < self.spec.gemeenten)
                & (k < self.spec.buurten_per_gemeente))

    def cells(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Global cell coordinates and local index of the buurten of gemeente ``g``."""
        k = np.arange(self.spec.buurten_per_gemeente)
        gx, gy = g % self.cols, g // self.cols
        return gx * self.bx + k % self.bx, gy * self.by + k // self.bx, k


def _cell_template(s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Local edges of one cell: start (a, b), orientation (0 east, 1 north), border flags."""
    a, b = np.meshgrid(np.arange(s + 1), np.arange(s + 1), indexing="ij")
    a, b = a.ravel(), b.ravel()
    ew, ns = a < s, b < s
    start = np.concatenate([np.c_[a[ew], b[ew]], np.c_[a[ns], b[ns]]])
    orient = np.r_[np.zeros(ew.sum(), np.int8), np.ones(ns.sum(), np.int8)]
    north = (orient == 0) & (start[:, 1] == s)
    east = (orient == 1) & (start[:, 0] == s)
    return start, orient, north, east


# --- one gemeente -------------------------------------------------------------------------------

def _gm_code(g: int) -> str:
    return f"{9000 + g:04d}"


def _names(g: int) -> str:
    return f"Synthetische gemeente {g + 1:03d}"


def _streets(grid: _Grid, g: int) -> gpd.GeoDataFrame:
    s = grid.s
    ci, cj, _ = grid.cells(g)
    start, orient, north, east = _cell_template(s)
    n_t = len(start)
    cell = np.repeat(np.arange(len(ci)), n_t)
    st = np.tile(start, (len(ci), 1))
    ori = np.tile(orient, len(ci))
    drop = (np.tile(north, len(ci)) & np.repeat(grid.filled(ci, cj + 1), n_t)) | \
        (np.tile(east, len(ci)) & np.repeat(grid.filled(ci + 1, cj), n_t))
    keep = ~drop
    cell, st, ori = cell[keep], st[keep], ori[keep]
    gx0 = ci[cell] * s + st[:, 0]  # global node column / row of the start
    gy0 = cj[cell] * s + st[:, 1]
    ox, oy = ORIGIN_RD
    coords = np.empty((len(gx0), 2, 2))
    coords[:, 0, 0] = ox + gx0 * BLOCK_M
    coords[:, 0, 1] = oy + gy0 * BLOCK_M
    coords[:, 1, 0] = coords[:, 0, 0] + np.where(ori == 0, BLOCK_M, 0.0)
    coords[:, 1, 1] = coords[:, 0, 1] + np.where(ori == 1, BLOCK_M, 0.0)
    n = len(gx0)
    names = np.where(ori == 0, np.char.add("Synthetische straat ", gy0.astype(str)),
                     np.char.add("Synthetische laan ", gx0.astype(str))).astype(object)
    ids = np.char.add(f"synthetic:{_gm_code(g)}:", np.arange(n).astype(str)).astype(object)
    return gpd.GeoDataFrame({"osm_id": ids, "street_name": names,
                             "highway": np.full(n, "residential", dtype=object),
                             "synthetic": np.ones(n, bool)},
                            geometry=shapely.linestrings(coords), crs=RD_NEW)


def _buildings(grid: _Grid, g: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Buildings of gemeente ``g``: kind, units, numbering mode, position, street and side."""
    spec, s = grid.spec, grid.s
    ci, cj, k = grid.cells(g)
    nbuurt = len(ci)
    target = spec.addresses_per_buurt
    n_draw = int(math.ceil(target / _MEAN_UNITS * 1.4)) + 20
    kind = rng.choice(10, size=(nbuurt, n_draw), p=KIND_P)
    kf = kind.ravel()
    nb = kf.size
    n_res = np.where(kf == _HOUSE, 1, np.where(kf == _APART, rng.integers(6, 41, nb), 0))
    lo, hi = _NONRES_UNITS[kf, 0], _NONRES_UNITS[kf, 1]
    n_non = lo + np.floor(rng.random(nb) * (hi - lo + 1)).astype(np.int64)
    n_non = np.where((kf == _APART) & (rng.random(nb) >= 0.1), 0, n_non)
    units = (n_res + n_non).reshape(nbuurt, n_draw)
    before = np.cumsum(units, axis=1) - units
    keep = (before < target).ravel()
    buurt = np.repeat(np.arange(nbuurt), n_draw)[keep]
    kf, n_res, n_non = kf[keep], n_res[keep], n_non[keep]
    nb = kf.size
    n_units = n_res + n_non
    multi = n_units > 1
    mode = np.where(~multi, 0, np.where(rng.random(nb) < 0.3, np.where(kf == _APART, 1, 2), 0))

    # position: beside a street line of the buurt (0..s), inside the buurt
    orient = rng.integers(0, 2, nb)  # 0: an east-west street, 1: north-south
    line = rng.integers(0, s + 1, nb)
    block = rng.integers(0, s, nb)
    along_local = block * BLOCK_M + rng.uniform(12.0, BLOCK_M - 12.0, nb)
    side = np.where(rng.random(nb) < 0.5, 1, -1)
    side = np.where(line == 0, 1, np.where(line == s, -1, side))
    off = side * rng.uniform(8.0, 22.0, nb)
    cell_x0 = ORIGIN_RD[0] + ci[buurt] * grid.cell_m
    cell_y0 = ORIGIN_RD[1] + cj[buurt] * grid.cell_m
    across = line * BLOCK_M + off
    x = cell_x0 + np.where(orient == 0, along_local, across)
    y = cell_y0 + np.where(orient == 0, across, along_local)
    street_idx = np.where(orient == 0, cj[buurt] * s + line, ci[buurt] * s + line)
    return {"kind": kf, "n_res": n_res, "n_non": n_non, "n_units": n_units, "mode": mode,
            "buurt": buurt, "x": x, "y": y, "orient": orient, "street_idx": street_idx,
            "along": np.where(orient == 0, x, y), "side": side, "local": k}


def _verblijfsobjecten(grid: _Grid, g: int, b: dict[str, np.ndarray], rng: np.random.Generator,
                       pc4_next: int, per_pc4: int, pairs: np.ndarray
                       ) -> tuple[gpd.GeoDataFrame, np.ndarray, int, int]:
    """The BAG units of gemeente ``g`` (PDOK field layout); returns the frame, the buurt of
    each unit, the next free PC4 and the number of PC6 codes used."""
    nb = len(b["kind"])
    kind, mode, n_units, n_non = b["kind"], b["mode"], b["n_units"], b["n_non"]
    skey = b["orient"].astype(np.int64) * 1_000_000 + b["street_idx"]
    # numbering along each street side
    slots = np.where(mode == 0, n_units, 1)
    order = np.lexsort((b["along"], b["side"], skey))
    gkey = skey[order] * 2 + (b["side"][order] > 0)
    first = np.r_[True, gkey[1:] != gkey[:-1]]
    cs = np.cumsum(slots[order]) - slots[order]
    start = np.empty(nb, np.int64)
    start[order] = cs - np.maximum.accumulate(np.where(first, cs, 0))

    b_of_u = np.repeat(np.arange(nb), n_units)
    rank = np.arange(len(b_of_u)) - np.repeat(np.cumsum(n_units) - n_units, n_units)
    nu = len(b_of_u)
    ukind, umode = kind[b_of_u], mode[b_of_u]
    is_non = rank < n_non[b_of_u]
    use = np.where(is_non, _pick(rng, _USE_P, ukind), _WOON)
    slot = start[b_of_u] + np.where(umode == 0, rank, 0)
    odd = b["side"][b_of_u] > 0
    huisnummer = 2 * slot + np.where(odd, 1, 2)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)
    huisletter = np.where(umode == 2, letters[np.minimum(rank, 25)], None)
    toevoeging = np.where(umode == 1, (rank + 1).astype(str).astype(object), None)

    # PC6: PC6_SLOTS numbers of one street side; PC4s buurt by buurt
    ukey = (skey[b_of_u] * 2 + odd) * 100_000 + slot // PC6_SLOTS
    keys, inv = np.unique(ukey, return_inverse=True)
    key_buurt = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(key_buurt, inv, b["buurt"][b_of_u])
    korder = np.lexsort((keys, key_buurt))
    rank_of_key = np.empty(len(keys), np.int64)
    rank_of_key[korder] = np.arange(len(keys))
    pc4 = pc4_next + rank_of_key // per_pc4
    if len(keys) and pc4.max() > 9999:
        raise ValueError("the country needs more PC4 codes than 1000-9999 hold")
    pc = np.char.add(pc4.astype(str), pairs[rank_of_key % per_pc4]).astype(object)
    postcode = pc[inv]
    pc4_after = int(pc4.max()) + 1 if len(keys) else pc4_next

    area = _AREA_MEDIAN[use] * np.exp(_AREA_SIGMA[use] * rng.standard_normal(nu))
    area = np.maximum(area, _AREA_MIN[use])
    apt_home = (use == _WOON) & (ukind == _APART)
    area = np.where(apt_home, rng.triangular(40, 65, 120, nu), area)
    area = np.round(np.where(use == _WOON, np.minimum(area, 250), area)).astype(np.int64)
    gebruiksdoel = np.array(GEBRUIKSDOELEN, dtype=object)[use]
    combo = (use == _WINK) & (rng.random(nu) < 0.03)
    gebruiksdoel = np.where(combo, "kantoorfunctie,winkelfunctie", gebruiksdoel)
    out_of_use = rng.random(nu) < np.where(use == _WOON, 0.02, 0.07)
    status = np.where(out_of_use, "Verblijfsobject buiten gebruik",
                      "Verblijfsobject in gebruik").astype(object)

    # bouwjaar: each buurt has its building era, a third of the buildings are of any year
    nbuurt = int(b["buurt"].max()) + 1 if nb else 0
    era = rng.choice([1925, 1960, 1975, 1995, 2010], nbuurt, p=[0.15, 0.25, 0.25, 0.2, 0.15])
    year = np.where(rng.random(nb) < 0.67, np.round(rng.normal(era[b["buurt"]], 6.0)),
                    rng.integers(1900, 2025, nb))
    year = np.clip(year, 1850, 2025).astype(np.int64)

    jitter = np.where(n_units[b_of_u] > 1, 4.0, 0.0)
    ux = b["x"][b_of_u] + jitter * rng.standard_normal(nu)
    uy = b["y"][b_of_u] + jitter * rng.standard_normal(nu)
    gm = _gm_code(g)
    ident = np.char.add(f"{gm}01", np.char.zfill(np.arange(1, nu + 1).astype(str), 10))
    pand = np.char.add(f"{gm}10", np.char.zfill(np.arange(1, nb + 1).astype(str), 10))
    street_names = np.where(b["orient"] == 0,
                            np.char.add("Synthetische straat ", b["street_idx"].astype(str)),
                            np.char.add("Synthetische laan ", b["street_idx"].astype(str)))
    gdf = gpd.GeoDataFrame(
        {
            "identificatie": ident.astype(object),
            "oppervlakte": area,
            "status": status,
            "gebruiksdoel": gebruiksdoel,
            "openbare_ruimte_naam": street_names.astype(object)[b_of_u],
            "huisnummer": huisnummer.astype(np.int64),
            "huisletter": huisletter,
            "toevoeging": toevoeging,
            "postcode": postcode,
            "woonplaats_naam": np.full(nu, _names(g), dtype=object),
            "bouwjaar": year[b_of_u],
            "pand_identificatie": pand.astype(object)[b_of_u],
            "synthetic": np.ones(nu, bool),
        },
        geometry=shapely.points(ux, uy), crs=RD_NEW,
    )
    return gdf, b["buurt"][b_of_u], pc4_after, len(keys)


def _pois(b: dict[str, np.ndarray], streets: gpd.GeoDataFrame, profile: PoiProfile,
          rng: np.random.Generator, g: int, building_pois: bool) -> gpd.GeoDataFrame:
    """Building points (one per building) and relevant POIs beside the streets."""
    n_nodes = len(streets) / 2.0
    n = int(round(profile.density_per_node * n_nodes))
    xy = shapely.get_coordinates(streets.geometry.values).reshape(-1, 2, 2)
    line = rng.integers(0, len(xy), n)
    p0, p1 = xy[line, 0], xy[line, 1]
    unit = (p1 - p0) / BLOCK_M
    normal = np.c_[-unit[:, 1], unit[:, 0]]
    pts = p0 + rng.uniform(0, 1, n)[:, None] * (p1 - p0) + \
        (rng.uniform(2.0, 25.0, n) * rng.choice([-1.0, 1.0], n))[:, None] * normal
    tags = profile.classes["tag"].to_numpy(object)[rng.integers(0, len(profile.classes), n)]
    gm = _gm_code(g)
    parts_x, parts_y, parts_tag, parts_id = [pts[:, 0]], [pts[:, 1]], [tags], [
        np.char.add(f"synthetic:N{gm}p", np.arange(n).astype(str)).astype(object)]
    if building_pois:
        nb = len(b["kind"])
        parts_x.append(b["x"])
        parts_y.append(b["y"])
        parts_tag.append(KIND_TAG[b["kind"]])
        parts_id.append(np.char.add(f"synthetic:W{gm}b", np.arange(nb).astype(str)).astype(object))
    tag = np.concatenate(parts_tag)
    return gpd.GeoDataFrame({"osm_id": np.concatenate(parts_id), "tag": tag,
                             "synthetic": np.ones(len(tag), bool)},
                            geometry=shapely.points(np.concatenate(parts_x),
                                                    np.concatenate(parts_y)), crs=RD_NEW)


def _areas(grid: _Grid, g: int, units_per_buurt: np.ndarray) -> tuple[list[dict], list[dict], dict]:
    ci, cj, k = grid.cells(g)
    gm, name = _gm_code(g), _names(g)
    x0 = ORIGIN_RD[0] + ci * grid.cell_m
    y0 = ORIGIN_RD[1] + cj * grid.cell_m
    boxes = shapely.box(x0, y0, x0 + grid.cell_m, y0 + grid.cell_m)
    ww, bb = k // grid.bx + 1, k % grid.bx + 1
    common = {"gemeentecode": f"GM{gm}", "gemeentenaam": name, "water": "NEE",
              "bron": "SYNTHETIC", "synthetic": True}
    buurten = [{"buurtcode": f"BU{gm}{w:02d}{v:02d}",
                "buurtnaam": f"Synthetische buurt {g + 1:03d}-{w:02d}-{v:02d}",
                "wijkcode": f"WK{gm}{w:02d}", **common,
                "synthetic_addresses": int(units_per_buurt[i]), "geometry": boxes[i]}
               for i, (w, v) in enumerate(zip(ww, bb, strict=True))]
    wijken = [{"wijkcode": f"WK{gm}{w:02d}", "wijknaam": f"Synthetische wijk {g + 1:03d}-{w:02d}",
               **common, "synthetic_addresses": int(units_per_buurt[ww == w].sum()),
               "geometry": shapely.union_all(boxes[ww == w])} for w in np.unique(ww)]
    gemeente = {**common, "synthetic_addresses": int(units_per_buurt.sum()),
                "geometry": shapely.union_all(boxes)}
    return buurten, wijken, gemeente


# --- writing -------------------------------------------------------------------------------------

class _LayerWriter:
    """Appends frames to one GeoPackage layer in chunks of about ``chunk_rows`` rows, without a
    spatial index (built by :func:`_build_rtree` at the end)."""

    def __init__(self, path: Path, layer: str, description: str, meta: dict[str, str],
                 chunk_rows: int) -> None:
        self.path, self.layer, self.description, self.meta = path, layer, description, meta
        self.chunk_rows = chunk_rows
        self.buffer: list[gpd.GeoDataFrame] = []
        self.buffered = 0
        self.rows = 0
        self.write_s = 0.0

    def add(self, frame: gpd.GeoDataFrame) -> None:
        self.buffer.append(frame)
        self.buffered += len(frame)
        if self.buffered >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        frame = pd.concat(self.buffer, ignore_index=True) if len(self.buffer) > 1 else self.buffer[0]
        t0 = time.perf_counter()
        if self.rows == 0:
            pyogrio.write_dataframe(
                frame, self.path, layer=self.layer, driver="GPKG",
                layer_options={"SPATIAL_INDEX": "NO", "DESCRIPTION": self.description,
                               "IDENTIFIER": f"{self.layer} (SYNTHETIC)"},
                layer_metadata=self.meta, dataset_metadata=self.meta)
        else:
            pyogrio.write_dataframe(frame, self.path, layer=self.layer, driver="GPKG", append=True)
        self.write_s += time.perf_counter() - t0
        self.rows += len(frame)
        self.buffer, self.buffered = [], 0


_RTREE_TRIGGERS = (  # GDAL's, so that later edits with GDAL keep the index up to date
    'CREATE TRIGGER "rtree_{t}_{g}_insert" AFTER INSERT ON "{t}" WHEN (new."{g}" NOT NULL AND '
    'NOT ST_IsEmpty(NEW."{g}")) BEGIN INSERT OR REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."fid",'
    'ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    'CREATE TRIGGER "rtree_{t}_{g}_update1" AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."fid" = '
    'NEW."fid" AND (NEW."{g}" NOTNULL AND NOT ST_IsEmpty(NEW."{g}")) BEGIN INSERT OR REPLACE '
    'INTO "rtree_{t}_{g}" VALUES (NEW."fid",ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),'
    'ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    'CREATE TRIGGER "rtree_{t}_{g}_update2" AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."fid" = '
    'NEW."fid" AND (NEW."{g}" ISNULL OR ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM '
    '"rtree_{t}_{g}" WHERE id = OLD."fid"; END',
    'CREATE TRIGGER "rtree_{t}_{g}_update3" AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" '
    'AND (NEW."{g}" NOTNULL AND NOT ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" '
    'WHERE id = OLD."fid"; INSERT OR REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."fid",'
    'ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    'CREATE TRIGGER "rtree_{t}_{g}_update4" AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" '
    'AND (NEW."{g}" ISNULL OR ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" WHERE '
    'id IN (OLD."fid", NEW."fid"); END',
    'CREATE TRIGGER "rtree_{t}_{g}_delete" AFTER DELETE ON "{t}" WHEN old."{g}" NOT NULL BEGIN '
    'DELETE FROM "rtree_{t}_{g}" WHERE id = OLD."fid"; END',
)


def _build_rtree(path: Path, layer: str, chunk: int = 2_000_000) -> None:
    """The GeoPackage R-tree spatial index (extension ``gpkg_rtree_index``) of ``layer``, as
    GDAL makes it, filled from the features' bounds read ``chunk`` at a time (one transaction
    per chunk)."""
    info = pyogrio.read_info(path, layer=layer)
    geom = info["geometry_name"]
    n = int(info["features"])
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA cache_size=-500000")
        con.execute("PRAGMA synchronous=OFF")
        con.execute(f'CREATE VIRTUAL TABLE "rtree_{layer}_{geom}" USING '
                    "rtree(id, minx, maxx, miny, maxy)")
        sql = f'INSERT INTO "rtree_{layer}_{geom}" VALUES (?,?,?,?,?)'
        con.commit()
        for skip in range(0, n, chunk):
            # GDAL reads the next chunk while no transaction is open ("database is locked")
            fids, bounds = pyogrio.read_bounds(path, layer=layer, skip_features=skip,
                                               max_features=chunk)
            con.executemany(sql, zip(fids.tolist(), bounds[0].tolist(), bounds[2].tolist(),
                                     bounds[1].tolist(), bounds[3].tolist(), strict=True))
            con.commit()
        for trig in _RTREE_TRIGGERS:
            con.execute(trig.format(t=layer, g=geom))
        con.execute("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, "
                    "definition, scope) VALUES (?, ?, 'gpkg_rtree_index', "
                    "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                    (layer, geom))
        con.commit()
    finally:
        con.close()


def _timed_rtree(path: Path, layer: str) -> float:
    t0 = time.perf_counter()
    _build_rtree(path, layer)
    return round(time.perf_counter() - t0, 1)


def _build_rtrees(jobs: list[tuple[str, Path, str]], parallel: bool) -> dict[str, float]:
    """The R-trees of several files; in two processes when ``parallel`` (large files)."""
    if not parallel:
        return {role: _timed_rtree(path, layer) for role, path, layer in jobs}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {role: pool.submit(_timed_rtree, path, layer) for role, path, layer in jobs}
        return {role: f.result() for role, f in futures.items()}


def _per_pc4(spec: CountrySpec) -> int:
    """PC6 codes per PC4: ~110 (the Dutch average), more if the country would not fit."""
    expected_pc6 = spec.buurten * spec.addresses_per_buurt / 10 + spec.gemeenten * 60
    return int(min(len(_postcode_letters()), max(110, math.ceil(expected_pc6 / 8000))))


def write_country(out: str | Path, spec: CountrySpec, *, profile: PoiProfile | None = None,
                  chunk_rows: int = 500_000, say: Callable[[str], None] = lambda s: None) -> dict:
    """Generate the SYNTHETIC country ``spec`` into the folder ``out`` (files replaced).

    Returns the manifest (also written to ``out/manifest.json``): the parameters, the counts
    of every layer, the RD New bounds, the generation times and the peak RSS of this process.
    """
    spec.check()
    t_start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, _ in FILES.values():
        (out / name).unlink(missing_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    if profile is None:
        cached = out / "poi_profile.json"
        if cached.exists():
            profile = PoiProfile.load(cached)
        else:
            profile = kanaleneiland_profile()
            profile.save(cached)
    grid = _Grid(spec)
    meta = {"DESCRIPTION": NOTICE, "NOTICE": NOTICE, "SYNTHETIC": "true",
            "SPEC": json.dumps(asdict(spec), sort_keys=True)}
    writers = {
        role: _LayerWriter(out / FILES[role][0], FILES[role][1],
                           f"{NOTICE} ({role})", meta, chunk_rows)
        for role in ("streets", "pois", "bag")
    }
    csv_path = out / FILES["establishments"][0]
    pairs = _postcode_letters()
    per_pc4 = _per_pc4(spec)
    pc4_next, n_pc6, n_est, n_units_all, n_buildings = 1000, 0, 0, 0, 0
    buurt_rows: list[dict] = []
    wijk_rows: list[dict] = []
    gm_rows: list[dict] = []
    snapshot = pd.Timestamp(spec.snapshot_date)
    est_chunks: list[pd.DataFrame] = []
    est_buffered = 0
    csv_header = True
    t_gen = 0.0
    t_csv = 0.0
    for g in range(spec.gemeenten):
        t0 = time.perf_counter()
        rng = np.random.default_rng([spec.seed, g])
        streets = _streets(grid, g)
        b = _buildings(grid, g, rng)
        vbo, unit_buurt, pc4_next, used = _verblijfsobjecten(grid, g, b, rng, pc4_next, per_pc4, pairs)
        n_pc6 += used
        pois = _pois(b, streets, profile, rng, g, spec.building_pois)
        est = _establishments(vbo, rng, spec.establishments_per_address,
                              spec.home_based_share, None, snapshot)
        est["vestigingsnummer"] = np.char.zfill(
            (10**11 + n_est + np.arange(len(est))).astype(str), 12).astype(object)
        units_per_buurt = np.bincount(unit_buurt, minlength=spec.buurten_per_gemeente)
        bu, wk, gm = _areas(grid, g, units_per_buurt)
        buurt_rows += bu
        wijk_rows += wk
        gm_rows.append(gm)
        n_est += len(est)
        n_units_all += len(vbo)
        n_buildings += len(b["kind"])
        t_gen += time.perf_counter() - t0
        writers["streets"].add(streets)
        writers["pois"].add(pois)
        writers["bag"].add(vbo)
        est_chunks.append(est)
        est_buffered += len(est)
        if est_buffered >= chunk_rows or g == spec.gemeenten - 1:
            t0 = time.perf_counter()
            pd.concat(est_chunks, ignore_index=True).to_csv(
                csv_path, mode="w" if csv_header else "a", header=csv_header, index=False,
                encoding="utf-8", date_format="%Y-%m-%d")
            t_csv += time.perf_counter() - t0
            csv_header, est_chunks, est_buffered = False, [], 0
        if (g + 1) % 20 == 0 or g == spec.gemeenten - 1:
            say(f"gemeente {g + 1}/{spec.gemeenten}: {n_units_all:,} addresses, {n_est:,} "
                f"establishments, {time.perf_counter() - t_start:.0f} s")
    for w in writers.values():
        w.flush()
    t_written = time.perf_counter()
    areas_path = out / FILES["areas"][0]
    for layer, rows in (("buurten", buurt_rows), ("wijken", wijk_rows), ("gemeenten", gm_rows)):
        pyogrio.write_dataframe(
            gpd.GeoDataFrame(rows, geometry="geometry", crs=RD_NEW), areas_path, layer=layer,
            driver="GPKG", append=layer != "buurten",
            layer_options={"DESCRIPTION": f"{NOTICE} (CBS wijk- en buurtkaart layout, {layer})",
                           "IDENTIFIER": f"{layer} (SYNTHETIC)"},
            layer_metadata=meta, **({"dataset_metadata": meta} if layer == "buurten" else {}))
    t_areas = time.perf_counter()
    say("building the spatial indexes")
    index_s = _build_rtrees([(role, w.path, w.layer) for role, w in writers.items()],
                            parallel=writers["bag"].rows > 1_000_000)
    (out / "README_SYNTHETIC.txt").write_text(
        f"{NOTICE}\n\nEvery file in this folder was generated by benchmarks/synthetic_country.py "
        f"(parameters in manifest.json). No row describes a real area, street, address, "
        f"building, business or person; the codes GM9000-GM9998 are not CBS codes.\n",
        encoding="utf-8")
    bounds = [ORIGIN_RD[0], ORIGIN_RD[1],
              ORIGIN_RD[0] + grid.cols * grid.bx * grid.cell_m,
              ORIGIN_RD[1] + math.ceil(spec.gemeenten / grid.cols) * grid.by * grid.cell_m]
    manifest = {
        "notice": NOTICE,
        "spec": asdict(spec),
        "layout": {"gemeente_columns": grid.cols, "buurt_columns": grid.bx,
                   "buurt_rows": grid.by, "blocks_per_buurt_side": grid.s,
                   "block_m": BLOCK_M, "buurt_side_m": grid.cell_m,
                   "bounds_rd": [round(v) for v in bounds]},
        "counts": {"gemeenten": len(gm_rows), "wijken": len(wijk_rows),
                   "buurten": len(buurt_rows), "street_segments": writers["streets"].rows,
                   "pois": writers["pois"].rows, "buildings": n_buildings,
                   "addresses": n_units_all, "establishments": n_est,
                   "pc6": n_pc6, "pc4": pc4_next - 1000, "pc6_per_pc4": per_pc4},
        "densities": {
            "addresses_per_buurt": round(n_units_all / len(buurt_rows), 1),
            "segments_per_buurt": round(writers["streets"].rows / len(buurt_rows), 1),
            "addresses_per_segment": round(n_units_all / writers["streets"].rows, 2),
            "establishments_per_address": round(n_est / n_units_all, 4),
            "addresses_per_pc6": round(n_units_all / max(n_pc6, 1), 1)},
        "files": {role: {"file": name, "layer": layer,
                         "bytes": (out / name).stat().st_size}
                  for role, (name, layer) in FILES.items()},
        "poi_profile": {"source": profile.source,
                        "density_per_node": round(profile.density_per_node, 4)},
        "seconds": {"generate": round(t_gen, 1),
                    "write_gpkg": {r: round(w.write_s, 1) for r, w in writers.items()},
                    "write_csv": round(t_csv, 1), "areas": round(t_areas - t_written, 1),
                    "spatial_index": index_s,
                    "total": round(time.perf_counter() - t_start, 1)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def ensure_country(out: str | Path, spec: CountrySpec, **kw: object) -> dict:
    """The manifest of the country in ``out`` if it was made with ``spec``, else make it."""
    man = Path(out) / "manifest.json"
    if man.is_file():
        try:
            manifest = json.loads(man.read_text(encoding="utf-8"))
            if manifest.get("spec") == asdict(spec) and all(
                    (Path(out) / f).is_file() for f, _ in FILES.values()):
                return manifest
        except ValueError:
            pass
    return write_country(out, spec, **kw)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write into (files replaced)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    parser.add_argument("--gemeenten", type=int)
    parser.add_argument("--buurten-per-gemeente", type=int)
    parser.add_argument("--addresses-per-buurt", type=int)
    parser.add_argument("--addresses-per-segment", type=float)
    parser.add_argument("--establishments-per-address", type=float)
    parser.add_argument("--no-building-pois", action="store_true")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--chunk-rows", type=int, default=500_000)
    args = parser.parse_args(argv)
    spec = PRESETS[args.preset]
    changes = {k: v for k, v in {
        "gemeenten": args.gemeenten, "buurten_per_gemeente": args.buurten_per_gemeente,
        "addresses_per_buurt": args.addresses_per_buurt,
        "addresses_per_segment": args.addresses_per_segment,
        "establishments_per_address": args.establishments_per_address,
        "seed": args.seed}.items() if v is not None}
    if args.no_building_pois:
        changes["building_pois"] = False
    spec = replace(spec, **changes)
    manifest = write_country(args.out, spec, chunk_rows=args.chunk_rows,
                             say=lambda s: print(s, file=sys.stderr, flush=True))
    print(json.dumps({k: manifest[k] for k in ("counts", "densities", "seconds",
                                               "peak_rss_mb")}, indent=1))


if __name__ == "__main__":
    main()
