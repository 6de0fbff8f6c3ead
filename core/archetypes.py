"""Names for opportunity types, by written rules on what the type's streets have.

A type name is a claim about the streets of the type. The clustering
(:mod:`wijkkracht.core.typology`) finds groups of streets; this module names each group by
the first *archetype* whose rule holds on the group's own figures, in absolute, explainable
quantities — "Straat van de dagelijkse boodschappen" only where everyday shops are at the
street. When no rule holds the type gets a neutral name (*Straattype B: gemengd profiel*):
never a forced match. Each name goes to the type that passes its rule most clearly.

Rules
-----
An archetype's rule is a list of alternatives, each a list of conditions that must all hold
(so "work street" holds on OpenStreetMap's non-residential share *or* on the BAG's housing
share). A condition reads one indicator column over the type's segments:

* ``median``: the median over the type's segments (nulls left out) compared with a value,
  e.g. "median functions within 400 m ≥ 30";
* ``share``: the share of the type's segments whose value passes the comparison, at least
  ``share``, e.g. "at least half the segments have an N business within 100 m";

Every threshold is absolute (in the indicator's unit), never a rank among the streets at
hand: a name means the same in a village and in a city centre, in every area of a batch.

A condition on a column the data lack (no BAG, no establishments) does not hold. The
archetypes are taken in the order of :data:`ARCHETYPES` (precedence); each goes to the type
that passes its rule most clearly among those not yet named (:func:`name_types`). A type
for which only taken names hold gets the first of them with "(2)", its own figures in its
explanation.

Every type gets a one-sentence explanation (Dutch and English) made from its figures: why
this name (the rule's quantities for the type), or for a neutral type what sets it apart.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .categories import Label

__all__ = ["Condition", "Archetype", "ARCHETYPES", "NEUTRAL", "TypeName", "name_types",
           "rule_text", "NAMING_COLUMNS"]


@dataclass(frozen=True)
class Condition:
    """One condition of a rule (see the module docstring).

    ``quantity`` is an indicator column; ``op`` ``">="`` or ``"<="``; ``value`` the
    threshold in the indicator's unit; ``share`` the
    least share of segments for ``stat="share"`` (a segment without a value does not pass);
    ``key`` the name of a share's figure in the explanation (default ``<quantity>_share``).
    """

    quantity: str
    op: str
    value: float
    stat: str = "median"
    share: float = 0.5
    key: str | None = None

    @property
    def figure_key(self) -> str:
        """The name of the condition's figure in explanations (``<quantity>_share`` for a
        share condition unless ``key`` names it)."""
        if self.key:
            return self.key
        return f"{self.quantity}_{'share' if self.stat == 'share' else self.stat}"

    def measure(self, frame: pd.DataFrame, reference: pd.DataFrame | None) -> float:
        """The condition's figure for a type whose segments are ``frame``: its median (of
        the segments with a value), or its share of segments passing (NaN when it has
        none)."""
        if self.stat == "share":
            if self.quantity not in frame or not len(frame):
                return float("nan")
            v = pd.to_numeric(frame[self.quantity], errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                passed = v >= self.value if self.op == ">=" else v <= self.value
            return float(passed.mean())  # no value: does not pass
        values = _values(frame, self.quantity)
        if not len(values):
            return float("nan")
        return float(np.median(values))

    def holds(self, frame: pd.DataFrame, reference: pd.DataFrame | None) -> bool:
        """Whether the condition holds for a type whose segments are ``frame``."""
        if self.quantity not in frame:
            return False
        figure = self.measure(frame, reference)
        if not np.isfinite(figure):
            return False
        if self.stat == "share":
            return figure >= self.share
        return figure >= self.value if self.op == ">=" else figure <= self.value


def _values(frame: pd.DataFrame | None, column: str) -> np.ndarray:
    if frame is None or column not in frame:
        return np.zeros(0)
    v = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return v[np.isfinite(v)]


@dataclass(frozen=True)
class Archetype:
    """A named opportunity type and the rule that earns the name.

    ``description`` says what the type means for a planner (strength, opportunity);
    ``explain`` is the sentence template of the explanation, with ``{column}`` placeholders
    filled with the type's medians (``{column:.0f}`` etc.) and ``{share:.0%}``-style fields
    from :func:`_explain_values`.
    """

    key: str
    name: Label
    description: Label
    rule: tuple[tuple[Condition, ...], ...]
    explain: tuple[Label, ...]

    def holding(self, frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> int | None:
        """The first alternative of the rule that holds for the segments in ``frame`` (one
        type's rows), or None."""
        for i, alternative in enumerate(self.rule):
            if all(c.holds(frame, reference) for c in alternative):
                return i
        return None

    def holds(self, frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> bool:
        """Whether the rule holds for the segments in ``frame`` (one type's rows)."""
        return self.holding(frame, reference) is not None


def _c(quantity: str, op: str, value: float, stat: str = "median", share: float = 0.5,
       key: str | None = None) -> Condition:
    return Condition(quantity, op, float(value), stat, float(share), key)


def _arch(key: str, nl: str, en: str, dnl: str, den: str,
          rule: Sequence[Sequence[Condition]], *explain: str) -> Archetype:
    """An archetype; ``explain`` gives a Dutch and an English template per alternative."""
    labels = tuple(Label(explain[i], explain[i + 1]) for i in range(0, len(explain), 2))
    if len(labels) != len(rule):
        raise ValueError(f"{key}: one explanation per alternative of the rule")
    return Archetype(key, Label(nl, en), Label(dnl, den),
                     tuple(tuple(alt) for alt in rule), labels)


#: The archetypes in order of precedence (see the module docstring).
ARCHETYPES: dict[str, Archetype] = {a.key: a for a in (
    _arch("vacancy_opportunity", "Kans: leegstand om te vullen",
          "Opportunity: vacant shop fronts to fill",
          "Leegstaande winkelpanden tussen bestaande bedrijvigheid: ruimte voor nieuwe "
          "ondernemers.",
          "Vacant shop fronts among existing business: space for new entrepreneurs.",
          [[_c("vacancy_share_400", ">=", 0.15), _c("vacant_400", ">=", 3)],
           [_c("bag_vacant_share", ">=", 0.25), _c("nonres_units_per_100m", ">=", 0.5)]],
          "Binnen 400 m staat {vacancy_share_400:.0%} van de winkelpanden leeg "
          "({vacant_400:.0f} panden; leegstand bepaalt dit type vanaf 15% en 3 panden).",
          "Within 400 m, {vacancy_share_400:.0%} of the shop fronts are vacant "
          "({vacant_400:.0f} fronts; vacancy defines this type from 15% and 3 fronts).",
          "{bag_vacant_share:.0%} van de niet-woonobjecten aan de straat heeft geen actief "
          "bedrijf, bij {nonres_units_per_100m:.1f} niet-woonobjecten per 100 m (leegstand "
          "bepaalt dit type vanaf een kwart).",
          "{bag_vacant_share:.0%} of the non-residential units on the street have no active "
          "business, with {nonres_units_per_100m:.1f} such units per 100 m (vacancy defines "
          "this type from a quarter)."),
    _arch("lively_centre", "Levendig gemengd centrum", "Lively mixed centre",
          "Veel en veelsoortige functies, N en O samen: een kern om te koesteren en te "
          "versterken.",
          "Many and varied functions, N and O together: a core to cherish and strengthen.",
          [[_c("functions_400", ">=", 30), _c("n_count_400", ">=", 8),
            _c("o_count_400", ">=", 8), _c("hill1_400", ">=", 6)]],
          "Binnen 400 m liggen {functions_400:.0f} functies van {hill1_400:.1f} soorten, "
          "{n_count_400:.0f} noodzakelijke en {o_count_400:.0f} onderscheidende (een centrum "
          "vanaf 30 functies van 6 soorten, met minstens 8 N en 8 O).",
          "Within 400 m lie {functions_400:.0f} functions of {hill1_400:.1f} kinds, "
          "{n_count_400:.0f} necessary and {o_count_400:.0f} distinctive (a centre from 30 "
          "functions of 6 kinds, with at least 8 N and 8 O)."),
    _arch("everyday_street", "Straat van de dagelijkse boodschappen", "Everyday shopping street",
          "Dagelijkse voorzieningen aan de straat; kans om onderscheidende ondernemers toe te "
          "voegen.",
          "Everyday necessities at the street; room to add distinctive businesses.",
          [[_c("n_count_100", ">=", 1, "share", 0.5), _c("n_supermarket_400", ">=", 1)]],
          "{n_count_100_share:.0%} van de segmenten heeft een noodzakelijke voorziening "
          "binnen 100 m en de mediaan heeft {n_supermarket_400:.0f} supermarkt(en) binnen "
          "400 m (dit type: minstens de helft en minstens 1).",
          "{n_count_100_share:.0%} of the segments have a necessary business within 100 m and "
          "the median has {n_supermarket_400:.0f} supermarket(s) within 400 m (this type: at "
          "least half, and at least 1)."),
    _arch("distinctive_street", "Onderscheidende ondernemersstraat", "Distinctive business street",
          "Speciaalzaken, ambachten en horeca geven identiteit; kans om dagelijkse "
          "voorzieningen te binden.",
          "Specialty shops, crafts and food give identity; room to anchor everyday services.",
          [[_c("o_count_100", ">=", 2, "share", 0.5), _c("o_count_400", ">=", 8)]],
          "{o_count_100_share:.0%} van de segmenten heeft minstens 2 onderscheidende "
          "ondernemers binnen 100 m, en de mediaan {o_count_400:.0f} binnen 400 m (dit type: "
          "minstens de helft, en minstens 8).",
          "{o_count_100_share:.0%} of the segments have at least 2 distinctive businesses "
          "within 100 m, and the median {o_count_400:.0f} within 400 m (this type: at least "
          "half, and at least 8)."),
    _arch("work_street", "Werk- en bedrijvenstraat", "Work and business street",
          "Veel niet-woongebouwen: werkgelegenheid en ruimte voor bedrijvigheid.",
          "Many non-residential buildings: jobs and room for enterprise.",
          [[_c("nonres_share_400", ">=", 0.25)], [_c("mxi_400", "<=", 0.5)],
           [_c("nonres_units_per_100m", ">=", 1.5)]],
          "Binnen 400 m is {nonres_share_400:.0%} van de gebouwen geen woning (een werkstraat "
          "vanaf een kwart).",
          "Within 400 m, {nonres_share_400:.0%} of the buildings are not homes (a work street "
          "from a quarter).",
          "Binnen 400 m is maar {mxi_400:.0%} van het vloeroppervlak wonen (een werkstraat "
          "onder de helft).",
          "Within 400 m only {mxi_400:.0%} of the floor area is housing (a work street below "
          "half).",
          "Aan de straat liggen {nonres_units_per_100m:.1f} niet-woonobjecten per 100 m (een "
          "werkstraat vanaf 1,5).",
          "The street has {nonres_units_per_100m:.1f} non-residential units per 100 m (a work "
          "street from 1.5)."),
    _arch("hidden_economy", "Woonstraat met bedrijven aan huis",
          "Residential street with home-based businesses",
          "Veel bedrijven staan op woonadressen ingeschreven: verborgen bedrijvigheid om te "
          "zien en te steunen.",
          "Many businesses are registered at homes: a hidden economy to see and support.",
          [[_c("home_based_share", ">=", 0.5, "share", 0.5), _c("mxi_400", ">=", 0.6)]],
          "Aan {home_based_share_share:.0%} van de segmenten staat het merendeel van de "
          "bedrijven op een woonadres ingeschreven, in een woonomgeving met {mxi_400:.0%} "
          "woonoppervlak binnen 400 m (dit type: minstens de helft van de segmenten, en "
          "minstens 60% wonen).",
          "On {home_based_share_share:.0%} of the segments most businesses are registered at "
          "a home address, in a residential setting with {mxi_400:.0%} housing floor area "
          "within 400 m (this type: at least half the segments, and at least 60% housing)."),
    _arch("mixed_residential", "Gemengde woonstraat", "Mixed residential street",
          "Wonen met veel en veelsoortige functies dichtbij: de fijnmazige menging waarop te "
          "bouwen is.",
          "Homes with many and varied functions close by: the fine-grained mix to build on.",
          [[_c("functions_400", ">=", 15, "share", 0.6), _c("hill1_400", ">=", 5)]],
          "{functions_400_share:.0%} van de segmenten heeft minstens 15 functies binnen 400 m, "
          "van {hill1_400:.1f} soorten (dit type: minstens 60% van de segmenten en 5 soorten), "
          "zonder de dichtheid van een centrum.",
          "{functions_400_share:.0%} of the segments have at least 15 functions within 400 m, "
          "of {hill1_400:.1f} kinds (this type: at least 60% of the segments, and 5 kinds), "
          "without the density of a centre."),
    _arch("residential_near_amenities", "Woonstraat met voorzieningen op loopafstand",
          "Residential street with amenities within walking distance",
          "Rustig wonen met de dagelijkse voorzieningen binnen tien minuten lopen.",
          "Quiet living with everyday amenities within a ten-minute walk.",
          [[_c("everyday_800", ">=", 4, "share", 0.5),
            _c("dist_supermarket_m", "<=", 500, "share", 0.5)]],
          "Van {everyday_800_share:.0%} van de segmenten liggen minstens 4 van de 6 dagelijkse "
          "voorzieningen binnen 800 m en van {dist_supermarket_m_share:.0%} de supermarkt "
          "binnen 500 m lopen (dit type: elk voor minstens de helft).",
          "{everyday_800_share:.0%} of the segments have at least 4 of the 6 everyday amenities "
          "within 800 m and {dist_supermarket_m_share:.0%} a supermarket within a 500 m walk "
          "(this type: each for at least half)."),
    _arch("quiet_residential", "Rustige woonstraat, voorzieningen verder weg",
          "Quiet residential street, amenities further away",
          "Woonstraat op afstand van voorzieningen: kans voor kleinschalige bedrijvigheid aan "
          "huis.",
          "Residential street at a distance from amenities: room for small home-based "
          "business.",
          [[_c("everyday_800", "<=", 3, "share", 0.5, key="everyday_800_few_share")],
           [_c("dist_supermarket_m", ">=", 800)]],
          "Van {everyday_800_few_share:.0%} van de segmenten liggen hoogstens 3 van de 6 "
          "dagelijkse voorzieningen binnen 800 m (dit type: minstens de helft); de supermarkt "
          "ligt op {dist_supermarket_m:.0f} m lopen.",
          "{everyday_800_few_share:.0%} of the segments have at most 3 of the 6 everyday "
          "amenities within 800 m (this type: at least half); the supermarket is a "
          "{dist_supermarket_m:.0f} m walk.",
          "De supermarkt ligt op {dist_supermarket_m:.0f} m lopen (dit type vanaf 800 m); "
          "{everyday_800:.0f} van de 6 dagelijkse voorzieningen binnen 800 m.",
          "The supermarket is a {dist_supermarket_m:.0f} m walk (this type from 800 m); "
          "{everyday_800:.0f} of the 6 everyday amenities lie within 800 m."),
)}

#: The neutral type: no archetype's rule holds.
NEUTRAL = Archetype(
    "mixed_profile", Label("Straattype {letter}: gemengd profiel", "Street type {letter}: mixed "
                                                                  "profile"),
    Label("Geen van de benoemde typen past: zie het profiel.",
          "None of the named types fits: see the profile."),
    (), ())

#: Indicator columns the rules and explanations read (beyond the typology's features).
NAMING_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    c.quantity for a in ARCHETYPES.values() for alt in a.rule for c in alt))


def rule_columns_missing(columns: Sequence[str]) -> list[str]:
    """The rules' OpenStreetMap columns that ``columns`` lack: without them a segment would
    silently fall to a later type, so the typology refuses (BAG and establishment columns may
    be missing: their types then do not occur)."""
    from .indicators.registry import INDICATORS

    have = set(columns)
    return [c for c in NAMING_COLUMNS
            if c not in have and (c not in INDICATORS or INDICATORS[c].requires == "osm")]


@dataclass(frozen=True)
class TypeName:
    """The name a type earned: ``key`` (an archetype key, with ``_2`` for a second type of
    the same archetype, or ``mixed_profile_<letter>``), names, description, explanation and
    the rule, in Dutch and English."""

    key: str
    archetype: str
    name: Label
    description: Label
    explanation: Label
    rule: Label
    figures: dict[str, float] = field(default_factory=dict)


def rule_text(arch: Archetype, lang: str = "nl") -> str:
    """The rule of an archetype in words, from the indicator registry's labels."""
    parts = []
    for alt in arch.rule:
        conds = []
        for c in alt:
            op = "≥" if c.op == ">=" else "≤"
            value = f"{c.value:g}"
            if c.stat == "share":
                conds.append(
                    f"op minstens {c.share:.0%} van de segmenten {_label(c.quantity, lang)} {op} {value}"
                    if lang == "nl" else
                    f"on at least {c.share:.0%} of the segments {_label(c.quantity, lang)} {op} {value}")
            else:
                conds.append(f"mediaan {_label(c.quantity, lang)} {op} {value}" if lang == "nl"
                             else f"median {_label(c.quantity, lang)} {op} {value}")
        parts.append(" en ".join(conds) if lang == "nl" else " and ".join(conds))
    joiner = "; of " if lang == "nl" else "; or "
    return joiner.join(parts)


def _figures(frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> dict[str, float]:
    """The type's medians of every numeric column, and ``<col>_share`` of the ``share``
    conditions' columns (the share of segments passing them)."""
    out: dict[str, float] = {}
    for col in frame.columns:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        ok = values[np.isfinite(values)]
        out[col] = float(np.median(ok)) if len(ok) else float("nan")
    for arch in ARCHETYPES.values():
        for alt in arch.rule:
            for c in alt:
                if c.stat == "share" and c.quantity in frame:
                    out[c.figure_key] = c.measure(frame, reference)
    return out


class _Nan(float):
    """A missing figure that formats as "–" whatever the format spec."""

    def __new__(cls) -> _Nan:
        return super().__new__(cls, float("nan"))

    def __format__(self, spec: str) -> str:
        return "–"


class _Figures(dict):
    """Values for a template: a missing or NaN figure reads as "–" rather than failing."""

    def __missing__(self, key: str) -> float:
        return _Nan()


class _Formatter(string.Formatter):
    """Numbers with a decimal comma in Dutch."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return text.replace(".", ",") if self.lang == "nl" and isinstance(value, float) else text


def _fill(template: str, figures: Mapping[str, float], lang: str) -> str:
    values = _Figures()
    for key, value in figures.items():
        ok = isinstance(value, (int, float)) and np.isfinite(value)
        values[key] = float(value) if ok else _Nan()
    return _Formatter(lang).vformat(template, (), values)


def _explanation(arch: Archetype, figures: dict[str, float], alternative: int) -> Label:
    template = arch.explain[alternative]
    return Label(_fill(template.nl, figures, "nl"), _fill(template.en, figures, "en"))


def _num(value: float, lang: str) -> str:
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "nl" else text


def _neutral_explanation(figures: Mapping[str, float], reference: Mapping[str, float],
                         features: Sequence[str]) -> Label:
    """What sets a neutral type apart: its two features furthest from the reference median,
    in their units."""
    from .indicators.registry import INDICATORS

    gaps = []
    for f in features:
        mine, ref = figures.get(f, np.nan), reference.get(f, np.nan)
        spread = reference.get(f"{f}__iqr", np.nan)
        if np.isfinite(mine) and np.isfinite(ref):
            gaps.append((abs(mine - ref) / (spread if np.isfinite(spread) and spread > 0 else 1),
                         f, mine, ref))
    gaps.sort(reverse=True)

    def part(lang: str, item: tuple[float, str, float, float]) -> str:
        _, f, mine, ref = item
        lab = INDICATORS[f].label(lang) if f in INDICATORS else f
        more = mine > ref
        if lang == "nl":
            return (f"{lab} {_num(mine, 'nl')} ({'meer' if more else 'minder'} dan de "
                    f"{_num(ref, 'nl')} van de middelste straat)")
        return (f"{lab} {_num(mine, 'en')} ({'more' if more else 'less'} than the median "
                f"street's {_num(ref, 'en')})")

    top = gaps[:2]
    if not top:
        return Label("Geen van de benoemde typen past.", "None of the named types fits.")
    return Label("Geen benoemd type past; wat opvalt: " + "; ".join(part("nl", g) for g in top)
                 + ".",
                 "No named type fits; what stands out: " + "; ".join(part("en", g) for g in top)
                 + ".")


def _strength(arch: Archetype, alternative: int, rows: pd.DataFrame,
              reference: pd.DataFrame) -> float:
    """How clearly a type passes an archetype's rule: the mean ratio of its figures to the
    thresholds (above 1 = beyond the threshold), for choosing which type earns the name."""
    ratios = []
    for c in arch.rule[alternative]:
        figure = c.measure(rows, reference)
        threshold = c.share if c.stat == "share" else c.value
        if not np.isfinite(figure):
            continue
        if c.op == ">=":
            ratios.append(figure / threshold if threshold > 0 else 1.0 + figure)
        else:
            ratios.append(threshold / figure if figure > 0 else 1.0 + threshold)
    return float(np.mean(ratios)) if ratios else 0.0


def name_types(frame: pd.DataFrame, type_id: np.ndarray, features: Sequence[str],
               ) -> list[TypeName]:
    """Name every type by an archetype whose rule holds on its segments.

    The archetypes are taken in order of precedence (:data:`ARCHETYPES`); each goes to the
    type that passes its rule most clearly (:func:`_strength`) among the types not yet named.
    A type left over takes the first archetype whose rule holds with a number ("(2)"), and a
    type for which no rule holds gets a neutral name. So a name goes to the type it fits
    best, two types share a name only when nothing else is true of the second, and no name
    is given where its rule does not hold.

    Parameters
    ----------
    frame
        Indicator columns of the classified segments (the features and
        :data:`NAMING_COLUMNS` that the data have), row per segment; all rows are the
        reference of a neutral type's explanation.
    type_id
        Type (0..k-1) of each row; types numbered largest first.
    features
        The typology features (what a neutral type's explanation compares).

    Returns
    -------
    list of TypeName
        One per type, in ``type_id`` order.
    """
    columns = [c for c in dict.fromkeys([*features, *NAMING_COLUMNS]) if c in frame]
    data = frame[columns]
    reference = _figures(data, data)
    for f in features:
        if f in data:
            v = pd.to_numeric(data[f], errors="coerce").to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            reference[f"{f}__iqr"] = float(np.subtract(*np.percentile(v, [75, 25]))) \
                if len(v) else float("nan")
    k = int(type_id.max()) + 1 if len(type_id) else 0
    rows = [data[type_id == t] for t in range(k)]
    figures = [_figures(r, data) for r in rows]
    holding = [{a.key: a.holding(r, data) for a in ARCHETYPES.values()} for r in rows]
    chosen: dict[int, tuple[Archetype, int, int]] = {}  # type -> (archetype, alternative, n)
    for arch in ARCHETYPES.values():
        candidates = [t for t in range(k) if t not in chosen and holding[t][arch.key] is not None]
        if candidates:
            best = max(candidates, key=lambda t: (
                _strength(arch, holding[t][arch.key], rows[t], data), -t))
            chosen[best] = (arch, holding[best][arch.key], 1)
    used = {a.key: 1 for a, _, _ in chosen.values()}
    for t in range(k):
        if t in chosen:
            continue
        arch = next((a for a in ARCHETYPES.values() if holding[t][a.key] is not None), None)
        if arch is not None:
            used[arch.key] = used.get(arch.key, 0) + 1
            chosen[t] = (arch, holding[t][arch.key], used[arch.key])
    out: list[TypeName] = []
    letters = iter(string.ascii_uppercase)
    for t in range(k):
        if t not in chosen:
            letter = next(letters)
            out.append(TypeName(
                key=f"mixed_profile_{letter.lower()}", archetype=NEUTRAL.key,
                name=Label(NEUTRAL.name.nl.format(letter=letter),
                           NEUTRAL.name.en.format(letter=letter)),
                description=NEUTRAL.description,
                explanation=_neutral_explanation(figures[t], reference, features),
                rule=Label("geen regel van een benoemd type geldt",
                           "no named type's rule holds"),
                figures=figures[t]))
            continue
        arch, alternative, n = chosen[t]
        key = arch.key if n == 1 else f"{arch.key}_{n}"
        name = arch.name if n == 1 else Label(f"{arch.name.nl} ({n})", f"{arch.name.en} ({n})")
        out.append(TypeName(key=key, archetype=arch.key, name=name,
                            description=arch.description,
                            explanation=_explanation(arch, figures[t], alternative),
                            rule=Label(rule_text(arch, "nl"), rule_text(arch, "en")),
                            figures=figures[t]))
    return out


# --- the rules applied to each segment (the default typology) --------------------------------

#: The type of a segment that meets no archetype's rule (per-segment rules).
NEUTRAL_KEY = "mixed_profile_a"
#: The neutral type's name when the types come from the rules (one such type).
NEUTRAL_RULES_NAME = Label("Gemengd profiel, geen uitgesproken type",
                           "Mixed profile, no distinct type")
#: The types of the per-segment rules, in precedence order: the archetypes, then the neutral.
RULE_TYPES: tuple[str, ...] = (*ARCHETYPES, NEUTRAL_KEY)


def _passes(c: Condition, frame: pd.DataFrame) -> np.ndarray:
    """Whether each segment meets the condition on its own value (no value: it does not)."""
    if c.quantity not in frame:
        return np.zeros(len(frame), dtype=bool)
    v = pd.to_numeric(frame[c.quantity], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return v >= c.value if c.op == ">=" else v <= c.value


def segment_alternatives(arch: Archetype, frame: pd.DataFrame) -> np.ndarray:
    """Per segment, the first alternative of the archetype's rule it meets, or -1."""
    out = np.full(len(frame), -1, dtype=np.int64)
    for i, alt in enumerate(arch.rule):
        ok = np.ones(len(frame), dtype=bool)
        for c in alt:
            ok &= _passes(c, frame)
        out[(out < 0) & ok] = i
    return out


def assign_by_rules(frame: pd.DataFrame) -> np.ndarray:
    """Each segment's type: the index in :data:`RULE_TYPES` of the first archetype whose rule
    the segment meets on its own values, or of the neutral type."""
    out = np.full(len(frame), len(ARCHETYPES), dtype=np.int64)
    open_ = np.ones(len(frame), dtype=bool)
    for i, arch in enumerate(ARCHETYPES.values()):
        hit = open_ & (segment_alternatives(arch, frame) >= 0)
        out[hit] = i
        open_ &= ~hit
    return out


def _value_words(quantity: str, value: float, lang: str) -> str:
    """A threshold or median in its unit: ``15%`` for a share, ``500 m``, ``1,5 per 100 m
    straat``, a count as a number."""
    from .indicators.registry import INDICATORS, UNITS

    if not np.isfinite(value):
        return "–"
    unit = INDICATORS[quantity].unit if quantity in INDICATORS else ""
    if unit == "share":
        return f"{100 * value:.0f}%"
    text = _num(value, lang)
    if unit in ("", "count", "categories", "index", "species", "uses", "periods"):
        return text
    return f"{text} {UNITS[unit](lang)}"


def _label(quantity: str, lang: str) -> str:
    from .indicators.registry import INDICATORS

    return INDICATORS[quantity].label(lang) if quantity in INDICATORS else quantity


def _condition_words(c: Condition, lang: str) -> str:
    op = "≥" if c.op == ">=" else "≤"
    return f"{_label(c.quantity, lang)} {op} {_value_words(c.quantity, c.value, lang)}"


def segment_rule_text(arch: Archetype, lang: str = "nl",
                      columns: Sequence[str] | None = None) -> str:
    """The rule a segment meets to be of the archetype, in words; with ``columns``, the
    alternatives that read a column the data lack are left out (they cannot hold)."""
    join = " en " if lang == "nl" else " and "
    alts = [alt for alt in arch.rule
            if columns is None or all(c.quantity in columns for c in alt)] or list(arch.rule)
    parts = [join.join(_condition_words(c, lang) for c in alt) for alt in alts]
    return ("; of " if lang == "nl" else "; or ").join(parts)


def _medians_text(arch: Archetype, alternative: int, figures: Mapping[str, float],
                  lang: str) -> str:
    quantities = dict.fromkeys(c.quantity for c in arch.rule[alternative])
    return ", ".join(f"{_label(q, lang)} {_value_words(q, figures.get(q, np.nan), lang)}"
                     for q in quantities)


def rule_type_names(frame: pd.DataFrame, type_idx: np.ndarray,
                    features: Sequence[str]) -> list[TypeName]:
    """Names, rules and explanations of the per-segment rule types, one per entry of
    :data:`RULE_TYPES` (a type without segments gets its rule and an explanation that says
    so). The explanation says why (the rule every segment of the type meets) and what the
    type's streets have (the medians of the rule's quantities)."""
    columns = [c for c in dict.fromkeys([*features, *NAMING_COLUMNS]) if c in frame]
    data = frame[columns]
    reference = _figures(data, data)
    for f in features:
        if f in data:
            v = _values(data, f)
            reference[f"{f}__iqr"] = float(np.subtract(*np.percentile(v, [75, 25]))) \
                if len(v) else float("nan")
    out: list[TypeName] = []
    for i, key in enumerate(RULE_TYPES):
        rows = data[type_idx == i]
        figures = _figures(rows, data) if len(rows) else {}
        if key == NEUTRAL_KEY:
            expl = (_neutral_explanation(figures, reference, features) if len(rows) else
                    Label("Geen segment in dit gebied.", "No segment in this area."))
            out.append(TypeName(
                key=key, archetype=NEUTRAL.key, name=NEUTRAL_RULES_NAME,
                description=NEUTRAL.description,
                explanation=Label(expl.nl.replace("Geen benoemd type past", "De segmenten "
                                                  "voldoen aan geen regel van een benoemd "
                                                  "type"), expl.en.replace(
                    "No named type fits", "The segments meet no named type's rule")),
                rule=Label("voldoet aan geen regel van een benoemd type",
                           "meets no named type's rule"), figures=figures))
            continue
        arch = ARCHETYPES[key]
        rule = Label(segment_rule_text(arch, "nl", list(frame.columns)),
                     segment_rule_text(arch, "en", list(frame.columns)))
        if not len(rows):
            expl = Label("Geen segment in dit gebied.", "No segment in this area.")
        else:
            alts = segment_alternatives(arch, rows)
            alternative = int(np.bincount(alts[alts >= 0], minlength=len(arch.rule)).argmax()) \
                if (alts >= 0).any() else 0
            n = len(rows)
            expl = Label(
                ("Het segment voldoet" if n == 1 else f"Elk van de {n} segmenten voldoet")
                + f" aan de regel ({rule.nl}); mediaan: "
                f"{_medians_text(arch, alternative, figures, 'nl')}.",
                ("The segment meets" if n == 1 else f"Each of the {n} segments meets")
                + f" the rule ({rule.en}); median: "
                f"{_medians_text(arch, alternative, figures, 'en')}.")
        out.append(TypeName(key=key, archetype=key, name=arch.name,
                            description=arch.description, explanation=expl, rule=rule,
                            figures=figures))
    return out
