"""Compare two output folders of ``wijkkracht demo --report --rasters`` (issue 16: the
refactoring keeps behaviour): every GeoPackage table row by row, the map and the report
as text, the rasters' pixels, the QML styles as text; timestamps, durations and the tool's
own temporary names masked.

    python benchmarks/compare_outputs.py BEFORE_DIR AFTER_DIR

Exit 0 when equal, 1 with the differences listed.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

_MASKS = [
    (re.compile(r"(&quot;|\")timings_s(&quot;|\"): \{.*?\}"), "<timings>"),
    (re.compile(r"(&quot;|\")total_s(&quot;|\"): [0-9.e-]+"), "<total>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"),
     "<time>"),
    (re.compile(r'"(total_s|seconds|[a-z_:]*_s)": [0-9.e-]+'), r'"\1": <s>'),
    (re.compile(r"\d+([.,]\d+)? s\b"), "<s> s"),
]
_VOLATILE = {"created", "timings_s", "total_s"}


def _mask(text: str) -> str:
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return text


def _strip(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _metadata_text(text: str) -> str:
    try:
        return json.dumps(_strip(json.loads(text)), sort_keys=False)
    except (json.JSONDecodeError, TypeError):
        return _mask(text)


def _gpkg(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'rtree_%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for t in tables:
            rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
            if t in ("gpkg_contents", "gpkg_metadata", "gpkg_metadata_reference",
                     "layer_styles"):
                rows = [tuple(_mask(v) if isinstance(v, str) else v for v in r) for r in rows]
            out[t] = rows
        return out
    finally:
        con.close()


def compare(before: Path, after: Path) -> list[str]:
    problems = []
    names_a = sorted(p.name for p in before.iterdir())
    names_b = sorted(p.name for p in after.iterdir())
    if names_a != names_b:
        problems.append(f"files differ: {sorted(set(names_a) ^ set(names_b))}")
    for name in sorted(set(names_a) & set(names_b)):
        a, b = before / name, after / name
        if name.endswith(".gpkg"):
            ta, tb = _gpkg(a), _gpkg(b)
            for t in sorted(set(ta) | set(tb)):
                if ta.get(t) != tb.get(t):
                    ra, rb = ta.get(t) or [], tb.get(t) or []
                    first = next((i for i, (x, y) in enumerate(zip(ra, rb, strict=False)) if x != y),
                                 min(len(ra), len(rb)))
                    problems.append(f"{name}: table {t} differs ({len(ra)} vs {len(rb)} rows; "
                                    f"first at row {first})")
        elif name.endswith(".tif"):
            import numpy as np
            import rasterio

            with rasterio.open(a) as ra, rasterio.open(b) as rb:
                if not np.array_equal(ra.read(), rb.read(), equal_nan=True):
                    problems.append(f"{name}: pixels differ")
        else:
            xa = _mask(a.read_text(encoding="utf-8", errors="replace"))
            xb = _mask(b.read_text(encoding="utf-8", errors="replace"))
            if xa != xb:
                i = next((i for i, (x, y) in enumerate(zip(xa, xb, strict=False)) if x != y),
                         min(len(xa), len(xb)))
                problems.append(f"{name}: text differs at {i}: {xa[max(0, i - 80):i + 80]!r} "
                                f"vs {xb[max(0, i - 80):i + 80]!r}")
    return problems


def main() -> None:
    problems = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    for p in problems:
        print(p)
    print("equal" if not problems else f"{len(problems)} difference(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
