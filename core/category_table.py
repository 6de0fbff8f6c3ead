"""The tag classification table of :mod:`wijkkracht.core.categories`: its classes and the
parsed table (no I/O: the file is read by :func:`wijkkracht.data_sources.tables.read_category_table`,
the bundled one by :func:`wijkkracht.data_sources.bundled.default_category_table`).

Import the names from :mod:`wijkkracht.core.categories`, which re-exports them; this module
sits below it so that :mod:`wijkkracht.data_sources` can parse a table without importing
:func:`~wijkkracht.core.categories.classify_pois` (which takes the bundled table by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .labels import Label
from .tables import require_columns

__all__ = [
    "FUNCTIONS",
    "EVERYDAY",
    "EVERYDAY_NEEDS",
    "NO_CLASSES",
    "CATEGORY_COLUMNS",
    "CategoryTable",
]


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

#: The columns of a category table (a table may have more; they are ignored).
CATEGORY_COLUMNS = ("tag", "function", "no_class", "everyday", "shopfront", "vacant",
                    "building_use")


def _row_problems(table: pd.DataFrame) -> list[str]:
    """What is wrong with each row of a category table (stripped text), in row order."""
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
    return problems


@dataclass(frozen=True)
class CategoryTable:
    """The parsed tag mapping: one row per ``key=value`` (or ``key=*``) tag."""

    table: pd.DataFrame
    source: str

    @classmethod
    def from_rows(cls, columns: Sequence[str], rows: Iterable[Mapping[str | None, object]],
                  source: str | Path) -> CategoryTable:
        """Validate a table that has been read: its header and its rows (column -> text).

        No I/O (the file is read by
        :func:`wijkkracht.data_sources.tables.read_category_table`). ``columns`` must hold
        :data:`CATEGORY_COLUMNS` (more are ignored); ``source`` names the table in messages.

        Raises
        ------
        InputError
            When a column is missing, there are no rows, or a row is invalid (the message
            names the first three such rows).

        Examples
        --------
        >>> t = CategoryTable.from_rows(CATEGORY_COLUMNS, [{"tag": "shop=bakery",
        ...     "function": "daily_goods", "no_class": "N", "everyday": "bakery"}], "mine")
        >>> t.lookup(pd.Series(["shop=bakery"]))["everyday"].tolist()
        ['bakery']
        """
        checked = require_columns(columns, rows, "category table", CATEGORY_COLUMNS, source)
        table = pd.DataFrame(checked, columns=list(CATEGORY_COLUMNS)).fillna("")
        for col in CATEGORY_COLUMNS:
            table[col] = table[col].astype(str).str.strip()
        problems = _row_problems(table)
        if table["tag"].duplicated().any():
            dups = ", ".join(table.loc[table["tag"].duplicated(), "tag"].head(3))
            problems.append(f"duplicate tags: {dups}")
        if problems:
            raise InputError(source, "invalid category table: " + "; ".join(problems[:3]))
        for flag in ("shopfront", "vacant"):
            table[flag] = table[flag].replace("", "0").astype(int)
        return cls(table=table, source=str(source))

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
