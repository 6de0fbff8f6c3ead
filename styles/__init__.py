"""The one style specification of wijkkracht, and its accessors.

Every colour, class break and line width of every output comes from ``spec.json`` beside this
module: the QGIS styles (:mod:`wijkkracht.styles.qml`, stored in the GeoPackage) and the web map
(:mod:`wijkkracht.output.webmap`) both read it through the functions here, so a street has the
same colour in QGIS as in the browser.

* Opportunity types: one colour per archetype key (:func:`type_color`), a colour-blind-friendly
  qualitative palette; a second (third, ...) type of one archetype (``lively_centre_2``) in a
  lighter (darker) shade of its colour, a type no archetype fits (``mixed_profile_a``) in a
  muted neutral colour. :func:`type_keys` and :func:`type_colors` take the keys of the data,
  so a legend or a QGIS style has every type a result holds.
* Indicators: fixed, meaningful classes per indicator (:func:`indicator_style`), e.g. walking
  distances 200/400/800/1200 m. Colour ramps run from weak to strong; for distances
  (``Indicator.higher_is == "further"``) the ramp is reversed, so that *near* gets the strong
  colour.
* POIs: N / O / other / vacant (:func:`poi_style`); the study-area outline (:func:`area_style`).
  POIs that carry only their OSM ``tag`` (the fetched ones) are classified the same way by the
  bundled category table (:func:`poi_tag_class`).
* Source layers: the fetched walking network by segment kind (:func:`network_style`), BAG units
  by use and status (:func:`bag_unit_style`, :func:`bag_unit_class_of`), establishments N / O /
  other from their SBI code, or not active (:func:`establishment_style`).
* Intensity surfaces (:mod:`wijkkracht.core.rasters`): fixed classes and a ramp per surface
  (:func:`raster_style`), for the QGIS raster styles and the map's image overlays.

Labels come from the registries: indicator labels and units from
:mod:`wijkkracht.core.indicators.registry`, N/O classes from
:data:`wijkkracht.core.categories.NO_CLASSES`, type names from
:data:`wijkkracht.core.archetypes.ARCHETYPES` (or from the result's ``type_name_*`` columns).
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..core.categories import NO_CLASSES, Label
from ..core.indicators.registry import Indicator, indicator
from ..core.indicators.registry import key_indicators as _key_indicators

__all__ = [
    "SPEC_FILE",
    "GraduatedClass",
    "GraduatedStyle",
    "PoiStyle",
    "AreaStyle",
    "load_spec",
    "type_keys",
    "type_color",
    "type_colors",
    "type_shade",
    "parse_type_key",
    "unknown_type_color",
    "type_line_width",
    "untyped_keys",
    "is_untyped",
    "type_label",
    "type_names",
    "indicator_style",
    "key_indicators",
    "poi_classes",
    "poi_class_of",
    "poi_style",
    "poi_label",
    "area_style",
    "areas_style",
    "poi_tag_class",
    "NetworkStyle",
    "network_kinds",
    "network_style",
    "network_label",
    "bag_unit_classes",
    "bag_unit_class_of",
    "bag_unit_style",
    "bag_unit_label",
    "establishment_classes",
    "establishment_class_of",
    "establishment_style",
    "establishment_label",
    "synthetic_notice_color",
    "surroundings_colors",
    "RasterStyle",
    "raster_style",
    "format_number",
    "format_value",
    "decimals",
    "hex_to_rgb",
    "qgis_color",
]

SPEC_FILE = "spec.json"

_LANGS = ("nl", "en")


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """Return the parsed style specification (``styles/spec.json``).

    Returns
    -------
    dict
        The specification; cached, so treat it as read-only.
    """
    text = resources.files(__package__).joinpath(SPEC_FILE).read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def _check_lang(lang: str) -> str:
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Convert ``#rrggbb`` to an ``(r, g, b)`` tuple of ints.

    Parameters
    ----------
    color
        A colour as ``#rrggbb`` (case-insensitive).

    Returns
    -------
    tuple of int
        Red, green and blue, 0–255.
    """
    c = color.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"expected a #rrggbb colour, got {color!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def qgis_color(color: str, alpha: int = 255) -> str:
    """Convert ``#rrggbb`` to QGIS's ``"r,g,b,a"`` notation.

    Parameters
    ----------
    color
        A colour as ``#rrggbb``.
    alpha
        Opacity, 0–255.

    Returns
    -------
    str
        E.g. ``"204,102,119,255"``.
    """
    r, g, b = hex_to_rgb(color)
    return f"{r},{g},{b},{alpha}"


# --- opportunity types ---------------------------------------------------------------------

_NUMBERED = re.compile(r"^(?P<base>.+)_(?P<n>[0-9]+)$")


def _base_colors() -> dict[str, str]:
    return {k: str(v) for k, v in load_spec()["types"]["colors"].items()}


def _neutral_spec() -> dict[str, Any]:
    return dict(load_spec()["types"]["neutral"])


def parse_type_key(key: str) -> tuple[str, str, int]:
    """What a type key is: ``(kind, base, n)``.

    Parameters
    ----------
    key
        A type key of a result (``streets["type_key"]``, ``profile["type_key"]``).

    Returns
    -------
    tuple
        ``("archetype", key, 1)`` for a key with a colour in the spec (an archetype, or a
        segment without a type: :func:`untyped_keys`); ``("archetype", base, n)`` for
        ``<base>_<n>``, the n-th type (n >= 2) named after the archetype ``base``;
        ``("neutral", letters, i)`` for ``mixed_profile_<letters>`` (``i``: 0 for ``a``, 1 for
        ``b``, ...); ``("unknown", key, 0)`` otherwise.
    """
    colors = _base_colors()
    if key in colors:
        return "archetype", key, 1
    m = _NUMBERED.match(key)
    if m and m["base"] in colors and not is_untyped(m["base"]) and int(m["n"]) >= 2:
        return "archetype", m["base"], int(m["n"])
    prefix = str(_neutral_spec()["prefix"])
    letters = key[len(prefix):] if key.startswith(prefix) else ""
    if letters and letters.isascii() and letters.isalpha() and letters.islower():
        index = 0
        for ch in letters:  # a..z, then aa, ab, ... (as spreadsheet columns)
            index = index * 26 + (ord(ch) - ord("a") + 1)
        return "neutral", letters, index - 1
    return "unknown", key, 0


def type_keys(present: Iterable[str] = ()) -> tuple[str, ...]:
    """The type keys in legend order: those of the spec, and those of ``present``.

    Parameters
    ----------
    present
        Type keys found in the data (e.g. ``streets["type_key"]``, or the keys of
        :func:`type_names`): a second type of an archetype (``lively_centre_2``), a neutral
        type (``mixed_profile_a``) or a key the spec does not know are added.

    Returns
    -------
    tuple of str
        Every archetype of the spec followed by its numbered types of ``present`` (2, 3, ...),
        then the neutral types of ``present`` (a, b, ...), then unknown keys (sorted), then
        the segments without an opportunity type (:func:`untyped_keys`).
    """
    base = [k for k in _base_colors() if not is_untyped(k)]
    numbered: dict[str, list[tuple[int, str]]] = {k: [] for k in base}
    neutral: list[tuple[int, str]] = []
    unknown: list[str] = []
    for key in dict.fromkeys(str(k) for k in present):
        kind, root, n = parse_type_key(key)
        if kind == "archetype" and n >= 2:
            numbered[root].append((n, key))
        elif kind == "neutral":
            neutral.append((n, key))
        elif kind == "unknown":
            unknown.append(key)
    out: list[str] = []
    for key in base:
        out.append(key)
        out.extend(k for _, k in sorted(numbered[key]))
    out.extend(k for _, k in sorted(neutral))
    out.extend(sorted(unknown))
    out.extend(untyped_keys())
    return tuple(out)


def type_colors(present: Iterable[str] = ()) -> dict[str, str]:
    """Colour (``#rrggbb``) per type key, in legend order (:func:`type_keys`).

    Parameters
    ----------
    present
        Type keys found in the data; without them: the archetypes and the segments without
        a type, the keys of the spec.
    """
    return {key: type_color(key) for key in type_keys(present)}


def _lightness(color: str) -> float:
    """CIE L* (0-100) of an sRGB colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v / 255) for v in hex_to_rgb(color))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


def _mix(color: str, step: float) -> str:
    """``color`` mixed towards white (``step`` > 0) or black (< 0) by ``|step|``."""
    target = 255.0 if step > 0 else 0.0
    rgb = (round(c + (target - c) * abs(step)) for c in hex_to_rgb(color))
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def type_shade(color: str, n: int) -> str:
    """The shade of ``color`` for the n-th type (n >= 2) of one archetype (spec: ``variants``).

    Parameters
    ----------
    color
        The archetype's colour, ``#rrggbb``.
    n
        2 for the second type of the archetype, 3 for the third, ...

    Returns
    -------
    str
        ``#rrggbb``: lighter for 2 and darker for 3 where the colour leaves room (see the
        spec), else the next step; ``color`` itself for ``n`` < 2.
    """
    if n < 2:
        return color
    spec = load_spec()["types"]["variants"]
    lo, hi = (float(v) for v in spec["lightness"])
    steps = [float(s) for s in spec["steps"]]
    shades = [_mix(color, s) for s in steps]
    fit = [c for c in shades if lo <= _lightness(c) <= hi]
    order = fit + [c for c in shades if c not in fit]
    return order[(n - 2) % len(order)]


def type_color(key: str) -> str:
    """The colour of an opportunity type.

    Parameters
    ----------
    key
        A type key: an archetype (``"lively_centre"``) takes its colour of the spec; a second,
        third, ... type of an archetype (``"lively_centre_2"``) a shade of it
        (:func:`type_shade`); a type no archetype fits (``"mixed_profile_a"``) a colour of the
        spec's neutral list (letters past its end: shades of those); a segment without a type
        its own grey.

    Returns
    -------
    str
        ``#rrggbb``; :func:`unknown_type_color` for a key the spec does not know.
    """
    kind, base, n = parse_type_key(key)
    if kind == "archetype":
        return type_shade(_base_colors()[base], n)
    if kind == "neutral":
        colors = [str(c) for c in _neutral_spec()["colors"]]
        round_, i = divmod(n, len(colors))
        return type_shade(colors[i], round_ + 1)
    return unknown_type_color()


def unknown_type_color() -> str:
    """Colour for a street without (or with an unknown) opportunity type."""
    return str(load_spec()["types"]["unknown_color"])


def type_line_width(unit: str = "px", key: str | None = None) -> float:
    """Line width of the type-coloured streets, in ``"px"`` (web) or ``"mm"`` (QGIS).

    Parameters
    ----------
    unit
        ``"px"`` or ``"mm"``.
    key
        A type key: the segments without an opportunity type (:func:`untyped_keys`) have
        their own, thinner widths; ``None`` or any other key: the width of the typed streets.
    """
    types = load_spec()["types"]
    own = types.get("untyped", {}).get(key) if key is not None else None
    return float((own or types)[f"line_width_{unit}"])


def untyped_keys() -> tuple[str, ...]:
    """The type keys of the segments the typology does not classify, in legend order
    (``untyped_street``, ``untyped_path``; :data:`wijkkracht.core.streets.UNTYPED`): they have a
    colour but are no opportunity type, and legends list them apart."""
    return tuple(k for k in load_spec()["types"].get("untyped", {}) if not k.startswith("_"))


def is_untyped(key: str) -> bool:
    """Whether ``key`` is the key of a segment without an opportunity type."""
    return key in untyped_keys()


def type_label(key: str, lang: str = "nl", names: Mapping[str, str] | None = None) -> str:
    """The display name of an opportunity type.

    Parameters
    ----------
    key
        A type key (see :func:`type_color`).
    lang
        ``"nl"`` or ``"en"``.
    names
        Names found in the data (``type_key -> type_name_<lang>``); they win when given.

    Returns
    -------
    str
        The name from ``names``, else from :data:`wijkkracht.core.archetypes.ARCHETYPES` (a
        second type of an archetype with "(2)", a neutral type as "Straattype A: gemengd
        profiel"), or :data:`wijkkracht.core.streets.UNTYPED`, else the key with underscores
        as spaces.
    """
    _check_lang(lang)
    if names and names.get(key):
        return str(names[key])
    from ..core.archetypes import ARCHETYPES, NEUTRAL
    from ..core.streets import UNTYPED

    if key in UNTYPED:
        return str(UNTYPED[key](lang))
    kind, base, n = parse_type_key(key)
    arch = ARCHETYPES.get(base) if kind == "archetype" else None
    if arch is not None:
        return str(arch.name(lang)) + (f" ({n})" if n >= 2 else "")
    if kind == "neutral":
        return str(NEUTRAL.name(lang)).format(letter=base.upper())
    return key.replace("_", " ").capitalize()


def type_names(streets: Any, lang: str = "nl") -> dict[str, str]:
    """Type names as found in the data: ``type_key -> type_name_<lang>``.

    Parameters
    ----------
    streets
        The streets table (a pandas DataFrame) with ``type_key`` and
        ``type_name_nl``/``type_name_en``.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    dict
        Empty when the columns are missing.
    """
    col = f"type_name_{lang}"
    if "type_key" not in streets or col not in streets:
        return {}
    pairs = streets[["type_key", col]].dropna().drop_duplicates("type_key")
    return {str(k): str(v) for k, v in zip(pairs["type_key"], pairs[col], strict=True) if str(v)}


# --- graduated indicator styles --------------------------------------------------------------


def decimals(unit: str) -> int:
    """Number of decimals shown for values of ``unit`` (a key of the registry's ``UNITS``)."""
    return int(load_spec()["graduated"]["decimals"].get(unit, 2))


def format_number(value: float, ndigits: int, lang: str = "nl") -> str:
    """Format a number with ``ndigits`` decimals; Dutch uses a decimal comma.

    Parameters
    ----------
    value
        The number.
    ndigits
        Decimals to show.
    lang
        ``"nl"`` (decimal comma) or ``"en"`` (decimal point).

    Returns
    -------
    str
        E.g. ``"0,25"`` (nl) or ``"0.25"`` (en).
    """
    text = f"{value:.{ndigits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", ",") if _check_lang(lang) == "nl" else text


def format_value(name: str, value: float | None, lang: str = "nl", *,
                 with_unit: bool = True) -> str:
    """Format an indicator value for people: rounded, with unit, null as its meaning.

    Parameters
    ----------
    name
        A registered indicator.
    value
        The value; ``None``/NaN is shown as the indicator's ``null_meaning`` (or "–").
    lang
        ``"nl"`` or ``"en"``.
    with_unit
        Append the unit for metres (``"350 m"``); other units are in the label's title.

    Returns
    -------
    str
        The formatted value.
    """
    ind = indicator(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ind.null_meaning(lang) if ind.null_meaning is not None else "–"
    text = format_number(float(value), decimals(ind.unit), lang)
    return f"{text} m" if with_unit and ind.unit == "m" else text


@dataclass(frozen=True)
class GraduatedClass:
    """One class of a graduated style: values in ``(lower, upper]`` (the first: ``[lower, upper]``).

    Attributes
    ----------
    lower, upper
        Class limits; ``upper`` is ``None`` for the open top class ("above ...").
    color
        ``#rrggbb``.
    first
        Whether this is the first class (its lower limit is included).
    open_below
        The first class of an indicator that can be negative: ``lower`` is only a floor for
        QGIS, the legend reads "≤ upper".
    """

    lower: float
    upper: float | None
    color: str
    first: bool
    unit: str
    integer: bool
    open_below: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in this class (QGIS's rule)."""
        above = value >= self.lower if self.first else value > self.lower
        return above and (self.upper is None or value <= self.upper)

    def label(self, lang: str = "nl") -> str:
        """Legend label, e.g. ``"200–400 m"``, ``"3–9"``, ``"> 1200 m"``."""
        nd = decimals(self.unit)
        suffix = " m" if self.unit == "m" else ""
        if self.first and self.open_below and self.upper is not None:
            return f"≤ {format_number(self.upper, 0 if self.integer else nd, lang)}{suffix}"
        if self.integer:
            lo = int(math.floor(self.lower)) if self.first else int(math.floor(self.lower)) + 1
            if self.upper is None:
                return f"≥ {lo}{suffix}"
            hi = int(math.floor(self.upper))
            return f"{lo}{suffix}" if lo == hi else f"{lo}–{hi}{suffix}"
        lo_s = format_number(self.lower, nd, lang)
        if self.upper is None:
            return f"> {lo_s}{suffix}"
        hi_s = format_number(self.upper, nd, lang)
        if self.first and self.lower == 0:
            return f"≤ {hi_s}{suffix}"
        return f"{lo_s}–{hi_s}{suffix}"


@dataclass(frozen=True)
class GraduatedStyle:
    """The graduated style of one indicator: its classes, colours and null colour."""

    indicator: Indicator
    classes: tuple[GraduatedClass, ...]
    null_color: str
    line_width_px: float
    line_width_mm: float

    @property
    def name(self) -> str:
        """The indicator column."""
        return self.indicator.name

    @property
    def breaks(self) -> tuple[float, ...]:
        """Upper limits of the closed classes."""
        return tuple(c.upper for c in self.classes if c.upper is not None)

    @property
    def colors(self) -> tuple[str, ...]:
        """Class colours from the lowest to the highest values."""
        return tuple(c.color for c in self.classes)

    def color_for(self, value: float | None) -> str:
        """The colour of a value (``null_color`` for None/NaN)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.null_color
        for cls in self.classes:
            if cls.contains(float(value)):
                return cls.color
        # below the minimum: the first class; above a closed top: the last class
        return self.classes[0].color if value < self.classes[0].lower else self.classes[-1].color

    def title(self, lang: str = "nl") -> str:
        """``label (unit)`` from the registry."""
        return self.indicator.title(lang)

    def null_label(self, lang: str = "nl") -> str | None:
        """Legend label for null values, or None when the indicator is never null."""
        nm = self.indicator.null_meaning
        return nm(lang) if nm is not None else None

    def legend(self, lang: str = "nl") -> list[tuple[str, str]]:
        """``(label, colour)`` per class, lowest first, plus the null entry when it exists."""
        items = [(c.label(lang), c.color) for c in self.classes]
        nl = self.null_label(lang)
        if nl is not None:
            items.append((nl, self.null_color))
        return items


def _indicator_entry(name: str) -> dict[str, Any]:
    grad = load_spec()["graduated"]
    entries: dict[str, Any] = {k: v for k, v in grad["indicators"].items() if not k.startswith("_")}
    if name in entries:
        return dict(entries[name])
    for pattern, entry in entries.items():
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatchcase(name, pattern):
            return dict(entry)
    unit = indicator(name).unit
    return dict(grad["unit_defaults"][unit])


def _sample(ramp: list[str], k: int) -> list[str]:
    if k > len(ramp):
        raise ValueError(f"a ramp of {len(ramp)} colours cannot colour {k} classes")
    if k == 1:
        return [ramp[-1]]
    return [ramp[round(i * (len(ramp) - 1) / (k - 1))] for i in range(k)]


@cache
def indicator_style(name: str) -> GraduatedStyle:
    """The graduated style of an indicator, from the spec.

    Parameters
    ----------
    name
        A registered indicator column, e.g. ``"dist_supermarket_m"``.

    Returns
    -------
    GraduatedStyle
        Classes with colours from lowest to highest value. For ``higher_is == "further"``
        (distances) the lowest values get the strongest colour.

    Raises
    ------
    KeyError
        If ``name`` is not a registered indicator.
    """
    ind = indicator(name)
    spec = load_spec()
    grad = spec["graduated"]
    entry = _indicator_entry(name)
    breaks = [float(b) for b in entry["breaks"]]
    if breaks != sorted(breaks) or len(set(breaks)) != len(breaks):
        raise ValueError(f"breaks of {name!r} must increase strictly: {breaks}")
    minimum = float(entry.get("min", 0))
    maximum = entry.get("max")
    ramp = list(spec["ramps"][entry.get("ramp", ind.group)])
    colors = _sample(ramp, len(breaks) + 1)
    if ind.higher_is == "further":
        colors.reverse()
    integer = ind.unit in grad["integer_units"]
    lowers = [minimum, *breaks]
    uppers: list[float | None] = [*breaks, None if maximum is None else float(maximum)]
    classes = tuple(
        GraduatedClass(lower=lo, upper=up, color=col, first=(i == 0), unit=ind.unit,
                       integer=integer, open_below=(i == 0 and minimum < 0))
        for i, (lo, up, col) in enumerate(zip(lowers, uppers, colors, strict=True))
    )
    return GraduatedStyle(
        indicator=ind,
        classes=classes,
        null_color=str(grad["null_color"]),
        line_width_px=float(grad["line_width_px"]),
        line_width_mm=float(grad["line_width_mm"]),
    )


def key_indicators(columns: Iterable[str] | None = None) -> tuple[str, ...]:
    """Indicators tagged ``"key"`` (a map layer and a QGIS style each), in registry order.

    ``columns``: those of the table to show; indicators that need the BAG or establishments
    are then listed only when present. ``None``: all.
    """
    return _key_indicators(columns)


# --- POIs and study area ---------------------------------------------------------------------


@dataclass(frozen=True)
class PoiStyle:
    """Marker style of a POI class."""

    key: str
    fill: str
    stroke: str
    radius_px: float
    size_mm: float


@dataclass(frozen=True)
class AreaStyle:
    """Outline style of the study area (no fill)."""

    color: str
    width_px: float
    width_mm: float
    dash_px: tuple[float, ...]
    label: Label


def poi_classes() -> tuple[str, ...]:
    """The POI classes in legend order: ``N``, ``O``, ``other``, ``vacant``."""
    return tuple(load_spec()["pois"]["order"])


def poi_class_of(no_class: str | None, vacant: bool | None) -> str | None:
    """The map class of a POI: ``vacant`` wins, else its N/O class; None when it has none."""
    if bool(vacant):
        return "vacant"
    if no_class in ("N", "O", "other"):
        return str(no_class)
    return None


def poi_style(cls: str) -> PoiStyle:
    """Marker style of a POI class (``N``, ``O``, ``other`` or ``vacant``)."""
    p = load_spec()["pois"]
    if cls not in p["colors"]:
        raise KeyError(f"unknown POI class {cls!r}; known: {', '.join(p['order'])}")
    return PoiStyle(
        key=cls,
        fill=str(p["colors"][cls]),
        stroke=str(p["stroke_color"]),
        radius_px=float(p["radius_px"]),
        size_mm=float(p["size_mm"]),
    )


def poi_label(cls: str, lang: str = "nl") -> str:
    """Display name of a POI class (N/O/other from the category registry)."""
    _check_lang(lang)
    if cls == "vacant":
        return str(load_spec()["pois"]["vacant_label"][lang])
    return NO_CLASSES[cls](lang)


def area_style() -> AreaStyle:
    """Outline style of the study area."""
    a = load_spec()["area"]
    return AreaStyle(
        color=str(a["outline_color"]),
        width_px=float(a["outline_width_px"]),
        width_mm=float(a["outline_width_mm"]),
        dash_px=tuple(float(d) for d in a["dash_px"]),
        label=Label(str(a["label"]["nl"]), str(a["label"]["en"])),
    )



def areas_style() -> AreaStyle:
    """Outline style of the CBS areas (buurten, wijken) of a run with ``--areas``: solid."""
    a = load_spec()["areas"]
    return AreaStyle(
        color=str(a["outline_color"]),
        width_px=float(a["outline_width_px"]),
        width_mm=float(a["outline_width_mm"]),
        dash_px=(),
        label=Label("CBS-gebieden", "CBS areas"),
    )


def poi_tag_class(tag: str | None, table: Any = None) -> str | None:
    """The map class of a POI known only by its OSM ``tag`` (``key=value``), e.g. a fetched one:
    its N/O class and vacancy from the category table (the bundled one by default; exact tags
    win over ``key=*``), then :func:`poi_class_of`. None when it has no class (e.g. a
    building or a parking)."""
    import pandas as pd

    from ..core.categories import category_table

    row = category_table(table).lookup(pd.Series([str(tag or "")])).iloc[0]
    return poi_class_of(str(row["no_class"]), bool(row["vacant"]))


# --- source layers: walking network, BAG units, establishments -------------------------------


@dataclass(frozen=True)
class NetworkStyle:
    """Line style of a segment kind of the walking network."""

    key: str
    color: str
    width_mm: float
    width_px: float


def network_kinds() -> tuple[str, ...]:
    """The segment kinds of the walking network in legend order (bottom to top)."""
    return tuple(load_spec()["network"]["order"])


def network_style(kind: str) -> NetworkStyle:
    """Line style of a segment kind (a key of :data:`wijkkracht.core.segments.KINDS`)."""
    kinds = load_spec()["network"]["kinds"]
    if kind not in kinds:
        raise KeyError(f"unknown segment kind {kind!r}; known: {', '.join(kinds)}")
    k = kinds[kind]
    return NetworkStyle(key=kind, color=str(k["color"]), width_mm=float(k["line_width_mm"]),
                        width_px=float(k["line_width_px"]))


def network_label(kind: str, lang: str = "nl") -> str:
    """Display name of a segment kind (from :data:`wijkkracht.core.segments.KINDS`)."""
    from ..core.segments import KINDS

    return KINDS[kind](_check_lang(lang))


def bag_unit_classes() -> tuple[str, ...]:
    """The map classes of BAG units in legend order: the uses, then the statuses."""
    return tuple(load_spec()["bag_units"]["order"])


#: BAG statuses of units that do not exist (planned, withdrawn, never built).
_NOT_EXISTING = ("Verblijfsobject gevormd", "Niet gerealiseerd verblijfsobject",
                 "Verblijfsobject ingetrokken", "Verblijfsobject ten onrechte opgevoerd")
_OUT_OF_USE = "Verblijfsobject buiten gebruik"


def bag_unit_class_of(gebruiksdoel: str | None, status: str | None = None) -> str:
    """The map class of a BAG unit (see ``bag_units`` in ``spec.json``).

    ``out_of_use`` or ``not_existing`` by its status; else the first of its non-residential
    uses in legend order; ``woonfunctie`` when that is its only use; ``unknown`` without a use.

    Examples
    --------
    >>> bag_unit_class_of("woonfunctie,winkelfunctie", "Verblijfsobject in gebruik")
    'winkelfunctie'
    >>> bag_unit_class_of("woonfunctie", "Verblijfsobject buiten gebruik")
    'out_of_use'
    """
    if status == _OUT_OF_USE:
        return "out_of_use"
    if status in _NOT_EXISTING:
        return "not_existing"
    uses = {u.strip() for u in str(gebruiksdoel or "").split(",")}
    for cls in bag_unit_classes():
        if cls in uses:
            return cls
    return "unknown"


def bag_unit_style(cls: str) -> PoiStyle:
    """Marker style of a BAG unit class (housing smaller than the other uses)."""
    b = load_spec()["bag_units"]
    if cls not in b["classes"]:
        raise KeyError(f"unknown BAG unit class {cls!r}; known: {', '.join(b['order'])}")
    entry = b["classes"][cls]
    small = cls == "woonfunctie"
    return PoiStyle(key=cls, fill=str(entry["color"]),
                    stroke=str(entry.get("stroke_color", b["stroke_color"])),
                    radius_px=float(b["residential_radius_px" if small else "radius_px"]),
                    size_mm=float(b["residential_size_mm" if small else "size_mm"]))


def bag_unit_label(cls: str, lang: str = "nl") -> str:
    """Display name of a BAG unit class."""
    return str(load_spec()["bag_units"]["classes"][cls]["label"][_check_lang(lang)])


def establishment_classes() -> tuple[str, ...]:
    """The map classes of establishments in legend order: ``N``, ``O``, ``other``,
    ``inactive``."""
    return tuple(load_spec()["establishments"]["order"])


def establishment_class_of(no_class: str | None, active: bool | None = True) -> str:
    """The map class of an establishment: ``inactive`` wins, else its SBI N/O class (a code
    the mapping does not class counts as ``other``)."""
    if active is not None and not bool(active):
        return "inactive"
    return str(no_class) if no_class in ("N", "O") else "other"


def establishment_style(cls: str) -> PoiStyle:
    """Marker style of an establishment class (N/O/other in the POI colours)."""
    e = load_spec()["establishments"]
    if cls not in e["order"]:
        raise KeyError(f"unknown establishment class {cls!r}; known: {', '.join(e['order'])}")
    fill = str(e["inactive_color"]) if cls == "inactive" else poi_style(cls).fill
    return PoiStyle(key=cls, fill=fill, stroke=str(load_spec()["pois"]["stroke_color"]),
                    radius_px=float(e["radius_px"]), size_mm=float(e["size_mm"]))


def establishment_label(cls: str, lang: str = "nl") -> str:
    """Display name of an establishment class (N/O/other as for the POIs)."""
    if cls == "inactive":
        return str(load_spec()["establishments"]["inactive_label"][_check_lang(lang)])
    return poi_label(cls, lang)


def synthetic_notice_color() -> str:
    """Colour of the notice and tags that say an input is SYNTHETIC."""
    return str(load_spec()["notice"]["synthetic_color"])


# --- intensity surfaces (rasters) ------------------------------------------------------------


@dataclass(frozen=True)
class RasterStyle:
    """The discrete colour classes of an intensity surface (``rasters`` section of the spec).

    A value of exactly 0 (nothing within reach) and nodata are transparent; a value in
    ``(0, breaks[0]]`` takes the first colour, ``(breaks[i-1], breaks[i]]`` colour ``i``, and
    everything above the last break the last colour.

    Attributes
    ----------
    name
        The surface (a key of :data:`wijkkracht.core.rasters.SURFACES`).
    unit
        Its unit key (``per_km2``, ``species``).
    breaks
        Upper limits of the closed classes, increasing.
    colors
        ``#rrggbb`` per class, weak to strong (one more than ``breaks``).
    opacity
        Layer opacity (0–1) in QGIS and on the map.
    decimals
        Decimals of the legend labels.
    """

    name: str
    unit: str
    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    opacity: float
    decimals: int

    def class_of(self, value: float | None) -> int | None:
        """Index of the class of ``value``; None for transparent (None, NaN, 0 or below)."""
        if value is None or math.isnan(value) or value <= 0:
            return None
        for i, upper in enumerate(self.breaks):
            if value <= upper:
                return i
        return len(self.breaks)

    def color_for(self, value: float | None) -> str | None:
        """The colour of ``value`` (None: transparent)."""
        i = self.class_of(value)
        return None if i is None else self.colors[i]

    def legend(self, lang: str = "nl") -> list[tuple[str, str]]:
        """``(label, colour)`` per class, lowest first, e.g. ``("10–25", "#99d8c9")``."""
        _check_lang(lang)
        nd = self.decimals

        def num(v: float) -> str:
            return format_number(v, nd, lang)

        items = [(f"≤ {num(self.breaks[0])}", self.colors[0])]
        items += [(f"{num(lo)}–{num(hi)}", col) for lo, hi, col in
                  zip(self.breaks[:-1], self.breaks[1:], self.colors[1:-1], strict=True)]
        items.append((f"> {num(self.breaks[-1])}", self.colors[-1]))
        return items

    def rgba(self, values: Any, nodata: float | None = None) -> Any:
        """RGBA image (``uint8``, ``(rows, cols, 4)``) of a surface array, for a map overlay.

        Transparent where the value is nodata, NaN or not above 0; other cells take their
        class colour at :attr:`opacity`.
        """
        import numpy as np

        arr = np.asarray(values, dtype=np.float64)
        clear = ~np.isfinite(arr) | (arr <= 0)
        if nodata is not None:
            clear |= arr == nodata
        idx = np.searchsorted(np.asarray(self.breaks, dtype=np.float64),
                              np.where(clear, 0.0, arr), side="left")
        table = np.array([(*hex_to_rgb(c), round(255 * self.opacity)) for c in self.colors],
                         dtype=np.uint8)
        out = table[np.minimum(idx, len(self.colors) - 1)]
        out[clear] = 0
        return out


@cache
def raster_style(name: str) -> RasterStyle:
    """The style of an intensity surface, from the spec's ``rasters`` section.

    Parameters
    ----------
    name
        A registered surface, e.g. ``"business_intensity"``.

    Returns
    -------
    RasterStyle

    Raises
    ------
    KeyError
        If ``name`` is not a registered surface or has no entry in the spec.
    """
    from ..core.rasters import surface_kind

    kind = surface_kind(name)
    spec = load_spec()
    section = spec["rasters"]
    entry = section["surfaces"].get(name)
    if entry is None:
        raise KeyError(f"surface {name!r} has no style in the spec's 'rasters' section")
    breaks = tuple(float(b) for b in entry["breaks"])
    if list(breaks) != sorted(set(breaks)) or not breaks or breaks[0] <= 0:
        raise ValueError(f"breaks of surface {name!r} must be positive and increase strictly: "
                         f"{breaks}")
    ramp = entry["ramp"]
    colors = list(spec["ramps"][ramp]) if isinstance(ramp, str) else list(ramp)
    return RasterStyle(name=name, unit=kind.unit, breaks=breaks,
                       colors=tuple(_sample(colors, len(breaks) + 1)),
                       opacity=float(entry.get("opacity", section["opacity"])),
                       decimals=int(section["decimals"].get(kind.unit, 1)))


def surroundings_colors() -> dict[str, str]:
    """Colours of the base map drawn from the data (``ground``, ``area``, ``street``,
    ``building``) and of the search highlight (``highlight_halo``, ``highlight_core``)."""
    return {k: str(v).lower() for k, v in load_spec()["surroundings"].items()
            if not k.startswith("_")}
