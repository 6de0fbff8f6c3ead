"""Error classes. Each carries a one-line, actionable message; the CLI prints it as is and the
QGIS algorithms wrap it in a ``QgsProcessingException``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["WijkkrachtError", "InputError", "NoDataError", "OutputError"]


class WijkkrachtError(Exception):
    """Base class for errors a user can act on (bad input, empty area, unwritable output)."""


class InputError(WijkkrachtError, ValueError):
    """An input file or layer is missing, unreadable or lacks what the analysis needs.

    Parameters
    ----------
    source
        The file (or layer description) the problem is in; named first in the message.
    problem
        What is wrong and, where possible, what to do about it.
    """

    def __init__(self, source: str | Path | None, problem: str) -> None:
        self.source = str(source) if source is not None else None
        self.problem = problem
        super().__init__(f"{self.source}: {problem}" if self.source else problem)


class NoDataError(InputError):
    """The input is valid but holds nothing to analyse in the study area."""


class OutputError(WijkkrachtError, OSError):
    """An output cannot be written (read-only folder, disk full, ...)."""
