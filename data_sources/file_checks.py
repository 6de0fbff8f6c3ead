"""Why an input file cannot be read, in wijkkracht's own words, whatever GDAL is installed.

GDAL's messages change between versions: GDAL 3.6 (Debian 12, QGIS) says a file is "not
recognized as a supported file format", the GDAL in pyogrio's wheels (3.10-3.12) "not recognized
as being in a supported file format", wraps SQLite errors in the failed SQL statement, and reads a
binary file named ``.csv`` as an empty table. So a file is first checked here with what Python
can tell by itself (does it exist, is it a folder, is it empty, may it be read, what its first
bytes are and whether they fit its extension) before it is given to GDAL (:func:`check_file`);
what GDAL says when it still fails is mapped to the same words (:func:`gdal_reason`,
:func:`unreadable`), and a raw message that must be shown is cut at a word, never mid-word.

Standard library only: the QGIS plugin (which reads through QGIS, not pyogrio) uses it too.
"""

from __future__ import annotations

import errno
import json
import re
import zipfile
from pathlib import Path

from ..core.errors import InputError, NoDataError

__all__ = ["VECTOR_FILES", "check_file", "describe_head", "gdal_reason", "unreadable",
           "cut_at_word", "check_lv_bag_folder", "os_reason"]

#: What a vector input may be, for messages.
VECTOR_FILES = "a GeoPackage, Shapefile, GeoJSON, GraphML or OSM file"
_GIVE_VECTOR = f"give {VECTOR_FILES} whose extension matches its contents"

#: Extensions of text formats: a file named so must hold text.
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".geojson", ".json", ".geojsonl",
                           ".geojsons", ".gml", ".kml", ".xml", ".osm", ".graphml", ".toml",
                           ".wkt", ".gpx"})
#: Extensions of vector files GDAL reads, looked for inside a zip file.
_VECTOR_SUFFIXES = frozenset({".shp", ".gpkg", ".geojson", ".json", ".fgb", ".gml", ".kml",
                              ".sqlite", ".tab", ".mif", ".csv", ".osm", ".pbf", ".gpx",
                              ".xml", ".graphml", ".dxf", ".gdbtable"})
_SQLITE = b"SQLite format 3\x00"

#: First bytes of files that are no vector format (or one that must be named so).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (_SQLITE, "an SQLite database (a GeoPackage?)"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls/.doc)"),
    (b"fgb\x03", "a FlatGeobuf file"),
    (b"\x00\x00\x27\x0a", "a Shapefile's .shp (or .shx) part"),
)
_IMAGES = ("a PNG image", "a JPEG image", "a GIF image", "a PDF document", "a TIFF image")


def describe_head(head: bytes) -> str:
    """What the first bytes of a file are, in words: ``"text"``, ``"binary data"`` or the kind
    of a known file (``"a PNG image"``, ``"an SQLite database (a GeoPackage?)"``, ...)."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text; save it as UTF-8"
    if b"\x00" in head:
        return "binary data"
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13) or b == 127)
    if controls > max(2, len(sample) // 100):
        return "binary data"
    return "text"


def cut_at_word(text: str, limit: int = 160) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at the last space before it, with
    an ellipsis: never mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.(")
    return f"{cut or text[:limit]} …"


def _stat(p: Path, what: str, option: str | None) -> int:
    """The size of the file ``p``; raises when it is missing, a folder or cannot be looked at."""
    via = f" ({option})" if option else ""
    try:
        if not p.exists():
            raise InputError(p, f"file not found{via}")
        if p.is_dir():
            raise InputError(p, f"is a folder, not a file; give the {what}{via}"
                                f"{_folder_hint(p)}")
        return p.stat().st_size
    except PermissionError:
        raise InputError(p, f"no permission to open the folder it is in{via}; make the folder "
                            "readable or copy the file to a folder of yours") from None


def _folder_hint(folder: Path) -> str:
    """``; it holds a.gpkg, b.shp`` for a folder that holds vector files, else ``""``."""
    try:
        found = sorted(c.name for c in folder.iterdir()
                       if c.suffix.lower() in _VECTOR_SUFFIXES and c.is_file())
    except OSError:
        return ""
    if not found:
        return ""
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return f"; it holds {', '.join(found[:3])}{more}"


def _head(p: Path, via: str) -> bytes:
    try:
        with p.open("rb") as fh:
            return fh.read(65536)
    except PermissionError:
        raise InputError(p, f"no permission to read the file{via}; make it readable (chmod u+r) "
                            "or copy it to a folder of yours") from None
    except OSError as exc:
        raise InputError(p, f"cannot read the file ({exc.strerror or exc}){via}") from None


def check_file(path: str | Path, what: str = "vector file", *, option: str | None = None,
               kind: str = "vector") -> Path:
    """``path`` as a :class:`~pathlib.Path`, checked before a reader (GDAL, csv, json) opens it.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for the messages (``"streets file"``, ``"category table"``).
    option
        The command-line option it came from (``"--streets"``), added to the messages.
    kind
        ``"vector"`` (read with GDAL: its first bytes must fit its extension), ``"text"`` (a
        CSV, TOML or JSON file: text) or ``"any"`` (exists, is a file, not empty, readable).

    Raises
    ------
    InputError
        Missing, a folder, not readable, or contents that do not fit the extension or kind.
    NoDataError
        The file is empty (0 bytes).
    """
    p = Path(path)
    via = f" ({option})" if option else ""
    if _stat(p, what, option) == 0:
        raise NoDataError(p, f"the file is empty (0 bytes){via}")
    head = _head(p, via)
    if kind == "text":
        found = _xlsx(p, describe_head(head))
        if found == "an Excel workbook":
            raise InputError(p, f"an Excel workbook, not a text file; save it as CSV (UTF-8) "
                                f"and give that{via}")
        if ";" in found:  # compressed, packed or UTF-16: the advice says what to do
            raise InputError(p, f"not readable as UTF-8 text: it is {found}{via}")
        if found != "text":
            raise InputError(p, f"not a text file ({found}); give the {what} as UTF-8 "
                                f"text{via}")
    elif kind == "vector":
        problem = _vector_problem(p, head)
        if problem:
            raise InputError(p, f"{problem}{via}")
    return p


def _xlsx(p: Path, found: str) -> str:
    """``found``, or "an Excel workbook" for a zip that is one (.xlsx)."""
    if found != "a zip archive":
        return found
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return found
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook"
    return found


def _vector_problem(p: Path, head: bytes) -> str | None:
    """Why the file ``p`` starting with ``head`` cannot be the vector file its extension says
    (None when it may be)."""
    suffix = p.suffix.lower()
    found = describe_head(head)
    named = f"named {suffix} but it is {found}" if suffix else f"it is {found}"
    if ";" in found:  # compressed, packed or UTF-16: the advice says what to do
        return f"not a readable vector file: it is {found}"
    if suffix in (".gpkg", ".sqlite"):
        if not head.startswith(_SQLITE):
            return (f"not a readable vector file: named {suffix} but it holds {found}, not a "
                    f"GeoPackage (SQLite) database; {_GIVE_VECTOR}")
        return _sqlite_truncated(p, head)
    if suffix == ".zip":
        return _zip_problem(p)
    if suffix == ".shp":
        if not head.startswith(b"\x00\x00\x27\x0a"):
            return f"not a readable vector file: {named}, not a Shapefile; {_GIVE_VECTOR}"
        if not any(p.with_suffix(s).exists() for s in (".shx", ".SHX")):
            return (f"the Shapefile's index {p.with_suffix('.shx').name} is missing next to it; "
                    "a Shapefile is several files (.shp, .shx, .dbf, .prj): copy all of them")
        return None
    if suffix in TEXT_SUFFIXES:
        if found != "text":
            return (f"not a readable vector file: {named}, not text as a {suffix} file is; "
                    f"{_GIVE_VECTOR}")
        return None
    if found in _IMAGES or found.startswith("an old Microsoft"):
        return f"not a readable vector file: it is {found}; {_GIVE_VECTOR}"
    return None


def _sqlite_truncated(p: Path, head: bytes) -> str | None:
    """A message when the SQLite header says the database is longer than the file (a copy or
    download cut short), else None."""
    if len(head) < 100 or p.with_name(p.name + "-wal").exists():
        return None  # pages in a write-ahead log are not in the file yet
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # the page count is valid only when the "version-valid-for" number equals the change counter
    if not pages or head[24:28] != head[92:96]:
        return None
    size, need = p.stat().st_size, page_size * pages
    if size >= need:
        return None
    return (f"the GeoPackage is incomplete: {size:,} of {need:,} bytes (cut off while copying "
            "or downloading?); copy or download it again")


def _zip_problem(p: Path) -> str | None:
    try:
        with zipfile.ZipFile(p) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError):
        return "not a readable zip file (damaged or incomplete); copy or download it again"
    if any(Path(n).suffix.lower() in _VECTOR_SUFFIXES for n in names):
        return None
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    holds = f"it holds {shown}" if names else "it is empty"
    return (f"the zip file holds no vector file ({holds}); give {VECTOR_FILES}, or a zip "
            "file holding one")


def check_lv_bag_folder(folder: str | Path, option: str | None = None) -> Path:
    """``folder`` when it holds LV BAG extracts (``<gemeente>VBO<date>...xml`` files or zip
    files); raises :class:`InputError` saying so otherwise."""
    p = Path(folder)
    via = f" ({option})" if option else ""
    try:
        children = [c.name for c in p.iterdir()]
    except OSError as exc:
        raise InputError(p, f"cannot list the folder ({exc.strerror or exc}){via}") from None
    lv = re.compile(r"^\d{4}(VBO|NUM|OPR|PND|LIG|STA|WPL)\d.*\.xml$", re.IGNORECASE)
    if any(lv.match(n) or n.lower().endswith(".zip") for n in children):
        return p
    raise InputError(p, f"the folder holds no LV BAG XML or zip file (<gemeente>VBO<date>...xml "
                        "or a zip of them); give a folder of LV BAG extracts or the BAG "
                        f"GeoPackage{via}")


# --------------------------------------------------------------------------------------------
# GDAL's messages, of any version, in our words

#: (pattern of GDAL's text, our words). First match wins.
_GDAL_TEXTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), words) for pattern, words in (
        (r"not recogni[sz]ed as (being in )?a supported (file )?format",
         "no reader recognises its format"),
        (r"no such file or directory", "file not found"),
        (r"is a directory", "is a folder, not a file"),
        (r"permission denied", "no permission to read it"),
        (r"unable to open database file",
         "cannot open it as an SQLite/GeoPackage database (is the file complete and readable?)"),
        (r"file is not a database",
         "the GeoPackage is damaged: SQLite does not read it as a database; copy or download "
         "it again"),
        (r"database disk image is malformed",
         "the GeoPackage (SQLite database) is damaged or incomplete; copy or download it again"),
        (r"required GeoPackage tables.*missing",
         "an SQLite database but not a GeoPackage: it has no gpkg_contents table"),
        (r"unsupported driver", "this GDAL has no driver for the format"),
        (r"failed to read GeoJSON data", "not valid GeoJSON: the JSON text has a syntax error"),
        (r"unable to open \S*\.shx", "the Shapefile's index (.shx) is missing next to it"),
        (r"layer .* (could not be opened|not found|does not exist)", "layer not found"),
        (r"no space left on device", "the disk is full"),
    ))


def _gdal_text(exc: BaseException | str) -> str:
    """GDAL's message without what differs between versions and says nothing to a user: the
    failed SQL statement, the driver-prefix advice, a repeated part."""
    text = str(exc).strip() or type(exc).__name__
    text = re.sub(r"^sqlite3_\w+\(.*\) failed: ", "", text, flags=re.DOTALL)
    text = re.sub(r";? ?It might help to specify the correct driver.*$", "", text,
                  flags=re.DOTALL)
    parts = [s.strip() for s in text.split(";")]
    kept = [s for i, s in enumerate(parts) if s and s not in parts[:i]]
    return "; ".join(kept).rstrip(". ")


def gdal_reason(exc: BaseException | str, path: str | Path | None = None) -> str:
    """What GDAL's error ``exc`` (of any GDAL version) means, in our words; an unknown message
    cleaned, without the file's path (the message names it first) and cut at a word.

    With ``path``, a GeoJSON syntax error is located by Python's json (the same line and column
    with every GDAL; GDAL 3.6 and 3.12 count characters differently)."""
    text = _gdal_text(exc)
    for pattern, words in _GDAL_TEXTS:
        if pattern.search(text):
            if words.startswith("not valid GeoJSON") and path is not None:
                return _json_error(Path(path)) or words + " (is the file complete?)"
            return words
    if path is not None:
        for shown in (f"'{path}'", f"'/vsizip/{path}'", str(path)):
            text = text.replace(shown, "the file")
    return cut_at_word(text)


def _json_error(p: Path) -> str | None:
    try:
        if p.stat().st_size > 200_000_000:
            return None
        json.loads(p.read_bytes().decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        return (f"not valid GeoJSON: a JSON syntax error at line {exc.lineno}, column "
                f"{exc.colno} ({exc.msg}); is the file complete?")
    except (OSError, ValueError):
        return None
    return None


def unreadable(path: str | Path, exc: BaseException | str) -> InputError:
    """The :class:`InputError` for a vector file GDAL (of any version) could not open."""
    p = Path(path)
    reason = gdal_reason(exc, p)
    if reason == "file not found":
        return InputError(p, "file not found")
    if reason == "is a folder, not a file":
        return InputError(p, f"is a folder, not a file; give {VECTOR_FILES}")
    if reason == "no reader recognises its format":
        return InputError(p, f"not a readable vector file (no reader recognises its format); "
                             f"{_GIVE_VECTOR}")
    if reason == "no permission to read it":
        return InputError(p, "no permission to read the file; make it readable (chmod u+r) or "
                             "copy it to a folder of yours")
    if reason.startswith(("not valid GeoJSON", "the GeoPackage", "an SQLite database")):
        return InputError(p, reason)
    if any(reason == words for _, words in _GDAL_TEXTS):
        return InputError(p, f"not a readable vector file: {reason}")
    return InputError(p, f"not a readable vector file (GDAL: {reason})")


def os_reason(exc: OSError) -> str:
    """An operating-system error in words (no errno number, no path)."""
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    if exc.errno == errno.EACCES:
        return "no permission to read it"
    if exc.errno == errno.ENOENT:
        return "file not found"
    return exc.strerror or str(exc)
