"""The result of an analysis: what every output (GeoPackage, map, QGIS layers) is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["AnalysisResult", "OSM_ATTRIBUTION", "OSM_LICENCE", "HOUR_COLUMNS", "DAYS"]

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_LICENCE = "ODbL 1.0 (https://opendatacommons.org/licenses/odbl/)"

#: Days of the week (ISO order, Monday first): short Dutch and English names.
DAYS: tuple[tuple[str, str], ...] = (("ma", "Mon"), ("di", "Tue"), ("wo", "Wed"), ("do", "Thu"),
                                     ("vr", "Fri"), ("za", "Sat"), ("zo", "Sun"))
#: The columns of the 168-hour profile (``AnalysisResult.hours``): ``ma_00`` = Monday
#: 00:00–01:00 ... ``zo_23`` = Sunday 23:00–24:00, local time (Europe/Amsterdam).
HOUR_COLUMNS: tuple[str, ...] = tuple(f"{d}_{h:02d}" for d, _ in DAYS for h in range(24))


@dataclass
class AnalysisResult:
    """Everything one analysis produced.

    Attributes
    ----------
    streets
        One row per segment of the walking network in the *study area* (EPSG:28992), index
        ``segment_id``: ``street_name``, ``highway``, ``kind`` and ``is_street`` (see
        :mod:`wijkkracht.core.streets`), ``osm_id``, ``length_m``, every registered indicator
        (see :mod:`wijkkracht.core.indicators.registry`), ``fronting_n`` (addresses or
        buildings whose nearest street segment it is), ``street_id`` (its named street, ``""``
        for none), and the typology columns ``type_id`` (Int64; null for segments the
        typology does not classify, see ``typology_segments``), ``type_key`` (archetype key,
        see :data:`wijkkracht.core.typology.ARCHETYPES`, or ``untyped``), ``type_name_nl`` and
        ``type_name_en``.
    pois
        The classified POIs used (EPSG:28992) within the buffered area: POI schema plus
        ``function``, ``no_class``, ``everyday``, ``shopfront``, ``vacant``, ``building_use``,
        ``segment_id`` (nearest segment, -1 if none within the snapping distance),
        ``offset_m`` and ``snap_distance_m``, and ``in_study_area`` (bool).
    area
        The study area, one row (EPSG:28992): ``name`` plus summary figures.
    profile
        The typology profile: one row per type with ``type_id``, ``type_key``,
        ``type_name_nl``, ``type_name_en``, ``segments``, ``share`` and the mean of every
        typology feature in its own unit.
    metadata
        Provenance: tool version, parameters, data sources with attribution and licence,
        timings per step, warnings.
    rasters
        Intensity surfaces on the RD New grid (``analyse(..., rasters=...)``), name ->
        :class:`wijkkracht.core.rasters.Surface`; empty when none were asked for.
    hours
        The 168-hour profile of every street segment (``analyse(..., hours=...)``): index as
        ``streets``, columns :data:`HOUR_COLUMNS`, the number of POIs within walking reach
        that are open in that hour of the reference week; ``None`` when not computed.
    spending
        The daily-goods spending flows (``analyse(..., spending=True)``), a
        :class:`wijkkracht.core.spending.SpendingResult`; ``None`` when not computed.
    named_streets
        The named streets of the study area (:func:`wijkkracht.core.streets.named_streets`):
        one row per street with its length, main type and share of each type, and its
        indicators summarised along it; ``None`` for a result read back without it.
    typology_model
        The :class:`wijkkracht.core.typology.TypologyModel` that gave the types (fitted on
        this area, or the one given); ``None`` for a result read back without it.
    """

    streets: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    area: gpd.GeoDataFrame
    profile: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    rasters: dict[str, Any] = field(default_factory=dict)
    hours: pd.DataFrame | None = None
    spending: Any = None
    named_streets: gpd.GeoDataFrame | None = None
    typology_model: Any = None

    @property
    def attribution(self) -> str:
        """Attribution text every output made from this result must carry."""
        return str(self.metadata.get("attribution", f"Data {OSM_ATTRIBUTION}, {OSM_LICENCE}"))

    def __repr__(self) -> str:
        """A few lines, as a notebook shows a result: the area, the segments, the types, the
        indicators and the warnings (the frames themselves: ``result.streets`` ...)."""
        st = self.streets
        name = str(self.area["name"].iloc[0]) if "name" in self.area and len(self.area) \
            else "?"
        typed = st["type_id"].notna() if "type_id" in st else pd.Series(False, index=st.index)
        types = sorted({str(t) for t in st.loc[typed, "type_name_en"]}) \
            if "type_name_en" in st else []
        from .indicators import INDICATORS

        indicators = [c for c in INDICATORS if c in st]
        extras = [x for x, on in (("rasters", bool(self.rasters)),
                                  ("hours", self.hours is not None),
                                  ("spending", self.spending is not None)) if on]
        shown = ", ".join(types[:4]) + (f", ... (+{len(types) - 4})" if len(types) > 4 else "")
        more = ", ".join(indicators[:4]) + \
            (f", ... (+{len(indicators) - 4})" if len(indicators) > 4 else "")
        lines = [f"<AnalysisResult {name!r}: {len(st)} street segments, {typed.sum()} typed>",
                 f"  types ({len(types)}): {shown}",
                 f"  indicators ({len(indicators)}): {more}",
                 f"  pois: {len(self.pois)}; warnings: {len(self.metadata.get('warnings', []))}"
                 + (f"; also: {', '.join(extras)}" if extras else "")]
        return "\n".join(lines)

    def explore(self, *, lang: str = "nl", offline: bool = False, **kwargs: Any) -> Any:
        """The interactive map of the result as a :class:`folium.Map` (as
        :meth:`geopandas.GeoDataFrame.explore` returns one): the map
        :func:`wijkkracht.write_outputs` writes, shown in a notebook, without writing a file.

        ``lang`` and ``offline`` as for the written map; other keywords go to the map
        builder (:func:`wijkkracht.output.webmap.build_webmap`, e.g. ``web_assets``).
        """
        # the one call from the core up to an output, lazily (as GeoDataFrame.explore imports
        # geopandas.explore): allowed by name in tests/test_architecture_layers.py
        from ..output.webmap import build_webmap

        return build_webmap(self, lang=lang, offline=offline, **kwargs)
