"""The web map page without a browser: assets, data, escaping, size, languages."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.result import AnalysisResult
from wijkkracht.core.streets import KINDS
from wijkkracht.output.webmap import ASSET_URLS, COORDINATE_DECIMALS, DATA_BLOCK_IDS, webmap_html
from wijkkracht.styles import indicator_style, key_indicators, qml, type_colors


@pytest.fixture(scope="module")
def page_nl(result: AnalysisResult) -> str:
    return webmap_html(result, lang="nl")


@pytest.fixture(scope="module")
def page_en(result: AnalysisResult) -> str:
    return webmap_html(result, lang="en")


def block(page: str, name: str) -> Any:
    """The JSON data block ``name`` (config, streets, pois, area) of a page."""
    block_id = DATA_BLOCK_IDS[name]
    match = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', page,
                      re.S)
    assert match, f"no {block_id} block"
    return json.loads(match.group(1))


def test_loads_only_leaflet(page_nl: str) -> None:
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page_nl)
    assert sorted(external) == sorted(url for _, url in ASSET_URLS)
    assert "jquery" not in page_nl.lower() and "bootstrap" not in page_nl.lower()


def test_streets_carry_only_what_the_map_needs(page_nl: str, result: AnalysisResult) -> None:
    streets = block(page_nl, "streets")
    assert len(streets["features"]) == len(result.streets)
    for feature in streets["features"][:50]:
        # h: the index of the street's 168-hour profile in the hours block (liveliness); p,
        # only on a segment that is no street (a path, sidewalk, ...): 1 + its kind
        assert set(feature["properties"]) - {"p"} == {"n", "t", "v", "h"}
        assert len(feature["properties"]["v"]) == len(key_indicators(result.streets.columns))
    kinds = list(KINDS)
    shown = [f["properties"].get("p", 0) for f in streets["features"]]
    expected = [0 if street else 1 + kinds.index(kind)
                for street, kind in zip(result.streets["is_street"], result.streets["kind"],
                                        strict=True)]
    assert shown == expected
    assert 0 < sum(p > 0 for p in shown) < len(shown)
    text = json.dumps(streets["features"])
    too_precise = re.findall(rf"\d+\.\d{{{COORDINATE_DECIMALS + 1},}}", text)
    assert not too_precise, too_precise[:3]


def test_values_are_rounded_and_nulls_kept(page_nl: str, result: AnalysisResult) -> None:
    streets = block(page_nl, "streets")
    names = list(key_indicators(result.streets.columns))
    i = names.index("dist_supermarket_m")
    values = [f["properties"]["v"][i] for f in streets["features"]]
    expected = result.streets["dist_supermarket_m"]
    assert sum(v is None for v in values) == int(expected.isna().sum())
    assert all(v is None or isinstance(v, int) for v in values)


def test_config_matches_the_qml(page_nl: str) -> None:
    """One spec drives both: the colours in the map config are the colours in the QML."""
    config = block(page_nl, "config")
    map_types = {t["key"]: t["color"].lower() for t in config["types"]}
    root = ET.fromstring(qml.types_qml(lang="nl"))
    colors = {}
    for symbol in root.iter("symbol"):
        rgba = symbol.find("layer/prop[@k='line_color']").get("v")
        r, g, b, _ = (int(x) for x in rgba.split(","))
        colors[symbol.get("name")] = f"#{r:02x}{g:02x}{b:02x}"
    qml_types = {c.get("value"): colors[c.get("symbol")] for c in root.iter("category")}
    assert qml_types == {k: v for k, v in map_types.items() if k in qml_types}
    assert set(qml_types) == set(type_colors())
    for ind in config["indicators"]:
        st = indicator_style(ind["name"])
        assert [c["color"] for c in ind["classes"]] == list(st.colors)
        assert [c["hi"] for c in ind["classes"]] == [c.upper for c in st.classes]


def test_labels_follow_the_language(page_nl: str, page_en: str) -> None:
    dist = INDICATORS["dist_supermarket_m"]
    assert dist.title("nl") in page_nl and dist.title("en") not in page_nl
    assert dist.title("en") in page_en and dist.title("nl") not in page_en
    assert block(page_en, "config")["decimalComma"] is False
    assert block(page_nl, "config")["text"]["types"] == "Kansentypen"


def test_attribution(page_nl: str, result: AnalysisResult) -> None:
    assert block(page_nl, "config")["attribution"] == html.escape(result.attribution)
    assert "OpenStreetMap" in result.attribution
    assert "openstreetmap.org/copyright" in page_nl  # the tile layer's own attribution


def test_osm_names_are_escaped(hostile_result: AnalysisResult) -> None:
    page = webmap_html(hostile_result, lang="nl")
    assert 'alert("x")' not in page
    assert "<img src=x" not in page
    assert "<i>&amp;</i>" not in page
    # every </script> closes one of the page's own <script> tags
    assert page.count("</script>") == page.count("<script")
    names = [f["properties"]["n"] for f in block(page, "streets")["features"][:2]]
    assert names[0] == ("&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                        "&amp; &lt;b&gt;Co&lt;/b&gt;")
    assert "&lt;img src=x onerror=alert(1)&gt;" in names[1]
    title = "wijkkracht · Kanaleneiland &lt;i&gt;&amp;amp;&lt;/i&gt; &lt;/script&gt;"
    assert f"<title>{title}</title>" in page


def test_size_stays_small(page_nl: str) -> None:
    assert len(page_nl.encode("utf-8")) < 1_500_000


def test_unknown_language(result: AnalysisResult) -> None:
    with pytest.raises(ValueError):
        webmap_html(result, lang="fr")
