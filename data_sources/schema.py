"""The two schemas every data source returns, and their validation.

Every reader in :mod:`wijkkracht.data_sources` returns GeoDataFrames in EPSG:28992 (RD New)
with these columns; extra columns are kept but not relied on.

Streets (``STREET_COLUMNS``), one row per line of the walking network:

==============  ========  ==========================================================
column          dtype     meaning
==============  ========  ==========================================================
``osm_id``      str       OSM way id(s) (``"123"`` or ``"123;456"``); ``""`` if unknown
``street_name`` str       street name(s), ``" / "``-joined; ``""`` for unnamed paths
``highway``     str       OSM ``highway`` value (first one for merged edges)
``geometry``    LineString in EPSG:28992; lines that meet at an endpoint are connected
==============  ========  ==========================================================

POIs (``POI_COLUMNS``), one row per (OSM object, tag) pair, as points:

==============  ========  ==========================================================
column          dtype     meaning
==============  ========  ==========================================================
``osm_id``      str       ``N123``, ``W456`` or ``R789`` (type letter + OSM id)
``tag``         str       ``"key=value"``, e.g. ``"shop=bakery"``, ``"building=house"``
``geometry``    Point in EPSG:28992 (polygons are reduced to a representative point)
==============  ========  ==========================================================

Optional POI columns that readers fill where the source has them (:data:`POI_OPTIONAL_COLUMNS`),
used to count every amenity once (:mod:`wijkkracht.core.amenities`):

================  ========  ========================================================
column            dtype     meaning
================  ========  ========================================================
``name``          str       OSM ``name``
``opening_hours`` str       OSM ``opening_hours``
``isced_level``   str       OSM ``isced:level`` (schools: ``1`` is primary education)
``school``        str       OSM ``school`` (e.g. ``primary``)
``stop_area``     str       ``R<id>`` of the ``public_transport=stop_area`` relation the
                            object is a member of (extracts only)
``footprint_m2``  float     area of the object's own outline (ways and relations)
``outline_id``    str       ``osm_id`` of the smallest POI or building outline that holds
                            the object's point (nodes and points inside another outline)
``outline_m2``    float     area of that outline
================  ========  ========================================================

Streets may carry ``footway`` (``sidewalk``, ``crossing``, ...; the street kinds of
:mod:`wijkkracht.core.streets` read it).
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from ..core.errors import InputError, NoDataError

__all__ = [
    "RD_NEW",
    "STREET_COLUMNS",
    "POI_COLUMNS",
    "POI_OPTIONAL_COLUMNS",
    "OSM_POI_KEYS",
    "to_rd_new",
    "normalize_streets",
    "normalize_pois",
    "normalize_area",
    "validate_streets",
    "validate_pois",
    "join_osm_values", "area_in_layer_crs",
    "BAG_COLUMNS",
    "GEBRUIKSDOELEN",
    "DEFAULT_STATUSES",
    "BAG_STATUSES",
    "parse_gebruiksdoel",
]

RD_NEW = CRS.from_epsg(28992)
STREET_COLUMNS = ("osm_id", "street_name", "highway", "geometry")
POI_COLUMNS = ("osm_id", "tag", "geometry")
#: Optional POI columns kept by :func:`normalize_pois` (see the module docstring).
POI_OPTIONAL_COLUMNS = ("name", "opening_hours", "isced_level", "school", "stop_area",
                        "footprint_m2", "outline_id", "outline_m2")

#: OSM keys that make a feature a POI (or a building) for wijkkracht. Order matters when a
#: ``<key>_<value>`` string is split: longer keys with an underscore come first.
OSM_POI_KEYS = (
    "public_transport",
    "disused:shop",
    "vacant:shop",
    "healthcare",
    "amenity",
    "shop",
    "office",
    "craft",
    "leisure",
    "tourism",
    "building",
    "historic",
    "natural",
    "railway",
    "highway",
)

# --------------------------------------------------------------------------------------------
# The BAG schema (:mod:`wijkkracht.data_sources.bag` describes it and reads it): its columns,
# uses and statuses, and the parser of a ``gebruiksdoel`` value. Constants and a pure function,
# used by the core (:mod:`wijkkracht.core.indicators.bag`) as well.

#: The columns of a BAG layer (see :mod:`wijkkracht.data_sources.bag`).
BAG_COLUMNS = (
    "identificatie",
    "gebruiksdoel",
    "oppervlakte",
    "status",
    "openbare_ruimte_naam",
    "huisnummer",
    "huisletter",
    "toevoeging",
    "postcode",
    "pand_identificatie",
    "bouwjaar",
    "geometry",
)

#: The BAG gebruiksdoelen (uses) of a verblijfsobject, in the order of the BAG catalogue.
GEBRUIKSDOELEN = (
    "woonfunctie",
    "bijeenkomstfunctie",
    "celfunctie",
    "gezondheidszorgfunctie",
    "industriefunctie",
    "kantoorfunctie",
    "logiesfunctie",
    "onderwijsfunctie",
    "sportfunctie",
    "winkelfunctie",
    "overige gebruiksfunctie",
)

#: Statuses of verblijfsobjecten that exist (built, in use or not, or being rebuilt).
DEFAULT_STATUSES = (
    "Verblijfsobject in gebruik",
    "Verblijfsobject in gebruik (niet ingemeten)",
    "Verblijfsobject buiten gebruik",
    "Verbouwing verblijfsobject",
)

#: All statuses of a BAG verblijfsobject.
BAG_STATUSES = DEFAULT_STATUSES + (
    "Verblijfsobject gevormd",
    "Niet gerealiseerd verblijfsobject",
    "Verblijfsobject ingetrokken",
    "Verblijfsobject ten onrechte opgevoerd",
)


def parse_gebruiksdoel(text: object) -> tuple[str, ...]:
    """Split a BAG ``gebruiksdoel`` value into its uses.

    Parameters
    ----------
    text
        ``"woonfunctie,winkelfunctie"`` (GeoPackage, OGC API), a list of uses (LVBAG driver),
        or None/NaN/``""`` (no use given).

    Returns
    -------
    tuple of str
        The uses, lower case, stripped, in the order given, each once.

    Raises
    ------
    ValueError
        If a use is not one of :data:`GEBRUIKSDOELEN`; the message names it.

    Examples
    --------
    >>> parse_gebruiksdoel(" Woonfunctie, winkelfunctie,woonfunctie")
    ('woonfunctie', 'winkelfunctie')
    >>> parse_gebruiksdoel(None)
    ()
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ()
    if isinstance(text, (list, tuple, np.ndarray)):
        parts = [p for item in text for p in str(item).split(",")]
    else:
        parts = str(text).split(",")
    out: list[str] = []
    for part in parts:
        use = " ".join(part.split()).lower()
        if not use:
            continue
        if use not in GEBRUIKSDOELEN:
            raise ValueError(f"unknown gebruiksdoel {part.strip()!r}")
        if use not in out:
            out.append(use)
    return tuple(out)


# The names GDAL gives GeoPackage's placeholders for "no CRS" (srs_id -1 and 0); GDAL before
# 3.8 (e.g. 3.6 in QGIS 3.22 on Debian 12) reads them back as a CRS rather than as none.
_UNDEFINED_CRS_NAMES = ("Undefined Cartesian SRS", "Undefined geographic SRS")

# Plausible bounds of RD New coordinates for the Netherlands (with a margin for the sea).
_RD_BOUNDS = (-7000.0, 289000.0, 300000.0, 629000.0)


def _check_degrees(gdf: gpd.GeoDataFrame, source: str | Path, crs_name: str) -> None:
    """Refuse coordinates that cannot be degrees (e.g. RD New metres in a GeoJSON file
    without a ``crs`` member, which readers take as WGS84)."""
    geoms = gdf.geometry.to_numpy()
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(geoms):
        return
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return
    rd = (minx >= _RD_BOUNDS[0] and maxx <= _RD_BOUNDS[2] and miny >= _RD_BOUNDS[1]
          and maxy <= _RD_BOUNDS[3])
    if rd:
        raise InputError(
            source,
            f"the layer says {crs_name} (degrees) but the data looks like RD New "
            "(EPSG:28992); set the CRS to EPSG:28992 (e.g. ogr2ogr -a_srs EPSG:28992)",
        )
    raise InputError(
        source,
        f"the layer says {crs_name} (degrees) but the coordinates are not degrees "
        f"(x {minx:.0f} to {maxx:.0f}, y {miny:.0f} to {maxy:.0f}); set the right CRS",
    )


def non_finite(geoms: np.ndarray) -> np.ndarray:
    """True for each geometry with a coordinate that is not a number (NaN, infinite)."""
    coords, index = shapely.get_coordinates(geoms, include_z=True, return_index=True)
    bad = np.zeros(len(geoms), dtype=bool)
    if len(coords):
        # a 2D geometry reports z as NaN: only x and y (and a z that some vertex has) count
        xy_bad = ~np.isfinite(coords[:, :2]).all(axis=1)
        z_bad = np.isinf(coords[:, 2])
        bad[np.unique(index[xy_bad | z_bad])] = True
    return bad


def _without_non_finite(gdf: gpd.GeoDataFrame, source: str | Path) -> gpd.GeoDataFrame:
    """``gdf`` with the geometries that have a coordinate that is not a number set to None
    (rows kept, so that callers stay aligned), with a warning saying how many; all of them:
    :class:`NoDataError`. A GIS writes NaN for a vertex it could not compute; such a line
    has no length and a point no place, so without this they would vanish unannounced."""
    geoms = gdf.geometry.to_numpy()
    bad = non_finite(geoms)
    n_bad = int(bad.sum())
    if not n_bad:
        return gdf
    n_geom = int((~(shapely.is_missing(geoms) | shapely.is_empty(geoms))).sum())
    if n_bad == n_geom:
        raise NoDataError(source, f"none of the {n_geom} features has usable coordinates "
                                  "(every one holds a coordinate that is not a number: NaN "
                                  "or infinite); check the export")
    logging.getLogger(__name__).warning(
        "%s: %d of %d feature(s) (%.0f %%) have coordinates that are not numbers (NaN or "
        "infinite) and are left out; check the export", source, n_bad, n_geom,
        100.0 * n_bad / n_geom)
    out = gdf.copy()
    out.loc[bad, out.geometry.name] = None
    return out


def to_rd_new(gdf: gpd.GeoDataFrame, source: str | Path) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:28992, or raise :class:`InputError` naming ``source``.

    A layer without a CRS is refused rather than guessed: a wrong guess silently moves every
    street. A CRS that cannot be transformed to RD New is refused too.
    """
    if gdf.crs is None or str(getattr(gdf.crs, "name", "")) in _UNDEFINED_CRS_NAMES:
        raise InputError(
            source,
            "the layer has no coordinate reference system (CRS); set one (e.g. EPSG:28992 "
            "or EPSG:4326) in QGIS or with ogr2ogr -a_srs",
        )
    try:
        crs = CRS.from_user_input(gdf.crs)
    except CRSError as exc:  # pragma: no cover - geopandas validates on assignment
        raise InputError(source, f"unknown coordinate reference system: {exc}") from exc
    if crs.is_engineering or (not crs.is_geographic and not crs.is_projected):
        raise InputError(
            source,
            f"coordinate reference system {crs.name!r} is local/unknown and cannot be "
            "transformed to EPSG:28992 (RD New)",
        )
    gdf = _without_non_finite(gdf, source)
    if crs.is_geographic:
        _check_degrees(gdf, source, crs.name)
    out = gdf if crs.equals(RD_NEW) else gdf.to_crs(RD_NEW)
    geoms = out.geometry.to_numpy()
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms):
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        if not np.isfinite([minx, miny, maxx, maxy]).all():
            raise InputError(
                source,
                f"the coordinates cannot be transformed from {crs.name} to RD New "
                "(EPSG:28992); is the stated CRS right?",
            )
        if (
            maxx < _RD_BOUNDS[0] or minx > _RD_BOUNDS[2] or maxy < _RD_BOUNDS[1]
            or miny > _RD_BOUNDS[3]
        ):
            raise InputError(
                source,
                f"the data lies outside the Netherlands after transforming from {crs.name} "
                "to RD New; is the stated CRS right?",
            )
    return out


def join_osm_values(value: object) -> str:
    """Normalise an OSM/OSMnx attribute that may be a list (or its string form) to ``a / b``.

    ``"['Trumanlaan', 'Attleeplantsoen']"`` becomes ``"Trumanlaan / Attleeplantsoen"``;
    missing values become ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [str(v) for v in value if v is not None and str(v) != "nan"]
    else:
        text = str(value).strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                parsed = None
            if isinstance(parsed, (list, tuple)):
                return join_osm_values(list(parsed))
        items = [text] if text and text.lower() != "nan" else []
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return " / ".join(seen)


#: For an edge OSMnx merged from ways of several ``highway`` values: the one it is known by,
#: whatever the order of OSMnx's list (which differs between an edge's two directions).
_HIGHWAY_RANK = ("trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
                 "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
                 "road", "pedestrian", "service", "cycleway", "footway", "path", "steps",
                 "track", "corridor", "bridleway")


def _first_value(value: object) -> str:
    joined = join_osm_values(value)
    return joined.split(" / ")[0] if joined else ""


def _highway_value(value: object) -> str:
    """The ``highway`` of a line: for a list (an OSMnx edge merged from several ways) the
    most street-like value by :data:`_HIGHWAY_RANK`, so both directions of the edge agree."""
    joined = join_osm_values(value)
    values = joined.split(" / ") if joined else []
    if len(values) <= 1:
        return values[0] if values else ""
    rank = {h: i for i, h in enumerate(_HIGHWAY_RANK)}
    return min(values, key=lambda h: (rank.get(h, len(rank)), h))


def normalize_streets(
    gdf: gpd.GeoDataFrame,
    source: str | Path,
    *,
    name_column: str | None = None,
    walk_rule: bool = True,
    check_default_walk: bool = True,
) -> gpd.GeoDataFrame:
    """Bring a line layer (OSMnx edges, a GeoPackage of edges, GDAL OSM ``lines``) to the
    street schema in EPSG:28992 and validate it.

    Recognised source columns: ``name`` (or ``name_column``), ``highway``, ``osmid``/``osm_id``,
    ``footway`` (kept as a column: sidewalks and crossings), and the OSM tags of the walking
    network rule (:data:`wijkkracht.data_sources.walk_network.WAY_TAGS`). Multi-part lines are
    split into their parts; null and empty geometries are dropped.

    Parameters
    ----------
    gdf
        The lines, in any CRS.
    source
        Named in messages.
    name_column
        The street-name column (default: the first of ``street_name``, ``name``,
        ``straatnaam``, ``openbare_ruimte_naam``).
    walk_rule
        Apply the Dutch walking-network rule
        (:func:`wijkkracht.data_sources.walk_network.walkable`) to the tag columns the layer
        has (a layer without ``highway`` is used whole), and add the straight links across
        pedestrian areas (:func:`~wijkkracht.data_sources.walk_network.pedestrian_area_links`).
    check_default_walk
        Warn (log, and ``attrs``) when the layer looks like OSMnx's default walk network,
        which leaves out cycleways.

    Returns
    -------
    geopandas.GeoDataFrame
        The street schema plus ``footway``. ``attrs["walk_network"]``: ``lines_in`` (input
        lines), ``left_out`` (lines left out per rule), ``area_links`` (links across pedestrian
        areas added) and ``warning`` (or ``None``).
    """
    from .walk_network import looks_like_default_walk_network, walkable

    if gdf is None or len(gdf) == 0:
        raise NoDataError(source, "the street layer is empty")
    n_null = int((gdf.geometry.isna() | gdf.geometry.is_empty).sum())  # NaN ones: to_rd_new
    gdf = to_rd_new(gdf, source)
    geom_types = set(gdf.geometry.geom_type.dropna().unique())
    if not geom_types <= {"LineString", "MultiLineString"}:
        raise InputError(
            source,
            f"expected a line layer of streets, found geometry types {sorted(geom_types)}",
        )
    name_col = name_column or next(
        (c for c in ("street_name", "name", "straatnaam", "openbare_ruimte_naam") if c in gdf),
        None,
    )
    if name_column and name_column not in gdf:
        raise InputError(source, f"street-name column {name_column!r} not found; columns are "
                         f"{sorted(c for c in gdf.columns if c != 'geometry')}")
    info: dict[str, Any] = {"lines_in": int(len(gdf)), "left_out": {}, "area_links": 0,
                            "warning": None}
    warning = looks_like_default_walk_network(gdf) if check_default_walk else None
    if warning:
        info["warning"] = warning
        logging.getLogger(__name__).warning("%s: %s", source, warning)
    if walk_rule and "highway" in gdf:
        rule = walkable(gdf)
        info["left_out"] = rule.left_out()
        if not rule.keep.any():
            raise NoDataError(
                source, "no line is walkable under the Dutch walking-network rule (left out: "
                + ", ".join(f"{k} {v}" for k, v in list(info["left_out"].items())[:4]) + ")")
        gdf = gdf[rule.keep]
    id_col = next((c for c in ("osm_id", "osmid") if c in gdf), None)
    out = gpd.GeoDataFrame(
        {
            "osm_id": [join_osm_values(v).replace(" / ", ";") for v in gdf[id_col]]
            if id_col
            else [""] * len(gdf),
            "street_name": [join_osm_values(v) for v in gdf[name_col]]
            if name_col
            else [""] * len(gdf),
            "highway": [_highway_value(v) for v in gdf["highway"]]
            if "highway" in gdf
            else [""] * len(gdf),
            "footway": [_first_value(v) for v in gdf["footway"]]
            if "footway" in gdf
            else [""] * len(gdf),
        },
        geometry=gdf.geometry.values,
        crs=RD_NEW,
    )
    if walk_rule and "area" in gdf:
        out = _with_area_links(out, gdf, info)
    missing = (out.geometry.isna() | out.geometry.is_empty).to_numpy()
    out = out[~missing]
    out = out.explode(index_parts=False, ignore_index=True)
    out = out[out.geometry.length > 0].reset_index(drop=True)
    validate_streets(out, source)
    if n_null:
        logging.getLogger(__name__).warning(
            "%s: %d street feature(s) with a null or empty geometry were left out",
            source, n_null)
    out.attrs["walk_network"] = info
    return out


def _with_area_links(out: gpd.GeoDataFrame, gdf: gpd.GeoDataFrame, info: dict[str, Any]
                     ) -> gpd.GeoDataFrame:
    """``out`` (the street schema of the lines ``gdf``, which has an ``area`` column) plus the
    straight links across the pedestrian areas among them, counted in
    ``info["area_links"]``."""
    from .walk_network import pedestrian_area_links

    area = pd.Series([_first_value(v) for v in gdf["area"]], dtype=object)
    lines = pd.DataFrame({"osm_id": out["osm_id"].to_numpy(), "area": area.to_numpy(),
                          "geometry": out.geometry.to_numpy()})
    lines = lines[~(shapely.is_missing(lines["geometry"].to_numpy())
                    | shapely.is_empty(lines["geometry"].to_numpy()))]
    exploded = gpd.GeoDataFrame(lines, geometry="geometry", crs=RD_NEW).explode(
        index_parts=False, ignore_index=True)
    links = pedestrian_area_links(exploded)
    if links:
        names = dict(zip(out["osm_id"], out["street_name"], strict=False))
        extra = gpd.GeoDataFrame(
            {"osm_id": [a for a, _ in links],
             "street_name": [names.get(a, "") for a, _ in links],
             "highway": ["pedestrian"] * len(links),
             "footway": ["area_link"] * len(links)},
            geometry=[g for _, g in links], crs=RD_NEW)
        out = pd.concat([out, extra], ignore_index=True)
        info["area_links"] = len(links)
    return out


def _split_key_value(text: str) -> str | None:
    """``"shop_supermarket"`` -> ``"shop=supermarket"``; ``"shop=bakery"`` stays."""
    text = str(text).strip()
    if "=" in text:
        key, _, value = text.partition("=")
        return f"{key.strip()}={value.strip()}" if key and value else None
    for key in OSM_POI_KEYS:
        prefix = key + "_"
        if text.startswith(prefix) and len(text) > len(prefix):
            return f"{key}={text[len(prefix):]}"
    return None


def _no_tags(gdf: gpd.GeoDataFrame) -> str:
    """Why no row of a POI layer has a tag, with an example of what the layer holds."""
    col = "tag" if "tag" in gdf else "building_type" if "building_type" in gdf else None
    cols = [col] if col else [k for k in OSM_POI_KEYS if k in gdf]
    values = [str(v) for c in cols for v in gdf[c].dropna() if str(v).strip()]
    what = ("key=value pairs such as shop=bakery" if col == "tag" else
            "key_value pairs such as shop_bakery" if col == "building_type" else
            "values such as bakery in a shop column")
    named = ("column " if len(cols) == 1 else "columns ") + ", ".join(repr(c) for c in cols)
    if not values:
        return (f"no feature has a tag: {named} {'is' if len(cols) == 1 else 'are'} empty; "
                f"expected {what}")
    return (f"no feature has a usable tag: {named} {'holds' if len(cols) == 1 else 'hold'} "
            f"values like {values[0][:40]!r}, expected {what}")


def normalize_pois(
    gdf: gpd.GeoDataFrame,
    source: str | Path,
) -> gpd.GeoDataFrame:
    """Bring a point layer of OSM features to the POI schema in EPSG:28992 and validate it.

    Accepted forms:

    * a ``tag`` column with ``key=value`` strings (wijkkracht's own schema);
    * a ``building_type`` column with ``<key>_<value>`` strings (OSM point extracts such as
      the bundled Utrecht layer);
    * one column per OSM key (``shop``, ``amenity``, ...), as OSMnx's ``features_from_*`` and
      GDAL's OSM driver give: one row per non-empty key.

    Polygons are reduced to a representative point. Rows repeating the same (``osm_id``,
    ``tag``) pair are removed: they describe one object.
    """
    if gdf is None or len(gdf) == 0:
        raise NoDataError(source, "the POI layer is empty")
    gdf = to_rd_new(gdf, source)
    gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    geom = gdf.geometry
    if not set(geom.geom_type.unique()) <= {"Point"}:
        geom = geom.representative_point()
    ids = _osm_ids(gdf)
    extra = [c for c in POI_OPTIONAL_COLUMNS if c in gdf]
    if "tag" in gdf or "building_type" in gdf:
        col = "tag" if "tag" in gdf else "building_type"
        tags = [_split_key_value(v) if v is not None else None for v in gdf[col]]
        unusable = [str(v) for v, t in zip(gdf[col], tags, strict=True)
                    if t is None and v is not None and not pd.isna(v) and str(v).strip()]
        if unusable and len(unusable) < len(tags):
            logging.getLogger(__name__).warning(
                "%s: %d feature(s) whose %s is not a key=value tag (e.g. %r) were left out",
                source, len(unusable), col, unusable[0][:40])
        frame = pd.DataFrame({"osm_id": ids, "tag": tags})
        for c in extra:
            frame[c] = gdf[c].to_numpy()
        frame["geometry"] = geom.to_numpy()
    else:
        keys = [k for k in OSM_POI_KEYS if k in gdf]
        if not keys:
            raise InputError(
                source,
                "no POI columns found: expected 'tag' (key=value), 'building_type' "
                f"(key_value) or OSM key columns such as {', '.join(OSM_POI_KEYS[3:7])}",
            )
        parts = []
        for key in keys:
            vals = gdf[key]
            mask = vals.notna().to_numpy() & (vals.astype(str).str.len() > 0).to_numpy()
            if not mask.any():
                continue
            part = pd.DataFrame(
                {
                    "osm_id": np.asarray(ids, dtype=object)[mask],
                    "tag": [f"{key}={v}" for v in vals[mask]],
                }
            )
            for c in extra:
                part[c] = gdf[c].to_numpy()[mask]
            part["geometry"] = geom.to_numpy()[mask]
            parts.append(part)
        frame = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame({"osm_id": [], "tag": [], "geometry": []})
        )
    if not frame["tag"].notna().any():
        raise NoDataError(source, _no_tags(gdf))
    frame = frame[frame["tag"].notna()]
    frame = frame.drop_duplicates(subset=["osm_id", "tag"]).reset_index(drop=True)
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=RD_NEW)
    out["osm_id"] = out["osm_id"].astype(str)
    out["tag"] = out["tag"].astype(str)
    validate_pois(out, source)
    return out


def normalize_area(
    gdf: gpd.GeoDataFrame,
    source: str | Path,
    *,
    default_name: str = "study area",
) -> gpd.GeoDataFrame:
    """Dissolve the polygons of a layer into one study area in EPSG:28992.

    Parameters
    ----------
    gdf
        Polygons in any CRS.
    source
        The file or layer, named in error messages.
    default_name
        The area's name when the layer has no ``name``/``naam``/``buurtnaam``/``wijknaam``
        column.

    Returns
    -------
    geopandas.GeoDataFrame
        One row: ``name`` (the distinct names joined with " / ") and the geometry.
    """
    if gdf is None or len(gdf) == 0:
        raise NoDataError(source, "the area layer is empty")
    gdf = to_rd_new(gdf, source)
    types = set(gdf.geometry.geom_type.dropna().unique())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise InputError(source, f"expected polygons for the study area, found {sorted(types)}")
    polys = gdf.geometry.values
    invalid = int((~shapely.is_valid(polys) & ~shapely.is_missing(polys)).sum())
    if invalid:
        logging.getLogger(__name__).warning(
            "%s: %d invalid (e.g. self-intersecting) area polygon(s) repaired with "
            "shapely.make_valid; check the study area on the map", source, invalid)
        polys = shapely.make_valid(polys)
    geom = shapely.make_valid(shapely.union_all(polys))
    if geom.is_empty or geom.area <= 0:
        raise NoDataError(source, "the study area has no surface")
    name_col = next((c for c in ("name", "naam", "buurtnaam", "wijknaam") if c in gdf), None)
    name = (" / ".join(str(v) for v in gdf[name_col].dropna().unique()) if name_col else "") \
        or default_name
    return gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=RD_NEW)


def _osm_ids(gdf: gpd.GeoDataFrame) -> list[str]:
    if "osm_id" in gdf:
        return [str(v) for v in gdf["osm_id"]]
    if isinstance(gdf.index, pd.MultiIndex) and "element" in gdf.index.names:
        # OSMnx features: index (element, id) with element in node/way/relation
        letters = {"node": "N", "way": "W", "relation": "R"}
        return [f"{letters.get(str(e), '?')}{i}" for e, i in gdf.index]
    if "osmid" in gdf:
        return [str(v) for v in gdf["osmid"]]
    return [str(i) for i in gdf.index]


def validate_streets(gdf: gpd.GeoDataFrame, source: str | Path) -> None:
    """Raise :class:`InputError` unless ``gdf`` follows the street schema."""
    _require_columns(gdf, STREET_COLUMNS, source, "street")
    if len(gdf) == 0:
        raise NoDataError(source, "the street layer holds no usable lines")
    if not CRS.from_user_input(gdf.crs).equals(RD_NEW):
        raise InputError(source, "streets must be in EPSG:28992")
    if not bool(np.all(shapely.get_type_id(gdf.geometry.values) == 1)):
        raise InputError(source, "streets must be single LineStrings")


def validate_pois(gdf: gpd.GeoDataFrame, source: str | Path) -> None:
    """Raise :class:`InputError` unless ``gdf`` follows the POI schema."""
    _require_columns(gdf, POI_COLUMNS, source, "POI")
    if gdf.crs is None or not CRS.from_user_input(gdf.crs).equals(RD_NEW):
        raise InputError(source, "POIs must be in EPSG:28992")
    if len(gdf) and not bool(np.all(shapely.get_type_id(gdf.geometry.values) == 0)):
        raise InputError(source, "POIs must be points")


def _require_columns(gdf, columns, source, what) -> None:
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InputError(
            source,
            f"the {what} layer lacks column(s) {', '.join(missing)}; it has "
            f"{', '.join(sorted(str(c) for c in gdf.columns)) or 'none'}",
        )


def area_in_layer_crs(
    bbox: Sequence[float] | None, mask: BaseGeometry | None, layer_crs: Any, source: str
) -> tuple[tuple[float, float, float, float] | None, BaseGeometry | None]:
    """``bbox``/``mask`` are in EPSG:28992; GDAL's filters need the layer's CRS."""
    if layer_crs is None:
        raise InputError(source, "the layer has no coordinate reference system")
    crs = CRS.from_user_input(layer_crs)
    if crs.equals(RD_NEW):
        return (tuple(bbox) if bbox is not None else None), mask  # type: ignore[return-value]
    tr = Transformer.from_crs(RD_NEW, crs, always_xy=True)
    if bbox is not None:
        bbox = tr.transform_bounds(*bbox)
    if mask is not None:
        mask = shapely.transform(mask, lambda xy: np.column_stack(tr.transform(xy[:, 0],
                                                                               xy[:, 1])))
    return (tuple(bbox) if bbox is not None else None), mask  # type: ignore[return-value]
