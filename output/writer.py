"""Write all outputs of an analysis: the GeoPackage and the interactive map.

Both files are written to temporary names in the output folder and moved into place only when
both are complete, so a failed run leaves neither a half-written file nor a new GeoPackage
beside an old map.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import OutputError
from ..core.result import AnalysisResult
from .atomic import atomic_path
from .gpkg import write_gpkg_file
from .webmap import write_webmap_file

__all__ = ["write_outputs"]

_LANGS = ("nl", "en")


def write_outputs(result: AnalysisResult, out_dir: str | os.PathLike[str], *, lang: str = "nl",
                  basename: str = "wijkkracht") -> dict[str, Path]:
    """Write ``<basename>.gpkg`` and ``<basename>.html`` into ``out_dir``, atomically.

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

    Returns
    -------
    dict
        ``{"gpkg": Path, "html": Path}``.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or a ``basename`` that is empty or contains a path separator.
    OutputError
        If a file cannot be written; the folder then holds no new or partial file.
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    if not basename or Path(basename).name != basename or basename in (".", ".."):
        raise ValueError(f"basename must be a plain file name, not {basename!r}")
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder "
                          f"({exc.strerror or exc})") from exc
    paths = {"gpkg": folder / f"{basename}.gpkg", "html": folder / f"{basename}.html"}
    # Nested: the map is published first and the GeoPackage last, each only after both
    # were written; any exception removes both temporary files.
    try:
        with atomic_path(paths["gpkg"]) as tmp_gpkg, atomic_path(paths["html"]) as tmp_html:
            write_gpkg_file(result, tmp_gpkg, lang=lang)
            write_webmap_file(result, tmp_html, lang=lang)
    except OutputError as exc:
        raise OutputError(f"{paths['gpkg']}: {exc}") from exc
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the outputs ({exc.strerror or exc})") from exc
    return paths
