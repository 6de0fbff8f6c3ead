"""The names of a run's output files, checked before anything is computed: a base name that
works on every system, and no output that would replace one of the run's inputs. Light (no
GDAL, no pandas): the command line checks its arguments with it in a fraction of a second."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["name_problem", "would_replace"]

#: Characters no output name may hold: path separators, what Windows refuses, controls.
_NOT_IN_NAMES = set('/\\<>:"|?*') | {chr(c) for c in range(32)} | {chr(127)}


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the base name of output files (``None`` if it can): it must be
    a plain, visible file name that works on every system the files may be copied to."""
    if not name or not name.strip():
        return "is empty"
    if name != name.strip():
        return "starts or ends with a space"
    if Path(name).name != name or name in (".", "..") or set(name) & _NOT_IN_NAMES:
        bad = sorted(set(name) & _NOT_IN_NAMES) or ["/"]
        return f"holds {bad[0]!r}, which cannot be in a file name (give a name, not a path)"
    if name.startswith("."):
        return "starts with '.', which hides the files"
    if len(name.encode()) > 200:
        return "is longer than 200 bytes"
    return None


def would_replace(inputs: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str],
                  basename: str) -> Path | None:
    """The first of ``inputs`` that writing ``basename``'s outputs into ``out_dir`` would
    replace or remove (``None`` if none would): ``<basename>.gpkg``, ``<basename>.html``,
    ``<basename>_establishment_problems.csv`` and the companions ``<basename>_*.html|tif|qml``
    (report pages, rasters and their styles). An input folder (an LV BAG extract) is never
    replaced, only written beside."""
    folder = Path(out_dir)
    if not folder.is_dir():
        return None  # a new folder holds no input
    own = {os.path.normcase(f"{basename}{ext}")
           for ext in (".gpkg", ".html", "_establishment_problems.csv")}
    prefix = os.path.normcase(f"{basename}_")
    for item in inputs:
        path = Path(item)
        if not path.is_file():
            continue
        try:
            same_folder = os.path.samefile(path.parent, folder)
        except OSError:
            continue
        name = os.path.normcase(path.name)
        if same_folder and (name in own or (name.startswith(prefix) and Path(name).suffix in
                                            (".html", ".tif", ".qml"))):
            return path
    return None
