"""Write a typology model as JSON (atomically: a failed write leaves no half-written file).

See :class:`wijkkracht.core.typology.TypologyModel` for the content and
:func:`wijkkracht.data_sources.typology_model.read_typology_model` for reading it back.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.typology import TypologyModel
from .atomic import write_atomically

__all__ = ["write_typology_model"]


def write_typology_model(model: TypologyModel, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` (UTF-8 JSON, :meth:`TypologyModel.to_json`); returns the
    path."""
    text = model.to_json()
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
