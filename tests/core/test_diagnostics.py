"""The detour check (issue 14): walking distance against the straight line to the nearest
amenity, computed by hand on small networks, and its figures on the bundled data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from wijkkracht.core.diagnostics import (
    DETOUR_MIN_STRAIGHT_M,
    detour_check,
    detour_summary_text,
    detour_warning,
)
from wijkkracht.core.indicators import proximity
from wijkkracht.core.network import build_network
from wijkkracht.core.pipeline import prepare_pois

X0, Y0 = 150000.0, 450000.0


def _lines(spec: list[tuple[str, list[tuple[float, float]]]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"osm_id": [str(i) for i in range(len(spec))], "street_name": [n for n, _ in spec],
         "highway": ["residential"] * len(spec)},
        geometry=[shapely.LineString([(X0 + x, Y0 + y) for x, y in xy]) for _, xy in spec],
        crs=28992)


def _check(streets: gpd.GeoDataFrame, shop_xy: tuple[float, float]):
    network = build_network(streets)
    pois = gpd.GeoDataFrame({"osm_id": ["N1"], "tag": ["shop=supermarket"]},
                            geometry=[shapely.Point(X0 + shop_xy[0], Y0 + shop_xy[1])],
                            crs=28992)
    prepared = prepare_pois(network, pois)
    return detour_check(network, prepared, proximity(network, prepared)), network


# A "hairpin": two parallel streets 150 m apart joined only at their far end, 1 km away.
# Supermarket at the start of the south street; the north street's first segment (its middle
# at (50, 150)) is sqrt(50² + 150²) = 158 m away in a straight line but
# 50 + 900 + 150 + 900 + 100 = 2,100 m on foot: the shape of a missing cycle path.
HAIRPIN = [
    ("Noordlaan", [(0, 150), (100, 150)]),
    ("Noordlaan", [(100, 150), (1000, 150)]),
    ("Oostpad", [(1000, 150), (1000, 0)]),
    ("Zuidlaan", [(1000, 0), (100, 0)]),
    ("Zuidlaan", [(100, 0), (0, 0)]),
]


def test_a_hairpin_is_a_hole():
    check, _ = _check(_lines(HAIRPIN), (0, 0))
    worst = check["worst"][0]
    assert worst["street"] == "Noordlaan" and worst["category"] == "supermarket"
    assert worst["walk_m"] == 2100
    assert worst["straight_m"] == round(float(np.hypot(50, 150)))  # 158 m
    assert worst["ratio"] == pytest.approx(2100 / np.hypot(50, 150), abs=0.05)
    text = detour_warning(check)
    assert text is not None and text.startswith("the network has holes")
    assert "Noordlaan: 2,100 m walk to a supermarket 158 m away" in text


def test_the_missing_path_mapped_removes_the_warning():
    """The same streets with the path (a fietsvoetpad) between their starts: every walk is
    within a few percent of the straight line."""
    streets = _lines(HAIRPIN + [("", [(0, 0), (0, 150)])])
    check, network = _check(streets, (0, 0))
    assert detour_warning(check) is None
    assert check["p90"] < 1.3
    # only pairs at least 100 m apart in a straight line are judged
    assert DETOUR_MIN_STRAIGHT_M == 100
    # judged: both Noordlaan segments, the Oostpad and the long Zuidlaan segment (middles
    # 158, 570, 1003 and 550 m away); not the short Zuidlaan segment (50 m) nor the path (75 m)
    assert check["pairs"] == 4
    assert "p50" in detour_summary_text(check)


def test_nothing_to_judge():
    # the two middles are 30 m and 90 m from the shop: closer than 100 m, not judged
    check, _ = _check(_lines([("A", [(0, 0), (60, 0)]), ("A", [(60, 0), (120, 0)])]), (0, 0))
    assert check["pairs"] == 0 and check["p90"] is None
    assert detour_warning(check) is None
    assert "nothing to judge" in detour_summary_text(check)


def test_bundled_data_detour_is_recorded(demo_result):
    check = demo_result.metadata["detour"]
    # the bundled Kanaleneiland network: most walks within 1.5 times the straight line;
    # p90 just under the warning threshold of 2 (see README, "The detour check")
    assert 1.2 < check["p50"] < 1.6
    assert 1.6 < check["p90"] <= 2.0
    assert check["pairs"] > 5000
    assert not any(w.startswith("the network has holes")
                   for w in demo_result.metadata["warnings"])
