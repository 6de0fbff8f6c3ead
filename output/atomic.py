"""Atomic file writes: a failed run leaves no half-written file behind.

:func:`atomic_path` hands out a temporary path *in the destination folder* (so that the final
:func:`os.replace` is a rename on one file system, atomic on POSIX and Windows). The caller
writes the temporary file by any means (pyogrio, sqlite3, plain ``open``); on success it
replaces the destination, on any exception it is removed together with its SQLite side files
(``-journal``, ``-wal``, ``-shm``). Nest several ``atomic_path`` blocks to publish several files
only when all of them were written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.errors import OutputError

__all__ = ["atomic_path", "write_atomically", "temporary_name", "SIDE_FILE_SUFFIXES"]

#: Files SQLite (and so GDAL's GeoPackage driver) and GDAL (PAM metadata) may leave beside a file.
SIDE_FILE_SUFFIXES = ("-journal", "-wal", "-shm", ".aux.xml")


def temporary_name(dest: Path) -> Path:
    """A fresh, hidden temporary path next to ``dest`` that keeps its suffix.

    The suffix is kept because writers such as GDAL pick their format from it.

    Parameters
    ----------
    dest
        The final path.

    Returns
    -------
    Path
        E.g. ``out/.wijkkracht.gpkg.3f9a1c2b.tmp.gpkg`` (not created).
    """
    return dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp{dest.suffix}")


def _remove(path: Path) -> None:
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILE_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Give a temporary path to write; move it onto ``dest`` only if the block succeeds.

    Parameters
    ----------
    dest
        The file to (re)place. Its folder must exist.

    Yields
    ------
    Path
        A path in ``dest``'s folder that does not exist yet; the block must create it.

    Raises
    ------
    FileNotFoundError
        If the block finished without creating the temporary file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("complete")
    >>> (folder / "a.txt").read_text()
    'complete'
    """
    final = Path(dest)
    tmp = temporary_name(final)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp} for {final}")
        os.replace(tmp, final)
    except BaseException:
        _remove(tmp)
        raise


def write_atomically(dest: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` and publish ``tmp`` as ``dest``; ``dest`` is complete or untouched.

    Every failure becomes an :class:`~wijkkracht.core.errors.OutputError` whose message starts
    with ``dest``.
    """
    final = Path(dest)
    try:
        with atomic_path(final) as tmp:
            write(tmp)
    except OutputError as exc:
        raise OutputError(f"{final}: {exc}") from exc
    except OSError as exc:
        lines = str(exc).strip().splitlines()
        reason = exc.strerror or (lines[0][:200] if lines else type(exc).__name__)
        raise OutputError(f"{final}: {reason}") from exc
    return final
