"""The editable CSV tables read from files you give: the tag classification (POI categories),
the SBI 2008 N/O mapping and the CBS SBI 2025 -> SBI 2008 crosswalk.

Each reader reads the file and hands the header and rows to the core's parser
(:meth:`~wijkkracht.core.categories.CategoryTable.from_rows`,
:meth:`~wijkkracht.core.sbi.SbiMapping.from_rows`,
:meth:`~wijkkracht.core.sbi.SbiCrosswalk.from_rows`). The bundled tables are read once by
:mod:`wijkkracht.data_sources.bundled`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..core.category_table import CategoryTable
from ..core.errors import InputError
from ..core.sbi import SbiCrosswalk, SbiMapping
from .file_checks import check_file, os_reason

__all__ = ["read_csv_rows", "read_category_table", "read_sbi_mapping", "read_sbi2025_crosswalk"]


def read_csv_rows(path: str | Path, what: str, *, encoding: str = "utf-8"
                  ) -> tuple[list[str], list[dict[str | None, str | None]]]:
    """The header and rows of a CSV file; blank lines and lines starting with ``#`` are skipped.

    Raises
    ------
    InputError
        When the file does not exist or is not text in ``encoding``.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found")
    check_file(p, f"{what} CSV file", kind="text")  # a folder, binary data: said before reading
    try:
        text = p.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError(p, f"the {what} is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(p, f"cannot read the {what} ({os_reason(exc)})") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return list(reader.fieldnames or []), list(reader)


def read_category_table(path: str | Path) -> CategoryTable:
    """Read and validate a tag classification table (your own ``poi_categories.csv``).

    Raises
    ------
    InputError
        When the file is missing or not UTF-8, a column is missing, there are no rows, or a row
        is invalid (see :meth:`~wijkkracht.core.categories.CategoryTable.from_rows`).
    """
    p = Path(path)
    columns, rows = read_csv_rows(p, "category table")
    return CategoryTable.from_rows(columns, rows, p)


def read_sbi_mapping(path: str | Path) -> SbiMapping:
    """Read and validate an SBI N/O mapping table.

    The table has the columns ``sbi_prefix`` and ``no_class`` (more columns, e.g. ``label``
    and ``reason``, are kept for people and ignored here); lines starting with ``#`` are
    comments.

    Raises
    ------
    InputError
        When the file is missing or not UTF-8, a column is missing, a prefix is malformed or
        duplicated, or a class is not N, O or other (the message names the row).
    """
    p = Path(path)
    columns, rows = read_csv_rows(p, "SBI mapping table", encoding="utf-8-sig")
    return SbiMapping.from_rows(columns, rows, p)


def read_sbi2025_crosswalk(path: str | Path) -> SbiCrosswalk:
    """Read the CBS SBI 2025 -> SBI 2008 correspondence table from a CSV you provide.

    Not shipped: the official table is not available offline here. Columns ``sbi2025`` and
    ``sbi2008``; optional ``weight`` (a number): when one SBI 2025 code has several SBI 2008
    counterparts the row with the largest weight wins (without weights, the first row).

    Raises
    ------
    InputError
        Missing file or column, malformed code or weight (the message names the row).
    """
    columns, rows = read_csv_rows(path, "SBI 2025 crosswalk", encoding="utf-8-sig")
    return SbiCrosswalk.from_rows(columns, rows, Path(path))
