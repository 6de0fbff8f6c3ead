"""The web map of a run with BAG/KvK data and summary areas, without a browser.

The BAG units and establishments are SYNTHETIC (see ``webmap_support``): the page must say so,
must never show an establishment count below the privacy threshold (nor anything computed from
one), must hold no establishment or address, and must escape the area names and codes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.indicators.registry import INDICATORS, SENSITIVE
from wijkkracht.core.privacy import sensitive_counts
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.webmap import webmap_html
from wijkkracht.styles import decimals, indicator_style, key_indicators, poi_class_of

from .webmap_support import bag_result, data_block, osm_result, synthetic_inputs, with_metadata

#: Key indicators that rest on establishment counts (suppressed with them).
SENSITIVE_KEYS = [n for n in key_indicators() if SENSITIVE in INDICATORS[n].tags]
#: Key indicators that need the BAG (and establishments).
# the BAG/KvK indicators (the spending flows, also made from the BAG, need spending=True)
BAG_KEYS = [n for n in key_indicators() if INDICATORS[n].requires in ("bag", "establishments")
            and INDICATORS[n].group != "spending"]


@pytest.fixture(scope="module")
def bag3() -> AnalysisResult:
    """The run with the default privacy threshold (3)."""
    return bag_result(3)


@pytest.fixture(scope="module")
def page_nl(bag3: AnalysisResult) -> str:
    return webmap_html(bag3, lang="nl")


@pytest.fixture(scope="module")
def page_en(bag3: AnalysisResult) -> str:
    return webmap_html(bag3, lang="en")


def values(page: str, name: str) -> list[float | int | None]:
    """The values of indicator ``name`` in the page's streets, in the order of the streets."""
    names = [ind["name"] for ind in data_block(page, "config")["indicators"]]
    i = names.index(name)
    return [f["properties"]["v"][i] for f in data_block(page, "streets")["features"]]


def rounded(series: pd.Series, name: str) -> list[float | int | None]:
    nd = decimals(INDICATORS[name].unit)
    return [None if pd.isna(v) else (int(round(float(v))) if nd == 0 else round(float(v), nd))
            for v in series]


def overlay_names(page: str) -> list[str]:
    """The entries of the layer control, as Leaflet shows them."""
    return [json.loads(m) for m in re.findall(r'("(?:[^"\\]|\\.)*") : wijkkracht_layer_', page)]


def test_a_layer_and_a_tooltip_column_per_key_indicator(page_nl: str, bag3: AnalysisResult
                                                       ) -> None:
    assert SENSITIVE_KEYS and len(BAG_KEYS) >= 6
    config = data_block(page_nl, "config")
    names = [ind["name"] for ind in config["indicators"]]
    assert names == list(key_indicators(bag3.streets.columns))
    assert set(BAG_KEYS) <= set(names)  # the run has BAG and establishments: all of them
    assert {ind["name"]: ind["group"] for ind in config["indicators"]} == {
        n: ("osm" if INDICATORS[n].requires == "osm" else "bag") for n in names}
    layers = overlay_names(page_nl)
    for name in names:
        assert html.escape(indicator_style(name).indicator.label("nl")) in layers
    # tooltip titles carry the unit
    titles = {ind["name"]: ind["title"] for ind in config["indicators"]}
    for name in names:
        assert titles[name] == html.escape(indicator_style(name).title("nl"))
    assert config["groups"]["osm"]["label"] == "OpenStreetMap"
    assert config["groups"]["bag"]["label"] == "BAG/KvK"


def test_a_map_of_openstreetmap_alone_has_no_bag_layers_notice_or_areas() -> None:
    result = osm_result()
    page = webmap_html(result, lang="nl")
    config = data_block(page, "config")
    names = [ind["name"] for ind in config["indicators"]]
    assert names == [n for n in key_indicators() if INDICATORS[n].requires == "osm"]
    assert list(config["groups"]) == ["osm"]  # one group: the tooltip gets no headings
    assert config["synthetic"] is None and config["privacy"] is None
    assert "SYNTHETI" not in json.dumps({k: v for k, v in config.items() if k != "text"})
    assert data_block(page, "areas")["features"] == []
    assert not any("klik" in name for name in overlay_names(page))


def test_suppressed_values_never_reach_the_page(bag3: AnalysisResult, page_nl: str) -> None:
    unsuppressed = bag_result(1)  # threshold 1: every count shown (0 discloses no one)
    assert not unsuppressed.streets["suppressed"].any()
    assert unsuppressed.streets.index.equals(bag3.streets.index)
    streets = bag3.streets
    assert len(data_block(page_nl, "streets")["features"]) == len(streets)
    names = [ind["name"] for ind in data_block(page_nl, "config")["indicators"]]
    assert not set(names) & set(sensitive_counts())  # no establishment count is a layer
    for name in SENSITIVE_KEYS:
        shown = values(page_nl, name)
        assert shown == rounded(streets[name], name)
        hidden = streets[name].isna().to_numpy() & unsuppressed.streets[name].notna().to_numpy()
        assert hidden.sum() >= 10, "the test needs segments whose value was suppressed"
        assert streets["suppressed"].to_numpy()[hidden].all()
        assert all(shown[i] is None for i in np.flatnonzero(hidden))


def test_the_map_suppresses_a_frame_that_was_not(page_nl: str) -> None:
    """Streets with small counts and no threshold in the metadata: the default applies."""
    raw = bag_result(1)
    bag_meta = {k: v for k, v in raw.metadata["bag"].items() if k != "privacy_threshold"}
    page = webmap_html(with_metadata(raw, bag=bag_meta), lang="nl")
    for name in SENSITIVE_KEYS:
        assert values(page, name) == values(page_nl, name)
    assert data_block(page, "config")["privacy"].startswith(
        "Privacy: aantallen vestigingen kleiner dan 3 ")


def test_privacy_note_states_the_runs_threshold(bag3: AnalysisResult, page_nl: str,
                                                page_en: str) -> None:
    assert data_block(page_nl, "config")["privacy"] == (
        "Privacy: aantallen vestigingen kleiner dan 3 (en wat daaruit is berekend) zijn "
        "onderdrukt en worden niet getoond.")
    assert data_block(page_en, "config")["privacy"].startswith(
        "Privacy: establishment counts below 3 ")
    stricter = webmap_html(with_metadata(bag3, privacy_threshold=5), lang="nl")
    assert "kleiner dan 5 " in data_block(stricter, "config")["privacy"]
    for name in SENSITIVE_KEYS:
        at3 = np.array([v is None for v in values(page_nl, name)])
        at5 = np.array([v is None for v in values(stricter, name)])
        assert (at5 >= at3).all() and at5.sum() > at3.sum()


def test_no_establishment_or_address_in_the_page(bag3: AnalysisResult, page_nl: str,
                                                 page_en: str) -> None:
    bag, matched, raw = synthetic_inputs()
    ids = set(raw["vestigingsnummer"].astype(str)) | set(bag["identificatie"].astype(str))
    postcodes = {str(p).replace(" ", "") for p in raw["postcode"].dropna()}
    assert len(ids) > 1000 and len(postcodes) > 50
    for page in (page_nl, page_en):
        assert not set(re.findall(r"\d{12,16}", page)) & ids
        assert not {m.replace(" ", "") for m in re.findall(r"\b\d{4} ?[A-Z]{2}\b", page)} \
            & postcodes
        assert "vestigingsnummer" not in page and "huisnummer" not in page
    # the only points on the map are the OpenStreetMap POIs
    pois = bag3.pois
    classed = sum(poi_class_of(c if isinstance(c, str) else None, bool(v))
                  is not None for c, v in zip(pois["no_class"], pois["vacant"], strict=True))
    assert len(data_block(page_nl, "pois")["features"]) == classed
    assert len(matched) > classed  # so the establishments would have shown


def test_synthetic_inputs_are_announced(page_nl: str, page_en: str) -> None:
    nl, en = data_block(page_nl, "config"), data_block(page_en, "config")
    assert nl["synthetic"]["title"] == \
        "SYNTHETISCHE BAG/KvK-gegevens — geen echte adressen of bedrijven"
    assert en["synthetic"]["title"] == "SYNTHETIC BAG/KvK data — not real addresses or businesses"
    assert "SYNTHETISCHE" in nl["synthetic"]["attribution"]
    assert "SYNTHETIC" in en["synthetic"]["attribution"]
    for config in (nl, en):
        assert {i["name"] for i in config["indicators"] if i["synthetic"]} == set(BAG_KEYS)
        assert config["groups"]["bag"]["synthetic"] and not config["groups"]["osm"]["synthetic"]
        area_cols = config["areas"]["columns"]
        assert {c["group"] for c in area_cols if c["synthetic"]} == {"bag"}
        assert all(c["synthetic"] for c in area_cols if c["group"] == "bag")


def test_only_synthetic_establishments_mark_only_what_rests_on_them(bag3: AnalysisResult
                                                                    ) -> None:
    page = webmap_html(with_metadata(bag3, synthetic=["establishments"]), lang="nl")
    config = data_block(page, "config")
    assert config["synthetic"]["title"].startswith("SYNTHETISCHE KvK-gegevens")
    flagged = {i["name"] for i in config["indicators"] if i["synthetic"]}
    assert flagged == {n for n in BAG_KEYS if INDICATORS[n].requires == "establishments"}
    assert flagged and flagged != set(BAG_KEYS)


def test_area_popups_carry_labelled_summaries(bag3: AnalysisResult, page_nl: str,
                                              page_en: str) -> None:
    areas = bag3.areas
    features = data_block(page_nl, "areas")["features"]
    assert [f["properties"]["c"] for f in features] == list(areas["area_code"])
    assert [f["properties"]["n"] for f in features] == list(areas["area_name"])
    assert [f["properties"]["s"] for f in features] == list(areas["segments"])
    assert [f["properties"]["k"] for f in features] == \
        [round(v / 1000, 1) for v in areas["street_m"]]
    columns = data_block(page_nl, "config")["areas"]["columns"]
    titles = [c["title"] for c in columns]
    assert titles[0] == "Loopafstand supermarkt (m)"
    dist = [f["properties"]["v"][0] for f in features]
    assert dist == [int(round(v)) for v in areas["dist_supermarket_m_median"]]
    mxi = next(n for n in BAG_KEYS if n.startswith("mxi"))
    i = titles.index(html.escape(indicator_style(mxi).title("nl")))
    assert columns[i]["group"] == "bag" and columns[i]["decimals"] == 2
    assert [f["properties"]["v"][i] for f in features] == \
        [round(v, 2) for v in areas[f"{mxi}_mean"]]
    en = data_block(page_en, "config")["areas"]
    assert en["columns"][0]["title"] == "Walking distance supermarket (m)"
    assert en["note"].startswith("Mean over the street segments")


def test_area_names_and_codes_are_escaped(bag3: AnalysisResult) -> None:
    areas = bag3.areas.copy()
    name = '</script><script>alert("area")</script> & <b>Co</b>'
    code = '"><img src=x onerror=alert(2)>'
    areas.loc[areas.index[0], "area_name"] = name
    areas.loc[areas.index[1], "area_code"] = code
    page = webmap_html(replace(bag3, areas=areas), lang="nl")
    assert 'alert("area")' not in page and "<img src=x" not in page
    assert page.count("</script>") == page.count("<script")
    features = data_block(page, "areas")["features"]
    assert features[0]["properties"]["n"] == html.escape(name)
    assert features[1]["properties"]["c"] == html.escape(code)


def test_an_area_share_is_suppressed_where_its_counts_are_small(bag3: AnalysisResult) -> None:
    # a share of establishments per area is pooled: the share of the area's totals
    name = next(n for n in SENSITIVE_KEYS if f"{n}_pooled" in bag3.areas)
    areas = bag3.areas.copy()
    assert areas[f"{name}_pooled"].notna().all()
    first = areas.index[0]
    areas.loc[first, [c for c in areas.columns if c.endswith("_est_sum")]] = 2
    areas.loc[first, "active_est_sum"] = 2
    page = webmap_html(replace(bag3, areas=areas), lang="nl")
    columns = data_block(page, "config")["areas"]["columns"]
    i = [c["title"] for c in columns].index(html.escape(indicator_style(name).title("nl")))
    shown = [f["properties"]["v"][i] for f in data_block(page, "areas")["features"]]
    assert shown[0] is None
    assert shown[1:] == [round(v, 2) for v in areas[f"{name}_pooled"].iloc[1:]]
    assert columns[i]["nullText"] == "onderdrukt (te kleine aantallen) of geen gegevens"


def test_size_stays_small(page_nl: str) -> None:
    assert len(page_nl.encode("utf-8")) < 1_500_000


def test_map_of_separate_layers_keeps_the_notice_and_the_rule(bag3: AnalysisResult,
                                                              page_nl: str, tmp_path) -> None:
    """The QGIS export of layers read back (no run metadata): the caller passes both."""
    from wijkkracht.output.webmap import write_layers_map

    path = write_layers_map(tmp_path / "layers.html", bag3.streets, bag3.pois, bag3.area,
                            synthetic=["bag", "establishments"], privacy_threshold=5)
    page = path.read_text(encoding="utf-8")
    config = data_block(page, "config")
    assert config["synthetic"]["title"].startswith("SYNTHETISCHE BAG/KvK-gegevens")
    assert "kleiner dan 5 " in config["privacy"]
    assert [i["name"] for i in config["indicators"]] == \
        [i["name"] for i in data_block(page_nl, "config")["indicators"]]
    # without them: no notice, and the default threshold is applied and stated
    plain = write_layers_map(tmp_path / "plain.html", bag3.streets, bag3.pois, bag3.area)
    config = data_block(plain.read_text(encoding="utf-8"), "config")
    assert config["synthetic"] is None
    assert "kleiner dan 3 " in config["privacy"]
