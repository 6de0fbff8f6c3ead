"""Read streets and POIs from a local OpenStreetMap extract (``.osm`` XML or ``.osm.pbf``).

This is the route for teams that work from a regional or national extract (for example a
Geofabrik download of the Netherlands) instead of querying Overpass. The file is read with
GDAL's OSM driver through pyogrio, configured by wijkkracht's own ``osmconf.ini`` (passed as
the ``CONFIG_FILE`` open option, so GDAL's global configuration is left alone): every tag
wijkkracht needs is a column of its own, so nothing depends on parsing GDAL's ``other_tags``
string.

Streets
    The ways with a ``highway`` tag, under the Dutch walking-network rule of
    :mod:`wijkkracht.data_sources.walk_network` (cycleways and fietsvoetpaden kept unless
    ``foot=no``; busways, motorways, *autowegen*, denied access left out; see there), *noded*:
    ways are split at every vertex they share with another kept way (or with themselves), so
    that lines meet only at their endpoints, as wijkkracht's network builder expects. Ways that
    cross without a shared node (bridges, tunnels) are not split: they do not meet. The rule is
    applied before noding, so a left-out way splits nothing; ``attrs["walk_network"]`` reports
    ``lines_in`` (ways and areas read) and ``left_out`` (ways and areas per rule).

    GDAL gives open ways in its ``lines`` layer, but puts a *closed* way with ``area=yes`` (or
    with a tag that makes a closed way an area, e.g. ``amenity``) in its ``multipolygons``
    layer, together with multipolygon relations. So the ``multipolygons`` with a ``highway``
    tag are read too, and their outlines become lines: ``area="yes"`` for a closed way tagged
    ``area=yes`` and for a relation (a multipolygon is an area by definition), so that the rule
    keeps only pedestrian areas (``highway=pedestrian|footway|path``) and
    :func:`~wijkkracht.data_sources.schema.normalize_streets` adds the straight links across
    them; a closed way that GDAL took for an area because of another tag is, without
    ``area=yes``, a loop (OSM wiki `Key:area <https://wiki.openstreetmap.org/wiki/Key:area>`_).
    ``osm_id`` of an outline is the way id, or ``R<id>`` for a relation (ways and relations are
    numbered separately, and a plain number is a way id everywhere else).
POIs
    GDAL's ``points`` layer (tagged nodes) and ``multipolygons`` layer (closed ways and
    multipolygon relations, reduced to a representative point) for the tags in
    :data:`OSM_POI_TAGS`, with ``name``, ``opening_hours``, ``isced_level`` (OSM
    ``isced:level``) and ``school``. ``osm_id`` is ``N<id>``, ``W<id>`` or ``R<id>``. For
    counting every amenity once (:mod:`wijkkracht.core.amenities`) each POI also gets:

    ``footprint_m2``
        the area (m², EPSG:28992) of its own polygon (ways and relations; NaN for nodes);
    ``outline_id``, ``outline_m2``
        the ``osm_id`` and area of the smallest *other* POI or building polygon of the file that
        holds the POI's point (the node, or the representative point of a polygon; a point on
        the outline counts as held); for a polygon only outlines at least as large as its own
        count (the school grounds hold the school building, not the other way round). ``""``
        and NaN where none does;
    ``stop_area``
        ``R<id>`` of a ``public_transport=stop_area`` relation
        (`Tag:public_transport=stop_area
        <https://wiki.openstreetmap.org/wiki/Tag:public_transport%3Dstop_area>`_) that has the
        object as a member (the lowest relation id when there are several), else ``""``.
        GDAL's OSM driver gives no member lists, but its ``other_relations`` layer gives each
        such relation a GeometryCollection of its members' geometries: a member *point* is
        matched to the POI nodes at its coordinates, a member polygon (or closed line) to the
        POI ways with that outline, both at OSM's precision of 1e-7 degree (distinct OSM nodes
        differ by at least that; exact equality would not do: in a PBF, GDAL gives one node
        with slightly different doubles in its ``points`` and ``other_relations`` layers).
        Members that are relations, and open ways (GDAL's ``lines``, not read for POIs), are
        not matched.

Clipped extracts
    A file cut out of a larger one (``osmium extract -b/-p``, or a download of a box) holds ways
    that reference nodes outside it, multipolygon relations whose member ways are missing, and
    closed ways left with two nodes. GDAL drops a way with fewer than two nodes in the file and
    a multipolygon relation with a missing member way (silently: it says so only in its debug
    output), joins the remaining nodes of a way with missing nodes in a straight line (the
    reader cannot see this), and returns a polygon whose ring has too few points for a closed
    way left with two or three nodes. Such geometries, which shapely cannot build, are left out
    of both readers, and lines that collapsed to a point too; invalid POI polygons (e.g. a ring
    that crosses itself once a node is gone) are repaired with ``shapely.make_valid``. Both are
    logged as a warning and counted in ``attrs["broken_geometries"]`` (``left_out``,
    ``repaired``). ``osmium extract``'s default strategy (``complete_ways``) keeps every way
    whole; use it (or ``smart``) to avoid straight gaps.

Restricting the area
    ``bbox`` (``minx, miny, maxx, maxy``) and ``mask`` (a polygon) are given in EPSG:28992
    (RD New); a ``mask`` GeoDataFrame/GeoSeries may be in any CRS. They are transformed to the
    file's EPSG:4326 and handed to GDAL as a spatial filter: features that *intersect* the area
    are returned whole, not clipped. GDAL still has to parse the whole file, so reading a small
    area from a national extract takes as long as reading the extract once per layer (streets:
    two layers, POIs: three).

Both readers return data in EPSG:28992 following :mod:`wijkkracht.data_sources.schema`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ..core.errors import InputError, NoDataError
from .file_checks import check_file, gdal_reason
from .schema import OSM_POI_KEYS, RD_NEW, _osm_ids, normalize_pois, normalize_streets, to_rd_new
from .walk_network import WAY_TAGS, walkable

__all__ = [
    "OSM_POI_TAGS",
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

#: Descriptive POI tags read with the POI tags: OSM key -> column name.
POI_DETAIL_TAGS: dict[str, str] = {
    "name": "name",
    "opening_hours": "opening_hours",
    "isced:level": "isced_level",
    "school": "school",
}

#: Columns of GDAL's ``multipolygons`` layer read for the outlines of highway areas.
_AREA_COLUMNS = ("highway", "name", "area", "foot", "access", "motorroad", "service", "footway")

#: OSM stores coordinates as integers of 1e-7 degree.
_OSM_PRECISION = 1e-7

_OSMCONF = Path(__file__).with_name("osmconf.ini")
_WGS84 = CRS.from_epsg(4326)
_LOG = logging.getLogger(__name__)

Mask: TypeAlias = BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries


@dataclass
class _Broken:
    """Geometries of a read left out (shapely cannot build them, or they collapsed) and
    repaired (``shapely.make_valid``)."""

    left_out: int = 0
    repaired: int = 0
    layers: set[str] = field(default_factory=set)

    def report(self, source: Path | str) -> dict[str, int]:
        if self.left_out or self.repaired:
            _LOG.warning(
                "%s: %d broken geometr%s (of %s; e.g. ways and relations cut off when the "
                "extract was clipped) left out, %d invalid polygon(s) repaired with "
                "shapely.make_valid", source, self.left_out,
                "y" if self.left_out == 1 else "ies", ", ".join(sorted(self.layers)) or "-",
                self.repaired)
        return {"left_out": self.left_out, "repaired": self.repaired}


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
        The street schema (``osm_id``, ``street_name``, ``highway``, ``geometry``) plus
        ``footway``: one row per piece of an OSM way between two nodes shared with other kept
        ways (or the way's ends), so lines meet only at endpoints, plus the links across
        pedestrian areas (``footway="area_link"``). ``osm_id`` is the way id (``"123"``; the
        pieces of one way share it), ``R<id>`` for a relation's outline.
        ``attrs["walk_network"]``: ``lines_in`` (ways and highway areas read), ``left_out``
        (ways and areas left out, per rule), ``area_links``, ``warning``;
        ``attrs["broken_geometries"]``: ``left_out`` and ``repaired`` (see the module
        docstring).

    Raises
    ------
    InputError
        The file is missing, is not an OSM file, or cannot be read.
    NoDataError
        The file (or the requested area) holds no walkable street.
    """
    p = _check_osm_file(path)
    area_filter = _area_filter(bbox, mask)
    broken = _Broken()
    lines = _read_osm_layer(p, "lines", ["osm_id", *WAY_TAGS], '"highway" IS NOT NULL',
                            mask=area_filter, broken=broken)
    polygons = _read_osm_layer(p, "multipolygons", ["osm_id", "osm_way_id", *_AREA_COLUMNS],
                               '"highway" IS NOT NULL', mask=area_filter, broken=broken)
    parts = [frame for frame in (pd.DataFrame(lines), _outlines(polygons)) if len(frame)]
    ways = _drop_collapsed_lines(pd.concat(parts, ignore_index=True) if parts else
                                 pd.DataFrame(lines), broken)
    where = _in_area_text(bbox, mask)
    if len(ways) == 0:
        raise NoDataError(p, f"the extract holds no ways with a highway tag{where}")
    ways = gpd.GeoDataFrame(ways, geometry="geometry", crs=_WGS84)
    rule = walkable(ways)
    left_out = rule.left_out()
    if not rule.keep.any():
        raise NoDataError(
            p, f"the extract holds no walkable streets{where} (every highway way is left out "
            "by the Dutch walking-network rule: "
            + ", ".join(f"{k} {v}" for k, v in list(left_out.items())[:4]) + ")")
    kept = ways[rule.keep].explode(index_parts=False, ignore_index=True)
    noded = _node_lines(kept)
    streets = normalize_streets(noded, p, name_column="name")
    info = streets.attrs["walk_network"]
    info["lines_in"] = int(len(ways))
    info["left_out"] = left_out
    streets.attrs["broken_geometries"] = broken.report(p)
    return streets


def _outlines(polygons: gpd.GeoDataFrame) -> pd.DataFrame:
    """The outlines of GDAL ``multipolygons`` with a ``highway`` tag, as (multi)lines with
    ``area`` = ``"yes"`` for relations and closed ways tagged ``area=yes``."""
    if not len(polygons):
        return pd.DataFrame()
    is_way = polygons["osm_way_id"].notna().to_numpy()
    out = pd.DataFrame({
        "osm_id": np.where(is_way, polygons["osm_way_id"].astype(str),
                           "R" + polygons["osm_id"].astype(str)),
        **{c: polygons[c].to_numpy() for c in _AREA_COLUMNS if c != "area"},
    })
    area = polygons["area"].to_numpy(dtype=object)
    out["area"] = np.where(~is_way, "yes", area)
    out["geometry"] = shapely.boundary(polygons.geometry.to_numpy())
    return out


def _drop_collapsed_lines(ways: pd.DataFrame, broken: _Broken) -> pd.DataFrame:
    """Leave out lines without length (a closed way left with one node of the file)."""
    if not len(ways):
        return ways
    geoms = ways["geometry"].to_numpy()
    collapsed = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    collapsed |= ~collapsed & (shapely.length(np.where(collapsed, None, geoms)) == 0)
    if collapsed.any():
        broken.left_out += int(collapsed.sum())
        broken.layers.add("lines")
    return ways[~collapsed]


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
        ``geometry``) plus ``name``, ``opening_hours``, ``isced_level``, ``school`` (``None``
        where the object has none), ``stop_area``, ``footprint_m2``, ``outline_id`` and
        ``outline_m2`` (see the module docstring). ``attrs["broken_geometries"]``:
        ``left_out`` and ``repaired``.

    Raises
    ------
    InputError
        The file is missing, is not an OSM file, or cannot be read.
    NoDataError
        The file (or the requested area) holds no POI.
    """
    p = _check_osm_file(path)
    area_filter = _area_filter(bbox, mask)
    broken = _Broken()
    keys = list(OSM_POI_TAGS)
    where = " OR ".join(f'"{k}" IS NOT NULL' for k in keys)
    frames = []
    points = _read_osm_layer(p, "points", ["osm_id", *POI_DETAIL_TAGS, *keys], where,
                             mask=area_filter, broken=broken, keep_unbuilt=True)
    if len(points):
        points["osm_id"] = "N" + points["osm_id"].astype(str)
        frames.append(points)
    polygons = _read_osm_layer(
        p, "multipolygons", ["osm_id", "osm_way_id", *POI_DETAIL_TAGS, *keys], where,
        mask=area_filter, broken=broken, keep_unbuilt=True,
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
    gdf = gdf.reset_index(drop=True)
    relations = _read_osm_layer(p, "other_relations", ["osm_id", "public_transport"],
                                "\"public_transport\" = 'stop_area'", mask=area_filter,
                                broken=broken)
    gdf["stop_area"] = _stop_areas(gdf, relations)
    gdf = _poi_details(gdf, p, broken)
    pois = normalize_pois(gdf, p)
    pois.attrs["broken_geometries"] = broken.report(p)
    return pois


def _stop_areas(pois: gpd.GeoDataFrame, relations: gpd.GeoDataFrame) -> np.ndarray:
    """``R<id>`` of the stop_area relation each POI is a member of (``""`` if none), from the
    member geometries GDAL gives (see the module docstring). Same CRS for both frames."""
    out = np.full(len(pois), "", dtype=object)
    if not len(relations) or not len(pois):
        return out
    order = np.argsort(relations["osm_id"].astype(np.int64).to_numpy(), kind="stable")
    rel_ids = ("R" + relations["osm_id"].astype(str)).to_numpy()[order]
    parts, owner = shapely.get_parts(relations.geometry.to_numpy()[order], return_index=True)
    rel_of_part = rel_ids[owner]
    kind = shapely.get_type_id(parts)
    geoms = pois.geometry.to_numpy()
    ids = pois["osm_id"].astype(str).to_numpy()
    # member points -> POI nodes at those coordinates (first relation by id wins)
    is_point = kind == 0
    if is_point.any():
        members = pd.DataFrame(_grid(shapely.get_coordinates(parts[is_point])), columns=["x", "y"])
        members["rel"] = rel_of_part[is_point]
        members = members.drop_duplicates(["x", "y"])
        nodes = np.flatnonzero(np.char.startswith(ids.astype(str), "N"))
        if len(nodes):
            xy = pd.DataFrame(_grid(shapely.get_coordinates(geoms[nodes])), columns=["x", "y"])
            xy["pos"] = nodes
            hit = xy.merge(members, on=["x", "y"])
            out[hit["pos"].to_numpy()] = hit["rel"].to_numpy()
    # member polygons and closed lines -> POI ways with exactly that outline
    rings = np.where(kind == 3, parts, None)
    closed_line = ((kind == 1) & shapely.is_closed(parts)
                   & (shapely.get_num_coordinates(parts) >= 4))
    if closed_line.any():
        coords, index = shapely.get_coordinates(parts[closed_line], return_index=True)
        rings[closed_line] = shapely.polygons(shapely.linearrings(coords, indices=index))
    has_ring = ~pd.isna(rings)
    if has_ring.any():
        ring_geoms = rings[has_ring].astype(object)
        ring_rel = rel_of_part[has_ring]
        ways = np.flatnonzero(np.char.startswith(ids.astype(str), "W"))
        if len(ways):
            way_geoms = geoms[ways]
            single = shapely.get_num_geometries(way_geoms) == 1
            way_polys = np.where(single, shapely.get_geometry(way_geoms, 0), None)
            tree = shapely.STRtree(ring_geoms)
            w_idx, r_idx = tree.query(way_polys)
            same = shapely.equals(shapely.set_precision(way_polys[w_idx], _OSM_PRECISION),
                                  shapely.set_precision(ring_geoms[r_idx], _OSM_PRECISION))
            w_idx, r_idx = w_idx[same], r_idx[same]
            first = pd.DataFrame({"w": w_idx, "r": r_idx}).groupby("w")["r"].min()
            target = ways[first.index.to_numpy()]
            todo = out[target] == ""
            out[target[todo]] = ring_rel[first.to_numpy()][todo]
    return out


def _grid(coords: np.ndarray) -> np.ndarray:
    """Coordinates (degrees) as integers of OSM's precision, 1e-7 degree."""
    return np.round(np.asarray(coords) / _OSM_PRECISION).astype(np.int64)


def _poi_details(gdf: gpd.GeoDataFrame, source: str | Path, broken: _Broken
                 ) -> gpd.GeoDataFrame:
    """POIs with one column per OSM key (any CRS, one row per object, points or polygons)
    as points in EPSG:28992 with ``footprint_m2``, ``outline_id`` and ``outline_m2`` (see the
    module docstring); invalid polygons are repaired first (counted in ``broken``).

    Shared with :mod:`wijkkracht.data_sources.osm_live` (OSMnx features)."""
    gdf = gdf.rename(columns={k: v for k, v in POI_DETAIL_TAGS.items() if k in gdf and k != v})
    gdf = to_rd_new(gdf, source)
    gdf = gdf.assign(**{c: None for c in POI_DETAIL_TAGS.values() if c not in gdf})
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        broken.left_out += int(missing.sum())
        broken.layers.add("POIs")
        gdf, geoms = gdf[~missing], geoms[~missing]
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    invalid = polygonal & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        broken.repaired += int(invalid.sum())
        broken.layers.add("POIs")
    area = np.where(polygonal, shapely.area(geoms), np.nan)
    area[area <= 0] = np.nan  # a ring that collapsed to a line (repaired): no known footprint
    points = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    outline_id, outline_m2 = _outlines_holding(points, geoms, area, np.asarray(_osm_ids(gdf),
                                                                               dtype=object))
    gdf = gdf.copy()
    gdf["footprint_m2"] = area
    gdf["outline_id"] = outline_id
    gdf["outline_m2"] = outline_m2
    return gdf.set_geometry(gpd.GeoSeries(points, index=gdf.index, crs=RD_NEW))


def _outlines_holding(points: np.ndarray, geoms: np.ndarray, area: np.ndarray,
                      ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every point, the id and area of the smallest polygon of ``geoms`` (another object,
    with an area at least the point's own ``area`` when it has one) that holds it."""
    n = len(points)
    outline_id = np.full(n, "", dtype=object)
    outline_m2 = np.full(n, np.nan)
    candidates = np.flatnonzero(np.nan_to_num(area, nan=0.0) > 0)
    if not len(candidates) or not n:
        return outline_id, outline_m2
    tree = shapely.STRtree(geoms[candidates])
    p_idx, c_idx = tree.query(points, predicate="intersects")
    c_row = candidates[c_idx]
    c_area = area[c_row]
    own = area[p_idx]
    ok = (c_row != p_idx) & (ids[c_row] != ids[p_idx]) & ~(c_area < own)
    p_idx, c_row, c_area = p_idx[ok], c_row[ok], c_area[ok]
    if not len(p_idx):
        return outline_id, outline_m2
    order = np.lexsort((ids[c_row].astype(str), c_area, p_idx))
    p_idx, c_row, c_area = p_idx[order], c_row[order], c_area[order]
    first = np.r_[True, p_idx[1:] != p_idx[:-1]]
    outline_id[p_idx[first]] = ids[c_row[first]]
    outline_m2[p_idx[first]] = c_area[first]
    return outline_id, outline_m2


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
    p = check_file(path, "OpenStreetMap extract (.osm or .osm.pbf)", kind="any")
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
    broken: _Broken,
    keep_unbuilt: bool = False,
) -> gpd.GeoDataFrame:
    """Read one layer of GDAL's OSM driver with wijkkracht's configuration (EPSG:4326).

    The geometries come as WKB and are built here, so that one shapely cannot build (a ring of
    two points, from a clipped extract) is left out and counted in ``broken`` instead of
    failing the whole read (as ``pyogrio.read_dataframe`` would). ``keep_unbuilt``: keep such
    rows with a missing geometry instead (the caller counts those it would have used)."""
    # imported here: osm_live uses this module's tag rules without reading files (in QGIS)
    import pyogrio.errors
    import pyogrio.raw

    options: dict[str, Any] = {"CONFIG_FILE": str(_OSMCONF)}
    for attempt in range(2):
        try:
            meta, _, wkb, values = pyogrio.raw.read(
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
    geoms = shapely.from_wkb(wkb, on_invalid="ignore") if len(wkb) else np.array([], dtype=object)
    unbuilt = ~pd.isna(np.asarray(wkb, dtype=object)) & pd.isna(geoms)
    data = {str(name): np.asarray(col, dtype=object) for name, col in zip(meta["fields"], values,
                                                                           strict=True)}
    gdf = gpd.GeoDataFrame(data, geometry=np.asarray(geoms, dtype=object), crs=_WGS84)
    if unbuilt.any() and not keep_unbuilt:
        broken.left_out += int(unbuilt.sum())
        broken.layers.add(layer)
        gdf = gdf[~unbuilt].reset_index(drop=True)
    return gdf


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
    """GDAL's error in our words, the same with every GDAL version (cut at a word)."""
    return gdal_reason(exc)
