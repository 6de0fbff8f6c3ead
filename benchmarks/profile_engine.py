"""Where does wijkkracht's time go? A profile of ``locate_points + proximity + mixed_use``.

    python benchmarks/profile_engine.py                 # Kanaleneiland, component breakdown
    python benchmarks/profile_engine.py --line          # + line_profiler of the engine
    python benchmarks/profile_engine.py --leaf-sweep    # + reach_counts(leaf_points=...) sweep
    python benchmarks/profile_engine.py --grid 200000   # the SYNTHETIC grid instead

The breakdown times the steps the indicator functions run, called directly through the
engine's public functions (:func:`~wijkkracht.core.distances.nearest_distances`,
:func:`~wijkkracht.core.distances.reach_counts`, ...), so their shares add up to about the
total of ``proximity() + mixed_use()``. CPU time (``process_time``), best and median of
``--reps`` runs, to be robust against other load on the machine. Nothing in wijkkracht is
changed; the leaf sweep only passes a different ``leaf_points`` argument.
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402


def _setup(grid: int | None):
    from wijkkracht.core.network import build_network

    if grid:
        from synthetic import synthetic_pois, synthetic_streets, kanaleneiland_profile

        streets = synthetic_streets(grid)
        pois = synthetic_pois(streets, kanaleneiland_profile())
        network = build_network(streets)
        name = f"SYNTHETIC grid, {network.n_nodes:,} nodes"
    else:
        from wijkkracht.demo import prepare_demo

        network, pois, _ = prepare_demo()
        pois = pois[(pois["function"] != "") | (pois["everyday"] != "")].copy()
        name = f"Kanaleneiland, {network.n_nodes:,} nodes"
    return name, network, pois


def _time_interleaved(rows, reps: int) -> list[tuple[str, float, float]]:
    """Time every row once per round, round-robin, so that changing machine load hits them
    alike; returns (label, best, median) per row."""
    for _label, fn in rows:  # warm-up
        fn()
    times: list[list[float]] = [[] for _ in rows]
    for _ in range(reps):
        for i, (_label, fn) in enumerate(rows):
            c = time.process_time()
            fn()
            times[i].append(time.process_time() - c)
    return [(label, min(t), statistics.median(t)) for (label, _), t in zip(rows, times, strict=True)]


def breakdown(network, pois, reps: int) -> list[tuple[str, float, float]]:
    from wijkkracht.core.categories import EVERYDAY, FUNCTIONS
    from wijkkracht.core.distances import nearest_distances, place, reach_counts
    from wijkkracht.core.indicators._common import codes_for, frame
    from wijkkracht.core.indicators.mixed_use import diversity, mixed_use
    from wijkkracht.core.indicators.proximity import proximity
    from wijkkracht.core.network import locate_points

    loc = locate_points(network, pois.geometry)
    placed = pois[["everyday", "function"]].copy()
    placed["segment_id"] = loc["segment_id"].to_numpy()
    placed["offset_m"] = loc["offset_m"].to_numpy()
    pts = place(placed["segment_id"], placed["offset_m"])
    ce = codes_for(placed["everyday"], list(EVERYDAY))
    cf = codes_for(placed["function"], list(FUNCTIONS))
    counts_f = reach_counts(network, pts, cf, [len(FUNCTIONS)], [[400]])[0][400.0]
    cols = {f"c{i}": np.zeros(network.n_segments) for i in range(20)}

    rows = [
        ("locate_points (STRtree + line_locate_point)",
         lambda: locate_points(network, pois.geometry)),
        ("proximity: nearest_distances (6 multi-source Dijkstras)",
         lambda: nearest_distances(network, pts, ce, len(EVERYDAY))),
        ("proximity: reach_counts 400/800 m",
         lambda: reach_counts(network, pts, ce, [len(EVERYDAY)], [[400, 800]])),
        ("mixed_use: reach_counts 400 m",
         lambda: reach_counts(network, pts, cf, [len(FUNCTIONS)], [[400]])),
        ("mixed_use: diversity()", lambda: diversity(counts_f)),
        ("codes_for x2 + result frames x2 (pandas glue)",
         lambda: (codes_for(placed["everyday"], list(EVERYDAY)),
                  codes_for(placed["function"], list(FUNCTIONS)),
                  frame(network, cols), frame(network, dict(list(cols.items())[:6])))),
        ("network.length/node_a/node_b column extraction, x3",
         lambda: [(network.length, network.node_a, network.node_b) for _ in range(3)]),
    ]
    def full():
        lc = locate_points(network, pois.geometry)
        p = pois[["everyday", "function"]].copy()
        p["segment_id"] = lc["segment_id"].to_numpy()
        p["offset_m"] = lc["offset_m"].to_numpy()
        proximity(network, p)
        mixed_use(network, p)

    rows.append(("TOTAL locate_points + proximity() + mixed_use()", full))
    return _time_interleaved(rows, reps)


class _DijkstraMeter:
    """Stands in for ``scipy.sparse.csgraph`` inside :mod:`wijkkracht.core.distances` for the
    duration of a measurement (restored afterwards; nothing on disk changes): times every
    ``dijkstra`` call and counts its sources and how much of its dense output is finite."""

    def __init__(self, module) -> None:
        self._module = module
        self.seconds = 0.0
        self.calls = 0
        self.sources = 0
        self.entries = 0
        self.finite = 0
        self.overhead = 0.0

    def dijkstra(self, *args, **kwargs):
        t = time.process_time()
        out = self._module.dijkstra(*args, **kwargs)
        t1 = time.process_time()
        self.seconds += t1 - t
        self.calls += 1
        self.sources += out.shape[0] if out.ndim == 2 else 1
        self.entries += out.size
        self.finite += int(np.isfinite(out).sum())
        self.overhead += time.process_time() - t1  # the meter's own counting, not wijkkracht's
        return out

    def __getattr__(self, name):
        return getattr(self._module, name)


def dijkstra_share(network, pois, reps: int) -> dict:
    """Share of ``proximity() + mixed_use()`` spent inside scipy's Dijkstra, and how much of
    the dense distance blocks it returns is finite (the rest is post-processed as inf)."""
    from wijkkracht.core import distances
    from wijkkracht.core.indicators.mixed_use import mixed_use
    from wijkkracht.core.indicators.proximity import proximity
    from wijkkracht.core.network import locate_points

    loc = locate_points(network, pois.geometry)
    p = pois[["everyday", "function"]].copy()
    p["segment_id"] = loc["segment_id"].to_numpy()
    p["offset_m"] = loc["offset_m"].to_numpy()
    proximity(network, p)
    mixed_use(network, p)
    best_total, best_dij, meter = float("inf"), 0.0, None
    original = distances.csgraph
    try:
        for _ in range(reps):
            m = _DijkstraMeter(original)
            distances.csgraph = m
            c = time.process_time()
            proximity(network, p)
            mixed_use(network, p)
            total = time.process_time() - c - m.overhead
            if total < best_total:
                best_total, best_dij, meter = total, m.seconds, m
    finally:
        distances.csgraph = original
    return {
        "total_s": best_total,
        "dijkstra_s": best_dij,
        "dijkstra_calls": meter.calls,
        "dijkstra_sources": meter.sources,
        "dense_entries": meter.entries,
        "finite_share": meter.finite / max(meter.entries, 1),
    }


def leaf_sweep(network, pois, reps: int, values=(16, 24, 32, 48, 64, 96, 128, 256)) -> list:
    from wijkkracht.core.categories import EVERYDAY, FUNCTIONS
    from wijkkracht.core.distances import place, reach_counts
    from wijkkracht.core.indicators._common import codes_for
    from wijkkracht.core.network import locate_points

    loc = locate_points(network, pois.geometry)
    pts = place(loc["segment_id"], loc["offset_m"])
    ce = codes_for(pois["everyday"], list(EVERYDAY))
    cf = codes_for(pois["function"], list(FUNCTIONS))
    # Interleave the values round-robin so that machine load hits them alike.
    times: dict[int, list[float]] = {v: [] for v in values}
    for v in values:  # warm-up
        reach_counts(network, pts, ce, [6], [[400, 800]], leaf_points=v)
    for _ in range(reps):
        for v in values:
            c = time.process_time()
            reach_counts(network, pts, ce, [len(EVERYDAY)], [[400, 800]], leaf_points=v)
            reach_counts(network, pts, cf, [len(FUNCTIONS)], [[400]], leaf_points=v)
            times[v].append(time.process_time() - c)
    return [(v, min(t), statistics.median(t)) for v, t in times.items()]


def line_profile(network, pois) -> None:
    from line_profiler import LineProfiler

    from wijkkracht.core import distances
    from wijkkracht.core.indicators.mixed_use import mixed_use
    from wijkkracht.core.indicators.proximity import proximity
    from wijkkracht.core.network import locate_points

    loc = locate_points(network, pois.geometry)
    p = pois[["everyday", "function"]].copy()
    p["segment_id"] = loc["segment_id"].to_numpy()
    p["offset_m"] = loc["offset_m"].to_numpy()
    lp = LineProfiler(distances.reach_counts, distances._count_block, distances._count_global, distances._accumulate,
                      distances.nearest_distances)
    n = 10 if network.n_nodes < 20_000 else 1
    lp.enable()
    for _ in range(n):
        proximity(network, p)
        mixed_use(network, p)
    lp.disable()
    print(f"\nline_profiler, {n} run(s) of proximity() + mixed_use():")
    lp.print_stats(output_unit=1e-3, stripzeros=True, stream=sys.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description="profile wijkkracht's distance engine")
    parser.add_argument("--grid", type=int, help="SYNTHETIC grid of this many nodes")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--line", action="store_true", help="line_profiler output too")
    parser.add_argument("--leaf-sweep", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    reps = args.reps if not args.grid or args.grid < 50_000 else min(args.reps, 3)
    name, network, pois = _setup(args.grid)
    print(f"{name}, {network.n_segments:,} segments, {len(pois):,} relevant POIs; "
          f"CPU time, best / median of {reps}")
    rows = breakdown(network, pois, reps)
    total = rows[-1][1]
    for label, best, med in rows:
        print(f"  {label:<58} {best * 1e3:8.1f} ms {med * 1e3:8.1f} ms  {100 * best / total:5.1f}%")
    dj = dijkstra_share(network, pois, reps)
    print(f"\nproximity() + mixed_use(): {dj['total_s'] * 1e3:.1f} ms CPU, of which inside scipy "
          f"Dijkstra {dj['dijkstra_s'] * 1e3:.1f} ms ({100 * dj['dijkstra_s'] / dj['total_s']:.0f}%): "
          f"{dj['dijkstra_calls']} calls, {dj['dijkstra_sources']:,} sources, "
          f"{dj['dense_entries']:,} dense distance entries of which "
          f"{100 * dj['finite_share']:.0f}% finite (reached)")
    if args.leaf_sweep:
        print("\nreach_counts (proximity + mixed use calls) vs leaf_points, CPU best / median:")
        for v, best, med in leaf_sweep(network, pois, reps):
            print(f"  leaf_points={v:<5} {best * 1e3:8.1f} ms {med * 1e3:8.1f} ms")
    if args.line:
        line_profile(network, pois)


if __name__ == "__main__":
    main()
