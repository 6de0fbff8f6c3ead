"""The neighbourhood report: one printable HTML page per area, explaining the opportunity types.

One page for the whole study area and, with an area summary (``AreaAnalysisResult.areas``,
e.g. CBS buurten), one page per area. Each page is self-contained (styles, charts and the
static map inline; no script, no request) and prints to PDF from the browser:

* **key figures**: street length and street segments (the streets, see
  :mod:`wijkkracht.core.streets`: paths, sidewalks and cycle paths not counted) and the length
  of the whole walking network, functions, N and O and their balance, vacant shop fronts
  (OpenStreetMap) and, with BAG/KvK data, the BAG vacancy *indication*, the MXI and the share
  of home-based businesses;
* a **static map** of the streets in their type colours (matplotlib, inline SVG, so it prints),
  and the **interactive map** (:mod:`wijkkracht.output.webmap`) in a frame on screen: linked
  beside the report (``map_href``) or embedded in the page (``embed_map``);
* the **opportunity types**: their share of the street length (street segments only; the
  streets without addresses, which have no type, in grey); per type its name, why it has
  that name (``explanation_<lang>`` of the profile: the type's own figures), what it means,
  its rule in words and its number of segments, a chart of its profile (``z_<feature>``: the
  standardised mean percentile of each typology feature, labels from the indicator registry,
  with the type's median in its own unit), and the streets where the type is found most (by
  length, aggregated by named street);
* **streets by name**: the longest named streets of the page's area with their main type and
  every type's share of their length (the named streets of
  :func:`wijkkracht.core.streets.named_streets`, made from the page's street segments);
* the **N/O balance** and **vacancy** per type;
* **methods and sources**: every indicator the streets carry (label, unit, definition, what
  an empty value means, from the registry), streets and paths, how the types (which segments
  were classified) and the area figures are made, the detours of the walks to the nearest
  amenity (``metadata["detour"]``), how many OpenStreetMap objects were counted as one amenity
  (``metadata["counted_once"]``), the privacy rule, the data sources with licence,
  attribution and date, the tool version and the parameters of the run.

Rules the page keeps:

* Types are opportunities: the profile charts put what a type has *more* of than the
  neighbourhood's streets in its colour, what it has less of in grey. A type's explanation
  made from SYNTHETIC inputs is tagged SYNTHETIC.
* Every string from the data (OSM street names, area names, source descriptions) is
  HTML-escaped.
* SYNTHETIC inputs (``metadata["synthetic"]``, e.g. the demo's generated BAG/KvK) are announced
  in a red notice at the top (and at the foot of every printed page), and every figure made
  from them is tagged SYNTHETIC.
* Privacy: the page shows only published values. Establishment counts of the result are
  suppressed already (:mod:`wijkkracht.core.privacy`); they are suppressed again with the
  run's threshold (a no-op on a pipeline result), a suppressed value shows as "onderdrukt" /
  "suppressed", and no individual establishment is ever listed. Figures over the whole study
  area are pooled over the published street values only.

:func:`result_from_gpkg` reads the GeoPackage a run wrote back into a result, so that
``wijkkracht report --from out/wijkkracht.gpkg`` writes the same pages as the run itself.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._version import __version__
from ..core.areas import POOLED, SharedLabels, assign_segments
from ..core.errors import InputError, OutputError
from ..core.indicators.registry import INDICATORS, SENSITIVE, SOURCES, UNITS, indicator
from ..core.result import DAYS, HOUR_COLUMNS, AnalysisResult
from ..core.streets import TYPOLOGY_SEGMENTS
from ..styles import (
    decimals,
    format_number,
    is_untyped,
    synthetic_notice_color,
    type_color,
    type_keys,
    type_label,
    type_line_width,
    untyped_keys,
)

__all__ = [
    "build_report",
    "write_report",
    "report_files",
    "report_pages",
    "report_figures",
    "result_from_gpkg",
    "MAP_MODES",
]

_LANGS = ("nl", "en")

#: How the interactive map comes with the report: ``link`` (a frame showing the map file
#: written beside the report, and a link to it), ``embed`` (the map inside every page) or
#: ``none`` (the static map only).
MAP_MODES = ("link", "embed", "none")

#: Streets listed per type.
TOP_STREETS = 5
#: Named streets listed in "Streets by name".
TOP_NAMED_STREETS = 15

_T: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Kansen per straat",
        "subtitle": "Rapport van de economische kansen per straat",
        "study_area": "Onderzoeksgebied",
        "whole": "het hele onderzoeksgebied",
        "pages": "Rapporten per gebied",
        "this_page": "deze pagina",
        "analysis": "Analyse van {created}, wijkkracht {version}",
        "key": "Kerncijfers",
        "figure": "Kengetal",
        "value": "Waarde",
        "note": "Toelichting",
        "street_km": "Straatlengte",
        "street_km_note": "Alleen de straten: trottoirs, fiets- en voetpaden en dienstwegen "
                          "zonder naam tellen niet mee",
        "network_km": "Lengte van het loopnetwerk",
        "network_km_note": "Alles waarover gelopen wordt en waarlangs de loopafstanden gaan: "
                           "straten, trottoirs, fiets- en voetpaden",
        "segments": "Straatsegmenten",
        "segments_note": "{n} segmenten in het hele loopnetwerk",
        "functions": "Functies (winkels, horeca, diensten, ...)",
        "functions_note": "Niet-woonfuncties uit OpenStreetMap in het gebied",
        "n": "Noodzakelijke voorzieningen (N)",
        "o": "Onderscheidende ondernemers (O)",
        "no_note": "Uit OpenStreetMap, in het gebied",
        "balance": "Balans N en O",
        "balance_note": "1 − |N − O| / (N + O) over de aantallen hierboven: 1 = evenveel N "
                        "als O",
        "balance400": "Balans N en O binnen 400 m (gemiddeld per straat)",
        "balance400_note": "Gemiddelde over de straatsegmenten, gewogen naar lengte",
        "vacancy": "Leegstaande winkelpanden (OpenStreetMap)",
        "vacancy_note": "{vacant} van {fronts} winkelpanden",
        "no_fronts": "geen winkelpanden in OpenStreetMap",
        "bag_vacancy": "Leegstandsindicatie (BAG/KvK)",
        "bag_vacancy_note": "Een indicatie, niet de CBS-leegstandsstatistiek: "
                            "niet-woonobjecten in gebruik zonder actieve vestiging",
        "mxi": "Mixed-use Index (MXI): aandeel wonen in de vloeroppervlakte",
        "mxi_note": "Woonoppervlakte gedeeld door alle oppervlakte (BAG)",
        "home": "Bedrijven aan huis onder de vestigingen",
        "home_note": "Verborgen economie: vestigingen op adressen met alleen woonfunctie",
        "home_partial": "Over de segmenten met gepubliceerde aantallen ({n} van {total})",
        "main_type": "Meest voorkomend kansentype",
        "main_type_note": "Naar straatlengte",
        "suppressed": "onderdrukt",
        "suppressed_note": "onderdrukt: te kleine aantallen (privacy)",
        "no_data": "geen gegevens",
        "map": "Kaart van de kansentypen",
        "map_caption": "De straten in de kleur van hun kansentype{others}. {attribution}",
        "map_others": "; grijs: straten buiten dit gebied",
        "interactive": "Interactieve kaart",
        "interactive_link": "Open de interactieve kaart ({file}) in een browser: alle "
                            "indicatoren per straat, voorzieningen en bronnen.",
        "interactive_embedded": "De interactieve kaart zit in dit bestand; in de afdruk staat "
                                "hierboven de statische kaart.",
        "frame_title": "Interactieve kaart van de kansen per straat",
        "types": "Kansentypen",
        "types_intro": "Elke straat hoort bij één kansentype. Een type heeft zijn naam "
                       "omdat zijn straten aan een geschreven regel voldoen (per type "
                       "hieronder: waarom deze naam, en de regel); past geen regel, dan heet "
                       "het 'gemengd profiel'. De typen beschrijven sterktes om op voort te "
                       "bouwen, geen tekorten.",
        "why": "Waarom deze naam",
        "rule": "Regel",
        "type": "Kansentype",
        "share_length": "Aandeel straatlengte",
        "share_note": "Aandelen van de straatlengte: paden, trottoirs en fietspaden tellen niet "
                      "mee. Straten zonder adressen of gebouwen eraan krijgen geen kansentype.",
        "km": "km",
        "profile": "Profiel",
        "profile_intro": "Het profiel per type laat zien hoe de straten van dat type afwijken "
                         "van alle straten in het onderzoeksgebied: per kenmerk de plaats "
                         "(het percentiel) van de straten van het type onder alle straten, "
                         "gemiddeld en gestandaardiseerd (0: zoals alle straten; 1: een "
                         "standaardafwijking hoger). In de kleur van het type: waar het meer "
                         "heeft dan de andere straten; grijs: minder. Rechts de mediaan van het "
                         "type in de eigen eenheid.",
        "profile_caption": "Afwijking van alle straten (gestandaardiseerd percentiel); rechts "
                           "de mediaan van dit type.",
        "axis": "afwijking van alle straten (standaardafwijkingen)",
        "mean_of_type": "mediaan type",
        "top_streets": "Straten waar dit type het meest voorkomt",
        "street": "Straat",
        "length_m": "Lengte van dit type (m)",
        "mean": "{label} (gemiddeld)",
        "no_named": "Geen straten met een naam van dit type in dit gebied.",
        "absent": "Kansentypen van het onderzoeksgebied die in dit gebied niet voorkomen",
        "by_name": "Straten op naam",
        "by_name_intro": "De {n} langste straten met een naam, met hun hoofdtype (het "
                         "kansentype met de meeste lengte) en het aandeel van elk type in hun "
                         "lengte. Een straat is de reeks straatsegmenten met dezelfde naam die "
                         "elkaar raken (trottoirs en fietspaden ernaast horen niet bij de "
                         "lengte); {total} straten met een naam in dit gebied.",
        "by_name_area": " Per gebied: het deel van de straat in dit gebied.",
        "length_street": "Lengte (m)",
        "main": "Hoofdtype",
        "shares": "Aandeel van de kansentypen",
        "addresses": "Adressen",
        "no_section": "Balans van noodzakelijk (N) en onderscheidend (O)",
        "no_intro": "N: dagelijkse voorzieningen (boodschappen, apotheek, huisarts, kapper, "
                    "...). O: onderscheidende ondernemers (speciaalzaken, ambachten, horeca, "
                    "cultuur, ...). Een gezonde straat heeft beide. Per type het gemiddelde "
                    "per straatsegment, gewogen naar lengte.",
        "vac_section": "Leegstand",
        "vac_intro": "Leegstaande winkelpanden zijn ruimte voor nieuwe ondernemers. "
                     "OpenStreetMap: winkelpanden met shop=vacant of disused:shop. "
                     "BAG/KvK: een indicatie (niet de CBS-leegstandsstatistiek).",
        "methods": "Methode en bronnen",
        "hours_section": "Levendigheid door de week",
        "hours_intro": "Wanneer leeft de straat? Het aantal voorzieningen met bekende "
                       "openingstijden (OpenStreetMap opening_hours) dat binnen {r:g} m lopen "
                       "open is, per uur van de week van {week}; gemiddeld over de straten, "
                       "gewogen naar lengte. Een straat die na zessen en in het weekend open "
                       "blijft, houdt ogen op straat.",
        "hours_axis": "open voorzieningen binnen loopafstand (gemiddeld per straat)",
        "evening": "Aandeel avond (18–24 uur) in de openingsuren",
        "weekend": "Aandeel weekend in de openingsuren",
        "n_o_hours": "Uren per dag met een N- én een O-voorziening open",
        "hours_counts": "Openingstijden van de voorzieningen in het gebied: {ok} leesbaar, "
                        "{missing} onbekend, {invalid} onleesbaar, {unknown} deels onbekend "
                        "(niet meegeteld, nooit geraden).",
        "evening_streets": "Straten die 's avonds leven",
        "hours_of": "open om {when}",
        "spend_section": "Waar gaan de bestedingen heen?",
        "spend_intro": "Van de bestedingen aan dagelijkse boodschappen van de bewoners: welk "
                       "deel blijft in het eigen gebied, welk deel lekt weg naar winkels "
                       "elders, en welk deel heeft geen winkel binnen {cutoff:g} m lopen "
                       "(Huff-model; vraag = woningen uit de BAG, aanbod = winkels voor "
                       "dagelijkse boodschappen naar vloeroppervlak). Lekkage is omzet die "
                       "lokale winkels zou kunnen dragen.",
        "zone": "Gebied", "dwellings": "Woningen", "kept": "Blijft in het gebied",
        "leaks": "Lekt weg", "beyond": "Buiten bereik",
        "drawn_here": "Trekken de winkels hier (woningen)", "from_outside": "Daarvan van elders",
        "fill_title": "Leegstaande winkelpanden die het meest zouden opleveren",
        "fill_intro": "Scenario: een winkel voor dagelijkse boodschappen van {m2:g} m² in een "
                      "leegstaand winkelpand (OpenStreetMap shop=vacant): de bestedingen die "
                      "hij zou trekken, en hoeveel van de bestedingen van het gebied dan in "
                      "het gebied blijft.",
        "front": "Winkelpand", "would_draw": "Zou trekken (woningen)",
        "added_title": "Scenario: toegevoegde winkels", "added_shop": "Winkel",
        "kept_after": "Blijft in het gebied: nu → dan",
        "spend_params": "Parameters: {decay} afstandsverval (beta {beta:g}), grens {cutoff:g} m, "
                        "minimale afstand {mind:g} m; dit zijn conventies, niet gekalibreerd "
                        "(Huff 1963, 1964). Vloeroppervlak: {sources}. Bedragen in woningen "
                        "(1 = wat één huishouden besteedt).",
        "definitions": "Definities van de indicatoren",
        "indicator": "Indicator",
        "unit": "Eenheid",
        "definition": "Definitie",
        "null": "Leeg betekent",
        "source": "Bron",
        "typology": "Kansentypen",
        "typology_segments": "Ingedeeld in kansentypen zijn de {what} ({typed} segmenten); de "
                             "andere segmenten van het loopnetwerk hebben geen kansentype.",
        "streets_text": "Straten en paden: het loopnetwerk bevat alles waarover gelopen wordt, "
                        "ook trottoirs, fiets- en voetpaden en dienstwegen; de loopafstanden "
                        "gaan daarover. Een straat is een weg voor alle verkeer, een "
                        "voetgangersgebied, een dienstweg met een eigen naam of een pad met een "
                        "eigen naam dat niet naast een straat van die naam ligt. Straatlengte, "
                        "straatsegmenten en de aandelen van de kansentypen tellen alleen de "
                        "straten; gemiddelden per gebied zijn over de straten, gewogen naar "
                        "lengte.",
        "detour": "Omwegen in het loopnetwerk",
        "detour_text": "Loopafstand tot de dichtstbijzijnde voorziening gedeeld door de "
                       "afstand hemelsbreed, over {pairs} paren van straatsegment en "
                       "voorziening (paren dichter dan {min:g} m hemelsbreed niet beoordeeld): "
                       "mediaan {p50}, 90e percentiel {p90}, 99e percentiel {p99}; {over} "
                       "boven 3. In een Nederlands stratennet blijven negen op de tien "
                       "looproutes ruim onder twee keer de rechte lijn.",
        "detour_none": "Geen paren van segment en voorziening om te beoordelen (geen "
                       "voorziening verder dan {min:g} m hemelsbreed).",
        "detour_warn": "Het 90e percentiel is boven {warn:g}: het loopnetwerk heeft vermoedelijk "
                       "gaten (ontbrekende fietspaden of trottoirs), en de loopafstanden zijn "
                       "dan te lang.",
        "category": "Categorie", "pairs": "Paren", "p90": "90e percentiel",
        "counted_once": "Elke voorziening één keer geteld",
        "counted_once_text": "Eén voorziening kan in OpenStreetMap meer dan één object zijn "
                             "(een winkel als punt en als gebouw, een halte met een perron per "
                             "richting): zulke objecten tellen samen als één.",
        "poi_rows": "Rijen in de POI-laag", "osm_objects": "OSM-objecten",
        "counted": "Geteld als voorziening",
        "schools_note": "Scholen: {unknown} zonder bekend niveau (geteld als 'school, niveau "
                        "onbekend'), {primary} basisschool, {other} ander niveau.",
        "supermarkets_note": "Supermarkten: {n} geteld; {below} kleiner dan {m2:g} m² (geen "
                             "supermarkt); oppervlak bekend van {known}, onbekend van {unknown}.",
        "typology_rules": "Elk straatsegment krijgt het eerste kansentype waarvan de "
                          "geschreven regel op zijn eigen cijfers klopt, in deze volgorde: "
                          "{order}; klopt geen regel, dan het neutrale type (gemengd profiel). "
                          "Een naam is zo een bewering waaraan elk segment van het type "
                          "voldoet; de regel en waarom het type zijn naam heeft staan per "
                          "type bij de kansentypen. De typen zijn in elk gebied dezelfde.",
        "typology_text": "De straatsegmenten zijn met {method} in {k} typen gegroepeerd op de "
                         "kenmerken {features}, elk als percentiel onder de straten (0: de "
                         "laagste, 1: de hoogste). Elk type heet naar het eerste archetype "
                         "waarvan de geschreven regel op de cijfers van het type klopt; klopt "
                         "er geen, dan krijgt het een neutrale naam (gemengd profiel).",
        "k_fixed": "Het aantal typen is vooraf gekozen.",
        "k_stability": "Het aantal typen is gekozen op stabiliteit: de overeenkomst (ARI) "
                       "tussen de typen van alle segmenten en die van herhaalde indelingen op "
                       "80% ervan ({values}).",
        "k_silhouette": "Het aantal typen is gekozen met de silhouetscore ({values}).",
        "contiguous_note": "Daarna gladgestreken langs het stratennetwerk (aaneengesloten "
                           "typen).",
        "kmeans": "k-means",
        "contiguous": "Ward-clustering langs het stratennetwerk (aaneengesloten typen)",
        "fills": "Ontbrekende waarden vóór het clusteren aangevuld met: {fills}.",
        "areas_text": "Gebieden: een straatsegment hoort bij het gebied waarin zijn "
                      "middelpunt ligt. Tellingen van voorzieningen: de punten binnen het "
                      "gebied. MXI, leegstandsindicatie en bedrijven aan huis: het aandeel "
                      "van de totalen van het gebied; gemiddelden per straat gewogen naar "
                      "lengte.",
        "privacy": "Privacy: aantallen vestigingen kleiner dan {t} (en wat daaruit is "
                   "berekend) zijn onderdrukt en worden niet getoond. Dit rapport noemt "
                   "geen afzonderlijke vestigingen.",
        "sources": "Gegevensbronnen",
        "name": "Naam",
        "licence": "Licentie",
        "attribution": "Bronvermelding",
        "date": "Datum",
        "tool": "Programma en instellingen",
        "tool_text": "Gemaakt met wijkkracht {version} (rapport: wijkkracht {report_version}); "
                     "analyse van {created}.",
        "parameter": "Instelling",
        "reference_date": "Peildatum vestigingen",
        "threshold": "Privacydrempel",
        "synthetic_title": "SYNTHETISCHE {what}-gegevens — geen echte adressen of bedrijven",
        "synthetic_body": "Dit rapport is gemaakt met gegenereerde {what}-gegevens: alle cijfers "
                          "die daaruit komen (gemarkeerd SYNTHETISCH) zijn verzonnen en "
                          "beschrijven geen echte situatie. Gebruik ze niet als feiten.",
        "synthetic_tag": "SYNTHETISCH",
        "synthetic_foot": "SYNTHETISCHE {what}-gegevens: niet echt",
        "synthetic_legend": "† gemaakt met SYNTHETISCHE {what}-gegevens",
        "groups": "proximity=Nabijheid;mixed_use=Functiemenging;no_mix=N/O-mix;"
                  "vacancy=Leegstand;bag=BAG en vestigingen",
        "unnamed_area": "Gebied {n}",
    },
    "en": {
        "title": "Opportunities per street",
        "subtitle": "Report on the economic opportunities per street",
        "study_area": "Study area",
        "whole": "the whole study area",
        "pages": "Reports per area",
        "this_page": "this page",
        "analysis": "Analysis of {created}, wijkkracht {version}",
        "key": "Key figures",
        "figure": "Figure",
        "value": "Value",
        "note": "Note",
        "street_km": "Street length",
        "street_km_note": "The streets only: sidewalks, cycle and foot paths and unnamed "
                          "service roads are not counted",
        "network_km": "Length of the walking network",
        "network_km_note": "Everything people walk on and the walking distances follow: "
                           "streets, sidewalks, cycle and foot paths",
        "segments": "Street segments",
        "segments_note": "{n} segments in the whole walking network",
        "functions": "Functions (shops, food and drink, services, ...)",
        "functions_note": "Non-residential functions from OpenStreetMap in the area",
        "n": "Necessary businesses (N)",
        "o": "Distinctive businesses (O)",
        "no_note": "From OpenStreetMap, in the area",
        "balance": "Balance of N and O",
        "balance_note": "1 − |N − O| / (N + O) of the counts above: 1 = as many N as O",
        "balance400": "Balance of N and O within 400 m (mean per street)",
        "balance400_note": "Mean over the street segments, weighted by length",
        "vacancy": "Vacant shop fronts (OpenStreetMap)",
        "vacancy_note": "{vacant} of {fronts} shop fronts",
        "no_fronts": "no shop fronts in OpenStreetMap",
        "bag_vacancy": "Vacancy indication (BAG/KvK)",
        "bag_vacancy_note": "An indication, not the CBS vacancy statistic: non-residential "
                            "units in use without an active establishment",
        "mxi": "Mixed-use Index (MXI): housing share of the floor area",
        "mxi_note": "Housing floor area divided by all floor area (BAG)",
        "home": "Home-based among the establishments",
        "home_note": "Hidden economy: establishments at addresses whose only use is housing",
        "home_partial": "Over the segments with published counts ({n} of {total})",
        "main_type": "Most common opportunity type",
        "main_type_note": "By street length",
        "suppressed": "suppressed",
        "suppressed_note": "suppressed: small numbers (privacy)",
        "no_data": "no data",
        "map": "Map of the opportunity types",
        "map_caption": "Streets in the colour of their opportunity type{others}. {attribution}",
        "map_others": "; grey: streets outside this area",
        "interactive": "Interactive map",
        "interactive_link": "Open the interactive map ({file}) in a browser: every indicator "
                            "per street, amenities and sources.",
        "interactive_embedded": "The interactive map is inside this file; the printout shows "
                                "the static map above.",
        "frame_title": "Interactive map of the opportunities per street",
        "types": "Opportunity types",
        "types_intro": "Every street belongs to one opportunity type. A type has its name "
                       "because its streets meet a written rule (for each type below: why "
                       "this name, and the rule); where no rule fits it is called 'mixed "
                       "profile'. The types describe strengths to build on, not deficits.",
        "why": "Why this name",
        "rule": "Rule",
        "type": "Opportunity type",
        "share_length": "Share of street length",
        "share_note": "Shares of the street length: paths, sidewalks and cycle paths are not "
                      "counted. Streets without addresses or buildings on them have no "
                      "opportunity type.",
        "km": "km",
        "profile": "Profile",
        "profile_intro": "The profile of each type shows how its streets differ from all "
                         "streets in the study area: per feature the place (the percentile) "
                         "of the type's streets among all streets, averaged and standardised "
                         "(0: like all streets; 1: one standard deviation higher). In the "
                         "type's colour: where it has more than the other streets; grey: "
                         "less. On the right the type's median in its own unit.",
        "profile_caption": "Difference from all streets (standardised percentile); on the "
                           "right this type's median.",
        "axis": "difference from all streets (standard deviations)",
        "mean_of_type": "median of type",
        "top_streets": "Streets where this type is found most",
        "street": "Street",
        "length_m": "Length of this type (m)",
        "mean": "{label} (mean)",
        "no_named": "No named streets of this type in this area.",
        "absent": "Opportunity types of the study area that do not occur in this area",
        "by_name": "Streets by name",
        "by_name_intro": "The {n} longest named streets, with their main type (the "
                         "opportunity type with the most length) and each type's share of "
                         "their length. A street is the run of street segments of one name "
                         "that touch (the sidewalks and cycle paths beside it are not part of "
                         "its length); {total} named streets in this area.",
        "by_name_area": " Per area: the part of the street in this area.",
        "length_street": "Length (m)",
        "main": "Main type",
        "shares": "Share of the opportunity types",
        "addresses": "Addresses",
        "no_section": "Balance of necessary (N) and distinctive (O)",
        "no_intro": "N: everyday necessities (groceries, pharmacy, GP, hairdresser, ...). "
                    "O: distinctive businesses (specialty shops, crafts, food and drink, "
                    "culture, ...). A healthy street has both. Per type the mean per street "
                    "segment, weighted by length.",
        "vac_section": "Vacancy",
        "vac_intro": "Vacant shop fronts are room for new entrepreneurs. OpenStreetMap: shop "
                     "fronts tagged shop=vacant or disused:shop. BAG/KvK: an indication (not "
                     "the CBS vacancy statistic).",
        "methods": "Methods and sources",
        "hours_section": "Liveliness through the week",
        "hours_intro": "When is the street alive? The number of amenities with known opening "
                       "hours (OpenStreetMap opening_hours) within {r:g} m walking that are "
                       "open, per hour of the week of {week}; averaged over the streets, "
                       "weighted by length. A street that stays open after six and at the "
                       "weekend keeps eyes on the street.",
        "hours_axis": "open amenities within walking reach (mean per street)",
        "evening": "Evening share (18:00–24:00) of the opening hours",
        "weekend": "Weekend share of the opening hours",
        "n_o_hours": "Hours per day with an N and an O amenity open",
        "hours_counts": "Opening hours of the amenities in the area: {ok} readable, "
                        "{missing} not given, {invalid} unreadable, {unknown} partly unknown "
                        "(not counted, never guessed).",
        "evening_streets": "Streets alive in the evening",
        "hours_of": "open at {when}",
        "spend_section": "Where does the spending go?",
        "spend_intro": "Of the residents' daily-goods spending: the part that stays in their "
                       "own area, the part that leaks out to shops elsewhere, and the part with "
                       "no shop within {cutoff:g} m walking (Huff model; demand = dwellings "
                       "from the BAG, supply = daily-goods shops by floor area). Leakage is "
                       "turnover that could carry local shops.",
        "zone": "Area", "dwellings": "Dwellings", "kept": "Stays in the area",
        "leaks": "Leaks out", "beyond": "Beyond reach",
        "drawn_here": "The shops here draw (dwellings)", "from_outside": "Of which from elsewhere",
        "fill_title": "Vacant shop fronts that would bring the most",
        "fill_intro": "Scenario: a {m2:g} m² daily-goods shop in a vacant shop front "
                      "(OpenStreetMap shop=vacant): the spending it would draw, and how much of "
                      "the area's spending would then stay in the area.",
        "front": "Shop front", "would_draw": "Would draw (dwellings)",
        "added_title": "Scenario: shops added", "added_shop": "Shop",
        "kept_after": "Stays in the area: now → then",
        "spend_params": "Parameters: {decay} distance decay (beta {beta:g}), cut-off {cutoff:g} m, "
                        "minimum distance {mind:g} m; conventions, not calibrated (Huff 1963, "
                        "1964). Floor area: {sources}. Amounts in dwellings (1 = what one "
                        "household spends).",
        "definitions": "Definitions of the indicators",
        "indicator": "Indicator",
        "unit": "Unit",
        "definition": "Definition",
        "null": "Empty means",
        "source": "Source",
        "typology": "Opportunity types",
        "typology_segments": "Classified into opportunity types are the {what} ({typed} "
                             "segments); the other segments of the walking network have no "
                             "opportunity type.",
        "streets_text": "Streets and paths: the walking network holds everything people walk "
                        "on, sidewalks, cycle and foot paths and service roads included; the "
                        "walking distances follow it. A street is a road for all traffic, a "
                        "pedestrian street or area, a service road with its own name, or a path "
                        "with its own name that does not run beside a street of that name. "
                        "Street length, street segments and the shares of the opportunity types "
                        "count the streets only; means per area are over the streets, weighted "
                        "by length.",
        "detour": "Detours in the walking network",
        "detour_text": "Walking distance to the nearest amenity divided by the straight-line "
                       "distance, over {pairs} pairs of street segment and amenity (pairs "
                       "closer than {min:g} m in a straight line not judged): median {p50}, "
                       "90th percentile {p90}, 99th percentile {p99}; {over} above 3. In a "
                       "Dutch street grid nine in ten walks stay well under twice the straight "
                       "line.",
        "detour_none": "No pairs of segment and amenity to judge (no amenity more than {min:g} "
                       "m away in a straight line).",
        "detour_warn": "The 90th percentile is above {warn:g}: the walking network probably "
                       "has holes (missing cycle paths or sidewalks), and the walking "
                       "distances then come out too long.",
        "category": "Category", "pairs": "Pairs", "p90": "90th percentile",
        "counted_once": "Every amenity counted once",
        "counted_once_text": "One amenity can be more than one object in OpenStreetMap (a shop "
                             "as a point and as a building, a stop with a platform per "
                             "direction): such objects count together as one.",
        "poi_rows": "Rows in the POI layer", "osm_objects": "OSM objects",
        "counted": "Counted as amenities",
        "schools_note": "Schools: {unknown} of unknown level (counted as 'school, level "
                        "unknown'), {primary} primary, {other} of another level.",
        "supermarkets_note": "Supermarkets: {n} counted; {below} smaller than {m2:g} m² (no "
                             "supermarket); floor area known for {known}, unknown for "
                             "{unknown}.",
        "typology_rules": "Each street segment gets the first opportunity type whose written "
                          "rule holds on its own figures, in this order: {order}; where no "
                          "rule holds, the neutral type (mixed profile). A name is thus a "
                          "claim every segment of the type meets; the rule and why the type "
                          "has its name are given with each opportunity type. The types are "
                          "the same in every area.",
        "typology_text": "The street segments were grouped into {k} types with {method} on "
                         "the features {features}, each as its percentile among the streets "
                         "(0: the lowest, 1: the highest). Each type is named after the first "
                         "archetype whose written rule holds on the type's figures; where none "
                         "holds it gets a neutral name (mixed profile).",
        "k_fixed": "The number of types was set beforehand.",
        "k_stability": "The number of types was chosen by stability: the agreement (ARI) "
                       "between the types of all segments and those of repeated groupings of "
                       "80% of them ({values}).",
        "k_silhouette": "The number of types was chosen by the silhouette score ({values}).",
        "contiguous_note": "Then smoothed along the street network (contiguous types).",
        "kmeans": "k-means",
        "contiguous": "Ward clustering along the street network (contiguous types)",
        "fills": "Missing values filled before clustering with: {fills}.",
        "areas_text": "Areas: a street segment belongs to the area holding its midpoint. "
                      "Counts of amenities: the points inside the area. MXI, vacancy "
                      "indication and home-based businesses: the share of the area's totals; "
                      "means per street weighted by length.",
        "privacy": "Privacy: establishment counts below {t} (and what is computed from them) "
                   "are suppressed and not shown. This report lists no individual "
                   "establishment.",
        "sources": "Data sources",
        "name": "Name",
        "licence": "Licence",
        "attribution": "Attribution",
        "date": "Date",
        "tool": "Tool and settings",
        "tool_text": "Made with wijkkracht {version} (report: wijkkracht {report_version}); "
                     "analysis of {created}.",
        "parameter": "Setting",
        "reference_date": "Reference date of the establishments",
        "threshold": "Privacy threshold",
        "synthetic_title": "SYNTHETIC {what} data — not real addresses or businesses",
        "synthetic_body": "This report was made with generated {what} data: every figure made "
                          "from it (marked SYNTHETIC) is made up and describes nothing real. "
                          "Do not use them as facts.",
        "synthetic_tag": "SYNTHETIC",
        "synthetic_foot": "SYNTHETIC {what} data: not real",
        "synthetic_legend": "† made from SYNTHETIC {what} data",
        "groups": "proximity=Proximity;mixed_use=Mixed use;no_mix=N/O mix;vacancy=Vacancy;"
                  "bag=BAG and establishments",
        "unnamed_area": "Area {n}",
    },
}

#: Names of the input kinds in ``metadata["synthetic"]``.
_SOURCE_NAMES = {"bag": "BAG", "establishments": "KvK", "osm": "OpenStreetMap",
                 "areas": "CBS", "opening_hours": "opening_hours"}


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _check_lang(lang: str) -> str:
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


def _is_nan(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _num(value: float, nd: int, lang: str) -> str:
    return format_number(float(value), nd, lang)


def _pct(value: float, lang: str) -> str:
    return f"{_num(100 * float(value), 1, lang)} %"


def _pct0(value: float, lang: str) -> str:
    return f"{_num(100 * float(value), 0, lang)} %"


# ------------------------------------------------------------------------------- the result


def _plain_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata as the GeoPackage stores it (JSON): the same page from memory or file."""
    return json.loads(json.dumps(dict(metadata), default=str, ensure_ascii=False))


def _synthetic_kinds(metadata: Mapping[str, Any]) -> list[str]:
    kinds = metadata.get("synthetic") or []
    if isinstance(kinds, str):
        kinds = [kinds]
    return [str(k) for k in kinds]


def _is_synthetic(name: str, kinds: Sequence[str]) -> bool:
    """Whether an indicator is made from a SYNTHETIC input (establishment indicators also
    need the BAG)."""
    needs = indicator(name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _threshold(metadata: Mapping[str, Any]) -> int | None:
    bag = metadata.get("bag")
    for value in (metadata.get("privacy_threshold"),
                  bag.get("privacy_threshold") if isinstance(bag, Mapping) else None):
        if value is not None:
            return int(value)
    return None


def _sensitive(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c in INDICATORS and SENSITIVE in INDICATORS[c].tags]


def _published(result: AnalysisResult) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None,
                                                 int | None]:
    """The streets and areas as they may be published, and the privacy threshold.

    A pipeline result is suppressed already; suppressing again with the run's threshold
    changes nothing, and makes sure a result built by other means never shows small counts.
    """
    from ..core.privacy import (
        DEFAULT_THRESHOLD,
        sensitive_counts,
        suppress_area_counts,
        suppress_small_counts,
    )

    streets = result.streets
    areas = getattr(result, "areas", None)
    if areas is not None and not len(areas):
        areas = None
    sensitive = _sensitive(list(streets.columns))
    threshold = _threshold(result.metadata)
    if not sensitive:
        return streets, areas, None
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    counts = [c for c in sensitive_counts() if c in streets.columns]
    streets = _keep_flag(streets, suppress_small_counts(streets, t, columns=counts))
    if areas is not None:
        areas = _keep_flag(areas, suppress_area_counts(areas, t))
    return streets, areas, t


def _keep_flag(before: gpd.GeoDataFrame, after: pd.DataFrame) -> gpd.GeoDataFrame:
    """``after`` as a GeoDataFrame whose ``suppressed`` flag also keeps what ``before`` had
    suppressed already (suppressing again finds nothing new to flag)."""
    out = gpd.GeoDataFrame(after, geometry=before.geometry.name, crs=before.crs)
    if "suppressed" in before.columns:
        out["suppressed"] = out["suppressed"].to_numpy(dtype=bool) | \
            before["suppressed"].fillna(False).to_numpy(dtype=bool)
    out.attrs.update(before.attrs)
    return out


@dataclass(frozen=True)
class _Page:
    """One report page: the whole study area (``position`` None) or one row of ``areas``."""

    key: str
    position: int | None
    name: str
    code: str


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60]


def report_pages(result: AnalysisResult, basename: str = "wijkkracht") -> dict[str, str]:
    """The pages a result's report has: page key -> file name.

    ``"report"`` is the whole study area (``<basename>_report.html``); with an area summary
    each area follows as ``"report_<code>"`` (``<basename>_report_<code>.html``, the CBS code
    or else the name, made safe for a file name), in the order of ``result.areas``.
    """
    return {p.key: _file_name(basename, p) for p in _pages(result)}


def _file_name(basename: str, page: _Page) -> str:
    return f"{basename}_{page.key}.html"


def _pages(result: AnalysisResult) -> list[_Page]:
    pages = [_Page("report", None, _study_name(result), "")]
    areas = getattr(result, "areas", None)
    if areas is None:
        return pages
    seen = {"report"}
    for k in range(len(areas)):
        code = _cell(areas, "area_code", k)
        name = _cell(areas, "area_name", k)
        slug = _slug(code) or _slug(name) or f"area{k + 1}"
        key = f"report_{slug}"
        n = 2
        while key in seen:
            key = f"report_{slug}-{n}"
            n += 1
        seen.add(key)
        pages.append(_Page(key, k, name, code))
    return pages


def _cell(frame: pd.DataFrame, column: str, k: int) -> str:
    if column not in frame.columns:
        return ""
    value = frame[column].iloc[k]
    return "" if _is_nan(value) else str(value)


def _study_name(result: AnalysisResult) -> str:
    area = result.area
    if "name" in area and len(area) and not _is_nan(area["name"].iloc[0]):
        return str(area["name"].iloc[0])
    return ""


def _find_page(result: AnalysisResult, area: str | int | None) -> _Page:
    pages = _pages(result)
    if area is None:
        return pages[0]
    areas = pages[1:]
    if not areas:
        raise ValueError("the result has no area summary (AreaAnalysisResult.areas); "
                         "leave area=None for the whole study area")
    if isinstance(area, (int, np.integer)) and not isinstance(area, bool):
        if not 0 <= int(area) < len(areas):
            raise ValueError(f"area {area} out of range: the result has {len(areas)} areas")
        return areas[int(area)]
    for page in areas:
        if str(area) in (page.code, page.name, page.key):
            return page
    raise ValueError(f"no area {area!r}; areas: {', '.join(p.code or p.name for p in areas)}")


# ------------------------------------------------------------------------------ the figures


def _wmean(values: pd.Series, weights: np.ndarray) -> float:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(v)
    if not ok.any() or weights[ok].sum() <= 0:
        return float("nan")
    return float(np.sum(v[ok] * weights[ok]) / weights[ok].sum())


def _street_mask(streets: pd.DataFrame) -> np.ndarray:
    """Which segments are streets (``is_street``, :mod:`wijkkracht.core.streets`): those that
    count in street length, street segments and the shares of the types. A layer without the
    column (an older wijkkracht) is all streets."""
    if "is_street" not in streets.columns:
        return np.ones(len(streets), dtype=bool)
    return pd.Series(streets["is_street"]).fillna(True).astype(bool).to_numpy()


def _pooled(streets: pd.DataFrame, name: str) -> tuple[float, int]:
    """Share ``name`` pooled over the streets' totals (as per area in core.areas), over the
    rows where both parts are published; and the number of rows left out."""
    num_col, den_col = POOLED[name]
    num = pd.to_numeric(streets[num_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    den = pd.to_numeric(streets[den_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~(np.isnan(num) | np.isnan(den))
    total = float(den[ok].sum())
    return (float(num[ok].sum()) / total if total > 0 else float("nan")), int((~ok).sum())


def _poi_counts(pois: gpd.GeoDataFrame, polygon: Any) -> dict[str, int]:
    """Functions, N, O, shop fronts and vacant ones among the study area's POIs in
    ``polygon`` (as the study area's own summary counts them)."""
    inside = pois[pois["in_study_area"].astype(bool)] if "in_study_area" in pois else pois
    if polygon is not None and len(inside):
        inside = inside[shapely.intersects(polygon, inside.geometry.values)]
    fronts = inside["shopfront"].astype(bool)
    return {
        "functions": int((inside["function"].fillna("").astype(str) != "").sum()),
        "n_count": int((inside["no_class"] == "N").sum()),
        "o_count": int((inside["no_class"] == "O").sum()),
        "shopfronts": int(fronts.sum()),
        "vacant_shopfronts": int((fronts & inside["vacant"].astype(bool)).sum()),
    }


def _balance(n: float, o: float) -> float:
    return 1 - abs(n - o) / (n + o) if n + o > 0 else 0.0


@dataclass
class _Scope:
    page: _Page
    streets: gpd.GeoDataFrame  # the segments of the page's area
    all_streets: gpd.GeoDataFrame  # every published study-area segment
    areas: gpd.GeoDataFrame | None
    polygon: Any
    row: pd.Series | None
    threshold: int | None
    metadata: dict[str, Any]
    kinds: list[str]


def _scope(result: AnalysisResult, area: str | int | None) -> _Scope:
    page = _find_page(result, area)
    streets, areas, threshold = _published(result)
    metadata = _plain_metadata(result.metadata)
    if page.position is None:
        polygon = result.area.geometry.union_all() if len(result.area) else None
        return _Scope(page, streets, streets, areas, polygon, None, threshold, metadata,
                      _synthetic_kinds(metadata))
    assert areas is not None
    pos = assign_segments(streets, areas) if len(streets) else np.zeros(0, dtype=np.int64)
    sel = streets.iloc[np.flatnonzero(pos == page.position)]
    row = areas.iloc[page.position]
    return _Scope(page, sel, streets, areas, areas.geometry.iloc[page.position], row,
                  threshold, metadata, _synthetic_kinds(metadata))


def report_figures(result: AnalysisResult, area: str | int | None = None) -> dict[str, Any]:
    """The key figures of a report page, as numbers (NaN: none; None: suppressed).

    Parameters
    ----------
    result
        The analysis result.
    area
        ``None``: the whole study area; else an area of ``result.areas`` (its code, name or
        0-based position).

    Returns
    -------
    dict
        ``street_km`` and ``segments`` (the street segments, ``is_street``: paths, sidewalks
        and cycle paths are not streets), ``network_km`` and ``network_segments`` (the whole
        walking network), ``functions``, ``n_count``, ``o_count``, ``no_balance``
        (of the two counts), ``no_balance_400`` (length-weighted mean of the streets),
        ``shopfronts``, ``vacant_shopfronts``, ``vacancy_share`` (OpenStreetMap); with the
        BAG/KvK columns also ``bag_vacant_share``, ``mxi`` and ``home_based_share`` (pooled:
        the share of the totals, see :data:`wijkkracht.core.areas.POOLED`; ``None`` when
        suppressed) and ``home_based_left_out`` (segments whose counts are suppressed, left
        out of the study area's pooled share). The whole study area takes its counts from
        ``result.area``; an area its street figures and pooled shares from its row in
        ``result.areas`` and its counts from the POIs inside it.
    """
    return _figures(_scope(result, area), result)


def _figures(scope: _Scope, result: AnalysisResult) -> dict[str, Any]:
    st = scope.streets
    length = st["length_m"].to_numpy(dtype=float)
    street = _street_mask(st)
    out: dict[str, Any] = {}
    if scope.row is None:
        a = result.area.iloc[0] if len(result.area) else None

        def given(key: str) -> bool:
            return a is not None and key in a.index and not _is_nan(a[key])

        counts = _poi_counts(result.pois, scope.polygon)
        for key in counts:
            if given(key):
                counts[key] = int(a[key])
        out["street_km"] = float(a["street_km"]) if given("street_km") \
            else float(length[street].sum()) / 1000
        out["segments"] = int(a["segments"]) if given("segments") else int(street.sum())
        out["network_km"] = float(a["network_km"]) if given("network_km") \
            else float(length.sum()) / 1000
    else:
        counts = _poi_counts(result.pois, scope.polygon)
        out["street_km"] = float(scope.row["street_m"]) / 1000
        out["segments"] = int(scope.row["segments"])
        # the area's segments (midpoint in the area), paths included
        out["network_km"] = float(length.sum()) / 1000
    out["network_segments"] = int(len(st))
    out.update(counts)
    out["no_balance"] = _balance(counts["n_count"], counts["o_count"])
    out["no_balance_400"] = (float(scope.row["no_balance_400_mean"])
                             if scope.row is not None and "no_balance_400_mean" in scope.row
                             else _wmean(st["no_balance_400"][street], length[street]))
    out["vacancy_share"] = (counts["vacant_shopfronts"] / counts["shopfronts"]
                            if counts["shopfronts"] else float("nan"))
    for name in ("bag_vacant_share", "mxi", "home_based_share"):
        if name not in st.columns or not all(c in st.columns for c in POOLED[name]):
            continue
        if scope.row is not None:
            value = scope.row.get(f"{name}_pooled", np.nan)
            value = float("nan") if _is_nan(value) else float(value)
            left_out = 0
        else:
            value, left_out = _pooled(st, name)
        sensitive = SENSITIVE in INDICATORS[name].tags
        if sensitive and math.isnan(value) and _parts_exist(scope, st, name):
            out[name] = None  # suppressed
        else:
            out[name] = value
        if name == "home_based_share":
            out["home_based_left_out"] = left_out
    return out


def _parts_exist(scope: _Scope, streets: pd.DataFrame, name: str) -> bool:
    """Whether a sensitive pooled share is empty because it was suppressed (its parts have
    values before suppression) rather than because there is nothing to divide."""
    parts = POOLED[name]
    if scope.row is not None:
        return bool(scope.row.get("suppressed", False)) and \
            any(_is_nan(scope.row.get(f"{p}_sum", np.nan)) for p in parts)
    return any(bool(pd.to_numeric(streets[p], errors="coerce").isna().any()) for p in parts)


# --------------------------------------------------------------------------------- the charts


def _svg(fig: Any, salt: str, *, round_paths: bool = False) -> str:
    """A matplotlib figure as inline SVG: text as text, stable ids (per ``salt``), no date."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight", pad_inches=0.05)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # one page holds many figures: make their ids (and the references to them) unique
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", salt)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    if round_paths:
        text = re.sub(r' d="([^"]*)"', lambda m: ' d="' + re.sub(
            r"-?\d+\.\d+", lambda n: f"{float(n.group()):.1f}", m.group(1)) + '"', text)
    # scale with the page: width from CSS, height from the viewBox
    text = re.sub(r'^<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"',
                  lambda m: f'<svg{m.group(1)} class="wk-svg" role="img" '
                            f'style="max-width:{float(m.group(2)) * 4 / 3:.0f}px;'
                            f'--wk-aspect:{float(m.group(3)) / float(m.group(2)):.3f}"',
                  text, count=1)
    return text


def _figure(width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    fig.patch.set_alpha(0)
    return fig


def _feature_value(name: str, value: Any, lang: str) -> str:
    if _is_nan(value):
        return "–"
    unit = indicator(name).unit
    if unit == "share":
        return _pct(value, lang)
    text = _num(value, max(decimals(unit), 1) if unit in ("count", "categories") else
                decimals(unit), lang)
    return f"{text} m" if unit == "m" else text


#: Profile charts already drawn (the same on every page of a report): inputs -> SVG.
_CHARTS: dict[tuple[Any, ...], str] = {}


def _profile_chart(row: pd.Series, features: Sequence[str], color: str, lang: str,
                   kinds: Sequence[str], salt: str) -> str:
    """The profile chart of one type (cached: the pages of a report share them)."""
    key = (lang, color, salt, tuple(kinds), tuple(features),
           tuple(float(row.get(f"z_{f}", np.nan)) for f in features),
           tuple(float(row.get(f, np.nan)) for f in features))
    svg = _CHARTS.get(key)
    if svg is None:
        if len(_CHARTS) >= 256:
            _CHARTS.clear()
        svg = _CHARTS[key] = _draw_profile_chart(row, features, color, lang, kinds, salt)
    return svg


def _draw_profile_chart(row: pd.Series, features: Sequence[str], color: str, lang: str,
                        kinds: Sequence[str], salt: str) -> str:
    t = _T[lang]
    z = np.array([float(row.get(f"z_{f}", np.nan)) for f in features], dtype=float)
    z = np.nan_to_num(z)
    lim = float(min(max(1.5, np.abs(z).max() + 0.3), 4.0))
    shown = np.clip(z, -lim, lim)
    labels = [indicator(f).label(lang) + (" †" if _is_synthetic(f, kinds) else "")
              for f in features]
    n = len(features)
    fig = _figure(7.2, 0.32 * n + 0.75)
    ax = fig.add_axes([0.42, 0.75 / (0.32 * n + 0.75), 0.43, 1 - 0.85 / (0.32 * n + 0.75)])
    y = np.arange(n)[::-1]
    colors = [color if v > 0 else "#c9c9c9" for v in z]
    ax.barh(y, shown, color=colors, height=0.7, edgecolor="none")
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8.5)
    notice = synthetic_notice_color()
    for tick, f in zip(ax.get_yticklabels(), features, strict=True):
        if _is_synthetic(f, kinds):
            tick.set_color(notice)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(t["axis"], fontsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    for yi, v, s in zip(y, z, shown, strict=True):
        if abs(v) > lim:  # clipped: say how far it goes
            ax.text(s - 0.05 * np.sign(v), yi, format_number(v, 1, lang), va="center",
                    ha="right" if v > 0 else "left", fontsize=7.5, color="#ffffff",
                    fontweight="bold")
    ax.text(1.03, n - 0.4, t["mean_of_type"], transform=ax.get_yaxis_transform(),
            fontsize=7.5, color="#555555", va="bottom", ha="left", style="italic")
    for yi, f in zip(y, features, strict=True):
        ax.text(1.03, yi, _feature_value(f, row.get(f, np.nan), lang),
                transform=ax.get_yaxis_transform(), fontsize=8, va="center", ha="left")
    return _svg(fig, salt)


def _map_paths(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from matplotlib.path import Path as MplPath

    parts = shapely.get_parts(geoms)
    parts = parts[~shapely.is_empty(parts)]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    if len(coords):
        first = np.r_[True, index[1:] != index[:-1]]
        codes[first] = MplPath.MOVETO
    return coords, codes


def _add_lines(ax: Any, geoms: np.ndarray, color: str, width: float, z: int) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    coords, codes = _map_paths(geoms)
    if not len(coords):
        return
    # add_artist, not add_patch: the limits are set, and updating them walks every vertex
    ax.add_artist(PathPatch(MplPath(coords, codes), facecolor="none", edgecolor=color,
                            linewidth=width, capstyle="round", joinstyle="round", zorder=z))


def _add_outline(ax: Any, polygon: Any, color: str, width: float, z: int,
                 dashes: bool = False) -> None:
    if polygon is None or polygon.is_empty:
        return
    boundary = shapely.get_parts(np.array([polygon.boundary]))
    coords, codes = _map_paths(boundary)
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if len(coords):
        ax.add_artist(PathPatch(MplPath(coords, codes), facecolor="none", edgecolor=color,
                                linewidth=width, linestyle=(0, (4, 2)) if dashes else "-",
                                zorder=z))


def _nice_length(span_m: float) -> int:
    for v in (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if v >= span_m / 5:
            return v
    return 10000


def _static_map(scope: _Scope, result: AnalysisResult, salt: str) -> str:
    st = scope.streets
    bounds_geom = scope.polygon if scope.polygon is not None and not scope.polygon.is_empty \
        else shapely.box(*st.total_bounds)
    x0, y0, x1, y1 = bounds_geom.bounds
    pad = 0.04 * max(x1 - x0, y1 - y0, 1.0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    width_in = 7.2
    height_in = float(np.clip(width_in * (y1 - y0) / max(x1 - x0, 1.0), 3.0, 8.5))
    # widen the extent to the figure's shape (1 m is as long across as up), around its centre
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max(x1 - x0, (y1 - y0) * width_in / height_in) / 2
    half_h = half_w * height_in / width_in
    x0, x1, y0, y1 = cx - half_w, cx + half_w, cy - half_h, cy + half_h
    fig = _figure(width_in, height_in)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if scope.page.position is not None:  # context: the other streets of the study area
        others = ~scope.all_streets.index.isin(st.index)
        _add_lines(ax, scope.all_streets.geometry.values[others], "#c8c8c8", 0.6, 1)
        if scope.areas is not None:
            for k, poly in enumerate(scope.areas.geometry.values):
                if k != scope.page.position:
                    _add_outline(ax, poly, "#9a9a9a", 0.6, 2)
    keys = st["type_key"].astype(str).to_numpy() if "type_key" in st else \
        np.full(len(st), "", dtype=object)
    street = _street_mask(st)
    order = [k for k in type_keys(keys) if k in set(keys)]
    full = type_line_width("mm")
    # the paths first and thin (in their type's colour where the typology classified them),
    # then the streets without a type, thinner and grey, then the typed streets
    for key in order:
        sel = (keys == key) & ~street
        color = type_color(key)
        _add_lines(ax, st.geometry.values[sel], color,
                   1.8 * type_line_width("mm", "untyped_path") / full, 2)
    for key in sorted(order, key=lambda k: not is_untyped(k)):
        sel = (keys == key) & street
        color = type_color(key)
        _add_lines(ax, st.geometry.values[sel], color,
                   1.8 * type_line_width("mm", key) / full, 3)
    _add_outline(ax, scope.polygon, "#222222", 1.2, 4, dashes=scope.page.position is None)
    # scale bar, bottom left
    span = x1 - x0
    bar = _nice_length(span)
    bx, by = x0 + 0.03 * span, y0 + 0.04 * (y1 - y0)
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    ax.plot([bx, bx + bar], [by, by], color="#222222", linewidth=2.2, solid_capstyle="butt",
            zorder=5, path_effects=halo)
    ax.text(bx + bar / 2, by + 0.015 * (y1 - y0), f"{bar} m" if bar < 1000 else
            f"{bar / 1000:g} km", ha="center", va="bottom", fontsize=8, zorder=5,
            path_effects=halo)
    return _svg(fig, salt, round_paths=True)


# ------------------------------------------------------------------------------- the tables


def _text_of(row: pd.Series | None, column: str) -> str:
    """A text column of a profile row ("" when missing or empty)."""
    if row is None:
        return ""
    value = row.get(column)
    return value if isinstance(value, str) else ""


def _type_table(scope: _Scope, profile: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Per type of the profile (in its order): name, description, explanation (why this name)
    and rule in ``lang``, colour, street segments and street length in scope and its share of
    the street length; then the street segments without a type
    (``untyped_street``, ``untyped: True``), so that the shares add up to the street length.
    Paths do not count (``is_street``), also where the typology classified them."""
    st = scope.streets
    street = _street_mask(st)
    length = st["length_m"].to_numpy(dtype=float)[street]
    total = float(length.sum())
    keys = st["type_key"].astype(str).to_numpy()[street]
    rows = []

    def row(key: str, name: str, description: str, p: pd.Series | None) -> dict[str, Any]:
        sel = keys == key
        return {
            "key": key, "name": name, "description": description,
            "explanation": _text_of(p, f"explanation_{lang}"),
            "rule": _text_of(p, f"rule_{lang}"),
            "color": type_color(key),
            "segments": int(sel.sum()),
            "length_m": float(length[sel].sum()),
            "share": float(length[sel].sum()) / total if total > 0 else 0.0,
            "profile": p, "untyped": p is None,
        }

    for _, p in profile.iterrows():
        key = str(p["type_key"])
        rows.append(row(key, str(p.get(f"type_name_{lang}", key)),
                        str(p.get(f"description_{lang}", "") or ""), p))
    for key in untyped_keys():
        if (keys == key).any():
            rows.append(row(key, type_label(key, lang), "", None))
    return rows


def _key_feature(p: pd.Series, features: Sequence[str]) -> str | None:
    """The type's most distinctive published feature (highest z), for its street list."""
    best, best_z = None, -np.inf
    for f in features:
        if SENSITIVE in indicator(f).tags:
            continue
        z = p.get(f"z_{f}", np.nan)
        if not _is_nan(z) and float(z) > best_z:
            best, best_z = f, float(z)
    return best


def _street_ids(streets: pd.DataFrame) -> np.ndarray:
    """Each segment's named street: ``street_id`` (``""`` for none), or, for a layer without
    it, the street name."""
    col = "street_id" if "street_id" in streets.columns else "street_name"
    return streets[col].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _top_streets(streets: pd.DataFrame, key: str, feature: str | None,
                 n: int = TOP_STREETS) -> pd.DataFrame:
    """The named streets with the most street length of type ``key``: name (its
    ``street_id``), length, segments and the length-weighted mean of ``feature``."""
    names = _street_ids(streets)
    keep = (streets["type_key"].astype(str).to_numpy() == key) & (names != "") & \
        _street_mask(streets)
    if not keep.any():
        return pd.DataFrame(columns=["street_name", "length_m", "segments", "mean"])
    w = streets["length_m"].to_numpy(dtype=float)[keep]
    v = (pd.to_numeric(streets[feature], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
         [keep] if feature else np.full(int(keep.sum()), np.nan))
    ok = ~np.isnan(v)
    table = pd.DataFrame({"street_name": names[keep], "length_m": w, "segments": 1,
                          "vw": np.where(ok, v * w, 0.0), "w": np.where(ok, w, 0.0)})
    out = table.groupby("street_name", sort=False).sum().reset_index()
    out["mean"] = np.where(out["w"] > 0, out["vw"] / out["w"].where(out["w"] > 0, 1), np.nan)
    out = out[["street_name", "length_m", "segments", "mean"]]
    return out.sort_values(["length_m", "street_name"], ascending=[False, True]).head(n)


# ---------------------------------------------------------------------------------- the page

_CSS = """
:root { --wk-notice: %(notice)s; --wk-ink: #1f2328; --wk-muted: #5a6169; --wk-line: #d8dce0; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  color: var(--wk-ink); margin: 0; background: #f4f5f6; line-height: 1.45; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; background: #fff; padding: 28px 40px 40px; }
h1 { font-size: 28px; margin: 0 0 2px; line-height: 1.2; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 4px;
  border-bottom: 2px solid var(--wk-ink); }
h3 { font-size: 17px; margin: 22px 0 6px; }
h4 { font-size: 14.5px; margin: 14px 0 4px; }
p { margin: 6px 0; }
.wk-sub { color: var(--wk-muted); margin: 0 0 12px; }
.wk-muted, figcaption, .wk-note { color: var(--wk-muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%%; margin: 6px 0 10px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
  border-bottom: 1px solid var(--wk-line); }
th { background: #f0f2f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.wk-key { table-layout: fixed; }
.wk-key th:first-child { width: 38%%; } .wk-key th:nth-child(2) { width: 22%%; }
.wk-key td.wk-wrap { white-space: normal; }
table.wk-defs { table-layout: fixed; }
.wk-defs th:first-child { width: 25%%; } .wk-defs th:nth-child(2) { width: 13%%; }
.wk-defs th:nth-child(4) { width: 19%%; }
.wk-defs td { overflow-wrap: anywhere; }
.wk-key td.num { font-size: 16px; font-weight: 600; }
.wk-synthetic { background: var(--wk-notice); color: #fff; padding: 12px 16px; margin: 12px 0;
  border-radius: 4px; }
.wk-synthetic strong { display: block; font-size: 17px; }
.wk-tag { display: inline-block; background: var(--wk-notice); color: #fff; font-size: 10.5px;
  font-weight: 700; padding: 0 5px; border-radius: 3px; margin-left: 6px;
  vertical-align: middle; letter-spacing: 0.02em; }
.wk-suppressed { color: var(--wk-muted); font-style: italic; font-weight: 400; }
.wk-privacy { border-left: 4px solid #6c757d; background: #f4f5f6; padding: 6px 10px;
  font-size: 13.5px; }
.wk-swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px;
  vertical-align: -2px; margin-right: 7px; border: 1px solid rgba(0,0,0,.25); }
.wk-bar { display: flex; height: 22px; border-radius: 3px; overflow: hidden; margin: 8px 0 4px;
  border: 1px solid var(--wk-line); }
.wk-bar span { display: block; height: 100%%; }
.wk-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13.5px;
  margin: 6px 0; }
figure { margin: 10px 0 14px; }
.wk-svg { width: 100%%; height: auto; display: block; }
.wk-map svg { border: 1px solid var(--wk-line); background: #fbfbfa; max-width: none !important; }
.wk-type { border-top: 1px solid var(--wk-line); padding-top: 4px; margin-top: 18px; }
.wk-type h3 { margin-top: 10px; }
.wk-desc { font-size: 15px; margin: 2px 0 6px; }
.wk-why { margin: 6px 0; padding: 5px 9px; background: #f4f6f9; border-left: 3px solid #8a9bb3;
  border-radius: 0 3px 3px 0; }
.wk-rule { font-size: 13.5px; color: #333; margin: 4px 0 6px; }
.wk-frame { width: 100%%; height: 640px; border: 1px solid var(--wk-line); display: block; }
nav.wk-pages { font-size: 13.5px; margin: 4px 0 10px; }
nav.wk-pages a { margin-right: 10px; }
.wk-small { font-size: 12.5px; }
code { font-size: 12.5px; background: #f0f2f4; padding: 0 3px; border-radius: 2px; }
@media (max-width: 700px) { main { padding: 16px; } .wk-frame { height: 420px; } }
@page { size: A4; margin: 14mm 13mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #5a6169;
    font-family: Arial, "Helvetica Neue", "DejaVu Sans", sans-serif; }
  @bottom-left { content: %(footer)s; font-size: 8pt; color: %(footer_color)s;
    font-weight: %(footer_weight)s; font-family: Arial, "Helvetica Neue", "DejaVu Sans",
    sans-serif; } }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; page-break-after: avoid; }
  .wk-break { break-before: page; page-break-before: always; }
  figure, tr, .wk-keep, .wk-synthetic { break-inside: avoid; page-break-inside: avoid; }
  .wk-screen { display: none !important; }
  a { color: inherit; text-decoration: none; }
  table { font-size: 9.5pt; }
  .wk-key td.num { font-size: 10.5pt; }
  .wk-map svg { width: min(100%%, calc(165mm / var(--wk-aspect, 1))) !important; margin: 0 auto; }
}
@media screen { .wk-print { display: none; } }
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the style element."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;-–—()/'⚠·_":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _css(place: str, kinds: Sequence[str], t: Mapping[str, str]) -> str:
    """The page's style sheet. Printed pages carry the page number and, for SYNTHETIC
    inputs, the notice in their foot (CSS page-margin boxes), else the place and the tool."""
    foot = (f"⚠ {t['synthetic_foot'].format(what=_what(kinds))}" if kinds
            else f"{place} · wijkkracht")
    return _CSS % {"notice": synthetic_notice_color(), "footer": _css_string(foot),
                   "footer_color": synthetic_notice_color() if kinds else "#5a6169",
                   "footer_weight": 700 if kinds else 400}


def _tag(on: bool, t: Mapping[str, str]) -> str:
    return f'<span class="wk-tag">{_esc(t["synthetic_tag"])}</span>' if on else ""


def _what(kinds: Sequence[str]) -> str:
    return "/".join(_SOURCE_NAMES.get(k, k) for k in kinds)


def _value_cell(value: Any, text: str, t: Mapping[str, str]) -> str:
    if value is None:
        return (f'<td class="num"><span class="wk-suppressed" title="{_esc(t["suppressed_note"])}">'
                f'{_esc(t["suppressed"])}</span></td>')
    return f'<td class="num">{_esc(text)}</td>'


def _key_figures_html(fig: Mapping[str, Any], scope: _Scope, types: list[dict[str, Any]],
                      lang: str) -> str:
    t = _T[lang]
    kinds = scope.kinds
    rows: list[str] = []

    def row(label: str, value: Any, text: str, note: str = "", synthetic: bool = False) -> None:
        rows.append(f"<tr><td>{_esc(label)}{_tag(synthetic, t)}</td>"
                    f"{_value_cell(value, text, t)}"
                    f'<td class="wk-note">{_esc(note)}</td></tr>')

    row(t["street_km"], fig["street_km"], f"{_num(fig['street_km'], 1, lang)} km",
        t["street_km_note"])
    row(t["segments"], fig["segments"], str(fig["segments"]),
        t["segments_note"].format(n=fig["network_segments"]))
    row(t["network_km"], fig["network_km"], f"{_num(fig['network_km'], 1, lang)} km",
        t["network_km_note"])
    row(t["functions"], fig["functions"], str(fig["functions"]), t["functions_note"])
    row(t["n"], fig["n_count"], str(fig["n_count"]), t["no_note"])
    row(t["o"], fig["o_count"], str(fig["o_count"]), t["no_note"])
    row(t["balance"], fig["no_balance"], _num(fig["no_balance"], 2, lang), t["balance_note"])
    if not _is_nan(fig.get("no_balance_400")):
        row(t["balance400"], fig["no_balance_400"], _num(fig["no_balance_400"], 2, lang),
            t["balance400_note"])
    if fig["shopfronts"]:
        row(t["vacancy"], fig["vacancy_share"], _pct(fig["vacancy_share"], lang),
            t["vacancy_note"].format(vacant=fig["vacant_shopfronts"], fronts=fig["shopfronts"]))
    else:
        row(t["vacancy"], 0, "–", t["no_fronts"])
    for name, label, note in (("bag_vacant_share", "bag_vacancy", "bag_vacancy_note"),
                              ("mxi", "mxi", "mxi_note"),
                              ("home_based_share", "home", "home_note")):
        if name not in fig:
            continue
        value = fig[name]
        text = "–" if value is None or math.isnan(value) else _pct(value, lang)
        extra = t[note]
        if value is not None and math.isnan(value):
            text = t["no_data"]
        if name == "home_based_share" and fig.get("home_based_left_out"):
            extra += ". " + t["home_partial"].format(
                n=fig["network_segments"] - fig["home_based_left_out"],
                total=fig["network_segments"])
        row(t[label], value, text, extra, _is_synthetic(name, kinds))
    present = [r for r in types if r["length_m"] > 0 and not r.get("untyped")]
    if present:
        main = max(present, key=lambda r: r["length_m"])
        rows.append(f"<tr><td>{_esc(t['main_type'])}</td><td class=\"num wk-wrap\">"
                    f"<span class=\"wk-swatch\" style=\"background:{main['color']}\"></span>"
                    f"{_esc(main['name'])}</td><td class=\"wk-note\">{_esc(t['main_type_note'])}"
                    f" ({_pct(main['share'], lang)})</td></tr>")
    head = (f"<tr><th>{_esc(t['figure'])}</th><th class=\"num\">{_esc(t['value'])}</th>"
            f"<th>{_esc(t['note'])}</th></tr>")
    return (f'<section id="key"><h2>{_esc(t["key"])}</h2>'
            f'<table class="wk-key">{head}{"".join(rows)}</table></section>')


def _synthetic_html(kinds: Sequence[str], t: Mapping[str, str]) -> str:
    if not kinds:
        return ""
    what = _what(kinds)
    return (f'<div class="wk-synthetic" role="alert" id="synthetic-notice"><strong>⚠ '
            f'{_esc(t["synthetic_title"].format(what=what))}</strong>'
            f'{_esc(t["synthetic_body"].format(what=what))}</div>')


def _pages_nav(result: AnalysisResult, page: _Page, basename: str | None, lang: str) -> str:
    pages = _pages(result)
    if basename is None or len(pages) < 2:
        return ""
    t = _T[lang]
    links = []
    for p in pages:
        label = t["whole"] if p.position is None else \
            (p.name or p.code or t["unnamed_area"].format(n=p.position + 1))
        if p.code and p.name and p.position is not None:
            label = f"{p.name} ({p.code})"
        if p.key == page.key:
            links.append(f"<strong>{_esc(label)}</strong>")
        else:
            links.append(f'<a href="{_esc(_file_name(basename, p))}">{_esc(label)}</a>')
    return f'<nav class="wk-pages">{_esc(t["pages"])}: {" · ".join(links)}</nav>'


def _map_html(scope: _Scope, result: AnalysisResult, types: list[dict[str, Any]], lang: str,
              map_href: str | None, embed_map: bool, offline: bool = False) -> str:
    t = _T[lang]
    svg = _static_map(scope, result, salt=f"wk-map-{scope.page.key}")
    legend = "".join(
        f'<span><span class="wk-swatch" style="background:{r["color"]}"></span>'
        f'{_esc(r["name"])}</span>' for r in types if r["segments"])
    if "type_key" in scope.streets and not _street_mask(scope.streets).all():
        legend += (f'<span><span class="wk-swatch" style="background:'
                   f'{type_color("untyped_path")}"></span>'
                   f'{_esc(type_label("untyped_path", lang))}</span>')
    caption = t["map_caption"].format(
        others=t["map_others"] if scope.page.position is not None else "",
        attribution=result.attribution)
    parts = [f'<section id="map" class="wk-keep"><h2>{_esc(t["map"])}</h2>',
             f'<figure class="wk-map">{svg}<div class="wk-legend">{legend}</div>'
             f"<figcaption>{_esc(caption)}</figcaption></figure>"]
    if embed_map:
        from .webmap import webmap_html

        doc = webmap_html(result, lang=lang, offline=offline)
        parts.append(f'<div class="wk-screen"><h3>{_esc(t["interactive"])}</h3>'
                     f'<iframe class="wk-frame" title="{_esc(t["frame_title"])}" '
                     f'srcdoc="{_esc(doc)}"></iframe></div>'
                     f'<p class="wk-print wk-note">{_esc(t["interactive_embedded"])}</p>')
    elif map_href:
        link = f'<a href="{_esc(map_href)}">{_esc(map_href)}</a>'
        text = _esc(t["interactive_link"]).replace(_esc("({file})"), f"({link})")
        parts.append(f'<h3 class="wk-screen">{_esc(t["interactive"])}</h3>'
                     f'<p class="wk-note">{text}</p>'
                     f'<iframe class="wk-frame wk-screen" title="{_esc(t["frame_title"])}" '
                     f'src="{_esc(map_href)}"></iframe>')
    parts.append("</section>")
    return "".join(parts)


def _types_html(scope: _Scope, types: list[dict[str, Any]], features: Sequence[str],
                lang: str) -> str:
    t = _T[lang]
    kinds = scope.kinds
    present = [r for r in types if r["segments"]]
    bar = "".join(f'<span style="width:{100 * r["share"]:.2f}%;background:{r["color"]}" '
                  f'title="{_esc(r["name"])}: {_pct(r["share"], lang)}"></span>'
                  for r in present)
    rows = "".join(
        f'<tr><td><span class="wk-swatch" style="background:{r["color"]}"></span>'
        f'<strong>{_esc(r["name"])}</strong></td>'
        f'<td class="num">{r["segments"]}</td>'
        f'<td class="num">{_num(r["length_m"] / 1000, 1, lang)}</td>'
        f'<td class="num">{_pct(r["share"], lang)}</td></tr>' for r in present)
    head = (f"<tr><th>{_esc(t['type'])}</th><th class=\"num\">{_esc(t['segments'])}</th>"
            f"<th class=\"num\">{_esc(t['km'])}</th>"
            f"<th class=\"num\">{_esc(t['share_length'])}</th></tr>")
    out = [f'<section id="types" class="wk-break"><h2>{_esc(t["types"])}</h2>',
           f"<p>{_esc(t['types_intro'])}</p>",
           f'<p class="wk-note">{_esc(t["share_note"])}</p>',
           f'<p class="wk-note">{_esc(t["profile_intro"])}</p>',

           f'<div class="wk-bar" role="img" aria-label="{_esc(t["share_length"])}">{bar}</div>',
           f'<table class="wk-types">{head}{rows}</table>']
    absent = [r for r in types if not r["segments"] and not r.get("untyped")]
    if absent:
        out.append(f'<p class="wk-note">{_esc(t["absent"])}: '
                   + ", ".join(_esc(r["name"]) for r in absent) + ".</p>")
    synthetic_features = [f for f in features if _is_synthetic(f, kinds)]
    for r in present:
        if r.get("untyped"):
            continue
        p = r["profile"]
        out.append(f'<article class="wk-type" id="type-{_esc(r["key"])}"><div class="wk-keep">'
                   f'<h3><span class="wk-swatch" style="background:{r["color"]}"></span>'
                   f'{_esc(r["name"])}</h3><p class="wk-desc">{_esc(r["description"])}</p>')
        if r["explanation"]:
            from .webmap import explained_indicators

            used = explained_indicators(p.to_dict(), lang) if p is not None else ()
            tag = _tag(any(_is_synthetic(q, kinds) for q in used), t)
            out.append(f'<p class="wk-why"><strong>{_esc(t["why"])}</strong>{tag}: '
                       f'{_esc(r["explanation"])}</p>')
        if r["rule"]:
            out.append(f'<p class="wk-rule"><strong>{_esc(t["rule"])}</strong>: '
                       f'{_esc(r["rule"])}</p>')
        out.append(f'<p class="wk-note">{r["segments"]} {_esc(t["segments"].lower())}, '
                   f'{_num(r["length_m"] / 1000, 1, lang)} km, '
                   f'{_pct(r["share"], lang)} {_esc(t["share_length"].lower())}</p>')
        chart = _profile_chart(p, features, r["color"], lang, kinds,
                               salt=f"wk-profile-{r['key']}")
        legend = (f" {_esc(t['synthetic_legend'].format(what=_what(kinds)))}"
                  if synthetic_features else "")
        out.append(f'<figure class="wk-profile"><h4>{_esc(t["profile"])}</h4>{chart}'
                   f"<figcaption>{_esc(t['profile_caption'])}{legend}</figcaption></figure>"
                   "</div>")
        out.append(_top_streets_html(scope, r, features, lang))
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def _top_streets_html(scope: _Scope, r: Mapping[str, Any], features: Sequence[str],
                      lang: str) -> str:
    t = _T[lang]
    feature = _key_feature(r["profile"], features)
    top = _top_streets(scope.streets, r["key"], feature)
    head = f'<h4>{_esc(t["top_streets"])}</h4>'
    if not len(top):
        return head + f'<p class="wk-note">{_esc(t["no_named"])}</p>'
    mean_head = ""
    if feature:
        title = indicator(feature).label(lang)
        mean_head = (f'<th class="num">{_esc(t["mean"].format(label=title))}'
                     f"{_tag(_is_synthetic(feature, scope.kinds), t)}</th>")
    rows = []
    for _, s in top.iterrows():
        mean = (f'<td class="num">{_esc(_feature_value(feature, s["mean"], lang))}</td>'
                if feature else "")
        rows.append(f"<tr><td>{_esc(s['street_name'])}</td>"
                    f'<td class="num">{_num(s["length_m"], 0, lang)}</td>'
                    f'<td class="num">{int(s["segments"])}</td>{mean}</tr>')
    return (head + f'<table class="wk-top"><tr><th>{_esc(t["street"])}</th>'
            f'<th class="num">{_esc(t["length_m"])}</th>'
            f'<th class="num">{_esc(t["segments"])}</th>{mean_head}</tr>'
            + "".join(rows) + "</table>")


def named_street_table(streets: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """The named streets of ``streets`` (a report page's segments): one row per named street
    (``street_id``) with ``length_m``, ``segments`` and ``fronting_n`` of its street segments,
    ``main_key``/``main_name`` (the type with the most length; ties by the Dutch name, as
    :func:`wijkkracht.core.streets.named_streets`) and ``shares``: ``(key, name, share)`` per
    type, most length first. Sorted by length (longest first), then name.

    For the whole study area these are the figures of ``result.named_streets``; for an area,
    of the part of each street whose segments lie in it.
    """
    cols = ["street_id", "length_m", "segments", "fronting_n", "main_key", "main_name",
            "shares"]
    ids = _street_ids(streets)
    keep = _street_mask(streets) & (ids != "")
    if not keep.any():
        return pd.DataFrame(columns=cols)
    n = int(keep.sum())

    def column(name: str, default: Any) -> np.ndarray:
        return (streets[name].to_numpy()[keep] if name in streets.columns
                else np.full(n, default, dtype=object))

    frame = pd.DataFrame({
        "sid": ids[keep], "len": streets["length_m"].to_numpy(dtype=float)[keep],
        "front": pd.to_numeric(pd.Series(column("fronting_n", 0)), errors="coerce")
        .fillna(0).to_numpy(),
        "key": pd.Series(column("type_key", "")).astype(str).to_numpy(),
        "nl": pd.Series(column("type_name_nl", "")).astype(str).to_numpy(),
        "name": pd.Series(column(f"type_name_{lang}", "")).astype(str).to_numpy(),
    })
    per = frame.groupby("sid").agg(length_m=("len", "sum"), segments=("len", "size"),
                                   fronting_n=("front", "sum"))
    by_type = (frame.groupby(["sid", "key", "nl", "name"], sort=False)["len"].sum()
               .reset_index().sort_values(["sid", "len", "nl"], ascending=[True, False, True],
                                          kind="stable"))
    shares: dict[str, list[tuple[str, str, float]]] = {}
    for sid, key, _, name, length in by_type.itertuples(index=False):
        total = float(per.at[sid, "length_m"])
        shares.setdefault(sid, []).append((key, name, length / total if total > 0 else 0.0))
    out = per.reset_index().rename(columns={"sid": "street_id"})
    out["shares"] = [shares[sid] for sid in out["street_id"]]
    out["main_key"] = [sh[0][0] for sh in out["shares"]]
    out["main_name"] = [sh[0][1] for sh in out["shares"]]
    out["fronting_n"] = out["fronting_n"].astype(np.int64)
    out = out.sort_values(["length_m", "street_id"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def _named_html(scope: _Scope, lang: str) -> str:
    """Streets by name: the longest named streets of the page with their main type and every
    type's share of their length."""
    t = _T[lang]
    table = named_street_table(scope.streets, lang)
    if not len(table):
        return ""
    top = table.head(TOP_NAMED_STREETS)
    rows = []
    for _, r in top.iterrows():
        color = type_color(r["main_key"])
        shares = ", ".join(f"{_esc(name)} {_pct0(share, lang)}" for _, name, share in r["shares"])
        rows.append(f"<tr><td>{_esc(r['street_id'])}</td>"
                    f'<td class="num">{_num(r["length_m"], 0, lang)}</td>'
                    f'<td class="num">{int(r["fronting_n"])}</td>'
                    f'<td><span class="wk-swatch" style="background:{color}"></span>'
                    f'{_esc(r["main_name"])} ({_pct0(r["shares"][0][2], lang)})</td>'
                    f'<td class="wk-small">{shares}</td></tr>')
    numeric = ("length_street", "addresses")
    head = "".join(("<th class=\"num\">" if k in numeric else "<th>") + f"{_esc(t[k])}</th>"
                   for k in ("street", "length_street", "addresses", "main", "shares"))
    intro = t["by_name_intro"].format(n=len(top), total=len(table)) + \
        (t["by_name_area"] if scope.page.position is not None else "")
    return (f'<section id="streets-by-name"><h2>{_esc(t["by_name"])}</h2>'
            f'<p class="wk-note">{_esc(intro)}</p>'
            f'<table class="wk-named"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _per_type_table(scope: _Scope, types: list[dict[str, Any]], columns: Sequence[
        tuple[str, str, Callable[[pd.DataFrame], float]]], lang: str) -> str:
    t = _T[lang]
    st = scope.streets
    keys = st["type_key"].astype(str)
    head = "".join(f'<th class="num">{_esc(label)}{_tag(syn == "syn", t)}</th>'
                   for label, syn, _ in columns)
    street = _street_mask(st)
    rows = []
    for r in types:
        if not r["segments"] or r.get("untyped"):
            continue
        sub = st[(keys == r["key"]).to_numpy() & street]
        cells = []
        for _label, _syn, func in columns:
            v = func(sub)
            cells.append(f'<td class="num">{"–" if _is_nan(v) else _esc(v)}</td>')
        rows.append(f'<tr><td><span class="wk-swatch" style="background:{r["color"]}"></span>'
                    f'{_esc(r["name"])}</td>{"".join(cells)}</tr>')
    return (f'<table><tr><th>{_esc(t["type"])}</th>{head}</tr>{"".join(rows)}</table>')


def _no_html(scope: _Scope, fig: Mapping[str, Any], types: list[dict[str, Any]],
             lang: str) -> str:
    t = _T[lang]

    def wmean(col: str, nd: int) -> Callable[[pd.DataFrame], Any]:
        def f(sub: pd.DataFrame) -> Any:
            v = _wmean(sub[col], sub["length_m"].to_numpy(dtype=float))
            return np.nan if math.isnan(v) else _num(v, nd, lang)
        return f

    columns = [(indicator("n_count_400").label(lang), "", wmean("n_count_400", 1)),
               (indicator("o_count_400").label(lang), "", wmean("o_count_400", 1)),
               (indicator("no_balance_400").label(lang), "", wmean("no_balance_400", 2))]
    summary = (f'<p>{_esc(t["n"])}: <strong>{fig["n_count"]}</strong> · {_esc(t["o"])}: '
               f'<strong>{fig["o_count"]}</strong> · {_esc(t["balance"])}: '
               f'<strong>{_num(fig["no_balance"], 2, lang)}</strong></p>')
    return (f'<section id="no-balance" class="wk-keep"><h2>{_esc(t["no_section"])}</h2>'
            f"{summary}<p class=\"wk-note\">{_esc(t['no_intro'])}</p>"
            f"{_per_type_table(scope, types, columns, lang)}</section>")


def _vacancy_html(scope: _Scope, fig: Mapping[str, Any], types: list[dict[str, Any]],
                  lang: str) -> str:
    t = _T[lang]
    st = scope.streets

    def wmean_pct(col: str) -> Callable[[pd.DataFrame], Any]:
        def f(sub: pd.DataFrame) -> Any:
            v = _wmean(sub[col], sub["length_m"].to_numpy(dtype=float))
            return np.nan if math.isnan(v) else _pct(v, lang)
        return f

    def pooled_pct(sub: pd.DataFrame) -> Any:
        v, _ = _pooled(sub, "bag_vacant_share")
        return np.nan if math.isnan(v) else _pct(v, lang)

    columns: list[tuple[str, str, Callable[[pd.DataFrame], Any]]] = [
        (indicator("vacancy_share_400").label(lang), "", wmean_pct("vacancy_share_400"))]
    if "bag_vacant_share" in st.columns and all(c in st.columns
                                                for c in POOLED["bag_vacant_share"]):
        columns.append((indicator("bag_vacant_share").label(lang),
                        "syn" if _is_synthetic("bag_vacant_share", scope.kinds) else "",
                        pooled_pct))
    if fig["shopfronts"]:
        note = t["vacancy_note"].format(vacant=fig["vacant_shopfronts"],
                                        fronts=fig["shopfronts"])
        osm = (f'{_esc(t["vacancy"])}: <strong>{_pct(fig["vacancy_share"], lang)}</strong> '
               f"({_esc(note)})")
    else:
        osm = f'{_esc(t["vacancy"])}: {_esc(t["no_fronts"])}'
    lines = [f"<p>{osm}</p>"]
    if "bag_vacant_share" in fig:
        v = fig["bag_vacant_share"]
        text = t["no_data"] if v is None or math.isnan(v) else _pct(v, lang)
        lines.append(f'<p>{_esc(t["bag_vacancy"])}{_tag(_is_synthetic("bag_vacant_share", scope.kinds), t)}: '
                     f'<strong>{_esc(text)}</strong> <span class="wk-note">'
                     f'({_esc(t["bag_vacancy_note"])})</span></p>')
    return (f'<section id="vacancy" class="wk-keep"><h2>{_esc(t["vac_section"])}</h2>'
            f"{''.join(lines)}<p class=\"wk-note\">{_esc(t['vac_intro'])}</p>"
            f"{_per_type_table(scope, types, columns, lang)}</section>")


#: Hours of the evening (local time) in :func:`_hours_html`'s list of evening streets.
_EVENING_HOUR = 20


def _hours_profile(scope: _Scope, result: AnalysisResult) -> np.ndarray | None:
    """The length-weighted mean 7 x 24 profile of the scope's streets, or None."""
    if result.hours is None or not len(scope.streets):
        return None
    hours = result.hours.reindex(scope.streets.index)
    ok = hours.notna().all(axis=1).to_numpy()
    if not ok.any():
        return None
    w = scope.streets["length_m"].to_numpy(dtype=float)[ok]
    values = hours.to_numpy(dtype=float)[ok]
    return (values * w[:, None]).sum(axis=0).reshape(7, 24) / max(float(w.sum()), 1e-9)


def _hours_chart(profile: np.ndarray, lang: str, salt: str) -> str:
    t = _T[lang]
    fig = _figure(7.2, 2.5)
    ax = fig.add_axes([0.07, 0.2, 0.8, 0.72])
    im = ax.imshow(profile, aspect="auto", cmap="YlOrRd", interpolation="nearest",
                   vmin=0, vmax=max(float(profile.max()), 1.0))
    ax.set_yticks(range(7))
    ax.set_yticklabels([pair[0] if lang == "nl" else pair[1] for pair in DAYS], fontsize=8)
    ax.set_xticks(range(0, 24, 3))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 24, 3)], fontsize=7.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    cax = fig.add_axes([0.89, 0.2, 0.02, 0.72])
    bar = fig.colorbar(im, cax=cax)
    bar.ax.tick_params(labelsize=7)
    bar.outline.set_visible(False)
    ax.set_xlabel(t["hours_axis"], fontsize=8)
    return _svg(fig, salt)


def _hours_html(scope: _Scope, result: AnalysisResult, lang: str) -> str:
    profile = _hours_profile(scope, result)
    if profile is None:
        return ""
    t = _T[lang]
    meta = scope.metadata.get("opening_hours", {})
    syn = "opening_hours" in scope.kinds
    st = scope.streets
    length = st["length_m"].to_numpy(dtype=float)
    lines = []
    for col, key, pct in (("evening_share", "evening", True), ("weekend_share", "weekend", True),
                          ("n_o_hours_per_day", "n_o_hours", False)):
        if col not in st.columns:
            continue
        v = _wmean(st[col], length)
        text = t["no_data"] if math.isnan(v) else (_pct(v, lang) if pct else _num(v, 1, lang))
        lines.append(f"<li>{_esc(t[key])}: <strong>{_esc(text)}</strong></li>")
    counts = meta.get("counts", {})
    note = t["hours_counts"].format(**{k: int(counts.get(k, 0)) for k in
                                       ("ok", "missing", "invalid", "unknown")})
    when = (f"{DAYS[4][0] if lang == 'nl' else DAYS[4][1]} {_EVENING_HOUR:02d}:00")
    col = f"{DAYS[4][0]}_{_EVENING_HOUR:02d}"
    top = ""
    hours = result.hours.reindex(st.index) if result.hours is not None else None
    if hours is not None and col in hours:
        evening = hours[col].dropna().sort_values(ascending=False, kind="stable")
        names = st["street_name"].reindex(evening.index) if "street_name" in st else None
        seen: list[str] = []
        for idx, v in evening.items():
            name = names.get(idx) if names is not None else None
            if not isinstance(name, str) or not name or name in seen or v <= 0:
                continue
            seen.append(name)
            top += (f"<li>{_esc(name)}: <strong>{int(v)}</strong> "
                    f"{_esc(t['hours_of'].format(when=when))}</li>")
            if len(seen) == TOP_STREETS:
                break
    intro = t["hours_intro"].format(r=float(meta.get("radius_m", 400)),
                                    week=meta.get("week", "?"))
    return (f'<section id="hours" class="wk-keep"><h2>{_esc(t["hours_section"])}'
            f"{_tag(syn, t)}</h2><p class=\"wk-note\">{_esc(intro)}</p>"
            f"{_hours_chart(profile, lang, f'hours-{scope.page.code or 0}')}"
            f"<ul>{''.join(lines)}</ul>"
            + (f"<h3>{_esc(t['evening_streets'])}</h3><ol>{top}</ol>" if top else "")
            + f'<p class="wk-note">{_esc(note)}</p></section>')


def _spending_html(scope: _Scope, result: AnalysisResult, lang: str) -> str:
    spend = result.spending
    if spend is None or not len(spend.zones):
        return ""
    t = _T[lang]
    meta = spend.metadata
    par = meta.get("parameters", {})
    syn = "bag" in scope.kinds

    def pct(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _pct(float(v), lang)

    def num(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _num(float(v), 0, lang)

    head = "".join(f"<th>{_esc(t[k])}</th>" for k in ("zone", "dwellings", "kept", "leaks",
                                                        "beyond", "drawn_here", "from_outside"))
    rows = []
    for _, z in spend.zones.iterrows():
        rows.append(f"<tr><td>{_esc(z['name'])}</td><td>{num(z['demand'])}</td>"
                    f"<td><strong>{pct(z['retained_share'])}</strong></td>"
                    f"<td>{pct(z['leaked_share'])}</td><td>{pct(z['beyond_reach_share'])}</td>"
                    f"<td>{num(z['drawn'])}</td><td>{pct(z['inflow_share'])}</td></tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    fill = ""
    names = dict(zip(spend.zones["code"], spend.zones["name"], strict=True))
    all_sc = spend.scenarios
    kind = all_sc["scenario"] if "scenario" in all_sc else pd.Series("vacant_front",
                                                                   index=all_sc.index)
    added = all_sc[kind == "added_shop"]
    if len(added):
        items = []
        for _, r in added.iterrows():
            items.append(f"<tr><td>{_esc(r['osm_id'])}</td>"
                         f"<td>{_esc(names.get(r['zone'], r['zone']))}</td>"
                         f"<td>{num(r['drawn'])}</td><td>{pct(r['retained_share_before'])} → "
                         f"<strong>{pct(r['retained_share_after'])}</strong></td></tr>")
        ahead = "".join(f"<th>{_esc(t[k])}</th>" for k in ("added_shop", "zone", "would_draw",
                                                             "kept_after"))
        fill += (f"<h3>{_esc(t['added_title'])}</h3><table><thead><tr>{ahead}</tr></thead>"
                 f"<tbody>{''.join(items)}</tbody></table>")
    sc = all_sc[kind == "vacant_front"]
    if len(sc):
        items = []
        for _, r in sc.head(TOP_STREETS).iterrows():
            items.append(f"<tr><td>{_esc(r['osm_id'])}</td>"
                         f"<td>{_esc(names.get(r['zone'], r['zone']))}</td>"
                         f"<td>{num(r['drawn'])}</td><td>{pct(r['retained_share_before'])} → "
                         f"<strong>{pct(r['retained_share_after'])}</strong></td></tr>")
        fhead = "".join(f"<th>{_esc(t[k])}</th>" for k in ("front", "zone", "would_draw",
                                                             "kept_after"))
        fill += (f"<h3>{_esc(t['fill_title'])}</h3><p class=\"wk-note\">"
                f"{_esc(t['fill_intro'].format(m2=float(meta.get('scenario_floor_area_m2', 0))))}"
                f"</p><table><thead><tr>{fhead}</tr></thead><tbody>{''.join(items)}</tbody>"
                "</table>")
    sources = meta.get("attractiveness", {}).get("sources", {})
    src_names = {"nl": {"bag_floor_area": "uit de BAG", "assumed_floor_area": "aangenomen per soort "
                    "winkel", "count": "elke winkel 1"},
             "en": {"bag_floor_area": "from the BAG", "assumed_floor_area": "assumed per kind "
                    "of shop", "count": "every shop 1"}}[lang]
    src = ", ".join(f"{v} {src_names.get(k, k)}" for k, v in sources.items()) or "–"
    params = t["spend_params"].format(decay=par.get("decay", "power"),
                                      beta=float(par.get("beta", 2)),
                                      cutoff=float(par.get("cutoff_m", 2000)),
                                      mind=float(par.get("min_distance_m", 100)), sources=src)
    warn = "".join(f'<p class="wk-note">{_esc(w)}</p>' for w in meta.get("warnings", []))
    intro = t["spend_intro"].format(cutoff=float(par.get("cutoff_m", 2000)))
    return (f'<section id="spending" class="wk-keep"><h2>{_esc(t["spend_section"])}'
            f"{_tag(syn, t)}</h2><p class=\"wk-note\">{_esc(intro)}</p>{table}{fill}"
            f'<p class="wk-note">{_esc(params)}</p>{warn}</section>')


def _fmt_param(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    return "–" if value is None else str(value)


def _when(created: Any) -> str:
    """``2026-01-05T14:03:07+0100`` as ``2026-01-05 14:03``; other text as it is."""
    text = str(created)
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})", text)
    return f"{m.group(1)} {m.group(2)}" if m else text


def _category_label(cat: str, lang: str) -> str:
    from ..core.categories import EVERYDAY

    return EVERYDAY[cat](lang) if cat in EVERYDAY else cat.replace("_", " ")


def _detour_html(check: Any, lang: str) -> str:
    """The detours of the walks to the nearest amenity (``metadata["detour"]``, see
    :mod:`wijkkracht.core.diagnostics`): p50/p90/p99, the share above 3, p90 per category, and
    the warning when p90 is above the limit."""
    if not isinstance(check, Mapping):
        return ""
    t = _T[lang]
    head = f'<h3 id="detour">{_esc(t["detour"])}</h3>'
    least = float(check.get("min_straight_m", 100))
    if not check.get("pairs"):
        return head + f'<p>{_esc(t["detour_none"].format(min=least))}</p>'

    def ratio(v: Any) -> str:
        return "–" if v is None or _is_nan(v) else _num(float(v), 2, lang)

    text = t["detour_text"].format(pairs=_thousands(int(check["pairs"]), lang), min=least,
                                   p50=ratio(check.get("p50")), p90=ratio(check.get("p90")),
                                   p99=ratio(check.get("p99")),
                                   over=_pct(float(check.get("share_over_3") or 0), lang))
    out = [head, f"<p>{_esc(text)}</p>"]
    warn = float(check.get("warn_p90", 2.0))
    if check.get("p90") is not None and float(check["p90"]) > warn:
        out.append(f'<p class="wk-privacy">{_esc(t["detour_warn"].format(warn=warn))}</p>')
    by_cat = check.get("by_category") or {}
    if isinstance(by_cat, Mapping) and by_cat:
        rows = "".join(f"<tr><td>{_esc(_category_label(cat, lang))}</td>"
                       f'<td class="num">{_thousands(int(v.get("pairs", 0)), lang)}</td>'
                       f'<td class="num">{ratio(v.get("p90"))}</td></tr>'
                       for cat, v in by_cat.items() if isinstance(v, Mapping))
        out.append(f'<table class="wk-detour wk-small"><tr><th>{_esc(t["category"])}</th>'
                   f'<th class="num">{_esc(t["pairs"])}</th>'
                   f'<th class="num">{_esc(t["p90"])}</th></tr>{rows}</table>')
    return "".join(out)


def _counted_once_html(summary: Any, lang: str) -> str:
    """How many OpenStreetMap objects were counted as one amenity (``metadata["counted_once"]``,
    see :mod:`wijkkracht.core.amenities`): per everyday category the objects, the places they
    make and those counted; the schools by level and the supermarkets by size."""
    if not isinstance(summary, Mapping) or not summary.get("categories"):
        return ""
    t = _T[lang]
    rows = "".join(f"<tr><td>{_esc(_category_label(cat, lang))}</td>"
                   f'<td class="num">{int(v.get("rows", 0))}</td>'
                   f'<td class="num">{int(v.get("objects", 0))}</td>'
                   f'<td class="num"><strong>{int(v.get("counted", 0))}</strong></td></tr>'
                   for cat, v in summary["categories"].items() if isinstance(v, Mapping))
    out = [f'<h3 id="counted-once">{_esc(t["counted_once"])}</h3>',
           f'<p>{_esc(t["counted_once_text"])}</p>',
           f'<table class="wk-counted wk-small"><tr><th>{_esc(t["category"])}</th>'
           f'<th class="num">{_esc(t["poi_rows"])}</th>'
           f'<th class="num">{_esc(t["osm_objects"])}</th>'
           f'<th class="num">{_esc(t["counted"])}</th></tr>{rows}</table>']
    levels = (summary.get("schools") or {}).get("levels")
    if isinstance(levels, Mapping) and sum(int(v) for v in levels.values()):
        text = t["schools_note"].format(unknown=int(levels.get("unknown", 0)),
                                        primary=int(levels.get("primary", 0)),
                                        other=int(levels.get("other", 0)))
        out.append(f'<p class="wk-note">{_esc(text)}</p>')
    sm = summary.get("supermarkets")
    if isinstance(sm, Mapping) and sm:
        known = sm.get("size_known") or {}
        n_known = sum(int(v) for v in known.values()) if isinstance(known, Mapping) \
            else int(known or 0)
        text = t["supermarkets_note"].format(
            n=int(sm.get("counted_as_supermarket", 0)), below=int(sm.get("below_threshold", 0)),
            m2=float(sm.get("threshold_m2", 150)), known=n_known,
            unknown=int(sm.get("size_unknown", 0)))
        out.append(f'<p class="wk-note">{_esc(text)}</p>')
    return "".join(out)


def _thousands(n: int, lang: str) -> str:
    """``11893`` as ``11.893`` (nl) or ``11,893`` (en)."""
    return f"{n:,}".replace(",", "." if lang == "nl" else ",")


def _typology_text(params: Mapping[str, Any], meta: Mapping[str, Any],
                   features: Sequence[str], lang: str) -> str:
    """How the types were made: by the rules (``method == "rules"``), or by clustering
    (k-means, contiguous) with how k was chosen (``metadata["silhouette"]``: ``{"stability":
    {k: ARI}}`` when chosen by stability, ``{k: score}`` from an older run, ``{}`` when set)."""
    t = _T[lang]
    method = params.get("method")
    if method == "rules":
        from ..core.archetypes import ARCHETYPES

        order = "; ".join(f"({i}) {a.name(lang)}" for i, a in enumerate(ARCHETYPES.values(), 1))
        return t["typology_rules"].format(order=order)
    feature_labels = ", ".join(indicator(f).label(lang) for f in features if f in INDICATORS)
    name = t["contiguous"] if method == "contiguous" else t["kmeans"]
    parts = [t["typology_text"].format(method=name, k=params.get("k", "?"),
                                       features=feature_labels or "–")]
    diagnostics = meta.get("silhouette") or {}
    if not isinstance(diagnostics, Mapping):
        diagnostics = {}
    stability = diagnostics.get("stability")

    def scores(values: Mapping[Any, Any]) -> str:
        return ", ".join(f"k = {k}: {format_number(float(v), 2, lang)}"
                         for k, v in values.items() if _finite_number(v))

    if isinstance(stability, Mapping) and stability:
        parts.append(t["k_stability"].format(values=scores(stability)))
    elif diagnostics and all(_finite_number(v) for v in diagnostics.values()):
        parts.append(t["k_silhouette"].format(values=scores(diagnostics)))
    else:
        parts.append(t["k_fixed"])
    if method == "contiguous" or params.get("contiguous"):
        parts.append(t["contiguous_note"])
    return " ".join(parts)


def _finite_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _methods_html(scope: _Scope, features: Sequence[str], lang: str) -> str:
    t = _T[lang]
    meta = scope.metadata
    kinds = scope.kinds
    groups = dict(item.split("=", 1) for item in t["groups"].split(";"))
    present = [n for n in INDICATORS if n in scope.all_streets.columns]
    out = [f'<section id="methods" class="wk-break"><h2>{_esc(t["methods"])}</h2>',
           f'<h3>{_esc(t["definitions"])}</h3>']
    head = (f"<tr><th>{_esc(t['indicator'])}</th><th>{_esc(t['unit'])}</th>"
            f"<th>{_esc(t['definition'])}</th><th>{_esc(t['null'])}</th></tr>")
    for group in dict.fromkeys(INDICATORS[n].group for n in present):
        rows = []
        for n in (n for n in present if INDICATORS[n].group == group):
            ind = INDICATORS[n]
            null = ind.null_meaning(lang) if ind.null_meaning is not None else "–"
            rows.append(f'<tr id="def-{_esc(n)}"><td><strong>{_esc(ind.label(lang))}</strong>'
                        f"{_tag(_is_synthetic(n, kinds), t)}<br><code>{_esc(n)}</code></td>"
                        f"<td>{_esc(UNITS[ind.unit](lang))}</td>"
                        f"<td>{_esc(ind.description(lang))} <span class=\"wk-muted\">"
                        f"({_esc(t['source'])}: {_esc(SOURCES[ind.requires](lang))})</span></td>"
                        f"<td>{_esc(null)}</td></tr>")
        out.append(f"<h4>{_esc(groups.get(group, group))}</h4>"
                   f'<table class="wk-defs wk-small">{head}{"".join(rows)}</table>')
    params = meta.get("parameters", {}) if isinstance(meta.get("parameters"), dict) else {}
    out.append(f'<h3>{_esc(t["typology"])}</h3>'
               f"<p>{_esc(_typology_text(params, meta, features, lang))}</p>")
    which = params.get("typology_segments_used") or params.get("typology_segments")
    if which in TYPOLOGY_SEGMENTS:
        text = t["typology_segments"].format(what=TYPOLOGY_SEGMENTS[which](lang),
                                             typed=params.get("typed_segments", "?"))
        out.append(f"<p>{_esc(text)}</p>")
    out.append(f'<p class="wk-note">{_esc(t["streets_text"])}</p>')
    fills = params.get("missing_value_fills") or {}
    if isinstance(fills, dict) and fills and params.get("method") != "rules":
        text = ", ".join(f"{indicator(k).label(lang)} = {format_number(float(v), 2, lang)}"
                         for k, v in fills.items() if k in INDICATORS)
        out.append(f'<p class="wk-note">{_esc(t["fills"].format(fills=text))}</p>')
    if scope.areas is not None:
        out.append(f"<p>{_esc(t['areas_text'])}</p>")
    out.append(_detour_html(meta.get("detour"), lang))
    out.append(_counted_once_html(meta.get("counted_once"), lang))
    if scope.threshold is not None:
        out.append(f'<p class="wk-privacy">{_esc(t["privacy"].format(t=scope.threshold))}</p>')
    out.append(f'<h3>{_esc(t["sources"])}</h3>')
    srows = []
    for s in meta.get("sources") or []:
        if not isinstance(s, dict):
            continue
        name = s.get("name", "")
        synthetic = "SYNTHETIC" in str(name).upper() or "SYNTHETIC" in \
            str(s.get("attribution", "")).upper()
        srows.append(f"<tr><td>{_esc(name)}{_tag(synthetic, t)}</td>"
                     f"<td>{_esc(s.get('licence', '–'))}</td>"
                     f"<td>{_esc(s.get('attribution', '–'))}</td>"
                     f"<td>{_esc(s.get('date', '–'))}</td></tr>")
    out.append(f"<table class=\"wk-sources wk-small\"><tr><th>{_esc(t['name'])}</th>"
               f"<th>{_esc(t['licence'])}</th><th>{_esc(t['attribution'])}</th>"
               f"<th>{_esc(t['date'])}</th></tr>{''.join(srows)}</table>")
    out.append(f'<p class="wk-note">{_esc(meta.get("attribution", ""))}</p>')
    tool = t["tool_text"].format(version=meta.get("version", "?"), report_version=__version__,
                                 created=_when(meta.get("created", "?")))
    out.append(f'<h3>{_esc(t["tool"])}</h3><p>{_esc(tool)}</p>')
    prow = [f"<tr><td><code>{_esc(k)}</code></td><td>{_esc(_fmt_param(v))}</td></tr>"
            for k, v in params.items()]
    bag = meta.get("bag") if isinstance(meta.get("bag"), dict) else {}
    if bag.get("reference_date"):
        prow.append(f"<tr><td>{_esc(t['reference_date'])}</td>"
                    f"<td>{_esc(bag['reference_date'])}</td></tr>")
    if scope.threshold is not None:
        prow.append(f"<tr><td>{_esc(t['threshold'])}</td><td>{scope.threshold}</td></tr>")
    out.append(f'<table class="wk-params wk-small"><tr><th>{_esc(t["parameter"])}</th>'
               f'<th>{_esc(t["value"])}</th></tr>{"".join(prow)}</table>')
    out.append("</section>")
    return "".join(out)


def build_report(result: AnalysisResult, *, lang: str = "nl", area: str | int | None = None,
                 map_href: str | None = None, embed_map: bool = False,
                 basename: str | None = None, offline: bool = False) -> str:
    """One report page as a self-contained HTML document.

    Parameters
    ----------
    result
        The analysis result (an ``AreaAnalysisResult`` for pages per area).
    lang
        ``"nl"`` (Dutch) or ``"en"`` (English).
    area
        ``None``: the whole study area; else one area of ``result.areas``: its code
        (``area_code``), name (``area_name``) or 0-based position.
    map_href
        The interactive map's file, relative to the page (e.g. ``"wijkkracht.html"``): shown
        in a frame on screen, with a link that also prints. ``None``: no link.
    embed_map
        Put the interactive map itself in the page (a frame with ``srcdoc``): one file
        carries everything, at the cost of the map's size per page. Wins over ``map_href``.
    basename
        The base name of the report files (see :func:`report_pages`): the page then links
        to the other pages of the report. ``None``: no such links.
    offline
        With ``embed_map``: the embedded map carries its JavaScript and CSS, so that it
        works with no internet (:func:`wijkkracht.output.webmap.webmap_html`).

    Returns
    -------
    str
        The page. It holds no script and loads nothing, except the interactive map's frame.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``area``.
    OutputError
        When matplotlib (needed for the charts) is not installed.
    """
    _check_lang(lang)
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise OutputError("the report needs matplotlib for its charts: pip install "
                          "matplotlib") from exc
    t = _T[lang]
    scope = _scope(result, area)
    page = scope.page
    profile = pd.DataFrame(result.profile)
    features = [c[2:] for c in profile.columns if c.startswith("z_") and c[2:] in INDICATORS]
    types = _type_table(scope, profile, lang)
    fig = _figures(scope, result)
    study = _study_name(result)
    if page.position is None:
        place = study or t["study_area"]
        where = t["study_area"]
    else:
        place = page.name or page.code or t["unnamed_area"].format(n=page.position + 1)
        level = _cell(scope.areas, "level", page.position) if scope.areas is not None else ""
        where = " · ".join(x for x in (level, page.code, study) if x)
    kinds = scope.kinds
    title = f"{t['title']}: {place}"
    doc_title = title + (f" ({t['synthetic_tag']})" if kinds else "")
    created = _when(scope.metadata.get("created", "?"))
    head = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="wijkkracht {_esc(__version__)}">'
            f"<title>{_esc(doc_title)}</title>"
            f"<style>{_css(place, kinds, t)}</style></head>")
    body = [
        "<body><main>",
        f'<header><h1>{_esc(title)}</h1><p class="wk-sub">{_esc(t["subtitle"])} · '
        f'{_esc(where)} · '
        f'{_esc(t["analysis"].format(created=created, version=scope.metadata.get("version", "?")))}'
        "</p></header>",
        _synthetic_html(kinds, t),
        _pages_nav(result, page, basename, lang),
    ]
    if scope.threshold is not None:
        body.append(f'<p class="wk-privacy">{_esc(t["privacy"].format(t=scope.threshold))}</p>')
    body += [
        _key_figures_html(fig, scope, types, lang),
        _map_html(scope, result, types, lang, map_href, embed_map, offline),
        _types_html(scope, types, features, lang),
        _named_html(scope, lang),
        _no_html(scope, fig, types, lang),
        _vacancy_html(scope, fig, types, lang),
        _hours_html(scope, result, lang),
        _spending_html(scope, result, lang),
        _methods_html(scope, features, lang),
        "</main></body></html>\n",
    ]
    return head + "".join(body)


def report_files(result: AnalysisResult, *, lang: str = "nl", basename: str = "wijkkracht",
                 map_href: str | None = None, embed_map: bool = False, offline: bool = False
                 ) -> dict[str, tuple[str, Callable[[Path], object]]]:
    """The report's pages as extra outputs of :func:`wijkkracht.output.writer.write_outputs`.

    Returns
    -------
    dict
        ``{page key: (file name, write(path))}`` (see :func:`report_pages`).
    """
    _check_lang(lang)
    out: dict[str, tuple[str, Callable[[Path], object]]] = {}
    for page in _pages(result):
        area = None if page.position is None else page.position

        def write(path: Path, area: int | None = area) -> None:
            text = build_report(result, lang=lang, area=area, map_href=map_href,
                                embed_map=embed_map, basename=basename, offline=offline)
            Path(path).write_text(text, encoding="utf-8")

        out[page.key] = (_file_name(basename, page), write)
    return out


def write_report(result: AnalysisResult, out_dir: str | os.PathLike[str], *, lang: str = "nl",
                 basename: str = "wijkkracht", map: str = "link",  # noqa: A002
                 areas: Sequence[str] | None = None, offline: bool = False) -> dict[str, Path]:
    """Write the report pages (and, when needed, the interactive map) into ``out_dir``.

    All files appear together or none does (:func:`~wijkkracht.output.atomic.write_all_atomically`).

    Parameters
    ----------
    result
        The analysis result.
    out_dir
        Output folder (created when missing).
    lang
        ``"nl"`` or ``"en"``.
    basename
        Pages are named ``<basename>_report.html`` (whole study area) and
        ``<basename>_report_<area code>.html`` (see :func:`report_pages`).
    map
        ``"link"``: the pages show ``<basename>.html`` beside them in a frame and link to it;
        it is written too when the folder does not hold it yet. ``"embed"``: the map inside
        every page. ``"none"``: the static map only.
    areas
        Only the pages of these areas (codes or names) besides the whole study area;
        ``None``: every area.
    offline
        The map this writes or embeds carries its JavaScript and CSS (works with no
        internet; see :func:`wijkkracht.output.webmap.webmap_html`).

    Returns
    -------
    dict
        ``{page key: Path}``, plus ``"html"`` when the map was written.

    Raises
    ------
    ValueError
        For an unknown ``lang``, ``map`` or area.
    OutputError
        When a file cannot be written; the folder is then as it was.
    """
    from .atomic import write_all_into

    _check_lang(lang)
    if map not in MAP_MODES:
        raise ValueError(f"map must be one of {', '.join(MAP_MODES)}, not {map!r}")
    if not basename or Path(basename).name != basename:
        raise ValueError(f"basename must be a plain file name, not {basename!r}")
    folder = Path(out_dir)
    map_name = f"{basename}.html"
    files = report_files(result, lang=lang, basename=basename,
                         map_href=map_name if map == "link" else None, embed_map=map == "embed",
                         offline=offline)
    if areas is not None:
        wanted = {_find_page(result, a).key for a in areas} | {"report"}
        files = {k: v for k, v in files.items() if k in wanted}
    writes: list[tuple[Path, Callable[[Path], object]]] = []
    paths: dict[str, Path] = {}
    for key, (name, write) in files.items():
        paths[key] = folder / name
        writes.append((paths[key], write))
    if map == "link" and not (folder / map_name).is_file():
        from .webmap import write_webmap_file

        paths["html"] = folder / map_name
        writes.append((paths["html"],
                       lambda p: write_webmap_file(result, p, lang=lang, offline=offline)))
    write_all_into(folder, writes)
    return paths


# ------------------------------------------------------------------------ from a GeoPackage


def result_from_gpkg(path: str | os.PathLike[str]) -> AnalysisResult:
    """Read the GeoPackage a wijkkracht run wrote back into a result.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`wijkkracht.output.gpkg.write_gpkg` (``wijkkracht run``
        or ``demo``): layers ``streets``, ``pois``, ``area``, ``typology_profile`` and, with
        areas, ``areas`` (and ``named_streets`` with its labels, ``opening_profile``, read into
        ``hours``); the run's metadata in the dataset metadata ``WIJKKRACHT_METADATA``.

    Returns
    -------
    AnalysisResult
        An ``AreaAnalysisResult`` when the file has an ``areas`` layer. The streets are indexed
        by ``segment_id`` as in the run.

    Raises
    ------
    InputError
        When the file is missing, unreadable or lacks a layer or the metadata.
    """
    import pyogrio

    from ..core.pipeline import AreaAnalysisResult

    p = Path(path)
    source = str(p)
    if not p.is_file():
        raise InputError(source, "no such file")
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(p)}
        info = pyogrio.read_info(p, layer="streets") if "streets" in layers else {}
    except Exception as exc:  # noqa: BLE001 - pyogrio raises several kinds
        raise InputError(source, f"not a readable GeoPackage ({_first_line(exc)})") from exc
    missing = [n for n in ("streets", "pois", "area", "typology_profile") if n not in layers]
    if missing:
        raise InputError(source, f"not a wijkkracht GeoPackage: layer(s) {', '.join(missing)} "
                                 "missing")
    text = (info.get("dataset_metadata") or {}).get("WIJKKRACHT_METADATA")
    if not text:
        raise InputError(source, "not a wijkkracht GeoPackage: no WIJKKRACHT_METADATA")
    try:
        metadata = json.loads(text)
    except ValueError as exc:
        raise InputError(source, f"WIJKKRACHT_METADATA is not JSON ({exc})") from exc

    def read(layer: str) -> Any:
        try:
            return pyogrio.read_dataframe(p, layer=layer)
        except Exception as exc:  # noqa: BLE001
            raise InputError(source, f"cannot read the {layer!r} layer "
                                     f"({_first_line(exc)})") from exc

    streets = read("streets")
    if "segment_id" in streets.columns:
        streets = streets.set_index("segment_id")
    profile = pd.DataFrame(read("typology_profile"))
    profile = profile.drop(columns=[c for c in ("geometry",) if c in profile.columns])
    kwargs: dict[str, Any] = {"streets": streets, "pois": read("pois"), "area": read("area"),
                              "profile": profile, "metadata": metadata}
    if "named_streets" in layers:
        named = read("named_streets")
        if "main_type_id" in named.columns:
            named["main_type_id"] = pd.array(named["main_type_id"], dtype="Int64")
        try:
            meta = pyogrio.read_info(p, layer="named_streets").get("layer_metadata") or {}
            named.attrs["labels"] = SharedLabels(json.loads(meta.get("WIJKKRACHT_LABELS") or "{}"))
        except Exception:  # noqa: BLE001 - the labels are a nicety: no aliases without them
            named.attrs["labels"] = {}
        kwargs["named_streets"] = named
    if "opening_profile" in layers:
        hours = pd.DataFrame(read("opening_profile"))
        if "segment_id" in hours.columns:
            hours = hours.set_index("segment_id")
        kwargs["hours"] = hours[[c for c in HOUR_COLUMNS if c in hours.columns]]
    if "spending_zones" in layers:
        from ..core.spending import SEGMENT_COLUMNS, SpendingResult

        kwargs["spending"] = SpendingResult(
            segments=streets[[c for c in SEGMENT_COLUMNS if c in streets.columns]],
            zones=read("spending_zones"),
            catchment=pd.DataFrame(read("spending_catchment")),
            scenarios=read("spending_scenarios"),
            metadata=dict(metadata.get("spending", {})))
    if "areas" in layers:
        return AreaAnalysisResult(**kwargs, areas=read("areas"))
    return AnalysisResult(**kwargs)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__
