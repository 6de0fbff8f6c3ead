"""The neighbourhood analysis: every step in one, for the common case.

Optional inputs add the BAG/KvK indicators, as ``wijkkracht run --bag --establishments`` does: a
BAG layer (e.g. from *Load BAG addresses*; only its points within the street layer's extent
are read), an establishments export (read and placed on that BAG by the library, so home-based
businesses count per street without being written one by one), the reference date and the
privacy threshold below which establishment counts are suppressed; and optionally areas
(e.g. CBS buurten) with a summary per area.

Liveliness by hour (``analyse(hours=...)``) is computed when the POIs have an
``opening_hours`` column with a value (unless switched off), for the week of a reference date;
the ``OPENING_PROFILE`` table then holds the 168-hour profile per segment. The spending flows
(``analyse(spending=True, huff=HuffParameters(...))``) need the BAG layer; they write the
``SPENDING_ZONES`` (polygons, styled on the share kept) and ``SPENDING_SCENARIOS`` (vacant shop
fronts) layers and the ``SPENDING_CATCHMENT`` table. These outputs are optional: a run that
does not compute them leaves them out of its results.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
)

from .alg_bag import (
    ESTABLISHMENTS_ATTRIBUTION,
    add_bag_layer,
    add_establishment_inputs,
    add_privacy_threshold,
    add_reference_date,
    data_attribution,
    establishments_given,
    place_establishments,
    read_bag_layer,
    report_establishments,
)
from .alg_output import add_language, language_code
from .alg_typology import _TYPOLOGY_HELP, _TYPOLOGY_REFERENCES, TypologyParameters
from .base import BAG_NOTICE, ESTABLISHMENTS_NOTICE, OSM_NOTICE, WijkkrachtAlgorithm
from .i18n import language, tr
from .options import add_boolean, add_date, add_enum, add_number, checked_options, enum_value
from .styling import LayerStyle

__all__ = ["NeighbourhoodAnalysisAlgorithm"]

#: The help on liveliness by hour and spending flows (its Dutch is in :mod:`.i18n_nl`).
_HOURS_SPENDING_HELP = (
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



class NeighbourhoodAnalysisAlgorithm(WijkkrachtAlgorithm):
    """Indicators and opportunity types of every street segment of a neighbourhood."""

    NAME = "neighbourhoodanalysis"
    DISPLAY_NAME = "Neighbourhood analysis (all steps)"
    GROUP = "analysis"
    REQUIRES = ("core", "typology")
    DESCRIPTION = ("Proximity, mixed use, N/O mix, vacancy and opportunity types for every "
                   "street segment of a neighbourhood.")
    HELP = ("The whole analysis in one step, as the command line runs it: the street network "
            "(buffered beyond the study area) is split into segments, the POIs are classified "
            "and placed on their nearest street, every indicator is computed along the "
            "network, and the segments of the study area are classified into opportunity "
            "types. " + _TYPOLOGY_HELP + " Outputs: the streets with every indicator and their "
            "type (coloured by type; the segments without one, sidewalks and paths thin and "
            "light), the named streets with their main type and the share of every type, the "
            "classified POIs (N / O / other / vacant), the study "
            "area with summary figures, the profile table of the types, and optionally the "
            "interactive map (HTML, needs folium). Optional BAG and establishments: give a "
            "BAG layer (e.g. from Load BAG addresses) for the BAG indicators per street "
            "(Mixed-use Index, use diversity and intensity by floor area, units out of use, "
            "building ages), and also an establishments export (KvK/LISA) for the vacancy "
            "indication, home-based businesses, business dynamics and the N/O mix by SBI code. "
            "The export is read and placed on the BAG addresses here, so that home-based "
            "businesses count per street but are never written one by one; establishment "
            "counts below the privacy threshold are left empty (NULL), with the shares built "
            "on them, and the field suppressed says where. Only the BAG points within the "
            "extent of the street layer are read. Areas (e.g. CBS buurten) add a summary per "
            "area." + _HOURS_SPENDING_HELP)
    INDICATOR_GROUPS = ("proximity", "mixed_use", "no_mix", "vacancy", "bag", "time", "spending")
    NOTICES = (OSM_NOTICE, BAG_NOTICE, ESTABLISHMENTS_NOTICE)
    REFERENCES = (
        "Jacobs, J. (1961). The Death and Life of Great American Cities. Random House.",
        "Hill, M. O. (1973). Diversity and evenness: a unifying notation and its consequences. "
        "Ecology 54(2), 427-432.",
        "Huff, D. L. (1963). A probabilistic analysis of shopping center trade areas. Land "
        "Economics 39(1), 81-90.",
        *_TYPOLOGY_REFERENCES,
    )

    STREETS_OUT = "STREETS_OUT"
    NAMED_STREETS = "NAMED_STREETS"
    POIS_OUT = "POIS_OUT"
    AREA_OUT = "AREA_OUT"
    PROFILE = "PROFILE"
    HTML = "HTML"
    LANGUAGE = "LANGUAGE"
    BAG = "BAG"
    ESTABLISHMENTS = "ESTABLISHMENTS"
    ESTABLISHMENTS_MAPPING = "ESTABLISHMENTS_MAPPING"
    REFERENCE_DATE = "REFERENCE_DATE"
    PRIVACY_THRESHOLD = "PRIVACY_THRESHOLD"
    AREAS = "AREAS"
    AREA_FIELD = "AREA_FIELD"
    AREAS_OUT = "AREAS_OUT"
    PROBLEMS = "PROBLEMS"
    HOURS = "HOURS"
    HOURS_WEEK = "HOURS_WEEK"
    HOURS_RADIUS = "HOURS_RADIUS"
    SPENDING = "SPENDING"
    HUFF_DECAY = "HUFF_DECAY"
    HUFF_BETA = "HUFF_BETA"
    HUFF_LAMBDA = "HUFF_LAMBDA"
    HUFF_CUTOFF = "HUFF_CUTOFF"
    SPENDING_MEASURE = "SPENDING_MEASURE"
    SPENDING_PER_DWELLING = "SPENDING_PER_DWELLING"
    SCENARIO_FLOOR_AREA = "SCENARIO_FLOOR_AREA"
    SPENDING_ZONES_IN = "SPENDING_ZONES_IN"
    ADDED_SHOPS = "ADDED_SHOPS"
    TYPOLOGY_EXTRA = "TYPOLOGY_EXTRA"
    OPENING_PROFILE = "OPENING_PROFILE"
    SPENDING_ZONES = "SPENDING_ZONES"
    SPENDING_CATCHMENT = "SPENDING_CATCHMENT"
    SPENDING_SCENARIOS = "SPENDING_SCENARIOS"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add_streets()
        self.add_pois()
        self.add_area()
        add_bag_layer(
            self, self.BAG,
            "A layer of BAG verblijfsobjecten in the BAG schema, e.g. the output of Load BAG "
            "addresses: adds the BAG indicators per street. Only its points within the extent "
            "of the street layer are read.")
        add_establishment_inputs(self, self.ESTABLISHMENTS, self.ESTABLISHMENTS_MAPPING,
                                 optional=True)
        add_reference_date(self, self.REFERENCE_DATE)
        add_privacy_threshold(
            self, self.PRIVACY_THRESHOLD,
            tr("Establishment counts below this number are left empty (NULL) in the outputs, "
               "with the shares built on them: a small count can point at one person."))
        self.add(QgsProcessingParameterFeatureSource(
            self.AREAS, tr("Areas for a summary (e.g. CBS buurten; optional)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True),
            "Polygons (e.g. CBS buurten or wijken) to summarise the streets by: one row per "
            "area that meets the street layer's extent, with the aggregates of every "
            "indicator.")
        self.add(QgsProcessingParameterField(
            self.AREA_FIELD, tr("Field of the area codes (optional)"),
            parentLayerParameterName=self.AREAS, optional=True),
            "The field of the areas that holds their codes (area_code in the summary). Empty: "
            "the field whose values are CBS codes (BU03630101, WK036301, GM0363), whatever its "
            "name, else a field called code, id or identificatie; the name from a field "
            "called like buurtnaam, naam or name (any case).")
        # on (the default): computed when the POIs have opening hours (hours=None, the
        # declaration's default); off: hours=False
        add_boolean(self, "hours",
                    tr("Compute liveliness by hour (when the POIs have opening_hours)"),
                    default=True,
                    note=tr("From the POIs' OpenStreetMap opening_hours: per street, the POIs "
                            "within walking distance open in each hour of a reference week, "
                            "and the peak, evening and weekend shares. Computed only when the "
                            "POI layer has an opening_hours column with a value; off: never."))
        add_date(self, "hours_week", tr("Reference week of the opening hours (any day of it)"),
                 note=tr("Its Dutch public holidays apply."), advanced=True)
        add_number(self, "hours_radius", tr("Walking distance of the hour profile (m)"),
                   advanced=True)
        add_boolean(self, "spending", tr("Compute spending flows (needs BAG)"),
                    note=tr("Kept in their own zone, leaking out or beyond reach, and what "
                            "every shopping street draws. The dwellings of the BAG layer are "
                            "the demand, so a BAG layer is needed."))
        add_enum(self, "huff_decay", tr("Distance decay of the Huff model"), advanced=True)
        add_number(self, "huff_beta", tr("Beta (power decay)"),
                   note=tr("A convention: calibrate it where you can."), advanced=True)
        add_number(self, "huff_lambda", tr("Lambda (exponential decay, per km)"),
                   advanced=True)
        add_number(self, "huff_cutoff", tr("Cut-off of the spending flows (m)"), advanced=True)
        add_enum(self, "spending_measure", tr("Attractiveness of a shop"), advanced=True)
        add_number(self, "spending_per_dwelling",
                   tr("Daily-goods spending per dwelling (EUR per year; optional)"),
                   note=tr("Empty: amounts in dwellings' worth of spending only."),
                   advanced=True)
        add_number(self, "scenario_floor_area",
                   tr("Floor area of the shop in a vacant shop front (m²; optional)"),
                   note=tr("Empty: the size the library assumes for a daily-goods shop."),
                   advanced=True)
        self.add(QgsProcessingParameterFeatureSource(
            self.SPENDING_ZONES_IN, tr("Zones of the spending flows (optional)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True),
            "Polygons to count the spending flows by (code from a CBS code, code, id or "
            "identificatie field, name from a CBS name, naam or name field). Empty: the areas "
            "above, else the study area.", advanced=True)
        self.add(QgsProcessingParameterFeatureSource(
            self.ADDED_SHOPS, tr("Shops to add as scenarios (optional)"),
            [QgsProcessing.SourceType.TypeVectorPoint], optional=True),
            "Points where a daily-goods shop could come (e.g. drawn in a scratch layer), each "
            "a scenario on its own: what it would draw and how much more of its zone's "
            "spending would stay. Optional fields: kind (an OSM shop value, default "
            "supermarket) and floor_area_m2 (default the assumed size of the kind). The "
            "vacant shop fronts of the study area are always tried too.", advanced=True)
        TypologyParameters.add_typology(self, with_features=False)
        add_enum(self, "typology_extra", tr("Extra typology features (optional)"),
                 note=tr("The liveliness by hour needs opening hours, the spending flows need "
                         "them computed. Not used with a typology model."), advanced=True)
        self.add_network_options()
        add_language(self, self.LANGUAGE, advanced=True)
        self.add_sink(self.STREETS_OUT, "Streets with indicators and opportunity types",
                      "The segments of the walking network in the study area with their kind "
                      "(street, sidewalk, cycle path, ...; is_street: whether it counts as a "
                      "street), named street (street_id), the addresses fronting them, every "
                      "indicator and their opportunity type.", QgsProcessing.SourceType.TypeVectorLine)
        self.add_sink(self.NAMED_STREETS, "Named streets",
                      "One line per named street (the street segments of one name that meet): "
                      "its length, addresses, main opportunity type and the share of every type, "
                      "and the indicators along it (weighted by length); coloured by main type.",
                      QgsProcessing.SourceType.TypeVectorLine, optional=True)
        self.add_sink(self.POIS_OUT, "Classified POIs",
                      "The POIs with their N/O class, function and everyday category, the "
                      "segment they are placed on, and whether they lie in the study area.",
                      QgsProcessing.SourceType.TypeVectorPoint)
        self.add_sink(self.AREA_OUT, "Study area with summary",
                      "The study area with summary figures.", QgsProcessing.SourceType.TypeVectorPolygon)
        self.add_sink(self.PROFILE, "Profile of the opportunity types",
                      "One row per type: its names, size and profile.", QgsProcessing.SourceType.TypeVector)
        self.add_sink(self.AREAS_OUT, "Summary per area",
                      "With areas: one row per area with the aggregates of the indicators "
                      "(small establishment counts suppressed).", QgsProcessing.SourceType.TypeVectorPolygon,
                      optional=True)
        self.add_sink(self.PROBLEMS, "Establishments not used (rejected or not placed)",
                      "With an establishments export: the rows that were rejected or not found "
                      "in the BAG, with the reason (internal use).", QgsProcessing.SourceType.TypeVector,
                      optional=True)
        self.add_sink(self.OPENING_PROFILE, "Open amenities per hour of the week",
                      "With liveliness by hour: per street segment (join on segment_id) the "
                      "number of POIs within walking reach open in each hour of the reference "
                      "week, fields ma_00 (Monday 00:00-01:00) to zo_23.",
                      QgsProcessing.SourceType.TypeVector, optional=True)
        self.add_sink(self.SPENDING_ZONES, "Daily-goods spending per zone",
                      "With spending flows: per zone the demand (dwellings), the shares of its "
                      "spending kept, leaking out and beyond reach, and the spending its shops "
                      "draw (coloured by the share kept).", QgsProcessing.SourceType.TypeVectorPolygon,
                      optional=True)
        self.add_sink(self.SPENDING_CATCHMENT, "Catchment per shopping street",
                      "With spending flows: per shopping street (join on segment_id) where its "
                      "spending comes from, per zone.", QgsProcessing.SourceType.TypeVector, optional=True)
        self.add_sink(self.SPENDING_SCENARIOS, "Scenario: a shop in a vacant shop front",
                      "With spending flows: per vacant shop front in the study area, what a shop "
                      "there would draw and add to the share kept in its zone.",
                      QgsProcessing.SourceType.TypeVectorPoint, optional=True)
        self.add(QgsProcessingParameterFileDestination(
            self.HTML, tr("Interactive map"), tr("HTML files (*.html)"), optional=True,
            createByDefault=False),
            "Also write the interactive web map (HTML); empty: no map.")

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from qgis.core import QgsWkbTypes  # type: ignore[import-not-found]

        from ..core.layers import LAYER_ATTRIBUTION, analyse_layers
        from ..styles import key_indicators, type_names
        from .dependencies import install_hint, missing_packages

        html_path = self.parameterAsFileOutput(parameters, self.HTML, context) \
            if parameters.get(self.HTML) else ""
        if html_path:
            missing = missing_packages(["webmap"])
            if missing:
                raise QgsProcessingException(install_hint(missing, lang=language()))
        reference = self.date_parameter(parameters, self.REFERENCE_DATE, context)
        model = TypologyParameters.model(self, parameters, context)  # a bad file fails first
        # every option checked by its declaration before any layer is read
        typology_options = TypologyParameters.options(
            self, parameters, context, model=model, model_keyword="typology_model",
            feedback=feedback)
        network_options = self.network_options(parameters, context)
        time_options = self.time_and_spending_options(parameters, context)
        bag_options = checked_options({
            "reference_date": reference,
            "privacy_threshold": self.parameterAsInt(parameters, self.PRIVACY_THRESHOLD,
                                                     context)})
        has_establishments = establishments_given(self, parameters, self.ESTABLISHMENTS,
                                                  self.BAG, context)
        steps = self.steps(feedback, 3)
        streets = self.read_layer(parameters, self.STREETS, context, steps)
        pois = self.read_layer(parameters, self.POIS, context, steps)
        area = self.read_layer(parameters, self.AREA, context, steps)
        extent = self.rd_extent(streets) if parameters.get(self.BAG) not in (None, "") or \
            parameters.get(self.AREAS) not in (None, "") else None
        bag = read_bag_layer(self, parameters, self.BAG, context, steps, extent=extent)
        areas = self.read_layer(parameters, self.AREAS, context, steps, extent=extent)
        zones = self.read_layer(parameters, self.SPENDING_ZONES_IN, context, steps,
                                extent=self.rd_extent(streets)) \
            if parameters.get(self.SPENDING_ZONES_IN) not in (None, "") else None
        shops = self.read_layer(parameters, self.ADDED_SHOPS, context, steps) \
            if parameters.get(self.ADDED_SHOPS) not in (None, "") else None
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        options: dict[str, Any] = {}
        problems = None
        if bag is not None:
            options = {"bag": bag, **bag_options}
        if has_establishments:
            placed = place_establishments(self, parameters, self.ESTABLISHMENTS,
                                          self.ESTABLISHMENTS_MAPPING, context, bag)
            report_establishments(feedback, placed)
            options["establishments"] = placed.matched
            problems = placed.problems
        if areas is not None:
            from ..data_sources.schema import to_rd_new

            options["areas"] = self.run_core(to_rd_new, areas, areas.attrs["source"])
            field = self.parameterAsString(parameters, self.AREA_FIELD, context) or None
            if field is not None or (time_options.get("spending") and zones is None):
                options["areas"] = self.run_core(with_zone_codes, options["areas"], field)
        if zones is not None and time_options.get("spending"):
            options["spending_zones"] = self.run_core(zone_frame, zones)
        if shops is not None and len(shops):
            from ..core.spending import added_shops_from_points

            # without the spending flows the library refuses them, in one line
            options["added_shops"] = self.run_core(added_shops_from_points, shops)
        if time_options.get("hours") is not False:
            time_options["hours_synthetic"] = self.layer_says_synthetic(parameters, self.POIS,
                                                                        context)
        result = self.run_core(analyse_layers, streets, pois, area,
                               progress=self.core_progress(steps),
                               **options, **time_options, **typology_options,
                               **network_options)
        self.warn(feedback, result.metadata.get("warnings", []))
        TypologyParameters.report(feedback, getattr(result, "typology_model", None),
                                  applied=model is not None,
                                  stability=(result.metadata.get("silhouette") or {}).get(
                                      "stability"))
        if isinstance(result.metadata.get("detour"), dict):
            from ..core.diagnostics import detour_summary_text

            # the check every run makes of its network (a warning above when it fails)
            feedback.pushInfo(f"wijkkracht: {detour_summary_text(result.metadata['detour'])}")
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        said_synthetic = set(result.metadata.get("synthetic") or ())
        synthetic = bool(said_synthetic - {"opening_hours"}) or bool(
            bag is not None and bag.attrs.get("synthetic"))
        attribution = data_attribution(result.attribution or LAYER_ATTRIBUTION,
                                       bag=bag is not None, establishments=has_establishments,
                                       synthetic=synthetic, feedback=feedback)
        if "opening_hours" in said_synthetic:
            from ..data_sources.synthetic_hours import SYNTHETIC_HOURS_NOTICE

            attribution += f"; {SYNTHETIC_HOURS_NOTICE}"
            feedback.pushWarning(tr("The opening hours are SYNTHETIC (generated, not "
                                    "OpenStreetMap values); every output says so."))
        bag_meta = result.metadata.get("bag") or {}
        if bag_meta.get("suppressed_segments"):
            feedback.pushInfo(tr("Streets with suppressed establishment counts (below {}): "
                                 "{}").format(bag_meta.get("privacy_threshold"),
                                              bag_meta["suppressed_segments"]))
        names = type_names(result.streets, language())
        outputs = {
            self.STREETS_OUT: self.write_layer(
                parameters, self.STREETS_OUT, context, steps, result.streets,
                LayerStyle("types", "Streets with indicators and opportunity types",
                           attribution, names=names,
                           extra=key_indicators(result.streets.columns))),
            self.NAMED_STREETS: self.write_layer(
                parameters, self.NAMED_STREETS, context, steps, result.named_streets,
                LayerStyle("named_streets", "Named streets", attribution, names=names,
                           labels=result.named_streets.attrs.get("labels", {})),
                geometry_type=QgsWkbTypes.Type.MultiLineString),
            self.POIS_OUT: self.write_layer(
                parameters, self.POIS_OUT, context, steps, result.pois,
                LayerStyle("pois", "Classified POIs", attribution)),
            self.AREA_OUT: self.write_layer(
                parameters, self.AREA_OUT, context, steps, result.area,
                LayerStyle("area", "Study area with summary", attribution)),
            self.PROFILE: self.write_layer(
                parameters, self.PROFILE, context, steps, result.profile,
                LayerStyle(None, "Profile of the opportunity types", attribution,
                           fields="typology_profile")),
        }
        summary = getattr(result, "areas", None)
        if summary is not None:
            outputs[self.AREAS_OUT] = self.write_layer(
                parameters, self.AREAS_OUT, context, steps, summary,
                LayerStyle("areas", "Summary per area", attribution,
                           labels=summary.attrs.get("labels", {})))
        outputs.update(self.write_time_and_spending(parameters, context, steps, result,
                                                    attribution))
        if problems is not None:
            outputs[self.PROBLEMS] = self.write_layer(
                parameters, self.PROBLEMS, context, steps, problems,
                LayerStyle(None, "Establishments not used (rejected or not placed)",
                           ESTABLISHMENTS_ATTRIBUTION))
        if html_path:
            from ..output.webmap import write_webmap

            steps.setProgressText(tr("Writing the map"))
            outputs[self.HTML] = str(self.run_core(
                write_webmap, result, html_path,
                lang=language_code(self, parameters, self.LANGUAGE, context)))
        return outputs

    def time_and_spending_options(self, parameters: dict[str, Any],
                                  context: QgsProcessingContext) -> dict[str, Any]:
        """The liveliness-by-hour, spending and typology-extra options as keyword arguments of
        the library (``hours``, ``hours_week``, ``spending``, ``huff``, ...); refuses spending
        flows without a BAG layer, and extra typology features that cannot be computed."""
        from ..core.huff import HuffParameters

        spending = self.parameterAsBoolean(parameters, self.SPENDING, context)
        if spending and parameters.get(self.BAG) in (None, ""):
            raise QgsProcessingException(tr("The spending flows need a BAG layer: its dwellings "
                                            "are the demand."))
        values: dict[str, Any] = {
            "hours_week": self.date_parameter(parameters, self.HOURS_WEEK, context),
            "hours_radius": self.parameterAsDouble(parameters, self.HOURS_RADIUS, context),
            "spending": spending,
            "typology_extra": enum_value(self, parameters, self.TYPOLOGY_EXTRA, context),
        }
        if not self.parameterAsBoolean(parameters, self.HOURS, context):
            values["hours"] = False
        if spending:
            values.update({
                "huff_decay": enum_value(self, parameters, self.HUFF_DECAY, context),
                "huff_beta": self.parameterAsDouble(parameters, self.HUFF_BETA, context),
                "huff_lambda": self.parameterAsDouble(parameters, self.HUFF_LAMBDA, context),
                "huff_cutoff": self.parameterAsDouble(parameters, self.HUFF_CUTOFF, context),
                "spending_measure": enum_value(self, parameters, self.SPENDING_MEASURE, context),
            })
            for key, name in ((self.SPENDING_PER_DWELLING, "spending_per_dwelling"),
                              (self.SCENARIO_FLOOR_AREA, "scenario_floor_area")):
                if parameters.get(key) not in (None, ""):
                    values[name] = self.parameterAsDouble(parameters, key, context)
        options = checked_options(values)
        if "spending" in options["typology_extra"] and not spending:
            raise QgsProcessingException(tr("The typology feature 'spending' needs the spending "
                                            "flows: switch them on."))
        if spending:  # the Huff parameters as one object, as the other front ends pass them
            options["huff"] = HuffParameters(
                decay=options.pop("huff_decay"), beta=options.pop("huff_beta"),
                lam=options.pop("huff_lambda"), cutoff=options.pop("huff_cutoff"))
        return options

    def write_time_and_spending(self, parameters: dict[str, Any], context: QgsProcessingContext,
                                feedback: QgsProcessingFeedback, result: Any,
                                attribution: str) -> dict[str, Any]:
        """Write the opening profile and the spending layers the run computed (none of them
        otherwise: the outputs are optional)."""
        from qgis.core import QgsWkbTypes  # type: ignore[import-not-found]

        outputs: dict[str, Any] = {}
        if result.hours is not None:
            hours = result.hours.reindex(result.streets.index).astype("int32")
            hours.index.name = result.streets.index.name or "segment_id"
            outputs[self.OPENING_PROFILE] = self.write_layer(
                parameters, self.OPENING_PROFILE, context, feedback, hours,
                LayerStyle(None, "Open amenities per hour of the week", attribution,
                           fields="opening_profile"))
        spend = result.spending
        if spend is not None:
            outputs[self.SPENDING_ZONES] = self.write_layer(
                parameters, self.SPENDING_ZONES, context, feedback, spend.zones,
                LayerStyle("spending_zones", "Daily-goods spending per zone", attribution),
                geometry_type=QgsWkbTypes.Type.MultiPolygon)
            outputs[self.SPENDING_CATCHMENT] = self.write_layer(
                parameters, self.SPENDING_CATCHMENT, context, feedback,
                spend.catchment.reset_index(drop=True),
                LayerStyle(None, "Catchment per shopping street", attribution,
                           fields="spending_catchment"))
            outputs[self.SPENDING_SCENARIOS] = self.write_layer(
                parameters, self.SPENDING_SCENARIOS, context, feedback, spend.scenarios,
                LayerStyle("spending_scenarios", "Scenario: a shop in a vacant shop front",
                           attribution), geometry_type=QgsWkbTypes.Type.Point)
        return outputs


def zone_columns(frame: Any, field: str | None = None) -> tuple[str, str | None, str | None]:
    """(level, code field or None, name field or None) of a polygon layer as read: found by
    :func:`wijkkracht.data_sources.areas.area_columns`, as ``wijkkracht run --areas`` finds
    them in a file (the field of CBS codes by its values, ``area_code``, else
    code/id/identificatie; a name field called like buurtnaam/naam/name), or ``field``."""
    from ..data_sources.areas import area_columns

    source = str(frame.attrs.get("source", "areas"))
    return area_columns(frame.columns, frame, field=field, source=source)


def zone_frame(gdf: Any) -> Any:
    """A polygon layer (as read) as zones of the spending flows: ``area_code``, ``area_name``,
    ``level``, valid polygons in EPSG:28992 (the schema of
    :func:`wijkkracht.data_sources.areas.read_areas`)."""
    from ..data_sources.areas import _normalise
    from ..data_sources.schema import to_rd_new

    source = str(gdf.attrs.get("source", "zones"))
    rd = to_rd_new(gdf, source)
    return _normalise(rd, *zone_columns(rd), source)


def with_zone_codes(areas: Any, field: str | None = None) -> Any:
    """``areas`` (as read, in EPSG:28992) with ``area_code`` and ``area_name`` added where it
    has none (from ``field`` when given, replacing any), so that the spending flows per area
    can be joined to its summary."""
    import pandas as pd

    if "area_code" in areas.columns and field is None:
        return areas
    _, code, name = zone_columns(areas, field)
    out = areas.copy()
    codes = out[code].astype(str) if code is not None else \
        pd.Series([str(i + 1) for i in range(len(out))], index=out.index)
    out["area_code"] = codes
    out["area_name"] = out[name].astype(str).where(out[name].notna(), codes) \
        if name is not None else codes
    out.attrs.update(areas.attrs)
    return out
