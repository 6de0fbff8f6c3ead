"""Instruction counts (valgrind callgrind) of three workloads, for before/after comparisons.

    python benchmarks/instructions.py [--tree DIR] [--json PATH]

Wall-clock times on this shared 2-core machine move by 20-40 % between runs of the same code
(see the paired runs in benchmarks/README.md), which hides a 10 % change. ``callgrind``
counts the instructions executed instead: the same for the same code and input, whatever
else the machine does. Each workload runs twice under callgrind, once only up to its set-up
and once with the work, and the difference is the work's count:

``demo``
    ``wijkkracht demo`` end to end (imports, the analysis with its SYNTHETIC layers, the
    GeoPackage and the map): the whole count, no set-up subtracted.
``grid``
    ``build_network`` + ``locate_points`` + ``proximity`` + ``mixed_use`` on the 20,000-node
    SYNTHETIC grid of ``synthetic.py``, with the same 4,000 POI classes for every tree
    (``--pois``, a GeoParquet written by the first run).
``kanaleneiland``
    five calls of ``bench_cityseer._ours`` (placement, proximity, mixed use) on the demo's
    network and amenities as that tree prepares them.

``--tree DIR`` measures another checkout of wijkkracht (e.g. ``git worktree add /tmp/old
<commit>``): it is imported as ``wijkkracht`` through a link in a temporary folder put first
on ``PYTHONPATH``. Needs ``valgrind`` (Debian package); each workload takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_GRID = """
import sys
sys.path.insert(0, {bench!r})
import _util  # noqa: F401
import geopandas as gpd
from synthetic import synthetic_streets
from wijkkracht.core.network import build_network, locate_points
from wijkkracht.core.indicators.proximity import proximity
from wijkkracht.core.indicators.mixed_use import mixed_use
streets = synthetic_streets(20_000)
pois = gpd.read_parquet({pois!r})
if {work!r}:
    network = build_network(streets)
    loc = locate_points(network, pois.geometry)
    placed = pois[["everyday", "function"]].copy()
    placed["segment_id"] = loc["segment_id"].to_numpy()
    placed["offset_m"] = loc["offset_m"].to_numpy()
    proximity(network, placed)
    mixed_use(network, placed)
"""

_KANALENEILAND = """
import sys
sys.path.insert(0, {bench!r})
import _util  # noqa: F401
from bench_cityseer import _ours
from wijkkracht.demo import prepare_demo
network, pois, _ = prepare_demo()
rel = pois[(pois["function"] != "") | (pois["everyday"] != "")]
if "counted" in rel:
    rel = rel[rel["counted"]]
rel = rel.copy()
if {work!r}:
    for _ in range(5):
        _ours(network, rel)
"""


def _count(argv: list[str], env: dict[str, str], out: Path) -> int:
    """Instructions executed by ``argv`` under callgrind."""
    log = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                         env=env, capture_output=True, text=True, check=False).stderr
    found = re.search(r"Collected : (\d+)", log)
    if not found:
        raise SystemExit(f"callgrind gave no count for {argv}:\n{log[-2000:]}")
    return int(found.group(1))


def _pois(path: Path, env: dict[str, str]) -> None:
    """The POI classes of the grid workload (4,000 of a 200k-node grid's), once for all trees."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import _util\n"
            "from synthetic import synthetic_streets, synthetic_pois, kanaleneiland_profile\n"
            "s = synthetic_streets(20_000)\n"
            "p = synthetic_pois(s, kanaleneiland_profile(), seed=0).iloc[:4000]\n"
            f"p[['everyday', 'function', 'geometry']].to_parquet({str(path)!r})\n")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=HERE.parent,
                        help="the wijkkracht checkout to measure (default: this one)")
    parser.add_argument("--pois", type=Path, default=Path(tempfile.gettempdir())
                        / "wijkkracht_instructions_pois.parquet")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tree = args.tree.resolve()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / "pkg"
        link.mkdir()
        (link / "wijkkracht").symlink_to(tree)
        env["PYTHONPATH"] = str(link) + os.pathsep + env.get("PYTHONPATH", "")
        if not args.pois.exists():
            _pois(args.pois, env)
        bench = str(tree / "benchmarks")
        result: dict[str, object] = {"tree": str(tree)}
        out = Path(tmp) / "callgrind.out"
        result["demo"] = _count([sys.executable, "-m", "wijkkracht", "demo", "--out",
                                 str(Path(tmp) / "demo"), "-q"], env, out)
        for name, template in (("grid", _GRID), ("kanaleneiland", _KANALENEILAND)):
            counts = {}
            for work in (False, True):
                script = Path(tmp) / f"{name}_{work}.py"
                script.write_text(template.format(bench=bench, pois=str(args.pois), work=work),
                                  encoding="utf-8")
                counts[work] = _count([sys.executable, str(script)], env, out)
            result[name] = counts[True] - counts[False]
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
