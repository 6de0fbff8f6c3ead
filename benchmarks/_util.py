"""Shared helpers of the benchmark scripts (not part of the wijkkracht package API).

Import this module FIRST in every benchmark script: :func:`pin_threads` runs at import time
and must set the thread variables before numpy, scipy or cityseer are imported.
"""

from __future__ import annotations

import os

THREAD_VARS = ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def pin_threads() -> None:
    """Single thread everywhere (cityseer's Rust core uses rayon; BLAS pools)."""
    for var in THREAD_VARS:
        os.environ[var] = "1"
    os.environ["CITYSEER_QUIET_MODE"] = "1"  # no progress bars / INFO logging from cityseer


pin_threads()

import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PYTHON = sys.executable


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB; Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """Current resident set size of this process (MB), from /proc."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return float("nan")


class Timer:
    """``with Timer() as t: ...`` -> ``t.wall``, ``t.cpu`` (seconds; cpu = all threads)."""

    def __enter__(self) -> Timer:
        self._w = time.perf_counter()
        self._c = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


def summary(values: list[float]) -> dict:
    """Median, best (min), worst (max) and all values, rounded to 0.1 ms."""
    return {
        "median": round(statistics.median(values), 4),
        "best": round(min(values), 4),
        "worst": round(max(values), 4),
        "n": len(values),
        "all": [round(v, 4) for v in values],
    }


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def uptime_text() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict:
    """CPU count, versions and load, for the results file."""
    import numpy
    import scipy

    info = {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "mem_total_gb": _mem_total_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "load_average_1_5_15": load_average(),
        "uptime": uptime_text(),
        "thread_env": {v: os.environ.get(v) for v in THREAD_VARS},
    }
    for mod in ("shapely", "geopandas", "pandas"):
        try:
            info[mod] = __import__(mod).__version__
        except ImportError:  # pragma: no cover
            pass
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("wijkkracht", "cityseer"):
        try:
            info[dist] = version(dist)
        except PackageNotFoundError:
            info[dist] = None
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def run_child(script: str, args: list[str], *, timeout: float | None = None) -> dict:
    """Run ``benchmarks/<script>`` in a fresh interpreter; it writes its result as JSON to
    the file given by ``--json``. Returns that dict, or ``{"error": ...}``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wk-bench-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [PYTHON, str(HERE / script), *args, "--json", str(out)]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout} s", "cmd": cmd}
        if proc.returncode != 0 or not out.exists():
            return {"error": f"exit code {proc.returncode}", "cmd": cmd,
                    "stderr_tail": proc.stderr[-3000:]}
        result = json.loads(out.read_text(encoding="utf-8"))
        result.setdefault("child_wall_s", round(time.perf_counter() - t0, 2))
        return result


def record(result: dict, out: str | Path) -> None:
    """Add the machine facts to ``result``, write it to ``out`` and print it (without them);
    exit 1 when the run failed (``"error"`` in ``result``)."""
    result["machine"] = machine_info()
    write_json(out, result)
    write_json(None, {k: v for k, v in result.items() if k != "machine"})
    if "error" in result:
        sys.exit(1)


def write_json(path: str | Path | None, data: dict) -> None:
    text = json.dumps(data, indent=2, default=_json_default)
    if path:
        Path(path).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj)}")
