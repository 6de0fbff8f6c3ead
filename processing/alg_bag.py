"""Data: BAG verblijfsobjecten and KvK/LISA-style establishments, read by the library's readers.

*Load BAG* reads PDOK's BAG GeoPackage or LV BAG 2.0 XML (a folder, a zip or files), only the
extent or mask asked for, with one call to
:func:`wijkkracht.data_sources.bag.read_bag_gpkg` or
:func:`~wijkkracht.data_sources.bag.read_bag_lv` (through :mod:`.qgis_io`: QGIS's providers
read the files), and writes the verblijfsobjecten in the library's BAG schema. A BAG layer
given to an algorithm is brought to that schema by
:func:`~wijkkracht.data_sources.bag.normalise_bag` (:func:`read_bag_layer`). *Load
establishments* reads an establishments export and places it on a BAG layer with one call to
:func:`wijkkracht.data_sources.establishments.establishments_on_bag`, and writes the placed
establishments and the table of the rows that could not be used
(:func:`~wijkkracht.data_sources.establishments.problems_frame`).

Privacy: establishments at addresses whose only use is housing (home-based businesses, mostly
one person) are personal data. *Load establishments* leaves them out of its layer
(:func:`wijkkracht.core.privacy.is_residential`) unless the user ticks the internal-use
option; the publication check of the library
(:func:`wijkkracht.core.privacy.check_publishable`) guards the default layer.

*Load BAG* reads the files through QGIS's own providers (:mod:`.qgis_io`), so it needs no
pyogrio; an establishments export in a GeoPackage is read by the library with pyogrio, which
inside QGIS must use the same GDAL as QGIS (see the README, *QGIS*).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from .base import BAG_NOTICE, ESTABLISHMENTS_NOTICE, WijkkrachtAlgorithm
from .i18n import language, tr
from .options import add_date, add_number, checked_options
from .styling import LayerStyle

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from qgis.core import QgsReferencedRectangle  # type: ignore[import-not-found]

    from ..data_sources.establishments import EstablishmentsOnBag

__all__ = ["LoadBagAlgorithm", "LoadEstablishmentsAlgorithm", "STATUS_LABELS", "BAG_ATTRIBUTION",
           "ESTABLISHMENTS_ATTRIBUTION", "read_bag_layer", "place_establishments",
           "add_bag_layer", "add_privacy_threshold", "add_reference_date", "data_attribution",
           "establishments_given"]

#: The BAG statuses of a verblijfsobject (in the order of
#: :data:`wijkkracht.data_sources.bag.BAG_STATUSES`) with an English gloss; Dutch shows the
#: BAG term alone.
STATUS_LABELS = (
    "Verblijfsobject in gebruik (in use)",
    "Verblijfsobject in gebruik (niet ingemeten) (in use, not measured)",
    "Verblijfsobject buiten gebruik (out of use)",
    "Verbouwing verblijfsobject (being rebuilt)",
    "Verblijfsobject gevormd (planned, not built)",
    "Niet gerealiseerd verblijfsobject (never built)",
    "Verblijfsobject ingetrokken (withdrawn)",
    "Verblijfsobject ten onrechte opgevoerd (registered in error)",
)
#: Attribution of BAG layers.
BAG_ATTRIBUTION = "BAG: Kadaster, CC0 1.0"
#: Attribution of establishment layers.
ESTABLISHMENTS_ATTRIBUTION = "Establishments register (not open data)"


def _status_default() -> list[int]:
    """The statuses kept by default: the first four of :data:`STATUS_LABELS`, i.e.
    ``data_sources.bag.DEFAULT_STATUSES`` (a test checks it). Not imported from there: QGIS
    builds the parameters when the plugin starts, before any geo package is wanted."""
    return [0, 1, 2, 3]


class LoadBagAlgorithm(WijkkrachtAlgorithm):
    """BAG verblijfsobjecten from PDOK's GeoPackage or LV BAG 2.0 XML, in the BAG schema."""

    NAME = "loadbag"
    DISPLAY_NAME = "Load BAG addresses (verblijfsobjecten)"
    GROUP = "data"
    REQUIRES = ("core",)  # the files are read through QGIS (.qgis_io), not with pyogrio
    DESCRIPTION = ("Reads BAG verblijfsobjecten (addresses with use, floor area, status and "
                   "construction year) for an area from PDOK's BAG GeoPackage or an LV BAG "
                   "2.0 extract.")
    HELP = ("Reads the verblijfsobjecten (addressable units) of the BAG: from PDOK's BAG "
            "GeoPackage (layer verblijfsobject; only the features in the extent or mask are "
            "read, through the file's spatial index, so the national file is never loaded "
            "whole) or from an LV BAG 2.0 extract of Kadaster (a folder, a zip or XML files "
            "named <gemeente>VBO<date>..., with the NUM, OPR and PND files for the address and "
            "the construction year; only the current version of each object is kept). Give an "
            "extent or a mask layer to read a neighbourhood, e.g. the streets layer of the "
            "analysis. The status filter keeps by default the units that exist (in use, out of "
            "use, being rebuilt); the units left out are counted per status in the log, with "
            "the snapshot date of the BAG. Output: one point per verblijfsobject in EPSG:28992 "
            "with identificatie, gebruiksdoel (its uses, comma separated), oppervlakte (m²), "
            "status, openbare_ruimte_naam, huisnummer, huisletter, toevoeging, postcode, "
            "pand_identificatie and bouwjaar: the input of the BAG indicators of the "
            "neighbourhood analysis and of Load establishments. The files are read by QGIS "
            "itself (its own GDAL): no extra Python package is needed.")
    NOTICES = (BAG_NOTICE,)
    REFERENCES = (
        "Kadaster: Basisregistratie Adressen en Gebouwen (BAG), "
        "https://www.kadaster.nl/zakelijk/registraties/basisregistraties/bag",
        "PDOK: BAG GeoPackage, https://service.pdok.nl/lv/bag/atom/bag.xml",
    )

    INPUT = "INPUT"
    FOLDER = "FOLDER"
    LAYER = "LAYER"
    EXTENT = "EXTENT"
    MASK = "MASK"
    STATUSES = "STATUSES"
    SNAPSHOT_DATE = "SNAPSHOT_DATE"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"
    DROPPED = "DROPPED"
    SNAPSHOT = "SNAPSHOT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.add(QgsProcessingParameterFile(
            self.INPUT, tr("BAG file (GeoPackage, LV BAG zip or XML)"), optional=True,
            fileFilter=tr("BAG files (*.gpkg *.zip *.xml)")),
            "PDOK's BAG GeoPackage (.gpkg), a zip of LV BAG 2.0 XML files, or one LV BAG XML "
            "file (e.g. 0221VBO15092020-000001.xml); give this or a folder.")
        self.add(QgsProcessingParameterFile(
            self.FOLDER, tr("or: folder with LV BAG 2.0 files"),
            QgsProcessingParameterFile.Behavior.Folder, optional=True),
            "A folder holding the LV BAG 2.0 XML files or zips (VBO, and NUM, OPR, PND for "
            "addresses and construction years); give this or a file.")
        self.add(QgsProcessingParameterExtent(self.EXTENT, tr("Extent to read"), optional=True),
                 "Only the verblijfsobjecten in this rectangle are read; give this or a mask "
                 "layer, or neither to read everything.")
        self.add(QgsProcessingParameterFeatureSource(
            self.MASK, tr("Mask layer (read only inside its polygons)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True),
            "Only the verblijfsobjecten inside these polygons are read; give this or an extent.")
        self.add_enum(self.STATUSES, "BAG statuses to keep", list(STATUS_LABELS),
                      _status_default(),
                      "Verblijfsobjecten with another status are left out (and counted in the "
                      "log). Default: the units that exist.", multiple=True)
        self.add(QgsProcessingParameterString(self.LAYER, tr("GeoPackage layer"),
                                              "verblijfsobject"),
                 "The layer of the verblijfsobjecten in the GeoPackage (PDOK: verblijfsobject).",
                 advanced=True)
        self.add(QgsProcessingParameterDateTime(
            self.SNAPSHOT_DATE, tr("BAG as on date"), QgsProcessingParameterDateTime.Type.Date,
            optional=True),
            "LV BAG: read the versions valid on this date (default: the extract's date and the "
            "current versions). GeoPackage: recorded as the snapshot date (PDOK's file does not "
            "state it).", advanced=True)
        self.add_sink(self.OUTPUT, "BAG addresses (verblijfsobjecten)",
                      "One point per verblijfsobject in the BAG schema, EPSG:28992.",
                      QgsProcessing.SourceType.TypeVectorPoint)
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Verblijfsobjecten read")))
        self.addOutput(QgsProcessingOutputNumber(self.DROPPED,
                                                 tr("Verblijfsobjecten left out by status")))
        self.addOutput(QgsProcessingOutputString(self.SNAPSHOT, tr("BAG snapshot date")))

    def _area(self, parameters: dict[str, Any], context: QgsProcessingContext,
              feedback: QgsProcessingFeedback) -> tuple[Any, Any]:
        """``(bbox, mask)`` in EPSG:28992 from the extent or the mask layer."""
        from ..data_sources.schema import to_rd_new

        has_extent = parameters.get(self.EXTENT) not in (None, "")
        has_mask = parameters.get(self.MASK) not in (None, "")
        if has_extent and has_mask:
            raise QgsProcessingException(tr("Give an extent or a mask layer, not both."))
        if has_extent:
            rect = self.parameterAsExtent(parameters, self.EXTENT, context,
                                          QgsCoordinateReferenceSystem("EPSG:28992"))
            return (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()), None
        if has_mask:
            gdf = self.read_required(parameters, self.MASK, context, feedback)
            polygons = self.run_core(to_rd_new, gdf, gdf.attrs["source"])
            return None, polygons.geometry.union_all()
        return None, None

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..data_sources.bag import BAG_STATUSES
        from .qgis_io import read_bag_gpkg, read_bag_lv

        path = self.parameterAsFile(parameters, self.INPUT, context)
        folder = self.parameterAsFile(parameters, self.FOLDER, context)
        if bool(path) == bool(folder):
            raise QgsProcessingException(tr("Give a BAG file or a folder of LV BAG files "
                                            "(one of the two)."))
        statuses = [BAG_STATUSES[i] for i in
                    self.parameterAsEnums(parameters, self.STATUSES, context)]
        snapshot = self.date_parameter(parameters, self.SNAPSHOT_DATE, context)
        steps = self.steps(feedback, 2)
        bbox, mask = self._area(parameters, context, steps)
        steps.setProgressText(tr("Reading the BAG"))
        with self.library_warnings(feedback):
            if path and Path(path).suffix.lower() == ".gpkg":
                layer = self.parameterAsString(parameters, self.LAYER, context) or \
                    "verblijfsobject"
                bag = self.run_core(read_bag_gpkg, path, bbox=bbox, mask=mask,
                                    statuses=statuses, layer=layer, snapshot_date=snapshot,
                                    feedback=steps)
            else:
                bag = self.run_core(read_bag_lv, path or folder, bbox=bbox, mask=mask,
                                    statuses=statuses, snapshot_date=snapshot, feedback=steps)
        if steps.isCanceled():
            return {}
        meta = dict(bag.attrs.get("bag", {}))
        dropped = self._report(feedback, bag, meta)
        synthetic = bool(meta.get("synthetic"))
        if synthetic:
            bag = bag.assign(synthetic=True)
        steps.setCurrentStep(1)
        attribution = data_attribution(BAG_ATTRIBUTION, synthetic=synthetic)
        if meta.get("snapshot_date"):
            attribution += f"; {tr('snapshot')} {meta['snapshot_date']}"
        title = "BAG addresses (verblijfsobjecten)"
        out = self.write_layer(parameters, self.OUTPUT, context, steps, bag,
                               LayerStyle("bag_units", title, attribution),
                               geometry_type=QgsWkbTypes.Type.Point)
        return {self.OUTPUT: out, self.COUNT: len(bag), self.DROPPED: dropped,
                self.SNAPSHOT: meta.get("snapshot_date") or ""}

    @staticmethod
    def _report(feedback: QgsProcessingFeedback, bag: Any, meta: dict[str, Any]) -> int:
        """Log what was read and left out; return the number left out by status."""
        feedback.pushInfo(tr("{} verblijfsobjecten read from {}").format(len(bag),
                                                                        meta.get("source", "")))
        feedback.pushInfo(tr("BAG snapshot date: {}").format(
            meta.get("snapshot_date") or tr("unknown")))
        by_status = dict(meta.get("dropped_by_status") or {})
        dropped = int(sum(by_status.values()))
        feedback.pushInfo(tr("Left out by the status filter: {}").format(dropped))
        for status, count in sorted(by_status.items()):
            feedback.pushInfo(f"  {status}: {count}")
        if meta.get("history_dropped"):
            feedback.pushInfo(tr("Older versions (history) left out: {}").format(
                meta["history_dropped"]))
        if meta.get("outside_mask"):
            feedback.pushInfo(tr("Outside the mask, left out: {}").format(meta["outside_mask"]))
        joins = {**(meta.get("address_join") or {}), **(meta.get("pand_join") or {})}
        for key, value in joins.items():
            feedback.pushInfo(f"  {key}: {value}")
        if meta.get("synthetic"):
            feedback.pushWarning(tr("This BAG is SYNTHETIC (generated, not real data); every "
                                    "output made from it says so."))
        if not len(bag):
            feedback.pushWarning(tr("No verblijfsobjecten read: is the extent or mask in the "
                                    "right place, and are the statuses right?"))
        return dropped


class LoadEstablishmentsAlgorithm(WijkkrachtAlgorithm):
    """An establishments export placed on BAG addresses; home-based ones left out by default."""

    NAME = "loadestablishments"
    DISPLAY_NAME = "Load establishments (KvK/LISA) onto BAG addresses"
    GROUP = "data"
    REQUIRES = ("core",)
    DESCRIPTION = ("Reads an establishments export (KvK, LISA) and places every establishment "
                   "on its BAG address; home-based businesses are left out unless asked for.")
    HELP = ("Reads a KvK Handelsregister or LISA export (CSV in any common encoding and "
            "delimiter, or a GeoPackage) with its usual column names, or with a column mapping "
            "file (TOML or JSON, e.g. vestigingsnummer = \"Vestnr\"), and places each "
            "establishment on a BAG verblijfsobject: by BAG id, else by postcode, house number, "
            "letter and addition (also written differently), else by postcode and number when "
            "the BAG has one unit there, else by its coordinates (within 25 m). The log gives "
            "the match rate. Output: the placed establishments as points on their BAG address, "
            "with vbo_id, gebruiksdoel, match_quality, home_based and active (on the reference "
            "date); and a table of the rows that could not be used, with the reason: rejected "
            "rows (no id, bad SBI code, dates, address) and valid rows not found in the BAG "
            "(e.g. outside the area of the BAG layer). Privacy: establishments at addresses "
            "whose only use is housing (home-based businesses, mostly one person) are left out "
            "of the layer and only counted, unless 'Include home-based establishments' is "
            "ticked; such a layer is for internal use and must not be published. The "
            "neighbourhood analysis reads the export itself and counts home-based businesses "
            "per street, with small counts suppressed.")
    NOTICES = (ESTABLISHMENTS_NOTICE, BAG_NOTICE)

    INPUT = "INPUT"
    MAPPING = "MAPPING"
    LAYER = "LAYER"
    BAG = "BAG"
    REFERENCE_DATE = "REFERENCE_DATE"
    INCLUDE_HOME_BASED = "INCLUDE_HOME_BASED"
    OUTPUT = "OUTPUT"
    PROBLEMS = "PROBLEMS"
    MATCH_RATE = "MATCH_RATE"
    MATCHED = "MATCHED"
    UNMATCHED = "UNMATCHED"
    REJECTED = "REJECTED"
    HOME_BASED_LEFT_OUT = "HOME_BASED_LEFT_OUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        add_establishment_inputs(self, self.INPUT, self.MAPPING, optional=False)
        self.add(QgsProcessingParameterFeatureSource(
            self.BAG, tr("BAG addresses (verblijfsobjecten)"), [QgsProcessing.SourceType.TypeVectorPoint]),
            "The BAG layer, e.g. the output of Load BAG addresses; establishments are placed "
            "on its points.")
        add_reference_date(self, self.REFERENCE_DATE)
        self.add(QgsProcessingParameterBoolean(
            self.INCLUDE_HOME_BASED,
            tr("Include home-based establishments (internal use only, not for publication)"),
            False),
            "Off (default): establishments at addresses whose only use is housing are left "
            "out of the layer (they are personal data) and only counted. On: they are in the "
            "layer, marked home_based; such a layer must not be published or shared.")
        self.add(QgsProcessingParameterString(self.LAYER, tr("GeoPackage layer of the export"),
                                              optional=True),
                 "For a GeoPackage export: its layer; empty: the first.", advanced=True)
        self.add_sink(self.OUTPUT, "Establishments on BAG addresses",
                      "The placed establishments, as points on their BAG address.",
                      QgsProcessing.SourceType.TypeVectorPoint)
        self.add_sink(self.PROBLEMS, "Establishments not used (rejected or not placed)",
                      "One row per establishment that was rejected or not found in the BAG, "
                      "with stage and reason; rows as in the export, for internal use.",
                      QgsProcessing.SourceType.TypeVector)
        self.addOutput(QgsProcessingOutputNumber(self.MATCH_RATE, tr("Match rate (0–1)")))
        self.addOutput(QgsProcessingOutputNumber(self.MATCHED, tr("Establishments placed")))
        self.addOutput(QgsProcessingOutputNumber(self.UNMATCHED,
                                                 tr("Establishments not placed")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED, tr("Rows rejected")))
        self.addOutput(QgsProcessingOutputNumber(
            self.HOME_BASED_LEFT_OUT, tr("Home-based establishments left out of the layer")))

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        from ..core.indicators.bag import active_mask
        from ..core.privacy import check_publishable, is_residential

        include = self.parameterAsBoolean(parameters, self.INCLUDE_HOME_BASED, context)
        reference = self.date_parameter(parameters, self.REFERENCE_DATE, context)
        steps = self.steps(feedback, 3)
        bag = read_bag_layer(self, parameters, self.BAG, context, steps)
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        steps.setProgressText(tr("Reading the establishments"))
        layer = self.parameterAsString(parameters, self.LAYER, context) or None
        placed = place_establishments(self, parameters, self.INPUT, self.MAPPING, context, bag,
                                      layer=layer)
        report_establishments(feedback, placed)
        matched = placed.matched
        # the use of the BAG address each is placed on (not a flag the export may carry)
        home = self.run_core(is_residential, matched[["gebruiksdoel"]])
        matched["home_based"] = home
        matched["active"] = self.run_core(active_mask, matched, reference or _today())
        synthetic = placed.synthetic or bool(bag.attrs.get("synthetic"))
        if include:
            out = matched
            feedback.pushWarning(tr("INTERNAL USE ONLY: the layer holds {} home-based "
                                    "establishments (at addresses whose only use is housing): "
                                    "personal data, not for publication.").format(int(home.sum())))
        else:
            out = matched[~home].reset_index(drop=True)
            # the library's own publication check (individuals at home addresses)
            self.run_core(check_publishable, out.drop(columns=["home_based"]),
                          what=tr("Establishments on BAG addresses"))
            feedback.pushInfo(tr("{} home-based establishments (at addresses whose only use is "
                                 "housing) are not in the layer; they are counted per street "
                                 "by the neighbourhood analysis.").format(int(home.sum())))
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(2)
        title = ("Establishments on BAG addresses, including home-based (INTERNAL, not for "
                 "publication)" if include else "Establishments on BAG addresses")
        attribution = data_attribution(ESTABLISHMENTS_ATTRIBUTION, synthetic=synthetic)
        results = {
            self.OUTPUT: self.write_layer(parameters, self.OUTPUT, context, steps, out,
                                          LayerStyle("establishments", title, attribution),
                                          geometry_type=QgsWkbTypes.Type.Point),
            self.PROBLEMS: self.write_layer(
                parameters, self.PROBLEMS, context, steps, placed.problems,
                LayerStyle(None, "Establishments not used (rejected or not placed)",
                           attribution)),
            self.MATCH_RATE: float(placed.match_rate),
            self.MATCHED: int(len(matched)),
            self.UNMATCHED: int(placed.counts["unmatched"]),
            self.REJECTED: int(placed.counts["rejected"]),
            self.HOME_BASED_LEFT_OUT: 0 if include else int(home.sum()),
        }
        return results


def _today() -> str:
    import datetime

    return datetime.date.today().isoformat()


def read_bag_layer(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
                   context: QgsProcessingContext, feedback: QgsProcessingFeedback, *,
                   extent: QgsReferencedRectangle | None = None) -> gpd.GeoDataFrame | None:
    """A layer of BAG verblijfsobjecten (as *Load BAG* writes it) in the library's BAG schema.

    The layer is read by QGIS (:meth:`WijkkrachtAlgorithm.read_layer`, only ``extent`` when
    given) and brought to the schema by :func:`wijkkracht.data_sources.bag.normalise_bag`
    (EPSG:28992, whole numbers as nullable integers, every status kept: the layer was
    filtered when it was loaded), which names what is wrong with it. A ``synthetic`` field
    that is true marks the frame synthetic (``attrs["synthetic"]``). None when the optional
    parameter is not set.
    """
    from ..data_sources.bag import normalise_bag

    gdf = alg.read_layer(parameters, key, context, feedback, extent=extent)
    if gdf is None:
        return None
    source = str(gdf.attrs.get("source") or "BAG")
    bag = alg.run_core(normalise_bag, gdf, source, statuses=None)
    if bag.attrs["bag"].get("synthetic"):
        bag.attrs["synthetic"] = True
    bag.attrs["source"] = source
    return bag


def add_establishment_inputs(alg: WijkkrachtAlgorithm, key: str, mapping_key: str, *,
                             optional: bool) -> None:
    """The establishments export (file) and its column mapping (advanced) parameters."""
    alg.add(QgsProcessingParameterFile(
        key, tr("Establishments export (KvK/LISA: CSV or GeoPackage)"), optional=optional,
        fileFilter=tr("Establishments (*.csv *.txt *.gpkg)")),
        "A KvK Handelsregister or LISA export: one row per establishment with id, SBI code, "
        "start and end date, employees and address (postcode and house number, a BAG id, or "
        "coordinates).")
    alg.add(QgsProcessingParameterFile(
        mapping_key, tr("Column mapping of the export (TOML or JSON)"), optional=True,
        fileFilter=tr("Column mappings (*.toml *.json)")),
        "Which column of the export holds what, e.g. vestigingsnummer = \"Vestnr\"; empty: "
        "the usual KvK and LISA column names are recognised.", advanced=True)


def data_attribution(base: str, *, bag: bool = False, establishments: bool = False,
                     synthetic: bool = False,
                     feedback: QgsProcessingFeedback | None = None) -> str:
    """``base`` plus the attribution of the BAG and establishment layers used, and the notice
    that they are SYNTHETIC (warned in ``feedback`` too) when they are."""
    text = base
    if bag:
        text += f"; {BAG_ATTRIBUTION}"
    if establishments:
        text += f"; {ESTABLISHMENTS_ATTRIBUTION}"
    if synthetic:
        from ..data_sources.synthetic import SYNTHETIC_NOTICE

        text += f"; {SYNTHETIC_NOTICE}"
        if feedback is not None:
            feedback.pushWarning(tr("The BAG or establishments are SYNTHETIC (generated, not "
                                    "real data); every output says so."))
    return text


def establishments_given(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
                         bag_key: str, context: QgsProcessingContext) -> bool:
    """Whether an establishments export is given; refused without a BAG layer."""
    given = bool(alg.parameterAsFile(parameters, key, context))
    if given and parameters.get(bag_key) in (None, ""):
        raise QgsProcessingException(tr("An establishments export needs a BAG layer: the "
                                        "establishments are placed on BAG addresses."))
    return given


def add_bag_layer(alg: WijkkrachtAlgorithm, key: str, help_text: str) -> None:
    """An optional point layer of BAG verblijfsobjecten (e.g. the output of *Load BAG*)."""
    alg.add(QgsProcessingParameterFeatureSource(
        key, tr("BAG addresses (verblijfsobjecten; optional)"),
        [QgsProcessing.SourceType.TypeVectorPoint], optional=True), help_text)


def add_privacy_threshold(alg: WijkkrachtAlgorithm, key: str, note: str, *,
                          advanced: bool = False) -> None:
    """The privacy threshold: the smallest count of establishments shown (default, bounds and
    help from the option's declaration; ``note``: what it does in ``alg``, translated)."""
    add_number(alg, "privacy_threshold", tr("Privacy threshold (smallest count shown)"),
               key=key, note=note, advanced=advanced)


def privacy_threshold(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
                      context: QgsProcessingContext) -> int:
    """The privacy threshold given with :func:`add_privacy_threshold`, checked against the
    option's declaration."""
    return checked_options({"privacy_threshold": alg.parameterAsInt(
        parameters, key, context)})["privacy_threshold"]


def add_reference_date(alg: WijkkrachtAlgorithm, key: str) -> None:
    """The reference date parameter (optional; empty: today), help from its declaration."""
    add_date(alg, "reference_date", tr("Reference date"), key=key,
             note=tr("(Dates in the export after today are errors; an establishment that starts "
                     "after the reference date is valid, only not active then.)"))


def place_establishments(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
                         mapping_key: str, context: QgsProcessingContext, bag: gpd.GeoDataFrame,
                         *, layer: str | None = None) -> EstablishmentsOnBag:
    """Read the export of parameter ``key`` with its mapping and place it on ``bag``: one call
    to :func:`wijkkracht.data_sources.establishments.establishments_on_bag`.

    As the command line does: dates after today are errors in the export (an establishment
    that starts after the reference date is valid, only not active then).
    """
    from ..data_sources.establishments import establishments_on_bag
    from .dependencies import install_hint, missing_packages

    path = alg.parameterAsFile(parameters, key, context)
    mapping = alg.parameterAsFile(parameters, mapping_key, context) or None
    if Path(path).suffix.lower() == ".gpkg":
        missing = missing_packages(["files"])
        if missing:
            raise QgsProcessingException(install_hint(missing, lang=language()))
    return alg.run_core(establishments_on_bag, path, bag, mapping=mapping, layer=layer)


def report_establishments(feedback: QgsProcessingFeedback, placed: EstablishmentsOnBag) -> None:
    """Log how many rows were read, rejected and placed (the match rate)."""
    counts = placed.counts["read"]
    located = placed.counts["geolocate"]
    feedback.pushInfo(tr("{} rows read: {} valid, {} rejected").format(
        counts.get("read", 0), counts.get("valid", 0), counts.get("rejected", 0)))
    for key, value in counts.items():
        if key not in ("read", "valid", "rejected"):
            feedback.pushInfo(f"  {key}: {value}")
    feedback.pushInfo(tr("Placed on a BAG address: {} of {} (match rate {:.1f} %)").format(
        located.get("matched", 0), located.get("total", 0), 100.0 * placed.match_rate))
    for key, value in located.items():
        if key not in ("matched", "total", "unmatched") and value:
            feedback.pushInfo(f"  {key}: {value}")
    if len(placed.problems):
        feedback.pushWarning(tr("{} establishments rejected or not placed: see the table of "
                                "establishments not used.").format(len(placed.problems)))
