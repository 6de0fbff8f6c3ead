"""The QGIS side of the options declared once (``wijkkracht.core.options``, issue 16): every
option with a QGIS id is a parameter of the algorithms that offer it, with the declared default,
bounds and help (Dutch from the declaration), QGIS refuses a value just outside a bound, and an
algorithm refuses in the declaration's words what QGIS cannot express; an option QGIS lacks
says why (``not_in``). The command line and batch: ``tests/test_options.py``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from wijkkracht.core.options import OPTIONS, Option

#: The options QGIS shows in its own way (see wijkkracht.processing.options).
SPECIAL = {"k", "k_range", "contiguous", "hours"}


def _offering(provider: Any, key: str) -> list[Any]:
    return [a for a in provider.algorithms() if a.parameterDefinition(key) is not None]


def _qgis_options() -> list[Option]:
    return [o for o in OPTIONS.values() if o.qgis is not None]


def test_every_option_is_offered_or_says_why_not(wijkkracht_provider: Any) -> None:
    for opt in OPTIONS.values():
        if opt.qgis is None:
            assert "qgis" in opt.not_in, f"{opt.name}: not in QGIS, and not_in does not say why"
            continue
        assert _offering(wijkkracht_provider, opt.qgis), f"{opt.name}: no parameter {opt.qgis}"
    # the neighbourhood analysis offers every option but the rasters' (their own algorithm)
    analysis = wijkkracht_provider.algorithm("neighbourhoodanalysis")
    missing = [o.qgis for o in _qgis_options() if o.group != "rasters"
               and analysis.parameterDefinition(o.qgis) is None]
    assert not missing, missing


def _just_outside(opt: Option, low: float | None, high: float | None) -> list[float]:
    """Values just outside QGIS's range (and the declaration's exclusive minimum itself)."""
    step = 1 if opt.kind in ("int", "k_range") else 1e-9
    values = []
    if low is not None:
        values.append(low - step)
        if opt.exclusive_minimum:
            values.append(opt.minimum)
    if high is not None:
        values.append(high + step if step == 1 else math.nextafter(high, math.inf))
    return values


@pytest.mark.parametrize("opt", [o for o in _qgis_options() if o.name not in SPECIAL],
                         ids=lambda o: o.name)
def test_parameter_has_the_declared_default_and_bounds(wijkkracht_provider: Any,
                                                       opt: Option) -> None:
    from qgis.core import (
        QgsProcessingParameterBoolean,
        QgsProcessingParameterDateTime,
        QgsProcessingParameterDefinition,
        QgsProcessingParameterEnum,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
    )

    from wijkkracht.processing.options import ENUMS, EXCLUSIVE_STEP

    for alg in _offering(wijkkracht_provider, opt.qgis):
        param = alg.parameterDefinition(opt.qgis)
        where = f"{alg.id()} {opt.qgis}"
        optional = bool(param.flags() & QgsProcessingParameterDefinition.FlagOptional)
        if opt.kind in ("int", "float"):
            assert isinstance(param, QgsProcessingParameterNumber), where
            assert param.dataType() == (QgsProcessingParameterNumber.Integer if opt.kind == "int"
                                        else QgsProcessingParameterNumber.Double), where
            assert param.defaultValue() == opt.default, where
            assert optional == opt.nullable, where
            low = opt.minimum + (EXCLUSIVE_STEP if opt.exclusive_minimum else 0)
            assert param.minimum() == pytest.approx(low), where
            assert param.maximum() == opt.maximum, where
            assert opt.check(param.minimum()) == param.minimum()  # within the declaration
            for value in _just_outside(opt, param.minimum(), param.maximum()):
                assert not param.checkValueIsAcceptable(value), (where, value)
            if opt.default is not None:
                assert param.checkValueIsAcceptable(opt.default), where
        elif opt.kind == "bool":
            assert isinstance(param, QgsProcessingParameterBoolean), where
            assert param.defaultValue() == opt.default, where
        elif opt.kind in ("choice", "choices"):
            assert isinstance(param, QgsProcessingParameterEnum), where
            values = tuple(value for _, value in ENUMS[opt.qgis])
            assert values == opt.choices and len(param.options()) == len(values), where
            if opt.kind == "choice":
                assert values[param.defaultValue()] == opt.default, where
                assert not param.checkValueIsAcceptable(len(values)), where
            else:  # a multiple choice, none by default
                assert param.allowMultiple() and optional and not param.defaultValue(), where
        elif opt.kind == "date":
            assert isinstance(param, QgsProcessingParameterDateTime), where
            assert param.dataType() == QgsProcessingParameterDateTime.Date, where
            assert optional and param.defaultValue() is None and opt.default is None, where
        elif opt.kind == "path":
            assert isinstance(param, QgsProcessingParameterFile), where
            assert optional and param.defaultValue() is None and opt.default is None, where
        else:  # pragma: no cover - a new kind needs its mapping here
            raise AssertionError(f"{where}: kind {opt.kind} not mapped")


def test_the_options_shown_in_their_own_way(wijkkracht_provider: Any) -> None:
    """``K`` 0 = not set (the rules), ``K_AUTO``/``K_MIN``/``K_MAX`` = ``k_range``, ``METHOD``
    = ``contiguous``, ``HOURS`` on = ``hours`` not set."""
    k, k_range = OPTIONS["k"], OPTIONS["k_range"]
    assert k.default is None and k_range.default is None
    assert OPTIONS["contiguous"].default is False and OPTIONS["hours"].default is None
    for alg in _offering(wijkkracht_provider, "K"):
        param = alg.parameterDefinition("K")
        assert param.defaultValue() == 0 and param.minimum() == 0
        assert param.maximum() == k.maximum and not param.checkValueIsAcceptable(k.maximum + 1)
        assert not param.checkValueIsAcceptable(-1)
        assert alg.parameterDefinition("K_AUTO").defaultValue() is False
        for key in ("K_MIN", "K_MAX"):
            param = alg.parameterDefinition(key)
            assert (param.minimum(), param.maximum()) == (k_range.minimum, k_range.maximum)
            assert not param.checkValueIsAcceptable(k_range.minimum - 1)
            assert not param.checkValueIsAcceptable(k_range.maximum + 1)
        assert alg.parameterDefinition("K_MIN").defaultValue() <= \
            alg.parameterDefinition("K_MAX").defaultValue()
        method = alg.parameterDefinition("METHOD")
        assert method.defaultValue() == 0 and len(method.options()) == 2
    for alg in _offering(wijkkracht_provider, "HOURS"):
        assert alg.parameterDefinition("HOURS").defaultValue() is True


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_help_is_the_declarations(wijkkracht_provider: Any, qgis_language: Any,
                                  lang: str) -> None:
    from qgis.core import QgsApplication

    qgis_language(lang)
    registry = QgsApplication.processingRegistry()
    for opt in _qgis_options():
        text = opt.help(lang)
        for offering in _offering(wijkkracht_provider, opt.qgis):
            alg = registry.createAlgorithmById(offering.id())
            helps = [alg.parameterDefinition(opt.qgis).help()]
            if opt.name == "k_range":
                helps += [alg.parameterDefinition(k).help() for k in ("K_AUTO", "K_MAX")]
            for help_text in helps:
                assert help_text.startswith(text[:1].upper() + text[1:]), (alg.id(), help_text)


@pytest.mark.parametrize(("alg", "params", "said"), [
    # QGIS cannot refuse K = 1 (0 means the rules): the algorithm does, by the declaration
    ("classifystreets", {"K": 1}, "K: expected a whole number >= 2 and <= 12, got 1"),
    ("classifystreets", {"K_AUTO": True, "K_MIN": 8, "K_MAX": 3},
     "K_MIN: expected MIN-MAX with 2 <= MIN <= MAX <= 12, got (8, 3)"),
    ("intensityrasters", {"CELL_SIZE": 100, "BANDWIDTH": 50, "BUSINESS_INTENSITY": "x.tif"},
     "BANDWIDTH: must be at least the cell size (100 m), got 50 m"),
])
def test_algorithm_refuses_in_the_declarations_words(wijkkracht_run: Any,
                                                     demo_layers: dict[str, Any], alg: str,
                                                     params: dict[str, Any], said: str,
                                                     tmp_path: Any) -> None:
    from qgis.core import QgsProcessingException

    layers = {"classifystreets": {"INPUT": demo_layers["streets"]},
              "intensityrasters": {"POIS": demo_layers["pois"],
                                   "AREA": demo_layers["study_area"]}}[alg]
    params = {k: str(tmp_path / v) if str(v).endswith(".tif") else v for k, v in params.items()}
    with pytest.raises(QgsProcessingException, match=said.replace("(", r"\(").replace(")", r"\)")):
        wijkkracht_run(alg, **layers, **params)
    assert not list(tmp_path.iterdir())


def test_qgis_refuses_a_value_outside_the_declared_bounds(wijkkracht_run: Any,
                                                          demo_layers: dict[str, Any]) -> None:
    """A value just outside a bound never reaches the algorithm: QGIS's own check of the
    parameter's range (from the declaration) refuses it."""
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="SNAP_DISTANCE"):
        wijkkracht_run("vacancy", STREETS=demo_layers["streets"], POIS=demo_layers["pois"],
                       AREA=demo_layers["study_area"], SNAP_DISTANCE=0)
