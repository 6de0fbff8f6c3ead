"""The examples in the public docstrings run as written."""

import doctest
import importlib

import pytest

MODULES = [
    "wijkkracht.core.indicators.mixed_use",
    "wijkkracht.core.indicators.proximity",
    "wijkkracht.core.network",
    "wijkkracht.core.pipeline",
    "wijkkracht.core.huff",
    "wijkkracht.core.spending",
    "wijkkracht.core.opening_hours",
    "wijkkracht.core.indicators.liveliness",
    "wijkkracht.data_sources.synthetic_hours",
    "wijkkracht.data_sources.schema",
    "wijkkracht.output.merge",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_examples_exist():
    total = sum(doctest.testmod(importlib.import_module(n), report=False).attempted for n in MODULES)
    assert total >= 3
