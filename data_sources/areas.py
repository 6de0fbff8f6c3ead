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

Polygons in EPSG:28992. A buurt/wijk layer also carries ``gemeentecode``, which is not used.
The upper-case fields of the editions up to 2021 (``BU_CODE``/``BU_NAAM``, ``WK_CODE``/
``WK_NAAM``, ``GM_CODE``/``GM_NAAM``) are recognised too. Water-only areas (``water`` =
``JA``) are kept as areas. Rows sharing a code (e.g. land and water parts of one area) are
dissolved into one area.
Any other polygon layer works too: its code comes from a ``code``/``id``/``identificatie``
column (else the row number), its name from ``naam``/``name``.

Output schema (:data:`AREA_COLUMNS`), one row per area, EPSG:28992:

* ``area_code`` -- the CBS code (``BU...``, ``WK...``, ``GM...``) or the layer's own id;
* ``area_name`` -- the name (the code when the layer has no name);
* ``level`` -- ``buurt``, ``wijk``, ``gemeente`` or ``other``;
* ``geometry`` -- valid (Multi)Polygons.

Only what is needed is read: a selection by code is passed to GDAL as an SQL ``where=``
filter on the code column (``buurtcode LIKE 'BU0344%'``), so a national file (~15 000 buurten)
is not loaded to read one municipality. A selection by name reads the code and name columns
only (no geometry) first, then the matching rows.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from ..core.errors import InputError, NoDataError
from .files import _check_file, _file_layers, _short, list_layers
from .schema import RD_NEW, to_rd_new

__all__ = ["read_areas", "AREA_COLUMNS", "CBS_LAYERS"]

#: Columns of the output of :func:`read_areas` (besides ``geometry``).
AREA_COLUMNS: tuple[str, ...] = ("area_code", "area_name", "level")

#: CBS layer -> (level, code column, name column, code prefix).
CBS_LAYERS: dict[str, tuple[str, str, str, str]] = {
    "buurten": ("buurt", "buurtcode", "buurtnaam", "BU"),
    "wijken": ("wijk", "wijkcode", "wijknaam", "WK"),
    "gemeenten": ("gemeente", "gemeentecode", "gemeentenaam", "GM"),
}
#: Field names of the editions up to 2021 (upper case; CBS toelichting 2021), tried after the above.
_OLD_FIELDS: dict[str, tuple[str, str]] = {
    "buurt": ("bu_code", "bu_naam"),
    "wijk": ("wk_code", "wk_naam"),
    "gemeente": ("gm_code", "gm_naam"),
}
_PREFIX_LAYER = {v[3]: k for k, v in CBS_LAYERS.items()}
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]+\*?$")
_GENERIC_CODE = ("code", "id", "identificatie", "fid")
_GENERIC_NAME = ("naam", "name", "area_name")


def _as_list(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [v.strip() for v in values.split(",") if v.strip()]
    return [str(v).strip() for v in values if str(v).strip()]


def _columns(path: Path, layer: str) -> list[str]:
    try:
        return [str(c) for c in pyogrio.read_info(path, layer=layer)["fields"]]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputError(path, f"cannot read layer {layer!r} ({_short(exc)})") from exc


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
        prefixes = {c[:2].upper() for c in codes}
        if len(prefixes) > 1:
            raise InputError(path, f"codes of different levels ({', '.join(sorted(prefixes))}); "
                                   "select one level at a time")
        wanted = _PREFIX_LAYER.get(prefixes.pop())
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


def _layer_columns(path: Path, layer: str) -> tuple[str, str | None, str | None]:
    """(level, code column or None, name column or None) of ``layer``."""
    cols = _columns(path, layer)
    lower = {c.lower(): c for c in cols}
    if layer in CBS_LAYERS:
        lvl, code, name, _ = CBS_LAYERS[layer]
        if code in lower:
            return lvl, lower[code], lower.get(name)
    for lvl, code, name, _ in CBS_LAYERS.values():  # a CBS layer under another name
        if code in lower and (name in lower or lvl == "buurt"):
            return lvl, lower[code], lower.get(name)
    for lvl, (code, name) in _OLD_FIELDS.items():  # older editions: BU_CODE, BU_NAAM, ...
        if code in lower and name in lower:
            return lvl, lower[code], lower[name]
    code_col = next((lower[c] for c in _GENERIC_CODE if c in lower), None)
    name_col = next((lower[c] for c in _GENERIC_NAME if c in lower), None)
    return "other", code_col, name_col


def _sql_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: Codes per SQL filter (SQLite allows at most 1000 terms in an expression).
_CODES_PER_QUERY = 500


def _where(code_col: str, codes: list[str]) -> str:
    parts = []
    for c in codes:
        if c.endswith("*"):
            parts.append(f'"{code_col}" LIKE {_sql_quote(c[:-1] + "%")}')
        else:
            parts.append(f'"{code_col}" = {_sql_quote(c)}')
    return " OR ".join(parts)


def _read(path: Path, layer: str, *, where: str | None = None,
          columns: list[str] | None = None, geometry: bool = True) -> pd.DataFrame:
    try:
        return pyogrio.read_dataframe(path, layer=layer, where=where, columns=columns,
                                      read_geometry=geometry)
    except Exception as exc:
        raise InputError(path, f"cannot read layer {layer!r} ({_short(exc)})") from exc


def _layer_with_names(path: Path, default: str, names: list[str]) -> str:
    """The first CBS layer (buurten, wijken, gemeenten) whose name column holds all ``names``."""
    layers = list_layers(path)
    for lyr in CBS_LAYERS:
        if lyr not in layers:
            continue
        _, _, name_col = _layer_columns(path, lyr)
        if name_col is None:
            continue
        table = _read(path, lyr, columns=[name_col], geometry=False)
        known = {str(v).lower() for v in table[name_col].dropna()}
        if all(n.lower() in known for n in names):
            return lyr
    return default


def _suggest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def read_areas(
    path: str | Path,
    *,
    layer: str | None = None,
    codes: str | Iterable[str] | None = None,
    names: str | Iterable[str] | None = None,
    level: str | None = None,
) -> gpd.GeoDataFrame:
    """Read study areas (one row per area) from a CBS wijk- en buurtkaart or a polygon layer.

    Parameters
    ----------
    path
        A GeoPackage (or any OGR file) with the CBS layers ``buurten``/``wijken``/``gemeenten``
        or any polygon layer.
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

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_code``, ``area_name``, ``level`` and valid polygons in EPSG:28992; all areas of
        the layer when neither ``codes`` nor ``names`` is given.

    Raises
    ------
    InputError
        Unreadable file, unknown layer, a non-polygon layer, or a code or name that matches
        nothing (the closest known one is suggested).
    NoDataError
        The selection is empty.
    """
    p = _check_file(path)
    code_list = _as_list(codes)
    name_list = _as_list(names)
    if code_list is not None:
        bad = [c for c in code_list if not _CODE_RE.match(c)]
        if bad:
            raise InputError(p, f"malformed area code {bad[0]!r}")
    lyr = _pick_layer(p, layer, code_list, level)
    if name_list and layer is None and level is None and not code_list:
        lyr = _layer_with_names(p, lyr, name_list)
    source = f"{p} (layer {lyr})"
    lvl, code_col, name_col = _layer_columns(p, lyr)
    if lvl != "other" and code_list:
        code_list = [c.upper() for c in code_list]

    where: str | None = None
    if code_list:
        if code_col is None:
            raise InputError(source, "the layer has no code column (code/id/identificatie); "
                                     "select by name")
        where = _where(code_col, code_list)
    elif name_list:
        if name_col is None:
            raise InputError(source, "the layer has no name column (naam/name); select by code")
        table = _read(p, lyr, columns=[name_col], geometry=False)
        known = sorted({str(v) for v in table[name_col].dropna()})
        by_lower: dict[str, list[str]] = {}
        for k in known:
            by_lower.setdefault(k.lower(), []).append(k)
        wanted: list[str] = []
        for n in name_list:
            if n.lower() not in by_lower:
                raise InputError(source, f"no area named {n!r}{_suggest(n, known)}")
            wanted.extend(by_lower[n.lower()])
        where = " OR ".join(f'"{name_col}" = {_sql_quote(v)}' for v in wanted)

    if code_list and code_col is not None and len(code_list) > _CODES_PER_QUERY:
        # SQLite refuses a filter of more than 1000 terms: read a national list in parts
        parts = [_read(p, lyr, where=_where(code_col, code_list[i:i + _CODES_PER_QUERY]))
                 for i in range(0, len(code_list), _CODES_PER_QUERY)]
        gdf = pd.concat(parts, ignore_index=True)
        if isinstance(parts[0], gpd.GeoDataFrame):
            gdf = gpd.GeoDataFrame(gdf, geometry=parts[0].geometry.name, crs=parts[0].crs)
            # a row matched by wildcards of two parts is read twice: keep it once
            gdf = gdf[~pd.DataFrame({"code": gdf[code_col].to_numpy(),
                                     "wkb": gdf.geometry.to_wkb().to_numpy()}).duplicated()
                      .to_numpy()]
    else:
        gdf = _read(p, lyr, where=where)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(source, "the layer has no geometry (a table, not a map layer)")
    if code_list:
        _check_codes_found(p, lyr, source, code_col, code_list, gdf)
    if len(gdf) == 0:
        raise NoDataError(source, "the area layer is empty")
    gdf = to_rd_new(gdf, source)
    types = set(gdf.geometry.geom_type.dropna().unique())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise InputError(source, f"expected polygons for study areas, found {sorted(types)}")
    return _normalise(gdf, lvl, code_col, name_col, source)


def _check_codes_found(p: Path, lyr: str, source: str, code_col: str | None,
                       code_list: list[str], gdf: pd.DataFrame) -> None:
    if code_col is None:
        raise RuntimeError("codes are checked only on a layer with a code column")
    found = sorted({str(v) for v in gdf[code_col]}) if len(gdf) else []
    exact = set(found)
    for c in code_list:  # sets and a sorted list: a national list of codes is checked quickly
        if c.endswith("*"):
            i = bisect.bisect_left(found, c[:-1])
            hit = i < len(found) and found[i].startswith(c[:-1])
        else:
            hit = c in exact
        if not hit:
            table = _read(p, lyr, columns=[code_col], geometry=False)
            known = sorted({str(v) for v in table[code_col].dropna()})
            raise InputError(source, f"no area with code {c!r}{_suggest(c.rstrip('*'), known)}")


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
