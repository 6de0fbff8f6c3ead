"""Proximity + mixed use on a SYNTHETIC street grid (see ``synthetic.py``), in this process.

Requirement (at 200,000 nodes): under 10 s and under 2 GB peak memory.

Run it in a fresh process (``run_all.py`` does) so that the peak memory (``ru_maxrss``)
belongs to this benchmark only. Steps, each timed separately:

1. generate the grid and its POIs (not part of the requirement; reported);
2. ``build_network`` (reported separately);
3. ``locate_points`` of the POIs + ``proximity()`` + ``mixed_use()``, ``--repeats`` times:
   the first run is the cold one a user sees; the median of all runs is reported too.

Peak memory is the process's ``ru_maxrss`` at the end (imports, synthetic data, network and
indicators together: what a user's process would need), with the value before step 3 so
that the indicators' own share is visible.

``--tool cityseer`` runs cityseer on the same grid instead (network build, then
``compute_accessibilities`` + ``compute_mixed_uses`` once, single thread); it takes
minutes at 200k nodes and is only run by ``run_all.py --with-cityseer-grid``.
"""

from __future__ import annotations

import _util  # noqa: F401  (first: pins threads)

import argparse  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

from _util import Timer, current_rss_mb, peak_rss_mb, summary, write_json  # noqa: E402


def _load_profile(path: str | None):
    from synthetic import PoiProfile, kanaleneiland_profile

    return PoiProfile.load(path) if path else kanaleneiland_profile()


def run_wijkkracht(n_nodes: int, repeats: int, profile_path: str | None, seed: int) -> dict:
    import numpy as np

    from synthetic import synthetic_pois, synthetic_streets
    from wijkkracht.core.indicators.mixed_use import mixed_use
    from wijkkracht.core.indicators.proximity import proximity
    from wijkkracht.core.network import build_network, locate_points

    mem = {"after_imports_mb": round(peak_rss_mb(), 1)}
    profile = _load_profile(profile_path)
    with Timer() as t_gen:
        streets = synthetic_streets(n_nodes)
        pois = synthetic_pois(streets, profile, seed=seed)
    mem["after_generation_mb"] = round(peak_rss_mb(), 1)
    gc.collect()
    with Timer() as t_build:
        network = build_network(streets)
    mem["after_build_network_mb"] = round(peak_rss_mb(), 1)
    mem["rss_before_indicators_mb"] = round(current_rss_mb(), 1)

    walls, cpus, parts = [], [], []
    out = None
    for _ in range(repeats):
        out = None  # free the previous run's results before the next one
        gc.collect()
        t0 = time.perf_counter()
        c0 = time.process_time()
        loc = locate_points(network, pois.geometry)
        placed = pois[["everyday", "function"]].copy()
        placed["segment_id"] = loc["segment_id"].to_numpy()
        placed["offset_m"] = loc["offset_m"].to_numpy()
        t1 = time.perf_counter()
        prox = proximity(network, placed)
        t2 = time.perf_counter()
        mix = mixed_use(network, placed)
        t3 = time.perf_counter()
        cpus.append(time.process_time() - c0)
        walls.append(t3 - t0)
        parts.append({"locate_points": t1 - t0, "proximity": t2 - t1, "mixed_use": t3 - t2})
        out = (prox, mix)
        if _ == 0:
            mem["after_first_indicator_run_mb"] = round(peak_rss_mb(), 1)
    prox, mix = out
    mem["peak_rss_mb"] = round(peak_rss_mb(), 1)
    mem["indicator_step_raised_peak_by_mb"] = round(
        mem["peak_rss_mb"] - mem["after_build_network_mb"], 1)
    first = walls[0]
    return {
        "tool": "wijkkracht",
        "synthetic": True,
        "grid": {
            "nodes_requested": n_nodes,
            "grid_side": streets.attrs["grid_side"],
            "nodes": network.n_nodes,
            "segments": network.n_segments,
            "block_m": streets.attrs["block_m"],
            "pois": int(len(pois)),
            "pois_placed": int((loc["segment_id"] >= 0).sum()),
            "density_per_node": round(profile.density_per_node, 4),
            "profile_source": profile.source,
            "seed": seed,
        },
        "generate_s": round(t_gen.wall, 3),
        "build_network_s": round(t_build.wall, 3),
        "indicators_wall_s": summary(walls),
        "indicators_cpu_s": summary(cpus),
        "indicators_first_run_s": round(first, 3),
        "indicators_parts_first_run_s": {k: round(v, 3) for k, v in parts[0].items()},
        "indicators_parts_median_s": {
            k: round(float(np.median([p[k] for p in parts])), 3) for k in parts[0]},
        "us_per_node": round(1e6 * float(np.median(walls)) / network.n_nodes, 2),
        "memory": mem,
        "sanity": {
            "mean_everyday_800": round(float(prox["everyday_800"].mean()), 3),
            "median_dist_supermarket_m": round(float(prox["dist_supermarket_m"].median()), 1),
            "mean_hill1_400": round(float(mix["hill1_400"].mean()), 3),
        },
    }


def run_cityseer(n_nodes: int, profile_path: str | None, seed: int) -> dict:
    import numpy as np
    from cityseer.metrics import layers
    from cityseer.tools import io

    from synthetic import synthetic_pois, synthetic_streets
    from wijkkracht.core.categories import EVERYDAY

    profile = _load_profile(profile_path)
    streets = synthetic_streets(n_nodes)
    pois = synthetic_pois(streets, profile, seed=seed)
    data = pois[["geometry"]].copy()
    data["everyday"] = pois["everyday"].replace("", np.nan)
    data["function"] = pois["function"].replace("", np.nan)
    with Timer() as t_build:
        g = io.nx_from_generic_geopandas(streets[["geometry"]])
        nodes, _edges, ns = io.network_structure_from_nx(g)
    del g
    gc.collect()
    with Timer() as t_acc:
        nodes = layers.compute_accessibilities(
            data, "everyday", list(EVERYDAY), nodes, ns, max_netw_assign_dist=150,
            distances=[400, 800], decay_fn="1")
    gc.collect()
    with Timer() as t_mix:
        nodes = layers.compute_mixed_uses(
            data, "function", nodes, ns, max_netw_assign_dist=150, distances=[400],
            compute_hill=True, compute_shannon=True, decay_fn="1")
    return {
        "tool": "cityseer",
        "synthetic": True,
        "grid": {"nodes_requested": n_nodes, "nodes": int(len(nodes)), "pois": int(len(pois)),
                 "seed": seed},
        "build_network_s": round(t_build.wall, 2),
        "compute_accessibilities_s": round(t_acc.wall, 2),
        "compute_mixed_uses_s": round(t_mix.wall, 2),
        "indicators_wall_s": round(t_acc.wall + t_mix.wall, 2),
        "indicators_cpu_s": round(t_acc.cpu + t_mix.cpu, 2),
        "memory": {"peak_rss_mb": round(peak_rss_mb(), 1)},
        "sanity": {"mean_supermarket_800": round(float(nodes["cc_supermarket_800"].mean()), 3),
                   "mean_hill_q1_400": round(float(nodes["cc_hill_q1_400"].mean()), 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="indicators on a SYNTHETIC street grid")
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", help="PoiProfile JSON (default: measure Kanaleneiland here)")
    parser.add_argument("--tool", choices=("wijkkracht", "cityseer"), default="wijkkracht")
    parser.add_argument("--json", help="write the result here (default: stdout)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.tool == "cityseer":
        result = run_cityseer(args.nodes, args.profile, args.seed)
    else:
        result = run_wijkkracht(args.nodes, max(args.repeats, 1), args.profile, args.seed)
    result["load_average_1_5_15"] = _util.load_average()
    write_json(args.json, result)


if __name__ == "__main__":
    main()
