"""``wijkkracht batch`` at scale on SYNTHETIC countries (issue 6, item 5).

Targets: a municipality the size of Utrecht (~180k addresses, ~25k street segments, 100
buurten) in under 5 minutes and under 4 GB peak memory on this 2-core machine; cost close to
linear from 1k to 1 M addresses; a synthetic nation (10 M addresses, 2 M establishments,
~14k buurten) run on a local Dask cluster, with an extrapolated single-machine time and the
memory per worker.

Cases (each writes ``benchmarks/results/batch_<case>.json`` with :func:`_util.record`):

* ``municipality``: the ``utrecht`` preset of ``synthetic_country.py``; ``wijkkracht batch``
  over all 100 buurten (``areas.gemeente``) with 1 and 2 workers;
* ``scaling``: countries of 1k, 10k, 100k and 1 M addresses (1,000 addresses per buurt, same
  densities), every buurt, ``--scaling-workers`` workers (default 2); wall time per run, the
  split into steps and the log-log slope;
* ``nation``: the ``nation`` preset, generated once (time and memory recorded); the steps that
  touch the whole input measured at full size in a fresh process (reading the 13,940 areas,
  their hashes and done checks, the partition plan, bucketing the 2 M establishments); then a
  run over a sample of gemeenten (``--sample-gemeenten``, spread over the country) with 1, 2 and
  4 workers; the full single-machine time is extrapolated from them.

Every run is a fresh child process (``--child-run``) calling ``run_batch`` (what ``wijkkracht
batch CONFIG --workers N`` does) with a config TOML written into its working folder
(``benchmarks/.cache/batch/<run>/batch.toml``; the countries are cached in
``benchmarks/.cache/countries/``, git-ignored). The parent samples the child's process tree with
psutil every 0.5 s (RSS and CPU time of the driver and of every Dask worker process, and the
load average); the child reports the engine's own figures (``BatchSummary.seconds``,
``prepare_seconds``, ``worker_peak_mb`` = ``ru_maxrss`` of each worker process) and the times
of its progress messages (partition plan, establishments bucketed, first and last area,
merged), from which the steps are split.

    /work/main/.venv/bin/python benchmarks/bench_batch.py municipality
    /work/main/.venv/bin/python benchmarks/bench_batch.py scaling [--sizes 1000,10000]
    /work/main/.venv/bin/python benchmarks/bench_batch.py nation [--sample-gemeenten 3]
"""

from __future__ import annotations

import _util  # noqa: F401  (first: pins threads, inherited by the Dask workers)

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _util import HERE, PYTHON, RESULTS, load_average, peak_rss_mb, record, write_json  # noqa: E402

CACHE = HERE / ".cache"
COUNTRIES = CACHE / "countries"
RUNS = CACHE / "batch"


# --- countries and configurations ---------------------------------------------------------------

def _country(name: str, spec) -> tuple[Path, dict]:
    """The cached country ``name`` (generated in a child process when missing or changed, so
    that its time and peak memory are its own)."""
    from dataclasses import asdict

    folder = COUNTRIES / name
    man = folder / "manifest.json"
    if man.is_file() and json.loads(man.read_text(encoding="utf-8")).get("spec") == asdict(spec):
        return folder, json.loads(man.read_text(encoding="utf-8"))
    args = [PYTHON, str(HERE / "synthetic_country.py"), str(folder)]
    for k, v in asdict(spec).items():
        if k == "building_pois":
            args += [] if v else ["--no-building-pois"]
        elif k in ("gemeenten", "buurten_per_gemeente", "addresses_per_buurt",
                   "addresses_per_segment", "establishments_per_address", "seed"):
            args += [f"--{k.replace('_', '-')}", str(v)]
    print(f"generating {name}: {' '.join(args[2:])}", file=sys.stderr, flush=True)
    profile = CACHE / "poi_profile.json"
    if profile.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(profile, folder / "poi_profile.json")
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads(man.read_text(encoding="utf-8"))
    manifest["child_wall_s"] = round(time.perf_counter() - t0, 1)
    if not profile.is_file():
        shutil.copyfile(folder / "poi_profile.json", profile)
    man.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return folder, manifest


def write_config(path: Path, country: Path, *, name: str, codes: list[str] | None = None,
                 gemeente: str | None = None, workers: int = 1, partition_size: int = 25,
                 buffer: float = 800.0, unit: str = "area") -> Path:
    """A batch configuration (see examples/batch.toml) for ``country``, output in ``path``'s
    folder under ``out/``."""
    from synthetic_country import FILES

    def rel(role: str) -> str:
        return os.path.relpath(country / FILES[role][0], path.parent)

    if codes is not None:
        sel = "codes = [" + ", ".join(f'"{c}"' for c in codes) + "]"
    elif gemeente is not None:
        sel = f'gemeente = "{gemeente}"'
    else:
        sel = "# every buurt of the layer"
    text = f"""# wijkkracht batch configuration written by benchmarks/bench_batch.py (SYNTHETIC data)
out = "out"
name = "{name}"
lang = "nl"
formats = ["gpkg"]

[areas]
file = "{rel('areas')}"
layer = "buurten"
{sel}
buffer = {buffer:g}

[data]
streets = "{rel('streets')}"
streets_layer = "streets"
pois = "{rel('pois')}"
pois_layer = "pois"
bag = "{rel('bag')}"
bag_layer = "verblijfsobject"
bag_snapshot_date = "2026-01-01"
establishments = "{rel('establishments')}"

[analysis]
k_range = [3, 6]
seed = 0
snap_distance = 150
privacy_threshold = 3
reference_date = "2026-01-01"

[engine]
workers = {workers}
partition_size = {partition_size}
unit = "{unit}"
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- one run: a child process, its process tree sampled -------------------------------------------

def child_run(config: str, workers: int) -> dict:
    """In the child: ``run_batch`` as ``wijkkracht batch CONFIG --workers N`` runs it."""
    from wijkkracht.batch import load_config, run_batch

    t0 = time.perf_counter()
    events: list[tuple[float, str]] = []
    done_at: list[float] = []

    def say(text: str) -> None:
        t = round(time.perf_counter() - t0, 2)
        if text.startswith("["):
            done_at.append(t)
        else:
            events.append((t, text))
        print(f"{t:8.1f} {text}", file=sys.stderr, flush=True)

    cfg = load_config(config)
    summary = run_batch(cfg, workers=workers, say=say)
    return {
        "done": len(summary.done), "skipped": len(summary.skipped),
        "failed": summary.failed, "partitions": summary.partitions,
        "engine_seconds": round(summary.seconds, 2),
        "prepare_seconds": round(summary.prepare_seconds, 2),
        "worker_peak_mb": {k: round(v, 1) for k, v in summary.worker_peak_mb.items()},
        "driver_peak_rss_mb": round(peak_rss_mb(), 1),
        "driver_pid": os.getpid(),
        "events": events, "area_done_at_s": done_at,
        "merged": str(summary.merged) if summary.merged else None,
    }


def run(config: Path, workers: int, *, addresses: int, label: str,
        timeout: float = 6 * 3600) -> dict:
    """Run ``config`` with ``workers`` in a fresh child; the figures of the run."""
    import psutil

    out_json = config.parent / f"result-w{workers}.json"
    out_json.unlink(missing_ok=True)
    log = config.parent / f"log-w{workers}.txt"
    cmd = [PYTHON, str(Path(__file__).resolve()), "--child-run", str(config), "--workers",
           str(workers), "--json", str(out_json)]
    load_before = load_average()
    print(f"run {label}: {workers} worker(s), load {load_before}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=fh)
        parent = psutil.Process(proc.pid)
        peak: dict[int, float] = {}
        cpu: dict[int, float] = {}
        names: dict[int, str] = {}
        tree_peak = 0.0
        loads = []
        series: list[list] = []  # every ~10 s: [t, driver MB, sorted other processes' MB]
        next_series = 0.0
        while proc.poll() is None:
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                break
            try:
                procs = [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            total = 0.0
            for p in procs:
                try:
                    with p.oneshot():
                        rss = p.memory_info().rss / 2**20
                        t = p.cpu_times()
                        cpu[p.pid] = t.user + t.system
                        if p.pid not in names:
                            names[p.pid] = " ".join(p.cmdline())[:160]
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                peak[p.pid] = max(peak.get(p.pid, 0.0), rss)
            tree_peak = max(tree_peak, total)
            loads.append(os.getloadavg()[0])
            now = time.perf_counter() - t0
            if now >= next_series:
                rss_now = {p.pid: peak.get(p.pid, 0.0) for p in procs}
                try:
                    rss_now = {p.pid: p.memory_info().rss / 2**20 for p in procs}
                except psutil.NoSuchProcess:
                    pass
                series.append([round(now), round(rss_now.pop(proc.pid, 0.0)),
                               sorted(round(v) for v in rss_now.values() if v > 50)])
                next_series = now + 10.0
            time.sleep(0.5)
        proc.wait()
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not out_json.is_file():
        return {"label": label, "workers": workers, "error": f"exit code {proc.returncode}",
                "log_tail": log.read_text(encoding="utf-8")[-3000:]}
    res = json.loads(out_json.read_text(encoding="utf-8"))
    worker_pids = {int(k.rsplit(":", 1)[1]) for k in res["worker_peak_mb"]}
    sampled = {
        "driver_mb": round(peak.get(proc.pid, 0.0), 1),
        "workers_mb": {str(pid): round(v, 1) for pid, v in peak.items()
                       if pid in worker_pids and pid != proc.pid},
        "other_processes_mb": {f"{pid} {names.get(pid, '')[:60]}": round(v, 1)
                               for pid, v in peak.items()
                               if pid not in worker_pids and pid != proc.pid},
        "tree_peak_mb": round(tree_peak, 1),
    }
    done_at = res["area_done_at_s"]
    t_first = done_at[0] if done_at else None
    t_last = done_at[-1] if done_at else None
    t_merged = next((t for t, text in res["events"] if text.startswith("merged")), None)
    t_plan = next((t for t, text in res["events"] if " areas: " in text), None)
    engine = res["engine_seconds"]
    n = res["done"]
    per_worker = res["worker_peak_mb"]
    steps = {
        "read_areas_hashes_plan_s": t_plan,
        "prepare_establishments_s": res["prepare_seconds"],
        "until_first_area_s": t_first,
        "areas_s": round(t_last - (t_plan or 0) - res["prepare_seconds"], 2) if t_last else None,
        "merge_s": round(t_merged - t_last, 2) if t_merged and t_last else None,
    }
    steady = None
    if len(done_at) >= 20:  # throughput between the 10th and the last area (partitions warm)
        steady = round(60 * (len(done_at) - 10) / max(done_at[-1] - done_at[9], 1e-9), 2)
    out = {
        "label": label, "workers": workers, "config": str(config),
        "areas_done": n, "failed": res["failed"], "partitions": res["partitions"],
        "addresses": addresses,
        "wall_s_process": round(wall, 2),
        "engine_s": engine,
        "steps_s": steps,
        "areas_per_min": round(60 * n / engine, 2) if engine else None,
        "areas_per_min_steady": steady,
        "addresses_per_s": round(addresses / engine, 1) if engine else None,
        "driver_peak_rss_mb": res["driver_peak_rss_mb"],
        "worker_peak_rss_mb": per_worker,
        "max_worker_peak_rss_mb": max(per_worker.values()) if per_worker else None,
        "sum_of_process_peaks_mb": round(res["driver_peak_rss_mb"] + sum(
            v for k, v in per_worker.items() if int(k.rsplit(":", 1)[1]) != proc.pid), 1),
        "sampled_rss": sampled,
        "cpu_s_tree": round(sum(cpu.values()), 1),
        "load_average_before": load_before,
        "load_1min_during_mean": round(sum(loads) / len(loads), 2) if loads else None,
        "load_1min_during_max": round(max(loads), 2) if loads else None,
        "load_average_after": load_average(),
        "events": res["events"],
        "rss_series_mb": series,
    }
    print(f"  {label} w{workers}: {n} areas in {engine:.1f} s ({out['areas_per_min']} areas/min,"
          f" {out['addresses_per_s']} addresses/s), driver {res['driver_peak_rss_mb']:.0f} MB, "
          f"workers {sorted(per_worker.values())} MB", file=sys.stderr, flush=True)
    return out


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- cases ------------------------------------------------------------------------------------------

def municipality(workers: list[int]) -> dict:
    from synthetic_country import PRESETS

    country, manifest = _country("utrecht", PRESETS["utrecht"])
    runs = []
    for w in workers:
        cfg = write_config(_fresh(RUNS / f"municipality-w{w}") / "batch.toml", country,
                           name="utrecht", gemeente="GM9000", workers=w)
        runs.append(run(cfg, w, addresses=manifest["counts"]["addresses"],
                        label="municipality"))
    ok = [r for r in runs if "error" not in r]
    best = min(ok, key=lambda r: r["engine_s"]) if ok else None
    result = {
        "benchmark": "batch_municipality", "synthetic": True,
        "country": _manifest_summary(manifest),
        "runs": runs,
        "target": "Utrecht-size municipality: < 300 s and < 4096 MB peak memory (2 cores)",
    }
    if best:
        result["best"] = {"workers": best["workers"], "engine_s": best["engine_s"],
                          "sum_of_process_peaks_mb": best["sum_of_process_peaks_mb"],
                          "sampled_tree_peak_mb": best["sampled_rss"]["tree_peak_mb"]}
        result["pass"] = bool(best["engine_s"] < 300 and best["sum_of_process_peaks_mb"] < 4096)
    if len(ok) < len(runs):
        result["error"] = "a run failed"
    return result


def scaling(sizes: list[int], workers: int) -> dict:
    import numpy as np

    from synthetic_country import scaling_spec

    runs = []
    for n in sizes:
        spec = scaling_spec(n)
        country, manifest = _country(f"scale-{n}", spec)
        cfg = write_config(_fresh(RUNS / f"scaling-{n}") / "batch.toml", country,
                           name=f"scale{n}", workers=workers)
        r = run(cfg, workers, addresses=manifest["counts"]["addresses"], label=f"scale-{n}")
        r["country"] = _manifest_summary(manifest)
        runs.append(r)
    ok = [r for r in runs if "error" not in r]
    result = {"benchmark": "batch_scaling", "synthetic": True, "workers": workers, "runs": runs}
    if len(ok) >= 2:
        x = np.log([r["addresses"] for r in ok])
        result["loglog_slope_engine_s"] = round(float(np.polyfit(x, np.log(
            [r["engine_s"] for r in ok]), 1)[0]), 3)
        result["loglog_slope_wall_s"] = round(float(np.polyfit(x, np.log(
            [r["wall_s_process"] for r in ok]), 1)[0]), 3)
        result["pairwise_slopes_engine_s"] = {
            f"{a['addresses']}->{b['addresses']}": round(math.log(b["engine_s"] / a["engine_s"])
                                                         / math.log(b["addresses"] / a["addresses"]), 3)
            for a, b in zip(ok, ok[1:], strict=False)}
        steps = {}
        for key in ("read_areas_hashes_plan_s", "prepare_establishments_s", "areas_s", "merge_s"):
            vals = [(r["areas_done"], r["steps_s"][key]) for r in ok if r["steps_s"].get(key)]
            if len(vals) >= 2 and all(v > 0 for _, v in vals):
                steps[key] = {"per_area_ms": [round(1000 * v / a, 1) for a, v in vals],
                              "loglog_slope_vs_areas": round(float(np.polyfit(
                                  np.log([a for a, _ in vals]), np.log([v for _, v in vals]),
                                  1)[0]), 3)}
        result["steps"] = steps
    if len(ok) < len(runs):
        result["error"] = "a run failed"
    return result


def child_whole(config: str) -> dict:
    """In a child: the steps of ``run_batch`` that touch every area or the whole input, timed at
    full size and on the first tenth (to show how they grow)."""
    import geopandas as gpd

    from wijkkracht.batch import (
        _area_hash,
        _is_done,
        _prepare_establishments,
        load_config,
        plan_partitions,
    )
    from wijkkracht.data_sources.areas import read_areas

    cfg = load_config(config)
    out: dict = {}
    t0 = time.perf_counter()
    areas = read_areas(cfg.areas_file, layer=cfg.areas_layer, codes=list(cfg.codes) or None)
    areas = areas.sort_values("area_code").reset_index(drop=True)
    out["read_areas_s"] = round(time.perf_counter() - t0, 2)
    folder = cfg.out / "areas"
    folder.mkdir(parents=True, exist_ok=True)
    codes = list(areas["area_code"])
    # areas.codes as an explicit list: one SQL "=" per code, OR-ed
    for n in (500, 990, 1010, len(codes)):
        t0 = time.perf_counter()
        try:
            read_areas(cfg.areas_file, layer=cfg.areas_layer, codes=codes[:n])
            out[f"read_areas_by_{n}_explicit_codes_s"] = round(time.perf_counter() - t0, 2)
        except Exception as exc:  # noqa: BLE001 - recorded: an engine limit
            out[f"read_areas_by_{n}_explicit_codes_s"] = f"failed: {str(exc)[-160:]}"
    for frac, tag in ((0.1, "tenth"), (1.0, "all")):
        sub = areas.iloc[: max(1, int(len(areas) * frac))]
        t0 = time.perf_counter()
        hashes = {}
        for i in range(len(sub)):
            row = sub.iloc[[i]]
            code = str(row["area_code"].iloc[0])
            hashes[code] = _area_hash(cfg, code, row.geometry.iloc[0].wkb)
            _is_done(folder, code, hashes[code])
        t1 = time.perf_counter()
        parts = plan_partitions(gpd.GeoDataFrame(sub), cfg.buffer, cfg.partition_size)
        t2 = time.perf_counter()
        out[tag] = {"areas": len(sub), "hashes_done_checks_s": round(t1 - t0, 2),
                    "plan_partitions_s": round(t2 - t1, 2), "partitions": len(parts)}
    t0 = time.perf_counter()
    prepared = _prepare_establishments(cfg)
    out["prepare_establishments_s"] = round(time.perf_counter() - t0, 2)
    out["establishment_buckets"] = prepared[1]["buckets"] if prepared else None
    out["establishment_counts"] = prepared[1]["counts"] if prepared else None
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def nation(workers: list[int], sample: int) -> dict:
    import numpy as np

    from synthetic_country import PRESETS

    spec = PRESETS["nation"]
    country, manifest = _country("nation", spec)
    n_areas = manifest["counts"]["buurten"]
    # the steps over the whole input, at full size, in a fresh process
    whole_dir = _fresh(RUNS / "nation-whole")
    cfg_all = write_config(whole_dir / "batch.toml", country, name="nation")
    whole_json = whole_dir / "whole.json"
    t0 = time.perf_counter()
    subprocess.run([PYTHON, str(Path(__file__).resolve()), "--child-whole", str(cfg_all),
                    "--json", str(whole_json)], check=True)
    whole = json.loads(whole_json.read_text(encoding="utf-8"))
    whole["child_wall_s"] = round(time.perf_counter() - t0, 1)
    whole["load_average_after"] = load_average()
    prepared = next((whole_dir / "out" / "prepared").glob("establishments-*"))

    gms = sorted({int(round(v)) for v in np.linspace(0, spec.gemeenten - 1, sample)})
    import pyogrio

    areas = pyogrio.read_dataframe(country / "areas_synthetic.gpkg", layer="buurten",
                                   columns=["buurtcode", "gemeentecode", "synthetic_addresses"],
                                   read_geometry=False)
    chosen = areas[areas["gemeentecode"].isin([f"GM{9000 + g}" for g in gms])]
    codes = sorted(chosen["buurtcode"])
    addresses = int(chosen["synthetic_addresses"].sum())
    runs = []
    for w in workers:
        folder = _fresh(RUNS / f"nation-sample-w{w}")
        cfg = write_config(folder / "batch.toml", country, name="nation_sample", codes=codes,
                           workers=w)
        # the establishments bucketed once (above, timed at full size) are reused
        shutil.copytree(prepared, folder / "out" / "prepared" / prepared.name)
        runs.append(run(cfg, w, addresses=addresses, label=f"nation-sample-{len(gms)}gm"))
    ok = [r for r in runs if "error" not in r]
    extrapolation = {}
    fixed = (whole["read_areas_s"] + whole["all"]["hashes_done_checks_s"]
             + whole["all"]["plan_partitions_s"] + whole["prepare_establishments_s"])
    for r in ok:
        per_area = (r["steps_s"]["areas_s"] or 0) / r["areas_done"]
        merge_per_area = (r["steps_s"]["merge_s"] or 0) / r["areas_done"]
        total = fixed + n_areas * (per_area + merge_per_area)
        extrapolation[f"workers_{r['workers']}"] = {
            "area_s_per_area": round(per_area, 3), "merge_s_per_area": round(merge_per_area, 4),
            "whole_input_steps_s": round(fixed, 1),
            "full_nation_s": round(total), "full_nation_h": round(total / 3600, 2),
            "max_worker_peak_rss_mb": r["max_worker_peak_rss_mb"],
            "driver_peak_rss_mb": r["driver_peak_rss_mb"]}
    result = {
        "benchmark": "batch_nation", "synthetic": True,
        "country": _manifest_summary(manifest),
        "generation": {"seconds": manifest["seconds"], "peak_rss_mb": manifest["peak_rss_mb"],
                       "child_wall_s": manifest.get("child_wall_s")},
        "whole_input_steps": whole,
        "sample": {"gemeenten": [f"GM{9000 + g}" for g in gms], "buurten": len(codes),
                   "addresses": addresses},
        "runs": runs,
        "extrapolation": extrapolation,
        "extrapolation_method": (
            "full time = the whole-input steps measured at full size (read the 13,940 areas, "
            "hash and done-check each, plan partitions, bucket the 2 M establishments) + "
            "13,940 x (the sample's area phase / its buurten) + 13,940 x (the sample's merge / "
            "its buurten); the sample's area phase includes its partition reads"),
    }
    if len(ok) < len(runs):
        result["error"] = "a run failed"
    return result


def nation_whole(workers: list[int]) -> dict:
    """The whole SYNTHETIC nation as one analysis (issue 20): ``[engine] unit =
    "partition"``, every buurt, end to end (the establishments bucketed in chunks, the
    typology model fitted, the partitions, the merge), each worker count from scratch."""
    from synthetic_country import PRESETS

    country, manifest = _country("nation", PRESETS["nation"])
    runs = []
    for w in workers:
        folder = _fresh(RUNS / f"nation-whole-w{w}")
        cfg = write_config(folder / "batch.toml", country, name="nation", workers=w,
                           unit="partition")
        runs.append(run(cfg, w, addresses=manifest["counts"]["addresses"],
                        label="nation-whole"))
    result = {"benchmark": "batch_nation_whole", "synthetic": True,
              "country": _manifest_summary(manifest), "unit": "partition", "runs": runs}
    if any("error" in r for r in runs):
        result["error"] = "a run failed"
    return result


def _manifest_summary(m: dict) -> dict:
    return {"spec": m["spec"], "counts": m["counts"], "densities": m["densities"],
            "layout": m["layout"], "generate_seconds": m["seconds"]["total"],
            "generate_peak_rss_mb": m["peak_rss_mb"],
            "files_mb": {k: round(v["bytes"] / 1e6, 1) for k, v in m["files"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", choices=("municipality", "scaling", "nation",
                                                    "nation-whole", "all"))
    parser.add_argument("--workers", default=None,
                        help="comma-separated worker counts (municipality: 1,2; nation: 1,2,4)")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--scaling-workers", type=int, default=2)
    parser.add_argument("--sample-gemeenten", type=int, default=3)
    parser.add_argument("--child-run", help=argparse.SUPPRESS)
    parser.add_argument("--child-whole", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="result file (default: benchmarks/results/batch_<case>.json)")
    args = parser.parse_args()
    if args.child_run:
        write_json(args.json, child_run(args.child_run, int(args.workers or 1)))
        return
    if args.child_whole:
        write_json(args.json, child_whole(args.child_whole))
        return
    if not args.case:
        parser.error("name a case")
    cases = ("municipality", "scaling", "nation") if args.case == "all" else (args.case,)
    for case in cases:
        if case == "municipality":
            ws = [int(v) for v in (args.workers or "1,2").split(",")]
            result = municipality(ws)
        elif case == "nation-whole":
            result = nation_whole([int(v) for v in (args.workers or "2,1").split(",")])
        elif case == "scaling":
            result = scaling([int(v) for v in args.sizes.split(",")], args.scaling_workers)
        else:
            ws = [int(v) for v in (args.workers or "1,2,4").split(",")]
            result = nation(ws, args.sample_gemeenten)
        result["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                                              capture_output=True, text=True).stdout.strip()
        record(result, args.json if args.json and len(cases) == 1
               else str(RESULTS / f"batch_{case}.json"))


if __name__ == "__main__":
    main()
