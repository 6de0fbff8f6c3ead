"""Dutch for the QGIS plugin, from a dictionary: no Qt Linguist files, no build step.

How it works: every user-facing English text of the plugin and the Processing provider goes
through :func:`tr`. When QGIS runs in Dutch (:func:`language` is ``"nl"``), :func:`tr` returns
the text's entry in :data:`DUTCH`; otherwise (or when an entry is missing) the English text.
QGIS's language is its user locale (*Settings > Options > General > User interface
translation*, stored as ``locale/userLocale``), else the system locale.

Labels that come from the library (indicator names and units, opportunity types, POI classes)
are already in Dutch and English in their registries; the plugin picks the language with
:func:`language` and asks the registries, it does not translate them here. So is the help of
the analysis options: it is in their declarations (:mod:`wijkkracht.core.options`, read by
:mod:`.options`), in both languages.

To add a text: write it in English in the code as ``tr("...")`` (a literal, so the test can
find it) and add its Dutch to :data:`DUTCH` (in :mod:`.i18n_nl`); ``tests/qgis/test_i18n.py``
fails for a literal without a translation, for an algorithm text that is not translated, and
for a Dutch entry nothing uses any more. Texts with values use ``{}`` fields and ``.format()``
after ``tr()``.
"""

from __future__ import annotations

from .i18n_nl import DUTCH

__all__ = ["DUTCH", "language", "tr"]


def language() -> str:
    """The language of the QGIS user interface: ``"nl"`` for Dutch, else ``"en"``.

    Returns
    -------
    str
        From the setting ``locale/userLocale`` (e.g. ``nl_NL``), or the system locale when
        that is empty.
    """
    from qgis.core import QgsSettings  # type: ignore[import-not-found]
    from qgis.PyQt.QtCore import QLocale  # type: ignore[import-not-found]

    locale = str(QgsSettings().value("locale/userLocale", "") or "") or QLocale().name()
    return "nl" if locale.lower().startswith("nl") else "en"


def tr(text: str) -> str:
    """``text`` in the QGIS language (Dutch from :data:`DUTCH`, else as written).

    Parameters
    ----------
    text
        The English text.

    Returns
    -------
    str
    """
    if language() == "nl":
        return DUTCH.get(text, text)
    return text
