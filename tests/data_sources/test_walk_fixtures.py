"""The Dutch walking-network rule and the POI columns, proven through the real readers.

Each file ``tests/data/walk_*.osm`` holds one Dutch tagging pattern, laid out by hand on a
metre grid (``tests/data/make_walk_fixtures.py``; sketches in ``tests/data/README.md``). The
tests read it with :func:`read_osm_extract_streets` / :func:`read_osm_extract_pois` (XML and
its PBF conversion), build the network with :func:`wijkkracht.core.network.build_network`,
place the home (the ``building=house`` node) and the shops with
:func:`~wijkkracht.core.network.locate_points`, and compare walking distances with the sums
worked out by hand from the grid (written next to each assertion). Each home lies 5 m beside
the middle of its street piece, so :func:`wijkkracht.core.distances.nearest_distances` (from
the middle of a segment) gives the walk from the home. Variants of a file (one tag changed) are
written to a temporary folder to show what the tag does.

The same files go through the live path: turned into Overpass answers (``overpass_answers`` in
conftest.py) and replayed by the local server to :func:`fetch_osm`; the same ways must be kept
and left out, and the walks must be as long (measured point to point there: OSMnx merges
street pieces, so the home is not in the middle of its segment).

Coordinates are written with 7 decimals (about 1 cm), so distances agree to a few cm.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from scipy.sparse import csgraph

from wijkkracht.core.distances import nearest_distances, place
from wijkkracht.core.network import StreetNetwork, build_network, locate_points
from wijkkracht.data_sources.osm_extract import (
    _OSMCONF,
    read_osm_extract_pois,
    read_osm_extract_streets,
)
from wijkkracht.data_sources.osm_live import fetch_osm
from wijkkracht.data_sources.walk_network import OVERPASS_FILTER

from .conftest import overpass_answers, read_osm_xml

#: Distances agree with the hand sums to this many metres (coordinates rounded to ~1 cm).
CM = 0.05
DIAGONAL = 100 * 2**0.5  # 141.42 m across a 100 m square
HALF_DIAGONAL = (100**2 + 50**2) ** 0.5  # 111.80 m from the middle of a side to a far corner

_cache: dict[str, tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]] = {}


@pytest.fixture(params=[".osm", ".osm.pbf"])
def ext(request: pytest.FixtureRequest) -> str:
    return request.param


def _read(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    key = str(path)
    if key not in _cache:
        _cache[key] = (read_osm_extract_streets(path), read_osm_extract_pois(path))
    streets, pois = _cache[key]
    return streets.copy(), pois.copy()


def _variant(data_dir: Path, tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of ``name`` with the text ``old`` (exactly once in it) replaced by ``new``."""
    text = (data_dir / name).read_text("utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _places(network: StreetNetwork, pois: gpd.GeoDataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """The home (``building=house``) and the shops (by name), placed on the network."""
    home = pois[pois["tag"] == "building=house"]
    assert len(home) == 1
    shops = pois[pois["tag"].str.startswith("shop=")].drop_duplicates("osm_id")
    shops = shops.set_index("name")
    located = locate_points(network, gpd.GeoSeries([home.geometry.iloc[0], *shops.geometry],
                                                   crs=28992))
    assert (located["segment_id"] >= 0).all()
    assert located["snap_distance_m"].iloc[0] == pytest.approx(5.0, abs=CM)
    return located.iloc[0], located.iloc[1:].set_axis(shops.index)


def _walks(streets: gpd.GeoDataFrame, pois: gpd.GeoDataFrame) -> dict[str, float]:
    """Walking distance (m) from the home to each shop, with ``nearest_distances``: the home
    lies beside the middle of its segment (checked), from where the function measures."""
    network = build_network(streets)
    home, shops = _places(network, pois)
    segment = int(home["segment_id"])
    assert home["offset_m"] == pytest.approx(network.length[segment] / 2, abs=CM)
    points = place(shops["segment_id"].to_numpy(), shops["offset_m"].to_numpy())
    distance = nearest_distances(network, points, np.arange(len(shops)), len(shops))[segment]
    return dict(zip(shops.index, distance.tolist(), strict=True))


def _point_walks(streets: gpd.GeoDataFrame, pois: gpd.GeoDataFrame) -> dict[str, float]:
    """Walking distance (m) from the home to each shop, point to point: the shortest way out
    of the home's segment (either end) to either end of the shop's segment (Dijkstra on the
    network's graph), or along the segment when both lie on it."""
    network = build_network(streets)
    home, shops = _places(network, pois)
    seg, off = int(home["segment_id"]), float(home["offset_m"])
    ends = [(network.node_a[seg], off), (network.node_b[seg], network.length[seg] - off)]
    dist = csgraph.dijkstra(network.graph, indices=[n for n, _ in ends])
    out = {}
    for name, row in shops.iterrows():
        s, t = int(row["segment_id"]), float(row["offset_m"])
        to_shop = [(network.node_a[s], t), (network.node_b[s], network.length[s] - t)]
        best = min(c + dist[i, n] + c2 for i, (_, c) in enumerate(ends) for n, c2 in to_shop)
        out[str(name)] = min(best, abs(off - t)) if s == seg else best
    return out


def _ways(streets: gpd.GeoDataFrame) -> set[str]:
    """The OSM ways a street layer holds (merged ids ``"1;2"`` split)."""
    return {i for value in streets["osm_id"] for i in str(value).split(";")}


def _assert_walks(got: dict[str, float], expected: dict[str, float]) -> None:
    assert set(got) == set(expected)
    for name, metres in expected.items():
        assert got[name] == pytest.approx(metres, abs=CM), name


# ------------------------------------------------------------------------------------------
# the Dutch patterns, through read_osm_extract_streets (XML and PBF)


def test_cycleway_with_sidewalk_beside_use_sidepath_road(data_dir: Path, ext: str,
                                                         tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_use_sidepath{ext}")
    # the secondary road with foot=use_sidepath (and sidewalk=separate) is kept by design,
    # the cycle path with its sidewalk because cycleways are walkable in the Netherlands
    assert _ways(streets) == {"101", "102", "103", "104", "105", "106", "107"}
    assert streets.attrs["walk_network"]["left_out"] == {}
    _assert_walks(_walks(streets, pois), {
        # home (0,90) -> (0,40) 50, along the cycle path to (300,40) 300, path to (300,70) 30
        "Bakkerij": 50 + 300 + 30,
        # home -> (0,40) 50, link to the road (0,0) 40, along the road to (200,0) 200,
        # path to (200,-40) 40: the road is where this shop is reached
        "Supermarkt": 50 + 40 + 200 + 40,
    })
    if ext == ".osm":
        # without the cycle path (as OSMnx's walk network): round by the Achterstraat
        path = _variant(data_dir, tmp_path, "walk_use_sidepath.osm",
                        '<tag k="sidewalk" v="right"/>', '<tag k="foot" v="no"/>')
        streets, pois = read_osm_extract_streets(path), read_osm_extract_pois(path)
        assert streets.attrs["walk_network"]["left_out"] == {"foot=no": 1}
        _assert_walks(_walks(streets, pois), {
            # home -> (0,140) 50, Achterstraat to (300,140) 300, path down to (300,70) 70
            "Bakkerij": 50 + 300 + 70,
            "Supermarkt": 50 + 40 + 200 + 40,
        })


def test_fietsvoetpad(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_fietsvoetpad{ext}")
    assert _ways(streets) == {"201", "202", "203", "204"}
    # home (0,50) -> (0,100) 50, fietsvoetpad to (160,100) 160, Parkweg to (160,70) 30
    _assert_walks(_walks(streets, pois), {"Bakkerij": 50 + 160 + 30})
    if ext == ".osm":
        # a cycle path without a foot tag is walkable too (RVV 1990 art. 4)
        plain = _variant(data_dir, tmp_path, "walk_fietsvoetpad.osm",
                         '<tag k="foot" v="designated"/>', "")
        _assert_walks(_walks(read_osm_extract_streets(plain), read_osm_extract_pois(plain)),
                      {"Bakkerij": 240})
        # with foot=no: home -> (0,0) 50, Zuidsingel (0,0)-(0,-300)-(160,-300)-(160,0)
        # 300 + 160 + 300, Parkweg up to (160,70) 70
        closed = _variant(data_dir, tmp_path, "walk_fietsvoetpad.osm",
                          '<tag k="foot" v="designated"/>', '<tag k="foot" v="no"/>')
        streets = read_osm_extract_streets(closed)
        assert streets.attrs["walk_network"]["left_out"] == {"foot=no": 1}
        _assert_walks(_walks(streets, read_osm_extract_pois(closed)),
                      {"Bakkerij": 50 + 300 + 160 + 300 + 70})


def test_sidewalks_and_crossings(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_sidewalks{ext}")
    assert _ways(streets) == {str(w) for w in range(301, 309)}
    footway = dict(zip(streets["osm_id"], streets["footway"], strict=False))
    assert (footway["303"], footway["304"], footway["305"], footway["306"]) == (
        "sidewalk", "sidewalk", "crossing", "crossing")
    # the crossings share a node with the street: it is split there (3 pieces), and each
    # crossing at the street (2 pieces each)
    counts = streets["osm_id"].value_counts()
    assert (counts["301"], counts["305"], counts["306"]) == (3, 2, 2)
    # home (50,26) -> (50,6) 20, north sidewalk to (100,6) 50, crossing to (100,-6) 12,
    # south sidewalk to (200,-6) 100, path to (200,-26) 20
    _assert_walks(_walks(streets, pois), {"Bakkerij": 20 + 50 + 12 + 100 + 20})
    if ext == ".osm":
        # without the crossings the walk goes round by the Dwarsstraat:
        # 20 + 50 west to (0,6), (0,6) -> (0,-6) 12, 200 east, 20
        path = tmp_path / "walk_sidewalks.osm"
        text = (data_dir / "walk_sidewalks.osm").read_text("utf-8")
        path.write_text(text.replace('<tag k="footway" v="crossing"/>',
                                     '<tag k="footway" v="crossing"/><tag k="access" v="no"/>'))
        streets = read_osm_extract_streets(path)
        assert streets.attrs["walk_network"]["left_out"] == {"access=no": 2}
        _assert_walks(_walks(streets, read_osm_extract_pois(path)),
                      {"Bakkerij": 20 + 50 + 12 + 200 + 20})


def test_busway_is_no_shortcut(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_busway{ext}")
    assert _ways(streets) == {"401", "403", "404"}
    assert streets.attrs["walk_network"]["left_out"] == {"highway=busway": 1}
    # home (0,50) -> (0,0) 50, Zuidsingel (0,-150), (100,-150), (100,0): 150 + 100 + 150,
    # Parkweg up to (100,90) 90
    _assert_walks(_walks(streets, pois), {"Bakkerij": 50 + 150 + 100 + 150 + 90})
    if ext == ".osm":
        # foot=yes on the busway opens it: home -> (0,100) 50, busway 100, down to (100,90) 10
        path = _variant(data_dir, tmp_path, "walk_busway.osm", '<tag k="name" v="Busbaan"/>',
                        '<tag k="foot" v="yes"/>')
        _assert_walks(_walks(read_osm_extract_streets(path), read_osm_extract_pois(path)),
                      {"Bakkerij": 50 + 100 + 10})


def test_cycleway_with_foot_no(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_cycleway_foot_no{ext}")
    assert _ways(streets) == {"501", "503", "504"}
    assert streets.attrs["walk_network"]["left_out"] == {"foot=no": 1}
    # home (0,50) -> (0,100) 50, footpath via (60,180): 100 + 100 (3-4-5 triangles), Parkweg
    # down to (120,80) 20
    _assert_walks(_walks(streets, pois), {"Bakkerij": 50 + 100 + 100 + 20})
    if ext == ".osm":
        # the same cycle path without foot=no: straight along it, 120 m
        path = _variant(data_dir, tmp_path, "walk_cycleway_foot_no.osm",
                        '<tag k="foot" v="no"/>', "")
        _assert_walks(_walks(read_osm_extract_streets(path), read_osm_extract_pois(path)),
                      {"Bakkerij": 50 + 120 + 20})


def test_private_access(data_dir: Path, ext: str) -> None:
    streets, pois = _read(data_dir / f"walk_private_access{ext}")
    # access=private + foot=yes (602) is kept; access=private alone (603) is left out
    assert _ways(streets) == {"601", "602", "604", "605", "606"}
    assert streets.attrs["walk_network"]["left_out"] == {"access=private": 1}
    _assert_walks(_walks(streets, pois), {
        # home (0,50) -> (0,100) 50, private road with foot=yes 100, path to (100,120) 20
        "Bakkerij": 50 + 100 + 20,
        # not along the private road (0,0)-(100,0) (that would be 50 + 100 + 20): over the
        # first one and down the Parkweg: 50 + 100 + 100, path to (100,-20) 20
        "Slagerij": 50 + 100 + 100 + 20,
    })


def test_motorroad(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_motorroad{ext}")
    assert _ways(streets) == {"701", "703", "704"}
    assert streets.attrs["walk_network"]["left_out"] == {"motorroad=yes": 1}
    # home (0,50) -> (0,100) 50, cycle path via (100,175): 125 + 125, down to (200,80) 20
    _assert_walks(_walks(streets, pois), {"Bakkerij": 50 + 125 + 125 + 20})
    if ext == ".osm":
        # the same road without motorroad=yes: along it, 200 m
        path = _variant(data_dir, tmp_path, "walk_motorroad.osm",
                        '<tag k="motorroad" v="yes"/>', "")
        _assert_walks(_walks(read_osm_extract_streets(path), read_osm_extract_pois(path)),
                      {"Bakkerij": 50 + 200 + 20})


def test_pedestrian_area_is_crossed(data_dir: Path, ext: str, tmp_path: Path) -> None:
    streets, pois = _read(data_dir / f"walk_pedestrian_area{ext}")
    info = streets.attrs["walk_network"]
    assert info["left_out"] == {} and info["lines_in"] == 4
    # the square's outline (from GDAL's multipolygons layer) is split at the three entries:
    # (0,0) where the Westkade ends, (100,100) the Noordstraat, (0,50) the footway
    outline = streets[(streets["osm_id"] == "801") & (streets["footway"] == "")]
    assert sorted(outline.length.round(1)) == [50.0, 150.0, 200.0]
    links = streets[streets["footway"] == "area_link"]
    assert info["area_links"] == len(links) == 2
    assert set(links["osm_id"]) == {"801"} and set(links["street_name"]) == {"Stadsplein"}
    # (0,0)-(100,100) 141.42 and (0,50)-(100,100) 111.80; not (0,0)-(0,50): it would lie on
    # the outline piece along that edge
    assert sorted(links.length) == pytest.approx([HALF_DIAGONAL, DIAGONAL], abs=CM)
    # every link ends on a vertex where outline pieces and the entering ways end
    ends = {tuple(np.round(c, 2)) for g in streets[streets["footway"] != "area_link"].geometry
            for c in (g.coords[0], g.coords[-1])}
    for link in links.geometry:
        assert tuple(np.round(link.coords[0], 2)) in ends
        assert tuple(np.round(link.coords[-1], 2)) in ends
    network = build_network(streets)
    assert network.dropped_segments == 0 and network.n_segments == len(streets)
    # nodes: the entries (0,0) (0,50) (100,100) and the far ends (-100,0) (100,200) (-60,50);
    # the corners (100,0) and (0,100) lie inside outline pieces
    assert network.n_nodes == 6
    # home (-50,0) -> (0,0) 50, straight across to (100,100) 141.42, Noordstraat to
    # (100,130) 30
    _assert_walks(_walks(streets, pois), {"Bakkerij": 50 + DIAGONAL + 30})
    if ext == ".osm":
        # without area=yes the closed way is a loop round the square: 50 + 200 + 30
        path = _variant(data_dir, tmp_path, "walk_pedestrian_area.osm",
                        '<tag k="area" v="yes"/>', "")
        streets = read_osm_extract_streets(path)
        assert streets.attrs["walk_network"]["area_links"] == 0
        _assert_walks(_walks(streets, read_osm_extract_pois(path)), {"Bakkerij": 50 + 200 + 30})


def test_pedestrian_area_as_multipolygon_relation(data_dir: Path, tmp_path: Path) -> None:
    """The same square mapped as a multipolygon relation (its outer way untagged): GDAL gives
    it only in its multipolygons layer; the outline is ``R<id>`` and crossed the same way."""
    text = (data_dir / "walk_pedestrian_area.osm").read_text("utf-8")
    tags = ('<tag k="highway" v="pedestrian"/><tag k="area" v="yes"/>'
            '<tag k="name" v="Stadsplein"/>')
    assert text.count(tags) == 1
    text = text.replace(tags, "").replace("</osm>", (
        '  <relation id="900" version="1"><member type="way" ref="801" role="outer"/>'
        '<tag k="type" v="multipolygon"/><tag k="highway" v="pedestrian"/>'
        '<tag k="name" v="Stadsplein"/></relation>\n</osm>'))
    path = tmp_path / "relation.osm"
    path.write_text(text, encoding="utf-8")
    streets = read_osm_extract_streets(path)
    assert _ways(streets) == {"R900", "802", "803", "804"}
    links = streets[streets["footway"] == "area_link"]
    assert set(links["osm_id"]) == {"R900"}
    assert sorted(links.length) == pytest.approx([HALF_DIAGONAL, DIAGONAL], abs=CM)
    _assert_walks(_walks(streets, read_osm_extract_pois(path)), {"Bakkerij": 50 + DIAGONAL + 30})


# ------------------------------------------------------------------------------------------
# a clipped extract


def test_clipped_extract_crashed_pyogrio(data_dir: Path, ext: str) -> None:
    """What the user got: pyogrio builds every geometry with shapely, which refuses the ring
    GDAL makes of a closed way left with two nodes."""
    with pytest.raises(shapely.errors.GEOSException,
                       match="Invalid number of points in LinearRing found 2"):
        pyogrio.read_dataframe(data_dir / f"clipped_extract{ext}", layer="multipolygons",
                               CONFIG_FILE=str(_OSMCONF))


def test_clipped_extract_streets(data_dir: Path, ext: str,
                                 caplog: pytest.LogCaptureFixture) -> None:
    path = data_dir / f"clipped_extract{ext}"
    oracle = read_osm_xml(data_dir / "clipped_extract.osm")
    missing = {r for refs, _ in oracle.ways.values() for r in refs} - set(oracle.nodes)
    assert missing == set(range(90, 103)) | {106, 107}  # the nodes the clip cut off
    with caplog.at_level(logging.WARNING, logger="wijkkracht.data_sources.osm_extract"):
        streets = read_osm_extract_streets(path)
    # left out: the pedestrian area 904 (a ring of 2 points) and the service loop 908 (a
    # line from node 15 back to itself); GDAL itself drops 903 (one node in the file)
    assert streets.attrs["broken_geometries"] == {"left_out": 2, "repaired": 0}
    assert "2 broken geometries" in caplog.text and "clipped" in caplog.text
    assert _ways(streets) == {"901", "902", "907"}
    # GDAL joins what is left of 907, (20,180) and (60,180), by a straight 40 m line
    assert streets.loc[streets["osm_id"] == "907"].length.sum() == pytest.approx(40, abs=CM)
    # home (50,100) -> (100,100) 50, footway down to (100,40) 60 (the other shops are the
    # repaired buildings of test_clipped_extract_pois)
    pois = read_osm_extract_pois(path)
    home_and_bakery = pois[pois["tag"].isin(["building=house", "shop=bakery"])]
    _assert_walks(_walks(streets, home_and_bakery), {"Bakkerij": 50 + 60})


def test_clipped_extract_pois(data_dir: Path, ext: str, caplog: pytest.LogCaptureFixture
                              ) -> None:
    with caplog.at_level(logging.WARNING, logger="wijkkracht.data_sources.osm_extract"):
        pois = read_osm_extract_pois(data_dir / f"clipped_extract{ext}")
    # left out: building 910 (a ring of 2 points); GDAL drops the school relation 950 (its
    # member way 103 is missing). Repaired: the florist 905 (left with 3 nodes: a ring
    # that collapsed to a line) and the clothes shop 906 (its outline crosses itself)
    assert pois.attrs["broken_geometries"] == {"left_out": 1, "repaired": 2}
    assert "1 broken geometry" in caplog.text and "2 invalid polygon(s) repaired" in caplog.text
    assert set(pois["osm_id"]) == {"N20", "N21", "N22", "W905", "W906"}
    by_id = pois.drop_duplicates("osm_id").set_index("osm_id")
    # 906: a bow tie (120,20)-(160,20)-(120,60)-(160,60): two triangles of 40 x 20 / 2
    assert by_id.loc["W906", "footprint_m2"] == pytest.approx(2 * 40 * 20 / 2, rel=1e-3)
    assert pd.isna(by_id.loc["W905", "footprint_m2"])  # no area left
    assert by_id.loc["N22", "stop_area"] == "R951"  # its other members are cut off
    bowtie = shapely.Polygon([(120, 20), (160, 20), (140, 40)])  # one of its two triangles
    grid = shapely.affinity.translate(bowtie, 134500, 453500)
    other = shapely.affinity.translate(shapely.Polygon([(120, 60), (160, 60), (140, 40)]),
                                       134500, 453500)
    assert grid.buffer(0.05).contains(by_id.loc["W906", "geometry"]) or other.buffer(
        0.05).contains(by_id.loc["W906", "geometry"])


# ------------------------------------------------------------------------------------------
# POI columns for counting amenities once


def test_poi_outlines_and_stop_areas(data_dir: Path, ext: str) -> None:
    pois = read_osm_extract_pois(data_dir / f"poi_outlines{ext}")
    by_id = pois.drop_duplicates("osm_id").set_index("osm_id")
    grounds, building, retail, platform, park = 100 * 80, 40 * 20, 40 * 30, 30 * 3, 60 * 60
    footprint = by_id["footprint_m2"]
    # (corners rounded to ~1 cm: an area is known to about its perimeter x 1 cm, < 1 m2)
    assert footprint[["W1001", "W1002", "W1003", "W1004", "R1101"]].tolist() == pytest.approx(
        [grounds, building, retail, platform, park], abs=1.0)
    assert footprint[[i for i in by_id.index if i.startswith("N")]].isna().all()
    # the smallest other outline holding the point
    holding = {
        "N20": ("W1002", building),  # the school node in the school building (in the grounds)
        "N21": ("W1001", grounds),  # the kindergarten in the grounds only
        "W1002": ("W1001", grounds),  # the building in the grounds
        "N22": ("W1003", retail),  # the supermarket in its building
        "N13": ("W1003", retail),  # the bakery node on the building's outline
        "N28": ("R1101", park),  # the cafe in the park (a multipolygon relation)
    }
    for osm_id, row in by_id.iterrows():
        want_id, want_m2 = holding.get(str(osm_id), ("", np.nan))
        assert row["outline_id"] == want_id, osm_id
        if want_id:
            assert row["outline_m2"] == pytest.approx(want_m2, abs=1.0), osm_id
        else:
            # the grounds' own point may lie in the building, which is smaller: not held
            assert pd.isna(row["outline_m2"]), osm_id
    # tags of schools
    assert (by_id.loc["W1001", "isced_level"], by_id.loc["W1001", "school"]) == ("1", "primary")
    assert pd.isna(by_id.loc["N20", "isced_level"]) and pd.isna(by_id.loc["N20", "school"])
    # stop_area: the platform way (matched by its outline), the platform node and the stop
    # position (by their coordinates); the other platform is in no stop_area
    stop_area = dict(zip(pois["osm_id"], pois["stop_area"], strict=False))
    assert {k: v for k, v in stop_area.items() if v} == {"W1004": "R1100", "N23": "R1100",
                                                         "N24": "R1100"}


# ------------------------------------------------------------------------------------------
# the same files through the live path (Overpass answers replayed by the local server)


def _overpass_filter_passes(tags: dict[str, str]) -> bool:
    """An independent reading of :data:`OVERPASS_FILTER` as Overpass applies it to a way:
    ``["k"]`` needs the key, ``["k"!~"re"]`` passes when the key is missing or its value does
    not match the regular expression."""
    clauses = re.findall(r'\["([^"]+)"(?:!~"([^"]+)")?\]', OVERPASS_FILTER)
    assert clauses and "".join(
        f'["{k}"]' if not r else f'["{k}"!~"{r}"]' for k, r in clauses) == OVERPASS_FILTER
    for key, regex in clauses:
        if not regex and key not in tags:
            return False
        if regex and key in tags and re.search(regex, tags[key]):
            return False
    return True


WALK_FIXTURES = {
    "walk_use_sidepath.osm": {"Bakkerij": 380, "Supermarkt": 330},
    "walk_fietsvoetpad.osm": {"Bakkerij": 240},
    "walk_sidewalks.osm": {"Bakkerij": 202},
    "walk_busway.osm": {"Bakkerij": 540},
    "walk_cycleway_foot_no.osm": {"Bakkerij": 270},
    "walk_private_access.osm": {"Bakkerij": 170, "Slagerij": 270},
    "walk_motorroad.osm": {"Bakkerij": 320},
    "walk_pedestrian_area.osm": {"Bakkerij": 50 + DIAGONAL + 30},
}


@pytest.mark.parametrize("prefiltered", [True, False], ids=["overpass-filtered", "all-ways"])
@pytest.mark.parametrize("name", list(WALK_FIXTURES))
def test_live_path_keeps_the_same_ways(name: str, prefiltered: bool, data_dir: Path,
                                       osm_server: Any, tmp_path: Path) -> None:
    """``prefiltered``: the answer holds the ways that pass the Overpass filter, as the real
    server would send them; else every highway way (the exact rule must then do it all)."""
    oracle = read_osm_xml(data_dir / name)
    answers = overpass_answers(oracle, keep_way=_overpass_filter_passes if prefiltered else None)
    server = osm_server(**answers)
    lons = [lon for lon, _, _ in oracle.nodes.values()]
    lats = [lat for _, lat, _ in oracle.nodes.values()]
    result = fetch_osm(bbox=(min(lons), min(lats), max(lons), max(lats)), buffer_m=100,
                       cache_dir=tmp_path, overpass_url=server.overpass_url,
                       nominatim_url=server.nominatim_url)
    query = next(q for m, _, q in server.requests if m == "POST" and 'way["highway"]' in q)
    assert f"way{OVERPASS_FILTER}(poly:" in query

    streets, _ = _read(data_dir / name)
    assert _ways(result.streets) == _ways(streets)
    left_out = streets.attrs["walk_network"]["left_out"]
    if prefiltered:
        # what the filter already left out is not in the answer; the rest is left out by
        # the exact rule, as in the extract
        not_sent = {str(w) for w, (_, t) in oracle.ways.items()
                    if "highway" in t and not _overpass_filter_passes(t)}
        assert not not_sent & _ways(streets)  # the filter never drops a walkable way
        sent_left_out = sum(left_out.values()) - len(not_sent)
        assert sum(result.streets.attrs["walk_network"]["left_out"].values()) == sent_left_out
    else:
        assert result.streets.attrs["walk_network"]["left_out"] == left_out
    assert result.streets.attrs["walk_network"]["area_links"] == \
        streets.attrs["walk_network"]["area_links"]
    _assert_walks(_point_walks(result.streets, result.pois), WALK_FIXTURES[name])


def test_live_poi_columns(data_dir: Path, osm_server: Any, tmp_path: Path) -> None:
    oracle = read_osm_xml(data_dir / "poi_outlines.osm")
    server = osm_server(**overpass_answers(oracle))
    lons = [lon for lon, _, _ in oracle.nodes.values()]
    lats = [lat for _, lat, _ in oracle.nodes.values()]
    result = fetch_osm(bbox=(min(lons), min(lats), max(lons), max(lats)), buffer_m=50,
                       cache_dir=tmp_path, overpass_url=server.overpass_url,
                       nominatim_url=server.nominatim_url)
    extract = read_osm_extract_pois(data_dir / "poi_outlines.osm")
    columns = ["osm_id", "tag", "name", "isced_level", "school", "outline_id"]

    def rows(frame: gpd.GeoDataFrame) -> pd.DataFrame:
        out = frame[columns].astype(object).where(frame[columns].notna(), None)
        return out.sort_values(["osm_id", "tag"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(result.pois), rows(extract))
    for col in ("footprint_m2", "outline_m2"):
        live = result.pois.sort_values(["osm_id", "tag"])[col].to_numpy(float)
        ext = extract.sort_values(["osm_id", "tag"])[col].to_numpy(float)
        assert np.allclose(live, ext, rtol=1e-6, equal_nan=True), col
    # OSMnx keeps no stop_area relations: empty live, known from the extract
    assert (result.pois["stop_area"] == "").all()
    assert (extract["stop_area"] != "").sum() == 4  # W1004, N23 and N24 (two tags)
