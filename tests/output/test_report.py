"""The neighbourhood report (output/report.py), without a browser.

The demo result (``result``: real OSM of Kanaleneiland with SYNTHETIC BAG/KvK) and the run
with the SYNTHETIC CBS-layout areas (``webmap_support.bag_result``) are read as a user reads
the page: the key figures must be the result's own values, every type must be there with its
name, a suppressed value must say so, names from the data must stay text, the demo must be
announced as SYNTHETIC, and the methods must define every indicator the streets carry.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijkkracht.core.areas import assign_segments
from wijkkracht.core.errors import InputError
from wijkkracht.core.indicators.registry import INDICATORS, UNITS
from wijkkracht.core.result import AnalysisResult
from wijkkracht.core.streets import TYPOLOGY_SEGMENTS, UNTYPED
from wijkkracht.output.gpkg import write_gpkg
from wijkkracht.output.report import (
    build_report,
    report_figures,
    report_pages,
    result_from_gpkg,
    write_report,
)
from wijkkracht.styles import format_number, type_colors

from .test_report_support import articles, key_figures, section, tables, text
from .webmap_support import bag_result, osm_result, synthetic_inputs


def pct(value: float, lang: str = "nl") -> str:
    return f"{format_number(100 * value, 1, lang)} %"


def share(value: float, lang: str = "nl") -> str:
    """A share as its registered unit says (0–1), as on the map and in QGIS."""
    return format_number(value, 2, lang)


@pytest.fixture(scope="module")
def page_nl(result: AnalysisResult) -> str:
    return build_report(result, lang="nl")


@pytest.fixture(scope="module")
def page_en(result: AnalysisResult) -> str:
    return build_report(result, lang="en")


@pytest.fixture(scope="module")
def areas_result() -> AnalysisResult:
    """SYNTHETIC BAG/KvK and four CBS-layout areas, privacy threshold 3."""
    return bag_result(3)


@pytest.fixture(scope="module")
def strict_result() -> AnalysisResult:
    """The same with privacy threshold 30: the home-based businesses of Testbuurt 02-01 (28)
    are suppressed."""
    return bag_result(30)


# ------------------------------------------------------------------------------ key figures


def test_key_figures_are_the_study_areas_values(result: AnalysisResult, page_nl: str) -> None:
    area = result.area.iloc[0]
    figs = key_figures(page_nl)
    assert figs["Straatlengte"][0] == f"{format_number(area['street_km'], 1, 'nl')} km"
    # street length and segments count the streets only (core.streets: is_street); the
    # walking network, paths and sidewalks included, is a figure of its own
    street = result.streets["is_street"]
    assert area["street_km"] == pytest.approx(result.streets.loc[street, "length_m"].sum() / 1000,
                                              abs=0.005)
    assert figs["Straatsegmenten"][0] == str(int(street.sum())) == str(area["segments"])
    assert f"{len(result.streets)} segmenten in het hele loopnetwerk" in figs["Straatsegmenten"][1]
    assert int(street.sum()) < len(result.streets)
    assert figs["Lengte van het loopnetwerk"][0] == \
        f"{format_number(area['network_km'], 1, 'nl')} km"
    assert area["network_km"] > area["street_km"]
    assert figs["Functies (winkels, horeca, diensten, ...)"][0] == str(area["functions"])
    assert figs["Noodzakelijke voorzieningen (N)"][0] == str(area["n_count"])
    assert figs["Onderscheidende ondernemers (O)"][0] == str(area["o_count"])
    n, o = area["n_count"], area["o_count"]
    assert figs["Balans N en O"][0] == format_number(1 - abs(n - o) / (n + o), 2, "nl")
    vacancy = figs["Leegstaande winkelpanden (OpenStreetMap)"]
    assert vacancy[0] == share(area["vacancy_share"])
    assert f"{area['vacant_shopfronts']} van {area['shopfronts']} winkelpanden" in vacancy[1]


def test_bag_key_figures_are_pooled_over_the_streets(result: AnalysisResult,
                                                     page_nl: str) -> None:
    st = result.streets
    figs = key_figures(page_nl)
    mxi = st["bag_housing_area_m2"].sum() / st["bag_floor_area_m2"].sum()
    assert figs["Mixed-use Index (MXI): aandeel wonen in de vloeroppervlakte"][0] == share(mxi)
    vacant = st["bag_vacant_units"].sum() / st["nonres_in_use_units"].sum()
    bag_vacancy = figs["Leegstandsindicatie (BAG/KvK)"]
    assert bag_vacancy[0] == share(vacant)
    assert "indicatie" in bag_vacancy[1].lower()  # labelled an indication, not a statistic
    # home-based: over the published counts only (suppressed segments left out, and said so)
    published = st["home_based_est"].notna() & st["active_est"].notna()
    home_share = st.loc[published, "home_based_est"].sum() / st.loc[published, "active_est"].sum()
    home = figs["Bedrijven aan huis onder de vestigingen"]
    assert home[0] == share(home_share)
    assert f"({int(published.sum())} van {len(st)})" in home[1]  # over every segment
    assert report_figures(result)["home_based_share"] == pytest.approx(home_share)


def test_area_pages_show_their_areas_values(areas_result: AnalysisResult) -> None:
    areas = areas_result.areas
    pos = assign_segments(areas_result.streets, areas)
    pois = areas_result.pois[areas_result.pois["in_study_area"]]
    for k, row in areas.iterrows():
        page = build_report(areas_result, lang="en", area=row["area_code"])
        figs = key_figures(page)
        assert figs["Street length"][0] == f"{format_number(row['street_m'] / 1000, 1, 'en')} km"
        street = areas_result.streets["is_street"].to_numpy()
        assert figs["Street segments"][0] == str(row["segments"]) == \
            str(int(((pos == k) & street).sum()))
        in_area = areas_result.streets.loc[pos == k, "length_m"].sum() / 1000
        assert figs["Length of the walking network"][0] == f"{format_number(in_area, 1, 'en')} km"
        assert figs["Mixed-use Index (MXI): housing share of the floor area"][0] == \
            share(row["mxi_pooled"], "en")
        assert figs["Vacancy indication (BAG/KvK)"][0] == share(row["bag_vacant_share_pooled"], "en")
        assert figs["Home-based among the establishments"][0] == \
            share(row["home_based_share_pooled"], "en")
        inside = pois[pois.geometry.intersects(row.geometry)]
        assert figs["Necessary businesses (N)"][0] == str(int((inside["no_class"] == "N").sum()))
        assert figs["Distinctive businesses (O)"][0] == str(int((inside["no_class"] == "O").sum()))
        assert f"<h1>Opportunities per street: {html.escape(row['area_name'])}</h1>" in page


def test_suppressed_values_show_as_suppressed(strict_result: AnalysisResult) -> None:
    row = strict_result.areas.set_index("area_code").loc["BU99990201"]
    assert pd.isna(row["home_based_share_pooled"]) and pd.isna(row["home_based_est_sum"])
    for lang, label, word in (("nl", "Bedrijven aan huis onder de vestigingen", "onderdrukt"),
                              ("en", "Home-based among the establishments", "suppressed")):
        page = build_report(strict_result, lang=lang, area="BU99990201")
        assert key_figures(page)[label][0] == word
        assert report_figures(strict_result, "BU99990201")["home_based_share"] is None
    # an area whose counts pass the threshold shows its share
    page = build_report(strict_result, lang="nl", area="BU99990202")
    other = strict_result.areas.set_index("area_code").loc["BU99990202"]
    assert key_figures(page)["Bedrijven aan huis onder de vestigingen"][0] == \
        share(other["home_based_share_pooled"])


def test_the_privacy_rule_is_stated_with_the_runs_threshold(strict_result: AnalysisResult,
                                                             result: AnalysisResult) -> None:
    assert "aantallen vestigingen kleiner dan 30" in build_report(strict_result)
    assert "establishment counts below 3" in build_report(result, lang="en")
    # OpenStreetMap alone: no establishment figure, no rule
    assert "vestigingen kleiner dan" not in build_report(osm_result())


def test_no_establishment_or_address_reaches_the_page(areas_result: AnalysisResult) -> None:
    _, _, raw = synthetic_inputs()
    pages = [build_report(areas_result, area=a) for a in [None, *areas_result.areas["area_code"]]]
    postcodes = set(raw["postcode"].dropna().astype(str))
    ids = set(raw["vestigingsnummer"].astype(str))
    for page in pages:
        words = set(re.findall(r"[0-9A-Z]{6,12}", page))
        assert not words & postcodes
        assert not words & ids


# ----------------------------------------------------------------------------------- types


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_type_is_listed_with_its_name_and_share(result: AnalysisResult, lang: str) -> None:
    page = build_report(result, lang=lang)
    profile = result.profile
    (rows,) = tables(page, "wk-types")
    listed = {r[0]: r for r in rows[1:]}
    # shares of the *street* length (core.streets: is_street; paths are not counted), with
    # the streets the typology leaves without a type (no address fronts them) in a row of
    # their own, so that the shares add up
    st = result.streets[result.streets["is_street"]]
    total = st["length_m"].sum()
    untyped = UNTYPED["untyped_street"](lang)
    assert set(listed) == set(profile[f"type_name_{lang}"]) | {untyped}
    assert "untyped_street" not in articles(page)  # no profile: it is no opportunity type
    other = "en" if lang == "nl" else "nl"
    for _, p in profile.iterrows():
        name = p[f"type_name_{lang}"]
        sel = st["type_key"] == p["type_key"]
        assert listed[name][1] == str(int(sel.sum())) == str(p["segments"])
        assert listed[name][3] == pct(st.loc[sel, "length_m"].sum() / total, lang)
    sel = st["type_key"] == "untyped_street"
    assert listed[untyped][1] == str(int(sel.sum()))
    assert listed[untyped][3] == pct(st.loc[sel, "length_m"].sum() / total, lang)
    for _, p in profile.iterrows():
        name = p[f"type_name_{lang}"]
        art = articles(page)[p["type_key"]]
        assert html.escape(p[f"description_{lang}"]) in art
        assert html.escape(p[f"type_name_{other}"]) not in page or \
            p[f"type_name_{other}"] == name
    shares = [float(v.replace(",", ".").rstrip(" %")) for v in (r[3] for r in rows[1:])]
    assert sum(shares) == pytest.approx(100, abs=0.3)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_type_says_why_it_has_its_name(result: AnalysisResult, lang: str) -> None:
    """Per type: its name, the explanation (why this name, from its own figures), what it
    means and its rule, in the page's language, with its number of segments."""
    page = build_report(result, lang=lang)
    arts = articles(page)
    other = "en" if lang == "nl" else "nl"
    why, rule = ("Waarom deze naam", "Regel") if lang == "nl" else ("Why this name", "Rule")
    segments = "straatsegmenten" if lang == "nl" else "street segments"
    assert len(result.profile) >= 3
    for _, p in result.profile.iterrows():
        art = arts[p["type_key"]]
        words = text(art)
        assert p[f"explanation_{lang}"], p["type_key"]
        assert html.escape(p[f"explanation_{lang}"]) in art
        assert re.search(rf'<p class="wk-why"><strong>{why}</strong>.*?: '
                         rf'{re.escape(html.escape(p[f"explanation_{lang}"]))}</p>', art)
        assert f'<strong>{rule}</strong>: {html.escape(p[f"rule_{lang}"])}</p>' in art
        assert html.escape(p[f"type_name_{lang}"]) in art
        assert html.escape(p[f"description_{lang}"]) in art
        assert f"{int(p['segments'])} {segments}," in words
        # the other language's sentences are not on the page
        if p[f"explanation_{other}"] != p[f"explanation_{lang}"]:
            assert html.escape(p[f"explanation_{other}"]) not in page
        # the chart stays: one per type
        assert len(re.findall(r"<svg", art)) == 1


def test_an_explanation_from_synthetic_data_is_marked(result: AnalysisResult,
                                                      page_nl: str) -> None:
    """The demo's BAG/KvK are SYNTHETIC: an explanation that quotes their indicators is
    tagged, one made from OpenStreetMap alone is not."""
    from wijkkracht.output.webmap import explained_indicators

    arts = articles(page_nl)
    synthetic = {n for n, ind in INDICATORS.items() if ind.requires in ("bag", "establishments")}
    seen = set()
    for _, p in result.profile.iterrows():
        why = re.search(r'<p class="wk-why">(.*?)</p>', arts[p["type_key"]], re.S).group(1)
        tagged = "SYNTHETISCH" in why.split(":")[0]
        made_of = set(explained_indicators(p.to_dict(), "nl"))
        assert tagged == bool(made_of & synthetic), p["type_key"]
        seen.add(tagged)
    assert seen == {True, False}


def test_the_methods_say_how_the_types_are_made(result: AnalysisResult, page_nl: str,
                                                page_en: str) -> None:
    from wijkkracht.core.archetypes import ARCHETYPES

    assert result.metadata["parameters"]["method"] == "rules"
    nl, en = text(section(page_nl, "methods")), text(section(page_en, "methods"))
    assert "geschreven regel" in nl and "written rule" in en
    assert all(a.name.nl in nl and a.name.en in en for a in ARCHETYPES.values())
    assert "silhouet" not in nl and "silhouette" not in en
    # clusters (an older run, or -k): how k was chosen
    params = dict(result.metadata["parameters"], method="kmeans", k=4)
    for diagnostics, expected in (({"stability": {4: 0.91, 5: 0.876}}, "k = 5: 0.88"),
                                  ({6: 0.31, 7: 0.29}, "silhouette score (k = 6: 0.31"),
                                  ({}, "set beforehand")):
        meta = dict(result.metadata, parameters=params, silhouette=diagnostics)
        page = build_report(replace(result, metadata=meta), lang="en")
        words = text(section(page, "methods"))
        assert "with k-means" in words and expected in words, words
        assert "Missing values filled before clustering" in words


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_streets_by_name_are_the_named_streets_of_the_result(result: AnalysisResult,
                                                             lang: str) -> None:
    """The longest named streets with their main type and every type's share: on the whole
    study area, the figures of ``result.named_streets`` (core.streets.named_streets)."""
    page = build_report(result, lang=lang)
    (rows,) = tables(section(page, "streets-by-name"), "wk-named")
    named = result.named_streets.sort_values(["length_m", "street_id"],
                                             ascending=[False, True], kind="stable")
    top = named.head(len(rows) - 1)
    assert 10 <= len(top) < len(named)
    assert [r[0] for r in rows[1:]] == list(top["street_id"])
    assert [r[1] for r in rows[1:]] == [format_number(v, 0, lang) for v in top["length_m"]]
    assert [r[2] for r in rows[1:]] == [str(v) for v in top["fronting_n"]]
    for r, (_, ns) in zip(rows[1:], top.iterrows(), strict=True):
        # every type with its share, as the core says it (types_nl: "name 54%; ..."), the
        # main type first
        core = [tuple(part.rsplit(" ", 1)) for part in ns[f"types_{lang}"].split("; ")]
        assert r[4] == ", ".join(f"{name} {pct_.rstrip('%')} %" for name, pct_ in core)
        assert core[0][0] == ns[f"main_type_{lang}"]
        assert r[3] == f"{ns[f'main_type_{lang}']} ({core[0][1].rstrip('%')} %)"
        assert abs(float(core[0][1].rstrip("%")) - 100 * ns["main_type_share"]) <= 0.51
    intro = text(section(page, "streets-by-name"))
    assert (f"{len(named)} straten met een naam" if lang == "nl"
            else f"{len(named)} named streets") in intro


def test_streets_by_name_of_an_area_page_are_its_part_of_each_street(
        areas_result: AnalysisResult) -> None:
    page = build_report(areas_result, lang="nl", area=1)
    (rows,) = tables(section(page, "streets-by-name"), "wk-named")
    st = areas_result.streets
    pos = assign_segments(st, areas_result.areas)
    mine = st[(pos == 1) & st["is_street"].to_numpy() & (st["street_id"] != "").to_numpy()]
    lengths = mine.groupby("street_id")["length_m"].sum()
    assert len(rows) > 2
    for r in rows[1:]:
        assert r[1] == format_number(lengths[r[0]], 0, "nl"), r
    shown = [lengths[r[0]] for r in rows[1:]]
    assert shown == sorted(shown, reverse=True)
    assert "het deel van de straat in dit gebied" in text(section(page, "streets-by-name"))


def test_each_type_has_a_profile_chart_from_its_z_scores(result: AnalysisResult,
                                                         page_nl: str) -> None:
    features = [c[2:] for c in result.profile.columns if c.startswith("z_")]
    arts = articles(page_nl)
    colors = type_colors(result.profile["type_key"])
    for _, p in result.profile.iterrows():
        art = arts[p["type_key"]]
        (svg,) = re.findall(r"<svg.*?</svg>", art, re.S)
        labels = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
        for f in features:  # every feature, with its registry label (SYNTHETIC ones marked †)
            assert any(lab.startswith(INDICATORS[f].label("nl")) for lab in labels), f
        # what the type has more of in its colour, what it has less of in grey
        strengths = [f for f in features if p[f"z_{f}"] > 0.05]
        assert (f"fill: {colors[p['type_key']].lower()}" in svg.lower()) == bool(strengths)
        if any(p[f"z_{f}"] < -0.05 for f in features):
            assert "fill: #c9c9c9" in svg.lower()
        # the type's median in its own unit beside each bar, e.g. the N count within 400 m
        assert format_number(p["n_count_400"], 1, "nl") in labels
        assert "mediaan type" in labels


def test_top_streets_are_the_longest_named_streets_of_the_type(result: AnalysisResult,
                                                               page_nl: str) -> None:
    st = result.streets
    arts = articles(page_nl)
    for key in result.profile["type_key"]:
        (rows,) = tables(arts[key], "wk-top")
        # by named street (core.streets: street_id), over its street segments
        sel = st[(st["type_key"] == key) & (st["street_id"] != "") & st["is_street"]]
        expected = sel.groupby("street_id")["length_m"].sum()
        expected = expected.sort_values(ascending=False).head(5)
        assert [r[0] for r in rows[1:]] == list(expected.index)
        assert [r[1] for r in rows[1:]] == [format_number(v, 0, "nl") for v in expected]
        # the last column: the length-weighted mean of the type's strongest feature
        (feature,) = [n for n in INDICATORS if rows[0][3].startswith(INDICATORS[n].label("nl")
                                                                     + " (gemiddeld)")]
        for r in rows[1:]:
            seg = sel[sel["street_id"] == r[0]]
            v = pd.to_numeric(seg[feature]).astype(float)
            if not v.notna().any():  # no value on the street: shown as what that means
                assert not re.search(r"\d", r[3]), (key, r)
                continue
            mean = float((v * seg["length_m"]).sum() / seg.loc[v.notna(), "length_m"].sum())
            shown = float(r[3].replace(",", ".").rstrip(" %"))
            if r[3].endswith("%"):
                assert shown == pytest.approx(100 * mean, abs=0.051), (key, r)
            else:
                assert shown == pytest.approx(mean, abs=0.051), (key, r)


def test_street_and_area_names_are_escaped(result: AnalysisResult) -> None:
    st = result.streets.copy()
    key = result.profile["type_key"].iloc[0]
    top = st[st["type_key"] == key].groupby("street_id")["length_m"].sum().drop(
        "", errors="ignore").idxmax()
    hostile = '</td><script>alert("x")</script><img src=x onerror=alert(1)> & Co'
    # a named street takes its name (street_id) from the OSM name
    st.loc[st["street_id"] == top, ["street_name", "street_id"]] = hostile
    area = result.area.copy()
    area["name"] = "Kanaleneiland <i>&amp;</i></title><script>alert(2)</script>"
    page = build_report(replace(result, streets=st, area=area), lang="nl")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    head = page[:page.index("</head>")]  # the name is also in the print footer's CSS
    assert head.count("</style>") == head.count("</title>") == 1
    assert html.escape(hostile) in page
    assert html.escape(area["name"].iloc[0]) in page
    (rows,) = tables(articles(page)[key], "wk-top")
    assert rows[1][0] == " ".join(hostile.split())  # shown as the text it is


def test_area_names_and_codes_are_escaped(areas_result: AnalysisResult) -> None:
    areas = areas_result.areas.copy()
    areas.loc[0, "area_name"] = "Buurt <script>alert(1)</script> & \"Co\""
    areas.loc[0, "area_code"] = "BU<b>1</b>"
    hostile = replace(areas_result, areas=areas)
    for area in (0, 1):  # its own page, and a page that links to it
        page = build_report(hostile, area=area, basename="k")
        assert "<script" not in page and "<b>" not in page
        assert html.escape('Buurt <script>alert(1)</script> & "Co"') in page
    assert report_pages(hostile, "k")["report_BU-b-1-b"] == "k_report_BU-b-1-b.html"


def test_the_page_holds_no_script_and_loads_nothing(page_nl: str) -> None:
    assert "<script" not in page_nl
    assert not re.search(r'\s(src|href)="(https?:)?//', page_nl)


# ---------------------------------------------------------------------- SYNTHETIC, methods


def test_the_demo_is_announced_as_synthetic(result: AnalysisResult, page_nl: str,
                                            page_en: str) -> None:
    assert result.metadata["synthetic"] == ["bag", "establishments", "opening_hours"]
    assert 'id="synthetic-notice"' in page_nl
    notice = text(page_nl[page_nl.index('id="synthetic-notice"'):])[:300]
    assert "SYNTHETISCHE BAG/KvK/openingstijden-gegevens" in notice
    assert "SYNTHETIC BAG/KvK/opening hours data" in text(
        page_en[page_en.index('id="synthetic-notice"'):])
    assert "(SYNTHETISCH)</title>" in page_nl
    # before the key figures, and every BAG/KvK key figure tagged
    assert page_nl.index("synthetic-notice") < page_nl.index('id="key"')
    key = section(page_nl, "key")
    for label in ("Leegstandsindicatie (BAG/KvK)", "Bedrijven aan huis onder de vestigingen"):
        row = key[key.index(html.escape(label)):]
        assert row[:row.index("</td>")].endswith('SYNTHETISCH</span>')
    # every printed page carries it in its foot (a CSS page-margin box)
    foot = re.search(r"@bottom-left \{ content: \"([^\"]*)\"", page_nl).group(1)
    assert re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), foot) == \
        "⚠ SYNTHETISCHE BAG/KvK/openingstijden-gegevens: niet echt"


def test_real_data_is_not_called_synthetic() -> None:
    page = build_report(osm_result(), lang="nl")
    assert "SYNTHETI" not in page
    assert "Leegstandsindicatie" not in section(page, "key")  # no BAG/KvK figures at all


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_methods_define_every_indicator_of_the_streets(result: AnalysisResult,
                                                       lang: str) -> None:
    page = build_report(result, lang=lang)
    methods = section(page, "definitions")  # the indicator dictionary: appendix B
    present = [n for n in INDICATORS if n in result.streets.columns]
    assert len(present) > 60
    for name in present:
        ind = INDICATORS[name]
        m = re.search(rf'<tr id="def-{name}">(.*?)</tr>', methods, re.S)
        assert m, name
        row = m.group(1)
        assert html.escape(ind.label(lang)) in row
        assert html.escape(UNITS[ind.unit](lang)) in row
        assert html.escape(ind.description(lang)) in row
        if ind.null_meaning is not None:
            assert html.escape(ind.null_meaning(lang)) in row
    assert len(re.findall(r'<tr id="def-', methods)) == len(present)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_methods_give_the_detour_and_the_amenities_counted_once(result: AnalysisResult,
                                                                lang: str) -> None:
    page = build_report(result, lang=lang)
    methods = text(section(page, "methods"))
    check = result.metadata["detour"]
    for key in ("p50", "p90", "p99"):
        assert format_number(check[key], 2, lang) in methods, key
    pairs = f"{check['pairs']:,}".replace(",", "." if lang == "nl" else ",")
    assert pairs in methods
    (detour,) = tables(section(page, "methods"), "wk-detour")
    assert len(detour) == 1 + len(check["by_category"])
    assert [r[2] for r in detour[1:]] == [format_number(v["p90"], 2, lang)
                                          for v in check["by_category"].values()]
    once = result.metadata["counted_once"]["categories"]
    (counted,) = tables(section(page, "methods"), "wk-counted")
    assert [[int(c) for c in r[1:]] for r in counted[1:]] == \
        [[v["rows"], v["objects"], v["counted"]] for v in once.values()]
    assert once["pt_stop"]["counted"] < once["pt_stop"]["objects"]  # platforms of one stop
    # which segments were classified, and what a street is
    params = result.metadata["parameters"]
    what = TYPOLOGY_SEGMENTS[params["typology_segments"]](lang)
    assert f"{what} ({params['typed_segments']}" in methods
    assert ("Straten en paden" if lang == "nl" else "Streets and paths") in methods


def test_the_detour_warning_is_in_the_methods(result: AnalysisResult) -> None:
    meta = dict(result.metadata)
    meta["detour"] = {**meta["detour"], "p90": 2.6}
    page = build_report(replace(result, metadata=meta), lang="en")
    assert "the walking network probably has holes" in text(section(page, "methods"))
    assert "probably has holes" not in build_report(result, lang="en")  # p90 1.96


def test_methods_list_every_source_and_the_parameters(result: AnalysisResult,
                                                      page_nl: str, page_en: str) -> None:
    (rows,) = tables(section(page_en, "methods"), "wk-sources")
    sources = result.metadata["sources"]
    assert len(rows) == 1 + len(sources)
    for row, src in zip(rows[1:], sources, strict=True):
        assert row[0].startswith(" ".join(src["name"].split()))
        assert row[1:] == [src["licence"], src["attribution"], src["date"]]
    assert rows[2][0].endswith("SYNTHETIC")  # the generated BAG/KvK
    (nl_rows,) = tables(section(page_nl, "methods"), "wk-sources")
    assert nl_rows[2][0].endswith("SYNTHETISCH") and "gegenereerd" in nl_rows[2][0]
    (params,) = tables(section(page_nl, "methods"), "wk-params")
    values = {r[0]: r[1] for r in params[1:]}  # settings in words (see test_report_council)
    assert values["Aantal kansentypen"] == str(result.metadata["parameters"]["k"])
    assert result.metadata["parameters"]["method"] == "rules"
    assert values["Methode van de kansentypen"] == "de regels van de kansentypen"
    assert values["Privacydrempel"] == "3"
    assert values["Peildatum vestigingen"] == result.metadata["bag"]["reference_date"]
    assert f"wijkkracht {result.metadata['version']}" in text(section(page_nl, "methods"))


# -------------------------------------------------------------------- maps, pages, writing


def test_static_map_draws_the_streets_in_their_type_colours(result: AnalysisResult,
                                                           page_nl: str) -> None:
    svg = re.search(r'<figure class="wk-map">(<svg.*?</svg>)', page_nl, re.S).group(1)
    strokes = {s.lower() for s in re.findall(r"stroke: (#[0-9a-fA-F]{6})", svg)}
    keys = result.streets["type_key"].unique()
    present = {type_colors(keys)[k].lower() for k in keys}
    assert present <= strokes


def test_pages_per_area_and_their_links(areas_result: AnalysisResult) -> None:
    pages = report_pages(areas_result, "kanaleneiland")
    assert list(pages.values()) == ["kanaleneiland_report.html",
                                    *(f"kanaleneiland_report_{c}.html"
                                      for c in areas_result.areas["area_code"])]
    page = build_report(areas_result, area=1, basename="kanaleneiland")
    nav = re.search(r'<nav class="wk-pages">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == [p for k, p in pages.items()
                                                  if k != "report_BU99990102"]
    with pytest.raises(ValueError, match="no area 'BU0000'"):
        build_report(areas_result, area="BU0000")
    # the segments of an area page are those whose midpoint lies in the area; the types
    # table counts its street segments (with a row for those without a type)
    (rows,) = tables(page, "wk-types")
    pos = assign_segments(areas_result.streets, areas_result.areas)
    street = areas_result.streets["is_street"].to_numpy()
    assert sum(int(r[1]) for r in rows[1:]) == int(((pos == 1) & street).sum())


def test_write_report_writes_pages_and_the_map_together(areas_result: AnalysisResult,
                                                        tmp_path: Path) -> None:
    paths = write_report(areas_result, tmp_path, lang="en", basename="k")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["k.html", "k_report.html", *(f"k_report_{c}.html"
                                      for c in areas_result.areas["area_code"])])
    assert paths["html"] == tmp_path / "k.html"
    page = paths["report"].read_text(encoding="utf-8")
    assert 'src="k.html"' in page and 'href="k.html"' in page
    # a second run keeps the map that is there, and can be limited to some areas
    (tmp_path / "k.html").write_text("the run's own map", encoding="utf-8")
    again = write_report(areas_result, tmp_path / ".", lang="nl", basename="k",
                         areas=["Testbuurt 02-02"])
    assert set(again) == {"report", "report_BU99990202"}
    assert (tmp_path / "k.html").read_text(encoding="utf-8") == "the run's own map"
    assert '<html lang="nl">' in again["report"].read_text(encoding="utf-8")


def test_embedded_map_is_in_the_page(result: AnalysisResult) -> None:
    from wijkkracht.output.webmap import webmap_html

    page = build_report(result, lang="nl", embed_map=True)
    m = re.search(r'<iframe class="wk-frame" title="[^"]*" srcdoc="([^"]*)"', page)
    def same(page: str) -> str:  # Folium names its elements at random
        return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", page)

    assert m and same(html.unescape(m.group(1))) == same(webmap_html(result, lang="nl"))
    assert "<script" not in page.replace(html.escape("<script"), "")  # all inside srcdoc
    # offline: the embedded map carries its JavaScript, so the page needs no internet at all
    page = build_report(result, lang="en", embed_map=True, offline=True)
    doc = html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    assert same(doc) == same(webmap_html(result, lang="en", offline=True))
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', doc)


def test_report_from_the_geopackage_equals_the_report_from_memory(
        areas_result: AnalysisResult, tmp_path: Path) -> None:
    gpkg = write_gpkg(areas_result, tmp_path / "run.gpkg")
    read = result_from_gpkg(gpkg)
    assert list(read.streets.index) == list(areas_result.streets.index)
    # the named streets come back, with the labels of their aggregates
    named = areas_result.named_streets
    assert read.named_streets is not None
    assert list(read.named_streets.columns) == list(named.columns)
    assert list(read.named_streets["street_id"]) == list(named["street_id"])
    assert read.named_streets.attrs["labels"] == named.attrs["labels"]
    assert read.named_streets["main_type_id"].dtype == "Int64"
    for area in (None, "BU99990201"):
        for lang in ("nl", "en"):
            assert build_report(read, lang=lang, area=area, basename="run") == \
                build_report(areas_result, lang=lang, area=area, basename="run")


def test_result_from_gpkg_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        result_from_gpkg(tmp_path / "missing.gpkg")
    import geopandas as gpd
    import shapely

    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs=28992).to_file(
        other, layer="streets")
    with pytest.raises(InputError, match="layer"):
        result_from_gpkg(other)


def test_report_is_deterministic(result: AnalysisResult, page_nl: str) -> None:
    assert build_report(result, lang="nl") == page_nl
    # ids of the inline SVGs do not clash between charts
    ids = re.findall(r'\sid="([^"]+)"', page_nl)
    assert len(ids) == len(set(ids))
    assert np.isfinite(report_figures(result)["no_balance_400"])
