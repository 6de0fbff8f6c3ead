"""The opportunity types in the report (part of :mod:`wijkkracht.output.report`): the types'
share of the street length, per type its explanation, rule, profile chart and the streets
where it is found most, and the named streets with their main type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.indicators.registry import SENSITIVE, indicator
from ..styles import (
    type_color,
    type_label,
    untyped_keys,
)
from .report_charts import _feature_value, _profile_chart
from .report_scope import _is_synthetic, _Scope, _street_mask
from .report_text import _T, TOP_NAMED_STREETS, TOP_STREETS, _esc, _is_nan, _num, _pct, _pct0, _tag, _what


def _text_of(row: pd.Series | None, column: str) -> str:
    """A text column of a profile row ("" when missing or empty)."""
    if row is None:
        return ""
    value = row.get(column)
    return value if isinstance(value, str) else ""


def _type_table(scope: _Scope, profile: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Per type of the profile (in its order): name, description, explanation (why this name)
    and rule in ``lang``, colour, street segments and street length in scope and its share of
    the street length; then the street segments without a type
    (``untyped_street``, ``untyped: True``), so that the shares add up to the street length.
    Paths do not count (``is_street``), also where the typology classified them."""
    st = scope.streets
    street = _street_mask(st)
    length = st["length_m"].to_numpy(dtype=float)[street]
    total = float(length.sum())
    keys = st["type_key"].astype(str).to_numpy()[street]
    rows = []

    def row(key: str, name: str, description: str, p: pd.Series | None) -> dict[str, Any]:
        sel = keys == key
        return {
            "key": key, "name": name, "description": description,
            "explanation": _text_of(p, f"explanation_{lang}"),
            "rule": _text_of(p, f"rule_{lang}"),
            "color": type_color(key),
            "segments": int(sel.sum()),
            "length_m": float(length[sel].sum()),
            "share": float(length[sel].sum()) / total if total > 0 else 0.0,
            "profile": p, "untyped": p is None,
        }

    for _, p in profile.iterrows():
        key = str(p["type_key"])
        rows.append(row(key, str(p.get(f"type_name_{lang}", key)),
                        str(p.get(f"description_{lang}", "") or ""), p))
    for key in untyped_keys():
        if (keys == key).any():
            rows.append(row(key, type_label(key, lang), "", None))
    return rows


def _key_feature(p: pd.Series, features: Sequence[str]) -> str | None:
    """The type's most distinctive published feature (highest z), for its street list."""
    best, best_z = None, -np.inf
    for f in features:
        if SENSITIVE in indicator(f).tags:
            continue
        z = p.get(f"z_{f}", np.nan)
        if not _is_nan(z) and float(z) > best_z:
            best, best_z = f, float(z)
    return best


def _street_ids(streets: pd.DataFrame) -> np.ndarray:
    """Each segment's named street: ``street_id`` (``""`` for none), or, for a layer without
    it, the street name."""
    col = "street_id" if "street_id" in streets.columns else "street_name"
    return streets[col].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _top_streets(streets: pd.DataFrame, key: str, feature: str | None,
                 n: int = TOP_STREETS) -> pd.DataFrame:
    """The named streets with the most street length of type ``key``: name (its
    ``street_id``), length, segments and the length-weighted mean of ``feature``."""
    names = _street_ids(streets)
    keep = (streets["type_key"].astype(str).to_numpy() == key) & (names != "") & \
        _street_mask(streets)
    if not keep.any():
        return pd.DataFrame(columns=["street_name", "length_m", "segments", "mean"])
    w = streets["length_m"].to_numpy(dtype=float)[keep]
    v = (pd.to_numeric(streets[feature], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
         [keep] if feature else np.full(int(keep.sum()), np.nan))
    ok = ~np.isnan(v)
    table = pd.DataFrame({"street_name": names[keep], "length_m": w, "segments": 1,
                          "vw": np.where(ok, v * w, 0.0), "w": np.where(ok, w, 0.0)})
    out = table.groupby("street_name", sort=False).sum().reset_index()
    out["mean"] = np.where(out["w"] > 0, out["vw"] / out["w"].where(out["w"] > 0, 1), np.nan)
    out = out[["street_name", "length_m", "segments", "mean"]]
    return out.sort_values(["length_m", "street_name"], ascending=[False, True]).head(n)


def _types_html(scope: _Scope, types: list[dict[str, Any]], features: Sequence[str],
                lang: str) -> str:
    t = _T[lang]
    kinds = scope.kinds
    present = [r for r in types if r["segments"]]
    bar = "".join(f'<span style="width:{100 * r["share"]:.2f}%;background:{r["color"]}" '
                  f'title="{_esc(r["name"])}: {_pct(r["share"], lang)}"></span>'
                  for r in present)
    rows = "".join(
        f'<tr><td><span class="wk-swatch" style="background:{r["color"]}"></span>'
        f'<strong>{_esc(r["name"])}</strong></td>'
        f'<td class="num">{r["segments"]}</td>'
        f'<td class="num">{_num(r["length_m"] / 1000, 1, lang)}</td>'
        f'<td class="num">{_pct(r["share"], lang)}</td></tr>' for r in present)
    head = (f"<tr><th>{_esc(t['type'])}</th><th class=\"num\">{_esc(t['segments'])}</th>"
            f"<th class=\"num\">{_esc(t['km'])}</th>"
            f"<th class=\"num\">{_esc(t['share_length'])}</th></tr>")
    out = [f'<section id="types" class="wk-break"><h2>{_esc(t["types"])}</h2>',
           f"<p>{_esc(t['types_intro'])}</p>",
           f'<p class="wk-note">{_esc(t["share_note"])}</p>',
           f'<p class="wk-note">{_esc(t["profile_intro"])}</p>',

           f'<div class="wk-bar" role="img" aria-label="{_esc(t["share_length"])}">{bar}</div>',
           f'<table class="wk-types">{head}{rows}</table>']
    absent = [r for r in types if not r["segments"] and not r.get("untyped")]
    if absent:
        out.append(f'<p class="wk-note">{_esc(t["absent"])}: '
                   + ", ".join(_esc(r["name"]) for r in absent) + ".</p>")
    synthetic_features = [f for f in features if _is_synthetic(f, kinds)]
    for r in present:
        if r.get("untyped"):
            continue
        p = r["profile"]
        out.append(f'<article class="wk-type" id="type-{_esc(r["key"])}"><div class="wk-keep">'
                   f'<h3><span class="wk-swatch" style="background:{r["color"]}"></span>'
                   f'{_esc(r["name"])}</h3><p class="wk-desc">{_esc(r["description"])}</p>')
        if r["explanation"]:
            from .webmap import explained_indicators

            used = explained_indicators(p.to_dict(), lang) if p is not None else ()
            tag = _tag(any(_is_synthetic(q, kinds) for q in used), t)
            out.append(f'<p class="wk-why"><strong>{_esc(t["why"])}</strong>{tag}: '
                       f'{_esc(r["explanation"])}</p>')
        if r["rule"]:
            out.append(f'<p class="wk-rule"><strong>{_esc(t["rule"])}</strong>: '
                       f'{_esc(r["rule"])}</p>')
        out.append(f'<p class="wk-note">{r["segments"]} {_esc(t["segments"].lower())}, '
                   f'{_num(r["length_m"] / 1000, 1, lang)} km, '
                   f'{_pct(r["share"], lang)} {_esc(t["share_length"].lower())}</p>')
        chart = _profile_chart(p, features, r["color"], lang, kinds,
                               salt=f"wk-profile-{r['key']}")
        legend = (f" {_esc(t['synthetic_legend'].format(what=_what(kinds, t)))}"
                  if synthetic_features else "")
        out.append(f'<figure class="wk-profile"><h4>{_esc(t["profile"])}</h4>{chart}'
                   f"<figcaption>{_esc(t['profile_caption'])}{legend}</figcaption></figure>"
                   "</div>")
        out.append(_top_streets_html(scope, r, features, lang))
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def _top_streets_html(scope: _Scope, r: Mapping[str, Any], features: Sequence[str],
                      lang: str) -> str:
    t = _T[lang]
    feature = _key_feature(r["profile"], features)
    top = _top_streets(scope.streets, r["key"], feature)
    head = f'<h4>{_esc(t["top_streets"])}</h4>'
    if not len(top):
        return head + f'<p class="wk-note">{_esc(t["no_named"])}</p>'
    mean_head = ""
    if feature:
        title = indicator(feature).label(lang)
        mean_head = (f'<th class="num">{_esc(t["mean"].format(label=title))}'
                     f"{_tag(_is_synthetic(feature, scope.kinds), t)}</th>")
    rows = []
    for _, s in top.iterrows():
        mean = (f'<td class="num">{_esc(_feature_value(feature, s["mean"], lang))}</td>'
                if feature else "")
        rows.append(f"<tr><td>{_esc(s['street_name'])}</td>"
                    f'<td class="num">{_num(s["length_m"], 0, lang)}</td>'
                    f'<td class="num">{int(s["segments"])}</td>{mean}</tr>')
    return (head + f'<table class="wk-top"><tr><th>{_esc(t["street"])}</th>'
            f'<th class="num">{_esc(t["length_m"])}</th>'
            f'<th class="num">{_esc(t["segments"])}</th>{mean_head}</tr>'
            + "".join(rows) + "</table>")


def named_street_table(streets: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """The named streets of ``streets`` (a report page's segments): one row per named street
    (``street_id``) with ``length_m``, ``segments`` and ``fronting_n`` of its street segments,
    ``main_key``/``main_name`` (the type with the most length; ties by the Dutch name, as
    :func:`wijkkracht.core.streets.named_streets`) and ``shares``: ``(key, name, share)`` per
    type, most length first. Sorted by length (longest first), then name.

    For the whole study area these are the figures of ``result.named_streets``; for an area,
    of the part of each street whose segments lie in it.
    """
    cols = ["street_id", "length_m", "segments", "fronting_n", "main_key", "main_name",
            "shares"]
    ids = _street_ids(streets)
    keep = _street_mask(streets) & (ids != "")
    if not keep.any():
        return pd.DataFrame(columns=cols)
    n = int(keep.sum())

    def column(name: str, default: Any) -> np.ndarray:
        return (streets[name].to_numpy()[keep] if name in streets.columns
                else np.full(n, default, dtype=object))

    frame = pd.DataFrame({
        "sid": ids[keep], "len": streets["length_m"].to_numpy(dtype=float)[keep],
        "front": pd.to_numeric(pd.Series(column("fronting_n", 0)), errors="coerce")
        .fillna(0).to_numpy(),
        "key": pd.Series(column("type_key", "")).astype(str).to_numpy(),
        "nl": pd.Series(column("type_name_nl", "")).astype(str).to_numpy(),
        "name": pd.Series(column(f"type_name_{lang}", "")).astype(str).to_numpy(),
    })
    per = frame.groupby("sid").agg(length_m=("len", "sum"), segments=("len", "size"),
                                   fronting_n=("front", "sum"))
    by_type = (frame.groupby(["sid", "key", "nl", "name"], sort=False)["len"].sum()
               .reset_index().sort_values(["sid", "len", "nl"], ascending=[True, False, True],
                                          kind="stable"))
    shares: dict[str, list[tuple[str, str, float]]] = {}
    for sid, key, _, name, length in by_type.itertuples(index=False):
        total = float(per.at[sid, "length_m"])
        shares.setdefault(sid, []).append((key, name, length / total if total > 0 else 0.0))
    out = per.reset_index().rename(columns={"sid": "street_id"})
    out["shares"] = [shares[sid] for sid in out["street_id"]]
    out["main_key"] = [sh[0][0] for sh in out["shares"]]
    out["main_name"] = [sh[0][1] for sh in out["shares"]]
    out["fronting_n"] = out["fronting_n"].astype(np.int64)
    out = out.sort_values(["length_m", "street_id"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def _named_html(scope: _Scope, lang: str) -> str:
    """Streets by name: the longest named streets of the page with their main type and every
    type's share of their length."""
    t = _T[lang]
    table = named_street_table(scope.streets, lang)
    if not len(table):
        return ""
    top = table.head(TOP_NAMED_STREETS)
    rows = []
    for _, r in top.iterrows():
        color = type_color(r["main_key"])
        shares = ", ".join(f"{_esc(name)} {_pct0(share, lang)}" for _, name, share in r["shares"])
        rows.append(f"<tr><td>{_esc(r['street_id'])}</td>"
                    f'<td class="num">{_num(r["length_m"], 0, lang)}</td>'
                    f'<td class="num">{int(r["fronting_n"])}</td>'
                    f'<td><span class="wk-swatch" style="background:{color}"></span>'
                    f'{_esc(r["main_name"])} ({_pct0(r["shares"][0][2], lang)})</td>'
                    f'<td class="wk-small">{shares}</td></tr>')
    numeric = ("length_street", "addresses")
    head = "".join(("<th class=\"num\">" if k in numeric else "<th>") + f"{_esc(t[k])}</th>"
                   for k in ("street", "length_street", "addresses", "main", "shares"))
    intro = t["by_name_intro"].format(n=len(top), total=len(table)) + \
        (t["by_name_area"] if scope.page.position is not None else "")
    return (f'<section id="streets-by-name"><h2>{_esc(t["by_name"])}</h2>'
            f'<p class="wk-note">{_esc(intro)}</p>'
            f'<table class="wk-named"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')
