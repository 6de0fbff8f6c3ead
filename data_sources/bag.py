"""BAG verblijfsobjecten (addressable units) from a PDOK GeoPackage, LV BAG 2.0 XML or PDOK's
OGC API Features, in one schema.

Every reader returns a GeoDataFrame in EPSG:28992 (RD New) with these columns
(``BAG_COLUMNS``), one row per verblijfsobject:

=========================  ========  =====================================================
column                     dtype     meaning
=========================  ========  =====================================================
``identificatie``          str       the 16-digit BAG id (``"0221010000330226"``)
``gebruiksdoel``           str       BAG use(s), comma separated in BAG order, e.g.
                                     ``"woonfunctie,winkelfunctie"`` (see
                                     :data:`GEBRUIKSDOELEN`)
``oppervlakte``            float     usable floor area in m²; NaN when unknown
``status``                 str       BAG status text, e.g. ``"Verblijfsobject in gebruik"``
``openbare_ruimte_naam``   str       street name of the main address; None when unknown
``huisnummer``             Int64     house number; <NA> when unknown
``huisletter``             str       house letter; None when there is none
``toevoeging``             str       house-number addition; None when there is none
``postcode``               str       ``"6981CH"``; None when unknown
``pand_identificatie``     str       16-digit id(s) of the building(s), comma separated
``bouwjaar``               Int64     construction year of the building; <NA> when unknown
                                     (BAG's placeholder 9999 becomes <NA>)
``geometry``               Point in EPSG:28992
=========================  ========  =====================================================

``gdf.attrs["bag"]`` records where the rows come from::

    {"source": "<file, folder or URL>", "snapshot_date": "YYYY-MM-DD" or None,
     "status_filter": [...statuses kept...] or None (all kept),
     "dropped_by_status": {"<status>": <count>, ...}, "synthetic": False, ...}

Rows are never dropped silently: rows whose status is not in ``statuses`` are counted in
``dropped_by_status``; LV BAG history (voorkomens that are no longer valid) in
``history_dropped``.

Status filter. ``DEFAULT_STATUSES`` keeps the units that exist: ``"Verblijfsobject in
gebruik"``, ``"Verblijfsobject in gebruik (niet ingemeten)"``, ``"Verblijfsobject buiten
gebruik"`` and ``"Verbouwing verblijfsobject"``. Not kept by default: ``"Verblijfsobject
gevormd"`` (planned, not built), ``"Niet gerealiseerd verblijfsobject"``, ``"Verblijfsobject
ingetrokken"`` and ``"Verblijfsobject ten onrechte opgevoerd"`` (all eight:
``BAG_STATUSES``). Pass ``statuses=None`` to keep every status; a status outside
``BAG_STATUSES`` in the filter (a typo would drop everything) raises :class:`InputError`.

Bad input raises a one-line :class:`~wijkkracht.core.errors.InputError` naming the file (or
request) and the row: a ``gebruiksdoel`` outside the BAG list, an identificatie that is not 16
digits, the same identificatie twice (after the status filter), a row without geometry, a
layer without CRS or with one that cannot be transformed to RD New. Repairs, each with a
``UserWarning``: layers in another CRS are transformed to EPSG:28992 (silently: that is no
loss); (multi)polygons and multipoints become a point inside them (warning); an LV hoofdadres
missing from the NUM files leaves the address empty (warning, and counted in
``attrs["bag"]["address_join"]``). Identificaties are normalised without warning: the LV prefix
``NL.IMBAG.Verblijfsobject.`` is removed and integers are zero-padded to 16 digits; the
gebruiksdoel is lower-cased, stripped and de-duplicated; postcodes lose spaces and are
upper-cased.

Readers:

* :func:`read_bag_gpkg`: the BAG GeoPackage as PDOK distributes it (layer
  ``verblijfsobject``); reads only the features in ``bbox``/``mask`` through GDAL's spatial
  filter (the national file is never loaded whole).
* :func:`read_bag_lv`: LV BAG 2.0 XML extracts (GDAL's LVBAG driver): files, a folder or a zip;
  joins the main address when the nummeraanduiding (``NUM``) and openbare ruimte (``OPR``)
  files are given; reads the ``bbox`` or the bounding box of ``mask``, then keeps what lies in
  the mask.
* :func:`fetch_bag_ogc`: PDOK's BAG OGC API Features, paged, with retries and an on-disk cache
  (the HTTP part is :mod:`wijkkracht.data_sources.http`, imported only when it is called:
  it needs ``requests``).

BAG rows read by other means (a QGIS layer, a database query) are brought to the same schema,
status filter and checks by :func:`normalise_bag`, which every reader ends with.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..core.errors import InputError
from .file_checks import check_file, gdal_reason
from .schema import (  # the constants and the parser of the BAG schema, importable here too
    BAG_COLUMNS,
    BAG_STATUSES,
    DEFAULT_STATUSES,
    GEBRUIKSDOELEN,
    RD_NEW,
    area_in_layer_crs,
    parse_gebruiksdoel,
    to_rd_new,
)

__all__ = [
    "BAG_COLUMNS",
    "GEBRUIKSDOELEN",
    "DEFAULT_STATUSES",
    "BAG_STATUSES",
    "DEFAULT_OGC_URL",
    "parse_gebruiksdoel",
    "validate_bag",
    "normalise_bag",
    "read_bag_gpkg",
    "read_bag_lv",
    "fetch_bag_ogc",
    "VectorReader",
    "PyogrioReader",
    "UnreadableFileError",
]

#: PDOK's BAG OGC API Features (v2).
DEFAULT_OGC_URL = "https://api.pdok.nl/kadaster/bag/ogc/v2"

_RD_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
_ID_RE = re.compile(r"^\d{16}$")
_STR_COLUMNS = ("openbare_ruimte_naam", "huisletter", "toevoeging", "postcode")


# --------------------------------------------------------------------------------------------
# pure helpers


def _bag_id(value: object) -> str | None:
    """``"NL.IMBAG.Verblijfsobject.0221010000330226"`` or ``221010000330226`` -> 16 digits."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)  # an id column read as float (because of empty values)
    text = str(value).strip().rsplit(".", 1)[-1] if not isinstance(value, (int, np.integer)) \
        else str(int(value))
    if text.isdigit() and len(text) < 16:
        text = text.zfill(16)
    return text or None


def _bag_ids(value: object) -> str | None:
    """One id or several (list or comma separated) -> comma-separated 16-digit ids."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else str(value).split(",")
    ids = [i for i in (_bag_id(v) for v in items) if i]
    return ",".join(dict.fromkeys(ids)) or None


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------------------------
# the schema


#: Field names of BAG sources (PDOK's GeoPackage, its OGC API) that differ from the schema's.
_ALIASES = {
    "huisnummertoevoeging": "toevoeging",
    "huisnummer_toevoeging": "toevoeging",
    "pand_id": "pand_identificatie",
    "oorspronkelijkbouwjaar": "bouwjaar",
}
_TRUE = ("true", "1", "yes", "ja")


def _true_flags(values: Iterable[object]) -> np.ndarray:
    """Whether each value of a yes/no field is true: ``True``, a non-zero number, or the text
    ``"true"``, ``"1"``, ``"yes"``, ``"ja"`` (any case); ``"False"``, ``"0"``, empty: false."""
    out = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(False)
        elif isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.append(v != 0)
        else:
            out.append(str(v).strip().lower() in _TRUE)
    return np.array(out, dtype=bool)


def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns lower-cased and PDOK's names (:data:`_ALIASES`) brought to the schema's; an
    alias is left alone when the schema's own name is there too."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    lower = {c: str(c).lower() for c in frame.columns if c != geometry}
    present = set(lower.values())
    names = {c: (_ALIASES[low] if low in _ALIASES and _ALIASES[low] not in present else low)
             for c, low in lower.items()}
    return frame.rename(columns=names)


def _with_all_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the BAG columns its source does not carry added, empty."""
    missing = {c: None for c in BAG_COLUMNS[:-1] if c not in frame.columns}
    return frame.assign(**missing) if missing else frame


def _numbers(source: str, values: pd.Series, column: str, *, stacklevel: int = 3) -> pd.Series:
    """``values`` as floats; blanks are unknown (NaN). Text that is not a number ("groot",
    "12,5 m2") is unknown too, with a warning counting it; a column with no number at all
    is refused (it is most likely the wrong column)."""
    out = pd.to_numeric(values, errors="coerce").astype(float)
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    bad = out.isna().to_numpy() & (text != "").to_numpy()
    if bad.any():
        example = text[bad].iloc[0]
        if bad.sum() == (text != "").sum():
            raise InputError(source, f"column {column!r} holds no numbers (e.g. {example!r}); "
                             "is it the right column?")
        warnings.warn(f"{source}: {int(bad.sum())} {column} value(s) are not numbers (e.g. "
                      f"{example!r}); read as unknown", stacklevel=stacklevel)
    return out


def normalise_bag(
    frame: pd.DataFrame,
    source: str | Path,
    *,
    statuses: Sequence[str] | str | None = DEFAULT_STATUSES,
    meta: dict[str, Any] | None = None,
) -> gpd.GeoDataFrame:
    """BAG verblijfsobjecten read by other means (a QGIS layer, a database query) in the BAG
    schema, as the readers of this module return them.

    Parameters
    ----------
    frame
        One row per verblijfsobject with the columns of :data:`BAG_COLUMNS`, by these names
        (any case) or PDOK's (``huisnummertoevoeging``, ``pand_id``,
        ``oorspronkelijkbouwjaar``); other columns are left out. A GeoDataFrame in any CRS
        (transformed to EPSG:28992), or a DataFrame whose ``geometry`` column holds points in
        EPSG:28992. Whole numbers may come as floats (as QGIS gives them), identificaties as
        integers or with LV's ``NL.IMBAG.Verblijfsobject.`` prefix.
    source
        What the rows are (a file, a layer name): named in the errors and in
        ``attrs["bag"]["source"]``.
    statuses
        The BAG statuses to keep (default :data:`DEFAULT_STATUSES`); None keeps all. Rows of
        other statuses are counted in ``attrs["bag"]["dropped_by_status"]``.
    meta
        More to record in ``attrs["bag"]`` (``snapshot_date``, counts of the reader); not
        changed.

    Returns
    -------
    geopandas.GeoDataFrame
        The BAG schema (module docstring), EPSG:28992, checked with :func:`validate_bag`. A
        ``synthetic`` column with a true value (``True``, ``"true"``, ``"1"``, ...) gives
        ``attrs["bag"]["synthetic"] = True``.

    Raises
    ------
    InputError
        One line naming ``source`` and the row: a missing column, an identificatie that is not
        16 digits or occurs twice, an unknown gebruiksdoel or status, a row without geometry, no
        CRS.

    Examples
    --------
    >>> import shapely
    >>> rows = pd.DataFrame({"identificatie": [221010000330226.0],
    ...     "gebruiksdoel": ["Woonfunctie"], "oppervlakte": [223], "status": ["Verbouwing "
    ...     "verblijfsobject"], "openbare_ruimte_naam": ["Kosterstraat"], "huisnummer": [4.0],
    ...     "huisletter": [None], "huisnummertoevoeging": [None], "postcode": ["6981 ch"],
    ...     "pand_identificatie": ["0221100000312938"], "bouwjaar": [1585.0],
    ...     "geometry": [shapely.Point(206335.7, 447529.8)]})
    >>> bag = normalise_bag(rows, "example")
    >>> bag.loc[0, ["identificatie", "gebruiksdoel", "postcode", "huisnummer"]].tolist()
    ['0221010000330226', 'woonfunctie', '6981CH', 4]
    """
    source = str(source)
    meta = dict(meta or {})
    geometry, crs = _geometry_and_crs(frame, source)
    frame = _renamed(frame)
    missing = [c for c in BAG_COLUMNS[:-1] if c not in frame.columns]
    if missing:
        raise InputError(source, f"the BAG layer lacks column(s) {', '.join(missing)}; is this "
                         "a layer of BAG verblijfsobjecten?")
    if "synthetic" in frame.columns and bool(_true_flags(frame["synthetic"]).any()):
        meta["synthetic"] = True  # a file from a synthetic generator says so in this field
    statuses = _status_filter(statuses, source)
    out = _schema_frame(frame, source, geometry, crs)
    out = _points_in_rd_new(out, source)
    dropped: dict[str, int] = {}
    if statuses is not None:
        keep = out["status"].isin(list(statuses)).to_numpy()
        dropped = {str(k): int(v) for k, v in out.loc[~keep, "status"].value_counts().items()}
        out = out[keep].reset_index(drop=True)
    _check_unique_ids(out, source)
    out.attrs["bag"] = {
        "source": source,
        "snapshot_date": meta.pop("snapshot_date", None),
        "status_filter": list(statuses) if statuses is not None else None,
        "dropped_by_status": dropped,
        "synthetic": False,
        **meta,
    }
    validate_bag(out, source)
    return out


def _geometry_and_crs(frame: pd.DataFrame, source: str) -> tuple[Any, Any]:
    """The geometry values of the rows and their CRS (a plain DataFrame's ``geometry`` column
    is taken to be in EPSG:28992)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame.geometry.values, frame.crs
    if "geometry" in frame.columns:
        return frame["geometry"].to_numpy(), RD_NEW
    raise InputError(source, "the BAG rows have no geometry (a point per verblijfsobject)")


def _status_filter(statuses: Sequence[str] | str | None, source: str
                   ) -> Sequence[str] | None:
    """``statuses`` as a sequence (one status may come as a text), checked against
    :data:`BAG_STATUSES`; None keeps all."""
    if isinstance(statuses, str):
        statuses = (statuses,)
    if statuses is not None:
        unknown = [st for st in statuses if st not in BAG_STATUSES]
        if unknown:
            raise InputError(source, f"unknown status {unknown[0]!r} in the status filter; "
                             f"BAG statuses are {', '.join(BAG_STATUSES)}")
    return statuses


def _ids_and_uses(frame: pd.DataFrame, source: str) -> tuple[list[str], list[str]]:
    """The 16-digit identificaties and the normalised gebruiksdoelen of the rows."""
    ids = [_bag_id(v) for v in frame["identificatie"]]
    for i, ident in enumerate(ids):
        if ident is None or not _ID_RE.match(ident):
            raise InputError(source, f"row {i + 1}: identificatie {ident!r} is not a 16-digit "
                             "BAG id")
    uses = []
    for i, (ident, value) in enumerate(zip(ids, frame["gebruiksdoel"], strict=False)):
        try:
            uses.append(",".join(parse_gebruiksdoel(value)))
        except ValueError as exc:
            raise InputError(source, f"row {i + 1} (verblijfsobject {ident}): {exc}; BAG uses "
                             f"are {', '.join(GEBRUIKSDOELEN)}") from None
    return ids, uses  # type: ignore[return-value]


def _schema_frame(frame: pd.DataFrame, source: str, geometry: Any, crs: Any
                  ) -> gpd.GeoDataFrame:
    """The columns of :data:`BAG_COLUMNS` from the renamed rows, values normalised, in the
    rows' CRS."""
    col = frame.__getitem__
    ids, uses = _ids_and_uses(frame, source)
    # (stacklevel 4: _numbers' warnings point at the caller of normalise_bag)
    bouwjaar = _numbers(source, col("bouwjaar"), "bouwjaar", stacklevel=4).to_numpy(
        dtype=float, copy=True)
    bouwjaar[(bouwjaar == 9999) | (bouwjaar <= 0)] = np.nan
    out = gpd.GeoDataFrame(
        {
            "identificatie": ids,
            "gebruiksdoel": uses,
            "oppervlakte": _numbers(source, col("oppervlakte"), "oppervlakte",
                                    stacklevel=4).to_numpy(),
            "status": [_text(v) or "" for v in col("status")],
            "openbare_ruimte_naam": [_text(v) for v in col("openbare_ruimte_naam")],
            "huisnummer": pd.array(
                _numbers(source, col("huisnummer"), "huisnummer", stacklevel=4).round(),
                dtype="Int64"
            ),
            "huisletter": [_text(v) for v in col("huisletter")],
            "toevoeging": [_text(v) for v in col("toevoeging")],
            "postcode": [
                (_text(v) or "").replace(" ", "").upper() or None for v in col("postcode")
            ],
            "pand_identificatie": [_bag_ids(v) for v in col("pand_identificatie")],
            "bouwjaar": pd.array(bouwjaar, dtype="Int64"),
        },
        geometry=gpd.GeoSeries(np.asarray(geometry, dtype=object), crs=crs).values,
        crs=crs,
    )
    for name in _STR_COLUMNS + ("pand_identificatie",):
        out[name] = pd.Series(np.array(list(out[name]), dtype=object), index=out.index,
                              dtype=object).where(out[name].notna(), None)
    return out


def _points_in_rd_new(out: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """``out`` in EPSG:28992 with a point per row: a row without geometry is refused,
    (multi)polygons and multipoints become a point inside them (with a warning)."""
    if len(out):
        out = to_rd_new(out, source)
    else:
        out = out.set_crs(RD_NEW, allow_override=True)
    no_geom = out.geometry.isna().to_numpy() | out.geometry.is_empty.to_numpy()
    if no_geom.any():
        i = int(np.flatnonzero(no_geom)[0])
        raise InputError(source, f"row {i + 1} (verblijfsobject {out['identificatie'].iloc[i]})"
                         f": no geometry ({int(no_geom.sum())} row(s) without a point)")
    types = set(out.geometry.geom_type.dropna().unique())
    if not types <= {"Point"}:
        if types <= {"Point", "MultiPoint", "Polygon", "MultiPolygon"}:
            n_other = int((out.geometry.geom_type != "Point").sum())
            # (stacklevel 4: the warning points at the caller of normalise_bag)
            warnings.warn(f"{source}: {n_other} verblijfsobject(en) are not points "
                          f"({', '.join(sorted(types - {'Point'}))}); each is replaced by a "
                          "point inside it", UserWarning, stacklevel=4)
            out["geometry"] = out.geometry.representative_point()
        else:
            raise InputError(source, f"expected points for verblijfsobjecten, found "
                             f"{sorted(types)}")
    return out


def _check_unique_ids(out: gpd.GeoDataFrame, source: str) -> None:
    dup = out["identificatie"].duplicated(keep=False)
    if dup.any():
        first = out.loc[dup, "identificatie"].iloc[0]
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(out["identificatie"] == first))
        count = int((out["identificatie"] == first).sum())
        raise InputError(source, f"identificatie {first} occurs {count} times (rows {rows} "
                         "after the status filter); each verblijfsobject must occur once")


def validate_bag(gdf: gpd.GeoDataFrame, source: str | Path) -> None:
    """Raise :class:`InputError` unless ``gdf`` follows the BAG schema (``BAG_COLUMNS``).

    Checks the columns, the CRS (EPSG:28992), point geometries, 16-digit unique
    ``identificatie`` and ``gebruiksdoel`` values from :data:`GEBRUIKSDOELEN`.
    """
    missing = [c for c in BAG_COLUMNS if c not in gdf.columns]
    if missing:
        raise InputError(source, f"the BAG layer lacks column(s) {', '.join(missing)}")
    if gdf.crs is None or not CRS.from_user_input(gdf.crs).equals(RD_NEW):
        raise InputError(source, "BAG verblijfsobjecten must be in EPSG:28992")
    if len(gdf) and not bool(np.all(shapely.get_type_id(gdf.geometry.values) == 0)):
        raise InputError(source, "BAG verblijfsobjecten must be points")
    ids = gdf["identificatie"].astype(str)
    bad = ~ids.str.fullmatch(r"\d{16}")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(source, f"row {i + 1}: identificatie {ids.iloc[i]!r} is not 16 digits")
    if ids.duplicated().any():
        raise InputError(source, f"identificatie {ids[ids.duplicated()].iloc[0]} occurs more "
                         "than once")
    for i, value in enumerate(gdf["gebruiksdoel"]):
        try:
            parse_gebruiksdoel(value)
        except ValueError as exc:
            raise InputError(source, f"row {i + 1}: {exc}") from None
    if str(gdf["huisnummer"].dtype) != "Int64" or str(gdf["bouwjaar"].dtype) != "Int64":
        raise InputError(source, "huisnummer and bouwjaar must be Int64")


# --------------------------------------------------------------------------------------------
# How the files are read: pyogrio (GDAL) by default; inside QGIS, QGIS's providers


class UnreadableFileError(Exception):
    """A file or layer a :class:`VectorReader` cannot open or read (the message says why)."""


class VectorReader(Protocol):
    """What :func:`read_bag_gpkg` and :func:`read_bag_lv` need of a vector file reader.

    :class:`PyogrioReader` (the default) reads with pyogrio, i.e. GDAL; inside QGIS,
    :class:`wijkkracht.processing.qgis_io.QgisVectorReader` reads through QGIS's own providers
    (the GDAL QGIS is built with), so no second GDAL enters QGIS's process. Both raise
    :class:`UnreadableFileError` for a file or layer they cannot open or read.
    """

    def layers(self, path: str | Path) -> list[str]:
        """The names of the layers of a file."""

    def crs(self, path: str | Path, layer: str | None = None) -> Any:
        """The CRS of a layer (anything ``pyproj.CRS.from_user_input`` takes), None if none."""

    def read(self, path: str | Path, *, layer: str | None = None,
             bbox: Sequence[float] | None = None, mask: BaseGeometry | None = None,
             read_geometry: bool = True) -> pd.DataFrame:
        """The features of a layer (the first without ``layer``) that intersect ``bbox`` or
        ``mask`` (in the layer's CRS; all without either): a GeoDataFrame, or a DataFrame
        without ``read_geometry``. Fields as pyogrio gives them (dates as datetime64)."""


class PyogrioReader:
    """A :class:`VectorReader` that reads with pyogrio (imported when it is used)."""

    def layers(self, path: str | Path) -> list[str]:
        import pyogrio
        from pyogrio.errors import DataSourceError

        try:
            return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
        except DataSourceError as exc:
            raise UnreadableFileError(str(exc)) from None

    def crs(self, path: str | Path, layer: str | None = None) -> Any:
        import pyogrio

        return pyogrio.read_info(path, layer=layer).get("crs")

    def read(self, path: str | Path, *, layer: str | None = None,
             bbox: Sequence[float] | None = None, mask: BaseGeometry | None = None,
             read_geometry: bool = True) -> pd.DataFrame:
        import pyogrio
        from pyogrio.errors import DataLayerError, DataSourceError

        try:
            return pyogrio.read_dataframe(path, layer=layer, bbox=bbox, mask=mask,
                                          read_geometry=read_geometry)
        except (DataSourceError, DataLayerError) as exc:
            raise UnreadableFileError(str(exc)) from None


# --------------------------------------------------------------------------------------------
# (a) the PDOK GeoPackage

def read_bag_gpkg(
    path: str | Path,
    *,
    bbox: Sequence[float] | None = None,
    mask: BaseGeometry | None = None,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    layer: str = "verblijfsobject",
    snapshot_date: str | None = None,
    reader: VectorReader | None = None,
) -> gpd.GeoDataFrame:
    """Read verblijfsobjecten from a BAG GeoPackage in PDOK's layout.

    Only the features that intersect ``bbox``/``mask`` are read (GDAL's spatial filter on the
    GeoPackage's R-tree), so a neighbourhood is read from the national file without loading it.

    Parameters
    ----------
    path
        The GeoPackage.
    bbox
        ``(xmin, ymin, xmax, ymax)`` in EPSG:28992.
    mask
        A shapely polygon in EPSG:28992; give ``bbox`` or ``mask``, not both.
    statuses
        The BAG statuses to keep (default :data:`DEFAULT_STATUSES`); None keeps all. Dropped
        rows are counted in ``attrs["bag"]["dropped_by_status"]``.
    layer
        The layer name (PDOK: ``verblijfsobject``).
    snapshot_date
        The date of the BAG extract (``YYYY-MM-DD``), recorded in the metadata; PDOK's
        GeoPackage does not state it in a field.
    reader
        How the file is read (:class:`VectorReader`); default :class:`PyogrioReader`. Inside
        QGIS: :class:`wijkkracht.processing.qgis_io.QgisVectorReader`.

    Notes
    -----
    A layer with a true ``synthetic`` field (as synthetic generators write) gives
    ``attrs["bag"]["synthetic"] = True``.

    Returns
    -------
    geopandas.GeoDataFrame
        The BAG schema (module docstring), EPSG:28992.
    """
    reader = reader or PyogrioReader()
    source = str(path)
    if bbox is not None and mask is not None:
        raise InputError(source, "give bbox or mask, not both")
    check_file(path, "BAG GeoPackage (or a folder of LV BAG extracts)", kind="vector")
    try:
        layers = reader.layers(path)
    except UnreadableFileError as exc:
        raise InputError(source, f"cannot open as a GeoPackage: {gdal_reason(str(exc), path)}"
                         ) from None
    if layer not in layers:
        raise InputError(source, f"no layer {layer!r}; layers are {', '.join(layers)}")
    fbbox, fmask = area_in_layer_crs(bbox, mask, reader.crs(path, layer), source)
    try:
        gdf = reader.read(path, layer=layer, bbox=fbbox, mask=fmask)
    except UnreadableFileError as exc:
        raise InputError(source, f"cannot read layer {layer!r}: {gdal_reason(str(exc), path)}"
                         ) from None
    gdf = _renamed(gdf)
    if "identificatie" not in gdf:
        raise InputError(source, f"layer {layer!r} has no identificatie field; is this a BAG "
                         "verblijfsobject layer?")
    if mask is not None and len(gdf):
        gdf = gdf[gdf.geometry.intersects(fmask)]
    return normalise_bag(_with_all_columns(gdf), source, statuses=statuses,
                         meta={"snapshot_date": snapshot_date, "layer": layer})


# --------------------------------------------------------------------------------------------
# (b) LV BAG 2.0 XML

_LV_TYPES = ("VBO", "NUM", "OPR", "PND")
_LV_NAME = re.compile(r"^\d{4}(VBO|NUM|OPR|PND|LIG|STA|WPL)\d", re.IGNORECASE)
_SNAPSHOT_RE = re.compile(rb"StandTechnischeDatum>(\d{4}-\d{2}-\d{2})<")


def _lv_files(paths: str | Path | Iterable[str | Path]) -> tuple[dict[str, list[str]], list[str]]:
    """GDAL paths of the VBO/NUM/OPR XML files among files, folders and zips."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    found: dict[str, list[str]] = {t: [] for t in _LV_TYPES}
    ignored: list[str] = []

    def add(name: str, gdal_path: str) -> None:
        m = _LV_NAME.match(Path(name).name)
        kind = m.group(1).upper() if m else None
        if kind in found and name.lower().endswith(".xml"):
            found[kind].append(gdal_path)
        else:
            ignored.append(gdal_path)

    def add_zip(zpath: Path) -> None:
        try:
            with zipfile.ZipFile(zpath) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
        except zipfile.BadZipFile:
            raise InputError(zpath, "not a readable zip file") from None
        for name in names:
            m = _LV_NAME.match(Path(name).name)
            if m and m.group(1).upper() in _LV_TYPES:
                add(name, f"/vsizip/{zpath.resolve()}/{name}")
            elif not name.lower().endswith(".zip"):
                ignored.append(f"{zpath}/{name}")
        # PDOK's national file nests zips per object type; only matching ones are needed
        for name in names:
            m = _LV_NAME.match(Path(name).name)
            if name.lower().endswith(".zip") and m and m.group(1).upper() in _LV_TYPES:
                raise InputError(zpath, f"holds a nested zip {name!r}; unpack it and pass the "
                                 "inner zip files")

    for item in items:
        p = Path(item)
        if not p.exists():
            raise InputError(p, "file or folder not found")
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix.lower() == ".zip":
                    add_zip(child)
                elif child.is_file():
                    add(child.name, str(child))
        elif p.suffix.lower() == ".zip":
            add_zip(p)
        else:
            add(p.name, str(p))
    return found, ignored


def _snapshot_date(gdal_path: str) -> str | None:
    """``StandTechnischeDatum`` from the head of an LV BAG XML file."""
    try:
        if gdal_path.startswith("/vsizip/"):
            rest = gdal_path[len("/vsizip/"):]
            zpath, member = re.split(r"(?<=\.zip)/", rest, maxsplit=1, flags=re.IGNORECASE)
            with zipfile.ZipFile(zpath) as zf, zf.open(member) as fh:
                head = fh.read(8192)
        else:
            with open(gdal_path, "rb") as fh:
                head = fh.read(8192)
    except (OSError, ValueError, KeyError):
        return None
    m = _SNAPSHOT_RE.search(head)
    return m.group(1).decode() if m else None


def _current(frame: pd.DataFrame, snapshot: str | None) -> tuple[pd.DataFrame, int]:
    """The voorkomen of each object valid at the snapshot (no end of validity, not
    inactive), the highest voorkomenIdentificatie first; and the number of history rows."""
    if frame.empty:
        return frame, 0
    valid = pd.Series(True, index=frame.index)
    # as of a date: valid on that date (begin <= date < end); registration ends are ignored
    # then, since a voorkomen that was valid is closed in registration once it ends
    columns = ("eindGeldigheid", "tijdstipInactief") if snapshot is not None else (
        "eindGeldigheid", "eindRegistratie", "tijdstipInactief")
    for column in columns:
        if column in frame:
            end = pd.to_datetime(frame[column], errors="coerce")
            if snapshot is not None and column == "eindGeldigheid":
                valid &= end.isna() | (end > pd.Timestamp(snapshot))
            else:
                valid &= end.isna()
    if snapshot is not None and "beginGeldigheid" in frame:
        valid &= pd.to_datetime(frame["beginGeldigheid"], errors="coerce") <= pd.Timestamp(
            snapshot
        )
    kept = frame[valid.to_numpy()]
    if "voorkomenIdentificatie" in kept:
        kept = kept.sort_values("voorkomenIdentificatie", ascending=False)
    kept = kept.drop_duplicates(subset="identificatie", keep="first").sort_index()
    return kept, len(frame) - len(kept)


def _read_lv(paths: list[str], bbox: Sequence[float] | None, geometry: bool,
             reader: VectorReader) -> pd.DataFrame:
    frames = []
    for path in paths:
        try:
            frames.append(reader.read(path, bbox=bbox if geometry else None,
                                      read_geometry=geometry))
        except UnreadableFileError as exc:
            raise InputError(path, f"cannot read as LV BAG 2.0 XML: {gdal_reason(str(exc))}"
                             ) from None
    if not frames:
        return pd.DataFrame()
    frames = [f for f in frames if len(f)] or frames[:1]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def _join_bouwjaar(frame: pd.DataFrame, pnd_files: list[str], snapshot_date: str | None,
                   source: str, reader: VectorReader) -> dict[str, int]:
    """Fill ``frame["bouwjaar"]`` from the first pand of each verblijfsobject (the PND files);
    the found/missing counts (a missing pand warns)."""
    pnd, _ = _current(_read_lv(pnd_files, None, geometry=False, reader=reader), snapshot_date)
    years = {_bag_id(i): y for i, y in zip(pnd["identificatie"],
                                            pnd["oorspronkelijkBouwjaar"], strict=False)}
    firsts = [(_bag_ids(v) or "").split(",")[0] or None for v in frame["pand_identificatie"]]
    frame["bouwjaar"] = [years.get(f) if f else None for f in firsts]
    missing_pand = sum(1 for f in firsts if f not in years)
    if missing_pand:
        warnings.warn(f"{source}: the pand of {missing_pand} verblijfsobject(en) is not in "
                      "the pand files; their bouwjaar stays empty", UserWarning, stacklevel=3)
    return {"pand_found": len(firsts) - missing_pand, "pand_missing": missing_pand}


def read_bag_lv(
    paths: str | Path | Iterable[str | Path],
    *,
    bbox: Sequence[float] | None = None,
    mask: BaseGeometry | None = None,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    snapshot_date: str | None = None,
    reader: VectorReader | None = None,
) -> gpd.GeoDataFrame:
    """Read verblijfsobjecten from LV BAG 2.0 XML extracts with GDAL's LVBAG driver.

    Parameters
    ----------
    paths
        XML files, folders holding them, or zip files (e.g. ``9999VBO08012021.zip``), or a
        list of these. Files are recognised by Kadaster's names: ``<gemeente>VBO<date>...xml``
        (verblijfsobjecten, required), ``...NUM...`` (nummeraanduidingen), ``...OPR...``
        (openbare ruimten) and ``...PND...`` (panden). Other object types (``LIG``, ``STA``,
        ``WPL``) and other files are ignored and listed in ``attrs["bag"]["ignored_files"]``.
    bbox
        ``(xmin, ymin, xmax, ymax)`` in EPSG:28992.
    mask
        A shapely polygon in EPSG:28992: only the verblijfsobjecten that intersect it are kept
        (GDAL reads its bounding box, then each point is tested). Those in the bounding box
        but outside the polygon are counted in ``attrs["bag"]["outside_mask"]``. Give ``bbox``
        or ``mask``, not both.
    statuses
        The BAG statuses to keep (default :data:`DEFAULT_STATUSES`); None keeps all.
    snapshot_date
        Read the BAG as it was on this date (``YYYY-MM-DD``). Default: the extract's
        ``StandTechnischeDatum``, and the current voorkomens (no end of validity).
    reader
        How the XML files are read (:class:`VectorReader`); default :class:`PyogrioReader`.
        Inside QGIS: :class:`wijkkracht.processing.qgis_io.QgisVectorReader`.

    Returns
    -------
    geopandas.GeoDataFrame
        The BAG schema, one row per verblijfsobject (its current voorkomen). The main address
        (``hoofdadres``) fills huisnummer, huisletter, toevoeging, postcode (from the NUM files)
        and openbare_ruimte_naam (from the OPR files); without those files they stay empty.
        ``bouwjaar`` is the ``oorspronkelijkBouwjaar`` of the first pand the verblijfsobject
        lies in (from the PND files; empty without them). Found/missing counts are in
        ``attrs["bag"]["address_join"]`` and ``["pand_join"]``; missing ones warn.
    """
    reader = reader or PyogrioReader()
    source = ", ".join(str(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths))
    if bbox is not None and mask is not None:
        raise InputError(source, "give bbox or mask, not both")
    files, ignored = _lv_files(paths)
    if not files["VBO"]:
        raise InputError(source, "no verblijfsobject file (<gemeente>VBO<date>...xml) found")
    extract_date = _snapshot_date(files["VBO"][0])
    vbo = _read_lv(files["VBO"], mask.bounds if mask is not None else bbox, geometry=True,
                   reader=reader)
    vbo, history = _current(vbo, snapshot_date)
    outside = 0
    if mask is not None and isinstance(vbo, gpd.GeoDataFrame) and len(vbo):
        inside = vbo.geometry.intersects(mask).to_numpy()
        outside = int((~inside).sum())
        vbo = vbo[inside]
    frame = pd.DataFrame(
        {
            "identificatie": vbo["identificatie"].to_numpy(),
            "gebruiksdoel": vbo["gebruiksdoel"].to_numpy(),
            "oppervlakte": vbo["oppervlakte"].to_numpy(),
            "status": vbo["status"].to_numpy(),
            "pand_identificatie": vbo["pandRef"].to_numpy() if "pandRef" in vbo else None,
        }
    )
    refs = [_bag_id(v) for v in vbo.get("hoofdadresNummeraanduidingRef", [None] * len(vbo))]
    meta: dict[str, Any] = {
        "snapshot_date": snapshot_date or extract_date,
        "history_dropped": int(history),
        "ignored_files": ignored,
        "address_join": None,
        "pand_join": None,
    }
    if mask is not None:
        meta["outside_mask"] = outside
    if files["NUM"]:
        num, _ = _current(_read_lv(files["NUM"], None, geometry=False, reader=reader),
                          snapshot_date)
        num = num.assign(_id=[_bag_id(v) for v in num["identificatie"]]).set_index("_id")
        found = [r in num.index for r in refs]
        frame["huisnummer"] = [num.at[r, "huisnummer"] if ok else None
                               for r, ok in zip(refs, found, strict=False)]
        frame["huisletter"] = [num.at[r, "huisletter"] if ok else None
                               for r, ok in zip(refs, found, strict=False)]
        frame["toevoeging"] = [num.at[r, "huisnummerToevoeging"] if ok else None
                               for r, ok in zip(refs, found, strict=False)]
        frame["postcode"] = [num.at[r, "postcode"] if ok else None
                             for r, ok in zip(refs, found, strict=False)]
        opr_refs = [_bag_id(num.at[r, "openbareruimteRef"]) if ok else None
                    for r, ok in zip(refs, found, strict=False)]
        meta["address_join"] = {"hoofdadres_found": int(sum(found)),
                                "hoofdadres_missing": int(len(found) - sum(found))}
        if files["OPR"]:
            opr, _ = _current(_read_lv(files["OPR"], None, geometry=False, reader=reader),
                              snapshot_date)
            names = {_bag_id(i): n for i, n in zip(opr["identificatie"], opr["naam"], strict=False)}
            frame["openbare_ruimte_naam"] = [names.get(r) if r else None for r in opr_refs]
            meta["address_join"]["openbare_ruimte_missing"] = int(
                sum(1 for r in opr_refs if r and r not in names)
            )
        missing = meta["address_join"]["hoofdadres_missing"]
        if missing:
            warnings.warn(f"{source}: {missing} verblijfsobject(en) have a hoofdadres that is "
                          "not in the nummeraanduiding files; their address stays empty",
                          UserWarning, stacklevel=2)
    if files["PND"]:
        meta["pand_join"] = _join_bouwjaar(frame, files["PND"], snapshot_date, source, reader)
    crs = vbo.crs if isinstance(vbo, gpd.GeoDataFrame) else RD_NEW
    geometry = vbo.geometry.values if isinstance(vbo, gpd.GeoDataFrame) else []
    frame = gpd.GeoDataFrame(_with_all_columns(frame), geometry=geometry, crs=crs)
    return normalise_bag(frame, source, statuses=statuses, meta=meta)


# --------------------------------------------------------------------------------------------
# (c) PDOK OGC API Features


def _area_bbox(
    area: Sequence[float] | BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries,
) -> tuple[tuple[float, float, float, float], BaseGeometry | None]:
    if isinstance(area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        series = area.geometry if isinstance(area, gpd.GeoDataFrame) else area
        if series.crs is None:
            raise InputError("area", "the area layer has no CRS")
        geom = shapely.union_all(series.to_crs(RD_NEW).values)
        return tuple(geom.bounds), geom  # type: ignore[return-value]
    if isinstance(area, BaseGeometry):
        return tuple(area.bounds), area  # type: ignore[return-value]
    box = tuple(float(v) for v in area)
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        raise InputError("bbox", f"expected (xmin, ymin, xmax, ymax) in EPSG:28992, got {area}")
    return box, None  # type: ignore[return-value]


def fetch_bag_ogc(
    area: Sequence[float] | BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    base_url: str = DEFAULT_OGC_URL,
    cache_dir: str | Path | None = None,
    page_size: int = 1000,
    retries: int = 3,
    timeout: float = 60,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    backoff: float = 1.0,
    use_cache: bool = True,
) -> gpd.GeoDataFrame:
    """Download verblijfsobjecten from PDOK's BAG OGC API Features.

    Requests ``{base_url}/collections/verblijfsobject/items?bbox=...&bbox-crs=<RD>&crs=<RD>
    &limit=<page_size>&f=json`` and follows ``links[rel=next]`` until there is none.

    Parameters
    ----------
    area
        ``(xmin, ymin, xmax, ymax)`` in EPSG:28992, a shapely polygon in EPSG:28992, or a
        GeoDataFrame/GeoSeries in any CRS. For a polygon, its bounding box is requested and the
        points outside the polygon are dropped (counted in ``attrs["bag"]["outside_area"]``).
    base_url
        The API root (PDOK's by default).
    cache_dir
        Where each page is stored (one file per URL, written atomically once the page is
        complete and valid; an entry that does not parse is deleted and fetched again); a
        second run over the same area works offline. Default
        ``$XDG_CACHE_HOME/wijkkracht/bag_ogc``. Entries never expire: delete the folder (or
        pass ``use_cache=False``) for a fresh copy of the BAG.
    page_size
        Features per page (``limit``).
    retries
        Further attempts after a 429 (waiting ``Retry-After``, seconds or HTTP date, at most
        300 s), a 5xx, a connection error or a page cut short, with exponential backoff
        (``backoff`` x 1, 2, 4, ... seconds). After the last one: :class:`InputError` naming
        the request. Other HTTP errors (4xx) fail at once.
    timeout
        Seconds per request.
    statuses
        The BAG statuses to keep (default :data:`DEFAULT_STATUSES`); None keeps all.
    backoff
        Base of the waiting time between attempts, in seconds.
    use_cache
        False ignores (and does not write) the cache.

    Returns
    -------
    geopandas.GeoDataFrame
        The BAG schema, EPSG:28992. ``attrs["bag"]`` holds the first request's URL, the number
        of pages and the ``timeStamp`` of the first page as ``snapshot_date`` (the date the
        answer was made; PDOK's API serves the current BAG).
    """
    from .http import bag_ogc_cache_dir, fetch_pages  # only here: it imports requests

    bbox, polygon = _area_bbox(area)
    cache = Path(cache_dir) if cache_dir is not None else bag_ogc_cache_dir()
    base = base_url.rstrip("/")
    first_url = (
        f"{base}/collections/verblijfsobject/items?bbox={','.join(repr(v) for v in bbox)}"
        f"&bbox-crs={_RD_URI}&crs={_RD_URI}&limit={int(page_size)}&f=json"
    )
    features, pages, time_stamp = fetch_pages(first_url, cache=cache, use_cache=use_cache,
                                              retries=retries, timeout=timeout,
                                              backoff=backoff)
    source = str(first_url)
    rows = []
    geoms = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or not isinstance(feat.get("properties"), dict):
            raise InputError(source, f"feature {i + 1} has no properties")
        props = {_ALIASES.get(k.lower(), k.lower()): v for k, v in feat["properties"].items()}
        rows.append(props)
        try:
            geoms.append(shapely.geometry.shape(feat["geometry"]) if feat.get("geometry")
                         else None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(source, f"feature {i + 1}: invalid geometry: {exc}") from None
    frame = pd.DataFrame(rows)
    if len(frame) and "identificatie" not in frame:
        raise InputError(source, "the features have no 'identificatie' property")
    outside = 0
    if polygon is not None and len(frame):
        inside = np.array([g is not None and polygon.intersects(g) for g in geoms])
        outside = int((~inside).sum())
        frame = frame[inside].reset_index(drop=True)
        geoms = [g for g, ok in zip(geoms, inside, strict=False) if ok]
    snapshot = str(time_stamp)[:10] if time_stamp else None
    meta = {"snapshot_date": snapshot, "pages": pages, "outside_area": outside}
    if not len(frame):
        frame = pd.DataFrame({"identificatie": []})
    frame = gpd.GeoDataFrame(_with_all_columns(frame), geometry=geoms, crs=RD_NEW)
    return normalise_bag(frame, source, statuses=statuses, meta=meta)
