"""A batch as one analysis: partitions computed whole, each segment once (issue 20).

``[engine] unit = "partition"`` makes the unit of work of :mod:`wijkkracht.batch` a whole
partition instead of one area: the buurten of one gemeente (from their CBS code; other areas:
a 10 km tile). A partition is analysed once, over its streets, POIs, BAG and establishments
within a *halo* around it (:func:`halo_m`: at least the largest radius or cut-off in use), with
the partition's union as the study area, and keeps exactly the segments it *owns*:

* a segment belongs to the area holding its midpoint; a midpoint on a border between two
  areas belongs to the one whose code sorts first, in every partition alike (the areas of the
  partition and its neighbours are ordered by code before
  :func:`wijkkracht.core.areas.assign_segments`), so every segment of the run is computed
  in exactly one partition and carries one owning ``area_code``;
* every indicator of an owned segment sees what lies up to the halo beyond the partition's
  border, so it equals the value of a single run over the whole country wherever its reach
  (the radii, the Huff cut-off twice: a shop's customers and their other shops) ends within
  the halo;
* the area summaries (``areas`` layer) are those of the partition's analysis for its own
  areas, i.e. the summaries of their own segments.

One typology for the run: before the partitions, a seeded sample of them (spread over the
country in Hilbert order) is analysed, one :class:`~wijkkracht.core.typology.TypologyModel`
is fitted on their segments with the configuration's typology options (the rules, or k-means
with ``k``/``k_range``) and written as ``<out>/<name>_typology_model.json``; every partition
then gets its types from that model, so a type means the same in every buurt. A model given
as ``analysis.typology_model`` is used as it is.

Resumable per partition: ``<out>/partitions/<key>.gpkg`` (layers ``streets``, owned segments
with ``area_code``, and ``areas``) and the record ``<key>.json`` with the partition's hash,
both written atomically; a re-run skips the partitions whose record matches. The merge streams
the partition files into ``<out>/<name>.gpkg`` as for areas.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["halo_m", "plan_whole_partitions", "partition_hash", "run_partition",
           "fit_run_model", "MODEL_PARTITIONS"]

#: The largest reach of the network indicators (m): proximity counts and mixed use within
#: 800 m (:data:`wijkkracht.core.indicators.proximity.PROXIMITY_RADII`).
_INDICATOR_REACH = 800.0
#: Partitions analysed to fit the run's typology model (at most; spread over the run).
MODEL_PARTITIONS = 8
#: Segments the model is fitted on (a seeded sample of the model partitions' own segments).
MODEL_SEGMENTS = 50_000


def halo_m(analysis: dict[str, Any], buffer: float) -> float:
    """The halo (m) around a partition: the configuration's ``areas.buffer``, but at least the
    largest radius in use (800 m for proximity and mixed use, ``hours_radius``) and, with
    spending flows, twice the Huff cut-off (a shop's customers live up to the cut-off away,
    and their choice depends on every shop up to the cut-off from them)."""
    from .core.options import OPTIONS

    reach = [float(buffer), _INDICATOR_REACH,
             float(analysis.get("hours_radius", OPTIONS["hours_radius"].default))]
    if analysis.get("spending"):
        reach.append(2.0 * float(analysis.get("huff_cutoff", OPTIONS["huff_cutoff"].default)))
    return max(reach)


def plan_whole_partitions(areas: Any, halo: float, tile: float = 10_000.0) -> list[Any]:
    """One partition per gemeente (its buurten or wijken, from their CBS codes; other areas:
    per ``tile``), in Hilbert order of their centres; ``bounds`` is the partition's extent
    grown by ``halo``."""
    from .batch import Partition, _group

    if len(areas) == 0:
        return []
    cent = areas.geometry.centroid
    groups: dict[str, list[int]] = {}
    for i, (code, x, y) in enumerate(zip(areas["area_code"], cent.x, cent.y, strict=True)):
        groups.setdefault(_group(str(code), x, y, tile), []).append(i)
    bounds = areas.geometry.bounds.to_numpy()
    parts = []
    for key, idx in groups.items():
        b = bounds[idx]
        parts.append(Partition(key=key, codes=tuple(sorted(str(areas["area_code"].iloc[i])
                                                           for i in idx)),
                               bounds=(float(b[:, 0].min() - halo), float(b[:, 1].min() - halo),
                                       float(b[:, 2].max() + halo),
                                       float(b[:, 3].max() + halo))))
    return _hilbert(parts)


def _hilbert(parts: list[Any]) -> list[Any]:
    """``parts`` in Hilbert order of their centres (neighbours run near each other)."""
    import geopandas as gpd
    import shapely

    if len(parts) < 2:
        return parts
    centres = gpd.GeoSeries([shapely.Point((p.bounds[0] + p.bounds[2]) / 2,
                                           (p.bounds[1] + p.bounds[3]) / 2) for p in parts])
    order = centres.hilbert_distance().to_numpy()
    return [parts[i] for i in sorted(range(len(parts)), key=lambda i: (order[i], parts[i].key))]


def partition_hash(run: dict[str, Any], part: Any, geoms_wkb: list[bytes], halo: float,
                   model: str | None) -> str:
    """The hash of one partition's work: the run's inputs and parameters (``run``), its areas
    and their geometries, the halo and the typology model's contents."""
    digest = hashlib.sha256()
    for wkb in geoms_wkb:
        digest.update(hashlib.sha256(wkb).digest())
    model_hash = (hashlib.sha256(Path(model).read_bytes()).hexdigest()
                  if model and Path(model).is_file() else None)
    payload = {**run, "partition": part.key, "areas": list(part.codes), "halo": halo,
               "geometries": digest.hexdigest(), "model": model_hash, "unit": "partition"}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _neighbourhood(areas_all: Any, part: Any) -> Any:
    """The partition's areas and those touching them, ordered by code (see the module doc)."""
    import shapely

    own = areas_all[areas_all["area_code"].isin(part.codes)]
    region = shapely.union_all(own.geometry.to_numpy())
    near = areas_all.iloc[sorted(areas_all.sindex.query(region.buffer(1.0),
                                                        predicate="intersects"))]
    return own, near.sort_values("area_code").reset_index(drop=True), region


def analyse_partition(cfg: Any, part: Any, areas_all: Any, data: dict[str, Any], halo: float,
                      model: str | None) -> tuple[Any, Any, Any]:
    """The analysis of one partition: (result, owned streets with ``area_code``, the own
    areas' summary rows)."""
    import geopandas as gpd
    import numpy as np

    from .batch import _add_euro_columns, _analysis_kwargs, _clip
    from .core.areas import assign_segments
    from .core.pipeline import analyse

    own, near, region = _neighbourhood(areas_all, part)
    grown = region.buffer(halo)
    kwargs: dict[str, Any] = {
        **_analysis_kwargs(cfg.analysis), "areas": near,
        "sources": [{"name": f"{role}: {p.name}", "path": str(p)}
                    for role, p in cfg.inputs().items()],
    }
    # the run's one model gives the types; without it (fitting that model) the rules do
    kwargs.pop("k", None)
    kwargs.pop("k_range", None)
    if model is not None:
        kwargs["typology_model"] = model
    if "bag" in data:
        kwargs["bag"] = _clip(data["bag"], grown)
        if "establishments" in data:
            kwargs["establishments"] = _clip(data["establishments"], grown)
    study = gpd.GeoDataFrame({"name": [part.key]}, geometry=[region], crs="EPSG:28992")
    result = analyse(_clip(data["streets"], grown), _clip(data["pois"], grown), study, **kwargs)
    _add_euro_columns(result)
    streets = result.streets
    pos = assign_segments(streets, near)
    codes = near["area_code"].astype(str).to_numpy()
    owner = np.where(pos >= 0, codes[np.maximum(pos, 0)], "")
    keep = np.isin(owner, list(part.codes))
    owned = streets.loc[keep].copy()
    owned.insert(0, "area_code", owner[keep].astype(object))
    summary = result.areas[result.areas["area_code"].astype(str).isin(part.codes)]
    return result, owned, summary.reset_index(drop=True)


def run_partition(cfg: Any, part: Any, areas_all: Any, digest: str, data: dict[str, Any],
                  halo: float, model: str | None, quiet: bool = False) -> dict[str, Any]:
    """Analyse one partition and write ``<out>/partitions/<key>.gpkg`` and its record; a
    failure is returned as one line (the other partitions go on). Returns ``{"code",
    "error", "seconds", "peak_mb", "worker", "segments"}``."""
    from .batch import _one_line, _peak_mb, _quiet, _release_memory
    from .output.atomic import write_atomically

    if quiet:
        _quiet()
    t0 = time.perf_counter()
    error, segments = None, 0
    try:
        result, owned, summary = analyse_partition(cfg, part, areas_all, data, halo, model)
        segments = len(owned)
        folder = cfg.out / "partitions"
        write_atomically(folder / f"{part.key}.gpkg",
                         lambda tmp: _write_part(tmp, owned, summary))
        record = {"partition": part.key, "areas": list(part.codes), "hash": digest,
                  "segments": segments, "halo_m": halo,
                  "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "bag_snapshot_date": (data["bag"].attrs.get("bag", {}).get("snapshot_date")
                                        if "bag" in data else None),
                  "hours_week": result.metadata.get("opening_hours", {}).get("week")}
        write_atomically(folder / f"{part.key}.json", lambda tmp: tmp.write_text(
            json.dumps(record, indent=1), encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - one partition's failure is reported
        error = _one_line(exc)
    if quiet:
        _release_memory()
    return {"code": part.key, "error": error, "seconds": time.perf_counter() - t0,
            "peak_mb": _peak_mb(), "worker": f"{socket.gethostname()}:{os.getpid()}",
            "segments": segments}


def _write_part(path: Path, streets: Any, areas: Any) -> None:
    import pyogrio

    for layer, frame in (("streets", streets), ("areas", areas)):
        pyogrio.write_dataframe(_plain(frame), path, layer=layer, driver="GPKG",
                                append=layer != "streets")


def _plain(frame: Any) -> Any:
    """``frame`` with columns GDAL can write (objects that are not text become text)."""
    out = frame.copy()
    out.attrs = {}
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            values = out[col]
            if not all(v is None or isinstance(v, str) for v in values):
                out[col] = [None if v is None else str(v) for v in values]
    return out


def model_sample(parts: list[Any], n: int = MODEL_PARTITIONS) -> list[Any]:
    """``n`` partitions spread evenly over ``parts`` (which are in Hilbert order)."""
    if len(parts) <= n:
        return list(parts)
    step = len(parts) / n
    return [parts[int(math.floor(i * step + step / 2))] for i in range(n)]


def fit_run_model(cfg: Any, parts: list[Any], areas_all: Any, halo: float,
                  read: Callable[[Any], dict[str, Any]], say: Callable[[str], None]) -> str:
    """Fit the run's one typology model on a sample of partitions (see the module doc) and
    write it as ``<out>/<name>_typology_model.json``; returns its path."""
    import numpy as np
    import pandas as pd

    from .core.archetypes import NAMING_COLUMNS
    from .core.options import OPTIONS
    from .core.typology import classify_streets, layer_domain
    from .core.typology_features import typology_features
    from .output.typology_model import write_typology_model

    an = cfg.analysis
    chosen = model_sample(parts)
    t0 = time.perf_counter()
    frames = []
    for part in chosen:
        _, owned, _ = analyse_partition(cfg, part, areas_all, read(part), halo, None)
        domain = layer_domain(owned, an.get("typology_segments",
                                            OPTIONS["typology_segments"].default), part.key)
        frames.append(owned[domain])
    sample = pd.concat(frames, ignore_index=True)
    seed = int(an.get("seed", OPTIONS["random_state"].default))
    if len(sample) > MODEL_SEGMENTS:
        rng = np.random.default_rng(seed)
        sample = sample.iloc[np.sort(rng.choice(len(sample), MODEL_SEGMENTS, replace=False))]
    feats = list(typology_features(sample.columns))
    cols = [c for c in dict.fromkeys([*feats, *NAMING_COLUMNS]) if c in sample]
    typ = classify_streets(
        pd.DataFrame(sample[cols]).reset_index(drop=True), features=feats,
        k=an.get("k"), k_range=tuple(an["k_range"]) if an.get("k_range") else None,
        random_state=seed, contiguous=False,
        fitted_on={"partitions": [p.key for p in chosen], "segments": len(sample),
                   "sample": "seeded, the own segments of partitions spread over the run",
                   "config": str(cfg.path)})
    typ.model.contiguous = bool(an.get("contiguous", OPTIONS["contiguous"].default))
    path = write_typology_model(typ.model, cfg.out / f"{cfg.name}_typology_model.json")
    say(f"typology: one model ({typ.model.method}, {typ.model.k} types) fitted on "
        f"{len(sample)} segments of {len(chosen)} partitions ({time.perf_counter() - t0:.0f} s)")
    return str(path)


# --- the run ----------------------------------------------------------------------------------

def _task(cfg: Any, part: Any, areas_all: Any, digest: str, prepared: Path | None,
          halo: float, model: Any, quiet: bool) -> dict[str, Any]:
    """Read one partition's inputs and analyse it (one Dask task, or a step in process)."""
    from .batch import _one_line, _read_partition

    try:
        data = _read_partition(cfg, part.bounds, prepared, quiet)
    except Exception as exc:  # noqa: BLE001 - the partition fails, the rest go on
        return {"code": part.key, "error": f"reading its inputs: {_one_line(exc)}",
                "seconds": 0.0, "peak_mb": 0.0, "worker": "", "segments": 0}
    return run_partition(cfg, part, areas_all, digest, data, halo, model, quiet)


def run_partitions(cfg: Any, areas: Any, workers: int, scheduler: str | None,
                   say: Callable[[str], None], t_start: float) -> Any:
    """``run_batch`` with ``[engine] unit = "partition"`` (see the module docstring): the
    partitions not done yet, then the merge. Returns a
    :class:`~wijkkracht.batch.BatchSummary` whose ``done``/``skipped``/``failed`` are
    partition keys."""
    from .batch import (
        _WHOLE,
        BatchSummary,
        _check_inputs,
        _is_done,
        _make_folders,
        _prepare_establishments,
        _remove_empty,
        _remove_stale_temporaries,
        _run_payload,
    )

    halo = halo_m(cfg.analysis, cfg.buffer)
    parts = plan_whole_partitions(areas, halo)
    folder = cfg.out / "partitions"
    made = _make_folders(cfg, folder)
    try:
        _remove_stale_temporaries(cfg)
        _check_inputs(cfg, areas)
        prepared = _prepare_establishments(cfg)
        prep_folder = prepared[0] if prepared else None
        prepare_seconds = time.perf_counter() - t_start
        model = _run_model(cfg, parts, areas, halo, prep_folder, say)
        run = _run_payload(cfg)
        hashes = {p.key: partition_hash(run, p, [areas.geometry.iloc[i].wkb for i in
                                                 _rows(areas, p)], halo, model)
                  for p in parts}
        todo = [p for p in parts if not _is_done(folder, p.key, hashes[p.key])]
        skipped = [p.key for p in parts if p not in todo]
        say(f"{len(areas)} areas: {len(parts)} partitions (halo {halo:g} m), "
            f"{len(skipped)} done before, {len(todo)} to do")
        done, failed, peaks = _execute(cfg, todo, areas, hashes, prep_folder, halo, model,
                                       workers, scheduler, say)
    except BaseException:
        _WHOLE.clear()
        _remove_empty(made)
        raise
    _WHOLE.clear()
    merged = None
    if not failed:
        from .batch import _merged_hashes
        from .output.merge import merged_paths

        outputs = merged_paths(cfg.out / cfg.name, cfg.formats)
        merged = outputs[0]
        if done or any(_merged_hashes(p, "partitions") != hashes for p in outputs):
            merge_partitions(cfg, parts, hashes, halo, model)
            say(f"merged: {', '.join(str(p) for p in outputs)}")
        else:
            say(f"merged output up to date: {', '.join(str(p) for p in outputs)}")
    return BatchSummary(done=done, skipped=skipped, failed=failed, merged=merged,
                        partitions=len(parts), seconds=time.perf_counter() - t_start,
                        prepare_seconds=prepare_seconds, worker_peak_mb=peaks)


def _rows(areas: Any, part: Any) -> list[int]:
    wanted = set(part.codes)
    return [i for i, c in enumerate(areas["area_code"].astype(str)) if c in wanted]


def _run_model(cfg: Any, parts: list[Any], areas: Any, halo: float, prepared: Path | None,
               say: Callable[[str], None]) -> str:
    """The run's typology model: the one given, the one fitted before (same configuration
    and inputs: kept in ``<out>/<name>_typology_model.json`` with its hash), or a new fit."""
    from .batch import _read_partition, _run_payload

    given = cfg.analysis.get("typology_model")
    if given:
        return str(given)
    path = cfg.out / f"{cfg.name}_typology_model.json"
    stamp = cfg.out / "partitions" / "typology_model.hash"
    key = hashlib.sha256(json.dumps({**_run_payload(cfg), "halo": halo,
                                     "parts": [p.key for p in model_sample(parts)]},
                                    sort_keys=True, default=str).encode()).hexdigest()
    if path.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return str(path)
    fitted = fit_run_model(cfg, parts, areas, halo,
                           lambda p: _read_partition(cfg, p.bounds, prepared), say)
    stamp.write_text(key, encoding="utf-8")
    return fitted


def _execute(cfg: Any, todo: list[Any], areas: Any, hashes: dict[str, str],
             prepared: Path | None, halo: float, model: str, workers: int,
             scheduler: str | None, say: Callable[[str], None]
             ) -> tuple[list[str], dict[str, str], dict[str, float]]:
    """Run the partitions ``todo`` here or on Dask; (done, failed, peak MB per worker)."""
    import sys

    from .batch import _duration
    from .data_sources.typology_model import read_typology_model

    done: list[str] = []
    failed: dict[str, str] = {}
    peaks: dict[str, float] = {}
    t0 = time.perf_counter()
    n_areas = {p.key: len(p.codes) for p in todo}

    def report(outcome: dict[str, Any]) -> None:
        key = outcome["code"]
        if outcome.get("worker"):
            peaks[outcome["worker"]] = max(peaks.get(outcome["worker"], 0.0),
                                           outcome["peak_mb"])
        if outcome["error"] is None:
            done.append(key)
        else:
            failed[key] = outcome["error"]
            print(f"wijkkracht: partition {key} failed: {outcome['error']}", file=sys.stderr,
                  flush=True)
        n = len(done) + len(failed)
        areas_n = sum(n_areas[k] for k in [*done, *failed])
        elapsed = time.perf_counter() - t0
        say(f"[{n}/{len(todo)}] {key} {'done' if outcome['error'] is None else 'FAILED'} "
            f"({outcome.get('segments', 0)} segments, {outcome['seconds']:.1f} s; "
            f"{60 * areas_n / max(elapsed, 1e-9):.0f} areas/min, "
            f"ETA {_duration(elapsed / n * (len(todo) - n))})")

    if not todo:
        return done, failed, peaks
    typ = read_typology_model(model)
    if workers == 1 and not scheduler:
        for part in todo:
            report(_task(cfg, part, areas, hashes[part.key], prepared, halo, typ, False))
        return done, failed, peaks
    _on_dask(cfg, todo, areas, hashes, prepared, halo, typ, workers, scheduler, report, say)
    return done, failed, peaks


def _on_dask(cfg: Any, todo: list[Any], areas: Any, hashes: dict[str, str],
             prepared: Path | None, halo: float, typ: Any, workers: int,
             scheduler: str | None, report: Callable[[dict[str, Any]], None],
             say: Callable[[str], None]) -> None:
    from distributed import as_completed

    from .batch import _dask_client, _one_line

    client, cluster = _dask_client(workers, scheduler)
    try:
        n = len(client.scheduler_info().get("workers", {}))
        say(f"Dask: {'scheduler ' + scheduler if scheduler else 'local cluster'}, {n} "
            f"worker{'s' if n != 1 else ''}")
        shared = client.scatter(areas, broadcast=True)
        model = client.scatter(typ, broadcast=True)
        run = os.urandom(4).hex()
        futures = {client.submit(_task, cfg, part, shared, hashes[part.key], prepared, halo,
                                 model, True, key=f"wijkkracht-part-{part.key}-{run}",
                                 pure=False): part for part in todo}
        for fut in as_completed(list(futures)):
            part = futures.pop(fut)
            try:
                report(fut.result())
            except Exception as exc:  # noqa: BLE001 - a worker died
                report({"code": part.key, "error": _one_line(exc), "seconds": 0.0,
                        "peak_mb": 0.0, "worker": "", "segments": 0})
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def merge_partitions(cfg: Any, parts: list[Any], hashes: dict[str, str], halo: float,
                     model: str) -> Path:
    """Stream the partition files into ``<out>/<name>.gpkg`` (and/or GeoParquet), with the
    provenance: inputs, parameters, the halo, the partitions' hashes and the run's one
    typology model (also as the model metadata :func:`read_typology_model` reads)."""
    from .batch import run_provenance
    from .data_sources.typology_model import MODEL_METADATA, read_typology_model
    from .output.merge import merge_area_outputs

    folder = cfg.out / "partitions"
    typ = read_typology_model(model)
    provenance = {
        **run_provenance(cfg, folder, [p.key for p in parts]),
        "unit": "partition", "halo_m": halo,
        "partitions": {p.key: hashes[p.key] for p in parts},
        "typology": {"model": model, "method": typ.method, "k": typ.k,
                     "fitted_on": typ.fitted_on,
                     "note": "one model for the run: a type means the same in every area"},
    }
    meta = {"WIJKKRACHT_BATCH": json.dumps(provenance, sort_keys=True, default=str),
            MODEL_METADATA: typ.to_json()}
    return merge_area_outputs([("*", folder / f"{p.key}.gpkg") for p in parts],
                              cfg.out / cfg.name, formats=cfg.formats, metadata=meta)[0]
