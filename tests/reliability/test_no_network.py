"""No network (issue 19): a live fetch (``--place``/``--bbox``) that cannot reach its server
ends within seconds in ONE line ``wijkkracht: error: ...`` (exit code 1) that names the
server's URL, the proxy when one is set, and what to do -- instead of minutes of OSMnx's
60-s status pauses and retries with backoff.

Every case runs ``python -m wijkkracht`` in a fresh process (:func:`.cli_support.
fails_in_process`), with an empty ``--cache-dir`` (no cached answer may help) and the output
folder left as it was. Nothing reaches the internet: the servers are a closed local port (a
port bound, then released), a local proxy that refuses with ``403 Forbidden``, and a local
"black hole" that accepts connections and never answers. (With the proxy cases the default,
real URLs are used, so the proxy is what fails: OSMnx still looks up the Overpass host name
in DNS before its request -- a lookup, not a connection.)

The black hole shows the one wait that stays: a server that accepts the connection gets the
read timeout (``--timeout``, default 180 s, as a big Overpass query needs), not the connect
timeout of 8 s; here ``--timeout 2``.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from wijkkracht.data_sources import http
from wijkkracht.data_sources.osm_live import DEFAULT_NOMINATIM_URL, DEFAULT_OVERPASS_URL

from .cli_support import Failure, fails, fails_in_process

#: The bound the issue sets: a user without internet knows within 15 s.
LIMIT_S = 15.0
BBOX = "5.0950,52.0700,5.1000,52.0730"
PLACE = "Kanaleneiland, Utrecht"
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy",
              "all_proxy")
OFFLINE = "use local files (--streets/--pois"


def _closed_port() -> int:
    """A local port with nothing listening: bound to find a free one, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_proxy_env() -> dict[str, str]:
    """No proxy from the environment of the test run (requests ignores empty values)."""
    return {**dict.fromkeys(PROXY_VARS, ""), "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost"}


def _proxy_env(proxy: str) -> dict[str, str]:
    """Every request through ``proxy``; NO_PROXY empty, so nothing (not even 127.0.0.1) is
    let past it. (Both spellings: an empty ``https_proxy`` would cancel ``HTTPS_PROXY``.)"""
    return {**_no_proxy_env(), "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy,
            "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}


@pytest.fixture
def case(tmp_path: Path) -> dict[str, Path]:
    """An empty cache folder, a per-user cache folder of its own and an output folder with one
    file of the user's in it (it must be left as it was)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("the user's own file\n", encoding="utf-8")
    return {"cache": tmp_path / "cache", "xdg": tmp_path / "xdg", "out": out}


def _live(case: dict[str, Path], *extra: str) -> list[str]:
    return ["run", *extra, "--cache-dir", str(case["cache"]), "--out", str(case["out"])]


def _fails_fast(argv: list[str], case: dict[str, Path], env: dict[str, str],
                *expected: str) -> Failure:
    failure = fails_in_process(argv, case["out"], *expected, env={
        **env, "XDG_CACHE_HOME": str(case["xdg"])}, timeout=60)
    assert failure.seconds < LIMIT_S, (failure.seconds, failure.line)
    assert "Traceback" not in failure.stderr
    # no answer was cached (there was none)
    assert not any(case["cache"].glob("*.json")), sorted(case["cache"].iterdir())
    print(f"{failure.seconds:.1f} s: {failure.line}")  # the measured time, with -s
    return failure


# --------------------------------------------------------------------------------------------
# local servers


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _RefusingProxy(_Quiet):
    """A proxy that accepts the connection and refuses every request and tunnel: 403."""

    def _refuse(self) -> None:
        body = b"access denied by policy\n"
        self.send_response(403, "Forbidden")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    do_CONNECT = do_GET = do_POST = _refuse  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up are expected


@pytest.fixture
def refusing_proxy() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _RefusingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _BlackHole(socketserver.BaseRequestHandler):
    """Accepts the connection, reads what comes and never answers (until the client gives up
    or the server stops)."""

    def handle(self) -> None:
        self.request.settimeout(0.2)
        while not self.server.stopping.is_set():  # type: ignore[attr-defined]
            try:
                if not self.request.recv(65536):
                    return
            except TimeoutError:
                continue
            except OSError:
                return


@pytest.fixture
def black_hole() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _BlackHole)
    server.daemon_threads = True
    server.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.stopping.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------------------------
# the command line, in a fresh process


def test_bbox_with_overpass_at_a_closed_port(case: dict[str, Path]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    failure = _fails_fast(_live(case, "--bbox", BBOX, "--overpass-url", url), case,
                          _no_proxy_env(), f"{url}: cannot reach the Overpass server: "
                          "connection refused", "check the internet connection", OFFLINE,
                          "--cache-dir")
    assert "proxy http" not in failure.line


def test_place_with_nominatim_at_a_closed_port(case: dict[str, Path]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    _fails_fast(_live(case, "--place", PLACE, "--nominatim-url", url), case, _no_proxy_env(),
                f"{url}: cannot reach the Nominatim server: connection refused",
                "check the internet connection", OFFLINE)


def test_host_name_not_found(case: dict[str, Path]) -> None:
    """What a machine without internet meets first: no DNS. (``.invalid`` never resolves.)"""
    url = "http://overpass.invalid/api"
    _fails_fast(_live(case, "--bbox", BBOX, "--overpass-url", url), case, _no_proxy_env(),
                f"{url}: cannot reach the Overpass server: host name overpass.invalid not "
                "found", "check the internet connection", OFFLINE)


@pytest.mark.parametrize("where", ["--bbox", "--place"])
def test_proxy_at_a_closed_port(case: dict[str, Path], where: str) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}"
    # the password of the proxy must not be shown
    env = _proxy_env(proxy.replace("http://", "http://someone:s3cret@"))
    argv = _live(case, where, BBOX if where == "--bbox" else PLACE)
    server, url = (("Overpass", DEFAULT_OVERPASS_URL) if where == "--bbox"
                   else ("Nominatim", DEFAULT_NOMINATIM_URL))
    failure = _fails_fast(argv, case, env, f"{url}: cannot reach the {server} server "
                          f"through the proxy {proxy} (HTTPS_PROXY): the proxy: connection "
                          "refused", "check the proxy setting", OFFLINE)
    assert "s3cret" not in failure.stderr and "someone" not in failure.stderr


@pytest.mark.parametrize("where", ["--bbox", "--place"])
def test_proxy_that_refuses_with_403(case: dict[str, Path], refusing_proxy: str,
                                     where: str) -> None:
    argv = _live(case, where, BBOX if where == "--bbox" else PLACE)
    server = "Overpass" if where == "--bbox" else "Nominatim"
    _fails_fast(argv, case, _proxy_env(refusing_proxy),
                f"cannot reach the {server} server through the proxy {refusing_proxy} "
                "(HTTPS_PROXY): the proxy answered 403 Forbidden", "check the proxy setting",
                OFFLINE)


def test_proxy_that_refuses_plain_http_with_403(case: dict[str, Path],
                                                refusing_proxy: str) -> None:
    """An http:// server behind the proxy: the proxy's 403 comes as the answer itself."""
    url = "http://overpass.example/api"  # never resolved: the proxy answers for it
    _fails_fast(_live(case, "--bbox", BBOX, "--overpass-url", url), case,
                _proxy_env(refusing_proxy), f"{url}: the Overpass server answered with an "
                f"error (through the proxy {refusing_proxy} (HTTP_PROXY): check it too)",
                "403 Forbidden")


def test_black_hole_gets_the_read_timeout(case: dict[str, Path], black_hole: str) -> None:
    """A server that accepts and never answers is given the read timeout (--timeout), not cut
    off after the connect timeout: a slow Overpass is still a working one."""
    url = f"{black_hole}/api"
    failure = _fails_fast(_live(case, "--bbox", BBOX, "--overpass-url", url, "--timeout", "2"),
                          case, _no_proxy_env(), f"{url}: the Overpass server did not answer "
                          "in time", "read timeout=2", "raise timeout= (--timeout)")
    assert failure.seconds >= 2


# --------------------------------------------------------------------------------------------
# the new options, checked before any request (in this process: fast)


@pytest.mark.parametrize(("argv", "expected"), [
    (["--overpass-url", "ftp://127.0.0.1/api"], "the Overpass URL (--overpass-url) must be an "
                                                 "http:// or https:// URL"),
    (["--overpass-url", "overpass-api.de/api"], "--overpass-url"),
    (["--nominatim-url", "http://:80/"], "the Nominatim URL (--nominatim-url)"),
    (["--overpass-url", "http://127.0.0.1:99999/api"], "a port from 1 to 65535"),
    (["--timeout", "0"], "timeout (--timeout) must be a number of seconds > 0"),
    (["--timeout", "nan"], "timeout (--timeout) must be a number of seconds > 0"),
    (["--timeout", "-5"], "got -5.0"),
], ids=["scheme", "no-scheme", "no-host", "port", "zero", "nan", "negative"])
def test_bad_server_option(case: dict[str, Path], capsys, argv: list[str],
                           expected: str) -> None:
    fails(_live(case, "--bbox", BBOX, *argv), capsys, case["out"], expected)


# --------------------------------------------------------------------------------------------
# the pieces, in this process


def test_connect_is_bounded_and_the_read_timeout_is_not() -> None:
    assert http.timeouts(180) == (http.CONNECT_TIMEOUT, 180)
    assert http.timeouts(2) == (2, 2)
    assert http.CONNECT_TIMEOUT + 5 < LIMIT_S  # startup and the 1-s Nominatim pause fit
    with http.osmnx_settings(cache_folder=Path("unused"), overpass_url=DEFAULT_OVERPASS_URL,
                             nominatim_url=DEFAULT_NOMINATIM_URL, timeout=180.0) as ox:
        assert ox.settings.requests_timeout == (http.CONNECT_TIMEOUT, 180.0)
        assert ox.settings.overpass_rate_limit is False
        assert ox.settings.doh_url_template is None
        # the query's time limit in whole seconds, as before (the same cache keys)
        assert ox._overpass._make_overpass_settings() == "[out:json][timeout:180]"  # noqa: SLF001


def test_slow_but_working_server_gets_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer that comes after more than the connect timeout is still taken."""

    class Slow(_Quiet):
        def do_GET(self) -> None:  # noqa: N802
            time.sleep(1.0)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

    server = _Server(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(http, "CONNECT_TIMEOUT", 0.3)
    try:
        answer = requests.get(f"http://127.0.0.1:{server.server_address[1]}/",
                              timeout=http.timeouts(10), proxies={"http": ""})
        assert answer.json() == []
    finally:
        server.shutdown()
        server.server_close()


def test_no_connection_is_not_retried(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    calls = []

    def call() -> None:
        calls.append(1)
        requests.get(url, timeout=http.timeouts(5), proxies={"http": ""})

    start = time.monotonic()
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        http.with_retries(call, http.Retry(retries=3, backoff=5.0, cache_folder=tmp_path))
    assert len(calls) == 1 and time.monotonic() - start < 2
    assert http.unreachable(info.value) == "connection refused"
    message = str(http.server_error(url, "Overpass", info.value))
    assert message.startswith(f"{url}: cannot reach the Overpass server: connection refused")
    assert "(after" not in message


@pytest.mark.parametrize(("status", "expected"), [
    ("Rate limit: 2\nSlot available after: 2025-11-03T12:00:07Z, in 7 seconds.\n"
     "Slot available after: 2025-11-03T12:00:03Z, in 3 seconds.\n", 3.0),
    ("Rate limit: 2\n2 slots available now.\n", 0.0),
    ("Rate limit: 2\n0 slots available now.\n", None),
    ("Slot available after: 2025-11-03T12:00:07Z, in 9000 seconds.\n", 300.0),
    ("not a status page", None),
], ids=["slot", "free", "none-free", "capped", "garbage"])
def test_overpass_slot_wait(status: str, expected: float | None) -> None:
    class Status(_Quiet):
        def do_GET(self) -> None:  # noqa: N802
            body = status.encode()
            self.send_response(200 if self.path == "/api/status" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = _Server(("127.0.0.1", 0), Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in PROXY_VARS:
                patch.delenv(name, raising=False)
            assert http.overpass_slot_wait(f"http://127.0.0.1:{server.server_address[1]}/api"
                                           ) == expected
    finally:
        server.shutdown()
        server.server_close()


def test_overpass_slot_wait_without_a_server() -> None:
    start = time.monotonic()
    assert http.overpass_slot_wait(f"http://127.0.0.1:{_closed_port()}/api") is None
    assert time.monotonic() - start < 2


def test_proxy_for_hides_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "")
    assert http.proxy_for("https://overpass-api.de/api") is None
    monkeypatch.setenv("https_proxy", "http://me:pw@proxy.example:3128")
    assert http.proxy_for("https://overpass-api.de/api") == ("http://proxy.example:3128",
                                                             "https_proxy")
    monkeypatch.setenv("NO_PROXY", "overpass-api.de")
    assert http.proxy_for("https://overpass-api.de/api") is None
