"""What a report page covers (part of :mod:`wijkkracht.output.report`): the result as it may be
published (small establishment counts suppressed), the pages (the whole study area and one per
area of the area summary) and the streets of a page, with the length-weighted means and pooled
figures the sections share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..core.areas import POOLED, assign_segments
from ..core.indicators.registry import INDICATORS, SENSITIVE, indicator
from ..core.result import AnalysisResult
from .report_text import _is_nan


def _plain_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata as the GeoPackage stores it (JSON): the same page from memory or file."""
    return json.loads(json.dumps(dict(metadata), default=str, ensure_ascii=False))


def _synthetic_kinds(metadata: Mapping[str, Any]) -> list[str]:
    kinds = metadata.get("synthetic") or []
    if isinstance(kinds, str):
        kinds = [kinds]
    return [str(k) for k in kinds]


def _is_synthetic(name: str, kinds: Sequence[str]) -> bool:
    """Whether an indicator is made from a SYNTHETIC input (establishment indicators also
    need the BAG)."""
    needs = indicator(name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _threshold(metadata: Mapping[str, Any]) -> int | None:
    bag = metadata.get("bag")
    for value in (metadata.get("privacy_threshold"),
                  bag.get("privacy_threshold") if isinstance(bag, Mapping) else None):
        if value is not None:
            return int(value)
    return None


def _sensitive(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c in INDICATORS and SENSITIVE in INDICATORS[c].tags]


def _published(result: AnalysisResult) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None,
                                                 int | None]:
    """The streets and areas as they may be published, and the privacy threshold.

    A pipeline result is suppressed already; suppressing again with the run's threshold
    changes nothing, and makes sure a result built by other means never shows small counts.
    """
    from ..core.privacy import (
        DEFAULT_THRESHOLD,
        sensitive_counts,
        suppress_area_counts,
        suppress_small_counts,
    )

    streets = result.streets
    areas = getattr(result, "areas", None)
    if areas is not None and not len(areas):
        areas = None
    sensitive = _sensitive(list(streets.columns))
    threshold = _threshold(result.metadata)
    if not sensitive:
        return streets, areas, None
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    counts = [c for c in sensitive_counts() if c in streets.columns]
    streets = _keep_flag(streets, suppress_small_counts(streets, t, columns=counts))
    if areas is not None:
        areas = _keep_flag(areas, suppress_area_counts(areas, t))
    return streets, areas, t


def _keep_flag(before: gpd.GeoDataFrame, after: pd.DataFrame) -> gpd.GeoDataFrame:
    """``after`` as a GeoDataFrame whose ``suppressed`` flag also keeps what ``before`` had
    suppressed already (suppressing again finds nothing new to flag)."""
    out = gpd.GeoDataFrame(after, geometry=before.geometry.name, crs=before.crs)
    if "suppressed" in before.columns:
        out["suppressed"] = out["suppressed"].to_numpy(dtype=bool) | \
            before["suppressed"].fillna(False).to_numpy(dtype=bool)
    out.attrs.update(before.attrs)
    return out


@dataclass(frozen=True)
class _Page:
    """One report page: the whole study area (``position`` None) or one row of ``areas``."""

    key: str
    position: int | None
    name: str
    code: str


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60]


def report_pages(result: AnalysisResult, basename: str = "wijkkracht") -> dict[str, str]:
    """The pages a result's report has: page key -> file name.

    ``"report"`` is the whole study area (``<basename>_report.html``); with an area summary
    each area follows as ``"report_<code>"`` (``<basename>_report_<code>.html``, the CBS code
    or else the name, made safe for a file name), in the order of ``result.areas``.
    """
    return {p.key: _file_name(basename, p) for p in _pages(result)}


def _file_name(basename: str, page: _Page) -> str:
    return f"{basename}_{page.key}.html"


def _pages(result: AnalysisResult) -> list[_Page]:
    pages = [_Page("report", None, _study_name(result), "")]
    areas = getattr(result, "areas", None)
    if areas is None:
        return pages
    seen = {"report"}
    for k in range(len(areas)):
        code = _cell(areas, "area_code", k)
        name = _cell(areas, "area_name", k)
        slug = _slug(code) or _slug(name) or f"area{k + 1}"
        key = f"report_{slug}"
        n = 2
        while key in seen:
            key = f"report_{slug}-{n}"
            n += 1
        seen.add(key)
        pages.append(_Page(key, k, name, code))
    return pages


def _cell(frame: pd.DataFrame, column: str, k: int) -> str:
    if column not in frame.columns:
        return ""
    value = frame[column].iloc[k]
    return "" if _is_nan(value) else str(value)


def _study_name(result: AnalysisResult) -> str:
    area = result.area
    if "name" in area and len(area) and not _is_nan(area["name"].iloc[0]):
        return str(area["name"].iloc[0])
    return ""


def _find_page(result: AnalysisResult, area: str | int | None) -> _Page:
    pages = _pages(result)
    if area is None:
        return pages[0]
    areas = pages[1:]
    if not areas:
        raise ValueError("the result has no area summary (AreaAnalysisResult.areas); "
                         "leave area=None for the whole study area")
    if isinstance(area, (int, np.integer)) and not isinstance(area, bool):
        if not 0 <= int(area) < len(areas):
            raise ValueError(f"area {area} out of range: the result has {len(areas)} areas")
        return areas[int(area)]
    for page in areas:
        if str(area) in (page.code, page.name, page.key):
            return page
    raise ValueError(f"no area {area!r}; areas: {', '.join(p.code or p.name for p in areas)}")


def _wmean(values: pd.Series, weights: np.ndarray) -> float:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(v)
    if not ok.any() or weights[ok].sum() <= 0:
        return float("nan")
    return float(np.sum(v[ok] * weights[ok]) / weights[ok].sum())


def _street_mask(streets: pd.DataFrame) -> np.ndarray:
    """Which segments are streets (``is_street``, :mod:`wijkkracht.core.streets`): those that
    count in street length, street segments and the shares of the types. A layer without the
    column (an older wijkkracht) is all streets."""
    if "is_street" not in streets.columns:
        return np.ones(len(streets), dtype=bool)
    return pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()


def _pooled(streets: pd.DataFrame, name: str) -> tuple[float, int]:
    """Share ``name`` pooled over the streets' totals (as per area in core.areas), over the
    rows where both parts are published; and the number of rows left out."""
    num_col, den_col = POOLED[name]
    num = pd.to_numeric(streets[num_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    den = pd.to_numeric(streets[den_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~(np.isnan(num) | np.isnan(den))
    total = float(den[ok].sum())
    return (float(num[ok].sum()) / total if total > 0 else float("nan")), int((~ok).sum())


@dataclass
class _Scope:
    page: _Page
    streets: gpd.GeoDataFrame  # the segments of the page's area
    all_streets: gpd.GeoDataFrame  # every published study-area segment
    areas: gpd.GeoDataFrame | None
    polygon: Any
    row: pd.Series | None
    threshold: int | None
    metadata: dict[str, Any]
    kinds: list[str]


def _scope(result: AnalysisResult, area: str | int | None) -> _Scope:
    page = _find_page(result, area)
    streets, areas, threshold = _published(result)
    metadata = _plain_metadata(result.metadata)
    if page.position is None:
        polygon = result.area.geometry.union_all() if len(result.area) else None
        return _Scope(page, streets, streets, areas, polygon, None, threshold, metadata,
                      _synthetic_kinds(metadata))
    if areas is None:
        raise RuntimeError("a page of an area needs the result's areas")
    pos = assign_segments(streets, areas) if len(streets) else np.zeros(0, dtype=np.int64)
    sel = streets.iloc[np.flatnonzero(pos == page.position)]
    row = areas.iloc[page.position]
    return _Scope(page, sel, streets, areas, areas.geometry.iloc[page.position], row,
                  threshold, metadata, _synthetic_kinds(metadata))
