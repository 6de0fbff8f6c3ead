"""The one registry of indicator columns: unit, Dutch and English label, meaning of null.

Every indicator function returns columns registered here; the GeoPackage, the map, the QML
styles and the CLI read labels and units from this registry and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..amenities import RULES
from ..categories import EVERYDAY, Label

__all__ = ["Indicator", "INDICATORS", "TIME_INDICATORS", "register", "indicator", "label",
           "unit_label", "UNITS", "SENSITIVE", "SOURCES", "available", "key_indicators"]


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
    #: The input it needs (a key of :data:`SOURCES`): ``osm`` (every run), ``bag`` (a BAG
    #: layer) or ``establishments`` (BAG and a KvK/LISA-style establishments layer).
    requires: str = "osm"

    def title(self, lang: str = "nl") -> str:
        """``label (unit)`` in the given language."""
        return f"{self.label(lang)} ({UNITS[self.unit](lang)})"


#: What an indicator can need: every run has ``osm`` (streets and POIs); ``bag`` and
#: ``establishments`` are optional inputs (``wijkkracht run --bag/--establishments``).
SOURCES: dict[str, Label] = {
    "osm": Label("OpenStreetMap (straten en POI's)", "OpenStreetMap (streets and POIs)"),
    "bag": Label("BAG-verblijfsobjecten", "BAG units (verblijfsobjecten)"),
    "establishments": Label("vestigingen (KvK/LISA)", "establishments (KvK/LISA)"),
    "opening_hours": Label("openingstijden (OSM opening_hours)",
                           "opening hours (OSM opening_hours)"),
}

INDICATORS: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    """Add an indicator to the registry (names are unique)."""
    if ind.name in INDICATORS:
        raise ValueError(f"indicator {ind.name!r} registered twice")
    INDICATORS[_checked(ind).name] = ind
    return ind


def _checked(ind: Indicator) -> Indicator:
    """``ind`` after checking that its unit and source are known."""
    if ind.unit not in UNITS:
        raise ValueError(f"unknown unit {ind.unit!r} for {ind.name!r}")
    if ind.requires not in SOURCES:
        raise ValueError(f"unknown source {ind.requires!r} for {ind.name!r}")
    return ind


def available(columns: Iterable[str] | None = None, *, tag: str | None = None) -> tuple[str, ...]:
    """Registered indicators a table can show, in registry order.

    Parameters
    ----------
    columns
        The table's columns: indicators that need an optional input (BAG, establishments)
        are listed only when their column is there; the OpenStreetMap ones always (a missing
        one shows as empty). ``None``: every registered indicator.
    tag
        Only indicators with this tag (e.g. ``"key"``).
    """
    cols = None if columns is None else set(columns)
    return tuple(
        name for name, ind in INDICATORS.items()
        if (tag is None or tag in ind.tags)
        and (cols is None or ind.requires == "osm" or name in cols)
    )


def key_indicators(columns: Iterable[str] | None = None) -> tuple[str, ...]:
    """Indicators tagged ``"key"`` (one map layer and one QGIS style each); see :func:`available`."""
    return available(columns, tag="key")


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
            f"naar de dichtstbijzijnde {_lab.nl.lower()}. {RULES[_cat].nl}",
            f"Shortest walking-network distance from the middle of the street segment to "
            f"the nearest {_lab.en.lower()}. {RULES[_cat].en}",
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
                f"Aantal ({_lab.nl.lower()}) binnen {_r} m lopen over het netwerk. "
                f"{RULES[_cat].nl}",
                f"Number of {_lab.en.lower()} within {_r} m walking along the network. "
                f"{RULES[_cat].en}",
            ),
        ))

register(Indicator(
    name="everyday_800",
    group="proximity",
    unit="categories",
    label=Label("Dagelijkse voorzieningen binnen 800 m", "Everyday amenities within 800 m"),
    description=Label(
        "Hoeveel van de zes dagelijkse voorzieningen (supermarkt, bakker, apotheek, huisarts, "
        "basisschool, ov-halte) binnen 800 m lopen liggen (0–6). Een drogist telt niet als "
        "apotheek, een school van onbekend niveau niet als basisschool.",
        "How many of the six everyday amenities (supermarket, bakery, pharmacy, GP, primary "
        "school, public-transport stop) lie within an 800 m walk (0–6). A drugstore does not "
        "count as a pharmacy, nor a school of unknown level as a primary school.",
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

register(Indicator(
    name="n_count_100",
    group="no_mix",
    unit="count",
    label=Label("Noodzakelijke voorzieningen (N) aan de straat (100 m)",
                "Necessary businesses (N) at the street (100 m)"),
    description=Label(
        "Aantal N-functies binnen 100 m lopen: aan de straat zelf of net om de hoek.",
        "Number of N functions within a 100 m walk: on the street itself or just round the "
        "corner.",
    ),
))
register(Indicator(
    name="o_count_100",
    group="no_mix",
    unit="count",
    label=Label("Onderscheidende ondernemers (O) aan de straat (100 m)",
                "Distinctive businesses (O) at the street (100 m)"),
    description=Label(
        "Aantal O-functies binnen 100 m lopen: aan de straat zelf of net om de hoek.",
        "Number of O functions within a 100 m walk: on the street itself or just round the "
        "corner.",
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

# --- BAG and establishments (core/indicators/bag.py) ----------------------------------------
UNITS["m2"] = Label("m²", "m²")
UNITS["per_100m"] = Label("per 100 m straat", "per 100 m of street")
UNITS["m2_per_100m"] = Label("m² per 100 m straat", "m² per 100 m of street")
UNITS["years"] = Label("jaar", "years")
#: The effective numbers (Hill q=1, q=2) of what they count: BAG uses, construction periods
#: (functions, ``species``, are the POI functions of the mixed-use group).
UNITS["uses"] = Label("effectief aantal gebruiksdoelen", "effective number of uses")
UNITS["periods"] = Label("effectief aantal bouwperioden", "effective number of construction periods")

#: Tag of columns that count establishments (personal data at low numbers: sole traders,
#: home-based businesses); :mod:`wijkkracht.core.privacy` suppresses small values of these.
SENSITIVE = "sensitive"

_NO_UNITS = Label("geen BAG-verblijfsobjecten aan dit segment",
                  "no BAG units on this segment")
_NO_EST = Label("geen actieve vestigingen aan dit segment (of onderdrukt)",
                "no active establishments on this segment (or suppressed)")
_SUPPRESSED = Label("onderdrukt (te kleine aantallen) of geen gegevens",
                    "suppressed (small numbers) or no data")
_INDICATION = ("Een indicatie, niet de CBS-leegstandsstatistiek.",
               "An indication, not the CBS vacancy statistic.")


_VACANCY_COLUMNS = frozenset({
    "nonres_in_use_units", "bag_vacant_units", "bag_vacant_area_m2", "bag_vacant_share",
    "bag_out_of_use_units", "bag_out_of_use_area_m2", "bag_out_of_use_share",
})


def _bag(name: str, unit: str, nl: str, en: str, dnl: str, den: str,
         null: Label | None = None, tags: tuple[str, ...] = ()) -> None:
    # the counts of establishments (tagged SENSITIVE) and bag_vacancy's columns are computed
    # only with an establishments layer; the others from the BAG alone
    needs = "establishments" if SENSITIVE in tags or name in _VACANCY_COLUMNS else "bag"
    register(Indicator(name=name, group="bag", unit=unit, label=Label(nl, en),
                       description=Label(dnl, den), null_meaning=null, tags=tags,
                       requires=needs))


_SPLIT = ("; de oppervlakte van een object met meerdere gebruiksdoelen is gelijk over die "
          "doelen verdeeld",
          "; the area of a unit with several uses is split equally over them")
_bag("bag_units", "count", "BAG-verblijfsobjecten", "BAG units",
     "Aantal bestaande verblijfsobjecten (in/buiten gebruik, verbouwing) waarvan dit segment "
     "de dichtstbijzijnde straat is; 0: geen.",
     "Number of existing BAG units (in or out of use, being rebuilt) whose nearest street is "
     "this segment; 0: none.")
_bag("bag_floor_area_m2", "m2", "Gebruiksoppervlakte", "Floor area",
     "Som van de gebruiksoppervlakte (BAG oppervlakte) van de verblijfsobjecten; 0: geen.",
     "Sum of the floor area (BAG oppervlakte) of the units; 0: none.")
_bag("bag_housing_area_m2", "m2", "Woonoppervlakte", "Housing floor area",
     "Oppervlakte met woonfunctie" + _SPLIT[0] + "; 0: geen wonen.",
     "Floor area with woonfunctie" + _SPLIT[1] + "; 0: no housing.")
_bag("mxi", "share", "Mixed-use Index (MXI, wonen)", "Mixed-use Index (MXI, housing)",
     "Woonoppervlakte gedeeld door alle oppervlakte (van den Hoek)" + _SPLIT[0] + ". 1: "
     "alleen wonen, 0: geen wonen.",
     "Housing floor area divided by all floor area (van den Hoek)" + _SPLIT[1] + ". 1: only "
     "housing, 0: no housing.",
     null=Label("geen verblijfsobjecten met oppervlakte", "no units with a floor area"))
_bag("bag_floor_area_400", "m2", "Gebruiksoppervlakte binnen 400 m", "Floor area within 400 m",
     "Som van de gebruiksoppervlakte van de verblijfsobjecten binnen 400 m lopen over het "
     "netwerk; 0: geen.",
     "Sum of the floor area of the BAG units within a 400 m walk along the network; 0: none.")
_bag("mxi_400", "share", "Mixed-use Index binnen 400 m (MXI)", "Mixed-use Index within 400 m (MXI)",
     "Woonoppervlakte gedeeld door alle oppervlakte binnen 400 m lopen (van den Hoek)"
     + _SPLIT[0] + ". 1: alleen wonen, 0: geen wonen; daartussen gemengd.",
     "Housing floor area divided by all floor area within a 400 m walk (van den Hoek)"
     + _SPLIT[1] + ". 1: only housing, 0: no housing; mixed in between.",
     null=Label("geen verblijfsobjecten binnen 400 m", "no units within 400 m"),
     tags=("key",))
_bag("bag_use_hill1_400", "uses", "Functiemenging naar oppervlakte binnen 400 m (Hill q=1)",
     "Mixed use by floor area within 400 m (Hill q=1)",
     "exp(Shannon) over de BAG-gebruiksdoelen binnen 400 m lopen, gewogen naar oppervlakte: "
     "het effectieve aantal gebruiksdoelen; 0: geen oppervlakte.",
     "exp(Shannon) over the BAG uses within a 400 m walk, weighted by floor area: the "
     "effective number of uses; 0: no floor area.", tags=("key",))
_bag("bag_use_richness", "categories", "Gebruiksdoelen (BAG)", "BAG uses",
     "Aantal verschillende BAG-gebruiksdoelen met oppervlakte (0–11); 0: geen.",
     "Number of distinct BAG uses with floor area (0–11); 0: none.")
_bag("bag_use_shannon", "index", "Shannon-diversiteit gebruiksdoelen",
     "Shannon diversity of uses",
     "Shannon-entropie over de BAG-gebruiksdoelen, gewogen naar oppervlakte; 0: één of geen.",
     "Shannon entropy over the BAG uses, weighted by floor area; 0: one use or none.")
_bag("bag_use_hill1", "uses", "Functiemenging naar oppervlakte (Hill q=1)",
     "Mixed use by floor area (Hill q=1)",
     "exp(Shannon) over de BAG-gebruiksdoelen gewogen naar oppervlakte: het effectieve aantal "
     "gebruiksdoelen; 0: geen oppervlakte.",
     "exp(Shannon) over the BAG uses weighted by floor area: the effective number of uses; "
     "0: no floor area.")
_bag("bag_use_hill2", "uses", "Functiemenging naar oppervlakte (Hill q=2)",
     "Mixed use by floor area (Hill q=2)",
     "1/Σ p² over de BAG-gebruiksdoelen gewogen naar oppervlakte; 0: geen oppervlakte.",
     "1/Σ p² over the BAG uses weighted by floor area; 0: no floor area.")
_bag("nonres_units", "count", "Niet-woonobjecten", "Non-residential units",
     "Verblijfsobjecten met minstens één ander gebruiksdoel dan wonen; 0: geen.",
     "Units with at least one use other than housing; 0: none.")
_bag("nonres_area_m2", "m2", "Niet-woonoppervlakte", "Non-residential floor area",
     "Oppervlakte met een ander gebruiksdoel dan wonen" + _SPLIT[0] + "; 0: geen.",
     "Floor area with a use other than housing" + _SPLIT[1] + "; 0: none.")
_bag("nonres_units_per_100m", "per_100m", "Intensiteit: niet-woonobjecten",
     "Intensity: non-residential units",
     "Niet-woonobjecten per 100 m straatsegment; 0: geen.",
     "Non-residential units per 100 m of street segment; 0: none.", tags=("key",))
_bag("nonres_area_per_100m", "m2_per_100m", "Intensiteit: niet-woonoppervlakte",
     "Intensity: non-residential floor area",
     "Niet-woonoppervlakte per 100 m straatsegment; 0: geen.",
     "Non-residential floor area per 100 m of street segment; 0: none.")
_bag("nonres_in_use_units", "count", "Niet-woonobjecten in gebruik",
     "Non-residential units in use",
     "Objecten zonder woonfunctie met status in gebruik: de noemer van de leegstandsindicatie; "
     "0: geen.",
     "Units without woonfunctie with status in use: the denominator of the vacancy "
     "indication; 0: none.")
_bag("bag_vacant_units", "count", "Leegstandsindicatie: objecten",
     "Vacancy indication: units",
     "Niet-woonobjecten in gebruik zonder actieve vestiging op dat adres. " + _INDICATION[0]
     + " 0: geen.",
     "Non-residential units in use without an active establishment at that address. "
     + _INDICATION[1] + " 0: none.")
_bag("bag_vacant_area_m2", "m2", "Leegstandsindicatie: oppervlakte",
     "Vacancy indication: floor area",
     "Oppervlakte van die objecten. " + _INDICATION[0] + " 0: geen.",
     "Floor area of those units. " + _INDICATION[1] + " 0: none.")
_bag("bag_vacant_share", "share", "Leegstandsindicatie", "Vacancy indication",
     "Objecten zonder actieve vestiging gedeeld door niet-woonobjecten in gebruik. "
     + _INDICATION[0],
     "Units without an active establishment divided by non-residential units in use. "
     + _INDICATION[1],
     null=Label("geen niet-woonobjecten in gebruik", "no non-residential units in use"),
     tags=("key",))
_bag("bag_out_of_use_units", "count", "Objecten buiten gebruik", "Units out of use",
     "Verblijfsobjecten met status 'buiten gebruik'; 0: geen.",
     "Units with status 'buiten gebruik' (out of use); 0: none.")
_bag("bag_out_of_use_area_m2", "m2", "Oppervlakte buiten gebruik", "Floor area out of use",
     "Oppervlakte van objecten buiten gebruik; 0: geen.",
     "Floor area of units out of use; 0: none.")
_bag("bag_out_of_use_share", "share", "Objecten buiten gebruik onder alle objecten",
     "Units out of use among all units",
     "Objecten buiten gebruik gedeeld door alle bestaande objecten. " + _INDICATION[0],
     "Units out of use divided by all existing units. " + _INDICATION[1], null=_NO_UNITS)
_bag("active_est", "count", "Actieve vestigingen", "Active establishments",
     "Vestigingen (KvK/LISA) actief op de peildatum; 0: geen; leeg: onderdrukt.",
     "Establishments (KvK/LISA) active on the reference date; 0: none; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("home_based_est", "count", "Bedrijven aan huis", "Home-based businesses",
     "Actieve vestigingen op adressen met alleen woonfunctie (verborgen economie); 0: geen; "
     "leeg: onderdrukt.",
     "Active establishments at addresses whose only use is housing (hidden economy); 0: none; "
     "empty: suppressed.", null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("home_based_share", "share", "Bedrijven aan huis onder de vestigingen",
     "Home-based among the establishments",
     "Bedrijven aan huis gedeeld door actieve vestigingen.",
     "Home-based businesses divided by active establishments.", null=_NO_EST,
     tags=(SENSITIVE, "key"))
_bag("est_with_employees", "count", "Vestigingen met bekend aantal werkzame personen",
     "Establishments with known employees",
     "Actieve vestigingen met een bekend aantal werkzame personen; 0: geen; leeg: onderdrukt.",
     "Active establishments with a known number of employees; 0: none; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("solo_est", "count", "Eenpersoonsbedrijven (zzp)", "One-person firms (ZZP)",
     "Actieve vestigingen met precies 1 werkzame persoon; 0: geen; leeg: onderdrukt.",
     "Active establishments with exactly 1 employee; 0: none; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("solo_share", "share", "Eenpersoonsbedrijven onder de vestigingen",
     "One-person firms among the establishments",
     "Eenpersoonsbedrijven gedeeld door vestigingen met bekend aantal werkzame personen.",
     "One-person firms divided by establishments with a known number of employees.",
     null=_NO_EST, tags=(SENSITIVE,))
_bag("est_starters", "count", "Starters", "Starters",
     "Vestigingen gestart in de laatste N jaar (standaard 5) voor de peildatum; 0: geen; "
     "leeg: onderdrukt.",
     "Establishments started in the last N years (default 5) before the reference date; "
     "0: none; empty: suppressed.", null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("est_closures", "count", "Opheffingen", "Closures",
     "Vestigingen beëindigd in de laatste N jaar (standaard 5) voor de peildatum; 0: geen; "
     "leeg: onderdrukt.",
     "Establishments closed in the last N years (default 5) before the reference date; "
     "0: none; empty: suppressed.", null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("est_net_change", "count", "Netto groei vestigingen", "Net change of establishments",
     "Starters min opheffingen in de laatste N jaar; 0: gelijk gebleven; leeg: onderdrukt.",
     "Starters minus closures in the last N years; 0: unchanged; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("est_mean_age_years", "years", "Gemiddelde leeftijd vestigingen",
     "Mean age of establishments",
     "Gemiddelde tijd sinds de start van de actieve vestigingen.",
     "Mean time since the start of the active establishments.", null=_NO_EST,
     tags=(SENSITIVE,))
_bag("sbi_n_count", "count", "Noodzakelijke vestigingen (N, SBI)",
     "Necessary establishments (N, SBI)",
     "Actieve vestigingen met een N-klasse volgens hun SBI-code; 0: geen; leeg: onderdrukt.",
     "Active establishments whose SBI code maps to N; 0: none; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("sbi_o_count", "count", "Onderscheidende vestigingen (O, SBI)",
     "Distinctive establishments (O, SBI)",
     "Actieve vestigingen met een O-klasse volgens hun SBI-code; 0: geen; leeg: onderdrukt.",
     "Active establishments whose SBI code maps to O; 0: none; empty: suppressed.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("sbi_no_balance", "index", "Balans N en O (SBI)", "Balance of N and O (SBI)",
     "1 − |N − O| / (N + O) over de SBI-codes; 0 bij alleen N, alleen O of geen van beide.",
     "1 − |N − O| / (N + O) over the SBI codes; 0 with only N, only O or neither.",
     null=_SUPPRESSED, tags=(SENSITIVE,))
_bag("age_buildings", "count", "Panden met bouwjaar", "Buildings with a construction year",
     "Aantal panden (met bouwjaar) aan dit segment; 0: geen.",
     "Number of buildings (with a construction year) on this segment; 0: none.")
_bag("age_richness", "categories", "Bouwperioden", "Construction periods",
     "Aantal verschillende bouwperioden (decennia; vóór 1900 één klasse); 0: geen panden.",
     "Number of distinct construction periods (decades; before 1900 one class); 0: no "
     "buildings.")
_bag("age_shannon", "index", "Shannon-diversiteit bouwjaren", "Shannon diversity of ages",
     "Shannon-entropie over de bouwperioden van de panden; 0: één periode of geen panden.",
     "Shannon entropy over the construction periods of the buildings; 0: one period or none.")
_bag("age_hill1", "periods", "Diversiteit bouwjaren (Hill q=1)", "Age diversity (Hill q=1)",
     "exp(Shannon) over de bouwperioden: het effectieve aantal bouwperioden (Jacobs' oude "
     "gebouwen); 0: geen panden.",
     "exp(Shannon) over the construction periods: the effective number of periods (Jacobs' "
     "aged buildings); 0: no buildings.", tags=("key",))

# --- liveliness by hour (core/indicators/liveliness.py) -------------------------------------
# They need the POIs' opening_hours (requires "opening_hours"): analyse() computes them when the
# POI layer has that column (or with hours=True).

#: The liveliness columns (group ``time``), in the order :func:`liveliness` returns them.
TIME_INDICATORS: dict[str, Indicator] = {}
UNITS["hours_per_day"] = Label("uur per dag", "hours per day")

_NO_KNOWN = Label("geen functie met bekende openingstijden binnen 400 m",
                  "no function with known opening hours within 400 m")
_NEVER_OPEN = Label("geen functie met bekende openingstijden binnen 400 m die in de week open is",
                    "no function with known opening hours within 400 m that is open in the week")
_HOURS = ("Openingstijden uit OSM opening_hours, voor een referentieweek (Nederlandse "
          "feestdagen); een uur telt als open als de zaak op het halve uur open is.",
          "Opening hours from OSM opening_hours, for a reference week (Dutch public holidays); "
          "an hour counts as open when the business is open at the half hour.")


def _time(name: str, unit: str, nl: str, en: str, dnl: str, den: str,
          null: Label | None = None, tags: tuple[str, ...] = ()) -> None:
    TIME_INDICATORS[name] = _checked(Indicator(
        name=name, group="time", unit=unit, label=Label(nl, en),
        description=Label(f"{dnl} {_HOURS[0]}", f"{den} {_HOURS[1]}"), null_meaning=null,
        tags=tags, requires="opening_hours"))


_time("open_peak", "count", "Piek open functies binnen 400 m", "Peak of open functions within 400 m",
      "Het grootste aantal functies met bekende openingstijden binnen 400 m lopen dat in één "
      "uur van de week tegelijk open is.",
      "The largest number of functions with known opening hours within a 400 m walk that are "
      "open at once in any hour of the week.", null=_NO_KNOWN)
_time("evening_share", "share", "Avondaandeel openingsuren", "Evening share of opening hours",
      "Aandeel van de open uren (functies × uren) binnen 400 m dat tussen 18:00 en 24:00 valt; "
      "een zaak die altijd open is geeft 42/168 = 0,25.",
      "Share of the open hours (functions × hours) within 400 m that fall between 18:00 and "
      "24:00; a business open around the clock gives 42/168 = 0.25.", null=_NEVER_OPEN,
      tags=("key",))
_time("weekend_share", "share", "Weekendaandeel openingsuren", "Weekend share of opening hours",
      "Aandeel van de open uren (functies × uren) binnen 400 m dat op zaterdag en zondag valt; "
      "een zaak die altijd open is geeft 48/168 ≈ 0,29.",
      "Share of the open hours (functions × hours) within 400 m that fall on Saturday and "
      "Sunday; a business open around the clock gives 48/168 ≈ 0.29.", null=_NEVER_OPEN)
_time("n_o_hours_per_day", "hours_per_day", "Uren met N en O open", "Hours with N and O open",
      "Gemiddeld aantal uren per dag (over de zeven dagen) waarin binnen 400 m minstens één "
      "noodzakelijke (N) en minstens één onderscheidende (O) functie open zijn.",
      "Mean number of hours per day (over the seven days) in which at least one necessary (N) "
      "and at least one distinctive (O) function within 400 m are open.", null=_NO_KNOWN,
      tags=("key",))
_time("hours_known", "count", "Functies met bekende openingstijden binnen 400 m",
      "Functions with known opening hours within 400 m",
      "Aantal functies binnen 400 m met een leesbare opening_hours-waarde die elk uur van de week "
      "open of dicht geeft; alleen deze tellen in het uurprofiel.",
      "Number of functions within 400 m whose opening_hours value parses and says open or "
      "closed for every hour of the week; only these count in the hour profile.")
_time("hours_missing", "count", "Functies zonder openingstijden binnen 400 m",
      "Functions without opening hours within 400 m",
      "Aantal functies binnen 400 m zonder opening_hours-waarde.",
      "Number of functions within 400 m without an opening_hours value.")
_time("hours_invalid", "count", "Functies met onleesbare openingstijden binnen 400 m",
      "Functions with unparseable opening hours within 400 m",
      "Aantal functies binnen 400 m waarvan de opening_hours-waarde niet te lezen is (bijv. "
      "'ma-vr 9-17'); niet geraden, niet open.",
      "Number of functions within 400 m whose opening_hours value cannot be parsed (e.g. "
      "'ma-vr 9-17'); not guessed, never open.")
_time("hours_unknown", "count", "Functies met onzekere openingstijden binnen 400 m",
      "Functions with uncertain opening hours within 400 m",
      "Aantal functies binnen 400 m waarvan de openingstijden wel te lezen zijn maar in een "
      "uur onbekend ('unknown', of alleen een opmerking zoals \"op afspraak\").",
      "Number of functions within 400 m whose opening hours parse but are unknown in some hour "
      "('unknown', or only a comment such as \"by appointment\").")

for _ind in TIME_INDICATORS.values():
    register(_ind)

# --- spending flows (core/spending.py, Huff model; the dwellings of the BAG are the demand) --
UNITS["dwellings"] = Label("woningen (bestedingen van)", "dwellings (spending of)")
_SPEND = ("Huff-model (1963): dagelijkse boodschappen; vraag = BAG-woningen, aanbod = winkels "
          "voor dagelijkse boodschappen (BAG-vloeroppervlak of een aangenomen oppervlak per "
          "soort), loopafstand over het netwerk tot de grens (standaard 2 km); de parameters "
          "zijn conventies, niet gekalibreerd.",
          "Huff model (1963): daily goods; demand = BAG dwellings, supply = daily-goods shops "
          "(BAG floor area or an assumed area per type), walking distance along the network up "
          "to the cut-off (default 2 km); the parameters are conventions, not calibrated.")


def _spend(name: str, unit: str, nl: str, en: str, dnl: str, den: str, null: Label,
           tags: tuple[str, ...] = ()) -> None:
    register(Indicator(name=name, group="spending", unit=unit, label=Label(nl, en),
                       description=Label(f"{dnl} {_SPEND[0]}", f"{den} {_SPEND[1]}"),
                       null_meaning=null, tags=tags, requires="bag"))


_spend("spend_kept_share", "share", "Bestedingen in eigen gebied", "Spending kept in own area",
       "Van de bestedingen aan dagelijkse boodschappen van de woningen aan dit straatsegment: "
       "het aandeel dat naar winkels in het eigen gebied (buurt of onderzoeksgebied) gaat; "
       "de rest lekt weg of heeft geen winkel binnen bereik.",
       "Of the daily-goods spending of the dwellings on this street segment: the share that "
       "goes to shops in their own area (buurt or study area); the rest leaks out or has no "
       "shop in reach.",
       Label("geen woningen aan dit segment", "no dwellings on this segment"), tags=("key",))
_spend("spend_drawn", "dwellings", "Aangetrokken bestedingen", "Spending drawn",
       "De bestedingen aan dagelijkse boodschappen die de winkels aan dit segment aantrekken, "
       "in woningen (1 = wat één huishouden besteedt): het verzorgingsgebied.",
       "The daily-goods spending the shops on this segment draw, in dwellings (1 = what one "
       "household spends): the catchment.",
       Label("geen winkel voor dagelijkse boodschappen", "no daily-goods shop"), tags=("key",))
_spend("spend_own_zone_share", "share", "Aandeel klanten uit eigen gebied",
       "Share of customers from own area",
       "Van de bestedingen die de winkels aan dit segment aantrekken: het aandeel van woningen "
       "in hetzelfde gebied.",
       "Of the spending the shops on this segment draw: the share from dwellings in the same "
       "area.",
       Label("geen winkel voor dagelijkse boodschappen", "no daily-goods shop"))
