"""Styles and metadata for the layers the algorithms add to the project.

The QML comes from :mod:`wijkkracht.styles.qml` (the one style specification, the same as the
GeoPackage's styles and the web map's colours): opportunity types categorized, indicators
graduated, POIs categorized N / O / other / vacant, the study area as an outline; the source
layers too: the fetched walking network by segment kind, the fetched POIs N / O / other / vacant
from their OSM tag, BAG units by use and status, establishments N / O / other from their SBI
code. Labels are in the QGIS language (:func:`wijkkracht.processing.i18n.language`). Every
layer gets the data attribution in its metadata (abstract and rights), as the GeoPackage layers
do.

A streets layer can carry more styles than the one it shows: ``LayerStyle.extra`` names
indicators (e.g. the key indicators of :func:`wijkkracht.styles.key_indicators`, BAG ones
included when the layer has them) that become further named styles of the layer (*Layer
Properties > Styles*, or the layer's context menu *Styles*), one graduated style each, as the
GeoPackage's ``layer_styles`` table offers them.

An algorithm calls :func:`style_on_load` for an output; QGIS then calls the post-processor when
it loads the layer, after the algorithm (and the copy of it that ran) is gone, so the
post-processors are kept alive here (:data:`_ALIVE`), the usual PyQGIS pattern.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from qgis.core import (  # type: ignore[import-not-found]
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
)
from qgis.PyQt.QtXml import QDomDocument  # type: ignore[import-not-found]

from .i18n import language, tr

__all__ = ["LayerStyle", "StylePostProcessor", "style_on_load", "layer_qml", "style_name",
           "extra_styles", "layer_abstract"]

#: The post-processors handed to QGIS, kept alive until QGIS has used them (QGIS does not own
#: them). Bounded: a long session does not keep them all.
_ALIVE: deque[StylePostProcessor] = deque(maxlen=256)


@dataclass(frozen=True)
class LayerStyle:
    """How an output layer looks and what its metadata says.

    Attributes
    ----------
    kind
        ``"types"`` (streets by opportunity type), ``"indicator"`` (streets graduated on
        ``indicator``), ``"named_streets"`` (named streets by main type, with field aliases
        from ``labels``), ``"pois"``, ``"area"`` (the study area), ``"areas"`` (a summary per
        area, with field aliases from ``labels``), ``"spending_zones"`` (graduated on the share
        kept in the zone), ``"spending_scenarios"`` (the vacant shop fronts), ``"network"``
        (a walking network fetched from OpenStreetMap, by segment kind), ``"osm_pois"`` (POIs
        with only their OSM ``tag``, N / O / other / vacant), ``"bag_units"`` (BAG
        verblijfsobjecten by use and status), ``"establishments"`` (N / O / other from the SBI
        code, or not active), or ``None`` (metadata only).
    title
        English title of the layer (translated), the first sentence of its abstract.
    attribution
        The data attribution for the abstract and the rights.
    indicator
        For ``kind="indicator"``: the indicator column.
    names
        For ``kind="types"`` and ``"named_streets"``: type names found in the data,
        ``type_key -> name`` in the current language.
    extra
        Indicator columns offered as further named styles (graduated), besides the one
        shown.
    labels
        For ``kind="areas"`` and ``"named_streets"``: ``attrs["labels"]`` of the layer (column
        -> label, unit, aggregate).
    fields
        What the layer's fields are, as the GeoPackage names the layer (``"typology_profile"``,
        ``"spending_catchment"``, ...) for the fields whose alias depends on the layer
        (:data:`wijkkracht.styles.aliases.LAYER_FIELDS`); default: from ``kind``.

    Every layer gets an alias for each of its fields in the QGIS language
    (:func:`wijkkracht.styles.aliases.layer_aliases`), whatever its ``kind``.
    """

    kind: str | None
    title: str
    attribution: str
    indicator: str | None = None
    names: Mapping[str, str] | None = None
    extra: tuple[str, ...] = ()
    labels: Mapping[str, Mapping[str, str]] | None = None
    fields: str | None = None

    @property
    def layer_name(self) -> str | None:
        """The layer's name in the GeoPackage terms of :mod:`wijkkracht.styles.aliases`."""
        if self.fields is not None:
            return self.fields
        return {"types": "streets", "indicator": "streets"}.get(self.kind or "", self.kind)


def style_name(style: LayerStyle, lang: str) -> str | None:
    """The name of the style a layer shows (None for the default name, ``default``)."""
    from ..core.indicators.registry import indicator

    if style.kind == "types":
        return tr("Opportunity types")
    if style.kind == "named_streets":
        return tr("Main opportunity type")
    if style.kind == "indicator" and style.indicator is not None:
        return indicator(style.indicator).title(lang)
    return None


def layer_abstract(style: LayerStyle) -> str:
    """The abstract of a layer of ``style``: its (translated) title and the attribution."""
    return f"{tr(style.title)}. {style.attribution}"


def extra_styles(style: LayerStyle, lang: str) -> list[tuple[str, str]]:
    """``(name, QML)`` of the further named styles of ``style`` (its ``extra`` indicators)."""
    from ..core.indicators.registry import indicator
    from ..styles.qml import indicator_qml

    taken = {style_name(style, lang)}
    out = []
    for name in style.extra:
        if name == style.indicator:
            continue
        title = base = indicator(name).title(lang)
        n = 1
        while title in taken:  # unique per layer
            n += 1
            title = f"{base} ({n})"
        taken.add(title)
        out.append((title, indicator_qml(name, lang=lang)))
    return out


def layer_qml(style: LayerStyle, lang: str) -> str | None:
    """The QML document of ``style`` in ``lang`` (None when it has no symbology).

    Parameters
    ----------
    style
        The layer style.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    str or None
    """
    from ..styles import qml

    simple = {"pois": qml.pois_qml, "area": qml.area_qml,
              "spending_zones": qml.spending_zones_qml,
              "spending_scenarios": qml.spending_scenarios_qml, "network": qml.network_qml,
              "osm_pois": qml.osm_pois_qml, "bag_units": qml.bag_units_qml,
              "establishments": qml.establishments_qml}

    if style.kind in simple:
        return simple[style.kind](lang=lang)
    if style.kind == "types":
        return qml.types_qml(lang=lang, names=style.names)
    if style.kind == "indicator":
        if style.indicator is None:
            raise ValueError("an indicator style needs the indicator column")
        return qml.indicator_qml(style.indicator, lang=lang)
    if style.kind == "named_streets":
        return qml.named_streets_qml(lang=lang, names=style.names, labels=style.labels or {})
    if style.kind == "areas":
        return qml.areas_qml(lang=lang, labels=style.labels or {})
    if style.kind is None:
        return None
    raise ValueError(f"unknown layer style {style.kind!r}")


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style and sets the attribution when QGIS loads an output layer.

    ``extras`` (``(name, QML)`` pairs) become further named styles of the layer; the one
    shown is ``qml``, named ``name`` when given. Every style gets an alias for each field of
    the layer in ``lang`` (``aliases``: ``(layer name, labels)`` for
    :func:`wijkkracht.styles.aliases.layer_aliases`), the layer without symbology too.
    """

    def __init__(self, qml: str | None, abstract: str, attribution: str, *,
                 name: str | None = None, extras: list[tuple[str, str]] | None = None,
                 lang: str = "en",
                 aliases: tuple[str | None, Mapping[str, Mapping[str, str]] | None] = (None, None)
                 ) -> None:
        super().__init__()
        self.qml = qml
        self.abstract = abstract
        self.attribution = attribution
        self.name = name
        self.extras = list(extras or [])
        self.lang = lang
        self.aliases = aliases

    @staticmethod
    def _import(layer: QgsMapLayer, qml: str, feedback: QgsProcessingFeedback) -> None:
        doc = QDomDocument()
        doc.setContent(qml)
        ok, message = layer.importNamedStyle(doc)
        if not ok:
            feedback.reportError(f"wijkkracht: {tr('could not apply the style')}: {message}")

    def postProcessLayer(self, layer: QgsMapLayer, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> None:
        """Style ``layer``, name its fields and write the attribution into its metadata."""
        from ..styles.aliases import layer_aliases
        from ..styles.qml import with_aliases

        fields = [f.name() for f in layer.fields()] if hasattr(layer, "fields") else []
        aliases = layer_aliases(fields, self.lang, layer=self.aliases[0],
                                labels=self.aliases[1])
        self._import(layer, with_aliases(self.qml, aliases), feedback)
        if self.extras:
            manager = layer.styleManager()
            shown = manager.currentStyle()
            if self.name and self.name != shown and self.name not in manager.styles():
                manager.renameStyle(shown, self.name)
                shown = self.name
            for name, qml in self.extras:
                if name in manager.styles():
                    continue
                # a copy of the shown style, made current, then replaced: switching back
                # stores the replaced style under its name
                manager.addStyleFromLayer(name)
                manager.setCurrentStyle(name)
                self._import(layer, with_aliases(qml, aliases), feedback)
            manager.setCurrentStyle(shown)
        metadata = layer.metadata()
        metadata.setAbstract(self.abstract)
        metadata.setRights([self.attribution])
        layer.setMetadata(metadata)
        layer.triggerRepaint()


def style_on_load(context: QgsProcessingContext, dest_id: str, style: LayerStyle) -> bool:
    """Have QGIS style the output ``dest_id`` when it loads it into the project.

    Parameters
    ----------
    context
        The algorithm's context.
    dest_id
        The destination id ``parameterAsSink`` returned.
    style
        What the layer should look like.

    Returns
    -------
    bool
        False when the layer is not going to be loaded (nothing to do then).
    """
    if not context.willLoadLayerOnCompletion(dest_id):
        return False
    lang = language()
    processor = StylePostProcessor(layer_qml(style, lang), layer_abstract(style),
                                   style.attribution, name=style_name(style, lang),
                                   extras=extra_styles(style, lang), lang=lang,
                                   aliases=(style.layer_name, style.labels))
    _ALIVE.append(processor)
    context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(processor)
    return True
