"""Build the bundled demo data (``data/kanaleneiland.gpkg``) from the real OSM files in
``../shared/data/utrecht/``.

Run once by a developer; the output is committed. The data is © OpenStreetMap contributors,
ODbL 1.0 (see ``data/README.md``). Nothing in the output is synthetic.

Layers written:

``study_area``
    Kanaleneiland as covered by the source's walk network: the concave hull (ratio 0.1) of its
    edges' vertices, EPSG:28992.
``streets``
    The *buffered* walk network (the source's wider walk network around Kanaleneiland):
    one row per directed OSMnx edge as in the source, EPSG:4326, OSMnx attribute names.
``pois``
    The OSM tagged features and building points (one point each) within 300 m of the buffered
    network's hull, EPSG:4326, source columns ``osm_id`` and ``building_type`` (``<key>_<value>``).
    Duplicated rows of the source are kept; wijkkracht's loader removes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "utrecht"
OUT = Path(__file__).resolve().parents[1] / "data" / "kanaleneiland.gpkg"


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED
    streets_gpkg = src / "osm_kanaleneiland_streets.gpkg"
    walk = gpd.read_file(streets_gpkg, layer="walk_edges").to_crs(28992)
    hull = shapely.concave_hull(
        shapely.MultiPoint(shapely.get_coordinates(walk.geometry.values)), ratio=0.1
    )
    area = gpd.GeoDataFrame(
        {
            "name": ["Kanaleneiland"],
            "description": [
                "Gebied van het OSM-wandelnetwerk van Kanaleneiland (Utrecht); "
                "concave omhullende van het netwerk"
            ],
        },
        geometry=[hull],
        crs=28992,
    )
    wide = gpd.read_file(streets_gpkg, layer="wide_walk_edges")
    keep = ["osmid", "name", "highway", "u", "v", "key", "length", "geometry"]
    wide = wide[keep]
    wide_hull = shapely.concave_hull(
        shapely.MultiPoint(shapely.get_coordinates(wide.to_crs(28992).geometry.values)), ratio=0.1
    )
    pois = gpd.read_file(src / "osm_utrecht_features_points.gpkg", layer="osm_features")
    pois_rd = pois.to_crs(28992)
    inside = pois_rd.within(wide_hull.buffer(300))
    pois = pois.loc[inside, ["osm_id", "building_type", "geometry"]].reset_index(drop=True)
    if OUT.exists():
        OUT.unlink()
    # GeoPackage 1.2: what GDAL 3.6 (QGIS 3.22 on Debian 12) reads without a version warning
    area.to_file(OUT, layer="study_area", driver="GPKG", VERSION="1.2")
    wide.to_file(OUT, layer="streets", driver="GPKG")
    pois.to_file(OUT, layer="pois", driver="GPKG")
    print(f"{OUT}: study_area 1, streets {len(wide)}, pois {len(pois)}")


if __name__ == "__main__":
    main()
