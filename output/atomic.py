"""Atomic file writes: a failed run leaves no half-written file behind.

:func:`atomic_path` hands out a temporary path *in the destination folder* (so that the final
:func:`os.replace` is a rename on one file system, atomic on POSIX and Windows). The caller
writes the temporary file by any means (pyogrio, sqlite3, plain ``open``); on success it
replaces the destination, on any exception it is removed together with its SQLite side files
(``-journal``, ``-wal``, ``-shm``).

Several files that belong together (the GeoPackage, the map and the establishment problems of
one run) go through :func:`write_all_atomically`: every file is written to its temporary path
first, then all are published by :func:`publish`, which rolls back the files already published
(previous versions restored, new ones removed) when one of them cannot be. Either all files of
the set appear or are replaced, or the folder is as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..core.errors import OutputError

__all__ = ["atomic_path", "write_atomically", "write_all_atomically", "write_all_into", "publish",
           "temporary_name", "remove_leftovers", "SIDE_FILE_SUFFIXES"]

#: Files SQLite (and so GDAL's GeoPackage driver) and GDAL (PAM metadata) may leave beside a file.
SIDE_FILE_SUFFIXES = ("-journal", "-wal", "-shm", ".aux.xml")


#: This machine, in the names of temporary files: a run removes only the leftovers of a
#: process of its own machine that has ended (a shared folder may be written from two).
_HOST = hashlib.sha1(socket.gethostname().encode(), usedforsecurity=False).hexdigest()[:6]


def _owner() -> str:
    return f"{os.getpid()}-{_HOST}"


def temporary_name(dest: Path) -> Path:
    """A fresh, hidden temporary path next to ``dest`` that keeps its suffix.

    The suffix is kept because writers such as GDAL pick their format from it. The name
    holds the writing process and machine, so that a later run can tell the leftovers of a
    killed run (:func:`remove_leftovers`) from the files of a run still writing.

    Parameters
    ----------
    dest
        The final path.

    Returns
    -------
    Path
        E.g. ``out/.wijkkracht.gpkg.3f9a1c2b.4242-a1b2c3.tmp.gpkg`` (not created).
    """
    return dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.{_owner()}.tmp{dest.suffix}")


#: A temporary file (``.tmp``) or the kept previous version during publishing (``.old``)
#: of this module, with its SQLite/GDAL side files; older versions wrote no owner.
_LEFTOVER = re.compile(r"^\.(?P<dest>.+)\.[0-9a-f]{8}(?:\.(?P<pid>\d+)-(?P<host>[0-9a-f]{6}))?"
                       r"\.(?P<kind>tmp|old)(?P<suffix>\.[^.]+)?"
                       r"(?P<side>-journal|-wal|-shm|\.aux\.xml)?$")
#: Leftovers of another machine (or an older version) are removed when older than this.
_FOREIGN_AGE_S = 7 * 24 * 3600.0


def _running(pid: int) -> bool:
    """Whether process ``pid`` of this machine still runs."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dask; a POSIX fallback
        psutil = None
    if psutil is not None:
        return bool(psutil.pid_exists(pid))
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would send CTRL_C there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


def _stale(match: re.Match[str], path: Path, now: float) -> bool:
    pid, host = match["pid"], match["host"]
    if pid is not None and host == _HOST:
        return int(pid) != os.getpid() and not _running(int(pid))
    try:
        return now - path.stat().st_mtime > (_FOREIGN_AGE_S if pid is not None else 3600.0)
    except OSError:
        return False


def remove_leftovers(folder: str | os.PathLike[str]) -> list[str]:
    """Remove what killed runs left in ``folder``: their hidden temporary files (with SQLite's
    ``-journal``) and the kept previous versions of published files. A previous version
    whose file is missing (a run killed between the two renames of publishing) is put back
    instead. Files of a process that still runs are left alone. Returns the names handled.

    Called at the start of every run that writes into ``folder`` (a signal such as SIGKILL
    gives a process no chance to clean up after itself).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    done, now = [], time.time()
    for path in sorted(folder.iterdir()):
        match = _LEFTOVER.match(path.name)
        if match is None or not path.is_file() or not _stale(match, path, now):
            continue
        dest = folder / match["dest"]
        with contextlib.suppress(OSError):
            if match["kind"] == "old" and match["side"] is None and not dest.exists():
                os.replace(path, dest)  # the previous version, back in its place
            else:
                path.unlink()
            done.append(path.name)
    return done


def _remove(path: Path) -> None:
    # Any OSError: on a read-only file system nothing can have been written to remove, and
    # a failed clean-up must not hide the error that made it necessary.
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILE_SUFFIXES)):
        with contextlib.suppress(OSError):
            p.unlink()


#: Below this many free bytes after a failed write, the disk is taken to be full.
DISK_FULL_BYTES = 1 << 20


def _free_bytes(folder: Path) -> int | None:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return None
    return st.f_bavail * st.f_frsize


def _disk_full(exc: BaseException, folder: Path) -> str | None:
    """A one-line "disk is full" reason when ``exc`` (or the free space left in ``folder``'s
    file system) says so: GDAL and SQLite report a full disk as e.g. "Failed to commit
    transaction" without an errno, so the free space is looked at too."""
    chain: BaseException | None = exc
    full = False
    while chain is not None and not full:
        full = isinstance(chain, OSError) and chain.errno in (errno.ENOSPC, errno.EDQUOT)
        chain = chain.__cause__ or chain.__context__
    free = _free_bytes(folder)
    if not full and (free is None or free >= DISK_FULL_BYTES):
        return None
    left = "" if free is None or free >= DISK_FULL_BYTES else f", {free // 1024} kB free"
    return (f"the disk is full{left}; free some space or write to another folder "
            "(nothing was written)")


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


def _backup(dest: Path) -> Path | None:
    """Keep the file at ``dest`` under a hidden name while its replacement is published.

    A hard link leaves ``dest`` in place until the new file replaces it; where links are not
    supported the file is renamed. Returns None when there is no file at ``dest`` (nothing to
    keep; a folder there is left alone, so that publishing onto it fails).
    """
    if not (dest.is_file() or dest.is_symlink()):
        return None
    backup = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.{_owner()}.old{dest.suffix}")
    try:
        os.link(dest, backup, follow_symlinks=False)
    except (OSError, NotImplementedError):
        os.replace(dest, backup)
    return backup


def publish(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Move each written temporary file onto its destination: all of them, or none.

    Parameters
    ----------
    pairs
        ``(temporary file, destination)`` in publishing order; the temporary files exist and
        sit in their destination's folder.

    Raises
    ------
    OutputError
        When a file cannot be published (the message starts with its destination). The files
        published before it are rolled back first (previous files restored, new ones
        removed); the temporary files are left for the caller to remove.

    Notes
    -----
    Each file is replaced by one atomic rename, so no file is ever half-written. The set is
    published in a few renames, one after the other: a power cut between two of them can
    leave a new file beside an old one, but every failure the process sees is rolled back.
    """
    done: list[tuple[Path, Path | None]] = []
    dest = None
    try:
        for tmp, dest in pairs:
            backup = _backup(dest)
            done.append((dest, backup))
            os.replace(tmp, dest)
    except BaseException as exc:
        for published, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, published)
                elif published.is_file():
                    published.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"{dest}: cannot replace it ({_reason(exc, None, dest)})") from exc
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _reason(exc: BaseException, tmp: Path | None, dest: Path | None) -> str:
    """The message of ``exc`` in one line, naming ``dest`` instead of its temporary file and
    without a leading ``"<dest>: "``."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = str(exc).strip().splitlines()
    text = lines[0][:300] if lines else type(exc).__name__
    if tmp is not None:
        text = text.replace(str(tmp), str(dest))
    prefix = f"{dest}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def write_all_atomically(
    writes: Sequence[tuple[str | os.PathLike[str], Callable[[Path], object]]],
) -> list[Path]:
    """Write several files and publish them together: all appear (or are replaced), or none.

    Each ``write(tmp)`` writes its file to a temporary path in the destination's folder
    (with the destination's suffix). Only when every file was written are they moved into
    place (:func:`publish`); when a write or the publishing fails, every temporary file is
    removed and the destinations are as they were before the call (previous files untouched,
    no new file).

    Parameters
    ----------
    writes
        ``(destination, write)`` pairs, in publishing order. The folders must exist.

    Returns
    -------
    list of Path
        The destinations.

    Raises
    ------
    OutputError
        When a file cannot be written or published; the message starts with that file's
        destination (never the temporary name). Other exceptions of a ``write`` pass
        through unchanged, after the same clean-up.
    ValueError
        When a destination is given twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_all_atomically([(folder / "a.txt", lambda p: p.write_text("a")),
    ...                           (folder / "b.txt", lambda p: p.write_text("b"))])
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt']
    """
    finals = [Path(dest) for dest, _ in writes]
    if len({os.path.abspath(f) for f in finals}) != len(finals):
        raise ValueError(f"a destination is given twice: {[str(f) for f in finals]}")
    tmps: list[Path] = []
    try:
        for final, (_, write) in zip(finals, writes, strict=True):
            tmp = temporary_name(final)
            tmps.append(tmp)
            try:
                write(tmp)
                if not tmp.exists():
                    raise FileNotFoundError(f"nothing was written to {tmp} for {final}")
            except (OutputError, OSError) as exc:
                full = _disk_full(exc, final.parent)
                raise OutputError(f"{final}: {full or _reason(exc, tmp, final)}") from exc
        publish(list(zip(tmps, finals, strict=True)))
    except BaseException:
        for tmp in tmps:
            _remove(tmp)
        raise
    return finals


def write_all_into(
    folder: Path,
    writes: Sequence[tuple[str | os.PathLike[str], Callable[[Path], object]]],
    *,
    leftovers: bool = False,
) -> list[Path]:
    """:func:`write_all_atomically` into ``folder``, created (with parents) when missing;
    with ``leftovers`` what killed runs left there is removed first
    (:func:`remove_leftovers`).

    Raises
    ------
    OutputError
        When the folder cannot be created, or as :func:`write_all_atomically`.
    """
    made = _make_folder(folder)
    if leftovers:
        remove_leftovers(folder)
    try:
        _check_writable(folder)
        return write_all_atomically(writes)
    except BaseException:
        for new in made:  # leave no empty folder this call made
            with contextlib.suppress(OSError):
                new.rmdir()
        raise


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` with its parents; return the folders made, innermost first."""
    missing = []
    for p in (folder, *folder.parents):
        if p.exists():
            break
        missing.append(p)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder "
                          f"({exc.strerror or exc})") from exc
    return missing


def _check_writable(folder: Path) -> None:
    """Fail early, in one line, when no file can be made in ``folder`` (read-only file system,
    no permission): GDAL would say "sqlite3_open failed: unable to open database file"."""
    probe = folder / f".wijkkracht-write-test.{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write into the output folder "
                          f"({exc.strerror or exc}); choose another folder or make it "
                          "writable") from exc
    os.close(fd)
    _remove(probe)


def write_atomically(dest: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` and publish ``tmp`` as ``dest``; ``dest`` is complete or untouched.

    Every failure to write or publish becomes an
    :class:`~wijkkracht.core.errors.OutputError` whose message starts with ``dest``.
    """
    return write_all_atomically([(dest, write)])[0]
