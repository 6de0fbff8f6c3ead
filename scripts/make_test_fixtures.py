"""Build the small test fixtures of ``tests/data/`` from the bundled real OSM data.

Dev-only: run once by a developer, the output is committed. Needs ``osmium`` (pyosmium, to write
the ``.osm.pbf``), which is *not* a runtime dependency of wijkkracht::

    /work/venv/bin/pip install osmium
    /work/venv/bin/python scripts/make_test_fixtures.py

Inputs: ``data/kanaleneiland.gpkg`` (layers ``streets``: OSMnx edges with ``u``, ``v``,
``osmid``, ``name``, ``highway``; ``pois``: ``osm_id`` and ``building_type`` points) and
``../shared/data/utrecht/osm_kanaleneiland_walk.graphml``. Both are real OpenStreetMap data
(ODbL 1.0, © OpenStreetMap contributors). Outputs, all for one 400 m x 400 m window around the
Kanaleneiland shopping centre (RD New x 134600-135000, y 453850-454250):

``kanaleneiland_window.osm`` / ``kanaleneiland_window.osm.pbf``
    The window's streets and POIs re-encoded as an OSM file (XML, and the same converted to PBF
    with pyosmium). How the encoding works, and what in it is not raw OSM:

    * Street nodes: the OSMnx edge endpoints ``u``/``v`` are real OSM node ids with their real
      coordinates. Interior vertices of the (simplified) OSMnx edges have no id in the source;
      they get *generated* ids of :data:`GENERATED_ID_BASE` and up.
    * Street ways: edges with a single ``osmid`` are chained back into their OSM way (ways run
      through intersections, sharing nodes, as in OSM); such a way keeps its real id. Edges
      that OSMnx merged from several ways (list-valued ``osmid``), and further pieces of a way
      that leaves and re-enters the window, become ways with generated ids; they carry the first
      ``highway`` value and a ``name`` only when the edge has a single one.
    * POIs: one OSM object per ``osm_id`` with all its tags (``building_type``
      ``shop_bakery`` -> ``shop=bakery``). Nodes (``N``) keep their id and coordinates. Ways
      (``W``) and relations (``R``) are points only in the source: they are encoded as a closed
      3 m x 3 m square around that point (generated node ids; relations get a generated outer
      way), so GDAL's ``multipolygons`` path is exercised. The squares are not the real
      footprints; their representative point is the source point.
``overpass_network.json`` / ``overpass_features.json``
    The same data in the Overpass API's JSON output format (``elements`` with nodes and ways):
    the walk-network answer (ways with a ``highway`` tag and their nodes) and the features
    answer (the POI objects, their nodes and member ways). Not recorded from the live API
    (the development machine has no internet): built here, in its format.
``nominatim_search.json``
    A Nominatim ``/search?format=json&polygon_geojson=1`` answer in the real format, for the
    query ``"Kanaleneiland testvenster, Utrecht"``. Its polygon is a 120 m x 120 m square in the
    middle of the window, not a real boundary; its ``osm_id`` is a generated id.
``kanaleneiland_walk_small.graphml``
    A connected subgraph (~150 nodes) of the real OSMnx walk network, saved with
    :func:`osmnx.save_graphml`.
"""

from __future__ import annotations

import ast
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import osmnx as ox
import shapely
from pyproj import Transformer

from wijkkracht.data_sources.osm_extract import OSM_POI_TAGS
from wijkkracht.data_sources.schema import normalize_pois

ROOT = Path(__file__).resolve().parents[1]

BUNDLED = ROOT / "data" / "kanaleneiland.gpkg"
SHARED_WALK = ROOT.parent / "shared" / "data" / "utrecht" / "osm_kanaleneiland_walk.graphml"
OUT = ROOT / "tests" / "data"

#: The fixture window in EPSG:28992 (minx, miny, maxx, maxy).
WINDOW_RD = (134600.0, 453850.0, 135000.0, 454250.0)
#: Ids from here up are generated (the highest real OSM node id is about 1.3e10 in 2025).
#: They are positive and increasing because GDAL's fast OSM node index needs that.
GENERATED_ID_BASE = 9_000_000_000_000
#: Side of the squares that stand in for way/relation POI footprints, metres.
SQUARE_M = 3.0
#: Side of the Nominatim test place (a square in the middle of the window), metres.
PLACE_SIDE_M = 120.0
PLACE_QUERY = "Kanaleneiland testvenster, Utrecht"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

TO_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)


class Ids:
    """Generator of fixture ids, clearly apart from real OSM ids."""

    def __init__(self) -> None:
        self.next = GENERATED_ID_BASE

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _parse_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    text = str(value).strip()
    if text.startswith("["):
        return [str(v) for v in ast.literal_eval(text)]
    return [text] if text else []


def _ll(lon: float, lat: float) -> tuple[float, float]:
    return (round(float(lon), 7), round(float(lat), 7))


def build_dataset() -> tuple[dict[int, dict], dict[int, dict], dict[int, dict], dict[str, int]]:
    """Nodes, ways and relations of the window (OSM-like dicts) and a report of counts."""
    ids = Ids()
    report: Counter[str] = Counter()
    window = shapely.box(*WINDOW_RD)

    edges = gpd.read_file(BUNDLED, layer="streets")
    in_window = edges.to_crs(28992).intersects(window).to_numpy()
    edges = edges[in_window]
    report["directed edges in window"] = len(edges)

    # one undirected edge per (u, v, geometry): the walk graph holds both directions
    undirected = []
    seen = set()
    for row in edges.itertuples():
        u, v = int(row.u), int(row.v)
        coords = [_ll(x, y) for x, y in row.geometry.coords]
        if u > v or (u == v and coords[::-1] < coords):
            u, v, coords = v, u, coords[::-1]
        key = (u, v, tuple(coords))
        if key in seen:
            continue
        seen.add(key)
        undirected.append(
            {
                "u": u,
                "v": v,
                "coords": coords,
                "osmids": [int(x) for x in _parse_list(row.osmid)],
                "highway": _parse_list(row.highway),
                "name": _parse_list(row.name),
            }
        )
    report["undirected edges"] = len(undirected)

    nodes: dict[int, dict] = {}
    for e in undirected:
        for nid, xy in ((e["u"], e["coords"][0]), (e["v"], e["coords"][-1])):
            if nid in nodes and nodes[nid]["xy"] != xy:
                report["endpoint coordinate mismatches"] += 1
            nodes.setdefault(nid, {"xy": xy, "tags": {}})
    endpoint_xy = {n["xy"]: nid for nid, n in nodes.items()}
    interior_id: dict[tuple[float, float], int] = {}
    for e in undirected:
        refs = [e["u"]]
        for xy in e["coords"][1:-1]:
            if xy in endpoint_xy:
                report["interior vertices on an endpoint"] += 1
            if xy not in interior_id:
                interior_id[xy] = ids()
                nodes[interior_id[xy]] = {"xy": xy, "tags": {}}
            refs.append(interior_id[xy])
        refs.append(e["v"])
        e["refs"] = refs
    report["generated street node ids"] = len(interior_id)

    ways: dict[int, dict] = {}

    def tags_of(e: dict) -> dict[str, str]:
        tags = {"highway": e["highway"][0]}
        if len(e["name"]) == 1:
            tags["name"] = e["name"][0]
        return tags

    by_way: dict[int, list[dict]] = defaultdict(list)
    for e in undirected:
        if len(e["osmids"]) == 1:
            by_way[e["osmids"][0]].append(e)
        else:
            ways[ids()] = {"refs": e["refs"], "tags": tags_of(e)}
            report["merged OSMnx edges (generated way id)"] += 1
    for way_id, group in sorted(by_way.items()):
        for k, refs in enumerate(_chains(group)):
            wid = way_id if k == 0 else ids()
            if k:
                report["extra pieces of a way (generated way id)"] += 1
            ways[wid] = {"refs": refs, "tags": tags_of(group[0])}
    report["street ways"] = len(ways)
    street_way_ids = set(ways)

    pois = normalize_pois(gpd.read_file(BUNDLED, layer="pois"), BUNDLED)
    pois = pois[pois.within(window).to_numpy()].to_crs(4326)
    report["POI rows (osm_id, tag) in window"] = len(pois)
    relations: dict[int, dict] = {}
    objects: dict[str, dict] = {}
    for row in pois.itertuples():
        obj = objects.setdefault(row.osm_id, {"xy": _ll(row.geometry.x, row.geometry.y),
                                              "tags": {}})
        key, _, value = row.tag.partition("=")
        if key in obj["tags"]:
            report["POI tags dropped (second value of a key)"] += 1
            continue
        obj["tags"][key] = value
    for osm_id, obj in sorted(objects.items()):
        kind, num = osm_id[0], int(osm_id[1:])
        if kind == "N":
            if num in nodes:
                nodes[num]["tags"].update(obj["tags"])
                report["POI nodes that are street nodes"] += 1
            else:
                nodes[num] = {"xy": obj["xy"], "tags": dict(obj["tags"])}
            report["POI nodes"] += 1
        elif kind == "W":
            if num in street_way_ids:
                report["POI ways skipped (id is a street way)"] += 1
                continue
            ways[num] = {"refs": _square(obj["xy"], nodes, ids), "tags": dict(obj["tags"])}
            report["POI ways"] += 1
        elif kind == "R":
            outer = ids()
            ways[outer] = {"refs": _square(obj["xy"], nodes, ids), "tags": {}}
            relations[num] = {
                "members": [("way", outer, "outer")],
                "tags": {"type": "multipolygon", **obj["tags"]},
            }
            report["POI relations"] += 1
    report["nodes"] = len(nodes)
    report["ways"] = len(ways)
    return nodes, ways, relations, dict(report)


def _chains(edges: list[dict]) -> list[list[int]]:
    """Chain the undirected edges of one OSM way into node sequences (one or more paths)."""
    unused = set(range(len(edges)))
    incident: dict[int, list[int]] = defaultdict(list)
    for i, e in enumerate(edges):
        incident[e["u"]].append(i)
        incident[e["v"]].append(i)
    chains = []
    while unused:
        degree = Counter()
        for i in unused:
            degree[edges[i]["u"]] += 1
            degree[edges[i]["v"]] += 1
        odd = sorted(n for n, d in degree.items() if d % 2)
        start = odd[0] if odd else edges[min(unused)]["u"]
        refs = [start]
        current = start
        while True:
            nxt = next((i for i in incident[current] if i in unused), None)
            if nxt is None:
                break
            unused.discard(nxt)
            e = edges[nxt]
            seq = e["refs"] if e["u"] == current else e["refs"][::-1]
            refs.extend(seq[1:])
            current = seq[-1]
        chains.append(refs)
    return chains


def _square(xy: tuple[float, float], nodes: dict[int, dict], ids: Ids) -> list[int]:
    """A closed 3 m x 3 m square way around ``xy`` (lon, lat); returns its node refs."""
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    x, y = to_rd.transform(*xy)
    h = SQUARE_M / 2
    refs = []
    for dx, dy in ((-h, -h), (h, -h), (h, h), (-h, h)):
        nid = ids()
        nodes[nid] = {"xy": _ll(*TO_WGS84.transform(x + dx, y + dy)), "tags": {}}
        refs.append(nid)
    return [*refs, refs[0]]


def write_osm_xml(path: Path, nodes: dict, ways: dict, relations: dict) -> None:
    root = ET.Element("osm", version="0.6", generator="wijkkracht scripts/make_test_fixtures.py")
    lons = [n["xy"][0] for n in nodes.values()]
    lats = [n["xy"][1] for n in nodes.values()]
    ET.SubElement(root, "bounds", minlat=f"{min(lats):.7f}", minlon=f"{min(lons):.7f}",
                  maxlat=f"{max(lats):.7f}", maxlon=f"{max(lons):.7f}")
    for nid in sorted(nodes):
        n = nodes[nid]
        el = ET.SubElement(root, "node", id=str(nid), lat=f"{n['xy'][1]:.7f}",
                           lon=f"{n['xy'][0]:.7f}")
        for k, v in sorted(n["tags"].items()):
            ET.SubElement(el, "tag", k=k, v=v)
    for wid in sorted(ways):
        el = ET.SubElement(root, "way", id=str(wid))
        for ref in ways[wid]["refs"]:
            ET.SubElement(el, "nd", ref=str(ref))
        for k, v in sorted(ways[wid]["tags"].items()):
            ET.SubElement(el, "tag", k=k, v=v)
    for rid in sorted(relations):
        el = ET.SubElement(root, "relation", id=str(rid))
        for kind, ref, role in relations[rid]["members"]:
            ET.SubElement(el, "member", type=kind, ref=str(ref), role=role)
        for k, v in sorted(relations[rid]["tags"].items()):
            ET.SubElement(el, "tag", k=k, v=v)
    ET.indent(root, space=" ")
    comment = (
        f"Real OpenStreetMap data ({ATTRIBUTION}) re-encoded by wijkkracht's "
        "scripts/make_test_fixtures.py from data/kanaleneiland.gpkg (OSMnx edges and POI points"
        f"); not a raw OSM download. Ids >= {GENERATED_ID_BASE} are generated; way/relation POI "
        "footprints are 3 m squares around the real point. See tests/data/README.md."
    )
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {comment} -->\n{body}\n', encoding="utf-8"
    )


def write_pbf(xml_path: Path, pbf_path: Path) -> None:
    import osmium  # dev-only dependency

    header = osmium.io.Header()
    header.set("generator", "wijkkracht scripts/make_test_fixtures.py (pyosmium)")
    with osmium.SimpleWriter(str(pbf_path), header=header, overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(xml_path)):
            writer.add(obj)


def _overpass(elements: list[dict]) -> dict:
    return {
        "version": 0.6,
        "generator": "wijkkracht scripts/make_test_fixtures.py (Overpass API JSON output format)",
        "osm3s": {
            "copyright": "The data included in this document is from www.openstreetmap.org. "
            "The data is made available under ODbL."
        },
        "elements": elements,
    }


def _node_json(nid: int, n: dict) -> dict:
    out: dict[str, Any] = {"type": "node", "id": nid, "lat": n["xy"][1], "lon": n["xy"][0]}
    if n["tags"]:
        out["tags"] = dict(sorted(n["tags"].items()))
    return out


def _is_poi(tags: dict[str, str]) -> bool:
    for key, value in tags.items():
        wanted = OSM_POI_TAGS.get(key)
        if wanted is True or (wanted and value in wanted):
            return True
    return False


def overpass_responses(nodes: dict, ways: dict, relations: dict) -> tuple[dict, dict]:
    """The Overpass answers to OSMnx's walk-network query and to its features query."""
    street_ways = [w for w in sorted(ways) if "highway" in ways[w]["tags"]]
    street_nodes = sorted({r for w in street_ways for r in ways[w]["refs"]})
    network = [_node_json(n, nodes[n]) for n in street_nodes] + [
        {"type": "way", "id": w, "nodes": ways[w]["refs"], "tags": ways[w]["tags"]}
        for w in street_ways
    ]
    poi_nodes = {n for n, v in nodes.items() if _is_poi(v["tags"])}
    poi_ways = {w for w, v in ways.items() if _is_poi(v["tags"])}
    member_ways = {ref for r in relations.values() for _, ref, _ in r["members"]}
    feature_nodes = poi_nodes | {r for w in poi_ways | member_ways for r in ways[w]["refs"]}
    features = (
        [_node_json(n, nodes[n]) for n in sorted(feature_nodes)]
        + [
            {"type": "way", "id": w, "nodes": ways[w]["refs"],
             **({"tags": ways[w]["tags"]} if ways[w]["tags"] else {})}
            for w in sorted(poi_ways | member_ways)
        ]
        + [
            {"type": "relation", "id": r,
             "members": [{"type": t, "ref": ref, "role": role}
                         for t, ref, role in relations[r]["members"]],
             "tags": relations[r]["tags"]}
            for r in sorted(relations)
        ]
    )
    return _overpass(network), _overpass(features)


def nominatim_response() -> list[dict]:
    cx = (WINDOW_RD[0] + WINDOW_RD[2]) / 2
    cy = (WINDOW_RD[1] + WINDOW_RD[3]) / 2
    h = PLACE_SIDE_M / 2
    ring_rd = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    ring = [_ll(*TO_WGS84.transform(x, y)) for x, y in ring_rd]
    ring.append(ring[0])
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    clon, clat = TO_WGS84.transform(cx, cy)
    return [
        {
            "place_id": GENERATED_ID_BASE,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
            "osm_type": "relation",
            "osm_id": GENERATED_ID_BASE,
            "lat": f"{clat:.7f}",
            "lon": f"{clon:.7f}",
            "class": "boundary",
            "type": "administrative",
            "place_rank": 20,
            "importance": 0.25,
            "addresstype": "suburb",
            "name": "Kanaleneiland testvenster",
            "display_name": "Kanaleneiland testvenster, Utrecht, Nederland",
            "boundingbox": [f"{min(lats):.7f}", f"{max(lats):.7f}", f"{min(lons):.7f}",
                            f"{max(lons):.7f}"],
            "geojson": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
        }
    ]


def write_graphml(path: Path, target_nodes: int = 175) -> int:
    graph = ox.load_graphml(SHARED_WALK)
    xs = nx.get_node_attributes(graph, "x")
    ys = nx.get_node_attributes(graph, "y")
    cx, cy = TO_WGS84.transform((WINDOW_RD[0] + WINDOW_RD[2]) / 2,
                                (WINDOW_RD[1] + WINDOW_RD[3]) / 2)
    order = sorted(graph.nodes, key=lambda n: (xs[n] - cx) ** 2 + ((ys[n] - cy) * 1.6) ** 2)
    sub = graph.subgraph(order[:target_nodes]).copy()
    largest = max(nx.weakly_connected_components(sub), key=len)
    sub = sub.subgraph(largest).copy()
    ox.save_graphml(sub, path)
    return sub.number_of_nodes()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    nodes, ways, relations, report = build_dataset()
    xml_path = OUT / "kanaleneiland_window.osm"
    write_osm_xml(xml_path, nodes, ways, relations)
    write_pbf(xml_path, OUT / "kanaleneiland_window.osm.pbf")
    network, features = overpass_responses(nodes, ways, relations)
    for name, data in (("overpass_network.json", network), ("overpass_features.json", features),
                       ("nominatim_search.json", nominatim_response())):
        (OUT / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                encoding="utf-8")
    report["graphml nodes"] = write_graphml(OUT / "kanaleneiland_walk_small.graphml")
    for key, value in report.items():
        print(f"{key}: {value}")
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
