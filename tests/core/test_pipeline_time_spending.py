"""The liveliness by hour and the spending flows inside the whole analysis (issue 8): what the
demo's result holds, how the pieces agree with each other, and the options.

The demo's opening hours are SYNTHETIC (the bundled POIs carry none) and so are its BAG
dwellings; the figures checked here are the consistency of the result, not facts about
Kanaleneiland.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.errors import InputError
from wijkkracht.core.huff import HuffParameters
from wijkkracht.core.indicators.liveliness import EVENING_HOURS, WEEKEND_HOURS
from wijkkracht.core.pipeline import analyse
from wijkkracht.core.result import HOUR_COLUMNS
from wijkkracht.data_sources.files import read_area, read_pois, read_streets
from wijkkracht.demo import (
    DEMO_HOURS_WEEK,
    analyse_demo,
    demo_data_path,
    demo_spending_zones,
    demo_synthetic_layers,
)

TIME_COLUMNS = ["open_peak", "evening_share", "weekend_share", "n_o_hours_per_day",
                "hours_known", "hours_missing", "hours_invalid", "hours_unknown"]
SPEND_COLUMNS = ["spend_kept_share", "spend_drawn", "spend_own_zone_share"]


@pytest.fixture(scope="module")
def inputs():
    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    return read_streets(path, layer="streets"), read_pois(path, layer="pois"), area


# --- liveliness by hour ----------------------------------------------------------------------

def test_the_profile_and_the_columns_agree(demo_result) -> None:
    hours, st = demo_result.hours, demo_result.streets
    assert list(hours.columns) == list(HOUR_COLUMNS) and hours.index.equals(st.index)
    values = hours.to_numpy()
    assert values.dtype.kind == "i" and (values >= 0).all()
    known = st["hours_known"].to_numpy() > 0
    # the peak is the profile's maximum, at most the POIs with known hours
    np.testing.assert_array_equal(st["open_peak"].to_numpy()[known], values[known].max(axis=1))
    assert (st["open_peak"][known] <= st["hours_known"][known]).all()
    assert st["open_peak"][~known].isna().all()
    # the shares are those of the profile's hours
    total = values.sum(axis=1)
    some = total > 0
    np.testing.assert_allclose(st["evening_share"].to_numpy()[some],
                               values[some][:, EVENING_HOURS].sum(axis=1) / total[some])
    np.testing.assert_allclose(st["weekend_share"].to_numpy()[some],
                               values[some][:, WEEKEND_HOURS].sum(axis=1) / total[some])
    assert st["n_o_hours_per_day"].dropna().between(0, 24).all()


def test_the_demo_says_which_week_and_how_many_values_were_unreadable(demo_result) -> None:
    meta = demo_result.metadata["opening_hours"]
    assert meta["week"] == DEMO_HOURS_WEEK and meta["synthetic"] is True
    counts = meta["counts"]
    assert set(counts) == {"ok", "missing", "invalid", "unknown"}
    assert counts["ok"] > 0 and counts["missing"] > 0 and counts["invalid"] > 0
    # the refused values are listed with their counts (never guessed)
    assert sum(meta["invalid_values"].values()) == counts["invalid"]
    assert "opening_hours" in demo_result.metadata["synthetic"]


def test_no_opening_hours_no_time_columns(demo_osm_result) -> None:
    # the bundled POIs have no opening_hours column: nothing is computed, nothing guessed
    assert demo_osm_result.hours is None
    assert not set(TIME_COLUMNS) & set(demo_osm_result.streets.columns)
    assert "opening_hours" not in demo_osm_result.metadata


def test_hours_can_be_switched_off_and_the_week_moves_the_holidays(inputs) -> None:
    streets, pois, area = inputs
    pois = pois.copy()
    # one value everywhere, so the effect of the week is plain: closed on public holidays
    pois["opening_hours"] = "Mo-Sa 09:00-18:00; PH off"
    off = analyse(streets, pois, area, hours=False, k=3)
    assert off.hours is None and "open_peak" not in off.streets
    normal = analyse(streets, pois, area, hours_week="2026-12-14", k=3)
    christmas = analyse(streets, pois, area, hours_week="2026-12-21", k=3)
    fri = [c for c in HOUR_COLUMNS if c.startswith("vr_")]
    sat = [c for c in HOUR_COLUMNS if c.startswith("za_")]
    assert normal.hours[fri].to_numpy().sum() > 0
    # Christmas (Fri 25th) and Boxing Day (Sat 26th) are Dutch public holidays
    assert christmas.hours[fri + sat].to_numpy().sum() == 0
    assert christmas.metadata["opening_hours"]["week"] == "2026-12-21"
    mon = [c for c in HOUR_COLUMNS if c.startswith("ma_")]
    pd.testing.assert_frame_equal(normal.hours[mon], christmas.hours[mon])


# --- spending flows --------------------------------------------------------------------------

def test_zone_shares_add_up_and_demand_is_the_dwellings(demo_result) -> None:
    spend = demo_result.spending
    zones = spend.zones
    shares = zones[["retained_share", "leaked_share", "beyond_reach_share"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)
    assert list(zones["code"]) == list(demo_spending_zones(demo_result.area)["area_code"])
    # demand: the BAG units with woonfunctie placed on the network inside each zone
    bag, _, _ = demo_synthetic_layers()
    dwellings = bag[bag["gebruiksdoel"].str.contains("woonfunctie")]
    from wijkkracht.core.huff import area_codes

    zone_of = area_codes(dwellings.geometry, demo_spending_zones(demo_result.area), "area_code")
    counted = pd.Series(zone_of).value_counts()
    for _, z in zones.iterrows():
        # a dwelling more than 150 m from every street is not placed
        assert counted.get(z["code"], 0) - 20 <= z["demand"] <= counted.get(z["code"], 0)
    assert spend.metadata["dwellings"] >= zones["demand"].sum()
    assert spend.metadata["parameters"] == HuffParameters().as_dict()


def test_street_columns_agree_with_the_zones(demo_result) -> None:
    st = demo_result.streets
    assert set(SPEND_COLUMNS) <= set(st.columns)
    assert st["spend_kept_share"].dropna().between(0, 1).all()
    assert st["spend_own_zone_share"].dropna().between(0, 1).all()
    shops = st["spend_drawn"].notna()
    assert shops.sum() > 5 and (st.loc[shops, "spend_drawn"] > 0).all()
    # the shops on the study area's streets draw what the zones draw
    assert st["spend_drawn"].sum() == pytest.approx(demo_result.spending.zones["drawn"].sum(),
                                                    rel=1e-9)
    # catchments: each shopping street's origins add up to what it draws
    cat = demo_result.spending.catchment.groupby("segment_id")["drawn"].sum()
    drawn = st["spend_drawn"].dropna()
    np.testing.assert_allclose(cat.reindex(drawn.index).to_numpy(), drawn.to_numpy())


def test_filling_a_vacant_front_keeps_more_in_its_zone(demo_result) -> None:
    sc = demo_result.spending.scenarios
    assert len(sc) > 0
    assert list(sc["drawn"]) == sorted(sc["drawn"], reverse=True)
    assert (sc["retained_share_after"] >= sc["retained_share_before"] - 1e-12).all()
    np.testing.assert_allclose(sc["retained_share_change"],
                               sc["retained_share_after"] - sc["retained_share_before"])
    assert (sc["drawn"] > 0).all() and (sc["floor_area_m2"] == 250).all()


def test_spending_needs_the_bag(inputs) -> None:
    streets, pois, area = inputs
    with pytest.raises(InputError, match="the spending flows need the BAG"):
        analyse(streets, pois, area, spending=True)


def test_optional_typology_features(inputs) -> None:
    streets, pois, area = inputs
    bag, est, _ = demo_synthetic_layers()
    pois = pois.copy()
    pois["opening_hours"] = "Mo-Fr 08:00-20:00; Sa 09:00-17:00"
    plain = analyse(streets, pois, area, bag=bag, establishments=est,
                    reference_date="2026-01-01", spending=True, k=4)
    extra = analyse(streets, pois, area, bag=bag, establishments=est,
                    reference_date="2026-01-01", spending=True, k=4,
                    typology_extra=("hours", "spending"))
    feats = extra.metadata["parameters"]["typology_features"]
    assert {"evening_share", "n_o_hours_per_day", "spend_drawn", "spend_kept_share"} <= set(feats)
    assert not {"evening_share", "spend_drawn"} & set(plain.metadata["parameters"]
                                                      ["typology_features"])
    assert "z_spend_drawn" in extra.profile.columns
    # the indicators themselves do not depend on the typology
    pd.testing.assert_series_equal(plain.streets["spend_drawn"], extra.streets["spend_drawn"])
    with pytest.raises(ValueError, match="typology_extra 'spending' needs spending=True"):
        analyse(streets, pois, area, bag=bag, typology_extra=("spending",), k=4)
    with pytest.raises(ValueError, match="typology_extra: expected a list of hours, spending"):
        analyse(streets, pois, area, typology_extra=("weather",), k=4)


def test_demo_is_reproducible_with_time_and_spending() -> None:
    a, b = analyse_demo(), analyse_demo()
    pd.testing.assert_frame_equal(a.hours, b.hours)
    pd.testing.assert_frame_equal(a.spending.zones.drop(columns="geometry"),
                                  b.spending.zones.drop(columns="geometry"))
    pd.testing.assert_frame_equal(a.spending.scenarios.drop(columns="geometry"),
                                  b.spending.scenarios.drop(columns="geometry"))


def test_the_scenarios_equal_rerunning_the_model_with_the_shop() -> None:
    # the fast scenario path (changed denominators only) against huff.add_shop, which runs
    # the whole model again with the shop added
    from wijkkracht.core.distances import place
    from wijkkracht.core.huff import add_shop, area_codes, build_model, run_model, supply_from_pois
    from wijkkracht.core.network import locate_points
    from wijkkracht.core.spending import spending_analysis
    from wijkkracht.demo import prepare_demo

    net, pois, area = prepare_demo()
    bag, _, _ = demo_synthetic_layers()
    loc = locate_points(net, bag.geometry)
    units = bag.assign(segment_id=loc["segment_id"].to_numpy(), offset_m=loc["offset_m"].to_numpy())
    zones = demo_spending_zones(area)
    res = spending_analysis(net, pois, units, area.geometry.union_all(), zones=zones)
    assert len(res.scenarios) >= 3
    # the same model, built here with one origin per dwelling
    dw = units[units["gebruiksdoel"].str.contains("woonfunctie") & (units["segment_id"] >= 0)]
    zone_frame = zones.rename(columns={"area_code": "code"})
    supply = supply_from_pois(pois[pois["segment_id"] >= 0], units)
    model = build_model(
        net, place(dw["segment_id"].to_numpy(), dw["offset_m"].to_numpy()), np.ones(len(dw)),
        area_codes(dw.geometry, zone_frame, "code"),
        place(supply["segment_id"].to_numpy(), supply["offset_m"].to_numpy()),
        supply["attractiveness"].to_numpy(),
        area_codes(gpd.GeoSeries(supply["geometry"].to_numpy(), crs=28992), zone_frame, "code"))
    before = run_model(model)
    for _, row in res.scenarios.iterrows():
        poi = pois[pois["osm_id"] == row["osm_id"]].iloc[0]
        sc = add_shop(model, net, int(poi["segment_id"]), float(poi["offset_m"]), 250.0,
                      row["zone"], before=before)
        assert row["drawn"] == pytest.approx(sc.new_shop_drawn, rel=1e-9)
        z = sc.areas.loc[row["zone"]]
        assert row["retained_share_before"] == pytest.approx(z["retained_share_before"], rel=1e-9)
        assert row["retained_share_after"] == pytest.approx(z["retained_share_after"], rel=1e-9)


def test_zones_keep_their_own_code_and_name_columns(demo_result) -> None:
    from wijkkracht.core.spending import _zones

    quarters = demo_spending_zones(demo_result.area)
    cbs = quarters.rename(columns={"area_code": "buurtcode", "area_name": "buurtnaam"})
    cbs.insert(0, "fid", range(len(cbs)))  # as QGIS reads a GeoPackage layer
    z = _zones(cbs, None, "x")
    assert list(z["code"]) == list(quarters["area_code"])
    assert list(z["name"]) == list(quarters["area_name"])
    with pytest.raises(InputError, match="no code column"):
        _zones(cbs[["fid", "geometry"]], None, "x")


def test_an_added_shop_equals_the_analysis_with_that_shop(inputs) -> None:
    # A supermarket added in the south-west quarter (no daily-goods shop there): the scenario
    # must give what a whole analysis with that shop among the POIs gives.
    import shapely

    from wijkkracht.core.spending import AddedShop

    streets, pois, area = inputs
    bag, est, _ = demo_synthetic_layers()
    zones = demo_spending_zones(area)
    sw = zones.loc[zones["area_code"] == "kwart-ZW"].geometry.iloc[0]
    p = sw.representative_point()
    shop = AddedShop(p.x, p.y, "supermarket")
    opts = dict(bag=bag, establishments=est, reference_date="2026-01-01", spending=True,
                spending_zones=zones, k=4)
    res = analyse(streets, pois, area, added_shops=[shop], **opts)
    sc = res.spending.scenarios
    row = sc.iloc[0]
    assert row["scenario"] == "added_shop" and row["zone"] == "kwart-ZW"
    assert row["osm_id"] == shop.label and row["floor_area_m2"] == 1000.0
    zw = res.spending.zones.set_index("code").loc["kwart-ZW"]
    assert row["retained_share_before"] == pytest.approx(zw["retained_share"]) == 0.0
    # the same shop as an OSM POI, and the whole analysis again
    more = pois.iloc[:1].copy()
    more["osm_id"], more["tag"] = "N-added", "shop=supermarket"
    more["geometry"] = gpd.GeoSeries([shapely.Point(p.x, p.y)], crs=28992).to_crs(pois.crs).values
    with_shop = analyse(streets, pd.concat([pois, more], ignore_index=True), area, **opts)
    after = with_shop.spending.zones.set_index("code").loc["kwart-ZW", "retained_share"]
    assert row["retained_share_after"] == pytest.approx(after, rel=1e-6)
    assert after > 0.3  # from none to about 40 % of its groceries bought at home
    with pytest.raises(InputError, match="turn them on"):
        analyse(streets, pois, area, added_shops=[shop], k=4)


def test_without_the_parser_the_rest_of_the_analysis_runs(tmp_path) -> None:
    # e.g. the Python of a QGIS without opening-hours-py: hours left out with a warning when
    # they were only implied by the data; an error when asked for
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['opening_hours'] = None\n"  # as if not installed
        "from wijkkracht.demo import analyse_demo\n"
        "from wijkkracht.core.errors import InputError\n"
        "r = analyse_demo(synthetic_bag=False, k=3)\n"
        "assert r.hours is None and 'open_peak' not in r.streets\n"
        "print([w for w in r.metadata['warnings'] if 'opening-hours-py' in w][0])\n"
        "try:\n"
        "    analyse_demo(synthetic_bag=False, k=3, hours=True)\n"
        "except InputError as e:\n"
        "    print('ERROR', e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("(pip install opening-hours-py): liveliness by hour left out")
    assert lines[1].startswith("ERROR pois: the opening hours need the package opening-hours-py")


def test_added_shops_from_a_point_layer() -> None:
    import shapely

    from wijkkracht.core.spending import added_shops_from_points

    pts = gpd.GeoDataFrame({"Shop": ["shop=bakery", " "], "oppervlakte": [None, 300.0]},
                           geometry=gpd.points_from_xy([5.0935, 5.0940], [52.0745, 52.0745]),
                           crs=4326)
    shops = added_shops_from_points(pts)
    assert [(s.kind, s.floor_area()) for s in shops] == [("bakery", 80.0), ("supermarket", 300.0)]
    assert 134000 < shops[0].x < 136000 and 453000 < shops[0].y < 455000
    with pytest.raises(InputError, match="no coordinate reference system"):
        added_shops_from_points(pts.set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="expected points"):
        added_shops_from_points(pts.set_geometry([shapely.box(0, 0, 1, 1)] * 2, crs=4326))
    with pytest.raises(InputError, match="point 2: the floor area must be positive"):
        added_shops_from_points(pts.assign(oppervlakte=[None, -5.0]))
