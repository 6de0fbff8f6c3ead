"""Every amenity counted once (issue 14): hand-made POIs for each rule of
``wijkkracht.core.amenities``, the counts that reach the proximity indicators, and the bundled
Kanaleneiland data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.amenities import (
    DUPLICATE_DISTANCE_M,
    LARGE_SUPERMARKET_M2,
    RULES,
    STOP_DISTANCE_M,
    count_once,
    school_level,
)
from wijkkracht.core.categories import EVERYDAY, classify_pois
from wijkkracht.core.indicators import proximity
from wijkkracht.core.network import build_network
from wijkkracht.core.pipeline import prepare_pois

X0, Y0 = 150000.0, 450000.0


def _pois(rows: list[dict]) -> gpd.GeoDataFrame:
    """POIs from ``{"osm_id", "tag", "xy", ...optional columns}`` rows, classified."""
    frame = pd.DataFrame(rows)
    xy = np.array(frame.pop("xy").tolist(), dtype=float)
    gdf = gpd.GeoDataFrame(frame, geometry=shapely.points(xy + [X0, Y0]), crs=28992)
    return classify_pois(gdf)


def _counted(once, osm_ids: list[str] | None = None) -> list[str]:
    p = once.pois
    sel = p["counted"] & (p["everyday"] != "")
    return sorted(p.loc[sel, "osm_id"]) if osm_ids is None else \
        [bool(p.loc[p["osm_id"] == i, "counted"].iloc[0]) for i in osm_ids]


def test_one_object_with_two_pharmacy_tags_is_one_pharmacy():
    once = count_once(_pois([
        {"osm_id": "N1", "tag": "amenity=pharmacy", "xy": (0, 0)},
        {"osm_id": "N1", "tag": "healthcare=pharmacy", "xy": (0, 0)},
    ]))
    assert once.pois["counted"].tolist() == [True, False]
    assert once.pois["amenity_id"].tolist() == ["N1", "N1"]
    assert "counted once with the same object" in once.pois["count_note"].iloc[1]
    # the same holds for the function counts: one health-care function, not two
    assert once.summary["categories"]["pharmacy"] == {"rows": 2, "objects": 1, "counted": 1}


def test_a_node_and_an_outline_of_one_school_are_one_school():
    rows = [
        # a school mapped as grounds (way W10, its point 80 m from the node) and as a node
        # inside the outline: one school, however far the outline's point is
        {"osm_id": "W10", "tag": "amenity=school", "xy": (80, 0), "outline_id": "",
         "isced_level": "1"},
        {"osm_id": "N11", "tag": "amenity=school", "xy": (0, 0), "outline_id": "W10",
         "isced_level": "1"},
        # another school as a node and a way 30 m apart, without outline information
        {"osm_id": "W20", "tag": "amenity=school", "xy": (1000, 0), "outline_id": "",
         "isced_level": "1"},
        {"osm_id": "N21", "tag": "amenity=school", "xy": (1030, 0), "outline_id": "",
         "isced_level": "1"},
        # and a way 60 m from a node: more than 50 m, not known to be one school
        {"osm_id": "W30", "tag": "amenity=school", "xy": (2000, 0), "outline_id": "",
         "isced_level": "1"},
        {"osm_id": "N31", "tag": "amenity=school", "xy": (2060, 0), "outline_id": "",
         "isced_level": "1"},
        # two nodes 10 m apart are two schools (two doors of one building would be two, too)
        {"osm_id": "N40", "tag": "amenity=school", "xy": (3000, 0), "outline_id": "",
         "isced_level": "1"},
        {"osm_id": "N41", "tag": "amenity=school", "xy": (3010, 0), "outline_id": "",
         "isced_level": "1"},
    ]
    assert DUPLICATE_DISTANCE_M == 50
    once = count_once(_pois(rows))
    # the node stands for its amenity (it marks the entrance)
    assert _counted(once) == ["N11", "N21", "N31", "N40", "N41", "W30"]
    assert once.summary["categories"]["primary_school"]["counted"] == 6


def test_public_transport_counts_stops_not_platforms():
    assert STOP_DISTANCE_M == 40
    rows = [
        # stop A: a platform each side of the road 25 m apart, and the bus-stop pole
        {"osm_id": "N1", "tag": "public_transport=platform", "xy": (0, 0), "name": "Centrum"},
        {"osm_id": "W2", "tag": "public_transport=platform", "xy": (0, 25), "name": "Centrum"},
        {"osm_id": "N3", "tag": "highway=bus_stop", "xy": (3, 27), "name": "Centrum"},
        # the tram platform of stop A, 120 m on: the same name within 150 m
        {"osm_id": "N4", "tag": "railway=tram_stop", "xy": (120, 0), "name": "Centrum"},
        # stop B: another name 120 m away is another stop
        {"osm_id": "N5", "tag": "public_transport=platform", "xy": (0, 120), "name": "Kerkplein"},
        # stop C: two platforms 300 m apart in one stop_area relation (a station)
        {"osm_id": "N6", "tag": "public_transport=platform", "xy": (1000, 0), "name": "Spoor 1",
         "stop_area": "R9"},
        {"osm_id": "N7", "tag": "public_transport=platform", "xy": (1300, 0), "name": "Spoor 2",
         "stop_area": "R9"},
        # stop D: unnamed platforms 30 m apart (as in the bundled data)
        {"osm_id": "N8", "tag": "public_transport=platform", "xy": (3000, 0)},
        {"osm_id": "N9", "tag": "public_transport=platform", "xy": (3030, 0)},
    ]
    once = count_once(_pois(rows))
    p = once.pois.set_index("osm_id")
    stops = p.groupby("amenity_id").size()
    assert stops.to_dict() == {"N1": 4, "N5": 1, "N6": 2, "N8": 2}
    assert once.summary["categories"]["pt_stop"] == {"rows": 9, "objects": 9, "counted": 4}


@pytest.mark.parametrize(("isced", "school", "name", "expected"), [
    ("1", None, None, "primary"),
    ("0;1", None, "Anything", "primary"),
    ("1-2", None, None, "primary"),
    ("2;3", None, "Basisschool?", "other"),  # tags beat the name
    (None, "primary", None, "primary"),
    (None, "secondary", None, "other"),
    (None, None, "OBS De Regenboog", "primary"),
    (None, None, "CBS Het Kompas", "primary"),
    (None, None, "IKC De Boomgaard", "primary"),
    (None, None, "Basisschool Kanaleneiland", "primary"),
    (None, None, "Cals College", "other"),
    (None, None, "Stedelijk Gymnasium", "other"),
    (None, None, "ROC Midden Nederland", "other"),
    (None, None, "Het Kompas", "unknown"),
    (None, None, None, "unknown"),
])
def test_school_level_from_tags_then_name(isced, school, name, expected):
    assert school_level(isced, school, name)[0] == expected


def test_schools_without_evidence_are_not_primary_schools():
    once = count_once(_pois([
        {"osm_id": "N1", "tag": "amenity=school", "xy": (0, 0), "name": "OBS Zonnewijzer"},
        {"osm_id": "N2", "tag": "amenity=school", "xy": (500, 0), "name": "De Linde"},
        {"osm_id": "N3", "tag": "amenity=school", "xy": (1000, 0), "name": "Globe College"},
    ]))
    assert once.pois["everyday"].tolist() == ["primary_school", "school_unknown_level", ""]
    assert "not a primary school" in once.pois["count_note"].iloc[2]
    assert once.summary["schools"] == {"levels": {"primary": 1, "other": 1, "unknown": 1},
                                       "evidence": {"name": 2, "none": 1}}
    # a secondary school is still an education function, only not an everyday amenity
    assert (once.pois["function"] == "education").all()


def test_drugstores_are_not_pharmacies():
    once = count_once(_pois([
        {"osm_id": "N1", "tag": "shop=chemist", "xy": (0, 0)},
        {"osm_id": "N2", "tag": "amenity=pharmacy", "xy": (100, 0)},
    ]))
    assert once.pois["everyday"].tolist() == ["drugstore", "pharmacy"]


def test_supermarket_size_from_outline_building_or_bag():
    assert LARGE_SUPERMARKET_M2 == 150
    bag = gpd.GeoDataFrame(
        {"gebruiksdoel": ["winkelfunctie", "woonfunctie,winkelfunctie", "woonfunctie"],
         "oppervlakte": [110.0, 600.0, 900.0]},
        geometry=shapely.points(np.array([[3000, 10], [4000, 10], [5000, 5]]) + [X0, Y0]),
        crs=28992)
    rows = [
        {"osm_id": "W1", "tag": "shop=supermarket", "xy": (0, 0), "footprint_m2": 120.0},
        {"osm_id": "W2", "tag": "shop=supermarket", "xy": (1000, 0), "footprint_m2": 1200.0},
        # a node in a 90 m² building: a small supermarket
        {"osm_id": "N3", "tag": "shop=supermarket", "xy": (2000, 0), "outline_m2": 90.0},
        # a node in a 12,000 m² shopping centre: the building says nothing about the shop
        {"osm_id": "N4", "tag": "shop=supermarket", "xy": (2500, 0), "outline_m2": 12000.0},
        # nodes near a BAG shop unit of 110 m² / 600 m²; one near only a dwelling (unknown)
        {"osm_id": "N5", "tag": "shop=supermarket", "xy": (3000, 0)},
        {"osm_id": "N6", "tag": "shop=supermarket", "xy": (4000, 0)},
        {"osm_id": "N7", "tag": "shop=supermarket", "xy": (5000, 0)},
    ]
    once = count_once(_pois(rows), bag=bag)
    p = once.pois.set_index("osm_id")
    assert p["everyday"].to_dict() == {"W1": "", "W2": "supermarket", "N3": "",
                                       "N4": "supermarket", "N5": "", "N6": "supermarket",
                                       "N7": "supermarket"}
    assert p["floor_area_source"].to_dict() == {
        "W1": "OSM outline", "W2": "OSM outline", "N3": "OSM building", "N4": "",
        "N5": "BAG", "N6": "BAG", "N7": ""}
    assert "120 m² (OSM outline) < 150 m²" in p.loc["W1", "count_note"]
    # a small supermarket is still an everyday (N) shop for the N/O and diversity counts
    assert (p["no_class"] == "N").all() and (p["function"] == "daily_goods").all()
    s = once.summary["supermarkets"]
    assert (s["counted_as_supermarket"], s["below_threshold"], s["size_unknown"]) == (4, 3, 2)
    # a SYNTHETIC BAG never decides about a real supermarket
    fake = bag.copy()
    fake.attrs["synthetic"] = True
    again = count_once(_pois(rows), bag=fake).pois.set_index("osm_id")
    assert again.loc["N5", "everyday"] == "supermarket"
    assert again.loc["N5", "floor_area_source"] == ""


def test_proximity_counts_each_amenity_once(grid):
    """On a 5x5 grid of 100 m blocks: one stop of three platforms, and a pharmacy mapped with
    two tags, give n_pt_stop_400 = 1 and n_pharmacy_400 = 1 where all of them are in reach."""
    network = build_network(grid(5, 5))
    pois = gpd.GeoDataFrame(
        {"osm_id": ["N1", "W2", "N3", "N4", "N4"],
         "tag": ["public_transport=platform", "public_transport=platform", "highway=bus_stop",
                 "amenity=pharmacy", "healthcare=pharmacy"]},
        geometry=shapely.points(np.array([[150, 2], [150, -2], [155, 3], [250, 2], [250, 2]])
                                + [X0, Y0]),
        crs=28992)
    prepared = prepare_pois(network, pois)
    prox = proximity(network, prepared)
    seg = network.segments
    first = seg.index[(seg.geometry.centroid.x == X0 + 50) & (seg.geometry.centroid.y == Y0)][0]
    assert prox.loc[first, "n_pt_stop_400"] == 1
    assert prox.loc[first, "n_pharmacy_400"] == 1
    # the stop's counted row is the pole or a platform node: 100 m from the segment's middle
    assert prox.loc[first, "dist_pt_stop_m"] == pytest.approx(100.0)
    assert prox.loc[first, "dist_pharmacy_m"] == pytest.approx(200.0)


def test_every_everyday_category_has_its_rule_in_both_languages():
    assert set(RULES) == set(EVERYDAY)
    for rule in RULES.values():
        assert rule.nl and rule.en and rule.nl != rule.en


def test_bundled_kanaleneiland_counts(demo_prepared):
    """The bundled POIs: 124 platforms are 63 stops; the 23 schools, none with a level, are
    21 schools of unknown level (two are a node and a way of one school); no pharmacy (the
    source has only drugstores)."""
    _, pois, _ = demo_prepared
    cats = pois.attrs["count_once"]["categories"]
    assert cats["pt_stop"] == {"rows": 124, "objects": 124, "counted": 63}
    assert cats["school_unknown_level"]["counted"] == 21
    assert cats["primary_school"]["counted"] == 0
    assert "pharmacy" not in cats and cats["drugstore"]["counted"] == 3
    # the independent count: unique platforms joined when within 40 m (single linkage)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    stops = pois[pois["tag"] == "public_transport=platform"].drop_duplicates("osm_id")
    xy = np.c_[stops.geometry.x, stops.geometry.y]
    pairs = cKDTree(xy).query_pairs(40.0, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(xy),) * 2)
    assert connected_components(graph, directed=False)[0] == 63


def test_readme_says_what_is_counted_for_every_category():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What is counted", 1)[1].split("\n### ", 1)[0]
    rows = {line.split("|")[1].strip().strip("`") for line in section.splitlines()
            if line.startswith("| `")}
    assert rows == set(EVERYDAY)
