"""Join 1 M SYNTHETIC establishments to 2 M SYNTHETIC BAG addresses and put them on streets.

Requirement (issue 4): under 60 s and under 4 GB peak memory on this machine.

The parent process runs the work in a fresh child (``--child``) so that the peak resident
set size (``ru_maxrss``) belongs to this benchmark alone. The child

1. generates the data with :func:`wijkkracht.data_sources.synthetic.generate_synthetic`
   (``establishments_per_address=0.5``; the scale is chosen so that there are about
   ``--addresses`` verblijfsobjecten) — *not timed*;
2. times :func:`~wijkkracht.data_sources.establishments.normalise_establishments`
   (schema + validation of the establishment table, as a reader would do after parsing),
   :func:`~wijkkracht.data_sources.establishments.geolocate`,
   :func:`~wijkkracht.core.network.build_network` on the tiled synthetic streets
   (``keep_all_components=True``: the tiles are separate networks) and
   :func:`~wijkkracht.core.network.locate_points` of the matched establishments;
3. checks the join against the generator's truth (``synthetic_true_vbo``).

Reported: wall time per step and in total, the peak RSS of the child (whole process,
generation included) and the RSS before the timed part.
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402

from _util import (  # noqa: E402
    RESULTS,
    Timer,
    current_rss_mb,
    peak_rss_mb,
    record,
    run_child,
    write_json,
)


def child(addresses: int, per_address: float, seed: int) -> dict:
    import numpy as np

    from wijkkracht.core.network import build_network, locate_points
    from wijkkracht.data_sources.establishments import geolocate, normalise_establishments
    from wijkkracht.data_sources.synthetic import demo_base, generate_synthetic

    base = demo_base()
    probe = generate_synthetic(seed=seed, scale=1.0, base=base, establishments_per_address=0.0)
    scale = addresses / len(probe.verblijfsobjecten)
    del probe
    with Timer() as t_gen:
        data = generate_synthetic(seed=seed, scale=scale, base=base,
                                  establishments_per_address=per_address)
    vbo, est_raw, streets = data.verblijfsobjecten, data.establishments, data.streets
    rss_before = current_rss_mb()
    peak_before = peak_rss_mb()
    steps: dict[str, float] = {}
    with Timer() as t_all:
        with Timer() as t:
            read = normalise_establishments(est_raw, today="2026-01-01")
        steps["normalise_s"] = t.wall
        with Timer() as t:
            geo = geolocate(read.establishments, vbo)
        steps["geolocate_s"] = t.wall
        with Timer() as t:
            network = build_network(streets, keep_all_components=True, source="synthetic")
        steps["build_network_s"] = t.wall
        with Timer() as t:
            placed = locate_points(network, geo.matched.geometry)
        steps["locate_points_s"] = t.wall
    truth = geo.matched["synthetic_true_vbo"].to_numpy(dtype=object)
    correct = float(np.mean(geo.matched["vbo_id"].to_numpy(dtype=object) == truth))
    matchable = float(np.mean(est_raw["synthetic_case"].to_numpy() != "unmatched"))
    return {
        "benchmark": "join_establishments_bag_streets",
        "addresses": len(vbo),
        "establishments": len(est_raw),
        "street_segments_in": len(streets),
        "network_segments": len(network.segments),
        "scale": round(scale, 3),
        "generate_s_untimed": round(t_gen.wall, 2),
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "timed_wall_s": round(t_all.wall, 2),
        "timed_cpu_s": round(t_all.cpu, 2),
        "rejected": read.counts.get("rejected", 0),
        "matched": len(geo.matched),
        "unmatched": len(geo.unmatched),
        "match_rate": round(geo.match_rate, 6),
        "generator_matchable_share": round(matchable, 6),
        "matched_equal_truth_share": correct,
        "placed_on_segment": int((placed["segment_id"].to_numpy() >= 0).sum()),
        "rss_before_timed_mb": round(rss_before, 1),
        "peak_rss_before_timed_mb": round(peak_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "target": "< 60 s timed wall and < 4096 MB peak RSS",
        "pass": bool(t_all.wall < 60.0 and peak_rss_mb() < 4096.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=2_000_000)
    parser.add_argument("--per-address", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the result here (default: "
                                       "benchmarks/results/join.json and stdout)")
    args = parser.parse_args()
    if args.child:
        write_json(args.json, child(args.addresses, args.per_address, args.seed))
        return
    result = run_child(Path(__file__).name, ["--child", "--addresses", str(args.addresses),
                                             "--per-address", str(args.per_address),
                                             "--seed", str(args.seed)], timeout=1800)
    record(result, args.json or str(RESULTS / "join.json"))


if __name__ == "__main__":
    main()
