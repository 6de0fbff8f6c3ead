"""A result read back from the GeoPackage a run wrote (part of :mod:`wijkkracht.output.report`),
so that ``wijkkracht report --from out/wijkkracht.gpkg`` writes the same pages as the run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.areas import SharedLabels
from ..core.errors import InputError
from ..core.result import HOUR_COLUMNS, AnalysisResult


def result_from_gpkg(path: str | os.PathLike[str]) -> AnalysisResult:
    """Read the GeoPackage a wijkkracht run wrote back into a result.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`wijkkracht.output.gpkg.write_gpkg` (``wijkkracht run``
        or ``demo``): layers ``streets``, ``pois``, ``area``, ``typology_profile`` and, with
        areas, ``areas`` (and ``named_streets`` with its labels, ``opening_profile``, read into
        ``hours``); the run's metadata in the dataset metadata ``WIJKKRACHT_METADATA``.

    Returns
    -------
    AnalysisResult
        An ``AreaAnalysisResult`` when the file has an ``areas`` layer. The streets are indexed
        by ``segment_id`` as in the run.

    Raises
    ------
    InputError
        When the file is missing, unreadable or lacks a layer or the metadata.
    """
    import pyogrio

    from ..core.pipeline import AreaAnalysisResult

    p = Path(path)
    source = str(p)
    if not p.is_file():
        raise InputError(source, "no such file")
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(p)}
        info = pyogrio.read_info(p, layer="streets") if "streets" in layers else {}
    except Exception as exc:  # noqa: BLE001 - pyogrio raises several kinds
        raise InputError(source, f"not a readable GeoPackage ({_first_line(exc)})") from exc
    missing = [n for n in ("streets", "pois", "area", "typology_profile") if n not in layers]
    if missing:
        raise InputError(source, f"not a wijkkracht GeoPackage: layer(s) {', '.join(missing)} "
                                 "missing")
    text = (info.get("dataset_metadata") or {}).get("WIJKKRACHT_METADATA")
    if not text:
        raise InputError(source, "not a wijkkracht GeoPackage: no WIJKKRACHT_METADATA")
    try:
        metadata = json.loads(text)
    except ValueError as exc:
        raise InputError(source, f"WIJKKRACHT_METADATA is not JSON ({exc})") from exc

    def read(layer: str) -> Any:
        try:
            return pyogrio.read_dataframe(p, layer=layer)
        except Exception as exc:  # noqa: BLE001
            raise InputError(source, f"cannot read the {layer!r} layer "
                                     f"({_first_line(exc)})") from exc

    streets = read("streets")
    if "segment_id" in streets.columns:
        streets = streets.set_index("segment_id")
    profile = pd.DataFrame(read("typology_profile"))
    profile = profile.drop(columns=[c for c in ("geometry",) if c in profile.columns])
    kwargs: dict[str, Any] = {"streets": streets, "pois": read("pois"), "area": read("area"),
                              "profile": profile, "metadata": metadata}
    if "named_streets" in layers:
        named = read("named_streets")
        if "main_type_id" in named.columns:
            named["main_type_id"] = pd.array(named["main_type_id"], dtype="Int64")
        try:
            meta = pyogrio.read_info(p, layer="named_streets").get("layer_metadata") or {}
            named.attrs["labels"] = SharedLabels(json.loads(meta.get("WIJKKRACHT_LABELS") or "{}"))
        except Exception:  # noqa: BLE001 - the labels are a nicety: no aliases without them
            named.attrs["labels"] = {}
        kwargs["named_streets"] = named
    if "opening_profile" in layers:
        hours = pd.DataFrame(read("opening_profile"))
        if "segment_id" in hours.columns:
            hours = hours.set_index("segment_id")
        kwargs["hours"] = hours[[c for c in HOUR_COLUMNS if c in hours.columns]]
    if "spending_zones" in layers:
        from ..core.spending import SEGMENT_COLUMNS, SpendingResult

        kwargs["spending"] = SpendingResult(
            segments=streets[[c for c in SEGMENT_COLUMNS if c in streets.columns]],
            zones=read("spending_zones"),
            catchment=pd.DataFrame(read("spending_catchment")),
            scenarios=read("spending_scenarios"),
            metadata=dict(metadata.get("spending", {})))
    if "areas" in layers:
        return AreaAnalysisResult(**kwargs, areas=read("areas"))
    return AnalysisResult(**kwargs)


def _first_line(exc: BaseException) -> str:
    """GDAL's (or SQLite's) error in our words, the same with every GDAL version, cut at a
    word (:func:`wijkkracht.data_sources.file_checks.gdal_reason`)."""
    from ..data_sources.file_checks import gdal_reason

    return gdal_reason(exc)
