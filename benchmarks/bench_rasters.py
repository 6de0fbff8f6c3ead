"""Time and memory of the intensity surfaces (``wijkkracht.core.rasters.compute_surfaces``) and
of writing them as Cloud Optimized GeoTIFFs.

Two cases, each in a fresh child process (``--child CASE``) so that the peak resident set size
(``ru_maxrss``) belongs to it alone:

``demo``
    Kanaleneiland: the prepared POIs of the bundled real OSM data (8,624 POIs, 442
    functions) and the SYNTHETIC BAG units and establishments of the demo (24,794 units, 5,701
    active establishments), 25 m cells, bandwidth 200 m: all seven surfaces.
``city``
    A SYNTHETIC city: the 447 x 447 street grid of ``synthetic.py`` (60 m blocks, 26.8 km
    square) with ``--pois`` POIs (default 200,000) beside its streets, copying the class mix
    of Kanaleneiland's relevant POIs, and as many SYNTHETIC active establishments (the POI
    positions jittered by up to 10 m); the study area is the grid's square; 25 m cells,
    bandwidth 200 m: the five OpenStreetMap surfaces and the establishments' one (privacy
    threshold 3).

Timed (best and median of ``--repeats`` runs after the data are made): ``compute_surfaces``;
then once ``write_surfaces`` of every surface (COG, DEFLATE, overviews) into a temporary
folder. Reported: wall and CPU time, cells, points, µs per point, file sizes, peak RSS of the
child (data generation included), and its RSS before and after computing the surfaces.

    python benchmarks/bench_rasters.py [--case demo|city|all] [--pois 200000] [--repeats 3]
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import gc  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _util import (  # noqa: E402
    RESULTS,
    Timer,
    current_rss_mb,
    peak_rss_mb,
    record,
    run_child,
    summary,
    write_json,
)


def _demo_inputs() -> dict:
    from wijkkracht.demo import DEMO_REFERENCE_DATE, demo_synthetic_layers, prepare_demo

    _, pois, area = prepare_demo()
    bag, est, _ = demo_synthetic_layers()
    return {"pois": pois, "study_area": area.geometry.union_all(), "bag": bag,
            "establishments": est, "reference_date": DEMO_REFERENCE_DATE}


def _city_inputs(n_pois: int, seed: int) -> dict:
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from synthetic import kanaleneiland_profile, synthetic_pois, synthetic_streets

    profile = kanaleneiland_profile()
    streets = synthetic_streets(200_000)
    pois = synthetic_pois(streets, profile, seed=seed,
                          n_nodes=int(round(n_pois / profile.density_per_node)))
    rng = np.random.default_rng(seed + 1)
    xy = shapely.get_coordinates(pois.geometry.values) + rng.uniform(-10, 10, (len(pois), 2))
    est = gpd.GeoDataFrame({"vbo_id": [None] * len(pois),
                            "start_date": pd.Timestamp("2020-01-01"),
                            "end_date": pd.NaT}, geometry=shapely.points(xy), crs=28992)
    est["end_date"] = pd.to_datetime(est["end_date"])
    est.attrs["synthetic"] = True
    area = shapely.box(*streets.total_bounds)
    return {"pois": pois, "study_area": area, "establishments": est,
            "reference_date": "2025-01-01", "_streets": len(streets)}


def child(case: str, n_pois: int, repeats: int, seed: int) -> dict:
    import numpy as np

    from wijkkracht.core.rasters import compute_surfaces
    from wijkkracht.output.geotiff import write_surfaces

    mem = {"after_imports_mb": round(peak_rss_mb(), 1)}
    with Timer() as t_gen:
        inputs = _demo_inputs() if case == "demo" else _city_inputs(n_pois, seed)
    extra = {k: inputs.pop(k) for k in list(inputs) if k.startswith("_")}
    gc.collect()
    mem["rss_before_surfaces_mb"] = round(current_rss_mb(), 1)
    mem["peak_before_surfaces_mb"] = round(peak_rss_mb(), 1)
    walls, cpus = [], []
    surfaces = None
    for _ in range(repeats):
        surfaces = None
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        surfaces = compute_surfaces(**inputs)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    mem["peak_after_surfaces_mb"] = round(peak_rss_mb(), 1)
    mem["rss_after_surfaces_mb"] = round(current_rss_mb(), 1)  # the surfaces held in memory
    assert surfaces is not None
    first = next(iter(surfaces.values()))
    with tempfile.TemporaryDirectory(prefix="wk-rasters-") as tmp:
        dests = {name: Path(tmp) / f"{name}.tif" for name in surfaces}
        with Timer() as t_write:
            write_surfaces(surfaces, dests, source="benchmark", synthetic=("establishments",))
        sizes = {name: round(p.stat().st_size / 1e6, 3) for name, p in dests.items()}
    mem["peak_rss_mb"] = round(peak_rss_mb(), 1)
    pois = inputs["pois"]
    n_points = int((pois["function"] != "").sum()) + int(len(inputs["establishments"]))
    est = surfaces.get("establishment_intensity")
    return {
        "case": case,
        "data": ("real OpenStreetMap POIs, SYNTHETIC BAG units and establishments" if case == "demo"
                 else "SYNTHETIC streets, POIs and establishments"),
        "cell_size_m": first.cell_size,
        "bandwidth_m": 200.0,
        "grid": {"rows": first.array.shape[0], "cols": first.array.shape[1],
                 "cells": int(first.array.size),
                 "cells_with_value": int(first.valid.sum())},
        "pois": int(len(pois)),
        "functions": int((pois["function"] != "").sum()),
        "establishments": int(len(inputs["establishments"])),
        "bag_units": int(len(inputs["bag"])) if inputs.get("bag") is not None else 0,
        **({"streets": extra["_streets"]} if "_streets" in extra else {}),
        "surfaces": list(surfaces),
        "prepare_inputs_s": round(t_gen.wall, 3),
        "surfaces_wall_s": summary(walls),
        "surfaces_cpu_s": summary(cpus),
        "us_per_point": round(1e6 * float(np.median(walls)) / max(n_points, 1), 2),
        "write_cogs_s": round(t_write.wall, 3),
        "file_mb": sizes,
        "suppressed_cells": est.suppressed_cells if est is not None else None,
        "memory": mem,
        "sanity": {name: round(float(np.nanmax(s.values())), 2) for name, s in surfaces.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("demo", "city", "all"), default="all")
    parser.add_argument("--pois", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", choices=("demo", "city"))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if args.child:
        write_json(args.json, child(args.child, args.pois, args.repeats, args.seed))
        return
    cases = ("demo", "city") if args.case == "all" else (args.case,)
    result = {"benchmark": "rasters", "cases": {}}
    for case in cases:
        out = run_child("bench_rasters.py", ["--child", case, "--pois", str(args.pois),
                                             "--repeats", str(args.repeats),
                                             "--seed", str(args.seed)], timeout=1800)
        result["cases"][case] = out
        if "error" in out:
            result["error"] = f"{case}: {out['error']}"
    record(result, args.json or RESULTS / "rasters.json")


if __name__ == "__main__":
    main()
