"""The report's words (Dutch and English) and how it writes numbers, shares and tags
(part of :mod:`wijkkracht.output.report`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..styles import (
    format_number,
)

_LANGS = ("nl", "en")

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
        "analysis_layers": "Uit de lagen van een analyse (datum en versie niet bekend)",
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
        "analysis_layers": "From the layers of an analysis (date and version not known)",
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


def _tag(on: bool, t: Mapping[str, str]) -> str:
    return f'<span class="wk-tag">{_esc(t["synthetic_tag"])}</span>' if on else ""


def _what(kinds: Sequence[str], t: Mapping[str, str] | None = None) -> str:
    """The SYNTHETIC input kinds by name, in the language of the words ``t``."""
    return _what_in(kinds, "nl" if t is _T["nl"] else "en")


# --------------------------------------------------------------------------- council summary,
# appendix, settings in words, one language

_T["nl"].update({
    "summary": "Samenvatting",
    "summary_intro": "De belangrijkste bevindingen op één pagina; de cijfers en hoe ze gemaakt "
                     "zijn staan verderop en in de bijlagen.",
    "summary_study": "Vergeleken met het hele onderzoeksgebied{extra}.",
    "summary_city": "; een vergelijking met de hele stad vraagt een batchresultaat met alle "
                    "buurten van de stad",
    "strongest": "Sterkste straten per kansentype",
    "strongest_intro": "Per kansentype de straten met de meeste lengte van dat type.",
    "type_share": "Aandeel straatlengte",
    "type_share_study": "Hele onderzoeksgebied",
    "streets_of_type": "Straten (lengte van dit type)",
    "fronts_title": "Leegstaande winkelpanden om te vullen",
    "fronts_intro": "Leegstaande winkelpanden (OpenStreetMap) op adres; zonder adres in "
                    "OpenStreetMap: de dichtstbijzijnde straat.",
    "fronts_more": "en nog {n}",
    "front_near": "bij {street}",
    "front_unknown": "straat onbekend",
    "fronts_none": "Geen leegstaande winkelpanden in OpenStreetMap in dit gebied.",
    "fronts_count": "{vacant} van {fronts} winkelpanden staan leeg: {share} (aandeel, 0–1){cmp}.",
    "cmp_study": " (hele onderzoeksgebied: {value})",
    "no_summary": "N {n} en O {o}: balans {balance} (1 = evenveel N als O){cmp}. Gemiddeld per "
                  "straat binnen 400 m: {b400}{cmp400}.",
    "no_more_n": "Er zijn meer noodzakelijke (N) dan onderscheidende (O) voorzieningen: ruimte "
                 "voor onderscheidende ondernemers.",
    "no_more_o": "Er zijn meer onderscheidende (O) dan noodzakelijke (N) voorzieningen: let op "
                 "de dagelijkse boodschappen.",
    "no_even": "N en O zijn in evenwicht.",
    "leak_title": "Waar lekken de bestedingen weg?",
    "leak_summary": "Van de bestedingen aan dagelijkse boodschappen van het hele "
                    "onderzoeksgebied blijft {kept} in het eigen gebied, lekt {leaks} weg en "
                    "heeft {beyond} geen winkel binnen bereik (aandelen, 0–1).",
    "leak_most": "Het meest lekt weg uit {zone}: {leaks} (hele onderzoeksgebied: {all}).",
    "appendix": "Bijlagen",
    "appendix_methods": "Bijlage A. Methode en bronnen",
    "appendix_definitions": "Bijlage B. Definities van de indicatoren",
    "share_unit": "aandeel (0–1)",
    "yes": "ja", "no": "nee", "not_set": "niet gezet",
    "bundled": "meegeleverd bij wijkkracht",
    "own_file": "eigen bestand {name}",
    "set_k": "Aantal kansentypen",
    "set_method": "Methode van de kansentypen",
    "set_categories": "Tabel van de POI-categorieën",
    "set_typed": "Straatsegmenten met een kansentype",
    "set_features": "Kenmerken van de kansentypen",
    "set_fills": "Ontbrekende waarden aangevuld met",
    "set_k_range": "Bereik van het aantal typen",
    "method_rules": "de regels van de kansentypen",
    "method_kmeans": "k-means",
    "method_contiguous": "Ward-clustering langs het stratennetwerk",
    "decay_power": "machtsverval", "decay_exponential": "exponentieel",
    "seg_fronting": "segmenten met adressen of gebouwen eraan",
    "seg_streets": "alle straten", "seg_all": "alle segmenten van het loopnetwerk",
    "measure_floor_area": "vloeroppervlak", "measure_count": "aantal",
    "groups_more": "time=Levendigheid door de week;spending=Bestedingen",
})
_T["en"].update({
    "summary": "Summary of findings",
    "summary_intro": "The main findings on one page; the figures and how they were made "
                     "follow below and in the appendices.",
    "summary_study": "Compared with the whole study area{extra}.",
    "summary_city": "; a comparison with the whole city needs a batch result with all the "
                    "city's neighbourhoods",
    "strongest": "Strongest streets by opportunity type",
    "strongest_intro": "For each opportunity type the streets with the most length of it.",
    "type_share": "Share of street length",
    "type_share_study": "Whole study area",
    "streets_of_type": "Streets (length of this type)",
    "fronts_title": "Vacant shop fronts to fill",
    "fronts_intro": "Vacant shop fronts (OpenStreetMap) by address; without an address in "
                    "OpenStreetMap: the nearest street.",
    "fronts_more": "and {n} more",
    "front_near": "near {street}",
    "front_unknown": "street unknown",
    "fronts_none": "No vacant shop fronts in OpenStreetMap in this area.",
    "fronts_count": "{vacant} of {fronts} shop fronts are vacant: {share} (share, 0–1){cmp}.",
    "cmp_study": " (whole study area: {value})",
    "no_summary": "N {n} and O {o}: balance {balance} (1 = as many N as O){cmp}. Mean per street "
                  "within 400 m: {b400}{cmp400}.",
    "no_more_n": "There are more necessary (N) than distinctive (O) businesses: room for "
                 "distinctive entrepreneurs.",
    "no_more_o": "There are more distinctive (O) than necessary (N) businesses: watch the "
                 "everyday shopping.",
    "no_even": "N and O are in balance.",
    "leak_title": "Where does the spending leak out?",
    "leak_summary": "Of the daily-goods spending of the whole study area, {kept} stays in the "
                    "own area, {leaks} leaks out and {beyond} has no shop within reach "
                    "(shares, 0–1).",
    "leak_most": "Most leaks out of {zone}: {leaks} (whole study area: {all}).",
    "appendix": "Appendices",
    "appendix_methods": "Appendix A. Methods and sources",
    "appendix_definitions": "Appendix B. Definitions of the indicators",
    "share_unit": "share (0–1)",
    "yes": "yes", "no": "no", "not_set": "not set",
    "bundled": "bundled with wijkkracht",
    "own_file": "own file {name}",
    "set_k": "Number of opportunity types",
    "set_method": "Method of the opportunity types",
    "set_categories": "Table of the POI categories",
    "set_typed": "Street segments with an opportunity type",
    "set_features": "Features of the opportunity types",
    "set_fills": "Missing values filled with",
    "set_k_range": "Range of the number of types",
    "method_rules": "the rules of the opportunity types",
    "method_kmeans": "k-means",
    "method_contiguous": "Ward clustering along the street network",
    "decay_power": "power", "decay_exponential": "exponential",
    "seg_fronting": "segments with addresses or buildings on them",
    "seg_streets": "all streets", "seg_all": "all segments of the walking network",
    "measure_floor_area": "floor area", "measure_count": "count",
    "groups_more": "time=Liveliness through the week;spending=Spending",
})

#: Names of the input kinds in ``metadata["synthetic"]``, per language.
_SOURCE_NAMES_LANG = {"nl": {**_SOURCE_NAMES, "opening_hours": "openingstijden"},
                      "en": {**_SOURCE_NAMES, "opening_hours": "opening hours"}}


def _what_in(kinds: Sequence[str], lang: str) -> str:
    """The SYNTHETIC input kinds by name in ``lang`` (``BAG/KvK/openingstijden``)."""
    names = _SOURCE_NAMES_LANG.get(lang, _SOURCE_NAMES)
    return "/".join(names.get(k, k) for k in kinds)


def _share(value: float, lang: str) -> str:
    """A share as its registered unit says (``aandeel (0–1)``, as on the map and in QGIS):
    ``0,08`` (nl) or ``0.08`` (en)."""
    return _num(float(value), 2, lang)


#: Texts the tool itself puts in a result's metadata (SYNTHETIC notices, the demo's source
#: descriptions), in Dutch: a Dutch report shows these instead of the English originals.
_DATA_PHRASES_NL: tuple[tuple[str, str], ...] = (
    ("SYNTHETIC — generated, not real BAG/KvK data",
     "SYNTHETISCH — gegenereerd, geen echte BAG/KvK-gegevens"),
    ("SYNTHETIC — generated opening_hours, not OpenStreetMap values",
     "SYNTHETISCH — gegenereerde openingstijden, geen waarden uit OpenStreetMap"),
    ("BAG verblijfsobjecten and KvK-style establishments",
     "BAG-verblijfsobjecten en vestigingen zoals bij de KvK"),
    ("Opening hours (OSM opening_hours format)", "Openingstijden (in de vorm van OSM)"),
    ("opening_hours:", "openingstijden:"),
    ("generated by wijkkracht", "gegenereerd door wijkkracht"),
    ("walking network (OSMnx's default walk network: no cycle paths) and POI/building points "
     "(no names, no outlines)",
     "loopnetwerk (het standaard loopnetwerk van OSMnx: zonder fietspaden) en punten van POI's "
     "en gebouwen (zonder namen en omtrekken)"),
    ("(OSMnx extraction)", "(uittreksel met OSMnx)"),
    ("extract via OSMnx", "uittreksel met OSMnx"),
    ("OpenStreetMap contributors", "OpenStreetMap-bijdragers"),
)


def _data_text(text: Any, lang: str) -> str:
    """A text from the result's metadata (source names, attribution) in the report's language:
    the phrases the tool wrote itself are translated; the rest is the data's own words."""
    out = "" if text is None else str(text)
    if lang == "nl":
        for en, nl in _DATA_PHRASES_NL:
            out = out.replace(en, nl)
    return out


#: Warnings of the spending flows (``spending.metadata["warnings"]``, written in English by
#: :mod:`wijkkracht.core.spending`), as patterns and their text per language.
_WARNINGS: tuple[tuple[str, dict[str, str]], ...] = (
    (r"the streets and shops reach a median of (?P<reach>[\d,.]+) m beyond the zones, less than "
     r"the (?P<cutoff>[\d,.]+) m cut-off: spending that leaks to shops further away is not seen, "
     r"so the shares kept are upper bounds",
     {"nl": "De straten en winkels reiken gemiddeld (mediaan) {reach} m buiten de gebieden, "
            "minder dan de grens van {cutoff} m: bestedingen die weglekken naar winkels verder "
            "weg zijn niet te zien, dus de aandelen die in het gebied blijven zijn "
            "bovengrenzen.",
      "en": "The streets and shops reach a median of {reach} m beyond the zones, less than "
            "the {cutoff} m cut-off: spending that leaks to shops further away is not seen, "
            "so the shares kept are upper bounds."}),
)


def _warning_text(text: str, lang: str) -> str:
    """A warning of the analysis in ``lang``: a known warning in the report's words (its
    numbers written the report's way), anything else as it was written."""
    import re

    for pattern, texts in _WARNINGS:
        m = re.fullmatch(pattern, str(text).strip())
        if m:
            values = {k: _thousands_text(v, lang) for k, v in m.groupdict().items()}
            return texts[lang].format(**values)
    return str(text)


def _thousands_text(number: str, lang: str) -> str:
    """``2,000`` (as Python writes it) as ``2.000`` (nl) or ``2,000`` (en)."""
    digits = number.replace(",", "")
    try:
        return f"{int(float(digits)):,}".replace(",", "." if lang == "nl" else ",")
    except ValueError:
        return number
