"""Write an analysis result to one GeoPackage that QGIS opens styled.

Layers (EPSG:28992):

``streets``
    One row per segment of the walking network with its kind (``kind``: street, sidewalk,
    cycle path, ...; ``is_street``: whether it counts as a street, see
    :mod:`wijkkracht.core.streets`), its named street (``street_id``), the addresses fronting
    it (``fronting_n``), every indicator and the opportunity type (paths and streets without
    addresses: ``untyped_path``/``untyped_street``, drawn thin and light).
``named_streets``
    One row per named street (MultiLineString): length, main opportunity type and the share
    of every type, and the indicators summarised along the street (length-weighted means,
    sums, pooled shares); field aliases from its labels, which are also stored in the layer's
    metadata (``WIJKKRACHT_LABELS``) so that a reader gets them back.
``pois``
    The classified POIs.
``area``
    The study area with its summary figures.
``typology_profile``
    Non-spatial table: one row per opportunity type.
``opening_profile``
    Non-spatial table (with ``analyse(..., hours=...)``): per street segment (``segment_id``,
    joins ``streets``) the number of POIs within walking reach open in each hour of the
    reference week, columns ``ma_00`` (Monday 00:00–01:00) ... ``zo_23``.
``spending_zones``, ``spending_catchment``, ``spending_scenarios``
    With ``analyse(..., spending=True)``: per zone the share of the dwellings' daily-goods
    spending kept in the zone, leaking out and beyond reach, and the spending its shops draw
    (polygons); per shopping street where its spending comes from (table, join on
    ``segment_id``); per vacant shop front what a shop there would draw and add to its zone's
    share kept (points). Amounts in dwellings' worth of spending (Huff model; parameters in the
    metadata).
``layer_styles``
    QGIS's style table (the schema QGIS itself creates, registered in ``gpkg_contents`` as
    ``attributes``): every layer and table has a default style, named by its label and with an
    alias for every field in the run's language. The default style of ``streets`` colours the
    opportunity types, and one extra style per key indicator, named by the indicator's title,
    can be picked in QGIS (Layer Properties > Style > Load Style > From Database);
    ``named_streets`` is coloured by main type, ``pois`` N / O / other / vacant, ``area`` and
    ``areas`` as outlines, ``spending_zones`` by the share kept and ``spending_scenarios`` as
    vacant shop fronts; the tables get their field aliases.

The OSM attribution and licence go into every layer's description (``gpkg_contents``, which
QGIS shows as the layer's abstract) and into its GDAL metadata.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from .._version import __version__
from ..core.errors import OutputError
from ..core.indicators.registry import indicator
from ..core.labels import Label
from ..core.result import OSM_ATTRIBUTION, OSM_LICENCE, AnalysisResult
from ..styles import key_indicators, type_names
from ..styles.aliases import layer_aliases
from ..styles.qml import (
    area_qml,
    areas_qml,
    indicator_qml,
    named_streets_qml,
    pois_qml,
    spending_scenarios_qml,
    spending_zones_qml,
    types_qml,
    with_aliases,
)
from .atomic import write_atomically

__all__ = [
    "LAYERS",
    "NAMED_STREETS",
    "LABELS_METADATA",
    "PROFILE_TABLE",
    "HOURS_TABLE",
    "STYLE_TABLE",
    "STYLE_NAMES",
    "write_gpkg",
    "write_gpkg_file",
    "add_layer_styles",
    "type_names",
]

#: Spatial layers every wijkkracht GeoPackage has, in the order they are written.
LAYERS = ("streets", "pois", "area")
#: The named streets (written after ``streets`` when the result has them).
NAMED_STREETS = "named_streets"
#: Layer metadata key holding the named streets' ``attrs["labels"]`` as JSON.
LABELS_METADATA = "WIJKKRACHT_LABELS"
PROFILE_TABLE = "typology_profile"
HOURS_TABLE = "opening_profile"
SPENDING_LAYERS = ("spending_zones", "spending_catchment", "spending_scenarios")
STYLE_TABLE = "layer_styles"

_TITLES = {
    "streets": ("Straatsegmenten met indicatoren en kansentype",
                "Street segments with indicators and opportunity type"),
    "named_streets": ("Straten op naam: lengte, hoofdtype en aandeel van elk type, "
                      "indicatoren langs de straat",
                      "Named streets: length, main type and share of every type, indicators "
                      "along the street"),
    "pois": ("Voorzieningen (POI's) met N/O-klasse", "Amenities (POIs) with N/O class"),
    "area": ("Onderzoeksgebied", "Study area"),
    "areas": ("Samenvatting per gebied (wijk/buurt)", "Summary per area (district/neighbourhood)"),
    PROFILE_TABLE: ("Profiel van de kansentypen", "Profile of the opportunity types"),
    "spending_zones": ("Bestedingen aan dagelijkse boodschappen per gebied (Huff-model): in het "
                       "gebied, weglekkend, buiten bereik",
                       "Daily-goods spending per area (Huff model): kept, leaking, beyond "
                       "reach"),
    "spending_catchment": ("Verzorgingsgebied per winkelstraat: herkomst van de bestedingen "
                           "(joinen op segment_id)",
                           "Catchment per shopping street: where its spending comes from "
                           "(join on segment_id)"),
    "spending_scenarios": ("Scenario: een winkel in een leegstaand winkelpand",
                           "Scenario: a shop in a vacant shop front"),
    HOURS_TABLE: ("Open voorzieningen per uur van de week (per straatsegment, joinen op "
                  "segment_id)", "Open amenities per hour of the week (per street segment, "
                  "join on segment_id)"),
}

# What QGIS creates through OGR (QgsOgrProviderMetadata::saveStyle), as the GPKG driver writes it.
_STYLE_TABLE_DDL = f"""
CREATE TABLE "{STYLE_TABLE}" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT CURRENT_TIMESTAMP
)
"""


def _description(layer: str, lang: str, attribution: str) -> str:
    title = _TITLES[layer][0 if lang == "nl" else 1]
    return f"{title}. wijkkracht {__version__}. {attribution}"


def _layer_metadata(attribution: str) -> dict[str, str]:
    return {
        "ATTRIBUTION": attribution,
        "DATA_SOURCE": f"OpenStreetMap ({OSM_ATTRIBUTION})",
        "LICENCE": OSM_LICENCE,
        "PRODUCER": f"wijkkracht {__version__}",
    }


def _plain_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Make columns writable by OGR: categoricals to strings, nested objects to JSON text."""
    out = df.copy()
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(object).where(s.notna(), None)
        elif s.dtype == object:
            nested = s.map(lambda v: isinstance(v, (list, tuple, dict, set)))
            if nested.any():
                out[col] = s.map(
                    lambda v: json.dumps(sorted(v) if isinstance(v, set) else v, default=str)
                    if isinstance(v, (list, tuple, dict, set)) else v
                )
    return out


def _short(exc: BaseException) -> str:
    """GDAL's (or SQLite's) error in our words, the same with every GDAL version, cut at a
    word (:func:`wijkkracht.data_sources.file_checks.gdal_reason`)."""
    from ..data_sources.file_checks import gdal_reason

    return gdal_reason(exc)


def _write_layer(frame: pd.DataFrame, path: Path, layer: str, lang: str, attribution: str,
                 *, metadata: Mapping[str, str] | None = None, **kwargs: Any) -> None:
    try:
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer,
            driver="GPKG",
            layer_options={
                "DESCRIPTION": _description(layer, lang, attribution),
                "IDENTIFIER": _TITLES[layer][0 if lang == "nl" else 1],
            },
            layer_metadata={**_layer_metadata(attribution), **(metadata or {})},
            **kwargs,
        )
    except Exception as exc:  # pyogrio raises DataSourceError, FieldError, NotImplementedError...
        raise OutputError(f"cannot write the {layer!r} layer ({_short(exc)})") from exc


def write_gpkg_file(result: AnalysisResult, path: str | os.PathLike[str], *,
                    lang: str = "nl") -> Path:
    """Write the GeoPackage to ``path`` directly (not atomic; see :func:`write_gpkg`).

    Parameters
    ----------
    result
        The analysis result.
    path
        A ``.gpkg`` path that does not exist yet.
    lang
        Language of layer descriptions, style labels and field aliases (``"nl"``/``"en"``).

    Returns
    -------
    Path
        ``path``.
    """
    p = Path(path)
    attribution = result.attribution
    streets = result.streets
    index_name = streets.index.name or "segment_id"
    streets = _plain_columns(streets.reset_index(names=index_name)
                             if index_name not in streets.columns else streets)
    dataset_metadata = {
        "TITLE": f"wijkkracht: {_area_name(result.area)}",
        "ATTRIBUTION": attribution,
        "LICENCE": OSM_LICENCE,
        "PRODUCER": f"wijkkracht {__version__}",
        "WIJKKRACHT_METADATA": json.dumps(result.metadata, default=str, ensure_ascii=False),
    }
    model = getattr(result, "typology_model", None)
    if model is not None:  # the model that typed the streets: reusable for the next run
        from ..data_sources.typology_model import MODEL_METADATA

        dataset_metadata[MODEL_METADATA] = model.to_json()
    _write_layer(streets, p, "streets", lang, attribution, dataset_metadata=dataset_metadata)
    named = result.named_streets
    if named is not None:
        labels = named.attrs.get("labels") or {}
        _write_layer(_plain_columns(named), p, NAMED_STREETS, lang, attribution,
                     geometry_type="MultiLineString",
                     metadata={LABELS_METADATA: json.dumps(labels, ensure_ascii=False)})
    _write_layer(_plain_columns(result.pois), p, "pois", lang, attribution)
    _write_layer(_plain_columns(result.area), p, "area", lang, attribution)
    areas = getattr(result, "areas", None)  # only with analyse(..., areas=...)
    if areas is not None:
        _write_layer(_plain_columns(areas), p, "areas", lang, attribution)
    profile = _plain_columns(pd.DataFrame(result.profile))
    _write_layer(profile, p, PROFILE_TABLE, lang, attribution)
    spend = result.spending
    if spend is not None:
        _write_layer(_plain_columns(spend.zones), p, "spending_zones", lang, attribution)
        _write_layer(pd.DataFrame(spend.catchment), p, "spending_catchment", lang, attribution)
        _write_layer(_plain_columns(spend.scenarios), p, "spending_scenarios", lang, attribution)
    if result.hours is not None:
        hours = result.hours.reindex(result.streets.index)
        hours = hours.reset_index(names=index_name).astype("int32")
        _write_layer(hours, p, HOURS_TABLE, lang, attribution)
    add_layer_styles(p, lang=lang, names=type_names(result.streets, lang),
                     columns=result.streets.columns,
                     areas_labels=None if areas is None else areas.attrs.get("labels", {}),
                     named_streets_labels=None if named is None
                     else named.attrs.get("labels") or {})
    return p


def _area_name(area: gpd.GeoDataFrame) -> str:
    if "name" in area and len(area):
        return str(area["name"].iloc[0])
    return "?"


#: The names of the default styles, per layer (the extra styles of ``streets`` are named by
#: their indicator's title).
STYLE_NAMES: dict[str, Label] = {
    "streets": Label("Kansentypen", "Opportunity types"),
    NAMED_STREETS: Label("Hoofdtype", "Main opportunity type"),
    "pois": Label("Voorzieningen: N / O / overig / leegstand", "Amenities: N / O / other / vacant"),
    "area": Label("Onderzoeksgebied", "Study area"),
    "areas": Label("CBS-gebieden", "CBS areas"),
    "spending_zones": Label("Aandeel in het eigen gebied besteed", "Share kept in the zone"),
    "spending_scenarios": Label("Scenario: een winkel in een leegstaand winkelpand",
                                "Scenario: a shop in a vacant shop front"),
}
#: The name of the style of a table (field aliases only).
FIELDS_STYLE = Label("Veldnamen", "Field names")


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``, ... when the layer has a style of that name."""
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name} ({n})"
    taken.add(out)
    return out


def _style_rows(lang: str, tables: Mapping[str, list[str]], names: Mapping[str, str] | None,
                columns: Iterable[str] | None,
                labels: Mapping[str, Mapping[str, Mapping[str, str]]]
                ) -> list[tuple[str, str, str, bool, str]]:
    """``(table, styleName, QML, useAsDefault, description)`` of every layer in ``tables``
    (layer -> its columns): a default style each, named by its label, with field aliases."""
    def aliased(table: str, qml: str | None) -> str:
        return with_aliases(qml, layer_aliases(tables[table], lang, layer=table,
                                               labels=labels.get(table)))

    qmls: dict[str, str | None] = {
        "streets": types_qml(lang=lang, names=names),
        NAMED_STREETS: named_streets_qml(lang=lang, names=names,
                                         labels=labels.get(NAMED_STREETS) or {}),
        "pois": pois_qml(lang=lang), "area": area_qml(lang=lang),
        "areas": areas_qml(lang=lang, labels=labels.get("areas") or {}),
        "spending_zones": spending_zones_qml(lang=lang),
        "spending_scenarios": spending_scenarios_qml(lang=lang),
    }
    rows: list[tuple[str, str, str, bool, str]] = []
    for table in tables:
        name = STYLE_NAMES.get(table, FIELDS_STYLE)(lang)
        title = _TITLES[table][0 if lang == "nl" else 1] if table in _TITLES else name
        rows.append((table, name, aliased(table, qmls.get(table)), True, title))
        if table != "streets":
            continue
        taken = {name}
        for key in key_indicators(columns):
            title = indicator(key).title(lang)
            rows.append(("streets", _unique(title, taken),
                         aliased("streets", indicator_qml(key, lang=lang)), False, title))
    return rows


def add_layer_styles(path: str | os.PathLike[str], *, lang: str = "nl",
                     names: Mapping[str, str] | None = None,
                     columns: Iterable[str] | None = None,
                     areas_labels: Mapping[str, Mapping[str, str]] | None = None,
                     named_streets_labels: Mapping[str, Mapping[str, str]] | None = None
                     ) -> int:
    """Add QGIS's ``layer_styles`` table with the wijkkracht styles to a GeoPackage.

    Every layer and table of the file gets a default style from the one style specification,
    named by its label in ``lang`` (``Kansentypen``, ``Onderzoeksgebied``, ...), with an alias
    for each of its fields (:func:`wijkkracht.styles.aliases.layer_aliases`); a table (the
    typology profile, the hour profile, the catchment) gets the aliases only. ``streets``
    also gets one style per key indicator, named by the indicator's title (``Loopafstand
    supermarkt (m)``), unique per layer. The names are as long as their labels: QGIS declares
    ``styleName`` as ``TEXT(30)`` but neither SQLite nor QGIS cuts a longer name (QGIS 3.40
    itself writes and lists longer ones; GDAL only warns when a name is written through OGR).

    Parameters
    ----------
    path
        A GeoPackage with the layers ``streets``, ``pois`` and ``area``.
    lang
        Language of the style names, labels and field aliases (``"nl"``/``"en"``).
    names
        Opportunity-type names found in the data (``type_key -> name``).
    columns
        The streets layer's columns: a style is added for each key indicator it can show
        (see :func:`wijkkracht.styles.key_indicators`); ``None``: every key indicator.
    areas_labels
        With an ``areas`` layer: its ``attrs["labels"]`` (field aliases of the aggregates).
    named_streets_labels
        With a ``named_streets`` layer: its ``attrs["labels"]`` (field aliases of the
        aggregates).

    Returns
    -------
    int
        The number of styles written.

    Raises
    ------
    ValueError
        If a layer is missing.
    OutputError
        If SQLite cannot write the table.
    """
    labels = {"areas": areas_labels or {}, NAMED_STREETS: named_streets_labels or {}}
    try:
        return _insert_styles(os.fspath(path), lambda tables: _style_rows(
            lang, tables, names, columns, labels))
    except sqlite3.Error as exc:
        raise OutputError(f"cannot add the QGIS styles ({_short(exc)})") from exc


def _insert_styles(path: str, make_rows: Callable[[dict[str, list[str]]],
                                                  list[tuple[str, str, str, bool, str]]]) -> int:
    with closing(sqlite3.connect(path)) as con, con:
        geom_cols = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        missing = [t for t in LAYERS if t not in geom_cols]
        if missing:
            raise ValueError(f"{path} lacks the layer(s) {', '.join(missing)}")
        tables = {str(t): [str(c) for (c,) in con.execute(
                      "SELECT name FROM pragma_table_info(?)", (t,))]
                  for (t,) in con.execute("SELECT table_name FROM gpkg_contents "
                                          "WHERE table_name != ?", (STYLE_TABLE,))}
        rows = make_rows(tables)
        con.execute(_STYLE_TABLE_DDL)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
            "last_change, srs_id) VALUES (?, 'attributes', ?, ?, "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0)",
            (STYLE_TABLE, STYLE_TABLE, "QGIS layer styles (wijkkracht)"),
        )
        con.executemany(
            'INSERT INTO "layer_styles" (f_table_catalog, f_table_schema, f_table_name, '
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', ?, ?, ?, NULL, "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            [
                (table, geom_cols.get(table, ""), style_name, qml, use, desc, "wijkkracht")
                for table, style_name, qml, use, desc in rows
            ],
        )
    return len(rows)


def write_gpkg(result: AnalysisResult, path: str | os.PathLike[str], *,
               lang: str = "nl") -> Path:
    """Write the GeoPackage atomically: ``path`` is complete or untouched.

    Parameters
    ----------
    result
        The analysis result.
    path
        Destination ``.gpkg``; replaced if it exists. Its folder must exist.
    lang
        Language of layer descriptions, style labels and field aliases (``"nl"``/``"en"``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        If the file cannot be written; ``path`` is then left as it was.
    """
    return write_atomically(path, lambda tmp: write_gpkg_file(result, tmp, lang=lang))
