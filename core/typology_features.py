"""The typology's features and how each is transformed before standardisation.

A module of its own, without imports, so that the QGIS plugin can list the features when QGIS
starts without loading numpy, pandas or scikit-learn. :mod:`wijkkracht.core.typology` re-exports
:data:`TYPOLOGY_FEATURES`.
"""

from __future__ import annotations

__all__ = ["TYPOLOGY_FEATURES", "TRANSFORMS"]

#: Typology features (indicator columns) and their transformation before standardisation.
TYPOLOGY_FEATURES: dict[str, str] = {
    "everyday_800": "identity",
    "functions_400": "log1p",
    "hill1_400": "identity",
    "n_count_400": "log1p",
    "o_count_400": "log1p",
    "nonres_share_400": "identity",
    "vacancy_share_400": "identity",
}

#: The transformations: ``identity``, or ``log1p`` (log(1 + x), for counts).
TRANSFORMS = ("identity", "log1p")
