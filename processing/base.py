"""The base class of wijkkracht's Processing algorithms, and the parameters they share.

An algorithm is a thin wrapper: it declares its parameters in :meth:`initAlgorithm`, and its
:meth:`processAlgorithm` reads the layers (:meth:`WijkkrachtAlgorithm.read_layer`), makes ONE call
to the library (:meth:`WijkkrachtAlgorithm.run_core`, which turns the library's errors into
``QgsProcessingException`` with the same one-line message the command line prints), and writes
the results (:meth:`WijkkrachtAlgorithm.write_layer`, styled when loaded). Progress runs through a
``QgsProcessingMultiStepFeedback`` (reading, computing, writing), with a cancel check between
the steps and between the library's own steps.

Class attributes describe an algorithm: ``NAME`` (stable id), ``DISPLAY_NAME``, ``GROUP`` (a key
of :data:`GROUPS`), ``REQUIRES`` (features of :mod:`.dependencies`), ``DESCRIPTION`` and ``HELP``
(English, translated by :func:`~wijkkracht.processing.i18n.tr`), ``INDICATOR_GROUPS`` (registry
groups whose output fields the help lists), ``REFERENCES``, ``NOTICES`` (licence and privacy
notices the help ends with). Parameter keys are class constants.

Nothing here imports the geo stack at QGIS start: the library is imported inside the methods
that run an algorithm or build its help.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from qgis.core import (  # type: ignore[import-not-found]
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsRectangle,
    QgsReferencedRectangle,
)
from qgis.PyQt.QtCore import Qt  # type: ignore[import-not-found]
from qgis.PyQt.QtGui import QIcon  # type: ignore[import-not-found]

from .i18n import language, tr
from .options import add_boolean, add_number, checked_options
from .styling import LayerStyle, layer_abstract, style_on_load

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["GROUPS", "ICON", "WijkkrachtAlgorithm", "OSM_NOTICE", "BAG_NOTICE",
           "ESTABLISHMENTS_NOTICE"]

#: Group id -> English name (translated); the order of the Processing toolbox.
GROUPS: dict[str, str] = {
    "analysis": "Analysis",
    "data": "Data",
    "indicators": "Indicators",
    "typology": "Typology",
    "output": "Output",
}

#: The plugin icon (also the provider's).
ICON = Path(__file__).resolve().parents[1] / "icon.svg"

#: The licence notice every help text ends with.
OSM_NOTICE = "Data from OpenStreetMap: © OpenStreetMap contributors, ODbL 1.0."
#: The notice of algorithms that read the BAG.
BAG_NOTICE = "BAG (Basisregistratie Adressen en Gebouwen): Kadaster, CC0 1.0."
#: The notice of algorithms that read establishments.
ESTABLISHMENTS_NOTICE = (
    "Establishment registers (KvK Handelsregister, LISA) are not open data, and a one-person "
    "business at a home address is a person: publish only figures per street or area with "
    "small counts suppressed, never establishments at home addresses one by one.")

_T = TypeVar("_T", bound=QgsProcessingParameterDefinition)


class WijkkrachtAlgorithm(QgsProcessingAlgorithm):
    """Base of every wijkkracht algorithm (see the module documentation)."""

    NAME: ClassVar[str] = ""
    DISPLAY_NAME: ClassVar[str] = ""
    GROUP: ClassVar[str] = ""
    REQUIRES: ClassVar[tuple[str, ...]] = ("core",)
    DESCRIPTION: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    INDICATOR_GROUPS: ClassVar[tuple[str, ...]] = ()
    REFERENCES: ClassVar[tuple[str, ...]] = ()
    NOTICES: ClassVar[tuple[str, ...]] = (OSM_NOTICE,)

    # keys of the shared parameters
    STREETS = "STREETS"
    POIS = "POIS"
    AREA = "AREA"
    CATEGORIES = "CATEGORIES"
    SNAP_DISTANCE = "SNAP_DISTANCE"
    KEEP_ALL_COMPONENTS = "KEEP_ALL_COMPONENTS"

    # --- identity ----------------------------------------------------------------------------

    def name(self) -> str:
        """The stable id (``wijkkracht:<name>``)."""
        return self.NAME

    def displayName(self) -> str:  # noqa: N802 (QGIS's name)
        return tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return tr(GROUPS[self.GROUP])

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP

    def shortDescription(self) -> str:  # noqa: N802
        return tr(self.DESCRIPTION)

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def tr(self, text: str) -> str:
        """``text`` in the QGIS language (see :mod:`.i18n`)."""
        return tr(text)

    def createInstance(self) -> WijkkrachtAlgorithm:  # noqa: N802
        return type(self)()

    def shortHelpString(self) -> str:  # noqa: N802
        """Method, output fields with units (from the indicator registry), references."""
        parts = [f"<p>{html.escape(tr(self.HELP))}</p>"]
        if self.INDICATOR_GROUPS:
            parts.append(indicator_fields_html(self.INDICATOR_GROUPS, language()))
        if self.REFERENCES:
            items = "".join(f"<li>{html.escape(ref)}</li>" for ref in self.REFERENCES)
            parts.append(f"<p><b>{html.escape(tr('References'))}</b></p><ul>{items}</ul>")
        parts.extend(f"<p><i>{html.escape(tr(notice))}</i></p>" for notice in self.NOTICES)
        return "\n".join(parts)

    # --- parameters --------------------------------------------------------------------------

    def add(self, parameter: _T, help_text: str, *, advanced: bool = False,
            translated: bool = False) -> _T:
        """Add ``parameter`` with its help (translated here, unless ``translated``: e.g. the
        help of an option's declaration, in both languages); flag it advanced if asked."""
        parameter.setHelp(help_text if translated else tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(parameter)
        return parameter

    def add_streets(self, description: str = "Streets (walking network, beyond the study area)",
                    help_text: str = ("Lines of the walking network, reaching beyond the study "
                                      "area (e.g. 800 m): distances near its edge need what lies "
                                      "across it. Any CRS; lines that meet at an end point are "
                                      "connected.")) -> None:
        """The street-layer parameter (:attr:`STREETS`)."""
        self.add(QgsProcessingParameterFeatureSource(
            self.STREETS, tr(description), [QgsProcessing.SourceType.TypeVectorLine]), help_text)

    def add_pois(self, optional: bool = False) -> None:
        """The POI-layer parameter (:attr:`POIS`)."""
        self.add(QgsProcessingParameterFeatureSource(
            self.POIS, tr("POIs (shops, amenities, buildings)"),
            [QgsProcessing.SourceType.TypeVectorPoint, QgsProcessing.SourceType.TypeVectorPolygon],
            optional=optional),
            "Points (or polygons) of OpenStreetMap features: a column 'tag' with key=value, "
            "one column per OSM key (as OSMnx and GDAL give them), or 'building_type' with "
            "key_value. Polygons count at a point inside them.")

    def add_area(self, optional: bool = True) -> None:
        """The study-area parameter (:attr:`AREA`)."""
        self.add(QgsProcessingParameterFeatureSource(
            self.AREA, tr("Study area"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=optional),
            "Polygons of the neighbourhood; all are merged into one area. Results are written "
            "for the street segments whose middle lies in it. Without a study area the whole "
            "network is the study area, and values near its edge are too low.")

    def add_network_options(self) -> None:
        """Advanced options of network and POIs: category table, snap distance, components."""
        self.add(QgsProcessingParameterFile(
            self.CATEGORIES, tr("Tag classification table (CSV)"), extension="csv",
            optional=True),
            "Your own version of data/poi_categories.csv: which OSM tags are functions, N or O, "
            "everyday amenities, shop fronts. Empty: the bundled table.", advanced=True)
        # a number, not a distance parameter: metres whatever the layer's CRS
        add_number(self, "snap_distance", tr("Snap distance for POIs (m)"), advanced=True)
        add_boolean(self, "keep_all_components",
                    tr("Keep street parts not connected to the network"),
                    note=tr("By default lines that are not connected to the largest part of "
                            "the network are left out, as nothing beyond them can be "
                            "reached."), advanced=True)

    def add_sink(self, key: str, description: str, help_text: str,
                 kind: int = QgsProcessing.SourceType.TypeVectorAnyGeometry, *, optional: bool = False,
                 default_load: bool = True) -> None:
        """An output layer parameter."""
        self.add(QgsProcessingParameterFeatureSink(
            key, tr(description), kind, optional=optional, createByDefault=default_load),
            help_text)

    def add_enum(self, key: str, description: str, options: list[str], default: Any,
                 help_text: str, *, multiple: bool = False, advanced: bool = False) -> None:
        """A choice parameter; ``options`` are English and shown translated."""
        self.add(QgsProcessingParameterEnum(key, tr(description), [tr(o) for o in options],
                                            allowMultiple=multiple, defaultValue=default),
                 help_text, advanced=advanced)

    def network_options(self, parameters: dict[str, Any],
                        context: QgsProcessingContext) -> dict[str, Any]:
        """The values of :meth:`add_network_options` as keyword arguments of the library."""
        from ..data_sources.tables import read_category_table

        path = self.parameterAsFile(parameters, self.CATEGORIES, context)
        return {
            "categories": self.run_core(read_category_table, path) if path else None,
            **checked_options({
                "snap_distance": self.parameterAsDouble(parameters, self.SNAP_DISTANCE,
                                                        context),
                "keep_all_components": self.parameterAsBoolean(
                    parameters, self.KEEP_ALL_COMPONENTS, context)}),
        }

    # --- running -----------------------------------------------------------------------------

    def steps(self, feedback: QgsProcessingFeedback, count: int) -> QgsProcessingMultiStepFeedback:
        """Multi-step feedback over ``count`` steps (cancelled already if ``feedback`` is:
        QGIS passes on only the cancels that come later)."""
        steps = QgsProcessingMultiStepFeedback(count, feedback)
        if feedback.isCanceled():
            steps.cancel()
        return steps

    def read_layer(self, parameters: dict[str, Any], key: str, context: QgsProcessingContext,
                   feedback: QgsProcessingFeedback, *,
                   extent: QgsReferencedRectangle | None = None) -> gpd.GeoDataFrame | None:
        """The layer of parameter ``key`` as a GeoDataFrame (None when optional and not set).

        ``attrs["source"]`` holds the layer name, which the library names in its messages.
        With ``extent``, only the features whose bounding box meets it are read (QGIS's
        spatial filter, through the layer's index: a national layer is not read whole).
        """
        from .convert import source_to_gdf

        if parameters.get(key) in (None, "") and self._optional(key):
            return None
        source = self.parameterAsSource(parameters, key, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, key))
        rect = None
        if extent is not None and source.sourceCrs().isValid() and extent.crs().isValid():
            transform = QgsCoordinateTransform(extent.crs(), source.sourceCrs(),
                                               context.transformContext())
            rect = transform.transformBoundingBox(QgsRectangle(extent))
        gdf = source_to_gdf(source, feedback=feedback, rect=rect)
        gdf.attrs["source"] = source.sourceName() or key.lower()
        return gdf

    def read_required(self, parameters: dict[str, Any], key: str,
                      context: QgsProcessingContext,
                      feedback: QgsProcessingFeedback) -> gpd.GeoDataFrame:
        """:meth:`read_layer` of a parameter that must be set (QGIS's own message when not)."""
        gdf = self.read_layer(parameters, key, context, feedback)
        if gdf is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, key))
        return gdf

    def rd_extent(self, gdf: gpd.GeoDataFrame) -> QgsReferencedRectangle:
        """The bounds of ``gdf`` in EPSG:28992 (RD New), as the command line takes them to read
        the BAG for a street network (``gdf`` in any CRS; the library's CRS checks apply)."""
        from ..data_sources.schema import to_rd_new

        xmin, ymin, xmax, ymax = self.run_core(
            to_rd_new, gdf, str(gdf.attrs.get("source", ""))).total_bounds
        return QgsReferencedRectangle(QgsRectangle(xmin, ymin, xmax, ymax),
                                      QgsCoordinateReferenceSystem("EPSG:28992"))

    def date_parameter(self, parameters: dict[str, Any], key: str,
                       context: QgsProcessingContext) -> str | None:
        """The value of a date parameter as ``YYYY-MM-DD`` (None when not set)."""
        if parameters.get(key) in (None, ""):
            return None
        value = self.parameterAsDateTime(parameters, key, context)
        if not value.isValid():
            raise QgsProcessingException(
                tr("{}: not a date (expected YYYY-MM-DD): {}").format(key, parameters.get(key)))
        return str(value.date().toString(Qt.DateFormat.ISODate))

    def write_layer(self, parameters: dict[str, Any], key: str, context: QgsProcessingContext,
                    feedback: QgsProcessingFeedback, frame: gpd.GeoDataFrame | pd.DataFrame,
                    style: LayerStyle | None = None, *,
                    geometry_type: int | None = None) -> str | None:
        """Write ``frame`` to the sink of parameter ``key``; style it when it is loaded.

        ``geometry_type`` (a ``QgsWkbTypes`` type) fixes the sink's type, e.g. points for a
        layer that may come out empty. Returns the destination id, or None when the
        (optional) output is not wanted.

        A GeoPackage destination also gets the layer's abstract (title and attribution, with
        the SYNTHETIC notice where it applies) as its description, which QGIS reads back as
        the layer's abstract: an output that is not loaded (``qgis_process``, a model) keeps
        it for the next algorithm, e.g. *Export interactive map*'s SYNTHETIC detection.
        """
        from .convert import gdf_to_sink

        if parameters.get(key) is None and self._optional(key):
            return None
        layer_options = [f"DESCRIPTION={layer_abstract(style)}"] \
            if style is not None and _is_gpkg(parameters.get(key), context) else []

        def make_sink(fields: Any, kind: int, crs: Any) -> tuple[QgsFeatureSink, str]:
            return self.parameterAsSink(parameters, key, context, fields, kind, crs,
                                        QgsFeatureSink.SinkFlags(), {}, [], layer_options)

        dest_id = gdf_to_sink(frame, make_sink, feedback=feedback, geometry_type=geometry_type)
        if style is not None:
            style_on_load(context, dest_id, style)
        return dest_id

    def layer_says_synthetic(self, parameters: dict[str, Any], key: str,
                             context: QgsProcessingContext) -> bool:
        """Whether the metadata of the layer of parameter ``key`` (abstract or rights, as
        wijkkracht's outputs carry them, also in a GeoPackage's description) says SYNTHETIC."""
        if parameters.get(key) in (None, ""):
            return False
        layer = self.parameterAsVectorLayer(parameters, key, context)
        meta = layer.metadata() if layer is not None else None
        said = " ".join([meta.abstract(), *meta.rights()]) if meta is not None else ""
        return "SYNTHETIC" in said.upper()

    def _optional(self, key: str) -> bool:
        definition = self.parameterDefinition(key)
        return definition is not None and bool(
            definition.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional)

    def run_core(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the library; its errors become ``QgsProcessingException`` with its message."""
        from ..core.errors import WijkkrachtError

        try:
            return func(*args, **kwargs)
        except WijkkrachtError as exc:
            raise QgsProcessingException(str(exc)) from exc

    @staticmethod
    @contextmanager
    def library_warnings(feedback: QgsProcessingFeedback) -> Iterator[None]:
        """Show the library's ``UserWarning`` s (repairs of the input it made) as warnings."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            yield
        for item in caught:
            if issubclass(item.category, UserWarning):
                feedback.pushWarning(f"wijkkracht: {item.message}")

    @staticmethod
    def core_progress(feedback: QgsProcessingFeedback) -> Callable[[str, float], None]:
        """A progress callback for the library: progress bar, step text, cancel.

        Raising ``QgsProcessingException`` from the callback stops the library between steps
        when the user cancels.
        """
        lang = language()

        def progress(step: str, fraction: float) -> None:
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled"))
            if step != "done":
                feedback.setProgressText(step_label(step, lang))
            feedback.setProgress(100.0 * fraction)

        return progress

    @staticmethod
    def warn(feedback: QgsProcessingFeedback, warnings: list[str]) -> None:
        """Report the library's warnings."""
        for text in warnings:
            feedback.pushWarning(f"wijkkracht: {text}")


def _is_gpkg(destination: Any, context: QgsProcessingContext) -> bool:
    """Whether an output destination (a path or an output definition) is a GeoPackage."""
    if isinstance(destination, QgsProcessingOutputLayerDefinition):
        destination = destination.sink.valueAsString(context.expressionContext(), "")[0]
    return isinstance(destination, str) and \
        destination.split("|")[0].strip().lower().endswith(".gpkg")


def step_label(step: str, lang: str) -> str:
    """The label of a library progress step (the command line's labels), in ``lang``."""
    from ..cli import _STEP_LABELS  # the one table of step labels (Dutch, English)

    nl, en = _STEP_LABELS.get(step, (step, step))
    return nl if lang == "nl" else en


def indicator_fields_html(groups: tuple[str, ...], lang: str) -> str:
    """The output fields of indicator ``groups`` as an HTML list, from the registry.

    Parameters
    ----------
    groups
        Registry groups (``proximity``, ``mixed_use``, ``no_mix``, ``vacancy``).
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        Name, label, unit, description and the meaning of an empty value, per field.
        Fields that need an optional input (BAG, establishments) say so.
    """
    from ..core.indicators.registry import INDICATORS, SOURCES, UNITS

    items = []
    for name, ind in INDICATORS.items():
        if ind.group not in groups:
            continue
        null = ind.null_meaning(lang) if ind.null_meaning is not None else None
        null_text = f" {tr('Empty (NULL)')}: {null}." if null else ""
        needs = f" [{tr('needs')}: {SOURCES[ind.requires](lang)}]" if ind.requires != "osm" \
            else ""
        items.append(f"<li><b>{html.escape(name)}</b> — {html.escape(ind.label(lang))} "
                     f"({html.escape(UNITS[ind.unit](lang))}): "
                     f"{html.escape(ind.description(lang))}{html.escape(null_text)}"
                     f"{html.escape(needs)}</li>")
    return f"<p><b>{html.escape(tr('Output fields'))}</b></p><ul>{''.join(items)}</ul>"
