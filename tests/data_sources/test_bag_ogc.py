"""PDOK BAG OGC API Features: paging, retries, errors and the cache, replayed through a local
HTTP server on 127.0.0.1 (nothing reaches the internet; the ``_no_internet`` fixture in
``conftest.py`` enforces it). The pages are built in the API's format from the BAG fixture
(``tests/data/bag_ogc_page*.json``; see ``tests/data/README.md``), not recorded from PDOK."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from shapely.geometry import box

from wijkkracht.core.errors import InputError
from wijkkracht.data_sources import http as httpmod
from wijkkracht.data_sources.bag import BAG_COLUMNS, fetch_bag_ogc

from .conftest import AREA, PdokStandIn

RD = "http://www.opengis.net/def/crs/EPSG/0/28992"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(httpmod.time, "sleep", waited.append)
    return waited


def test_pages_are_followed_and_cached(pdok: PdokStandIn, tmp_path: Path,
                                       sleeps: list[float]) -> None:
    gdf = fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, page_size=3)
    assert tuple(gdf.columns) == BAG_COLUMNS and gdf.crs.to_epsg() == 28992
    assert len(gdf) == 4
    meta = gdf.attrs["bag"]
    assert meta["pages"] == 2 and meta["snapshot_date"] == "2026-11-20"
    assert meta["dropped_by_status"] == {"Verblijfsobject gevormd": 1}
    assert meta["source"].startswith(pdok.base_url + "/collections/verblijfsobject/items?")
    first = parse_qs(urlparse(pdok.requests[0]).query)
    assert first["bbox"] == ["206200.0,447300.0,206400.0,447600.0"]
    assert first["bbox-crs"] == [RD] and first["crs"] == [RD] and first["limit"] == ["3"]
    assert "cursor" in pdok.requests[1] and len(pdok.requests) == 2
    row = gdf.set_index("identificatie").loc["0221010000330999"]
    assert (row["openbare_ruimte_naam"], row["huisnummer"], row["huisletter"]) == (
        "Schout bij Nacht Doormansingel", 9, "l")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".json"]
    assert not sleeps
    # offline second run: the server is gone, the cache answers
    pdok.stop()
    again = fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, page_size=3)
    assert again.drop(columns="geometry").equals(gdf.drop(columns="geometry"))
    assert again.geometry.equals(gdf.geometry)


def test_429_then_200_honours_retry_after(pdok: PdokStandIn, tmp_path: Path,
                                          sleeps: list[float]) -> None:
    pdok.plan = [(429, {"Retry-After": "7"}, b"slow down")]
    gdf = fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, page_size=3)
    assert len(gdf) == 4
    assert sleeps == [7.0]
    assert len(pdok.requests) == 3


def test_500_retried_with_backoff_then_clear_error(pdok: PdokStandIn, tmp_path: Path,
                                                   sleeps: list[float]) -> None:
    pdok.always = (500, b"internal error")
    with pytest.raises(InputError) as err:
        fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, retries=2,
                      backoff=0.5)
    msg = str(err.value)
    assert msg.startswith(pdok.base_url + "/collections/verblijfsobject/items?bbox=")
    assert "HTTP 500" in msg and "after 3 attempts" in msg and "\n" not in msg
    assert sleeps == [0.5, 1.0]
    assert len(pdok.requests) == 3
    assert not any(tmp_path.iterdir())  # nothing cached


def test_500_once_then_fine(pdok: PdokStandIn, tmp_path: Path, sleeps: list[float]) -> None:
    pdok.plan = [(503, {}, b"busy")]
    assert len(fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path)) == 4
    assert sleeps == [1.0]


def test_page_cut_short(pdok: PdokStandIn, tmp_path: Path, sleeps: list[float]) -> None:
    pdok.cut_page2 = True
    with pytest.raises(InputError) as err:
        fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, retries=1)
    msg = str(err.value)
    assert "cursor=" in msg  # names the second page's request
    assert "not valid JSON" in msg and "after 2 attempts" in msg
    # only the complete first page is cached
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".json"]) == 1
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]
    # once the server is fixed, the run completes; page 1 comes from the cache
    pdok.cut_page2 = False
    n_before = len(pdok.requests)
    assert len(fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path)) == 4
    assert len(pdok.requests) == n_before + 1 and "cursor" in pdok.requests[-1]


def test_404_is_not_retried(pdok: PdokStandIn, tmp_path: Path, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="HTTP 404"):
        fetch_bag_ogc(AREA, base_url=pdok.base_url + "/wrong", cache_dir=tmp_path)
    assert len(pdok.requests) == 1 and not sleeps


def test_not_a_feature_collection(pdok: PdokStandIn, tmp_path: Path,
                                  sleeps: list[float]) -> None:
    pdok.always = (200, b'{"type": "Feature"}')
    with pytest.raises(InputError, match="no GeoJSON FeatureCollection"):
        fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, retries=0)


def test_polygon_area_clips_and_counts(pdok: PdokStandIn, tmp_path: Path) -> None:
    poly = box(206330, 447500, 206350, 447540)
    gdf = fetch_bag_ogc(poly, base_url=pdok.base_url, cache_dir=tmp_path, statuses=None)
    assert set(gdf["identificatie"]) == {"0221010000330226", "0221019999000001",
                                        "0221019999000002", "0221019999000003"}
    assert gdf.attrs["bag"]["outside_area"] == 1
    assert gdf.attrs["bag"]["status_filter"] is None


def test_bad_bbox() -> None:
    with pytest.raises(InputError, match="expected"):
        fetch_bag_ogc((5, 4, 3, 2))


def test_retry_after_forms() -> None:
    assert httpmod.retry_after("12") == 12.0
    assert httpmod.retry_after("100000") == 300.0
    assert httpmod.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert httpmod.retry_after("soon") is None and httpmod.retry_after(None) is None


def test_use_cache_false_writes_nothing(pdok: PdokStandIn, tmp_path: Path) -> None:
    gdf = fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, use_cache=False)
    assert len(gdf) == 4 and not any(tmp_path.iterdir())


def test_area_as_wgs84_geoseries(pdok: PdokStandIn, tmp_path: Path) -> None:
    import geopandas as gpd

    area = gpd.GeoSeries([box(*AREA)], crs=28992).to_crs(4326)
    gdf = fetch_bag_ogc(area, base_url=pdok.base_url, cache_dir=tmp_path)
    assert len(gdf) == 4 and gdf.attrs["bag"]["outside_area"] == 0
    bbox = parse_qs(urlparse(pdok.requests[0]).query)["bbox"][0].split(",")
    assert [round(float(v)) for v in bbox] == [round(v) for v in AREA]


def test_server_gone_without_cache(pdok: PdokStandIn, tmp_path: Path,
                                   sleeps: list[float]) -> None:
    pdok.stop()
    # a connection refused is not retried (no connection made: issue 19, "No network")
    with pytest.raises(InputError, match=r"cannot reach the PDOK server: connection refused; "
                                         r"check the internet connection"):
        fetch_bag_ogc(AREA, base_url=pdok.base_url, cache_dir=tmp_path, retries=1)
    assert sleeps == [] and not any(tmp_path.iterdir())
