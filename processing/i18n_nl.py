"""The Dutch texts of the QGIS plugin: English (as written in the code) -> Dutch.

See :mod:`wijkkracht.processing.i18n` for how they are used and how to add one.
"""

from __future__ import annotations

__all__ = ["DUTCH"]

_JOIN_NOTE = (" Elk indicator-algoritme schrijft voor dezelfde invoer dezelfde segmenten: koppel "
              "de uitvoer op segment_id, of draai de buurtanalyse voor alle indicatoren en de "
              "kansentypen tegelijk.")
_TYPOLOGY_HELP = (
    "De kenmerken worden gestandaardiseerd (aantallen eerst als log(1 + x)) en geclusterd "
    "met k-means (vaste seed, 10 starts) of, ruimtelijk aaneengesloten, met Ward-clustering "
    "langs de graaf van aangrenzende straten, zodat typen doorlopende stukken straat vormen. "
    "Zonder opgegeven aantal typen wordt het aantal met de beste silhouetscore binnen het "
    "bereik gekozen. Elk type krijgt de naam van het archetype dat het best bij zijn profiel "
    "past (één archetype per type, een optimale toewijzing), bv. 'Levendig gemengd centrum' "
    "of 'Straat van de dagelijkse boodschappen'. Dezelfde invoer geeft elke keer dezelfde "
    "typen."
)
_JOIN_NOTE_EN = (" Every indicator algorithm writes the same segments for the same inputs: "
                 "join their outputs on segment_id, or run the neighbourhood analysis for all "
                 "indicators and the opportunity types at once.")
_TYPOLOGY_HELP_EN = (
    "The features are standardised (counts first as log(1 + x)) and clustered with k-means "
    "(fixed seed, 10 starts) or, spatially contiguous, with Ward clustering along the "
    "street-adjacency graph, so that types form connected stretches of street. Without a "
    "given number of types, the number with the best silhouette score in the range is "
    "chosen. Each type takes the name of the archetype that fits its profile best (one "
    "archetype per type, an optimal assignment), e.g. 'Lively mixed centre' or 'Everyday "
    "shopping street'. The same input gives the same types every run."
)

DUTCH: dict[str, str] = {
    # --- provider, groups, common --------------------------------------------------------------
    "wijkkracht": "wijkkracht",
    "wijkkracht: economic opportunities per street": "wijkkracht: economische kansen per straat",
    "Analysis": "Analyse",
    "Data": "Gegevens",
    "Indicators": "Indicatoren",
    "Typology": "Typologie",
    "Output": "Uitvoer",
    "Output fields": "Uitvoervelden",
    "Empty (NULL)": "Leeg (NULL)",
    "References": "Literatuur",
    "Cancelled": "Geannuleerd",
    "could not apply the style": "kon de stijl niet toepassen",
    "Data from OpenStreetMap: © OpenStreetMap contributors, ODbL 1.0.":
        "Gegevens van OpenStreetMap: © OpenStreetMap-bijdragers, ODbL 1.0.",
    "These algorithms are not available because Python packages are missing: {}.":
        "Deze algoritmen zijn niet beschikbaar omdat Python-pakketten ontbreken: {}.",
    # --- shared parameters -----------------------------------------------------------------------
    "Streets (walking network, beyond the study area)":
        "Straten (wandelnetwerk, tot voorbij het onderzoeksgebied)",
    "Lines of the walking network, reaching beyond the study area (e.g. 800 m): distances near "
    "its edge need what lies across it. Any CRS; lines that meet at an end point are connected.":
        "Lijnen van het wandelnetwerk, tot voorbij het onderzoeksgebied (bv. 800 m): afstanden "
        "bij de rand hebben nodig wat erachter ligt. Elk CRS; lijnen die elkaar in een "
        "eindpunt raken, zijn verbonden.",
    "POIs (shops, amenities, buildings)": "POI's (winkels, voorzieningen, gebouwen)",
    "Points (or polygons) of OpenStreetMap features: a column 'tag' with key=value, one column "
    "per OSM key (as OSMnx and GDAL give them), or 'building_type' with key_value. Polygons "
    "count at a point inside them.":
        "Punten (of vlakken) van OpenStreetMap-objecten: een kolom 'tag' met sleutel=waarde, "
        "één kolom per OSM-sleutel (zoals OSMnx en GDAL ze geven), of 'building_type' met "
        "sleutel_waarde. Vlakken tellen op een punt erbinnen.",
    "Study area": "Onderzoeksgebied",
    "Polygons of the neighbourhood; all are merged into one area. Results are written for the "
    "street segments whose middle lies in it. Without a study area the whole network is the "
    "study area, and values near its edge are too low.":
        "Vlakken van de buurt; ze worden samengevoegd tot één gebied. De uitkomsten worden "
        "geschreven voor de straatsegmenten waarvan het midden erin ligt. Zonder "
        "onderzoeksgebied is het hele netwerk het onderzoeksgebied, en zijn waarden bij de "
        "rand te laag.",
    "Tag classification table (CSV)": "Tabel met tag-indeling (CSV)",
    "Your own version of data/poi_categories.csv: which OSM tags are functions, N or O, "
    "everyday amenities, shop fronts. Empty: the bundled table.":
        "Je eigen versie van data/poi_categories.csv: welke OSM-tags functies zijn, N of O, "
        "dagelijkse voorzieningen, winkelpanden. Leeg: de meegeleverde tabel.",
    "Snap distance for POIs (m)": "Koppelafstand voor POI's (m)",
    "POIs farther than this from every street (in metres) are left out of the network "
    "measures.":
        "POI's die verder dan deze afstand (in meters) van elke straat liggen, tellen niet mee "
        "in de netwerkmaten.",
    "Keep street parts not connected to the network":
        "Straatdelen houden die niet met het netwerk verbonden zijn",
    "By default lines that are not connected to the largest part of the network are left out, "
    "as nothing beyond them can be reached.":
        "Standaard vallen lijnen weg die niet met het grootste deel van het netwerk verbonden "
        "zijn, omdat vanaf daar niets bereikbaar is.",
    # --- neighbourhood analysis ------------------------------------------------------------------
    "Neighbourhood analysis (all steps)": "Buurtanalyse (alle stappen)",
    "Proximity, mixed use, N/O mix, vacancy and opportunity types for every street segment of "
    "a neighbourhood.":
        "Nabijheid, functiemenging, N/O-mix, leegstand en kansentypen voor elk straatsegment "
        "van een buurt.",
    "The whole analysis in one step, as the command line runs it: the street network (buffered "
    "beyond the study area) is split into segments, the POIs are classified and placed on their "
    "nearest street, every indicator is computed along the network, and the segments of the "
    "study area are classified into opportunity types. " + _TYPOLOGY_HELP_EN + " Outputs: the "
    "streets with every indicator and their type (coloured by type), the classified POIs (N / O "
    "/ other / vacant), the study area with summary figures, the profile table of the types, "
    "and optionally the interactive map (HTML, needs folium).":
        "De hele analyse in één stap, zoals de opdrachtregel hem uitvoert: het straatnetwerk "
        "(tot voorbij het onderzoeksgebied) wordt in segmenten verdeeld, de POI's worden "
        "ingedeeld en op hun dichtstbijzijnde straat geplaatst, elke indicator wordt langs het "
        "netwerk berekend, en de segmenten van het onderzoeksgebied worden in kansentypen "
        "ingedeeld. " + _TYPOLOGY_HELP + " Uitvoer: de straten met elke indicator en hun type "
        "(gekleurd per type), de ingedeelde POI's (N / O / overig / leegstand), het "
        "onderzoeksgebied met kerncijfers, de profieltabel van de typen, en desgewenst de "
        "interactieve kaart (HTML, vraagt folium).",
    "Streets with indicators and opportunity types": "Straten met indicatoren en kansentypen",
    "The street segments of the study area with every indicator and their opportunity type.":
        "De straatsegmenten van het onderzoeksgebied met elke indicator en hun kansentype.",
    "Classified POIs": "Ingedeelde POI's",
    "The POIs with their N/O class, function and everyday category, the segment they are "
    "placed on, and whether they lie in the study area.":
        "De POI's met hun N/O-klasse, functie en dagelijkse categorie, het segment waarop ze "
        "liggen, en of ze in het onderzoeksgebied liggen.",
    "Study area with summary": "Onderzoeksgebied met kerncijfers",
    "The study area with summary figures.": "Het onderzoeksgebied met kerncijfers.",
    "Profile of the opportunity types": "Profiel van de kansentypen",
    "One row per type: its names, size and profile.":
        "Eén rij per type: de namen, de omvang en het profiel.",
    "Interactive map": "Interactieve kaart",
    "HTML files (*.html)": "HTML-bestanden (*.html)",
    "Also write the interactive web map (HTML); empty: no map.":
        "Schrijf ook de interactieve webkaart (HTML); leeg: geen kaart.",
    "Writing the map": "Kaart schrijven",
    # --- fetch -----------------------------------------------------------------------------------
    "Fetch OSM streets and POIs": "OSM-straten en POI's ophalen",
    "Downloads the walking network and the POIs around a study area from OpenStreetMap.":
        "Haalt het wandelnetwerk en de POI's rond een onderzoeksgebied op uit OpenStreetMap.",
    "Give the study area in one of three ways: an extent, a polygon layer, or a place name "
    "(geocoded by Nominatim, e.g. 'Kanaleneiland, Utrecht'). The walking network (OSMnx, "
    "network type 'walk', one line per street segment) and the POIs and buildings are "
    "downloaded from Overpass for the area grown by the buffer, so that walking distances near "
    "its edge are right. Responses are cached: a second run for the same area works offline. "
    "Mind the usage policies of the public servers; for large areas use your own.":
        "Geef het onderzoeksgebied op een van drie manieren: een kaartuitsnede, een vlakkenlaag "
        "of een plaatsnaam (gegeocodeerd door Nominatim, bv. 'Kanaleneiland, Utrecht'). Het "
        "wandelnetwerk (OSMnx, netwerktype 'walk', één lijn per straatsegment) en de POI's en "
        "gebouwen worden via Overpass opgehaald voor het gebied plus de buffer, zodat "
        "loopafstanden bij de rand kloppen. Antwoorden worden bewaard: een tweede keer voor "
        "hetzelfde gebied werkt offline. Houd je aan de gebruiksvoorwaarden van de openbare "
        "servers; gebruik voor grote gebieden je eigen server.",
    "Study area: extent": "Onderzoeksgebied: kaartuitsnede",
    "A rectangle; give this, a study-area layer or a place name.":
        "Een rechthoek; geef dit, een laag met het onderzoeksgebied of een plaatsnaam.",
    "Study area: polygon layer": "Onderzoeksgebied: vlakkenlaag",
    "Polygons of the neighbourhood (all merged); give this, an extent or a place name.":
        "Vlakken van de buurt (samengevoegd); geef dit, een kaartuitsnede of een plaatsnaam.",
    "Study area: place name": "Onderzoeksgebied: plaatsnaam",
    "A neighbourhood or municipality that Nominatim knows as an area, e.g. 'Kanaleneiland, "
    "Utrecht'; give this, an extent or a study-area layer.":
        "Een buurt of gemeente die Nominatim als gebied kent, bv. 'Kanaleneiland, Utrecht'; "
        "geef dit, een kaartuitsnede of een laag met het onderzoeksgebied.",
    "Buffer around the study area (m)": "Buffer rond het onderzoeksgebied (m)",
    "Streets and POIs are fetched this far (metres) beyond the study area.":
        "Straten en POI's worden tot zo ver (meters) buiten het onderzoeksgebied opgehaald.",
    "Cache folder for OpenStreetMap responses": "Cachemap voor antwoorden van OpenStreetMap",
    "Where the responses are kept; empty: the per-user cache (~/.cache/wijkkracht/osmnx).":
        "Waar de antwoorden worden bewaard; leeg: de cache van de gebruiker "
        "(~/.cache/wijkkracht/osmnx).",
    "Overpass API URL": "Overpass API URL",
    "Another Overpass server (e.g. your own); empty: the public https://overpass-api.de/api.":
        "Een andere Overpass-server (bv. je eigen); leeg: de openbare "
        "https://overpass-api.de/api.",
    "Nominatim URL": "Nominatim URL",
    "Another Nominatim server; empty: the public https://nominatim.openstreetmap.org/.":
        "Een andere Nominatim-server; leeg: de openbare https://nominatim.openstreetmap.org/.",
    "Timeout (seconds)": "Wachttijd (seconden)",
    "How long to wait for each server answer.": "Hoe lang op elk antwoord van een server te wachten.",
    "Streets (walking network)": "Straten (wandelnetwerk)",
    "The walking network of the buffered area: one line per street segment.":
        "Het wandelnetwerk van het gebied plus buffer: één lijn per straatsegment.",
    "POIs": "POI's",
    "POIs and buildings of the buffered area: one point per OSM object and tag (column tag, "
    "key=value).":
        "POI's en gebouwen van het gebied plus buffer: één punt per OSM-object en tag (kolom "
        "tag, sleutel=waarde).",
    "The study area (not buffered).": "Het onderzoeksgebied (zonder buffer).",
    "Fetching OpenStreetMap": "OpenStreetMap ophalen",
    "Walking network from OpenStreetMap": "Wandelnetwerk uit OpenStreetMap",
    "POIs from OpenStreetMap": "POI's uit OpenStreetMap",
    # --- indicators ------------------------------------------------------------------------------
    "The street segments of the study area with the new fields.":
        "De straatsegmenten van het onderzoeksgebied met de nieuwe velden.",
    "Proximity (walking distance to everyday amenities)":
        "Nabijheid (loopafstand tot dagelijkse voorzieningen)",
    "Walking distance from every street to the nearest everyday amenities.":
        "Loopafstand van elke straat tot de dichtstbijzijnde dagelijkse voorzieningen.",
    "Proximity per street segment": "Nabijheid per straatsegment",
    "For every street segment of the study area: the walking distance along the network from "
    "the middle of the segment to the nearest supermarket, bakery, pharmacy/chemist, GP, primary "
    "school and public-transport stop (each amenity placed at its exact position on its nearest "
    "street), how many of each lie within 400 m and 800 m, and how many of the six categories "
    "lie within 800 m. Distances are computed on the whole street layer, so an amenity just "
    "beyond the study area counts." + _JOIN_NOTE_EN:
        "Voor elk straatsegment van het onderzoeksgebied: de loopafstand over het netwerk van "
        "het midden van het segment tot de dichtstbijzijnde supermarkt, bakker, "
        "apotheek/drogist, huisarts, basisschool en ov-halte (elke voorziening op haar precieze "
        "plek aan haar dichtstbijzijnde straat), hoeveel van elk binnen 400 m en 800 m liggen, "
        "en hoeveel van de zes categorieën binnen 800 m liggen. De afstanden worden over de hele "
        "stratenlaag berekend, dus een voorziening net buiten het onderzoeksgebied telt mee."
        + _JOIN_NOTE,
    "Mixed use (diversity and non-residential share)":
        "Functiemenging (diversiteit en aandeel niet-wonen)",
    "How many and how diverse the functions within walking distance are.":
        "Hoeveel en hoe gevarieerd de functies op loopafstand zijn.",
    "Mixed use per street segment": "Functiemenging per straatsegment",
    "For every street segment of the study area: the non-residential functions (shops, food and "
    "drink, services, care, education, culture, offices, crafts) within 400 m along the "
    "network, how many kinds (Hill number q=0), how diverse (Shannon entropy; Hill numbers q=1 "
    "and q=2, the effective number of equally common kinds), the functions on the segment "
    "itself, and the share of non-residential buildings among the buildings of known use "
    "within 400 m (Jane Jacobs' fine-grained mix)." + _JOIN_NOTE_EN:
        "Voor elk straatsegment van het onderzoeksgebied: de niet-woonfuncties (winkels, "
        "horeca, diensten, zorg, onderwijs, cultuur, kantoren, ambachten) binnen 400 m over het "
        "netwerk, hoeveel soorten (Hill-getal q=0), hoe gevarieerd (Shannon-entropie; "
        "Hill-getallen q=1 en q=2, het effectieve aantal even grote soorten), de functies aan "
        "het segment zelf, en het aandeel niet-woongebouwen onder de gebouwen met bekend "
        "gebruik binnen 400 m (de fijnmazige menging van Jane Jacobs)." + _JOIN_NOTE,
    "N/O mix (necessary and distinctive businesses)":
        "N/O-mix (noodzakelijke en onderscheidende ondernemers)",
    "Necessary (N) and distinctive (O) businesses near every street, and their balance.":
        "Noodzakelijke (N) en onderscheidende (O) ondernemers bij elke straat, en hun balans.",
    "N/O mix per street segment": "N/O-mix per straatsegment",
    "For every street segment of the study area: the businesses within 400 m along the network "
    "that are N (noodzakelijk: everyday necessities such as groceries, bakery, pharmacy, GP) "
    "and O (onderscheidend: distinctive, identity-giving businesses such as specialty shops, "
    "crafts, food and drink, culture), and their balance 1 - |N - O| / (N + O). Which OSM tag "
    "is N or O comes from the editable tag classification table (data/poi_categories.csv, or "
    "your own)." + _JOIN_NOTE_EN:
        "Voor elk straatsegment van het onderzoeksgebied: de ondernemers binnen 400 m over het "
        "netwerk die N zijn (noodzakelijk: dagelijkse voorzieningen zoals boodschappen, bakker, "
        "apotheek, huisarts) en O (onderscheidend: ondernemers die de buurt identiteit geven, "
        "zoals speciaalzaken, ambachten, horeca, cultuur), en hun balans 1 - |N - O| / (N + O). "
        "Welke OSM-tag N of O is, staat in de aanpasbare tabel met tag-indeling "
        "(data/poi_categories.csv, of je eigen)." + _JOIN_NOTE,
    "Vacancy (vacant shop fronts)": "Leegstand (leegstaande winkelpanden)",
    "Vacant shop fronts as a share of the shop fronts near every street.":
        "Leegstaande winkelpanden als aandeel van de winkelpanden bij elke straat.",
    "Vacancy per street segment": "Leegstand per straatsegment",
    "For every street segment of the study area: the shop fronts (shop=*) within 400 m along "
    "the network, the vacant ones among them (shop=vacant, disused:shop=*, vacant:shop=*), and "
    "their share. OpenStreetMap records vacancy unevenly: a low share may be unmapped vacancy."
    + _JOIN_NOTE_EN:
        "Voor elk straatsegment van het onderzoeksgebied: de winkelpanden (shop=*) binnen 400 m "
        "over het netwerk, de leegstaande daarvan (shop=vacant, disused:shop=*, vacant:shop=*), "
        "en hun aandeel. OpenStreetMap legt leegstand ongelijkmatig vast: een laag aandeel kan "
        "niet-gekarteerde leegstand zijn." + _JOIN_NOTE,
    # --- typology --------------------------------------------------------------------------------
    "Classify streets into opportunity types": "Straten indelen in kansentypen",
    "Groups street segments with similar indicators into named opportunity types.":
        "Groepeert straatsegmenten met vergelijkbare indicatoren in kansentypen met een naam.",
    "Input: street segments with the indicator fields, e.g. the streets of the neighbourhood "
    "analysis (to try another number of types or method) or the joined outputs of the "
    "indicator algorithms. " + _TYPOLOGY_HELP_EN + " Output: the segments with type_id, "
    "type_key, type_name_nl and type_name_en, and a table with the profile of each type (size, "
    "mean of every feature, standardised centre).":
        "Invoer: straatsegmenten met de indicatorvelden, bv. de straten van de buurtanalyse "
        "(om een ander aantal typen of een andere methode te proberen) of de gekoppelde uitvoer "
        "van de indicator-algoritmen. " + _TYPOLOGY_HELP + " Uitvoer: de segmenten met type_id, "
        "type_key, type_name_nl en type_name_en, en een tabel met het profiel van elk type "
        "(omvang, gemiddelde van elk kenmerk, gestandaardiseerd middelpunt).",
    "Street segments with indicator fields": "Straatsegmenten met indicatorvelden",
    "One line per street segment with the chosen feature fields.":
        "Eén lijn per straatsegment met de gekozen kenmerkvelden.",
    "Features": "Kenmerken",
    "The indicator fields the types are made of; default the seven typology features.":
        "De indicatorvelden waaruit de typen worden gevormd; standaard de zeven "
        "typologiekenmerken.",
    "Number of types (0 = automatic)": "Aantal typen (0 = automatisch)",
    "0 chooses the number with the best silhouette score within the range below.":
        "0 kiest het aantal met de beste silhouetscore binnen het bereik hieronder.",
    "Smallest number of types tried": "Kleinste aantal typen dat geprobeerd wordt",
    "Lower end of the range tried when the number of types is automatic.":
        "Ondergrens van het bereik dat geprobeerd wordt als het aantal typen automatisch is.",
    "Largest number of types tried": "Grootste aantal typen dat geprobeerd wordt",
    "Upper end of the range tried when the number of types is automatic.":
        "Bovengrens van het bereik dat geprobeerd wordt als het aantal typen automatisch is.",
    "Method": "Methode",
    "k-means": "k-means",
    "Spatially contiguous (Ward clustering along the streets)":
        "Ruimtelijk aaneengesloten (Ward-clustering langs de straten)",
    "k-means groups streets with similar profiles wherever they are; the spatially contiguous "
    "method makes types that form connected stretches of street.":
        "k-means groepeert straten met een vergelijkbaar profiel, waar ze ook liggen; de "
        "ruimtelijk aaneengesloten methode maakt typen die doorlopende stukken straat vormen.",
    "Random seed": "Toevalsgetal (seed)",
    "Seed of the clustering; the same seed gives the same types.":
        "Seed van de clustering; dezelfde seed geeft dezelfde typen.",
    "Opportunity types": "Kansentypen",
    "The input segments with the type fields.": "De invoersegmenten met de typevelden.",
    "Classifying opportunity types": "Kansentypen bepalen",
    "{} opportunity types ({})": "{} kansentypen ({})",
    # --- web map ---------------------------------------------------------------------------------
    "Export interactive map (HTML)": "Interactieve kaart exporteren (HTML)",
    "Writes an interactive map of the opportunity types and key indicators.":
        "Schrijft een interactieve kaart van de kansentypen en de belangrijkste indicatoren.",
    "Writes one HTML page (Leaflet, made with Folium) to open in any browser: the streets "
    "coloured by opportunity type with a legend, one layer per key indicator with a graduated "
    "legend, a tooltip per street with its key indicators, the POIs as N / O / other / vacant, "
    "the study area, and the OpenStreetMap attribution. Colours and classes are those of the "
    "QGIS styles. The streets need the type fields (type_key, type_name_nl, type_name_en); POIs "
    "may be classified (the neighbourhood analysis' POIs) or raw with a tag column.":
        "Schrijft één HTML-pagina (Leaflet, gemaakt met Folium) die in elke browser opent: de "
        "straten gekleurd per kansentype met een legenda, één laag per belangrijke indicator met "
        "een klassenlegenda, per straat een tooltip met de belangrijkste indicatoren, de POI's "
        "als N / O / overig / leegstand, het onderzoeksgebied, en de bronvermelding van "
        "OpenStreetMap. Kleuren en klassen zijn die van de QGIS-stijlen. De straten hebben de "
        "typevelden nodig (type_key, type_name_nl, type_name_en); POI's mogen ingedeeld zijn "
        "(de POI's van de buurtanalyse) of ruw met een kolom tag.",
    "Streets with opportunity types": "Straten met kansentypen",
    "Street segments with the type fields and, where present, the key indicators.":
        "Straatsegmenten met de typevelden en, waar aanwezig, de belangrijkste indicatoren.",
    "Map language": "Taal van de kaart",
    "Language of the map's labels, legends and tooltips.":
        "Taal van de labels, legenda's en tooltips van de kaart.",
    "Dutch": "Nederlands",
    "English": "Engels",
    "The HTML file to write.": "Het HTML-bestand dat geschreven wordt.",
    # --- plugin ----------------------------------------------------------------------------------
    "Demo: Kanaleneiland (OpenStreetMap)": "Demo: Kanaleneiland (OpenStreetMap)",
    "The neighbourhood analysis is not available.": "De buurtanalyse is niet beschikbaar.",
    "Cannot open the demo data: {}": "Kan de demogegevens niet openen: {}",
}
