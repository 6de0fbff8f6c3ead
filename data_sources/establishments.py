"""KvK-style establishment exports (CSV or GeoPackage) and their geolocation on the BAG.

Business registers (KvK Handelsregister extracts, LISA) are not open: every municipality has
its own export with its own headers. :func:`read_establishments` reads such an export with a
column mapping (given, loaded from a small TOML/JSON file with :func:`load_mapping`, or
found from the default header names below) and returns one schema; :func:`geolocate` joins
the establishments to BAG verblijfsobjecten (:mod:`wijkkracht.data_sources.bag`);
:func:`problems_frame` (written by :func:`write_problems`) lists the rows that could not be
used. :func:`establishments_on_bag` does the three in one call.

Output schema (``ESTABLISHMENT_COLUMNS``), one row per establishment:

====================  ==============  ====================================================
column                dtype           meaning
====================  ==============  ====================================================
``row``               int             1-based data row in the source (the header is row 0)
``vestigingsnummer``  str             establishment id (KvK: 12 digits), unique
``sbi_code``          str             SBI code, digits only (``"4711"``) or a section letter
``sbi_version``       str             ``"2008"`` or ``"2025"``
``start_date``        datetime64      start date (NaT when unknown)
``end_date``          datetime64      end date; NaT while the establishment is open
``employees``         Int64           number of working persons (``<NA>`` when unknown)
``legal_form``        str             legal form as written in the export (``""`` unknown)
``postcode``          str             ``"1234AB"`` (normalised: upper case, no space)
``huisnummer``        Int64           house number
``huisletter``        str             house letter (``""`` if none)
``toevoeging``        str             addition (``""`` if none)
``vbo_id``            str             BAG verblijfsobject id (``""`` if not given)
``x``, ``y``          float           coordinates in EPSG:28992 (NaN if not given)
====================  ==============  ====================================================

Columns of the source that are not mapped are kept after these. A row needs a
``vbo_id``, or both coordinates, or a postcode and a huisnummer.

Bad rows never vanish: they go to the ``rejected`` frame of :class:`ReadResult` with the
source columns, ``row`` and ``reason`` (every problem of the row, ``"; "``-joined, each
naming the row and the value). Problems: missing id, duplicate id (the first occurrence is
kept), missing or malformed SBI code, unparseable start/end date, a date in the future, an end
before the start, a non-numeric or negative number of employees, missing address parts
(no vbo_id, no x/y and no valid postcode + huisnummer), a malformed postcode.

Default header names (**assumptions**: no KvK or LISA specification was at hand; they
follow common Handelsregister extract and LISA export headers; matching ignores case and
surrounding spaces; pass a mapping when your export differs). See ``KVK_COLUMNS`` and
``LISA_COLUMNS``:

* KvK: ``Vestigingsnummer``, ``SBI-code hoofdactiviteit``, ``Datum vestiging``,
  ``Datum opheffing``, ``Aantal werkzame personen``, ``Rechtsvorm``, ``Postcode``,
  ``Huisnummer``, ``Huisletter``, ``Huisnummertoevoeging``, ``Verblijfsobject-id``,
  ``X-coordinaat``, ``Y-coordinaat``;
* LISA: ``vestigingsnummer``/``vestnr``, ``sbi``/``sbi2008``, ``datum_oprichting``,
  ``datum_opheffing``, ``wp_totaal``/``werkzame personen``, ``rechtsvorm``, ``postcode``,
  ``huisnummer``/``huisnr``, ``huisletter``, ``toevoeging``, ``x``, ``y`` (LISA exports
  differ per region and year; these are guesses);
* the snake_case names of this schema itself, which are also those of the synthetic
  generator (:mod:`wijkkracht.data_sources.synthetic`) and of the indicators
  (:mod:`wijkkracht.core.indicators.bag`): the SBI code is ``sbi_code`` everywhere.

Dates are read as ISO ``YYYY-MM-DD``, ``DD-MM-YYYY``, ``DD/MM/YYYY`` or ``YYYYMMDD``.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.errors import InputError
from ..core.sbi import parse_sbi_series
from .bag import _true_flags
from .file_checks import check_file, gdal_reason, os_reason

__all__ = [
    "ESTABLISHMENT_COLUMNS",
    "KVK_COLUMNS",
    "LISA_COLUMNS",
    "ENCODINGS",
    "DELIMITERS",
    "MATCH_QUALITIES",
    "ReadResult",
    "GeolocateResult",
    "load_mapping",
    "read_establishments",
    "normalise_establishments",
    "geolocate",
    "write_problems",
    "write_problems_file",
    "problems_frame",
    "EstablishmentsOnBag",
    "establishments_on_bag",
]

ESTABLISHMENT_COLUMNS = ("row", "vestigingsnummer", "sbi_code", "sbi_version", "start_date",
                         "end_date", "employees", "legal_form", "postcode", "huisnummer",
                         "huisletter", "toevoeging", "vbo_id", "x", "y")
_TARGETS = ESTABLISHMENT_COLUMNS[1:]

#: Default KvK Handelsregister export headers per output column (assumed, see module doc).
KVK_COLUMNS: dict[str, tuple[str, ...]] = {
    "vestigingsnummer": ("Vestigingsnummer",),
    "sbi_code": ("SBI-code hoofdactiviteit", "SBI-code", "SBI code hoofdactiviteit"),
    "sbi_version": ("SBI-versie",),
    "start_date": ("Datum vestiging", "Datum aanvang", "Datum oprichting"),
    "end_date": ("Datum opheffing", "Datum einde"),
    "employees": ("Aantal werkzame personen", "Werkzame personen"),
    "legal_form": ("Rechtsvorm",),
    "postcode": ("Postcode", "Postcode vestigingsadres"),
    "huisnummer": ("Huisnummer",),
    "huisletter": ("Huisletter",),
    "toevoeging": ("Huisnummertoevoeging", "Toevoeging huisnummer"),
    "vbo_id": ("Verblijfsobject-id", "Verblijfsobjectidentificatie", "BAG-id"),
    "x": ("X-coordinaat", "X-coördinaat"),
    "y": ("Y-coordinaat", "Y-coördinaat"),
}
#: Default LISA export headers per output column (assumed, see module doc); also the
#: snake_case names of this schema and of the synthetic generator.
LISA_COLUMNS: dict[str, tuple[str, ...]] = {
    "vestigingsnummer": ("vestigingsnummer", "vestnr", "lisa_id"),
    "sbi_code": ("sbi_code", "sbi", "sbi2008", "sbi08", "activiteit"),
    "sbi_version": ("sbi_version", "sbi_versie"),
    "start_date": ("start_date", "datum_oprichting", "datum oprichting", "oprichtingsdatum"),
    "end_date": ("end_date", "datum_opheffing", "opheffingsdatum"),
    "employees": ("employees", "wp_totaal", "werkzame personen", "wp"),
    "legal_form": ("legal_form", "rechtsvorm"),
    "postcode": ("postcode",),
    "huisnummer": ("huisnummer", "huisnr"),
    "huisletter": ("huisletter",),
    "toevoeging": ("toevoeging", "huisnummertoevoeging"),
    "vbo_id": ("vbo_id", "verblijfsobject_id", "bag_vbo_id", "adresseerbaarobject_id"),
    "x": ("x", "x_coord", "xcoord"),
    "y": ("y", "y_coord", "ycoord"),
}
#: Encodings tried in this order when none is given (latin-1 always decodes).
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
#: Delimiters sniffed.
DELIMITERS = ",;\t|"
#: ``match_quality`` values of :func:`geolocate`, best first.
MATCH_QUALITIES = ("vbo_id", "exact", "normalised", "number_only", "coordinates")

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")


@dataclass
class ReadResult:
    """What :func:`read_establishments` returns.

    Attributes
    ----------
    establishments
        The usable rows in the schema of this module.
    rejected
        The unusable rows: source columns, ``row`` and ``reason``.
    counts
        ``{"read": n, "valid": n, "rejected": n, "<problem>": n, ...}``.
    mapping
        Output column -> source column actually used.
    source
        File name (or description) for messages.
    """

    establishments: pd.DataFrame
    rejected: pd.DataFrame
    counts: dict[str, int]
    mapping: dict[str, str]
    source: str = ""


@dataclass
class GeolocateResult:
    """What :func:`geolocate` returns.

    Attributes
    ----------
    matched
        Establishments placed on a BAG unit: the establishment columns plus ``vbo_id``,
        ``gebruiksdoel``, ``match_quality`` (see ``MATCH_QUALITIES``) and the BAG point
        (EPSG:28992).
    unmatched
        The establishments not placed, with ``reason``.
    match_rate
        ``len(matched) / (len(matched) + len(unmatched))`` (0.0 for no input).
    counts
        Matched per ``match_quality``, unmatched per reason, and totals.
    """

    matched: gpd.GeoDataFrame
    unmatched: pd.DataFrame
    match_rate: float
    counts: dict[str, int] = field(default_factory=dict)


def load_mapping(path: str | Path) -> dict[str, str]:
    """Read a column mapping (output column -> source header) from TOML or JSON.

    The file holds a flat table, e.g. ``vestigingsnummer = "Vestnr"`` (TOML) or
    ``{"vestigingsnummer": "Vestnr"}`` (JSON); a TOML table ``[columns]`` is also accepted.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or names an unknown output column.
    """
    p = check_file(path, "column mapping file (TOML or JSON)", kind="text")
    try:
        import tomllib
    except ModuleNotFoundError as exc:  # pragma: no cover - Python 3.10
        if p.suffix.lower() != ".json":
            raise InputError(p, "TOML mappings need Python 3.11+; use a JSON file") from exc
    try:
        text = p.read_text(encoding="utf-8-sig")
        data = json.loads(text) if p.suffix.lower() == ".json" else \
            tomllib.loads(text)  # type: ignore[possibly-undefined]
    except (OSError, ValueError) as exc:  # JSONDecodeError, TOMLDecodeError are ValueErrors
        raise InputError(p, f"cannot read the column mapping ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InputError(p, "the column mapping must be a flat table of text values")
    _check_mapping(data, p)
    return {str(k): v for k, v in data.items()}


def _check_mapping(mapping: dict[str, str], source: object) -> None:
    unknown = sorted(set(mapping) - set(_TARGETS))
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], _TARGETS, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(str(source), f"column mapping names unknown output column(s) "
                                      f"{unknown}{hint}; known: {list(_TARGETS)}")


def _decode(raw: bytes, encoding: str | None, source: Path) -> tuple[str, str]:
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(source, f"cannot decode as {encoding} ({exc}); leave the "
                                     "encoding out to detect it") from exc
    for enc in ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError(source, "cannot decode the file")  # pragma: no cover - latin-1 decodes


def _sniff(text: str, delimiter: str | None) -> str:
    if delimiter is not None:
        return delimiter
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d])


def read_establishments(
    path: str | Path,
    *,
    mapping: dict[str, str] | str | Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    layer: str | None = None,
    sbi_version: str = "2008",
    today: str | pd.Timestamp | None = None,
    max_memory: int | None = None,
) -> ReadResult:
    """Read a KvK-style establishments export (CSV or GeoPackage).

    Parameters
    ----------
    path
        A ``.csv``/``.txt`` file or a GeoPackage (``.gpkg``).
    mapping
        Output column -> source header, or the path of a TOML/JSON file with it. Columns not
        mapped are found from ``KVK_COLUMNS`` and ``LISA_COLUMNS`` (case-insensitive).
    encoding
        CSV encoding; detected among ``ENCODINGS`` when not given.
    delimiter
        CSV delimiter; sniffed among ``DELIMITERS`` when not given.
    layer
        GeoPackage layer (default: the first).
    sbi_version
        ``"2008"`` or ``"2025"``, used when the export has no SBI version column.
    today
        Dates after this are rejected as future dates (default: today).
    max_memory
        Bytes of memory the read may take (default: what the system has available). A CSV
        needs about :data:`CSV_MEMORY_FACTOR` times its size; a larger one is refused with the
        estimate instead of being read until the machine runs out of memory.

    Returns
    -------
    ReadResult

    Raises
    ------
    InputError
        Unreadable file, or no id or SBI column found.
    """
    p = Path(path)
    mapping_file = None
    if isinstance(mapping, (str, Path)):
        mapping_file = Path(mapping)
        mapping = load_mapping(mapping_file)
    gpkg = p.suffix.lower() == ".gpkg"
    check_file(p, "establishments export (CSV or GeoPackage)", kind="vector" if gpkg else "text")
    if gpkg:
        import pyogrio
        from pyogrio.errors import DataLayerError, DataSourceError

        try:
            gdf = pyogrio.read_dataframe(p, layer=layer)
        except (DataSourceError, DataLayerError, OSError) as exc:
            raise InputError(p, f"cannot read the GeoPackage ({gdal_reason(exc, p)})") from exc
        frame = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
        _check_present([str(c) for c in frame.columns], mapping, str(p), mapping_file)
        mapping = dict(mapping or {})
        if isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.notna().any() and \
                "x" not in mapping and "y" not in mapping:
            from .schema import to_rd_new

            pts = shapely.centroid(to_rd_new(gdf, str(p)).geometry.values)
            frame["geometry_x"], frame["geometry_y"] = shapely.get_x(pts), shapely.get_y(pts)
            mapping.update({"x": "geometry_x", "y": "geometry_y"})
        result = normalise_establishments(frame, mapping, source=str(p),
                                          sbi_version=sbi_version, today=today)
        return result
    _check_memory(p, max_memory)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read the file ({os_reason(exc)})") from exc
    text, enc = _decode(raw, encoding, p)
    sep = _sniff(text, delimiter)
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(p, f"cannot parse the CSV ({exc})") from exc
    _check_present([str(c) for c in frame.columns], mapping, str(p), mapping_file)
    result = normalise_establishments(frame, mapping, source=str(p), sbi_version=sbi_version,
                                      today=today)
    result.establishments.attrs["establishments"] = {"source": str(p), "encoding": enc,
                                                     "delimiter": sep}
    return result


def _detect_encoding(p: Path, encoding: str | None, block: int = 1 << 24) -> str:
    """The encoding of ``p`` (the first of ``ENCODINGS`` that decodes it all), found by
    streaming it: the file is never held whole."""
    import codecs

    for enc in ([encoding] if encoding else list(ENCODINGS)):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with open(p, "rb") as fh:
                while chunk := fh.read(block):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError as exc:
            if encoding:
                raise InputError(p, f"cannot decode as {encoding} ({exc}); leave the "
                                    "encoding out to detect it") from exc
        except LookupError as exc:
            raise InputError(p, f"unknown encoding {encoding!r} ({exc})") from exc
    raise InputError(p, "cannot decode the file")  # pragma: no cover - latin-1 decodes


def iter_establishments_csv(
    path: str | Path,
    *,
    mapping: dict[str, str] | str | Path | None = None,
    chunk_rows: int = 250_000,
    sbi_version: str = "2008",
    today: str | pd.Timestamp | None = None,
) -> Iterator[ReadResult]:
    """A CSV establishments export read ``chunk_rows`` rows at a time, each chunk as
    :func:`read_establishments` reads a whole file (memory: one chunk, not the file; a
    national export of 2 M rows in 8 chunks). A ``vestigingsnummer`` seen in an earlier
    chunk is rejected as a duplicate (the first kept), as in a whole read; ``row`` numbers
    count from the file's first data row."""
    p = Path(path)
    if isinstance(mapping, (str, Path)):
        mapping = load_mapping(Path(mapping))
    check_file(p, "establishments export (CSV or GeoPackage)", kind="text")
    enc = _detect_encoding(p, None)
    with open(p, encoding=enc, newline="") as fh:
        sep = _sniff(fh.read(65536), None)
    seen: set[str] = set()
    try:
        reader = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                             encoding=enc, chunksize=chunk_rows)
        for i, frame in enumerate(reader):
            if i == 0:
                _check_present([str(c) for c in frame.columns], mapping, str(p))
            result = normalise_establishments(frame, mapping, source=str(p),
                                              sbi_version=sbi_version, today=today)
            yield _without_seen(result, seen, i * chunk_rows)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(p, f"cannot parse the CSV ({exc})") from exc


def _without_seen(result: ReadResult, seen: set[str], offset: int) -> ReadResult:
    """``result`` without the establishments whose number an earlier chunk had (counted as
    duplicates), and with their numbers added to ``seen``."""
    est = result.establishments
    vnr = est["vestigingsnummer"].astype(str)
    dup = vnr.isin(seen).to_numpy()
    seen.update(vnr[~dup])
    counts = dict(result.counts)
    if dup.any():
        n = int(dup.sum())
        counts["duplicate_id"] = counts.get("duplicate_id", 0) + n
        counts["valid"] = counts.get("valid", 0) - n
        counts["rejected"] = counts.get("rejected", 0) + n
        est = est.loc[~dup]
    rejected = result.rejected
    if offset:  # row numbers of the file, not of the chunk
        if "row" in est:
            est = est.assign(row=est["row"] + offset)
        if "row" in rejected:
            rejected = rejected.assign(row=rejected["row"] + offset)
    return ReadResult(est, rejected, counts, result.mapping, result.source)


#: Peak memory of reading a CSV export per byte of file: 3.53 GB for a 196 MB export of 2 M
#: establishments (17.3x, measured with benchmarks' synthetic nation), rounded up.
CSV_MEMORY_FACTOR = 18


def _memory_available() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _check_memory(path: Path, max_memory: int | None) -> None:
    """Refuse, with the estimate, a CSV that would not fit in memory."""
    try:
        need = path.stat().st_size * CSV_MEMORY_FACTOR
    except OSError:
        return  # a missing file is reported by the read
    have = max_memory if max_memory is not None else _memory_available()
    def size(n: float) -> str:
        return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"

    if have is not None and need > have:
        raise InputError(path, f"reading it needs about {size(need)} of memory and "
                               f"{size(have)} are available; split the export (e.g. per "
                               "gemeente) or use a machine with more memory")


def _check_present(columns: list[str], mapping: dict[str, str] | None, source: str,
                   mapping_file: Path | None = None) -> None:
    """Raise :class:`InputError` when a mapped source column is not among ``columns``."""
    missing = [f"{k} -> {v!r}" for k, v in (mapping or {}).items() if v not in columns]
    if missing:
        via = f" (mapping {mapping_file})" if mapping_file is not None else ""
        raise InputError(source, f"mapped column(s) not in the file{via}: {missing}; the file "
                                 f"has {columns}")


def _resolve(columns: list[str], mapping: dict[str, str] | None, source: str) -> dict[str, str]:
    mapping = dict(mapping or {})
    _check_mapping(mapping, source)
    _check_present(columns, mapping, source)
    lower = {c.strip().lower(): c for c in columns}
    out = dict(mapping)
    used = set(mapping.values())
    for target in _TARGETS:
        if target in out:
            continue
        for cand in KVK_COLUMNS.get(target, ()) + LISA_COLUMNS.get(target, ()):
            col = lower.get(cand.lower())
            if col is not None and col not in used:
                out[target] = col
                used.add(col)
                break
    for need in ("vestigingsnummer", "sbi_code"):
        if need not in out:
            tried = list(KVK_COLUMNS[need] + LISA_COLUMNS[need])
            free = [c for c in columns if c not in used]
            close = next((m for t in [need, *tried]
                          for m in difflib.get_close_matches(t, free, n=1, cutoff=0.75)), None)
            hint = f"did you mean {close!r}? " if close else ""
            raise InputError(source, f"no column for {need!r} found (tried {tried}); {hint}"
                                     f"pass a mapping, e.g. {{{need!r}: 'your header'}}")
    return out


def _text(s: pd.Series | None, n: int) -> pd.Series:
    """Stripped text, ``""`` for missing (object dtype)."""
    if s is None:
        return pd.Series(np.full(n, "", dtype=object))
    t = s.astype(object).where(s.notna(), "")
    return t.astype(str).str.strip().astype(object).reset_index(drop=True)


def _dates(s: pd.Series | None, n: int) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """Parsed dates, a mask of unparseable non-empty values, and the raw text."""
    if s is None:
        return (pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"), np.zeros(n, bool),
                pd.Series([""] * n, dtype=object))
    s = s.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s):
        d = pd.Series(s.to_numpy().astype("datetime64[ns]"))
        return d, np.zeros(n, bool), d
    text = _text(s, n)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        out[ok[ok].index] = parsed[ok].to_numpy().astype("datetime64[ns]")
        todo[ok[ok].index] = False
    return out, todo.to_numpy(), text


def _number(s: pd.Series | None, n: int) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """Numbers (float), a mask of non-numeric non-empty values, and the raw text."""
    if s is None:
        return pd.Series(np.full(n, np.nan)), np.zeros(n, bool), pd.Series([""] * n, dtype=object)
    s = s.reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(s):
        v = pd.Series(s.astype("Float64").to_numpy(dtype=float, na_value=np.nan))
        return v, np.zeros(n, bool), v
    text = _text(s, n)
    v = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = ((text != "") & v.isna()).to_numpy()
    return pd.Series(v.to_numpy(dtype=float)), bad, text


#: Reason of an unmatched establishment whose address is not among the BAG units read.
ADDRESS_NOT_READ = "address not among the BAG units read (outside the area read, or not in the BAG)"


def normalise_establishments(
    frame: pd.DataFrame,
    mapping: dict[str, str] | None = None,
    *,
    source: str = "establishments",
    sbi_version: str = "2008",
    today: str | pd.Timestamp | None = None,
) -> ReadResult:
    """Bring a table of establishments to the schema of this module (see the module doc).

    Parameters
    ----------
    frame
        The source table (text or typed columns).
    mapping
        Output column -> source column; the rest is found from the default headers.
    source
        Name used in messages.
    sbi_version
        ``"2008"`` or ``"2025"`` when there is no SBI version column.
    today
        Dates after this are rejected (default: today).

    Returns
    -------
    ReadResult
    """
    if sbi_version not in ("2008", "2025"):
        raise InputError(source, f"sbi_version must be '2008' or '2025', not {sbi_version!r}")
    cols = _resolve([str(c) for c in frame.columns], mapping, source)
    frame = frame.reset_index(drop=True)
    n = len(frame)
    today_ts = pd.Timestamp(today) if today is not None else pd.Timestamp.today()
    today_ts = today_ts.normalize()

    def col(name: str) -> pd.Series | None:
        return frame[cols[name]] if name in cols else None

    row = np.arange(1, n + 1)
    # (kind, mask, message maker): messages are built only when a row has the problem
    problems: _Problems = []

    def W() -> pd.Series:  # noqa: N802 - "row i" for every row
        return pd.Series("row " + pd.Series(row).astype(str), dtype=object)

    vnr = _ids(col, n, problems, W)
    sbi, version = _sbi(col, n, sbi_version, problems, W)
    start, end = _start_and_end(col, n, today_ts, problems, W)
    emp, bad_emp = _employees(col, n, problems, W)
    addr = _address(col, n, problems, W)
    bad_any, reason, counts = _rows_with_problems(problems, n)

    out = pd.DataFrame({
        "row": row,
        "vestigingsnummer": vnr.astype(object),
        "sbi_code": sbi.astype(object),
        "sbi_version": version.astype(object),
        "start_date": start,
        "end_date": end,
        "employees": pd.array(np.where(np.isnan(emp) | bad_emp, 0, emp).astype(np.int64),
                              dtype="Int64"),
        "legal_form": _text(col("legal_form"), n),
        "postcode": addr.pc.where(addr.pc_ok, "").astype(object),
        "huisnummer": pd.array(np.where(addr.hn_ok, addr.hn.fillna(0), 0).astype(np.int64),
                               dtype="Int64"),
        "huisletter": _text(col("huisletter"), n),
        "toevoeging": _text(col("toevoeging"), n),
        "vbo_id": addr.vbo,
        "x": addr.x.where(addr.xy_ok),
        "y": addr.y.where(addr.xy_ok),
    })
    out.loc[np.isnan(emp.to_numpy()) | bad_emp, "employees"] = pd.NA
    out.loc[~addr.hn_ok, "huisnummer"] = pd.NA
    used = set(cols.values())
    extra = [c for c in frame.columns if c not in used and c not in out.columns]
    for c in extra:
        out[c] = frame[c].to_numpy()

    good = ~bad_any
    rejected = frame[~good].copy()
    rejected.insert(0, "row", row[~good])
    rejected["reason"] = reason[~good].str.replace(r"; row \d+: ", "; ", regex=True) \
        .to_numpy()
    rejected = rejected.reset_index(drop=True)
    est = out[good].reset_index(drop=True)
    counts["valid"] = int(good.sum())
    counts["rejected"] = int(bad_any.sum())
    est.attrs["establishments"] = {"source": source, "counts": dict(counts)}
    return ReadResult(establishments=est, rejected=rejected, counts=counts, mapping=cols,
                      source=source)


#: The problems :func:`normalise_establishments` finds: (kind, mask of the rows that have it,
#: maker of the messages per row); the messages are made only when a row has the problem.
_Problems = list[tuple[str, np.ndarray, Callable[[], pd.Series]]]
_Column = Callable[[str], "pd.Series | None"]
_Rows = Callable[[], pd.Series]


def _ids(col: _Column, n: int, problems: _Problems, rows: _Rows) -> pd.Series:
    """The vestigingsnummers; missing and repeated ones are problems."""
    vnr = _text(col("vestigingsnummer"), n)
    m = (vnr == "").to_numpy()
    problems.append(("missing_id", m, lambda: rows() + ": missing vestigingsnummer"))
    dup = (vnr.duplicated(keep="first") & (vnr != "")).to_numpy()
    problems.append(("duplicate_id", dup,
                     lambda: rows() + ": duplicate vestigingsnummer " + vnr + " (first kept)"))
    return vnr


def _sbi(col: _Column, n: int, sbi_version: str, problems: _Problems, rows: _Rows
         ) -> tuple[pd.Series, pd.Series]:
    """The SBI codes and their versions; unparseable codes and unknown versions are
    problems."""
    raw_sbi = col("sbi_code")
    sbi_in = _text(raw_sbi, n).where(_text(raw_sbi, n) != "", None)
    sbi, sbi_prob = parse_sbi_series(pd.Series(sbi_in.to_numpy(), dtype=object))
    m = sbi_prob.notna().to_numpy()
    problems.append(("bad_sbi", m, lambda: rows() + ": " + sbi_prob.fillna("").astype(object)))
    version = _text(col("sbi_version"), n).replace("", sbi_version)
    bad_version = ~version.isin(["2008", "2025"]).to_numpy()
    problems.append(("bad_sbi_version", bad_version,
                     lambda: rows() + ": SBI version " + version + " is not 2008 or 2025"))
    return sbi, version


def _start_and_end(col: _Column, n: int, today_ts: pd.Timestamp, problems: _Problems,
                   rows: _Rows) -> tuple[pd.Series, pd.Series]:
    """The start and end dates; unparseable dates, dates after ``today_ts`` and an end before
    the start are problems."""
    start, bad_start, start_txt = _dates(col("start_date"), n)
    end, bad_end, end_txt = _dates(col("end_date"), n)
    problems.append(("bad_date", bad_start,
                     lambda: rows() + ": unparseable start_date '" + start_txt.astype(str) + "'"))
    problems.append(("bad_date", bad_end,
                     lambda: rows() + ": unparseable end_date '" + end_txt.astype(str) + "'"))
    fut_s = (start > today_ts).to_numpy()
    fut_e = (end > today_ts).to_numpy()
    problems.append(("future_date", fut_s,
                     lambda: rows() + ": start_date " + start.astype(str) + " lies in the future"))
    problems.append(("future_date", fut_e,
                     lambda: rows() + ": end_date " + end.astype(str) + " lies in the future"))
    before = (end < start).to_numpy()
    problems.append(("end_before_start", before,
                     lambda: rows() + ": end_date " + end.astype(str) + " before start_date "
                     + start.astype(str)))
    return start, end


def _employees(col: _Column, n: int, problems: _Problems, rows: _Rows
               ) -> tuple[pd.Series, np.ndarray]:
    """The numbers of employees and where they are unusable (a problem): not a whole number
    >= 0."""
    emp, bad_emp, emp_txt = _number(col("employees"), n)
    bad_emp = bad_emp | (emp < 0).to_numpy() | ((emp % 1) > 0).to_numpy()
    problems.append(("bad_employees", bad_emp,
                     lambda: rows() + ": number of employees '" + emp_txt.astype(str)
                     + "' is not a whole number"))
    return emp, bad_emp


@dataclass(frozen=True, eq=False)
class _Address:
    """The address parts of the rows (see :func:`_address`)."""

    pc: pd.Series
    pc_ok: np.ndarray
    hn: pd.Series
    hn_ok: np.ndarray
    vbo: pd.Series
    x: pd.Series
    y: pd.Series
    xy_ok: np.ndarray


def _address(col: _Column, n: int, problems: _Problems, rows: _Rows) -> _Address:
    """Postcode, huisnummer, vbo_id and x/y; a row with none of postcode + huisnummer, vbo_id
    and x/y is a problem (a malformed postcode, or missing parts)."""
    pc_raw = _text(col("postcode"), n)
    pc = pc_raw.str.upper().str.replace(r"\s+", "", regex=True)
    pc_ok = pc.str.match(_POSTCODE.pattern).to_numpy(dtype=bool)
    hn, bad_hn, hn_txt = _number(col("huisnummer"), n)
    hn_ok = (hn > 0).to_numpy() & ((hn % 1) == 0).to_numpy() & ~bad_hn
    vbo = _text(col("vbo_id"), n)
    x, bad_x, _ = _number(col("x"), n)
    y, bad_y, _ = _number(col("y"), n)
    xy_ok = np.isfinite(x.to_numpy()) & np.isfinite(y.to_numpy())
    addr_ok = (pc_ok & hn_ok) | (vbo != "").to_numpy() | xy_ok
    bad_pc = ~addr_ok & (pc != "").to_numpy() & ~pc_ok
    problems.append(("bad_postcode", bad_pc,
                     lambda: rows() + ": malformed postcode '" + pc_raw + "' (expected 1234AB)"))
    missing = ~addr_ok & ~bad_pc
    parts = np.char.add(np.where(pc == "", "postcode ", ""), np.where(~hn_ok, "huisnummer", ""))
    problems.append(("missing_address", missing,
                     lambda: rows() + ": missing address parts (" + pd.Series(parts, dtype=object)
                     .str.strip().str.replace(" ", ", ", regex=False)
                     + "; no vbo_id or x/y either)"))
    return _Address(pc=pc, pc_ok=pc_ok, hn=hn, hn_ok=hn_ok, vbo=vbo, x=x, y=y, xy_ok=xy_ok)


def _rows_with_problems(problems: _Problems, n: int
                        ) -> tuple[np.ndarray, pd.Series, dict[str, int]]:
    """Which rows have a problem, their reasons (``"; "``-joined) and the count per kind."""
    bad_any = np.zeros(n, bool)
    reason = pd.Series(np.full(n, "", dtype=object))
    counts: dict[str, int] = {"read": n}
    for kind, mask, make in problems:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            continue
        msg = make()
        counts[kind] = counts.get(kind, 0) + int(mask.sum())
        reason[mask] = np.where(reason[mask] == "", msg[mask],
                                reason[mask] + "; " + msg[mask])
        bad_any |= mask
    return bad_any, reason, counts


# --------------------------------------------------------------------------- geolocation

_LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


def _pc_number(postcode: pd.Series, huisnummer: pd.Series) -> np.ndarray:
    """Integer key of postcode + huisnummer (-1 where either is missing or malformed)."""
    pc = postcode.astype(object).where(postcode.notna(), "").astype(str) \
        .str.upper().str.replace(" ", "", regex=False)
    ok = pc.str.match(_POSTCODE.pattern).to_numpy(dtype=bool).copy()
    fixed = pc.where(ok, "1000AA").to_numpy(dtype="U6")
    b = fixed.view(np.uint32).reshape(-1, 6)  # UCS-4 code points
    digits = ((b[:, 0] - 48) * 1000 + (b[:, 1] - 48) * 100 + (b[:, 2] - 48) * 10
              + (b[:, 3] - 48)).astype(np.int64)
    letters = (b[:, 4] - 65).astype(np.int64) * 26 + (b[:, 5] - 65).astype(np.int64)
    hn = pd.to_numeric(huisnummer, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok &= np.isfinite(hn) & (hn > 0) & (hn < 100_000)
    key = (digits * 676 + letters) * 100_000 + np.where(ok, hn, 0).astype(np.int64)
    return np.where(ok, key, -1)


def _suffix(letter: pd.Series, toev: pd.Series, normalised: bool) -> pd.Series:
    lt = letter.astype(object).where(letter.notna(), "").astype(str).str.strip()
    tv = toev.astype(object).where(toev.notna(), "").astype(str).str.strip()
    if not normalised:
        return lt + "|" + tv
    s = (lt + tv).str.upper()
    return s.str.replace(r"[\s\-_./]+", "", regex=True)


def _join(left_key: np.ndarray, left_suf: pd.Series, right_key: np.ndarray,
          right_suf: pd.Series) -> np.ndarray:
    """For each left row, the index of the right row with the same (key, suffix), else -1.

    Right rows are made unique on (key, suffix) first (the first one wins).
    """
    codes, _ = pd.factorize(pd.concat([left_suf, right_suf], ignore_index=True), sort=False)
    lc, rc = codes[:len(left_suf)].astype(np.int64), codes[len(left_suf):].astype(np.int64)
    r = pd.DataFrame({"k": right_key, "s": rc, "i": np.arange(len(right_key))})
    r = r[r["k"] >= 0].drop_duplicates(["k", "s"], keep="first")
    idx = pd.MultiIndex.from_arrays([r["k"].to_numpy(), r["s"].to_numpy()])
    pos = idx.get_indexer(pd.MultiIndex.from_arrays([left_key, lc]))
    out = np.where(pos >= 0, r["i"].to_numpy()[np.maximum(pos, 0)], -1)
    return np.where(left_key >= 0, out, -1)


def geolocate(
    establishments: pd.DataFrame,
    bag: gpd.GeoDataFrame,
    *,
    fallback: bool = True,
    max_distance: float = 25.0,
) -> GeolocateResult:
    """Place establishments on BAG verblijfsobjecten (vectorised; no loop per row).

    Order of matching, each step only for rows not matched yet (``match_quality``):

    1. ``vbo_id``: the establishment's ``vbo_id`` equals the BAG ``identificatie``.
    2. ``exact``: postcode + huisnummer + huisletter + toevoeging, as written (postcodes
       normalised to ``1234AB``, surrounding spaces ignored).
    3. ``normalised`` (``fallback``): huisletter and toevoeging joined, upper case, without
       spaces, hyphens, dots, slashes and underscores, on both sides: ``12 a`` / ``12A``,
       letter ``A`` toevoeging ``1`` / toevoeging ``a-1`` all match.
    4. ``number_only`` (``fallback``): postcode + huisnummer alone, when the establishment
       has no huisletter/toevoeging and the BAG has exactly one unit at that number.
    5. ``coordinates``: rows with x/y and no address match go to the nearest BAG unit
       within ``max_distance`` m.

    Parameters
    ----------
    establishments
        The schema of :func:`read_establishments` (``establishments`` of its result).
    bag
        BAG verblijfsobjecten (:data:`~wijkkracht.data_sources.bag.BAG_COLUMNS`,
        EPSG:28992). Several units at the same address: the first one wins.
    fallback
        Use steps 3 and 4.
    max_distance
        Step 5 search radius (m).

    Returns
    -------
    GeolocateResult
        No establishment is dropped: each is in ``matched`` or in ``unmatched``.

    Raises
    ------
    InputError
        When the BAG lacks the columns needed or is not in EPSG:28992.
    """
    _check_bag_for_geolocate(bag)
    est = establishments.reset_index(drop=True)
    n = len(est)
    added = [c for c in ("huisletter", "toevoeging") if c not in est.columns]
    if added:
        est = est.assign(**{c: "" for c in added})
    found = _Matches(n)
    ids = bag["identificatie"].astype(object).where(bag["identificatie"].notna(), "") \
        .astype(str).to_numpy()
    has_vbo = _match_vbo_id(est, ids, found)
    has_addr = _match_address(est, bag, found, fallback)
    xy = _match_coordinates(est, bag, found, max_distance)
    match, quality = found.match, found.quality

    ok = match >= 0
    est = est.drop(columns=added)
    cols = [c for c in est.columns if c not in ("vbo_id",)]
    mi = match[ok]
    matched = est.loc[ok, cols].reset_index(drop=True)
    matched.insert(1, "vbo_id", ids[mi])
    matched["gebruiksdoel"] = bag["gebruiksdoel"].to_numpy()[mi]
    matched["match_quality"] = quality[ok]
    matched = gpd.GeoDataFrame(matched, geometry=bag.geometry.values[mi], crs=28992)

    reason = np.where(has_vbo, "vbo_id not in the BAG",
                      np.where(has_addr, ADDRESS_NOT_READ,
                               np.where(xy, f"no BAG unit within {max_distance:g} m",
                                        "no usable address")))
    unmatched = est.loc[~ok].reset_index(drop=True)
    unmatched["reason"] = reason[~ok]
    counts: dict[str, int] = {"total": n, "matched": int(ok.sum()),
                              "unmatched": int((~ok).sum())}
    for q in MATCH_QUALITIES:
        counts[f"matched_{q}"] = int((quality[ok] == q).sum())
    for r, c in unmatched["reason"].value_counts().items():
        counts[f"unmatched: {r}"] = int(c)
    rate = float(ok.mean()) if n else 0.0
    return GeolocateResult(matched=matched, unmatched=unmatched, match_rate=rate,
                           counts=counts)


def _check_bag_for_geolocate(bag: gpd.GeoDataFrame) -> None:
    need = ["identificatie", "postcode", "huisnummer", "huisletter", "toevoeging",
            "gebruiksdoel"]
    missing = [c for c in need if c not in bag.columns]
    if missing:
        raise InputError("BAG", f"missing column(s) {missing} needed to geolocate")
    if bag.crs is not None and bag.crs.to_epsg() != 28992:
        raise InputError("BAG", f"must be in EPSG:28992, not {bag.crs}")


class _Matches:
    """The BAG row of each establishment (``match``, -1: none yet) and the step that found it
    (``quality``), filled step by step by :func:`geolocate`."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.match = np.full(n, -1, np.int64)
        self.quality = np.full(n, "", dtype=object)

    def take(self, found: np.ndarray, q: str) -> None:
        """Keep ``found`` (a BAG row per establishment, -1: none) where there is no match yet."""
        new = (self.match < 0) & (found >= 0)
        self.match[new] = found[new]
        self.quality[new] = q

    def spread(self, sub: np.ndarray, found: np.ndarray) -> np.ndarray:
        """``found`` for the establishments ``sub``, -1 for the others."""
        f = np.full(self.n, -1, np.int64)
        f[sub] = found
        return f


def _match_vbo_id(est: pd.DataFrame, ids: np.ndarray, found: _Matches) -> np.ndarray:
    """Step 1 of :func:`geolocate` (``vbo_id``); returns which establishments have one."""
    n = found.n
    vbo = est["vbo_id"] if "vbo_id" in est.columns else pd.Series([""] * n, dtype=object)
    vbo = vbo.astype(object).where(vbo.notna(), "").astype(str).str.strip()
    has_vbo = (vbo != "").to_numpy()
    if has_vbo.any():
        pos = pd.Index(ids).get_indexer(vbo.to_numpy()) if pd.Index(ids).is_unique else \
            pd.Index(ids).drop_duplicates().get_indexer(vbo.to_numpy())
        found.take(np.where(has_vbo, pos, -1), "vbo_id")
    return has_vbo


def _match_address(est: pd.DataFrame, bag: gpd.GeoDataFrame, found: _Matches, fallback: bool
                   ) -> np.ndarray:
    """Steps 2 to 4 of :func:`geolocate` (``exact``, ``normalised``, ``number_only``);
    returns which establishments have a usable postcode + huisnummer."""
    n = found.n
    lkey = _pc_number(est["postcode"], est["huisnummer"]) if "postcode" in est.columns \
        else np.full(n, -1, np.int64)
    has_addr = lkey >= 0
    if not (has_addr.any() and len(bag)):
        return has_addr
    rkey = _pc_number(bag["postcode"], bag["huisnummer"])
    todo = (found.match < 0) & has_addr
    if todo.any():
        sub = np.flatnonzero(todo)
        e_l, e_t = est["huisletter"].iloc[sub], est["toevoeging"].iloc[sub]
        hits = _join(lkey[sub], _suffix(e_l, e_t, False).reset_index(drop=True),
                     rkey, _suffix(bag["huisletter"], bag["toevoeging"], False)
                     .reset_index(drop=True))
        found.take(found.spread(sub, hits), "exact")
    todo = (found.match < 0) & has_addr
    if fallback and todo.any():
        sub = np.flatnonzero(todo)
        e_suf = _suffix(est["huisletter"].iloc[sub], est["toevoeging"].iloc[sub], True) \
            .reset_index(drop=True)
        r_suf = _suffix(bag["huisletter"], bag["toevoeging"], True).reset_index(drop=True)
        hits = _join(lkey[sub], e_suf, rkey, r_suf)
        found.take(found.spread(sub, hits), "normalised")
        _match_number_only(lkey, rkey, sub, e_suf, found)
    return has_addr


def _match_number_only(lkey: np.ndarray, rkey: np.ndarray, sub: np.ndarray, e_suf: pd.Series,
                       found: _Matches) -> None:
    """Step 4 of :func:`geolocate`: an establishment of ``sub`` without suffix, and one BAG
    unit at its number."""
    todo2 = (found.match[sub] < 0) & (e_suf == "").to_numpy()
    if todo2.any():
        valid = np.flatnonzero(rkey >= 0)
        dupl = pd.Series(rkey[valid]).duplicated(keep=False).to_numpy()
        single, single_pos = rkey[valid][~dupl], valid[~dupl]
        pos = pd.Index(single).get_indexer(lkey[sub][todo2])
        g = np.full(found.n, -1, np.int64)
        g[sub[todo2]] = np.where(pos >= 0, single_pos[np.maximum(pos, 0)], -1) \
            if len(single) else -1
        found.take(g, "number_only")


def _match_coordinates(est: pd.DataFrame, bag: gpd.GeoDataFrame, found: _Matches,
                       max_distance: float) -> np.ndarray:
    """Step 5 of :func:`geolocate` (``coordinates``); returns which establishments have x/y."""
    n = found.n
    xy = np.zeros(n, bool)
    if "x" in est.columns and "y" in est.columns:
        ex = pd.to_numeric(est["x"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ey = pd.to_numeric(est["y"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        xy = np.isfinite(ex) & np.isfinite(ey)
        todo = (found.match < 0) & xy
        if todo.any() and len(bag):
            tree = shapely.STRtree(bag.geometry.values)
            sub = np.flatnonzero(todo)
            (pi, bi), _ = tree.query_nearest(shapely.points(ex[sub], ey[sub]),
                                             max_distance=max_distance, return_distance=True,
                                             all_matches=False)
            found.take(found.spread(sub[pi], bi), "coordinates")
    return xy


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell
        return False


def problems_frame(rejected: pd.DataFrame | None,
                   unmatched: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of an export that could not be used, as one table (what
    :func:`write_problems` writes).

    Parameters
    ----------
    rejected
        :attr:`ReadResult.rejected`: rows not usable (stage ``"rejected"``); None or empty for
        none.
    unmatched
        :attr:`GeolocateResult.unmatched`: valid establishments :func:`geolocate` could not
        place (stage ``"unmatched"``); None or empty for none.

    Returns
    -------
    pandas.DataFrame
        The rejected rows, then the unmatched ones, with the columns ``row`` (int64),
        ``stage``, ``vestigingsnummer``, ``reason`` first and then the others; every column
        but ``row`` as text (dates ``YYYY-MM-DD``, missing values None), so that rows of both
        stages fit one table (a CSV file, a QGIS layer).

    Examples
    --------
    >>> bad = pd.DataFrame({"row": [3], "vestigingsnummer": ["0001"], "reason": ["no SBI"]})
    >>> lost = pd.DataFrame({"row": [1], "vestigingsnummer": ["0002"],
    ...                      "start_date": pd.to_datetime(["2010-05-01"]),
    ...                      "reason": ["not in the BAG"]})
    >>> problems_frame(bad, lost).values.tolist()
    [[3, 'rejected', '0001', 'no SBI', None], [1, 'unmatched', '0002', 'not in the BAG', '2010-05-01']]
    """
    parts = []
    for stage, frame in (("rejected", rejected), ("unmatched", unmatched)):
        if frame is None:
            continue
        part = pd.DataFrame(frame).copy()
        for name in part.columns:
            if pd.api.types.is_datetime64_any_dtype(part[name]):
                part[name] = part[name].dt.strftime("%Y-%m-%d")
        parts.append(part.assign(stage=stage))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["row", "stage", "reason"])
    if "row" not in out.columns:
        out.insert(0, "row", pd.Series(dtype="int64"))
    first = [c for c in ("row", "stage", "vestigingsnummer", "reason") if c in out.columns]
    out = out[first + [c for c in out.columns if c not in first]]
    text = {name: pd.Series([None if _missing(v) else str(v) for v in out[name]],
                            index=out.index, dtype=object)
            for name in out.columns if name != "row"}
    return pd.DataFrame({"row": out["row"].astype("int64"), **text})


def write_problems_file(path: str | Path, *, rejected: pd.DataFrame | None = None,
                        unmatched: pd.DataFrame | None = None) -> Path:
    """Write the problems CSV to ``path`` directly (not atomic; see :func:`write_problems`).

    This is the writer :func:`wijkkracht.output.writer.write_outputs` takes as an ``extra``
    file, so that the CSV is published together with the GeoPackage and the map.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    p = Path(path)
    problems_frame(rejected, unmatched).to_csv(p, index=False, encoding="utf-8")
    return p


def write_problems(path: str | Path, *, rejected: pd.DataFrame | None = None,
                   unmatched: pd.DataFrame | None = None) -> Path:
    """Write the rows that could not be used to one CSV file (UTF-8, comma separated).

    Each row keeps its columns and gets ``stage``: ``"rejected"`` (a row of
    :attr:`ReadResult.rejected`, not usable) or ``"unmatched"`` (a valid establishment
    :func:`geolocate` could not place); ``reason`` says why. Dates are written ISO. The file
    is written atomically: complete, or ``path`` is left as it was.

    Parameters
    ----------
    path
        The CSV file to write (replaced if it exists).
    rejected, unmatched
        The frames to write; either may be None or empty.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    from ..output.atomic import write_atomically

    return write_atomically(path, lambda tmp: write_problems_file(tmp, rejected=rejected,
                                                                  unmatched=unmatched))


# --------------------------------------------------------------------------- in one call


@dataclass
class EstablishmentsOnBag:
    """What :func:`establishments_on_bag` returns.

    Attributes
    ----------
    matched
        The establishments placed on a BAG unit (:attr:`GeolocateResult.matched`): points in
        EPSG:28992 with ``vbo_id``, ``gebruiksdoel`` and ``match_quality``.
    problems
        The rows that could not be used, as one table (:func:`problems_frame`): the rejected
        rows of the export, then the valid ones not placed, each with ``stage`` and ``reason``.
    counts
        The record of the step, as the outputs' metadata keeps it: ``{"read":``
        :attr:`ReadResult.counts` ``, "geolocate":`` :attr:`GeolocateResult.counts` ``,
        "match_rate": ..., "rejected": n, "unmatched": n}``.
    match_rate
        Placed establishments / valid establishments (0.0 for none).
    rejected, unmatched
        The two parts of ``problems`` with their own columns and dtypes
        (:attr:`ReadResult.rejected`, :attr:`GeolocateResult.unmatched`), as
        :func:`write_problems` takes them.
    synthetic
        Whether the export says it is SYNTHETIC (``attrs["synthetic"]``, or a ``synthetic``
        column with a true value); ``matched.attrs["synthetic"]`` is then True as well.
    """

    matched: gpd.GeoDataFrame
    problems: pd.DataFrame
    counts: dict[str, object]
    match_rate: float
    rejected: pd.DataFrame
    unmatched: pd.DataFrame
    synthetic: bool = False


def establishments_on_bag(
    source: str | Path | ReadResult,
    bag: gpd.GeoDataFrame,
    *,
    mapping: dict[str, str] | str | Path | None = None,
    today: str | pd.Timestamp | None = None,
    layer: str | None = None,
) -> EstablishmentsOnBag:
    """Read an establishments export and place it on BAG verblijfsobjecten, in one call.

    :func:`read_establishments`, then :func:`geolocate`, then :func:`problems_frame`: what the
    command line and the QGIS algorithms do with an export.

    Parameters
    ----------
    source
        The export (CSV or GeoPackage), or what :func:`read_establishments` returned for it
        (to read it before the BAG, so that a wrong export fails early).
    bag
        BAG verblijfsobjecten in the BAG schema (:mod:`wijkkracht.data_sources.bag`),
        EPSG:28992.
    mapping
        Output column -> header of the export, or a TOML/JSON file with it (see
        :func:`read_establishments`).
    today
        Dates after this are rejected as future dates (default: today). The reference date
        of the indicators is another matter: an establishment that starts after it is valid,
        only not active then.
    layer
        The layer of a GeoPackage export (default: the first).

    Returns
    -------
    EstablishmentsOnBag
        No row is lost: each valid establishment is in ``matched`` or ``problems`` (stage
        ``unmatched``), each unusable row in ``problems`` (stage ``rejected``).

    Raises
    ------
    InputError
        An unreadable export (naming the file), or a BAG without the columns needed.
    ValueError
        ``mapping``, ``today`` or ``layer`` given with an export already read.
    """
    if isinstance(source, ReadResult):
        given = [k for k, v in (("mapping", mapping), ("today", today), ("layer", layer))
                 if v is not None]
        if given:
            raise ValueError(f"{', '.join(given)} apply to reading the export; pass them to "
                             "read_establishments, or pass the file here")
        read = source
    else:
        read = read_establishments(source, mapping=mapping, today=today, layer=layer)
    located = geolocate(read.establishments, bag)
    est = read.establishments
    synthetic = bool(est.attrs.get("synthetic")) or (
        "synthetic" in est.columns and bool(_true_flags(est["synthetic"]).any()))
    matched = located.matched
    if synthetic:
        matched.attrs["synthetic"] = True
    counts: dict[str, object] = {
        "read": dict(read.counts),
        "geolocate": dict(located.counts),
        "match_rate": located.match_rate,
        "rejected": int(len(read.rejected)),
        "unmatched": int(len(located.unmatched)),
    }
    return EstablishmentsOnBag(matched=matched,
                               problems=problems_frame(read.rejected, located.unmatched),
                               counts=counts, match_rate=located.match_rate,
                               rejected=read.rejected, unmatched=located.unmatched,
                               synthetic=synthetic)
