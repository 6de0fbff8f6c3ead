"""Write the hand-made walking-network fixtures ``tests/data/walk_*.osm`` and
``clipped_extract.osm`` (dev-only; see ``tests/data/README.md``).

Every object below is made up by hand: one small OSM file per Dutch tagging pattern, laid out in
metres on a local grid (x east, y north) whose origin is RD New (EPSG:28992) x 134500,
y 453500 in Utrecht (lon 5.0882, lat 52.0694). The layout is chosen so that the walking
distances in ``tests/data_sources/test_walk_fixtures.py`` can be worked out by hand. This script
only turns the grid into OSM XML: RD New -> EPSG:4326 with pyproj, rounded to 7 decimals as OSM
stores them (about 1 cm), each node with an XML comment giving its grid position.

Run from the repository root with the test venv::

    .venv/bin/python tests/data/make_walk_fixtures.py        # writes the .osm files
    /path/to/venv/bin/python tests/data/make_walk_fixtures.py --pbf  # converts them to .osm.pbf

``--pbf`` converts the ``.osm`` files (as written) to ``.osm.pbf`` with pyosmium (``pip
install osmium`` in any venv), a dev-only tool, not a dependency of wijkkracht.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
#: RD New coordinates of the grid origin.
ORIGIN = (134500.0, 453500.0)

Node = tuple[float, float, dict[str, str]]
Way = tuple[list[int], dict[str, str]]
Relation = tuple[list[tuple[str, int, str]], dict[str, str]]


def _n(x: float, y: float, **tags: str) -> Node:
    return (x, y, {k.replace("__", ":"): v for k, v in tags.items()})


def _w(refs: list[int], **tags: str) -> Way:
    return (refs, {k.replace("__", ":"): v for k, v in tags.items()})


#: file name -> (description, nodes, ways, relations)
FIXTURES: dict[str, tuple[str, dict[int, Node], dict[int, Way], dict[int, Relation]]] = {
    "walk_use_sidepath.osm": (
        "A cycle path with a sidewalk (highway=cycleway + sidewalk=right) beside a main road "
        "with foot=use_sidepath: both are walkable.",
        {
            1: _n(0, 0), 2: _n(400, 0), 3: _n(200, 0),
            4: _n(0, 40), 5: _n(300, 40), 6: _n(400, 40),
            7: _n(0, 140), 8: _n(300, 140), 9: _n(200, -60),
            20: _n(5, 90, building="house", name="Thuis"),
            21: _n(305, 70, shop="bakery", name="Bakkerij"),
            22: _n(205, -40, shop="supermarket", name="Supermarkt"),
        },
        {
            101: _w([1, 3, 2], highway="secondary", name="Europalaan", foot="use_sidepath",
                    sidewalk="separate"),
            102: _w([4, 5, 6], highway="cycleway", sidewalk="right", bicycle="designated"),
            103: _w([1, 4], highway="footway"),
            104: _w([4, 7], highway="residential", name="Kastanjelaan"),
            105: _w([7, 8], highway="residential", name="Achterstraat"),
            106: _w([5, 8], highway="footway"),
            107: _w([3, 9], highway="footway"),
        },
        {},
    ),
    "walk_fietsvoetpad.osm": (
        "A fietsvoetpad (highway=cycleway + foot=designated) between two streets; without it "
        "the walk goes round by the Zuidsingel.",
        {
            1: _n(0, 0), 2: _n(0, 100), 3: _n(160, 100), 4: _n(160, 0),
            5: _n(0, -300), 6: _n(160, -300),
            20: _n(-5, 50, building="house", name="Thuis"),
            21: _n(165, 70, shop="bakery", name="Bakkerij"),
        },
        {
            201: _w([1, 2], highway="residential", name="Hoflaan"),
            202: _w([2, 3], highway="cycleway", foot="designated", bicycle="designated",
                    segregated="no"),
            203: _w([3, 4], highway="residential", name="Parkweg"),
            204: _w([1, 5, 6, 4], highway="residential", name="Zuidsingel"),
        },
        {},
    ),
    "walk_sidewalks.osm": (
        "A street with its sidewalks mapped as their own ways (footway=sidewalk; the street "
        "has sidewalk=separate) and two zebra crossings (footway=crossing) that share a node "
        "with the street.",
        {
            1: _n(0, 0), 2: _n(100, 0, highway="crossing", crossing="zebra"),
            3: _n(250, 0, highway="crossing", crossing="zebra"), 4: _n(300, 0),
            5: _n(0, -50), 6: _n(0, -6), 7: _n(0, 6), 8: _n(0, 50),
            9: _n(50, 6), 10: _n(100, 6), 11: _n(250, 6), 12: _n(300, 6),
            13: _n(100, -6), 14: _n(200, -6), 15: _n(250, -6), 16: _n(300, -6),
            17: _n(50, 46), 18: _n(200, -46),
            20: _n(55, 26, building="house", name="Thuis"),
            21: _n(205, -26, shop="bakery", name="Bakkerij"),
        },
        {
            301: _w([1, 2, 3, 4], highway="residential", name="Marnixlaan", sidewalk="separate"),
            302: _w([5, 6, 1, 7, 8], highway="residential", name="Dwarsstraat"),
            303: _w([7, 9, 10, 11, 12], highway="footway", footway="sidewalk"),
            304: _w([6, 13, 14, 15, 16], highway="footway", footway="sidewalk"),
            305: _w([10, 2, 13], highway="footway", footway="crossing", crossing="zebra"),
            306: _w([11, 3, 15], highway="footway", footway="crossing", crossing="zebra"),
            307: _w([9, 17], highway="footway"),
            308: _w([14, 18], highway="footway"),
        },
        {},
    ),
    "walk_busway.osm": (
        "A busway (busbaan) that would be a shortcut: left out, the walk goes round.",
        {
            1: _n(0, 0), 2: _n(0, 100), 3: _n(100, 100), 4: _n(100, 0),
            5: _n(0, -150), 6: _n(100, -150),
            20: _n(-5, 50, building="house", name="Thuis"),
            21: _n(105, 90, shop="bakery", name="Bakkerij"),
        },
        {
            401: _w([1, 2], highway="residential", name="Hoflaan"),
            402: _w([2, 3], highway="busway", name="Busbaan"),
            403: _w([3, 4], highway="residential", name="Parkweg"),
            404: _w([1, 5, 6, 4], highway="residential", name="Zuidsingel"),
        },
        {},
    ),
    "walk_cycleway_foot_no.osm": (
        "A cycle path closed to pedestrians (foot=no) beside a longer footpath.",
        {
            1: _n(0, 0), 2: _n(0, 100), 3: _n(120, 100), 4: _n(60, 180), 5: _n(120, 0),
            20: _n(-5, 50, building="house", name="Thuis"),
            21: _n(125, 80, shop="bakery", name="Bakkerij"),
        },
        {
            501: _w([1, 2], highway="residential", name="Hoflaan"),
            502: _w([2, 3], highway="cycleway", foot="no"),
            503: _w([2, 4, 3], highway="footway"),
            504: _w([3, 5], highway="residential", name="Parkweg"),
        },
        {},
    ),
    "walk_private_access.osm": (
        "Two private service roads: one with foot=yes (a public footpath over a private "
        "road: kept), one with access=private alone (left out).",
        {
            1: _n(0, 0), 2: _n(0, 100), 3: _n(100, 100), 4: _n(100, 0),
            5: _n(100, 140), 6: _n(100, -40),
            20: _n(-5, 50, building="house", name="Thuis"),
            21: _n(105, 120, shop="bakery", name="Bakkerij"),
            22: _n(105, -20, shop="butcher", name="Slagerij"),
        },
        {
            601: _w([1, 2], highway="residential", name="Hoflaan"),
            602: _w([2, 3], highway="service", access="private", foot="yes"),
            603: _w([1, 4], highway="service", access="private"),
            604: _w([3, 4], highway="residential", name="Parkweg"),
            605: _w([3, 5], highway="footway"),
            606: _w([4, 6], highway="footway"),
        },
        {},
    ),
    "walk_motorroad.osm": (
        "An autoweg (motorroad=yes) straight between two streets, and its parallel cycle "
        "path round a bend.",
        {
            1: _n(0, 0), 2: _n(0, 100), 3: _n(200, 100), 4: _n(100, 175), 5: _n(200, 0),
            20: _n(-5, 50, building="house", name="Thuis"),
            21: _n(205, 80, shop="bakery", name="Bakkerij"),
        },
        {
            701: _w([1, 2], highway="residential", name="Hoflaan"),
            702: _w([2, 3], highway="primary", motorroad="yes", ref="N230"),
            703: _w([2, 4, 3], highway="cycleway"),
            704: _w([3, 5], highway="residential", name="Parkweg"),
        },
        {},
    ),
    "walk_pedestrian_area.osm": (
        "A square pedestrian area (highway=pedestrian + area=yes) entered at three points of "
        "its edge: walked straight across.",
        {
            1: _n(0, 0), 2: _n(100, 0), 3: _n(100, 100), 4: _n(0, 100), 5: _n(0, 50),
            6: _n(-100, 0), 7: _n(100, 200), 8: _n(-60, 50),
            20: _n(-50, -5, building="house", name="Thuis"),
            21: _n(105, 130, shop="bakery", name="Bakkerij"),
        },
        {
            801: _w([1, 2, 3, 4, 5, 1], highway="pedestrian", area="yes", name="Stadsplein"),
            802: _w([6, 1], highway="residential", name="Westkade"),
            803: _w([3, 7], highway="residential", name="Noordstraat"),
            804: _w([5, 8], highway="footway"),
        },
        {},
    ),
    "clipped_extract.osm": (
        "What osmium extract -b 0,0,200,200 (grid metres) leaves of a few streets and "
        "buildings: ways that reference nodes not in the file (ids 90 and up), a pedestrian "
        "area and two buildings left with two and three nodes, a building whose outline "
        "crosses itself, a multipolygon relation whose "
        "member way is missing, a stop_area with missing members.",
        {
            1: _n(0, 100), 2: _n(100, 100), 3: _n(200, 100), 4: _n(100, 0), 5: _n(0, 50),
            6: _n(150, 150), 7: _n(20, 20), 8: _n(40, 20),
            9: _n(120, 20), 10: _n(160, 20), 11: _n(120, 60), 12: _n(160, 60),
            13: _n(20, 180), 14: _n(60, 180), 15: _n(180, 20),
            16: _n(50, 150), 17: _n(70, 150), 18: _n(70, 170), 19: _n(20, 60),
            20: _n(50, 105, building="house", name="Thuis"),
            21: _n(105, 40, shop="bakery", name="Bakkerij"),
            22: _n(95, 105, highway="bus_stop", public_transport="platform", name="Binnenweg"),
        },
        {
            901: _w([1, 2, 3, 90], highway="residential", name="Binnenweg"),
            902: _w([2, 4, 91], highway="footway"),
            903: _w([92, 5, 93], highway="residential", name="Buitenweg"),
            904: _w([6, 94, 95, 96, 6], highway="pedestrian", area="yes", name="Buitenplein"),
            905: _w([7, 8, 97, 98, 7], building="yes", shop="florist"),
            906: _w([9, 10, 11, 12, 9], building="retail", shop="clothes"),
            907: _w([13, 99, 100, 14], highway="footway"),
            908: _w([15, 101, 102, 15], highway="service"),
            909: _w([16, 17, 18]),
            910: _w([19, 106, 107, 19], building="yes"),
        },
        {
            950: ([("way", 909, "outer"), ("way", 103, "outer")],
                  {"type": "multipolygon", "amenity": "school"}),
            951: ([("node", 22, "platform"), ("node", 104, "stop"), ("way", 105, "platform")],
                  {"type": "public_transport", "public_transport": "stop_area",
                   "name": "Binnenweg"}),
        },
    ),
    "poi_outlines.osm": (
        "POIs inside other POIs' outlines (a school building in its grounds, a school node in "
        "the building, a supermarket in its building, a bakery node on a building's outline, a "
        "cafe in a park mapped as a multipolygon relation) and a stop_area relation with a "
        "platform way, a platform node and a stop position.",
        {
            1: _n(0, 0), 2: _n(100, 0), 3: _n(100, 80), 4: _n(0, 80),
            5: _n(10, 10), 6: _n(50, 10), 7: _n(50, 30), 8: _n(10, 30),
            9: _n(200, 0), 10: _n(240, 0), 11: _n(240, 30), 12: _n(200, 30),
            13: _n(200, 15, shop="bakery", name="Bakkerij aan de gevel"),
            14: _n(300, 0), 15: _n(330, 0), 16: _n(330, 3), 17: _n(300, 3),
            18: _n(0, 200), 19: _n(60, 200),
            20: _n(30, 20, amenity="school", name="OBS De Regenboog"),
            21: _n(70, 60, amenity="kindergarten", name="Peuterspeelzaal"),
            22: _n(220, 15, shop="supermarket", name="Buurtsuper"),
            23: _n(315, 10, public_transport="stop_position", bus="yes", name="Schoolplein"),
            24: _n(315, -10, highway="bus_stop", public_transport="platform", name="Schoolplein"),
            25: _n(400, 0, highway="bus_stop", public_transport="platform", name="Parkzicht"),
            26: _n(60, 260), 27: _n(0, 260),
            28: _n(30, 230, amenity="cafe", name="Parkpaviljoen"),
            30: _n(-20, -20), 31: _n(420, -20),
        },
        {
            1001: _w([1, 2, 3, 4, 1], amenity="school", name="Basisschool De Regenboog",
                     isced__level="1", school="primary"),
            1002: _w([5, 6, 7, 8, 5], building="school"),
            1003: _w([9, 10, 11, 12, 13, 9], building="retail"),
            1004: _w([14, 15, 16, 17, 14], public_transport="platform", area="yes",
                     name="Schoolplein"),
            1005: _w([18, 19, 26, 27, 18]),
            1010: _w([30, 31], highway="footway"),
        },
        {
            1100: ([("way", 1004, "platform"), ("node", 23, "stop"), ("node", 24, "platform")],
                   {"type": "public_transport", "public_transport": "stop_area",
                    "name": "Schoolplein"}),
            1101: ([("way", 1005, "outer")],
                   {"type": "multipolygon", "leisure": "park", "name": "Regenboogpark"}),
        },
    ),
}


def _xml(description: str, nodes: dict[int, Node], ways: dict[int, Way],
         relations: dict[int, Relation]) -> str:
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<osm version="0.6" generator="wijkkracht tests/data/make_walk_fixtures.py">',
             f"  <!-- {description} -->",
             f"  <!-- Made up by hand; grid origin RD New {ORIGIN[0]:.0f}, {ORIGIN[1]:.0f}. -->"]
    for nid in sorted(nodes):
        x, y, tags = nodes[nid]
        lon, lat = to_wgs84.transform(ORIGIN[0] + x, ORIGIN[1] + y)
        head = f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"'
        comment = f"<!-- ({x:g}, {y:g}) -->"
        if tags:
            inner = "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
            lines.append(f"{head}>{inner}</node> {comment}")
        else:
            lines.append(f"{head}/> {comment}")
    for wid in sorted(ways):
        refs, tags = ways[wid]
        inner = "".join(f'<nd ref="{r}"/>' for r in refs)
        inner += "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append(f'  <way id="{wid}" version="1">{inner}</way>')
    for rid in sorted(relations):
        members, tags = relations[rid]
        inner = "".join(f'<member type="{t}" ref="{r}" role="{role}"/>' for t, r, role in members)
        inner += "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append(f'  <relation id="{rid}" version="1">{inner}</relation>')
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    for name, (description, nodes, ways, relations) in FIXTURES.items():
        path = HERE / name
        if "--pbf" not in argv:
            path.write_text(_xml(description, nodes, ways, relations), encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parents[1])}")
            continue
        import osmium

        pbf = path.with_suffix(".osm.pbf")
        pbf.unlink(missing_ok=True)
        with osmium.SimpleWriter(str(pbf)) as writer:
            for obj in osmium.FileProcessor(str(path)):
                writer.add(obj)
        print(f"wrote {pbf.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main(sys.argv[1:])
