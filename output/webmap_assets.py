"""What the web map page loads (part of :mod:`wijkkracht.output.webmap`): Leaflet and
Leaflet.markercluster inlined from the copies vendored in ``output/web-assets/`` (the
default: a self-contained page), or from jsDelivr with subresource-integrity hashes (the
``cdn`` variant); the base maps; the page's own
JavaScript runtime (``webmap_runtime.js``) and styles (``webmap.css``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .webmap_text import _esc

#: Where the npm packages are fetched from by a page of the ``cdn`` variant.
CDN_NPM = "https://cdn.jsdelivr.net/npm/"

#: The vendored copies of the assets (scripts/fetch_web_assets.sh --vendor).
ASSETS_DIR = Path(__file__).resolve().parent / "web-assets"


@dataclass(frozen=True)
class WebAsset:
    """A JavaScript or CSS file of an npm package that the page uses."""

    name: str
    package: str
    version: str
    path: str  # in the package, e.g. "dist/leaflet.js"

    @property
    def kind(self) -> str:
        """``"js"`` or ``"css"``."""
        return "css" if self.path.endswith(".css") else "js"

    @property
    def url(self) -> str:
        """The jsDelivr URL an online page loads."""
        return f"{CDN_NPM}{self.package}@{self.version}/{self.path}"

    @property
    def vendored(self) -> Path:
        """The copy in ``output/web-assets/`` (the package path without its leading ``dist/``)."""
        rel = self.path[len("dist/"):] if self.path.startswith("dist/") else self.path
        return ASSETS_DIR / f"{self.package}@{self.version}" / rel


#: What the page loads, in order: Leaflet, then Leaflet.markercluster (MIT). The versions and
#: files are those of scripts/fetch_web_assets.sh (VENDOR).
WEB_ASSETS: tuple[WebAsset, ...] = (
    WebAsset("leaflet_css", "leaflet", "1.9.3", "dist/leaflet.css"),
    WebAsset("markercluster_css", "leaflet.markercluster", "1.5.3", "dist/MarkerCluster.css"),
    WebAsset("leaflet", "leaflet", "1.9.3", "dist/leaflet.js"),
    WebAsset("markercluster", "leaflet.markercluster", "1.5.3",
             "dist/leaflet.markercluster.js"),
)

#: ``(name, URL)`` of every asset an online page loads.
ASSET_URLS: tuple[tuple[str, str], ...] = tuple((a.name, a.url) for a in WEB_ASSETS)


@dataclass(frozen=True)
class BaseMap:
    """A base map of the switcher (``url`` None: the surroundings drawn from the data)."""

    key: str
    label_nl: str
    label_en: str
    url: str | None = None
    attribution: str = ""
    licence: str = ""
    max_native_zoom: int = 19
    opacity: float = 1.0

    def label(self, lang: str) -> str:
        return self.label_nl if lang == "nl" else self.label_en


_KADASTER = ("Kaartgegevens &copy; <a href='https://www.kadaster.nl'>Kadaster</a> / "
             "<a href='https://www.pdok.nl'>PDOK</a>, "
             "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>")

_PDOK_BRT = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{layer}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"

#: The base maps of the switcher, in its order. PDOK's tiles are the WMTS layers in the web
#: map's own tile grid (EPSG:3857); the grey BRT-Achtergrondkaart is the default of an online
#: page (the Dutch government's base map, quiet under coloured streets), the surroundings
#: drawn from the data ("none") that of an offline page.
BASE_MAPS: tuple[BaseMap, ...] = (
    BaseMap("brt_grijs", "BRT-Achtergrondkaart grijs (PDOK)",
            "BRT-Achtergrondkaart grey (PDOK)", _PDOK_BRT.format(layer="grijs"),
            _KADASTER, "CC BY 4.0 (Kadaster)", max_native_zoom=17, opacity=0.85),
    BaseMap("brt", "BRT-Achtergrondkaart (PDOK)", "BRT-Achtergrondkaart (PDOK)",
            _PDOK_BRT.format(layer="standaard"), _KADASTER, "CC BY 4.0 (Kadaster)",
            max_native_zoom=17, opacity=0.6),
    BaseMap("osm", "OpenStreetMap", "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> "
            "contributors", "ODbL 1.0 (OpenStreetMap contributors)", max_native_zoom=19,
            opacity=0.55),
    BaseMap("luchtfoto", "Luchtfoto 25 cm (PDOK)", "Aerial photo 25 cm (PDOK)",
            "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_ortho25/EPSG:3857/"
            "{z}/{x}/{y}.jpeg",
            "Luchtfoto &copy; <a href='https://www.beeldmateriaal.nl'>Beeldmateriaal "
            "Nederland</a> / <a href='https://www.pdok.nl'>PDOK</a>, "
            "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>",
            "CC BY 4.0 (Beeldmateriaal Nederland)", max_native_zoom=19, opacity=0.75),
    BaseMap("none", "Geen (omgeving uit de gegevens)", "None (surroundings from the data)"),
)

#: The default base map of an online and of an offline page.
_DEFAULT_BASE = {False: "brt_grijs", True: "none"}


def _package_text(name: str) -> str:
    return (Path(__file__).resolve().parent / name).read_text(encoding="utf-8")


#: The page's JavaScript runtime (a function expression; see output/webmap_runtime.js).
_RUNTIME_JS = _package_text("webmap_runtime.js")

#: The page's own styles (output/webmap.css).
_CSS = f"<style>\n{_package_text('webmap.css')}</style>"


def _basemaps(lang: str) -> list[dict[str, Any]]:
    return [{"key": b.key, "label": _esc(b.label(lang)), "url": b.url,
             "attribution": b.attribution, "licence": _esc(b.licence),
             "maxNativeZoom": b.max_native_zoom, "opacity": b.opacity} for b in BASE_MAPS]


def _sri(path: Path) -> str:
    """Subresource-integrity hash of a file (the CDN serves the same bytes)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


_SOURCE_MAP = re.compile(r"^\s*(?://|/\*)# sourceMappingURL=\S+(?:\s*\*/)?\s*$", re.M)

_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


def _inline_text(asset: WebAsset) -> str:
    """An asset's vendored text, ready to sit in the page: no source-map reference (it
    would be fetched), its CSS images as data URIs; never a sequence that ends the
    ``<script>``/``<style>`` element early."""
    path = asset.vendored
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: the map needs the vendored web assets "
                           "(scripts/fetch_web_assets.sh --vendor)")
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    if asset.kind == "css":
        def data_uri(m: re.Match[str]) -> str:
            png = (path.parent / m.group(2)).read_bytes()
            return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"
        text = _CSS_URL.sub(data_uri, text)
    lowered = text.lower()
    for bad in ("</script", "</style", "<!--"):
        if bad in lowered:
            raise RuntimeError(f"{path} contains {bad!r} and cannot be inlined")
    return text


@functools.cache
def _asset_html(inline: bool) -> str:
    """The page head's CSS and JS: inlined, or links to the CDN (with integrity hashes)."""
    parts = []
    for kind in ("css", "js"):
        for a in (x for x in WEB_ASSETS if x.kind == kind):
            if inline:
                tag = "style" if kind == "css" else "script"
                parts.append(f"<{tag} data-asset=\"{a.package}@{a.version}\">\n"
                             f"{_inline_text(a)}\n</{tag}>")
            elif kind == "css":
                parts.append(f'<link rel="stylesheet" href="{a.url}" '
                             f'integrity="{_sri(a.vendored)}" crossorigin="anonymous"/>')
            else:
                parts.append(f'<script src="{a.url}" integrity="{_sri(a.vendored)}" '
                             'crossorigin="anonymous"></script>')
    return "\n".join(parts)
