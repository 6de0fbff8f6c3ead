"""Files read inside QGIS through QGIS's own providers, not with pyogrio.

Wheels of pyogrio (and rasterio) bring a GDAL of their own; two GDALs in QGIS's process can
crash it, so the plugin's installer never installs them. Where the plugin reads a file the
library would read with pyogrio, it reads it here: a ``QgsVectorLayer`` of the ``ogr``
provider (the GDAL QGIS is built with), only the features in the rectangle asked for
(``QgsFeatureRequest.setFilterRect``: the file's spatial index), converted with
:func:`~.convert.source_to_gdf`. The library's own steps (renaming, the status filter, the LV BAG
history and address joins, :func:`~wijkkracht.data_sources.bag.normalise_bag`) then run
unchanged, through the ``reader`` of :func:`wijkkracht.data_sources.bag.read_bag_gpkg` and
:func:`~wijkkracht.data_sources.bag.read_bag_lv`:

* :class:`QgisVectorReader`: a :class:`~wijkkracht.data_sources.bag.VectorReader` on QGIS;
* :func:`read_bag_gpkg` and :func:`read_bag_lv`: the library's readers with it, the same
  frames as the library gives with pyogrio.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from qgis.core import (  # type: ignore[import-not-found]
    QgsDataProvider,
    QgsProcessingFeedback,
    QgsRectangle,
    QgsVectorLayer,
)

from ..data_sources.bag import UnreadableFileError
from .compat import field_kind
from .convert import source_to_gdf

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["QgisVectorReader", "read_bag_gpkg", "read_bag_lv"]


def _open(path: str | Path, layer: str | None = None) -> QgsVectorLayer:
    """The layer ``layer`` (or the first) of a file, through QGIS's ``ogr`` provider; its
    default style (a ``.qml`` beside the file) is not loaded."""
    uri = str(path) if layer is None else f"{path}|layername={layer}"
    options = QgsVectorLayer.LayerOptions()
    options.loadDefaultStyle = False
    vector = QgsVectorLayer(uri, Path(str(path)).stem, "ogr", options)
    if not vector.isValid():
        reason = vector.error().summary() if not vector.error().isEmpty() else ""
        raise UnreadableFileError(reason or "QGIS cannot open it as a vector layer")
    return vector


class QgisVectorReader:
    """A :class:`~wijkkracht.data_sources.bag.VectorReader` reading through QGIS's providers.

    Parameters
    ----------
    feedback
        Checked for cancellation while features are read (cancelling raises
        ``QgsProcessingException``).
    """

    def __init__(self, feedback: QgsProcessingFeedback | None = None) -> None:
        self.feedback = feedback

    def layers(self, path: str | Path) -> list[str]:
        """The names of the layers of a file (GeoPackage: its tables)."""
        vector = _open(path)  # (kept: the provider lives as long as the layer)
        separator = QgsDataProvider.sublayerSeparator()
        return [item.split(separator)[1] for item in vector.dataProvider().subLayers()]

    def crs(self, path: str | Path, layer: str | None = None) -> Any:
        """``EPSG:<code>`` when QGIS knows the authority code, else WKT; None without a CRS."""
        crs = _open(path, layer).sourceCrs()
        if not crs.isValid():
            return None
        return crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()

    def read(self, path: str | Path, *, layer: str | None = None,
             bbox: Sequence[float] | None = None, mask: BaseGeometry | None = None,
             read_geometry: bool = True) -> pd.DataFrame:
        """The features that intersect ``bbox`` or ``mask`` (in the layer's CRS), as pyogrio's
        ``read_dataframe`` gives them: no primary-key column (a GeoPackage's ``fid``), dates
        and times as datetime64, the CRS as ``EPSG:<code>``; a DataFrame without
        ``read_geometry``."""
        vector = _open(path, layer)
        area = mask.bounds if mask is not None else bbox
        rect = QgsRectangle(*(float(v) for v in area)) if area is not None else None
        gdf = source_to_gdf(vector, feedback=self.feedback, rect=rect)
        if mask is not None and len(gdf):  # QGIS's filter is the rectangle; GDAL's the shape
            gdf = gdf[gdf.geometry.intersects(mask).to_numpy()].reset_index(drop=True)
        fields = vector.fields()
        keys = [fields.at(i).name() for i in vector.dataProvider().pkAttributeIndexes()]
        gdf = gdf.drop(columns=[k for k in keys if k in gdf.columns])
        for field in fields:
            if field.name() in gdf.columns and field_kind(field) in ("date", "datetime"):
                gdf[field.name()] = _datetimes(gdf[field.name()])
        crs = self.crs(path, layer)
        if not read_geometry:
            return pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        return gdf.set_crs(crs, allow_override=True) if crs is not None else gdf


def _datetimes(values: pd.Series) -> pd.Series:
    """ISO dates and times (as :func:`~.convert.python_value` gives them) as datetime64
    (NaT for NULL); times with a UTC offset in UTC, without the offset."""
    out = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    return out.dt.tz_localize(None)


def read_bag_gpkg(path: str | Path, *, feedback: QgsProcessingFeedback | None = None,
                  **options: Any) -> gpd.GeoDataFrame:
    """:func:`wijkkracht.data_sources.bag.read_bag_gpkg` read through QGIS (the options are
    its own: ``bbox``, ``mask``, ``statuses``, ``layer``, ``snapshot_date``)."""
    from ..data_sources import bag

    return bag.read_bag_gpkg(path, reader=QgisVectorReader(feedback), **options)


def read_bag_lv(paths: str | Path | Iterable[str | Path], *,
                feedback: QgsProcessingFeedback | None = None,
                **options: Any) -> gpd.GeoDataFrame:
    """:func:`wijkkracht.data_sources.bag.read_bag_lv` read through QGIS (GDAL's LVBAG driver
    as QGIS has it; the options are its own: ``bbox``, ``mask``, ``statuses``,
    ``snapshot_date``)."""
    from ..data_sources import bag

    return bag.read_bag_lv(paths, reader=QgisVectorReader(feedback), **options)
