"""The HTTP plumbing of the live sources, in one place: Overpass and Nominatim (requested by
OSMnx, see :mod:`.osm_live`) and PDOK's BAG OGC API Features (see :mod:`.bag`).

Only the downloaders import this module (it imports ``requests``): the BAG file readers and
the core do not, so they work without ``requests``.

Caches. OSMnx caches its Overpass and Nominatim answers in :func:`default_cache_dir`
(``$XDG_CACHE_HOME/wijkkracht/osmnx``, i.e. ``~/.cache/wijkkracht/osmnx``); PDOK pages go to
:func:`bag_ogc_cache_dir` (``.../wijkkracht/bag_ogc``), one file per URL, written atomically
once the page is complete and valid (:func:`fetch_pages`). A cache file that does not parse
(cut short by a crash) is deleted and fetched again, in either cache.

OSMnx settings. OSMnx keeps its settings in module globals. wijkkracht sets the ones it
depends on in one place only, :func:`osmnx_settings`, a context manager that restores every
value afterwards (also the ``socket.getaddrinfo`` function that OSMnx replaces before each
Overpass request) and lets one fetch run at a time within the process.

Faults, Overpass and Nominatim (:func:`check_answer`, :func:`with_retries`,
:func:`server_error`): a 429 (after its ``Retry-After``), a 5xx, a connection dropped
mid-answer and an answer cut short (not valid JSON) are retried ``retries`` times with
exponential backoff, then end in a one-line :class:`InputError` naming the server; a timeout,
an Overpass ``remark`` (e.g. out of memory: the answer is incomplete) and a Nominatim 4xx or
answer that is not a list (e.g. 403 blocked; a place it does not know is an empty list) end in
one at once. None of these answers reaches OSMnx's cache.

No network (:func:`timeouts`, :func:`unreachable`): every request waits at most
:data:`CONNECT_TIMEOUT` seconds for its connection (to the server, or to the proxy) and
``timeout`` seconds for the answer (a big Overpass query may take minutes: the read timeout is
not shortened). A request that makes no connection -- connection refused, a host name not
found, no route, a proxy that refuses or answers the tunnel with an error (e.g. ``403``), a
failed TLS handshake, a connect timeout -- is not retried: it ends at once in a one-line
:class:`InputError` naming the server's URL and, when one is set, the proxy (credentials left
out), saying what to do. OSMnx's check of the Overpass ``/status`` endpoint before each query
is turned off: when that endpoint cannot be reached, OSMnx waits 60 s (per attempt) before it
even tries; instead, after a 429 without ``Retry-After``, :func:`overpass_slot_wait` asks the
status endpoint (bounded) how long to wait for a free slot. OSMnx's DNS-over-HTTPS fallback
(a request to 8.8.8.8 when the host name does not resolve) is turned off too: it served the
status check only.

Faults, PDOK (:func:`get_page`): a 429 (after its ``Retry-After``, seconds or HTTP date, at
most 300 s), a 5xx, a connection dropped or timed out during the answer and a page cut short
are retried with exponential backoff; other HTTP errors (4xx) and a request that makes no
connection (see above) fail at once; both end in a one-line :class:`InputError` naming the
request.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import errno
import hashlib
import json
import math
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlsplit, urlunsplit

import requests

from ..core.errors import InputError

_SETTINGS_LOCK = threading.RLock()

#: What a failed request raises (so that callers need not import ``requests`` themselves).
RequestException = requests.exceptions.RequestException

#: Seconds to wait for a connection to a server (or to the proxy). A server that is there
#: accepts a connection within a second or two; one that does not in this time is taken as
#: unreachable (the answer itself may take up to ``timeout``).
CONNECT_TIMEOUT = 8.0

#: What to do when a server cannot be reached, for every message that says so.
OFFLINE_ADVICE = ("without a network, use local files (--streets/--pois, e.g. an .osm.pbf "
                  "extract) or an area fetched before (from the cache, --cache-dir)")


# --------------------------------------------------------------------------------------------
# caches


def default_cache_dir() -> Path:
    """Per-user folder for OSMnx's HTTP cache: ``$XDG_CACHE_HOME/wijkkracht/osmnx``.

    Falls back to ``~/.cache`` when ``XDG_CACHE_HOME`` is unset, and to ``%LOCALAPPDATA%`` on
    Windows.
    """
    base = os.environ.get("XDG_CACHE_HOME")
    if not base and sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "wijkkracht" / "osmnx"


def bag_ogc_cache_dir() -> Path:
    """Per-user folder for the PDOK BAG pages: ``$XDG_CACHE_HOME/wijkkracht/bag_ogc``."""
    return default_cache_dir().parent / "bag_ogc"


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def drop_broken_cache_files(folder: Path) -> bool:
    """Delete the ``*.json`` files in OSMnx's cache ``folder`` that do not parse; True if any."""
    dropped = False
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            path.unlink(missing_ok=True)
            dropped = True
    return dropped


# --------------------------------------------------------------------------------------------
# shared


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), at most 300."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 300.0)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    delta = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    return min(max(delta, 0.0), 300.0)


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def timeouts(timeout: float) -> tuple[float, float]:
    """``requests``' ``(connect, read)`` timeout for a request that may take ``timeout``
    seconds to answer: the connection is bounded by :data:`CONNECT_TIMEOUT`."""
    return (min(CONNECT_TIMEOUT, timeout), timeout)


def check_server_url(url: str, what: str) -> str:
    """``url`` if it is an ``http(s)://host...`` URL, else a one-line :class:`InputError`."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except (TypeError, ValueError, AttributeError):  # not text, or a port that is no number
        ok = False
    if not ok:
        raise InputError(None, f"the {what} URL (--{what.lower()}-url) must be an http:// or "
                         f"https:// URL with a host (and a port from 1 to 65535, if any), got "
                         f"{url!r}")
    return url


def check_timeout(timeout: Any) -> float:
    """``timeout`` as seconds (a number > 0 and at most a day), else an :class:`InputError`."""
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (0 < seconds <= 86400):
        raise InputError(None, f"timeout (--timeout) must be a number of seconds > 0 (at most "
                         f"86400), got {timeout!r}")
    return seconds


def proxy_for(url: str) -> tuple[str, str] | None:
    """The proxy that ``requests`` uses for ``url`` from the environment (``HTTPS_PROXY``,
    ``HTTP_PROXY``, ``ALL_PROXY``, minding ``NO_PROXY``), as ``(proxy URL without user and
    password, name of the variable)``, or None."""
    try:
        proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    except (ValueError, OSError):
        return None
    if not proxy:
        return None
    scheme = urlsplit(url).scheme
    names = [f"{scheme}_proxy", "all_proxy"]
    variable = next((n for name in names for n in (name.upper(), name)
                     if os.environ.get(n) == proxy), names[0].upper())
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    netloc = parts.netloc.rpartition("@")[2]  # never show a user name or password
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/"), variable


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps (``requests`` -> ``urllib3`` -> ``OSError``)."""
    found: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        todo += [getattr(item, "reason", None), item.__cause__, item.__context__, *item.args]
    return found


def unreachable(exc: BaseException) -> str | None:
    """Why a request made no connection to the server -- ``"connection refused"``, ``"host
    name not found"``, ``"no connection within 8 s"``, ``"the proxy answered 403
    Forbidden"``, ... -- or None when it did connect (a connection dropped mid-answer, a read
    timeout) or is no connection error. Such a request is not worth retrying."""
    why = _no_connection(exc)
    if why and isinstance(exc, requests.exceptions.ProxyError) and "proxy" not in why:
        why = f"the proxy: {why}"
    return why


def _no_connection(exc: BaseException) -> str | None:
    """:func:`unreachable` without the proxy named."""
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return None
    causes = _causes(exc)
    # (requests' own exceptions are OSErrors too: only the socket's and the proxy's)
    oserrors = [c for c in causes if isinstance(c, OSError)
                and not isinstance(c, requests.exceptions.RequestException)]
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"no connection within {CONNECT_TIMEOUT:g} s"
    if any(isinstance(c, socket.gaierror) for c in causes):
        host = next((getattr(c, "conn", None) for c in causes if hasattr(c, "conn")), None)
        host = getattr(host, "host", None)
        return f"host name {host} not found" if host else "host name not found"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    unreach = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN)
    for cause in oserrors:
        if cause.errno in unreach:
            return (cause.strerror or os.strerror(cause.errno)).lower()
    if isinstance(exc, requests.exceptions.SSLError):
        return "the secure connection (TLS) failed; check the certificates (REQUESTS_CA_BUNDLE)"
    if isinstance(exc, requests.exceptions.ProxyError):
        # e.g. "Tunnel connection failed: 403 Forbidden" (the proxy refuses the tunnel)
        said = [short(c) for c in oserrors if c.args and isinstance(c.args[0], str)]
        return (said[-1] if said else short(exc)).replace("Tunnel connection failed: ",
                                                          "the proxy answered ")
    if any(isinstance(c, TimeoutError) for c in causes):
        return f"no connection within {CONNECT_TIMEOUT:g} s"
    return None


def unreachable_problem(url: str, what: str, exc: BaseException) -> str:
    """The message for a request to the ``what`` server at ``url`` that made no connection
    (:func:`unreachable`), naming the proxy when one is set."""
    proxy = proxy_for(url)
    through = f" through the proxy {proxy[0]} ({proxy[1]})" if proxy else ""
    check = ("the proxy setting and the internet connection" if proxy else
             "the internet connection (or the proxy: HTTPS_PROXY)")
    offline = OFFLINE_ADVICE if what in ("Overpass", "Nominatim") else (
        "without a network, use a BAG file (--bag) or pages fetched before (from the cache)")
    return (f"cannot reach the {what} server{through}: {unreachable(exc)}; check {check}, "
            f"or give another server URL; {offline}")


# --------------------------------------------------------------------------------------------
# Overpass and Nominatim, through OSMnx


@contextlib.contextmanager
def osmnx_settings(
    *,
    cache_folder: Path,
    overpass_url: str,
    nominatim_url: str,
    timeout: float,
    way_tags: Iterable[str] = (),
) -> Iterator[Any]:
    """Set OSMnx's global settings for one fetch, and restore them (and ``socket.getaddrinfo``,
    which OSMnx replaces to pin the Overpass host) afterwards.

    The only place where wijkkracht touches ``osmnx.settings``. Holding a lock, so concurrent
    fetches in threads of one process run one after the other instead of mixing settings.
    ``way_tags`` are added to OSMnx's ``useful_tags_way``. Yields the ``osmnx`` module.

    ``timeout`` becomes the read timeout and the Overpass query's time limit; the connection
    is bounded by :data:`CONNECT_TIMEOUT`. OSMnx's Overpass status check (and its
    DNS-over-HTTPS fallback) is turned off: see the module docstring.
    """
    import osmnx as ox

    wanted: dict[str, Any] = {
        "use_cache": True,
        "cache_only_mode": False,
        "cache_folder": str(cache_folder),
        "overpass_url": overpass_url.rstrip("/"),
        "nominatim_url": nominatim_url,
        # (connect, read): a server that accepts no connection fails in CONNECT_TIMEOUT s
        "requests_timeout": timeouts(timeout),
        # the CRS handling of osm_live relies on OSMnx's default
        "default_crs": "epsg:4326",
        # the query's own time limit in whole seconds (OSMnx would put the tuple above in)
        "overpass_settings": f"[out:json][timeout:{math.ceil(timeout)}]" + "{maxsize}",
        # OSMnx's check of /status before each query waits 60 s when /status cannot be
        # reached; a 429 is handled by with_retries (Retry-After or overpass_slot_wait)
        "overpass_rate_limit": False,
        # its DNS-over-HTTPS fallback (a request to 8.8.8.8) only served that check
        "doh_url_template": None,
        # every answer passes check_answer before OSMnx sees (or caches) it
        "requests_kwargs": {"hooks": {"response": [check_answer]}},
    }
    with _SETTINGS_LOCK:
        # the edges carry the tags the walking-network rule reads
        wanted["useful_tags_way"] = list(dict.fromkeys([*ox.settings.useful_tags_way,
                                                        *way_tags]))
        saved = {name: getattr(ox.settings, name) for name in wanted}
        saved_getaddrinfo = socket.getaddrinfo
        try:
            for name, value in wanted.items():
                setattr(ox.settings, name, value)
            yield ox
        finally:
            for name, value in saved.items():
                setattr(ox.settings, name, value)
            socket.getaddrinfo = saved_getaddrinfo


class Fault(requests.exceptions.RequestException):
    """An answer that must not reach OSMnx: 429/5xx (``retryable``), a body that is not JSON
    (cut short; ``retryable``) or an Overpass ``remark`` (not retryable)."""

    def __init__(self, problem: str, *, retryable: bool, retry_after: float | None = None,
                 response: requests.Response | None = None) -> None:
        super().__init__(problem, response=response)
        self.problem = problem
        self.retryable = retryable
        self.retry_after = retry_after


def check_answer(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A ``requests`` response hook for OSMnx's requests: raise :class:`Fault` for a 429 or
    5xx (OSMnx itself would sleep 55 s and retry a 429/504 forever), for a 200 whose body is
    not JSON (OSMnx would take it for an empty answer) and for an Overpass answer with a
    ``remark`` (OSMnx would return the incomplete data). For Nominatim also for a 4xx and for
    a 200 that is not a list (OSMnx would take either for "place not found"). Other 4xx go on
    to OSMnx."""
    status = response.status_code
    if status == 429 or status >= 500:
        after = retry_after(response.headers.get("Retry-After")) if status == 429 else None
        raise Fault(f"answered HTTP {status} {response.reason}", retryable=True, retry_after=after,
                    response=response)
    if 400 <= status < 500 and _is_nominatim(response.url):
        # OSMnx would take Nominatim's JSON error body for "0 results" (a place not found)
        raise Fault(f"refused the request: HTTP {status} {response.reason}"
                    f"{_nominatim_error(response)}", retryable=False, response=response)
    if status != 200 or urlparse(response.url).path.endswith("/status"):
        return
    try:
        answer = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Fault(f"sent an answer that is not valid JSON (cut short?): {exc}", retryable=True,
                    response=response) from None
    if not isinstance(answer, list) and _is_nominatim(response.url):
        # OSMnx would take it for "0 results" (a place not found)
        raise Fault(f"sent an answer that is not a list of places (a {type(answer).__name__}"
                    f"{_nominatim_error(response)})", retryable=False, response=response)
    if isinstance(answer, dict) and "remark" in answer:
        raise Fault(f"remarked that the query did not complete: "
                    f"{short(Exception(answer['remark']))!r}",
                    retryable=False, response=response)


def _is_nominatim(url: str) -> bool:
    """Whether ``url`` is a request to the Nominatim server of the running fetch."""
    import osmnx as ox

    return url.startswith(ox.settings.nominatim_url.rstrip("/") + "/")


def _nominatim_error(response: requests.Response) -> str:
    """``": <message>"`` of Nominatim's JSON error body (``{"error": {"message": ...}}`` or
    ``{"error": "..."}``), else ``""``."""
    try:
        error = json.loads(response.content).get("error")
    except (AttributeError, UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(error, dict):
        error = error.get("message")
    return f": {short(Exception(error))}" if error else ""


@dataclass(frozen=True)
class Retry:
    """How :func:`with_retries` retries (see :func:`~.osm_live.fetch_osm`). With
    ``overpass_url``, a 429 without ``Retry-After`` waits for the slot that the server's
    status endpoint announces (:func:`overpass_slot_wait`)."""

    retries: int
    backoff: float
    cache_folder: Path
    overpass_url: str | None = None


def with_retries(call: Callable[[], Any], retry: Retry) -> Any:
    """``call()`` (an OSMnx download), again after a retryable :class:`Fault` or a connection
    dropped mid-answer, and once more after deleting cache files that do not parse. A request
    that made no connection (:func:`unreachable`) or timed out is not retried."""
    attempt = 0
    cleaned = False
    while True:
        try:
            return call()
        except (json.JSONDecodeError, UnicodeDecodeError):
            # only OSMnx's own cache read lets these through (answers pass check_answer)
            if cleaned or not drop_broken_cache_files(retry.cache_folder):
                raise
            cleaned = True
        except (Fault, requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as exc:
            transient = (exc.retryable if isinstance(exc, Fault)
                         else not isinstance(exc, requests.exceptions.Timeout)
                         and unreachable(exc) is None)
            if not transient or attempt >= retry.retries:
                if transient and retry.retries:
                    exc.attempts = attempt + 1  # type: ignore[union-attr]
                raise
            after = exc.retry_after if isinstance(exc, Fault) else None
            if (after is None and retry.overpass_url and isinstance(exc, Fault)
                    and exc.response is not None and exc.response.status_code == 429):
                after = overpass_slot_wait(retry.overpass_url)
            time.sleep(after if after is not None else retry.backoff * 2**attempt)
            attempt += 1


_SLOT = re.compile(r"Slot available after: \S+, in (-?\d+) seconds?\.")


def overpass_slot_wait(overpass_url: str) -> float | None:
    """Seconds until the Overpass server at ``overpass_url`` has a free slot for this client,
    from its ``/status`` endpoint (0 when a slot is free now, at most 300), or None when the
    endpoint cannot be reached in a few seconds or says nothing about slots."""
    try:
        answer = requests.get(overpass_url.rstrip("/") + "/status", timeout=(3.0, 10.0))
    except requests.exceptions.RequestException:
        return None
    if answer.status_code != 200:
        return None
    text = answer.text
    waits = [max(float(m), 0.0) for m in _SLOT.findall(text)]
    if waits:
        return min(min(waits), 300.0)
    free = re.search(r"^(\d+) slots? available now", text, re.MULTILINE)
    return 0.0 if free and int(free.group(1)) > 0 else None


def osmnx_errors() -> tuple[type[Exception], type[Exception]]:
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    return InsufficientResponseError, ResponseStatusCodeError


def server_error(url: str, what: str, exc: BaseException) -> InputError:
    """The one-line :class:`InputError` for a request to the ``what`` server at ``url`` that
    ended in ``exc`` (after :func:`with_retries`)."""
    attempts = getattr(exc, "attempts", None)
    after = f" (after {attempts} attempts)" if attempts else ""
    if isinstance(exc, Fault) and not exc.retryable and what == "Nominatim":
        problem = (f"the Nominatim server {exc.problem}; check nominatim_url= and the server's "
                   "usage policy, or give polygon= or bbox=")
    elif isinstance(exc, Fault) and not exc.retryable:
        problem = (f"the {what} server {exc.problem}; the answer is incomplete: use a smaller "
                   "area or buffer_m, or give another server URL")
    elif isinstance(exc, Fault):
        problem = (f"the {what} server {exc.problem}{after}; it is busy or down: try again "
                   "later or give another server URL")
    elif unreachable(exc) is not None:
        problem = unreachable_problem(url, what, exc)
    elif isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                          requests.exceptions.ConnectionError)) and _mid_answer(exc):
        problem = (f"the {what} server dropped the connection mid-answer{after}; it is busy or "
                   "down: try again later or give another server URL")
    elif isinstance(exc, requests.exceptions.Timeout):
        proxy = proxy_for(url)
        through, check = ((f" through the proxy {proxy[0]} ({proxy[1]})", "check the proxy, ")
                          if proxy else ("", ""))
        problem = (f"the {what} server did not answer in time{through} ({short(exc)}); "
                   f"{check}try again later or raise timeout= (--timeout)")
    elif isinstance(exc, requests.exceptions.RequestException):
        problem = (f"cannot reach the {what} server ({type(exc).__name__}){after}; check the "
                   f"internet connection or proxy, or give another server URL; {OFFLINE_ADVICE}")
    else:
        proxy = proxy_for(url)
        through = (f" (through the proxy {proxy[0]} ({proxy[1]}): check it too)" if proxy
                   else "")
        problem = f"the {what} server answered with an error{through}: {short(exc)}"
    return InputError(url, problem)


def _mid_answer(exc: BaseException) -> bool:
    """Whether a connection error happened after the server had accepted the connection."""
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return True
    text = str(exc)
    return "Connection aborted" in text or "Connection broken" in text or "reset" in text


# --------------------------------------------------------------------------------------------
# PDOK OGC API Features (GeoJSON pages)


def parse_page(body: bytes, url: str) -> dict[str, Any]:
    try:
        page = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(url, f"the answer is not valid JSON (cut short?): {exc}") from None
    if not isinstance(page, dict) or not isinstance(page.get("features"), list):
        raise InputError(url, "the answer is no GeoJSON FeatureCollection (no 'features' list)")
    return page


def cached_page(entry: Path, url: str) -> dict[str, Any] | None:
    """The cached page of ``url``, or None when there is none; a cache file that does not
    parse (cut short, overwritten) is deleted, so the page is fetched again."""
    try:
        body = entry.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return parse_page(body, url)
    except InputError:
        entry.unlink(missing_ok=True)
        return None


def get_page(
    session: requests.Session, url: str, *, retries: int, timeout: float, backoff: float
) -> bytes:
    """GET ``url`` and return a body that parses as a FeatureCollection; retry on 429 (after
    Retry-After), 5xx, connections dropped or timed out during the answer and bodies cut
    short; fail at once when no connection is made (:func:`unreachable`)."""
    problem = ""
    for attempt in range(retries + 1):
        wait = backoff * 2**attempt
        try:
            resp = session.get(url, timeout=timeouts(timeout),
                               headers={"Accept": "application/geo+json"})
        except requests.RequestException as exc:
            if unreachable(exc) is not None:  # no connection made: not worth retrying
                raise InputError(url, unreachable_problem(url, "PDOK", exc)) from None
            problem = f"request failed: {exc.__class__.__name__}: {exc}"
        else:
            if resp.status_code == 200:
                try:
                    parse_page(resp.content, url)
                    return resp.content
                except InputError as exc:
                    problem = exc.problem
            elif resp.status_code == 429 or resp.status_code >= 500:
                problem = f"HTTP {resp.status_code} {resp.reason}"
                after = retry_after(resp.headers.get("Retry-After"))
                if resp.status_code == 429 and after is not None:
                    wait = after
            else:
                raise InputError(url, f"HTTP {resp.status_code} {resp.reason}: "
                                 f"{resp.text[:200]!r}")
        if attempt < retries:
            time.sleep(wait)
    raise InputError(url, f"{problem} (after {retries + 1} attempts); the server is busy, "
                     "down or unreachable: try again later (or raise timeout=)")


def fetch_pages(
    url: str, *, cache: Path, use_cache: bool, retries: int, timeout: float, backoff: float
) -> tuple[list[dict[str, Any]], int, Any]:
    """Follow the ``links[rel=next]`` of the GeoJSON pages from ``url``, each page from the
    cache in ``cache`` (one file per URL) or by :func:`get_page` (then cached, when
    ``use_cache``). Returns the features of all pages, the number of pages and the
    ``timeStamp`` of the first page."""
    features: list[dict[str, Any]] = []
    pages = 0
    time_stamp = None
    seen: set[str] = set()
    next_url: str | None = url
    with requests.Session() as session:
        while next_url:
            if next_url in seen:
                raise InputError(next_url, "the 'next' links loop back to a page already read")
            seen.add(next_url)
            entry = cache / (hashlib.sha256(next_url.encode()).hexdigest() + ".json")
            page = cached_page(entry, next_url) if use_cache else None
            if page is None:
                body = get_page(session, next_url, retries=retries, timeout=timeout,
                                backoff=backoff)
                if use_cache:
                    atomic_write(entry, body)
                page = parse_page(body, next_url)
            if pages == 0:
                time_stamp = page.get("timeStamp")
            pages += 1
            features.extend(page["features"])
            next_url = next((link.get("href") for link in page.get("links", [])
                             if isinstance(link, dict) and link.get("rel") == "next"), None)
    return features, pages, time_stamp
