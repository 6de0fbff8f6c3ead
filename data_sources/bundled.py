"""The bundled data: the demo GeoPackage (real OpenStreetMap data of Kanaleneiland, Utrecht),
and the default tables -- the tag classification and the SBI 2008 N/O mapping -- read once
(:func:`functools.lru_cache`) as constants of the package.

The core takes its default tables from here when none is given; your own tables are read by
:mod:`wijkkracht.data_sources.tables`. No SBI 2025 crosswalk is bundled (the CBS table is not
available offline here).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.category_table import CategoryTable
    from ..core.sbi import SbiMapping

__all__ = [
    "demo_data_path",
    "default_category_table_path",
    "default_sbi_mapping_path",
    "default_category_table",
    "default_sbi_mapping",
]


def _data(name: str) -> Path:
    return Path(str(resources.files("wijkkracht") / "data" / name))


def demo_data_path() -> Path:
    """Path of the bundled demo GeoPackage (real OSM data of Kanaleneiland, Utrecht)."""
    return _data("kanaleneiland.gpkg")


def default_category_table_path() -> Path:
    """Path of the bundled tag classification table (``data/poi_categories.csv``)."""
    return _data("poi_categories.csv")


def default_sbi_mapping_path() -> Path:
    """Path of the bundled SBI 2008 N/O mapping table (``data/sbi_no_mapping.csv``)."""
    return _data("sbi_no_mapping.csv")


@lru_cache(maxsize=1)
def default_category_table() -> CategoryTable:
    """The bundled tag classification table, read once."""
    from .tables import read_category_table

    return read_category_table(default_category_table_path())


@lru_cache(maxsize=1)
def default_sbi_mapping() -> SbiMapping:
    """The bundled SBI 2008 N/O mapping, read once."""
    from .tables import read_sbi_mapping

    return read_sbi_mapping(default_sbi_mapping_path())
