"""The report page's frame (part of :mod:`wijkkracht.output.report`): its styles (screen and
print), the SYNTHETIC notice and the navigation between the pages of a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..core.result import AnalysisResult
from ..styles import (
    synthetic_notice_color,
)
from .report_scope import _file_name, _Page, _pages
from .report_text import _T, _esc, _what

_CSS = """
:root { --wk-notice: %(notice)s; --wk-ink: #1f2328; --wk-muted: #5a6169; --wk-line: #d8dce0; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  color: var(--wk-ink); margin: 0; background: #f4f5f6; line-height: 1.45; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; background: #fff; padding: 28px 40px 40px; }
h1 { font-size: 28px; margin: 0 0 2px; line-height: 1.2; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 4px;
  border-bottom: 2px solid var(--wk-ink); }
h3 { font-size: 17px; margin: 22px 0 6px; }
h4 { font-size: 14.5px; margin: 14px 0 4px; }
p { margin: 6px 0; }
.wk-sub { color: var(--wk-muted); margin: 0 0 12px; }
.wk-muted, figcaption, .wk-note { color: var(--wk-muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%%; margin: 6px 0 10px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
  border-bottom: 1px solid var(--wk-line); }
th { background: #f0f2f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.wk-key { table-layout: fixed; }
.wk-key th:first-child { width: 38%%; } .wk-key th:nth-child(2) { width: 22%%; }
.wk-key td.wk-wrap { white-space: normal; }
table.wk-defs { table-layout: fixed; }
.wk-defs th:first-child { width: 25%%; } .wk-defs th:nth-child(2) { width: 13%%; }
.wk-defs th:nth-child(4) { width: 19%%; }
.wk-defs td { overflow-wrap: anywhere; }
.wk-key td.num { font-size: 16px; font-weight: 600; }
.wk-synthetic { background: var(--wk-notice); color: #fff; padding: 12px 16px; margin: 12px 0;
  border-radius: 4px; }
.wk-synthetic strong { display: block; font-size: 17px; }
.wk-tag { display: inline-block; background: var(--wk-notice); color: #fff; font-size: 10.5px;
  font-weight: 700; padding: 0 5px; border-radius: 3px; margin-left: 6px;
  vertical-align: middle; letter-spacing: 0.02em; }
.wk-suppressed { color: var(--wk-muted); font-style: italic; font-weight: 400; }
.wk-privacy { border-left: 4px solid #6c757d; background: #f4f5f6; padding: 6px 10px;
  font-size: 13.5px; }
.wk-swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px;
  vertical-align: -2px; margin-right: 7px; border: 1px solid rgba(0,0,0,.25); }
.wk-bar { display: flex; height: 22px; border-radius: 3px; overflow: hidden; margin: 8px 0 4px;
  border: 1px solid var(--wk-line); }
.wk-bar span { display: block; height: 100%%; }
.wk-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13.5px;
  margin: 6px 0; }
figure { margin: 10px 0 14px; }
.wk-svg { width: 100%%; height: auto; display: block; }
.wk-map svg { border: 1px solid var(--wk-line); background: #fbfbfa; max-width: none !important; }
.wk-type { border-top: 1px solid var(--wk-line); padding-top: 4px; margin-top: 18px; }
.wk-type h3 { margin-top: 10px; }
.wk-desc { font-size: 15px; margin: 2px 0 6px; }
.wk-why { margin: 6px 0; padding: 5px 9px; background: #f4f6f9; border-left: 3px solid #8a9bb3;
  border-radius: 0 3px 3px 0; }
.wk-rule { font-size: 13.5px; color: #333; margin: 4px 0 6px; }
.wk-frame { width: 100%%; height: 640px; border: 1px solid var(--wk-line); display: block; }
nav.wk-pages { font-size: 13.5px; margin: 4px 0 10px; }
nav.wk-pages a { margin-right: 10px; }
.wk-small { font-size: 12.5px; }
code { font-size: 12.5px; background: #f0f2f4; padding: 0 3px; border-radius: 2px; }
@media (max-width: 700px) { main { padding: 16px; } .wk-frame { height: 420px; } }
.wk-summary h3 { margin-top: 16px; }
/* phones: every table scrolls sideways inside the page instead of widening it */
@media (max-width: 599px) {
  main { padding: 12px; }
  table { display: block; max-width: 100%%; overflow-x: auto; -webkit-overflow-scrolling: touch; }
  table.wk-key, table.wk-defs { table-layout: auto; }
  .wk-key th:first-child, .wk-defs th:first-child { width: auto; }
  td.num { white-space: normal; }
  h1 { font-size: 23px; } h2 { font-size: 19px; }
}
@page { size: A4; margin: 14mm 13mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #5a6169;
    font-family: Arial, "Helvetica Neue", "DejaVu Sans", sans-serif; }
  @bottom-left { content: %(footer)s; font-size: 8pt; color: %(footer_color)s;
    font-weight: %(footer_weight)s; font-family: Arial, "Helvetica Neue", "DejaVu Sans",
    sans-serif; } }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; page-break-after: avoid; }
  .wk-break { break-before: page; page-break-before: always; }
  .wk-summary { break-after: page; page-break-after: always; }
  figure, tr, .wk-keep, .wk-synthetic { break-inside: avoid; page-break-inside: avoid; }
  .wk-screen { display: none !important; }
  a { color: inherit; text-decoration: none; }
  table { font-size: 9.5pt; }
  .wk-key td.num { font-size: 10.5pt; }
  .wk-map svg { width: min(100%%, calc(165mm / var(--wk-aspect, 1))) !important; margin: 0 auto; }
}
@media screen { .wk-print { display: none; } }
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the style element."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;-–—()/'⚠·_":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _css(place: str, kinds: Sequence[str], t: Mapping[str, str]) -> str:
    """The page's style sheet. Printed pages carry the page number and, for SYNTHETIC
    inputs, the notice in their foot (CSS page-margin boxes), else the place and the tool."""
    foot = (f"⚠ {t['synthetic_foot'].format(what=_what(kinds, t))}" if kinds
            else f"{place} · wijkkracht")
    return _CSS % {"notice": synthetic_notice_color(), "footer": _css_string(foot),
                   "footer_color": synthetic_notice_color() if kinds else "#5a6169",
                   "footer_weight": 700 if kinds else 400}


def _synthetic_html(kinds: Sequence[str], t: Mapping[str, str]) -> str:
    if not kinds:
        return ""
    what = _what(kinds, t)
    return (f'<div class="wk-synthetic" role="alert" id="synthetic-notice"><strong>⚠ '
            f'{_esc(t["synthetic_title"].format(what=what))}</strong>'
            f'{_esc(t["synthetic_body"].format(what=what))}</div>')


def _pages_nav(result: AnalysisResult, page: _Page, basename: str | None, lang: str) -> str:
    pages = _pages(result)
    if basename is None or len(pages) < 2:
        return ""
    t = _T[lang]
    links = []
    for p in pages:
        label = t["whole"] if p.position is None else \
            (p.name or p.code or t["unnamed_area"].format(n=p.position + 1))
        if p.code and p.name and p.position is not None:
            label = f"{p.name} ({p.code})"
        if p.key == page.key:
            links.append(f"<strong>{_esc(label)}</strong>")
        else:
            links.append(f'<a href="{_esc(_file_name(basename, p))}">{_esc(label)}</a>')
    return f'<nav class="wk-pages">{_esc(t["pages"])}: {" · ".join(links)}</nav>'
