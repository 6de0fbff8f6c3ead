"""The report a council can take (issue 18, item 3): the summary of findings first, methods and
the indicator dictionary in an appendix at the end, no local paths, settings in words, vacant
shop fronts by address, shares as their registered unit says, and one language throughout.

The demo result (real OSM of Kanaleneiland with SYNTHETIC BAG/KvK, opening hours and spending
flows) is read in Dutch and in English. The one-language check is made from the registered
strings of both languages: for every Dutch/English pair that differs, the Dutch report must not
hold the English text and the English report not the Dutch one.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from wijkkracht.core.labels import Label
from wijkkracht.core.result import AnalysisResult
from wijkkracht.output.report import build_report, report_figures
from wijkkracht.output.report_text import _T
from wijkkracht.styles import format_number

from .test_report_support import key_figures, section, tables, text


@pytest.fixture(scope="module")
def page_nl(result: AnalysisResult) -> str:
    return build_report(result, lang="nl")


@pytest.fixture(scope="module")
def page_en(result: AnalysisResult) -> str:
    return build_report(result, lang="en")


def _pages(page_nl: str, page_en: str) -> dict[str, str]:
    return {"nl": page_nl, "en": page_en}


def _section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


# ------------------------------------------------------------------------- summary first


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_is_the_first_section(result: AnalysisResult, page_nl: str, page_en: str,
                                          lang: str) -> None:
    page = _pages(page_nl, page_en)[lang]
    ids = _section_ids(page)
    assert ids[0] == "summary", ids
    summary = section(page, "summary")
    assert f"<h2>{html.escape(_T[lang]['summary'])}</h2>" in summary
    # nothing but the title, the SYNTHETIC notice and the privacy rule comes before it
    before = text(page[page.index("<body>"):page.index('<section id="summary"')])
    assert "Kerncijfers" not in before and "Key figures" not in before
    for key in ("strongest", "fronts_title", "no_section", "leak_title"):
        assert html.escape(_T[lang][key]) in summary, key


def test_the_summary_names_the_strongest_streets_of_each_type(result: AnalysisResult,
                                                              page_nl: str) -> None:
    (rows,) = tables(section(page_nl, "summary"), "wk-strongest")
    listed = {r[0]: r[2] for r in rows[1:]}
    st = result.streets[result.streets["is_street"].astype(bool)]
    profile = result.profile.set_index("type_key")
    for key, name in profile["type_name_nl"].items():
        sub = st[(st["type_key"] == key) & (st["street_id"].fillna("") != "")]
        if not len(sub):
            continue
        longest = sub.groupby("street_id")["length_m"].sum().sort_values(ascending=False)
        assert name in listed, name
        assert listed[name].startswith(f"{longest.index[0]} ("), (name, listed[name])


def test_the_summary_compares_an_area_with_the_whole_study_area() -> None:
    from .webmap_support import bag_result

    areas = bag_result(3)
    page = build_report(areas, lang="nl", area=0)
    summary = section(page, "summary")
    whole = report_figures(areas)
    assert "Vergeleken met het hele onderzoeksgebied" in text(summary)
    (rows,) = tables(summary, "wk-strongest")
    assert rows[0][2] == "Hele onderzoeksgebied"
    assert f"(hele onderzoeksgebied: {format_number(whole['no_balance'], 2, 'nl')})" in \
        text(summary)


def test_the_summary_says_where_spending_leaks(result: AnalysisResult, page_nl: str) -> None:
    zones = result.spending.zones
    worst = zones.loc[zones["leaked_share"].idxmax()]
    summary = text(section(page_nl, "summary"))
    assert f"Het meest lekt weg uit {worst['name']}: " \
           f"{format_number(worst['leaked_share'], 2, 'nl')}" in summary
    demand = zones["demand"].to_numpy(dtype=float)
    kept = float(np.sum(zones["retained_share"] * demand) / demand.sum())
    assert f"blijft {format_number(kept, 2, 'nl')} in het eigen gebied" in summary


# --------------------------------------------------------------------- vacant fronts by address


_OSM_ID = re.compile(r"\b[NWR]\d{5,}\b")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_vacant_fronts_are_listed_by_street_never_by_osm_id(result: AnalysisResult,
                                                            page_nl: str, page_en: str,
                                                            lang: str) -> None:
    page = _pages(page_nl, page_en)[lang]
    assert not _OSM_ID.search(text(page)), _OSM_ID.search(text(page))
    (rows,) = tables(section(page, "summary"), "wk-fronts")
    pois = result.pois
    vacant = pois[pois["vacant"].astype(bool) & pois["shopfront"].astype(bool)
                  & pois["in_study_area"].astype(bool)]
    assert len(rows) - 1 == len(vacant)
    names = result.streets["street_name"].fillna("")
    named = result.streets[names != ""]
    near = "bij" if lang == "nl" else "near"
    expected = []
    for seg, point in zip(vacant["segment_id"], vacant.geometry, strict=True):
        # the street the front was placed on, else the nearest named street
        name = names.get(seg, "") or \
            named["street_name"].iloc[int(np.argmin(named.distance(point).to_numpy()))]
        expected.append(f"{near} {name}")
    assert sorted(r[0] for r in rows[1:]) == sorted(expected)
    # the spending scenario table names the same fronts the same way
    (scenarios,) = [t for t in tables(section(page, "spending"), "wk-scenarios")
                    if t[0][0] in ("Winkelpand", "Shop front")]
    assert all(r[0].startswith(f"{near} ") for r in scenarios[1:])


def test_vacant_fronts_with_an_osm_address_show_street_and_number(result: AnalysisResult) -> None:
    pois = result.pois.copy()
    vacant = pois.index[pois["vacant"].astype(bool) & pois["shopfront"].astype(bool)
                        & pois["in_study_area"].astype(bool)]
    pois["addr:street"] = None
    pois["addr:housenumber"] = None
    pois.loc[vacant[0], ["addr:street", "addr:housenumber"]] = ["Hammarskjöldhof", "12a"]
    page = build_report(replace(result, pois=pois), lang="nl")
    (rows,) = tables(section(page, "summary"), "wk-fronts")
    assert "Hammarskjöldhof 12a" in [r[0] for r in rows[1:]]
    scenario = text(section(page, "spending"))
    sc = result.spending.scenarios
    if pois.loc[vacant[0], "osm_id"] in set(sc["osm_id"].head(5)):
        assert "Hammarskjöldhof 12a" in scenario


# ----------------------------------------------------------------------------- the appendix


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_methods_and_the_dictionary_are_the_appendix_at_the_end(page_nl: str, page_en: str,
                                                                lang: str) -> None:
    page = _pages(page_nl, page_en)[lang]
    ids = _section_ids(page)
    assert ids[-2:] == ["methods", "definitions"], ids
    assert ids.index("spending") < ids.index("methods")
    assert html.escape(_T[lang]["appendix_methods"]) in section(page, "methods")
    definitions = section(page, "definitions")
    assert html.escape(_T[lang]["appendix_definitions"]) in definitions
    assert definitions.count('<tr id="def-') > 50
    assert 'id="def-' not in page[:page.index('<section id="definitions"')]


# ----------------------------------------------------------------------- no paths, in words


def test_no_local_path_reaches_the_page(result: AnalysisResult) -> None:
    params = dict(result.metadata["parameters"])
    params["categories"] = "/usr/lib/python3/site-packages/wijkkracht/data/poi_categories.csv"
    params["typology_model"] = str(Path.home() / "models" / "typology.json")
    meta = {**result.metadata, "parameters": params}
    page = build_report(replace(result, metadata=meta), lang="nl")
    for path in ("/site-packages", str(Path.home()), tempfile.gettempdir() + "/",
                 str(Path(__file__).resolve().parents[2]), "/usr/lib"):
        assert path not in page, path
    settings = dict((r[0], r[1]) for r in tables(page, "wk-params")[0][1:])
    assert settings["Tabel van de POI-categorieën"] == "eigen bestand poi_categories.csv"
    demo = build_report(result, lang="nl")
    settings = dict((r[0], r[1]) for r in tables(demo, "wk-params")[0][1:])
    assert settings["Tabel van de POI-categorieën"] == "meegeleverd bij wijkkracht"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_settings_are_in_words_with_units(result: AnalysisResult, page_nl: str, page_en: str,
                                          lang: str) -> None:
    from wijkkracht.core.options import OPTIONS

    page = _pages(page_nl, page_en)[lang]
    (rows,) = tables(page, "wk-params")
    settings = {r[0]: r[1] for r in rows[1:]}
    for key in result.metadata["parameters"]:
        assert key not in settings, key
    snap = OPTIONS["snap_distance"].help(lang)
    assert settings[snap[:1].upper() + snap[1:]] == "150 m"
    assert settings[_T[lang]["set_method"]] == _T[lang]["method_rules"]
    assert "{" not in " ".join(settings.values())


# ----------------------------------------------------------------------- shares as registered


def test_shares_are_shown_as_their_registered_unit(result: AnalysisResult, page_nl: str) -> None:
    """Indicators registered as ``aandeel (0–1)`` show as 0–1, as on the map and in QGIS."""
    fig = report_figures(result)
    figs = key_figures(page_nl)
    assert figs["Leegstaande winkelpanden (OpenStreetMap)"][0] == \
        format_number(fig["vacancy_share"], 2, "nl")
    assert figs["Leegstandsindicatie (BAG/KvK)"][0] == format_number(fig["bag_vacant_share"], 2,
                                                                      "nl")
    assert figs["Mixed-use Index (MXI): aandeel wonen in de vloeroppervlakte"][0] == \
        format_number(fig["mxi"], 2, "nl")
    for name, cls in (("vacancy", "wk-per-type"), ("spending", "wk-zones"),
                      ("spending", "wk-scenarios")):
        found = tables(section(page_nl, name), cls)
        assert found, (name, cls)
        for row in (r for t in found for r in t[1:]):
            assert not any(c.endswith("%") for c in row[1:]), (name, row)
    hours = section(page_nl, "hours")
    shares = re.findall(r"<li>([^<]*[Aa]andeel[^<]*): <strong>([^<]*)</strong>", hours)
    assert len(shares) == 2 and all(v.endswith("(aandeel (0–1))") for _, v in shares), shares


def test_each_unit_label_fits_its_indicator() -> None:
    """An effective number names what it counts: building-age diversity is not "functions"."""
    from wijkkracht.core.indicators.registry import INDICATORS, UNITS

    for name, ind in INDICATORS.items():
        unit = UNITS[ind.unit]
        words = f"{ind.label.nl} {ind.description.nl}".lower()
        if "functies" in unit.nl:
            assert "functie" in words, name
        if "bouwperioden" in unit.nl:
            assert "bouw" in words, name
        if "gebruiksdoelen" in unit.nl:
            assert "gebruiksdoel" in words, name
        if ind.unit == "share":
            assert "0–1" in unit.nl and "0–1" in unit.en
    assert "bouwperioden" in UNITS[INDICATORS["age_hill1"].unit].nl


# ------------------------------------------------------------------------------ one language


def _registered_pairs() -> Iterator[tuple[str, str]]:
    """Every registered Dutch/English string pair: the report's words, the indicators (label,
    unit, definition, empty value), sources, categories, options, types and archetypes."""
    from wijkkracht.core.archetypes import ARCHETYPES
    from wijkkracht.core.categories import EVERYDAY
    from wijkkracht.core.indicators.registry import INDICATORS, SOURCES, UNITS
    from wijkkracht.core.options import GROUPS, OPTIONS
    from wijkkracht.output.report_text import _DATA_PHRASES_NL, _SOURCE_NAMES_LANG, _WARNINGS

    for key, nl in _T["nl"].items():
        yield nl, _T["en"][key]
    labels: list[Label] = [*UNITS.values(), *SOURCES.values(), *EVERYDAY.values(),
                           *GROUPS.values(), *(o.help for o in OPTIONS.values())]
    for ind in INDICATORS.values():
        labels += [ind.label, ind.description]
        if ind.null_meaning is not None:
            labels.append(ind.null_meaning)
    for lab in labels:
        yield lab.nl, lab.en
    for a in ARCHETYPES.values():
        yield a.name("nl"), a.name("en")
    for key in _SOURCE_NAMES_LANG["nl"]:
        yield _SOURCE_NAMES_LANG["nl"][key], _SOURCE_NAMES_LANG["en"][key]
    for _, texts in _WARNINGS:
        yield texts["nl"], texts["en"]
    for en, nl in _DATA_PHRASES_NL:  # the tool's own texts in the metadata
        yield nl, en


def _fragments(text_: str) -> list[str]:
    """The fixed parts of a string (placeholders ``{...}`` cut out)."""
    return [f.strip(" .,:;()") for f in re.split(r"\{[^}]*\}", text_)]


def _forbidden(lang: str) -> set[str]:
    """The other language's registered strings that a page in ``lang`` must not hold: every
    fixed part of a pair that differs, unless the same text is also one of ``lang``'s own."""
    own: list[str] = []
    other: set[str] = set()
    for nl, en in _registered_pairs():
        if nl == en:
            continue
        mine, theirs = (nl, en) if lang == "nl" else (en, nl)
        own.append(mine)
        other.update(f for f in _fragments(theirs) if len(f) >= 4 and " " in f
                     or len(f) >= 6)
    own_text = "\n".join(own)
    return {f for f in other if f not in own_text}


def _visible(page: str) -> str:
    """The words a reader sees (styles and column names in ``<code>`` left out)."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<code>.*?</code>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_is_in_one_language(page_nl: str, page_en: str, lang: str) -> None:
    page = _visible(_pages(page_nl, page_en)[lang])
    forbidden = _forbidden(lang)
    assert len(forbidden) > 300
    found = sorted(f for f in forbidden
                   if re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", page))
    assert found == [], found


def test_the_one_language_check_finds_the_other_language(page_nl: str) -> None:
    """The check itself: the English warning and headings of before would be found."""
    forbidden = _forbidden("nl")
    for english in ("Key figures", "SYNTHETIC", "Definitions of the indicators",
                    "generated by wijkkracht", "Spending kept in own area"):
        assert english in forbidden, english
    assert any("so the shares kept are upper bounds" in f for f in forbidden)

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_known_offenders_are_gone(page_nl: str, page_en: str, lang: str) -> None:
    page = _pages(page_nl, page_en)[lang]
    for heading in ("time", "spending", "opening_hours"):
        assert not re.search(rf"<h\d[^>]*>{heading}</h\d>", page), heading
    assert "opening_hours-gegevens" not in page and "opening_hours data" not in page
    visible = _visible(page)
    if lang == "nl":
        for english in ("the streets and shops reach", "upper bounds", "SYNTHETIC ",
                        "generated by wijkkracht", "not real", "power afstandsverval"):
            assert english not in visible, english
        assert "bovengrenzen" in visible  # the spending warning, in Dutch
    else:
        assert "SYNTHETISCH" not in visible and "gegenereerd" not in visible


# ---------------------------------------------------------------------------------- phones


@pytest.mark.browser
def test_tables_fit_a_phone(browser, result: AnalysisResult, tmp_path: Path,
                            screenshot_dir: Path) -> None:
    """At 390 px no table widens the page: wide tables scroll sideways inside it."""
    pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report_phone.html"
    path.write_text(build_report(result, lang="nl"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        wide = page.evaluate("""() => [...document.querySelectorAll('table')]
            .filter(t => t.getBoundingClientRect().right > 391).length""")
        assert wide == 0
        scrolls = page.evaluate("""() => [...document.querySelectorAll('table')]
            .filter(t => t.scrollWidth > t.clientWidth + 1
                         && getComputedStyle(t).overflowX === 'auto').length""")
        assert scrolls > 0  # the wide ones scroll inside the page
        page.screenshot(path=str(screenshot_dir / "report_phone_summary.png"))
    finally:
        page.close()
