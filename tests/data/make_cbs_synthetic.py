"""Write ``wijkbuurtkaart_cbs_synthetic.gpkg``: a SYNTHETIC fixture in the layout of the CBS
wijk- en buurtkaart (layers ``buurten``, ``wijken``, ``gemeenten``).

NOT CBS data. The polygons are the bundled Kanaleneiland study area cut into four quadrants
(buurten), two halves (wijken) and the whole (gemeente); codes (``GM9999``, ``WK999901``,
``BU99990101``) and names are made up. Run: ``python tests/data/make_cbs_synthetic.py``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from wijkkracht.demo import demo_data_path

OUT = Path(__file__).with_name("wijkbuurtkaart_cbs_synthetic.gpkg")
NOTE = "SYNTHETIC test fixture in the CBS wijk- en buurtkaart layout; not CBS data"


def main() -> None:
    area = pyogrio.read_dataframe(demo_data_path(), layer="study_area").to_crs(28992)
    geom = shapely.make_valid(area.geometry.union_all())
    x0, y0, x1, y1 = geom.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quads = {  # (wijk, buurt) -> box; west wijk 01, east wijk 02
        ("01", "01"): (x0, ym, xm, y1), ("01", "02"): (x0, y0, xm, ym),
        ("02", "01"): (xm, ym, x1, y1), ("02", "02"): (xm, y0, x1, ym),
    }
    names = {"01": "Testwijk West", "02": "Testwijk Oost"}
    bu = []
    for (w, b), box in quads.items():
        bu.append({"buurtcode": f"BU9999{w}{b}", "buurtnaam": f"Testbuurt {w}-{b}",
                   "wijkcode": f"WK9999{w}", "gemeentecode": "GM9999", "bron": "SYNTHETIC",
                   "geometry": geom.intersection(shapely.box(*box))})
    buurten = gpd.GeoDataFrame(bu, crs=28992)
    wk = []
    for w, name in names.items():
        part = buurten[buurten["wijkcode"] == f"WK9999{w}"]
        wk.append({"wijkcode": f"WK9999{w}", "wijknaam": name, "gemeentecode": "GM9999",
                   "bron": "SYNTHETIC", "geometry": part.geometry.union_all()})
    wijken = gpd.GeoDataFrame(wk, crs=28992)
    gemeenten = gpd.GeoDataFrame([{"gemeentecode": "GM9999", "gemeentenaam": "Testgemeente",
                                   "bron": "SYNTHETIC", "geometry": geom}], crs=28992)
    OUT.unlink(missing_ok=True)
    for layer, gdf in (("buurten", buurten), ("wijken", wijken), ("gemeenten", gemeenten)):
        pyogrio.write_dataframe(gdf, OUT, layer=layer, driver="GPKG",
                                layer_options={"DESCRIPTION": NOTE,
                                               "IDENTIFIER": f"{layer} (SYNTHETIC)"},
                                metadata={"SOURCE": NOTE})


if __name__ == "__main__":
    main()
