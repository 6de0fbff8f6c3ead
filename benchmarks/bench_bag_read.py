"""Read one neighbourhood from a large BAG GeoPackage without loading the file.

Requirement (issue 4): the BAG GeoPackage reader streams by bbox/area — it must not load the
national file (~10 M verblijfsobjecten, ~7 GB) into memory to read one neighbourhood.

1. ``--make`` (a child process, *not timed*): a SYNTHETIC BAG GeoPackage in PDOK's layout
   (layer ``verblijfsobject``) with about ``--addresses`` units, made by
   :func:`wijkkracht.data_sources.synthetic.generate_synthetic` (Kanaleneiland repeated in
   tiles) — kept in ``--workdir`` and reused when it is already there.
2. ``--child`` (a fresh process, so that its peak resident set size belongs to the read
   alone): :func:`~wijkkracht.data_sources.bag.read_bag_gpkg` with the bounding box of the
   study area of the first tile (the real Kanaleneiland), three times; reports wall time, the
   rows read against the rows in the file, the file size, and the process's RSS before and at
   peak.

The check: the peak RSS of the read stays a small fraction of what loading the whole layer
would take (the full layer's size is estimated from the rows read), and the time does not
grow with the file (compare ``--addresses 200000`` with the default).
"""

from __future__ import annotations

import _util  # noqa: F401

import argparse  # noqa: E402
import sys  # noqa: E402
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


def make(path: Path, addresses: int, seed: int) -> dict:
    import pyogrio

    from wijkkracht.data_sources.synthetic import SYNTHETIC_NOTICE, demo_base, generate_synthetic

    base = demo_base()
    probe = generate_synthetic(seed=seed, scale=1.0, base=base, establishments_per_address=0.0)
    scale = addresses / len(probe.verblijfsobjecten)
    data = generate_synthetic(seed=seed, scale=scale, base=base, establishments_per_address=0.0)
    vbo = data.verblijfsobjecten
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    meta = {"DESCRIPTION": SYNTHETIC_NOTICE}
    with Timer() as t:
        pyogrio.write_dataframe(vbo, tmp, layer="verblijfsobject", driver="GPKG",
                                layer_metadata=meta)
    tmp.replace(path)
    return {"rows": len(vbo), "scale": round(scale, 3), "write_s": round(t.wall, 1)}


def child(path: Path, repeat: int) -> dict:
    import pyogrio

    from wijkkracht.demo import demo_data_path
    from wijkkracht.data_sources.bag import read_bag_gpkg
    from wijkkracht.data_sources.files import read_area

    area = read_area(demo_data_path(), layer="study_area")
    bbox = tuple(float(v) for v in area.total_bounds)
    info = pyogrio.read_info(path, layer="verblijfsobject")
    rss_before = current_rss_mb()
    times = []
    rows = 0
    for _ in range(repeat):
        with Timer() as t:
            units = read_bag_gpkg(path, bbox=bbox)
        times.append(round(t.wall, 3))
        rows = len(units)
    peak = peak_rss_mb()
    file_mb = path.stat().st_size / 1e6
    return {
        "benchmark": "bag_gpkg_read_one_neighbourhood",
        "file_rows": int(info["features"]),
        "file_mb": round(file_mb, 1),
        "bbox": [round(v) for v in bbox],
        "rows_read": rows,
        "read_s": times,
        "read_s_best": min(times),
        "rss_before_read_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_minus_before_mb": round(peak - rss_before, 1),
        "target": "the read does not scale with the file: peak RSS far below the file size",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/wijkkracht-bench",
                        help="where the synthetic BAG GeoPackage is kept (reused)")
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the result here (default: "
                                       "benchmarks/results/bag_read.json and stdout)")
    args = parser.parse_args()
    path = Path(args.workdir) / f"bag_synthetic_{args.addresses}_{args.seed}.gpkg"
    if args.make:
        write_json(args.json, make(path, args.addresses, args.seed))
        return
    if args.child:
        write_json(args.json, child(path, args.repeat))
        return
    made = None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        made = run_child(Path(__file__).name, ["--make", "--addresses", str(args.addresses),
                                               "--seed", str(args.seed),
                                               "--workdir", args.workdir], timeout=1800)
        if "error" in made:
            write_json(None, made)
            sys.exit(1)
    result = run_child(Path(__file__).name, ["--child", "--addresses", str(args.addresses),
                                             "--seed", str(args.seed), "--repeat",
                                             str(args.repeat), "--workdir", args.workdir],
                       timeout=600)
    if made is not None:
        result["made"] = made
    record(result, args.json or str(RESULTS / "bag_read.json"))


if __name__ == "__main__":
    main()
