"""Batch runs: ``wijkkracht batch CONFIG`` analyses many areas from one TOML configuration.

A unit of work is one area (e.g. a CBS buurt): its streets, POIs and BAG are clipped to the area
buffered by ``areas.buffer`` metres and analysed with the area polygon as the study area. Each
area's result goes to ``<out>/areas/<code>.gpkg`` and a "done" record ``<out>/areas/<code>.json``
holding a hash of the area's inputs and parameters, both written atomically (the record after
the GeoPackage). A re-run skips the areas whose record matches; a killed run resumes where it
stopped. A failed area is reported on one line and the others go on. When every area is done,
all per-area streets (with an ``area_code`` column) and area summaries are merged into
``<out>/<name>.gpkg`` (layers ``streets`` and ``areas``; and/or GeoParquet, ``formats``) with
provenance metadata (``WIJKKRACHT_BATCH``: tool version, input files with sizes and
modification times, BAG snapshot dates, parameters). ``areas.layer`` names the layer of the
areas file and ``areas.field`` the column holding the area codes (else found from the values).

Checked before any folder or file is made (one line, the output folder left as it was): the
configuration file (UTF-8, a byte-order mark is dropped; another encoding, a folder, a binary
or an empty file is named as such), every key and value, the packages the run needs (Dask for
``--workers N``/``--scheduler``, pyarrow, opening-hours-py), the number of workers (1 to
:func:`max_workers`: 4 per CPU), outputs that would replace an input or an output folder inside
an input folder, the areas and the inputs' readability.

Scale. The areas to do are grouped into *partitions*: the buurten of one gemeente (from the
CBS code; other layers: 10 km tiles), cut into spatially compact groups of at most
``engine.partition_size`` areas (Hilbert order). A partition's inputs are read once, with a
bounding-box filter, from inputs with a spatial index (GeoPackage, FlatGeobuf): a national BAG
is never loaded whole. Inputs without one (OSM extracts, GraphML, GeoJSON, LV BAG XML) are read
whole once per worker process. An establishments export (a table without geometry) is read once
and written, in ``<out>/prepared/``, into buckets by PC4 postcode area (or gemeente prefix of the
BAG id, or 10 km tile of its coordinates), so a partition reads only the buckets of its own BAG
addresses and places them with the same join as a single run. Every step costs in proportion to
the number of areas (or addresses), never more.

Engines. ``--workers 1`` (default) runs in this process. ``--workers N`` runs a local Dask
cluster (``dask.distributed.LocalCluster``) of N single-threaded worker processes;
``--scheduler tcp://HOST:PORT`` sends the same tasks to an existing Dask cluster, whose workers
must have wijkkracht installed and see the input and output paths (a shared file system). A
partition's read is one task and each area one task depending on it, so Dask runs an area where
its partition's data already are; progress (done, failed, remaining, areas per minute, ETA) is
printed as areas finish. Dask is the ``batch`` extra: ``pip install 'wijkkracht[batch]'``.

The keys of ``[analysis]`` are the analysis options with a batch key, made from their
declarations (:data:`wijkkracht.core.options.OPTIONS`; the README's option table lists them):
their TOML types, values and bounds are checked there, an error names ``analysis.<key>`` in the
declaration's words, and an unknown key or choice gets the closest one suggested. A key is
passed to :func:`wijkkracht.core.pipeline.analyse` only when given (else the declaration's
default applies), so a configuration without it runs and hashes as before.

Liveliness by hour and spending flows: ``hours`` (bool; default on when the POIs have
``opening_hours``), ``hours_week`` (``YYYY-MM-DD``, a day of the reference week; without it the
week of ``reference_date``, else the week the area is run), ``hours_radius`` (m), ``spending``
(bool; needs ``data.bag``), ``huff_decay`` (``"power"``/``"exponential"``), ``huff_beta`` (power
decay only), ``huff_lambda`` (exponential decay only), ``huff_cutoff`` (m), ``spending_measure``
(``"floor_area"``/``"count"``), ``spending_per_dwelling`` (euros, the user's assumption),
``scenario_floor_area`` (m², the shop of a vacancy scenario) and ``typology_with`` (a list of
``"hours"``/``"spending"``), and ``typology_segments`` (``"fronting"``, the default: the street
segments that addresses or buildings front; ``"streets"``; ``"all"``); the spending keys need
``spending = true``. Every key given enters the area hash (a change redoes the areas). The zone
of an area's spending flows is the area itself (``analyse``'s default zones, ``areas``): its
``areas`` row gets the ``spend_*`` shares (kept in the area, leaking out, beyond reach) and,
with ``spending_per_dwelling``, the euro amounts ``spend_retained_eur``, ``spend_leaked_eur``,
``spend_drawn_eur``, merged with the other columns; the per-area tables ``spending_zones``,
``spending_catchment``, ``spending_scenarios`` and ``opening_profile`` stay in
``<out>/areas/<code>.gpkg`` (not merged). Shops beyond ``areas.buffer`` are not in an area's
data: a buffer below ``huff_cutoff`` underestimates the leakage (the run says so). The weeks of
the opening hours used are recorded per area and in the merged provenance (``hours_weeks``).

The opportunity types are clustered per area: ``type_id`` compares streets within one area.
See ``examples/batch.toml`` for a commented configuration.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import hashlib
import importlib.util
import json
import logging
import math
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .core.errors import InputError, WijkkrachtError

__all__ = ["BatchConfig", "BatchSummary", "Partition", "load_config", "plan_partitions",
           "run_batch", "add_batch_parser", "run_batch_cli", "max_workers"]

log = logging.getLogger("wijkkracht")

#: Known keys per section; None = the top level.
_SCHEMA: dict[str | None, dict[str, type | tuple[type, ...]]] = {
    None: {"name": str, "out": str, "lang": str, "formats": list, "areas": dict, "data": dict,
           "analysis": dict, "engine": dict},
    "areas": {"file": str, "layer": str, "field": str, "codes": list, "gemeente": str,
              "buffer": (int, float)},
    "data": {"streets": str, "streets_layer": str, "pois": str, "pois_layer": str, "bag": str,
             "bag_layer": str, "bag_snapshot_date": (str, _dt.date), "establishments": str,
             "mapping": str},
    "analysis": {},  # made from the declarations of the options: _analysis_schema()
    "engine": {"workers": int, "scheduler": str, "partition_size": int, "unit": str},
}
_REQUIRED = {None: ("out", "areas", "data"), "areas": ("file",), "data": ("streets", "pois")}
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_SCHEDULER_RE = re.compile(r"^(tcp|tls|ws|wss|inproc)://\S+$")
FORMATS = ("gpkg", "parquet")
#: The units of work (``[engine] unit``).
UNITS = ("area", "partition")
#: Worker processes of a local Dask cluster per CPU, at most (:func:`max_workers`).
WORKERS_PER_CPU = 4
_DASK_HINT = "pip install 'wijkkracht[batch]'"


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
    formats: tuple[str, ...] = ("gpkg",)
    workers: int = 1
    scheduler: str | None = None
    partition_size: int = 25
    #: ``"area"``: each area analysed on its own (buffered); ``"partition"``: partitions
    #: (gemeenten) analysed whole with a halo, each segment once, one typology
    #: (:mod:`wijkkracht.batch_partitions`).
    unit: str = "area"
    areas_field: str | None = None

    def inputs(self) -> dict[str, Path]:
        """The input files by role (areas, streets, pois, bag, establishments, mapping)."""
        files = {"areas": self.areas_file}
        for key in ("streets", "pois", "bag", "establishments", "mapping"):
            if self.data.get(key):
                files[key] = self.data[key]
        if self.analysis.get("typology_model"):
            files["typology_model"] = Path(self.analysis["typology_model"])
        return files


def _err(path: Path, key: str, problem: str) -> InputError:
    return InputError(path, f"{key}: {problem}")


#: The TOML type of a value of each kind of option (:attr:`wijkkracht.core.options.Option.kind`);
#: a date may be a TOML date (``2026-01-01``) or a string.
_TOML_TYPES: dict[str, type | tuple[type, ...]] = {
    "int": int, "float": (int, float), "bool": bool, "choice": str, "choices": list,
    "date": (str, _dt.date), "k_range": list, "path": str}
_TOML_NAMES = {"str": "a string", "int": "a whole number", "float": "a number",
               "bool": "true or false", "list": "a list", "dict": "a table",
               "date": "a date"}


def analysis_options() -> dict[str, Any]:
    """The options of ``[analysis]`` by key: every declared option with a batch key
    (:data:`wijkkracht.core.options.OPTIONS`)."""
    from .core.options import OPTIONS

    return {o.batch: o for o in OPTIONS.values() if o.batch is not None}


def _analysis_schema() -> dict[str, type | tuple[type, ...]]:
    return {key: _TOML_TYPES[o.kind] for key, o in analysis_options().items()}


def _type_ok(value: Any, want: type | tuple[type, ...]) -> bool:
    """``value`` is of the TOML type ``want``: a boolean is no number, a date-time no date."""
    wants = want if isinstance(want, tuple) else (want,)
    if isinstance(value, bool):
        return bool in wants
    if isinstance(value, _dt.datetime) or isinstance(value, _dt.time):
        return False
    return isinstance(value, wants)


#: What a key outside ``[analysis]`` holds, for its type errors; a list's example.
_KEY_WORDS = {"areas.buffer": "metres between 0 and 10000",
              "engine.partition_size": "1 to 10000 areas"}
_LIST_EXAMPLES = {"k_range": "[3, 8]", "typology_with": '["hours", "spending"]',
                  "codes": '["BU03440101", "BU03440102"]', "formats": '["gpkg", "parquet"]'}


def _type_problem(section: str | None, key: str, value: Any,
                  want: type | tuple[type, ...]) -> str:
    """``expected <TOML type> (<the declaration's words>), got <value>`` and what to do."""
    wants = want if isinstance(want, tuple) else (want,)
    names = " or ".join(t.__name__ for t in wants if t is not _dt.date)
    words = "a number" if float in wants else \
        " or ".join(_TOML_NAMES.get(t.__name__, t.__name__) for t in wants)
    if section == "analysis":
        words = analysis_options()[key].bounds_text()
    elif f"{section}.{key}" == "engine.workers":
        words = f"1 to {max_workers()} worker processes"
    words = _KEY_WORDS.get(f"{section}.{key}", words)
    problem = f"expected {names}" + (f" ({words})" if bool not in wants else "") + \
        f", got {value!r}"
    if dict in wants:
        problem += f"; write it as a table: [{key}] on a line of its own, then its keys"
    elif bool in wants:
        problem += "; write true or false, without quotes"
    elif list in wants:
        problem += f"; write a list in brackets, e.g. {_LIST_EXAMPLES.get(key, '[...]')}"
    elif isinstance(value, str):
        problem += "; write it without quotes"
    elif isinstance(value, float) and not math.isfinite(value):
        problem += "; give a finite number"
    elif str in wants:
        problem += "; write it in quotes"
    return problem


def _check_keys(path: Path, section: str | None, table: dict[str, Any]) -> None:
    known = _analysis_schema() if section == "analysis" else _SCHEMA[section]
    prefix = f"{section}." if section else ""
    for key, value in table.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {prefix + close[0]!r}?" if close else \
                f"; known keys: {', '.join(sorted(known))}"
            raise _err(path, f"{prefix}{key}", f"unknown key{hint}")
        if not _type_ok(value, known[key]):
            raise _err(path, f"{prefix}{key}", _type_problem(section, key, value, known[key]))
    missing = [key for key in _REQUIRED.get(section, ()) if key not in table]
    if missing:
        also = f"; also missing: {', '.join(prefix + k for k in missing[1:])}" \
            if missing[1:] else ""
        raise _err(path, f"{prefix}{missing[0]}", f"missing (required){also} "
                                                  "(see examples/batch.toml)")


def _file(cfg_dir: Path, cfg: Path, key: str, value: str) -> Path:
    if not value.strip():
        raise _err(cfg, key, "is empty: give the path of the file")
    p = (cfg_dir / value).resolve()
    if not p.exists():
        raise _err(cfg, key, f"{p} does not exist")
    return p


def _read_toml(cfg: Path) -> dict[str, Any]:
    """The TOML of ``cfg`` (UTF-8, with or without a byte-order mark), or one line saying
    why it cannot be read: missing, a folder, not UTF-8 text, not TOML, empty."""
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise InputError(cfg, "batch configurations need Python 3.11+ (or the tomli "
                                  "package)") from None
    if cfg.is_dir():
        raise InputError(cfg, "is a folder, not a configuration file: give the path of the "
                              "TOML file (see examples/batch.toml)")
    try:
        raw = cfg.read_bytes()
    except FileNotFoundError:
        raise InputError(cfg, "configuration file not found") from None
    except OSError as exc:
        raise InputError(cfg, f"cannot read the configuration: {exc.strerror or exc}") from None
    text = _decode(cfg, raw)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(cfg, f"not valid TOML: {exc} (see examples/batch.toml)") from None
    if not table:
        raise InputError(cfg, "the configuration is empty: it needs at least out, "
                              "[areas] file and [data] streets and pois "
                              "(see examples/batch.toml)")
    return table


def _decode(cfg: Path, raw: bytes) -> str:
    """``raw`` as UTF-8 text; a byte-order mark (as Windows Notepad writes) is dropped."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(cfg, "is UTF-16 text: save the configuration as UTF-8 (in Notepad: "
                              "Save as, Encoding UTF-8)")
    if b"\x00" in raw[:4096]:
        raise InputError(cfg, "is a binary file, not a TOML configuration (text): give the "
                              ".toml file (see examples/batch.toml)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(cfg, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line "
                              f"{line}, e.g. a Latin-1 'é'): save the configuration as UTF-8 "
                              "(in Notepad: Save as, Encoding UTF-8)") from None


def load_config(path: str | Path) -> BatchConfig:
    """Read and validate a batch configuration (TOML).

    Raises
    ------
    InputError
        One line naming the file and the key that is wrong (an unknown key gets the closest
        known one suggested).
    """
    cfg = Path(path).resolve()
    raw = _read_toml(cfg)
    _check_keys(cfg, None, raw)
    for section in ("areas", "data", "analysis", "engine"):
        _check_keys(cfg, section, raw.get(section, {}))
    base = cfg.parent
    name = raw.get("name", "wijkkracht")
    if not _NAME_RE.match(name) or name in (".", ".."):
        raise _err(cfg, "name", f"must be a plain file name (letters, digits, _ . -), got {name!r}")
    lang = raw.get("lang", "nl")
    if lang not in ("nl", "en"):
        raise _err(cfg, "lang", f"must be 'nl' or 'en', got {lang!r}")
    if not raw["out"].strip():
        raise _err(cfg, "out", "is empty: give the output folder (relative to the configuration)")
    out = (base / raw["out"]).resolve()
    codes, buffer = _check_areas(cfg, raw["areas"])
    data = _check_data(cfg, raw["data"])
    an = dict(raw.get("analysis", {}))
    _check_analysis(cfg, an)
    if "typology_model" in an:
        from .data_sources.typology_model import read_typology_model

        model_path = _file(cfg.parent, cfg, "analysis.typology_model", an["typology_model"])
        read_typology_model(model_path)  # a bad model stops the run before any area
        an["typology_model"] = str(model_path)
    if "reference_date" in an and "establishments" not in data:
        raise _err(cfg, "analysis.reference_date", "needs data.establishments")
    _check_time_and_spending(cfg, an, data)
    formats = raw.get("formats", ["gpkg"])
    if not formats or len(set(formats)) != len(formats) or not set(formats) <= set(FORMATS):
        raise _err(cfg, "formats", f"expected a list of {' and/or '.join(map(repr, FORMATS))}, "
                                   f"got {formats!r}")
    engine = raw.get("engine", {})
    _check_engine_table(cfg, engine)
    config = BatchConfig(path=cfg, out=out, name=name, lang=lang,
                         areas_file=_file(base, cfg, "areas.file", raw["areas"]["file"]),
                         areas_layer=raw["areas"].get("layer"), codes=tuple(codes),
                         buffer=buffer, data=data, analysis=an, formats=tuple(formats),
                         workers=engine.get("workers", 1), scheduler=engine.get("scheduler"),
                         partition_size=engine.get("partition_size", 25),
                         unit=engine.get("unit", "area"),
                         areas_field=raw["areas"].get("field"))
    _check_outputs(config)
    return config


def _check_areas(cfg: Path, areas: dict[str, Any]) -> tuple[list[str], float]:
    """The area codes (a prefix pattern for ``gemeente``) and the buffer of ``[areas]``."""
    codes: list[str] = []
    for key in ("layer", "field"):
        if key in areas and not areas[key].strip():
            raise _err(cfg, f"areas.{key}", "is empty: give the name or leave the key out")
    if "codes" in areas and "gemeente" in areas:
        raise _err(cfg, "areas.codes", "give either areas.codes or areas.gemeente (or neither: "
                                       "every area of the layer), not both")
    if "codes" in areas:
        codes = areas["codes"]
        if not codes or not all(isinstance(c, str) and re.fullmatch(r"[A-Za-z0-9]+", c)
                                for c in codes):
            raise _err(cfg, "areas.codes", f"expected a non-empty list of area codes, got {codes!r}")
        if len({c.upper() for c in codes}) != len(codes):
            raise _err(cfg, "areas.codes", "a code is listed twice")
        codes = [c.upper() for c in codes]
    elif "gemeente" in areas:
        gm = areas["gemeente"].upper()
        if not re.fullmatch(r"GM\d{4}", gm):
            raise _err(cfg, "areas.gemeente", f"expected a gemeente code like 'GM0344', got {gm!r}")
        codes = [f"BU{gm[2:]}*"]
    buffer = float(areas.get("buffer", 800.0))
    if not 0 <= buffer <= 10_000:  # also NaN
        raise _err(cfg, "areas.buffer", f"expected metres between 0 and 10000, got {buffer}")
    return codes, buffer


def _check_data(cfg: Path, table: dict[str, Any]) -> dict[str, Any]:
    """``[data]``: the files resolved against the configuration's folder, the rest checked."""
    from .core.options import parse_date

    data: dict[str, Any] = {}
    for key, value in table.items():
        if key == "bag_snapshot_date":
            try:
                data[key] = parse_date(value).isoformat()
            except ValueError:
                raise _err(cfg, f"data.{key}", f"expected a date YYYY-MM-DD (e.g. 2026-01-01), "
                                               f"got {value!r}") from None
        elif key.endswith("_layer"):
            if not value.strip():
                raise _err(cfg, f"data.{key}", "is empty: give the layer name or leave the key "
                                               "out")
            data[key] = value
        else:
            data[key] = _file(cfg.parent, cfg, f"data.{key}", value)
    if "establishments" in data and "bag" not in data:
        raise _err(cfg, "data.establishments", "needs data.bag (establishments are placed on "
                                               "BAG addresses)")
    if "mapping" in data and "establishments" not in data:
        raise _err(cfg, "data.mapping", "needs data.establishments")
    for key in ("bag_layer", "bag_snapshot_date"):
        if key in data and "bag" not in data:
            raise _err(cfg, f"data.{key}", "needs data.bag")
    return data


def _check_engine_table(cfg: Path, engine: dict[str, Any]) -> None:
    """``[engine]``: the number of workers within :func:`max_workers`, a scheduler address,
    the partition size (whether Dask is installed is checked by :func:`run_batch`, which
    knows whether the command line overrides the workers)."""
    problem = _workers_problem(engine.get("workers", 1))
    if problem:
        raise _err(cfg, "engine.workers", problem)
    if "scheduler" in engine and not _SCHEDULER_RE.match(engine["scheduler"]):
        raise _err(cfg, "engine.scheduler", "expected a Dask scheduler address like "
                                            f"'tcp://10.0.0.5:8786', got {engine['scheduler']!r}")
    if not 1 <= engine.get("partition_size", 25) <= 10_000:
        raise _err(cfg, "engine.partition_size",
                   f"expected 1 to 10000 areas, got {engine['partition_size']}")
    if engine.get("unit", "area") not in UNITS:
        raise _err(cfg, "engine.unit", f"expected {' or '.join(map(repr, UNITS))}, got "
                                       f"{engine['unit']!r}")


def _check_analysis(cfg: Path, an: dict[str, Any]) -> None:
    """Every value of ``[analysis]`` checked by its declaration
    (:meth:`wijkkracht.core.options.Option.check`), then the combinations that cannot go
    together (:func:`wijkkracht.core.options.check_options`); an error names the key
    (``analysis.<key>``) in the declaration's words, a wrong choice with the closest one
    suggested (as an unknown key). A date (a TOML date or a string) is kept as
    ``YYYY-MM-DD``, so both spellings run and hash alike."""
    from .core.options import check_options, suggest

    options = analysis_options()
    values = {}
    for key, value in an.items():
        opt = options[key]
        try:
            values[opt.name] = opt.check(value)
        except InputError as exc:
            hint = suggest(value, opt.choices) if opt.kind == "choice" else ""
            raise _err(cfg, f"analysis.{key}", exc.problem + hint) from None
        if opt.kind == "date":
            an[key] = values[opt.name]
    try:
        check_options(values)
    except InputError as exc:
        key = next((k for k, o in options.items() if o.name == exc.source), exc.source)
        raise _err(cfg, f"analysis.{key}", exc.problem) from None


def _analysis_kwargs(an: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`wijkkracht.core.pipeline.analyse` of ``[analysis]``:
    only the keys given, as their declarations read them (``seed`` -> ``random_state``, a
    list -> a tuple, ...), the typology model read, and with the spending flows the Huff
    parameters (:func:`_huff`); a key not given is the analysis's default, the
    declaration's."""
    out: dict[str, Any] = {}
    for key, opt in analysis_options().items():
        if key not in an or opt.name.startswith("huff_"):
            continue
        out[opt.name] = opt.check(an[key])
    if "typology_model" in out:  # one model: the same types in every area
        from .data_sources.typology_model import read_typology_model

        out["typology_model"] = read_typology_model(out["typology_model"])
    if out.get("spending"):
        out["huff"] = _huff(an)
    return out


#: Options of the spending flows (besides ``spending`` itself): they need ``spending = true``.
_SPENDING_KEYS = ("huff_decay", "huff_beta", "huff_lambda", "huff_cutoff", "spending_measure",
                  "spending_per_dwelling", "scenario_floor_area")


def _check_time_and_spending(cfg: Path, an: dict[str, Any], data: dict[str, Any]) -> None:
    """What the liveliness-by-hour and spending-flow keys of ``[analysis]`` need besides
    their values (checked by their declarations): each other, the data and the packages
    (one-line errors)."""
    if an.get("hours") is False:
        for key in ("hours_week", "hours_radius"):
            if key in an:
                raise _err(cfg, f"analysis.{key}", "has no effect with analysis.hours = false")
    groups = an.get("typology_with", [])
    if (an.get("hours") or "hours" in groups) and _missing("opening_hours"):
        key = "hours" if an.get("hours") else "typology_with"
        raise _err(cfg, f"analysis.{key}", "the opening hours need the package "
                   "opening-hours-py, which is not installed: pip install opening-hours-py "
                   f"(or leave analysis.{key} out)")
    if an.get("spending") and "bag" not in data:
        raise _err(cfg, "analysis.spending", "needs data.bag (its dwellings are the demand)")
    for key in _SPENDING_KEYS:
        if key in an and not an.get("spending"):
            raise _err(cfg, f"analysis.{key}", "needs analysis.spending = true")
    decay = an.get("huff_decay", analysis_options()["huff_decay"].default)
    if "huff_beta" in an and decay != "power":
        raise _err(cfg, "analysis.huff_beta", "is the exponent of the power decay: not used "
                                              "with huff_decay = 'exponential' (huff_lambda is)")
    if "huff_lambda" in an and decay != "exponential":
        raise _err(cfg, "analysis.huff_lambda", "is the rate of the exponential decay: needs "
                                                "huff_decay = 'exponential'")
    if "spending" in groups and not an.get("spending"):
        raise _err(cfg, "analysis.typology_with", "'spending' needs analysis.spending = true")
    if "hours" in groups and an.get("hours") is False:
        raise _err(cfg, "analysis.typology_with", "'hours' needs the opening hours: not "
                                                  "with analysis.hours = false")


def _huff(an: dict[str, Any]) -> Any:
    """The :class:`~wijkkracht.core.huff.HuffParameters` of ``[analysis]`` (the declarations'
    defaults for the keys not given)."""
    from .core.huff import HuffParameters

    options = analysis_options()

    def value(key: str) -> Any:
        return an.get(key, options[key].default)

    return HuffParameters(decay=value("huff_decay"), beta=float(value("huff_beta")),
                          lam=float(value("huff_lambda")), cutoff=float(value("huff_cutoff")))


# --- the engine and the outputs, checked before anything is read or written ----------------------

def _cpus() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most worker processes of a local cluster: :data:`WORKERS_PER_CPU` per CPU.

    An area is CPU-bound, and each worker holds its partition's inputs (and an input without
    a spatial index whole), so workers beyond the CPUs add memory, not speed; a few per CPU
    leave room for reading and writing. A larger number is a typo (``--workers 100000``
    would start as many processes).
    """
    return WORKERS_PER_CPU * _cpus()


def _workers_problem(value: Any) -> str | None:
    """Why ``value`` is no number of workers (``None``: it is one)."""
    high = max_workers()
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= high:
        return None
    return (f"must be at least 1 and at most {high} ({WORKERS_PER_CPU} worker processes per "
            f"CPU; this machine has {_cpus()}), got {value!r}")


def _workers_arg(text: str) -> int:
    """``--workers``: a whole number from 1 to :func:`max_workers` (a usage error if not)."""
    try:
        value: Any = int(text.strip())
    except ValueError:
        value = text
    problem = _workers_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return int(value)


def _scheduler_arg(text: str) -> str:
    """``--scheduler``: a Dask scheduler address (a usage error if not)."""
    if not _SCHEDULER_RE.match(text):
        raise argparse.ArgumentTypeError(f"expected a Dask scheduler address like "
                                         f"tcp://10.0.0.5:8786, got {text!r}")
    return text


def _missing(*modules: str) -> str | None:
    """The first of ``modules`` that cannot be imported here (``None``: all can), found
    without importing them."""
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):  # e.g. a finder that refuses it
            return name
    return None


def _engine(cfg: BatchConfig, workers: int | None,
            scheduler: str | None) -> tuple[int, str | None]:
    """The workers and scheduler of a run (the arguments override ``[engine]``), checked:
    the number of workers, the address, and Dask installed when they need it."""
    given = workers is not None
    workers = cfg.workers if workers is None else workers
    scheduler = scheduler or cfg.scheduler
    where = "--workers" if given else f"{cfg.path}: engine.workers ="
    problem = _workers_problem(workers)
    if problem:
        raise InputError(None, f"{where.rstrip(' =')}: {problem}")
    if scheduler and not _SCHEDULER_RE.match(scheduler):
        raise InputError(None, f"--scheduler: expected an address like tcp://HOST:PORT, "
                               f"got {scheduler!r}")
    missing = _missing("dask", "distributed") if scheduler or workers > 1 else None
    if missing and scheduler:
        raise InputError(None, f"a Dask scheduler ({scheduler}) needs Dask, which is not "
                               f"installed here (no module '{missing}'): {_DASK_HINT}")
    if missing:
        raise InputError(None, f"{where} {workers} runs the areas on a local Dask cluster, but "
                               f"Dask is not installed (no module '{missing}'): {_DASK_HINT}, "
                               "or run with --workers 1 (in this process)")
    return workers, scheduler


def _same(a: Path, b: Path) -> bool:
    if os.path.normcase(a) == os.path.normcase(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or below it (symbolic links followed)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _check_outputs(cfg: BatchConfig) -> None:
    """Refuse, before anything is read or written, an output folder that cannot be made or
    lies inside an input folder, and outputs that would replace or remove an input: the
    merged files, the run's typology model, and the folders the run owns (``areas/``,
    ``prepared/``)."""
    from .output.merge import merged_paths

    out = cfg.out
    existing = next(p for p in (out, *out.parents) if p.exists() or p == p.parent)
    if existing == out and not out.is_dir():
        raise _err(cfg.path, "out", f"{out} is a file, not a folder: give a folder")
    if existing != out and not existing.is_dir():
        raise _err(cfg.path, "out", f"{out} cannot be made: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _err(cfg.path, "out", f"{out} cannot be written: no permission to write in "
                                    f"{existing}; choose another folder")
    written = merged_paths(out / cfg.name, cfg.formats)
    if not {"typology_model", "k", "k_range"} & set(cfg.analysis):  # see _run_typology
        written.append(out / f"{cfg.name}_typology_model.json")
    for role, path in cfg.inputs().items():
        key = "areas.file" if role == "areas" else \
            "analysis.typology_model" if role == "typology_model" else f"data.{role}"
        if path.is_dir() and _inside(out, path):
            raise _err(cfg.path, "out", f"the output folder {out} is inside the input folder "
                                        f"{path} ({key}): choose an output folder outside it")
        for own in ("areas", "prepared"):
            if _inside(path, out / own):
                raise _err(cfg.path, key, f"{path} is inside {out / own}, which the batch "
                                          "writes and clears: move the input or choose "
                                          "another out")
        hit = next((w for w in written if _same(path, w)), None)
        if hit is not None:
            raise _err(cfg.path, key, f"{path} would be replaced by the batch's output "
                                      f"{hit.name} in {out}: choose another name or out")


def _fingerprint(p: Path) -> dict[str, Any]:
    st = p.stat()
    return {"name": p.name, "path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _parameters(cfg: BatchConfig) -> dict[str, Any]:
    return {"analysis": cfg.analysis, "buffer": cfg.buffer, "lang": cfg.lang,
            "layers": {k: v for k, v in cfg.data.items() if k.endswith("_layer")},
            "bag_snapshot_date": cfg.data.get("bag_snapshot_date"),
            "areas_layer": cfg.areas_layer,
            # only when given: a configuration without it hashes as before
            **({"areas_field": cfg.areas_field} if cfg.areas_field else {})}


def _run_payload(cfg: BatchConfig) -> dict[str, Any]:
    """What every area's hash holds besides the area: the tool version, the inputs' sizes and
    modification times, the parameters (the inputs are looked at once per run, not per area)."""
    return {
        "version": __version__,
        "inputs": {role: {k: v for k, v in _fingerprint(p).items() if k != "path"}
                   for role, p in cfg.inputs().items()},
        "parameters": _parameters(cfg),
    }


def _area_hash(cfg: BatchConfig, code: str, geom_wkb: bytes,
               run: dict[str, Any] | None = None) -> str:
    """The hash of one area's inputs and parameters; ``run``: :func:`_run_payload` of ``cfg``
    when already made."""
    payload = {**(run if run is not None else _run_payload(cfg)), "area": code,
               "geometry": hashlib.sha256(geom_wkb).hexdigest()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- partitions: areas grouped so that large inputs are read once per group -------------------

#: Extra margin (m) of BAG read around a partition: establishments placed by coordinates go to
#: the nearest unit within 25 m, which may lie just outside the areas' buffers.
_JOIN_MARGIN = 50.0
#: Tile size (m) grouping areas without a CBS code, and establishments with coordinates only.
_TILE = 10_000.0


@dataclass(frozen=True)
class Partition:
    """Areas whose inputs are read together: ``bounds`` holds every area's buffer (EPSG:28992)."""

    key: str
    codes: tuple[str, ...]
    bounds: tuple[float, float, float, float]


def _group(code: str, x: float, y: float, tile: float = _TILE) -> str:
    """The gemeente of a CBS code (``GM0344`` of ``BU03440101``), else the ``tile`` of the
    point ``x, y``."""
    m = re.match(r"^(?:BU|WK)(\d{4})\d*$", code, flags=re.IGNORECASE)
    if m:
        return f"GM{m.group(1)}"
    if re.fullmatch(r"GM\d{4}", code, flags=re.IGNORECASE):
        return code.upper()
    return f"T{int(x // tile)}_{int(y // tile)}"


def plan_partitions(areas: Any, buffer: float, size: int) -> list[Partition]:
    """Group ``areas`` (``area_code``, polygons in EPSG:28992) into partitions.

    The buurten/wijken of one gemeente (from their CBS code; other areas: by 10 km tile) are cut
    into near-equal runs of at most ``size`` areas along a Hilbert curve, so that a partition is
    spatially compact and its buffered bounding box small. Cost: O(n log n) in the areas.
    """
    import numpy as np

    if len(areas) == 0:
        return []
    geoms = areas.geometry
    cent = geoms.centroid
    order = geoms.hilbert_distance(total_bounds=geoms.total_bounds).to_numpy()
    groups: dict[str, list[int]] = {}
    for i, (code, x, y) in enumerate(zip(areas["area_code"], cent.x, cent.y, strict=True)):
        groups.setdefault(_group(str(code), x, y), []).append(i)
    bounds = geoms.bounds.to_numpy()
    parts = []
    for key in sorted(groups):
        idx = sorted(groups[key], key=lambda i: (order[i], str(areas["area_code"].iloc[i])))
        chunks = np.array_split(np.asarray(idx), math.ceil(len(idx) / size))
        for j, chunk in enumerate(chunks):
            b = bounds[chunk]
            box = (float(b[:, 0].min() - buffer), float(b[:, 1].min() - buffer),
                   float(b[:, 2].max() + buffer), float(b[:, 3].max() + buffer))
            parts.append(Partition(key=key if len(chunks) == 1 else f"{key}-{j + 1:03d}",
                                   codes=tuple(str(areas["area_code"].iloc[i]) for i in chunk),
                                   bounds=box))
    return parts


# --- inputs: read per partition (spatial index) or once per process (none) ---------------------

_WHOLE: dict[str, tuple[Any, Any]] = {}


def _stat_key(cfg: BatchConfig, role: str) -> tuple[Any, ...]:
    p = cfg.data[role]
    st = p.stat()
    return (str(p), st.st_size, st.st_mtime_ns, cfg.data.get(f"{role}_layer"),
            cfg.data.get("bag_snapshot_date"))


def _is_lv(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in (".zip", ".xml")


def _read(cfg: BatchConfig, role: str, bounds: tuple[float, float, float, float] | None) -> Any:
    """One input, by role, within ``bounds`` (None: whole)."""
    from .data_sources.files import read_pois, read_streets

    d = cfg.data
    if role in ("streets", "pois"):
        reader = read_streets if role == "streets" else read_pois
        return reader(d[role], layer=d.get(f"{role}_layer"), bbox=bounds)
    from .data_sources.bag import read_bag_gpkg, read_bag_lv

    if _is_lv(d["bag"]):
        return read_bag_lv(d["bag"], bbox=bounds, snapshot_date=d.get("bag_snapshot_date"))
    return read_bag_gpkg(d["bag"], bbox=bounds, layer=d.get("bag_layer", "verblijfsobject"),
                         snapshot_date=d.get("bag_snapshot_date"))


def _indexed(cfg: BatchConfig, role: str) -> bool:
    from .data_sources.files import has_spatial_filter

    return has_spatial_filter(cfg.data[role]) and not (role == "bag" and _is_lv(cfg.data[role]))


def _within(cfg: BatchConfig, role: str, bounds: tuple[float, float, float, float]) -> Any:
    """``role`` within ``bounds``: a filtered read, or a clip of the whole input read once."""
    if _indexed(cfg, role):
        return _read(cfg, role, bounds)
    key = _stat_key(cfg, role)
    if _WHOLE.get(role, (None,))[0] != key:
        _WHOLE[role] = (key, _read(cfg, role, None))
    import shapely

    return _clip(_WHOLE[role][1], shapely.box(*bounds))


def _clip(frame: Any, geom: Any) -> Any:
    idx = frame.sindex.query(geom, predicate="intersects")
    out = frame.iloc[sorted(idx)].copy()
    out.attrs = dict(frame.attrs)
    return out


def _quiet() -> None:
    logging.getLogger("wijkkracht").setLevel(logging.ERROR)


def _read_partition(cfg: BatchConfig, bounds: tuple[float, float, float, float],
                    prepared: Path | None, quiet: bool = False) -> dict[str, Any]:
    """The inputs of one partition: streets, POIs, BAG and placed establishments."""
    if quiet:
        _quiet()
    data = {"streets": _within(cfg, "streets", bounds), "pois": _within(cfg, "pois", bounds)}
    if "bag" in cfg.data:
        m = _JOIN_MARGIN
        data["bag"] = _within(cfg, "bag", (bounds[0] - m, bounds[1] - m,
                                           bounds[2] + m, bounds[3] + m))
        if prepared is not None:
            from .data_sources.establishments import ReadResult, establishments_on_bag

            est = _bucketed_establishments(prepared, data["bag"], bounds)
            placed = establishments_on_bag(ReadResult(est, est.iloc[:0], {}, {}, "buckets"),
                                           data["bag"])
            data["establishments"] = placed.matched
    return data


# --- establishments: read once, bucketed for the partitions ------------------------------------

def _buckets_of(postcode: Any, vbo_id: Any, x: Any, y: Any) -> Any:
    """Bucket names: ``P<pc4>``, else ``G<first 4 digits of the BAG id>``, else ``T<tile>``."""
    import numpy as np
    import pandas as pd

    pc = pd.Series(postcode).fillna("").astype(str).str.replace(" ", "").str.upper()
    vbo = pd.Series(vbo_id).fillna("").astype(str).str.strip()
    xs = pd.to_numeric(pd.Series(x), errors="coerce").to_numpy(float)
    ys = pd.to_numeric(pd.Series(y), errors="coerce").to_numpy(float)
    tiles = np.where(np.isfinite(xs) & np.isfinite(ys),
                     [f"T{int(a // _TILE)}_{int(b // _TILE)}" if np.isfinite(a) and np.isfinite(b)
                      else "U" for a, b in zip(xs, ys, strict=True)], "U")
    return np.where(pc.str.fullmatch(r"\d{4}[A-Z]{2}").to_numpy(), "P" + pc.str[:4],
                    np.where(vbo.str.fullmatch(r"\d{16}").to_numpy(), "G" + vbo.str[:4], tiles))


def _prepare_establishments(cfg: BatchConfig) -> tuple[Path, dict[str, Any]] | None:
    """Read the establishments once into ``<out>/prepared/establishments-<hash>/`` buckets.

    Reused while the export, the mapping and the tool version are unchanged; written to a
    temporary folder and renamed into place, so a killed run leaves no half-prepared data.
    """
    if "establishments" not in cfg.data:
        return None


    files = {k: cfg.data[k] for k in ("establishments", "mapping") if k in cfg.data}
    key = hashlib.sha256(json.dumps({
        "version": __version__, "scheme": 2,
        "files": {k: {n: v for n, v in _fingerprint(p).items() if n != "path"}
                  for k, p in files.items()}}, sort_keys=True).encode()).hexdigest()[:16]
    root = cfg.out / "prepared"
    folder = root / f"establishments-{key}"
    if (folder / "counts.json").is_file():
        return folder, json.loads((folder / "counts.json").read_text(encoding="utf-8"))
    tmp = root / f".{folder.name}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir(parents=True)
    try:
        counts: dict[str, int] = {}
        names: set[str] = set()
        source = str(cfg.data["establishments"])
        for i, read in enumerate(_establishment_chunks(cfg)):
            est = read.establishments
            buckets = _buckets_of(est["postcode"], est["vbo_id"], est["x"], est["y"])
            names.update(buckets)
            if i == 0:
                est.iloc[:0].to_parquet(tmp / "_schema.parquet", index=False)
            # one file per chunk, sorted by bucket in small row groups: a partition reads
            # only the row groups of its buckets (by their statistics)
            est = est.assign(bucket=buckets).sort_values("bucket", kind="stable")
            est.to_parquet(tmp / f"part-{i:05d}.parquet", index=False,
                           row_group_size=_BUCKET_ROW_GROUP)
            for k, v in read.counts.items():
                counts[k] = counts.get(k, 0) + int(v)
            source = read.source
        info = {"counts": counts, "source": source, "buckets": len(names)}
        (tmp / "counts.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in root.glob("establishments-*"):  # earlier exports are not needed any more
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return folder, info


#: Rows per row group of the prepared establishments (a partition reads whole row groups).
_BUCKET_ROW_GROUP = 2_000
#: Rows of the establishments export read at a time.
ESTABLISHMENT_CHUNK_ROWS = 250_000


def _establishment_chunks(cfg: BatchConfig) -> Any:
    """The establishments export as :class:`ReadResult` chunks: a CSV streamed
    (:func:`~wijkkracht.data_sources.establishments.iter_establishments_csv`), a GeoPackage
    whole."""
    from .data_sources.establishments import iter_establishments_csv, read_establishments

    path = cfg.data["establishments"]
    if path.suffix.lower() == ".gpkg":
        yield read_establishments(path, mapping=cfg.data.get("mapping"))
        return
    yield from iter_establishments_csv(path, mapping=cfg.data.get("mapping"),
                                       chunk_rows=ESTABLISHMENT_CHUNK_ROWS)


def _bucketed_establishments(folder: Path, bag: Any,
                             bounds: tuple[float, float, float, float]) -> Any:
    """The prepared establishments that can match ``bag``'s units (by bucket)."""
    import pandas as pd

    names = set(_buckets_of(bag["postcode"], bag["identificatie"],
                            [None] * len(bag), [None] * len(bag)))
    m = _JOIN_MARGIN
    for tx in range(int((bounds[0] - m) // _TILE), int((bounds[2] + m) // _TILE) + 1):
        for ty in range(int((bounds[1] - m) // _TILE), int((bounds[3] + m) // _TILE) + 1):
            names.add(f"T{tx}_{ty}")
    import pyarrow.dataset as ds

    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return pd.read_parquet(folder / "_schema.parquet")
    table = ds.dataset(parts, format="parquet").to_table(
        filter=ds.field("bucket").isin(sorted(names)))
    return table.to_pandas().drop(columns="bucket").reset_index(drop=True)


# --- one area ------------------------------------------------------------------------------------

def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _run_area(cfg: BatchConfig, code: str, area_row: Any, digest: str,
              data: dict[str, Any], quiet: bool = False) -> dict[str, Any]:
    """Analyse one area and write its GeoPackage and done record.

    Returns ``{"code", "error" (None or one line), "seconds", "peak_mb", "worker"}``.
    """
    import os
    import socket

    if quiet:  # a worker process: its log would interleave with the progress
        _quiet()
    t0 = time.perf_counter()
    error = None
    try:
        import geopandas as gpd

        from .core.pipeline import analyse
        from .output.atomic import write_atomically
        from .output.gpkg import write_gpkg

        area = gpd.GeoDataFrame(area_row, geometry="geometry", crs="EPSG:28992")
        geom = area.geometry.union_all()
        buffered = geom.buffer(cfg.buffer)
        # only the keys given are passed: a configuration without them runs as before
        kwargs: dict[str, Any] = {
            **_analysis_kwargs(cfg.analysis), "areas": area,
            "sources": [{"name": f"{role}: {p.name}", "path": str(p)}
                        for role, p in cfg.inputs().items()],
        }
        # the zones of the spending flows default to ``areas``, i.e. this one area: its
        # shares (kept in the area, leaking out, beyond reach) become the spend_* columns of
        # the areas layer (an explicit spending_zones would leave them out)
        if "bag" in data:
            kwargs["bag"] = _clip(data["bag"], buffered)
            if "establishments" in data:
                kwargs["establishments"] = _clip(data["establishments"], buffered)
        study = gpd.GeoDataFrame({"name": list(area["area_name"])}, geometry=[geom],
                                 crs="EPSG:28992").iloc[:1]
        result = analyse(_clip(data["streets"], buffered), _clip(data["pois"], buffered),
                         study, **kwargs)
        _add_euro_columns(result)
        folder = cfg.out / "areas"
        write_gpkg(result, folder / f"{code}.gpkg", lang=cfg.lang)
        record = {"area_code": code, "hash": digest, "version": __version__,
                  "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "segments": len(result.streets),
                  "bag_snapshot_date": (data["bag"].attrs.get("bag", {}).get("snapshot_date")
                                        if "bag" in data else None),
                  "establishments_nearby": (len(kwargs["establishments"])
                                            if "establishments" in kwargs else None),
                  "hours_week": result.metadata.get("opening_hours", {}).get("week")}
        write_atomically(folder / f"{code}.json",
                         lambda tmp: tmp.write_text(json.dumps(record, indent=1), encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - one area's failure is reported, the rest go on
        error = _one_line(exc)
    if quiet:
        _release_memory()
    return {"code": code, "error": error, "seconds": time.perf_counter() - t0,
            "peak_mb": _peak_mb(), "worker": f"{socket.gethostname()}:{os.getpid()}"}


def _add_euro_columns(result: Any) -> None:
    """With ``spending_per_dwelling``: the euro amounts of the area's spending zone
    (``retained_eur``, ``leaked_eur``, ``drawn_eur``; the user's assumption times the flows)
    added to its ``areas`` row as ``spend_*_eur``, so that they are merged (``analyse`` puts
    them in the ``spending_zones`` table only, which the merge leaves per area)."""
    spend, areas = result.spending, getattr(result, "areas", None)
    if spend is None or areas is None:
        return
    cols = [c for c in spend.zones.columns if str(c).endswith("_eur")]
    by_code = spend.zones.set_index("code")
    for col in cols:
        areas[f"spend_{col}"] = by_code[col].reindex(
            areas["area_code"].astype(str)).to_numpy(dtype=float)


def _release_memory() -> None:
    """Give a worker's freed memory back to the system after an area.

    A Dask worker runs tasks in a thread, whose glibc arena is not trimmed as the main one is:
    without this a worker's resident memory crept up area after area.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        pass


def _one_line(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return msg if isinstance(exc, WijkkrachtError) else f"{type(exc).__name__}: {msg}"


#: A temporary file of an older version (without the writing process in its name).
_TEMPORARY = re.compile(r"^\.[A-Za-z0-9_.-]+\.(gpkg|json|parquet)\.[0-9a-f]{8}\.tmp\."
                        r"(gpkg|json|parquet)"
                        r"(-journal|-wal|-shm|\.aux\.xml)?$")
_TEMPORARY_DIR = re.compile(r"^\.establishments-[0-9a-f]{16}\.[0-9a-f]{8}\.tmp$")


def _remove_stale_temporaries(cfg: BatchConfig) -> None:
    """Remove what a killed run left: its temporary files in the output folder and in
    ``areas/`` (:func:`wijkkracht.output.atomic.remove_leftovers`: those of a process that
    has ended; and those of an older version, ``.<file>.<hex>.tmp.<ext>``) and its
    half-prepared establishments (``prepared/.establishments-*.tmp``).

    Two runs must not share an output folder at the same time: one would remove the other's
    half-prepared establishments.
    """
    from .output.atomic import remove_leftovers

    for folder in (cfg.out, cfg.out / "areas", cfg.out / "partitions"):
        if not folder.is_dir():
            continue
        remove_leftovers(folder)
        for p in folder.iterdir():
            if _TEMPORARY.match(p.name) and p.is_file():
                p.unlink(missing_ok=True)
    prepared = cfg.out / "prepared"
    if prepared.is_dir():
        for p in prepared.iterdir():
            if _TEMPORARY_DIR.match(p.name) and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


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
    """What :func:`run_batch` did.

    ``worker_peak_mb``: the peak resident memory (MB) of each process that analysed areas
    (``host:pid``); ``seconds``: wall time of the run; ``prepare_seconds``: of reading and
    bucketing the establishments.
    """

    done: list[str]
    skipped: list[str]
    failed: dict[str, str]
    merged: Path | None
    partitions: int = 0
    seconds: float = 0.0
    prepare_seconds: float = 0.0
    worker_peak_mb: dict[str, float] = field(default_factory=dict)


def _duration(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60}:{s % 60:02d}"


def _check_inputs(cfg: BatchConfig, areas: Any) -> None:
    """Fail the run (one line) when an input cannot be read, before any area is tried.

    Indexed inputs are read within the first area's bounding box (cheap); the others are read
    whole, into this process's cache (used by a one-worker run).
    """
    from .core.errors import NoDataError

    b = tuple(float(v) for v in areas.geometry.iloc[:1].total_bounds)
    for role in ("streets", "pois", "bag"):
        if role in cfg.data:
            try:
                _within(cfg, role, b)  # type: ignore[arg-type]
            except NoDataError:
                pass  # nothing in this box is no error of the file


def _dask_client(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    if not log.isEnabledFor(logging.DEBUG):  # -vv shows Dask's own log
        for name in ("distributed", "dask", "tornado"):
            logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError as exc:  # found by _engine; here: a broken installation
        raise InputError(None, f"--workers > 1 and --scheduler need Dask (no module "
                               f"'{exc.name}'): {_DASK_HINT}") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise InputError(None, f"cannot reach the Dask scheduler {scheduler}: "
                                   f"{_one_line(exc)}") from None
    import dask

    # No work stealing: an area task stolen by another worker copies its partition's data
    # there (and builds its spatial index again); partitions already spread the load.
    with dask.config.set({"distributed.scheduler.work-stealing": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, scheduler_kwargs={"dashboard": False},
                               silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _check_scheduler(address: str) -> None:
    """Fail at once (one line) when a tcp:// scheduler does not accept connections."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        return  # other protocols: the Dask client reports
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=10).close()
    except OSError as exc:
        raise InputError(None, f"cannot reach the Dask scheduler {address}: "
                               f"{exc.strerror or exc}") from None


def run_batch(cfg: BatchConfig, *, workers: int | None = None, scheduler: str | None = None,
              say: Callable[[str], None] = lambda s: None) -> BatchSummary:
    """Run every area of ``cfg`` not done yet, then merge; see the module docstring.

    ``workers``/``scheduler`` override the configuration's ``[engine]``. With ``workers > 1``
    worker processes are started (spawned): a script calling this must do so under
    ``if __name__ == "__main__":``. The engine, the packages it needs, the outputs and the
    inputs are checked before any folder or file is made: an error leaves the output folder
    as it was.
    """
    from .data_sources.areas import read_areas

    t_start = time.perf_counter()
    workers, scheduler = _engine(cfg, workers, scheduler)
    _check_outputs(cfg)
    _check_packages(cfg)
    if scheduler:
        _check_scheduler(scheduler)
    try:
        areas = read_areas(cfg.areas_file, layer=cfg.areas_layer,
                           codes=list(cfg.codes) or None, field=cfg.areas_field)
    except InputError as exc:  # the reader names the command line's option: say the key
        raise type(exc)(exc.source, exc.problem.replace("--area-field", "[areas] field")
                        ) from None
    areas = areas.sort_values("area_code").reset_index(drop=True)
    if cfg.unit == "partition":  # the run as one analysis: partitions computed whole
        from .batch_partitions import run_partitions

        return run_partitions(cfg, areas, workers, scheduler, say, t_start)
    rows, skipped, hashes = _plan_areas(cfg, areas)
    todo = areas[areas["area_code"].isin(list(rows))]
    parts = plan_partitions(todo, cfg.buffer, cfg.partition_size)
    say(f"{len(areas)} areas: {len(skipped)} done before, {len(rows)} to do"
        + (f" in {len(parts)} partitions" if parts else ""))
    if rows and cfg.analysis.get("spending") and cfg.buffer < _huff(cfg.analysis).cutoff:
        say(f"warning: areas.buffer ({cfg.buffer:g} m) is less than the spending cut-off "
            f"(analysis.huff_cutoff, {_huff(cfg.analysis).cutoff:g} m): shops beyond the buffer "
            "are not seen, so the spending leaking out of an area is underestimated")
    made: list[Path] = []
    try:
        if rows:  # an unreadable input is an error of the run, not of each area
            _check_inputs(cfg, todo)
        made = _make_folders(cfg, cfg.out / "areas")
        _remove_stale_temporaries(cfg)
        done, failed, peaks, prepare_seconds = _run_areas(cfg, parts, rows, hashes, workers,
                                                          scheduler, say)
    except BaseException:
        _WHOLE.clear()
        _remove_empty(made)  # the folders this run made, when nothing was written in them
        raise
    merged = None
    if not failed:
        from .output.merge import merged_paths

        outputs = merged_paths(cfg.out / cfg.name, cfg.formats)
        merged = outputs[0]
        if done or any(_merged_hashes(p) != hashes for p in outputs):
            _merge(cfg, list(areas["area_code"]), hashes)
            say(f"merged: {', '.join(str(p) for p in outputs)}")
        else:
            say(f"merged output up to date: {', '.join(str(p) for p in outputs)}")
    elif not done:
        _remove_empty(made)
    return BatchSummary(done=done, skipped=skipped, failed=failed, merged=merged,
                        partitions=len(parts), seconds=time.perf_counter() - t_start,
                        prepare_seconds=prepare_seconds, worker_peak_mb=peaks)


def _check_packages(cfg: BatchConfig) -> None:
    """The packages the configuration needs besides Dask (:func:`_engine`): pyarrow for
    GeoParquet and for the prepared establishments."""
    if "parquet" in cfg.formats and _missing("pyarrow"):
        raise InputError(cfg.path, f"formats: GeoParquet needs pyarrow, which is not installed: "
                                   f"{_DASK_HINT} (or formats = [\"gpkg\"])")
    if "establishments" in cfg.data and _missing("pyarrow"):
        raise InputError(cfg.path, "data.establishments: batch runs with establishments need "
                                   f"pyarrow, which is not installed: {_DASK_HINT}")


def _plan_areas(cfg: BatchConfig, areas: Any) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The areas to do (code -> row), those done before (their record matches) and every
    area's hash."""
    folder = cfg.out / "areas"
    rows, skipped, hashes = {}, [], {}
    run = _run_payload(cfg)
    for i in range(len(areas)):
        row = areas.iloc[[i]]
        code = str(row["area_code"].iloc[0])
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", code) or code in (".", ".."):
            raise InputError(cfg.areas_file, f"area code {code!r} cannot be a file name")
        hashes[code] = _area_hash(cfg, code, row.geometry.iloc[0].wkb, run)
        if _is_done(folder, code, hashes[code]):
            skipped.append(code)
        else:
            rows[code] = row
    return rows, skipped, hashes


def _make_folders(cfg: BatchConfig, folder: Path) -> list[Path]:
    """Make ``folder`` (with its parents); the folders made, deepest first."""
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(cfg.path, f"out: cannot make {folder}: {exc.strerror or exc}") from None
    return made


def _remove_empty(made: list[Path]) -> None:
    """Remove the folders of ``made`` (deepest first) that are empty."""
    for path in made:
        try:
            path.rmdir()
        except OSError:
            return


def _run_areas(cfg: BatchConfig, parts: list[Partition], rows: dict[str, Any],
               hashes: dict[str, str], workers: int, scheduler: str | None,
               say: Callable[[str], None]
               ) -> tuple[list[str], dict[str, str], dict[str, float], float]:
    """Analyse the areas of ``rows``: done, failed (code -> one line), peak memory per
    worker and the seconds spent preparing the establishments."""
    done: list[str] = []
    failed: dict[str, str] = {}
    peaks: dict[str, float] = {}
    prepare_seconds = 0.0
    t0 = time.perf_counter()

    def report(code: str, error: str | None, outcome: dict[str, Any] | None = None) -> None:
        if outcome:
            peaks[outcome["worker"]] = max(peaks.get(outcome["worker"], 0.0), outcome["peak_mb"])
        if error is None:
            done.append(code)
        else:
            failed[code] = error
            print(f"wijkkracht: area {code} failed: {error}", file=sys.stderr, flush=True)
        n = len(done) + len(failed)
        elapsed = time.perf_counter() - t0
        eta = elapsed / n * (len(rows) - n)
        say(f"[{n}/{len(rows)}] {code} {'done' if error is None else 'FAILED'} "
            f"({len(failed)} failed, {len(rows) - n} remaining, "
            f"{60 * n / max(elapsed, 1e-9):.1f} areas/min, ETA {_duration(eta)})")

    if not rows:
        return done, failed, peaks, prepare_seconds
    t_prep = time.perf_counter()
    prepared = _prepare_establishments(cfg)
    prepare_seconds = time.perf_counter() - t_prep
    if prepared:
        say(f"establishments: {prepared[1]['counts'].get('valid', 0)} read into "
            f"{prepared[1]['buckets']} buckets ({prepare_seconds:.1f} s)")
    prep_folder = prepared[0] if prepared else None
    t0 = time.perf_counter()
    try:
        if workers == 1 and not scheduler:
            _run_here(cfg, parts, rows, hashes, prep_folder, report)
        else:
            _WHOLE.clear()  # read by the check; the workers read their own
            _run_dask(cfg, parts, rows, hashes, prep_folder, report, workers, scheduler, say)
    finally:
        _WHOLE.clear()  # the inputs are not kept in memory after the run
    return done, failed, peaks, prepare_seconds


def _run_here(cfg: BatchConfig, parts: list[Partition], rows: dict[str, Any],
              hashes: dict[str, str], prepared: Path | None,
              report: Callable[..., None]) -> None:
    """One worker: the partitions one after the other, in this process."""
    for part in parts:
        try:
            data = _read_partition(cfg, part.bounds, prepared)
        except Exception as exc:  # noqa: BLE001 - the partition's areas fail, the rest go on
            for code in part.codes:
                report(code, f"reading the inputs of partition {part.key}: {_one_line(exc)}")
            continue
        for code in part.codes:
            outcome = _run_area(cfg, code, rows[code], hashes[code], data)
            report(code, outcome["error"], outcome)
        del data


def _run_dask(cfg: BatchConfig, parts: list[Partition], rows: dict[str, Any],
              hashes: dict[str, str], prepared: Path | None, report: Callable[..., None],
              workers: int, scheduler: str | None, say: Callable[[str], None]) -> None:
    """A Dask cluster: one task per partition read, one per area depending on it."""
    client, cluster = _dask_client(workers, scheduler)
    from distributed import as_completed

    try:
        n = len(client.scheduler_info().get("workers", {}))
        say(f"Dask: {'scheduler ' + scheduler if scheduler else 'local cluster'}, "
            f"{n} worker{'s' if n != 1 else ''}")
        run = secrets.token_hex(4)
        futures = {}
        for part in parts:
            data = client.submit(_read_partition, cfg, part.bounds, prepared, True,
                                 key=f"wijkkracht-read-{part.key}-{run}", pure=False)
            for code in part.codes:
                fut = client.submit(_run_area, cfg, code, rows[code], hashes[code], data, True,
                                    key=f"wijkkracht-area-{code}-{run}", pure=False)
                futures[fut] = (code, part.key)
            del data  # released on the cluster once its areas are done
        for fut in as_completed(list(futures)):
            code, key = futures.pop(fut)
            try:
                outcome = fut.result()
                report(code, outcome["error"], outcome)
            except Exception as exc:  # noqa: BLE001 - partition read failed or worker died
                report(code, f"partition {key}: {_one_line(exc)}")
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _merged_hashes(path: Path, unit: str = "areas") -> dict[str, str] | None:
    """The area (or, with ``unit="partitions"``, partition) hashes recorded in a merged
    GeoPackage or GeoParquet file (None: no such file, or no record)."""
    if not path.is_file():
        return None
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            text = (pq.read_schema(path).metadata or {})[b"WIJKKRACHT_BATCH"].decode()
        else:
            import pyogrio

            text = (pyogrio.read_info(path, layer="streets").get("dataset_metadata")
                    or {})["WIJKKRACHT_BATCH"]
        return json.loads(text).get(unit)
    except Exception:  # noqa: BLE001 - unreadable or foreign: merge again
        return None


def _prepared_counts(cfg: BatchConfig) -> dict[str, Any] | None:
    """What reading the establishments export counted (rows read, valid, rejected, ...)."""
    if "establishments" not in cfg.data:
        return None
    for p in sorted((cfg.out / "prepared").glob("establishments-*/counts.json")):
        return json.loads(p.read_text(encoding="utf-8"))
    return None


#: Segments a batch reads to describe its typology model (a seeded sample over the areas).
RUN_MODEL_SAMPLE = 20_000


def _run_typology(cfg: BatchConfig, codes: list[str]) -> dict[str, Any]:
    """The typology of the run, for the provenance: the model given, or the model of the
    rules (the same in every area) fitted on a seeded sample of every area's segments and
    written as ``<out>/<name>_typology_model.json``; k-means types are per area."""
    an = cfg.analysis
    if an.get("typology_model"):
        return {"model": an["typology_model"], "method": "model given",
                "note": "one typology model for every area"}
    if "k" in an or "k_range" in an:
        return {"model": None, "method": "kmeans",
                "note": "k-means types are clustered per area and do not compare across "
                        "areas: fit one model with 'wijkkracht typology fit' and give it as "
                        "analysis.typology_model"}
    import numpy as np
    import pandas as pd
    import pyogrio

    from .core.archetypes import NAMING_COLUMNS
    from .core.typology import classify_streets, layer_domain
    from .core.typology_features import typology_features
    from .output.typology_model import write_typology_model

    folder = cfg.out / "areas"
    sizes = {c: int(json.loads((folder / f"{c}.json").read_text(encoding="utf-8"))
                    .get("segments", 0)) for c in codes}
    total = max(1, sum(sizes.values()))
    options = analysis_options()
    rng = np.random.default_rng(an.get("seed", options["seed"].default))
    frames = []
    for code in codes:
        path = folder / f"{code}.gpkg"
        have = pyogrio.read_info(path, layer="streets")["fields"]
        wanted = [c for c in dict.fromkeys([*typology_features(have), *NAMING_COLUMNS,
                                            "is_street", "fronting_n"]) if c in set(have)]
        frame = pyogrio.read_dataframe(path, layer="streets", columns=wanted,
                                       read_geometry=False)
        domain = layer_domain(frame, an.get("typology_segments",
                                            options["typology_segments"].default), code)
        frame = frame[domain]
        take = min(len(frame), int(np.ceil(RUN_MODEL_SAMPLE * sizes[code] / total)))
        frames.append(frame.iloc[np.sort(rng.choice(len(frame), take, replace=False))])
    sample = pd.concat(frames, ignore_index=True)
    if len(sample) < 3:
        return {"model": None, "method": "rules", "note": "too few segments for a model"}
    typ = classify_streets(sample, features=list(typology_features(sample.columns)),
                           contiguous=False, fitted_on={"areas": len(codes),
                                                        "sample": "seeded, per area by size",
                                                        "config": str(cfg.path)})
    typ.model.contiguous = bool(an.get("contiguous", options["contiguous"].default))
    path = write_typology_model(typ.model, cfg.out / f"{cfg.name}_typology_model.json")
    return {"model": str(path), "method": "rules",
            "note": "the same written rules in every area: one model for the run"}


def run_provenance(cfg: BatchConfig, folder: Path, names: list[str]) -> dict[str, Any]:
    """What every merged output records of its run: the tool, the configuration, the inputs
    (with sizes and modification times), the BAG snapshot dates and opening-hours weeks of
    the done records ``<folder>/<name>.json``, the establishments read and the parameters."""
    snapshots: set[str] = set()
    weeks: set[str] = set()
    for name in names:
        record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if record.get("bag_snapshot_date"):
            snapshots.add(str(record["bag_snapshot_date"]))
        if record.get("hours_week"):
            weeks.add(str(record["hours_week"]))
    return {
        "tool": "wijkkracht", "version": __version__, "config": str(cfg.path),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": {role: {**_fingerprint(p), "modified": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(p.stat().st_mtime))}
            for role, p in cfg.inputs().items()},
        "bag_snapshot_dates": sorted(snapshots),
        **({"hours_weeks": sorted(weeks)} if weeks else {}),
        "establishments": _prepared_counts(cfg),
        "parameters": _parameters(cfg),
    }


def _merge(cfg: BatchConfig, codes: list[str], hashes: dict[str, str]) -> Path:
    """Merge the per-area streets and area summaries into ``<out>/<name>.gpkg`` (and/or
    GeoParquet, ``cfg.formats``) atomically, one area at a time
    (:func:`wijkkracht.output.merge.merge_area_outputs`); returns the first output."""
    from .output.merge import merge_area_outputs

    folder = cfg.out / "areas"
    provenance = {**run_provenance(cfg, folder, codes),
                  "areas": {c: hashes[c] for c in codes}, "typology": _run_typology(cfg, codes)}
    meta = {"WIJKKRACHT_BATCH": json.dumps(provenance, sort_keys=True, default=str)}
    model_file = provenance["typology"].get("model")
    if model_file:  # the run's model in the merged file too: read_typology_model reads it
        from .data_sources.typology_model import MODEL_METADATA, read_typology_model

        meta[MODEL_METADATA] = read_typology_model(model_file).to_json()
    return merge_area_outputs([(code, folder / f"{code}.gpkg") for code in codes],
                              cfg.out / cfg.name, formats=cfg.formats, metadata=meta)[0]


def add_batch_parser(sub: Any) -> None:
    """Register ``wijkkracht batch CONFIG [--workers N]``."""
    p = sub.add_parser("batch", help="run many areas from a TOML configuration (resumable)",
                       description="Run the analysis area by area from a TOML configuration "
                                   "(see examples/batch.toml), or gemeente by gemeente as one "
                                   "analysis with [engine] unit = \"partition\" (each street "
                                   "once, one typology model: for national runs); finished "
                                   "work is skipped on a re-run, and all areas are merged into "
                                   "one GeoPackage.")
    p.add_argument("config", type=Path, metavar="CONFIG", help="the TOML configuration")
    p.add_argument("--workers", type=_workers_arg, default=None, metavar="N",
                   help="areas analysed in parallel: N single-threaded processes of a local "
                        f"Dask cluster, at most {WORKERS_PER_CPU} per CPU (default: "
                        "engine.workers of the configuration, else 1: in this process)")
    p.add_argument("--scheduler", type=_scheduler_arg, default=None, metavar="tcp://HOST:PORT",
                   help="send the areas to this dask.distributed scheduler (its workers need "
                        "wijkkracht and the input/output paths); default: engine.scheduler")
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
        summary = run_batch(cfg, workers=args.workers, scheduler=args.scheduler, say=say)
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
