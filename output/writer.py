"""Write all outputs of an analysis: the GeoPackage, the interactive map, the intensity rasters
(when the result has them) and any extra files.

All files are written to temporary names in the output folder and moved into place only when
every one of them is complete (:func:`~wijkkracht.output.atomic.write_all_atomically`); if one
cannot be written or moved into place, the ones already moved are rolled back. A failed run
thus leaves neither a half-written file nor a new GeoPackage beside an old map (or an old
problems file), and the previous outputs of the same name stay as they were.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.result import AnalysisResult
from .atomic import write_all_into
from .gpkg import write_gpkg_file
from .webmap import write_webmap_file

__all__ = ["write_outputs", "ExtraFile"]

_LANGS = ("nl", "en")

#: An extra output: ``(file name in the output folder, write(path))``. ``write`` writes the
#: file at the (temporary) path it is given.
ExtraFile = tuple[str, Callable[[Path], object]]


def _plain_name(name: str, what: str) -> None:
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"{what} must be a plain file name, not {name!r}")


def write_outputs(result: AnalysisResult, out_dir: str | os.PathLike[str], *, lang: str = "nl",
                  basename: str = "wijkkracht",
                  extra: Mapping[str, ExtraFile] | None = None,
                  offline: bool = False) -> dict[str, Path]:
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
        Write a map that needs no network: Leaflet inlined, the surroundings drawn from the
        data (see :func:`wijkkracht.output.webmap.build_webmap`).

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
        (paths["html"], lambda tmp: write_webmap_file(result, tmp, lang=lang, offline=offline)),
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
    write_all_into(folder, writes)
    return paths
