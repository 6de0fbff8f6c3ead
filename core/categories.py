"""Classification of OSM tags into what wijkkracht measures.

The mapping lives in an editable CSV table (``data/poi_categories.csv``; pass your own with
``--categories``, read by :func:`wijkkracht.data_sources.tables.read_category_table`).
Each ``key=value`` tag maps to:

* ``function``: a function class for the diversity measures (:data:`FUNCTIONS`);
* ``no_class``: ``N`` (*noodzakelijk*: everyday necessity), ``O`` (*onderscheidend*:
  distinctive, identity-giving) or ``other``;
* ``everyday``: an everyday category for the proximity measures (:data:`EVERYDAY`); on
  ``amenity=school`` the value ``primary_school`` means "a school whose level is checked":
  :mod:`wijkkracht.core.amenities` keeps it a primary school only on evidence
  (``isced:level``, ``school``, the name), and makes it ``school_unknown_level`` otherwise;
* ``shopfront`` / ``vacant``: whether the object is a shop front, and a vacant one;
* ``building_use``: ``residential`` or ``non_residential`` for ``building=*`` tags.

A row ``key=*`` is the fallback for every value of that key not listed explicitly.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from ..data_sources.bundled import default_category_table
from .category_table import (
    CATEGORY_COLUMNS,
    EVERYDAY,
    EVERYDAY_NEEDS,
    FUNCTIONS,
    NO_CLASSES,
    CategoryTable,
)
from .labels import Label

__all__ = [
    "Label",
    "FUNCTIONS",
    "EVERYDAY",
    "EVERYDAY_NEEDS",
    "NO_CLASSES",
    "CATEGORY_COLUMNS",
    "CategoryTable",
    "category_table",
    "classify_pois",
]


def category_table(categories: Any) -> CategoryTable:
    """The table to classify with: ``categories`` itself, or the bundled table when it is None.

    Raises
    ------
    TypeError
        When ``categories`` is something else, e.g. the path of a table: the core reads no
        files; read it with :func:`wijkkracht.data_sources.tables.read_category_table`.
    """
    if categories is None:
        return default_category_table()
    if isinstance(categories, CategoryTable):
        return categories
    raise TypeError("categories: give a CategoryTable (read it with "
                    "wijkkracht.data_sources.tables.read_category_table)")


def classify_pois(pois: gpd.GeoDataFrame, table: CategoryTable | None = None) -> gpd.GeoDataFrame:
    """Add the classification columns to a POI layer (POI schema), aligned to its index.

    ``table`` defaults to the bundled table (see :func:`category_table`). Added columns:
    ``function``, ``no_class``, ``everyday``, ``shopfront`` (bool), ``vacant`` (bool) and
    ``building_use``; empty strings where a tag has no such class.
    """
    table = category_table(table)
    classes = table.lookup(pois["tag"].astype(str))
    out = pois.copy()
    for col in ("function", "no_class", "everyday", "shopfront", "vacant", "building_use"):
        out[col] = classes[col].to_numpy()
    return out
