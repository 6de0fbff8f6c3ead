"""Batch runs: ``wijkkracht batch CONFIG`` analyses many areas from one TOML configuration.

A unit of work is one area (e.g. a CBS buurt): the streets, POIs and BAG are read once (per
worker process), clipped to the area buffered by ``areas.buffer`` metres, and analysed with the
area polygon as the study area. Each area's result goes to ``<out>/areas/<code>.gpkg`` and a
"done" record ``<out>/areas/<code>.json`` holding a hash of the area's inputs and parameters,
both written atomically (the record after the GeoPackage). A re-run skips the areas whose record
matches; a killed run resumes where it stopped. A failed area is reported on one line and the
others go on. When every area is done, all per-area streets (with an ``area_code`` column) and
area summaries are merged into ``<out>/<name>.gpkg`` (layers ``streets`` and ``areas``) with
provenance metadata (``WIJKKRACHT_BATCH``: tool version, input files with sizes and
modification times, parameters).

The opportunity types are clustered per area: ``type_id`` compares streets within one area.
See ``examples/batch.toml`` for a commented configuration.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .core.errors import InputError, WijkkrachtError

__all__ = ["BatchConfig", "load_config", "run_batch", "add_batch_parser", "run_batch_cli"]

log = logging.getLogger("wijkkracht")

#: Known keys per section; None = the top level.
_SCHEMA: dict[str | None, dict[str, type | tuple[type, ...]]] = {
    None: {"name": str, "out": str, "lang": str, "areas": dict, "data": dict, "analysis": dict},
    "areas": {"file": str, "layer": str, "codes": list, "gemeente": str, "buffer": (int, float)},
    "data": {"streets": str, "streets_layer": str, "pois": str, "pois_layer": str, "bag": str,
             "bag_layer": str, "bag_snapshot_date": str, "establishments": str,
             "mapping": str},
    "analysis": {"k": int, "k_range": list, "contiguous": bool, "seed": int,
                 "snap_distance": (int, float), "privacy_threshold": int,
                 "reference_date": str},
}
_REQUIRED = {None: ("out", "areas", "data"), "areas": ("file",), "data": ("streets", "pois")}
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class BatchConfig:
    """A validated batch configuration; paths are absolute (resolved against the config)."""

    path: Path
    out: Path
    name: str = "wijkkracht"
    lang: str = "nl"
    areas_file: Path = Path()
    areas_layer: str | None = None
    codes: tuple[str, ...] = ()
    buffer: float = 800.0
    data: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)

    def inputs(self) -> dict[str, Path]:
        """The input files by role (areas, streets, pois, bag, establishments, mapping)."""
        files = {"areas": self.areas_file}
        for key in ("streets", "pois", "bag", "establishments", "mapping"):
            if self.data.get(key):
                files[key] = self.data[key]
        return files


def _err(path: Path, key: str, problem: str) -> InputError:
    return InputError(path, f"{key}: {problem}")


def _check_keys(path: Path, section: str | None, table: dict[str, Any]) -> None:
    known = _SCHEMA[section]
    prefix = f"{section}." if section else ""
    for key, value in table.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {prefix}{close[0]!r}?" if close else \
                f"; known keys: {', '.join(sorted(known))}"
            raise _err(path, f"{prefix}{key}", f"unknown key{hint}")
        want = known[key]
        ok = isinstance(value, want) and not (isinstance(value, bool) and want in (int, (int, float)))
        if not ok:
            names = " or ".join(t.__name__ for t in (want if isinstance(want, tuple) else (want,)))
            raise _err(path, f"{prefix}{key}", f"expected {names}, got {value!r}")
    for key in _REQUIRED.get(section, ()):
        if key not in table:
            raise _err(path, f"{prefix}{key}", "missing (required)")


def _file(cfg_dir: Path, cfg: Path, key: str, value: str) -> Path:
    p = (cfg_dir / value).resolve()
    if not p.exists():
        raise _err(cfg, key, f"{p} does not exist")
    return p


def load_config(path: str | Path) -> BatchConfig:
    """Read and validate a batch configuration (TOML).

    Raises
    ------
    InputError
        One line naming the file and the key that is wrong (an unknown key gets the closest
        known one suggested).
    """
    cfg = Path(path).resolve()
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise InputError(cfg, "batch configurations need Python 3.11+ (or the tomli "
                                  "package)") from None
    try:
        raw = tomllib.loads(cfg.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(cfg, "configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(cfg, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(cfg, f"not valid TOML: {exc}") from None
    _check_keys(cfg, None, raw)
    for section in ("areas", "data", "analysis"):
        _check_keys(cfg, section, raw.get(section, {}))
    base = cfg.parent
    name = raw.get("name", "wijkkracht")
    if not _NAME_RE.match(name) or name in (".", ".."):
        raise _err(cfg, "name", f"must be a plain file name (letters, digits, _ . -), got {name!r}")
    lang = raw.get("lang", "nl")
    if lang not in ("nl", "en"):
        raise _err(cfg, "lang", f"must be 'nl' or 'en', got {lang!r}")
    out = (base / raw["out"]).resolve()
    if out.exists() and not out.is_dir():
        raise _err(cfg, "out", f"{out} is not a folder")

    areas = raw["areas"]
    codes: list[str]
    if ("codes" in areas) == ("gemeente" in areas):
        raise _err(cfg, "areas.codes", "give either areas.codes or areas.gemeente (one of them)")
    if "codes" in areas:
        codes = areas["codes"]
        if not codes or not all(isinstance(c, str) and re.fullmatch(r"[A-Za-z0-9]+", c)
                                for c in codes):
            raise _err(cfg, "areas.codes", f"expected a non-empty list of area codes, got {codes!r}")
        if len({c.upper() for c in codes}) != len(codes):
            raise _err(cfg, "areas.codes", "a code is listed twice")
        codes = [c.upper() for c in codes]
    else:
        gm = areas["gemeente"].upper()
        if not re.fullmatch(r"GM\d{4}", gm):
            raise _err(cfg, "areas.gemeente", f"expected a gemeente code like 'GM0344', got {gm!r}")
        codes = [f"BU{gm[2:]}*"]
    buffer = float(areas.get("buffer", 800.0))
    if not 0 <= buffer <= 10_000:
        raise _err(cfg, "areas.buffer", f"expected metres between 0 and 10000, got {buffer}")

    data: dict[str, Any] = {}
    for key, value in raw["data"].items():
        plain = key.endswith("_layer") or key == "bag_snapshot_date"
        data[key] = value if plain else _file(base, cfg, f"data.{key}", value)
    if "establishments" in data and "bag" not in data:
        raise _err(cfg, "data.establishments", "needs data.bag (establishments are placed on "
                                               "BAG addresses)")
    if "mapping" in data and "establishments" not in data:
        raise _err(cfg, "data.mapping", "needs data.establishments")
    for key in ("bag_layer", "bag_snapshot_date"):
        if key in data and "bag" not in data:
            raise _err(cfg, f"data.{key}", "needs data.bag")
    if "bag_snapshot_date" in data and not _DATE_RE.match(data["bag_snapshot_date"]):
        raise _err(cfg, "data.bag_snapshot_date",
                   f"expected YYYY-MM-DD, got {data['bag_snapshot_date']!r}")

    an = dict(raw.get("analysis", {}))
    if "k" in an and not 2 <= an["k"] <= 20:
        raise _err(cfg, "analysis.k", f"expected 2 to 20 types, got {an['k']}")
    if "k_range" in an:
        kr = an["k_range"]
        if not (len(kr) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in kr)
                and 2 <= kr[0] <= kr[1] <= 20):
            raise _err(cfg, "analysis.k_range", f"expected [min, max] with 2 <= min <= max <= 20, "
                                                f"got {kr!r}")
    if an.get("privacy_threshold", 3) < 1:
        raise _err(cfg, "analysis.privacy_threshold",
                   f"must be at least 1, got {an['privacy_threshold']}")
    if "snap_distance" in an and not an["snap_distance"] > 0:
        raise _err(cfg, "analysis.snap_distance", f"must be positive, got {an['snap_distance']}")
    if "reference_date" in an:
        if not _DATE_RE.match(an["reference_date"]):
            raise _err(cfg, "analysis.reference_date",
                       f"expected YYYY-MM-DD, got {an['reference_date']!r}")
        if "establishments" not in data:
            raise _err(cfg, "analysis.reference_date", "needs data.establishments")
    return BatchConfig(path=cfg, out=out, name=name, lang=lang,
                       areas_file=_file(base, cfg, "areas.file", areas["file"]),
                       areas_layer=areas.get("layer"), codes=tuple(codes), buffer=buffer,
                       data=data, analysis=an)


def _fingerprint(p: Path) -> dict[str, Any]:
    st = p.stat()
    return {"name": p.name, "path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _parameters(cfg: BatchConfig) -> dict[str, Any]:
    return {"analysis": cfg.analysis, "buffer": cfg.buffer, "lang": cfg.lang,
            "layers": {k: v for k, v in cfg.data.items() if k.endswith("_layer")},
            "bag_snapshot_date": cfg.data.get("bag_snapshot_date"),
            "areas_layer": cfg.areas_layer}


def _area_hash(cfg: BatchConfig, code: str, geom_wkb: bytes) -> str:
    payload = {
        "version": __version__,
        "inputs": {role: {k: v for k, v in _fingerprint(p).items() if k != "path"}
                   for role, p in cfg.inputs().items()},
        "parameters": _parameters(cfg),
        "area": code,
        "geometry": hashlib.sha256(geom_wkb).hexdigest(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- the work of one process: inputs read once, an area at a time --------------------------

_INPUTS: dict[str, Any] = {}


def _load_inputs(cfg: BatchConfig) -> None:
    """Read the streets, POIs, BAG and establishments once into this process."""
    from .data_sources.files import read_pois, read_streets

    d = cfg.data
    _INPUTS.clear()
    _INPUTS["streets"] = read_streets(d["streets"], layer=d.get("streets_layer"))
    _INPUTS["pois"] = read_pois(d["pois"], layer=d.get("pois_layer"))
    if "bag" in d:
        from .data_sources.bag import read_bag_gpkg, read_bag_lv

        path = d["bag"]
        if path.is_dir() or path.suffix.lower() in (".zip", ".xml"):
            _INPUTS["bag"] = read_bag_lv(path)
        else:
            _INPUTS["bag"] = read_bag_gpkg(path, layer=d.get("bag_layer", "verblijfsobject"),
                                           snapshot_date=d.get("bag_snapshot_date"))
        if "establishments" in d:
            from .data_sources.establishments import establishments_on_bag, read_establishments

            read = read_establishments(d["establishments"], mapping=d.get("mapping"))
            placed = establishments_on_bag(read, _INPUTS["bag"])
            _INPUTS["establishments"] = placed.matched
            _INPUTS["establishment_counts"] = {**placed.counts,
                                               "match_rate": round(float(placed.match_rate), 4)}
    _INPUTS["key"] = _inputs_key(cfg)


def _inputs_key(cfg: BatchConfig) -> tuple[Any, ...]:
    """What the inputs in memory were read from: the configuration and the files' stats."""
    return (cfg, tuple(sorted((role, p.stat().st_size, p.stat().st_mtime_ns)
                              for role, p in cfg.inputs().items())))


def _clip(frame: Any, geom: Any) -> Any:
    idx = frame.sindex.query(geom, predicate="intersects")
    out = frame.iloc[sorted(idx)].copy()
    out.attrs = dict(frame.attrs)
    return out


def _run_area(cfg: BatchConfig, code: str, area_row: Any, digest: str) -> tuple[str, str | None]:
    """Analyse one area and write its GeoPackage and done record; (code, error or None)."""
    try:
        if _INPUTS.get("key") != _inputs_key(cfg):
            _load_inputs(cfg)
        import geopandas as gpd

        from .core.pipeline import analyse
        from .output.atomic import write_atomically
        from .output.gpkg import write_gpkg

        area = gpd.GeoDataFrame(area_row, geometry="geometry", crs="EPSG:28992")
        geom = area.geometry.union_all()
        buffered = geom.buffer(cfg.buffer)
        an = cfg.analysis
        kwargs: dict[str, Any] = {
            "k": an.get("k"), "k_range": tuple(an.get("k_range", (3, 8))),
            "contiguous": an.get("contiguous", False), "random_state": an.get("seed", 0),
            "snap_distance": float(an.get("snap_distance", 150.0)), "areas": area,
            "sources": [{"name": f"{role}: {p.name}", "path": str(p)}
                        for role, p in cfg.inputs().items()],
        }
        if "bag" in _INPUTS:
            kwargs["bag"] = _clip(_INPUTS["bag"], buffered)
            kwargs["privacy_threshold"] = an.get("privacy_threshold", 3)
            if "establishments" in _INPUTS:
                kwargs["establishments"] = _clip(_INPUTS["establishments"], buffered)
                kwargs["reference_date"] = an.get("reference_date")
        study = gpd.GeoDataFrame({"name": list(area["area_name"])}, geometry=[geom],
                                 crs="EPSG:28992").iloc[:1]
        result = analyse(_clip(_INPUTS["streets"], buffered), _clip(_INPUTS["pois"], buffered),
                         study, **kwargs)
        folder = cfg.out / "areas"
        write_gpkg(result, folder / f"{code}.gpkg", lang=cfg.lang)
        record = {"area_code": code, "hash": digest, "version": __version__,
                  "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "segments": len(result.streets),
                  "bag_snapshot_date": (_INPUTS["bag"].attrs.get("bag", {}).get("snapshot_date")
                                        if "bag" in _INPUTS else None),
                  "establishments": _INPUTS.get("establishment_counts")}
        write_atomically(folder / f"{code}.json",
                         lambda tmp: tmp.write_text(json.dumps(record, indent=1), encoding="utf-8"))
        return code, None
    except Exception as exc:  # noqa: BLE001 - one area's failure is reported, the rest go on
        msg = str(exc).splitlines()[0] if str(exc) else ""
        return code, f"{type(exc).__name__}: {msg}" if not isinstance(exc, WijkkrachtError) else msg


def _init_worker(cfg: BatchConfig) -> None:
    logging.getLogger("wijkkracht").setLevel(logging.ERROR)
    try:
        _load_inputs(cfg)
    except Exception:  # noqa: BLE001 - an initializer that raises breaks the whole pool;
        _INPUTS.clear()  # the first area of this worker reads again and reports the error


_TEMPORARY = re.compile(r"^\.[A-Za-z0-9_.-]+\.(gpkg|json)\.[0-9a-f]{8}\.tmp\.(gpkg|json)"
                        r"(-journal|-wal|-shm|\.aux\.xml)?$")


def _remove_stale_temporaries(cfg: BatchConfig) -> None:
    """Remove the temporary files a killed run left (``.<file>.<hex>.tmp.<ext>``).

    Two runs must not share an output folder at the same time: one would remove the other's.
    """
    for folder in (cfg.out, cfg.out / "areas"):
        for p in folder.iterdir():
            if _TEMPORARY.match(p.name) and p.is_file():
                p.unlink(missing_ok=True)


def _is_done(folder: Path, code: str, digest: str) -> bool:
    rec, gpkg = folder / f"{code}.json", folder / f"{code}.gpkg"
    if not (rec.is_file() and gpkg.is_file()):
        return False
    try:
        return json.loads(rec.read_text(encoding="utf-8")).get("hash") == digest
    except (OSError, ValueError):
        return False


@dataclass
class BatchSummary:
    """What :func:`run_batch` did."""

    done: list[str]
    skipped: list[str]
    failed: dict[str, str]
    merged: Path | None


def run_batch(cfg: BatchConfig, *, workers: int = 1,
              say: Callable[[str], None] = lambda s: None) -> BatchSummary:
    """Run every area of ``cfg`` not done yet, then merge; see the module docstring."""
    from .data_sources.areas import read_areas

    if workers < 1:
        raise InputError(None, f"--workers must be at least 1, got {workers}")
    areas = read_areas(cfg.areas_file, layer=cfg.areas_layer, codes=list(cfg.codes))
    areas = areas.sort_values("area_code").reset_index(drop=True)
    folder = cfg.out / "areas"
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(cfg)
    todo, skipped, hashes = [], [], {}
    for i in range(len(areas)):
        row = areas.iloc[[i]]
        code = str(row["area_code"].iloc[0])
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", code):
            raise InputError(cfg.areas_file, f"area code {code!r} cannot be a file name")
        hashes[code] = _area_hash(cfg, code, row.geometry.iloc[0].wkb)
        if _is_done(folder, code, hashes[code]):
            skipped.append(code)
        else:
            todo.append((code, row))
    say(f"{len(areas)} areas: {len(skipped)} done before, {len(todo)} to do")
    done: list[str] = []
    failed: dict[str, str] = {}
    t0 = time.perf_counter()

    def report(code: str, error: str | None) -> None:
        if error is None:
            done.append(code)
        else:
            failed[code] = error
            print(f"wijkkracht: area {code} failed: {error}", file=sys.stderr, flush=True)
        n = len(done) + len(failed)
        eta = (time.perf_counter() - t0) / n * (len(todo) - n)
        say(f"[{n}/{len(todo)}] {code} {'done' if error is None else 'FAILED'}"
            f" ({len(failed)} failed, {len(todo) - n} remaining, ETA {eta:.0f} s)")

    if todo and workers == 1:
        _load_inputs(cfg)  # an unreadable input is an error of the run, not of every area
        try:
            for code, row in todo:
                report(*_run_area(cfg, code, row, hashes[code]))
        finally:
            _INPUTS.clear()  # the inputs are not kept in memory after the run
    elif todo:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(cfg,)) as pool:
            futures = {pool.submit(_run_area, cfg, code, row, hashes[code]): code
                       for code, row in todo}
            for fut in as_completed(futures):
                try:
                    report(*fut.result())
                except Exception as exc:  # noqa: BLE001 - e.g. a worker process killed
                    report(futures[fut], f"{type(exc).__name__}: {exc}")
    merged = None
    if not failed:
        merged = cfg.out / f"{cfg.name}.gpkg"
        if done or _merged_hashes(merged) != hashes:
            _merge(cfg, list(areas["area_code"]), hashes)
            say(f"merged: {merged}")
        else:
            say(f"merged output up to date: {merged}")
    return BatchSummary(done=done, skipped=skipped, failed=failed, merged=merged)


def _merged_hashes(path: Path) -> dict[str, str] | None:
    """The area hashes recorded in a merged GeoPackage (None: no such file or no record)."""
    import pyogrio

    if not path.is_file():
        return None
    try:
        meta = pyogrio.read_info(path, layer="streets").get("dataset_metadata") or {}
        return json.loads(meta["WIJKKRACHT_BATCH"]).get("areas")
    except Exception:  # noqa: BLE001 - unreadable or foreign: merge again
        return None


def _merge(cfg: BatchConfig, codes: list[str], hashes: dict[str, str]) -> Path:
    """Merge the per-area streets and area summaries into ``<out>/<name>.gpkg`` atomically."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from .core.areas import assign_segments
    from .output.atomic import write_atomically

    folder = cfg.out / "areas"
    streets, summaries = [], []
    snapshots: set[str] = set()
    establishments = None
    for code in codes:
        path = folder / f"{code}.gpkg"
        record = json.loads((folder / f"{code}.json").read_text(encoding="utf-8"))
        if record.get("bag_snapshot_date"):
            snapshots.add(str(record["bag_snapshot_date"]))
        establishments = record.get("establishments") or establishments
        s = pyogrio.read_dataframe(path, layer="streets")
        summary = pyogrio.read_dataframe(path, layer="areas")
        # a segment on the border belongs to the area holding its midpoint (as in the summary)
        s = s[assign_segments(s, summary) >= 0].copy()
        s.insert(0, "area_code", code)
        streets.append(s)
        summaries.append(summary)
    st = gpd.GeoDataFrame(pd.concat(streets, ignore_index=True), geometry="geometry",
                          crs="EPSG:28992")
    ar = gpd.GeoDataFrame(pd.concat(summaries, ignore_index=True), geometry="geometry",
                          crs="EPSG:28992")
    provenance = {
        "tool": "wijkkracht", "version": __version__, "config": str(cfg.path),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": {role: {**_fingerprint(p), "modified": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(p.stat().st_mtime))}
            for role, p in cfg.inputs().items()},
        "bag_snapshot_dates": sorted(snapshots),
        "establishments": establishments,
        "parameters": _parameters(cfg), "areas": {c: hashes[c] for c in codes},
        "note": "opportunity types (type_id) are clustered per area",
    }
    meta = {"WIJKKRACHT_BATCH": json.dumps(provenance, sort_keys=True, default=str)}

    def write(tmp: Path) -> None:
        pyogrio.write_dataframe(st, tmp, layer="streets", driver="GPKG", dataset_metadata=meta)
        pyogrio.write_dataframe(ar, tmp, layer="areas", driver="GPKG", append=True)

    return write_atomically(cfg.out / f"{cfg.name}.gpkg", write)


def add_batch_parser(sub: Any) -> None:
    """Register ``wijkkracht batch CONFIG [--workers N]``."""
    p = sub.add_parser("batch", help="run many areas from a TOML configuration (resumable)",
                       description="Run the analysis area by area from a TOML configuration "
                                   "(see examples/batch.toml); finished areas are skipped on a "
                                   "re-run, and all areas are merged into one GeoPackage.")
    p.add_argument("config", type=Path, metavar="CONFIG", help="the TOML configuration")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="areas analysed in parallel processes (default: 1)")
    verbosity = p.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0, help="more output")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")


def run_batch_cli(args: argparse.Namespace) -> int:
    """The ``batch`` command: 0 all areas done and merged, 1 an input error or failed areas."""
    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    try:
        cfg = load_config(args.config)
        summary = run_batch(cfg, workers=args.workers, say=say)
    except WijkkrachtError as exc:
        print(f"wijkkracht: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wijkkracht: interrupted; finished areas are kept, run again to resume",
              file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line
        print(f"wijkkracht: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    if summary.failed:
        print(f"wijkkracht: error: {len(summary.failed)} area(s) failed "
              f"({', '.join(sorted(summary.failed))}); merged output not written; run again to "
              "retry them", file=sys.stderr)
        return 1
    return 0
