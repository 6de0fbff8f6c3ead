"""Intensity surfaces: the RD New grid, kernel densities against a direct point-by-point sum,
the moving-window diversity, the privacy threshold of the establishments' surface, the BAG
vacancy indication, zonal means per area, and the surfaces of the demo through analyse()."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkkracht.core.areas import raster_means_by_area
from wijkkracht.core.categories import FUNCTIONS
from wijkkracht.core.errors import InputError
from wijkkracht.core.rasters import (
    MAX_CELLS,
    NODATA,
    SURFACES,
    Grid,
    compute_surfaces,
    count_within,
    kernel_density,
    moving_window_hill1,
    rd_grid,
    vacancy_indication_mask,
)
from wijkkracht.data_sources.areas import read_areas

FIXTURE = Path(__file__).parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


def direct_density(xy: np.ndarray, x: float, y: float, h: float) -> float:
    """Σ 3/(π h²) (1 - d²/h²)² over the points within h of (x, y), per km², written out."""
    total = 0.0
    for px, py in xy:
        d2 = (px - x) ** 2 + (py - y) ** 2
        if d2 < h * h:
            total += 3.0 / (math.pi * h * h) * (1.0 - d2 / (h * h)) ** 2
    return total * 1e6


def centre(grid: Grid, row: int, col: int) -> tuple[float, float]:
    return grid.x0 + (col + 0.5) * grid.cell, grid.y0 - (row + 0.5) * grid.cell


# --- grid ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [25.0, 100.0, 10.0])
def test_grid_is_aligned_to_the_rd_grid_and_covers_area_and_reach(cell: float) -> None:
    bounds = (134_083.0, 452_723.0, 135_812.3, 454_931.9)
    g = rd_grid(bounds, cell_size=cell, reach=200.0)
    x0, c, r1, y0, r2, neg = g.transform
    assert (c, r1, r2, neg) == (cell, 0.0, 0.0, -cell)
    assert x0 % cell == 0 and y0 % cell == 0  # origin on a multiple of the cell size
    xmin, ymin, xmax, ymax = g.bounds
    assert xmin <= bounds[0] - 200 < xmin + cell and xmax - cell < bounds[2] + 200 <= xmax
    assert ymin <= bounds[1] - 200 < ymin + cell and ymax - cell < bounds[3] + 200 <= ymax
    xs, ys = g.centres()
    assert xs[0] == x0 + cell / 2 and ys[0] == y0 - cell / 2 and (np.diff(ys) < 0).all()


def test_grid_refuses_bad_options() -> None:
    with pytest.raises(InputError, match="cell size"):
        rd_grid((0, 0, 100, 100), cell_size=0)
    with pytest.raises(InputError, match="too large"):
        side = math.sqrt(MAX_CELLS) * 2
        rd_grid((0, 0, side, side), cell_size=1)
    with pytest.raises(InputError, match="at least the cell size"):
        compute_surfaces(pd.DataFrame(), shapely.box(0, 0, 1, 1), cell_size=100, bandwidth=50)


# --- kernel density --------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "h"), [(25.0, 200.0), (100.0, 250.0), (10.0, 35.0)])
def test_kernel_density_equals_a_direct_sum_at_every_checked_cell(cell: float, h: float) -> None:
    rng = np.random.default_rng(7)
    # clustered points, some beyond the grid (their kernels still reach into it)
    xy = np.vstack([rng.normal((135_000, 453_500), 120, size=(300, 2)),
                    rng.uniform((134_400, 452_900), (135_700, 454_100), size=(200, 2))])
    g = rd_grid((134_600, 453_100, 135_400, 453_900), cell_size=cell, reach=h)
    dens = kernel_density(shapely.points(xy), g, h)
    assert dens.shape == g.shape
    rows = rng.integers(0, g.height, 25)
    cols = rng.integers(0, g.width, 25)
    for r, c in [*zip(rows, cols, strict=True), (0, 0), (g.height - 1, g.width - 1)]:
        assert dens[r, c] == pytest.approx(direct_density(xy, *centre(g, r, c), h), rel=1e-9,
                                           abs=1e-9)
    assert dens.max() > 1000  # the cluster: hundreds of points within 200 m


def test_a_single_point_and_the_mass_of_many() -> None:
    g = rd_grid((150_000, 450_000, 151_000, 451_000), cell_size=25, reach=200)
    x, y = centre(g, 30, 20)
    one = kernel_density(np.array([[x, y]]), g, 200.0)
    # at its own cell 3/(π h²) per m², 23.87 per km²; nothing from 200 m on
    assert one[30, 20] == pytest.approx(3 / (math.pi * 200**2) * 1e6) == pytest.approx(23.873,
                                                                                       abs=1e-3)
    assert one[30, 28] == 0.0  # exactly 200 m east
    assert one[30, 27] > 0
    # each point adds one to the integral: 400 points well inside the grid
    rng = np.random.default_rng(1)
    pts = rng.uniform((150_300, 450_300), (150_700, 450_700), size=(400, 2))
    mass = kernel_density(pts, g, 200.0).sum() * 25 * 25 / 1e6
    assert mass == pytest.approx(400, rel=0.01)
    weighted = kernel_density(pts, g, 200.0, weights=np.full(400, 2.0))
    np.testing.assert_allclose(weighted, 2 * kernel_density(pts, g, 200.0))


def test_count_within_and_hill1_equal_a_direct_count() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform((150_000, 450_000), (151_000, 451_000), size=(250, 2))
    classes = rng.choice(list(FUNCTIONS)[:5] + ["", "unknown"], size=250)
    g = rd_grid((150_200, 450_200, 150_800, 450_800), cell_size=50, reach=150)
    geoms = shapely.points(xy)
    n = count_within(geoms, g, 150.0)
    hill = moving_window_hill1(geoms, classes, g, 150.0)
    known = np.isin(classes, list(FUNCTIONS))
    for r, c in [(0, 0), (3, 7), (10, 10), (g.height - 1, 2), (5, g.width - 1)]:
        x, y = centre(g, r, c)
        near = np.hypot(xy[:, 0] - x, xy[:, 1] - y) < 150
        assert n[r, c] == near.sum()
        _, counts = np.unique(classes[near & known], return_counts=True)
        p = counts / counts.sum()
        assert hill[r, c] == pytest.approx(math.exp(-(p * np.log(p)).sum()))
        assert 1 <= hill[r, c] <= len(counts)
    # no function within reach: 0, as hill1_400 of the streets
    far = moving_window_hill1(shapely.points([[150_000.0, 450_000.0]]), ["offices"],
                              rd_grid((152_000, 452_000, 152_100, 452_100), cell_size=50,
                                      reach=100), 100.0)
    assert (far == 0).all()


# --- the surfaces of the demo ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_surfaces(demo_result):
    return demo_result.pois, demo_result.area.geometry.iloc[0], compute_surfaces(
        demo_result.pois, demo_result.area.geometry.iloc[0])


def test_demo_surfaces(demo_surfaces) -> None:
    pois, area, surfaces = demo_surfaces
    assert list(surfaces) == [n for n, k in SURFACES.items() if k.requires == "osm"]
    grid = surfaces["business_intensity"].grid
    for s in surfaces.values():
        assert s.array.dtype == np.float32 and s.array.shape == grid.shape
        assert s.transform == grid.transform and s.crs == "EPSG:28992" and s.nodata == NODATA
        assert s.label.nl and s.label.en and s.description.nl and s.description.en
    # nodata exactly where the cell centre lies more than the bandwidth from the study area
    xs, ys = grid.centres()
    xx, yy = np.meshgrid(xs, ys)
    far = shapely.distance(area, shapely.points(xx, yy)) > 200  # exactly, not a buffer
    assert (surfaces["business_intensity"].valid == ~far).all()
    # values at a few cells: the direct kernel sum over the OSM functions
    functions = pois[pois["function"] != ""]
    xy = shapely.get_coordinates(functions.geometry.values)
    busy = np.unravel_index(np.nanargmax(surfaces["business_intensity"].values()), grid.shape)
    valid = np.argwhere(surfaces["business_intensity"].valid)
    picked = valid[np.random.default_rng(0).choice(len(valid), 8, replace=False)]
    for r, c in [busy, *map(tuple, picked)]:
        assert surfaces["business_intensity"].array[r, c] == pytest.approx(
            direct_density(xy, *centre(grid, r, c), 200.0), rel=1e-6, abs=1e-6)
    assert 100 < surfaces["business_intensity"].array[busy] < 5000
    # N and O are parts of the functions; diversity between 0 and the number of classes
    n, o, b = (surfaces[k].values() for k in ("n_intensity", "o_intensity", "business_intensity"))
    assert np.nanmax(n + o - b) < 1e-3
    div = surfaces["mixed_use_diversity"].values()
    assert np.nanmin(div) == 0 and np.nanmax(div) <= len(FUNCTIONS)
    assert (div[div > 0] >= 1 - 1e-6).all() and np.nanmax(div) > 4
    vac = surfaces["vacancy_density"]
    assert vac.points == int((pois["shopfront"] & pois["vacant"]).sum()) > 0


def test_establishments_are_suppressed_below_the_threshold() -> None:
    """Two isolated establishments, five together, one ended: cells within reach of only the
    two are nodata; the five show; no establishment at all stays 0."""
    area = shapely.box(150_000, 450_000, 152_000, 451_000)
    pois = gpd.GeoDataFrame({"function": [""], "no_class": [""], "shopfront": [False],
                             "vacant": [False]}, geometry=[shapely.Point(151_000, 450_500)],
                            crs=28992)
    coords = [(150_300, 450_500), (150_310, 450_500),  # two
              *[(151_600 + 5 * i, 450_500) for i in range(5)],  # five
              (151_000, 450_500)]  # ended before the reference date
    est = gpd.GeoDataFrame({"vbo_id": [None] * 8,
                            "start_date": pd.to_datetime(["2020-01-01"] * 8),
                            "end_date": pd.to_datetime([pd.NaT] * 7 + ["2024-01-01"])},
                           geometry=shapely.points(coords), crs=28992)
    out = compute_surfaces(pois, area, establishments=est, reference_date="2025-01-01",
                           bag=None)
    s = out["establishment_intensity"]
    assert "bag_vacancy_density" not in out
    g = s.grid
    n = count_within(est.geometry.values[:7], g, 200.0)
    xs, ys = g.centres()
    xx, yy = np.meshgrid(xs, ys)
    near_two = np.hypot(xx - 150_305, yy - 450_500) < 150
    near_five = np.hypot(xx - 151_610, yy - 450_500) < 150
    assert (s.array[near_two] == NODATA).all()
    assert (s.array[near_five] > 0).all() and s.valid[near_five].all()
    assert s.suppressed_cells == int(((n > 0) & (n < 3) & ~s.valid).sum()) > 0
    shown = s.valid
    assert ((n[shown] == 0) | (n[shown] >= 3)).all()
    assert (s.array[shown & (n == 0)] == 0).all()  # 0 discloses no one
    assert s.points == 7
    # threshold 1: everything shows
    open_ = compute_surfaces(pois, area, establishments=est, reference_date="2025-01-01",
                             privacy_threshold=1)["establishment_intensity"]
    assert open_.suppressed_cells == 0 and (open_.array[near_two] > 0).all()


def test_vacancy_indication_is_the_indicators_definition(demo_prepared) -> None:
    """The units of bag_vacancy_density are those bag_vacancy counts per segment."""
    from wijkkracht.core.indicators.bag import bag_vacancy
    from wijkkracht.core.network import locate_points
    from wijkkracht.demo import DEMO_REFERENCE_DATE, demo_synthetic_layers

    network, _, _ = demo_prepared
    bag, est, _ = demo_synthetic_layers()
    units = bag.copy()
    units["segment_id"] = locate_points(network, units.geometry)["segment_id"].to_numpy()
    mask = vacancy_indication_mask(units, est, reference_date=DEMO_REFERENCE_DATE)
    est = est.assign(segment_id=locate_points(network, est.geometry)["segment_id"].to_numpy())
    per_segment = bag_vacancy(network, units, est, reference_date=DEMO_REFERENCE_DATE)
    placed = units["segment_id"].to_numpy() >= 0
    assert int((mask & placed).sum()) == int(per_segment["bag_vacant_units"].sum()) > 10


# --- zonal means -----------------------------------------------------------------------------


def test_zonal_means_equal_a_direct_mean(demo_surfaces) -> None:
    _, area, surfaces = demo_surfaces
    x0, y0, x1, y1 = area.bounds
    mid = (x0 + x1) / 2
    areas = gpd.GeoDataFrame({"area_code": ["W", "E", "TINY"], "area_name": ["w", "e", "t"]},
                             geometry=[shapely.box(x0, y0, mid, y1), shapely.box(mid, y0, x1, y1),
                                       shapely.box(mid + 1, y0 + 1, mid + 5, y0 + 5)],
                             crs=28992)
    areas.attrs["labels"] = {"x_mean": {"nl": "x"}}
    out = raster_means_by_area(areas, surfaces)
    grid = surfaces["business_intensity"].grid
    xs, ys = grid.centres()
    for k, geom in enumerate(areas.geometry):
        for name, s in surfaces.items():
            vals = [float(s.array[r, c]) for r in range(grid.height) for c in range(grid.width)
                    if geom.intersects(shapely.Point(xs[c], ys[r])) and s.array[r, c] != NODATA]
            got = out[f"{name}_raster_mean"].iloc[k]
            if vals:
                assert got == pytest.approx(np.mean(vals), rel=1e-6), (k, name)
            else:
                assert np.isnan(got)  # smaller than a cell: no centre inside
    assert out["business_intensity_raster_mean"].iloc[:2].min() > 10
    labels = out.attrs["labels"]
    assert labels["x_mean"] == {"nl": "x"}  # the summary's own labels stay
    assert labels["n_intensity_raster_mean"]["aggregate"] == "raster_mean"
    assert labels["n_intensity_raster_mean"]["unit_en"] == "per km²"
    assert "n_intensity_raster_mean" not in areas.columns  # a copy


def test_analyse_with_rasters_and_areas() -> None:
    """The pipeline: surfaces in result.rasters, zonal means in the areas layer, metadata; the
    establishments' surface suppressed with the run's threshold."""
    from wijkkracht.demo import analyse_demo

    result = analyse_demo(areas=read_areas(FIXTURE), rasters=True, cell_size=100,
                          bandwidth=300)
    assert list(result.rasters) == list(SURFACES)
    s = result.rasters["establishment_intensity"]
    assert s.transform[1] == 100 and s.transform[0] % 100 == 0 and s.transform[3] % 100 == 0
    meta = result.metadata["rasters"]
    assert meta["cell_size_m"] == 100 and meta["bandwidth_m"] == 300
    assert meta["surfaces"]["establishment_intensity"]["points"] == s.points > 1000
    areas = result.areas
    for name in SURFACES:
        col = f"{name}_raster_mean"
        assert areas[col].notna().all(), col
    direct = raster_means_by_area(areas[["area_code", "geometry"]], result.rasters)
    np.testing.assert_allclose(areas["o_intensity_raster_mean"],
                               direct["o_intensity_raster_mean"])
    assert areas.attrs["labels"]["mixed_use_diversity_raster_mean"]["nl"].startswith(
        "Functiemenging")
    assert analyse_demo(synthetic_bag=False).rasters == {}


def test_docstring_examples() -> None:
    import doctest

    from wijkkracht.core import rasters

    result = doctest.testmod(rasters, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0
