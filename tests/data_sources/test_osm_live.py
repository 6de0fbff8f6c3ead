"""fetch_osm through OSMnx's real HTTP path, against a local stand-in for Nominatim/Overpass.

The local server (``osm_server`` in conftest.py) replays stored answers in the APIs' formats,
built from real OSM data of a 400 m window in Kanaleneiland (tests/data/README.md). It answers
every network query with the whole window, like a recording; OSMnx itself cuts the data to the
requested polygon, which is what the expectations below recompute independently.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import osmnx as ox
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, shape

from wijkkracht.core.errors import InputError, NoDataError
from wijkkracht.data_sources.osm_extract import OSM_POI_TAGS
from wijkkracht.data_sources.osm_live import OsmFetch, default_cache_dir, fetch_osm
from wijkkracht.data_sources.schema import POI_COLUMNS, POI_OPTIONAL_COLUMNS, STREET_COLUMNS
from wijkkracht.data_sources.walk_network import OVERPASS_FILTER

BUFFER_M = 100.0


def _settings_snapshot() -> dict[str, Any]:
    names = [n for n in dir(ox.settings) if not n.startswith("_")]
    values = {n: getattr(ox.settings, n) for n in names}
    values = {n: v for n, v in values.items() if not callable(v) and not hasattr(v, "__file__")}
    return {**values, "socket.getaddrinfo": socket.getaddrinfo}


def _fetch(server: Any, cache: Path, **kwargs: Any) -> OsmFetch:
    return fetch_osm(
        buffer_m=kwargs.pop("buffer_m", BUFFER_M),
        cache_dir=cache,
        overpass_url=server.overpass_url,
        nominatim_url=server.nominatim_url,
        **kwargs,
    )


def _expected_network(
    elements: list[dict], polygon_4326: shapely.Geometry
) -> tuple[int, set[str]]:
    """Number of street lines and street names wijkkracht should make of the stored network
    answer for ``polygon_4326``, in the order fetch_osm works: the unsimplified network cut to
    the nodes inside the polygon, the Dutch rule (the stored answer's ways have only
    ``highway`` and ``name`` tags, and of their highway values only ``busway`` is left out:
    rule 1), the largest component, then simplified (chains of nodes with two neighbours
    merged). The rule comes before simplification so that no left-out edge is merged into a
    kept line; simplifying after the cut merges a chain that the cut left with two
    neighbours.
    """
    coords = {e["id"]: (e["lon"], e["lat"]) for e in elements if e["type"] == "node"}
    ways = [e for e in elements if e["type"] == "way"]
    assert {e["tags"]["highway"] for e in ways} == {
        "footway", "service", "residential", "pedestrian", "secondary", "busway"}
    names: dict[frozenset[int], str] = {}
    graph = nx.MultiGraph()
    for e in ways:
        if e["tags"]["highway"] == "busway":
            continue
        for a, b in zip(e["nodes"][:-1], e["nodes"][1:], strict=False):
            graph.add_edge(a, b)
            names[frozenset((a, b))] = e["tags"].get("name", "")
    inside = {n for n in graph if polygon_4326.contains(Point(coords[n]))}
    graph = graph.subgraph(inside)
    graph = graph.subgraph(max(nx.connected_components(graph), key=len))

    def is_end(n: int) -> bool:
        neighbours = set(graph.neighbors(n))
        return n in neighbours or len(neighbours) != 2

    ends = {n for n in graph if is_end(n)}
    simplified = nx.MultiGraph()
    seen = set()
    for start in ends:
        for nb in graph.neighbors(start):
            path = [start, nb]
            while path[-1] not in ends:
                path.append(next(x for x in graph.neighbors(path[-1]) if x != path[-2]))
            key = tuple(path) if path[0] <= path[-1] else tuple(path[::-1])
            if key not in seen:
                seen.add(key)
                simplified.add_edge(path[0], path[-1], path=path)
    street_names = {
        names[frozenset(pair)]
        for _, _, path in simplified.edges(data="path")
        for pair in zip(path[:-1], path[1:], strict=False)
    } - {""}
    return simplified.number_of_edges(), street_names


def _expected_pois(elements: list[dict], polygon_4326: shapely.Geometry) -> set[tuple[str, str]]:
    """(osm_id, tag) of the stored features answer that intersect ``polygon_4326``."""
    coords = {e["id"]: (e["lon"], e["lat"]) for e in elements if e["type"] == "node"}

    def wanted(key: str, value: str) -> bool:
        rule = OSM_POI_TAGS.get(key)
        return rule is True or (isinstance(rule, tuple) and value in rule)

    pairs = set()
    for e in elements:
        if e["type"] == "node":
            geom = Point(coords[e["id"]])
        elif e["type"] == "way":
            geom = shapely.Polygon([coords[n] for n in e["nodes"]])
        else:
            continue
        if geom.intersects(polygon_4326):
            letter = e["type"][0].upper()
            pairs |= {(f"{letter}{e['id']}", f"{k}={v}")
                      for k, v in e.get("tags", {}).items() if wanted(k, v)}
    return pairs


def _buffered_4326(area: gpd.GeoDataFrame, metres: float) -> shapely.Geometry:
    return gpd.GeoSeries([area.geometry.iloc[0].buffer(metres)], crs=28992).to_crs(4326).iloc[0]


def _check_result(result: OsmFetch, elements: dict[str, list[dict]]) -> None:
    """What every successful fetch must satisfy."""
    assert list(result.streets.columns) == [*STREET_COLUMNS[:3], "footway", "geometry"]
    assert set(POI_COLUMNS) | set(POI_OPTIONAL_COLUMNS) <= set(result.pois.columns)
    assert (result.pois["stop_area"] == "").all()  # OSMnx keeps no stop_area relations
    assert result.streets.attrs["walk_network"]["left_out"] in ({}, {"highway=busway": 1},
                                                                {"highway=busway": 2})
    for gdf in (result.area, result.streets, result.pois):
        assert gdf.crs.to_epsg() == 28992
    area = result.area.geometry.iloc[0]
    # lines count and street names as OSMnx must make them of the stored answer
    count, names = _expected_network(elements["network"], _buffered_4326(result.area, BUFFER_M))
    assert len(result.streets) == count
    got_names = {n for joined in result.streets["street_name"] for n in joined.split(" / ")}
    assert got_names - {""} == names
    # the buffer was applied: streets reach well beyond the area, but not beyond the buffer
    distances = result.streets.distance(area)
    assert distances.max() > 0.5 * BUFFER_M
    endpoints = shapely.points(
        shapely.get_coordinates(shapely.boundary(result.streets.geometry.to_numpy()))
    )
    assert shapely.distance(endpoints, area).max() <= BUFFER_M + 0.5
    # POIs: exactly those of the stored answer that touch the buffered area (0.5 m tolerance)
    got = set(zip(result.pois["osm_id"], result.pois["tag"], strict=False))
    inner = _expected_pois(elements["features"], _buffered_4326(result.area, BUFFER_M - 0.5))
    outer = _expected_pois(elements["features"], _buffered_4326(result.area, BUFFER_M + 0.5))
    assert inner <= got <= outer
    assert len(inner) > 50
    assert {"shop=supermarket", "amenity=parking", "building=house",
            "public_transport=platform"} <= set(result.pois["tag"])
    assert set(result.pois["osm_id"].str[0]) == {"N", "W"}


def test_fetch_by_place_then_offline_from_cache(
    osm_server: Any,
    tmp_path: Path,
    place_query: str,
    data_dir: Path,
    overpass_elements: dict[str, list[dict]],
) -> None:
    server = osm_server()
    before = _settings_snapshot()
    result = _fetch(server, tmp_path, place=place_query)

    assert _settings_snapshot() == before
    assert result.area["name"].tolist() == ["Kanaleneiland testvenster"]
    nominatim = json.loads((data_dir / "nominatim_search.json").read_text("utf-8"))[0]
    expected_area = gpd.GeoSeries([shape(nominatim["geojson"])], crs=4326).to_crs(28992).iloc[0]
    assert result.area.geometry.iloc[0].symmetric_difference(expected_area).area < 0.01
    assert result.area.geometry.iloc[0].area == pytest.approx(120 * 120, rel=1e-3)
    _check_result(result, overpass_elements)

    # OSMnx's real HTTP path was used: Nominatim search, Overpass status + interpreter
    paths = [(method, path) for method, path, _ in server.requests]
    assert paths.count(("GET", "/nominatim/search")) == 1
    assert paths.count(("POST", "/api/interpreter")) == 2
    # the network query carries the Dutch walking-network filter, and covers the buffered
    # area (OSMnx adds 500 m of its own)
    query = next(q for m, _, q in server.requests if m == "POST" and 'way["highway"]' in q)
    assert f"way{OVERPASS_FILTER}(poly:" in query
    excluded = set(re.search(r'way\["highway"\]\["highway"!~"\^\(([a-z_|]+)\)\$"\]',
                             query).group(1).split("|"))
    assert {"motorway", "motorway_link", "construction", "proposed", "platform"} <= excluded
    # cycleways (OSMnx's own walk filter leaves them out) and the ways a foot permission makes
    # walkable (busway + foot=yes) must reach the exact rule
    assert not excluded & {"cycleway", "footway", "busway", "bus_guideway", "bridleway"}
    assert '["motorroad"!~"^yes$"]["foot"!~"^(no|private)$"]' in query
    assert '"access"' not in query  # access=private + foot=yes is walkable: not pre-filtered
    latlon = [float(v) for v in query.split("poly:'")[1].split("'")[0].split()]
    query_poly = shapely.Polygon(list(zip(latlon[1::2], latlon[0::2], strict=False)))
    assert query_poly.contains(_buffered_4326(result.area, BUFFER_M + 400))

    # the server is gone: the same call is answered from OSMnx's cache, identically
    server.stop()
    again = _fetch(server, tmp_path, place=place_query)
    assert_geodataframe_equal(again.area, result.area)
    assert_geodataframe_equal(again.streets, result.streets)
    assert_geodataframe_equal(again.pois, result.pois)
    assert _settings_snapshot() == before


def test_fetch_by_polygon(
    osm_server: Any, tmp_path: Path, window_rd: tuple[float, ...],
    overpass_elements: dict[str, list[dict]],
) -> None:
    server = osm_server()
    cx, cy = (window_rd[0] + window_rd[2]) / 2, (window_rd[1] + window_rd[3]) / 2
    # an irregular study area, given as a GeoDataFrame in RD New
    rd = shapely.Polygon([(cx - 70, cy - 40), (cx + 50, cy - 60), (cx + 60, cy + 50),
                          (cx - 40, cy + 60)])
    frame = gpd.GeoDataFrame({"name": ["Winkelcentrum"]}, geometry=[rd], crs=28992)
    result = _fetch(server, tmp_path, polygon=frame)
    assert result.area["name"].tolist() == ["Winkelcentrum"]
    assert result.area.geometry.iloc[0].symmetric_difference(rd).area < 0.01
    _check_result(result, overpass_elements)

    # the same polygon as a shapely geometry in EPSG:4326
    as_4326 = gpd.GeoSeries([rd], crs=28992).to_crs(4326).iloc[0]
    same = _fetch(server, tmp_path, polygon=as_4326)
    assert same.area["name"].tolist() == ["polygon"]
    # (through EPSG:4326 and back: vertices move by well under a millimetre)
    assert same.area.geometry.iloc[0].symmetric_difference(rd).area < 1e-5 * rd.area
    assert len(same.streets) == len(result.streets)
    assert set(zip(same.pois.osm_id, same.pois.tag, strict=False)) == set(zip(result.pois.osm_id,
                                                                 result.pois.tag, strict=False))


def test_fetch_by_bbox(
    osm_server: Any, tmp_path: Path, window_rd: tuple[float, ...],
    overpass_elements: dict[str, list[dict]],
) -> None:
    server = osm_server()
    cx, cy = (window_rd[0] + window_rd[2]) / 2, (window_rd[1] + window_rd[3]) / 2
    corners = gpd.GeoSeries([Point(cx - 60, cy - 60), Point(cx + 60, cy + 60)], crs=28992)
    (west, south), (east, north) = [(p.x, p.y) for p in corners.to_crs(4326)]
    result = _fetch(server, tmp_path, bbox=(west, south, east, north))
    area = result.area.to_crs(4326).geometry.iloc[0]
    box = shapely.box(west, south, east, north)
    assert area.symmetric_difference(box).area < 1e-4 * box.area
    assert result.area["name"].iloc[0].startswith("bbox ")
    _check_result(result, overpass_elements)


def test_default_cache_dir_follows_xdg(
    osm_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window_rd: tuple[float, ...]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "wijkkracht" / "osmnx"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if default_cache_dir().parts[-3:] == (".cache", "wijkkracht", "osmnx"):
        assert default_cache_dir() == tmp_path / "home" / ".cache" / "wijkkracht" / "osmnx"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    server = osm_server()
    rd = shapely.box(window_rd[0] + 150, window_rd[1] + 150, window_rd[2] - 150,
                     window_rd[3] - 150)
    fetch_osm(polygon=gpd.GeoSeries([rd], crs=28992), buffer_m=50,
              overpass_url=server.overpass_url, nominatim_url=server.nominatim_url)
    cached = list((tmp_path / "xdg" / "wijkkracht" / "osmnx").glob("*.json"))
    assert len(cached) == 2  # the network and the features answer


# ------------------------------------------------------------------------------------------
# errors


def test_exactly_one_area_required(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"give exactly one study area.*none given"):
        fetch_osm(cache_dir=tmp_path)
    with pytest.raises(InputError, match="place and bbox given"):
        fetch_osm(place="Utrecht", bbox=(5.0, 52.0, 5.1, 52.1), cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bbox": (5.1, 52.0, 5.0, 52.1)}, r"^bbox: .*west < east"),
        ({"bbox": (5.0, 52.0)}, r"^bbox: expected \(west, south, east, north\)"),
        ({"polygon": shapely.box(134000, 454000, 135000, 455000)},
         r"^polygon: the coordinates are not longitude/latitude"),
        ({"polygon": shapely.Point(5.1, 52.1)}, r"^polygon: the study area must be a polygon"),
        ({"polygon": gpd.GeoSeries([shapely.box(0, 0, 1, 1)])},
         r"^polygon: the layer has no coordinate reference system"),
        ({"bbox": (5.0, 52.0, 5.1, 52.1), "buffer_m": -5}, r"buffer_m must be a distance"),
    ],
)
def test_bad_area(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fetch_osm(cache_dir=tmp_path, **kwargs)


def test_unknown_place(osm_server: Any, tmp_path: Path) -> None:
    server = osm_server()
    before = _settings_snapshot()
    with pytest.raises(InputError) as info:
        _fetch(server, tmp_path, place="Nergenshuizen aan de Rijn")
    message = str(info.value)
    assert message.startswith("place 'Nergenshuizen aan de Rijn': Nominatim")
    assert server.nominatim_url in message and "cannot geocode" in message
    assert "\n" not in message
    assert _settings_snapshot() == before


def test_nominatim_unreachable(osm_server: Any, tmp_path: Path, place_query: str) -> None:
    server = osm_server()
    server.stop()  # nothing listens on the port any more
    with pytest.raises(InputError) as info:
        _fetch(server, tmp_path, place=place_query)
    assert str(info.value).startswith(f"{server.nominatim_url}: cannot reach the Nominatim server")


def test_overpass_error_names_the_url(
    osm_server: Any, tmp_path: Path, window_rd: tuple[float, ...]
) -> None:
    server = osm_server(overpass_error=True)
    before = _settings_snapshot()
    rd = shapely.box(*window_rd)
    with pytest.raises(InputError) as info:
        _fetch(server, tmp_path, polygon=gpd.GeoSeries([rd], crs=28992))
    message = str(info.value)
    assert message.startswith(f"{server.overpass_url}: the Overpass server answered with an error")
    assert "400" in message and "\n" not in message
    assert _settings_snapshot() == before


def test_area_without_streets(osm_server: Any, tmp_path: Path) -> None:
    server = osm_server()
    # Amsterdam: the stored answer (Kanaleneiland) has nothing there
    with pytest.raises(NoDataError, match=r"^bbox .*: OpenStreetMap has no walkable streets"):
        _fetch(server, tmp_path, bbox=(4.89, 52.37, 4.90, 52.375))


def test_area_without_pois(osm_server: Any, tmp_path: Path, data_dir: Path,
                           window_rd: tuple[float, ...]) -> None:
    server = osm_server()
    empty = json.loads((data_dir / "overpass_features.json").read_text("utf-8"))
    empty["elements"] = []
    server.features = json.dumps(empty).encode()
    rd = shapely.box(window_rd[0] + 150, window_rd[1] + 150, window_rd[2] - 150,
                     window_rd[3] - 150)
    with pytest.raises(NoDataError, match=r"^polygon: OpenStreetMap has no POIs here"):
        _fetch(server, tmp_path, polygon=gpd.GeoSeries([rd], crs=28992), buffer_m=50)
