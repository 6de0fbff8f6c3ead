"""A Dutch and an English text: the one label type of every name, unit and help text (light:
imported where QGIS builds its dialogs, without the geo stack)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Label"]


@dataclass(frozen=True)
class Label:
    """A Dutch and an English label."""

    nl: str
    en: str

    def __call__(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en
