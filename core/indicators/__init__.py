"""Indicators: pure functions ``f(network, pois) -> DataFrame`` aligned to the network's
segments, with units and Dutch/English labels in :mod:`.registry`."""

from .bag import (
    bag_indicators,
    bag_mixed_use,
    bag_vacancy,
    building_age_diversity,
    business_dynamics,
    hidden_economy,
    sbi_no_mix,
)
from .liveliness import liveliness
from .mixed_use import diversity, mixed_use, nonres_building_share
from .no_mix import no_mix
from .proximity import proximity
from .registry import INDICATORS, Indicator, indicator
from .vacancy import vacancy

__all__ = [
    "proximity",
    "mixed_use",
    "nonres_building_share",
    "no_mix",
    "vacancy",
    "diversity",
    "INDICATORS",
    "Indicator",
    "indicator",
    "bag_mixed_use",
    "bag_vacancy",
    "hidden_economy",
    "business_dynamics",
    "sbi_no_mix",
    "building_age_diversity",
    "bag_indicators",
    "liveliness",
]

#: The indicator functions the pipeline runs, in order (``liveliness`` is not among them: it
#: needs a reference week and returns an hour profile besides its columns).
ALL_INDICATORS = (proximity, mixed_use, nonres_building_share, no_mix, vacancy)
