"""summarise_by_area: hand-computed values on a tiny grid, and the demo split into the
SYNTHETIC CBS-layout fixture's areas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from wijkkracht.core.areas import aggregate_columns, assign_segments, summarise_by_area
from wijkkracht.core.errors import InputError
from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.data_sources.areas import read_areas

FIXTURE = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


@pytest.fixture
def tiny(grid):
    # 3 x 2 grid, 100 m spacing: segments (midpoints) h00 (150050, 450000), h01 (150150, 450000),
    # h10 (150050, 450100), h11 (150150, 450100), v0 (150000, 450050), v1 (150100, 450050),
    # v2 (150200, 450050)
    streets = grid(3, 2)
    streets["length_m"] = [100.0, 100.0, 300.0, 100.0, 100.0, 100.0, 100.0]  # pretend lengths
    streets["everyday_800"] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    streets["functions_on_segment"] = [1.0, 0.0, 2.0, 3.0, np.nan, 1.0, 5.0]
    streets["dist_supermarket_m"] = [10.0, 20.0, 30.0, 40.0, 50.0, np.nan, 70.0]
    streets["n_supermarket_400"] = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    areas = gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "area_name": ["Aa", "Bb"], "level": ["other", "other"]},
        geometry=[shapely.box(149950, 449950, 150120, 450150),
                  shapely.box(150120, 449950, 150180, 450150)], crs=28992)
    return streets, areas


def test_assign_by_midpoint(tiny):
    streets, areas = tiny
    assert assign_segments(streets, areas).tolist() == [0, 1, 0, 1, 0, 0, -1]


def test_hand_computed(tiny):
    streets, areas = tiny
    out = summarise_by_area(streets, areas)
    assert out["segments"].tolist() == [4, 2]
    assert out["street_m"].tolist() == [600.0, 200.0]
    assert out.attrs["segments_outside"] == 1 and out.attrs["street_m_outside"] == 100.0
    # categories: length-weighted mean (1*100 + 3*300 + 5*100 + 6*100) / 600
    assert out["everyday_800_mean"].tolist() == pytest.approx([3.5, 3.0])
    # additive count: sum and weighted mean; the null on v0 is left out (with its weight)
    assert out["functions_on_segment_sum"].tolist() == [4.0, 3.0]
    assert out["functions_on_segment_mean"].tolist() == pytest.approx([800 / 500, 1.5])
    # distance: median of the non-null values (10, 30, 50) and (20, 40)
    assert out["dist_supermarket_m_median"].tolist() == [30.0, 30.0]
    # count within a radius: mean only, never summed
    assert out["n_supermarket_400_mean"].tolist() == [2.0, 2.0]
    assert "n_supermarket_400_sum" not in out
    assert "dist_supermarket_m_mean" not in out
    assert out["area_code"].tolist() == ["A", "B"] and out.crs.to_epsg() == 28992
    lab = out.attrs["labels"]["everyday_800_mean"]
    assert lab["nl"] == INDICATORS["everyday_800"].label("nl") and lab["aggregate"] == "mean"


def test_shares_pooled_over_the_area(tiny):
    """A share per area is the share of the area's totals: 1 of 1 home-based on one street and
    2 of 10 on another make 3 of 11, not the mean of 1.0 and 0.2."""
    streets, areas = tiny
    streets["home_based_est"] = [1, 0, 2, 5, 9, 0, 4]
    streets["active_est"] = [1, 0, 10, 5, 10, 0, 8]
    streets["home_based_share"] = streets["home_based_est"] / streets["active_est"]
    out = summarise_by_area(streets, areas)
    assert "home_based_share_mean" not in out
    # A: segments 0, 2, 4, 5 -> (1 + 2 + 9 + 0) / (1 + 10 + 10 + 0); B: 1, 3 -> 5 / 5
    assert out["home_based_share_pooled"].tolist() == pytest.approx([12 / 21, 1.0])
    assert out["home_based_est_sum"].tolist() == [12, 5]
    assert out.attrs["labels"]["home_based_share_pooled"]["aggregate"] == "pooled"
    # without its parts a share is averaged (length-weighted) instead
    alone = summarise_by_area(streets.drop(columns=["home_based_est", "active_est"]), areas)
    assert "home_based_share_pooled" not in alone and "home_based_share_mean" in alone


def test_area_without_segments_and_errors(tiny):
    streets, areas = tiny
    far = gpd.GeoDataFrame({"area_code": ["X"], "area_name": ["X"], "level": ["other"]},
                           geometry=[shapely.box(160000, 460000, 160100, 460100)], crs=28992)
    out = summarise_by_area(streets, far)
    assert out["segments"].tolist() == [0] and np.isnan(out["everyday_800_mean"].iloc[0])
    assert out.attrs["segments_outside"] == 7
    with pytest.raises(InputError, match="length_m"):
        summarise_by_area(streets.drop(columns="length_m"), areas)
    with pytest.raises(InputError, match="CRS"):
        summarise_by_area(streets, areas.to_crs(4326))


def test_aggregate_per_unit():
    cols = aggregate_columns()
    assert cols["dist_gp_m_median"] == ("dist_gp_m", "median")
    assert cols["nonres_share_400_mean"] == ("nonres_share_400", "mean")
    assert cols["shannon_400_mean"] == ("shannon_400", "mean")
    assert "functions_on_segment_sum" in cols and "functions_400_sum" not in cols


def test_demo_split_into_fixture_areas(demo_result):
    streets = demo_result.streets
    buurten = summarise_by_area(streets, read_areas(FIXTURE))
    wijken = summarise_by_area(streets, read_areas(FIXTURE, level="wijk"))
    gemeente = summarise_by_area(streets, read_areas(FIXTURE, codes="GM9999"))
    outside = buurten.attrs["segments_outside"]
    # street totals count street segments, not the paths and sidewalks beside them
    n_streets = int(streets["is_street"].sum())
    assert 0 < n_streets < len(streets)
    assert int(buurten["segments"].sum()) + outside == n_streets
    assert int(wijken["segments"].sum()) + wijken.attrs["segments_outside"] == n_streets
    assert int(gemeente["segments"].iloc[0]) == int(buurten["segments"].sum())
    assert (buurten["segments"] > 0).all()
    assert buurten["street_m"].sum() + buurten.attrs["street_m_outside"] == pytest.approx(
        streets.loc[streets["is_street"], "length_m"].sum())
    # the gemeente mean is the length-weighted mean of the buurt means
    w = buurten["street_m"]
    assert gemeente["everyday_800_mean"].iloc[0] == pytest.approx(
        float((buurten["everyday_800_mean"] * w).sum() / w.sum()))
    assert gemeente["functions_on_segment_sum"].iloc[0] == pytest.approx(
        buurten["functions_on_segment_sum"].sum())
    for name in INDICATORS:
        assert any(c.startswith(f"{name}_") for c in buurten.columns), name


def test_area_totals_of_establishments_are_suppressed_below_the_threshold():
    """Per-area totals of establishment counts follow the same rule as the streets: 0 or at
    least the threshold, else null, and what is derived from a suppressed total is null."""
    from wijkkracht.core.privacy import DERIVED, sensitive_counts
    from wijkkracht.demo import analyse_demo

    threshold = 10  # high, so that some small buurten fall below it
    result = analyse_demo(areas=read_areas(FIXTURE), privacy_threshold=threshold)
    areas = result.areas
    assert result.metadata["bag"]["suppressed_areas"] == int(areas["suppressed"].sum()) > 0
    for count in sensitive_counts():
        total = areas[f"{count}_sum"]
        shown = total.dropna().astype(int)
        assert not ((shown > 0) & (shown < threshold)).any(), count
        assert areas.loc[total.isna(), f"{count}_mean"].isna().all(), count
    for derived, parts in DERIVED.items():
        hidden = np.zeros(len(areas), dtype=bool)
        for part in parts:
            hidden |= areas[f"{part}_sum"].isna().to_numpy()
        col = f"{derived}_pooled" if f"{derived}_pooled" in areas else f"{derived}_mean"
        assert areas.loc[hidden, col].isna().all(), derived
    # the exact totals are what the unsuppressed streets add up to, where they are shown
    exact = analyse_demo(areas=read_areas(FIXTURE), privacy_threshold=1).areas
    shown = areas["active_est_sum"].notna()
    assert shown.any()
    np.testing.assert_array_equal(areas.loc[shown, "active_est_sum"].astype(int),
                                  exact.loc[shown, "active_est_sum"].astype(int))


def test_area_labels_survive_suppression():
    from wijkkracht.demo import analyse_demo

    areas = analyse_demo(areas=read_areas(FIXTURE)).areas
    assert areas.attrs["labels"]["mxi_400_mean"]["en"].startswith("Mixed-use Index within 400 m")
    assert "segments_outside" in areas.attrs
