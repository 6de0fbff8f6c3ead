"""Layers as they come (any CRS; OSMnx, GDAL-OSM or wijkkracht column layouts), brought to the
schemas of :mod:`wijkkracht.data_sources.schema`: the first step of every function that takes
layers rather than files (:mod:`wijkkracht.core.layers`,
:func:`wijkkracht.core.rasters.surfaces_for_layers`).

A frame's ``attrs["source"]`` (e.g. the QGIS layer name), when set, names it in error messages;
otherwise ``streets``, ``pois`` and ``area`` do.

It imports only the schemas, so that any module of the core can use it without importing the
pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from ..data_sources.schema import normalize_area, normalize_pois, normalize_streets

__all__ = ["Layers", "normalize_layers"]


@dataclass(frozen=True)
class Layers:
    """Streets, POIs and study area in the schemas (EPSG:28992); None where not given."""

    streets: gpd.GeoDataFrame | None
    pois: gpd.GeoDataFrame | None
    area: gpd.GeoDataFrame | None
    names: dict[str, str]


def _name(gdf: gpd.GeoDataFrame, default: str) -> str:
    return str(gdf.attrs.get("source") or default)


def normalize_layers(
    streets: gpd.GeoDataFrame | None = None,
    pois: gpd.GeoDataFrame | None = None,
    area: gpd.GeoDataFrame | None = None,
) -> Layers:
    """Bring the given layers to the street schema, the POI schema and one study area.

    Parameters
    ----------
    streets
        Lines of the walking network (normalised with
        :func:`~wijkkracht.data_sources.schema.normalize_streets`).
    pois
        POIs and building points or polygons (:func:`~wijkkracht.data_sources.schema.normalize_pois`).
    area
        Study-area polygons, dissolved into one (:func:`~wijkkracht.data_sources.schema.normalize_area`).

    Returns
    -------
    Layers
        ``names`` maps ``streets``/``pois``/``area`` to the source names used.
    """
    names = {}
    out: dict[str, gpd.GeoDataFrame | None] = {"streets": None, "pois": None, "area": None}
    if streets is not None:
        names["streets"] = _name(streets, "streets")
        out["streets"] = normalize_streets(streets, names["streets"])
    if pois is not None:
        names["pois"] = _name(pois, "pois")
        out["pois"] = normalize_pois(pois, names["pois"])
    if area is not None:
        names["area"] = _name(area, "area")
        out["area"] = normalize_area(area, names["area"], default_name=names["area"])
    return Layers(streets=out["streets"], pois=out["pois"], area=out["area"], names=names)
