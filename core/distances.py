"""Exact network distances between street segments and points placed on the network.

The distance from a segment to a point is measured along the walking network from the
*middle of the segment* to the point's *position on its own segment* (not snapped to a node):

    d(s, p) = L_s / 2 + min(d(a_s, p), d(b_s, p)),   d(x, p) = min(t_p + D(x, u_p),
                                                                    L_p - t_p + D(x, v_p))

with ``L`` a segment length, ``t_p`` the point's offset from its segment's start node ``u_p``
and ``D`` node-to-node shortest-path distances; a point on the segment itself is at
``|L_s / 2 - t_p|``.

Two engines, both on :mod:`scipy.sparse.csgraph`:

* :func:`nearest_distances`: one multi-source Dijkstra per group from a virtual source
  joined to every point of the group (cost: a full Dijkstra per group).
* :func:`reach_counts`: counts of points per group within radii. Bounded Dijkstra searches
  run from the segment ends that carry points, tile by tile on the sub-network within
  reach of the tile, so each search touches only the nodes within the radius and each
  tile's dense distance block stays small (cost grows linearly with the area).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from threadpoolctl import ThreadpoolController

from .network import StreetNetwork

__all__ = ["PlacedPoints", "nearest_distances", "reach_counts", "place"]


@dataclass(frozen=True)
class PlacedPoints:
    """Points placed on a network: segment number and offset from the segment's ``node_a``."""

    segment: np.ndarray  # int64, -1 = not on the network
    offset: np.ndarray  # float64, metres

    def __post_init__(self) -> None:
        if self.segment.shape != self.offset.shape:
            raise ValueError("segment and offset must have the same shape")

    @property
    def on_network(self) -> np.ndarray:
        return self.segment >= 0


def place(segment: Sequence[int] | np.ndarray, offset: Sequence[float] | np.ndarray) -> PlacedPoints:
    """Build :class:`PlacedPoints` from the columns of :func:`~wijkkracht.core.network.locate_points`."""
    return PlacedPoints(np.asarray(segment, dtype=np.int64), np.asarray(offset, dtype=np.float64))


def nearest_distances(
    network: StreetNetwork,
    points: PlacedPoints,
    groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Distance from every segment to the nearest point of every group.

    Parameters
    ----------
    network
        The street network.
    points
        The points, placed on the network.
    groups
        Group number (0..n_groups-1) of every point; -1 = in no group.
    n_groups
        Number of groups.

    Returns
    -------
    numpy.ndarray
        ``(n_segments, n_groups)`` distances in metres; ``nan`` where no point of the group
        can be reached.
    """
    n = network.n_nodes
    m = network.n_segments
    out = np.full((m, n_groups), np.nan)
    ok = points.on_network & (groups >= 0)
    if n_groups == 0 or not ok.any():
        return out
    seg = points.segment[ok]
    off = points.offset[ok]
    grp = groups[ok].astype(np.int64)
    length = network.length
    a, b = network.node_a, network.node_b
    # Virtual source node n+g joins each point of group g to both ends of its segment: the
    # graph's CSR arrays with G extra rows appended (minimum weight per (group, node)).
    links = np.full((n_groups, n), np.inf)
    np.minimum.at(links, (grp, a[seg]), off)
    np.minimum.at(links, (grp, b[seg]), length[seg] - off)
    g_rows, g_cols = np.nonzero(np.isfinite(links))
    g = network.graph
    indptr = np.concatenate([
        g.indptr,
        g.indptr[-1] + np.cumsum(np.bincount(g_rows, minlength=n_groups)),
    ])
    aug = sparse.csr_matrix(
        (np.concatenate([g.data, np.maximum(links[g_rows, g_cols], 1e-9)]),
         np.concatenate([g.indices, g_cols]), indptr),
        shape=(n + n_groups,) * 2,
    )
    present = np.unique(grp)
    dist = csgraph.dijkstra(aug, directed=True, indices=n + present)[:, :n]  # (G', n)
    half = length / 2.0
    seg_d = half[None, :] + np.minimum(dist[:, a], dist[:, b])  # (G', m)
    out[:, present] = seg_d.T
    # A point on the segment itself: straight along the segment.
    own = np.abs(half[seg] - off)
    np.fmin.at(out, (seg, grp), own)
    out[~np.isfinite(out)] = np.nan
    return out


def reach_counts(
    network: StreetNetwork,
    points: PlacedPoints,
    codes: np.ndarray,
    n_codes: Sequence[int],
    radii: Sequence[Sequence[float]],
    *,
    weights: np.ndarray | None = None,
    leaf_points: int = 64,
    global_cells: int = 8_000_000,
) -> list[dict[float, np.ndarray]]:
    """Count points per code within network radii of every segment.

    Parameters
    ----------
    network
        The street network.
    points
        The points, placed on the network.
    codes
        ``(n_points, K)`` integer codes: column k assigns each point a code in
        ``0..n_codes[k]-1`` of code set k, or -1 (not counted in that set).
    n_codes
        Number of codes of each code set.
    radii
        For each code set, the radii (m) to count within.
    weights
        Optional ``(n_points,)`` weight of each point (default 1).
    leaf_points
        Points are processed in spatially compact groups of at most this many (k-d tree
        leaves); each group runs its searches on the sub-network within ``max(radii)`` of it.
    global_cells
        When (number of search sources) x (number of nodes) is at most this, all searches of
        a radius run once on the whole network instead of per group (small networks).

    Returns
    -------
    list of dict
        For each code set, ``{radius: (n_segments, n_codes[k]) array}`` of (weighted)
        counts of points within ``radius`` along the network (``d(s, p) <= radius``).
    """
    codes = np.asarray(codes, dtype=np.int64)
    if codes.ndim == 1:
        codes = codes[:, None]
    k_sets = codes.shape[1]
    if len(n_codes) != k_sets or len(radii) != k_sets:
        raise ValueError("codes, n_codes and radii must describe the same code sets")
    m = network.n_segments
    result: list[dict[float, np.ndarray]] = [
        {float(r): np.zeros((m, n_codes[k])) for r in radii[k]} for k in range(k_sets)
    ]
    w_all = np.ones(len(codes)) if weights is None else np.asarray(weights, dtype=np.float64)
    keep = points.on_network & (codes >= 0).any(axis=1)
    if not keep.any():
        return result
    seg = points.segment[keep]
    off = points.offset[keep]
    cod = codes[keep]
    wts = w_all[keep]

    length = network.length
    half = length / 2.0
    a, b = network.node_a, network.node_b
    xy = network.node_xy
    # Points are grouped by the middle of their segment; a point lies within half the
    # segment's length of it (straight line), which the search boxes below allow for.
    pxy = network.midpoints[seg]
    slack = half[seg]

    inc = network.incidence
    x_order = network.node_x_order
    xs = xy[x_order, 0]
    graph = network.graph
    node_loc = np.full(network.n_nodes, -1, dtype=np.int64)
    # Scratch maps, -1 between uses: segment -> position in a block, node -> reached column
    # (index -1 of node_pos, i.e. "no node", stays -1 and selects the inf row).
    seg_pos = np.full(m, -1, dtype=np.int64)
    node_pos = np.full(network.n_nodes + 1, -1, dtype=np.int64)
    # Each point is searched only as far as its largest radius: a point counted within 400 m
    # only never pays for an 800 m search.
    need = np.zeros(len(seg))
    for k, rset in enumerate(radii):
        if len(rset):
            need = np.where(cod[:, k] >= 0, np.maximum(need, max(rset)), need)
    n_nodes = network.n_nodes
    run = _Counting(seg=seg, off=off, cod=cod, wts=wts, length=length, half=half, a=a, b=b,
                    inc=inc, radii=radii, result=result, seg_pos=seg_pos, node_pos=node_pos)
    # The blocks' matrix products are small: BLAS threads cost far more than they give.
    with _blas_controller().limit(limits=1, user_api="blas"):
        for r_group in np.unique(need[need > 0]):
            margin = float(r_group) + 1.0
            group = np.flatnonzero(need == r_group)
            leaves = _kd_leaves(pxy, group, leaf_points)
            src_all = np.unique(np.concatenate([a[seg[group]], b[seg[group]]]))
            if len(src_all) * n_nodes <= global_cells:
                _count_global(run, group, leaves, graph, float(r_group))
                continue
            for members in leaves:
                extra = margin + slack[members].max()
                lo = pxy[members].min(axis=0) - extra
                hi = pxy[members].max(axis=0) + extra
                sub = _nodes_in_box(xy, x_order, xs, lo, hi)
                node_loc[sub] = np.arange(len(sub))
                gsub = _subgraph(graph, sub, node_loc)
                _count_block(run, members, node_loc, sub, gsub, float(r_group))
                node_loc[sub] = -1
    return result


@functools.lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    """One controller per process (inspecting the loaded libraries takes milliseconds)."""
    return ThreadpoolController()


@dataclass(frozen=True)
class _Counting:
    """What the blocks of one :func:`reach_counts` call share (one object instead of a dozen
    arguments to each step).

    Attributes
    ----------
    seg, off, cod, wts
        The counted points: segment, offset, codes ``(n, K)`` and weight.
    length, half, a, b, inc
        The network: segment lengths and half lengths, end nodes, node -> segments (CSR
        ``(indptr, segment_ids)``).
    radii
        For each code set, its radii.
    result
        The counts, added to in place (see :func:`reach_counts`).
    seg_pos, node_pos
        Scratch maps, all -1 between uses: segment -> position in a block, node -> reached
        column.
    """

    seg: np.ndarray
    off: np.ndarray
    cod: np.ndarray
    wts: np.ndarray
    length: np.ndarray
    half: np.ndarray
    a: np.ndarray
    b: np.ndarray
    inc: tuple[np.ndarray, np.ndarray]
    radii: Sequence[Sequence[float]]
    result: list[dict[float, np.ndarray]]
    seg_pos: np.ndarray
    node_pos: np.ndarray


def _count_global(run: _Counting, group: np.ndarray, leaves: list[np.ndarray],
                  graph: sparse.csr_matrix, r_max: float) -> None:
    """Counts for a small network: one bounded search per source on the whole graph.

    A point alone on its segment is searched from itself (a virtual node joined to both
    ends of its segment): one search instead of two. Points sharing a segment are
    searched from the segment's ends, which serve them all.
    """
    seg, off, length, a, b = run.seg, run.off, run.length, run.a, run.b
    n = graph.shape[0]
    gseg = seg[group]
    uniq, inverse, counts = np.unique(gseg, return_inverse=True, return_counts=True)
    alone = counts[inverse] == 1
    lone = group[alone]
    shared = group[~alone]
    ends = np.unique(np.concatenate([a[seg[shared]], b[seg[shared]]]))
    # Virtual node n + i for lone point i: edges to both ends of its segment.
    n_v = len(lone)
    ls, lo_ = seg[lone], off[lone]
    v_cols = np.column_stack([a[ls], b[ls]]).ravel()
    v_wts = np.maximum(np.column_stack([lo_, length[ls] - lo_]).ravel(), 1e-9)
    indptr = np.concatenate([graph.indptr, graph.indptr[-1] + 2 * np.arange(1, n_v + 1)])
    aug = sparse.csr_matrix(
        (np.concatenate([graph.data, v_wts]), np.concatenate([graph.indices, v_cols]), indptr),
        shape=(n + n_v, n + n_v),
    )
    sources = np.concatenate([ends, n + np.arange(n_v)])
    d_all = csgraph.dijkstra(aug, directed=True, indices=sources, limit=r_max)
    finite = np.isfinite(d_all[:, :n])
    no_row = len(sources)  # "no source": the last row of each block, all inf
    row_of_end = np.full(n, no_row, dtype=np.int64)
    row_of_end[ends] = np.arange(len(ends))
    # Per point: two (row, offset) pairs whose minimum is the point-to-node distance.
    ra = row_of_end[a[seg]]
    rb = row_of_end[b[seg]]
    ta = off.copy()
    tb = length[seg] - off
    lone_row = np.full(len(seg), -1, dtype=np.int64)
    lone_row[lone] = len(ends) + np.arange(n_v)
    is_lone = lone_row >= 0
    ra = np.where(is_lone, lone_row, ra)
    rb = np.where(is_lone, lone_row, rb)
    ta = np.where(is_lone, 0.0, ta)
    tb = np.where(is_lone, 0.0, tb)
    for pm in leaves:
        rows = np.unique(np.concatenate([ra[pm], rb[pm]]))
        rows = rows[rows < no_row]
        reached = np.flatnonzero(finite[rows].any(axis=0))
        n_r = len(reached)
        local = np.full(no_row + 1, len(rows), dtype=np.int64)
        local[rows] = np.arange(len(rows))
        block = np.empty((len(rows) + 1, n_r))  # (rows + 1, n_r)
        block[:-1] = d_all[np.ix_(rows, reached)]
        block[-1] = np.inf
        dp = block[local[ra[pm]]]
        dp += ta[pm][:, None]
        other = block[local[rb[pm]]]
        other += tb[pm][:, None]
        np.minimum(dp, other, out=dp)
        dpt = np.empty((n_r + 1, len(pm)))
        dpt[:n_r] = dp.T
        dpt[n_r] = np.inf
        _accumulate(run, pm, dpt, reached)


def _gather_rows(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Concatenated ``indices`` of the CSR ``rows`` (vectorised row slicing)."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=indices.dtype)
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return indices[offsets + np.arange(total)]


def _nodes_in_box(xy: np.ndarray, x_order: np.ndarray, xs: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray) -> np.ndarray:
    """The (sorted) nodes within the box ``lo``..``hi``; ``x_order`` sorts the nodes by x and
    ``xs`` holds their x in that order."""
    i0, i1 = np.searchsorted(xs, [lo[0], hi[0]])
    cand = x_order[i0:i1]
    return np.sort(cand[(xy[cand, 1] >= lo[1]) & (xy[cand, 1] <= hi[1])])


def _subgraph(graph: sparse.csr_matrix, sub: np.ndarray, node_loc: np.ndarray) -> sparse.csr_matrix:
    """The CSR sub-matrix of ``graph`` on the sorted nodes ``sub`` (``node_loc`` maps global
    to local numbers, -1 outside)."""
    indptr = graph.indptr
    starts = indptr[sub]
    counts = indptr[sub + 1] - starts
    total = int(counts.sum())
    pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
    cols = node_loc[graph.indices[pos]]
    rows = np.repeat(np.arange(len(sub)), counts)
    keep = cols >= 0
    rows, cols = rows[keep], cols[keep]
    new_ptr = np.zeros(len(sub) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(sub)), out=new_ptr[1:])
    return sparse.csr_matrix((graph.data[pos][keep], cols, new_ptr), shape=(len(sub), len(sub)))


def _kd_leaves(xy: np.ndarray, idx: np.ndarray, max_points: int) -> list[np.ndarray]:
    """Split points into spatially compact groups of at most ``max_points`` (k-d splits)."""
    leaves: list[np.ndarray] = []
    stack = [idx]
    while stack:
        cur = stack.pop()
        if len(cur) <= max_points:
            leaves.append(cur)
            continue
        span = xy[cur].max(axis=0) - xy[cur].min(axis=0)
        axis = int(np.argmax(span))
        if span[axis] <= 0:  # all at one spot
            leaves.append(cur)
            continue
        order = cur[np.argsort(xy[cur, axis], kind="stable")]
        half_n = len(order) // 2
        stack.extend([order[half_n:], order[:half_n]])
    return leaves


def _count_block(run: _Counting, pm: np.ndarray, node_loc: np.ndarray, sub: np.ndarray,
                 gsub: sparse.csr_matrix, r_max: float,
                 precomputed: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Count the points ``pm`` of one leaf for the segments within reach of them: ``sub``
    are the sub-network's nodes (``node_loc`` maps global to local numbers, -1 outside) and
    ``gsub`` its graph."""
    seg, off, length, a, b = run.seg, run.off, run.length, run.a, run.b
    ps = seg[pm]
    po = off[pm]
    n_p = len(pm)
    ua = node_loc[a[ps]]
    ub = node_loc[b[ps]]
    src = np.unique(np.concatenate([ua[ua >= 0], ub[ub >= 0]]))
    if len(src) and precomputed is not None:
        d_all, row_of_src = precomputed
        d_full = d_all[row_of_src[src]]
        reached = np.flatnonzero(np.isfinite(d_full).any(axis=0))
    elif len(src):
        d_full = csgraph.dijkstra(gsub, directed=True, indices=src, limit=r_max)
        reached = np.flatnonzero(np.isfinite(d_full).any(axis=0))
    else:
        d_full = np.empty((0, gsub.shape[0]))
        reached = np.empty(0, dtype=np.int64)
    n_r = len(reached)
    # Compact to the reached nodes; d: (n_src + 1, n_r) with a last all-inf row for
    # "segment end outside the sub-network".
    d = np.full((len(src) + 1, n_r), np.inf)
    d[:-1] = d_full[:, reached]
    row_of = np.full(gsub.shape[0] + 1, len(src), dtype=np.int64)
    row_of[src] = np.arange(len(src))
    ra = row_of[ua]  # ua == -1 picks row_of[-1], the inf row
    rb = row_of[ub]
    # Point-to-node distances, transposed (nodes in rows) so that gathering the rows of
    # segment ends below is a contiguous copy; row n_r = "node not reached" (inf).
    dpt = np.empty((n_r + 1, n_p))
    dpt[n_r] = np.inf
    np.minimum(po[:, None] + d[ra], (length[ps] - po)[:, None] + d[rb], out=dpt[:n_r].T)
    _accumulate(run, pm, dpt, sub[reached])


def _accumulate(run: _Counting, pm: np.ndarray, dpt: np.ndarray, glob: np.ndarray) -> None:
    """Add the points ``pm`` to the counts of the segments within reach.

    ``dpt`` holds point-to-node distances, one row per node of ``glob`` (global node
    numbers) plus a last all-inf row.
    """
    seg, off, cod, wts, half, a, b = run.seg, run.off, run.cod, run.wts, run.half, run.a, run.b
    inc, radii, result, seg_pos, node_pos = (run.inc, run.radii, run.result, run.seg_pos,
                                             run.node_pos)
    ps = seg[pm]
    po = off[pm]
    n_p = len(pm)
    n_r = len(glob)
    # Segments with a reached end, plus the points' own segments (deduplicated in linear
    # time with the scratch array seg_pos, which is all -1 between calls).
    cand = np.concatenate([_gather_rows(inc[0], inc[1], glob), ps])
    seg_pos[cand] = np.arange(len(cand))
    segs = cand[seg_pos[cand] == np.arange(len(cand))]
    seg_pos[segs] = np.arange(len(segs))
    node_pos[glob] = np.arange(n_r)
    dst = np.minimum(dpt[node_pos[a[segs]]], dpt[node_pos[b[segs]]])  # (n_segs, n_p)
    node_pos[glob] = -1
    dst += half[segs][:, None]
    own = seg_pos[ps]
    seg_pos[segs] = -1
    cols = np.arange(n_p)
    dst[own, cols] = np.minimum(dst[own, cols], np.abs(half[ps] - po))
    # Count by matrix products: (segments x points within r) @ (points x codes weights).
    w_p = wts[pm]
    for k, rset in enumerate(radii):
        if not rset:
            continue
        code = cod[pm, k]
        valid = code >= 0
        if not valid.any():
            continue
        n_k = result[k][float(rset[0])].shape[1]
        onehot = np.zeros((n_p, n_k))
        onehot[np.flatnonzero(valid), code[valid]] = w_p[valid]
        for r in rset:
            within = (dst <= r).astype(np.float64)
            result[k][float(r)][segs] += within @ onehot
