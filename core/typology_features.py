"""The typology's features and how each is transformed before standardisation.

A module of its own, without imports, so that the QGIS plugin can list the features when QGIS
starts without loading numpy, pandas or scikit-learn. :mod:`wijkkracht.core.typology` re-exports
:data:`TYPOLOGY_FEATURES`.
"""

from __future__ import annotations

__all__ = ["TYPOLOGY_FEATURES", "BAG_TYPOLOGY_FEATURES", "EXTRA_TYPOLOGY", "TRANSFORMS",
           "typology_features"]

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

#: Features added when the streets carry the BAG/KvK indicators (``analyse(bag=...)``): floor
#: area mix (MXI, van den Hoek), intensity of non-residential units, diversity of uses by floor
#: area; with establishments also the vacancy indication and the share of home-based
#: businesses (the hidden economy).
BAG_TYPOLOGY_FEATURES: dict[str, str] = {
    "mxi_400": "identity",
    "nonres_units_per_100m": "log1p",
    "bag_use_hill1_400": "identity",
    "bag_vacant_share": "identity",
    "home_based_share": "identity",
}


#: Optional feature groups (``analyse(typology_extra=...)``, ``--typology-with``): time
#: (liveliness in the evening, hours with both N and O open) and spending (what the shops of
#: the street draw, and how much of the dwellings' spending stays in their zone).
EXTRA_TYPOLOGY: dict[str, dict[str, str]] = {
    "hours": {"evening_share": "identity", "n_o_hours_per_day": "identity"},
    "spending": {"spend_drawn": "log1p", "spend_kept_share": "identity"},
}


def typology_features(columns) -> dict[str, str]:  # noqa: ANN001 - any iterable of names
    """The typology features for a table with ``columns``: :data:`TYPOLOGY_FEATURES` plus the
    :data:`BAG_TYPOLOGY_FEATURES` that are present."""
    cols = set(columns)
    return {**TYPOLOGY_FEATURES, **{f: t for f, t in BAG_TYPOLOGY_FEATURES.items() if f in cols}}


#: The transformations: ``identity``, or ``log1p`` (log(1 + x), for counts).
TRANSFORMS = ("identity", "log1p")
