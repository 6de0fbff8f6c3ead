"""The report's sections per indicator group (part of :mod:`wijkkracht.output.report`): the
N/O balance and the vacancy per type, the liveliness through the week (opening hours) and the
spending.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.areas import POOLED
from ..core.indicators.registry import indicator
from ..core.result import DAYS, AnalysisResult
from .report_charts import _figure, _svg
from .report_scope import _is_synthetic, _pooled, _Scope, _street_mask, _wmean
from .report_text import _T, TOP_STREETS, _esc, _is_nan, _num, _share, _tag, _warning_text


def _per_type_table(scope: _Scope, types: list[dict[str, Any]], columns: Sequence[
        tuple[str, str, Callable[[pd.DataFrame], float]]], lang: str) -> str:
    t = _T[lang]
    st = scope.streets
    keys = st["type_key"].astype(str)
    head = "".join(f'<th class="num">{_esc(label)}{_tag(syn == "syn", t)}</th>'
                   for label, syn, _ in columns)
    street = _street_mask(st)
    rows = []
    for r in types:
        if not r["segments"] or r.get("untyped"):
            continue
        sub = st[(keys == r["key"]).to_numpy() & street]
        cells = []
        for _label, _syn, func in columns:
            v = func(sub)
            cells.append(f'<td class="num">{"–" if _is_nan(v) else _esc(v)}</td>')
        rows.append(f'<tr><td><span class="wk-swatch" style="background:{r["color"]}"></span>'
                    f'{_esc(r["name"])}</td>{"".join(cells)}</tr>')
    return (f'<table class="wk-per-type"><tr><th>{_esc(t["type"])}</th>{head}</tr>'
            f'{"".join(rows)}</table>')


def _no_html(scope: _Scope, fig: Mapping[str, Any], types: list[dict[str, Any]],
             lang: str) -> str:
    t = _T[lang]

    def wmean(col: str, nd: int) -> Callable[[pd.DataFrame], Any]:
        def f(sub: pd.DataFrame) -> Any:
            v = _wmean(sub[col], sub["length_m"].to_numpy(dtype=float))
            return np.nan if math.isnan(v) else _num(v, nd, lang)
        return f

    columns = [(indicator("n_count_400").label(lang), "", wmean("n_count_400", 1)),
               (indicator("o_count_400").label(lang), "", wmean("o_count_400", 1)),
               (indicator("no_balance_400").label(lang), "", wmean("no_balance_400", 2))]
    summary = (f'<p>{_esc(t["n"])}: <strong>{fig["n_count"]}</strong> · {_esc(t["o"])}: '
               f'<strong>{fig["o_count"]}</strong> · {_esc(t["balance"])}: '
               f'<strong>{_num(fig["no_balance"], 2, lang)}</strong></p>')
    return (f'<section id="no-balance" class="wk-keep"><h2>{_esc(t["no_section"])}</h2>'
            f"{summary}<p class=\"wk-note\">{_esc(t['no_intro'])}</p>"
            f"{_per_type_table(scope, types, columns, lang)}</section>")


def _vacancy_html(scope: _Scope, fig: Mapping[str, Any], types: list[dict[str, Any]],
                  lang: str) -> str:
    t = _T[lang]
    st = scope.streets

    def wmean_pct(col: str) -> Callable[[pd.DataFrame], Any]:
        def f(sub: pd.DataFrame) -> Any:
            v = _wmean(sub[col], sub["length_m"].to_numpy(dtype=float))
            return np.nan if math.isnan(v) else _share(v, lang)
        return f

    def pooled_pct(sub: pd.DataFrame) -> Any:
        v, _ = _pooled(sub, "bag_vacant_share")
        return np.nan if math.isnan(v) else _share(v, lang)

    columns: list[tuple[str, str, Callable[[pd.DataFrame], Any]]] = [
        (f'{indicator("vacancy_share_400").label(lang)} ({t["share_unit"]})', "",
         wmean_pct("vacancy_share_400"))]
    if "bag_vacant_share" in st.columns and all(c in st.columns
                                                for c in POOLED["bag_vacant_share"]):
        columns.append((f'{indicator("bag_vacant_share").label(lang)} ({t["share_unit"]})',
                        "syn" if _is_synthetic("bag_vacant_share", scope.kinds) else "",
                        pooled_pct))
    if fig["shopfronts"]:
        note = t["vacancy_note"].format(vacant=fig["vacant_shopfronts"],
                                        fronts=fig["shopfronts"])
        osm = (f'{_esc(t["vacancy"])}: <strong>{_share(fig["vacancy_share"], lang)}</strong> '
               f'({_esc(t["share_unit"])}; {_esc(note)})')
    else:
        osm = f'{_esc(t["vacancy"])}: {_esc(t["no_fronts"])}'
    lines = [f"<p>{osm}</p>"]
    if "bag_vacant_share" in fig:
        v = fig["bag_vacant_share"]
        text = t["no_data"] if v is None or math.isnan(v) else \
            f'{_share(v, lang)} ({t["share_unit"]})'
        lines.append(f'<p>{_esc(t["bag_vacancy"])}{_tag(_is_synthetic("bag_vacant_share", scope.kinds), t)}: '
                     f'<strong>{_esc(text)}</strong> <span class="wk-note">'
                     f'({_esc(t["bag_vacancy_note"])})</span></p>')
    return (f'<section id="vacancy" class="wk-keep"><h2>{_esc(t["vac_section"])}</h2>'
            f"{''.join(lines)}<p class=\"wk-note\">{_esc(t['vac_intro'])}</p>"
            f"{_per_type_table(scope, types, columns, lang)}</section>")


#: Hours of the evening (local time) in :func:`_hours_html`'s list of evening streets.
_EVENING_HOUR = 20


def _hours_profile(scope: _Scope, result: AnalysisResult) -> np.ndarray | None:
    """The length-weighted mean 7 x 24 profile of the scope's streets, or None."""
    if result.hours is None or not len(scope.streets):
        return None
    hours = result.hours.reindex(scope.streets.index)
    ok = hours.notna().all(axis=1).to_numpy()
    if not ok.any():
        return None
    w = scope.streets["length_m"].to_numpy(dtype=float)[ok]
    values = hours.to_numpy(dtype=float)[ok]
    return (values * w[:, None]).sum(axis=0).reshape(7, 24) / max(float(w.sum()), 1e-9)


def _hours_chart(profile: np.ndarray, lang: str, salt: str) -> str:
    t = _T[lang]
    fig = _figure(7.2, 2.5)
    ax = fig.add_axes([0.07, 0.2, 0.8, 0.72])
    im = ax.imshow(profile, aspect="auto", cmap="YlOrRd", interpolation="nearest",
                   vmin=0, vmax=max(float(profile.max()), 1.0))
    ax.set_yticks(range(7))
    ax.set_yticklabels([pair[0] if lang == "nl" else pair[1] for pair in DAYS], fontsize=8)
    ax.set_xticks(range(0, 24, 3))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 24, 3)], fontsize=7.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    cax = fig.add_axes([0.89, 0.2, 0.02, 0.72])
    bar = fig.colorbar(im, cax=cax)
    bar.ax.tick_params(labelsize=7)
    bar.outline.set_visible(False)
    ax.set_xlabel(t["hours_axis"], fontsize=8)
    return _svg(fig, salt)


def _hours_html(scope: _Scope, result: AnalysisResult, lang: str) -> str:
    profile = _hours_profile(scope, result)
    if profile is None:
        return ""
    t = _T[lang]
    meta = scope.metadata.get("opening_hours", {})
    syn = "opening_hours" in scope.kinds
    st = scope.streets
    length = st["length_m"].to_numpy(dtype=float)
    lines = []
    for col, key, pct in (("evening_share", "evening", True), ("weekend_share", "weekend", True),
                          ("n_o_hours_per_day", "n_o_hours", False)):
        if col not in st.columns:
            continue
        v = _wmean(st[col], length)
        text = t["no_data"] if math.isnan(v) else \
            (f'{_share(v, lang)} ({t["share_unit"]})' if pct else _num(v, 1, lang))
        lines.append(f"<li>{_esc(t[key])}: <strong>{_esc(text)}</strong></li>")
    counts = meta.get("counts", {})
    note = t["hours_counts"].format(**{k: int(counts.get(k, 0)) for k in
                                       ("ok", "missing", "invalid", "unknown")})
    when = (f"{DAYS[4][0] if lang == 'nl' else DAYS[4][1]} {_EVENING_HOUR:02d}:00")
    col = f"{DAYS[4][0]}_{_EVENING_HOUR:02d}"
    top = ""
    hours = result.hours.reindex(st.index) if result.hours is not None else None
    if hours is not None and col in hours:
        evening = hours[col].dropna().sort_values(ascending=False, kind="stable")
        names = st["street_name"].reindex(evening.index) if "street_name" in st else None
        seen: list[str] = []
        for idx, v in evening.items():
            name = names.get(idx) if names is not None else None
            if not isinstance(name, str) or not name or name in seen or v <= 0:
                continue
            seen.append(name)
            top += (f"<li>{_esc(name)}: <strong>{int(v)}</strong> "
                    f"{_esc(t['hours_of'].format(when=when))}</li>")
            if len(seen) == TOP_STREETS:
                break
    intro = t["hours_intro"].format(r=float(meta.get("radius_m", 400)),
                                    week=meta.get("week", "?"))
    return (f'<section id="hours" class="wk-keep"><h2>{_esc(t["hours_section"])}'
            f"{_tag(syn, t)}</h2><p class=\"wk-note\">{_esc(intro)}</p>"
            f"{_hours_chart(profile, lang, f'hours-{scope.page.code or 0}')}"
            f"<ul>{''.join(lines)}</ul>"
            + (f"<h3>{_esc(t['evening_streets'])}</h3><ol>{top}</ol>" if top else "")
            + f'<p class="wk-note">{_esc(note)}</p></section>')


def _spending_html(scope: _Scope, result: AnalysisResult, lang: str) -> str:
    spend = result.spending
    if spend is None or not len(spend.zones):
        return ""
    t = _T[lang]
    meta = spend.metadata
    par = meta.get("parameters", {})
    syn = "bag" in scope.kinds

    def pct(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _share(float(v), lang)

    def num(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _num(float(v), 0, lang)

    shares = ("kept", "leaks", "beyond", "from_outside", "kept_after")

    def th(k: str) -> str:
        return f"<th>{_esc(t[k])}" + (f" ({_esc(t['share_unit'])})" if k in shares else "") + "</th>"

    head = "".join(th(k) for k in ("zone", "dwellings", "kept", "leaks", "beyond", "drawn_here",
                                   "from_outside"))
    rows = []
    for _, z in spend.zones.iterrows():
        rows.append(f"<tr><td>{_esc(z['name'])}</td><td>{num(z['demand'])}</td>"
                    f"<td><strong>{pct(z['retained_share'])}</strong></td>"
                    f"<td>{pct(z['leaked_share'])}</td><td>{pct(z['beyond_reach_share'])}</td>"
                    f"<td>{num(z['drawn'])}</td><td>{pct(z['inflow_share'])}</td></tr>")
    table = (f'<table class="wk-zones"><thead><tr>{head}</tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>")
    fill = ""
    names = dict(zip(spend.zones["code"], spend.zones["name"], strict=True))
    all_sc = spend.scenarios
    kind = all_sc["scenario"] if "scenario" in all_sc else pd.Series("vacant_front",
                                                                   index=all_sc.index)
    added = all_sc[kind == "added_shop"]
    if len(added):
        items = []
        items.extend(_scenario_rows(added, names, num, pct, {}))
        ahead = "".join(th(k) for k in ("added_shop", "zone", "would_draw", "kept_after"))
        fill += (f"<h3>{_esc(t['added_title'])}</h3>"
                 f'<table class="wk-scenarios"><thead><tr>{ahead}</tr></thead>'
                 f"<tbody>{''.join(items)}</tbody></table>")
    sc = all_sc[kind == "vacant_front"]
    if len(sc):
        items = []
        from .report_findings import front_addresses

        items.extend(_scenario_rows(sc.head(TOP_STREETS), names, num, pct,
                                    front_addresses(result, lang)))
        fhead = "".join(th(k) for k in ("front", "zone", "would_draw", "kept_after"))
        fill += (f"<h3>{_esc(t['fill_title'])}</h3><p class=\"wk-note\">"
                f"{_esc(t['fill_intro'].format(m2=float(meta.get('scenario_floor_area_m2', 0))))}"
                f'</p><table class="wk-scenarios"><thead><tr>{fhead}</tr></thead>'
                f"<tbody>{''.join(items)}</tbody></table>")
    sources = meta.get("attractiveness", {}).get("sources", {})
    src_names = {"nl": {"bag_floor_area": "uit de BAG", "assumed_floor_area": "aangenomen per soort "
                    "winkel", "count": "elke winkel 1"},
             "en": {"bag_floor_area": "from the BAG", "assumed_floor_area": "assumed per kind "
                    "of shop", "count": "every shop 1"}}[lang]
    src = ", ".join(f"{v} {src_names.get(k, k)}" for k, v in sources.items()) or "–"
    decay = str(par.get("decay", "power"))
    params = t["spend_params"].format(decay=t.get(f"decay_{decay}", decay),
                                      beta=float(par.get("beta", 2)),
                                      cutoff=float(par.get("cutoff_m", 2000)),
                                      mind=float(par.get("min_distance_m", 100)), sources=src)
    warn = "".join(f'<p class="wk-note">{_esc(_warning_text(w, lang))}</p>'
                   for w in meta.get("warnings", []))
    intro = t["spend_intro"].format(cutoff=float(par.get("cutoff_m", 2000)))
    return (f'<section id="spending" class="wk-keep"><h2>{_esc(t["spend_section"])}'
            f"{_tag(syn, t)}</h2><p class=\"wk-note\">{_esc(intro)}</p>{table}{fill}"
            f'<p class="wk-note">{_esc(params)}</p>{warn}</section>')


def _scenario_rows(rows: Any, names: dict[Any, Any], num: Any, pct: Any,
                   addresses: Mapping[str, str]) -> list[str]:
    """Table rows of spending scenarios: the shop (a vacant front by its address, an added
    shop by its name), its zone, what it would draw, and the share kept in the area before
    and after."""
    return [f"<tr><td>{_esc(addresses.get(str(r['osm_id']), r['osm_id']))}</td>"
            f"<td>{_esc(names.get(r['zone'], r['zone']))}</td>"
            f"<td>{num(r['drawn'])}</td><td>{pct(r['retained_share_before'])} → "
            f"<strong>{pct(r['retained_share_after'])}</strong></td></tr>"
            for _, r in rows.iterrows()]
