"""The summary of findings that opens a report page (part of :mod:`wijkkracht.output.report`):
one page a council can take, before the figures and the methods.

* the **strongest streets by type**: per opportunity type its share of the street length (and
  the whole study area's, on an area's page) and the named streets with the most length of it;
* the **vacant shop fronts to fill**, by address: ``addr:street`` and ``addr:housenumber`` of the
  OpenStreetMap object where the data has them, else the nearest named street ("bij ..."),
  never an OSM id; with spending results, ordered by the spending a shop there would draw;
* the **N/O balance** of the page, against the whole study area on an area's page;
* **where spending leaks**, when the result has spending flows.

A comparison with a whole city needs figures of the city, which a result does not carry: a
batch result read as one result (its areas as pages) has the city as its study area, and then
"the whole study area" is the city.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..core.result import AnalysisResult
from .report_scope import _Scope, _scope, _wmean
from .report_text import _T, _esc, _is_nan, _num, _pct, _share, _tag

#: Streets named per type in the summary.
SUMMARY_STREETS = 3

#: Vacant shop fronts listed in the summary.
SUMMARY_FRONTS = 8

#: Columns that may hold an object's street and house number (OSM tags as read, or as a
#: GeoPackage column name).
_STREET_COLUMNS = ("addr:street", "addr_street")
_NUMBER_COLUMNS = ("addr:housenumber", "addr_housenumber")


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return None


def _text(value: Any) -> str:
    return "" if _is_nan(value) else str(value).strip()


def front_addresses(result: AnalysisResult, lang: str) -> dict[str, str]:
    """Each vacant shop front's address by its ``osm_id``: ``street number`` from the OSM
    address tags where the data has them, else the nearest named street ("bij Straatnaam" /
    "near Street name"); never the OSM id."""
    t = _T[lang]
    pois = result.pois
    if not len(pois) or "vacant" not in pois.columns:
        return {}
    vacant = pois[pois["vacant"].fillna(False).astype(bool)]
    if "shopfront" in vacant.columns:
        vacant = vacant[vacant["shopfront"].fillna(False).astype(bool)]
    streets = _column(vacant, _STREET_COLUMNS)
    numbers = _column(vacant, _NUMBER_COLUMNS)
    nearest = _nearest_street_names(result, vacant)
    out: dict[str, str] = {}
    for k, (idx, row) in enumerate(vacant.iterrows()):
        street = _text(streets.loc[idx]) if streets is not None else ""
        number = _text(numbers.loc[idx]) if numbers is not None else ""
        if street:
            out[str(row["osm_id"])] = f"{street} {number}".strip()
        elif nearest[k]:
            out[str(row["osm_id"])] = t["front_near"].format(street=nearest[k])
        else:
            out[str(row["osm_id"])] = t["front_unknown"]
    return out


def _nearest_street_names(result: AnalysisResult, points: Any) -> list[str]:
    """The name of the street segment each point was placed on (``segment_id``) or, where
    that one has no name, of the nearest named segment."""
    st = result.streets
    names = st["street_name"].fillna("").astype(str).str.strip() if "street_name" in st \
        else pd.Series("", index=st.index)
    out = []
    named = st[names != ""]
    tree = shapely.STRtree(named.geometry.values) if len(named) else None
    for _, row in points.iterrows():
        seg = row.get("segment_id", -1)
        name = names.get(seg, "") if not _is_nan(seg) else ""
        if not name and tree is not None and row.geometry is not None:
            point = row.geometry if points.crs == st.crs else \
                points.loc[[row.name]].to_crs(st.crs).geometry.iloc[0]
            name = str(named["street_name"].iloc[int(tree.nearest(point))]).strip()
        out.append(name)
    return out


def _vacant_fronts(scope: _Scope, result: AnalysisResult, lang: str) -> list[dict[str, Any]]:
    """The page's vacant shop fronts: address, and with spending results the spending a shop
    there would draw and the share kept in its zone before and after; best first."""
    pois = result.pois
    if not len(pois) or "vacant" not in pois.columns:
        return []
    sel = pois["vacant"].fillna(False).astype(bool)
    if "shopfront" in pois.columns:
        sel &= pois["shopfront"].fillna(False).astype(bool)
    if "in_study_area" in pois.columns:
        sel &= pois["in_study_area"].fillna(False).astype(bool)
    fronts = pois[sel]
    if scope.polygon is not None and len(fronts):
        fronts = fronts[shapely.intersects(scope.polygon, fronts.geometry.values)]
    addresses = front_addresses(result, lang)
    scenarios: dict[str, Mapping[str, Any]] = {}
    spend = result.spending
    if spend is not None and len(getattr(spend, "scenarios", ())):
        sc = spend.scenarios
        if "scenario" in sc.columns:
            sc = sc[sc["scenario"] == "vacant_front"]
        scenarios = {str(r["osm_id"]): r for _, r in sc.iterrows()}
    rows = []
    for _, f in fronts.iterrows():
        key = str(f["osm_id"])
        s = scenarios.get(key)
        rows.append({"address": addresses.get(key, _T[lang]["front_unknown"]),
                     "drawn": float(s["drawn"]) if s is not None else float("nan"),
                     "before": s["retained_share_before"] if s is not None else None,
                     "after": s["retained_share_after"] if s is not None else None})
    rows.sort(key=lambda r: (-(0.0 if math.isnan(r["drawn"]) else r["drawn"]), r["address"]))
    return rows


def _strongest_html(scope: _Scope, study: _Scope, types: list[dict[str, Any]],
                    lang: str) -> str:
    from .report_typology import _top_streets

    t = _T[lang]
    whole = {}
    if scope.row is not None:
        st = study.streets
        length = st["length_m"].to_numpy(dtype=float)
        from .report_scope import _street_mask

        street = _street_mask(st)
        total = float(length[street].sum())
        keys = st["type_key"].astype(str).to_numpy()
        for r in types:
            sel = street & (keys == r["key"])
            whole[r["key"]] = float(length[sel].sum()) / total if total > 0 else 0.0
    rows = []
    present = sorted((r for r in types if r["segments"] and not r.get("untyped")),
                     key=lambda r: -r["length_m"])
    for r in present:
        top = _top_streets(scope.streets, r["key"], None, n=SUMMARY_STREETS)
        names = ", ".join(f"{_esc(s['street_name'])} ({_num(s['length_m'], 0, lang)} m)"
                          for _, s in top.iterrows()) or "–"
        cmp = (f'<td class="num">{_pct(whole.get(r["key"], 0.0), lang)}</td>'
               if scope.row is not None else "")
        rows.append(f'<tr><td><span class="wk-swatch" style="background:{r["color"]}"></span>'
                    f'{_esc(r["name"])}</td><td class="num">{_pct(r["share"], lang)}</td>'
                    f"{cmp}<td>{names}</td></tr>")
    head_cmp = (f'<th class="num">{_esc(t["type_share_study"])}</th>'
                if scope.row is not None else "")
    return (f'<h3>{_esc(t["strongest"])}</h3><p class="wk-note">{_esc(t["strongest_intro"])}</p>'
            f'<table class="wk-strongest"><tr><th>{_esc(t["type"])}</th>'
            f'<th class="num">{_esc(t["type_share"])}</th>{head_cmp}'
            f'<th>{_esc(t["streets_of_type"])}</th></tr>{"".join(rows)}</table>')


def _fronts_html(scope: _Scope, result: AnalysisResult, fig: Mapping[str, Any],
                 whole: Mapping[str, Any], lang: str) -> str:
    t = _T[lang]
    out = [f'<h3>{_esc(t["fronts_title"])}</h3>']
    if fig["shopfronts"]:
        cmp = (t["cmp_study"].format(value=_share(whole["vacancy_share"], lang))
               if scope.row is not None and whole["shopfronts"] else "")
        out.append("<p>" + _esc(t["fronts_count"].format(
            vacant=fig["vacant_shopfronts"], fronts=fig["shopfronts"],
            share=_share(fig["vacancy_share"], lang), cmp=cmp)) + "</p>")
    fronts = _vacant_fronts(scope, result, lang)
    if not fronts:
        out.append(f'<p>{_esc(t["fronts_none"])}</p>')
        return "".join(out)
    out.append(f'<p class="wk-note">{_esc(t["fronts_intro"])}</p>')
    with_spending = any(not math.isnan(f["drawn"]) for f in fronts)
    head = f"<th>{_esc(t['front'])}</th>"
    if with_spending:
        head += (f'<th class="num">{_esc(t["would_draw"])}{_tag("bag" in scope.kinds, t)}</th>'
                 f'<th class="num">{_esc(t["kept_after"])} ({_esc(t["share_unit"])})</th>')
    rows = []
    for f in fronts[:SUMMARY_FRONTS]:
        cells = f"<td>{_esc(f['address'])}</td>"
        if with_spending:
            drawn = "–" if math.isnan(f["drawn"]) else _num(f["drawn"], 0, lang)
            kept = "–" if _is_nan(f["before"]) else \
                f"{_share(f['before'], lang)} → {_share(f['after'], lang)}"
            cells += f'<td class="num">{drawn}</td><td class="num">{kept}</td>'
        rows.append(f"<tr>{cells}</tr>")
    out.append(f'<table class="wk-fronts"><tr>{head}</tr>{"".join(rows)}</table>')
    if len(fronts) > SUMMARY_FRONTS:
        out.append(f'<p class="wk-note">{_esc(t["fronts_more"].format(n=len(fronts) - SUMMARY_FRONTS))}'
                   "</p>")
    return "".join(out)


def _no_summary_html(scope: _Scope, fig: Mapping[str, Any], whole: Mapping[str, Any],
                     lang: str) -> str:
    t = _T[lang]
    area = scope.row is not None

    def cmp(key: str) -> str:
        v = whole.get(key)
        return t["cmp_study"].format(value=_num(v, 2, lang)) if area and not _is_nan(v) else ""

    b400 = fig.get("no_balance_400")
    text = t["no_summary"].format(n=fig["n_count"], o=fig["o_count"],
                                  balance=_num(fig["no_balance"], 2, lang), cmp=cmp("no_balance"),
                                  b400="–" if _is_nan(b400) else _num(b400, 2, lang),
                                  cmp400=cmp("no_balance_400"))
    n, o = fig["n_count"], fig["o_count"]
    if n + o and fig["no_balance"] < 0.8:
        text += " " + (t["no_more_n"] if n > o else t["no_more_o"])
    elif n + o:
        text += " " + t["no_even"]
    return f'<h3>{_esc(t["no_section"])}</h3><p>{_esc(text)}</p>'


def _leak_html(scope: _Scope, result: AnalysisResult, lang: str) -> str:
    spend = result.spending
    if spend is None or not len(getattr(spend, "zones", ())):
        return ""
    t = _T[lang]
    z = spend.zones
    demand = pd.to_numeric(z["demand"], errors="coerce").to_numpy(dtype=float)

    def pooled(col: str) -> float:
        v = pd.to_numeric(z[col], errors="coerce").to_numpy(dtype=float)
        return _wmean(pd.Series(v), np.nan_to_num(demand))

    kept, leaks, beyond = (pooled(c) for c in ("retained_share", "leaked_share",
                                                "beyond_reach_share"))
    if math.isnan(kept):
        return ""
    text = t["leak_summary"].format(kept=_share(kept, lang), leaks=_share(leaks, lang),
                                    beyond=_share(beyond, lang))
    lines = [f"<p>{_esc(text)}</p>"]
    leaked = pd.to_numeric(z["leaked_share"], errors="coerce")
    if leaked.notna().any() and len(z) > 1:
        worst = z.loc[leaked.idxmax()]
        lines.append("<p>" + _esc(t["leak_most"].format(
            zone=_text(worst.get("name")) or _text(worst.get("code")),
            leaks=_share(float(worst["leaked_share"]), lang), all=_share(leaks, lang))) + "</p>")
    return (f'<h3>{_esc(t["leak_title"])}{_tag("bag" in scope.kinds, t)}</h3>'
            + "".join(lines))


def _findings_html(scope: _Scope, result: AnalysisResult, fig: Mapping[str, Any],
                   types: list[dict[str, Any]], lang: str) -> str:
    """The summary of findings: the first section of every page."""
    from .report_summary import _figures

    t = _T[lang]
    study = _scope(result, None) if scope.row is not None else scope
    whole = _figures(study, result) if scope.row is not None else fig
    compared = t["summary_study"].format(extra=t["summary_city"]) if scope.row is not None \
        else ""
    intro = t["summary_intro"] + (" " + compared if compared else "")
    return (f'<section id="summary" class="wk-summary"><h2>{_esc(t["summary"])}</h2>'
            f'<p class="wk-note">{_esc(intro)}</p>'
            f"{_strongest_html(scope, study, types, lang)}"
            f"{_fronts_html(scope, result, fig, whole, lang)}"
            f"{_no_summary_html(scope, fig, whole, lang)}"
            f"{_leak_html(scope, result, lang)}</section>")
