"""The report's charts and its static map, drawn with matplotlib as inline SVG so that the page
prints (part of :mod:`wijkkracht.output.report`): the type profiles and the map of the streets
in their type colours, with the frame of the interactive map beside it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..core.indicators.registry import indicator
from ..core.result import AnalysisResult
from ..styles import (
    decimals,
    format_number,
    is_untyped,
    synthetic_notice_color,
    type_color,
    type_keys,
    type_label,
    type_line_width,
)
from .report_scope import _is_synthetic, _Scope, _street_mask
from .report_text import _T, _data_text, _esc, _is_nan, _num, _share


def _svg(fig: Any, salt: str, *, round_paths: bool = False) -> str:
    """A matplotlib figure as inline SVG: text as text, stable ids (per ``salt``), no date."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight", pad_inches=0.05)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # one page holds many figures: make their ids (and the references to them) unique
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", salt)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    if round_paths:
        text = re.sub(r' d="([^"]*)"', lambda m: ' d="' + re.sub(
            r"-?\d+\.\d+", lambda n: f"{float(n.group()):.1f}", m.group(1)) + '"', text)
    # scale with the page: width from CSS, height from the viewBox
    text = re.sub(r'^<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"',
                  lambda m: f'<svg{m.group(1)} class="wk-svg" role="img" '
                            f'style="max-width:{float(m.group(2)) * 4 / 3:.0f}px;'
                            f'--wk-aspect:{float(m.group(3)) / float(m.group(2)):.3f}"',
                  text, count=1)
    return text


def _figure(width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    fig.patch.set_alpha(0)
    return fig


def _feature_value(name: str, value: Any, lang: str) -> str:
    if _is_nan(value):
        return "–"
    unit = indicator(name).unit
    if unit == "share":
        return _share(value, lang)
    text = _num(value, max(decimals(unit), 1) if unit in ("count", "categories") else
                decimals(unit), lang)
    return f"{text} m" if unit == "m" else text


#: Profile charts already drawn (the same on every page of a report): inputs -> SVG.
_CHARTS: dict[tuple[Any, ...], str] = {}


def _profile_chart(row: pd.Series, features: Sequence[str], color: str, lang: str,
                   kinds: Sequence[str], salt: str) -> str:
    """The profile chart of one type (cached: the pages of a report share them)."""
    key = (lang, color, salt, tuple(kinds), tuple(features),
           tuple(float(row.get(f"z_{f}", np.nan)) for f in features),
           tuple(float(row.get(f, np.nan)) for f in features))
    svg = _CHARTS.get(key)
    if svg is None:
        if len(_CHARTS) >= 256:
            _CHARTS.clear()
        svg = _CHARTS[key] = _draw_profile_chart(row, features, color, lang, kinds, salt)
    return svg


def _draw_profile_chart(row: pd.Series, features: Sequence[str], color: str, lang: str,
                        kinds: Sequence[str], salt: str) -> str:
    t = _T[lang]
    z = np.array([float(row.get(f"z_{f}", np.nan)) for f in features], dtype=float)
    z = np.nan_to_num(z)
    lim = float(min(max(1.5, np.abs(z).max() + 0.3), 4.0))
    shown = np.clip(z, -lim, lim)
    labels = [indicator(f).label(lang) + (" †" if _is_synthetic(f, kinds) else "")
              for f in features]
    n = len(features)
    fig = _figure(7.2, 0.32 * n + 0.75)
    ax = fig.add_axes([0.42, 0.75 / (0.32 * n + 0.75), 0.43, 1 - 0.85 / (0.32 * n + 0.75)])
    y = np.arange(n)[::-1]
    colors = [color if v > 0 else "#c9c9c9" for v in z]
    ax.barh(y, shown, color=colors, height=0.7, edgecolor="none")
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8.5)
    notice = synthetic_notice_color()
    for tick, f in zip(ax.get_yticklabels(), features, strict=True):
        if _is_synthetic(f, kinds):
            tick.set_color(notice)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(t["axis"], fontsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    for yi, v, s in zip(y, z, shown, strict=True):
        if abs(v) > lim:  # clipped: say how far it goes
            ax.text(s - 0.05 * np.sign(v), yi, format_number(v, 1, lang), va="center",
                    ha="right" if v > 0 else "left", fontsize=7.5, color="#ffffff",
                    fontweight="bold")
    ax.text(1.03, n - 0.4, t["mean_of_type"], transform=ax.get_yaxis_transform(),
            fontsize=7.5, color="#555555", va="bottom", ha="left", style="italic")
    for yi, f in zip(y, features, strict=True):
        ax.text(1.03, yi, _feature_value(f, row.get(f, np.nan), lang),
                transform=ax.get_yaxis_transform(), fontsize=8, va="center", ha="left")
    return _svg(fig, salt)


def _map_paths(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from matplotlib.path import Path as MplPath

    parts = shapely.get_parts(geoms)
    parts = parts[~shapely.is_empty(parts)]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    if len(coords):
        first = np.r_[True, index[1:] != index[:-1]]
        codes[first] = MplPath.MOVETO
    return coords, codes


def _add_lines(ax: Any, geoms: np.ndarray, color: str, width: float, z: int) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    coords, codes = _map_paths(geoms)
    if not len(coords):
        return
    # add_artist, not add_patch: the limits are set, and updating them walks every vertex
    ax.add_artist(PathPatch(MplPath(coords, codes), facecolor="none", edgecolor=color,
                            linewidth=width, capstyle="round", joinstyle="round", zorder=z))


def _add_outline(ax: Any, polygon: Any, color: str, width: float, z: int,
                 dashes: bool = False) -> None:
    if polygon is None or polygon.is_empty:
        return
    boundary = shapely.get_parts(np.array([polygon.boundary]))
    coords, codes = _map_paths(boundary)
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if len(coords):
        ax.add_artist(PathPatch(MplPath(coords, codes), facecolor="none", edgecolor=color,
                                linewidth=width, linestyle=(0, (4, 2)) if dashes else "-",
                                zorder=z))


def _nice_length(span_m: float) -> int:
    for v in (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if v >= span_m / 5:
            return v
    return 10000


def _static_map(scope: _Scope, result: AnalysisResult, salt: str) -> str:
    st = scope.streets
    bounds_geom = scope.polygon if scope.polygon is not None and not scope.polygon.is_empty \
        else shapely.box(*st.total_bounds)
    x0, y0, x1, y1 = bounds_geom.bounds
    pad = 0.04 * max(x1 - x0, y1 - y0, 1.0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    width_in = 7.2
    height_in = float(np.clip(width_in * (y1 - y0) / max(x1 - x0, 1.0), 3.0, 8.5))
    # widen the extent to the figure's shape (1 m is as long across as up), around its centre
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max(x1 - x0, (y1 - y0) * width_in / height_in) / 2
    half_h = half_w * height_in / width_in
    x0, x1, y0, y1 = cx - half_w, cx + half_w, cy - half_h, cy + half_h
    fig = _figure(width_in, height_in)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if scope.page.position is not None:  # context: the other streets of the study area
        others = ~scope.all_streets.index.isin(st.index)
        _add_lines(ax, scope.all_streets.geometry.values[others], "#c8c8c8", 0.6, 1)
        if scope.areas is not None:
            for k, poly in enumerate(scope.areas.geometry.values):
                if k != scope.page.position:
                    _add_outline(ax, poly, "#9a9a9a", 0.6, 2)
    keys = st["type_key"].astype(str).to_numpy() if "type_key" in st else \
        np.full(len(st), "", dtype=object)
    street = _street_mask(st)
    order = [k for k in type_keys(keys) if k in set(keys)]
    full = type_line_width("mm")
    # the paths first and thin (in their type's colour where the typology classified them),
    # then the streets without a type, thinner and grey, then the typed streets
    for key in order:
        sel = (keys == key) & ~street
        color = type_color(key)
        _add_lines(ax, st.geometry.values[sel], color,
                   1.8 * type_line_width("mm", "untyped_path") / full, 2)
    for key in sorted(order, key=lambda k: not is_untyped(k)):
        sel = (keys == key) & street
        color = type_color(key)
        _add_lines(ax, st.geometry.values[sel], color,
                   1.8 * type_line_width("mm", key) / full, 3)
    _add_outline(ax, scope.polygon, "#222222", 1.2, 4, dashes=scope.page.position is None)
    # scale bar, bottom left
    span = x1 - x0
    bar = _nice_length(span)
    bx, by = x0 + 0.03 * span, y0 + 0.04 * (y1 - y0)
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    ax.plot([bx, bx + bar], [by, by], color="#222222", linewidth=2.2, solid_capstyle="butt",
            zorder=5, path_effects=halo)
    ax.text(bx + bar / 2, by + 0.015 * (y1 - y0), f"{bar} m" if bar < 1000 else
            f"{bar / 1000:g} km", ha="center", va="bottom", fontsize=8, zorder=5,
            path_effects=halo)
    return _svg(fig, salt, round_paths=True)


def _map_html(scope: _Scope, result: AnalysisResult, types: list[dict[str, Any]], lang: str,
              map_href: str | None, embed_map: bool, offline: bool = False) -> str:
    t = _T[lang]
    svg = _static_map(scope, result, salt=f"wk-map-{scope.page.key}")
    legend = "".join(
        f'<span><span class="wk-swatch" style="background:{r["color"]}"></span>'
        f'{_esc(r["name"])}</span>' for r in types if r["segments"])
    if "type_key" in scope.streets and not _street_mask(scope.streets).all():
        legend += (f'<span><span class="wk-swatch" style="background:'
                   f'{type_color("untyped_path")}"></span>'
                   f'{_esc(type_label("untyped_path", lang))}</span>')
    caption = t["map_caption"].format(
        others=t["map_others"] if scope.page.position is not None else "",
        attribution=_data_text(result.attribution, lang))
    parts = [f'<section id="map" class="wk-keep"><h2>{_esc(t["map"])}</h2>',
             f'<figure class="wk-map">{svg}<div class="wk-legend">{legend}</div>'
             f"<figcaption>{_esc(caption)}</figcaption></figure>"]
    if embed_map:
        from .webmap import webmap_html

        doc = webmap_html(result, lang=lang, offline=offline)
        parts.append(f'<div class="wk-screen"><h3>{_esc(t["interactive"])}</h3>'
                     f'<iframe class="wk-frame" title="{_esc(t["frame_title"])}" '
                     f'srcdoc="{_esc(doc)}"></iframe></div>'
                     f'<p class="wk-print wk-note">{_esc(t["interactive_embedded"])}</p>')
    elif map_href:
        link = f'<a href="{_esc(map_href)}">{_esc(map_href)}</a>'
        text = _esc(t["interactive_link"]).replace(_esc("({file})"), f"({link})")
        parts.append(f'<h3 class="wk-screen">{_esc(t["interactive"])}</h3>'
                     f'<p class="wk-note">{text}</p>'
                     f'<iframe class="wk-frame wk-screen" title="{_esc(t["frame_title"])}" '
                     f'src="{_esc(map_href)}"></iframe>')
    parts.append("</section>")
    return "".join(parts)
