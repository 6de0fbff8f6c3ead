"""The Processing parameters of the analysis options, made from their declarations.

Each option of :data:`wijkkracht.core.options.OPTIONS` with a QGIS id (``Option.qgis``) becomes
a parameter of that id, with the declaration's default, bounds (``minValue``/``maxValue``) and
help: the declaration's text in the QGIS language (its Dutch and English are in the
declaration, so they need no entry in :mod:`.i18n_nl`), followed where useful by a note on how
the dialog shows the option (a ``tr()`` text, translated as every other).
:func:`checked_options` checks the values of an algorithm's parameters by the same
declarations before the library is called, so that a value is refused in the declaration's
words, naming the parameter.

The declarations are read when an algorithm is initialised or run, never at import: the
plugin's start imports no geo library.

Options shown differently in QGIS (their mapping is tested in ``tests/qgis``):

``K`` (``k``)
    0 (the default): the types by rules (``k=None``); 2-12 k-means. QGIS cannot refuse 1
    itself: :func:`checked_options` does.
``K_AUTO``, ``K_MIN``, ``K_MAX`` (``k_range``)
    Off (``k_range=None``); on: ``(K_MIN, K_MAX)``.
``METHOD`` (``contiguous``)
    An enum: 0 per segment (``False``), 1 spatially contiguous (``True``).
``HOURS`` (``hours``)
    On (the default): computed when the POIs have opening hours (``hours=None``); off:
    ``hours=False``.
Choices (``TYPOLOGY_SEGMENTS``, ``HUFF_DECAY``, ...)
    Enums whose options are English labels (:data:`ENUMS`), values by index.
Dates
    Optional date parameters (``None``: not set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
)

from .i18n import language, tr

if TYPE_CHECKING:  # pragma: no cover
    from ..core.options import Option
    from .base import WijkkrachtAlgorithm

__all__ = ["EXCLUSIVE_STEP", "ENUMS", "declaration", "qgis_bounds", "option_help",
           "add_option_parameter", "add_number", "add_boolean", "add_enum", "add_date",
           "enum_value", "checked_options"]

#: ``QgsProcessingParameterNumber`` cannot express an exclusive minimum (its ``minValue`` is
#: inclusive): a declaration's ``> m`` is given to QGIS as ``>= m + EXCLUSIVE_STEP`` (a whole
#: number: ``m + 1``), the smallest value that makes sense for these options (a millimetre, a
#: thousandth of an exponent or of a rate per km). :func:`checked_options` refuses ``m`` itself
#: in the declaration's words anyway.
EXCLUSIVE_STEP = 0.001

#: The options of the choice parameters: English label (shown translated) and the library's
#: value, by parameter id; the parameter's value is the index.
ENUMS: dict[str, tuple[tuple[str, str], ...]] = {
    "TYPOLOGY_SEGMENTS": (
        ("fronting: street segments that addresses or buildings front", "fronting"),
        ("streets: every street segment", "streets"),
        ("all: every segment, sidewalks and paths included", "all"),
    ),
    "HUFF_DECAY": (("Power: distance^-beta", "power"),
                   ("Exponential: exp(-lambda km)", "exponential")),
    "SPENDING_MEASURE": (("BAG floor area (else assumed per shop type)", "floor_area"),
                         ("Count (1 per shop)", "count")),
    "TYPOLOGY_EXTRA": (("Liveliness by hour (evening share, hours with N and O open)", "hours"),
                       ("Spending flows (spending drawn and kept)", "spending")),
}


def declaration(name: str) -> Option:
    """The declaration of the option ``name``."""
    from ..core.options import option

    return option(name)


def qgis_bounds(opt: Option) -> tuple[float | None, float | None]:
    """``(minValue, maxValue)`` of the option's number parameter (None: unbounded); an
    exclusive minimum moved up by :data:`EXCLUSIVE_STEP` (a whole number: by 1)."""
    low = opt.minimum
    if low is not None and opt.exclusive_minimum:
        low = low + (1 if opt.kind == "int" else EXCLUSIVE_STEP)
    return low, opt.maximum


def option_help(opt: Option, note: str = "") -> str:
    """The declaration's help in the QGIS language, as a sentence, then ``note`` (translated
    by the caller)."""
    text = opt.help(language())
    text = text[:1].upper() + text[1:]
    if not text.endswith("."):
        text += "."
    return f"{text} {note}".strip()


def add_option_parameter(alg: WijkkrachtAlgorithm, parameter: Any, name: str, note: str = "",
                         *, advanced: bool = False) -> Any:
    """Add ``parameter`` of the option ``name`` to ``alg`` with the declaration's help and
    ``note`` (for the options QGIS shows in its own way, e.g. ``K`` or ``METHOD``)."""
    alg.add(parameter, option_help(declaration(name), note), advanced=advanced,
            translated=True)
    return parameter


def add_number(alg: WijkkrachtAlgorithm, name: str, description: str, *, note: str = "",
               advanced: bool = False, key: str | None = None, default: Any = None,
               optional: bool | None = None) -> QgsProcessingParameterNumber:
    """A number parameter of the option ``name`` (id ``key``, else the declaration's): its
    type, default (or ``default``), bounds and help from the declaration; optional when the
    option may be unset (``nullable``)."""
    opt = declaration(name)
    low, high = qgis_bounds(opt)
    kind = QgsProcessingParameterNumber.Type.Integer if opt.kind in ("int", "k_range") \
        else QgsProcessingParameterNumber.Type.Double
    bounds: dict[str, Any] = {}
    if low is not None:
        bounds["minValue"] = low
    if high is not None:
        bounds["maxValue"] = high
    value = opt.default if default is None else default
    param = QgsProcessingParameterNumber(
        key or opt.qgis, description, kind, value,
        optional=bool(opt.nullable) if optional is None else optional, **bounds)
    return add_option_parameter(alg, param, opt.name, note, advanced=advanced)


def add_boolean(alg: WijkkrachtAlgorithm, name: str, description: str, *, note: str = "",
                advanced: bool = False, key: str | None = None,
                default: bool | None = None) -> QgsProcessingParameterBoolean:
    """A check box of the option ``name``: the declaration's default (or ``default``, where
    the dialog shows the option differently) and help."""
    opt = declaration(name)
    param = QgsProcessingParameterBoolean(key or opt.qgis, description,
                                          bool(opt.default if default is None else default))
    return add_option_parameter(alg, param, opt.name, note, advanced=advanced)


def add_enum(alg: WijkkrachtAlgorithm, name: str, description: str, *, note: str = "",
             advanced: bool = False) -> QgsProcessingParameterEnum:
    """A choice of the option ``name``: the options of :data:`ENUMS` (English, shown
    translated), the declaration's default; a list of choices (``kind == "choices"``) is a
    multiple choice, optional, none by default."""
    opt = declaration(name)
    key = str(opt.qgis)
    values = [value for _, value in ENUMS[key]]
    multiple = opt.kind == "choices"
    param = QgsProcessingParameterEnum(
        key, description, [tr(label) for label, _ in ENUMS[key]], allowMultiple=multiple,
        defaultValue=None if multiple else values.index(opt.default), optional=multiple)
    return add_option_parameter(alg, param, opt.name, note, advanced=advanced)


def add_date(alg: WijkkrachtAlgorithm, name: str, description: str, *, note: str = "",
             advanced: bool = False, key: str | None = None) -> QgsProcessingParameterDateTime:
    """An optional date of the option ``name`` (empty: not set, the declaration's default)."""
    opt = declaration(name)
    param = QgsProcessingParameterDateTime(key or opt.qgis, description,
                                           QgsProcessingParameterDateTime.Type.Date, optional=True)
    return add_option_parameter(alg, param, opt.name, note, advanced=advanced)


def enum_value(alg: WijkkrachtAlgorithm, parameters: dict[str, Any], key: str,
               context: Any) -> Any:
    """The library's value of the choice ``key`` (:data:`ENUMS`): one value, or a tuple of
    them for a multiple choice (not set: none; QGIS 3.22 gives the first option for an
    unset optional enum)."""
    values = [value for _, value in ENUMS[key]]
    definition = alg.parameterDefinition(key)
    if definition is not None and definition.allowMultiple():
        if parameters.get(key) in (None, "", []):
            return ()
        return tuple(values[i] for i in alg.parameterAsEnums(parameters, key, context))
    return values[alg.parameterAsEnum(parameters, key, context)]


def checked_options(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (option name -> value) checked by their declarations, with the combinations
    that cannot go together (:func:`wijkkracht.core.options.check_options`); a refusal is a
    ``QgsProcessingException`` naming the parameter, in the declaration's words."""
    from ..core.errors import InputError
    from ..core.options import OPTIONS, check_options

    try:
        return check_options(values)
    except InputError as exc:
        opt = OPTIONS.get(str(exc.source))
        raise QgsProcessingException(
            f"{opt.qgis if opt is not None and opt.qgis else exc.source}: {exc.problem}"
        ) from None
