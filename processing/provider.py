"""The Processing provider ``wijkkracht``: the algorithms of the Processing toolbox.

To add an algorithm: write its class (a :class:`~.base.WijkkrachtAlgorithm` with ``REQUIRES``)
and add it to :data:`ALGORITHMS`. That is all: the provider offers it when its packages are
installed, and otherwise withholds it and says what to install.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider  # type: ignore[import-not-found]
from qgis.PyQt.QtGui import QIcon  # type: ignore[import-not-found]

from .alg_analysis import NeighbourhoodAnalysisAlgorithm
from .alg_bag import LoadBagAlgorithm, LoadEstablishmentsAlgorithm
from .alg_data import FetchOsmAlgorithm
from .alg_indicators import (
    MixedUseAlgorithm,
    NoMixAlgorithm,
    ProximityAlgorithm,
    VacancyAlgorithm,
)
from .alg_output import ExportWebmapAlgorithm
from .alg_rasters import IntensityRastersAlgorithm
from .alg_report import ReportAlgorithm
from .alg_typology import ClassifyStreetsAlgorithm, FitTypologyModelAlgorithm
from .base import ICON, WijkkrachtAlgorithm
from .dependencies import Package, install_hint, missing_packages
from .i18n import language, tr

__all__ = ["ALGORITHMS", "PROVIDER_ID", "LOG_TAG", "WijkkrachtProvider"]

PROVIDER_ID = "wijkkracht"
#: The tag of wijkkracht's messages in the QGIS log.
LOG_TAG = "wijkkracht"

#: Every algorithm of the provider.
ALGORITHMS: tuple[type[WijkkrachtAlgorithm], ...] = (
    NeighbourhoodAnalysisAlgorithm,
    FetchOsmAlgorithm,
    LoadBagAlgorithm,
    LoadEstablishmentsAlgorithm,
    ProximityAlgorithm,
    MixedUseAlgorithm,
    NoMixAlgorithm,
    VacancyAlgorithm,
    IntensityRastersAlgorithm,
    ClassifyStreetsAlgorithm,
    FitTypologyModelAlgorithm,
    ExportWebmapAlgorithm,
    ReportAlgorithm,
)


class WijkkrachtProvider(QgsProcessingProvider):
    """Offers the algorithms whose Python packages are installed.

    Attributes
    ----------
    withheld
        After loading: algorithm class -> the packages it misses.
    """

    def __init__(self) -> None:
        super().__init__()
        self.withheld: dict[type[WijkkrachtAlgorithm], list[Package]] = {}

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return tr("wijkkracht")

    def longName(self) -> str:  # noqa: N802
        return tr("wijkkracht: economic opportunities per street")

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def svgIconPath(self) -> str:  # noqa: N802
        return str(ICON)

    def loadAlgorithms(self) -> None:  # noqa: N802
        """Add every algorithm of :data:`ALGORITHMS` whose packages are installed."""
        self.withheld = {}
        for cls in ALGORITHMS:
            missing = missing_packages(cls.REQUIRES)
            if missing:
                self.withheld[cls] = missing
            else:
                self.addAlgorithm(cls())
        message = self.missing_message()
        if message:
            QgsMessageLog.logMessage(message, LOG_TAG, Qgis.MessageLevel.Warning)

    def missing_message(self) -> str | None:
        """What is withheld and how to install what it needs (None when nothing is)."""
        if not self.withheld:
            return None
        names = ", ".join(tr(cls.DISPLAY_NAME) for cls in self.withheld)
        packages: list[Package] = []
        for missing in self.withheld.values():
            packages.extend(p for p in missing if p not in packages)
        intro = tr("These algorithms are not available because Python packages are missing: {}.")
        return f"{intro.format(names)} {install_hint(packages, lang=language())}"
