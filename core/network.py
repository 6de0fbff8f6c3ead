"""Street units: the walking network as undirected street segments and a sparse graph.

Topology is taken from line endpoints: lines that meet at an endpoint (to 1 cm) are
connected; lines that cross without sharing an endpoint (bridges, tunnels) are not. Both
directions of a two-way OSMnx edge become one segment.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from ..data_sources.schema import RD_NEW, validate_streets
from .errors import NoDataError
from .segments import segment_kinds, street_flags

__all__ = ["StreetNetwork", "build_network", "locate_points", "in_area", "AREA_EDGE_TOLERANCE_M"]

#: Points this close (m) to the study area count as inside it. Streets often run along the edge
#: of an area (neighbourhood boundaries follow street centre lines, and a hull of the network
#: runs through its nodes), so the middle of such a segment lies on the edge, where an exact
#: point-in-polygon test is decided by rounding noise and differs between GEOS versions.
AREA_EDGE_TOLERANCE_M = 0.001


@dataclass(frozen=True)
class StreetNetwork:
    """A walking network ready for network distances.

    Attributes
    ----------
    segments
        One row per undirected street segment, index ``segment_id`` (0..n-1), EPSG:28992:
        ``osm_id``, ``street_name``, ``highway``, ``kind`` and ``is_street`` (what a planner
        calls a street, :mod:`wijkkracht.core.streets`), ``length_m``, ``node_a``, ``node_b``
        (node numbers of the geometry's start and end) and ``in_study_area`` (the segment's midpoint
        lies in the study area or on its edge, see :func:`in_area`; indicators are reported
        for these only).
    node_xy
        ``(n_nodes, 2)`` RD New coordinates of the nodes.
    graph
        Symmetric CSR adjacency matrix of node-to-node lengths in metres (the shortest of
        parallel segments; self-loops left out).
    dropped_segments
        Number of input lines left out because they were not connected to the main network.
    """

    segments: gpd.GeoDataFrame
    node_xy: np.ndarray
    graph: sparse.csr_matrix
    dropped_segments: int = 0

    @property
    def n_nodes(self) -> int:
        return int(self.node_xy.shape[0])

    @property
    def n_segments(self) -> int:
        return int(len(self.segments))

    @property
    def length(self) -> np.ndarray:
        return self.segments["length_m"].to_numpy(dtype=np.float64)

    @property
    def node_a(self) -> np.ndarray:
        return self.segments["node_a"].to_numpy(dtype=np.int64)

    @property
    def node_b(self) -> np.ndarray:
        return self.segments["node_b"].to_numpy(dtype=np.int64)

    @cached_property
    def incidence(self) -> tuple[np.ndarray, np.ndarray]:
        """Node -> incident segments as CSR arrays ``(indptr, segment_ids)``."""
        m = self.n_segments
        inc = sparse.csr_matrix(
            (np.ones(2 * m, dtype=np.int8),
             (np.concatenate([self.node_a, self.node_b]), np.tile(np.arange(m), 2))),
            shape=(self.n_nodes, m),
        )
        return inc.indptr, inc.indices

    @cached_property
    def midpoints(self) -> np.ndarray:
        """``(n_segments, 2)`` coordinates of the middle of each segment (along the line)."""
        return shapely.get_coordinates(
            shapely.line_interpolate_point(self.segments.geometry.values, 0.5, normalized=True))

    @cached_property
    def segment_tree(self) -> shapely.STRtree:
        """Spatial index of the segment geometries (for placing points)."""
        return shapely.STRtree(self.segments.geometry.values)

    @cached_property
    def node_x_order(self) -> np.ndarray:
        """Node numbers sorted by x coordinate (for box queries)."""
        return np.argsort(self.node_xy[:, 0], kind="stable")


def in_area(area: shapely.Geometry, xy: np.ndarray,
            tolerance: float = AREA_EDGE_TOLERANCE_M) -> np.ndarray:
    """Whether each point lies in ``area`` or on its edge (within ``tolerance`` metres).

    Parameters
    ----------
    area
        A (multi)polygon in EPSG:28992.
    xy
        ``(n, 2)`` point coordinates.
    tolerance
        Points at most this far outside the area count as inside.

    Returns
    -------
    numpy.ndarray
        Boolean, one per point.

    Examples
    --------
    >>> square = shapely.box(0, 0, 10, 10)
    >>> in_area(square, np.array([[5.0, 5.0], [10.0, 5.0], [10.0005, 5.0], [11.0, 5.0]])).tolist()
    [True, True, True, False]
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
    rest = np.flatnonzero(~inside)
    if len(rest):
        inside[rest] = shapely.dwithin(area, shapely.points(xy[rest]), tolerance)
    return inside


def _node_ids(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct points of ``xy`` (rounded to 1 cm); returns (ids, unique_xy)."""
    keys = np.round(xy * 100.0).astype(np.int64)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    return inverse.reshape(-1), uniq.astype(np.float64) / 100.0


def build_network(
    streets: gpd.GeoDataFrame,
    study_area: shapely.Geometry | None = None,
    *,
    keep_all_components: bool = False,
    source: str = "streets",
) -> StreetNetwork:
    """Build the segment network from street lines (street schema, EPSG:28992).

    Parameters
    ----------
    streets
        Lines of the *buffered* walking network (see
        :mod:`wijkkracht.data_sources.schema`).
    study_area
        The area indicators are reported for (EPSG:28992). ``None``: the whole network,
        which makes values near its edge too low (nothing is seen beyond it).
    keep_all_components
        Keep lines not connected to the largest connected part of the network. By default
        they are dropped (as OSMnx does), because nothing beyond them can be reached.
    source
        Name of the input used in error messages.

    Returns
    -------
    StreetNetwork
    """
    validate_streets(streets, source)
    geoms = streets.geometry.values
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    end = shapely.get_coordinates(shapely.get_point(geoms, -1))
    n = len(geoms)
    ids, node_xy = _node_ids(np.vstack([start, end]))
    node_a, node_b = ids[:n], ids[n:]
    length = shapely.length(geoms)
    mid = shapely.get_coordinates(shapely.line_interpolate_point(geoms, 0.5, normalized=True))

    # One segment per undirected edge: both directions of a two-way street share endpoints
    # and midpoint. Which of the rows is kept does not depend on their order in the input:
    # the one drawn from the lower node, then the smallest (osm_id, highway, footway, name).
    lo, hi = np.minimum(node_a, node_b), np.maximum(node_a, node_b)
    key = pd.DataFrame({"lo": lo, "hi": hi, "mx": np.round(mid[:, 0] * 10).astype(np.int64),
                        "my": np.round(mid[:, 1] * 10).astype(np.int64)})
    keep = ~key.duplicated(keep=False).to_numpy()
    twins = np.flatnonzero(~keep)
    if len(twins):
        sub = key.iloc[twins].assign(
            rev=(node_a != lo)[twins],
            **{c: (streets[c].astype(str).to_numpy()[twins] if c in streets else "")
               for c in ("osm_id", "highway", "footway", "street_name")})
        order = sub.sort_values(list(sub.columns), kind="stable").index.to_numpy()
        first = ~key.loc[order].duplicated().to_numpy()
        keep[order[first]] = True
    # Largest connected component.
    adj = sparse.coo_matrix(
        (np.ones(int(keep.sum())), (node_a[keep], node_b[keep])), shape=(len(node_xy),) * 2
    )
    n_comp, comp = csgraph.connected_components(adj, directed=False)
    dropped = 0
    if n_comp > 1 and not keep_all_components:
        sizes = np.bincount(comp[node_a[keep]], minlength=n_comp)
        main = int(np.argmax(sizes))
        in_main = comp[node_a] == main
        dropped = int((keep & ~in_main).sum())
        keep &= in_main

    if not keep.any():
        raise NoDataError(source, "no street segments left after building the network")

    highway = streets["highway"].to_numpy()[keep]
    names = streets["street_name"].to_numpy()[keep]
    kind = segment_kinds(highway, streets["footway"].to_numpy()[keep]
                         if "footway" in streets else None)
    seg = gpd.GeoDataFrame(
        {
            "osm_id": streets["osm_id"].to_numpy()[keep],
            "street_name": names,
            "highway": highway,
            "kind": kind,
            "is_street": street_flags(geoms[keep], kind, names),
            "length_m": length[keep],
            "node_a": node_a[keep],
            "node_b": node_b[keep],
        },
        geometry=geoms[keep],
        crs=RD_NEW,
    )
    # Renumber nodes densely.
    used, inv = np.unique(np.concatenate([seg["node_a"], seg["node_b"]]), return_inverse=True)
    m = len(seg)
    seg["node_a"] = inv[:m]
    seg["node_b"] = inv[m:]
    node_xy = node_xy[used]
    if study_area is not None:
        smid = mid[keep]
        seg["in_study_area"] = in_area(study_area, smid)
        if not seg["in_study_area"].any():
            raise NoDataError(source, "no street segment lies inside the study area; check "
                                       "that the area and the streets cover the same place")
    else:
        seg["in_study_area"] = True
    seg.index = pd.RangeIndex(m, name="segment_id")

    graph = _graph(seg["node_a"].to_numpy(), seg["node_b"].to_numpy(), seg["length_m"].to_numpy(),
                   len(node_xy))
    return StreetNetwork(segments=seg, node_xy=node_xy, graph=graph, dropped_segments=dropped)


def _graph(a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int) -> sparse.csr_matrix:
    """Symmetric CSR graph, minimum weight over parallel edges, without self-loops."""
    ok = a != b
    rows = np.concatenate([a[ok], b[ok]])
    cols = np.concatenate([b[ok], a[ok]])
    wts = np.concatenate([w[ok], w[ok]])
    order = np.lexsort((wts, cols, rows))
    rows, cols, wts = rows[order], cols[order], wts[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    # Explicit zero-length edges would vanish in a sparse matrix; keep them connected.
    wts = np.maximum(wts[first], 1e-9)
    return sparse.csr_matrix((wts, (rows[first], cols[first])), shape=(n, n))


def locate_points(
    network: StreetNetwork,
    points: gpd.GeoSeries | np.ndarray,
    *,
    max_distance: float = 150.0,
) -> pd.DataFrame:
    """Put points on their nearest street segment.

    Parameters
    ----------
    network
        The street network.
    points
        Point geometries in EPSG:28992 (a GeoSeries, or an array of shapely points).
    max_distance
        Points farther than this (m, straight line) from every segment are not placed:
        they lie beyond the network (``segment_id`` -1).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``points``: ``segment_id`` (int, -1 if not placed), ``offset_m`` (position
        along the segment from its start node ``node_a``) and ``snap_distance_m``.
    """
    geoms = points.values if isinstance(points, gpd.GeoSeries) else np.asarray(points)
    index = points.index if isinstance(points, gpd.GeoSeries) else pd.RangeIndex(len(geoms))
    types = shapely.get_type_id(geoms)
    if len(geoms) > 1 and bool((types == 0).all()) and not bool(shapely.is_empty(geoms).any()):
        # Addresses share points (the dwellings of one building, the firms at one address):
        # place each distinct point once.
        xy = shapely.get_coordinates(geoms)
        uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
        if len(uniq) < 0.9 * len(xy):
            placed = locate_points(network, shapely.points(uniq), max_distance=max_distance)
            out = placed.iloc[inverse.ravel()]
            return out.set_axis(index)
    seg_geoms = network.segments.geometry.values
    tree = network.segment_tree
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (pi, si), dist = tree.query_nearest(
            geoms, max_distance=max_distance, return_distance=True, all_matches=False
        )
    seg_id = np.full(len(geoms), -1, dtype=np.int64)
    offset = np.full(len(geoms), np.nan)
    snap = np.full(len(geoms), np.nan)
    seg_id[pi] = si
    snap[pi] = dist
    offset[pi] = shapely.line_locate_point(seg_geoms[si], geoms[pi])
    # line_locate_point works on the line; clip tiny numeric excursions.
    length = network.length
    offset[pi] = np.clip(offset[pi], 0.0, length[si])
    return pd.DataFrame(
        {"segment_id": seg_id, "offset_m": offset, "snap_distance_m": snap}, index=index
    )
