"""What differs between QGIS 3 (Qt5) and QGIS 4 (Qt6), in one place.

* :data:`QAction` lives in ``QtGui`` under Qt6 and in ``QtWidgets`` under Qt5: imported from
  where it exists.
* :func:`field_type`: ``QgsField(name, QVariant.X)`` is deprecated from QGIS 3.38 and QGIS 4
  takes ``QMetaType.Type.X``; the function returns the type to pass for this QGIS.
* :func:`field_kind`: the key of :func:`field_type` a field has (``field.type()`` compared with
  the same spelling, so it holds on both sides of 3.38).

Everything else is written so that it works on both (fully scoped enums, ``exec()``);
``tests/qgis/test_qt6_ready.py`` checks that statically. This is the only module of
``plugin/`` and ``processing/`` that may spell ``QVariant.``.
"""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis  # type: ignore[import-not-found]

try:  # Qt6 (QGIS 4)
    from qgis.PyQt.QtGui import QAction  # type: ignore[import-not-found,attr-defined]
except ImportError:  # Qt5 (QGIS 3)
    from qgis.PyQt.QtWidgets import QAction  # type: ignore[import-not-found,no-redef]

__all__ = ["QAction", "FIELD_TYPES", "USES_QMETATYPE", "field_type", "field_kind"]

#: QGIS 3.38 moved field types from ``QVariant.Type`` to ``QMetaType.Type``.
USES_QMETATYPE = Qgis.QGIS_VERSION_INT >= 33800

#: key -> (``QMetaType.Type`` member, ``QVariant.Type`` member).
FIELD_TYPES: dict[str, tuple[str, str]] = {
    "bool": ("Bool", "Bool"),
    "int": ("Int", "Int"),
    "uint": ("UInt", "UInt"),
    "longlong": ("LongLong", "LongLong"),
    "ulonglong": ("ULongLong", "ULongLong"),
    "double": ("Double", "Double"),
    "string": ("QString", "String"),
    "date": ("QDate", "Date"),
    "time": ("QTime", "Time"),
    "datetime": ("QDateTime", "DateTime"),
}


def field_type(key: str) -> Any:
    """The field type to give ``QgsField`` for ``key`` (see :data:`FIELD_TYPES`).

    Parameters
    ----------
    key
        ``"double"``, ``"int"``, ``"longlong"``, ``"string"``, ``"bool"``, ``"datetime"``, ...

    Returns
    -------
    QMetaType.Type or QVariant.Type
        ``QMetaType.Type.X`` from QGIS 3.38 on, ``QVariant.X`` before.

    Raises
    ------
    KeyError
        For a key not in :data:`FIELD_TYPES`.
    """
    meta_name, variant_name = FIELD_TYPES[key]
    if USES_QMETATYPE:
        from qgis.PyQt.QtCore import QMetaType  # type: ignore[import-not-found]

        return getattr(QMetaType.Type, meta_name)
    from qgis.PyQt.QtCore import QVariant  # type: ignore[import-not-found]

    return getattr(QVariant, variant_name)


def field_kind(field: Any) -> str | None:
    """The :data:`FIELD_TYPES` key of a ``QgsField``'s type, None for other types."""
    kind = field.type()
    for key in FIELD_TYPES:
        if kind == field_type(key):
            return key
    return None
