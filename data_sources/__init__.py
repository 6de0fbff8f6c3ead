"""Data sources: streets and POIs from files, OSM extracts and live OpenStreetMap (Overpass);
BAG verblijfsobjecten (:mod:`wijkkracht.data_sources.bag`); KvK-style establishments and their
geolocation on the BAG (:mod:`wijkkracht.data_sources.establishments`); study areas from
the CBS wijk- en buurtkaart or any polygon layer (:mod:`wijkkracht.data_sources.areas`).

All readers return GeoDataFrames in EPSG:28992 that follow the schemas documented in
:mod:`wijkkracht.data_sources.schema`.

The names below are imported on first use: importing :mod:`wijkkracht.data_sources.schema`
(as the core does) does not import the file readers and their pyogrio, which the QGIS plugin
never needs (QGIS reads the files itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "read_streets",
    "read_pois",
    "read_area",
    "list_layers",
    "normalize_streets",
    "normalize_pois",
    "normalize_area",
    "STREET_COLUMNS",
    "POI_COLUMNS",
    "read_bag_gpkg",
    "read_bag_lv",
    "fetch_bag_ogc",
    "parse_gebruiksdoel",
    "validate_bag",
    "normalise_bag",
    "BAG_COLUMNS",
    "read_establishments",
    "normalise_establishments",
    "load_mapping",
    "geolocate",
    "ESTABLISHMENT_COLUMNS",
    "write_problems",
    "problems_frame",
    "establishments_on_bag",
    "read_areas",
    "AREA_COLUMNS",
]

if TYPE_CHECKING:  # pragma: no cover
    from .areas import AREA_COLUMNS, read_areas
    from .bag import (
        BAG_COLUMNS,
        fetch_bag_ogc,
        normalise_bag,
        parse_gebruiksdoel,
        read_bag_gpkg,
        read_bag_lv,
        validate_bag,
    )
    from .establishments import (
        ESTABLISHMENT_COLUMNS,
        establishments_on_bag,
        geolocate,
        load_mapping,
        normalise_establishments,
        problems_frame,
        read_establishments,
        write_problems,
    )
    from .files import list_layers, read_area, read_pois, read_streets
    from .schema import (
        POI_COLUMNS,
        STREET_COLUMNS,
        normalize_area,
        normalize_pois,
        normalize_streets,
    )

_FROM_AREAS = ("read_areas", "AREA_COLUMNS")
_FROM_FILES = ("read_streets", "read_pois", "read_area", "list_layers")
_FROM_BAG = ("read_bag_gpkg", "read_bag_lv", "fetch_bag_ogc", "parse_gebruiksdoel",
             "validate_bag", "normalise_bag", "BAG_COLUMNS")
_FROM_ESTABLISHMENTS = ("read_establishments", "normalise_establishments", "load_mapping",
                        "geolocate", "ESTABLISHMENT_COLUMNS", "write_problems",
                        "problems_frame", "establishments_on_bag")


def __getattr__(name: str) -> Any:
    if name in _FROM_AREAS:
        from . import areas

        return getattr(areas, name)
    if name in _FROM_FILES:
        from . import files

        return getattr(files, name)
    if name in _FROM_BAG:
        from . import bag

        return getattr(bag, name)
    if name in _FROM_ESTABLISHMENTS:
        from . import establishments

        return getattr(establishments, name)
    if name in __all__:
        from . import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
