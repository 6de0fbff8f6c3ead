"""QGIS features <-> GeoDataFrames, in memory: the only place where the two meet.

Data crosses as WKB and plain attribute values, and the CRS as WKT:

* :func:`source_to_gdf`: a ``QgsFeatureSource`` (what ``parameterAsSource`` gives) to a
  GeoDataFrame, geometry through :func:`shapely.from_wkb`;
* :func:`gdf_to_sink`: a GeoDataFrame to a feature sink (what ``parameterAsSink`` gives), with
  fields from the column dtypes (:func:`qgis_fields`).

Files are never read or written here with pyogrio/rasterio: inside QGIS, QGIS's own GDAL
(through the source and sink) does all file access. Wheels of pyogrio/rasterio/pyproj bring
their own GDAL/PROJ, and two copies in one process can crash QGIS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import (  # type: ignore[import-not-found]
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsFeatureSource,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime, QVariant  # type: ignore[import-not-found]

from .compat import field_kind, field_type
from .i18n import tr

__all__ = [
    "source_to_gdf",
    "gdf_to_features",
    "gdf_to_sink",
    "qgis_fields",
    "qgis_crs",
    "wkb_type",
    "python_value",
]

#: Features written per call of ``addFeatures`` (progress and cancel are checked between).
_CHUNK = 2000


def python_value(value: Any) -> Any:
    """A QGIS attribute value as a plain Python value (NULL -> None, dates -> ISO text).

    Parameters
    ----------
    value
        What ``QgsFeature.attributes()`` holds.

    Returns
    -------
    object
        None, bool, int, float, str, or the value unchanged when it is none of the Qt types.
    """
    if value is None:
        return None
    if isinstance(value, QVariant):
        return None if value.isNull() else value.value()
    if isinstance(value, (QDate, QDateTime, QTime)):
        return value.toString(Qt.DateFormat.ISODate) if value.isValid() else None
    return value


def _column(values: list[Any], field: QgsField) -> pd.Series | list[Any]:
    """One attribute column with a dtype that fits the field (nulls as NaN/None)."""
    kind = field_kind(field)
    if kind in ("int", "longlong", "uint", "ulonglong"):
        if any(v is None for v in values):
            return pd.Series([np.nan if v is None else float(v) for v in values],
                             dtype="float64")
        return pd.Series(values, dtype="int64")
    if kind == "double":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kind == "bool" and not any(v is None for v in values):
        return pd.Series(values, dtype=bool)
    return values


def qgis_crs(crs: Any) -> QgsCoordinateReferenceSystem:
    """A pyproj/GeoPandas CRS as a QGIS CRS (through WKT); invalid for ``None``.

    Parameters
    ----------
    crs
        ``GeoDataFrame.crs`` (a ``pyproj.CRS``) or None.

    Returns
    -------
    QgsCoordinateReferenceSystem
    """
    if crs is None:
        return QgsCoordinateReferenceSystem()
    return QgsCoordinateReferenceSystem.fromWkt(crs.to_wkt())


def source_to_gdf(
    source: QgsFeatureSource,
    *,
    feedback: QgsProcessingFeedback | None = None,
    progress: Callable[[float], None] | None = None,
    rect: QgsRectangle | None = None,
) -> gpd.GeoDataFrame:
    """Read every feature of ``source`` into a GeoDataFrame (geometry column ``geometry``).

    Parameters
    ----------
    source
        A feature source, e.g. from ``QgsProcessingAlgorithm.parameterAsSource``.
    feedback
        Checked for cancellation while reading.
    progress
        Called with the fraction read, 0 to 1.
    rect
        Read only the features whose bounding box meets this rectangle (in the source's CRS;
        QGIS's spatial filter, which uses the layer's spatial index).

    Returns
    -------
    geopandas.GeoDataFrame
        One column per field (integers as int64, or float64 when a value is NULL; doubles as
        float64; NULL as NaN/None), the geometry in 2D (curves straightened, Z and M dropped),
        and the source's CRS (None when the layer has none).

    Raises
    ------
    QgsProcessingException
        When cancelled.
    """
    fields = source.fields()
    names = [f.name() for f in fields]
    rows: list[list[Any]] = []
    wkbs: list[bytes | None] = []
    total = max(int(source.featureCount()), 1)
    request = QgsFeatureRequest()
    if rect is not None:
        request.setFilterRect(rect)
    for i, feature in enumerate(source.getFeatures(request)):
        if feedback is not None and i % 1000 == 0 and feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled"))
        rows.append([python_value(v) for v in feature.attributes()])
        wkbs.append(_wkb(feature.geometry()))
        if progress is not None and i % 1000 == 0:
            progress(min(i / total, 1.0))
    columns = {name: _column([r[j] for r in rows], fields.at(j)) for j, name in enumerate(names)}
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    geometry = shapely.from_wkb(np.array(wkbs, dtype=object))
    crs = source.sourceCrs()
    wkt = crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED) if crs.isValid() else None
    if "geometry" in frame.columns:  # an attribute called "geometry" would clash
        frame = frame.rename(columns={"geometry": "geometry_attribute"})
    if progress is not None:
        progress(1.0)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=wkt or None)


def _wkb(geometry: QgsGeometry) -> bytes | None:
    if geometry is None or geometry.isNull() or geometry.isEmpty():
        return None
    kind = geometry.wkbType()
    if QgsWkbTypes.isCurvedType(kind) or QgsWkbTypes.hasZ(kind) or QgsWkbTypes.hasM(kind):
        geometry = QgsGeometry(geometry)  # a copy: the feature's geometry stays as it is
        if QgsWkbTypes.isCurvedType(kind):
            geometry.convertToStraightSegment()
        part = geometry.get()
        part.dropZValue()
        part.dropMValue()
    return bytes(geometry.asWkb())


def _field_for(name: str, series: pd.Series) -> QgsField:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return QgsField(name, field_type("bool"))
    if pd.api.types.is_integer_dtype(dtype):
        return QgsField(name, field_type("longlong"))
    if pd.api.types.is_float_dtype(dtype):
        return QgsField(name, field_type("double"))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return QgsField(name, field_type("datetime"))
    return QgsField(name, field_type("string"))


def _attribute_frame(gdf: pd.DataFrame) -> pd.DataFrame:
    """The attribute columns of ``gdf``, a named index (e.g. ``segment_id``) first."""
    geometry = getattr(gdf, "_geometry_column_name", None) if isinstance(gdf, gpd.GeoDataFrame) \
        else None
    frame = pd.DataFrame(gdf).drop(columns=[geometry] if geometry else [])
    index_name = gdf.index.name
    if index_name and index_name not in frame.columns:
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)
    return frame


def qgis_fields(gdf: pd.DataFrame) -> QgsFields:
    """QGIS fields for the attribute columns of ``gdf`` (a named index becomes a field first).

    Parameters
    ----------
    gdf
        A (Geo)DataFrame.

    Returns
    -------
    QgsFields
        bool -> Bool, integers -> LongLong (64 bit), floats -> Double, datetimes -> DateTime,
        everything else -> String.
    """
    fields = QgsFields()
    for name, series in _attribute_frame(gdf).items():
        fields.append(_field_for(str(name), series))
    return fields


def _python_column(series: pd.Series, field: QgsField) -> list[Any]:
    kind = field_kind(field)
    values = series.tolist()
    if kind == "double":
        return [None if v is None or pd.isna(v) else float(v) for v in values]
    if kind == "longlong":
        return [None if pd.isna(v) else int(v) for v in values]
    if kind == "bool":
        return [None if pd.isna(v) else bool(v) for v in values]
    if kind == "datetime":
        return [None if pd.isna(v) else QDateTime.fromString(
                    pd.Timestamp(v).strftime("%Y-%m-%dT%H:%M:%S"), Qt.DateFormat.ISODate)
                for v in values]
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple, dict, set)):
            out.append(json.dumps(sorted(v) if isinstance(v, set) else v, default=str))
        elif v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        else:
            out.append(str(v))
    return out


def wkb_type(gdf: pd.DataFrame, default: int = QgsWkbTypes.Type.NoGeometry) -> int:
    """The QGIS geometry type of a sink for ``gdf``: its one type, or the multi type of a mix.

    Parameters
    ----------
    gdf
        A GeoDataFrame (a plain DataFrame: ``NoGeometry``).
    default
        For a GeoDataFrame without any geometry.

    Returns
    -------
    int
        A ``QgsWkbTypes.Type``; ``Polygon`` + ``MultiPolygon`` gives ``MultiPolygon``.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        return QgsWkbTypes.Type.NoGeometry
    kinds = set(gdf.geometry.dropna().geom_type.unique())
    if not kinds:
        return default
    if len(kinds) == 1:
        return QgsWkbTypes.parseType(kinds.pop())
    singles = {k.removeprefix("Multi") for k in kinds}
    if len(singles) == 1:
        return QgsWkbTypes.parseType("Multi" + singles.pop())
    return QgsWkbTypes.Type.Unknown


def gdf_to_features(gdf: pd.DataFrame, fields: QgsFields, geometry_type: int) -> list[QgsFeature]:
    """The rows of ``gdf`` as QGIS features with ``fields`` (see :func:`qgis_fields`).

    Parameters
    ----------
    gdf
        A (Geo)DataFrame.
    fields
        The fields, as :func:`qgis_fields` made them for ``gdf``.
    geometry_type
        The sink's type; single geometries are made multi when it is a multi type.

    Returns
    -------
    list of QgsFeature
    """
    frame = _attribute_frame(gdf)
    columns = [_python_column(frame[name], fields.at(j)) for j, name in enumerate(frame.columns)]
    if isinstance(gdf, gpd.GeoDataFrame):
        wkbs = shapely.to_wkb(gdf.geometry.to_numpy(), flavor="iso")
    else:
        wkbs = [None] * len(frame)
    multi = QgsWkbTypes.isMultiType(geometry_type)
    features = []
    for i, wkb in enumerate(wkbs):
        feature = QgsFeature(fields)
        feature.setAttributes([col[i] for col in columns])
        if wkb is not None:
            geometry = QgsGeometry()
            geometry.fromWkb(wkb)
            if multi and not geometry.isMultipart():
                geometry.convertToMultiType()
            feature.setGeometry(geometry)
        features.append(feature)
    return features


def gdf_to_sink(
    gdf: pd.DataFrame,
    make_sink: Callable[[QgsFields, int, QgsCoordinateReferenceSystem], tuple[Any, str]],
    *,
    feedback: QgsProcessingFeedback | None = None,
    geometry_type: int | None = None,
) -> str:
    """Write ``gdf`` to a new sink; return the sink's destination id.

    Parameters
    ----------
    gdf
        A GeoDataFrame (or a DataFrame for a table without geometry).
    make_sink
        ``(fields, wkb_type, crs) -> (sink, dest_id)``, typically a ``parameterAsSink`` call
        bound to its parameter.
    feedback
        Progress and cancellation.
    geometry_type
        The sink's ``QgsWkbTypes`` type; default :func:`wkb_type`.

    Returns
    -------
    str
        The destination id (for the algorithm's results).

    Raises
    ------
    QgsProcessingException
        When the sink cannot be made or refuses features, or when cancelled.
    """
    fields = qgis_fields(gdf)
    kind = wkb_type(gdf) if geometry_type is None else geometry_type
    crs = qgis_crs(gdf.crs if isinstance(gdf, gpd.GeoDataFrame) else None)
    sink, dest_id = make_sink(fields, kind, crs)
    if sink is None:
        raise QgsProcessingException("could not create the output layer")
    features = gdf_to_features(gdf, fields, kind)
    total = max(len(features), 1)
    for start in range(0, len(features), _CHUNK):
        if feedback is not None and feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled"))
        if not sink.addFeatures(features[start:start + _CHUNK], QgsFeatureSink.Flag.FastInsert):
            error = sink.lastError() if hasattr(sink, "lastError") else ""
            raise QgsProcessingException(f"could not write to the output layer: {error}")
        if feedback is not None:
            feedback.setProgress(100.0 * min(start + _CHUNK, total) / total)
    return str(dest_id)
