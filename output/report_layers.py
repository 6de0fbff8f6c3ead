"""A result made of separate layers (part of :mod:`wijkkracht.output.report`), for a report on
the outputs of QGIS's *Neighbourhood analysis*: the streets with their opportunity types and
the types' profile, with the POIs, the study area and the areas where given.

A run's GeoPackage carries the run's metadata (date, parameters, sources); separate layers carry
only what their own metadata says (the attribution, whether an input was SYNTHETIC), so the
report on them states that and no more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import geopandas as gpd
import pandas as pd

from ..core.errors import InputError
from ..core.result import AnalysisResult

__all__ = ["result_from_layers"]


def result_from_layers(streets: gpd.GeoDataFrame, profile: pd.DataFrame, *,
                       pois: gpd.GeoDataFrame | None = None,
                       area: gpd.GeoDataFrame | None = None,
                       areas: gpd.GeoDataFrame | None = None,
                       attribution: str | None = None, synthetic: Sequence[str] = (),
                       privacy_threshold: int | None = None,
                       source: str = "streets") -> AnalysisResult:
    """An analysis result from the layers an analysis wrote, for :func:`build_report`.

    Parameters
    ----------
    streets
        Street segments with the type fields (``type_key``, ``type_name_nl``,
        ``type_name_en``) and the indicators, in any CRS; ``segment_id`` becomes the index.
    profile
        The profile of the opportunity types (one row per type, ``type_key``); a geometry
        column is dropped.
    pois
        Classified POIs (``no_class``) or POIs with a ``tag`` column; ``None``: none.
    area
        The study area (with its summary figures); ``None``: none.
    areas
        The summary per area (``area_code``, ``area_name``): one page per area.
    attribution
        The data attribution of the layers (default: OpenStreetMap's).
    synthetic
        The inputs that were SYNTHETIC (``"bag"``, ``"establishments"``, ...).
    privacy_threshold
        Establishment counts below it are suppressed again, and the page states the rule.
    source
        The streets layer's name, for messages.

    Returns
    -------
    AnalysisResult
        An ``AreaAnalysisResult`` with ``areas``; ``metadata`` holds the attribution,
        ``synthetic`` and ``privacy_threshold``.

    Raises
    ------
    InputError
        Streets without opportunity types or CRS, a profile without ``type_key``, POIs that
        are neither classified nor in the POI schema.
    """
    from ..core.pipeline import AreaAnalysisResult
    from ..data_sources.schema import to_rd_new
    from .webmap_layers import result_for_map

    if "type_key" not in profile.columns:
        raise InputError("profile", "not the profile of the opportunity types (no column "
                                    "type_key); give the profile table the analysis wrote")
    result = result_for_map(streets, pois, area, attribution=attribution, source=source,
                            synthetic=synthetic, privacy_threshold=privacy_threshold)
    roads = result.streets
    if "segment_id" in roads.columns:
        roads = roads.set_index("segment_id")
    table = pd.DataFrame(profile).drop(columns=["geometry"], errors="ignore")
    result = replace(result, streets=roads, profile=table.reset_index(drop=True))
    if areas is None:
        return result
    if "area_code" not in areas.columns:
        raise InputError("areas", "not a summary per area (no column area_code); give the "
                                  "summary per area the analysis wrote")
    summary = to_rd_new(areas, "areas")
    return AreaAnalysisResult(**{f: getattr(result, f) for f in result.__dataclass_fields__},
                              areas=summary)
