"""Merge per-area results into one GeoPackage and/or GeoParquet files, streaming.

A batch run (:mod:`wijkkracht.batch`) leaves one GeoPackage per area with the layers
``streets`` (the analysed segments, including the buffer around the area), ``areas`` (the
area's summary row) and ``named_streets`` (the area's named streets,
:func:`wijkkracht.core.streets.named_streets`). :func:`merge_area_outputs` merges them area by
area:

1. *Schema pass* (cheap: :func:`pyogrio.read_info` per part, no features read): the union of
   the fields of every part, in order of first appearance, and one type per field. A field
   whose type differs between parts is checked for values (only that field is read): a part
   where it is all null (e.g. written as float NaN or as empty text) does not decide the type.
   Types are promoted as little as needed: integers of any width and booleans -> integer,
   with a real -> real, anything with text -> text; a field missing from a part is null there
   (integers and booleans stay integers and booleans: nullable).
2. *Data pass*: per part, its ``streets`` are kept where the segment's midpoint lies in the
   area (:func:`wijkkracht.core.areas.assign_segments`, as in the area summary), an
   ``area_code`` column is put first (in ``named_streets`` too), and the layers are made to
   conform to the union. They
   are buffered up to ``batch_rows`` rows (or about two million coordinates) per layer (16
   parts at a time concatenated into one frame: a small frame costs more than its rows), and
   then appended to the outputs, so memory is bounded by one batch and one area, never by
   the whole run.

Outputs of ``dest_base`` (e.g. ``out/kanaleneiland``):

``"gpkg"``
    ``<dest_base>.gpkg`` with the layers ``streets``, ``areas`` and ``named_streets``
    (EPSG:28992, spatial index), ``metadata`` as the GeoPackage's dataset metadata.
``"parquet"``
    ``<dest_base>_streets.parquet``, ``<dest_base>_areas.parquet`` and
    ``<dest_base>_named_streets.parquet``: GeoParquet 1.0.0
    (geometry column ``geometry``, WKB, with ``geometry_types``, the PROJJSON CRS of EPSG:28992
    and the ``bbox`` in the ``geo`` metadata), one row group per batch, ``metadata`` as further
    key-value metadata. Needs pyarrow (``pip install 'wijkkracht[batch]'``).

Named streets. Each area's named streets are merged as its own analysis made them, with the
area's ``area_code``: they are made from the segments of the area's study area (midpoint in
the area), so a street that an area border cuts is one row per area, each with the part of the
street in that area (its length, type shares and indicators along that part). The rows are not
joined across areas (their ``street_id`` parts are numbered per area, and the same name in two
villages is two streets). A segment whose midpoint lies *on* the border (area boundaries often
follow street centre lines) is in the study area of both areas, so a street along a border is
a row of both areas, while the merged ``streets`` give each such segment to the first area only
(as the area summaries count it): add up named-street lengths per area, not across areas.
The per-area layer is optional: a part written before it existed has none and adds no rows;
when no part has one the layer is written empty.

Only :data:`LAYERS` are merged; the other tables of a per-area GeoPackage are knowingly left
where they are (read by name, they do not disturb the merge): ``typology_profile`` (types are
per area), ``opening_profile`` and ``spending_catchment`` (non-spatial, keyed by the area's own
``segment_id`` of its buffered network), ``spending_zones`` (with a batch's one zone per area it
repeats the ``spend_*`` columns the ``areas`` layer already carries) and ``spending_scenarios``
(per area). The per-segment (``spend_kept_share``, hour columns) and per-area (``spend_*``)
columns are merged with the rest: the schema is the union of the parts'.

All outputs are written to temporary files beside their destinations and published together
(:func:`wijkkracht.output.atomic.publish`): a failure anywhere leaves no new file, no
temporary file, and every previous output as it was.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError, OutputError
from .atomic import SIDE_FILE_SUFFIXES, publish, temporary_name

__all__ = ["merge_area_outputs", "merged_paths", "FORMATS", "LAYERS", "DEFAULT_BATCH_ROWS"]

#: Output formats of :func:`merge_area_outputs`.
FORMATS = ("gpkg", "parquet")
#: The layers of a per-area GeoPackage that are merged, in the order they are written.
LAYERS = ("streets", "areas", "named_streets")
#: Merged layers a part may lack (written before they existed): it then adds no rows.
OPTIONAL_LAYERS = ("named_streets",)
#: Merged layers that get the part's ``area_code`` as their first column.
_CODED_LAYERS = ("streets", "named_streets")
#: Rows per layer buffered before they are appended (and per GeoParquet row group).
DEFAULT_BATCH_ROWS = 65_536
#: Coordinates per layer buffered before they are appended (detailed area polygons).
MAX_BATCH_COORDINATES = 2_000_000

#: Buffered frames concatenated into one at a time (see :class:`_Buffer`).
_COMPACT_FRAMES = 16

_CRS = "EPSG:28992"
_GEOMETRY = "geometry"
_PYARROW_HINT = "GeoParquet output needs pyarrow: pip install 'wijkkracht[batch]'"


def merged_paths(dest_base: str | os.PathLike[str], formats: Iterable[str] = ("gpkg",)
                 ) -> list[Path]:
    """The files :func:`merge_area_outputs` writes for ``dest_base`` and ``formats``, in order.

    Examples
    --------
    >>> [p.name for p in merged_paths("out/nl.v2", ("gpkg", "parquet"))]
    ['nl.v2.gpkg', 'nl.v2_streets.parquet', 'nl.v2_areas.parquet', 'nl.v2_named_streets.parquet']
    """
    base = Path(dest_base)
    out: list[Path] = []
    for fmt in _check_formats(formats):
        if fmt == "gpkg":
            out.append(base.with_name(f"{base.name}.gpkg"))
        else:
            out.extend(base.with_name(f"{base.name}_{layer}.parquet") for layer in LAYERS)
    return out


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"formats must be one or more of {FORMATS}, got {tuple(formats)!r}")
    return tuple(f for f in FORMATS if f in chosen)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise OutputError(_PYARROW_HINT) from None
    return pa, pq


@functools.lru_cache(maxsize=1)
def _crs() -> Any:
    """EPSG:28992 as a pyproj CRS, made once (geopandas would parse the text every time)."""
    from pyproj import CRS

    return CRS.from_user_input(_CRS)


def _short(exc: BaseException) -> str:
    """GDAL's (or SQLite's) error in our words, the same with every GDAL version, cut at a
    word (:func:`wijkkracht.data_sources.file_checks.gdal_reason`)."""
    from ..data_sources.file_checks import gdal_reason

    return gdal_reason(exc)


# --- the schema pass -----------------------------------------------------------------------

_INT_BITS = {"bool": 16, "int16": 16, "int32": 32, "int64": 64}


def _kind(dtype: str, ogr_type: str | None) -> str:
    """The column type of a field as pyogrio reads it: an int/float/bool numpy dtype name,
    ``datetime64[..]``, ``bytes`` (binary) or ``str`` (text and anything else)."""
    if dtype in _INT_BITS or dtype in ("float32", "float64") or dtype.startswith("datetime64"):
        return dtype
    if dtype.startswith(("int", "uint")):
        return "int64"
    return "bytes" if ogr_type == "OFTBinary" else "str"


def _promote(kinds: Sequence[str]) -> str:
    """One type that holds values of every type in ``kinds`` (see the module docstring)."""
    unique = list(dict.fromkeys(kinds))
    if len(unique) == 1:
        return unique[0]
    if all(k == "bool" or k.startswith(("int", "float")) for k in unique):
        if any(k.startswith("float") for k in unique):
            return "float64"
        return f"int{max(_INT_BITS[k] for k in unique)}"
    if all(k.startswith("datetime64") for k in unique):
        return "datetime64[ms]"
    return "str"


def _union_geometry_type(types: Iterable[str]) -> tuple[str, bool]:
    """(geometry type, promote to multi) for the declared types of the parts that have
    features; a single type and its multi type give the multi type (promoted), as pyogrio
    infers it for the data in one frame."""
    found = {t for t in types if t}
    if not found:
        return "Unknown", False
    z = any(t.endswith(" Z") for t in found)
    base = {t[:-2] if t.endswith(" Z") else t for t in found}
    promote = False
    if len(base) == 1:
        name = base.pop()
    elif len(base) == 2 and any(f"Multi{t}" in base for t in base):
        name, promote = next(t for t in base if t.startswith("Multi")), True
    else:
        name = "Unknown"
    return (f"{name} Z" if z and name != "Unknown" else name), promote


@dataclass
class _LayerSchema:
    """The union of one layer over all parts."""

    layer: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> kind, in output order
    geometry_type: str = "Unknown"
    promote_to_multi: bool = False
    #: Declared geometry types of the parts with features (GeoParquet without late metadata).
    declared: set[str] = field(default_factory=set)


def _read_info(path: Path, layer: str) -> dict[str, Any]:
    import pyogrio

    try:
        return pyogrio.read_info(path, layer=layer)
    except Exception as exc:  # noqa: BLE001 - pyogrio raises DataSourceError, DataLayerError...
        raise InputError(path, f"cannot read the {layer!r} layer of this area result "
                               f"({_short(exc)})") from exc


def _crs_ok(crs: str | None) -> bool:
    return crs is None or crs.upper() == _CRS


_GPKG_TYPES = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
               "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
               "MULTIPOLYGON": "MultiPolygon", "GEOMETRYCOLLECTION": "GeometryCollection",
               "GEOMETRY": "Unknown"}


def _gpkg_layer(path: Path, layer: str) -> tuple[tuple[tuple[str, str], ...], str, bool] | None:
    """(the layer's columns and their declared SQLite types, geometry type, has features),
    read from the GeoPackage with sqlite3 (well under a millisecond, where GDAL's open takes
    several); None when that is not possible (not a GeoPackage, not in EPSG:28992, unreadable
    table), and :func:`pyogrio.read_info` must tell."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, OSError, ValueError):
        return None
    quoted = '"' + layer.replace('"', '""') + '"'
    try:
        with contextlib.closing(con):
            geom = con.execute("SELECT column_name, geometry_type_name, z, srs_id "
                               "FROM gpkg_geometry_columns WHERE table_name = ?",
                               (layer,)).fetchone()
            if geom is None or geom[3] != 28992 or geom[2] not in (0, 1, 2):
                return None
            columns = con.execute(f"PRAGMA table_info({quoted})").fetchall()
            # not injectable: ``layer`` is a table gpkg_geometry_columns lists (checked above),
            # written as a quoted identifier with its double quotes doubled
            first = con.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # nosec B608
            has_features = first.fetchone() is not None
    except sqlite3.Error:
        return None
    name = _GPKG_TYPES.get(str(geom[1]).upper())
    if name is None or not columns:
        return None
    if geom[2] == 1 and name != "Unknown":
        name = f"{name} Z"
    signature = tuple((str(c[1]), str(c[2]).upper()) for c in columns
                      if c[1] != geom[0] and not c[5])
    return signature, name, has_features


def _layer_kinds(info: dict[str, Any], layer: str) -> tuple[tuple[str, str], ...]:
    """(field, kind) of a pyogrio.read_info, without a streets layer's own ``area_code``."""
    ogr = info.get("ogr_types")
    return tuple((str(name), _kind(str(dtype), None if ogr is None else str(ogr[i])))
                 for i, (name, dtype) in enumerate(zip(info["fields"], info["dtypes"],
                                                       strict=True))
                 if not (layer in _CODED_LAYERS and name == "area_code"))


def _has_layer(path: Path, layer: str) -> bool:
    """Whether the part has ``layer`` (sqlite3 on a GeoPackage; else GDAL)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        with contextlib.closing(con):
            return con.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?",
                               (layer,)).fetchone() is not None
    except (sqlite3.Error, OSError, ValueError):
        import pyogrio

        try:
            return layer in {str(n) for n, _ in pyogrio.list_layers(path)}
        except Exception as exc:  # noqa: BLE001
            raise InputError(path, f"cannot read this area result ({_short(exc)})") from exc


def _collect_schemas(parts: Sequence[tuple[str, Path]]) -> dict[str, _LayerSchema]:
    """Pass 1: the union schema of each layer.

    A part's columns and declared types are read with sqlite3; :func:`pyogrio.read_info`
    (which gives the types as pyogrio reads them) is asked once per distinct set of declared
    types, and for every part that sqlite3 cannot read this way. A field whose type differs
    between parts is read, alone, to see where it holds values.
    """
    import pyogrio

    schemas: dict[str, _LayerSchema] = {}
    for layer in LAYERS:
        # identical schemas are stored once: memory O(distinct schemas + parts), not O(fields)
        distinct: dict[tuple[tuple[str, str], ...], int] = {}
        by_declared: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        per_part: list[int | None] = []
        types: set[str] = set()
        for _, path in parts:
            if layer in OPTIONAL_LAYERS and not _has_layer(path, layer):
                per_part.append(None)  # a part from before the layer existed: no rows
                continue
            quick = _gpkg_layer(path, layer)
            if quick is not None and quick[0] in by_declared:
                sig = by_declared[quick[0]]
                geometry_type, has_features = quick[1], quick[2]
            else:
                info = _read_info(path, layer)
                if not _crs_ok(info.get("crs")):
                    raise InputError(path, f"the {layer!r} layer is in {info['crs']}, "
                                           f"not {_CRS}")
                sig = _layer_kinds(info, layer)
                geometry_type = info.get("geometry_type")
                has_features = bool(info.get("features"))
                names = [n for n, _ in quick[0]] if quick is not None else None
                if names is not None and names == [str(f) for f in info["fields"]]:
                    by_declared[quick[0]] = sig
            per_part.append(distinct.setdefault(sig, len(distinct)))
            if has_features and geometry_type:
                types.add(str(geometry_type))
        sigs = list(distinct)
        order: dict[str, list[str]] = {"area_code": ["str"]} if layer in _CODED_LAYERS else {}
        for sig in sigs:
            for name, kind in sig:
                kinds = order.setdefault(name, [])
                if kind not in kinds:
                    kinds.append(kind)
        conflicts = {name for name, kinds in order.items() if len(kinds) > 1}
        holding: dict[str, list[str]] = {name: [] for name in conflicts}
        if conflicts:
            for (_, path), sid in zip(parts, per_part, strict=True):
                if sid is None:
                    continue
                mine = {n: k for n, k in sigs[sid] if n in conflicts}
                if not mine:
                    continue
                try:
                    values = pyogrio.read_dataframe(path, layer=layer, columns=list(mine),
                                                    read_geometry=False)
                except Exception as exc:  # noqa: BLE001
                    raise InputError(path, f"cannot read the {layer!r} layer of this area "
                                           f"result ({_short(exc)})") from exc
                for name, kind in mine.items():
                    if kind not in holding[name] and values[name].notna().any():
                        holding[name].append(kind)
        fields: dict[str, str] = {}
        for name, kinds in order.items():
            if name in conflicts:
                fields[name] = _promote(holding[name]) if holding[name] else kinds[0]
            else:
                fields[name] = kinds[0]
        geometry_type, promote = _union_geometry_type(types)
        schemas[layer] = _LayerSchema(layer, fields, geometry_type, promote, types)
    return schemas


# --- making a part conform ---------------------------------------------------------------

def _nullable(kind: str) -> str:
    """The pandas dtype of ``kind`` that can hold nulls."""
    if kind.startswith("int"):
        return f"Int{kind[3:]}"
    if kind == "bool":
        return "boolean"
    if kind in ("str", "bytes"):
        return "object"
    return kind


def _nulls(kind: str, n: int) -> Any:
    import numpy as np
    import pandas as pd

    if kind in ("str", "bytes"):
        return pd.Series([None] * n, dtype=object)
    if kind.startswith("float"):
        return pd.Series(np.full(n, np.nan, dtype=kind))
    return pd.Series(pd.array([None] * n, dtype=_nullable(kind)))


def _is_text(dtype: Any) -> bool:
    import pandas as pd

    return getattr(dtype, "kind", None) == "O" or isinstance(dtype, pd.StringDtype)


def _cast(s: Any, kind: str) -> Any:
    """``s`` (index 0..n-1) as the column type ``kind``; unchanged when it already is."""
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    if kind in ("str", "bytes"):
        if _is_text(dtype):
            return s
        if s.isna().all():
            return _nulls(kind, len(s))
        return s.astype(object).where(s.notna(), None).map(
            lambda v: v if v is None or isinstance(v, str) else str(v))
    if isinstance(dtype, np.dtype) and dtype == np.dtype(kind):
        return s
    if s.isna().all():
        return _nulls(kind, len(s))
    if kind.startswith(("int", "bool")):
        has_nulls = bool(s.isna().any())
        if _is_text(dtype):
            s = pd.to_numeric(s)
        return s.astype(_nullable(kind) if has_nulls else kind)
    if kind.startswith("float"):
        return (pd.to_numeric(s) if _is_text(dtype) else s).astype(kind)
    if kind.startswith("datetime64"):
        return pd.to_datetime(s).astype(kind)
    return s  # pragma: no cover - every kind is handled above


def _to_multi(geometries: Any) -> Any:
    """Points, lines and polygons as multi-geometries of one part (others, nulls unchanged)."""
    import numpy as np
    import shapely

    arr = np.asarray(geometries, dtype=object)
    ids = shapely.get_type_id(arr)
    out = arr.copy()
    for single, build in ((0, shapely.multipoints), (1, shapely.multilinestrings),
                          (3, shapely.multipolygons)):
        sel = np.flatnonzero(ids == single)
        if len(sel):
            out[sel] = build(arr[sel], indices=np.arange(len(sel)))
    return out


def _conform(frame: Any, schema: _LayerSchema) -> Any:
    """``frame`` with the layer's union columns, in order, of the union types (and multi
    geometries where the union is multi, so that every format holds the same)."""
    import geopandas as gpd

    frame = frame.reset_index(drop=True)
    n = len(frame)
    geometry = frame.geometry.values
    if schema.promote_to_multi and n:
        geometry = _to_multi(geometry)
    elif _conforms(frame, schema):  # the usual case: the part has the union schema
        return frame
    columns = {name: (_cast(frame[name], kind) if name in frame.columns else _nulls(kind, n))
               for name, kind in schema.fields.items()}
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=_crs())


def _conforms(frame: Any, schema: _LayerSchema) -> bool:
    """Whether ``frame`` has the union's columns, in order, of its types, and its geometry
    (named ``geometry``) last."""
    import numpy as np

    dtypes = frame.dtypes
    names = list(dtypes.index)
    if names[:-1] != list(schema.fields) or names[-1] != _GEOMETRY or \
            frame.geometry.name != _GEOMETRY:
        return False
    for dtype, kind in zip(dtypes.iloc[:-1], schema.fields.values(), strict=True):
        if kind in ("str", "bytes"):
            if not _is_text(dtype):
                return False
        elif not (isinstance(dtype, np.dtype) and dtype == np.dtype(kind)):
            return False
    return True


def _empty(schema: _LayerSchema) -> Any:
    import geopandas as gpd

    return gpd.GeoDataFrame({name: _nulls(kind, 0) for name, kind in schema.fields.items()},
                            geometry=gpd.GeoSeries([], crs=_crs()).values, crs=_crs())


def _concat(frames: list[Any], schema: _LayerSchema) -> Any:
    """One frame of the batch; a column whose dtype differs between the frames (e.g. int64 in
    one, Int64 with nulls in another) gets the nullable dtype in all of them first."""
    import geopandas as gpd
    import pandas as pd

    if len(frames) == 1:
        return frames[0]
    dtypes = [dict(f.dtypes.items()) for f in frames]
    differ = [name for name in schema.fields
              if any(d[name] != dtypes[0][name] for d in dtypes[1:])]
    for name in differ:
        target = _nullable(schema.fields[name])
        for f in frames:
            s = f[name]
            f[name] = s.astype(object).where(s.notna(), None) if target == "object" \
                else s.astype(target)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry=_GEOMETRY,
                            crs=_crs())


# --- the outputs ---------------------------------------------------------------------------

class _GpkgSink:
    """Appends batches to the layers of one GeoPackage (``streets`` created first)."""

    def __init__(self, dest: Path, tmp: Path, schemas: Mapping[str, _LayerSchema],
                 metadata: Mapping[str, str] | None) -> None:
        self.dest, self.tmp, self.schemas = dest, tmp, schemas
        self.metadata = dict(metadata) if metadata else None
        self.created: set[str] = set()

    def write(self, layer: str, frame: Any) -> None:
        import pyogrio

        if layer != LAYERS[0] and LAYERS[0] not in self.created:
            self.write(LAYERS[0], _empty(self.schemas[LAYERS[0]]))
        if layer in self.created and not len(frame):
            return
        schema = self.schemas[layer]
        extra: dict[str, Any] = {}
        if not self.created and self.metadata:
            extra["dataset_metadata"] = self.metadata
        try:
            pyogrio.write_dataframe(frame, self.tmp, layer=layer, driver="GPKG",
                                    geometry_type=schema.geometry_type,
                                    promote_to_multi=schema.promote_to_multi,
                                    append=layer in self.created, **extra)
        except Exception as exc:  # noqa: BLE001 - pyogrio raises many kinds
            reason = _short(exc).replace(str(self.tmp), str(self.dest))
            raise OutputError(f"{self.dest}: cannot write the {layer!r} layer "
                              f"({reason})") from exc
        self.created.add(layer)

    def finish(self) -> None:
        for layer in LAYERS:
            if layer not in self.created:
                self.write(layer, _empty(self.schemas[layer]))

    def abort(self) -> None:
        pass


_ARROW_TYPES = {"int16": "int16", "int32": "int32", "int64": "int64", "float32": "float32",
                "float64": "float64", "bool": "bool_", "str": "string", "bytes": "binary"}


def _arrow_type(pa: Any, kind: str) -> Any:
    if kind.startswith("datetime64"):
        return pa.timestamp("ms")
    return getattr(pa, _ARROW_TYPES[kind])()


def _projjson() -> dict[str, Any]:
    return _crs().to_json_dict()


def _wkb(geometries: Any) -> Any:
    import shapely

    try:
        return shapely.to_wkb(geometries, flavor="iso")
    except TypeError:  # pragma: no cover - shapely < 2.1: the same bytes for 2D geometries
        return shapely.to_wkb(geometries)


class _ParquetSink:
    """One GeoParquet file of one layer, a row group per batch.

    The ``geo`` metadata (geometry types, bounding box) is known at the end; it is added
    before the footer is written (pyarrow >= 17). With an older pyarrow it is written at the
    start, with the declared geometry types and no bounding box.
    """

    def __init__(self, dest: Path, tmp: Path, schema: _LayerSchema,
                 metadata: Mapping[str, str] | None, batch_rows: int) -> None:
        pa, pq = _pyarrow()
        self.pa, self.dest, self.tmp, self.layer = pa, dest, tmp, schema.layer
        self.batch_rows = batch_rows
        self.metadata = dict(metadata or {})
        self.fields = pa.schema([pa.field(n, _arrow_type(pa, k))
                                 for n, k in schema.fields.items()])
        arrow_schema = self.fields.append(pa.field(_GEOMETRY, pa.binary()))
        self.types: set[str] = set()
        self.bbox: list[float] | None = None
        self.late = hasattr(pq.ParquetWriter, "add_key_value_metadata")
        if not self.late:
            geo = self._geo(sorted(schema.declared))
            arrow_schema = arrow_schema.with_metadata({"geo": json.dumps(geo), **self.metadata})
        self.writer = self._call(pq.ParquetWriter, str(tmp), arrow_schema, compression="zstd",
                                 store_schema=not self.late)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError, ...
            reason = _short(exc).replace(str(self.tmp), str(self.dest))
            raise OutputError(f"{self.dest}: cannot write the {self.layer!r} layer "
                              f"({reason})") from exc

    def _geo(self, types: list[str]) -> dict[str, Any]:
        column: dict[str, Any] = {"encoding": "WKB", "geometry_types": types,
                                  "crs": _projjson()}
        if self.bbox is not None:
            column["bbox"] = self.bbox
        return {"version": "1.0.0", "primary_column": _GEOMETRY, "columns": {_GEOMETRY: column}}

    def write(self, frame: Any) -> None:
        import numpy as np
        import pandas as pd
        import shapely

        if not len(frame):
            return
        geoms = frame.geometry.values
        arr = np.asarray(geoms, dtype=object)
        present = arr[~shapely.is_missing(arr)]
        if len(present):
            z = shapely.has_z(present)
            names = shapely.get_type_id(present)
            for type_id, has_z in set(zip(names.tolist(), z.tolist(), strict=True)):
                name = _GEOM_NAMES[type_id]
                self.types.add(f"{name} Z" if has_z else name)
            b = shapely.total_bounds(present)
            if np.isfinite(b).all():
                box = [float(v) for v in b]
                self.bbox = box if self.bbox is None else [
                    min(self.bbox[0], box[0]), min(self.bbox[1], box[1]),
                    max(self.bbox[2], box[2]), max(self.bbox[3], box[3])]
        pa = self.pa
        table = self._call(pa.Table.from_pandas,
                           pd.DataFrame(frame.drop(columns=frame.geometry.name)),
                           schema=self.fields, preserve_index=False)
        table = table.append_column(pa.field(_GEOMETRY, pa.binary()),
                                    pa.array(_wkb(arr), type=pa.binary()))
        self._call(self.writer.write_table, table, row_group_size=self.batch_rows)

    def finish(self) -> None:
        if self.late:
            self._call(self.writer.add_key_value_metadata,
                       {"geo": json.dumps(self._geo(sorted(self.types))), **self.metadata})
        writer, self.writer = self.writer, None
        self._call(writer.close)

    def abort(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()
            self.writer = None


#: shapely geometry type id -> GeoParquet geometry type name.
_GEOM_NAMES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


# --- the merge -----------------------------------------------------------------------------

def _read_layer(path: Path, layer: str) -> Any:
    import pyogrio

    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # noqa: BLE001
        raise InputError(path, f"cannot read the {layer!r} layer of this area result "
                               f"({_short(exc)})") from exc


#: The code of a part that carries its own ``area_code`` per segment (a batch partition:
#: several areas, each segment already given to the one area that owns it).
OWN_CODES = "*"


def _read_part(code: str, path: Path, schemas: Mapping[str, _LayerSchema]) -> dict[str, Any]:
    """The conforming ``streets`` (those of the area, with ``area_code``), ``areas`` and
    ``named_streets`` (with ``area_code``; none when the part has no such layer)."""
    from ..core.areas import assign_segments

    streets = _read_layer(path, "streets")
    summary = _read_layer(path, "areas")
    if code == OWN_CODES:  # a partition of a batch: its segments are its own, each coded
        out = {"streets": _conform(streets, schemas["streets"]),
               "areas": _conform(summary, schemas["areas"])}
        if _has_layer(path, "named_streets"):
            out["named_streets"] = _conform(_read_layer(path, "named_streets"),
                                            schemas["named_streets"])
        return out
    # a segment on the border belongs to the area holding its midpoint (as in the summary)
    if len(streets):
        streets = streets[assign_segments(streets, summary) >= 0].copy()
    if "area_code" in streets.columns:
        streets = streets.drop(columns="area_code")
    streets.insert(0, "area_code", code)
    out = {"streets": _conform(streets, schemas["streets"]),
           "areas": _conform(summary, schemas["areas"])}
    if _has_layer(path, "named_streets"):
        # the area's own named streets, as its analysis made them (see the module docstring)
        named = _read_layer(path, "named_streets")
        if "area_code" in named.columns:
            named = named.drop(columns="area_code")
        named.insert(0, "area_code", code)
        out["named_streets"] = _conform(named, schemas["named_streets"])
    return out


class _Buffer:
    """The conforming frames of one layer waiting to be appended.

    A small frame costs some 0.2 MB besides its rows (a pandas frame of 80 columns), so 14,000
    one-row area summaries held as frames would take GBs: every :data:`_COMPACT_FRAMES` frames
    of one level are concatenated into one frame of the next level. The buffer holds at most
    ``_COMPACT_FRAMES - 1`` frames per level (a few levels), and each row is copied once per
    level.
    """

    def __init__(self, schema: _LayerSchema) -> None:
        self.schema = schema
        self.frames: list[Any] = []
        self.levels: list[int] = []
        self.rows = 0
        self.coordinates = 0

    def add(self, frame: Any) -> None:
        if not len(frame):
            return
        self.frames.append(frame)
        self.levels.append(0)
        self.rows += len(frame)
        self.coordinates += _coordinates(frame)
        k = _COMPACT_FRAMES
        while len(self.levels) >= k and self.levels[-k] == self.levels[-1]:
            merged = _concat(self.frames[-k:], self.schema)
            level = self.levels[-1] + 1
            del self.frames[-k:], self.levels[-k:]
            self.frames.append(merged)
            self.levels.append(level)

    def take(self) -> list[Any]:
        frames = self.frames
        self.frames, self.levels, self.rows, self.coordinates = [], [], 0, 0
        return frames


def _remove(path: Path) -> None:
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILE_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _coordinates(frame: Any) -> int:
    import shapely

    return int(shapely.get_num_coordinates(frame.geometry.values).sum())


def merge_area_outputs(parts: Sequence[tuple[str, str | os.PathLike[str]]],
                       dest_base: str | os.PathLike[str], *,
                       formats: Iterable[str] = ("gpkg",),
                       metadata: Mapping[str, str] | None = None,
                       batch_rows: int = DEFAULT_BATCH_ROWS) -> list[Path]:
    """Merge per-area GeoPackages into one GeoPackage and/or GeoParquet files, area by area.

    Parameters
    ----------
    parts
        ``(area code, per-area GeoPackage)`` in output order; each GeoPackage has the layers
        ``streets`` and ``areas`` (as ``wijkkracht batch`` writes them), EPSG:28992.
    dest_base
        The outputs' path without suffix, e.g. ``out/kanaleneiland`` (see :func:`merged_paths`).
        Its folder must exist.
    formats
        ``"gpkg"`` and/or ``"parquet"``.
    metadata
        Text metadata (e.g. ``{"WIJKKRACHT_BATCH": <provenance JSON>}``): the GeoPackage's
        dataset metadata and key-value metadata of each GeoParquet file.
    batch_rows
        Rows per layer held in memory before they are appended (and per GeoParquet row group).

    Returns
    -------
    list of Path
        The written files, as :func:`merged_paths`.

    Raises
    ------
    InputError
        A part cannot be read, lacks a layer or is not in EPSG:28992 (names the part).
    OutputError
        An output cannot be written or published (names it), or pyarrow is missing for
        ``"parquet"``. Nothing was published then, and no temporary file is left.
    ValueError
        No parts, an unknown format or ``batch_rows < 1``.
    """
    chosen = _check_formats(formats)
    parts = [(str(code), Path(path)) for code, path in parts]
    if not parts:
        raise ValueError("no parts to merge")
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, got {batch_rows}")
    if "parquet" in chosen:
        _pyarrow()  # a missing pyarrow stops the merge before anything is read
    schemas = _collect_schemas(parts)
    finals = merged_paths(dest_base, chosen)
    tmps = [temporary_name(f) for f in finals]
    sinks: list[Any] = []
    try:
        routes: dict[str, list[Any]] = {layer: [] for layer in LAYERS}
        gpkg: _GpkgSink | None = None
        pos = 0
        if "gpkg" in chosen:
            gpkg = _GpkgSink(finals[0], tmps[0], schemas, metadata)
            sinks.append(gpkg)
            pos = 1
        if "parquet" in chosen:
            for layer, final, tmp in zip(LAYERS, finals[pos:], tmps[pos:], strict=True):
                sink = _ParquetSink(final, tmp, schemas[layer], metadata, batch_rows)
                sinks.append(sink)
                routes[layer].append(sink)
        buffers = {layer: _Buffer(schemas[layer]) for layer in LAYERS}

        def flush(layer: str) -> None:
            frames = buffers[layer].take()
            if not frames:
                return
            batch = _concat(frames, schemas[layer])
            del frames
            if gpkg is not None:
                gpkg.write(layer, batch)
            for sink in routes[layer]:
                sink.write(batch)

        for code, path in parts:
            for layer, frame in _read_part(code, path, schemas).items():
                buf = buffers[layer]
                buf.add(frame)
                if buf.rows >= batch_rows or buf.coordinates >= MAX_BATCH_COORDINATES:
                    flush(layer)
        for layer in LAYERS:
            flush(layer)
        for sink in sinks:
            sink.finish()
        publish(list(zip(tmps, finals, strict=True)))
    except BaseException:
        for sink in sinks:
            sink.abort()
        for tmp in tmps:
            _remove(tmp)
        raise
    return finals
