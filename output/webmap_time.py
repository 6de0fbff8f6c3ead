"""The web map's layers through time and money (part of :mod:`wijkkracht.output.webmap`): the
liveliness by hour of the week (opening hours) and the spending per street.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from ..core.indicators.registry import INDICATORS
from ..core.result import DAYS, AnalysisResult
from ..styles import (
    format_number,
    indicator_style,
)
from .webmap_layers import _geometries
from .webmap_text import _esc

#: The hour the liveliness layer opens on (day 0 = Monday): Friday 20:00, an evening, where
#: the streets that stay alive after the shops close stand out.
DEFAULT_HOUR = (4, 20)

#: The registered indicator whose classes and colours the liveliness layer uses (its unit:
#: open POIs within walking reach, the same as the value at one hour).
HOURS_STYLE = "open_peak"

_HOURS_TEXT = {
    "nl": {"title": "Levendigheid per uur: open voorzieningen", "layer": "Levendigheid per uur",
           "day": "Dag", "hour": "Uur", "null": "geen openingstijden bekend",
           "note": "Voorzieningen met bekende openingstijden (OSM opening_hours) binnen {r:g} m "
                   "lopen, open in dit uur van de week van {week}. In het gebied hebben {ok} van "
                   "de {total} voorzieningen leesbare openingstijden; {missing} geen, {unknown} "
                   "onleesbaar of deels onbekend (niet meegeteld, nooit geraden).",
           "days": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
                    "zondag"]},
    "en": {"title": "Liveliness by hour: open amenities", "layer": "Liveliness by hour",
           "day": "Day", "hour": "Hour", "null": "no opening hours known",
           "note": "Amenities with known opening hours (OSM opening_hours) within {r:g} m "
                   "walking, open in this hour of the week of {week}. In the area {ok} of the "
                   "{total} amenities have readable opening hours; {missing} none, {unknown} "
                   "unreadable or partly unknown (not counted, never guessed).",
           "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                    "Sunday"]},
}

_SPEND_TEXT = {
    "nl": {"layer": "Bestedingen per gebied (Huff)",
           "title": "Dagelijkse boodschappen: aandeel in het eigen gebied besteed",
           "demand": "Woningen (vraag)", "kept": "Besteed in het gebied (aandeel 0–1)",
           "leaked": "Lekt weg naar elders (aandeel 0–1)",
           "beyond": "Geen winkel binnen bereik (aandeel 0–1)",
           "drawn": "Bestedingen die de winkels hier trekken (woningen)",
           "inflow": "Daarvan van buiten het gebied (aandeel 0–1)",
           "best": "Beste leegstaande winkelpand om te vullen",
           "best_text": "een winkel van {m2:g} m² trekt ~{drawn:.0f} woningen; het gebied houdt "
                        "dan {after} in plaats van {before}",
           "none": "geen winkel",
           "note": "Huff-model (parameters zijn conventies, niet gekalibreerd): vraag = "
                   "woningen (BAG), aanbod = winkels voor dagelijkse boodschappen, loopafstand "
                   "tot {cutoff:g} m. Bedragen in woningen (1 = wat één huishouden besteedt)."},
    "en": {"layer": "Spending per area (Huff)",
           "title": "Daily goods: share spent in the own area",
           "demand": "Dwellings (demand)", "kept": "Spent in the area (share 0–1)",
           "leaked": "Leaks elsewhere (share 0–1)",
           "beyond": "No shop in reach (share 0–1)",
           "drawn": "Spending the shops here draw (dwellings)",
           "inflow": "Of which from outside the area (share 0–1)",
           "best": "Best vacant shop front to fill",
           "best_text": "a {m2:g} m² shop draws ~{drawn:.0f} dwellings; the area then keeps "
                        "{after} instead of {before}",
           "none": "no shop",
           "note": "Huff model (parameters are conventions, not calibrated): demand = dwellings "
                   "(BAG), supply = daily-goods shops, walking distance up to {cutoff:g} m. "
                   "Amounts in dwellings (1 = what one household spends)."},
}


def _spending_data(result: AnalysisResult, lang: str, kinds: Sequence[str]
                   ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The spending zones layer: configuration (legend) and data (polygons with their colour
    and an escaped popup), or ``(None, {})``."""
    spend = result.spending
    if spend is None or not len(spend.zones) or "spend_kept_share" not in INDICATORS:
        return None, {}
    text = _SPEND_TEXT[lang]
    st = indicator_style("spend_kept_share")

    def pct(v: Any) -> str:  # a share 0–1, shown as in every other output (not a percentage)
        return "–" if v is None or pd.isna(v) else format_number(float(v), 2, lang)

    def num(v: Any) -> str:
        return "–" if v is None or pd.isna(v) else format_number(float(v), 0, lang)

    fronts = spend.scenarios
    if "scenario" in fronts:
        fronts = fronts[fronts["scenario"] == "vacant_front"]
    best = fronts.groupby("zone").head(1).set_index("zone") if len(fronts) else None
    features = []
    zones = spend.zones
    for i, geom in enumerate(_geometries(zones, simplify_m=1.0)):
        if geom is None:
            continue
        z = zones.iloc[i]
        kept = z["retained_share"]
        color = st.color_for(None if pd.isna(kept) else float(kept))
        rows = [(text["demand"], num(z["demand"])), (text["kept"], pct(kept)),
                (text["leaked"], pct(z["leaked_share"])),
                (text["beyond"], pct(z["beyond_reach_share"])),
                (text["drawn"], num(z["drawn"]) if z["drawn"] > 0 else text["none"]),
                (text["inflow"], pct(z["inflow_share"]))]
        html_rows = "".join(f"<tr><th>{_esc(a)}</th><td>{_esc(b)}</td></tr>" for a, b in rows)
        extra = ""
        if best is not None and z["code"] in best.index:
            b = best.loc[z["code"]]
            extra = (f"<p class='wk-best'><strong>{_esc(text['best'])}</strong> "
                     f"({_esc(b['osm_id'])}): " + _esc(text["best_text"].format(
                         m2=float(b["floor_area_m2"]), drawn=float(b["drawn"]),
                         after=pct(b["retained_share_after"]),
                         before=pct(b["retained_share_before"]))) + "</p>")
        popup = (f"<div class='wk-tip wk-spend-tip'><h4>{_esc(z['name'])}</h4>"
                 f"<table>{html_rows}</table>{extra}</div>")
        features.append({"type": "Feature", "geometry": geom,
                         "properties": {"c": color, "p": popup}})
    cutoff = float(spend.metadata.get("parameters", {}).get("cutoff_m", 2000))
    config = {
        "title": _esc(text["title"]),
        "synthetic": "bag" in kinds,
        "classes": [{"color": c.color, "label": _esc(c.label(lang))} for c in st.classes],
        "nullColor": st.null_color,
        "note": _esc(text["note"].format(cutoff=cutoff)),
    }
    return config, {"type": "FeatureCollection", "features": features}


def _rle(values: Sequence[int]) -> list[int]:
    out: list[int] = []
    for v in values:
        if out and out[-2] == v:
            out[-1] += 1
        else:
            out += [int(v), 1]
    return out


def _hours_data(result: AnalysisResult, streets: gpd.GeoDataFrame, lang: str,
                kinds: Sequence[str]) -> tuple[dict[str, Any] | None, dict[str, Any], list[int]]:
    """The liveliness layer's configuration, its data block (distinct profiles, run-length
    encoded) and each street's profile index (-1: none), or ``(None, {}, [])``."""
    if result.hours is None or HOURS_STYLE not in INDICATORS:
        return None, {}, []
    frame = result.hours.reindex(streets.index)
    known = frame.notna().all(axis=1).to_numpy()
    rows = frame.fillna(0).to_numpy(dtype=int)
    profiles: dict[tuple[int, ...], int] = {}
    index = []
    for ok, row in zip(known, rows, strict=True):
        if not ok or not row.any():
            index.append(-1)
            continue
        index.append(profiles.setdefault(tuple(row.tolist()), len(profiles)))
    st = indicator_style(HOURS_STYLE)
    text = _HOURS_TEXT[lang]
    meta = result.metadata.get("opening_hours", {})
    counts = meta.get("counts", {})
    total = sum(int(v) for v in counts.values()) if counts else 0
    unknown = total - int(counts.get("ok", 0)) - int(counts.get("missing", 0))
    config = {
        "title": _esc(text["title"]),
        "days": [_esc(pair[0] if lang == "nl" else pair[1]) for pair in DAYS],
        "dayNames": [_esc(d) for d in text["days"]],
        "dayLabel": _esc(text["day"]), "hourLabel": _esc(text["hour"]),
        "day": DEFAULT_HOUR[0], "hour": DEFAULT_HOUR[1],
        "nullText": _esc(text["null"]),
        "note": _esc(text["note"].format(r=float(meta.get("radius_m", 400)),
                                         week=meta.get("week", "?"), unknown=unknown,
                                         total=total, ok=int(counts.get("ok", 0)),
                                         missing=int(counts.get("missing", 0)))),
        "synthetic": "opening_hours" in kinds,
        "style": {
            "nullColor": st.null_color,
            "classes": [{"lo": c.lower, "hi": c.upper, "first": c.first, "color": c.color,
                         "label": _esc(c.label(lang))} for c in st.classes],
        },
    }
    block = {"profiles": [_rle(p) for p in profiles]}
    return config, block, index
