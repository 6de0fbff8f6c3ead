"""Time the Huff spending-flow model (``wijkkracht.core.huff``) at national scale.

Issue 8's target: the Huff model for all ~14,000 buurten against ~30,000 retail locations
within a distance cut-off, under 60 s on this machine.

Data: a SYNTHETIC, seeded national-scale walking network and points (not real data; the
full ``synthetic_country.py`` takes ~12 min to generate, so this lighter generator is used):

* the extent of the Netherlands in RD New (x 10-270 km, y 310-610 km: 260 x 300 km);
* a rural road grid of 1 km blocks over the whole extent;
* ``--towns`` towns (default 500) at seeded random places, each a square street grid of
  ``--town-block`` m blocks (default 100 m: 20 km of street per km²; 50 m: 40 km per km²,
  closer to a walking network with its footpaths), side
  1-15 km (log-normal, median 2.5 km), aligned to the rural grid so that they join it;
* ``--origins`` buurten (default 14,000) as points at random places on the streets of the
  towns (weighted by town area), each with a SYNTHETIC household count (log-normal, mean
  ~570: 8 million households / 14,000 buurten) and its own buurt code;
* ``--supply`` retail locations (default 30,000): 90 % on town streets, 10 % on rural roads,
  SYNTHETIC floor areas (log-normal, 50-3,000 m²); each belongs to the buurt of the nearest
  buurt point (straight line).

The network is assembled as a :class:`~wijkkracht.core.network.StreetNetwork` directly from
the grid's integer node coordinates (no shapely geometries: the OD search needs only node
coordinates, lengths and the graph), and points are given as (segment, offset) like
:func:`~wijkkracht.core.network.locate_points` returns.

Timed separately (wall and CPU, single thread): the OD distances along the network
(:func:`~wijkkracht.core.huff.od_distances`, pairs within the cut-off) and the Huff model on
that table (:func:`~wijkkracht.core.huff.spending_flows`: probabilities, per-area
retention/leakage, per-supply and per-segment catchments), and their total. Each cut-off in
``--cutoffs`` runs in a fresh child process.

    python benchmarks/bench_huff.py [--cutoffs 2000,3000] [--origins 14000] [--supply 30000]
                                    [--town-block 100]

Results: ``results/huff_national.json`` (100 m blocks), ``results/huff_national_block50.json``.
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402

from _util import RESULTS, Timer, peak_rss_mb, record, run_child, write_json  # noqa: E402

EXTENT = (10_000.0, 310_000.0, 270_000.0, 610_000.0)  # RD New, ~ the Netherlands' bbox
RURAL_BLOCK = 1000.0


def synthetic_nation(seed: int, n_towns: int, n_origins: int, n_supply: int,
                     town_block: float = 100.0) -> dict:
    """The SYNTHETIC network, buurt points and retail locations (see the module docstring)."""
    import numpy as np
    import pandas as pd
    from scipy.spatial import cKDTree

    from wijkkracht.core.distances import place
    from wijkkracht.core.network import StreetNetwork, _graph

    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = EXTENT
    if RURAL_BLOCK % town_block:
        raise ValueError("the town block must divide 1,000 m")
    step = int(RURAL_BLOCK // town_block)  # town blocks per rural block
    nx = int((x1 - x0) // town_block)
    ny = int((y1 - y0) // town_block)
    # Edges in integer grid units of 100 m: (i, j) -> (i + di, j + dj).
    starts, ends, town_of = [], [], []
    # Rural grid: 1 km edges along every 10th grid line.
    ri, rj = np.meshgrid(np.arange(0, nx + 1, step), np.arange(0, ny + 1, step), indexing="ij")
    ri, rj = ri.ravel(), rj.ravel()
    e = ri + step <= nx
    n_ = rj + step <= ny
    starts += [np.c_[ri[e], rj[e]], np.c_[ri[n_], rj[n_]]]
    ends += [np.c_[ri[e] + step, rj[e]], np.c_[ri[n_], rj[n_] + step]]
    town_of += [np.full(int(e.sum() + n_.sum()), -1)]
    sides = np.clip(np.round(rng.lognormal(np.log(2.5), 0.6, n_towns)), 1, 15).astype(int)
    tx = rng.integers(0, nx // step - 15, n_towns) * step
    ty = rng.integers(0, ny // step - 15, n_towns) * step
    # (the towns are the same for every block size; the points are not)
    for t in range(n_towns):
        s = sides[t] * step
        i, j = np.meshgrid(np.arange(tx[t], tx[t] + s + 1), np.arange(ty[t], ty[t] + s + 1),
                           indexing="ij")
        i, j = i.ravel(), j.ravel()
        e = i < tx[t] + s
        n_ = j < ty[t] + s
        starts += [np.c_[i[e], j[e]], np.c_[i[n_], j[n_]]]
        ends += [np.c_[i[e] + 1, j[e]], np.c_[i[n_], j[n_] + 1]]
        town_of += [np.full(int(e.sum() + n_.sum()), t)]
    st = np.concatenate(starts)
    en = np.concatenate(ends)
    town = np.concatenate(town_of)
    # Overlapping towns repeat edges: keep one of each.
    key = np.c_[np.minimum(st[:, 0] * (ny + 1) + st[:, 1], en[:, 0] * (ny + 1) + en[:, 1]),
                np.maximum(st[:, 0] * (ny + 1) + st[:, 1], en[:, 0] * (ny + 1) + en[:, 1])]
    _, first = np.unique(key, axis=0, return_index=True)
    first = np.sort(first)
    st, en, town = st[first], en[first], town[first]
    codes = np.concatenate([st[:, 0] * (ny + 1) + st[:, 1], en[:, 0] * (ny + 1) + en[:, 1]])
    uniq, inv = np.unique(codes, return_inverse=True)
    m = len(st)
    node_a, node_b = inv[:m], inv[m:]
    node_xy = np.c_[x0 + (uniq // (ny + 1)) * town_block, y0 + (uniq % (ny + 1)) * town_block]
    length = np.hypot(*(node_xy[node_b] - node_xy[node_a]).T)
    segments = pd.DataFrame({"length_m": length, "node_a": node_a, "node_b": node_b,
                             "in_study_area": True})
    segments.index.name = "segment_id"
    network = StreetNetwork(segments=segments, node_xy=node_xy,
                            graph=_graph(node_a, node_b, length, len(node_xy)))
    # Buurt points on town streets, weighted by town area (town = edge count).
    town_segs = np.flatnonzero(town >= 0)
    rural_segs = np.flatnonzero(town < 0)
    o_seg = rng.choice(town_segs, n_origins)
    o_off = rng.uniform(0, 1, n_origins) * length[o_seg]
    households = np.round(rng.lognormal(np.log(450), 0.7, n_origins))
    n_town_supply = int(round(0.9 * n_supply))
    s_seg = np.concatenate([rng.choice(town_segs, n_town_supply),
                            rng.choice(rural_segs, n_supply - n_town_supply)])
    s_off = rng.uniform(0, 1, n_supply) * length[s_seg]
    floor = np.clip(rng.lognormal(np.log(250), 1.0, n_supply), 50, 3000)

    def xy_of(seg, off):
        a, b = node_xy[node_a[seg]], node_xy[node_b[seg]]
        return a + (b - a) * (off / length[seg])[:, None]

    buurt = np.char.add("BU", np.char.zfill(np.arange(n_origins).astype(str), 8)).astype(object)
    _, nearest = cKDTree(xy_of(o_seg, o_off)).query(xy_of(s_seg, s_off))
    return {"network": network, "origins": place(o_seg, o_off), "demand": households,
            "origin_area": buurt, "supply": place(s_seg, s_off), "attractiveness": floor,
            "supply_area": buurt[nearest], "town_sides_km": sides}


def check_sample(data: dict, od, cutoff: float, n: int = 20, seed: int = 0) -> dict:
    """Compare the OD table of ``n`` random origins with a plain scipy Dijkstra on the whole
    network (from both ends of the origin's segment): same pairs, same distances."""
    import numpy as np
    from scipy.sparse import csgraph

    net = data["network"]
    a, b, length = net.node_a, net.node_b, net.length
    o, s = data["origins"], data["supply"]
    rng = np.random.default_rng(seed)
    worst, pairs, mismatched = 0.0, 0, 0
    for i in rng.choice(len(o.segment), n, replace=False):
        seg, off = o.segment[i], o.offset[i]
        dist = csgraph.dijkstra(net.graph, directed=False, indices=[a[seg], b[seg]],
                                limit=cutoff + length[seg])
        to_node = np.minimum(off + dist[0], length[seg] - off + dist[1])
        d = np.minimum(to_node[a[s.segment]] + s.offset,
                       to_node[b[s.segment]] + length[s.segment] - s.offset)
        on_seg = s.segment == seg
        d[on_seg] = np.minimum(d[on_seg], np.abs(s.offset[on_seg] - off))
        want = np.flatnonzero(d <= cutoff)
        rows = od[od["origin"] == i]
        got = rows["destination"].to_numpy()
        if not np.array_equal(np.sort(got), want):
            mismatched += 1
            continue
        pairs += len(want)
        if len(want):
            worst = max(worst, float(np.abs(rows["distance_m"].to_numpy() - d[got]).max()))
    return {"origins_checked": n, "pairs_checked": pairs, "origins_with_other_pairs": mismatched,
            "max_abs_diff_m": worst}


def child(cutoff: float, seed: int, n_towns: int, n_origins: int, n_supply: int,
          town_block: float) -> dict:
    import numpy as np

    from wijkkracht.core.huff import HuffParameters, od_distances, spending_flows

    with Timer() as t_gen:
        data = synthetic_nation(seed, n_towns, n_origins, n_supply, town_block)
    net = data["network"]
    params = HuffParameters(cutoff=cutoff)
    with Timer() as t_od:
        od = od_distances(net, data["origins"], data["supply"], cutoff)
    with Timer() as t_model:
        res = spending_flows(od, data["demand"], data["origin_area"], data["attractiveness"],
                             data["supply_area"], params,
                             supply_segment=data["supply"].segment,
                             demand_unit="households (SYNTHETIC)",
                             attractiveness_unit="m² floor area (SYNTHETIC)")
    areas = res.areas
    check = check_sample(data, od, cutoff)
    per_origin = np.bincount(od["origin"].to_numpy(), minlength=n_origins)
    return {
        "cutoff_m": cutoff,
        "parameters": params.as_dict(),
        "data": "SYNTHETIC national-scale grid network and points (seeded), not real data",
        "seed": seed,
        "network": {"nodes": net.n_nodes, "segments": net.n_segments,
                    "street_km": round(float(net.length.sum()) / 1000, 1),
                    "extent_km": [(EXTENT[2] - EXTENT[0]) / 1000, (EXTENT[3] - EXTENT[1]) / 1000],
                    "towns": n_towns,
                    "town_km2": int((data["town_sides_km"] ** 2).sum()),
                    "town_block_m": town_block, "rural_block_m": RURAL_BLOCK},
        "origins": n_origins,
        "supply_locations": n_supply,
        "od_pairs": int(len(od)),
        "od_pairs_per_origin": {"mean": round(float(per_origin.mean()), 1),
                                "median": float(np.median(per_origin)),
                                "max": int(per_origin.max())},
        "generate_s": round(t_gen.wall, 2),
        "od_distances_s": {"wall": round(t_od.wall, 2), "cpu": round(t_od.cpu, 2)},
        "huff_model_s": {"wall": round(t_model.wall, 2), "cpu": round(t_model.cpu, 2)},
        "total_s": round(t_od.wall + t_model.wall, 2),
        "target_s": 60.0,
        "within_target": bool(t_od.wall + t_model.wall < 60.0),
        "origins_beyond_reach": res.metadata["origins_beyond_reach"],
        "sanity": {
            "median_retained_share": round(float(areas["retained_share"].median()), 4),
            "median_beyond_reach_share": round(float(areas["beyond_reach_share"].median()), 4),
            "demand_balance": round(float((areas["retained"] + areas["leaked"]
                                           + areas["beyond_reach"]).sum()
                                          / areas["demand"].sum()), 6),
        },
        "check_against_full_dijkstra": check,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoffs", default="2000,3000")
    parser.add_argument("--origins", type=int, default=14_000)
    parser.add_argument("--supply", type=int, default=30_000)
    parser.add_argument("--towns", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--town-block", type=float, default=100.0,
                        help="block size of the town grids in m (must divide 1,000)")
    parser.add_argument("--child", type=float, default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if args.child is not None:
        write_json(args.json, child(args.child, args.seed, args.towns, args.origins, args.supply,
                                    args.town_block))
        return
    result = {"benchmark": "huff", "cases": {}}
    for c in [float(v) for v in args.cutoffs.split(",")]:
        out = run_child("bench_huff.py", ["--child", str(c), "--seed", str(args.seed),
                                          "--towns", str(args.towns),
                                          "--origins", str(args.origins),
                                          "--supply", str(args.supply),
                                          "--town-block", str(args.town_block)], timeout=1800)
        result["cases"][f"{int(c)}m"] = out
        if "error" in out:
            result["error"] = f"{int(c)} m: {out['error']}"
    name = "huff_national.json" if args.town_block == 100.0 else \
        f"huff_national_block{int(args.town_block)}.json"
    record(result, args.json or RESULTS / name)


if __name__ == "__main__":
    main()
