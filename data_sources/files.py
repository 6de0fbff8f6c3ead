"""Read streets, POIs and study areas from local files.

* Streets: an OSMnx GraphML file (``.graphml``), or any OGR line layer (GeoPackage,
  GeoJSON, Shapefile, ...), e.g. OSMnx edges saved to a GeoPackage; or an OSM extract
  (``.osm``/``.osm.pbf``), see :mod:`wijkkracht.data_sources.osm_extract`.
* POIs: any OGR point (or polygon) layer, in one of the forms :func:`normalize_pois` accepts,
  or an OSM extract.
* Study area: any polygon layer; all polygons are dissolved into one area.

Every reader returns data in EPSG:28992 following :mod:`wijkkracht.data_sources.schema`.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from ..core.errors import InputError, NoDataError
from .file_checks import check_file, gdal_reason, unreadable
from .schema import area_in_layer_crs, normalize_area, normalize_pois, normalize_streets

__all__ = ["read_streets", "read_pois", "read_area", "list_layers", "has_spatial_filter"]

_STREET_LAYER_NAMES = ("streets", "edges", "walk_edges", "lines", "wide_walk_edges")
_POI_LAYER_NAMES = ("pois", "poi", "points", "osm_features", "features")
_AREA_LAYER_NAMES = ("study_area", "area", "areas", "buurten", "wijken")


def _is_osm_extract(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".osm", ".osm.pbf", ".pbf", ".osm.xml"))


def _check_file(path: str | Path, what: str = "vector file") -> Path:
    """``path``, checked before GDAL opens it: it exists, is a file (not a folder), is not
    empty, may be read and its first bytes fit its extension (see
    :func:`wijkkracht.data_sources.file_checks.check_file`: the same words with every GDAL)."""
    return check_file(path, what, kind="vector")


def list_layers(path: str | Path) -> list[str]:
    """Names of the vector layers in ``path`` (raises :class:`InputError` if unreadable)."""
    p = _check_file(path)
    try:
        with warnings.catch_warnings():
            # GDAL's notes on opening (e.g. "GPKG: bad application_id", GDAL 3.6 and 3.12) are
            # no second line for the user: a file GDAL cannot read raises, said in our words
            warnings.simplefilter("ignore", RuntimeWarning)
            return [str(name) for name, _ in pyogrio.list_layers(p)]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise unreadable(p, exc) from exc


def _file_layers(path: Path, layer: str | None) -> list[str]:
    """The layers of ``path``; raises unless there is one and ``layer`` (if named) is among
    them, suggesting the closest name for a misspelled one."""
    layers = list_layers(path)
    if not layers:
        raise NoDataError(path, "the file holds no vector layers")
    if layer is not None and layer not in layers:
        close = difflib.get_close_matches(layer, layers, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(path, f"layer {layer!r} not found (layers: {', '.join(layers)}){hint}")
    return layers


def _choose_layer(path: Path, layer: str | None, preferred: tuple[str, ...], what: str) -> str:
    layers = _file_layers(path, layer)
    if layer is not None:
        return layer
    if len(layers) == 1:
        return layers[0]
    for name in preferred:
        if name in layers:
            return name
    option = {"street": "--streets-layer", "POI": "--pois-layer", "area": "--area-layer"}[what]
    raise InputError(
        path,
        f"the file has several layers ({', '.join(layers)}); name the {what} layer ({option})",
    )


def has_spatial_filter(path: str | Path) -> bool:
    """True when a ``bbox`` read of ``path`` is served by a spatial index, not a full scan.

    GeoPackages (R-tree) and FlatGeobuf files (packed Hilbert R-tree) are; OSM extracts,
    GraphML, GeoJSON and CSV are not. Batch runs read indexed inputs once per partition and the
    others once per process.
    """
    return Path(path).suffix.lower() in (".gpkg", ".fgb")


def _read_layer(path: Path, layer: str,
                bbox: Sequence[float] | None = None) -> gpd.GeoDataFrame:
    try:
        if bbox is not None:
            info = pyogrio.read_info(path, layer=layer)
            bbox, _ = area_in_layer_crs(bbox, None, info.get("crs"), f"{path} (layer {layer})")
        gdf = pyogrio.read_dataframe(path, layer=layer, bbox=bbox)
    except Exception as exc:
        raise InputError(path, f"cannot read layer {layer!r} ({gdal_reason(exc, path)})") from exc
    if not isinstance(gdf, gpd.GeoDataFrame):  # pyogrio returns a DataFrame for a table
        raise InputError(path, f"layer {layer!r} has no geometry (a table, not a map layer)")
    return gdf


def read_streets(
    path: str | Path,
    *,
    layer: str | None = None,
    name_column: str | None = None,
    bbox: Sequence[float] | None = None,
    check_default_walk: bool = True,
) -> gpd.GeoDataFrame:
    """Read a walking network as street lines in EPSG:28992 (see the street schema).

    Every layer passes the Dutch walking-network rule
    (:mod:`wijkkracht.data_sources.walk_network`) on the tag columns it has; a GraphML file or
    line layer that looks like OSMnx's default walk network (no cycleways) is warned about
    unless ``check_default_walk`` is False.

    ``.graphml`` files are read with OSMnx (both directions of a two-way street are kept
    here; :func:`wijkkracht.core.network.build_network` merges them).

    ``bbox`` (``xmin, ymin, xmax, ymax`` in EPSG:28992) reads only the lines that intersect
    it (GDAL's spatial filter; for GraphML the whole graph is read, then filtered).
    """
    p = _check_file(path, "streets file")
    if p.suffix.lower() == ".graphml":
        edges = _graphml_edges(p)
        streets = normalize_streets(edges, p, name_column=name_column,
                                    check_default_walk=check_default_walk)
        return streets if bbox is None else streets.iloc[sorted(streets.sindex.query(
            shapely.box(*bbox), predicate="intersects"))]
    if _is_osm_extract(p):
        from .osm_extract import read_osm_extract_streets

        return read_osm_extract_streets(p, bbox=bbox)
    lyr = _choose_layer(p, layer, _STREET_LAYER_NAMES, "street")
    return normalize_streets(_read_layer(p, lyr, bbox), f"{p} (layer {lyr})",
                             name_column=name_column, check_default_walk=check_default_walk)


def _graphml_edges(p: Path) -> gpd.GeoDataFrame:
    import networkx as nx
    import osmnx as ox

    try:
        graph = ox.io.load_graphml(p)
    except Exception as exc:
        problem = _graphml_problem(p)
        raise InputError(p, problem or f"not a readable OSMnx GraphML file ({_short(exc)})"
                         ) from exc
    if graph.number_of_edges() == 0:
        raise NoDataError(p, "the graph has no edges")
    if "crs" not in graph.graph:
        raise InputError(p, "the graph has no 'crs' attribute; save it with osmnx.save_graphml")
    if not isinstance(graph, nx.MultiDiGraph):  # pragma: no cover - osmnx always returns one
        graph = nx.MultiDiGraph(graph)
    try:
        return ox.convert.graph_to_gdfs(graph, nodes=False, fill_edge_geometry=True
                                        ).reset_index()
    except (KeyError, ValueError, TypeError) as exc:  # e.g. a node without x/y
        problem = _graphml_problem(p)
        raise InputError(p, problem or f"not a readable OSMnx GraphML file ({_short(exc)})"
                         ) from exc


def _graphml_problem(p: Path) -> str | None:
    """What is wrong with a GraphML file OSMnx cannot load, in a user's words (``None``
    when it cannot be said): a file that is no GraphML, or edges between nodes that have no
    coordinates (an edge list exported without its nodes' ``x``/``y``)."""
    import networkx as nx

    try:
        graph = nx.read_graphml(p)
    except Exception:  # noqa: BLE001 - any parser error: not GraphML
        return "not a GraphML file (the XML cannot be read as a graph); save the network " \
               "with osmnx.save_graphml"
    used = {n for edge in graph.edges() for n in edge}
    bad = sorted(str(n) for n in used
                 if "x" not in graph.nodes[n] or "y" not in graph.nodes[n])
    if bad:
        return (f"{len(bad)} of the {len(used)} nodes its edges connect have no coordinates "
                f"(x and y), e.g. node {bad[0]!r}; save the network with osmnx.save_graphml, "
                "which writes them")
    return None


def read_pois(path: str | Path, *, layer: str | None = None,
              bbox: Sequence[float] | None = None) -> gpd.GeoDataFrame:
    """Read POIs (and building points) in EPSG:28992 (see the POI schema).

    ``bbox`` (EPSG:28992) reads only the features that intersect it.
    """
    p = _check_file(path, "POI file")
    if _is_osm_extract(p):
        from .osm_extract import read_osm_extract_pois

        return read_osm_extract_pois(p, bbox=bbox)
    lyr = _choose_layer(p, layer, _POI_LAYER_NAMES, "POI")
    return normalize_pois(_read_layer(p, lyr, bbox), f"{p} (layer {lyr})")


def read_area(path: str | Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a study area: the polygons of the layer dissolved into one, in EPSG:28992.

    Returns a one-row GeoDataFrame with ``name`` (from a ``name``/``naam``/``buurtnaam``
    column when there is one) and the geometry.
    """
    p = _check_file(path, "study-area file")
    lyr = _choose_layer(p, layer, _AREA_LAYER_NAMES, "area")
    return normalize_area(_read_layer(p, lyr), f"{p} (layer {lyr})", default_name=p.stem)


def _short(exc: BaseException) -> str:
    """GDAL's (or another reader's) error in our words, the same with every GDAL version; an
    unknown message cut at a word (:func:`~wijkkracht.data_sources.file_checks.gdal_reason`)."""
    return gdal_reason(exc)
