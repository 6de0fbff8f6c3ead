"""The one registry of indicator columns: unit, Dutch and English label, meaning of null.

Every indicator function returns columns registered here; the GeoPackage, the map, the QML
styles and the CLI read labels and units from this registry and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..categories import EVERYDAY, Label

__all__ = ["Indicator", "INDICATORS", "register", "indicator", "label", "unit_label", "UNITS"]


#: Units and their display labels.
UNITS: dict[str, Label] = {
    "m": Label("m", "m"),
    "count": Label("aantal", "count"),
    "share": Label("aandeel (0–1)", "share (0–1)"),
    "index": Label("index", "index"),
    "species": Label("effectief aantal functies", "effective number of functions"),
    "categories": Label("aantal categorieën", "number of categories"),
}


@dataclass(frozen=True)
class Indicator:
    """Metadata of one indicator column."""

    name: str
    group: str
    unit: str
    label: Label
    description: Label
    null_meaning: Label | None = None
    higher_is: str = "more"  # "more" (more of something) or "further" (a distance)
    tags: tuple[str, ...] = field(default_factory=tuple)

    def title(self, lang: str = "nl") -> str:
        """``label (unit)`` in the given language."""
        return f"{self.label(lang)} ({UNITS[self.unit](lang)})"


INDICATORS: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    """Add an indicator to the registry (names are unique)."""
    if ind.name in INDICATORS:
        raise ValueError(f"indicator {ind.name!r} registered twice")
    if ind.unit not in UNITS:
        raise ValueError(f"unknown unit {ind.unit!r} for {ind.name!r}")
    INDICATORS[ind.name] = ind
    return ind


def indicator(name: str) -> Indicator:
    """Look up a registered indicator."""
    try:
        return INDICATORS[name]
    except KeyError:
        raise KeyError(f"unknown indicator {name!r}; known: {', '.join(INDICATORS)}") from None


def label(name: str, lang: str = "nl") -> str:
    """The label of a registered indicator in ``lang`` (``nl`` or ``en``)."""
    return indicator(name).label(lang)


def unit_label(name: str, lang: str = "nl") -> str:
    return UNITS[indicator(name).unit](lang)


_UNREACHABLE = Label(
    "niet bereikbaar binnen het gebufferde netwerk",
    "not reachable within the buffered network",
)

# --- proximity (nabijheid) -------------------------------------------------------------------
for _cat, _lab in EVERYDAY.items():
    register(Indicator(
        name=f"dist_{_cat}_m",
        group="proximity",
        unit="m",
        label=Label(f"Loopafstand {_lab.nl.lower()}", f"Walking distance {_lab.en.lower()}"),
        description=Label(
            f"Kortste afstand over het wandelnetwerk van het midden van het straatsegment "
            f"naar de dichtstbijzijnde {_lab.nl.lower()}.",
            f"Shortest walking-network distance from the middle of the street segment to "
            f"the nearest {_lab.en.lower()}.",
        ),
        null_meaning=_UNREACHABLE,
        higher_is="further",
        tags=("key",) if _cat in ("supermarket", "pt_stop") else (),
    ))
    for _r in (400, 800):
        register(Indicator(
            name=f"n_{_cat}_{_r}",
            group="proximity",
            unit="count",
            label=Label(f"{_lab.nl} binnen {_r} m", f"{_lab.en} within {_r} m"),
            description=Label(
                f"Aantal ({_lab.nl.lower()}) binnen {_r} m lopen over het netwerk.",
                f"Number of {_lab.en.lower()} within {_r} m walking along the network.",
            ),
        ))

register(Indicator(
    name="everyday_800",
    group="proximity",
    unit="categories",
    label=Label("Dagelijkse voorzieningen binnen 800 m", "Everyday amenities within 800 m"),
    description=Label(
        "Hoeveel van de zes dagelijkse categorieën (supermarkt, bakker, apotheek/drogist, "
        "huisarts, basisschool, ov-halte) binnen 800 m lopen liggen (0–6).",
        "How many of the six everyday categories (supermarket, bakery, pharmacy/chemist, GP, "
        "primary school, public-transport stop) lie within an 800 m walk (0–6).",
    ),
    tags=("key",),
))

# --- mixed use (functiemenging) ---------------------------------------------------------------
register(Indicator(
    name="functions_400",
    group="mixed_use",
    unit="count",
    label=Label("Functies binnen 400 m", "Functions within 400 m"),
    description=Label(
        "Aantal niet-woonfuncties (winkels, horeca, diensten, zorg, onderwijs, cultuur, "
        "kantoren, ambachten) binnen 400 m lopen.",
        "Number of non-residential functions (shops, food and drink, services, care, "
        "education, culture, offices, crafts) within a 400 m walk.",
    ),
    tags=("key",),
))
register(Indicator(
    name="functions_on_segment",
    group="mixed_use",
    unit="count",
    label=Label("Functies aan dit segment", "Functions on this segment"),
    description=Label(
        "Aantal niet-woonfuncties waarvan dit segment de dichtstbijzijnde straat is.",
        "Number of non-residential functions whose nearest street is this segment.",
    ),
))
register(Indicator(
    name="richness_400",
    group="mixed_use",
    unit="categories",
    label=Label("Soorten functies binnen 400 m (Hill q=0)", "Kinds of functions within 400 m (Hill q=0)"),
    description=Label(
        "Aantal verschillende functieklassen binnen 400 m (Hill-getal q=0).",
        "Number of distinct function classes within 400 m (Hill number q=0).",
    ),
))
register(Indicator(
    name="shannon_400",
    group="mixed_use",
    unit="index",
    label=Label("Shannon-diversiteit binnen 400 m", "Shannon diversity within 400 m"),
    description=Label(
        "Shannon-entropie H = −Σ p ln p over de functieklassen binnen 400 m; 0 als er geen "
        "of één soort functie is.",
        "Shannon entropy H = −Σ p ln p over the function classes within 400 m; 0 with none "
        "or a single kind.",
    ),
))
register(Indicator(
    name="hill1_400",
    group="mixed_use",
    unit="species",
    label=Label("Functiemenging binnen 400 m (Hill q=1)", "Mixed use within 400 m (Hill q=1)"),
    description=Label(
        "Hill-getal q=1 = exp(H): het effectieve aantal even grote functieklassen; 0 als er "
        "binnen 400 m geen functie is.",
        "Hill number q=1 = exp(H): the effective number of equally common function classes; "
        "0 when no function lies within 400 m.",
    ),
    tags=("key",),
))
register(Indicator(
    name="hill2_400",
    group="mixed_use",
    unit="species",
    label=Label("Functiemenging binnen 400 m (Hill q=2)", "Mixed use within 400 m (Hill q=2)"),
    description=Label(
        "Hill-getal q=2 = 1/Σ p² (inverse Simpson); 0 als er binnen 400 m geen functie is.",
        "Hill number q=2 = 1/Σ p² (inverse Simpson); 0 when no function lies within 400 m.",
    ),
))
register(Indicator(
    name="nonres_share_400",
    group="mixed_use",
    unit="share",
    label=Label("Aandeel niet-woongebouwen binnen 400 m", "Share of non-residential buildings within 400 m"),
    description=Label(
        "Niet-woongebouwen gedeeld door alle gebouwen met een bekend gebruik (OSM building=*) "
        "binnen 400 m; bijgebouwen (garages, schuren) en building=yes tellen niet mee; 0 als "
        "die er niet zijn.",
        "Non-residential buildings divided by all buildings of known use (OSM building=*) "
        "within 400 m; ancillary buildings (garages, sheds) and building=yes do not count; 0 "
        "when there are none.",
    ),
))
register(Indicator(
    name="buildings_400",
    group="mixed_use",
    unit="count",
    label=Label("Gebouwen met bekend gebruik binnen 400 m", "Buildings of known use within 400 m"),
    description=Label(
        "Aantal woon- en niet-woongebouwen (OSM building=*) binnen 400 m; de noemer van het "
        "aandeel niet-woongebouwen.",
        "Number of residential and non-residential buildings (OSM building=*) within 400 m; "
        "the denominator of the non-residential share.",
    ),
))

# --- N/O mix ------------------------------------------------------------------------------
register(Indicator(
    name="n_count_400",
    group="no_mix",
    unit="count",
    label=Label("Noodzakelijke voorzieningen (N) binnen 400 m", "Necessary businesses (N) within 400 m"),
    description=Label(
        "Aantal N-functies (dagelijkse boodschappen, apotheek, huisarts, kapper, ...) binnen 400 m.",
        "Number of N functions (daily groceries, pharmacy, GP, hairdresser, ...) within 400 m.",
    ),
    tags=("key",),
))
register(Indicator(
    name="o_count_400",
    group="no_mix",
    unit="count",
    label=Label("Onderscheidende ondernemers (O) binnen 400 m", "Distinctive businesses (O) within 400 m"),
    description=Label(
        "Aantal O-functies (speciaalzaken, ambachten, horeca, cultuur, ...) binnen 400 m.",
        "Number of O functions (specialty shops, crafts, food and drink, culture, ...) within 400 m.",
    ),
    tags=("key",),
))
register(Indicator(
    name="no_balance_400",
    group="no_mix",
    unit="index",
    label=Label("Balans N en O binnen 400 m", "Balance of N and O within 400 m"),
    description=Label(
        "1 − |N − O| / (N + O): 1 bij evenveel N als O, 0 bij alleen N, alleen O of geen van "
        "beide.",
        "1 − |N − O| / (N + O): 1 with as many N as O, 0 with only N, only O, or neither.",
    ),
))

# --- vacancy (leegstand) -------------------------------------------------------------------
register(Indicator(
    name="shopfronts_400",
    group="vacancy",
    unit="count",
    label=Label("Winkelpanden binnen 400 m", "Shop fronts within 400 m"),
    description=Label(
        "Aantal winkelpanden (shop=*, inclusief leegstaande) binnen 400 m.",
        "Number of shop fronts (shop=*, vacant ones included) within 400 m.",
    ),
))
register(Indicator(
    name="vacant_400",
    group="vacancy",
    unit="count",
    label=Label("Leegstaande winkelpanden binnen 400 m", "Vacant shop fronts within 400 m"),
    description=Label(
        "Aantal leegstaande winkelpanden (shop=vacant, disused:shop, vacant:shop) binnen 400 m.",
        "Number of vacant shop fronts (shop=vacant, disused:shop, vacant:shop) within 400 m.",
    ),
))
register(Indicator(
    name="vacancy_share_400",
    group="vacancy",
    unit="share",
    label=Label("Leegstand winkelpanden binnen 400 m", "Vacancy of shop fronts within 400 m"),
    description=Label(
        "Leegstaande winkelpanden gedeeld door alle winkelpanden binnen 400 m; 0 als die er "
        "niet zijn.",
        "Vacant shop fronts divided by all shop fronts within 400 m; 0 when there are none.",
    ),
    tags=("key",),
))
