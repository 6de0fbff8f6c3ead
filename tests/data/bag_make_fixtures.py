"""Build the BAG test fixtures in ``tests/data/`` (dev-only; see ``tests/data/README.md``).

Run from the repository root with the test venv:
``.venv/bin/python tests/data/bag_make_fixtures.py``.
Input: the real LV BAG 2.0 files of Doesburg in ``../shared/data/doesburg/`` (CC0).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from wijkkracht.data_sources.bag import read_bag_lv

HERE = Path(__file__).resolve().parent
DOESBURG = HERE.parents[2] / "shared" / "data" / "doesburg"
LV = HERE / "bag_lv"
#: The openbare ruimten the NUM file refers to (the OPR file is cut to them).
OPR_KEEP = ("0221300000311333", "0221300000311195", "0221300000311239", "0221300000311236")


#: The panden the VBO file refers to (the PND file is cut to them).
PND_KEEP = ("0221100000312938", "0221100000311191")


def copy_lv() -> None:
    LV.mkdir(exist_ok=True)
    for name in ("0221VBO15092020-000001.xml", "0221NUM15092020-000001.xml"):
        shutil.copyfile(DOESBURG / name, LV / name)
    cut((DOESBURG / "0221OPR15092020-000001.xml").read_text("utf-8"), OPR_KEEP,
        LV / "0221OPR15092020-000001.xml")
    with zipfile.ZipFile(DOESBURG / "0221PND15092020.zip") as zf:
        text = zf.read("0221PND15092020-000001.xml").decode("utf-8")
    cut(text, PND_KEEP, LV / "0221PND15092020-000001.xml")


def cut(text: str, keep: tuple[str, ...], out: Path) -> None:
    """Write the LV file ``text`` with only the bagObjects whose identificatie is in ``keep``
    (everything else in the file, and the kept objects' XML, unchanged)."""

    def one(m: re.Match[str]) -> str:
        obj = m.group(0)
        ident = re.search(r"<Objecten:identificatie[^>]*>(\d+)<", obj)
        return obj if ident and ident.group(1) in keep else ""

    text = re.sub(r"\n?[ \t]*<sl-bag-extract:bagObject>.*?</sl-bag-extract:bagObject>", one,
                  text, flags=re.S)
    text = re.sub(r"<sl:stand>\s*</sl:stand>", "", text)
    text = re.sub(r"\n[ \t]*(?=\n)", "", text)  # lines left empty by the cut
    out.write_text(text, "utf-8")


def pdok_rows() -> gpd.GeoDataFrame:
    """The two real Doesburg verblijfsobjecten in PDOK's field layout, plus three synthetic
    rows (ids 022101999900000x) for what the real ones lack."""
    real = read_bag_lv(LV, statuses=None)
    rows = gpd.GeoDataFrame(
        {
            "identificatie": list(real["identificatie"]),
            "oppervlakte": [int(v) for v in real["oppervlakte"]],
            "status": list(real["status"]),
            "gebruiksdoel": list(real["gebruiksdoel"]),
            "openbare_ruimte_naam": list(real["openbare_ruimte_naam"]),
            "huisnummer": [int(v) for v in real["huisnummer"]],
            "huisletter": list(real["huisletter"]),
            "toevoeging": list(real["toevoeging"]),
            "postcode": list(real["postcode"]),
            "woonplaats_naam": ["Doesburg"] * len(real),
            "bouwjaar": list(real["bouwjaar"]),
            "pand_identificatie": list(real["pand_identificatie"]),
            "rdf_seealso": [f"http://bag.basisregistraties.overheid.nl/bag/id/verblijfsobject/{i}"
                            for i in real["identificatie"]],
        },
        geometry=list(real.geometry),
        crs="EPSG:28992",
    )
    synthetic = gpd.GeoDataFrame(
        {
            "identificatie": ["0221019999000001", "0221019999000002", "0221019999000003"],
            "oppervlakte": [85, 140, 60],
            "status": ["Verblijfsobject in gebruik", "Verblijfsobject buiten gebruik",
                       "Verblijfsobject gevormd"],
            "gebruiksdoel": ["woonfunctie,winkelfunctie", "winkelfunctie", "woonfunctie"],
            "openbare_ruimte_naam": ["Kosterstraat", "Kosterstraat", "Kosterstraat"],
            "huisnummer": [6, 8, 10],
            "huisletter": ["a", None, None],
            "toevoeging": [None, "2", None],
            "postcode": ["6981CH", "6981CH", "6981CH"],
            "woonplaats_naam": ["Doesburg"] * 3,
            "bouwjaar": [1905, 9999, None],
            "pand_identificatie": ["0221100000312938"] * 3,
            "rdf_seealso": [None] * 3,
        },
        geometry=[Point(206340.0, 447525.0), Point(206345.0, 447520.0),
                  Point(206350.0, 447515.0)],
        crs="EPSG:28992",
    )
    out = pd.concat([rows, synthetic], ignore_index=True)
    out["bouwjaar"] = out["bouwjaar"].astype("Int64")
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:28992")


def write_gpkg(rows: gpd.GeoDataFrame) -> None:
    path = HERE / "bag_verblijfsobject.gpkg"
    path.unlink(missing_ok=True)
    rows.to_file(path, layer="verblijfsobject", driver="GPKG", engine="pyogrio")


def write_ogc_pages(rows: gpd.GeoDataFrame) -> None:
    """Two pages in the format of PDOK's BAG OGC API v2 (``crs`` = RD), 3 + 2 features; the
    ``next`` link holds ``{base}``, which the test server replaces with its own URL."""
    feats = []
    for rec, geom in zip(rows.drop(columns="geometry").to_dict("records"), rows.geometry, strict=False):
        props = {k: (None if pd.isna(v) else (int(v) if k in ("huisnummer", "bouwjaar",
                                                                  "oppervlakte") else v))
                 for k, v in rec.items()}
        feats.append({"type": "Feature", "id": rec["identificatie"], "properties": props,
                      "geometry": {"type": "Point", "coordinates": [geom.x, geom.y]}})
    pages = [feats[:3], feats[3:]]
    for n, page in enumerate(pages, start=1):
        links = [{"rel": "self", "type": "application/geo+json", "href": "{base}/self"}]
        if n < len(pages):
            links.append({"rel": "next", "type": "application/geo+json",
                          "href": "{base}/collections/verblijfsobject/items?f=json&limit=3"
                                  "&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992"
                                  "&cursor=Dv4%7CNrtfr"})
        doc = {"type": "FeatureCollection", "timeStamp": "2026-11-20T10:00:00Z",
               "links": links, "numberReturned": len(page), "features": page}
        (HERE / f"bag_ogc_page{n}.json").write_text(json.dumps(doc, indent=1), "utf-8")


if __name__ == "__main__":
    copy_lv()
    rows = pdok_rows()
    write_gpkg(rows)
    write_ogc_pages(rows)
