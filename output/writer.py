"""Write all outputs of an analysis: the GeoPackage, the interactive map, the intensity rasters
(when the result has them) and any extra files.

All files are written to temporary names in the output folder and moved into place only when
every one of them is complete (:func:`~wijkkracht.output.atomic.write_all_atomically`); if one
cannot be written or moved into place, the ones already moved are rolled back. A failed run
thus leaves neither a half-written file nor a new GeoPackage beside an old map (or an old
problems file), and the previous outputs of the same name stay as they were.
"""

from __future__ import annotations

import contextlib
import glob
import html
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..core.result import AnalysisResult
from .atomic import write_all_into
from .gpkg import write_gpkg_file
from .names import name_problem, would_replace
from .webmap import write_webmap_file

__all__ = ["write_outputs", "ExtraFile", "REPORT_STEMS", "report_file_set", "stale_companions",
           "name_problem", "would_replace"]

_LANGS = ("nl", "en")

#: An extra output: ``(file name in the output folder, write(path))``. ``write`` writes the
#: file at the (temporary) path it is given.
ExtraFile = tuple[str, Callable[[Path], object]]


def _plain_name(name: str, what: str) -> None:
    problem = name_problem(name)
    if problem:
        raise ValueError(f"{what} must be a plain file name, not {name!r}: it {problem}")


def write_outputs(result: AnalysisResult, out_dir: str | os.PathLike[str], *, lang: str = "nl",
                  basename: str = "wijkkracht",
                  extra: Mapping[str, ExtraFile] | None = None,
                  offline: bool = False, web_assets: str = "inline",
                  prune: bool = True) -> dict[str, Path]:
    """Write ``<basename>.gpkg``, ``<basename>.html`` (and ``extra`` files) into ``out_dir``.

    With ``result.rasters`` (``analyse(..., rasters=True)``) also one Cloud Optimized GeoTIFF
    and its QGIS style per surface, ``<basename>_<surface>.tif`` and ``.qml``
    (:mod:`wijkkracht.output.geotiff`).

    All files are published together or not at all (see the module doc).

    Parameters
    ----------
    result
        The analysis result.
    out_dir
        Output folder; created (with parents) when missing. Existing files of the same name are
        replaced.
    lang
        ``"nl"`` (Dutch) or ``"en"`` (English): map labels, QGIS style labels, layer
        descriptions.
    basename
        File name without extension.
    extra
        More files of the same run, ``{kind: (file name, write)}``, e.g. ``{"problems":
        ("wijkkracht_establishment_problems.csv", lambda p: write_problems_file(p, ...))}``.
        ``write`` gets a temporary path with the file name's suffix and must create it.
    offline
        Start the map on the surroundings drawn from the data: it makes no request at all
        (see :func:`wijkkracht.output.webmap.build_webmap`).
    web_assets
        ``"inline"`` (default: a self-contained map) or ``"cdn"`` (Leaflet from jsDelivr).
    prune
        Remove what an earlier run wrote for ``basename`` that this one did not: a report
        that would frame the new map, rasters, an establishment problems file
        (:func:`stale_companions`; only files that carry this tool's mark). The outputs of
        ``basename`` in the folder are then one consistent set.

    Returns
    -------
    dict
        ``{"gpkg": Path, "html": Path, **{kind: Path for the extra files}}``, and with
        rasters ``raster_<surface>`` and ``raster_<surface>_qml`` for each surface.

    Raises
    ------
    ValueError
        For an unknown ``lang``, a ``basename`` or extra file name that is empty or contains
        a path separator, or an extra file that clashes with another output.
    OutputError
        If a file cannot be written or put in place; the message names it. The folder then
        holds no new or partial file and the previous outputs are untouched.
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    _plain_name(basename, "basename")
    extra = dict(extra or {})
    folder = Path(out_dir)
    paths = {"gpkg": folder / f"{basename}.gpkg", "html": folder / f"{basename}.html"}
    writes: list[tuple[Path, Callable[[Path], object]]] = [
        (paths["gpkg"], lambda tmp: write_gpkg_file(result, tmp, lang=lang)),
        (paths["html"], lambda tmp: write_webmap_file(result, tmp, lang=lang, offline=offline,
                                                     web_assets=web_assets)),
    ]
    if result.rasters:
        from .geotiff import raster_writes

        for kind, (dest, write) in raster_writes(result, folder, basename=basename,
                                                 lang=lang).items():
            paths[kind] = dest
            writes.append((dest, write))
    for kind, (name, write) in extra.items():
        _plain_name(name, f"the file name of {kind!r}")
        if kind in paths or folder / name in paths.values():
            raise ValueError(f"extra output {kind!r} ({name}) clashes with another output")
        paths[kind] = folder / name
        writes.append((paths[kind], write))
    write_all_into(folder, writes, leftovers=True)
    if prune:
        for stale in stale_companions(folder, basename, keep=paths.values()):
            with contextlib.suppress(OSError):
                stale.unlink()
    return paths


#: The stem of the report files per language: ``<basename>_rapport.html`` (Dutch) and
#: ``<basename>_report.html`` (English), so that the two reports of one run live side by side.
REPORT_STEMS = {"nl": "rapport", "en": "report"}


def report_file_set(result: AnalysisResult, *, lang: str, basename: str,
                    map_href: str | None = None, embed_map: bool = False,
                    offline: bool = False, areas: Sequence[str] | None = None
                    ) -> dict[str, ExtraFile]:
    """The report pages of :func:`wijkkracht.output.report.report_files` named by their
    language (:data:`REPORT_STEMS`): ``<basename>_rapport.html`` and
    ``<basename>_rapport_<area code>.html`` in Dutch, ``<basename>_report.html`` and
    ``<basename>_report_<area code>.html`` in English; the links between the pages follow.
    ``areas``: only the pages of these areas besides the whole study area."""
    from .report import report_files
    from .report_scope import _find_page

    if lang not in _LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    files = report_files(result, lang=lang, basename=basename, map_href=map_href,
                         embed_map=embed_map, offline=offline)
    if areas is not None:
        wanted = {_find_page(result, a).key for a in areas} | {"report"}
        files = {k: v for k, v in files.items() if k in wanted}
    stem = REPORT_STEMS[lang]
    if stem == "report":
        return files
    old, new = f"{basename}_report", f"{basename}_{stem}"
    old_href, new_href = f'href="{html.escape(old)}', f'href="{html.escape(new)}'

    def renamed(write: Callable[[Path], object]) -> Callable[[Path], object]:
        def write_named(path: Path) -> None:
            write(path)
            text = Path(path).read_text(encoding="utf-8")
            if old_href in text:  # the links between the pages of the report
                Path(path).write_text(text.replace(old_href, new_href), encoding="utf-8")
        return write_named

    return {key: (new + name[len(old):] if name.startswith(old) else name, renamed(write))
            for key, (name, write) in files.items()}


#: Marks of the files this tool writes beside ``<basename>.gpkg`` (a file without its mark is
#: someone else's and is never removed).
_REPORT_MARK = b'<meta name="generator" content="wijkkracht'
_TIFF_MARK = b'<Item name="software">wijkkracht'


def _head(path: Path, size: int = 65536) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError:
        return b""


def stale_companions(folder: str | os.PathLike[str], basename: str,
                     keep: Iterable[Path] = ()) -> list[Path]:
    """The files an earlier run wrote for ``basename`` in ``folder`` that a new run did not
    write (not in ``keep``): report pages (``<basename>_rapport*.html``,
    ``<basename>_report*.html``) that would frame the new map, intensity rasters
    (``<basename>_<surface>.tif`` and their ``.qml``) and the establishment problems CSV.
    Only files that carry this tool's mark (the report's ``generator``, the raster's
    ``software`` tag, the CSV's ``stage`` column) are listed: a user's file is left alone."""
    folder = Path(folder)
    kept = {Path(p).resolve() for p in keep}
    out: list[Path] = []

    def fresh(p: Path) -> bool:
        return p.resolve() not in kept and p.is_file()

    for stem in set(REPORT_STEMS.values()):
        for page in folder.glob(f"{glob.escape(basename)}_{stem}*.html"):
            if fresh(page) and _REPORT_MARK in _head(page, 4096):
                out.append(page)
    for tif in folder.glob(f"{glob.escape(basename)}_*.tif"):
        if fresh(tif) and _TIFF_MARK in _head(tif):
            out.append(tif)
            qml = tif.with_suffix(".qml")
            if fresh(qml):
                out.append(qml)
    problems = folder / f"{basename}_establishment_problems.csv"
    if fresh(problems):
        header = _head(problems, 4096).split(b"\n", 1)[0].decode("utf-8", "replace")
        if "stage" in [c.strip().strip('"') for c in header.split(",")]:
            out.append(problems)
    return sorted(out)

