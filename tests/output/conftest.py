"""Fixtures for the output tests: an analysis result, web assets and headless Chromium.

``result`` is the real pipeline run on the bundled Kanaleneiland data
(:func:`wijkkracht.demo.analyse_demo`), once per session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from wijkkracht.core.result import AnalysisResult
from wijkkracht.demo import analyse_demo

from .webmap_support import Page

REPO = Path(__file__).resolve().parents[2]

#: Where scripts/fetch_web_assets.sh puts the npm packages (override with WIJKKRACHT_WEB_ASSETS).
ASSETS_DIR = Path(os.environ.get("WIJKKRACHT_WEB_ASSETS", REPO / ".cache" / "web-assets"))
#: Debian's Chromium (override with WIJKKRACHT_CHROMIUM).
CHROMIUM = Path(os.environ.get("WIJKKRACHT_CHROMIUM", "/usr/bin/chromium"))
#: Where the browser test leaves its screenshots (override with WIJKKRACHT_SCREENSHOTS).
SCREENSHOTS = Path(os.environ.get("WIJKKRACHT_SCREENSHOTS", REPO / ".cache" / "screenshots"))


@pytest.fixture(scope="session")
def result() -> AnalysisResult:
    """The analysis result of the bundled Kanaleneiland data."""
    return analyse_demo()


@pytest.fixture(scope="session")
def hostile_result(result: AnalysisResult) -> AnalysisResult:
    """``result`` with OSM names that try to break out of HTML and JavaScript."""
    streets = result.streets.copy()
    first = streets.index[0]
    streets.loc[first, "street_name"] = '</script><script>alert("x")</script> & <b>Co</b>'
    second = streets.index[1]
    streets.loc[second, "street_name"] = "<img src=x onerror=alert(1)> 'quote' \"dq\" `tick` ${x}"
    area = result.area.copy()
    area["name"] = "Kanaleneiland <i>&amp;</i> </script>"
    return AnalysisResult(streets=streets, pois=result.pois, area=area, profile=result.profile,
                          metadata=dict(result.metadata))


#: The CDN prefix whose npm layout scripts/fetch_web_assets.sh mirrors.
CDN_NPM = "https://cdn.jsdelivr.net/npm/"


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where the browser tests must run (``WIJKKRACHT_REQUIRE_BROWSER=1``)."""
    if os.environ.get("WIJKKRACHT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required but {reason}")
    pytest.skip(reason)


def local_asset(url: str, root: Path = ASSETS_DIR) -> Path | None:
    """The local copy of a CDN asset URL, or None when the URL is not an npm CDN URL."""
    if not url.startswith(CDN_NPM):
        return None
    return root / url[len(CDN_NPM):].split("?")[0].split("#")[0]


@pytest.fixture(scope="session")
def asset_for() -> Callable[[str], Path | None]:
    """:func:`local_asset` as a fixture (test modules cannot import conftest)."""
    return local_asset


@pytest.fixture(scope="session")
def web_assets() -> Path:
    """The folder filled by ``scripts/fetch_web_assets.sh``; skip when an asset is missing."""
    from wijkkracht.output.webmap import ASSET_URLS

    for _, url in ASSET_URLS:
        path = local_asset(url)
        if path is None or not path.is_file():
            _unavailable(f"web asset {url} is missing (expected {path}); run "
                         "scripts/fetch_web_assets.sh")
    return ASSETS_DIR


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Folder for the browser test's screenshots (kept after the run, for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skip when it is not installed."""
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is not installed; apt-get install chromium "
                     "(scripts/test.sh does)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Headless Chromium driven by Playwright, one per test module (skips without them)."""
    from .webmap_support import launch

    playwright_api = pytest.importorskip("playwright.sync_api")
    with launch(playwright_api, chromium_path) as chromium:
        yield chromium


@pytest.fixture
def open_page(browser: Any, web_assets: Path, asset_for: Callable[[str], Path | None],
              screenshot_dir: Path) -> Iterator[Callable[..., Page]]:
    """Open pages in headless Chromium (closed after the test)."""
    del web_assets  # requested so that the test skips when the assets are missing
    opened: list[Page] = []

    def opener(html: Path, **options: Any) -> Page:
        page = Page(browser, asset_for, screenshot_dir, **options)
        opened.append(page)
        page.open(html)
        return page

    yield opener
    for page in opened:
        page.close()
