"""Fetch streets and POIs live from OpenStreetMap (Nominatim and Overpass, through OSMnx).

:func:`fetch_osm` takes a study area (a place name, a polygon or a bounding box), buffers it
(proximity near the edge of the area is computed on a network that extends beyond it, or the
edge streets would look badly served) and downloads, for the buffered area,

* the walking network under the Dutch rule of :mod:`wijkkracht.data_sources.walk_network`:
  ``osmnx.graph_from_polygon(..., custom_filter=walk_network.OVERPASS_FILTER,
  simplify=False)`` (Overpass sends the ways that pass the filter, a superset), then the exact
  rule (:func:`~wijkkracht.data_sources.walk_network.walkable`) on the unsimplified edges,
  which carry the tags the rule reads (OSMnx's ``useful_tags_way`` is extended with
  :data:`~wijkkracht.data_sources.walk_network.WAY_TAGS`), the largest connected part, and
  only then OSMnx's simplification, so that no edge of a left-out way is merged into a kept
  one. One line per street segment (both directions merged); ``area`` and ``footway`` go on
  to :func:`~wijkkracht.data_sources.schema.normalize_streets`, which adds the links across
  pedestrian areas. ``attrs["walk_network"]["left_out"]`` counts the OSM ways the rule left
  out of the answer (ways the Overpass filter already left out are not in it), and
  ``lines_in`` the ways of the answer.
* the POIs: ``osmnx.features_from_polygon`` for the tags in
  :data:`wijkkracht.data_sources.osm_extract.OSM_POI_TAGS`, reduced to points, with the
  columns ``name``, ``opening_hours``, ``isced_level``, ``school``, ``footprint_m2``,
  ``outline_id`` and ``outline_m2`` as the extract reader makes them
  (:mod:`wijkkracht.data_sources.osm_extract`). ``stop_area`` stays empty: OSMnx's features
  keep no ``public_transport=stop_area`` relations (only multipolygons), so their members
  are unknown here.

The HTTP plumbing (OSMnx's settings, the response cache, retries and the fault messages) is
in :mod:`wijkkracht.data_sources.http`. OSMnx's settings are set for one fetch at a time and
restored afterwards (:func:`~wijkkracht.data_sources.http.osmnx_settings`). Responses are
cached by OSMnx in ``cache_dir`` (default ``$XDG_CACHE_HOME/wijkkracht/osmnx``, i.e.
``~/.cache/wijkkracht/osmnx``): a repeated fetch of the same area works offline.

Network faults (see :func:`~wijkkracht.data_sources.http.check_answer` and
:func:`~wijkkracht.data_sources.http.with_retries`): a 429 (after its ``Retry-After``), a
5xx, a connection dropped mid-answer and an answer cut short (not valid JSON) are retried
``retries`` times with exponential backoff, then end in a one-line :class:`InputError` naming
the server; a timeout, an Overpass ``remark`` (e.g. out of memory: the answer is incomplete)
and a Nominatim 4xx or answer that is not a list (e.g. 403 blocked; a place it does not know
is an empty list) end in one at once. None of these answers reaches OSMnx's cache. A cache
file that does not parse (e.g. cut short by a crash while OSMnx wrote it) is deleted and
fetched again.

No network (see :func:`~wijkkracht.data_sources.http.unreachable`): a request that makes no
connection within :data:`~wijkkracht.data_sources.http.CONNECT_TIMEOUT` seconds -- refused,
host name not found, a proxy that refuses -- ends at once in a one-line :class:`InputError`
naming the server and the proxy; the read timeout (``timeout``) is not shortened, so a slow
Overpass query on a working server still gets its time. An area fetched before comes from the
cache, without network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..core.errors import InputError, NoDataError
from .http import (
    RequestException,
    Retry,
    check_server_url,
    check_timeout,
    default_cache_dir,
    osmnx_errors,
    osmnx_settings,
    server_error,
    with_retries,
)
from .osm_extract import OSM_POI_TAGS, _Broken, _keep_poi_tags, _poi_details
from .schema import RD_NEW, normalize_pois, normalize_streets, to_rd_new
from .walk_network import OVERPASS_FILTER, WAY_TAGS, walkable

__all__ = [
    "OsmFetch",
    "fetch_osm",
    "default_cache_dir",
    "DEFAULT_OVERPASS_URL",
    "DEFAULT_NOMINATIM_URL",
]

#: The public Overpass API (OSMnx's default). Mind its usage policy for large areas.
DEFAULT_OVERPASS_URL = "https://overpass-api.de/api"
#: The public Nominatim geocoder (OSMnx's default): at most one request per second.
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org/"

_WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True, eq=False)
class OsmFetch:
    """What :func:`fetch_osm` returns.

    Attributes
    ----------
    area
        The study area (not buffered): a one-row GeoDataFrame in EPSG:28992 with ``name``.
    streets
        The walking network of the buffered area (Dutch rule), street schema plus
        ``footway``, EPSG:28992: one line per street segment between intersections (OSMnx's
        two directions merged into one line), plus the links across pedestrian areas.
    pois
        The POIs of the buffered area, POI schema plus the optional columns
        (:data:`~wijkkracht.data_sources.schema.POI_OPTIONAL_COLUMNS`; ``stop_area`` empty),
        EPSG:28992.
    """

    area: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame


def fetch_osm(
    *,
    place: str | None = None,
    polygon: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    bbox: Sequence[float] | None = None,
    buffer_m: float = 800.0,
    cache_dir: str | Path | None = None,
    overpass_url: str | None = None,
    nominatim_url: str | None = None,
    timeout: float = 180,
    retries: int = 3,
    backoff: float = 5.0,
) -> OsmFetch:
    """Download the study area, its walking network and its POIs from OpenStreetMap.

    Give exactly one of ``place``, ``polygon`` and ``bbox``.

    Parameters
    ----------
    place
        A place name that Nominatim geocodes to a polygon, e.g. ``"Kanaleneiland, Utrecht"``.
    polygon
        The study area: a shapely (Multi)Polygon in EPSG:4326 (longitude, latitude), or a
        GeoDataFrame/GeoSeries in any CRS (all its polygons are merged).
    bbox
        ``(west, south, east, north)`` in EPSG:4326 degrees.
    buffer_m
        Streets and POIs are fetched for the area grown by this many metres, so that walking
        distances near the edge of the area are right.
    cache_dir
        OSMnx's response cache; default :func:`default_cache_dir`. A repeated fetch with the
        same arguments and cache is served from it, without network.
    overpass_url, nominatim_url
        Other Overpass / Nominatim servers (e.g. your own); default the public ones
        (:data:`DEFAULT_OVERPASS_URL`, :data:`DEFAULT_NOMINATIM_URL`).
    timeout
        Seconds to wait for each answer, and the Overpass server's time limit for the query.
        The connection itself must be made within
        :data:`~wijkkracht.data_sources.http.CONNECT_TIMEOUT` (8 s): a server or proxy that
        cannot be reached fails at once, not after ``timeout``.
    retries
        Further attempts after a 429 (waiting its ``Retry-After``, or for Overpass the slot
        its status endpoint announces, at most 300 s), a 5xx, a connection dropped mid-answer
        or an answer cut short, waiting ``backoff`` x 1, 2, 4, ... seconds in between. A
        request that makes no connection (refused, host name not found, a proxy that refuses)
        and a timeout are not retried.
    backoff
        Base of the waiting time between attempts, in seconds.

    Returns
    -------
    OsmFetch
        ``area`` (unbuffered), ``streets`` and ``pois`` (buffered area), all EPSG:28992.

    Raises
    ------
    InputError
        No area or more than one kind of area given; a bad polygon/bbox, server URL or
        timeout; a place Nominatim does not know (or that is not an area); a server that
        cannot be reached (the message names the proxy, if one is set), does not answer in
        time, still fails after ``retries``, or answers with an error or an Overpass remark
        (the message names its URL).
    NoDataError
        The area holds no walkable streets or no POIs.
    """
    given = [name for name, value in (("place", place), ("polygon", polygon), ("bbox", bbox))
             if value is not None]
    if len(given) != 1:
        raise InputError(
            None,
            "give exactly one study area: place=, polygon= or bbox= "
            f"({'none' if not given else ' and '.join(given)} given)",
        )
    if not (np.isfinite(buffer_m) and buffer_m >= 0):
        raise InputError(None, f"buffer_m must be a distance >= 0 in metres, got {buffer_m!r}")
    overpass = check_server_url(overpass_url or DEFAULT_OVERPASS_URL, "Overpass")
    nominatim = check_server_url(nominatim_url or DEFAULT_NOMINATIM_URL, "Nominatim")
    timeout = check_timeout(timeout)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()

    with osmnx_settings(cache_folder=cache, overpass_url=overpass, nominatim_url=nominatim,
                        timeout=timeout, way_tags=WAY_TAGS) as ox:
        retry = Retry(retries=retries, backoff=backoff, cache_folder=cache)
        if place is not None:
            source = f"place {place!r}"
            geom, name = _geocode(ox, place, nominatim, retry)
            area = gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=_WGS84)
        elif polygon is not None:
            source = "polygon"
            area = _polygon_area(polygon)
        else:
            geom, name = _bbox_area(bbox)
            source = name
            area = gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=_WGS84)
        area = to_rd_new(area, source)
        buffered_rd = area.geometry.iloc[0].buffer(buffer_m)
        buffered = gpd.GeoSeries([buffered_rd], crs=RD_NEW).to_crs(_WGS84).iloc[0]
        # a 429 from Overpass without Retry-After waits for the slot its /status announces
        retry = replace(retry, overpass_url=overpass)
        streets = _fetch_streets(ox, buffered, source, overpass, retry)
        pois = _fetch_pois(ox, buffered, source, overpass, retry)
    return OsmFetch(area=area, streets=streets, pois=pois)


def _geocode(ox: Any, place: str, nominatim_url: str, retry: Retry
             ) -> tuple[BaseGeometry, str]:
    insufficient, status_error = osmnx_errors()
    source = f"place {place!r}"
    if not isinstance(place, str) or not place.strip():
        raise InputError(None, f"place must be a non-empty name, got {place!r}")
    try:
        gdf = with_retries(lambda: ox.geocode_to_gdf(place), retry)
    except RequestException as exc:
        raise server_error(nominatim_url, "Nominatim", exc) from exc
    except status_error as exc:
        raise server_error(nominatim_url, "Nominatim", exc) from exc
    except insufficient as exc:
        raise InputError(source, f"Nominatim ({nominatim_url}) cannot geocode it; check the "
                         "spelling (e.g. 'Kanaleneiland, Utrecht') or give polygon= or bbox=") \
            from exc
    except TypeError as exc:  # OSMnx: the place geocodes to a point, not a polygon
        raise InputError(source, "Nominatim geocodes it to a point, not an area; give a "
                         "neighbourhood or municipality name, or polygon= or bbox=") from exc
    geom = shapely.make_valid(gdf.geometry.iloc[0])
    name = str(gdf["name"].iloc[0]) if "name" in gdf and str(gdf["name"].iloc[0]).strip() else \
        place
    return _polygonal(geom, source), name


def _polygon_area(polygon: Any) -> gpd.GeoDataFrame:
    """The study area of ``polygon=`` as a one-row GeoDataFrame (in the input's CRS)."""
    if isinstance(polygon, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if len(polygon) == 0:
            raise InputError("polygon", "the GeoDataFrame is empty")
        frame = polygon if isinstance(polygon, gpd.GeoDataFrame) else polygon.to_frame("geometry")
        rd = to_rd_new(frame, "polygon")
        geom = _polygonal(shapely.union_all(rd.geometry.to_numpy()), "polygon")
        name_col = next((c for c in ("name", "naam", "buurtnaam", "wijknaam") if c in frame),
                        None)
        name = (" / ".join(str(v) for v in frame[name_col].dropna().unique())
                if name_col else "") or "polygon"
        return gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=RD_NEW)
    if not isinstance(polygon, BaseGeometry):
        raise InputError("polygon", f"expected a shapely polygon in EPSG:4326 or a "
                         f"GeoDataFrame, got {type(polygon).__name__}")
    geom = _polygonal(polygon, "polygon")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InputError("polygon", "the coordinates are not longitude/latitude (EPSG:4326); "
                         "for RD New (EPSG:28992) pass a GeoDataFrame with its CRS")
    return gpd.GeoDataFrame({"name": ["polygon"]}, geometry=[geom], crs=_WGS84)


def _bbox_area(bbox: Sequence[float] | None) -> tuple[BaseGeometry, str]:
    try:
        west, south, east, north = (float(v) for v in bbox)  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise InputError("bbox", f"expected (west, south, east, north) in EPSG:4326 degrees, "
                         f"got {bbox!r}") from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InputError("bbox", f"{(west, south, east, north)} is not (west, south, east, "
                         "north) in degrees with west < east and south < north")
    return shapely.box(west, south, east, north), f"bbox {west}, {south}, {east}, {north}"


def _polygonal(geom: BaseGeometry, source: str) -> BaseGeometry:
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all(
            [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        )
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon") or geom.area <= 0:
        raise InputError(source, f"the study area must be a polygon with a surface, got "
                         f"{geom.geom_type}")
    return geom


def _fetch_streets(ox: Any, polygon: BaseGeometry, source: str, url: str, retry: Retry
                   ) -> gpd.GeoDataFrame:
    insufficient, status_error = osmnx_errors()
    try:
        graph = with_retries(lambda: ox.graph_from_polygon(
            polygon, network_type="walk", custom_filter=OVERPASS_FILTER, simplify=False,
            retain_all=True), retry)
    except (RequestException, status_error) as exc:
        raise server_error(url, "Overpass", exc) from exc
    except ValueError as exc:
        # InsufficientResponseError (a ValueError) for an empty answer; a plain ValueError
        # "Found no graph nodes within the requested polygon" when nothing lies inside
        if not isinstance(exc, insufficient) and "no graph nodes" not in str(exc):
            raise
        raise NoDataError(source, f"OpenStreetMap has no walkable streets here (Overpass: "
                          f"{url}); check the area, or enlarge buffer_m") from exc
    if graph.number_of_edges() == 0:
        raise NoDataError(source, "OpenStreetMap has no walkable streets here")
    # the exact rule on the unsimplified edges (one OSM way each), before simplification
    edges = ox.convert.graph_to_gdfs(graph, nodes=False)
    rule = walkable(edges)
    ways = edges["osmid"].astype(str).to_numpy()
    left_out = pd.DataFrame({"way": ways[~rule.keep], "reason": rule.reason[~rule.keep]})
    left_out = left_out.drop_duplicates("way")["reason"].value_counts()
    left_out = {str(k): int(v) for k, v in sorted(left_out.items(), key=lambda kv: (-kv[1],
                                                                                     kv[0]))}
    graph.remove_edges_from(edges.index[~rule.keep])
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        raise NoDataError(source, "OpenStreetMap has no walkable streets here (left out by the "
                          "Dutch walking-network rule: " + ", ".join(
                              f"{k} {v}" for k, v in list(left_out.items())[:4]) + ")")
    graph = ox.truncate.largest_component(graph, strongly=False)
    # (remove_rings=False: the network left may be a single loop, which OSMnx would delete)
    graph = ox.simplification.simplify_graph(graph, remove_rings=False)
    lines = ox.convert.graph_to_gdfs(ox.convert.to_undirected(graph), nodes=False)
    streets = normalize_streets(lines.reset_index(drop=True), source, name_column="name"
                                if "name" in lines else None)
    info = streets.attrs["walk_network"]
    info["lines_in"] = int(len(set(ways)))
    info["left_out"] = left_out
    return streets


def _fetch_pois(ox: Any, polygon: BaseGeometry, source: str, url: str, retry: Retry
                ) -> gpd.GeoDataFrame:
    insufficient, status_error = osmnx_errors()
    tags = {k: (list(v) if isinstance(v, tuple) else v) for k, v in OSM_POI_TAGS.items()}
    try:
        features = with_retries(lambda: ox.features_from_polygon(polygon, tags=tags), retry)
    except (RequestException, status_error) as exc:
        raise server_error(url, "Overpass", exc) from exc
    except insufficient as exc:
        raise NoDataError(source, f"OpenStreetMap has no POIs here (Overpass: {url})") from exc
    features = _keep_poi_tags(features)
    if len(features) == 0:
        raise NoDataError(source, f"OpenStreetMap has no POIs here (Overpass: {url})")
    broken = _Broken()
    pois = normalize_pois(_poi_details(features, source, broken), source)
    pois["stop_area"] = ""  # OSMnx keeps no stop_area relations (see the module docstring)
    pois.attrs["broken_geometries"] = broken.report(source)
    return pois
