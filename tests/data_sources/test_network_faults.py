"""Network faults from a real local HTTP server (``LocalHttpServer.add_fault`` in conftest.py)
through the real HTTP stack: Overpass and Nominatim via ``fetch_osm`` and OSMnx, PDOK via
``fetch_bag_ogc``.

For each fault: the outcome (success after a retry where a retry makes sense, else a one-line
``InputError`` naming the server and what to do), and that the cache holds nothing half or
faulty (every cache file parses; a following good answer is fetched and cached). A cache file
cut short is detected and fetched again. Backoff is 10 ms; Retry-After is 1 s. For Nominatim
also: a place it does not know is a one-line "cannot geocode it" (not retried), and a 4xx
refusal is not mistaken for that.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pytest
import shapely

from wijkkracht.core.errors import InputError
from wijkkracht.data_sources.bag import fetch_bag_ogc
from wijkkracht.data_sources.osm_live import fetch_osm

from .conftest import AREA, PdokStandIn

FAST = {"retries": 2, "backoff": 0.01}
INTERPRETER = "/api/interpreter"
ITEMS = "/ogc/collections/verblijfsobject/items"

# (kind, options) of the faults that a retry overcomes
TRANSIENT = [
    ("status", {"status": 429, "headers": {"Retry-After": "1"}}),
    ("status", {"status": 500}),
    ("status", {"status": 502}),
    ("status", {"status": 503}),
    ("status", {"status": 504}),
    ("truncated", {}),
    ("reset", {}),
]
IDS = ["429", "500", "502", "503", "504", "truncated", "reset"]


def _all_parse(folder: Path) -> list[Path]:
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in files:
        assert path.suffix == ".json", path
        json.loads(path.read_text("utf-8"))  # nothing half written
    return files


# --------------------------------------------------------------------------------------------
# Overpass through OSMnx


@pytest.fixture
def overpass(osm_server: Any, window_rd: tuple[float, ...]) -> Iterator[Any]:
    server = osm_server()
    rd = shapely.box(window_rd[0] + 100, window_rd[1] + 100, window_rd[2] - 100,
                     window_rd[3] - 100)
    server.area = gpd.GeoSeries([rd], crs=28992)
    yield server


def _osm(server: Any, cache: Path, **kwargs: Any) -> Any:
    return fetch_osm(polygon=server.area, buffer_m=50, cache_dir=cache,
                     overpass_url=server.overpass_url, nominatim_url=server.nominatim_url,
                     **{**FAST, **kwargs})


def _interpreter_posts(server: Any) -> int:
    return sum(1 for method, path, _ in server.requests if method == "POST"
               and path == INTERPRETER)


@pytest.mark.parametrize(("kind", "options"), TRANSIENT, ids=IDS)
def test_overpass_transient_fault_is_retried(overpass: Any, tmp_path: Path, kind: str,
                                             options: dict) -> None:
    overpass.add_fault(INTERPRETER, kind, **options)
    start = time.monotonic()
    result = _osm(overpass, tmp_path)
    assert len(result.streets) > 0 and len(result.pois) > 0
    assert overpass.faults_given == [(kind, INTERPRETER)]
    if options.get("status") == 429:
        assert time.monotonic() - start >= 1.0  # Retry-After honoured
    assert len(_all_parse(tmp_path)) == 2  # network and POI answers, both complete


@pytest.mark.parametrize(("kind", "options", "expect"), [
    ("status", {"status": 503}, "the Overpass server answered HTTP 503 Service Unavailable "
                                "(after 3 attempts); it is busy or down: try again later"),
    ("status", {"status": 429}, "the Overpass server answered HTTP 429 Too Many Requests "
                                "(after 3 attempts); it is busy or down: try again later"),
    ("truncated", {}, "the Overpass server sent an answer that is not valid JSON (cut short?)"),
    ("reset", {}, "the Overpass server dropped the connection mid-answer (after 3 attempts); "
                  "it is busy or down: try again later"),
], ids=["503", "429", "truncated", "reset"])
def test_overpass_persistent_fault_is_a_clear_error(overpass: Any, tmp_path: Path, kind: str,
                                                   options: dict, expect: str) -> None:
    overpass.add_fault(INTERPRETER, kind, times=None, **options)
    with pytest.raises(InputError) as info:
        _osm(overpass, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{overpass.overpass_url}: ") and "\n" not in message
    assert expect in message and "give another server URL" in message
    assert len(overpass.faults_given) == 3  # 1 + retries=2
    assert _all_parse(tmp_path) == []  # nothing cached
    overpass.faults.clear()
    assert len(_osm(overpass, tmp_path).streets) > 0
    assert len(_all_parse(tmp_path)) == 2


def test_overpass_timeout_is_not_retried(overpass: Any, tmp_path: Path) -> None:
    overpass.add_fault(INTERPRETER, "delay", seconds=1.5)
    with pytest.raises(InputError) as info:
        _osm(overpass, tmp_path, timeout=0.5)
    message = str(info.value)
    assert message.startswith(f"{overpass.overpass_url}: the Overpass server did not answer in "
                              "time") and "raise timeout=" in message and "\n" not in message
    assert len(overpass.faults_given) == 1
    assert _all_parse(tmp_path) == []


def test_overpass_remark_is_an_error_and_not_cached(overpass: Any, tmp_path: Path) -> None:
    overpass.add_fault(INTERPRETER, "remark", times=None)
    with pytest.raises(InputError) as info:
        _osm(overpass, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{overpass.overpass_url}: the Overpass server remarked that the "
                              "query did not complete: 'runtime error: Query run out of memory")
    assert "smaller area" in message and "\n" not in message
    assert len(overpass.faults_given) == 1  # not retried: the same query fails again
    assert _all_parse(tmp_path) == []
    overpass.faults.clear()
    assert len(_osm(overpass, tmp_path).pois) > 0
    assert len(_all_parse(tmp_path)) == 2


def test_overpass_corrupt_cache_file_is_refetched(overpass: Any, tmp_path: Path) -> None:
    first = _osm(overpass, tmp_path)
    files = _all_parse(tmp_path)
    posts = _interpreter_posts(overpass)
    assert posts == 2 and len(files) == 2
    text = files[0].read_text("utf-8")
    files[0].write_text(text[: len(text) // 2], "utf-8")  # as if a crash cut the write short
    again = _osm(overpass, tmp_path)
    assert _interpreter_posts(overpass) == posts + 1  # only the broken entry fetched again
    assert len(_all_parse(tmp_path)) == 2
    assert len(again.streets) == len(first.streets) and len(again.pois) == len(first.pois)


# --------------------------------------------------------------------------------------------
# PDOK OGC API Features


def _bag(server: PdokStandIn, cache: Path, **kwargs: Any) -> gpd.GeoDataFrame:
    return fetch_bag_ogc(AREA, base_url=server.base_url, cache_dir=cache, page_size=3,
                         **{**FAST, **kwargs})


@pytest.mark.parametrize(("kind", "options"),
                         [*TRANSIENT, ("delay", {"seconds": 1.0})], ids=[*IDS, "timeout"])
@pytest.mark.parametrize("page", [1, 2])
def test_pdok_transient_fault_is_retried(pdok: PdokStandIn, tmp_path: Path, kind: str,
                                         options: dict, page: int) -> None:
    pdok.add_fault(ITEMS, kind, skip=page - 1, **options)
    start = time.monotonic()
    gdf = _bag(pdok, tmp_path, timeout=0.5)
    assert len(gdf) == 4 and gdf.attrs["bag"]["pages"] == 2
    assert [k for k, _ in pdok.faults_given] == [kind]
    if options.get("status") == 429:
        assert time.monotonic() - start >= 1.0  # Retry-After honoured
    assert len(_all_parse(tmp_path)) == 2


@pytest.mark.parametrize(("kind", "options", "expect"), [
    ("status", {"status": 503}, "HTTP 503 Service Unavailable (after 2 attempts)"),
    ("status", {"status": 429}, "HTTP 429 Too Many Requests (after 2 attempts)"),
    ("truncated", {}, "not valid JSON (cut short?)"),
    ("reset", {}, "request failed: "),
    ("delay", {"seconds": 1.0}, "request failed: ReadTimeout"),
], ids=["503", "429", "truncated", "reset", "timeout"])
def test_pdok_persistent_fault_on_page_2(pdok: PdokStandIn, tmp_path: Path, kind: str,
                                         options: dict, expect: str) -> None:
    pdok.add_fault(ITEMS, kind, times=None, skip=1, **options)
    with pytest.raises(InputError) as info:
        _bag(pdok, tmp_path, retries=1, timeout=0.5)
    message = str(info.value)
    assert message.startswith(f"http://127.0.0.1:{pdok.port}{ITEMS}?") and "cursor=" in message
    assert expect in message and "try again later" in message and "\n" not in message
    assert len(pdok.faults_given) == 2
    assert len(_all_parse(tmp_path)) == 1  # page 1 only, complete; nothing of page 2
    pdok.faults.clear()
    requests_before = len(pdok.requests)
    assert len(_bag(pdok, tmp_path)) == 4
    assert len(pdok.requests) == requests_before + 1  # page 1 from the cache
    assert len(_all_parse(tmp_path)) == 2


def test_pdok_corrupt_cache_entry_is_refetched(pdok: PdokStandIn, tmp_path: Path) -> None:
    first = _bag(pdok, tmp_path)
    files = _all_parse(tmp_path)
    assert len(files) == 2 and len(pdok.requests) == 2
    for path in files:
        text = path.read_text("utf-8")
        path.write_text(text[: len(text) // 2], "utf-8")
        again = _bag(pdok, tmp_path)
        assert again.drop(columns="geometry").equals(first.drop(columns="geometry"))
    assert len(pdok.requests) == 4  # each broken entry fetched once more
    assert len(_all_parse(tmp_path)) == 2


# --------------------------------------------------------------------------------------------
# Nominatim (fetch_osm(place=...) through OSMnx's geocoder)

SEARCH = "/nominatim/search"


@pytest.fixture
def nominatim(osm_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The local server as Nominatim (and Overpass). OSMnx's own 1 s politeness pause before
    each Nominatim request (Nominatim's usage policy, not a retry) is recorded in
    ``server.pauses`` instead of slept, to keep the tests fast; our backoff and Retry-After
    waits are real."""
    import osmnx._nominatim

    server = osm_server()
    server.pauses = []
    monkeypatch.setattr(osmnx._nominatim, "time", SimpleNamespace(sleep=server.pauses.append))
    yield server


def _place(server: Any, cache: Path, place: str, **kwargs: Any) -> Any:
    return fetch_osm(place=place, buffer_m=50, cache_dir=cache,
                     overpass_url=server.overpass_url, nominatim_url=server.nominatim_url,
                     **{**FAST, **kwargs})


def _searches(server: Any) -> int:
    return sum(1 for method, path, _ in server.requests if method == "GET" and path == SEARCH)


def _check_area(result: Any, data_dir: Path) -> None:
    answer = json.loads((data_dir / "nominatim_search.json").read_text("utf-8"))[0]
    expected = gpd.GeoSeries([shapely.geometry.shape(answer["geojson"])], crs=4326)
    assert result.area["name"].tolist() == ["Kanaleneiland testvenster"]
    assert result.area.geometry.iloc[0].symmetric_difference(
        expected.to_crs(28992).iloc[0]).area < 0.01
    assert len(result.streets) > 0 and len(result.pois) > 0


@pytest.mark.parametrize(("kind", "options"), TRANSIENT, ids=IDS)
def test_nominatim_transient_fault_is_retried(nominatim: Any, tmp_path: Path, place_query: str,
                                              data_dir: Path, kind: str, options: dict) -> None:
    nominatim.add_fault(SEARCH, kind, **options)
    start = time.monotonic()
    result = _place(nominatim, tmp_path, place_query)
    _check_area(result, data_dir)
    assert nominatim.faults_given == [(kind, SEARCH)]
    # one faulty answer (not in server.requests), then a good one; OSMnx's pause before each
    assert _searches(nominatim) == 1 and nominatim.pauses == [1, 1]
    if options.get("status") == 429:
        assert time.monotonic() - start >= 1.0  # Retry-After honoured (not OSMnx's 55 s)
    assert len(_all_parse(tmp_path)) == 3  # Nominatim, network and POI answers, complete


@pytest.mark.parametrize(("kind", "options", "expect"), [
    ("status", {"status": 503}, "the Nominatim server answered HTTP 503 Service Unavailable "
                                "(after 3 attempts); it is busy or down: try again later"),
    ("status", {"status": 504}, "the Nominatim server answered HTTP 504 Gateway Timeout "
                                "(after 3 attempts); it is busy or down: try again later"),
    ("status", {"status": 429, "headers": {"Retry-After": "0"}},
     "the Nominatim server answered HTTP 429 Too Many Requests (after 3 attempts); it is busy "
     "or down: try again later"),
    ("truncated", {}, "the Nominatim server sent an answer that is not valid JSON (cut short?)"),
    ("reset", {}, "the Nominatim server dropped the connection mid-answer (after 3 attempts); "
                  "it is busy or down: try again later"),
], ids=["503", "504", "429", "truncated", "reset"])
def test_nominatim_persistent_fault_is_a_clear_error(nominatim: Any, tmp_path: Path,
                                                     place_query: str, data_dir: Path,
                                                     kind: str, options: dict,
                                                     expect: str) -> None:
    nominatim.add_fault(SEARCH, kind, times=None, **options)
    with pytest.raises(InputError) as info:
        _place(nominatim, tmp_path, place_query)
    message = str(info.value)
    assert message.startswith(f"{nominatim.nominatim_url}: ") and "\n" not in message
    assert expect in message and "give another server URL" in message
    assert len(nominatim.faults_given) == 3  # 1 + retries=2, then no endless retry
    assert _interpreter_posts(nominatim) == 0  # Overpass not asked without an area
    assert _all_parse(tmp_path) == []  # nothing cached
    nominatim.faults.clear()
    _check_area(_place(nominatim, tmp_path, place_query), data_dir)
    assert len(_all_parse(tmp_path)) == 3


def test_nominatim_timeout_is_not_retried(nominatim: Any, tmp_path: Path,
                                          place_query: str) -> None:
    nominatim.add_fault(SEARCH, "delay", seconds=1.5)
    with pytest.raises(InputError) as info:
        _place(nominatim, tmp_path, place_query, timeout=0.5)
    message = str(info.value)
    assert message.startswith(f"{nominatim.nominatim_url}: the Nominatim server did not answer "
                              "in time") and "raise timeout=" in message and "\n" not in message
    assert len(nominatim.faults_given) == 1 and nominatim.pauses == [1]
    assert _all_parse(tmp_path) == []


@pytest.mark.parametrize("status", [400, 403, 404])
def test_nominatim_refusal_is_not_a_place_not_found(nominatim: Any, tmp_path: Path,
                                                    place_query: str, status: int) -> None:
    # Nominatim answers errors with a JSON body; OSMnx took it for "0 results" and the user
    # was told to check the spelling of a place that exists (fixed in http.check_answer)
    nominatim.add_fault(SEARCH, "status", status=status, times=None)
    with pytest.raises(InputError) as info:
        _place(nominatim, tmp_path, place_query)
    message = str(info.value)
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}[status]
    assert message == (f"{nominatim.nominatim_url}: the Nominatim server refused the request: "
                       f"HTTP {status} {reason}: injected {status}; check nominatim_url= and "
                       "the server's usage policy, or give polygon= or bbox=")
    assert "spelling" not in message
    assert len(nominatim.faults_given) == 1  # not retried: the same request is refused again
    assert _all_parse(tmp_path) == []


def test_nominatim_answer_not_a_list_is_a_clear_error(nominatim: Any, tmp_path: Path,
                                                     place_query: str) -> None:
    # a 200 with a JSON object (here Overpass's "remark" answer): not "0 results" either
    nominatim.add_fault(SEARCH, "remark", times=None)
    with pytest.raises(InputError) as info:
        _place(nominatim, tmp_path, place_query)
    message = str(info.value)
    assert message == (f"{nominatim.nominatim_url}: the Nominatim server sent an answer that is "
                       "not a list of places (a dict); check nominatim_url= and the server's "
                       "usage policy, or give polygon= or bbox=")
    assert len(nominatim.faults_given) == 1
    assert _all_parse(tmp_path) == []


def test_nominatim_unknown_place_is_not_found(nominatim: Any, tmp_path: Path, place_query: str,
                                              data_dir: Path) -> None:
    with pytest.raises(InputError) as info:
        _place(nominatim, tmp_path, "Nergenshuizen aan de Rijn")
    message = str(info.value)
    assert message == (f"place 'Nergenshuizen aan de Rijn': Nominatim ({nominatim.nominatim_url}) "
                       "cannot geocode it; check the spelling (e.g. 'Kanaleneiland, Utrecht') "
                       "or give polygon= or bbox=")
    assert _searches(nominatim) == 1  # an answer, not a fault: not retried
    assert _interpreter_posts(nominatim) == 0
    # Nominatim's (valid, empty) answer may be cached; the known place is still found
    _check_area(_place(nominatim, tmp_path, place_query), data_dir)
    assert _searches(nominatim) == 2


def test_nominatim_corrupt_cache_file_is_refetched(nominatim: Any, tmp_path: Path,
                                                   place_query: str, data_dir: Path) -> None:
    _place(nominatim, tmp_path, place_query)
    files = _all_parse(tmp_path)
    assert len(files) == 3 and _searches(nominatim) == 1
    search_file = next(p for p in files if isinstance(json.loads(p.read_text("utf-8")), list))
    text = search_file.read_text("utf-8")
    search_file.write_text(text[: len(text) // 2], "utf-8")  # as if a crash cut the write short
    posts = _interpreter_posts(nominatim)
    _check_area(_place(nominatim, tmp_path, place_query), data_dir)
    assert _searches(nominatim) == 2  # the broken entry fetched again
    assert _interpreter_posts(nominatim) == posts  # Overpass answers from the cache
    assert len(_all_parse(tmp_path)) == 3
