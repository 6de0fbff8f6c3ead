"""Spending flows: where residents' daily-goods spending goes (Huff model).

The probability that a resident of origin ``i`` buys daily goods at supply location ``j``
(Huff 1963, 1964):

    P_ij = A_j^alpha f(d_ij) / sum_k A_k^alpha f(d_ik),   k over the supply within ``cutoff``

with ``A`` the attractiveness (retail floor area, or 1 per shop), ``d`` the distance along the
walking network (never less than ``min_distance``, so that a shop next door does not get an
infinite weight) and the distance decay ``f``:

* ``"power"``: ``f(d) = d^-beta`` (default ``beta = 2``: the inverse-square "gravity"
  convention of Reilly 1931 that Huff's model generalises);
* ``"exponential"``: ``f(d) = exp(-lam * d_km)`` (``d`` in kilometres, default
  ``lam = 1.0`` per km; the form of Wilson 1971).

The defaults (``alpha = 1``, ``beta = 2``, ``lam = 1 / km``, ``min_distance = 100 m``,
``cutoff = 2,000 m``) are **conventions, not calibrated values**: decay parameters estimated in
one region and for one kind of good do not carry over to another (Fotheringham 1981). Calibrate
them against observed shopping trips (e.g. a survey or till-receipt postcodes) before reading
the shares as more than relative. Origins with no supply within the cut-off keep their demand
as *beyond reach*: it is reported separately, never dropped or spread.

Demand is given per origin (dwellings: BAG ``woonfunctie`` units, the usual proxy for
households; or CBS households/population per buurt); the unit is recorded in the metadata.
Amounts are in demand units (e.g. dwellings' worth of daily-goods spending). Euros appear
only when the user passes ``spending_per_unit`` (euros per unit per year): wijkkracht ships
no spending figure, so euro amounts are always the user's assumption times the flows.

Edge effects: supply that is not in the input cannot draw spending. Give the model the
supply (and the network) up to at least ``cutoff`` beyond the areas reported, or leakage is
underestimated and the origins near the edge of the data look *beyond reach*. (The bundled
Kanaleneiland extract reaches only a few hundred metres beyond the study area: with the
2 km default its leakage comes out near 0 for that reason.)

All computations work on a sparse origin-destination table ``(origin, destination,
distance_m)`` of the pairs within the cut-off (:func:`od_distances`), so national scale fits
in memory.

References
----------
Huff, D.L. (1963). A probabilistic analysis of shopping center trade areas. *Land Economics*
39(1): 81-90.

Huff, D.L. (1964). Defining and estimating a trading area. *Journal of Marketing* 28(3): 34-38.

Reilly, W.J. (1931). *The Law of Retail Gravitation*. New York: Knickerbocker Press.

Wilson, A.G. (1971). A family of spatial interaction models, and associated developments.
*Environment and Planning A* 3(1): 1-32.

Fotheringham, A.S. (1981). Spatial structure and distance-decay parameters. *Annals of the
Association of American Geographers* 71(3): 425-436.

Examples
--------
Two shops seen from one origin: a 1,000 m² supermarket 400 m away and a 250 m² shop at
200 m; with ``beta = 2`` both weigh the same (1000 / 400² = 250 / 200²):

>>> od = pd.DataFrame({"origin": [0, 0], "destination": [0, 1],
...                    "distance_m": [400.0, 200.0]})
>>> p = huff_probabilities(od, np.array([1000.0, 250.0]))
>>> p["probability"].round(3).tolist()
[0.5, 0.5]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from .categories import Label
from .distances import PlacedPoints, _kd_leaves, _nodes_in_box, _subgraph, place
from .network import StreetNetwork

__all__ = [
    "DECAYS",
    "DEFAULT_FLOOR_AREA_M2",
    "HUFF_COLUMNS",
    "HuffParameters",
    "HuffModel",
    "HuffResult",
    "ScenarioResult",
    "od_distances",
    "huff_probabilities",
    "spending_flows",
    "build_model",
    "run_model",
    "add_shop",
    "add_supply",
    "supply_from_pois",
    "dwellings_demand",
    "area_codes",
]

#: The distance-decay functions.
DECAYS = ("power", "exponential")

#: Assumed floor area (m² sales/usable area) per daily-goods shop type when no BAG floor area
#: is known. ASSUMPTIONS for relative attractiveness, not data: typical orders of magnitude
#: of Dutch neighbourhood shops; set your own (or use ``measure="count"``).
DEFAULT_FLOOR_AREA_M2: dict[str, float] = {
    "shop=supermarket": 1000.0,
    "shop=convenience": 150.0,
    "shop=chemist": 250.0,
    "shop=bakery": 80.0,
    "shop=butcher": 80.0,
    "shop=greengrocer": 100.0,
    "shop=kiosk": 20.0,
    "shop=newsagent": 50.0,
    "*": 60.0,  # any other daily-goods shop
}

#: Output columns, their labels (nl/en) and units, for the integrator to register.
HUFF_COLUMNS: dict[str, tuple[Label, str]] = {
    # per area
    "demand": (Label("Vraag (huishoudens/woningen)", "Demand (households/dwellings)"),
               "demand units"),
    "retained": (Label("Bestedingen binnen het gebied", "Spending kept in the area"),
                 "demand units"),
    "leaked": (Label("Bestedingen naar elders", "Spending leaking elsewhere"), "demand units"),
    "beyond_reach": (Label("Vraag zonder winkel binnen bereik", "Demand with no shop in reach"),
                     "demand units"),
    "retained_share": (Label("Aandeel binnen het gebied", "Share kept in the area"), "fraction"),
    "leaked_share": (Label("Aandeel weglekkend", "Share leaking out"), "fraction"),
    "beyond_reach_share": (Label("Aandeel buiten bereik", "Share beyond reach"), "fraction"),
    "drawn": (Label("Aangetrokken bestedingen", "Spending drawn"), "demand units"),
    "inflow": (Label("Toevloeiing van elders", "Spending drawn from elsewhere"),
               "demand units"),
    "inflow_share": (Label("Aandeel van elders", "Share drawn from elsewhere"), "fraction"),
    # per supply location / segment
    "attractiveness": (Label("Aantrekkelijkheid", "Attractiveness"), "m² or shops"),
    "drawn_own_area": (Label("Bestedingen uit eigen gebied", "Spending drawn from own area"),
                       "demand units"),
    "own_area_share": (Label("Aandeel uit eigen gebied", "Share from own area"), "fraction"),
    "n_origin_areas": (Label("Herkomstgebieden", "Origin areas"), "count"),
    "n_supply": (Label("Winkels", "Shops"), "count"),
    # flows (origin-destination pairs) and catchments
    "probability": (Label("Kans (Huff)", "Probability (Huff)"), "fraction"),
    "flow": (Label("Bestedingsstroom", "Spending flow"), "demand units"),
    "share": (Label("Aandeel", "Share"), "fraction"),
    "distance_m": (Label("Afstand over het netwerk", "Network distance"), "m"),
    "drawn_eur": (Label("Aangetrokken bestedingen (aanname)", "Spending drawn (assumed)"),
                  "EUR/year"),
    "retained_eur": (Label("Bestedingen binnen het gebied (aanname)",
                           "Spending kept in the area (assumed)"), "EUR/year"),
    "leaked_eur": (Label("Bestedingen naar elders (aanname)",
                         "Spending leaking elsewhere (assumed)"), "EUR/year"),
}


# --------------------------------------------------------------------------------------------
# parameters and probabilities


@dataclass(frozen=True)
class HuffParameters:
    """Parameters of the Huff model (defaults are conventions: calibrate them).

    Attributes
    ----------
    alpha
        Exponent of the attractiveness (1: proportional to floor area).
    decay
        ``"power"`` (``d^-beta``) or ``"exponential"`` (``exp(-lam * d_km)``).
    beta
        Exponent of the power decay (default 2, the gravity convention).
    lam
        Rate of the exponential decay per kilometre (default 1.0).
    min_distance
        Distances below this (m) count as this (default 100 m).
    cutoff
        Supply farther than this along the network (m) is not considered (default 2,000 m).
    """

    alpha: float = 1.0
    decay: str = "power"
    beta: float = 2.0
    lam: float = 1.0
    min_distance: float = 100.0
    cutoff: float = 2000.0

    def __post_init__(self) -> None:
        if self.decay not in DECAYS:
            raise ValueError(f"decay must be one of {', '.join(DECAYS)}, not {self.decay!r}")
        if not self.min_distance > 0:
            raise ValueError("min_distance must be positive")
        if not self.cutoff > 0:
            raise ValueError("cutoff must be positive")
        if self.beta < 0 or self.lam < 0 or self.alpha < 0:
            raise ValueError("alpha, beta and lam must not be negative")

    def decay_weight(self, distance_m: np.ndarray) -> np.ndarray:
        """``f(max(d, min_distance))``.

        >>> HuffParameters().decay_weight(np.array([50.0, 200.0])).tolist()
        [0.0001, 2.5e-05]
        >>> HuffParameters(decay="exponential", lam=2.0).decay_weight(np.array([500.0]))
        array([0.36787944])
        """
        d = np.maximum(np.asarray(distance_m, dtype=np.float64), self.min_distance)
        if self.decay == "power":
            return 1.0 / d ** self.beta
        return np.exp(-self.lam * d / 1000.0)

    def as_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "decay": self.decay, "beta": self.beta,
                "lam_per_km": self.lam, "min_distance_m": self.min_distance,
                "cutoff_m": self.cutoff}


def huff_probabilities(od: pd.DataFrame, attractiveness: np.ndarray,
                       params: HuffParameters | None = None) -> pd.DataFrame:
    """Huff probabilities on a sparse origin-destination table.

    Parameters
    ----------
    od
        Columns ``origin``, ``destination`` (integer numbers) and ``distance_m``. Pairs
        farther than ``params.cutoff`` are left out (so a table made with a larger cut-off
        can be reused).
    attractiveness
        Attractiveness of every destination, indexed by destination number (>= 0).
    params
        Model parameters (default :class:`HuffParameters`).

    Returns
    -------
    pandas.DataFrame
        The pairs within the cut-off whose destination has a positive attractiveness, with
        ``weight`` (``A^alpha f(d)``) and ``probability``; the probabilities of every origin
        that appears sum to 1. Origins absent from the result have no supply in reach.

    Examples
    --------
    >>> od = pd.DataFrame({"origin": [0, 0, 1], "destination": [0, 1, 1],
    ...                    "distance_m": [100.0, 200.0, 3000.0]})
    >>> huff_probabilities(od, np.array([1.0, 1.0]))["probability"].round(6).tolist()
    [0.8, 0.2]
    """
    params = params or HuffParameters()
    attr = np.asarray(attractiveness, dtype=np.float64)
    o = od["origin"].to_numpy(dtype=np.int64)
    j = od["destination"].to_numpy(dtype=np.int64)
    d = od["distance_m"].to_numpy(dtype=np.float64)
    keep = (d <= params.cutoff) & (attr[j] > 0)
    o, j, d = o[keep], j[keep], d[keep]
    w = attr[j] ** params.alpha * params.decay_weight(d)
    if len(o):
        # Per-origin sums through a dense relabelling (origins may be sparse numbers).
        uo, inv = np.unique(o, return_inverse=True)
        total = np.bincount(inv, weights=w, minlength=len(uo))
        p = w / total[inv]
    else:
        p = np.empty(0)
    return pd.DataFrame({"origin": o, "destination": j, "distance_m": d, "weight": w,
                         "probability": p})


# --------------------------------------------------------------------------------------------
# network distances


def _distinct_positions(points: PlacedPoints) -> int:
    on = points.on_network
    if not on.any():
        return 0
    return len(np.unique(np.column_stack([points.segment[on].astype(np.float64),
                                          points.offset[on]]), axis=0))


def od_distances(network: StreetNetwork, origins: PlacedPoints, destinations: PlacedPoints,
                 cutoff: float, *, leaf_size: int = 128,
                 max_cells: int = 4_000_000) -> pd.DataFrame:
    """Distances along the network between origins and destinations within ``cutoff``.

    The walking network is undirected, so distances are symmetric: the searches start from
    whichever side has fewer distinct positions (e.g. from 30 shops rather than from 17,000
    dwellings) and the pairs are turned round; see :func:`_od_from` for the method.

    Point to point: from an origin's position on its segment to a destination's position on
    its own (``min(t_o + D(a_o, .), L_o - t_o + D(b_o, .))`` to either end of the
    destination's segment plus its offset; ``|t_o - t_d|`` on a shared segment).

    Origins at the same position are searched once. They are split into spatially compact
    groups of at most ``leaf_size`` (k-d tree leaves); each group runs one bounded Dijkstra
    (``limit=cutoff``) per origin on the sub-network within ``cutoff`` of the group only,
    so the work grows with the number of origins times the nodes within the cut-off, never
    with origins x all nodes.

    Parameters
    ----------
    network
        The street network.
    origins, destinations
        Points placed on the network; points off the network (segment -1) get no pairs.
    cutoff
        Largest distance (m) kept.
    leaf_size
        Origins per group.
    max_cells
        Largest dense block (origins x sub-network nodes, float64) one search call fills;
        a group on a large sub-network is searched in chunks of origins (memory bound,
        default 4 million cells = 32 MB).

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``destination`` (positions in ``origins``/``destinations``) and
        ``distance_m``, one row per pair within ``cutoff``, sorted by origin then destination.
    """
    if _distinct_positions(destinations) < _distinct_positions(origins):
        rev = _od_from(network, destinations, origins, cutoff, leaf_size=leaf_size,
                       max_cells=max_cells)
        out = pd.DataFrame({"origin": rev["destination"].to_numpy(),
                            "destination": rev["origin"].to_numpy(),
                            "distance_m": rev["distance_m"].to_numpy()})
        return out.sort_values(["origin", "destination"], kind="stable").reset_index(drop=True)
    return _od_from(network, origins, destinations, cutoff, leaf_size=leaf_size,
                    max_cells=max_cells)


def _od_from(network: StreetNetwork, origins: PlacedPoints, destinations: PlacedPoints,
             cutoff: float, *, leaf_size: int = 128, max_cells: int = 4_000_000) -> pd.DataFrame:
    """:func:`od_distances` with the searches started from the origins."""
    empty = pd.DataFrame({"origin": np.empty(0, np.int64), "destination": np.empty(0, np.int64),
                          "distance_m": np.empty(0)})
    o_idx = np.flatnonzero(origins.on_network)
    d_idx = np.flatnonzero(destinations.on_network)
    if not len(o_idx) or not len(d_idx):
        return empty
    length = network.length
    a, b = network.node_a, network.node_b
    xy = network.node_xy
    graph = network.graph
    # Distinct origin positions.
    key = np.column_stack([origins.segment[o_idx].astype(np.float64),
                           origins.offset[o_idx]])
    ukey, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    useg = ukey[:, 0].astype(np.int64)
    uoff = np.clip(ukey[:, 1], 0.0, length[useg])
    # Group members by unique position: position -> list of original origin numbers.
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(useg) + 1))
    # Reference point of an origin: its segment's node a; the origin lies within the
    # segment's length of it (straight line), which the search box allows for.
    oxy = xy[a[useg]]
    slack = length[useg]
    # Destinations, sorted by x of their segment's node a for box queries.
    dseg = destinations.segment[d_idx]
    doff = np.clip(destinations.offset[d_idx], 0.0, length[dseg])
    dlen = length[dseg]
    dxy = xy[a[dseg]]
    dx_order = np.argsort(dxy[:, 0], kind="stable")
    dxs = dxy[dx_order, 0]
    dslack = float(dlen.max())
    x_order = network.node_x_order
    xs = xy[x_order, 0]
    node_loc = np.full(network.n_nodes + 1, -1, dtype=np.int64)
    out_o: list[np.ndarray] = []
    out_d: list[np.ndarray] = []
    out_dist: list[np.ndarray] = []
    for members in _kd_leaves(oxy, np.arange(len(useg)), leaf_size):
        extra = cutoff + slack[members].max() + 1.0
        lo = oxy[members].min(axis=0) - extra
        hi = oxy[members].max(axis=0) + extra
        sub = _nodes_in_box(xy, x_order, xs, lo, hi)
        node_loc[sub] = np.arange(len(sub))
        # Destinations with an end in the sub-network (others are beyond the cut-off).
        j0, j1 = np.searchsorted(dxs, [lo[0] - dslack, hi[0] + dslack])
        dc = dx_order[j0:j1]
        la = node_loc[a[dseg[dc]]]
        lb = node_loc[b[dseg[dc]]]
        hit = (la >= 0) | (lb >= 0)
        dc, la, lb = dc[hit], la[hit], lb[hit]
        if not len(dc):
            node_loc[sub] = -1
            continue
        gsub = _subgraph(graph, sub, node_loc)
        n_sub = len(sub)
        end_a = node_loc[a[useg[members]]]
        end_b = node_loc[b[useg[members]]]
        node_loc[sub] = -1
        # Node n_sub of the augmented graph is isolated (never reached): it stands for "segment
        # end outside the sub-network". Virtual sources follow it.
        la = np.where(la >= 0, la, n_sub)
        lb = np.where(lb >= 0, lb, n_sub)
        t = doff[dc]
        t_rest = dlen[dc] - t
        dseg_c = dseg[dc]
        # Bound the dense (origins x sub-network nodes) block of a search.
        chunk = max(1, max_cells // (n_sub + 1))
        for c0 in range(0, len(members), chunk):
            part = slice(c0, c0 + chunk)
            mem = members[part]
            k = len(mem)
            ms = useg[mem]
            mo = uoff[mem]
            # One virtual source per origin, joined to both ends of its segment.
            v_cols = np.column_stack([end_a[part], end_b[part]]).ravel()
            v_wts = np.maximum(np.column_stack([mo, length[ms] - mo]).ravel(), 1e-9)
            indptr = np.concatenate([gsub.indptr, [gsub.indptr[-1]],
                                     gsub.indptr[-1] + 2 * np.arange(1, k + 1)])
            aug = sparse.csr_matrix(
                (np.concatenate([gsub.data, v_wts]), np.concatenate([gsub.indices, v_cols]),
                 indptr),
                shape=(n_sub + 1 + k,) * 2,
            )
            dist = csgraph.dijkstra(aug, directed=True, indices=n_sub + 1 + np.arange(k),
                                    limit=cutoff)
            d = np.minimum(dist[:, la] + t[None, :], dist[:, lb] + t_rest[None, :])
            del dist
            # Origin and destination on the same segment: straight along it.
            same = ms[:, None] == dseg_c[None, :]
            if same.any():
                r, c = np.nonzero(same)
                d[r, c] = np.minimum(d[r, c], np.abs(mo[r] - t[c]))
            r, c = np.nonzero(d <= cutoff)
            if not len(r):
                continue
            out_o.append(mem[r])
            out_d.append(d_idx[dc[c]])
            out_dist.append(d[r, c])
    if not out_o:
        return empty
    uo = np.concatenate(out_o)
    dd = np.concatenate(out_d)
    dist_all = np.concatenate(out_dist)
    # Expand unique positions back to every origin at that position.
    counts = starts[uo + 1] - starts[uo]
    rep = np.repeat(np.arange(len(uo)), counts)
    pos = np.repeat(starts[uo] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    origin = o_idx[order[pos]]
    res = pd.DataFrame({"origin": origin.astype(np.int64), "destination": dd[rep].astype(np.int64),
                        "distance_m": dist_all[rep]})
    return res.sort_values(["origin", "destination"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True)
class HuffModel:
    """Everything the Huff model needs, with the origin-destination table computed once.

    Attributes
    ----------
    od
        ``origin``, ``destination``, ``distance_m`` (pairs within ``params.cutoff``).
    demand
        Demand of every origin (e.g. dwellings), ``(n_origins,)``.
    origin_area
        Area code of every origin (e.g. buurt code), ``(n_origins,)``.
    attractiveness
        Attractiveness of every supply location, ``(n_supply,)``.
    supply_area
        Area code of every supply location (e.g. buurt code, or ``"outside"``).
    params
        :class:`HuffParameters`.
    origins
        Placement of the origins (needed by :func:`add_shop`), or None.
    supply_segment
        Segment of every supply location (for per-segment results), or None.
    demand_unit
        What ``demand`` counts (recorded in the metadata), e.g. ``"dwellings (BAG
        woonfunctie)"`` or ``"households (CBS)"``.
    attractiveness_unit
        What ``attractiveness`` measures, e.g. ``"m² floor area"`` or ``"shops"``.
    spending_per_unit
        Euros per demand unit per year on daily goods, an ASSUMPTION of the user; None: no
        euro amounts.
    metadata
        Anything to carry into the results (e.g. how the attractiveness was made).
    """

    od: pd.DataFrame
    demand: np.ndarray
    origin_area: np.ndarray
    attractiveness: np.ndarray
    supply_area: np.ndarray
    params: HuffParameters = field(default_factory=HuffParameters)
    origins: PlacedPoints | None = None
    supply_segment: np.ndarray | None = None
    demand_unit: str = "dwellings"
    attractiveness_unit: str = "m² floor area"
    spending_per_unit: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HuffResult:
    """Spending flows of a :class:`HuffModel`.

    Attributes
    ----------
    areas
        One row per area (index ``area``): ``demand``, ``retained``, ``leaked``,
        ``beyond_reach`` (demand units; they add up to ``demand``), ``retained_share``,
        ``leaked_share``, ``beyond_reach_share`` (of ``demand``; NaN without demand),
        ``drawn`` (spending drawn by the area's supply from everywhere), ``inflow`` (of which
        from other areas), ``inflow_share``; with ``spending_per_unit`` also
        ``retained_eur``, ``leaked_eur``, ``drawn_eur`` (assumed).
    supply
        One row per supply location (index ``supply``): ``area``, ``attractiveness``,
        ``drawn`` (``sum_i demand_i P_ij``), ``drawn_own_area``, ``own_area_share``,
        ``n_origin_areas`` (and ``segment_id``, ``drawn_eur`` when known).
    catchment
        Long table ``supply``, ``origin_area``, ``drawn``, ``share`` (of the supply's drawn
        spending): where each supply location's spending comes from.
    segments
        Per street segment with supply (``segment_id`` index): ``drawn``, ``drawn_own_area``,
        ``own_area_share``, ``n_origin_areas``, ``attractiveness``; None without
        ``supply_segment``.
    segment_catchment
        Long table ``segment_id``, ``origin_area``, ``drawn``, ``share``; None without
        ``supply_segment``.
    flows
        The OD pairs with ``probability`` and ``flow`` (``demand_i P_ij``).
    beyond_reach
        Numbers of the origins with demand but no supply within the cut-off.
    metadata
        Parameters, units and notes.
    """

    areas: pd.DataFrame
    supply: pd.DataFrame
    catchment: pd.DataFrame
    segments: pd.DataFrame | None
    segment_catchment: pd.DataFrame | None
    flows: pd.DataFrame
    beyond_reach: np.ndarray
    metadata: dict[str, Any]


def _labels(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    return np.where(pd.isna(arr), None, arr).astype(object)


def spending_flows(od: pd.DataFrame, demand: np.ndarray, origin_area: Sequence[Any] | np.ndarray,
                   attractiveness: np.ndarray, supply_area: Sequence[Any] | np.ndarray,
                   params: HuffParameters | None = None, *,
                   supply_segment: np.ndarray | None = None,
                   spending_per_unit: float | None = None,
                   demand_unit: str = "dwellings",
                   attractiveness_unit: str = "m² floor area",
                   metadata: dict[str, Any] | None = None) -> HuffResult:
    """Huff spending flows per area, per supply location and per segment.

    See :class:`HuffResult` for the tables. Shares per area are of the area's demand:
    ``retained_share + leaked_share + beyond_reach_share = 1``.

    Examples
    --------
    Two areas; the origin of A sees its own shop at 200 m and B's at 400 m (equal size):

    >>> od = pd.DataFrame({"origin": [0, 0, 1], "destination": [0, 1, 1],
    ...                    "distance_m": [200.0, 400.0, 300.0]})
    >>> res = spending_flows(od, np.array([10.0, 5.0]), ["A", "B"], np.ones(2), ["A", "B"])
    >>> res.areas[["retained_share", "leaked_share"]].round(2).values.tolist()
    [[0.8, 0.2], [1.0, 0.0]]
    >>> res.supply["drawn"].round(6).tolist()
    [8.0, 7.0]
    """
    params = params or HuffParameters()
    demand, o_area, attr, s_area = _checked_inputs(demand, origin_area, attractiveness,
                                                   supply_area)
    p = huff_probabilities(od, attr, params)
    o = p["origin"].to_numpy()
    j = p["destination"].to_numpy()
    flow = demand[o] * p["probability"].to_numpy()
    p["flow"] = flow
    reached = np.zeros(len(demand), dtype=bool)
    reached[o] = True
    beyond = np.flatnonzero(~reached & (demand > 0))
    oa = pd.Series(o_area[o])
    sa = pd.Series(s_area[j])
    same = (oa.to_numpy() == sa.to_numpy()) & (oa.notna().to_numpy())
    areas = _area_flows(o_area, s_area, demand, beyond, oa, sa, flow, same)
    supply, catch = _supply_flows(j, flow, same, oa.to_numpy(), s_area, attr)
    segments = seg_catch = None
    if supply_segment is not None:
        sseg = np.asarray(supply_segment, dtype=np.int64)
        supply.insert(0, "segment_id", sseg)
        segments, seg_catch = _segment_flows(supply, catch, sseg)
    if spending_per_unit is not None:
        _add_euros(float(spending_per_unit), areas, supply, segments)
    meta = {
        "model": "Huff (1963, 1964) probabilistic spatial interaction",
        "parameters": params.as_dict(),
        "parameters_note": "defaults are conventions, not calibrated; calibrate before use",
        "demand_unit": demand_unit,
        "attractiveness_unit": attractiveness_unit,
        "spending_per_unit_eur": spending_per_unit,
        "spending_note": ("euro amounts = flows x the user's assumed spending per unit"
                          if spending_per_unit is not None
                          else "no spending figure given: amounts are in demand units"),
        "origins": int(len(demand)),
        "origins_beyond_reach": int(len(beyond)),
        "demand_total": float(demand.sum()),
        "demand_beyond_reach": float(demand[beyond].sum()),
        "supply_locations": int(len(attr)),
        "pairs": int(len(p)),
        **(metadata or {}),
    }
    return HuffResult(areas=areas, supply=supply, catchment=catch, segments=segments,
                      segment_catchment=seg_catch, flows=p, beyond_reach=beyond, metadata=meta)


def _checked_inputs(demand: np.ndarray, origin_area: Sequence[Any] | np.ndarray,
                    attractiveness: np.ndarray, supply_area: Sequence[Any] | np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Demand, origin areas, attractiveness and supply areas as arrays, checked.

    Raises
    ------
    ValueError
        When the lengths do not match, or a demand or attractiveness is negative or not
        finite.
    """
    demand = np.asarray(demand, dtype=np.float64)
    o_area = _labels(origin_area)
    s_area = _labels(supply_area)
    attr = np.asarray(attractiveness, dtype=np.float64)
    if len(o_area) != len(demand):
        raise ValueError("demand and origin_area must have one value per origin")
    if len(s_area) != len(attr):
        raise ValueError("attractiveness and supply_area must have one value per supply location")
    if np.any(demand < 0) or np.any(~np.isfinite(demand)):
        raise ValueError("demand must be finite and not negative")
    if np.any(attr < 0) or np.any(~np.isfinite(attr)):
        raise ValueError("attractiveness must be finite and not negative")
    return demand, o_area, attr, s_area


def _area_flows(o_area: np.ndarray, s_area: np.ndarray, demand: np.ndarray,
                beyond: np.ndarray, pair_oa: pd.Series, pair_sa: pd.Series,
                flow: np.ndarray, same: np.ndarray) -> pd.DataFrame:
    """The areas table of :class:`HuffResult` from the flow of each OD pair (``pair_oa``,
    ``pair_sa``: its origin's and supply's area; ``same``: one area)."""
    area_names = pd.unique(np.concatenate([o_area, s_area]))
    area_index = pd.Index([a for a in area_names if a is not None], dtype=object, name="area")
    per = pd.DataFrame({"oa": pair_oa, "sa": pair_sa, "flow": flow, "same": same})
    dem = pd.Series(demand).groupby(pd.Series(o_area)).sum()
    beyond_s = pd.Series(demand[beyond]).groupby(pd.Series(o_area[beyond], dtype=object)).sum()
    retained = per.loc[per["same"]].groupby("oa")["flow"].sum()
    leaked = per.loc[~per["same"]].groupby("oa")["flow"].sum()
    drawn = per.groupby("sa")["flow"].sum()
    inflow = per.loc[~per["same"]].groupby("sa")["flow"].sum()
    areas = pd.DataFrame(index=area_index)
    for name, s in (("demand", dem), ("retained", retained), ("leaked", leaked),
                    ("beyond_reach", beyond_s), ("drawn", drawn), ("inflow", inflow)):
        areas[name] = s.reindex(area_index).fillna(0.0).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_ = areas["demand"].where(areas["demand"] > 0)
        areas["retained_share"] = areas["retained"] / d_
        areas["leaked_share"] = areas["leaked"] / d_
        areas["beyond_reach_share"] = areas["beyond_reach"] / d_
        areas["inflow_share"] = areas["inflow"] / areas["drawn"].where(areas["drawn"] > 0)
    return areas[["demand", "retained", "leaked", "beyond_reach", "retained_share",
                  "leaked_share", "beyond_reach_share", "drawn", "inflow", "inflow_share"]]


def _supply_flows(j: np.ndarray, flow: np.ndarray, same: np.ndarray, pair_oa: np.ndarray,
                  s_area: np.ndarray, attr: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The supply and catchment tables of :class:`HuffResult` from the flow of each OD pair
    (``j``: its supply location)."""
    n_s = len(attr)
    drawn_j = np.bincount(j, weights=flow, minlength=n_s)
    own_j = np.bincount(j[same], weights=flow[same], minlength=n_s)
    catch = (pd.DataFrame({"supply": j, "origin_area": pair_oa, "drawn": flow})
             .groupby(["supply", "origin_area"], sort=True, dropna=False)["drawn"].sum()
             .reset_index())
    catch["share"] = catch["drawn"] / drawn_j[catch["supply"].to_numpy()]
    n_areas = np.bincount(catch["supply"].to_numpy(), minlength=n_s)
    supply = pd.DataFrame({"area": s_area, "attractiveness": attr, "drawn": drawn_j,
                           "drawn_own_area": own_j,
                           "own_area_share": np.where(drawn_j > 0, own_j / np.where(
                               drawn_j > 0, drawn_j, 1.0), np.nan),
                           "n_origin_areas": n_areas},
                          index=pd.RangeIndex(n_s, name="supply"))
    return supply, catch


def _segment_flows(supply: pd.DataFrame, catch: pd.DataFrame,
                   sseg: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The segments and segment-catchment tables of :class:`HuffResult`: the supply
    locations' flows summed per street segment (``sseg``: each one's segment, -1 none)."""
    on = sseg >= 0
    g = supply.loc[on].groupby("segment_id")
    segments = g[["attractiveness", "drawn", "drawn_own_area"]].sum()
    segments["n_supply"] = g.size()
    with np.errstate(invalid="ignore", divide="ignore"):
        segments["own_area_share"] = (segments["drawn_own_area"]
                                      / segments["drawn"].where(segments["drawn"] > 0))
    c = catch.assign(segment_id=sseg[catch["supply"].to_numpy()])
    c = c.loc[c["segment_id"] >= 0]
    seg_catch = (c.groupby(["segment_id", "origin_area"], sort=True, dropna=False)["drawn"]
                 .sum().reset_index())
    seg_drawn = segments["drawn"].reindex(seg_catch["segment_id"]).to_numpy()
    seg_catch["share"] = seg_catch["drawn"] / seg_drawn
    segments["n_origin_areas"] = (seg_catch.groupby("segment_id").size()
                                  .reindex(segments.index).fillna(0).astype(np.int64))
    return segments, seg_catch


def _add_euros(eur: float, areas: pd.DataFrame, supply: pd.DataFrame,
               segments: pd.DataFrame | None) -> None:
    """Add the ``*_eur`` columns (flows times the assumed euros per demand unit), in place."""
    for col in ("retained", "leaked", "drawn"):
        areas[f"{col}_eur"] = areas[col] * eur
    supply["drawn_eur"] = supply["drawn"] * eur
    if segments is not None:
        segments["drawn_eur"] = segments["drawn"] * eur


def build_model(network: StreetNetwork, origins: PlacedPoints, demand: np.ndarray,
                origin_area: Sequence[Any] | np.ndarray, supply: PlacedPoints,
                attractiveness: np.ndarray, supply_area: Sequence[Any] | np.ndarray,
                params: HuffParameters | None = None, **kwargs: Any) -> HuffModel:
    """Compute the network OD table once and bundle the inputs into a :class:`HuffModel`.

    ``kwargs``: the remaining :class:`HuffModel` fields (``demand_unit``,
    ``attractiveness_unit``, ``spending_per_unit``, ``metadata``). The supply's segments
    are taken from ``supply``.
    """
    params = params or HuffParameters()
    od = od_distances(network, origins, supply, params.cutoff)
    return HuffModel(od=od, demand=np.asarray(demand, dtype=np.float64),
                     origin_area=_labels(origin_area),
                     attractiveness=np.asarray(attractiveness, dtype=np.float64),
                     supply_area=_labels(supply_area), params=params, origins=origins,
                     supply_segment=supply.segment.copy(), **kwargs)


def run_model(model: HuffModel, params: HuffParameters | None = None) -> HuffResult:
    """Spending flows of ``model`` (optionally with other parameters whose cut-off is at most
    the model's: the OD table is reused)."""
    p = params or model.params
    if p.cutoff > model.params.cutoff:
        raise ValueError("the OD table was computed with a smaller cut-off; rebuild the model")
    return spending_flows(model.od, model.demand, model.origin_area, model.attractiveness,
                          model.supply_area, p, supply_segment=model.supply_segment,
                          spending_per_unit=model.spending_per_unit,
                          demand_unit=model.demand_unit,
                          attractiveness_unit=model.attractiveness_unit,
                          metadata=model.metadata)


@dataclass(frozen=True)
class ScenarioResult:
    """Before and after adding a shop (:func:`add_shop`).

    Attributes
    ----------
    before, after
        The two :class:`HuffResult`.
    areas
        Per area: ``retained_share_before``, ``retained_share_after``,
        ``retained_share_change``, likewise ``leaked_share_*``, ``beyond_reach_share_*`` and
        ``drawn_before``/``drawn_after``/``drawn_change``.
    new_supply
        Number of the new supply location in ``after`` (the last one).
    new_shop_drawn
        Spending drawn by the new shop (demand units; with ``spending_per_unit`` also in
        ``after.supply["drawn_eur"]``).
    model
        The model with the shop added (to chain scenarios).
    """

    before: HuffResult
    after: HuffResult
    areas: pd.DataFrame
    new_supply: int
    new_shop_drawn: float
    model: HuffModel


def add_shop(model: HuffModel, network: StreetNetwork, segment: int, offset: float,
             attractiveness: float, area: Any, *, before: HuffResult | None = None
             ) -> ScenarioResult:
    """Scenario: fill a vacant unit or add a shop at a place on the network.

    The distances from the new location to the origins are computed once (one bounded
    Dijkstra from the location, :func:`od_distances` with the roles swapped: the walking
    network is undirected) and appended to the model's OD table (:func:`add_supply`);
    everything else is reused.

    Parameters
    ----------
    model
        The model before (made by :func:`build_model`, so that ``model.origins`` is known).
    network
        The network the model was built on.
    segment, offset
        Where the shop is: segment number and offset from its ``node_a`` (see
        :func:`~wijkkracht.core.network.locate_points`; a vacant BAG unit or POI placed by
        the pipeline has them as ``segment_id``/``offset_m``).
    attractiveness
        Its attractiveness, in the model's unit (e.g. floor area in m²; see
        :data:`DEFAULT_FLOOR_AREA_M2` for assumed sizes per shop type).
    area
        The area code of its location.
    before
        The result before, if already computed.
    """
    if model.origins is None:
        raise ValueError("the model does not know where its origins are; use build_model")
    loc = place([segment], [offset])
    rev = od_distances(network, loc, model.origins, model.params.cutoff)
    dist = pd.DataFrame({"origin": rev["destination"].to_numpy(np.int64),
                         "distance_m": rev["distance_m"].to_numpy()})
    return add_supply(model, dist, attractiveness, area, segment=segment, before=before)


def add_supply(model: HuffModel, distances: pd.DataFrame, attractiveness: float, area: Any, *,
               segment: int = -1, before: HuffResult | None = None) -> ScenarioResult:
    """Scenario with the new supply's distances given: ``distances`` has ``origin`` and
    ``distance_m`` (the origins within reach of the new location). See :func:`add_shop`."""
    before = before or run_model(model)
    new = len(model.attractiveness)
    add = pd.DataFrame({"origin": distances["origin"].to_numpy(np.int64),
                        "destination": np.full(len(distances), new, dtype=np.int64),
                        "distance_m": distances["distance_m"].to_numpy(np.float64)})
    od = pd.concat([model.od, add], ignore_index=True)
    sseg = None if model.supply_segment is None else np.append(model.supply_segment, segment)
    after_model = replace(
        model, od=od, attractiveness=np.append(model.attractiveness, float(attractiveness)),
        supply_area=np.append(model.supply_area, np.array([area], dtype=object)),
        supply_segment=sseg)
    after = run_model(after_model)
    cols = ("retained_share", "leaked_share", "beyond_reach_share", "drawn")
    idx = before.areas.index.union(after.areas.index, sort=False)
    areas = pd.DataFrame(index=idx)
    for c in cols:
        b = before.areas[c].reindex(idx)
        a = after.areas[c].reindex(idx)
        areas[f"{c}_before"] = b.fillna(0.0) if c == "drawn" else b
        areas[f"{c}_after"] = a.fillna(0.0) if c == "drawn" else a
        areas[f"{c}_change"] = areas[f"{c}_after"] - areas[f"{c}_before"]
    return ScenarioResult(before=before, after=after, areas=areas, new_supply=new,
                          new_shop_drawn=float(after.supply["drawn"].iloc[new]),
                          model=after_model)


# --------------------------------------------------------------------------------------------
# supply and demand from the pipeline's inputs


def supply_from_pois(pois: pd.DataFrame, bag: pd.DataFrame | None = None, *,
                     functions: Sequence[str] = ("daily_goods",),
                     measure: str = "floor_area",
                     floor_area: dict[str, float] | None = None,
                     match_distance: float = 25.0,
                     include_vacant: bool = False) -> pd.DataFrame:
    """Supply locations with an attractiveness from the prepared POIs (and BAG shops).

    Parameters
    ----------
    pois
        The prepared POI frame of :func:`wijkkracht.core.pipeline.prepare` (columns ``tag``,
        ``function``, ``vacant``, ``segment_id``, ``offset_m``, geometry).
    bag
        Optional BAG units (BAG schema). Each shop takes the usable floor area
        (``oppervlakte``) of the nearest unit with ``winkelfunctie`` within
        ``match_distance`` m (shared equally when several shops match one unit).
    functions
        Function classes that count as supply (default daily goods).
    measure
        ``"floor_area"``: BAG floor area where matched, otherwise the ASSUMED floor area of
        the shop type (``floor_area``, default :data:`DEFAULT_FLOOR_AREA_M2`);
        ``"count"``: every shop 1.
    floor_area
        Assumed floor area per ``tag`` (``"*"`` for any other tag).
    match_distance
        Largest distance (m) from a shop to its BAG unit.
    include_vacant
        Keep vacant shop fronts (attractiveness as for their tag).

    Returns
    -------
    pandas.DataFrame
        The selected POIs (original index in ``poi_index``) with ``segment_id``, ``offset_m``,
        ``tag``, ``floor_area_m2`` (NaN for ``count``), ``attractiveness`` and
        ``attractiveness_source`` (``"bag_floor_area"``, ``"assumed_floor_area"`` or
        ``"count"``); ``attrs["attractiveness"]`` counts the sources.
    """
    if measure not in ("floor_area", "count"):
        raise ValueError("measure must be 'floor_area' or 'count'")
    sel = pois["function"].isin(list(functions))
    if not include_vacant and "vacant" in pois:
        sel &= ~pois["vacant"].astype(bool)
    shops = pois.loc[sel]
    out = pd.DataFrame({
        "poi_index": shops.index.to_numpy(),
        "tag": shops["tag"].astype(str).to_numpy(),
        "segment_id": shops["segment_id"].to_numpy(dtype=np.int64),
        "offset_m": shops["offset_m"].to_numpy(dtype=np.float64),
    })
    if "geometry" in shops:
        out["geometry"] = shops.geometry.to_numpy()
    n = len(out)
    if measure == "count":
        out["floor_area_m2"] = np.nan
        out["attractiveness"] = 1.0
        out["attractiveness_source"] = "count"
    else:
        table = dict(DEFAULT_FLOOR_AREA_M2 if floor_area is None else floor_area)
        fallback = table.get("*", np.nan)
        assumed = out["tag"].map(table).fillna(fallback).to_numpy(dtype=np.float64)
        area = np.full(n, np.nan)
        if bag is not None and len(bag) and n and "geometry" in out:
            shop_units = bag.loc[bag["gebruiksdoel"].astype(str).str.contains(
                "winkelfunctie", regex=False) & bag["oppervlakte"].notna()
                & (pd.to_numeric(bag["oppervlakte"], errors="coerce") > 0)]
            if len(shop_units):
                tree = shapely.STRtree(shop_units.geometry.values)
                with warnings.catch_warnings():  # as in locate_points (empty geometries)
                    warnings.simplefilter("ignore", RuntimeWarning)
                    pi, ui = tree.query_nearest(out["geometry"].values,
                                                max_distance=match_distance, all_matches=False)
                # Several matches per shop (ties) -> keep the first.
                first = np.unique(pi, return_index=True)[1]
                pi, ui = pi[first], ui[first]
                share = np.bincount(ui, minlength=len(shop_units))[ui]
                fa = pd.to_numeric(shop_units["oppervlakte"], errors="coerce").to_numpy(
                    dtype=np.float64)
                area[pi] = fa[ui] / share
        from_bag = np.isfinite(area)
        out["floor_area_m2"] = np.where(from_bag, area, assumed)
        out["attractiveness"] = out["floor_area_m2"]
        out["attractiveness_source"] = np.where(from_bag, "bag_floor_area", "assumed_floor_area")
    out.attrs["attractiveness"] = {
        "measure": measure,
        "sources": {k: int(v) for k, v in out["attractiveness_source"].value_counts().items()},
        "note": ("assumed floor areas are per-shop-type defaults (DEFAULT_FLOOR_AREA_M2), "
                 "not data" if measure == "floor_area" else "every shop counts 1"),
    }
    return out


def dwellings_demand(bag: pd.DataFrame) -> pd.DataFrame:
    """Demand from BAG dwellings: every unit with ``woonfunctie`` counts 1 (the usual proxy
    for a household; units with other uses too are included).

    Returns the selected units (their index kept) with a ``demand`` column of 1.0;
    ``attrs["demand_unit"]`` says what was counted. Place them with
    :func:`~wijkkracht.core.network.locate_points`.
    """
    sel = bag["gebruiksdoel"].astype(str).str.contains("woonfunctie", regex=False)
    out = bag.loc[sel].copy()
    out["demand"] = 1.0
    out.attrs["demand_unit"] = "dwellings (BAG verblijfsobjecten with woonfunctie)"
    return out


def area_codes(points: Any, areas: pd.DataFrame, code_column: str, *,
               outside: str = "outside") -> np.ndarray:
    """The code of the area each point lies in (or on the edge of); ``outside`` elsewhere.

    Parameters
    ----------
    points
        Point geometries (a GeoSeries or an array of shapely points), EPSG:28992.
    areas
        Polygons (a GeoDataFrame in EPSG:28992), e.g. CBS buurten, or the study area.
    code_column
        Column of ``areas`` with the code (e.g. ``"buurtcode"``).
    outside
        Code of points in no area.

    Examples
    --------
    >>> import geopandas as gpd
    >>> zones = gpd.GeoDataFrame({"code": ["BU01", "BU02"]},
    ...                          geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> area_codes(shapely.points([[5, 5], [15, 5], [30, 5]]), zones, "code").tolist()
    ['BU01', 'BU02', 'outside']
    """
    geoms = np.asarray(getattr(points, "values", points))
    codes = np.full(len(geoms), outside, dtype=object)
    if not len(geoms) or not len(areas):
        return codes
    tree = shapely.STRtree(np.asarray(areas.geometry.values))
    pi, ai = tree.query(geoms, predicate="intersects")
    first = np.unique(pi, return_index=True)[1]  # a point on a shared edge: the first area
    codes[pi[first]] = areas[code_column].to_numpy(dtype=object)[ai[first]]
    return codes
