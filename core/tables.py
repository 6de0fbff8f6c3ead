"""Editable CSV tables (the POI categories, the SBI N/O mapping, the SBI 2025 crosswalk): the
check every such table passes.

The core parses tables that have been read (``CategoryTable.from_rows``,
``SbiMapping.from_rows``, ``SbiCrosswalk.from_rows``: a header and rows of text in, a table out);
:func:`require_columns` is the check they share. The files are read by
:mod:`wijkkracht.data_sources.tables` (the core reads no files).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .errors import InputError

__all__ = ["require_columns"]


def require_columns(columns: Sequence[str], rows: Iterable[Mapping[str | None, object]],
                    what: str, required: Sequence[str],
                    source: str | Path | None) -> list[dict[str, str]]:
    """The rows of a table that has the ``required`` columns and at least one row.

    Parameters
    ----------
    columns
        The header.
    rows
        One mapping per row, column -> text (None or a missing key = empty; a ``None`` key,
        :class:`csv.DictReader`'s surplus values, is dropped).
    what
        The table's name in messages (``"SBI mapping table"``).
    required
        The columns it must have.
    source
        Where it comes from (a path), named first in messages.

    Returns
    -------
    list of dict
        The rows with every value stripped (``""`` for None).

    Raises
    ------
    InputError
        When a required column is missing, or there are no rows.
    """
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(source, f"{what} lacks column(s) {', '.join(missing)}")
    out = [{k: (str(v) if v else "").strip() for k, v in row.items() if k is not None}
           for row in rows]
    if not out:
        raise InputError(source, f"the {what} has no rows")
    return out
