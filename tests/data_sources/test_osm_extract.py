"""read_osm_extract_streets / read_osm_extract_pois on real OSM data (XML and PBF) and on small
hand-written OSM files that pin down the tag rules.

The expectations come from an independent reading of the fixture's XML with the standard
library (``osm_xml_oracle`` in conftest.py), not from the code under test.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import Transformer

from wijkkracht.core.errors import InputError, NoDataError
from wijkkracht.data_sources import files
from wijkkracht.data_sources.osm_extract import (
    OSM_POI_TAGS,
    read_osm_extract_pois,
    read_osm_extract_streets,
)
from wijkkracht.data_sources.schema import POI_COLUMNS, POI_OPTIONAL_COLUMNS, STREET_COLUMNS
from wijkkracht.data_sources.walk_network import WAY_TAGS

TO_RD = Transformer.from_crs(4326, 28992, always_xy=True)
XML = "kanaleneiland_window.osm"
PBF = "kanaleneiland_window.osm.pbf"

_cache: dict[tuple[str, str], gpd.GeoDataFrame] = {}


def _read(kind: str, path: Path) -> gpd.GeoDataFrame:
    """Read a fixture once per session (each read parses the file)."""
    key = (kind, str(path))
    if key not in _cache:
        reader = read_osm_extract_streets if kind == "streets" else read_osm_extract_pois
        _cache[key] = reader(path)
    return _cache[key].copy()


@pytest.fixture(params=[XML, PBF])
def extract(request: pytest.FixtureRequest, data_dir: Path) -> Path:
    return data_dir / request.param


def _rd(lonlat: list[tuple[float, float]]) -> list[tuple[float, float]]:
    xs, ys = TO_RD.transform([p[0] for p in lonlat], [p[1] for p in lonlat])
    return list(zip(xs, ys, strict=False))


def _line_key(coords: Any) -> tuple:
    """Direction-independent key of a line, coordinates rounded to 1 cm."""
    pts = tuple((round(x, 2), round(y, 2)) for x, y in coords)
    return min(pts, pts[::-1])


def _assert_noded(streets: gpd.GeoDataFrame) -> int:
    """Lines share vertices only at their endpoints, and meet nowhere else except where they
    cross without a shared node (bridges, tunnels). Returns the number of such crossings."""
    geoms = streets.geometry.to_numpy()
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    first = np.r_[True, idx[1:] != idx[:-1]]
    last = np.r_[idx[1:] != idx[:-1], True]
    df = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "end": first | last})
    shared = df.groupby(["x", "y"])["end"].transform("size") >= 2
    assert df.loc[shared, "end"].all(), "a vertex shared by two lines is not an endpoint"

    ends = [{g.coords[0], g.coords[-1]} for g in geoms]
    vertices = [{tuple(c) for c in shapely.get_coordinates(g)} for g in geoms]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    crossings = 0
    for a, b in zip(left, right, strict=False):
        if a >= b:
            continue
        meet = shapely.intersection(geoms[a], geoms[b])
        assert meet.geom_type in ("Point", "MultiPoint"), "two lines overlap along a stretch"
        for point in shapely.get_coordinates(meet):
            p = tuple(point)
            if p in ends[a] and p in ends[b]:
                continue
            assert p not in vertices[a] and p not in vertices[b], f"lines {a}, {b} meet at {p}"
            crossings += 1
    return crossings


# ------------------------------------------------------------------------------------------
# real data: the Kanaleneiland window

#: Street columns: the schema plus ``footway`` (sidewalks, crossings, area links).
STREET_FRAME_COLUMNS = [*STREET_COLUMNS[:3], "footway", "geometry"]


def _walkable_ways(oracle: Any) -> set[int]:
    """The window's highway ways the Dutch rule keeps. The window (made from OSMnx's walk
    network, which keeps busways) has only ``highway`` and ``name`` tags, and its highway values
    are footway, service, residential, pedestrian, secondary and busway: of these only
    ``highway=busway`` (rule 1, no foot permission) is left out."""
    highways = {t["highway"] for _, t in oracle.ways.values() if "highway" in t}
    assert highways == {"footway", "service", "residential", "pedestrian", "secondary", "busway"}
    return {w for w, (_, t) in oracle.ways.items() if t.get("highway") not in (None, "busway")}


def test_streets_are_the_noded_ways_of_the_file(extract: Path, osm_xml_oracle: Any) -> None:
    streets = _read("streets", extract)
    assert list(streets.columns) == STREET_FRAME_COLUMNS
    assert streets.crs.to_epsg() == 28992
    assert set(streets.geometry.geom_type) == {"LineString"}

    # OSMnx's 222 edges of the window less the 2 busways (one piece each), and one piece less
    # where a footway was split only by a node it shared with a busway (219; recomputed here
    # from the XML: noding among the kept ways only)
    kept = _walkable_ways(osm_xml_oracle)
    pieces = osm_xml_oracle.street_pieces(kept)
    assert len(osm_xml_oracle.street_pieces()) == 222  # all highway ways: OSMnx's edges
    assert len(streets) == len(pieces) < 222
    assert Counter(streets["osm_id"]) == Counter(str(w) for w, _ in pieces)
    assert streets.attrs["walk_network"]["left_out"] == {"highway=busway": 2}
    assert streets.attrs["walk_network"]["lines_in"] == 136
    assert streets.attrs["broken_geometries"] == {"left_out": 0, "repaired": 0}
    # made from OSMnx's default walk network: footways but not one cycleway
    assert "no cycleway at all" in streets.attrs["walk_network"]["warning"]

    nodes = osm_xml_oracle.nodes
    expected = Counter(_line_key(_rd([nodes[r][:2] for r in refs])) for _, refs in pieces)
    got = Counter(_line_key(shapely.get_coordinates(g)) for g in streets.geometry)
    assert got == expected

    ways = osm_xml_oracle.ways
    for row in streets.itertuples():
        tags = ways[int(row.osm_id)][1]
        assert row.highway == tags["highway"]
        assert row.street_name == tags.get("name", "")
    names = {ways[w][1].get("name") for w in kept} - {None}
    assert set(streets["street_name"]) - {""} == names
    assert {"Marshalllaan", "Bernadottelaan", "Hammarskjöldhof"} <= names
    assert "Busbaan Transwijk" not in names


def test_streets_meet_only_at_endpoints(extract: Path) -> None:
    streets = _read("streets", extract)
    assert _assert_noded(streets) == 0  # the window has no bridge/tunnel crossings


def test_pois_are_the_tags_of_the_file(extract: Path, osm_xml_oracle: Any) -> None:
    pois = _read("pois", extract)
    assert set(POI_COLUMNS) <= set(pois.columns)
    assert set(POI_OPTIONAL_COLUMNS) <= set(pois.columns)
    assert pois.crs.to_epsg() == 28992
    assert set(pois.geometry.geom_type) == {"Point"}

    expected = osm_xml_oracle.poi_pairs(OSM_POI_TAGS)
    assert len(pois) == len(expected) == 276
    assert set(zip(pois["osm_id"], pois["tag"], strict=False)) == expected
    assert {"shop=supermarket", "shop=vacant", "amenity=parking", "building=house",
            "public_transport=platform", "public_transport=stop_position"} <= set(pois["tag"])

    # nodes stay where they are; way POIs (3 m squares in the fixture) become a point inside
    for row in pois.itertuples():
        kind, num = row.osm_id[0], int(row.osm_id[1:])
        if kind == "N":
            (x, y), = _rd([osm_xml_oracle.nodes[num][:2]])
            assert row.geometry.distance(shapely.Point(x, y)) < 0.001
        else:
            assert kind == "W"
            refs = osm_xml_oracle.ways[num][0]
            square = shapely.Polygon(_rd([osm_xml_oracle.nodes[r][:2] for r in refs]))
            assert square.area == pytest.approx(9.0, rel=0.01)
            assert square.contains(row.geometry)


def test_xml_and_pbf_give_the_same_result(data_dir: Path) -> None:
    # (PBF stores coordinates as integers of 1e-7 degree, so doubles may differ in the last bit)
    for kind in ("streets", "pois"):
        assert_geodataframe_equal(_read(kind, data_dir / XML), _read(kind, data_dir / PBF),
                                  check_less_precise=True)


def test_files_readers_dispatch_osm_extracts(data_dir: Path) -> None:
    assert_geodataframe_equal(files.read_streets(data_dir / PBF), _read("streets", data_dir / PBF))
    assert_geodataframe_equal(files.read_pois(data_dir / XML), _read("pois", data_dir / XML))


def _ways_intersecting(oracle: Any, area_rd: shapely.Geometry) -> set[int]:
    return {
        w for w, (refs, tags) in oracle.ways.items()
        if "highway" in tags
        and shapely.LineString(_rd([oracle.nodes[r][:2] for r in refs])).intersects(area_rd)
    }


def _pois_intersecting(oracle: Any, area_rd: shapely.Geometry) -> set[tuple[str, str]]:
    inside = set()
    for osm_id, tag in oracle.poi_pairs(OSM_POI_TAGS):
        num = int(osm_id[1:])
        if osm_id[0] == "N":
            geom = shapely.Point(_rd([oracle.nodes[num][:2]])[0])
        else:
            geom = shapely.Polygon(_rd([oracle.nodes[r][:2] for r in oracle.ways[num][0]]))
        if geom.intersects(area_rd):
            inside.add((osm_id, tag))
    return inside


def test_bbox_restricts_reading(extract: Path, osm_xml_oracle: Any, window_rd: tuple) -> None:
    bbox = (134700.0, 453950.0, 134850.0, 454100.0)
    area = shapely.box(*bbox)
    streets = read_osm_extract_streets(extract, bbox=bbox)
    ways = _ways_intersecting(osm_xml_oracle, area) & _walkable_ways(osm_xml_oracle)
    pieces = osm_xml_oracle.street_pieces(ways)
    assert 0 < len(streets) == len(pieces) < 222
    assert set(streets["osm_id"]) == {str(w) for w in ways}
    # whole ways are read (not clipped), and noded among themselves
    ways_read = streets.dissolve("osm_id")
    assert ways_read.intersects(area).all()
    assert not area.buffer(1).contains(streets.union_all())
    _assert_noded(streets)

    pois = read_osm_extract_pois(extract, bbox=bbox)
    expected = _pois_intersecting(osm_xml_oracle, area)
    assert 0 < len(pois) < 276
    assert set(zip(pois["osm_id"], pois["tag"], strict=False)) == expected


def test_mask_in_rd_or_any_crs(data_dir: Path, osm_xml_oracle: Any) -> None:
    triangle = shapely.Polygon([(134650, 453900), (134950, 453950), (134750, 454200)])
    streets = read_osm_extract_streets(data_dir / PBF, mask=triangle)
    assert set(streets["osm_id"]) == {str(w) for w in _ways_intersecting(osm_xml_oracle,
                                                                          triangle)
                                      & _walkable_ways(osm_xml_oracle)}
    as_4326 = gpd.GeoDataFrame(geometry=[triangle], crs=28992).to_crs(4326)
    pois_rd = read_osm_extract_pois(data_dir / PBF, mask=triangle)
    pois_4326 = read_osm_extract_pois(data_dir / PBF, mask=as_4326)
    expected = _pois_intersecting(osm_xml_oracle, triangle)
    assert set(zip(pois_rd["osm_id"], pois_rd["tag"], strict=False)) == expected
    assert set(zip(pois_4326["osm_id"], pois_4326["tag"], strict=False)) == expected


def test_area_without_data(data_dir: Path) -> None:
    amsterdam = (121000.0, 486000.0, 122000.0, 487000.0)
    with pytest.raises(NoDataError, match=r"kanaleneiland_window\.osm\.pbf: the extract holds no "
                       r"ways with a highway tag within bbox \(121000\.0, 486000\.0"):
        read_osm_extract_streets(data_dir / PBF, bbox=amsterdam)
    with pytest.raises(NoDataError, match=r"kanaleneiland_window\.osm: the extract holds no POIs "
                       r"within bbox"):
        read_osm_extract_pois(data_dir / XML, bbox=amsterdam)


# ------------------------------------------------------------------------------------------
# bad input


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere\.osm\.pbf: file not found$"):
        read_osm_extract_streets(tmp_path / "nowhere.osm.pbf")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.osm").write_bytes(b"")
    with pytest.raises(NoDataError, match=r"empty\.osm: the file is empty \(0 bytes\)$"):
        read_osm_extract_pois(tmp_path / "empty.osm")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("notes.osm", b"boodschappen: brood, melk\n", "it starts with 'boodschappen: brood, mel'"),
        ("nl.osm.bz2", b"BZh91AY&SY\x00\x01", "it is bzip2-compressed; decompress it first"),
        ("nl.osm.pbf", b"\x1f\x8b\x08\x00\x00\x00", "it is gzip-compressed; decompress it"),
        ("nl.osm", b'<?xml version="1.0"?>\n<gpx version="1.1"></gpx>\n', "it starts with"),
    ],
)
def test_file_that_is_not_osm(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_osm_extract_streets(path)
    prefix = f"{path}: not an OpenStreetMap extract (.osm XML or .osm.pbf): "
    assert str(info.value).startswith(prefix + problem)


def test_other_vector_format_is_not_osm(tmp_path: Path, bundled_gpkg: Path) -> None:
    path = tmp_path / "renamed.osm.pbf"
    path.write_bytes(bundled_gpkg.read_bytes())
    with pytest.raises(InputError, match=r"renamed\.osm\.pbf: not an OpenStreetMap extract .*: "
                       r"it is an SQLite/GeoPackage file; read it as a GeoPackage instead$"):
        read_osm_extract_pois(path)


def test_truncated_pbf(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes((data_dir / PBF).read_bytes()[:3000])
    with pytest.raises(InputError, match=r"cut\.osm\.pbf: "):
        read_osm_extract_streets(path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bbox": (0, 0, 1, 1), "mask": shapely.box(0, 0, 1, 1)}, "give bbox or mask, not both"),
        ({"bbox": (134000, 454000)}, r"bbox must be four numbers"),
        ({"bbox": (135000, 454000, 134000, 455000)}, r"is empty: need minx < maxx"),
        ({"mask": shapely.Point(134000, 454000)}, r"mask must be a non-empty polygon"),
        ({"mask": gpd.GeoSeries([shapely.box(0, 0, 1, 1)])}, r"the mask has no CRS"),
    ],
)
def test_bad_area(data_dir: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_osm_extract_streets(data_dir / PBF, **kwargs)


# ------------------------------------------------------------------------------------------
# the tag rules, on a small hand-written OSM file (made-up objects, real tag conventions)

RULES_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand-written test file">
 <node id="1" lat="52.0800" lon="5.1000"/>
 <node id="2" lat="52.0800" lon="5.1010"/>
 <node id="3" lat="52.0800" lon="5.1020"/>
 <node id="4" lat="52.0810" lon="5.1010"/>
 <node id="5" lat="52.0790" lon="5.1010"/>
 <node id="6" lat="52.0805" lon="5.1030"/>
 <node id="7" lat="52.0795" lon="5.1030"/>
 <node id="8" lat="52.0800" lon="5.1040"/>
 <node id="10" lat="52.0820" lon="5.1000"><tag k="shop" v="bakery"/><tag k="name" v="Bakkerij Zoet"/><tag k="opening_hours" v="Mo-Sa 08:00-18:00"/></node>
 <node id="11" lat="52.0820" lon="5.1005"><tag k="highway" v="bus_stop"/><tag k="name" v="Kanaleneiland Zuid"/></node>
 <node id="12" lat="52.0820" lon="5.1010"><tag k="highway" v="crossing"/></node>
 <node id="13" lat="52.0820" lon="5.1015"><tag k="railway" v="tram_stop"/></node>
 <node id="14" lat="52.0820" lon="5.1020"><tag k="railway" v="level_crossing"/></node>
 <node id="15" lat="52.0820" lon="5.1025"><tag k="natural" v="tree"/></node>
 <node id="16" lat="52.0820" lon="5.1030"><tag k="disused:shop" v="butcher"/></node>
 <node id="17" lat="52.0820" lon="5.1035"><tag k="vacant:shop" v="yes"/></node>
 <node id="18" lat="52.0820" lon="5.1040"><tag k="amenity" v="cafe"/><tag k="building" v="yes"/><tag k="source" v="survey"/></node>
 <node id="20" lat="52.0830" lon="5.1000"/>
 <node id="21" lat="52.0830" lon="5.1002"/>
 <node id="22" lat="52.0832" lon="5.1002"/>
 <node id="23" lat="52.0832" lon="5.1000"/>
 <node id="24" lat="52.0830" lon="5.1010"/>
 <node id="25" lat="52.0830" lon="5.1012"/>
 <node id="26" lat="52.0832" lon="5.1012"/>
 <node id="27" lat="52.0832" lon="5.1010"/>
 <node id="28" lat="52.0830" lon="5.1020"/>
 <node id="29" lat="52.0830" lon="5.1022"/>
 <node id="30" lat="52.0832" lon="5.1022"/>
 <node id="31" lat="52.0832" lon="5.1020"/>
 <node id="40" lat="52.0780" lon="5.1000"/>
 <node id="41" lat="52.0780" lon="5.1010"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="Europalaan"/></way>
 <way id="101"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/></way>
 <way id="102"><nd ref="3"/><nd ref="6"/><nd ref="8"/><nd ref="7"/><nd ref="3"/><tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/><tag k="name" v="Rotonde"/></way>
 <way id="103"><nd ref="8"/><nd ref="41"/><tag k="highway" v="trunk"/></way>
 <way id="110"><nd ref="40"/><nd ref="41"/><tag k="highway" v="cycleway"/></way>
 <way id="111"><nd ref="40"/><nd ref="41"/><tag k="highway" v="motorway"/></way>
 <way id="112"><nd ref="40"/><nd ref="41"/><tag k="highway" v="motorway_link"/></way>
 <way id="113"><nd ref="40"/><nd ref="41"/><tag k="highway" v="trunk"/><tag k="foot" v="no"/></way>
 <way id="114"><nd ref="40"/><nd ref="41"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
 <way id="115"><nd ref="40"/><nd ref="41"/><tag k="highway" v="service"/><tag k="service" v="private"/></way>
 <way id="116"><nd ref="40"/><nd ref="41"/><tag k="highway" v="pedestrian"/><tag k="area" v="yes"/></way>
 <way id="117"><nd ref="40"/><nd ref="41"/><tag k="highway" v="secondary"/><tag k="sidewalk" v="separate"/></way>
 <way id="118"><nd ref="40"/><nd ref="41"/><tag k="highway" v="secondary"/><tag k="sidewalk:both" v="separate"/></way>
 <way id="119"><nd ref="40"/><nd ref="41"/><tag k="highway" v="construction"/></way>
 <way id="120"><nd ref="40"/><nd ref="41"/><tag k="highway" v="platform"/></way>
 <way id="121"><nd ref="40"/><nd ref="41"/><tag k="railway" v="tram"/></way>
 <way id="200"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="20"/><tag k="healthcare" v="doctor"/><tag k="name" v="Huisartsenpraktijk"/></way>
 <way id="201"><nd ref="24"/><nd ref="25"/><nd ref="26"/><nd ref="27"/><nd ref="24"/><tag k="building" v="retail"/><tag k="shop" v="supermarket"/><tag k="opening_hours" v="Mo-Sa 08:00-21:00"/></way>
 <way id="202"><nd ref="28"/><nd ref="29"/><nd ref="30"/><nd ref="31"/><nd ref="28"/></way>
 <relation id="300"><member type="way" ref="202" role="outer"/><tag k="type" v="multipolygon"/><tag k="amenity" v="school"/><tag k="building" v="school"/></relation>
</osm>
"""


@pytest.fixture
def rules_osm(tmp_path: Path) -> Path:
    path = tmp_path / "rules.osm"
    path.write_text(RULES_OSM, encoding="utf-8")
    return path


def test_walk_rule(rules_osm: Path) -> None:
    streets = read_osm_extract_streets(rules_osm)
    # the Dutch rule (walk_network.py): left out are motorway(_link) (rule 1), the trunk with
    # foot=no (rule 3), access=private and service=private (rule 4), construction and platform
    # (rule 1); kept are the cycleway (RVV art. 4), the open pedestrian way with area=yes
    # (rule 5 keeps pedestrian areas; an open way encloses nothing, so no links), the roads
    # with separately mapped sidewalks (kept by design) and the trunk (no motorroad tag)
    assert set(streets["osm_id"]) == {"100", "101", "102", "103", "110", "116", "117", "118"}
    assert streets.attrs["walk_network"]["left_out"] == {
        "access=private": 1, "foot=no": 1, "highway=construction": 1, "highway=motorway": 1,
        "highway=motorway_link": 1, "highway=platform": 1, "service=private": 1}
    assert streets.attrs["walk_network"]["lines_in"] == 15  # ways with a highway tag
    assert streets.attrs["walk_network"]["area_links"] == 0
    # 100 and 101 cross at node 2; the roundabout 102 is split where 100 (node 3) and the
    # trunk 103 (node 8) join it; the four kept ways from node 40 to 41 are one piece each
    assert Counter(streets["osm_id"]) == {"100": 2, "101": 2, "102": 2, "103": 1, "110": 1,
                                          "116": 1, "117": 1, "118": 1}
    assert dict(zip(streets["osm_id"], streets["street_name"], strict=False))["102"] == "Rotonde"
    # (the ways 40-41 lie on top of each other by construction of this file)
    _assert_noded(streets[~streets["osm_id"].isin(["110", "116", "117", "118"])])
    _assert_noded(streets[~streets["osm_id"].isin(["116", "117", "118"])])


def test_poi_rules(rules_osm: Path) -> None:
    pois = read_osm_extract_pois(rules_osm)
    assert set(zip(pois["osm_id"], pois["tag"], strict=False)) == {
        ("N10", "shop=bakery"),
        ("N11", "highway=bus_stop"),
        ("N13", "railway=tram_stop"),
        ("N16", "disused:shop=butcher"),
        ("N17", "vacant:shop=yes"),
        ("N18", "amenity=cafe"),
        ("N18", "building=yes"),
        ("W200", "healthcare=doctor"),
        ("W201", "building=retail"),
        ("W201", "shop=supermarket"),
        ("R300", "amenity=school"),
        ("R300", "building=school"),
    }
    by_id = pois.drop_duplicates("osm_id").set_index("osm_id")
    assert by_id.loc["N10", "name"] == "Bakkerij Zoet"
    assert by_id.loc["N10", "opening_hours"] == "Mo-Sa 08:00-18:00"
    assert by_id.loc["N11", "name"] == "Kanaleneiland Zuid"
    assert by_id.loc["W200", "name"] == "Huisartsenpraktijk"
    assert by_id.loc["W201", "opening_hours"] == "Mo-Sa 08:00-21:00"
    assert pd.isna(by_id.loc["N16", "name"])
    assert set(pois.geometry.geom_type) == {"Point"}


def test_negative_ids_as_saved_by_josm(tmp_path: Path) -> None:
    # JOSM writes new objects with negative, decreasing ids, which GDAL's fast node index
    # refuses; the reader retries with GDAL's slower index
    path = tmp_path / "josm.osm"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="JOSM">\n'
        ' <node id="-1" action="modify" lat="52.08" lon="5.10"/>\n'
        ' <node id="-2" action="modify" lat="52.08" lon="5.101"/>\n'
        ' <node id="-3" action="modify" lat="52.081" lon="5.101">'
        '<tag k="shop" v="florist"/></node>\n'
        ' <way id="-4" action="modify"><nd ref="-1"/><nd ref="-2"/><nd ref="-3"/>'
        '<tag k="highway" v="footway"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    streets = read_osm_extract_streets(path)
    assert streets["osm_id"].tolist() == ["-4"]
    assert read_osm_extract_pois(path)["tag"].tolist() == ["shop=florist"]


def test_no_walkable_streets(tmp_path: Path) -> None:
    path = tmp_path / "motorway.osm"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        ' <node id="1" lat="52.08" lon="5.10"/>\n <node id="2" lat="52.08" lon="5.11"/>\n'
        ' <way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    with pytest.raises(NoDataError, match=r"motorway\.osm: the extract holds no walkable streets"):
        read_osm_extract_streets(path)
    with pytest.raises(NoDataError, match=r"motorway\.osm: the extract holds no POIs"):
        read_osm_extract_pois(path)


# ------------------------------------------------------------------------------------------
# the readers' columns stay in step with osmconf.ini


def test_osmconf_lists_every_tag_read() -> None:
    from wijkkracht.data_sources import osm_extract

    # the general settings come before the first section (no [general] header: GDAL < 3.10)
    sections: dict[str, dict[str, str]] = {"general": {}}
    current = "general"
    for line in osm_extract._OSMCONF.read_text("utf-8").splitlines():
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = {}
        elif "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            sections[current][key] = value
    for layer in ("points", "multipolygons"):
        attributes = sections[layer]["attributes"].split(",")
        assert set(OSM_POI_TAGS) | set(osm_extract.POI_DETAIL_TAGS) <= set(attributes), layer
        assert "area" not in sections[layer]["ignore"].split(","), layer
    # the walking-network rule sees every tag it reads, on lines and on highway areas
    assert set(WAY_TAGS) <= set(sections["lines"]["attributes"].split(","))
    assert set(osm_extract._AREA_COLUMNS) <= set(sections["multipolygons"]["attributes"]
                                                 .split(","))
    assert {"foot", "access", "motorroad", "service", "area"} <= set(osm_extract._AREA_COLUMNS)
    assert "public_transport" in sections["other_relations"]["attributes"].split(",")
    assert sections["general"]["attribute_name_laundering"] == "no"
    for layer in ("points", "lines", "multipolygons"):
        assert sections[layer]["other_tags"] == "no"
    polygons = sections["general"]["closed_ways_are_polygons"].split(",")
    assert {k for k, v in OSM_POI_TAGS.items() if v is True} <= set(polygons)
    assert pyogrio.__gdal_version__ >= (3, 0, 0)
