"""The report's "methods and sources" (part of :mod:`wijkkracht.output.report`): the
indicators dictionary (label, unit, definition, what an empty value means, from the registry),
how the types and the area figures are made, the detours and the amenities counted once, the
privacy rule, the data sources and the parameters of the run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..core.indicators.registry import INDICATORS, SOURCES, UNITS, indicator
from ..core.streets import TYPOLOGY_SEGMENTS
from ..styles import (
    format_number,
)
from .report_scope import _is_synthetic, _Scope
from .report_text import _T, _data_text, _esc, _is_nan, _num, _pct, _tag

#: Settings of a run (``metadata["parameters"]``) named after an option of
#: :data:`wijkkracht.core.options.OPTIONS` other than by its own name.
_SETTING_OPTION = {"snap_distance_m": "snap_distance", "bag_snap_distance_m": "bag_snap_distance"}

#: Settings the report names itself (key of its words), in the order shown.
_SETTING_WORDS = {"method": "set_method", "k": "set_k", "k_range": "set_k_range",
                  "categories": "set_categories", "typed_segments": "set_typed",
                  "typology_features": "set_features"}

#: Settings not shown: the same as another, or said in the methods already.
_SETTING_SKIP = ("typology_segments_used", "k_requested", "missing_value_fills")

#: Choice values in words (keys of the report's words).
_CHOICE_WORDS = {"rules": "method_rules", "kmeans": "method_kmeans",
                 "contiguous": "method_contiguous", "power": "decay_power",
                 "exponential": "decay_exponential", "fronting": "seg_fronting",
                 "streets": "seg_streets", "all": "seg_all", "floor_area": "measure_floor_area",
                 "count": "measure_count"}


def _setting_value(value: Any, unit: str, lang: str) -> str:
    """A setting's value in words: yes/no, a number with its unit, a choice in words, a
    file by its name only (never a local path)."""
    t = _T[lang]
    if value is None or value == "" or value == [] or value == {}:
        return t["not_set"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, (int, float)):
        nd = 0 if float(value).is_integer() else 2
        text = format_number(float(value), nd, lang)
        return f"{text} {unit}".strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting_value(v, "", lang) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{_setting_label(str(k), lang)}: {_setting_value(v, '', lang)}"
                         for k, v in value.items())
    text = str(value)
    if text in INDICATORS:
        return indicator(text).label(lang)
    if text in _CHOICE_WORDS:
        return t[_CHOICE_WORDS[text]]
    if "/" in text or "\\" in text:
        return _file_words(text, lang)
    return text


def _file_words(path: str, lang: str) -> str:
    """A file setting without its folder: the bundled file, or the user's file by name."""
    from pathlib import PurePath

    name = PurePath(path.replace("\\", "/")).name
    bundled = PurePath(__file__).parents[1] / "data" / name
    if PurePath(path) == bundled or (Path(path).is_file() and Path(bundled).is_file()
                                     and Path(path).resolve() == Path(bundled).resolve()):
        return _T[lang]["bundled"]
    return _T[lang]["own_file"].format(name=name)


def _setting_label(key: str, lang: str) -> str:
    """A setting's name in words: the option's help text (:mod:`wijkkracht.core.options`),
    the report's own word, an indicator's label, or the key with spaces."""
    from ..core.options import OPTIONS

    t = _T[lang]
    if key in _SETTING_WORDS:
        return t[_SETTING_WORDS[key]]
    name = _SETTING_OPTION.get(key, key)
    if name in OPTIONS:
        text = OPTIONS[name].help(lang)
        return text[:1].upper() + text[1:]
    if key in INDICATORS:
        return indicator(key).label(lang)
    return key.replace("_", " ").capitalize()


def _settings(params: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The run's settings as (name, value) in words."""
    from ..core.options import OPTIONS

    out = []
    for key, value in params.items():
        if key in _SETTING_SKIP or (key == "k_range" and value is None):
            continue
        name = _SETTING_OPTION.get(key, key)
        unit = OPTIONS[name].unit if name in OPTIONS else ""
        if key == "k_range" and isinstance(value, (list, tuple)) and len(value) == 2:
            out.append((_setting_label(key, lang), f"{value[0]}–{value[1]}"))
            continue
        out.append((_setting_label(key, lang), _setting_value(value, unit, lang)))
    return out


def _when(created: Any) -> str:
    """``2026-01-05T14:03:07+0100`` as ``2026-01-05 14:03``; other text as it is."""
    text = str(created)
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})", text)
    return f"{m.group(1)} {m.group(2)}" if m else text


def _category_label(cat: str, lang: str) -> str:
    from ..core.categories import EVERYDAY

    return EVERYDAY[cat](lang) if cat in EVERYDAY else cat.replace("_", " ")


def _detour_html(check: Any, lang: str) -> str:
    """The detours of the walks to the nearest amenity (``metadata["detour"]``, see
    :mod:`wijkkracht.core.diagnostics`): p50/p90/p99, the share above 3, p90 per category, and
    the warning when p90 is above the limit."""
    if not isinstance(check, Mapping):
        return ""
    t = _T[lang]
    head = f'<h3 id="detour">{_esc(t["detour"])}</h3>'
    least = float(check.get("min_straight_m", 100))
    if not check.get("pairs"):
        return head + f'<p>{_esc(t["detour_none"].format(min=least))}</p>'

    def ratio(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _num(float(v), 2, lang)

    text = t["detour_text"].format(pairs=_thousands(int(check["pairs"]), lang), min=least,
                                   p50=ratio(check.get("p50")), p90=ratio(check.get("p90")),
                                   p99=ratio(check.get("p99")),
                                   over=_pct(float(check.get("share_over_3") or 0), lang))
    out = [head, f"<p>{_esc(text)}</p>"]
    warn = float(check.get("warn_p90", 2.0))
    if check.get("p90") is not None and float(check["p90"]) > warn:
        out.append(f'<p class="wk-privacy">{_esc(t["detour_warn"].format(warn=warn))}</p>')
    by_cat = check.get("by_category") or {}
    if isinstance(by_cat, Mapping) and by_cat:
        rows = "".join(f"<tr><td>{_esc(_category_label(cat, lang))}</td>"
                       f'<td class="num">{_thousands(int(v.get("pairs", 0)), lang)}</td>'
                       f'<td class="num">{ratio(v.get("p90"))}</td></tr>'
                       for cat, v in by_cat.items() if isinstance(v, Mapping))
        out.append(f'<table class="wk-detour wk-small"><tr><th>{_esc(t["category"])}</th>'
                   f'<th class="num">{_esc(t["pairs"])}</th>'
                   f'<th class="num">{_esc(t["p90"])}</th></tr>{rows}</table>')
    return "".join(out)


def _counted_once_html(summary: Any, lang: str) -> str:
    """How many OpenStreetMap objects were counted as one amenity (``metadata["counted_once"]``,
    see :mod:`wijkkracht.core.amenities`): per everyday category the objects, the places they
    make and those counted; the schools by level and the supermarkets by size."""
    if not isinstance(summary, Mapping) or not summary.get("categories"):
        return ""
    t = _T[lang]
    rows = "".join(f"<tr><td>{_esc(_category_label(cat, lang))}</td>"
                   f'<td class="num">{int(v.get("rows", 0))}</td>'
                   f'<td class="num">{int(v.get("objects", 0))}</td>'
                   f'<td class="num"><strong>{int(v.get("counted", 0))}</strong></td></tr>'
                   for cat, v in summary["categories"].items() if isinstance(v, Mapping))
    out = [f'<h3 id="counted-once">{_esc(t["counted_once"])}</h3>',
           f'<p>{_esc(t["counted_once_text"])}</p>',
           f'<table class="wk-counted wk-small"><tr><th>{_esc(t["category"])}</th>'
           f'<th class="num">{_esc(t["poi_rows"])}</th>'
           f'<th class="num">{_esc(t["osm_objects"])}</th>'
           f'<th class="num">{_esc(t["counted"])}</th></tr>{rows}</table>']
    levels = (summary.get("schools") or {}).get("levels")
    if isinstance(levels, Mapping) and sum(int(v) for v in levels.values()):
        text = t["schools_note"].format(unknown=int(levels.get("unknown", 0)),
                                        primary=int(levels.get("primary", 0)),
                                        other=int(levels.get("other", 0)))
        out.append(f'<p class="wk-note">{_esc(text)}</p>')
    sm = summary.get("supermarkets")
    if isinstance(sm, Mapping) and sm:
        known = sm.get("size_known") or {}
        n_known = sum(int(v) for v in known.values()) if isinstance(known, Mapping) \
            else int(known or 0)
        text = t["supermarkets_note"].format(
            n=int(sm.get("counted_as_supermarket", 0)), below=int(sm.get("below_threshold", 0)),
            m2=float(sm.get("threshold_m2", 150)), known=n_known,
            unknown=int(sm.get("size_unknown", 0)))
        out.append(f'<p class="wk-note">{_esc(text)}</p>')
    return "".join(out)


def _thousands(n: int, lang: str) -> str:
    """``11893`` as ``11.893`` (nl) or ``11,893`` (en)."""
    return f"{n:,}".replace(",", "." if lang == "nl" else ",")


def _typology_text(params: Mapping[str, Any], meta: Mapping[str, Any],
                   features: Sequence[str], lang: str) -> str:
    """How the types were made: by the rules (``method == "rules"``), or by clustering
    (k-means, contiguous) with how k was chosen (``metadata["silhouette"]``: ``{"stability":
    {k: ARI}}`` when chosen by stability, ``{k: score}`` from an older run, ``{}`` when set)."""
    t = _T[lang]
    method = params.get("method")
    if method == "rules":
        from ..core.archetypes import ARCHETYPES

        order = "; ".join(f"({i}) {a.name(lang)}" for i, a in enumerate(ARCHETYPES.values(), 1))
        return t["typology_rules"].format(order=order)
    feature_labels = ", ".join(indicator(f).label(lang) for f in features if f in INDICATORS)
    name = t["contiguous"] if method == "contiguous" else t["kmeans"]
    parts = [t["typology_text"].format(method=name, k=params.get("k", "?"),
                                       features=feature_labels or "–")]
    diagnostics = meta.get("silhouette") or {}
    if not isinstance(diagnostics, Mapping):
        diagnostics = {}
    stability = diagnostics.get("stability")

    def scores(values: Mapping[Any, Any]) -> str:
        return ", ".join(f"k = {k}: {format_number(float(v), 2, lang)}"
                         for k, v in values.items() if _finite_number(v))

    if isinstance(stability, Mapping) and stability:
        parts.append(t["k_stability"].format(values=scores(stability)))
    elif diagnostics and all(_finite_number(v) for v in diagnostics.values()):
        parts.append(t["k_silhouette"].format(values=scores(diagnostics)))
    else:
        parts.append(t["k_fixed"])
    if method == "contiguous" or params.get("contiguous"):
        parts.append(t["contiguous_note"])
    return " ".join(parts)


def _finite_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _definitions_html(scope: _Scope, lang: str) -> str:
    """Appendix B: the indicators dictionary (label, unit, definition, what an empty value
    means, from the registry), by group."""
    t = _T[lang]
    kinds = scope.kinds
    groups = dict(item.split("=", 1) for item in (t["groups"] + ";" + t["groups_more"]).split(";"))
    present = [n for n in INDICATORS if n in scope.all_streets.columns]
    out = [f'<section id="definitions" class="wk-break wk-appendix">'
           f'<h2>{_esc(t["appendix_definitions"])}</h2>']
    head = (f"<tr><th>{_esc(t['indicator'])}</th><th>{_esc(t['unit'])}</th>"
            f"<th>{_esc(t['definition'])}</th><th>{_esc(t['null'])}</th></tr>")
    for group in dict.fromkeys(INDICATORS[n].group for n in present):
        rows = []
        for n in (n for n in present if INDICATORS[n].group == group):
            ind = INDICATORS[n]
            null = ind.null_meaning(lang) if ind.null_meaning is not None else "–"
            rows.append(f'<tr id="def-{_esc(n)}"><td><strong>{_esc(ind.label(lang))}</strong>'
                        f"{_tag(_is_synthetic(n, kinds), t)}<br><code>{_esc(n)}</code></td>"
                        f"<td>{_esc(UNITS[ind.unit](lang))}</td>"
                        f"<td>{_esc(ind.description(lang))} <span class=\"wk-muted\">"
                        f"({_esc(t['source'])}: {_esc(SOURCES[ind.requires](lang))})</span></td>"
                        f"<td>{_esc(null)}</td></tr>")
        out.append(f"<h3>{_esc(groups.get(group, group))}</h3>"
                   f'<table class="wk-defs wk-small">{head}{"".join(rows)}</table>')
    out.append("</section>")
    return "".join(out)


def _methods_html(scope: _Scope, features: Sequence[str], lang: str) -> str:
    """Appendix A: how the figures were made, the sources and the settings in words."""
    t = _T[lang]
    meta = scope.metadata
    out = [f'<section id="methods" class="wk-break wk-appendix">'
           f'<h2>{_esc(t["appendix_methods"])}</h2>']
    params = meta.get("parameters", {}) if isinstance(meta.get("parameters"), dict) else {}
    out.append(f'<h3>{_esc(t["typology"])}</h3>'
               f"<p>{_esc(_typology_text(params, meta, features, lang))}</p>")
    which = params.get("typology_segments_used") or params.get("typology_segments")
    if which in TYPOLOGY_SEGMENTS:
        text = t["typology_segments"].format(what=TYPOLOGY_SEGMENTS[which](lang),
                                             typed=params.get("typed_segments", "?"))
        out.append(f"<p>{_esc(text)}</p>")
    out.append(f'<p class="wk-note">{_esc(t["streets_text"])}</p>')
    fills = params.get("missing_value_fills") or {}
    if isinstance(fills, dict) and fills and params.get("method") != "rules":
        text = ", ".join(f"{indicator(k).label(lang)} = {format_number(float(v), 2, lang)}"
                         for k, v in fills.items() if k in INDICATORS)
        out.append(f'<p class="wk-note">{_esc(t["fills"].format(fills=text))}</p>')
    if scope.areas is not None:
        out.append(f"<p>{_esc(t['areas_text'])}</p>")
    out.append(_detour_html(meta.get("detour"), lang))
    out.append(_counted_once_html(meta.get("counted_once"), lang))
    if scope.threshold is not None:
        out.append(f'<p class="wk-privacy">{_esc(t["privacy"].format(t=scope.threshold))}</p>')
    out.append(f'<h3>{_esc(t["sources"])}</h3>')
    srows = []
    for s in meta.get("sources") or []:
        if not isinstance(s, dict):
            continue
        name = s.get("name", "")
        synthetic = "SYNTHETIC" in str(name).upper() or "SYNTHETIC" in \
            str(s.get("attribution", "")).upper()
        srows.append(f"<tr><td>{_esc(_data_text(name, lang))}{_tag(synthetic, t)}</td>"
                     f"<td>{_esc(_data_text(s.get('licence', '–'), lang))}</td>"
                     f"<td>{_esc(_data_text(s.get('attribution', '–'), lang))}</td>"
                     f"<td>{_esc(_data_text(s.get('date', '–'), lang))}</td></tr>")
    out.append(f"<table class=\"wk-sources wk-small\"><tr><th>{_esc(t['name'])}</th>"
               f"<th>{_esc(t['licence'])}</th><th>{_esc(t['attribution'])}</th>"
               f"<th>{_esc(t['date'])}</th></tr>{''.join(srows)}</table>")
    out.append(f'<p class="wk-note">{_esc(_data_text(meta.get("attribution", ""), lang))}</p>')
    tool = t["tool_text"].format(version=meta.get("version", "?"), report_version=__version__,
                                 created=_when(meta.get("created", "?")))
    out.append(f'<h3>{_esc(t["tool"])}</h3><p>{_esc(tool)}</p>')
    prow = [f"<tr><td>{_esc(label)}</td><td>{_esc(value)}</td></tr>"
            for label, value in _settings(params, lang)]
    bag = meta.get("bag") if isinstance(meta.get("bag"), dict) else {}
    if bag.get("reference_date"):
        prow.append(f"<tr><td>{_esc(t['reference_date'])}</td>"
                    f"<td>{_esc(bag['reference_date'])}</td></tr>")
    if scope.threshold is not None:
        prow.append(f"<tr><td>{_esc(t['threshold'])}</td><td>{scope.threshold}</td></tr>")
    out.append(f'<table class="wk-params wk-small"><tr><th>{_esc(t["parameter"])}</th>'
               f'<th>{_esc(t["value"])}</th></tr>{"".join(prow)}</table>')
    out.append("</section>")
    return "".join(out)
