"""Field aliases for every layer wijkkracht writes, in Dutch or English, from the registered labels.

One lookup (:func:`field_alias`, :func:`layer_aliases`) serves the GeoPackage's styles
(:mod:`wijkkracht.output.gpkg`) and the layers QGIS's algorithms add to the project
(:mod:`wijkkracht.processing.styling`). A column's alias comes, in this order, from:

1. the layer's own labels (``attrs["labels"]`` of the named streets and the summary per area:
   "label (unit), aggregate");
2. the layer's own fields (:data:`LAYER_FIELDS`, e.g. ``drawn`` of a spending scenario);
3. the fields many layers share (:data:`FIELDS`: segment, POI, study area, typology, BAG,
   establishment and spending fields, the latter from :data:`wijkkracht.core.huff.HUFF_COLUMNS`);
4. the indicator registry (``label (unit)``, :mod:`wijkkracht.core.indicators.registry`);
5. patterns over the registry: the profile's ``p_<indicator>`` and ``z_<indicator>``, an
   aggregate ``<indicator>_mean`` (``_sum``, ``_pooled``), the study area's
   ``mean_<indicator>`` and ``median_<indicator>``, the hour profile's ``ma_00`` ... ``zo_23``,
   and a type text ``<name>_nl`` / ``<name>_en``.

The technical columns (:data:`TECHNICAL`: the feature id and the geometry) get none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..core.indicators.registry import INDICATORS
from ..core.labels import Label

__all__ = ["TECHNICAL", "FIELDS", "LAYER_FIELDS", "AGGREGATES", "field_alias", "layer_aliases"]

#: Columns that get no alias: the feature id and the geometry.
TECHNICAL = frozenset({"fid", "geometry", "geom", "ogc_fid"})

#: How a column summarises an indicator (the aggregates of the named streets and the areas).
AGGREGATES: dict[str, Label] = {
    "mean": Label("gemiddelde naar straatlengte", "mean weighted by street length"),
    "pooled": Label("over de totalen", "of the totals"),
    "sum": Label("som", "sum"),
    "median": Label("mediaan", "median"),
    "raster_mean": Label("gemiddelde over de rastercellen", "mean over the raster cells"),
}

_L = Label

#: Fields shared by several layers (street segments, POIs, study area, typology, BAG,
#: establishments, OpenStreetMap).
FIELDS: dict[str, Label] = {
    # street segments and named streets
    "segment_id": _L("Segment-id", "Segment id"),
    "osm_id": _L("OSM-id", "OSM id"),
    "street_name": _L("Straatnaam", "Street name"),
    "highway": _L("OSM-wegtype (highway)", "OSM road type (highway)"),
    "kind": _L("Soort segment", "Segment kind"),
    "is_street": _L("Straat (telt mee in de straattotalen)", "Street (counts in the street totals)"),
    "length_m": _L("Lengte (m)", "Length (m)"),
    "street_id": _L("Straat op naam", "Named street"),
    "fronting_n": _L("Adressen of gebouwen aan dit segment", "Addresses or buildings fronting it"),
    "part": _L("Deel (zelfde naam elders)", "Part (same name elsewhere)"),
    "segments": _L("Straatsegmenten", "Street segments"),
    "suppressed": _L("Onderdrukt (privacy)", "Suppressed (privacy)"),
    "synthetic": _L("SYNTHETISCH (gegenereerd, niet echt)", "SYNTHETIC (generated, not real)"),
    # opportunity types
    "type_id": _L("Kansentype (nummer)", "Opportunity type (number)"),
    "type_key": _L("Kansentype (sleutel)", "Opportunity type (key)"),
    "type_name_nl": _L("Kansentype", "Opportunity type (Dutch)"),
    "type_name_en": _L("Kansentype (Engels)", "Opportunity type"),
    "archetype": _L("Archetype", "Archetype"),
    "description_nl": _L("Beschrijving", "Description (Dutch)"),
    "description_en": _L("Beschrijving (Engels)", "Description"),
    "explanation_nl": _L("Waarom deze naam", "Why this name (Dutch)"),
    "explanation_en": _L("Waarom deze naam (Engels)", "Why this name"),
    "rule_nl": _L("Regel", "Rule (Dutch)"),
    "rule_en": _L("Regel (Engels)", "Rule"),
    "share": _L("Aandeel", "Share"),
    "main_type_id": _L("Hoofdtype (nummer)", "Main type (number)"),
    "main_type_key": _L("Hoofdtype (sleutel)", "Main type (key)"),
    "main_type_nl": _L("Hoofdtype (meeste lengte)", "Main type (Dutch)"),
    "main_type_en": _L("Hoofdtype (Engels)", "Main type (most length)"),
    "main_type_share": _L("Aandeel hoofdtype in de lengte", "Main type's share of the length"),
    "types_nl": _L("Kansentypen (aandeel lengte)", "Opportunity types (Dutch)"),
    "types_en": _L("Kansentypen (Engels)", "Opportunity types (share of length)"),
    # POIs
    "tag": _L("OSM-tag", "OSM tag"),
    "name": _L("Naam", "Name"),
    "opening_hours": _L("Openingstijden (OSM)", "Opening hours (OSM)"),
    "function": _L("Functie", "Function"),
    "no_class": _L("N/O-klasse", "N/O class"),
    "everyday": _L("Dagelijkse voorziening", "Everyday amenity"),
    "shopfront": _L("Winkelpand", "Shop front"),
    "vacant": _L("Leegstaand", "Vacant"),
    "building_use": _L("Gebruik van het gebouw", "Use of the building"),
    "amenity_id": _L("Voorziening (één per object)", "Amenity (one per object)"),
    "counted": _L("Meegeteld", "Counted"),
    "count_note": _L("Toelichting bij het tellen", "Note on the counting"),
    "floor_area_m2": _L("Vloeroppervlakte (m²)", "Floor area (m²)"),
    "floor_area_source": _L("Bron vloeroppervlakte", "Source of the floor area"),
    "offset_m": _L("Positie langs het segment (m)", "Position along the segment (m)"),
    "snap_distance_m": _L("Afstand tot de straat (m)", "Distance to the street (m)"),
    "in_study_area": _L("In het onderzoeksgebied", "In the study area"),
    "isced_level": _L("Onderwijsniveau (ISCED)", "Education level (ISCED)"),
    "school": _L("Soort school (OSM)", "School kind (OSM)"),
    "stop_area": _L("Halte (OSM stop_area)", "Stop (OSM stop_area)"),
    "footprint_m2": _L("Grondoppervlak gebouw (m²)", "Building footprint (m²)"),
    "outline_id": _L("Gebouwomtrek (id)", "Building outline (id)"),
    "outline_m2": _L("Oppervlak gebouwomtrek (m²)", "Building outline area (m²)"),
    # OpenStreetMap keys: the POI keys (wijkkracht.data_sources.schema.OSM_POI_KEYS) and the
    # way tags the walking network reads (wijkkracht.data_sources.walk_network.WAY_TAGS), as
    # columns of a fetched or raw OSM layer
    "footway": _L("OSM-voetpadtype (footway)", "OSM footway type (footway)"),
    "sidewalk": _L("Trottoir (OSM sidewalk)", "Sidewalk (OSM sidewalk)"),
    "sidewalk:both": _L("Trottoir aan beide kanten (OSM)", "Sidewalk on both sides (OSM)"),
    "sidewalk:left": _L("Trottoir links (OSM)", "Sidewalk on the left (OSM)"),
    "sidewalk:right": _L("Trottoir rechts (OSM)", "Sidewalk on the right (OSM)"),
    "cycleway": _L("Fietspad (OSM cycleway)", "Cycle path (OSM cycleway)"),
    "service": _L("Soort dienstweg (OSM service)", "Service road kind (OSM service)"),
    "foot": _L("Toegang te voet (OSM foot)", "Access on foot (OSM foot)"),
    "bicycle": _L("Toegang per fiets (OSM bicycle)", "Access by bicycle (OSM bicycle)"),
    "access": _L("Toegang (OSM access)", "Access (OSM access)"),
    "motorroad": _L("Autoweg (OSM motorroad)", "Motor road (OSM motorroad)"),
    "amenity": _L("Voorziening (OSM amenity)", "Amenity (OSM amenity)"),
    "shop": _L("Winkel (OSM shop)", "Shop (OSM shop)"),
    "disused:shop": _L("Voormalige winkel (OSM disused:shop)", "Former shop (OSM disused:shop)"),
    "vacant:shop": _L("Leegstaande winkel (OSM vacant:shop)", "Vacant shop (OSM vacant:shop)"),
    "office": _L("Kantoor (OSM office)", "Office (OSM office)"),
    "craft": _L("Ambacht (OSM craft)", "Craft (OSM craft)"),
    "healthcare": _L("Zorg (OSM healthcare)", "Health care (OSM healthcare)"),
    "leisure": _L("Vrije tijd (OSM leisure)", "Leisure (OSM leisure)"),
    "tourism": _L("Toerisme (OSM tourism)", "Tourism (OSM tourism)"),
    "building": _L("Gebouwtype (OSM building)", "Building type (OSM building)"),
    "historic": _L("Erfgoed (OSM historic)", "Heritage (OSM historic)"),
    "natural": _L("Natuur (OSM natural)", "Natural feature (OSM natural)"),
    "railway": _L("Spoor (OSM railway)", "Railway (OSM railway)"),
    "public_transport": _L("Openbaar vervoer (OSM public_transport)",
                           "Public transport (OSM public_transport)"),
    # study area and areas
    "area_km2": _L("Oppervlakte (km²)", "Area (km²)"),
    "street_km": _L("Straatlengte (km)", "Street length (km)"),
    "network_km": _L("Lengte loopnetwerk (km)", "Walking network length (km)"),
    "functions": _L("Functies", "Functions"),
    "n_count": _L("Noodzakelijke voorzieningen (N)", "Necessary businesses (N)"),
    "o_count": _L("Onderscheidende voorzieningen (O)", "Distinctive businesses (O)"),
    "shopfronts": _L("Winkelpanden", "Shop fronts"),
    "vacant_shopfronts": _L("Leegstaande winkelpanden", "Vacant shop fronts"),
    "vacancy_share": _L("Aandeel leegstaande winkelpanden", "Share of vacant shop fronts"),
    "area_code": _L("Gebiedscode (CBS)", "Area code (CBS)"),
    "area_name": _L("Naam", "Name"),
    "level": _L("Niveau (buurt, wijk, ...)", "Level (buurt, wijk, ...)"),
    "street_m": _L("Straatlengte (m)", "Street length (m)"),
    # CBS areas (wijk- en buurtkaart)
    "buurtcode": _L("Buurtcode (CBS)", "Buurt code (CBS)"),
    "buurtnaam": _L("Buurtnaam", "Buurt name"),
    "wijkcode": _L("Wijkcode (CBS)", "Wijk code (CBS)"),
    "wijknaam": _L("Wijknaam", "Wijk name"),
    "gemeentecode": _L("Gemeentecode (CBS)", "Municipality code (CBS)"),
    "gemeentenaam": _L("Gemeentenaam", "Municipality name"),
    "bron": _L("Bron", "Source"),
    # BAG (verblijfsobjecten)
    "identificatie": _L("BAG-id verblijfsobject", "BAG id of the unit"),
    "gebruiksdoel": _L("Gebruiksdoel (BAG)", "Use (BAG gebruiksdoel)"),
    "oppervlakte": _L("Gebruiksoppervlakte (m²)", "Floor area (m²)"),
    "status": _L("Status (BAG)", "Status (BAG)"),
    "openbare_ruimte_naam": _L("Straatnaam (BAG)", "Street name (BAG)"),
    "huisnummer": _L("Huisnummer", "House number"),
    "huisletter": _L("Huisletter", "House letter"),
    "toevoeging": _L("Huisnummertoevoeging", "House number addition"),
    "postcode": _L("Postcode", "Postcode"),
    "pand_identificatie": _L("BAG-id pand", "BAG id of the building"),
    "bouwjaar": _L("Bouwjaar", "Year of construction"),
    # establishments
    "row": _L("Rij in het bestand", "Row in the file"),
    "vestigingsnummer": _L("Vestigingsnummer (KvK)", "Establishment number (KvK)"),
    "sbi_code": _L("SBI-code", "SBI code"),
    "sbi_version": _L("SBI-versie", "SBI version"),
    "start_date": _L("Datum vestiging", "Start date"),
    "end_date": _L("Datum opheffing", "End date"),
    "employees": _L("Werkzame personen", "Persons employed"),
    "legal_form": _L("Rechtsvorm", "Legal form"),
    "vbo_id": _L("BAG-id verblijfsobject", "BAG id of the unit"),
    "x": _L("X-coördinaat", "X coordinate"),
    "y": _L("Y-coördinaat", "Y coordinate"),
    "match_quality": _L("Kwaliteit van de koppeling", "Quality of the match"),
    "active": _L("Actief op de peildatum", "Active on the reference date"),
    "synthetic_case": _L("SYNTHETISCH: soort testgeval", "SYNTHETIC: kind of test case"),
    "synthetic_true_vbo": _L("SYNTHETISCH: het echte verblijfsobject",
                             "SYNTHETIC: the true unit"),
    "home_based": _L("Bedrijf aan huis", "Home-based business"),
    "reason": _L("Reden", "Reason"),
    "stage": _L("Stap (inlezen of koppelen)", "Stage (reading or matching)"),
    "problem": _L("Probleem", "Problem"),
    # spending
    "code": _L("Code", "Code"),
    "scenario": _L("Scenario", "Scenario"),
    "zone": _L("Gebied", "Zone"),
    "origin_zone": _L("Herkomstgebied", "Zone of origin"),
    "demand": _L("Vraag (woningen)", "Demand (dwellings)"),
    "retained_share": _L("Aandeel in het eigen gebied besteed", "Share kept in the zone"),
    "retained_share_before": _L("Aandeel in het eigen gebied, nu", "Share kept in the zone, now"),
    "retained_share_after": _L("Aandeel in het eigen gebied, met de winkel",
                               "Share kept in the zone, with the shop"),
    "retained_share_change": _L("Verandering van het aandeel in het eigen gebied",
                                "Change of the share kept in the zone"),
    "inflow_share": _L("Aandeel van buiten het gebied", "Share drawn from elsewhere"),
}

#: Fields whose meaning depends on the layer: layer -> column -> label.
LAYER_FIELDS: dict[str, dict[str, Label]] = {
    "named_streets": {
        "street_id": _L("Straat", "Street"),
        "fronting_n": _L("Adressen of gebouwen aan de straat",
                         "Addresses or buildings fronting it"),
    },
    "areas": {"area_code": _L("CBS-code", "CBS code")},
    "typology_profile": {
        "segments": _L("Straatsegmenten van het type", "Street segments of the type"),
        "share": _L("Aandeel van de ingedeelde segmenten", "Share of the classified segments"),
    },
    "spending_zones": {"name": _L("Naam", "Name"),
                       "drawn": _L("Aangetrokken bestedingen (woningen)",
                                   "Spending drawn (dwellings)")},
    "spending_scenarios": {
        "drawn": _L("Wat de winkel zou aantrekken (woningen)",
                    "What the shop would draw (dwellings)"),
        "floor_area_m2": _L("Vloeroppervlakte van de winkel (m²)", "Floor area of the shop (m²)"),
        "zone": _L("Gebied van het pand", "Zone of the shop front"),
    },
    "spending_catchment": {
        "segment_id": _L("Winkelstraat (segment-id)", "Shopping street (segment id)"),
        "drawn": _L("Bestedingen uit dit gebied (woningen)",
                    "Spending from this zone (dwellings)"),
        "share": _L("Aandeel van de bestedingen van de straat", "Share of the street's spending"),
    },
}

_DAYS = {"ma": _L("maandag", "Monday"), "di": _L("dinsdag", "Tuesday"),
         "wo": _L("woensdag", "Wednesday"), "do": _L("donderdag", "Thursday"),
         "vr": _L("vrijdag", "Friday"), "za": _L("zaterdag", "Saturday"),
         "zo": _L("zondag", "Sunday")}
_HOUR = re.compile(r"^(ma|di|wo|do|vr|za|zo)_([01][0-9]|2[0-3])$")
_AGGREGATE = re.compile(r"^(?P<name>.+)_(?P<agg>mean|sum|pooled|median|raster_mean)$")


def _huff(column: str, lang: str) -> str | None:
    from ..core.huff import HUFF_COLUMNS

    entry = HUFF_COLUMNS.get(column)
    return entry[0](lang) if entry is not None else None


def _pattern(column: str, lang: str) -> str | None:
    """The alias of a column named after an indicator, an hour or a language."""
    nl = lang == "nl"
    if column[:2] in ("p_", "z_") and column[2:] in INDICATORS:
        title = INDICATORS[column[2:]].label(lang)
        what = ("gemiddeld percentiel" if nl else "mean percentile") if column[0] == "p" \
            else ("gestandaardiseerd (z)" if nl else "standardised (z)")
        return f"{title}, {what}"
    for prefix, agg in (("mean_", "mean"), ("median_", "median")):
        if column.startswith(prefix) and column[len(prefix):] in INDICATORS:
            return f"{INDICATORS[column[len(prefix):]].title(lang)}, {AGGREGATES[agg](lang)}"
    m = _AGGREGATE.match(column)
    if m and m["name"] in INDICATORS:
        return f"{INDICATORS[m['name']].title(lang)}, {AGGREGATES[m['agg']](lang)}"
    m = _HOUR.match(column)
    if m:
        hour = int(m[2])
        day = _DAYS[m[1]](lang)
        return (f"Open voorzieningen {day} {hour:02d}:00–{hour + 1:02d}:00" if nl
                else f"Amenities open {day} {hour:02d}:00–{hour + 1:02d}:00")
    return None


def _labelled(column: str, lang: str, labels: Mapping[str, Mapping[str, str]]) -> str | None:
    """"label (unit), aggregate" from a layer's ``attrs["labels"]``."""
    lab = labels.get(column)
    if not lab or lang not in lab:
        return None
    aggregate = str(lab.get("aggregate"))
    agg = AGGREGATES[aggregate](lang) if aggregate in AGGREGATES else aggregate
    unit = lab.get(f"unit_{lang}")
    text = f"{lab[lang]} ({unit})" if unit else str(lab[lang])
    return f"{text}, {agg}" if lab.get("aggregate") else text


def field_alias(column: str, lang: str = "nl", *, layer: str | None = None,
                labels: Mapping[str, Mapping[str, str]] | None = None) -> str | None:
    """The alias of ``column`` in ``lang`` (see the module documentation).

    Parameters
    ----------
    column
        The field name.
    lang
        ``"nl"`` or ``"en"``.
    layer
        The layer's name in the GeoPackage (``"spending_scenarios"``, ...), for the fields
        whose meaning depends on it.
    labels
        The layer's ``attrs["labels"]`` (column -> label, unit, aggregate), where it has them.

    Returns
    -------
    str or None
        None for a technical column (:data:`TECHNICAL`) or a column nothing knows.
    """
    if column in TECHNICAL:
        return None
    if labels:
        text = _labelled(column, lang, labels)
        if text:
            return text
    own = LAYER_FIELDS.get(layer or "", {}).get(column) or FIELDS.get(column)
    if own is not None:
        return own(lang)
    if column in INDICATORS:
        return INDICATORS[column].title(lang)
    spending = _huff(column.removeprefix("spend_"), lang) if column.startswith("spend_") \
        else None
    return _huff(column, lang) or spending or _pattern(column, lang)


def layer_aliases(columns: Iterable[str], lang: str = "nl", *, layer: str | None = None,
                  labels: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """Column -> alias for the columns of one layer that have one (see :func:`field_alias`)."""
    out: dict[str, str] = {}
    for column in columns:
        alias = field_alias(str(column), lang, layer=layer, labels=labels)
        if alias:
            out[str(column)] = alias
    return out
