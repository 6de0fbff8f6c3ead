"""Run every wijkkracht benchmark and write ``benchmarks/results/latest.json``.

    python benchmarks/run_all.py [--quick] [--with-cityseer-grid] [--rounds N]

Each benchmark runs in a fresh child process (single thread: RAYON/OMP/OPENBLAS/MKL
threads = 1, set before numpy or cityseer are imported):

1. ``bench_cityseer.py``: wijkkracht vs cityseer on the Kanaleneiland network (target >= 10x),
   ``--rounds`` times (other processes may be loading the machine; best-of and median are
   reported);
2. ``bench_grid.py``: the SYNTHETIC grid at ~10k, 50k and 200k nodes (scaling series; the
   200k point is the "< 10 s, < 2 GB" requirement), ``--rounds`` times per size;
3. ``bench_demo.py``: ``wijkkracht demo`` end to end, 3 fresh processes (target < 20 s);
4. with ``--with-cityseer-grid``: cityseer on the same grids (10k, 50k, 200k nodes; the
   200k one takes about 3 minutes here, mostly ``nx_from_generic_geopandas``).

``--quick``: one round, fewer repetitions (about a minute in all).
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _util import HERE, RESULTS, machine_info, run_child, uptime_text, write_json  # noqa: E402

GRID_SIZES = (10_000, 50_000, 200_000)


def _git_state() -> dict:
    root = HERE.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                                  check=False).stdout.strip()
        except OSError:
            return ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes_in_core": git("status", "--porcelain", "--", "core").splitlines(),
    }


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_cityseer_rounds(rounds: int, reps: int) -> dict:
    per_round = []
    for i in range(rounds):
        _say(f"[cityseer comparison] round {i + 1}/{rounds} ({reps} reps) ...")
        res = run_child("bench_cityseer.py", ["--reps", str(reps)], timeout=1800)
        res["load_average_1_5_15"] = _util.load_average()
        per_round.append(res)
    ok = [r for r in per_round if "error" not in r]
    out: dict = {"rounds": per_round}
    if ok:
        ours = [r["wall_s"]["wijkkracht_locate_proximity_mixed_use"]["median"] for r in ok]
        cs = [r["wall_s"]["cityseer_accessibilities_mixed_uses"]["median"] for r in ok]
        ours_best = min(r["wall_s"]["wijkkracht_locate_proximity_mixed_use"]["best"] for r in ok)
        cs_best = min(r["wall_s"]["cityseer_accessibilities_mixed_uses"]["best"] for r in ok)
        ratios = [r["ratio"]["median_wall"] for r in ok]
        cpu_ratios = [r["ratio"]["median_cpu"] for r in ok]
        out["summary"] = {
            "ours_wall_s_median_of_rounds": round(statistics.median(ours), 4),
            "ours_wall_s_best": ours_best,
            "cityseer_wall_s_median_of_rounds": round(statistics.median(cs), 4),
            "cityseer_wall_s_best": cs_best,
            "ratio_median_of_rounds": round(statistics.median(ratios), 2),
            "ratio_best_round": round(max(ratios), 2),
            "ratio_of_best_times": round(cs_best / ours_best, 2),
            "cpu_ratio_median_of_rounds": round(statistics.median(cpu_ratios), 2),
            "ratio_blocked_median_of_rounds": round(statistics.median(
                r["ratio"]["median_wall_blocked"] for r in ok), 2),
            "ours_wall_s_blocked_median_of_rounds": round(statistics.median(
                r["wall_s"]["wijkkracht_blocked"]["median"] for r in ok), 4),
            "ratio_vs_cityseer_default_decay_median": round(statistics.median(
                r["ratio"]["median_wall_vs_cityseer_default_decay"] for r in ok), 2),
            "build_ours_s_median": round(statistics.median(
                r["build_wall_s"]["wijkkracht_build_network"]["median"] for r in ok), 4),
            "build_cityseer_s_median": round(statistics.median(
                r["build_wall_s"]["cityseer_nx_from_generic_geopandas_plus_network_structure_from_nx"]
                ["median"] for r in ok), 4),
            "agreement": ok[-1]["agreement"],
            "target": ">= 10x",
        }
        out["summary"]["pass"] = out["summary"]["ratio_median_of_rounds"] >= 10.0
    return out


def run_grid(rounds: int, repeats: int, profile: str, sizes: tuple[int, ...]) -> dict:
    series = []
    for n in sizes:
        runs = []
        for i in range(rounds):
            _say(f"[grid] {n:,} nodes, round {i + 1}/{rounds} ({repeats} repeats) ...")
            res = run_child("bench_grid.py", ["--nodes", str(n), "--repeats", str(repeats),
                                              "--profile", profile], timeout=3600)
            runs.append(res)
        ok = [r for r in runs if "error" not in r]
        point: dict = {"nodes_requested": n, "rounds": runs}
        if ok:
            first = [r["indicators_first_run_s"] for r in ok]
            med = [r["indicators_wall_s"]["median"] for r in ok]
            point.update({
                "nodes": ok[0]["grid"]["nodes"],
                "segments": ok[0]["grid"]["segments"],
                "pois": ok[0]["grid"]["pois"],
                "indicators_s_median": round(statistics.median(med), 3),
                "indicators_s_best": round(min(r["indicators_wall_s"]["best"] for r in ok), 3),
                "indicators_first_run_s_worst": round(max(first), 3),
                "indicators_first_run_s_median": round(statistics.median(first), 3),
                "build_network_s_median": round(statistics.median(
                    r["build_network_s"] for r in ok), 3),
                "peak_rss_mb_max": max(r["memory"]["peak_rss_mb"] for r in ok),
                "us_per_node": round(1e6 * statistics.median(med) / ok[0]["grid"]["nodes"], 2),
                "parts_median_s": ok[0]["indicators_parts_median_s"],
            })
        series.append(point)
    out: dict = {"series": series}
    good = [p for p in series if "nodes" in p]
    if len(good) >= 2:
        a, b = good[0], good[-1]
        slope = math.log(b["indicators_s_median"] / a["indicators_s_median"]) / math.log(
            b["nodes"] / a["nodes"])
        out["loglog_slope_time_vs_nodes"] = round(slope, 3)
        out["loglog_slope_best_times"] = round(
            math.log(b["indicators_s_best"] / a["indicators_s_best"])
            / math.log(b["nodes"] / a["nodes"]), 3)
        out["slopes_between_points"] = [
            round(math.log(q["indicators_s_median"] / p["indicators_s_median"])
                  / math.log(q["nodes"] / p["nodes"]), 3)
            for p, q in zip(good, good[1:], strict=False)]
    big = next((p for p in series if p["nodes_requested"] == 200_000 and "nodes" in p), None)
    if big:
        out["requirement_200k"] = {
            "indicators_s_median": big["indicators_s_median"],
            "indicators_first_run_s_worst": big["indicators_first_run_s_worst"],
            "build_network_s_median": big["build_network_s_median"],
            "peak_rss_mb_max": big["peak_rss_mb_max"],
            "target": "< 10 s and < 2048 MB peak",
            "pass": big["indicators_first_run_s_worst"] < 10.0 and big["peak_rss_mb_max"] < 2048,
        }
    return out


def run_cityseer_grid(profile: str, ours: dict) -> dict:
    """cityseer once per grid size (single thread), with the ratio to our median."""
    series = []
    for n in GRID_SIZES:
        _say(f"[cityseer grid] {n:,} nodes (200k: about 3 minutes) ...")
        res = run_child("bench_grid.py", ["--nodes", str(n), "--tool", "cityseer",
                                          "--profile", profile], timeout=4 * 3600)
        res["nodes_requested"] = n
        mine = next((p for p in ours.get("series", [])
                     if p["nodes_requested"] == n and "nodes" in p), None)
        if mine and "error" not in res:
            res["wijkkracht_indicators_s_median"] = mine["indicators_s_median"]
            res["ratio_vs_wijkkracht_median"] = round(
                res["indicators_wall_s"] / mine["indicators_s_median"], 1)
            res["build_ratio_vs_wijkkracht"] = round(
                res["build_network_s"] / mine["build_network_s_median"], 1)
        series.append(res)
    return {"series": series}


def _fmt_s(v) -> str:
    return "-" if v is None else (f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s")


def print_table(res: dict) -> None:
    lines = []
    m = res["machine"]
    lines.append(f"wijkkracht benchmarks  {res['timestamp']}  "
                 f"{m['cpu_count']} CPU ({m['cpu_model']}), Python {m['python']}, "
                 f"numpy {m['numpy']}, scipy {m['scipy']}")
    lines.append(f"load before: {res['uptime_before']}")
    lines.append(f"load after:  {res['uptime_after']}")
    cs = res.get("cityseer_comparison", {}).get("summary")
    lines.append("")
    lines.append("1. vs cityseer, Kanaleneiland (2,833 nodes), single thread, wall time")
    if cs:
        lines.append(f"   wijkkracht locate+proximity+mixed_use : median {_fmt_s(cs['ours_wall_s_median_of_rounds'])}"
                     f"  best {_fmt_s(cs['ours_wall_s_best'])}")
        lines.append(f"   cityseer accessibilities+mixed_uses   : median {_fmt_s(cs['cityseer_wall_s_median_of_rounds'])}"
                     f"  best {_fmt_s(cs['cityseer_wall_s_best'])}")
        lines.append(f"   ratio (median of rounds) {cs['ratio_median_of_rounds']}x, best round "
                     f"{cs['ratio_best_round']}x, of best times {cs['ratio_of_best_times']}x, "
                     f"CPU-time ratio {cs['cpu_ratio_median_of_rounds']}x  "
                     f"[target >= 10x: {'PASS' if cs['pass'] else 'FAIL'}]")
        lines.append(f"   run back to back instead of interleaved (warm caches): ours "
                     f"{_fmt_s(cs['ours_wall_s_blocked_median_of_rounds'])}, ratio "
                     f"{cs['ratio_blocked_median_of_rounds']}x")
        lines.append(f"   vs cityseer's default decay_fn (also computes distance-weighted variants): "
                     f"{cs['ratio_vs_cityseer_default_decay_median']}x")
        lines.append(f"   network build: wijkkracht {_fmt_s(cs['build_ours_s_median'])}, "
                     f"cityseer {_fmt_s(cs['build_cityseer_s_median'])}")
        ag = cs["agreement"]["metrics"]
        for label, v in ag.items():
            lines.append(f"   agreement {label}: Pearson {v['pearson']}, Spearman {v['spearman']}")
        for i, r in enumerate(res["cityseer_comparison"]["rounds"], 1):
            if "error" in r:
                lines.append(f"   round {i}: ERROR {r['error']}")
            else:
                lines.append(f"   round {i}: ours {_fmt_s(r['wall_s']['wijkkracht_locate_proximity_mixed_use']['median'])}"
                             f", cityseer {_fmt_s(r['wall_s']['cityseer_accessibilities_mixed_uses']['median'])}"
                             f", ratio {r['ratio']['median_wall']}x (load {r['load_average_1_5_15'][0]})")
    else:
        lines.append("   no result (see JSON)")
    g = res.get("grid", {})
    lines.append("")
    lines.append("2./4. SYNTHETIC grid, 60 m blocks, POIs at Kanaleneiland density")
    lines.append(f"   {'nodes':>9} {'segments':>9} {'POIs':>7} {'build':>9} {'indic. med':>11} "
                 f"{'best':>9} {'1st, worst':>10} {'us/node':>8} {'peak RSS':>9}")
    for p in g.get("series", []):
        if "nodes" not in p:
            lines.append(f"   {p['nodes_requested']:>9,} ERROR")
            continue
        lines.append(f"   {p['nodes']:>9,} {p['segments']:>9,} {p['pois']:>7,} "
                     f"{_fmt_s(p['build_network_s_median']):>9} {_fmt_s(p['indicators_s_median']):>11} "
                     f"{_fmt_s(p['indicators_s_best']):>9} "
                     f"{_fmt_s(p['indicators_first_run_s_worst']):>10} {p['us_per_node']:>8} "
                     f"{p['peak_rss_mb_max']:>6.0f} MB")
    if "loglog_slope_time_vs_nodes" in g:
        lines.append(f"   log-log slope of time vs nodes: {g['loglog_slope_time_vs_nodes']} from medians, "
                     f"{g['loglog_slope_best_times']} from best times "
                     f"(1.0 = linear; per step {g['slopes_between_points']})")
    req = g.get("requirement_200k")
    if req:
        lines.append(f"   200k: indicators {_fmt_s(req['indicators_first_run_s_worst'])} (worst first run), "
                     f"peak {req['peak_rss_mb_max']:.0f} MB  [target < 10 s, < 2 GB: "
                     f"{'PASS' if req['pass'] else 'FAIL'}]")
    for cg in res.get("cityseer_grid", {}).get("series", []):
        if "error" in cg:
            lines.append(f"   cityseer, {cg['nodes_requested']:,} nodes: ERROR {cg['error']}")
        else:
            lines.append(f"   cityseer, {cg['grid']['nodes']:>7,} nodes: build {_fmt_s(cg['build_network_s'])}, "
                         f"indicators {_fmt_s(cg['indicators_wall_s'])}, peak "
                         f"{cg['memory']['peak_rss_mb']:.0f} MB; ours "
                         f"{_fmt_s(cg.get('wijkkracht_indicators_s_median'))} -> "
                         f"{cg.get('ratio_vs_wijkkracht_median', '-')}x")
    d = res.get("demo", {})
    lines.append("")
    lines.append("3. `wijkkracht demo` end to end (fresh process, imports included)")
    if d.get("wall_s"):
        lines.append(f"   median {_fmt_s(d['wall_s']['median'])}, best {_fmt_s(d['wall_s']['best'])}, "
                     f"worst {_fmt_s(d['wall_s']['worst'])} over {d['ok_runs']} runs  "
                     f"[target < 20 s: {'PASS' if d['pass'] else 'FAIL'}]")
    if d.get("status", "ok") != "ok":
        lines.append(f"   {d.get('status')}")
        for f in d.get("failures", [])[:1]:
            lines.append("   stderr: " + f["stderr"].splitlines()[-1] if f["stderr"] else "")
    if "error" in d:
        lines.append(f"   ERROR {d['error']}")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description="run all wijkkracht benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="one round, 5 reps, 1 grid repeat (about a minute)")
    parser.add_argument("--with-cityseer-grid", action="store_true",
                        help="also run cityseer on the grids (about 4 minutes more)")
    parser.add_argument("--rounds", type=int, help="rounds of each benchmark (default 3, quick 1)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()

    rounds = args.rounds or (1 if args.quick else 3)
    reps = 5 if args.quick else 7
    grid_repeats = 1 if args.quick else 3
    t0 = time.perf_counter()
    res: dict = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["python", "benchmarks/run_all.py", *sys.argv[1:]]),
        "settings": {"rounds": rounds, "cityseer_reps": reps, "grid_repeats": grid_repeats,
                     "grid_sizes": list(GRID_SIZES), "quick": args.quick},
        "uptime_before": uptime_text(),
        "machine": machine_info(),
        "git": _git_state(),
    }
    _say("measuring the Kanaleneiland POI profile ...")
    from synthetic import kanaleneiland_profile

    with tempfile.TemporaryDirectory(prefix="wk-bench-") as tmp:
        profile = kanaleneiland_profile()
        profile_path = str(Path(tmp) / "profile.json")
        profile.save(profile_path)
        res["poi_profile"] = {"density_per_node": round(profile.density_per_node, 4),
                              "relevant_pois": profile.n_relevant, "nodes": profile.n_nodes,
                              "source": profile.source}

        res["cityseer_comparison"] = run_cityseer_rounds(rounds, reps)
        res["grid"] = run_grid(rounds if not args.quick else 1, grid_repeats, profile_path,
                               GRID_SIZES)
        if args.with_cityseer_grid:
            res["cityseer_grid"] = run_cityseer_grid(profile_path, res["grid"])
    _say("[demo] wijkkracht demo end to end, 3 runs ...")
    res["demo"] = run_child("bench_demo.py", ["--runs", "3"], timeout=600)
    res["uptime_after"] = uptime_text()
    res["total_s"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.out, res)
    print_table(res)
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
