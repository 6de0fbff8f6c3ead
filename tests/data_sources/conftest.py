"""Fixtures for the data-source tests.

* Paths of the small real-data fixtures in ``tests/data/`` (see ``tests/data/README.md``).
* ``osm_xml_oracle``: an independent reading of the fixture's OSM XML with the standard library,
  from which the tests derive what the readers must return (street pieces, POI tags).
* ``osm_server``: a local HTTP server (127.0.0.1, free port, stdlib ``http.server`` in a thread)
  that answers OSMnx's Nominatim and Overpass requests with the stored responses, or with
  answers a test gives (``osm_server(network=..., features=...)``, e.g. made from an OSM XML
  fixture by :func:`overpass_answers`). Nothing in these tests reaches the internet.
* Fault injection on every local server (:meth:`LocalHttpServer.add_fault`): a delay longer
  than the client's timeout, 429 + Retry-After, 5xx, a JSON body cut short, a connection reset
  after part of the body, an Overpass answer with a ``remark``.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
BUNDLED_GPKG = Path(__file__).resolve().parents[2] / "data" / "kanaleneiland.gpkg"
#: The query string the stored Nominatim answer belongs to (see make_test_fixtures.py).
PLACE_QUERY = "Kanaleneiland testvenster, Utrecht"
#: The fixture window in EPSG:28992 (see make_test_fixtures.py).
WINDOW_RD = (134600.0, 453850.0, 135000.0, 454250.0)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open a network connection other than to this machine."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]  # type: ignore[index]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise OSError(f"a test tried to connect to {address}; tests must stay offline")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def bundled_gpkg() -> Path:
    return BUNDLED_GPKG


@pytest.fixture(scope="session")
def window_rd() -> tuple[float, float, float, float]:
    return WINDOW_RD


@pytest.fixture(scope="session")
def place_query() -> str:
    return PLACE_QUERY


# --------------------------------------------------------------------------------------------
# an independent reading of an OSM XML file


@dataclass
class OsmXml:
    """Nodes, ways and relations of an OSM XML file, read with ElementTree."""

    nodes: dict[int, tuple[float, float, dict[str, str]]]  # id -> (lon, lat, tags)
    ways: dict[int, tuple[list[int], dict[str, str]]]  # id -> (node refs, tags)
    relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = field(
        default_factory=dict
    )

    def street_pieces(self, way_ids: set[int] | None = None) -> list[tuple[int, list[int]]]:
        """The highway ways (or ``way_ids``) split at nodes they share: what noding must give.

        A node splits a way when it occurs more than once among the chosen ways (a closed
        way's repeated end node counts once).
        """
        chosen = {w: v for w, v in self.ways.items()
                  if "highway" in v[1] and (way_ids is None or w in way_ids)}
        uses: Counter[int] = Counter()
        for refs, _ in chosen.values():
            uses.update(refs[:-1] if refs[0] == refs[-1] else refs)
        pieces = []
        for wid, (refs, _) in sorted(chosen.items()):
            start = 0
            for i in range(1, len(refs) - 1):
                if uses[refs[i]] >= 2:
                    pieces.append((wid, refs[start:i + 1]))
                    start = i
            pieces.append((wid, refs[start:]))
        return pieces

    def poi_pairs(self, poi_tags: dict[str, object]) -> set[tuple[str, str]]:
        """(``N/W/R<id>``, ``key=value``) for every POI tag of every object."""

        def wanted(key: str, value: str) -> bool:
            rule = poi_tags.get(key)
            return rule is True or (isinstance(rule, tuple) and value in rule)

        pairs = set()
        for letter, objects in (("N", self.nodes), ("W", self.ways), ("R", self.relations)):
            for oid, obj in objects.items():
                tags = obj[-1]
                pairs |= {(f"{letter}{oid}", f"{k}={v}") for k, v in tags.items() if wanted(k, v)}
        return pairs


def read_osm_xml(path: Path) -> OsmXml:
    root = ET.parse(path).getroot()

    def tags(el: ET.Element) -> dict[str, str]:
        return {t.get("k"): t.get("v") for t in el.findall("tag")}

    nodes = {int(n.get("id")): (float(n.get("lon")), float(n.get("lat")), tags(n))
             for n in root.findall("node")}
    ways = {int(w.get("id")): ([int(nd.get("ref")) for nd in w.findall("nd")], tags(w))
            for w in root.findall("way")}
    relations = {
        int(r.get("id")): (
            [(m.get("type"), int(m.get("ref")), m.get("role")) for m in r.findall("member")],
            tags(r),
        )
        for r in root.findall("relation")
    }
    return OsmXml(nodes, ways, relations)


@pytest.fixture(scope="session")
def osm_xml_oracle(data_dir: Path) -> OsmXml:
    return read_osm_xml(data_dir / "kanaleneiland_window.osm")


@pytest.fixture(scope="session")
def read_osm_xml_file() -> Callable[[Path], OsmXml]:
    return read_osm_xml


def overpass_answers(osm: OsmXml, *, keep_way: Callable[[dict[str, str]], bool] | None = None
                     ) -> dict[str, bytes]:
    """An OSM file as the Overpass API's JSON answers (``elements`` with ``node`` and ``way``
    objects, nodes first, by id) to OSMnx's two queries, as a recording would hold them:

    ``network``
        every way with a ``highway`` tag (and ``keep_way(tags)``, e.g. an Overpass filter)
        and the nodes it references;
    ``features``
        every tagged node, every tagged way without a ``highway`` tag, and every relation,
        with their member ways and nodes.

    Nodes a way references but the file lacks are left out (Overpass would send them)."""

    def answer(way_ids: list[int], node_ids: set[int], relation_ids: list[int] = ()) -> bytes:
        relation_elements = []
        for rid in sorted(relation_ids):
            members, tags = osm.relations[rid]
            members = [(t, r, role) for t, r, role in members
                       if r in (osm.ways if t == "way" else osm.nodes)]
            way_ids = sorted(set(way_ids) | {r for t, r, _ in members if t == "way"})
            node_ids |= {r for t, r, _ in members if t == "node"}
            relation_elements.append({"type": "relation", "id": rid, "tags": tags, "members": [
                {"type": t, "ref": r, "role": role} for t, r, role in members]})
        for wid in way_ids:
            node_ids |= {r for r in osm.ways[wid][0] if r in osm.nodes}
        elements: list[dict[str, Any]] = []
        for nid in sorted(node_ids):
            lon, lat, tags = osm.nodes[nid]
            elements.append({"type": "node", "id": nid, "lat": lat, "lon": lon,
                             **({"tags": tags} if tags else {})})
        for wid in sorted(way_ids):
            refs, tags = osm.ways[wid]
            elements.append({"type": "way", "id": wid, "nodes": refs, "tags": tags})
        elements += relation_elements
        return json.dumps({"version": 0.6, "generator": "tests/data_sources/conftest.py",
                           "osm3s": {"timestamp_osm_base": "2026-01-01T00:00:00Z"},
                           "elements": elements}).encode()

    streets = [w for w, (_, tags) in osm.ways.items()
               if "highway" in tags and (keep_way is None or keep_way(tags))]
    features = [w for w, (_, tags) in osm.ways.items() if tags and "highway" not in tags]
    tagged = {n for n, (_, _, tags) in osm.nodes.items() if tags}
    return {"network": answer(streets, set()),
            "features": answer(features, tagged, list(osm.relations))}


# --------------------------------------------------------------------------------------------
# a local stand-in for Nominatim and Overpass

#: The first lines of an Overpass ``/api/status`` answer; line 5 tells OSMnx that a slot is free.
_STATUS = (
    "Connected as: 2130706433\n"
    "Current time: 2025-11-03T12:00:00Z\n"
    "Announced endpoint: none\n"
    "Rate limit: 2\n"
    "2 slots available now.\n"
    "Currently running queries (pid, space limit, time limit, start time):\n"
)


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


#: An Overpass answer that ran out of memory: valid JSON, incomplete elements, a remark.
OVERPASS_REMARK = json.dumps({
    "version": 0.6, "generator": "Overpass API 0.7.62",
    "osm3s": {"timestamp_osm_base": "2025-11-03T12:00:00Z"},
    "elements": [{"type": "node", "id": 1, "lat": 52.07, "lon": 5.1}],
    "remark": "runtime error: Query run out of memory using about 2048 MB of RAM.",
}).encode()
#: A JSON body cut short halfway through an element.
TRUNCATED_JSON = b'{"version": 0.6, "elements": [{"type": "node", "id": 1, "lat": 52.0'


@dataclass
class Fault:
    """A fault the server gives to the next ``times`` requests (None: every request) whose path
    starts with ``path``. ``kind``: ``"delay"`` (sleep ``seconds``, then the normal answer),
    ``"status"`` (``status`` with ``headers``, e.g. 429 + Retry-After, or 5xx), ``"truncated"``
    (200, a JSON body cut short, a right Content-Length), ``"reset"`` (200 announcing a long
    body, part of it, then a TCP reset), ``"remark"`` (200, :data:`OVERPASS_REMARK`). The
    first ``skip`` matching requests are answered normally."""

    path: str
    kind: str
    times: int | None = 1
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 1.0
    skip: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up (timeouts) and injected resets are expected


class LocalHttpServer:
    """A threaded HTTP server on ``127.0.0.1`` (a free port) for the stand-ins below and in
    the test modules: :meth:`_serve` starts it with a handler class, :meth:`stop` ends it.

    :meth:`add_fault` makes it inject a :class:`Fault` before the handler's normal answer;
    ``faults_given`` lists ``(kind, path)`` of every fault given."""

    running = False

    def add_fault(self, path: str, kind: str, **kwargs: Any) -> Fault:
        fault = Fault(path, kind, **kwargs)
        with self._fault_lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, path: str) -> Fault | None:
        with self._fault_lock:
            for fault in self.faults:
                if not path.startswith(fault.path):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.times is None or fault.times > 0:
                    if fault.times is not None:
                        fault.times -= 1
                    self.faults_given.append((fault.kind, path))
                    return fault
        return None

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.faults: list[Fault] = []
        self.faults_given: list[tuple[str, str]] = []
        self._fault_lock = threading.Lock()
        server = self

        class Faulty(handler):  # type: ignore[valid-type,misc]
            def _fault(self) -> bool:
                """Give an injected fault; True when the answer is done."""
                fault = server._take_fault(urlparse(self.path).path)
                if fault is None:
                    return False
                if fault.kind == "delay":
                    time.sleep(fault.seconds)
                    return False  # then the normal answer, to a client that has given up
                length = int(self.headers.get("Content-Length", 0) or 0)
                if length:
                    self.rfile.read(length)
                if fault.kind == "status":
                    body = f'{{"error": "injected {fault.status}"}}'.encode()
                    self._raw(fault.status, body, fault.headers)
                elif fault.kind == "truncated":
                    self._raw(200, TRUNCATED_JSON, {})
                elif fault.kind == "remark":
                    self._raw(200, OVERPASS_REMARK, {})
                elif fault.kind == "reset":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(TRUNCATED_JSON)
                    self.wfile.flush()
                    time.sleep(0.05)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                else:
                    raise ValueError(f"unknown fault kind {fault.kind!r}")
                return True

            def _raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if not self._fault():
                    super().do_GET()

            def do_POST(self) -> None:
                if not self._fault():
                    super().do_POST()

        self._httpd = _Server(("127.0.0.1", 0), Faulty)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self.running = False


class LocalOsmServer(LocalHttpServer):
    """Serve the stored Nominatim and Overpass answers on ``http://127.0.0.1:<port>``.

    ``nominatim_url`` and ``overpass_url`` are the base URLs to hand to ``fetch_osm``.
    ``requests`` lists ``(method, path, query-or-form)`` of every request received.
    ``network`` / ``features``: the Overpass answers (JSON bytes) to the network query
    (recognised by ``way["highway"]`` in it) and to every other query; default the stored
    Kanaleneiland answers.
    ``overpass_error`` makes ``/api/interpreter`` answer with Overpass's HTML error page.
    """

    def __init__(self, data_dir: Path, *, overpass_error: bool = False,
                 network: bytes | None = None, features: bytes | None = None) -> None:
        self.network = network or (data_dir / "overpass_network.json").read_bytes()
        self.features = features or (data_dir / "overpass_features.json").read_bytes()
        self.search = (data_dir / "nominatim_search.json").read_bytes()
        self.overpass_error = overpass_error
        self.requests: list[tuple[str, str, str]] = []
        server = self

        class Handler(QuietHandler):
            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                server.requests.append(("GET", url.path, url.query))
                if url.path == "/nominatim/search":
                    query = parse_qs(url.query)
                    found = query.get("q") == [PLACE_QUERY]
                    self._send(200, server.search if found else b"[]", "application/json")
                elif url.path == "/api/status":
                    self._send(200, _STATUS.encode(), "text/plain")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                query = form.get("data", [""])[0]
                server.requests.append(("POST", self.path, query))
                if self.path != "/api/interpreter":
                    self._send(404, b"not found", "text/plain")
                elif server.overpass_error:
                    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<html><body><p><strong '
                            b'style="color:#FF0000">Error</strong>: line 1: parse error: '
                            b"unknown query</p></body></html>")
                    self._send(400, body, "text/html")
                elif 'way["highway"]' in query:
                    self._send(200, server.network, "application/json")
                else:
                    self._send(200, server.features, "application/json")

        self._serve(Handler)
        self.nominatim_url = f"http://127.0.0.1:{self.port}/nominatim/"
        self.overpass_url = f"http://127.0.0.1:{self.port}/api"


@pytest.fixture
def osm_server(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., LocalOsmServer]]:
    """Factory: ``osm_server()`` starts a :class:`LocalOsmServer`; all are stopped at the end."""
    # a proxy from the environment must not catch requests to the local server
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    started: list[LocalOsmServer] = []

    def start(**kwargs: Any) -> LocalOsmServer:
        server = LocalOsmServer(data_dir, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


#: The box (RD New) the stored PDOK pages (tests/data/bag_ogc_page1/2.json) answer for.
AREA = (206200.0, 447300.0, 206400.0, 447600.0)


class PdokStandIn(LocalHttpServer):
    """Answers ``/ogc/collections/verblijfsobject/items`` with the two stored pages.

    ``plan`` is a list of ``(status, headers, body)`` answers given to the first requests
    before the pages; ``always`` (status, body) answers every request; ``cut_page2`` cuts the
    second page short (valid HTTP, JSON ending halfway).
    """

    def __init__(self) -> None:
        self.plan: list[tuple[int, dict[str, str], bytes]] = []
        self.always: tuple[int, bytes] | None = None
        self.cut_page2 = False
        self.requests: list[str] = []
        stand_in = self

        class Handler(QuietHandler):
            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/geo+json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                stand_in.requests.append(self.path)
                url = urlparse(self.path)
                if stand_in.always is not None:
                    self._send(stand_in.always[0], stand_in.always[1], {})
                    return
                if stand_in.plan:
                    status, headers, body = stand_in.plan.pop(0)
                    self._send(status, body, headers)
                    return
                if url.path != "/ogc/collections/verblijfsobject/items":
                    self._send(404, b'{"detail": "not found"}', {})
                    return
                second = "cursor" in parse_qs(url.query)
                text = (DATA / f"bag_ogc_page{2 if second else 1}.json").read_text("utf-8")
                body = text.replace("{base}", stand_in.base_url).encode()
                if second and stand_in.cut_page2:
                    body = body[: len(body) // 2]
                self._send(200, body, {})

        self._serve(Handler)
        self.base_url = f"http://127.0.0.1:{self.port}/ogc"


@pytest.fixture
def pdok(monkeypatch: pytest.MonkeyPatch) -> Iterator[PdokStandIn]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = PdokStandIn()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def overpass_elements(data_dir: Path) -> dict[str, list[dict]]:
    """The stored Overpass answers' elements: ``{"network": [...], "features": [...]}``."""
    return {
        name: json.loads((data_dir / f"overpass_{name}.json").read_text("utf-8"))["elements"]
        for name in ("network", "features")
    }
