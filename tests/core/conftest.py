import geopandas as gpd
import numpy as np
import pytest
import shapely

from wijkkracht.demo import analyse_demo, prepare_demo


@pytest.fixture(scope="session")
def demo_prepared():
    """Network, prepared POIs and study area of the bundled real Kanaleneiland data."""
    return prepare_demo()


@pytest.fixture(scope="session")
def demo_result():
    """The demo: real OSM data of Kanaleneiland with SYNTHETIC BAG/KvK layers."""
    return analyse_demo()


@pytest.fixture(scope="session")
def demo_osm_result():
    """The demo on the OpenStreetMap data alone."""
    return analyse_demo(synthetic_bag=False, synthetic_hours=False)


def grid_streets(nx_: int, ny_: int, spacing: float = 100.0, x0: float = 150000.0,
                 y0: float = 450000.0) -> gpd.GeoDataFrame:
    """A small street grid in RD New (street schema), for hand-checkable tests."""
    lines, names = [], []
    for j in range(ny_):
        for i in range(nx_ - 1):
            lines.append(shapely.LineString([(x0 + i * spacing, y0 + j * spacing),
                                             (x0 + (i + 1) * spacing, y0 + j * spacing)]))
            names.append(f"Dwarsstraat {j}")
    for i in range(nx_):
        for j in range(ny_ - 1):
            lines.append(shapely.LineString([(x0 + i * spacing, y0 + j * spacing),
                                             (x0 + i * spacing, y0 + (j + 1) * spacing)]))
            names.append(f"Langstraat {i}")
    n = len(lines)
    return gpd.GeoDataFrame({"osm_id": [str(k) for k in range(n)], "street_name": names,
                             "highway": ["residential"] * n}, geometry=lines, crs=28992)


@pytest.fixture
def grid():
    return grid_streets


def points(coords) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapely.points(np.asarray(coords, dtype=float)), crs=28992)


@pytest.fixture
def make_points():
    return points
