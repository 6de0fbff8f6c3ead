"""Read streets and POIs from a local OpenStreetMap extract (``.osm`` XML or ``.osm.pbf``).

This is the route for teams that work from a regional or national extract (for example a
Geofabrik download of the Netherlands) instead of querying Overpass. The file is read with
GDAL's OSM driver through pyogrio, configured by wijkkracht's own ``osmconf.ini`` (passed as
the ``CONFIG_FILE`` open option, so GDAL's global configuration is left alone): every tag
wijkkracht needs is a column of its own, so nothing depends on parsing GDAL's ``other_tags``
string.

Streets
    GDAL's ``lines`` layer, filtered by OSMnx's ``network_type="walk"`` rule
    (:data:`WALK_EXCLUDE`) and *noded*: ways are split at every vertex they share with another
    way (or with themselves), so that lines meet only at their endpoints, as wijkkracht's
    network builder expects. Ways that cross without a shared node (bridges, tunnels) are not
    split: they do not meet.
POIs
    GDAL's ``points`` layer (tagged nodes) and ``multipolygons`` layer (closed ways and
    multipolygon relations, reduced to a representative point) for the tags in
    :data:`OSM_POI_TAGS`, with ``name`` and ``opening_hours``. ``osm_id`` is ``N<id>``,
    ``W<id>`` or ``R<id>``.

Restricting the area
    ``bbox`` (``minx, miny, maxx, maxy``) and ``mask`` (a polygon) are given in EPSG:28992
    (RD New); a ``mask`` GeoDataFrame/GeoSeries may be in any CRS. They are transformed to the
    file's EPSG:4326 and handed to GDAL as a spatial filter: features that *intersect* the area
    are returned whole, not clipped. GDAL still has to parse the whole file, so reading a small
    area from a national extract takes as long as reading the extract once per layer.

Both readers return data in EPSG:28992 following :mod:`wijkkracht.data_sources.schema`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ..core.errors import InputError, NoDataError
from .schema import OSM_POI_KEYS, RD_NEW, normalize_pois, normalize_streets

__all__ = [
    "OSM_POI_TAGS",
    "WALK_EXCLUDE",
    "read_osm_extract_streets",
    "read_osm_extract_pois",
]

#: The OSM tags that make an object a POI for wijkkracht's OSM readers (this module and
#: :mod:`wijkkracht.data_sources.osm_live`). ``True`` keeps every value of the key; a tuple
#: keeps only those values. ``natural`` (in :data:`~wijkkracht.data_sources.schema.OSM_POI_KEYS`)
#: is left out on purpose: ``natural=tree`` alone is millions of nodes in the Netherlands and
#: none of it is an economic function.
OSM_POI_TAGS: dict[str, bool | tuple[str, ...]] = {
    "shop": True,
    "amenity": True,
    "office": True,
    "craft": True,
    "leisure": True,
    "tourism": True,
    "healthcare": True,
    "public_transport": True,
    "railway": ("station", "halt", "tram_stop"),
    "highway": ("bus_stop",),
    "building": True,
    "disused:shop": True,
    "vacant:shop": True,
    "historic": True,
}

#: The walk-network rule of OSMnx 2.x (``network_type="walk"`` with its default
#: ``settings.default_access``), as ``(key, regex)`` pairs. A way with a ``highway`` tag is a
#: walkable street unless one of its tags *matches* (unanchored, case-sensitive, like Overpass's
#: ``["key"!~"regex"]``) the pattern for that key. So motorways (``motor``), cycleways, ways
#: under construction, platforms, ``area=yes``, ``access=private``, ``foot=no``,
#: ``service=private`` and roads whose sidewalks are mapped separately are dropped. As in
#: OSMnx, ``trunk`` roads are kept unless tagged ``foot=no`` (Dutch *autowegen* usually are).
WALK_EXCLUDE: tuple[tuple[str, str], ...] = (
    ("area", "yes"),
    ("access", "private"),
    (
        "highway",
        "abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|"
        "raceway|razed|rest_area|services",
    ),
    ("foot", "no"),
    ("service", "private"),
    ("sidewalk", "separate"),
    ("sidewalk:both", "separate"),
    ("sidewalk:left", "separate"),
    ("sidewalk:right", "separate"),
)

_OSMCONF = Path(__file__).with_name("osmconf.ini")
_WGS84 = CRS.from_epsg(4326)

Mask: TypeAlias = BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries


def read_osm_extract_streets(
    path: str | Path,
    *,
    bbox: Sequence[float] | None = None,
    mask: Mask | None = None,
) -> gpd.GeoDataFrame:
    """Read the walkable streets of an OSM extract as noded lines in EPSG:28992.

    Parameters
    ----------
    path
        An ``.osm`` (XML) or ``.osm.pbf`` file.
    bbox
        ``(minx, miny, maxx, maxy)`` in EPSG:28992: read only ways that intersect this box.
    mask
        A polygon in EPSG:28992 (shapely geometry), or a GeoDataFrame/GeoSeries in any CRS:
        read only ways that intersect it. Give ``bbox`` or ``mask``, not both.

    Returns
    -------
    geopandas.GeoDataFrame
        The street schema (``osm_id``, ``street_name``, ``highway``, ``geometry``): one row per
        piece of an OSM way between two nodes shared with other ways (or the way's ends), so
        lines meet only at endpoints. ``osm_id`` is the way id (``"123"``); the pieces of one
        way share it.

    Raises
    ------
    InputError
        The file is missing, is not an OSM file, or cannot be read.
    NoDataError
        The file (or the requested area) holds no walkable street.
    """
    p = _check_osm_file(path)
    area_filter = _area_filter(bbox, mask)
    columns = ["osm_id", "name", "highway", *(k for k, _ in WALK_EXCLUDE if k != "highway")]
    lines = _read_osm_layer(p, "lines", columns, where='"highway" IS NOT NULL', mask=area_filter)
    where = _in_area_text(bbox, mask)
    if len(lines) == 0:
        raise NoDataError(p, f"the extract holds no ways with a highway tag{where}")
    lines = lines[_walkable(lines)]
    if len(lines) == 0:
        raise NoDataError(
            p, f"the extract holds no walkable streets{where} (all highway ways are excluded by "
            "the walk-network rule: motorways, cycleways, private or foot=no ways, ...)"
        )
    noded = _node_lines(lines[["osm_id", "name", "highway", "geometry"]])
    return normalize_streets(noded, p, name_column="name")


def read_osm_extract_pois(
    path: str | Path,
    *,
    bbox: Sequence[float] | None = None,
    mask: Mask | None = None,
) -> gpd.GeoDataFrame:
    """Read the POIs (and buildings) of an OSM extract as points in EPSG:28992.

    Tagged nodes come from GDAL's ``points`` layer; closed ways and multipolygon relations from
    its ``multipolygons`` layer, reduced to a representative point. Only the tags in
    :data:`OSM_POI_TAGS` are kept, one row per (object, tag).

    Parameters
    ----------
    path
        An ``.osm`` (XML) or ``.osm.pbf`` file.
    bbox
        ``(minx, miny, maxx, maxy)`` in EPSG:28992: read only objects that intersect this box.
    mask
        A polygon in EPSG:28992 (shapely geometry), or a GeoDataFrame/GeoSeries in any CRS.
        Give ``bbox`` or ``mask``, not both.

    Returns
    -------
    geopandas.GeoDataFrame
        The POI schema (``osm_id`` as ``N<id>``/``W<id>``/``R<id>``, ``tag`` as ``key=value``,
        ``geometry``) plus ``name`` and ``opening_hours`` (``None`` where the object has none).

    Raises
    ------
    InputError
        The file is missing, is not an OSM file, or cannot be read.
    NoDataError
        The file (or the requested area) holds no POI.
    """
    p = _check_osm_file(path)
    area_filter = _area_filter(bbox, mask)
    keys = list(OSM_POI_TAGS)
    where = " OR ".join(f'"{k}" IS NOT NULL' for k in keys)
    frames = []
    points = _read_osm_layer(p, "points", ["osm_id", "name", "opening_hours", *keys], where,
                             mask=area_filter)
    if len(points):
        points["osm_id"] = "N" + points["osm_id"].astype(str)
        frames.append(points)
    polygons = _read_osm_layer(
        p, "multipolygons", ["osm_id", "osm_way_id", "name", "opening_hours", *keys], where,
        mask=area_filter,
    )
    if len(polygons):
        is_way = polygons["osm_way_id"].notna()
        polygons["osm_id"] = np.where(
            is_way,
            "W" + polygons["osm_way_id"].astype(str),
            "R" + polygons["osm_id"].astype(str),
        )
        frames.append(polygons.drop(columns="osm_way_id"))
    gdf = _keep_poi_tags(
        gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=_WGS84)
        if frames
        else gpd.GeoDataFrame({"osm_id": []}, geometry=[], crs=_WGS84)
    )
    if len(gdf) == 0:
        raise NoDataError(p, f"the extract holds no POIs{_in_area_text(bbox, mask)} (tags: "
                          f"{', '.join(OSM_POI_TAGS)})")
    return normalize_pois(gdf, p)


def _keep_poi_tags(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Blank out OSM key columns and values that :data:`OSM_POI_TAGS` does not want, and drop
    rows left without any POI tag.

    Works on any frame with one column per OSM key (GDAL's OSM layers, OSMnx features).
    """
    gdf = gdf.drop(columns=[k for k in OSM_POI_KEYS if k in gdf and k not in OSM_POI_TAGS])
    present = [k for k in OSM_POI_TAGS if k in gdf]
    if not present:
        return gdf.iloc[:0]
    gdf = gdf.copy()
    for key in present:
        wanted = OSM_POI_TAGS[key]
        values = gdf[key].astype(object)
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if wanted is not True:
            blank |= ~values.isin(wanted)
        gdf[key] = values.where(~blank, None)
    keep = gdf[present].notna().any(axis=1)
    return gdf[keep.to_numpy()]


def _check_osm_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if not p.is_file():
        raise InputError(p, "not a file; give an .osm or .osm.pbf extract")
    if p.stat().st_size == 0:
        raise NoDataError(p, "the file is empty (0 bytes)")
    if not _OSMCONF.is_file():  # pragma: no cover - packaging error
        raise InputError(_OSMCONF, "wijkkracht's GDAL OSM configuration is missing; reinstall")
    with p.open("rb") as fh:
        head = fh.read(65536)
    problem = _not_osm(head)
    if problem:
        raise InputError(p, f"not an OpenStreetMap extract (.osm XML or .osm.pbf): {problem}")
    return p


def _not_osm(head: bytes) -> str | None:
    """Why the first bytes of a file are not those of an OSM XML or PBF file (None if they are).

    Checked before GDAL opens the file, so that another vector format (GDAL would open it with
    its own driver) or a compressed download gets a clear message.
    """
    # PBF: a 4-byte length, then a BlobHeader whose type string is "OSMHeader"
    if len(head) > 8 and b"OSMHeader" in head[4:32]:
        return None
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") and b"<osm" in head:
        return None
    if head.startswith(b"\x1f\x8b"):
        return "it is gzip-compressed; decompress it first"
    if head.startswith(b"BZh"):
        return "it is bzip2-compressed; decompress it first (e.g. bunzip2)"
    if head.startswith(b"SQLite format 3"):
        return "it is an SQLite/GeoPackage file; read it as a GeoPackage instead"
    start = head[:24].decode("utf-8", errors="replace")
    shown = "".join(c if c.isprintable() else "." for c in start)
    return f"it starts with {shown!r}"


def _read_osm_layer(
    path: Path,
    layer: str,
    columns: list[str],
    where: str,
    *,
    mask: BaseGeometry | None,
) -> gpd.GeoDataFrame:
    """Read one layer of GDAL's OSM driver with wijkkracht's configuration (EPSG:4326)."""
    # imported here: osm_live uses this module's tag rules without reading files (in QGIS)
    import pyogrio
    import pyogrio.errors

    options: dict[str, Any] = {"CONFIG_FILE": str(_OSMCONF)}
    for attempt in range(2):
        try:
            gdf = pyogrio.read_dataframe(
                path, layer=layer, columns=columns, where=where, mask=mask, **options
            )
        except (
            pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError,
            pyogrio.errors.FeatureError,
            pyogrio.errors.GeometryError,
        ) as exc:
            # GDAL's fast node index needs positive, increasing node ids; files saved by
            # editors such as JOSM can hold negative ids. Retry with the slower index.
            if attempt == 0 and "OSM_USE_CUSTOM_INDEXING" in str(exc):
                options["USE_CUSTOM_INDEXING"] = "NO"
                continue
            raise InputError(
                path, f"cannot read the OSM {layer} ({_short(exc)}); is the file complete?"
            ) from exc
        break
    if gdf.crs is None:  # pragma: no cover - GDAL's OSM driver always sets EPSG:4326
        gdf = gdf.set_crs(_WGS84)
    return gdf


def _walkable(lines: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the ways that pass :data:`WALK_EXCLUDE` (and have a ``highway`` tag)."""
    keep = lines["highway"].notna().to_numpy() & (lines["highway"].astype(str) != "").to_numpy()
    for key, pattern in WALK_EXCLUDE:
        if key not in lines:
            continue
        values = lines[key]
        hit = values.notna() & values.astype(str).str.contains(re.compile(pattern), regex=True)
        keep &= ~hit.to_numpy(dtype=bool)
    return keep


def _node_lines(lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Split lines at every vertex shared by two or more lines (or twice by one line).

    OSM ways meet at shared nodes, which GDAL gives as identical coordinates. After splitting,
    lines share vertices only at their endpoints. A closed way's repeated end vertex counts once.
    Attributes are copied to every piece.
    """
    lines = lines.reset_index(drop=True)
    geoms = lines.geometry.to_numpy()
    coords, line_idx = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) == 0:
        return lines
    boundary = line_idx[1:] != line_idx[:-1]
    first = np.r_[True, boundary]
    last = np.r_[boundary, True]
    closed = np.asarray(shapely.is_closed(geoms), dtype=bool)
    counted = ~(last & closed[line_idx])
    _, inverse = np.unique(coords, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    occurrences = np.bincount(inverse[counted], minlength=inverse.max() + 1)[inverse]
    split = (occurrences >= 2) & ~first & ~last
    repeat = 1 + split.astype(np.int64)
    coords2 = np.repeat(coords, repeat, axis=0)
    new_part = np.repeat(first, repeat)
    second_copy = (np.cumsum(repeat) - 1)[split]
    new_part[second_copy] = True
    part = np.cumsum(new_part) - 1
    pieces = shapely.linestrings(coords2, indices=part)
    owner = np.repeat(line_idx, repeat)[new_part]
    out = lines.iloc[owner].reset_index(drop=True)
    return gpd.GeoDataFrame(
        out.drop(columns=lines.geometry.name), geometry=pieces, crs=lines.crs
    )


def _area_filter(bbox: Sequence[float] | None, mask: Mask | None) -> BaseGeometry | None:
    """The bbox or mask (EPSG:28992) as a polygon in EPSG:4326 for GDAL's spatial filter."""
    if bbox is not None and mask is not None:
        raise InputError(None, "give bbox or mask, not both")
    if bbox is not None:
        try:
            minx, miny, maxx, maxy = (float(v) for v in bbox)
        except (TypeError, ValueError) as exc:
            raise InputError(
                None, f"bbox must be four numbers (minx, miny, maxx, maxy) in EPSG:28992, got "
                f"{bbox!r}"
            ) from exc
        if not (minx < maxx and miny < maxy):
            raise InputError(None, f"bbox {bbox!r} is empty: need minx < maxx and miny < maxy "
                             "(EPSG:28992 metres)")
        geom: BaseGeometry = shapely.box(minx, miny, maxx, maxy)
        crs = RD_NEW
    elif mask is not None:
        if isinstance(mask, (gpd.GeoDataFrame, gpd.GeoSeries)):
            if mask.crs is None:
                raise InputError(None, "the mask has no CRS; set one (e.g. EPSG:28992)")
            geom = shapely.union_all(mask.geometry.to_numpy())
            crs = CRS.from_user_input(mask.crs)
        elif isinstance(mask, BaseGeometry):
            geom = mask
            crs = RD_NEW
        else:
            raise InputError(None, f"mask must be a shapely polygon (EPSG:28992) or a "
                             f"GeoDataFrame, got {type(mask).__name__}")
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(None, f"mask must be a non-empty polygon, got {geom.geom_type}")
    else:
        return None
    if crs.equals(_WGS84):
        return geom
    # densify first so that straight edges stay (nearly) straight after the transformation
    length = shapely.length(geom.boundary)
    dense = shapely.segmentize(geom, max(length / 400.0, 1e-9))
    transformer = Transformer.from_crs(crs, _WGS84, always_xy=True)
    return shapely.transform(dense, lambda xy: np.column_stack(transformer.transform(*xy.T)))


def _in_area_text(bbox: Sequence[float] | None, mask: Mask | None) -> str:
    if bbox is not None:
        return f" within bbox {tuple(float(v) for v in bbox)} (EPSG:28992)"
    if mask is not None:
        return " within the mask"
    return ""


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
