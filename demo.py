"""The bundled demo: real OpenStreetMap data of Kanaleneiland (Utrecht), with SYNTHETIC
BAG/KvK layers and opening hours generated for it.

Above the analysis core (:mod:`wijkkracht.core` reads no files and generates no data): this
module reads the bundled GeoPackage, generates the SYNTHETIC layers and calls
:func:`wijkkracht.core.pipeline.analyse`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from .core.network import StreetNetwork
from .core.pipeline import analyse, prepare
from .core.result import OSM_LICENCE, AnalysisResult
from .core.steps import DEFAULT_ATTRIBUTION as DEMO_ATTRIBUTION
from .data_sources.bundled import demo_data_path

__all__ = ["demo_data_path", "prepare_demo", "demo_synthetic_layers", "analyse_demo",
           "demo_spending_zones", "DEMO_SYNTHETIC_SEED", "DEMO_REFERENCE_DATE",
           "DEMO_HOURS_WEEK", "DEMO_ATTRIBUTION"]


def prepare_demo() -> tuple[StreetNetwork, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Network, prepared POIs and study area of the bundled Kanaleneiland data."""
    from .data_sources.files import read_area, read_pois, read_streets

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    network, pois = prepare(read_streets(path, layer="streets", check_default_walk=False),
                            read_pois(path, layer="pois"), area)
    return network, pois, area


#: Seed of the SYNTHETIC BAG/KvK layers of the demo (:func:`demo_synthetic_layers`).
DEMO_SYNTHETIC_SEED = 0
#: The date the demo's synthetic establishments describe (and the demo's reference date).
DEMO_REFERENCE_DATE = "2026-01-01"
#: The reference week of the demo's (SYNTHETIC) opening hours: an ordinary week, no holiday.
DEMO_HOURS_WEEK = "2026-01-12"


def demo_synthetic_layers() -> tuple[gpd.GeoDataFrame, pd.DataFrame, dict[str, Any]]:
    """SYNTHETIC BAG units and geolocated establishments for the demo area.

    KvK data is not open and no open BAG extract with uses and floor areas is bundled, so the
    demo generates both with :func:`wijkkracht.data_sources.synthetic.generate_synthetic`
    (seed :data:`DEMO_SYNTHETIC_SEED`) on the real Kanaleneiland buildings and streets, and
    places the establishments with the same join as real exports
    (:func:`~wijkkracht.data_sources.establishments.geolocate`). Every row and every output
    made from them says SYNTHETIC.

    Returns
    -------
    tuple
        BAG units (BAG schema), the matched establishments, and counts of the join
        (``match_rate``, ``unmatched``).
    """
    from .data_sources.establishments import geolocate, normalise_establishments
    from .data_sources.synthetic import SYNTHETIC_NOTICE, generate_synthetic

    data = generate_synthetic(DEMO_SYNTHETIC_SEED, snapshot_date=DEMO_REFERENCE_DATE)
    bag = data.verblijfsobjecten
    raw = data.establishments.drop(columns=["synthetic_case", "synthetic_true_vbo"])
    read = normalise_establishments(raw, source=SYNTHETIC_NOTICE, today=DEMO_REFERENCE_DATE)
    located = geolocate(read.establishments, bag)
    matched = located.matched
    matched.attrs["synthetic"] = True
    counts = {"rejected": int(len(read.rejected)), "unmatched": int(len(located.unmatched)),
              "match_rate": round(float(located.match_rate), 4)}
    return bag, matched, counts


def analyse_demo(*, synthetic_bag: bool = True, synthetic_hours: bool = True,
                 **kwargs: Any) -> AnalysisResult:
    """Run :func:`analyse` on the bundled real OSM data of Kanaleneiland (Utrecht).

    Parameters
    ----------
    synthetic_bag
        Add the SYNTHETIC BAG/KvK layers of :func:`demo_synthetic_layers`, so the demo shows
        the MXI, vacancy and hidden-economy indicators (``metadata["synthetic"]`` then lists
        them and the map says so), and the spending flows between the quarters of the area
        (:func:`demo_spending_zones`); ``False``: OpenStreetMap only.
    synthetic_hours
        The bundled POIs carry no opening hours (the source dropped them): give them SYNTHETIC
        ``opening_hours`` values (:mod:`wijkkracht.data_sources.synthetic_hours`, seeded; the
        week of :data:`DEMO_HOURS_WEEK`), so the demo shows the liveliness by hour; labelled
        SYNTHETIC wherever they appear.
    **kwargs
        Options of :func:`analyse`.

    Examples
    --------
    >>> result = analyse_demo()
    >>> result.metadata["synthetic"]
    ['bag', 'establishments', 'opening_hours']
    >>> bool(result.streets["mxi"].dropna().between(0, 1).all())
    True
    """
    from .data_sources.files import read_area, read_pois, read_streets

    path = demo_data_path()
    area = read_area(path, layer="study_area")
    area["name"] = "Kanaleneiland"
    sources = [{
        "name": "OpenStreetMap, Kanaleneiland (Utrecht): walking network (OSMnx's default walk "
                "network: no cycle paths) and POI/building points (no names, no outlines)",
        "path": str(path),
        "licence": OSM_LICENCE,
        "attribution": DEMO_ATTRIBUTION,
        "date": "2025-11 (OSMnx extraction)",
    }]
    if synthetic_bag:
        from .data_sources.synthetic import SYNTHETIC_NOTICE

        bag, establishments, counts = demo_synthetic_layers()
        sources.append({
            "name": f"BAG verblijfsobjecten and KvK-style establishments: {SYNTHETIC_NOTICE}",
            "path": f"wijkkracht.data_sources.synthetic (seed {DEMO_SYNTHETIC_SEED})",
            "licence": "generated by wijkkracht",
            "attribution": f"BAG/KvK: {SYNTHETIC_NOTICE}",
            "date": DEMO_REFERENCE_DATE,
            "establishments": counts,
        })
        kwargs.setdefault("reference_date", DEMO_REFERENCE_DATE)
        if kwargs.get("spending") is None:
            kwargs["spending"] = True
        if kwargs["spending"] and kwargs.get("spending_zones") is None:
            kwargs["spending_zones"] = demo_spending_zones(area)
        kwargs = {"bag": bag, "establishments": establishments, **kwargs}
    pois = read_pois(path, layer="pois")
    if synthetic_hours:
        from .data_sources.synthetic_hours import SYNTHETIC_HOURS_NOTICE, synthetic_opening_hours

        pois["opening_hours"] = synthetic_opening_hours(pois, seed=DEMO_SYNTHETIC_SEED)
        sources.append({
            "name": f"Opening hours (OSM opening_hours format): {SYNTHETIC_HOURS_NOTICE}",
            "path": f"wijkkracht.data_sources.synthetic_hours (seed {DEMO_SYNTHETIC_SEED})",
            "licence": "generated by wijkkracht",
            "attribution": f"opening_hours: {SYNTHETIC_HOURS_NOTICE}",
            "date": DEMO_HOURS_WEEK,
        })
        if kwargs.get("hours_week") is None:
            kwargs["hours_week"] = DEMO_HOURS_WEEK
        kwargs["hours_synthetic"] = True
    # the bundled network is OSMnx's default walk network (no cycleways): said in its source
    # entry, and its effect measured by the detour check of every run
    streets = read_streets(path, layer="streets", check_default_walk=False)
    return analyse(streets, pois, area, sources=sources, **kwargs)


def demo_spending_zones(area: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones of the demo's spending flows: the study area cut into four quarters.

    No CBS buurt boundaries are bundled, so the demo shows the flows between the quarters
    (north-west, north-east, south-west, south-east) of Kanaleneiland; they are named so, and
    are not buurten. With ``--areas`` the flows are per CBS area.
    """
    geom = area.geometry.union_all()
    x0, y0, x1, y1 = geom.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quarters = {"NW": (x0, ym, xm, y1), "NO": (xm, ym, x1, y1), "ZW": (x0, y0, xm, ym),
                "ZO": (xm, y0, x1, ym)}
    names = {"NW": "noordwest", "NO": "noordoost", "ZW": "zuidwest", "ZO": "zuidoost"}
    return gpd.GeoDataFrame(
        {"area_code": [f"kwart-{k}" for k in quarters],
         "area_name": [f"Kanaleneiland {names[k]} (kwart, geen CBS-buurt)" for k in quarters]},
        geometry=[shapely.intersection(geom, shapely.box(*b)) for b in quarters.values()],
        crs=area.crs)
