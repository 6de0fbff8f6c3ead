"""Where the neighbourhood's daily-goods spending goes: the Huff model on the pipeline's layers.

:mod:`wijkkracht.core.huff` is the model; this module feeds it from what an analysis has and
turns its results into what the outputs show:

* **demand**: the dwellings of the BAG (units with ``woonfunctie``; one dwelling = one
  household, the usual proxy), each placed on its street: every dwelling of the buffered
  network is an origin, so that the shops' catchments are complete within the data;
* **supply**: daily-goods shops of OpenStreetMap with the BAG floor area of their unit where
  it matches, otherwise an assumed floor area per shop type
  (:data:`~wijkkracht.core.huff.DEFAULT_FLOOR_AREA_M2`, stated as an assumption);
* **zones**: the areas of the run (CBS buurten with ``--areas``), otherwise the study area;
  everything else is ``outside``;
* distances along the walking network, cut off at ``cutoff`` (default 2 km).

Results per street segment (:data:`SEGMENT_COLUMNS`, registered indicators), per zone (share
kept in the zone, leaking out, beyond reach; drawn from elsewhere), the catchment of every
shopping street (which zones its spending comes from) and, as *scenarios*, what filling a
vacant shop front would change: for every vacant front (OSM ``shop=vacant``/``disused:shop``)
in the study area, a shop of ``scenario_floor_area`` m² there, the spending it would draw and
how much more of its zone's spending would stay in the zone.

All amounts are in **dwellings' worth of daily-goods spending** (a dwelling spends 1); no euro
figure is shipped (``spending_per_dwelling`` turns them into the user's assumed euros).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .distances import place
from .errors import InputError
from .huff import (
    DEFAULT_FLOOR_AREA_M2,
    HuffParameters,
    HuffResult,
    area_codes,
    build_model,
    dwellings_demand,
    od_distances,
    run_model,
    supply_from_pois,
)
from .network import StreetNetwork, locate_points

__all__ = ["SpendingResult", "AddedShop", "added_shops_from_points", "spending_analysis",
           "SEGMENT_COLUMNS", "ZONE_COLUMNS", "OUTSIDE"]

#: Zone code of everything outside the zones.
OUTSIDE = "outside"

#: Per-segment columns (registered in :mod:`wijkkracht.core.indicators.registry`).
SEGMENT_COLUMNS = ("spend_kept_share", "spend_drawn", "spend_own_zone_share")

#: Per-zone columns (the ``spending_zones`` layer; the areas layer gets them with a
#: ``spend_`` prefix).
ZONE_COLUMNS = ("demand", "retained_share", "leaked_share", "beyond_reach_share", "drawn",
                "inflow_share")

#: Assumed floor area (m²) of the shop of a vacancy scenario.
SCENARIO_FLOOR_AREA_M2 = 250.0

#: An added shop must lie within this many metres of a street.
ADDED_SHOP_MAX_M = 150.0


@dataclass(frozen=True)
class AddedShop:
    """A shop to add as a scenario: where (RD New), of what kind and how large.

    ``kind`` is an OSM shop value (``supermarket``, ``bakery``, ...); without
    ``floor_area_m2`` the shop gets the assumed floor area of its kind
    (:data:`~wijkkracht.core.huff.DEFAULT_FLOOR_AREA_M2`).

    >>> AddedShop(135000, 454000, "supermarket").floor_area()
    1000.0
    >>> AddedShop(135000, 454000, "bakery", 120).label
    'shop=bakery 120 m² at 135000,454000'
    """

    x: float
    y: float
    kind: str = "supermarket"
    floor_area_m2: float | None = None

    def floor_area(self) -> float:
        if self.floor_area_m2 is not None:
            return float(self.floor_area_m2)
        table = DEFAULT_FLOOR_AREA_M2
        return float(table.get(f"shop={self.kind}", table["*"]))

    @property
    def label(self) -> str:
        return f"shop={self.kind} {self.floor_area():g} m² at {self.x:.0f},{self.y:.0f}"


def added_shops_from_points(points: gpd.GeoDataFrame) -> list[AddedShop]:
    """Shops to add as scenarios from a point layer (e.g. points a planner drew in QGIS).

    The kind comes from a field ``kind``, ``shop`` or ``type`` (an OSM shop value; default
    ``supermarket``), the floor area from ``floor_area_m2``, ``oppervlakte`` or ``m2`` (empty:
    the assumed size of the kind). Any CRS; positions are taken in RD New.

    >>> pts = gpd.GeoDataFrame({"kind": ["bakery", None], "m2": [120, None]},
    ...                        geometry=gpd.points_from_xy([135000, 135100], [454000, 454000]),
    ...                        crs=28992)
    >>> [s.label for s in added_shops_from_points(pts)]
    ['shop=bakery 120 m² at 135000,454000', 'shop=supermarket 1000 m² at 135100,454000']
    """
    if points.crs is None:
        raise InputError("added shops", "the point layer has no coordinate reference system")
    if not points.geometry.geom_type.isin(["Point"]).all():
        raise InputError("added shops", "expected points (one per shop to add)")
    from pyproj import Transformer

    x, y = points.geometry.x.to_numpy(float), points.geometry.y.to_numpy(float)
    # (one point more: pyproj takes a single point through a deprecated numpy conversion)
    tx, ty = Transformer.from_crs(points.crs, 28992, always_xy=True).transform(
        np.append(x, x[:1]), np.append(y, y[:1]))
    rd = points.set_geometry(gpd.points_from_xy(tx[:len(x)], ty[:len(y)]), crs=28992)
    cols = {c.lower(): c for c in rd.columns if c != rd.geometry.name}
    kind_col = next((cols[c] for c in ("kind", "shop", "type") if c in cols), None)
    area_col = next((cols[c] for c in ("floor_area_m2", "oppervlakte", "m2") if c in cols), None)
    out = []
    for i, (_, row) in enumerate(rd.iterrows()):
        kind = row[kind_col] if kind_col else None
        kind = str(kind).strip().removeprefix("shop=") if isinstance(kind, str) and kind.strip() \
            else "supermarket"
        area = row[area_col] if area_col else None
        area = None if area is None or pd.isna(area) else float(area)
        if area is not None and not area > 0:
            raise InputError("added shops", f"point {i + 1}: the floor area must be positive, "
                             f"got {area:g}")
        out.append(AddedShop(float(row.geometry.x), float(row.geometry.y), kind, area))
    return out


@dataclass
class SpendingResult:
    """The spending flows of one analysis.

    Attributes
    ----------
    segments
        Aligned to the network's segments: :data:`SEGMENT_COLUMNS`. ``spend_kept_share``: of
        the daily-goods spending of the dwellings on the segment, the share that goes to
        shops in their own zone (null: no dwelling); ``spend_drawn``: the spending the
        daily-goods shops on the segment draw, in dwellings (null: no such shop);
        ``spend_own_zone_share``: the share of it that comes from the segment's own zone.
    zones
        One row per zone (``code``, ``name``, :data:`ZONE_COLUMNS`, polygons; EPSG:28992).
    catchment
        ``segment_id``, ``origin_zone``, ``drawn``, ``share``: where each shopping street's
        spending comes from.
    scenarios
        One row per shop the user added (``scenario`` ``added_shop``, in their order; the
        ``osm_id`` column holds its description) and per vacant shop front in the study area
        (``vacant_front``, best first): ``osm_id``, ``segment_id``, ``zone``,
        ``floor_area_m2`` (assumed or given), ``drawn`` (spending the new shop would draw),
        ``retained_share_before``/``_after``/``_change`` of its zone, point geometry.
    metadata
        Parameters, units, counts, the assumptions and warnings.
    """

    segments: pd.DataFrame
    zones: gpd.GeoDataFrame
    catchment: pd.DataFrame
    scenarios: gpd.GeoDataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def _zones(zones: gpd.GeoDataFrame | None, study_area: Any, name: str) -> gpd.GeoDataFrame:
    if zones is not None and len(zones):
        cols = [c for c in zones.columns if c != zones.geometry.name]
        code = next((c for c in ("area_code", "code", "buurtcode", "wijkcode", "gemeentecode",
                                 "statcode", "name") if c in cols), None)
        if code is None:
            raise InputError("spending zones", "no code column (area_code, code, buurtcode, "
                             f"wijkcode, gemeentecode or name) among {cols}")
        label = next((c for c in ("area_name", "name", "buurtnaam", "wijknaam", "gemeentenaam",
                                  "statnaam") if c in cols), code)
        return gpd.GeoDataFrame({"code": zones[code].astype(str).to_numpy(),
                                 "name": zones[label].astype(str).to_numpy()},
                                geometry=zones.geometry.to_numpy(), crs=zones.crs)
    return gpd.GeoDataFrame({"code": [name], "name": [name]}, geometry=[study_area],
                            crs="EPSG:28992")


def _reach_beyond(network: StreetNetwork, zone_geom: Any) -> float:
    """How far (m) the network reaches beyond the zones: the median, over points every 50 m
    along the zones' outer boundary, of the distance to the edge of the network's hull (0
    where the zones reach the edge of the data)."""
    hull = shapely.concave_hull(shapely.MultiPoint(network.node_xy), ratio=0.2)
    outer = shapely.union_all([zone_geom]).boundary
    if outer.is_empty:
        return 0.0
    n = max(int(outer.length // 50), 8)
    pts = shapely.line_interpolate_point(outer, np.linspace(0, outer.length, n, endpoint=False))
    d = shapely.distance(pts, hull.boundary)
    d[~shapely.contains(hull, pts)] = 0.0
    return float(np.median(d))


def spending_analysis(
    network: StreetNetwork,
    pois: pd.DataFrame,
    units: gpd.GeoDataFrame,
    study_area: Any,
    *,
    zones: gpd.GeoDataFrame | None = None,
    area_name: str = "study area",
    params: HuffParameters | None = None,
    measure: str = "floor_area",
    scenario_floor_area: float = SCENARIO_FLOOR_AREA_M2,
    spending_per_dwelling: float | None = None,
    added_shops: Sequence[AddedShop] = (),
) -> SpendingResult:
    """Daily-goods spending flows (Huff model) of the dwellings and shops of an analysis.

    Parameters
    ----------
    network
        The buffered walking network.
    pois
        The prepared POIs (``function``, ``vacant``, ``tag``, ``segment_id``, ``offset_m``).
    units
        BAG units placed on ``network`` (``segment_id``, ``offset_m``; -1: not placed).
    study_area
        The study area polygon (EPSG:28992).
    zones
        Areas to report (``area_code``/``area_name`` as from
        :func:`wijkkracht.data_sources.areas.read_areas`); ``None``: the study area.
    area_name
        Name of the study area (its zone code without ``zones``).
    params
        :class:`~wijkkracht.core.huff.HuffParameters` (defaults are conventions: calibrate).
    measure
        Attractiveness: ``"floor_area"`` (BAG, else assumed per shop type) or ``"count"``.
    scenario_floor_area
        Floor area (m²) of the shop put into each vacant shop front in the scenarios.
    spending_per_dwelling
        Euros per dwelling per year on daily goods (the user's assumption) for euro amounts
        in the zones; ``None``: none.
    added_shops
        Shops to add as scenarios (:class:`AddedShop`), each on its own: what it would draw
        and its zone's share kept before and after (rows ``added_shop`` of ``scenarios``).

    Returns
    -------
    SpendingResult
    """
    params = params or HuffParameters()
    zone_frame = _zones(zones, study_area, area_name)
    # demand: the placed dwellings
    units_dw = dwellings_demand(units)
    units_dw = units_dw.loc[units_dw["segment_id"].to_numpy() >= 0]
    n_dwellings = len(units_dw)
    demand_unit = units_dw.attrs["demand_unit"]
    # the dwellings of one building share a position (and a zone): one origin each, with
    # their number as demand (the same flows, far fewer origins)
    zone_of = area_codes(units_dw.geometry, zone_frame, "code", outside=OUTSIDE)
    dwell = (pd.DataFrame({"segment_id": units_dw["segment_id"].to_numpy(np.int64),
                           "offset_m": units_dw["offset_m"].to_numpy(float),
                           "zone": zone_of, "demand": units_dw["demand"].to_numpy(float)})
             .groupby(["segment_id", "offset_m", "zone"], sort=True, as_index=False)["demand"]
             .sum())
    dwell.attrs["demand_unit"] = demand_unit
    origins = place(dwell["segment_id"].to_numpy(np.int64), dwell["offset_m"].to_numpy(float))
    origin_zone = dwell["zone"].to_numpy(dtype=object)
    # supply: daily-goods shops on the network
    placed_pois = pois.loc[pois["segment_id"].to_numpy() >= 0]
    supply = supply_from_pois(placed_pois, units, measure=measure)
    sup_pts = place(supply["segment_id"].to_numpy(np.int64), supply["offset_m"].to_numpy(float))
    supply_zone = area_codes(gpd.GeoSeries(supply["geometry"].to_numpy(), crs=28992)
                             if len(supply) else np.array([], dtype=object),
                             zone_frame, "code", outside=OUTSIDE)
    model = build_model(network, origins, dwell["demand"].to_numpy(float), origin_zone, sup_pts,
                        supply["attractiveness"].to_numpy(float), supply_zone, params,
                        demand_unit=dwell.attrs["demand_unit"],
                        attractiveness_unit=("shops" if measure == "count"
                                             else "m² floor area"),
                        spending_per_unit=spending_per_dwelling,
                        metadata={"attractiveness": supply.attrs.get("attractiveness", {})})
    result = run_model(model)
    weights = _origin_weights(model, result)
    segments = _segment_columns(result, dwell, weights.kept, network.n_segments)
    zone_out = _zone_table(result, zone_frame)
    catchment = result.segment_catchment if result.segment_catchment is not None \
        else pd.DataFrame(columns=["segment_id", "origin_area", "drawn", "share"])
    catchment = catchment.rename(columns={"origin_area": "origin_zone"})
    scenarios = _vacancy_scenarios(model, network, pois, zone_frame, study_area, weights,
                                   scenario_floor_area, added_shops)
    union = zone_frame.geometry.union_all()
    reach = _reach_beyond(network, union)
    warnings_: list[str] = []
    if reach < params.cutoff:
        warnings_.append(
            f"the streets and shops reach a median of {reach:,.0f} m beyond the zones, less than "
            f"the {params.cutoff:,.0f} m cut-off: spending that leaks to shops further away is "
            "not seen, so the shares kept are upper bounds")
    meta = {
        "model": "Huff (1963, 1964)",
        "parameters": params.as_dict(),
        "parameters_note": "conventions, not calibrated: calibrate against observed trips",
        "demand_unit": dwell.attrs["demand_unit"],
        "amounts_unit": "dwellings' worth of daily-goods spending",
        "spending_per_dwelling_eur": spending_per_dwelling,
        "attractiveness": supply.attrs.get("attractiveness", {}),
        "dwellings": int(n_dwellings),
        "origins": int(len(dwell)),
        "dwellings_beyond_reach": int(len(result.beyond_reach)),
        "shops": int(len(supply)),
        "zones": "areas" if zones is not None and len(zones) else "study area",
        "reach_beyond_zones_m": round(reach, 1),
        "scenario_floor_area_m2": scenario_floor_area,
        "warnings": warnings_,
    }
    return SpendingResult(segments=segments, zones=zone_out, catchment=catchment,
                          scenarios=scenarios, metadata=meta)


@dataclass(frozen=True)
class _OriginWeights:
    """Per origin of a model run: ``total`` = sum of the Huff weights of the shops in reach
    (0: none), ``own`` = that sum over the shops in the origin's own zone, and ``kept`` = the
    spending kept in the zone (``demand * own / total``)."""

    total: np.ndarray
    own: np.ndarray
    kept: np.ndarray


def _origin_weights(model: Any, result: HuffResult) -> _OriginWeights:
    demand = model.demand
    o_zone = np.asarray(model.origin_area, dtype=object)
    flows = result.flows
    o = flows["origin"].to_numpy(np.int64)
    w = flows["weight"].to_numpy(float)
    own = np.asarray(model.supply_area, dtype=object)[flows["destination"].to_numpy(np.int64)] \
        == o_zone[o]
    total = np.bincount(o, weights=w, minlength=len(demand))
    own_w = np.bincount(o[own], weights=w[own], minlength=len(demand))
    kept = np.where(total > 0, demand * own_w / np.where(total > 0, total, 1.0), 0.0)
    return _OriginWeights(total=total, own=own_w, kept=kept)


def _segment_columns(result: HuffResult, dwell: pd.DataFrame, kept: np.ndarray,
                     n_seg: int) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(n_seg, name="segment_id"),
                       columns=list(SEGMENT_COLUMNS), dtype=float)
    seg = dwell["segment_id"].to_numpy(np.int64)
    demand = dwell["demand"].to_numpy(float)
    dem_seg = np.bincount(seg, weights=demand, minlength=n_seg)
    kept_seg = np.bincount(seg, weights=kept, minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["spend_kept_share"] = np.where(dem_seg > 0, kept_seg / dem_seg, np.nan)
    if result.segments is not None and len(result.segments):
        s = result.segments
        idx = s.index.to_numpy(np.int64)
        out.loc[idx, "spend_drawn"] = s["drawn"].to_numpy(float)
        out.loc[idx, "spend_own_zone_share"] = s["own_area_share"].to_numpy(float)
    return out


def _zone_table(result: HuffResult, zone_frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    areas = result.areas
    out = zone_frame.copy()
    for col in ZONE_COLUMNS + tuple(c for c in ("retained_eur", "leaked_eur", "drawn_eur")
                                    if c in areas):
        out[col] = areas[col].reindex(out["code"]).to_numpy(dtype=float) \
            if col in areas else np.nan
    out["demand"] = out["demand"].fillna(0.0)
    out["drawn"] = out["drawn"].fillna(0.0)
    return out


def _vacancy_scenarios(model: Any, network: StreetNetwork, pois: pd.DataFrame,
                       zone_frame: gpd.GeoDataFrame, study_area: Any, before: _OriginWeights,
                       floor_area: float, added: Sequence[AddedShop] = ()) -> gpd.GeoDataFrame:
    """Every vacant shop front of the study area filled with a shop of ``floor_area`` m², one
    at a time, and each shop of ``added``: what it draws and its zone's share kept, before
    and after.

    Equal to :func:`wijkkracht.core.huff.add_shop` per shop (tested), but without running
    the whole model again for each: a new shop only changes the denominators of the origins
    within its reach, ``S_i -> S_i + w_i``, so the zone's kept spending after is
    ``sum_i D_i (K_i + [own zone] w_i) / (S_i + w_i)`` over the zone's origins, with ``K_i``
    the weight of the shops in the origin's own zone.
    """
    cols = ["scenario", "osm_id", "segment_id", "zone", "floor_area_m2", "drawn",
            "retained_share_before", "retained_share_after", "retained_share_change"]
    vacant = pois.loc[pois.get("vacant", pd.Series(False, index=pois.index)).astype(bool)
                      & (pois["segment_id"].to_numpy() >= 0)]
    if len(vacant):
        inside = shapely.intersects(np.asarray(vacant.geometry.values), study_area)
        vacant = vacant.loc[inside]
    # candidates: (scenario, osm_id, segment, offset, floor area, point)
    cands = [("vacant_front", str(poi.get("osm_id", idx)), int(poi["segment_id"]),
              float(poi["offset_m"]), float(floor_area), poi.geometry)
             for idx, poi in vacant.iterrows()]
    if added:
        pts = shapely.points([(a.x, a.y) for a in added])
        loc = locate_points(network, pts, max_distance=ADDED_SHOP_MAX_M)
        for a, pt, seg, off in zip(added, pts, loc["segment_id"], loc["offset_m"], strict=True):
            if seg < 0:
                raise InputError("scenario", f"the added shop at {a.x:.0f},{a.y:.0f} (RD New) "
                                 f"is more than {ADDED_SHOP_MAX_M:g} m from every street")
            cands.append(("added_shop", a.label, int(seg), float(off), a.floor_area(), pt))
    if not cands or model.origins is None:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=gpd.GeoSeries([], crs=28992),
                                crs=28992)
    params = model.params
    demand = model.demand
    o_zone = np.asarray(model.origin_area, dtype=object)
    total, kept_w, kept_now = before.total, before.own, before.kept  # S_i, K_i
    zone_demand = pd.Series(demand).groupby(o_zone).sum()
    zone_kept = pd.Series(kept_now).groupby(o_zone).sum()
    zones = area_codes(gpd.GeoSeries([c[5] for c in cands], crs=28992), zone_frame, "code",
                       outside=OUTSIDE)
    rows = []
    for (kind, ident, seg, off, area, geom), zone in zip(cands, zones, strict=True):
        rev = od_distances(network, place([seg], [off]), model.origins, params.cutoff)
        oi = rev["destination"].to_numpy(np.int64)
        wi = area ** params.alpha * params.decay_weight(rev["distance_m"].to_numpy(float))
        s_new = total[oi] + wi
        drawn = float((demand[oi] * wi / s_new).sum())
        before_z = float(zone_kept.get(zone, 0.0))
        dem_z = float(zone_demand.get(zone, 0.0))
        in_z = o_zone[oi] == zone
        after_z = before_z + float((demand[oi][in_z] * (kept_w[oi][in_z] + wi[in_z])
                                    / s_new[in_z]).sum() - kept_now[oi][in_z].sum())
        # outside every zone: no zone whose share is reported
        share_b = before_z / dem_z if dem_z > 0 and zone != OUTSIDE else np.nan
        share_a = after_z / dem_z if dem_z > 0 and zone != OUTSIDE else np.nan
        rows.append({"scenario": kind, "osm_id": ident, "segment_id": seg, "zone": zone,
                     "floor_area_m2": area, "drawn": drawn, "retained_share_before": share_b,
                     "retained_share_after": share_a, "retained_share_change": share_a - share_b,
                     "geometry": geom})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=28992)
    # the shops the user added first (in their order), then the vacant fronts, best first
    out["_added"] = out["scenario"] == "added_shop"
    out["_order"] = np.where(out["_added"], np.arange(len(out)), 0)
    out = out.sort_values(["_added", "_order", "drawn", "osm_id"],
                          ascending=[False, True, False, True], kind="stable")
    return out.drop(columns=["_added", "_order"]).reset_index(drop=True)
