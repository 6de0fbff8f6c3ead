"""Classification of OSM tags into what wijkkracht measures.

The mapping lives in an editable CSV table (``data/poi_categories.csv``; pass your own with
``--categories``). Each ``key=value`` tag maps to:

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

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "Label",
    "FUNCTIONS",
    "EVERYDAY",
    "EVERYDAY_NEEDS",
    "NO_CLASSES",
    "CategoryTable",
    "load_category_table",
    "classify_pois",
    "default_table_path",
]


@dataclass(frozen=True)
class Label:
    """A Dutch and an English label."""

    nl: str
    en: str

    def __call__(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en


#: Function classes used for diversity (Shannon, Hill numbers). Order fixes column order.
FUNCTIONS: dict[str, Label] = {
    "daily_goods": Label("Dagelijkse boodschappen", "Daily goods"),
    "nonfood_retail": Label("Niet-dagelijkse winkels", "Non-food retail"),
    "personal_services": Label("Persoonlijke diensten", "Personal services"),
    "food_and_drink": Label("Horeca", "Food and drink"),
    "health_care": Label("Zorg", "Health care"),
    "education": Label("Onderwijs en kinderopvang", "Education and childcare"),
    "culture_community": Label("Cultuur en ontmoeting", "Culture and community"),
    "sport_leisure": Label("Sport en vrije tijd", "Sport and leisure"),
    "offices": Label("Kantoren", "Offices"),
    "crafts": Label("Ambachten", "Crafts"),
    "automotive": Label("Auto en mobiliteit", "Automotive"),
    "public_services": Label("Publieke diensten", "Public services"),
}

#: Everyday categories for proximity ("nabijheid"). Order fixes column order.
EVERYDAY: dict[str, Label] = {
    "supermarket": Label("Supermarkt", "Supermarket"),
    "bakery": Label("Bakker", "Bakery"),
    "pharmacy": Label("Apotheek", "Pharmacy"),
    "drugstore": Label("Drogist", "Drugstore (drogist)"),
    "gp": Label("Huisarts", "General practitioner"),
    "primary_school": Label("Basisschool", "Primary school"),
    "school_unknown_level": Label("School (niveau onbekend)", "School (level unknown)"),
    "pt_stop": Label("Ov-halte", "Public-transport stop"),
}

#: The everyday needs of ``everyday_800`` (how many of them lie within 800 m): the six
#: amenities of daily life. A drugstore is no pharmacy, and a school of unknown level is no
#: primary school (:mod:`wijkkracht.core.amenities`).
EVERYDAY_NEEDS: tuple[str, ...] = ("supermarket", "bakery", "pharmacy", "gp", "primary_school",
                                   "pt_stop")

NO_CLASSES: dict[str, Label] = {
    "N": Label("Noodzakelijk", "Necessary (everyday)"),
    "O": Label("Onderscheidend", "Distinctive"),
    "other": Label("Overig", "Other"),
}

_COLUMNS = ("tag", "function", "no_class", "everyday", "shopfront", "vacant", "building_use")


@dataclass(frozen=True)
class CategoryTable:
    """The parsed tag mapping: one row per ``key=value`` (or ``key=*``) tag."""

    table: pd.DataFrame
    source: str

    def lookup(self, tags: pd.Series) -> pd.DataFrame:
        """Classification rows for ``tags`` (``key=value`` strings), aligned to their index.

        Exact tags win over the ``key=*`` fallback; unknown tags get empty classes.
        """
        exact = self.table.set_index("tag")
        keys = tags.str.partition("=")[0]
        wildcard = keys + "=*"
        matched = np.where(tags.isin(exact.index), tags,
                           np.where(wildcard.isin(exact.index), wildcard, None))
        out = exact.reindex(pd.Index(matched, dtype=object))
        out.index = tags.index
        out = out.fillna({"function": "", "no_class": "", "everyday": "", "building_use": ""})
        out["shopfront"] = out["shopfront"].fillna(0).astype(bool)
        out["vacant"] = out["vacant"].fillna(0).astype(bool)
        return out


def default_table_path() -> Path:
    """Path of the bundled mapping table."""
    return Path(str(resources.files("wijkkracht") / "data" / "poi_categories.csv"))


def load_category_table(path: str | Path | None = None) -> CategoryTable:
    """Read and validate a mapping table (the bundled one when ``path`` is None)."""
    p = Path(path) if path is not None else default_table_path()
    if not p.exists():
        raise InputError(p, "category table not found")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(p, "the category table is not UTF-8 text") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(p, f"category table lacks column(s) {', '.join(missing)}")
    rows = list(reader)
    if not rows:
        raise InputError(p, "the category table has no rows")
    table = pd.DataFrame(rows, columns=list(_COLUMNS)).fillna("")
    for col in _COLUMNS:
        table[col] = table[col].astype(str).str.strip()
    problems = []
    for i, row in table.iterrows():
        line = f"row {i + 1} ({row['tag']})"
        if "=" not in row["tag"]:
            problems.append(f"{line}: tag must be key=value")
        if row["function"] and row["function"] not in FUNCTIONS:
            problems.append(f"{line}: unknown function {row['function']!r}")
        if row["no_class"] and row["no_class"] not in NO_CLASSES:
            problems.append(f"{line}: no_class must be N, O or other")
        if row["everyday"] and row["everyday"] not in EVERYDAY:
            problems.append(f"{line}: unknown everyday category {row['everyday']!r}")
        if row["building_use"] and row["building_use"] not in ("residential", "non_residential"):
            problems.append(f"{line}: building_use must be residential or non_residential")
        for flag in ("shopfront", "vacant"):
            if row[flag] not in ("", "0", "1"):
                problems.append(f"{line}: {flag} must be 0 or 1")
    if table["tag"].duplicated().any():
        dups = ", ".join(table.loc[table["tag"].duplicated(), "tag"].head(3))
        problems.append(f"duplicate tags: {dups}")
    if problems:
        raise InputError(p, "invalid category table: " + "; ".join(problems[:3]))
    for flag in ("shopfront", "vacant"):
        table[flag] = table[flag].replace("", "0").astype(int)
    return CategoryTable(table=table, source=str(p))


def classify_pois(pois: gpd.GeoDataFrame, table: CategoryTable | None = None) -> gpd.GeoDataFrame:
    """Add the classification columns to a POI layer (POI schema), aligned to its index.

    Added columns: ``function``, ``no_class``, ``everyday``, ``shopfront`` (bool), ``vacant``
    (bool) and ``building_use``; empty strings where a tag has no such class.
    """
    table = table or load_category_table()
    classes = table.lookup(pois["tag"].astype(str))
    out = pois.copy()
    for col in ("function", "no_class", "everyday", "shopfront", "vacant", "building_use"):
        out[col] = classes[col].to_numpy()
    return out
