"""Indicator algorithms: one indicator group each, for the street segments of the study area.

Each takes the street layer (the walking network, buffered beyond the study area), the POIs
and the study area, and writes the study-area segments (``segment_id``, ``osm_id``,
``street_name``, ``highway``, ``length_m``) with the group's fields. The values are those of
the whole analysis for the same inputs (:func:`wijkkracht.core.layers.indicators_for_layers`).
The same inputs give the same segments and ``segment_id`` in every algorithm, so their outputs
join on ``segment_id``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
)

from .base import WijkkrachtAlgorithm
from .styling import LayerStyle

__all__ = ["IndicatorAlgorithm", "ProximityAlgorithm", "MixedUseAlgorithm", "NoMixAlgorithm",
           "VacancyAlgorithm"]

_JOIN_NOTE = (" Every indicator algorithm writes the same segments for the same inputs: "
              "join their outputs on segment_id, or run the neighbourhood analysis for all "
              "indicators and the opportunity types at once.")


class IndicatorAlgorithm(WijkkrachtAlgorithm):
    """One indicator group of :data:`wijkkracht.core.pipeline.INDICATOR_GROUPS`."""

    GROUP = "indicators"
    OUTPUT = "OUTPUT"
    #: The group (a key of ``core.pipeline.INDICATOR_GROUPS``; ``INDICATOR_GROUPS`` = the
    #: same registry group, for the help).
    CORE_GROUP: ClassVar[str] = ""
    #: The indicator the output layer is coloured by.
    MAIN_INDICATOR: ClassVar[str] = ""
    #: English name of the output layer.
    OUTPUT_NAME: ClassVar[str] = ""

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add_streets()
        self.add_pois()
        self.add_area()
        self.add_network_options()
        self.add_sink(self.OUTPUT, self.OUTPUT_NAME,
                      "The street segments of the study area with the new fields.",
                      QgsProcessing.SourceType.TypeVectorLine)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.layers import LAYER_ATTRIBUTION, indicators_for_layers

        options = self.network_options(parameters, context)  # checked before any reading
        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        run = self.run_core(indicators_for_layers, streets, pois, area, group=self.CORE_GROUP,
                            progress=self.core_progress(steps), **options)
        self.warn(feedback, run.warnings)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        style = LayerStyle("indicator", self.OUTPUT_NAME, LAYER_ATTRIBUTION,
                           indicator=self.MAIN_INDICATOR)
        return {self.OUTPUT: self.write_layer(parameters, self.OUTPUT, context, steps,
                                              run.streets, style)}


class ProximityAlgorithm(IndicatorAlgorithm):
    NAME = "proximity"
    DISPLAY_NAME = "Proximity (walking distance to everyday amenities)"
    DESCRIPTION = "Walking distance from every street to the nearest everyday amenities."
    CORE_GROUP = "proximity"
    INDICATOR_GROUPS = ("proximity",)
    MAIN_INDICATOR = "everyday_800"
    OUTPUT_NAME = "Proximity per street segment"
    HELP = ("For every street segment of the study area: the walking distance along the "
            "network from the middle of the segment to the nearest supermarket, bakery, "
            "pharmacy/chemist, GP, primary school and public-transport stop (each amenity "
            "placed at its exact position on its nearest street), how many of each lie within "
            "400 m and 800 m, and how many of the six categories lie within 800 m. Distances "
            "are computed on the whole street layer, so an amenity just beyond the study area "
            "counts." + _JOIN_NOTE)
    REFERENCES = (
        "Moreno, C., Allam, Z., Chabaud, D., Gall, C., Pratlong, F. (2021). Introducing the "
        "'15-Minute City': sustainability, resilience and place identity in future "
        "post-pandemic cities. Smart Cities 4(1), 93-111.",
    )


class MixedUseAlgorithm(IndicatorAlgorithm):
    NAME = "mixeduse"
    DISPLAY_NAME = "Mixed use (diversity and non-residential share)"
    DESCRIPTION = "How many and how diverse the functions within walking distance are."
    CORE_GROUP = "mixed_use"
    INDICATOR_GROUPS = ("mixed_use",)
    MAIN_INDICATOR = "hill1_400"
    OUTPUT_NAME = "Mixed use per street segment"
    HELP = ("For every street segment of the study area: the non-residential functions "
            "(shops, food and drink, services, care, education, culture, offices, crafts) "
            "within 400 m along the network, how many kinds (Hill number q=0), how diverse "
            "(Shannon entropy; Hill numbers q=1 and q=2, the effective number of equally "
            "common kinds), the functions on the segment itself, and the share of "
            "non-residential buildings among the buildings of known use within 400 m (Jane "
            "Jacobs' fine-grained mix)." + _JOIN_NOTE)
    REFERENCES = (
        "Jacobs, J. (1961). The Death and Life of Great American Cities. Random House.",
        "Hill, M. O. (1973). Diversity and evenness: a unifying notation and its consequences. "
        "Ecology 54(2), 427-432.",
        "Shannon, C. E. (1948). A mathematical theory of communication. Bell System Technical "
        "Journal 27, 379-423.",
    )


class NoMixAlgorithm(IndicatorAlgorithm):
    NAME = "nomix"
    DISPLAY_NAME = "N/O mix (necessary and distinctive businesses)"
    DESCRIPTION = "Necessary (N) and distinctive (O) businesses near every street, and their balance."
    CORE_GROUP = "no_mix"
    INDICATOR_GROUPS = ("no_mix",)
    MAIN_INDICATOR = "no_balance_400"
    OUTPUT_NAME = "N/O mix per street segment"
    HELP = ("For every street segment of the study area: the businesses within 400 m along "
            "the network that are N (noodzakelijk: everyday necessities such as groceries, "
            "bakery, pharmacy, GP) and O (onderscheidend: distinctive, identity-giving "
            "businesses such as specialty shops, crafts, food and drink, culture), and their "
            "balance 1 - |N - O| / (N + O). Which OSM tag is N or O comes from the editable "
            "tag classification table (data/poi_categories.csv, or your own)." + _JOIN_NOTE)


class VacancyAlgorithm(IndicatorAlgorithm):
    NAME = "vacancy"
    DISPLAY_NAME = "Vacancy (vacant shop fronts)"
    DESCRIPTION = "Vacant shop fronts as a share of the shop fronts near every street."
    CORE_GROUP = "vacancy"
    INDICATOR_GROUPS = ("vacancy",)
    MAIN_INDICATOR = "vacancy_share_400"
    OUTPUT_NAME = "Vacancy per street segment"
    HELP = ("For every street segment of the study area: the shop fronts (shop=*) within "
            "400 m along the network, the vacant ones among them (shop=vacant, disused:shop=*, "
            "vacant:shop=*), and their share. OpenStreetMap records vacancy unevenly: a low "
            "share may be unmapped vacancy." + _JOIN_NOTE)
    REFERENCES = (
        "OpenStreetMap Wiki: Tag:shop=vacant and Key:disused:* "
        "(https://wiki.openstreetmap.org/wiki/Tag:shop%3Dvacant).",
    )
