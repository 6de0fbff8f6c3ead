"""Study areas: the CBS *wijk- en buurtkaart* GeoPackage or any polygon layer.

CBS layout assumed (the GeoPackage of the wijk- en buurtkaart from 2022 on, as published by
CBS/PDOK; names are lower case):

============  =================================  ==========================
layer         code column                        name column
============  =================================  ==========================
``buurten``   ``buurtcode`` (``BU03440101``)     ``buurtnaam``
``wijken``    ``wijkcode`` (``WK034401``)        ``wijknaam``
``gemeenten`` ``gemeentecode`` (``GM0344``)      ``gemeentenaam``
============  =================================  ==========================

Polygons in EPSG:28992. Water-only areas (``water`` = ``JA``) are kept as areas. Rows sharing
a code (e.g. land and water parts of one area) are dissolved into one area.

Any other polygon layer works too (a municipality's own file of its buurten, the CBS
*gebiedsindelingen*, the editions up to 2021 with ``BU_CODE``/``BU_NAAM``): the columns are
found by :func:`area_columns`, the same for files (here) and QGIS layers (the Processing
algorithms):

* the **code column** is the one whose values are CBS codes (``BU`` + 8 digits, ``WK`` + 6,
  ``GM`` + 4, any case), whatever its name (``buurtcode``, ``cbsCode``, ``CBS_CODE``,
  ``statcode``, ...): among several, the one holding the prefix of the wanted codes, else the
  one of the layer's level (``buurten``: ``BU``), else the finest (a buurt layer also carries
  its ``gemeentecode``); a column that repeats its values (that ``gemeentecode``) only for
  codes of its prefix (``GM0344``: the buurten of the gemeente, dissolved into one area).
  Without CBS codes, or when the wanted codes are not CBS codes (a
  municipality's own numbering, ``0101``, ``A3``), a column called ``code``, ``id`` or
  ``identificatie`` (else one whose name ends in ``code``); else the row number. The caller
  may name the column (``field``; ``--area-field`` on the command line);
* the **name column** is one called like a name, any case and with or without ``_``: first
  the name of the code's level (``buurtnaam``/``BUURTNAAM``/``bu_naam`` for buurt codes),
  then ``naam``, ``name``, ``area_name``, ``statnaam``, ``gebiedsnaam``, then any other column
  whose name ends in ``naam``/``name`` (but not the name of another CBS level).

Output schema (:data:`AREA_COLUMNS`), one row per area, EPSG:28992:

* ``area_code`` -- the CBS code (``BU...``, ``WK...``, ``GM...``) or the layer's own id;
* ``area_name`` -- the name (the code when the layer has no name);
* ``level`` -- ``buurt``, ``wijk``, ``gemeente`` or ``other``;
* ``geometry`` -- valid (Multi)Polygons.

Only what is needed is read: the columns are found on a sample of the text columns (the
first rows, without geometry); a selection by code is passed to GDAL as an SQL ``where=``
filter on the code column (``buurtcode LIKE 'BU0344%'``), so a national file (~15 000 buurten)
is not loaded to read one municipality. A selection by name reads the name column only (no
geometry) first, then the matching rows.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from ..core.errors import InputError, NoDataError
from .files import _check_file, _file_layers, _short, list_layers
from .schema import RD_NEW, to_rd_new

__all__ = ["read_areas", "area_columns", "AreaColumns", "AREA_COLUMNS", "CBS_LAYERS",
           "CBS_CODE_SHAPE"]

#: Columns of the output of :func:`read_areas` (besides ``geometry``).
AREA_COLUMNS: tuple[str, ...] = ("area_code", "area_name", "level")

#: CBS layer -> (level, code column, name column, code prefix).
CBS_LAYERS: dict[str, tuple[str, str, str, str]] = {
    "buurten": ("buurt", "buurtcode", "buurtnaam", "BU"),
    "wijken": ("wijk", "wijkcode", "wijknaam", "WK"),
    "gemeenten": ("gemeente", "gemeentecode", "gemeentenaam", "GM"),
}
#: What a CBS code looks like (said when a code is not one).
CBS_CODE_SHAPE = ("a CBS code is BU + 8 digits (buurt, e.g. BU03630101), WK + 6 (wijk, "
                  "WK036301) or GM + 4 (gemeente, GM0363); a trailing * selects every code "
                  "that starts so (BU0363*)")
_PREFIX_LAYER = {v[3]: k for k, v in CBS_LAYERS.items()}
_PREFIX_LEVEL = {v[3]: v[0] for v in CBS_LAYERS.values()}
_PREFIX_RANK = {"BU": 0, "WK": 1, "GM": 2}  # the finest level first
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]+\*?$")
_CBS_VALUE = r"(?:BU\d{8}|WK\d{6}|GM\d{4})"
_CBS_CODE_RE = re.compile(rf"^{_CBS_VALUE}$", re.IGNORECASE)
_CBS_PATTERN_RE = re.compile(r"^(?:BU\d{0,8}|WK\d{0,6}|GM\d{0,4})\*$", re.IGNORECASE)
_LOOKS_CBS_RE = re.compile(r"^(?:BU|WK|GM)\d", re.IGNORECASE)
#: Rows read to recognise the columns (the first ones; text columns only, no geometry).
_SAMPLE_ROWS = 2_000
#: Share of a column's values that must be CBS codes for it to count as a CBS code column.
_CBS_SHARE = 0.9
#: Names (lower case, without ``_``/``-``/spaces) of code columns.
_GENERIC_CODE = ("areacode", "code", "id", "identificatie", "fid")
_CBS_CODE_NAMES = ("areacode", "buurtcode", "wijkcode", "gemeentecode", "bucode", "wkcode",
                   "gmcode", "statcode", "cbscode")
#: Names of name columns: per level, then generic.
_LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "buurt": ("buurtnaam", "bunaam"),
    "wijk": ("wijknaam", "wknaam"),
    "gemeente": ("gemeentenaam", "gmnaam"),
}
_GENERIC_NAME = ("naam", "name", "areaname", "statnaam", "gebiedsnaam", "gebiednaam")
_NAME_HELP = "naam, name, buurtnaam, wijknaam, gemeentenaam, statnaam or area_name, any case"


class AreaColumns(NamedTuple):
    """The columns of an area layer found by :func:`area_columns`."""

    level: str
    """``buurt``, ``wijk`` or ``gemeente`` (the codes are CBS codes of that level), or
    ``other``."""
    code: str | None
    """The column of the area codes (``None``: none; the row number is the code)."""
    name: str | None
    """The column of the area names (``None``: none; the code is the name)."""


def _norm(column: str) -> str:
    """A column name compared: lower case, without ``_``, ``-``, ``.`` and spaces."""
    return re.sub(r"[^a-z0-9]", "", column.lower())


def _column_list(columns: Sequence[str], most: int = 15) -> str:
    shown = ", ".join(columns[:most])
    return shown + (f", ... ({len(columns) - most} more)" if len(columns) > most else "")


def cbs_code_columns(columns: Sequence[str], sample: pd.DataFrame | None) -> dict[str, str]:
    """The columns of ``sample`` whose values are CBS codes, with their prefix.

    A column counts when at least 90 % of its non-empty values are CBS codes (``BU`` + 8
    digits, ``WK`` + 6, ``GM`` + 4, any case); its prefix is the most common one.
    """
    found: dict[str, str] = {}
    if sample is None:
        return found
    for col in columns:
        if col not in sample.columns:
            continue
        series = sample[col]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        values = series.dropna().astype(str).str.strip()
        values = values[values != ""]
        if values.empty:
            continue
        hit = values.str.fullmatch(_CBS_VALUE, case=False)
        if float(hit.mean()) >= _CBS_SHARE:
            found[col] = str(values[hit].str[:2].str.upper().mode().iloc[0])
    return found


def _named_column(field: str, columns: Sequence[str], source: str) -> str:
    """The column ``field`` names (any case); an unknown one is an error naming the closest."""
    lower = {c.lower(): c for c in columns}
    if field.lower() in lower:
        return lower[field.lower()]
    close = difflib.get_close_matches(field.lower(), list(lower), n=1, cutoff=0.5)
    hint = f"; did you mean {lower[close[0]]!r}?" if close else ""
    raise InputError(source, f"no column {field!r} for the area codes{hint} "
                             f"(columns: {_column_list(columns)})")


def _repeated(sample: pd.DataFrame | None, column: str) -> bool:
    """Whether ``column`` repeats its values (fewer distinct values than half its rows: the
    gemeentecode of a layer of buurten), so that it cannot tell the areas apart."""
    if sample is None or column not in sample.columns:
        return False
    values = sample[column].dropna()
    return len(values) >= 3 and values.nunique() < len(values) / 2


def _generic_code_column(columns: Sequence[str], cbs: dict[str, str],
                         sample: pd.DataFrame | None) -> str | None:
    """A column called like a code (``code``, ``id``, ``identificatie``; else one ending in
    ``code`` that does not repeat its values) that holds no CBS codes."""
    plain = {_norm(c): c for c in reversed(columns) if c not in cbs}  # the first of a name wins
    hit = next((plain[n] for n in _GENERIC_CODE if n in plain), None)
    if hit is None:
        hit = next((c for c in columns if c not in cbs and _norm(c).endswith("code")
                    and not _repeated(sample, c)), None)
    return hit


def _code_column(columns: Sequence[str], cbs: dict[str, str], codes: Sequence[str] | None,
                 layer: str | None, sample: pd.DataFrame | None) -> str | None:
    """The column of the area codes, found by its values (module docstring)."""
    generic = _generic_code_column(columns, cbs, sample)
    wanted = {c[:2].upper() for c in codes or () if _LOOKS_CBS_RE.match(c)}
    if layer in CBS_LAYERS and (not codes or CBS_LAYERS[layer][3] in wanted):
        # a layer of the wijk- en buurtkaart: its own code column, whatever it holds (a value
        # that is no code is then refused by name, never replaced by another level's code)
        own = next((c for c in columns if c.lower() == CBS_LAYERS[layer][1]), None)
        if own is not None:
            return own
    if codes and not wanted and generic is not None:
        return generic  # a municipality's own codes ('0101', 'A3') are in no CBS column
    if not wanted:  # all areas, or by name: a column that tells them apart
        distinct = {c: p for c, p in cbs.items() if not _repeated(sample, c)}
        cbs = distinct if distinct or generic is None else {}
    if not cbs:
        return generic
    if not wanted and layer in CBS_LAYERS:
        wanted = {CBS_LAYERS[layer][3]}
    pool = [c for c in cbs if cbs[c] in wanted] or list(cbs)
    named = {n: i for i, n in enumerate(_CBS_CODE_NAMES)}
    return min(pool, key=lambda c: (_PREFIX_RANK[cbs[c]], named.get(_norm(c), len(named)),
                                    columns.index(c)))


def _name_column(columns: Sequence[str], level: str, code: str | None) -> str | None:
    """The column of the area names (module docstring)."""
    norm = {c: _norm(c) for c in columns}
    if code is not None and norm.get(code) == "areacode":  # wijkkracht's own schema
        order: tuple[str, ...] = ("areaname",)
    else:
        order = ()
    if level in _LEVEL_NAMES:
        order += _LEVEL_NAMES[level] + _GENERIC_NAME
        others = {n for lvl, names in _LEVEL_NAMES.items() if lvl != level for n in names}
    else:
        order += _GENERIC_NAME + tuple(n for names in _LEVEL_NAMES.values() for n in names)
        others = set()
    for wanted in order:
        hit = next((c for c in columns if norm[c] == wanted), None)
        if hit is not None:
            return hit
    return next((c for c in columns if norm[c].endswith(("naam", "name"))
                 and norm[c] not in others), None)


def area_columns(columns: Iterable[str], sample: pd.DataFrame | None = None, *,
                 field: str | None = None, codes: Sequence[str] | None = None,
                 layer: str | None = None, source: str = "areas") -> AreaColumns:
    """The level, code column and name column of an area layer (module docstring).

    Pure: no file is read. :func:`read_areas` calls it on a sample of a file, the QGIS
    algorithms on a layer as read.

    Parameters
    ----------
    columns
        The layer's columns (a ``geometry`` column is left out).
    sample
        Some of its rows (at least its text columns; the first 2000 rows are looked at):
        the CBS codes are recognised by their values. ``None``: by the column names only.
    field
        The column of the codes, named by the user (any case); the level then follows from
        its values.
    codes
        The wanted codes, if any: their CBS prefix chooses among CBS code columns; codes
        that are not CBS codes choose a ``code``/``id`` column first.
    layer
        The layer's name: ``buurten``, ``wijken``, ``gemeenten`` choose the level.
    source
        The layer, as named in an error message.

    Returns
    -------
    AreaColumns
        ``(level, code, name)``.

    Raises
    ------
    InputError
        ``field`` is not a column (the closest is suggested, the columns are listed).
    """
    geometry = getattr(sample, "_geometry_column_name", None) if sample is not None else None
    cols = [str(c) for c in columns if str(c) not in ("geometry", geometry)]
    head = sample.head(_SAMPLE_ROWS) if sample is not None else None
    cbs = cbs_code_columns(cols, head)
    code = (_named_column(field, cols, source) if field is not None
            else _code_column(cols, cbs, codes, layer, head))
    level = _PREFIX_LEVEL[cbs[code]] if code in cbs else "other"
    name = _name_column(cols, level, code)
    if code is not None and name is not None and _repeated(head, code) and \
            not _repeated(head, name):
        name = None  # a gemeente made of buurten: a buurt's name is not its name
    return AreaColumns(level, code, name)


def _as_list(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [v.strip() for v in values.split(",") if v.strip()]
    return [str(v).strip() for v in values if str(v).strip()]


def _sample(path: Path, layer: str) -> tuple[list[str], pd.DataFrame]:
    """The columns of ``layer`` and its first rows' text columns (no geometry: quick on a
    national file)."""
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputError(path, f"cannot read layer {layer!r} ({_short(exc)})") from exc
    columns = [str(c) for c in info["fields"]]
    text = [c for c, t in zip(columns, info["dtypes"], strict=False) if str(t) == "object"]
    if not text:
        return columns, pd.DataFrame(index=range(0))
    return columns, _read(path, layer, columns=text, geometry=False, rows=_SAMPLE_ROWS)


def _pick_layer(path: Path, layer: str | None, codes: list[str] | None,
                level: str | None) -> str:
    layers = _file_layers(path, layer)
    if layer is not None:
        return layer
    wanted: str | None = None
    if level is not None:
        by_level = {v[0]: k for k, v in CBS_LAYERS.items()}
        if level not in by_level:
            raise InputError(path, f"unknown level {level!r} (buurt, wijk or gemeente)")
        wanted = by_level[level]
    elif codes:
        prefixes = {c[:2].upper() for c in codes if _LOOKS_CBS_RE.match(c)}
        if len(prefixes) > 1:
            raise InputError(path, f"codes of different levels ({', '.join(sorted(prefixes))}); "
                                   "select one level at a time")
        wanted = _PREFIX_LAYER.get(prefixes.pop()) if prefixes else None
    if wanted is not None and wanted in layers:
        return wanted
    if wanted is not None and len(layers) > 1:
        raise InputError(path, f"no layer {wanted!r} for these codes (layers: {', '.join(layers)})")
    if len(layers) == 1:
        return layers[0]
    for name in ("buurten", "wijken", "gemeenten"):
        if name in layers:
            return name
    raise InputError(path, f"the file has several layers ({', '.join(layers)}); "
                           "name the area layer (--areas-layer)")


def _sql_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: Codes per SQL filter (SQLite allows at most 1000 terms in an expression).
_CODES_PER_QUERY = 500


def _where(code_col: str, codes: list[str], any_case: bool = False) -> str:
    """The SQL filter of ``codes``; ``any_case``: ``=`` as ``LIKE`` (case-insensitive; for CBS
    codes, which hold no ``%`` or ``_``)."""
    parts = []
    for c in codes:
        if c.endswith("*"):
            parts.append(f'"{code_col}" LIKE {_sql_quote(c[:-1] + "%")}')
        else:
            parts.append(f'"{code_col}" {"LIKE" if any_case else "="} {_sql_quote(c)}')
    return " OR ".join(parts)


def _read(path: Path, layer: str, *, where: str | None = None,
          columns: list[str] | None = None, geometry: bool = True,
          rows: int | None = None) -> pd.DataFrame:
    try:
        return pyogrio.read_dataframe(path, layer=layer, where=where, columns=columns,
                                      read_geometry=geometry, max_features=rows)
    except Exception as exc:
        raise InputError(path, f"cannot read layer {layer!r} ({_short(exc)})") from exc


def _layer_with_names(path: Path, default: str, names: list[str], field: str | None) -> str:
    """The first CBS layer (buurten, wijken, gemeenten) whose name column holds all ``names``."""
    layers = list_layers(path)
    for lyr in CBS_LAYERS:
        if lyr not in layers:
            continue
        columns, sample = _sample(path, lyr)
        try:
            name_col = area_columns(columns, sample, field=field, layer=lyr).name
        except InputError:  # ``field`` is not in this layer
            continue
        if name_col is None:
            continue
        table = _read(path, lyr, columns=[name_col], geometry=False)
        known = {str(v).lower() for v in table[name_col].dropna()}
        if all(n.lower() in known for n in names):
            return lyr
    return default


def _suggest(value: str, known: Iterable[str]) -> str:
    """``; did you mean 'X'?`` with the known value closest to ``value``, in any case."""
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.5)
    return f"; did you mean {by_lower[close[0]]!r}?" if close else ""


def _field_hint(columns: Sequence[str], used: str | None, field: str | None) -> str:
    """How to name another column of codes (nothing when the user named this one)."""
    others = [c for c in columns if c != used]
    if field is not None or not others:
        return ""
    return (f"or name the column that holds the codes with --area-field "
            f"(columns: {_column_list(columns)})")


def _then(said: str, hint: str) -> str:
    """``said`` and ``hint`` (``or ...``) in one sentence, or two after a question."""
    if not hint:
        return said
    return f"{said} {hint[0].upper()}{hint[1:]}" if said.endswith("?") else f"{said}; {hint}"


def _check_code_syntax(path: Path, codes: list[str] | None) -> None:
    bad = [c for c in codes or () if not _CODE_RE.match(c)]
    if bad:
        raise InputError(path, f"malformed area code {bad[0]!r}: a code holds letters, digits, "
                               f"'_', '.' and '-' only; {CBS_CODE_SHAPE}")


def _check_cbs_codes(source: str, codes: list[str], found: AreaColumns, columns: list[str],
                     sample: pd.DataFrame, field: str | None) -> None:
    """On a column of CBS codes every wanted code must look like one."""
    for c in codes:
        if not (_CBS_CODE_RE.match(c) or _CBS_PATTERN_RE.match(c)):
            example = _example(sample, found.code)
            there = f"; codes in column {found.code} look like {example!r}" if example else ""
            raise InputError(source, _then(f"malformed CBS code {c!r}: {CBS_CODE_SHAPE}{there}",
                                           _field_hint(columns, found.code, field)))


def _example(sample: pd.DataFrame, column: str | None) -> str | None:
    if column is None or column not in sample.columns:
        return None
    values = sample[column].dropna()
    return str(values.iloc[0]) if len(values) else None


def read_areas(
    path: str | Path,
    *,
    layer: str | None = None,
    codes: str | Iterable[str] | None = None,
    names: str | Iterable[str] | None = None,
    level: str | None = None,
    field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read study areas (one row per area) from a CBS wijk- en buurtkaart or a polygon layer.

    Parameters
    ----------
    path
        A GeoPackage (or any OGR file) with the CBS layers ``buurten``/``wijken``/``gemeenten``
        or any polygon layer (e.g. a municipality's own file of its buurten).
    layer
        The layer to read. ``None``: from the prefix of ``codes`` (``BU`` -> ``buurten``,
        ``WK`` -> ``wijken``, ``GM`` -> ``gemeenten``), else from ``level``, else the only
        layer, else ``buurten``.
    codes
        Area codes, a list or a comma-separated string; a trailing ``*`` matches a prefix
        (``WK0344*``: every wijk of gemeente 0344). Case-insensitive for CBS codes.
    names
        Area names (case-insensitive, exact), a list or comma-separated string. Without
        ``layer`` and ``level`` the CBS layers are searched in the order buurten, wijken,
        gemeenten and the first holding every name is used.
    level
        ``buurt``, ``wijk`` or ``gemeente``: chooses the CBS layer when ``layer`` and
        ``codes`` do not.
    field
        The column that holds the area codes (any case). ``None``: found by
        :func:`area_columns` (the column whose values are CBS codes, else ``code``/``id``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_code``, ``area_name``, ``level`` and valid polygons in EPSG:28992; all areas of
        the layer when neither ``codes`` nor ``names`` is given.

    Raises
    ------
    InputError
        Unreadable file, unknown layer or column, a non-polygon layer, a malformed code, or a
        code or name that matches nothing (the column searched is named, with what its codes
        look like and the closest one).
    NoDataError
        The selection is empty.
    """
    p = _check_file(path)
    code_list = _as_list(codes)
    name_list = _as_list(names)
    _check_code_syntax(p, code_list)
    lyr = _pick_layer(p, layer, code_list, level)
    if name_list and layer is None and level is None and not code_list:
        lyr = _layer_with_names(p, lyr, name_list, field)
    source = f"{p} (layer {lyr})"
    columns, sample = _sample(p, lyr)
    found = area_columns(columns, sample, field=field, codes=code_list, layer=lyr, source=source)
    if found.level != "other" and code_list:
        code_list = [c.upper() for c in code_list]
        _check_cbs_codes(source, code_list, found, columns, sample, field)
    gdf = _read_selection(p, lyr, source, found, code_list, name_list, columns, sample)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(source, "the layer has no geometry (a table, not a map layer)")
    if code_list:
        _check_codes_found(p, lyr, source, found, code_list, gdf, _field_hint(
            columns, found.code, field))
    if len(gdf) == 0:
        raise NoDataError(source, "the area layer is empty")
    gdf = to_rd_new(gdf, source)
    types = set(gdf.geometry.geom_type.dropna().unique())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise InputError(source, f"expected polygons for study areas, found {sorted(types)}")
    return _normalise(gdf, found.level, found.code, found.name, source)


def _read_selection(p: Path, lyr: str, source: str, found: AreaColumns,
                    code_list: list[str] | None, name_list: list[str] | None,
                    columns: list[str], sample: pd.DataFrame) -> pd.DataFrame:
    """The rows of the wanted codes or names (all rows without a selection)."""
    code_col, name_col = found.code, found.name
    where: str | None = None
    if code_list:
        if code_col is None:
            by_name = (f", or select by name with --area-name (names in column {name_col})"
                       if name_col is not None else "")
            raise InputError(source, "no column holds the area codes (none holds CBS codes "
                                     "such as BU03630101 and none is called code, id or "
                                     f"identificatie; columns: {_column_list(columns)}); name "
                                     f"the column with --area-field{by_name}")
        if len(code_list) > _CODES_PER_QUERY:
            return _read_many_codes(p, lyr, code_col, code_list, found.level != "other")
        where = _where(code_col, code_list, found.level != "other")
    elif name_list:
        if name_col is None:
            example = _example(sample, code_col)
            how = (f"select by code with --area-code (codes in column {code_col} look like "
                   f"{example!r})" if code_col is not None and example is not None else
                   "select by code with --area-code, naming the column that holds the codes "
                   "with --area-field")
            raise InputError(source, f"no column of area names (a column called {_NAME_HELP}; "
                                     f"columns: {_column_list(columns)}); {how}")
        table = _read(p, lyr, columns=[name_col], geometry=False)
        known = sorted({str(v) for v in table[name_col].dropna()})
        by_lower: dict[str, list[str]] = {}
        for k in known:
            by_lower.setdefault(k.lower(), []).append(k)
        wanted: list[str] = []
        for n in name_list:
            if n.lower() not in by_lower:
                raise InputError(source, f"no area named {n!r} in column {name_col}"
                                         f"{_suggest(n, known)}")
            wanted.extend(by_lower[n.lower()])
        where = " OR ".join(f'"{name_col}" = {_sql_quote(v)}' for v in wanted)
    return _read(p, lyr, where=where)


def _read_many_codes(p: Path, lyr: str, code_col: str, code_list: list[str],
                     any_case: bool) -> pd.DataFrame:
    """SQLite refuses a filter of more than 1000 terms: read a national list in parts."""
    parts = [_read(p, lyr, where=_where(code_col, code_list[i:i + _CODES_PER_QUERY], any_case))
             for i in range(0, len(code_list), _CODES_PER_QUERY)]
    gdf = pd.concat(parts, ignore_index=True)
    if isinstance(parts[0], gpd.GeoDataFrame):
        gdf = gpd.GeoDataFrame(gdf, geometry=parts[0].geometry.name, crs=parts[0].crs)
        # a row matched by wildcards of two parts is read twice: keep it once
        gdf = gdf[~pd.DataFrame({"code": gdf[code_col].to_numpy(),
                                 "wkb": gdf.geometry.to_wkb().to_numpy()}).duplicated()
                  .to_numpy()]
    return gdf


def _check_codes_found(p: Path, lyr: str, source: str, found: AreaColumns,
                       code_list: list[str], gdf: pd.DataFrame, hint: str) -> None:
    code_col = found.code
    if code_col is None:
        raise RuntimeError("codes are checked only on a layer with a code column")
    cbs = found.level != "other"  # CBS codes in any case (the wanted ones are in capitals)
    present = sorted({str(v).upper() if cbs else str(v) for v in gdf[code_col]}) \
        if len(gdf) else []
    exact = set(present)
    for c in code_list:  # sets and a sorted list: a national list of codes is checked quickly
        if c.endswith("*"):
            i = bisect.bisect_left(present, c[:-1])
            hit = i < len(present) and present[i].startswith(c[:-1])
        else:
            hit = c in exact
        if not hit:
            table = _read(p, lyr, columns=[code_col], geometry=False)
            known = sorted({str(v) for v in table[code_col].dropna()})
            raise InputError(source, _then(_not_found(c, code_col, known), hint))


def _not_found(code: str, column: str, known: list[str]) -> str:
    """``no area with code ...``: the column searched, what its codes look like, the closest."""
    said = f"no area with code {code!r} in column {column}"
    if not known:
        return f"{said}: the column is empty"
    guess = _closest_code(code, known)
    example = next((k for k in known if k != guess), known[0])
    said += f"; codes there look like {example!r}"
    return said + (f"; did you mean {guess!r}?" if guess else "")


def _closest_code(code: str, known: list[str]) -> str | None:
    """The known code (or prefix pattern) closest to ``code``; for a CBS code of a coarser
    level than the column's (``GM0363`` among buurt codes) the pattern of its areas
    (``BU0363*``)."""
    column_prefix = known[0][:2].upper() if _CBS_CODE_RE.match(known[0]) else None
    if column_prefix and _LOOKS_CBS_RE.match(code) and code[:2] != column_prefix and \
            _PREFIX_RANK.get(code[:2], -1) > _PREFIX_RANK[column_prefix]:
        pattern = column_prefix + code[2:].rstrip("*")
        i = bisect.bisect_left(known, pattern)
        if i < len(known) and known[i].startswith(pattern):
            return pattern + "*"
    if code.endswith("*"):
        stem = code[:-1]
        stems = sorted({k[:len(stem)] for k in known})
        close = difflib.get_close_matches(stem, stems, n=1, cutoff=0.5)
        return close[0] + "*" if close else None
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.5)
    return close[0] if close else None


def _normalise(gdf: gpd.GeoDataFrame, lvl: str, code_col: str | None, name_col: str | None,
               source: str) -> gpd.GeoDataFrame:
    codes = ([str(v) for v in gdf[code_col]] if code_col is not None
             else [str(i + 1) for i in range(len(gdf))])
    names = ([str(v) if v is not None and not pd.isna(v) else c
              for v, c in zip(gdf[name_col], codes, strict=False)] if name_col is not None else codes)
    geoms = shapely.make_valid(gdf.geometry.values)
    geoms = [_polygonal(g) for g in geoms]
    out = gpd.GeoDataFrame({"area_code": codes, "area_name": names, "level": lvl},
                           geometry=geoms, crs=RD_NEW)
    if out["area_code"].duplicated().any():  # land and water parts of one area, ...
        out = out.dissolve(by="area_code", sort=False, as_index=False)[
            ["area_code", "area_name", "level", "geometry"]]
        out["geometry"] = shapely.make_valid(out.geometry.values)
    empty = out.geometry.is_empty | (out.geometry.area <= 0)
    if empty.all():
        raise NoDataError(source, "the selected areas have no surface")
    return out.loc[~empty].reset_index(drop=True)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygon part of ``geom`` (make_valid may add stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()
