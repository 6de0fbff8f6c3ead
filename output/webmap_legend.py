"""The web map's configuration block (part of :mod:`wijkkracht.output.webmap`): the legend and
its groups, the type panel (why a type has its name, its rule and medians), the colours, the
area popups' columns and the sources panel.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.indicators.registry import INDICATORS, SENSITIVE, indicator
from ..core.result import AnalysisResult
from ..styles import (
    area_style,
    areas_style,
    decimals,
    format_value,
    indicator_style,
    load_spec,
    poi_classes,
    poi_label,
    poi_style,
    surroundings_colors,
    type_color,
    type_label,
    type_line_width,
    unknown_type_color,
    untyped_keys,
)
from .webmap_text import (
    _AGGREGATES,
    _AREA_NOTE,
    _PRIVACY,
    _SYNTHETIC,
    _TEXT,
    _area_name,
    _esc,
    _group_of,
    _is_synthetic,
    _what,
)


def _context_colors() -> dict[str, str]:
    """Colours of the surroundings drawn from the data (a base map, not data: no legend)."""
    c = surroundings_colors()
    return {k: c[k] for k in ("ground", "area", "street", "building")}


def _highlight() -> dict[str, str]:
    """The search result: a dark halo and a light core under the street's own colour."""
    c = surroundings_colors()
    return {"halo": c["highlight_halo"], "core": c["highlight_core"]}


def _groups(indicators: Sequence[str], kinds: Sequence[str], lang: str) -> dict[str, Any]:
    """Label and SYNTHETIC flag of the indicator groups present."""
    text = _TEXT[lang]
    needs = {indicator(n).requires for n in indicators}
    bag_label = "BAG/KvK" if "establishments" in needs else "BAG"
    out: dict[str, Any] = {}
    hours_label = "OpenStreetMap opening_hours"
    for key, label in (("osm", "OpenStreetMap"), ("hours", hours_label), ("bag", bag_label)):
        members = [n for n in indicators if _group_of(n) == key]
        if members:
            out[key] = {
                "label": _esc(label),
                "control": _esc(f"{text['indicators']} ({label})"),
                "synthetic": any(_is_synthetic(n, kinds) for n in members),
            }
    return out


def _area_columns(areas: pd.DataFrame, indicators: Sequence[str], kinds: Sequence[str],
                  lang: str) -> list[dict[str, Any]]:
    """The summaries shown in the area popups: one aggregate per key indicator present."""
    from ..core.areas import aggregate_columns

    labels = areas.attrs.get("labels") or {}
    integer_units = set(load_spec()["graduated"]["integer_units"])
    text = _TEXT[lang]
    out = []
    for name in indicators:
        col, (_, agg) = next(iter(aggregate_columns([name], columns=None).items()))
        if col not in areas.columns:  # a pooled share whose parts were not there: the mean
            col, agg = f"{name}_mean", "mean"
        if col not in areas.columns:
            continue
        ind = indicator(name)
        lab = labels.get(col)
        title = (f"{lab[lang]} ({lab['unit_' + lang]})" if isinstance(lab, Mapping)
                 and lab.get(lang) and lab.get("unit_" + lang) else ind.title(lang))
        nd = decimals(ind.unit)
        if agg == "mean" and ind.unit in integer_units:
            nd = 1  # a mean of counts: one decimal says more than a rounded count
        out.append({
            "col": col,
            "title": _esc(title if agg in ("mean", "median", "pooled") else
                          f"{title}, {_AGGREGATES[lang][agg]}"),
            "decimals": nd,
            "suffix": " m" if ind.unit == "m" else "",
            "nullText": _esc(text["suppressed"] if SENSITIVE in ind.tags else text["noData"]),
            "group": _group_of(name),
            "synthetic": _is_synthetic(name, kinds),
        })
    return out


#: At most this many medians in a type's panel (its rule's quantities first).
TYPE_PANEL_FIGURES = 6


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _template_pattern(template: str) -> re.Pattern[str]:
    """A pattern matching the sentences an explanation template makes (fields: any text)."""
    import string

    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts) + r"\Z", re.S)


def explained_indicators(row: Mapping[str, Any], lang: str = "nl") -> tuple[str, ...]:
    """The indicators a type's explanation (``explanation_<lang>`` of a profile row) quotes.

    For a type named after an archetype whose sentence template made the explanation: the
    quantities of that alternative of its rule; else the registered indicators whose label
    the explanation names; else (it names none) all of its archetype's rule quantities. Used
    to mark an explanation made from SYNTHETIC inputs.

    Parameters
    ----------
    row
        A row of ``result.profile`` (``archetype``, ``explanation_<lang>``).
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    tuple of str
        Registered indicator names.
    """
    from ..core.archetypes import ARCHETYPES

    text = str(row.get(f"explanation_{lang}") or "")
    arch = ARCHETYPES.get(str(row.get("archetype") or ""))
    alternatives = [[c.quantity for c in alt] for alt in arch.rule] if arch is not None else []
    templates = getattr(arch, "explain", ()) if arch is not None else ()
    for alt, template in zip(alternatives, templates, strict=False):
        if _template_pattern(template(lang)).match(text):
            return tuple(q for q in dict.fromkeys(alt) if q in INDICATORS)
    named = tuple(n for n, ind in INDICATORS.items() if text and ind.label(lang) in text)
    return named or tuple(q for q in dict.fromkeys(q for alt in alternatives for q in alt)
                          if q in INDICATORS)


def type_profile_figures(row: Mapping[str, Any], limit: int = TYPE_PANEL_FIGURES
                         ) -> tuple[str, ...]:
    """The medians a type's compact profile shows: the quantities of its archetype's rule,
    then the typology features on which it differs most from all streets (largest
    ``|z_<feature>|``), at most ``limit``, each with a finite median in the row. Counts of
    establishments (registry tag ``sensitive``, unit count) are left out.

    Parameters
    ----------
    row
        A row of ``result.profile``.
    limit
        At most this many.

    Returns
    -------
    tuple of str
        Indicator names, in the order shown.
    """
    from ..core.archetypes import ARCHETYPES

    arch = ARCHETYPES.get(str(row.get("archetype") or ""))
    rule = [c.quantity for alt in arch.rule for c in alt] if arch is not None else []
    features = [k[2:] for k in row if str(k).startswith("z_") and _finite(row[k])]
    features.sort(key=lambda f: -abs(float(row[f"z_{f}"])))
    out: list[str] = []
    for name in dict.fromkeys([*rule, *features]):
        ind = INDICATORS.get(name)
        if ind is None or not _finite(row.get(name)):
            continue
        if SENSITIVE in ind.tags and ind.unit == "count":
            continue
        out.append(name)
        if len(out) == limit:
            break
    return tuple(out)


def _type_info(row: Mapping[str, Any] | None, segments: int, lang: str,
               kinds: Sequence[str]) -> dict[str, Any]:
    """What a type's panel shows (every string escaped): explanation, description, rule,
    the number of segments and a few medians (title, value, SYNTHETIC)."""
    if row is None:
        return {"segments": segments}

    def text(col: str) -> str:
        value = row.get(f"{col}_{lang}")
        return _esc(value) if isinstance(value, str) else ""

    n = int(row["segments"]) if _finite(row.get("segments")) else segments
    figures = []
    for name in type_profile_figures(row):
        ind = indicator(name)
        figures.append({"title": _esc(ind.title(lang)),
                        "value": _esc(format_value(name, float(row[name]), lang)),
                        "synthetic": _is_synthetic(name, kinds)})
    return {
        "explanation": text("explanation"),
        "description": text("description"),
        "rule": text("rule"),
        "segments": n,
        "synthetic": any(_is_synthetic(q, kinds) for q in explained_indicators(row, lang)),
        "figures": figures,
    }


def _config(result: AnalysisResult, lang: str, indicators: Sequence[str],
            type_order: Sequence[str], *, kinds: Sequence[str], threshold: int | None,
            area_columns: Sequence[Mapping[str, Any]], bounds: Sequence[Sequence[float]]
            ) -> dict[str, Any]:
    text = _TEXT[lang]
    names_col = f"type_name_{lang}"
    names: dict[str, str] = {}
    if names_col in result.streets and "type_key" in result.streets:
        pairs = result.streets[["type_key", names_col]].dropna().drop_duplicates("type_key")
        names = {str(k): str(v) for k, v in zip(pairs["type_key"], pairs[names_col], strict=True)}
    st = result.streets
    # the types legend describes the street segments (the paths have a layer of their own)
    on_street = (pd.Series(st["is_street"]).fillna(True).astype(bool).to_numpy()
                 if "is_street" in st else np.ones(len(st), dtype=bool))
    keys = st["type_key"].astype(str).to_numpy() if "type_key" in st else np.array([], str)
    present = set(keys[on_street]) if len(keys) else set()
    on_path = set(keys[~on_street]) if len(keys) else set()
    untyped = untyped_keys()
    # per type of the data: its profile row (explanation, rule, medians) for its panel
    profile = pd.DataFrame(result.profile)
    rows: dict[str, Mapping[str, Any]] = {}
    if "type_key" in profile:
        for _, row in profile.iterrows():
            rows.setdefault(str(row["type_key"]), row.to_dict())
    counts = pd.Series(keys[on_street]).value_counts() if len(keys) else pd.Series(dtype=int)
    types = [
        {"key": key, "label": _esc(type_label(key, lang, names)),
         "color": type_color(key), "present": key in present,
         "untyped": key in untyped, "width": type_line_width("px", key),
         **({"short": _esc(text["untypedStreet" if key == "untyped_street"
                                  else "untypedPath"])}
            if key in untyped else {}),
         **({"info": _type_info(rows.get(key), int(counts.get(key, 0)), lang, kinds)}
            if key in present and key not in untyped else {})}
        for key in type_order
    ]
    from ..core.streets import KINDS
    inds = []
    for name in indicators:
        st = indicator_style(name)
        inds.append({
            "name": name,
            "title": _esc(st.title(lang)),
            "decimals": decimals(st.indicator.unit),
            "suffix": " m" if st.indicator.unit == "m" else "",
            "nullText": _esc(st.null_label(lang) or "–"),
            "nullColor": st.null_color,
            "classes": [
                {"lo": c.lower, "hi": c.upper, "first": c.first, "color": c.color,
                 "label": _esc(c.label(lang))}
                for c in st.classes
            ],
            "hasNull": st.null_label(lang) is not None,
            "group": _group_of(name),
            "synthetic": _is_synthetic(name, kinds),
        })
    pois = []
    for cls in poi_classes():
        ps = poi_style(cls)
        pois.append({"key": cls, "label": _esc(poi_label(cls, lang)), "fill": ps.fill,
                     "stroke": ps.stroke, "radius": ps.radius_px})
    ar = area_style()
    cbs = areas_style()
    area_name = _area_name(result)
    synthetic = None
    if kinds:
        what = _what(kinds)
        title, body, attribution = (t.format(what=what) for t in _SYNTHETIC[lang])
        synthetic = {"kinds": [_esc(k) for k in kinds], "title": _esc(title),
                     "body": _esc(body), "attribution": _esc(attribution)}
    return {
        "lang": lang,
        "decimalComma": lang == "nl",
        "text": {k: _esc(v) for k, v in text.items()},
        "types": types,
        # a path's kind (the streets' p - 1) and whether some path has a type (typology of
        # every segment)
        "kinds": [_esc(label(lang)) for label in KINDS.values()],
        "pathsTyped": any(k not in untyped for k in on_path),
        "unknownColor": unknown_type_color(),
        "typeWidth": type_line_width("px"),
        "indicators": inds,
        "groups": _groups(indicators, kinds, lang),
        "indicatorWidth": indicator_style(indicators[0]).line_width_px if indicators else 4,
        "pois": pois,
        "area": {"color": ar.color, "width": ar.width_px,
                 "dash": " ".join(f"{d:g}" for d in ar.dash_px)},
        "areas": {"color": cbs.color, "width": cbs.width_px, "columns": [
            {k: v for k, v in c.items() if k != "col"} for c in area_columns],
            "note": _esc(_AREA_NOTE[lang])},
        "areaName": _esc(area_name),
        "attribution": _esc(result.attribution),
        "synthetic": synthetic,
        "privacy": _esc(_PRIVACY[lang].format(t=threshold)) if threshold is not None else None,
        "bounds": [list(b) for b in bounds],
    }


def _sources(result: AnalysisResult) -> list[dict[str, Any]]:
    """The data sources for the sources panel: name, date, licence, attribution (escaped;
    never a local path). Without ``metadata["sources"]``: the attribution alone."""
    out = []
    for s in result.metadata.get("sources") or []:
        if not isinstance(s, Mapping) or not (s.get("name") or s.get("attribution")):
            continue
        name = str(s.get("name") or s.get("attribution"))
        texts = " ".join(str(s.get(k) or "") for k in ("name", "attribution", "licence"))
        out.append({
            "name": _esc(name),
            "date": _esc(s.get("date") or ""),
            "licence": _esc(s.get("licence") or ""),
            "attribution": _esc(s.get("attribution") or "") if s.get("name") else "",
            "synthetic": bool(s.get("synthetic")) or "SYNTHETIC" in texts.upper(),
        })
    if not out:
        out.append({"name": _esc(result.attribution), "date": "", "licence": "",
                    "attribution": "", "synthetic": False})
    return out
