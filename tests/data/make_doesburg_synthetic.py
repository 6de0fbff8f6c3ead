"""Write the SYNTHETIC Doesburg street grid, POIs and study area (``doesburg_synthetic_*``).

NOT OpenStreetMap data, and not the real streets of Doesburg: no OSM data of Doesburg is at
hand, and the LV BAG fixture in ``bag_lv/`` (real BAG, gemeente 0221 Doesburg, stand
2020-09-15) needs streets to be placed on. So this script lays a regular grid of made-up
streets over the piece of Doesburg where the two real verblijfsobjecten of ``bag_lv/`` lie
(RD x 206150-206470, y 447300-447600), with made-up POIs on it and a square study area.
Street names say SYNTHETIC; ids are empty (streets) or ``SYN<n>`` (POIs), never OSM ids.

Run from the repository root with the test venv: ``python tests/data/make_doesburg_synthetic.py``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

HERE = Path(__file__).parent
NOTE = ("SYNTHETIC test fixture: a made-up street grid over a piece of Doesburg (RD New), "
        "not OpenStreetMap data and not the real streets")
XS = [206150.0 + 80.0 * i for i in range(5)]  # north-south streets
YS = [447300.0 + 75.0 * j for j in range(5)]  # east-west streets
AREA = (206190.0, 447330.0, 206430.0, 447570.0)
#: (x, y, tag): made-up POIs a few metres beside the grid streets
POIS = [
    (206200.0, 447380.0, "shop=bakery"),
    (206265.0, 447455.0, "shop=supermarket"),
    (206315.0, 447410.0, "amenity=cafe"),
    (206350.0, 447455.0, "amenity=restaurant"),
    (206395.0, 447500.0, "shop=hairdresser"),
    (206270.0, 447530.0, "amenity=pharmacy"),
    (206425.0, 447370.0, "office=company"),
    (206385.0, 447340.0, "shop=clothes"),
    (206235.0, 447560.0, "amenity=school"),
    (206305.0, 447490.0, "shop=vacant"),
    (206360.0, 447380.0, "building=house"),
    (206240.0, 447420.0, "building=house"),
]


def streets() -> gpd.GeoDataFrame:
    rows = []
    for i, x in enumerate(XS):  # one line per block, so that lines meet at their endpoints
        for y0, y1 in zip(YS[:-1], YS[1:], strict=True):
            rows.append({"osm_id": "", "name": f"SYNTHETIC Noord-Zuid {i + 1}",
                         "highway": "residential" if i % 2 == 0 else "footway",
                         "source": "SYNTHETIC", "geometry": shapely.LineString([(x, y0), (x, y1)])})
    for j, y in enumerate(YS):
        for x0, x1 in zip(XS[:-1], XS[1:], strict=True):
            rows.append({"osm_id": "", "name": f"SYNTHETIC Oost-West {j + 1}",
                         "highway": "residential", "source": "SYNTHETIC",
                         "geometry": shapely.LineString([(x0, y), (x1, y)])})
    return gpd.GeoDataFrame(rows, crs=28992)


def pois() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"osm_id": f"SYN{n}", "tag": tag, "source": "SYNTHETIC",
          "geometry": shapely.Point(x, y)} for n, (x, y, tag) in enumerate(POIS, start=1)],
        crs=28992)


def area() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([{"name": "SYNTHETIC Doesburg test area", "source": "SYNTHETIC",
                              "geometry": shapely.box(*AREA)}], crs=28992)


def main() -> None:
    for name, gdf in (("streets", streets()), ("pois", pois()), ("area", area())):
        path = HERE / f"doesburg_synthetic_{name}.geojson"
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(gdf, path, driver="GeoJSON", layer=f"doesburg_synthetic_{name}",
                                layer_options={"DESCRIPTION": NOTE, "RFC7946": "NO",
                                               "COORDINATE_PRECISION": 1, "WRITE_NAME": "YES"})
        print(path.name, len(gdf), path.stat().st_size)


if __name__ == "__main__":
    main()
