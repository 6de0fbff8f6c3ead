"""Data sources: streets and POIs from files, OSM extracts and live OpenStreetMap (Overpass).

All readers return GeoDataFrames in EPSG:28992 that follow the schemas documented in
:mod:`wijkkracht.data_sources.schema`.
"""

from .files import list_layers, read_area, read_pois, read_streets
from .schema import POI_COLUMNS, STREET_COLUMNS, normalize_pois, normalize_streets

__all__ = [
    "read_streets",
    "read_pois",
    "read_area",
    "list_layers",
    "normalize_streets",
    "normalize_pois",
    "STREET_COLUMNS",
    "POI_COLUMNS",
]
