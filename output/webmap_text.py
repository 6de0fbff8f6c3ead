"""The web map's words (Dutch and English) and the small helpers that put text from the data
into the page safely (part of :mod:`wijkkracht.output.webmap`): HTML escaping, JSON for a
script block, the SYNTHETIC marks and the indicator groups of the layer control.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..core.indicators.registry import indicator
from ..core.result import AnalysisResult

_TEXT = {
    "nl": {
        "types": "Kansentypen",
        "type": "Kansentype",
        "unnamed": "Straat zonder naam",
        "pois": "Voorzieningen",
        "area": "Onderzoeksgebied",
        "areas": "Gebieden (klik voor cijfers)",
        "title": "Kansen per straat",
        "streets": "Straten",
        "indicators": "Indicatoren",
        "syntheticTag": "SYNTHETISCH",
        "segments": "segmenten",
        "streetKm": "km straat",
        "noData": "geen gegevens",
        "suppressed": "onderdrukt (te kleine aantallen) of geen gegevens",
        "basemaps": "Achtergrondkaart",
        "baseUnreachable": "De achtergrondkaart is niet bereikbaar; de omgeving is getekend "
                           "uit de gegevens.",
        "surfaces": "Oppervlakken (raster)",
        "vacancy": "Leegstand (OpenStreetMap)",
        "opacity": "Dekking",
        "fullscreen": "Volledig scherm",
        "searchPlaceholder": "Zoek een straat…",
        "searchNone": "Geen straat met deze naam",
        "sources": "Bronnen",
        "dataSources": "Gegevens",
        "date": "datum",
        "licence": "licentie",
        "legend": "Legenda",
        "named": "Straten op naam",
        "namedNote": "Kleur: het kansentype met de meeste lengte van de straat. Klik op een "
                     "straat voor haar cijfers.",
        "paths": "Paden, trottoirs en fietspaden",
        "pathsNote": "Wat geen straat is: trottoirs, fiets- en voetpaden, dienstwegen zonder "
                     "naam. Ze tellen mee in de loopafstanden, niet in de straattotalen.",
        "pathsTyped": "met een kansentype: in de kleur van dat type",
        "noType": "Geen kansentype",
        "untypedStreet": "straat zonder adressen of gebouwen",
        "untypedPath": "pad, trottoir, fietspad of dienstweg",
        "mainType": "Hoofdtype",
        "typeShares": "Kansentypen (aandeel van de lengte)",
        "addresses": "adressen of gebouwen",
        "namedValues": "Langs de straat (gemiddeld, gewogen naar lengte)",
        "typeHint": "Klik op een type: uitleg, en zijn straten op de kaart.",
        "typeShow": "Toon de straten van dit type en zijn uitleg",
        "typeWhy": "Waarom deze naam",
        "typeRule": "Regel",
        "typeProfile": "Profiel: mediaan van de {n} segmenten van dit type",
        "typeSegments": "{n} segmenten",
        "close": "Sluiten",
        "print": "Afdrukken of opslaan als pdf (dit kaartbeeld)",
        "details": "Details van de straat",
        "clickHint": "Klik of tik op een straat voor haar cijfers.",
    },
    "en": {
        "types": "Opportunity types",
        "type": "Opportunity type",
        "unnamed": "Unnamed street",
        "pois": "Amenities",
        "area": "Study area",
        "areas": "Areas (click for figures)",
        "title": "Opportunities street by street",
        "streets": "Streets",
        "indicators": "Indicators",
        "syntheticTag": "SYNTHETIC",
        "segments": "segments",
        "streetKm": "km of street",
        "noData": "no data",
        "suppressed": "suppressed (small numbers) or no data",
        "basemaps": "Base map",
        "baseUnreachable": "The base map cannot be reached; the surroundings are drawn from "
                           "the data.",
        "surfaces": "Surfaces (raster)",
        "vacancy": "Vacancy (OpenStreetMap)",
        "opacity": "Opacity",
        "fullscreen": "Full screen",
        "searchPlaceholder": "Find a street…",
        "searchNone": "No street of that name",
        "sources": "Sources",
        "dataSources": "Data",
        "date": "date",
        "licence": "licence",
        "legend": "Legend",
        "named": "Named streets",
        "namedNote": "Colour: the opportunity type with the most length of the street. Click a "
                     "street for its figures.",
        "paths": "Paths, sidewalks and cycle paths",
        "pathsNote": "What is not a street: sidewalks, cycle and foot paths, unnamed service "
                     "roads. They count in the walking distances, not in the street totals.",
        "pathsTyped": "with an opportunity type: in the colour of that type",
        "noType": "No opportunity type",
        "untypedStreet": "street without addresses or buildings",
        "untypedPath": "path, sidewalk, cycle path or service road",
        "mainType": "Main type",
        "typeShares": "Opportunity types (share of the length)",
        "addresses": "addresses or buildings",
        "namedValues": "Along the street (mean, weighted by length)",
        "typeHint": "Click a type: its explanation, and its streets on the map.",
        "typeShow": "Show the streets of this type and its explanation",
        "typeWhy": "Why this name",
        "typeRule": "Rule",
        "typeProfile": "Profile: median of the {n} segments of this type",
        "typeSegments": "{n} segments",
        "close": "Close",
        "print": "Print or save as PDF (this view)",
        "details": "Details of the street",
        "clickHint": "Click or tap a street for its figures.",
    },
}

#: What a page of the ``cdn`` variant says when Leaflet could not be loaded (no internet, or
#: a network that blocks the CDN): words for the reader, never an instruction for the maker.
_NO_LEAFLET = {
    "nl": "De kaart kan niet worden getoond: deze versie van de kaart laadt haar "
          "kaartbibliotheek (Leaflet) van internet (cdn.jsdelivr.net), en dat lukte niet. "
          "Open het bestand opnieuw met een internetverbinding.",
    "en": "The map cannot be shown: this version of the map loads its map library "
          "(Leaflet) from the internet (cdn.jsdelivr.net), which failed. Open the file "
          "again with an internet connection.",
}

#: Names of the input kinds in ``metadata["synthetic"]`` (others are shown as they are).
_SOURCE_NAMES = {"bag": "BAG", "establishments": "KvK", "osm": "OpenStreetMap",
                 "areas": "CBS", "opening_hours": "opening_hours"}

_SYNTHETIC = {
    "nl": ("SYNTHETISCHE {what}-gegevens — geen echte adressen of bedrijven",
           "Gegenereerd voor de demonstratie: alle {what}-cijfers op deze kaart (gemarkeerd "
           "SYNTHETISCH) zijn verzonnen en beschrijven geen echte situatie.",
           "{what}: SYNTHETISCHE gegevens, niet echt"),
    "en": ("SYNTHETIC {what} data — not real addresses or businesses",
           "Generated for demonstration: every {what} figure on this map (marked SYNTHETIC) "
           "is made up and describes nothing real.",
           "{what}: SYNTHETIC data, not real"),
}

_PRIVACY = {
    "nl": "Privacy: aantallen vestigingen kleiner dan {t} (en wat daaruit is berekend) zijn "
          "onderdrukt en worden niet getoond.",
    "en": "Privacy: establishment counts below {t} (and what is computed from them) are "
          "suppressed and not shown.",
}

_AGGREGATES = {
    "nl": {"mean": "gemiddelde", "median": "mediaan", "sum": "totaal"},
    "en": {"mean": "mean", "median": "median", "sum": "total"},
}

#: How the area figures are made (core/areas.py): under the area name in its popup.
_AREA_NOTE = {
    "nl": "Gemiddelde over de straatsegmenten in het gebied, gewogen naar lengte; "
          "loopafstanden: mediaan; aandelen van vestigingen en objecten (leegstand, aan huis): "
          "over de totalen van het gebied.",
    "en": "Mean over the street segments in the area, weighted by length; walking "
          "distances: median; shares of establishments and units (vacancy, home-based): of "
          "the area's totals.",
}

_LEVELS = {
    "nl": {},
    "en": {"buurt": "neighbourhood (buurt)", "wijk": "district (wijk)",
           "gemeente": "municipality (gemeente)"},
}


def _esc(text: Any) -> str:
    """HTML-escape a value for insertion as HTML (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def _script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` characters."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _area_name(result: AnalysisResult) -> str:
    if "name" in result.area and len(result.area) and pd.notna(result.area["name"].iloc[0]):
        return str(result.area["name"].iloc[0])
    return ""


def _synthetic_kinds(result: AnalysisResult) -> list[str]:
    """The SYNTHETIC input kinds of a result (``metadata["synthetic"]``), in order."""
    kinds = result.metadata.get("synthetic") or []
    if isinstance(kinds, str):
        kinds = [kinds]
    return [str(k) for k in kinds]


def _group_of(name: str) -> str:
    """Tooltip/control group of an indicator: ``osm``, ``hours`` (opening hours) or ``bag``
    (BAG and establishments)."""
    needs = indicator(name).requires
    return "osm" if needs == "osm" else "hours" if needs == "opening_hours" else "bag"


def _is_synthetic(name: str, kinds: Sequence[str]) -> bool:
    """Whether an indicator is made from a SYNTHETIC input (establishment indicators also
    need the BAG)."""
    needs = indicator(name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _what(kinds: Sequence[str]) -> str:
    return "/".join(_SOURCE_NAMES.get(k, k) for k in kinds)
