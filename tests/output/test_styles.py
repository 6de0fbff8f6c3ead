"""The style spec and the QML made from it: complete, well-formed, one source of colours."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from importlib import resources
from typing import Any

import pytest

from wijkkracht import styles
from wijkkracht.core.categories import NO_CLASSES
from wijkkracht.core.indicators.registry import INDICATORS
from wijkkracht.core.streets import KINDS, UNTYPED
from wijkkracht.core.typology import ARCHETYPES
from wijkkracht.styles import qml

ARCHETYPE_KEYS = (
    "lively_centre", "everyday_street", "distinctive_street", "work_street", "hidden_economy",
    "vacancy_opportunity", "residential_near_amenities", "mixed_residential", "quiet_residential",
)
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _parse(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>")
    root = ET.fromstring(text)
    assert root.tag == "qgis"
    assert root.get("version", "").startswith("3.22")
    return root


def _symbol_colors(renderer: ET.Element, prop: str = "line_color") -> dict[str, str]:
    """Symbol name -> colour from the Option map, checked against the legacy <prop>."""
    out = {}
    for symbol in renderer.find("symbols"):
        layer = symbol.find("layer")
        option = layer.find(f"Option/Option[@name='{prop}']").get("value")
        legacy = layer.find(f"prop[@k='{prop}']").get("v")
        assert option == legacy
        out[symbol.get("name")] = option
    return out


def _rgba_to_hex(rgba: str) -> str:
    r, g, b, a = (int(x) for x in rgba.split(","))
    assert a == 255
    return f"#{r:02x}{g:02x}{b:02x}"


def test_every_archetype_has_a_distinct_colour() -> None:
    colors = styles.type_colors()
    assert set(ARCHETYPE_KEYS) <= set(colors)
    assert set(ARCHETYPES) <= set(colors), "a typology archetype has no colour in styles/spec.json"
    assert all(HEX.match(c) for c in colors.values())
    assert len({c.lower() for c in colors.values()}) == len(colors)
    assert styles.type_color("no_such_type") == styles.unknown_type_color()


def _lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v / 255) for v in styles.hex_to_rgb(color))
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, \
        0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(t) for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _delta_e(a: str, b: str) -> float:
    """CIE76 colour difference (about 2.3: just noticeable; 10+: clearly different)."""
    return math.dist(_lab(a), _lab(b))


def _hue(color: str) -> float:
    _, a, b = _lab(color)
    return math.degrees(math.atan2(b, a)) % 360


def test_a_second_type_of_an_archetype_takes_a_shade_of_its_colour() -> None:
    lo, hi = styles.load_spec()["types"]["variants"]["lightness"]
    for key in ARCHETYPES:
        base = styles.type_color(key)
        second, third = styles.type_color(f"{key}_2"), styles.type_color(f"{key}_3")
        shades = [base, second, third, styles.type_color(f"{key}_4")]
        assert len({c.lower() for c in shades}) == 4, key
        for shade in shades[1:]:
            assert HEX.match(shade)
            assert _delta_e(base, shade) >= 9.5, (key, shade)  # clearly another type
            assert lo <= _lab(shade)[0] <= hi, (key, shade)  # visible on a light base map
            # the same hue: the legend reads them as one family
            gap = abs(_hue(base) - _hue(shade)) % 360
            assert min(gap, 360 - gap) < 25, (key, shade)
        assert min(_delta_e(a, b) for a, b in ((second, third), (second, shades[3]),
                                               (third, shades[3]))) >= 9.5, key
        # the second lighter where the colour leaves room, the third darker
        if _lab(base)[0] + 20 <= hi:
            assert _lab(second)[0] > _lab(base)[0], key
        if _lab(base)[0] >= 45:
            assert _lab(third)[0] < _lab(base)[0], key
    # the example of the spec's comment: a light colour gets darker shades
    sand = styles.type_color("everyday_street")
    assert _lab(styles.type_color("everyday_street_2"))[0] < _lab(sand)[0]
    # not a numbered type: a segment without a type, or no archetype
    assert styles.type_color("untyped_street_2") == styles.unknown_type_color()
    assert styles.type_color("lively_centre_x") == styles.unknown_type_color()


def test_neutral_types_have_their_own_colours() -> None:
    neutral = styles.load_spec()["types"]["neutral"]["colors"]
    letters = "abcdefghij"
    colors = [styles.type_color(f"mixed_profile_{c}") for c in letters]
    assert colors[:len(neutral)] == neutral
    assert len({c.lower() for c in colors}) == len(colors)  # past the list: shades of it
    archetype_colors = [styles.type_color(f"{k}{n}") for k in ARCHETYPES
                        for n in ("", "_2", "_3")]
    greys = [styles.type_color(k) for k in UNTYPED] + [styles.unknown_type_color()]
    for c in neutral:
        assert min(_delta_e(c, a) for a in archetype_colors) >= 8, c
        assert min(_delta_e(c, g) for g in greys) >= 15, c  # no grey: a type
        # muted: less chroma than any archetype's colour
        chroma = math.hypot(*_lab(c)[1:])
        assert chroma < min(math.hypot(*_lab(styles.type_color(k))[1:]) for k in ARCHETYPES)
    assert min(_delta_e(a, b) for i, a in enumerate(neutral) for b in neutral[i + 1:]) >= 10
    assert styles.type_color("mixed_profile_") == styles.unknown_type_color()
    assert styles.type_color("mixed_profile_A") == styles.unknown_type_color()


def test_type_keys_put_the_types_of_the_data_in_legend_order() -> None:
    assert styles.type_keys() == (*ARCHETYPE_KEYS, "untyped_street", "untyped_path")
    present = ["mixed_profile_b", "quiet_residential", "lively_centre_3", "untyped_path",
               "something_else", "lively_centre_2", "mixed_profile_a", "work_street_2"]
    keys = styles.type_keys(present)
    assert keys[:3] == ("lively_centre", "lively_centre_2", "lively_centre_3")
    assert keys[keys.index("work_street") + 1] == "work_street_2"
    assert keys[-5:] == ("mixed_profile_a", "mixed_profile_b", "something_else",
                         "untyped_street", "untyped_path")
    assert set(keys) == set(ARCHETYPE_KEYS) | set(UNTYPED) | set(present)
    assert list(styles.type_colors(present)) == list(keys)
    assert styles.type_colors(present)["lively_centre_2"] == styles.type_color("lively_centre_2")


def test_type_labels_come_from_the_typology() -> None:
    from wijkkracht.core.archetypes import NEUTRAL

    for key, arch in ARCHETYPES.items():
        assert styles.type_label(key, "nl") == arch.name.nl
        assert styles.type_label(key, "en") == arch.name.en
        assert styles.type_label(f"{key}_2", "en") == f"{arch.name.en} (2)"
    assert styles.type_label("mixed_profile_b", "nl") == NEUTRAL.name.nl.format(letter="B") \
        == "Straattype B: gemengd profiel"
    assert styles.type_label("mixed_profile_a", "en") == "Street type A: mixed profile"
    assert styles.type_label("lively_centre", "en", {"lively_centre": "From data"}) == "From data"
    with pytest.raises(ValueError):
        styles.type_label("lively_centre", "de")


@pytest.mark.parametrize("name", list(INDICATORS))
def test_every_indicator_has_a_graduated_style(name: str) -> None:
    st = styles.indicator_style(name)
    assert len(st.classes) >= 3
    assert all(HEX.match(c) for c in st.colors)
    assert len(set(st.colors)) == len(st.colors)
    lowers = [c.lower for c in st.classes]
    # classes start at 0, or (net change) are open below: "≤ -3"
    assert lowers == sorted(lowers) and (lowers[0] == 0 or st.classes[0].open_below)
    if st.classes[0].open_below:
        assert st.classes[0].label("en") == f"≤ {st.classes[0].upper:g}"
    for prev, nxt in zip(st.classes, st.classes[1:], strict=False):
        assert prev.upper == nxt.lower
    # darker = stronger; near (distances) or more (everything else) gets the strong colour
    lum = [sum(styles.hex_to_rgb(c)) for c in st.colors]
    ramp = styles._indicator_entry(name).get("ramp", st.indicator.group)
    if ramp in styles.load_spec()["graduated"]["diverging_ramps"]:
        # MXI: work (0) and housing (1) at the dark ends, the mix light in between
        assert lum[0] < max(lum) and lum[-1] < max(lum), f"{name}: both ends must be dark"
    elif st.indicator.higher_is == "further":
        assert lum == sorted(lum), f"{name}: near must be the strongest (darkest) colour"
    else:
        assert lum == sorted(lum, reverse=True), f"{name}: more must be the darkest colour"


def test_key_indicators_have_their_own_classes() -> None:
    spec = styles.load_spec()["graduated"]["indicators"]
    keys = styles.key_indicators()
    assert keys, "the registry tags no indicator as 'key'"
    for name in keys:
        explicit = name in spec or any(
            re.fullmatch(p.replace("*", ".*"), name) for p in spec if "*" in p)
        assert explicit, f"key indicator {name} falls back to its unit's default classes"


def test_distance_classes_are_the_walking_thresholds() -> None:
    st = styles.indicator_style("dist_supermarket_m")
    assert st.breaks == (200, 400, 800, 1200)
    assert [label for label, _ in st.legend("nl")][:5] == [
        "≤ 200 m", "200–400 m", "400–800 m", "800–1200 m", "> 1200 m"]
    assert st.color_for(200) == st.colors[0]
    assert st.color_for(200.1) == st.colors[1]
    assert st.color_for(5000) == st.colors[-1]
    assert st.color_for(None) == st.null_color == st.color_for(float("nan"))
    assert st.legend("en")[-1] == (st.indicator.null_meaning.en, st.null_color)


def test_count_classes_have_integer_labels() -> None:
    st = styles.indicator_style("n_count_400")
    labels = [c.label("nl") for c in st.classes]
    assert labels == ["0–2", "3–9", "10–24", "25–49", "≥ 50"]
    assert st.color_for(0) == st.colors[0] and st.color_for(3) == st.colors[1]


def test_values_are_formatted_per_language() -> None:
    assert styles.format_value("dist_supermarket_m", 351.6, "nl") == "352 m"
    assert styles.format_value("shannon_400", 1.234, "nl") == "1,23"
    assert styles.format_value("shannon_400", 1.234, "en") == "1.23"
    meaning = INDICATORS["dist_supermarket_m"].null_meaning
    assert styles.format_value("dist_supermarket_m", None, "en") == meaning.en


def test_poi_classes() -> None:
    assert styles.poi_classes() == ("N", "O", "other", "vacant")
    assert styles.poi_class_of("N", True) == "vacant"
    assert styles.poi_class_of("O", False) == "O"
    assert styles.poi_class_of("", False) is None
    for cls in ("N", "O", "other"):
        assert styles.poi_label(cls, "en") == NO_CLASSES[cls].en
    fills = [styles.poi_style(c).fill for c in styles.poi_classes()]
    assert len(set(fills)) == 4


def _symbol_props(renderer: ET.Element, prop: str) -> dict[str, str]:
    return {s.get("name"): s.find(f"layer/Option/Option[@name='{prop}']").get("value")
            for s in renderer.find("symbols")}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_types_qml(lang: str) -> None:
    root = _parse(qml.types_qml(lang=lang))
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == "type_key"
    cats = renderer.findall("categories/category")
    assert [c.get("value") for c in cats] == list(styles.type_colors())
    # the archetypes, then the two keys of segments without a type (core.streets.UNTYPED)
    assert [c.get("value") for c in cats] == [*ARCHETYPE_KEYS, "untyped_street", "untyped_path"]
    colors = _symbol_colors(renderer)
    for cat in cats:
        expected = styles.type_color(cat.get("value")).lower()
        assert _rgba_to_hex(colors[cat.get("symbol")]) == expected
        key = cat.get("value")
        label = ARCHETYPES[key].name(lang) if key in ARCHETYPES else UNTYPED[key](lang)
        assert cat.get("label") == label
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases["dist_supermarket_m"] == INDICATORS["dist_supermarket_m"].title(lang)
    assert root.find("layerGeometryType").text == "1"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_types_qml_styles_every_type_of_the_data(lang: str) -> None:
    """A second type of an archetype and the neutral types of a result get a category of
    their own, in their colour, named as in the data, in legend order."""
    names = {"lively_centre": "Centrum", "lively_centre_2": "Centrum (2)",
             "mixed_profile_a": "Straattype A", "quiet_residential": "Rustig",
             "untyped_street": "Zonder adressen"}
    for make, attr in ((qml.types_qml, "type_key"), (qml.named_streets_qml, "main_type_key")):
        renderer = _parse(make(lang=lang, names=names)).find("renderer-v2")
        assert renderer.get("attr") == attr
        cats = renderer.findall("categories/category")
        values = [c.get("value") for c in cats]
        assert values == list(styles.type_keys(names))
        assert values[:2] == ["lively_centre", "lively_centre_2"]
        assert values.index("mixed_profile_a") > values.index("quiet_residential")
        colors = _symbol_colors(renderer)
        by_key = {c.get("value"): _rgba_to_hex(colors[c.get("symbol")]) for c in cats}
        assert by_key == {k: c.lower() for k, c in styles.type_colors(names).items()}
        assert len(set(by_key.values())) == len(by_key)
        labels = {c.get("value"): c.get("label") for c in cats}
        assert all(labels[k] == v for k, v in names.items())
        assert labels["work_street"] == ARCHETYPES["work_street"].name(lang)
        # the new types are typed streets: as wide as the archetypes, drawn above the paths
        width = {c.get("value"): float(_symbol_props(renderer, "line_width")[c.get("symbol")])
                 for c in cats}
        assert width["lively_centre_2"] == width["mixed_profile_a"] == width["lively_centre"]


def test_types_qml_styles_the_types_of_a_real_result(result: Any) -> None:
    """Every type a result holds has a category (the GeoPackage's style takes the names from
    the data: :func:`wijkkracht.styles.type_names`)."""
    for lang in ("nl", "en"):
        names = styles.type_names(result.streets, lang)
        renderer = _parse(qml.types_qml(lang=lang, names=names)).find("renderer-v2")
        values = {c.get("value"): c.get("label") for c in renderer.findall("categories/category")}
        present = result.streets.drop_duplicates("type_key").set_index("type_key")
        for key, name in present[f"type_name_{lang}"].items():
            assert values[key] == name
            assert styles.type_color(key) != styles.unknown_type_color(), key


def test_types_qml_draws_paths_thin_light_and_first() -> None:
    """Paths and streets without addresses are no opportunity types: thinner and lighter than
    the typed streets, and drawn under them (symbol levels), so the named streets read first."""
    renderer = _parse(qml.types_qml(lang="nl")).find("renderer-v2")
    assert renderer.get("symbollevels") == "1"
    by_key = {c.get("value"): c.get("symbol") for c in renderer.findall("categories/category")}
    width = {k: float(_symbol_props(renderer, "line_width")[s]) for k, s in by_key.items()}
    passes = {k: int(renderer.find(f"symbols/symbol[@name='{s}']/layer").get("pass"))
              for k, s in by_key.items()}
    typed = [k for k in by_key if k in ARCHETYPES]
    assert width["untyped_path"] < width["untyped_street"] < min(width[k] for k in typed)
    assert passes["untyped_path"] < passes["untyped_street"] < min(passes[k] for k in typed)

    # both neutral greys, the path's the lighter, light enough to recede
    path, street = (styles.hex_to_rgb(styles.type_color(k)) for k in ("untyped_path",
                                                                      "untyped_street"))
    assert len(set(path)) == len(set(street)) == 1
    assert path[0] > street[0] and path[0] >= 0.7 * 255


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_streets_fields_have_aliases_and_kind_labels(lang: str) -> None:
    root = _parse(qml.types_qml(lang=lang))
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    for field in ("kind", "is_street", "street_id", "fronting_n", "type_id", "highway"):
        assert aliases.get(field), field
    assert aliases["street_id"] == ("Straat op naam" if lang == "nl" else "Named street")
    field = root.find("fieldConfiguration/field[@name='kind']")
    assert field.find("editWidget").get("type") == "ValueMap"
    pairs = {o.get("value"): o.get("name")
             for o in field.findall("editWidget/config/Option/Option[@name='map']/Option/Option")}
    assert pairs == {k: label(lang) for k, label in KINDS.items()}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_named_streets_qml(lang: str) -> None:
    labels = {"dist_supermarket_m_mean": {"nl": "Loopafstand supermarkt",
                                          "en": "Walking distance supermarket",
                                          "unit_nl": "m", "unit_en": "m",
                                          "indicator": "dist_supermarket_m", "aggregate": "mean"},
              "mxi_pooled": {"nl": "MXI", "en": "MXI", "unit_nl": "aandeel", "unit_en": "share",
                             "indicator": "mxi", "aggregate": "pooled"}}
    root = _parse(qml.named_streets_qml(lang=lang, labels=labels))
    renderer = root.find("renderer-v2")
    assert renderer.get("attr") == "main_type_key"
    cats = renderer.findall("categories/category")
    assert [c.get("value") for c in cats] == list(styles.type_colors())
    colors = _symbol_colors(renderer)
    assert all(_rgba_to_hex(colors[c.get("symbol")]) == styles.type_color(c.get("value")).lower()
               for c in cats)
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    if lang == "nl":
        assert aliases["dist_supermarket_m_mean"] == \
            "Loopafstand supermarkt (m), gemiddelde naar straatlengte"
        assert aliases["mxi_pooled"] == "MXI (aandeel), over de totalen van de straat"
        assert aliases["main_type_nl"] == "Hoofdtype (meeste lengte)"
    else:
        assert aliases["dist_supermarket_m_mean"] == \
            "Walking distance supermarket (m), mean weighted by street length"
        assert aliases["main_type_en"] == "Main type (most length)"
    assert {"street_id", "length_m", "types_nl", "types_en", "fronting_n"} <= set(aliases)
    assert root.find("layerGeometryType").text == "1"


@pytest.mark.parametrize("name", list(INDICATORS))
def test_indicator_qml(name: str) -> None:
    st = styles.indicator_style(name)
    renderer = _parse(qml.indicator_qml(name, lang="en")).find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol"
    assert renderer.get("attr") == name
    ranges = renderer.findall("ranges/range")
    assert len(ranges) == len(st.classes)
    colors = _symbol_colors(renderer)
    for rng, cls in zip(ranges, st.classes, strict=True):
        assert float(rng.get("lower")) == cls.lower
        if cls.upper is not None:
            assert float(rng.get("upper")) == cls.upper
        else:
            assert float(rng.get("upper")) > 1e6
        assert rng.get("label") == cls.label("en")
        assert _rgba_to_hex(colors[rng.get("symbol")]) == cls.color.lower()


def test_pois_and_area_qml() -> None:
    renderer = _parse(qml.pois_qml(lang="nl")).find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == qml.POI_CLASS_EXPRESSION
    cats = renderer.findall("categories/category")
    assert [c.get("value") for c in cats] == ["N", "O", "other", "vacant"]
    colors = _symbol_colors(renderer, "color")
    for cat in cats:
        expected = styles.poi_style(cat.get("value")).fill.lower()
        assert _rgba_to_hex(colors[cat.get("symbol")]) == expected

    root = _parse(qml.area_qml())
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "singleSymbol"
    symbol = renderer.find("symbols/symbol")
    assert symbol.get("type") == "fill"
    assert _rgba_to_hex(_symbol_colors(renderer)["0"]) == styles.area_style().color.lower()
    assert root.find("layerGeometryType").text == "2"


def test_qml_escapes_labels() -> None:
    text = qml.types_qml(names={"lively_centre": 'A "quoted" <name> & more'})
    cat = _parse(text).find("renderer-v2/categories/category[@value='lively_centre']")
    assert cat.get("label") == 'A "quoted" <name> & more'


def test_spec_ships_with_the_package() -> None:
    text = (resources.files("wijkkracht.styles") / styles.SPEC_FILE).read_text("utf-8")
    assert json.loads(text) == styles.load_spec()
