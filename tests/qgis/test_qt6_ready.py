"""plugin/ and processing/ are ready for QGIS 4 / Qt6 (issue 17, item 3), checked statically.

An equivalent of what matters here of QGIS's migration script
(``scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py`` in the QGIS repository), run with the QGIS that is
installed (3.22, PyQt5) to resolve names:

* **enums fully scoped**: PyQt6 (and QGIS 4's bindings) no longer expose enum members on the
  class, only on their enum type. Every attribute access ``A.B`` where ``A`` is a name imported
  from ``qgis.core``, ``qgis.gui`` or ``qgis.PyQt.*`` and ``getattr(A, B)`` is an enum member
  (an int-like value whose type is a sip enum type of QGIS or PyQt) is a finding: it must be
  written ``A.<EnumType>.B``, which works on 3.22 too;
* ``QAction`` imported from ``QtWidgets`` directly (it lives in ``QtGui`` under Qt6): the
  compatibility module ``processing/compat.py`` imports it from where it exists;
* ``exec_(`` (removed in PyQt6; ``exec()`` works on both);
* ``QVariant.`` outside ``processing/compat.py``: field types are made by
  ``compat.field_type`` (``QMetaType.Type`` from QGIS 3.38, ``QVariant`` before).

Zero findings are required. What runs only on Qt6 (QGIS 4) is not tested here: no such QGIS is
installed.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("plugin", "processing")
COMPAT = REPO / "processing" / "compat.py"
QT_MODULES = ("qgis.core", "qgis.gui")


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py"))


def _is_qt_module(module: str) -> bool:
    return module in QT_MODULES or module.startswith("qgis.PyQt.")


def _imported_names(tree: ast.AST) -> dict[str, tuple[str, str]]:
    """Local name -> (module, name) for every ``from qgis... import name [as local]``."""
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _is_qt_module(node.module):
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _enum_type_name(value: Any) -> str | None:
    """The name of ``value``'s enum type when it is a QGIS/PyQt sip enum member, else None."""
    kind = type(value)
    if kind is int or kind is bool or not isinstance(value, int):
        return None
    module = getattr(kind, "__module__", "") or ""
    if not (module.startswith("qgis") or module.startswith("PyQt5")):
        return None
    return kind.__qualname__.rsplit(".", 1)[-1]


def _enum_findings(label: str, tree: ast.AST) -> list[str]:
    imported = _imported_names(tree)
    findings = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        origin = imported.get(node.value.id)
        if origin is None:
            continue
        module, name = origin
        owner = getattr(importlib.import_module(module), name, None)
        if owner is None:
            continue
        value = getattr(owner, node.attr, None)
        enum_type = _enum_type_name(value)
        if enum_type is None:
            continue
        findings.append(f"{label}:{node.lineno}: {node.value.id}.{node.attr} "
                        f"-> {node.value.id}.{enum_type}.{node.attr}")
    return findings


def _other_findings(path: Path, tree: ast.AST, text: str, root: Path = REPO) -> list[str]:
    rel = path.relative_to(root)
    findings = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.ImportFrom) and node.module
                and node.module.endswith("QtWidgets")
                and any(a.name == "QAction" for a in node.names)
                and path != COMPAT):
            findings.append(f"{rel}:{node.lineno}: QAction imported from QtWidgets "
                            "(use processing.compat.QAction)")
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "exec_(" in line:
            findings.append(f"{rel}:{lineno}: exec_( (use exec())")
        if "QVariant." in line and path != COMPAT:
            findings.append(f"{rel}:{lineno}: QVariant. outside processing/compat.py "
                            "(use compat.field_type)")
    return findings


@pytest.fixture(scope="module")
def qgis_bindings(qgis_app: Any) -> None:
    """The checks resolve names with the installed QGIS bindings."""
    assert importlib.util.find_spec("qgis.core") is not None


def test_sources_are_found() -> None:
    names = {p.name for p in _sources()}
    assert {"plugin.py", "base.py", "convert.py", "compat.py"} <= names


def test_detector_finds_unscoped_enums(qgis_bindings: None) -> None:
    """The check itself: a short-form enum is found, its fully scoped form and ints are not."""
    tree = ast.parse(
        "from qgis.core import QgsProcessing, Qgis, QgsWkbTypes\n"
        "from qgis.PyQt.QtCore import Qt\n"
        "a = QgsProcessing.TypeVectorLine\n"
        "b = QgsProcessing.SourceType.TypeVectorLine\n"
        "c = Qgis.Warning\n"
        "d = Qt.ISODate\n"
        "e = Qgis.QGIS_VERSION_INT\n"
        "f = QgsWkbTypes.LineString\n"
        "g = QgsWkbTypes.Type.LineString\n")
    assert _enum_findings("sample", tree) == [
        "sample:3: QgsProcessing.TypeVectorLine -> QgsProcessing.SourceType.TypeVectorLine",
        "sample:5: Qgis.Warning -> Qgis.MessageLevel.Warning",
        "sample:6: Qt.ISODate -> Qt.DateFormat.ISODate",
        "sample:8: QgsWkbTypes.LineString -> QgsWkbTypes.Type.LineString",
    ]


def test_every_enum_is_fully_scoped(qgis_bindings: None) -> None:
    findings = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        findings += _enum_findings(str(path.relative_to(REPO)), tree)
    assert findings == [], "\n".join(findings)


def test_no_qt5_only_spellings() -> None:
    """QAction from QtWidgets, exec_(, and QVariant field types outside the compat module."""
    findings = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        findings += _other_findings(path, ast.parse(text, filename=str(path)), text)
    assert findings == [], "\n".join(findings)


def test_fully_scoped_spellings_work_here(qgis_bindings: None) -> None:
    """The scoped forms the sources use resolve on this QGIS (3.22 is the minimum)."""
    from qgis.core import Qgis, QgsProcessing, QgsWkbTypes
    from qgis.PyQt.QtCore import Qt

    assert QgsProcessing.SourceType.TypeVectorLine == QgsProcessing.TypeVectorLine
    assert Qgis.MessageLevel.Warning == Qgis.Warning
    assert QgsWkbTypes.Type.LineString == QgsWkbTypes.LineString
    assert Qt.DateFormat.ISODate == Qt.ISODate


def test_compat_field_type_and_qaction(qgis_bindings: None) -> None:
    from qgis.core import Qgis, QgsField
    from qgis.PyQt.QtCore import QMetaType, QVariant

    from wijkkracht.processing import compat

    new = Qgis.QGIS_VERSION_INT >= 33800
    expected = {"double": "Double", "int": "Int", "longlong": "LongLong", "string": "QString",
                "bool": "Bool", "datetime": "QDateTime", "date": "QDate"}
    for key, meta_name in expected.items():
        kind = compat.field_type(key)
        if new:
            assert kind == getattr(QMetaType.Type, meta_name), key
        else:
            variant_name = meta_name[1:] if meta_name.startswith("Q") else meta_name
            assert kind == getattr(QVariant.Type, variant_name), key
        field = QgsField("x", kind)
        assert compat.field_kind(field) == key, key
    with pytest.raises(KeyError):
        compat.field_type("complex")
    assert compat.QAction.__name__ == "QAction"


def test_detector_finds_qt5_only_spellings(tmp_path: Path) -> None:
    """The check itself: QAction from QtWidgets, exec_( and QVariant field types are found."""
    path = tmp_path / "sample.py"
    text = ("from qgis.PyQt.QtWidgets import QAction, QDialog\n"
            "QDialog().exec_()\n"
            "field = QgsField('x', QVariant.Double)\n"
            "QDialog().exec()\n")
    findings = [f.split(": ", 1)[1] for f in _other_findings(path, ast.parse(text), text, tmp_path)]
    assert findings == [
        "QAction imported from QtWidgets (use processing.compat.QAction)",
        "exec_( (use exec())",
        "QVariant. outside processing/compat.py (use compat.field_type)",
    ]
