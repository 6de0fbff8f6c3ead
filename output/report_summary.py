"""The key figures of a report page (part of :mod:`wijkkracht.output.report`): street and network
length, functions, N and O and their balance, vacancy, the BAG/KvK figures, and their table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.areas import POOLED
from ..core.indicators.registry import INDICATORS, SENSITIVE
from ..core.result import AnalysisResult
from .report_scope import _is_synthetic, _pooled, _Scope, _scope, _street_mask, _wmean
from .report_text import _T, _esc, _is_nan, _num, _pct, _share, _tag


def _poi_counts(pois: gpd.GeoDataFrame, polygon: Any) -> dict[str, int]:
    """Functions, N, O, shop fronts and vacant ones among the study area's POIs in
    ``polygon`` (as the study area's own summary counts them)."""
    inside = pois[pois["in_study_area"].astype(bool)] if "in_study_area" in pois else pois
    if polygon is not None and len(inside):
        inside = inside[shapely.intersects(polygon, inside.geometry.values)]
    fronts = inside["shopfront"].astype(bool)
    return {
        "functions": int((inside["function"].fillna("").astype(str) != "").sum()),
        "n_count": int((inside["no_class"] == "N").sum()),
        "o_count": int((inside["no_class"] == "O").sum()),
        "shopfronts": int(fronts.sum()),
        "vacant_shopfronts": int((fronts & inside["vacant"].astype(bool)).sum()),
    }


def _balance(n: float, o: float) -> float:
    return 1 - abs(n - o) / (n + o) if n + o > 0 else 0.0


def report_figures(result: AnalysisResult, area: str | int | None = None) -> dict[str, Any]:
    """The key figures of a report page, as numbers (NaN: none; None: suppressed).

    Parameters
    ----------
    result
        The analysis result.
    area
        ``None``: the whole study area; else an area of ``result.areas`` (its code, name or
        0-based position).

    Returns
    -------
    dict
        ``street_km`` and ``segments`` (the street segments, ``is_street``: paths, sidewalks
        and cycle paths are not streets), ``network_km`` and ``network_segments`` (the whole
        walking network), ``functions``, ``n_count``, ``o_count``, ``no_balance``
        (of the two counts), ``no_balance_400`` (length-weighted mean of the streets),
        ``shopfronts``, ``vacant_shopfronts``, ``vacancy_share`` (OpenStreetMap); with the
        BAG/KvK columns also ``bag_vacant_share``, ``mxi`` and ``home_based_share`` (pooled:
        the share of the totals, see :data:`wijkkracht.core.areas.POOLED`; ``None`` when
        suppressed) and ``home_based_left_out`` (segments whose counts are suppressed, left
        out of the study area's pooled share). The whole study area takes its counts from
        ``result.area``; an area its street figures and pooled shares from its row in
        ``result.areas`` and its counts from the POIs inside it.
    """
    return _figures(_scope(result, area), result)


def _figures(scope: _Scope, result: AnalysisResult) -> dict[str, Any]:
    st = scope.streets
    length = st["length_m"].to_numpy(dtype=float)
    street = _street_mask(st)
    out: dict[str, Any] = {}
    if scope.row is None:
        a = result.area.iloc[0] if len(result.area) else None

        def given(key: str) -> bool:
            return a is not None and key in a.index and not _is_nan(a[key])

        counts = _poi_counts(result.pois, scope.polygon)
        for key in counts:
            if given(key):
                counts[key] = int(a[key])
        out["street_km"] = float(a["street_km"]) if given("street_km") \
            else float(length[street].sum()) / 1000
        out["segments"] = int(a["segments"]) if given("segments") else int(street.sum())
        out["network_km"] = float(a["network_km"]) if given("network_km") \
            else float(length.sum()) / 1000
    else:
        counts = _poi_counts(result.pois, scope.polygon)
        out["street_km"] = float(scope.row["street_m"]) / 1000
        out["segments"] = int(scope.row["segments"])
        # the area's segments (midpoint in the area), paths included
        out["network_km"] = float(length.sum()) / 1000
    out["network_segments"] = int(len(st))
    out.update(counts)
    out["no_balance"] = _balance(counts["n_count"], counts["o_count"])
    out["no_balance_400"] = (float(scope.row["no_balance_400_mean"])
                             if scope.row is not None and "no_balance_400_mean" in scope.row
                             else _wmean(st["no_balance_400"][street], length[street]))
    out["vacancy_share"] = (counts["vacant_shopfronts"] / counts["shopfronts"]
                            if counts["shopfronts"] else float("nan"))
    for name in ("bag_vacant_share", "mxi", "home_based_share"):
        if name not in st.columns or not all(c in st.columns for c in POOLED[name]):
            continue
        if scope.row is not None:
            value = scope.row.get(f"{name}_pooled", np.nan)
            value = float("nan") if _is_nan(value) else float(value)
            left_out = 0
        else:
            value, left_out = _pooled(st, name)
        sensitive = SENSITIVE in INDICATORS[name].tags
        if sensitive and math.isnan(value) and _parts_exist(scope, st, name):
            out[name] = None  # suppressed
        else:
            out[name] = value
        if name == "home_based_share":
            out["home_based_left_out"] = left_out
    return out


def _parts_exist(scope: _Scope, streets: pd.DataFrame, name: str) -> bool:
    """Whether a sensitive pooled share is empty because it was suppressed (its parts have
    values before suppression) rather than because there is nothing to divide."""
    parts = POOLED[name]
    if scope.row is not None:
        return bool(scope.row.get("suppressed", False)) and \
            any(_is_nan(scope.row.get(f"{p}_sum", np.nan)) for p in parts)
    return any(bool(pd.to_numeric(streets[p], errors="coerce").isna().any()) for p in parts)


def _value_cell(value: Any, text: str, t: Mapping[str, str]) -> str:
    if value is None:
        return (f'<td class="num"><span class="wk-suppressed" title="{_esc(t["suppressed_note"])}">'
                f'{_esc(t["suppressed"])}</span></td>')
    return f'<td class="num">{_esc(text)}</td>'


def _key_figures_html(fig: Mapping[str, Any], scope: _Scope, types: list[dict[str, Any]],
                      lang: str) -> str:
    t = _T[lang]
    kinds = scope.kinds
    rows: list[str] = []

    def row(label: str, value: Any, text: str, note: str = "", synthetic: bool = False) -> None:
        rows.append(f"<tr><td>{_esc(label)}{_tag(synthetic, t)}</td>"
                    f"{_value_cell(value, text, t)}"
                    f'<td class="wk-note">{_esc(note)}</td></tr>')

    row(t["street_km"], fig["street_km"], f"{_num(fig['street_km'], 1, lang)} km",
        t["street_km_note"])
    row(t["segments"], fig["segments"], str(fig["segments"]),
        t["segments_note"].format(n=fig["network_segments"]))
    row(t["network_km"], fig["network_km"], f"{_num(fig['network_km'], 1, lang)} km",
        t["network_km_note"])
    row(t["functions"], fig["functions"], str(fig["functions"]), t["functions_note"])
    row(t["n"], fig["n_count"], str(fig["n_count"]), t["no_note"])
    row(t["o"], fig["o_count"], str(fig["o_count"]), t["no_note"])
    row(t["balance"], fig["no_balance"], _num(fig["no_balance"], 2, lang), t["balance_note"])
    if not _is_nan(fig.get("no_balance_400")):
        row(t["balance400"], fig["no_balance_400"], _num(fig["no_balance_400"], 2, lang),
            t["balance400_note"])
    if fig["shopfronts"]:
        row(t["vacancy"], fig["vacancy_share"], _share(fig["vacancy_share"], lang),
            f'{t["share_unit"]}; '
            + t["vacancy_note"].format(vacant=fig["vacant_shopfronts"], fronts=fig["shopfronts"]))
    else:
        row(t["vacancy"], 0, "–", t["no_fronts"])
    for name, label, note in (("bag_vacant_share", "bag_vacancy", "bag_vacancy_note"),
                              ("mxi", "mxi", "mxi_note"),
                              ("home_based_share", "home", "home_note")):
        if name not in fig:
            continue
        value = fig[name]
        text = "–" if value is None or math.isnan(value) else _share(value, lang)
        extra = f'{t["share_unit"]}; {t[note]}'
        if value is not None and math.isnan(value):
            text = t["no_data"]
        if name == "home_based_share" and fig.get("home_based_left_out"):
            extra += ". " + t["home_partial"].format(
                n=fig["network_segments"] - fig["home_based_left_out"],
                total=fig["network_segments"])
        row(t[label], value, text, extra, _is_synthetic(name, kinds))
    present = [r for r in types if r["length_m"] > 0 and not r.get("untyped")]
    if present:
        main = max(present, key=lambda r: r["length_m"])
        rows.append(f"<tr><td>{_esc(t['main_type'])}</td><td class=\"num wk-wrap\">"
                    f"<span class=\"wk-swatch\" style=\"background:{main['color']}\"></span>"
                    f"{_esc(main['name'])}</td><td class=\"wk-note\">{_esc(t['main_type_note'])}"
                    f" ({_pct(main['share'], lang)})</td></tr>")
    head = (f"<tr><th>{_esc(t['figure'])}</th><th class=\"num\">{_esc(t['value'])}</th>"
            f"<th>{_esc(t['note'])}</th></tr>")
    return (f'<section id="key"><h2>{_esc(t["key"])}</h2>'
            f'<table class="wk-key">{head}{"".join(rows)}</table></section>')
