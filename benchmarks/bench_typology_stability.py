"""How stable are the opportunity types? ARI over seeds and over 90 % subsamples (issue 15).

    python benchmarks/bench_typology_stability.py [--json PATH] [--rounds 10]
        [--configs demo,osm-only,contiguous] [--transform rank|zscore]

For each configuration the demo is analysed once (``analyse_demo``); its street segments,
with every indicator, are then classified again by
:func:`wijkkracht.core.typology.classify_street_layer`, which is what the analysis does with
them (same features, same segments: those that addresses front):

* **seeds**: with ``random_state`` 1 .. ``rounds`` against seed 0: the adjusted Rand index
  (ARI) of the types, and the share of segments that keep their type *name*;
* **subsamples**: ``rounds`` random 90 % of the segments (seeded), classified on their own
  (percentiles, centroids and names refitted on the subsample), against the full run's types
  of the same segments: ARI and the share keeping their name.

Configurations: ``demo`` (the default demo, with the SYNTHETIC BAG/KvK features),
``osm-only`` (``analyse_demo(synthetic_bag=False, synthetic_hours=False)``) and
``contiguous`` (the default demo with types smoothed along the streets).

``--transform zscore`` replaces the percentile transform by z-scores (``log1p`` of counts,
then standardised, as before issue 15) for the comparison the module docstring of
``wijkkracht.core.typology`` quotes. The target of issue 15: ARI >= 0.95 everywhere.
"""

from __future__ import annotations

import _util  # noqa: F401  (first: pins threads)

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

CONFIGS = {
    "demo": {},
    "osm-only": {"synthetic_bag": False, "synthetic_hours": False},
    "contiguous": {"contiguous": True},
}


def _zscore_patch():
    """Swap the percentile transform for z-scores (for the comparison only)."""
    from wijkkracht.core import typology

    def zscore(values: np.ndarray, knots: np.ndarray) -> np.ndarray:
        v = np.log1p(np.maximum(values, 0.0)) if knots[-1] > 1.5 else values
        ref = np.log1p(np.maximum(knots, 0.0)) if knots[-1] > 1.5 else knots
        sd = float(np.std(ref))
        return (v - float(np.mean(ref))) / sd if sd > 0 else np.zeros_like(v)

    typology.rank_transform = zscore


def run(config: str, rounds: int, k: int | None = None) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from wijkkracht.demo import analyse_demo
    from wijkkracht.core.typology import classify_street_layer

    t0 = time.perf_counter()
    options = dict(CONFIGS[config])
    contiguous = bool(options.get("contiguous"))
    result = analyse_demo(**options)
    streets = result.streets.reset_index()
    full, typ = classify_street_layer(streets, contiguous=contiguous, random_state=0,
                                      k=k)
    typed = full["type_id"].notna().to_numpy()
    ids = full["type_id"].to_numpy()
    names = full["type_name_en"].to_numpy()
    # the analysis and the layer classification agree
    same_as_analysis = (bool((full["type_key"].to_numpy() ==
                              result.streets["type_key"].to_numpy()).all())
                        if k is None else None)

    def compare(other_ids: np.ndarray, other_names: np.ndarray, rows: np.ndarray) -> tuple:
        a = np.asarray(ids[rows], dtype=float)
        b = np.asarray(other_ids, dtype=float)
        ok = ~(np.isnan(a) | np.isnan(b))
        return (float(adjusted_rand_score(a[ok], b[ok])),
                float((names[rows][ok] == other_names[ok]).mean()))

    seeds = []
    for seed in range(1, rounds + 1):
        other, t = classify_street_layer(streets, contiguous=contiguous, random_state=seed,
                                         k=k)
        ari, same = compare(other["type_id"].to_numpy(), other["type_name_en"].to_numpy(),
                            np.arange(len(streets)))
        seeds.append({"seed": seed, "ari": round(ari, 4), "same_name": round(same, 4),
                      "k": t.k})
    rng = np.random.default_rng(2026)
    subs = []
    for r in range(rounds):
        rows = np.sort(rng.choice(len(streets), int(0.9 * len(streets)), replace=False))
        part = streets.iloc[rows].reset_index(drop=True)
        other, t = classify_street_layer(part, contiguous=contiguous, random_state=0, k=k)
        ari, same = compare(other["type_id"].to_numpy(), other["type_name_en"].to_numpy(), rows)
        subs.append({"round": r + 1, "ari": round(ari, 4), "same_name": round(same, 4),
                     "k": t.k})
    return {
        "config": config,
        "segments_classified": int(typed.sum()),
        "k": typ.k,
        "types": [f"{p['type_name_en']} ({p['segments']})" for _, p in typ.profile.iterrows()],
        "same_as_analysis": same_as_analysis,
        "seeds": {"ari_min": min(s["ari"] for s in seeds),
                  "ari_mean": round(float(np.mean([s["ari"] for s in seeds])), 4),
                  "same_name_min": min(s["same_name"] for s in seeds), "runs": seeds},
        "subsamples": {"ari_min": min(s["ari"] for s in subs),
                       "ari_mean": round(float(np.mean([s["ari"] for s in subs])), 4),
                       "same_name_min": min(s["same_name"] for s in subs), "runs": subs},
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--method", choices=("rules", "kmeans"), default="rules",
                        help="the default per-segment rules, or k-means with -k types")
    parser.add_argument("-k", type=int, default=5, help="types for k-means (default 5)")
    parser.add_argument("--transform", choices=("rank", "zscore"), default="rank",
                        help="k-means only: percentiles (default) or z-scores")
    args = parser.parse_args()
    if args.transform == "zscore":
        _zscore_patch()
    k = args.k if args.method == "kmeans" else None
    out = {"benchmark": "typology_stability", "method": args.method, "k": k,
           "transform": args.transform if k else None,
           "rounds": args.rounds, "target_ari": 0.95,
           "machine": _util.machine_info(), "results": []}
    for config in args.configs.split(","):
        res = run(config, args.rounds, k)
        out["results"].append(res)
        print(f"{config:11s} k={res['k']} seeds ARI min {res['seeds']['ari_min']:.3f} "
              f"(names kept {res['seeds']['same_name_min']:.0%}), subsamples ARI min "
              f"{res['subsamples']['ari_min']:.3f} (names kept "
              f"{res['subsamples']['same_name_min']:.0%}); {res['types']}", flush=True)
    out["pass"] = all(r["seeds"]["ari_min"] >= 0.95 and r["subsamples"]["ari_min"] >= 0.95
                      for r in out["results"])
    if args.json:
        _util.write_json(args.json, out)


if __name__ == "__main__":
    main()
