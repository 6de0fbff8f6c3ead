"""The neighbourhood report: one printable HTML page per area, explaining the opportunity types.

One page for the whole study area and, with an area summary (``AreaAnalysisResult.areas``,
e.g. CBS buurten), one page per area. Each page is self-contained (styles, charts and the
static map inline; no script, no request) and prints to PDF from the browser:

* **key figures**: street length and street segments (the streets, see
  :mod:`wijkkracht.core.streets`: paths, sidewalks and cycle paths not counted) and the length
  of the whole walking network, functions, N and O and their balance, vacant shop fronts
  (OpenStreetMap) and, with BAG/KvK data, the BAG vacancy *indication*, the MXI and the share
  of home-based businesses;
* a **static map** of the streets in their type colours (matplotlib, inline SVG, so it prints),
  and the **interactive map** (:mod:`wijkkracht.output.webmap`) in a frame on screen: linked
  beside the report (``map_href``) or embedded in the page (``embed_map``);
* the **opportunity types**: their share of the street length (street segments only; the
  streets without addresses, which have no type, in grey); per type its name, why it has
  that name (``explanation_<lang>`` of the profile: the type's own figures), what it means,
  its rule in words and its number of segments, a chart of its profile (``z_<feature>``: the
  standardised mean percentile of each typology feature, labels from the indicator registry,
  with the type's median in its own unit), and the streets where the type is found most (by
  length, aggregated by named street);
* **streets by name**: the longest named streets of the page's area with their main type and
  every type's share of their length (the named streets of
  :func:`wijkkracht.core.streets.named_streets`, made from the page's street segments);
* the **N/O balance** and **vacancy** per type;
* **methods and sources**: every indicator the streets carry (label, unit, definition, what
  an empty value means, from the registry), streets and paths, how the types (which segments
  were classified) and the area figures are made, the detours of the walks to the nearest
  amenity (``metadata["detour"]``), how many OpenStreetMap objects were counted as one amenity
  (``metadata["counted_once"]``), the privacy rule, the data sources with licence,
  attribution and date, the tool version and the parameters of the run.

Rules the page keeps:

* Types are opportunities: the profile charts put what a type has *more* of than the
  neighbourhood's streets in its colour, what it has less of in grey. A type's explanation
  made from SYNTHETIC inputs is tagged SYNTHETIC.
* Every string from the data (OSM street names, area names, source descriptions) is
  HTML-escaped.
* SYNTHETIC inputs (``metadata["synthetic"]``, e.g. the demo's generated BAG/KvK) are announced
  in a red notice at the top (and at the foot of every printed page), and every figure made
  from them is tagged SYNTHETIC.
* Privacy: the page shows only published values. Establishment counts of the result are
  suppressed already (:mod:`wijkkracht.core.privacy`); they are suppressed again with the
  run's threshold (a no-op on a pipeline result), a suppressed value shows as "onderdrukt" /
  "suppressed", and no individual establishment is ever listed. Figures over the whole study
  area are pooled over the published street values only.

:func:`result_from_gpkg` reads the GeoPackage a run wrote back into a result, so that
``wijkkracht report --from out/wijkkracht.gpkg`` writes the same pages as the run itself.

This module puts a page together and writes the files; each section is made in its own
module, and the public names of all of them are importable from here:

* :mod:`~wijkkracht.output.report_text`: the words (Dutch, English), numbers, shares and tags;
* :mod:`~wijkkracht.output.report_scope`: what a page covers: the published result, the pages,
  the streets of a page;
* :mod:`~wijkkracht.output.report_summary`: the key figures;
* :mod:`~wijkkracht.output.report_charts`: the profile charts and the static map;
* :mod:`~wijkkracht.output.report_typology`: the opportunity types and the streets by name;
* :mod:`~wijkkracht.output.report_indicators`: N/O balance, vacancy, liveliness, spending;
* :mod:`~wijkkracht.output.report_methods`: methods and sources, the indicators dictionary;
* :mod:`~wijkkracht.output.report_layout`: the styles, the SYNTHETIC notice, the navigation;
* :mod:`~wijkkracht.output.report_gpkg`: a result read back from a run's GeoPackage;
* :mod:`~wijkkracht.output.report_layers`: a result made of an analysis' separate layers (QGIS).

:func:`write_report_page` writes one page as one file (QGIS's *Neighbourhood report*).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..core.errors import OutputError
from ..core.indicators.registry import INDICATORS
from ..core.result import AnalysisResult
from .report_charts import _map_html
from .report_findings import _findings_html
from .report_gpkg import result_from_gpkg
from .report_indicators import _hours_html, _no_html, _spending_html, _vacancy_html
from .report_layers import result_from_layers
from .report_layout import _css, _pages_nav, _synthetic_html
from .report_methods import _definitions_html, _methods_html, _when
from .report_scope import _cell, _file_name, _find_page, _pages, _scope, _study_name, report_pages
from .report_summary import _figures, _key_figures_html, report_figures
from .report_text import _T, _check_lang, _esc
from .report_text import TOP_NAMED_STREETS as TOP_NAMED_STREETS
from .report_text import TOP_STREETS as TOP_STREETS
from .report_typology import _named_html, _type_table, _types_html
from .report_typology import named_street_table as named_street_table

__all__ = [
    "build_report",
    "write_report",
    "write_report_page",
    "report_files",
    "report_pages",
    "report_figures",
    "result_from_gpkg",
    "result_from_layers",
    "MAP_MODES",
]

#: How the interactive map comes with the report: ``link`` (a frame showing the map file
#: written beside the report, and a link to it), ``embed`` (the map inside every page) or
#: ``none`` (the static map only).
MAP_MODES = ("link", "embed", "none")


def build_report(result: AnalysisResult, *, lang: str = "nl", area: str | int | None = None,
                 map_href: str | None = None, embed_map: bool = False,
                 basename: str | None = None, offline: bool = False) -> str:
    """One report page as a self-contained HTML document.

    Parameters
    ----------
    result
        The analysis result (an ``AreaAnalysisResult`` for pages per area).
    lang
        ``"nl"`` (Dutch) or ``"en"`` (English).
    area
        ``None``: the whole study area; else one area of ``result.areas``: its code
        (``area_code``), name (``area_name``) or 0-based position.
    map_href
        The interactive map's file, relative to the page (e.g. ``"wijkkracht.html"``): shown
        in a frame on screen, with a link that also prints. ``None``: no link.
    embed_map
        Put the interactive map itself in the page (a frame with ``srcdoc``): one file
        carries everything, at the cost of the map's size per page. Wins over ``map_href``.
    basename
        The base name of the report files (see :func:`report_pages`): the page then links
        to the other pages of the report. ``None``: no such links.
    offline
        With ``embed_map``: the embedded map carries its JavaScript and CSS, so that it
        works with no internet (:func:`wijkkracht.output.webmap.webmap_html`).

    Returns
    -------
    str
        The page. It holds no script and loads nothing, except the interactive map's frame.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``area``.
    OutputError
        When matplotlib (needed for the charts) is not installed.
    """
    _check_lang(lang)
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise OutputError("the report needs matplotlib for its charts: pip install "
                          "matplotlib") from exc
    t = _T[lang]
    scope = _scope(result, area)
    page = scope.page
    profile = pd.DataFrame(result.profile)
    features = [c[2:] for c in profile.columns if c.startswith("z_") and c[2:] in INDICATORS]
    types = _type_table(scope, profile, lang)
    fig = _figures(scope, result)
    study = _study_name(result)
    if page.position is None:
        place = study or t["study_area"]
        where = t["study_area"]
    else:
        place = page.name or page.code or t["unnamed_area"].format(n=page.position + 1)
        level = _cell(scope.areas, "level", page.position) if scope.areas is not None else ""
        where = " · ".join(x for x in (level, page.code, study) if x)
    kinds = scope.kinds
    title = f"{t['title']}: {place}"
    doc_title = title + (f" ({t['synthetic_tag']})" if kinds else "")
    created = _when(scope.metadata.get("created", "?"))
    made = t["analysis"].format(created=created, version=scope.metadata.get("version", "?")) \
        if "created" in scope.metadata or "version" in scope.metadata else t["analysis_layers"]
    head = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="wijkkracht {_esc(__version__)}">'
            f"<title>{_esc(doc_title)}</title>"
            f"<style>{_css(place, kinds, t)}</style></head>")
    body = [
        "<body><main>",
        f'<header><h1>{_esc(title)}</h1><p class="wk-sub">{_esc(t["subtitle"])} · '
        f'{_esc(where)} · '
        f'{_esc(made)}'
        "</p></header>",
        _synthetic_html(kinds, t),
        _pages_nav(result, page, basename, lang),
    ]
    if scope.threshold is not None:
        body.append(f'<p class="wk-privacy">{_esc(t["privacy"].format(t=scope.threshold))}</p>')
    body += [
        _findings_html(scope, result, fig, types, lang),
        _key_figures_html(fig, scope, types, lang),
        _map_html(scope, result, types, lang, map_href, embed_map, offline),
        _types_html(scope, types, features, lang),
        _named_html(scope, lang),
        _no_html(scope, fig, types, lang),
        _vacancy_html(scope, fig, types, lang),
        _hours_html(scope, result, lang),
        _spending_html(scope, result, lang),
        _methods_html(scope, features, lang),
        _definitions_html(scope, lang),
        "</main></body></html>\n",
    ]
    return head + "".join(body)


def report_files(result: AnalysisResult, *, lang: str = "nl", basename: str = "wijkkracht",
                 map_href: str | None = None, embed_map: bool = False, offline: bool = False
                 ) -> dict[str, tuple[str, Callable[[Path], object]]]:
    """The report's pages as extra outputs of :func:`wijkkracht.output.writer.write_outputs`.

    Returns
    -------
    dict
        ``{page key: (file name, write(path))}`` (see :func:`report_pages`).
    """
    _check_lang(lang)
    out: dict[str, tuple[str, Callable[[Path], object]]] = {}
    for page in _pages(result):
        area = None if page.position is None else page.position

        def write(path: Path, area: int | None = area) -> None:
            text = build_report(result, lang=lang, area=area, map_href=map_href,
                                embed_map=embed_map, basename=basename, offline=offline)
            Path(path).write_text(text, encoding="utf-8")

        out[page.key] = (_file_name(basename, page), write)
    return out


def write_report(result: AnalysisResult, out_dir: str | os.PathLike[str], *, lang: str = "nl",
                 basename: str = "wijkkracht", map: str = "link",  # noqa: A002
                 areas: Sequence[str] | None = None, offline: bool = False) -> dict[str, Path]:
    """Write the report pages (and, when needed, the interactive map) into ``out_dir``.

    All files appear together or none does (:func:`~wijkkracht.output.atomic.write_all_atomically`).

    Parameters
    ----------
    result
        The analysis result.
    out_dir
        Output folder (created when missing).
    lang
        ``"nl"`` or ``"en"``.
    basename
        Pages are named by their language: ``<basename>_rapport.html`` (whole study area) and
        ``<basename>_rapport_<area code>.html`` in Dutch, ``<basename>_report.html`` and
        ``<basename>_report_<area code>.html`` in English
        (:func:`wijkkracht.output.writer.report_file_set`), so both live side by side.
    map
        ``"link"``: the pages show ``<basename>.html`` beside them in a frame and link to it;
        it is written too when the folder does not hold it yet. ``"embed"``: the map inside
        every page. ``"none"``: the static map only.
    areas
        Only the pages of these areas (codes or names) besides the whole study area;
        ``None``: every area.
    offline
        The map this writes or embeds carries its JavaScript and CSS (works with no
        internet; see :func:`wijkkracht.output.webmap.webmap_html`).

    Returns
    -------
    dict
        ``{page key: Path}``, plus ``"html"`` when the map was written.

    Raises
    ------
    ValueError
        For an unknown ``lang``, ``map`` or area.
    OutputError
        When a file cannot be written; the folder is then as it was.
    """
    from .atomic import write_all_into

    _check_lang(lang)
    if map not in MAP_MODES:
        raise ValueError(f"map must be one of {', '.join(MAP_MODES)}, not {map!r}")
    if not basename or Path(basename).name != basename:
        raise ValueError(f"basename must be a plain file name, not {basename!r}")
    from .writer import report_file_set  # named by language: NAME_rapport.html / _report.html

    folder = Path(out_dir)
    map_name = f"{basename}.html"
    files = report_file_set(result, lang=lang, basename=basename,
                            map_href=map_name if map == "link" else None,
                            embed_map=map == "embed", offline=offline, areas=areas)
    writes: list[tuple[Path, Callable[[Path], object]]] = []
    paths: dict[str, Path] = {}
    for key, (name, write) in files.items():
        paths[key] = folder / name
        writes.append((paths[key], write))
    if map == "link" and not (folder / map_name).is_file():
        from .webmap import write_webmap_file

        paths["html"] = folder / map_name
        writes.append((paths["html"],
                       lambda p: write_webmap_file(result, p, lang=lang, offline=offline)))
    write_all_into(folder, writes)
    return paths


def write_report_page(result: AnalysisResult, path: str | os.PathLike[str], *, lang: str = "nl",
                      area: str | int | None = None, map: str = "embed",  # noqa: A002
                      offline: bool = False) -> Path:
    """Write one report page to the file ``path``, atomically: complete or untouched.

    The page of :func:`build_report` as one self-contained file (what QGIS's *Neighbourhood
    report* algorithm writes): the interactive map is embedded in it or left out, never a
    second file, and the page links to no other page.

    Parameters
    ----------
    result
        The analysis result.
    path
        Destination ``.html``; replaced if it exists. Its folder must exist.
    lang
        ``"nl"`` or ``"en"``.
    area
        ``None``: the whole study area; else the code, name or 0-based position of an area of
        ``result.areas``.
    map
        ``"embed"``: the interactive map inside the page; ``"none"``: the static map only.
    offline
        With ``"embed"``: the map carries its JavaScript and CSS (works with no internet).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        For an unknown ``lang``, ``map`` or area.
    OutputError
        When the file cannot be written (``path`` is then left as it was), or matplotlib is
        missing.
    """
    from .atomic import write_atomically

    _check_lang(lang)
    if map not in ("embed", "none"):
        raise ValueError(f"map must be embed or none for one page, not {map!r}")
    page = _find_page(result, area)
    text = build_report(result, lang=lang, area=page.position, embed_map=map == "embed",
                        offline=offline)
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
