"""The web map page without a browser: assets, data, escaping, size, languages."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pandas as pd
import pytest

from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.result import AnalysisResult
from wijkkracht.core.streets import KINDS
from wijkkracht.output.webmap import (
    ASSET_URLS,
    COORDINATE_DECIMALS,
    DATA_BLOCK_IDS,
    TYPE_PANEL_FIGURES,
    explained_indicators,
    result_for_map,
    type_profile_figures,
    webmap_html,
)
from wijkkracht.styles import (
    format_value,
    indicator_style,
    key_indicators,
    qml,
    type_color,
    type_colors,
    type_names,
    unknown_type_color,
)


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


def test_loads_only_leaflet(page_nl: str, result: AnalysisResult) -> None:
    # by default inlined (nothing loaded); the cdn variant loads Leaflet and nothing else
    assert re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="(https?://[^"]+)"', page_nl) == []
    cdn = webmap_html(result, lang="nl", web_assets="cdn")
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', cdn)
    assert sorted(external) == sorted(url for _, url in ASSET_URLS)
    for page in (page_nl, cdn):
        assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


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


def test_config_matches_the_qml(page_nl: str, result: AnalysisResult) -> None:
    """One spec drives both: the colours in the map config are the colours in the QML, for
    every type of the data (a second type of an archetype, a neutral type) too."""
    config = block(page_nl, "config")
    map_types = {t["key"]: t["color"].lower() for t in config["types"]}
    root = ET.fromstring(qml.types_qml(lang="nl", names=type_names(result.streets, "nl")))
    colors = {}
    for symbol in root.iter("symbol"):
        rgba = symbol.find("layer/prop[@k='line_color']").get("v")
        r, g, b, _ = (int(x) for x in rgba.split(","))
        colors[symbol.get("name")] = f"#{r:02x}{g:02x}{b:02x}"
    qml_types = {c.get("value"): colors[c.get("symbol")] for c in root.iter("category")}
    assert qml_types == map_types
    assert list(map_types) == list(type_colors(result.streets["type_key"]))
    assert set(result.streets["type_key"]) <= set(map_types)
    assert unknown_type_color().lower() not in map_types.values()
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


# ------------------------------------------------------------ a type's panel (its legend entry)


def _typed(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in config["types"] if t["present"] and not t["untyped"]]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_type_of_the_data_has_its_explanation(lang: str, page_nl: str, page_en: str,
                                                    result: AnalysisResult) -> None:
    """Each type on the map carries what its panel shows: why it has its name, what it
    means, its rule, its segments and a few medians with the registry's titles."""
    config = block(page_nl if lang == "nl" else page_en, "config")
    profile = result.profile.set_index("type_key")
    typed = _typed(config)
    streets = result.streets[result.streets["is_street"]]
    assert {t["key"] for t in typed} == set(streets["type_key"]) - {"untyped_street",
                                                                     "untyped_path"}
    for t in typed:
        row = profile.loc[t["key"]]
        info = t["info"]
        assert t["color"] == type_color(t["key"]) != unknown_type_color()
        assert t["label"] == html.escape(row[f"type_name_{lang}"])
        assert info["explanation"] == html.escape(row[f"explanation_{lang}"]) != ""
        assert info["description"] == html.escape(row[f"description_{lang}"])
        assert info["rule"] == html.escape(row[f"rule_{lang}"])
        assert info["segments"] == int(row["segments"])
        names = type_profile_figures(row.to_dict())
        assert 0 < len(names) <= TYPE_PANEL_FIGURES
        assert [f["title"] for f in info["figures"]] == \
            [html.escape(INDICATORS[n].title(lang)) for n in names]
        assert [f["value"] for f in info["figures"]] == \
            [html.escape(format_value(n, float(row[n]), lang)) for n in names]
    # the untyped segments and the archetypes absent from the data: no panel
    assert all("info" not in t for t in config["types"] if t["untyped"] or not t["present"])
    text = config["text"]
    if lang == "nl":
        assert text["typeWhy"] == "Waarom deze naam" and text["close"] == "Sluiten"
    else:
        assert text["typeWhy"] == "Why this name" and text["close"] == "Close"
        panel_text = " ".join(v for k, v in text.items() if k.startswith("type") or k == "close")
        for dutch in ("segmenten", "mediaan", "Regel", "Waarom", "Klik", "Sluiten"):
            assert dutch not in panel_text


def test_the_panel_figures_start_with_the_rule(result: AnalysisResult) -> None:
    """The medians of a type's rule come first, then the features it differs most on; no
    count of establishments (privacy)."""
    from wijkkracht.core.archetypes import ARCHETYPES

    for _, row in result.profile.iterrows():
        names = type_profile_figures(row.to_dict())
        arch = ARCHETYPES.get(row["archetype"])
        rule = [c.quantity for alt in arch.rule for c in alt] if arch else []
        ruled = [q for q in dict.fromkeys(rule) if q in row and pd.notna(row[q])]
        assert list(names[:len(ruled)]) == ruled[:TYPE_PANEL_FIGURES]
        assert all(not ("sensitive" in INDICATORS[n].tags and INDICATORS[n].unit == "count")
                   for n in names)
    # a neutral row: the features furthest from all streets first
    row = {"archetype": "mixed_profile", "functions_400": 3.0, "z_functions_400": -0.2,
           "n_count_400": 0.0, "z_n_count_400": -1.5, "hill1_400": 2.0, "z_hill1_400": 0.9,
           "active_est": 4.0, "z_active_est": 3.0}
    assert type_profile_figures(row) == ("n_count_400", "hill1_400", "functions_400")


def test_an_explanation_made_from_synthetic_data_is_marked(page_nl: str,
                                                           result: AnalysisResult) -> None:
    config = block(page_nl, "config")
    kinds = set(result.metadata["synthetic"])
    assert {"bag", "establishments"} <= kinds
    profile = result.profile.set_index("type_key")
    bag = {n for n, ind in INDICATORS.items() if ind.requires in ("bag", "establishments")}
    for t in _typed(config):
        used = explained_indicators(profile.loc[t["key"]].to_dict(), "nl")
        assert t["info"]["synthetic"] == bool(set(used) & bag), t["key"]
        for f, name in zip(t["info"]["figures"],
                           type_profile_figures(profile.loc[t["key"]].to_dict()), strict=True):
            assert f["synthetic"] == (name in bag)
    # a neutral type's explanation names its indicators by their labels
    row = {"archetype": "mixed_profile",
           "explanation_nl": f"Wat opvalt: {INDICATORS['mxi_400'].label('nl')} 0,2; "
                             f"{INDICATORS['functions_400'].label('nl')} 3."}
    assert set(explained_indicators(row, "nl")) == {"mxi_400", "functions_400"}


def test_a_map_from_layers_without_a_profile(result: AnalysisResult) -> None:
    """Streets with types but no profile (``result_for_map``): the types still have a panel,
    with their number of street segments."""
    made = result_for_map(result.streets.to_crs(4326), result.pois, result.area)
    config = block(webmap_html(made, lang="en"), "config")
    streets = result.streets[result.streets["is_street"]]
    for t in _typed(config):
        assert t["info"] == {"segments": int((streets["type_key"] == t["key"]).sum())}
