"""Dutch in the plugin: algorithm names, parameters, help, messages (tr() and its dictionary)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _texts(alg: Any) -> dict[str, str]:
    """Every user-facing text of an algorithm instance, by where it is shown."""
    texts = {"name": alg.displayName(), "group": alg.group(),
             "description": alg.shortDescription()}
    for param in alg.parameterDefinitions():
        texts[f"{param.name()}.description"] = param.description()
        texts[f"{param.name()}.help"] = param.help()
        for i, option in enumerate(getattr(param, "options", lambda: [])()):
            texts[f"{param.name()}.option{i}"] = option
    texts["help"] = alg.shortHelpString().split("</p>")[0]
    return texts


#: Texts that are the same in both languages (names, units, technical words).
SAME_IN_DUTCH = {"everyday_800", "functions_400", "hill1_400", "n_count_400", "o_count_400",
                 "nonres_share_400", "vacancy_share_400", "k-means", "Nominatim URL",
                 "Overpass API URL", "wijkkracht"}


def test_every_text_of_every_algorithm_is_translated(wijkkracht_provider: Any,
                                                     qgis_language: Any) -> None:
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    ids = sorted(a.id() for a in wijkkracht_provider.algorithms())
    qgis_language("en")
    english = {i: _texts(registry.createAlgorithmById(i)) for i in ids}
    qgis_language("nl")
    dutch = {i: _texts(registry.createAlgorithmById(i)) for i in ids}
    untranslated = [(i, key, text) for i in ids for key, text in english[i].items()
                    if dutch[i][key] == text and text not in SAME_IN_DUTCH]
    assert not untranslated, untranslated
    assert dutch["wijkkracht:proximity"]["group"] == "Indicatoren"
    assert dutch["wijkkracht:neighbourhoodanalysis"]["name"] == "Buurtanalyse (alle stappen)"


def test_every_tr_literal_has_dutch() -> None:
    """Every ``tr("...")`` in the plugin's code has an entry in the dictionary."""
    from wijkkracht.processing.i18n import DUTCH

    missing = []
    for folder in ("processing", "plugin"):
        for path in sorted((REPO / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and node.args and \
                        isinstance(node.args[0], ast.Constant) and \
                        isinstance(node.args[0].value, str) and \
                        getattr(node.func, "id", getattr(node.func, "attr", None)) == "tr":
                    if node.args[0].value not in DUTCH:
                        missing.append(f"{path.name}:{node.lineno}: {node.args[0].value}")
    assert not missing, missing


def test_dictionary_has_no_stale_entries() -> None:
    """Every Dutch entry translates a text the plugin still uses."""
    from wijkkracht.processing import provider
    from wijkkracht.processing.i18n import DUTCH

    used: set[str] = set()
    for folder in ("processing", "plugin"):
        for path in (REPO / folder).glob("*.py"):
            used |= {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    for cls in provider.ALGORITHMS:  # texts composed of several constants
        used |= {cls.DISPLAY_NAME, cls.DESCRIPTION, cls.HELP, getattr(cls, "OUTPUT_NAME", "")}
    assert not [k for k in DUTCH if k not in used], [k for k in DUTCH if k not in used]


@pytest.mark.parametrize(("lang", "expected"), [("nl", "Ontbrekende Python-pakketten"),
                                                 ("en", "Missing Python package(s)")])
def test_install_hint_language(lang: str, expected: str) -> None:
    from wijkkracht.processing.dependencies import PACKAGES, install_hint

    assert install_hint([PACKAGES["sklearn"]], "linux", lang=lang).startswith(expected)


def test_language_follows_the_qgis_locale(qgis_language: Any) -> None:
    from wijkkracht.processing.i18n import language, tr

    qgis_language("nl")
    assert language() == "nl" and tr("Typology") == "Typologie"
    assert tr("a text without translation") == "a text without translation"
    qgis_language("en")
    assert language() == "en" and tr("Typology") == "Typology"
