"""Network faults from a real local HTTP server (``LocalHttpServer.add_fault`` in conftest.py)
through the real HTTP stack: Overpass via ``fetch_osm`` and OSMnx, PDOK via ``fetch_bag_ogc``.

For each fault: the outcome (success after a retry where a retry makes sense, else a one-line
``InputError`` naming the server and what to do), and that the cache holds nothing half or
faulty (every cache file parses; a following good answer is fetched and cached). A cache file
cut short is detected and fetched again. Backoff is 10 ms; Retry-After is 1 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
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
