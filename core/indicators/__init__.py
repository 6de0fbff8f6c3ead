"""Indicators: pure functions ``f(network, pois) -> DataFrame`` aligned to the network's
segments, with units and Dutch/English labels in :mod:`.registry`."""

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
]

#: The indicator functions the pipeline runs, in order.
ALL_INDICATORS = (proximity, mixed_use, nonres_building_share, no_mix, vacancy)
