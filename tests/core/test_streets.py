"""What a planner calls a street (issue 14): segment kinds, street segments, fronting addresses
and named streets, on hand-made lines and on the bundled Kanaleneiland data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.areas import POOLED
from wijkkracht.core.network import build_network
from wijkkracht.core.streets import (
    JOIN_DISTANCE_M,
    KINDS,
    fronting_counts,
    named_streets,
    segment_kinds,
    street_flags,
)

X0, Y0 = 150000.0, 450000.0


def _line(*xy: tuple[float, float]) -> shapely.LineString:
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in xy])


def test_kinds_follow_highway_and_footway():
    hw = np.array(["primary", "residential", "living_street", "pedestrian", "service",
                   "cycleway", "footway", "footway", "footway", "path", "steps", "track", ""])
    fw = np.array(["", "", "", "", "", "", "sidewalk", "crossing", "", "", "", "", ""])
    assert segment_kinds(hw, fw).tolist() == [
        "street", "street", "street", "pedestrian", "service", "cycleway", "sidewalk",
        "crossing", "path", "path", "path", "path", "street"]
    assert set(segment_kinds(hw, fw)) <= set(KINDS)


def test_street_segments_and_side_paths():
    geoms = np.array([
        _line((0, 0), (200, 0)),        # 0 Beneluxlaan, the road
        _line((0, 15), (200, 15)),      # 1 Beneluxlaan, its named sidewalk 15 m beside it
        _line((0, 500), (200, 500)),    # 2 Jutfasepad: a named path with no street of its name
        _line((0, 800), (100, 800)),    # 3 an unnamed footpath inside a block
        _line((0, 900), (100, 900)),    # 4 a named service road (a hof)
        _line((0, 950), (100, 950)),    # 5 an unnamed service road (a parking aisle)
        _line((500, 0), (600, 0)),      # 6 an unnamed residential street
    ])
    kind = np.array(["street", "sidewalk", "path", "path", "service", "service", "street"])
    names = np.array(["Beneluxlaan", "Beneluxlaan", "Jutfasepad", "", "Van Starkenborghhof", "",
                      ""])
    assert street_flags(geoms, kind, names).tolist() == [
        True, False, True, False, True, False, True]


def test_fronting_counts_by_hand():
    geoms = np.array([_line((0, 0), (100, 0)), _line((0, 50), (100, 50)),
                      _line((300, 0), (400, 0))])
    is_street = np.array([True, False, True])
    # three addresses of one building (one point) 10 m north of street 0 -- nearer to the
    # path 1 (40 m away), which is no street; one 150 m from everything: fronts nothing
    pts = shapely.points(np.array([[50, 10], [50, 10], [50, 10], [350, -20], [200, 200]])
                         + [X0, Y0])
    assert fronting_counts(geoms, is_street, pts).tolist() == [3, 0, 1]


def _typed(lines: list[shapely.LineString], names: list[str], values: list[float],
           types: list[int | None]) -> gpd.GeoDataFrame:
    n = len(lines)
    keys = [f"t{t}" if t is not None else "untyped_street" for t in types]
    return gpd.GeoDataFrame({
        "street_name": names, "is_street": [True] * n,
        "length_m": [g.length for g in lines],
        "dist_supermarket_m": values, "functions_on_segment": [1, 2, 3, 4][:n],
        "fronting_n": [5] * n,
        "type_id": pd.array(types, dtype="Int64"), "type_key": keys,
        "type_name_nl": [f"Type {t}" if t is not None else "Geen" for t in types],
        "type_name_en": [f"Type {t}" if t is not None else "None" for t in types],
    }, geometry=lines, crs=28992)


def test_named_streets_join_by_name_and_continuity():
    lines = [
        _line((0, 0), (300, 0)),         # Laan, carriageway north ...
        _line((0, -20), (100, -20)),     # ... and south, 20 m apart: one street
        _line((2000, 0), (2100, 0)),     # Laan again, 1.7 km away: a second street of the name
        _line((0, 300), (100, 300)),     # Hof
    ]
    assert JOIN_DISTANCE_M == 30
    streets = _typed(lines, ["Laan", "Laan", "Laan", "Hof"], [100.0, 300.0, 50.0, 10.0],
                     [1, 2, None, 1])
    named, sid = named_streets(streets)
    assert named["street_id"].tolist() == ["Hof", "Laan (1)", "Laan (2)"]
    assert sid.tolist() == ["Laan (1)", "Laan (1)", "Laan (2)", "Hof"]
    laan = named.set_index("street_id").loc["Laan (1)"]
    assert laan["segments"] == 2 and laan["length_m"] == pytest.approx(400.0)
    # length-weighted mean of the walking distance: (300 * 100 + 100 * 300) / 400
    assert laan["dist_supermarket_m_mean"] == pytest.approx(150.0)
    # counts of the segments themselves add up
    assert laan["functions_on_segment_sum"] == 3
    assert laan["fronting_n"] == 10
    assert laan["main_type_nl"] == "Type 1" and laan["main_type_share"] == pytest.approx(0.75)
    assert laan["types_en"] == "Type 1 75%; Type 2 25%"
    second = named.set_index("street_id").loc["Laan (2)"]
    assert pd.isna(second["main_type_id"]) and second["main_type_key"] == "untyped_street"
    assert named.geometry.geom_type.unique().tolist() == ["MultiLineString"]
    assert named.attrs["labels"]["dist_supermarket_m_mean"]["aggregate"] == "mean"


def test_network_segments_have_kind_and_street_flag():
    lines = gpd.GeoDataFrame(
        {"osm_id": ["1", "2", "3"], "street_name": ["Laan", "", "Laan"],
         "highway": ["residential", "footway", "footway"],
         "footway": ["", "", "sidewalk"]},
        geometry=[_line((0, 0), (100, 0)), _line((100, 0), (100, 100)),
                  _line((0, 10), (100, 10))], crs=28992)
    net = build_network(lines, keep_all_components=True)
    seg = net.segments.sort_values("osm_id")
    assert seg["kind"].tolist() == ["street", "path", "sidewalk"]
    assert seg["is_street"].tolist() == [True, False, False]


def test_demo_named_streets(demo_result):
    streets, named = demo_result.streets, demo_result.named_streets
    # every street segment with a name is in exactly one named street, and nothing else is
    member = streets["street_id"] != ""
    named_seg = streets["is_street"] & (streets["street_name"].str.split(" / ").str[0] != "")
    assert (member == named_seg).all()
    assert set(streets.loc[member, "street_id"]) == set(named["street_id"])
    assert named["length_m"].sum() == pytest.approx(
        streets.loc[member, "length_m"].sum(), rel=1e-6, abs=1.0)
    # the streets a planner knows are there, as streets
    ids = set(named["street_name"])
    assert {"Marco Pololaan", "Columbuslaan", "Rooseveltlaan", "Bernadottelaan"} <= ids
    # the share of each type adds up to 100 % (rounding aside) along every street
    for text in named["types_en"]:
        total = sum(int(part.rsplit(" ", 1)[1].rstrip("%")) for part in text.split("; "))
        assert 97 <= total <= 103, text
    # pooled shares per street are shares of the street's totals (MXI: housing floor area)
    mxi = named.set_index("street_id")["mxi_pooled"]
    num, den = POOLED["mxi"]
    by_street = streets[member].groupby("street_id")[[num, den]].sum()
    expected = (by_street[num] / by_street[den]).where(by_street[den] > 0)
    pd.testing.assert_series_equal(mxi.loc[expected.index], expected, check_names=False)


def test_too_few_fronted_segments_classify_every_street():
    """A BAG of two addresses fronts two street segments, too few for types: the run types
    every street segment instead and says so (not an error after all the work)."""
    from wijkkracht.core.pipeline import analyse
    from wijkkracht.data_sources.files import read_area, read_pois, read_streets
    from wijkkracht.demo import demo_data_path, demo_synthetic_layers

    path = demo_data_path()
    bag, _, _ = demo_synthetic_layers()
    two = bag.iloc[:2].copy()
    result = analyse(read_streets(path, layer="streets", check_default_walk=False),
                     read_pois(path, layer="pois"), read_area(path, layer="study_area"),
                     bag=two)
    params = result.metadata["parameters"]
    assert params["typology_segments"] == "fronting"
    assert params["typology_segments_used"] == "streets"
    st = result.streets
    assert (st["type_id"].notna() == st["is_street"]).all()
    assert any("too few for types: all street segments were classified instead" in w
               for w in result.metadata["warnings"])
