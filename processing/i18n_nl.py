"""The Dutch texts of the QGIS plugin: English (as written in the code) -> Dutch.

See :mod:`wijkkracht.processing.i18n` for how they are used and how to add one.
"""

from __future__ import annotations

__all__ = ["DUTCH"]

_JOIN_NOTE = (" Elk indicator-algoritme schrijft voor dezelfde invoer dezelfde segmenten: koppel "
              "de uitvoer op segment_id, of draai de buurtanalyse voor alle indicatoren en de "
              "kansentypen tegelijk.")
_TYPOLOGY_HELP = (
    "Standaard krijgt elk segment het eerste kansentype waarvan het de geschreven regel haalt "
    "op zijn eigen cijfers, bv. 'Straat van de dagelijkse boodschappen': een noodzakelijke "
    "voorziening binnen 100 m en een supermarkt binnen 400 m; een segment dat geen regel "
    "haalt krijgt het neutrale type. Een naam is zo een bewering die elk segment van het type "
    "waarmaakt, de typen zijn in elk gebied dezelfde, en dezelfde invoer geeft elke keer "
    "dezelfde typen; elk type heeft een uitleg vanuit zijn cijfers. Om te verkennen clustert "
    "k-means de segmenten in plaats daarvan in een gegeven aantal typen (elk kenmerk omgezet "
    "in zijn percentiel onder de ingedeelde segmenten; vaste seed, 20 starts; een type met "
    "minder dan 1 % van de segmenten gaat op in het dichtstbijzijnde; benoemd met dezelfde "
    "regels, een neutrale naam waar er geen geldt), of, alleen op verzoek, in het aantal typen "
    "dat het minst verandert als ze opnieuw worden bepaald op steekproeven van 80 % (trager). "
    "De ruimtelijk aaneengesloten methode strijkt de typen glad langs de straten, zodat ze "
    "doorlopende stukken straat vormen: een segment waarvan de buren, minstens twee, allemaal "
    "één ander type hebben, krijgt dat type. Met een typologiemodel (uit Typologiemodel bepalen, of een "
    "GeoPackage met een wijkkracht-resultaat, die het model bewaart waarmee zijn straten zijn "
    "ingedeeld) krijgen de straten in plaats daarvan de typen van dat model, zodat buurten, "
    "een stad of jaren vergelijkbaar zijn: de regels of de clusters, de "
    "kenmerken en het gladstrijken zijn dan die van het model."
)
_JOIN_NOTE_EN = (" Every indicator algorithm writes the same segments for the same inputs: "
                 "join their outputs on segment_id, or run the neighbourhood analysis for all "
                 "indicators and the opportunity types at once.")
_TYPOLOGY_HELP_EN = (
    "By default every segment gets the first opportunity type whose written rule it meets on "
    "its own figures, e.g. 'Everyday shopping street': a necessary business within 100 m and "
    "a supermarket within 400 m; a segment that meets no rule gets the neutral type. A name is "
    "thus a claim every segment of the type meets, the types are the same in every area, and "
    "the same input gives the same types every run; each type has an explanation from its "
    "figures. To explore, k-means clusters the segments into a given number of types instead "
    "(each feature turned into its percentile among the classified segments; fixed seed, 20 "
    "starts; a type with fewer than 1 % of the segments is merged into its nearest; named by "
    "the same rules, a neutral name where none holds), or, only when asked, into the number "
    "of types that change least when refitted on 80 % samples (slower). The spatially "
    "contiguous method smooths the types along the streets, so that they form connected "
    "stretches: a segment whose neighbours, at least two, all have one other type takes it. "
    "With a typology model (from Fit typology model, or a wijkkracht result "
    "GeoPackage, which keeps the model that typed its streets) the streets get that model's "
    "types instead, so that neighbourhoods, a city or years compare: the rules or the "
    "clusters, the features and the smoothing are then the model's."
)

_BAG_HELP_EN = (
    " Optional BAG and establishments: give a BAG layer (e.g. from Load BAG addresses) for the "
    "BAG indicators per street (Mixed-use Index, use diversity and intensity by floor area, "
    "units out of use, building ages), and also an establishments export (KvK/LISA) for the "
    "vacancy indication, home-based businesses, business dynamics and the N/O mix by SBI code. "
    "The export is read and placed on the BAG addresses here, so that home-based businesses "
    "count per street but are never written one by one; establishment counts below the privacy "
    "threshold are left empty (NULL), with the shares built on them, and the field suppressed "
    "says where. Only the BAG points within the extent of the street layer are read. Areas "
    "(e.g. CBS buurten) add a summary per area."
)
_BAG_HELP = (
    " Optioneel BAG en vestigingen: geef een BAG-laag (bv. uit BAG-adressen laden) voor de "
    "BAG-indicatoren per straat (Mixed-use Index, diversiteit en intensiteit van het gebruik "
    "naar oppervlakte, objecten buiten gebruik, bouwjaren), en daarbij een "
    "vestigingenbestand (KvK/LISA) voor de leegstandsindicatie, bedrijven aan huis, "
    "bedrijvendynamiek en de N/O-mix naar SBI-code. Het bestand wordt hier ingelezen en op de "
    "BAG-adressen geplaatst, zodat bedrijven aan huis per straat meetellen maar nooit één voor "
    "één worden geschreven; aantallen vestigingen onder de privacydrempel blijven leeg (NULL), "
    "net als de aandelen die erop steunen, en het veld suppressed zegt waar. Alleen de "
    "BAG-punten binnen de uitsnede van de stratenlaag worden gelezen. Gebieden (bv. "
    "CBS-buurten) voegen een samenvatting per gebied toe."
)
_HOURS_SPENDING_HELP_EN = (
    " Liveliness by hour: when the POIs have an OpenStreetMap opening_hours column (e.g. from "
    "Fetch OpenStreetMap data), every street also gets the POIs within 400 m walking open at "
    "the busiest hour, the evening and weekend shares and the hours per day with both N and O "
    "open, for a reference week (its Dutch public holidays apply), and the table Open "
    "amenities per hour of the week holds the 168 hours per street (join on segment_id). "
    "Spending flows (with a BAG layer, when asked): a Huff model with the BAG dwellings as "
    "demand and the daily-goods shops as supply (floor area from the BAG, else assumed per shop "
    "type) gives per zone (the zones given, else the areas, else the study area) the share of "
    "the spending kept in the zone, leaking out and beyond reach (a polygon layer coloured by "
    "the share kept), per shopping street where its spending comes from, and per vacant shop "
    "front what a shop there would add. Amounts are in dwellings' worth of spending; the "
    "decay, beta, lambda and cut-off are conventions, not calibrated. Extra typology features "
    "add these results to the clustering."
)
_HOURS_SPENDING_HELP = (
    " Levendigheid per uur: als de POI's een OpenStreetMap-kolom opening_hours hebben (bv. uit "
    "OpenStreetMap-gegevens ophalen), krijgt elke straat ook het aantal POI's binnen 400 m "
    "lopen dat op het drukste uur open is, het aandeel 's avonds en in het weekend en de uren "
    "per dag waarin zowel N als O open is, voor een peilweek (met de Nederlandse feestdagen "
    "daarin), en de tabel Open voorzieningen per uur van de week bevat de 168 uren per straat "
    "(koppelen op segment_id). Bestedingsstromen (met een BAG-laag, op verzoek): een "
    "Huff-model met de BAG-woningen als vraag en de winkels voor dagelijkse boodschappen als "
    "aanbod (oppervlakte uit de BAG, anders aangenomen per winkelsoort) geeft per gebied (de "
    "opgegeven gebieden, anders de gebieden hierboven, anders het onderzoeksgebied) het "
    "aandeel van de bestedingen dat in het gebied blijft, weglekt en buiten bereik valt (een "
    "vlakkenlaag gekleurd naar het aandeel dat blijft), per winkelstraat waar de bestedingen "
    "vandaan komen, en per leegstaand winkelpand wat een winkel daar zou toevoegen. Bedragen "
    "in de bestedingen van woningen; verval, bèta, lambda en afkapafstand zijn conventies, "
    "niet gekalibreerd. Extra typologiekenmerken nemen deze uitkomsten mee in de clustering."
)
_LOAD_BAG_HELP_EN = (
    "Reads the verblijfsobjecten (addressable units) of the BAG: from PDOK's BAG GeoPackage "
    "(layer verblijfsobject; only the features in the extent or mask are read, through the "
    "file's spatial index, so the national file is never loaded whole) or from an LV BAG 2.0 "
    "extract of Kadaster (a folder, a zip or XML files named <gemeente>VBO<date>..., with the "
    "NUM, OPR and PND files for the address and the construction year; only the current "
    "version of each object is kept). Give an extent or a mask layer to read a neighbourhood, "
    "e.g. the streets layer of the analysis. The status filter keeps by default the units that "
    "exist (in use, out of use, being rebuilt); the units left out are counted per status in "
    "the log, with the snapshot date of the BAG. Output: one point per verblijfsobject in "
    "EPSG:28992 with identificatie, gebruiksdoel (its uses, comma separated), oppervlakte (m²), "
    "status, openbare_ruimte_naam, huisnummer, huisletter, toevoeging, postcode, "
    "pand_identificatie and bouwjaar: the input of the BAG indicators of the neighbourhood "
    "analysis and of Load establishments. The files are read by QGIS itself (its own GDAL): "
    "no extra Python package is needed."
)
_LOAD_BAG_HELP = (
    "Leest de verblijfsobjecten van de BAG: uit het BAG-GeoPackage van PDOK (laag "
    "verblijfsobject; alleen de objecten in de uitsnede of het masker worden gelezen, via de "
    "ruimtelijke index van het bestand, dus het landelijke bestand wordt nooit helemaal "
    "geladen) of uit een LV BAG 2.0-extract van het Kadaster (een map, een zip of XML-bestanden "
    "met namen als <gemeente>VBO<datum>..., met de NUM-, OPR- en PND-bestanden voor het adres "
    "en het bouwjaar; van elk object blijft alleen de actuele versie over). Geef een uitsnede "
    "of een maskerlaag om een buurt te lezen, bv. de stratenlaag van de analyse. Het "
    "statusfilter houdt standaard de objecten die bestaan (in gebruik, buiten gebruik, in "
    "verbouwing); wat wegvalt, wordt per status geteld in het logboek, met de peildatum van de "
    "BAG. Uitvoer: één punt per verblijfsobject in EPSG:28992 met identificatie, gebruiksdoel "
    "(de gebruiksdoelen, met komma's), oppervlakte (m²), status, openbare_ruimte_naam, "
    "huisnummer, huisletter, toevoeging, postcode, pand_identificatie en bouwjaar: de invoer "
    "van de BAG-indicatoren van de buurtanalyse en van Vestigingen laden. De bestanden worden "
    "door QGIS zelf gelezen (met zijn eigen GDAL): er is geen extra Python-pakket voor nodig."
)
_LOAD_EST_HELP_EN = (
    "Reads a KvK Handelsregister or LISA export (CSV in any common encoding and delimiter, or "
    "a GeoPackage) with its usual column names, or with a column mapping file (TOML or JSON, "
    "e.g. vestigingsnummer = \"Vestnr\"), and places each establishment on a BAG "
    "verblijfsobject: by BAG id, else by postcode, house number, letter and addition (also "
    "written differently), else by postcode and number when the BAG has one unit there, else "
    "by its coordinates (within 25 m). The log gives the match rate. Output: the placed "
    "establishments as points on their BAG address, with vbo_id, gebruiksdoel, match_quality, "
    "home_based and active (on the reference date); and a table of the rows that could not be "
    "used, with the reason: rejected rows (no id, bad SBI code, dates, address) and valid rows "
    "not found in the BAG (e.g. outside the area of the BAG layer). Privacy: establishments at "
    "addresses whose only use is housing (home-based businesses, mostly one person) are left "
    "out of the layer and only counted, unless 'Include home-based establishments' is ticked; "
    "such a layer is for internal use and must not be published. The neighbourhood analysis "
    "reads the export itself and counts home-based businesses per street, with small counts "
    "suppressed."
)
_LOAD_EST_HELP = (
    "Leest een export uit het KvK Handelsregister of van LISA (CSV in elke gangbare codering "
    "en met elk gangbaar scheidingsteken, of een GeoPackage) met de gebruikelijke kolomnamen, "
    "of met een bestand met de kolomindeling (TOML of JSON, bv. vestigingsnummer = "
    "\"Vestnr\"), en plaatst elke vestiging op een BAG-verblijfsobject: op BAG-id, anders op "
    "postcode, huisnummer, huisletter en toevoeging (ook anders geschreven), anders op postcode "
    "en huisnummer als de BAG daar één object heeft, anders op de coördinaten (binnen 25 m). "
    "Het logboek geeft het koppelpercentage. Uitvoer: de geplaatste vestigingen als punten op "
    "hun BAG-adres, met vbo_id, gebruiksdoel, match_quality, home_based en active (op de "
    "peildatum); en een tabel van de rijen die niet te gebruiken waren, met de reden: "
    "afgewezen rijen (geen id, foute SBI-code, datums, adres) en geldige rijen die niet in de "
    "BAG staan (bv. buiten het gebied van de BAG-laag). Privacy: vestigingen op adressen met "
    "alleen een woonfunctie (bedrijven aan huis, meestal één persoon) blijven buiten de laag "
    "en worden alleen geteld, tenzij 'Vestigingen aan huis opnemen' is aangevinkt; zo'n laag "
    "is voor intern gebruik en mag niet gepubliceerd worden. De buurtanalyse leest het "
    "bestand zelf en telt bedrijven aan huis per straat, met kleine aantallen onderdrukt."
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
    "streets with every indicator and their type (coloured by type; the segments without one, "
    "sidewalks and paths thin and light), the named streets with their main type and the share "
    "of every type, the classified POIs (N / O "
    "/ other / vacant), the study area with summary figures, the profile table of the types, "
    "and optionally the interactive map (HTML, needs folium)." + _BAG_HELP_EN
    + _HOURS_SPENDING_HELP_EN:
        "De hele analyse in één stap, zoals de opdrachtregel hem uitvoert: het straatnetwerk "
        "(tot voorbij het onderzoeksgebied) wordt in segmenten verdeeld, de POI's worden "
        "ingedeeld en op hun dichtstbijzijnde straat geplaatst, elke indicator wordt langs het "
        "netwerk berekend, en de segmenten van het onderzoeksgebied worden in kansentypen "
        "ingedeeld. " + _TYPOLOGY_HELP + " Uitvoer: de straten met elke indicator en hun type "
        "(gekleurd per type; de segmenten zonder type, trottoirs en paden dun en licht), de "
        "straten op naam met hun hoofdtype en het aandeel van elk type, de ingedeelde POI's "
        "(N / O / overig / leegstand), het "
        "onderzoeksgebied met kerncijfers, de profieltabel van de typen, en desgewenst de "
        "interactieve kaart (HTML, vraagt folium)." + _BAG_HELP + _HOURS_SPENDING_HELP,
    "Streets with indicators and opportunity types": "Straten met indicatoren en kansentypen",
    "Named streets": "Straten op naam",
    "Main opportunity type": "Hoofdtype",
    "One line per named street (the street segments of one name that meet): its length, "
    "addresses, main opportunity type and the share of every type, and the indicators along "
    "it (weighted by length); coloured by main type.":
        "Eén lijn per straat op naam (de straatsegmenten met dezelfde naam die elkaar raken): "
        "lengte, adressen, hoofdtype en het aandeel van elk kansentype, en de indicatoren langs "
        "de straat (gewogen naar lengte); gekleurd naar hoofdtype.",
    "The segments of the walking network in the study area with their kind (street, sidewalk, "
    "cycle path, ...; is_street: whether it counts as a street), named street (street_id), the "
    "addresses fronting them, every indicator and their opportunity type.":
        "De segmenten van het loopnetwerk in het onderzoeksgebied met hun soort (straat, "
        "trottoir, fietspad, ...; is_street: of het als straat telt), straat op naam "
        "(street_id), de adressen eraan, alle indicatoren en hun kansentype.",
    "Segments to classify": "In te delen segmenten",
    "fronting: street segments that addresses or buildings front":
        "fronting: straatsegmenten met adressen of gebouwen eraan",
    "streets: every street segment": "streets: alle straatsegmenten",
    "all: every segment, sidewalks and paths included":
        "all: elk segment, ook trottoirs en paden",
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
    "analysis (to try k-means or the other method, or to apply a typology model) or the "
    "joined outputs of the indicator algorithms. " + _TYPOLOGY_HELP_EN + " By default only the "
    "street segments that addresses or buildings front are classified (the fields is_street "
    "and fronting_n of the neighbourhood analysis); the outputs of the indicator algorithms "
    "need 'all' under Segments to classify. Output: the segments with type_id, type_key, "
    "type_name_nl and type_name_en (untyped_street and untyped_path, without type_id, for the "
    "segments not classified), and a table with the profile of each type (names, explanation "
    "and rule, size, median of every feature, the centre's percentiles).":
        "Invoer: straatsegmenten met de indicatorvelden, bv. de straten van de buurtanalyse "
        "(om k-means of de andere methode te proberen, of om een "
        "typologiemodel toe te passen) of de gekoppelde uitvoer van de indicator-algoritmen. "
        + _TYPOLOGY_HELP + " Standaard worden alleen de straatsegmenten met adressen of "
        "gebouwen eraan ingedeeld (de velden is_street en fronting_n van de buurtanalyse); de "
        "uitvoer van de indicator-algoritmen vraagt 'all' bij In te delen segmenten. Uitvoer: "
        "de segmenten met type_id, type_key, type_name_nl en type_name_en (untyped_street en "
        "untyped_path, zonder type_id, voor de segmenten die niet zijn ingedeeld), en een tabel "
        "met het profiel van elk type (namen, uitleg en regel, omvang, mediaan van elk kenmerk, "
        "de percentielen van het middelpunt).",
    "Street segments with indicator fields": "Straatsegmenten met indicatorvelden",
    "One line per street segment with the chosen feature fields.":
        "Eén lijn per straatsegment met de gekozen kenmerkvelden.",
    "Features": "Kenmerken",
    "The indicator fields the types are made of; default the seven typology features.":
        "De indicatorvelden waaruit de typen worden gevormd; standaard de zeven "
        "typologiekenmerken.",
    "Number of k-means types (0 = types by rules)":
        "Aantal k-means-typen (0 = typen volgens regels)",
    "k-means with the number of types chosen by stability (slower)":
        "k-means met het aantal typen gekozen op stabiliteit (trager)",
    "Give a number of k-means types or choose it by stability, not both (set the number of "
    "types to 0).":
        "Geef een aantal k-means-typen of kies het op stabiliteit, niet allebei (zet het "
        "aantal typen op 0).",
    "The typology model gives the types: the number of types is not used.":
        "Het typologiemodel geeft de typen: het aantal typen wordt niet gebruikt.",
    "Smallest number of types tried": "Kleinste aantal typen dat geprobeerd wordt",
    "Lower end of the range tried when the number of types is chosen by stability (not used "
    "otherwise).":
        "Ondergrens van het bereik dat geprobeerd wordt als het aantal typen op stabiliteit "
        "wordt gekozen (anders niet gebruikt).",
    "Largest number of types tried": "Grootste aantal typen dat geprobeerd wordt",
    "Upper end of the range tried when the number of types is chosen by stability (not used "
    "otherwise).":
        "Bovengrens van het bereik dat geprobeerd wordt als het aantal typen op stabiliteit "
        "wordt gekozen (anders niet gebruikt).",
    "Typology model (.json or wijkkracht .gpkg)": "Typologiemodel (.json of wijkkracht-.gpkg)",
    "Typology models (*.json *.gpkg);;All files (*)":
        "Typologiemodellen (*.json *.gpkg);;Alle bestanden (*)",
    "Method": "Methode",
    "Per segment": "Elk segment apart",
    "Spatially contiguous (smoothed along the streets)":
        "Ruimtelijk aaneengesloten (gladgestreken langs de straten)",
    "Per segment: every segment its own type. Spatially contiguous: the types are then "
    "smoothed along the streets, so that they form connected stretches of street (a "
    "segment whose neighbours, at least two, all have one other type takes it).":
        "Per segment: elk segment zijn eigen type. Ruimtelijk aaneengesloten: de typen worden "
        "daarna gladgestreken langs de straten, zodat ze doorlopende stukken straat vormen "
        "(een segment waarvan de buren, minstens twee, allemaal één ander type hebben, krijgt "
        "dat type).",
    "Random seed": "Toevalsgetal (seed)",
    "Opportunity types": "Kansentypen",
    "The input segments with the type fields.": "De invoersegmenten met de typevelden.",
    "Classifying opportunity types": "Kansentypen bepalen",
    "{} opportunity types ({})": "{} kansentypen ({})",
    "Typology model applied ({}), fitted on {} (wijkkracht {})":
        "Typologiemodel toegepast ({}), bepaald op {} (wijkkracht {})",
    "Stability per number of types (adjusted Rand index): {}":
        "Stabiliteit per aantal typen (adjusted Rand index): {}",
    "{}: {} ({} segments)": "{}: {} ({} segmenten)",
    # fit typology model
    "Fit typology model": "Typologiemodel bepalen",
    "Fits opportunity types on one or more street layers and saves them as a typology model, "
    "for other analyses to give their streets the same types.":
        "Bepaalt kansentypen op een of meer stratenlagen en bewaart ze als typologiemodel, "
        "waarmee andere analyses hun straten dezelfde typen geven.",
    "Input: one or more street layers with the indicator fields, e.g. the streets of the "
    "neighbourhood analysis of several neighbourhoods, of a whole city or of other years. "
    "Their segments are taken together (in the CRS of the first layer) and typed as Classify "
    "streets does, with the same options: by default the types by rules, and the model keeps "
    "the thresholds the rules take from these streets (e.g. the top quarter of O businesses), "
    "so that every area is judged against the same figures; or k-means clusters. By default "
    "only the street segments that addresses or buildings front are typed (the fields "
    "is_street and fronting_n of the neighbourhood analysis); the outputs of the indicator "
    "algorithms need 'all'. Output: the typology model, a JSON file with everything needed to "
    "give other streets the same types: the method, the rules' thresholds or the centres of "
    "the clusters, the features and their percentiles among the fitted segments, the names "
    "with explanations and rules, and what the model was fitted on. Give it as the typology "
    "model of the neighbourhood analysis or of Classify streets (or to the command line: "
    "--typology-model) to type other streets the same way: the same types and names in every "
    "neighbourhood, comparable over the years.":
        "Invoer: een of meer stratenlagen met de indicatorvelden, bv. de straten van de "
        "buurtanalyse van meerdere buurten, van een hele stad of van andere jaren. Hun "
        "segmenten worden samengenomen (in het CRS van de eerste laag) en ingedeeld zoals "
        "Straten indelen in kansentypen dat doet, met dezelfde opties: standaard de typen "
        "volgens regels, en het model bewaart de drempels die de regels aan deze straten "
        "ontlenen (bv. het bovenste kwart van de O-bedrijven), zodat elk gebied aan dezelfde "
        "cijfers wordt gemeten; of k-means-clusters. Standaard worden alleen de "
        "straatsegmenten met adressen of gebouwen eraan ingedeeld (de velden is_street en "
        "fronting_n van de buurtanalyse); de uitvoer van de indicator-algoritmen vraagt 'all'. "
        "Uitvoer: het typologiemodel, een JSON-bestand met alles wat nodig is om andere "
        "straten dezelfde typen te geven: de methode, de drempels van de regels of de "
        "middelpunten van de clusters, de kenmerken en hun percentielen onder de gebruikte "
        "segmenten, de namen met uitleg en regels, en waarop het model is bepaald. Geef het "
        "als typologiemodel aan de buurtanalyse of aan Straten indelen in kansentypen (of aan "
        "de opdrachtregel: --typology-model) om andere straten op dezelfde manier in te delen: "
        "dezelfde typen en namen in elke buurt, vergelijkbaar over de jaren.",
    "Street layers with indicator fields": "Stratenlagen met indicatorvelden",
    "One or more layers with one line per street segment and the chosen feature fields, e.g. "
    "the streets of several neighbourhood analyses; their segments are classified together.":
        "Een of meer lagen met één lijn per straatsegment en de gekozen kenmerkvelden, bv. de "
        "straten van meerdere buurtanalyses; hun segmenten worden samen ingedeeld.",
    "Typology model": "Typologiemodel",
    "JSON files (*.json)": "JSON-bestanden (*.json)",
    "The JSON file the model is written to.": "Het JSON-bestand waarin het model komt.",
    "Give at least one street layer.": "Geef ten minste één stratenlaag.",
    "{}: not a vector layer": "{}: geen vectorlaag",
    "{}: indicator column(s) missing: {}": "{}: indicatorkolom(men) ontbreken: {}",
    "{}: the layers are in different CRSs and one has none; give layers with a CRS":
        "{}: de lagen hebben verschillende CRS'en en een ervan heeft er geen; geef lagen met "
        "een CRS",
    # --- web map ---------------------------------------------------------------------------------
    "Export interactive map (HTML)": "Interactieve kaart exporteren (HTML)",
    "Writes an interactive map of the opportunity types and key indicators.":
        "Schrijft een interactieve kaart van de kansentypen en de belangrijkste indicatoren.",
    "Writes one HTML page (Leaflet, made with Folium) to open in any browser: the streets "
    "coloured by opportunity type with a legend, one layer per key indicator with a graduated "
    "legend, a tooltip per street with its key indicators, the POIs as N / O / other / vacant, "
    "the study area, and the OpenStreetMap attribution. Colours and classes are those of the "
    "QGIS styles. The streets need the type fields (type_key, type_name_nl, type_name_en); POIs "
    "may be classified (the neighbourhood analysis' POIs) or raw with a tag column. Streets "
    "with BAG/KvK indicators get a layer per key indicator too; establishment counts below the "
    "privacy threshold are left out of the page. When the BAG or establishments were SYNTHETIC "
    "(the streets layer's metadata says so, or you choose it), the map says so in a banner.":
        "Schrijft één HTML-pagina (Leaflet, gemaakt met Folium) die in elke browser opent: de "
        "straten gekleurd per kansentype met een legenda, één laag per belangrijke indicator met "
        "een klassenlegenda, per straat een tooltip met de belangrijkste indicatoren, de POI's "
        "als N / O / overig / leegstand, het onderzoeksgebied, en de bronvermelding van "
        "OpenStreetMap. Kleuren en klassen zijn die van de QGIS-stijlen. De straten hebben de "
        "typevelden nodig (type_key, type_name_nl, type_name_en); POI's mogen ingedeeld zijn "
        "(de POI's van de buurtanalyse) of ruw met een kolom tag. Straten met BAG/KvK-"
        "indicatoren krijgen ook een laag per belangrijke indicator; aantallen vestigingen "
        "onder de privacydrempel komen niet op de pagina. Waren de BAG of de vestigingen "
        "SYNTHETISCH (de metadata van de stratenlaag zegt dat, of u kiest het), dan zegt de "
        "kaart dat in een banner.",
    "BAG/KvK data are synthetic": "BAG/KvK-gegevens zijn synthetisch",
    "From the streets layer's metadata": "Volgens de metadata van de stratenlaag",
    "Yes: the BAG/KvK data are synthetic": "Ja: de BAG/KvK-gegevens zijn synthetisch",
    "No: real data": "Nee: echte gegevens",
    "Whether the map must say that the BAG/establishment figures are SYNTHETIC (generated, not "
    "real). Automatic: when the streets layer's metadata (rights or abstract, as the "
    "neighbourhood analysis writes it) says SYNTHETIC.":
        "Of de kaart moet zeggen dat de BAG-/vestigingscijfers SYNTHETISCH zijn (gegenereerd, "
        "niet echt). Automatisch: als de metadata van de stratenlaag (rechten of samenvatting, "
        "zoals de buurtanalyse die schrijft) SYNTHETIC zegt.",
    "Establishment counts below this number (and what is computed from them) are left out of "
    "the map; use the threshold of the analysis or a higher one.":
        "Aantallen vestigingen onder dit getal (en wat daaruit berekend is) komen niet op de "
        "kaart; gebruik de drempel van de analyse of een hogere.",
    "Start without base-map tiles (no internet requests)":
        "Start zonder achtergrondkaart (geen internetverzoeken)",
    "The map's JavaScript and CSS are always in the page, so it opens with no internet; this "
    "also starts it on a base map drawn from the data instead of online tiles, so that the "
    "page makes no request at all (e.g. where a network blocks tile servers).":
        "De JavaScript en CSS van de kaart staan altijd in de pagina, zodat die zonder internet "
        "opent; dit laat de kaart ook beginnen met een achtergrond getekend uit de gegevens in "
        "plaats van online tegels, zodat de pagina helemaal niets opvraagt (bv. waar een "
        "netwerk tegelservers blokkeert).",
    "The map says that the BAG/KvK data are SYNTHETIC.":
        "De kaart zegt dat de BAG/KvK-gegevens SYNTHETISCH zijn.",
    "Streets with opportunity types": "Straten met kansentypen",
    "Street segments with the type fields and, where present, the key indicators.":
        "Straatsegmenten met de typevelden en, waar aanwezig, de belangrijkste indicatoren.",
    "Map language": "Taal van de kaart",
    "Language of the map's labels, legends and tooltips.":
        "Taal van de labels, legenda's en tooltips van de kaart.",
    "Dutch": "Nederlands",
    "English": "Engels",
    "The HTML file to write.": "Het HTML-bestand dat geschreven wordt.",
    # --- BAG and establishments -------------------------------------------------------------------
    "BAG (Basisregistratie Adressen en Gebouwen): Kadaster, CC0 1.0.":
        "BAG (Basisregistratie Adressen en Gebouwen): Kadaster, CC0 1.0.",
    "Establishment registers (KvK Handelsregister, LISA) are not open data, and a one-person "
    "business at a home address is a person: publish only figures per street or area with small "
    "counts suppressed, never establishments at home addresses one by one.":
        "Vestigingenregisters (KvK Handelsregister, LISA) zijn geen open data, en een "
        "eenmanszaak op een woonadres is een persoon: publiceer alleen cijfers per straat of "
        "gebied met kleine aantallen onderdrukt, nooit vestigingen op woonadressen één voor één.",
    "needs": "vereist",
    "{}: not a date (expected YYYY-MM-DD): {}": "{}: geen datum (verwacht JJJJ-MM-DD): {}",
    "Load BAG addresses (verblijfsobjecten)": "BAG-adressen laden (verblijfsobjecten)",
    "Reads BAG verblijfsobjecten (addresses with use, floor area, status and construction year) "
    "for an area from PDOK's BAG GeoPackage or an LV BAG 2.0 extract.":
        "Leest BAG-verblijfsobjecten (adressen met gebruiksdoel, oppervlakte, status en "
        "bouwjaar) voor een gebied uit het BAG-GeoPackage van PDOK of een LV BAG 2.0-extract.",
    _LOAD_BAG_HELP_EN: _LOAD_BAG_HELP,
    "BAG file (GeoPackage, LV BAG zip or XML)": "BAG-bestand (GeoPackage, LV BAG-zip of XML)",
    "BAG files (*.gpkg *.zip *.xml)": "BAG-bestanden (*.gpkg *.zip *.xml)",
    "PDOK's BAG GeoPackage (.gpkg), a zip of LV BAG 2.0 XML files, or one LV BAG XML file (e.g. "
    "0221VBO15092020-000001.xml); give this or a folder.":
        "Het BAG-GeoPackage van PDOK (.gpkg), een zip met LV BAG 2.0 XML-bestanden, of één LV "
        "BAG XML-bestand (bv. 0221VBO15092020-000001.xml); geef dit of een map.",
    "or: folder with LV BAG 2.0 files": "of: map met LV BAG 2.0-bestanden",
    "A folder holding the LV BAG 2.0 XML files or zips (VBO, and NUM, OPR, PND for addresses and "
    "construction years); give this or a file.":
        "Een map met de LV BAG 2.0 XML-bestanden of zips (VBO, en NUM, OPR, PND voor adressen en "
        "bouwjaren); geef dit of een bestand.",
    "Extent to read": "Te lezen uitsnede",
    "Only the verblijfsobjecten in this rectangle are read; give this or a mask layer, or "
    "neither to read everything.":
        "Alleen de verblijfsobjecten in deze rechthoek worden gelezen; geef dit of een "
        "maskerlaag, of geen van beide om alles te lezen.",
    "Mask layer (read only inside its polygons)": "Maskerlaag (alleen binnen de vlakken lezen)",
    "Only the verblijfsobjecten inside these polygons are read; give this or an extent.":
        "Alleen de verblijfsobjecten binnen deze vlakken worden gelezen; geef dit of een "
        "uitsnede.",
    "BAG statuses to keep": "Te houden BAG-statussen",
    "Verblijfsobjecten with another status are left out (and counted in the log). Default: the "
    "units that exist.":
        "Verblijfsobjecten met een andere status vallen weg (en worden geteld in het logboek). "
        "Standaard: de objecten die bestaan.",
    "Verblijfsobject in gebruik (in use)": "Verblijfsobject in gebruik",
    "Verblijfsobject in gebruik (niet ingemeten) (in use, not measured)":
        "Verblijfsobject in gebruik (niet ingemeten)",
    "Verblijfsobject buiten gebruik (out of use)": "Verblijfsobject buiten gebruik",
    "Verbouwing verblijfsobject (being rebuilt)": "Verbouwing verblijfsobject",
    "Verblijfsobject gevormd (planned, not built)": "Verblijfsobject gevormd",
    "Niet gerealiseerd verblijfsobject (never built)": "Niet gerealiseerd verblijfsobject",
    "Verblijfsobject ingetrokken (withdrawn)": "Verblijfsobject ingetrokken",
    "Verblijfsobject ten onrechte opgevoerd (registered in error)":
        "Verblijfsobject ten onrechte opgevoerd",
    "GeoPackage layer": "GeoPackage-laag",
    "The layer of the verblijfsobjecten in the GeoPackage (PDOK: verblijfsobject).":
        "De laag met de verblijfsobjecten in het GeoPackage (PDOK: verblijfsobject).",
    "BAG as on date": "BAG op datum",
    "LV BAG: read the versions valid on this date (default: the extract's date and the current "
    "versions). GeoPackage: recorded as the snapshot date (PDOK's file does not state it).":
        "LV BAG: lees de versies die op deze datum golden (standaard: de datum van het extract "
        "en de actuele versies). GeoPackage: vastgelegd als peildatum (het bestand van PDOK "
        "vermeldt die niet).",
    "BAG addresses (verblijfsobjecten)": "BAG-adressen (verblijfsobjecten)",
    "One point per verblijfsobject in the BAG schema, EPSG:28992.":
        "Eén punt per verblijfsobject in het BAG-schema, EPSG:28992.",
    "Verblijfsobjecten read": "Gelezen verblijfsobjecten",
    "Verblijfsobjecten left out by status": "Verblijfsobjecten weggevallen door de status",
    "BAG snapshot date": "Peildatum van de BAG",
    "Give an extent or a mask layer, not both.": "Geef een uitsnede of een maskerlaag, niet beide.",
    "Give a BAG file or a folder of LV BAG files (one of the two).":
        "Geef een BAG-bestand of een map met LV BAG-bestanden (een van beide).",
    "Reading the BAG": "BAG lezen",
    "snapshot": "peildatum",
    "{} verblijfsobjecten read from {}": "{} verblijfsobjecten gelezen uit {}",
    "BAG snapshot date: {}": "Peildatum van de BAG: {}",
    "unknown": "onbekend",
    "Left out by the status filter: {}": "Weggevallen door het statusfilter: {}",
    "Older versions (history) left out: {}": "Oudere versies (historie) weggelaten: {}",
    "Outside the mask, left out: {}": "Buiten het masker, weggelaten: {}",
    "This BAG is SYNTHETIC (generated, not real data); every output made from it says so.":
        "Deze BAG is SYNTHETISCH (gegenereerd, geen echte gegevens); elke uitvoer die ermee "
        "gemaakt wordt, zegt dat.",
    "No verblijfsobjecten read: is the extent or mask in the right place, and are the statuses "
    "right?":
        "Geen verblijfsobjecten gelezen: ligt de uitsnede of het masker op de goede plek, en "
        "kloppen de statussen?",
    "Load establishments (KvK/LISA) onto BAG addresses":
        "Vestigingen (KvK/LISA) op BAG-adressen laden",
    "Reads an establishments export (KvK, LISA) and places every establishment on its BAG "
    "address; home-based businesses are left out unless asked for.":
        "Leest een vestigingenbestand (KvK, LISA) en plaatst elke vestiging op haar BAG-adres; "
        "bedrijven aan huis blijven buiten de laag, tenzij erom gevraagd wordt.",
    _LOAD_EST_HELP_EN: _LOAD_EST_HELP,
    "Establishments export (KvK/LISA: CSV or GeoPackage)":
        "Vestigingenbestand (KvK/LISA: CSV of GeoPackage)",
    "Establishments (*.csv *.txt *.gpkg)": "Vestigingen (*.csv *.txt *.gpkg)",
    "A KvK Handelsregister or LISA export: one row per establishment with id, SBI code, start "
    "and end date, employees and address (postcode and house number, a BAG id, or "
    "coordinates).":
        "Een export uit het KvK Handelsregister of van LISA: één rij per vestiging met id, "
        "SBI-code, begin- en einddatum, werkzame personen en adres (postcode en huisnummer, een "
        "BAG-id, of coördinaten).",
    "Column mapping of the export (TOML or JSON)": "Kolomindeling van het bestand (TOML of JSON)",
    "Column mappings (*.toml *.json)": "Kolomindelingen (*.toml *.json)",
    "Which column of the export holds what, e.g. vestigingsnummer = \"Vestnr\"; empty: the "
    "usual KvK and LISA column names are recognised.":
        "Welke kolom van het bestand wat bevat, bv. vestigingsnummer = \"Vestnr\"; leeg: de "
        "gebruikelijke kolomnamen van KvK en LISA worden herkend.",
    "Reference date": "Peildatum",
    "The BAG layer, e.g. the output of Load BAG addresses; establishments are placed on its "
    "points.":
        "De BAG-laag, bv. de uitvoer van BAG-adressen laden; vestigingen worden op de punten "
        "ervan geplaatst.",
    "Include home-based establishments (internal use only, not for publication)":
        "Vestigingen aan huis opnemen (alleen intern gebruik, niet voor publicatie)",
    "Off (default): establishments at addresses whose only use is housing are left out of the "
    "layer (they are personal data) and only counted. On: they are in the layer, marked "
    "home_based; such a layer must not be published or shared.":
        "Uit (standaard): vestigingen op adressen met alleen een woonfunctie blijven buiten de "
        "laag (het zijn persoonsgegevens) en worden alleen geteld. Aan: ze staan in de laag, "
        "gemarkeerd als home_based; zo'n laag mag niet gepubliceerd of gedeeld worden.",
    "GeoPackage layer of the export": "GeoPackage-laag van het bestand",
    "For a GeoPackage export: its layer; empty: the first.":
        "Bij een GeoPackage: de laag; leeg: de eerste.",
    "Establishments on BAG addresses": "Vestigingen op BAG-adressen",
    "The placed establishments, as points on their BAG address.":
        "De geplaatste vestigingen, als punten op hun BAG-adres.",
    "Establishments on BAG addresses, including home-based (INTERNAL, not for publication)":
        "Vestigingen op BAG-adressen, met bedrijven aan huis (INTERN, niet voor publicatie)",
    "Establishments not used (rejected or not placed)":
        "Niet gebruikte vestigingen (afgewezen of niet geplaatst)",
    "One row per establishment that was rejected or not found in the BAG, with stage and "
    "reason; rows as in the export, for internal use.":
        "Eén rij per vestiging die is afgewezen of niet in de BAG is gevonden, met stap en "
        "reden; rijen zoals in het bestand, voor intern gebruik.",
    "Match rate (0–1)": "Koppelpercentage (0–1)",
    "Establishments placed": "Geplaatste vestigingen",
    "Establishments not placed": "Niet geplaatste vestigingen",
    "Rows rejected": "Afgewezen rijen",
    "Home-based establishments left out of the layer":
        "Vestigingen aan huis die buiten de laag bleven",
    "Reading the establishments": "Vestigingen lezen",
    "{} rows read: {} valid, {} rejected": "{} rijen gelezen: {} geldig, {} afgewezen",
    "Placed on a BAG address: {} of {} (match rate {:.1f} %)":
        "Op een BAG-adres geplaatst: {} van {} (koppelpercentage {:.1f} %)",
    "{} establishments rejected or not placed: see the table of establishments not used.":
        "{} vestigingen afgewezen of niet geplaatst: zie de tabel met niet gebruikte "
        "vestigingen.",
    "INTERNAL USE ONLY: the layer holds {} home-based establishments (at addresses whose only "
    "use is housing): personal data, not for publication.":
        "ALLEEN INTERN GEBRUIK: de laag bevat {} vestigingen aan huis (op adressen met alleen "
        "een woonfunctie): persoonsgegevens, niet voor publicatie.",
    "{} home-based establishments (at addresses whose only use is housing) are not in the "
    "layer; they are counted per street by the neighbourhood analysis.":
        "{} vestigingen aan huis (op adressen met alleen een woonfunctie) staan niet in de laag; "
        "de buurtanalyse telt ze per straat.",
    # --- neighbourhood analysis: BAG and establishments -------------------------------------------
    "BAG addresses (verblijfsobjecten; optional)": "BAG-adressen (verblijfsobjecten; optioneel)",
    "A layer of BAG verblijfsobjecten in the BAG schema, e.g. the output of Load BAG addresses: "
    "adds the BAG indicators per street. Only its points within the extent of the street layer "
    "are read.":
        "Een laag met BAG-verblijfsobjecten in het BAG-schema, bv. de uitvoer van BAG-adressen "
        "laden: voegt de BAG-indicatoren per straat toe. Alleen de punten binnen de uitsnede "
        "van de stratenlaag worden gelezen.",
    "Privacy threshold (smallest count shown)": "Privacydrempel (kleinste getoonde aantal)",
    "Establishment counts below this number are left empty (NULL) in the outputs, with the "
    "shares built on them: a small count can point at one person.":
        "Aantallen vestigingen onder dit getal blijven leeg (NULL) in de uitvoer, net als de "
        "aandelen die erop steunen: een klein aantal kan naar één persoon wijzen.",
    "Areas for a summary (e.g. CBS buurten; optional)":
        "Gebieden voor een samenvatting (bv. CBS-buurten; optioneel)",
    "Polygons (e.g. CBS buurten or wijken) to summarise the streets by: one row per area that "
    "meets the street layer's extent, with the aggregates of every indicator.":
        "Vlakken (bv. CBS-buurten of -wijken) om de straten per gebied samen te vatten: één rij "
        "per gebied binnen de uitsnede van de stratenlaag, met de samenvattingen van elke "
        "indicator.",
    "Field of the area codes (optional)": "Veld met de gebiedscodes (optioneel)",
    "The field of the areas that holds their codes (area_code in the summary). Empty: the "
    "field whose values are CBS codes (BU03630101, WK036301, GM0363), whatever its name, else "
    "a field called code, id or identificatie; the name from a field called like buurtnaam, "
    "naam or name (any case).":
        "Het veld van de gebieden met hun codes (area_code in de samenvatting). Leeg: het veld "
        "waarvan de waarden CBS-codes zijn (BU03630101, WK036301, GM0363), hoe het ook heet, "
        "anders een veld met de naam code, id of identificatie; de naam uit een veld dat "
        "buurtnaam, naam of name heet (hoofdletters of niet).",
    "Summary per area": "Samenvatting per gebied",
    "With areas: one row per area with the aggregates of the indicators (small establishment "
    "counts suppressed).":
        "Met gebieden: één rij per gebied met de samenvattingen van de indicatoren (kleine "
        "aantallen vestigingen onderdrukt).",
    "With an establishments export: the rows that were rejected or not found in the BAG, with "
    "the reason (internal use).":
        "Met een vestigingenbestand: de rijen die zijn afgewezen of niet in de BAG zijn "
        "gevonden, met de reden (intern gebruik).",
    "An establishments export needs a BAG layer: the establishments are placed on BAG "
    "addresses.":
        "Een vestigingenbestand vraagt een BAG-laag: de vestigingen worden op BAG-adressen "
        "geplaatst.",
    "The BAG or establishments are SYNTHETIC (generated, not real data); every output says so.":
        "De BAG of de vestigingen zijn SYNTHETISCH (gegenereerd, geen echte gegevens); elke "
        "uitvoer zegt dat.",
    "Streets with suppressed establishment counts (below {}): {}":
        "Straten met onderdrukte aantallen vestigingen (onder {}): {}",
    # --- intensity rasters -----------------------------------------------------------------------
    "Intensity rasters": "Intensiteitsrasters",
    "Kernel-density surfaces of businesses, N, O and vacancy, and a mixed-use diversity "
    "surface, as GeoTIFFs on the RD New grid.":
        "Kerndichtheidsoppervlakken van bedrijvigheid, N, O en leegstand, en een oppervlak van "
        "de functiemenging, als GeoTIFF's op het RD-grid.",
    "Computes surfaces on a grid in EPSG:28992 (RD New) whose cell edges lie on multiples of "
    "the cell size (25 m by default; 100 m matches the CBS squares), covering the study area "
    "and the bandwidth around it; cells farther away are nodata. Densities: a quartic "
    "(biweight) kernel with the given bandwidth, summed exactly over the points at every cell "
    "centre, in points per km² (each point adds one to the surface's integral): business "
    "intensity (the OpenStreetMap functions), N and O intensity, and the density of vacant "
    "shop fronts. Mixed use: the Hill number q = 1 (exp of Shannon's entropy) of the function "
    "classes within the bandwidth of the cell centre (straight line), 0 without functions. "
    "With a BAG layer and an establishments export also the business intensity of the "
    "establishments active on the reference date, in which a cell whose value comes from "
    "fewer establishments than the privacy threshold is nodata (a count of 0 stays 0), and "
    "the density of the BAG vacancy indication (non-residential units in use without an "
    "active establishment). Each output is a Cloud Optimized GeoTIFF with a QGIS style (.qml) "
    "beside it, with the classes and colours of the plugin's other outputs. Without a study "
    "area, the area the streets cover is used.":
        "Berekent oppervlakken op een grid in EPSG:28992 (RD New) waarvan de celranden op "
        "veelvouden van de celgrootte liggen (standaard 25 m; 100 m past op de "
        "CBS-vierkanten), over het onderzoeksgebied en de bandbreedte eromheen; cellen verder "
        "weg zijn nodata. Dichtheden: een kwartische (biweight) kern met de gegeven "
        "bandbreedte, exact opgeteld over de punten in het midden van elke cel, in punten per "
        "km² (elk punt telt één op bij de integraal van het oppervlak): bedrijvigheid (de "
        "functies uit OpenStreetMap), de dichtheid van N en van O, en die van leegstaande "
        "winkelpanden. Functiemenging: het Hill-getal q = 1 (exp van de Shannon-entropie) van "
        "de functieklassen binnen de bandbreedte van het midden van de cel (hemelsbreed), 0 "
        "zonder functies. Met een BAG-laag en een vestigingenbestand ook de bedrijvigheid van "
        "de vestigingen die op de peildatum actief zijn, waarin een cel waarvan de waarde van "
        "minder vestigingen komt dan de privacydrempel nodata is (een aantal van 0 blijft 0), "
        "en de dichtheid van de BAG-leegstandsindicatie (niet-woonobjecten in gebruik zonder "
        "actieve vestiging). Elke uitvoer is een Cloud Optimized GeoTIFF met een QGIS-stijl "
        "(.qml) ernaast, met de klassen en kleuren van de andere uitvoer van de plug-in. Zonder "
        "onderzoeksgebied wordt het gebied gebruikt dat de straten beslaan.",
    "Streets (optional: their extent when there is no study area)":
        "Straten (optioneel: hun uitsnede als er geen onderzoeksgebied is)",
    "Lines of the walking network. Only used without a study area (the area is then the one "
    "the streets cover) and to read the BAG layer within their extent.":
        "Lijnen van het wandelnetwerk. Alleen gebruikt zonder onderzoeksgebied (het gebied is "
        "dan wat de straten beslaan) en om de BAG-laag binnen hun uitsnede te lezen.",
    "Cell size (m)": "Celgrootte (m)",
    "Bandwidth (m)": "Bandbreedte (m)",
    "Radius of the quartic kernel and of the mixed-use window, in metres; at least the cell "
    "size. A point counts within this distance of a cell centre, most near it.":
        "Straal van de kwartische kern en van het venster van de functiemenging, in meters; "
        "minstens de celgrootte. Een punt telt mee binnen deze afstand van het midden van een "
        "cel, het sterkst dichtbij.",
    "A layer of BAG verblijfsobjecten in the BAG schema, e.g. the output of Load BAG addresses: "
    "with an establishments export, the density of the vacancy indication. Only its points "
    "near the study area are read.":
        "Een laag met BAG-verblijfsobjecten in het BAG-schema, bv. de uitvoer van BAG-adressen "
        "laden: met een vestigingenbestand de dichtheid van de leegstandsindicatie. Alleen de "
        "punten bij het onderzoeksgebied worden gelezen.",
    "Cells of the establishments' surface whose value comes from fewer establishments than "
    "this are left empty (nodata): a small count can point at one person.":
        "Cellen van het oppervlak van de vestigingen waarvan de waarde van minder vestigingen "
        "komt dan dit getal blijven leeg (nodata): een klein aantal kan naar één persoon "
        "wijzen.",
    "Only with a BAG layer and an establishments export.":
        "Alleen met een BAG-laag en een vestigingenbestand.",
    "Give a study area or a streets layer: the rasters cover the study area.":
        "Geef een onderzoeksgebied of een stratenlaag: de rasters beslaan het "
        "onderzoeksgebied.",
    "No raster to write: give at least one output, e.g. BUSINESS_INTENSITY=business.tif.":
        "Geen raster om te schrijven: geef ten minste één uitvoer, bv. "
        "BUSINESS_INTENSITY=business.tif.",
    "Computing the surfaces": "Oppervlakken berekenen",
    "Writing the rasters": "Rasters schrijven",
    "Cells left empty by the privacy threshold (below {}): {}":
        "Cellen leeg gelaten door de privacydrempel (onder {}): {}",
    # --- liveliness by hour and spending flows (neighbourhood analysis) ---------------------
    "Compute liveliness by hour (when the POIs have opening_hours)":
        "Levendigheid per uur berekenen (als de POI's opening_hours hebben)",
    "Reference week of the opening hours (any day of it)":
        "Peilweek van de openingstijden (een willekeurige dag ervan)",
    "Compute spending flows (needs BAG)": "Bestedingsstromen berekenen (vraagt de BAG)",
    "Distance decay of the Huff model": "Afstandsverval van het Huff-model",
    "Power: distance^-beta": "Macht: afstand^-bèta",
    "Exponential: exp(-lambda km)": "Exponentieel: exp(-lambda km)",
    "Beta (power decay)": "Bèta (machtsverval)",
    "Lambda (exponential decay, per km)": "Lambda (exponentieel verval, per km)",
    "Cut-off of the spending flows (m)": "Afkapafstand van de bestedingsstromen (m)",
    "Attractiveness of a shop": "Aantrekkelijkheid van een winkel",
    "BAG floor area (else assumed per shop type)":
        "BAG-oppervlakte (anders aangenomen per winkelsoort)",
    "Count (1 per shop)": "Aantal (1 per winkel)",
    "Daily-goods spending per dwelling (EUR per year; optional)":
        "Bestedingen aan dagelijkse boodschappen per woning (euro per jaar; optioneel)",
    "Zones of the spending flows (optional)": "Gebieden van de bestedingsstromen (optioneel)",
    "Polygons to count the spending flows by (code from a CBS code, code, id or identificatie "
    "field, name from a CBS name, naam or name field). Empty: the areas above, else the study "
    "area.":
        "Vlakken waarnaar de bestedingsstromen worden geteld (code uit een CBS-code-, code-, "
        "id- of identificatieveld, naam uit een CBS-naam-, naam- of name-veld). Leeg: de "
        "gebieden hierboven, anders het onderzoeksgebied.",
    "Shops to add as scenarios (optional)": "Winkels om toe te voegen als scenario (optioneel)",
    "Points where a daily-goods shop could come (e.g. drawn in a scratch layer), each a "
    "scenario on its own: what it would draw and how much more of its zone's spending would "
    "stay. Optional fields: kind (an OSM shop value, default supermarket) and floor_area_m2 "
    "(default the assumed size of the kind). The vacant shop fronts of the study area are "
    "always tried too.":
        "Punten waar een winkel voor dagelijkse boodschappen zou kunnen komen (bv. getekend in "
        "een tijdelijke laag), elk een scenario op zich: wat hij zou trekken en hoeveel meer "
        "van de bestedingen van zijn gebied in het gebied zou blijven. Optionele velden: kind "
        "(een OSM-shopwaarde, standaard supermarket) en floor_area_m2 (standaard de "
        "aangenomen grootte van die soort). De leegstaande winkelpanden van het "
        "onderzoeksgebied worden altijd ook geprobeerd.",
    "Extra typology features (optional)": "Extra typologiekenmerken (optioneel)",
    "Liveliness by hour (evening share, hours with N and O open)":
        "Levendigheid per uur (aandeel 's avonds, uren met N en O open)",
    "Spending flows (spending drawn and kept)":
        "Bestedingsstromen (aangetrokken en behouden bestedingen)",
    "Open amenities per hour of the week": "Open voorzieningen per uur van de week",
    "With liveliness by hour: per street segment (join on segment_id) the number of POIs "
    "within walking reach open in each hour of the reference week, fields ma_00 (Monday "
    "00:00-01:00) to zo_23.":
        "Met levendigheid per uur: per straatsegment (koppelen op segment_id) het aantal POI's "
        "op loopafstand dat in elk uur van de peilweek open is, velden ma_00 (maandag "
        "00:00-01:00) tot en met zo_23.",
    "Daily-goods spending per zone": "Bestedingen aan dagelijkse boodschappen per gebied",
    "With spending flows: per zone the demand (dwellings), the shares of its spending kept, "
    "leaking out and beyond reach, and the spending its shops draw (coloured by the share "
    "kept).":
        "Met bestedingsstromen: per gebied de vraag (woningen), de aandelen van de bestedingen "
        "die in het gebied blijven, weglekken en buiten bereik vallen, en de bestedingen die "
        "de winkels aantrekken (gekleurd naar het aandeel dat blijft).",
    "Catchment per shopping street": "Verzorgingsgebied per winkelstraat",
    "With spending flows: per shopping street (join on segment_id) where its spending comes "
    "from, per zone.":
        "Met bestedingsstromen: per winkelstraat (koppelen op segment_id) waar de bestedingen "
        "vandaan komen, per gebied.",
    "Scenario: a shop in a vacant shop front": "Scenario: een winkel in een leegstaand winkelpand",
    "With spending flows: per vacant shop front in the study area, what a shop there would "
    "draw and add to the share kept in its zone.":
        "Met bestedingsstromen: per leegstaand winkelpand in het onderzoeksgebied wat een "
        "winkel daar zou aantrekken en toevoegen aan het aandeel dat in het gebied blijft.",
    "The spending flows need a BAG layer: its dwellings are the demand.":
        "De bestedingsstromen vragen een BAG-laag: de woningen daarin zijn de vraag.",
    "The typology feature 'spending' needs the spending flows: switch them on.":
        "Het typologiekenmerk 'bestedingen' vraagt de bestedingsstromen: zet die aan.",
    "The opening hours are SYNTHETIC (generated, not OpenStreetMap values); every output says "
    "so.":
        "De openingstijden zijn SYNTHETISCH (gegenereerd, geen OpenStreetMap-waarden); elke "
        "uitvoer zegt dat.",
    # --- plugin ----------------------------------------------------------------------------------
    "Demo: Kanaleneiland (OpenStreetMap)": "Demo: Kanaleneiland (OpenStreetMap)",
    "The neighbourhood analysis is not available.": "De buurtanalyse is niet beschikbaar.",
    "Cannot open the demo data: {}": "Kan de demogegevens niet openen: {}",
    # the notes after the help of an option's declaration (wijkkracht.core.options), whose
    # Dutch is in the declaration itself
    "Walking distance of the hour profile (m)": "Loopafstand van het uurprofiel (m)",
    "Floor area of the shop in a vacant shop front (m²; optional)":
        "Vloeroppervlak van de winkel in een leeg winkelpand (m²; optioneel)",
    "From the POIs' OpenStreetMap opening_hours: per street, the POIs within walking distance "
    "open in each hour of a reference week, and the peak, evening and weekend shares. Computed "
    "only when the POI layer has an opening_hours column with a value; off: never.":
        "Uit de OpenStreetMap-openingstijden (opening_hours) van de POI's: per straat het aantal "
        "POI's binnen loopafstand dat in elk uur van een peilweek open is, en de piek en de "
        "aandelen 's avonds en in het weekend. Alleen berekend als de POI-laag een kolom "
        "opening_hours met een waarde heeft; uit: nooit.",
    "Its Dutch public holidays apply.": "De Nederlandse feestdagen in die week tellen mee.",
    "Kept in their own zone, leaking out or beyond reach, and what every shopping street draws. "
    "The dwellings of the BAG layer are the demand, so a BAG layer is needed.":
        "In het eigen gebied, weglekkend of buiten bereik, en wat elke winkelstraat aantrekt. De "
        "woningen van de BAG-laag zijn de vraag, dus een BAG-laag is nodig.",
    "A convention: calibrate it where you can.": "Een conventie: kalibreer hem waar dat kan.",
    "Empty: amounts in dwellings' worth of spending only.":
        "Leeg: alleen bedragen in bestedingen van woningen.",
    "Empty: the size the library assumes for a daily-goods shop.":
        "Leeg: de grootte die de bibliotheek aanneemt voor een winkel voor dagelijkse "
        "boodschappen.",
    "The liveliness by hour needs opening hours, the spending flows need them computed. Not "
    "used with a typology model.":
        "De levendigheid per uur vraagt openingstijden, de bestedingsstromen vragen dat ze "
        "worden berekend. Niet gebruikt met een typologiemodel.",
    "(Dates in the export after today are errors; an establishment that starts after the "
    "reference date is valid, only not active then.)":
        "(Datums in het bestand na vandaag zijn fouten; een vestiging die na de peildatum "
        "begint, is geldig, alleen dan nog niet actief.)",
    "Cell edges lie on multiples of it in RD New. 100 m matches the CBS squares "
    "(vierkantstatistieken).":
        "De celranden liggen op veelvouden ervan in RD New. 100 m past op de CBS-vierkanten "
        "(vierkantstatistieken).",
    "0 (the default): the opportunity types by written rules, stable and the same in every "
    "area. A fixed number of k-means types gives stable clusters, and 5 is what a map legend "
    "holds. (Before typology models, 0 chose the number automatically; that is now the option "
    "below.)":
        "0 (de standaard): de kansentypen volgens geschreven regels, stabiel en in elk gebied "
        "dezelfde. Een vast aantal k-means-typen geeft stabiele clusters, en 5 past in een "
        "kaartlegenda. (Vóór de typologiemodellen koos 0 het aantal automatisch; dat is nu de "
        "optie hieronder.)",
    "A model from Fit typology model (.json), or a wijkkracht result GeoPackage, which keeps "
    "the model that typed its streets: the same types and names as where the model was "
    "fitted, so that neighbourhoods, a city or years compare. The number of types (and its "
    "choice by stability), the features, the method and the seed are then not used: the "
    "model decides them. Empty: types made for these streets.":
        "Een model uit Typologiemodel bepalen (.json), of een GeoPackage met een "
        "wijkkracht-resultaat, die het model bewaart waarmee zijn straten zijn ingedeeld: "
        "dezelfde typen en namen als waar het model is bepaald, zodat buurten, een stad of "
        "jaren vergelijkbaar zijn. Het aantal typen (en de keuze ervan op stabiliteit), de "
        "kenmerken, de methode en de seed worden dan niet gebruikt: die bepaalt het model. "
        "Leeg: typen voor deze straten.",
    "Off (the default): the types by rules, or k-means with the number of types above. On: "
    "the number within the range below whose types change least when refitted on 80 % "
    "samples of the segments (the adjusted Rand index, 10 samples per number; slower). Not "
    "together with a number of types above.":
        "Uit (de standaard): de typen volgens regels, of k-means met het aantal typen "
        "hierboven. Aan: het aantal binnen het bereik hieronder waarvan de typen het minst "
        "veranderen als ze opnieuw worden bepaald op steekproeven van 80 % van de segmenten "
        "(de adjusted Rand index, 10 steekproeven per aantal; trager). Niet samen met een "
        "aantal typen hierboven.",
    "The same seed gives the same types.": "Dezelfde seed geeft dezelfde typen.",
    "By default the streets people live and work on: the street segments that addresses "
    "(BAG) or buildings front. The others (streets without addresses, sidewalks, cycle and "
    "foot paths) get the type keys untyped_street and untyped_path: no opportunity type, "
    "drawn thin and grey. A layer without the fields is_street and fronting_n (e.g. from the "
    "indicator algorithms, or an older wijkkracht) needs 'all'.":
        "Standaard de straten waar mensen wonen en werken: de straatsegmenten met adressen "
        "(BAG) of gebouwen eraan. De andere (straten zonder adressen, trottoirs, fiets- en "
        "voetpaden) krijgen de typesleutels untyped_street en untyped_path: geen kansentype, "
        "dun en grijs getekend. Een laag zonder de velden is_street en fronting_n (bv. uit de "
        "indicator-algoritmen, of van een oudere wijkkracht) vraagt 'all'.",
    # --- the report ---------------------------------------------------------------------------
    "Neighbourhood report (HTML)": "Buurtrapport (HTML)",
    "Writes the printable report that explains the opportunity types of a neighbourhood "
    "analysis.":
        "Schrijft het afdrukbare rapport dat de kansentypen van een buurtanalyse uitlegt.",
    "Writes the report the command line writes (wijkkracht report) as one HTML page to open in "
    "a browser and print to PDF: key figures, a static map of the opportunity types, per type "
    "why it has its name, what it offers, its rule and profile, and the streets where it is "
    "found most, the streets by name, the N/O balance, vacancy, liveliness and spending where "
    "computed, and the methods and sources. Give either the GeoPackage a wijkkracht run wrote "
    "(it carries the run's date, parameters and sources; needs pyogrio), or the layers of the "
    "neighbourhood analysis: the streets with opportunity types and the profile of the types, "
    "with the classified POIs, the study area and the summary per area where you have them. "
    "With areas, the page can be that of one area (its code or name). Establishment counts "
    "below the privacy threshold are never shown; when the BAG/KvK data were SYNTHETIC (the "
    "streets layer's metadata says so), the page says so at the top and tags every figure "
    "made from them.":
        "Schrijft het rapport dat de opdrachtregel schrijft (wijkkracht report) als één "
        "HTML-pagina om in een browser te openen en als PDF af te drukken: kerncijfers, een "
        "vaste kaart van de kansentypen, per type waarom het zijn naam heeft, wat het biedt, "
        "zijn regel en profiel, en de straten waar het het meest voorkomt, de straten op naam, "
        "de N/O-balans, leegstand, levendigheid en bestedingen waar berekend, en de methode en "
        "bronnen. Geef de GeoPackage die een wijkkracht-run schreef (met de datum, parameters "
        "en bronnen van de run; vraagt pyogrio), of de lagen van de buurtanalyse: de straten "
        "met kansentypen en het profiel van de typen, met de ingedeelde POI's, het "
        "onderzoeksgebied en de samenvatting per gebied als u die hebt. Met gebieden kan de "
        "pagina die van één gebied zijn (zijn code of naam). Aantallen vestigingen onder de "
        "privacydrempel komen nooit op de pagina; waren de BAG/KvK-gegevens SYNTHETISCH (de "
        "metadata van de stratenlaag zegt dat), dan zegt de pagina dat bovenaan en markeert "
        "ze elk cijfer dat eruit gemaakt is.",
    "Result GeoPackage of a wijkkracht run": "Resultaat-GeoPackage van een wijkkracht-run",
    "The GeoPackage wijkkracht run or wijkkracht demo wrote (e.g. out/wijkkracht.gpkg). Empty: "
    "the layers below.":
        "De GeoPackage die wijkkracht run of wijkkracht demo schreef (bv. "
        "out/wijkkracht.gpkg). Leeg: de lagen hieronder.",
    "The streets of the neighbourhood analysis: the type fields and the indicators.":
        "De straten van de buurtanalyse: de typevelden en de indicatoren.",
    "The profile table the neighbourhood analysis wrote (one row per type).":
        "De profieltabel die de buurtanalyse schreef (één rij per type).",
    "Summary per area (optional)": "Samenvatting per gebied (optioneel)",
    "The summary per area the neighbourhood analysis wrote: the page of one area becomes "
    "possible.":
        "De samenvatting per gebied die de buurtanalyse schreef: dan kan de pagina van één "
        "gebied.",
    "Page of one area (code or name; optional)": "Pagina van één gebied (code of naam; optioneel)",
    "Empty: the page of the whole study area.": "Leeg: de pagina van het hele onderzoeksgebied.",
    "Report language": "Taal van het rapport",
    "Language of the report's texts and labels.": "Taal van de teksten en labels van het rapport.",
    "The interactive map in the page (needs folium)":
        "De interactieve kaart in de pagina (vraagt folium)",
    "The static map only": "Alleen de vaste kaart",
    "The static map is always in the page; the interactive map makes the page a few MB larger.":
        "De vaste kaart staat altijd in de pagina; de interactieve kaart maakt de pagina een "
        "paar MB groter.",
    "With layers: establishment counts below this number are not shown; use the threshold of "
    "the analysis or a higher one. A GeoPackage keeps its run's.":
        "Met lagen: aantallen vestigingen onder dit getal komen niet op de pagina; gebruik de "
        "drempel van de analyse of een hogere. Een GeoPackage houdt die van zijn run.",
    "Report": "Rapport",
    "Writing the report": "Het rapport schrijven",
    "Give either a result GeoPackage or the layers of an analysis, not both.":
        "Geef een resultaat-GeoPackage of de lagen van een analyse, niet allebei.",
    "Give a result GeoPackage, or the streets with opportunity types and the profile of the "
    "types.":
        "Geef een resultaat-GeoPackage, of de straten met kansentypen en het profiel van de "
        "typen.",
    "The report says that the BAG/KvK data are SYNTHETIC.":
        "Het rapport zegt dat de BAG/KvK-gegevens SYNTHETISCH zijn.",
    # plugin/install_dialog.py and plugin/plugin.py: installing the missing packages
    "Install missing packages": "Ontbrekende pakketten installeren",
    "Install missing packages…": "Ontbrekende pakketten installeren…",
    "wijkkracht: install missing packages": "wijkkracht: ontbrekende pakketten installeren",
    "Starting pip in QGIS's Python": "pip starten in de Python van QGIS",
    "Finding what to install": "Uitzoeken wat er geïnstalleerd moet worden",
    "Installing": "Installeren",
    "Building against QGIS's libraries": "Bouwen tegen de bibliotheken van QGIS",
    "Kept as QGIS has them: {}": "Gehouden zoals QGIS ze heeft: {}",
    "Not installed: {}": "Niet geïnstalleerd: {}",
    "Installed: {}.": "Geïnstalleerd: {}.",
    "Nothing to install: every package is there.":
        "Niets te installeren: alle pakketten zijn er.",
    "Cancelled.": "Afgebroken.",
    "pip stopped with exit code {}; see the log: {}":
        "pip stopte met afsluitcode {}; zie het logboek: {}",
    "Folder: {}": "Map: {}",
    "Cannot find the Python interpreter of QGIS to run pip.":
        "De Python-interpreter van QGIS om pip mee te draaien is niet gevonden.",
    "Packages installed; every algorithm is available.":
        "Pakketten geïnstalleerd; elk algoritme is beschikbaar.",
}
